/*
 * clv_interval_totals.c
 *		Prediction intervals of totals over customers (total purchases,
 *		total CLV): aggregates whose state holds one running total per
 *		parameter draw, each customer adding one simulated future per draw
 *		(its stream seeded by its key, so that a customer's futures do not
 *		depend on the order of rows or the plan); mergeable by adding the
 *		states elementwise.
 */
#include "crm.h"
#include "clv_intervals.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"

/* Header of the totals' state (float8[]): level, fingerprint (2), customers, unscored */
#define TOTAL_HEADER 5

/* The float8 values of a totals state (a 1-dimensional float8[] without NULLs) */
static float8 *
TotalValues(ArrayType *state, int *n)
{
	float8	   *v;

	if (ARR_NDIM(state) != 1 || array_contains_nulls(state) ||
		ARR_DIMS(state)[0] < TOTAL_HEADER + INTERVAL_MIN_DRAWS ||
		ARR_DIMS(state)[0] > TOTAL_HEADER + INTERVAL_MAX_DRAWS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid prediction interval state")));
	*n = ARR_DIMS(state)[0];
	v = (float8 *) ARR_DATA_PTR(state);
	/* counts are whole and not negative, every value finite */
	for (int i = 0; i < *n; i++)
		if (!isfinite(v[i]) || (i >= 3 && i < TOTAL_HEADER && (v[i] < 0 || v[i] != floor(v[i]))) ||
			(i == TOTAL_HEADER - 1 && v[i] > v[3]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid prediction interval state"),
					 errdetail("Element %d is %g.", i + 1, v[i])));
	return v;
}

/*
 * A new totals state for args and their draws, in the aggregate's context
 * (or the current one, called directly)
 */
static ArrayType *
NewTotalState(FunctionCallInfo fcinfo, const IntervalArgs *args, const IntervalDraws *draws)
{
	MemoryContext aggcontext;
	MemoryContext old;
	ArrayType  *state;
	float8	   *v;
	int			n = TOTAL_HEADER + draws->n_draws;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		aggcontext = CurrentMemoryContext;
	old = MemoryContextSwitchTo(aggcontext);
	state = construct_array((Datum *) palloc0(sizeof(Datum) * n), n, FLOAT8OID, sizeof(float8),
							FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	MemoryContextSwitchTo(old);
	v = (float8 *) ARR_DATA_PTR(state);
	v[0] = args->level;
	v[1] = (float8) (draws->fingerprint >> 32);
	v[2] = (float8) (draws->fingerprint & UINT64CONST(0xFFFFFFFF));
	return state;
}

/*
 * The transition of the totals: the state (argument 0, NULL at first), then
 * the arguments of the target's interval with a customer key before level,
 * draws and seed.  A row with a NULL argument is skipped; a customer the
 * model cannot score is counted (unscored) and left out.
 */
static Datum
TotalTransition(FunctionCallInfo fcinfo, IntervalTarget target)
{
	IntervalArgs args;
	IntervalDraws *draws;
	ArrayType  *state;
	float8	   *v;
	int			n;
	int			next;
	int64		key;

	for (int i = 1; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
		{
			if (PG_ARGISNULL(0))
				PG_RETURN_NULL();
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		}
	ClvIntervalReadArgs(fcinfo, 1, target, &args, &next);
	key = PG_GETARG_INT64(next);
	ClvIntervalReadTail(fcinfo, next + 1, &args);
	draws = ClvIntervalDraws(fcinfo, &args);
	args.discount = ClvIntervalDiscountTable(fcinfo, draws, &args);
	if (PG_ARGISNULL(0))
		state = NewTotalState(fcinfo, &args, draws);
	else
		state = (ArrayType *) CrmWritableArg(fcinfo, 0);
	v = TotalValues(state, &n);
	if (n != TOTAL_HEADER + draws->n_draws || v[0] != args.level ||
		v[1] != (float8) (draws->fingerprint >> 32) ||
		v[2] != (float8) (draws->fingerprint & UINT64CONST(0xFFFFFFFF)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the models, covariances, level, draws and seed of a total interval must be the same on every row")));
	v[3] += 1;
	if (!ClvIntervalSimulate(&args, draws, CrmMix64(CrmMix64((uint64) args.seed ^ STREAM_KEY) ^
												 (uint64) key)))
		v[4] += 1;
	else
		for (int32 d = 0; d < draws->n_draws; d++)
			v[TOTAL_HEADER + d] += draws->values[d];
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Transition of crm.total_purchase_interval */
PG_FUNCTION_INFO_V1(clv_total_purchase_interval_trans);
Datum
clv_total_purchase_interval_trans(PG_FUNCTION_ARGS)
{
	return TotalTransition(fcinfo, TARGET_PURCHASES);
}

/* Transition of crm.total_clv_interval */
PG_FUNCTION_INFO_V1(clv_total_clv_interval_trans);
Datum
clv_total_clv_interval_trans(PG_FUNCTION_ARGS)
{
	return TotalTransition(fcinfo, TARGET_CLV);
}

/* Combine of the totals: elementwise sums of two states made with the same arguments */
PG_FUNCTION_INFO_V1(clv_total_interval_combine);
Datum
clv_total_interval_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	ArrayType  *b;
	float8	   *va;
	float8	   *vb;
	int			na,
				nb;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		MemoryContext aggcontext;
		MemoryContext old;

		if (!AggCheckCallContext(fcinfo, &aggcontext))
			aggcontext = CurrentMemoryContext;
		old = MemoryContextSwitchTo(aggcontext);
		a = PG_GETARG_ARRAYTYPE_P_COPY(1);
		MemoryContextSwitchTo(old);
		(void) TotalValues(a, &na);
		PG_RETURN_ARRAYTYPE_P(a);
	}
	a = (ArrayType *) CrmWritableArg(fcinfo, 0);
	b = PG_GETARG_ARRAYTYPE_P(1);
	va = TotalValues(a, &na);
	vb = TotalValues(b, &nb);
	if (na != nb || va[0] != vb[0] || va[1] != vb[1] || va[2] != vb[2])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge prediction interval states made with different arguments")));
	for (int i = 3; i < na; i++)
		va[i] += vb[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * Final function of the totals: the interval of the per-draw totals
 * (crm.prediction_interval); a NOTICE counts the customers left out
 */
PG_FUNCTION_INFO_V1(clv_total_interval_final);
Datum
clv_total_interval_final(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *v;
	float8	   *totals;
	int			n;
	float8		mean,
				lower,
				upper;

	v = TotalValues(state, &n);
	ClvIntervalCheckLevel(v[0]);
	if (v[4] > 0)
		ereport(NOTICE,
				(errmsg("total interval: left out %.0f of %.0f customers the models cannot score",
						v[4], v[3])));
	totals = (float8 *) palloc(sizeof(float8) * (n - TOTAL_HEADER));
	memcpy(totals, v + TOTAL_HEADER, sizeof(float8) * (n - TOTAL_HEADER));
	ClvIntervalOf(totals, n - TOTAL_HEADER, v[0], &mean, &lower, &upper);
	return ClvIntervalResult(fcinfo, mean, lower, upper);
}
