/*
 * numerics.h
 *		Shared numerics of the crm model fits: special functions, the Gauss
 *		hypergeometric series, a quasi-Newton minimizer with a derivative-free
 *		fallback, and Hessian-based standard errors.
 *
 * Plain C99 with <math.h> only (no PostgreSQL headers), so that
 * test/numerics/ can unit-test it outside the server.  Nothing here raises
 * errors: every function reports failure through its return value and the
 * caller (SQL-callable code) decides what to tell the user.
 */
#ifndef CRM_NUMERICS_H
#define CRM_NUMERICS_H

#include <math.h>
#include <stdbool.h>

/*
 * Largest number of parameters any crm model minimizes over: a model kind's
 * at most 8, and with covariates up to 5 of the kind's and 32 coefficients
 * (16 per process)
 */
#define NUMERICS_MAX_PARAMS 40

/* log(exp(a) + exp(b)) without overflow; -inf if both are -inf */
static inline double
LogAddExp(double a, double b)
{
	double		hi = a > b ? a : b;
	double		lo = a > b ? b : a;

	if (hi == -INFINITY)
		return -INFINITY;
	return hi + log1p(exp(lo - hi));
}

/* The digamma function psi(x) = d/dx log Gamma(x), for x > 0 */
extern double Digamma(double x);

/* The trigamma function psi'(x), for x > 0 */
extern double Trigamma(double x);

/* log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b), for a, b > 0 */
extern double LogBeta(double a, double b);

/*
 * log Gamma(x + d) - log Gamma(x) for x > 0, x + d > 0, accurate when x is
 * huge (lgamma's difference loses all digits at 1e20)
 */
extern double LogGammaRatio(double x, double d);

/* log B(a + da, b + db) / B(a, b), accurate when a or b is huge */
extern double LogBetaRatio(double a, double b, double da, double db);

/*
 * The regularized incomplete beta function I_x(a, b) for a, b > 0, with
 * x1 = 1 - x given separately (exact when x is close to 1); false (and
 * *value NaN) when its continued fraction does not converge
 */
extern bool RegularizedBeta(double a, double b, double x, double x1, double *value);

/*
 * The Gauss hypergeometric series 2F1(a, b; c; z) for 0 <= z < 1, summed
 * term by term until the terms stop mattering (relative 1e-15, with a
 * cap on the number of terms).  a and b may be any reals, c must not be
 * 0 or a negative integer.  Returns false (and *value NaN) when the series
 * does not converge within the cap or leaves the double range.
 */
extern bool Hyp2F1Series(double a, double b, double c, double z, double *value);

/*
 * The scaled upper incomplete gamma function e^z z^-a Gamma(a, z) for a < 1
 * and z > 0 (Gamma(a, z) = integral from z to infinity of t^(a-1) e^-t dt,
 * continued analytically to a <= 0).  Scaled so that it stays in range
 * for large z or very negative a.  Returns false (and *value NaN) outside
 * the domain or when it does not converge.
 */
extern bool UpperGammaScaled(double a, double z, double *value);

/*
 * e^z z^-a Gamma(a, z) for any a and z >= 1 (where it converges fast) by
 * Legendre's continued fraction; false (and *value NaN) when it does not
 * converge
 */
extern bool UpperGammaFraction(double a, double z, double *value);

/*
 * An objective to minimize: returns f(theta) and, when gradient is not
 * NULL, fills the gradient.  Returns +inf (or NaN) where f is undefined;
 * minimizers treat that as "step too far".  context is passed through.
 */
typedef double (*NumericsObjective) (const double *theta, double *gradient,
									 void *context);

/* Stopping rules of a minimizer */
typedef struct NumericsOptions
{
	int			max_iterations; /* iterations (BFGS steps or simplex moves) */
	double		gradient_tolerance; /* stop when max |gradient_i| <= this */
	double		value_tolerance;	/* ... or when f changes by <= this
									 * relative amount over an iteration */
	const double *inverse_hessian;	/* BFGS: the starting approximation of
									 * the inverse Hessian (n x n, row-major),
									 * or NULL for a scaled identity */
} NumericsOptions;

/* What a minimizer did */
typedef struct NumericsResult
{
	double		value;			/* f at the returned theta */
	int			iterations;		/* iterations used */
	int			evaluations;	/* objective evaluations used */
	bool		converged;		/* a stopping rule was met (not the cap) */
} NumericsResult;

/*
 * Minimize f over n <= NUMERICS_MAX_PARAMS unconstrained parameters by
 * BFGS with a line search satisfying the Wolfe conditions (backtracking
 * on non-finite values), starting from theta (overwritten by the result).
 * Returns result->converged.
 */
extern bool MinimizeBfgs(NumericsObjective f, void *context, int n,
						 double *theta, const NumericsOptions *options,
						 NumericsResult *result);

/*
 * Minimize f by the Nelder-Mead simplex method (no gradients; robust
 * where BFGS fails), starting around theta (overwritten by the result).
 */
extern bool MinimizeNelderMead(NumericsObjective f, void *context, int n,
							   double *theta, const NumericsOptions *options,
							   NumericsResult *result);

/*
 * The Hessian of f at theta (n x n, row-major, symmetrized) by central
 * differences of the analytic gradient, with relative steps.  Returns false
 * if any gradient evaluation is not finite.
 */
extern bool NumericHessian(NumericsObjective f, void *context, int n,
						   const double *theta, double *hessian);

/*
 * Inverse of a symmetric positive definite n x n matrix (row-major) by
 * Cholesky.  Returns false if the matrix is not positive definite.
 */
extern bool InvertSymmetricPositive(int n, const double *matrix,
									double *inverse);

/*
 * The upper quantile of the standard normal distribution for an upper tail
 * probability tail in (0, 0.5]: z with P(Z > z) = tail (1.959964 for
 * 0.025), by bisection on erfc to full double precision
 */
extern double NormalUpperQuantile(double tail);

/*
 * The Wilson score interval of r successes among n > 0 trials at normal
 * quantile z, clamped into [0, 1] and exact at the edges (0 for r = 0, 1 for
 * r = n)
 */
extern void WilsonInterval(double r, double n, double z, double *low, double *high);

#endif							/* CRM_NUMERICS_H */
