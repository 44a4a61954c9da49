/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_SPEC_H
#define DF_SPEC_H

#include <json-c/json.h>

#include "err.h"

/*
 * The bundle's config.json (the OCI runtime spec). Only the bundle directory itself is read;
 * nothing inside the container's root filesystem is ever opened.
 */

/* The largest config.json accepted. Real ones, seccomp profile included, stay under 100 KiB. */
#define DF_SPEC_MAX (16 * 1024 * 1024)

/* Read and parse BUNDLE/config.json. @bundle must be an absolute path. */
int spec_load(const char *bundle, struct json_object **out, struct df_err *e);

/* The "annotations" object, or NULL; -EINVAL when it is not an object of strings. */
int spec_annotations(struct json_object *cfg, struct json_object **out, struct df_err *e);

/* The "process"."env" array, or NULL; -EINVAL when it is not an array of strings. */
int spec_env(struct json_object *cfg, struct json_object **out, struct df_err *e);

#endif
