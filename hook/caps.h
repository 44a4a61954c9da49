/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_CAPS_H
#define DF_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/*
 * Capabilities, dropped in two steps. Before any input is read the hook keeps only what its
 * stage may need: CAP_NET_ADMIN (rtnetlink changes), CAP_NET_RAW (ARP packets), CAP_KILL (to
 * stop a container's lease keeper at poststop, whatever its credentials) and, to attach,
 * CAP_NET_BIND_SERVICE (the DHCP client's port 68), CAP_SYS_ADMIN (setns) and
 * CAP_SYS_PTRACE (runtimes make the container's init non-dumpable, and only this opens its
 * /proc/PID/ns/net then), and CAP_DAC_READ_SEARCH to read the bundle's config.json, which
 * engines keep under directories of mode 0700 or 0600. That one goes as soon as the settings
 * are read (caps_settings_read()); once inside the container's namespace, caps_enter_done()
 * keeps the network three alone, which is all the lease keeper inherits. No-new-privileges is
 * set.
 *
 * Run without privileges (tests of parsing), there is nothing to drop and this succeeds.
 */
int caps_limit(bool attach, struct df_err *e);
int caps_settings_read(bool attach, struct df_err *e);

/* Keep those of the @n capabilities @keep that the process has, and no others. */
int caps_keep(const unsigned int *keep, size_t n, struct df_err *e);
int caps_enter_done(struct df_err *e);

#endif
