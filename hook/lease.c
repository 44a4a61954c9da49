// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lease.h"
#include "log.h"

/*
 * The client identifier (RFC 2132 type 0: an opaque name): the same for a machine made again
 * under the same hostname on the same interface, so the server hands it the same address.
 */
static void client_init(struct dhcp_client *c, const struct df_nic *nic, const struct lease_who *w)
{
	const char *host = w->hostname && *w->hostname ? w->hostname : w->id;
	int n;

	memset(c, 0, sizeof(*c));
	if (getrandom(&c->xid, sizeof(c->xid), 0) != sizeof(c->xid))
		c->xid = (uint32_t)w->pid * 2654435761u;
	memcpy(c->mac, w->mac, 6);
	/* 10 + 200 + 1 + 15 bytes at most: always whole within the option's 255. */
	n = snprintf((char *)c->client_id + 1, sizeof(c->client_id) - 1, "dockerfly:%.200s:%s",
		     host, nic->ifname);
	c->client_id_len = 1 + (size_t)n;
	snprintf(c->hostname, sizeof(c->hostname), "%s", host);
}

static int acquire_dhcp(struct lease *l, const struct df_nic *nic, const struct lease_who *w,
			struct df_prefix *addr, struct df_addr *gw, bool *has_gw, struct df_err *e)
{
	char text[DF_PREFIX_STRLEN];
	int r;

	client_init(&l->client, nic, w);
	l->fd = dhcpc_open(nic->ifname, e);
	if (l->fd < 0)
		return l->fd;
	r = dhcpc_acquire(l->fd, &l->client, nic->dhcp_timeout_ms, &l->dhcp, e);
	if (r < 0)
		return r;
	l->held = true;
	*addr = l->dhcp.addr;
	*gw = l->dhcp.router;
	*has_gw = l->dhcp.has_router;
	log_debug("%s: DHCP lease %s for %u s", nic->ifname, prefix_str(addr, text), l->dhcp.lease);
	return (int)(l->dhcp.lease > 0x7fffffff ? 0x7fffffff : l->dhcp.lease);
}

int lease_acquire(struct lease *l, const struct df_nic *nic, const struct lease_who *w,
		  struct df_prefix *addr, struct df_addr *gw, bool *has_gw, struct df_err *e)
{
	int r;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->mode = nic->addr_mode;
	if (nic->addr_mode == DF_ADDR_DHCP)
		return acquire_dhcp(l, nic, w, addr, gw, has_gw, e);

	r = pool_allocate(nic->pool, nic->parent, w->id, w->pid, &l->pool, e);
	if (r < 0)
		return r;
	l->held = true;
	*addr = l->pool.addr;
	*gw = l->pool.gateway;
	*has_gw = l->pool.has_gateway;
	return 0;
}

void lease_refused(struct lease *l, const struct df_nic *nic, const struct lease_who *w)
{
	struct df_err e;
	int r = 0;

	if (!l->held)
		return;
	if (l->mode == DF_ADDR_DHCP)
		r = dhcpc_decline(l->fd, &l->client, &l->dhcp, &e);
	else
		r = pool_mark_taken(nic->pool, w->id, &e);
	if (r < 0)
		log_debug("%s: %s", nic->ifname, e.msg);
	l->held = false;
}

void lease_return(struct lease *l, const struct df_nic *nic, const struct lease_who *w)
{
	struct df_err e;
	int r = 0;

	if (!l->held)
		return;
	if (l->mode == DF_ADDR_DHCP)
		r = dhcpc_release(l->fd, &l->client, &l->dhcp, &e);
	else
		r = pool_release(nic->pool, w->id, &e);
	if (r < 0)
		log_debug("%s: %s", nic->ifname, e.msg);
	l->held = false;
}

void lease_close(struct lease *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

const char *lease_source(const struct df_nic *nic, char *buf, size_t size)
{
	if (nic->addr_mode == DF_ADDR_DHCP)
		snprintf(buf, size, "dhcp");
	else if (nic->addr_mode == DF_ADDR_POOL)
		snprintf(buf, size, "pool:%s", nic->pool);
	else
		snprintf(buf, size, "static");
	return buf;
}
