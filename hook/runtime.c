// SPDX-License-Identifier: BSD-2-Clause
/*
 * dockerfly-runtime: a runc-compatible wrapper for engines that take a runtime path (Docker's
 * "runtimes", containerd's runc shim BinaryName). On "create" (and "run") of a container whose
 * config.json carries dockerfly settings it adds dockerfly-hook as prestart and poststop hook;
 * then, for every call, it executes the real runtime with the arguments untouched. It has no
 * options of its own: "--help" and "--version" are the real runtime's, since engines ask it.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <cap-ng.h>

#include "caps.h"
#include "hooks.h"
#include "json.h"
#include "log.h"
#include "rtconf.h"
#include "runargs.h"
#include "sources.h"
#include "spec.h"
#include "util.h"

/*
 * Set in the real runtime's environment. Seeing it on entry means the real runtime (a script,
 * say) started this program again: stop rather than loop forever. runc and crun never pass
 * their own environment to hooks or to the container, so it goes no further.
 */
#define LOOP_GUARD "DOCKERFLY_RUNTIME_WRAPPED"

/* The bundle as runc takes it: the option's value, the current directory when none. */
static int bundle_path(const char *opt, char *out, size_t size, struct df_err *e)
{
	char cwd[PATH_MAX];

	if (opt && opt[0] == '/') {
		if (snprintf(out, size, "%s", opt) >= (int)size)
			return df_invalid(e, "bundle path too long");
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return df_fail(e, errno, "find the bundle: current directory");
	if (snprintf(out, size, "%s%s%s", cwd, opt && *opt ? "/" : "", opt ? opt : "") >= (int)size)
		return df_invalid(e, "bundle path too long");
	return 0;
}

/* Add the hooks to the bundle's config.json when the container has dockerfly settings. */
static int add_hooks(const struct df_runargs *ra, const struct df_rtconf *c, struct df_err *e)
{
	_cleanup_json_ struct json_object *cfg = NULL;
	char bundle[PATH_MAX];
	bool changed;
	int r;

	r = bundle_path(ra->bundle, bundle, sizeof(bundle), e);
	if (r < 0)
		return r;

	/*
	 * A config.json that cannot be read or parsed carries no settings we could know of; the
	 * real runtime refuses it in its own words, as it would without this wrapper.
	 */
	if (spec_load(bundle, &cfg, e) < 0) {
		log_debug("%s; left to the real runtime", e->msg);
		return 0;
	}
	if (!spec_has_settings(cfg)) {
		log_debug("no dockerfly settings in %s/config.json", bundle);
		return 0;
	}

	r = rtconf_check_hook(c, e);
	if (r < 0)
		return r;

	r = hooks_add(cfg, c->hook, &changed, e);
	if (r < 0)
		return df_err_prefix(e, "add hooks in %s", bundle);
	if (!changed) {
		log_debug("dockerfly hooks already in %s/config.json", bundle);
		return 0;
	}

	r = spec_write(bundle, cfg, e);
	if (r < 0)
		return r;
	log_debug("added hook %s to %s/config.json", c->hook, bundle);
	return 0;
}

/*
 * add_hooks() in a child that keeps nothing but the file access it needs: the wrapper itself
 * must hand the real runtime every capability the engine gave it, but the parsing and
 * rewriting of config.json, which the container's creator wrote, runs without them, but for
 * reading and writing files and keeping their owner and mode. The child's error message comes
 * back through a pipe.
 */
static int add_hooks_confined(const struct df_runargs *ra, const struct df_rtconf *c,
			      struct df_err *e)
{
	static const unsigned int keep[] = {CAP_DAC_READ_SEARCH, CAP_DAC_OVERRIDE, CAP_CHOWN,
					    CAP_FOWNER};
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return df_fail(e, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return df_fail(e, errno, "fork");
	}
	if (pid == 0) {
		int r = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0
				? df_fail(e, errno, "set no_new_privs")
				: caps_keep(keep, ARRAY_SIZE(keep), e);

		if (r == 0)
			r = add_hooks(ra, c, e);
		if (r < 0 && write(pipefd[1], e->msg, strlen(e->msg)) < 0)
			_exit(2);
		_exit(r < 0 ? 1 : 0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], e->msg, sizeof(e->msg) - 1);
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) < 0)
		return df_fail(e, errno, "wait for the config.json edit");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	e->msg[n > 0 ? n : 0] = '\0';
	if (n <= 0)
		snprintf(e->msg, sizeof(e->msg), "edit config.json: the child failed");
	e->code = EIO;
	return -EIO;
}

static int run(int argc, char **argv, struct df_err *e)
{
	struct df_runargs ra;
	struct df_rtconf conf;
	char real[PATH_MAX];
	int r;

	if (getenv(LOOP_GUARD))
		return df_invalid(e,
				  "started again by the real runtime (%s is set): the real "
				  "runtime must be runc or crun, not a way back to this program",
				  LOOP_GUARD);
	r = rtconf_load(&conf, e);
	if (r < 0)
		return r;

	r = runargs_scan(argc, argv, &ra, e);
	if (ra.id)
		log_set_container(ra.id);
	if (r < 0)
		return r;

	r = rtconf_real_runtime(&conf, real, sizeof(real), e);
	if (r < 0)
		return r;
	log_debug("real runtime %s", real);

	if (runargs_creates(&ra)) {
		r = add_hooks_confined(&ra, &conf, e);
		if (r < 0)
			return r;
	}

	if (setenv(LOOP_GUARD, "1", 1) < 0)
		return df_fail(e, errno, "set %s", LOOP_GUARD);
	argv[0] = real;
	execv(real, argv);
	return df_fail(e, errno, "exec %s", real);
}

int main(int argc, char **argv)
{
	const char *debug = getenv("DOCKERFLY_DEBUG");
	struct df_err e = {0};

	log_init("dockerfly-runtime");
	if (debug && (!strcmp(debug, "1") || !strcmp(debug, "on") || !strcmp(debug, "true")))
		log_set_debug(true);

	/* run() returns only on failure: on success the real runtime has replaced this program. */
	run(argc, argv, &e);
	log_error("%s", e.msg);
	return 1;
}
