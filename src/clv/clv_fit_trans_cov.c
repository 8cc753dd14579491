/*
 * clv_fit_trans_cov.c
 *		The transition of the purchase-model fits with customer covariates:
 *		each row (x, t_x, T, life_z, trans_z [, weight] [, unit], covariates)
 *		is checked and added to the tuple state as the tuple (x, t_x, T,
 *		z_life..., z_trans...) (tuple_state.h), which records the covariate
 *		spec; the fits' final functions read it (clv_covfit.c).
 *
 * Rows with a NULL argument, or a NULL element in life_z or trans_z (a
 * customer whose covariate is missing), are skipped, as aggregates skip
 * NULL inputs; an array whose length is not the spec's number of names is a
 * mistake (22023), and a NaN or infinite covariate is refused (22000)
 * naming it.
 */
#include "crm.h"
#include "clv_covariates.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"

/*
 * Read the covariates of one process of a row (argument argno) into v:
 * false when an element is NULL (the row is skipped)
 */
static bool
RowCovariates(FunctionCallInfo fcinfo, int argno, const CovariateNames *names, int process,
			  float8 *v)
{
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(argno);
	int			n = names->n[process];
	int			count = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	const char *what = process == COVARIATE_LIFE ? "life_z" : "trans_z";
	Datum	   *elements;
	bool	   *nulls;
	int			n_elements;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array, not %d-dimensional", what, ARR_NDIM(array))));
	if (count != n)
	{
		StringInfoData list;

		initStringInfo(&list);
		for (int k = 0; k < n; k++)
			appendStringInfo(&list, "%s%s", k > 0 ? ", " : "", names->name[process][k]);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have the %d %s covariates of the spec (%s), not %d",
						what, n, process == COVARIATE_LIFE ? "lifetime" : "transaction",
						list.data, count),
				 errhint("Give each customer's covariates in the order of their names in crm.covariates.")));
	}
	if (n == 0)
		return true;
	deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elements, &nulls, &n_elements);
	for (int k = 0; k < n; k++)
	{
		if (nulls[k])
			return false;
		v[k] = DatumGetFloat8(elements[k]) + 0.0;
		if (!isfinite(v[k]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("covariate \"%s\" of %s must be a finite number, not %g",
							names->name[process][k], what, v[k])));
	}
	return true;
}

/*
 * Shared transition: args are (state, x, t_x, T, life_z, trans_z [, weight]
 * [, unit], covariates); with_unit says whether the argument before the
 * spec is the rows' time unit
 */
static Datum
CovariateTransition(FunctionCallInfo fcinfo, bool with_unit)
{
	int			spec_arg = PG_NARGS() - 1;
	bool		has_weight = spec_arg - (with_unit ? 1 : 0) > 6;
	CovariateSpec *spec = CovariateSpecArg(fcinfo, spec_arg);
	CovariateNames names;
	TimeUnit	unit;
	ExpandedTupleState *expanded;
	TupleState *state;
	float8		v[3 + 2 * COVARIATE_MAX_PER_PROCESS];
	int64		weight = 1;

	if (with_unit)
		TupleUnitArg(fcinfo, spec_arg - 1, &unit);
	state = TupleTransitionStateCovariates(fcinfo, TUPLE_SHAPE_PURCHASES, spec,
										   with_unit ? &unit : NULL, &expanded);
	/* rows with a NULL value, weight or covariate array are skipped */
	for (int i = 1; i <= (has_weight ? 6 : 5); i++)
		if (PG_ARGISNULL(i))
			return TupleTransitionResult(expanded, state);
	for (int i = 0; i < 3; i++)
		v[i] = PG_GETARG_FLOAT8(i + 1);
	if (has_weight)
		weight = TupleWeightArg(fcinfo, 6);
	ClvCheckCustomer(TUPLE_SHAPE_PURCHASES, v);
	CovariateSpecNames(spec, &names);
	if (!RowCovariates(fcinfo, 4, &names, COVARIATE_LIFE, v + 3) ||
		!RowCovariates(fcinfo, 5, &names, COVARIATE_TRANS, v + 3 + spec->n_life))
		return TupleTransitionResult(expanded, state);
	if (weight == 0)
		return TupleTransitionResult(expanded, state);
	state = TupleStateAdd(fcinfo, state, v, weight);
	return TupleTransitionResult(expanded, state);
}

/* Transition of the fits with covariates: (x, t_x, T, life_z, trans_z [, weight], covariates) */
PG_FUNCTION_INFO_V1(clv_fit_trans_covariates);
Datum
clv_fit_trans_covariates(PG_FUNCTION_ARGS)
{
	return CovariateTransition(fcinfo, false);
}

/* The same with a time unit: (x, t_x, T, life_z, trans_z [, weight], unit, covariates) */
PG_FUNCTION_INFO_V1(clv_fit_trans_covariates_unit);
Datum
clv_fit_trans_covariates_unit(PG_FUNCTION_ARGS)
{
	return CovariateTransition(fcinfo, true);
}
