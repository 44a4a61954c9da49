/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_IPV6_H
#define DF_IPV6_H

#include "nl.h"
#include "parse.h"

/*
 * IPv6 on a new interface: the kernel runs duplicate address detection itself; the hook tunes
 * its timing for the quick mode, asks for an unsolicited neighbour advertisement once an
 * address is valid, and waits for the outcome so that a duplicate is reported, not ignored.
 * The per-interface sysctls are written through /proc/sys/net, which shows the namespace of
 * the process that opens it: call these after entering the container's namespace.
 */

struct ipv6_tuning {
	char ifname[IFNAMSIZ];
	char retrans[16];  /* neigh retrans_time_ms before the quick mode changed it */
	char rs_delay[16]; /* router_solicitation_delay, likewise */
	bool changed;
};

/*
 * Enable IPv6 on @ifname with DAD on, whatever the namespace's defaults say, and ask for an
 * unsolicited NA when an address becomes valid. Quick: no start delay, 50 ms for an answer.
 * Off: no probes at all, yet the kernel still completes DAD, and so still announces.
 */
int ipv6_prepare(const char *ifname, enum df_dad mode, struct ipv6_tuning *t, struct df_err *e);

/* Put back the neighbour timing ipv6_prepare() changed. */
void ipv6_restore(struct ipv6_tuning *t);

/*
 * Wait until none of the @n addresses on link @index is tentative; with dad=off there is
 * nothing to wait for. A failed DAD is -EADDRINUSE naming the address.
 */
int ipv6_wait_dad(struct nl *nl, int index, const struct df_prefix *addrs, unsigned int n,
		  enum df_dad mode, struct df_err *e);

#endif
