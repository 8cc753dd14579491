/*
 * crm.c
 *		Module entry point and the shared validation helpers of crm.h.
 */
#include "crm.h"
#include "numerics.h"

#include <math.h>

#include "common/int.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
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

/* Raise 22023 unless a discount rate per period is in [0, 1) */
void
CheckDiscountRate(float8 rate)
{
	if (unlikely(isnan(rate) || isinf(rate) || rate < 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount rate must be a finite number >= 0, not %g", rate),
				 errhint("The rate is per time unit of the model: for an annual rate d and a weekly model use (1 + d)^(1/52) - 1.")));
	if (unlikely(rate >= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount rate %g per period is 100 %% or more", rate),
				 errhint("Give the rate as a fraction: 10 %% is 0.10.  The rate is per time unit of the model.")));
}

/* Raise 22023 unless a discount rate per period is in (0, 1) */
void
CheckPositiveDiscountRate(float8 rate, const char *hint)
{
	CheckDiscountRate(rate);
	if (unlikely(rate == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount rate must be a finite number > 0, not %g", rate),
				 errhint("%s", hint)));
}

/* Raise 22023 unless a margin is finite and in [0, 1] */
void
CheckMargin(float8 margin)
{
	if (unlikely(isnan(margin) || isinf(margin) || margin < 0 || margin > 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("margin must be a share of revenue between 0 and 1, not %g", margin),
				 errhint("Give the margin as a fraction: 30 %% is 0.30.")));
}

/* Raise 22003 unless a computed result is finite */
void
CheckResultFinite(float8 value, const char *what)
{
	if (unlikely(isnan(value) || isinf(value)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range for type double precision", what)));
}

/* a + b for counts and weights, raising 22003 on 64-bit overflow */
int64
AddCounts(int64 a, int64 b, const char *what)
{
	int64		sum;

	if (unlikely(pg_add_s64_overflow(a, b, &sum)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s is out of range for type bigint", what)));
	return sum;
}

/* Raise 22023 unless an argument that sizes an output is at most max */
void
CheckSizeBound(int64 value, int64 max, const char *what)
{
	if (unlikely(value > max))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be at most " INT64_FORMAT ", not " INT64_FORMAT,
						what, max, value),
				 errdetail("The bound keeps one call's output and running time bounded.")));
}

/* Argument argno, a varlena state, detoasted and safe to change in place */
struct varlena *
CrmWritableArg(FunctionCallInfo fcinfo, int argno)
{
	struct varlena *value = PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if (CrmArgIsWritable(fcinfo, argno, value))
		return value;
	return (struct varlena *) memcpy(palloc(VARSIZE(value)), value, VARSIZE(value));
}

/* Argument argno, a fixed-size by-reference state, safe to change in place */
void *
CrmWritableFixedArg(FunctionCallInfo fcinfo, int argno, Size size)
{
	void	   *value = PG_GETARG_POINTER(argno);

	if (AggCheckCallContext(fcinfo, NULL))
		return value;
	return memcpy(palloc(size), value, size);
}

/* True if argument argno, detoasted to value, may be changed in place */
bool
CrmArgIsWritable(FunctionCallInfo fcinfo, int argno, const void *value)
{
	return AggCheckCallContext(fcinfo, NULL) != 0 ||
		value != DatumGetPointer(PG_GETARG_DATUM(argno));
}

/* The number of elements of a one-dimensional array of min_n .. max_n elements */
int
CrmArrayLength(ArrayType *array, const char *what, int min_n, int max_n)
{
	int			n;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array, not %d-dimensional",
						what, ARR_NDIM(array))));
	n = ARR_NDIM(array) == 0 ? 0 : ARR_DIMS(array)[0];
	if (n == 0 && min_n == 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be empty", what)));
	if (n < min_n || n > max_n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have between %d and %d elements, not %d",
						what, min_n, max_n, n)));
	return n;
}

/* The elements of an array argument, checked */
Datum *
CrmArrayElements(ArrayType *array, const char *what, int min_n, int max_n, int *n)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elements;
	bool	   *nulls;

	CrmArrayLength(array, what, min_n, max_n);
	get_typlenbyvalalign(ARR_ELEMTYPE(array), &typlen, &typbyval, &typalign);
	deconstruct_array(array, ARR_ELEMTYPE(array), typlen, typbyval, typalign,
					  &elements, &nulls, n);
	for (int i = 0; i < *n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain NULL (element %d)", what, i + 1)));
	return elements;
}

/* The elements of a float8[] argument, checked */
float8 *
CrmFloat8Array(ArrayType *array, const char *what, int min_n, int max_n,
			   bool finite, int *n)
{
	Datum	   *elements = CrmArrayElements(array, what, min_n, max_n, n);
	float8	   *values = (float8 *) palloc(sizeof(float8) * Max(*n, 1));

	for (int i = 0; i < *n; i++)
	{
		values[i] = DatumGetFloat8(elements[i]);
		if (finite)
			CheckFinite(values[i], what);
	}
	return values;
}

/* A probability computed with rounding error, clamped into [0, 1] */
float8
ClampProbability(float8 p, const char *what)
{
	if (unlikely(isnan(p)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s cannot be computed for these inputs", what)));
	if (p < 0)
		return 0;
	if (p > 1)
		return 1;
	return p;
}

/* The normal quantile of a two-sided confidence level in (0, 1) (22023 otherwise) */
float8
ConfidenceQuantile(float8 confidence)
{
	if (!(confidence > 0 && confidence < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be between 0 and 1 (exclusive), not %g", confidence),
				 errhint("Give a level such as 0.95 for a 95 %% interval.")));
	return NormalUpperQuantile((1 - confidence) / 2);
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
