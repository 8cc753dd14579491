/*
 * test_numerics.c
 *		Unit tests of src/common/numerics.c, run outside the server by
 *		test/numerics/run.
 *
 * Prints one line per test group in pg_regress's style ("test name ... ok"
 * or "... FAILED", which test/run counts), the failed checks of a group on
 * the lines after it, and exits non-zero if any group failed.  Reference
 * values are closed forms or mpmath 1.2.1 at 40 digits.
 */
#include "numerics.h"
#include "check.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pi (C99 has no M_PI) */
#define PI 3.14159265358979323846264338327950288

/* The Euler-Mascheroni constant */
#define EULER_GAMMA 0.57721566490153286060651209008240243

/* A test objective: a function of theta and the counts of its calls */
typedef struct TestProblem
{
	int			calls;			/* evaluations so far */
	int			gradient_calls; /* evaluations that asked for a gradient */
	int			undefined_calls;	/* evaluations where f was not finite */
	bool		explicit_infinity;	/* return +inf (gradient untouched)
									 * outside the domain instead of NaN */
	int			n;				/* dimension of a quadratic */
	double		center[NUMERICS_MAX_PARAMS];	/* its minimizer */
	double		matrix[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS]; /* Hessian */
} TestProblem;

/* Rosenbrock's function 100 (y - x^2)^2 + (1 - x)^2 and its gradient */
static double
Rosenbrock(const double *theta, double *gradient, void *context)
{
	TestProblem *problem = (TestProblem *) context;
	double		x = theta[0];
	double		y = theta[1];

	problem->calls++;
	if (gradient != NULL)
	{
		problem->gradient_calls++;
		gradient[0] = -400.0 * x * (y - x * x) - 2.0 * (1.0 - x);
		gradient[1] = 200.0 * (y - x * x);
	}
	return 100.0 * (y - x * x) * (y - x * x) + (1.0 - x) * (1.0 - x);
}

/* The quadratic (theta - center)' matrix (theta - center) / 2 */
static double
Quadratic(const double *theta, double *gradient, void *context)
{
	TestProblem *problem = (TestProblem *) context;
	int			n = problem->n;
	double		difference[NUMERICS_MAX_PARAMS];
	double		value = 0.0;

	problem->calls++;
	for (int i = 0; i < n; i++)
		difference[i] = theta[i] - problem->center[i];
	for (int i = 0; i < n; i++)
	{
		double		row = 0.0;

		for (int j = 0; j < n; j++)
			row += problem->matrix[i * n + j] * difference[j];
		value += 0.5 * difference[i] * row;
		if (gradient != NULL)
			gradient[i] = row;
	}
	return value;
}

/* x - log x + y^2, undefined for x <= 0; minimum 1 at (1, 0) */
static double
Barrier(const double *theta, double *gradient, void *context)
{
	TestProblem *problem = (TestProblem *) context;
	double		x = theta[0];
	double		y = theta[1];

	problem->calls++;
	if (x <= 0.0)
	{
		problem->undefined_calls++;
		if (problem->explicit_infinity)
			return INFINITY;
	}
	if (gradient != NULL)
	{
		gradient[0] = 1.0 - 1.0 / x;
		gradient[1] = 2.0 * y;
	}
	return x - log(x) + y * y;	/* NaN for x < 0, +inf at 0 */
}

/* Set problem to a 4-dimensional quadratic, eigenvalues 1 ... 1/condition */
static void
SetQuadratic(TestProblem *problem, double condition)
{
	/* Householder reflection I - 2 v v' / v'v, v = (1, 2, 3, 4): orthogonal */
	static const double v[4] = {1.0, 2.0, 3.0, 4.0};
	static const double center[4] = {1.0, -2.0, 0.5, 3.0};
	double		eigenvalues[4];
	double		q[16];

	memset(problem, 0, sizeof(TestProblem));
	problem->n = 4;
	eigenvalues[0] = 1.0;
	eigenvalues[1] = pow(condition, -1.0 / 3.0);
	eigenvalues[2] = pow(condition, -2.0 / 3.0);
	eigenvalues[3] = 1.0 / condition;
	for (int i = 0; i < 4; i++)
	{
		problem->center[i] = center[i];
		for (int j = 0; j < 4; j++)
			q[i * 4 + j] = (i == j ? 1.0 : 0.0) - 2.0 * v[i] * v[j] / 30.0;
	}
	for (int i = 0; i < 4; i++)
	{
		for (int j = 0; j < 4; j++)
		{
			double		sum = 0.0;

			for (int k = 0; k < 4; k++)
				sum += q[i * 4 + k] * eigenvalues[k] * q[j * 4 + k];
			problem->matrix[i * 4 + j] = sum;
		}
	}
}

/* Digamma and trigamma against closed forms, identities and mpmath */
static void
TestDigamma(void)
{
	static const double shifts[] = {1e-8, 0.243, 4.414, 250.5, 1e6};
	static const struct
	{
		double		x;			/* argument */
		double		digamma;	/* psi(x) by mpmath */
		double		trigamma;	/* psi'(x) by mpmath, 0 if not tested */
	}			references[] =
	{
		{1e-5, -100000.57719921568107, 0.0},
		{1e-3, 0.0, 1000001.642533195869},
		{0.01, 0.0, 10001.62121352831322},
		{0.1, -10.423754940411076795, 0.0},
		{3.7, 0.0, 0.3100378576700383191},
		{7.3, 1.9178203356379860984, 0.0},
		{9.99, 0.0, 0.10527695014824178675},
		{9.999, 2.2516474172057352559, 0.0},
		{10.0, 2.2517525890667211076, 0.0},
		{10.001, 2.2518577498778719278, 0.0},
		{10.01, 0.0, 0.10505595320551508907},
		{55.5, 0.0, 0.018181317363221761045},
		{123.456, 4.8118293238289853873, 0.0},
		{1000.0, 0.0, 0.0010005001666666333334},
		{1e4, 0.0, 0.00010000500016666666633},
		{1e6, 13.815510057964190771, 0.0},
	};
	double		harmonic = 0.0;
	double		inverse_squares = 0.0;
	char		what[128];

	BeginGroup();
	CheckClose("digamma(1) = -gamma", Digamma(1.0), -EULER_GAMMA, 1e-15, 0.0);
	CheckClose("digamma(0.5) = -gamma - 2 log 2", Digamma(0.5),
			   -EULER_GAMMA - 2.0 * log(2.0), 1e-15, 0.0);
	/* psi(n) = -gamma + H(n-1), psi'(n) = pi^2/6 - sum_{k<n} 1/k^2 */
	for (int n = 2; n <= 1000; n++)
	{
		harmonic += 1.0 / (n - 1);
		inverse_squares += 1.0 / ((double) (n - 1) * (n - 1));
		if (n != 2 && n != 3 && n != 10 && n != 11 && n != 50 && n != 1000)
			continue;
		snprintf(what, sizeof(what), "digamma(%d) = -gamma + H(%d)", n, n - 1);
		CheckClose(what, Digamma(n), -EULER_GAMMA + harmonic, 1e-14, 0.0);
		/* the reference cancels: only absolute accuracy ~1e-15 */
		snprintf(what, sizeof(what), "trigamma(%d) = pi^2/6 - H2(%d)",
				 n, n - 1);
		CheckClose(what, Trigamma(n), PI * PI / 6.0 - inverse_squares,
				   1e-14, 2e-15);
	}
	/* psi(x + 1) - psi(x) = 1/x, up to rounding of psi itself */
	for (size_t i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++)
	{
		double		x = shifts[i];

		snprintf(what, sizeof(what), "digamma(%g + 1) - digamma(%g)", x, x);
		CheckClose(what, Digamma(x + 1.0) - Digamma(x), 1.0 / x, 1e-13,
				   4e-15 * fmax(1.0, fabs(Digamma(x))));
		snprintf(what, sizeof(what), "trigamma(%g) - trigamma(%g + 1)", x, x);
		CheckClose(what, Trigamma(x) - Trigamma(x + 1.0), 1.0 / (x * x),
				   1e-13, 4e-15 * Trigamma(x));
	}
	for (size_t i = 0; i < sizeof(references) / sizeof(references[0]); i++)
	{
		if (references[i].digamma != 0.0)
		{
			snprintf(what, sizeof(what), "digamma(%g)", references[i].x);
			CheckClose(what, Digamma(references[i].x), references[i].digamma,
					   2e-15, 0.0);
		}
		if (references[i].trigamma != 0.0)
		{
			snprintf(what, sizeof(what), "trigamma(%g)", references[i].x);
			CheckClose(what, Trigamma(references[i].x),
					   references[i].trigamma, 2e-15, 0.0);
		}
	}
	/* near the positive root of psi only an absolute accuracy is possible */
	CheckClose("digamma(1.4616321449683622)", Digamma(1.4616321449683622),
			   -1.3669595495722516912e-16, 0.0, 1e-15);
	CheckClose("trigamma(1) = pi^2/6", Trigamma(1.0), PI * PI / 6.0,
			   1e-15, 0.0);
	CheckClose("trigamma(0.5) = pi^2/2", Trigamma(0.5), PI * PI / 2.0,
			   1e-15, 0.0);
	CheckTrue("digamma(0) is NaN", isnan(Digamma(0.0)));
	CheckTrue("digamma(-1.5) is NaN", isnan(Digamma(-1.5)));
	CheckTrue("trigamma(NaN) is NaN", isnan(Trigamma(NAN)));
	EndGroup("numerics_digamma");
}

/*
 * Rounding bound of LogBeta: lgamma(a) + lgamma(b) - lgamma(a + b) cancels,
 * so allow a few ulps of each term (1e-9 at 1e5, 1e-15 near 1)
 */
static double
LogBetaTolerance(double a, double b)
{
	return 4.0 * DBL_EPSILON *
		(fabs(lgamma(a)) + fabs(lgamma(b)) + fabs(lgamma(a + b)) + 1.0);
}

/* Check LogBeta(a, b) and LogBeta(b, a) */
static void
CheckLogBeta(const char *what, double a, double b, double expected)
{
	char		text[160];

	snprintf(text, sizeof(text), "logbeta(%g, %g)%s%s", a, b,
			 what[0] ? " = " : "", what);
	CheckClose(text, LogBeta(a, b), expected, 0.0, LogBetaTolerance(a, b));
	snprintf(text, sizeof(text), "logbeta(%g, %g)%s%s", b, a,
			 what[0] ? " = " : "", what);
	CheckClose(text, LogBeta(b, a), expected, 0.0, LogBetaTolerance(a, b));
}

/* LogBeta against closed forms and mpmath, including large arguments */
static void
TestLogBeta(void)
{
	static const struct
	{
		double		a;			/* first argument */
		double		b;			/* second argument */
		double		expected;	/* log B(a, b) by mpmath */
	}			references[] =
	{
		{1e5, 1e5, -138633.92706134806235},
		{1e5, 2.5, -28.497649541827653062},
		{15.0, 12.5, -18.97942213420137653},
		{0.001, 1e5, 6.8956659649138917624},
		{30.0, 3.0, -9.607773308387082859},
		{2.5, 9.999, -5.6476037073786069181},
		{10.0, 10.0, -13.736229227036554814},
		{3.3, 0.7, -0.54379364480165389855},
		{500.25, 1e5, -3153.9183230333104764},
	};

	BeginGroup();
	CheckLogBeta("log(1/12)", 2.0, 3.0, -log(12.0));
	CheckLogBeta("log(pi)", 0.5, 0.5, log(PI));
	/* B(a, 1) = 1/a, B(a, 2) = 1/(a (a + 1)) */
	CheckLogBeta("-log(1e5)", 1e5, 1.0, -log(1e5));
	CheckLogBeta("-log(1e5 * 100001)", 1e5, 2.0, -log(1e5) - log(100001.0));
	CheckLogBeta("-log(3e4 * 30001)", 3e4, 2.0, -log(3e4) - log(30001.0));
	for (size_t i = 0; i < sizeof(references) / sizeof(references[0]); i++)
		CheckLogBeta("", references[i].a, references[i].b,
					 references[i].expected);
	CheckTrue("the tolerance at 1e5 is below 1e-8",
			  LogBetaTolerance(1e5, 1e5) < 1e-8);
	CheckTrue("logbeta(0, 1) is NaN", isnan(LogBeta(0.0, 1.0)));
	CheckTrue("logbeta(1, -2) is NaN", isnan(LogBeta(1.0, -2.0)));
	EndGroup("numerics_logbeta");
}

/* Check one RegularizedBeta value */
static void
CheckBeta(double a, double b, double x, double expected, double relative)
{
	char		what[160];
	double		value = 0.0;

	snprintf(what, sizeof(what), "I_%g(%g, %g) returns true", x, a, b);
	CheckTrue(what, RegularizedBeta(a, b, x, 1.0 - x, &value));
	snprintf(what, sizeof(what), "I_%g(%g, %g)", x, a, b);
	CheckClose(what, value, expected, relative, 1e-300);
}

/*
 * LogGammaRatio, LogBetaRatio and RegularizedBeta against closed forms,
 * at the extreme arguments (1e-20, 1e20) where lgamma differences lose
 * every digit
 */
static void
TestRatios(void)
{
	const double xs[] = {1e-20, 0.5, 10.0, 29.5, 30.5, 1e5, 1e20};

	BeginGroup();
	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++)
	{
		double		x = xs[i];

		/* Gamma(x + 1) / Gamma(x) = x, Gamma(x + 2) / Gamma(x) = x (x + 1) */
		CheckClose("loggammaratio(x, 1) = log x", LogGammaRatio(x, 1.0), log(x), 1e-14, 1e-14);
		CheckClose("loggammaratio(x, 2) = log x (x + 1)", LogGammaRatio(x, 2.0),
				   log(x) + log(x + 1.0), 1e-14, 1e-14);
		if (x > 1e-10)			/* (1e-20 + 1) - 1 is 0 */
			CheckClose("loggammaratio(x + 1, -1) = -log x", LogGammaRatio(x + 1.0, -1.0),
					   -log(x), 1e-14, 1e-14);
		/* B(a, b + 1) / B(a, b) = b / (a + b), B(a + 1, b) / B(a, b) = a / (a + b) */
		CheckClose("logbetaratio(1, x, 0, 1)", LogBetaRatio(1.0, x, 0.0, 1.0),
				   log(x) - log1p(x), 1e-13, 1e-13);
		CheckClose("logbetaratio(x, 1e20, 1, 0)", LogBetaRatio(x, 1e20, 1.0, 0.0),
				   log(x) - log(x + 1e20), 1e-13, 1e-13);
	}
	/* psi(1e20) ~ log(1e20): the ratio at a tiny step */
	CheckClose("loggammaratio(1e20, 1e-20)", LogGammaRatio(1e20, 1e-20), 1e-20 * log(1e20),
			   1e-12, 0.0);
	CheckTrue("loggammaratio(0, 1) is NaN", isnan(LogGammaRatio(0.0, 1.0)));
	/* I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b, I_x(2, 3) a polynomial */
	CheckBeta(1.0, 1.0, 0.3, 0.3, 1e-14);
	CheckBeta(3.5, 1.0, 0.9, pow(0.9, 3.5), 1e-13);
	CheckBeta(1.0, 7.0, 0.2, 1.0 - pow(0.8, 7.0), 1e-13);
	CheckBeta(2.0, 3.0, 0.3, 0.3483, 1e-13);
	CheckBeta(3.0, 2.0, 0.7, 1.0 - 0.3483, 1e-13);
	/* the NBD tail of a Poisson limit: I_(1e-20)(1, 1e20) = 1 - e^-1 */
	CheckBeta(1.0, 1e20, 1e-20, -expm1(-1.0), 1e-12);
	CheckBeta(1e-20, 1.0, 0.5, pow(0.5, 1e-20), 1e-14);
	EndGroup("numerics_ratios");
}

/* Check one Hyp2F1Series value */
static void
CheckHyp2F1(double a, double b, double c, double z, double expected,
			double relative)
{
	char		what[160];
	double		value = 0.0;
	bool		ok = Hyp2F1Series(a, b, c, z, &value);

	snprintf(what, sizeof(what), "2F1(%g, %g; %g; %g) returns true",
			 a, b, c, z);
	CheckTrue(what, ok);
	snprintf(what, sizeof(what), "2F1(%g, %g; %g; %g)", a, b, c, z);
	CheckClose(what, value, expected, relative, 0.0);
}

/* Hyp2F1Series against closed forms, mpmath and its failure cases */
static void
TestHyp2F1(void)
{
	static const double points[] = {0.0, 1e-8, 0.3, 0.5, 0.9, 0.99};
	double		value = 0.0;

	BeginGroup();
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
	{
		double		z = points[i];

		/* 2F1(1, 1; 2; z) = -log(1 - z) / z */
		CheckHyp2F1(1.0, 1.0, 2.0, z, z == 0.0 ? 1.0 : -log1p(-z) / z, 1e-14);
		/* 2F1(a, b; b; z) = (1 - z)^-a */
		CheckHyp2F1(2.7, 1.3, 1.3, z, pow(1.0 - z, -2.7), 1e-13);
		/* terms up to 1.6 cancel to 6e-4 at z = 0.99: 1e-16 * 2500 */
		CheckHyp2F1(-1.6, 0.4, 0.4, z, pow(1.0 - z, 1.6), 1e-12);
		/* 2F1(1/2, 1/2; 3/2; z^2) = asin(z) / z */
		CheckHyp2F1(0.5, 0.5, 1.5, z * z,
					z == 0.0 ? 1.0 : asin(z) / z, 1e-14);
	}
	/* terminating: 2F1(-3, 2; 5; z) = 1 - 6z/5 + 2z^2/5 - 2z^3/35 */
	CheckHyp2F1(-3.0, 2.0, 5.0, 0.7, 0.4148, 1e-14);
	CheckHyp2F1(0.5, -3.0, 2.0, 0.9, 0.571796875, 1e-14);
	/* negative parameters (mpmath) */
	CheckHyp2F1(-2.5, 1.3, 0.7, 0.9, -0.20720391366432909794, 1e-13);
	CheckHyp2F1(-0.3, -1.7, 2.2, 0.99, 1.2112381361206990201, 1e-13);
	CheckHyp2F1(3.7, -4.2, -2.5, 0.6, -37.879511268035049388, 1e-13);
	/* z near 1 (mpmath) */
	CheckHyp2F1(1.5, 2.5, 4.5, 0.99, 7.461083692457518793, 1e-13);
	/* terms growing long before they shrink (mpmath) */
	CheckHyp2F1(200.3, 150.7, 352.1, 0.5, 4.0712788987392833337e23, 1e-12);
	CheckHyp2F1(12.5, 30.25, 8.75, 0.9, 5.6599903832317298433e35, 1e-12);

	CheckTrue("2F1 at z = 1 fails", !Hyp2F1Series(1.0, 1.0, 2.0, 1.0, &value));
	CheckTrue("2F1 at z = 1 gives NaN", isnan(value));
	CheckTrue("2F1 with c = -2 fails",
			  !Hyp2F1Series(1.0, 1.0, -2.0, 0.5, &value) && isnan(value));
	CheckTrue("2F1 with c = 0 fails",
			  !Hyp2F1Series(1.0, 1.0, 0.0, 0.5, &value) && isnan(value));
	CheckTrue("2F1 at z = -0.5 fails",
			  !Hyp2F1Series(1.0, 1.0, 2.0, -0.5, &value) && isnan(value));
	CheckTrue("2F1 with NaN a fails",
			  !Hyp2F1Series(NAN, 1.0, 2.0, 0.5, &value) && isnan(value));
	/* terms ~ k^1e3 0.999^k: out of the double range */
	CheckTrue("2F1 leaving the double range fails",
			  !Hyp2F1Series(1000.0, 1001.0, 1.0, 0.999, &value) &&
			  isnan(value));
	/* terms ~ 0.99999999^k: would need ~4e9 terms */
	CheckTrue("2F1 beyond the term cap fails",
			  !Hyp2F1Series(1.0, 1.0, 2.0, 0.99999999, &value) &&
			  isnan(value));
	EndGroup("numerics_hyp2f1");
}

/* Check one UpperGammaScaled value */
static void
CheckUpperGamma(double a, double z, double expected, double relative)
{
	char		what[160];
	double		value = 0.0;
	bool		ok = UpperGammaScaled(a, z, &value);

	snprintf(what, sizeof(what), "e^z z^-a Gamma(%g, %g) returns true", a, z);
	CheckTrue(what, ok);
	snprintf(what, sizeof(what), "e^z z^-a Gamma(%g, %g)", a, z);
	CheckClose(what, value, expected, relative, 0.0);
}

/* UpperGammaScaled against closed forms, mpmath and its domain */
static void
TestUpperGamma(void)
{
	static const double points[] = {1e-6, 0.1, 0.7, 1.49, 1.5, 3.0, 40.0};
	double		value = 0.0;

	BeginGroup();
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++)
	{
		double		z = points[i];

		/* Gamma(1/2, z) = sqrt(pi) erfc(sqrt(z)) */
		CheckUpperGamma(0.5, z, exp(z) * sqrt(PI / z) * erfc(sqrt(z)), 1e-12);
		/* Gamma(-1/2, z) = 2 e^-z / sqrt(z) - 2 sqrt(pi) erfc(sqrt(z)) */
		if (z < 3.0)
			CheckUpperGamma(-0.5, z, sqrt(z) * (2.0 / sqrt(z) -
												2.0 * sqrt(PI) * exp(z) * erfc(sqrt(z))),
							1e-12);
	}
	/* mpmath: e^z z^-a gammainc(a, z) */
	CheckUpperGamma(0.394, 0.13, 2.9436513401195303352, 1e-13);
	CheckUpperGamma(0.394, 3.0, 0.28672262453533653437, 1e-13);
	CheckUpperGamma(-2.0516, 0.05, 0.46703541883722876626, 1e-13);
	CheckUpperGamma(-2.0516, 5.0, 0.12947394702953646251, 1e-13);
	CheckUpperGamma(0.0, 0.3, 1.2225356050805855634, 1e-13);
	CheckUpperGamma(0.999, 1e-5, 98912.456285737658618, 1e-12);
	CheckUpperGamma(-0.5, 1.49, 0.38147030992034308694, 1e-13);
	CheckUpperGamma(-0.5, 1.51, 0.3782665347144993917, 1e-13);
	CheckUpperGamma(0.5, 40.0, 0.024698544060510911613, 1e-13);
	CheckUpperGamma(-30.5, 0.01, 0.032775774945814385719, 1e-13);
	CheckUpperGamma(1e-12, 0.7, 0.75267802002999428801, 1e-11);
	CheckUpperGamma(-1.0, 0.2, 0.70133025061355214191, 1e-13);

	CheckTrue("a = 1 is outside the domain",
			  !UpperGammaScaled(1.0, 0.5, &value) && isnan(value));
	CheckTrue("z = 0 is outside the domain",
			  !UpperGammaScaled(0.5, 0.0, &value) && isnan(value));
	CheckTrue("NaN z is outside the domain",
			  !UpperGammaScaled(0.5, NAN, &value) && isnan(value));
	EndGroup("numerics_upper_gamma");
}

/* MinimizeBfgs on Rosenbrock, an ill-conditioned quadratic and a barrier */
static void
TestBfgs(void)
{
	NumericsOptions options = {1000, 1e-9, 1e-15, NULL};
	NumericsResult result;
	TestProblem problem;
	double		theta[NUMERICS_MAX_PARAMS];
	char		what[128];

	BeginGroup();

	/* Rosenbrock from (-1.2, 1) */
	memset(&problem, 0, sizeof(problem));
	theta[0] = -1.2;
	theta[1] = 1.0;
	CheckTrue("rosenbrock converged",
			  MinimizeBfgs(Rosenbrock, &problem, 2, theta, &options, &result));
	CheckTrue("rosenbrock result converged", result.converged);
	CheckClose("rosenbrock x", theta[0], 1.0, 0.0, 1e-6);
	CheckClose("rosenbrock y", theta[1], 1.0, 0.0, 1e-6);
	CheckClose("rosenbrock value", result.value, 0.0, 0.0, 1e-12);
	CheckTrue("rosenbrock iterations in 1 .. 100",
			  result.iterations > 0 && result.iterations <= 100);
	CheckTrue("rosenbrock evaluations counted",
			  result.evaluations == problem.calls && result.evaluations > 0);
	CheckTrue("rosenbrock always asks for the gradient",
			  problem.gradient_calls == problem.calls);

	/* the same stopped after 2 iterations: not converged, best point kept */
	memset(&problem, 0, sizeof(problem));
	theta[0] = -1.2;
	theta[1] = 1.0;
	options.max_iterations = 2;
	CheckTrue("rosenbrock, 2 iterations, not converged",
			  !MinimizeBfgs(Rosenbrock, &problem, 2, theta, &options, &result));
	CheckTrue("rosenbrock, 2 iterations, result not converged",
			  !result.converged);
	CheckTrue("rosenbrock, 2 iterations used", result.iterations == 2);
	CheckTrue("rosenbrock, 2 iterations, lower than at the start",
			  result.value < 24.2);
	CheckClose("rosenbrock, 2 iterations, value is f(theta)", result.value,
			   Rosenbrock(theta, NULL, &problem), 0.0, 0.0);
	options.max_iterations = 1000;

	/* a 4-dimensional quadratic with condition number 1e4 */
	SetQuadratic(&problem, 1e4);
	memset(theta, 0, sizeof(theta));
	CheckTrue("quadratic converged",
			  MinimizeBfgs(Quadratic, &problem, 4, theta, &options, &result));
	for (int i = 0; i < 4; i++)
	{
		snprintf(what, sizeof(what), "quadratic theta[%d]", i);
		CheckClose(what, theta[i], problem.center[i], 0.0, 1e-5);
	}
	CheckTrue("quadratic iterations in 1 .. 50",
			  result.iterations > 0 && result.iterations <= 50);

	/* given the exact inverse Hessian, the first step is Newton's: 1 iteration */
	{
		double		inverse[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];

		CheckTrue("quadratic inverse Hessian",
				  InvertSymmetricPositive(4, problem.matrix, inverse));
		options.inverse_hessian = inverse;
		memset(theta, 0, sizeof(theta));
		CheckTrue("quadratic from the inverse Hessian converged",
				  MinimizeBfgs(Quadratic, &problem, 4, theta, &options, &result));
		CheckTrue("quadratic from the inverse Hessian: 1 iteration",
				  result.iterations == 1);
		for (int i = 0; i < 4; i++)
		{
			snprintf(what, sizeof(what), "quadratic from the inverse Hessian theta[%d]", i);
			CheckClose(what, theta[i], problem.center[i], 0.0, 1e-9);
		}
		options.inverse_hessian = NULL;
	}

	/* starting at the minimum: converged without a step */
	memcpy(theta, problem.center, sizeof(problem.center));
	CheckTrue("quadratic from its minimum converged",
			  MinimizeBfgs(Quadratic, &problem, 4, theta, &options, &result));
	CheckTrue("quadratic from its minimum: 0 iterations, 1 evaluation",
			  result.iterations == 0 && result.evaluations == 1);

	/* x - log x + y^2: the first quasi-Newton steps leave the domain */
	for (int explicit_infinity = 0; explicit_infinity <= 1; explicit_infinity++)
	{
		memset(&problem, 0, sizeof(problem));
		problem.explicit_infinity = explicit_infinity;
		theta[0] = 5.0;
		theta[1] = 0.5;
		snprintf(what, sizeof(what), "barrier (%s) converged",
				 explicit_infinity ? "+inf" : "NaN");
		CheckTrue(what, MinimizeBfgs(Barrier, &problem, 2, theta, &options,
									 &result));
		snprintf(what, sizeof(what), "barrier (%s) hit undefined points",
				 explicit_infinity ? "+inf" : "NaN");
		CheckTrue(what, problem.undefined_calls > 0);
		CheckClose("barrier x", theta[0], 1.0, 0.0, 1e-6);
		CheckClose("barrier y", theta[1], 0.0, 0.0, 1e-6);
		CheckClose("barrier value", result.value, 1.0, 1e-15, 0.0);
	}

	/* undefined at the start: nothing to do */
	memset(&problem, 0, sizeof(problem));
	theta[0] = -1.0;
	theta[1] = 0.0;
	CheckTrue("barrier from an undefined start fails",
			  !MinimizeBfgs(Barrier, &problem, 2, theta, &options, &result) &&
			  !result.converged && result.evaluations == 1 &&
			  theta[0] == -1.0);
	EndGroup("numerics_bfgs");
}

/* MinimizeNelderMead on Rosenbrock and a 4-dimensional quadratic */
static void
TestNelderMead(void)
{
	NumericsOptions options = {5000, 0.0, 1e-14, NULL};
	NumericsResult result;
	TestProblem problem;
	double		theta[NUMERICS_MAX_PARAMS];
	char		what[128];

	BeginGroup();
	memset(&problem, 0, sizeof(problem));
	theta[0] = -1.2;
	theta[1] = 1.0;
	CheckTrue("rosenbrock converged",
			  MinimizeNelderMead(Rosenbrock, &problem, 2, theta, &options,
								 &result));
	CheckClose("rosenbrock x", theta[0], 1.0, 0.0, 1e-4);
	CheckClose("rosenbrock y", theta[1], 1.0, 0.0, 1e-4);
	CheckTrue("rosenbrock never asks for the gradient",
			  problem.gradient_calls == 0 && problem.calls > 0);
	CheckTrue("rosenbrock counts",
			  result.evaluations == problem.calls && result.iterations > 0 &&
			  result.iterations < 5000);
	CheckClose("rosenbrock value is f(theta)", result.value,
			   Rosenbrock(theta, NULL, &problem), 0.0, 0.0);

	SetQuadratic(&problem, 100.0);
	memset(theta, 0, sizeof(theta));
	CheckTrue("quadratic converged",
			  MinimizeNelderMead(Quadratic, &problem, 4, theta, &options,
								 &result));
	for (int i = 0; i < 4; i++)
	{
		snprintf(what, sizeof(what), "quadratic theta[%d]", i);
		CheckClose(what, theta[i], problem.center[i], 0.0, 1e-4);
	}

	/* a domain boundary (+inf and NaN) crossed by the first simplex moves */
	for (int explicit_infinity = 0; explicit_infinity <= 1; explicit_infinity++)
	{
		memset(&problem, 0, sizeof(problem));
		problem.explicit_infinity = explicit_infinity;
		theta[0] = 0.1;
		theta[1] = 2.0;
		CheckTrue("barrier converged",
				  MinimizeNelderMead(Barrier, &problem, 2, theta, &options,
									 &result));
		CheckClose("barrier x", theta[0], 1.0, 0.0, 1e-4);
		CheckClose("barrier y", theta[1], 0.0, 0.0, 1e-4);
	}

	memset(&problem, 0, sizeof(problem));
	theta[0] = -1.2;
	theta[1] = 1.0;
	options.max_iterations = 10;
	CheckTrue("rosenbrock, 10 iterations, not converged",
			  !MinimizeNelderMead(Rosenbrock, &problem, 2, theta, &options,
								  &result) &&
			  !result.converged && result.iterations == 10 &&
			  result.value < 24.2);
	EndGroup("numerics_nelder_mead");
}

/* NumericHessian of a quadratic form and of Rosenbrock */
static void
TestHessian(void)
{
	TestProblem problem;
	double		theta[NUMERICS_MAX_PARAMS] = {0.3, -7.0, 120.0, 0.0};
	double		hessian[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];
	char		what[128];
	static const double at_optimum[4] = {802.0, -400.0, -400.0, 200.0};
	static const double at_3_5[4] = {8802.0, -1200.0, -1200.0, 200.0};

	BeginGroup();
	SetQuadratic(&problem, 1e3);
	CheckTrue("quadratic ok",
			  NumericHessian(Quadratic, &problem, 4, theta, hessian));
	for (int i = 0; i < 16; i++)
	{
		snprintf(what, sizeof(what), "quadratic H[%d][%d]", i / 4, i % 4);
		CheckClose(what, hessian[i], problem.matrix[i], 0.0, 1e-8);
	}

	theta[0] = 1.0;
	theta[1] = 1.0;
	CheckTrue("rosenbrock at (1, 1) ok",
			  NumericHessian(Rosenbrock, &problem, 2, theta, hessian));
	for (int i = 0; i < 4; i++)
	{
		snprintf(what, sizeof(what), "rosenbrock at (1, 1) H[%d][%d]",
				 i / 2, i % 2);
		CheckClose(what, hessian[i], at_optimum[i], 1e-5, 0.0);
	}
	theta[0] = 3.0;
	theta[1] = 5.0;
	CheckTrue("rosenbrock at (3, 5) ok",
			  NumericHessian(Rosenbrock, &problem, 2, theta, hessian));
	for (int i = 0; i < 4; i++)
	{
		snprintf(what, sizeof(what), "rosenbrock at (3, 5) H[%d][%d]",
				 i / 2, i % 2);
		CheckClose(what, hessian[i], at_3_5[i], 1e-5, 0.0);
	}
	CheckTrue("rosenbrock hessian symmetric", hessian[1] == hessian[2]);

	/* on the domain boundary some gradients are undefined */
	memset(&problem, 0, sizeof(problem));
	theta[0] = 0.0;
	theta[1] = 1.0;
	CheckTrue("barrier at x = 0 fails",
			  !NumericHessian(Barrier, &problem, 2, theta, hessian) &&
			  isnan(hessian[0]) && isnan(hessian[3]));
	EndGroup("numerics_hessian");
}

/* Check that a * inverse is the identity to 1e-12 */
static void
CheckInverse(const char *name, int n, const double *a, const double *inverse)
{
	char		what[128];

	for (int i = 0; i < n; i++)
	{
		for (int j = 0; j < n; j++)
		{
			double		sum = 0.0;

			for (int k = 0; k < n; k++)
				sum += a[i * n + k] * inverse[k * n + j];
			snprintf(what, sizeof(what), "%s: (A inverse)[%d][%d]", name, i, j);
			CheckClose(what, sum, i == j ? 1.0 : 0.0, 0.0, 1e-12);
			snprintf(what, sizeof(what), "%s: inverse symmetric [%d][%d]",
					 name, i, j);
			CheckTrue(what, inverse[i * n + j] == inverse[j * n + i]);
		}
	}
}

/* InvertSymmetricPositive on positive definite and indefinite matrices */
static void
TestInvert(void)
{
	static const double spd[9] = {4.0, 1.0, 0.5, 1.0, 3.0, 0.2, 0.5, 0.2, 2.0};
	static const double indefinite[4] = {1.0, 2.0, 2.0, 1.0};
	static const double singular[4] = {1.0, 1.0, 1.0, 1.0};
	double		large[64];
	double		inverse[64];
	double		in_place[9];

	BeginGroup();
	CheckTrue("3x3 ok", InvertSymmetricPositive(3, spd, inverse));
	CheckInverse("3x3", 3, spd, inverse);
	/* [[4,1,.5],[1,3,.2],[.5,.2,2]]: inverse (1,1) = 5.96 / det, det 21.29 */
	CheckClose("3x3 inverse[0][0]", inverse[0], 5.96 / 21.29, 1e-14, 0.0);

	memcpy(in_place, spd, sizeof(spd));
	CheckTrue("3x3 in place ok", InvertSymmetricPositive(3, in_place,
														 in_place));
	CheckInverse("3x3 in place", 3, spd, in_place);

	for (int i = 0; i < 8; i++)
	{
		for (int j = 0; j < 8; j++)
			large[i * 8 + j] = 1.0 / (1.0 + abs(i - j)) + (i == j ? 1.0 : 0.0);
	}
	CheckTrue("8x8 ok", InvertSymmetricPositive(8, large, inverse));
	CheckInverse("8x8", 8, large, inverse);

	CheckTrue("indefinite fails",
			  !InvertSymmetricPositive(2, indefinite, inverse) &&
			  isnan(inverse[0]));
	CheckTrue("singular fails", !InvertSymmetricPositive(2, singular, inverse));
	CheckTrue("negative diagonal fails",
			  !InvertSymmetricPositive(1, (const double[]) {-1.0}, inverse));
	CheckTrue("NaN fails",
			  !InvertSymmetricPositive(1, (const double[]) {NAN}, inverse));
	EndGroup("numerics_invert");
}

/* Run every test group; exit status 1 if any failed */
/*
 * NormalUpperQuantile against R's qnorm (1 - tail) to 17 digits, and
 * WilsonInterval against its closed forms at the edges (0 of n: upper
 * z^2 / (n + z^2); n of n: lower n / (n + z^2)) and its symmetry
 * (lower(r, n) = 1 - upper(n - r, n))
 */
static void
TestNormalWilson(void)
{
	double		z = NormalUpperQuantile(0.025);
	double		low;
	double		high;
	double		low2;
	double		high2;

	BeginGroup();
	CheckClose("qnorm(0.975)", z, 1.959963984540054, 1e-15, 0.0);
	CheckClose("qnorm(0.995)", NormalUpperQuantile(0.005), 2.5758293035489004, 1e-15, 0.0);
	CheckClose("qnorm(0.95)", NormalUpperQuantile(0.05), 1.6448536269514722, 1e-15, 0.0);
	WilsonInterval(0, 3, z, &low, &high);
	CheckClose("wilson(0 of 3) lower", low, 0.0, 0.0, 0.0);
	CheckClose("wilson(0 of 3) upper", high, z * z / (3 + z * z), 1e-14, 0.0);
	WilsonInterval(7, 7, z, &low, &high);
	CheckClose("wilson(7 of 7) lower", low, 7 / (7 + z * z), 1e-14, 0.0);
	CheckClose("wilson(7 of 7) upper", high, 1.0, 0.0, 0.0);
	WilsonInterval(81, 263, z, &low, &high);
	WilsonInterval(263 - 81, 263, z, &low2, &high2);
	CheckClose("wilson symmetry lower", low, 1 - high2, 1e-14, 0.0);
	CheckClose("wilson symmetry upper", high, 1 - low2, 1e-14, 0.0);
	CheckTrue("wilson(81 of 263) contains 81/263", low < 81.0 / 263 && 81.0 / 263 < high);
	EndGroup("numerics_normal_wilson");
}

int
main(void)
{
	TestDigamma();
	TestLogBeta();
	TestRatios();
	TestHyp2F1();
	TestUpperGamma();
	TestBfgs();
	TestNelderMead();
	TestHessian();
	TestInvert();
	TestNormalWilson();
	return failed_groups == 0 ? 0 : 1;
}
