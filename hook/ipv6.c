// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/if_addr.h>

#include "addr.h"
#include "ipv6.h"
#include "log.h"
#include "sysctl.h"
#include "util.h"

/* DAD with one probe and a 30 ms wait, the IPv4 check's: a holder on a LAN answers in ~1 ms. */
#define QUICK_RETRANS_MS "30"

/* Save the current value of @key into @saved, then write @value. */
static int swap(const char *dir, const char *ifname, const char *key, const char *value,
		char *saved, size_t size, struct df_err *e)
{
	int r = sysctl_read("ipv6", dir, ifname, key, saved, size, e);

	return r < 0 ? r : sysctl_write("ipv6", dir, ifname, key, value, e);
}

int ipv6_prepare(const char *ifname, enum df_dad mode, struct ipv6_tuning *t, struct df_err *e)
{
	int r;

	memset(t, 0, sizeof(*t));
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	/* A namespace made with IPv6 or DAD off by default still gets both on this NIC. */
	r = sysctl_write("ipv6", "conf", ifname, "disable_ipv6", "0", e);
	if (r == 0)
		r = sysctl_write("ipv6", "conf", ifname, "accept_dad", "1", e);
	if (r == 0)
		r = sysctl_write("ipv6", "conf", ifname, "ndisc_notify", "1", e);
	if (r < 0 || mode == DF_DAD_STRICT)
		return r;

	/*
	 * Off: DAD with no probes completes as soon as the link is up, and then announces. The
	 * NIC keeps that, as its setting says; there is nothing to wait for or put back.
	 */
	if (mode == DF_DAD_OFF) {
		r = sysctl_write("ipv6", "conf", ifname, "dad_transmits", "0", e);
		if (r == 0)
			r = sysctl_write("ipv6", "conf", ifname, "router_solicitation_delay", "0",
					 e);
		return r;
	}
	t->changed = true;
	/* DAD starts after a random delay of up to router_solicitation_delay: make it none. */
	r = swap("conf", ifname, "router_solicitation_delay", "0", t->rs_delay, sizeof(t->rs_delay),
		 e);
	if (r == 0)
		r = swap("neigh", ifname, "retrans_time_ms", QUICK_RETRANS_MS, t->retrans,
			 sizeof(t->retrans), e);
	return r;
}

void ipv6_restore(struct ipv6_tuning *t)
{
	struct df_err e;
	int r = 0;

	if (!t->changed)
		return;
	if (t->retrans[0])
		r = sysctl_write("ipv6", "neigh", t->ifname, "retrans_time_ms", t->retrans, &e);
	if (r == 0 && t->rs_delay[0])
		r = sysctl_write("ipv6", "conf", t->ifname, "router_solicitation_delay",
				 t->rs_delay, &e);
	if (r < 0)
		log_debug("restore IPv6 timing: %s", e.msg);
	t->changed = false;
}

/* 1 when all are settled, 0 when some are still tentative, or a negative error. */
static int dad_state(struct nl *nl, int index, const struct df_prefix *addrs, unsigned int n,
		     struct df_err *e)
{
	struct addr_table have;
	char text[DF_PREFIX_STRLEN];
	int r, done = 1;

	r = addr_dump(nl, &have, e);
	if (r < 0)
		return r;
	for (unsigned int i = 0; i < n && done >= 0; i++) {
		const struct addr_entry *a = addr_find(&have, &addrs[i].addr);

		if (addrs[i].addr.family != AF_INET6)
			continue;
		if (!a || a->index != index)
			done = df_fail(e, EADDRNOTAVAIL, "address %s vanished during DAD",
				       prefix_str(&addrs[i], text));
		else if (a->flags & IFA_F_DADFAILED)
			done = df_fail(e, EADDRINUSE,
				       "address %s is already used on the LAN (IPv6 duplicate "
				       "address detection failed)",
				       prefix_str(&addrs[i], text));
		else if (a->flags & IFA_F_TENTATIVE)
			done = 0;
	}
	addr_table_free(&have);
	return done;
}

int ipv6_wait_dad(struct nl *nl, int index, const struct df_prefix *addrs, unsigned int n,
		  enum df_dad mode, struct df_err *e)
{
	/* Quick: 30 ms of DAD; strict: up to 1 s of delay and 1 s per probe by default. */
	long limit = mode == DF_DAD_STRICT ? 5000 : 1000, start = df_now_ms();
	struct timespec tick = {0, 5 * 1000 * 1000};
	int r;

	if (!n || mode == DF_DAD_OFF)
		return 0;
	while ((r = dad_state(nl, index, addrs, n, e)) == 0) {
		if (df_now_ms() - start > limit)
			return df_fail(e, ETIMEDOUT, "IPv6 duplicate address detection");
		nanosleep(&tick, NULL);
	}
	if (r > 0)
		log_debug("IPv6 DAD (%s) done in %ld ms", dad_name(mode), df_now_ms() - start);
	return r < 0 ? r : 0;
}
