// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcp.h"

/* The fixed BOOTP part of every message, then the magic cookie, then options. */
#define BOOTP_FIXED 236
#define OPTIONS_AT  (BOOTP_FIXED + 4)

enum {
	OPT_PAD = 0,
	OPT_MASK = 1,
	OPT_ROUTER = 3,
	OPT_HOSTNAME = 12,
	OPT_REQUESTED = 50,
	OPT_LEASE = 51,
	OPT_TYPE = 53,
	OPT_SERVER_ID = 54,
	OPT_PARAMS = 55,
	OPT_T1 = 58,
	OPT_T2 = 59,
	OPT_CLIENT_ID = 61,
	OPT_END = 255,
};

static const uint8_t magic[4] = {99, 130, 83, 99};

static size_t put_opt(uint8_t *buf, size_t at, uint8_t code, const void *data, size_t len)
{
	buf[at] = code;
	buf[at + 1] = (uint8_t)len;
	memcpy(buf + at + 2, data, len);
	return at + 2 + len;
}

size_t dhcp_build(uint8_t *buf, const struct dhcp_client *c, enum dhcp_type type, uint32_t ciaddr,
		  uint32_t requested, uint32_t server_id)
{
	static const uint8_t params[] = {OPT_MASK,	OPT_ROUTER, OPT_LEASE,
					 OPT_SERVER_ID, OPT_T1,	    OPT_T2};
	uint8_t t = (uint8_t)type;
	uint32_t xid = htonl(c->xid);
	size_t at = OPTIONS_AT;

	memset(buf, 0, DHCP_MSG_MAX);
	buf[0] = 1; /* BOOTREQUEST */
	buf[1] = 1; /* Ethernet */
	buf[2] = 6;
	memcpy(buf + 4, &xid, 4);
	/* Replies broadcast: before it has an address the client cannot take unicast. */
	if (!ciaddr)
		buf[10] = 0x80;
	memcpy(buf + 12, &ciaddr, 4);
	memcpy(buf + 28, c->mac, 6);
	memcpy(buf + BOOTP_FIXED, magic, 4);

	at = put_opt(buf, at, OPT_TYPE, &t, 1);
	at = put_opt(buf, at, OPT_CLIENT_ID, c->client_id, c->client_id_len);
	if (requested)
		at = put_opt(buf, at, OPT_REQUESTED, &requested, 4);
	if (server_id)
		at = put_opt(buf, at, OPT_SERVER_ID, &server_id, 4);
	if (type == DHCP_DISCOVER || type == DHCP_REQUEST) {
		if (c->hostname[0])
			at = put_opt(buf, at, OPT_HOSTNAME, c->hostname, strlen(c->hostname));
		at = put_opt(buf, at, OPT_PARAMS, params, sizeof(params));
	}
	buf[at++] = OPT_END;
	/* Some servers ignore messages shorter than a BOOTP packet (300 bytes). */
	return at < 300 ? 300 : at;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Take one option into @r. Options of the wrong length are refused, not guessed at. */
static int take_opt(uint8_t code, const uint8_t *v, uint8_t len, struct dhcp_reply *r,
		    struct df_err *e)
{
	uint32_t *dst = NULL;
	bool host_order = false;

	switch (code) {
	case OPT_TYPE:
		if (len != 1)
			return df_invalid(e, "DHCP: bad message type option");
		r->type = (enum dhcp_type)v[0];
		return 0;
	case OPT_MASK:
		dst = &r->mask;
		break;
	case OPT_ROUTER:
		/* A list of routers: the first is the one to use. */
		if (len < 4 || len % 4)
			return df_invalid(e, "DHCP: bad router option");
		if (!r->router)
			r->router = get32(v);
		return 0;
	case OPT_SERVER_ID:
		dst = &r->server_id;
		break;
	case OPT_LEASE:
		dst = &r->lease, host_order = true;
		break;
	case OPT_T1:
		dst = &r->t1, host_order = true;
		break;
	case OPT_T2:
		dst = &r->t2, host_order = true;
		break;
	default:
		return 0;
	}
	if (len != 4)
		return df_invalid(e, "DHCP: option %u has length %u, not 4", code, len);
	*dst = host_order ? ntohl(get32(v)) : get32(v);
	return 0;
}

static int parse_options(const uint8_t *p, size_t len, struct dhcp_reply *r, struct df_err *e)
{
	size_t at = 0;

	while (at < len) {
		uint8_t code = p[at++], olen;
		int ret;

		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return 0;
		if (at >= len || at + 1 + p[at] > len)
			return df_invalid(e, "DHCP: option %u runs past the end", code);
		olen = p[at++];
		ret = take_opt(code, p + at, olen, r, e);
		if (ret < 0)
			return ret;
		at += olen;
	}
	return df_invalid(e, "DHCP: options have no end");
}

/* The offered address must be one a host may hold in its subnet; the router a unicast one. */
static int check_addresses(const struct dhcp_reply *r, struct df_err *e)
{
	char text[DF_PREFIX_STRLEN];
	struct df_prefix p;
	struct df_addr a;
	struct in_addr in = {r->yiaddr};

	snprintf(text, sizeof(text), "%s/%d", inet_ntoa(in), r->mask ? dhcp_mask_len(r->mask) : 24);
	if (parse_host_prefix(text, &p, e) < 0)
		return df_err_prefix(e, "DHCP: offered");
	if (!r->router)
		return 0;
	in.s_addr = r->router;
	if (parse_gateway(inet_ntoa(in), &a, e) < 0)
		return df_err_prefix(e, "DHCP: router");
	return 0;
}

static int check_reply(const struct dhcp_reply *r, struct df_err *e)
{
	if (r->type != DHCP_OFFER && r->type != DHCP_ACK && r->type != DHCP_NAK)
		return df_invalid(e, "DHCP: unexpected message type %d", (int)r->type);
	if (r->type == DHCP_NAK)
		return 0;
	if (!r->yiaddr || !r->server_id || !r->lease)
		return df_invalid(e, "DHCP: reply without address, server or lease time");
	if (r->mask && dhcp_mask_len(r->mask) <= 0)
		return df_invalid(e, "DHCP: netmask is not contiguous");
	return check_addresses(r, e);
}

int dhcp_parse(const uint8_t *buf, size_t len, const struct dhcp_client *c, struct dhcp_reply *r,
	       struct df_err *e)
{
	int ret;

	memset(r, 0, sizeof(*r));
	if (len < OPTIONS_AT)
		return df_invalid(e, "DHCP: message too short (%zu bytes)", len);
	if (buf[0] != 2 || buf[1] != 1 || buf[2] != 6)
		return df_invalid(e, "DHCP: not a BOOTREPLY for Ethernet");
	if (ntohl(get32(buf + 4)) != c->xid || memcmp(buf + 28, c->mac, 6))
		return df_invalid(e, "DHCP: reply for another client");
	if (memcmp(buf + BOOTP_FIXED, magic, 4))
		return df_invalid(e, "DHCP: no magic cookie");
	r->yiaddr = get32(buf + 16);
	ret = parse_options(buf + OPTIONS_AT, len - OPTIONS_AT, r, e);
	if (ret < 0)
		return ret;
	return check_reply(r, e);
}

int dhcp_mask_len(uint32_t mask)
{
	uint32_t m = ntohl(mask);
	int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	if (n < 32 && (m << n))
		return -1;
	return n;
}
