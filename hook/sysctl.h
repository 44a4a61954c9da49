/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_SYSCTL_H
#define DF_SYSCTL_H

#include <stddef.h>

#include "err.h"

/*
 * Per-interface network sysctls, /proc/sys/net/FAMILY/DIR/IFNAME/KEY. /proc/sys/net shows the
 * network namespace of the process that opens a file, so these act on the namespace the
 * caller has entered, whatever /proc is mounted where.
 */
int sysctl_write(const char *family, const char *dir, const char *ifname, const char *key,
		 const char *value, struct df_err *e);
int sysctl_read(const char *family, const char *dir, const char *ifname, const char *key, char *out,
		size_t size, struct df_err *e);

#endif
