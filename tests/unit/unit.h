/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_UNIT_H
#define DF_UNIT_H

/*
 * Shared by the cmocka unit tests. The assertions are macros so that a failure reports the
 * line of the test, not of a helper.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "err.h"

/* @expr must succeed (return >= 0); the error text is shown when it does not. */
#define assert_ok(expr, err)                                                      \
	do {                                                                      \
		int r_ = (expr);                                                  \
		if (r_ < 0)                                                       \
			fail_msg("%s failed with %d: %s", #expr, r_, (err)->msg); \
	} while (0)

/* @expr must fail with -@want and a message containing @text. */
#define assert_fails(expr, err, want, text)                                                    \
	do {                                                                                   \
		int r_;                                                                        \
		memset((err), 0, sizeof(*(err)));                                              \
		r_ = (expr);                                                                   \
		if (r_ != -(want))                                                             \
			fail_msg("%s returned %d, not %d (message: '%s')", #expr, r_, -(want), \
				 (err)->msg);                                                  \
		assert_int_equal((err)->code, (want));                                         \
		if (!strstr((err)->msg, (text)))                                               \
			fail_msg("%s: message '%s' lacks '%s'", #expr, (err)->msg, (text));    \
	} while (0)

/* @expr must refuse its input (-EINVAL) with exactly the message @text. */
#define assert_refused_msg(expr, err, text)                                                \
	do {                                                                               \
		int r_;                                                                    \
		memset((err), 0, sizeof(*(err)));                                          \
		r_ = (expr);                                                               \
		if (r_ != -EINVAL)                                                         \
			fail_msg("%s returned %d, not -EINVAL (message: '%s')", #expr, r_, \
				 (err)->msg);                                              \
		assert_int_equal((err)->code, EINVAL);                                     \
		assert_string_equal((err)->msg, (text));                                   \
	} while (0)

/* @expr must refuse its input (-EINVAL) with a message containing @text. */
#define assert_refused(expr, err, text) assert_fails(expr, err, EINVAL, text)

/* A scratch directory removed (with the files the tests put in it) at the end. */
static inline char *unit_tmpdir(void)
{
	char tmpl[] = "/tmp/dockerfly-unit.XXXXXX";
	char *dir = mkdtemp(tmpl);

	if (!dir) {
		fail_msg("mkdtemp: %s", strerror(errno));
		return NULL;
	}
	return strdup(dir);
}

/* Write @text to DIR/NAME. */
static inline void unit_write(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		fail_msg("open %s: %s", path, strerror(errno));
		return;
	}
	fputs(text, f);
	if (fclose(f))
		fail_msg("write %s: %s", path, strerror(errno));
}

/* Remove DIR/NAME (if there) and DIR. */
static inline void unit_rmdir(char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	rmdir(path);
	if (rmdir(dir))
		fail_msg("rmdir %s: %s", dir, strerror(errno));
	free(dir);
}

#endif
