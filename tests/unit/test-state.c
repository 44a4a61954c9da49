// SPDX-License-Identifier: BSD-2-Clause
/* The OCI state a runtime writes on the hook's stdin: what runc and crun send, and bad input. */
#include "unit.h"
#include "state.h"

/* What runc 1.1 writes for a prestart hook. */
static const char runc_state[] =
	"{\"ociVersion\":\"1.0.2-dev\",\"id\":\"web1\",\"status\":\"creating\",\"pid\":4242,"
	"\"bundle\":\"/run/containerd/io.containerd.runtime.v2.task/moby/web1\","
	"\"annotations\":{\"dockerfly.parent\":\"fly0\",\"org.opencontainers.image.os\":\"linux\"}}";

/* What crun 1.8 writes: other members, no annotations. */
static const char crun_state[] =
	"{\n"
	"  \"ociVersion\": \"1.0.0\",\n"
	"  \"id\": \"c-7f3a\",\n"
	"  \"pid\": 911,\n"
	"  \"status\": \"created\",\n"
	"  \"bundle\": \"/var/lib/containers/storage/overlay-containers/7f3a/"
	"userdata\",\n"
	"  \"rootfs\": \"/var/lib/containers/storage/overlay/7f3a/merged\",\n"
	"  \"created\": \"2024-05-02T10:11:12.000000000Z\",\n"
	"  \"owner\": \"\"\n"
	"}\n";

static int parse(const char *doc, struct df_state *st, struct df_err *e)
{
	memset(e, 0, sizeof(*e));
	return state_parse(doc, strlen(doc), st, e);
}

/* A state with @member spliced in after the required members. */
static int parse_with(const char *member, struct df_state *st, struct df_err *e)
{
	char doc[4096];

	snprintf(doc, sizeof(doc),
		 "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"created\"%s}", member);
	return parse(doc, st, e);
}

static void test_runc(void **state)
{
	struct df_err e;
	struct df_state st;
	struct json_object *v;

	assert_ok(parse(runc_state, &st, &e), &e);
	assert_non_null(st.root);
	assert_string_equal(st.oci_version, "1.0.2-dev");
	assert_string_equal(st.id, "web1");
	assert_string_equal(st.status, "creating");
	assert_int_equal(st.pid, 4242);
	assert_string_equal(st.bundle, "/run/containerd/io.containerd.runtime.v2.task/moby/web1");
	assert_non_null(st.annotations);
	assert_true(json_object_object_get_ex(st.annotations, "dockerfly.parent", &v));
	assert_string_equal(json_object_get_string(v), "fly0");
	assert_true(state_is_alive(&st));
	state_release(&st);
	assert_null(st.root);
	assert_null(st.id);
}

static void test_crun(void **state)
{
	struct df_err e;
	struct df_state st;

	assert_ok(parse(crun_state, &st, &e), &e);
	assert_string_equal(st.oci_version, "1.0.0");
	assert_string_equal(st.id, "c-7f3a");
	assert_string_equal(st.status, "created");
	assert_int_equal(st.pid, 911);
	assert_string_equal(st.bundle,
			    "/var/lib/containers/storage/overlay-containers/7f3a/userdata");
	assert_null(st.annotations);
	state_release(&st);
}

static void test_statuses(void **state)
{
	static const char *const alive[] = {"creating", "created", "running", "paused"};
	struct df_err e;
	struct df_state st;
	char member[64];

	for (size_t i = 0; i < 4; i++) {
		char doc[256];

		snprintf(doc, sizeof(doc),
			 "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"%s\"}", alive[i]);
		assert_ok(parse(doc, &st, &e), &e);
		assert_string_equal(st.status, alive[i]);
		assert_true(state_is_alive(&st));
		state_release(&st);
	}
	/* poststop: runc sends "stopped" and the pid of the dead process, or none. */
	assert_ok(parse("{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"stopped\",\"pid\":0}",
			&st, &e),
		  &e);
	assert_false(state_is_alive(&st));
	assert_int_equal(st.pid, 0);
	state_release(&st);

	assert_refused_msg(
		parse("{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"Running\"}", &st, &e),
		&e, "state: unknown status 'Running'");
	assert_refused(parse("{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"\"}", &st, &e),
		       &e, "state: unknown status ''");
	assert_refused(
		parse("{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"exited\"}", &st, &e),
		&e, "unknown status 'exited'");
	snprintf(member, sizeof(member), "{\"ociVersion\":\"1\",\"id\":\"c1\"}");
	assert_refused_msg(parse(member, &st, &e), &e, "state: no 'status'");
	assert_null(st.root);
}

static void test_required_members(void **state)
{
	struct df_err e;
	struct df_state st;

	assert_refused_msg(parse("{\"id\":\"c1\",\"status\":\"created\"}", &st, &e), &e,
			   "state: no 'ociVersion'");
	assert_refused_msg(parse("{\"ociVersion\":\"1.0.2\",\"status\":\"created\"}", &st, &e), &e,
			   "state: no 'id'");
	assert_refused_msg(parse("{}", &st, &e), &e, "state: no 'ociVersion'");
	assert_refused(parse("{\"ociVersion\":null,\"id\":\"c1\",\"status\":\"created\"}", &st, &e),
		       &e, "state: no 'ociVersion'");
	assert_null(st.root);
}

static void test_malformed(void **state)
{
	static const char nul_doc[] = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\0\"status\":\"x\"}";
	struct df_err e;
	struct df_state st;

	assert_refused_msg(parse("", &st, &e), &e, "parse state: truncated JSON");
	assert_refused_msg(parse("{\"ociVersion\":\"1.0.2\",\"id\":", &st, &e), &e,
			   "parse state: truncated JSON");
	assert_refused(parse("{\"ociVersion\" \"1.0.2\"}", &st, &e), &e, "parse state: ");
	assert_refused(parse("ociVersion=1.0.2", &st, &e), &e, "parse state: ");
	assert_refused_msg(parse("[]", &st, &e), &e, "state: not a JSON object");
	assert_refused_msg(parse("\"c1\" ", &st, &e), &e, "state: not a JSON object");
	assert_refused(parse("null", &st, &e), &e, "parse state: ");
	assert_null(st.root);

	memset(&e, 0, sizeof(e));
	assert_int_equal(state_parse(nul_doc, sizeof(nul_doc) - 1, &st, &e), -EINVAL);
	assert_string_equal(e.msg, "parse state: NUL byte in input");
}

static void test_trailing(void **state)
{
	struct df_err e;
	struct df_state st;

	assert_ok(parse("{\"ociVersion\":\"1\",\"id\":\"c1\",\"status\":\"created\"}\n \t\r\n", &st,
			&e),
		  &e);
	state_release(&st);
	assert_refused_msg(
		parse("{\"ociVersion\":\"1\",\"id\":\"c1\",\"status\":\"created\"}x", &st, &e), &e,
		"parse state: trailing data after JSON");
	assert_refused(
		parse("{\"ociVersion\":\"1\",\"id\":\"c1\",\"status\":\"created\"}{}", &st, &e), &e,
		"trailing data after JSON");
	assert_refused(
		parse("{\"ociVersion\":\"1\",\"id\":\"c1\",\"status\":\"created\"}\n}", &st, &e),
		&e, "trailing data after JSON");
}

static void test_wrong_types(void **state)
{
	struct df_err e;
	struct df_state st;

	assert_refused_msg(parse("{\"ociVersion\":\"1\",\"id\":7,\"status\":\"created\"}", &st, &e),
			   &e, "state: 'id' is not a string");
	assert_refused_msg(
		parse("{\"ociVersion\":1.0,\"id\":\"c1\",\"status\":\"created\"}", &st, &e), &e,
		"state: 'ociVersion' is not a string");
	assert_refused(parse("{\"ociVersion\":\"1\",\"id\":\"c1\",\"status\":true}", &st, &e), &e,
		       "state: 'status' is not a string");
	assert_refused_msg(parse_with(",\"bundle\":[\"/b\"]", &st, &e), &e,
			   "state: 'bundle' is not a string");
	assert_refused_msg(parse_with(",\"pid\":\"42\"", &st, &e), &e,
			   "state: 'pid' is not an integer");
	assert_refused(parse_with(",\"pid\":42.0", &st, &e), &e, "'pid' is not an integer");
	assert_refused(parse_with(",\"pid\":1e3", &st, &e), &e, "'pid' is not an integer");
	assert_refused(parse_with(",\"pid\":true", &st, &e), &e, "'pid' is not an integer");
	assert_refused(parse_with(",\"pid\":{}", &st, &e), &e, "'pid' is not an integer");
	assert_refused_msg(parse_with(",\"annotations\":[]", &st, &e), &e,
			   "state: 'annotations' is not an object");
	assert_refused(parse_with(",\"annotations\":\"dockerfly.ip=x\"", &st, &e), &e,
		       "'annotations' is not an object");
	assert_refused_msg(
		parse_with(",\"annotations\":{\"a\":\"b\",\"dockerfly.mtu\":1500}", &st, &e), &e,
		"state: annotation 'dockerfly.mtu' is not a string");
	assert_refused(parse_with(",\"annotations\":{\"x\":null}", &st, &e), &e,
		       "annotation 'x' is not a string");
	assert_null(st.root);
}

static void test_pid(void **state)
{
	struct df_err e;
	struct df_state st;

	assert_ok(parse_with(",\"pid\":1", &st, &e), &e);
	assert_int_equal(st.pid, 1);
	state_release(&st);
	assert_ok(parse_with(",\"pid\":2147483647", &st, &e), &e);
	assert_int_equal(st.pid, 2147483647);
	state_release(&st);
	assert_ok(parse_with(",\"pid\":0", &st, &e), &e);
	assert_int_equal(st.pid, 0);
	state_release(&st);
	assert_ok(parse_with(",\"pid\":null", &st, &e), &e);
	assert_int_equal(st.pid, 0);
	state_release(&st);
	assert_ok(parse_with("", &st, &e), &e);
	assert_int_equal(st.pid, 0);
	state_release(&st);

	assert_refused_msg(parse_with(",\"pid\":-1", &st, &e), &e, "state: pid out of range");
	assert_refused(parse_with(",\"pid\":2147483648", &st, &e), &e, "pid out of range");
	assert_refused(parse_with(",\"pid\":4294967297", &st, &e), &e, "pid out of range");
	assert_refused(parse_with(",\"pid\":99999999999999999999", &st, &e), &e,
		       "pid out of range");
	assert_refused(parse_with(",\"pid\":-99999999999999999999", &st, &e), &e,
		       "pid out of range");
	assert_null(st.root);
}

static void test_ids(void **state)
{
	struct df_err e;
	struct df_state st;
	char doc[3000], id[1100];

	assert_true(state_id_valid("c1"));
	assert_true(state_id_valid("a:b/c@d_e.f-g+h=i"));
	assert_false(state_id_valid(""));
	assert_false(state_id_valid("a b"));
	assert_false(state_id_valid("a\tb"));
	assert_false(state_id_valid("a\nb"));
	assert_false(state_id_valid("a\x7f"));
	assert_false(state_id_valid("caf\xc3\xa9"));

	memset(id, 'a', 1024);
	id[1024] = '\0';
	assert_true(state_id_valid(id));
	snprintf(doc, sizeof(doc), "{\"ociVersion\":\"1\",\"id\":\"%s\",\"status\":\"created\"}",
		 id);
	assert_ok(parse(doc, &st, &e), &e);
	assert_int_equal(strlen(st.id), 1024);
	state_release(&st);
	id[1024] = 'a';
	id[1025] = '\0';
	assert_false(state_id_valid(id));
	snprintf(doc, sizeof(doc), "{\"ociVersion\":\"1\",\"id\":\"%s\",\"status\":\"created\"}",
		 id);
	assert_refused_msg(parse(doc, &st, &e), &e, "state: bad container id");

	assert_refused_msg(
		parse("{\"ociVersion\":\"1\",\"id\":\"\",\"status\":\"created\"}", &st, &e), &e,
		"state: bad container id");
	assert_refused(
		parse("{\"ociVersion\":\"1\",\"id\":\"a b\",\"status\":\"created\"}", &st, &e), &e,
		"state: bad container id");
	assert_refused(
		parse("{\"ociVersion\":\"1\",\"id\":\"a\\nb\",\"status\":\"created\"}", &st, &e),
		&e, "state: bad container id");
	assert_refused(parse("{\"ociVersion\":\"1\",\"id\":\"a\\u001bb\",\"status\":\"created\"}",
			     &st, &e),
		       &e, "state: bad container id");
}

/*
 * An escaped NUL would cut a string short: "c1\u0000x" must not be taken for "c1". A state
 * wrongly accepted is released before the assertion, so a failure here leaks nothing.
 */
static void refused_whole(const char *doc, const char *text)
{
	struct df_err e = {0};
	struct df_state st;
	int r = parse(doc, &st, &e);

	if (r == 0) {
		state_release(&st);
		fail_msg("accepted: %s", doc);
	}
	assert_int_equal(r, -EINVAL);
	if (!strstr(e.msg, text))
		fail_msg("message '%s' lacks '%s'", e.msg, text);
}

static void test_escaped_nul_id(void **state)
{
	refused_whole("{\"ociVersion\":\"1\",\"id\":\"c1\\u0000x\",\"status\":\"created\"}",
		      "state");
}

static void test_escaped_nul_bundle(void **state)
{
	refused_whole("{\"ociVersion\":\"1\",\"id\":\"c1\",\"status\":\"created\","
		      "\"bundle\":\"/b\\u0000/../x\"}",
		      "state");
}

static void test_escaped_nul_annotation(void **state)
{
	refused_whole("{\"ociVersion\":\"1\",\"id\":\"c1\",\"status\":\"created\","
		      "\"annotations\":{\"dockerfly.ip\":\"198.18.0.10/24\\u0000junk\"}}",
		      "dockerfly.ip");
}

static void test_bundle(void **state)
{
	struct df_err e;
	struct df_state st;

	assert_ok(parse_with(",\"bundle\":\"/b\"", &st, &e), &e);
	assert_string_equal(st.bundle, "/b");
	state_release(&st);
	assert_ok(parse_with(",\"bundle\":\"\"", &st, &e), &e);
	assert_null(st.bundle);
	state_release(&st);
	assert_ok(parse_with(",\"bundle\":null", &st, &e), &e);
	assert_null(st.bundle);
	state_release(&st);
	assert_ok(parse_with("", &st, &e), &e);
	assert_null(st.bundle);
	state_release(&st);

	assert_refused_msg(parse_with(",\"bundle\":\"run/b\"", &st, &e), &e,
			   "state: bundle 'run/b' is not an absolute path");
	assert_refused(parse_with(",\"bundle\":\"./b\"", &st, &e), &e, "is not an absolute path");
	assert_refused(parse_with(",\"bundle\":\" /b\"", &st, &e), &e, "is not an absolute path");
}

static void test_annotations(void **state)
{
	struct df_err e;
	struct df_state st;

	assert_ok(parse_with(",\"annotations\":null", &st, &e), &e);
	assert_null(st.annotations);
	state_release(&st);
	assert_ok(parse_with(",\"annotations\":{}", &st, &e), &e);
	assert_non_null(st.annotations);
	assert_int_equal(json_object_object_length(st.annotations), 0);
	state_release(&st);
}

static void test_nesting(void **state)
{
	struct df_err e;
	struct df_state st;
	char doc[1024];
	size_t o = 0;

	/* 70 levels of arrays inside the state: deeper than the 64 the parser allows. */
	o += (size_t)snprintf(doc, sizeof(doc),
			      "{\"ociVersion\":\"1\",\"id\":\"c1\","
			      "\"status\":\"created\",\"x\":");
	for (int i = 0; i < 70; i++)
		doc[o++] = '[';
	for (int i = 0; i < 70; i++)
		doc[o++] = ']';
	doc[o++] = '}';
	doc[o] = '\0';
	assert_refused(parse(doc, &st, &e), &e, "parse state: ");

	/* 40 levels are fine. */
	o = (size_t)snprintf(doc, sizeof(doc),
			     "{\"ociVersion\":\"1\",\"id\":\"c1\","
			     "\"status\":\"created\",\"x\":");
	for (int i = 0; i < 40; i++)
		doc[o++] = '[';
	for (int i = 0; i < 40; i++)
		doc[o++] = ']';
	doc[o++] = '}';
	doc[o] = '\0';
	assert_ok(parse(doc, &st, &e), &e);
	state_release(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runc),
		cmocka_unit_test(test_crun),
		cmocka_unit_test(test_statuses),
		cmocka_unit_test(test_required_members),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_trailing),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_pid),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_escaped_nul_id),
		cmocka_unit_test(test_escaped_nul_bundle),
		cmocka_unit_test(test_escaped_nul_annotation),
		cmocka_unit_test(test_bundle),
		cmocka_unit_test(test_annotations),
		cmocka_unit_test(test_nesting),
	};

	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
