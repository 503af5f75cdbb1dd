/*
 * unit_test.c
 *		The assertion framework behind unit_test.h.
 */
#include "unit_test.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define UT_MAX_PRINTED 12		/* failures printed per test */

char		ut_context[512];
long		ut_checks;

static int	ut_failures;		/* failed checks in the current test */
static int	ut_passed;
static int	ut_failed;

const char *
ut_status_name(ds_status s)
{
	switch (s)
	{
		case DS_OK:
			return "DS_OK";
		case DS_ERR_NOMEM:
			return "DS_ERR_NOMEM";
		case DS_ERR_TOO_LARGE:
			return "DS_ERR_TOO_LARGE";
		case DS_ERR_SYNTAX:
			return "DS_ERR_SYNTAX";
		case DS_ERR_DAY_RANGE:
			return "DS_ERR_DAY_RANGE";
		case DS_ERR_BAD_DATE:
			return "DS_ERR_BAD_DATE";
		case DS_ERR_RANGE_ORDER:
			return "DS_ERR_RANGE_ORDER";
		case DS_ERR_BAD_BINARY:
			return "DS_ERR_BAD_BINARY";
		case DS_ERR_BAD_VERSION:
			return "DS_ERR_BAD_VERSION";
	}
	return "(unknown ds_status)";
}

void
ut_fail(const char *file, int line, const char *fmt, ...)
{
	va_list		ap;

	ut_failures++;
	if (ut_failures > UT_MAX_PRINTED)
		return;
	printf("  FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (ut_context[0] != '\0')
		printf("  [%s]", ut_context);
	printf("\n");
	fflush(stdout);
}

void
ut_set_context(const char *fmt, ...)
{
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(ut_context, sizeof(ut_context), fmt, ap);
	va_end(ap);
}

bool
ut_test_failing(void)
{
	return ut_failures > 0;
}

void
ut_run(const char *name, void (*fn) (void))
{
	clock_t		start = clock();
	double		secs;

	ut_failures = 0;
	ut_context[0] = '\0';
	fn();
	ut_context[0] = '\0';
	secs = (double) (clock() - start) / CLOCKS_PER_SEC;
	if (ut_failures == 0)
	{
		ut_passed++;
		printf("ok   %-44s %6.2fs\n", name, secs);
	}
	else
	{
		ut_failed++;
		printf("FAIL %-44s %6.2fs  (%d failed checks%s)\n", name, secs,
			   ut_failures,
			   ut_failures > UT_MAX_PRINTED ? ", first ones shown" : "");
	}
	fflush(stdout);
}

int
ut_finish(void)
{
	printf("%ld checks\n", ut_checks);
	printf("%d passed, %d failed\n", ut_passed, ut_failed);
	return ut_failed == 0 ? 0 : 1;
}
