/*
 * basket_state.c
 *		crm.basket_state: the exact, mergeable state of crm.basket_fit and
 *		crm.basket_merge, its transitions, combine and final function.
 *
 * A row is one basket: its items as a bigint[].  NULL items are skipped
 * (and counted), an item repeated in a basket counts once, a basket with no
 * item (or NULL) is skipped and counted, and a basket with more than
 * BASKET_MAX_ITEMS distinct items is skipped and counted (its pairs alone
 * could be half a million).  Three ways to count:
 *
 *	 crm.basket_fit(items)			   every item and every pair (depth 2)
 *	 crm.basket_fit(items, max_size)   every item (1), or items and pairs (2)
 *	 crm.basket_fit(items, prior, min_support)
 *		every item; the pairs whose two items held min_support of the
 *		prior's baskets; and, when the prior has pairs, the triples whose
 *		three pairs held min_support of the prior's baskets (depth one more
 *		than the prior's, at most 3)
 *
 * The prior is a state of the same baskets (the first pass), so by the
 * apriori property every itemset holding min_support of the baskets is
 * counted, and counted exactly; the accessors refuse a lower min_support.
 * Memory: 16 bytes per distinct item, 24 per pair, 32 per triple in the flat
 * form (about twice that in the hash tables while aggregating); a state
 * that would pass 1 GB raises 54000 with a hint to prune with a prior.
 *
 * Inside an aggregate the state is an expanded object holding open-
 * addressing hash tables (lib/simplehash.h) keyed by the item, the pair and
 * the triple: O(1) work per item, pair and triple of a basket, no
 * allocation per row.  It flattens to the sorted arrays of basket.h when it
 * leaves the aggregate (a parallel worker's partial state, the final value).
 */
#include "crm.h"
#include "basket.h"
#include "agg_states.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

/* Bits of a 64-bit value mixed (the splitmix64 finalizer) */
static inline uint64
Mix64(uint64 x)
{
	x ^= x >> 30;
	x *= UINT64CONST(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64CONST(0x94d049bb133111eb);
	x ^= x >> 31;
	return x;
}

/* An item's entry in the item table */
typedef struct ItemEntry
{
	int64		key;			/* the item */
	int64		count;			/* baskets holding it */
	char		status;			/* simplehash's slot status */
} ItemEntry;

/* The key of a pair (a < b) */
typedef struct PairKey
{
	int64		a;				/* the smaller item */
	int64		b;				/* the larger item */
} PairKey;

/* A pair's entry in the pair table */
typedef struct PairEntry
{
	PairKey		key;			/* the pair */
	int64		count;			/* baskets holding both */
	char		status;			/* simplehash's slot status */
} PairEntry;

/* The key of a triple (a < b < c) */
typedef struct TripleKey
{
	int64		a;				/* the smallest item */
	int64		b;				/* the middle item */
	int64		c;				/* the largest item */
} TripleKey;

/* A triple's entry in the triple table */
typedef struct TripleEntry
{
	TripleKey	key;			/* the triple */
	int64		count;			/* baskets holding all three */
	char		status;			/* simplehash's slot status */
} TripleEntry;

#define SH_PREFIX itemhash
#define SH_ELEMENT_TYPE ItemEntry
#define SH_KEY_TYPE int64
#define SH_KEY key
#define SH_HASH_KEY(tb, k) ((uint32) Mix64((uint64) (k)))
#define SH_EQUAL(tb, x, y) ((x) == (y))
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

#define SH_PREFIX pairhash
#define SH_ELEMENT_TYPE PairEntry
#define SH_KEY_TYPE PairKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) ((uint32) Mix64((uint64) (k).a * UINT64CONST(0x9E3779B97F4A7C15) ^ (uint64) (k).b))
#define SH_EQUAL(tb, x, y) ((x).a == (y).a && (x).b == (y).b)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

#define SH_PREFIX triplehash
#define SH_ELEMENT_TYPE TripleEntry
#define SH_KEY_TYPE TripleKey
#define SH_KEY key
#define SH_HASH_KEY(tb, k) ((uint32) Mix64((Mix64((uint64) (k).a) + (uint64) (k).b) * UINT64CONST(0x9E3779B97F4A7C15) ^ (uint64) (k).c))
#define SH_EQUAL(tb, x, y) ((x).a == (y).a && (x).b == (y).b && (x).c == (y).c)
#define SH_SCOPE static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/* SortItems(items, n): items ascending */
#define ST_SORT SortItems
#define ST_ELEMENT_TYPE BasketItem
#define ST_COMPARE(x, y) (((x)->item > (y)->item) - ((x)->item < (y)->item))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* ComparePairs: (a, b) order */
static inline int
ComparePairs(const BasketPair *x, const BasketPair *y)
{
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

/* SortPairs(pairs, n): pairs in (a, b) order */
#define ST_SORT SortPairs
#define ST_ELEMENT_TYPE BasketPair
#define ST_COMPARE(x, y) ComparePairs(x, y)
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* CompareTriples: (a, b, c) order */
static inline int
CompareTriples(const BasketTriple *x, const BasketTriple *y)
{
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return (x->c > y->c) - (x->c < y->c);
}

/* SortTriples(triples, n): triples in (a, b, c) order */
#define ST_SORT SortTriples
#define ST_ELEMENT_TYPE BasketTriple
#define ST_COMPARE(x, y) CompareTriples(x, y)
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* SortInt64(values, n): ascending */
#define ST_SORT SortInt64
#define ST_ELEMENT_TYPE int64
#define ST_COMPARE(x, y) ((*(x) > *(y)) - (*(x) < *(y)))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * The read/write form of a state inside an aggregate: the header fields
 * of the flat form and the hash tables of its itemsets
 */
typedef struct ExpandedBasket
{
	ExpandedObjectHeader hdr;	/* standard expanded-object header */
	BasketState head;			/* depth, counters and pruning (no itemsets) */
	bool		configured;		/* head's depth and pruning are set */
	itemhash_hash *items;		/* item -> baskets */
	pairhash_hash *pairs;		/* pair -> baskets */
	triplehash_hash *triples;	/* triple -> baskets */
	Size		bytes;			/* bytes of the flat form */
	int64	   *scratch;		/* a basket's items, then its counted items */
	int32		scratch_size;	/* int64 slots of scratch */
	bool	   *frequent;		/* per pair of a basket's counted items: was
								 * it frequent in the prior (depth 3) */
	int32		frequent_size;	/* bytes of frequent */
} ExpandedBasket;

/*
 * The prior of the pruned crm.basket_fit, kept per call site (fn_extra):
 * its frequent items and pairs as hash tables, rebuilt only when another
 * prior or min_support comes
 */
typedef struct BasketPrior
{
	MemoryContext context;		/* holds what follows (child of fn_mcxt) */
	Pointer		raw;			/* the prior datum it was built from */
	BasketState *copy;			/* a flat copy of that prior */
	float8		min_support;	/* the min_support it was built for */
	int64		min_count;		/* the prior's baskets that is */
	uint8		depth;			/* the depth of states counted with it */
	itemhash_hash *items;		/* the prior's frequent items */
	pairhash_hash *pairs;		/* its frequent pairs (depth 3 only) */
} BasketPrior;

/* Raise 54000 unless bytes more fit in a state's flat form */
static void
GrowBytes(ExpandedBasket *eb, Size bytes)
{
	eb->bytes += bytes;
	if (unlikely(eb->bytes > BASKET_MAX_BYTES))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("basket state would exceed 1 GB (%d items, %u pairs, %u triples)",
						(int) eb->items->members, eb->pairs->members, eb->triples->members),
				 errhint("Count pairs in two passes: crm.basket_fit(items, 1) first, then crm.basket_fit(items, prior, min_support).")));
}

/* Add count to an item of an expanded state */
static inline void
AddItem(ExpandedBasket *eb, int64 item, int64 count)
{
	bool		found;
	ItemEntry  *e = itemhash_insert(eb->items, item, &found);

	if (!found)
	{
		e->count = 0;
		GrowBytes(eb, sizeof(BasketItem));
	}
	e->count = AddCounts(e->count, count, "item count");
}

/* Add count to a pair (a < b) of an expanded state */
static inline void
AddPair(ExpandedBasket *eb, int64 a, int64 b, int64 count)
{
	PairKey		key = {a, b};
	bool		found;
	PairEntry  *e = pairhash_insert(eb->pairs, key, &found);

	if (!found)
	{
		e->count = 0;
		GrowBytes(eb, sizeof(BasketPair));
	}
	e->count = AddCounts(e->count, count, "pair count");
}

/* Add count to a triple (a < b < c) of an expanded state */
static inline void
AddTriple(ExpandedBasket *eb, int64 a, int64 b, int64 c, int64 count)
{
	TripleKey	key = {a, b, c};
	bool		found;
	TripleEntry *e = triplehash_insert(eb->triples, key, &found);

	if (!found)
	{
		e->count = 0;
		GrowBytes(eb, sizeof(BasketTriple));
	}
	e->count = AddCounts(e->count, count, "triple count");
}

/* Size of the flat form of an expanded state */
static Size
ExpandedBasketFlatSize(ExpandedObjectHeader *eohptr)
{
	ExpandedBasket *eb = (ExpandedBasket *) eohptr;

	return BasketStateSize(eb->items->members, eb->pairs->members, eb->triples->members);
}

/* Write the flat form of an expanded state (itemsets sorted) into result */
static void
ExpandedBasketFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ExpandedBasket *eb = (ExpandedBasket *) eohptr;
	BasketState *state = (BasketState *) result;
	BasketItem *items;
	BasketPair *pairs;
	BasketTriple *triples;
	int64		n = 0;

	Assert(allocated_size == ExpandedBasketFlatSize(eohptr));
	memset(state, 0, BASKET_HEADER_SIZE);
	memcpy(state, &eb->head, sizeof(BasketState));
	SET_VARSIZE(state, allocated_size);
	state->version = BASKET_STATE_VERSION;
	state->n_items = (int32) eb->items->members;
	state->n_pairs = (int32) eb->pairs->members;
	state->n_triples = (int32) eb->triples->members;
	items = BasketItems(state);
	pairs = BasketPairs(state);
	triples = BasketTriples(state);
	{
		itemhash_iterator it;
		ItemEntry  *e;

		itemhash_start_iterate(eb->items, &it);
		while ((e = itemhash_iterate(eb->items, &it)) != NULL)
		{
			items[n].item = e->key;
			items[n++].count = e->count;
		}
		SortItems(items, n);
	}
	n = 0;
	{
		pairhash_iterator it;
		PairEntry  *e;

		pairhash_start_iterate(eb->pairs, &it);
		while ((e = pairhash_iterate(eb->pairs, &it)) != NULL)
		{
			if ((n & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			pairs[n].a = e->key.a;
			pairs[n].b = e->key.b;
			pairs[n++].count = e->count;
		}
		SortPairs(pairs, n);
	}
	n = 0;
	{
		triplehash_iterator it;
		TripleEntry *e;

		triplehash_start_iterate(eb->triples, &it);
		while ((e = triplehash_iterate(eb->triples, &it)) != NULL)
		{
			if ((n & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
			triples[n].a = e->key.a;
			triples[n].b = e->key.b;
			triples[n].c = e->key.c;
			triples[n++].count = e->count;
		}
		SortTriples(triples, n);
	}
}

static const ExpandedObjectMethods ExpandedBasketMethods = {
	ExpandedBasketFlatSize,
	ExpandedBasketFlatten
};

/* A new empty expanded state in context (its own, or the aggregate's shared one) */
static ExpandedBasket *
NewExpandedBasket(MemoryContext context)
{
	ExpandedBasket *eb = (ExpandedBasket *) MemoryContextAllocZero(context, sizeof(ExpandedBasket));

	EOH_init_header(&eb->hdr, &ExpandedBasketMethods, context);
	eb->items = itemhash_create(context, 64, NULL);
	eb->pairs = pairhash_create(context, 64, NULL);
	eb->triples = triplehash_create(context, 16, NULL);
	eb->bytes = BASKET_HEADER_SIZE;
	return eb;
}

/*
 * Set the way an expanded state counts (depth and pruning), or raise 22023
 * unless it is the one it has; merging says whether a state is being
 * merged in (else a row is being added)
 */
static void
Configure(ExpandedBasket *eb, uint8 depth, int64 prune_count, int64 prune_baskets,
		  bool merging)
{
	BasketState *head = &eb->head;

	if (!eb->configured)
	{
		head->depth = depth;
		head->prune_count = prune_count;
		head->prune_baskets = prune_baskets;
		eb->configured = true;
		return;
	}
	if (head->depth == depth && head->prune_count == prune_count &&
		head->prune_baskets == prune_baskets)
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 merging ? errmsg("cannot merge basket states counted different ways") :
			 errmsg("every basket of a group must be counted the same way"),
			 errdetail("One counts itemsets of up to %d items (pruned_at=%lld, prior_baskets=%lld), "
					   "the other up to %d (pruned_at=%lld, prior_baskets=%lld).",
					   head->depth, (long long) head->prune_count,
					   (long long) head->prune_baskets, depth,
					   (long long) prune_count, (long long) prune_baskets),
			 merging ? 0 :
			 errhint("Give every row of a group the same max_size, or the same prior and min_support.")));
}

/*
 * Grow the hash tables of an expanded state so that the itemsets of a flat
 * state fit without growing again (the most they can need)
 */
static void
ReserveEntries(ExpandedBasket *eb, const BasketState *state)
{
	uint64		items = (uint64) eb->items->members + state->n_items;
	uint64		pairs = (uint64) eb->pairs->members + state->n_pairs;
	uint64		triples = (uint64) eb->triples->members + state->n_triples;

	if (items > eb->items->grow_threshold)
		itemhash_grow(eb->items, (uint64) (items / 0.8) + 1);
	if (pairs > eb->pairs->grow_threshold)
		pairhash_grow(eb->pairs, (uint64) (pairs / 0.8) + 1);
	if (triples > eb->triples->grow_threshold)
		triplehash_grow(eb->triples, (uint64) (triples / 0.8) + 1);
}

/* Add the counts and itemsets of a flat state to an expanded one */
static void
ExpandedBasketAdd(ExpandedBasket *eb, const BasketState *state)
{
	const BasketItem *items = BasketItems(state);
	const BasketPair *pairs = BasketPairs(state);
	const BasketTriple *triples = BasketTriples(state);

	Configure(eb, state->depth, state->prune_count, state->prune_baskets, true);
	/* room for all of them at once, not by doubling while inserting */
	ReserveEntries(eb, state);
	eb->head.n_baskets = AddCounts(eb->head.n_baskets, state->n_baskets, "basket count");
	eb->head.n_skipped = AddCounts(eb->head.n_skipped, state->n_skipped, "skipped basket count");
	eb->head.n_empty = AddCounts(eb->head.n_empty, state->n_empty, "empty basket count");
	eb->head.n_null_items = AddCounts(eb->head.n_null_items, state->n_null_items, "NULL item count");
	for (int32 i = 0; i < state->n_items; i++)
		AddItem(eb, items[i].item, items[i].count);
	for (int32 i = 0; i < state->n_pairs; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		AddPair(eb, pairs[i].a, pairs[i].b, pairs[i].count);
	}
	for (int32 i = 0; i < state->n_triples; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		AddTriple(eb, triples[i].a, triples[i].b, triples[i].c, triples[i].count);
	}
}

/* The flat form of an expanded state, palloc'd in the current context */
static BasketState *
FlattenExpanded(ExpandedBasket *eb)
{
	Size		size = EOH_get_flat_size(&eb->hdr);
	BasketState *state = (BasketState *) palloc(size);

	EOH_flatten_into(&eb->hdr, state, size);
	return state;
}

/* Argument argno, a basket state, flat and detoasted */
BasketState *
BasketStateArg(FunctionCallInfo fcinfo, int argno)
{
	return (BasketState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/* The smallest count c >= 1 of baskets with c / n >= min_support */
int64
BasketMinCount(float8 min_support, int64 n_baskets)
{
	float8		n = (float8) n_baskets;
	float8		guess = ceil(min_support * n);
	int64		c;

	if (n_baskets <= 0)
		return 1;
	c = (int64) Max(1.0, Min(guess, n));
	/* correct the product's rounding with the division the accessors make */
	while (c > 1 && (float8) (c - 1) / n >= min_support)
		c--;
	while (c < n_baskets && (float8) c / n < min_support)
		c++;
	return c;
}

/* The min_support argument argno: 22004 if NULL, 22023 unless in (0, 1] */
float8
BasketSupportArg(FunctionCallInfo fcinfo, int argno)
{
	float8		s;

	CheckNotNull(fcinfo, argno, "min_support");
	s = PG_GETARG_FLOAT8(argno);
	if (!(s > 0 && s <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_support must be in (0, 1], not %g", s),
				 errhint("Support is a share of the baskets: 0.01 means 1 %% of them.")));
	return s;
}

/* The expanded state of an aggregate's own in a datum (read-write), or NULL */
static ExpandedBasket *
OwnExpandedBasket(Datum datum)
{
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(datum)) &&
		DatumGetEOHP(datum)->eoh_methods == &ExpandedBasketMethods)
		return (ExpandedBasket *) DatumGetEOHP(datum);
	return NULL;
}

/*
 * The expanded state a transition or combine works on: the aggregate's own
 * (made on the first call, from argument 0 if it is a flat state), or
 * outside an aggregate a new one in a context of its own holding a copy
 * of argument 0 (which never changes); *own says which
 */
static ExpandedBasket *
WorkingState(FunctionCallInfo fcinfo, bool *own)
{
	MemoryContext aggcontext;
	ExpandedBasket *eb;

	*own = AggCheckCallContext(fcinfo, &aggcontext) != 0;
	if (*own && !PG_ARGISNULL(0) && (eb = OwnExpandedBasket(PG_GETARG_DATUM(0))) != NULL)
		return eb;
	if (*own)
		eb = NewExpandedBasket(CrmAggStateContext(aggcontext));
	else
		eb = NewExpandedBasket(AllocSetContextCreate(CurrentMemoryContext, "crm basket state",
													 ALLOCSET_DEFAULT_SIZES));
	if (!PG_ARGISNULL(0))
		ExpandedBasketAdd(eb, BasketStateArg(fcinfo, 0));
	return eb;
}

/* What a transition or combine returns: the aggregate's own state, or a flat copy */
static Datum
ReturnState(ExpandedBasket *eb, bool own)
{
	BasketState *flat;

	if (own)
		return EOHPGetRWDatum(&eb->hdr);
	flat = FlattenExpanded(eb);
	MemoryContextDelete(eb->hdr.eoh_context);
	return PointerGetDatum(flat);
}

/* Make room for n int64 in the scratch space of an expanded state */
static void
ScratchReserve(ExpandedBasket *eb, int64 n)
{
	if (n <= eb->scratch_size)
		return;
	if (n > (int64) (MaxAllocSize / sizeof(int64) / 4))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a basket of %lld items is too large", (long long) n)));
	if (eb->scratch != NULL)
		pfree(eb->scratch);
	eb->scratch_size = (int32) Max(n, 2 * (int64) BASKET_MAX_ITEMS + 16);
	eb->scratch = (int64 *) MemoryContextAlloc(eb->hdr.eoh_context,
											   sizeof(int64) * (Size) eb->scratch_size * 2);
}

/*
 * The distinct non-NULL items of a basket, sorted, into the scratch space
 * (NULL items counted in the state); returns their number
 */
static int32
ReadBasket(ExpandedBasket *eb, ArrayType *array)
{
	int			nitems;
	const int64 *data;
	const bits8 *nulls;
	int32		n = 0;
	int32		distinct = 0;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("items must be a one-dimensional array, not one of %d dimensions",
						ARR_NDIM(array))));
	if (ARR_ELEMTYPE(array) != INT8OID)
		elog(ERROR, "crm.basket_fit takes bigint[] items");
	nitems = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	ScratchReserve(eb, nitems);
	data = (const int64 *) ARR_DATA_PTR(array);
	nulls = ARR_NULLBITMAP(array);
	for (int i = 0; i < nitems; i++)
	{
		if (nulls != NULL && !(nulls[i / 8] & (1 << (i % 8))))
		{
			eb->head.n_null_items++;
			continue;
		}
		eb->scratch[n++] = *data++;
	}
	if (n > 1)
		SortInt64(eb->scratch, n);
	for (int32 i = 0; i < n; i++)
		if (distinct == 0 || eb->scratch[i] != eb->scratch[distinct - 1])
			eb->scratch[distinct++] = eb->scratch[i];
	return distinct;
}

/* Is the pair (a < b) frequent in a prior? */
static inline bool
PriorPairFrequent(const BasketPrior *prior, int64 a, int64 b)
{
	PairKey		key = {a, b};

	return pairhash_lookup(prior->pairs, key) != NULL;
}

/*
 * Count the triples of a basket's counted items f[0..nf) whose three pairs
 * were frequent in the prior
 */
static void
CountTriples(ExpandedBasket *eb, const int64 *f, int32 nf, const BasketPrior *prior)
{
	bool	   *freq;

	if ((int64) nf * nf > eb->frequent_size)
	{
		if (eb->frequent != NULL)
			pfree(eb->frequent);
		eb->frequent_size = Max(nf * nf, 4096);
		eb->frequent = (bool *) MemoryContextAlloc(eb->hdr.eoh_context, eb->frequent_size);
	}
	freq = eb->frequent;
	for (int32 i = 0; i < nf; i++)
		for (int32 j = i + 1; j < nf; j++)
			freq[i * nf + j] = PriorPairFrequent(prior, f[i], f[j]);
	for (int32 i = 0; i < nf; i++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int32 j = i + 1; j < nf; j++)
		{
			if (!freq[i * nf + j])
				continue;
			for (int32 l = j + 1; l < nf; l++)
				if (freq[i * nf + l] && freq[j * nf + l])
					AddTriple(eb, f[i], f[j], f[l], 1);
		}
	}
}

/*
 * Add one basket (argument 1) to an expanded state counting up to depth;
 * prior (NULL without) restricts the pairs and triples counted
 */
static void
AddBasket(FunctionCallInfo fcinfo, ExpandedBasket *eb, uint8 depth, const BasketPrior *prior)
{
	int32		n;
	int64	   *items;
	int64	   *f;
	int32		nf = 0;

	if (PG_ARGISNULL(1))
	{
		eb->head.n_empty++;
		return;
	}
	n = ReadBasket(eb, PG_GETARG_ARRAYTYPE_P(1));
	if (n == 0)
	{
		eb->head.n_empty++;
		return;
	}
	if (n > BASKET_MAX_ITEMS)
	{
		eb->head.n_skipped++;
		return;
	}
	eb->head.n_baskets++;
	items = eb->scratch;
	for (int32 i = 0; i < n; i++)
		AddItem(eb, items[i], 1);
	if (depth < 2)
		return;
	/* the items whose pairs are counted */
	if (prior == NULL)
	{
		f = items;
		nf = n;
	}
	else
	{
		f = eb->scratch + eb->scratch_size;
		for (int32 i = 0; i < n; i++)
			if (itemhash_lookup(prior->items, items[i]) != NULL)
				f[nf++] = items[i];
	}
	for (int32 i = 0; i < nf; i++)
	{
		if ((i & 0x3F) == 0)
			CHECK_FOR_INTERRUPTS();
		for (int32 j = i + 1; j < nf; j++)
			AddPair(eb, f[i], f[j], 1);
	}
	if (depth >= 3 && prior != NULL && nf >= 3)
		CountTriples(eb, f, nf, prior);
}

/* crm.basket_fit(items) transition: every item and pair */
PG_FUNCTION_INFO_V1(basket_trans);
Datum
basket_trans(PG_FUNCTION_ARGS)
{
	bool		own;
	ExpandedBasket *eb = WorkingState(fcinfo, &own);

	Configure(eb, 2, 0, 0, false);
	AddBasket(fcinfo, eb, 2, NULL);
	PG_RETURN_DATUM(ReturnState(eb, own));
}

/* crm.basket_fit(items, max_size) transition: every item (1), or items and pairs (2) */
PG_FUNCTION_INFO_V1(basket_size_trans);
Datum
basket_size_trans(PG_FUNCTION_ARGS)
{
	bool		own;
	ExpandedBasket *eb;
	int32		max_size;

	CheckNotNull(fcinfo, 2, "max_size");
	max_size = PG_GETARG_INT32(2);
	if (max_size < 1 || max_size > 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_size must be 1 or 2, not %d", max_size),
				 errhint("Triples are counted in a second pass: crm.basket_fit(items, prior, min_support).")));
	eb = WorkingState(fcinfo, &own);
	Configure(eb, (uint8) max_size, 0, 0, false);
	AddBasket(fcinfo, eb, (uint8) max_size, NULL);
	PG_RETURN_DATUM(ReturnState(eb, own));
}

/* Build (or rebuild) the call site's prior from a flat prior state */
static void
BuildPrior(BasketPrior *prior, Pointer raw, const BasketState *flat, float8 min_support)
{
	const BasketItem *items = BasketItems(flat);
	const BasketPair *pairs = BasketPairs(flat);
	int32		n_frequent = 0;

	MemoryContextReset(prior->context);
	prior->copy = (BasketState *) MemoryContextAlloc(prior->context, VARSIZE(flat));
	memcpy(prior->copy, flat, VARSIZE(flat));
	prior->raw = raw;
	prior->min_support = min_support;
	prior->min_count = BasketMinCount(min_support, flat->n_baskets);
	prior->depth = (uint8) Min(flat->depth + 1, 3);
	for (int32 i = 0; i < flat->n_items; i++)
		n_frequent += items[i].count >= prior->min_count;
	prior->items = itemhash_create(prior->context, Max(n_frequent, 16), NULL);
	for (int32 i = 0; i < flat->n_items; i++)
	{
		bool		found;

		if (items[i].count >= prior->min_count)
			(void) itemhash_insert(prior->items, items[i].item, &found);
	}
	prior->pairs = pairhash_create(prior->context, 64, NULL);
	if (prior->depth < 3)
		return;
	for (int32 i = 0; i < flat->n_pairs; i++)
	{
		bool		found;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (pairs[i].count >= prior->min_count)
		{
			PairKey		key = {pairs[i].a, pairs[i].b};

			(void) pairhash_insert(prior->pairs, key, &found);
		}
	}
}

/*
 * The call site's prior for arguments 2 (the prior state) and 3
 * (min_support): reused while they are the same, rebuilt otherwise
 */
static BasketPrior *
PriorArg(FunctionCallInfo fcinfo)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	BasketPrior *prior = (BasketPrior *) flinfo->fn_extra;
	Pointer		raw;
	float8		min_support;
	BasketState *flat;

	CheckNotNull(fcinfo, 2, "prior");
	min_support = BasketSupportArg(fcinfo, 3);
	raw = DatumGetPointer(PG_GETARG_DATUM(2));
	if (prior == NULL)
	{
		prior = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(BasketPrior));
		prior->context = AllocSetContextCreate(flinfo->fn_mcxt, "crm basket prior",
											   ALLOCSET_DEFAULT_SIZES);
		flinfo->fn_extra = prior;
	}
	else if (raw == prior->raw && min_support == prior->min_support &&
			 !VARATT_IS_EXTENDED(raw) && VARSIZE(raw) == VARSIZE(prior->copy) &&
			 memcmp(raw, prior->copy, BASKET_HEADER_SIZE) == 0)
		return prior;
	flat = BasketStateArg(fcinfo, 2);
	if (flat->n_baskets == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the prior basket state has no baskets")));
	if (prior->copy != NULL && min_support == prior->min_support &&
		VARSIZE(flat) == VARSIZE(prior->copy) && memcmp(flat, prior->copy, VARSIZE(flat)) == 0)
	{
		prior->raw = raw;
		return prior;
	}
	BuildPrior(prior, raw, flat, min_support);
	return prior;
}

/*
 * crm.basket_fit(items, prior, min_support) transition: every item, and
 * the pairs and triples whose parts were frequent in the prior
 */
PG_FUNCTION_INFO_V1(basket_prior_trans);
Datum
basket_prior_trans(PG_FUNCTION_ARGS)
{
	BasketPrior *prior = PriorArg(fcinfo);
	bool		own;
	ExpandedBasket *eb = WorkingState(fcinfo, &own);

	Configure(eb, prior->depth, prior->min_count, prior->copy->n_baskets, false);
	AddBasket(fcinfo, eb, prior->depth, prior);
	PG_RETURN_DATUM(ReturnState(eb, own));
}

/*
 * Combine (and the transition of crm.basket_merge): add the second state
 * to the first, in place inside an aggregate; called directly, a new state
 */
PG_FUNCTION_INFO_V1(basket_combine);
Datum
basket_combine(PG_FUNCTION_ARGS)
{
	bool		own;
	ExpandedBasket *eb = WorkingState(fcinfo, &own);

	ExpandedBasketAdd(eb, BasketStateArg(fcinfo, 1));
	PG_RETURN_DATUM(ReturnState(eb, own));
}

/*
 * Final function: the flat state (a NOTICE with the number of baskets
 * skipped for their size); NULL without a basket
 */
PG_FUNCTION_INFO_V1(basket_final);
Datum
basket_final(PG_FUNCTION_ARGS)
{
	BasketState *state;
	BasketState *copy;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = BasketStateArg(fcinfo, 0);
	if (state->n_skipped > 0)
		ereport(NOTICE,
				(errmsg("%lld baskets with more than %d distinct items were skipped",
						(long long) state->n_skipped, BASKET_MAX_ITEMS)));
	if (state->n_baskets == 0)
		PG_RETURN_NULL();
	if ((Pointer) state != DatumGetPointer(PG_GETARG_DATUM(0)))
		PG_RETURN_POINTER(state);
	copy = (BasketState *) palloc(VARSIZE(state));
	memcpy(copy, state, VARSIZE(state));
	PG_RETURN_POINTER(copy);
}
