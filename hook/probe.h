/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_PROBE_H
#define DF_PROBE_H

#include "err.h"
#include "parse.h"

/*
 * IPv4 address conflict detection and announcement on one interface, in the spirit of
 * RFC 5227, over a packet socket opened in the caller's current network namespace.
 */

struct arp_port {
	int fd;
	int ifindex;
	unsigned char mac[6];
};

/* Open an ARP packet socket on interface @ifindex, whose own MAC is @mac. */
int arp_open(struct arp_port *p, int ifindex, const unsigned char mac[6], struct df_err *e);
void arp_close(struct arp_port *p);
/*
 * The same, with the last reference closed by a child of its own: the kernel's release of a
 * packet socket waits for an RCU grace period (~10 ms here), which the caller then does not.
 * The child holds nothing else and ends on its own; whoever inherits it reaps it.
 */
void arp_close_behind(struct arp_port *p);

/*
 * Probe for each of the @n IPv4 addresses @addrs, with the timing of @mode (quick: three
 * probes in 20 ms, done at 30 ms; strict: RFC 5227's PROBE_WAIT, PROBE_NUM, PROBE_MIN/MAX and
 * ANNOUNCE_WAIT). Any other host that answers for one of them, or probes for it at the same
 * time, is a conflict: -EADDRINUSE with a message naming the address and the holder's MAC.
 */
int arp_probe(struct arp_port *p, const struct df_addr *addrs, unsigned int n, enum df_dad mode,
	      struct df_err *e);

/* Announce the @n addresses with gratuitous ARP, so neighbours learn the new MAC at once. */
int arp_announce(struct arp_port *p, const struct df_addr *addrs, unsigned int n, struct df_err *e);

#endif
