/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_STATE_H
#define DF_STATE_H

#include <stdbool.h>
#include <sys/types.h>
#include <json-c/json.h>

#include "err.h"

/*
 * The OCI state a runtime hands a hook on stdin: ociVersion, id, status, pid, bundle and
 * annotations. The strings point into @root and live as long as it does.
 */
struct df_state {
	struct json_object *root;
	const char *oci_version;
	const char *id;
	const char *status;
	const char *bundle;		 /* absolute path, or NULL when the caller gave none */
	pid_t pid;			 /* 0 when absent */
	struct json_object *annotations; /* NULL when absent */
};

/* The largest state document accepted on stdin. */
#define DF_STATE_MAX (1024 * 1024)

/* Parse and check a state document. On failure nothing needs releasing. */
int state_parse(const char *buf, size_t len, struct df_state *st, struct df_err *e);
void state_release(struct df_state *st);

/* Is the container's status one in which its process is alive (creating..running, paused)? */
bool state_is_alive(const struct df_state *st);

/* Can @id be printed and used as a name as it is (no blanks or control characters)? */
bool state_id_valid(const char *id);

#endif
