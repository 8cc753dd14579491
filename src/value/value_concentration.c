/*
 * value_concentration.c
 *		The accessors of crm.concentration: how concentrated customer value
 *		is.  The distribution is exact (distinct values with counts), so each
 *		measure is computed from all customers, whatever the split of the rows.
 *
 * Definitions (customers sorted by value, largest first; n customers, total
 * value V > 0):
 *	- the top curve T(f) is the share of V held by the top f of the
 *	  customers, linear between the points (i/n, sum of the top i values / V):
 *	  a fractional customer at the boundary counts with that fraction of
 *	  their value.  Customers with equal values form one straight segment,
 *	  which is how all-equal values give T(f) = f exactly.
 *	- crm.top_share(c, f) = T(f); crm.customers_for_share(c, s) is its inverse,
 *	  the smallest f with T(f) = s;
 *	- the Lorenz curve L(p) is the share of the bottom p, built the same way
 *	  from the smallest value (L(p) = 1 - T(1 - p));
 *	- the Gini coefficient is 1 - 2 * (area under L) = 2 * (area under T) - 1,
 *	  the sample Gini without the n / (n - 1) correction (0 for equal values
 *	  and for one customer, 1 - 1/n when one customer holds everything).
 * With V = 0 (no customers, or all values 0) shares are undefined: NULL.
 */
#include "crm.h"
#include "value.h"

#include <math.h>

#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

/*
 * A cumulative curve of a distribution at its vertices, the customers
 * taken from the top (largest value first: the top curve T) or from the
 * bottom (the Lorenz curve L): vertex j is after the customers of the first
 * j distinct values in that order (j = 0 .. runs)
 */
typedef struct ShareCurve
{
	int32		runs;			/* distinct values */
	int64		n;				/* customers */
	float8		total;			/* total value (compensated sum); may overflow
								 * to infinity, read it with CurveTotal */
	float8		scaled_total;	/* total / scale: finite, what the shares use */
	float8		scale;			/* the largest value (1 if none is > 0) */
	int64	   *customers;		/* [runs + 1] customers in the first j runs */
	float8	   *customer_share; /* [runs + 1] customers[j] / n: 0 .. 1 */
	float8	   *value_share;	/* [runs + 1] their share of the total: 0 .. 1 */
	float8		area;			/* area under the curve (trapezoids) */
} ShareCurve;

/* The top curve (from_top) or the Lorenz curve of a concentration value */
static ShareCurve *
BuildCurve(const ValueState *state, bool from_top)
{
	ShareCurve *curve = (ShareCurve *) palloc0(sizeof(ShareCurve));
	int32		runs;
	const CrmValueCount *run = ValueStateRun(state, 0, &runs);
	ValueSum	sum = {0, 0};
	ValueSum	area = {0, 0};

	curve->runs = runs;
	curve->n = state->n_rows;
	curve->customers = (int64 *) palloc0(sizeof(int64) * (runs + 1));
	curve->customer_share = (float8 *) palloc0(sizeof(float8) * (runs + 1));
	curve->value_share = (float8 *) palloc0(sizeof(float8) * (runs + 1));

	/*
	 * The shares do not depend on the unit: sum the values divided by the
	 * largest, so that values near the float8 limit (whose total overflows)
	 * and subnormal ones (whose products underflow) give exact shares
	 */
	curve->scale = 1;
	for (int32 j = 0; j < runs; j++)
		curve->scale = j == 0 ? run[j].value : Max(curve->scale, run[j].value);
	if (!(curve->scale > 0))
		curve->scale = 1;
	for (int32 j = 1; j <= runs; j++)
	{
		const CrmValueCount *e = &run[from_top ? runs - j : j - 1];

		CHECK_FOR_INTERRUPTS();
		curve->customers[j] = curve->customers[j - 1] + e->count;
		curve->customer_share[j] = (float8) curve->customers[j] / curve->n;
		ValueSumAdd(&sum, e->value / curve->scale * (float8) e->count);
		curve->value_share[j] = ValueSumTotal(&sum);
	}
	curve->scaled_total = ValueSumTotal(&sum);
	curve->total = curve->scaled_total * curve->scale;
	if (curve->scaled_total > 0)
	{
		for (int32 j = 1; j <= runs; j++)
		{
			CHECK_FOR_INTERRUPTS();
			curve->value_share[j] = Min(curve->value_share[j] / curve->scaled_total, 1);
			/* a segment of equal values is a straight line: one trapezoid */
			ValueSumAdd(&area, (float8) (curve->customers[j] - curve->customers[j - 1]) /
						curve->n * (curve->value_share[j - 1] + curve->value_share[j]) / 2);
		}
		curve->area = ValueSumTotal(&area);
	}
	return curve;
}

/* The total value of a curve, raising 22003 when it overflows float8 */
static float8
CurveTotal(const ShareCurve *curve)
{
	CheckResultFinite(curve->total, "total value of the concentration");
	return curve->total;
}

/* The Gini coefficient of a top curve, 2 * area - 1, in [0, 1 - 1/n] */
static float8
CurveGini(const ShareCurve *curve)
{
	/* a distribution of equal values can come out a rounding below 0 */
	return Max(2 * curve->area - 1, 0);
}

/* The concentration value in argument argno */
static ValueState *
ConcentrationArg(FunctionCallInfo fcinfo, int argno)
{
	return DatumGetValueStateP(PG_GETARG_DATUM(argno));
}

/* Linear interpolation between a and b at t in [0, 1], exact at both ends */
static inline float8
Lerp(float8 a, float8 b, float8 t)
{
	return (1 - t) * a + t * b;
}

/* The share of the total held by the first f (0 .. 1) of the customers along a curve */
static float8
ShareAt(const ShareCurve *curve, float8 f)
{
	int32		lo = 1;
	int32		hi = curve->runs;

	if (f <= 0)
		return 0;
	/* the first vertex at or after f */
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (curve->customer_share[mid] < f)
			lo = mid + 1;
		else
			hi = mid;
	}
	return Lerp(curve->value_share[lo - 1], curve->value_share[lo],
				(f - curve->customer_share[lo - 1]) /
				(curve->customer_share[lo] - curve->customer_share[lo - 1]));
}

/* The smallest f with T(f) = share (0 < share <= 1) */
static float8
CustomersForShareAt(const ShareCurve *curve, float8 share)
{
	int32		lo = 1;
	int32		hi = curve->runs;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (curve->value_share[mid] < share)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* value_share[lo - 1] < share <= value_share[lo]: the segment rises */
	return Lerp(curve->customer_share[lo - 1], curve->customer_share[lo],
				(share - curve->value_share[lo - 1]) /
				(curve->value_share[lo] - curve->value_share[lo - 1]));
}

/* crm.customers(c): customers in a concentration value */
PG_FUNCTION_INFO_V1(concentration_customers);
Datum
concentration_customers(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(ConcentrationArg(fcinfo, 0)->n_rows);
}

/* crm.total_value(c): their total value */
PG_FUNCTION_INFO_V1(concentration_total);
Datum
concentration_total(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(CurveTotal(BuildCurve(ConcentrationArg(fcinfo, 0), true)));
}

/* crm.distinct_values(c): distinct values stored (what the memory grows with) */
PG_FUNCTION_INFO_V1(concentration_distinct);
Datum
concentration_distinct(PG_FUNCTION_ARGS)
{
	int32		n;

	ValueStateRun(ConcentrationArg(fcinfo, 0), 0, &n);
	PG_RETURN_INT32(n);
}

/* crm.top_share(c, fraction): share of the total held by the top fraction of customers */
PG_FUNCTION_INFO_V1(concentration_top_share);
Datum
concentration_top_share(PG_FUNCTION_ARGS)
{
	float8		fraction = PG_GETARG_FLOAT8(1);
	ShareCurve *curve;

	CheckFraction(fraction, "fraction");
	curve = BuildCurve(ConcentrationArg(fcinfo, 0), true);
	if (curve->scaled_total <= 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ShareAt(curve, fraction));
}

/* crm.customers_for_share(c, share): smallest fraction of customers holding share of the total */
PG_FUNCTION_INFO_V1(concentration_customers_for_share);
Datum
concentration_customers_for_share(PG_FUNCTION_ARGS)
{
	float8		share = PG_GETARG_FLOAT8(1);
	ShareCurve *curve;

	CheckFraction(share, "share");
	curve = BuildCurve(ConcentrationArg(fcinfo, 0), true);
	if (curve->scaled_total <= 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(CustomersForShareAt(curve, share));
}

/* crm.gini(c): the Gini coefficient 1 - 2 * (area under the Lorenz curve) */
PG_FUNCTION_INFO_V1(concentration_gini);
Datum
concentration_gini(PG_FUNCTION_ARGS)
{
	ShareCurve *curve = BuildCurve(ConcentrationArg(fcinfo, 0), true);

	if (curve->scaled_total <= 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(CurveGini(curve));
}

/* Put one Lorenz curve row (customer share, value share or NULL) */
static void
PutLorenzRow(ReturnSetInfo *rsinfo, float8 customer_share, float8 value_share, bool defined)
{
	Datum		values[2] = {Float8GetDatum(customer_share), Float8GetDatum(value_share)};
	bool		nulls[2] = {false, !defined};

	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * crm.lorenz(c): the vertices of the Lorenz curve, (0, 0), one point after
 * each distinct value from the smallest, (1, 1); between them it is straight
 */
PG_FUNCTION_INFO_V1(concentration_lorenz_vertices);
Datum
concentration_lorenz_vertices(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ShareCurve *curve = BuildCurve(ConcentrationArg(fcinfo, 0), false);

	InitMaterializedSRF(fcinfo, 0);
	for (int32 j = 0; j <= curve->runs; j++)
	{
		CHECK_FOR_INTERRUPTS();
		PutLorenzRow(rsinfo, curve->customer_share[j], curve->value_share[j],
					 curve->scaled_total > 0);
	}
	return (Datum) 0;
}

/* Most points of crm.lorenz(c, points): a curve finer than this shows nothing more */
#define LORENZ_MAX_POINTS 1000000

/* crm.lorenz(c, points): the Lorenz curve at points evenly spaced customer shares 0 .. 1 */
PG_FUNCTION_INFO_V1(concentration_lorenz);
Datum
concentration_lorenz(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		points = PG_GETARG_INT32(1);
	ShareCurve *curve;

	if (points < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("points must be at least 2 (the curve from (0, 0) to (1, 1)), not %d", points)));
	CheckSizeBound(points, LORENZ_MAX_POINTS, "points");
	curve = BuildCurve(ConcentrationArg(fcinfo, 0), false);
	InitMaterializedSRF(fcinfo, 0);
	for (int32 k = 0; k < points; k++)
	{
		float8		p = (float8) k / (points - 1);

		CHECK_FOR_INTERRUPTS();
		PutLorenzRow(rsinfo, p, curve->scaled_total > 0 ? ShareAt(curve, p) : 0,
					 curve->scaled_total > 0);
	}
	return (Datum) 0;
}

/* The value as jsonb: customers, total, distinct_values, gini, values, counts */
PG_FUNCTION_INFO_V1(concentration_jsonb);
Datum
concentration_jsonb(PG_FUNCTION_ARGS)
{
	ValueState *state = ConcentrationArg(fcinfo, 0);
	ShareCurve *curve = BuildCurve(state, true);
	int32		n;
	const CrmValueCount *run = ValueStateRun(state, 0, &n);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"customers\": " INT64_FORMAT ", \"total\": ", curve->n);
	CrmAppendFloat8(&buf, CurveTotal(curve));
	appendStringInfo(&buf, ", \"distinct_values\": %d, \"gini\": ", n);
	if (curve->scaled_total > 0)
		CrmAppendFloat8(&buf, CurveGini(curve));
	else
		appendStringInfoString(&buf, "null");
	appendStringInfoString(&buf, ", \"values\": [");
	for (int32 i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		CrmAppendFloat8(&buf, run[i].value);
	}
	appendStringInfoString(&buf, "], \"counts\": [");
	for (int32 i = 0; i < n; i++)
		appendStringInfo(&buf, "%s" INT64_FORMAT, i > 0 ? ", " : "", run[i].count);
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
