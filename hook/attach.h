/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_ATTACH_H
#define DF_ATTACH_H

#include <sys/types.h>

#include "conf.h"
#include "err.h"
#include "settings.h"

/*
 * Give the container whose init is @pid every NIC of @s: a macvlan on the NIC's parent made
 * straight in the container's network namespace, with MAC, MTU, addresses, link up, default
 * route(s) and extra routes; new IPv4 addresses are probed for conflicts first and announced
 * after, IPv6 ones pass the kernel's duplicate address detection; host routes through the
 * parent's shim when asked; a DHCP lease or pool address taken first where the NIC asks for
 * one, DHCP leases handed to the lease keeper at the end. Converges: what is already there as asked
 * is left alone, so a second run changes nothing. On failure everything this run made is undone.
 * Enters the container's network namespace; the caller must not rely on its own afterwards.
 */
int attach_all(const char *id, pid_t pid, const struct df_settings *s, const struct df_conf *conf,
	       struct df_err *e);

/*
 * Release what the container's NICs hold outside its namespace: the lease keeper (which
 * sends DHCPRELEASE), pool leases, host routes and the shim when its last user goes. Needs no
 * namespace: succeeds when the container is long gone.
 */
int release_all(const char *id, const struct df_settings *s, const struct df_conf *conf,
		struct df_err *e);

#endif
