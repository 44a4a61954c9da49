// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "sysctl.h"
#include "util.h"

static int sysctl_open(const char *family, const char *dir, const char *ifname, const char *key,
		       int flags, struct df_err *e)
{
	char path[128];
	int n = snprintf(path, sizeof(path), "/proc/sys/net/%s/%s/%s/%s", family, dir, ifname, key);
	int fd;

	if (n < 0 || (size_t)n >= sizeof(path))
		return df_invalid(e, "sysctl path too long");
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return df_fail(e, errno, "open %s", path);
	return fd;
}

int sysctl_write(const char *family, const char *dir, const char *ifname, const char *key,
		 const char *value, struct df_err *e)
{
	_cleanup_fd_ int fd = sysctl_open(family, dir, ifname, key, O_WRONLY, e);
	size_t len = strlen(value);

	if (fd < 0)
		return fd;
	if (write(fd, value, len) != (ssize_t)len)
		return df_fail(e, errno, "write sysctl %s/%s/%s", family, ifname, key);
	return 0;
}

int sysctl_read(const char *family, const char *dir, const char *ifname, const char *key, char *out,
		size_t size, struct df_err *e)
{
	_cleanup_fd_ int fd = sysctl_open(family, dir, ifname, key, O_RDONLY, e);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read(fd, out, size - 1);
	if (n <= 0)
		return df_fail(e, n < 0 ? errno : EIO, "read sysctl %s/%s/%s", family, ifname, key);
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}
