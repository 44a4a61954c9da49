// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>

#include "addr.h"
#include "attach.h"
#include "caps.h"
#include "ipv6.h"
#include "link.h"
#include "log.h"
#include "netns.h"
#include "probe.h"
#include "route.h"
#include "shim.h"
#include "util.h"

/* What one run changed for one NIC, so that a failure can take exactly that back. */
struct undo {
	bool created;		/* the link is ours: deleting it takes its addresses and routes */
	int index;
	const char *name;
	struct df_prefix addrs[DF_MAX_ADDRS];
	unsigned int n_addrs;
	struct route_entry routes[DF_MAX_ROUTES + 2];
	unsigned int n_routes;
	struct route_entry replaced[2];	/* default routes ours replaced, to put back */
	unsigned int n_replaced;
	bool shim;		/* host routes through the parent's shim */
};

struct run {
	const struct df_conf *conf;
	struct nl host;		/* opened in the host's namespace */
	struct nl cont;		/* opened in the container's namespace */
	int nsfd;
	struct undo undo[DF_MAX_NICS];
};

static int open_sockets(struct run *run, pid_t pid, struct df_err *e)
{
	int r;

	r = nl_open(&run->host, e);
	if (r < 0)
		return r;

	r = netns_open(pid, e);
	if (r < 0)
		return r;
	run->nsfd = r;

	r = netns_enter(run->nsfd, e);
	if (r < 0)
		return r;

	r = nl_open(&run->cont, e);
	if (r < 0)
		return r;

	return caps_enter_done(e);
}

static void close_sockets(struct run *run)
{
	nl_close(&run->cont);
	nl_close(&run->host);
	if (run->nsfd >= 0)
		close(run->nsfd);
}

/* A link of the NIC's name is already in the container: ours from an earlier run, or not? */
static int check_existing(const struct df_nic *nic, const struct link_info *li,
			  const struct link_info *parent, struct df_err *e)
{
	if (strcmp(li->kind, "macvlan") || li->parent != parent->index)
		return df_fail(e, EEXIST, "interface %s in the container is not a macvlan on %s",
			       nic->ifname, nic->parent);
	if (li->macvlan_mode != nic->mode)
		return df_fail(e, EEXIST, "interface %s exists in mode %s, not %s", nic->ifname,
			       macvlan_mode_name(li->macvlan_mode), macvlan_mode_name(nic->mode));
	if (nic->has_mac && memcmp(li->mac, nic->mac, 6))
		return df_fail(e, EEXIST, "interface %s exists with another MAC", nic->ifname);
	if (nic->mtu && li->mtu != nic->mtu)
		return df_fail(e, EEXIST, "interface %s exists with MTU %u, not %u", nic->ifname,
			       li->mtu, nic->mtu);
	return 0;
}

static int make_link(struct run *run, const struct df_nic *nic, struct link_info *li,
		     struct undo *u, struct df_err *e)
{
	struct link_info parent;
	struct macvlan_spec m;
	int r;

	r = link_get(&run->host, nic->parent, &parent, e);
	if (r < 0)
		return df_err_prefix(e, "parent NIC");

	r = link_get(&run->cont, nic->ifname, li, e);
	if (r == 0) {
		log_debug("%s: already in the container (index %d)", nic->ifname, li->index);
		u->index = li->index;
		return check_existing(nic, li, &parent, e);
	}
	if (r != -ENODEV)
		return r;

	m = (struct macvlan_spec){nic->ifname, parent.index, nic->parent, nic->mode,
				  nic->has_mac ? nic->mac : NULL, nic->mtu, run->nsfd};
	r = link_add_macvlan(&run->host, &m, e);
	if (r < 0)
		return r;
	u->created = true;
	log_debug("%s: created macvlan on %s (mode %s)", nic->ifname, nic->parent,
		  macvlan_mode_name(nic->mode));

	r = link_get(&run->cont, nic->ifname, li, e);
	if (r < 0)
		return r;
	u->index = li->index;
	return 0;
}

/* The addresses of @nic not yet on its link, split by family; one held elsewhere is refused. */
static int new_addresses(struct run *run, const struct df_nic *nic, struct undo *u,
			 struct df_prefix *v4, unsigned int *n4, struct df_prefix *v6,
			 unsigned int *n6, struct df_err *e)
{
	struct addr_table have;
	char text[DF_PREFIX_STRLEN], other[IFNAMSIZ];
	int r;

	*n4 = *n6 = 0;
	r = addr_dump(&run->cont, &have, e);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < nic->n_addrs && r == 0; i++) {
		const struct df_prefix *p = &nic->addrs[i];
		const struct addr_entry *got = addr_find(&have, &p->addr);

		if (got && got->index == u->index && got->prefix.len == p->len) {
			log_debug("%s: address %s already set", nic->ifname, prefix_str(p, text));
		} else if (got) {
			if (!if_indextoname((unsigned int)got->index, other))
				snprintf(other, sizeof(other), "#%d", got->index);
			r = df_fail(e, EEXIST, "add address %s: already present on %s",
				    prefix_str(p, text), other);
		} else if (p->addr.family == AF_INET) {
			v4[(*n4)++] = *p;
		} else {
			v6[(*n6)++] = *p;
		}
	}
	addr_table_free(&have);
	return r;
}

static int add_list(struct run *run, const struct df_nic *nic, struct undo *u,
		    const struct df_prefix *list, unsigned int n, uint32_t flags, struct df_err *e)
{
	char text[DF_PREFIX_STRLEN];

	for (unsigned int i = 0; i < n; i++) {
		int r = addr_add(&run->cont, u->index, &list[i], flags, e);

		if (r < 0)
			return r;
		u->addrs[u->n_addrs++] = list[i];
		log_debug("%s: added address %s", nic->ifname, prefix_str(&list[i], text));
	}
	return 0;
}

/* Probe the new IPv4 addresses, add them, then announce them; all from the container's NIC. */
static int add_ipv4(struct run *run, const struct df_nic *nic, struct undo *u,
		    const unsigned char mac[6], const struct df_prefix *v4, unsigned int n,
		    struct df_err *e)
{
	struct df_addr a[DF_MAX_ADDRS];
	struct arp_port port = {.fd = -1};
	int r;

	if (!n)
		return 0;
	for (unsigned int i = 0; i < n; i++)
		a[i] = v4[i].addr;
	r = arp_open(&port, u->index, mac, e);
	if (r == 0)
		r = arp_probe(&port, a, n, nic->dad, e);
	if (r == 0)
		r = add_list(run, nic, u, v4, n, 0, e);
	if (r == 0)
		r = arp_announce(&port, a, n, e);
	arp_close(&port);
	return r;
}

/*
 * IPv6 addresses go on first so that the kernel's duplicate address detection runs while
 * the IPv4 probes do; the outcome is awaited at the end.
 */
static int add_addresses(struct run *run, const struct df_nic *nic, struct undo *u,
			 const unsigned char mac[6], struct df_err *e)
{
	struct df_prefix v4[DF_MAX_ADDRS], v6[DF_MAX_ADDRS];
	struct ipv6_tuning tuning = {0};
	unsigned int n4, n6;
	int r;

	r = new_addresses(run, nic, u, v4, &n4, v6, &n6, e);
	if (r < 0)
		return r;
	if (n6) {
		r = ipv6_prepare(nic->ifname, nic->dad, &tuning, e);
		if (r == 0)
			r = add_list(run, nic, u, v6, n6, nic->dad == DF_DAD_OFF ? IFA_F_NODAD : 0,
				     e);
	}
	if (r == 0)
		r = add_ipv4(run, nic, u, mac, v4, n4, e);
	if (r == 0)
		r = ipv6_wait_dad(&run->cont, u->index, v6, n6, nic->dad, e);
	ipv6_restore(&tuning);
	return r;
}

/* Make @want the default route of its family, replacing another one if there is one. */
static int set_default(struct run *run, const struct route_table *have,
		       const struct route_entry *want, struct undo *u, struct df_err *e)
{
	const struct route_entry *old = route_find(have, &want->dst);
	char text[128];
	int r;

	for (size_t i = 0; i < have->n; i++) {
		if (route_same(&have->v[i], want)) {
			log_debug("route %s already set", route_str(want, text, sizeof(text)));
			return 0;
		}
	}
	r = route_add(&run->cont, want, old != NULL, e);
	if (r < 0)
		return r;
	if (old)
		u->replaced[u->n_replaced++] = *old;
	u->routes[u->n_routes++] = *want;
	log_debug("%s route %s", old ? "replaced default with" : "added",
		  route_str(want, text, sizeof(text)));
	return 0;
}

/* Add @want unless the same route is there; a different route to its destination is an error. */
static int add_route(struct run *run, const struct route_table *have,
		     const struct route_entry *want, struct undo *u, struct df_err *e)
{
	const struct route_entry *old = route_find(have, &want->dst);
	char text[128];
	int r;

	if (old && route_same(old, want)) {
		log_debug("route %s already set", route_str(want, text, sizeof(text)));
		return 0;
	}
	if (old)
		return df_fail(e, EEXIST, "add route %s: another route to it exists",
			       route_str(want, text, sizeof(text)));
	r = route_add(&run->cont, want, false, e);
	if (r < 0)
		return r;
	u->routes[u->n_routes++] = *want;
	log_debug("added route %s", route_str(want, text, sizeof(text)));
	return 0;
}

static int add_routes(struct run *run, const struct df_nic *nic, struct undo *u,
		      struct df_err *e)
{
	struct route_table have;
	int r = 0;

	if (!nic->n_gateways && !nic->n_routes)
		return 0;
	r = route_dump(&run->cont, &have, e);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < nic->n_gateways && r == 0; i++) {
		struct route_entry want = {.gw = nic->gateways[i], .has_gw = true, .oif = u->index};

		want.dst.addr.family = nic->gateways[i].family;
		r = set_default(run, &have, &want, u, e);
	}
	for (unsigned int i = 0; i < nic->n_routes && r == 0; i++) {
		const struct df_route *rt = &nic->routes[i];
		struct route_entry want = {.dst = rt->dst, .gw = rt->via, .has_gw = rt->has_via,
					   .oif = u->index};

		r = add_route(run, &have, &want, u, e);
	}
	route_table_free(&have);
	return r;
}

/* Take back what this run did to one NIC, newest first. Failures here are only logged. */
static void undo_nic(struct run *run, const struct df_nic *nic, struct undo *u)
{
	struct df_err e;

	if (u->shim && shim_release(&run->host, nic, run->conf, &e) < 0)
		log_debug("undo: %s", e.msg);

	if (!u->created) {
		while (u->n_routes)
			if (route_del(&run->cont, &u->routes[--u->n_routes], &e) < 0)
				log_debug("undo: %s", e.msg);
		while (u->n_addrs)
			if (addr_del(&run->cont, u->index, &u->addrs[--u->n_addrs], &e) < 0)
				log_debug("undo: %s", e.msg);
	} else if (link_delete(&run->cont, u->index, u->name, &e) < 0) {
		log_debug("undo: %s", e.msg);
	}
	while (u->n_replaced)
		if (route_add(&run->cont, &u->replaced[--u->n_replaced], true, &e) < 0)
			log_debug("undo: %s", e.msg);
	u->created = false;
}

static void audit_nic(const struct df_nic *nic, const struct link_info *li)
{
	char addrs[256] = "", text[DF_PREFIX_STRLEN];
	size_t o = 0;

	for (unsigned int i = 0; i < nic->n_addrs && o < sizeof(addrs); i++)
		o += (size_t)snprintf(addrs + o, sizeof(addrs) - o, "%s%s", i ? "," : "",
				      prefix_str(&nic->addrs[i], text));
	log_audit("attached %s: macvlan on %s, mode %s, mac %02x:%02x:%02x:%02x:%02x:%02x, "
		  "mtu %u, addresses %s",
		  nic->ifname, nic->parent, macvlan_mode_name(nic->mode), li->mac[0], li->mac[1],
		  li->mac[2], li->mac[3], li->mac[4], li->mac[5], li->mtu, o ? addrs : "none");
}

static int attach_nic(struct run *run, const struct df_nic *nic, struct undo *u,
		      struct df_err *e)
{
	struct link_info li;
	int r;

	u->name = nic->ifname;
	r = make_link(run, nic, &li, u, e);
	if (r < 0)
		return r;

	/* Up before the addresses: conflict probes go out through the NIC itself. */
	if (!(li.flags & IFF_UP)) {
		r = link_set_up(&run->cont, u->index, nic->ifname, e);
		if (r < 0)
			return r;
	}

	r = add_addresses(run, nic, u, li.mac, e);
	if (r < 0)
		return r;

	r = add_routes(run, nic, u, e);
	if (r < 0)
		return r;

	r = shim_attach(&run->host, nic, run->conf, e);
	if (r < 0)
		return r;
	u->shim = nic->host_route;

	audit_nic(nic, &li);
	return 0;
}

int attach_all(pid_t pid, const struct df_settings *s, const struct df_conf *conf,
	       struct df_err *e)
{
	struct run run = {.conf = conf, .nsfd = -1};
	int r = 0, n;

	r = open_sockets(&run, pid, e);
	for (n = 0; n < DF_MAX_NICS && r == 0; n++) {
		if (!s->nic[n].used)
			continue;
		r = attach_nic(&run, &s->nic[n], &run.undo[n], e);
		if (r < 0)
			df_err_prefix(e, "%s", s->nic[n].ifname);
	}
	if (r < 0) {
		while (n-- > 0)
			undo_nic(&run, &s->nic[n], &run.undo[n]);
	}
	close_sockets(&run);
	return r;
}

int release_all(const struct df_settings *s, const struct df_conf *conf, struct df_err *e)
{
	struct nl host;
	int r;

	r = nl_open(&host, e);
	for (int n = 0; n < DF_MAX_NICS && r == 0; n++) {
		if (!s->nic[n].used)
			continue;
		r = shim_release(&host, &s->nic[n], conf, e);
		if (r < 0)
			df_err_prefix(e, "%s: release", s->nic[n].ifname);
		else
			log_debug("%s: released", s->nic[n].ifname);
	}
	nl_close(&host);
	return r;
}
