/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_NL_H
#define DF_NL_H

#include <libmnl/libmnl.h>

#include "err.h"

/*
 * An rtnetlink socket bound in the network namespace the caller was in when it opened it.
 * Requests carry a per-socket sequence number, replies are matched to it, every request asks
 * for an acknowledgement, and the kernel's extended ACK text is kept for the error message.
 */
struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char extack[256]; /* the kernel's reason for the last refusal, or "" */
};

/* A request buffer; rtnetlink requests of this program stay far below a page. */
#define NL_REQ_SIZE 4096

int nl_open(struct nl *nl, struct df_err *e);
void nl_close(struct nl *nl);

/*
 * Start a request of @type with @flags in @buf. NLM_F_REQUEST is added, and NLM_F_ACK to
 * everything but dumps, so that every request is answered.
 */
struct nlmsghdr *nl_request(struct nl *nl, char *buf, uint16_t type, uint16_t flags);

/*
 * Send @req and read replies until the ACK, the end of a dump or an error. Each data message
 * goes to @cb (may be NULL). Returns 0 or a negative errno; on a kernel refusal nl->extack
 * holds the kernel's text, if it gave one.
 */
int nl_talk(struct nl *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data);

/* The failure of nl_talk() as an error: "TEXT: strerror (kernel's reason)". */
int nl_fail(struct nl *nl, struct df_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
