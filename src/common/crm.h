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
#include "utils/array.h"

#include "crm_compat.h"

/* Raise 22000 unless value is a finite number; what names the argument */
extern void CheckFinite(float8 value, const char *what);

/* Raise 22004 when an argument that has no NULL meaning is NULL */
extern void CheckNotNull(FunctionCallInfo fcinfo, int argno, const char *what);

/* Convert a numeric Datum to a finite float8, raising 22000/22003 otherwise */
extern float8 NumericToFiniteFloat8(Datum value, const char *what);

/*
 * Raise 22023 unless a discount rate per period is finite, >= 0 and < 1:
 * a rate of 1 or more per period (100 %) is almost surely a percentage
 * given as a number (10 meaning 10 %), so it is refused with a hint
 */
extern void CheckDiscountRate(float8 rate);

/*
 * Raise 22023 unless a discount rate per period is in (0, 1): the rule of
 * CheckDiscountRate, and 0 refused where the discounted sum runs over an
 * unbounded future; hint says what the sum would be undiscounted
 */
extern void CheckPositiveDiscountRate(float8 rate, const char *hint);

/* Raise 22023 unless a margin (a share of revenue) is finite and in [0, 1] */
extern void CheckMargin(float8 margin);

/*
 * Raise 22003 unless a computed result is finite; what names the result and
 * the input that made it overflow
 */
extern void CheckResultFinite(float8 value, const char *what);

/* a + b for counts and weights, raising 22003 (naming what) on 64-bit overflow */
extern int64 AddCounts(int64 a, int64 b, const char *what);

/*
 * Raise 22023 unless an argument that sizes an output (or a loop) is at most
 * max; the bound is in the message.  Lower bounds stay with each caller.
 */
extern void CheckSizeBound(int64 value, int64 max, const char *what);

/*
 * Argument argno, a varlena state, detoasted and safe to change in place:
 * itself inside an aggregate (the executor's own state) or when detoasting
 * made a copy, else a palloc'd copy (a function called outside an aggregate
 * must not change its argument)
 */
extern struct varlena *CrmWritableArg(FunctionCallInfo fcinfo, int argno);

/* The same for a fixed-size by-reference state of size bytes */
extern void *CrmWritableFixedArg(FunctionCallInfo fcinfo, int argno, Size size);

/* True if argument argno, detoasted to value, may be changed in place */
extern bool CrmArgIsWritable(FunctionCallInfo fcinfo, int argno, const void *value);

/*
 * The number of elements of an array argument, raising 22023 unless it is
 * one-dimensional and has between min_n and max_n elements
 */
extern int	CrmArrayLength(ArrayType *array, const char *what, int min_n, int max_n);

/*
 * The elements of an array argument of any element type: one-dimensional
 * with min_n .. max_n elements (22023), none NULL (22004); *n gets their
 * number
 */
extern Datum *CrmArrayElements(ArrayType *array, const char *what, int min_n, int max_n,
							   int *n);

/*
 * The elements of a float8[] argument, palloc'd, as CrmArrayElements reads
 * them and, when finite, none NaN or infinite (22000)
 */
extern float8 *CrmFloat8Array(ArrayType *array, const char *what, int min_n, int max_n,
							  bool finite, int *n);

/* A probability computed with rounding error, clamped into [0, 1] (NaN raises) */
extern float8 ClampProbability(float8 p, const char *what);

/*
 * The upper (1 + confidence) / 2 quantile of the standard normal
 * distribution (1.959964 for 0.95); 22023 unless confidence is in (0, 1)
 */
extern float8 ConfidenceQuantile(float8 confidence);

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
