// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/if_addr.h>

#include "addr.h"
#include "attach.h"
#include "caps.h"
#include "files.h"
#include "ipv6.h"
#include "keeper.h"
#include "lease.h"
#include "link.h"
#include "log.h"
#include "netns.h"
#include "probe.h"
#include "route.h"
#include "shim.h"
#include "sysctl.h"
#include "util.h"

/*
 * A container removed a moment ago still holds its NIC, MAC and addresses until the kernel
 * has finished tearing down its network namespace, which takes a second or two under load:
 * the same machine made again at once meets its own ghost. A conflict is given this long to
 * go away before it counts.
 */
#define GHOST_WAIT_MS 3000
#define GHOST_STEP_MS 200

/* A pool address that answers ARP is skipped for the next; this many tries at most. */
#define POOL_TRIES 5

/* What one run changed for one NIC, so that a failure can take exactly that back. */
struct undo {
	bool created; /* the link is ours: deleting it takes its addresses and routes */
	int index;
	const char *name;
	struct df_prefix addrs[DF_MAX_ADDRS];
	unsigned int n_addrs;
	struct route_entry routes[DF_MAX_ROUTES + 2];
	unsigned int n_routes;
	struct route_entry replaced[2]; /* default routes ours replaced, to put back */
	unsigned int n_replaced;
	bool shim;	    /* host routes through the parent's shim */
	struct lease lease; /* a DHCP or pool address, when the NIC takes one */
	struct df_addr dyn; /* that address, */
	uint32_t lifetime;  /* and its lifetime in seconds (0: permanent) */
	struct df_nic eff;  /* the NIC as configured: its settings plus a dynamic address */
	bool gw4_dynamic;   /* its source's router is the IPv4 default route */
	bool down;	    /* the link is not up yet */
};

struct run {
	const char *id;
	pid_t pid;
	const struct df_settings *s;
	const struct df_conf *conf;
	bool gw4_dynamic; /* a NIC's DHCP or pool router became the IPv4 default route */
	struct addr_table host_addrs; /* the host's own addresses, read once when needed */
	struct nl host;		      /* opened in the host's namespace */
	struct nl cont;		      /* opened in the container's namespace */
	int nsfd;
	struct undo undo[DF_MAX_NICS];
};

/* Host shims are made while the hook still sees the host's sysctls (see shim.h). */
static int prepare_shims(struct run *run, struct df_err *e)
{
	for (int n = 0; n < DF_MAX_NICS; n++) {
		const struct df_nic *nic = &run->s->nic[n];
		int r;

		if (!nic->used || !nic->host_route)
			continue;
		r = shim_prepare(&run->host, nic, run->id, run->pid, run->conf, e);
		if (r < 0)
			return df_err_prefix(e, "%s", nic->ifname);
		run->undo[n].shim = true;
		run->undo[n].eff = *nic;
	}
	return 0;
}

/* After a conflict seen at @start: wait a step and say whether to look again. */
static bool ghost_wait(long start, const char *what)
{
	struct timespec step = {0, GHOST_STEP_MS * 1000000L};

	if (df_now_ms() - start >= GHOST_WAIT_MS)
		return false;
	log_debug("%s; waiting in case its holder is a container being torn down", what);
	nanosleep(&step, NULL);
	return true;
}

static int open_sockets(struct run *run, pid_t pid, struct df_err *e)
{
	int r;

	r = nl_open(&run->host, e);
	if (r < 0)
		return r;

	r = prepare_shims(run, e);
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

	m = (struct macvlan_spec){
		nic->ifname, parent.index, nic->parent, nic->mode, nic->has_mac ? nic->mac : NULL,
		nic->mtu,    run->nsfd};
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

/*
 * Does the host itself hold @p? Its own addresses are out of the probes' sight: a macvlan's
 * frames go to the wire, never up through its parent.
 */
static int check_host(struct run *run, const struct df_prefix *p, struct df_err *e)
{
	const struct addr_entry *got;
	struct link_info li;
	char text[DF_ADDR_STRLEN];

	if (!run->host_addrs.v && addr_dump(&run->host, &run->host_addrs, e) < 0)
		return -e->code;
	got = addr_find(&run->host_addrs, &p->addr);
	if (!got)
		return 0;
	if (link_get_index(&run->host, got->index, &li, e) < 0)
		return -e->code;
	return df_fail(
		e, EADDRINUSE,
		"address %s is already used by this host on %s (%02x:%02x:%02x:%02x:%02x:%02x)",
		addr_str(&p->addr, text), li.name, li.mac[0], li.mac[1], li.mac[2], li.mac[3],
		li.mac[4], li.mac[5]);
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
		} else if (nic->dad != DF_DAD_OFF && (r = check_host(run, p, e)) < 0) {
			break;
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
		bool dyn = u->lifetime && addr_equal(&list[i].addr, &u->dyn);
		int r = dyn ? addr_add_lease(&run->cont, u->index, &list[i], u->lifetime, false, e)
			    : addr_add(&run->cont, u->index, &list[i], flags, e);

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
	/*
	 * Without probes the kernel announces the addresses itself when the link comes up
	 * (arp_notify), which spares the packet socket: opening and closing one waits for an
	 * RCU grace period, several times the cost of all the rest of an attach.
	 */
	if (nic->dad == DF_DAD_OFF && u->down) {
		r = sysctl_write("ipv4", "conf", nic->ifname, "arp_notify", "1", e);
		return r < 0 ? r : add_list(run, nic, u, v4, n, 0, e);
	}
	for (unsigned int i = 0; i < n; i++)
		a[i] = v4[i].addr;
	r = arp_open(&port, u->index, mac, e);
	/* A pool moves on to another address at once; a fixed address may wait for a ghost. */
	for (long start = df_now_ms(); r == 0;) {
		r = arp_probe(&port, a, n, nic->dad, e);
		if (r != -EADDRINUSE || nic->addr_mode == DF_ADDR_POOL ||
		    !ghost_wait(start, e->msg))
			break;
		r = 0;
	}
	if (r == 0)
		r = add_list(run, nic, u, v4, n, 0, e);
	if (r == 0)
		r = arp_announce(&port, a, n, e);
	arp_close_behind(&port);
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
			r = add_list(run, nic, u, v6, n6, 0, e);
	}
	if (r == 0)
		r = add_ipv4(run, nic, u, mac, v4, n4, e);
	if (r == 0)
		r = ipv6_wait_dad(&run->cont, u->index, v6, n6, nic->dad, e);
	ipv6_restore(&tuning);
	return r;
}

/* Add a dynamic address to the NIC's effective settings, and its router if it may have it. */
static int take_lease(struct run *run, const struct df_nic *nic, struct undo *u,
		      const struct lease_who *w, struct df_err *e)
{
	struct df_prefix a;
	struct df_addr gw;
	bool has_gw = false;
	int r;

	r = lease_acquire(&u->lease, nic, w, &a, &gw, &has_gw, e);
	if (r < 0)
		return r;
	u->dyn = a.addr;
	u->lifetime = (uint32_t)r;
	u->eff.addrs[u->eff.n_addrs++] = a;
	/* The router becomes the default route only where no NIC names an IPv4 gateway. */
	if (has_gw && !run->gw4_dynamic && !settings_gateway4(run->s)) {
		u->eff.gateways[u->eff.n_gateways++] = gw;
		run->gw4_dynamic = u->gw4_dynamic = true;
	}
	return 0;
}

static int configure_addresses(struct run *run, const struct df_nic *nic, struct undo *u,
			       const struct link_info *li, struct df_err *e)
{
	struct lease_who w = {run->id, run->pid, run->s->hostname, u->index, li->mac};
	int r;

	for (int tries = 1;; tries++) {
		u->eff = *nic;
		/* Run again on a NIC whose lease the keeper holds: its address is there. */
		if (nic->addr_mode == DF_ADDR_DHCP && !u->created && keeper_running(run->id))
			return add_addresses(run, &u->eff, u, li->mac, e);
		if (nic->addr_mode != DF_ADDR_STATIC) {
			r = take_lease(run, nic, u, &w, e);
			if (r < 0)
				return r;
		}
		r = add_addresses(run, &u->eff, u, li->mac, e);
		if (r != -EADDRINUSE || nic->addr_mode == DF_ADDR_STATIC)
			return r;
		/* Someone on the LAN holds what the source offered: tell it, maybe try another. */
		lease_refused(&u->lease, nic, &w);
		if (u->gw4_dynamic)
			run->gw4_dynamic = u->gw4_dynamic = false;
		if (nic->addr_mode == DF_ADDR_DHCP || tries == POOL_TRIES)
			return r;
		log_debug("%s: %s; trying another address of pool %s", nic->ifname, e->msg,
			  nic->pool);
	}
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

static int add_routes(struct run *run, const struct df_nic *nic, struct undo *u, struct df_err *e)
{
	struct route_table have;
	/* The kernel's routes of a NIC found in the container are left as they are. */
	bool kernel = nic->quickack && u->created;
	int r = 0;

	if (!kernel && !nic->n_gateways && !nic->n_routes)
		return 0;
	r = route_dump(&run->cont, &have, e);
	if (r < 0)
		return r;
	if (kernel)
		r = route_quickack_kernel(&run->cont, &have, u->index, e);
	for (unsigned int i = 0; i < nic->n_gateways && r == 0; i++) {
		struct route_entry want = {.gw = nic->gateways[i],
					   .has_gw = true,
					   .oif = u->index,
					   .quickack = nic->quickack};

		want.dst.addr.family = nic->gateways[i].family;
		r = set_default(run, &have, &want, u, e);
	}
	for (unsigned int i = 0; i < nic->n_routes && r == 0; i++) {
		const struct df_route *rt = &nic->routes[i];
		struct route_entry want = {.dst = rt->dst,
					   .gw = rt->via,
					   .has_gw = rt->has_via,
					   .oif = u->index,
					   .quickack = nic->quickack};

		r = add_route(run, &have, &want, u, e);
	}
	route_table_free(&have);
	return r;
}

/* Take back what this run did to one NIC, newest first. Failures here are only logged. */
static void undo_nic(struct run *run, const struct df_nic *nic, struct undo *u)
{
	struct df_err e;

	struct lease_who w = {run->id, run->pid, NULL, u->index, NULL};

	if (u->shim && shim_release(&run->host, &u->eff, run->id, run->conf, &e) < 0)
		log_debug("undo: %s", e.msg);
	lease_return(&u->lease, nic, &w);

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

/* Up, once a ghost with the same MAC (mac=stable, just removed) has left the parent. */
static int bring_up(struct run *run, const struct df_nic *nic, struct undo *u, struct df_err *e)
{
	long start = df_now_ms();
	int r;

	while ((r = link_set_up(&run->cont, u->index, nic->ifname, e)) == -EADDRINUSE &&
	       ghost_wait(start, e->msg))
		;
	if (r == 0)
		u->down = false;
	return r;
}

static int attach_nic(struct run *run, const struct df_nic *nic, struct undo *u, struct df_err *e)
{
	struct link_info li = {0};
	int r;

	u->name = nic->ifname;
	r = make_link(run, nic, &li, u, e);
	if (r < 0)
		return r;

	/*
	 * Up before the addresses when probes or DHCP must go out through the NIC itself;
	 * after them otherwise, so that the kernel announces them as the link comes up.
	 */
	u->down = !(li.flags & IFF_UP);
	if (u->down && (nic->dad != DF_DAD_OFF || nic->addr_mode == DF_ADDR_DHCP)) {
		r = bring_up(run, nic, u, e);
		if (r < 0)
			return r;
	}

	r = configure_addresses(run, nic, u, &li, e);
	if (r < 0)
		return r;

	if (u->down) {
		r = bring_up(run, nic, u, e);
		if (r < 0)
			return r;
	}

	r = add_routes(run, &u->eff, u, e);
	if (r < 0)
		return r;

	r = shim_attach(&run->host, &u->eff, run->id, run->pid, run->conf, e);
	if (r < 0)
		return r;

	audit_nic(&u->eff, &li);
	return 0;
}

/* Hand the DHCP leases to the keeper, which renews them while the container runs. */
static int start_keeper(struct run *run, struct df_err *e)
{
	struct keeper_nic k[DF_MAX_NICS];
	unsigned int n = 0;

	for (int i = 0; i < DF_MAX_NICS; i++) {
		struct undo *u = &run->undo[i];

		if (!u->lease.held || u->lease.mode != DF_ADDR_DHCP)
			continue;
		memset(&k[n], 0, sizeof(k[n]));
		snprintf(k[n].ifname, sizeof(k[n].ifname), "%s", u->name);
		k[n].index = u->index;
		k[n].use_router = u->gw4_dynamic;
		k[n].quickack = u->eff.quickack;
		k[n].client = u->lease.client;
		k[n].lease = u->lease.dhcp;
		n++;
	}
	return n ? keeper_start(run->id, run->pid, k, n, e) : 0;
}

/*
 * Record where each NIC's addresses came from, in /run/dockerfly/nics/ID, for containers with
 * a dynamic address: poststop needs those for the host routes, `dockerfly ls` shows them.
 * One line per address: "IFNAME ADDR/LEN SOURCE".
 */
static int write_record(struct run *run, struct df_err *e)
{
	char path[600], text[DF_MAX_NICS * DF_MAX_ADDRS * 96], addr[DF_PREFIX_STRLEN], src[80];
	size_t o = 0;
	int r;

	bool dynamic = false;

	/*
	 * Only when this run took a dynamic address. Static ones are in the settings already;
	 * and a second run over a keeper's lease must not write the record again without it.
	 */
	for (int i = 0; i < DF_MAX_NICS; i++)
		dynamic |= run->undo[i].lease.held;
	if (!dynamic || !safe_name(run->id))
		return 0;
	r = run_path(path, sizeof(path), "nics", run->id, "", e);
	if (r < 0)
		return r;
	for (int i = 0; i < DF_MAX_NICS; i++) {
		const struct df_nic *nic = &run->undo[i].eff;

		if (!run->s->nic[i].used)
			continue;
		for (unsigned int j = 0; j < nic->n_addrs; j++) {
			bool dyn = addr_equal(&nic->addrs[j].addr, &run->undo[i].dyn);

			o += (size_t)snprintf(text + o, sizeof(text) - o, "%s %s %s\n", nic->ifname,
					      prefix_str(&nic->addrs[j], addr),
					      dyn ? lease_source(nic, src, sizeof(src)) : "static");
		}
	}
	return write_atomic(path, text, o, 0600, false, e);
}

static int attach_nics(struct run *run, struct df_err *e)
{
	int r = 0, n;

	for (n = 0; n < DF_MAX_NICS && r == 0; n++) {
		if (!run->s->nic[n].used)
			continue;
		r = attach_nic(run, &run->s->nic[n], &run->undo[n], e);
		if (r < 0)
			df_err_prefix(e, "%s", run->s->nic[n].ifname);
	}
	if (r == 0)
		r = start_keeper(run, e);
	if (r == 0)
		r = write_record(run, e);
	return r;
}

int attach_all(const char *id, pid_t pid, const struct df_settings *s, const struct df_conf *conf,
	       struct df_err *e)
{
	struct run run = {.id = id, .pid = pid, .s = s, .conf = conf, .nsfd = -1};
	int r;

	for (int n = 0; n < DF_MAX_NICS; n++)
		run.undo[n].lease.fd = -1;
	r = open_sockets(&run, pid, e);
	if (r == 0)
		r = attach_nics(&run, e);
	/* Every NIC, also those not reached: their host routes went on before the others. */
	for (int n = DF_MAX_NICS - 1; r < 0 && n >= 0; n--) {
		if (s->nic[n].used)
			undo_nic(&run, &s->nic[n], &run.undo[n]);
	}
	for (int n = 0; n < DF_MAX_NICS; n++)
		lease_close(&run.undo[n].lease);
	addr_table_free(&run.host_addrs);
	close_sockets(&run);
	return r;
}

/* Add to @nics the dynamic addresses the record of container @id names. */
static void read_record(const char *id, struct df_nic *nics)
{
	char path[600], line[160], ifname[IFNAMSIZ + 1], addr[DF_PREFIX_STRLEN + 1], src[81];
	struct df_err e;
	FILE *f;

	if (!safe_name(id) || run_path(path, sizeof(path), "nics", id, "", &e) < 0)
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct df_prefix p;

		if (sscanf(line, "%15s %49s %80s", ifname, addr, src) != 3 ||
		    !strcmp(src, "static") || parse_host_prefix(addr, &p, &e) < 0)
			continue;
		for (int i = 0; i < DF_MAX_NICS; i++) {
			if (nics[i].used && !strcmp(nics[i].ifname, ifname) &&
			    nics[i].n_addrs < DF_MAX_ADDRS)
				nics[i].addrs[nics[i].n_addrs++] = p;
		}
	}
	fclose(f);
	unlink(path);
}

int release_all(const char *id, const struct df_settings *s, const struct df_conf *conf,
		struct df_err *e)
{
	static struct df_nic nics[DF_MAX_NICS];
	bool dhcp = false;
	struct nl host;
	int r;

	memcpy(nics, s->nic, sizeof(nics));
	read_record(id, nics);
	for (int n = 0; n < DF_MAX_NICS; n++)
		dhcp |= nics[n].used && nics[n].addr_mode == DF_ADDR_DHCP;
	r = dhcp ? keeper_stop(id, e) : 0;
	if (r == 0)
		r = nl_open(&host, e);
	if (r < 0)
		return r;
	for (int n = 0; n < DF_MAX_NICS && r == 0; n++) {
		if (!nics[n].used)
			continue;
		if (nics[n].addr_mode == DF_ADDR_POOL)
			r = pool_release(nics[n].pool, id, e);
		if (r == 0)
			r = shim_release(&host, &nics[n], id, conf, e);
		if (r < 0)
			df_err_prefix(e, "%s: release", nics[n].ifname);
		else
			log_debug("%s: released", nics[n].ifname);
	}
	nl_close(&host);
	return r;
}
