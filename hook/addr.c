// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "addr.h"
#include "util.h"

struct addr_parse {
	const struct nlattr *local, *address;
	uint32_t flags;
	bool has_flags;
};

static int addr_attr(const struct nlattr *attr, void *data)
{
	struct addr_parse *p = data;

	if (mnl_attr_get_type(attr) == IFA_LOCAL)
		p->local = attr;
	else if (mnl_attr_get_type(attr) == IFA_ADDRESS)
		p->address = attr;
	else if (mnl_attr_get_type(attr) == IFA_FLAGS &&
		 mnl_attr_validate(attr, MNL_TYPE_U32) == 0) {
		p->flags = mnl_attr_get_u32(attr);
		p->has_flags = true;
	}
	return MNL_CB_OK;
}

static int addr_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr_table *t = data;
	struct addr_parse p = {0};
	const struct nlattr *a;
	struct addr_entry *ent;

	if (nlh->nlmsg_type != RTM_NEWADDR || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifa)))
		return MNL_CB_OK;
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, &p) < 0)
		return MNL_CB_ERROR;
	/* IFA_LOCAL is the interface's own address; IFA_ADDRESS the peer's on point-to-point. */
	a = p.local ? p.local : p.address;
	if (!a || mnl_attr_get_payload_len(a) != addr_size(ifa->ifa_family))
		return MNL_CB_OK;

	if (df_grow((void **)&t->v, &t->cap, t->n, sizeof(*t->v)) < 0) {
		errno = ENOMEM;
		return MNL_CB_ERROR;
	}
	ent = &t->v[t->n++];
	memset(ent, 0, sizeof(*ent));
	ent->index = (int)ifa->ifa_index;
	ent->prefix.addr.family = ifa->ifa_family;
	ent->prefix.len = ifa->ifa_prefixlen;
	/* IFA_FLAGS carries all 32 bits; the header's byte only the first eight. */
	ent->flags = p.has_flags ? p.flags : ifa->ifa_flags;
	memcpy(ent->prefix.addr.bytes, mnl_attr_get_payload(a), addr_size(ifa->ifa_family));
	return MNL_CB_OK;
}

int addr_dump(struct nl *nl, struct addr_table *t, struct df_err *e)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_request(nl, buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	int r;

	ifa->ifa_family = AF_UNSPEC;
	memset(t, 0, sizeof(*t));
	r = nl_talk(nl, nlh, addr_msg, t);
	if (r < 0) {
		addr_table_free(t);
		return nl_fail(nl, e, -r, "list addresses");
	}
	return 0;
}

void addr_table_free(struct addr_table *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

const struct addr_entry *addr_find(const struct addr_table *t, const struct df_addr *a)
{
	for (size_t i = 0; i < t->n; i++) {
		if (addr_equal(&t->v[i].prefix.addr, a))
			return &t->v[i];
	}
	return NULL;
}

/* The IPv4 broadcast address of @p, for subnets that have one. */
static void broadcast4(const struct df_prefix *p, unsigned char out[4])
{
	uint32_t a, mask = p->len ? ~0u << (32 - p->len) : 0;

	memcpy(&a, p->addr.bytes, 4);
	a = htonl(ntohl(a) | ~mask);
	memcpy(out, &a, 4);
}

static struct nlmsghdr *addr_request(struct nl *nl, char *buf, uint16_t type, uint16_t flags,
				     int index, const struct df_prefix *p)
{
	struct nlmsghdr *nlh = nl_request(nl, buf, type, flags);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	unsigned int size = addr_size(p->addr.family);

	ifa->ifa_family = (unsigned char)p->addr.family;
	ifa->ifa_prefixlen = p->len;
	ifa->ifa_index = (unsigned int)index;
	mnl_attr_put(nlh, IFA_LOCAL, size, p->addr.bytes);
	mnl_attr_put(nlh, IFA_ADDRESS, size, p->addr.bytes);
	return nlh;
}

static int addr_put(struct nl *nl, int index, const struct df_prefix *p, uint32_t flags,
		    uint32_t valid_s, bool replace, struct df_err *e)
{
	char buf[NL_REQ_SIZE], text[DF_PREFIX_STRLEN];
	uint16_t how = NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL);
	struct nlmsghdr *nlh = addr_request(nl, buf, RTM_NEWADDR, how, index, p);
	int r;

	if (p->addr.family == AF_INET && p->len < 31) {
		unsigned char brd[4];

		broadcast4(p, brd);
		mnl_attr_put(nlh, IFA_BROADCAST, 4, brd);
	}
	if (flags)
		mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	if (valid_s) {
		struct ifa_cacheinfo ci = {.ifa_prefered = valid_s, .ifa_valid = valid_s};

		mnl_attr_put(nlh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	r = nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nl_fail(nl, e, -r, "%s address %s", replace ? "refresh" : "add",
			       prefix_str(p, text));
	return 0;
}

int addr_add(struct nl *nl, int index, const struct df_prefix *p, uint32_t flags, struct df_err *e)
{
	return addr_put(nl, index, p, flags, 0, false, e);
}

int addr_add_lease(struct nl *nl, int index, const struct df_prefix *p, uint32_t valid_s,
		   bool replace, struct df_err *e)
{
	return addr_put(nl, index, p, 0, valid_s, replace, e);
}

int addr_del(struct nl *nl, int index, const struct df_prefix *p, struct df_err *e)
{
	char buf[NL_REQ_SIZE], text[DF_PREFIX_STRLEN];
	struct nlmsghdr *nlh = addr_request(nl, buf, RTM_DELADDR, 0, index, p);
	int r;

	r = nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nl_fail(nl, e, -r, "delete address %s", prefix_str(p, text));
	return 0;
}
