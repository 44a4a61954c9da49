/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_DHCP_H
#define DF_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "parse.h"

/*
 * DHCPv4 messages (RFC 2131, options RFC 2132): building a client's requests and reading a
 * server's replies. Pure functions over byte buffers; sockets live in dhcpc.c.
 */

enum dhcp_type {
	DHCP_DISCOVER = 1,
	DHCP_OFFER = 2,
	DHCP_REQUEST = 3,
	DHCP_DECLINE = 4,
	DHCP_ACK = 5,
	DHCP_NAK = 6,
	DHCP_RELEASE = 7,
};

#define DHCP_CLIENT_ID_MAX 255
#define DHCP_HOSTNAME_MAX  63
/* Large enough for any message this client sends and any reply it reads. */
#define DHCP_MSG_MAX 1500

/* Who the client is: the same on every message of one lease. */
struct dhcp_client {
	uint32_t xid;
	unsigned char mac[6];
	uint8_t client_id[DHCP_CLIENT_ID_MAX];
	size_t client_id_len;
	char hostname[DHCP_HOSTNAME_MAX + 1];
};

/* What a server's reply says; addresses in network byte order, times in seconds. */
struct dhcp_reply {
	enum dhcp_type type;
	uint32_t yiaddr;
	uint32_t server_id;
	uint32_t mask;
	uint32_t router; /* 0: none offered */
	uint32_t lease;
	uint32_t t1, t2; /* 0: not given; the client derives them */
};

/*
 * Build a client message of @type into @buf (DHCP_MSG_MAX bytes). @ciaddr is the client's
 * current address (renewal, release) or 0; @requested the address asked for (REQUEST in
 * SELECTING state, DECLINE) or 0; @server_id the server's identifier or 0. Returns the
 * message length.
 */
size_t dhcp_build(uint8_t *buf, const struct dhcp_client *c, enum dhcp_type type, uint32_t ciaddr,
		  uint32_t requested, uint32_t server_id);

/*
 * Read a server's reply of @len bytes meant for @c (transaction id and hardware address
 * must match). Returns 0 and fills @r, or -EINVAL with a message for anything malformed or
 * not ours. An OFFER or ACK must carry an address, a server identifier and a lease time.
 */
int dhcp_parse(const uint8_t *buf, size_t len, const struct dhcp_client *c, struct dhcp_reply *r,
	       struct df_err *e);

/* The prefix length of netmask @mask (network order), or -1 when it is not contiguous. */
int dhcp_mask_len(uint32_t mask);

#endif
