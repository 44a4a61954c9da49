// SPDX-License-Identifier: BSD-2-Clause
/* DHCPv4 messages: what the client sends, and which replies it takes. */
#include <arpa/inet.h>

#include "unit.h"
#include "dhcp.h"

static const struct dhcp_client client = {
	.xid = 0x3903f326,
	.mac = {0x02, 0x42, 0x0a, 0x00, 0x00, 0x01},
	.client_id = {0x01, 0x02, 0x42, 0x0a, 0x00, 0x00, 0x01},
	.client_id_len = 7,
	.hostname = "web1",
};

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* A server's reply to @client: fixed part, cookie, then @opts (@n bytes, END not included). */
static size_t reply(uint8_t *buf, const uint8_t *opts, size_t n)
{
	uint32_t xid = htonl(client.xid), yi = ip("198.18.0.57");

	memset(buf, 0, DHCP_MSG_MAX);
	buf[0] = 2;
	buf[1] = 1;
	buf[2] = 6;
	memcpy(buf + 4, &xid, 4);
	memcpy(buf + 16, &yi, 4);
	memcpy(buf + 28, client.mac, 6);
	memcpy(buf + 236, "\x63\x82\x53\x63", 4);
	memcpy(buf + 240, opts, n);
	buf[240 + n] = 255;
	return 300;
}

/* OFFER: type, server id, lease 86400, mask /24, two routers, T1, T2, DNS (ignored). */
static const uint8_t offer_opts[] = {
	53,  1,	   2,	 54, 4, 198, 18,  0,	1,    51, 4,   0,   1,	0x51, 0x80, 1, 4,
	255, 255,  255,	 0,  3, 8,   198, 18,	0,    1,  198, 18,  0,	2,    58,   4, 0,
	0,   0xa8, 0xc0, 59, 4, 0,   1,	  0x27, 0x50, 6,  4,   198, 18, 0,    1,    0, 0,
};

static int parse(const uint8_t *buf, size_t len, struct dhcp_reply *r, struct df_err *e)
{
	memset(e, 0, sizeof(*e));
	return dhcp_parse(buf, len, &client, r, e);
}

static void test_offer(void **state)
{
	uint8_t buf[DHCP_MSG_MAX];
	struct dhcp_reply r;
	struct df_err e;
	size_t len = reply(buf, offer_opts, sizeof(offer_opts));

	assert_ok(parse(buf, len, &r, &e), &e);
	assert_int_equal(r.type, DHCP_OFFER);
	assert_int_equal(r.yiaddr, ip("198.18.0.57"));
	assert_int_equal(r.server_id, ip("198.18.0.1"));
	assert_int_equal(r.mask, ip("255.255.255.0"));
	assert_int_equal(r.router, ip("198.18.0.1"));
	assert_int_equal(r.lease, 86400);
	assert_int_equal(r.t1, 43200);
	assert_int_equal(r.t2, 75600);
}

static void test_ack_nak(void **state)
{
	static const uint8_t ack[] = {53, 1, 5, 54, 4, 198, 18, 0, 1, 51, 4, 0, 0, 0x0e, 0x10};
	static const uint8_t nak[] = {53, 1, 6, 54, 4, 198, 18, 0, 1};
	uint8_t buf[DHCP_MSG_MAX];
	struct dhcp_reply r;
	struct df_err e;
	size_t len;

	len = reply(buf, ack, sizeof(ack));
	assert_ok(parse(buf, len, &r, &e), &e);
	assert_int_equal(r.type, DHCP_ACK);
	assert_int_equal(r.lease, 3600);
	assert_int_equal(r.mask, 0);
	assert_int_equal(r.router, 0);
	assert_int_equal(r.t1, 0);

	len = reply(buf, nak, sizeof(nak));
	assert_ok(parse(buf, len, &r, &e), &e);
	assert_int_equal(r.type, DHCP_NAK);
}

static void test_not_ours(void **state)
{
	uint8_t buf[DHCP_MSG_MAX];
	struct dhcp_reply r;
	struct df_err e;
	size_t len = reply(buf, offer_opts, sizeof(offer_opts));

	assert_refused_msg(parse(buf, 239, &r, &e), &e, "DHCP: message too short (239 bytes)");
	buf[0] = 1;
	assert_refused_msg(parse(buf, len, &r, &e), &e, "DHCP: not a BOOTREPLY for Ethernet");
	buf[0] = 2;
	buf[2] = 8;
	assert_refused(parse(buf, len, &r, &e), &e, "not a BOOTREPLY for Ethernet");
	buf[2] = 6;
	buf[7] ^= 1;
	assert_refused_msg(parse(buf, len, &r, &e), &e, "DHCP: reply for another client");
	buf[7] ^= 1;
	buf[33] ^= 1;
	assert_refused(parse(buf, len, &r, &e), &e, "reply for another client");
	buf[33] ^= 1;
	buf[239] = 0;
	assert_refused_msg(parse(buf, len, &r, &e), &e, "DHCP: no magic cookie");
	buf[239] = 0x63;
	assert_ok(parse(buf, len, &r, &e), &e);
}

static void test_bad_options(void **state)
{
	static const uint8_t no_type[] = {54, 4, 198, 18, 0, 1, 51, 4, 0, 0, 0x0e, 0x10};
	static const uint8_t request[] = {53, 1, 3, 54, 4, 198, 18, 0, 1, 51, 4, 0, 0, 0x0e, 0x10};
	static const uint8_t type_len[] = {53, 2, 2, 0};
	static const uint8_t lease_len[] = {53, 1, 2, 54, 4, 198, 18, 0, 1, 51, 2, 0, 1};
	static const uint8_t router_len[] = {53, 1, 2, 3, 6, 198, 18, 0, 1, 0, 0};
	static const uint8_t no_server[] = {53, 1, 2, 51, 4, 0, 0, 0x0e, 0x10};
	static const uint8_t no_lease[] = {53, 1, 5, 54, 4, 198, 18, 0, 1};
	static const uint8_t holey_mask[] = {53, 1, 2,	  54,	4, 198, 18,  0, 1,   51, 4,
					     0,	 0, 0x0e, 0x10, 1, 4,	255, 0, 255, 0};
	uint8_t buf[DHCP_MSG_MAX];
	struct dhcp_reply r;
	struct df_err e;
	size_t len;

	len = reply(buf, no_type, sizeof(no_type));
	assert_refused_msg(parse(buf, len, &r, &e), &e, "DHCP: unexpected message type 0");
	len = reply(buf, request, sizeof(request));
	assert_refused_msg(parse(buf, len, &r, &e), &e, "DHCP: unexpected message type 3");
	len = reply(buf, type_len, sizeof(type_len));
	assert_refused_msg(parse(buf, len, &r, &e), &e, "DHCP: bad message type option");
	len = reply(buf, lease_len, sizeof(lease_len));
	assert_refused_msg(parse(buf, len, &r, &e), &e, "DHCP: option 51 has length 2, not 4");
	len = reply(buf, router_len, sizeof(router_len));
	assert_refused_msg(parse(buf, len, &r, &e), &e, "DHCP: bad router option");
	len = reply(buf, no_server, sizeof(no_server));
	assert_refused_msg(parse(buf, len, &r, &e), &e,
			   "DHCP: reply without address, server or lease time");
	len = reply(buf, no_lease, sizeof(no_lease));
	assert_refused(parse(buf, len, &r, &e), &e, "without address, server or lease time");
	len = reply(buf, holey_mask, sizeof(holey_mask));
	assert_refused_msg(parse(buf, len, &r, &e), &e, "DHCP: netmask is not contiguous");
}

/* Lengths running past the message, and options without END, never read beyond it. */
static void test_truncated_options(void **state)
{
	static const uint8_t opts[] = {53, 1, 2, 54, 4, 198, 18, 0, 1, 51, 4, 0, 0, 0x0e, 0x10};
	uint8_t *buf = malloc(DHCP_MSG_MAX);
	struct dhcp_reply r;
	struct df_err e;
	size_t end = 240 + sizeof(opts);

	reply(buf, opts, sizeof(opts));
	/* Cut right after the last option: no END. */
	assert_refused_msg(parse(buf, end, &r, &e), &e, "DHCP: options have no end");
	/* Cut inside the lease option's value, and between its code and length. */
	assert_refused_msg(parse(buf, end - 1, &r, &e), &e, "DHCP: option 51 runs past the end");
	assert_refused(parse(buf, end - 5, &r, &e), &e, "option 51 runs past the end");
	/* A length byte pointing far beyond. */
	buf[240 + 10] = 200;
	assert_refused(parse(buf, 300, &r, &e), &e, "option 51 runs past the end");
	/* Only pads to the end. */
	memset(buf + 240, 0, DHCP_MSG_MAX - 240);
	assert_refused(parse(buf, 300, &r, &e), &e, "options have no end");
	free(buf);
}

/*
 * Anyone on the LAN can answer: an address no host may hold (loopback, multicast, the
 * broadcast address, the subnet's own network or broadcast address) is refused like the same
 * address given by hand, not put on the NIC.
 */
static void test_unusable_address(void **state)
{
	static const char *const bad[] = {"127.0.0.1", "224.0.0.5",  "255.255.255.255",
					  "240.0.0.1", "198.18.0.0", "198.18.0.255"};
	uint8_t buf[DHCP_MSG_MAX];
	struct dhcp_reply r;
	struct df_err e;
	size_t len;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t a = ip(bad[i]);

		len = reply(buf, offer_opts, sizeof(offer_opts));
		memcpy(buf + 16, &a, 4);
		memset(&e, 0, sizeof(e));
		if (parse(buf, len, &r, &e) != -EINVAL)
			fail_msg("an offer of %s (mask /24) is taken", bad[i]);
		if (!strstr(e.msg, bad[i]))
			fail_msg("refusal of %s reads '%s'", bad[i], e.msg);
	}
}

static void test_mask_len(void **state)
{
	assert_int_equal(dhcp_mask_len(ip("255.255.255.0")), 24);
	assert_int_equal(dhcp_mask_len(ip("255.255.255.255")), 32);
	assert_int_equal(dhcp_mask_len(ip("255.254.0.0")), 15);
	assert_int_equal(dhcp_mask_len(ip("128.0.0.0")), 1);
	assert_int_equal(dhcp_mask_len(0), 0);
	assert_int_equal(dhcp_mask_len(ip("255.0.255.0")), -1);
	assert_int_equal(dhcp_mask_len(ip("0.0.0.255")), -1);
	assert_int_equal(dhcp_mask_len(ip("255.255.255.254")), 31);
	assert_int_equal(dhcp_mask_len(ip("255.255.255.253")), -1);
}

/* Find option @code in a built message; returns its value or NULL. */
static const uint8_t *find_opt(const uint8_t *buf, size_t len, uint8_t code, uint8_t *olen)
{
	size_t at = 240;

	while (at + 1 < len && buf[at] != 255) {
		if (buf[at] == 0) {
			at++;
			continue;
		}
		if (buf[at] == code) {
			*olen = buf[at + 1];
			return buf + at + 2;
		}
		at += 2 + buf[at + 1];
	}
	return NULL;
}

static void test_build(void **state)
{
	uint8_t buf[DHCP_MSG_MAX], olen;
	const uint8_t *v;
	uint32_t xid;
	size_t len;

	len = dhcp_build(buf, &client, DHCP_DISCOVER, 0, 0, 0);
	assert_int_equal(len, 300);
	assert_int_equal(buf[0], 1);
	assert_int_equal(buf[1], 1);
	assert_int_equal(buf[2], 6);
	memcpy(&xid, buf + 4, 4);
	assert_int_equal(ntohl(xid), client.xid);
	assert_int_equal(buf[10], 0x80);
	assert_memory_equal(buf + 28, client.mac, 6);
	assert_memory_equal(buf + 236, "\x63\x82\x53\x63", 4);
	v = find_opt(buf, len, 53, &olen);
	assert_non_null(v);
	assert_int_equal(olen, 1);
	assert_int_equal(v[0], DHCP_DISCOVER);
	v = find_opt(buf, len, 61, &olen);
	assert_non_null(v);
	assert_int_equal(olen, 7);
	assert_memory_equal(v, client.client_id, 7);
	v = find_opt(buf, len, 12, &olen);
	assert_non_null(v);
	assert_int_equal(olen, 4);
	assert_memory_equal(v, "web1", 4);
	assert_non_null(find_opt(buf, len, 55, &olen));
	assert_null(find_opt(buf, len, 50, &olen));

	/* A renewal: from the leased address, unicast replies, no hostname or parameters. */
	len = dhcp_build(buf, &client, DHCP_RELEASE, ip("198.18.0.57"), 0, ip("198.18.0.1"));
	assert_int_equal(buf[10], 0);
	assert_memory_equal(buf + 12, "\xc6\x12\x00\x39", 4);
	v = find_opt(buf, len, 54, &olen);
	assert_non_null(v);
	assert_memory_equal(v, "\xc6\x12\x00\x01", 4);
	assert_null(find_opt(buf, len, 12, &olen));

	len = dhcp_build(buf, &client, DHCP_REQUEST, 0, ip("198.18.0.57"), ip("198.18.0.1"));
	v = find_opt(buf, len, 50, &olen);
	assert_non_null(v);
	assert_memory_equal(v, "\xc6\x12\x00\x39", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offer),
		cmocka_unit_test(test_ack_nak),
		cmocka_unit_test(test_not_ours),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_truncated_options),
		cmocka_unit_test(test_mask_len),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_unusable_address),
	};

	return cmocka_run_group_tests_name("dhcp", tests, NULL, NULL);
}
