/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_FUZZ_H
#define DF_FUZZ_H

/*
 * Shared by the libFuzzer targets. A broken invariant aborts with a line saying which, so
 * that libFuzzer keeps the input as a crash.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_check(cond)                                                                     \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* A failure must say what failed: a positive errno and a non-empty, terminated message. */
static inline void fuzz_check_err(int r, const struct df_err *e)
{
	fuzz_check(r < 0);
	fuzz_check(e->code > 0 && r == -e->code);
	fuzz_check(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
	fuzz_check(e->msg[0] != '\0');
}

/* @data as a NUL-terminated string in a buffer of exactly that size, so ASan sees overreads. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
