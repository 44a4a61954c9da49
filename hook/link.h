/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_LINK_H
#define DF_LINK_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "nl.h"

/* Network interfaces over rtnetlink, in the namespace of the socket given. */

struct link_info {
	int index;
	char name[IFNAMSIZ];
	char kind[16]; /* IFLA_INFO_KIND, "" for a device without one */
	int parent;    /* IFLA_LINK: the lower device's index (in its own namespace) */
	unsigned int mtu;
	unsigned char mac[6];
	bool has_mac;
	unsigned int flags; /* IFF_* */
	uint32_t macvlan_mode;
};

struct macvlan_spec {
	const char *name;
	int parent; /* index of the lower device, in the socket's namespace */
	const char *parent_name;
	uint32_t mode;		  /* MACVLAN_MODE_* */
	const unsigned char *mac; /* NULL: the kernel picks one */
	unsigned int mtu;	  /* 0: the parent's */
	int netns_fd;		  /* the namespace to create it in; -1: the socket's own */
};

/* Look up link @name. Returns -ENODEV, with a message, when there is none. */
int link_get(struct nl *nl, const char *name, struct link_info *li, struct df_err *e);
int link_get_index(struct nl *nl, int index, struct link_info *li, struct df_err *e);

/*
 * Create a macvlan in one request, straight in the target namespace when @m->netns_fd is set,
 * so that no half-made link ever sits in the caller's namespace.
 */
int link_add_macvlan(struct nl *nl, const struct macvlan_spec *m, struct df_err *e);

int link_set_up(struct nl *nl, int index, const char *name, struct df_err *e);
int link_delete(struct nl *nl, int index, const char *name, struct df_err *e);

#endif
