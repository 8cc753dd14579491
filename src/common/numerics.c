/*
 * numerics.c
 *		Shared numerics of the crm model fits: digamma, trigamma, log Beta,
 *		the Gauss hypergeometric series, BFGS and Nelder-Mead minimizers, a
 *		numeric Hessian and the inverse of a positive definite matrix (see
 *		numerics.h for the contract).
 *
 * Plain C99 without PostgreSQL headers, so that test/numerics/ can unit-test
 * it outside the server.  Nothing allocates: n <= NUMERICS_MAX_PARAMS, so all
 * work arrays live on the stack.
 *
 * MinimizeBfgs reports convergence when
 *	- max |gradient_i| <= gradient_tolerance, or
 *	- an iteration lowers f by <= value_tolerance * (|f| + 1e-10) while
 *	  max |gradient_i| <= 1000 * gradient_tolerance, or
 *	- no point lowering f is found, neither along the quasi-Newton direction
 *	  nor along steepest descent, while max |gradient_i| <= 1000 *
 *	  gradient_tolerance (f is flat to rounding there).
 * It reports non-convergence when that line search fails at a larger gradient
 * and when max_iterations steps are used up.  theta always ends at the best
 * point found: every accepted step lowers f.
 */
#include "numerics.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Digamma and trigamma recur upwards to this argument, then use asymptotics */
#define ASYMPTOTIC_THRESHOLD 10.0
/* Hyp2F1Series: most terms, and the tail bound relative to the sum to stop */
#define HYP2F1_MAX_TERMS 1000000
#define HYP2F1_TOLERANCE 1e-16
/* UpperGammaScaled: most terms, convergence, continued fraction from this z */
#define UPPER_GAMMA_MAX_TERMS 100000
#define UPPER_GAMMA_TOLERANCE 1e-16
#define UPPER_GAMMA_FRACTION_FROM 1.5
/* Below this |a| the small-argument form uses its limit at a = 0 */
#define UPPER_GAMMA_SMALL_A 1e-9
/* The Euler-Mascheroni constant */
#define EULER_GAMMA 0.57721566490153286061
/* Largest change of any parameter in one BFGS step */
#define BFGS_MAX_STEP 5.0
/*
 * Line search: Armijo and strong Wolfe curvature constants, the factor that
 * extends a step still descending steeply, and the most evaluations
 */
#define WOLFE_DECREASE 1e-4
#define WOLFE_CURVATURE 0.9
#define LINE_SEARCH_EXPANSION 4.0
#define LINE_SEARCH_MAX_TRIALS 60
/* A gradient this many times gradient_tolerance is small enough to stop at */
#define SMALL_GRADIENT_FACTOR 1e3
/* Offset in relative tests of f, so that f near 0 is judged absolutely */
#define VALUE_OFFSET 1e-10
/* BFGS skips its update unless s'y > this * |s| |y| */
#define CURVATURE_THRESHOLD 1e-10
/* Initial Nelder-Mead simplex: theta plus this step along each coordinate */
#define SIMPLEX_STEP 0.25
/* Relative step of the central differences in NumericHessian */
#define HESSIAN_STEP 1e-5

/* The objective being minimized and the count of its evaluations */
typedef struct Objective
{
	NumericsObjective function; /* f */
	void	   *context;		/* passed through to f */
	int			n;				/* number of parameters */
	int			evaluations;	/* calls of f so far */
} Objective;

/* A point on the line theta + step * direction of a line search */
typedef struct LinePoint
{
	double		step;			/* distance along the direction */
	double		value;			/* f there */
	double		slope;			/* directional derivative of f there */
} LinePoint;

/* The digamma function psi(x) for x > 0 (NaN otherwise) */
double
Digamma(double x)
{
	double		recurrence = 0.0;	/* sum of 1/x over the upward recurrence */
	double		inverse_square;
	double		series;

	if (!(x > 0.0))
		return NAN;

	/* psi(x) = psi(x + 1) - 1/x */
	while (x < ASYMPTOTIC_THRESHOLD)
	{
		recurrence += 1.0 / x;
		x += 1.0;
	}

	/* psi(x) ~ log x - 1/(2x) - sum B_2k / (2k x^2k), through x^-14 */
	inverse_square = 1.0 / (x * x);
	series = inverse_square *
		(1.0 / 12.0 - inverse_square *
		 (1.0 / 120.0 - inverse_square *
		  (1.0 / 252.0 - inverse_square *
		   (1.0 / 240.0 - inverse_square *
			(1.0 / 132.0 - inverse_square *
			 (691.0 / 32760.0 - inverse_square / 12.0))))));
	return log(x) - 0.5 / x - series - recurrence;
}

/* The trigamma function psi'(x) for x > 0 (NaN otherwise) */
double
Trigamma(double x)
{
	double		recurrence = 0.0;	/* sum of 1/x^2 over the recurrence */
	double		inverse_square;
	double		series;

	if (!(x > 0.0))
		return NAN;

	/* psi'(x) = psi'(x + 1) + 1/x^2 */
	while (x < ASYMPTOTIC_THRESHOLD)
	{
		recurrence += 1.0 / (x * x);
		x += 1.0;
	}

	/* psi'(x) ~ 1/x + 1/(2x^2) + sum B_2k / x^(2k+1), through x^-15 */
	inverse_square = 1.0 / (x * x);
	series = inverse_square *
		(1.0 / 6.0 - inverse_square *
		 (1.0 / 30.0 - inverse_square *
		  (1.0 / 42.0 - inverse_square *
		   (1.0 / 30.0 - inverse_square *
			(5.0 / 66.0 - inverse_square *
			 (691.0 / 2730.0 - inverse_square * 7.0 / 6.0))))));
	return (1.0 + 0.5 / x + series) / x + recurrence;
}

/*
 * log B(a, b) for a, b > 0 (NaN otherwise), by lgamma.  The terms cancel:
 * the absolute error is a few ulps of lgamma(a + b) (~1e-10 at 1e5).
 * (The fits use this one; LogBetaRatio is the form that stays exact at 1e20.)
 */
double
LogBeta(double a, double b)
{
	if (!(a > 0.0 && b > 0.0))
		return NAN;
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/* The tail of Stirling's series of log Gamma(z), for z >= 30 (error < 1e-17) */
static double
StirlingTail(double z)
{
	double		z2 = 1.0 / (z * z);

	return (1.0 / 12 - z2 * (1.0 / 360 - z2 * (1.0 / 1260 - z2 / 1680))) / z;
}

/*
 * log Gamma(x + d) - log Gamma(x) for x > 0 and x + d > 0 without the
 * cancellation of the two lgamma when x is large: above 30 both by
 * Stirling's series, (x - 1/2) log1p(d/x) + d log(x + d) - d + tails
 */
double
LogGammaRatio(double x, double d)
{
	double		y = x + d;

	if (!(x > 0.0 && y > 0.0))
		return NAN;
	if (d == 0.0)
		return 0.0;
	if (x < 30.0 || y < 30.0)
		return lgamma(y) - lgamma(x);
	return (x - 0.5) * log1p(d / x) + d * log(y) - d + (StirlingTail(y) - StirlingTail(x));
}

/*
 * log of B(a + da, b + db) / B(a, b) for a, b, a + da, b + db > 0, as
 * three LogGammaRatio terms, so that it stays exact when a or b is huge
 */
double
LogBetaRatio(double a, double b, double da, double db)
{
	return LogGammaRatio(a, da) + LogGammaRatio(b, db) - LogGammaRatio(a + b, da + db);
}

/*
 * The continued fraction of I_x(a, b) / (x^a (1-x)^b / (a B(a, b))),
 * evaluated by the modified Lentz method; it converges fast for
 * x < (a + 1) / (a + b + 2).  False if it does not converge within the cap.
 */
static bool
BetaFraction(double a, double b, double x, double *value)
{
	const double tiny = 1e-300;
	double		c = 1.0;
	double		d = 1.0 - (a + b) * x / (a + 1.0);
	double		f;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	f = d;
	for (int m = 1; m <= 100000; m++)
	{
		double		delta;
		double		step[2];

		/* the even then the odd coefficient of step m */
		step[0] = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
		step[1] = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
		for (int k = 0; k < 2; k++)
		{
			d = 1.0 + step[k] * d;
			if (fabs(d) < tiny)
				d = tiny;
			c = 1.0 + step[k] / c;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1.0 / d;
			delta = c * d;
			f *= delta;
		}
		if (fabs(delta - 1.0) <= 1e-15)
		{
			*value = f;
			return isfinite(f);
		}
	}
	return false;
}

/*
 * The regularized incomplete beta function I_x(a, b) for a, b > 0 and
 * 0 <= x <= 1, with its prefactor in log space (LogBetaRatio-free: a and b
 * up to ~1e15 keep their digits) and the symmetry I_x(a, b) = 1 -
 * I_{1-x}(b, a) on the side where the fraction converges.  x1 is 1 - x,
 * passed separately so that it keeps its digits when x is close to 1.
 */
bool
RegularizedBeta(double a, double b, double x, double x1, double *value)
{
	bool		swap;
	double		log_prefix;
	double		fraction;

	*value = NAN;
	if (!(a > 0.0 && b > 0.0 && x >= 0.0 && x1 >= 0.0))
		return false;
	if (x == 0.0 || x1 == 0.0)
	{
		*value = x == 0.0 ? 0.0 : 1.0;
		return true;
	}
	swap = x > (a + 1.0) / (a + b + 2.0);
	if (swap)
	{
		double		t = a;

		a = b;
		b = t;
		t = x;
		x = x1;
		x1 = t;
	}
	/* each log from whichever of x and 1 - x is small (exact) */
	log_prefix = a * (x < 0.5 ? log(x) : log1p(-x1)) + b * (x1 < 0.5 ? log(x1) : log1p(-x)) -
		log(a) - (lgamma(fmin(a, b)) - LogGammaRatio(fmax(a, b), fmin(a, b)));
	if (!BetaFraction(a, b, x, &fraction))
		return false;
	*value = exp(log_prefix) * fraction;
	if (swap)
		*value = 1.0 - *value;
	*value = fmin(fmax(*value, 0.0), 1.0);
	return true;
}

/*
 * 2F1(a, b; c; z) by its Gauss series for 0 <= z < 1.  Stops when a term is
 * exactly 0 (a or b a non-positive integer: the series terminates) or when a
 * rigorous geometric bound on the remaining tail is <= 1e-16 |sum|: once
 * a + j, b + j and c + j are positive, (a+j)/(j+1) and (b+j)/(c+j) are
 * monotone in j and tend to 1, so the later term ratios are at most
 * z max((a+j)/(j+1), 1) max((b+j)/(c+j), 1) (or with a and b swapped).
 */
bool
Hyp2F1Series(double a, double b, double c, double z, double *value)
{
	double		term = 1.0;
	double		sum = 1.0;

	*value = NAN;
	if (!(z >= 0.0 && z < 1.0) || !isfinite(a) || !isfinite(b) ||
		!isfinite(c))
		return false;
	if (c <= 0.0 && c == floor(c))
		return false;

	for (int k = 0;; k++)
	{
		double		j = k + 1.0;
		double		bound = INFINITY;	/* on the term ratios after k */

		if (k == HYP2F1_MAX_TERMS)
			return false;

		/* t_{k+1} = t_k (a + k) (b + k) / ((c + k) (k + 1)) z */
		term *= (a + k) * (b + k) / ((c + k) * (k + 1.0)) * z;
		if (term == 0.0)
			break;
		sum += term;
		if (!isfinite(sum))
			return false;

		/* the tail after t_{k+1} is <= |t_{k+1}| bound / (1 - bound) */
		if (a + j > 0.0 && b + j > 0.0 && c + j > 0.0)
			bound = z * fmin(fmax((a + j) / (j + 1.0), 1.0) *
							 fmax((b + j) / (c + j), 1.0),
							 fmax((b + j) / (j + 1.0), 1.0) *
							 fmax((a + j) / (c + j), 1.0));
		if (bound < 1.0 &&
			fabs(term) * bound <= HYP2F1_TOLERANCE * fabs(sum) * (1.0 - bound))
			break;
	}
	*value = sum;
	return true;
}

/*
 * e^z z^-a Gamma(a, z) by its continued fraction (Legendre's), evaluated
 * with the modified Lentz method; converges well for z >= 1 and any a
 */
bool
UpperGammaFraction(double a, double z, double *value)
{
	double		tiny = 1e-300;
	double		denominator = z + 1.0 - a;
	double		c = 1.0 / tiny;
	double		d = 1.0 / denominator;
	double		result = d;

	for (int i = 1; i <= UPPER_GAMMA_MAX_TERMS; i++)
	{
		double		numerator = -i * (i - a);
		double		change;

		denominator += 2.0;
		d = numerator * d + denominator;
		if (fabs(d) < tiny)
			d = tiny;
		c = denominator + numerator / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		change = c * d;
		result *= change;
		if (fabs(change - 1.0) <= UPPER_GAMMA_TOLERANCE)
		{
			*value = result;
			return isfinite(result);
		}
	}
	return false;
}

/*
 * Gamma(a, z) for -1 < a < 1 and small z, as Gamma(a) - gamma(a, z) with
 * the pieces that cancel for small a taken together:
 * (Gamma(1 + a) - 1) / a - (z^a - 1) / a - z^a sum_n>=1 (-z)^n / (n! (a + n))
 */
static double
UpperGammaSmallArgument(double a, double z)
{
	double		log_z = log(z);
	double		term = 1.0;
	double		sum = 0.0;

	for (int n = 1; n < UPPER_GAMMA_MAX_TERMS; n++)
	{
		double		contribution;

		term *= -z / n;
		contribution = term / (a + n);
		sum += contribution;
		if (fabs(contribution) <= UPPER_GAMMA_TOLERANCE * fabs(sum))
			break;
	}
	if (fabs(a) < UPPER_GAMMA_SMALL_A)
		return -EULER_GAMMA - log_z - sum;	/* the limit a -> 0: E1(z) */
	return expm1(lgamma(1.0 + a)) / a - expm1(a * log_z) / a - exp(a * log_z) * sum;
}

/* The scaled upper incomplete gamma function e^z z^-a Gamma(a, z), a < 1, z > 0 */
bool
UpperGammaScaled(double a, double z, double *value)
{
	int			steps;
	double		scaled;

	*value = NAN;
	if (!(a < 1.0) || !(z > 0.0) || !isfinite(z) || !isfinite(a) || a < -1e6)
		return false;
	if (z >= UPPER_GAMMA_FRACTION_FROM)
		return UpperGammaFraction(a, z, value);

	/*
	 * Small z: from a + steps in [0, 1) down to a by Gamma(b, z) = (Gamma(b +
	 * 1, z) - z^b e^-z) / b, which scaled reads V(b) = (z V(b + 1) - 1) / b
	 */
	steps = a < 0.0 ? (int) ceil(-a) : 0;
	scaled = exp(z - (a + steps) * log(z)) * UpperGammaSmallArgument(a + steps, z);
	for (int k = steps - 1; k >= 0; k--)
		scaled = (z * scaled - 1.0) / (a + k);
	if (!isfinite(scaled))
		return false;
	*value = scaled;
	return true;
}

/* Scalar product of two n-vectors */
static double
Dot(int n, const double *x, const double *y)
{
	double		sum = 0.0;

	for (int i = 0; i < n; i++)
		sum += x[i] * y[i];
	return sum;
}

/* Largest absolute element of an n-vector */
static double
MaxAbs(int n, const double *x)
{
	double		largest = 0.0;

	for (int i = 0; i < n; i++)
		largest = fmax(largest, fabs(x[i]));
	return largest;
}

/* Set the n x n matrix to scale times the identity */
static void
SetScaledIdentity(int n, double scale, double *matrix)
{
	for (int i = 0; i < n * n; i++)
		matrix[i] = 0.0;
	for (int i = 0; i < n; i++)
		matrix[i * n + i] = scale;
}

/*
 * Evaluate f at theta, and the gradient unless it is NULL (preset to NaN so
 * that an objective leaving it unset is caught).  False if f or any gradient
 * element is not finite.
 */
static bool
Evaluate(Objective *objective, const double *theta, double *value,
		 double *gradient)
{
	objective->evaluations++;
	for (int i = 0; gradient != NULL && i < objective->n; i++)
		gradient[i] = NAN;
	*value = objective->function(theta, gradient, objective->context);
	for (int i = 0; gradient != NULL && i < objective->n; i++)
	{
		if (!isfinite(gradient[i]))
			return false;
	}
	return isfinite(*value);
}

/*
 * Minimizer of the cubic matching value and slope at both ends of a bracket,
 * kept at least a tenth of the width away from either end (the midpoint if
 * the cubic has no minimizer).
 */
static double
CubicStep(const LinePoint *low, const LinePoint *high)
{
	double		width = high->step - low->step;
	double		left = fmin(low->step, high->step) + 0.1 * fabs(width);
	double		right = fmax(low->step, high->step) - 0.1 * fabs(width);
	double		d1;
	double		radicand;
	double		d2;
	double		step;

	d1 = low->slope + high->slope -
		3.0 * (low->value - high->value) / (low->step - high->step);
	radicand = d1 * d1 - low->slope * high->slope;
	if (!(radicand >= 0.0))
		return low->step + 0.5 * width;
	d2 = copysign(sqrt(radicand), width);
	step = high->step - width * (high->slope + d2 - d1) /
		(high->slope - low->slope + 2.0 * d2);
	if (!isfinite(step))
		return low->step + 0.5 * width;
	return fmin(fmax(step, left), right);
}

/*
 * Line search from theta (f = value, directional derivative slope < 0) along
 * direction for a step <= max_step satisfying the strong Wolfe conditions.
 * Trial steps where f or the gradient is not finite count as too long.  If
 * the curvature condition cannot be met, the lowest point with sufficient
 * decrease is taken.  Returns false if no such point was found; otherwise
 * the point is in new_theta, new_value, new_gradient.
 */
static bool
LineSearch(Objective *objective, const double *theta, double value,
		   const double *direction, double slope, double max_step,
		   double *new_theta, double *new_value, double *new_gradient)
{
	int			n = objective->n;
	LinePoint	low = {0.0, value, slope};	/* lowest point with sufficient
											 * decrease (or the start) */
	LinePoint	high = {0.0, 0.0, 0.0}; /* other end of the bracket */
	bool		bracketed = false;	/* whether high is set */
	bool		high_finite = false;	/* whether f is finite at high */
	double		step = fmin(1.0, max_step);
	double		trial_theta[NUMERICS_MAX_PARAMS];
	double		trial_gradient[NUMERICS_MAX_PARAMS];

	for (int trial = 0; trial < LINE_SEARCH_MAX_TRIALS; trial++)
	{
		LinePoint	point = {step, 0.0, 0.0};
		bool		moved = false;

		for (int i = 0; i < n; i++)
		{
			trial_theta[i] = theta[i] + step * direction[i];
			if (trial_theta[i] != theta[i] + low.step * direction[i])
				moved = true;
		}
		if (!moved)
			break;				/* the bracket has shrunk below rounding */

		if (!Evaluate(objective, trial_theta, &point.value, trial_gradient))
		{
			high = point;
			bracketed = true;
			high_finite = false;
		}
		else
		{
			point.slope = Dot(n, trial_gradient, direction);
			if (point.value > value + WOLFE_DECREASE * step * slope ||
				point.value >= low.value)
			{
				high = point;
				bracketed = true;
				high_finite = true;
			}
			else
			{
				memcpy(new_theta, trial_theta, n * sizeof(double));
				memcpy(new_gradient, trial_gradient, n * sizeof(double));
				*new_value = point.value;
				if (fabs(point.slope) <= -WOLFE_CURVATURE * slope)
					return true;
				/* a minimum lies between the new point and the old low */
				if (bracketed ? point.slope * (high.step - low.step) >= 0.0
					: point.slope >= 0.0)
				{
					high = low;
					bracketed = true;
					high_finite = true;
				}
				low = point;
			}
		}

		if (!bracketed)
		{
			if (low.step >= max_step)
				return true;	/* still descending at the longest step */
			step = fmin(LINE_SEARCH_EXPANSION * low.step, max_step);
		}
		else if (high_finite)
			step = CubicStep(&low, &high);
		else
			step = low.step + 0.5 * (high.step - low.step);
	}
	return low.step > 0.0;
}

/*
 * BFGS update of the inverse Hessian approximation h with the step s and the
 * gradient change y (s'y > 0): h = (I - r s y') h (I - r y s') + r s s',
 * r = 1 / s'y.
 */
static void
BfgsUpdate(int n, const double *s, const double *y, double sy, double *h)
{
	double		hy[NUMERICS_MAX_PARAMS];
	double		rho = 1.0 / sy;
	double		yhy;

	for (int i = 0; i < n; i++)
		hy[i] = Dot(n, h + i * n, y);
	yhy = Dot(n, y, hy);
	for (int i = 0; i < n; i++)
	{
		for (int j = 0; j < n; j++)
			h[i * n + j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) +
				(rho * rho * yhy + rho) * s[i] * s[j];
	}
}

/* Fill a result and return its converged flag */
static bool
FinishResult(NumericsResult *result, double value, int iterations,
			 const Objective *objective, bool converged)
{
	result->value = value;
	result->iterations = iterations;
	result->evaluations = objective->evaluations;
	result->converged = converged;
	return converged;
}

/* Minimize f by BFGS with a strong Wolfe line search (see numerics.h) */
bool
MinimizeBfgs(NumericsObjective f, void *context, int n, double *theta,
			 const NumericsOptions *options, NumericsResult *result)
{
	Objective	objective = {f, context, n, 0};
	double		x[NUMERICS_MAX_PARAMS];
	double		gradient[NUMERICS_MAX_PARAMS];
	double		direction[NUMERICS_MAX_PARAMS];
	double		new_x[NUMERICS_MAX_PARAMS];
	double		new_gradient[NUMERICS_MAX_PARAMS];
	double		s[NUMERICS_MAX_PARAMS];
	double		y[NUMERICS_MAX_PARAMS];
	double		h[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];
	double		value;
	double		new_value;
	bool		h_is_identity = true;	/* no update since the last reset */
	bool		converged = false;
	int			iterations = 0;

	if (n < 1 || n > NUMERICS_MAX_PARAMS)
		return FinishResult(result, NAN, 0, &objective, false);
	memcpy(x, theta, n * sizeof(double));
	if (!Evaluate(&objective, x, &value, gradient))
		return FinishResult(result, value, 0, &objective, false);
	if (options->inverse_hessian != NULL)
	{
		memcpy(h, options->inverse_hessian, n * n * sizeof(double));
		h_is_identity = false;
	}
	else
		SetScaledIdentity(n, 1.0, h);

	for (;;)
	{
		double		gradient_size = MaxAbs(n, gradient);
		bool		small_gradient = gradient_size <=
			SMALL_GRADIENT_FACTOR * options->gradient_tolerance;
		double		slope;
		double		max_step;
		double		sy;
		double		change;

		if (gradient_size <= options->gradient_tolerance)
		{
			converged = true;
			break;
		}
		if (iterations >= options->max_iterations)
			break;

		/*
		 * Along the quasi-Newton direction if it is downhill and a step
		 * lowers f; else once more along steepest descent (H = I); else stop.
		 */
		for (int i = 0; i < n; i++)
			direction[i] = -Dot(n, h + i * n, gradient);
		slope = Dot(n, gradient, direction);
		max_step = BFGS_MAX_STEP / MaxAbs(n, direction);
		if (!isfinite(max_step))
			max_step = 1.0;
		if (!(slope < 0.0) ||
			!LineSearch(&objective, x, value, direction, slope, max_step,
						new_x, &new_value, new_gradient))
		{
			if (!h_is_identity)
			{
				SetScaledIdentity(n, 1.0, h);
				h_is_identity = true;
				continue;
			}
			converged = small_gradient;
			break;
		}
		iterations++;

		for (int i = 0; i < n; i++)
		{
			s[i] = new_x[i] - x[i];
			y[i] = new_gradient[i] - gradient[i];
		}
		sy = Dot(n, s, y);
		if (sy > CURVATURE_THRESHOLD * sqrt(Dot(n, s, s) * Dot(n, y, y)))
		{
			/* first update since a reset: scale to the curvature seen */
			if (h_is_identity)
				SetScaledIdentity(n, sy / Dot(n, y, y), h);
			BfgsUpdate(n, s, y, sy, h);
			h_is_identity = false;
		}

		change = value - new_value;
		memcpy(x, new_x, n * sizeof(double));
		memcpy(gradient, new_gradient, n * sizeof(double));
		value = new_value;
		if (change <= options->value_tolerance * (fabs(value) + VALUE_OFFSET) &&
			MaxAbs(n, gradient) <=
			SMALL_GRADIENT_FACTOR * options->gradient_tolerance)
		{
			converged = true;
			break;
		}
	}
	memcpy(theta, x, n * sizeof(double));
	return FinishResult(result, value, iterations, &objective, converged);
}

/* Evaluate f without gradient at a simplex vertex, non-finite as +inf */
static double
VertexValue(Objective *objective, const double *vertex)
{
	double		value;

	if (!Evaluate(objective, vertex, &value, NULL))
		return INFINITY;
	return value;
}

/* Set vertex = centroid + factor * (from - centroid) */
static void
SimplexPoint(int n, const double *centroid, const double *from, double factor,
			 double *vertex)
{
	for (int i = 0; i < n; i++)
		vertex[i] = centroid[i] + factor * (from[i] - centroid[i]);
}

/*
 * Minimize f by the Nelder-Mead simplex method (see numerics.h): converged
 * when the spread of f over the simplex is <= value_tolerance * (|f_best| +
 * 1e-10) and no vertex is farther than sqrt(value_tolerance) * (1 + max
 * |theta_best_i|) from the best in any coordinate.
 */
bool
MinimizeNelderMead(NumericsObjective f, void *context, int n, double *theta,
				   const NumericsOptions *options, NumericsResult *result)
{
	Objective	objective = {f, context, n, 0};
	double		simplex[(NUMERICS_MAX_PARAMS + 1) * NUMERICS_MAX_PARAMS];
	double		values[NUMERICS_MAX_PARAMS + 1];
	double		centroid[NUMERICS_MAX_PARAMS];
	double		reflected[NUMERICS_MAX_PARAMS];
	double		trial[NUMERICS_MAX_PARAMS];
	bool		converged = false;
	int			iterations = 0;
	int			best = 0;

	if (n < 1 || n > NUMERICS_MAX_PARAMS)
		return FinishResult(result, NAN, 0, &objective, false);
	for (int v = 0; v <= n; v++)
	{
		memcpy(simplex + v * n, theta, n * sizeof(double));
		if (v > 0)
			simplex[v * n + v - 1] += SIMPLEX_STEP;
		values[v] = VertexValue(&objective, simplex + v * n);
	}

	for (;;)
	{
		int			worst = 0;
		int			second = 0;	/* second worst */
		double		size = 0.0;
		double		reflected_value;
		double		trial_value;
		double	   *worst_vertex;
		bool		shrink = false;

		best = 0;
		for (int v = 1; v <= n; v++)
		{
			if (values[v] < values[best])
				best = v;
			if (values[v] >= values[worst])
				worst = v;
		}
		second = best;
		for (int v = 0; v <= n; v++)
		{
			if (v != worst && values[v] >= values[second])
				second = v;
		}
		if (!isfinite(values[best]))
			break;				/* f is undefined all over the simplex */
		for (int v = 0; v <= n; v++)
		{
			for (int i = 0; i < n; i++)
				size = fmax(size, fabs(simplex[v * n + i] -
									   simplex[best * n + i]));
		}
		if (values[worst] - values[best] <= options->value_tolerance *
			(fabs(values[best]) + VALUE_OFFSET) &&
			size <= sqrt(options->value_tolerance) *
			(1.0 + MaxAbs(n, simplex + best * n)))
		{
			converged = true;
			break;
		}
		if (iterations >= options->max_iterations)
			break;
		iterations++;

		/* centroid of all vertices but the worst */
		worst_vertex = simplex + worst * n;
		for (int i = 0; i < n; i++)
		{
			centroid[i] = -worst_vertex[i];
			for (int v = 0; v <= n; v++)
				centroid[i] += simplex[v * n + i];
			centroid[i] /= n;
		}

		SimplexPoint(n, centroid, worst_vertex, -1.0, reflected);
		reflected_value = VertexValue(&objective, reflected);
		if (reflected_value < values[best])
		{
			SimplexPoint(n, centroid, worst_vertex, -2.0, trial);
			trial_value = VertexValue(&objective, trial);
			if (trial_value >= reflected_value)
			{
				memcpy(trial, reflected, n * sizeof(double));
				trial_value = reflected_value;
			}
		}
		else if (reflected_value < values[second])
		{
			memcpy(trial, reflected, n * sizeof(double));
			trial_value = reflected_value;
		}
		else if (reflected_value < values[worst])
		{
			/* outside contraction */
			SimplexPoint(n, centroid, reflected, 0.5, trial);
			trial_value = VertexValue(&objective, trial);
			shrink = !(trial_value <= reflected_value);
		}
		else
		{
			/* inside contraction */
			SimplexPoint(n, centroid, worst_vertex, 0.5, trial);
			trial_value = VertexValue(&objective, trial);
			shrink = !(trial_value < values[worst]);
		}

		if (!shrink)
		{
			memcpy(worst_vertex, trial, n * sizeof(double));
			values[worst] = trial_value;
			continue;
		}
		/* shrink every vertex halfway towards the best */
		for (int v = 0; v <= n; v++)
		{
			if (v == best)
				continue;
			SimplexPoint(n, simplex + best * n, simplex + v * n, 0.5,
						 simplex + v * n);
			values[v] = VertexValue(&objective, simplex + v * n);
		}
	}
	memcpy(theta, simplex + best * n, n * sizeof(double));
	return FinishResult(result, values[best], iterations, &objective,
						converged);
}

/*
 * Hessian of f at theta by central differences of the gradient with steps
 * 1e-5 * max(|theta_i|, 1), symmetrized.  False (and NaN entries) if f or a
 * gradient is not finite at some evaluation point.
 */
bool
NumericHessian(NumericsObjective f, void *context, int n, const double *theta,
			   double *hessian)
{
	Objective	objective = {f, context, n, 0};
	double		point[NUMERICS_MAX_PARAMS];
	double		plus[NUMERICS_MAX_PARAMS];
	double		minus[NUMERICS_MAX_PARAMS];
	double		value;

	if (n < 1 || n > NUMERICS_MAX_PARAMS)
		return false;
	memcpy(point, theta, n * sizeof(double));
	for (int i = 0; i < n; i++)
	{
		double		step = HESSIAN_STEP * fmax(fabs(theta[i]), 1.0);
		double		up = theta[i] + step;
		double		down = theta[i] - step;

		point[i] = up;
		if (!Evaluate(&objective, point, &value, plus))
			goto fail;
		point[i] = down;
		if (!Evaluate(&objective, point, &value, minus))
			goto fail;
		point[i] = theta[i];
		/* divide by the steps as represented, not as intended */
		for (int j = 0; j < n; j++)
			hessian[i * n + j] = (plus[j] - minus[j]) / (up - down);
	}
	for (int i = 0; i < n; i++)
	{
		for (int j = 0; j < i; j++)
		{
			double		mean = 0.5 * (hessian[i * n + j] + hessian[j * n + i]);

			hessian[i * n + j] = mean;
			hessian[j * n + i] = mean;
		}
	}
	return true;

fail:
	for (int i = 0; i < n * n; i++)
		hessian[i] = NAN;
	return false;
}

/*
 * Inverse of a symmetric positive definite matrix (its lower triangle is
 * read) by Cholesky A = L L', inverse = L^-T L^-1.  False (and NaN entries)
 * if an entry is not finite or a pivot is <= DBL_EPSILON times its diagonal
 * entry (not positive definite to working precision).  inverse may be matrix.
 */
bool
InvertSymmetricPositive(int n, const double *matrix, double *inverse)
{
	double		lower[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];
	double		lower_inverse[NUMERICS_MAX_PARAMS * NUMERICS_MAX_PARAMS];

	if (n < 1 || n > NUMERICS_MAX_PARAMS)
		return false;

	for (int j = 0; j < n; j++)
	{
		double		pivot = matrix[j * n + j];

		for (int k = 0; k < j; k++)
			pivot -= lower[j * n + k] * lower[j * n + k];
		if (!(pivot > DBL_EPSILON * fabs(matrix[j * n + j])))
			goto fail;			/* also if not finite */
		lower[j * n + j] = sqrt(pivot);
		for (int i = j + 1; i < n; i++)
		{
			double		sum = matrix[i * n + j];

			for (int k = 0; k < j; k++)
				sum -= lower[i * n + k] * lower[j * n + k];
			lower[i * n + j] = sum / lower[j * n + j];
		}
	}

	/* L^-1, lower triangular, column by column */
	for (int j = 0; j < n; j++)
	{
		lower_inverse[j * n + j] = 1.0 / lower[j * n + j];
		for (int i = j + 1; i < n; i++)
		{
			double		sum = 0.0;

			for (int k = j; k < i; k++)
				sum += lower[i * n + k] * lower_inverse[k * n + j];
			lower_inverse[i * n + j] = -sum / lower[i * n + i];
		}
	}

	/* inverse = (L^-1)' L^-1 */
	for (int i = 0; i < n; i++)
	{
		for (int j = 0; j <= i; j++)
		{
			double		sum = 0.0;

			for (int k = i; k < n; k++)
				sum += lower_inverse[k * n + i] * lower_inverse[k * n + j];
			if (!isfinite(sum))
				goto fail;
			inverse[i * n + j] = sum;
			inverse[j * n + i] = sum;
		}
	}
	return true;

fail:
	for (int i = 0; i < n * n; i++)
		inverse[i] = NAN;
	return false;
}

/* The standard normal z with P(Z > z) = tail, by bisection on erfc */
double
NormalUpperQuantile(double tail)
{
	double		lo = 0;
	double		hi = 40;

	for (int i = 0; i < 200 && hi - lo > 0; i++)
	{
		double		mid = (lo + hi) / 2;

		if (mid == lo || mid == hi)
			break;
		/* (sqrt(2) spelled out: M_SQRT2 is not C99, and this file is built alone too) */
		if (0.5 * erfc(mid / 1.4142135623730950488) > tail)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* The Wilson score interval of r successes among n trials at normal quantile z */
void
WilsonInterval(double r, double n, double z, double *low, double *high)
{
	double		p = r / n;
	double		z2n = z * z / n;
	double		center = (p + z2n / 2) / (1 + z2n);
	double		half = z / (1 + z2n) * sqrt(p * (1 - p) / n + z2n / (4.0 * n));

	*low = fmin(1.0, fmax(0.0, center - half));
	*high = fmin(1.0, fmax(0.0, center + half));
	/* exact at the edges: no successes gives 0, all successes 1 */
	if (r == 0)
		*low = 0;
	if (r == n)
		*high = 1;
}
