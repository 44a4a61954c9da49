// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "util.h"

#define JSON_DEPTH 64

int json_parse_doc(const char *buf, size_t len, const char *what, struct json_object **out,
		   struct df_err *e)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t used;

	if (memchr(buf, '\0', len))
		return df_invalid(e, "parse %s: NUL byte in input", what);
	tok = json_tokener_new_ex(JSON_DEPTH);
	if (!tok)
		return df_fail(e, ENOMEM, "parse %s", what);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	used = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (!obj || jerr != json_tokener_success) {
		json_object_put(obj);
		if (jerr == json_tokener_continue)
			return df_invalid(e, "parse %s: truncated JSON", what);
		/* A bare "null" is no object and, to json-c, no error either. */
		if (jerr == json_tokener_success)
			return df_invalid(e, "parse %s: document is null", what);
		return df_invalid(e, "parse %s: not valid JSON (%s)", what,
				  json_tokener_error_desc(jerr));
	}
	for (; used < len; used++) {
		if (!strchr(" \t\r\n", buf[used])) {
			json_object_put(obj);
			return df_invalid(e, "parse %s: trailing data after JSON", what);
		}
	}
	*out = obj;
	return 0;
}

int read_all(int fd, size_t max, const char *what, char **buf, size_t *len, struct df_err *e)
{
	size_t size = 4096, n = 0;
	_cleanup_free_ char *b = malloc(size);

	if (!b)
		return df_fail(e, ENOMEM, "read %s", what);
	for (;;) {
		ssize_t r;

		if (n + 1 == size) {
			char *nb;

			if (size > max)
				return df_invalid(e, "read %s: larger than %zu bytes", what, max);
			nb = realloc(b, size * 2);
			if (!nb)
				return df_fail(e, ENOMEM, "read %s", what);
			b = nb;
			size *= 2;
		}
		r = read(fd, b + n, size - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return df_fail(e, errno, "read %s", what);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max)
		return df_invalid(e, "read %s: larger than %zu bytes", what, max);
	b[n] = '\0';
	*buf = b;
	b = NULL;
	*len = n;
	return 0;
}

bool json_clean_string(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) &&
	       strlen(json_object_get_string(v)) == (size_t)json_object_get_string_len(v);
}

int json_get_string(struct json_object *obj, const char *key, const char **out, struct df_err *e)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return df_invalid(e, "'%s' is not a string", key);
	if (!json_clean_string(v))
		return df_invalid(e, "'%s' holds a NUL character", key);
	*out = json_object_get_string(v);
	return 0;
}
