/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_POLICY_H
#define DF_POLICY_H

#include <stdbool.h>
#include <net/if.h>

#include "err.h"
#include "settings.h"

/*
 * The admin's policy, /etc/dockerfly/policy (DOCKERFLY_POLICY names another file): what the
 * creators of containers may ask for. "key = value" lines:
 *   parent.NAME = SUBNET, SUBNET... | any    NAME may be used, with addresses inside these
 *                                            subnets; once the file exists, an unlisted
 *                                            parent is refused
 *   env = allow | deny                       settings from DOCKERFLY_* environment variables
 *   max-nics = N                             NICs per container (1..16)
 *   host-route = allow | deny                containers may ask for host routes themselves
 *   dhcp = allow | deny
 *   pools = NAME, NAME... | any              pools containers may draw from
 * Without the file there are no limits but the built-in ones, except that a container may
 * ask for host routes only when the host's configuration turns them on for everyone: a host
 * route changes the host's own routing. A refusal names the file, line and rule.
 */

#define DF_POLICY_PATH	      "/etc/dockerfly/policy"
#define DF_POLICY_MAX_PARENTS 32
#define DF_POLICY_MAX_NETS    16
#define DF_POLICY_MAX_POOLS   16

struct policy_parent {
	char name[IFNAMSIZ];
	bool any;
	struct df_prefix nets[DF_POLICY_MAX_NETS];
	unsigned int n_nets;
	int line;
};

/* A yes/no rule and the line that set it (0: the default). */
struct policy_switch {
	bool allow;
	int line;
};

struct df_policy {
	bool present; /* the file exists */
	char path[256];
	struct policy_parent parents[DF_POLICY_MAX_PARENTS];
	unsigned int n_parents;
	struct policy_switch env, host_route, dhcp;
	unsigned int max_nics;
	int max_nics_line;
	bool any_pool;
	char pools[DF_POLICY_MAX_POOLS][DF_POOL_NAME_MAX + 1];
	unsigned int n_pools;
	int pools_line;
};

/* Read the policy (@path NULL: DOCKERFLY_POLICY, else DF_POLICY_PATH). */
int policy_load(const char *path, struct df_policy *p, struct df_err *e);
int policy_parse(const char *text, const char *what, struct df_policy *p, struct df_err *e);

/*
 * May settings @s be applied? @host_route_default says whether the host's configuration
 * turns host routes on for everyone. A refusal is -EPERM naming the rule.
 */
int policy_check(const struct df_policy *p, const struct df_settings *s, bool host_route_default,
		 struct df_err *e);

#endif
