/*
 * value_metrics.c
 *		Loyalty and profitability metrics over customer summaries:
 *		crm.loyalty_metrics (an aggregate over (frequency, recency, T,
 *		monetary value) as crm.summary returns them), crm.customer_profit and
 *		crm.customer_roi.
 *
 * The state of crm.loyalty_metrics is a float8[6] (a real type, like the
 * state of the built-in avg(float8)): customers, repeat customers, repeat
 * purchases (sum of x), repeat revenue (sum of x * monetary value), sum of
 * T and sum of t_x.  Counts are whole numbers and exact up to 2^53; the
 * sums are floating point, so serial, parallel and merged results agree to
 * the last bits of the summation order.
 */
#include "crm.h"
#include "clv.h"
#include "value.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"

/* Elements of the loyalty metrics state */
#define METRICS_CUSTOMERS 0		/* customers */
#define METRICS_REPEATERS 1		/* customers with x > 0 */
#define METRICS_PURCHASES 2		/* sum of x: repeat purchases */
#define METRICS_REVENUE 3		/* sum of x * m: repeat revenue */
#define METRICS_TENURE 4		/* sum of T */
#define METRICS_RECENCY 5		/* sum of t_x */
#define METRICS_SIZE 6

/* The elements of a loyalty metrics state, raising 22023 unless it is a float8[6] without NULLs */
static float8 *
MetricsState(ArrayType *state)
{
	if (ARR_NDIM(state) != 1 || ARR_DIMS(state)[0] != METRICS_SIZE ||
		ARR_HASNULL(state) || ARR_ELEMTYPE(state) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a loyalty metrics state is a float8[] of %d elements without NULLs", METRICS_SIZE)));
	return (float8 *) ARR_DATA_PTR(state);
}

/* Raise 22003 when a running sum of a loyalty metrics state overflows */
static void
CheckMetricsFinite(const float8 *s)
{
	for (int i = 0; i < METRICS_SIZE; i++)
		CheckResultFinite(s[i], "a loyalty metrics sum (customers, purchases, revenue, tenure or recency)");
}

/* crm.loyalty_metrics transition: add a customer (x, t_x, T, monetary value) */
PG_FUNCTION_INFO_V1(loyalty_metrics_trans);
Datum
loyalty_metrics_trans(PG_FUNCTION_ARGS)
{
	ArrayType  *state = (ArrayType *) CrmWritableArg(fcinfo, 0);
	float8	   *s = MetricsState(state);
	float8		x = PG_GETARG_FLOAT8(1);
	float8		t_x = PG_GETARG_FLOAT8(2);
	float8		t = PG_GETARG_FLOAT8(3);
	float8		m = PG_GETARG_FLOAT8(4);

	ClvCheckTriple(x, t_x, t);
	CheckFinite(m, "monetary value");
	if (m < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("monetary value must not be negative, not %g", m)));
	s[METRICS_CUSTOMERS] += 1;
	s[METRICS_REPEATERS] += x > 0;
	s[METRICS_PURCHASES] += x;
	s[METRICS_REVENUE] += x * m;
	s[METRICS_TENURE] += t;
	s[METRICS_RECENCY] += t_x;
	CheckMetricsFinite(s);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* crm.loyalty_metrics combine: add two partial states */
PG_FUNCTION_INFO_V1(loyalty_metrics_combine);
Datum
loyalty_metrics_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *state = (ArrayType *) CrmWritableArg(fcinfo, 0);
	float8	   *a = MetricsState(state);
	float8	   *b = MetricsState(PG_GETARG_ARRAYTYPE_P(1));

	for (int i = 0; i < METRICS_SIZE; i++)
		a[i] += b[i];
	CheckMetricsFinite(a);
	PG_RETURN_ARRAYTYPE_P(state);
}

/* A cost argument: finite and >= 0 (22000) */
static float8
CostArg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	float8		cost = PG_GETARG_FLOAT8(argno);

	CheckFinite(cost, what);
	if (cost < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must not be negative, not %g", what, cost)));
	return cost;
}

/* crm.customer_profit(revenue, cost_to_serve): revenue - cost to serve */
PG_FUNCTION_INFO_V1(customer_profit);
Datum
customer_profit(PG_FUNCTION_ARGS)
{
	float8		revenue = PG_GETARG_FLOAT8(0);
	float8		cost = CostArg(fcinfo, 1, "cost to serve");

	CheckFinite(revenue, "revenue");
	CheckResultFinite(revenue - cost, "customer profit (revenue - cost to serve)");
	PG_RETURN_FLOAT8(revenue - cost);
}

/*
 * crm.customer_roi(value, acquisition_cost, retention_cost): (value - cost) /
 * cost with cost = acquisition + retention cost; NULL when the cost is 0
 * (no investment, no return on it)
 */
PG_FUNCTION_INFO_V1(customer_roi);
Datum
customer_roi(PG_FUNCTION_ARGS)
{
	float8		value = PG_GETARG_FLOAT8(0);
	float8		cost = CostArg(fcinfo, 1, "acquisition cost") +
		CostArg(fcinfo, 2, "retention cost");

	CheckFinite(value, "value");
	if (isinf(cost))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("acquisition cost + retention cost is out of range for type double precision")));
	if (cost == 0)
		PG_RETURN_NULL();
	/* a cost of 1e-300 makes any return overflow: 22003, not Infinity */
	CheckResultFinite((value - cost) / cost, "return on investment (value - cost) / cost");
	PG_RETURN_FLOAT8((value - cost) / cost);
}
