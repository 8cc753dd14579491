/*
 * tuple_state.c
 *		The tuple state (tuple_state.h; SQL type crm.clv_fit_state): the
 *		exact, mergeable state of the aggregates that fit on distinct input
 *		tuples with counts, the probabilistic models' fits (crm.bgnbd_fit,
 *		crm.gammagamma_fit, ...) and Kaplan-Meier (crm.km_fit).
 *
 * The state is a table of distinct input tuples with their total weight:
 * (x, t_x, T) for the purchase models, (x, m) for the spend model,
 * (duration, event) for survival, ...  Rows go to a buffer that is sorted
 * and merged into the sorted run when it fills, so a transition is O(1)
 * amortized and never allocates per row.  Customers with the same summary
 * collapse into one tuple, which is what keeps the state small and the
 * likelihood cheap to evaluate.  Merging states (the combine function, and
 * crm.clv_fit_merge) works the same way inside an aggregate: a small state
 * is appended to the buffer, a large sorted run (against the state's own)
 * is merged straight into the run, so merging N states costs O(total
 * tuples x log) instead of a copy of the growing state per state.  An
 * expanded state is compacted (buffer sorted, collapsed and merged) when it
 * is flattened or read, so what leaves an aggregate, a parallel worker
 * included, is its sorted distinct tuples only.  The transitions that
 * check rows are the domains' (src/clv/clv_fit_trans.c,
 * src/retention/survival.c); the text and binary forms are in
 * tuple_state_io.c; shapes, the row arguments and the column index of the
 * fits in tuple_rows.c.
 */
#include "crm.h"
#include "agg_states.h"
#include "tuple_state.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* Tuples the buffer of a new state holds (small: a group's state may stay small) */
#define TUPLE_STATE_INITIAL_BUFFER 4
/* Shortest run a merge adds straight into the run (shorter ones are buffered) */
#define TUPLE_STATE_MIN_RUN 1024

/* Header size of a fit state, aligned for the tuples that follow */
#define TUPLE_STATE_HEADER_SIZE MAXALIGN(sizeof(TupleState))

/* The sorted run of a state */
static WeightedTuple *
StateRun(const TupleState *state)
{
	return (WeightedTuple *) ((char *) state + TUPLE_STATE_HEADER_SIZE);
}

/* The buffer of a state (after the run) */
static WeightedTuple *
StateBuffer(const TupleState *state)
{
	return StateRun(state) + state->n_distinct;
}

/* Raise 54000 when a fit state of this many bytes cannot be allocated */
static void
CheckTupleStateSize(Size size)
{
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("model fit state would exceed 1 GB"),
				 errhint("Fit on fewer distinct summaries, for example with t_x and T rounded to whole periods.")));
}

/* Raise 54000 when the flat form of a state of n_distinct tuples would exceed 1 GB */
static void
CheckRunSize(int64 n_distinct)
{
	CheckTupleStateSize(TUPLE_STATE_HEADER_SIZE + sizeof(WeightedTuple) * (Size) n_distinct);
}

/* A new state holding a sorted run and an empty buffer of the given capacity */
TupleState *
TupleStateBuild(uint8 shape, int64 n_rows, bool has_penalizer, float8 penalizer,
				const WeightedTuple *run, int32 n_distinct, int32 buffer_capacity)
{
	Size		size = TUPLE_STATE_HEADER_SIZE +
		sizeof(WeightedTuple) * ((Size) n_distinct + (Size) buffer_capacity);
	TupleState *state;

	CheckTupleStateSize(size);
	state = (TupleState *) palloc0(size);
	SET_VARSIZE(state, size);
	state->version = TUPLE_STATE_VERSION;
	state->shape = shape;
	state->has_penalizer = has_penalizer ? 1 : 0;
	state->penalizer = has_penalizer ? penalizer : 0;
	state->n_distinct = n_distinct;
	state->buffer_capacity = buffer_capacity;
	state->n_rows = n_rows;
	if (n_distinct > 0)
		memcpy(StateRun(state), run, sizeof(WeightedTuple) * (Size) n_distinct);
	return state;
}

/* SortTuples(tuples, n): an inlined sort of tuples by their values (faster than qsort) */
#define ST_SORT SortTuples
#define ST_ELEMENT_TYPE WeightedTuple
#define ST_COMPARE(a, b) TupleCompareValues(a, b)
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Sort tuples and add up the counts of equal ones in place; returns how many remain */
static int32
SortAndCollapse(WeightedTuple *tuples, int32 n)
{
	int32		distinct = 0;

	SortTuples(tuples, n);
	for (int32 i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (distinct > 0 && TupleCompareValues(&tuples[distinct - 1], &tuples[i]) == 0)
			tuples[distinct - 1].count = AddCounts(tuples[distinct - 1].count, tuples[i].count,
												   "fit state count");
		else
			tuples[distinct++] = tuples[i];
	}
	return distinct;
}

/* Merge two sorted runs of distinct tuples into out; returns its length */
static int32
MergeRuns(const WeightedTuple *a, int32 na, const WeightedTuple *b, int32 nb, WeightedTuple *out)
{
	int32		i = 0;
	int32		j = 0;
	int32		n = 0;

	while (i < na || j < nb)
	{
		int			cmp = (i >= na) ? 1 : (j >= nb) ? -1 : TupleCompareValues(&a[i], &b[j]);

		if ((n & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (cmp < 0)
			out[n++] = a[i++];
		else if (cmp > 0)
			out[n++] = b[j++];
		else
		{
			out[n] = a[i++];
			out[n].count = AddCounts(out[n].count, b[j++].count, "fit state count");
			n++;
		}
	}
	return n;
}

/*
 * Merge a sorted run of distinct tuples held elsewhere (other, nb) into the
 * sorted run at the start of run (na), which has room for na + nb: backwards
 * from the end of that room, then the gap left by collapsed tuples is
 * closed.  Returns the length of the merged run.
 */
static int32
MergeRunInPlace(WeightedTuple *run, int32 na, const WeightedTuple *other, int32 nb)
{
	int32		i = na - 1;
	int32		j = nb - 1;
	int32		k = na + nb - 1;
	int32		gap;

	/* the common case of runs that do not overlap: append */
	if (na == 0 || nb == 0 || TupleCompareValues(&run[na - 1], &other[0]) < 0)
	{
		memcpy(run + na, other, sizeof(WeightedTuple) * (Size) nb);
		return na + nb;
	}
	while (j >= 0)
	{
		int			cmp = i < 0 ? -1 : TupleCompareValues(&run[i], &other[j]);

		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (cmp > 0)
			run[k--] = run[i--];
		else if (cmp < 0)
			run[k--] = other[j--];
		else
		{
			run[k] = run[i--];
			run[k].count = AddCounts(run[k].count, other[j--].count, "fit state count");
			k--;
		}
	}
	/* what is left of the run is in place below k; close the gap of collapsed tuples */
	gap = k - i;
	if (gap > 0)
		memmove(run + i + 1, run + k + 1, sizeof(WeightedTuple) * (Size) (na + nb - 1 - k));
	return na + nb - gap;
}

/*
 * Merge the buffer of a state into its run inside the state itself: sort
 * and collapse the buffer, copy it to scratch (room for n_buffered tuples)
 * and merge it into the run in place.  No new memory for the state, so its
 * pointer stays the same; the room freed by collapsed tuples goes to the
 * buffer.  The run must stay within the 1 GB of a flat state (54000).
 */
static void
StateCompact(TupleState *state, WeightedTuple *scratch)
{
	int32		room = state->n_distinct + state->buffer_capacity;
	int32		nb;

	if (state->n_buffered == 0)
		return;
	nb = SortAndCollapse(StateBuffer(state), state->n_buffered);
	/* a sorted buffer above the whole run is where it belongs already */
	if (state->n_distinct == 0 ||
		TupleCompareValues(&StateRun(state)[state->n_distinct - 1], StateBuffer(state)) < 0)
		state->n_distinct += nb;
	else
	{
		memcpy(scratch, StateBuffer(state), sizeof(WeightedTuple) * (Size) nb);
		state->n_distinct = MergeRunInPlace(StateRun(state), state->n_distinct, scratch, nb);
	}
	state->n_buffered = 0;
	state->buffer_capacity = room - state->n_distinct;
	CheckRunSize(state->n_distinct);
}

/*
 * An aggregate's fit state while rows are added: an expanded object holding
 * a flat state that grows in place (repalloc in the object's context, the
 * aggregate's shared states context: agg_states.h).  The executor keeps a
 * read-write expanded transition value without copying it when it is
 * returned again, so a growing state is never copied whole into fresh
 * memory (with a flat varlena state it was, at every growth).  It
 * is flattened only when it leaves the aggregate (a partial aggregate's
 * result sent to the leader, an output function), and then compacted first:
 * what leaves is the sorted distinct tuples, never the raw buffer.
 */
typedef struct ExpandedTupleState
{
	ExpandedObjectHeader hdr;	/* standard expanded-object header */
	TupleState *flat;			/* the state, allocated in hdr.eoh_context;
								 * room for n_distinct + buffer_capacity
								 * tuples (its varlena header is not kept:
								 * the room may pass 1 GB) */
} ExpandedTupleState;

/* Compact the flat state of an expanded one in place (its buffer merged into the run) */
static void
ExpandedTupleCompact(ExpandedTupleState *expanded)
{
	TupleState *flat = expanded->flat;
	WeightedTuple *scratch;

	if (flat->n_buffered == 0)
		return;
	scratch = (WeightedTuple *) MemoryContextAllocHuge(expanded->hdr.eoh_context,
													   sizeof(WeightedTuple) * (Size) flat->n_buffered);
	StateCompact(flat, scratch);
	pfree(scratch);
}

/* Size of the flat form of an expanded fit state: compacted, its run only */
static Size
ExpandedTupleFlatSize(ExpandedObjectHeader *eohptr)
{
	ExpandedTupleState *expanded = (ExpandedTupleState *) eohptr;

	ExpandedTupleCompact(expanded);
	return TUPLE_STATE_HEADER_SIZE + sizeof(WeightedTuple) * (Size) expanded->flat->n_distinct;
}

/* Write the flat form of an expanded fit state (compacted, no spare room) into result */
static void
ExpandedTupleFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	const TupleState *flat = ((ExpandedTupleState *) eohptr)->flat;
	TupleState *out = (TupleState *) result;

	Assert(flat->n_buffered == 0 && allocated_size == ExpandedTupleFlatSize(eohptr));
	memcpy(out, flat, allocated_size);
	SET_VARSIZE(out, allocated_size);
	out->buffer_capacity = 0;
}

static const ExpandedObjectMethods ExpandedTupleMethods = {
	ExpandedTupleFlatSize,
	ExpandedTupleFlatten
};

/* The expanded fit state a datum points to, or NULL for a flat one */
static ExpandedTupleState *
ExpandedTupleStateOf(Datum datum)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(datum)))
	{
		ExpandedObjectHeader *eohptr = DatumGetEOHP(datum);

		if (eohptr->eoh_methods == &ExpandedTupleMethods)
			return (ExpandedTupleState *) eohptr;
	}
	return NULL;
}

/*
 * The fit state of a datum for reading: the flat state inside an expanded
 * one (compacted in place, not copied), or the detoasted varlena
 */
TupleState *
TupleStateOfDatum(Datum datum)
{
	ExpandedTupleState *expanded = ExpandedTupleStateOf(datum);

	if (expanded != NULL)
	{
		ExpandedTupleCompact(expanded);
		return expanded->flat;
	}
	return (TupleState *) PG_DETOAST_DATUM(datum);
}

/* A new expanded state of aggregate context parent (agg_states.h), its flat state still unset */
static ExpandedTupleState *
NewExpandedTupleState(MemoryContext parent)
{
	MemoryContext context = CrmAggStateContext(parent);
	ExpandedTupleState *expanded = (ExpandedTupleState *)
		MemoryContextAlloc(context, sizeof(ExpandedTupleState));

	EOH_init_header(&expanded->hdr, &ExpandedTupleMethods, context);
	expanded->flat = NULL;
	return expanded;
}

/* The sorted, distinct tuples of a state (palloc'd); *n gets their number */
WeightedTuple *
TupleStateTuples(const TupleState *state, int32 *n)
{
	int32		nb = state->n_buffered;
	WeightedTuple *buffered;
	WeightedTuple *merged;

	/* a compacted state: a copy of its run */
	if (nb == 0)
	{
		*n = state->n_distinct;
		merged = (WeightedTuple *) palloc(sizeof(WeightedTuple) * ((Size) *n + 1));
		memcpy(merged, StateRun(state), sizeof(WeightedTuple) * (Size) *n);
		return merged;
	}
	buffered = (WeightedTuple *) palloc(sizeof(WeightedTuple) * nb);
	memcpy(buffered, StateBuffer(state), sizeof(WeightedTuple) * (Size) nb);
	nb = SortAndCollapse(buffered, nb);
	merged = (WeightedTuple *) palloc(sizeof(WeightedTuple) * ((Size) state->n_distinct + nb + 1));
	*n = MergeRuns(StateRun(state), state->n_distinct, buffered, nb, merged);
	pfree(buffered);
	return merged;
}

/* A copy of the state with the buffer merged into the run and room for more */
static TupleState *
StateFlush(const TupleState *state, int32 buffer_capacity)
{
	int32		n;
	WeightedTuple *run = TupleStateTuples(state, &n);
	TupleState *copy;

	if (buffer_capacity < 0)
		buffer_capacity = Max(TUPLE_STATE_INITIAL_BUFFER, n);
	copy = TupleStateBuild(state->shape, state->n_rows, state->has_penalizer,
						   state->penalizer, run, n, buffer_capacity);
	copy->has_unit = state->has_unit;
	copy->unit = state->unit;
	copy->has_litt = state->has_litt;
	copy->litt = state->litt;
	return copy;
}

/* Raise 22023 unless two fit states (or a state and a row) have the same unit */
static void
CheckSameUnit(bool has_a, const TimeUnit *a, bool has_b, const TimeUnit *b)
{
	if (has_a != has_b || (has_a && !TimeUnitEqual(a, b)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be the same for every row of a fit, not %s and %s",
						has_a ? TimeUnitText(a) : "unknown", has_b ? TimeUnitText(b) : "unknown"),
				 errhint("Fit each unit separately, or build all summaries with the same unit.")));
}

/* Raise 22023 when two penalizers that must agree differ */
static void
CheckSamePenalizer(float8 a, float8 b)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("penalizer must be the same for every row of a group, not %g and %g", a, b)));
}

/* Raise 22023 unless a state takes rows of this shape, penalizer and unit */
static void
CheckStateTakesRows(const TupleState *state, uint8 shape, bool has_penalizer,
					float8 penalizer, const TimeUnit *unit)
{
	if (state->shape != shape)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add %s rows to a fit state of shape %s",
						TupleShapeName(shape), TupleShapeName(state->shape))));
	if (has_penalizer)
		CheckSamePenalizer(state->penalizer, penalizer);
	CheckSameUnit(state->has_unit != 0, &state->unit, unit != NULL, unit);
}

/* A new empty state of a shape, penalizer and unit (NULL: unknown) */
static TupleState *
NewStateWithUnit(uint8 shape, bool has_penalizer, float8 penalizer, const TimeUnit *unit)
{
	TupleState *state = TupleStateBuild(shape, 0, has_penalizer, penalizer, NULL, 0,
										TUPLE_STATE_INITIAL_BUFFER);

	if (unit != NULL)
	{
		state->has_unit = 1;
		state->unit = *unit;
	}
	return state;
}

/*
 * The state a transition adds its row to (argument 0, or a new one), checked
 * to have the shape and penalizer of the row.  Inside an aggregate it is an
 * expanded state (*expanded set), made on the first row or from a flat
 * state; outside one it is a flat copy, since the input must not change.
 */
TupleState *
TupleTransitionState(FunctionCallInfo fcinfo, uint8 shape, bool has_penalizer,
					 float8 penalizer, const TimeUnit *unit, ExpandedTupleState **expanded)
{
	MemoryContext aggcontext;
	bool		in_aggregate = AggCheckCallContext(fcinfo, &aggcontext) != 0;
	TupleState *state = NULL;
	MemoryContext old_context;

	*expanded = NULL;
	if (!PG_ARGISNULL(0))
	{
		Datum		raw = PG_GETARG_DATUM(0);

		*expanded = in_aggregate ? ExpandedTupleStateOf(raw) : NULL;
		if (*expanded != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(raw)))
		{
			CheckStateTakesRows((*expanded)->flat, shape, has_penalizer, penalizer, unit);
			return (*expanded)->flat;
		}
		state = TupleStateOfDatum(raw);
		CheckStateTakesRows(state, shape, has_penalizer, penalizer, unit);
		if (!in_aggregate)
			return StateFlush(state, Max(state->buffer_capacity, 1));
	}
	else if (!in_aggregate)
		return NewStateWithUnit(shape, has_penalizer, penalizer, unit);

	/* a new expanded state: empty, or a copy of a flat (or read-only) one */
	*expanded = NewExpandedTupleState(aggcontext);
	old_context = MemoryContextSwitchTo((*expanded)->hdr.eoh_context);
	if (state == NULL)
		(*expanded)->flat = NewStateWithUnit(shape, has_penalizer, penalizer, unit);
	else
		(*expanded)->flat = StateFlush(state, Max(TUPLE_STATE_INITIAL_BUFFER,
												  state->buffer_capacity));
	MemoryContextSwitchTo(old_context);
	return (*expanded)->flat;
}

/* The datum a transition returns: the expanded state, or the flat one */
Datum
TupleTransitionResult(ExpandedTupleState *expanded, TupleState *state)
{
	if (expanded != NULL)
	{
		expanded->flat = state;
		return EOHPGetRWDatum(&expanded->hdr);
	}
	return PointerGetDatum(state);
}

/* Scratch room of a call site for n tuples (kept across calls, in fn_mcxt) */
static WeightedTuple *
TransitionScratch(FunctionCallInfo fcinfo, int32 n)
{
	int32	   *capacity = (int32 *) fcinfo->flinfo->fn_extra;

	if (capacity == NULL || *capacity < n)
	{
		int32		room = Max(n, TUPLE_STATE_MIN_RUN);

		if (capacity != NULL)
			pfree(capacity);
		capacity = MemoryContextAllocHuge(fcinfo->flinfo->fn_mcxt,
										  MAXALIGN(sizeof(int32)) + sizeof(WeightedTuple) * (Size) room);
		*capacity = room;
		fcinfo->flinfo->fn_extra = capacity;
	}
	return (WeightedTuple *) ((char *) capacity + MAXALIGN(sizeof(int32)));
}

/*
 * A state whose buffer is empty (just compacted) grown in place (repalloc)
 * to room for buffer_capacity buffered tuples.  Only ever a state of the
 * caller's own: an expanded state's inside an aggregate (its room may then
 * pass 1 GB, since only its compacted run is ever flattened), or a fresh
 * copy outside one (a datum: at most 1 GB, the new room zeroed).
 */
static TupleState *
StateGrow(FunctionCallInfo fcinfo, TupleState *state, int32 buffer_capacity)
{
	Size		old_size = TUPLE_STATE_HEADER_SIZE +
		sizeof(WeightedTuple) * ((Size) state->n_distinct + (Size) state->buffer_capacity);
	Size		size = TUPLE_STATE_HEADER_SIZE +
		sizeof(WeightedTuple) * ((Size) state->n_distinct + (Size) buffer_capacity);

	Assert(state->n_buffered == 0);
	if (AggCheckCallContext(fcinfo, NULL) != 0)
		state = (TupleState *) repalloc_huge(state, size);
	else
	{
		CheckTupleStateSize(size);
		state = (TupleState *) repalloc(state, size);
		if (size > old_size)
			memset((char *) state + old_size, 0, size - old_size);
		SET_VARSIZE(state, size);
	}
	state->buffer_capacity = buffer_capacity;
	return state;
}

/*
 * Room in the buffer of a state for at least one more tuple: a full buffer
 * is merged into the run, and the state grows (it may move) when the
 * buffer left is small against the run: at least doubled, to a buffer as
 * large as the run, or want tuples if more.  So a tuple is sorted and
 * merged O(1) times amortized, and the state is at most about twice its
 * distinct tuples.
 */
static TupleState *
StateMakeRoom(FunctionCallInfo fcinfo, TupleState *state, int32 want)
{
	if (state->n_buffered < state->buffer_capacity)
		return state;
	StateCompact(state, TransitionScratch(fcinfo, state->n_buffered));
	if (state->buffer_capacity < Max(1, state->n_distinct / 2))
		state = StateGrow(fcinfo, state,
						  Max(Max(2 * state->buffer_capacity, state->n_distinct), want));
	return state;
}

/*
 * Add a tuple of values with a weight (> 0) to a state; returns the state
 * (it moves only when the merged run leaves too little room for the buffer)
 */
TupleState *
TupleStateAdd(FunctionCallInfo fcinfo, TupleState *state, const float8 *v, int64 weight)
{
	WeightedTuple *slot;
	int64		n_rows = AddCounts(state->n_rows, weight, "fit state weight");

	state = StateMakeRoom(fcinfo, state, 1);
	slot = StateBuffer(state) + state->n_buffered;
	/* -0.0 and 0.0 are one value: store +0 so equal tuples compare equal */
	for (int i = 0; i < 3; i++)
		slot->v[i] = v[i] + 0.0;
	slot->count = weight;
	state->n_buffered++;
	state->n_rows = n_rows;
	return state;
}

/* Append n tuples (in any order, not the state's own) to the buffer of a state; returns the state */
static TupleState *
StateAppendBuffered(FunctionCallInfo fcinfo, TupleState *state, const WeightedTuple *tuples,
					int32 n)
{
	while (n > 0)
	{
		int32		k;

		state = StateMakeRoom(fcinfo, state, n);
		k = Min(n, state->buffer_capacity - state->n_buffered);
		memcpy(StateBuffer(state) + state->n_buffered, tuples, sizeof(WeightedTuple) * (Size) k);
		state->n_buffered += k;
		tuples += k;
		n -= k;
	}
	return state;
}

/*
 * Merge a sorted run of n distinct tuples (not the state's own) straight
 * into the run of a state: its buffer compacted first, the state grown when
 * the run needs the room (the buffer left then at least half the new run)
 */
static TupleState *
StateMergeRun(FunctionCallInfo fcinfo, TupleState *state, const WeightedTuple *run, int32 n)
{
	StateCompact(state, TransitionScratch(fcinfo, state->n_buffered));
	if (state->buffer_capacity < n)
		state = StateGrow(fcinfo, state,
						  n + (state->n_distinct + n) / 2);
	state->buffer_capacity += state->n_distinct;
	state->n_distinct = MergeRunInPlace(StateRun(state), state->n_distinct, run, n);
	state->buffer_capacity -= state->n_distinct;
	CheckRunSize(state->n_distinct);
	return state;
}

/*
 * Add the tuples of another state (b, not the state itself) to a state:
 * b's sorted run is merged straight into the run when it is at least a
 * quarter as long (work in proportion to it), else appended to the buffer
 * like rows; b's buffer, if any, is appended.  Returns the state (it may
 * move).  Merging N states so costs O(total tuples x log), never a copy of
 * the growing state per state.
 */
static TupleState *
StateAppendState(FunctionCallInfo fcinfo, TupleState *state, const TupleState *b)
{
	Assert(state != b);
	if (b->n_distinct >= Max(TUPLE_STATE_MIN_RUN, state->n_distinct / 4))
		state = StateMergeRun(fcinfo, state, StateRun(b), b->n_distinct);
	else
		state = StateAppendBuffered(fcinfo, state, StateRun(b), b->n_distinct);
	return StateAppendBuffered(fcinfo, state, StateBuffer(b), b->n_buffered);
}

/*
 * A copy of a state (run and buffer as they are, not sorted) in context,
 * with room for `more` tuples beyond them; the room is not set (an
 * expanded state's: only the run and buffer are read or flattened)
 */
static TupleState *
StateCopyWithRoom(MemoryContext context, const TupleState *state, int32 more)
{
	Size		used = TUPLE_STATE_HEADER_SIZE +
		sizeof(WeightedTuple) * ((Size) state->n_distinct + (Size) state->n_buffered);
	int32		buffer_capacity = Max(TUPLE_STATE_INITIAL_BUFFER, state->n_buffered + more);
	TupleState *copy = (TupleState *)
		MemoryContextAllocHuge(context, TUPLE_STATE_HEADER_SIZE + sizeof(WeightedTuple) *
							   ((Size) state->n_distinct + (Size) buffer_capacity));

	memcpy(copy, state, used);
	copy->buffer_capacity = buffer_capacity;
	return copy;
}

/*
 * A new state in context holding the merge of two (the header of a): their
 * sorted runs merged in one pass, their buffers (if any) buffered, and room
 * to grow; the room is not set, as in StateCopyWithRoom
 */
static TupleState *
StateMergedCopy(MemoryContext context, const TupleState *a, const TupleState *b)
{
	int32		room = a->n_distinct + b->n_distinct;
	int32		buffer_capacity = Max(TUPLE_STATE_INITIAL_BUFFER, a->n_buffered + b->n_buffered);
	TupleState *merged = (TupleState *)
		MemoryContextAllocHuge(context, TUPLE_STATE_HEADER_SIZE + sizeof(WeightedTuple) *
							   ((Size) room + (Size) buffer_capacity));

	memcpy(merged, a, TUPLE_STATE_HEADER_SIZE);
	merged->n_distinct = MergeRuns(StateRun(a), a->n_distinct, StateRun(b), b->n_distinct,
								   StateRun(merged));
	CheckRunSize(merged->n_distinct);
	merged->buffer_capacity = room + buffer_capacity - merged->n_distinct;
	merged->n_buffered = a->n_buffered + b->n_buffered;
	memcpy(StateBuffer(merged), StateBuffer(a), sizeof(WeightedTuple) * (Size) a->n_buffered);
	memcpy(StateBuffer(merged) + a->n_buffered, StateBuffer(b),
		   sizeof(WeightedTuple) * (Size) b->n_buffered);
	return merged;
}

/*
 * Raise 22023 unless two fit states can be merged: the same shape, the
 * same penalizer if both have one, the same unit if both have rows
 */
static void
CheckMergeable(const TupleState *a, const TupleState *b)
{
	if (a->shape != b->shape)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge fit states of shapes %s and %s",
						TupleShapeName(a->shape), TupleShapeName(b->shape))));
	if (a->has_penalizer && b->has_penalizer)
		CheckSamePenalizer(a->penalizer, b->penalizer);
	/* an empty state (no rows yet) takes the unit of the other */
	if (a->n_rows > 0 && b->n_rows > 0)
		CheckSameUnit(a->has_unit != 0, &a->unit, b->has_unit != 0, &b->unit);
}

/*
 * The header fields of the merge of a and b into result (which may be a):
 * n_rows rows, the penalizer of either, the unit of a unless a is empty and
 * has none, the sum of their litt (22023 when only one has it)
 */
static void
MergedHeader(TupleState *result, const TupleState *a, const TupleState *b, int64 n_rows)
{
	const TupleState *unit_from = (a->has_unit || a->n_rows > 0) ? a : b;
	bool		has_penalizer = a->has_penalizer || b->has_penalizer;
	float8		penalizer = a->has_penalizer ? a->penalizer : b->penalizer;
	bool		has_unit = unit_from->has_unit != 0;
	TimeUnit	unit = unit_from->unit;

	/* before n_rows changes: result may be a itself */
	TupleMergeLitt(result, a, b);
	result->n_rows = n_rows;
	result->has_penalizer = has_penalizer ? 1 : 0;
	result->penalizer = has_penalizer ? penalizer : 0;
	result->has_unit = has_unit ? 1 : 0;
	result->unit = unit;
}

/*
 * Combine: merge two partial fit states of the same shape and penalizer.
 * Inside an aggregate (crm.clv_fit_merge, or a fit's combine step) the
 * first argument is the aggregate's own state: it becomes an expanded state
 * (a copy, the first time) that the second one's tuples are added to in
 * place.  Called directly, a new flat state; the arguments never change.
 */
PG_FUNCTION_INFO_V1(clv_fit_combine);
Datum
clv_fit_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	Datum		raw = PG_GETARG_DATUM(0);
	ExpandedTupleState *expanded = NULL;
	TupleState *a;
	TupleState *b;
	int64		n_rows;

	if (AggCheckCallContext(fcinfo, &aggcontext) != 0 &&
		VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(raw)))
		expanded = ExpandedTupleStateOf(raw);
	a = expanded != NULL ? expanded->flat : TupleStateOfDatum(raw);
	b = TupleStateOfDatum(PG_GETARG_DATUM(1));
	CheckMergeable(a, b);
	n_rows = AddCounts(a->n_rows, b->n_rows, "fit state weight");
	if (AggCheckCallContext(fcinfo, NULL) != 0)
	{
		TupleState *merged;

		if (expanded == NULL)
		{
			/* the aggregate's first state: a copy it owns, merged with b */
			expanded = NewExpandedTupleState(aggcontext);
			if (b->n_distinct >= Max(TUPLE_STATE_MIN_RUN, a->n_distinct / 4))
				merged = StateMergedCopy(expanded->hdr.eoh_context, a, b);
			else
				merged = StateAppendState(fcinfo,
										  StateCopyWithRoom(expanded->hdr.eoh_context, a,
															b->n_distinct + b->n_buffered),
										  b);
		}
		else
		{
			if (b == a)
			{
				/* the state merged with itself: add a copy of what it holds */
				b = (TupleState *) palloc(TUPLE_STATE_HEADER_SIZE + sizeof(WeightedTuple) *
										  ((Size) a->n_distinct + (Size) a->n_buffered));
				memcpy(b, a, TUPLE_STATE_HEADER_SIZE + sizeof(WeightedTuple) *
					   ((Size) a->n_distinct + (Size) a->n_buffered));
			}
			merged = StateAppendState(fcinfo, expanded->flat, b);
		}
		/* merged still has the header of the state before the merge */
		MergedHeader(merged, merged, b, n_rows);
		PG_RETURN_DATUM(TupleTransitionResult(expanded, merged));
	}
	else
	{
		int32		na;
		int32		nb;
		WeightedTuple *ra = TupleStateTuples(a, &na);
		WeightedTuple *rb = TupleStateTuples(b, &nb);
		WeightedTuple *run = (WeightedTuple *) palloc(sizeof(WeightedTuple) * ((Size) na + nb + 1));
		int32		n = MergeRuns(ra, na, rb, nb, run);
		TupleState *result = TupleStateBuild(a->shape, n_rows, false, 0, run, n, 0);

		MergedHeader(result, a, b, n_rows);
		PG_RETURN_POINTER(result);
	}
}

/* The fit state in argument argno, checked to have the given shape */
TupleState *
TupleStateArg(FunctionCallInfo fcinfo, int argno, TupleShape shape)
{
	TupleState *state = TupleStateOfDatum(PG_GETARG_DATUM(argno));

	if (state->shape != shape)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("this model is fitted on a fit state of shape %s, not %s",
						TupleShapeName(shape), TupleShapeName(state->shape)),
				 errhint("Make the state with the partial aggregate of the model: crm.clv_fit_partial (purchases), crm.spend_fit_partial (spend), crm.opportunity_fit_partial (opportunities), crm.tenure_fit_partial (tenures) or crm.duration_fit_partial (durations).")));
	return state;
}

/* Final function of the partial aggregates: the state with its buffer merged and no spare room */
PG_FUNCTION_INFO_V1(clv_fit_state_compact);
Datum
clv_fit_state_compact(PG_FUNCTION_ARGS)
{
	TupleState *state = TupleStateOfDatum(PG_GETARG_DATUM(0));

	PG_RETURN_POINTER(StateFlush(state, 0));
}

/* Customers (total weight) in a fit state */
PG_FUNCTION_INFO_V1(clv_fit_state_customers);
Datum
clv_fit_state_customers(PG_FUNCTION_ARGS)
{
	TupleState *state = TupleStateOfDatum(PG_GETARG_DATUM(0));

	PG_RETURN_INT64(state->n_rows);
}

/* Distinct tuples in a fit state (what its memory grows with) */
PG_FUNCTION_INFO_V1(clv_fit_state_distinct);
Datum
clv_fit_state_distinct(PG_FUNCTION_ARGS)
{
	TupleState *state = TupleStateOfDatum(PG_GETARG_DATUM(0));
	int32		n;

	TupleStateTuples(state, &n);
	PG_RETURN_INT32(n);
}
