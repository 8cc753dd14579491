/*
 * basket_io.c
 *		The text and binary forms of crm.basket_state, the checks that refuse
 *		impossible states read from outside, and lookups of itemset counts.
 *
 * Text form, one line that round-trips exactly:
 *	 v1 depth=2 baskets=3 skipped=0 empty=1 null_items=2 pruned_at=0
 *		prior_baskets=0 items={1:2,5:3} pairs={1:5:2} triples={}
 * An item is item:count, a pair a:b:count, a triple a:b:c:count, each list
 * in ascending order.
 */
#include "crm.h"
#include "crm_io.h"
#include "basket.h"

#include "common/int.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"

/* The SQL type, for messages */
#define BASKET_TYPE "crm.basket_state"

/* The count of an item in a state, 0 if absent (binary search) */
int64
BasketItemCount(const BasketState *state, int64 item)
{
	const BasketItem *items = BasketItems(state);
	int32		lo = 0;
	int32		hi = state->n_items;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (items[mid].item < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < state->n_items && items[lo].item == item) ? items[lo].count : 0;
}

/* The count of a pair (a < b) in a state, -1 if not counted */
int64
BasketPairCount(const BasketState *state, int64 a, int64 b)
{
	const BasketPair *pairs = BasketPairs(state);
	int32		lo = 0;
	int32		hi = state->n_pairs;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (pairs[mid].a < a || (pairs[mid].a == a && pairs[mid].b < b))
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < state->n_pairs && pairs[lo].a == a && pairs[lo].b == b) ? pairs[lo].count : -1;
}

/*
 * Why a state read from outside is impossible, or NULL: the depth and the
 * pruning consistent, itemsets strictly ascending with counts in
 * [1, baskets], a pair's items (and a triple's pairs) counted and holding
 * at least its count
 */
static const char *
StateProblem(const BasketState *state)
{
	const BasketItem *items = BasketItems(state);
	const BasketPair *pairs = BasketPairs(state);
	const BasketTriple *triples = BasketTriples(state);

	if (state->depth < 1 || state->depth > 3)
		return "depth must be 1, 2 or 3";
	if ((state->prune_count == 0) != (state->prune_baskets == 0) ||
		state->prune_count > state->prune_baskets)
		return "pruned_at must be 0 without prior baskets, and at most prior_baskets";
	if (state->depth == 3 && state->prune_count == 0)
		return "triples are only counted with a prior";
	if (state->depth == 1 && state->prune_count != 0)
		return "a state made with a prior counts pairs";
	if (state->depth < 2 && state->n_pairs > 0)
		return "a state of depth 1 has no pairs";
	if (state->depth < 3 && state->n_triples > 0)
		return "a state of depth below 3 has no triples";
	if (state->n_baskets == 0 && state->n_items > 0)
		return "a state without baskets has no items";
	for (int32 i = 0; i < state->n_items; i++)
	{
		if (items[i].count < 1 || items[i].count > state->n_baskets)
			return "item counts must be between 1 and the baskets";
		if (i > 0 && items[i].item <= items[i - 1].item)
			return "items must be strictly increasing";
	}
	for (int32 i = 0; i < state->n_pairs; i++)
	{
		const BasketPair *p = &pairs[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (p->a >= p->b)
			return "the items of a pair must be increasing";
		if (i > 0 && p->a == pairs[i - 1].a && p->b <= pairs[i - 1].b)
			return "pairs must be strictly increasing";
		if (i > 0 && p->a < pairs[i - 1].a)
			return "pairs must be strictly increasing";
		if (p->count < 1 || p->count > BasketItemCount(state, p->a) ||
			p->count > BasketItemCount(state, p->b))
			return "a pair must be counted at least once and at most as often as each of its items";
	}
	for (int32 i = 0; i < state->n_triples; i++)
	{
		const BasketTriple *t = &triples[i];
		int64		ab;
		int64		ac;
		int64		bc;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (t->a >= t->b || t->b >= t->c)
			return "the items of a triple must be increasing";
		if (i > 0 && t->a == triples[i - 1].a && t->b == triples[i - 1].b &&
			t->c <= triples[i - 1].c)
			return "triples must be strictly increasing";
		if (i > 0 && (t->a < triples[i - 1].a ||
					  (t->a == triples[i - 1].a && t->b < triples[i - 1].b)))
			return "triples must be strictly increasing";
		ab = BasketPairCount(state, t->a, t->b);
		ac = BasketPairCount(state, t->a, t->c);
		bc = BasketPairCount(state, t->b, t->c);
		if (t->count < 1 || t->count > ab || t->count > ac || t->count > bc)
			return "a triple must be counted at least once and at most as often as each of its pairs";
	}
	return NULL;
}

/* A flat state with room for the itemsets, its header from head */
static BasketState *
StateAlloc(const BasketState *head, int32 n_items, int32 n_pairs, int32 n_triples)
{
	Size		size = BasketStateSize(n_items, n_pairs, n_triples);
	BasketState *state;

	if (size > BASKET_MAX_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("basket state would exceed 1 GB")));
	state = (BasketState *) palloc0(size);
	memcpy(state, head, sizeof(BasketState));
	SET_VARSIZE(state, size);
	state->version = BASKET_STATE_VERSION;
	state->reserved = 0;
	state->reserved2 = 0;
	state->n_items = n_items;
	state->n_pairs = n_pairs;
	state->n_triples = n_triples;
	return state;
}

/* Read an item id (any bigint) */
static int64
ReadItemId(CrmReader *r)
{
	return CrmReadInt(r, PG_INT64_MIN, PG_INT64_MAX);
}

/* Reads one item "item:count" */
static void
ReadItem(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	BasketItem *e = (BasketItem *) element;

	e->item = ReadItemId(r);
	CrmExpect(r, ":");
	e->count = CrmReadCount(r);
}

/* Reads one pair "a:b:count" */
static void
ReadPair(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	BasketPair *e = (BasketPair *) element;

	e->a = ReadItemId(r);
	CrmExpect(r, ":");
	e->b = ReadItemId(r);
	CrmExpect(r, ":");
	e->count = CrmReadCount(r);
}

/* Reads one triple "a:b:c:count" */
static void
ReadTriple(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	BasketTriple *e = (BasketTriple *) element;

	e->a = ReadItemId(r);
	CrmExpect(r, ":");
	e->b = ReadItemId(r);
	CrmExpect(r, ":");
	e->c = ReadItemId(r);
	CrmExpect(r, ":");
	e->count = CrmReadCount(r);
}

/* Parse the text form of crm.basket_state */
PG_FUNCTION_INFO_V1(basket_state_in);
Datum
basket_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(BASKET_TYPE, PG_GETARG_CSTRING(0));
	BasketState head;
	BasketItem *items;
	BasketPair *pairs;
	BasketTriple *triples;
	int			n_items;
	int			n_pairs;
	int			n_triples;
	BasketState *state;

	memset(&head, 0, sizeof(head));
	CrmExpectVersion(&r, BASKET_STATE_VERSION);
	head.depth = (uint8) CrmReadKeyInt(&r, "depth", 1, 3);
	head.n_baskets = CrmReadKeyCount(&r, "baskets");
	head.n_skipped = CrmReadKeyCount(&r, "skipped");
	head.n_empty = CrmReadKeyCount(&r, "empty");
	head.n_null_items = CrmReadKeyCount(&r, "null_items");
	head.prune_count = CrmReadKeyCount(&r, "pruned_at");
	head.prune_baskets = CrmReadKeyCount(&r, "prior_baskets");
	items = (BasketItem *) CrmReadList(&r, "items", ",", sizeof(BasketItem), ReadItem, NULL, &n_items);
	pairs = (BasketPair *) CrmReadList(&r, "pairs", ",", sizeof(BasketPair), ReadPair, NULL, &n_pairs);
	triples = (BasketTriple *) CrmReadList(&r, "triples", ",", sizeof(BasketTriple), ReadTriple, NULL,
										   &n_triples);
	CrmReadEnd(&r);
	state = StateAlloc(&head, n_items, n_pairs, n_triples);
	if (n_items > 0)
		memcpy(BasketItems(state), items, sizeof(BasketItem) * (Size) n_items);
	if (n_pairs > 0)
		memcpy(BasketPairs(state), pairs, sizeof(BasketPair) * (Size) n_pairs);
	if (n_triples > 0)
		memcpy(BasketTriples(state), triples, sizeof(BasketTriple) * (Size) n_triples);
	CrmReadCheck(&r, StateProblem(state));
	PG_RETURN_POINTER(state);
}

/* Writes one item */
static void
WriteItem(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const BasketItem *e = (const BasketItem *) element;

	appendStringInfo(buf, INT64_FORMAT ":" INT64_FORMAT, e->item, e->count);
}

/* Writes one pair */
static void
WritePair(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const BasketPair *e = (const BasketPair *) element;

	appendStringInfo(buf, INT64_FORMAT ":" INT64_FORMAT ":" INT64_FORMAT, e->a, e->b, e->count);
}

/* Writes one triple */
static void
WriteTriple(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const BasketTriple *e = (const BasketTriple *) element;

	appendStringInfo(buf, INT64_FORMAT ":" INT64_FORMAT ":" INT64_FORMAT ":" INT64_FORMAT,
					 e->a, e->b, e->c, e->count);
}

/* Text form of crm.basket_state (see the top of this file) */
PG_FUNCTION_INFO_V1(basket_state_out);
Datum
basket_state_out(PG_FUNCTION_ARGS)
{
	BasketState *state = BasketStateArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d depth=%d baskets=" INT64_FORMAT " skipped=" INT64_FORMAT
					 " empty=" INT64_FORMAT " null_items=" INT64_FORMAT " pruned_at=" INT64_FORMAT
					 " prior_baskets=" INT64_FORMAT,
					 BASKET_STATE_VERSION, state->depth, state->n_baskets, state->n_skipped,
					 state->n_empty, state->n_null_items, state->prune_count, state->prune_baskets);
	CHECK_FOR_INTERRUPTS();
	CrmAppendList(&buf, "items", ",", BasketItems(state), sizeof(BasketItem), state->n_items,
				  WriteItem, NULL);
	CHECK_FOR_INTERRUPTS();
	CrmAppendList(&buf, "pairs", ",", BasketPairs(state), sizeof(BasketPair), state->n_pairs,
				  WritePair, NULL);
	CHECK_FOR_INTERRUPTS();
	CrmAppendList(&buf, "triples", ",", BasketTriples(state), sizeof(BasketTriple), state->n_triples,
				  WriteTriple, NULL);
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form: version, depth, two zero bytes, baskets, skipped, empty,
 * NULL items, pruned_at, prior baskets, then the items (count, then
 * item:count pairs), the pairs (a, b, count) and the triples (a, b, c,
 * count), each list preceded by its length
 */
PG_FUNCTION_INFO_V1(basket_state_send);
Datum
basket_state_send(PG_FUNCTION_ARGS)
{
	BasketState *state = BasketStateArg(fcinfo, 0);
	const BasketItem *items = BasketItems(state);
	const BasketPair *pairs = BasketPairs(state);
	const BasketTriple *triples = BasketTriples(state);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BASKET_STATE_VERSION);
	pq_sendbyte(&buf, state->depth);
	pq_sendint16(&buf, 0);
	pq_sendint64(&buf, state->n_baskets);
	pq_sendint64(&buf, state->n_skipped);
	pq_sendint64(&buf, state->n_empty);
	pq_sendint64(&buf, state->n_null_items);
	pq_sendint64(&buf, state->prune_count);
	pq_sendint64(&buf, state->prune_baskets);
	pq_sendint32(&buf, state->n_items);
	for (int32 i = 0; i < state->n_items; i++)
	{
		pq_sendint64(&buf, items[i].item);
		pq_sendint64(&buf, items[i].count);
	}
	pq_sendint32(&buf, state->n_pairs);
	for (int32 i = 0; i < state->n_pairs; i++)
	{
		pq_sendint64(&buf, pairs[i].a);
		pq_sendint64(&buf, pairs[i].b);
		pq_sendint64(&buf, pairs[i].count);
	}
	pq_sendint32(&buf, state->n_triples);
	for (int32 i = 0; i < state->n_triples; i++)
	{
		pq_sendint64(&buf, triples[i].a);
		pq_sendint64(&buf, triples[i].b);
		pq_sendint64(&buf, triples[i].c);
		pq_sendint64(&buf, triples[i].count);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Receive a count of a binary form: 22P03 unless >= 0 */
static int64
RecvCount(StringInfo buf)
{
	int64		v = pq_getmsgint64(buf);

	if (v < 0)
		CrmBinaryError(BASKET_TYPE, "counts must be >= 0");
	return v;
}

/* Binary input of crm.basket_state (see basket_state_send) */
PG_FUNCTION_INFO_V1(basket_state_recv);
Datum
basket_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	BasketState head;
	BasketItem *items;
	BasketPair *pairs;
	BasketTriple *triples;
	int32		n_items;
	int32		n_pairs;
	int32		n_triples;
	BasketState *state;

	memset(&head, 0, sizeof(head));
	CrmRecvVersion(buf, BASKET_TYPE, BASKET_STATE_VERSION);
	head.depth = (uint8) pq_getmsgbyte(buf);
	if (pq_getmsgint(buf, 2) != 0)
		CrmBinaryError(BASKET_TYPE, "reserved bytes must be zero");
	head.n_baskets = RecvCount(buf);
	head.n_skipped = RecvCount(buf);
	head.n_empty = RecvCount(buf);
	head.n_null_items = RecvCount(buf);
	head.prune_count = RecvCount(buf);
	head.prune_baskets = RecvCount(buf);
	n_items = CrmRecvLength(buf, BASKET_TYPE, 2 * sizeof(int64), "items");
	items = (BasketItem *) palloc(sizeof(BasketItem) * ((Size) n_items + 1));
	for (int32 i = 0; i < n_items; i++)
	{
		items[i].item = pq_getmsgint64(buf);
		items[i].count = pq_getmsgint64(buf);
	}
	n_pairs = CrmRecvLength(buf, BASKET_TYPE, 3 * sizeof(int64), "pairs");
	pairs = (BasketPair *) palloc(sizeof(BasketPair) * ((Size) n_pairs + 1));
	for (int32 i = 0; i < n_pairs; i++)
	{
		pairs[i].a = pq_getmsgint64(buf);
		pairs[i].b = pq_getmsgint64(buf);
		pairs[i].count = pq_getmsgint64(buf);
	}
	n_triples = CrmRecvLength(buf, BASKET_TYPE, 4 * sizeof(int64), "triples");
	triples = (BasketTriple *) palloc(sizeof(BasketTriple) * ((Size) n_triples + 1));
	for (int32 i = 0; i < n_triples; i++)
	{
		triples[i].a = pq_getmsgint64(buf);
		triples[i].b = pq_getmsgint64(buf);
		triples[i].c = pq_getmsgint64(buf);
		triples[i].count = pq_getmsgint64(buf);
	}
	state = StateAlloc(&head, n_items, n_pairs, n_triples);
	memcpy(BasketItems(state), items, sizeof(BasketItem) * (Size) n_items);
	memcpy(BasketPairs(state), pairs, sizeof(BasketPair) * (Size) n_pairs);
	memcpy(BasketTriples(state), triples, sizeof(BasketTriple) * (Size) n_triples);
	CrmBinaryCheck(BASKET_TYPE, StateProblem(state));
	PG_RETURN_POINTER(state);
}
