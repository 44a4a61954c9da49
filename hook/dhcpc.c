// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "dhcpc.h"
#include "log.h"
#include "util.h"

#define CLIENT_PORT 68
#define SERVER_PORT 67

int dhcpc_open(const char *ifname, struct df_err *e)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(CLIENT_PORT)};
	_cleanup_fd_ int fd = -1;
	int on = 1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return df_fail(e, errno, "DHCP: open socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) < 0)
		return df_fail(e, errno, "DHCP: set socket options");
	/* Bound to the NIC, so that broadcasts leave through it even before it has an address. */
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		return df_fail(e, errno, "DHCP: bind socket to %s", ifname);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return df_fail(e, errno, "DHCP: bind port %d", CLIENT_PORT);
	return df_take_fd(&fd);
}

static int send_msg(int fd, const struct dhcp_client *c, enum dhcp_type type, uint32_t ciaddr,
		    uint32_t requested, uint32_t server_id, uint32_t to, struct df_err *e)
{
	uint8_t buf[DHCP_MSG_MAX];
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(SERVER_PORT)};
	size_t len = dhcp_build(buf, c, type, ciaddr, requested, server_id);

	sin.sin_addr.s_addr = to;
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return df_fail(e, errno, "DHCP: send");
	return 0;
}

/*
 * Wait until @deadline for a reply of a @want type (or a NAK) from @server (0: any). Returns
 * 1 with @r filled, 0 at the deadline, or an error. Replies for others are passed over.
 */
static int wait_reply(int fd, const struct dhcp_client *c, enum dhcp_type want, uint32_t server,
		      long deadline, struct dhcp_reply *r, struct df_err *e)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	uint8_t buf[DHCP_MSG_MAX];

	for (;;) {
		long left = deadline - df_now_ms();
		struct df_err ignored;
		ssize_t n;
		int p;

		if (left <= 0)
			return 0;
		p = poll(&pfd, 1, (int)left);
		if (p < 0 && errno != EINTR)
			return df_fail(e, errno, "DHCP: wait");
		if (p <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			continue;
		if (dhcp_parse(buf, (size_t)n, c, r, &ignored) < 0)
			continue;
		if (server && r->server_id && r->server_id != server)
			continue;
		if (r->type == want || r->type == DHCP_NAK)
			return 1;
	}
}

/*
 * Send a message and wait for its answer, sending again after 250 ms, then doubling, until
 * @deadline. Returns 1 with @r, 0 when nothing came.
 */
static int exchange(int fd, const struct dhcp_client *c, enum dhcp_type type, uint32_t ciaddr,
		    uint32_t requested, uint32_t server_id, uint32_t to, enum dhcp_type want,
		    long deadline, struct dhcp_reply *r, struct df_err *e)
{
	long wait = 250;

	while (df_now_ms() < deadline) {
		long until = df_now_ms() + wait;
		int got;

		if (until > deadline)
			until = deadline;
		got = send_msg(fd, c, type, ciaddr, requested, server_id, to, e);
		if (got == 0)
			got = wait_reply(fd, c, want, server_id, until, r, e);
		if (got != 0)
			return got;
		wait *= 2;
	}
	return 0;
}

static void lease_from(const struct dhcp_reply *r, struct dhcp_lease *l)
{
	int len = r->mask ? dhcp_mask_len(r->mask) : 24;

	memset(l, 0, sizeof(*l));
	l->addr.addr.family = AF_INET;
	memcpy(l->addr.addr.bytes, &r->yiaddr, 4);
	l->addr.len = (unsigned char)len;
	if (r->router) {
		l->router.family = AF_INET;
		memcpy(l->router.bytes, &r->router, 4);
		l->has_router = true;
	}
	l->server = r->server_id;
	l->lease = r->lease;
	/* RFC 2131 4.4.5: T1 half the lease, T2 seven eighths, unless the server says. */
	l->t1 = r->t1 && r->t1 < r->lease ? r->t1 : r->lease / 2;
	l->t2 = r->t2 && r->t2 < r->lease && r->t2 > l->t1 ? r->t2 : r->lease / 8 * 7;
}

int dhcpc_acquire(int fd, const struct dhcp_client *c, unsigned int timeout_ms,
		  struct dhcp_lease *l, struct df_err *e)
{
	long deadline = df_now_ms() + timeout_ms;
	struct dhcp_reply offer = {0}, ack = {0};
	int r;

	r = exchange(fd, c, DHCP_DISCOVER, 0, 0, 0, INADDR_BROADCAST, DHCP_OFFER, deadline, &offer,
		     e);
	if (r == 0)
		return df_fail(e, ETIMEDOUT, "DHCP: no server answered within %u ms", timeout_ms);
	if (r < 0)
		return r;
	if (offer.type == DHCP_NAK)
		return df_fail(e, ECONNREFUSED, "DHCP: server refused the discovery");

	r = exchange(fd, c, DHCP_REQUEST, 0, offer.yiaddr, offer.server_id, INADDR_BROADCAST,
		     DHCP_ACK, deadline, &ack, e);
	if (r == 0)
		return df_fail(e, ETIMEDOUT, "DHCP: no acknowledgement within %u ms", timeout_ms);
	if (r < 0)
		return r;
	if (ack.type == DHCP_NAK)
		return df_fail(e, ECONNREFUSED, "DHCP: server refused the request");
	lease_from(&ack, l);
	return 0;
}

int dhcpc_renew(int fd, const struct dhcp_client *c, bool rebind, unsigned int timeout_ms,
		struct dhcp_lease *l, struct df_err *e)
{
	long deadline = df_now_ms() + timeout_ms;
	uint32_t ciaddr, to;
	struct dhcp_reply ack = {0};
	int r;

	memcpy(&ciaddr, l->addr.addr.bytes, 4);
	to = rebind ? INADDR_BROADCAST : l->server;
	r = exchange(fd, c, DHCP_REQUEST, ciaddr, 0, 0, to, DHCP_ACK, deadline, &ack, e);
	if (r == 0)
		return df_fail(e, ETIMEDOUT, "DHCP: no answer to the %s",
			       rebind ? "rebinding" : "renewal");
	if (r < 0)
		return r;
	if (ack.type == DHCP_NAK)
		return df_fail(e, ECONNREFUSED, "DHCP: server refused the renewal");
	if (ack.yiaddr != ciaddr)
		return df_fail(e, EADDRNOTAVAIL, "DHCP: server moved the lease");
	lease_from(&ack, l);
	return 0;
}

int dhcpc_release(int fd, const struct dhcp_client *c, const struct dhcp_lease *l, struct df_err *e)
{
	uint32_t ciaddr;

	memcpy(&ciaddr, l->addr.addr.bytes, 4);
	return send_msg(fd, c, DHCP_RELEASE, ciaddr, 0, l->server, l->server, e);
}

int dhcpc_decline(int fd, const struct dhcp_client *c, const struct dhcp_lease *l, struct df_err *e)
{
	uint32_t addr;

	memcpy(&addr, l->addr.addr.bytes, 4);
	return send_msg(fd, c, DHCP_DECLINE, 0, addr, l->server, INADDR_BROADCAST, e);
}
