/*
 * crm.h
 *		Shared declarations of the crm extension: validation and error helpers
 *		used at the boundary of every SQL-callable entry point.
 *
 * Each rule lives in one helper so that the error it raises (and its
 * SQLSTATE) is the same everywhere and is tested once.
 */
#ifndef CRM_H
#define CRM_H

#include "postgres.h"

#include "fmgr.h"

#include "crm_compat.h"

/* Raise 22000 unless value is a finite number; what names the argument */
extern void CheckFinite(float8 value, const char *what);

/* Raise 22004 when an argument that has no NULL meaning is NULL */
extern void CheckNotNull(FunctionCallInfo fcinfo, int argno, const char *what);

/* Convert a numeric Datum to a finite float8, raising 22000/22003 otherwise */
extern float8 NumericToFiniteFloat8(Datum value, const char *what);

/*
 * strtod for the types' text forms: like float8in, a subnormal result is a
 * number, while overflow and underflow to zero are not.  Returns false when
 * s does not start with a number in range; on success errno is left 0.
 */
extern bool CrmParseFloat8(const char *s, char **end, float8 *value);

/* qsort comparator of float8 values, ascending */
extern int	CompareFloat8Ascending(const void *a, const void *b);

/* Floor division of a by positive b (rounds toward minus infinity) */
static inline int64
FloorDiv(int64 a, int64 b)
{
	int64		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

#endif							/* CRM_H */
