/*
 * cohort_state.c
 *		crm.cohort_state: the exact, mergeable state of crm.cohort_fit (see
 *		cohort.h), its transition and merge, and the final function that
 *		turns it into a crm.cohort_table (its text and binary forms are in
 *		cohort_state_io.c).
 *
 * Each event becomes a (customer hash, period) pair appended to a buffer;
 * when the buffer fills it is sorted (an inlined sort), collapsed and merged
 * into the sorted run in place, and the state grows only when the run
 * leaves too little room.  So a transition is O(1) amortized, allocates
 * nothing per row, and memory follows the distinct active customer-periods,
 * not the events.  Inside an aggregate the state is an expanded object
 * that grows in place (repalloc), never copied whole; merging a state
 * (cohort_combine: crm.cohort_merge, a parallel plan's combine step) adds
 * its pairs the same way, a long sorted run merged straight in.  An
 * expanded state is compacted when it is flattened, so what leaves an
 * aggregate (a parallel worker's state included) is its sorted distinct
 * pairs, never the raw buffer or spare room.
 */
#include "crm.h"
#include "agg_states.h"
#include "cohort.h"

#include "access/htup_details.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/expandeddatum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"

/* Slots of a new state */
#define COHORT_INITIAL_SLOTS 64
/* Slots of a new state inside an aggregate (one of many groups' may stay small) */
#define COHORT_FIRST_SLOTS 8
/* Most slots of a state: its size stays within 1 GB */
#define COHORT_MAX_SLOTS \
	((int32) ((MaxAllocSize - COHORT_STATE_HEADER_SIZE) / sizeof(CohortPair)))

StaticAssertDecl(sizeof(CohortPair) == 12, "CohortPair must be 12 bytes");
StaticAssertDecl(COHORT_STATE_HEADER_SIZE == 48,
				 "CohortState header must be 48 bytes");

/* ---------------------------------------------------------------------------
 * The state: construction, sorting and merging
 * ---------------------------------------------------------------------------
 */

/* SortPairs(pairs, n): an inlined sort of pairs (faster than qsort) */
#define ST_SORT SortPairs
#define ST_ELEMENT_TYPE CohortPair
#define ST_COMPARE(a, b) CohortComparePairs(a, b)
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* A new empty state of a window with room for slots pairs */
CohortState *
CohortStateCreate(const CohortWindow *window, int32 slots)
{
	CohortState *state = (CohortState *) palloc0(CohortStateSize(slots));

	SET_VARSIZE(state, CohortStateSize(slots));
	state->version = COHORT_STATE_VERSION;
	state->window = *window;
	state->capacity = slots;
	return state;
}

/* A copy of a state (run and buffer) with room for slots pairs */
CohortState *
CohortStateCopy(const CohortState *state, int32 slots)
{
	int32		used = state->n_distinct + state->n_buffered;
	CohortState *copy = CohortStateCreate(&state->window, Max(slots, used));

	copy->n_distinct = state->n_distinct;
	copy->n_buffered = state->n_buffered;
	copy->n_events = state->n_events;
	copy->n_ignored = state->n_ignored;
	memcpy(copy->pairs, state->pairs, sizeof(CohortPair) * (Size) used);
	return copy;
}

/* Sort pairs and drop repeated ones in place; returns how many remain */
static int32
SortAndCollapse(CohortPair *pairs, int32 n)
{
	int32		distinct = 0;

	SortPairs(pairs, n);
	CHECK_FOR_INTERRUPTS();
	for (int32 i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (distinct == 0 || CohortComparePairs(&pairs[distinct - 1], &pairs[i]) != 0)
			pairs[distinct++] = pairs[i];
	}
	return distinct;
}

/*
 * Merge a sorted run of distinct pairs held elsewhere (other, nb) into the
 * sorted run at the start of run (n), which has room for n + nb, keeping
 * one copy of repeated pairs: backwards from the end of that room, then the
 * gap left by repeats is closed.  Returns the length of the merged run.
 */
static int32
MergePairsInPlace(CohortPair *run, int32 n, const CohortPair *other, int32 nb)
{
	int32		i = n - 1;
	int32		j = nb - 1;
	int32		out = n + nb - 1;

	/* runs that do not overlap: append */
	if (n == 0 || nb == 0 || CohortComparePairs(&run[n - 1], &other[0]) < 0)
	{
		if (nb > 0)
			memcpy(run + n, other, sizeof(CohortPair) * (Size) nb);
		return n + nb;
	}
	/* invariant: out - i = (j + 1) + repeats so far, so out > i while j >= 0 */
	while (j >= 0)
	{
		int			cmp = (i >= 0) ? CohortComparePairs(&run[i], &other[j]) : -1;

		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (cmp > 0)
			run[out--] = run[i--];
		else
		{
			if (cmp == 0)
				i--;			/* a repeat: keep one copy */
			run[out--] = other[j--];
		}
	}
	/* run[0..i] is in place; close the gap the repeats left */
	if (out > i)
		memmove(&run[i + 1], &run[out + 1],
				sizeof(CohortPair) * (Size) (n + nb - 1 - out));
	return (i + 1) + (n + nb - 1 - out);
}

/*
 * Sort the buffer of a state and merge it into the run, in place (with a
 * copy of the buffer, which the backwards merge must not overwrite)
 */
static void
StateMergeBuffer(CohortState *state)
{
	CohortPair *run = state->pairs;
	int32		n = state->n_distinct;
	int32		nb;
	CohortPair *buffer;

	if (state->n_buffered == 0)
		return;
	nb = SortAndCollapse(run + n, state->n_buffered);
	state->n_buffered = 0;
	if (n == 0 || CohortComparePairs(&run[n - 1], &run[n]) < 0)
	{
		state->n_distinct = n + nb;
		return;
	}
	buffer = (CohortPair *) palloc(sizeof(CohortPair) * (Size) nb);
	memcpy(buffer, run + n, sizeof(CohortPair) * (Size) nb);
	state->n_distinct = MergePairsInPlace(run, n, buffer, nb);
	pfree(buffer);
}

/*
 * Merge the buffer and make room for need more pairs; returns the state,
 * grown when the run leaves less than half its size free: in place
 * (repalloc) for an expanded state's own (in_place), else a larger copy
 */
static CohortState *
StateMakeRoom(CohortState *state, int64 need, bool in_place)
{
	int64		used;
	int64		free_slots;
	int64		slots;

	StateMergeBuffer(state);
	used = state->n_distinct;
	free_slots = state->capacity - used;
	if (free_slots >= need &&
		(free_slots >= used / 2 || state->capacity == COHORT_MAX_SLOTS))
		return state;
	slots = Max(Max(used * 2, used + need), COHORT_INITIAL_SLOTS);
	if (slots > COHORT_MAX_SLOTS)
	{
		slots = COHORT_MAX_SLOTS;
		if (slots - used < need)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("cohort state would exceed 1 GB"),
					 errdetail("It holds " INT64_FORMAT " distinct customer-periods.", used),
					 errhint("Compute tables per group of customers (GROUP BY a hash of the id) and add them with crm.cohort_sum.")));
	}
	if (!in_place)
		return CohortStateCopy(state, (int32) slots);
	state = (CohortState *) repalloc(state, CohortStateSize(slots));
	SET_VARSIZE(state, CohortStateSize(slots));
	state->capacity = (int32) slots;
	return state;
}

/* Add one pair to a state; returns the state (it may move; in_place as StateMakeRoom) */
static inline CohortState *
StateAddPair(CohortState *state, uint64 hash, int32 period, bool in_place)
{
	CohortPair *slot;

	if (unlikely(state->n_distinct + state->n_buffered >= state->capacity))
		state = StateMakeRoom(state, 1, in_place);
	slot = &state->pairs[state->n_distinct + state->n_buffered++];
	slot->hash_hi = (uint32) (hash >> 32);
	slot->hash_lo = (uint32) hash;
	slot->period = period;
	return state;
}

/*
 * An aggregate's state: an expanded object holding a flat state that grows
 * in place (repalloc in the aggregate's shared states context,
 * agg_states.h), so the executor keeps it without copying, and that is
 * compacted when it is flattened (a parallel worker's partial state sent to
 * the leader, an output): the flat form is the sorted distinct pairs,
 * without buffer or spare room.
 */
typedef struct ExpandedCohortState
{
	ExpandedObjectHeader hdr;	/* standard expanded-object header */
	CohortState *flat;			/* the state, in hdr.eoh_context */
} ExpandedCohortState;

/* Size of the flat form of an expanded state: its buffer merged, no spare room */
static Size
ExpandedCohortFlatSize(ExpandedObjectHeader *eohptr)
{
	CohortState *flat = ((ExpandedCohortState *) eohptr)->flat;
	MemoryContext old_context;

	/*
	 * the merge needs a temporary array: not in the caller's context, which
	 * may not free chunks (a tuplesort's bump context, PostgreSQL 17 on),
	 * but in the state's own
	 */
	old_context = MemoryContextSwitchTo(eohptr->eoh_context);
	StateMergeBuffer(flat);
	MemoryContextSwitchTo(old_context);
	return CohortStateSize(flat->n_distinct);
}

/* Write the flat form of an expanded state into result */
static void
ExpandedCohortFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	const CohortState *flat = ((ExpandedCohortState *) eohptr)->flat;
	CohortState *out = (CohortState *) result;

	Assert(flat->n_buffered == 0 && allocated_size == CohortStateSize(flat->n_distinct));
	memcpy(out, flat, allocated_size);
	SET_VARSIZE(out, allocated_size);
	out->capacity = out->n_distinct;
}

static const ExpandedObjectMethods ExpandedCohortMethods = {
	ExpandedCohortFlatSize,
	ExpandedCohortFlatten
};

/* The expanded state a datum points to, or NULL for a flat one */
static ExpandedCohortState *
ExpandedCohortOf(Datum datum)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(datum)) &&
		DatumGetEOHP(datum)->eoh_methods == &ExpandedCohortMethods)
		return (ExpandedCohortState *) DatumGetEOHP(datum);
	return NULL;
}

/* A new expanded state of aggregate context parent (agg_states.h) holding a copy of state, with room for more pairs */
static ExpandedCohortState *
NewExpandedCohort(MemoryContext parent, const CohortState *state, int64 more)
{
	MemoryContext context = CrmAggStateContext(parent);
	ExpandedCohortState *expanded = (ExpandedCohortState *)
		MemoryContextAlloc(context, sizeof(ExpandedCohortState));
	MemoryContext old_context = MemoryContextSwitchTo(context);
	int64		used = (int64) state->n_distinct + state->n_buffered;

	EOH_init_header(&expanded->hdr, &ExpandedCohortMethods, context);
	expanded->flat = CohortStateCopy(state, (int32) Min(Max(state->capacity, used + more), COHORT_MAX_SLOTS));
	MemoryContextSwitchTo(old_context);
	return expanded;
}

/*
 * A state to read (never to change): the flat state of an expanded one
 * (compacted in place, which changes nothing it holds), or the detoasted
 * datum
 */
static CohortState *
ReadState(Datum datum)
{
	ExpandedCohortState *expanded = ExpandedCohortOf(datum);

	if (expanded != NULL)
	{
		MemoryContext old_context = MemoryContextSwitchTo(expanded->hdr.eoh_context);

		StateMergeBuffer(expanded->flat);
		MemoryContextSwitchTo(old_context);
		return expanded->flat;
	}
	return (CohortState *) PG_DETOAST_DATUM(datum);
}

/*
 * The state of argument argno with its buffer merged and no spare room: in
 * place when an aggregate lets its final function modify the state, else a
 * copy.  An expanded state is compacted in place and its flat state
 * returned for reading (it keeps its spare room; not a datum to return).
 */
CohortState *
CohortCompactState(FunctionCallInfo fcinfo, int argno)
{
	ExpandedCohortState *expanded = ExpandedCohortOf(PG_GETARG_DATUM(argno));
	CohortState *state;

	if (expanded != NULL)
	{
		MemoryContext old_context = MemoryContextSwitchTo(expanded->hdr.eoh_context);

		StateMergeBuffer(expanded->flat);
		MemoryContextSwitchTo(old_context);
		return expanded->flat;
	}
	state = (CohortState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
	if (state->n_buffered == 0 && state->capacity == state->n_distinct)
		return state;
	if (!CrmArgIsWritable(fcinfo, argno, state))
		state = CohortStateCopy(state, 0);
	StateMergeBuffer(state);
	state->capacity = state->n_distinct;
	SET_VARSIZE(state, CohortStateSize(state->n_distinct));
	return state;
}

/* ---------------------------------------------------------------------------
 * Transition and merge
 * ---------------------------------------------------------------------------
 */

/* The validated parameters of a transition row */
typedef struct CohortParams
{
	CohortWindow window;		/* unit and observation window */
	CrmTimeRules rules;			/* period rules of the unit */
	int32		end_day;		/* last day of the window */
	TimestampTz as_of_ts;		/* as_of of timestamptz rows */
} CohortParams;

/* Per-call-site cache of the cohort transition */
typedef struct CohortCache
{
	LocalDayCache days;			/* timestamp to local day */
	FmgrInfo	hash_proc;		/* extended hash function of the id type */
	Oid			collation;		/* collation the ids are hashed with */
	bool		have_hash;		/* hash_proc and collation are set */
	bool		have_params;	/* params, as_of and unit are filled */
	bool		params_varied;	/* rows came with different parameters */
	bool		state_checked;	/* a state argument was checked against params */
	Datum		as_of;			/* raw as_of argument of params */
	Interval	unit;			/* raw unit argument of params */
	CohortParams params;		/* their validated form */
} CohortCache;

/* The transition cache of this call site, created on first use */
static CohortCache *
GetCohortCache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CohortCache));
	return (CohortCache *) fcinfo->flinfo->fn_extra;
}

/* Validate unit and as_of into params: the window ends with the last complete period */
static void
ValidateParams(const Interval *unit, Datum as_of, bool timestamp_input,
			   LocalDayCache *days, CohortParams *params)
{
	int32		as_of_day;
	int32		next_day;
	int32		period;
	bool		complete;

	memset(params, 0, sizeof(CohortParams));
	CheckCohortUnit(unit, &params->window);
	CohortRules(&params->window, &params->rules);
	if (timestamp_input)
	{
		params->as_of_ts = DatumGetTimestampTz(as_of);
		CheckFiniteTimestamp(params->as_of_ts, "as_of");
		as_of_day = LocalDayOf(params->as_of_ts, days);
		/* complete when the next microsecond is in the next period */
		next_day = LocalDayOf(params->as_of_ts + 1, days);
	}
	else
	{
		as_of_day = CheckFiniteDate(DatumGetDateADT(as_of), "as_of");
		next_day = as_of_day + 1;
	}
	period = PeriodOfDay(&params->rules, as_of_day);
	complete = PeriodOfDay(&params->rules, next_day) != period;
	params->window.last_period = complete ? period : period - 1;
	params->end_day = complete ? as_of_day :
		PeriodStartDay(&params->rules, period) - 1;
}

/* The validated parameters of this row (unit arg 3, as_of arg 4), cached */
static const CohortParams *
RowParams(FunctionCallInfo fcinfo, bool timestamp_input, CohortCache *cache)
{
	Interval   *unit;
	Datum		as_of;

	CheckNotNull(fcinfo, 3, "unit");
	CheckNotNull(fcinfo, 4, "as_of");
	unit = PG_GETARG_INTERVAL_P(3);
	as_of = PG_GETARG_DATUM(4);
	/* by-value date/timestamptz Datums compare as integers */
	if (likely(cache->have_params && as_of == cache->as_of &&
			   unit->month == cache->unit.month &&
			   unit->day == cache->unit.day && unit->time == cache->unit.time))
		return &cache->params;
	ValidateParams(unit, as_of, timestamp_input, &cache->days, &cache->params);
	if (cache->have_params)
		cache->params_varied = true;
	cache->as_of = as_of;
	cache->unit = *unit;
	cache->have_params = true;
	return &cache->params;
}

/* The transition function of an aggregate, or InvalidOid if it is none */
static Oid
AggregateTransition(Oid aggregate)
{
	HeapTuple	tuple = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggregate));
	Oid			transition;

	if (!HeapTupleIsValid(tuple))
		return InvalidOid;
	transition = ((Form_pg_aggregate) GETSTRUCT(tuple))->aggtransfn;
	ReleaseSysCache(tuple);
	return transition;
}

/*
 * The argument expressions of the aggregate call this transition serves:
 * those of its Aggref, or -- when Citus runs it on a worker inside
 * worker_partial_agg(aggregate, argument) or worker_partial_agg(aggregate,
 * ROW(arguments)), recognised by the aggregate's transition being this
 * function -- those of the wrapped call; NIL outside an aggregate
 */
static List *
TransitionArguments(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	List	   *args = NIL;
	ListCell   *cell;
	Const	   *wrapper;

	if (aggref == NULL)
		return NIL;
	foreach(cell, aggref->args)
		args = lappend(args, ((TargetEntry *) lfirst(cell))->expr);
	if (list_length(args) != 2 || !IsA(linitial(args), Const))
		return args;
	wrapper = (Const *) linitial(args);
	if ((wrapper->consttype != REGPROCEDUREOID && wrapper->consttype != OIDOID) ||
		wrapper->constisnull ||
		AggregateTransition(DatumGetObjectId(wrapper->constvalue)) != fcinfo->flinfo->fn_oid)
		return args;
	if (IsA(lsecond(args), RowExpr))
		return ((RowExpr *) lsecond(args))->args;
	return list_make1(lsecond(args));
}

/*
 * The expression argument argno (of type argtype) of this call was coerced
 * from by binary-compatible casts, or NULL if the call's expression is
 * unknown or does not match
 */
static Node *
UncoercedArgument(FunctionCallInfo fcinfo, int argno, Oid argtype)
{
	List	   *args = TransitionArguments(fcinfo);
	Node	   *expr = NULL;

	if (args != NIL)
	{
		/* a transition call: the aggregate's argument argno - 1 (0 is the state) */
		if (argno >= 1 && list_length(args) >= argno)
			expr = (Node *) list_nth(args, argno - 1);
	}
	else if (fcinfo->flinfo->fn_expr != NULL && IsA(fcinfo->flinfo->fn_expr, FuncExpr))
	{
		List	   *call_args = ((FuncExpr *) fcinfo->flinfo->fn_expr)->args;

		if (list_length(call_args) > argno)
			expr = (Node *) list_nth(call_args, argno);
	}
	if (expr == NULL || exprType(expr) != argtype)
		return NULL;

	/*
	 * Every relabelling, explicit casts too: PostgreSQL shares one transition
	 * state between aggregates whose arguments differ only in the kind of
	 * cast, so the kind cannot decide the hash
	 */
	while (IsA(expr, RelabelType))
		expr = (Node *) ((RelabelType *) expr)->arg;
	return expr;
}

/*
 * Type of the customer id (argument 1): the actual argument type, or the
 * declared one when there is no call expression (Citus) -- and of that, the
 * type it was relabelled from by a binary-compatible cast: citext ids reach the text overload
 * relabelled and must hash as citext, case-insensitively
 */
static Oid
CustomerIdType(FunctionCallInfo fcinfo)
{
	Oid			type = get_fn_expr_argtype(fcinfo->flinfo, 1);
	Node	   *source;

	if (!OidIsValid(type))
	{
		Oid		   *declared;
		int			nargs;

		(void) get_func_signature(fcinfo->flinfo->fn_oid, &declared, &nargs);
		if (nargs > 1 && !IsPolymorphicType(declared[1]))
			type = declared[1];
		pfree(declared);
		if (!OidIsValid(type))
			elog(ERROR, "could not determine the type of the customer id");
	}
	source = UncoercedArgument(fcinfo, 1, type);
	return source != NULL ? exprType(source) : type;
}

/* Set up hashing of the customer id (argument 1) by its type's extended hash */
static void
SetUpCustomerHash(FunctionCallInfo fcinfo, CohortCache *cache)
{
	Oid			type = CustomerIdType(fcinfo);
	TypeCacheEntry *entry;

	entry = lookup_type_cache(getBaseType(type), TYPECACHE_HASH_EXTENDED_PROC_FINFO);
	if (!OidIsValid(entry->hash_extended_proc))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_FUNCTION),
				 errmsg("customer id type %s has no extended hash function",
						format_type_be(type)),
				 errdetail("Cohorts identify customers by a 64-bit hash of their id."),
				 errhint("Cast the customer id to a hashable type such as bigint, text or uuid.")));
	fmgr_info_copy(&cache->hash_proc, &entry->hash_extended_proc_finfo,
				   fcinfo->flinfo->fn_mcxt);
	cache->collation = PG_GET_COLLATION();
	if (!OidIsValid(cache->collation) && type_is_collatable(type))
		cache->collation = DEFAULT_COLLATION_OID;
	cache->have_hash = true;
}

/* The 64-bit hash of the customer id of this row (argument 1, not NULL) */
static inline uint64
CustomerHash(FunctionCallInfo fcinfo, CohortCache *cache)
{
	if (unlikely(!cache->have_hash))
		SetUpCustomerHash(fcinfo, cache);
	return DatumGetUInt64(FunctionCall2Coll(&cache->hash_proc, cache->collation,
											PG_GETARG_DATUM(1),
											UInt64GetDatum(0)));
}

/* Raise 22023 unless a state has the observation window of the rows' parameters */
static void
CheckStateWindow(const CohortState *state, const CohortCache *cache)
{
	if (memcmp(&state->window, &cache->params.window, sizeof(CohortWindow)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit and as_of must give the same observation window on every row of a group")));
}

/*
 * The state a transition adds its row to (argument 0, or a new one).
 * Inside an aggregate it is an expanded state of the aggregate's own
 * (*expanded set): made on the first row, or from a flat state once.
 * Outside one it is a copy, since the input must not change.
 */
static CohortState *
TransitionState(FunctionCallInfo fcinfo, CohortCache *cache, ExpandedCohortState **expanded)
{
	MemoryContext aggcontext;
	bool		in_aggregate = AggCheckCallContext(fcinfo, &aggcontext) != 0;
	Datum		raw = PG_GETARG_DATUM(0);
	CohortState *state;

	*expanded = NULL;
	if (in_aggregate && !PG_ARGISNULL(0) && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(raw)) &&
		(*expanded = ExpandedCohortOf(raw)) != NULL)
	{
		/* rows with other parameters, or a cache new to the state (Citus: every row) */
		if (cache->params_varied || !cache->state_checked)
		{
			cache->state_checked = true;
			CheckStateWindow((*expanded)->flat, cache);
		}
		return (*expanded)->flat;
	}
	if (PG_ARGISNULL(0))
		state = CohortStateCreate(&cache->params.window, in_aggregate ? 0 : COHORT_INITIAL_SLOTS);
	else
	{
		ExpandedCohortState *other = ExpandedCohortOf(raw);

		state = other != NULL ? other->flat : (CohortState *) PG_DETOAST_DATUM(raw);
		cache->state_checked = true;
		CheckStateWindow(state, cache);
		if (!in_aggregate)
			return CohortStateCopy(state, state->capacity);
	}
	if (!in_aggregate)
		return state;
	*expanded = NewExpandedCohort(aggcontext, state, COHORT_FIRST_SLOTS);
	return (*expanded)->flat;
}

/* The datum a transition or merge returns: the expanded state, or the flat one */
static Datum
StateResult(ExpandedCohortState *expanded, CohortState *state)
{
	if (expanded != NULL)
	{
		expanded->flat = state;
		return EOHPGetRWDatum(&expanded->hdr);
	}
	return PointerGetDatum(state);
}

/*
 * Shared transition: (state, customer_id anyelement, event_at, unit, as_of).
 * Rows with a NULL customer or event are skipped; events after the window
 * are counted as ignored.
 */
static Datum
CohortTransition(FunctionCallInfo fcinfo, bool timestamp_input)
{
	CohortCache *cache = GetCohortCache(fcinfo);
	const CohortParams *params = RowParams(fcinfo, timestamp_input, cache);
	ExpandedCohortState *expanded;
	CohortState *state = TransitionState(fcinfo, cache, &expanded);
	int32		day;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return StateResult(expanded, state);
	if (timestamp_input)
	{
		TimestampTz ts = PG_GETARG_TIMESTAMPTZ(2);

		CheckFiniteTimestamp(ts, "event_at");
		if (ts > params->as_of_ts)
		{
			state->n_ignored++;
			return StateResult(expanded, state);
		}
		day = LocalDayOf(ts, &cache->days);
	}
	else
		day = CheckFiniteDate(PG_GETARG_DATEADT(2), "event_at");
	if (day > params->end_day)
	{
		state->n_ignored++;
		return StateResult(expanded, state);
	}
	state = StateAddPair(state, CustomerHash(fcinfo, cache),
						 PeriodOfDay(&params->rules, day), expanded != NULL);
	state->n_events++;
	return StateResult(expanded, state);
}

/* Transition of crm.cohort_fit / crm.cohort_partial for date events */
PG_FUNCTION_INFO_V1(cohort_trans_date);
Datum
cohort_trans_date(PG_FUNCTION_ARGS)
{
	return CohortTransition(fcinfo, false);
}

/* Transition of crm.cohort_fit / crm.cohort_partial for timestamptz events */
PG_FUNCTION_INFO_V1(cohort_trans_tstz);
Datum
cohort_trans_tstz(PG_FUNCTION_ARGS)
{
	return CohortTransition(fcinfo, true);
}

/*
 * Add the pairs of src (not dst itself) to a state, in place: src's sorted
 * run merged straight into the run when it is at least a quarter as long
 * (work in proportion to it), else appended to the buffer; src's buffer
 * appended.  Returns the state (it may move; in_place as StateMakeRoom).
 */
static CohortState *
StateAddState(CohortState *dst, const CohortState *src, bool in_place)
{
	int32		n = src->n_distinct;
	int32		nb = src->n_buffered;

	if (n > 0 && n >= Max(COHORT_INITIAL_SLOTS, dst->n_distinct / 4))
	{
		dst = StateMakeRoom(dst, n, in_place);
		dst->n_distinct = MergePairsInPlace(dst->pairs, dst->n_distinct, src->pairs, n);
		n = 0;
	}
	/* the rest (the short run, then the buffer) is appended to the buffer */
	nb += n;
	if (dst->capacity - dst->n_distinct - dst->n_buffered < nb)
		dst = StateMakeRoom(dst, nb, in_place);
	memcpy(&dst->pairs[dst->n_distinct + dst->n_buffered], src->pairs + src->n_distinct - n,
		   sizeof(CohortPair) * (Size) nb);
	dst->n_buffered += nb;
	return dst;
}

/*
 * Combine: the pairs of both states.  Inside an aggregate (crm.cohort_merge,
 * or crm.cohort_fit's combine step) the first argument is the aggregate's
 * own state: an expanded state (a copy of it the first time) that the
 * second state's pairs are added to in place.  Called directly, a new state.
 */
PG_FUNCTION_INFO_V1(cohort_combine);
Datum
cohort_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	Datum		raw = PG_GETARG_DATUM(0);
	ExpandedCohortState *expanded = NULL;
	CohortState *dst;
	CohortState *src;
	int64		n_events;
	int64		n_ignored;

	if (AggCheckCallContext(fcinfo, &aggcontext) != 0 &&
		VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(raw)))
		expanded = ExpandedCohortOf(raw);
	dst = expanded != NULL ? expanded->flat : CohortCompactState(fcinfo, 0);
	src = ReadState(PG_GETARG_DATUM(1));
	CheckSameCohortWindow(&dst->window, &src->window, "states");
	n_events = AddCounts(dst->n_events, src->n_events, "cohort state events");
	n_ignored = AddCounts(dst->n_ignored, src->n_ignored, "cohort state ignored events");
	if (AggCheckCallContext(fcinfo, NULL) != 0)
	{
		if (expanded == NULL)
			expanded = NewExpandedCohort(aggcontext, dst, (int64) src->n_distinct + src->n_buffered);
		else if (src == dst)
			src = CohortStateCopy(src, 0);	/* the state merged with itself */
		dst = StateAddState(expanded->flat, src, true);
	}
	else
	{
		dst = StateAddState(CohortStateCopy(dst, dst->capacity), src, false);
	}
	dst->n_events = n_events;
	dst->n_ignored = n_ignored;
	return StateResult(expanded, dst);
}

/* Final function of the partial and merge aggregates: the compacted state (a new one for an expanded state) */
PG_FUNCTION_INFO_V1(cohort_compact);
Datum
cohort_compact(PG_FUNCTION_ARGS)
{
	CohortState *state = CohortCompactState(fcinfo, 0);

	if (ExpandedCohortOf(PG_GETARG_DATUM(0)) != NULL)
		state = CohortStateCopy(state, 0);
	PG_RETURN_POINTER(state);
}

/* The cohort table of a compacted state with at least one pair */
static CohortTable *
TableOfPairs(const CohortState *state)
{
	const CohortPair *pairs = state->pairs;
	int32		np = state->n_distinct;
	int32		first = PG_INT32_MAX;
	int64		span;
	CohortTable *table;
	int32		n;
	int64	   *active;
	int64	   *retained;

	for (int32 i = 0; i < np; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		first = Min(first, pairs[i].period);
	}
	span = (int64) state->window.last_period - first + 1;
	if (span > COHORT_MAX_PERIODS)
	{
		CrmTimeRules rules;
		StringInfoData detail;

		CohortRules(&state->window, &rules);
		initStringInfo(&detail);
		appendStringInfoString(&detail, "The first cohort starts on ");
		AppendCohortDay(&detail, PeriodStartDay(&rules, first));
		appendStringInfoString(&detail, " and the window ends on ");
		AppendCohortDay(&detail, CohortWindowEndDay(&state->window));
		appendStringInfoString(&detail, " with unit ");
		AppendCohortUnit(&detail, &state->window);
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cohort table would span " INT64_FORMAT " periods, more than %d",
						span, COHORT_MAX_PERIODS),
				 errdetail("%s.", detail.data),
				 errhint("Use a longer unit, or leave out events before the periods of interest.")));
	}
	table = CohortTableCreate(&state->window, first, state->n_events);
	n = (int32) span;
	active = table->cells;
	retained = table->cells + CohortTriangleCells(n);
	for (int32 i = 0; i < np;)
	{
		int32		cohort = pairs[i].period;
		int32		c = cohort - first;
		int32		j = i;

		CHECK_FOR_INTERRUPTS();
		for (; j < np && CohortSameCustomer(&pairs[i], &pairs[j]); j++)
			active[CohortCell(n, c, pairs[j].period - cohort)]++;
		/* for now: customers whose last active offset is this one */
		retained[CohortCell(n, c, pairs[j - 1].period - cohort)]++;
		i = j;
	}
	/* customers active at an offset or later: suffix sums of the last offsets */
	for (int32 c = 0; c < n; c++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int32 k = n - c - 2; k >= 0; k--)
			retained[CohortCell(n, c, k)] += retained[CohortCell(n, c, k + 1)];
	}
	return table;
}

/* crm.cohort_final(state): the cohort table; NULL if no event was seen */
PG_FUNCTION_INFO_V1(cohort_final);
Datum
cohort_final(PG_FUNCTION_ARGS)
{
	CohortState *state = CohortCompactState(fcinfo, 0);

	if (state->n_events == 0 && state->n_ignored == 0)
		PG_RETURN_NULL();
	if (state->n_distinct == 0)
	{
		StringInfoData detail;

		initStringInfo(&detail);
		appendStringInfo(&detail, "All " INT64_FORMAT " events are after ",
						 state->n_ignored);
		AppendCohortDay(&detail, CohortWindowEndDay(&state->window));
		appendStringInfoString(&detail, ": the observation window ends with the last period (unit ");
		AppendCohortUnit(&detail, &state->window);
		appendStringInfoString(&detail, ") complete at as_of");
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("as_of is before the first event"),
				 errdetail("%s.", detail.data),
				 errhint("Pass an as_of at or after the end of the first period with events.")));
	}
	PG_RETURN_POINTER(TableOfPairs(state));
}
