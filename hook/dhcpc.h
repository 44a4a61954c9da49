/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_DHCPC_H
#define DF_DHCPC_H

#include <stdint.h>

#include "dhcp.h"
#include "err.h"
#include "parse.h"

/*
 * A DHCPv4 client on one interface, over a UDP socket bound to it (port 68). Used by the
 * hook for the first lease and by the lease keeper for renewals and the release. Runs in the
 * network namespace the caller is in.
 */

struct dhcp_lease {
	struct df_prefix addr;
	struct df_addr router;
	bool has_router;
	uint32_t server;	/* network order */
	uint32_t lease, t1, t2; /* seconds */
};

/* Open the client socket on @ifname. Returns the fd. */
int dhcpc_open(const char *ifname, struct df_err *e);

/*
 * DISCOVER, OFFER, REQUEST, ACK within @timeout_ms, retransmitting on the way. A NAK, or no
 * server within the time, is an error that says so.
 */
int dhcpc_acquire(int fd, const struct dhcp_client *c, unsigned int timeout_ms,
		  struct dhcp_lease *l, struct df_err *e);

/*
 * Extend lease @l: REQUEST with our address, unicast to its server (RENEWING) or, with
 * @rebind, broadcast to any (REBINDING). Updates @l from the ACK.
 */
int dhcpc_renew(int fd, const struct dhcp_client *c, bool rebind, unsigned int timeout_ms,
		struct dhcp_lease *l, struct df_err *e);

/* Give lease @l back (RELEASE, unicast to its server). */
int dhcpc_release(int fd, const struct dhcp_client *c, const struct dhcp_lease *l,
		  struct df_err *e);

/* Tell the server its offered address is in use by someone else (DECLINE, broadcast). */
int dhcpc_decline(int fd, const struct dhcp_client *c, const struct dhcp_lease *l,
		  struct df_err *e);

#endif
