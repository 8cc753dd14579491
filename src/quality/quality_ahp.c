/*
 * quality_ahp.c
 *		crm.ahp_weights: the priority weights of an AHP pairwise comparison
 *		matrix (Saaty 1980) by the principal eigenvector, with lambda_max,
 *		the consistency index and the consistency ratio.
 *
 * The matrix A (n x n, 1 <= n <= 10) is positive and reciprocal: a_ii = 1
 * and a_ij a_ji = 1, each within a relative tolerance of 1e-2 (so that
 * judgments typed with three decimals, 0.333 for 1/3, are accepted; the
 * matrix is used as given).  The weights w are the principal right
 * eigenvector normalized to sum 1, found by power iteration from the
 * row geometric means until no weight changes by more than 1e-15 (at
 * most 10,000 iterations; a positive matrix always converges, and
 * converged says so).  lambda_max = sum_i (A w)_i, CI = (lambda_max -
 * n) / (n - 1) (at least 0), CR = CI / RI with Saaty's random index RI
 * of order n (0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49 for n = 3..10);
 * for n = 1 and 2 every reciprocal matrix is consistent and CI = CR = 0.
 * CR >= 0.1 raises a WARNING (Saaty's rule: revise the judgments).
 *
 * Errors: 22004 a NULL element; 22000 a NaN or infinite element; 22023 a
 * matrix that is not square, larger than 10 x 10, not positive or not
 * reciprocal (the detail names the cell).
 */
#include "crm.h"
#include "quality.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

/* Largest order of a comparison matrix (the random index table's end) */
#define AHP_MAX_N 10
/* Relative tolerance of the reciprocal and unit-diagonal checks */
#define AHP_RECIPROCAL_TOLERANCE 1e-2
/* Power iteration: stop when no weight changes by more than this */
#define AHP_CONVERGENCE 1e-15
#define AHP_MAX_ITERATIONS 10000
/* Saaty's rule of thumb: a consistency ratio from this on is too high */
#define AHP_CR_LIMIT 0.1

/* Saaty's random consistency index of order n (index n - 1) */
static const float8 AhpRandomIndex[AHP_MAX_N] =
{0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49};

/*
 * Read and validate a comparison matrix argument into a (row-major);
 * returns its order n
 */
static int
ReadMatrix(ArrayType *array, float8 *a)
{
	int			ndim = ARR_NDIM(array);
	int		   *dims = ARR_DIMS(array);
	int			n;
	Datum	   *elems;
	bool	   *nulls;
	int			count;

	if (ndim != 2 || dims[0] != dims[1])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an AHP comparison matrix must be a square two-dimensional array"),
				 errhint("Write it as ARRAY[[1, 3], [1/3.0, 1]].")));
	n = dims[0];
	if (n > AHP_MAX_N)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an AHP comparison matrix has at most %d rows, not %d", AHP_MAX_N, n),
				 errdetail("Saaty's random index, which the consistency ratio needs, is tabulated up to order %d.",
						   AHP_MAX_N),
				 errhint("Group the criteria into a hierarchy of smaller comparisons.")));
	deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &nulls, &count);
	for (int k = 0; k < count; k++)
	{
		if (nulls[k])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("an AHP comparison matrix must not contain NULL (row %d, column %d)",
							k / n + 1, k % n + 1)));
		a[k] = DatumGetFloat8(elems[k]);
		CheckFinite(a[k], "an AHP comparison");
		if (!(a[k] > 0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("AHP comparisons must be positive, not %s (row %d, column %d)",
							float8out_internal(a[k]), k / n + 1, k % n + 1)));
	}
	for (int i = 0; i < n; i++)
	{
		if (fabs(a[i * n + i] - 1) > AHP_RECIPROCAL_TOLERANCE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("an AHP comparison matrix must have 1 on its diagonal"),
					 errdetail("Row %d, column %d is %s.", i + 1, i + 1,
							   float8out_internal(a[i * n + i]))));
		for (int j = i + 1; j < n; j++)
		{
			float8		product = a[i * n + j] * a[j * n + i];

			if (fabs(product - 1) > AHP_RECIPROCAL_TOLERANCE)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("an AHP comparison matrix must be reciprocal"),
						 errdetail("Row %d, column %d is %s but row %d, column %d is %s; their product must be 1 (within %g).",
								   i + 1, j + 1, float8out_internal(a[i * n + j]),
								   j + 1, i + 1, float8out_internal(a[j * n + i]),
								   AHP_RECIPROCAL_TOLERANCE)));
		}
	}
	return n;
}

/*
 * crm.ahp_weights(matrix): weights, lambda_max, ci, ri, cr, iterations,
 * converged
 */
PG_FUNCTION_INFO_V1(ahp_weights);
Datum
ahp_weights(PG_FUNCTION_ARGS)
{
	float8		a[AHP_MAX_N * AHP_MAX_N];
	float8		w[AHP_MAX_N];
	float8		next[AHP_MAX_N];
	int			n = ReadMatrix(PG_GETARG_ARRAYTYPE_P(0), a);
	float8		lambda = 0;
	float8		ci;
	float8		cr;
	float8		total = 0;
	int			iterations = 0;
	bool		converged = false;
	TupleDesc	tupdesc;
	Datum		values[7];
	bool		nulls[7] = {false};
	Datum		welems[AHP_MAX_N];

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.ahp_weights must return a composite type");
	/* start from the normalized row geometric means */
	for (int i = 0; i < n; i++)
	{
		float8		logsum = 0;

		for (int j = 0; j < n; j++)
			logsum += log(a[i * n + j]);
		w[i] = exp(logsum / n);
		total += w[i];
	}
	for (int i = 0; i < n; i++)
		w[i] /= total;
	while (!converged && iterations < AHP_MAX_ITERATIONS)
	{
		float8		change = 0;

		CHECK_FOR_INTERRUPTS();
		total = 0;
		for (int i = 0; i < n; i++)
		{
			next[i] = 0;
			for (int j = 0; j < n; j++)
				next[i] += a[i * n + j] * w[j];
			total += next[i];
		}
		lambda = total;			/* sum of A w, with sum w = 1 */
		for (int i = 0; i < n; i++)
		{
			next[i] /= total;
			change = Max(change, fabs(next[i] - w[i]));
			w[i] = next[i];
		}
		iterations++;
		converged = change <= AHP_CONVERGENCE;
	}
	if (!converged)
		ereport(WARNING,
				(errmsg("AHP power iteration did not converge in %d iterations", iterations)));
	ci = n <= 2 ? 0 : Max(lambda - n, 0) / (n - 1);
	cr = n <= 2 ? 0 : ci / AhpRandomIndex[n - 1];
	if (cr >= AHP_CR_LIMIT)
		ereport(WARNING,
				(errmsg("AHP consistency ratio %.3f is at least %.1f", cr, AHP_CR_LIMIT),
				 errdetail("The pairwise judgments are inconsistent (lambda_max %.4f for %d criteria).",
						   lambda, n),
				 errhint("Revise the comparisons that contradict the others (Saaty's rule: CR < 0.1).")));
	for (int i = 0; i < n; i++)
		welems[i] = Float8GetDatum(w[i]);
	values[0] = PointerGetDatum(construct_array(welems, n, FLOAT8OID, sizeof(float8),
												FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
	values[1] = Float8GetDatum(n == 1 ? 1 : lambda);
	values[2] = Float8GetDatum(ci);
	values[3] = Float8GetDatum(AhpRandomIndex[n - 1]);
	values[4] = Float8GetDatum(cr);
	values[5] = Int32GetDatum(iterations);
	values[6] = BoolGetDatum(converged);
	tupdesc = BlessTupleDesc(tupdesc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
