/*
 * bgbb.c
 *		The BG/BB model for discrete purchase opportunities (Fader, Hardie &
 *		Shang 2010, "Customer-Base Analysis in a Discrete-Time Noncontractual
 *		Setting", Marketing Science 29(6)): likelihood with analytic gradient,
 *		the fit aggregates' final function, and predictions.
 *
 * A customer is alive at each opportunity with probability 1 - theta of
 * staying (dropout at the start of an opportunity), buys with probability
 * p while alive; p ~ Beta(alpha, beta), theta ~ Beta(gamma, delta).  With
 * x purchases, the last at opportunity t_x, among n opportunities (FHS
 * 2010 eq. 5):
 *
 *	 L = B(alpha+x, beta+n-x)/B(alpha,beta) B(gamma, delta+n)/B(gamma,delta)
 *	   + sum_{j=t_x}^{n-1} B(alpha+x, beta+j-x)/B(alpha,beta)
 *							 B(gamma+1, delta+j)/B(gamma,delta)
 *
 * The first term is "alive through n", the j-th "dropped out right after
 * opportunity j".  Consecutive terms of the sum have the ratio
 * (beta+j-x)/(alpha+beta+j) (delta+j)/(gamma+delta+j+1) < 1, so the sum is
 * taken relative to its first term with one multiply per term (O(n - t_x),
 * no lgamma in the loop), the digammas of the gradient by psi(z+1) =
 * psi(z) + 1/z, and the two parts are added in log space.
 *
 * Predictions use B(gamma, s+t)/B(gamma, s) = prod_{i<t} (s+i)/(gamma+s+i):
 * the expected number of purchases over m opportunities after s is a sum
 * of such ratios, in closed form s/(gamma-1) (1 - R) with R a ratio of
 * gamma functions; it is evaluated without cancellation (also at gamma = 1,
 * its limit) through the slope (lgamma(x+e) - lgamma(x))/e, e = gamma - 1.
 */
#include "crm.h"
#include "clv.h"
#include "numerics.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"

/* Largest number of (past or future) opportunities */
#define MAX_OPPORTUNITIES 1000000.0

/* Up to this many future opportunities, expectations are summed term by term */
#define DIRECT_SUM_LIMIT 1000

/* Below this argument Stirling's series is not used (shift up by recurrence) */
#define STIRLING_MIN 21.0

/* The parameters of a BG/BB model, by name */
typedef struct BgbbParams
{
	float8		alpha;			/* beta mixing of purchase probabilities */
	float8		beta;			/* beta mixing of purchase probabilities */
	float8		gamma;			/* beta mixing of dropout probabilities */
	float8		delta;			/* beta mixing of dropout probabilities */
} BgbbParams;

/* Parameter-only terms of the likelihood, computed once per evaluation */
typedef struct BgbbConstants
{
	float8		log_beta_ab;	/* log B(alpha, beta) */
	float8		log_beta_gd;	/* log B(gamma, delta) */
	float8		psi_a;			/* psi(alpha) */
	float8		psi_b;			/* psi(beta) */
	float8		psi_ab;			/* psi(alpha + beta) */
	float8		psi_d;			/* psi(delta) */
	float8		psi_gd;			/* psi(gamma + delta) */
} BgbbConstants;

/* A fit's distinct (x, t_x, n) tuples */
typedef struct BgbbData
{
	int32		n_tuples;		/* distinct tuples */
	ClvTuple   *tuples;			/* the tuples with their counts */
} BgbbData;

/* Parameters of a model value, by name */
static BgbbParams
ParamsOf(const float8 *params)
{
	BgbbParams	p = {params[0], params[1], params[2], params[3]};

	return p;
}

/* The parameter-only terms at p (digammas only when with_derivatives) */
static BgbbConstants
ConstantsOf(const BgbbParams *p, bool with_derivatives)
{
	BgbbConstants k;

	memset(&k, 0, sizeof(k));
	k.log_beta_ab = LogBeta(p->alpha, p->beta);
	k.log_beta_gd = LogBeta(p->gamma, p->delta);
	if (with_derivatives)
	{
		k.psi_a = Digamma(p->alpha);
		k.psi_b = Digamma(p->beta);
		k.psi_ab = Digamma(p->alpha + p->beta);
		k.psi_d = Digamma(p->delta);
		k.psi_gd = Digamma(p->gamma + p->delta);
	}
	return k;
}

/*
 * log of the likelihood's "alive through n" term for x purchases in n
 * opportunities: log B(alpha+x, beta+n-x)/B(alpha,beta) B(gamma,delta+n)/B(gamma,delta)
 */
static float8
LogAliveTerm(const BgbbParams *p, const BgbbConstants *k, float8 x, float8 n)
{
	return LogBeta(p->alpha + x, p->beta + n - x) - k->log_beta_ab +
		LogBeta(p->gamma, p->delta + n) - k->log_beta_gd;
}

/*
 * One customer's log-likelihood; if gradient is not NULL, adds weight times
 * its derivatives in (alpha, beta, gamma, delta) to gradient[0..3]
 */
static float8
CustomerLogLikelihood(const BgbbParams *p, const BgbbConstants *k, float8 x,
					  float8 t_x, float8 n, float8 weight, float8 *gradient)
{
	float8		log_alive = LogAliveTerm(p, k, x, n);
	float8		log_dropout;
	float8		ll;
	float8		w_alive;
	float8		w_dropout;
	float8		sum = 0;		/* sum of terms / first term */
	float8		s_ab = 0;		/* ... weighted by psi(alpha+beta+j) */
	float8		s_b_ab = 0;		/* ... by psi(beta+j-x) - psi(alpha+beta+j) */
	float8		s_gd = 0;		/* ... by psi(gamma+delta+j+1) */
	float8		s_d_gd = 0;		/* ... by psi(delta+j) - psi(gamma+delta+j+1) */
	float8		psi_ab_n;

	if (t_x >= n)
	{
		/* bought at the last opportunity: alive through n for sure */
		ll = log_alive;
		log_dropout = -INFINITY;
	}
	else
	{
		float8		ratio = 1;	/* term j / term t_x */
		float8		psi_b = 0,
					psi_ab = 0,
					psi_d = 0,
					psi_gd = 0;

		log_dropout = LogBeta(p->alpha + x, p->beta + t_x - x) - k->log_beta_ab +
			LogBeta(p->gamma + 1, p->delta + t_x) - k->log_beta_gd;
		if (gradient)
		{
			psi_b = Digamma(p->beta + t_x - x);
			psi_ab = Digamma(p->alpha + p->beta + t_x);
			psi_d = Digamma(p->delta + t_x);
			psi_gd = Digamma(p->gamma + p->delta + t_x + 1);
		}
		for (float8 j = t_x; j < n; j++)
		{
			float8		b_j = p->beta + j - x;
			float8		ab_j = p->alpha + p->beta + j;
			float8		d_j = p->delta + j;
			float8		gd_j = p->gamma + p->delta + j + 1;

			sum += ratio;
			if (gradient)
			{
				s_ab += ratio * psi_ab;
				s_b_ab += ratio * (psi_b - psi_ab);
				s_gd += ratio * psi_gd;
				s_d_gd += ratio * (psi_d - psi_gd);
				psi_b += 1 / b_j;
				psi_ab += 1 / ab_j;
				psi_d += 1 / d_j;
				psi_gd += 1 / gd_j;
			}
			ratio *= (b_j * d_j) / (ab_j * gd_j);
		}
		log_dropout += log(sum);
		ll = LogAddExp(log_alive, log_dropout);
	}
	if (gradient == NULL)
		return ll;

	/* the shares of the two parts in L */
	w_alive = exp(log_alive - ll);
	w_dropout = exp(log_dropout - ll);
	psi_ab_n = Digamma(p->alpha + p->beta + n);
	{
		float8		psi_gd_n = Digamma(p->gamma + p->delta + n);
		float8		e_ab = w_alive * psi_ab_n + (sum > 0 ? w_dropout * s_ab / sum : 0);
		float8		e_b_ab = w_alive * (Digamma(p->beta + n - x) - psi_ab_n) +
			(sum > 0 ? w_dropout * s_b_ab / sum : 0);
		float8		e_gd = w_alive * psi_gd_n + (sum > 0 ? w_dropout * s_gd / sum : 0);
		float8		e_d_gd = w_alive * (Digamma(p->delta + n) - psi_gd_n) +
			(sum > 0 ? w_dropout * s_d_gd / sum : 0);

		gradient[0] += weight * (Digamma(p->alpha + x) - k->psi_a + k->psi_ab - e_ab);
		gradient[1] += weight * (k->psi_ab - k->psi_b + e_b_ab);
		gradient[2] += weight * (k->psi_gd + w_dropout / p->gamma - e_gd);
		gradient[3] += weight * (k->psi_gd - k->psi_d + e_d_gd);
	}
	return ll;
}

/* Total log-likelihood of the data at params and, optionally, its gradient */
static float8
BgbbLogLikelihood(const float8 *params, void *context, float8 *gradient)
{
	BgbbData   *data = (BgbbData *) context;
	BgbbParams	p = ParamsOf(params);
	BgbbConstants k = ConstantsOf(&p, gradient != NULL);
	float8		total = 0;

	if (gradient)
		memset(gradient, 0, sizeof(float8) * 4);
	for (int32 j = 0; j < data->n_tuples; j++)
	{
		const ClvTuple *t = &data->tuples[j];
		float8		w = (float8) t->count;

		total += w * CustomerLogLikelihood(&p, &k, t->v[0], t->v[1], t->v[2], w, gradient);
		CHECK_FOR_INTERRUPTS();
	}
	return total;
}

/* Final function of crm.bgbb_fit: the fitted BG/BB model, NULL for no rows */
PG_FUNCTION_INFO_V1(bgbb_fit_final);
Datum
bgbb_fit_final(PG_FUNCTION_ARGS)
{
	ClvFitState *state = ClvGetFitState(fcinfo, 0, CLV_SHAPE_OPPORTUNITIES);
	float8		penalizer = ClvFinalPenalizer(fcinfo, state);
	ClvFitProblem problem;
	BgbbData   *data;
	bool		any_purchase = false;

	if (state->n_rows == 0)
		PG_RETURN_NULL();
	data = (BgbbData *) palloc0(sizeof(BgbbData));
	data->tuples = ClvFitStateTuples(state, &data->n_tuples);
	for (int32 j = 0; j < data->n_tuples; j++)
		any_purchase |= data->tuples[j].v[0] > 0;
	if (!any_purchase)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot fit the BG/BB model: no customer made a purchase"),
				 errdetail("All " INT64_FORMAT " customers have x = 0, which does not identify the purchase probability.",
						   state->n_rows)));
	memset(&problem, 0, sizeof(problem));
	problem.kind = CLV_BGBB;
	problem.loglik = BgbbLogLikelihood;
	problem.data = data;
	problem.n = state->n_rows;
	problem.penalizer = penalizer;
	/* uniform mixing distributions, as BTYD's bgbb.EstimateParameters */
	for (int i = 0; i < 4; i++)
		problem.start[i] = 1;
	PG_RETURN_POINTER(ClvFit(&problem));
}

/* ---------------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------------
 */

/* log1p(u) / u, 1 at u = 0 */
static float8
Log1pOverX(float8 u)
{
	return u == 0 ? 1 : log1p(u) / u;
}

/* expm1(h) / h, 1 at h = 0 */
static float8
Expm1OverX(float8 h)
{
	return h == 0 ? 1 : expm1(h) / h;
}

/*
 * (lgamma(x + e) - lgamma(x)) / e for x > 1 and e > -1 (psi(x) at e = 0),
 * without cancellation for tiny e: shift x up by lgamma(x+1) = lgamma(x) +
 * log(x) and difference Stirling's series term by term
 */
static float8
LogGammaSlope(float8 x, float8 e)
{
	/* Stirling coefficients of 1/y, 1/y^3, 1/y^5, 1/y^7 */
	static const float8 coefficients[4] = {1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680};
	float8		slope = 0;
	float8		y;

	while (x < STIRLING_MIN)
	{
		/* slope(x) = slope(x + 1) - log1p(e/x)/e */
		slope -= Log1pOverX(e / x) / x;
		x += 1;
	}
	/* lgamma(y) = (y - 1/2) log y - y + log(2 pi)/2 + sum c_k / y^(2k-1) */
	y = x + e;
	slope += (x - 0.5) * Log1pOverX(e / x) / x + log(y) - 1;
	for (int k = 0; k < 4; k++)
	{
		int			m = 2 * k + 1;
		float8		divided = 0;	/* (y^-m - x^-m) / e */

		for (int j = 0; j < m; j++)
			divided -= pow(x, -(m - j)) * pow(y, -(j + 1));
		slope += coefficients[k] * divided;
	}
	return slope;
}

/*
 * sum_{t=1}^{m} B(gamma, s+t)/B(gamma, s): the expected number of the m
 * opportunities after s at which a customer alive at s is still alive
 */
static float8
AliveOpportunities(const BgbbParams *p, float8 s, float8 m)
{
	float8		e = p->gamma - 1;
	float8		slope_difference;
	float8		h;

	if (m <= DIRECT_SUM_LIMIT)
	{
		float8		term = 1;
		float8		sum = 0;

		for (float8 i = 0; i < m; i++)
		{
			term *= (s + i) / (p->gamma + s + i);
			sum += term;
		}
		return sum;
	}

	/*
	 * s/(gamma-1) (1 - R), R = Gamma(gamma+s) Gamma(s+m+1) / (Gamma(s+1)
	 * Gamma(gamma+s+m)) = exp(h), h/e = slope(s+1, e) - slope(s+1+m, e)
	 */
	slope_difference = LogGammaSlope(s + 1, e) - LogGammaSlope(s + 1 + m, e);
	h = e * slope_difference;
	return -s * slope_difference * Expm1OverX(h);
}

/* log L: the log-likelihood of one customer */
static float8
LogLikelihoodOf(const BgbbParams *p, float8 x, float8 t_x, float8 n)
{
	BgbbConstants k = ConstantsOf(p, false);

	return CustomerLogLikelihood(p, &k, x, t_x, n, 1, NULL);
}

/*
 * log of P(data, alive at n, buys at a given later opportunity t) / (B(gamma,
 * delta + t)/B(gamma, delta + n)): B(alpha+x+1, beta+n-x)/B(alpha,beta)
 * B(gamma,delta+n)/B(gamma,delta), less the customer's log-likelihood
 */
static float8
LogPosteriorBuyingAlive(const BgbbParams *p, float8 x, float8 t_x, float8 n)
{
	return LogBeta(p->alpha + x + 1, p->beta + n - x) - LogBeta(p->alpha, p->beta) +
		LogBeta(p->gamma, p->delta + n) - LogBeta(p->gamma, p->delta) -
		LogLikelihoodOf(p, x, t_x, n);
}

/* P(alive at opportunity n + 1 | x, t_x, n) */
static float8
ProbabilityAlive(const BgbbParams *p, float8 x, float8 t_x, float8 n)
{
	BgbbConstants k = ConstantsOf(p, false);
	float8		log_alive = LogAliveTerm(p, &k, x, n) +
		log((p->delta + n) / (p->gamma + p->delta + n));

	return Min(exp(log_alive - LogLikelihoodOf(p, x, t_x, n)), 1.0);
}

/*
 * P(X(m) = k): probability that a new customer buys at k of the first m
 * opportunities (FHS 2010 eq. 8)
 */
static float8
PurchaseProbability(const BgbbParams *p, float8 k, float8 m)
{
	BgbbConstants c = ConstantsOf(p, false);
	float8		log_alive;
	float8		log_first;
	float8		term = 1;		/* term i / exp(log_first + log_scale) */
	float8		sum = 0;
	float8		log_scale = 0;

	if (k > m)
		return 0;
	/* alive through m: C(m, k) B(alpha+k, beta+m-k)/B(alpha,beta) B(gamma,delta+m)/B(gamma,delta) */
	log_alive = lgamma(m + 1) - lgamma(k + 1) - lgamma(m - k + 1) + LogAliveTerm(p, &c, k, m);
	if (k == m)
		return exp(log_alive);

	/*
	 * dropped out after opportunity i = k .. m-1: C(i, k) B(alpha+k,
	 * beta+i-k)/B(alpha,beta) B(gamma+1, delta+i)/B(gamma,delta), summed
	 * relative to the i = k term with a running scale against overflow
	 */
	log_first = LogBeta(p->alpha + k, p->beta) - c.log_beta_ab +
		LogBeta(p->gamma + 1, p->delta + k) - c.log_beta_gd;
	for (float8 i = k; i < m; i++)
	{
		sum += term;
		term *= (i + 1) / (i + 1 - k) * (p->beta + i - k) / (p->alpha + p->beta + i) *
			(p->delta + i) / (p->gamma + p->delta + i + 1);
		if (term > 1e200)
		{
			term *= 1e-200;
			sum *= 1e-200;
			log_scale += 200 * M_LN10;
		}
		if (fmod(i, 1048576) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return exp(LogAddExp(log_alive, log_first + log_scale + log(sum)));
}

/* The BG/BB model in argument 0 */
static BgbbParams
ModelArg(FunctionCallInfo fcinfo)
{
	return ParamsOf(ClvGetModel(fcinfo, 0, CLV_BGBB)->params);
}

/* Raise 22023 unless a number of future opportunities is a whole number in 0 .. 1000000 */
static void
CheckFutureOpportunities(float8 n_future)
{
	if (!(n_future >= 0 && n_future <= MAX_OPPORTUNITIES && n_future == floor(n_future)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of future opportunities must be a whole number between 0 and 1000000, not %g",
						n_future)));
}

/* crm.loglik(model, x, t_x, n): one customer's log-likelihood under the model */
PG_FUNCTION_INFO_V1(bgbb_customer_loglik);
Datum
bgbb_customer_loglik(PG_FUNCTION_ARGS)
{
	BgbbParams	p = ModelArg(fcinfo);
	float8		x = PG_GETARG_FLOAT8(1);
	float8		t_x = PG_GETARG_FLOAT8(2);
	float8		n = PG_GETARG_FLOAT8(3);

	ClvCheckOpportunities(x, t_x, n);
	PG_RETURN_FLOAT8(LogLikelihoodOf(&p, x, t_x, n));
}

/* crm.p_alive(model, x, t_x, n): probability the customer is alive at opportunity n + 1 */
PG_FUNCTION_INFO_V1(bgbb_p_alive);
Datum
bgbb_p_alive(PG_FUNCTION_ARGS)
{
	BgbbParams	p = ModelArg(fcinfo);
	float8		x = PG_GETARG_FLOAT8(1);
	float8		t_x = PG_GETARG_FLOAT8(2);
	float8		n = PG_GETARG_FLOAT8(3);

	ClvCheckOpportunities(x, t_x, n);
	PG_RETURN_FLOAT8(ProbabilityAlive(&p, x, t_x, n));
}

/* crm.expected_purchases(model, n_future): E[X(n_future)] for a new customer */
PG_FUNCTION_INFO_V1(bgbb_expected_purchases);
Datum
bgbb_expected_purchases(PG_FUNCTION_ARGS)
{
	BgbbParams	p = ModelArg(fcinfo);
	float8		n_future = PG_GETARG_FLOAT8(1);

	CheckFutureOpportunities(n_future);
	PG_RETURN_FLOAT8(p.alpha / (p.alpha + p.beta) * AliveOpportunities(&p, p.delta, n_future));
}

/*
 * crm.expected_purchases(model, n_future, x, t_x, n): expected purchases at
 * opportunities n+1 .. n+n_future of a customer (x, t_x, n)
 */
PG_FUNCTION_INFO_V1(bgbb_conditional_expected_purchases);
Datum
bgbb_conditional_expected_purchases(PG_FUNCTION_ARGS)
{
	BgbbParams	p = ModelArg(fcinfo);
	float8		n_future = PG_GETARG_FLOAT8(1);
	float8		x = PG_GETARG_FLOAT8(2);
	float8		t_x = PG_GETARG_FLOAT8(3);
	float8		n = PG_GETARG_FLOAT8(4);

	CheckFutureOpportunities(n_future);
	ClvCheckOpportunities(x, t_x, n);
	if (n_future == 0)
		PG_RETURN_FLOAT8(0);
	PG_RETURN_FLOAT8(exp(LogPosteriorBuyingAlive(&p, x, t_x, n)) *
					 AliveOpportunities(&p, p.delta + n, n_future));
}

/* crm.purchase_probability(model, k, n_future): P(X(n_future) = k) for a new customer */
PG_FUNCTION_INFO_V1(bgbb_purchase_probability);
Datum
bgbb_purchase_probability(PG_FUNCTION_ARGS)
{
	BgbbParams	p = ModelArg(fcinfo);
	int32		k = PG_GETARG_INT32(1);
	float8		n_future = PG_GETARG_FLOAT8(2);

	if (k < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of purchases must not be negative, not %d", k)));
	CheckFutureOpportunities(n_future);
	PG_RETURN_FLOAT8(PurchaseProbability(&p, (float8) k, n_future));
}

/*
 * crm.dert(model, x, t_x, n, discount_rate): discounted expected residual
 * transactions (FHS 2010 eq. 13), sum over k >= 1 of P(buys at n + k | data)
 * / (1 + d)^k = exp(LogPosteriorBuyingAlive) B(gamma, delta+n+1)/B(gamma,
 * delta+n) / (1 + d) 2F1(1, delta+n+1; gamma+delta+n+1; 1/(1 + d))
 */
PG_FUNCTION_INFO_V1(bgbb_dert);
Datum
bgbb_dert(PG_FUNCTION_ARGS)
{
	BgbbParams	p = ModelArg(fcinfo);
	float8		x = PG_GETARG_FLOAT8(1);
	float8		t_x = PG_GETARG_FLOAT8(2);
	float8		n = PG_GETARG_FLOAT8(3);
	float8		d = PG_GETARG_FLOAT8(4);
	float8		b = p.delta + n + 1;
	float8		series;

	ClvCheckOpportunities(x, t_x, n);
	if (!(d > 0 && isfinite(d)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("discount rate must be a finite number > 0, not %g", d),
				 errdetail("The residual transactions are summed over an unbounded future, which needs a positive rate."),
				 errhint("The rate is per opportunity: for an annual rate d and monthly opportunities use (1 + d)^(1/12) - 1.")));

	/*
	 * The series' terms are positive with ratios below z = 1/(1 + d): its
	 * tail is bounded and it converges, in about log(1e16/d)/d terms
	 */
	if (!Hyp2F1Series(1, b, p.gamma + b, 1 / (1 + d), &series))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot evaluate the discounted residual transactions for discount rate %g", d),
				 errdetail("The hypergeometric series 2F1(1, delta+n+1; gamma+delta+n+1; 1/(1+d)) needs too many terms at this rate."),
				 errhint("Use a discount rate per opportunity of at least 1e-4.")));
	PG_RETURN_FLOAT8(exp(LogPosteriorBuyingAlive(&p, x, t_x, n) +
						 log((p.delta + n) / (p.gamma + p.delta + n)) - log1p(d)) * series);
}
