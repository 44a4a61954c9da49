// SPDX-License-Identifier: BSD-2-Clause
/*
 * The OCI state on the hook's stdin, as any runtime (or anyone who can run the hook) may
 * write it: parsed, checked, and its annotations taken as settings.
 */
#include "fuzz.h"
#include "sources.h"
#include "state.h"

static void check_state(const struct df_state *st)
{
	fuzz_check(st->root != NULL);
	fuzz_check(st->oci_version && st->id && st->status);
	fuzz_check(state_id_valid(st->id));
	fuzz_check(!st->bundle || st->bundle[0] == '/');
	fuzz_check(st->pid >= 0);
	fuzz_check(!st->annotations || json_object_is_type(st->annotations, json_type_object));
	fuzz_check(state_is_alive(st) == !!strcmp(st->status, "stopped"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct df_err e = {0};
	struct df_state st;
	struct df_settings s;
	int r;

	r = state_parse((const char *)data, size, &st, &e);
	if (r < 0) {
		fuzz_check_err(r, &e);
		fuzz_check(st.root == NULL);
		return 0;
	}
	check_state(&st);

	/* What settings_load does with the state's own annotations. */
	settings_init(&s, NULL);
	s.source = DF_SOURCE_STATE;
	r = settings_from_annotations(&s, st.annotations, &e);
	if (r >= 0)
		r = settings_finish(&s, &e);
	if (r < 0)
		fuzz_check_err(r, &e);
	state_release(&st);
	return 0;
}
