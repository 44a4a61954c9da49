/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef DF_ERR_H
#define DF_ERR_H

/*
 * The one error contract of dockerfly.
 *
 * A function that can fail returns 0 (or a non-negative value) on success and a negative errno
 * on failure, after filling a struct df_err with a message that names the operation and the
 * object, e.g. `create macvlan "lan0" on "fly0": Device or resource busy`. Callers add context
 * on the way up with df_err_prefix(). Exactly one place, the program's main(), prints the
 * message and sets the exit status; no helper prints an error or exits.
 */

#define DF_ERR_MAX 512

struct df_err {
	int code; /* positive errno of the first failure */
	char msg[DF_ERR_MAX];
};

/*
 * Record a failure: the formatted text, then ": strerror(code)" and, when @detail is not NULL
 * and not empty, " (detail)". Returns -code, so that `return df_fail(...)` reads naturally.
 */
int df_failv(struct df_err *e, int code, const char *detail, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Record a failure from a system call: the formatted text, then ": strerror(code)". */
#define df_fail(e, code, ...) df_failv((e), (code), NULL, __VA_ARGS__)

/*
 * Record a refusal of bad input: only the formatted text, no errno text, since "Invalid
 * argument" adds nothing to "bad MAC address 'zz'". Returns -EINVAL.
 */
int df_invalid(struct df_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepend "context: " to the message already recorded. Returns -e->code. */
int df_err_prefix(struct df_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
