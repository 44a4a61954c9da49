// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conf.h"
#include "json.h"
#include "util.h"

#define CONF_MAX (64 * 1024)

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int set_shim_address(struct df_conf *c, const char *parent, const char *value,
			    struct df_err *e)
{
	struct df_shim_conf *sc;
	int r;

	if (c->n_shims == DF_MAX_SHIMS)
		return df_invalid(e, "more than %d shim addresses", DF_MAX_SHIMS);
	sc = &c->shims[c->n_shims];
	r = parse_ifname(parent, sc->parent, e);
	if (r < 0)
		return r;
	r = parse_gateway(value, &sc->addr, e);
	if (r < 0)
		return df_err_prefix(e, "shim address");
	if (sc->addr.family != AF_INET)
		return df_invalid(e, "shim address '%s' is not IPv4", value);
	c->n_shims++;
	return 0;
}

static int conf_set(void *data, const char *key, char *value, int line, struct df_err *e)
{
	(void)line;
	struct df_conf *c = data;

	static const char shim_prefix[] = "shim-address.";

	if (!strcmp(key, "dad"))
		return parse_dad(value, &c->defaults.dad, e);
	if (!strcmp(key, "host-route"))
		return parse_bool(value, &c->defaults.host_route, e);
	if (!strcmp(key, "quickack"))
		return parse_bool(value, &c->defaults.quickack, e);
	if (!strcmp(key, "shim-keep"))
		return parse_bool(value, &c->shim_keep, e);
	if (!strncmp(key, shim_prefix, sizeof(shim_prefix) - 1))
		return set_shim_address(c, key + sizeof(shim_prefix) - 1, value, e);
	return df_invalid(e, "unknown key '%s'", key);
}

/* Was @key set on a line before @upto? A file says each thing once. */
static bool seen_before(const char *copy, const char *end, const char *key)
{
	for (const char *p = copy; p < end; p += strlen(p) + 1) {
		if (!strcmp(p, key))
			return true;
	}
	return false;
}

int kv_parse(const char *text, const char *what, kv_setter set, void *data, struct df_err *e)
{
	_cleanup_free_ char *copy = strdup(text);
	_cleanup_free_ char *keys = malloc(strlen(text) + 1);
	char *line, *next, *kend;
	int lineno = 0;

	if (!copy || !keys)
		return df_fail(e, ENOMEM, "read %s", what);
	kend = keys;
	for (line = copy; line; line = next) {
		char *eq, *key, *value;
		int r;

		lineno++;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line[strcspn(line, "#")] = '\0';
		key = trim(line);
		if (!*key)
			continue;
		eq = strchr(key, '=');
		if (!eq)
			return df_invalid(e, "%s:%d: expected 'key = value'", what, lineno);
		*eq = '\0';
		key = trim(key);
		value = trim(eq + 1);
		if (seen_before(keys, kend, key))
			return df_invalid(e, "%s:%d: '%s' given twice", what, lineno, key);
		strcpy(kend, key);
		kend += strlen(key) + 1;
		r = set(data, key, value, lineno, e);
		if (r < 0)
			return df_err_prefix(e, "%s:%d", what, lineno);
	}
	return 0;
}

int kv_load(const char *path, bool optional, kv_setter set, void *data, struct df_err *e)
{
	_cleanup_fd_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT && optional)
		return 0;
	if (fd < 0)
		return df_fail(e, errno, "open %s", path);
	r = read_all(fd, CONF_MAX, path, &text, &len, e);
	if (r < 0)
		return r;
	if (memchr(text, '\0', len))
		return df_invalid(e, "%s: NUL byte in file", path);
	return kv_parse(text, path, set, data, e);
}

/* What a missing file or key means. */
static void conf_init(struct df_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->defaults.quickack = true;
}

int conf_parse(const char *text, const char *what, struct df_conf *c, struct df_err *e)
{
	conf_init(c);
	return kv_parse(text, what, conf_set, c, e);
}

int conf_load(const char *path, struct df_conf *c, struct df_err *e)
{
	conf_init(c);
	if (!path)
		path = getenv("DOCKERFLY_CONF");
	if (!path || !*path)
		path = DF_CONF_PATH;
	return kv_load(path, true, conf_set, c, e);
}
const struct df_addr *conf_shim_address(const struct df_conf *c, const char *parent)
{
	for (unsigned int i = 0; i < c->n_shims; i++) {
		if (!strcmp(c->shims[i].parent, parent))
			return &c->shims[i].addr;
	}
	return NULL;
}
