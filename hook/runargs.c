// SPDX-License-Identifier: BSD-2-Clause
#include <string.h>

#include "runargs.h"
#include "util.h"

/* runc's global options that take a value; every other global option is a switch. */
static const char *const global_valued[] = {"root", "log", "log-format", "criu", "rootless"};

/* Options of create and run that take a value. */
static const char *const create_valued[] = {
	"bundle", "b", "console-socket", "pid-file", "preserve-fds", "pidfd-socket"};

/*
 * The option name of @arg with its dashes and any "=value" cut off, in @name; NULL when @arg
 * is not an option. *@has_value says whether "=" was there.
 */
static const char *opt_name(const char *arg, char *name, size_t size, bool *has_value)
{
	const char *eq;
	size_t len;

	if (arg[0] != '-' || arg[1] == '\0')
		return NULL;
	arg += arg[1] == '-' ? 2 : 1;
	eq = strchr(arg, '=');
	len = eq ? (size_t)(eq - arg) : strlen(arg);
	*has_value = eq != NULL;
	if (len == 0 || len >= size)
		return NULL;
	memcpy(name, arg, len);
	name[len] = '\0';
	return name;
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(name, list[i]))
			return true;
	}
	return false;
}

/* Index of the command in @argv, or @argc when there is none. */
static int find_command(int argc, char *const argv[])
{
	char name[32];
	bool has_value;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1;
		if (!opt_name(argv[i], name, sizeof(name), &has_value)) {
			if (argv[i][0] != '-')
				return i;
			continue;
		}
		if (!has_value && in_list(name, global_valued, ARRAY_SIZE(global_valued)))
			i++;
	}
	return argc;
}

/* The bundle option and container id of create/run, from the arguments after the command. */
static int scan_create(int argc, char *const argv[], int first, struct df_runargs *ra,
		       struct df_err *e)
{
	char name[32];
	bool has_value, bundle, valued, options = true;

	for (int i = first; i < argc; i++) {
		const char *arg = argv[i];

		if (options && !strcmp(arg, "--")) {
			options = false;
			continue;
		}
		if (!options || !opt_name(arg, name, sizeof(name), &has_value)) {
			if (!ra->id)
				ra->id = arg;
			continue;
		}
		bundle = !strcmp(name, "bundle") || !strcmp(name, "b");
		valued = in_list(name, create_valued, ARRAY_SIZE(create_valued));
		if (has_value) {
			if (bundle)
				ra->bundle = strchr(arg, '=') + 1;
			continue;
		}
		if (!valued)
			continue;
		if (i + 1 == argc) {
			if (bundle)
				return df_invalid(e, "%s: option %s needs a value", ra->command,
						  arg);
			break;
		}
		if (bundle)
			ra->bundle = argv[i + 1];
		i++;
	}
	return 0;
}

bool runargs_creates(const struct df_runargs *ra)
{
	return ra->command && (!strcmp(ra->command, "create") || !strcmp(ra->command, "run"));
}

int runargs_scan(int argc, char *const argv[], struct df_runargs *ra, struct df_err *e)
{
	int cmd = find_command(argc, argv);

	ra->command = cmd < argc ? argv[cmd] : NULL;
	ra->bundle = NULL;
	ra->id = NULL;
	if (!runargs_creates(ra))
		return 0;
	return scan_create(argc, argv, cmd + 1, ra, e);
}
