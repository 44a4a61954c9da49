// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "json.h"
#include "state.h"
#include "util.h"

#define ID_MAX 1024

/* What runc and crun send as "status" across the stages a hook can run at. */
static const char *const statuses[] = {"creating", "created", "running", "paused", "stopped"};

bool state_id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > ID_MAX)
		return false;
	for (; *id; id++) {
		if ((unsigned char)*id <= ' ' || (unsigned char)*id >= 0x7f)
			return false;
	}
	return true;
}

static int check_status(const char *status, struct df_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++) {
		if (!strcmp(status, statuses[i]))
			return 0;
	}
	return df_invalid(e, "state: unknown status '%s'", status);
}

static int get_pid(struct json_object *root, pid_t *pid, struct df_err *e)
{
	struct json_object *v;
	int64_t p;

	*pid = 0;
	if (!json_object_object_get_ex(root, "pid", &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_int))
		return df_invalid(e, "state: 'pid' is not an integer");
	errno = 0;
	p = json_object_get_int64(v);
	if (errno || p < 0 || p > INT_MAX)
		return df_invalid(e, "state: pid out of range");
	*pid = (pid_t)p;
	return 0;
}

static int get_annotations(struct json_object *root, struct json_object **out, struct df_err *e)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(root, "annotations", &v) ||
	    json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_object))
		return df_invalid(e, "state: 'annotations' is not an object");
	json_object_object_foreach(v, key, val)
	{
		if (!json_object_is_type(val, json_type_string))
			return df_invalid(e, "state: annotation '%s' is not a string", key);
		if (!json_clean_string(val))
			return df_invalid(e, "state: annotation '%s' holds a NUL character", key);
	}
	*out = v;
	return 0;
}

static int check_fields(struct df_state *st, struct df_err *e)
{
	if (!st->oci_version)
		return df_invalid(e, "state: no 'ociVersion'");
	if (!st->id)
		return df_invalid(e, "state: no 'id'");
	if (!state_id_valid(st->id))
		return df_invalid(e, "state: bad container id");
	if (!st->status)
		return df_invalid(e, "state: no 'status'");
	if (st->bundle && st->bundle[0] != '/')
		return df_invalid(e, "state: bundle '%s' is not an absolute path", st->bundle);
	return check_status(st->status, e);
}

int state_parse(const char *buf, size_t len, struct df_state *st, struct df_err *e)
{
	_cleanup_json_ struct json_object *root = NULL;
	int r;

	memset(st, 0, sizeof(*st));
	r = json_parse_doc(buf, len, "state", &root, e);
	if (r < 0)
		return r;
	if (!json_object_is_type(root, json_type_object))
		return df_invalid(e, "state: not a JSON object");

	if (json_get_string(root, "ociVersion", &st->oci_version, e) < 0 ||
	    json_get_string(root, "id", &st->id, e) < 0 ||
	    json_get_string(root, "status", &st->status, e) < 0 ||
	    json_get_string(root, "bundle", &st->bundle, e) < 0)
		return df_err_prefix(e, "state");
	if (st->bundle && !*st->bundle)
		st->bundle = NULL;
	r = get_pid(root, &st->pid, e);
	if (r < 0)
		return r;
	r = get_annotations(root, &st->annotations, e);
	if (r < 0)
		return r;
	r = check_fields(st, e);
	if (r < 0)
		return r;

	st->root = root;
	root = NULL;
	return 0;
}

void state_release(struct df_state *st)
{
	json_object_put(st->root);
	memset(st, 0, sizeof(*st));
}

bool state_is_alive(const struct df_state *st)
{
	return strcmp(st->status, "stopped") != 0;
}
