// SPDX-License-Identifier: BSD-2-Clause
/*
 * Settings keys and values as annotations ("KEY=VALUE" lines) or environment entries (one
 * entry a line), then the checks on the whole, then the admin policy over the result.
 *
 * The first byte steers: bit 0 environment entries instead of annotations, bit 1 prefix each
 * line with "dockerfly." or "DOCKERFLY_", bit 2 host defaults (strict DAD, host routes),
 * bit 3 a hostname for mac=stable and DHCP, bit 4 an admin policy.
 */
#include <sys/socket.h>

#include "fuzz.h"
#include "policy.h"
#include "settings.h"

static const char policy_text[] = "parent.fly0 = 198.18.0.0/15, fd18::/16\n"
				  "parent.fly1 = any\n"
				  "env = deny\n"
				  "max-nics = 3\n"
				  "host-route = deny\n"
				  "dhcp = allow\n"
				  "pools = lab, office\n";

/* One line; like the real sources, the first refusal ends the run (returns < 0). */
static int apply_line(struct df_settings *s, char *line, unsigned int flags)
{
	struct df_err e = {0};
	char buf[4200];
	int r;

	if (flags & 2) {
		snprintf(buf, sizeof(buf), "%s%s", flags & 1 ? "DOCKERFLY_" : "dockerfly.", line);
		line = buf;
	}
	if (flags & 1) {
		if (!settings_is_env(line))
			return 0;
		r = settings_set_env(s, line, &e);
	} else {
		char *eq = strchr(line, '=');

		if (!eq)
			return 0;
		*eq = '\0';
		if (!settings_is_annotation(line))
			return 0;
		r = settings_set_annotation(s, line, eq + 1, &e);
	}
	if (r < 0)
		fuzz_check_err(r, &e);
	return r;
}

static void check_nic(const struct df_settings *s, int n)
{
	const struct df_nic *nic = &s->nic[n];

	fuzz_check(nic->parent[0] && strlen(nic->parent) < IFNAMSIZ);
	fuzz_check(nic->ifname[0] && strlen(nic->ifname) < IFNAMSIZ);
	fuzz_check(nic->n_addrs <= DF_MAX_ADDRS);
	fuzz_check(nic->n_gateways <= 2);
	fuzz_check(nic->n_routes <= DF_MAX_ROUTES);
	fuzz_check(nic->mtu == 0 || (nic->mtu >= 68 && nic->mtu <= 65535));
	fuzz_check(!nic->has_mac || !(nic->mac[0] & 1));
	for (unsigned int i = 0; i < nic->n_gateways; i++)
		fuzz_check(i == 0 || nic->gateways[i].family != nic->gateways[0].family);
	for (int m = 0; m < DF_MAX_NICS; m++) {
		if (m != n && s->nic[m].used)
			fuzz_check(strcmp(nic->ifname, s->nic[m].ifname));
	}
}

/* fly0's rule: every static address inside 198.18.0.0/15 or fd18::/16. */
static void check_inside(const struct df_nic *nic)
{
	struct df_route v4, v6;
	struct df_err e = {0};

	fuzz_check(parse_route("198.18.0.0/15", &v4, &e) == 0);
	fuzz_check(parse_route("fd18::/16", &v6, &e) == 0);
	for (unsigned int i = 0; i < nic->n_addrs; i++)
		fuzz_check(prefix_contains(&v4.dst, &nic->addrs[i].addr) ||
			   prefix_contains(&v6.dst, &nic->addrs[i].addr));
}

static void check_policy(const struct df_settings *s, unsigned int flags)
{
	static struct df_policy p;
	static bool loaded;
	struct df_err e = {0};
	int r, used;

	if (!loaded) {
		fuzz_check(policy_parse(policy_text, "policy", &p, &e) == 0);
		loaded = true;
	}
	r = policy_check(&p, s, flags & 4, &e);
	if (r < 0) {
		fuzz_check(r == -EPERM && e.code == EPERM);
		fuzz_check(!strncmp(e.msg, "refused by policy", 17));
		return;
	}
	fuzz_check(s->source != DF_SOURCE_ENV);
	used = 0;
	for (int n = 0; n < DF_MAX_NICS; n++) {
		const struct df_nic *nic = &s->nic[n];

		if (!nic->used)
			continue;
		used++;
		fuzz_check(!strcmp(nic->parent, "fly0") || !strcmp(nic->parent, "fly1"));
		fuzz_check(!nic->host_route || (flags & 4));
		if (!strcmp(nic->parent, "fly0"))
			check_inside(nic);
	}
	fuzz_check(used <= 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct df_defaults strict = {.dad = DF_DAD_STRICT, .host_route = true};
	struct df_settings s;
	struct df_err e = {0};
	unsigned int flags;
	char *text, *line, *next;
	int r = 0, used = 0;

	if (size < 1)
		return 0;
	flags = data[0];
	text = fuzz_string(data + 1, size - 1);
	settings_init(&s, flags & 4 ? &strict : NULL);
	s.source = flags & 1 ? DF_SOURCE_ENV : DF_SOURCE_CONFIG;
	if (flags & 8)
		strcpy(s.hostname, "web1");
	for (line = text; line && r == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		r = apply_line(&s, line, flags);
	}
	free(text);
	if (r < 0)
		return 0;

	r = settings_finish(&s, &e);
	if (r < 0) {
		fuzz_check_err(r, &e);
		return 0;
	}
	for (int n = 0; n < DF_MAX_NICS; n++) {
		if (s.nic[n].used) {
			check_nic(&s, n);
			used++;
		}
	}
	fuzz_check(r == used);
	if (flags & 16)
		check_policy(&s, flags);
	return 0;
}
