// SPDX-License-Identifier: BSD-2-Clause
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>

#include "settings.h"
#include "util.h"

#define ANNOTATION_PREFIX "dockerfly."
#define ENV_PREFIX	  "DOCKERFLY_"
#define KEY_MAX		  32

typedef int (*setter_fn)(struct df_settings *s, struct df_nic *nic, const char *value,
			 struct df_err *e);

static int set_parent(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	return parse_ifname(v, nic->parent, e);
}

static int set_ifname(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	return parse_ifname(v, nic->ifname, e);
}

/* "dhcp" or "pool:NAME" in the address list: at most one, and no static IPv4 beside it. */
static int add_dynamic(struct df_nic *nic, const char *item, struct df_err *e)
{
	const char *name = item + 5;

	if (nic->addr_mode != DF_ADDR_STATIC)
		return df_invalid(e, "more than one of dhcp and pool:NAME");
	if (!strcmp(item, "dhcp")) {
		nic->addr_mode = DF_ADDR_DHCP;
		return 0;
	}
	if (strlen(name) > DF_POOL_NAME_MAX || !safe_name(name))
		return df_invalid(e, "bad pool name in '%s'", item);
	nic->addr_mode = DF_ADDR_POOL;
	strcpy(nic->pool, name);
	return 0;
}

static bool has_static4(const struct df_nic *nic)
{
	for (unsigned int i = 0; i < nic->n_addrs; i++) {
		if (nic->addrs[i].addr.family == AF_INET)
			return true;
	}
	return false;
}

static int add_addr(const char *item, void *data, struct df_err *e)
{
	struct df_nic *nic = data;
	struct df_prefix p;
	int r;

	if (!strcmp(item, "dhcp") || !strncmp(item, "pool:", 5)) {
		r = add_dynamic(nic, item, e);
		if (r == 0 && has_static4(nic))
			r = df_invalid(e, "a static IPv4 address beside dhcp or pool:NAME");
		return r;
	}
	r = parse_host_prefix(item, &p, e);
	if (r < 0)
		return r;
	if (p.addr.family == AF_INET && nic->addr_mode != DF_ADDR_STATIC)
		return df_invalid(e, "a static IPv4 address beside dhcp or pool:NAME");
	for (unsigned int i = 0; i < nic->n_addrs; i++) {
		if (addr_equal(&nic->addrs[i].addr, &p.addr))
			return df_invalid(e, "address '%s' given twice", item);
	}
	/* One place stays free for a dynamic address. */
	if (nic->n_addrs == DF_MAX_ADDRS - 1)
		return df_invalid(e, "more than %d addresses", DF_MAX_ADDRS - 1);
	nic->addrs[nic->n_addrs++] = p;
	return 0;
}

static int set_ip(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	return parse_list(v, add_addr, nic, e);
}

static int add_gateway(const char *item, void *data, struct df_err *e)
{
	struct df_nic *nic = data;
	struct df_addr a;
	int r;

	r = parse_gateway(item, &a, e);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < nic->n_gateways; i++) {
		if (nic->gateways[i].family == a.family)
			return df_invalid(e, "more than one %s gateway",
					  a.family == AF_INET ? "IPv4" : "IPv6");
	}
	nic->gateways[nic->n_gateways++] = a;
	return 0;
}

static int set_gateway(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	return parse_list(v, add_gateway, nic, e);
}

static int add_route(const char *item, void *data, struct df_err *e)
{
	struct df_nic *nic = data;
	struct df_route rt;
	int r;

	r = parse_route(item, &rt, e);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < nic->n_routes; i++) {
		if (prefix_equal(&nic->routes[i].dst, &rt.dst))
			return df_invalid(e, "route to '%s' given twice", item);
	}
	if (nic->n_routes == DF_MAX_ROUTES)
		return df_invalid(e, "more than %d routes", DF_MAX_ROUTES);
	nic->routes[nic->n_routes++] = rt;
	return 0;
}

static int set_routes(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	return parse_list(v, add_route, nic, e);
}

static int set_mac(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	nic->has_mac = true;
	if (!strcmp(v, "stable")) {
		nic->mac_stable = true;
		return 0;
	}
	return parse_mac(v, nic->mac, e);
}

static int set_dhcp_timeout(struct df_settings *s, struct df_nic *nic, const char *v,
			    struct df_err *e)
{
	char *end;
	unsigned long ms;

	(void)s;
	errno = 0;
	ms = isdigit((unsigned char)v[0]) ? strtoul(v, &end, 10) : 0;
	if (!ms || *end || errno || ms < 100 || ms > 600000)
		return df_invalid(e, "bad DHCP timeout '%s' (100..600000 ms)", v);
	nic->dhcp_timeout_ms = (unsigned int)ms;
	return 0;
}

static int set_dad(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	return parse_dad(v, &nic->dad, e);
}

static int set_host_route(struct df_settings *s, struct df_nic *nic, const char *v,
			  struct df_err *e)
{
	(void)s;
	return parse_bool(v, &nic->host_route, e);
}

static int set_quickack(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	return parse_bool(v, &nic->quickack, e);
}

static int set_mtu(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	return parse_mtu(v, &nic->mtu, e);
}

static int set_mode(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)s;
	return parse_macvlan_mode(v, &nic->mode, e);
}

static int set_debug(struct df_settings *s, struct df_nic *nic, const char *v, struct df_err *e)
{
	(void)nic;
	return parse_bool(v, &s->debug, e);
}

/* The keys, as written in annotations. Env names are these upper-cased, '-' as '_'. */
static const struct {
	const char *name;
	setter_fn set;
	bool per_nic; /* false: only on the first NIC, and it does not make a NIC */
} keys[] = {
	{"parent", set_parent, true},
	{"ip", set_ip, true},
	{"gateway", set_gateway, true},
	{"routes", set_routes, true},
	{"ifname", set_ifname, true},
	{"mac", set_mac, true},
	{"mtu", set_mtu, true},
	{"mode", set_mode, true},
	{"dad", set_dad, true},
	{"host-route", set_host_route, true},
	{"dhcp-timeout", set_dhcp_timeout, true},
	{"quickack", set_quickack, true},
	{"debug", set_debug, false},
};

void settings_init(struct df_settings *s, const struct df_defaults *defaults)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < DF_MAX_NICS; i++) {
		s->nic[i].mode = MACVLAN_MODE_BRIDGE;
		s->nic[i].dhcp_timeout_ms = DF_DHCP_TIMEOUT_MS;
		s->nic[i].quickack = true;
		if (defaults) {
			s->nic[i].dad = defaults->dad;
			s->nic[i].host_route = defaults->host_route;
			s->nic[i].quickack = defaults->quickack;
		}
	}
}

bool settings_gateway4(const struct df_settings *s)
{
	for (int i = 0; i < DF_MAX_NICS; i++) {
		for (unsigned int j = 0; s->nic[i].used && j < s->nic[i].n_gateways; j++) {
			if (s->nic[i].gateways[j].family == AF_INET)
				return true;
		}
	}
	return false;
}

bool settings_need_hostname(const struct df_settings *s)
{
	for (int i = 0; i < DF_MAX_NICS; i++) {
		if (s->nic[i].used && (s->nic[i].mac_stable || s->nic[i].addr_mode == DF_ADDR_DHCP))
			return true;
	}
	return false;
}

const char *settings_source_name(enum df_source source)
{
	switch (source) {
	case DF_SOURCE_STATE:
		return "state annotations";
	case DF_SOURCE_CONFIG:
		return "config.json annotations";
	case DF_SOURCE_ENV:
		return "config.json environment";
	default:
		return "none";
	}
}

bool settings_is_annotation(const char *key)
{
	return !strncmp(key, ANNOTATION_PREFIX, strlen(ANNOTATION_PREFIX));
}

bool settings_is_env(const char *entry)
{
	return !strncmp(entry, ENV_PREFIX, strlen(ENV_PREFIX));
}

/*
 * Read "nicN" + @sep at the start of @s. Returns the length consumed and sets *n, or 0 when
 * @s does not start that way. N is 1..15 without leading zeros; anything else that looks like
 * a NIC number is an error, so that "nic16" or "nic01" is never taken as a key name.
 */
static int nic_number(const char *s, const char *nic, char sep, int *n, struct df_err *e)
{
	size_t l = strlen(nic);
	const char *p = s + l;
	int v = 0;

	if (strncmp(s, nic, l) || !isdigit((unsigned char)*p))
		return 0;
	if (*p == '0')
		return df_invalid(e, "bad NIC number (1 to %d, no leading zero)", DF_MAX_NICS - 1);
	while (isdigit((unsigned char)*p) && v < 100)
		v = v * 10 + (*p++ - '0');
	if (*p != sep || v < 1 || v >= DF_MAX_NICS)
		return df_invalid(e, "bad NIC number (1 to %d)", DF_MAX_NICS - 1);
	*n = v;
	return (int)(p + 1 - s);
}

static int apply(struct df_settings *s, int n, const char *key, const char *value, struct df_err *e)
{
	struct df_nic *nic = &s->nic[n];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(key, keys[i].name))
			continue;
		if (!keys[i].per_nic && n)
			break;
		if (nic->keys & (1u << i))
			return df_invalid(e, "given twice");
		nic->keys |= 1u << i;
		if (keys[i].per_nic)
			nic->used = true;
		return keys[i].set(s, nic, value, e);
	}
	return df_invalid(e, "unknown key");
}

int settings_set_annotation(struct df_settings *s, const char *key, const char *value,
			    struct df_err *e)
{
	const char *k = key + strlen(ANNOTATION_PREFIX);
	int n = 0, used, r;

	used = nic_number(k, "nic", '.', &n, e);
	if (used < 0)
		return df_err_prefix(e, "%s", key);
	r = apply(s, n, k + used, value, e);
	if (r < 0)
		return df_err_prefix(e, "%s", key);
	return 0;
}

int settings_set_env(struct df_settings *s, const char *entry, struct df_err *e)
{
	const char *k = entry + strlen(ENV_PREFIX), *eq = strchr(entry, '=');
	char key[KEY_MAX];
	size_t len;
	int n = 0, used, r;

	if (!eq)
		return df_invalid(e, "environment entry '%s' has no '='", entry);
	used = nic_number(k, "NIC", '_', &n, e);
	if (used < 0)
		return df_err_prefix(e, "%.*s", (int)(eq - entry), entry);
	k += used;
	len = (size_t)(eq - k);
	if (len == 0 || len >= sizeof(key))
		return df_invalid(e, "%.*s: unknown key", (int)(eq - entry), entry);
	for (size_t i = 0; i < len; i++) {
		if (!isupper((unsigned char)k[i]) && !isdigit((unsigned char)k[i]) && k[i] != '_')
			return df_invalid(e, "%.*s: unknown key", (int)(eq - entry), entry);
		key[i] = k[i] == '_' ? '-' : (char)tolower((unsigned char)k[i]);
	}
	key[len] = '\0';

	r = apply(s, n, key, eq + 1, e);
	if (r < 0)
		return df_err_prefix(e, "%.*s", (int)(eq - entry), entry);
	return 0;
}

/* The name of key @key of NIC @n as the source spells it, for messages. */
static const char *key_name(const struct df_settings *s, int n, const char *key, char *buf,
			    size_t size)
{
	if (s->source == DF_SOURCE_ENV) {
		size_t o = n ? (size_t)snprintf(buf, size, "DOCKERFLY_NIC%d_", n)
			     : (size_t)snprintf(buf, size, "DOCKERFLY_");

		for (; *key && o + 1 < size; key++)
			buf[o++] = *key == '-' ? '_' : (char)toupper((unsigned char)*key);
		buf[o] = '\0';
	} else if (n) {
		snprintf(buf, size, "dockerfly.nic%d.%s", n, key);
	} else {
		snprintf(buf, size, "dockerfly.%s", key);
	}
	return buf;
}

static bool has_family(const struct df_nic *nic, int family)
{
	if (family == AF_INET && nic->addr_mode != DF_ADDR_STATIC)
		return true;
	for (unsigned int i = 0; i < nic->n_addrs; i++) {
		if (nic->addrs[i].addr.family == family)
			return true;
	}
	return false;
}

/* IPv6 link-local gateways need no global address of their own. */
static bool link_local6(const struct df_addr *a)
{
	return a->family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

static int check_nic(const struct df_settings *s, int n, struct df_err *e)
{
	const struct df_nic *nic = &s->nic[n];
	char k[KEY_MAX + 16], a[DF_ADDR_STRLEN];

	if (!nic->parent[0])
		return df_invalid(e, "%s: no parent NIC given (set %s)", nic->ifname,
				  key_name(s, n, "parent", k, sizeof(k)));
	for (unsigned int i = 0; i < nic->n_gateways; i++) {
		const struct df_addr *gw = &nic->gateways[i];

		if (!has_family(nic, gw->family) && !link_local6(gw))
			return df_invalid(e, "%s: gateway %s has no address of its family",
					  nic->ifname, addr_str(gw, a));
	}
	for (unsigned int i = 0; i < nic->n_routes; i++) {
		const struct df_route *rt = &nic->routes[i];

		if (rt->has_via && !has_family(nic, rt->via.family) && !link_local6(&rt->via))
			return df_invalid(e, "%s: route via %s has no address of its family",
					  nic->ifname, addr_str(&rt->via, a));
	}
	/* Only bridge mode lets a macvlan talk to its sibling, the host's shim. */
	if (nic->host_route && nic->mode != MACVLAN_MODE_BRIDGE)
		return df_invalid(e, "%s: host-route needs macvlan mode bridge, not %s",
				  nic->ifname, macvlan_mode_name(nic->mode));
	if (nic->mtu && nic->mtu < 1280 && has_family(nic, AF_INET6))
		return df_invalid(e, "%s: MTU %u is below IPv6's minimum of 1280", nic->ifname,
				  nic->mtu);
	return 0;
}

/* Names, addresses and default gateways must not clash between NICs @a and @b. */
static int check_pair(const struct df_nic *a, const struct df_nic *b, struct df_err *e)
{
	char buf[DF_ADDR_STRLEN];

	if (!strcmp(a->ifname, b->ifname))
		return df_invalid(e, "two NICs are named %s", a->ifname);
	for (unsigned int i = 0; i < a->n_addrs; i++) {
		for (unsigned int j = 0; j < b->n_addrs; j++) {
			if (addr_equal(&a->addrs[i].addr, &b->addrs[j].addr))
				return df_invalid(e, "address %s given to both %s and %s",
						  addr_str(&a->addrs[i].addr, buf), a->ifname,
						  b->ifname);
		}
	}
	for (unsigned int i = 0; i < a->n_gateways; i++) {
		for (unsigned int j = 0; j < b->n_gateways; j++) {
			if (a->gateways[i].family == b->gateways[j].family)
				return df_invalid(e, "both %s and %s have a default %s gateway",
						  a->ifname, b->ifname,
						  a->gateways[i].family == AF_INET ? "IPv4"
										   : "IPv6");
		}
	}
	return 0;
}

int settings_finish(struct df_settings *s, struct df_err *e)
{
	int count = 0, r;

	for (int n = 0; n < DF_MAX_NICS; n++) {
		struct df_nic *nic = &s->nic[n];

		if (!nic->used)
			continue;
		if (!nic->ifname[0])
			snprintf(nic->ifname, sizeof(nic->ifname), "lan%d", n);
		if (nic->mac_stable && !s->hostname[0])
			return df_invalid(e,
					  "%s: mac=stable needs the container's hostname, and "
					  "config.json has none",
					  nic->ifname);
		if (nic->mac_stable)
			mac_stable(s->hostname, nic->ifname, nic->mac);
		r = check_nic(s, n, e);
		if (r < 0)
			return r;
		count++;
	}
	for (int i = 0; i < DF_MAX_NICS; i++) {
		for (int j = i + 1; j < DF_MAX_NICS; j++) {
			if (!s->nic[i].used || !s->nic[j].used)
				continue;
			r = check_pair(&s->nic[i], &s->nic[j], e);
			if (r < 0)
				return r;
		}
	}
	return count;
}
