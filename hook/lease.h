/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_LEASE_H
#define DF_LEASE_H

#include <stdbool.h>
#include <sys/types.h>

#include "dhcpc.h"
#include "err.h"
#include "pool.h"
#include "settings.h"

/*
 * A NIC's dynamic IPv4 address: a DHCP lease from the LAN's server or an address from one of
 * the host's pools. The hook takes one before configuring the NIC, gives it back when the
 * attach fails, and hands DHCP leases to the lease keeper when it succeeds.
 */

struct lease {
	enum df_addr_mode mode;
	bool held;
	int fd; /* DHCP client socket, -1 when none */
	struct dhcp_client client;
	struct dhcp_lease dhcp;
	struct pool_lease pool;
};

/* Who asks: the container and its NIC as it stands in the container. */
struct lease_who {
	const char *id;
	pid_t pid;
	const char *hostname;
	int ifindex;
	const unsigned char *mac;
};

/*
 * Take an address for @nic into @l. Fills @addr, and @gw when the source names a router.
 * Returns the lifetime the address should carry in seconds (0: permanent), or an error.
 */
int lease_acquire(struct lease *l, const struct df_nic *nic, const struct lease_who *w,
		  struct df_prefix *addr, struct df_addr *gw, bool *has_gw, struct df_err *e);

/* The address of @l answered ARP on the LAN: tell its source, and let go of it. */
void lease_refused(struct lease *l, const struct df_nic *nic, const struct lease_who *w);

/* Give the address back (the attach failed). */
void lease_return(struct lease *l, const struct df_nic *nic, const struct lease_who *w);

void lease_close(struct lease *l);

/* "dhcp", "pool:NAME" or "static", for the record of where an address came from. */
const char *lease_source(const struct df_nic *nic, char *buf, size_t size);

#endif
