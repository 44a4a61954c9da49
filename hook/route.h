/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_ROUTE_H
#define DF_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"
#include "parse.h"

/* Unicast routes of the main table over rtnetlink, in the namespace of the socket given. */

struct route_entry {
	struct df_prefix dst; /* length 0: the default route */
	struct df_addr gw;
	bool has_gw;
	struct df_addr src; /* preferred source address */
	bool has_src;
	int oif;
	uint32_t priority;
	uint8_t protocol;
	uint8_t scope;
	bool quickack; /* TCP over it ACKs at once (RTAX_QUICKACK); not read back by a dump */
};

struct route_table {
	struct route_entry *v;
	size_t n, cap;
};

/* Every unicast route of the main table. Release it with route_table_free(). */
int route_dump(struct nl *nl, struct route_table *t, struct df_err *e);
void route_table_free(struct route_table *t);
/* The first route to exactly @dst, or NULL. */
const struct route_entry *route_find(const struct route_table *t, const struct df_prefix *dst);
/* Do @a and @b send the same traffic the same way (destination, gateway, device)? */
bool route_same(const struct route_entry *a, const struct route_entry *b);

/*
 * Add @rt. With @replace the route replaces one to the same destination and priority;
 * without, an existing one is an error (-EEXIST).
 */
int route_add(struct nl *nl, const struct route_entry *rt, bool replace, struct df_err *e);
int route_del(struct nl *nl, const struct route_entry *rt, struct df_err *e);

/*
 * Set quickack on the routes the kernel made for the addresses of device @oif (its subnets,
 * fe80::/64), as listed in @t. A route whose destination has another route of the same
 * priority is left as it is: a replace could hit the other one.
 */
int route_quickack_kernel(struct nl *nl, const struct route_table *t, int oif, struct df_err *e);

/* "10.0.0.0/8 via 198.18.0.254", "default via 198.18.0.1", for messages. */
const char *route_str(const struct route_entry *rt, char *buf, size_t size);

#endif
