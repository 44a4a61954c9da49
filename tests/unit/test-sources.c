// SPDX-License-Identifier: BSD-2-Clause
/*
 * Where settings come from: state annotations, else config.json annotations, else config.json
 * process.env; one source whole, never mixed. Bundles are scratch directories.
 */
#include <sys/socket.h>
#include <linux/if_link.h>

#include "unit.h"
#include "json.h"
#include "sources.h"

/* A Docker 20.10 config.json excerpt: no annotations of ours, settings in the environment. */
static const char docker_env_cfg[] =
	"{\"ociVersion\":\"1.0.2-dev\",\"hostname\":\"web1\",\"process\":{\"user\":{\"uid\":0},"
	"\"args\":[\"/sbin/init\"],\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin\","
	"\"HOSTNAME=web1\",\"DOCKERFLY_PARENT=fly0\",\"DOCKERFLY_IP=198.18.0.10/24\","
	"\"DOCKERFLY_GATEWAY=198.18.0.1\",\"DOCKERFLY_NIC2_PARENT=fly1\"],\"cwd\":\"/\"},"
	"\"annotations\":{\"org.opencontainers.image.stopSignal\":\"37\"}}";

struct bundle {
	char *dir;
	struct df_state st;
};

/* A bundle holding @cfg (NULL: no config.json) and a state naming it, with @ann_json (may be
 * NULL) as the state's annotations. */
static void bundle_make(struct bundle *b, const char *cfg, const char *ann_json)
{
	struct df_err e;
	char doc[8192];

	b->dir = unit_tmpdir();
	if (cfg)
		unit_write(b->dir, "config.json", cfg);
	snprintf(doc, sizeof(doc),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\",\"pid\":1,"
		 "\"bundle\":\"%s\"%s%s}",
		 b->dir, ann_json ? ",\"annotations\":" : "", ann_json ? ann_json : "");
	assert_ok(state_parse(doc, strlen(doc), &b->st, &e), &e);
}

static void bundle_free(struct bundle *b)
{
	state_release(&b->st);
	unit_rmdir(b->dir, "config.json");
}

static int load(struct bundle *b, struct df_settings *s, struct df_err *e)
{
	memset(e, 0, sizeof(*e));
	return settings_load(&b->st, NULL, s, e);
}

static void test_state_wins(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct bundle b;

	/* config.json has settings of both other kinds: neither is taken. */
	bundle_make(&b,
		    "{\"annotations\":{\"dockerfly.gateway\":\"198.18.0.1\"},"
		    "\"process\":{\"env\":[\"DOCKERFLY_MTU=1400\"]}}",
		    "{\"io.kubernetes.cri.container-type\":\"container\","
		    "\"dockerfly.parent\":\"fly0\",\"dockerfly.ip\":\"198.18.0.10/24\"}");
	assert_int_equal(load(&b, &s, &e), 1);
	assert_int_equal(s.source, DF_SOURCE_STATE);
	assert_string_equal(s.nic[0].parent, "fly0");
	assert_int_equal(s.nic[0].n_addrs, 1);
	assert_int_equal(s.nic[0].n_gateways, 0);
	assert_int_equal(s.nic[0].mtu, 0);
	bundle_free(&b);
}

static void test_config_annotations(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct bundle b;

	/* Only foreign annotations in the state: config.json's annotations, not its env. */
	bundle_make(&b,
		    "{\"annotations\":{\"dockerfly.parent\":\"fly2\",\"dockerfly.mtu\":\"9000\"},"
		    "\"process\":{\"env\":[\"DOCKERFLY_IP=198.18.0.10/24\"]}}",
		    "{\"org.opencontainers.image.os\":\"linux\"}");
	assert_int_equal(load(&b, &s, &e), 1);
	assert_int_equal(s.source, DF_SOURCE_CONFIG);
	assert_string_equal(s.nic[0].parent, "fly2");
	assert_int_equal(s.nic[0].mtu, 9000);
	assert_int_equal(s.nic[0].n_addrs, 0);
	bundle_free(&b);

	/* The same with no annotations in the state at all. */
	bundle_make(&b, "{\"annotations\":{\"dockerfly.nic4.parent\":\"fly4\"}}", NULL);
	assert_int_equal(load(&b, &s, &e), 1);
	assert_int_equal(s.source, DF_SOURCE_CONFIG);
	assert_string_equal(s.nic[4].ifname, "lan4");
	bundle_free(&b);
}

static void test_config_env(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct bundle b;

	bundle_make(&b, docker_env_cfg, "{}");
	assert_int_equal(load(&b, &s, &e), 2);
	assert_int_equal(s.source, DF_SOURCE_ENV);
	assert_string_equal(s.nic[0].parent, "fly0");
	assert_int_equal(s.nic[0].n_addrs, 1);
	assert_int_equal(s.nic[0].n_gateways, 1);
	assert_string_equal(s.nic[2].parent, "fly1");
	assert_string_equal(s.nic[2].ifname, "lan2");
	bundle_free(&b);
}

/* A source with only "debug" is still the source: the next one is not read. */
static void test_first_source_with_any_key(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct bundle b;

	bundle_make(&b,
		    "{\"annotations\":{\"dockerfly.debug\":\"1\"},"
		    "\"process\":{\"env\":[\"DOCKERFLY_PARENT=fly0\"]}}",
		    NULL);
	assert_int_equal(load(&b, &s, &e), 0);
	assert_int_equal(s.source, DF_SOURCE_CONFIG);
	assert_true(s.debug);
	assert_false(s.nic[0].used);
	bundle_free(&b);
}

static void test_no_settings(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct bundle b;

	bundle_make(&b,
		    "{\"annotations\":{\"a\":\"b\"},\"process\":{\"env\":[\"PATH=/bin\","
		    "\"DOCKERFLYER=1\"]}}",
		    "{\"c\":\"d\"}");
	assert_int_equal(load(&b, &s, &e), 0);
	assert_int_equal(s.source, DF_SOURCE_NONE);
	bundle_free(&b);

	bundle_make(&b, "{}", NULL);
	assert_int_equal(load(&b, &s, &e), 0);
	assert_int_equal(s.source, DF_SOURCE_NONE);
	bundle_free(&b);
}

static void test_no_bundle(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct df_state st;
	const char doc[] = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"stopped\"}";

	assert_ok(state_parse(doc, strlen(doc), &st, &e), &e);
	assert_int_equal(settings_load(&st, NULL, &s, &e), 0);
	assert_int_equal(s.source, DF_SOURCE_NONE);
	state_release(&st);
}

static void test_load_errors(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct bundle b;
	char want[4200];

	/* No config.json to fall back on. */
	bundle_make(&b, NULL, NULL);
	snprintf(want, sizeof(want), "open %s/config.json: No such file or directory", b.dir);
	assert_fails(load(&b, &s, &e), &e, ENOENT, want);
	bundle_free(&b);

	bundle_make(&b, "{\"process\":{\"env\":[\"DOCKERFLY_MTU=10\"]}}", NULL);
	assert_refused_msg(load(&b, &s, &e), &e,
			   "settings from config.json environment: DOCKERFLY_MTU: MTU 10 out of "
			   "range (68..65535)");
	bundle_free(&b);

	bundle_make(&b, "{\"annotations\":{\"dockerfly.nic1.mode\":\"nat\"}}", NULL);
	assert_refused_msg(load(&b, &s, &e), &e,
			   "settings from config.json annotations: dockerfly.nic1.mode: bad "
			   "macvlan mode 'nat' (bridge, private, vepa, passthru)");
	bundle_free(&b);

	bundle_make(&b, "{}", "{\"dockerfly.ip\":\"198.18.0.0/24\"}");
	assert_refused_msg(load(&b, &s, &e), &e,
			   "settings from state annotations: dockerfly.ip: address '198.18.0.0/24' "
			   "is the network address of its subnet");
	bundle_free(&b);

	bundle_make(&b, "{\"annotations\":{\"dockerfly.ip\":7}}", NULL);
	assert_refused(load(&b, &s, &e), &e,
		       "config.json: annotation 'dockerfly.ip' is not a string");
	bundle_free(&b);

	bundle_make(&b, "{\"process\":{\"env\":\"DOCKERFLY_PARENT=fly0\"}}", NULL);
	assert_refused(load(&b, &s, &e), &e, "config.json: 'process.env' is not an array");
	bundle_free(&b);

	bundle_make(&b, "{\"process\":{\"env\":[\"DOCKERFLY_PARENT=fly0\"]}} x", NULL);
	assert_refused(load(&b, &s, &e), &e, "trailing data after JSON");
	bundle_free(&b);
}

/* The checks on the whole name the key as the source spells it. */
static void test_finish_through_load(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct bundle b;

	bundle_make(&b, "{\"process\":{\"env\":[\"DOCKERFLY_NIC5_IP=198.18.0.10/24\"]}}", NULL);
	assert_refused_msg(load(&b, &s, &e), &e,
			   "lan5: no parent NIC given (set DOCKERFLY_NIC5_PARENT)");
	bundle_free(&b);

	bundle_make(&b, "{\"annotations\":{\"dockerfly.nic5.ip\":\"198.18.0.10/24\"}}", NULL);
	assert_refused_msg(load(&b, &s, &e), &e,
			   "lan5: no parent NIC given (set dockerfly.nic5.parent)");
	bundle_free(&b);

	bundle_make(&b, "{}", "{\"dockerfly.ip\":\"198.18.0.10/24\"}");
	assert_refused_msg(load(&b, &s, &e), &e,
			   "lan0: no parent NIC given (set dockerfly.parent)");
	bundle_free(&b);
}

static void test_defaults_through_load(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct bundle b;
	const struct df_defaults d = {.dad = DF_DAD_OFF, .host_route = true};

	bundle_make(&b, "{}",
		    "{\"dockerfly.parent\":\"fly0\",\"dockerfly.nic1.parent\":\"fly0\","
		    "\"dockerfly.nic1.dad\":\"strict\"}");
	assert_int_equal(settings_load(&b.st, &d, &s, &e), 2);
	assert_int_equal(s.nic[0].dad, DF_DAD_OFF);
	assert_true(s.nic[0].host_route);
	assert_int_equal(s.nic[1].dad, DF_DAD_STRICT);
	bundle_free(&b);
}

/* mac=stable reads the hostname from config.json, whatever the source of the settings. */
static void test_hostname(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct bundle b;
	const unsigned char web1_lan0[6] = {0x56, 0x4a, 0xd8, 0x13, 0xd4, 0x06};

	bundle_make(&b, "{\"hostname\":\"web1\"}",
		    "{\"dockerfly.parent\":\"fly0\",\"dockerfly.mac\":\"stable\"}");
	assert_int_equal(load(&b, &s, &e), 1);
	assert_int_equal(s.source, DF_SOURCE_STATE);
	assert_string_equal(s.hostname, "web1");
	assert_memory_equal(s.nic[0].mac, web1_lan0, 6);
	bundle_free(&b);

	bundle_make(&b,
		    "{\"process\":{\"env\":[\"DOCKERFLY_PARENT=fly0\",\"DOCKERFLY_MAC=stable\"]}}",
		    NULL);
	assert_refused_msg(load(&b, &s, &e), &e,
			   "lan0: mac=stable needs the container's hostname, and config.json has "
			   "none");
	bundle_free(&b);

	bundle_make(&b, "{\"hostname\":5}",
		    "{\"dockerfly.parent\":\"fly0\",\"dockerfly.mac\":\"stable\"}");
	assert_refused_msg(load(&b, &s, &e), &e, "config.json: 'hostname' is not a string");
	bundle_free(&b);
}

static void test_from_annotations_and_env(void **state)
{
	struct df_err e;
	struct df_settings s;
	struct json_object *o;

	settings_init(&s, NULL);
	assert_int_equal(settings_from_annotations(&s, NULL, &e), 0);
	assert_int_equal(settings_from_env(&s, NULL, &e), 0);

	o = json_tokener_parse(
		"{\"a\":\"1\",\"dockerfly.parent\":\"fly0\",\"dockerfly.mtu\":\"9000\","
		"\"dockerflyx\":\"2\"}");
	assert_non_null(o);
	assert_int_equal(settings_from_annotations(&s, o, &e), 2);
	assert_int_equal(s.nic[0].mtu, 9000);
	json_object_put(o);

	settings_init(&s, NULL);
	o = json_tokener_parse("[\"PATH=/bin\",\"DOCKERFLY_NIC1_PARENT=fly0\",\"DOCKERFLY=1\","
			       "\"dockerfly_ip=x\",\"DOCKERFLY_NIC1_MTU=1400\"]");
	assert_non_null(o);
	assert_int_equal(settings_from_env(&s, o, &e), 2);
	assert_int_equal(s.nic[1].mtu, 1400);
	json_object_put(o);

	/* The first bad entry stops the rest. */
	settings_init(&s, NULL);
	o = json_tokener_parse("[\"DOCKERFLY_MTU=1\",\"DOCKERFLY_PARENT=fly0\"]");
	assert_refused(settings_from_env(&s, o, &e), &e, "DOCKERFLY_MTU: MTU 1 out of range");
	assert_string_equal(s.nic[0].parent, "");
	json_object_put(o);
}

static void test_spec_has_settings(void **state)
{
	static const struct {
		const char *cfg;
		bool has;
	} cases[] = {
		{"{}", false},
		{"{\"annotations\":{\"a\":\"b\"},\"process\":{\"env\":[\"PATH=/bin\"]}}", false},
		{"{\"annotations\":{\"dockerfly.parent\":\"fly0\"}}", true},
		{"{\"annotations\":{\"dockerfly.debug\":\"1\"}}", true},
		{"{\"process\":{\"env\":[\"PATH=/bin\",\"DOCKERFLY_PARENT=fly0\"]}}", true},
		{"{\"process\":{\"env\":[\"DOCKERFLYPARENT=fly0\"]}}", false},
		/* Bad members are not settings; loading them reports the error. */
		{"{\"annotations\":[\"dockerfly.parent\"]}", false},
		{"{\"annotations\":5,\"process\":{\"env\":[\"DOCKERFLY_PARENT=fly0\"]}}", true},
		{"{\"process\":{\"env\":[\"DOCKERFLY_PARENT=fly0\",5]}}", false},
	};
	struct df_err e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *cfg;

		assert_ok(json_parse_doc(cases[i].cfg, strlen(cases[i].cfg), "cfg", &cfg, &e), &e);
		if (spec_has_settings(cfg) != cases[i].has)
			fail_msg("spec_has_settings(%s) is not %d", cases[i].cfg, cases[i].has);
		json_object_put(cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_wins),
		cmocka_unit_test(test_config_annotations),
		cmocka_unit_test(test_config_env),
		cmocka_unit_test(test_first_source_with_any_key),
		cmocka_unit_test(test_no_settings),
		cmocka_unit_test(test_no_bundle),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_finish_through_load),
		cmocka_unit_test(test_defaults_through_load),
		cmocka_unit_test(test_hostname),
		cmocka_unit_test(test_from_annotations_and_env),
		cmocka_unit_test(test_spec_has_settings),
	};

	return cmocka_run_group_tests_name("sources", tests, NULL, NULL);
}
