/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_SOURCES_H
#define DF_SOURCES_H

#include <stdbool.h>
#include <json-c/json.h>

#include "err.h"
#include "settings.h"
#include "state.h"

/*
 * Where a container's settings come from, first match wins: the annotations in the state; if
 * none of those is a dockerfly key, the annotations in BUNDLE/config.json; if none there
 * either, the DOCKERFLY_* entries of process.env in config.json, for engines that cannot pass
 * annotations. One source is used whole; sources are never mixed.
 */

/* Apply every dockerfly annotation of @ann (may be NULL). Returns how many there were. */
int settings_from_annotations(struct df_settings *s, struct json_object *ann, struct df_err *e);

/* Apply every DOCKERFLY_* entry of the array @env (may be NULL). Returns how many. */
int settings_from_env(struct df_settings *s, struct json_object *env, struct df_err *e);

/* Does config.json @cfg carry any dockerfly setting, annotation or environment? */
bool spec_has_settings(struct json_object *cfg);

/*
 * Load @st's settings by the order above over the host's @defaults (may be NULL), and check
 * them whole. Returns the number of NICs.
 */
int settings_load(const struct df_state *st, const struct df_defaults *defaults,
		  struct df_settings *s, struct df_err *e);

#endif
