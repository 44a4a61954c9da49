/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_HOOKS_H
#define DF_HOOKS_H

#include <stdbool.h>
#include <json-c/json.h>

#include "err.h"

/*
 * dockerfly's hooks in a bundle's config.json: attach at prestart, release at poststop.
 */

/*
 * Append the attach hook (prestart) and the release hook (poststop) running @hook to @cfg,
 * each only when no dockerfly hook is in that stage already (attach counts in any creation
 * stage). Hooks already there keep their order and run first: Docker's own network setup
 * must come before the NIC is added. Sets *@changed when something was added.
 */
int hooks_add(struct json_object *cfg, const char *hook, bool *changed, struct df_err *e);

/*
 * Replace BUNDLE/config.json with @cfg atomically: a temporary file in the bundle with the
 * old file's mode and owner, written, synced, then renamed over it. A reader sees the old
 * document or the new one, never a mix; on failure the old one stays and no file is left.
 */
int spec_write(const char *bundle, struct json_object *cfg, struct df_err *e);

#endif
