/*
 * clv_fit_state.c
 *		crm.clv_fit_state: the exact, mergeable state of the probabilistic
 *		model fits (crm.bgnbd_fit, crm.mbgnbd_fit, crm.gammagamma_fit, ...).
 *
 * The state is a table of distinct input tuples with their total weight:
 * (x, t_x, T) for the purchase models, (x, m) for the spend model.  Rows
 * go to a buffer that is sorted and merged into the sorted run when it
 * fills, so a transition is O(1) amortized and never allocates per row.
 * Customers with the same summary collapse into one tuple, which is what
 * keeps the state small and the likelihood cheap to evaluate.
 */
#include "crm.h"
#include "clv.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* Tuples the buffer of a new state holds */
#define CLV_FIT_INITIAL_BUFFER 16
/* Smallest buffer after the first flush */
#define CLV_FIT_MIN_BUFFER 1024

/* Header size of a fit state, aligned for the tuples that follow */
#define FIT_HEADER_SIZE MAXALIGN(sizeof(ClvFitState))

/* Values per tuple of a shape (2 or 3) */
int
ClvShapeWidth(ClvFitShape shape)
{
	return shape == CLV_SHAPE_SPEND || shape == CLV_SHAPE_TENURES ||
		shape == CLV_SHAPE_DURATIONS ? 2 : 3;
}

/* Name of a shape in the text form */
static const char *
ShapeName(uint8 shape)
{
	switch (shape)
	{
		case CLV_SHAPE_PURCHASES:
			return "purchases";
		case CLV_SHAPE_OPPORTUNITIES:
			return "opportunities";
		case CLV_SHAPE_TENURES:
			return "tenures";
		case CLV_SHAPE_SPEND:
			return "spend";
		case CLV_SHAPE_DURATIONS:
			return "durations";
		default:
			return NULL;
	}
}

/* The shape named in the text form, or 0 */
static uint8
ShapeOfName(const char *name)
{
	if (strcmp(name, "purchases") == 0)
		return CLV_SHAPE_PURCHASES;
	if (strcmp(name, "opportunities") == 0)
		return CLV_SHAPE_OPPORTUNITIES;
	if (strcmp(name, "spend") == 0)
		return CLV_SHAPE_SPEND;
	if (strcmp(name, "tenures") == 0)
		return CLV_SHAPE_TENURES;
	if (strcmp(name, "durations") == 0)
		return CLV_SHAPE_DURATIONS;
	return 0;
}

/* The sorted run of a state */
static ClvTuple *
StateRun(const ClvFitState *state)
{
	return (ClvTuple *) ((char *) state + FIT_HEADER_SIZE);
}

/* The buffer of a state (after the run) */
static ClvTuple *
StateBuffer(const ClvFitState *state)
{
	return StateRun(state) + state->n_distinct;
}

/* Raise 54000 when a fit state of this many bytes cannot be allocated */
static void
CheckFitStateSize(Size size)
{
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("model fit state would exceed 1 GB"),
				 errhint("Fit on fewer distinct summaries, for example with t_x and T rounded to whole periods.")));
}

/* A new state holding a sorted run and an empty buffer of the given capacity */
static ClvFitState *
StateBuild(uint8 shape, int64 n_rows, bool has_penalizer, float8 penalizer,
		   const ClvTuple *run, int32 n_distinct, int32 buffer_capacity)
{
	Size		size = FIT_HEADER_SIZE +
		sizeof(ClvTuple) * ((Size) n_distinct + (Size) buffer_capacity);
	ClvFitState *state;

	CheckFitStateSize(size);
	state = (ClvFitState *) palloc0(size);
	SET_VARSIZE(state, size);
	state->version = CLV_FIT_STATE_VERSION;
	state->shape = shape;
	state->has_penalizer = has_penalizer ? 1 : 0;
	state->penalizer = has_penalizer ? penalizer : 0;
	state->n_distinct = n_distinct;
	state->buffer_capacity = buffer_capacity;
	state->n_rows = n_rows;
	if (n_distinct > 0)
		memcpy(StateRun(state), run, sizeof(ClvTuple) * (Size) n_distinct);
	return state;
}

/*
 * An aggregate's fit state while rows are added: an expanded object holding
 * a flat state that grows in place (repalloc in the object's own context).
 * The executor keeps a read-write expanded transition value without copying
 * it when it is returned again, so a growing state is never copied whole
 * into fresh memory (with a flat varlena state it was, at every growth); it
 * is flattened only when it leaves the aggregate (a partial aggregate's
 * result sent to the leader, an output function).
 */
typedef struct ExpandedFitState
{
	ExpandedObjectHeader hdr;	/* standard expanded-object header */
	ClvFitState *flat;			/* the state, allocated in hdr.eoh_context;
								 * its VARSIZE is the room allocated */
} ExpandedFitState;

/* Size of the flat form of an expanded fit state: run and buffered tuples */
static Size
ExpandedFitFlatSize(ExpandedObjectHeader *eohptr)
{
	const ClvFitState *flat = ((ExpandedFitState *) eohptr)->flat;

	return FIT_HEADER_SIZE +
		sizeof(ClvTuple) * ((Size) flat->n_distinct + (Size) flat->n_buffered);
}

/* Write the flat form of an expanded fit state (no spare room) into result */
static void
ExpandedFitFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	const ClvFitState *flat = ((ExpandedFitState *) eohptr)->flat;
	ClvFitState *out = (ClvFitState *) result;

	Assert(allocated_size == ExpandedFitFlatSize(eohptr));
	memcpy(out, flat, allocated_size);
	SET_VARSIZE(out, allocated_size);
	out->buffer_capacity = out->n_buffered;
}

static const ExpandedObjectMethods ExpandedFitMethods = {
	ExpandedFitFlatSize,
	ExpandedFitFlatten
};

/* The expanded fit state a datum points to, or NULL for a flat one */
static ExpandedFitState *
ExpandedFitStateOf(Datum datum)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(datum)))
	{
		ExpandedObjectHeader *eohptr = DatumGetEOHP(datum);

		if (eohptr->eoh_methods == &ExpandedFitMethods)
			return (ExpandedFitState *) eohptr;
	}
	return NULL;
}

/*
 * The fit state of a datum for reading: the flat state inside an expanded
 * one (not copied), or the detoasted varlena
 */
static ClvFitState *
FitStateOfDatum(Datum datum)
{
	ExpandedFitState *expanded = ExpandedFitStateOf(datum);

	if (expanded != NULL)
		return expanded->flat;
	return (ClvFitState *) PG_DETOAST_DATUM(datum);
}

/* A new expanded state in a child context of parent, its flat state still unset */
static ExpandedFitState *
NewExpandedFitState(MemoryContext parent)
{
	MemoryContext context = AllocSetContextCreate(parent, "crm fit state",
												  ALLOCSET_SMALL_SIZES);
	ExpandedFitState *expanded = (ExpandedFitState *)
		MemoryContextAlloc(context, sizeof(ExpandedFitState));

	EOH_init_header(&expanded->hdr, &ExpandedFitMethods, context);
	expanded->flat = NULL;
	return expanded;
}

/* Lexicographic order of the values of two tuples */
static inline int
CompareTupleValues(const ClvTuple *a, const ClvTuple *b)
{
	for (int i = 0; i < 3; i++)
	{
		if (a->v[i] < b->v[i])
			return -1;
		if (a->v[i] > b->v[i])
			return 1;
	}
	return 0;
}

/* SortTuples(tuples, n): an inlined sort of tuples by their values (faster than qsort) */
#define ST_SORT SortTuples
#define ST_ELEMENT_TYPE ClvTuple
#define ST_COMPARE(a, b) CompareTupleValues(a, b)
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Sort tuples and add up the counts of equal ones in place; returns how many remain */
static int32
SortAndCollapse(ClvTuple *tuples, int32 n)
{
	int32		distinct = 0;

	SortTuples(tuples, n);
	for (int32 i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (distinct > 0 && CompareTupleValues(&tuples[distinct - 1], &tuples[i]) == 0)
			tuples[distinct - 1].count = AddCounts(tuples[distinct - 1].count, tuples[i].count,
												   "fit state count");
		else
			tuples[distinct++] = tuples[i];
	}
	return distinct;
}

/* Merge two sorted runs of distinct tuples into out; returns its length */
static int32
MergeRuns(const ClvTuple *a, int32 na, const ClvTuple *b, int32 nb, ClvTuple *out)
{
	int32		i = 0;
	int32		j = 0;
	int32		n = 0;

	while (i < na || j < nb)
	{
		int			cmp = (i >= na) ? 1 : (j >= nb) ? -1 : CompareTupleValues(&a[i], &b[j]);

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

/* The sorted, distinct tuples of a state (palloc'd); *n gets their number */
ClvTuple *
ClvFitStateTuples(const ClvFitState *state, int32 *n)
{
	int32		nb = state->n_buffered;
	ClvTuple   *buffered = (ClvTuple *) palloc(sizeof(ClvTuple) * Max(nb, 1));
	ClvTuple   *merged;

	memcpy(buffered, StateBuffer(state), sizeof(ClvTuple) * (Size) nb);
	nb = SortAndCollapse(buffered, nb);
	merged = (ClvTuple *) palloc(sizeof(ClvTuple) * ((Size) state->n_distinct + nb + 1));
	*n = MergeRuns(StateRun(state), state->n_distinct, buffered, nb, merged);
	pfree(buffered);
	return merged;
}

/* A copy of the state with the buffer merged into the run and room for more */
static ClvFitState *
StateFlush(const ClvFitState *state, int32 buffer_capacity)
{
	int32		n;
	ClvTuple   *run = ClvFitStateTuples(state, &n);
	ClvFitState *copy;

	if (buffer_capacity < 0)
		buffer_capacity = Max(CLV_FIT_MIN_BUFFER, n);
	copy = StateBuild(state->shape, state->n_rows, state->has_penalizer,
					  state->penalizer, run, n, buffer_capacity);
	copy->has_unit = state->has_unit;
	copy->unit = state->unit;
	return copy;
}

/* A 64-bit mix of a value's bits for the open-addressing table of ClvColumnIndex */
static inline uint64
MixBits(float8 value)
{
	uint64		bits;

	memcpy(&bits, &value, sizeof(bits));
	bits ^= bits >> 33;
	bits *= UINT64CONST(0xff51afd7ed558ccd);
	bits ^= bits >> 33;
	bits *= UINT64CONST(0xc4ceb9fe1a85ec53);
	bits ^= bits >> 33;
	return bits;
}

/*
 * The distinct values of column col of the tuples (palloc'd, in order of
 * first appearance; *n gets their number), and in index[j] the position of
 * tuple j's value among them; one pass with an open-addressing table.
 * Returns NULL (and *n = 0) as soon as there are more than limit distinct
 * values: then a per-value cache would be no smaller than the tuples.
 * Values are compared with ==, so -0 and +0 (normalized on input) and equal
 * values share an entry.
 */
float8 *
ClvColumnIndex(const ClvTuple *tuples, int32 n_tuples, int col, int32 limit,
			   int32 *n, int32 *index)
{
	int32		most = Max(Min(limit, n_tuples), 1);
	uint32		size = 16;
	uint32		mask;
	int32	   *slots;
	float8	   *values = (float8 *) palloc(sizeof(float8) * most);
	int32		distinct = 0;

	while (size < 2 * (uint32) most)
		size <<= 1;
	mask = size - 1;
	slots = (int32 *) palloc(sizeof(int32) * size);
	memset(slots, -1, sizeof(int32) * size);
	for (int32 j = 0; j < n_tuples; j++)
	{
		float8		value = tuples[j].v[col];
		uint32		h = (uint32) MixBits(value) & mask;

		while (slots[h] >= 0 && values[slots[h]] != value)
			h = (h + 1) & mask;
		if (slots[h] < 0)
		{
			if (distinct >= most)
			{
				pfree(slots);
				pfree(values);
				*n = 0;
				return NULL;
			}
			values[distinct] = value;
			slots[h] = distinct++;
		}
		index[j] = slots[h];
	}
	pfree(slots);
	*n = distinct;
	return values;
}

/* The weight of a row (argument argno): a non-negative whole number */
static int64
RowWeight(FunctionCallInfo fcinfo, int argno)
{
	int64		weight = PG_GETARG_INT64(argno);

	if (weight < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight must not be negative, not " INT64_FORMAT, weight)));
	return weight;
}

/* The penalizer argument (argno): finite and >= 0 */
static float8
RowPenalizer(FunctionCallInfo fcinfo, int argno)
{
	float8		penalizer;

	CheckNotNull(fcinfo, argno, "penalizer");
	penalizer = PG_GETARG_FLOAT8(argno);
	if (isnan(penalizer) || isinf(penalizer) || penalizer < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("penalizer must be a finite number >= 0, not %g", penalizer)));
	return penalizer;
}

/* The unit argument (argno) of a fit transition: a positive time unit */
static void
RowUnit(FunctionCallInfo fcinfo, int argno, TimeUnit *unit)
{
	CheckNotNull(fcinfo, argno, "unit");
	TimeUnitFromInterval(PG_GETARG_INTERVAL_P(argno), unit);
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

/* The penalizer of a fit's final function: its second argument or the state's */
float8
ClvFinalPenalizer(FunctionCallInfo fcinfo, const ClvFitState *state)
{
	return PG_NARGS() > 1 ? RowPenalizer(fcinfo, 1) : state->penalizer;
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
CheckStateTakesRows(const ClvFitState *state, uint8 shape, bool has_penalizer,
					float8 penalizer, const TimeUnit *unit)
{
	if (state->shape != shape)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add %s rows to a fit state of shape %s",
						ShapeName(shape), ShapeName(state->shape))));
	if (has_penalizer)
		CheckSamePenalizer(state->penalizer, penalizer);
	CheckSameUnit(state->has_unit != 0, &state->unit, unit != NULL, unit);
}

/* A new empty state of a shape, penalizer and unit (NULL: unknown) */
static ClvFitState *
NewStateWithUnit(uint8 shape, bool has_penalizer, float8 penalizer, const TimeUnit *unit)
{
	ClvFitState *state = StateBuild(shape, 0, has_penalizer, penalizer, NULL, 0,
									CLV_FIT_INITIAL_BUFFER);

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
static ClvFitState *
TransitionState(FunctionCallInfo fcinfo, uint8 shape, bool has_penalizer,
				float8 penalizer, const TimeUnit *unit, ExpandedFitState **expanded)
{
	MemoryContext aggcontext;
	bool		in_aggregate = AggCheckCallContext(fcinfo, &aggcontext) != 0;
	ClvFitState *state = NULL;
	MemoryContext old_context;

	*expanded = NULL;
	if (!PG_ARGISNULL(0))
	{
		Datum		raw = PG_GETARG_DATUM(0);

		*expanded = in_aggregate ? ExpandedFitStateOf(raw) : NULL;
		if (*expanded != NULL && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(raw)))
		{
			CheckStateTakesRows((*expanded)->flat, shape, has_penalizer, penalizer, unit);
			return (*expanded)->flat;
		}
		state = FitStateOfDatum(raw);
		CheckStateTakesRows(state, shape, has_penalizer, penalizer, unit);
		if (!in_aggregate)
			return StateFlush(state, Max(state->buffer_capacity, 1));
	}
	else if (!in_aggregate)
		return NewStateWithUnit(shape, has_penalizer, penalizer, unit);

	/* a new expanded state: empty, or a copy of a flat (or read-only) one */
	*expanded = NewExpandedFitState(aggcontext);
	old_context = MemoryContextSwitchTo((*expanded)->hdr.eoh_context);
	if (state == NULL)
		(*expanded)->flat = NewStateWithUnit(shape, has_penalizer, penalizer, unit);
	else
		(*expanded)->flat = StateFlush(state, Max(CLV_FIT_INITIAL_BUFFER,
												  state->buffer_capacity));
	MemoryContextSwitchTo(old_context);
	return (*expanded)->flat;
}

/* The datum a transition returns: the expanded state, or the flat one */
static Datum
TransitionResult(ExpandedFitState *expanded, ClvFitState *state)
{
	if (expanded != NULL)
	{
		expanded->flat = state;
		return EOHPGetRWDatum(&expanded->hdr);
	}
	return PointerGetDatum(state);
}

/* Scratch room of a transition's call site for n tuples (kept across calls) */
static ClvTuple *
TransitionScratch(FunctionCallInfo fcinfo, int32 n)
{
	int32	   *capacity = (int32 *) fcinfo->flinfo->fn_extra;

	if (capacity == NULL || *capacity < n)
	{
		int32		room = Max(n, CLV_FIT_MIN_BUFFER);

		if (capacity != NULL)
			pfree(capacity);
		capacity = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
									  MAXALIGN(sizeof(int32)) + sizeof(ClvTuple) * (Size) room);
		*capacity = room;
		fcinfo->flinfo->fn_extra = capacity;
	}
	return (ClvTuple *) ((char *) capacity + MAXALIGN(sizeof(int32)));
}

/*
 * Merge the buffer into the run inside the state itself: sort and collapse
 * the buffer, move it to scratch, merge both runs backwards from the end of
 * the room they occupy, and slide the result to the front.  No new memory
 * for the state, so its pointer stays the same (the executor then keeps it
 * without copying).  Returns the number of distinct tuples.
 */
static int32
StateMergeInPlace(ClvFitState *state, ClvTuple *scratch)
{
	ClvTuple   *run = StateRun(state);
	int32		na = state->n_distinct;
	int32		nb = SortAndCollapse(StateBuffer(state), state->n_buffered);
	int32		i = na - 1;
	int32		j = nb - 1;
	int32		k = na + nb - 1;
	int32		start;

	memcpy(scratch, StateBuffer(state), sizeof(ClvTuple) * (Size) nb);
	while (j >= 0)
	{
		int			cmp = i < 0 ? -1 : CompareTupleValues(&run[i], &scratch[j]);

		if (cmp > 0)
			run[k--] = run[i--];
		else if (cmp < 0)
			run[k--] = scratch[j--];
		else
		{
			run[k] = run[i--];
			run[k].count = AddCounts(run[k].count, scratch[j--].count, "fit state count");
			k--;
		}
	}
	/* what is left of the run is in place below k; close the gap of collapsed tuples */
	start = k - i;
	if (start > 0)
		memmove(run + i + 1, run + k + 1, sizeof(ClvTuple) * (Size) (na + nb - 1 - k));
	return na + nb - start;
}

/*
 * A state whose buffer is empty (just merged) grown in place (repalloc) to
 * room for buffer_capacity buffered tuples.  The transitions only ever grow
 * a state of their own (an expanded state's, or a fresh copy outside an
 * aggregate), never their input.  The new buffer is left unset: it is
 * written before it is read, and states that leave an aggregate are
 * flattened or compacted without it.
 */
static ClvFitState *
StateGrow(ClvFitState *state, int32 buffer_capacity)
{
	Size		size = FIT_HEADER_SIZE +
		sizeof(ClvTuple) * ((Size) state->n_distinct + (Size) buffer_capacity);

	Assert(state->n_buffered == 0);
	CheckFitStateSize(size);
	state = (ClvFitState *) repalloc(state, size);
	SET_VARSIZE(state, size);
	state->buffer_capacity = buffer_capacity;
	return state;
}

/*
 * Add a tuple of values with a weight (> 0) to a state; returns the state
 * (it moves only when the merged run leaves too little room for the buffer)
 */
static ClvFitState *
StateAddTuple(FunctionCallInfo fcinfo, ClvFitState *state, const float8 *v, int64 weight)
{
	ClvTuple   *slot;
	int64		n_rows = AddCounts(state->n_rows, weight, "fit state weight");

	if (state->n_buffered >= state->buffer_capacity)
	{
		int32		room = state->n_distinct + state->buffer_capacity;
		int32		n = StateMergeInPlace(state, TransitionScratch(fcinfo, state->n_buffered));

		state->n_distinct = n;
		state->n_buffered = 0;
		state->buffer_capacity = room - n;
		/* grow to twice the run when the buffer would be small against it */
		if (state->buffer_capacity < Max(CLV_FIT_MIN_BUFFER, n / 2))
			state = StateGrow(state, Max(CLV_FIT_MIN_BUFFER, n));
	}
	slot = StateBuffer(state) + state->n_buffered;
	/* -0.0 and 0.0 are one value: store +0 so equal tuples compare equal */
	for (int i = 0; i < 3; i++)
		slot->v[i] = v[i] + 0.0;
	slot->count = weight;
	state->n_buffered++;
	state->n_rows = n_rows;
	return state;
}

/*
 * Shared transition of the fit aggregates: args are (state, values..., [weight,
 * [penalizer]] [, unit]) with width float8 values of the given shape; with_unit
 * says whether the last argument is the rows' time unit
 */
static Datum
FitTransition(FunctionCallInfo fcinfo, uint8 shape, bool with_unit)
{
	int			width = ClvShapeWidth(shape);
	int			nargs = PG_NARGS() - (with_unit ? 1 : 0);
	bool		has_penalizer = nargs > width + 2;
	float8		penalizer = has_penalizer ? RowPenalizer(fcinfo, width + 2) : 0;
	TimeUnit	unit;
	ExpandedFitState *expanded;
	ClvFitState *state;
	float8		v[3] = {0, 0, 0};
	int64		weight = 1;

	if (with_unit)
		RowUnit(fcinfo, nargs, &unit);
	state = TransitionState(fcinfo, shape, has_penalizer, penalizer,
							with_unit ? &unit : NULL, &expanded);

	/* rows with a NULL value or weight are skipped, as built-in aggregates do */
	for (int i = 0; i < width; i++)
	{
		if (PG_ARGISNULL(i + 1))
			return TransitionResult(expanded, state);
		v[i] = PG_GETARG_FLOAT8(i + 1);
	}
	if (nargs > width + 1)
	{
		if (PG_ARGISNULL(width + 1))
			return TransitionResult(expanded, state);
		weight = RowWeight(fcinfo, width + 1);
	}
	ClvCheckCustomer(shape, v);
	/* the spend model is fitted on customers with repeat purchases */
	if (shape == CLV_SHAPE_SPEND && v[0] == 0)
		return TransitionResult(expanded, state);
	if (weight == 0)
		return TransitionResult(expanded, state);
	state = StateAddTuple(fcinfo, state, v, weight);
	return TransitionResult(expanded, state);
}

/* Transition of the purchase-model fits: (x, t_x, T [, weight [, penalizer]]) */
PG_FUNCTION_INFO_V1(clv_fit_trans_purchases);
Datum
clv_fit_trans_purchases(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, CLV_SHAPE_PURCHASES, false);
}

/* Transition of the purchase-model fits with a time unit: (x, t_x, T [, weight, penalizer], unit) */
PG_FUNCTION_INFO_V1(clv_fit_trans_purchases_unit);
Datum
clv_fit_trans_purchases_unit(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, CLV_SHAPE_PURCHASES, true);
}

/* Transition of the spend-model fit: (x, m [, weight [, penalizer]]) */
PG_FUNCTION_INFO_V1(clv_fit_trans_spend);
Datum
clv_fit_trans_spend(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, CLV_SHAPE_SPEND, false);
}

/* Transition of the spend-model fit with a time unit: (x, m [, weight, penalizer], unit) */
PG_FUNCTION_INFO_V1(clv_fit_trans_spend_unit);
Datum
clv_fit_trans_spend_unit(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, CLV_SHAPE_SPEND, true);
}

/*
 * Transition of the contractual retention fits: (tenure int, churned bool [,
 * weight]).  A row with a NULL tenure or weight is skipped; a tenure without
 * its churn flag is an error (censored and churned customers mean opposite
 * things to the likelihood).
 */
PG_FUNCTION_INFO_V1(clv_fit_trans_tenures);
Datum
clv_fit_trans_tenures(PG_FUNCTION_ARGS)
{
	ExpandedFitState *expanded;
	ClvFitState *state = TransitionState(fcinfo, CLV_SHAPE_TENURES, false, 0, NULL,
										 &expanded);
	float8		v[3] = {0, 0, 0};
	int64		weight = 1;
	int32		tenure;

	if (PG_ARGISNULL(1))
		return TransitionResult(expanded, state);
	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3))
			return TransitionResult(expanded, state);
		weight = RowWeight(fcinfo, 3);
	}
	tenure = PG_GETARG_INT32(1);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("churned must not be NULL (tenure %d)", tenure),
				 errhint("Pass false for customers still active at the end of their tenure (censored), true for those who churned then.")));
	ClvCheckTenure((float8) tenure);
	if (weight == 0)
		return TransitionResult(expanded, state);
	v[0] = tenure;
	v[1] = PG_GETARG_BOOL(2) ? 1 : 0;
	state = StateAddTuple(fcinfo, state, v, weight);
	return TransitionResult(expanded, state);
}

/*
 * Transition of the survival fits: (duration float8, event bool [, weight]).
 * A row with a NULL duration or weight is skipped; a duration without its
 * event flag is an error (an event and a censoring mean opposite things).
 */
PG_FUNCTION_INFO_V1(clv_fit_trans_durations);
Datum
clv_fit_trans_durations(PG_FUNCTION_ARGS)
{
	ExpandedFitState *expanded;
	ClvFitState *state = TransitionState(fcinfo, CLV_SHAPE_DURATIONS, false, 0, NULL,
										 &expanded);
	float8		v[3] = {0, 0, 0};
	int64		weight = 1;

	if (PG_ARGISNULL(1))
		return TransitionResult(expanded, state);
	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3))
			return TransitionResult(expanded, state);
		weight = RowWeight(fcinfo, 3);
	}
	v[0] = PG_GETARG_FLOAT8(1);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("event must not be NULL (duration %g)", v[0]),
				 errhint("Pass true when the event (churn) was observed at the duration, false when the customer was still active then (censored).")));
	ClvCheckDuration(v[0]);
	if (weight == 0)
		return TransitionResult(expanded, state);
	v[1] = PG_GETARG_BOOL(2) ? 1 : 0;
	state = StateAddTuple(fcinfo, state, v, weight);
	return TransitionResult(expanded, state);
}

/* Transition of the discrete-opportunity fits: (x, t_x, n [, weight [, penalizer]]) */
PG_FUNCTION_INFO_V1(clv_fit_trans_opportunities);
Datum
clv_fit_trans_opportunities(PG_FUNCTION_ARGS)
{
	return FitTransition(fcinfo, CLV_SHAPE_OPPORTUNITIES, false);
}

/* Combine: merge two partial fit states of the same shape and penalizer */
PG_FUNCTION_INFO_V1(clv_fit_combine);
Datum
clv_fit_combine(PG_FUNCTION_ARGS)
{
	ClvFitState *a = FitStateOfDatum(PG_GETARG_DATUM(0));
	ClvFitState *b = FitStateOfDatum(PG_GETARG_DATUM(1));
	int32		na;
	int32		nb;
	ClvTuple   *ra;
	ClvTuple   *rb;
	ClvTuple   *merged;
	int32		n;
	ClvFitState *result;
	const ClvFitState *unit_from;
	int64		n_rows = AddCounts(a->n_rows, b->n_rows, "fit state weight");

	if (a->shape != b->shape)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge fit states of shapes %s and %s",
						ShapeName(a->shape), ShapeName(b->shape))));
	if (a->has_penalizer && b->has_penalizer)
		CheckSamePenalizer(a->penalizer, b->penalizer);
	/* an empty state (no rows yet) takes the unit of the other */
	if (a->n_rows > 0 && b->n_rows > 0)
		CheckSameUnit(a->has_unit != 0, &a->unit, b->has_unit != 0, &b->unit);
	ra = ClvFitStateTuples(a, &na);
	rb = ClvFitStateTuples(b, &nb);
	merged = (ClvTuple *) palloc(sizeof(ClvTuple) * ((Size) na + nb + 1));
	n = MergeRuns(ra, na, rb, nb, merged);
	result = StateBuild(a->shape, n_rows,
						a->has_penalizer || b->has_penalizer,
						a->has_penalizer ? a->penalizer : b->penalizer,
						merged, n, Max(CLV_FIT_MIN_BUFFER, n));
	unit_from = (a->has_unit || a->n_rows > 0) ? a : b;
	result->has_unit = unit_from->has_unit;
	result->unit = unit_from->unit;
	PG_RETURN_POINTER(result);
}

/* The fit state in argument argno, checked to have the given shape */
ClvFitState *
ClvGetFitState(FunctionCallInfo fcinfo, int argno, ClvFitShape shape)
{
	ClvFitState *state = FitStateOfDatum(PG_GETARG_DATUM(argno));

	if (state->shape != shape)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("this model is fitted on a fit state of shape %s, not %s",
						ShapeName(shape), ShapeName(state->shape)),
				 errhint("Make the state with the partial aggregate of the model: crm.clv_fit_partial (purchases), crm.spend_fit_partial (spend), crm.opportunity_fit_partial (opportunities), crm.tenure_fit_partial (tenures) or crm.duration_fit_partial (durations).")));
	return state;
}

/* Raise 22P02 for malformed fit state text */
static void
StateSyntaxError(const char *input, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type crm.clv_fit_state: \"%s\"", input),
			 errdetail("%s.", why)));
}

/* Why tuples read from outside are inconsistent, or NULL */
static const char *
TuplesProblem(uint8 shape, const ClvTuple *tuples, int32 n, int64 n_rows)
{
	int64		total = 0;

	for (int32 i = 0; i < n; i++)
	{
		const ClvTuple *t = &tuples[i];
		float8		x = t->v[0];

		for (int k = 0; k < 3; k++)
			if (!isfinite(t->v[k]))
				return "values must be finite";
		if (t->count <= 0 || total > PG_INT64_MAX - t->count)
			return "counts must be positive";
		if (shape == CLV_SHAPE_DURATIONS &&
			(x < 0 || (t->v[1] != 0 && t->v[1] != 1) || t->v[2] != 0))
			return "each (duration, event) must have a duration >= 0 and event 0 or 1";
		if (shape != CLV_SHAPE_DURATIONS && (x < 0 || x != floor(x)))
			return "x must be a non-negative whole number";
		if (shape == CLV_SHAPE_PURCHASES &&
			(t->v[1] < 0 || t->v[1] > t->v[2] || (x == 0 && t->v[1] != 0)))
			return "each (x, t_x, T) must have 0 <= t_x <= T, and t_x = 0 when x = 0";
		if (shape == CLV_SHAPE_OPPORTUNITIES &&
			(t->v[2] < 0 || t->v[2] > 1e6 || t->v[2] != floor(t->v[2]) ||
			 t->v[1] != floor(t->v[1]) || t->v[1] < x || t->v[1] > t->v[2] ||
			 (x == 0 && t->v[1] != 0)))
			return "each (x, t_x, n) must be whole numbers with x <= t_x <= n, 0 <= n, and t_x = 0 when x = 0";
		if (shape == CLV_SHAPE_TENURES &&
			(x < 1 || x > 1e6 || (t->v[1] != 0 && t->v[1] != 1) || t->v[2] != 0))
			return "each (tenure, churned) must have a whole tenure >= 1 and churned 0 or 1";
		if (shape == CLV_SHAPE_SPEND && (x == 0 || t->v[2] != 0))
			return "each (x, m) must have x > 0";
		if (i > 0 && CompareTupleValues(&tuples[i - 1], t) >= 0)
			return "tuples must be strictly increasing";
		total += t->count;
	}
	if (total != n_rows)
		return "the counts must add up to n";
	return NULL;
}

/* Text form: "v1 shape=purchases n=N [penalizer=P] tuples={x,t_x,T:count;...}" */
PG_FUNCTION_INFO_V1(clv_fit_state_out);
Datum
clv_fit_state_out(PG_FUNCTION_ARGS)
{
	ClvFitState *state = FitStateOfDatum(PG_GETARG_DATUM(0));
	int			width = ClvShapeWidth(state->shape);
	StringInfoData buf;
	char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];
	int32		n;
	ClvTuple   *tuples = ClvFitStateTuples(state, &n);

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d shape=%s n=" INT64_FORMAT, state->version,
					 ShapeName(state->shape), state->n_rows);
	if (state->has_penalizer)
	{
		double_to_shortest_decimal_buf(state->penalizer, digits);
		appendStringInfo(&buf, " penalizer=%s", digits);
	}
	if (state->has_unit)
		appendStringInfo(&buf, " unit=%s", TimeUnitText(&state->unit));
	appendStringInfoString(&buf, " tuples={");
	for (int32 i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ';');
		for (int k = 0; k < width; k++)
		{
			double_to_shortest_decimal_buf(tuples[i].v[k], digits);
			appendStringInfo(&buf, "%s%s", k ? "," : "", digits);
		}
		appendStringInfo(&buf, ":" INT64_FORMAT, tuples[i].count);
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* Parse one float8 of the text form at *p, advancing it; raise on bad input */
static float8
ParseValue(const char *input, char **p)
{
	char	   *end;
	float8		value;

	if (!CrmParseFloat8(*p, &end, &value))
		StateSyntaxError(input, "expected a number");
	*p = end;
	return value;
}

/* Parse the text form of crm.clv_fit_state */
PG_FUNCTION_INFO_V1(clv_fit_state_in);
Datum
clv_fit_state_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	char		shape_name[16];
	int			version;
	long long	n_rows;
	int			consumed = 0;
	uint8		shape;
	int			width;
	bool		has_penalizer = false;
	float8		penalizer = 0;
	char	   *p;
	int32		allocated = 16;
	int32		n = 0;
	ClvTuple   *tuples;
	const char *problem;
	bool		has_unit = false;
	TimeUnit	unit = {0, 0, 0};
	ClvFitState *state;

	if (sscanf(input, "v%d shape=%15[a-z] n=%lld%n",
			   &version, shape_name, &n_rows, &consumed) != 3 || consumed == 0)
		StateSyntaxError(input, "expected \"v1 shape=... n=...\"");
	if (version != CLV_FIT_STATE_VERSION)
		StateSyntaxError(input, "unsupported version");
	shape = ShapeOfName(shape_name);
	if (shape == 0)
		StateSyntaxError(input, "shape must be purchases, opportunities, spend, tenures or durations");
	width = ClvShapeWidth(shape);
	if (n_rows < 0)
		StateSyntaxError(input, "n must not be negative");
	p = input + consumed;
	if (strncmp(p, " penalizer=", 11) == 0)
	{
		p += 11;
		penalizer = ParseValue(input, &p);
		if (!isfinite(penalizer) || penalizer < 0)
			StateSyntaxError(input, "penalizer must be finite and >= 0");
		has_penalizer = true;
	}
	if (strncmp(p, " unit=", 6) == 0)
	{
		char	   *end = strchr(p + 6, ' ');
		char	   *text;

		if (end == NULL)
			StateSyntaxError(input, "expected \" tuples={\" after the unit");
		text = pnstrdup(p + 6, end - (p + 6));
		if (!TimeUnitParse(text, &unit))
			StateSyntaxError(input, "unit must be a positive ISO 8601 duration such as P1D, P7D or P1M");
		has_unit = true;
		p = end;
	}
	if (strncmp(p, " tuples={", 9) != 0)
		StateSyntaxError(input, "expected \" tuples={\"");
	p += 9;
	tuples = (ClvTuple *) palloc0(sizeof(ClvTuple) * allocated);
	while (*p != '}')
	{
		char	   *end;

		if (n > 0)
		{
			if (*p != ';')
				StateSyntaxError(input, "expected \";\" or \"}\"");
			p++;
		}
		if (n >= allocated)
		{
			allocated *= 2;
			tuples = repalloc(tuples, sizeof(ClvTuple) * allocated);
		}
		tuples[n].v[2] = 0;
		for (int k = 0; k < width; k++)
		{
			if (k > 0 && *p++ != ',')
				StateSyntaxError(input, "expected \",\" between the values of a tuple");
			tuples[n].v[k] = ParseValue(input, &p) + 0.0;
		}
		if (*p++ != ':' || !isdigit((unsigned char) *p))
			StateSyntaxError(input, "expected \":count\" after a tuple");
		errno = 0;
		tuples[n].count = strtoll(p, &end, 10);
		if (errno != 0)
			StateSyntaxError(input, "count out of range");
		p = end;
		n++;
	}
	if (*++p != '\0')
		StateSyntaxError(input, "unexpected text at the end");
	problem = TuplesProblem(shape, tuples, n, n_rows);
	if (problem != NULL)
		StateSyntaxError(input, problem);
	state = StateBuild(shape, n_rows, has_penalizer, penalizer, tuples, n, 0);
	state->has_unit = has_unit ? 1 : 0;
	state->unit = unit;
	PG_RETURN_POINTER(state);
}

/* Binary form of crm.clv_fit_state */
PG_FUNCTION_INFO_V1(clv_fit_state_send);
Datum
clv_fit_state_send(PG_FUNCTION_ARGS)
{
	ClvFitState *state = FitStateOfDatum(PG_GETARG_DATUM(0));
	int			width = ClvShapeWidth(state->shape);
	StringInfoData buf;
	int32		n;
	ClvTuple   *tuples = ClvFitStateTuples(state, &n);

	/* version 1 without a unit; 2 with the unit after n */
	pq_begintypsend(&buf);
	pq_sendint8(&buf, state->has_unit ? 2 : 1);
	pq_sendint8(&buf, state->shape);
	pq_sendint8(&buf, state->has_penalizer);
	pq_sendfloat8(&buf, state->penalizer);
	pq_sendint64(&buf, state->n_rows);
	if (state->has_unit)
	{
		pq_sendint32(&buf, state->unit.months);
		pq_sendint32(&buf, state->unit.days);
		pq_sendint64(&buf, state->unit.usecs);
	}
	pq_sendint32(&buf, n);
	for (int32 i = 0; i < n; i++)
	{
		for (int k = 0; k < width; k++)
			pq_sendfloat8(&buf, tuples[i].v[k]);
		pq_sendint64(&buf, tuples[i].count);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.clv_fit_state */
PG_FUNCTION_INFO_V1(clv_fit_state_recv);
Datum
clv_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = (uint8) pq_getmsgint(buf, 1);
	uint8		shape = (uint8) pq_getmsgint(buf, 1);
	uint8		has_penalizer = (uint8) pq_getmsgint(buf, 1);
	float8		penalizer = pq_getmsgfloat8(buf);
	int64		n_rows = pq_getmsgint64(buf);
	TimeUnit	unit = {0, 0, 0};
	int32		n;
	const char *problem = NULL;
	ClvTuple   *tuples = NULL;
	ClvFitState *state;

	if (version == 2)
	{
		unit.months = (int32) pq_getmsgint(buf, 4);
		unit.days = (int32) pq_getmsgint(buf, 4);
		unit.usecs = pq_getmsgint64(buf);
		if (!TimeUnitIsValid(&unit))
			problem = "invalid unit";
	}
	n = (int32) pq_getmsgint(buf, 4);
	if (problem == NULL &&
		((version != 1 && version != 2) || ShapeName(shape) == NULL ||
		 has_penalizer > 1 || !isfinite(penalizer) || penalizer < 0 ||
		 (!has_penalizer && penalizer != 0) || n_rows < 0))
		problem = "invalid version, shape, penalizer or n";
	if (problem == NULL &&
		(n < 0 || (int64) n * 8 * (ClvShapeWidth(shape) + 1) > buf->len - buf->cursor))
		problem = "invalid number of tuples";
	if (problem == NULL)
	{
		tuples = (ClvTuple *) palloc0(sizeof(ClvTuple) * Max(n, 1));
		for (int32 i = 0; i < n; i++)
		{
			for (int k = 0; k < ClvShapeWidth(shape); k++)
				tuples[i].v[k] = pq_getmsgfloat8(buf) + 0.0;
			tuples[i].count = pq_getmsgint64(buf);
		}
		problem = TuplesProblem(shape, tuples, n, n_rows);
	}
	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary crm.clv_fit_state"),
				 errdetail("%s.", problem)));
	state = StateBuild(shape, n_rows, has_penalizer != 0, penalizer, tuples, n, 0);
	state->has_unit = version == 2 ? 1 : 0;
	state->unit = unit;
	PG_RETURN_POINTER(state);
}

/* Final function of the partial aggregates: the state with its buffer merged and no spare room */
PG_FUNCTION_INFO_V1(clv_fit_state_compact);
Datum
clv_fit_state_compact(PG_FUNCTION_ARGS)
{
	ClvFitState *state = FitStateOfDatum(PG_GETARG_DATUM(0));

	PG_RETURN_POINTER(StateFlush(state, 0));
}

/* Customers (total weight) in a fit state */
PG_FUNCTION_INFO_V1(clv_fit_state_customers);
Datum
clv_fit_state_customers(PG_FUNCTION_ARGS)
{
	ClvFitState *state = FitStateOfDatum(PG_GETARG_DATUM(0));

	PG_RETURN_INT64(state->n_rows);
}

/* Distinct tuples in a fit state (what its memory grows with) */
PG_FUNCTION_INFO_V1(clv_fit_state_distinct);
Datum
clv_fit_state_distinct(PG_FUNCTION_ARGS)
{
	ClvFitState *state = FitStateOfDatum(PG_GETARG_DATUM(0));
	int32		n;

	ClvFitStateTuples(state, &n);
	PG_RETURN_INT32(n);
}
