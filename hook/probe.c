// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/if_ether.h>

#include "log.h"
#include "probe.h"
#include "util.h"

#define PROBES 3

/* When to send each probe and when to stop listening, in ms from the start. */
struct schedule {
	long send[PROBES];
	long end;
};

/* A uniformly spread delay in [lo, hi) ms. */
static long random_ms(long lo, long hi)
{
	unsigned int r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (unsigned int)df_now_ms();
	return lo + (long)(r % (unsigned int)(hi - lo));
}

static void make_schedule(enum df_dad mode, struct schedule *s)
{
	if (mode == DF_DAD_STRICT) {
		/* RFC 5227: PROBE_WAIT 1 s, PROBE_MIN 1 s, PROBE_MAX 2 s, ANNOUNCE_WAIT 2 s. */
		s->send[0] = random_ms(0, 1000);
		for (int i = 1; i < PROBES; i++)
			s->send[i] = s->send[i - 1] + random_ms(1000, 2000);
		s->end = s->send[PROBES - 1] + 2000;
		return;
	}
	/*
	 * Hosts on a LAN answer ARP within a millisecond or two, a busy one within a few: every
	 * probe has 10 ms or more for its answer, the first 30 ms, and three tries cover a loss.
	 */
	for (int i = 0; i < PROBES; i++)
		s->send[i] = 10L * i;
	s->end = 30;
}

int arp_open(struct arp_port *p, int ifindex, const unsigned char mac[6], struct df_err *e)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = ifindex,
	};

	/*
	 * Protocol 0 at creation, ETH_P_ARP at bind: a socket made with a protocol is already
	 * receiving, and binding it must then wait for an RCU grace period to unhook it.
	 */
	p->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (p->fd < 0)
		return df_fail(e, errno, "open ARP socket");
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int err = errno;

		arp_close(p);
		return df_fail(e, err, "bind ARP socket");
	}
	p->ifindex = ifindex;
	memcpy(p->mac, mac, 6);
	return 0;
}

void arp_close(struct arp_port *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

void arp_close_behind(struct arp_port *p)
{
	if (p->fd >= 0 && fork() == 0) {
		/* Nothing else of the hook's: no runtime waits on a pipe this child holds. */
		close_range(0, (unsigned int)p->fd - 1, 0);
		close_range((unsigned int)p->fd + 1, ~0U, 0);
		close(p->fd);
		_exit(0);
	}
	arp_close(p);
}

/* Broadcast an ARP request: a probe (@sender 0.0.0.0) or an announcement (@sender @target). */
static int arp_send(struct arp_port *p, const unsigned char sender[4],
		    const unsigned char target[4])
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = p->ifindex,
		.sll_halen = ETH_ALEN,
	};
	struct ether_arp req = {0};

	memset(to.sll_addr, 0xff, ETH_ALEN);
	req.arp_hrd = htons(ARPHRD_ETHER);
	req.arp_pro = htons(ETHERTYPE_IP);
	req.arp_hln = ETH_ALEN;
	req.arp_pln = 4;
	req.arp_op = htons(ARPOP_REQUEST);
	memcpy(req.arp_sha, p->mac, ETH_ALEN);
	memcpy(req.arp_spa, sender, 4);
	memcpy(req.arp_tpa, target, 4);
	if (sendto(p->fd, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

/*
 * Does ARP packet @a say another host holds or wants one of @addrs? Returns its index or -1.
 * A holder answers (or announces) with the address as sender; a host probing for the same
 * address at the same moment sends 0.0.0.0 as sender and the address as target.
 */
static int arp_conflict(const struct arp_port *p, const struct ether_arp *a,
			const struct df_addr *addrs, unsigned int n)
{
	static const unsigned char zero[4];
	bool probe = ntohs(a->arp_op) == ARPOP_REQUEST && !memcmp(a->arp_spa, zero, 4);

	if (ntohs(a->arp_hrd) != ARPHRD_ETHER || ntohs(a->arp_pro) != ETHERTYPE_IP ||
	    a->arp_hln != ETH_ALEN || a->arp_pln != 4)
		return -1;
	/*
	 * A probe from our own MAC is one of ours reflected by the LAN (VEPA, hairpin). An
	 * answer from our own MAC is not: a machine of the same name on another host has the
	 * same stable MAC, and it holds the address.
	 */
	if (probe && !memcmp(a->arp_sha, p->mac, ETH_ALEN))
		return -1;
	for (unsigned int i = 0; i < n; i++) {
		if (!memcmp(a->arp_spa, addrs[i].bytes, 4))
			return (int)i;
		if (probe && !memcmp(a->arp_tpa, addrs[i].bytes, 4))
			return (int)i;
	}
	return -1;
}

/* Read what arrived; a conflict is reported in @e. */
static int arp_read(struct arp_port *p, const struct df_addr *addrs, unsigned int n,
		    struct df_err *e)
{
	struct ether_arp a;
	struct sockaddr_ll from = {0};
	socklen_t fromlen = sizeof(from);
	char text[DF_ADDR_STRLEN];
	ssize_t len;
	int i;

	len = recvfrom(p->fd, &a, sizeof(a), MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
	if (len < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : df_fail(e, errno, "read ARP");
	/* Packet sockets see what the interface sends too: not an answer. */
	if ((size_t)len < sizeof(a) || from.sll_pkttype == PACKET_OUTGOING)
		return 0;
	i = arp_conflict(p, &a, addrs, n);
	if (i < 0)
		return 0;
	return df_fail(e, EADDRINUSE,
		       "address %s is already used on the LAN by %02x:%02x:%02x:%02x:%02x:%02x",
		       addr_str(&addrs[i], text), a.arp_sha[0], a.arp_sha[1], a.arp_sha[2],
		       a.arp_sha[3], a.arp_sha[4], a.arp_sha[5]);
}

int arp_probe(struct arp_port *p, const struct df_addr *addrs, unsigned int n, enum df_dad mode,
	      struct df_err *e)
{
	static const unsigned char any[4];
	struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
	struct schedule s;
	long start = df_now_ms();
	int sent = 0;

	if (!n || mode == DF_DAD_OFF)
		return 0;
	make_schedule(mode, &s);
	for (;;) {
		long t = df_now_ms() - start, next = sent < PROBES ? s.send[sent] : s.end;
		int r;

		if (sent < PROBES && t >= next) {
			for (unsigned int i = 0; i < n; i++) {
				r = arp_send(p, any, addrs[i].bytes);
				if (r < 0)
					return df_fail(e, -r, "send ARP probe");
			}
			sent++;
			continue;
		}
		if (sent == PROBES && t >= s.end)
			break;
		r = poll(&pfd, 1, (int)(next - t));
		if (r < 0 && errno != EINTR)
			return df_fail(e, errno, "wait for ARP");
		if (r > 0) {
			r = arp_read(p, addrs, n, e);
			if (r < 0)
				return r;
		}
	}
	log_debug("ARP probe (%s) found no other holder in %ld ms", dad_name(mode),
		  df_now_ms() - start);
	return 0;
}

int arp_announce(struct arp_port *p, const struct df_addr *addrs, unsigned int n, struct df_err *e)
{
	char text[DF_ADDR_STRLEN];

	for (unsigned int i = 0; i < n; i++) {
		int r = arp_send(p, addrs[i].bytes, addrs[i].bytes);

		if (r < 0)
			return df_fail(e, -r, "announce %s", addr_str(&addrs[i], text));
	}
	return 0;
}
