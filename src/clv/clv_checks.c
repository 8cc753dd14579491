/*
 * clv_checks.c
 *		The input rules every fit and prediction of the probabilistic models
 *		applies to a customer's summary: purchases (x, t_x, T), discrete
 *		opportunities (x, t_x, n), spend (x, m) and tenures.  Each rule lives here once, so its error is the same
 *		everywhere and is tested once.
 */
#include "crm.h"
#include "clv.h"

#include <math.h>

/* Raise 22000 unless x is a non-negative whole number */
void
ClvCheckFrequency(float8 x)
{
	CheckFinite(x, "frequency x");
	if (x < 0 || x != floor(x))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("frequency x must be a non-negative whole number, not %g", x),
				 errhint("x counts repeat purchases; the arguments are (x, t_x, T): was recency or age passed as frequency?")));
}

/* Raise 22000 unless (x, t_x, T) is a valid purchase summary */
void
ClvCheckTriple(float8 x, float8 t_x, float8 T)
{
	ClvCheckFrequency(x);
	CheckFinite(t_x, "recency t_x");
	CheckFinite(T, "age T");
	if (t_x < 0 || t_x > T)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("recency t_x must be between 0 and age T, not %g (T = %g)", t_x, T),
				 errhint("t_x is the time from the first to the last purchase, T from the first purchase to the end of the calibration period.")));
	if (x == 0 && t_x != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("recency t_x must be 0 when frequency x is 0, not %g", t_x),
				 errhint("The arguments are (x, t_x, T): check that frequency and recency are not swapped.")));
}

/*
 * Raise 22000 unless litt, the sum of the log inter-purchase times of a
 * valid customer (x, t_x, T), is possible: finite, 0 without repeat
 * purchases, and at most x log(t_x / x) (the x times add up to t_x; the
 * mean of their logs is at most the log of their mean), with room for the
 * rounding of the values
 */
void
ClvCheckLitt(float8 x, float8 t_x, float8 litt)
{
	float8		bound;

	CheckFinite(litt, "litt (sum of log inter-purchase times)");
	if (x == 0)
	{
		if (litt != 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("litt must be 0 when frequency x is 0, not %g", litt),
					 errhint("litt sums the logs of the x times between successive purchases: a customer without repeat purchases has none.")));
		return;
	}
	if (t_x == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("a customer with %g repeat purchases at recency t_x = 0 has no finite litt", x),
				 errhint("Merge purchases made at the same time (crm.summary merges them per day), so that every inter-purchase time is positive.")));
	bound = x * log(t_x / x);
	if (litt > bound + 1e-9 * (x + fabs(bound)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("litt %g exceeds x log(t_x / x) = %g for x = %g, t_x = %g", litt, bound, x, t_x),
				 errdetail("The x inter-purchase times add up to t_x, so the sum of their logs is at most x log(t_x / x)."),
				 errhint("Measure litt and t_x in the same time unit (crm.litt with the unit of crm.summary).")));
}

/* Raise 22000 unless (x, t_x, n) is a valid discrete-opportunity summary */
void
ClvCheckOpportunities(float8 x, float8 t_x, float8 n)
{
	ClvCheckFrequency(x);
	CheckFinite(t_x, "recency t_x");
	CheckFinite(n, "opportunities n");
	if (n < 0 || n != floor(n) || n > 1e6)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("opportunities n must be a whole number between 0 and 1000000, not %g", n),
				 errhint("n = 0 is a customer with no transaction opportunity yet (acquired in the last period).")));
	if (t_x != floor(t_x) || t_x < x || t_x > n)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("recency t_x must be a whole number between x and n, not %g (x = %g, n = %g)",
						t_x, x, n),
				 errhint("t_x is the opportunity of the last purchase (0 if none), x the purchases among the n opportunities.")));
	if (x == 0 && t_x != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("recency t_x must be 0 when frequency x is 0, not %g", t_x)));
}

/* Raise 22000 unless a tenure is a whole number of periods between 1 and 1000000 */
void
ClvCheckTenure(float8 tenure)
{
	CheckFinite(tenure, "tenure");
	if (tenure < 1 || tenure > 1e6 || tenure != floor(tenure))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("tenure must be a whole number of periods between 1 and 1000000, not %.15g", tenure),
				 errhint("Tenure counts the periods a customer stayed: 1 for a customer who left at the first renewal.")));
}

/*
 * Raise 22000 unless (x, m) is a valid frequency and a finite mean spend.
 * A mean spend of 0 or below is valid input: the Gamma-Gamma fit skips such
 * customers (and counts them), its predictions handle m = 0
 */
void
ClvCheckSpend(float8 x, float8 m)
{
	ClvCheckFrequency(x);
	CheckFinite(m, "monetary value");
}

/*
 * Raise 22000 unless v holds a valid customer of the shape: (x, t_x, T),
 * (x, t_x, n), (x, m), (tenure, churned) or (duration, event)
 */
void
ClvCheckCustomer(TupleShape shape, const float8 *v)
{
	switch (shape)
	{
		case TUPLE_SHAPE_PURCHASES:
			ClvCheckTriple(v[0], v[1], v[2]);
			break;
		case TUPLE_SHAPE_OPPORTUNITIES:
			ClvCheckOpportunities(v[0], v[1], v[2]);
			break;
		case TUPLE_SHAPE_SPEND:
			ClvCheckSpend(v[0], v[1]);
			break;
		case TUPLE_SHAPE_TENURES:
			ClvCheckTenure(v[0]);
			break;
		case TUPLE_SHAPE_DURATIONS:
			elog(ERROR, "survival durations are not a customer of a model");
			break;
	}
}

/* Raise 22023 unless n_future is a whole number of opportunities in 0 .. 1000000 */
void
ClvCheckFutureOpportunities(float8 n_future)
{
	if (!(n_future >= 0 && n_future <= 1e6 && n_future == floor(n_future)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of future opportunities must be a whole number between 0 and 1000000, not %g",
						n_future)));
}

/*
 * Raise 22023 unless a horizon is valid for data of the shape: future
 * opportunities for discrete opportunities, else time units
 */
void
ClvCheckHorizonOf(TupleShape shape, float8 horizon)
{
	if (shape == TUPLE_SHAPE_OPPORTUNITIES)
		ClvCheckFutureOpportunities(horizon);
	else
		ClvCheckHorizon(horizon);
}
