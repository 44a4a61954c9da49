/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_ATTACH_H
#define DF_ATTACH_H

#include <sys/types.h>

#include "err.h"
#include "settings.h"

/*
 * Give the container whose init is @pid every NIC of @s: a macvlan on the NIC's parent made
 * straight in the container's network namespace, with MAC, MTU, addresses, link up, default
 * route(s) and extra routes. Converges: what is already there as asked is left alone, so a
 * second run changes nothing. On failure everything this run made is undone.
 * Enters the container's network namespace; the caller must not rely on its own afterwards.
 */
int attach_all(pid_t pid, const struct df_settings *s, struct df_err *e);

/* Release what the container's NICs hold outside its namespace. Succeeds when it is gone. */
int release_all(pid_t pid, const struct df_settings *s, struct df_err *e);

#endif
