/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_JSON_H
#define DF_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "err.h"

/* A json-c object released when it leaves scope. */
static inline void df_json_putp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define _cleanup_json_ __attribute__((cleanup(df_json_putp)))

/*
 * Parse exactly one JSON document of @len bytes: trailing bytes other than blanks, nesting
 * deeper than 64 levels or a NUL inside are refused. @what names the document in messages.
 */
int json_parse_doc(const char *buf, size_t len, const char *what, struct json_object **out,
		   struct df_err *e);

/* Read all of @fd, at most @max bytes (more is an error), into a NUL-terminated buffer. */
int read_all(int fd, size_t max, const char *what, char **buf, size_t *len, struct df_err *e);

/* Is @v a string with no NUL inside ("\u0000" is valid JSON; a C string would end there)? */
bool json_clean_string(struct json_object *v);

/* The string member @key of @obj, or NULL when absent; -EINVAL when present but not a string. */
int json_get_string(struct json_object *obj, const char *key, const char **out, struct df_err *e);

#endif
