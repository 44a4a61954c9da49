// SPDX-License-Identifier: BSD-2-Clause
/* Settings keys from annotations and environment entries, and the checks on the whole. */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_link.h>

#include "unit.h"
#include "settings.h"

static int ann(struct df_settings *s, const char *key, const char *value, struct df_err *e)
{
	memset(e, 0, sizeof(*e));
	return settings_set_annotation(s, key, value, e);
}

static int env(struct df_settings *s, const char *entry, struct df_err *e)
{
	memset(e, 0, sizeof(*e));
	return settings_set_env(s, entry, e);
}

static void assert_v4(const struct df_addr *a, unsigned char b0, unsigned char b1, unsigned char b2,
		      unsigned char b3)
{
	const unsigned char want[4] = {b0, b1, b2, b3};

	assert_int_equal(a->family, AF_INET);
	assert_memory_equal(a->bytes, want, 4);
}

static void assert_v6(const struct df_addr *a, const char *text)
{
	unsigned char want[16];

	assert_int_equal(inet_pton(AF_INET6, text, want), 1);
	assert_int_equal(a->family, AF_INET6);
	assert_memory_equal(a->bytes, want, 16);
}

static void test_prefixes(void **state)
{
	assert_true(settings_is_annotation("dockerfly.ip"));
	assert_true(settings_is_annotation("dockerfly."));
	assert_false(settings_is_annotation("dockerfly"));
	assert_false(settings_is_annotation("Dockerfly.ip"));
	assert_false(settings_is_annotation("io.dockerfly.ip"));
	assert_true(settings_is_env("DOCKERFLY_IP=x"));
	assert_true(settings_is_env("DOCKERFLY_"));
	assert_false(settings_is_env("DOCKERFLY=1"));
	assert_false(settings_is_env("DOCKERFLYX_IP=1"));
	assert_false(settings_is_env("dockerfly_ip=1"));
	assert_false(settings_is_env("PATH=/bin"));

	assert_string_equal(settings_source_name(DF_SOURCE_STATE), "state annotations");
	assert_string_equal(settings_source_name(DF_SOURCE_CONFIG), "config.json annotations");
	assert_string_equal(settings_source_name(DF_SOURCE_ENV), "config.json environment");
	assert_string_equal(settings_source_name(DF_SOURCE_NONE), "none");
}

static void test_init_defaults(void **state)
{
	struct df_settings s;
	const struct df_defaults strict = {.dad = DF_DAD_STRICT, .host_route = true};

	settings_init(&s, NULL);
	for (int n = 0; n < DF_MAX_NICS; n++) {
		assert_false(s.nic[n].used);
		assert_int_equal(s.nic[n].mode, MACVLAN_MODE_BRIDGE);
		assert_int_equal(s.nic[n].dad, DF_DAD_QUICK);
		assert_false(s.nic[n].host_route);
		assert_true(s.nic[n].quickack);
		assert_int_equal(s.nic[n].mtu, 0);
	}
	assert_int_equal(s.source, DF_SOURCE_NONE);
	assert_false(s.debug);

	settings_init(&s, &strict);
	for (int n = 0; n < DF_MAX_NICS; n++) {
		assert_int_equal(s.nic[n].dad, DF_DAD_STRICT);
		assert_true(s.nic[n].host_route);
		assert_false(s.nic[n].quickack);
	}
}

/* A container's own keys win over the host's defaults. */
static void test_own_keys_win(void **state)
{
	struct df_err e;
	struct df_settings s;
	const struct df_defaults strict = {.dad = DF_DAD_STRICT, .host_route = true};

	settings_init(&s, &strict);
	assert_ok(ann(&s, "dockerfly.dad", "off", &e), &e);
	assert_ok(ann(&s, "dockerfly.host-route", "off", &e), &e);
	assert_int_equal(s.nic[0].dad, DF_DAD_OFF);
	assert_false(s.nic[0].host_route);
	assert_int_equal(s.nic[1].dad, DF_DAD_STRICT);
	assert_true(s.nic[1].host_route);
}

static void test_every_key(void **state)
{
	struct df_err e;
	struct df_settings s;
	const struct df_nic *nic = &s.nic[0];
	const unsigned char mac[6] = {0x02, 0x42, 0xc6, 0x12, 0x00, 0x0a};

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24, fd18::10/64", &e), &e);
	assert_ok(ann(&s, "dockerfly.gateway", "198.18.0.1,fd18::1", &e), &e);
	assert_ok(ann(&s, "dockerfly.routes", "10.0.0.0/8 via 198.18.0.254,fd00::/8", &e), &e);
	assert_ok(ann(&s, "dockerfly.ifname", "eth1", &e), &e);
	assert_ok(ann(&s, "dockerfly.mac", "02:42:c6:12:00:0a", &e), &e);
	assert_ok(ann(&s, "dockerfly.mtu", "1400", &e), &e);
	assert_ok(ann(&s, "dockerfly.mode", "bridge", &e), &e);
	assert_ok(ann(&s, "dockerfly.dad", "strict", &e), &e);
	assert_ok(ann(&s, "dockerfly.host-route", "on", &e), &e);
	assert_ok(ann(&s, "dockerfly.quickack", "off", &e), &e);
	assert_ok(ann(&s, "dockerfly.debug", "1", &e), &e);

	assert_true(nic->used);
	assert_string_equal(nic->parent, "fly0");
	assert_int_equal(nic->n_addrs, 2);
	assert_v4(&nic->addrs[0].addr, 198, 18, 0, 10);
	assert_int_equal(nic->addrs[0].len, 24);
	assert_v6(&nic->addrs[1].addr, "fd18::10");
	assert_int_equal(nic->addrs[1].len, 64);
	assert_int_equal(nic->n_gateways, 2);
	assert_v4(&nic->gateways[0], 198, 18, 0, 1);
	assert_v6(&nic->gateways[1], "fd18::1");
	assert_int_equal(nic->n_routes, 2);
	assert_v4(&nic->routes[0].dst.addr, 10, 0, 0, 0);
	assert_int_equal(nic->routes[0].dst.len, 8);
	assert_true(nic->routes[0].has_via);
	assert_v4(&nic->routes[0].via, 198, 18, 0, 254);
	assert_v6(&nic->routes[1].dst.addr, "fd00::");
	assert_false(nic->routes[1].has_via);
	assert_string_equal(nic->ifname, "eth1");
	assert_true(nic->has_mac);
	assert_false(nic->mac_stable);
	assert_memory_equal(nic->mac, mac, 6);
	assert_int_equal(nic->mtu, 1400);
	assert_int_equal(nic->mode, MACVLAN_MODE_BRIDGE);
	assert_int_equal(nic->dad, DF_DAD_STRICT);
	assert_true(nic->host_route);
	assert_false(nic->quickack);
	assert_true(s.debug);

	assert_int_equal(settings_finish(&s, &e), 1);
	assert_string_equal(nic->ifname, "eth1");
	for (int n = 1; n < DF_MAX_NICS; n++)
		assert_false(s.nic[n].used);
}

/* The host's shim is a bridge-mode sibling: a NIC in another mode could never reach it. */
static void test_host_route_needs_bridge(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24", &e), &e);
	assert_ok(ann(&s, "dockerfly.mode", "private", &e), &e);
	assert_ok(ann(&s, "dockerfly.host-route", "on", &e), &e);
	assert_int_equal(settings_finish(&s, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "host-route needs macvlan mode bridge, not private"));
}

static void test_nic_numbers(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.nic1.parent", "fly1", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic9.parent", "fly9", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic10.mtu", "9000", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic15.ip", "198.18.15.10/24", &e), &e);
	assert_false(s.nic[0].used);
	assert_true(s.nic[1].used);
	assert_string_equal(s.nic[1].parent, "fly1");
	assert_string_equal(s.nic[9].parent, "fly9");
	assert_int_equal(s.nic[10].mtu, 9000);
	assert_int_equal(s.nic[15].n_addrs, 1);
	assert_v4(&s.nic[15].addrs[0].addr, 198, 18, 15, 10);

	assert_refused_msg(ann(&s, "dockerfly.nic0.parent", "fly0", &e), &e,
			   "dockerfly.nic0.parent: bad NIC number (1 to 15, no leading zero)");
	assert_refused_msg(ann(&s, "dockerfly.nic16.parent", "x", &e), &e,
			   "dockerfly.nic16.parent: bad NIC number (1 to 15)");
	assert_refused(ann(&s, "dockerfly.nic01.parent", "x", &e), &e, "bad NIC number");
	assert_refused(ann(&s, "dockerfly.nic100.parent", "x", &e), &e, "bad NIC number");
	assert_refused(ann(&s, "dockerfly.nic99999999999.parent", "x", &e), &e, "bad NIC number");
	assert_refused(ann(&s, "dockerfly.nic1parent", "x", &e), &e, "bad NIC number");
	assert_refused(ann(&s, "dockerfly.nic1", "x", &e), &e, "bad NIC number");
	assert_refused(ann(&s, "dockerfly.nic1_parent", "x", &e), &e, "bad NIC number");
	/* Not a NIC number at all: an unknown key. */
	assert_refused_msg(ann(&s, "dockerfly.nic.parent", "x", &e), &e,
			   "dockerfly.nic.parent: unknown key");
	assert_refused(ann(&s, "dockerfly.nicA.parent", "x", &e), &e, "unknown key");
	assert_refused(ann(&s, "dockerfly.NIC1.parent", "x", &e), &e, "unknown key");
	assert_refused(ann(&s, "dockerfly.nic-1.parent", "x", &e), &e, "unknown key");
	assert_refused(ann(&s, "dockerfly.nic1.", "x", &e), &e, "dockerfly.nic1.: unknown key");
	assert_refused(ann(&s, "dockerfly.nic1.nic2.parent", "x", &e), &e, "unknown key");
}

/* A refused NIC number is reported under the key as the user wrote it, value left out. */
static void test_bad_nic_number_names_key(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_refused(ann(&s, "dockerfly.nic16.ip", "198.18.0.10/24", &e), &e,
		       "dockerfly.nic16.ip");
	assert_refused(env(&s, "DOCKERFLY_NIC16_IP=198.18.0.10/24", &e), &e, "DOCKERFLY_NIC16_IP");
	if (strstr(e.msg, "198.18.0.10"))
		fail_msg("message '%s' repeats the value", e.msg);
}

static void test_first_nic_only(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_refused_msg(ann(&s, "dockerfly.nic1.debug", "1", &e), &e,
			   "dockerfly.nic1.debug: unknown key");
	assert_refused_msg(env(&s, "DOCKERFLY_NIC1_DEBUG=1", &e), &e,
			   "DOCKERFLY_NIC1_DEBUG: unknown key");
	/* debug alone makes no NIC. */
	assert_ok(ann(&s, "dockerfly.debug", "on", &e), &e);
	assert_true(s.debug);
	assert_false(s.nic[0].used);
	assert_int_equal(settings_finish(&s, &e), 0);
}

static void test_unknown_keys(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_refused_msg(ann(&s, "dockerfly.ipaddr", "198.18.0.10/24", &e), &e,
			   "dockerfly.ipaddr: unknown key");
	assert_refused(ann(&s, "dockerfly.IP", "198.18.0.10/24", &e), &e, "unknown key");
	assert_refused(ann(&s, "dockerfly.ip ", "198.18.0.10/24", &e), &e, "unknown key");
	assert_refused(ann(&s, "dockerfly.host_route", "on", &e), &e, "unknown key");
	assert_refused(ann(&s, "dockerfly.", "x", &e), &e, "dockerfly.: unknown key");
	assert_refused(ann(&s, "dockerfly.keys", "x", &e), &e, "unknown key");
	assert_refused(ann(&s, "dockerfly.nic3.gw", "x", &e), &e, "dockerfly.nic3.gw: unknown key");
	for (int n = 0; n < DF_MAX_NICS; n++)
		assert_false(s.nic[n].used);
}

static void test_key_twice(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.mtu", "1500", &e), &e);
	assert_refused_msg(ann(&s, "dockerfly.mtu", "1500", &e), &e, "dockerfly.mtu: given twice");
	assert_int_equal(s.nic[0].mtu, 1500);
	/* The same key of another NIC is another key. */
	assert_ok(ann(&s, "dockerfly.nic2.mtu", "9000", &e), &e);
	assert_refused(ann(&s, "dockerfly.nic2.mtu", "1500", &e), &e,
		       "dockerfly.nic2.mtu: given twice");
	assert_int_equal(s.nic[2].mtu, 9000);

	assert_ok(env(&s, "DOCKERFLY_NIC4_IP=198.18.0.10/24", &e), &e);
	assert_refused_msg(env(&s, "DOCKERFLY_NIC4_IP=198.18.0.11/24", &e), &e,
			   "DOCKERFLY_NIC4_IP: given twice");
	assert_int_equal(s.nic[4].n_addrs, 1);
	assert_ok(ann(&s, "dockerfly.debug", "1", &e), &e);
	assert_refused(env(&s, "DOCKERFLY_DEBUG=0", &e), &e, "DOCKERFLY_DEBUG: given twice");
	assert_true(s.debug);
}

/* One key on fresh settings: a refused key still counts as given. */
static int ann1(const char *key, const char *value, struct df_err *e)
{
	static struct df_settings s;

	settings_init(&s, NULL);
	return ann(&s, key, value, e);
}

static int env1(const char *entry, struct df_err *e)
{
	static struct df_settings s;

	settings_init(&s, NULL);
	return env(&s, entry, e);
}

/* A bad value is refused under the name of its key. */
static void test_bad_values_name_key(void **state)
{
	struct df_err e;
	assert_refused_msg(ann1("dockerfly.nic2.mtu", "10", &e), &e,
			   "dockerfly.nic2.mtu: MTU 10 out of range (68..65535)");
	assert_refused_msg(ann1("dockerfly.parent", "eth0:1", &e), &e,
			   "dockerfly.parent: bad interface name 'eth0:1' (letters, digits, '_', "
			   "'.', '-')");
	assert_refused_msg(ann1("dockerfly.ip", "198.18.0.10/24,,fd18::10/64", &e), &e,
			   "dockerfly.ip: empty item in list '198.18.0.10/24,,fd18::10/64'");
	assert_refused_msg(ann1("dockerfly.ip", "", &e), &e, "dockerfly.ip: empty item in list ''");
	assert_refused_msg(ann1("dockerfly.nic1.gateway", "198.18.0.1/24", &e), &e,
			   "dockerfly.nic1.gateway: bad gateway address '198.18.0.1/24'");
	assert_refused(ann1("dockerfly.routes", "default via 198.18.0.1", &e), &e,
		       "dockerfly.routes: route 'default via 198.18.0.1': set the default route");
	assert_refused_msg(ann1("dockerfly.mac", "01:00:00:00:00:01", &e), &e,
			   "dockerfly.mac: MAC address '01:00:00:00:00:01' is multicast");
	assert_refused(ann1("dockerfly.mac", "STABLE", &e), &e, "dockerfly.mac: bad MAC address");
	assert_refused_msg(ann1("dockerfly.mode", "source", &e), &e,
			   "dockerfly.mode: bad macvlan mode 'source' (bridge, private, vepa, "
			   "passthru)");
	assert_refused(ann1("dockerfly.dad", "yes", &e), &e,
		       "dockerfly.dad: bad conflict detection mode 'yes'");
	assert_refused(ann1("dockerfly.host-route", "2", &e), &e,
		       "dockerfly.host-route: bad switch '2'");
	assert_refused(ann1("dockerfly.quickack", "fast", &e), &e,
		       "dockerfly.quickack: bad switch 'fast'");
	assert_refused(ann1("dockerfly.debug", "", &e), &e, "dockerfly.debug: bad switch ''");
	assert_refused(ann1("dockerfly.ifname", "a-name-too-long-x", &e), &e,
		       "dockerfly.ifname: bad interface name");

	assert_refused_msg(env1("DOCKERFLY_NIC3_MTU=10", &e), &e,
			   "DOCKERFLY_NIC3_MTU: MTU 10 out of range (68..65535)");
	assert_refused_msg(env1("DOCKERFLY_PARENT=", &e), &e,
			   "DOCKERFLY_PARENT: bad interface name '' (1 to 15 characters)");
	assert_refused_msg(env1("DOCKERFLY_IP=198.18.0.10/24=x", &e), &e,
			   "DOCKERFLY_IP: bad prefix length in address '198.18.0.10/24=x'");
}

static void test_lists(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	/* Seven static addresses; the eighth place is kept for dhcp or pool:NAME. */
	assert_ok(ann(&s, "dockerfly.ip",
		      "198.18.0.10/24,198.18.0.11/24,198.18.0.12/24,198.18.0.13/24,"
		      "fd18::10/64,fd18::11/64,fd18::12/64",
		      &e),
		  &e);
	assert_int_equal(s.nic[0].n_addrs, 7);
	assert_refused_msg(ann(&s, "dockerfly.nic1.ip",
			       "198.18.0.10/24,198.18.0.11/24,198.18.0.12/24,198.18.0.13/24,"
			       "fd18::10/64,fd18::11/64,fd18::12/64,fd18::13/64",
			       &e),
			   &e, "dockerfly.nic1.ip: more than 7 addresses");
	assert_refused_msg(ann(&s, "dockerfly.nic2.ip", "198.18.0.10/24,198.18.0.10/25", &e), &e,
			   "dockerfly.nic2.ip: address '198.18.0.10/25' given twice");
	assert_refused_msg(ann(&s, "dockerfly.gateway", "198.18.0.1,198.18.0.2", &e), &e,
			   "dockerfly.gateway: more than one IPv4 gateway");
	assert_refused_msg(ann(&s, "dockerfly.nic1.gateway", "fd18::1,fe80::1", &e), &e,
			   "dockerfly.nic1.gateway: more than one IPv6 gateway");
	assert_refused(ann(&s, "dockerfly.nic2.gateway", "198.18.0.1,fd18::1,198.18.0.1", &e), &e,
		       "more than one IPv4 gateway");
	assert_refused_msg(ann(&s, "dockerfly.routes", "10.0.0.0/8,10.0.0.0/8 via 198.18.0.1", &e),
			   &e,
			   "dockerfly.routes: route to '10.0.0.0/8 via 198.18.0.1' given twice");
}

static void test_route_limit(void **state)
{
	struct df_err e;
	struct df_settings s;
	char list[1024];
	size_t o = 0;

	for (int i = 0; i < 16; i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s10.%d.0.0/16", i ? "," : "",
				      i);
	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.routes", list, &e), &e);
	assert_int_equal(s.nic[0].n_routes, 16);
	assert_v4(&s.nic[0].routes[15].dst.addr, 10, 15, 0, 0);
	snprintf(list + o, sizeof(list) - o, ",10.99.0.0/16");
	assert_refused_msg(ann(&s, "dockerfly.nic1.routes", list, &e), &e,
			   "dockerfly.nic1.routes: more than 16 routes");
}

/* "dhcp" and "pool:NAME" in the address list: IPv4 from elsewhere, IPv6 still static. */
static void test_dynamic_addresses(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_int_equal(s.nic[0].addr_mode, DF_ADDR_STATIC);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "dhcp, fd18::10/64", &e), &e);
	assert_ok(ann(&s, "dockerfly.gateway", "198.18.0.1", &e), &e);
	assert_int_equal(s.nic[0].addr_mode, DF_ADDR_DHCP);
	assert_int_equal(s.nic[0].n_addrs, 1);
	assert_true(settings_need_hostname(&s));
	assert_true(settings_gateway4(&s));
	/* The gateway's family is covered by the lease. */
	assert_int_equal(settings_finish(&s, &e), 1);

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.nic2.ip", "pool:lab-2.a_b+c", &e), &e);
	assert_int_equal(s.nic[2].addr_mode, DF_ADDR_POOL);
	assert_string_equal(s.nic[2].pool, "lab-2.a_b+c");
	assert_false(settings_need_hostname(&s));
	assert_false(settings_gateway4(&s));

	assert_refused_msg(ann1("dockerfly.ip", "dhcp,pool:lab", &e), &e,
			   "dockerfly.ip: more than one of dhcp and pool:NAME");
	assert_refused(ann1("dockerfly.ip", "dhcp,dhcp", &e), &e, "more than one of dhcp");
	assert_refused_msg(ann1("dockerfly.ip", "198.18.0.10/24,dhcp", &e), &e,
			   "dockerfly.ip: a static IPv4 address beside dhcp or pool:NAME");
	assert_refused(ann1("dockerfly.ip", "pool:lab,198.18.0.10/24", &e), &e,
		       "a static IPv4 address beside dhcp or pool:NAME");
	assert_refused_msg(ann1("dockerfly.ip", "pool:../etc", &e), &e,
			   "dockerfly.ip: bad pool name in 'pool:../etc'");
	assert_refused(ann1("dockerfly.ip", "pool:", &e), &e, "bad pool name in 'pool:'");
	assert_refused(ann1("dockerfly.ip", "pool:.hidden", &e), &e, "bad pool name");
	assert_refused(ann1("dockerfly.ip", "pool:a b", &e), &e, "bad pool name");
	assert_refused(
		ann1("dockerfly.ip",
		     "pool:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &e),
		&e, "bad pool name");
	assert_ok(ann1("dockerfly.ip",
		       "pool:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &e),
		  &e);
	assert_refused(ann1("dockerfly.ip", "DHCP", &e), &e, "address 'DHCP' has no prefix length");
}

static void test_dhcp_timeout(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_int_equal(s.nic[0].dhcp_timeout_ms, 5000);
	assert_ok(ann(&s, "dockerfly.dhcp-timeout", "100", &e), &e);
	assert_int_equal(s.nic[0].dhcp_timeout_ms, 100);
	assert_ok(env(&s, "DOCKERFLY_NIC1_DHCP_TIMEOUT=600000", &e), &e);
	assert_int_equal(s.nic[1].dhcp_timeout_ms, 600000);

	assert_refused_msg(ann1("dockerfly.dhcp-timeout", "99", &e), &e,
			   "dockerfly.dhcp-timeout: bad DHCP timeout '99' (100..600000 ms)");
	assert_refused(ann1("dockerfly.dhcp-timeout", "600001", &e), &e, "bad DHCP timeout");
	assert_refused(ann1("dockerfly.dhcp-timeout", "", &e), &e, "bad DHCP timeout ''");
	assert_refused(ann1("dockerfly.dhcp-timeout", "+500", &e), &e, "bad DHCP timeout");
	assert_refused(ann1("dockerfly.dhcp-timeout", "-500", &e), &e, "bad DHCP timeout");
	assert_refused(ann1("dockerfly.dhcp-timeout", " 500", &e), &e, "bad DHCP timeout");
	assert_refused(ann1("dockerfly.dhcp-timeout", "500ms", &e), &e, "bad DHCP timeout");
	assert_refused(ann1("dockerfly.dhcp-timeout", "18446744073709552116", &e), &e,
		       "bad DHCP timeout");
}

/* ---- environment entries ------------------------------------------------------------------ */

static void test_env_keys(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_ok(env(&s, "DOCKERFLY_PARENT=fly0", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_IP=198.18.0.10/24", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_HOST_ROUTE=yes", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_NIC1_QUICKACK=off", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_DEBUG=true", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_NIC3_IFNAME=eth3", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_NIC3_PARENT=fly3", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_NIC15_MTU=9000", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_NIC12_ROUTES=10.0.0.0/8 via 198.18.0.1", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_NIC1_MAC=stable", &e), &e);

	assert_string_equal(s.nic[0].parent, "fly0");
	assert_int_equal(s.nic[0].n_addrs, 1);
	assert_true(s.nic[0].host_route);
	assert_true(s.nic[0].quickack);
	assert_false(s.nic[1].quickack);
	assert_true(s.debug);
	assert_string_equal(s.nic[3].ifname, "eth3");
	assert_string_equal(s.nic[3].parent, "fly3");
	assert_int_equal(s.nic[15].mtu, 9000);
	assert_int_equal(s.nic[12].n_routes, 1);
	assert_true(s.nic[12].routes[0].has_via);
	assert_true(s.nic[1].mac_stable);
	assert_true(s.nic[1].has_mac);
	for (int n = 0; n < DF_MAX_NICS; n++)
		assert_int_equal(s.nic[n].used, n == 0 || n == 1 || n == 3 || n == 12 || n == 15);
}

static void test_env_refused(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_refused_msg(env(&s, "DOCKERFLY_IP", &e), &e,
			   "environment entry 'DOCKERFLY_IP' has no '='");
	assert_refused_msg(env(&s, "DOCKERFLY_ip=198.18.0.10/24", &e), &e,
			   "DOCKERFLY_ip: unknown key");
	assert_refused_msg(env(&s, "DOCKERFLY_=1", &e), &e, "DOCKERFLY_: unknown key");
	assert_refused_msg(env(&s, "DOCKERFLY_IPADDR=1", &e), &e, "DOCKERFLY_IPADDR: unknown key");
	assert_refused(env(&s, "DOCKERFLY_IF_NAME=eth1", &e), &e, "DOCKERFLY_IF_NAME: unknown key");
	assert_refused(env(&s, "DOCKERFLY_HOST-ROUTE=on", &e), &e, "unknown key");
	assert_refused(env(&s, "DOCKERFLY_HOSTROUTE=on", &e), &e, "unknown key");
	assert_refused(env(&s, "DOCKERFLY_NIC3_=1", &e), &e, "DOCKERFLY_NIC3_: unknown key");
	assert_refused(env(&s, "DOCKERFLY_NIC_IP=1", &e), &e, "DOCKERFLY_NIC_IP: unknown key");
	assert_refused(env(&s, "DOCKERFLY_NIC3_ip=1", &e), &e, "unknown key");
	assert_refused(env(&s, "DOCKERFLY_NIC3_IP _=1", &e), &e, "unknown key");
	assert_refused(env(&s, "DOCKERFLY_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=1", &e), &e,
		       "unknown key");
	assert_refused(env(&s, "DOCKERFLY_NIC0_IP=198.18.0.10/24", &e), &e, "bad NIC number");
	assert_refused(env(&s, "DOCKERFLY_NIC16_IP=198.18.0.10/24", &e), &e, "bad NIC number");
	assert_refused(env(&s, "DOCKERFLY_NIC01_IP=198.18.0.10/24", &e), &e, "bad NIC number");
	assert_refused(env(&s, "DOCKERFLY_NIC3=1", &e), &e, "bad NIC number");
	assert_refused(env(&s, "DOCKERFLY_NIC3IP=1", &e), &e, "bad NIC number");
	for (int n = 0; n < DF_MAX_NICS; n++)
		assert_false(s.nic[n].used);
}

/* ---- the whole ---------------------------------------------------------------------------- */

static void test_finish_names(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_int_equal(settings_finish(&s, &e), 0);

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic3.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic15.parent", "fly1", &e), &e);
	assert_int_equal(settings_finish(&s, &e), 3);
	assert_string_equal(s.nic[0].ifname, "lan0");
	assert_string_equal(s.nic[3].ifname, "lan3");
	assert_string_equal(s.nic[15].ifname, "lan15");
	assert_string_equal(s.nic[1].ifname, "");
}

static void test_finish_parent(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	s.source = DF_SOURCE_STATE;
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "lan0: no parent NIC given (set dockerfly.parent)");

	settings_init(&s, NULL);
	s.source = DF_SOURCE_CONFIG;
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic7.ifname", "uplink", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "uplink: no parent NIC given (set dockerfly.nic7.parent)");

	settings_init(&s, NULL);
	s.source = DF_SOURCE_ENV;
	assert_ok(env(&s, "DOCKERFLY_PARENT=fly0", &e), &e);
	assert_ok(env(&s, "DOCKERFLY_NIC12_MTU=1500", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "lan12: no parent NIC given (set DOCKERFLY_NIC12_PARENT)");

	settings_init(&s, NULL);
	s.source = DF_SOURCE_ENV;
	assert_ok(env(&s, "DOCKERFLY_MODE=vepa", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "lan0: no parent NIC given (set DOCKERFLY_PARENT)");
}

static void test_finish_duplicates(void **state)
{
	struct df_err e;
	struct df_settings s;

	/* nic0 named lan1 clashes with nic1's default name. */
	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ifname", "lan1", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.parent", "fly1", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e, "two NICs are named lan1");

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.nic2.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic2.ifname", "eth", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic9.parent", "fly1", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic9.ifname", "eth", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e, "two NICs are named eth");

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24,fd18::10/64", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.parent", "fly1", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.ip", "198.18.1.10/24,fd18::10/112", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "address fd18::10 given to both lan0 and lan1");

	/* One default gateway per family across all NICs; one each is fine. */
	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24", &e), &e);
	assert_ok(ann(&s, "dockerfly.gateway", "198.18.0.1", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.parent", "fly1", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.ip", "198.18.1.10/24,fd18:1::10/64", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.gateway", "fd18:1::1", &e), &e);
	assert_int_equal(settings_finish(&s, &e), 2);
	assert_ok(ann(&s, "dockerfly.nic2.parent", "fly2", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic2.ip", "198.18.2.10/24", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic2.gateway", "198.18.2.1", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "both lan0 and lan2 have a default IPv4 gateway");
}

static void test_finish_gateway_family(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24", &e), &e);
	assert_ok(ann(&s, "dockerfly.gateway", "198.18.0.1,fd18::1", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "lan0: gateway fd18::1 has no address of its family");

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "fd18::10/64", &e), &e);
	assert_ok(ann(&s, "dockerfly.gateway", "198.18.0.1", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "lan0: gateway 198.18.0.1 has no address of its family");

	/* No address at all. */
	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.gateway", "198.18.0.1", &e), &e);
	assert_refused(settings_finish(&s, &e), &e, "gateway 198.18.0.1 has no address");

	/* An IPv6 link-local gateway needs no global address of its own. */
	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24", &e), &e);
	assert_ok(ann(&s, "dockerfly.gateway", "198.18.0.1,fe80::1", &e), &e);
	assert_int_equal(settings_finish(&s, &e), 1);

	/* The same for routes through a gateway; routes without one need no address. */
	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24", &e), &e);
	assert_ok(ann(&s, "dockerfly.routes", "10.0.0.0/8 via 198.18.0.1,fd00::/8", &e), &e);
	assert_int_equal(settings_finish(&s, &e), 1);
	assert_ok(ann(&s, "dockerfly.nic1.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.ip", "198.18.1.10/24", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.routes", "fd00::/8 via fd18::1", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "lan1: route via fd18::1 has no address of its family");
}

static void test_finish_mtu_ipv6(void **state)
{
	struct df_err e;
	struct df_settings s;

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24,fd18::10/64", &e), &e);
	assert_ok(ann(&s, "dockerfly.mtu", "1279", &e), &e);
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "lan0: MTU 1279 is below IPv6's minimum of 1280");

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "fd18::10/64", &e), &e);
	assert_ok(ann(&s, "dockerfly.mtu", "1280", &e), &e);
	assert_int_equal(settings_finish(&s, &e), 1);

	/* IPv4 alone goes down to 68. */
	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.ip", "198.18.0.10/24", &e), &e);
	assert_ok(ann(&s, "dockerfly.mtu", "576", &e), &e);
	assert_int_equal(settings_finish(&s, &e), 1);
	assert_int_equal(s.nic[0].mtu, 576);
}

static void test_finish_mac_stable(void **state)
{
	struct df_err e;
	struct df_settings s;
	const unsigned char web1_lan0[6] = {0x56, 0x4a, 0xd8, 0x13, 0xd4, 0x06};
	const unsigned char web1_lan1[6] = {0x7e, 0x2d, 0xdb, 0x13, 0xd4, 0x6c};

	settings_init(&s, NULL);
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.mac", "stable", &e), &e);
	assert_true(settings_need_hostname(&s));
	assert_refused_msg(settings_finish(&s, &e), &e,
			   "lan0: mac=stable needs the container's hostname, and config.json has "
			   "none");

	settings_init(&s, NULL);
	assert_false(settings_need_hostname(&s));
	assert_ok(ann(&s, "dockerfly.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.mac", "stable", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.parent", "fly0", &e), &e);
	assert_ok(ann(&s, "dockerfly.nic1.mac", "stable", &e), &e);
	strcpy(s.hostname, "web1");
	assert_int_equal(settings_finish(&s, &e), 2);
	assert_memory_equal(s.nic[0].mac, web1_lan0, 6);
	assert_memory_equal(s.nic[1].mac, web1_lan1, 6);
	assert_true(s.nic[0].has_mac);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_init_defaults),
		cmocka_unit_test(test_own_keys_win),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_host_route_needs_bridge),
		cmocka_unit_test(test_nic_numbers),
		cmocka_unit_test(test_bad_nic_number_names_key),
		cmocka_unit_test(test_first_nic_only),
		cmocka_unit_test(test_unknown_keys),
		cmocka_unit_test(test_key_twice),
		cmocka_unit_test(test_bad_values_name_key),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_route_limit),
		cmocka_unit_test(test_dynamic_addresses),
		cmocka_unit_test(test_dhcp_timeout),
		cmocka_unit_test(test_env_keys),
		cmocka_unit_test(test_env_refused),
		cmocka_unit_test(test_finish_names),
		cmocka_unit_test(test_finish_parent),
		cmocka_unit_test(test_finish_duplicates),
		cmocka_unit_test(test_finish_gateway_family),
		cmocka_unit_test(test_finish_mtu_ipv6),
		cmocka_unit_test(test_finish_mac_stable),
	};

	return cmocka_run_group_tests_name("settings", tests, NULL, NULL);
}
