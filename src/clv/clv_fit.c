/*
 * clv_fit.c
 *		The maximum-likelihood fit shared by every model kind: the generic
 *		final function of the fit aggregates (ClvFitFinal), which turns a fit
 *		state into the kind's data through its table of operations
 *		(clv_ops.h), and the fit driver behind it: the objective on
 *		log-parameters, BFGS with a Nelder-Mead fallback, the start from the
 *		fit of a sample, and standard errors from the Hessian.
 */
#include "crm.h"
#include "clv_covariates.h"
#include "numerics.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

/* Bound on |log(parameter)| the optimizer may explore */
#define LOG_PARAM_LIMIT 30.0
/* Beyond this |log(parameter)| an estimate is taken to diverge */
#define LOG_PARAM_DIVERGED 20.0
/* Nelder-Mead moves of the fallback per parameter (see ClvFit) */
#define FALLBACK_MOVES_PER_PARAM 500

StaticAssertDecl(CLV_MAX_PARAMS <= NUMERICS_MAX_PARAMS,
				 "every parameter of a model must fit the optimizer");

/* A fit for the driver: a kind, its data, and how to start */
typedef struct ClvFitProblem
{
	const ClvModelOps *ops;		/* the model kind */
	void	   *data;			/* its prepared data */
	int64		n;				/* customers (sum of weights) */
	float8		penalizer;		/* L2 penalty coefficient */
	float8		start[CLV_MAX_PARAMS];	/* starting parameters */
	int64		skipped;		/* customers left out of the likelihood */
	bool		has_unit;		/* the rows' time unit is known */
	TimeUnit	unit;			/* that unit */
	void	   *coarse_data;	/* the same data for a weighted sample of
								 * the tuples (FitSample), or NULL: fitted
								 * first for a close start */
	int64		coarse_n;		/* customers the sample stands for */
} ClvFitProblem;

/* Distinct tuples above which a fit starts from the fit of a sample */
#define FIT_SAMPLE_MIN_TUPLES 131072
/* Sample points of that sample */
#define FIT_SAMPLE_POINTS 32768

/*
 * For a fit over more than FIT_SAMPLE_MIN_TUPLES sorted tuples, a
 * systematic sample of FIT_SAMPLE_POINTS customers, as tuples whose counts
 * are the sample points that fell on them (palloc'd; *n_out gets their
 * number, *n_points the points); NULL for fewer tuples.  Point k sits at
 * cumulative weight (k + 1/2) * total / points, so a tuple holding a share
 * of the customers gets that share of the points, whatever the counts; the
 * tuples' order (by x, then t_x, then T) spreads the points over the
 * frequencies.
 */
static WeightedTuple *
FitSample(const WeightedTuple *tuples, int32 n_tuples, int32 *n_out, int64 *n_points)
{
	const int32 points = FIT_SAMPLE_POINTS;
	WeightedTuple *sample;
	float8		total = 0;
	float8		step;
	float8		cumulative = 0;
	int64		taken = 0;
	int32		n = 0;

	if (n_tuples <= FIT_SAMPLE_MIN_TUPLES)
		return NULL;
	sample = (WeightedTuple *) palloc(sizeof(WeightedTuple) * points);

	for (int32 j = 0; j < n_tuples; j++)
		total += (float8) tuples[j].count;
	step = total / points;
	for (int32 j = 0; j < n_tuples && n < points; j++)
	{
		int64		upto;

		cumulative += (float8) tuples[j].count;
		upto = Min((int64) floor(cumulative / step + 0.5), (int64) points);
		if (upto > taken)
		{
			sample[n] = tuples[j];
			sample[n++].count = upto - taken;
			taken = upto;
		}
	}
	*n_out = n;
	*n_points = taken;
	return sample;
}

/*
 * The minimized objective: mean negative log-likelihood per customer plus
 * the L2 penalty on the natural parameters (as lifetimes' penalizer_coef),
 * as a function of theta = log(parameters) of the estimated parameters (the
 * structural ones, spec.n_structural, are not estimated)
 */
static double
FitObjective(const double *theta, double *gradient, void *context)
{
	const ClvFitProblem *problem = (const ClvFitProblem *) context;
	int			fixed = problem->ops->spec.n_structural;
	int			n_free = problem->ops->spec.n_params - fixed;
	float8		params[CLV_MAX_PARAMS];
	float8		ll_gradient[CLV_MAX_PARAMS];
	float8	   *free_params = params + fixed;
	float8		ll;
	double		value;

	CHECK_FOR_INTERRUPTS();
	/* the structural parameters are held at their start */
	for (int i = 0; i < fixed; i++)
		params[i] = problem->start[i];
	for (int i = 0; i < n_free; i++)
	{
		if (!(fabs(theta[i]) <= LOG_PARAM_LIMIT))
			return INFINITY;
		free_params[i] = exp(theta[i]);
	}
	ll = problem->ops->loglik(params, problem->data, gradient ? ll_gradient : NULL);
	if (!isfinite(ll))
		return INFINITY;
	value = -ll / (double) problem->n;
	for (int i = 0; i < n_free; i++)
		value += problem->penalizer * free_params[i] * free_params[i];
	if (gradient)
		for (int i = 0; i < n_free; i++)
			gradient[i] = free_params[i] * (-ll_gradient[fixed + i] / (double) problem->n +
											2 * problem->penalizer * free_params[i]);
	return value;
}

/*
 * Standard errors of the n_params estimated natural parameters (from the
 * Hessian at theta) into se; false if singular
 */
static bool
StandardErrors(const ClvFitProblem *problem, int n_params, const double *theta,
			   float8 *se)
{
	double		hessian[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];
	double		inverse[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];

	if (!NumericHessian(FitObjective, (void *) problem, n_params, theta, hessian) ||
		!InvertSymmetricPositive(n_params, hessian, inverse))
		return false;
	for (int i = 0; i < n_params; i++)
	{
		/* the objective is per customer: Var(theta) = H^-1 / n; delta method */
		double		var_theta = inverse[i * n_params + i] / (double) problem->n;

		if (!(var_theta >= 0) || !isfinite(var_theta))
			return false;
		se[i] = exp(theta[i]) * sqrt(var_theta);
	}
	return true;
}

/* The end of a hint suggesting a penalized fit, for the models whose fits take one */
static const char *
PenalizerHint(const ClvModelOps *ops)
{
	return ops->penalized ? ", or fit with a penalizer" : "";
}

/*
 * With many distinct tuples, fit the problem's sample first (every
 * evaluation is then cheap) and start the full fit there, with the inverse
 * Hessian of the sample's objective at its optimum as BFGS's first
 * approximation: the objective is a mean per customer, so the sample's
 * curvature is the full data's up to sampling noise, and the full fit needs
 * a few steps instead of twenty or so.  The full fit decides the estimate;
 * the sample only saves evaluations over every tuple.  Sets theta and
 * inverse_hessian and returns the sample fit's iterations, or returns 0
 * (theta unchanged) when there is no sample or its fit did not converge.
 */
static int
CoarseStart(const ClvFitProblem *problem, int n_params, double *theta,
			double *inverse_hessian)
{
	ClvFitProblem coarse;
	NumericsOptions options = {500, 1e-9, 1e-14, NULL};
	NumericsResult result;
	double		coarse_theta[NUMERICS_MAX_PARAMS];
	double		hessian[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];

	if (problem->coarse_data == NULL)
		return 0;
	coarse = *problem;
	coarse.data = problem->coarse_data;
	coarse.n = problem->coarse_n;
	coarse.coarse_data = NULL;
	memcpy(coarse_theta, theta, n_params * sizeof(double));
	MinimizeBfgs(FitObjective, (void *) &coarse, n_params, coarse_theta, &options, &result);
	if (!result.converged ||
		!NumericHessian(FitObjective, (void *) &coarse, n_params, coarse_theta, hessian) ||
		!InvertSymmetricPositive(n_params, hessian, inverse_hessian))
		return 0;
	memcpy(theta, coarse_theta, n_params * sizeof(double));
	return Max(result.iterations, 1);
}

/* How a fit ended, for the warnings given after the kind's own checks */
typedef struct ClvFitOutcome
{
	int			diverged;		/* a parameter that ran off to 0 or infinity,
								 * or -1 */
	bool		converged;		/* the optimizer met its stopping rule */
	int			iterations;		/* optimizer iterations */
} ClvFitOutcome;

/*
 * Fit by maximum likelihood on log-parameters (BFGS, Nelder-Mead fallback),
 * with standard errors from the Hessian; *outcome says how it ended
 * (FitWarnings reports it)
 */
static ClvModel *
ClvFit(const ClvFitProblem *problem, ClvFitOutcome *outcome)
{
	const ClvModelSpec *spec = &problem->ops->spec;
	int			fixed = spec->n_structural;
	int			n_params = spec->n_params - fixed;	/* estimated ones */
	NumericsOptions options = {500, 1e-9, 1e-14, NULL};

	/*
	 * Nelder-Mead settles an identified problem within a few hundred moves;
	 * far beyond that it is crawling along a ridge to a boundary (a model
	 * the data do not identify), one evaluation over every distinct tuple per
	 * move, so the cap bounds the time a failing fit takes
	 */
	NumericsOptions fallback = {FALLBACK_MOVES_PER_PARAM * n_params, 0, 1e-13, NULL};
	NumericsResult result;
	NumericsResult fallback_result;
	double		theta[NUMERICS_MAX_PARAMS];
	ClvModel   *model = ClvModelAlloc(spec->kind);
	double		inverse_hessian[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];
	int			iterations;
	int			diverged = -1;

	for (int i = 0; i < n_params; i++)
		theta[i] = log(problem->start[fixed + i]);
	iterations = CoarseStart(problem, n_params, theta, inverse_hessian);
	if (iterations > 0)
		options.inverse_hessian = inverse_hessian;
	MinimizeBfgs(FitObjective, (void *) problem, n_params, theta, &options, &result);
	iterations += result.iterations;
	if (!result.converged)
	{
		/* robust fallback, then polish with BFGS from where it stopped */
		MinimizeNelderMead(FitObjective, (void *) problem, n_params, theta,
						   &fallback, &fallback_result);
		MinimizeBfgs(FitObjective, (void *) problem, n_params, theta, &options, &result);
		iterations += fallback_result.iterations + result.iterations;

		/*
		 * The polish may not even evaluate its start, the fallback's best
		 * point: a gradient can need more than the likelihood (Pareto/NBD's
		 * series far out); theta is still that point, so report it, not
		 * converged
		 */
		if (!isfinite(result.value) && isfinite(fallback_result.value))
		{
			result.value = fallback_result.value;
			result.converged = false;
		}
	}
	if (!isfinite(result.value))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot fit the %s model: the log-likelihood is not finite anywhere the optimizer looked",
						spec->title)));

	model->flags = CLV_FLAG_FITTED;
	model->iterations = iterations;
	model->n = problem->n;
	model->skipped = problem->skipped;
	if (problem->has_unit)
	{
		model->flags |= CLV_FLAG_HAS_UNIT;
		model->unit = problem->unit;
	}
	model->penalizer = problem->penalizer;
	for (int i = 0; i < fixed; i++)
		model->params[i] = problem->start[i];
	for (int i = 0; i < n_params; i++)
	{
		model->params[fixed + i] = exp(theta[i]);
		if (fabs(theta[i]) > LOG_PARAM_DIVERGED)
			diverged = fixed + i;
	}
	model->ll = problem->ops->loglik(model->params, problem->data, NULL);
	if (StandardErrors(problem, n_params, theta, model->se + fixed))
		model->flags |= CLV_FLAG_HAS_SE;
	else
		for (int i = 0; i < CLV_MAX_PARAMS; i++)
			model->se[i] = get_float8_nan();

	/*
	 * A stop where the Hessian is not positive definite is no maximum: on a
	 * ridge that rises (or stays flat) towards a boundary the optimizer meets
	 * its tolerance long before a parameter passes LOG_PARAM_DIVERGED (the
	 * BG/NBD's a -> 0, b -> infinity at a = 6e-6, b = 2e4 on data where
	 * nobody drops out), so this too is a fit the data do not identify
	 */
	if (result.converged && diverged < 0 && (model->flags & CLV_FLAG_HAS_SE))
		model->flags |= CLV_FLAG_CONVERGED;

	outcome->diverged = diverged;
	outcome->converged = result.converged;
	outcome->iterations = iterations;
	return model;
}

/*
 * Warn when a fit did not converge (a parameter running off, the optimizer
 * stopping early, a stop where the Hessian is not positive definite) or
 * converged to a poorly identified estimate
 */
static void
FitWarnings(const ClvFitProblem *problem, const ClvModel *model, const ClvFitOutcome *outcome)
{
	const ClvModelSpec *spec = &problem->ops->spec;
	int			n_params = spec->n_params;

	if (outcome->diverged >= 0)
		ereport(WARNING,
				(errmsg("%s fit did not converge: parameter %s diverges to %g",
						spec->title, spec->param_names[outcome->diverged], model->params[outcome->diverged]),
				 errdetail("The data do not identify the model; the returned model is marked converged=false."),
				 errhint("Check the input (enough customers with repeat purchases, consistent time unit)%s.", PenalizerHint(problem->ops))));
	else if (!outcome->converged)
		ereport(WARNING,
				(errmsg("%s fit did not converge", spec->title),
				 errdetail("The optimizer stopped after %d iterations; the returned model is marked converged=false.",
						   outcome->iterations),
				 errhint("Check the input%s.", PenalizerHint(problem->ops))));
	else if (!(model->flags & CLV_FLAG_HAS_SE))
		ereport(WARNING,
				(errmsg("%s fit did not converge: the data do not identify the model", spec->title),
				 errdetail("The Hessian of the log-likelihood is not positive definite where the optimizer stopped, so it is not a maximum: the likelihood rises or stays flat towards a boundary of the parameters; the returned model is marked converged=false."),
				 errhint("Check the input (enough customers with repeat purchases, dropout visible in the data)%s.", PenalizerHint(problem->ops))));
	else
	{
		for (int i = 0; i < n_params; i++)
			if (model->se[i] > model->params[i])
			{
				ereport(WARNING,
						(errmsg("%s fit: parameter %s is poorly identified", spec->title,
								spec->param_names[i]),
						 errdetail("Its standard error %g exceeds the estimate %g: the likelihood is nearly flat in that direction.",
								   model->se[i], model->params[i]),
						 errhint("Do not read meaning into this parameter; check the data (enough history, churn visible in it)%s.", PenalizerHint(problem->ops))));
				break;
			}
	}
}

/* The weighted mean of column col of tuples (weights their counts) */
float8
ClvColumnMean(const WeightedTuple *tuples, int32 n_tuples, int col)
{
	float8		total = 0;
	int64		n = 0;

	for (int32 j = 0; j < n_tuples; j++)
	{
		total += tuples[j].v[col] * (float8) tuples[j].count;
		n += tuples[j].count;
	}
	return total / (float8) n;
}

/* Whether some tuple has a purchase: x (column 0) > 0 */
bool
ClvAnyPurchase(const WeightedTuple *tuples, int32 n_tuples)
{
	for (int32 j = 0; j < n_tuples; j++)
		if (tuples[j].v[0] > 0)
			return true;
	return false;
}

/* check_data of the purchase models: 22000 unless some customer has x > 0 */
void
ClvCheckAnyRepeat(const ClvModelSpec *spec, const WeightedTuple *tuples, int32 n_tuples,
				  int64 n)
{
	if (ClvAnyPurchase(tuples, n_tuples))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("cannot fit the %s model: no customer has a repeat purchase", spec->title),
			 errdetail("All " INT64_FORMAT " customers have x = 0, which does not identify the purchase rate.",
					   n)));
}

/*
 * Leave out the tuples the kind skips (kept in order, *n_tuples updated),
 * with one NOTICE giving the count of their customers; returns that count
 */
static int64
SkipCustomers(const ClvModelOps *ops, const TupleState *state, WeightedTuple *tuples,
			  int32 *n_tuples)
{
	int64		skipped = 0;
	int32		kept = 0;

	if (ops->skip.skips == NULL)
		return 0;
	for (int32 j = 0; j < *n_tuples; j++)
	{
		if (ops->skip.skips(&tuples[j]))
			skipped += tuples[j].count;
		else
			tuples[kept++] = tuples[j];
	}
	*n_tuples = kept;
	if (skipped > 0)
		ereport(NOTICE,
				(errmsg("%s fit: skipped " INT64_FORMAT " of " INT64_FORMAT " %s",
						ops->spec.title, skipped, state->n_rows, ops->skip.customers),
				 errdetail("%s", ops->skip.detail),
				 errhint("%s", ops->skip.hint)));
	return skipped;
}

/* The penalizer of a fit's final function: its second argument or the state's */
static float8
FinalPenalizer(FunctionCallInfo fcinfo, const TupleState *state)
{
	return PG_NARGS() > 1 ? TuplePenalizerArg(fcinfo, 1) : state->penalizer;
}

/*
 * Fit tuples, the sorted distinct tuples of state (which gives their unit,
 * size and constant part), with the penalizer, for each value first .. last
 * of the structural parameter (a kind without one: once); NULL without
 * (usable) tuples.  With several values, the model of highest
 * log-likelihood (the kind's ll_constant included) is returned, marked
 * CLV_FLAG_CHOSEN; the values are tried in order and the search stops once
 * the log-likelihood has fallen twice in a row (the grid search of
 * BTYDplus).  Warnings are given for the returned model only.
 */
static ClvModel *
FitTuples(const ClvModelOps *ops, const TupleState *state, WeightedTuple *tuples,
		  int32 n_tuples, float8 penalizer, int first, int last)
{
	ClvFitProblem problem;
	ClvModel   *best = NULL;
	ClvFitOutcome best_outcome = {-1, false, 0};
	int			falls = 0;
	float8		previous_ll = 0;

	memset(&problem, 0, sizeof(problem));
	problem.ops = ops;
	problem.skipped = SkipCustomers(ops, state, tuples, &n_tuples);
	if (n_tuples == 0)
		return NULL;
	problem.n = state->n_rows - problem.skipped;
	if (ops->check_data != NULL)
		ops->check_data(&ops->spec, tuples, n_tuples, problem.n);
	problem.penalizer = penalizer;
	if (ops->timed)
	{
		problem.has_unit = state->has_unit != 0;
		problem.unit = state->unit;
	}
	problem.data = ops->prepare(tuples, n_tuples);
	if (ops->sampled)
	{
		int32		n_sample;
		WeightedTuple *sample = FitSample(tuples, n_tuples, &n_sample, &problem.coarse_n);

		if (sample != NULL)
			problem.coarse_data = ops->prepare(sample, n_sample);
	}
	for (int value = first; value <= last; value++)
	{
		ClvModel   *model;
		ClvFitOutcome outcome;

		/* the kind's start, with the structural parameter (if any) at value */
		ops->start(tuples, n_tuples, problem.start);
		if (ops->spec.n_structural > 0)
			problem.start[0] = value;
		model = ClvFit(&problem, &outcome);
		if (ops->ll_constant != NULL)
			model->ll += ops->ll_constant(model->params, state, tuples, n_tuples);
		if (best == NULL || model->ll > best->ll)
		{
			best = model;
			best_outcome = outcome;
		}
		falls = value > first && model->ll < previous_ll ? falls + 1 : 0;
		previous_ll = model->ll;
		if (falls == 2)
			break;
	}
	if (last > first)
		best->flags |= CLV_FLAG_CHOSEN;
	/* a kind's own diagnosis of a fit that ran off says more than ours */
	if (ops->check_identified == NULL || !ops->check_identified(best, tuples, n_tuples))
		FitWarnings(&problem, best, &best_outcome);
	return best;
}

/* What the covariate fit needs to fit the kind without covariates */
typedef struct BaseFitContext
{
	const ClvModelOps *ops;		/* the kind */
	const TupleState *state;	/* the state with covariates */
} BaseFitContext;

/* The kind's own fit on the (x, t_x, T) tuples of a state with covariates */
static ClvModel *
BaseFit(void *context, WeightedTuple *tuples, int32 n_tuples)
{
	BaseFitContext *c = (BaseFitContext *) context;

	return FitTuples(c->ops, c->state, tuples, n_tuples, 0, 1, 1);
}

/*
 * Fit the state (argument 0, of the kind's shape, as TupleStateArg gave
 * it: a stored state is detoasted once) with the penalizer, for each value
 * first .. last of the structural parameter (FitTuples); NULL for a state
 * without (usable) rows.  A state with covariates is fitted with them
 * (clv_covfit.c).
 */
static Datum
FitState(FunctionCallInfo fcinfo, const ClvModelOps *ops, TupleState *state, float8 penalizer,
		 int first, int last)
{
	WeightedTuple *tuples;
	int32		n_tuples;
	ClvModel   *model;

	if (state->n_rows == 0)
		PG_RETURN_NULL();
	if (TupleStateCovariates(state) != NULL)
	{
		BaseFitContext context = {ops, state};
		int32		n_records;
		float8	   *records = TupleStateRecords(state, &n_records);

		if (ops->customer_gradient == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the %s model takes no covariates", ops->spec.title),
					 errhint("Fit it on a state without covariates; the Pareto/NBD, BG/NBD and GGom/NBD take covariates.")));
		if (penalizer != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a fit with covariates takes no penalizer"),
					 errhint("Penalize the coefficients with the lambda_life and lambda_trans of crm.covariates.")));
		model = ClvCovariateFit(ops, TupleStateCovariates(state), records, n_records,
								TupleStateWidth(state), state->n_rows, state->has_unit != 0,
								&state->unit, BaseFit, &context);
		PG_RETURN_POINTER(model);
	}
	tuples = TupleStateTuples(state, &n_tuples);
	model = FitTuples(ops, state, tuples, n_tuples, penalizer, first, last);
	if (model == NULL)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(model);
}

/*
 * The final function of a kind's fit aggregates: the state (argument 0, of
 * the kind's shape) fitted by maximum likelihood, with the penalizer of
 * argument 1 or the state; NULL for a state without (usable) rows.  Each
 * kind's NAME_fit_final calls this with its table.
 */
Datum
ClvFitFinal(FunctionCallInfo fcinfo, const ClvModelOps *ops)
{
	TupleState *state = TupleStateArg(fcinfo, 0, ops->spec.shape);

	Assert(ops->spec.n_structural == 0);
	return FitState(fcinfo, ops, state, ops->penalized ? FinalPenalizer(fcinfo, state) : 0, 1, 1);
}

/*
 * The fit of a kind with a structural parameter: the state (argument 0)
 * fitted for each value first .. last of it (1 <= first <= last <=
 * spec.structural_max, checked by the caller), the best returned (see
 * FitState), with the given penalizer
 */
Datum
ClvFitFinalStructural(FunctionCallInfo fcinfo, const ClvModelOps *ops, float8 penalizer,
					  int first, int last)
{
	Assert(ops->spec.n_structural == 1 && first >= 1 && first <= last &&
		   last <= ops->spec.structural_max);
	return FitState(fcinfo, ops, TupleStateArg(fcinfo, 0, ops->spec.shape), penalizer, first, last);
}

/* The penalizer of a fit's final function: argument argno if given, else the state's */
float8
ClvFitPenalizer(FunctionCallInfo fcinfo, int argno)
{
	if (PG_NARGS() > argno)
		return TuplePenalizerArg(fcinfo, argno);
	return TupleStateOfDatum(PG_GETARG_DATUM(0))->penalizer;
}

/*
 * The covariance of the estimated log-parameters of model at its parameters
 * over the customers of state: the inverse Hessian of the fit objective
 * (FitObjective, the model's penalizer included), divided by the customers
 * (see clv_ops.h)
 */
bool
ClvLogCovariance(const ClvModelOps *ops, const ClvModel *model, const TupleState *state,
				 float8 *cov, int *n_free)
{
	ClvFitProblem problem;
	WeightedTuple *tuples;
	int32		n_tuples;
	int32		kept = 0;
	int			fixed = ops->spec.n_structural;
	int			n = ops->spec.n_params - fixed;
	double		theta[NUMERICS_MAX_PARAMS];
	double		hessian[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];
	double		inverse[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];

	*n_free = n;
	memset(&problem, 0, sizeof(problem));
	problem.ops = ops;
	tuples = TupleStateTuples(state, &n_tuples);
	/* the customers the fit leaves out, left out silently */
	for (int32 j = 0; j < n_tuples; j++)
	{
		if (ops->skip.skips != NULL && ops->skip.skips(&tuples[j]))
			problem.skipped += tuples[j].count;
		else
			tuples[kept++] = tuples[j];
	}
	problem.n = state->n_rows - problem.skipped;
	if (kept == 0 || problem.n <= 0)
		return false;
	problem.penalizer = model->penalizer;
	problem.data = ops->prepare(tuples, kept);
	for (int i = 0; i < ops->spec.n_params; i++)
		problem.start[i] = model->params[i];
	for (int i = 0; i < n; i++)
		theta[i] = log(model->params[fixed + i]);
	if (!NumericHessian(FitObjective, (void *) &problem, n, theta, hessian) ||
		!InvertSymmetricPositive(n, hessian, inverse))
		return false;
	for (int i = 0; i < n * n; i++)
	{
		cov[i] = inverse[i] / (double) problem.n;
		if (!isfinite(cov[i]))
			return false;
	}
	return true;
}
