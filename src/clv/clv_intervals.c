/*
 * clv_intervals.c
 *		Prediction intervals for a customer's purchases in a holdout window,
 *		its DERT and its CLV, and for the totals over customers: parameter
 *		uncertainty (draws of the log-parameters from the asymptotic normal
 *		of the maximum-likelihood estimate, with the covariance that
 *		crm.parameter_covariance recomputes from the fitted customers)
 *		combined with process uncertainty (one simulated future of the
 *		customer per parameter draw: alive at T with P(alive), its purchase
 *		rate and dropout from their posterior given its summary, its
 *		purchases and spends after T).
 *
 *		Reproducible: the parameter draws depend on the seed only (the same
 *		for every customer and call), and a customer's simulated futures on
 *		the seed and its own values (or, for the totals, its key), never on
 *		the order of rows or the plan.
 */
#include "crm.h"
#include "clv_ops.h"
#include "prng.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

/* Bounds on the number of parameter draws */
#define INTERVAL_MIN_DRAWS 10
#define INTERVAL_MAX_DRAWS 100000
/* DERT's future is simulated until the discount factor falls below this */
#define DERT_NEGLIGIBLE 1e-12
/* Largest |log-parameter| a draw may reach (as the fit's bound) */
#define DRAW_LOG_LIMIT 30.0
/* Header of the totals' state (float8[]): level, fingerprint (2), customers, unscored */
#define TOTAL_HEADER 5
/* Purposes mixed into the seeds, so the streams differ */
#define STREAM_PURCHASE_DRAWS UINT64CONST(0x5052434841534531)
#define STREAM_SPEND_DRAWS UINT64CONST(0x5350454e44524157)
#define STREAM_CUSTOMER UINT64CONST(0x435553544f4d4552)
#define STREAM_KEY UINT64CONST(0x4b45594b45594b45)

/* What an interval is for */
typedef enum IntervalTarget
{
	TARGET_PURCHASES,			/* purchases in (T, T + horizon] */
	TARGET_DERT,				/* purchases after T, discounted continuously */
	TARGET_CLV					/* margin x spend in (T, T + horizon], discounted
								 * per period as crm.clv */
} IntervalTarget;

/* The arguments of one interval call (a customer, or a row of a total) */
typedef struct IntervalArgs
{
	IntervalTarget target;		/* what is predicted */
	ClvModel   *purchase;		/* the purchase model */
	ClvModel   *spend;			/* the spend model (CLV), else NULL */
	ArrayType  *purchase_cov;	/* covariance of its log-parameters */
	ArrayType  *spend_cov;		/* the spend model's (CLV), else NULL */
	float8		customer[4];	/* x, t_x, T, NaN */
	float8		spend_customer[4];	/* x, m (CLV) */
	float8		horizon;		/* purchases and CLV: the window's length */
	float8		rate;			/* DERT and CLV: discount rate per time unit */
	float8		log_discount;	/* log(1 + rate) */
	const float8 *discount;		/* CLV: (1 + rate)^-min(k, horizon) for k = 0
								 * .. ceil(horizon), or NULL (computed) */
	float8		margin;			/* CLV: the margin */
	float8		level;			/* the interval's probability */
	int32		draws;			/* parameter draws */
	int64		seed;			/* the seed */
} IntervalArgs;

/*
 * Slots of a call site's memo of customer intervals: customers with the
 * same summary and arguments get the same interval (their stream's seed is
 * made of those values), so in data counted in whole days or weeks, where
 * summaries repeat, most rows find theirs computed
 */
#define INTERVAL_MEMO_SLOTS 16384
/* The values an interval depends on besides the draws (see MemoKey) */
#define INTERVAL_MEMO_KEY 9

/* One remembered customer interval */
typedef struct IntervalMemo
{
	float8		key[INTERVAL_MEMO_KEY]; /* MemoKey's values */
	bool		used;			/* the slot holds an interval */
	bool		scored;			/* false: the customer could not be scored */
	float8		mean;			/* the interval */
	float8		lower;
	float8		upper;
} IntervalMemo;

/* The parameter draws of a call site, kept across its rows (fn_extra) */
typedef struct IntervalDraws
{
	char	   *key;			/* the models, covariances, draws and seed
								 * they were made for */
	Size		key_len;		/* its length */
	uint64		fingerprint;	/* a hash of key */
	const ClvModelOps *purchase_ops;	/* the purchase model's table */
	const ClvModelOps *spend_ops;	/* the spend model's, or NULL */
	int32		n_draws;		/* number of draws */
	ClvModel   *purchase;		/* n_draws purchase models */
	ClvModel   *spend;			/* n_draws spend models, or NULL */
	float8	   *values;			/* scratch: one simulated value per draw */
	CrmGammaShape *spend_gamma;	/* per draw: the constants of its spends'
								 * gamma draws (CLV), else NULL */
	float8		table_rate;		/* the discount table's rate */
	float8		table_horizon;	/* and horizon */
	float8	   *table;			/* CLV's discount factors (see IntervalArgs),
								 * or NULL */
	IntervalMemo *memo;			/* INTERVAL_MEMO_SLOTS customer intervals of
								 * these draws, or NULL until the first */
} IntervalDraws;

/* Longest horizon, in periods, whose discount factors are tabulated */
#define DISCOUNT_TABLE_MAX 100000

/* Raise 22023 unless a level is strictly between 0 and 1 */
static void
CheckLevel(float8 level)
{
	if (!(level > 0 && level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("interval level %g is not between 0 and 1", level),
				 errhint("Give the probability the interval should hold, e.g. 0.9 for 90 %%.")));
}

/* Raise 22023 unless the number of parameter draws is within bounds */
static void
CheckDraws(int32 draws)
{
	if (draws < INTERVAL_MIN_DRAWS || draws > INTERVAL_MAX_DRAWS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d parameter draws are out of range", draws),
				 errdetail("The number of draws must be between %d and %d.",
						   INTERVAL_MIN_DRAWS, INTERVAL_MAX_DRAWS)));
}

/*
 * The lower triangular factor L (L L' = cov) of the covariance argument of
 * a model with n estimated parameters: a 2-dimensional n x n float8 array
 * without NULLs (22004), finite (22000), symmetric and positive
 * semidefinite (22023); a zero variance leaves its column of L zero
 */
static void
CovarianceFactor(ArrayType *array, int n, const char *title, float8 *factor)
{
	float8	   *c;
	float8		scale = 0;

	if (ARR_NDIM(array) != 2 || ARR_DIMS(array)[0] != n || ARR_DIMS(array)[1] != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the covariance of a %s model must be a %d x %d array", title, n, n),
				 errhint("Use crm.parameter_covariance(model, state): the covariance of the log-parameters.")));
	if (array_contains_nulls(array))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the covariance must not contain NULL")));
	c = (float8 *) ARR_DATA_PTR(array);
	for (int i = 0; i < n * n; i++)
		CheckFinite(c[i], "covariance");
	for (int i = 0; i < n; i++)
		scale = Max(scale, fabs(c[i * n + i]));
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (fabs(c[i * n + j] - c[j * n + i]) > 1e-9 * scale)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("the covariance is not symmetric"),
						 errdetail("Element [%d][%d] is %g, element [%d][%d] is %g.",
								   i + 1, j + 1, c[i * n + j], j + 1, i + 1, c[j * n + i])));
	memset(factor, 0, sizeof(float8) * n * n);
	for (int j = 0; j < n; j++)
	{
		float8		pivot = c[j * n + j];

		for (int k = 0; k < j; k++)
			pivot -= factor[j * n + k] * factor[j * n + k];
		if (pivot < -1e-10 * Max(scale, 1e-300))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the covariance is not positive semidefinite")));
		if (pivot <= 1e-14 * scale)
			continue;			/* no variance left in this direction */
		factor[j * n + j] = sqrt(pivot);
		for (int i = j + 1; i < n; i++)
		{
			float8		s = c[i * n + j];

			for (int k = 0; k < j; k++)
				s -= factor[i * n + k] * factor[j * n + k];
			factor[i * n + j] = s / factor[j * n + j];
		}
	}
}

/*
 * n_draws copies of model whose estimated log-parameters are drawn from the
 * normal with the covariance argument, from a stream of the seed
 */
static ClvModel *
DrawModels(const ClvModelOps *ops, const ClvModel *model, ArrayType *cov, int32 n_draws,
		   uint64 seed)
{
	int			fixed = ops->spec.n_structural;
	int			n = ops->spec.n_params - fixed;
	float8		factor[CLV_MAX_PARAMS * CLV_MAX_PARAMS];
	ClvModel   *models = (ClvModel *) palloc(sizeof(ClvModel) * n_draws);
	CrmRandom	rng;

	CovarianceFactor(cov, n, ops->spec.title, factor);
	CrmRandomSeed(&rng, seed);
	for (int32 d = 0; d < n_draws; d++)
	{
		float8		z[CLV_MAX_PARAMS];

		memcpy(&models[d], model, sizeof(ClvModel));
		for (int i = 0; i < n; i++)
			z[i] = CrmRandomNormal(&rng);
		for (int i = 0; i < n; i++)
		{
			float8		theta = log(model->params[fixed + i]);

			for (int j = 0; j <= i; j++)
				theta += factor[i * n + j] * z[j];
			if (!(fabs(theta) <= DRAW_LOG_LIMIT))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("a parameter draw of the %s model is out of range", ops->spec.title),
						 errdetail("log(%s) = %g is beyond +-%g: the covariance is far too wide.",
								   ops->spec.param_names[fixed + i], theta, DRAW_LOG_LIMIT)));
			models[d].params[fixed + i] = exp(theta);
		}
	}
	return models;
}

/* Append len bytes at data to the key being built in buf */
static void
AppendKey(StringInfo buf, const void *data, Size len)
{
	appendBinaryStringInfo(buf, (const char *) data, (int) len);
}

/*
 * The parameter draws for args, from the call site's cache when it made
 * them for the same models, covariances, draws and seed
 */
static IntervalDraws *
GetDraws(FunctionCallInfo fcinfo, const IntervalArgs *args)
{
	IntervalDraws *cache = (IntervalDraws *) fcinfo->flinfo->fn_extra;
	StringInfoData key;
	MemoryContext old;
	uint64		hash = 0;

	initStringInfo(&key);
	AppendKey(&key, args->purchase, VARSIZE(args->purchase));
	AppendKey(&key, args->purchase_cov, VARSIZE(args->purchase_cov));
	if (args->spend != NULL)
	{
		AppendKey(&key, args->spend, VARSIZE(args->spend));
		AppendKey(&key, args->spend_cov, VARSIZE(args->spend_cov));
	}
	AppendKey(&key, &args->draws, sizeof(args->draws));
	AppendKey(&key, &args->seed, sizeof(args->seed));
	if (cache != NULL && cache->key_len == (Size) key.len &&
		memcmp(cache->key, key.data, key.len) == 0)
	{
		pfree(key.data);
		return cache;
	}

	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (cache == NULL)
		cache = (IntervalDraws *) palloc0(sizeof(IntervalDraws));
	else
	{
		pfree(cache->key);
		pfree(cache->purchase);
		if (cache->spend != NULL)
			pfree(cache->spend);
		pfree(cache->values);
		if (cache->spend_gamma != NULL)
			pfree(cache->spend_gamma);
		cache->spend_gamma = NULL;
		if (cache->table != NULL)
			pfree(cache->table);
		cache->table = NULL;
		if (cache->memo != NULL)
			memset(cache->memo, 0, sizeof(IntervalMemo) * INTERVAL_MEMO_SLOTS);
	}
	cache->key = palloc(key.len);
	memcpy(cache->key, key.data, key.len);
	cache->key_len = key.len;
	for (int i = 0; i < key.len; i++)
		hash = CrmMix64(hash ^ (uint8) key.data[i]) + i;
	cache->fingerprint = hash;
	cache->purchase_ops = ClvOpsOf(args->purchase->kind);
	ClvRequireOperation(cache->purchase_ops, cache->purchase_ops->draw_latent != NULL,
						"draw_latent");
	cache->n_draws = args->draws;
	cache->purchase = DrawModels(cache->purchase_ops, args->purchase, args->purchase_cov,
								 args->draws, CrmMix64((uint64) args->seed ^ STREAM_PURCHASE_DRAWS));
	cache->spend = NULL;
	cache->spend_ops = NULL;
	if (args->spend != NULL)
	{
		cache->spend_ops = ClvOpsOf(args->spend->kind);
		ClvRequireOperation(cache->spend_ops, cache->spend_ops->draw_latent != NULL,
							"draw_latent");
		cache->spend = DrawModels(cache->spend_ops, args->spend, args->spend_cov, args->draws,
								  CrmMix64((uint64) args->seed ^ STREAM_SPEND_DRAWS));
		/* filled at a draw's first customer (shape NaN: not yet) */
		cache->spend_gamma = (CrmGammaShape *) palloc(sizeof(CrmGammaShape) * args->draws);
		for (int32 d = 0; d < args->draws; d++)
			cache->spend_gamma[d].shape = get_float8_nan();
	}
	cache->values = (float8 *) palloc(sizeof(float8) * args->draws);
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = cache;
	pfree(key.data);
	return cache;
}

/*
 * CLV's discount factor of each period k = 0 .. ceil(horizon), (1 +
 * rate)^-min(k, horizon), kept by the call site for its rate and horizon;
 * NULL for a horizon of more than DISCOUNT_TABLE_MAX periods
 */
static const float8 *
DiscountTable(FunctionCallInfo fcinfo, IntervalDraws *draws, const IntervalArgs *args)
{
	int32		n;

	if (args->target != TARGET_CLV || ceil(args->horizon) > DISCOUNT_TABLE_MAX)
		return NULL;
	if (draws->table != NULL && draws->table_rate == args->rate &&
		draws->table_horizon == args->horizon)
		return draws->table;
	if (draws->table != NULL)
		pfree(draws->table);
	n = (int32) ceil(args->horizon) + 1;
	draws->table = (float8 *) MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(float8) * n);
	for (int32 k = 0; k < n; k++)
		draws->table[k] = exp(-args->log_discount * Min((float8) k, args->horizon));
	draws->table_rate = args->rate;
	draws->table_horizon = args->horizon;
	return draws->table;
}

/*
 * One simulated value of the target for a customer whose state after T is
 * life (and spend, for CLV), from the posterior predictive given alive: its
 * purchase rate lambda ~ Gamma(rate_shape, rate_rate) drawn once and its
 * purchases after T a Poisson process of that rate (exponential waits); the
 * BG/NBD's dropout after the (k+1)-th purchase a Beta-Bernoulli draw of
 * probability drop_a / (drop_a + drop_b + k) (p integrated out); the
 * Pareto/NBD's remaining lifetime Lomax, P(L > w) = (b / (b + w))^s (mu
 * integrated out); a CLV draws the spend rate nu once, at the first
 * purchase, then each spend ~ Gamma(spend_shape, nu)
 */
static float8
SimulateFuture(const IntervalArgs *args, const ClvLatent *life, const ClvLatent *spend,
			   const CrmGammaShape *spend_gamma, CrmRandom *rng)
{
	float8		value = 0;
	float8		u = 0;
	float8		end;
	float8		log_discount = args->log_discount;
	float8		mean_wait;
	float8		spend_scale = 0;

	if (!life->alive)
		return 0;
	if (args->target == TARGET_DERT)
		end = -log(DERT_NEGLIGIBLE) / log_discount;
	else
		end = args->horizon;
	if (life->life_shape > 0)
	{
		float8		lifetime = life->life_rate *
			expm1(CrmRandomStandardExponential(rng) / life->life_shape);

		if (lifetime < end)
			end = lifetime;
	}
	/* 1 / lambda; infinite (no purchase) when a tiny shape's draw underflows */
	mean_wait = life->rate_rate / CrmRandomGamma(rng, life->rate_shape);
	for (uint64 n = 0;; n++)
	{
		u += CrmRandomStandardExponential(rng) * mean_wait;
		if (!(u <= end))
			break;
		switch (args->target)
		{
			case TARGET_PURCHASES:
				value += 1;
				break;
			case TARGET_DERT:
				value += exp(-log_discount * u);
				break;
			case TARGET_CLV:
				/* 1 / nu, drawn at the first purchase */
				if (n == 0)
					spend_scale = spend->nu_rate / CrmRandomGamma(rng, spend->nu_shape);
				/* a purchase in period k = ceil(u) is discounted to its end */
				value += CrmRandomGammaOf(rng, spend_gamma) * spend_scale *
					(args->discount != NULL ? args->discount[(int32) ceil(u)] :
					 exp(-log_discount * Min(ceil(u), args->horizon)));
				break;
		}
		if (life->drop_a > 0 &&
			CrmRandomUniform(rng) * (life->drop_a + life->drop_b + n) < life->drop_a)
			break;
		if ((n & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	return args->target == TARGET_CLV ? args->margin * value : value;
}

/*
 * Fill draws->values with one simulated value of the target per parameter
 * draw, from a stream of stream_seed; false when a model cannot score the
 * customer
 */
static bool
SimulateCustomer(const IntervalArgs *args, IntervalDraws *draws, uint64 stream_seed)
{
	CrmRandom	rng;

	CrmRandomSeed(&rng, stream_seed);
	for (int32 d = 0; d < draws->n_draws; d++)
	{
		ClvLatent	life;
		ClvLatent	spend = {0};
		CrmGammaShape *spend_gamma = NULL;

		if (!draws->purchase_ops->draw_latent(&draws->purchase[d], args->customer, &rng, &life))
			return false;
		if (draws->spend != NULL)
		{
			if (!draws->spend_ops->draw_latent(&draws->spend[d], args->spend_customer, &rng, &spend))
				return false;
			spend_gamma = &draws->spend_gamma[d];
			if (spend_gamma->shape != spend.spend_shape)
				CrmGammaShapeInit(spend_gamma, spend.spend_shape);
		}
		draws->values[d] = SimulateFuture(args, &life, &spend, spend_gamma, &rng);
		if (!isfinite(draws->values[d]))
			return false;
		if ((d & 63) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return true;
}

/* h with the bits of n values mixed in, one after another */
static uint64
MixFloats(uint64 h, const float8 *v, int n)
{
	for (int i = 0; i < n; i++)
	{
		uint64		bits;

		memcpy(&bits, &v[i], sizeof(bits));
		h = CrmMix64(h ^ bits) + (uint64) i;
	}
	return h;
}

/* The seed of a customer's stream: the seed and the customer's values */
static uint64
CustomerSeed(const IntervalArgs *args)
{
	float8		v[5] = {args->customer[0], args->customer[1], args->customer[2],
	args->spend != NULL ? args->spend_customer[1] : 0, (float8) args->target};

	return MixFloats(CrmMix64((uint64) args->seed ^ STREAM_CUSTOMER), v, 5);
}

/*
 * The k-th smallest (from 0) of n finite values, by quickselect (Hoare's
 * partition); the values are reordered
 */
static float8
SelectKth(float8 *v, int32 n, int32 k)
{
	int32		left = 0;
	int32		right = n - 1;

	while (left < right)
	{
		float8		pivot = v[left + (right - left) / 2];
		int32		i = left;
		int32		j = right;

		while (i <= j)
		{
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j)
			{
				float8		swap = v[i];

				v[i++] = v[j];
				v[j--] = swap;
			}
		}
		if (k <= j)
			right = j;
		else if (k >= i)
			left = i;
		else
			return v[k];
	}
	return v[k];
}

/* Counts below this are ranked by a histogram rather than a quickselect */
#define SMALL_COUNT_LIMIT 64

/*
 * The k-th smallest (from 0) of n values that are all whole numbers in [0,
 * SMALL_COUNT_LIMIT), from their histogram
 */
static float8
HistogramKth(const int32 *histogram, int32 k)
{
	int32		below = 0;

	for (int32 v = 0; v < SMALL_COUNT_LIMIT; v++)
	{
		below += histogram[v];
		if (below > k)
			return (float8) v;
	}
	return (float8) (SMALL_COUNT_LIMIT - 1);	/* not reached */
}

/*
 * The interval of n values: from the (1 - level) / 2 quantile (the value
 * of rank floor((1 - level) / 2 n) from 0) up to the smallest value with at
 * least level of the values in between (both included); *mean the mean of
 * the values, which are reordered.  Values that are all small counts (as
 * purchases mostly are) are ranked from their histogram, in one pass.
 */
static void
IntervalOf(float8 *values, int32 n, float8 level, float8 *mean, float8 *lower, float8 *upper)
{
	int32		lo;
	int32		first = 0;
	int32		hi;
	float8		sum = 0;
	int32		histogram[SMALL_COUNT_LIMIT] = {0};
	bool		small_counts = true;

	for (int32 i = 0; i < n; i++)
	{
		float8		v = values[i];

		sum += v;
		if (small_counts && v >= 0 && v < SMALL_COUNT_LIMIT && v == (float8) (int32) v)
			histogram[(int32) v]++;
		else
			small_counts = false;
	}
	*mean = sum / n;
	lo = (int32) floor((1 - level) / 2 * n);
	lo = Min(Max(lo, 0), n - 1);
	*lower = small_counts ? HistogramKth(histogram, lo) : SelectKth(values, n, lo);
	/* the rank of the lower value's first occurrence */
	if (small_counts)
	{
		for (int32 v = 0; v < (int32) *lower; v++)
			first += histogram[v];
	}
	else
	{
		for (int32 i = 0; i < n; i++)
			if (values[i] < *lower)
				first++;
	}
	hi = first + (int32) ceil(level * n - 1e-9) - 1;
	hi = Min(Max(hi, lo), n - 1);
	*upper = small_counts ? HistogramKth(histogram, hi) : SelectKth(values, n, hi);
}

/* The composite crm.prediction_interval (mean, lower, upper) */
static Datum
IntervalResult(FunctionCallInfo fcinfo, float8 mean, float8 lower, float8 upper)
{
	TupleDesc	desc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.prediction_interval is not a composite type");
	desc = BlessTupleDesc(desc);
	values[0] = Float8GetDatum(mean);
	values[1] = Float8GetDatum(lower);
	values[2] = Float8GetDatum(upper);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

/* The model in argument argno of an interval, checked to be scorable */
static ClvModel *
ModelArg(FunctionCallInfo fcinfo, int argno)
{
	ClvModel   *model;

	(void) ClvScorerModel(fcinfo, argno, &model);
	return model;
}

/* Check what every interval takes: level, draws, and the customer */
static void
CheckArgs(IntervalArgs *args)
{
	CheckLevel(args->level);
	CheckDraws(args->draws);
	args->log_discount = log1p(args->rate);
	ClvCheckCustomer(TUPLE_SHAPE_PURCHASES, args->customer);
	switch (args->target)
	{
		case TARGET_PURCHASES:
			ClvCheckHorizon(args->horizon);
			break;
		case TARGET_DERT:
			CheckPositiveDiscountRate(args->rate,
									  "Undiscounted, a customer who never drops out makes purchases forever.");
			break;
		case TARGET_CLV:
			ClvCheckHorizon(args->horizon);
			CheckDiscountRate(args->rate);
			CheckMargin(args->margin);
			ClvCheckSpend(args->spend_customer[0], args->spend_customer[1]);
			if (args->spend->kind != CLV_GAMMAGAMMA)
				elog(ERROR, "the spend model of a CLV interval must be Gamma-Gamma");
			break;
	}
}

/*
 * The arguments of an interval from argument first on, in the order of the
 * SQL function of the target:
 *	purchases: model, covariance, horizon, x, t_x, T
 *	dert: model, covariance, x, t_x, T, discount_rate
 *	clv: purchase_model, spend_model, purchase_covariance, spend_covariance,
 *		 x, t_x, T, monetary_value, horizon, discount_rate, margin
 * then (after a customer key for the totals) level, draws, seed; *next gets
 * the argument after the customer's
 */
static void
ReadArgs(FunctionCallInfo fcinfo, int first, IntervalTarget target, IntervalArgs *args,
		 int *next)
{
	int			a = first;

	memset(args, 0, sizeof(*args));
	args->target = target;
	args->margin = 1;
	args->purchase = ModelArg(fcinfo, a++);
	if (target == TARGET_CLV)
		args->spend = ModelArg(fcinfo, a++);
	args->purchase_cov = PG_GETARG_ARRAYTYPE_P(a++);
	if (target == TARGET_CLV)
		args->spend_cov = PG_GETARG_ARRAYTYPE_P(a++);
	if (target == TARGET_PURCHASES)
		args->horizon = PG_GETARG_FLOAT8(a++);
	args->customer[0] = PG_GETARG_FLOAT8(a++);
	args->customer[1] = PG_GETARG_FLOAT8(a++);
	args->customer[2] = PG_GETARG_FLOAT8(a++);
	args->customer[3] = get_float8_nan();
	if (target == TARGET_CLV)
	{
		args->spend_customer[0] = args->customer[0];
		args->spend_customer[1] = PG_GETARG_FLOAT8(a++);
		args->spend_customer[2] = 0;
		args->spend_customer[3] = get_float8_nan();
		args->horizon = PG_GETARG_FLOAT8(a++);
		args->rate = PG_GETARG_FLOAT8(a++);
		args->margin = PG_GETARG_FLOAT8(a++);
	}
	if (target == TARGET_DERT)
		args->rate = PG_GETARG_FLOAT8(a++);
	*next = a;
}

/* Read level, draws and seed from argument a on */
static void
ReadTail(FunctionCallInfo fcinfo, int a, IntervalArgs *args)
{
	args->level = PG_GETARG_FLOAT8(a);
	args->draws = PG_GETARG_INT32(a + 1);
	args->seed = PG_GETARG_INT64(a + 2);
	CheckArgs(args);
}

/*
 * The values a customer's interval depends on besides the draws (models,
 * covariances, number of draws and seed: the memo is emptied when they
 * change): the target, the summary, the spend, horizon, rate, margin, level
 */
static void
MemoKey(const IntervalArgs *args, float8 *key)
{
	key[0] = (float8) args->target;
	key[1] = args->customer[0];
	key[2] = args->customer[1];
	key[3] = args->customer[2];
	key[4] = args->spend_customer[1];
	key[5] = args->horizon;
	key[6] = args->rate;
	key[7] = args->margin;
	key[8] = args->level;
}

/* The memo slot of a key (a hash of its bits) */
static uint32
MemoSlot(const float8 *key)
{
	return (uint32) (MixFloats(0, key, INTERVAL_MEMO_KEY) & (INTERVAL_MEMO_SLOTS - 1));
}

/*
 * A customer's interval for the target (NULL when it cannot be scored):
 * from the call site's memo when a customer with the same values was
 * computed with the same draws (the same numbers: the simulation depends on
 * nothing else), else simulated and remembered
 */
static Datum
CustomerInterval(FunctionCallInfo fcinfo, IntervalTarget target)
{
	IntervalArgs args;
	IntervalDraws *draws;
	IntervalMemo *slot;
	float8		key[INTERVAL_MEMO_KEY];
	int			next;

	ReadArgs(fcinfo, 0, target, &args, &next);
	ReadTail(fcinfo, next, &args);
	draws = GetDraws(fcinfo, &args);
	if (draws->memo == NULL)
		draws->memo = (IntervalMemo *) MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
															  sizeof(IntervalMemo) * INTERVAL_MEMO_SLOTS);
	MemoKey(&args, key);
	slot = &draws->memo[MemoSlot(key)];
	if (!(slot->used && memcmp(slot->key, key, sizeof(key)) == 0))
	{
		args.discount = DiscountTable(fcinfo, draws, &args);
		memcpy(slot->key, key, sizeof(key));
		slot->used = false;
		slot->scored = SimulateCustomer(&args, draws, CustomerSeed(&args));
		if (slot->scored)
			IntervalOf(draws->values, draws->n_draws, args.level, &slot->mean, &slot->lower,
					   &slot->upper);
		slot->used = true;
	}
	if (!slot->scored)
		PG_RETURN_NULL();
	return IntervalResult(fcinfo, slot->mean, slot->lower, slot->upper);
}

/*
 * crm.purchase_interval(model, covariance, horizon, x, t_x, T, level, draws,
 * seed): the customer's purchases in (T, T + horizon]
 */
PG_FUNCTION_INFO_V1(clv_purchase_interval);
Datum
clv_purchase_interval(PG_FUNCTION_ARGS)
{
	return CustomerInterval(fcinfo, TARGET_PURCHASES);
}

/*
 * crm.dert_interval(model, covariance, x, t_x, T, discount_rate, level,
 * draws, seed): the customer's purchases after T, discounted continuously
 */
PG_FUNCTION_INFO_V1(clv_dert_interval);
Datum
clv_dert_interval(PG_FUNCTION_ARGS)
{
	return CustomerInterval(fcinfo, TARGET_DERT);
}

/*
 * crm.clv_interval(purchase_model, spend_model, purchase_covariance,
 * spend_covariance, x, t_x, T, monetary_value, horizon, discount_rate,
 * margin, level, draws, seed): the customer's discounted margin over the
 * horizon
 */
PG_FUNCTION_INFO_V1(clv_clv_interval);
Datum
clv_clv_interval(PG_FUNCTION_ARGS)
{
	return CustomerInterval(fcinfo, TARGET_CLV);
}

/*
 * crm.parameter_covariance(model, state): the covariance of the model's
 * estimated log-parameters at its parameters over the customers of a fit
 * state, as a 2-dimensional array
 */
PG_FUNCTION_INFO_V1(clv_parameter_covariance);
Datum
clv_parameter_covariance(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	const ClvModelOps *ops = ClvOpsOf(model->kind);
	TupleState *state = TupleStateArg(fcinfo, 1, ops->spec.shape);
	float8		cov[CLV_MAX_PARAMS * CLV_MAX_PARAMS];
	Datum		elements[CLV_MAX_PARAMS * CLV_MAX_PARAMS];
	int			dims[2];
	int			lbs[2] = {1, 1};
	int			n;

	if (TupleStateCovariates(state) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.parameter_covariance takes a state without covariates")));
	if (state->n_rows == 0)
		PG_RETURN_NULL();
	if (!ClvLogCovariance(ops, model, state, cov, &n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s log-likelihood has no covariance at these parameters",
						ops->spec.title),
				 errdetail("Its Hessian over these customers is not positive definite there."),
				 errhint("Use the model fitted on these customers.")));
	for (int i = 0; i < n * n; i++)
		elements[i] = Float8GetDatum(cov[i]);
	dims[0] = dims[1] = n;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elements, NULL, 2, dims, lbs, FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* The float8 values of a totals state (a 1-dimensional float8[] without NULLs) */
static float8 *
TotalValues(ArrayType *state, int *n)
{
	float8	   *v;

	if (ARR_NDIM(state) != 1 || array_contains_nulls(state) ||
		ARR_DIMS(state)[0] < TOTAL_HEADER + INTERVAL_MIN_DRAWS ||
		ARR_DIMS(state)[0] > TOTAL_HEADER + INTERVAL_MAX_DRAWS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid prediction interval state")));
	*n = ARR_DIMS(state)[0];
	v = (float8 *) ARR_DATA_PTR(state);
	/* counts are whole and not negative, every value finite */
	for (int i = 0; i < *n; i++)
		if (!isfinite(v[i]) || (i >= 3 && i < TOTAL_HEADER && (v[i] < 0 || v[i] != floor(v[i]))) ||
			(i == TOTAL_HEADER - 1 && v[i] > v[3]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid prediction interval state"),
					 errdetail("Element %d is %g.", i + 1, v[i])));
	return v;
}

/*
 * A new totals state for args and their draws, in the aggregate's context
 * (or the current one, called directly)
 */
static ArrayType *
NewTotalState(FunctionCallInfo fcinfo, const IntervalArgs *args, const IntervalDraws *draws)
{
	MemoryContext aggcontext;
	MemoryContext old;
	ArrayType  *state;
	float8	   *v;
	int			n = TOTAL_HEADER + draws->n_draws;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		aggcontext = CurrentMemoryContext;
	old = MemoryContextSwitchTo(aggcontext);
	state = construct_array((Datum *) palloc0(sizeof(Datum) * n), n, FLOAT8OID, sizeof(float8),
							FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	MemoryContextSwitchTo(old);
	v = (float8 *) ARR_DATA_PTR(state);
	v[0] = args->level;
	v[1] = (float8) (draws->fingerprint >> 32);
	v[2] = (float8) (draws->fingerprint & UINT64CONST(0xFFFFFFFF));
	return state;
}

/*
 * The transition of the totals: the state (argument 0, NULL at first), then
 * the arguments of the target's interval with a customer key before level,
 * draws and seed.  A row with a NULL argument is skipped; a customer the
 * model cannot score is counted (unscored) and left out.
 */
static Datum
TotalTransition(FunctionCallInfo fcinfo, IntervalTarget target)
{
	IntervalArgs args;
	IntervalDraws *draws;
	ArrayType  *state;
	float8	   *v;
	int			n;
	int			next;
	int64		key;

	for (int i = 1; i < PG_NARGS(); i++)
		if (PG_ARGISNULL(i))
		{
			if (PG_ARGISNULL(0))
				PG_RETURN_NULL();
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		}
	ReadArgs(fcinfo, 1, target, &args, &next);
	key = PG_GETARG_INT64(next);
	ReadTail(fcinfo, next + 1, &args);
	draws = GetDraws(fcinfo, &args);
	args.discount = DiscountTable(fcinfo, draws, &args);
	if (PG_ARGISNULL(0))
		state = NewTotalState(fcinfo, &args, draws);
	else
		state = (ArrayType *) CrmWritableArg(fcinfo, 0);
	v = TotalValues(state, &n);
	if (n != TOTAL_HEADER + draws->n_draws || v[0] != args.level ||
		v[1] != (float8) (draws->fingerprint >> 32) ||
		v[2] != (float8) (draws->fingerprint & UINT64CONST(0xFFFFFFFF)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the models, covariances, level, draws and seed of a total interval must be the same on every row")));
	v[3] += 1;
	if (!SimulateCustomer(&args, draws, CrmMix64(CrmMix64((uint64) args.seed ^ STREAM_KEY) ^
												 (uint64) key)))
		v[4] += 1;
	else
		for (int32 d = 0; d < draws->n_draws; d++)
			v[TOTAL_HEADER + d] += draws->values[d];
	PG_RETURN_ARRAYTYPE_P(state);
}

/* Transition of crm.total_purchase_interval */
PG_FUNCTION_INFO_V1(clv_total_purchase_interval_trans);
Datum
clv_total_purchase_interval_trans(PG_FUNCTION_ARGS)
{
	return TotalTransition(fcinfo, TARGET_PURCHASES);
}

/* Transition of crm.total_clv_interval */
PG_FUNCTION_INFO_V1(clv_total_clv_interval_trans);
Datum
clv_total_clv_interval_trans(PG_FUNCTION_ARGS)
{
	return TotalTransition(fcinfo, TARGET_CLV);
}

/* Combine of the totals: elementwise sums of two states made with the same arguments */
PG_FUNCTION_INFO_V1(clv_total_interval_combine);
Datum
clv_total_interval_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a;
	ArrayType  *b;
	float8	   *va;
	float8	   *vb;
	int			na,
				nb;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
	{
		MemoryContext aggcontext;
		MemoryContext old;

		if (!AggCheckCallContext(fcinfo, &aggcontext))
			aggcontext = CurrentMemoryContext;
		old = MemoryContextSwitchTo(aggcontext);
		a = PG_GETARG_ARRAYTYPE_P_COPY(1);
		MemoryContextSwitchTo(old);
		(void) TotalValues(a, &na);
		PG_RETURN_ARRAYTYPE_P(a);
	}
	a = (ArrayType *) CrmWritableArg(fcinfo, 0);
	b = PG_GETARG_ARRAYTYPE_P(1);
	va = TotalValues(a, &na);
	vb = TotalValues(b, &nb);
	if (na != nb || va[0] != vb[0] || va[1] != vb[1] || va[2] != vb[2])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge prediction interval states made with different arguments")));
	for (int i = 3; i < na; i++)
		va[i] += vb[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * Final function of the totals: the interval of the per-draw totals
 * (crm.prediction_interval); a NOTICE counts the customers left out
 */
PG_FUNCTION_INFO_V1(clv_total_interval_final);
Datum
clv_total_interval_final(PG_FUNCTION_ARGS)
{
	ArrayType  *state = PG_GETARG_ARRAYTYPE_P(0);
	float8	   *v;
	float8	   *totals;
	int			n;
	float8		mean,
				lower,
				upper;

	v = TotalValues(state, &n);
	CheckLevel(v[0]);
	if (v[4] > 0)
		ereport(NOTICE,
				(errmsg("total interval: left out %.0f of %.0f customers the models cannot score",
						v[4], v[3])));
	totals = (float8 *) palloc(sizeof(float8) * (n - TOTAL_HEADER));
	memcpy(totals, v + TOTAL_HEADER, sizeof(float8) * (n - TOTAL_HEADER));
	IntervalOf(totals, n - TOTAL_HEADER, v[0], &mean, &lower, &upper);
	return IntervalResult(fcinfo, mean, lower, upper);
}
