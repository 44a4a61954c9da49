// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>

#include "parse.h"
#include "util.h"

/* Longest value a single setting may hold; anything longer is refused, not cut. */
#define DF_VALUE_MAX 4096

unsigned int addr_size(int family)
{
	return family == AF_INET ? 4 : 16;
}

bool addr_equal(const struct df_addr *a, const struct df_addr *b)
{
	return a->family == b->family && !memcmp(a->bytes, b->bytes, addr_size(a->family));
}

bool prefix_equal(const struct df_prefix *a, const struct df_prefix *b)
{
	return a->len == b->len && addr_equal(&a->addr, &b->addr);
}

bool prefix_contains(const struct df_prefix *net, const struct df_addr *addr)
{
	unsigned int full = net->len / 8, rest = net->len % 8;

	if (net->addr.family != addr->family)
		return false;
	if (memcmp(net->addr.bytes, addr->bytes, full))
		return false;
	if (!rest)
		return true;
	return !((net->addr.bytes[full] ^ addr->bytes[full]) & (0xff00 >> rest));
}

const char *addr_str(const struct df_addr *a, char buf[DF_ADDR_STRLEN])
{
	if (!inet_ntop(a->family, a->bytes, buf, DF_ADDR_STRLEN))
		strcpy(buf, "?");
	return buf;
}

const char *prefix_str(const struct df_prefix *p, char buf[DF_PREFIX_STRLEN])
{
	char a[DF_ADDR_STRLEN];

	snprintf(buf, DF_PREFIX_STRLEN, "%s/%u", addr_str(&p->addr, a), p->len);
	return buf;
}

/* inet_pton for either family; the family is chosen by the presence of a colon. */
static bool addr_from_text(const char *s, struct df_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = strchr(s, ':') ? AF_INET6 : AF_INET;
	return inet_pton(out->family, s, out->bytes) == 1;
}

/* Is every host bit of @p (the bits after its length) equal to @bit? */
static bool host_bits_all(const struct df_prefix *p, int bit)
{
	unsigned int total = addr_size(p->addr.family) * 8;

	for (unsigned int i = p->len; i < total; i++) {
		int b = (p->addr.bytes[i / 8] >> (7 - i % 8)) & 1;

		if (b != bit)
			return false;
	}
	return true;
}

/* Addresses no host may hold: unspecified, loopback, multicast, limited broadcast, class E. */
static const char *addr_unusable(const struct df_addr *a)
{
	const unsigned char *b = a->bytes;
	static const unsigned char zero[16];

	if (!memcmp(b, zero, addr_size(a->family)))
		return "unspecified";
	if (a->family == AF_INET) {
		if (b[0] == 127)
			return "loopback";
		if (b[0] >= 224 && b[0] <= 239)
			return "multicast";
		if (b[0] >= 240)
			return "reserved";
		return NULL;
	}
	if (b[0] == 0xff)
		return "multicast";
	if (!memcmp(b, zero, 15) && b[15] == 1)
		return "loopback";
	if (!memcmp(b, zero, 10) && b[10] == 0xff && b[11] == 0xff)
		return "IPv4-mapped";
	return NULL;
}

int parse_gateway(const char *s, struct df_addr *out, struct df_err *e)
{
	const char *why;

	if (!addr_from_text(s, out))
		return df_invalid(e, "bad gateway address '%s'", s);
	why = addr_unusable(out);
	if (why)
		return df_invalid(e, "gateway '%s' is a %s address", s, why);
	return 0;
}

/* Split "ADDR/LEN" into @out; the length must be given, in decimal, within the family's size. */
static int prefix_from_text(const char *s, const char *what, struct df_prefix *out,
			    struct df_err *e)
{
	char addr[DF_PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	size_t alen;
	unsigned long len = 0;

	if (!slash)
		return df_invalid(e, "%s '%s' has no prefix length (write ADDR/LEN)", what, s);
	alen = slash - s;
	if (alen == 0 || alen >= sizeof(addr))
		return df_invalid(e, "bad %s '%s'", what, s);
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (!addr_from_text(addr, &out->addr))
		return df_invalid(e, "bad %s '%s'", what, s);

	const char *p = slash + 1;

	if (!*p || strlen(p) > 3)
		return df_invalid(e, "bad prefix length in %s '%s'", what, s);
	for (; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return df_invalid(e, "bad prefix length in %s '%s'", what, s);
		len = len * 10 + (*p - '0');
	}
	if (len > addr_size(out->addr.family) * 8)
		return df_invalid(e, "prefix length %lu too long in %s '%s'", len, what, s);
	out->len = (unsigned char)len;
	return 0;
}

int parse_host_prefix(const char *s, struct df_prefix *out, struct df_err *e)
{
	unsigned int bits;
	const char *why;
	int r;

	r = prefix_from_text(s, "address", out, e);
	if (r < 0)
		return r;
	why = addr_unusable(&out->addr);
	if (why)
		return df_invalid(e, "address '%s' is a %s address", s, why);
	if (out->len == 0)
		return df_invalid(e, "address '%s' has prefix length 0", s);

	/* /31, /32 (RFC 3021) and /127, /128 have no network or broadcast address to avoid. */
	bits = addr_size(out->addr.family) * 8;
	if (out->len >= bits - 1)
		return 0;
	if (host_bits_all(out, 0))
		return df_invalid(e, "address '%s' is the network address of its subnet", s);
	if (out->addr.family == AF_INET && host_bits_all(out, 1))
		return df_invalid(e, "address '%s' is the broadcast address of its subnet", s);
	return 0;
}

/*
 * Take the next blank-separated word of *@s into @word and move *@s past it. Returns 1, 0
 * when nothing is left, or -1 when the word does not fit: never a cut-off word.
 */
static int next_word(const char **s, char *word, size_t size)
{
	const char *p = *s;
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return 0;
	while (*p && *p != ' ' && *p != '\t') {
		if (n + 1 >= size)
			return -1;
		word[n++] = *p++;
	}
	word[n] = '\0';
	*s = p;
	return 1;
}

int parse_route(const char *s, struct df_route *out, struct df_err *e)
{
	char dst[DF_PREFIX_STRLEN + 1], kw[8], via[DF_ADDR_STRLEN + 1], extra[2];
	const char *rest = s;
	int r;

	memset(out, 0, sizeof(*out));
	if (next_word(&rest, dst, sizeof(dst)) != 1)
		return df_invalid(e, "bad route '%s' (write DST/LEN [via GW])", s);
	if (!strcmp(dst, "default"))
		return df_invalid(e, "route '%s': set the default route with the gateway key", s);
	r = prefix_from_text(dst, "route destination", &out->dst, e);
	if (r < 0)
		return r;
	if (!host_bits_all(&out->dst, 0))
		return df_invalid(e, "route destination '%s' has host bits set", dst);
	if (out->dst.len == 0)
		return df_invalid(e, "route '%s': set the default route with the gateway key", s);

	r = next_word(&rest, kw, sizeof(kw));
	if (r == 0)
		return 0;
	if (r < 0 || strcmp(kw, "via") || next_word(&rest, via, sizeof(via)) != 1 ||
	    next_word(&rest, extra, sizeof(extra)) != 0)
		return df_invalid(e, "bad route '%s' (write DST/LEN [via GW])", s);
	r = parse_gateway(via, &out->via, e);
	if (r < 0)
		return df_err_prefix(e, "route '%s'", s);
	if (out->via.family != out->dst.addr.family)
		return df_invalid(e, "route '%s' mixes IPv4 and IPv6", s);
	out->has_via = true;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_mac(const char *s, unsigned char mac[6], struct df_err *e)
{
	if (strlen(s) != 17)
		return df_invalid(e, "bad MAC address '%s' (write xx:xx:xx:xx:xx:xx)", s);
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return df_invalid(e, "bad MAC address '%s' (write xx:xx:xx:xx:xx:xx)", s);
		mac[i] = (unsigned char)(hi << 4 | lo);
	}
	if (mac[0] & 1)
		return df_invalid(e, "MAC address '%s' is multicast", s);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return df_invalid(e, "MAC address '%s' is all zero", s);
	return 0;
}

int parse_mtu(const char *s, unsigned int *mtu, struct df_err *e)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return df_invalid(e, "bad MTU '%s' (68..65535)", s);
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return df_invalid(e, "bad MTU '%s' (68..65535)", s);
		v = v * 10 + (*p - '0');
	}
	if (v < 68 || v > 65535)
		return df_invalid(e, "MTU %s out of range (68..65535)", s);
	*mtu = (unsigned int)v;
	return 0;
}

int parse_ifname(const char *s, char out[IFNAMSIZ], struct df_err *e)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ)
		return df_invalid(e, "bad interface name '%s' (1 to %d characters)", s,
				  IFNAMSIZ - 1);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return df_invalid(e, "bad interface name '%s'", s);
	for (const char *p = s; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return df_invalid(
				e, "bad interface name '%s' (letters, digits, '_', '.', '-')", s);
	}
	memcpy(out, s, n + 1);
	return 0;
}

static const struct {
	const char *name;
	uint32_t mode;
} macvlan_modes[] = {
	{"bridge", MACVLAN_MODE_BRIDGE},
	{"private", MACVLAN_MODE_PRIVATE},
	{"vepa", MACVLAN_MODE_VEPA},
	{"passthru", MACVLAN_MODE_PASSTHRU},
};

int parse_macvlan_mode(const char *s, uint32_t *mode, struct df_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(macvlan_modes); i++) {
		if (!strcmp(s, macvlan_modes[i].name)) {
			*mode = macvlan_modes[i].mode;
			return 0;
		}
	}
	return df_invalid(e, "bad macvlan mode '%s' (bridge, private, vepa, passthru)", s);
}

const char *macvlan_mode_name(uint32_t mode)
{
	for (size_t i = 0; i < ARRAY_SIZE(macvlan_modes); i++) {
		if (macvlan_modes[i].mode == mode)
			return macvlan_modes[i].name;
	}
	return "?";
}

static const char *const dad_names[] = {
	[DF_DAD_QUICK] = "quick",
	[DF_DAD_OFF] = "off",
	[DF_DAD_STRICT] = "strict",
};

int parse_dad(const char *s, enum df_dad *out, struct df_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(dad_names); i++) {
		if (!strcmp(s, dad_names[i])) {
			*out = (enum df_dad)i;
			return 0;
		}
	}
	return df_invalid(e, "bad conflict detection mode '%s' (off, quick, strict)", s);
}

const char *dad_name(enum df_dad dad)
{
	return (size_t)dad < ARRAY_SIZE(dad_names) ? dad_names[dad] : "?";
}

/* 64-bit FNV-1a: small, stable across versions and platforms, good enough to spread names. */
static uint64_t fnv1a(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

void mac_stable(const char *hostname, const char *ifname, unsigned char mac[6])
{
	static const char tag[] = "dockerfly";
	uint64_t h = 0xcbf29ce484222325ULL;

	/* The NUL separators keep ("ab", "c") and ("a", "bc") apart. */
	h = fnv1a(h, tag, sizeof(tag));
	h = fnv1a(h, hostname, strlen(hostname) + 1);
	h = fnv1a(h, ifname, strlen(ifname) + 1);
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)(h >> (8 * i));
	/* Locally administered (bit 1), unicast (bit 0 clear). */
	mac[0] = (unsigned char)((mac[0] & 0xfc) | 0x02);
}

bool safe_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || s[0] == '.')
		return false;
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && !strchr("_.+-", *s))
			return false;
	}
	return true;
}

int parse_bool(const char *s, bool *out, struct df_err *e)
{
	static const char *const yes[] = {"1", "on", "true", "yes"};
	static const char *const no[] = {"0", "off", "false", "no"};

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return 0;
		}
	}
	return df_invalid(e, "bad switch '%s' (on or off)", s);
}

int parse_list(const char *s, int (*fn)(const char *item, void *data, struct df_err *e), void *data,
	       struct df_err *e)
{
	char buf[DF_VALUE_MAX];
	size_t n = strlen(s);
	int count = 0;
	char *item, *next;

	if (n >= sizeof(buf))
		return df_invalid(e, "value too long (%zu bytes)", n);
	memcpy(buf, s, n + 1);

	for (item = buf; item; item = next) {
		char *end;
		int r;

		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		while (*item == ' ' || *item == '\t')
			item++;
		end = item + strlen(item);
		while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*item)
			return df_invalid(e, "empty item in list '%s'", s);
		r = fn(item, data, e);
		if (r < 0)
			return r;
		count++;
	}
	return count;
}
