/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_KEEPER_H
#define DF_KEEPER_H

#include <stdbool.h>
#include <net/if.h>
#include <sys/types.h>

#include "dhcpc.h"
#include "err.h"

/*
 * The lease keeper: a small process per container with DHCP NICs, left behind by the hook in
 * the container's network namespace (outside its other namespaces and cgroup). It renews each
 * lease at T1 (unicast) and T2 (broadcast), refreshes the address's lifetime on every ACK so
 * that a lease nobody renews disappears with it, starts over when the server refuses a
 * renewal (NAK), and gives the leases back (DHCPRELEASE) when
 * the container's init exits or at poststop, then exits. Its pid is kept in
 * /run/dockerfly/keepers/ID.pid. It holds CAP_NET_ADMIN, CAP_NET_RAW and
 * CAP_NET_BIND_SERVICE, nothing else.
 */

#define DF_KEEPER_NAME "dockerfly-dhcp"

struct keeper_nic {
	char ifname[IFNAMSIZ];
	int index;
	bool use_router; /* the lease's router is the container's IPv4 default route */
	bool quickack;	 /* routes made for a new lease ACK at once */
	struct dhcp_client client;
	struct dhcp_lease lease;
};

/*
 * Start the keeper of container @id, whose init is @pid, for @n NICs. Returns once the keeper
 * runs and has written its pid file; the caller's descriptors are not inherited.
 */
int keeper_start(const char *id, pid_t pid, const struct keeper_nic *nics, unsigned int n,
		 struct df_err *e);

/* Does a keeper run for container @id? */
bool keeper_running(const char *id);

/* Make the keeper of @id release its leases and exit, and wait for it. Quiet when none runs. */
int keeper_stop(const char *id, struct df_err *e);

#endif
