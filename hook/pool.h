/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_POOL_H
#define DF_POOL_H

#include <stdbool.h>
#include <sys/types.h>

#include "err.h"
#include "parse.h"

/*
 * Host address pools, for LANs without a DHCP server. The admin defines each pool in
 * /etc/dockerfly/pools.d/NAME (DOCKERFLY_POOLS_DIR names another directory):
 *   subnet = 198.18.0.0/24                   required
 *   range = 198.18.0.100 - 198.18.0.199      default: the whole subnet
 *   gateway = 198.18.0.1                     optional; becomes the default route
 *   reserved = 198.18.0.150, 198.18.0.151    never handed out
 *   parent = eth1                            optional; only NICs on this parent may use it
 * Leases live in /var/lib/dockerfly/pools/NAME.leases, one "ADDR ID PID START" line each,
 * replaced atomically under a lock: a hook killed at any point leaves the old file or the new
 * one, never a torn one. A lease whose PID no longer runs with the same start time belongs to
 * a container that is gone, and is taken back on the next allocation.
 */

#define DF_POOLS_DIR "/etc/dockerfly/pools.d"

struct pool_lease {
	struct df_prefix addr;
	struct df_addr gateway;
	bool has_gateway;
};

/* The lowest free address of pool @name for container @id (init @pid) on @parent. */
int pool_allocate(const char *name, const char *parent, const char *id, pid_t pid,
		  struct pool_lease *out, struct df_err *e);

/*
 * @id's address answered ARP on the LAN: keep it away from containers for a while (it
 * becomes a lease of "-"), and drop @id's lease, so that the next allocation moves on.
 */
int pool_mark_taken(const char *name, const char *id, struct df_err *e);

/* Give back @id's lease in pool @name. Quiet when there is none. */
int pool_release(const char *name, const char *id, struct df_err *e);

#endif
