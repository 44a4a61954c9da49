// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "link.h"

static int info_data_attr(const struct nlattr *attr, void *data)
{
	struct link_info *li = data;

	if (mnl_attr_get_type(attr) == IFLA_MACVLAN_MODE &&
	    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
		li->macvlan_mode = mnl_attr_get_u32(attr);
	return MNL_CB_OK;
}

static int linkinfo_attr(const struct nlattr *attr, void *data)
{
	struct link_info *li = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_INFO_KIND:
		if (mnl_attr_validate(attr, MNL_TYPE_STRING) == 0)
			snprintf(li->kind, sizeof(li->kind), "%.*s",
				 (int)strnlen(mnl_attr_get_str(attr),
					      mnl_attr_get_payload_len(attr)),
				 mnl_attr_get_str(attr));
		break;
	case IFLA_INFO_DATA:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(attr, info_data_attr, li);
		break;
	}
	return MNL_CB_OK;
}

static int link_attr(const struct nlattr *attr, void *data)
{
	struct link_info *li = data;

	switch (mnl_attr_get_type(attr)) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(li->name, sizeof(li->name), "%s", mnl_attr_get_str(attr));
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			li->mtu = mnl_attr_get_u32(attr);
		break;
	case IFLA_LINK:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			li->parent = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(attr) == 6) {
			memcpy(li->mac, mnl_attr_get_payload(attr), 6);
			li->has_mac = true;
		}
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(attr, linkinfo_attr, li);
		break;
	}
	return MNL_CB_OK;
}

static int link_msg(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link_info *li = data;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifi)))
		return MNL_CB_OK;
	memset(li, 0, sizeof(*li));
	li->index = ifi->ifi_index;
	li->flags = ifi->ifi_flags;
	return mnl_attr_parse(nlh, sizeof(*ifi), link_attr, li);
}

/* Look up a link by @name, or by @index when @name is NULL. */
static int link_lookup(struct nl *nl, const char *name, int index, struct link_info *li,
		       struct df_err *e)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_request(nl, buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	char what[32];
	int r;

	ifi->ifi_family = AF_UNSPEC;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	else
		ifi->ifi_index = index;
	memset(li, 0, sizeof(*li));
	r = nl_talk(nl, nlh, link_msg, li);
	if (r == 0 && !li->index)
		r = -ENODEV;
	if (r < 0) {
		if (!name)
			snprintf(what, sizeof(what), "#%d", index);
		return nl_fail(nl, e, -r, "find interface %s", name ? name : what);
	}
	return 0;
}

int link_get(struct nl *nl, const char *name, struct link_info *li, struct df_err *e)
{
	return link_lookup(nl, name, 0, li, e);
}

int link_get_index(struct nl *nl, int index, struct link_info *li, struct df_err *e)
{
	return link_lookup(nl, NULL, index, li, e);
}

int link_add_macvlan(struct nl *nl, const struct macvlan_spec *m, struct df_err *e)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_request(nl, buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info, *data;
	int r;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, m->name);
	mnl_attr_put_u32(nlh, IFLA_LINK, (uint32_t)m->parent);
	if (m->netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)m->netns_fd);
	if (m->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, m->mac);
	if (m->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, m->mtu);

	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "macvlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, IFLA_MACVLAN_MODE, m->mode);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);

	r = nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nl_fail(nl, e, -r, "create macvlan %s on %s", m->name, m->parent_name);
	return 0;
}

/* Change flags of link @index: those in @change take their value from @flags. */
static int link_set_flags(struct nl *nl, int index, unsigned int flags, unsigned int change)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_request(nl, buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	return nl_talk(nl, nlh, NULL, NULL);
}

int link_set_up(struct nl *nl, int index, const char *name, struct df_err *e)
{
	int r = link_set_flags(nl, index, IFF_UP, IFF_UP);

	if (r < 0)
		return nl_fail(nl, e, -r, "bring up %s", name);
	return 0;
}

int link_delete(struct nl *nl, int index, const char *name, struct df_err *e)
{
	char buf[NL_REQ_SIZE];
	struct nlmsghdr *nlh = nl_request(nl, buf, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	int r;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = index;
	r = nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nl_fail(nl, e, -r, "delete link %s", name);
	return 0;
}
