/*
 * crm.c
 *		Module entry point and the shared validation helpers of crm.h.
 */
#include "crm.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/numeric.h"

PG_MODULE_MAGIC;

#ifndef CRM_VERSION
#error "CRM_VERSION must be defined by the Makefile"
#endif

/* Raise 22000 unless value is a finite number; what names the argument */
void
CheckFinite(float8 value, const char *what)
{
	if (unlikely(isnan(value) || isinf(value)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must be a finite number, not \"%s\"",
						what, float8out_internal(value))));
}

/* Raise 22004 when an argument that has no NULL meaning is NULL */
void
CheckNotNull(FunctionCallInfo fcinfo, int argno, const char *what)
{
	if (unlikely(PG_ARGISNULL(argno)))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
}

/* Convert a numeric Datum to a finite float8, raising 22000/22003 otherwise */
float8
NumericToFiniteFloat8(Datum value, const char *what)
{
	Numeric		num = DatumGetNumeric(value);
	float8		result;

	if (unlikely(numeric_is_nan(num) || numeric_is_inf(num)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must be a finite number, not \"%s\"",
						what, numeric_normalize(num))));
	result = DatumGetFloat8(DirectFunctionCall1(numeric_float8, value));
	if (unlikely(isinf(result)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range for type double precision", what)));
	return result;
}

/* Parse a float8 at s, accepting subnormal results as float8in does */
bool
CrmParseFloat8(const char *s, char **end, float8 *value)
{
	errno = 0;
	*value = strtod(s, end);
	if (*end == s)
		return false;
	if (errno == ERANGE && (*value == 0 || isinf(*value)))
		return false;
	errno = 0;
	return true;
}

/* qsort comparator of float8 values, ascending */
int
CompareFloat8Ascending(const void *a, const void *b)
{
	float8		x = *(const float8 *) a;
	float8		y = *(const float8 *) b;

	return (x > y) - (x < y);
}

/* crm.version(): the version of the loaded crm library */
PG_FUNCTION_INFO_V1(crm_version);
Datum
crm_version(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(CRM_VERSION));
}
