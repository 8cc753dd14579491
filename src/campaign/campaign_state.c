/*
 * campaign_state.c
 *		crm.campaign_state: the exact, mergeable state of the campaign
 *		aggregates (crm.response_fit, crm.gains_fit, crm.uplift_fit,
 *		crm.campaign_merge), its transitions, combine and final function, and
 *		its text and binary forms.
 *
 * A state with scores keeps one cell per distinct score: the customers and
 * responders with that score (per group with a treatment flag).  A row
 * appends a cell to the buffer after the sorted run (or adds to the last
 * buffered cell when the score repeats); a full buffer is sorted, collapsed
 * and merged into the run in place, and the state grows so that the buffer
 * has room for at least max(1024, distinct scores) cells: O(log) work per
 * row, amortized, and no allocation per row.  Rows with a NULL argument, or
 * a score that is NaN or infinite, are skipped and counted.
 *
 * Text form, one line that round-trips exactly:
 *	 v1 kind=score n=5 responders=2 skipped=0 scores={0.2:3:1,0.9:2:1}
 *	 v1 kind=uplift control=2 control_responders=0 treated=3
 *		treated_responders=2 skipped=1 scores={0.5:2:0:3:2}
 * Kinds response and treatment have no scores; a cell of kind score is
 * score:customers:responders, of kind uplift
 * score:control:control_responders:treated:treated_responders.
 */
#include "crm.h"
#include "crm_io.h"
#include "campaign.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
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

/* The SQL type, for messages */
#define CAMPAIGN_TYPE "crm.campaign_state"
/* Bytes of a cell in the binary form: the score and four counts */
#define CAMPAIGN_CELL_WIRE_SIZE (sizeof(float8) + 4 * sizeof(int64))

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

/* The kind named in text, or -1 */
static int
KindByName(const char *name)
{
	for (int kind = 0; kind <= CAMPAIGN_KIND_MAX; kind++)
		if (strcmp(name, CampaignKindName((uint8) kind)) == 0)
			return kind;
	return -1;
}

/* A new empty state of a kind with room for slots cells */
static CampaignState *
StateNew(uint8 kind, int32 slots)
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
	CampaignCell *merged;
	int32		n;

	if (state->n_buffered == 0)
		return;
	merged = (CampaignCell *) palloc(sizeof(CampaignCell) *
									 ((Size) state->n_distinct + state->n_buffered));
	n = MergeCellRuns(cells, state->n_distinct, cells + state->n_distinct, state->n_buffered, merged);
	memcpy(cells, merged, sizeof(CampaignCell) * (Size) n);
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
	CampaignState *copy = StateNew(state->kind, state->n_distinct + state->n_buffered + room);
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
	CampaignState *copy = StateNew(state->kind, slots);
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
	CampaignState *copy = StateNew(state->kind, n);

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
 * for max(need, 1024, distinct scores) cells, else into a larger new state
 * (so the state doubles, and the work per row stays O(log) amortized);
 * returns the state (it may move)
 */
static CampaignState *
StateMakeRoom(CampaignState *state, int32 need)
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
	return MergeIntoNew(state, (int32) room);
}

/* Argument argno, a campaign state, detoasted */
CampaignState *
CampaignStateArg(FunctionCallInfo fcinfo, int argno)
{
	return (CampaignState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/*
 * The state a transition adds its row to (argument 0, or a new one of the
 * kind), checked to be of the kind; outside an aggregate a copy
 */
static CampaignState *
TransitionState(FunctionCallInfo fcinfo, uint8 kind)
{
	CampaignState *state;

	if (PG_ARGISNULL(0))
		return StateNew(kind, (kind & CAMPAIGN_HAS_SCORES) ? CAMPAIGN_INITIAL_SLOTS : 0);
	state = CampaignStateArg(fcinfo, 0);
	if (state->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add %s rows to a campaign state of kind %s",
						CampaignKindName(kind), CampaignKindName(state->kind))));
	if (!CrmArgIsWritable(fcinfo, 0, state))
		state = StateCopy(state, state->slots);
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
StateAddRow(FmgrInfo *flinfo, CampaignState *state, float8 score, bool responded, int group)
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
				state = StateMakeRoom(state, 1);
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
SkipRow(CampaignState *state)
{
	state->n_skipped = AddCounts(state->n_skipped, 1, "skipped row count");
	PG_RETURN_POINTER(state);
}

/* crm.response_fit(responded) transition */
PG_FUNCTION_INFO_V1(campaign_response_trans);
Datum
campaign_response_trans(PG_FUNCTION_ARGS)
{
	CampaignState *state = TransitionState(fcinfo, 0);

	if (PG_ARGISNULL(1))
		return SkipRow(state);
	PG_RETURN_POINTER(StateAddRow(fcinfo->flinfo, state, 0, PG_GETARG_BOOL(1), CAMPAIGN_CONTROL));
}

/* crm.response_fit(responded, treated) transition */
PG_FUNCTION_INFO_V1(campaign_treatment_trans);
Datum
campaign_treatment_trans(PG_FUNCTION_ARGS)
{
	CampaignState *state = TransitionState(fcinfo, CAMPAIGN_HAS_TREATMENT);

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return SkipRow(state);
	PG_RETURN_POINTER(StateAddRow(fcinfo->flinfo, state, 0, PG_GETARG_BOOL(1),
								  PG_GETARG_BOOL(2) ? CAMPAIGN_TREATED : CAMPAIGN_CONTROL));
}

/* crm.gains_fit(score, responded) transition */
PG_FUNCTION_INFO_V1(campaign_score_trans);
Datum
campaign_score_trans(PG_FUNCTION_ARGS)
{
	CampaignState *state = TransitionState(fcinfo, CAMPAIGN_HAS_SCORES);
	float8		score;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return SkipRow(state);
	score = PG_GETARG_FLOAT8(1);
	if (unlikely(isnan(score) || isinf(score)))
		return SkipRow(state);
	PG_RETURN_POINTER(StateAddRow(fcinfo->flinfo, state, score, PG_GETARG_BOOL(2), CAMPAIGN_CONTROL));
}

/* crm.uplift_fit(score, responded, treated) transition */
PG_FUNCTION_INFO_V1(campaign_uplift_trans);
Datum
campaign_uplift_trans(PG_FUNCTION_ARGS)
{
	CampaignState *state = TransitionState(fcinfo, CAMPAIGN_HAS_SCORES | CAMPAIGN_HAS_TREATMENT);
	float8		score;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return SkipRow(state);
	score = PG_GETARG_FLOAT8(1);
	if (unlikely(isnan(score) || isinf(score)))
		return SkipRow(state);
	PG_RETURN_POINTER(StateAddRow(fcinfo->flinfo, state, score, PG_GETARG_BOOL(2),
								  PG_GETARG_BOOL(3) ? CAMPAIGN_TREATED : CAMPAIGN_CONTROL));
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
	CampaignState *a = CampaignStateArg(fcinfo, 0);
	CampaignState *b = CampaignStateArg(fcinfo, 1);
	const CampaignCell *cells;
	int32		n;

	if (a->kind != b->kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge campaign states of kinds %s and %s",
						CampaignKindName(a->kind), CampaignKindName(b->kind))));
	cells = CampaignSortedCells(b, &n);
	if (!in_aggregate || !CrmArgIsWritable(fcinfo, 0, a))
		a = StateCopy(a, a->n_distinct + a->n_buffered + n);
	else
		a = StateMakeRoom(a, n);
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
		a = StateCompact(a);
	PG_RETURN_POINTER(a);
}

/* Final function of the campaign aggregates: compact; NULL without customers */
PG_FUNCTION_INFO_V1(campaign_final);
Datum
campaign_final(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);

	if (state->n[0] == 0 && state->n[1] == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(StateCompact(state));
}

/*
 * Why the totals and cells of a state read from outside are impossible, or
 * NULL: responders at most customers, scores finite and strictly
 * increasing, every cell with a customer, the cells adding up to the totals
 */
static const char *
StateProblem(const CampaignState *state, const CampaignCell *cells, int32 n)
{
	int64		sum_n[2] = {0, 0};
	int64		sum_r[2] = {0, 0};

	for (int g = 0; g < 2; g++)
		if (state->r[g] > state->n[g])
			return "responders cannot exceed customers";
	if (!(state->kind & CAMPAIGN_HAS_TREATMENT) && (state->n[1] != 0 || state->r[1] != 0))
		return "a state without a treatment flag has no treated customers";
	if (!(state->kind & CAMPAIGN_HAS_SCORES))
		return n == 0 ? NULL : "a state without scores has no score cells";
	for (int32 i = 0; i < n; i++)
	{
		const CampaignCell *c = &cells[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (isnan(c->score) || isinf(c->score))
			return "scores must be finite";
		if (i > 0 && c->score <= cells[i - 1].score)
			return "scores must be strictly increasing";
		if (c->n[0] + c->n[1] <= 0)
			return "every score must have a customer";
		for (int g = 0; g < 2; g++)
		{
			if (c->n[g] < 0 || c->r[g] < 0 || c->r[g] > c->n[g])
				return "responders of a score cannot exceed its customers";
			if (pg_add_s64_overflow(sum_n[g], c->n[g], &sum_n[g]) ||
				pg_add_s64_overflow(sum_r[g], c->r[g], &sum_r[g]))
				return "the counts of the scores overflow";
		}
	}
	for (int g = 0; g < 2; g++)
		if (sum_n[g] != state->n[g] || sum_r[g] != state->r[g])
			return "the counts of the scores must add up to the totals";
	return NULL;
}

/* The header of a state of a kind with the given totals, and its cells */
static CampaignState *
StateFromParts(uint8 kind, const int64 *n, const int64 *r, int64 skipped,
			   const CampaignCell *cells, int32 n_cells)
{
	CampaignState *state = StateNew(kind, n_cells);

	for (int g = 0; g < 2; g++)
	{
		state->n[g] = n[g];
		state->r[g] = r[g];
	}
	state->n_skipped = skipped;
	state->n_distinct = n_cells;
	if (n_cells > 0)
		memcpy(CampaignCells(state), cells, sizeof(CampaignCell) * (Size) n_cells);
	return state;
}

/* Reads one cell "score:n:r" or "score:nc:rc:nt:rt" (arg: the kind) */
static void
ReadCell(CrmReader *r, void *element, const void *arg)
{
	CampaignCell *cell = (CampaignCell *) element;
	uint8		kind = *(const uint8 *) arg;

	cell->score = CrmReadFloat8(r);
	for (int g = 0; g < ((kind & CAMPAIGN_HAS_TREATMENT) ? 2 : 1); g++)
	{
		CrmExpect(r, ":");
		cell->n[g] = CrmReadCount(r);
		CrmExpect(r, ":");
		cell->r[g] = CrmReadCount(r);
	}
}

/* Parse the text form of crm.campaign_state */
PG_FUNCTION_INFO_V1(campaign_state_in);
Datum
campaign_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(CAMPAIGN_TYPE, PG_GETARG_CSTRING(0));
	int			kind;
	int64		n[2] = {0, 0};
	int64		resp[2] = {0, 0};
	int64		skipped;
	CampaignCell *cells = NULL;
	int			n_cells = 0;
	CampaignState *state;

	CrmExpectVersion(&r, CAMPAIGN_STATE_VERSION);
	CrmExpectKey(&r, "kind");
	kind = KindByName(CrmReadWord(&r));
	if (kind < 0)
		CrmReadError(&r, "kind must be response, treatment, score or uplift");
	if (kind & CAMPAIGN_HAS_TREATMENT)
	{
		n[0] = CrmReadKeyCount(&r, "control");
		resp[0] = CrmReadKeyCount(&r, "control_responders");
		n[1] = CrmReadKeyCount(&r, "treated");
		resp[1] = CrmReadKeyCount(&r, "treated_responders");
	}
	else
	{
		n[0] = CrmReadKeyCount(&r, "n");
		resp[0] = CrmReadKeyCount(&r, "responders");
	}
	skipped = CrmReadKeyCount(&r, "skipped");
	if (kind & CAMPAIGN_HAS_SCORES)
	{
		uint8		k = (uint8) kind;

		cells = (CampaignCell *) CrmReadList(&r, "scores", ",", sizeof(CampaignCell),
											 ReadCell, &k, &n_cells);
	}
	CrmReadEnd(&r);
	state = StateFromParts((uint8) kind, n, resp, skipped, cells, n_cells);
	CrmReadCheck(&r, StateProblem(state, CampaignCells(state), n_cells));
	PG_RETURN_POINTER(state);
}

/* Writes one cell (arg: the kind) */
static void
WriteCell(StringInfo buf, const void *element, const void *arg)
{
	const CampaignCell *cell = (const CampaignCell *) element;
	uint8		kind = *(const uint8 *) arg;

	CrmAppendFloat8(buf, cell->score);
	for (int g = 0; g < ((kind & CAMPAIGN_HAS_TREATMENT) ? 2 : 1); g++)
		appendStringInfo(buf, ":" INT64_FORMAT ":" INT64_FORMAT, cell->n[g], cell->r[g]);
}

/* Text form of crm.campaign_state (see the top of this file) */
PG_FUNCTION_INFO_V1(campaign_state_out);
Datum
campaign_state_out(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d kind=%s", CAMPAIGN_STATE_VERSION, CampaignKindName(state->kind));
	if (state->kind & CAMPAIGN_HAS_TREATMENT)
		appendStringInfo(&buf, " control=" INT64_FORMAT " control_responders=" INT64_FORMAT
						 " treated=" INT64_FORMAT " treated_responders=" INT64_FORMAT,
						 state->n[0], state->r[0], state->n[1], state->r[1]);
	else
		appendStringInfo(&buf, " n=" INT64_FORMAT " responders=" INT64_FORMAT,
						 state->n[0], state->r[0]);
	appendStringInfo(&buf, " skipped=" INT64_FORMAT, state->n_skipped);
	if (state->kind & CAMPAIGN_HAS_SCORES)
	{
		int32		n;
		const CampaignCell *cells = CampaignSortedCells(state, &n);

		CrmAppendList(&buf, "scores", ",", cells, sizeof(CampaignCell), n, WriteCell,
					  &state->kind);
	}
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form: version, kind, two zero bytes, the totals (control n and
 * responders, treated n and responders), skipped, the number of cells and
 * the cells (score, control n, r, treated n, r)
 */
PG_FUNCTION_INFO_V1(campaign_state_send);
Datum
campaign_state_send(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	int32		n;
	const CampaignCell *cells = CampaignSortedCells(state, &n);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CAMPAIGN_STATE_VERSION);
	pq_sendbyte(&buf, state->kind);
	pq_sendint16(&buf, 0);
	for (int g = 0; g < 2; g++)
	{
		pq_sendint64(&buf, state->n[g]);
		pq_sendint64(&buf, state->r[g]);
	}
	pq_sendint64(&buf, state->n_skipped);
	pq_sendint32(&buf, n);
	for (int32 i = 0; i < n; i++)
	{
		pq_sendfloat8(&buf, cells[i].score);
		for (int g = 0; g < 2; g++)
		{
			pq_sendint64(&buf, cells[i].n[g]);
			pq_sendint64(&buf, cells[i].r[g]);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.campaign_state (see campaign_state_send) */
PG_FUNCTION_INFO_V1(campaign_state_recv);
Datum
campaign_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		kind;
	int64		n[2];
	int64		resp[2];
	int64		skipped;
	int32		n_cells;
	CampaignCell *cells;
	CampaignState *state;

	CrmRecvVersion(buf, CAMPAIGN_TYPE, CAMPAIGN_STATE_VERSION);
	kind = (uint8) pq_getmsgbyte(buf);
	if (kind > CAMPAIGN_KIND_MAX)
		CrmBinaryError(CAMPAIGN_TYPE, "unknown kind");
	if (pq_getmsgint(buf, 2) != 0)
		CrmBinaryError(CAMPAIGN_TYPE, "reserved bytes must be zero");
	for (int g = 0; g < 2; g++)
	{
		n[g] = pq_getmsgint64(buf);
		resp[g] = pq_getmsgint64(buf);
		if (n[g] < 0 || resp[g] < 0)
			CrmBinaryError(CAMPAIGN_TYPE, "counts must be >= 0");
	}
	skipped = pq_getmsgint64(buf);
	if (skipped < 0)
		CrmBinaryError(CAMPAIGN_TYPE, "counts must be >= 0");
	n_cells = CrmRecvLength(buf, CAMPAIGN_TYPE, CAMPAIGN_CELL_WIRE_SIZE, "score cells");
	cells = (CampaignCell *) palloc0(sizeof(CampaignCell) * ((Size) n_cells + 1));
	for (int32 i = 0; i < n_cells; i++)
	{
		cells[i].score = CrmRecvFloat8(buf);
		for (int g = 0; g < 2; g++)
		{
			cells[i].n[g] = pq_getmsgint64(buf);
			cells[i].r[g] = pq_getmsgint64(buf);
		}
	}
	state = StateFromParts(kind, n, resp, skipped, cells, n_cells);
	CrmBinaryCheck(CAMPAIGN_TYPE, StateProblem(state, CampaignCells(state), n_cells));
	PG_RETURN_POINTER(state);
}
