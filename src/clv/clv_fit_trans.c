/*
 * clv_fit_trans.c
 *		The transition functions of the probabilistic models' fit aggregates:
 *		each row (x, t_x, T), (x, t_x, n), (x, m) or (tenure, churned), with
 *		its optional weight, penalizer and time unit (and, for the regularity
 *		models, its litt), is checked by the input rules of its shape
 *		(clv_checks.c) and added to the tuple state
 *		(src/common/tuple_state.c), which the fits' final functions read.
 */
#include "crm.h"
#include "clv.h"

/*
 * Shared transition of the fit aggregates: args are (state, values..., [weight,
 * [penalizer]] [, unit]) with width float8 values of the given shape; with_unit
 * says whether the last argument is the rows' time unit
 */
static Datum
FitTransition(FunctionCallInfo fcinfo, uint8 shape, bool with_unit)
{
	int			width = TupleShapeWidth(shape);
	int			nargs = PG_NARGS() - (with_unit ? 1 : 0);
	bool		has_penalizer = nargs > width + 2;
	float8		penalizer = has_penalizer ? TuplePenalizerArg(fcinfo, width + 2) : 0;
	TimeUnit	unit;
	ExpandedTupleState *expanded;
	TupleState *state;
	float8		v[3] = {0, 0, 0};
	int64		weight = 1;

	if (with_unit)
		TupleUnitArg(fcinfo, nargs, &unit);
	state = TupleTransitionState(fcinfo, shape, has_penalizer, penalizer,
								 with_unit ? &unit : NULL, &expanded);
	if (state->has_litt)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add rows without litt to a fit state with litt")));

	/* rows with a NULL value or weight are skipped, as built-in aggregates do */
	for (int i = 0; i < width; i++)
	{
		if (PG_ARGISNULL(i + 1))
			return TupleTransitionResult(expanded, state);
		v[i] = PG_GETARG_FLOAT8(i + 1);
	}
	if (nargs > width + 1)
	{
		if (PG_ARGISNULL(width + 1))
			return TupleTransitionResult(expanded, state);
		weight = TupleWeightArg(fcinfo, width + 1);
	}
	ClvCheckCustomer(shape, v);
	/* the spend model is fitted on customers with repeat purchases */
	if (shape == TUPLE_SHAPE_SPEND && v[0] == 0)
		return TupleTransitionResult(expanded, state);
	if (weight == 0)
		return TupleTransitionResult(expanded, state);
	state = TupleStateAdd(fcinfo, state, v, weight);
	return TupleTransitionResult(expanded, state);
}

/* Transition of the purchase-model fits: (x, t_x, T [, weight [, penalizer]]) */
PG_FUNCTION_INFO_V1(clv_fit_trans_purchases);
Datum
clv_fit_trans_purchases(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, TUPLE_SHAPE_PURCHASES, false);
}

/* Transition of the purchase-model fits with a time unit: (x, t_x, T [, weight, penalizer], unit) */
PG_FUNCTION_INFO_V1(clv_fit_trans_purchases_unit);
Datum
clv_fit_trans_purchases_unit(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, TUPLE_SHAPE_PURCHASES, true);
}

/*
 * Shared transition of the regularity fits: args are (state, x, t_x, T,
 * litt [, weight [, penalizer]] [, unit]); the row's (x, t_x, T) is added
 * to the tuples and weight x litt to the state's exact sum of litt.  A
 * state holds litt for all its rows or for none (22023).
 */
static Datum
RegularityTransition(FunctionCallInfo fcinfo, bool with_unit)
{
	int			nargs = PG_NARGS() - (with_unit ? 1 : 0);
	bool		has_penalizer = nargs > 6;
	float8		penalizer = has_penalizer ? TuplePenalizerArg(fcinfo, 6) : 0;
	TimeUnit	unit;
	ExpandedTupleState *expanded;
	TupleState *state;
	float8		v[3];
	float8		litt;
	int64		weight = 1;

	if (with_unit)
		TupleUnitArg(fcinfo, nargs, &unit);
	state = TupleTransitionState(fcinfo, TUPLE_SHAPE_PURCHASES, has_penalizer, penalizer,
								 with_unit ? &unit : NULL, &expanded);
	if (state->n_rows > 0 && !state->has_litt)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add rows with litt to a fit state without litt")));
	/* rows with a NULL value or weight are skipped, as built-in aggregates do */
	for (int i = 0; i < 4; i++)
		if (PG_ARGISNULL(i + 1))
			return TupleTransitionResult(expanded, state);
	if (nargs > 5)
	{
		if (PG_ARGISNULL(5))
			return TupleTransitionResult(expanded, state);
		weight = TupleWeightArg(fcinfo, 5);
	}
	for (int i = 0; i < 3; i++)
		v[i] = PG_GETARG_FLOAT8(i + 1);
	litt = PG_GETARG_FLOAT8(4);
	ClvCheckTriple(v[0], v[1], v[2]);
	ClvCheckLitt(v[0], v[1], litt);
	/* an empty state is one of litt from its first row on */
	state->has_litt = 1;
	if (weight == 0)
		return TupleTransitionResult(expanded, state);
	TupleStateAddLitt(state, litt, weight);
	state = TupleStateAdd(fcinfo, state, v, weight);
	return TupleTransitionResult(expanded, state);
}

/* Transition of the regularity fits: (x, t_x, T, litt [, weight [, penalizer]]) */
PG_FUNCTION_INFO_V1(clv_fit_trans_regularity);
Datum
clv_fit_trans_regularity(PG_FUNCTION_ARGS)
{
	return RegularityTransition(fcinfo, false);
}

/* Transition of the regularity fits with a time unit: (x, t_x, T, litt [, weight, penalizer], unit) */
PG_FUNCTION_INFO_V1(clv_fit_trans_regularity_unit);
Datum
clv_fit_trans_regularity_unit(PG_FUNCTION_ARGS)
{
	return RegularityTransition(fcinfo, true);
}

/* Transition of the spend-model fit: (x, m [, weight [, penalizer]]) */
PG_FUNCTION_INFO_V1(clv_fit_trans_spend);
Datum
clv_fit_trans_spend(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, TUPLE_SHAPE_SPEND, false);
}

/* Transition of the spend-model fit with a time unit: (x, m [, weight, penalizer], unit) */
PG_FUNCTION_INFO_V1(clv_fit_trans_spend_unit);
Datum
clv_fit_trans_spend_unit(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, TUPLE_SHAPE_SPEND, true);
}

/*
 * Transition of the contractual retention fits: (tenure int, churned bool [,
 * weight]).  A row with a NULL tenure or weight is skipped; a tenure without
 * its churn flag is an error (censored and churned customers mean opposite
 * things to the likelihood).
 */
PG_FUNCTION_INFO_V1(clv_fit_trans_tenures);
Datum
clv_fit_trans_tenures(PG_FUNCTION_ARGS)
{
	ExpandedTupleState *expanded;
	TupleState *state = TupleTransitionState(fcinfo, TUPLE_SHAPE_TENURES, false, 0, NULL,
											 &expanded);
	float8		v[3] = {0, 0, 0};
	int64		weight = 1;
	int32		tenure;

	if (PG_ARGISNULL(1))
		return TupleTransitionResult(expanded, state);
	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3))
			return TupleTransitionResult(expanded, state);
		weight = TupleWeightArg(fcinfo, 3);
	}
	tenure = PG_GETARG_INT32(1);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("churned must not be NULL (tenure %d)", tenure),
				 errhint("Pass false for customers still active at the end of their tenure (censored), true for those who churned then.")));
	ClvCheckTenure((float8) tenure);
	if (weight == 0)
		return TupleTransitionResult(expanded, state);
	v[0] = tenure;
	v[1] = PG_GETARG_BOOL(2) ? 1 : 0;
	state = TupleStateAdd(fcinfo, state, v, weight);
	return TupleTransitionResult(expanded, state);
}

/* Transition of the discrete-opportunity fits: (x, t_x, n [, weight [, penalizer]]) */
PG_FUNCTION_INFO_V1(clv_fit_trans_opportunities);
Datum
clv_fit_trans_opportunities(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, TUPLE_SHAPE_OPPORTUNITIES, false);
}
