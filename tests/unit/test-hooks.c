// SPDX-License-Identifier: BSD-2-Clause
/* dockerfly's hooks added to a bundle's config.json by dockerfly-runtime. */
#include "unit.h"
#include "hooks.h"
#include "json.h"

#define HOOK "/usr/local/libexec/dockerfly/dockerfly-hook"

static struct json_object *doc(const char *text)
{
	struct df_err e;
	struct json_object *o = NULL;

	assert_ok(json_parse_doc(text, strlen(text), "cfg", &o, &e), &e);
	return o;
}

/* The "hooks" member as compact JSON, for exact comparison. */
static const char *hooks_text(struct json_object *cfg)
{
	struct json_object *h;

	if (!json_object_object_get_ex(cfg, "hooks", &h))
		return "(none)";
	return json_object_to_json_string_ext(h, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
}

static void test_added(void **state)
{
	struct df_err e;
	struct json_object *cfg = doc("{\"ociVersion\":\"1.0.2\"}");
	bool changed = false;

	assert_ok(hooks_add(cfg, HOOK, &changed, &e), &e);
	assert_true(changed);
	assert_string_equal(hooks_text(cfg),
			    "{\"prestart\":[{\"path\":\"" HOOK "\",\"args\":[\"dockerfly-hook\","
			    "\"prestart\"]}],\"poststop\":[{\"path\":\"" HOOK "\",\"args\":["
			    "\"dockerfly-hook\",\"poststop\"]}]}");

	/* A second time changes nothing. */
	assert_ok(hooks_add(cfg, HOOK, &changed, &e), &e);
	assert_false(changed);
	json_object_put(cfg);
}

/* Docker's own prestart hook (its network setup) stays first. */
static void test_after_existing(void **state)
{
	struct df_err e;
	struct json_object *cfg = doc(
		"{\"hooks\":{\"prestart\":[{\"path\":\"/usr/bin/dockerd\",\"args\":[\"libnetwork-"
		"setkey\",\"-exec-root=/var/run/docker\",\"c1\",\"a1b2\"]}]}}");
	bool changed = false;

	assert_ok(hooks_add(cfg, HOOK, &changed, &e), &e);
	assert_true(changed);
	assert_string_equal(
		hooks_text(cfg),
		"{\"prestart\":[{\"path\":\"/usr/bin/dockerd\",\"args\":[\"libnetwork-"
		"setkey\",\"-exec-root=/var/run/docker\",\"c1\",\"a1b2\"]},{\"path\":\"" HOOK
		"\",\"args\":[\"dockerfly-hook\",\"prestart\"]}],\"poststop\":[{\"path\":"
		"\"" HOOK "\",\"args\":[\"dockerfly-hook\",\"poststop\"]}]}");
	json_object_put(cfg);
}

/* A dockerfly hook in any creation stage, or installed elsewhere, counts as there. */
static void test_already_there(void **state)
{
	struct df_err e;
	struct json_object *cfg;
	bool changed = true;

	cfg = doc("{\"hooks\":{\"createRuntime\":[{\"path\":\"/opt/df/dockerfly-hook\"}],"
		  "\"poststop\":[{\"path\":\"" HOOK "\"}]}}");
	assert_ok(hooks_add(cfg, HOOK, &changed, &e), &e);
	assert_false(changed);
	json_object_put(cfg);

	cfg = doc("{\"hooks\":{\"startContainer\":[{\"path\":\"" HOOK "\"}]}}");
	assert_ok(hooks_add(cfg, HOOK, &changed, &e), &e);
	assert_true(changed);
	assert_string_equal(hooks_text(cfg), "{\"startContainer\":[{\"path\":\"" HOOK "\"}],"
					     "\"poststop\":[{\"path\":\"" HOOK "\",\"args\":["
					     "\"dockerfly-hook\",\"poststop\"]}]}");
	json_object_put(cfg);

	/* A name that merely ends the same way is someone else's hook. */
	cfg = doc("{\"hooks\":{\"prestart\":[{\"path\":\"/opt/not-dockerfly-hook\"}],"
		  "\"poststop\":[{\"path\":7},\"x\"]}}");
	assert_ok(hooks_add(cfg, HOOK, &changed, &e), &e);
	assert_true(changed);
	json_object_put(cfg);
}

static void test_refused(void **state)
{
	struct df_err e;
	struct json_object *cfg;
	bool changed = true;

	cfg = doc("{\"hooks\":[]}");
	assert_refused_msg(hooks_add(cfg, HOOK, &changed, &e), &e,
			   "config.json: 'hooks' is not an object");
	assert_false(changed);
	json_object_put(cfg);
	cfg = doc("{\"hooks\":{\"prestart\":{}}}");
	assert_refused_msg(hooks_add(cfg, HOOK, &changed, &e), &e,
			   "config.json: 'hooks.prestart' is not an array");
	json_object_put(cfg);
	cfg = doc("{\"hooks\":{\"poststop\":\"x\"}}");
	assert_refused(hooks_add(cfg, HOOK, &changed, &e), &e, "'hooks.poststop' is not an array");
	json_object_put(cfg);

	/* null stands for absent. */
	cfg = doc("{\"hooks\":null}");
	assert_ok(hooks_add(cfg, HOOK, &changed, &e), &e);
	assert_true(changed);
	json_object_put(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_added),
		cmocka_unit_test(test_after_existing),
		cmocka_unit_test(test_already_there),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("hooks", tests, NULL, NULL);
}
