/*
 * clv_gammagamma.c
 *		The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005,
 *		"RFM and CLV"; Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary
 *		Value"): likelihood with analytic gradient and the conditional
 *		expected spend, as the operations of its kind (clv_ops.h).
 *
 * A customer with x > 0 repeat purchases of mean value m contributes
 *
 *	 ll = lgamma(px + q) - lgamma(px) - lgamma(q) + q log(gamma)
 *		  + (px - 1) log(m) + px log(x) - (px + q) log(gamma + m x)
 *
 * (the density of the mean m; customers with x = 0 carry no information
 * and are skipped by the fit's transition).  Customers with x > 0 and a
 * mean spend m <= 0 (all repeat purchases free, or refunds netted in)
 * cannot enter the likelihood (log m): the fit state keeps them, and the
 * final function leaves them out, counts them in the model's skipped count
 * and says so in one NOTICE.  The posterior mean spend is defined at m = 0.
 */
#include "crm.h"
#include "clv_ops.h"
#include "numerics.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/float.h"

/* A fit's distinct (x, m) pairs, preprocessed for fast evaluation */
typedef struct SpendData
{
	int32		n_x;			/* distinct frequencies */
	float8	   *x;				/* the distinct frequencies, increasing */
	int32	   *group_start;	/* pairs of x[k] are group_start[k] ..
								 * group_start[k+1]-1 */
	int32		n_pairs;		/* distinct pairs */
	float8	   *weight;			/* customers with each pair */
	float8	   *m;				/* each pair's mean spend */
	float8	   *log_m;			/* log of it */
} SpendData;

/* Total log-likelihood of the data at (p, q, gamma) and, optionally, its gradient */
static float8
SpendLogLikelihood(const float8 *params, void *context, float8 *gradient)
{
	SpendData  *data = (SpendData *) context;
	float8		p = params[0];
	float8		q = params[1];
	float8		gamma = params[2];
	float8		log_gamma = log(gamma);
	float8		constant = q * log_gamma - lgamma(q);
	float8		psi_q = gradient ? Digamma(q) : 0;
	float8		total = 0;
	float8		g_p = 0,
				g_q = 0,
				g_gamma = 0;

	for (int32 k = 0; k < data->n_x; k++)
	{
		float8		x = data->x[k];
		float8		px = p * x;
		float8		log_x = log(x);
		float8		group = lgamma(px + q) - lgamma(px) + constant + px * log_x;
		float8		psi_pxq = gradient ? Digamma(px + q) : 0;
		float8		psi_px = gradient ? Digamma(px) : 0;

		for (int32 j = data->group_start[k]; j < data->group_start[k + 1]; j++)
		{
			float8		w = data->weight[j];
			float8		denominator = gamma + data->m[j] * x;
			float8		log_denominator = log(denominator);

			total += w * (group + (px - 1) * data->log_m[j] - (px + q) * log_denominator);
			if (gradient)
			{
				g_p += w * x * (psi_pxq - psi_px + data->log_m[j] + log_x - log_denominator);
				g_q += w * (psi_pxq - psi_q + log_gamma - log_denominator);
				g_gamma += w * (q / gamma - (px + q) / denominator);
			}
		}
	}
	if (gradient)
	{
		gradient[0] = g_p;
		gradient[1] = g_q;
		gradient[2] = g_gamma;
	}
	return total;
}

/* The preprocessed data of a spend fit state (pairs sorted by x, m) */
static SpendData *
SpendDataOf(const WeightedTuple *pairs, int32 n_pairs)
{
	SpendData  *data = (SpendData *) palloc0(sizeof(SpendData));

	data->n_pairs = n_pairs;
	data->x = (float8 *) palloc(sizeof(float8) * n_pairs);
	data->group_start = (int32 *) palloc(sizeof(int32) * (n_pairs + 1));
	data->weight = (float8 *) palloc(sizeof(float8) * n_pairs);
	data->m = (float8 *) palloc(sizeof(float8) * n_pairs);
	data->log_m = (float8 *) palloc(sizeof(float8) * n_pairs);
	for (int32 j = 0; j < n_pairs; j++)
	{
		if (j == 0 || pairs[j].v[0] != pairs[j - 1].v[0])
		{
			data->x[data->n_x] = pairs[j].v[0];
			data->group_start[data->n_x++] = j;
		}
		data->weight[j] = (float8) pairs[j].count;
		data->m[j] = pairs[j].v[1];
		data->log_m[j] = log(pairs[j].v[1]);
	}
	data->group_start[data->n_x] = n_pairs;
	return data;
}

/* The preprocessed data of a fit (the prepare operation) */
static void *
SpendPrepare(const WeightedTuple *pairs, int32 n_pairs)
{
	return SpendDataOf(pairs, n_pairs);
}

/* p = 1, q = 2 and gamma = the mean spend: prior mean spend = the mean */
static void
SpendStart(const WeightedTuple *pairs, int32 n_pairs, float8 *start)
{
	start[0] = 1;
	start[1] = 2;
	start[2] = ClvColumnMean(pairs, n_pairs, 1);
}

/* Whether the fit leaves out a pair: a mean spend of 0 or less (log m) */
static bool
SpendSkips(const WeightedTuple *pair)
{
	return !(pair->v[1] > 0);
}

/*
 * Expected spend per purchase of a customer (x, m) under a Gamma-Gamma
 * model, or NaN when the model cannot score the customer: a negative mean
 * spend, or p x + q <= 1 (the posterior mean is infinite); the
 * expected_spend operation
 */
static float8
ExpectedSpend(const ClvModel *model, const float8 *customer)
{
	float8		x = customer[0];
	float8		m = customer[1];
	float8		p = model->params[0];
	float8		q = model->params[1];
	float8		gamma = model->params[2];
	float8		denominator = p * x + q - 1;
	float8		numerator = p * (gamma + m * x);
	float8		log_px;
	float8		log_denominator;
	float8		result;

	/* the posterior mean p (gamma + m x) / (p x + q - 1); prior mean at x = 0 */
	if (m < 0 || !(denominator > 0))
		return get_float8_nan();
	if (isfinite(numerator) && isfinite(denominator) && isfinite(numerator / denominator))
		return numerator / denominator;

	/*
	 * A product overflowed (x, m or p huge): the same mean as the weighted
	 * average p gamma / D + m (p x / D), with D = p x + q - 1 and the weights
	 * in log space, so it is the m it tends to, or 22003 if that overflows
	 */
	log_px = log(p) + log(x);
	log_denominator = log_px + log1p((q - 1) / exp(log_px));
	result = exp(log(p) + log(gamma) - log_denominator) + m * exp(log_px - log_denominator);
	CheckResultFinite(result, "expected spend");
	return result;
}

/*
 * One repeat customer's log-likelihood, NaN (NULL) unless x > 0 and m > 0
 * (the customer_loglik operation)
 */
static float8
SpendCustomerLoglik(const ClvModel *model, const float8 *customer)
{
	WeightedTuple pair;
	float8		loglik;

	pair.v[0] = customer[0];
	pair.v[1] = customer[1];
	pair.v[2] = 0;
	pair.count = 1;
	/* the density of the mean spend is defined for x > 0 and m > 0 only */
	if (pair.v[0] == 0 || pair.v[1] <= 0)
		return get_float8_nan();
	loglik = SpendLogLikelihood(model->params, SpendDataOf(&pair, 1), NULL);
	CheckResultFinite(loglik, "Gamma-Gamma log-likelihood");
	return loglik;
}

/*
 * A customer's spend (the draw_latent operation): each spend ~ Gamma(p, nu)
 * with nu ~ Gamma(q + p x, gamma + m x), the posterior of the rate given
 * its x purchases of mean spend m; false (cannot score) for a negative mean
 * spend
 */
static bool
SpendDrawLatent(const ClvModel *model, const float8 *customer, CrmRandom *rng,
				ClvLatent *latent)
{
	float8		x = customer[0];
	float8		m = customer[1];
	float8		rate = model->params[2] + m * x;

	(void) rng;
	memset(latent, 0, sizeof(*latent));
	if (m < 0 || !(rate > 0) || !isfinite(rate))
		return false;
	latent->alive = true;
	latent->spend_shape = model->params[0];
	latent->nu_shape = model->params[1] + model->params[0] * x;
	latent->nu_rate = rate;
	return true;
}

/* The Gamma-Gamma spend model */
const ClvModelOps ClvGammagammaOps = {
	.spec = {CLV_GAMMAGAMMA, "gammagamma", "Gamma-Gamma", TUPLE_SHAPE_SPEND, 3, {"p", "q", "gamma", NULL}},
	.penalized = true,
	.timed = true,
	.sampled = true,
	.skip = {
		.skips = SpendSkips,
		.customers = "customers with repeat purchases whose mean spend is 0 or less",
		.detail = "The model describes positive spend per purchase; the count is kept in the model (skipped).",
		.hint = "crm.expected_spend and crm.clv still score those customers.",
	},
	.start = SpendStart,
	.prepare = SpendPrepare,
	.loglik = SpendLogLikelihood,
	.customer_loglik = SpendCustomerLoglik,
	.expected_spend = ExpectedSpend,
	.draw_latent = SpendDrawLatent,
};

/* Final function of crm.gammagamma_fit: the fitted Gamma-Gamma model */
PG_FUNCTION_INFO_V1(gammagamma_fit_final);
Datum
gammagamma_fit_final(PG_FUNCTION_ARGS)
{
	return ClvFitFinal(fcinfo, &ClvGammagammaOps);
}

/* crm.gammagamma(p, q, gamma): a Gamma-Gamma model from given parameters */
PG_FUNCTION_INFO_V1(gammagamma_make);
Datum
gammagamma_make(PG_FUNCTION_ARGS)
{
	return ClvModelMake(fcinfo, &ClvGammagammaOps);
}
