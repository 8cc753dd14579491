/*
 * clv_value.c
 *		crm.clv: discounted expected customer value over a horizon, from a
 *		purchase model (BG/NBD, MBG/NBD, Pareto/NBD) and the Gamma-Gamma spend
 *		model.
 *
 * Discounting convention (as lifetimes' customer_lifetime_value): the
 * horizon is cut into periods of one time unit; the expected purchases of
 * period k, E[X(T, k)] - E[X(T, k - 1)], are valued at the expected spend
 * per purchase times the margin and discounted by (1 + d)^k, with d the
 * discount rate per time unit.  A fractional last period ends at the
 * horizon.  Continuous discounting over an unbounded horizon is what
 * crm.dert does (src/clv/clv_paretonbd.c).
 *
 * The purchase model's p_alive and discounted_series operations and the
 * spend model's expected_spend (clv_ops.h) do the modelling: the discounted
 * sum is P(alive) times a series that depends on the customer only through
 * x and T, so each call site keeps the series of recently seen
 * (x, T) for its model, horizon and rate: customers who share them (whole
 * periods, common in summaries) cost one evaluation.
 */
#include "crm.h"
#include "clv_covariates.h"

#include <math.h>

#include "utils/builtins.h"

/* Slots of the per-call-site cache of discounted series: first, and at most */
#define SERIES_CACHE_MIN_SLOTS 1024
#define SERIES_CACHE_MAX_SLOTS 524288
/* Slots searched for an (x, T) before a full cache reuses its home slot */
#define SERIES_CACHE_MAX_PROBES 8

/* One cached discounted series */
typedef struct SeriesCacheEntry
{
	float8		x;				/* frequency */
	float8		T;				/* age */
	float8		value;			/* the discounted_series operation at (x, T) */
	uint32		generation;		/* in use if equal to the cache's */
} SeriesCacheEntry;

/*
 * The cache of a call site: the series of one model, horizon and rate, in an
 * open-addressing table (linear probing) that doubles while more than half
 * full, up to SERIES_CACHE_MAX_SLOTS (16 MB).  So every distinct (x, T) of a
 * scoring run is computed once, unless a run has more than a quarter million
 * of them; then new ones replace old ones.
 */
typedef struct SeriesCache
{
	uint8		kind;			/* model kind of the entries */
	float8		params[CLV_MAX_PARAMS]; /* its parameters */
	float8		horizon;		/* horizon of the entries */
	float8		rate;			/* discount rate of the entries */
	uint32		generation;		/* bumped when any of the above changes */
	uint32		n_slots;		/* entries (a power of 2) */
	uint32		n_used;			/* entries of the current generation */
	SeriesCacheEntry *entries;	/* the table */
} SeriesCache;

/* A 64-bit finalizer (MurmurHash3's fmix64): every input bit affects every output bit */
static inline uint64
Mix64(uint64 h)
{
	h ^= h >> 33;
	h *= UINT64CONST(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64CONST(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/* Slot of (x, T) among n_slots (whole numbers as float8 have all-zero low bits: mix fully) */
static inline uint32
SeriesSlot(float8 x, float8 T, uint32 n_slots)
{
	uint64		bits_x;
	uint64		bits_t;

	memcpy(&bits_x, &x, sizeof(bits_x));
	memcpy(&bits_t, &T, sizeof(bits_t));
	return (uint32) (Mix64(bits_x ^ Mix64(bits_t)) & (n_slots - 1));
}

/* The slot of (x, T) in the cache: its entry, a free slot, or one to reuse */
static SeriesCacheEntry *
FindSeriesSlot(const SeriesCache *cache, float8 x, float8 T, bool *found)
{
	uint32		mask = cache->n_slots - 1;
	uint32		home = SeriesSlot(x, T, cache->n_slots);

	for (int probe = 0; probe < SERIES_CACHE_MAX_PROBES; probe++)
	{
		SeriesCacheEntry *entry = &cache->entries[(home + probe) & mask];

		if (entry->generation != cache->generation)
		{
			*found = false;
			return entry;
		}
		if (entry->x == x && entry->T == T)
		{
			*found = true;
			return entry;
		}
	}
	*found = false;
	return &cache->entries[home];
}

/* Double the cache's table, keeping the entries of the current generation */
static void
GrowSeriesCache(SeriesCache *cache, MemoryContext context)
{
	SeriesCacheEntry *old = cache->entries;
	uint32		old_slots = cache->n_slots;

	cache->n_slots *= 2;
	cache->entries = MemoryContextAllocZero(context,
											sizeof(SeriesCacheEntry) * cache->n_slots);
	cache->n_used = 0;
	for (uint32 i = 0; i < old_slots; i++)
	{
		bool		found;
		SeriesCacheEntry *entry;

		if (old[i].generation != cache->generation)
			continue;
		entry = FindSeriesSlot(cache, old[i].x, old[i].T, &found);
		if (entry->generation != cache->generation)
			cache->n_used++;
		*entry = old[i];
	}
	pfree(old);
}

/* The discounted series of (x, T) under model, from the call site's cache */
static float8
CachedDiscountedSeries(FunctionCallInfo fcinfo, const ClvModelOps *ops, const ClvModel *model,
					   float8 x, float8 T, float8 horizon, float8 rate)
{
	SeriesCache *cache = (SeriesCache *) fcinfo->flinfo->fn_extra;
	SeriesCacheEntry *entry;
	bool		found;
	float8		value;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SeriesCache));
		cache->n_slots = SERIES_CACHE_MIN_SLOTS;
		cache->entries = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
												sizeof(SeriesCacheEntry) * cache->n_slots);
		fcinfo->flinfo->fn_extra = cache;
	}
	if (cache->generation == 0 || cache->kind != model->kind || cache->horizon != horizon ||
		cache->rate != rate ||
		memcmp(cache->params, model->params, sizeof(cache->params)) != 0)
	{
		cache->kind = model->kind;
		memcpy(cache->params, model->params, sizeof(cache->params));
		cache->horizon = horizon;
		cache->rate = rate;
		cache->generation++;
		cache->n_used = 0;
		if (cache->generation == 0)
		{
			/* wrapped around: forget every entry */
			memset(cache->entries, 0, sizeof(SeriesCacheEntry) * cache->n_slots);
			cache->generation = 1;
		}
	}
	entry = FindSeriesSlot(cache, x, T, &found);
	if (found)
		return entry->value;
	if (entry->generation != cache->generation)
		cache->n_used++;
	value = ops->discounted_series(model, x, T, horizon, rate);
	entry->x = x;
	entry->T = T;
	entry->value = value;
	entry->generation = cache->generation;
	if (cache->n_used > cache->n_slots / 2 && cache->n_slots < SERIES_CACHE_MAX_SLOTS)
		GrowSeriesCache(cache, fcinfo->flinfo->fn_mcxt);
	return value;
}

/*
 * The purchase model of crm.clv in argument 0, after checking it is
 * scorable, and its table; with covariates (the last two arguments), the
 * customer's own model, NULL when a covariate is NULL (so is the value)
 */
static const ClvModelOps *
PurchaseModel(FunctionCallInfo fcinfo, bool covariates, ClvModel **model)
{
	const ClvModelOps *ops;

	*model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	ClvCheckScorable(*model);
	ops = ClvOpsOf((*model)->kind);
	ClvRequireOperation(ops, ops->p_alive != NULL && ops->discounted_series != NULL,
						"p_alive or discounted_series");
	if (covariates)
		*model = ClvCustomerModelArgs(fcinfo, ops, *model, PG_NARGS() - 2);
	else
		ClvCheckNoCovariates(*model);
	return ops;
}

/*
 * crm.clv(purchase_model, spend_model, x, t_x, T, m, horizon, discount_rate
 * [, margin] [, life_z, trans_z]): discounted expected margin of a customer
 * over the horizon
 */
static Datum
DiscountedValue(FunctionCallInfo fcinfo, bool covariates)
{
	ClvModel   *purchases;
	ClvModel   *spend;
	const ClvModelOps *spend_ops = ClvScorerModel(fcinfo, 1, &spend);
	const ClvModelOps *ops;
	float8		x = PG_GETARG_FLOAT8(2);
	float8		t_x = PG_GETARG_FLOAT8(3);
	float8		T = PG_GETARG_FLOAT8(4);
	float8		m = PG_GETARG_FLOAT8(5);
	float8		horizon = PG_GETARG_FLOAT8(6);
	float8		rate = PG_GETARG_FLOAT8(7);
	float8		margin = PG_NARGS() - (covariates ? 2 : 0) > 8 ? PG_GETARG_FLOAT8(8) : 1;
	float8		customer[3] = {x, t_x, T};
	float8		spend_customer[3] = {x, m, 0};
	float8		spend_per_purchase;
	float8		value;

	ClvRequireOperation(spend_ops, spend_ops->expected_spend != NULL, "expected_spend");
	ops = PurchaseModel(fcinfo, covariates, &purchases);
	if (purchases == NULL)
		PG_RETURN_NULL();
	ClvCheckTriple(x, t_x, T);
	ClvCheckSpend(x, m);
	ClvCheckHorizon(horizon);
	CheckDiscountRate(rate);
	CheckMargin(margin);
	spend_per_purchase = spend_ops->expected_spend(spend, spend_customer);
	if (isnan(spend_per_purchase))
		PG_RETURN_NULL();		/* the spend model cannot score this customer */
	value = margin * spend_per_purchase * ops->p_alive(purchases, customer) *
		CachedDiscountedSeries(fcinfo, ops, purchases, x, T, horizon, rate);
	if (isnan(value))
		PG_RETURN_NULL();		/* the purchase model cannot score this customer */
	CheckResultFinite(value, "customer lifetime value");
	PG_RETURN_FLOAT8(value);
}

/* crm.clv(purchase_model, spend_model, x, t_x, T, m, horizon, discount_rate [, margin]) */
PG_FUNCTION_INFO_V1(clv_discounted_value);
Datum
clv_discounted_value(PG_FUNCTION_ARGS)
{
	return DiscountedValue(fcinfo, false);
}

/* crm.clv(purchase_model, spend_model, x, t_x, T, m, horizon, discount_rate [, margin], life_z, trans_z) */
PG_FUNCTION_INFO_V1(clv_discounted_value_cov);
Datum
clv_discounted_value_cov(PG_FUNCTION_ARGS)
{
	return DiscountedValue(fcinfo, true);
}

/*
 * crm.clv(purchase_model, x, t_x, T, spend, horizon, discount_rate [, life_z,
 * trans_z]): the same with a given expected spend per purchase (a business
 * value or another model's prediction)
 */
static Datum
DiscountedValueGivenSpend(FunctionCallInfo fcinfo, bool covariates)
{
	ClvModel   *purchases;
	const ClvModelOps *ops;
	float8		x = PG_GETARG_FLOAT8(1);
	float8		t_x = PG_GETARG_FLOAT8(2);
	float8		T = PG_GETARG_FLOAT8(3);
	float8		spend = PG_GETARG_FLOAT8(4);
	float8		horizon = PG_GETARG_FLOAT8(5);
	float8		rate = PG_GETARG_FLOAT8(6);
	float8		customer[3] = {x, t_x, T};
	float8		value;

	ops = PurchaseModel(fcinfo, covariates, &purchases);
	if (purchases == NULL)
		PG_RETURN_NULL();
	ClvCheckTriple(x, t_x, T);
	CheckFinite(spend, "spend per purchase");
	if (spend < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("spend per purchase must not be negative, not %g", spend),
				 errhint("The customer lifetime value is expected purchases times a spend per purchase of 0 or more.")));
	ClvCheckHorizon(horizon);
	CheckDiscountRate(rate);
	value = spend * ops->p_alive(purchases, customer) *
		CachedDiscountedSeries(fcinfo, ops, purchases, x, T, horizon, rate);
	if (isnan(value))
		PG_RETURN_NULL();		/* the purchase model cannot score this customer */
	CheckResultFinite(value, "customer lifetime value");
	PG_RETURN_FLOAT8(value);
}

/* crm.clv(purchase_model, x, t_x, T, spend, horizon, discount_rate) */
PG_FUNCTION_INFO_V1(clv_discounted_value_given_spend);
Datum
clv_discounted_value_given_spend(PG_FUNCTION_ARGS)
{
	return DiscountedValueGivenSpend(fcinfo, false);
}

/* crm.clv(purchase_model, x, t_x, T, spend, horizon, discount_rate, life_z, trans_z) */
PG_FUNCTION_INFO_V1(clv_discounted_value_given_spend_cov);
Datum
clv_discounted_value_given_spend_cov(PG_FUNCTION_ARGS)
{
	return DiscountedValueGivenSpend(fcinfo, true);
}
