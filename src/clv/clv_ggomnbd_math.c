/*
 * clv_ggomnbd_math.c
 *		The Gamma-Gompertz/NBD model (Bemmaor & Glady 2012, Management
 *		Science 58(5)): a customer's log-likelihood and its gradient, P(alive),
 *		expected purchases and discounted expected purchases, by adaptive
 *		Gauss-Kronrod quadrature (see clv_ggomnbd_math.h for the contract).
 *
 * While alive a customer buys at Poisson rate lambda ~ Gamma(r, alpha); the
 * lifetime is Gompertz with shape b and scale eta ~ Gamma(s, beta), so that
 * the gamma-mixed survival and death density are
 *
 *	 S(t) = (beta / (beta + e^(bt) - 1))^s = exp(-s Lambda(t)),
 *	 f(t) = b s / beta e^(bt) exp(-(s+1) Lambda(t)),
 *	 Lambda(t) = log(1 + (e^(bt) - 1) / beta).
 *
 * A customer with x purchases, the last at t_x, observed for T has
 *
 *	 L = Gamma(r+x) alpha^r / Gamma(r) [ A + B ],
 *	 A = (alpha+T)^-(r+x) S(T),
 *	 B = integral over (t_x, T] of (alpha+tau)^-(r+x) f(tau) dtau,
 *
 * (alive at T, or dead at tau between the last purchase and T).  B has no
 * closed form; it is integrated in log space: log B = log(bs/beta) + h_ref
 * + log J, J the integral of exp(h(tau) - h_ref), h(tau) = b tau - (s+1)
 * Lambda(tau) - (r+x) log(alpha+tau) and h_ref the largest h seen (J is
 * computed in v = log((alpha+tau)/(alpha+t_x)), see LogIntegrand), so a
 * customer with thousands of purchases ((alpha+tau)^-(r+x) below 1e-300)
 * neither underflows nor overflows.  The gradient differentiates under the
 * integral sign: dB/dtheta / B = (integral of exp(h - h_ref) w_theta) / J
 * with w_theta = d log f(tau) (alpha+tau)^-(r+x) / dtheta, integrated with
 * J over the same segments.
 *
 * Everything is written so that b -> 0 with beta / b fixed (the Pareto/NBD
 * limit, where the fitted CDNOW model sits) stays accurate: e^(bt) - 1 and
 * Lambda through expm1 and log1p, and b and beta only as b / beta.
 *
 * Given alive at T, the purchase rate is Gamma(r+x, alpha+T) and eta is
 * Gamma(s, beta + e^(bT) - 1), so the expected purchases in (T, T+t] are
 *
 *	 P(alive) (r+x) / (alpha+T) integral over (0, t] of S(T+v) / S(T) dv
 *
 * (the form CLVTools uses after Adler's 2022 erratum to the paper's CET).
 */
#include "clv_ggomnbd_math.h"
#include "numerics.h"

#include <math.h>
#include <string.h>

/* An integrand may exceed the reference by this much (log) before the reference is raised */
#define LOG_HEADROOM 600.0
/* Times a quadrature restarts from a raised reference */
#define MAX_RESTARTS 16
/* Most geometric breakpoints from each end of an integral */
#define MAX_GRID_POINTS 40
/* Above this b t the cumulative hazard is computed as b t + log D - log beta */
#define LARGE_EXPONENT 700.0
/* Components of the likelihood integral: J and its 5 derivative integrals */
#define LIKELIHOOD_COMPONENTS 6
/* The discounted sum stops when the rest is below this fraction of it */
#define DISCOUNT_TOLERANCE 1e-17

/*
 * The Gauss-Kronrod 10/21 rule on [-1, 1]: Kronrod nodes x_0 > ... > x_10 =
 * 0 (x_1, x_3, ..., x_9 and their negatives are the 10 Gauss nodes) and
 * weights, and the Gauss weights of x_1, x_3, ..., x_9.  The Kronrod rule
 * is exact for polynomials of degree 31, the Gauss rule of degree 19 (both
 * checked by test/numerics).
 */
#define KRONROD_HALF 10
static const double KronrodNodes[KRONROD_HALF + 1] = {
	0.995657163025808080735527280689003,
	0.973906528517171720077964012084452,
	0.930157491355708226001207180059508,
	0.865063366688984510732096688423493,
	0.780817726586416897063717578345042,
	0.679409568299024406234327365114874,
	0.562757134668604683339000099272694,
	0.433395394129247190799265943165784,
	0.294392862701460198131126603103866,
	0.148874338981631210884826001129720,
	0.0
};
static const double KronrodWeights[KRONROD_HALF + 1] = {
	0.011694638867371874278064396062192,
	0.032558162307964727478818972459390,
	0.054755896574351996031381300244580,
	0.075039674810919952767043140916190,
	0.093125454583697605535065465083366,
	0.109387158802297641899210590325805,
	0.123491976262065851077958109831074,
	0.134709217311473325928054001771707,
	0.142775938577060080797094273138717,
	0.147739104901338491374841515972068,
	0.149445554002916905664936468389821
};
static const double GaussWeights[KRONROD_HALF / 2] = {
	0.066671344308688137593568809893332,
	0.149451349150580593145776339657697,
	0.219086362515982043995534934228163,
	0.269266719309996355091226921569469,
	0.295524224714752870173892994651338
};

/* One segment of an adaptive quadrature and its rule's results */
typedef struct Segment
{
	double		from;			/* left end */
	double		to;				/* right end */
	double		value[LIKELIHOOD_COMPONENTS];	/* Kronrod estimates */
	double		error[LIKELIHOOD_COMPONENTS];	/* |Kronrod - Gauss| */
	double		magnitude[LIKELIHOOD_COMPONENTS];	/* Kronrod of |f| */
} Segment;

/* The Gompertz terms at y = b t that every formula needs */
typedef struct Hazard
{
	double		decay;			/* e^-y */
	double		shifted;		/* D = beta e^-y - expm1(-y) = e^-y (beta +
								 * e^y - 1), > 0 */
	double		cumulative;		/* Lambda = log(1 + (e^y - 1) / beta) */
	double		em1;			/* expm1(-y), in (-1, 0] */
} Hazard;

/* The likelihood integrand's parameters and its scaling */
typedef struct LikelihoodIntegrand
{
	const GgomParams *p;		/* the model */
	double		purchases;		/* r + x */
	double		t_x;			/* the start of the integral */
	double		base;			/* alpha + t_x */
	double		log_base;		/* log(alpha + t_x) */
	double		log_reference;	/* h_ref: the integrand is exp(h - h_ref) */
	double		raise_to;		/* h of a point too far above h_ref (-inf if
								 * none) */
	int			n;				/* components: 1 (value) or 6 (gradient) */
} LikelihoodIntegrand;

/* The residual survival integrand e^(-delta v) S(T + v) / S(T) */
typedef struct SurvivalIntegrand
{
	const GgomParams *p;		/* the model */
	double		T;				/* age */
	double		cumulative_T;	/* Lambda(T) */
	double		delta;			/* continuous discount rate (0: none) */
} SurvivalIntegrand;

/* The Gompertz terms at y = b t >= 0 for a given beta */
static Hazard
HazardAt(double beta, double y)
{
	Hazard		h;

	h.decay = exp(-y);
	h.em1 = expm1(-y);
	h.shifted = beta * h.decay - h.em1;
	/* e^y - 1 = -expm1(-y) / e^-y: exact for small y, overflows for large */
	if (y < LARGE_EXPONENT)
		h.cumulative = log1p(-h.em1 / (h.decay * beta));
	else
		h.cumulative = y + log(h.shifted) - log(beta);
	return h;
}

/* Apply the 10/21 rule to a segment; false if f aborts or is not finite */
static bool
ApplyRule(GgomIntegrand f, void *context, int n, Segment *segment)
{
	double		center = 0.5 * (segment->from + segment->to);
	double		half = 0.5 * (segment->to - segment->from);
	double		at_center[LIKELIHOOD_COMPONENTS];
	double		left[LIKELIHOOD_COMPONENTS];
	double		right[LIKELIHOOD_COMPONENTS];
	double		kronrod[LIKELIHOOD_COMPONENTS];
	double		gauss[LIKELIHOOD_COMPONENTS];
	double		absolute[LIKELIHOOD_COMPONENTS];

	if (!f(center, context, at_center))
		return false;
	for (int k = 0; k < n; k++)
	{
		kronrod[k] = KronrodWeights[KRONROD_HALF] * at_center[k];
		gauss[k] = 0;			/* the center is not a Gauss node */
		absolute[k] = KronrodWeights[KRONROD_HALF] * fabs(at_center[k]);
	}
	for (int j = 0; j < KRONROD_HALF; j++)
	{
		double		offset = half * KronrodNodes[j];

		if (!f(center - offset, context, left) || !f(center + offset, context, right))
			return false;
		for (int k = 0; k < n; k++)
		{
			kronrod[k] += KronrodWeights[j] * (left[k] + right[k]);
			absolute[k] += KronrodWeights[j] * (fabs(left[k]) + fabs(right[k]));
			if (j % 2 == 1)
				gauss[k] += GaussWeights[j / 2] * (left[k] + right[k]);
		}
	}
	for (int k = 0; k < n; k++)
	{
		segment->value[k] = kronrod[k] * half;
		segment->error[k] = fabs(kronrod[k] - gauss[k]) * half;
		segment->magnitude[k] = absolute[k] * half;
		if (!isfinite(segment->value[k]) || !isfinite(segment->magnitude[k]))
			return false;
	}
	return true;
}

/*
 * Adaptive Gauss-Kronrod over the segments between consecutive points
 * (n_points >= 2, increasing): bisect the segment with the largest error
 * relative to its component's total magnitude until every component's
 * summed error is within GGOM_TOLERANCE of its magnitude
 */
static bool
IntegrateOver(GgomIntegrand f, void *context, int n, int n_points, const double *points,
			  double *values, double *magnitudes, int *segments)
{
	Segment		segment[GGOM_MAX_SEGMENTS];
	int			count = 0;
	bool		converged = false;

	for (int i = 0; i + 1 < n_points && count < GGOM_MAX_SEGMENTS; i++)
	{
		if (!(points[i + 1] > points[i]))
			continue;
		segment[count].from = points[i];
		segment[count].to = points[i + 1];
		if (!ApplyRule(f, context, n, &segment[count]))
			return false;
		count++;
	}
	for (;;)
	{
		double		error[LIKELIHOOD_COMPONENTS] = {0};
		int			worst = -1;
		double		worst_ratio = 0;
		double		middle;

		memset(values, 0, sizeof(double) * n);
		memset(magnitudes, 0, sizeof(double) * n);
		for (int i = 0; i < count; i++)
			for (int k = 0; k < n; k++)
			{
				values[k] += segment[i].value[k];
				error[k] += segment[i].error[k];
				magnitudes[k] += segment[i].magnitude[k];
			}
		converged = true;
		for (int k = 0; k < n; k++)
			converged &= error[k] <= GGOM_TOLERANCE * magnitudes[k];
		if (converged || count == GGOM_MAX_SEGMENTS)
			break;
		for (int i = 0; i < count; i++)
			for (int k = 0; k < n; k++)
				if (magnitudes[k] > 0 && segment[i].error[k] / magnitudes[k] > worst_ratio)
				{
					worst_ratio = segment[i].error[k] / magnitudes[k];
					worst = i;
				}
		if (worst < 0)
			break;
		middle = 0.5 * (segment[worst].from + segment[worst].to);
		if (!(middle > segment[worst].from && middle < segment[worst].to))
			break;				/* cannot resolve further in double */
		segment[count].from = middle;
		segment[count].to = segment[worst].to;
		segment[worst].to = middle;
		if (!ApplyRule(f, context, n, &segment[worst]) ||
			!ApplyRule(f, context, n, &segment[count]))
			return false;
		count++;
	}
	*segments = count;
	return converged;
}

/* See clv_ggomnbd_math.h */
bool
GgomIntegrate(GgomIntegrand f, void *context, int n, double from, double to,
			  double *values, double *magnitudes, int *segments)
{
	double		points[2] = {from, to};

	*segments = 0;
	if (!(to > from))
	{
		memset(values, 0, sizeof(double) * n);
		memset(magnitudes, 0, sizeof(double) * n);
		return to == from;
	}
	return IntegrateOver(f, context, n, 2, points, values, magnitudes, segments);
}

/*
 * Breakpoints of [from, to] that resolve an integrand falling (or rising)
 * steeply at an end: from + w (2^k - 1) for w = near_from, and to - w (2^k -
 * 1) for w = near_to (each only if > 0 and below a quarter of the width),
 * each side up to the middle.  Returns the number of points written
 * (including from and to).
 */
static int
Breakpoints(double from, double to, double near_from, double near_to, double *points)
{
	double		middle = 0.5 * (from + to);
	double		width = to - from;
	double		backward[MAX_GRID_POINTS];
	int			n_backward = 0;
	int			n = 0;

	points[n++] = from;
	if (near_from > 0 && near_from < 0.25 * width)
	{
		double		w = fmax(near_from, ldexp(width, -MAX_GRID_POINTS + 2));

		for (double step = w; from + step < middle && n < MAX_GRID_POINTS; step = 2 * step + w)
			points[n++] = from + step;
	}
	if (near_to > 0 && near_to < 0.25 * width)
	{
		double		w = fmax(near_to, ldexp(width, -MAX_GRID_POINTS + 2));

		for (double step = w; to - step > middle && n_backward < MAX_GRID_POINTS - 2; step = 2 * step + w)
			backward[n_backward++] = to - step;
	}
	if (n > 1 || n_backward > 0)
		points[n++] = middle;
	while (n_backward > 0)
		points[n++] = backward[--n_backward];
	points[n++] = to;
	return n;
}

/*
 * The likelihood integrand in v = log((alpha + tau) / (alpha + t_x)),
 * which turns the power (alpha+tau)^-(r+x) into the exponential
 * (alpha+t_x)^-(r+x) e^(-(r+x) v) and keeps the rest smooth; tau = t_x +
 * (alpha + t_x) expm1(v) is exact near t_x, where the integrand can vary on
 * a scale of 1e-6 and less (a tiny beta, thousands of purchases).  Returns
 * h(tau) + v = b tau - (s+1) Lambda(tau) - (r+x-1) v (the log of the
 * integrand without its constant log(b s / beta) - (r+x-1) log(alpha + t_x),
 * v the Jacobian) and its slope in v, (alpha+tau) h'(tau) + 1
 */
static double
LogIntegrand(const LikelihoodIntegrand *c, double v, double *slope)
{
	const GgomParams *p = c->p;
	double		tau = c->t_x + c->base * expm1(v);
	Hazard		h = HazardAt(p->beta, p->b * tau);

	if (slope != NULL)
		*slope = (p->alpha + tau) * (p->b - (p->s + 1) * p->b / h.shifted) - c->purchases + 1;
	return p->b * tau - (p->s + 1) * h.cumulative - (c->purchases - 1) * v;
}

/*
 * The likelihood integrand at v (see LogIntegrand), exp(h - h_ref), and,
 * for 6 components, its products with the derivatives of log f(tau)
 * (alpha+tau)^-(r+x) in r, alpha, b, s, beta; aborts when h exceeds h_ref
 * by LOG_HEADROOM
 */
static bool
LikelihoodAt(double v, void *context, double *values)
{
	LikelihoodIntegrand *c = (LikelihoodIntegrand *) context;
	const GgomParams *p = c->p;
	double		tau = c->t_x + c->base * expm1(v);
	Hazard		h = HazardAt(p->beta, p->b * tau);
	double		log_value = p->b * tau - (p->s + 1) * h.cumulative - (c->purchases - 1) * v;
	double		value;

	if (log_value - c->log_reference > LOG_HEADROOM)
	{
		c->raise_to = fmax(c->raise_to, log_value);
		return false;
	}
	value = exp(log_value - c->log_reference);
	values[0] = value;
	if (c->n == 1)
		return true;
	values[1] = -value * (c->log_base + v);
	values[2] = -value * c->purchases / (p->alpha + tau);
	values[3] = value * (1 / p->b + tau - (p->s + 1) * tau / h.shifted);
	values[4] = value * (1 / p->s - h.cumulative);
	values[5] = -value * (p->s * h.em1 / p->beta + h.decay) / h.shifted;
	return true;
}

/*
 * log of the integral over (t_x, T] of (alpha+tau)^-(r+x) f(tau) without
 * its constant b s / beta (the integral of exp(h(tau))), and, if ratios is
 * not NULL, the 5 ratios (integral of exp(h) w_theta) / (integral of
 * exp(h)), computed in v (see LogIntegrand).  t_x < T.  False when the
 * quadrature does not converge.
 */
static bool
LogLikelihoodIntegral(const GgomParams *p, double purchases, double t_x, double T,
					  double *log_value, double *ratios)
{
	LikelihoodIntegrand c;
	double		points[2 * MAX_GRID_POINTS + 2];
	int			n_points;
	double		values[LIKELIHOOD_COMPONENTS];
	double		magnitudes[LIKELIHOOD_COMPONENTS];
	double		slope_from;
	double		slope_to;
	double		h_from;
	double		h_to;
	double		to;
	int			segments;

	c.p = p;
	c.purchases = purchases;
	c.t_x = t_x;
	c.base = p->alpha + t_x;
	c.log_base = log(c.base);
	c.n = ratios != NULL ? LIKELIHOOD_COMPONENTS : 1;
	to = log1p((T - t_x) / c.base);
	h_from = LogIntegrand(&c, 0, &slope_from);
	h_to = LogIntegrand(&c, to, &slope_to);
	c.log_reference = fmax(fmax(h_from, h_to), LogIntegrand(&c, 0.5 * to, NULL));
	if (!isfinite(c.log_reference) || !(to > 0))
		return false;
	/* one e-fold of the integrand at a steep end is the first segment there */
	n_points = Breakpoints(0, to, slope_from < 0 ? -1 / slope_from : 0,
						   slope_to > 0 ? 1 / slope_to : 0, points);
	for (int attempt = 0; attempt < MAX_RESTARTS; attempt++)
	{
		c.raise_to = -INFINITY;
		if (IntegrateOver(LikelihoodAt, &c, c.n, n_points, points, values, magnitudes,
						  &segments))
		{
			if (!(values[0] > 0))
				return false;
			*log_value = c.log_reference - (purchases - 1) * c.log_base + log(values[0]);
			if (ratios != NULL)
				for (int k = 0; k < GGOM_N_PARAMS; k++)
					ratios[k] = values[k + 1] / values[0];
			return true;
		}
		if (c.raise_to == -INFINITY)
			return false;
		c.log_reference = c.raise_to;
	}
	return false;
}

/* See clv_ggomnbd_math.h */
bool
GgomCustomerLogLikelihood(const GgomParams *p, double x, double t_x, double T,
						  double *ll, double *gradient)
{
	double		purchases = p->r + x;
	double		log_alpha_t = log(p->alpha + T);
	Hazard		at_t = HazardAt(p->beta, p->b * T);
	double		log_a = -p->s * at_t.cumulative - purchases * log_alpha_t;
	double		log_b = -INFINITY;
	double		ratios[GGOM_N_PARAMS] = {0};
	double		log_sum;

	*ll = NAN;
	if (t_x < T)
	{
		double		log_integral;

		if (!LogLikelihoodIntegral(p, purchases, t_x, T, &log_integral,
								   gradient != NULL ? ratios : NULL))
			return false;
		log_b = log(p->b) + log(p->s) - log(p->beta) + log_integral;
	}
	log_sum = LogAddExp(log_a, log_b);
	*ll = LogGammaRatio(p->r, x) + p->r * log(p->alpha) + log_sum;
	if (gradient != NULL)
	{
		double		share_a = exp(log_a - log_sum);
		double		share_b = exp(log_b - log_sum);

		gradient[0] = (x > 0 ? Digamma(purchases) - Digamma(p->r) : 0) + log(p->alpha) -
			share_a * log_alpha_t + share_b * ratios[0];
		gradient[1] = p->r / p->alpha - share_a * purchases / (p->alpha + T) +
			share_b * ratios[1];
		gradient[2] = -share_a * p->s * T / at_t.shifted + share_b * ratios[2];
		gradient[3] = -share_a * at_t.cumulative + share_b * ratios[3];
		gradient[4] = -share_a * p->s * at_t.em1 / (p->beta * at_t.shifted) +
			share_b * ratios[4];
	}
	return isfinite(*ll);
}

/* See clv_ggomnbd_math.h */
bool
GgomLogDropoutOdds(const GgomParams *p, double x, double t_x, double T, double *log_odds)
{
	double		purchases = p->r + x;
	double		log_integral;
	double		log_a;

	if (!(t_x < T))
	{
		*log_odds = -INFINITY;
		return true;
	}
	if (!LogLikelihoodIntegral(p, purchases, t_x, T, &log_integral, NULL))
		return false;
	log_a = -p->s * HazardAt(p->beta, p->b * T).cumulative - purchases * log(p->alpha + T);
	*log_odds = log(p->b) + log(p->s) - log(p->beta) + log_integral - log_a;
	return !isnan(*log_odds);
}

/* See clv_ggomnbd_math.h */
bool
GgomProbabilityAlive(const GgomParams *p, double x, double t_x, double T, double *value)
{
	double		log_odds;

	if (!GgomLogDropoutOdds(p, x, t_x, T, &log_odds))
		return false;
	/* 1 / (1 + e^log_odds) without overflow */
	if (log_odds > 0)
		*value = exp(-log_odds) / (1 + exp(-log_odds));
	else
		*value = 1 / (1 + exp(log_odds));
	return true;
}

/* e^(-delta v) S(T + v) / S(T) = exp(-delta v - s (Lambda(T + v) - Lambda(T))) */
static bool
SurvivalAt(double v, void *context, double *values)
{
	SurvivalIntegrand *c = (SurvivalIntegrand *) context;
	const GgomParams *p = c->p;

	values[0] = exp(-c->delta * v -
					p->s * (HazardAt(p->beta, p->b * (c->T + v)).cumulative - c->cumulative_T));
	return true;
}

/* The hazard of the gamma-mixed Gompertz at t: s b / D(b t) */
static double
HazardRate(const GgomParams *p, double t)
{
	return p->s * p->b / HazardAt(p->beta, p->b * t).shifted;
}

/* See clv_ggomnbd_math.h */
bool
GgomResidualLifetime(const GgomParams *p, double T, double from, double to, double *value)
{
	SurvivalIntegrand c;
	double		points[2 * MAX_GRID_POINTS + 2];
	int			n_points;
	double		magnitude;
	double		hazard;
	int			segments;

	*value = 0;
	if (!(to > from))
		return to == from;
	c.p = p;
	c.T = T;
	c.cumulative_T = HazardAt(p->beta, p->b * T).cumulative;
	c.delta = 0;
	/* the hazard at T + from: one e-fold of the survival is the first segment */
	hazard = HazardRate(p, T + from);
	n_points = Breakpoints(from, to, hazard > 0 ? 1 / hazard : 0, 0, points);
	return IntegrateOver(SurvivalAt, &c, 1, n_points, points, value, &magnitude, &segments);
}

/*
 * See clv_ggomnbd_math.h.  Integrated over pieces [v_k, v_k+1] of doubling
 * length, starting with one e-fold of the discounted survival, until the
 * rest, at most e^(-delta v) S(T + v) / S(T) / delta beyond v (the survival
 * falls), is below DISCOUNT_TOLERANCE of the sum
 */
bool
GgomDiscountedResidualLifetime(const GgomParams *p, double T, double delta, double *value)
{
	SurvivalIntegrand c;
	double		from = 0;
	double		width;
	double		total = 0;

	*value = NAN;
	if (!(delta > 0))
		return false;
	c.p = p;
	c.T = T;
	c.cumulative_T = HazardAt(p->beta, p->b * T).cumulative;
	c.delta = delta;
	width = 1 / (delta + HazardRate(p, T));
	for (int piece = 0; piece < GGOM_MAX_SEGMENTS; piece++)
	{
		double		points[2 * MAX_GRID_POINTS + 2];
		double		piece_value;
		double		magnitude;
		double		at_end;
		int			n_points;
		int			segments;

		n_points = Breakpoints(from, from + width, 1 / (delta + HazardRate(p, T + from)), 0, points);
		if (!IntegrateOver(SurvivalAt, &c, 1, n_points, points, &piece_value, &magnitude,
						   &segments))
			return false;
		total += piece_value;
		from += width;
		width *= 2;
		if (!SurvivalAt(from, &c, &at_end))
			return false;
		if (at_end / delta <= DISCOUNT_TOLERANCE * total)
		{
			*value = total;
			return true;
		}
	}
	return false;
}

/* See clv_ggomnbd_math.h */
bool
GgomExpectedPurchases(const GgomParams *p, double t, double x, double t_x, double T,
					  double *value)
{
	double		log_odds;
	double		lifetime;

	*value = 0;
	if (t == 0)
		return true;
	if (!GgomLogDropoutOdds(p, x, t_x, T, &log_odds) ||
		!GgomResidualLifetime(p, T, 0, t, &lifetime))
		return false;
	if (lifetime == 0)
		return true;
	*value = exp(log(p->r + x) - log(p->alpha + T) + log(lifetime) - LogAddExp(0, log_odds));
	return true;
}

/* See clv_ggomnbd_math.h */
GgomStatus
GgomDiscountedPurchasesIfAlive(const GgomParams *p, double x, double T, double horizon,
							   double rate, double max_periods, void (*poll) (void),
							   double *value)
{
	double		scale = (p->r + x) / (p->alpha + T);
	double		per_period = 1 / (1 + rate);
	double		discount = 1;
	double		previous = 0;
	double		total = 0;
	double		lifetime;

	*value = 0;
	/* undiscounted, the periods telescope to the expectation at the horizon */
	if (rate == 0)
	{
		if (!GgomResidualLifetime(p, T, 0, horizon, &lifetime))
			return GGOM_NOT_CONVERGED;
		*value = scale * lifetime;
		return GGOM_OK;
	}
	/* refuse up front a rate too small for the rest to fall below the tolerance */
	if (horizon > max_periods && -max_periods * log1p(rate) > log(DISCOUNT_TOLERANCE * rate))
		return GGOM_TOO_MANY_PERIODS;
	for (double k = 1; k < horizon + 1; k++)
	{
		double		t = fmin(k, horizon);
		double		increment;

		if (!GgomResidualLifetime(p, T, previous, t, &lifetime))
			return GGOM_NOT_CONVERGED;
		increment = scale * lifetime;
		/* (1 + d)^-t: by the period, and at the horizon for a fractional last one */
		discount = t == k ? discount * per_period : pow(1 + rate, -t);
		total += increment * discount;
		/* increments fall (S is decreasing): the rest is at most this one / d */
		if (increment * discount / rate <= DISCOUNT_TOLERANCE * total)
			break;
		previous = t;
		if (k >= max_periods)
			return GGOM_TOO_MANY_PERIODS;
		if (poll != NULL)
			poll();
	}
	*value = total;
	return GGOM_OK;
}
