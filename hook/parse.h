/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_PARSE_H
#define DF_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>

#include "err.h"

/*
 * Parsers for every value a user can give. Pure functions: they touch no system state, refuse
 * anything malformed with a message quoting the value, and never accept a prefix of a valid
 * value (no trailing garbage, no silent truncation).
 */

#define DF_ADDR_STRLEN	 INET6_ADDRSTRLEN
#define DF_PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)

struct df_addr {
	int family; /* AF_INET or AF_INET6 */
	unsigned char bytes[16];
};

struct df_prefix {
	struct df_addr addr;
	unsigned char len;
};

struct df_route {
	struct df_prefix dst; /* a network: host bits are zero */
	struct df_addr via;
	bool has_via;
};

/* Length in bytes of an address of @family (4 or 16). */
unsigned int addr_size(int family);
bool addr_equal(const struct df_addr *a, const struct df_addr *b);
bool prefix_equal(const struct df_prefix *a, const struct df_prefix *b);
/* Does @net (with its length) contain @addr? */
bool prefix_contains(const struct df_prefix *net, const struct df_addr *addr);

const char *addr_str(const struct df_addr *a, char buf[DF_ADDR_STRLEN]);
const char *prefix_str(const struct df_prefix *p, char buf[DF_PREFIX_STRLEN]);

/* A bare IPv4 or IPv6 unicast address, as a gateway is given. */
int parse_gateway(const char *s, struct df_addr *out, struct df_err *e);
/* An interface address with its prefix length: "198.18.0.10/24", "fd18::10/64". */
int parse_host_prefix(const char *s, struct df_prefix *out, struct df_err *e);
/* A route: "DST/LEN" or "DST/LEN via GW"; DST is a network, GW of the same family. */
int parse_route(const char *s, struct df_route *out, struct df_err *e);
/* A unicast MAC address "02:00:00:00:00:01"; not multicast, not all zero. */
int parse_mac(const char *s, unsigned char mac[6], struct df_err *e);
/* An MTU, 68..65535. */
int parse_mtu(const char *s, unsigned int *mtu, struct df_err *e);
/* An interface name: 1..15 of [A-Za-z0-9_.-], not "." or "..". */
int parse_ifname(const char *s, char out[IFNAMSIZ], struct df_err *e);
/* A macvlan mode: bridge, private, vepa or passthru, as the kernel's MACVLAN_MODE_* value. */
int parse_macvlan_mode(const char *s, uint32_t *mode, struct df_err *e);
const char *macvlan_mode_name(uint32_t mode);
/* Address conflict detection before an address is used. */
enum df_dad {
	DF_DAD_QUICK, /* a few fast probes: well under 100 ms for a free address */
	DF_DAD_OFF,
	DF_DAD_STRICT, /* RFC 5227 timings for IPv4, the kernel's own for IPv6 */
};

/* off, quick or strict. */
int parse_dad(const char *s, enum df_dad *out, struct df_err *e);
const char *dad_name(enum df_dad dad);

/*
 * A locally administered unicast MAC derived from @hostname and @ifname alone, so that a
 * machine made again under the same name keeps its MAC (DHCP reservations, switch port
 * security, neighbours' ARP caches).
 */
void mac_stable(const char *hostname, const char *ifname, unsigned char mac[6]);

/* Can @s name a file as it is: [A-Za-z0-9_.+-], not starting with '.', 1..128 characters? */
bool safe_name(const char *s);

/* A switch: 1/0, on/off, true/false, yes/no. */
int parse_bool(const char *s, bool *out, struct df_err *e);

/*
 * Split @s at commas and call @fn on each item with blanks trimmed. An empty item ("a,,b",
 * trailing comma, empty string) is an error. Returns the number of items or the first error.
 */
int parse_list(const char *s, int (*fn)(const char *item, void *data, struct df_err *e), void *data,
	       struct df_err *e);

#endif
