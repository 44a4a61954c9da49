// SPDX-License-Identifier: BSD-2-Clause
/*
 * dockerfly-hook: an OCI runtime hook that gives a container its own NIC on the LAN.
 *
 * The runtime runs it with the container's state on stdin: at creation (prestart,
 * createRuntime) it attaches the NICs the container's settings ask for; at poststop it
 * releases what they hold. See README.md for the settings.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "json.h"
#include "caps.h"
#include "log.h"
#include "policy.h"
#include "sources.h"
#include "state.h"
#include "util.h"

enum stage { STAGE_INFER, STAGE_ATTACH, STAGE_RELEASE };

static const struct {
	const char *name;
	enum stage stage;
} stages[] = {
	{"prestart", STAGE_ATTACH},	   {"createRuntime", STAGE_ATTACH},
	{"createContainer", STAGE_ATTACH}, {"startContainer", STAGE_ATTACH},
	{"poststart", STAGE_ATTACH},	   {"poststop", STAGE_RELEASE},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: dockerfly-hook [--debug] [STAGE] < STATE\n"
		   "  STAGE: prestart, createRuntime, createContainer, startContainer or\n"
		   "         poststart attach the container's NICs; poststop releases them.\n"
		   "         Without STAGE: a stopped container is released, a live one attached.\n"
		   "  STATE: the OCI state JSON the runtime writes on stdin.\n"
		   "  DOCKERFLY_DEBUG=1 in the environment, or --debug, prints each step.\n");
}

/* Parse the command line into @stage. Returns 0, 1 for --help, or -1 on a bad argument. */
static int parse_args(int argc, char **argv, enum stage *stage, struct df_err *e)
{
	*stage = STAGE_INFER;
	for (int i = 1; i < argc; i++) {
		bool known = false;

		if (!strcmp(argv[i], "--debug")) {
			log_set_debug(true);
			continue;
		}
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
		for (size_t j = 0; j < ARRAY_SIZE(stages) && !known; j++) {
			if (!strcmp(argv[i], stages[j].name)) {
				*stage = stages[j].stage;
				known = true;
			}
		}
		if (!known || i != argc - 1)
			return df_invalid(e, "bad argument '%s' (see --help)", argv[i]);
	}
	return 0;
}

static int read_state(struct df_state *st, struct df_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	r = read_all(STDIN_FILENO, DF_STATE_MAX, "state from stdin", &buf, &len, e);
	if (r < 0)
		return r;
	if (len == 0)
		return df_invalid(e, "read state: stdin is empty");
	return state_parse(buf, len, st, e);
}

/* poststop: settings that were refused at creation cannot have attached anything. */
static int release(const char *id, const struct df_settings *s, const struct df_conf *conf,
		   int nics, struct df_err *e)
{
	if (nics < 0) {
		log_debug("release: %s; nothing can have been attached", e->msg);
		return 0;
	}
	return release_all(id, s, conf, e);
}

static int run(enum stage stage, struct df_state *st, struct df_err *e)
{
	struct df_settings s;
	struct df_conf conf;
	static struct df_policy policy;
	int r, nics;

	r = caps_limit(stage != STAGE_RELEASE, e);
	if (r < 0)
		return r;
	r = read_state(st, e);
	if (r < 0)
		return r;
	log_set_container(st->id);
	if (stage == STAGE_INFER)
		stage = state_is_alive(st) && st->pid > 0 ? STAGE_ATTACH : STAGE_RELEASE;

	r = conf_load(NULL, &conf, e);
	if (r < 0)
		return r;
	nics = settings_load(st, &conf.defaults, &s, e);
	if (s.debug)
		log_set_debug(true);
	r = caps_settings_read(stage != STAGE_RELEASE, e);
	if (r < 0)
		return r;
	if (stage == STAGE_RELEASE)
		return release(st->id, &s, &conf, nics, e);
	if (nics == 0)
		log_debug("no dockerfly settings; nothing to do");
	if (nics <= 0)
		return nics;
	r = policy_load(NULL, &policy, e);
	if (r == 0)
		r = policy_check(&policy, &s, conf.defaults.host_route, e);
	if (r < 0)
		return r;
	return attach_all(st->id, st->pid, &s, &conf, e);
}

int main(int argc, char **argv)
{
	struct df_err e = {0};
	struct df_state st = {0};
	enum stage stage;
	const char *debug = getenv("DOCKERFLY_DEBUG");
	int r;

	log_init("dockerfly-hook");
	if (debug && (!strcmp(debug, "1") || !strcmp(debug, "on") || !strcmp(debug, "true")))
		log_set_debug(true);

	r = parse_args(argc, argv, &stage, &e);
	if (r == 1) {
		usage(stdout);
		return 0;
	}
	if (r == 0)
		r = run(stage, &st, &e);
	if (r < 0)
		log_error("%s", e.msg);
	state_release(&st);
	return r < 0 ? 1 : 0;
}
