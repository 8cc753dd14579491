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
#include "clv_intervals.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

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
	float8		purchases_mean; /* TARGET_PURCHASES_CLV: the purchases' */
	float8		purchases_lower;
	float8		purchases_upper;
} IntervalMemo;

/* Longest horizon, in periods, whose discount factors are tabulated */
#define DISCOUNT_TABLE_MAX 100000

/* Raise 22023 unless a level is strictly between 0 and 1 */
void
ClvIntervalCheckLevel(float8 level)
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
IntervalDraws *
ClvIntervalDraws(FunctionCallInfo fcinfo, const IntervalArgs *args)
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
		pfree(cache->counts);
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
	cache->counts = (float8 *) palloc(sizeof(float8) * args->draws);
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
const float8 *
ClvIntervalDiscountTable(FunctionCallInfo fcinfo, IntervalDraws *draws, const IntervalArgs *args)
{
	int32		n;

	if (!TARGET_HAS_SPEND(args->target) || ceil(args->horizon) > DISCOUNT_TABLE_MAX)
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
 * purchase, then each spend ~ Gamma(spend_shape, nu).  *purchases gets the
 * number of simulated purchases.
 */
static float8
SimulateFuture(const IntervalArgs *args, const ClvLatent *life, const ClvLatent *spend,
			   const CrmGammaShape *spend_gamma, CrmRandom *rng, float8 *purchases)
{
	float8		value = 0;
	float8		u = 0;
	float8		end;
	float8		log_discount = args->log_discount;
	float8		mean_wait;
	float8		spend_scale = 0;
	float8		count = 0;

	*purchases = 0;
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
		count += 1;
		switch (args->target)
		{
			case TARGET_PURCHASES:
				value += 1;
				break;
			case TARGET_DERT:
				value += exp(-log_discount * u);
				break;
			case TARGET_CLV:
			case TARGET_PURCHASES_CLV:
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
	*purchases = count;
	return TARGET_HAS_SPEND(args->target) ? args->margin * value : value;
}

/*
 * Fill draws->values with one simulated value of the target per parameter
 * draw, from a stream of stream_seed; false when a model cannot score the
 * customer
 */
bool
ClvIntervalSimulate(const IntervalArgs *args, IntervalDraws *draws, uint64 stream_seed)
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
		draws->values[d] = SimulateFuture(args, &life, &spend, spend_gamma, &rng, &draws->counts[d]);
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
void
ClvIntervalOf(float8 *values, int32 n, float8 level, float8 *mean, float8 *lower, float8 *upper)
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

/*
 * The function's composite result (crm.prediction_interval, or the OUT
 * columns of crm.customer_intervals) from n float8 values, none NULL
 */
static Datum
FloatRecord(FunctionCallInfo fcinfo, const float8 *values, int n)
{
	TupleDesc	desc;
	Datum		datums[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	Assert(n <= lengthof(datums));
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE || desc->natts != n)
		elog(ERROR, "a prediction interval function must return a record of %d float8", n);
	desc = BlessTupleDesc(desc);
	for (int i = 0; i < n; i++)
		datums[i] = Float8GetDatum(values[i]);
	return HeapTupleGetDatum(heap_form_tuple(desc, datums, nulls));
}

/* The composite crm.prediction_interval (mean, lower, upper) */
Datum
ClvIntervalResult(FunctionCallInfo fcinfo, float8 mean, float8 lower, float8 upper)
{
	float8		values[3] = {mean, lower, upper};

	return FloatRecord(fcinfo, values, 3);
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
	ClvIntervalCheckLevel(args->level);
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
		case TARGET_PURCHASES_CLV:
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
void
ClvIntervalReadArgs(FunctionCallInfo fcinfo, int first, IntervalTarget target, IntervalArgs *args,
		 int *next)
{
	int			a = first;

	memset(args, 0, sizeof(*args));
	args->target = target;
	args->margin = 1;
	args->purchase = ModelArg(fcinfo, a++);
	if (TARGET_HAS_SPEND(target))
		args->spend = ModelArg(fcinfo, a++);
	args->purchase_cov = PG_GETARG_ARRAYTYPE_P(a++);
	if (TARGET_HAS_SPEND(target))
		args->spend_cov = PG_GETARG_ARRAYTYPE_P(a++);
	if (target == TARGET_PURCHASES)
		args->horizon = PG_GETARG_FLOAT8(a++);
	args->customer[0] = PG_GETARG_FLOAT8(a++);
	args->customer[1] = PG_GETARG_FLOAT8(a++);
	args->customer[2] = PG_GETARG_FLOAT8(a++);
	args->customer[3] = get_float8_nan();
	if (TARGET_HAS_SPEND(target))
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
void
ClvIntervalReadTail(FunctionCallInfo fcinfo, int a, IntervalArgs *args)
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
 * A customer's memo slot for the target, its intervals computed: from the
 * call site's memo when a customer with the same values was computed with
 * the same draws (the same numbers: the simulation depends on nothing
 * else), else simulated and remembered
 */
static IntervalMemo *
CustomerMemo(FunctionCallInfo fcinfo, IntervalTarget target)
{
	IntervalArgs args;
	IntervalDraws *draws;
	IntervalMemo *slot;
	float8		key[INTERVAL_MEMO_KEY];
	int			next;

	ClvIntervalReadArgs(fcinfo, 0, target, &args, &next);
	ClvIntervalReadTail(fcinfo, next, &args);
	draws = ClvIntervalDraws(fcinfo, &args);
	if (draws->memo == NULL)
		draws->memo = (IntervalMemo *) MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
															  sizeof(IntervalMemo) * INTERVAL_MEMO_SLOTS);
	MemoKey(&args, key);
	slot = &draws->memo[MemoSlot(key)];
	if (!(slot->used && memcmp(slot->key, key, sizeof(key)) == 0))
	{
		args.discount = ClvIntervalDiscountTable(fcinfo, draws, &args);
		memcpy(slot->key, key, sizeof(key));
		slot->used = false;
		slot->scored = ClvIntervalSimulate(&args, draws, CustomerSeed(&args));
		if (slot->scored)
		{
			ClvIntervalOf(draws->values, draws->n_draws, args.level, &slot->mean, &slot->lower,
						  &slot->upper);
			if (target == TARGET_PURCHASES_CLV)
				ClvIntervalOf(draws->counts, draws->n_draws, args.level, &slot->purchases_mean,
							  &slot->purchases_lower, &slot->purchases_upper);
		}
		slot->used = true;
	}
	return slot;
}

/* A customer's interval for the target (NULL when it cannot be scored) */
static Datum
CustomerInterval(FunctionCallInfo fcinfo, IntervalTarget target)
{
	IntervalMemo *slot = CustomerMemo(fcinfo, target);

	if (!slot->scored)
		PG_RETURN_NULL();
	return ClvIntervalResult(fcinfo, slot->mean, slot->lower, slot->upper);
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
 * crm.customer_intervals(purchase_model, spend_model, purchase_covariance,
 * spend_covariance, x, t_x, T, monetary_value, horizon, discount_rate,
 * margin, level, draws, seed): the intervals of the customer's purchases
 * and of its CLV over the horizon, both read from the same simulated
 * futures (one per parameter draw), as (purchases_mean, purchases_lower,
 * purchases_upper, clv_mean, clv_lower, clv_upper); NULL when the models
 * cannot score the customer
 */
PG_FUNCTION_INFO_V1(clv_customer_intervals);
Datum
clv_customer_intervals(PG_FUNCTION_ARGS)
{
	IntervalMemo *slot = CustomerMemo(fcinfo, TARGET_PURCHASES_CLV);
	float8		values[6];

	if (!slot->scored)
		PG_RETURN_NULL();
	values[0] = slot->purchases_mean;
	values[1] = slot->purchases_lower;
	values[2] = slot->purchases_upper;
	values[3] = slot->mean;
	values[4] = slot->lower;
	values[5] = slot->upper;
	return FloatRecord(fcinfo, values, 6);
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
