/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_SETTINGS_H
#define DF_SETTINGS_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

#include "err.h"
#include "parse.h"

/*
 * A container's dockerfly settings. They come from one source: annotations
 * ("dockerfly.KEY", "dockerfly.nicN.KEY") or environment variables ("DOCKERFLY_KEY",
 * "DOCKERFLY_NICN_KEY"). NIC 0 is the one without "nicN"; N runs 1..15. Every key is checked
 * as it is set; settings_finish() then checks what only the whole can tell.
 */

#define DF_MAX_NICS   16
#define DF_MAX_ADDRS  8
#define DF_MAX_ROUTES 16

/* Where a NIC's IPv4 address comes from. */
enum df_addr_mode {
	DF_ADDR_STATIC, /* the addresses given, or none */
	DF_ADDR_DHCP,	/* a lease from the LAN's DHCP server ("dhcp") */
	DF_ADDR_POOL,	/* the host's pool ("pool:NAME") */
};

#define DF_POOL_NAME_MAX 64

struct df_nic {
	bool used;
	unsigned int keys; /* bit per key, to refuse a key given twice */
	char parent[IFNAMSIZ];
	char ifname[IFNAMSIZ];
	struct df_prefix addrs[DF_MAX_ADDRS];
	unsigned int n_addrs;
	struct df_addr gateways[2]; /* at most one per family */
	unsigned int n_gateways;
	struct df_route routes[DF_MAX_ROUTES];
	unsigned int n_routes;
	unsigned char mac[6];
	bool has_mac;
	bool mac_stable;  /* derive the MAC from hostname and ifname (settings_finish) */
	unsigned int mtu; /* 0: the kernel's choice (the parent's) */
	uint32_t mode;	  /* MACVLAN_MODE_* */
	enum df_dad dad;
	bool host_route; /* reach the container from the host through a shim */
	bool quickack;	 /* its routes ACK at once instead of delaying ACKs */
	enum df_addr_mode addr_mode;
	char pool[DF_POOL_NAME_MAX + 1];
	unsigned int dhcp_timeout_ms;
};

#define DF_DHCP_TIMEOUT_MS 5000

enum df_source {
	DF_SOURCE_NONE,
	DF_SOURCE_STATE,  /* annotations in the runtime's state */
	DF_SOURCE_CONFIG, /* annotations in the bundle's config.json */
	DF_SOURCE_ENV,	  /* process.env in the bundle's config.json */
};

/* Host-wide defaults, from the host's configuration file; a container's own keys win. */
struct df_defaults {
	enum df_dad dad;
	bool host_route;
	bool quickack;
};

struct df_settings {
	struct df_nic nic[DF_MAX_NICS];
	enum df_source source;
	bool debug;
	char hostname[256]; /* config.json "hostname", for mac=stable */
};

/* Start from nothing but @defaults (NULL: dad quick, host-route off, quickack on). */
void settings_init(struct df_settings *s, const struct df_defaults *defaults);
const char *settings_source_name(enum df_source source);

/* Is @key an annotation dockerfly reads ("dockerfly." prefix)? */
bool settings_is_annotation(const char *key);
/* Is @entry ("NAME=VALUE") an environment variable dockerfly reads ("DOCKERFLY_" prefix)? */
bool settings_is_env(const char *entry);

/* Does any NIC need the container's hostname (mac=stable, or DHCP, which sends it)? */
bool settings_need_hostname(const struct df_settings *s);

/* Does any NIC name an IPv4 gateway? */
bool settings_gateway4(const struct df_settings *s);

/* Apply the annotation @key = @value. Unknown keys and bad values are refused. */
int settings_set_annotation(struct df_settings *s, const char *key, const char *value,
			    struct df_err *e);
/* Apply one environment entry "DOCKERFLY_KEY=VALUE". */
int settings_set_env(struct df_settings *s, const char *entry, struct df_err *e);

/*
 * Check the settings as a whole and fill in defaults: every NIC named has a parent, names and
 * addresses are unique across NICs, at most one default gateway per family across all NICs,
 * a gateway has an address of its family on its NIC, IPv6 gets an MTU of at least 1280,
 * mac=stable has a hostname to derive from.
 * Returns the number of NICs in use.
 */
int settings_finish(struct df_settings *s, struct df_err *e);

#endif
