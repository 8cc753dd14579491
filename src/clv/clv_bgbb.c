/*
 * clv_bgbb.c
 *		The BG/BB model for discrete purchase opportunities (Fader, Hardie &
 *		Shang 2010, "Customer-Base Analysis in a Discrete-Time Noncontractual
 *		Setting", Marketing Science 29(6)): likelihood with analytic gradient
 *		and predictions, as the operations of its kind (clv_ops.h).
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
 * opportunity j".  The terms of the sum depend on x and j only, with the
 * ratio (beta+j-x)/(alpha+beta+j) (delta+j)/(gamma+delta+j+1) < 1 between
 * consecutive ones, so the fit groups its distinct tuples by (x, n) and
 * sums each group's terms once, backwards from j = n-1 (the smallest term)
 * with one multiply per term and no lgamma in the loop, reading off each
 * customer's sum when j reaches its t_x: O(n - min t_x) per group.  The
 * digammas of the gradient follow by psi(z) = psi(z+1) - 1/z, and the two
 * parts of L are added in log space.
 *
 * Predictions use B(gamma, s+t)/B(gamma, s) = prod_{i<t} (s+i)/(gamma+s+i):
 * the expected number of purchases over m opportunities after s is a sum
 * of such ratios, in closed form s/(gamma-1) (1 - R) with R a ratio of
 * gamma functions; it is evaluated without cancellation (also at gamma = 1,
 * its limit) through the slope (lgamma(x+e) - lgamma(x))/e, e = gamma - 1.
 */
#include "crm.h"
#include "clv_ops.h"
#include "numerics.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"

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
	bool		exact;			/* log B differences as LogBetaRatio, exact at
								 * extreme parameters (predictions; the fit
								 * keeps its LogBetaStable differences) */
} BgbbConstants;

/*
 * A fit's distinct (x, t_x, n) tuples grouped by (x, n): the customers of a
 * group share the terms of the likelihood's sum and differ only in where it
 * starts (t_x), so one pass over the terms serves the whole group
 */
typedef struct BgbbData
{
	int32		n_groups;		/* distinct (x, n) */
	float8	   *x;				/* each group's purchases */
	float8	   *n;				/* each group's opportunities */
	int32	   *group_start;	/* members of group g are group_start[g] ..
								 * group_start[g+1]-1 */
	float8	   *t_x;			/* each member's last purchase, decreasing
								 * within its group */
	float8	   *weight;			/* customers with each member's tuple */
} BgbbData;

/*
 * Expectations of the digamma terms of the likelihood's derivatives over one
 * of its parts (alive through n, or dropped out after t_x .. n-1)
 */
typedef struct PsiTerms
{
	float8		ab;				/* psi(alpha+beta+j) */
	float8		b_ab;			/* psi(beta+j-x) - psi(alpha+beta+j) */
	float8		gd;				/* psi(gamma+delta+j) (+1 when dropped out) */
	float8		d_gd;			/* psi(delta+j) - the previous */
} PsiTerms;

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
	float8		inverse_x[8];	/* x^-i */
	float8		inverse_y[8];	/* y^-i */

	while (x < STIRLING_MIN)
	{
		/* slope(x) = slope(x + 1) - log1p(e/x)/e */
		slope -= Log1pOverX(e / x) / x;
		x += 1;
	}
	/* lgamma(y) = (y - 1/2) log y - y + log(2 pi)/2 + sum c_k / y^(2k-1) */
	y = x + e;
	slope += (x - 0.5) * Log1pOverX(e / x) / x + log(y) - 1;
	inverse_x[0] = inverse_y[0] = 1;
	for (int i = 1; i <= 7; i++)
	{
		inverse_x[i] = inverse_x[i - 1] / x;
		inverse_y[i] = inverse_y[i - 1] / y;
	}
	for (int k = 0; k < 4; k++)
	{
		int			m = 2 * k + 1;
		float8		divided = 0;	/* (y^-m - x^-m) / e */

		for (int j = 0; j < m; j++)
			divided -= inverse_x[m - j] * inverse_y[j + 1];
		slope += coefficients[k] * divided;
	}
	return slope;
}

/* log B(a, b) for a, b > 0, without the rounding of lgamma(b) when b is large */
static float8
LogBetaStable(float8 a, float8 b)
{
	float8		small = Min(a, b);
	float8		large = Max(a, b);

	if (large < STIRLING_MIN)
		return LogBeta(a, b);
	/* lgamma(large) - lgamma(large + small) = -small slope(large, small) */
	return lgamma(small) - small * LogGammaSlope(large, small);
}

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
	k.log_beta_ab = LogBetaStable(p->alpha, p->beta);
	k.log_beta_gd = LogBetaStable(p->gamma, p->delta);
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
	/* exact: as ratios, for the difference of two log B loses every digit at 1e20 */
	if (k == NULL || k->exact)
		return LogBetaRatio(p->alpha, p->beta, x, n - x) + LogBetaRatio(p->gamma, p->delta, 0, n);
	return LogBetaStable(p->alpha + x, p->beta + n - x) - k->log_beta_ab +
		LogBetaStable(p->gamma, p->delta + n) - k->log_beta_gd;
}

/*
 * Add weight times the derivatives of a customer's log-likelihood to
 * gradient, given psi(alpha+x), the shares of the two parts in L and their
 * digamma terms
 */
static void
AddCustomerGradient(const BgbbParams *p, const BgbbConstants *k, float8 psi_ax,
					float8 w_alive, const PsiTerms *alive, float8 w_dropout,
					const PsiTerms *dropout, float8 weight, float8 *gradient)
{
	gradient[0] += weight * (psi_ax - k->psi_a + k->psi_ab -
							 w_alive * alive->ab - w_dropout * dropout->ab);
	gradient[1] += weight * (k->psi_ab - k->psi_b +
							 w_alive * alive->b_ab + w_dropout * dropout->b_ab);
	gradient[2] += weight * (k->psi_gd + w_dropout / p->gamma -
							 w_alive * alive->gd - w_dropout * dropout->gd);
	gradient[3] += weight * (k->psi_gd - k->psi_d +
							 w_alive * alive->d_gd + w_dropout * dropout->d_gd);
}

/*
 * Weighted log-likelihood of the customers with x purchases in n
 * opportunities whose last purchases t_x[0 .. n_members-1] decrease; if
 * gradient is not NULL, adds its derivatives to gradient[0..3].  The
 * dropout terms j = n-1, n-2, ... are summed backwards, from the smallest,
 * relative to term n-1 with a running scale against overflow; a customer's
 * sum is complete when j reaches its t_x.
 */
static float8
GroupLogLikelihood(const BgbbParams *p, const BgbbConstants *k, float8 x, float8 n,
				   const float8 *t_x, const float8 *weight, int32 n_members,
				   float8 *gradient)
{
	float8		log_alive = LogAliveTerm(p, k, x, n);
	float8		psi_ax = 0;
	PsiTerms	alive = {0, 0, 0, 0};
	PsiTerms	none = {0, 0, 0, 0};
	float8		total = 0;
	int32		m = 0;
	float8		j = n - 1;
	float8		log_first;		/* log of term n-1 */
	float8		log_scale = 0;	/* log of the running scale */
	float8		term = 1;		/* term j / (term n-1 x scale) */
	float8		sum = 0;		/* sum of terms j .. n-1, likewise */
	PsiTerms	sums = {0, 0, 0, 0};	/* ... weighted by the digamma terms */
	float8		psi_b = 0,
				psi_ab = 0,
				psi_d = 0,
				psi_gd = 0;

	if (gradient)
	{
		psi_ax = Digamma(p->alpha + x);
		alive.ab = Digamma(p->alpha + p->beta + n);
		alive.b_ab = Digamma(p->beta + n - x) - alive.ab;
		alive.gd = Digamma(p->gamma + p->delta + n);
		alive.d_gd = Digamma(p->delta + n) - alive.gd;
	}

	/* customers who bought at the last opportunity are alive through n */
	for (; m < n_members && t_x[m] >= n; m++)
	{
		total += weight[m] * log_alive;
		if (gradient)
			AddCustomerGradient(p, k, psi_ax, 1, &alive, 0, &none, weight[m], gradient);
	}
	if (m == n_members)
		return total;

	if (k->exact)
		log_first = LogBetaRatio(p->alpha, p->beta, x, j - x) + LogBetaRatio(p->gamma, p->delta, 1, j);
	else
		log_first = LogBetaStable(p->alpha + x, p->beta + j - x) - k->log_beta_ab +
			LogBetaStable(p->gamma + 1, p->delta + j) - k->log_beta_gd;
	if (gradient)
	{
		psi_b = Digamma(p->beta + j - x);
		psi_ab = Digamma(p->alpha + p->beta + j);
		psi_d = Digamma(p->delta + j);
		psi_gd = Digamma(p->gamma + p->delta + j + 1);
	}
	for (;;)
	{
		float8		b_j,
					ab_j,
					d_j,
					gd_j;

		sum += term;
		if (gradient)
		{
			sums.ab += term * psi_ab;
			sums.b_ab += term * (psi_b - psi_ab);
			sums.gd += term * psi_gd;
			sums.d_gd += term * (psi_d - psi_gd);
		}
		/* the customers whose sum starts at j */
		for (; m < n_members && t_x[m] == j; m++)
		{
			float8		log_dropout = log_first + log_scale + log(sum);
			float8		ll = LogAddExp(log_alive, log_dropout);

			total += weight[m] * ll;
			if (gradient)
			{
				PsiTerms	dropout;

				dropout.ab = sums.ab / sum;
				dropout.b_ab = sums.b_ab / sum;
				dropout.gd = sums.gd / sum;
				dropout.d_gd = sums.d_gd / sum;

				AddCustomerGradient(p, k, psi_ax, exp(log_alive - ll), &alive,
									exp(log_dropout - ll), &dropout, weight[m], gradient);
			}
		}
		if (m == n_members)
			break;

		/* term j-1 = term j (alpha+beta+j-1)(gamma+delta+j) / ((beta+j-1-x)(delta+j-1)) */
		j -= 1;
		b_j = k->exact ? p->beta + (j - x) : p->beta + j - x;
		ab_j = p->alpha + p->beta + j;
		d_j = p->delta + j;
		gd_j = p->gamma + p->delta + j + 1;
		term *= (ab_j * gd_j) / (b_j * d_j);
		if (gradient)
		{
			/* psi(z) = psi(z + 1) - 1/z */
			psi_b -= 1 / b_j;
			psi_ab -= 1 / ab_j;
			psi_d -= 1 / d_j;
			psi_gd -= 1 / gd_j;
		}
		if (term > 1e200)
		{
			term *= 1e-200;
			sum *= 1e-200;
			sums.ab *= 1e-200;
			sums.b_ab *= 1e-200;
			sums.gd *= 1e-200;
			sums.d_gd *= 1e-200;
			log_scale += 200 * M_LN10;
		}
		if (fmod(j, 1048576) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return total;
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
	for (int32 g = 0; g < data->n_groups; g++)
	{
		int32		first = data->group_start[g];

		total += GroupLogLikelihood(&p, &k, data->x[g], data->n[g], data->t_x + first,
									data->weight + first, data->group_start[g + 1] - first,
									gradient);
		CHECK_FOR_INTERRUPTS();
	}
	return total;
}

/* qsort comparator of tuples by x, then n, then decreasing t_x */
static int
CompareGroupOrder(const void *a, const void *b)
{
	const WeightedTuple *ta = (const WeightedTuple *) a;
	const WeightedTuple *tb = (const WeightedTuple *) b;

	if (ta->v[0] != tb->v[0])
		return ta->v[0] < tb->v[0] ? -1 : 1;
	if (ta->v[2] != tb->v[2])
		return ta->v[2] < tb->v[2] ? -1 : 1;
	if (ta->v[1] != tb->v[1])
		return ta->v[1] > tb->v[1] ? -1 : 1;
	return 0;
}

/* The tuples of a fit state grouped by (x, n) (the prepare operation) */
static void *
BgbbPrepare(const WeightedTuple *sorted, int32 n_tuples)
{
	BgbbData   *data = (BgbbData *) palloc0(sizeof(BgbbData));
	WeightedTuple *tuples = (WeightedTuple *) palloc(sizeof(WeightedTuple) * Max(n_tuples, 1));

	memcpy(tuples, sorted, sizeof(WeightedTuple) * (Size) n_tuples);
	qsort(tuples, n_tuples, sizeof(WeightedTuple), CompareGroupOrder);
	data->x = (float8 *) palloc(sizeof(float8) * n_tuples);
	data->n = (float8 *) palloc(sizeof(float8) * n_tuples);
	data->group_start = (int32 *) palloc(sizeof(int32) * (n_tuples + 1));
	data->t_x = (float8 *) palloc(sizeof(float8) * n_tuples);
	data->weight = (float8 *) palloc(sizeof(float8) * n_tuples);
	for (int32 i = 0; i < n_tuples; i++)
	{
		if (i == 0 || tuples[i].v[0] != tuples[i - 1].v[0] || tuples[i].v[2] != tuples[i - 1].v[2])
		{
			data->x[data->n_groups] = tuples[i].v[0];
			data->n[data->n_groups] = tuples[i].v[2];
			data->group_start[data->n_groups++] = i;
		}
		data->t_x[i] = tuples[i].v[1];
		data->weight[i] = (float8) tuples[i].count;
	}
	data->group_start[data->n_groups] = n_tuples;
	pfree(tuples);
	return data;
}

/* check_data: 22000 unless some customer made a purchase */
static void
BgbbCheckData(const ClvModelSpec *spec, const WeightedTuple *tuples, int32 n_tuples, int64 n)
{
	if (ClvAnyPurchase(tuples, n_tuples))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_DATA_EXCEPTION),
			 errmsg("cannot fit the %s model: no customer made a purchase", spec->title),
			 errdetail("All " INT64_FORMAT " customers have x = 0, which does not identify the purchase probability.",
					   n)));
}

/* Uniform mixing distributions, as BTYD's bgbb.EstimateParameters */
static void
BgbbStart(const WeightedTuple *tuples pg_attribute_unused(), int32 n_tuples pg_attribute_unused(),
		  float8 *start)
{
	for (int i = 0; i < 4; i++)
		start[i] = 1;
}

/* ---------------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------------
 */

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
	float8		one = 1;

	k.exact = true;
	return GroupLogLikelihood(p, &k, x, n, &t_x, &one, 1, NULL);
}

/*
 * log of P(data, alive at n, buys at a given later opportunity t) / (B(gamma,
 * delta + t)/B(gamma, delta + n)): B(alpha+x+1, beta+n-x)/B(alpha,beta)
 * B(gamma,delta+n)/B(gamma,delta), less the customer's log-likelihood
 */
static float8
LogPosteriorBuyingAlive(const BgbbParams *p, float8 x, float8 t_x, float8 n)
{
	return LogBetaRatio(p->alpha, p->beta, x + 1, n - x) + LogBetaRatio(p->gamma, p->delta, 0, n) -
		LogLikelihoodOf(p, x, t_x, n);
}

/* P(alive at opportunity n + 1 | x, t_x, n) */
static float8
ProbabilityAlive(const BgbbParams *p, float8 x, float8 t_x, float8 n)
{
	float8		log_alive = LogAliveTerm(p, NULL, x, n) +
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
	float8		log_alive;
	float8		log_first;
	float8		term = 1;		/* term i / exp(log_first + log_scale) */
	float8		sum = 0;
	float8		log_scale = 0;

	if (k > m)
		return 0;
	/* alive through m: C(m, k) B(alpha+k, beta+m-k)/B(alpha,beta) B(gamma,delta+m)/B(gamma,delta) */
	log_alive = -log(m + 1) - LogBetaStable(k + 1, m - k + 1) + LogAliveTerm(p, NULL, k, m);
	if (k == m)
		return ClampProbability(exp(log_alive), "purchase probability");

	/*
	 * dropped out after opportunity i = k .. m-1: C(i, k) B(alpha+k,
	 * beta+i-k)/B(alpha,beta) B(gamma+1, delta+i)/B(gamma,delta), summed
	 * relative to the i = k term with a running scale against overflow
	 */
	log_first = LogBetaRatio(p->alpha, p->beta, k, 0) + LogBetaRatio(p->gamma, p->delta, 1, k);
	for (float8 i = k; i < m; i++)
	{
		sum += term;
		term *= (i + 1) / (i + 1 - k) * (p->beta + (i - k)) / (p->alpha + p->beta + i) *
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
	return ClampProbability(exp(LogAddExp(log_alive, log_first + log_scale + log(sum))),
							"purchase probability");
}

/* One customer's log-likelihood (the customer_loglik operation) */
static float8
BgbbCustomerLoglik(const ClvModel *model, const float8 *customer)
{
	BgbbParams	p = ParamsOf(model->params);

	/* the log of a probability: a rounding above 0 is 0 */
	return Min(LogLikelihoodOf(&p, customer[0], customer[1], customer[2]), 0);
}

/* P(alive at opportunity n + 1) of a customer (x, t_x, n) (the p_alive operation) */
static float8
BgbbPAlive(const ClvModel *model, const float8 *customer)
{
	BgbbParams	p = ParamsOf(model->params);

	return ProbabilityAlive(&p, customer[0], customer[1], customer[2]);
}

/*
 * Expected purchases at opportunities n+1 .. n+n_future of a customer (x,
 * t_x, n), or E[X(n_future)] of a new customer (the expected operation)
 */
static float8
BgbbExpected(const ClvModel *model, float8 n_future, const float8 *customer)
{
	BgbbParams	p = ParamsOf(model->params);

	if (customer == NULL)
		return p.alpha / (p.alpha + p.beta) * AliveOpportunities(&p, p.delta, n_future);
	if (n_future == 0)
		return 0;
	return exp(LogPosteriorBuyingAlive(&p, customer[0], customer[1], customer[2])) *
		AliveOpportunities(&p, p.delta + customer[2], n_future);
}

/* P(X(n_future) = k) for a new customer (the pmf operation) */
static float8
BgbbPmf(const ClvModel *model, float8 k, float8 n_future)
{
	BgbbParams	p = ParamsOf(model->params);

	return PurchaseProbability(&p, k, n_future);
}

/*
 * Discounted expected residual transactions (FHS 2010 eq. 13), sum over k
 * >= 1 of P(buys at n + k | data) / (1 + d)^k = exp(LogPosteriorBuyingAlive)
 * B(gamma, delta+n+1)/B(gamma, delta+n) / (1 + d) 2F1(1, delta+n+1;
 * gamma+delta+n+1; 1/(1 + d)) (the dert operation)
 */
static float8
BgbbDert(const ClvModel *model, const float8 *customer, float8 d)
{
	BgbbParams	p = ParamsOf(model->params);
	float8		x = customer[0];
	float8		t_x = customer[1];
	float8		n = customer[2];
	float8		b = p.delta + n + 1;
	float8		series;

	CheckPositiveDiscountRate(d, "DERT sums the residual transactions over an unbounded future. The rate is per opportunity: for an annual rate d and monthly opportunities use (1 + d)^(1/12) - 1.");

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
	return exp(LogPosteriorBuyingAlive(&p, x, t_x, n) +
			   log((p.delta + n) / (p.gamma + p.delta + n)) - log1p(d)) * series;
}

/* The BG/BB model */
const ClvModelOps ClvBgbbOps = {
	.spec = {CLV_BGBB, "bgbb", "BG/BB", TUPLE_SHAPE_OPPORTUNITIES, 4, {"alpha", "beta", "gamma", "delta"}},
	.penalized = true,
	.check_data = BgbbCheckData,
	.start = BgbbStart,
	.prepare = BgbbPrepare,
	.loglik = BgbbLogLikelihood,
	.customer_loglik = BgbbCustomerLoglik,
	.p_alive = BgbbPAlive,
	.expected = BgbbExpected,
	.pmf = BgbbPmf,
	.dert = BgbbDert,
};

/* Final function of crm.bgbb_fit: the fitted BG/BB model, NULL for no rows */
PG_FUNCTION_INFO_V1(bgbb_fit_final);
Datum
bgbb_fit_final(PG_FUNCTION_ARGS)
{
	return ClvFitFinal(fcinfo, &ClvBgbbOps);
}

/* crm.bgbb(alpha, beta, gamma, delta): a BG/BB model from given parameters */
PG_FUNCTION_INFO_V1(bgbb_make);
Datum
bgbb_make(PG_FUNCTION_ARGS)
{
	return ClvModelMake(fcinfo, &ClvBgbbOps);
}
