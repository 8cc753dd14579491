/*
 * clv_paretonbd_integral.c
 *		The Pareto/NBD's integral
 *
 *			G(t) = (r+s+x) * integral from t to infinity of
 *				   (alpha+u)^-(r+x) (beta+u)^-(s+1) du
 *
 *		and the gradient of log G in (r, alpha, s, beta) by quadrature, for
 *		where its hypergeometric series (clv_paretonbd.c) converges too
 *		slowly: z = |alpha - beta| / (max(alpha, beta) + t) near 1, one scale
 *		negligible against the other (the series' terms then fall like
 *		n^-(1+s) z^n, tens of thousands of them and more).  Real data reach
 *		this: a base where about half the customers drop out at once and the
 *		rest never has beta tiny against alpha.
 *
 * The substitution u = t + m (e^y - 1), m = min(alpha, beta) + t, makes the
 * smaller scale's factor (m e^y)^-k and the larger one's (|alpha - beta| +
 * m e^y)^-k, smooth in y; the double-exponential map y = exp(pi/2 sinh tau)
 * (Takahasi & Mori's exp-sinh rule) then turns the integral over y in (0,
 * infinity) into one over tau whose integrand falls double-exponentially at
 * both ends, summed by the trapezoid rule with the step halved until the
 * value and the gradient settle.  The derivatives are integrals of the same
 * nodes (differentiation under the integral sign), so the gradient is the
 * exact gradient of the same rule.  Logarithms throughout: the integrand
 * spans hundreds of orders of magnitude for heavy buyers.
 */
#include "crm.h"
#include "clv_prepared.h"

#include <math.h>

/* pi / 2 */
#define HALF_PI 1.57079632679489661923

/* Nodes at |tau| <= QUADRATURE_TAU_MAX: y from e^-70.7 to e^70.7 */
#define QUADRATURE_TAU_MAX 4.5
/* The first step in tau, halved at each level */
#define QUADRATURE_FIRST_STEP 0.5
/* Most halvings: a step of 2^-9 (4,609 nodes) */
#define QUADRATURE_LEVELS 8
/* Relative change between two levels that ends the halving */
#define QUADRATURE_TOLERANCE 1e-14
/* Nodes of all levels: level 0 has 2 * 9 + 1, each level doubles them */
#define QUADRATURE_NODES (2 * 9 * (1 << QUADRATURE_LEVELS) + 1)

/* One node of the exp-sinh rule */
typedef struct ExpSinhNode
{
	float8		y;				/* exp(pi/2 sinh tau) */
	float8		log_jacobian;	/* log(dy/dtau) = log(y) + log(pi/2 cosh tau) */
} ExpSinhNode;

/*
 * The nodes, built once per process, ordered by level: level 0's at tau =
 * k/2 for |k| <= 9, then level L's at the odd multiples of 2^-(L+1)
 */
static ExpSinhNode Nodes[QUADRATURE_NODES];
static bool NodesBuilt = false;

/* The node at tau */
static ExpSinhNode
NodeAt(float8 tau)
{
	ExpSinhNode node;
	float8		log_y = HALF_PI * sinh(tau);

	node.y = exp(log_y);
	node.log_jacobian = log_y + log(HALF_PI * cosh(tau));
	return node;
}

/* Build the nodes of every level, once */
static void
EnsureNodes(void)
{
	int			n = 0;

	if (NodesBuilt)
		return;
	for (int k = -9; k <= 9; k++)
		Nodes[n++] = NodeAt(k * QUADRATURE_FIRST_STEP);
	for (int level = 1; level <= QUADRATURE_LEVELS; level++)
	{
		float8		step = QUADRATURE_FIRST_STEP / (1 << level);
		int			half = (int) (QUADRATURE_TAU_MAX / step);

		for (int k = -half + 1; k < half; k += 2)
			Nodes[n++] = NodeAt(k * step);
	}
	Assert(n == QUADRATURE_NODES);
	NodesBuilt = true;
}

/*
 * The integrand of one customer and time, in y: m e^y (m e^y)^-k_small (D
 * + m e^y)^-k_large, D = |alpha - beta|, taken relative to its value at y
 * = 0 in closed form, so that exponents in the millions (r and alpha
 * running off together) lose no digits to a cancellation
 */
typedef struct ParetoIntegrand
{
	float8		k_small;		/* exponent of the smaller scale's factor */
	float8		k_large;		/* exponent of the larger one's */
	float8		log_m;			/* log m, m = min(alpha, beta) + t */
	float8		log_m_d;		/* log(D + m) = log(max(alpha, beta) + t) */
	float8		share;			/* m / (D + m) */
	bool		alpha_smaller;	/* alpha < beta: alpha's factor is the small one */
	float8		shift;			/* taken out of every log weight: the largest
								 * of the first level's */
} ParetoIntegrand;

/* Sums over the nodes: the integral and its derivatives, scaled by exp(-shift) */
typedef struct IntegralSums
{
	float8		value;			/* integral of f */
	float8		d[4];			/* integrals of df/dr, df/dalpha, df/ds, df/dbeta */
} IntegralSums;

/*
 * The log weight of a node (integrand times dy/dtau) less its constant
 * part (1 - k_small) log m - k_large log(D + m), and log(alpha + u), log(beta
 * + u) there.  q = log((D + m e^y) / (D + m)) is log1p(share expm1(y)) while
 * e^y is representable, else (log m + y) - log(D + m) + log1p(D e^-y / m).
 */
static inline float8
LogWeight(const ParetoIntegrand *f, const ExpSinhNode *node, float8 *log_alpha_u,
		  float8 *log_beta_u)
{
	float8		y = node->y;
	float8		log_small = f->log_m + y;
	float8		q;

	if (y < 700)
		q = log1p(f->share * expm1(y));
	else
		q = log_small - f->log_m_d + log1p((1 / f->share - 1) * exp(-y));
	*log_alpha_u = f->alpha_smaller ? log_small : f->log_m_d + q;
	*log_beta_u = f->alpha_smaller ? f->log_m_d + q : log_small;
	/* du/dy = m e^y: (1 - k_small) y, less k_large q, and the Jacobian */
	return (1 - f->k_small) * y - f->k_large * q + node->log_jacobian;
}

/* Add nodes [first, last) to the sums */
static void
AddNodes(const ParetoIntegrand *f, float8 a, float8 b, int first, int last, IntegralSums *sums)
{
	for (int i = first; i < last; i++)
	{
		float8		log_alpha_u;
		float8		log_beta_u;
		float8		log_w = LogWeight(f, &Nodes[i], &log_alpha_u, &log_beta_u) - f->shift;
		float8		w;

		if (log_w < -745)
			continue;			/* underflows */
		w = exp(log_w);
		sums->value += w;
		sums->d[0] -= w * log_alpha_u;
		sums->d[1] -= w * a * exp(-log_alpha_u);
		sums->d[2] -= w * log_beta_u;
		sums->d[3] -= w * b * exp(-log_beta_u);
	}
}

/* Whether two levels' estimates (raw sums times their steps) agree */
static bool
Settled(const IntegralSums *coarse, float8 coarse_step, const IntegralSums *fine, float8 fine_step)
{
	float8		value = fine->value * fine_step;

	if (fabs(value - coarse->value * coarse_step) > QUADRATURE_TOLERANCE * value)
		return false;
	for (int k = 0; k < 4; k++)
	{
		float8		d = fine->d[k] * fine_step;

		if (fabs(d - coarse->d[k] * coarse_step) > QUADRATURE_TOLERANCE * (fabs(d) + value))
			return false;
	}
	return true;
}

/*
 * log G(t) of a customer with x purchases at (r, alpha, s, beta) by
 * quadrature, and its gradient in d[4] if d is not NULL; false when the
 * rule does not settle or the result is not finite
 */
bool
ParetoLogIntegralQuadrature(float8 r, float8 alpha, float8 s, float8 beta, float8 x, float8 t,
							float8 *log_g, float8 *d)
{
	ParetoIntegrand f;
	IntegralSums sums = {0};
	IntegralSums previous;
	float8		step = QUADRATURE_FIRST_STEP;
	float8		a = r + x;		/* exponent of alpha + u */
	float8		b = s + 1;		/* exponent of beta + u */
	float8		share = r + s + x;
	float8		log_w0;
	int			used = 19;
	bool		settled = false;

	EnsureNodes();
	f.alpha_smaller = alpha < beta;
	f.k_small = f.alpha_smaller ? a : b;
	f.k_large = f.alpha_smaller ? b : a;
	f.log_m = log(Min(alpha, beta) + t);
	f.log_m_d = log(Max(alpha, beta) + t);
	f.share = (Min(alpha, beta) + t) / (Max(alpha, beta) + t);
	/* the constant part of the log weights, and the largest of the rest at level 0 */
	log_w0 = (1 - f.k_small) * f.log_m - f.k_large * f.log_m_d;
	f.shift = -INFINITY;
	for (int i = 0; i < used; i++)
	{
		float8		ignore_alpha;
		float8		ignore_beta;

		f.shift = Max(f.shift, LogWeight(&f, &Nodes[i], &ignore_alpha, &ignore_beta));
	}
	if (!isfinite(f.shift))
		return false;
	AddNodes(&f, a, b, 0, used, &sums);
	for (int level = 1; level <= QUADRATURE_LEVELS && !settled; level++)
	{
		int			added = 9 * 2 * (1 << (level - 1));

		previous = sums;
		AddNodes(&f, a, b, used, used + added, &sums);
		used += added;
		settled = Settled(&previous, step, &sums, step / 2);
		step /= 2;
	}
	if (!settled || !(sums.value > 0))
		return false;
	*log_g = log(share) + log_w0 + f.shift + log(sums.value * step);
	if (d != NULL)
	{
		d[0] = 1 / share + sums.d[0] / sums.value;
		d[1] = sums.d[1] / sums.value;
		d[2] = 1 / share + sums.d[2] / sums.value;
		d[3] = sums.d[3] / sums.value;
		for (int k = 0; k < 4; k++)
			if (!isfinite(d[k]))
				return false;
	}
	return isfinite(*log_g);
}
