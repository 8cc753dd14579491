/*
 * clv_pmf.c
 *		Predictive distributions of the purchase counts: the Pareto/NBD's
 *		unconditional P(X(t) = n) (its pmf operation), its conditional
 *		P(X(T, T + t) = n | x, t_x, T) (its conditional_pmf operation), and
 *		the scorer crm.purchase_probability(model, n, horizon, x, t_x, T [,
 *		life_z, trans_z]) of every kind with a conditional_pmf (BG/NBD and
 *		MBG/NBD fill theirs in clv_bgnbd.c).
 *
 * The Pareto/NBD PMF.  Given the purchase rate lambda and the dropout rate
 * mu, a customer alive throughout (0, t] (probability e^(-mu t)) makes a
 * Poisson(lambda t) count, one who dies at tau < t a Poisson(lambda tau)
 * one.  Mixed over lambda ~ Gamma(r, alpha) and mu ~ Gamma(s, beta):
 *
 *	 P(X(t) = n) = NBD(n; t) (beta / (beta + t))^s
 *				 + integral_0^t NBD(n; tau) (s / beta) (beta / (beta + tau))^(s+1) dtau
 *
 * with NBD(n; tau) = C_n (alpha / (alpha + tau))^r (tau / (alpha + tau))^n,
 * C_n = Gamma(r + n) / (Gamma(r) n!) (Fader & Hardie, "Deriving an
 * expression for P(X(t) = x) under the Pareto/NBD model", 2006, derive the
 * same quantity as a difference of Gauss hypergeometric terms).  Here the
 * integral is evaluated without that difference: with u = tau / (alpha +
 * tau) it is
 *
 *	 I(n) = C_n s alpha beta^s integral_0^U u^n (1-u)^(r+s-1)
 *				(beta + (alpha - beta) u)^-(s+1) du,	 U = t / (alpha + t),
 *
 * and the last factor is expanded in a binomial series of positive terms:
 *
 *	 alpha >= beta, k = (alpha - beta) / alpha:
 *	   I(n) = C_n s (beta/alpha)^s sum_m (s+1)_m / m! k^m J(n+1, r+s+m)
 *	 alpha < beta, k = (beta - alpha) / beta:
 *	   I(n) = C_n s (alpha/beta) sum_m (s+1)_m / m! k^m J(n+1+m, r+s)
 *
 * (when k is so close to 1 that the series would need more than
 * PMF_SERIES_TERMS terms, or PMF_SERIES_BETA_TERMS for alpha < beta, the
 * integral over tau is taken by the adaptive Gauss-Kronrod quadrature of
 * the GGom/NBD instead, to a relative 1e-10);
 * J(a, b) = B(a, b) I_U(a, b) the incomplete beta integral; the first by
 * the upward recurrence J(a, b+1) = (b J(a, b) + U^a (1-U)^b) / (a + b)
 * (positive terms), the second by the regularized incomplete beta function
 * per term.  Everything is scaled by C_n J of the first term in log space
 * (gamma ratios), so that n in the millions neither overflows nor loses
 * digits; the series stops when a geometric bound on its tail is below
 * 1e-17 of the sum.
 *
 * The GGom/NBD PMF is the same mixture with the gamma-mixed Gompertz
 * lifetime (Bemmaor & Glady 2012): S(tau) = (beta / (beta + e^(b tau) -
 * 1))^s, density s b e^(b tau) beta^s (beta + e^(b tau) - 1)^-(s+1); its
 * integral over the death time is evaluated by the adaptive Gauss-Kronrod
 * quadrature of the GGom/NBD's other predictions (clv_ggomnbd_math.h, to a
 * relative 1e-10), the integrand in log space.
 *
 * The conditional PMF: a customer alive at T has the posterior rates
 * lambda ~ Gamma(r + x, alpha + T), mu ~ Gamma(s, beta + T), and both
 * processes are memoryless, so
 *
 *	 P(X(T, T+t) = n | x, t_x, T) = [n = 0] (1 - P(alive))
 *								   + P(alive) PMF(n; t | r+x, alpha+T, s, beta+T).
 */
#include "crm.h"
#include "clv_covariates.h"
#include "clv_ggomnbd_math.h"
#include "numerics.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

/*
 * The series is summed when its terms fall fast enough to need at most
 * about this many (alpha >= beta: upward recurrences, cheap; alpha < beta:
 * an incomplete beta function per term); else the integral is taken by
 * quadrature
 */
#define PMF_SERIES_TERMS 20000
#define PMF_SERIES_BETA_TERMS 400
/* Most terms of the binomial series once chosen */
#define PMF_MAX_TERMS 1000000
/* Terms between interrupt checks */
#define PMF_INTERRUPT_INTERVAL 65536

/* Raise 22003: a PMF that cannot be evaluated in double precision */
static void
PmfFailed(float8 n, float8 t, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("purchase probability cannot be computed for n = %g and horizon %g", n, t),
			 errdetail("%s", why)));
}

/* log J(a, b) = log(B(a, b) I_U(a, b)) less lbeta(a, b); -inf when it underflows */
static float8
LogRegularizedBeta(float8 a, float8 b, float8 u, float8 u1, float8 n, float8 t)
{
	float8		value;

	if (!RegularizedBeta(a, b, u, u1, &value))
		PmfFailed(n, t, "The incomplete beta function does not converge in double precision.");
	return value > 0 ? log(value) : -INFINITY;
}

/*
 * About how many terms a series sum_m (s+1)_m / m! rho^m f_m (f_m <= 1
 * falling) needs: past the peak of its coefficients, near (s + 1) rho / (1 -
 * rho), until rho^m is below 1e-17
 */
static float8
SeriesTerms(float8 s, float8 rho)
{
	if (rho <= 0)
		return 1;
	if (rho >= 1)
		return INFINITY;
	return (s + 1) * rho / (1 - rho) + 40 / -log(rho);
}

/* The Pareto/NBD PMF's integrand over the death time tau: its parameters and count */
typedef struct ParetoPmfIntegrand
{
	float8		r;				/* the parameters */
	float8		alpha;
	float8		s;
	float8		beta;
	float8		n;				/* the count */
	float8		log_cn;			/* log Gamma(r + n) / (Gamma(r) n!) */
} ParetoPmfIntegrand;

static float8 LogNbd(float8 r, float8 alpha, float8 n, float8 log_cn, float8 tau);

/* The integrand at tau: NBD(n; tau) (s / beta) (beta / (beta + tau))^(s+1) */
static bool
ParetoPmfAt(double tau, void *context, double *values)
{
	ParetoPmfIntegrand *c = (ParetoPmfIntegrand *) context;

	values[0] = exp(LogNbd(c->r, c->alpha, c->n, c->log_cn, tau) + log(c->s) - log(c->beta) -
					(c->s + 1) * log1p(tau / c->beta));
	return isfinite(values[0]);
}

/* The dropout integral of the Pareto/NBD PMF by quadrature (22023 when it fails) */
static float8
ParetoDeadByQuadrature(float8 r, float8 alpha, float8 s, float8 beta, float8 n, float8 t)
{
	ParetoPmfIntegrand c = {r, alpha, s, beta, n, LogGammaRatio(r, n) - lgamma(n + 1)};
	double		value;
	double		magnitude;
	int			segments;

	if (!GgomIntegrate(ParetoPmfAt, &c, 1, 0, t, &value, &magnitude, &segments))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("purchase probability cannot be computed for n = %g and horizon %g", n, t),
				 errdetail("The quadrature over the dropout time does not reach its tolerance.")));
	return value;
}

/*
 * The Pareto/NBD's P(X(t) = n) for a new customer at parameters (r, alpha,
 * s, beta), n >= 0 whole, 0 <= t finite (see the file comment)
 */
float8
ClvParetonbdPmf(float8 r, float8 alpha, float8 s, float8 beta, float8 n, float8 t)
{
	float8		w = t / alpha;
	float8		log_u = log(w) - log1p(w);	/* log(t / (alpha + t)) */
	float8		log_u1 = -log1p(w); /* log(alpha / (alpha + t)) */
	float8		u = w / (1 + w);
	float8		u1 = 1 / (1 + w);
	float8		log_cn = LogGammaRatio(r, n) - lgamma(n + 1);
	float8		alive;
	float8		dead;
	float8		sum = 1;		/* the series, scaled by its first term */
	float8		coefficient = 1;	/* (s+1)_m / m! k^m */
	float8		log_i0;			/* log I_U(n + 1, r + s) */
	float8		log_first;		/* log of the first term's C_n J */
	float8		log_front;		/* log of the factor in front of the sum */
	bool		alpha_larger = alpha >= beta;
	float8		k = alpha_larger ? (alpha - beta) / alpha : (beta - alpha) / beta;

	if (t == 0)
		return n == 0 ? 1 : 0;
	if (!isfinite(w))
		CheckResultFinite(w, "horizon / alpha of the purchase probability");

	/* alive throughout (0, t] */
	alive = exp(log_cn + r * log_u1 + (n > 0 ? n * log_u : 0) - s * log1p(t / beta));

	/* died at tau < t: by quadrature when the series would be long */
	if ((alpha_larger && k > 0 && SeriesTerms(s, k) > PMF_SERIES_TERMS) ||
		(!alpha_larger && SeriesTerms(s, k * u) > PMF_SERIES_BETA_TERMS))
	{
		dead = ParetoDeadByQuadrature(r, alpha, s, beta, n, t);
		CheckResultFinite(dead, "purchase probability");
		return ClampProbability(alive + dead, "purchase probability");
	}

	/* else the series: C_n J(n + 1, r + s) first, in log space */
	log_i0 = LogRegularizedBeta(n + 1, r + s, u, u1, n, t);
	log_first = LogGammaRatio(r, n) - LogGammaRatio(r + s, n + 1) + log_i0;
	log_front = log(s) + (alpha_larger ? s * log(beta / alpha) : log(alpha / beta));
	if (log_first == -INFINITY)
		return ClampProbability(alive, "purchase probability");
	if (k > 0)
	{
		float8		j = 1;		/* J of term m over J of the first */

		for (int64 m = 0;; m++)
		{
			float8		term;
			float8		ratio;

			if (m % PMF_INTERRUPT_INTERVAL == PMF_INTERRUPT_INTERVAL - 1)
				CHECK_FOR_INTERRUPTS();
			if (m >= PMF_MAX_TERMS)
				PmfFailed(n, t, "The series of the dropout integral does not converge: alpha and beta are too far apart.");
			coefficient *= (s + 1 + m) / (m + 1) * k;
			if (alpha_larger)
			{
				float8		b = r + s + m;

				/* J(n+1, b+1) = (b J(n+1, b) + U^(n+1) (1-U)^b) / (n+1+b) */
				j = (b * j + exp((n + 1) * log_u + b * log_u1 - log_first + log_cn)) / (n + 1 + b);
				ratio = (s + 2 + m) / (m + 2) * k;
			}
			else
			{
				/* J(n+2+m, r+s) relative to J(n+1, r+s) */
				j = exp(LogGammaRatio(n + 1, m + 1) - LogGammaRatio(r + s + n + 1, m + 1) +
						LogRegularizedBeta(n + 2 + m, r + s, u, u1, n, t) - log_i0);
				ratio = (s + 2 + m) / (m + 2) * k * u;
			}
			term = coefficient * j;
			sum += term;
			/* past the largest term the ratios fall: a geometric tail bound */
			if (ratio < 1 && term * ratio / (1 - ratio) <= 1e-17 * sum)
				break;
			if (term == 0 && ratio < 1)
				break;
		}
	}
	dead = exp(log_first + log_front) * sum;
	CheckResultFinite(dead, "purchase probability");
	return ClampProbability(alive + dead, "purchase probability");
}

/* The GGom/NBD PMF's integrand over the death time tau: its parameters and count */
typedef struct GgomPmfIntegrand
{
	GgomParams	p;				/* the model */
	float8		n;				/* the count */
	float8		log_cn;			/* log Gamma(r + n) / (Gamma(r) n!) */
} GgomPmfIntegrand;

/* log(beta + e^y - 1) for y >= 0, without overflow */
static float8
LogShifted(float8 beta, float8 y)
{
	if (y < 30)
		return log(beta + expm1(y));
	return y + log1p((beta - 1) * exp(-y));
}

/* log NBD(n; tau): n purchases in (0, tau] of a customer alive throughout */
static float8
LogNbd(float8 r, float8 alpha, float8 n, float8 log_cn, float8 tau)
{
	float8		w = tau / alpha;

	if (n > 0 && tau == 0)
		return -INFINITY;
	return log_cn - r * log1p(w) + (n > 0 ? n * (log(w) - log1p(w)) : 0);
}

/* The integrand at tau: NBD(n; tau) times the death density at tau */
static bool
GgomPmfAt(double tau, void *context, double *values)
{
	GgomPmfIntegrand *c = (GgomPmfIntegrand *) context;
	float8		y = c->p.b * tau;
	float8		log_density = log(c->p.s) + log(c->p.b) + y + c->p.s * log(c->p.beta) -
		(c->p.s + 1) * LogShifted(c->p.beta, y);

	values[0] = exp(LogNbd(c->p.r, c->p.alpha, c->n, c->log_cn, tau) + log_density);
	return isfinite(values[0]);
}

/* P(X(t) = n) of a new GGom/NBD customer (its pmf operation) */
float8
ClvGgomnbdPmfOperation(const ClvModel *model, float8 n, float8 t)
{
	GgomPmfIntegrand c;
	float8		alive;
	double		dead;
	double		magnitude;
	int			segments;

	if (t == 0)
		return n == 0 ? 1 : 0;
	c.p.r = model->params[0];
	c.p.alpha = model->params[1];
	c.p.b = model->params[2];
	c.p.s = model->params[3];
	c.p.beta = model->params[4];
	c.n = n;
	c.log_cn = LogGammaRatio(c.p.r, n) - lgamma(n + 1);
	if (!isfinite(t / c.p.alpha))
		CheckResultFinite(t / c.p.alpha, "horizon / alpha of the purchase probability");
	/* alive throughout (0, t]: S(t) = (beta / (beta + e^(b t) - 1))^s */
	alive = exp(LogNbd(c.p.r, c.p.alpha, n, c.log_cn, t) +
				c.p.s * (log(c.p.beta) - LogShifted(c.p.beta, c.p.b * t)));
	if (!GgomIntegrate(GgomPmfAt, &c, 1, 0, t, &dead, &magnitude, &segments))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("purchase probability cannot be computed for n = %g and horizon %g", n, t),
				 errdetail("The quadrature over the death time does not reach its tolerance.")));
	CheckResultFinite(dead, "purchase probability");
	return ClampProbability(alive + dead, "purchase probability");
}

/* P(X(t) = n) of a new Pareto/NBD customer (its pmf operation) */
float8
ClvParetonbdPmfOperation(const ClvModel *model, float8 n, float8 t)
{
	return ClvParetonbdPmf(model->params[0], model->params[1], model->params[2],
						   model->params[3], n, t);
}

/* P(X(T, T + t) = n | x, t_x, T) under the Pareto/NBD (its conditional_pmf operation) */
float8
ClvParetonbdConditionalPmf(const ClvModel *model, float8 n, float8 t, const float8 *customer)
{
	float8		alive = ClvParetonbdOps.p_alive(model, customer);
	float8		value;

	if (isnan(alive))
		return alive;
	value = alive * ClvParetonbdPmf(model->params[0] + customer[0],
									model->params[1] + customer[2],
									model->params[2], model->params[3] + customer[2], n, t);
	if (n == 0)
		value += 1 - alive;
	return ClampProbability(value, "purchase probability");
}

/*
 * crm.purchase_probability(model, n, horizon, x, t_x, T [, life_z,
 * trans_z]): P(X(T, T + horizon) = n | x, t_x, T), with covariates by the
 * customer's own model; NULL for a customer the model cannot score
 */
static Datum
ConditionalPurchaseProbability(FunctionCallInfo fcinfo, bool covariates)
{
	ClvModel   *model;
	const ClvModelOps *ops;
	int32		n = PG_GETARG_INT32(1);
	float8		horizon = PG_GETARG_FLOAT8(2);
	float8		customer[4];
	float8		value;

	if (covariates)
	{
		model = DatumGetClvModelP(PG_GETARG_DATUM(0));
		ClvCheckScorable(model);
		ops = ClvOpsOf(model->kind);
		model = ClvCustomerModelArgs(fcinfo, ops, model, PG_NARGS() - 2);
		if (model == NULL)
			PG_RETURN_NULL();
	}
	else
		ops = ClvScorerModel(fcinfo, 0, &model);
	ClvRequireOperation(ops, ops->conditional_pmf != NULL, "conditional_pmf");
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of purchases must not be negative, not %d", n)));
	ClvCheckHorizonOf(ops->spec.shape, horizon);
	customer[0] = PG_GETARG_FLOAT8(3);
	customer[1] = PG_GETARG_FLOAT8(4);
	customer[2] = PG_GETARG_FLOAT8(5);
	customer[3] = get_float8_nan();
	ClvCheckCustomer(ops->spec.shape, customer);
	value = ops->conditional_pmf(model, (float8) n, horizon, customer);
	if (isnan(value))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(value);
}

/* crm.purchase_probability(model, n, horizon, x, t_x, T) */
PG_FUNCTION_INFO_V1(clv_conditional_purchase_probability);
Datum
clv_conditional_purchase_probability(PG_FUNCTION_ARGS)
{
	return ConditionalPurchaseProbability(fcinfo, false);
}

/* crm.purchase_probability(model, n, horizon, x, t_x, T, life_z, trans_z) */
PG_FUNCTION_INFO_V1(clv_conditional_purchase_probability_cov);
Datum
clv_conditional_purchase_probability_cov(PG_FUNCTION_ARGS)
{
	return ConditionalPurchaseProbability(fcinfo, true);
}
