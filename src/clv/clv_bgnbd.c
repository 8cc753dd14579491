/*
 * clv_bgnbd.c
 *		The BG/NBD model (Fader, Hardie & Lee 2005, "Counting your customers
 *		the easy way") and the MBG/NBD model (Batislam, Denizel & Filiztekin
 *		2007): likelihood with analytic gradient and predictions, as the
 *		operations of their two kinds (clv_ops.h).
 *
 * Both models share one likelihood shape: for a customer (x, t_x, T)
 *
 *	 ll = C(x) + log(exp(D1(x) - (r + x) log(alpha + T))
 *					 + [second term] exp(D2(x) - (r + x) log(alpha + t_x)))
 *
 * with C(x) = lgamma(r + x) - lgamma(r) + r log(alpha) and D1, D2 log beta
 * ratios that differ between the models (BG/NBD has the second term only
 * for x > 0).  The sum is done in log space, so customers with hundreds
 * of purchases do not overflow; the fit works on the distinct (x, t_x, T)
 * tuples of its state, with the log(alpha + t) terms computed once per
 * distinct t_x and T and the lgamma/digamma terms once per distinct x.
 *
 * Predictions use Euler's transformation of the Gauss hypergeometric
 * function, 2F1(A, B; C; z) = (1 - z)^(C - A - B) 2F1(C - A, C - B; C; z),
 * which turns the conditional expectation's 2F1(r + x, b + x; a + b + x - 1;
 * z), whose terms grow with x, into a series with small numerator
 * parameters that converges fast and cannot overflow.
 */
#include "crm.h"
#include "clv_ops.h"
#include "clv_prepared.h"
#include "numerics.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"

/* The parameters of a purchase model, by name */
typedef struct PurchaseParams
{
	float8		r;				/* shape of the gamma mixing of purchase rates */
	float8		alpha;			/* scale of the same, in the time unit */
	float8		a;				/* beta mixing of dropout probabilities */
	float8		b;				/* beta mixing of dropout probabilities */
} PurchaseParams;

/* A fit's distinct (x, t_x, T) tuples, preprocessed for fast evaluation */
typedef struct PurchaseData
{
	ClvModelKind kind;			/* BG/NBD or MBG/NBD */
	int32		n_x;			/* distinct frequencies */
	float8	   *x;				/* the distinct frequencies, increasing */
	int32	   *group_start;	/* tuples of x[k] are group_start[k] ..
								 * group_start[k+1]-1 */
	int32		n_tuples;		/* distinct tuples */
	float8	   *weight;			/* customers with each tuple */
	int32	   *tx_index;		/* each tuple's t_x as an index into tx, or
								 * NULL: too many distinct t_x to cache */
	int32	   *age_index;		/* each tuple's T as an index into age, or
								 * NULL */
	float8	   *tx_value;		/* each tuple's t_x (when tx_index is NULL) */
	float8	   *age_value;		/* each tuple's T (when age_index is NULL) */
	int32		n_tx;			/* distinct recencies (if indexed) */
	float8	   *tx;				/* the distinct recencies */
	int32		n_age;			/* distinct ages (if indexed) */
	float8	   *age;			/* the distinct ages */
	float8	   *log_tx;			/* scratch: log(alpha + t_x) per distinct t_x */
	float8	   *inv_tx;			/* scratch: 1 / (alpha + t_x) */
	float8	   *log_age;		/* scratch: log(alpha + T) per distinct T */
	float8	   *inv_age;		/* scratch: 1 / (alpha + T) */
	bool		exact;			/* gamma/beta ratios exact at extreme
								 * parameters (one customer's log-likelihood;
								 * the fit keeps its lgamma differences) */
} PurchaseData;

/* The terms of the likelihood that depend on x only, with their derivatives */
typedef struct FrequencyTerms
{
	float8		c;				/* lgamma(r+x) - lgamma(r) + r log(alpha) */
	float8		c_r;			/* dc/dr */
	float8		d1;				/* log beta ratio of the "alive at T" term */
	float8		d1_a;			/* d(d1)/da */
	float8		d1_b;			/* d(d1)/db */
	bool		has_d2;			/* whether the "dropped out after t_x" term
								 * exists */
	float8		d2;				/* its log beta ratio */
	float8		d2_a;			/* d(d2)/da */
	float8		d2_b;			/* d(d2)/db */
} FrequencyTerms;

/* Parameters of a model value, by name */
static PurchaseParams
ParamsOf(const ClvModel *model)
{
	PurchaseParams p = {model->params[0], model->params[1], model->params[2], model->params[3]};

	return p;
}

/* The x-only terms of a customer with frequency x under kind, at p */
static FrequencyTerms
TermsOfFrequency(ClvModelKind kind, const PurchaseParams *p, float8 x, bool with_derivatives,
				 bool exact)
{
	FrequencyTerms t;
	float8		lg_ab = exact ? 0 : lgamma(p->a + p->b);
	float8		psi_ab = with_derivatives ? Digamma(p->a + p->b) : 0;

	memset(&t, 0, sizeof(t));
	/* exact: gamma and beta ratios that keep their digits at 1e20 (the fit keeps lgamma) */
	t.c = (exact ? LogGammaRatio(p->r, x) : lgamma(p->r + x) - lgamma(p->r)) + p->r * log(p->alpha);
	if (with_derivatives)
		t.c_r = (x > 0 ? Digamma(p->r + x) - Digamma(p->r) : 0) + log(p->alpha);
	if (kind == CLV_BGNBD)
	{
		/* D1 = log B(a, b+x)/B(a, b); D2 = log B(a+1, b+x-1)/B(a, b), x > 0 */
		if (x == 0)
			return t;
		t.has_d2 = true;
		if (exact)
		{
			t.d1 = LogBetaRatio(p->a, p->b, 0, x);
			/* b + (x - 1): with b below the rounding of 1, b + x - 1 is 0 */
			t.d2 = LogBetaRatio(p->a, p->b, 1, x - 1);
		}
		else
		{
			t.d1 = lgamma(p->b + x) + lg_ab - lgamma(p->b) - lgamma(p->a + p->b + x);
			t.d2 = log(p->a) + lgamma(p->b + x - 1) - lgamma(p->b) + lg_ab -
				lgamma(p->a + p->b + x);
		}
		if (with_derivatives)
		{
			float8		psi_abx = Digamma(p->a + p->b + x);
			float8		psi_b = Digamma(p->b);

			t.d1_a = psi_ab - psi_abx;
			t.d1_b = Digamma(p->b + x) + psi_ab - psi_b - psi_abx;
			t.d2_a = 1 / p->a + psi_ab - psi_abx;
			t.d2_b = Digamma(p->b + x - 1) - psi_b + psi_ab - psi_abx;
		}
	}
	else
	{
		/* D1 = log B(a, b+x+1)/B(a, b); D2 = log B(a+1, b+x)/B(a, b), all x */
		t.has_d2 = true;
		t.d1 = exact ? LogBetaRatio(p->a, p->b, 0, x + 1) :
			lg_ab + lgamma(p->b + x + 1) - lgamma(p->b) - lgamma(p->a + p->b + x + 1);
		t.d2 = t.d1 + log(p->a) - log(p->b + x);
		if (with_derivatives)
		{
			float8		psi_abx1 = Digamma(p->a + p->b + x + 1);

			t.d1_a = psi_ab - psi_abx1;
			t.d1_b = psi_ab + Digamma(p->b + x + 1) - Digamma(p->b) - psi_abx1;
			t.d2_a = t.d1_a + 1 / p->a;
			t.d2_b = t.d1_b - 1 / (p->b + x);
		}
	}
	return t;
}

/* Total log-likelihood of the data at params and, optionally, its gradient */
static float8
PurchaseLogLikelihood(const float8 *params, void *context, float8 *gradient)
{
	PurchaseData *data = (PurchaseData *) context;
	PurchaseParams p = {params[0], params[1], params[2], params[3]};
	bool		with_gradient = gradient != NULL;
	float8		total = 0;
	float8		g_r = 0,
				g_alpha = 0,
				g_a = 0,
				g_b = 0;

	for (int32 i = 0; i < data->n_tx; i++)
	{
		data->log_tx[i] = log(p.alpha + data->tx[i]);
		data->inv_tx[i] = 1 / (p.alpha + data->tx[i]);
	}
	for (int32 i = 0; i < data->n_age; i++)
	{
		data->log_age[i] = log(p.alpha + data->age[i]);
		data->inv_age[i] = 1 / (p.alpha + data->age[i]);
	}
	for (int32 k = 0; k < data->n_x; k++)
	{
		float8		x = data->x[k];
		float8		rx = p.r + x;
		FrequencyTerms t = TermsOfFrequency(data->kind, &p, x, with_gradient, data->exact);
		float8		sum_w = 0;	/* customers in the group */
		float8		sum_ll = 0; /* their log of the bracket */
		float8		sum_w1 = 0; /* weight of the first term */
		float8		sum_w2 = 0; /* weight of the second term */
		float8		sum_log = 0;	/* weighted log(alpha + .) */
		float8		sum_inv = 0;	/* weighted 1 / (alpha + .) */

		CHECK_FOR_INTERRUPTS();
		for (int32 j = data->group_start[k]; j < data->group_start[k + 1]; j++)
		{
			float8		w = data->weight[j];
			float8		log_age;
			float8		inv_age;
			float8		t1;

			if (data->age_index != NULL)
			{
				log_age = data->log_age[data->age_index[j]];
				inv_age = data->inv_age[data->age_index[j]];
			}
			else
			{
				float8		s = p.alpha + data->age_value[j];

				log_age = log(s);
				inv_age = 1 / s;
			}
			t1 = t.d1 - rx * log_age;

			sum_w += w;
			if (!t.has_d2)
			{
				sum_ll += w * t1;
				if (with_gradient)
				{
					sum_w1 += w;
					sum_log += w * log_age;
					sum_inv += w * inv_age;
				}
			}
			else
			{
				float8		log_tx;
				float8		inv_tx;
				float8		t2;
				float8		hi;
				float8		e;
				float8		share1;

				if (data->tx_index != NULL)
				{
					log_tx = data->log_tx[data->tx_index[j]];
					inv_tx = data->inv_tx[data->tx_index[j]];
				}
				else
				{
					float8		s = p.alpha + data->tx_value[j];

					log_tx = log(s);
					inv_tx = 1 / s;
				}
				t2 = t.d2 - rx * log_tx;
				hi = Max(t1, t2);
				e = exp(-fabs(t1 - t2));

				sum_ll += w * (hi + log1p(e));
				if (with_gradient)
				{
					/* the shares of the two terms in their sum */
					share1 = t1 >= t2 ? 1 / (1 + e) : e / (1 + e);
					sum_w1 += w * share1;
					sum_w2 += w * (1 - share1);
					sum_log += w * (share1 * log_age + (1 - share1) * log_tx);
					sum_inv += w * (share1 * inv_age + (1 - share1) * inv_tx);
				}
			}
		}
		total += sum_w * t.c + sum_ll;
		if (with_gradient)
		{
			g_r += sum_w * t.c_r - sum_log;
			g_alpha += sum_w * p.r / p.alpha - rx * sum_inv;
			g_a += sum_w1 * t.d1_a + sum_w2 * t.d2_a;
			g_b += sum_w1 * t.d1_b + sum_w2 * t.d2_b;
		}
	}
	if (with_gradient)
	{
		gradient[0] = g_r;
		gradient[1] = g_alpha;
		gradient[2] = g_a;
		gradient[3] = g_b;
	}
	return total;
}

/* Distinct t_x (or T) values always worth a log cache (512 kB of scratch) */
#define PURCHASE_CACHE_MIN 16384

/* The preprocessed data of a fit state (tuples sorted by x, t_x, T) */
static PurchaseData *
PurchaseDataOf(ClvModelKind kind, const WeightedTuple *tuples, int32 n_tuples)
{
	PurchaseData *data = (PurchaseData *) palloc0(sizeof(PurchaseData));

	/*
	 * log(alpha + t) per distinct t pays when values repeat (whole periods);
	 * with (nearly) all values distinct, the cache is as large as the tuples
	 * and read in random order, slower than computing the log per tuple
	 */
	int32		cache_limit = Max(PURCHASE_CACHE_MIN, n_tuples / 8);

	data->kind = kind;
	data->n_tuples = n_tuples;
	data->weight = (float8 *) palloc(sizeof(float8) * n_tuples);
	data->tx_index = (int32 *) palloc(sizeof(int32) * n_tuples);
	data->age_index = (int32 *) palloc(sizeof(int32) * n_tuples);
	data->x = (float8 *) palloc(sizeof(float8) * n_tuples);
	data->group_start = (int32 *) palloc(sizeof(int32) * (n_tuples + 1));
	data->tx = TupleColumnIndex(tuples, n_tuples, 1, cache_limit, &data->n_tx,
								data->tx_index);
	data->age = TupleColumnIndex(tuples, n_tuples, 2, cache_limit, &data->n_age,
								 data->age_index);
	if (data->tx == NULL)
	{
		pfree(data->tx_index);
		data->tx_index = NULL;
		data->tx_value = (float8 *) palloc(sizeof(float8) * n_tuples);
	}
	if (data->age == NULL)
	{
		pfree(data->age_index);
		data->age_index = NULL;
		data->age_value = (float8 *) palloc(sizeof(float8) * n_tuples);
	}
	for (int32 j = 0; j < n_tuples; j++)
	{
		if (data->tx_value != NULL)
			data->tx_value[j] = tuples[j].v[1];
		if (data->age_value != NULL)
			data->age_value[j] = tuples[j].v[2];
		if (j == 0 || tuples[j].v[0] != tuples[j - 1].v[0])
		{
			data->x[data->n_x] = tuples[j].v[0];
			data->group_start[data->n_x++] = j;
		}
		data->weight[j] = (float8) tuples[j].count;
	}
	data->group_start[data->n_x] = n_tuples;
	data->log_tx = (float8 *) palloc(sizeof(float8) * Max(data->n_tx, 1));
	data->inv_tx = (float8 *) palloc(sizeof(float8) * Max(data->n_tx, 1));
	data->log_age = (float8 *) palloc(sizeof(float8) * Max(data->n_age, 1));
	data->inv_age = (float8 *) palloc(sizeof(float8) * Max(data->n_age, 1));
	return data;
}

/* The preprocessed data of a BG/NBD fit */
static void *
BgnbdPrepare(const WeightedTuple *tuples, int32 n_tuples)
{
	return PurchaseDataOf(CLV_BGNBD, tuples, n_tuples);
}

/* The preprocessed data of an MBG/NBD fit */
static void *
MbgnbdPrepare(const WeightedTuple *tuples, int32 n_tuples)
{
	return PurchaseDataOf(CLV_MBGNBD, tuples, n_tuples);
}

/* r = a = b = 1 and alpha = the mean age: the same start in any time unit */
static void
PurchaseStart(const WeightedTuple *tuples, int32 n_tuples, float8 *start)
{
	start[0] = 1;
	start[1] = Max(ClvColumnMean(tuples, n_tuples, 2), 1e-6);
	start[2] = 1;
	start[3] = 1;
}

/* ---------------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------------
 */

/* Below this |a - 1| the expectation uses its limit at a = 1 */
#define A_NEAR_ONE 1e-8

/*
 * log of the odds that a customer dropped out right after the last purchase
 * rather than being alive at T (-inf when the model rules it out)
 */
static float8
LogDropoutOdds(ClvModelKind kind, const PurchaseParams *p, float8 x, float8 t_x, float8 T)
{
	float8		log_ratio = (p->r + x) * log1p((T - t_x) / (p->alpha + t_x));

	if (kind == CLV_BGNBD)
	{
		if (x == 0)
			return -INFINITY;
		return log(p->a) - log(p->b + (x - 1)) + log_ratio;
	}
	return log(p->a) - log(p->b + x) + log_ratio;
}

/* P(alive at T | x, t_x, T) */
static float8
ProbabilityAlive(ClvModelKind kind, const PurchaseParams *p, float8 x, float8 t_x, float8 T)
{
	float8		log_odds = LogDropoutOdds(kind, p, x, t_x, T);

	/* 1 / (1 + exp(log_odds)) without overflow */
	if (log_odds > 0)
		return exp(-log_odds) / (1 + exp(-log_odds));
	return 1 / (1 + exp(log_odds));
}

/* Raise 22023 when a prediction's hypergeometric series does not converge */
static void
SeriesFailed(float8 t)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot evaluate the expectation for horizon %g", t),
			 errdetail("The hypergeometric series does not converge in double precision."),
			 errhint("Use a horizon of a reasonable number of time units.")));
}

/*
 * Expected purchases in (T, T + t] of a customer with x repeat purchases and
 * age T who is alive at T (multiply by P(alive) for the expectation); with
 * x = T = 0 this is the unconditional E[X(t)] of a new customer
 */
static float8
ExpectedPurchasesIfAlive(ClvModelKind kind, const PurchaseParams *p, float8 t,
						 float8 x, float8 T)
{
	/* 2F1(A, B; C; z) with A = r + x and B = C - (a - 1) */
	float8		c = kind == CLV_BGNBD ? p->a + p->b + (x - 1) : p->a + p->b + x;
	float8		c1 = kind == CLV_BGNBD ? p->a + p->b + x : p->a + p->b + (x + 1); /* C + 1 */
	float8		w = t / (p->alpha + T);
	float8		z = w / (1 + w);
	float8		log_1mz = -log1p(w);	/* log(1 - z), exact when z rounds to 1 */
	float8		a1 = p->a - 1;
	float8		scaled;			/* bracket / (a - 1) */
	float8		series;

	if (t == 0)
		return 0;
	if (isinf(w))
		CheckResultFinite(w, "horizon / (alpha + T) of the expectation");

	/*
	 * Pfaff's form, for w < 1: sum_n>=1 (A)_n (a)_(n-1) / ((C + 1)_(n-1) n!)
	 * (-1)^(n+1) w^n, of which the first term, A w, is the Poisson rate
	 * times t.  It alternates; used when its largest term is within 1e6 of
	 * the sum (at most 6 of the 16 digits lost), which covers the short
	 * horizons and the large C (b) where the Euler form below cancels to
	 * nothing.
	 */
	if (w < 1)
	{
		float8		term = (p->r + x) * w;
		float8		sum = 0;
		float8		largest = 0;

		for (int n = 1; n < 100000; n++)
		{
			sum += term;
			largest = Max(largest, fabs(term));
			if (!isfinite(sum) || largest > 1e6 * fabs(sum))
				break;
			/* C + n as (C + 1) + (n - 1): C itself can round to -1 */
			term *= -(p->r + x + n) * (p->a + (n - 1)) / ((c1 + (n - 1)) * (n + 1)) * w;
			if (fabs(term) <= 1e-17 * fabs(sum))
				return sum;
		}
	}
	if (fabs(a1) >= A_NEAR_ONE)
	{
		float8		alive_part;
		float8		series_part;

		/* (1-z)^A 2F1(A, B; C; z) = (1-z)^(a-1) 2F1(C - A, a - 1; C; z) */
		if (!Hyp2F1Series(c - p->r - x, a1, c, z, &series))
			SeriesFailed(t);
		alive_part = -expm1(a1 * log_1mz);
		series_part = exp(a1 * log_1mz) * (series - 1);

		/*
		 * The bracket is their difference: when it cancels to below 1e-9 of
		 * the parts, the digits left are rounding, not the expectation
		 */
		if (!isfinite(alive_part) || !isfinite(series_part) ||
			fabs(alive_part - series_part) <=
			1e-9 * (fabs(alive_part) + exp(a1 * log_1mz) * Max(fabs(series), 1)))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("expected purchases cannot be computed in double precision for horizon %g", t),
					 errdetail("The hypergeometric form cancels at a = %g, b = %g, x = %g.", p->a, p->b, x)));
		scaled = (alive_part - series_part) / a1;
	}
	else
	{
		/*
		 * a = 1: (1 - (1-z)^e F)/e -> -log(1-z) - sum_n (C-A)_n/(C)_n z^n/n,
		 * the series' derivative in e at 0
		 */
		float8		term = 1;
		float8		sum = 0;

		for (int n = 1; n < 1000000; n++)
		{
			term *= (c - p->r - x + n - 1) / (c + n - 1) * z;
			sum += term / n;
			if (fabs(term / n) <= 1e-17 * fabs(sum))
				break;
		}
		scaled = -log_1mz - sum;
	}
	CheckResultFinite(c * scaled, "expected purchases");
	return c * scaled;
}

/* Expected purchases in (T, T + t] of a customer (x, t_x, T) */
static float8
ExpectedPurchases(ClvModelKind kind, const PurchaseParams *p, float8 t,
				  float8 x, float8 t_x, float8 T)
{
	return ExpectedPurchasesIfAlive(kind, p, t, x, T) * ProbabilityAlive(kind, p, x, t_x, T);
}

/*
 * P(X(t) = n) for a new customer: the count distribution over (0, t].  In
 * log space: NBD(n) = Gamma(r + n) / (Gamma(r) n!) p^r q^n with p = alpha /
 * (alpha + t), q = 1 - p, and the beta terms as ratios (LogBetaRatio), so
 * that parameters at 1e-20 or 1e20 keep their digits; the NBD tail P(N >=
 * n) is the regularized incomplete beta I_q(n, r), which costs the same at
 * n = 2^31 as at n = 1.
 */
static float8
PurchaseProbability(ClvModelKind kind, const PurchaseParams *p, float8 n, float8 t)
{
	float8		w = t / p->alpha;
	float8		log_p = -log1p(w);	/* log(alpha / (alpha + t)) */
	float8		log_q = log(w) - log1p(w);	/* log(t / (alpha + t)) */
	float8		q = w / (1 + w);
	float8		first;
	float8		second;
	float8		tail;			/* P(N >= n) for the NBD count N */
	float8		log_nbd;

	if (t == 0)
		return n == 0 ? 1 : 0;
	/* alive throughout (0, t]: the NBD probability of n (0 once t / alpha overflows) */
	if (isinf(w))
		log_nbd = -INFINITY;
	else
		log_nbd = LogGammaRatio(p->r, n) - lgamma(n + 1) + p->r * log_p + (n > 0 ? n * log_q : 0);
	first = exp((kind == CLV_BGNBD ? LogBetaRatio(p->a, p->b, 0, n) :
				 LogBetaRatio(p->a, p->b, 0, n + 1)) + log_nbd);
	if (kind == CLV_BGNBD && n == 0)
		return ClampProbability(first, "purchase probability");

	/* dropped out after the n-th purchase: P(N >= n) times the beta term */
	if (n == 0 || isinf(w))
		tail = 1;
	else if (!RegularizedBeta(n, p->r, q, 1 / (1 + w), &tail))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("purchase probability cannot be computed for n = %g and horizon %g", n, t),
				 errdetail("The incomplete beta function I(%g, %g) does not converge in double precision.",
						   n, p->r)));
	second = exp(kind == CLV_BGNBD ? LogBetaRatio(p->a, p->b, 1, n - 1) :
				 LogBetaRatio(p->a, p->b, 1, n)) * tail;
	return ClampProbability(first + second, "purchase probability");
}

/* Terms of the prediction series kept for the discounted sum of crm.clv */
#define MAX_SERIES_TERMS 8192

/* Below this size a series term no longer changes an O(1) sum */
#define NEGLIGIBLE_TERM 1e-17

/*
 * Coefficients of the expectation of a customer as a power series in the
 * horizon's z = t / (alpha + T + t) or w = t / (alpha + T), t-independent so
 * that one customer's expectations at many horizons cost one multiply-add
 * per term each
 */
typedef struct ExpectationSeries
{
	bool		in_w;			/* the series is in w (else in z) */
	int			n_terms;		/* coefficients[0 .. n_terms - 1] */
	float8		coefficients[MAX_SERIES_TERMS]; /* of z^n or (-1)^(n+1) w^n */
} ExpectationSeries;

/*
 * Fill the coefficients of one form until their terms are negligible at the
 * largest argument; false if that takes more than max_terms.  In z
 * (Euler): c_n of 2F1(C - A, a - 1; C; z).  In w (Pfaff): e_n, n >= 1, with
 * 1 - 2F1(A, a - 1; C; -w) = (a - 1) sum e_n (-1)^(n+1) w^n, which has no
 * division by a - 1 and converges fast when C is large against A = r + x.
 */
static bool
SeriesCoefficients(ExpectationSeries *series, bool in_w, float8 numerator,
				   float8 c, float8 a, float8 largest, int max_terms)
{
	float8		term = in_w ? numerator / c : 1;
	float8		power = in_w ? largest : 1;
	float8		largest_term = fabs(term * power);

	series->in_w = in_w;
	series->n_terms = 0;
	series->coefficients[series->n_terms++] = in_w ? 0 : 1;
	if (in_w)
		series->coefficients[series->n_terms++] = term;
	while (true)
	{
		int			n = series->n_terms - 1;

		/* c_{n+1} / c_n = (C - A + n)(a - 1 + n) / ((C + n)(n + 1)); e_{n+1} / e_n the same with A for C - A */
		term *= (numerator + n) * (a - 1 + n) / ((c + n) * (n + 1));
		power *= largest;
		largest_term = Max(largest_term, fabs(term * power));
		if (term == 0 || fabs(term * power) <= NEGLIGIBLE_TERM * Min(largest_term, 1))
			return true;
		if (series->n_terms >= max_terms)
			return false;
		series->coefficients[series->n_terms++] = term;
	}
}

/* Sum of coefficients[n] (z^n, or (-1)^(n+1) w^n) for n >= 1, stopping at negligible terms */
static float8
SeriesSum(const ExpectationSeries *series, float8 argument)
{
	float8		power = series->in_w ? -1 : 1;
	float8		step = series->in_w ? -argument : argument;
	float8		sum = 0;

	for (int n = 1; n < series->n_terms; n++)
	{
		float8		term;

		power *= step;
		term = series->coefficients[n] * power;
		sum += term;
		if (fabs(term) <= NEGLIGIBLE_TERM * fabs(sum))
			break;
	}
	return sum;
}

/* Context of the BG/NBD's cumulative expectation of an alive customer */
typedef struct PurchaseAliveExpectation
{
	ClvModelKind kind;			/* BG/NBD or MBG/NBD */
	PurchaseParams p;			/* the parameters */
	float8		x;				/* the customer's purchases */
	float8		T;				/* and age */
	const ExpectationSeries *series;	/* series_w, series_z or NULL (closed
										 * form) */
	bool		is_w;			/* series is the w form */
	float8		a1;				/* a - 1 */
	float8		scale;			/* alpha + T */
	float8		alive;			/* the factor of the series */
} PurchaseAliveExpectation;

/* Expected purchases in (T, T + t] of a customer alive at T (ClvDiscountedSum's callback) */
static float8
PurchaseAliveExpected(void *context, float8 t)
{
	PurchaseAliveExpectation *e = (PurchaseAliveExpectation *) context;

	if (e->series != NULL && e->is_w)
		return e->alive * SeriesSum(e->series, t / e->scale);
	if (e->series != NULL)
	{
		float8		z = t / (e->scale + t);
		/* (1 - z)^(a - 1) - 1, with log(1 - z) exact when z rounds to 1 */
		float8		power_minus_1 = expm1(-e->a1 * log1p(t / e->scale));

		return e->alive / e->a1 * (-power_minus_1 - (1 + power_minus_1) * SeriesSum(e->series, z));
	}
	return ExpectedPurchasesIfAlive(e->kind, &e->p, t, e->x, e->T);
}

/*
 * Sum over k = 1..ceil(horizon) of the expected purchases in period k,
 * (t_{k-1}, t_k] with t_k = min(k, horizon), discounted by (1 + d)^t_k, of
 * a customer with x purchases and age T who is alive at T (the
 * discounted_series operation).  The coefficients are computed once per
 * customer, in whichever of the two forms needs fewer terms at the horizon
 * (w only converges for t < alpha + T).
 */
static float8
DiscountedPurchasesIfAlive(const ClvModel *model, float8 x, float8 T,
						   float8 horizon, float8 discount_rate)
{
	static ExpectationSeries series_z;
	static ExpectationSeries series_w;
	PurchaseAliveExpectation e;
	float8		c;
	bool		have_w;
	bool		have_z;

	e.kind = model->kind;
	e.p = ParamsOf(model);
	e.x = x;
	e.T = T;
	c = model->kind == CLV_BGNBD ? e.p.a + e.p.b + x - 1 : e.p.a + e.p.b + x;
	e.a1 = e.p.a - 1;
	e.scale = e.p.alpha + T;
	e.alive = c;				/* P(alive) = 1 */
	/* the w form if it converges, the z form only if it needs fewer terms */
	have_w = horizon < e.scale &&
		SeriesCoefficients(&series_w, true, e.p.r + x, c, e.p.a, horizon / e.scale, MAX_SERIES_TERMS);
	have_z = fabs(e.a1) >= A_NEAR_ONE &&
		SeriesCoefficients(&series_z, false, c - e.p.r - x, c, e.p.a, horizon / (e.scale + horizon),
						   have_w ? series_w.n_terms : MAX_SERIES_TERMS);
	e.series = have_z ? &series_z : have_w ? &series_w : NULL;
	e.is_w = !have_z && have_w;
	return ClvDiscountedSum(PurchaseAliveExpected, &e, horizon, discount_rate);
}

/* P(alive at T) of a customer (x, t_x, T) (the p_alive operation) */
static float8
PurchasePAlive(const ClvModel *model, const float8 *customer)
{
	PurchaseParams p = ParamsOf(model);

	return ProbabilityAlive(model->kind, &p, customer[0], customer[1], customer[2]);
}

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T), or E[X(t)] of
 * a new customer (the expected operation)
 */
static float8
PurchaseExpected(const ClvModel *model, float8 t, const float8 *customer)
{
	PurchaseParams p = ParamsOf(model);

	if (customer == NULL)
		return ExpectedPurchases(model->kind, &p, t, 0, 0, 0);
	return ExpectedPurchases(model->kind, &p, t, customer[0], customer[1], customer[2]);
}

/* P(X(t) = n) for a new customer (the pmf operation) */
static float8
PurchasePmf(const ClvModel *model, float8 n, float8 t)
{
	PurchaseParams p = ParamsOf(model);

	return PurchaseProbability(model->kind, &p, n, t);
}

/*
 * P(X(T, T + t) = n | x, t_x, T) of a customer (the conditional_pmf
 * operation): dropped out by T (n = 0), or alive at T, when the posterior
 * of the purchase rate is Gamma(r + x, alpha + T) and that of the dropout
 * probability Beta(a, b + x) (MBG/NBD: b + x + 1, the drop at the first
 * purchase survived too) and the purchases after T are those of a new
 * BG/NBD customer with these parameters (a dropout only after a purchase)
 */
static float8
PurchaseConditionalPmf(const ClvModel *model, float8 n, float8 t, const float8 *customer)
{
	PurchaseParams p = ParamsOf(model);
	float8		x = customer[0];
	float8		alive = ProbabilityAlive(model->kind, &p, x, customer[1], customer[2]);
	PurchaseParams posterior = {p.r + x, p.alpha + customer[2], p.a,
	p.b + x + (model->kind == CLV_MBGNBD ? 1 : 0)};
	float8		value = alive * PurchaseProbability(CLV_BGNBD, &posterior, n, t);

	if (n == 0)
		value += 1 - alive;
	return ClampProbability(value, "purchase probability");
}

/* One customer's log-likelihood (the customer_loglik operation) */
static float8
PurchaseCustomerLoglik(const ClvModel *model, const float8 *customer)
{
	WeightedTuple tuple;
	PurchaseData *data;

	tuple.v[0] = customer[0];
	tuple.v[1] = customer[1];
	tuple.v[2] = customer[2];
	tuple.count = 1;
	data = PurchaseDataOf(model->kind, &tuple, 1);
	data->exact = true;
	return PurchaseLogLikelihood(model->params, data, NULL);
}

/*
 * One BG/NBD customer's log-likelihood at params (the customer's own alpha,
 * a and b, in a fit with covariates) and its gradient in (r, alpha, a, b):
 * the terms of PurchaseLogLikelihood for one customer of weight 1
 */
static float8
BgnbdCustomerGradient(const float8 *params, const float8 *customer,
					  void *scratch pg_attribute_unused(), float8 *gradient)
{
	PurchaseParams p = {params[0], params[1], params[2], params[3]};
	float8		x = customer[0];
	float8		rx = p.r + x;
	FrequencyTerms t = TermsOfFrequency(CLV_BGNBD, &p, x, true, false);
	float8		log_age = log(p.alpha + customer[2]);
	float8		inv_age = 1 / (p.alpha + customer[2]);
	float8		t1 = t.d1 - rx * log_age;
	float8		ll = t1;
	float8		share1 = 1;		/* the share of the first term in the sum */
	float8		log_mix = log_age;	/* the shares' mix of log(alpha + .) */
	float8		inv_mix = inv_age;	/* ... and of 1 / (alpha + .) */

	if (t.has_d2)
	{
		float8		log_tx = log(p.alpha + customer[1]);
		float8		inv_tx = 1 / (p.alpha + customer[1]);
		float8		t2 = t.d2 - rx * log_tx;
		float8		e = exp(-fabs(t1 - t2));

		ll = Max(t1, t2) + log1p(e);
		share1 = t1 >= t2 ? 1 / (1 + e) : e / (1 + e);
		log_mix = share1 * log_age + (1 - share1) * log_tx;
		inv_mix = share1 * inv_age + (1 - share1) * inv_tx;
	}
	gradient[0] = t.c_r - log_mix;
	gradient[1] = p.r / p.alpha - rx * inv_mix;
	gradient[2] = share1 * t.d1_a + (1 - share1) * t.d2_a;
	gradient[3] = share1 * t.d1_b + (1 - share1) * t.d2_b;
	return t.c + ll;
}

/*
 * The table of BG/NBD and MBG/NBD: the same operations (those that differ
 * ask model->kind), apart from the data each prepares; BG/NBD takes
 * covariates (CLVTools' parameterization: alpha by the transaction
 * covariates, a and b both by the same lifetime coefficients)
 */
#define PURCHASE_MODEL_OPS(kind, type_name, title, prepare_data, gradient_op) \
{ \
	.spec = {kind, type_name, title, TUPLE_SHAPE_PURCHASES, 4, {"r", "alpha", "a", "b"}}, \
	.penalized = true, \
	.timed = true, \
	.sampled = true, \
	.check_data = ClvCheckAnyRepeat, \
	.start = PurchaseStart, \
	.prepare = prepare_data, \
	.loglik = PurchaseLogLikelihood, \
	.customer_loglik = PurchaseCustomerLoglik, \
	.p_alive = PurchasePAlive, \
	.expected = PurchaseExpected, \
	.pmf = PurchasePmf, \
	.conditional_pmf = PurchaseConditionalPmf, \
	.discounted_series = DiscountedPurchasesIfAlive, \
	.score_prepare = PurchaseScorePrepare, \
	.p_alive_prepared = PurchasePAlivePrepared, \
	.expected_prepared = PurchaseExpectedPrepared, \
	.covariate_effect = {CLV_COVARIATE_NONE, CLV_COVARIATE_TRANS_DOWN, CLV_COVARIATE_LIFE_UP, \
	CLV_COVARIATE_LIFE_UP}, \
	.customer_gradient = gradient_op, \
	.draw_latent = PurchaseDrawLatent, \
}

/*
 * A customer's state after T (the draw_latent operation): alive with
 * P(alive) = 1 / (1 + odds) (odds of having dropped out, as in
 * LogDropoutOdds), and then, given alive, lambda ~ Gamma(r + x, alpha + T)
 * and p ~ Beta(a, b + x) (the customer survived x chances to drop out; the
 * MBG/NBD's x + 1, one at time 0).  The odds' logarithm is taken of the ratio
 * (alpha + T) / (alpha + t_x) rather than by log1p: its absolute error, all
 * a draw against a uniform can notice, stays at a few ulps either way.
 */
static bool
PurchaseDrawLatent(const ClvModel *model, const float8 *customer, CrmRandom *rng,
				   ClvLatent *latent)
{
	const float8 *params = model->params;
	float8		x = customer[0];
	float8		survived = params[3] + x + (model->kind == CLV_MBGNBD ? 1 : 0);
	float8		odds;

	memset(latent, 0, sizeof(*latent));
	if (model->kind == CLV_BGNBD && x == 0)
		odds = 0;
	else
		odds = params[2] / (survived - 1) *
			exp((params[0] + x) * log((params[1] + customer[2]) / (params[1] + customer[1])));
	if (!(odds >= 0))
		return false;
	/* alive when U < 1 / (1 + odds); an infinite odds is never alive */
	latent->alive = CrmRandomUniform(rng) * (1 + odds) < 1;
	latent->rate_shape = params[0] + x;
	latent->rate_rate = params[1] + customer[2];
	latent->drop_a = params[2];
	latent->drop_b = survived;
	return true;
}

/* The BG/NBD model */
const ClvModelOps ClvBgnbdOps = PURCHASE_MODEL_OPS(CLV_BGNBD, "bgnbd", "BG/NBD", BgnbdPrepare,
											   BgnbdCustomerGradient);

/* The MBG/NBD model */
const ClvModelOps ClvMbgnbdOps = PURCHASE_MODEL_OPS(CLV_MBGNBD, "mbgnbd", "MBG/NBD", MbgnbdPrepare, NULL);

/* Final function of crm.bgnbd_fit: the fitted BG/NBD model */
PG_FUNCTION_INFO_V1(bgnbd_fit_final);
Datum
bgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return ClvFitFinal(fcinfo, &ClvBgnbdOps);
}

/* Final function of crm.mbgnbd_fit: the fitted MBG/NBD model */
PG_FUNCTION_INFO_V1(mbgnbd_fit_final);
Datum
mbgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return ClvFitFinal(fcinfo, &ClvMbgnbdOps);
}

/* crm.bgnbd(r, alpha, a, b): a BG/NBD model from given parameters */
PG_FUNCTION_INFO_V1(bgnbd_make);
Datum
bgnbd_make(PG_FUNCTION_ARGS)
{
	return ClvModelMake(fcinfo, &ClvBgnbdOps);
}

/* crm.mbgnbd(r, alpha, a, b): an MBG/NBD model from given parameters */
PG_FUNCTION_INFO_V1(mbgnbd_make);
Datum
mbgnbd_make(PG_FUNCTION_ARGS)
{
	return ClvModelMake(fcinfo, &ClvMbgnbdOps);
}
