/*
 * clv_ggomnbd.c
 *		The Gamma-Gompertz/NBD model (Bemmaor & Glady 2012, Management
 *		Science 58(5)) as a CLV model kind: its table of operations
 *		(clv_ops.h) over the mathematics of clv_ggomnbd_math.c (plain C,
 *		unit-tested outside the server), and its SQL-callable wrappers.
 *
 * Parameters r, alpha (purchase rates ~ Gamma(r, alpha)), b (Gompertz
 * shape, 1 / time unit), s, beta (Gompertz scales ~ Gamma(s, beta)).  The
 * likelihood integrates over the death time by adaptive Gauss-Kronrod to a
 * relative 1e-10 (GGOM_TOLERANCE), gradient included; a quadrature that
 * misses it makes the likelihood NaN in a fit (the optimizer steps back) and
 * a prediction an error (22023).
 *
 * As b -> 0 with beta / b fixed the model tends to the Pareto/NBD with
 * dropout scale beta / b; on data without visible aging (CDNOW) the
 * maximum is that limit, b and beta run off to 0 together and the fit says
 * so (check_identified).
 */
#include "crm.h"
#include "clv_ops.h"
#include "clv_ggomnbd_math.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

/* Tuples between interrupt checks in the likelihood (each costs a quadrature) */
#define INTERRUPT_INTERVAL 256
/* Periods crm.clv discounts one by one before the rest is negligible or refused */
#define MAX_DISCOUNTED_PERIODS 1000000
/* The Pareto/NBD limit fits as well when its log-likelihood is within this (relative) */
#define SAME_LL 1e-9

/* A fit's distinct (x, t_x, T) tuples */
typedef struct GgomData
{
	int32		n_tuples;		/* distinct tuples */
	const WeightedTuple *tuples;		/* the tuples, with their counts */
} GgomData;

/* The parameters of a model value, by name */
static GgomParams
ParamsOf(const float8 *params)
{
	GgomParams	p = {params[0], params[1], params[2], params[3], params[4]};

	return p;
}

/*
 * Raise 22023: a new customer's expectation, which depends on the model
 * alone, missed its quadrature tolerance (a customer's prediction that
 * misses it is NaN instead, so the scorer returns NULL for that customer)
 */
static void
QuadratureFailed(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot evaluate the GGom/NBD %s for these parameters", what),
			 errdetail("The adaptive quadrature does not reach its relative tolerance of %g within %d segments.",
					   GGOM_TOLERANCE, GGOM_MAX_SEGMENTS),
			 errhint("Check that the model's time unit matches the summaries'.")));
}

/* Total log-likelihood of the data at params and, optionally, its gradient (NaN if a quadrature fails) */
static float8
GgomLogLikelihood(const float8 *params, void *context, float8 *gradient)
{
	GgomData   *data = (GgomData *) context;
	GgomParams	p = ParamsOf(params);
	float8		total = 0;

	if (gradient != NULL)
		memset(gradient, 0, sizeof(float8) * GGOM_N_PARAMS);
	for (int32 j = 0; j < data->n_tuples; j++)
	{
		const WeightedTuple *tuple = &data->tuples[j];
		float8		weight = (float8) tuple->count;
		float8		ll;
		float8		customer_gradient[GGOM_N_PARAMS];

		if (j % INTERRUPT_INTERVAL == 0)
			CHECK_FOR_INTERRUPTS();
		if (!GgomCustomerLogLikelihood(&p, tuple->v[0], tuple->v[1], tuple->v[2], &ll,
									   gradient != NULL ? customer_gradient : NULL))
			return get_float8_nan();
		total += weight * ll;
		if (gradient != NULL)
			for (int k = 0; k < GGOM_N_PARAMS; k++)
				gradient[k] += weight * customer_gradient[k];
	}
	return total;
}

/*
 * One customer's log-likelihood at params (the customer's own alpha and
 * beta, in a fit with covariates) and its gradient in (r, alpha, b, s,
 * beta); NaN when the quadrature does not converge
 */
static float8
GgomCustomerGradient(const float8 *params, const float8 *customer,
					 void *scratch pg_attribute_unused(), float8 *gradient)
{
	GgomParams	p = ParamsOf(params);
	float8		ll;

	if (!GgomCustomerLogLikelihood(&p, customer[0], customer[1], customer[2], &ll, gradient))
		return get_float8_nan();
	return ll;
}

/* The prepared data of a fit: its tuples as they are */
static void *
GgomPrepare(const WeightedTuple *tuples, int32 n_tuples)
{
	GgomData   *data = (GgomData *) palloc(sizeof(GgomData));

	data->n_tuples = n_tuples;
	data->tuples = tuples;
	return data;
}

/*
 * r = s = beta = 1, alpha = the mean age and b = its inverse: the same
 * start in any time unit (alpha scales with time, b with its inverse)
 */
static void
GgomStart(const WeightedTuple *tuples, int32 n_tuples, float8 *start)
{
	float8		mean_age = Max(ClvColumnMean(tuples, n_tuples, 2), 1e-6);

	start[0] = 1;
	start[1] = mean_age;
	start[2] = 1 / mean_age;
	start[3] = 1;
	start[4] = 1;
}

/*
 * check_identified: when the Pareto/NBD with the same r, alpha, s and
 * dropout scale beta / b (the limit b -> 0) fits as well, within
 * SAME_LL relative, the estimate is that limit: b and beta run off to 0
 * together along a ridge of equal likelihood and are not identified.  The
 * model is marked converged = false, with a WARNING naming the Pareto/NBD;
 * its predictions are that Pareto/NBD's (to b T relative).
 */
static bool
GgomCheckIdentified(ClvModel *model, const WeightedTuple *tuples, int32 n_tuples)
{
	GgomParams	p = ParamsOf(model->params);
	float8		limit[4] = {p.r, p.alpha, p.s, p.beta / p.b};
	float8		ll_limit;

	if (!isfinite(limit[3]))
		return false;
	ll_limit = ClvParetonbdOps.loglik(limit, ClvParetonbdOps.prepare(tuples, n_tuples), NULL);
	if (!(model->ll <= ll_limit + SAME_LL * fabs(ll_limit)))
		return false;
	model->flags &= ~CLV_FLAG_CONVERGED;
	ereport(WARNING,
			(errmsg("GGom/NBD fit did not converge: it tends to its Pareto/NBD limit b -> 0"),
			 errdetail("The Pareto/NBD with r = %.4g, alpha = %.4g, s = %.4g and beta = beta / b = %.4g fits as well (log-likelihood %.2f); b and beta fall to 0 together. The returned model is marked converged=false.",
					   p.r, p.alpha, p.s, p.beta / p.b, ll_limit),
			 errhint("Fit crm.paretonbd_fit instead, or score this model after crm.accept_unconverged (its predictions are that Pareto/NBD's).")));
	return true;
}

/* One customer's log-likelihood (the customer_loglik operation) */
static float8
GgomCustomerLoglik(const ClvModel *model, const float8 *customer)
{
	GgomParams	p = ParamsOf(model->params);
	float8		ll;

	if (!GgomCustomerLogLikelihood(&p, customer[0], customer[1], customer[2], &ll, NULL))
		return get_float8_nan();	/* this customer cannot be scored: NULL */
	return ll;
}

/* P(alive at T) of a customer (x, t_x, T) (the p_alive operation) */
static float8
GgomPAlive(const ClvModel *model, const float8 *customer)
{
	GgomParams	p = ParamsOf(model->params);
	float8		value;

	if (!GgomProbabilityAlive(&p, customer[0], customer[1], customer[2], &value))
		return get_float8_nan();	/* this customer cannot be scored: NULL */
	return value;
}

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T), or E[X(t)] of
 * a new customer (the expected operation); 22003 beyond the float8 range
 */
static float8
GgomExpected(const ClvModel *model, float8 t, const float8 *customer)
{
	GgomParams	p = ParamsOf(model->params);
	float8		value;

	if (!GgomExpectedPurchases(&p, t, customer ? customer[0] : 0, customer ? customer[1] : 0,
							   customer ? customer[2] : 0, &value))
	{
		if (customer != NULL)
			return get_float8_nan();	/* this customer cannot be scored: NULL */
		QuadratureFailed("expected purchases");
	}
	CheckResultFinite(value, "expected purchases");
	return value;
}

/* Check for interrupts between the periods of a discounted sum */
static void
PollInterrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * crm.clv's discounted series (the discounted_series operation): expected
 * purchases of a customer (x, T) alive at T per period of one time unit,
 * discounted by (1 + rate)^(end of the period), summed
 */
static float8
GgomDiscountedSeries(const ClvModel *model, float8 x, float8 T, float8 horizon, float8 rate)
{
	GgomParams	p = ParamsOf(model->params);
	float8		value;

	switch (GgomDiscountedPurchasesIfAlive(&p, x, T, horizon, rate, MAX_DISCOUNTED_PERIODS,
										   PollInterrupts, &value))
	{
		case GGOM_OK:
			break;
		case GGOM_NOT_CONVERGED:
			return get_float8_nan();	/* this customer cannot be scored: NULL */
		case GGOM_TOO_MANY_PERIODS:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("horizon of %g periods is too long to discount at rate %g per period", horizon, rate),
					 errdetail("The value is summed period by period; after %d periods the rest is still not negligible.",
							   MAX_DISCOUNTED_PERIODS),
					 errhint("Use a horizon of at most %d time units of the model, or a higher discount rate.",
							 MAX_DISCOUNTED_PERIODS)));
	}
	CheckResultFinite(value, "discounted expected purchases");
	return value;
}

/*
 * DERT of a customer (x, t_x, T) (the dert operation): P(alive) (r+x) /
 * (alpha+T) times the integral over u > 0 of (1 + d)^-u S(T+u) / S(T)
 * (continuous discounting at delta = log(1 + d), as for the Pareto/NBD)
 */
static float8
GgomDert(const ClvModel *model, const float8 *customer, float8 d)
{
	GgomParams	p = ParamsOf(model->params);
	float8		x = customer[0];
	float8		T = customer[2];
	float8		alive;
	float8		lifetime;
	float8		value;

	CheckPositiveDiscountRate(d, "DERT sums purchases over an unbounded future: without discounting it grows without bound as b tends to 0.");
	if (!GgomProbabilityAlive(&p, x, customer[1], T, &alive) ||
		!GgomDiscountedResidualLifetime(&p, T, log1p(d), &lifetime))
		return get_float8_nan();	/* this customer cannot be scored: NULL */
	value = alive * ((p.r + x) / (p.alpha + T) * lifetime);
	CheckResultFinite(value, "DERT (discounted expected residual transactions)");
	return value;
}

/* The GGom/NBD model */
const ClvModelOps ClvGgomnbdOps = {
	.spec = {CLV_GGOMNBD, "ggomnbd", "GGom/NBD", TUPLE_SHAPE_PURCHASES, GGOM_N_PARAMS,
	{"r", "alpha", "b", "s", "beta"}},
	.penalized = true,
	.timed = true,
	.sampled = true,
	.check_data = ClvCheckAnyRepeat,
	.start = GgomStart,
	.prepare = GgomPrepare,
	.loglik = GgomLogLikelihood,
	.check_identified = GgomCheckIdentified,
	.covariate_effect = {CLV_COVARIATE_NONE, CLV_COVARIATE_TRANS_DOWN, CLV_COVARIATE_NONE,
	CLV_COVARIATE_NONE, CLV_COVARIATE_LIFE_DOWN},
	.customer_gradient = GgomCustomerGradient,
	.customer_loglik = GgomCustomerLoglik,
	.p_alive = GgomPAlive,
	.expected = GgomExpected,
	.pmf = ClvGgomnbdPmfOperation,
	.discounted_series = GgomDiscountedSeries,
	.dert = GgomDert,
};

/* Final function of crm.ggomnbd_fit: the maximum-likelihood model (NULL for no rows) */
PG_FUNCTION_INFO_V1(ggomnbd_fit_final);
Datum
ggomnbd_fit_final(PG_FUNCTION_ARGS)
{
	return ClvFitFinal(fcinfo, &ClvGgomnbdOps);
}

/* crm.ggomnbd(r, alpha, b, s, beta): a GGom/NBD model from given parameters */
PG_FUNCTION_INFO_V1(ggomnbd_make);
Datum
ggomnbd_make(PG_FUNCTION_ARGS)
{
	return ClvModelMake(fcinfo, &ClvGgomnbdOps);
}
