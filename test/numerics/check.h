/*
 * check.h
 *		The checks and pg_regress-style group reporting shared by the unit
 *		tests in test/numerics (one C file per tested source, each its own
 *		program).
 *
 * Each group prints one line "test name ... ok" (or "... FAILED", which
 * test/run counts) and its failed checks on the lines after it.
 */
#ifndef CRM_TEST_CHECK_H
#define CRM_TEST_CHECK_H

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Room for the failure messages of one group */
#define DETAILS_SIZE 16384

/* Failed checks of the current group */
static int	group_failures;

/* Failure messages of the current group, printed after its status line */
static char group_details[DETAILS_SIZE];

/* Test groups that failed */
static int	failed_groups;

/* Count a failed check of the current group and record its message */
static void
Fail(const char *format, ...)
{
	size_t		used = strlen(group_details);
	va_list		arguments;

	group_failures++;
	if (used >= DETAILS_SIZE - 1)
		return;
	va_start(arguments, format);
	vsnprintf(group_details + used, DETAILS_SIZE - used, format, arguments);
	va_end(arguments);
}

/* Check that got is within max(relative * |expected|, absolute) of expected */
static void
CheckClose(const char *what, double got, double expected, double relative,
		   double absolute)
{
	double		tolerance = fmax(relative * fabs(expected), absolute);

	if (!(fabs(got - expected) <= tolerance))
		Fail("    %s: expected %.17g, got %.17g (tolerance %.3g)\n",
			 what, expected, got, tolerance);
}

/* Check a condition */
static void
CheckTrue(const char *what, bool condition)
{
	if (!condition)
		Fail("    %s: expected true, got false\n", what);
}

/* Start a test group */
static void
BeginGroup(void)
{
	group_failures = 0;
	group_details[0] = '\0';
}

/* Print the status line of a group and its failures */
static void
EndGroup(const char *name)
{
	printf("test %-28s ... %s\n", name, group_failures == 0 ? "ok" : "FAILED");
	if (group_failures > 0)
	{
		fputs(group_details, stdout);
		failed_groups++;
	}
}

#endif							/* CRM_TEST_CHECK_H */
