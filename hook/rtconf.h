/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_RTCONF_H
#define DF_RTCONF_H

#include <limits.h>

#include "err.h"

/*
 * dockerfly-runtime's own settings: which real runtime it runs and which hook it adds. Each
 * comes from the first of: the environment (DOCKERFLY_RUNTIME, DOCKERFLY_HOOK), the config
 * file (lines "runtime=..." and "hook=..."; DOCKERFLY_RUNTIME_CONF names another file), the
 * default (runc, else crun, found in PATH; the hook path chosen at build time).
 */
struct df_rtconf {
	char file[PATH_MAX];	  /* the config file */
	char runtime[PATH_MAX];	  /* explicit real runtime, a path or a name; "" = none */
	const char *runtime_from; /* "DOCKERFLY_RUNTIME" or the config file */
	char hook[PATH_MAX];
	const char *hook_from; /* "DOCKERFLY_HOOK", the config file or "default" */
};

/* Read the environment and the config file; a missing config file is no error. */
int rtconf_load(struct df_rtconf *c, struct df_err *e);

/*
 * The absolute path of the real runtime in @out. A candidate that is this very program (a
 * link to it, a copy on the same inode) is skipped, so the wrapper never runs itself; an
 * explicit setting that names nothing but this program is refused.
 */
int rtconf_real_runtime(const struct df_rtconf *c, char *out, size_t size, struct df_err *e);

/* Check the hook path: absolute and executable. */
int rtconf_check_hook(const struct df_rtconf *c, struct df_err *e);

#endif
