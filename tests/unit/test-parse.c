// SPDX-License-Identifier: BSD-2-Clause
/* The value parsers of parse.c: what each accepts exactly, and how each refusal reads. */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_link.h>

#include "unit.h"
#include "parse.h"

static void assert_addr_is(const struct df_addr *a, int family, const char *text)
{
	unsigned char want[16] = {0};

	assert_int_equal(a->family, family);
	assert_int_equal(inet_pton(family, text, want), 1);
	assert_memory_equal(a->bytes, want, sizeof(want));
}

/* ---- helpers on addresses ---------------------------------------------------------------- */

static void test_addr_helpers(void **state)
{
	struct df_err e;
	struct df_prefix net, p;
	struct df_addr a, b;
	char buf[DF_PREFIX_STRLEN];

	assert_int_equal(addr_size(AF_INET), 4);
	assert_int_equal(addr_size(AF_INET6), 16);

	assert_ok(parse_gateway("198.18.0.1", &a, &e), &e);
	assert_ok(parse_gateway("198.18.0.1", &b, &e), &e);
	assert_true(addr_equal(&a, &b));
	assert_ok(parse_gateway("198.18.0.2", &b, &e), &e);
	assert_false(addr_equal(&a, &b));
	/* Same leading bytes, other family: never equal. */
	assert_ok(parse_gateway("c612:1::", &b, &e), &e);
	assert_false(addr_equal(&a, &b));

	assert_ok(parse_host_prefix("198.18.0.10/24", &p, &e), &e);
	assert_ok(parse_host_prefix("198.18.0.10/25", &net, &e), &e);
	assert_false(prefix_equal(&p, &net));
	assert_ok(parse_host_prefix("198.18.0.10/24", &net, &e), &e);
	assert_true(prefix_equal(&p, &net));

	assert_string_equal(addr_str(&a, buf), "198.18.0.1");
	assert_string_equal(prefix_str(&p, buf), "198.18.0.10/24");
	assert_ok(parse_host_prefix("FD18:0:0::0010/64", &p, &e), &e);
	assert_string_equal(prefix_str(&p, buf), "fd18::10/64");
}

static void test_prefix_contains(void **state)
{
	struct df_err e;
	struct df_route net;
	struct df_addr a;

	assert_ok(parse_route("198.18.0.128/25", &net, &e), &e);
	assert_ok(parse_gateway("198.18.0.200", &a, &e), &e);
	assert_true(prefix_contains(&net.dst, &a));
	assert_ok(parse_gateway("198.18.0.127", &a, &e), &e);
	assert_false(prefix_contains(&net.dst, &a));
	assert_ok(parse_gateway("198.18.1.200", &a, &e), &e);
	assert_false(prefix_contains(&net.dst, &a));

	assert_ok(parse_route("198.18.0.7/32", &net, &e), &e);
	assert_ok(parse_gateway("198.18.0.7", &a, &e), &e);
	assert_true(prefix_contains(&net.dst, &a));
	assert_ok(parse_gateway("198.18.0.6", &a, &e), &e);
	assert_false(prefix_contains(&net.dst, &a));

	assert_ok(parse_route("fd18:1::/63", &net, &e), &e);
	assert_ok(parse_gateway("fd18:1:0:1::5", &a, &e), &e);
	assert_true(prefix_contains(&net.dst, &a));
	assert_ok(parse_gateway("fd18:1:0:2::5", &a, &e), &e);
	assert_false(prefix_contains(&net.dst, &a));
	/* An IPv4 address is never inside an IPv6 network, whatever its bytes. */
	assert_ok(parse_route("c612::/16", &net, &e), &e);
	assert_ok(parse_gateway("198.18.0.1", &a, &e), &e);
	assert_false(prefix_contains(&net.dst, &a));
}

/* ---- gateways ----------------------------------------------------------------------------- */

static void test_gateway_ok(void **state)
{
	struct df_err e;
	struct df_addr a;
	const unsigned char v4[4] = {198, 18, 0, 1};

	assert_ok(parse_gateway("198.18.0.1", &a, &e), &e);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.bytes, v4, 4);
	assert_ok(parse_gateway("fd18::1", &a, &e), &e);
	assert_addr_is(&a, AF_INET6, "fd18::1");
	assert_ok(parse_gateway("fe80::1", &a, &e), &e);
	assert_addr_is(&a, AF_INET6, "fe80::1");
}

static void test_gateway_refused(void **state)
{
	struct df_err e;
	struct df_addr a;

	assert_refused_msg(parse_gateway("198.18.0.1/24", &a, &e), &e,
			   "bad gateway address '198.18.0.1/24'");
	assert_refused_msg(parse_gateway("", &a, &e), &e, "bad gateway address ''");
	assert_refused(parse_gateway(" 198.18.0.1", &a, &e), &e, "bad gateway address");
	assert_refused(parse_gateway("198.18.0.1 ", &a, &e), &e, "bad gateway address");
	assert_refused(parse_gateway("198.18.0", &a, &e), &e, "bad gateway address");
	assert_refused(parse_gateway("198.18.0.256", &a, &e), &e, "bad gateway address");
	assert_refused(parse_gateway("198.18.0.1x", &a, &e), &e, "bad gateway address");
	assert_refused(parse_gateway("fd18::1::2", &a, &e), &e, "bad gateway address");
	assert_refused(parse_gateway("gateway", &a, &e), &e, "bad gateway address");
	assert_refused_msg(parse_gateway("0.0.0.0", &a, &e), &e,
			   "gateway '0.0.0.0' is a unspecified address");
	assert_refused(parse_gateway("::", &a, &e), &e, "unspecified");
	assert_refused(parse_gateway("127.0.0.1", &a, &e), &e, "loopback");
	assert_refused(parse_gateway("::1", &a, &e), &e, "loopback");
	assert_refused(parse_gateway("224.0.0.1", &a, &e), &e, "multicast");
	assert_refused(parse_gateway("239.255.255.255", &a, &e), &e, "multicast");
	assert_refused(parse_gateway("ff02::1", &a, &e), &e, "multicast");
	assert_refused(parse_gateway("240.0.0.1", &a, &e), &e, "reserved");
	assert_refused(parse_gateway("255.255.255.255", &a, &e), &e, "reserved");
	assert_refused(parse_gateway("::ffff:198.18.0.1", &a, &e), &e, "IPv4-mapped");
}

/* ---- interface addresses ------------------------------------------------------------------ */

static void test_host_prefix_ok(void **state)
{
	struct df_err e;
	struct df_prefix p;
	const unsigned char v4[4] = {198, 18, 0, 10};

	assert_ok(parse_host_prefix("198.18.0.10/24", &p, &e), &e);
	assert_int_equal(p.addr.family, AF_INET);
	assert_memory_equal(p.addr.bytes, v4, 4);
	assert_int_equal(p.len, 24);

	assert_ok(parse_host_prefix("fd18::10/64", &p, &e), &e);
	assert_addr_is(&p.addr, AF_INET6, "fd18::10");
	assert_int_equal(p.len, 64);

	/* IPv6 has no broadcast address: all ones in the host part is a usable address. */
	assert_ok(parse_host_prefix("fd18::ffff:ffff:ffff:ffff/64", &p, &e), &e);
	assert_ok(parse_host_prefix("fe80::10/64", &p, &e), &e);
	assert_ok(parse_host_prefix("198.18.0.1/1", &p, &e), &e);
	assert_int_equal(p.len, 1);
}

/* /31 and /32 (RFC 3021), /127 and /128 have no network or broadcast address to avoid. */
static void test_host_prefix_point_to_point(void **state)
{
	struct df_err e;
	struct df_prefix p;

	assert_ok(parse_host_prefix("198.18.0.0/31", &p, &e), &e);
	assert_int_equal(p.len, 31);
	assert_ok(parse_host_prefix("198.18.0.1/31", &p, &e), &e);
	assert_ok(parse_host_prefix("198.18.0.10/32", &p, &e), &e);
	assert_int_equal(p.len, 32);
	assert_ok(parse_host_prefix("198.18.0.255/32", &p, &e), &e);
	assert_ok(parse_host_prefix("fd18::/127", &p, &e), &e);
	assert_int_equal(p.len, 127);
	assert_ok(parse_host_prefix("fd18::1/127", &p, &e), &e);
	assert_ok(parse_host_prefix("fd18::/128", &p, &e), &e);
	assert_int_equal(p.len, 128);
	/* One bit wider, and the network address is refused again. */
	assert_refused(parse_host_prefix("198.18.0.0/30", &p, &e), &e, "network address");
	assert_refused(parse_host_prefix("198.18.0.3/30", &p, &e), &e, "broadcast address");
	assert_refused(parse_host_prefix("fd18::/126", &p, &e), &e, "network address");
}

static void test_host_prefix_network_broadcast(void **state)
{
	struct df_err e;
	struct df_prefix p;

	assert_refused_msg(parse_host_prefix("198.18.0.0/24", &p, &e), &e,
			   "address '198.18.0.0/24' is the network address of its subnet");
	assert_refused_msg(parse_host_prefix("198.18.0.255/24", &p, &e), &e,
			   "address '198.18.0.255/24' is the broadcast address of its subnet");
	assert_refused(parse_host_prefix("198.18.0.128/25", &p, &e), &e, "network address");
	assert_refused(parse_host_prefix("198.18.0.127/25", &p, &e), &e, "broadcast address");
	assert_refused(parse_host_prefix("198.19.255.255/15", &p, &e), &e, "broadcast address");
	assert_refused(parse_host_prefix("fd18::/64", &p, &e), &e, "network address");
	assert_ok(parse_host_prefix("198.18.0.1/24", &p, &e), &e);
	assert_ok(parse_host_prefix("198.18.0.254/24", &p, &e), &e);
}

static void test_host_prefix_lengths(void **state)
{
	struct df_err e;
	struct df_prefix p;

	assert_refused_msg(parse_host_prefix("198.18.0.10/33", &p, &e), &e,
			   "prefix length 33 too long in address '198.18.0.10/33'");
	assert_refused(parse_host_prefix("fd18::10/129", &p, &e), &e, "prefix length 129 too long");
	assert_refused(parse_host_prefix("198.18.0.10/999", &p, &e), &e, "too long");
	assert_refused_msg(parse_host_prefix("198.18.0.10/0", &p, &e), &e,
			   "address '198.18.0.10/0' has prefix length 0");
	assert_refused(parse_host_prefix("fd18::10/0", &p, &e), &e, "prefix length 0");
	assert_refused_msg(parse_host_prefix("198.18.0.10", &p, &e), &e,
			   "address '198.18.0.10' has no prefix length (write ADDR/LEN)");
	assert_refused_msg(parse_host_prefix("198.18.0.10/", &p, &e), &e,
			   "bad prefix length in address '198.18.0.10/'");
	assert_refused(parse_host_prefix("198.18.0.10/1024", &p, &e), &e, "bad prefix length");
	assert_refused(parse_host_prefix("198.18.0.10/-1", &p, &e), &e, "bad prefix length");
	assert_refused(parse_host_prefix("198.18.0.10/+24", &p, &e), &e, "bad prefix length");
	assert_refused(parse_host_prefix("198.18.0.10/0x8", &p, &e), &e, "bad prefix length");
	assert_refused(parse_host_prefix("198.18.0.10/ 8", &p, &e), &e, "bad prefix length");
}

static void test_host_prefix_garbage(void **state)
{
	struct df_err e;
	struct df_prefix p;
	char longaddr[200];

	assert_refused(parse_host_prefix("198.18.0.10/24x", &p, &e), &e, "bad prefix length");
	assert_refused(parse_host_prefix("198.18.0.10/24 ", &p, &e), &e, "bad prefix length");
	assert_refused(parse_host_prefix("198.18.0.10/24/24", &p, &e), &e, "bad prefix length");
	assert_refused(parse_host_prefix("198.18.0.10/2.4", &p, &e), &e, "bad prefix length");
	assert_refused_msg(parse_host_prefix("198.18.0.10x/24", &p, &e), &e,
			   "bad address '198.18.0.10x/24'");
	assert_refused(parse_host_prefix(" 198.18.0.10/24", &p, &e), &e, "bad address");
	assert_refused(parse_host_prefix("198.18.0.10 /24", &p, &e), &e, "bad address");
	assert_refused(parse_host_prefix("/24", &p, &e), &e, "bad address '/24'");
	assert_refused(parse_host_prefix("", &p, &e), &e, "no prefix length");
	assert_refused(parse_host_prefix("198.18.0/24", &p, &e), &e, "bad address");
	assert_refused(parse_host_prefix("198.18.0.10.1/24", &p, &e), &e, "bad address");
	assert_refused(parse_host_prefix("198.18.0.300/24", &p, &e), &e, "bad address");
	assert_refused(parse_host_prefix("fd18::10::1/64", &p, &e), &e, "bad address");
	assert_refused(parse_host_prefix("fd18::g/64", &p, &e), &e, "bad address");
	assert_refused(parse_host_prefix("198.18.0.10:80/24", &p, &e), &e, "bad address");
	assert_refused(parse_host_prefix("lan0/24", &p, &e), &e, "bad address");

	/* An address part longer than any address is refused, not cut to fit. */
	memset(longaddr, '1', sizeof(longaddr));
	memcpy(longaddr + 150, "/24", 4);
	assert_refused(parse_host_prefix(longaddr, &p, &e), &e, "bad address");
}

static void test_host_prefix_unusable(void **state)
{
	struct df_err e;
	struct df_prefix p;

	assert_refused_msg(parse_host_prefix("127.0.0.2/8", &p, &e), &e,
			   "address '127.0.0.2/8' is a loopback address");
	assert_refused(parse_host_prefix("0.0.0.0/8", &p, &e), &e, "unspecified");
	assert_refused(parse_host_prefix("224.0.0.5/24", &p, &e), &e, "multicast");
	assert_refused(parse_host_prefix("250.0.0.5/24", &p, &e), &e, "reserved");
	assert_refused(parse_host_prefix("::/64", &p, &e), &e, "unspecified");
	assert_refused(parse_host_prefix("::1/128", &p, &e), &e, "loopback");
	assert_refused(parse_host_prefix("ff05::2/64", &p, &e), &e, "multicast");
	assert_refused(parse_host_prefix("::ffff:198.18.0.10/120", &p, &e), &e, "IPv4-mapped");
}

/* ---- routes ------------------------------------------------------------------------------- */

static void test_route_ok(void **state)
{
	struct df_err e;
	struct df_route rt;
	const unsigned char dst[4] = {10, 0, 0, 0}, gw[4] = {198, 18, 0, 1};

	assert_ok(parse_route("10.0.0.0/8", &rt, &e), &e);
	assert_int_equal(rt.dst.addr.family, AF_INET);
	assert_memory_equal(rt.dst.addr.bytes, dst, 4);
	assert_int_equal(rt.dst.len, 8);
	assert_false(rt.has_via);

	assert_ok(parse_route("10.0.0.0/8 via 198.18.0.1", &rt, &e), &e);
	assert_memory_equal(rt.dst.addr.bytes, dst, 4);
	assert_int_equal(rt.dst.len, 8);
	assert_true(rt.has_via);
	assert_int_equal(rt.via.family, AF_INET);
	assert_memory_equal(rt.via.bytes, gw, 4);

	/* Blanks around and between the words, tabs included. */
	assert_ok(parse_route("  10.0.0.0/8 \t via\t198.18.0.1  ", &rt, &e), &e);
	assert_true(rt.has_via);
	assert_memory_equal(rt.via.bytes, gw, 4);

	assert_ok(parse_route("fd00::/8 via fd18::1", &rt, &e), &e);
	assert_addr_is(&rt.dst.addr, AF_INET6, "fd00::");
	assert_int_equal(rt.dst.len, 8);
	assert_addr_is(&rt.via, AF_INET6, "fd18::1");
	assert_ok(parse_route("fd00::/8 via fe80::1", &rt, &e), &e);
	assert_addr_is(&rt.via, AF_INET6, "fe80::1");

	/* Host routes. */
	assert_ok(parse_route("198.18.5.7/32", &rt, &e), &e);
	assert_int_equal(rt.dst.len, 32);
	assert_ok(parse_route("fd18:5::7/128 via fd18::1", &rt, &e), &e);
	assert_int_equal(rt.dst.len, 128);
}

static void test_route_refused(void **state)
{
	struct df_err e;
	struct df_route rt;

	assert_refused_msg(parse_route("10.0.0.1/8", &rt, &e), &e,
			   "route destination '10.0.0.1/8' has host bits set");
	assert_refused(parse_route("fd00::1/8 via fd18::1", &rt, &e), &e, "has host bits set");
	assert_refused(parse_route("198.18.0.128/24", &rt, &e), &e, "has host bits set");
	assert_refused_msg(parse_route("10.0.0.0/8 via fd18::1", &rt, &e), &e,
			   "route '10.0.0.0/8 via fd18::1' mixes IPv4 and IPv6");
	assert_refused(parse_route("fd00::/8 via 198.18.0.1", &rt, &e), &e, "mixes IPv4 and IPv6");
	assert_refused_msg(parse_route("10.0.0.0", &rt, &e), &e,
			   "route destination '10.0.0.0' has no prefix length (write ADDR/LEN)");
	assert_refused(parse_route("10.0.0.0/33", &rt, &e), &e, "prefix length 33 too long");
	assert_refused(parse_route("10.0.0.0/x", &rt, &e), &e, "bad prefix length");
	assert_refused_msg(parse_route("", &rt, &e), &e, "bad route '' (write DST/LEN [via GW])");
	assert_refused(parse_route(" \t ", &rt, &e), &e, "bad route");
	assert_refused_msg(parse_route("10.0.0.0/8 via", &rt, &e), &e,
			   "bad route '10.0.0.0/8 via' (write DST/LEN [via GW])");
	assert_refused(parse_route("10.0.0.0/8 dev lan0", &rt, &e), &e, "bad route");
	assert_refused(parse_route("10.0.0.0/8 VIA 198.18.0.1", &rt, &e), &e, "bad route");
	assert_refused(parse_route("10.0.0.0/8 via 198.18.0.1 x", &rt, &e), &e, "bad route");
	assert_refused_msg(parse_route("10.0.0.0/8 via 198.18.0.1/24", &rt, &e), &e,
			   "route '10.0.0.0/8 via 198.18.0.1/24': "
			   "bad gateway address '198.18.0.1/24'");
	assert_refused(parse_route("10.0.0.0/8 via 224.0.0.1", &rt, &e), &e,
		       "route '10.0.0.0/8 via 224.0.0.1': gateway '224.0.0.1' is a multicast");
	assert_refused(parse_route("10.0.0.0/8 via 0.0.0.0", &rt, &e), &e, "unspecified");
}

/*
 * Words too long for the parser's buffers are refused like any other word out of place; a
 * forgotten "via" must not turn the gateway into nothing.
 */
static void test_route_long_words(void **state)
{
	struct df_err e;
	struct df_route rt;

	assert_refused(parse_route("10.0.0.0/8 198.18.0.1", &rt, &e), &e, "bad route");
	assert_refused(parse_route("10.0.0.0/8 via 198.18.0.1 via", &rt, &e), &e, "bad route");
	assert_refused(parse_route("10.0.0.0/8 via 198.18.0.1 metric", &rt, &e), &e, "bad route");
	assert_refused(parse_route("10.0.0.0/8 via 198.18.0.1 onlink", &rt, &e), &e, "bad route");
	assert_refused(parse_route("10.0.0.0/8 protocol", &rt, &e), &e, "bad route");
	assert_refused(parse_route("10.0.0.0/8 via "
				   "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb",
				   &rt, &e),
		       &e, "bad route");
	assert_refused(
		parse_route("10.0.0.0/8111111111111111111111111111111111111111111111111", &rt, &e),
		&e, "bad route");
}

static void test_route_default_refused(void **state)
{
	struct df_err e;
	struct df_route rt;

	assert_refused_msg(parse_route("default via 198.18.0.1", &rt, &e), &e,
			   "route 'default via 198.18.0.1': set the default route with the "
			   "gateway key");
	assert_refused(parse_route("default", &rt, &e), &e, "with the gateway key");
	assert_refused(parse_route("0.0.0.0/0 via 198.18.0.1", &rt, &e), &e,
		       "with the gateway key");
	assert_refused(parse_route("0.0.0.0/0", &rt, &e), &e, "with the gateway key");
	assert_refused(parse_route("::/0 via fd18::1", &rt, &e), &e, "with the gateway key");
}

/* ---- MAC addresses ------------------------------------------------------------------------ */

static void test_mac_ok(void **state)
{
	struct df_err e;
	unsigned char mac[6];
	const unsigned char want1[6] = {0x02, 0, 0, 0, 0, 0x01};
	const unsigned char want2[6] = {0x02, 0xab, 0xcd, 0xef, 0x09, 0xfa};
	const unsigned char want3[6] = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x00};

	assert_ok(parse_mac("02:00:00:00:00:01", mac, &e), &e);
	assert_memory_equal(mac, want1, 6);
	assert_ok(parse_mac("02:AB:cd:Ef:09:fA", mac, &e), &e);
	assert_memory_equal(mac, want2, 6);
	/* A globally administered unicast MAC is the user's choice to make. */
	assert_ok(parse_mac("00:16:3e:00:00:00", mac, &e), &e);
	assert_memory_equal(mac, want3, 6);
}

static void test_mac_refused(void **state)
{
	struct df_err e;
	unsigned char mac[6];

	assert_refused_msg(parse_mac("01:00:5e:00:00:01", mac, &e), &e,
			   "MAC address '01:00:5e:00:00:01' is multicast");
	assert_refused(parse_mac("ff:ff:ff:ff:ff:ff", mac, &e), &e, "is multicast");
	assert_refused(parse_mac("03:00:00:00:00:01", mac, &e), &e, "is multicast");
	assert_refused_msg(parse_mac("00:00:00:00:00:00", mac, &e), &e,
			   "MAC address '00:00:00:00:00:00' is all zero");
	assert_refused_msg(parse_mac("02-00-00-00-00-01", mac, &e), &e,
			   "bad MAC address '02-00-00-00-00-01' (write xx:xx:xx:xx:xx:xx)");
	assert_refused(parse_mac("0200.0000.0001", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac("02:00:00:00:00:1", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac("02:00:00:00:00:011", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac("02:00:00:00:00:01:", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac("02:00:00:00:00:01 ", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac(" 02:00:00:00:00:01", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac("2:0:0:0:0:1", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac("02:00:00:00:00:0g", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac("02:00:00:00:0000:", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac("02:00:00:00:00:-1", mac, &e), &e, "bad MAC address");
	assert_refused(parse_mac("", mac, &e), &e, "bad MAC address ''");
}

/* ---- MTU, names, modes, switches ---------------------------------------------------------- */

static void test_mtu(void **state)
{
	struct df_err e;
	unsigned int mtu = 0;

	assert_ok(parse_mtu("68", &mtu, &e), &e);
	assert_int_equal(mtu, 68);
	assert_ok(parse_mtu("1500", &mtu, &e), &e);
	assert_int_equal(mtu, 1500);
	assert_ok(parse_mtu("9000", &mtu, &e), &e);
	assert_int_equal(mtu, 9000);
	assert_ok(parse_mtu("65535", &mtu, &e), &e);
	assert_int_equal(mtu, 65535);

	mtu = 1234;
	assert_refused_msg(parse_mtu("67", &mtu, &e), &e, "MTU 67 out of range (68..65535)");
	assert_int_equal(mtu, 1234);
	assert_refused_msg(parse_mtu("65536", &mtu, &e), &e, "MTU 65536 out of range (68..65535)");
	assert_refused(parse_mtu("99999", &mtu, &e), &e, "out of range");
	assert_refused(parse_mtu("0", &mtu, &e), &e, "out of range");
	assert_refused_msg(parse_mtu("", &mtu, &e), &e, "bad MTU '' (68..65535)");
	assert_refused(parse_mtu("100000", &mtu, &e), &e, "bad MTU '100000'");
	assert_refused(parse_mtu("4294968796", &mtu, &e), &e, "bad MTU");
	assert_refused(parse_mtu("-1500", &mtu, &e), &e, "bad MTU");
	assert_refused(parse_mtu("+1500", &mtu, &e), &e, "bad MTU");
	assert_refused(parse_mtu("1500 ", &mtu, &e), &e, "bad MTU");
	assert_refused(parse_mtu(" 1500", &mtu, &e), &e, "bad MTU");
	assert_refused(parse_mtu("1500b", &mtu, &e), &e, "bad MTU");
	assert_refused(parse_mtu("1e3", &mtu, &e), &e, "bad MTU");
	assert_refused(parse_mtu("0x5dc", &mtu, &e), &e, "bad MTU");
	assert_int_equal(mtu, 1234);
}

static void test_ifname(void **state)
{
	struct df_err e;
	char name[IFNAMSIZ];

	assert_ok(parse_ifname("lan0", name, &e), &e);
	assert_string_equal(name, "lan0");
	assert_ok(parse_ifname("a", name, &e), &e);
	assert_string_equal(name, "a");
	assert_ok(parse_ifname("A.b-c_9", name, &e), &e);
	assert_string_equal(name, "A.b-c_9");
	assert_ok(parse_ifname("abcdefghijklmno", name, &e), &e);
	assert_string_equal(name, "abcdefghijklmno");

	assert_refused_msg(parse_ifname("abcdefghijklmnop", name, &e), &e,
			   "bad interface name 'abcdefghijklmnop' (1 to 15 characters)");
	assert_refused_msg(parse_ifname("", name, &e), &e,
			   "bad interface name '' (1 to 15 characters)");
	assert_refused_msg(parse_ifname(".", name, &e), &e, "bad interface name '.'");
	assert_refused_msg(parse_ifname("..", name, &e), &e, "bad interface name '..'");
	assert_refused_msg(parse_ifname("a/b", name, &e), &e,
			   "bad interface name 'a/b' (letters, digits, '_', '.', '-')");
	assert_refused(parse_ifname("a b", name, &e), &e, "bad interface name");
	assert_refused(parse_ifname("eth0:1", name, &e), &e, "bad interface name");
	assert_refused(parse_ifname("lan0\n", name, &e), &e, "bad interface name");
	assert_refused(parse_ifname("lan\t0", name, &e), &e, "bad interface name");
	assert_refused(parse_ifname("lan%d", name, &e), &e, "bad interface name");
	assert_refused(parse_ifname("l\xc3\xa4n0", name, &e), &e, "bad interface name");
}

static void test_macvlan_mode(void **state)
{
	struct df_err e;
	uint32_t mode = 0;

	assert_ok(parse_macvlan_mode("bridge", &mode, &e), &e);
	assert_int_equal(mode, MACVLAN_MODE_BRIDGE);
	assert_ok(parse_macvlan_mode("private", &mode, &e), &e);
	assert_int_equal(mode, MACVLAN_MODE_PRIVATE);
	assert_ok(parse_macvlan_mode("vepa", &mode, &e), &e);
	assert_int_equal(mode, MACVLAN_MODE_VEPA);
	assert_ok(parse_macvlan_mode("passthru", &mode, &e), &e);
	assert_int_equal(mode, MACVLAN_MODE_PASSTHRU);

	assert_refused_msg(parse_macvlan_mode("source", &mode, &e), &e,
			   "bad macvlan mode 'source' (bridge, private, vepa, passthru)");
	assert_refused(parse_macvlan_mode("Bridge", &mode, &e), &e, "bad macvlan mode");
	assert_refused(parse_macvlan_mode("bridge ", &mode, &e), &e, "bad macvlan mode");
	assert_refused(parse_macvlan_mode("", &mode, &e), &e, "bad macvlan mode ''");
	assert_refused(parse_macvlan_mode("4", &mode, &e), &e, "bad macvlan mode");

	assert_string_equal(macvlan_mode_name(MACVLAN_MODE_BRIDGE), "bridge");
	assert_string_equal(macvlan_mode_name(MACVLAN_MODE_PRIVATE), "private");
	assert_string_equal(macvlan_mode_name(MACVLAN_MODE_VEPA), "vepa");
	assert_string_equal(macvlan_mode_name(MACVLAN_MODE_PASSTHRU), "passthru");
	assert_string_equal(macvlan_mode_name(MACVLAN_MODE_SOURCE), "?");
	assert_string_equal(macvlan_mode_name(0), "?");
}

static void test_bool(void **state)
{
	static const char *const yes[] = {"1", "on", "true", "yes"};
	static const char *const no[] = {"0", "off", "false", "no"};
	struct df_err e;
	bool b;

	for (int i = 0; i < 4; i++) {
		b = false;
		assert_ok(parse_bool(yes[i], &b, &e), &e);
		assert_true(b);
		b = true;
		assert_ok(parse_bool(no[i], &b, &e), &e);
		assert_false(b);
	}
	assert_refused_msg(parse_bool("2", &b, &e), &e, "bad switch '2' (on or off)");
	assert_refused(parse_bool("", &b, &e), &e, "bad switch ''");
	assert_refused(parse_bool("TRUE", &b, &e), &e, "bad switch");
	assert_refused(parse_bool("on ", &b, &e), &e, "bad switch");
	assert_refused(parse_bool("y", &b, &e), &e, "bad switch");
}

static void test_dad(void **state)
{
	struct df_err e;
	enum df_dad dad = DF_DAD_STRICT;

	assert_ok(parse_dad("quick", &dad, &e), &e);
	assert_int_equal(dad, DF_DAD_QUICK);
	assert_ok(parse_dad("off", &dad, &e), &e);
	assert_int_equal(dad, DF_DAD_OFF);
	assert_ok(parse_dad("strict", &dad, &e), &e);
	assert_int_equal(dad, DF_DAD_STRICT);
	assert_refused_msg(parse_dad("on", &dad, &e), &e,
			   "bad conflict detection mode 'on' (off, quick, strict)");
	assert_refused(parse_dad("", &dad, &e), &e, "bad conflict detection mode ''");
	assert_refused(parse_dad("Quick", &dad, &e), &e, "bad conflict detection mode");
	assert_refused(parse_dad("quick ", &dad, &e), &e, "bad conflict detection mode");
	assert_int_equal(dad, DF_DAD_STRICT);

	assert_string_equal(dad_name(DF_DAD_QUICK), "quick");
	assert_string_equal(dad_name(DF_DAD_OFF), "off");
	assert_string_equal(dad_name(DF_DAD_STRICT), "strict");
	assert_string_equal(dad_name((enum df_dad)3), "?");
	assert_string_equal(dad_name((enum df_dad) - 1), "?");
}

/*
 * Known answers, worked out apart from the code: the MAC of a name must never change between
 * versions, or DHCP reservations and port security break on upgrade.
 */
static void test_mac_stable(void **state)
{
	static const struct {
		const char *host, *ifname;
		unsigned char mac[6];
	} known[] = {
		{"web1", "lan0", {0x56, 0x4a, 0xd8, 0x13, 0xd4, 0x06}},
		{"web1", "lan1", {0x7e, 0x2d, 0xdb, 0x13, 0xd4, 0x6c}},
		{"web2", "lan0", {0xde, 0x0c, 0x3a, 0xa8, 0x78, 0xff}},
		{"ab", "c", {0xb6, 0x9a, 0xba, 0x03, 0x47, 0xcf}},
		{"a", "bc", {0x7e, 0x5a, 0xa6, 0xca, 0x54, 0xe4}},
	};
	struct df_err e;
	unsigned char mac[6], again[6];
	char text[18];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		mac_stable(known[i].host, known[i].ifname, mac);
		assert_memory_equal(mac, known[i].mac, 6);
		/* Locally administered unicast, and a MAC the mac key itself would take. */
		assert_int_equal(mac[0] & 3, 2);
		snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
			 mac[2], mac[3], mac[4], mac[5]);
		assert_ok(parse_mac(text, again, &e), &e);
		assert_memory_equal(again, mac, 6);
	}
}

/* ---- lists -------------------------------------------------------------------------------- */

struct collect {
	int n;
	char items[8][32];
	int fail_at; /* refuse the item with this index (-1: none) */
};

static int collect(const char *item, void *data, struct df_err *e)
{
	struct collect *c = data;

	if (c->n == c->fail_at)
		return df_invalid(e, "item '%s' refused", item);
	if (c->n < 8)
		snprintf(c->items[c->n], sizeof(c->items[0]), "%s", item);
	c->n++;
	return 0;
}

static void test_list_items(void **state)
{
	struct df_err e;
	struct collect c = {.fail_at = -1};

	assert_int_equal(parse_list("a", collect, &c, &e), 1);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.items[0], "a");

	c = (struct collect){.fail_at = -1};
	assert_int_equal(parse_list(" a , b\t,\tc d ", collect, &c, &e), 3);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.items[0], "a");
	assert_string_equal(c.items[1], "b");
	assert_string_equal(c.items[2], "c d");
}

static void test_list_empty_items(void **state)
{
	struct df_err e;
	struct collect c;

	c = (struct collect){.fail_at = -1};
	assert_refused_msg(parse_list("a,,b", collect, &c, &e), &e, "empty item in list 'a,,b'");
	assert_int_equal(c.n, 1);
	c = (struct collect){.fail_at = -1};
	assert_refused(parse_list("a,", collect, &c, &e), &e, "empty item in list 'a,'");
	c = (struct collect){.fail_at = -1};
	assert_refused(parse_list(",a", collect, &c, &e), &e, "empty item");
	assert_int_equal(c.n, 0);
	c = (struct collect){.fail_at = -1};
	assert_refused(parse_list("", collect, &c, &e), &e, "empty item in list ''");
	c = (struct collect){.fail_at = -1};
	assert_refused(parse_list(",", collect, &c, &e), &e, "empty item");
	c = (struct collect){.fail_at = -1};
	assert_refused(parse_list("a, \t ,b", collect, &c, &e), &e, "empty item");
	assert_int_equal(c.n, 1);
}

static void test_list_item_error_stops(void **state)
{
	struct df_err e;
	struct collect c = {.fail_at = 1};

	assert_refused_msg(parse_list("a,b,c", collect, &c, &e), &e, "item 'b' refused");
	assert_int_equal(c.n, 1);
}

static void test_list_too_long(void **state)
{
	struct df_err e;
	struct collect c = {.fail_at = -1};
	char *s = malloc(5000);

	/* 4095 bytes fit, 4096 do not: refused whole, never cut. */
	memset(s, 'x', 4095);
	s[4095] = '\0';
	assert_int_equal(parse_list(s, collect, &c, &e), 1);
	memset(s, 'x', 4096);
	s[4096] = '\0';
	c = (struct collect){.fail_at = -1};
	assert_refused_msg(parse_list(s, collect, &c, &e), &e, "value too long (4096 bytes)");
	assert_int_equal(c.n, 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_helpers),
		cmocka_unit_test(test_prefix_contains),
		cmocka_unit_test(test_gateway_ok),
		cmocka_unit_test(test_gateway_refused),
		cmocka_unit_test(test_host_prefix_ok),
		cmocka_unit_test(test_host_prefix_point_to_point),
		cmocka_unit_test(test_host_prefix_network_broadcast),
		cmocka_unit_test(test_host_prefix_lengths),
		cmocka_unit_test(test_host_prefix_garbage),
		cmocka_unit_test(test_host_prefix_unusable),
		cmocka_unit_test(test_route_ok),
		cmocka_unit_test(test_route_refused),
		cmocka_unit_test(test_route_long_words),
		cmocka_unit_test(test_route_default_refused),
		cmocka_unit_test(test_mac_ok),
		cmocka_unit_test(test_mac_refused),
		cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_ifname),
		cmocka_unit_test(test_macvlan_mode),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_dad),
		cmocka_unit_test(test_mac_stable),
		cmocka_unit_test(test_list_items),
		cmocka_unit_test(test_list_empty_items),
		cmocka_unit_test(test_list_item_error_stops),
		cmocka_unit_test(test_list_too_long),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
