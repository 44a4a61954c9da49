// SPDX-License-Identifier: BSD-2-Clause
/*
 * A bundle's config.json, read the way the hook reads it: from BUNDLE/config.json when the
 * state has no settings, through its annotations or else its process.env, then checked whole.
 * The input is written to a scratch bundle (in /dev/shm when there is one) on every run.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fuzz.h"
#include "json.h"
#include "sources.h"
#include "spec.h"
#include "state.h"

static char bundle[64], path[96];

static void cleanup(void)
{
	unlink(path);
	rmdir(bundle);
}

static void make_bundle(void)
{
	snprintf(bundle, sizeof(bundle), "%s/dockerfly-fuzz.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	fuzz_check(mkdtemp(bundle) != NULL);
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	atexit(cleanup);
}

static void write_config(const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t o = 0;

	fuzz_check(fd >= 0);
	while (o < size) {
		ssize_t w = write(fd, data + o, size - o);

		fuzz_check(w > 0);
		o += (size_t)w;
	}
	close(fd);
}

/* What the same bytes say when parsed in memory: -1 not a document, else has settings. */
static int settings_in_memory(const uint8_t *data, size_t size)
{
	struct df_err e = {0};
	struct json_object *cfg;
	int has;

	if (json_parse_doc((const char *)data, size, "config", &cfg, &e) < 0)
		return -1;
	has = spec_has_settings(cfg);
	json_object_put(cfg);
	return has;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct df_state st = {.oci_version = "1.0.2", .id = "c1", .status = "creating", .pid = 1};
	struct df_settings s;
	struct df_err e = {0};
	int r, has;

	if (!bundle[0])
		make_bundle();
	write_config(data, size);
	st.bundle = bundle;

	r = settings_load(&st, NULL, &s, &e);
	has = settings_in_memory(data, size);
	if (r < 0) {
		fuzz_check_err(r, &e);
		return 0;
	}
	fuzz_check(has >= 0);
	fuzz_check(r == 0 || has);
	fuzz_check(r == 0 || s.source == DF_SOURCE_CONFIG || s.source == DF_SOURCE_ENV);
	fuzz_check(has || s.source == DF_SOURCE_NONE);
	for (int n = 0, used = 0; n < DF_MAX_NICS; n++) {
		used += s.nic[n].used;
		if (s.nic[n].used)
			fuzz_check(s.nic[n].parent[0] && s.nic[n].ifname[0]);
		if (n == DF_MAX_NICS - 1)
			fuzz_check(used == r);
	}
	return 0;
}
