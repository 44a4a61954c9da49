// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>

#include "netns.h"
#include "util.h"

int netns_open(pid_t pid, struct df_err *e)
{
	char path[64];
	struct stat own, target;
	_cleanup_fd_ int fd = -1;

	if (pid <= 0)
		return df_invalid(e, "open network namespace: no pid in the state");
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return df_fail(e, errno, "open network namespace %s", path);
	if (fstat(fd, &target) < 0)
		return df_fail(e, errno, "stat %s", path);
	if (stat("/proc/self/ns/net", &own) < 0)
		return df_fail(e, errno, "stat /proc/self/ns/net");
	if (own.st_dev == target.st_dev && own.st_ino == target.st_ino)
		return df_invalid(e,
				  "pid %d shares the host's network namespace; "
				  "give the container its own (not --network host)",
				  (int)pid);
	return df_take_fd(&fd);
}

int netns_enter(int fd, struct df_err *e)
{
	if (setns(fd, CLONE_NEWNET) < 0)
		return df_fail(e, errno, "enter network namespace");
	return 0;
}
