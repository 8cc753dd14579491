/*
 * clv_dyncov_fit.c
 *		The Pareto/NBD with time-varying covariates (Bachmann, Meierer & Naef
 *		2021): the likelihood, its maximum-likelihood fit (the final function
 *		of crm.paretonbd_dyncov_fit on a crm.dyncov_fit_state), and P(alive), the
 *		conditional expected transactions (CET) and DERT of a customer with
 *		a covariate path.
 *
 * A customer's purchase rate at time u is lambda exp(gamma_trans . z_trans(u))
 * and their dropout hazard mu exp(gamma_life . z_life(u)), with lambda ~
 * Gamma(r, alpha) and mu ~ Gamma(s, beta) across customers; the covariates
 * are constant within each period.  With A(u) and B(u) the integrals of the
 * two exponentials from 0 to u (piecewise linear) the likelihood of (x, t_x,
 * T) and the covariates at the repeat purchases is
 *
 *   L = Gamma(r+x)/Gamma(r) alpha^r beta^s exp(gamma_trans . sum_j z_trans(t_j))
 *       [ (alpha+A(T))^-(r+x) (beta+B(T))^-s
 *         + s int_{t_x}^{T} b(u) (alpha+A(u))^-(r+x) (beta+B(u))^-(s+1) du ]
 *
 * with b(u) = exp(gamma_life . z_life(u)).  With constant covariates it is
 * the static-covariate likelihood of CLVTools' parameterization (alpha_i =
 * alpha exp(-gamma_trans . z), beta_i = beta exp(-gamma_life . z)), and with
 * coefficients 0 the plain Pareto/NBD's.  The paper writes the integral per
 * period with Gauss hypergeometric functions; here it is evaluated per run
 * of constant covariates by Gauss-Legendre (10 points, 6 or 8 on pieces
 * well inside the reach) on pieces no longer
 * than the distance from their start to the integrand's nearest
 * singularity ((alpha + A) / e_t or (beta + B) / e_l back in time, times
 * 2 / the power when that is above 2), where the rule's error is about
 * 1e-15 relative, in log space: a few pieces per run whatever its length
 * (the pieces grow geometrically), the rest of a run dropped once below e^-45 of the
 * sum so far; the tests
 * hold it to the static-covariate likelihood's hypergeometric form to 1e-11
 * relative.  The gradient is
 * that of the same sum, analytic.  The fit is BFGS on (log r, log alpha,
 * log s, log beta, coefficients of the covariates scaled by their standard
 * deviations), standard errors from the Hessian (forward differences of
 * the gradient) by the delta method.
 */
#include "crm.h"
#include "clv.h"
#include "clv_covariates.h"
#include "clv_dyncov.h"
#include "numerics.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"

/* 10-point Gauss-Legendre nodes on [-1, 1] (positive half) and weights */
const double DynGlNode[DYN_GL_HALF] = {0.14887433898163122, 0.4333953941292472, 0.6794095682990244,
0.8650633666889845, 0.9739065285171717};
const double DynGlWeight[DYN_GL_HALF] = {0.295524224714753, 0.2692667193099965, 0.219086362515982,
0.14945134915058036, 0.06667134430868807};
/* The 6- and 8-point rules, for pieces well inside the reach */
static const double Gl6Node[3] = {0.23861918608319693, 0.6612093864662645, 0.932469514203152};
static const double Gl6Weight[3] = {0.46791393457269137, 0.36076157304813894, 0.17132449237916975};
static const double Gl8Node[4] = {0.18343464249564978, 0.525532409916329, 0.7966664774136267,
0.9602898564975362};
static const double Gl8Weight[4] = {0.36268378337836177, 0.31370664587788705, 0.22238103445337434,
0.10122853629037669};

/* A Gauss-Legendre rule: half its nodes (the positive ones) and the logs of their weights */
typedef struct DynRule
{
	int			half;			/* nodes / 2 */
	const double *node;			/* the positive nodes */
	double		log_weight[DYN_GL_HALF];	/* logs of their weights */
} DynRule;

/* The 6-, 8- and 10-point rules (log weights filled on first use) */
static DynRule DynRules[3] = {{3, Gl6Node, {0}}, {4, Gl8Node, {0}}, {DYN_GL_HALF, DynGlNode, {0}}};
static bool DynRulesReady = false;

/*
 * The rule for a piece of length h where the reach (the distance to the
 * nearest singularity, scaled) is reach: the fewest nodes whose error
 * rho^(-2n) stays below 1e-15 (rho the Bernstein ellipse's parameter for
 * the singularity at reach / h piece lengths away): 6 within a quarter of
 * the reach, 8 within half of it, else 10
 */
static inline const DynRule *
DynRuleFor(float8 h, float8 reach)
{
	if (!DynRulesReady)
	{
		const double *weights[3] = {Gl6Weight, Gl8Weight, DynGlWeight};

		for (int r = 0; r < 3; r++)
			for (int k = 0; k < DynRules[r].half; k++)
				DynRules[r].log_weight[k] = log(weights[r][k]);
		DynRulesReady = true;
	}
	return h <= 0.25 * reach ? &DynRules[0] : h <= 0.5 * reach ? &DynRules[1] : &DynRules[2];
}

/* A log-sum-exp accumulator of terms with their derivatives */
typedef struct DynSum
{
	float8		m;				/* the largest log term so far */
	float8		s;				/* sum of exp(term - m) */
	float8		g[4 + DYN_MAX_COEFS];	/* sum of exp(term - m) d(term) */
	int			n_g;			/* derivatives per term */
} DynSum;

/* Add the term exp(v) with derivatives d (NULL: none wanted) */
static inline void
DynSumAdd(DynSum *sum, float8 v, const float8 *d)
{
	float8		e;

	if (v > sum->m)
	{
		float8		scale = isinf(sum->m) ? 0 : exp(sum->m - v);

		sum->s *= scale;
		if (d != NULL)
			for (int j = 0; j < sum->n_g; j++)
				sum->g[j] *= scale;
		sum->m = v;
	}
	e = exp(v - sum->m);
	sum->s += e;
	if (d != NULL)
		for (int j = 0; j < sum->n_g; j++)
			sum->g[j] += e * d[j];
}

/*
 * One customer's log-likelihood at p and, if grad is not NULL, its gradient
 * in (log r, log alpha, log s, log beta, gamma per column); *p_alive, if
 * not NULL, gets P(alive at T).  Runs after T are ignored.  NaN when it
 * cannot be computed.
 */
float8
DynLogLik(const DynParams *p, const DynCustomer *c, float8 *grad, float8 *p_alive)
{
	int			nl = p->n_life;
	int			nt = p->n_trans;
	int			n_cov = nl + nt;
	int			n_g = 4 + n_cov;
	const float8 *gl = p->gamma;
	const float8 *gt = p->gamma + nl;
	float8		rx = p->r + c->x;
	float8		s1 = p->s + 1;
	float8		A = 0;
	float8		B = 0;
	float8		dA[COVARIATE_MAX_PER_PROCESS] = {0};
	float8		dB[COVARIATE_MAX_PER_PROCESS] = {0};
	float8		d[4 + DYN_MAX_COEFS];
	float8		u0 = 0;
	float8		log_s = log(p->s);
	float8		log_alive;
	float8		ll;
	float8		purchase_eta = 0;
	float8		log_piece;
	DynSum		sum;

	sum.m = -INFINITY;
	sum.s = 0;
	sum.n_g = n_g;
	memset(sum.g, 0, sizeof(float8) * n_g);
	for (int32 i = 0; i < c->n_runs && u0 < c->T; i++)
	{
		const float8 *run = c->runs + (Size) i * (1 + n_cov);
		const float8 *zl = run + 1;
		const float8 *zt = run + 1 + nl;
		float8		u1 = Min(run[0], c->T);
		float8		eta_l = 0;
		float8		eta_t = 0;
		float8		el;
		float8		et;

		for (int j = 0; j < nl; j++)
			eta_l += gl[j] * zl[j];
		for (int j = 0; j < nt; j++)
			eta_t += gt[j] * zt[j];
		el = exp(eta_l);
		et = exp(eta_t);
		if (u1 > c->t_x && u1 > u0)
		{
			float8		v = Max(u0, c->t_x) - u0;
			float8		v_end = u1 - u0;
			bool		last = false;

			for (int q = 0; !last && q < DYN_MAX_PIECES; q++)
			{
				float8		reach = DYN_PIECE_REACH * Min((p->alpha + A + et * v) / et * Min(1, 2 / rx),
														  (p->beta + B + el * v) / el * Min(1, 2 / s1));
				float8		h = reach;
				const DynRule *rule;

				/*
				 * the rest of the run (the integrand falls within a run) is
				 * negligible against the sum so far
				 */
				if (q > 0 && sum.s > 0 &&
					log_s + eta_l - rx * log(p->alpha + A + et * v) - s1 * log(p->beta + B + el * v) +
					log(v_end - v) < sum.m + log(sum.s) - DYN_NEGLIGIBLE)
					break;

				if (h >= v_end - v || q == DYN_MAX_PIECES - 1)
				{
					h = v_end - v;
					last = true;
				}
				rule = DynRuleFor(h, reach);
				log_piece = log_s + log(0.5 * h) + eta_l;
				for (int k = 0; k < 2 * rule->half; k++)
				{
					float8		node = k < rule->half ? -rule->node[k] : rule->node[k - rule->half];
					float8		vk = v + 0.5 * h * (1 + node);
					float8		aa = p->alpha + A + et * vk;
					float8		bb = p->beta + B + el * vk;
					float8		la = log(aa);
					float8		lb = log(bb);
					float8		term = log_piece + rule->log_weight[k < rule->half ? k : k - rule->half] -
						rx * la - s1 * lb;

					if (grad != NULL)
					{
						d[0] = -p->r * la;
						d[1] = -p->alpha * rx / aa;
						d[2] = 1 - p->s * lb;
						d[3] = -p->beta * s1 / bb;
						for (int j = 0; j < nl; j++)
							d[4 + j] = zl[j] - s1 / bb * (dB[j] + el * zl[j] * vk);
						for (int j = 0; j < nt; j++)
							d[4 + nl + j] = -rx / aa * (dA[j] + et * zt[j] * vk);
					}
					DynSumAdd(&sum, term, grad != NULL ? d : NULL);
				}
				v += h;
			}
		}
		A += et * (u1 - u0);
		B += el * (u1 - u0);
		for (int j = 0; j < nl; j++)
			dB[j] += el * zl[j] * (u1 - u0);
		for (int j = 0; j < nt; j++)
			dA[j] += et * zt[j] * (u1 - u0);
		u0 = u1;
	}
	/* alive at T */
	log_alive = -rx * log(p->alpha + A) - p->s * log(p->beta + B);
	if (grad != NULL)
	{
		d[0] = -p->r * log(p->alpha + A);
		d[1] = -p->alpha * rx / (p->alpha + A);
		d[2] = -p->s * log(p->beta + B);
		d[3] = -p->beta * p->s / (p->beta + B);
		for (int j = 0; j < nl; j++)
			d[4 + j] = -p->s / (p->beta + B) * dB[j];
		for (int j = 0; j < nt; j++)
			d[4 + nl + j] = -rx / (p->alpha + A) * dA[j];
	}
	DynSumAdd(&sum, log_alive, grad != NULL ? d : NULL);
	for (int j = 0; j < nt; j++)
		purchase_eta += gt[j] * c->purchase_z[j];
	ll = lgamma(rx) - lgamma(p->r) + p->r * log(p->alpha) + p->s * log(p->beta) + purchase_eta +
		sum.m + log(sum.s);
	if (p_alive != NULL)
		*p_alive = exp(log_alive - sum.m) / sum.s;
	if (grad != NULL)
	{
		grad[0] = p->r * (Digamma(rx) - Digamma(p->r) + log(p->alpha)) + sum.g[0] / sum.s;
		grad[1] = p->r + sum.g[1] / sum.s;
		grad[2] = p->s * log(p->beta) + sum.g[2] / sum.s;
		grad[3] = p->s + sum.g[3] / sum.s;
		for (int j = 0; j < nl; j++)
			grad[4 + j] = sum.g[4 + j] / sum.s;
		for (int j = 0; j < nt; j++)
			grad[4 + nl + j] = c->purchase_z[j] + sum.g[4 + nl + j] / sum.s;
	}
	return ll;
}

/* A time-varying fit: the customers and how the coefficients are estimated */
typedef struct DynProblem
{
	DynCustomer *customers;		/* the customers */
	int32		n_customers;	/* their number */
	float8		n;				/* sum of their weights */
	int			n_life;			/* lifetime columns */
	int			n_trans;		/* transaction columns */
	int			n_coef;			/* coefficients estimated */
	int			coef_of[DYN_MAX_COEFS]; /* column k's coefficient, or -1 when held */
	float8		scale[DYN_MAX_COEFS];	/* coefficient m's scale */
	float8		lambda[2];		/* L2 penalty of each process */
} DynProblem;

/* The natural parameters at theta */
static void
DynParamsOf(const DynProblem *problem, const double *theta, DynParams *p)
{
	p->r = exp(theta[0]);
	p->alpha = exp(theta[1]);
	p->s = exp(theta[2]);
	p->beta = exp(theta[3]);
	p->n_life = problem->n_life;
	p->n_trans = problem->n_trans;
	for (int k = 0; k < problem->n_life + problem->n_trans; k++)
	{
		int			m = problem->coef_of[k];

		p->gamma[k] = m < 0 ? 0 : theta[4 + m] / problem->scale[m];
	}
}

/* The objective: mean negative log-likelihood plus L2 penalty; *ll_out gets the log-likelihood */
static double
DynObjectiveLL(const double *theta, double *gradient, const DynProblem *problem, double *ll_out)
{
	int			n_cov = problem->n_life + problem->n_trans;
	int			n_free = 4 + problem->n_coef;
	DynParams	p;
	double		ll = 0;
	double		g[4 + DYN_MAX_COEFS] = {0};
	double		value;

	CHECK_FOR_INTERRUPTS();
	for (int j = 0; j < n_free; j++)
		if (!(fabs(theta[j]) <= DYN_THETA_LIMIT))
			return INFINITY;
	DynParamsOf(problem, theta, &p);
	for (int32 i = 0; i < problem->n_customers; i++)
	{
		const DynCustomer *c = &problem->customers[i];
		float8		gi[4 + DYN_MAX_COEFS];
		float8		lli;

		if ((i & 0x3FFF) == 0x3FFF)
			CHECK_FOR_INTERRUPTS();
		lli = DynLogLik(&p, c, gradient != NULL ? gi : NULL, NULL);
		if (!isfinite(lli))
			return INFINITY;
		ll += c->weight * lli;
		if (gradient != NULL)
		{
			for (int j = 0; j < 4; j++)
				g[j] += c->weight * gi[j];
			for (int k = 0; k < n_cov; k++)
				if (problem->coef_of[k] >= 0)
					g[4 + problem->coef_of[k]] += c->weight * gi[4 + k] / problem->scale[problem->coef_of[k]];
		}
	}
	if (!isfinite(ll))
		return INFINITY;
	value = -ll / problem->n;
	if (gradient != NULL)
		for (int j = 0; j < n_free; j++)
			gradient[j] = -g[j] / problem->n;
	for (int k = 0; k < n_cov; k++)
	{
		int			m = problem->coef_of[k];
		float8		lambda = problem->lambda[k < problem->n_life ? COVARIATE_LIFE : COVARIATE_TRANS];

		if (m < 0 || lambda == 0)
			continue;
		value += lambda * p.gamma[k] * p.gamma[k];
		if (gradient != NULL)
			gradient[4 + m] += 2 * lambda * p.gamma[k] / problem->scale[m];
	}
	if (ll_out != NULL)
		*ll_out = ll;
	return value;
}

/* The objective for the minimizer */
static double
DynObjective(const double *theta, double *gradient, void *context)
{
	return DynObjectiveLL(theta, gradient, (const DynProblem *) context, NULL);
}

/* The column name "life.<name>" or "trans.<name>" of column k */
static const char *
DynColumnName(const CovariateNames *names, int k)
{
	int			n_life = names->n[COVARIATE_LIFE];

	return k < n_life ? psprintf("life.%s", names->name[COVARIATE_LIFE][k]) :
		psprintf("trans.%s", names->name[COVARIATE_TRANS][k - n_life]);
}

/*
 * Set up the coefficients: one per lifetime column and unconstrained
 * transaction column (a constrained pair shares its lifetime column's),
 * held when its columns are constant over every run of every customer,
 * scaled by the largest standard deviation of its columns over the runs
 */
static void
DynSetUp(DynProblem *problem, const CovariateNames *names, bool *held)
{
	int			n_life = problem->n_life;
	int			n_cov = n_life + problem->n_trans;
	float8		low[DYN_MAX_COEFS];
	float8		high[DYN_MAX_COEFS];
	float8		sum[DYN_MAX_COEFS] = {0};
	float8		squares[DYN_MAX_COEFS] = {0};
	float8		spread[DYN_MAX_COEFS];
	float8		count = 0;

	for (int k = 0; k < n_cov; k++)
	{
		low[k] = INFINITY;
		high[k] = -INFINITY;
	}
	for (int pass = 0; pass < 2; pass++)
		for (int32 i = 0; i < problem->n_customers; i++)
		{
			const DynCustomer *c = &problem->customers[i];

			for (int32 r = 0; r < c->n_runs; r++)
			{
				const float8 *z = c->runs + (Size) r * (1 + n_cov) + 1;

				if (pass == 0)
					count += 1;
				for (int k = 0; k < n_cov; k++)
				{
					if (pass == 0)
					{
						low[k] = Min(low[k], z[k]);
						high[k] = Max(high[k], z[k]);
						sum[k] += z[k];
					}
					else
						squares[k] += (z[k] - sum[k] / count) * (z[k] - sum[k] / count);
				}
			}
		}
	for (int k = 0; k < n_cov; k++)
		spread[k] = low[k] == high[k] ? 0 : sqrt(squares[k] / count);
	problem->n_coef = 0;
	for (int k = 0; k < n_cov; k++)
	{
		int			partner = k < n_life ? -1 : names->partner[COVARIATE_TRANS][k - n_life];

		problem->coef_of[k] = -1;
		if (partner < 0)
		{
			float8		sd = spread[k];

			if (k < n_life && names->partner[COVARIATE_LIFE][k] >= 0)
				sd = Max(sd, spread[n_life + names->partner[COVARIATE_LIFE][k]]);
			held[k] = !(sd > 0);
			if (held[k])
				continue;
			problem->scale[problem->n_coef] = sd;
			problem->coef_of[k] = problem->n_coef++;
		}
		else
		{
			held[k] = held[partner];
			problem->coef_of[k] = problem->coef_of[partner];
		}
	}
}

/*
 * The Hessian of the objective at theta (n_free x n_free, row-major,
 * symmetrized) by forward differences of the analytic gradient with
 * relative steps of 1e-6 (the gradient is good to about 1e-13: truncation
 * and rounding errors both about 1e-6 relative): n_free + 1 gradients, not
 * the 2 n_free of central differences, on a fit whose every evaluation
 * sums over all customers; false if a gradient is not finite
 */
static bool
DynHessian(const DynProblem *problem, const double *theta, double *hessian)
{
	int			n_free = 4 + problem->n_coef;
	double		g0[4 + DYN_MAX_COEFS];
	double		g1[4 + DYN_MAX_COEFS];
	double		moved[4 + DYN_MAX_COEFS];

	if (!isfinite(DynObjective(theta, g0, (void *) problem)))
		return false;
	for (int j = 0; j < n_free; j++)
	{
		double		h = 1e-6 * Max(fabs(theta[j]), 1);

		memcpy(moved, theta, sizeof(double) * n_free);
		moved[j] += h;
		h = moved[j] - theta[j];
		if (!isfinite(DynObjective(moved, g1, (void *) problem)))
			return false;
		for (int i = 0; i < n_free; i++)
			hessian[i * n_free + j] = (g1[i] - g0[i]) / h;
	}
	for (int i = 0; i < n_free; i++)
		for (int j = 0; j < i; j++)
			hessian[i * n_free + j] = hessian[j * n_free + i] =
				0.5 * (hessian[i * n_free + j] + hessian[j * n_free + i]);
	return true;
}

/*
 * The index in theta of a coefficient that runs off (no finite estimate),
 * or -1: one whose scaled value is above 1 in size and that, pushed 10
 * further out, lowers the log-likelihood by less than 0.5 (the surface is
 * flat or still rising that way: a covariate that separates the
 * customers, or a process it does not act on)
 */
static int
DynRunaway(const DynProblem *problem, const double *theta, double value)
{
	int			n_free = 4 + problem->n_coef;
	double		pushed[4 + DYN_MAX_COEFS];

	for (int m = 0; m < problem->n_coef; m++)
	{
		double		coef = theta[4 + m];
		double		pushed_value;

		if (fabs(coef) <= 1)
			continue;
		memcpy(pushed, theta, sizeof(double) * n_free);
		pushed[4 + m] += coef < 0 ? -10 : 10;
		pushed_value = DynObjective(pushed, NULL, (void *) problem);
		if (isfinite(pushed_value) && (pushed_value - value) * problem->n < 0.5)
			return 4 + m;
	}
	return -1;
}

/* The time-varying fit of a state: the model (a crm.paretonbd with covariates) */
static ClvModel *
DynFit(const DynState *state)
{
	const CovariateSpec *spec = DYNSTATE_SPEC(state);
	CovariateNames names;
	DynProblem	problem;
	bool		held[DYN_MAX_COEFS];
	bool		any_repeat = false;
	int			n_free;
	double		theta[4 + DYN_MAX_COEFS] = {0};
	double		mean_T = 0;
	NumericsOptions options = {500, 1e-9, 1e-14, NULL};
	NumericsResult result;
	int			iterations;
	bool		converged;
	double		ll;
	double	   *hessian;
	double	   *inverse;
	bool		has_se = false;
	int			diverged = -1;
	ClvModel   *base;
	ClvModel   *model;
	ClvCovariates cov;
	DynParams	p;

	CovariateSpecNames(spec, &names);
	memset(&problem, 0, sizeof(problem));
	problem.customers = DynDistinctCustomers(state, &problem.n_customers);
	problem.n_life = state->n_life;
	problem.n_trans = state->n_trans;
	problem.lambda[COVARIATE_LIFE] = names.lambda[COVARIATE_LIFE];
	problem.lambda[COVARIATE_TRANS] = names.lambda[COVARIATE_TRANS];
	for (int32 i = 0; i < problem.n_customers; i++)
	{
		problem.n += problem.customers[i].weight;
		mean_T += problem.customers[i].weight * problem.customers[i].T;
		any_repeat |= problem.customers[i].x > 0;
	}
	if (!any_repeat)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot fit the Pareto/NBD model: no customer has a repeat purchase"),
				 errhint("The model needs some customers with x > 0.")));
	DynSetUp(&problem, &names, held);
	for (int k = 0; k < problem.n_life + problem.n_trans; k++)
		if (held[k] && (k < problem.n_life || names.partner[COVARIATE_TRANS][k - problem.n_life] < 0))
			ereport(WARNING,
					(errmsg("Pareto/NBD fit: covariate %s is constant over the customers and periods: its coefficient is not identified and is held at 0",
							DynColumnName(&names, k)),
					 errhint("Leave the covariate out of crm.covariates for these data.")));
	n_free = 4 + problem.n_coef;
	mean_T = Max(mean_T / problem.n, 1e-6);
	theta[0] = 0;
	theta[1] = log(mean_T);
	theta[2] = 0;
	theta[3] = log(mean_T);
	MinimizeBfgs(DynObjective, &problem, n_free, theta, &options, &result);
	iterations = result.iterations;
	if (!result.converged && isfinite(result.value))
	{
		MinimizeBfgs(DynObjective, &problem, n_free, theta, &options, &result);
		iterations += result.iterations;
	}
	converged = result.converged;
	if (!isfinite(DynObjectiveLL(theta, NULL, &problem, &ll)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot fit the Pareto/NBD model with time-varying covariates: the log-likelihood is not finite anywhere the optimizer looked"),
				 errhint("Check the covariates' scale and the summaries' time unit.")));
	for (int j = 0; j < n_free; j++)
		if (fabs(theta[j]) > DYN_DIVERGED)
			diverged = j;
	if (diverged < 0)
		diverged = DynRunaway(&problem, theta, result.value);

	base = ClvModelAlloc(CLV_PARETONBD);
	base->flags = CLV_FLAG_FITTED | CLV_FLAG_HAS_UNIT;
	base->unit = DynPeriodUnit(state->period);
	base->iterations = iterations;
	base->n = state->n;
	base->skipped = state->skipped;
	base->ll = ll;
	DynParamsOf(&problem, theta, &p);
	base->params[0] = p.r;
	base->params[1] = p.alpha;
	base->params[2] = p.s;
	base->params[3] = p.beta;
	hessian = (double *) palloc(sizeof(double) * n_free * n_free);
	inverse = (double *) palloc(sizeof(double) * n_free * n_free);
	if (DynHessian(&problem, theta, hessian) &&
		InvertSymmetricPositive(n_free, hessian, inverse))
	{
		has_se = true;
		for (int j = 0; j < n_free; j++)
			if (!(inverse[j * n_free + j] >= 0))
				has_se = false;
	}
	if (has_se)
	{
		base->flags |= CLV_FLAG_HAS_SE;
		for (int j = 0; j < 4; j++)
			base->se[j] = base->params[j] * sqrt(inverse[j * n_free + j] / problem.n);
	}
	/* a stop where the Hessian is not positive definite is no maximum (clv_fit.c) */
	if (converged && diverged < 0 && has_se)
		base->flags |= CLV_FLAG_CONVERGED;
	model = ClvModelAddCovariates(base, spec);
	ClvModelCovariates(model, &cov);
	for (int k = 0; k < problem.n_life + problem.n_trans; k++)
	{
		int			m = problem.coef_of[k];

		if (m < 0)
		{
			cov.flags[k] |= CLV_COEF_HELD;
			continue;
		}
		cov.gamma[k] = p.gamma[k] + 0.0;
		if (has_se)
			cov.se[k] = sqrt(inverse[(4 + m) * n_free + 4 + m] / problem.n) / problem.scale[m];
	}
	if (diverged >= 4)
	{
		int			k = 0;

		while (problem.coef_of[k] != diverged - 4)
			k++;
		ereport(WARNING,
				(errmsg("Pareto/NBD fit did not converge: coefficient %s runs off to %s",
						DynColumnName(&names, k), cov.gamma[k] < 0 ? "-infinity" : "+infinity"),
				 errdetail("The log-likelihood keeps rising as the coefficient grows, so no finite estimate exists; the returned model is marked converged=false."),
				 errhint("Leave the covariate out, or fit with an L2 penalty (lambda_life, lambda_trans of crm.covariates).")));
	}
	else if (diverged >= 0)
		ereport(WARNING,
				(errmsg("Pareto/NBD fit did not converge: parameter %s runs off to %s",
						ClvSpec(CLV_PARETONBD)->param_names[diverged], theta[diverged] < 0 ? "0" : "infinity"),
				 errdetail("The data do not identify the model; the returned model is marked converged=false.")));
	else if (!converged)
		ereport(WARNING,
				(errmsg("Pareto/NBD fit did not converge"),
				 errdetail("The optimizer stopped after %d iterations; the returned model is marked converged=false.",
						   iterations)));
	else if (!has_se)
		ereport(WARNING,
				(errmsg("Pareto/NBD fit did not converge: the data do not identify the model"),
				 errdetail("The Hessian of the log-likelihood is not positive definite where the optimizer stopped, so it is not a maximum; the returned model is marked converged=false."),
				 errhint("Leave out covariates that repeat others, and check the input.")));
	return model;
}

/* Final of crm.paretonbd_dyncov_fit: the fit of a time-varying fit state */
PG_FUNCTION_INFO_V1(paretonbd_dyncov_fit_final);
Datum
paretonbd_dyncov_fit_final(PG_FUNCTION_ARGS)
{
	DynState   *state;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (DynState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	if (state->skipped > 0)
		ereport(NOTICE,
				(errmsg("Pareto/NBD fit skipped " INT64_FORMAT " of " INT64_FORMAT " customers whose first purchase is before the first period of their covariate path",
						state->skipped, state->skipped + state->n),
				 errhint("Start each customer's covariate path at or before their first purchase.")));
	if (state->n_records == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(DynFit(state));
}

/*
 * crm.loglik_gradient(model, state): the time-varying log-likelihood of a
 * state's customers and its gradient in (r, alpha, s, beta) (natural scale)
 * and the coefficients per column, as rows (parameter, derivative); the
 * first row, "loglik", is the log-likelihood itself
 */
PG_FUNCTION_INFO_V1(dyncov_state_loglik_gradient);
Datum
dyncov_state_loglik_gradient(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ClvModel   *model = ClvGetModel(fcinfo, 0, CLV_PARETONBD);
	DynState   *state = (DynState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	CovariateNames names;
	ClvCovariates cov;
	DynParams	p;
	int32		n_customers;
	DynCustomer *customers = DynStateCustomers(state, &n_customers);
	int			n_cov = state->n_life + state->n_trans;
	float8		total[4 + DYN_MAX_COEFS] = {0};
	float8		ll = 0;
	bool		ok = true;

	if (!ClvModelHasCovariates(model))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the Pareto/NBD model has no covariates and the fit state has")));
	ClvModelCovariates(model, &cov);
	if (!CovariateSpecEqual(cov.spec, DYNSTATE_SPEC(state)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the Pareto/NBD model's covariates are not the fit state's")));
	CovariateSpecNames(cov.spec, &names);
	p.r = model->params[0];
	p.alpha = model->params[1];
	p.s = model->params[2];
	p.beta = model->params[3];
	p.n_life = state->n_life;
	p.n_trans = state->n_trans;
	memcpy(p.gamma, cov.gamma, sizeof(float8) * n_cov);
	for (int32 i = 0; i < n_customers && ok; i++)
	{
		float8		g[4 + DYN_MAX_COEFS];
		float8		lli = DynLogLik(&p, &customers[i], g, NULL);

		CHECK_FOR_INTERRUPTS();
		ok = isfinite(lli);
		ll += customers[i].weight * lli;
		for (int j = 0; j < 4 + n_cov; j++)
			total[j] += customers[i].weight * g[j];
	}
	InitMaterializedSRF(fcinfo, 0);
	for (int j = -1; j < 4 + n_cov; j++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, !ok};
		const char *name = j < 0 ? "loglik" : j < 4 ? ClvSpec(CLV_PARETONBD)->param_names[j] :
			DynColumnName(&names, j - 4);

		values[0] = CStringGetTextDatum(name);
		/* d/d log p to d/d p for the model's parameters */
		values[1] = Float8GetDatum(j < 0 ? ll : j < 4 ? total[j] / model->params[j] : total[j]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
