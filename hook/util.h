/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_UTIL_H
#define DF_UTIL_H

#include <errno.h>
#include <stdlib.h>
#include <time.h>
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

/* Milliseconds on the monotonic clock, for deadlines and timings. */
static inline long df_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Make room for one more element in the array *@v of *@cap elements of @size bytes, *@n of
 * them used: the capacity doubles (16 at first). Returns 0 or -ENOMEM; *@v is kept on failure.
 */
static inline int df_grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t c = *cap ? *cap * 2 : 16;
	void *nv;

	if (n < *cap)
		return 0;
	nv = realloc(*v, c * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = c;
	return 0;
}

#endif
