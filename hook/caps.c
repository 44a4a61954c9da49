// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <sys/prctl.h>
#include <cap-ng.h>

#include "caps.h"
#include "util.h"

/* Keep those of @keep that the process has now, drop every other one, bounding set too. */
int caps_keep(const unsigned int *keep, size_t n, struct df_err *e)
{
	bool have[8] = {false};
	bool setpcap;

	if (capng_get_caps_process() < 0)
		return df_fail(e, EPERM, "read capabilities");
	setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
	for (size_t i = 0; i < n; i++)
		have[i] = capng_have_capability(CAPNG_PERMITTED, keep[i]);

	capng_clear(CAPNG_SELECT_BOTH);
	for (size_t i = 0; i < n; i++) {
		if (have[i] &&
		    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET,
				 keep[i]) < 0)
			return df_fail(e, EPERM, "limit capabilities");
	}
	/* Shrinking the bounding set needs CAP_SETPCAP, which is dropped in the same step. */
	if (capng_apply(setpcap ? CAPNG_SELECT_BOTH : CAPNG_SELECT_CAPS) < 0)
		return df_fail(e, EPERM, "drop capabilities");
	return 0;
}

int caps_limit(bool attach, struct df_err *e)
{
	static const unsigned int attach_caps[] = {CAP_NET_ADMIN,	 CAP_NET_RAW,
						   CAP_NET_BIND_SERVICE, CAP_SYS_ADMIN,
						   CAP_SYS_PTRACE,	 CAP_KILL};
	static const unsigned int release_caps[] = {CAP_NET_ADMIN, CAP_NET_RAW, CAP_KILL,
						    CAP_DAC_READ_SEARCH};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return df_fail(e, errno, "set no_new_privs");
	if (attach)
		return caps_keep(attach_caps, ARRAY_SIZE(attach_caps), e);
	return caps_keep(release_caps, ARRAY_SIZE(release_caps), e);
}

int caps_settings_read(bool attach, struct df_err *e)
{
	static const unsigned int attach_caps[] = {CAP_NET_ADMIN,	 CAP_NET_RAW,
						   CAP_NET_BIND_SERVICE, CAP_SYS_ADMIN,
						   CAP_SYS_PTRACE,	 CAP_KILL};
	static const unsigned int release_caps[] = {CAP_NET_ADMIN, CAP_NET_RAW, CAP_KILL};

	if (attach)
		return caps_keep(attach_caps, ARRAY_SIZE(attach_caps), e);
	return caps_keep(release_caps, ARRAY_SIZE(release_caps), e);
}

int caps_enter_done(struct df_err *e)
{
	static const unsigned int keep[] = {CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE};

	return caps_keep(keep, ARRAY_SIZE(keep), e);
}
