/*
 * clv_value.c
 *		crm.clv: discounted expected customer value over a horizon, from a
 *		purchase model (BG/NBD, MBG/NBD) and the Gamma-Gamma spend model.
 *
 * Discounting convention (as lifetimes' customer_lifetime_value): the
 * horizon is cut into periods of one time unit; the expected purchases of
 * period k, E[X(T, k)] - E[X(T, k - 1)], are valued at the expected spend
 * per purchase times the margin and discounted by (1 + d)^k, with d the
 * discount rate per time unit.  A fractional last period ends at the
 * horizon.  Continuous discounting is what DERT does (see the Pareto/NBD).
 */
#include "crm.h"
#include "clv.h"

#include <math.h>

#include "utils/builtins.h"

/* Raise 22023 unless a discount rate per period is finite and >= 0 */
static void
CheckDiscountRate(float8 rate)
{
	if (isnan(rate) || isinf(rate) || rate < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount rate must be a finite number >= 0, not %g", rate),
				 errhint("The rate is per time unit of the model: for an annual rate d and a weekly model use (1 + d)^(1/52) - 1.")));
}

/*
 * crm.clv(purchase_model, spend_model, x, t_x, T, m, horizon, discount_rate
 * [, margin]): discounted expected margin of a customer over the horizon
 */
PG_FUNCTION_INFO_V1(clv_discounted_value);
Datum
clv_discounted_value(PG_FUNCTION_ARGS)
{
	ClvModel   *purchases = DatumGetClvModelP(PG_GETARG_DATUM(0));
	ClvModel   *spend = ClvGetModel(fcinfo, 1, CLV_GAMMAGAMMA);
	float8		x = PG_GETARG_FLOAT8(2);
	float8		t_x = PG_GETARG_FLOAT8(3);
	float8		T = PG_GETARG_FLOAT8(4);
	float8		m = PG_GETARG_FLOAT8(5);
	float8		horizon = PG_GETARG_FLOAT8(6);
	float8		rate = PG_GETARG_FLOAT8(7);
	float8		margin = PG_NARGS() > 8 ? PG_GETARG_FLOAT8(8) : 1;

	ClvCheckTriple(x, t_x, T);
	CheckFinite(m, "monetary value");
	if (x > 0 && m <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("monetary value must be positive for customers with repeat purchases, not %g", m)));
	ClvCheckHorizon(horizon);
	CheckDiscountRate(rate);
	if (isnan(margin) || isinf(margin) || margin < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("margin must be a finite number >= 0, not %g", margin)));
	PG_RETURN_FLOAT8(margin * ClvExpectedSpend(spend, x, m) *
					 ClvDiscountedPurchases(purchases, x, t_x, T, horizon, rate));
}

/*
 * crm.clv(purchase_model, x, t_x, T, spend, horizon, discount_rate): the same
 * with a given expected spend per purchase (a business value or another
 * model's prediction)
 */
PG_FUNCTION_INFO_V1(clv_discounted_value_given_spend);
Datum
clv_discounted_value_given_spend(PG_FUNCTION_ARGS)
{
	ClvModel   *purchases = DatumGetClvModelP(PG_GETARG_DATUM(0));
	float8		x = PG_GETARG_FLOAT8(1);
	float8		t_x = PG_GETARG_FLOAT8(2);
	float8		T = PG_GETARG_FLOAT8(3);
	float8		spend = PG_GETARG_FLOAT8(4);
	float8		horizon = PG_GETARG_FLOAT8(5);
	float8		rate = PG_GETARG_FLOAT8(6);

	ClvCheckTriple(x, t_x, T);
	CheckFinite(spend, "spend per purchase");
	ClvCheckHorizon(horizon);
	CheckDiscountRate(rate);
	PG_RETURN_FLOAT8(spend * ClvDiscountedPurchases(purchases, x, t_x, T, horizon, rate));
}
