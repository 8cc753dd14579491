/*
 * clv_compare.c
 *		Model comparison for every model value: the number of estimated
 *		parameters, AIC and BIC, and the likelihood-ratio test of nested fits
 *		(crm.parameter_count, crm.aic, crm.bic, crm.lr_test).
 *
 * Counting: a model's parameters (spec.n_params) less its structural one
 * (the regularity k, held fixed by the fit) unless the fit chose it by
 * likelihood among several values (CLV_FLAG_CHOSEN), plus its covariate
 * coefficients that were estimated (a held one, CLV_COEF_HELD, was not; a
 * constrained covariate's one coefficient counts once).
 *
 * AIC = -2 ll + 2 k, BIC = -2 ll + k ln n with n the customers the model
 * was fitted on (crm.customers).
 *
 * The likelihood-ratio test compares a restricted fit with a fuller one of
 * the same customers: LR = 2 (ll_full - ll_restricted), df the difference
 * of the parameter counts.  Two nestings are recognized:
 * - the same kind, the restricted model's estimated coefficients a subset
 *	 of the unrestricted model's (a covariate model against the same kind without,
 *	 or with fewer covariates): p = P(chi2_df > LR);
 * - Pareto/NBD against GGom/NBD: the Pareto/NBD is the GGom/NBD's limit b
 *	 -> 0 with beta / b fixed, on the boundary of its parameter space, so
 *	 LR follows the 50:50 mixture of chi2_(df-1) and chi2_df (Self & Liang
 *	 1987; chi2_0 a point mass at 0): p = (P(chi2_(df-1) > LR) + P(chi2_df >
 *	 LR)) / 2.
 */
#include "crm.h"
#include "clv_covariates.h"
#include "numerics.h"

#include <math.h>

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"

/* A fuller fit may fall short of the restricted one by this much (relative) */
#define LR_TOLERANCE 1e-6

/* Whether a coefficient of a model with covariates counts as estimated */
static bool
CoefficientCounts(const ClvCovariates *cov, int process, int index)
{
	int			position = process == COVARIATE_LIFE ? index : cov->names.n[COVARIATE_LIFE] + index;

	if (cov->flags[position] & CLV_COEF_HELD)
		return false;
	/* a constrained covariate's coefficient counts once, on the lifetime side */
	return !(process == COVARIATE_TRANS && cov->names.partner[COVARIATE_TRANS][index] >= 0);
}

/* The number of estimated parameters of a model value */
static int
ParameterCount(const ClvModel *model)
{
	const ClvModelSpec *spec = ClvSpec(model->kind);
	int			k = spec->n_params;

	if (spec->n_structural > 0 && !(model->flags & CLV_FLAG_CHOSEN))
		k -= spec->n_structural;
	if (ClvModelHasCovariates(model))
	{
		ClvCovariates cov;

		ClvModelCovariates(model, &cov);
		for (int process = 0; process < 2; process++)
			for (int i = 0; i < cov.names.n[process]; i++)
				if (CoefficientCounts(&cov, process, i))
					k++;
	}
	return k;
}

/* crm.parameter_count(model): the number of estimated parameters */
PG_FUNCTION_INFO_V1(clv_parameter_count);
Datum
clv_parameter_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(ParameterCount(DatumGetClvModelP(PG_GETARG_DATUM(0))));
}

/* crm.aic(model): -2 ll + 2 k; NULL for given parameters */
PG_FUNCTION_INFO_V1(clv_aic);
Datum
clv_aic(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));

	if (!(model->flags & CLV_FLAG_FITTED))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(-2 * model->ll + 2.0 * ParameterCount(model));
}

/* crm.bic(model): -2 ll + k ln n; NULL for given parameters */
PG_FUNCTION_INFO_V1(clv_bic);
Datum
clv_bic(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));

	if (!(model->flags & CLV_FLAG_FITTED))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(-2 * model->ll + ParameterCount(model) * log((float8) model->n));
}

/*
 * The regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) /
 * Gamma(a) for a > 0, x >= 0: by the series of P = 1 - Q when x < a + 1,
 * else by the continued fraction of Q (numerics.c's, modified Lentz)
 */
static float8
UpperGammaRegularized(float8 a, float8 x)
{
	float8		log_prefix;

	if (x <= 0)
		return 1;
	log_prefix = a * log(x) - x - lgamma(a);
	if (x < a + 1)
	{
		float8		term = 1 / a;
		float8		sum = term;

		for (int n = 1; n < 100000; n++)
		{
			term *= x / (a + n);
			sum += term;
			if (term < sum * 1e-17)
				break;
		}
		return Max(0.0, 1 - sum * exp(log_prefix));
	}
	else
	{
		double		fraction;

		if (!UpperGammaFraction(a, x, &fraction))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("the chi-square tail of %g with %g degrees of freedom could not be evaluated",
							2 * x, 2 * a)));
		return Min(1.0, exp(log_prefix) * fraction);
	}
}

/* P(chi2_df > x): a point mass at 0 for df = 0 */
static float8
ChiSquareUpper(int df, float8 x)
{
	if (df == 0)
		return x > 0 ? 0 : 1;
	return UpperGammaRegularized(df / 2.0, x / 2);
}

/* Whether a model's covariate coefficients carry an L2 penalty */
static bool
CovariatesPenalized(const ClvModel *model)
{
	ClvCovariates cov;

	if (!ClvModelHasCovariates(model))
		return false;
	ClvModelCovariates(model, &cov);
	return cov.names.lambda[COVARIATE_LIFE] != 0 || cov.names.lambda[COVARIATE_TRANS] != 0;
}

/* Raise 22023 unless a model can take part in a likelihood-ratio test */
static void
CheckTestable(const ClvModel *model, const char *role)
{
	const char *title = ClvSpec(model->kind)->title;

	if (!(model->flags & CLV_FLAG_FITTED))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s %s model has given parameters, not fitted ones", role, title),
				 errhint("A likelihood-ratio test compares the maximized log-likelihoods of two fits.")));
	if (!(model->flags & (CLV_FLAG_CONVERGED | CLV_FLAG_ACCEPTED)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the fit of the %s %s model did not converge", role, title),
				 errhint("A likelihood-ratio test needs the maximum of each likelihood; crm.accept_unconverged accepts a fit whose maximum is a limit of the model (a GGom/NBD at its Pareto/NBD limit).")));
	if (model->penalizer != 0 || CovariatesPenalized(model))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s %s model was fitted with an L2 penalty", role, title),
				 errhint("A likelihood-ratio test needs unpenalized maximum-likelihood fits.")));
}

/* Whether a model estimated the coefficient of a covariate named name in process */
static bool
EstimatesCoefficient(const ClvModel *model, int process, const char *name)
{
	ClvCovariates cov;

	if (!ClvModelHasCovariates(model))
		return false;
	ClvModelCovariates(model, &cov);
	for (int i = 0; i < cov.names.n[process]; i++)
	{
		int			position = process == COVARIATE_LIFE ? i : cov.names.n[COVARIATE_LIFE] + i;

		if (strcmp(cov.names.name[process][i], name) == 0)
			return !(cov.flags[position] & CLV_COEF_HELD);
	}
	return false;
}

/*
 * Raise 22023 unless every coefficient restricted estimated is one full
 * estimated too (the restricted model is the full one with the others 0)
 */
static void
CheckCoefficientsNested(const ClvModel *restricted, const ClvModel *full)
{
	ClvCovariates cov;

	if (!ClvModelHasCovariates(restricted))
		return;
	ClvModelCovariates(restricted, &cov);
	for (int process = 0; process < 2; process++)
		for (int i = 0; i < cov.names.n[process]; i++)
		{
			int			position = process == COVARIATE_LIFE ? i : cov.names.n[COVARIATE_LIFE] + i;

			if (!(cov.flags[position] & CLV_COEF_HELD) &&
				!EstimatesCoefficient(full, process, cov.names.name[process][i]))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the models are not nested: the restricted model estimates %s.%s and the unrestricted model does not",
								CovariateProcessName(process), cov.names.name[process][i])));
		}
}

/*
 * crm.lr_test(restricted, unrestricted): (statistic, df, p_value, boundary) of the
 * likelihood-ratio test of restricted against unrestricted (see the file comment)
 */
PG_FUNCTION_INFO_V1(clv_lr_test);
Datum
clv_lr_test(PG_FUNCTION_ARGS)
{
	ClvModel   *restricted = DatumGetClvModelP(PG_GETARG_DATUM(0));
	ClvModel   *full = DatumGetClvModelP(PG_GETARG_DATUM(1));
	bool		boundary;
	int			df;
	float8		statistic;
	float8		p_value;
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.lr_test must return a composite type");
	if (restricted->kind == CLV_PARETONBD && full->kind == CLV_GGOMNBD)
		boundary = true;
	else if (restricted->kind == full->kind)
		boundary = false;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a %s model is not nested in a %s model",
						ClvSpec(restricted->kind)->title, ClvSpec(full->kind)->title)));
	CheckTestable(restricted, "restricted");
	CheckTestable(full, "unrestricted");
	if (restricted->n != full->n ||
		(restricted->flags & CLV_FLAG_HAS_UNIT) != (full->flags & CLV_FLAG_HAS_UNIT) ||
		((restricted->flags & CLV_FLAG_HAS_UNIT) && !TimeUnitEqual(&restricted->unit, &full->unit)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the models were not fitted on the same customers"),
				 errdetail("The restricted model was fitted on " INT64_FORMAT " customers, the unrestricted model on " INT64_FORMAT ", or their time units differ.",
						   restricted->n, full->n)));
	if (ClvSpec(restricted->kind)->n_structural > 0 &&
		restricted->params[0] != full->params[0])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the models are not nested: their regularity k differs (%g and %g)",
						restricted->params[0], full->params[0])));
	CheckCoefficientsNested(restricted, full);
	df = ParameterCount(full) - ParameterCount(restricted);
	if (df <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the unrestricted model must have more estimated parameters than the restricted one, not %d against %d",
						ParameterCount(full), ParameterCount(restricted))));
	statistic = 2 * (full->ll - restricted->ll);
	if (statistic < 0)
	{
		if (-statistic > LR_TOLERANCE * Max(1.0, fabs(full->ll)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the unrestricted model's log-likelihood %g is below the restricted model's %g",
							full->ll, restricted->ll),
					 errhint("The fuller fit did not reach its maximum, or the models are not nested.")));
		statistic = 0;			/* the fits' rounding */
	}
	if (boundary)
		p_value = 0.5 * ChiSquareUpper(df - 1, statistic) + 0.5 * ChiSquareUpper(df, statistic);
	else
		p_value = ChiSquareUpper(df, statistic);
	values[0] = Float8GetDatum(statistic);
	values[1] = Int32GetDatum(df);
	values[2] = Float8GetDatum(ClampProbability(p_value, "p-value"));
	values[3] = BoolGetDatum(boundary);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}
