/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_FILES_H
#define DF_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "parse.h"

/*
 * The hook's own files: runtime state under /run/dockerfly (gone at reboot, like the
 * containers it describes) and pool leases under /var/lib/dockerfly. DOCKERFLY_RUN_DIR and
 * DOCKERFLY_STATE_DIR name other places, for tests. Every directory is made 0700, every file
 * is replaced atomically, and no path is followed through a symlink at its last step.
 */

#define DF_RUN_DIR   "/run/dockerfly"
#define DF_STATE_DIR "/var/lib/dockerfly"

/* "RUNDIR/@sub/@name@suffix", making RUNDIR/@sub if needed. @name must be a safe_name(). */
int run_path(char *buf, size_t size, const char *sub, const char *name, const char *suffix,
	     struct df_err *e);
/* The same under the state directory. */
int state_path(char *buf, size_t size, const char *sub, const char *name, const char *suffix,
	       struct df_err *e);

/*
 * Replace @path with @len bytes of @data: a temporary file, then rename. With @durable the
 * data is synced first, for files that must survive a crash of the host (pool leases); files
 * under the run directory are gone at reboot anyway.
 */
int write_atomic(const char *path, const char *data, size_t len, mode_t mode, bool durable,
		 struct df_err *e);

/* Open (creating) @path and take an exclusive flock on it. Returns the fd; closing unlocks. */
int lock_file(const char *path, struct df_err *e);

/*
 * The start time of process @pid (field 22 of its stat), or 0 when it does not run: a zombie
 * waiting for its parent to reap it has stopped running as much as a reaped one. With the pid
 * it names one run of a process, for records that may outlive it.
 */
unsigned long long proc_start_time(long pid);

#endif
