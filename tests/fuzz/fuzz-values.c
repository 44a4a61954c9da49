// SPDX-License-Identifier: BSD-2-Clause
/*
 * Every value parser of parse.c. The first byte picks the parser, the rest is the value.
 * What a parser accepts must print back to text that parses to the same value.
 */
#include <sys/socket.h>

#include "fuzz.h"
#include "parse.h"

static void check_addr(const struct df_addr *a)
{
	fuzz_check(a->family == AF_INET || a->family == AF_INET6);
	if (a->family == AF_INET) {
		static const unsigned char zero[12];

		fuzz_check(!memcmp(a->bytes + 4, zero, sizeof(zero)));
	}
}

static void gateway(const char *s)
{
	struct df_err e = {0};
	struct df_addr a, b;
	char text[DF_ADDR_STRLEN];
	int r = parse_gateway(s, &a, &e);

	if (r < 0) {
		fuzz_check_err(r, &e);
		return;
	}
	check_addr(&a);
	fuzz_check(parse_gateway(addr_str(&a, text), &b, &e) == 0);
	fuzz_check(addr_equal(&a, &b));
}

static void host_prefix(const char *s)
{
	struct df_err e = {0};
	struct df_prefix p, q;
	char text[DF_PREFIX_STRLEN];
	int r = parse_host_prefix(s, &p, &e);

	if (r < 0) {
		fuzz_check_err(r, &e);
		return;
	}
	check_addr(&p.addr);
	fuzz_check(p.len >= 1 && p.len <= addr_size(p.addr.family) * 8);
	fuzz_check(prefix_contains(&p, &p.addr));
	fuzz_check(parse_host_prefix(prefix_str(&p, text), &q, &e) == 0);
	fuzz_check(prefix_equal(&p, &q));
}

static void route(const char *s)
{
	struct df_err e = {0};
	struct df_route rt, again;
	char dst[DF_PREFIX_STRLEN], via[DF_ADDR_STRLEN], text[128];
	int r = parse_route(s, &rt, &e);

	if (r < 0) {
		fuzz_check_err(r, &e);
		return;
	}
	check_addr(&rt.dst.addr);
	fuzz_check(rt.dst.len >= 1 && rt.dst.len <= addr_size(rt.dst.addr.family) * 8);
	if (rt.has_via) {
		check_addr(&rt.via);
		fuzz_check(rt.via.family == rt.dst.addr.family);
	}
	snprintf(text, sizeof(text), "%s%s%s", prefix_str(&rt.dst, dst), rt.has_via ? " via " : "",
		 rt.has_via ? addr_str(&rt.via, via) : "");
	fuzz_check(parse_route(text, &again, &e) == 0);
	fuzz_check(prefix_equal(&rt.dst, &again.dst));
	fuzz_check(rt.has_via == again.has_via);
	fuzz_check(!rt.has_via || addr_equal(&rt.via, &again.via));
}

static void mac(const char *s)
{
	struct df_err e = {0};
	unsigned char m[6], again[6];
	char text[18];
	int r = parse_mac(s, m, &e);

	if (r < 0) {
		fuzz_check_err(r, &e);
		return;
	}
	fuzz_check(strlen(s) == 17);
	fuzz_check(!(m[0] & 1));
	fuzz_check(m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
		 m[5]);
	fuzz_check(parse_mac(text, again, &e) == 0);
	fuzz_check(!memcmp(m, again, 6));
}

static void mtu(const char *s)
{
	struct df_err e = {0};
	unsigned int v = 0;
	int r = parse_mtu(s, &v, &e);

	if (r < 0) {
		fuzz_check_err(r, &e);
		return;
	}
	fuzz_check(v >= 68 && v <= 65535);
	fuzz_check(strtoul(s, NULL, 10) == v);
}

static void ifname(const char *s)
{
	struct df_err e = {0};
	char name[IFNAMSIZ];
	int r = parse_ifname(s, name, &e);

	if (r < 0) {
		fuzz_check_err(r, &e);
		return;
	}
	fuzz_check(strlen(name) >= 1 && strlen(name) < IFNAMSIZ);
	fuzz_check(!strcmp(name, s));
	fuzz_check(strcmp(name, ".") && strcmp(name, ".."));
	fuzz_check(!strpbrk(name, "/: \t\n%"));
}

static void mode(const char *s)
{
	struct df_err e = {0};
	uint32_t m = 0;
	int r = parse_macvlan_mode(s, &m, &e);

	if (r < 0) {
		fuzz_check_err(r, &e);
		return;
	}
	fuzz_check(!strcmp(macvlan_mode_name(m), s));
}

static void dad_and_bool(const char *s)
{
	struct df_err e = {0};
	enum df_dad d;
	bool b;
	int r = parse_dad(s, &d, &e);

	if (r < 0)
		fuzz_check_err(r, &e);
	else
		fuzz_check(!strcmp(dad_name(d), s));
	r = parse_bool(s, &b, &e);
	if (r < 0)
		fuzz_check_err(r, &e);
	else
		fuzz_check(strlen(s) <= 5);
}

static int count_item(const char *item, void *data, struct df_err *e)
{
	size_t n = strlen(item);

	fuzz_check(n > 0);
	fuzz_check(!strchr(item, ','));
	fuzz_check(item[0] != ' ' && item[0] != '\t');
	fuzz_check(item[n - 1] != ' ' && item[n - 1] != '\t');
	(*(int *)data)++;
	if (!strcmp(item, "stop"))
		return df_invalid(e, "stopped at '%s'", item);
	return 0;
}

static void list(const char *s)
{
	struct df_err e = {0};
	int calls = 0, commas = 0;
	int r = parse_list(s, count_item, &calls, &e);

	for (const char *p = s; *p; p++)
		commas += *p == ',';
	if (r < 0) {
		fuzz_check_err(r, &e);
		return;
	}
	fuzz_check(r == calls);
	fuzz_check(r == commas + 1);
}

static void names(const char *s)
{
	unsigned char m[6];
	const char *ifn = strchr(s, '\n');

	(void)safe_name(s);
	mac_stable(s, ifn ? ifn + 1 : "lan0", m);
	fuzz_check((m[0] & 3) == 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static void (*const parsers[])(const char *) = {
		gateway, host_prefix, route, mac, mtu, ifname, mode, dad_and_bool, list, names,
	};
	char *s;

	if (size < 1)
		return 0;
	s = fuzz_string(data + 1, size - 1);
	parsers[data[0] % (sizeof(parsers) / sizeof(parsers[0]))](s);
	free(s);
	return 0;
}
