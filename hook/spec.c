// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "json.h"
#include "spec.h"
#include "util.h"

int spec_load(const char *bundle, struct json_object **out, struct df_err *e)
{
	char path[PATH_MAX];
	_cleanup_fd_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	if (!bundle || bundle[0] != '/')
		return df_invalid(e, "read config.json: bundle is not an absolute path");
	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path))
		return df_invalid(e, "read config.json: bundle path too long");

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return df_fail(e, errno, "open %s", path);
	r = read_all(fd, DF_SPEC_MAX, path, &buf, &len, e);
	if (r < 0)
		return r;
	return json_parse_doc(buf, len, path, out, e);
}

int spec_annotations(struct json_object *cfg, struct json_object **out, struct df_err *e)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(cfg, "annotations", &v) ||
	    json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return df_invalid(e, "config.json: 'annotations' is not an object");
	json_object_object_foreach(v, key, val)
	{
		if (!json_object_is_type(val, json_type_string))
			return df_invalid(e, "config.json: annotation '%s' is not a string", key);
		if (!json_clean_string(val))
			return df_invalid(e, "config.json: annotation '%s' holds a NUL character",
					  key);
	}
	*out = v;
	return 0;
}

int spec_env(struct json_object *cfg, struct json_object **out, struct df_err *e)
{
	struct json_object *process, *env;
	size_t n;

	*out = NULL;
	if (!json_object_object_get_ex(cfg, "process", &process) ||
	    !json_object_is_type(process, json_type_object))
		return 0;
	if (!json_object_object_get_ex(process, "env", &env) ||
	    json_object_is_type(env, json_type_null))
		return 0;
	if (!json_object_is_type(env, json_type_array))
		return df_invalid(e, "config.json: 'process.env' is not an array");
	n = json_object_array_length(env);
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(env, i);

		if (!json_object_is_type(v, json_type_string))
			return df_invalid(e, "config.json: process.env[%zu] is not a string", i);
		if (!json_clean_string(v))
			return df_invalid(e, "config.json: process.env[%zu] holds a NUL character",
					  i);
	}
	*out = env;
	return 0;
}
