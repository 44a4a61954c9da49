// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "policy.h"

static void policy_defaults(struct df_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->env.allow = true;
	p->dhcp.allow = true;
	p->any_pool = true;
	p->max_nics = DF_MAX_NICS;
}

static int set_switch(struct policy_switch *sw, const char *value, int line, struct df_err *e)
{
	if (strcmp(value, "allow") && strcmp(value, "deny"))
		return df_invalid(e, "expected allow or deny, not '%s'", value);
	sw->allow = !strcmp(value, "allow");
	sw->line = line;
	return 0;
}

static int add_net(const char *item, void *data, struct df_err *e)
{
	struct policy_parent *pp = data;
	struct df_route rt;
	int r;

	if (!strcmp(item, "any")) {
		pp->any = true;
		return 0;
	}
	if (pp->n_nets == DF_POLICY_MAX_NETS)
		return df_invalid(e, "more than %d subnets", DF_POLICY_MAX_NETS);
	r = parse_route(item, &rt, e);
	if (r == 0 && rt.has_via)
		r = df_invalid(e, "bad subnet '%s'", item);
	if (r == 0)
		pp->nets[pp->n_nets++] = rt.dst;
	return r;
}

static int add_pool(const char *item, void *data, struct df_err *e)
{
	struct df_policy *p = data;

	if (!strcmp(item, "any")) {
		p->any_pool = true;
		return 0;
	}
	if (p->n_pools == DF_POLICY_MAX_POOLS || strlen(item) > DF_POOL_NAME_MAX ||
	    !safe_name(item))
		return df_invalid(e, "bad pool '%s'", item);
	strcpy(p->pools[p->n_pools++], item);
	return 0;
}

static int set_parent(struct df_policy *p, const char *name, const char *value, int line,
		      struct df_err *e)
{
	struct policy_parent *pp;
	int r;

	if (p->n_parents == DF_POLICY_MAX_PARENTS)
		return df_invalid(e, "more than %d parents", DF_POLICY_MAX_PARENTS);
	pp = &p->parents[p->n_parents];
	memset(pp, 0, sizeof(*pp));
	r = parse_ifname(name, pp->name, e);
	if (r == 0)
		r = parse_list(value, add_net, pp, e);
	if (r < 0)
		return r;
	pp->line = line;
	p->n_parents++;
	return 0;
}

static int max_nics(struct df_policy *p, const char *value, int line, struct df_err *e)
{
	char *end;
	long n = strtol(value, &end, 10);

	if (!*value || *end || n < 1 || n > DF_MAX_NICS)
		return df_invalid(e, "max-nics must be 1..%d", DF_MAX_NICS);
	p->max_nics = (unsigned int)n;
	p->max_nics_line = line;
	return 0;
}

static int policy_set(void *data, const char *key, char *value, int line, struct df_err *e)
{
	struct df_policy *p = data;

	if (!strncmp(key, "parent.", 7))
		return set_parent(p, key + 7, value, line, e);
	if (!strcmp(key, "env"))
		return set_switch(&p->env, value, line, e);
	if (!strcmp(key, "host-route"))
		return set_switch(&p->host_route, value, line, e);
	if (!strcmp(key, "dhcp"))
		return set_switch(&p->dhcp, value, line, e);
	if (!strcmp(key, "max-nics"))
		return max_nics(p, value, line, e);
	if (!strcmp(key, "pools")) {
		p->any_pool = false;
		p->pools_line = line;
		return parse_list(value, add_pool, p, e) < 0 ? -EINVAL : 0;
	}
	return df_invalid(e, "unknown key '%s'", key);
}

int policy_parse(const char *text, const char *what, struct df_policy *p, struct df_err *e)
{
	policy_defaults(p);
	p->present = true;
	snprintf(p->path, sizeof(p->path), "%s", what);
	return kv_parse(text, what, policy_set, p, e);
}

int policy_load(const char *path, struct df_policy *p, struct df_err *e)
{
	if (!path)
		path = getenv("DOCKERFLY_POLICY");
	if (!path || !*path)
		path = DF_POLICY_PATH;
	policy_defaults(p);
	snprintf(p->path, sizeof(p->path), "%s", path);
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	p->present = true;
	return kv_load(path, false, policy_set, p, e);
}

/* A refusal, -EPERM: "refused by POLICY:LINE (RULE): WHY". */
static int refuse(const struct df_policy *p, int line, const char *rule, const char *why,
		  struct df_err *e)
{
	if (line)
		df_invalid(e, "refused by %s:%d (%s): %s", p->path, line, rule, why);
	else
		df_invalid(e, "refused by %s (%s): %s", p->path, rule, why);
	e->code = EPERM;
	return -EPERM;
}

static const struct policy_parent *find_parent(const struct df_policy *p, const char *name)
{
	for (unsigned int i = 0; i < p->n_parents; i++) {
		if (!strcmp(p->parents[i].name, name))
			return &p->parents[i];
	}
	return NULL;
}

static int check_addresses(const struct df_policy *p, const struct policy_parent *pp,
			   const struct df_nic *nic, struct df_err *e)
{
	char why[160], a[DF_PREFIX_STRLEN], rule[64];

	if (pp->any)
		return 0;
	snprintf(rule, sizeof(rule), "parent.%s", pp->name);
	for (unsigned int i = 0; i < nic->n_addrs; i++) {
		bool inside = false;

		for (unsigned int j = 0; j < pp->n_nets && !inside; j++)
			inside = prefix_contains(&pp->nets[j], &nic->addrs[i].addr);
		if (!inside) {
			snprintf(why, sizeof(why), "%s: address %s is outside the subnets allowed",
				 nic->ifname, prefix_str(&nic->addrs[i], a));
			return refuse(p, pp->line, rule, why, e);
		}
	}
	return 0;
}

static int check_source(const struct df_policy *p, const struct df_nic *nic, struct df_err *e)
{
	char why[160];

	if (nic->addr_mode == DF_ADDR_DHCP && !p->dhcp.allow) {
		snprintf(why, sizeof(why), "%s: DHCP is not allowed", nic->ifname);
		return refuse(p, p->dhcp.line, "dhcp", why, e);
	}
	if (nic->addr_mode != DF_ADDR_POOL || p->any_pool)
		return 0;
	for (unsigned int i = 0; i < p->n_pools; i++) {
		if (!strcmp(p->pools[i], nic->pool))
			return 0;
	}
	snprintf(why, sizeof(why), "%s: pool %s is not allowed", nic->ifname, nic->pool);
	return refuse(p, p->pools_line, "pools", why, e);
}

static int check_nic(const struct df_policy *p, const struct df_nic *nic, bool host_route_default,
		     struct df_err *e)
{
	const struct policy_parent *pp = find_parent(p, nic->parent);
	char why[160];
	int r;

	/* Asked for by the container itself, not given by the host's configuration. */
	if (nic->host_route && !host_route_default && !p->host_route.allow) {
		snprintf(why, sizeof(why), "%s: host routes are not allowed", nic->ifname);
		return refuse(p, p->host_route.line, "host-route", why, e);
	}
	if (!p->present)
		return 0;
	if (!pp) {
		snprintf(why, sizeof(why), "%s: parent %s is not allowed", nic->ifname,
			 nic->parent);
		return refuse(p, 0, "only parents with a parent.NAME rule", why, e);
	}
	r = check_addresses(p, pp, nic, e);
	if (r == 0)
		r = check_source(p, nic, e);
	return r;
}

int policy_check(const struct df_policy *p, const struct df_settings *s, bool host_route_default,
		 struct df_err *e)
{
	unsigned int nics = 0;
	char why[96];
	int r;

	if (s->source == DF_SOURCE_ENV && !p->env.allow)
		return refuse(p, p->env.line, "env",
			      "settings from DOCKERFLY_* environment variables are not allowed", e);
	for (int n = 0; n < DF_MAX_NICS; n++) {
		if (!s->nic[n].used)
			continue;
		nics++;
		r = check_nic(p, &s->nic[n], host_route_default, e);
		if (r < 0)
			return r;
	}
	if (nics > p->max_nics) {
		snprintf(why, sizeof(why), "%u NICs asked for, at most %u allowed", nics,
			 p->max_nics);
		return refuse(p, p->max_nics_line, "max-nics", why, e);
	}
	return 0;
}
