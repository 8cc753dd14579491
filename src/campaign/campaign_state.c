/*
 * campaign_state.c
 *		crm.campaign_state: the exact, mergeable state of the campaign
 *		aggregates (crm.response_fit, crm.gains_fit, crm.uplift_fit,
 *		crm.campaign_merge), and its transitions, combine and final function.
 *
 * A state with scores keeps one cell per distinct score: the customers and
 * responders with that score (per group with a treatment flag).  A row
 * appends a cell to the buffer after the sorted run (or adds to the last
 * buffered cell when the score repeats); a full buffer is sorted, collapsed
 * and merged into the run in place, and the state grows so that the buffer
 * has room for at least max(1024, distinct scores) cells: O(log) work per
 * row, amortized, and no allocation per row.  Inside an aggregate a state
 * with scores is an expanded object that grows in place.  Rows with a NULL argument, or
 * a score that is NaN or infinite, are skipped and counted.
 *
 * Text and binary forms: campaign_state_io.c.
 */
#include "crm.h"
#include "crm_io.h"
#include "agg_states.h"
#include "campaign.h"

#include <math.h>

#include "common/int.h"
#include "miscadmin.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

/* Cells a new state with scores has room for (small groups stay small) */
#define CAMPAIGN_INITIAL_SLOTS 16
/* Smallest buffer after the first flush */
#define CAMPAIGN_MIN_BUFFER 1024
/*
 * Most distinct scores for which a row looks its score up in the sorted run
 * first (a binary search; a hit adds to the run's cell and buffers
 * nothing): scores of a model rounded to a few decimals then cost no sort
 */
#define CAMPAIGN_LOOKUP_MAX 65536


/* Name of a kind in text forms */
const char *
CampaignKindName(uint8 kind)
{
	switch (kind)
	{
		case 0:
			return "response";
		case CAMPAIGN_HAS_TREATMENT:
			return "treatment";
		case CAMPAIGN_HAS_SCORES:
			return "score";
		case CAMPAIGN_HAS_SCORES | CAMPAIGN_HAS_TREATMENT:
			return "uplift";
	}
	return "unknown";
}

/* A new empty state of a kind with room for slots cells */
CampaignState *
CampaignStateNew(uint8 kind, int32 slots)
{
	Size		size = CAMPAIGN_HEADER_SIZE + sizeof(CampaignCell) * (Size) slots;
	CampaignState *state;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("campaign state would exceed 1 GB"),
				 errhint("Round the scores (for example to 4 decimal places) so that fewer are distinct.")));
	/* the header is zeroed; every cell is written before it is read */
	state = (CampaignState *) palloc(size);
	memset(state, 0, CAMPAIGN_HEADER_SIZE);
	SET_VARSIZE(state, size);
	state->version = CAMPAIGN_STATE_VERSION;
	state->kind = kind;
	state->slots = slots;
	return state;
}

/* SortCells(cells, n): an inlined sort of cells by score */
#define ST_SORT SortCells
#define ST_ELEMENT_TYPE CampaignCell
#define ST_COMPARE(a, b) (((a)->score > (b)->score) - ((a)->score < (b)->score))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Add the counts of cell from into cell into (22003 on overflow) */
static inline void
CellAdd(CampaignCell *into, const CampaignCell *from)
{
	for (int g = 0; g < 2; g++)
	{
		into->n[g] = AddCounts(into->n[g], from->n[g], "customer count");
		into->r[g] = AddCounts(into->r[g], from->r[g], "responder count");
	}
}

/* Sort n cells and add up the cells of equal scores in place; returns the distinct count */
static int32
SortAndCollapse(CampaignCell *cells, int32 n)
{
	int32		distinct = 0;

	if (n == 0)
		return 0;
	SortCells(cells, n);
	for (int32 i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (distinct > 0 && cells[distinct - 1].score == cells[i].score)
			CellAdd(&cells[distinct - 1], &cells[i]);
		else if (distinct != i)
			cells[distinct++] = cells[i];
		else
			distinct++;
	}
	return distinct;
}

/* Merge two ascending runs of distinct scores into out, adding the cells of shared scores */
static int32
MergeCellRuns(const CampaignCell *a, int32 na, const CampaignCell *b, int32 nb,
			  CampaignCell *out)
{
	const CampaignCell *a_end = a + na;
	const CampaignCell *b_end = b + nb;
	CampaignCell *next = out;

	while (a < a_end && b < b_end)
	{
		if (((next - out) & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (a->score == b->score)
		{
			*next = *a++;
			CellAdd(next, b++);
		}
		else
			*next = (a->score < b->score) ? *a++ : *b++;
		next++;
	}
	while (a < a_end)
		*next++ = *a++;
	while (b < b_end)
		*next++ = *b++;
	return (int32) (next - out);
}

/*
 * The sorted distinct cells of a state, the buffer merged in; *n gets their
 * number.  Read only: it may be the state's own run.
 */
const CampaignCell *
CampaignSortedCells(const CampaignState *state, int32 *n)
{
	const CampaignCell *run = CampaignCells(state);
	CampaignCell *sorted;
	CampaignCell *merged;
	int32		distinct;

	if (state->n_buffered == 0)
	{
		*n = state->n_distinct;
		return run;
	}
	sorted = (CampaignCell *) palloc(sizeof(CampaignCell) * (Size) state->n_buffered);
	memcpy(sorted, run + state->n_distinct, sizeof(CampaignCell) * (Size) state->n_buffered);
	distinct = SortAndCollapse(sorted, state->n_buffered);
	merged = (CampaignCell *) palloc(sizeof(CampaignCell) * ((Size) state->n_distinct + distinct));
	*n = MergeCellRuns(run, state->n_distinct, sorted, distinct, merged);
	pfree(sorted);
	return merged;
}

/*
 * Merge the buffer of a (writable) state, already sorted and collapsed, into
 * the run, in place
 */
static void
MergeBufferInPlace(CampaignState *state)
{
	CampaignCell *cells = CampaignCells(state);
	int64		used = (int64) state->n_distinct + state->n_buffered;
	/* into the free slots after the used ones when there are as many */
	bool		spare = state->slots - used >= used;
	CampaignCell *merged;
	int32		n;

	if (state->n_buffered == 0)
		return;
	merged = spare ? cells + used :
		(CampaignCell *) palloc(sizeof(CampaignCell) * (Size) used);
	n = MergeCellRuns(cells, state->n_distinct, cells + state->n_distinct, state->n_buffered, merged);
	memmove(cells, merged, sizeof(CampaignCell) * (Size) n);
	if (!spare)
		pfree(merged);
	state->n_distinct = n;
	state->n_buffered = 0;
}

/*
 * A new state holding the run of a state with its buffer (already sorted
 * and collapsed) merged in, and room for `room` more cells: one pass, the
 * merge written straight into the new state
 */
static CampaignState *
MergeIntoNew(const CampaignState *state, int32 room)
{
	const CampaignCell *cells = CampaignCells(state);
	CampaignState *copy = CampaignStateNew(state->kind, state->n_distinct + state->n_buffered + room);
	int32		slots = copy->slots;

	memcpy(copy, state, CAMPAIGN_HEADER_SIZE);
	SET_VARSIZE(copy, CAMPAIGN_HEADER_SIZE + sizeof(CampaignCell) * (Size) slots);
	copy->slots = slots;
	copy->n_distinct = MergeCellRuns(cells, state->n_distinct, cells + state->n_distinct,
									 state->n_buffered, CampaignCells(copy));
	copy->n_buffered = 0;
	return copy;
}

/* A copy of a state with exactly slots cells of room (at least its cells) */
static CampaignState *
StateCopy(const CampaignState *state, int32 slots)
{
	CampaignState *copy = CampaignStateNew(state->kind, slots);
	int32		used = state->n_distinct + state->n_buffered;

	Assert(slots >= used);
	memcpy(copy, state, CAMPAIGN_HEADER_SIZE);
	SET_VARSIZE(copy, CAMPAIGN_HEADER_SIZE + sizeof(CampaignCell) * (Size) slots);
	copy->slots = slots;
	memcpy(CampaignCells(copy), CampaignCells(state), sizeof(CampaignCell) * (Size) used);
	return copy;
}

/* A compact copy of a state: its cells sorted and distinct, no spare slots */
static CampaignState *
StateCompact(const CampaignState *state)
{
	int32		n;
	const CampaignCell *cells = CampaignSortedCells(state, &n);
	CampaignState *copy = CampaignStateNew(state->kind, n);

	memcpy(copy, state, CAMPAIGN_HEADER_SIZE);
	SET_VARSIZE(copy, CAMPAIGN_HEADER_SIZE + sizeof(CampaignCell) * (Size) n);
	copy->slots = n;
	copy->n_distinct = n;
	copy->n_buffered = 0;
	if (n > 0)
		memcpy(CampaignCells(copy), cells, sizeof(CampaignCell) * (Size) n);
	return copy;
}

/*
 * Make room in a writable state for need more buffered cells: sort and
 * collapse the buffer; merge it into the run in place if that leaves room
 * for max(need, 1024, distinct scores) cells, else in a state that large
 * (so the state doubles, and the work per row stays O(log) amortized):
 * grown in place (repalloc) for an expanded state's own (in_place), else a
 * new state; returns the state (it may move)
 */
static CampaignState *
StateMakeRoom(CampaignState *state, int32 need, bool in_place)
{
	int64		max_cells = (MaxAllocSize - CAMPAIGN_HEADER_SIZE) / sizeof(CampaignCell);
	int64		merged;
	int64		room;

	if ((int64) state->slots - state->n_distinct - state->n_buffered >= need)
		return state;
	state->n_buffered = SortAndCollapse(CampaignCells(state) + state->n_distinct, state->n_buffered);
	merged = (int64) state->n_distinct + state->n_buffered;
	room = Max(need, Max(CAMPAIGN_MIN_BUFFER, merged));
	if (state->slots - merged >= room)
	{
		MergeBufferInPlace(state);
		return state;
	}
	if (merged + room > max_cells)
		room = Max(need, max_cells - merged);
	if (in_place)
	{
		Size		size = CAMPAIGN_HEADER_SIZE + sizeof(CampaignCell) * (Size) (merged + room);

		state = (CampaignState *) repalloc(state, size);
		SET_VARSIZE(state, size);
		state->slots = (int32) (merged + room);
		MergeBufferInPlace(state);
		return state;
	}
	return MergeIntoNew(state, (int32) room);
}

/* Sort and collapse the buffer of a writable state and merge it into the run, in place */
static void
StateMergeBuffer(CampaignState *state)
{
	if (state->n_buffered == 0)
		return;
	state->n_buffered = SortAndCollapse(CampaignCells(state) + state->n_distinct, state->n_buffered);
	MergeBufferInPlace(state);
}

/* Argument argno, a campaign state, detoasted */
CampaignState *
CampaignStateArg(FunctionCallInfo fcinfo, int argno)
{
	return (CampaignState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/*
 * An aggregate's state with scores: an expanded object holding a flat
 * state that grows in place (repalloc in the aggregate's shared states
 * context, agg_states.h), so the executor keeps it without copying it at
 * each growth; flattened (a parallel worker's partial state, the final
 * value) it is compact: sorted distinct scores, no buffer, no spare room.
 * States without scores are fixed-size and stay flat.
 */
typedef struct ExpandedCampaignState
{
	ExpandedObjectHeader hdr;	/* standard expanded-object header */
	CampaignState *flat;		/* the state, in hdr.eoh_context */
} ExpandedCampaignState;

/* Size of the flat form of an expanded state: its buffer merged, no spare room */
static Size
ExpandedCampaignFlatSize(ExpandedObjectHeader *eohptr)
{
	CampaignState *flat = ((ExpandedCampaignState *) eohptr)->flat;
	MemoryContext old_context;


	/*
	 * the merge may need a temporary array: not in the caller's context,
	 * which may not free chunks (a tuplesort's bump context, PostgreSQL 17
	 * on), but in the state's own
	 */
	old_context = MemoryContextSwitchTo(eohptr->eoh_context);
	StateMergeBuffer(flat);
	MemoryContextSwitchTo(old_context);
	return CAMPAIGN_HEADER_SIZE + sizeof(CampaignCell) * (Size) flat->n_distinct;
}

/* Write the flat form of an expanded state into result */
static void
ExpandedCampaignFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	const CampaignState *flat = ((ExpandedCampaignState *) eohptr)->flat;
	CampaignState *out = (CampaignState *) result;

	Assert(flat->n_buffered == 0 &&
		   allocated_size == CAMPAIGN_HEADER_SIZE + sizeof(CampaignCell) * (Size) flat->n_distinct);
	memcpy(out, flat, allocated_size);
	SET_VARSIZE(out, allocated_size);
	out->slots = out->n_distinct;
}

static const ExpandedObjectMethods ExpandedCampaignMethods = {
	ExpandedCampaignFlatSize,
	ExpandedCampaignFlatten
};

/* The expanded state a datum points to, or NULL for a flat one */
static ExpandedCampaignState *
ExpandedCampaignOf(Datum datum)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(datum)) &&
		DatumGetEOHP(datum)->eoh_methods == &ExpandedCampaignMethods)
		return (ExpandedCampaignState *) DatumGetEOHP(datum);
	return NULL;
}

/*
 * A state to read (never to change): the flat state of an expanded one
 * (its buffer merged in place, which changes nothing it holds), or the
 * detoasted datum
 */
static CampaignState *
ReadCampaignState(Datum datum)
{
	ExpandedCampaignState *expanded = ExpandedCampaignOf(datum);

	if (expanded != NULL)
	{
		MemoryContext old_context = MemoryContextSwitchTo(expanded->hdr.eoh_context);

		StateMergeBuffer(expanded->flat);
		MemoryContextSwitchTo(old_context);
		return expanded->flat;
	}
	return (CampaignState *) PG_DETOAST_DATUM(datum);
}

/*
 * The state argument 0 of a transition or combine adds to: inside an
 * aggregate, for a kind with scores, an expanded state of the aggregate's
 * own (*expanded set), made on the first row (of the kind, when the
 * argument is NULL) or from a flat state once, with room for more cells;
 * else the argument itself inside an aggregate, or a copy outside one
 * (the input must not change)
 */
static CampaignState *
WritableCampaignState(FunctionCallInfo fcinfo, uint8 kind, int32 more, ExpandedCampaignState **expanded)
{
	MemoryContext aggcontext;
	bool		in_aggregate = AggCheckCallContext(fcinfo, &aggcontext) != 0;
	CampaignState *state;
	int64		slots;

	*expanded = NULL;
	if (PG_ARGISNULL(0))
		state = CampaignStateNew(kind, (kind & CAMPAIGN_HAS_SCORES) ? CAMPAIGN_INITIAL_SLOTS : 0);
	else
	{
		Datum		raw = PG_GETARG_DATUM(0);

		if (in_aggregate && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(raw)) &&
			(*expanded = ExpandedCampaignOf(raw)) != NULL)
			return (*expanded)->flat;
		state = ReadCampaignState(raw);
		if (!(in_aggregate && (state->kind & CAMPAIGN_HAS_SCORES)))
		{
			if (in_aggregate && CrmArgIsWritable(fcinfo, 0, state))
				return state;
			slots = Min((int64) state->n_distinct + state->n_buffered + more,
						(MaxAllocSize - CAMPAIGN_HEADER_SIZE) / sizeof(CampaignCell));
			return StateCopy(state, (int32) Max(slots, state->slots));
		}
	}
	if (!in_aggregate || !(state->kind & CAMPAIGN_HAS_SCORES))
		return state;
	{
		MemoryContext context = CrmAggStateContext(aggcontext);
		MemoryContext old_context = MemoryContextSwitchTo(context);

		*expanded = (ExpandedCampaignState *) palloc(sizeof(ExpandedCampaignState));
		EOH_init_header(&(*expanded)->hdr, &ExpandedCampaignMethods, context);
		slots = Min(Max((int64) state->slots, (int64) state->n_distinct + state->n_buffered + more),
					(MaxAllocSize - CAMPAIGN_HEADER_SIZE) / sizeof(CampaignCell));
		(*expanded)->flat = StateCopy(state, (int32) slots);
		MemoryContextSwitchTo(old_context);
	}
	return (*expanded)->flat;
}

/* The datum a transition or combine returns: the expanded state, or the flat one */
static Datum
CampaignResult(ExpandedCampaignState *expanded, CampaignState *state)
{
	if (expanded != NULL)
	{
		expanded->flat = state;
		return EOHPGetRWDatum(&expanded->hdr);
	}
	return PointerGetDatum(state);
}

/*
 * The state a transition adds its row to (argument 0, or a new one of the
 * kind), checked to be of the kind (*expanded as WritableCampaignState)
 */
static CampaignState *
TransitionState(FunctionCallInfo fcinfo, uint8 kind, ExpandedCampaignState **expanded)
{
	CampaignState *state = WritableCampaignState(fcinfo, kind, 0, expanded);

	if (state->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add %s rows to a campaign state of kind %s",
						CampaignKindName(kind), CampaignKindName(state->kind))));
	return state;
}

/* The cell of the sorted run of a state with this score, or NULL */
static inline CampaignCell *
RunLookup(CampaignState *state, float8 score)
{
	CampaignCell *cells = CampaignCells(state);
	int32		lo = 0;
	int32		hi = state->n_distinct;

	while (lo < hi)
	{
		int32		mid = (lo + hi) / 2;

		if (cells[mid].score < score)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < state->n_distinct && cells[lo].score == score) ? &cells[lo] : NULL;
}

/*
 * A hash index of the sorted run of one state, kept per call site
 * (fn_extra) so that a row finds its score's cell in O(1): only a hint,
 * every hit is checked against the cell's score, and a miss falls back to
 * the buffer, so a stale index can cost time but never change a count
 */
typedef struct ScoreIndex
{
	const CampaignState *state; /* the state it was built for */
	int32		n_distinct;		/* the length of its run then */
	int			shift;			/* 64 - log2(table size) */
	uint32		mask;			/* table size - 1 */
	int32	   *slot;			/* run position + 1 per slot, 0 if empty */
	int32		allocated;		/* slots allocated */
	int64		rows_since_build;	/* rows looked up since the last build */
} ScoreIndex;

/* The slot of a score in a table of 2^(64 - shift) slots */
static inline uint32
ScoreHash(float8 score, int shift)
{
	uint64		bits;

	memcpy(&bits, &score, sizeof(bits));
	return (uint32) ((bits * UINT64CONST(0x9E3779B97F4A7C15)) >> shift);
}

/* (Re)build the index of a state's run in the call site's memory */
static void
IndexBuild(FmgrInfo *flinfo, ScoreIndex *ix, const CampaignState *state)
{
	const CampaignCell *cells = CampaignCells(state);
	int32		size = 1;
	int			log2size = 0;

	while (size < 2 * state->n_distinct)
	{
		size *= 2;
		log2size++;
	}
	if (size > ix->allocated)
	{
		if (ix->slot != NULL)
			pfree(ix->slot);
		ix->slot = (int32 *) MemoryContextAlloc(flinfo->fn_mcxt, sizeof(int32) * size);
		ix->allocated = size;
	}
	memset(ix->slot, 0, sizeof(int32) * size);
	ix->shift = 64 - log2size;
	ix->mask = (uint32) size - 1;
	for (int32 i = 0; i < state->n_distinct; i++)
	{
		uint32		h = ScoreHash(cells[i].score, ix->shift) & ix->mask;

		while (ix->slot[h] != 0)
			h = (h + 1) & ix->mask;
		ix->slot[h] = i + 1;
	}
	ix->state = state;
	ix->n_distinct = state->n_distinct;
	ix->rows_since_build = 0;
}

/*
 * The cell of the sorted run of a state with this score, or NULL: by the
 * call site's hash index when it is the state's, else (rebuilding it once
 * as many rows as the run has scores have missed it) by binary search
 */
static inline CampaignCell *
IndexLookup(FmgrInfo *flinfo, CampaignState *state, float8 score)
{
	ScoreIndex *ix = (ScoreIndex *) flinfo->fn_extra;
	CampaignCell *cells = CampaignCells(state);
	uint32		h;

	if (unlikely(ix == NULL))
	{
		ix = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(ScoreIndex));
		flinfo->fn_extra = ix;
	}
	if (unlikely(ix->state != state || ix->n_distinct != state->n_distinct))
	{
		if (ix->rows_since_build++ < state->n_distinct)
			return RunLookup(state, score);
		IndexBuild(flinfo, ix, state);
	}
	h = ScoreHash(score, ix->shift) & ix->mask;
	while (ix->slot[h] != 0)
	{
		CampaignCell *cell = &cells[ix->slot[h] - 1];

		if (cell->score == score)
			return cell;
		h = (h + 1) & ix->mask;
	}
	return NULL;
}

/*
 * Add one row to a state: its score (ignored without scores), whether the
 * customer responded and its group; returns the state (it may move)
 */
static inline CampaignState *
StateAddRow(FmgrInfo *flinfo, CampaignState *state, float8 score, bool responded, int group,
			bool in_place)
{
	state->n[group]++;
	if (responded)
		state->r[group]++;
	if (state->kind & CAMPAIGN_HAS_SCORES)
	{
		CampaignCell *cells;
		CampaignCell *cell;
		int32		used = state->n_distinct + state->n_buffered;

		/* -0 and 0 are one score: store +0 so that equal scores compare equal */
		score += 0.0;
		cells = CampaignCells(state);
		cell = NULL;
		if (state->n_buffered > 0 && cells[used - 1].score == score)
			cell = &cells[used - 1];
		else if (state->n_distinct > 0 && state->n_distinct <= CAMPAIGN_LOOKUP_MAX)
			cell = IndexLookup(flinfo, state, score);
		if (cell == NULL)
		{
			if (used >= state->slots)
			{
				state = StateMakeRoom(state, 1, in_place);
				cells = CampaignCells(state);
				used = state->n_distinct + state->n_buffered;
			}
			cell = &cells[used];
			memset(cell, 0, sizeof(CampaignCell));
			cell->score = score;
			state->n_buffered++;
		}
		cell->n[group]++;
		if (responded)
			cell->r[group]++;
	}
	return state;
}

/* Count a skipped row in a state and return it */
static Datum
SkipRow(ExpandedCampaignState *expanded, CampaignState *state)
{
	state->n_skipped = AddCounts(state->n_skipped, 1, "skipped row count");
	return CampaignResult(expanded, state);
}

/* crm.response_fit(responded) transition */
PG_FUNCTION_INFO_V1(campaign_response_trans);
Datum
campaign_response_trans(PG_FUNCTION_ARGS)
{
	ExpandedCampaignState *expanded;
	CampaignState *state = TransitionState(fcinfo, 0, &expanded);

	if (PG_ARGISNULL(1))
		return SkipRow(expanded, state);
	return CampaignResult(expanded, StateAddRow(fcinfo->flinfo, state, 0, PG_GETARG_BOOL(1),
												CAMPAIGN_CONTROL, expanded != NULL));
}

/* crm.response_fit(responded, treated) transition */
PG_FUNCTION_INFO_V1(campaign_treatment_trans);
Datum
campaign_treatment_trans(PG_FUNCTION_ARGS)
{
	ExpandedCampaignState *expanded;
	CampaignState *state = TransitionState(fcinfo, CAMPAIGN_HAS_TREATMENT, &expanded);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return SkipRow(expanded, state);
	return CampaignResult(expanded, StateAddRow(fcinfo->flinfo, state, 0, PG_GETARG_BOOL(1),
												PG_GETARG_BOOL(2) ? CAMPAIGN_TREATED : CAMPAIGN_CONTROL,
												expanded != NULL));
}

/* crm.gains_fit(score, responded) transition */
PG_FUNCTION_INFO_V1(campaign_score_trans);
Datum
campaign_score_trans(PG_FUNCTION_ARGS)
{
	ExpandedCampaignState *expanded;
	CampaignState *state = TransitionState(fcinfo, CAMPAIGN_HAS_SCORES, &expanded);
	float8		score;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return SkipRow(expanded, state);
	score = PG_GETARG_FLOAT8(1);
	if (unlikely(isnan(score) || isinf(score)))
		return SkipRow(expanded, state);
	return CampaignResult(expanded, StateAddRow(fcinfo->flinfo, state, score, PG_GETARG_BOOL(2),
												CAMPAIGN_CONTROL, expanded != NULL));
}

/* crm.uplift_fit(score, responded, treated) transition */
PG_FUNCTION_INFO_V1(campaign_uplift_trans);
Datum
campaign_uplift_trans(PG_FUNCTION_ARGS)
{
	ExpandedCampaignState *expanded;
	CampaignState *state = TransitionState(fcinfo, CAMPAIGN_HAS_SCORES | CAMPAIGN_HAS_TREATMENT, &expanded);
	float8		score;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return SkipRow(expanded, state);
	score = PG_GETARG_FLOAT8(1);
	if (unlikely(isnan(score) || isinf(score)))
		return SkipRow(expanded, state);
	return CampaignResult(expanded, StateAddRow(fcinfo->flinfo, state, score, PG_GETARG_BOOL(2),
												PG_GETARG_BOOL(3) ? CAMPAIGN_TREATED : CAMPAIGN_CONTROL,
												expanded != NULL));
}

/*
 * Combine (and the transition of crm.campaign_merge): add the cells and
 * totals of the second state to the first, in place inside an aggregate;
 * called directly, a new compact state
 */
PG_FUNCTION_INFO_V1(campaign_combine);
Datum
campaign_combine(PG_FUNCTION_ARGS)
{
	bool		in_aggregate = AggCheckCallContext(fcinfo, NULL) != 0;
	CampaignState *b = ReadCampaignState(PG_GETARG_DATUM(1));
	ExpandedCampaignState *expanded;
	CampaignState *a;
	const CampaignCell *cells;
	int32		n;

	/* b's buffer is merged (ReadCampaignState): its cells are its run */
	n = b->n_distinct;
	cells = CampaignCells(b);
	a = WritableCampaignState(fcinfo, b->kind, n, &expanded);
	if (a->kind != b->kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge campaign states of kinds %s and %s",
						CampaignKindName(a->kind), CampaignKindName(b->kind))));
	a = StateMakeRoom(a, n, expanded != NULL);
	for (int g = 0; g < 2; g++)
	{
		a->n[g] = AddCounts(a->n[g], b->n[g], "customer count");
		a->r[g] = AddCounts(a->r[g], b->r[g], "responder count");
	}
	a->n_skipped = AddCounts(a->n_skipped, b->n_skipped, "skipped row count");
	if (n > 0)
		memcpy(CampaignCells(a) + a->n_distinct + a->n_buffered, cells,
			   sizeof(CampaignCell) * (Size) n);
	a->n_buffered += n;
	if (!in_aggregate)
		PG_RETURN_POINTER(StateCompact(a));
	return CampaignResult(expanded, a);
}

/* Final function of the campaign aggregates: compact; NULL without customers */
PG_FUNCTION_INFO_V1(campaign_final);
Datum
campaign_final(PG_FUNCTION_ARGS)
{
	CampaignState *state = ReadCampaignState(PG_GETARG_DATUM(0));

	if (state->n[0] == 0 && state->n[1] == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(StateCompact(state));
}
