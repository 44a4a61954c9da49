// SPDX-License-Identifier: BSD-2-Clause
/* The admin's policy file and what it lets containers ask for. */
#include "unit.h"
#include "policy.h"

static const char lab_policy[] = "# what containers on this host may ask for\n"
				 "parent.fly0 = 198.18.0.0/24, fd18::/64\n"
				 "parent.fly1 = any\n"
				 "env = deny\n"
				 "max-nics = 2\n"
				 "dhcp = deny\n"
				 "pools = lab, office\n";

static int parse(const char *text, struct df_policy *p, struct df_err *e)
{
	memset(e, 0, sizeof(*e));
	return policy_parse(text, "policy", p, e);
}

/* Settings from annotations: @keys holds "KEY=VALUE" pairs, NULL-terminated. */
static void settings(struct df_settings *s, enum df_source source, const char *const *keys)
{
	struct df_err e;

	settings_init(s, NULL);
	s->source = source;
	for (; *keys; keys++) {
		char key[128];
		const char *eq = strchr(*keys, '=');

		snprintf(key, sizeof(key), "%.*s", (int)(eq - *keys), *keys);
		assert_ok(settings_set_annotation(s, key, eq + 1, &e), &e);
	}
	assert_true(settings_finish(s, &e) >= 0);
}

static int check(const struct df_policy *p, const struct df_settings *s, bool host_route_default,
		 struct df_err *e)
{
	memset(e, 0, sizeof(*e));
	return policy_check(p, s, host_route_default, e);
}

static void test_parse(void **state)
{
	struct df_err e;
	struct df_policy p;

	assert_ok(parse(lab_policy, &p, &e), &e);
	assert_true(p.present);
	assert_string_equal(p.path, "policy");
	assert_int_equal(p.n_parents, 2);
	assert_string_equal(p.parents[0].name, "fly0");
	assert_false(p.parents[0].any);
	assert_int_equal(p.parents[0].n_nets, 2);
	assert_int_equal(p.parents[0].nets[0].len, 24);
	assert_int_equal(p.parents[0].nets[1].len, 64);
	assert_int_equal(p.parents[0].line, 2);
	assert_true(p.parents[1].any);
	assert_false(p.env.allow);
	assert_int_equal(p.env.line, 4);
	assert_int_equal(p.max_nics, 2);
	assert_false(p.dhcp.allow);
	assert_false(p.any_pool);
	assert_int_equal(p.n_pools, 2);
	assert_string_equal(p.pools[1], "office");

	/* An empty file: everything allowed but host routes. */
	assert_ok(parse("", &p, &e), &e);
	assert_true(p.env.allow);
	assert_true(p.dhcp.allow);
	assert_false(p.host_route.allow);
	assert_true(p.any_pool);
	assert_int_equal(p.max_nics, DF_MAX_NICS);
}

static void test_parse_refused(void **state)
{
	struct df_err e;
	struct df_policy p;

	assert_refused_msg(parse("env = maybe\n", &p, &e), &e,
			   "policy:1: expected allow or deny, not 'maybe'");
	assert_refused_msg(parse("\nmax-nics = 0", &p, &e), &e, "policy:2: max-nics must be 1..16");
	assert_refused(parse("max-nics = 17", &p, &e), &e, "max-nics must be 1..16");
	assert_refused(parse("max-nics = 2x", &p, &e), &e, "max-nics must be 1..16");
	assert_refused(parse("max-nics =", &p, &e), &e, "max-nics must be 1..16");
	assert_refused_msg(parse("parent.fly0 = 198.18.0.1/24", &p, &e), &e,
			   "policy:1: route destination '198.18.0.1/24' has host bits set");
	assert_refused(parse("parent.fly0 = 198.18.0.0/24 via 198.18.0.1", &p, &e), &e,
		       "policy:1: bad subnet '198.18.0.0/24 via 198.18.0.1'");
	assert_refused(parse("parent.fly0 =", &p, &e), &e, "policy:1: empty item");
	assert_refused(parse("parent. = any", &p, &e), &e, "policy:1: bad interface name ''");
	assert_refused(parse("parent.a/b = any", &p, &e), &e, "bad interface name 'a/b'");
	assert_refused_msg(parse("pools = lab, ../etc", &p, &e), &e, "policy:1: bad pool '../etc'");
	assert_refused(parse("pools = .hidden", &p, &e), &e, "bad pool '.hidden'");
	assert_refused_msg(parse("parents.fly0 = any", &p, &e), &e,
			   "policy:1: unknown key 'parents.fly0'");
	assert_refused(parse("host-route allow", &p, &e), &e, "policy:1: expected 'key = value'");
}

static void test_parents_and_subnets(void **state)
{
	static const char *const inside[] = {"dockerfly.parent=fly0",
					     "dockerfly.ip=198.18.0.10/24,fd18::10/64", NULL};
	static const char *const outside4[] = {"dockerfly.parent=fly0",
					       "dockerfly.ip=198.18.1.10/24", NULL};
	static const char *const outside6[] = {
		"dockerfly.parent=fly0", "dockerfly.ip=198.18.0.10/24,fd18:0:0:1::10/64", NULL};
	static const char *const any[] = {"dockerfly.parent=fly1", "dockerfly.ip=10.9.8.7/8", NULL};
	static const char *const unlisted[] = {"dockerfly.parent=eth0", NULL};
	static const char *const second[] = {"dockerfly.parent=fly1", "dockerfly.nic3.parent=eth0",
					     NULL};
	struct df_err e;
	struct df_policy p;
	struct df_settings s;

	assert_ok(parse(lab_policy, &p, &e), &e);
	settings(&s, DF_SOURCE_STATE, inside);
	assert_ok(check(&p, &s, false, &e), &e);
	settings(&s, DF_SOURCE_STATE, any);
	assert_ok(check(&p, &s, false, &e), &e);

	settings(&s, DF_SOURCE_STATE, outside4);
	assert_fails(check(&p, &s, false, &e), &e, EPERM,
		     "refused by policy:2 (parent.fly0): lan0: address 198.18.1.10/24 is outside "
		     "the subnets allowed");
	settings(&s, DF_SOURCE_STATE, outside6);
	assert_fails(check(&p, &s, false, &e), &e, EPERM, "address fd18:0:0:1::10/64 is outside");
	settings(&s, DF_SOURCE_STATE, unlisted);
	assert_fails(check(&p, &s, false, &e), &e, EPERM,
		     "refused by policy (only parents with a parent.NAME rule): lan0: parent eth0 "
		     "is not allowed");
	settings(&s, DF_SOURCE_STATE, second);
	assert_fails(check(&p, &s, false, &e), &e, EPERM, "lan3: parent eth0 is not allowed");
}

static void test_env_nics_dhcp_pools(void **state)
{
	static const char *const one[] = {"dockerfly.parent=fly1", NULL};
	static const char *const three[] = {"dockerfly.parent=fly1", "dockerfly.nic1.parent=fly1",
					    "dockerfly.nic2.parent=fly1", NULL};
	static const char *const dhcp[] = {"dockerfly.parent=fly1", "dockerfly.ip=dhcp", NULL};
	static const char *const lab[] = {"dockerfly.parent=fly1", "dockerfly.ip=pool:lab", NULL};
	static const char *const other[] = {"dockerfly.parent=fly1", "dockerfly.ip=pool:other",
					    NULL};
	struct df_err e;
	struct df_policy p;
	struct df_settings s;

	assert_ok(parse(lab_policy, &p, &e), &e);
	settings(&s, DF_SOURCE_ENV, one);
	assert_fails(check(&p, &s, false, &e), &e, EPERM,
		     "refused by policy:4 (env): settings from DOCKERFLY_* environment variables "
		     "are not allowed");
	settings(&s, DF_SOURCE_CONFIG, one);
	assert_ok(check(&p, &s, false, &e), &e);

	settings(&s, DF_SOURCE_STATE, three);
	assert_fails(check(&p, &s, false, &e), &e, EPERM,
		     "refused by policy:5 (max-nics): 3 NICs asked for, at most 2 allowed");

	settings(&s, DF_SOURCE_STATE, dhcp);
	assert_fails(check(&p, &s, false, &e), &e, EPERM,
		     "refused by policy:6 (dhcp): lan0: DHCP is not allowed");
	settings(&s, DF_SOURCE_STATE, lab);
	assert_ok(check(&p, &s, false, &e), &e);
	settings(&s, DF_SOURCE_STATE, other);
	assert_fails(check(&p, &s, false, &e), &e, EPERM,
		     "refused by policy:7 (pools): lan0: pool other is not allowed");
}

/* Host routes change the host's own routing: a container may ask only when allowed. */
static void test_host_route(void **state)
{
	static const char *const asks[] = {"dockerfly.parent=fly1", "dockerfly.host-route=on",
					   NULL};
	struct df_err e;
	struct df_policy none, allow;
	struct df_settings s;

	/* No policy file at all: still refused, unless the host turns them on for everyone. */
	assert_ok(policy_load("/nonexistent/dockerfly-policy", &none, &e), &e);
	assert_false(none.present);
	settings(&s, DF_SOURCE_STATE, asks);
	assert_fails(check(&none, &s, false, &e), &e, EPERM,
		     "refused by /nonexistent/dockerfly-policy (host-route): lan0: host routes are "
		     "not allowed");
	assert_ok(check(&none, &s, true, &e), &e);

	assert_ok(parse("host-route = allow\nparent.fly1 = any\n", &allow, &e), &e);
	assert_ok(check(&allow, &s, false, &e), &e);
}

static void test_load(void **state)
{
	struct df_err e;
	struct df_policy p;
	char *dir = unit_tmpdir(), path[4200], want[4300];

	snprintf(path, sizeof(path), "%s/policy", dir);
	unit_write(dir, "policy", "parent.fly0 = any\nmax-nics = 1\n");
	setenv("DOCKERFLY_POLICY", path, 1);
	assert_ok(policy_load(NULL, &p, &e), &e);
	unsetenv("DOCKERFLY_POLICY");
	assert_true(p.present);
	assert_string_equal(p.path, path);
	assert_int_equal(p.max_nics, 1);

	unit_write(dir, "policy", "max-nics = 1\nenv = nope\n");
	snprintf(want, sizeof(want), "%s:2: expected allow or deny, not 'nope'", path);
	assert_refused_msg(policy_load(path, &p, &e), &e, want);

	/* A policy that exists but cannot be read refuses, it is not taken as absent. */
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_fails(policy_load(path, &p, &e), &e, EISDIR, "Is a directory");
	unit_rmdir(dir, "policy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_refused),
		cmocka_unit_test(test_parents_and_subnets),
		cmocka_unit_test(test_env_nics_dhcp_pools),
		cmocka_unit_test(test_host_route),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
