/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_RUNARGS_H
#define DF_RUNARGS_H

#include <stdbool.h>

#include "err.h"

/*
 * A runc command line as engines write it: global options, the command, then the command's
 * options and arguments in any order (runc accepts options after the container id). Options
 * are spelled "-name", "--name", "-name=value" or "--name=value"; an option that takes a value
 * without "=" takes the next argument. Only reading: the arguments are never changed.
 */
struct df_runargs {
	const char *command; /* "create", "start", ... or NULL when there is none */
	const char *bundle;  /* the last -b/--bundle value of the command, or NULL */
	const char *id;	     /* the command's first argument (the container id), or NULL */
};

/*
 * Scan @argv (argv[0] is the program). Fails only for a bundle option at the very end with no
 * value, which would otherwise be taken for "the bundle is the current directory".
 */
int runargs_scan(int argc, char *const argv[], struct df_runargs *ra, struct df_err *e);

/* Does the command create a container from a bundle (create, or run = create + start)? */
bool runargs_creates(const struct df_runargs *ra);

#endif
