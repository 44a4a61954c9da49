// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
 * Which container a host route belongs to: /run/dockerfly/routes/SHIM-ADDR holds its id and
 * its init's pid and start time ("ID PID START"). The same address may pass from a stopped
 * container to a new one before the old one's poststop runs; that poststop must then leave the
 * route alone. A container whose hook was killed mid-attach has no poststop at all: its routes
 * go when the next container routes through the shim (drop_if_gone).
 */
static int owner_path(int shim, const struct df_addr *a, char *path, size_t size, struct df_err *e)
{
	char name[64], text[DF_ADDR_STRLEN];

	snprintf(name, sizeof(name), "dfs%d-%s", shim, addr_str(a, text));
	return run_path(path, size, "routes", name, "", e);
}

/*
 * Read an owner file: the id into @id, and the pid and start time (0 in records without them,
 * or with anything else after the id).
 */
static bool read_owner(const char *path, char id[160], long *pid, unsigned long long *start)
{
	char line[200], *p, *end;
	FILE *f = fopen(path, "re");
	size_t n;

	*pid = 0;
	*start = 0;
	if (!f)
		return false;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	if (!p)
		return false;
	line[strcspn(line, "\n")] = '\0';
	n = strcspn(line, " ");
	if (n == 0 || n >= 160)
		return false;
	memcpy(id, line, n);
	id[n] = '\0';
	if (!line[n])
		return true;
	errno = 0;
	*pid = strtol(line + n + 1, &end, 10);
	if (*end == ' ')
		*start = strtoull(end + 1, &end, 10);
	if (errno || *end || *pid <= 0 || !*start) {
		*pid = 0;
		*start = 0;
	}
	return true;
}

static bool owned_by_other(int shim, const struct df_addr *a, const char *id)
{
	char path[600], owner[160];
	unsigned long long start;
	struct df_err e;
	long pid;

	if (owner_path(shim, a, path, sizeof(path), &e) < 0 ||
	    !read_owner(path, owner, &pid, &start))
		return false;
	if (strcmp(owner, id) != 0)
		return true;
	unlink(path);
	return false;
}

/* One record of /run/dockerfly/routes, as each_record reads it. */
struct route_record {
	int shim;
	struct df_addr addr;
	char path[600];
	char owner[160];
	long pid;
	unsigned long long start;
};

/* Call @fn for each record of an IPv4 address through shim @shim (any shim when @shim is 0). */
static void each_record(struct nl *host, int shim,
			void (*fn)(struct nl *host, const struct route_record *rec,
				   const void *data),
			const void *data)
{
	char dir_path[600], *slash;
	struct dirent *d;
	struct df_err e;
	DIR *dir;

	if (owner_path(0, &(struct df_addr){.family = AF_INET}, dir_path, sizeof(dir_path), &e) < 0)
		return;
	slash = strrchr(dir_path, '/');
	if (!slash)
		return;
	*slash = '\0';
	dir = opendir(dir_path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		struct route_record rec = {.addr = {.family = AF_INET}};
		char *end;
		long index;

		if (strncmp(d->d_name, "dfs", 3))
			continue;
		index = strtol(d->d_name + 3, &end, 10);
		if (*end != '-' || index <= 0 || index > INT_MAX || (shim && index != shim))
			continue;
		rec.shim = (int)index;
		if (inet_pton(AF_INET, end + 1, rec.addr.bytes) != 1 ||
		    owner_path(rec.shim, &rec.addr, rec.path, sizeof(rec.path), &e) < 0 ||
		    !read_owner(rec.path, rec.owner, &rec.pid, &rec.start))
			continue;
		fn(host, &rec, data);
	}
	closedir(dir);
}

/* A record whose container's init no longer runs: its route and the record go. */
static void drop_if_gone(struct nl *host, const struct route_record *rec, const void *data)
{
	char text[DF_ADDR_STRLEN];
	unsigned long long now;
	struct route_entry rt;
	struct df_err e;

	(void)data;
	/* Records without a pid (older ones) are left alone. */
	if (rec->pid <= 0)
		return;
	now = proc_start_time(rec->pid);
	if (now && now == rec->start)
		return;
	log_debug("host route %s of container %s: its init is gone, removing it",
		  addr_str(&rec->addr, text), rec->owner);
	rt = host_route(&rec->addr, rec->shim, NULL);
	route_del(host, &rt, &e);
	unlink(rec->path);
}

/* A record of container @data whose shim went with its parent: only the record is left. */
static void drop_if_owner(struct nl *host, const struct route_record *rec, const void *data)
{
	(void)host;
	if (!strcmp(rec->owner, data))
		unlink(rec->path);
}

static int add_routes(struct nl *host, const struct df_nic *nic, const char *id, pid_t pid,
		      int shim, const struct df_addr *src, struct df_err *e)
{
	char path[600], owner[220];
	int r, n;

	n = snprintf(owner, sizeof(owner), "%s %ld %llu\n", id, (long)pid, proc_start_time(pid));
	if (n < 0 || (size_t)n >= sizeof(owner))
		return df_fail(e, ENAMETOOLONG, "host route: container id '%s' is too long", id);
	for (unsigned int i = 0; i < nic->n_addrs; i++) {
		struct route_entry rt = host_route(&nic->addrs[i].addr, shim, src);

		if (nic->addrs[i].addr.family != AF_INET)
			continue;
		/* Replace: a route a crashed container left must not block its successor. */
		r = route_add(host, &rt, true, e);
		if (r == 0)
			r = owner_path(shim, &nic->addrs[i].addr, path, sizeof(path), e);
		if (r == 0)
			r = write_atomic(path, owner, (size_t)n, 0600, false, e);
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
static int shim_routes(struct nl *host, const struct df_nic *nic, const char *id, pid_t pid,
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
	/* Once per attach: shim_attach comes back here for the dynamic addresses. */
	if (make)
		each_record(host, shim, drop_if_gone, NULL);
	r = source_address(host, nic, parent.index, conf, &src, &on_shim, e);
	if (r == 0 && on_shim)
		r = shim_address(host, shim, &src, e);
	if (r == 0)
		r = add_routes(host, nic, id, pid, shim, &src, e);
	return r;
}

int shim_prepare(struct nl *host, const struct df_nic *nic, const char *id, pid_t pid,
		 const struct df_conf *conf, struct df_err *e)
{
	int r;

	if (!nic->host_route)
		return 0;
	r = shim_routes(host, nic, id, pid, conf, true, e);
	if (r < 0)
		shim_release(host, nic, id, conf, NULL);
	return r;
}

int shim_attach(struct nl *host, const struct df_nic *nic, const char *id, pid_t pid,
		const struct df_conf *conf, struct df_err *e)
{
	if (!nic->host_route || !has_ipv4(nic))
		return 0;
	return shim_routes(host, nic, id, pid, conf, false, e);
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

	/* A parent that is gone took its shim and the routes with it; the records stay to go. */
	if (link_get(host, nic->parent, &parent, e) < 0) {
		each_record(host, 0, drop_if_owner, id);
		return 0;
	}
	shim_name(parent.index, name);
	if (link_get(host, name, &shim, e) < 0) {
		each_record(host, 0, drop_if_owner, id);
		return 0;
	}
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
