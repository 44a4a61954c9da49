// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int df_failv(struct df_err *e, int code, const char *detail, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (code <= 0)
		code = EIO;
	e->code = code;

	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(e->msg))
		return -code;

	if (detail && *detail)
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s (%s)", strerror(code), detail);
	else
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(code));
	return -code;
}

int df_invalid(struct df_err *e, const char *fmt, ...)
{
	va_list ap;

	e->code = EINVAL;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int df_err_prefix(struct df_err *e, const char *fmt, ...)
{
	char old[DF_ERR_MAX];
	va_list ap;
	int n;

	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", old);
	if (e->code <= 0)
		e->code = EIO;
	return -e->code;
}
