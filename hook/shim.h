/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_SHIM_H
#define DF_SHIM_H

#include <sys/types.h>

#include "conf.h"
#include "nl.h"
#include "settings.h"

/*
 * Reaching containers from their own host. A macvlan child cannot talk to its parent's host:
 * the parent hands the child's frames to the wire, never up its own stack. A second macvlan
 * in the host on the same parent, the shim, can: macvlans of one parent in bridge mode talk
 * to each other directly. So the host gets one shim per parent ("dfs" + parent index), shared
 * by every container on that parent, and a /32 route per container address through it.
 *
 * The shim's users are counted by their routes, not by a counter that a crash could leave
 * wrong: poststop deletes the container's routes and, when no route is left through the shim
 * (and shim-keep is off), the shim. Each route's owner is kept in /run/dockerfly/routes. A lock
 * file per parent under /run/dockerfly keeps containers that start and stop at the same moment from
 * racing.
 */

/*
 * Before the hook enters the container's namespace: make sure the parent's shim exists (IPv6
 * off, up, with the configured address) and route @nic's static IPv4 addresses through it.
 * The routes are recorded as container @id's, whose init is @pid. Routes through the shim
 * whose container's init no longer runs (a hook killed mid-attach runs no poststop) go.
 */
int shim_prepare(struct nl *host, const struct df_nic *nic, const char *id, pid_t pid,
		 const struct df_conf *conf, struct df_err *e);

/* After the NIC is configured: route all of @nic's IPv4 addresses, dynamic ones too. */
int shim_attach(struct nl *host, const struct df_nic *nic, const char *id, pid_t pid,
		const struct df_conf *conf, struct df_err *e);

/*
 * Remove the routes of container @id (not those a successor with the same address owns now)
 * and the shim when nothing else uses it. Quiet when already gone; @e may be NULL.
 */
int shim_release(struct nl *host, const struct df_nic *nic, const char *id,
		 const struct df_conf *conf, struct df_err *e);

#endif
