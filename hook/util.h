/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_UTIL_H
#define DF_UTIL_H

#include <stdlib.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void df_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void df_freep(void *p)
{
	free(*(void **)p);
}

/* A file descriptor closed when it leaves scope, unless handed over with df_take_fd(). */
#define _cleanup_fd_ _cleanup_(df_closep)
/* Heap memory freed when it leaves scope. */
#define _cleanup_free_ _cleanup_(df_freep)

static inline int df_take_fd(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

#endif
