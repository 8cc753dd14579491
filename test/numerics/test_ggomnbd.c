/*
 * test_ggomnbd.c
 *		Unit tests of src/clv/clv_ggomnbd_math.c (the Gamma-Gompertz/NBD
 *		model), run outside the server by test/numerics/run.
 *
 * References are independent of the code under test: brute-force composite
 * Simpson integrals in long double of the paper's formulas as written (no
 * log space, no rescaling), central finite differences of the
 * log-likelihood, and the Pareto/NBD closed forms (Fader & Hardie's note,
 * with numerics.c's 2F1 series) for the b -> 0 limit.
 */
#include "clv_ggomnbd_math.h"
#include "numerics.h"
#include "check.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* pi (C99 has no M_PI) */
#define PI 3.14159265358979323846264338327950288

/*
 * Panels of the brute-force Simpson integrals per unit of length (at least
 * 2000): the steepest integrand here falls by e every 0.1 units, so the
 * error, (h / 0.1)^4 / 180 relative, is below 1e-11
 */
#define PANELS_PER_UNIT 1000
#define MIN_PANELS 2000

/* An even number of Simpson panels for an interval of the given width */
static int
Panels(long double width)
{
	int			n = (int) ceill(width * PANELS_PER_UNIT);

	n = n < MIN_PANELS ? MIN_PANELS : n;
	return n + n % 2;
}

/* A customer summary */
typedef struct Customer
{
	double		x;				/* repeat purchases */
	double		t_x;			/* time of the last one */
	double		T;				/* age */
} Customer;

/* CDNOW-like customers (weeks) and heavy or unusual ones */
static const Customer Customers[] = {
	{0, 0, 38.86}, {1, 2.0, 38.86}, {2, 30.43, 38.86}, {5, 10.0, 38.0},
	{10, 35.0, 36.0}, {20, 5.0, 40.0}, {60, 39.0, 39.5}, {300, 20.0, 39.0},
	{500, 38.0, 39.0}
};

/* Model points: the published CDNOW fit, a steep Gompertz, beta > 1 (hazard rising) */
static const GgomParams Models[] = {
	{0.553, 10.578, 0.0002, 0.603, 0.0026},
	{0.8, 4.5, 0.12, 0.75, 9.55},
	{2.0, 30.0, 0.5, 2.0, 3.0},
	{0.3, 2.0, 1e-9, 1.5, 2e-8}
};

#define N_CUSTOMERS ((int) (sizeof(Customers) / sizeof(Customers[0])))
#define N_MODELS ((int) (sizeof(Models) / sizeof(Models[0])))

/* Parameter k of a model */
static double *
ParamRef(GgomParams *p, int k)
{
	switch (k)
	{
		case 0:
			return &p->r;
		case 1:
			return &p->alpha;
		case 2:
			return &p->b;
		case 3:
			return &p->s;
		default:
			return &p->beta;
	}
}

/* The likelihood's death density times the purchase term, as written in the paper */
static long double
DirectIntegrand(const GgomParams *p, double x, long double tau)
{
	long double e = expl((long double) p->b * tau);

	return (long double) p->b * p->s * powl(p->beta, p->s) * e *
		powl(p->beta + e - 1, -(p->s + 1)) * powl(p->alpha + tau, -(p->r + x));
}

/* The customer's log-likelihood by Simpson's rule on the direct formula */
static double
BruteLogLikelihood(const GgomParams *p, double x, double t_x, double T)
{
	int			panels = Panels((long double) T - t_x);
	long double h = ((long double) T - t_x) / panels;
	long double sum = 0;
	long double a;

	if (T > t_x)
	{
		sum = DirectIntegrand(p, x, t_x) + DirectIntegrand(p, x, T);
		for (int i = 1; i < panels; i++)
			sum += (i % 2 ? 4 : 2) * DirectIntegrand(p, x, t_x + i * h);
		sum *= h / 3;
	}
	a = powl(p->alpha + (long double) T, -(p->r + x)) *
		powl(p->beta / (p->beta + expm1l((long double) p->b * T)), p->s);
	return (double) (lgammal(p->r + x) - lgammal(p->r) + p->r * logl(p->alpha) + logl(a + sum));
}

/* The gamma-mixed Gompertz survival S(t), as written in the paper */
static long double
DirectSurvival(const GgomParams *p, long double t)
{
	return powl(p->beta / (p->beta + expm1l(p->b * t)), p->s);
}

/* The integral of S(T + v) / S(T) over [from, to] by Simpson's rule */
static double
BruteResidualLifetime(const GgomParams *p, double T, double from, double to)
{
	int			panels = Panels((long double) to - from);
	long double h = ((long double) to - from) / panels;
	long double sum = DirectSurvival(p, T + from) + DirectSurvival(p, T + to);

	for (int i = 1; i < panels; i++)
		sum += (i % 2 ? 4 : 2) * DirectSurvival(p, T + from + i * h);
	return (double) (sum * h / 3 / DirectSurvival(p, T));
}

/* The integral of e^(-delta v) S(T + v) / S(T) over [0, to] by Simpson's rule */
static double
BruteDiscountedLifetime(const GgomParams *p, double T, double delta, double to)
{
	int			panels = Panels(to);
	long double h = (long double) to / panels;
	long double sum = 1 + expl(-delta * (long double) to) * DirectSurvival(p, T + to) /
		DirectSurvival(p, T);

	for (int i = 1; i < panels; i++)
		sum += (i % 2 ? 4 : 2) * expl(-delta * i * h) * DirectSurvival(p, T + i * h) /
			DirectSurvival(p, T);
	return (double) (sum * h / 3);
}

/* The customer's log-likelihood (NaN on failure) */
static double
LogLik(const GgomParams *p, const Customer *c, double *gradient)
{
	double		ll;

	if (!GgomCustomerLogLikelihood(p, c->x, c->t_x, c->T, &ll, gradient))
		return NAN;
	return ll;
}

/* ---------------------------------------------------------------------
 * Pareto/NBD closed forms (Fader & Hardie 2005 note), the b -> 0 limit
 */

/* log of (alpha+t)^-(r+s+x) 2F1(...) (or the beta branch): the note's F(t); NaN on failure */
static double
ParetoLogF(double r, double alpha, double s, double beta, double x, double t)
{
	double		a = r + s + x;
	double		value;

	if (alpha >= beta)
	{
		if (!Hyp2F1Series(a, s + 1, a + 1, (alpha - beta) / (alpha + t), &value))
			return NAN;
		return log(value) - a * log(alpha + t);
	}
	if (!Hyp2F1Series(a, r + x, a + 1, (beta - alpha) / (beta + t), &value))
		return NAN;
	return log(value) - a * log(beta + t);
}

/* log(s / (r+s+x) A0) - log(first term): the log odds of dropout */
static double
ParetoLogOdds(double r, double alpha, double s, double beta, const Customer *c)
{
	double		f_tx = ParetoLogF(r, alpha, s, beta, c->x, c->t_x);
	double		f_t = ParetoLogF(r, alpha, s, beta, c->x, c->T);
	double		log_a0 = f_tx + log(-expm1(f_t - f_tx));

	return log(s / (r + s + c->x)) + log_a0 + (r + c->x) * log(alpha + c->T) +
		s * log(beta + c->T);
}

/* The Pareto/NBD log-likelihood */
static double
ParetoLogLik(double r, double alpha, double s, double beta, const Customer *c)
{
	double		log_first = -(r + c->x) * log(alpha + c->T) - s * log(beta + c->T);

	return LogGammaRatio(r, c->x) + r * log(alpha) + s * log(beta) + log_first +
		LogAddExp(0, ParetoLogOdds(r, alpha, s, beta, c));
}

/* Expected purchases in (T, T + t] of a Pareto/NBD customer alive at T */
static double
ParetoExpectedIfAlive(double r, double alpha, double s, double beta, double x, double T,
					  double t)
{
	return (r + x) / (alpha + T) * (beta + T) / (s - 1) *
		(1 - pow((beta + T) / (beta + T + t), s - 1));
}

/* ---------------------------------------------------------------------
 * Test integrands
 */

/* x^k on the unit interval; context points at k */
static bool
Power(double u, void *context, double *values)
{
	values[0] = pow(u, *(int *) context);
	return true;
}

/* e^(-1000 u) and sin(u) as two components */
static bool
SteepAndSine(double u, void *context, double *values)
{
	(void) context;
	values[0] = exp(-1000 * u);
	values[1] = sin(u);
	return true;
}

/* 1 / u: divergent on [0, 1] */
static bool
Reciprocal(double u, void *context, double *values)
{
	(void) context;
	values[0] = 1 / u;
	return true;
}

/* An integrand that refuses to be evaluated beyond u = 0.5 */
static bool
Aborting(double u, void *context, double *values)
{
	(void) context;
	values[0] = 1;
	return u < 0.5;
}

/* The quadrature itself: exact polynomials, steep and two-component integrals, failures */
static void
TestQuadrature(void)
{
	double		value[2];
	double		magnitude[2];
	int			segments;
	char		what[64];

	BeginGroup();
	/*
	 * the 21-point Kronrod rule is exact to degree 31 and the 10-point Gauss
	 * rule to 19: on [-1, 1], one segment while both are exact
	 */
	for (int k = 0; k <= 31; k++)
	{
		double		exact = k % 2 == 1 ? 0 : 2.0 / (k + 1);

		snprintf(what, sizeof(what), "integral of x^%d over [-1, 1]", k);
		CheckTrue(what, GgomIntegrate(Power, &k, 1, -1, 1, value, magnitude, &segments));
		CheckClose(what, value[0], exact, 4e-16, 4e-16);
		if (k <= 19)
			CheckTrue("one segment while the Gauss rule is exact", segments == 1);
	}
	CheckTrue("steep and sine",
			  GgomIntegrate(SteepAndSine, NULL, 2, 0, PI, value, magnitude, &segments));
	CheckClose("integral of exp(-1000 u) over [0, pi]", value[0], 1e-3 * -expm1(-1000 * PI),
			   1e-12, 0);
	CheckClose("integral of sin over [0, pi]", value[1], 2, 1e-12, 0);
	CheckTrue("bisected", segments > 1 && segments <= GGOM_MAX_SEGMENTS);
	CheckTrue("empty interval", GgomIntegrate(Power, &(int) {3}, 1, 2, 2, value, magnitude,
											  &segments) && value[0] == 0);
	CheckTrue("reversed interval fails",
			  !GgomIntegrate(Power, &(int) {3}, 1, 2, 1, value, magnitude, &segments));
	CheckTrue("divergent integral fails",
			  !GgomIntegrate(Reciprocal, NULL, 1, 0, 1, value, magnitude, &segments));
	CheckTrue("aborting integrand fails",
			  !GgomIntegrate(Aborting, NULL, 1, 0, 1, value, magnitude, &segments));
	EndGroup("ggomnbd_quadrature");
}

/* The log-likelihood against brute-force Simpson integration of the direct formula */
static void
TestLikelihood(void)
{
	char		what[128];

	BeginGroup();
	for (int m = 0; m < N_MODELS; m++)
		for (int i = 0; i < N_CUSTOMERS; i++)
		{
			const Customer *c = &Customers[i];
			double		ll = LogLik(&Models[m], c, NULL);
			double		with_gradient[GGOM_N_PARAMS];
			double		brute = BruteLogLikelihood(&Models[m], c->x, c->t_x, c->T);

			snprintf(what, sizeof(what), "model %d, customer (%g, %g, %g)", m, c->x, c->t_x, c->T);
			/* 1e-9 absolute in log L is 1e-9 relative in L */
			CheckClose(what, ll, brute, 0, 1e-9);
			CheckClose("same value with the gradient", LogLik(&Models[m], c, with_gradient), ll,
					   1e-13, 0);
		}
	EndGroup("ggomnbd_likelihood");
}

/* The analytic gradient against central differences in log-parameters */
static void
TestGradient(void)
{
	const double step = 1e-5;
	char		what[128];

	BeginGroup();
	for (int m = 0; m < N_MODELS; m++)
		for (int i = 0; i < N_CUSTOMERS; i++)
		{
			const Customer *c = &Customers[i];
			double		gradient[GGOM_N_PARAMS];

			if (isnan(LogLik(&Models[m], c, gradient)))
			{
				Fail("    model %d customer %d: no log-likelihood\n", m, i);
				continue;
			}
			for (int k = 0; k < GGOM_N_PARAMS; k++)
			{
				GgomParams up = Models[m];
				GgomParams down = Models[m];
				double		theta = *ParamRef(&up, k);
				double		numeric;
				double		analytic = theta * gradient[k];

				*ParamRef(&up, k) = theta * exp(step);
				*ParamRef(&down, k) = theta * exp(-step);
				numeric = (LogLik(&up, c, NULL) - LogLik(&down, c, NULL)) / (2 * step);
				snprintf(what, sizeof(what), "model %d, customer (%g, %g, %g), d/dlog param %d",
						 m, c->x, c->t_x, c->T, k);
				CheckClose(what, analytic, numeric, 1e-6, 1e-6);
			}
		}
	EndGroup("ggomnbd_gradient");
}

/* b -> 0 with beta / b fixed against the Pareto/NBD closed forms */
static void
TestParetoLimit(void)
{
	/* Pareto/NBD (r, alpha, s, beta): CDNOW (alpha < beta), and alpha > beta */
	static const double pareto[2][4] = {{0.5534, 10.5802, 0.6061, 11.6562}, {0.8, 15.0, 1.7, 5.0}};
	static const double tiny_b[2] = {1e-9, 1e-13};
	char		what[128];

	BeginGroup();
	for (int m = 0; m < 2; m++)
		for (int e = 0; e < 2; e++)
		{
			const double *q = pareto[m];
			GgomParams	p = {q[0], q[1], tiny_b[e], q[2], q[3] * tiny_b[e]};
			/* the relative distance to the limit is about b T */
			double		tolerance = fmax(1e-8, 100 * tiny_b[e] * 40);

			for (int i = 0; i < N_CUSTOMERS; i++)
			{
				const Customer *c = &Customers[i];
				double		alive;
				double		cet;
				double		pareto_alive;

				if (c->x > 20)
					continue;	/* the 2F1 reference loses digits there */
				snprintf(what, sizeof(what), "b %g, model %d, customer (%g, %g, %g)",
						 tiny_b[e], m, c->x, c->t_x, c->T);
				CheckClose(what, LogLik(&p, c, NULL), ParetoLogLik(q[0], q[1], q[2], q[3], c),
						   0, tolerance);
				pareto_alive = 1 / (1 + exp(ParetoLogOdds(q[0], q[1], q[2], q[3], c)));
				CheckTrue("P(alive)", GgomProbabilityAlive(&p, c->x, c->t_x, c->T, &alive));
				CheckClose(what, alive, pareto_alive, tolerance, 0);
				CheckTrue("CET", GgomExpectedPurchases(&p, 52, c->x, c->t_x, c->T, &cet));
				CheckClose(what, cet,
						   pareto_alive * ParetoExpectedIfAlive(q[0], q[1], q[2], q[3], c->x, c->T, 52),
						   tolerance, 0);
			}
			/* discounted periods, one fractional, against the same sum of closed forms */
			for (int h = 0; h < 2; h++)
			{
				double		horizon = h == 0 ? 52 : 10.5;
				double		expected = 0;
				double		previous = 0;
				double		got;

				for (int k = 1; k < horizon + 1; k++)
				{
					double		t = fmin(k, horizon);
					double		e_t = ParetoExpectedIfAlive(q[0], q[1], q[2], q[3], 3, 30, t);

					expected += (e_t - previous) * pow(1.01, -t);
					previous = e_t;
				}
				CheckTrue("discounted",
						  GgomDiscountedPurchasesIfAlive(&p, 3, 30, horizon, 0.01, 1e6, NULL, &got) == GGOM_OK);
				CheckClose("discounted purchases", got, expected, tolerance, 0);
			}
			/* DERT's lifetime factor: (beta + T) e^z z^(s-1) Gamma(1-s, z), z = delta (beta + T) */
			for (int d = 0; d < 2; d++)
			{
				double		delta = d == 0 ? log(1.1) : log(1.0001);
				double		scaled;
				double		got;

				CheckTrue("upper gamma", UpperGammaScaled(1 - q[2], delta * (q[3] + 30), &scaled));
				CheckTrue("discounted lifetime", GgomDiscountedResidualLifetime(&p, 30, delta, &got));
				snprintf(what, sizeof(what), "b %g, model %d, discounted lifetime at delta %g",
						 tiny_b[e], m, delta);
				/* beyond 1 / delta the distance to the limit grows like b / delta */
				CheckClose(what, got, (q[3] + 30) * scaled, fmax(1e-8, 10 * tiny_b[e] / delta), 0);
			}
			/* a 1000-year horizon in days, undiscounted: the lifetime tail is polynomial */
			{
				double		lifetime;

				CheckTrue("long horizon", GgomResidualLifetime(&p, 30, 0, 365243, &lifetime));
				/* here the distance to the limit is about b t */
				CheckClose("residual lifetime over 365243 units", lifetime,
						   ParetoExpectedIfAlive(q[0], q[1], q[2], q[3], 0, 30, 365243) /
						   (q[0] / (q[1] + 30)), fmax(1e-8, 10 * tiny_b[e] * 365243), 0);
			}
		}
	/*
	 * b -> 0 with beta fixed: no dropout at all, the NBD (b = 1e-200 so that
	 * even the customer who stopped at 20 after 300 purchases, 1e63 times
	 * likelier dead than alive per unit of death density, is not)
	 */
	{
		GgomParams	p = {0.553, 10.578, 1e-200, 0.603, 1.0};

		for (int i = 0; i < N_CUSTOMERS; i++)
		{
			const Customer *c = &Customers[i];
			double		alive;

			CheckClose("NBD limit", LogLik(&p, c, NULL),
					   LogGammaRatio(p.r, c->x) + p.r * log(p.alpha) - (p.r + c->x) * log(p.alpha + c->T),
					   0, 1e-10);
			CheckTrue("NBD limit P(alive)", GgomProbabilityAlive(&p, c->x, c->t_x, c->T, &alive) &&
					  alive > 1 - 1e-10 && alive <= 1);
		}
	}
	EndGroup("ggomnbd_pareto_limit");
}

/* P(alive) in [0, 1], 1 at t_x = T, rising in t_x, falling in T, over a wide grid */
static void
TestProbabilityAlive(void)
{
	static const double rs[3] = {0.05, 1, 20};
	static const double alphas[3] = {0.1, 10, 1000};
	static const double bs[3] = {1e-12, 0.01, 1};
	static const double ss[3] = {0.05, 1, 20};
	static const double betas[3] = {1e-6, 1, 1e4};
	static const double xs[4] = {0, 1, 10, 500};
	static const double ages[3] = {1, 50, 500};
	char		what[160];

	BeginGroup();
	for (int ir = 0; ir < 3; ir++)
		for (int ia = 0; ia < 3; ia++)
			for (int ib = 0; ib < 3; ib++)
				for (int is = 0; is < 3; is++)
					for (int ie = 0; ie < 3; ie++)
					{
						GgomParams	p = {rs[ir], alphas[ia], bs[ib], ss[is], betas[ie]};

						for (int ix = 0; ix < 4; ix++)
							for (int it = 0; it < 3; it++)
							{
								double		T = ages[it];
								double		at_start;
								double		at_middle;
								double		at_end;
								double		older;
								double		ll;
								double		gradient[GGOM_N_PARAMS];
								bool		ok;

								snprintf(what, sizeof(what),
										 "(%g, %g, %g, %g, %g), x %g, T %g",
										 p.r, p.alpha, p.b, p.s, p.beta, xs[ix], T);
								ok = GgomProbabilityAlive(&p, xs[ix], 0, T, &at_start) &&
									GgomProbabilityAlive(&p, xs[ix], T / 2, T, &at_middle) &&
									GgomProbabilityAlive(&p, xs[ix], T, T, &at_end) &&
									GgomProbabilityAlive(&p, xs[ix], T / 2, 2 * T, &older);
								if (!ok)
								{
									Fail("    %s: P(alive) failed\n", what);
									continue;
								}
								if (!(at_start >= 0 && at_start <= at_middle &&
									  at_middle <= at_end && at_end == 1 &&
									  older <= at_middle))
									Fail("    %s: P(alive) %g, %g, %g, older %g\n", what,
										 at_start, at_middle, at_end, older);
								if (!GgomCustomerLogLikelihood(&p, xs[ix], T / 2, T, &ll, gradient) ||
									!isfinite(gradient[0] + gradient[1] + gradient[2] +
											  gradient[3] + gradient[4]))
									Fail("    %s: log-likelihood %g not finite or gradient not finite\n",
										 what, ll);
							}
					}
	EndGroup("ggomnbd_p_alive");
}

/* Expectations: against Simpson, increasing in the horizon, and consistent with each other */
static void
TestExpectations(void)
{
	char		what[128];

	BeginGroup();
	for (int m = 0; m < N_MODELS; m++)
	{
		const GgomParams *p = &Models[m];
		double		previous = 0;
		double		value;
		double		alive;
		double		lifetime;
		double		discounted;
		double		expected;
		double		last;
		GgomStatus	status;

		/* E[X(t)] of a new customer: r / alpha times the integral of S */
		CheckTrue("E[X(t)]", GgomExpectedPurchases(p, 39, 0, 0, 0, &value));
		snprintf(what, sizeof(what), "model %d, E[X(39)]", m);
		CheckClose(what, value, p->r / p->alpha * BruteResidualLifetime(p, 0, 0, 39), 1e-10, 0);
		/* CET rises with the horizon */
		for (int t = 1; t <= 4096; t *= 4)
		{
			CheckTrue("CET", GgomExpectedPurchases(p, t, 5, 20, 39, &value));
			snprintf(what, sizeof(what), "model %d, CET(%d) %g >= CET before %g", m, t, value, previous);
			CheckTrue(what, value >= previous && isfinite(value));
			previous = value;
		}
		/* undiscounted periods telescope: CET / P(alive) */
		CheckTrue("P(alive)", GgomProbabilityAlive(p, 5, 20, 39, &alive));
		CheckTrue("CET(52)", GgomExpectedPurchases(p, 52, 5, 20, 39, &value));
		status = GgomDiscountedPurchasesIfAlive(p, 5, 39, 52, 0, 1e6, NULL, &discounted);
		CheckTrue("undiscounted", status == GGOM_OK);
		if (alive > 1e-300)
			CheckClose("undiscounted = CET / P(alive)", discounted, value / alive, 1e-12, 0);
		/* discounted periods against Simpson period integrals */
		expected = 0;
		for (int k = 1; k <= 30; k++)
			expected += (p->r + 5) / (p->alpha + 39) * BruteResidualLifetime(p, 39, k - 1, k) *
				pow(1.05, -k);
		status = GgomDiscountedPurchasesIfAlive(p, 5, 39, 30, 0.05, 1e6, NULL, &discounted);
		snprintf(what, sizeof(what), "model %d, discounted over 30 periods", m);
		CheckTrue(what, status == GGOM_OK);
		CheckClose(what, discounted, expected, 1e-10, 0);
		/* DERT's discounted lifetime at 10 % per unit: the tail beyond 400 units is below e^-38 */
		CheckTrue("discounted lifetime", GgomDiscountedResidualLifetime(p, 39, log(1.1), &lifetime));
		snprintf(what, sizeof(what), "model %d, discounted lifetime", m);
		CheckClose(what, lifetime, BruteDiscountedLifetime(p, 39, log(1.1), 400), 1e-10, 0);
		CheckTrue("no discount fails", !GgomDiscountedResidualLifetime(p, 39, 0, &lifetime));
		/* the residual lifetime over a period, directly */
		CheckTrue("lifetime", GgomResidualLifetime(p, 39, 2, 3, &lifetime));
		CheckClose("residual lifetime in (T + 2, T + 3]", lifetime,
				   BruteResidualLifetime(p, 39, 2, 3), 1e-10, 0);
		/* a long horizon at a tiny rate needs too many periods */
		CheckTrue("too many periods",
				  GgomDiscountedPurchasesIfAlive(p, 5, 39, 1e7, 1e-9, 1e6, NULL, &last) ==
				  GGOM_TOO_MANY_PERIODS);
	}
	EndGroup("ggomnbd_expectations");
}

/* Customers and parameters at the edges: finite values, no overflow */
static void
TestExtremes(void)
{
	/* b T far beyond exp's range; x in the hundreds of thousands; tiny and huge scales */
	static const GgomParams models[] = {
		{0.553, 10.578, 2.0, 0.603, 0.0026},
		{0.553, 10.578, 1e-13, 0.603, 1.3e-12},
		{50, 0.01, 0.05, 0.1, 1e8},
		{0.01, 1e6, 0.3, 30, 1e-8}
	};
	static const Customer customers[] = {
		{0, 0, 1000}, {500, 999, 1000}, {500, 1, 1000}, {200000, 500, 1000},
		{3, 0.5, 0.5}, {1, 1e-9, 2e-9}
	};
	char		what[160];

	BeginGroup();
	for (int m = 0; m < 4; m++)
		for (int i = 0; i < 6; i++)
		{
			const GgomParams *p = &models[m];
			const Customer *c = &customers[i];
			double		gradient[GGOM_N_PARAMS];
			double		ll = LogLik(p, c, gradient);
			double		alive;
			double		cet;

			snprintf(what, sizeof(what), "(%g, %g, %g, %g, %g), customer (%g, %g, %g)",
					 p->r, p->alpha, p->b, p->s, p->beta, c->x, c->t_x, c->T);
			if (!isfinite(ll) ||
				!isfinite(gradient[0] + gradient[1] + gradient[2] + gradient[3] + gradient[4]))
				Fail("    %s: log-likelihood %g or its gradient not finite\n", what, ll);
			if (!GgomProbabilityAlive(p, c->x, c->t_x, c->T, &alive) || !(alive >= 0 && alive <= 1))
				Fail("    %s: P(alive) failed or out of [0, 1]\n", what);
			if (!GgomExpectedPurchases(p, 52, c->x, c->t_x, c->T, &cet) || !(cet >= 0))
				Fail("    %s: CET failed or negative\n", what);
		}
	EndGroup("ggomnbd_extremes");
}

/* Run every test group; exit status 1 if any failed */
int
main(void)
{
	TestQuadrature();
	TestLikelihood();
	TestGradient();
	TestParetoLimit();
	TestProbabilityAlive();
	TestExpectations();
	TestExtremes();
	return failed_groups == 0 ? 0 : 1;
}
