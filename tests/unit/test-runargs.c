// SPDX-License-Identifier: BSD-2-Clause
/* runc command lines as engines write them, read by dockerfly-runtime. */
#include "unit.h"
#include "runargs.h"

#define SCAN(ra, e, ...)                                                                 \
	({                                                                               \
		char *const argv_[] = {"dockerfly-runtime", __VA_ARGS__};                \
		memset((e), 0, sizeof(*(e)));                                            \
		runargs_scan((int)(sizeof(argv_) / sizeof(argv_[0])), argv_, (ra), (e)); \
	})

static void assert_args(const struct df_runargs *ra, const char *command, const char *bundle,
			const char *id)
{
	if (command)
		assert_string_equal(ra->command, command);
	else
		assert_null(ra->command);
	if (bundle)
		assert_string_equal(ra->bundle, bundle);
	else
		assert_null(ra->bundle);
	if (id)
		assert_string_equal(ra->id, id);
	else
		assert_null(ra->id);
}

/* What containerd's runc shim and Docker write. */
static void test_engines(void **state)
{
	struct df_runargs ra;
	struct df_err e;

	assert_ok(SCAN(&ra, &e, "--root", "/run/containerd/runc/moby", "--log",
		       "/run/containerd/io.containerd.runtime.v2.task/moby/c1/log.json",
		       "--log-format", "json", "--systemd-cgroup", "create", "--bundle",
		       "/run/containerd/io.containerd.runtime.v2.task/moby/c1", "--pid-file",
		       "/run/containerd/io.containerd.runtime.v2.task/moby/c1/init.pid", "c1"),
		  &e);
	assert_args(&ra, "create", "/run/containerd/io.containerd.runtime.v2.task/moby/c1", "c1");
	assert_true(runargs_creates(&ra));

	/* Options after the id, "=" forms, short -b. */
	assert_ok(SCAN(&ra, &e, "--root=/run/runc", "run", "c2", "-b", "/b2", "--detach"), &e);
	assert_args(&ra, "run", "/b2", "c2");
	assert_true(runargs_creates(&ra));
	assert_ok(SCAN(&ra, &e, "create", "--bundle=/b3", "--console-socket", "/tmp/s", "c3"), &e);
	assert_args(&ra, "create", "/b3", "c3");
	assert_ok(SCAN(&ra, &e, "create", "-b=/b4", "c4"), &e);
	assert_args(&ra, "create", "/b4", "c4");
	/* The last bundle option counts. */
	assert_ok(SCAN(&ra, &e, "create", "-b", "/first", "c5", "--bundle", "/last"), &e);
	assert_args(&ra, "create", "/last", "c5");
	/* No bundle option: the runtime takes the current directory. */
	assert_ok(SCAN(&ra, &e, "create", "c6"), &e);
	assert_args(&ra, "create", NULL, "c6");
}

static void test_other_commands(void **state)
{
	struct df_runargs ra;
	struct df_err e;

	assert_ok(SCAN(&ra, &e, "--root", "/run/runc", "start", "c1"), &e);
	assert_args(&ra, "start", NULL, NULL);
	assert_false(runargs_creates(&ra));
	assert_ok(SCAN(&ra, &e, "delete", "--force", "c1"), &e);
	assert_false(runargs_creates(&ra));
	assert_ok(SCAN(&ra, &e, "--version"), &e);
	assert_args(&ra, NULL, NULL, NULL);
	assert_false(runargs_creates(&ra));
	assert_ok(SCAN(&ra, &e, "--root", "create"), &e);
	assert_args(&ra, NULL, NULL, NULL);
	/* A global option's value is not the command. */
	assert_ok(SCAN(&ra, &e, "--log", "create", "state", "c1"), &e);
	assert_args(&ra, "state", NULL, NULL);
}

static void test_double_dash(void **state)
{
	struct df_runargs ra;
	struct df_err e;

	assert_ok(SCAN(&ra, &e, "create", "--", "-b"), &e);
	assert_args(&ra, "create", NULL, "-b");
	assert_ok(SCAN(&ra, &e, "--", "create", "-b", "/b", "c1"), &e);
	assert_args(&ra, "create", "/b", "c1");
}

static void test_refused(void **state)
{
	struct df_runargs ra;
	struct df_err e;

	assert_refused_msg(SCAN(&ra, &e, "create", "c1", "--bundle"), &e,
			   "create: option --bundle needs a value");
	assert_refused(SCAN(&ra, &e, "run", "c1", "-b"), &e, "run: option -b needs a value");
	/* Another valued option at the end is the runtime's business. */
	assert_ok(SCAN(&ra, &e, "create", "c1", "--pid-file"), &e);
	assert_args(&ra, "create", NULL, "c1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engines),
		cmocka_unit_test(test_other_commands),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("runargs", tests, NULL, NULL);
}
