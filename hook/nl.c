// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>

#include "nl.h"

/* Big enough for a dump's worth of messages per read, as libmnl recommends for dumps. */
#define NL_RECV_SIZE 32768

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int nl_open(struct nl *nl, struct df_err *e)
{
	int on = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return df_fail(e, errno, "open rtnetlink socket");
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		nl_close(nl);
		return df_fail(e, err, "bind rtnetlink socket");
	}
	/*
	 * The kernel answers at once; should it ever not, a container start must fail rather
	 * than hang until the runtime's hook timeout.
	 */
	struct timeval tv = {.tv_sec = 10};

	if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		int err = errno;

		nl_close(nl);
		return df_fail(e, err, "set rtnetlink socket timeout");
	}
	/* Ask for the kernel's reason in error replies, without a copy of our request. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &on, sizeof(on));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &on, sizeof(on));
	nl->portid = mnl_socket_get_portid(nl->sock);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

struct nlmsghdr *nl_request(struct nl *nl, char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, NL_REQ_SIZE);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	/*
	 * Dumps end with NLMSG_DONE; everything else is answered with an ACK or an error.
	 * NLM_F_DUMP is two bits, one of which doubles as NLM_F_EXCL: test both.
	 */
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	if ((flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

/* What one nl_talk() hands libmnl's callbacks: the caller's data callback and the socket. */
struct talk {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

static int extack_attr(const struct nlattr *attr, void *data)
{
	struct nl *nl = data;

	if (mnl_attr_get_type(attr) != NLMSGERR_ATTR_MSG)
		return MNL_CB_OK;
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK;
	snprintf(nl->extack, sizeof(nl->extack), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* An error or ACK message: keep the kernel's text, then let errno carry the code. */
static int on_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	struct talk *t = data;
	size_t off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (err->error == 0)
		return MNL_CB_STOP;
	/* With NETLINK_CAP_ACK the echoed request is cut down to its header. */
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && mnl_nlmsg_size(off) <= nlh->nlmsg_len)
		mnl_attr_parse(nlh, off, extack_attr, t->nl);
	errno = -err->error;
	return MNL_CB_ERROR;
}

static int on_done(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static int on_overrun(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	errno = ENOSPC;
	return MNL_CB_ERROR;
}

static int on_data(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

int nl_talk(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	static char buf[NL_RECV_SIZE];
	static mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = on_error,
		[NLMSG_DONE] = on_done,
		[NLMSG_OVERRUN] = on_overrun,
	};
	struct talk t = {nl, cb, data};
	unsigned int seq = req->nlmsg_seq;
	int r;

	nl->extack[0] = '\0';
	if (mnl_socket_sendto(nl->sock, req, req->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (n < 0)
			return -errno;
		errno = 0;
		r = mnl_cb_run2(buf, (size_t)n, seq, nl->portid, on_data, &t, ctl, NLMSG_MIN_TYPE);
		if (r < 0)
			return errno ? -errno : -EIO;
		if (r == MNL_CB_STOP)
			return 0;
	}
}

int nl_fail(struct nl *nl, struct df_err *e, int code, const char *fmt, ...)
{
	char text[DF_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return df_failv(e, code, nl->extack, "%s", text);
}
