/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_LOG_H
#define DF_LOG_H

#include <stdbool.h>

/*
 * Logging: errors on stderr (runtimes show a failed hook's stderr), debug steps on stderr when
 * switched on, and one syslog line per attach or release for the audit trail. Every line names
 * the program and, once known, the container.
 */

void log_init(const char *prog);
void log_set_debug(bool on);
bool log_debug_enabled(void);
void log_set_container(const char *id);

/* One line on stderr: "PROG: container ID: TEXT". */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A debug step on stderr, only when debug output is on. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One audit line to syslog (LOG_DAEMON, LOG_INFO); silently nothing when no syslog runs. */
void log_audit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
