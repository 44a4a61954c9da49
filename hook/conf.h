/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_CONF_H
#define DF_CONF_H

#include <stdbool.h>
#include <net/if.h>

#include "err.h"
#include "parse.h"
#include "settings.h"

/*
 * The host's configuration, /etc/dockerfly/dockerfly.conf (DOCKERFLY_CONF names another file).
 * Lines "key = value"; '#' starts a comment. Keys:
 *   dad = off | quick | strict        default conflict detection for every container
 *   host-route = on | off             default for reaching containers from the host
 *   quickack = on | off               default for ACKing at once on containers' routes
 *   shim-keep = on | off              keep a parent's host shim when its last user goes
 *   shim-address.PARENT = ADDR        the host's IPv4 address on PARENT's LAN, used by the
 *                                     shim when PARENT itself has no address in the subnet
 * A missing file means the defaults; an unknown key or bad value is an error.
 */

#define DF_CONF_PATH "/etc/dockerfly/dockerfly.conf"
#define DF_MAX_SHIMS 16

struct df_shim_conf {
	char parent[IFNAMSIZ];
	struct df_addr addr;
};

struct df_conf {
	struct df_defaults defaults;
	bool shim_keep;
	struct df_shim_conf shims[DF_MAX_SHIMS];
	unsigned int n_shims;
};

/* Read the configuration file (@path NULL: DOCKERFLY_CONF, else DF_CONF_PATH). */
int conf_load(const char *path, struct df_conf *c, struct df_err *e);

/* Parse the text of a configuration file; @what names it in messages. */
int conf_parse(const char *text, const char *what, struct df_conf *c, struct df_err *e);

/*
 * The "key = value" files the admin writes: one setting a line, '#' starts a comment, blanks
 * around key and value do not count. @set takes each pair with its line number; its refusal
 * is reported with the file and line.
 */
typedef int (*kv_setter)(void *data, const char *key, char *value, int line, struct df_err *e);
int kv_parse(const char *text, const char *what, kv_setter set, void *data, struct df_err *e);
/* Read and parse @path; with @optional a missing file is no error and sets nothing. */
int kv_load(const char *path, bool optional, kv_setter set, void *data, struct df_err *e);

/* The configured shim address of @parent, or NULL. */
const struct df_addr *conf_shim_address(const struct df_conf *c, const char *parent);

#endif
