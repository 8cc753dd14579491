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
 *
 * A state of a fit with covariates has wider tuples, (x, t_x, T, z...)
 * and a count (tuple_state.h), and its covariate spec between the header
 * and the run; everything here works on records of the state's width
 * (sorted and merged by tuple_records.c), the three-value tuples of the
 * other states (WeightedTuple) being records of width 3.
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
/* The in-memory version of a state with covariates (the spec after the header) */
#define TUPLE_STATE_VERSION_COVARIATES 2

/* Header size of a fit state, aligned for the tuples that follow */
#define TUPLE_STATE_HEADER_SIZE MAXALIGN(sizeof(TupleState))

/* Bytes from the start of a state to its run: the header and the covariate spec */
static inline Size
StateDataOffset(const TupleState *state)
{
	return TUPLE_STATE_HEADER_SIZE + state->spec_size;
}

/* float8 slots per stored tuple of a state: its values and the count */
static inline int
StateStride(const TupleState *state)
{
	return TupleStateWidth(state) + 1;
}

/* Bytes of n tuples of a state */
static inline Size
TupleBytes(const TupleState *state, int64 n)
{
	return sizeof(float8) * (Size) StateStride(state) * (Size) n;
}

/* The sorted run of a state */
static float8 *
StateRun(const TupleState *state)
{
	return (float8 *) ((char *) state + StateDataOffset(state));
}

/* The buffer of a state (after the run) */
static float8 *
StateBuffer(const TupleState *state)
{
	return StateRun(state) + (Size) state->n_distinct * StateStride(state);
}

/* The covariate spec of a state with covariates, or NULL */
const CovariateSpec *
TupleStateCovariates(const TupleState *state)
{
	if (state->spec_size == 0)
		return NULL;
	return (const CovariateSpec *) ((const char *) state + TUPLE_STATE_HEADER_SIZE);
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

/* Raise 54000 when the flat form of a state with n_distinct tuples would exceed 1 GB */
static void
CheckRunSize(const TupleState *state, int64 n_distinct)
{
	CheckTupleStateSize(StateDataOffset(state) + TupleBytes(state, n_distinct));
}

/*
 * A new state holding a sorted run of records (spec: its covariate spec,
 * or NULL) and an empty buffer of the given capacity
 */
static TupleState *
BuildState(uint8 shape, int64 n_rows, bool has_penalizer, float8 penalizer,
		   const CovariateSpec *spec, const float8 *run, int32 n_distinct,
		   int32 buffer_capacity)
{
	Size		spec_size = spec != NULL ? MAXALIGN(VARSIZE(spec)) : 0;
	int			width = spec != NULL ? 3 + CovariateSpecCount(spec) : 3;
	Size		size = TUPLE_STATE_HEADER_SIZE + spec_size +
		sizeof(float8) * (width + 1) * ((Size) n_distinct + (Size) buffer_capacity);
	TupleState *state;

	CheckTupleStateSize(size);
	state = (TupleState *) palloc0(size);
	SET_VARSIZE(state, size);
	state->version = spec != NULL ? TUPLE_STATE_VERSION_COVARIATES : TUPLE_STATE_VERSION;
	state->shape = shape;
	state->has_penalizer = has_penalizer ? 1 : 0;
	state->penalizer = has_penalizer ? penalizer : 0;
	state->n_distinct = n_distinct;
	state->buffer_capacity = buffer_capacity;
	state->n_rows = n_rows;
	if (spec != NULL)
	{
		state->width = (uint8) width;
		state->spec_size = (uint16) spec_size;
		memcpy((char *) state + TUPLE_STATE_HEADER_SIZE, spec, VARSIZE(spec));
	}
	if (n_distinct > 0)
		memcpy(StateRun(state), run, TupleBytes(state, n_distinct));
	return state;
}

/* A new state holding a sorted run and an empty buffer of the given capacity */
TupleState *
TupleStateBuild(uint8 shape, int64 n_rows, bool has_penalizer, float8 penalizer,
				const WeightedTuple *run, int32 n_distinct, int32 buffer_capacity)
{
	return BuildState(shape, n_rows, has_penalizer, penalizer, NULL, (const float8 *) run,
					  n_distinct, buffer_capacity);
}

/* A new state with covariates holding a sorted run of records and an empty buffer */
TupleState *
TupleStateBuildCovariates(uint8 shape, int64 n_rows, const CovariateSpec *spec,
						  const float8 *run, int32 n_distinct, int32 buffer_capacity)
{
	return BuildState(shape, n_rows, false, 0, spec, run, n_distinct, buffer_capacity);
}

/*
 * Merge the buffer of a state into its run inside the state itself: sort
 * and collapse the buffer, copy it to scratch (room for n_buffered tuples)
 * and merge it into the run in place.  No new memory for the state, so its
 * pointer stays the same; the room freed by collapsed tuples goes to the
 * buffer.  The run must stay within the 1 GB of a flat state (54000).
 */
static void
StateCompact(TupleState *state, float8 *scratch)
{
	int			width = TupleStateWidth(state);
	int32		room = state->n_distinct + state->buffer_capacity;
	int32		nb;

	if (state->n_buffered == 0)
		return;
	nb = TupleSortAndCollapse(StateBuffer(state), state->n_buffered, width);
	/* a sorted buffer above the whole run is where it belongs already */
	if (state->n_distinct == 0 ||
		TupleCompareRecords(StateRun(state) + (Size) (state->n_distinct - 1) * (width + 1),
							StateBuffer(state), width) < 0)
		state->n_distinct += nb;
	else
	{
		memcpy(scratch, StateBuffer(state), TupleBytes(state, nb));
		state->n_distinct = TupleMergeRunInPlace(StateRun(state), state->n_distinct, scratch, nb,
											width);
	}
	state->n_buffered = 0;
	state->buffer_capacity = room - state->n_distinct;
	CheckRunSize(state, state->n_distinct);
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
	float8	   *scratch;

	if (flat->n_buffered == 0)
		return;
	scratch = (float8 *) MemoryContextAllocHuge(expanded->hdr.eoh_context,
												TupleBytes(flat, flat->n_buffered));
	StateCompact(flat, scratch);
	pfree(scratch);
}

/* Size of the flat form of an expanded fit state: compacted, its run only */
static Size
ExpandedTupleFlatSize(ExpandedObjectHeader *eohptr)
{
	ExpandedTupleState *expanded = (ExpandedTupleState *) eohptr;

	ExpandedTupleCompact(expanded);
	return StateDataOffset(expanded->flat) + TupleBytes(expanded->flat, expanded->flat->n_distinct);
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

/*
 * The sorted, distinct tuples of any state as records (palloc'd): width
 * values then the count each; *n gets their number
 */
float8 *
TupleStateRecords(const TupleState *state, int32 *n)
{
	int			width = TupleStateWidth(state);
	int32		nb = state->n_buffered;
	float8	   *buffered;
	float8	   *merged;

	/* a compacted state: a copy of its run */
	if (nb == 0)
	{
		*n = state->n_distinct;
		merged = (float8 *) palloc(TupleBytes(state, *n + 1));
		memcpy(merged, StateRun(state), TupleBytes(state, *n));
		return merged;
	}
	buffered = (float8 *) palloc(TupleBytes(state, nb));
	memcpy(buffered, StateBuffer(state), TupleBytes(state, nb));
	nb = TupleSortAndCollapse(buffered, nb, width);
	merged = (float8 *) palloc(TupleBytes(state, (int64) state->n_distinct + nb + 1));
	*n = TupleMergeRuns(StateRun(state), state->n_distinct, buffered, nb, merged, width);
	pfree(buffered);
	return merged;
}

/* The sorted, distinct tuples of a state without covariates (palloc'd); *n gets their number */
WeightedTuple *
TupleStateTuples(const TupleState *state, int32 *n)
{
	if (TupleStateWidth(state) != 3)
		elog(ERROR, "a fit state with covariates has no three-value tuples");
	return (WeightedTuple *) TupleStateRecords(state, n);
}

/* A copy of the state with the buffer merged into the run and room for more */
static TupleState *
StateFlush(const TupleState *state, int32 buffer_capacity)
{
	int32		n;
	float8	   *run = TupleStateRecords(state, &n);
	TupleState *copy;

	if (buffer_capacity < 0)
		buffer_capacity = Max(TUPLE_STATE_INITIAL_BUFFER, n);
	copy = BuildState(state->shape, state->n_rows, state->has_penalizer, state->penalizer,
					  TupleStateCovariates(state), run, n, buffer_capacity);
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

/*
 * Raise 22023 unless two covariate specs (of two states, or of a state and
 * a row) are the same, or both absent
 */
static void
CheckSameCovariates(const CovariateSpec *a, const CovariateSpec *b, const char *what)
{
	if ((a == NULL) != (b == NULL))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot %s a fit state with covariates and one without", what),
				 errhint("Build every partial state of a fit with covariates with the same crm.covariates.")));
	if (a != NULL && !CovariateSpecEqual(a, b))
	{
		StringInfoData ta;
		StringInfoData tb;

		initStringInfo(&ta);
		initStringInfo(&tb);
		CovariateSpecAppendText(&ta, a);
		CovariateSpecAppendText(&tb, b);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("covariates must be the same for every row of a group, not (%s) and (%s)",
						ta.data, tb.data),
				 errhint("Pass one crm.covariates value per fit, and merge only states built with it.")));
	}
}

/* Raise 22023 unless a state takes rows of this shape, penalizer, unit and covariates */
static void
CheckStateTakesRows(const TupleState *state, uint8 shape, bool has_penalizer,
					float8 penalizer, const TimeUnit *unit, const CovariateSpec *spec)
{
	if (state->shape != shape)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add %s rows to a fit state of shape %s",
						TupleShapeName(shape), TupleShapeName(state->shape))));
	CheckSameCovariates(TupleStateCovariates(state), spec, "add rows of");
	if (has_penalizer)
		CheckSamePenalizer(state->penalizer, penalizer);
	CheckSameUnit(state->has_unit != 0, &state->unit, unit != NULL, unit);
}

/* A new empty state of a shape, penalizer, unit (NULL: unknown) and covariates (or NULL) */
static TupleState *
NewStateWithUnit(uint8 shape, bool has_penalizer, float8 penalizer, const TimeUnit *unit,
				 const CovariateSpec *spec)
{
	TupleState *state = BuildState(shape, 0, has_penalizer, penalizer, spec, NULL, 0,
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
 * to have the shape, penalizer and covariates of the row.  Inside an
 * aggregate it is an expanded state (*expanded set), made on the first row
 * or from a flat state; outside one it is a flat copy, since the input must
 * not change.
 */
static TupleState *
TransitionState(FunctionCallInfo fcinfo, uint8 shape, bool has_penalizer, float8 penalizer,
				const TimeUnit *unit, const CovariateSpec *spec, ExpandedTupleState **expanded)
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
			CheckStateTakesRows((*expanded)->flat, shape, has_penalizer, penalizer, unit, spec);
			return (*expanded)->flat;
		}
		state = TupleStateOfDatum(raw);
		CheckStateTakesRows(state, shape, has_penalizer, penalizer, unit, spec);
		if (!in_aggregate)
			return StateFlush(state, Max(state->buffer_capacity, 1));
	}
	else if (!in_aggregate)
		return NewStateWithUnit(shape, has_penalizer, penalizer, unit, spec);

	/* a new expanded state: empty, or a copy of a flat (or read-only) one */
	*expanded = NewExpandedTupleState(aggcontext);
	old_context = MemoryContextSwitchTo((*expanded)->hdr.eoh_context);
	if (state == NULL)
		(*expanded)->flat = NewStateWithUnit(shape, has_penalizer, penalizer, unit, spec);
	else
		(*expanded)->flat = StateFlush(state, Max(TUPLE_STATE_INITIAL_BUFFER,
												  state->buffer_capacity));
	MemoryContextSwitchTo(old_context);
	return (*expanded)->flat;
}

/* The state a transition of a fit without covariates adds its row to (see TransitionState) */
TupleState *
TupleTransitionState(FunctionCallInfo fcinfo, uint8 shape, bool has_penalizer,
					 float8 penalizer, const TimeUnit *unit, ExpandedTupleState **expanded)
{
	return TransitionState(fcinfo, shape, has_penalizer, penalizer, unit, NULL, expanded);
}

/* The state a transition of a fit with covariates adds its row to (see TransitionState) */
TupleState *
TupleTransitionStateCovariates(FunctionCallInfo fcinfo, uint8 shape, const CovariateSpec *spec,
							   const TimeUnit *unit, ExpandedTupleState **expanded)
{
	return TransitionState(fcinfo, shape, false, 0, unit, spec, expanded);
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

/* Scratch room of a call site for n tuples of a state (kept across calls, in fn_mcxt) */
static float8 *
TransitionScratch(FunctionCallInfo fcinfo, const TupleState *state, int32 n)
{
	Size	   *capacity = (Size *) fcinfo->flinfo->fn_extra;
	Size		bytes = TupleBytes(state, n);

	if (capacity == NULL || *capacity < bytes)
	{
		Size		room = Max(bytes, TupleBytes(state, TUPLE_STATE_MIN_RUN));

		if (capacity != NULL)
			pfree(capacity);
		capacity = MemoryContextAllocHuge(fcinfo->flinfo->fn_mcxt, MAXALIGN(sizeof(Size)) + room);
		*capacity = room;
		fcinfo->flinfo->fn_extra = capacity;
	}
	return (float8 *) ((char *) capacity + MAXALIGN(sizeof(Size)));
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
	Size		old_size = StateDataOffset(state) +
		TupleBytes(state, (int64) state->n_distinct + state->buffer_capacity);
	Size		size = StateDataOffset(state) +
		TupleBytes(state, (int64) state->n_distinct + buffer_capacity);

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
	StateCompact(state, TransitionScratch(fcinfo, state, state->n_buffered));
	if (state->buffer_capacity < Max(1, state->n_distinct / 2))
		state = StateGrow(fcinfo, state,
						  Max(Max(2 * state->buffer_capacity, state->n_distinct), want));
	return state;
}

/*
 * Add a tuple of values (the state's width of them) with a weight (> 0) to
 * a state; returns the state (it moves only when the merged run leaves too
 * little room for the buffer)
 */
TupleState *
TupleStateAdd(FunctionCallInfo fcinfo, TupleState *state, const float8 *v, int64 weight)
{
	int			width = TupleStateWidth(state);
	float8	   *slot;
	int64		n_rows = AddCounts(state->n_rows, weight, "fit state weight");

	state = StateMakeRoom(fcinfo, state, 1);
	slot = StateBuffer(state) + (Size) state->n_buffered * (width + 1);
	/* -0.0 and 0.0 are one value: store +0 so equal tuples compare equal */
	for (int i = 0; i < width; i++)
		slot[i] = v[i] + 0.0;
	TupleRecordSetCount(slot, width, weight);
	state->n_buffered++;
	state->n_rows = n_rows;
	return state;
}

/* Append n records (in any order, not the state's own) to the buffer of a state; returns the state */
static TupleState *
StateAppendBuffered(FunctionCallInfo fcinfo, TupleState *state, const float8 *records, int32 n)
{
	while (n > 0)
	{
		int32		k;

		state = StateMakeRoom(fcinfo, state, n);
		k = Min(n, state->buffer_capacity - state->n_buffered);
		memcpy(StateBuffer(state) + (Size) state->n_buffered * StateStride(state), records,
			   TupleBytes(state, k));
		state->n_buffered += k;
		records += (Size) k * StateStride(state);
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
StateMergeRun(FunctionCallInfo fcinfo, TupleState *state, const float8 *run, int32 n)
{
	StateCompact(state, TransitionScratch(fcinfo, state, state->n_buffered));
	if (state->buffer_capacity < n)
		state = StateGrow(fcinfo, state,
						  n + (state->n_distinct + n) / 2);
	state->buffer_capacity += state->n_distinct;
	state->n_distinct = TupleMergeRunInPlace(StateRun(state), state->n_distinct, run, n,
										TupleStateWidth(state));
	state->buffer_capacity -= state->n_distinct;
	CheckRunSize(state, state->n_distinct);
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
	Size		used = StateDataOffset(state) +
		TupleBytes(state, (int64) state->n_distinct + state->n_buffered);
	int32		buffer_capacity = Max(TUPLE_STATE_INITIAL_BUFFER, state->n_buffered + more);
	TupleState *copy = (TupleState *)
		MemoryContextAllocHuge(context, StateDataOffset(state) +
							   TupleBytes(state, (int64) state->n_distinct + buffer_capacity));

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
		MemoryContextAllocHuge(context, StateDataOffset(a) +
							   TupleBytes(a, (int64) room + buffer_capacity));

	memcpy(merged, a, StateDataOffset(a));
	merged->n_distinct = TupleMergeRuns(StateRun(a), a->n_distinct, StateRun(b), b->n_distinct,
								   StateRun(merged), TupleStateWidth(a));
	CheckRunSize(merged, merged->n_distinct);
	merged->buffer_capacity = room + buffer_capacity - merged->n_distinct;
	merged->n_buffered = a->n_buffered + b->n_buffered;
	memcpy(StateBuffer(merged), StateBuffer(a), TupleBytes(a, a->n_buffered));
	memcpy(StateBuffer(merged) + (Size) a->n_buffered * StateStride(a), StateBuffer(b),
		   TupleBytes(b, b->n_buffered));
	return merged;
}

/*
 * Raise 22023 unless two fit states can be merged: the same shape and
 * covariates, the same penalizer if both have one, the same unit if both
 * have rows
 */
static void
CheckMergeable(const TupleState *a, const TupleState *b)
{
	if (a->shape != b->shape)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge fit states of shapes %s and %s",
						TupleShapeName(a->shape), TupleShapeName(b->shape))));
	CheckSameCovariates(TupleStateCovariates(a), TupleStateCovariates(b), "merge");
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
				Size		bytes = StateDataOffset(a) +
					TupleBytes(a, (int64) a->n_distinct + a->n_buffered);

				b = (TupleState *) palloc(bytes);
				memcpy(b, a, bytes);
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
		float8	   *ra = TupleStateRecords(a, &na);
		float8	   *rb = TupleStateRecords(b, &nb);
		float8	   *run = (float8 *) palloc(TupleBytes(a, (int64) na + nb + 1));
		int32		n = TupleMergeRuns(ra, na, rb, nb, run, TupleStateWidth(a));
		TupleState *result = BuildState(a->shape, n_rows, false, 0, TupleStateCovariates(a),
										run, n, 0);

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

	TupleStateRecords(state, &n);
	PG_RETURN_INT32(n);
}
