// SPDX-License-Identifier: BSD-2-Clause
/* The host's configuration file, /etc/dockerfly/dockerfly.conf. */
#include <fcntl.h>
#include <sys/socket.h>

#include "unit.h"
#include "conf.h"

static int parse(const char *text, struct df_conf *c, struct df_err *e)
{
	memset(e, 0, sizeof(*e));
	return conf_parse(text, "conf", c, e);
}

static void test_empty(void **state)
{
	struct df_err e;
	struct df_conf c;

	memset(&c, 0xff, sizeof(c));
	assert_ok(parse("", &c, &e), &e);
	assert_int_equal(c.defaults.dad, DF_DAD_QUICK);
	assert_false(c.defaults.host_route);
	assert_true(c.defaults.quickack);
	assert_false(c.shim_keep);
	assert_int_equal(c.n_shims, 0);
	assert_ok(parse("\n# only a comment\n\t \n", &c, &e), &e);
	assert_int_equal(c.n_shims, 0);
}

static void test_every_key(void **state)
{
	struct df_err e;
	struct df_conf c;
	const unsigned char fly0[4] = {198, 18, 0, 2}, fly1[4] = {198, 18, 1, 2};
	const struct df_addr *a;

	assert_ok(parse("# dockerfly host settings\n"
			"dad = strict\n"
			"\thost-route=on   # reach containers from here\n"
			"quickack = off\n"
			"shim-keep = yes\r\n"
			"shim-address.fly0 = 198.18.0.2\n"
			"shim-address.fly1 =198.18.1.2",
			&c, &e),
		  &e);
	assert_int_equal(c.defaults.dad, DF_DAD_STRICT);
	assert_true(c.defaults.host_route);
	assert_false(c.defaults.quickack);
	assert_true(c.shim_keep);
	assert_int_equal(c.n_shims, 2);
	assert_string_equal(c.shims[0].parent, "fly0");
	assert_int_equal(c.shims[0].addr.family, AF_INET);
	assert_memory_equal(c.shims[0].addr.bytes, fly0, 4);

	a = conf_shim_address(&c, "fly1");
	assert_non_null(a);
	assert_memory_equal(a->bytes, fly1, 4);
	assert_null(conf_shim_address(&c, "fly2"));
	assert_null(conf_shim_address(&c, "fly"));
}

static void test_refused(void **state)
{
	struct df_err e;
	struct df_conf c;

	assert_refused_msg(parse("dad\n", &c, &e), &e, "conf:1: expected 'key = value'");
	assert_refused_msg(parse("\n\nflavour = mint\n", &c, &e), &e,
			   "conf:3: unknown key 'flavour'");
	assert_refused_msg(parse("# x\ndad = maybe\n", &c, &e), &e,
			   "conf:2: bad conflict detection mode 'maybe' (off, quick, strict)");
	assert_refused_msg(parse("host-route = 2", &c, &e), &e,
			   "conf:1: bad switch '2' (on or off)");
	assert_refused(parse("shim-keep =", &c, &e), &e, "conf:1: bad switch ''");
	assert_refused(parse("quickack = fast", &c, &e), &e, "conf:1: bad switch 'fast'");
	assert_refused(parse("DAD = off", &c, &e), &e, "conf:1: unknown key 'DAD'");
	assert_refused(parse("= off", &c, &e), &e, "conf:1: unknown key ''");
	assert_refused(parse("dad = off strict", &c, &e), &e, "bad conflict detection mode");
	assert_refused_msg(parse("shim-address.fly0 = fd18::2", &c, &e), &e,
			   "conf:1: shim address 'fd18::2' is not IPv4");
	assert_refused_msg(parse("shim-address.fly0 = 198.18.0.2/24", &c, &e), &e,
			   "conf:1: shim address: bad gateway address '198.18.0.2/24'");
	assert_refused(parse("shim-address.fly0 = 224.0.0.1", &c, &e), &e, "multicast");
	assert_refused(parse("shim-address. = 198.18.0.2", &c, &e), &e,
		       "conf:1: bad interface name ''");
	assert_refused(parse("shim-address.a/b = 198.18.0.2", &c, &e), &e,
		       "conf:1: bad interface name 'a/b'");
	assert_refused(parse("shim-address = 198.18.0.2", &c, &e), &e,
		       "unknown key 'shim-address'");
	/* A file says each thing once: which of two would win is no question to leave open. */
	assert_refused_msg(parse("dad = off\n# later\ndad = strict\n", &c, &e), &e,
			   "conf:3: 'dad' given twice");
	assert_refused_msg(
		parse("shim-address.fly0 = 198.18.0.2\nshim-address.fly0 = 198.18.0.3", &c, &e), &e,
		"conf:2: 'shim-address.fly0' given twice");
	assert_ok(parse("shim-address.fly0 = 198.18.0.2\nshim-address.fly1 = 198.18.0.3", &c, &e),
		  &e);
}

static void test_shim_limit(void **state)
{
	struct df_err e;
	struct df_conf c;
	char text[2048];
	size_t o = 0;

	for (int i = 0; i < 16; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
				      "shim-address.p%d = 198.18.%d.2\n", i, i);
	assert_ok(parse(text, &c, &e), &e);
	assert_int_equal(c.n_shims, 16);
	snprintf(text + o, sizeof(text) - o, "shim-address.p16 = 198.18.16.2\n");
	assert_refused_msg(parse(text, &c, &e), &e, "conf:17: more than 16 shim addresses");
}

static void test_load(void **state)
{
	struct df_err e;
	struct df_conf c;
	char *dir = unit_tmpdir(), path[4200], want[4300];
	int fd;

	snprintf(path, sizeof(path), "%s/dockerfly.conf", dir);
	/* No file: the defaults. */
	memset(&c, 0xff, sizeof(c));
	assert_ok(conf_load(path, &c, &e), &e);
	assert_int_equal(c.defaults.dad, DF_DAD_QUICK);
	assert_int_equal(c.n_shims, 0);

	unit_write(dir, "dockerfly.conf", "dad = off\n");
	assert_ok(conf_load(path, &c, &e), &e);
	assert_int_equal(c.defaults.dad, DF_DAD_OFF);

	/* DOCKERFLY_CONF names the file when the caller does not. */
	unit_write(dir, "dockerfly.conf", "dad = strict\n");
	setenv("DOCKERFLY_CONF", path, 1);
	assert_ok(conf_load(NULL, &c, &e), &e);
	unsetenv("DOCKERFLY_CONF");
	assert_int_equal(c.defaults.dad, DF_DAD_STRICT);

	unit_write(dir, "dockerfly.conf", "dad = off\nhost-route = sometimes\n");
	snprintf(want, sizeof(want), "%s:2: bad switch 'sometimes' (on or off)", path);
	assert_refused_msg(conf_load(path, &c, &e), &e, want);

	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "dad = off\0\n", 11), 11);
	close(fd);
	snprintf(want, sizeof(want), "%s: NUL byte in file", path);
	assert_refused_msg(conf_load(path, &c, &e), &e, want);

	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(want, sizeof(want), "read %s: Is a directory", path);
	assert_fails(conf_load(path, &c, &e), &e, EISDIR, want);
	unit_rmdir(dir, "dockerfly.conf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),	cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_refused), cmocka_unit_test(test_shim_limit),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
