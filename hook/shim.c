// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "addr.h"
#include "files.h"
#include "link.h"
#include "log.h"
#include "route.h"
#include "sysctl.h"
#include "shim.h"
#include "util.h"

static void shim_name(int parent_index, char name[IFNAMSIZ])
{
	snprintf(name, IFNAMSIZ, "dfs%d", parent_index);
}

/* Take the parent's lock; it is released when the returned fd is closed. */
static int shim_lock(const char *parent, struct df_err *e)
{
	char name[32], path[600];
	int r;

	snprintf(name, sizeof(name), "shim-%s", parent);
	r = run_path(path, sizeof(path), "locks", name, ".lock", e);
	if (r < 0)
		return r;
	return lock_file(path, e);
}

/* The host's own address on the LAN of @nic, to send from: configured, or on the parent. */
static int source_address(struct nl *host, const struct df_nic *nic, int parent_index,
			  const struct df_conf *conf, struct df_addr *src, bool *on_shim,
			  struct df_err *e)
{
	const struct df_addr *configured = conf_shim_address(conf, nic->parent);
	struct addr_table have;
	int r;

	*on_shim = configured != NULL;
	if (configured) {
		*src = *configured;
		return 0;
	}
	r = addr_dump(host, &have, e);
	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; i < have.n && r < 0; i++) {
		for (unsigned int j = 0; j < nic->n_addrs && r < 0; j++) {
			if (have.v[i].index == parent_index &&
			    prefix_contains(&have.v[i].prefix, &nic->addrs[j].addr)) {
				*src = have.v[i].prefix.addr;
				r = 0;
			}
		}
	}
	addr_table_free(&have);
	if (r < 0)
		return df_fail(e, EADDRNOTAVAIL,
			       "host route: the host has no address on %s's LAN; give %s one or "
			       "set shim-address.%s in " DF_CONF_PATH,
			       nic->parent, nic->parent, nic->parent);
	return 0;
}

/*
 * The shim of @parent, made if it is not there: IPv6 off before it comes up, so that a router
 * on the LAN cannot give the host an address or a default route through it. Only the host's
 * namespace shows the shim's sysctls: this runs before the hook enters the container's.
 * Returns its index.
 */
static int ensure_shim(struct nl *host, const struct link_info *parent, struct df_err *e)
{
	struct link_info li;
	char name[IFNAMSIZ];
	int r;

	shim_name(parent->index, name);
	r = link_get(host, name, &li, e);
	if (r == -ENODEV) {
		struct macvlan_spec m = {
			name, parent->index, parent->name, MACVLAN_MODE_BRIDGE, NULL, 0, -1};

		r = link_add_macvlan(host, &m, e);
		if (r == 0)
			r = sysctl_write("ipv6", "conf", name, "disable_ipv6", "1", e);
		if (r == 0)
			r = link_get(host, name, &li, e);
		if (r == 0)
			log_debug("made host shim %s on %s", name, parent->name);
	} else if (r == 0 && (strcmp(li.kind, "macvlan") || li.parent != parent->index)) {
		r = df_fail(e, EEXIST, "host shim %s exists and is not a macvlan on %s", name,
			    parent->name);
	}
	if (r < 0)
		return r;
	if (!(li.flags & IFF_UP)) {
		r = link_set_up(host, li.index, name, e);
		if (r < 0)
			return r;
	}
	return li.index;
}

/* The shim of @parent as it is; after the hook entered the container it can no longer make one. */
static int find_shim(struct nl *host, const struct link_info *parent, struct df_err *e)
{
	struct link_info li;
	char name[IFNAMSIZ];

	shim_name(parent->index, name);
	if (link_get(host, name, &li, e) < 0)
		return df_fail(e, EAGAIN, "host shim %s went away while the container started",
			       name);
	return li.index;
}

/* Put the configured shim address on the shim, as a /32: a source, not a subnet. */
static int shim_address(struct nl *host, int shim, const struct df_addr *src, struct df_err *e)
{
	struct df_prefix p = {*src, 32};
	int r = addr_add(host, shim, &p, 0, e);

	return r == -EEXIST ? 0 : r;
}

static struct route_entry host_route(const struct df_addr *dst, int shim, const struct df_addr *src)
{
	struct route_entry rt = {.dst = {*dst, 32}, .oif = shim};

	if (src) {
		rt.src = *src;
		rt.has_src = true;
	}
	return rt;
}

/*
 * Which container a host route belongs to: /run/dockerfly/routes/SHIM-ADDR holds its id. The
 * same address may pass from a stopped container to a new one before the old one's poststop
 * runs; that poststop must then leave the route alone.
 */
static int owner_path(int shim, const struct df_addr *a, char *path, size_t size, struct df_err *e)
{
	char name[64], text[DF_ADDR_STRLEN];

	snprintf(name, sizeof(name), "dfs%d-%s", shim, addr_str(a, text));
	return run_path(path, size, "routes", name, "", e);
}

static bool owned_by_other(int shim, const struct df_addr *a, const char *id)
{
	char path[600], owner[160];
	struct df_err e;
	FILE *f;
	bool other = false;

	if (owner_path(shim, a, path, sizeof(path), &e) < 0)
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(owner, sizeof(owner), f)) {
		owner[strcspn(owner, "\n")] = '\0';
		other = strcmp(owner, id) != 0;
	}
	fclose(f);
	if (!other)
		unlink(path);
	return other;
}

static int add_routes(struct nl *host, const struct df_nic *nic, const char *id, int shim,
		      const struct df_addr *src, struct df_err *e)
{
	char path[600];
	int r;

	for (unsigned int i = 0; i < nic->n_addrs; i++) {
		struct route_entry rt = host_route(&nic->addrs[i].addr, shim, src);

		if (nic->addrs[i].addr.family != AF_INET)
			continue;
		/* Replace: a route a crashed container left must not block its successor. */
		r = route_add(host, &rt, true, e);
		if (r == 0)
			r = owner_path(shim, &nic->addrs[i].addr, path, sizeof(path), e);
		if (r == 0)
			r = write_atomic(path, id, strlen(id), 0600, false, e);
		if (r < 0)
			return df_err_prefix(e, "host route");
	}
	return 0;
}

static bool has_ipv4(const struct df_nic *nic)
{
	for (unsigned int i = 0; i < nic->n_addrs; i++) {
		if (nic->addrs[i].addr.family == AF_INET)
			return true;
	}
	return false;
}

/* Make or find the shim, set its address, and route @nic's IPv4 addresses through it. */
static int shim_routes(struct nl *host, const struct df_nic *nic, const char *id,
		       const struct df_conf *conf, bool make, struct df_err *e)
{
	_cleanup_fd_ int lock = -1;
	struct link_info parent;
	struct df_addr src;
	bool on_shim;
	int shim, r;

	lock = shim_lock(nic->parent, e);
	if (lock < 0)
		return lock;
	r = link_get(host, nic->parent, &parent, e);
	if (r < 0)
		return r;
	shim = make ? ensure_shim(host, &parent, e) : find_shim(host, &parent, e);
	if (shim < 0 || !has_ipv4(nic))
		return shim < 0 ? shim : 0;
	r = source_address(host, nic, parent.index, conf, &src, &on_shim, e);
	if (r == 0 && on_shim)
		r = shim_address(host, shim, &src, e);
	if (r == 0)
		r = add_routes(host, nic, id, shim, &src, e);
	return r;
}

int shim_prepare(struct nl *host, const struct df_nic *nic, const char *id,
		 const struct df_conf *conf, struct df_err *e)
{
	int r;

	if (!nic->host_route)
		return 0;
	r = shim_routes(host, nic, id, conf, true, e);
	if (r < 0)
		shim_release(host, nic, id, conf, NULL);
	return r;
}

int shim_attach(struct nl *host, const struct df_nic *nic, const char *id,
		const struct df_conf *conf, struct df_err *e)
{
	if (!nic->host_route || !has_ipv4(nic))
		return 0;
	return shim_routes(host, nic, id, conf, false, e);
}

/* Is any host route still going through shim @index? */
static int shim_in_use(struct nl *host, int index, struct df_err *e)
{
	struct route_table t;
	int used = 0, r;

	r = route_dump(host, &t, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < t.n && !used; i++)
		used = t.v[i].oif == index && t.v[i].dst.len == 32;
	route_table_free(&t);
	return used;
}

static int remove_routes(struct nl *host, const struct df_nic *nic, const char *id,
			 const struct df_conf *conf, struct df_err *e)
{
	struct link_info parent, shim;
	char name[IFNAMSIZ];
	int r;

	/* A parent that is gone took its shim and the routes with it. */
	if (link_get(host, nic->parent, &parent, e) < 0)
		return 0;
	shim_name(parent.index, name);
	if (link_get(host, name, &shim, e) < 0)
		return 0;
	for (unsigned int i = 0; i < nic->n_addrs; i++) {
		struct route_entry rt = host_route(&nic->addrs[i].addr, shim.index, NULL);

		if (nic->addrs[i].addr.family != AF_INET ||
		    owned_by_other(shim.index, &rt.dst.addr, id))
			continue;
		r = route_del(host, &rt, e);
		if (r < 0 && r != -ESRCH && r != -ENOENT)
			return df_err_prefix(e, "host route");
	}
	if (conf->shim_keep)
		return 0;
	r = shim_in_use(host, shim.index, e);
	if (r != 0)
		return r < 0 ? r : 0;
	log_debug("removing host shim %s: no container uses it", name);
	return link_delete(host, shim.index, name, e);
}

int shim_release(struct nl *host, const struct df_nic *nic, const char *id,
		 const struct df_conf *conf, struct df_err *e)
{
	_cleanup_fd_ int lock = -1;
	struct df_err ignored;

	if (!e)
		e = &ignored;
	if (!nic->host_route)
		return 0;
	lock = shim_lock(nic->parent, e);
	if (lock < 0)
		return lock;
	return remove_routes(host, nic, id, conf, e);
}
