// SPDX-License-Identifier: BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "log.h"

static const char *log_prog = "dockerfly";
static const char *log_container;
static bool log_debug_on;

void log_init(const char *prog)
{
	log_prog = prog;
}

void log_set_debug(bool on)
{
	log_debug_on = on;
}

bool log_debug_enabled(void)
{
	return log_debug_on;
}

void log_set_container(const char *id)
{
	log_container = id;
}

static void log_line_text(const char *level, const char *line)
{
	if (log_container)
		fprintf(stderr, "%s: %scontainer %s: %s\n", log_prog, level, log_container, line);
	else
		fprintf(stderr, "%s: %s%s\n", log_prog, level, line);
}

__attribute__((format(printf, 2, 0))) static void log_line(const char *level, const char *fmt,
							   va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	log_line_text(level, line);
}

/* One syslog line at @prio; quietly nothing when no syslog daemon listens. */
static void log_syslog(int prio, const char *line)
{
	openlog(log_prog, LOG_PID, LOG_DAEMON);
	syslog(prio, "container %s: %s", log_container ? log_container : "?", line);
	closelog();
}

void log_error(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_line_text("", line);
	/* Some runtimes (crun) drop a hook's stderr: the failure goes to syslog as well. */
	log_syslog(LOG_ERR, line);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!log_debug_on)
		return;
	va_start(ap, fmt);
	log_line("debug: ", fmt, ap);
	va_end(ap);
}

void log_audit(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_syslog(LOG_INFO, line);
}
