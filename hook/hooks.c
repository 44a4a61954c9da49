// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hooks.h"
#include "json.h"
#include "util.h"

#define HOOK_NAME "dockerfly-hook"

/* Every creation stage the hook attaches in: a dockerfly hook in any of them attaches. */
static const char *const attach_stages[] = {"prestart", "createRuntime", "createContainer",
					    "startContainer", "poststart"};
static const char *const release_stages[] = {"poststop"};

/* Is this hook entry a dockerfly hook: the same program, or one installed elsewhere? */
static bool is_dockerfly(struct json_object *entry, const char *hook)
{
	struct json_object *path;
	const char *p, *base;

	if (!json_object_is_type(entry, json_type_object) ||
	    !json_object_object_get_ex(entry, "path", &path) ||
	    !json_object_is_type(path, json_type_string))
		return false;
	p = json_object_get_string(path);
	base = strrchr(p, '/');
	base = base ? base + 1 : p;
	return !strcmp(p, hook) || !strcmp(base, HOOK_NAME);
}

/* The array of stage @name in @hooks, or NULL when absent; -EINVAL when not an array. */
static int stage_array(struct json_object *hooks, const char *name, struct json_object **out,
		       struct df_err *e)
{
	struct json_object *v;

	*out = NULL;
	if (!json_object_object_get_ex(hooks, name, &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (!json_object_is_type(v, json_type_array))
		return df_invalid(e, "config.json: 'hooks.%s' is not an array", name);
	*out = v;
	return 0;
}

static int has_dockerfly(struct json_object *hooks, const char *const *stages, size_t n,
			 const char *hook, struct df_err *e)
{
	struct json_object *arr;
	int r;

	for (size_t i = 0; i < n; i++) {
		r = stage_array(hooks, stages[i], &arr, e);
		if (r < 0)
			return r;
		for (size_t j = 0; arr && j < json_object_array_length(arr); j++) {
			if (is_dockerfly(json_object_array_get_idx(arr, j), hook))
				return 1;
		}
	}
	return 0;
}

/* Append {"path": HOOK, "args": ["dockerfly-hook", STAGE]} to hooks.STAGE. */
static int append_hook(struct json_object *hooks, const char *stage, const char *hook,
		       struct df_err *e)
{
	_cleanup_json_ struct json_object *entry = json_object_new_object();
	_cleanup_json_ struct json_object *args = json_object_new_array();
	struct json_object *arr;
	int r;

	r = stage_array(hooks, stage, &arr, e);
	if (r < 0)
		return r;
	if (!entry || !args || json_object_array_add(args, json_object_new_string(HOOK_NAME)) ||
	    json_object_array_add(args, json_object_new_string(stage)) ||
	    json_object_object_add(entry, "path", json_object_new_string(hook)) ||
	    json_object_object_add(entry, "args", args))
		return df_fail(e, ENOMEM, "add %s hook", stage);
	args = NULL;
	if (!arr) {
		arr = json_object_new_array();
		if (!arr || json_object_object_add(hooks, stage, arr))
			return df_fail(e, ENOMEM, "add %s hook", stage);
	}
	if (json_object_array_add(arr, entry))
		return df_fail(e, ENOMEM, "add %s hook", stage);
	entry = NULL;
	return 0;
}

/* @cfg's "hooks" object, made when absent. */
static int hooks_object(struct json_object *cfg, struct json_object **out, struct df_err *e)
{
	struct json_object *v;

	if (json_object_object_get_ex(cfg, "hooks", &v) &&
	    !json_object_is_type(v, json_type_null)) {
		if (!json_object_is_type(v, json_type_object))
			return df_invalid(e, "config.json: 'hooks' is not an object");
		*out = v;
		return 0;
	}
	v = json_object_new_object();
	if (!v || json_object_object_add(cfg, "hooks", v))
		return df_fail(e, ENOMEM, "add hooks");
	*out = v;
	return 0;
}

int hooks_add(struct json_object *cfg, const char *hook, bool *changed, struct df_err *e)
{
	struct json_object *hooks = NULL;
	int attach, release, r;

	*changed = false;
	r = hooks_object(cfg, &hooks, e);
	if (r < 0)
		return r;
	attach = has_dockerfly(hooks, attach_stages, ARRAY_SIZE(attach_stages), hook, e);
	if (attach < 0)
		return attach;
	release = has_dockerfly(hooks, release_stages, ARRAY_SIZE(release_stages), hook, e);
	if (release < 0)
		return release;

	if (!attach) {
		r = append_hook(hooks, "prestart", hook, e);
		if (r < 0)
			return r;
	}
	if (!release) {
		r = append_hook(hooks, "poststop", hook, e);
		if (r < 0)
			return r;
	}
	*changed = !attach || !release;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len, const char *what, struct df_err *e)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return df_fail(e, errno, "write %s", what);
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A temporary file, removed when it leaves scope unless handed over by setting it to NULL. */
static void unlink_tmp(char **path)
{
	if (*path)
		unlink(*path);
}

/* Give the temporary file @fd the mode and owner of the file it replaces. */
static int copy_mode(int fd, const struct stat *st, const char *tmp, struct df_err *e)
{
	if (fchmod(fd, st->st_mode & 07777) < 0)
		return df_fail(e, errno, "chmod %s", tmp);
	if ((st->st_uid != geteuid() || st->st_gid != getegid()) &&
	    fchown(fd, st->st_uid, st->st_gid) < 0)
		return df_fail(e, errno, "chown %s", tmp);
	return 0;
}

/* Write @cfg into @fd and sync it, so that the rename never publishes a short file. */
static int write_doc(int fd, struct json_object *cfg, const char *tmp, struct df_err *e)
{
	const char *text;
	int r;

	text = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN |
							   JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return df_fail(e, ENOMEM, "write %s", tmp);
	r = write_all(fd, text, strlen(text), tmp, e);
	if (r < 0)
		return r;
	if (fsync(fd) < 0)
		return df_fail(e, errno, "sync %s", tmp);
	return 0;
}

int spec_write(const char *bundle, struct json_object *cfg, struct df_err *e)
{
	char path[PATH_MAX], buf[PATH_MAX];
	_cleanup_(unlink_tmp) char *tmp = NULL;
	_cleanup_fd_ int fd = -1;
	struct stat st;
	int r;

	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path) ||
	    snprintf(buf, sizeof(buf), "%s/.config.json.XXXXXX", bundle) >= (int)sizeof(buf))
		return df_invalid(e, "write config.json: bundle path too long");
	if (stat(path, &st) < 0)
		return df_fail(e, errno, "stat %s", path);
	fd = mkostemp(buf, O_CLOEXEC);
	if (fd < 0)
		return df_fail(e, errno, "create a temporary file in %s", bundle);
	tmp = buf;

	r = copy_mode(fd, &st, tmp, e);
	if (r < 0)
		return r;

	r = write_doc(fd, cfg, tmp, e);
	if (r < 0)
		return r;

	if (close(df_take_fd(&fd)) < 0)
		return df_fail(e, errno, "close %s", tmp);

	if (rename(tmp, path) < 0)
		return df_fail(e, errno, "rename %s to %s", tmp, path);
	tmp = NULL;
	return 0;
}
