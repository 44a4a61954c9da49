// SPDX-License-Identifier: BSD-2-Clause
/*
 * DHCP replies as anyone on the LAN may send them. The client's transaction id and MAC are
 * taken from the message, so that the fuzzer gets past the "is it ours" check, except when
 * the hops byte is odd. A request built for a client made of the same bytes must be well
 * formed and read back.
 */
#include <arpa/inet.h>

#include "dhcp.h"
#include "fuzz.h"

static void reply(const uint8_t *data, size_t size)
{
	struct dhcp_client c = {0};
	struct dhcp_reply r;
	struct df_err e = {0};
	uint32_t xid;
	int ret;

	if (size >= 34) {
		memcpy(&xid, data + 4, 4);
		c.xid = ntohl(xid) ^ (data[3] & 1);
		memcpy(c.mac, data + 28, 6);
	}
	ret = dhcp_parse(data, size, &c, &r, &e);
	if (ret < 0) {
		fuzz_check_err(ret, &e);
		return;
	}
	fuzz_check(r.type == DHCP_OFFER || r.type == DHCP_ACK || r.type == DHCP_NAK);
	if (r.type != DHCP_NAK) {
		fuzz_check(r.yiaddr && r.server_id && r.lease);
		fuzz_check(!r.mask || dhcp_mask_len(r.mask) >= 0);
	}
}

/* A client from the input: hostname and client id of any length the types allow. */
static void request(const uint8_t *data, size_t size)
{
	static const enum dhcp_type types[] = {DHCP_DISCOVER, DHCP_REQUEST, DHCP_DECLINE,
					       DHCP_RELEASE};
	uint8_t buf[DHCP_MSG_MAX];
	struct dhcp_client c = {0};
	struct dhcp_reply r;
	struct df_err e = {0};
	size_t len, n;
	uint32_t words[3] = {0};

	if (size < 20)
		return;
	memcpy(&c.xid, data, 4);
	memcpy(c.mac, data + 4, 6);
	memcpy(words, data + 8, 12);
	data += 20;
	size -= 20;
	n = size < DHCP_HOSTNAME_MAX ? size : DHCP_HOSTNAME_MAX;
	memcpy(c.hostname, data, n);
	c.hostname[n] = '\0';
	c.client_id_len = size % (DHCP_CLIENT_ID_MAX + 1);
	memcpy(c.client_id, data, c.client_id_len < size ? c.client_id_len : size);

	len = dhcp_build(buf, &c, types[words[0] % 4], words[0] & 4 ? 0 : words[1], words[2],
			 words[1]);
	fuzz_check(len >= 300 && len <= DHCP_MSG_MAX);
	/* Read back as a reply: everything parses up to the type, which no server sends. */
	buf[0] = 2;
	fuzz_check(dhcp_parse(buf, len, &c, &r, &e) == -EINVAL);
	fuzz_check(!strncmp(e.msg, "DHCP: unexpected message type", 29));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reply(data, size);
	request(data, size);
	return 0;
}
