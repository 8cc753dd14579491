/*
 * clv_covfit.c
 *		The maximum-likelihood fit of a purchase model with customer
 *		covariates (Pareto/NBD, BG/NBD, GGom/NBD): the final function of the
 *		fits on a state whose tuples are (x, t_x, T, z_life..., z_trans...)
 *		with counts (tuple_state.h), called by ClvFitFinal.
 *
 * The parameters are the kind's on the log scale and one coefficient per
 * covariate (a constrained covariate's pair shares one), on the identity
 * scale.  A customer's own parameters are the kind's times exp(-gamma . z)
 * or exp(gamma . z) (the kind's covariate_effect), and the kind's
 * customer_gradient gives the customer's log-likelihood and its gradient in
 * them; the chain rule turns that into the gradient in the fit's
 * parameters.  So every kind with a customer_gradient has covariates, with
 * one fit.
 *
 * Internally each covariate is centred on its weighted mean and scaled by
 * its standard deviation over the customers: the fit is then equally well
 * conditioned whatever the covariates' units (an income in dollars, a 0/1
 * flag) and offsets, and the coefficients and the
 * kind's parameters are transformed back exactly, with their covariance by
 * the delta method (the Jacobian of the transformation), so the estimates
 * and standard errors are in the user's units, as CLVTools reports them.
 * The L2 penalty is CLVTools': lambda x the sum of the squared coefficients
 * of each process (a constrained coefficient counts in both) added to the
 * mean negative log-likelihood per customer.
 *
 * A covariate constant over the fit's customers (a column of zeros
 * included) does not identify its coefficient (it is confounded with the
 * kind's parameter): the coefficient is held at 0, marked held in the
 * model, without a standard error, with a WARNING.  When no coefficient is
 * left to estimate the fit is the kind's own fit on the (x, t_x, T) tuples,
 * exactly.  A coefficient that runs off (the data separate customers by a
 * covariate: no finite maximum) is detected after the fit, and the model is
 * marked not converged with a WARNING naming it.
 */
#include "crm.h"
#include "clv_covariates.h"
#include "numerics.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"

/* Bound on |log(parameter)| of the kind's parameters the optimizer may explore */
#define LOG_PARAM_LIMIT 30.0
/* Beyond this |log(parameter)| a parameter is taken to diverge */
#define LOG_PARAM_DIVERGED 20.0
/* Bound on a coefficient of the scaled covariates (in [-1, 1]) the optimizer may explore */
#define COEF_LIMIT 30.0
/* Beyond this, a coefficient of the scaled covariates is taken to run off */
#define COEF_DIVERGED 20.0
/* How far the runaway check pushes a coefficient of the scaled covariates */
#define COEF_PUSH 10.0
/* Log-likelihood units the objective must worsen by when a coefficient is pushed */
#define COEF_PUSH_DROP 0.5
/* Distinct tuples above which a fit starts from the fit of a sample */
#define FIT_SAMPLE_MIN_TUPLES 131072
/* Sample points of that sample */
#define FIT_SAMPLE_POINTS 32768
/* Most coefficients a fit estimates */
#define MAX_COEFS (2 * COVARIATE_MAX_PER_PROCESS)
/* Most covariate columns */
#define MAX_COLUMNS (2 * COVARIATE_MAX_PER_PROCESS)

/* The customers of a fit, in the fit's form */
typedef struct CovData
{
	int32		n_tuples;		/* distinct tuples */
	float8	   *customer;		/* (x, t_x, T) per tuple */
	float8	   *z;				/* the scaled covariates, n_columns per tuple */
	float8	   *weight;			/* customers per tuple */
	float8		n;				/* customers (sum of weights) */
	void	   *scratch;		/* the kind's customer_scratch */
} CovData;

/* A fit with covariates: the kind, the covariates and how they are estimated */
typedef struct CovProblem
{
	const ClvModelOps *ops;		/* the model kind */
	int			n_base;			/* the kind's parameters */
	int			n_columns;		/* covariate columns: lifetime, then
								 * transaction */
	int			n_life;			/* lifetime columns */
	int			n_coef;			/* coefficients estimated */
	int			coef_of[MAX_COLUMNS];	/* column k's coefficient, or -1 when
										 * held */
	int			process_of[MAX_COLUMNS];	/* column k's process */
	float8		center[MAX_COLUMNS];	/* column k's centre (weighted mean) */
	float8		scale[MAX_COEFS];	/* coefficient m's scale (the largest
									 * standard deviation of its columns) */
	float8		lambda[2];		/* the L2 penalty of each process */
	CovData    *data;			/* the customers the objective sums over */
} CovProblem;

/* The count of record j of width values (stored after its values) */
static inline int64
RecordCount(const float8 *records, int width, int32 j)
{
	int64		count;

	memcpy(&count, records + (Size) j * (width + 1) + width, sizeof(int64));
	return count;
}

/* dir of a parameter's covariate effect: -1 exp(-gamma . z), +1 exp(gamma . z), 0 none */
static inline int
EffectDirection(ClvCovariateEffect effect)
{
	return effect == CLV_COVARIATE_LIFE_UP ? 1 :
		effect == CLV_COVARIATE_NONE ? 0 : -1;
}

/* The process whose covariates act on a parameter with this effect */
static inline int
EffectProcess(ClvCovariateEffect effect)
{
	return effect == CLV_COVARIATE_TRANS_DOWN ? COVARIATE_TRANS : COVARIATE_LIFE;
}

/*
 * The objective: mean negative log-likelihood per customer plus the L2
 * penalty on the coefficients, as a function of theta = (log of the kind's
 * parameters at the covariates' centres, coefficients of the scaled
 * covariates); +inf outside the bounds or where a customer's likelihood
 * cannot be computed (the optimizer steps back).  *ll_out, if not NULL,
 * gets the log-likelihood.
 */
static double
CovObjectiveLL(const double *theta, double *gradient, const CovProblem *problem,
			   double *ll_out)
{
	const ClvModelOps *ops = problem->ops;
	const CovData *data = problem->data;
	int			n_base = problem->n_base;
	const double *coef = theta + n_base;
	double		ll = 0;
	double		g_base[CLV_MAX_PARAMS] = {0};
	double		g_coef[MAX_COEFS] = {0};
	double		value;

	CHECK_FOR_INTERRUPTS();
	for (int j = 0; j < n_base; j++)
		if (!(fabs(theta[j]) <= LOG_PARAM_LIMIT))
			return INFINITY;
	for (int m = 0; m < problem->n_coef; m++)
		if (!(fabs(coef[m]) <= COEF_LIMIT))
			return INFINITY;
	for (int32 t = 0; t < data->n_tuples; t++)
	{
		const float8 *z = data->z + (Size) t * problem->n_columns;
		float8		w = data->weight[t];
		float8		eta[2] = {0, 0};
		float8		params[CLV_MAX_PARAMS];
		float8		g[CLV_MAX_PARAMS];
		float8		lli;

		if ((t & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < problem->n_columns; k++)
			if (problem->coef_of[k] >= 0)
				eta[problem->process_of[k]] += coef[problem->coef_of[k]] * z[k];
		for (int j = 0; j < n_base; j++)
		{
			ClvCovariateEffect effect = ops->covariate_effect[j];
			float8		log_p = theta[j];

			if (effect != CLV_COVARIATE_NONE)
				log_p += EffectDirection(effect) * eta[EffectProcess(effect)];
			if (!(fabs(log_p) <= CLV_CUSTOMER_LOG_PARAM_LIMIT))
				return INFINITY;
			params[j] = exp(log_p);
		}
		lli = ops->customer_gradient(params, data->customer + 3 * (Size) t, data->scratch, g);
		if (!isfinite(lli))
			return INFINITY;
		ll += w * lli;
		if (gradient != NULL)
		{
			float8		g_eta[2] = {0, 0};	/* d lli / d eta of each process */

			for (int j = 0; j < n_base; j++)
			{
				float8		d = g[j] * params[j];	/* d lli / d log p_j */
				ClvCovariateEffect effect = ops->covariate_effect[j];

				g_base[j] += w * d;
				if (effect != CLV_COVARIATE_NONE)
					g_eta[EffectProcess(effect)] += EffectDirection(effect) * d;
			}
			for (int k = 0; k < problem->n_columns; k++)
				if (problem->coef_of[k] >= 0)
					g_coef[problem->coef_of[k]] += w * g_eta[problem->process_of[k]] * z[k];
		}
	}
	if (!isfinite(ll))
		return INFINITY;
	value = -ll / data->n;
	for (int k = 0; k < problem->n_columns; k++)
	{
		int			m = problem->coef_of[k];
		float8		lambda = problem->lambda[problem->process_of[k]];
		float8		gamma;

		if (m < 0 || lambda == 0)
			continue;
		gamma = coef[m] / problem->scale[m];
		value += lambda * gamma * gamma;
		if (gradient != NULL)
			g_coef[m] -= data->n * 2 * lambda * gamma / problem->scale[m];
	}
	if (gradient != NULL)
	{
		for (int j = 0; j < n_base; j++)
			gradient[j] = -g_base[j] / data->n;
		for (int m = 0; m < problem->n_coef; m++)
			gradient[n_base + m] = -g_coef[m] / data->n;
	}
	if (ll_out != NULL)
		*ll_out = ll;
	return value;
}

/* The objective for the minimizers (context: the CovProblem) */
static double
CovObjective(const double *theta, double *gradient, void *context)
{
	return CovObjectiveLL(theta, gradient, (const CovProblem *) context, NULL);
}

/*
 * The customers of records (sorted, width values then the count each) in
 * the fit's form, their covariates scaled by problem; with sample, a
 * systematic sample of FIT_SAMPLE_POINTS customers instead (as the kinds'
 * fits sample: point k at cumulative weight (k + 1/2) total / points), or
 * NULL when there are at most FIT_SAMPLE_MIN_TUPLES tuples
 */
static CovData *
MakeData(const CovProblem *problem, const float8 *records, int32 n_records, int width,
		 bool sample)
{
	CovData    *data;
	int32		capacity = sample ? FIT_SAMPLE_POINTS : n_records;
	float8		total = 0;
	float8		step = 0;
	float8		cumulative = 0;
	int64		taken = 0;

	if (sample && n_records <= FIT_SAMPLE_MIN_TUPLES)
		return NULL;
	data = (CovData *) palloc0(sizeof(CovData));
	data->customer = (float8 *) palloc(sizeof(float8) * 3 * (Size) Max(capacity, 1));
	data->z = (float8 *) palloc(sizeof(float8) * (Size) Max(problem->n_columns, 1) * Max(capacity, 1));
	data->weight = (float8 *) palloc(sizeof(float8) * Max(capacity, 1));
	if (sample)
	{
		for (int32 j = 0; j < n_records; j++)
			total += (float8) RecordCount(records, width, j);
		step = total / FIT_SAMPLE_POINTS;
	}
	for (int32 j = 0; j < n_records && data->n_tuples < capacity; j++)
	{
		const float8 *record = records + (Size) j * (width + 1);
		int32		t = data->n_tuples;
		float8		weight = (float8) RecordCount(records, width, j);

		if (sample)
		{
			int64		upto;

			cumulative += weight;
			upto = Min((int64) floor(cumulative / step + 0.5), (int64) FIT_SAMPLE_POINTS);
			if (upto <= taken)
				continue;
			weight = (float8) (upto - taken);
			taken = upto;
		}
		memcpy(data->customer + 3 * (Size) t, record, sizeof(float8) * 3);
		for (int k = 0; k < problem->n_columns; k++)
		{
			int			m = problem->coef_of[k];

			data->z[(Size) t * problem->n_columns + k] =
				m < 0 ? 0 : (record[3 + k] - problem->center[k]) / problem->scale[m];
		}
		data->weight[t] = weight;
		data->n += weight;
		data->n_tuples++;
	}
	data->scratch = problem->ops->customer_scratch ? problem->ops->customer_scratch() : NULL;
	return data;
}

/*
 * Set up the estimation of the spec's coefficients over records: each
 * column's centre and process, which coefficient it belongs to (a
 * constrained pair shares one; a coefficient all of whose columns are
 * constant is held, -1) and each coefficient's scale; *held gets, per
 * column, whether its coefficient is held
 */
static void
SetUpProblem(CovProblem *problem, const ClvModelOps *ops, const CovariateNames *names,
			 const float8 *records, int32 n_records, int width, bool *held)
{
	float8		low[MAX_COLUMNS];
	float8		high[MAX_COLUMNS];
	float8		sum[MAX_COLUMNS] = {0};
	float8		total = 0;
	float8		spread[MAX_COLUMNS] = {0};
	float8		squares[MAX_COLUMNS] = {0};
	int			n_life = names->n[COVARIATE_LIFE];

	memset(problem, 0, sizeof(*problem));
	problem->ops = ops;
	problem->n_base = ops->spec.n_params;
	problem->n_life = n_life;
	problem->n_columns = n_life + names->n[COVARIATE_TRANS];
	problem->lambda[COVARIATE_LIFE] = names->lambda[COVARIATE_LIFE];
	problem->lambda[COVARIATE_TRANS] = names->lambda[COVARIATE_TRANS];
	for (int k = 0; k < problem->n_columns; k++)
	{
		low[k] = INFINITY;
		high[k] = -INFINITY;
		problem->process_of[k] = k < n_life ? COVARIATE_LIFE : COVARIATE_TRANS;
	}
	for (int32 j = 0; j < n_records; j++)
	{
		const float8 *record = records + (Size) j * (width + 1);
		float8		w = (float8) RecordCount(records, width, j);

		total += w;
		for (int k = 0; k < problem->n_columns; k++)
		{
			float8		v = record[3 + k];

			low[k] = Min(low[k], v);
			high[k] = Max(high[k], v);
			sum[k] += w * v;
		}
	}
	for (int k = 0; k < problem->n_columns; k++)
	{
		problem->center[k] = sum[k] / total;
		/* the mean of values all equal is that value, exactly */
		if (low[k] == high[k])
			problem->center[k] = low[k];
		problem->center[k] = Max(low[k], Min(high[k], problem->center[k]));
	}
	/* the standard deviations, about the centres (a second pass: exact for constants) */
	for (int32 j = 0; j < n_records; j++)
	{
		const float8 *record = records + (Size) j * (width + 1);
		float8		w = (float8) RecordCount(records, width, j);

		for (int k = 0; k < problem->n_columns; k++)
			squares[k] += w * (record[3 + k] - problem->center[k]) * (record[3 + k] - problem->center[k]);
	}
	for (int k = 0; k < problem->n_columns; k++)
		spread[k] = low[k] == high[k] ? 0 : sqrt(squares[k] / total);
	/* one coefficient per lifetime column, per unconstrained transaction column */
	for (int k = 0; k < problem->n_columns; k++)
	{
		int			partner;

		problem->coef_of[k] = -1;
		if (k < n_life || (partner = names->partner[COVARIATE_TRANS][k - n_life]) < 0)
		{
			/* a coefficient of its own, or the first of a constrained pair */
			float8		s = spread[k];

			if (k < n_life && names->partner[COVARIATE_LIFE][k] >= 0)
				s = Max(s, spread[n_life + names->partner[COVARIATE_LIFE][k]]);
			held[k] = !(s > 0);
			if (held[k])
				continue;
			problem->scale[problem->n_coef] = s;
			problem->coef_of[k] = problem->n_coef++;
		}
		else
		{
			held[k] = held[partner];
			problem->coef_of[k] = problem->coef_of[partner];
		}
	}
}

/*
 * The kind's parameters in the user's units (at covariates 0) from theta
 * (at the covariates' centres): log p = theta - dir sum gamma_k c_k
 */
static void
UserParams(const CovProblem *problem, const double *theta, float8 *params)
{
	for (int j = 0; j < problem->n_base; j++)
	{
		ClvCovariateEffect effect = problem->ops->covariate_effect[j];
		float8		log_p = theta[j];

		if (effect != CLV_COVARIATE_NONE)
			for (int k = 0; k < problem->n_columns; k++)
			{
				int			m = problem->coef_of[k];

				if (m >= 0 && problem->process_of[k] == EffectProcess(effect))
					log_p -= EffectDirection(effect) * theta[problem->n_base + m] /
						problem->scale[m] * problem->center[k];
			}
		params[j] = exp(log_p);
	}
}

/*
 * Relative step of the per-customer forward differences of the gradient:
 * near the square root of the gradient's relative accuracy (1e-13), so
 * that truncation (~step) and rounding (~1e-13 / step) errors stay at or
 * below 1e-6 relative
 */
#define CUSTOMER_HESSIAN_STEP 1e-6

/*
 * The Hessian of the objective at theta (n_free x n_free, row-major),
 * assembled per customer: a customer's log-parameters are linear in theta
 * (log p_j = theta_j + dir_j sum gamma z), so the Hessian of their
 * log-likelihood in theta is J' H J, with J that linear map and H the
 * Hessian in the customer's own log-parameters, by forward differences of
 * the kind's analytic customer_gradient.  That costs one gradient per
 * customer and parameter of the kind, and one at the customer's point,
 * whatever the number of coefficients (a Hessian by differences of the
 * whole objective costs two evaluations over every customer per parameter
 * and coefficient; central differences per customer cost 2 per parameter:
 * 60 % more time in this function for standard errors that differ from
 * these by 1e-5 relative at most on apparel and 1M simulated customers).
 * False when a customer's gradient cannot be computed at the steps.
 */
static bool
CovHessian(const CovProblem *problem, const double *theta, double *hessian)
{
	const ClvModelOps *ops = problem->ops;
	const CovData *data = problem->data;
	int			n_base = problem->n_base;
	int			n_free = n_base + problem->n_coef;
	const double *coef = theta + n_base;

	memset(hessian, 0, sizeof(double) * n_free * n_free);
	for (int32 t = 0; t < data->n_tuples; t++)
	{
		const float8 *z = data->z + (Size) t * problem->n_columns;
		const float8 *customer = data->customer + 3 * (Size) t;
		float8		w = data->weight[t];
		float8		eta[2] = {0, 0};
		float8		log_p[CLV_MAX_PARAMS];
		float8		h[CLV_MAX_PARAMS][CLV_MAX_PARAMS];	/* in log-parameters */
		float8		center[CLV_MAX_PARAMS];
		float8		g_center[CLV_MAX_PARAMS];	/* in log-parameters */
		double		jacobian[CLV_MAX_PARAMS][NUMERICS_MAX_PARAMS];

		if ((t & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < problem->n_columns; k++)
			if (problem->coef_of[k] >= 0)
				eta[problem->process_of[k]] += coef[problem->coef_of[k]] * z[k];
		for (int j = 0; j < n_base; j++)
		{
			ClvCovariateEffect effect = ops->covariate_effect[j];

			log_p[j] = theta[j];
			if (effect != CLV_COVARIATE_NONE)
				log_p[j] += EffectDirection(effect) * eta[EffectProcess(effect)];
			/* the row of J for log p_j: 1 at theta_j, dir z_k at the coefficients */
			memset(jacobian[j], 0, sizeof(double) * n_free);
			jacobian[j][j] = 1;
			if (effect != CLV_COVARIATE_NONE)
				for (int k = 0; k < problem->n_columns; k++)
					if (problem->coef_of[k] >= 0 && problem->process_of[k] == EffectProcess(effect))
						jacobian[j][n_base + problem->coef_of[k]] += EffectDirection(effect) * z[k];
		}
		/* H by forward differences of the gradient in log-parameters */
		for (int k = 0; k < n_base; k++)
			center[k] = exp(log_p[k]);
		if (!isfinite(ops->customer_gradient(center, customer, data->scratch, g_center)))
			return false;
		for (int k = 0; k < n_base; k++)
			g_center[k] *= center[k];
		for (int j = 0; j < n_base; j++)
		{
			float8		step = CUSTOMER_HESSIAN_STEP * fmax(fabs(log_p[j]), 1.0);
			float8		params[CLV_MAX_PARAMS];
			float8		g_up[CLV_MAX_PARAMS];
			float8		up = log_p[j] + step;

			memcpy(params, center, sizeof(float8) * n_base);
			params[j] = exp(up);
			if (!isfinite(ops->customer_gradient(params, customer, data->scratch, g_up)))
				return false;
			for (int k = 0; k < n_base; k++)
				h[j][k] = (g_up[k] * params[k] - g_center[k]) / (up - log_p[j]);
		}
		/* the objective is -ll / n: accumulate -w J' H J (H symmetrized) */
		for (int a = 0; a < n_free; a++)
			for (int b = 0; b <= a; b++)
			{
				double		sum = 0;

				for (int j = 0; j < n_base; j++)
				{
					if (jacobian[j][a] == 0)
						continue;
					for (int k = 0; k < n_base; k++)
						sum += jacobian[j][a] * 0.5 * (h[j][k] + h[k][j]) * jacobian[k][b];
				}
				hessian[a * n_free + b] -= w * sum;
			}
	}
	for (int a = 0; a < n_free; a++)
		for (int b = 0; b <= a; b++)
		{
			hessian[a * n_free + b] /= data->n;
			hessian[b * n_free + a] = hessian[a * n_free + b];
		}
	/* the penalty's: 2 lambda / scale^2 on the diagonal, per column of a coefficient */
	for (int k = 0; k < problem->n_columns; k++)
	{
		int			m = problem->coef_of[k];

		if (m >= 0)
			hessian[(n_base + m) * n_free + n_base + m] +=
				2 * problem->lambda[problem->process_of[k]] / (problem->scale[m] * problem->scale[m]);
	}
	for (int i = 0; i < n_free * n_free; i++)
		if (!isfinite(hessian[i]))
			return false;
	return true;
}

/*
 * Standard errors of the kind's parameters (se_base) and of the
 * coefficients (se_coef, per estimated coefficient) in the user's units:
 * the inverse Hessian of the objective at theta over n customers, by the
 * delta method through the Jacobian of (params, gamma) in theta; false
 * when the Hessian is singular
 */
static bool
CovStandardErrors(CovProblem *problem, const double *theta, const float8 *params,
				  float8 *se_base, float8 *se_coef)
{
	int			n_free = problem->n_base + problem->n_coef;
	double	   *hessian = (double *) palloc(sizeof(double) * n_free * n_free);
	double	   *inverse = (double *) palloc(sizeof(double) * n_free * n_free);
	double	   *jacobian = (double *) palloc0(sizeof(double) * n_free * n_free);

	if (!CovHessian(problem, theta, hessian) ||
		!InvertSymmetricPositive(n_free, hessian, inverse))
		return false;
	/* rows: the kind's parameters, then the coefficients; columns: theta */
	for (int j = 0; j < problem->n_base; j++)
	{
		ClvCovariateEffect effect = problem->ops->covariate_effect[j];

		jacobian[j * n_free + j] = params[j];
		if (effect == CLV_COVARIATE_NONE)
			continue;
		for (int k = 0; k < problem->n_columns; k++)
		{
			int			m = problem->coef_of[k];

			if (m >= 0 && problem->process_of[k] == EffectProcess(effect))
				jacobian[j * n_free + problem->n_base + m] -=
					params[j] * EffectDirection(effect) * problem->center[k] / problem->scale[m];
		}
	}
	for (int m = 0; m < problem->n_coef; m++)
		jacobian[(problem->n_base + m) * n_free + problem->n_base + m] = 1 / problem->scale[m];
	for (int a = 0; a < n_free; a++)
	{
		double		variance = 0;

		for (int b = 0; b < n_free; b++)
			for (int c = 0; c < n_free; c++)
				variance += jacobian[a * n_free + b] * inverse[b * n_free + c] *
					jacobian[a * n_free + c];
		variance /= problem->data->n;
		if (!(variance >= 0) || !isfinite(variance))
			return false;
		if (a < problem->n_base)
			se_base[a] = sqrt(variance);
		else
			se_coef[a - problem->n_base] = sqrt(variance);
	}
	return true;
}

/*
 * BFGS from theta (overwritten), restarted once from where it stopped
 * with a fresh Hessian approximation when it did not converge; the first
 * run starts from inverse_hessian if not NULL.  Returns whether it
 * converged; *iterations gets the iterations used.
 */
static bool
Minimize(CovProblem *problem, double *theta, const double *inverse_hessian, int *iterations,
		 double *value)
{
	int			n_free = problem->n_base + problem->n_coef;
	NumericsOptions options = {500, 1e-9, 1e-14, inverse_hessian};
	NumericsResult result;

	MinimizeBfgs(CovObjective, problem, n_free, theta, &options, &result);
	*iterations = result.iterations;
	if (!result.converged && isfinite(result.value))
	{
		options.inverse_hessian = NULL;
		MinimizeBfgs(CovObjective, problem, n_free, theta, &options, &result);
		*iterations += result.iterations;
	}
	*value = result.value;
	return result.converged;
}

/*
 * With many tuples, fit a sample first and start there with the sample's
 * inverse Hessian (as the kinds' fits do, clv_fit.c): theta and
 * inverse_hessian are set and the sample fit's iterations returned, or 0
 * (theta unchanged) without a sample or when its fit did not converge
 */
static int
CoarseStart(CovProblem *problem, CovData *sample, double *theta, double *inverse_hessian)
{
	int			n_free = problem->n_base + problem->n_coef;
	CovData    *full = problem->data;
	double	   *trial = (double *) palloc(sizeof(double) * n_free);
	double	   *hessian = (double *) palloc(sizeof(double) * n_free * n_free);
	int			iterations;
	double		value;
	bool		ok;

	if (sample == NULL)
		return 0;
	memcpy(trial, theta, sizeof(double) * n_free);
	problem->data = sample;
	ok = Minimize(problem, trial, NULL, &iterations, &value) &&
		CovHessian(problem, trial, hessian) &&
		InvertSymmetricPositive(n_free, hessian, inverse_hessian);
	problem->data = full;
	if (!ok)
		return 0;
	memcpy(theta, trial, sizeof(double) * n_free);
	return Max(iterations, 1);
}

/*
 * Move coefficient m of theta by delta (scaled units) in the user's units:
 * the base log-parameters it acts on move by its centre's share, so that
 * customers whose covariate is 0 keep their parameters (the coefficients
 * act on centred covariates inside the fit, see UserParams)
 */
static void
PushCoefficient(const CovProblem *problem, double *theta, int m, double delta)
{
	theta[problem->n_base + m] += delta;
	for (int j = 0; j < problem->n_base; j++)
	{
		ClvCovariateEffect effect = problem->ops->covariate_effect[j];

		if (effect == CLV_COVARIATE_NONE)
			continue;
		for (int k = 0; k < problem->n_columns; k++)
			if (problem->coef_of[k] == m && problem->process_of[k] == EffectProcess(effect))
				theta[j] += EffectDirection(effect) * delta / problem->scale[m] * problem->center[k];
	}
}

/*
 * The estimated coefficient m that runs off, or -1: beyond COEF_DIVERGED;
 * when the optimizer did not converge, the largest (beyond 1 in scaled
 * units) whose gradient still points away from 0 (the optimizer stopped
 * where the likelihood could no longer be computed further out); or
 * (checked only where the curvature allows it) one that can be pushed
 * further in the direction of its sign (in the user's units: customers
 * whose covariate is 0 keep their parameters) while the penalized
 * log-likelihood drops by less than a quadratic optimum with a profile
 * standard error of
 * COEF_PUSH (scaled units) would let it: the likelihood has no finite
 * maximum in that direction (the data separate customers by the
 * covariate).  The push is COEF_PUSH, halved (and the allowed drop
 * quartered) while the objective cannot be evaluated there.
 */
static int
RunawayCoefficient(CovProblem *problem, const double *theta, double value,
				   const double *hessian_diagonal, bool converged)
{
	int			n_free = problem->n_base + problem->n_coef;
	double	   *pushed = (double *) palloc(sizeof(double) * n_free);
	double	   *gradient = (double *) palloc(sizeof(double) * n_free);
	int			outward = -1;

	for (int m = 0; m < problem->n_coef; m++)
		if (fabs(theta[problem->n_base + m]) > COEF_DIVERGED)
			return m;
	if (!converged && isfinite(CovObjective(theta, gradient, problem)))
	{
		for (int m = 0; m < problem->n_coef; m++)
		{
			double		coef = theta[problem->n_base + m];

			/* the objective still falls as the coefficient grows in size */
			if (fabs(coef) > 1 && coef * gradient[problem->n_base + m] < 0 &&
				(outward < 0 || fabs(coef) > fabs(theta[problem->n_base + outward])))
				outward = m;
		}
		if (outward >= 0)
			return outward;
	}
	for (int m = 0; m < problem->n_coef; m++)
	{
		double		sign = theta[problem->n_base + m] < 0 ? -1 : 1;

		/* a curvature that makes the push cost far more than the drop needs no check */
		if (hessian_diagonal != NULL &&
			0.5 * hessian_diagonal[m] * COEF_PUSH * COEF_PUSH * problem->data->n >
			100 * COEF_PUSH_DROP)
			continue;
		for (double push = COEF_PUSH; push > COEF_PUSH / 16; push /= 2)
		{
			double		pushed_value;
			double		allowed = COEF_PUSH_DROP * (push / COEF_PUSH) * (push / COEF_PUSH);

			memcpy(pushed, theta, sizeof(double) * n_free);
			PushCoefficient(problem, pushed, m, sign * push);
			pushed_value = CovObjective(pushed, NULL, problem);
			if (!isfinite(pushed_value))
				continue;
			if ((pushed_value - value) * problem->data->n < allowed)
				return m;
			break;
		}
	}
	return -1;
}

/* "life.<name>" or "trans.<name>" of the coefficient of column k */
static const char *
ColumnName(const CovariateNames *names, int k)
{
	int			n_life = names->n[COVARIATE_LIFE];

	return k < n_life ? psprintf("life.%s", names->name[COVARIATE_LIFE][k]) :
		psprintf("trans.%s", names->name[COVARIATE_TRANS][k - n_life]);
}

/* The first column of coefficient m */
static int
FirstColumn(const CovProblem *problem, int m)
{
	for (int k = 0; k < problem->n_columns; k++)
		if (problem->coef_of[k] == m)
			return k;
	return -1;
}

/*
 * Fit the kind with covariates on records (sorted, width = 3 + covariates
 * values then the count each; n customers in all, none skipped) and return
 * the model (version 4), with the WARNINGs of its diagnosis.  base_fit
 * fits the kind without covariates on tuples: used when no coefficient is
 * left to estimate.
 */
ClvModel *
ClvCovariateFit(const ClvModelOps *ops, const CovariateSpec *spec, const float8 *records,
				int32 n_records, int width, int64 n, bool has_unit, const TimeUnit *unit,
				ClvModel *(*base_fit) (void *context, WeightedTuple *tuples, int32 n_tuples),
				void *base_context)
{
	CovariateNames names;
	CovProblem	problem;
	bool		held[MAX_COLUMNS];
	int			n_free;
	double	   *theta;
	double	   *inverse_hessian;
	double	   *hessian_diagonal = NULL;
	WeightedTuple *tuples;
	int32		n_tuples = 0;
	ClvModel   *base;
	ClvModel   *model;
	ClvCovariates cov;
	float8		start[CLV_MAX_PARAMS];
	float8		se_base[CLV_MAX_PARAMS];
	float8		se_coef[MAX_COEFS];
	int			iterations;
	double		value;
	double		ll;
	bool		converged;
	bool		has_se;
	int			diverged = -1;
	int			runaway = -1;
	CovData    *sample;

	CovariateSpecNames(spec, &names);
	Assert(width == 3 + CovariateSpecCount(spec));
	SetUpProblem(&problem, ops, &names, records, n_records, width, held);

	/* the (x, t_x, T) tuples: the kind's check of the data, its start, its own fit */
	tuples = (WeightedTuple *) palloc(sizeof(WeightedTuple) * Max(n_records, 1));
	for (int32 j = 0; j < n_records; j++)
	{
		const float8 *record = records + (Size) j * (width + 1);
		int64		count = RecordCount(records, width, j);

		if (n_tuples > 0 && memcmp(tuples[n_tuples - 1].v, record, sizeof(float8) * 3) == 0)
			tuples[n_tuples - 1].count = AddCounts(tuples[n_tuples - 1].count, count,
												   "fit state count");
		else
		{
			memcpy(tuples[n_tuples].v, record, sizeof(float8) * 3);
			tuples[n_tuples++].count = count;
		}
	}
	for (int k = 0; k < problem.n_columns; k++)
		if (held[k] && (k < problem.n_life || names.partner[COVARIATE_TRANS][k - problem.n_life] < 0))
			ereport(WARNING,
					(errmsg("%s fit: covariate %s is constant over the customers (%g): its coefficient is not identified and is held at 0",
							ops->spec.title, ColumnName(&names, k),
							n_records > 0 ? records[3 + k] : 0.0),
					 errdetail("A covariate with one value for every customer is confounded with the model's own parameters; the model marks the coefficient held, without a standard error."),
					 errhint("Leave the covariate out of crm.covariates for these data.")));
	if (problem.n_coef == 0)
	{
		/* nothing to estimate: the kind's own fit, exactly */
		base = base_fit(base_context, tuples, n_tuples);
		model = ClvModelAddCovariates(base, spec);
		ClvModelCovariates(model, &cov);
		for (int k = 0; k < problem.n_columns; k++)
			cov.flags[k] |= CLV_COEF_HELD;
		return model;
	}

	n_free = problem.n_base + problem.n_coef;
	theta = (double *) palloc0(sizeof(double) * n_free);
	inverse_hessian = (double *) palloc(sizeof(double) * n_free * n_free);
	if (ops->check_data != NULL)
		ops->check_data(&ops->spec, tuples, n_tuples, n);
	ops->start(tuples, n_tuples, start);
	for (int j = 0; j < problem.n_base; j++)
		theta[j] = log(start[j]);

	problem.data = MakeData(&problem, records, n_records, width, false);
	sample = MakeData(&problem, records, n_records, width, true);
	iterations = CoarseStart(&problem, sample, theta, inverse_hessian);
	{
		int			more;

		converged = Minimize(&problem, theta, iterations > 0 ? inverse_hessian : NULL, &more,
							 &value);
		iterations += more;
	}
	if (!isfinite(value))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot fit the %s model with covariates: the log-likelihood is not finite anywhere the optimizer looked",
						ops->spec.title),
				 errhint("Check the covariates' scale and the summaries' time unit.")));

	/* the model: the kind's parameters and the coefficients in the user's units */
	base = ClvModelAlloc(ops->spec.kind);
	base->flags = CLV_FLAG_FITTED;
	base->iterations = iterations;
	base->n = n;
	if (has_unit)
	{
		base->flags |= CLV_FLAG_HAS_UNIT;
		base->unit = *unit;
	}
	UserParams(&problem, theta, base->params);
	CovObjectiveLL(theta, NULL, &problem, &ll);
	base->ll = ll;
	has_se = CovStandardErrors(&problem, theta, base->params, se_base, se_coef);
	if (has_se)
	{
		base->flags |= CLV_FLAG_HAS_SE;
		memcpy(base->se, se_base, sizeof(float8) * problem.n_base);
		/* the curvature in each coefficient (scaled units), for the runaway check */
		hessian_diagonal = (double *) palloc(sizeof(double) * problem.n_coef);
		for (int m = 0; m < problem.n_coef; m++)
		{
			float8		se_scaled = se_coef[m] * problem.scale[m];

			hessian_diagonal[m] = 1 / (se_scaled * se_scaled * problem.data->n);
		}
	}
	for (int j = 0; j < problem.n_base; j++)
		if (fabs(theta[j]) > LOG_PARAM_DIVERGED)
			diverged = j;
	runaway = RunawayCoefficient(&problem, theta, value, hessian_diagonal, converged);
	/* a stop where the Hessian is not positive definite is no maximum (clv_fit.c) */
	if (converged && diverged < 0 && runaway < 0 && has_se)
		base->flags |= CLV_FLAG_CONVERGED;

	model = ClvModelAddCovariates(base, spec);
	ClvModelCovariates(model, &cov);
	for (int k = 0; k < problem.n_columns; k++)
	{
		int			m = problem.coef_of[k];

		if (m < 0)
		{
			cov.flags[k] |= CLV_COEF_HELD;
			continue;
		}
		cov.gamma[k] = theta[problem.n_base + m] / problem.scale[m] + 0.0;
		if (has_se)
			cov.se[k] = se_coef[m];
	}

	/* say how it ended */
	if (runaway >= 0)
	{
		int			k = FirstColumn(&problem, runaway);

		ereport(WARNING,
				(errmsg("%s fit did not converge: coefficient %s runs off to %s",
						ops->spec.title, ColumnName(&names, k),
						cov.gamma[k] < 0 ? "-infinity" : "+infinity"),
				 errdetail("The log-likelihood keeps rising (or stays flat) as the coefficient grows, so no finite estimate exists: the covariate separates the customers (one that is 1 only for customers who never buy again, say), or the model tends to a limit along it. The returned model is marked converged=false."),
				 errhint("Leave the covariate out, merge its rare values, or fit with an L2 penalty (lambda_life, lambda_trans of crm.covariates).")));
	}
	else if (diverged >= 0)
		ereport(WARNING,
				(errmsg("%s fit did not converge: parameter %s runs off to %s",
						ops->spec.title, ops->spec.param_names[diverged],
						theta[diverged] < 0 ? "0" : "infinity"),
				 errdetail("The data do not identify the model; the returned model is marked converged=false."),
				 errhint("Check the input (enough customers with repeat purchases, consistent time unit).")));
	else if (!converged)
		ereport(WARNING,
				(errmsg("%s fit did not converge", ops->spec.title),
				 errdetail("The optimizer stopped after %d iterations; the returned model is marked converged=false.",
						   iterations),
				 errhint("Check the input and the covariates' scale.")));
	else if (!has_se)
		ereport(WARNING,
				(errmsg("%s fit did not converge: the data do not identify the model", ops->spec.title),
				 errdetail("The Hessian of the log-likelihood is not positive definite where the optimizer stopped, so it is not a maximum (covariates that are linear combinations of each other do that, as does a likelihood that rises or stays flat towards a boundary); the returned model is marked converged=false."),
				 errhint("Leave out covariates that repeat others, and check the input (enough customers with repeat purchases, dropout visible in the data).")));
	return model;
}

/*
 * The total log-likelihood of the customers of a state under a model and,
 * if gradient is not NULL, its gradient in the model's parameters (natural
 * scale) and then its coefficients (one per covariate column, lifetime then
 * transaction; a constrained pair's both the derivative in their shared
 * coefficient): the fit's own objective at the model, without penalty.
 * NaN when it cannot be computed there.
 */
static float8
StateLogLikelihood(const ClvModel *model, const TupleState *state, float8 *gradient)
{
	const ClvModelOps *ops = ClvOpsOf(model->kind);
	const CovariateSpec *state_spec = TupleStateCovariates(state);
	CovariateNames names;
	CovariateNames state_names;
	ClvCovariates cov;
	CovProblem	problem;
	double		theta[NUMERICS_MAX_PARAMS];
	double		objective_gradient[NUMERICS_MAX_PARAMS];
	int32		n_records;
	float8	   *records;
	double		ll;

	if (!ClvModelHasCovariates(model) || state_spec == NULL)
	{
		int32		n_tuples;
		WeightedTuple *tuples;

		if (ClvModelHasCovariates(model) || state_spec != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the %s model %s covariates and the fit state %s",
							ops->spec.title, ClvModelHasCovariates(model) ? "has" : "has no",
							state_spec != NULL ? "has" : "has none"),
					 errhint("Build the state with the model's covariates (or without, for a model without).")));
		tuples = TupleStateTuples(state, &n_tuples);
		return ops->loglik(model->params, ops->prepare(tuples, n_tuples), gradient);
	}
	ClvModelCovariates(model, &cov);
	CovariateSpecNames(cov.spec, &names);
	CovariateSpecNames(state_spec, &state_names);
	ClvCheckSameCovariateNames(ops, &names, &state_names);

	/* the fit's problem at the user's scale: centres 0, scales 1, no penalty */
	memset(&problem, 0, sizeof(problem));
	problem.ops = ops;
	problem.n_base = ops->spec.n_params;
	problem.n_life = names.n[COVARIATE_LIFE];
	problem.n_columns = CovariateSpecCount(cov.spec);
	for (int k = 0; k < problem.n_columns; k++)
	{
		int			partner = k < problem.n_life ? -1 :
			names.partner[COVARIATE_TRANS][k - problem.n_life];

		problem.process_of[k] = k < problem.n_life ? COVARIATE_LIFE : COVARIATE_TRANS;
		if (partner >= 0)
			problem.coef_of[k] = problem.coef_of[partner];
		else
		{
			problem.scale[problem.n_coef] = 1;
			theta[problem.n_base + problem.n_coef] = cov.gamma[k];
			problem.coef_of[k] = problem.n_coef++;
		}
	}
	for (int j = 0; j < problem.n_base; j++)
		theta[j] = log(model->params[j]);
	records = TupleStateRecords(state, &n_records);
	problem.data = MakeData(&problem, records, n_records, TupleStateWidth(state), false);
	if (!isfinite(CovObjectiveLL(theta, gradient ? objective_gradient : NULL, &problem, &ll)))
		return get_float8_nan();
	if (gradient != NULL)
	{
		for (int j = 0; j < problem.n_base; j++)
			gradient[j] = -problem.data->n * objective_gradient[j] / model->params[j];
		for (int k = 0; k < problem.n_columns; k++)
			gradient[problem.n_base + k] =
				-problem.data->n * objective_gradient[problem.n_base + problem.coef_of[k]];
	}
	return ll;
}

/* crm.loglik(model, state): total log-likelihood of a state's customers under a model */
PG_FUNCTION_INFO_V1(clv_state_loglik);
Datum
clv_state_loglik(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	TupleState *state = TupleStateArg(fcinfo, 1, ClvSpec(model->kind)->shape);
	float8		ll;

	if (state->n_rows == 0)
		PG_RETURN_FLOAT8(0);
	ll = StateLogLikelihood(model, state, NULL);
	if (isnan(ll))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ll);
}

/*
 * crm.loglik_gradient(model, state): the gradient of crm.loglik(model,
 * state) in the model's parameters and coefficients, as rows (parameter,
 * derivative)
 */
PG_FUNCTION_INFO_V1(clv_state_loglik_gradient);
Datum
clv_state_loglik_gradient(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	TupleState *state = TupleStateArg(fcinfo, 1, ClvSpec(model->kind)->shape);
	const ClvModelSpec *spec = ClvSpec(model->kind);
	float8		gradient[CLV_MAX_PARAMS + MAX_COLUMNS] = {0};
	bool		computed = true;
	int			n_columns = 0;
	CovariateNames names;

	memset(&names, 0, sizeof(names));
	InitMaterializedSRF(fcinfo, 0);
	if (ClvModelHasCovariates(model))
	{
		ClvCovariates cov;

		ClvModelCovariates(model, &cov);
		names = cov.names;
		n_columns = CovariateSpecCount(cov.spec);
	}
	if (state->n_rows > 0)
		computed = !isnan(StateLogLikelihood(model, state, gradient));
	for (int i = 0; i < spec->n_params + n_columns; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, !computed};
		const char *name;

		if (i < spec->n_params)
			name = spec->param_names[i];
		else
			name = ColumnName(&names, i - spec->n_params);
		values[0] = CStringGetTextDatum(name);
		values[1] = Float8GetDatum(gradient[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
