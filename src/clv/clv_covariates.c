/*
 * clv_covariates.c
 *		The covariate block of a model value (version 4; layout in
 *		clv_covariates.h), its checks, and a customer's own parameters from
 *		their covariates, which every scorer with covariates uses: it makes
 *		the customer's own model (a version 3 value) and hands it to the
 *		kind's operations, so there is one code path per prediction.
 */
#include "crm.h"
#include "clv_covariates.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/float.h"

/* Offset of the coefficients in a version 4 model with spec */
static Size
GammaOffset(const CovariateSpec *spec)
{
	return MAXALIGN(sizeof(ClvModel)) + MAXALIGN(VARSIZE(spec));
}

/* Size of a version 4 model value with spec */
Size
ClvModelCovariatesSize(const CovariateSpec *spec)
{
	int			n = CovariateSpecCount(spec);

	return GammaOffset(spec) + 2 * sizeof(float8) * n + n;
}

/* The covariate block of a model with covariates */
void
ClvModelCovariates(const ClvModel *model, ClvCovariates *cov)
{
	char	   *base = (char *) model;
	const CovariateSpec *spec = (const CovariateSpec *) (base + MAXALIGN(sizeof(ClvModel)));
	int			n = CovariateSpecCount(spec);

	Assert(ClvModelHasCovariates(model));
	cov->spec = spec;
	CovariateSpecNames(spec, &cov->names);
	cov->gamma = (float8 *) (base + GammaOffset(spec));
	cov->se = cov->gamma + n;
	cov->flags = (uint8 *) (cov->se + n);
}

/*
 * A model value of version 4: the fixed part of base with a covariate block
 * for spec, coefficients 0, standard errors NaN, flags 0
 */
ClvModel *
ClvModelAddCovariates(const ClvModel *base, const CovariateSpec *spec)
{
	Size		size = ClvModelCovariatesSize(spec);
	ClvModel   *model = (ClvModel *) palloc0(size);
	ClvCovariates cov;

	memcpy(model, base, sizeof(ClvModel));
	SET_VARSIZE(model, size);
	model->version = CLV_MODEL_VERSION_COVARIATES;
	memcpy((char *) model + MAXALIGN(sizeof(ClvModel)), spec, VARSIZE(spec));
	ClvModelCovariates(model, &cov);
	for (int i = 0; i < CovariateSpecCount(spec); i++)
		cov.se[i] = get_float8_nan();
	return model;
}

/* Why the covariate block of a version 4 model is invalid, or NULL */
const char *
ClvCovariatesProblem(const ClvModel *model)
{
	const CovariateSpec *spec;
	const char *problem;
	ClvCovariates cov;
	int			n;

	if (VARSIZE(model) < MAXALIGN(sizeof(ClvModel)) + offsetof(CovariateSpec, names))
		return "invalid model size";
	spec = (const CovariateSpec *) ((const char *) model + MAXALIGN(sizeof(ClvModel)));
	problem = CovariateSpecProblem(spec, VARSIZE(model) - MAXALIGN(sizeof(ClvModel)));
	if (problem != NULL)
		return problem;
	if (VARSIZE(model) != ClvModelCovariatesSize(spec))
		return "invalid model size";
	if (ClvOpsOf(model->kind)->customer_gradient == NULL)
		return "this model kind takes no covariates";
	ClvModelCovariates(model, &cov);
	n = CovariateSpecCount(spec);
	for (int i = 0; i < n; i++)
	{
		int			process = i < spec->n_life ? COVARIATE_LIFE : COVARIATE_TRANS;
		int			k = i < spec->n_life ? i : i - spec->n_life;
		int			partner = cov.names.partner[process][k];

		if ((cov.flags[i] & ~CLV_COEF_MASK) != 0)
			return "unknown coefficient flags";
		if (!isfinite(cov.gamma[i]))
			return "coefficients must be finite";
		if ((cov.flags[i] & CLV_COEF_HELD) && cov.gamma[i] != 0)
			return "a held coefficient is 0";
		if ((model->flags & CLV_FLAG_HAS_SE) && !(cov.flags[i] & CLV_COEF_HELD) &&
			(!isfinite(cov.se[i]) || cov.se[i] < 0))
			return "standard errors must be finite and non-negative";
		if ((!(model->flags & CLV_FLAG_HAS_SE) || (cov.flags[i] & CLV_COEF_HELD)) &&
			!isnan(cov.se[i]))
			return "a coefficient without a standard error has NaN";
		if ((cov.flags[i] & CLV_COEF_HELD) && !(model->flags & CLV_FLAG_FITTED))
			return "only fitted models hold coefficients";
		if (partner >= 0)
		{
			int			j = process == COVARIATE_LIFE ? spec->n_life + partner : partner;

			if (memcmp(&cov.gamma[i], &cov.gamma[j], sizeof(float8)) != 0 ||
				(!isnan(cov.se[i]) && memcmp(&cov.se[i], &cov.se[j], sizeof(float8)) != 0) ||
				cov.flags[i] != cov.flags[j])
				return "a constrained covariate has one coefficient in both processes";
		}
	}
	return NULL;
}

/*
 * The customer's own parameters (out) from the model's and the customer's
 * covariates; false when one is beyond e^CLV_CUSTOMER_LOG_PARAM_LIMIT.
 * With all covariates 0 they are the model's parameters exactly (exp(0) is
 * 1).
 */
bool
ClvCustomerParams(const ClvModelOps *ops, const ClvModel *model, const ClvCovariates *cov,
				  const float8 *life_z, const float8 *trans_z, float8 *out)
{
	float8		eta_life = 0;	/* gamma_life . z_life */
	float8		eta_trans = 0;	/* gamma_trans . z_trans */
	const float8 *gamma_trans = cov->gamma + cov->spec->n_life;

	for (int k = 0; k < cov->spec->n_life; k++)
		eta_life += cov->gamma[k] * life_z[k];
	for (int k = 0; k < cov->spec->n_trans; k++)
		eta_trans += gamma_trans[k] * trans_z[k];
	for (int j = 0; j < ops->spec.n_params; j++)
	{
		float8		eta;

		switch (ops->covariate_effect[j])
		{
			case CLV_COVARIATE_TRANS_DOWN:
				eta = -eta_trans;
				break;
			case CLV_COVARIATE_LIFE_DOWN:
				eta = -eta_life;
				break;
			case CLV_COVARIATE_LIFE_UP:
				eta = eta_life;
				break;
			default:
				out[j] = model->params[j];
				continue;
		}
		if (!(fabs(log(model->params[j]) + eta) <= CLV_CUSTOMER_LOG_PARAM_LIMIT))
			return false;
		out[j] = model->params[j] * exp(eta);
	}
	return true;
}

/* Raise 22023 when a model with covariates is scored without them */
void
ClvCheckNoCovariates(const ClvModel *model)
{
	if (ClvModelHasCovariates(model))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s model has covariates: score it with the customer's covariates",
						ClvSpec(model->kind)->title),
				 errhint("Pass the customer's life_z and trans_z arrays after the customer, as in crm.p_alive(model, x, t_x, T, life_z, trans_z).")));
}

/*
 * The covariates of one process in argument argno: a one-dimensional
 * float8[] of n elements (22023 otherwise), each a finite number (22000);
 * NULL when an element is NULL (the customer's score is then NULL, as for a
 * NULL argument)
 */
static float8 *
CovariateArrayArg(FunctionCallInfo fcinfo, int argno, const ClvCovariates *cov, int process)
{
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(argno);
	int			n = cov->names.n[process];
	const char *what = process == COVARIATE_LIFE ? "life_z" : "trans_z";
	int			count = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	float8	   *values = (float8 *) palloc(sizeof(float8) * Max(n, 1));
	Datum	   *elements;
	bool	   *nulls;
	int			n_elements;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array, not %d-dimensional", what, ARR_NDIM(array))));
	if (count != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have the %d %s covariates of the model, not %d",
						what, n, process == COVARIATE_LIFE ? "lifetime" : "transaction", count),
				 errhint("The model's covariate names give the order of the arrays (crm.parameters(model) lists them).")));
	deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elements, &nulls, &n_elements);
	for (int k = 0; k < n; k++)
	{
		if (nulls[k])
			return NULL;
		values[k] = DatumGetFloat8(elements[k]);
		if (!isfinite(values[k]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("covariate \"%s\" of %s must be a finite number, not %g",
							cov->names.name[process][k], what, values[k])));
	}
	return values;
}

/*
 * The customer's own model from the covariate arguments argno (life_z) and
 * argno + 1 (trans_z): see clv_covariates.h
 */
ClvModel *
ClvCustomerModelArgs(FunctionCallInfo fcinfo, const ClvModelOps *ops, const ClvModel *model,
					 int argno)
{
	ClvCovariates cov;
	ClvModel   *customer;
	float8	   *life_z;
	float8	   *trans_z;
	float8		params[CLV_MAX_PARAMS];

	if (!ClvModelHasCovariates(model))
	{
		/* a model without covariates: only empty arrays are its covariates */
		ArrayType  *life = PG_GETARG_ARRAYTYPE_P(argno);
		ArrayType  *trans = PG_GETARG_ARRAYTYPE_P(argno + 1);

		if (ArrayGetNItems(ARR_NDIM(life), ARR_DIMS(life)) > 0 ||
			ArrayGetNItems(ARR_NDIM(trans), ARR_DIMS(trans)) > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the %s model has no covariates", ops->spec.title),
					 errhint("Score it without life_z and trans_z, or fit it with covariates.")));
		return (ClvModel *) model;
	}
	ClvModelCovariates(model, &cov);
	life_z = CovariateArrayArg(fcinfo, argno, &cov, COVARIATE_LIFE);
	trans_z = CovariateArrayArg(fcinfo, argno + 1, &cov, COVARIATE_TRANS);
	if (life_z == NULL || trans_z == NULL)
		return NULL;
	if (!ClvCustomerParams(ops, model, &cov, life_z, trans_z, params))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the customer's own %s parameters are out of range for these covariates",
						ops->spec.title),
				 errdetail("A parameter times exp(coefficients x covariates) is beyond e^%g.",
						   CLV_CUSTOMER_LOG_PARAM_LIMIT),
				 errhint("Check the covariates' scale: they must be in the units the model was fitted on.")));
	customer = (ClvModel *) palloc(sizeof(ClvModel));
	memcpy(customer, model, sizeof(ClvModel));
	SET_VARSIZE(customer, sizeof(ClvModel));
	customer->version = CLV_MODEL_VERSION;
	memcpy(customer->params, params, sizeof(float8) * ops->spec.n_params);
	return customer;
}

/* Raise 22023 unless a model's and a state's covariates have the same names in the same order */
void
ClvCheckSameCovariateNames(const ClvModelOps *ops, const CovariateNames *model, const CovariateNames *state)
{
	bool		same = true;

	for (int process = 0; process < 2; process++)
	{
		if (model->n[process] != state->n[process])
			same = false;
		for (int k = 0; same && k < model->n[process]; k++)
			if (strcmp(model->name[process][k], state->name[process][k]) != 0)
				same = false;
	}
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s model's covariates are not the fit state's", ops->spec.title),
				 errhint("Build the state with the model's covariate names, in their order.")));
}
