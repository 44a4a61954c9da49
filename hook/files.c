// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "files.h"
#include "util.h"

/* mkdir -p for the two levels this program uses: BASE and BASE/SUB. */
static int make_dirs(const char *base, const char *sub, char *buf, size_t size, struct df_err *e)
{
	char parent[512];

	snprintf(parent, sizeof(parent), "%s", base);
	for (char *p = parent + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(parent, 0755) < 0 && errno != EEXIST)
			return df_fail(e, errno, "create %s", parent);
		*p = '/';
	}
	if (mkdir(base, 0700) < 0 && errno != EEXIST)
		return df_fail(e, errno, "create %s", base);
	if (snprintf(buf, size, "%s/%s", base, sub) >= (int)size)
		return df_invalid(e, "path too long");
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return df_fail(e, errno, "create %s", buf);
	return 0;
}

static int make_path(const char *env, const char *dflt, char *buf, size_t size, const char *sub,
		     const char *name, const char *suffix, struct df_err *e)
{
	const char *base = getenv(env);
	char dir[512];
	int r;

	if (!base || base[0] != '/')
		base = dflt;
	if (!safe_name(name))
		return df_invalid(e, "'%s' cannot name a file", name);
	r = make_dirs(base, sub, dir, sizeof(dir), e);
	if (r < 0)
		return r;
	if (snprintf(buf, size, "%s/%s%s", dir, name, suffix) >= (int)size)
		return df_invalid(e, "path too long");
	return 0;
}

int run_path(char *buf, size_t size, const char *sub, const char *name, const char *suffix,
	     struct df_err *e)
{
	return make_path("DOCKERFLY_RUN_DIR", DF_RUN_DIR, buf, size, sub, name, suffix, e);
}

int state_path(char *buf, size_t size, const char *sub, const char *name, const char *suffix,
	       struct df_err *e)
{
	return make_path("DOCKERFLY_STATE_DIR", DF_STATE_DIR, buf, size, sub, name, suffix, e);
}

int write_atomic(const char *path, const char *data, size_t len, mode_t mode, bool durable,
		 struct df_err *e)
{
	char tmp[600];
	_cleanup_fd_ int fd = -1;
	int r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return df_invalid(e, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return df_fail(e, errno, "create %s", tmp);
	while (len && r == 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			r = df_fail(e, n < 0 ? errno : EIO, "write %s", tmp);
		else
			data += n, len -= (size_t)n;
	}
	if (r == 0 && durable && fsync(fd) < 0)
		r = df_fail(e, errno, "sync %s", tmp);
	if (r == 0 && rename(tmp, path) < 0)
		r = df_fail(e, errno, "rename %s", tmp);
	if (r < 0)
		unlink(tmp);
	return r;
}

int lock_file(const char *path, struct df_err *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return df_fail(e, errno, "open %s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int err = errno;

			close(fd);
			return df_fail(e, err, "lock %s", path);
		}
	}
	return fd;
}

unsigned long long proc_start_time(long pid)
{
	char path[64], buf[1024], *p;
	_cleanup_fd_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold blanks and parentheses: count fields from the last ')'. */
	p = strrchr(buf, ')');
	if (!p || !p[1] || p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}
