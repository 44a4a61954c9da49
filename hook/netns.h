/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_NETNS_H
#define DF_NETNS_H

#include <sys/types.h>

#include "err.h"

/*
 * Open the network namespace of process @pid. Refuses the caller's own namespace: a
 * container that shares the host's network (e.g. --network host) must never get a macvlan
 * made in the host. Returns the namespace fd.
 */
int netns_open(pid_t pid, struct df_err *e);

/*
 * Move the calling thread into namespace @fd. Sockets opened before keep working in the
 * namespace they were opened in. The hook is single-threaded, so the whole process moves.
 */
int netns_enter(int fd, struct df_err *e);

#endif
