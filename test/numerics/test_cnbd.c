/*
 * test_cnbd.c
 *		Unit tests of src/clv/clv_cnbd_math.c (the BG/CNBD-k and MBG/CNBD-k
 *		models), run outside the server by test/numerics/run.
 *
 * References are independent of the code under test: central finite
 * differences of the log-likelihood; the BG/NBD and MBG/NBD closed forms
 * (Fader, Hardie & Lee 2005; Batislam et al. 2007, with numerics.c's 2F1
 * series) at k = 1; and brute-force two-dimensional Simpson integrals in
 * long double over the rate lambda and the dropout probability p of the
 * model's definition (Erlang-k clock, Poisson stage counts summed term by
 * term), for P(alive) and the conditional expectation at k > 1 (the
 * model's own integral, not its negative binomial closed form).
 */
#include "clv_cnbd_math.h"
#include "numerics.h"
#include "check.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Elements of a static array */
#define lengthof_models(array) (sizeof(array) / sizeof((array)[0]))

/* A customer summary */
typedef struct Customer
{
	double		x;				/* repeat purchases */
	double		t_x;			/* time of the last one */
	double		T;				/* age */
} Customer;

/* Customers (weeks): new, light, heavy, silent, last purchase at T */
static const Customer Customers[] = {
	{0, 0, 30}, {1, 5, 40}, {3, 20, 30}, {6, 29, 30}, {12, 15, 52}, {4, 30, 30}
};

/* The log-likelihood of a customer (k-only terms dropped) at p */
static double
LogLik(const CnbdParams *p, const Customer *c, double *gradient)
{
	CnbdFrequency f;

	CnbdFrequencyTerms(p, c->x, gradient != NULL, &f);
	return CnbdTupleLogLikelihood(p, &f, c->t_x, c->T, c->T > c->t_x ? log(c->T - c->t_x) : 0,
								  gradient);
}

/* The analytic gradient against central finite differences, every k, BG and MBG */
static void
TestGradient(void)
{
	static const CnbdParams Models[] = {
		{1, 0.24, 4.4, 0.79, 2.43, false}, {2, 0.85, 1.45, 0.79, 2.42, false},
		{3, 1.3, 8.0, 1.5, 3.0, true}, {5, 0.5, 0.7, 0.3, 6.0, false}, {12, 2.0, 20.0, 2.5, 0.8, true}
	};

	BeginGroup();
	for (size_t m = 0; m < lengthof_models(Models); m++)
		for (size_t i = 0; i < sizeof(Customers) / sizeof(Customers[0]); i++)
		{
			double		gradient[4];
			double	   *fields[4];
			CnbdParams	p = Models[m];

			LogLik(&p, &Customers[i], gradient);
			fields[0] = &p.r;
			fields[1] = &p.alpha;
			fields[2] = &p.a;
			fields[3] = &p.b;
			for (int j = 0; j < 4; j++)
			{
				double		saved = *fields[j];
				double		h = 1e-5 * saved;
				double		up;
				double		down;
				char		what[96];

				*fields[j] = saved + h;
				up = LogLik(&p, &Customers[i], NULL);
				*fields[j] = saved - h;
				down = LogLik(&p, &Customers[i], NULL);
				*fields[j] = saved;
				snprintf(what, sizeof(what), "model %zu customer %zu d/dparam %d", m, i, j);
				CheckClose(what, gradient[j], (up - down) / (2 * h), 1e-6, 1e-7);
			}
		}
	EndGroup("cnbd_gradient");
}

/* The BG/NBD (MBG/NBD) closed forms at k = 1 */
static void
TestNbdLimit(void)
{
	static const CnbdParams Models[] = {
		{1, 0.24, 4.4, 0.79, 2.43, false}, {1, 0.52, 6.2, 0.89, 1.61, true},
		{1, 1.3, 8.0, 1.5, 3.0, false}, {1, 1.3, 8.0, 1.5, 3.0, true}
	};

	BeginGroup();
	for (size_t m = 0; m < lengthof_models(Models); m++)
		for (size_t i = 0; i < sizeof(Customers) / sizeof(Customers[0]); i++)
		{
			const CnbdParams *p = &Models[m];
			const Customer *c = &Customers[i];
			double		d = p->mbg ? 1 : 0;
			double		rx = p->r + c->x;
			double		beta_alive = exp(LogBeta(p->a, p->b + c->x + d) - LogBeta(p->a, p->b));
			double		beta_dead = exp(LogBeta(p->a + 1, p->b + c->x - 1 + d) - LogBeta(p->a, p->b));
			bool		dead_possible = p->mbg || c->x > 0;
			double		ll = lgamma(rx) - lgamma(p->r) + p->r * log(p->alpha) +
				log(beta_alive * pow(p->alpha + c->T, -rx) +
					(dead_possible ? beta_dead * pow(p->alpha + c->t_x, -rx) : 0));
			double		alive = 1 / (1 + (dead_possible ? p->a / (p->b + c->x - 1 + d) *
										  pow((p->alpha + c->T) / (p->alpha + c->t_x), rx) : 0));
			double		t = 26;
			double		z = t / (p->alpha + c->T + t);
			double		series;
			double		cet;
			double		got;
			char		what[96];

			Hyp2F1Series(rx, p->b + c->x + d, p->a + p->b + c->x - 1 + d, z, &series);
			cet = (p->a + p->b + c->x - 1 + d) / (p->a - 1) *
				(1 - pow((p->alpha + c->T) / (p->alpha + c->T + t), rx) * series) * alive;
			snprintf(what, sizeof(what), "model %zu customer %zu loglik", m, i);
			CheckClose(what, LogLik(p, c, NULL), ll, 1e-12, 1e-12);
			snprintf(what, sizeof(what), "model %zu customer %zu p_alive", m, i);
			CheckClose(what, CnbdProbabilityAlive(p, c->x, c->t_x, c->T), alive, 1e-12, 1e-15);
			snprintf(what, sizeof(what), "model %zu customer %zu cet", m, i);
			CheckTrue(what, CnbdExpectedPurchases(p, t, c->x, c->t_x, c->T, NULL, &got));
			CheckClose(what, got, cet, 1e-10, 1e-14);
		}
	EndGroup("cnbd_nbd_limit");
}

/* Simpson panels over log(lambda), Gauss-Legendre nodes over p, of the brute-force integrals */
#define LAMBDA_PANELS 1000
#define P_NODES 96

/* Gauss-Legendre nodes and weights on (0, 1), by Newton's method on P_n */
static void
GaussLegendre(int n, long double *nodes, long double *weights)
{
	for (int i = 0; i < n; i++)
	{
		long double z = cosl(3.14159265358979323846264338327950288L * (i + 0.75L) / (n + 0.5L));
		long double derivative = 1;

		for (int iteration = 0; iteration < 100; iteration++)
		{
			long double p0 = 1,
						p1 = 0;
			long double step;

			for (int j = 1; j <= n; j++)
			{
				long double p2 = p1;

				p1 = p0;
				p0 = ((2 * j - 1) * z * p1 - (j - 1) * p2) / j;
			}
			derivative = n * (z * p0 - p1) / (z * z - 1);
			step = p0 / derivative;
			z -= step;
			if (fabsl(step) < 1e-19L)
				break;
		}
		nodes[i] = (1 - z) / 2;
		weights[i] = 1 / ((1 - z * z) * derivative * derivative);
	}
}

/*
 * P(alive) and the expected purchases in (T, T + t] of a customer by
 * two-dimensional integration of the definition over lambda ~ Gamma(r,
 * alpha) (Simpson over log lambda) and p ~ Beta(a, b) (Gauss-Legendre; a,
 * b, r at least 3: integrands smooth at 0 and 1)
 */
static void
BruteForce(const CnbdParams *p, const Customer *c, double t, double *alive, double *expected)
{
	int			k = p->k;
	long double d = p->mbg ? 1 : 0;
	long double u = c->T - c->t_x;
	long double s = p->r + k * c->x;
	/* over log(lambda), so that every posterior scale is resolved */
	long double y_min = logl(1e-9L / (p->alpha + c->T));
	long double y_max = logl((s + k + 60 * sqrtl(s + k)) / (p->alpha + c->t_x));
	long double h_lambda = (y_max - y_min) / LAMBDA_PANELS;
	long double p_nodes[P_NODES];
	long double p_weights[P_NODES];
	long double total = 0,
				alive_sum = 0,
				expected_sum = 0;
	long double log_norm_lambda = p->r * logl(p->alpha) - lgammal(p->r);
	long double log_norm_p = -(lgammal(p->a) + lgammal(p->b) - lgammal(p->a + p->b));

	long double log_peak = -INFINITY;

	GaussLegendre(P_NODES, p_nodes, p_weights);

	/* the largest log weight over the grid (points far below it are skipped) */
	for (int i = 0; i <= LAMBDA_PANELS; i++)
	{
		long double lambda = expl(y_min + i * h_lambda);
		long double log_weight = (p->r + k * c->x + k) * logl(lambda) - lambda * (p->alpha + c->t_x);

		if (log_weight > log_peak)
			log_peak = log_weight;
	}
	for (int i = 0; i <= LAMBDA_PANELS; i++)
	{
		long double lambda = expl(y_min + i * h_lambda);
		long double w_lambda = ((i == 0 || i == LAMBDA_PANELS) ? 1 : (i % 2 ? 4 : 2)) * lambda;
		long double phase[CNBD_MAX_K];
		long double tail[4096];	/* P(Poisson(lambda t) >= n) */
		long double pmf;
		long double cumulative = 0;
		int			n_tail = 4096;
		long double base_alive;
		long double base_dead;

		/* negligible (below e^-50 of the peak, whatever the phase) */
		if ((p->r + k * c->x) * logl(lambda) - lambda * (p->alpha + c->T) +
			(lambda * (1 + u) > 1 ? k * logl(lambda * (1 + u)) : 0) < log_peak - 50 &&
			(p->r + k * c->x) * logl(lambda) - lambda * (p->alpha + c->t_x) < log_peak - 50)
			continue;
		/* lambda^(kx) e^(-lambda T) (lambda u)^j / j!, alive in phase j */
		for (int j = 0; j < k; j++)
		{
			phase[j] = expl(log_norm_lambda + (p->r - 1) * logl(lambda) - p->alpha * lambda +
							k * c->x * logl(lambda) - lambda * c->T) *
				(j == 0 ? 1 : powl(lambda * u, j) / tgammal(j + 1));
		}
		base_dead = (p->mbg || c->x > 0) ?
			expl(log_norm_lambda + (p->r - 1) * logl(lambda) - p->alpha * lambda +
				 k * c->x * logl(lambda) - lambda * c->t_x) : 0;
		pmf = expl(-lambda * t);
		for (int n = 0; n < n_tail; n++)
		{
			tail[n] = 1 - cumulative;
			cumulative += pmf;
			pmf *= lambda * t / (n + 1);
		}
		for (int q = 0; q < P_NODES; q++)
		{
			long double pp = p_nodes[q];
			long double w = w_lambda * p_weights[q];
			long double prior = expl(log_norm_p + (p->a - 1) * logl(pp) + (p->b - 1) * log1pl(-pp));
			long double survive = powl(1 - pp, c->x + d);
			long double dead = (p->mbg || c->x > 0) ? pp * powl(1 - pp, c->x - 1 + d) : 0;

			base_alive = 0;
			for (int j = 0; j < k; j++)
			{
				long double weight = prior * phase[j] * survive;
				long double future = 0;
				long double keep = 1;

				base_alive += weight;
				for (int m = 1; m * k - j < n_tail; m++)
				{
					future += keep * tail[m * k - j];
					keep *= 1 - pp;
					if (tail[m * k - j] < 1e-22L)
						break;
				}
				expected_sum += w * weight * future;
			}
			alive_sum += w * base_alive;
			total += w * (base_alive + prior * base_dead * dead);
		}
	}
	*alive = (double) (alive_sum / total);
	*expected = (double) (expected_sum / total);
}

/* P(alive) and the conditional expectation at k > 1 against the brute-force integrals */
static void
TestBruteForce(void)
{
	static const CnbdParams Models[] = {
		{2, 3.0, 8.0, 3.0, 4.0, false}, {3, 4.0, 15.0, 3.0, 5.0, true}, {4, 3.0, 5.0, 4.0, 4.0, false}
	};
	static const Customer Few[] = {{0, 0, 25}, {1, 5, 40}, {3, 20, 30}, {6, 29, 30}};

	BeginGroup();
	for (size_t m = 0; m < lengthof_models(Models); m++)
		for (size_t i = 0; i < sizeof(Few) / sizeof(Few[0]); i++)
		{
			double		alive;
			double		expected;
			double		got;
			char		what[96];

			BruteForce(&Models[m], &Few[i], 20, &alive, &expected);
			snprintf(what, sizeof(what), "model %zu customer %zu p_alive", m, i);
			CheckClose(what, CnbdProbabilityAlive(&Models[m], Few[i].x, Few[i].t_x, Few[i].T),
					   alive, 1e-7, 1e-9);
			snprintf(what, sizeof(what), "model %zu customer %zu cet", m, i);
			CheckTrue(what, CnbdExpectedPurchases(&Models[m], 20, Few[i].x, Few[i].t_x, Few[i].T,
												  NULL, &got));
			CheckClose(what, got, expected, 1e-7, 1e-9);
		}
	EndGroup("cnbd_brute_force");
}

/*
 * The distribution of a new customer's purchases: it sums to 1, its mean is
 * the expectation E[X(t)], and at k = 1 it is the BG/NBD's
 */
static void
TestPmf(void)
{
	static const CnbdParams Models[] = {
		{1, 0.24, 4.4, 0.79, 2.43, false}, {2, 0.85, 1.45, 0.79, 2.42, false},
		{3, 1.3, 8.0, 1.5, 3.0, true}, {6, 0.85, 1.45, 0.79, 2.42, true}
	};
	static const double Horizons[] = {2, 26, 104};

	BeginGroup();
	for (size_t m = 0; m < lengthof_models(Models); m++)
		for (size_t h = 0; h < 3; h++)
		{
			double		sum = 0;
			double		mean = 0;
			double		expected;
			char		what[96];

			for (int n = 0; n < 4000; n++)
			{
				double		value;

				CheckTrue("pmf converges", CnbdPurchaseProbability(&Models[m], n, Horizons[h], &value));
				sum += value;
				mean += n * value;
			}
			CnbdExpectedPurchases(&Models[m], Horizons[h], 0, 0, 0, NULL, &expected);
			snprintf(what, sizeof(what), "model %zu horizon %g sum", m, Horizons[h]);
			CheckClose(what, sum, 1, 1e-10, 1e-10);
			snprintf(what, sizeof(what), "model %zu horizon %g mean", m, Horizons[h]);
			CheckClose(what, mean, expected, 1e-8, 1e-10);
		}
	EndGroup("cnbd_pmf");
}

/* Extreme customers: heavy buyers, long horizons, tiny horizons, huge k */
static void
TestExtremes(void)
{
	CnbdParams	p = {12, 0.85, 1.45, 0.79, 2.42, false};
	double		value;
	double		small;

	BeginGroup();
	/* 10,000 purchases: finite log-likelihood, P(alive) in [0, 1], finite CET */
	{
		Customer	c = {10000, 51.999, 52};
		double		ll = LogLik(&p, &c, NULL);

		CheckTrue("heavy loglik finite", isfinite(ll));
		value = CnbdProbabilityAlive(&p, c.x, c.t_x, c.T);
		CheckTrue("heavy p_alive in [0, 1]", value >= 0 && value <= 1);
		CheckTrue("heavy cet", CnbdExpectedPurchases(&p, 52, c.x, c.t_x, c.T, NULL, &value) &&
				  isfinite(value) && value > 0);
	}
	/* a tiny horizon: the expectation keeps its relative digits (Erlang-12: ~t^12) */
	CheckTrue("tiny horizon", CnbdExpectedPurchases(&p, 1e-3, 0, 0, 0, NULL, &small) && small > 0);
	CheckTrue("tiny horizon increases",
			  CnbdExpectedPurchases(&p, 2e-3, 0, 0, 0, NULL, &value) && value > small * 1000);
	/* a horizon whose sum would be too long reports failure */
	{
		CnbdParams	q = {100, 50, 0.001, 0.79, 2.42, false};

		CheckTrue("too many terms", !CnbdExpectedPurchases(&q, 365243, 1000, 1, 1, NULL, &value) &&
				  isnan(value));
	}
	EndGroup("cnbd_extremes");
}

int
main(void)
{
	TestGradient();
	TestNbdLimit();
	TestBruteForce();
	TestPmf();
	TestExtremes();
	return failed_groups == 0 ? 0 : 1;
}
