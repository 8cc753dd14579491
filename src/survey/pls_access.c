/*
 * pls_access.c
 *		Accessors of crm.pls_model: path coefficients, R squared, outer and
 *		normalized weights, loadings, the 0-100 indices, GoF, a summary, and
 *		the scores of a respondent.
 *
 * Rescaled scores and indices (plspm's rescale()): a latent variable on the
 * items' own scale is the weighted mean of its items with the normalized
 * weights a_i / sum(a), a_i the weight of raw item i in the score: the outer
 * weight for an unscaled model, the outer weight divided by the item's
 * standard deviation for a scaled one.  As plspm's rescale() requires
 * positive weights, a block with a weight <= 0 has no normalized weights,
 * rescaled score or index (NULL).
 */
#include "crm.h"
#include "pls.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

/* A detoasted model argument with its view and names */
typedef struct ModelArg
{
	PlsModel   *model;			/* the model */
	PlsModelView view;			/* its arrays */
	char	  **names;			/* its LV names */
} ModelArg;

/* Open the model of argument argno */
static ModelArg
OpenModelArg(FunctionCallInfo fcinfo, int argno)
{
	ModelArg	arg;

	arg.model = (PlsModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	arg.view = PlsModelOpen(arg.model);
	arg.names = PlsModelNames(arg.model, &arg.view);
	return arg;
}

/* Weight of raw item i in the score of its LV (outer weight, over sd when scaled) */
static inline double
RawWeight(const ModelArg *arg, int i)
{
	double		w = arg->view.weight[i];

	return (arg->model->flags & PLS_MODEL_SCALED) ? w / arg->view.sd[i] : w;
}

/* Sum of the raw weights of LV k, or NaN if one of them is <= 0 */
static double
RawWeightSum(const ModelArg *arg, int k)
{
	double		sum = 0;

	for (int i = arg->view.block_start[k]; i < arg->view.block_start[k + 1]; i++)
	{
		if (!(arg->view.weight[i] > 0))
			return NAN;
		sum += RawWeight(arg, i);
	}
	return sum;
}

/* A text Datum of an LV name */
static inline Datum
NameDatum(const ModelArg *arg, int k)
{
	return PointerGetDatum(cstring_to_text(arg->names[k]));
}

/* crm.pls_paths(model): from_lv, to_lv, coefficient */
PG_FUNCTION_INFO_V1(pls_paths);
Datum
pls_paths(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelArg	arg = OpenModelArg(fcinfo, 0);

	InitMaterializedSRF(fcinfo, 0);
	for (int q = 0; q < arg.model->n_paths; q++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = NameDatum(&arg, arg.view.path_from[q]);
		values[1] = NameDatum(&arg, arg.view.path_to[q]);
		values[2] = Float8GetDatum(arg.view.coef[q]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* True if LV k has a cause */
static bool
IsEndogenous(const ModelArg *arg, int k)
{
	for (int q = 0; q < arg->model->n_paths; q++)
		if (arg->view.path_to[q] == k)
			return true;
	return false;
}

/* crm.pls_r2(model): lv, r2, endogenous */
PG_FUNCTION_INFO_V1(pls_r2);
Datum
pls_r2(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelArg	arg = OpenModelArg(fcinfo, 0);

	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k < arg.model->n_lvs; k++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = NameDatum(&arg, k);
		values[1] = Float8GetDatum(arg.view.r2[k]);
		values[2] = BoolGetDatum(IsEndogenous(&arg, k));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* crm.pls_weights(model): lv, item, weight, normalized_weight */
PG_FUNCTION_INFO_V1(pls_weights);
Datum
pls_weights(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelArg	arg = OpenModelArg(fcinfo, 0);

	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k < arg.model->n_lvs; k++)
	{
		double		sum = RawWeightSum(&arg, k);

		for (int i = arg.view.block_start[k]; i < arg.view.block_start[k + 1]; i++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, isnan(sum)};

			values[0] = NameDatum(&arg, k);
			values[1] = Int32GetDatum(arg.view.positions[i]);
			values[2] = Float8GetDatum(arg.view.weight[i]);
			values[3] = Float8GetDatum(isnan(sum) ? 0 : RawWeight(&arg, i) / sum);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

/* crm.pls_loadings(model): lv, item, loading, communality */
PG_FUNCTION_INFO_V1(pls_loadings);
Datum
pls_loadings(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelArg	arg = OpenModelArg(fcinfo, 0);

	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k < arg.model->n_lvs; k++)
		for (int i = arg.view.block_start[k]; i < arg.view.block_start[k + 1]; i++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};
			double		loading = arg.view.loading[i];

			values[0] = NameDatum(&arg, k);
			values[1] = Int32GetDatum(arg.view.positions[i]);
			values[2] = Float8GetDatum(loading);
			values[3] = Float8GetDatum(loading * loading);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	return (Datum) 0;
}

/* crm.pls_index(model, scale_min, scale_max): lv, mean (item scale), index (0-100) */
PG_FUNCTION_INFO_V1(pls_index);
Datum
pls_index(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelArg	arg = OpenModelArg(fcinfo, 0);
	double		lo = PG_GETARG_FLOAT8(1);
	double		hi = PG_GETARG_FLOAT8(2);

	if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the item scale must be finite numbers scale_min < scale_max, not [%s, %s]",
						float8out_internal(lo), float8out_internal(hi)),
				 errhint("Pass the lowest and highest answer of the items, e.g. 1 and 10.")));
	for (int i = 0; i < arg.model->n_items; i++)
		if (arg.view.mean[i] < lo || arg.view.mean[i] > hi)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("item %d has mean %s, outside the scale [%s, %s]",
							arg.view.positions[i], float8out_internal(arg.view.mean[i]),
							float8out_internal(lo), float8out_internal(hi)),
					 errhint("Pass the lowest and highest possible answer of the items.")));
	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k < arg.model->n_lvs; k++)
	{
		double		sum = RawWeightSum(&arg, k);
		double		mean = 0;
		Datum		values[3];
		bool		nulls[3] = {false, isnan(sum), isnan(sum)};

		for (int i = arg.view.block_start[k]; i < arg.view.block_start[k + 1] && !isnan(sum); i++)
			mean += RawWeight(&arg, i) / sum * arg.view.mean[i];
		values[0] = NameDatum(&arg, k);
		values[1] = Float8GetDatum(mean);
		values[2] = Float8GetDatum(100 * (mean - lo) / (hi - lo));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* Build the single-row result of a function with OUT parameters */
static Datum
ResultRow(FunctionCallInfo fcinfo, Datum *values, bool *nulls)
{
	TupleDesc	desc;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "function returning record called in context that cannot accept type record");
	desc = BlessTupleDesc(desc);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

/* crm.pls_gof(model): gof, mean_communality, mean_r2 (plspm's definitions) */
PG_FUNCTION_INFO_V1(pls_gof);
Datum
pls_gof(PG_FUNCTION_ARGS)
{
	ModelArg	arg = OpenModelArg(fcinfo, 0);
	double		comu = 0;
	int			n_comu = 0;
	double		r2 = 0;
	int			n_r2 = 0;
	Datum		values[3];
	bool		nulls[3];

	for (int k = 0; k < arg.model->n_lvs; k++)
	{
		if (arg.view.block_start[k + 1] - arg.view.block_start[k] > 1)
			for (int i = arg.view.block_start[k]; i < arg.view.block_start[k + 1]; i++)
			{
				comu += arg.view.loading[i] * arg.view.loading[i];
				n_comu++;
			}
		if (IsEndogenous(&arg, k))
		{
			r2 += arg.view.r2[k];
			n_r2++;
		}
	}
	values[0] = Float8GetDatum(arg.model->gof);
	nulls[0] = isnan(arg.model->gof);
	values[1] = Float8GetDatum(n_comu > 0 ? comu / n_comu : 0);
	nulls[1] = n_comu == 0;
	values[2] = Float8GetDatum(n_r2 > 0 ? r2 / n_r2 : 0);
	nulls[2] = n_r2 == 0;
	PG_RETURN_DATUM(ResultRow(fcinfo, values, nulls));
}

/* crm.pls_summary(model): scheme, scaled, respondents, skipped, items, latent_variables, paths, iterations, converged */
PG_FUNCTION_INFO_V1(pls_summary);
Datum
pls_summary(PG_FUNCTION_ARGS)
{
	PlsModel   *model = (PlsModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	Datum		values[9];
	bool		nulls[9] = {false, false, false, false, false, false, false, false, false};

	values[0] = PointerGetDatum(cstring_to_text(PlsSchemeName(model->scheme)));
	values[1] = BoolGetDatum((model->flags & PLS_MODEL_SCALED) != 0);
	values[2] = Int64GetDatum(model->n);
	values[3] = Int64GetDatum(model->skipped);
	values[4] = Int32GetDatum(model->p);
	values[5] = Int32GetDatum(model->n_lvs);
	values[6] = Int32GetDatum(model->n_paths);
	values[7] = Int32GetDatum(model->iterations);
	values[8] = BoolGetDatum((model->flags & PLS_MODEL_CONVERGED) != 0);
	PG_RETURN_DATUM(ResultRow(fcinfo, values, nulls));
}

/* crm.converged(model): whether the outer weights converged */
PG_FUNCTION_INFO_V1(pls_converged);
Datum
pls_converged(PG_FUNCTION_ARGS)
{
	PlsModel   *model = (PlsModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	PG_RETURN_BOOL((model->flags & PLS_MODEL_CONVERGED) != 0);
}

/* crm.iterations(model): iterations of the outer weights */
PG_FUNCTION_INFO_V1(pls_iterations);
Datum
pls_iterations(PG_FUNCTION_ARGS)
{
	PlsModel   *model = (PlsModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

	PG_RETURN_INT32(model->iterations);
}

/* ---------------------------------------------------------------------------
 * Scores
 * ---------------------------------------------------------------------------
 */

/*
 * A respondent's items (argument argno) as doubles with NULL flags; raise
 * 2202E for a wrong shape, 22000 for a non-finite item
 */
static void
RespondentItems(FunctionCallInfo fcinfo, int argno, const PlsModel *model,
				double **x, bool **missing)
{
	ArrayType  *items = PG_GETARG_ARRAYTYPE_P(argno);
	Datum	   *elems;
	int			n;

	if (ARR_NDIM(items) != 1 ||
		ArrayGetNItems(ARR_NDIM(items), ARR_DIMS(items)) != model->p)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("items must be a one-dimensional array of %d elements, as the rows the model was fitted on",
						model->p)));
	deconstruct_array(items, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, missing, &n);
	*x = (double *) palloc(sizeof(double) * n);
	for (int i = 0; i < n; i++)
	{
		(*x)[i] = (*missing)[i] ? 0 : DatumGetFloat8(elems[i]);
		if (!isfinite((*x)[i]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("item %d must be a finite number, not \"%s\"",
							i + 1, float8out_internal((*x)[i]))));
	}
}

/*
 * Score and rescaled score of LV k for items x; false if an item of its
 * block is missing.  *rescaled is NaN when the block has a weight <= 0.
 */
static bool
ScoreLv(const ModelArg *arg, int k, const double *x, const bool *missing,
		double *score, double *rescaled)
{
	bool		scaled = (arg->model->flags & PLS_MODEL_SCALED) != 0;
	double		sum = RawWeightSum(arg, k);
	double		s = 0;
	double		r = 0;

	for (int i = arg->view.block_start[k]; i < arg->view.block_start[k + 1]; i++)
	{
		int			pos = arg->view.positions[i] - 1;
		double		centred;

		if (missing[pos])
			return false;
		centred = x[pos] - arg->view.mean[i];
		s += arg->view.weight[i] * (scaled ? centred / arg->view.sd[i] : centred);
		if (!isnan(sum))
			r += RawWeight(arg, i) / sum * x[pos];
	}
	*score = arg->view.sign[k] * s;
	*rescaled = isnan(sum) ? NAN : r;
	/* items far outside the data's spread (1e300 for an sd of 1e-100) overflow */
	CheckResultFinite(*score, "PLS score (an item is too far from its mean in standard deviations)");
	if (!isnan(sum))
		CheckResultFinite(*rescaled, "rescaled PLS score");
	return true;
}

/* crm.pls_score(model, items): lv, score, rescaled for one respondent */
PG_FUNCTION_INFO_V1(pls_score);
Datum
pls_score(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ModelArg	arg = OpenModelArg(fcinfo, 0);
	double	   *x;
	bool	   *missing;

	RespondentItems(fcinfo, 1, arg.model, &x, &missing);
	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k < arg.model->n_lvs; k++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		double		score = 0;
		double		rescaled = 0;

		if (!ScoreLv(&arg, k, x, missing, &score, &rescaled))
			nulls[1] = nulls[2] = true;
		else if (isnan(rescaled))
			nulls[2] = true;
		values[0] = NameDatum(&arg, k);
		values[1] = Float8GetDatum(score);
		values[2] = Float8GetDatum(rescaled);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* crm.pls_score(model, items, lv): the score of one LV (NULL if an item of its block is NULL) */
PG_FUNCTION_INFO_V1(pls_score_lv);
Datum
pls_score_lv(PG_FUNCTION_ARGS)
{
	ModelArg	arg = OpenModelArg(fcinfo, 0);
	char	   *lv = text_to_cstring(PG_GETARG_TEXT_PP(2));
	double	   *x;
	bool	   *missing;
	double		score;
	double		rescaled;

	for (int k = 0; k < arg.model->n_lvs; k++)
		if (strcmp(arg.names[k], lv) == 0)
		{
			RespondentItems(fcinfo, 1, arg.model, &x, &missing);
			if (!ScoreLv(&arg, k, x, missing, &score, &rescaled))
				PG_RETURN_NULL();
			PG_RETURN_FLOAT8(score);
		}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("the model has no latent variable \"%s\"", lv),
			 errhint("crm.pls_r2(model) lists its latent variables.")));
	PG_RETURN_NULL();
}
