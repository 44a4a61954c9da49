// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "route.h"
#include "util.h"

struct route_parse {
	const struct rtmsg *rtm;
	struct route_entry *rt;
	uint32_t table;
};

static void attr_addr(const struct nlattr *attr, int family, struct df_addr *out, bool *ok)
{
	if (mnl_attr_get_payload_len(attr) != addr_size(family))
		return;
	out->family = family;
	memcpy(out->bytes, mnl_attr_get_payload(attr), addr_size(family));
	if (ok)
		*ok = true;
}

static int route_attr(const struct nlattr *attr, void *data)
{
	struct route_parse *p = data;
	int family = p->rtm->rtm_family;

	switch (mnl_attr_get_type(attr)) {
	case RTA_DST:
		attr_addr(attr, family, &p->rt->dst.addr, NULL);
		break;
	case RTA_GATEWAY:
		attr_addr(attr, family, &p->rt->gw, &p->rt->has_gw);
		break;
	case RTA_PREFSRC:
		attr_addr(attr, family, &p->rt->src, &p->rt->has_src);
		break;
	case RTA_OIF:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			p->rt->oif = (int)mnl_attr_get_u32(attr);
		break;
	case RTA_PRIORITY:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			p->rt->priority = mnl_attr_get_u32(attr);
		break;
	case RTA_TABLE:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			p->table = mnl_attr_get_u32(attr);
		break;
	}
	return MNL_CB_OK;
}

static int route_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_table *t = data;
	struct route_entry rt = {0};
	struct route_parse p = {rtm, &rt, 0};

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*rtm)))
		return MNL_CB_OK;
	if ((rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	p.table = rtm->rtm_table;
	if (mnl_attr_parse(nlh, sizeof(*rtm), route_attr, &p) < 0)
		return MNL_CB_ERROR;
	if (p.table != RT_TABLE_MAIN)
		return MNL_CB_OK;

	rt.dst.addr.family = rtm->rtm_family;
	rt.dst.len = rtm->rtm_dst_len;
	rt.protocol = rtm->rtm_protocol;
	rt.scope = rtm->rtm_scope;
	if (df_grow((void **)&t->v, &t->cap, t->n, sizeof(*t->v)) < 0) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	t->v[t->n++] = rt;
	return MNL_CB_OK;
}

int route_dump(struct nl *nl, struct route_table *t, struct df_err *e)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_request(nl, buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	int r;

	rtm->rtm_family = AF_UNSPEC;
	memset(t, 0, sizeof(*t));
	r = nl_talk(nl, nlh, route_msg, t);
	if (r < 0) {
		route_table_free(t);
		return nl_fail(nl, e, -r, "list routes");
	}
	return 0;
}

void route_table_free(struct route_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

const struct route_entry *route_find(const struct route_table *t, const struct df_prefix *dst)
{
	for (size_t i = 0; i < t->n; i++) {
		if (prefix_equal(&t->v[i].dst, dst))
			return &t->v[i];
	}
	return NULL;
}

bool route_same(const struct route_entry *a, const struct route_entry *b)
{
	if (!prefix_equal(&a->dst, &b->dst) || a->oif != b->oif || a->has_gw != b->has_gw)
		return false;
	return !a->has_gw || addr_equal(&a->gw, &b->gw);
}

static struct nlmsghdr *route_request(struct nl *nl, char *buf, uint16_t type, uint16_t flags,
				      const struct route_entry *rt)
{
	struct nlmsghdr *nlh = nl_request(nl, buf, type, flags);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	int family = rt->dst.addr.family;

	rtm->rtm_family = (unsigned char)family;
	rtm->rtm_dst_len = rt->dst.len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_type = RTN_UNICAST;
	rtm->rtm_protocol = rt->protocol ? rt->protocol : RTPROT_STATIC;
	/* A route without a gateway is on-link, and IPv4 wants that said as its scope. */
	rtm->rtm_scope = rt->scope ? rt->scope : (rt->has_gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	if (family == AF_INET6)
		rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	if (rt->dst.len)
		mnl_attr_put(nlh, RTA_DST, addr_size(family), rt->dst.addr.bytes);
	if (rt->has_gw)
		mnl_attr_put(nlh, RTA_GATEWAY, addr_size(family), rt->gw.bytes);
	if (rt->has_src)
		mnl_attr_put(nlh, RTA_PREFSRC, addr_size(family), rt->src.bytes);
	if (rt->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)rt->oif);
	if (rt->priority)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, rt->priority);
	if (rt->quickack) {
		struct nlattr *metrics = mnl_attr_nest_start(nlh, RTA_METRICS);

		mnl_attr_put_u32(nlh, RTAX_QUICKACK, 1);
		mnl_attr_nest_end(nlh, metrics);
	}
	return nlh;
}

int route_add(struct nl *nl, const struct route_entry *rt, bool replace, struct df_err *e)
{
	char buf[NL_REQ_SIZE], text[128];
	uint16_t flags = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL);
	int r;

	r = nl_talk(nl, route_request(nl, buf, RTM_NEWROUTE, flags, rt), NULL, NULL);
	if (r < 0)
		return nl_fail(nl, e, -r, "%s route %s", replace ? "replace" : "add",
			       route_str(rt, text, sizeof(text)));
	return 0;
}

/* Is @rt the only route of @t to its destination at its priority? */
static bool alone(const struct route_table *t, const struct route_entry *rt)
{
	for (size_t i = 0; i < t->n; i++) {
		if (&t->v[i] != rt && prefix_equal(&t->v[i].dst, &rt->dst) &&
		    t->v[i].priority == rt->priority)
			return false;
	}
	return true;
}

int route_quickack_kernel(struct nl *nl, const struct route_table *t, int oif, struct df_err *e)
{
	char text[128];

	for (size_t i = 0; i < t->n; i++) {
		struct route_entry rt = t->v[i];
		int r;

		if (rt.oif != oif || rt.protocol != RTPROT_KERNEL || !rt.dst.len)
			continue;
		if (!alone(t, &t->v[i])) {
			log_debug("route %s left with delayed ACKs: another route to it exists",
				  route_str(&rt, text, sizeof(text)));
			continue;
		}
		rt.quickack = true;
		r = route_add(nl, &rt, true, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int route_del(struct nl *nl, const struct route_entry *rt, struct df_err *e)
{
	char buf[NL_REQ_SIZE], text[128];
	int r;

	r = nl_talk(nl, route_request(nl, buf, RTM_DELROUTE, 0, rt), NULL, NULL);
	if (r < 0)
		return nl_fail(nl, e, -r, "delete route %s", route_str(rt, text, sizeof(text)));
	return 0;
}

const char *route_str(const struct route_entry *rt, char *buf, size_t size)
{
	char dst[DF_PREFIX_STRLEN], gw[DF_ADDR_STRLEN];

	if (rt->dst.len)
		prefix_str(&rt->dst, dst);
	else
		snprintf(dst, sizeof(dst), "default");
	if (rt->has_gw)
		snprintf(buf, size, "%s via %s", dst, addr_str(&rt->gw, gw));
	else
		snprintf(buf, size, "%s", dst);
	return buf;
}
