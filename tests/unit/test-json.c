// SPDX-License-Identifier: BSD-2-Clause
/* Reading documents: json.c (one document, bounded reads) and spec.c (config.json). */
#include <fcntl.h>
#include <sys/wait.h>

#include "unit.h"
#include "json.h"
#include "spec.h"

static int parse_doc(const char *doc, struct json_object **out, struct df_err *e)
{
	*out = NULL;
	return json_parse_doc(doc, strlen(doc), "doc", out, e);
}

static void test_parse_doc_ok(void **state)
{
	struct df_err e;
	struct json_object *o, *v;

	assert_ok(parse_doc("{\"a\":[1,2],\"b\":\"c\"}", &o, &e), &e);
	assert_true(json_object_is_type(o, json_type_object));
	assert_true(json_object_object_get_ex(o, "b", &v));
	assert_string_equal(json_object_get_string(v), "c");
	json_object_put(o);

	/* Blanks after the document are fine, and only the given length is read. */
	assert_ok(parse_doc(" [true] \r\n\t", &o, &e), &e);
	assert_true(json_object_is_type(o, json_type_array));
	json_object_put(o);
	assert_ok(json_parse_doc("{}garbage", 2, "doc", &o, &e), &e);
	json_object_put(o);
}

static void test_parse_doc_refused(void **state)
{
	struct df_err e;
	struct json_object *o;

	assert_refused_msg(parse_doc("{\"a\":1} x", &o, &e), &e,
			   "parse doc: trailing data after JSON");
	assert_refused(parse_doc("[1][2]", &o, &e), &e, "trailing data after JSON");
	assert_refused_msg(parse_doc("{\"a\":", &o, &e), &e, "parse doc: truncated JSON");
	assert_refused_msg(parse_doc("", &o, &e), &e, "parse doc: truncated JSON");
	assert_refused_msg(json_parse_doc("{\"a\":\"\0\"}", 8, "doc", &o, &e), &e,
			   "parse doc: NUL byte in input");
	assert_refused(parse_doc("{\"a\" 1}", &o, &e), &e, "parse doc: ");
	assert_refused(parse_doc("}", &o, &e), &e, "parse doc: ");
	assert_null(o);
}

/* A document that is JSON null is refused with a message that says so, not "success". */
static void test_parse_doc_null(void **state)
{
	struct df_err e;
	struct json_object *o;

	assert_refused_msg(parse_doc("null ", &o, &e), &e, "parse doc: document is null");
	assert_null(o);
}

static void test_parse_doc_depth(void **state)
{
	struct df_err e;
	struct json_object *o;
	char doc[200];

	memset(doc, '[', 65);
	memset(doc + 65, ']', 65);
	doc[130] = '\0';
	assert_refused(parse_doc(doc, &o, &e), &e, "parse doc: ");
	memset(doc, '[', 64);
	memset(doc + 64, ']', 64);
	doc[128] = '\0';
	assert_ok(parse_doc(doc, &o, &e), &e);
	json_object_put(o);
}

static void test_get_string(void **state)
{
	struct df_err e;
	struct json_object *o;
	const char *s = "x";

	assert_ok(parse_doc("{\"s\":\"v\",\"n\":null,\"i\":1,\"a\":[\"v\"]}", &o, &e), &e);
	assert_ok(json_get_string(o, "s", &s, &e), &e);
	assert_string_equal(s, "v");
	assert_ok(json_get_string(o, "n", &s, &e), &e);
	assert_null(s);
	s = "x";
	assert_ok(json_get_string(o, "absent", &s, &e), &e);
	assert_null(s);
	assert_refused_msg(json_get_string(o, "i", &s, &e), &e, "'i' is not a string");
	assert_refused_msg(json_get_string(o, "a", &s, &e), &e, "'a' is not a string");
	json_object_put(o);
}

/* read_all on the read end of a pipe fed @len bytes of @fill. */
static int read_pipe(size_t len, size_t max, char **buf, size_t *got, struct df_err *e)
{
	int p[2], r;
	char *data = malloc(len + 1);
	pid_t pid;

	memset(data, 'j', len);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		size_t o = 0;

		close(p[0]);
		while (o < len) {
			ssize_t w = write(p[1], data + o, len - o);

			if (w <= 0)
				_exit(1);
			o += (size_t)w;
		}
		_exit(0);
	}
	close(p[1]);
	memset(e, 0, sizeof(*e));
	r = read_all(p[0], max, "input", buf, got, e);
	close(p[0]);
	free(data);
	/* The writer may be cut off by the reader closing early; either way it is reaped. */
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r;
}

static void test_read_all(void **state)
{
	struct df_err e;
	char *buf = NULL;
	size_t len = 1;

	assert_ok(read_pipe(0, 100, &buf, &len, &e), &e);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);

	assert_ok(read_pipe(100, 100, &buf, &len, &e), &e);
	assert_int_equal(len, 100);
	assert_int_equal(buf[99], 'j');
	assert_int_equal(buf[100], '\0');
	free(buf);

	/* Across the buffer's growth steps, up to the limit exactly. */
	assert_ok(read_pipe(70000, 70000, &buf, &len, &e), &e);
	assert_int_equal(len, 70000);
	assert_int_equal(strlen(buf), 70000);
	free(buf);
	assert_ok(read_pipe(4095, 4096, &buf, &len, &e), &e);
	assert_int_equal(len, 4095);
	free(buf);
	assert_ok(read_pipe(4096, 4096, &buf, &len, &e), &e);
	assert_int_equal(len, 4096);
	free(buf);

	buf = NULL;
	assert_refused_msg(read_pipe(101, 100, &buf, &len, &e), &e,
			   "read input: larger than 100 bytes");
	assert_refused(read_pipe(4097, 4096, &buf, &len, &e), &e, "larger than 4096 bytes");
	assert_refused(read_pipe(300000, 70000, &buf, &len, &e), &e, "larger than 70000 bytes");
	assert_null(buf);
}

static void test_read_all_error(void **state)
{
	struct df_err e;
	char *buf = NULL;
	size_t len;
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	assert_fails(read_all(fd, 100, "the root", &buf, &len, &e), &e, EISDIR,
		     "read the root: Is a directory");
	close(fd);
	assert_fails(read_all(-1, 100, "nothing", &buf, &len, &e), &e, EBADF,
		     "read nothing: Bad file descriptor");
	assert_null(buf);
}

/* ---- config.json -------------------------------------------------------------------------- */

static void test_spec_load(void **state)
{
	struct df_err e;
	struct json_object *cfg = NULL, *v;
	char *dir = unit_tmpdir(), path[4200];

	unit_write(dir, "config.json", "{\"ociVersion\":\"1.0.2\",\"hostname\":\"h1\"}\n");
	assert_ok(spec_load(dir, &cfg, &e), &e);
	assert_true(json_object_object_get_ex(cfg, "hostname", &v));
	assert_string_equal(json_object_get_string(v), "h1");
	json_object_put(cfg);

	snprintf(path, sizeof(path), "parse %s/config.json: trailing data after JSON", dir);
	unit_write(dir, "config.json", "{} {}");
	assert_refused_msg(spec_load(dir, &cfg, &e), &e, path);
	snprintf(path, sizeof(path), "parse %s/config.json: truncated JSON", dir);
	unit_write(dir, "config.json", "{\"process\":");
	assert_refused_msg(spec_load(dir, &cfg, &e), &e, path);

	unit_rmdir(dir, "config.json");
}

static void test_spec_load_fails(void **state)
{
	struct df_err e;
	struct json_object *cfg = NULL;
	char *dir = unit_tmpdir(), want[4200], longpath[5000];

	snprintf(want, sizeof(want), "open %s/config.json: No such file or directory", dir);
	assert_fails(spec_load(dir, &cfg, &e), &e, ENOENT, want);
	assert_string_equal(e.msg, want);

	/* A directory where the file should be. */
	snprintf(want, sizeof(want), "%s/config.json", dir);
	assert_int_equal(mkdir(want, 0700), 0);
	snprintf(want, sizeof(want), "read %s/config.json: Is a directory", dir);
	assert_fails(spec_load(dir, &cfg, &e), &e, EISDIR, want);

	assert_refused_msg(spec_load("run/bundle", &cfg, &e), &e,
			   "read config.json: bundle is not an absolute path");
	assert_refused(spec_load(NULL, &cfg, &e), &e, "bundle is not an absolute path");
	memset(longpath, 'b', sizeof(longpath));
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_refused_msg(spec_load(longpath, &cfg, &e), &e,
			   "read config.json: bundle path too long");
	assert_null(cfg);
	unit_rmdir(dir, "config.json");
}

static void test_spec_annotations(void **state)
{
	struct df_err e;
	struct json_object *cfg, *ann = (struct json_object *)1;

	assert_ok(parse_doc("{\"annotations\":{\"a\":\"1\",\"dockerfly.ip\":\"x\"}}", &cfg, &e),
		  &e);
	assert_ok(spec_annotations(cfg, &ann, &e), &e);
	assert_int_equal(json_object_object_length(ann), 2);
	json_object_put(cfg);

	assert_ok(parse_doc("{\"annotations\":null}", &cfg, &e), &e);
	assert_ok(spec_annotations(cfg, &ann, &e), &e);
	assert_null(ann);
	json_object_put(cfg);
	assert_ok(parse_doc("{}", &cfg, &e), &e);
	ann = (struct json_object *)1;
	assert_ok(spec_annotations(cfg, &ann, &e), &e);
	assert_null(ann);
	json_object_put(cfg);

	assert_ok(parse_doc("{\"annotations\":[\"dockerfly.ip=x\"]}", &cfg, &e), &e);
	assert_refused_msg(spec_annotations(cfg, &ann, &e), &e,
			   "config.json: 'annotations' is not an object");
	json_object_put(cfg);
	assert_ok(parse_doc("{\"annotations\":{\"dockerfly.mtu\":1500}}", &cfg, &e), &e);
	assert_refused_msg(spec_annotations(cfg, &ann, &e), &e,
			   "config.json: annotation 'dockerfly.mtu' is not a string");
	json_object_put(cfg);
}

static void test_spec_env(void **state)
{
	struct df_err e;
	struct json_object *cfg, *env = (struct json_object *)1;

	assert_ok(parse_doc("{\"process\":{\"env\":[\"PATH=/bin\",\"DOCKERFLY_IP=x\"]}}", &cfg, &e),
		  &e);
	assert_ok(spec_env(cfg, &env, &e), &e);
	assert_int_equal(json_object_array_length(env), 2);
	json_object_put(cfg);

	assert_ok(parse_doc("{\"process\":{\"args\":[\"sh\"]}}", &cfg, &e), &e);
	assert_ok(spec_env(cfg, &env, &e), &e);
	assert_null(env);
	json_object_put(cfg);
	assert_ok(parse_doc("{\"process\":{\"env\":null}}", &cfg, &e), &e);
	env = (struct json_object *)1;
	assert_ok(spec_env(cfg, &env, &e), &e);
	assert_null(env);
	json_object_put(cfg);
	assert_ok(parse_doc("{}", &cfg, &e), &e);
	env = (struct json_object *)1;
	assert_ok(spec_env(cfg, &env, &e), &e);
	assert_null(env);
	json_object_put(cfg);

	assert_ok(parse_doc("{\"process\":{\"env\":\"DOCKERFLY_IP=x\"}}", &cfg, &e), &e);
	assert_refused_msg(spec_env(cfg, &env, &e), &e,
			   "config.json: 'process.env' is not an array");
	json_object_put(cfg);
	assert_ok(parse_doc("{\"process\":{\"env\":[\"A=1\",7]}}", &cfg, &e), &e);
	assert_refused_msg(spec_env(cfg, &env, &e), &e,
			   "config.json: process.env[1] is not a string");
	json_object_put(cfg);
	assert_ok(parse_doc("{\"process\":{\"env\":[null]}}", &cfg, &e), &e);
	assert_refused(spec_env(cfg, &env, &e), &e, "process.env[0] is not a string");
	json_object_put(cfg);
}

/* "\u0000" is valid JSON, but a C string would end there: such values are refused. */
static void test_escaped_nul(void **state)
{
	struct df_err e;
	struct json_object *cfg, *out;
	const char *s;

	assert_ok(
		parse_doc("{\"a\":\"x\\u0000y\",\"b\":\"xy\",\"c\":\"\\u0000\",\"n\":1}", &cfg, &e),
		&e);
	assert_true(json_object_object_get_ex(cfg, "a", &out));
	assert_false(json_clean_string(out));
	assert_true(json_object_object_get_ex(cfg, "c", &out));
	assert_false(json_clean_string(out));
	assert_true(json_object_object_get_ex(cfg, "b", &out));
	assert_true(json_clean_string(out));
	assert_true(json_object_object_get_ex(cfg, "n", &out));
	assert_false(json_clean_string(out));
	assert_refused_msg(json_get_string(cfg, "a", &s, &e), &e, "'a' holds a NUL character");
	json_object_put(cfg);

	assert_ok(parse_doc("{\"annotations\":{\"dockerfly.ip\":\"198.18.0.10/24\\u0000x\"}}", &cfg,
			    &e),
		  &e);
	assert_refused_msg(spec_annotations(cfg, &out, &e), &e,
			   "config.json: annotation 'dockerfly.ip' holds a NUL character");
	json_object_put(cfg);
	assert_ok(parse_doc("{\"process\":{\"env\":[\"PATH=/bin\",\"DOCKERFLY_IP=\\u0000\"]}}",
			    &cfg, &e),
		  &e);
	assert_refused_msg(spec_env(cfg, &out, &e), &e,
			   "config.json: process.env[1] holds a NUL character");
	json_object_put(cfg);
}

/* ---- the error contract ------------------------------------------------------------------- */

static void test_err(void **state)
{
	struct df_err e = {0};
	char big[DF_ERR_MAX * 2];

	assert_int_equal(df_fail(&e, EEXIST, "add address %s", "198.18.0.10/24"), -EEXIST);
	assert_int_equal(e.code, EEXIST);
	assert_string_equal(e.msg, "add address 198.18.0.10/24: File exists");

	assert_int_equal(
		df_failv(&e, EBUSY, "parent has a macvlan", "create macvlan \"%s\"", "lan0"),
		-EBUSY);
	assert_string_equal(e.msg, "create macvlan \"lan0\": Device or resource busy "
				   "(parent has a macvlan)");
	assert_int_equal(df_failv(&e, EBUSY, "", "create %s", "lan0"), -EBUSY);
	assert_string_equal(e.msg, "create lan0: Device or resource busy");

	/* A failure without an errno still fails. */
	assert_int_equal(df_fail(&e, 0, "step"), -EIO);
	assert_int_equal(e.code, EIO);
	assert_int_equal(df_fail(&e, -5, "step"), -EIO);

	assert_int_equal(df_invalid(&e, "bad MTU '%s'", "x"), -EINVAL);
	assert_int_equal(e.code, EINVAL);
	assert_string_equal(e.msg, "bad MTU 'x'");

	assert_int_equal(df_err_prefix(&e, "%s", "lan0"), -EINVAL);
	assert_string_equal(e.msg, "lan0: bad MTU 'x'");
	assert_int_equal(df_err_prefix(&e, "settings from %s", "env"), -EINVAL);
	assert_string_equal(e.msg, "settings from env: lan0: bad MTU 'x'");

	/* Too long: cut at the buffer, always terminated, never overrun. */
	memset(big, 'm', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(df_fail(&e, ENOENT, "%s", big), -ENOENT);
	assert_int_equal(strlen(e.msg), DF_ERR_MAX - 1);
	assert_int_equal(df_invalid(&e, "%s", big), -EINVAL);
	assert_int_equal(strlen(e.msg), DF_ERR_MAX - 1);
	df_invalid(&e, "inner");
	assert_int_equal(df_err_prefix(&e, "%s", big), -EINVAL);
	assert_int_equal(strlen(e.msg), DF_ERR_MAX - 1);
	df_invalid(&e, "%s", big);
	df_err_prefix(&e, "outer");
	assert_int_equal(strlen(e.msg), DF_ERR_MAX - 1);
	assert_memory_equal(e.msg, "outer: mmm", 10);

	/* Prefixing an error nobody recorded still reports a failure. */
	e = (struct df_err){0};
	assert_int_equal(df_err_prefix(&e, "x"), -EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_doc_ok),
		cmocka_unit_test(test_parse_doc_refused),
		cmocka_unit_test(test_parse_doc_null),
		cmocka_unit_test(test_parse_doc_depth),
		cmocka_unit_test(test_get_string),
		cmocka_unit_test(test_read_all),
		cmocka_unit_test(test_read_all_error),
		cmocka_unit_test(test_spec_load),
		cmocka_unit_test(test_spec_load_fails),
		cmocka_unit_test(test_spec_annotations),
		cmocka_unit_test(test_spec_env),
		cmocka_unit_test(test_escaped_nul),
		cmocka_unit_test(test_err),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
