// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "rtconf.h"
#include "util.h"

/* execvp's search path when PATH is unset. */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && strchr(" \t\r\n", end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* One "key=value" line of the config file into @c; @seen counts keys already given. */
static int conf_line(struct df_rtconf *c, char *line, int lineno, unsigned int *seen,
		     struct df_err *e)
{
	char *eq = strchr(line, '='), *key, *value, *dst;
	unsigned int bit;

	if (!eq)
		return df_invalid(e, "%s:%d: want KEY=VALUE, got '%s'", c->file, lineno, line);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (!strcmp(key, "runtime")) {
		bit = 1;
		dst = c->runtime;
	} else if (!strcmp(key, "hook")) {
		bit = 2;
		dst = c->hook;
	} else {
		return df_invalid(e, "%s:%d: unknown key '%s'", c->file, lineno, key);
	}
	if (*seen & bit)
		return df_invalid(e, "%s:%d: '%s' given twice", c->file, lineno, key);
	if (!*value || strlen(value) >= PATH_MAX)
		return df_invalid(e, "%s:%d: bad value for '%s'", c->file, lineno, key);
	*seen |= bit;
	strcpy(dst, value);
	return 0;
}

/* Fill the settings the environment left empty from the config file, if there is one. */
static int conf_read(struct df_rtconf *c, struct df_err *e)
{
	struct df_rtconf fromfile = {0};
	_cleanup_(fclosep) FILE *f = fopen(c->file, "re");
	_cleanup_free_ char *line = NULL;
	unsigned int seen = 0;
	size_t size = 0;
	int lineno = 0, r;

	if (!f)
		return errno == ENOENT ? 0 : df_fail(e, errno, "open %s", c->file);
	strcpy(fromfile.file, c->file);
	while (getline(&line, &size, f) >= 0) {
		char *s = trim(line);

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		r = conf_line(&fromfile, s, lineno, &seen, e);
		if (r < 0)
			return r;
	}
	if (ferror(f))
		return df_fail(e, EIO, "read %s", c->file);
	if (!c->runtime[0] && fromfile.runtime[0]) {
		strcpy(c->runtime, fromfile.runtime);
		c->runtime_from = c->file;
	}
	if (!c->hook[0] && fromfile.hook[0]) {
		strcpy(c->hook, fromfile.hook);
		c->hook_from = c->file;
	}
	return 0;
}

/* Copy environment variable @name into @dst when it is set and not empty. */
static int from_env(const char *name, char *dst, const char **from, struct df_err *e)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return 0;
	if (strlen(v) >= PATH_MAX)
		return df_invalid(e, "%s: value too long", name);
	strcpy(dst, v);
	*from = name;
	return 0;
}

int rtconf_load(struct df_rtconf *c, struct df_err *e)
{
	const char *file = getenv("DOCKERFLY_RUNTIME_CONF");
	int r;

	memset(c, 0, sizeof(*c));
	if (snprintf(c->file, sizeof(c->file), "%s", file && *file ? file : DF_RUNTIME_CONF) >=
	    (int)sizeof(c->file))
		return df_invalid(e, "DOCKERFLY_RUNTIME_CONF: value too long");
	r = from_env("DOCKERFLY_RUNTIME", c->runtime, &c->runtime_from, e);
	if (r < 0)
		return r;
	r = from_env("DOCKERFLY_HOOK", c->hook, &c->hook_from, e);
	if (r < 0)
		return r;
	r = conf_read(c, e);
	if (r < 0)
		return r;
	if (!c->hook[0]) {
		strcpy(c->hook, DF_HOOK_PATH);
		c->hook_from = "the built-in default";
	}
	return 0;
}

/* Is @path an executable regular file? When it is this program, *@self is set instead. */
static bool usable(const char *path, const struct stat *me, bool *self)
{
	struct stat st;

	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0)
		return false;
	if (st.st_dev == me->st_dev && st.st_ino == me->st_ino) {
		*self = true;
		return false;
	}
	return true;
}

/* The first usable @name in PATH into @out; empty PATH entries (the cwd) are never searched. */
static bool search_path(const char *name, const struct stat *me, char *out, size_t size, bool *self)
{
	const char *dirs = getenv("PATH");
	const char *p, *end;

	if (!dirs || !*dirs)
		dirs = DEFAULT_PATH;
	for (p = dirs; *p; p = *end ? end + 1 : end) {
		int len;

		end = strchrnul(p, ':');
		if (end == p || *p != '/')
			continue;
		len = snprintf(out, size, "%.*s/%s", (int)(end - p), p, name);
		if (len > 0 && (size_t)len < size && usable(out, me, self))
			return true;
	}
	return false;
}

/* The explicit setting: an absolute path, or a name looked up in PATH. */
static int explicit_runtime(const struct df_rtconf *c, const struct stat *me, char *out,
			    size_t size, struct df_err *e)
{
	bool self = false, found;

	if (strchr(c->runtime, '/')) {
		if (c->runtime[0] != '/')
			return df_invalid(e, "real runtime '%s' (from %s): not an absolute path",
					  c->runtime, c->runtime_from);
		found = usable(c->runtime, me, &self);
		if (found && snprintf(out, size, "%s", c->runtime) >= (int)size)
			return df_invalid(e, "real runtime '%s': path too long", c->runtime);
	} else {
		found = search_path(c->runtime, me, out, size, &self);
	}
	if (found)
		return 0;
	if (self)
		return df_invalid(e,
				  "real runtime '%s' (from %s) is dockerfly-runtime itself; "
				  "name the real runc or crun",
				  c->runtime, c->runtime_from);
	return df_fail(e, ENOENT, "real runtime '%s' (from %s)", c->runtime, c->runtime_from);
}

int rtconf_real_runtime(const struct df_rtconf *c, char *out, size_t size, struct df_err *e)
{
	static const char *const defaults[] = {"runc", "crun"};
	struct stat me;
	bool self = false;

	if (stat("/proc/self/exe", &me) < 0)
		return df_fail(e, errno, "stat /proc/self/exe");
	if (c->runtime[0])
		return explicit_runtime(c, &me, out, size, e);
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++) {
		if (search_path(defaults[i], &me, out, size, &self))
			return 0;
	}
	return df_failv(e, ENOENT, self ? "only dockerfly-runtime itself is there" : NULL,
			"find the real runtime: runc or crun in PATH (or set DOCKERFLY_RUNTIME "
			"or 'runtime=' in %s)",
			c->file);
}

int rtconf_check_hook(const struct df_rtconf *c, struct df_err *e)
{
	if (c->hook[0] != '/')
		return df_invalid(e, "hook '%s' (from %s): not an absolute path", c->hook,
				  c->hook_from);
	if (access(c->hook, X_OK) < 0)
		return df_fail(e, errno, "hook %s (from %s)", c->hook, c->hook_from);
	return 0;
}
