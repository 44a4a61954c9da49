/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_ADDR_H
#define DF_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"
#include "parse.h"

/* Interface addresses over rtnetlink, in the namespace of the socket given. */

struct addr_entry {
	int index;
	struct df_prefix prefix;
	uint32_t flags; /* IFA_F_* */
};

struct addr_table {
	struct addr_entry *v;
	size_t n, cap;
};

/* Every IPv4 and IPv6 address in the namespace. Release the table with addr_table_free(). */
int addr_dump(struct nl *nl, struct addr_table *t, struct df_err *e);
void addr_table_free(struct addr_table *t);
/* The entry holding @a, or NULL. */
const struct addr_entry *addr_find(const struct addr_table *t, const struct df_addr *a);

/* Add @p to link @index. @flags are IFA_F_* (e.g. IFA_F_NODAD). */
int addr_add(struct nl *nl, int index, const struct df_prefix *p, uint32_t flags, struct df_err *e);
/*
 * Add or, with @replace, refresh @p with a lifetime of @valid_s seconds: the kernel removes
 * it when that runs out, so a DHCP lease nobody renews cannot outlive itself.
 */
int addr_add_lease(struct nl *nl, int index, const struct df_prefix *p, uint32_t valid_s,
		   bool replace, struct df_err *e);
int addr_del(struct nl *nl, int index, const struct df_prefix *p, struct df_err *e);

#endif
