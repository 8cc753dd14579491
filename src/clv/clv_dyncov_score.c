/*
 * clv_dyncov_score.c
 *		Scoring a customer with a covariate path under a Pareto/NBD with
 *		time-varying covariates (Bachmann, Meierer & Naef 2021):
 *		crm.loglik, crm.p_alive, crm.expected_purchases (CET over a future
 *		window with the path's future covariates) and crm.dert.
 *
 * Given the data and alive at T, lambda ~ Gamma(r + x, alpha + A(T)) and
 * mu ~ Gamma(s, beta + B(T)), so the expected purchases of an alive
 * customer in (T, T + h] are (r + x) / (alpha + A(T)) int e_t(u) ((beta +
 * B(T)) / (beta + B(u)))^s du, in closed form per run of constant
 * covariates; CET is that times P(alive).  DERT discounts it continuously
 * at log(1 + rate) per period over the unbounded future: Gauss-Legendre
 * over the runs of the path after T, and after the path (whose last
 * period's covariates hold for ever) the scaled upper incomplete gamma
 * function, as the Pareto/NBD's DERT.
 */
#include "crm.h"
#include "clv.h"
#include "clv_covariates.h"
#include "clv_dyncov.h"
#include "numerics.h"

#include <math.h>

/* The model of a scorer (argument 0), a Pareto/NBD with covariates matching path; p gets its values */
static ClvModel *
DynScorerModel(FunctionCallInfo fcinfo, const CovPath *path, DynParams *p)
{
	ClvModel   *model = ClvGetModel(fcinfo, 0, CLV_PARETONBD);
	ClvCovariates cov;
	TimeUnit	unit = DynPeriodUnit(path->period);

	ClvCheckScorable(model);
	if (!ClvModelHasCovariates(model))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a Pareto/NBD model without covariates cannot score a covariate path"),
				 errhint("Fit the model with crm.paretonbd_dyncov_fit(x, t_x, t, first_purchase, path, covariates).")));
	ClvModelCovariates(model, &cov);
	if (cov.spec->n_life != path->n_life || cov.spec->n_trans != path->n_trans)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the covariate path has %d lifetime and %d transaction covariates, the model %d and %d",
						path->n_life, path->n_trans, cov.spec->n_life, cov.spec->n_trans)));
	if ((model->flags & CLV_FLAG_HAS_UNIT) &&
		!TimeUnitEqual(&model->unit, &unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the covariate path's period is not the model's time unit %s", TimeUnitText(&model->unit))));
	p->r = model->params[0];
	p->alpha = model->params[1];
	p->s = model->params[2];
	p->beta = model->params[3];
	p->n_life = path->n_life;
	p->n_trans = path->n_trans;
	memcpy(p->gamma, cov.gamma, sizeof(float8) * (path->n_life + path->n_trans));
	return model;
}

/*
 * The customer of a scorer: (x, t_x, T, first_purchase, path) from
 * argument first, with runs up to T + horizon (horizon < 0: the path's end
 * or T, whichever is later);
 * false when the customer cannot be scored (born before the path)
 */
static bool
DynScorerCustomer(FunctionCallInfo fcinfo, int first, bool dated, float8 horizon, DynParams *p,
				  DynCustomer *c)
{
	float8		x = PG_GETARG_FLOAT8(first);
	float8		t_x = PG_GETARG_FLOAT8(first + 1);
	float8		T = PG_GETARG_FLOAT8(first + 2);
	CovPath    *path = CovPathArg(fcinfo, first + 4);
	int64		birth;
	float8		until;

	ClvCheckTriple(x, t_x, T);
	birth = DynBirthArg(fcinfo, first + 3, path, dated);
	DynScorerModel(fcinfo, path, p);
	if (horizon >= 0)
		until = T + horizon;
	else
	{
		int64		path_end = CovPathStart(path, path->n_rows - 1) + path->period;

		until = Max(T, (float8) (path_end - birth) / (float8) path->period);
	}
	return DynCustomerFromPath(path, birth, x, t_x, T, until, c) == NULL;
}

/* The log-likelihood and P(alive) of a scorer's customer; false when it cannot be scored */
static bool
DynScore(FunctionCallInfo fcinfo, bool dated, float8 horizon, DynParams *p, DynCustomer *c,
		 float8 *ll, float8 *p_alive)
{
	if (!DynScorerCustomer(fcinfo, 1, dated, horizon, p, c))
		return false;
	*ll = DynLogLik(p, c, NULL, p_alive);
	return isfinite(*ll);
}

/* crm.loglik(model, x, t_x, T, first_purchase, path): one customer's log-likelihood */
static Datum
DynLoglikScorer(FunctionCallInfo fcinfo, bool dated)
{
	DynParams	p;
	DynCustomer c;
	float8		ll;
	float8		alive;

	if (!DynScore(fcinfo, dated, 0, &p, &c, &ll, &alive))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ll);
}

/* crm.loglik with a dated path */
PG_FUNCTION_INFO_V1(dyncov_loglik_date);
Datum
dyncov_loglik_date(PG_FUNCTION_ARGS)
{
	return DynLoglikScorer(fcinfo, true);
}

/* crm.loglik with a timestamptz path */
PG_FUNCTION_INFO_V1(dyncov_loglik_tz);
Datum
dyncov_loglik_tz(PG_FUNCTION_ARGS)
{
	return DynLoglikScorer(fcinfo, false);
}

/* crm.p_alive(model, x, t_x, T, first_purchase, path) */
static Datum
DynPAliveScorer(FunctionCallInfo fcinfo, bool dated)
{
	DynParams	p;
	DynCustomer c;
	float8		ll;
	float8		alive;

	if (!DynScore(fcinfo, dated, 0, &p, &c, &ll, &alive))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ClampProbability(alive, "P(alive)"));
}

/* crm.p_alive with a dated path */
PG_FUNCTION_INFO_V1(dyncov_p_alive_date);
Datum
dyncov_p_alive_date(PG_FUNCTION_ARGS)
{
	return DynPAliveScorer(fcinfo, true);
}

/* crm.p_alive with a timestamptz path */
PG_FUNCTION_INFO_V1(dyncov_p_alive_tz);
Datum
dyncov_p_alive_tz(PG_FUNCTION_ARGS)
{
	return DynPAliveScorer(fcinfo, false);
}

/*
 * The expected purchases of a customer alive at T over the runs after T:
 * int e_t(u) ((beta + B(T)) / (beta + B(u)))^s du up to until, by runs in
 * closed form, times (r + x) / (alpha + A(T)) (not P(alive))
 */
static float8
DynAliveExpected(const DynParams *p, const DynCustomer *c, float8 until)
{
	int			n_cov = p->n_life + p->n_trans;
	float8		A = 0;
	float8		B = 0;
	float8		u0 = 0;
	float8		BT = -1;
	float8		total = 0;

	for (int32 i = 0; i < c->n_runs && u0 < until; i++)
	{
		const float8 *run = c->runs + (Size) i * (1 + n_cov);
		float8		u1 = Min(run[0], until);
		float8		eta_l = 0;
		float8		eta_t = 0;
		float8		el;
		float8		et;

		for (int j = 0; j < p->n_life; j++)
			eta_l += p->gamma[j] * run[1 + j];
		for (int j = 0; j < p->n_trans; j++)
			eta_t += p->gamma[p->n_life + j] * run[1 + p->n_life + j];
		el = exp(eta_l);
		et = exp(eta_t);
		if (u1 > c->T)
		{
			float8		a = Max(u0, c->T);
			float8		c0;
			float8		q;

			if (BT < 0)
			{
				BT = p->beta + B + el * (a - u0);
				A += et * (a - u0);
			}
			c0 = p->beta + B + el * (a - u0);
			q = log1p(el * (u1 - a) / c0);
			/* et (BT/c0)^s int_0^L (1 + el v / c0)^-s dv */
			total += et * exp(p->s * log(BT / c0)) * c0 / el *
				(fabs(p->s - 1) < 1e-9 ? q : -expm1((1 - p->s) * q) / (p->s - 1));
		}
		else
			A += et * (u1 - u0);
		B += el * (u1 - u0);
		u0 = u1;
	}
	return (p->r + c->x) / (p->alpha + A) * total;
}

/* crm.expected_purchases(model, horizon, x, t_x, T, first_purchase, path): CET over (T, T + horizon] */
static Datum
DynExpectedScorer(FunctionCallInfo fcinfo, bool dated)
{
	DynParams	p;
	DynCustomer c;
	float8		alive;
	float8		horizon = PG_GETARG_FLOAT8(1);
	float8		result;

	ClvCheckHorizon(horizon);
	if (!DynScorerCustomer(fcinfo, 2, dated, horizon, &p, &c))
		PG_RETURN_NULL();
	if (!isfinite(DynLogLik(&p, &c, NULL, &alive)))
		PG_RETURN_NULL();
	result = ClampProbability(alive, "P(alive)") * DynAliveExpected(&p, &c, c.T + horizon);
	CheckResultFinite(result, "expected purchases");
	PG_RETURN_FLOAT8(result);
}

/* crm.expected_purchases with a dated path */
PG_FUNCTION_INFO_V1(dyncov_expected_date);
Datum
dyncov_expected_date(PG_FUNCTION_ARGS)
{
	return DynExpectedScorer(fcinfo, true);
}

/* crm.expected_purchases with a timestamptz path */
PG_FUNCTION_INFO_V1(dyncov_expected_tz);
Datum
dyncov_expected_tz(PG_FUNCTION_ARGS)
{
	return DynExpectedScorer(fcinfo, false);
}

/*
 * DERT of a scorer's customer: P(alive) (r + x) / (alpha + A(T)) times int_T^inf
 * e^(-delta (u - T)) e_t(u) ((beta + B(T)) / (beta + B(u)))^s du, by
 * Gauss-Legendre over the runs of the path after T and in closed form
 * (the scaled upper incomplete gamma function) after the path's end
 */
static Datum
DynDertScorer(FunctionCallInfo fcinfo, bool dated)
{
	DynParams	p;
	DynCustomer c;
	float8		alive;
	float8		rate = PG_GETARG_FLOAT8(6);
	float8		delta;
	int			n_cov;
	float8		A = 0;
	float8		B = 0;
	float8		u0 = 0;
	float8		BT = -1;
	float8		total = 0;
	float8		result;

	CheckPositiveDiscountRate(rate, "DERT sums purchases over an unbounded future: without discounting it is infinite when s <= 1.");
	delta = log1p(rate);
	if (!DynScorerCustomer(fcinfo, 1, dated, -1, &p, &c))
		PG_RETURN_NULL();
	if (!isfinite(DynLogLik(&p, &c, NULL, &alive)))
		PG_RETURN_NULL();
	n_cov = p.n_life + p.n_trans;
	for (int32 i = 0; i < c.n_runs; i++)
	{
		const float8 *run = c.runs + (Size) i * (1 + n_cov);
		bool		last = i == c.n_runs - 1;
		float8		u1 = run[0];
		float8		eta_l = 0;
		float8		eta_t = 0;
		float8		el;
		float8		et;

		for (int j = 0; j < p.n_life; j++)
			eta_l += p.gamma[j] * run[1 + j];
		for (int j = 0; j < p.n_trans; j++)
			eta_t += p.gamma[p.n_life + j] * run[1 + p.n_life + j];
		el = exp(eta_l);
		et = exp(eta_t);
		if (u1 > c.T || last)
		{
			float8		a = Max(u0, c.T);
			float8		c0;

			if (BT < 0)
			{
				BT = p.beta + B + el * (a - u0);
				A += et * (a - u0);
			}
			c0 = p.beta + B + el * (a - u0);
			if (u1 > a)
			{
				float8		v = 0;
				bool		final = false;

				for (int q = 0; !final && q < DYN_MAX_PIECES; q++)
				{
					float8		h = DYN_PIECE_REACH * Min(2 / delta, (c0 + el * v) / el * Min(1, 2 / p.s));

					if (h >= u1 - a - v || q == DYN_MAX_PIECES - 1)
					{
						h = u1 - a - v;
						final = true;
					}
					for (int k = 0; k < 2 * DYN_GL_HALF; k++)
					{
						float8		node = k < DYN_GL_HALF ? -DynGlNode[k] : DynGlNode[k - DYN_GL_HALF];
						float8		vk = v + 0.5 * h * (1 + node);

						total += 0.5 * h * DynGlWeight[k < DYN_GL_HALF ? k : k - DYN_GL_HALF] * et *
							exp(-delta * (a - c.T + vk) + p.s * log(BT / (c0 + el * vk)));
					}
					v += h;
				}
			}
			if (last)
			{
				/* after the path: the last period's covariates for ever */
				float8		c1 = c0 + el * Max(u1 - a, 0);
				float8		b = c1 / el;
				float8		scaled;

				if (!UpperGammaScaled(1 - p.s, delta * b, &scaled))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
							 errmsg("cannot evaluate DERT for discount rate %g", rate)));
				total += et * exp(-delta * (Max(u1, c.T) - c.T) + p.s * log(BT / c1)) * b * scaled;
			}
		}
		else
			A += et * (u1 - u0);
		B += el * (u1 - u0);
		u0 = u1;
	}
	result = ClampProbability(alive, "P(alive)") * (p.r + c.x) / (p.alpha + A) * total;
	CheckResultFinite(result, "DERT (discounted expected residual transactions)");
	PG_RETURN_FLOAT8(result);
}

/* crm.dert with a dated path */
PG_FUNCTION_INFO_V1(dyncov_dert_date);
Datum
dyncov_dert_date(PG_FUNCTION_ARGS)
{
	return DynDertScorer(fcinfo, true);
}

/* crm.dert with a timestamptz path */
PG_FUNCTION_INFO_V1(dyncov_dert_tz);
Datum
dyncov_dert_tz(PG_FUNCTION_ARGS)
{
	return DynDertScorer(fcinfo, false);
}

