/*
 * basket_rules.c
 *		The results read from a crm.basket_state: its counts, the frequent
 *		itemsets, the association rules and next-item recommendations.
 *
 * With n baskets, an itemset held by c of them has support c / n, and it is
 * frequent when c / n >= min_support (compared in float8, as a query
 * dividing two counts does).  A rule X -> Y (X of one or two items, Y one
 * item) is read from the frequent itemset X u Y:
 *	 support	= c(XY) / n
 *	 confidence = c(XY) / c(X)
 *	 lift		= confidence / (c(Y) / n) = c(XY) n / (c(X) c(Y))
 *	 conviction = (1 - c(Y) / n) / (1 - confidence)
 *				= (n - c(Y)) c(X) / (n (c(X) - c(XY)))
 * Conviction is infinite when the confidence is 1 (c(XY) = c(X)): it is
 * then NULL, never Infinity.
 */
#include "crm.h"
#include "basket.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

/* A frequent itemset, for sorting */
typedef struct ItemsetRow
{
	int64		items[3];		/* its items, ascending */
	int32		size;			/* how many */
	int64		count;			/* baskets holding all of them */
} ItemsetRow;

/* A rule X -> y, for sorting */
typedef struct RuleRow
{
	int64		x[2];			/* the antecedent, ascending */
	int32		x_size;			/* its items: 1 or 2 */
	int64		y;				/* the consequent */
	int64		x_count;		/* baskets holding X */
	int64		y_count;		/* baskets holding y */
	int64		count;			/* baskets holding X and y */
	float8		confidence;		/* count / x_count */
	float8		lift;			/* count n / (x_count y_count) */
} RuleRow;

/* A bigint[] of n items */
static Datum
ItemArray(const int64 *items, int n)
{
	Datum		elems[3];

	for (int i = 0; i < n; i++)
		elems[i] = Int64GetDatum(items[i]);
	return PointerGetDatum(construct_array(elems, n, INT8OID, sizeof(int64), FLOAT8PASSBYVAL,
										   TYPALIGN_DOUBLE));
}

/* Compare two item lists: shorter first, then element by element */
static int
CompareItemLists(const int64 *a, int na, const int64 *b, int nb)
{
	if (na != nb)
		return na < nb ? -1 : 1;
	for (int i = 0; i < na; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* qsort order of itemsets: size, count descending, items */
static int
CompareItemsetRows(const void *pa, const void *pb)
{
	const ItemsetRow *a = (const ItemsetRow *) pa;
	const ItemsetRow *b = (const ItemsetRow *) pb;

	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return CompareItemLists(a->items, a->size, b->items, b->size);
}

/*
 * Order of rules: confidence, lift and count descending, then the shorter
 * antecedent, the antecedent's items and the consequent ascending
 */
static int
CompareRules(const RuleRow *a, const RuleRow *b)
{
	int			c;

	if (a->confidence != b->confidence)
		return a->confidence > b->confidence ? -1 : 1;
	if (a->lift != b->lift)
		return a->lift > b->lift ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	c = CompareItemLists(a->x, a->x_size, b->x, b->x_size);
	if (c != 0)
		return c;
	return (a->y > b->y) - (a->y < b->y);
}

/* qsort wrapper of CompareRules */
static int
CompareRuleRows(const void *pa, const void *pb)
{
	return CompareRules((const RuleRow *) pa, (const RuleRow *) pb);
}

/*
 * The smallest count of a frequent itemset at min_support in a state: 22023
 * when the state cannot answer it exactly (pruned at a higher support, or
 * its counts are not those of its prior's baskets)
 */
static int64
StateMinCount(const BasketState *state, float8 min_support, const char *function)
{
	int64		c = BasketMinCount(min_support, state->n_baskets);

	if (state->prune_count == 0)
		return c;
	if (state->n_baskets != state->prune_baskets)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot read a basket state pruned with a prior of %lld baskets that counts %lld",
						function, (long long) state->prune_baskets, (long long) state->n_baskets),
				 errdetail("Its pairs and triples are exact only over the baskets of its prior."),
				 errhint("Count the second pass over the same baskets as the first.")));
	if (c < state->prune_count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_support %g is below the support the basket state was pruned at (%lld of %lld baskets)",
						min_support, (long long) state->prune_count, (long long) state->prune_baskets),
				 errhint("Use min_support >= %.17g, or count again with a prior at a lower min_support.",
						 (float8) state->prune_count / (float8) state->prune_baskets)));
	return c;
}

/* The min_confidence argument argno: 22004 if NULL, 22023 unless in [0, 1] */
static float8
ConfidenceArg(FunctionCallInfo fcinfo, int argno)
{
	float8		c;

	CheckNotNull(fcinfo, argno, "min_confidence");
	c = PG_GETARG_FLOAT8(argno);
	if (!(c >= 0 && c <= 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_confidence must be in [0, 1], not %g", c)));
	return c;
}

/* Raise 22023 unless a state counted pairs */
static void
CheckHasPairs(const BasketState *state, const char *function)
{
	if (state->depth < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs a basket state with pairs, not one of items only", function),
				 errhint("Count pairs with crm.basket_fit(items) or crm.basket_fit(items, prior, min_support).")));
}

/* crm.basket_summary(state): the counts of a state */
PG_FUNCTION_INFO_V1(basket_summary);
Datum
basket_summary(PG_FUNCTION_ARGS)
{
	BasketState *state = BasketStateArg(fcinfo, 0);
	TupleDesc	desc;
	Datum		values[10];
	bool		nulls[10] = {0};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.basket_summary must return a record");
	values[0] = Int64GetDatum(state->n_baskets);
	values[1] = Int64GetDatum(state->n_skipped);
	values[2] = Int64GetDatum(state->n_empty);
	values[3] = Int64GetDatum(state->n_null_items);
	values[4] = Int32GetDatum(state->depth);
	values[5] = Int32GetDatum(state->n_items);
	values[6] = Int32GetDatum(state->n_pairs);
	values[7] = Int32GetDatum(state->n_triples);
	values[8] = Int64GetDatum(state->prune_count);
	values[9] = Int64GetDatum(state->prune_baskets);
	nulls[8] = nulls[9] = state->prune_count == 0;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* An itemset row of size items a, b, c (the first size of them) */
static ItemsetRow
MakeItemset(int64 a, int64 b, int64 c, int32 size, int64 count)
{
	ItemsetRow	row;

	row.items[0] = a;
	row.items[1] = b;
	row.items[2] = c;
	row.size = size;
	row.count = count;
	return row;
}

/*
 * crm.frequent_itemsets(state, min_support): the itemsets of 1 to 3 items
 * held by at least min_support of the baskets, by size, then count
 * descending, then items
 */
PG_FUNCTION_INFO_V1(basket_frequent_itemsets);
Datum
basket_frequent_itemsets(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	BasketState *state = BasketStateArg(fcinfo, 0);
	float8		min_support = BasketSupportArg(fcinfo, 1);
	int64		min_count = StateMinCount(state, min_support, "crm.frequent_itemsets");
	const BasketItem *items = BasketItems(state);
	const BasketPair *pairs = BasketPairs(state);
	const BasketTriple *triples = BasketTriples(state);
	ItemsetRow *rows;
	int64		n = 0;

	InitMaterializedSRF(fcinfo, 0);
	rows = (ItemsetRow *) palloc_extended(sizeof(ItemsetRow) *
										  ((Size) state->n_items + state->n_pairs + state->n_triples + 1),
										  MCXT_ALLOC_HUGE);
	for (int32 i = 0; i < state->n_items; i++)
		if (items[i].count >= min_count)
			rows[n++] = MakeItemset(items[i].item, 0, 0, 1, items[i].count);
	for (int32 i = 0; i < state->n_pairs; i++)
		if (pairs[i].count >= min_count)
			rows[n++] = MakeItemset(pairs[i].a, pairs[i].b, 0, 2, pairs[i].count);
	for (int32 i = 0; i < state->n_triples; i++)
		if (triples[i].count >= min_count)
			rows[n++] = MakeItemset(triples[i].a, triples[i].b, triples[i].c, 3, triples[i].count);
	qsort(rows, n, sizeof(ItemsetRow), CompareItemsetRows);
	for (int64 i = 0; i < n; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {0};

		if ((i & 0x3FF) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = ItemArray(rows[i].items, rows[i].size);
		values[1] = Int32GetDatum(rows[i].size);
		values[2] = Int64GetDatum(rows[i].count);
		values[3] = Float8GetDatum((float8) rows[i].count / (float8) state->n_baskets);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* Fill the measures of a rule X -> y from its counts */
static void
RuleMeasures(RuleRow *rule, int64 n_baskets)
{
	rule->confidence = (float8) rule->count / (float8) rule->x_count;
	rule->lift = (float8) rule->count * (float8) n_baskets /
		((float8) rule->x_count * (float8) rule->y_count);
}

/* The rule X -> y of a state (X of x_size items ascending), its counts looked up */
static RuleRow
MakeRule(const BasketState *state, const int64 *x, int x_size, int64 y, int64 count)
{
	RuleRow		rule;

	memset(&rule, 0, sizeof(rule));
	rule.x[0] = x[0];
	rule.x[1] = x_size > 1 ? x[1] : 0;
	rule.x_size = x_size;
	rule.y = y;
	rule.count = count;
	rule.x_count = x_size == 1 ? BasketItemCount(state, x[0]) : BasketPairCount(state, x[0], x[1]);
	rule.y_count = BasketItemCount(state, y);
	if (rule.x_count < count || rule.y_count < count)
		elog(ERROR, "basket state is inconsistent");
	RuleMeasures(&rule, state->n_baskets);
	return rule;
}

/*
 * The rules of the frequent pairs and triples of a state with confidence at
 * least min_confidence, unsorted; *n gets their number
 */
static RuleRow *
CollectRules(const BasketState *state, int64 min_count, float8 min_confidence, int64 *n)
{
	const BasketPair *pairs = BasketPairs(state);
	const BasketTriple *triples = BasketTriples(state);
	RuleRow    *rules = (RuleRow *) palloc_extended(sizeof(RuleRow) *
													(2 * (Size) state->n_pairs + 3 * (Size) state->n_triples + 1),
													MCXT_ALLOC_HUGE);

	*n = 0;
	for (int32 i = 0; i < state->n_pairs; i++)
	{
		const BasketPair *p = &pairs[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (p->count < min_count)
			continue;
		rules[(*n)++] = MakeRule(state, &p->a, 1, p->b, p->count);
		rules[(*n)++] = MakeRule(state, &p->b, 1, p->a, p->count);
	}
	for (int32 i = 0; i < state->n_triples; i++)
	{
		const BasketTriple *t = &triples[i];
		int64		ab[2] = {t->a, t->b};
		int64		ac[2] = {t->a, t->c};
		int64		bc[2] = {t->b, t->c};

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (t->count < min_count)
			continue;
		rules[(*n)++] = MakeRule(state, ab, 2, t->c, t->count);
		rules[(*n)++] = MakeRule(state, ac, 2, t->b, t->count);
		rules[(*n)++] = MakeRule(state, bc, 2, t->a, t->count);
	}
	/* keep the rules that reach min_confidence */
	{
		int64		kept = 0;

		for (int64 i = 0; i < *n; i++)
			if (rules[i].confidence >= min_confidence)
				rules[kept++] = rules[i];
		*n = kept;
	}
	return rules;
}

/*
 * crm.association_rules(state, min_support, min_confidence): every rule
 * X -> y of a frequent itemset with confidence >= min_confidence, by
 * confidence, lift and count descending (then antecedent and consequent)
 */
PG_FUNCTION_INFO_V1(basket_association_rules);
Datum
basket_association_rules(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	BasketState *state = BasketStateArg(fcinfo, 0);
	float8		min_support = BasketSupportArg(fcinfo, 1);
	float8		min_confidence = ConfidenceArg(fcinfo, 2);
	int64		min_count;
	RuleRow    *rules;
	int64		n;

	CheckHasPairs(state, "crm.association_rules");
	min_count = StateMinCount(state, min_support, "crm.association_rules");
	InitMaterializedSRF(fcinfo, 0);
	rules = CollectRules(state, min_count, min_confidence, &n);
	qsort(rules, n, sizeof(RuleRow), CompareRuleRows);
	for (int64 i = 0; i < n; i++)
	{
		const RuleRow *r = &rules[i];
		Datum		values[9];
		bool		nulls[9] = {0};
		float8		nb = (float8) state->n_baskets;

		if ((i & 0x3FF) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = ItemArray(r->x, r->x_size);
		values[1] = ItemArray(&r->y, 1);
		values[2] = Int64GetDatum(r->x_count);
		values[3] = Int64GetDatum(r->y_count);
		values[4] = Int64GetDatum(r->count);
		values[5] = Float8GetDatum((float8) r->count / nb);
		values[6] = Float8GetDatum(r->confidence);
		values[7] = Float8GetDatum(r->lift);
		if (r->count == r->x_count)
			nulls[8] = true;
		else
			values[8] = Float8GetDatum((nb - (float8) r->y_count) * (float8) r->x_count /
									   (nb * (float8) (r->x_count - r->count)));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* Is item in the sorted distinct basket b[0..n)? */
static bool
InBasket(const int64 *b, int n, int64 item)
{
	int			lo = 0;
	int			hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (b[mid] < item)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && b[lo] == item;
}

/* qsort comparator of int64, ascending */
static int
CompareInt64(const void *pa, const void *pb)
{
	int64		a = *(const int64 *) pa;
	int64		b = *(const int64 *) pb;

	return (a > b) - (a < b);
}

/*
 * The distinct non-NULL items of a basket argument, sorted; *n gets their
 * number
 */
static int64 *
BasketArg(FunctionCallInfo fcinfo, int argno, int *n)
{
	ArrayType  *array;
	Datum	   *elems;
	bool	   *isnull;
	int			nelems;
	int64	   *items;
	int			m = 0;

	CheckNotNull(fcinfo, argno, "basket");
	array = PG_GETARG_ARRAYTYPE_P(argno);
	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("basket must be a one-dimensional array, not one of %d dimensions",
						ARR_NDIM(array))));
	deconstruct_array(array, INT8OID, sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elems, &isnull, &nelems);
	items = (int64 *) palloc(sizeof(int64) * (nelems + 1));
	for (int i = 0; i < nelems; i++)
		if (!isnull[i])
			items[m++] = DatumGetInt64(elems[i]);
	qsort(items, m, sizeof(int64), CompareInt64);
	*n = 0;
	for (int i = 0; i < m; i++)
		if (*n == 0 || items[i] != items[*n - 1])
			items[(*n)++] = items[i];
	return items;
}

/* The best rule found so far for an item to recommend */
typedef struct BestRule
{
	int64		item;			/* the hash key: the consequent */
	RuleRow		rule;			/* its best rule */
} BestRule;

/* Keep rule as the best rule of its consequent in best (a hash table by item) */
static void
KeepBest(HTAB *best, const RuleRow *rule)
{
	bool		found;
	BestRule   *entry = (BestRule *) hash_search(best, &rule->y, HASH_ENTER, &found);

	if (!found || CompareRules(rule, &entry->rule) < 0)
		entry->rule = *rule;
}

/*
 * The recommendations for a basket: for each item not in it, its best rule
 * X -> item with X in the basket (counts >= min_count, confidence >=
 * min_confidence), the k best items by the order of CompareRules
 */
static Datum
Recommend(FunctionCallInfo fcinfo, const BasketState *state, int64 min_count,
		  float8 min_confidence)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	const BasketPair *pairs = BasketPairs(state);
	const BasketTriple *triples = BasketTriples(state);
	int			nb;
	int64	   *basket = BasketArg(fcinfo, 1, &nb);
	int32		k;
	HASHCTL		ctl;
	HTAB	   *best;
	HASH_SEQ_STATUS seq;
	BestRule   *entry;
	RuleRow    *ranked;
	int64		n = 0;

	CheckNotNull(fcinfo, 2, "k");
	k = PG_GETARG_INT32(2);
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be at least 1, not %d", k)));
	CheckSizeBound(k, BASKET_MAX_RECOMMEND, "k");
	CheckHasPairs(state, "crm.recommend");
	InitMaterializedSRF(fcinfo, 0);
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(BestRule);
	ctl.hcxt = CurrentMemoryContext;
	best = hash_create("crm recommendations", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (int32 i = 0; i < state->n_pairs; i++)
	{
		const BasketPair *p = &pairs[i];
		bool		has_a;
		bool		has_b;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (p->count < min_count)
			continue;
		has_a = InBasket(basket, nb, p->a);
		has_b = InBasket(basket, nb, p->b);
		if (has_a == has_b)
			continue;
		{
			RuleRow		rule = has_a ? MakeRule(state, &p->a, 1, p->b, p->count) :
				MakeRule(state, &p->b, 1, p->a, p->count);

			if (rule.confidence >= min_confidence)
				KeepBest(best, &rule);
		}
	}
	for (int32 i = 0; i < state->n_triples; i++)
	{
		const BasketTriple *t = &triples[i];
		int64		x[2];
		int64		y;
		bool		has[3];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (t->count < min_count)
			continue;
		has[0] = InBasket(basket, nb, t->a);
		has[1] = InBasket(basket, nb, t->b);
		has[2] = InBasket(basket, nb, t->c);
		if (has[0] + has[1] + has[2] != 2)
			continue;
		if (!has[0])
			x[0] = t->b, x[1] = t->c, y = t->a;
		else if (!has[1])
			x[0] = t->a, x[1] = t->c, y = t->b;
		else
			x[0] = t->a, x[1] = t->b, y = t->c;
		{
			RuleRow		rule = MakeRule(state, x, 2, y, t->count);

			if (rule.confidence >= min_confidence)
				KeepBest(best, &rule);
		}
	}
	ranked = (RuleRow *) palloc(sizeof(RuleRow) * (hash_get_num_entries(best) + 1));
	hash_seq_init(&seq, best);
	while ((entry = (BestRule *) hash_seq_search(&seq)) != NULL)
		ranked[n++] = entry->rule;
	qsort(ranked, n, sizeof(RuleRow), CompareRuleRows);
	for (int64 i = 0; i < Min(n, (int64) k); i++)
	{
		const RuleRow *r = &ranked[i];
		Datum		values[7];
		bool		nulls[7] = {0};

		values[0] = Int32GetDatum((int32) i + 1);
		values[1] = Int64GetDatum(r->y);
		values[2] = ItemArray(r->x, r->x_size);
		values[3] = Int64GetDatum(r->count);
		values[4] = Float8GetDatum((float8) r->count / (float8) state->n_baskets);
		values[5] = Float8GetDatum(r->confidence);
		values[6] = Float8GetDatum(r->lift);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * crm.recommend(state, basket, k, min_support, min_confidence): the k
 * items to offer next, from the frequent rules whose antecedent is in the
 * basket
 */
PG_FUNCTION_INFO_V1(basket_recommend);
Datum
basket_recommend(PG_FUNCTION_ARGS)
{
	BasketState *state;
	float8		min_support;
	float8		min_confidence;

	CheckNotNull(fcinfo, 0, "state");
	state = BasketStateArg(fcinfo, 0);
	min_support = BasketSupportArg(fcinfo, 3);
	min_confidence = ConfidenceArg(fcinfo, 4);
	return Recommend(fcinfo, state, StateMinCount(state, min_support, "crm.recommend"),
					 min_confidence);
}

/*
 * crm.recommend(state, basket, k): the same from every itemset the state
 * counted (all of them are exact), any confidence
 */
PG_FUNCTION_INFO_V1(basket_recommend_all);
Datum
basket_recommend_all(PG_FUNCTION_ARGS)
{
	BasketState *state;

	CheckNotNull(fcinfo, 0, "state");
	state = BasketStateArg(fcinfo, 0);
	return Recommend(fcinfo, state, 1, 0);
}
