// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "json.h"
#include "log.h"
#include "sources.h"
#include "spec.h"

int settings_from_annotations(struct df_settings *s, struct json_object *ann, struct df_err *e)
{
	int n = 0, r;

	if (!ann)
		return 0;
	json_object_object_foreach(ann, key, val)
	{
		if (!settings_is_annotation(key))
			continue;
		r = settings_set_annotation(s, key, json_object_get_string(val), e);
		if (r < 0)
			return r;
		n++;
	}
	return n;
}

int settings_from_env(struct df_settings *s, struct json_object *env, struct df_err *e)
{
	size_t len = env ? json_object_array_length(env) : 0;
	int n = 0, r;

	for (size_t i = 0; i < len; i++) {
		const char *entry = json_object_get_string(json_object_array_get_idx(env, i));

		if (!settings_is_env(entry))
			continue;
		r = settings_set_env(s, entry, e);
		if (r < 0)
			return r;
		n++;
	}
	return n;
}

bool spec_has_settings(struct json_object *cfg)
{
	struct df_err e;
	struct json_object *ann, *env;
	size_t len;

	if (spec_annotations(cfg, &ann, &e) == 0 && ann) {
		json_object_object_foreach(ann, key, val)
		{
			(void)val;
			if (settings_is_annotation(key))
				return true;
		}
	}
	if (spec_env(cfg, &env, &e) < 0 || !env)
		return false;
	len = json_object_array_length(env);
	for (size_t i = 0; i < len; i++) {
		if (settings_is_env(json_object_get_string(json_object_array_get_idx(env, i))))
			return true;
	}
	return false;
}

/* The config.json sources, tried only when the state had no dockerfly annotation. */
static int from_config(struct json_object *cfg, struct df_settings *s, struct df_err *e)
{
	struct json_object *ann, *env;
	int n, r;

	r = spec_annotations(cfg, &ann, e);
	if (r < 0)
		return r;
	s->source = DF_SOURCE_CONFIG;
	n = settings_from_annotations(s, ann, e);
	if (n != 0)
		return n;
	r = spec_env(cfg, &env, e);
	if (r < 0)
		return r;
	s->source = DF_SOURCE_ENV;
	return settings_from_env(s, env, e);
}

static int read_hostname(struct json_object *cfg, struct df_settings *s, struct df_err *e)
{
	const char *name;
	int r;

	r = json_get_string(cfg, "hostname", &name, e);
	if (r < 0)
		return df_err_prefix(e, "config.json");
	if (name && strlen(name) >= sizeof(s->hostname))
		return df_invalid(e, "config.json: hostname too long");
	if (name)
		strcpy(s->hostname, name);
	return 0;
}

int settings_load(const struct df_state *st, const struct df_defaults *defaults,
		  struct df_settings *s, struct df_err *e)
{
	_cleanup_json_ struct json_object *cfg = NULL;
	int n, r;

	settings_init(s, defaults);
	s->source = DF_SOURCE_STATE;
	n = settings_from_annotations(s, st->annotations, e);
	if (n < 0)
		return df_err_prefix(e, "settings from %s", settings_source_name(s->source));

	/* config.json is read only when it is needed: it is the larger document by far. */
	if (st->bundle && (n == 0 || settings_need_hostname(s))) {
		r = spec_load(st->bundle, &cfg, e);
		if (r < 0)
			return r;
		r = read_hostname(cfg, s, e);
		if (r < 0)
			return r;
	}
	if (n == 0 && cfg)
		n = from_config(cfg, s, e);
	if (n < 0)
		return df_err_prefix(e, "settings from %s", settings_source_name(s->source));
	if (n == 0)
		s->source = DF_SOURCE_NONE;
	log_debug("settings from %s: %d keys", settings_source_name(s->source), n);
	return settings_finish(s, e);
}
