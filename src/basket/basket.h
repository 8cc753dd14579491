/*
 * basket.h
 *		Cross-selling rules: exact counts of the items, pairs and triples of
 *		items bought together (crm.basket_state), the frequent itemsets and
 *		association rules read from them, and next-item recommendations.
 *
 * A state counts baskets (one row per order: its items as an array).  It
 * holds the number of baskets and, sorted, every item with the baskets
 * that hold it (16 bytes each), every pair counted (24 bytes) and every
 * triple counted (32 bytes).  Which pairs and triples are counted is fixed
 * by how the state was made (see basket_state.c): all pairs, or only the
 * pairs and triples whose parts were frequent in a prior state of the same
 * baskets.  Every count a state holds is exact, and states merged from
 * partitions, shards or parallel workers equal one pass over all baskets.
 */
#ifndef CRM_BASKET_H
#define CRM_BASKET_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/memutils.h"

#define BASKET_STATE_VERSION 1

/*
 * Most distinct items of a basket that is counted: a larger basket (its
 * pairs grow with the square of its size) is skipped and counted in the
 * state; 1,000 items give at most 499,500 pairs per basket
 */
#define BASKET_MAX_ITEMS 1000

/* Most itemsets a state can hold: its flat form stays under 1 GB */
#define BASKET_MAX_BYTES (MaxAllocSize - 1024)

/* Most rows (k) crm.recommend returns */
#define BASKET_MAX_RECOMMEND 10000

/* An item and the baskets that hold it */
typedef struct BasketItem
{
	int64		item;			/* the item */
	int64		count;			/* baskets holding it */
} BasketItem;

/* A pair of items (a < b) and the baskets that hold both */
typedef struct BasketPair
{
	int64		a;				/* the smaller item */
	int64		b;				/* the larger item */
	int64		count;			/* baskets holding both */
} BasketPair;

/* A triple of items (a < b < c) and the baskets that hold all three */
typedef struct BasketTriple
{
	int64		a;				/* the smallest item */
	int64		b;				/* the middle item */
	int64		c;				/* the largest item */
	int64		count;			/* baskets holding all three */
} BasketTriple;

/*
 * A basket state (flat form): the header, then n_items items sorted by
 * item, n_pairs pairs sorted by (a, b) and n_triples triples sorted by
 * (a, b, c)
 */
typedef struct BasketState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* BASKET_STATE_VERSION */
	uint8		depth;			/* largest itemsets counted: 1, 2 or 3 */
	uint16		reserved;		/* must be zero */
	int32		n_items;		/* distinct items */
	int32		n_pairs;		/* pairs counted */
	int32		n_triples;		/* triples counted */
	int32		reserved2;		/* must be zero */
	int64		n_baskets;		/* baskets counted (at least one item) */
	int64		n_skipped;		/* baskets skipped: more than
								 * BASKET_MAX_ITEMS distinct items */
	int64		n_empty;		/* baskets skipped: NULL or no item */
	int64		n_null_items;	/* NULL items skipped inside baskets */
	int64		prune_count;	/* 0: every pair counted; else pairs and
								 * triples were counted only when all their
								 * parts one item smaller held at least
								 * prune_count baskets of the prior */
	int64		prune_baskets;	/* baskets of that prior (0 unpruned) */
} BasketState;

#define BASKET_HEADER_SIZE MAXALIGN(sizeof(BasketState))

/* The items of a flat state */
static inline BasketItem *
BasketItems(const BasketState *state)
{
	return (BasketItem *) ((char *) state + BASKET_HEADER_SIZE);
}

/* The pairs of a flat state (after its items) */
static inline BasketPair *
BasketPairs(const BasketState *state)
{
	return (BasketPair *) (BasketItems(state) + state->n_items);
}

/* The triples of a flat state (after its pairs) */
static inline BasketTriple *
BasketTriples(const BasketState *state)
{
	return (BasketTriple *) (BasketPairs(state) + state->n_pairs);
}

/* Bytes of the flat form of a state with these numbers of itemsets */
static inline Size
BasketStateSize(int64 n_items, int64 n_pairs, int64 n_triples)
{
	return BASKET_HEADER_SIZE + sizeof(BasketItem) * (Size) n_items +
		sizeof(BasketPair) * (Size) n_pairs + sizeof(BasketTriple) * (Size) n_triples;
}

/* Argument argno, a basket state, flat and detoasted */
extern BasketState *BasketStateArg(FunctionCallInfo fcinfo, int argno);

/*
 * The smallest count c >= 1 of baskets whose support c / n reaches
 * min_support (the comparison the accessors make, in float8)
 */
extern int64 BasketMinCount(float8 min_support, int64 n_baskets);

/*
 * The min_support argument argno: 22004 if NULL, 22023 unless in (0, 1]
 */
extern float8 BasketSupportArg(FunctionCallInfo fcinfo, int argno);

/* The count of an item in a state, 0 if absent (binary search) */
extern int64 BasketItemCount(const BasketState *state, int64 item);

/* The count of a pair (a < b) in a state, -1 if not counted */
extern int64 BasketPairCount(const BasketState *state, int64 a, int64 b);

#endif							/* CRM_BASKET_H */
