/*
 * service_tickets.c
 *		crm.ticket_state: the exact, mergeable state of crm.ticket_fit and
 *		crm.ticket_merge, and its transitions, combine and final function.
 *
 * A ticket is counted once; its duration is measured in whole seconds
 * (truncated): resolved - opened for a ticket resolved by as_of, as_of -
 * opened for a ticket still open at as_of (resolved NULL or later than
 * as_of), which is censored there.  A state keeps one cell per distinct
 * duration with its resolved and open tickets: a row adds to the run's cell
 * when the duration is already there (a hash index of the run per call
 * site, while the run has at most 65,536 durations), else appends a cell
 * to the buffer after the run (or adds to the last buffered cell); a full
 * buffer is sorted, collapsed and merged into the run, and the state grows
 * so that the buffer has room for max(1024, distinct durations) cells:
 * O(log) work per row, amortized, no allocation per row.  Inside an
 * aggregate the state is an expanded object that grows in place.  Memory: 24 bytes
 * per distinct duration, at most 86,400 per day of the longest duration
 * (2.6 million, 63 MB, for durations up to 30 days), and never more than
 * 24 bytes per ticket.
 *
 * Rows with a NULL opened are skipped and counted; a ticket resolved before
 * it was opened, or opened after as_of, is an inconsistent row (22000).
 *
 * Text and binary forms: service_tickets_io.c.
 */
#include "crm.h"
#include "crm_io.h"
#include "agg_states.h"
#include "calendar.h"
#include "service.h"

#include "common/int.h"
#include "miscadmin.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* Cells a new state has room for (small groups stay small) */
#define TICKET_INITIAL_SLOTS 16
/* Smallest buffer after the first flush */
#define TICKET_MIN_BUFFER 1024
/* Most distinct durations for which a row looks its duration up in the run */
#define TICKET_LOOKUP_MAX 65536

/* A new empty state with room for slots cells */
TicketState *
TicketStateNew(int32 slots, TimestampTz as_of)
{
	Size		size = TICKET_HEADER_SIZE + sizeof(TicketCell) * (Size) slots;
	TicketState *state;

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ticket state would exceed 1 GB"),
				 errdetail("A ticket state keeps 24 bytes per distinct duration in seconds.")));
	state = (TicketState *) palloc(size);
	memset(state, 0, TICKET_HEADER_SIZE);
	SET_VARSIZE(state, size);
	state->version = TICKET_STATE_VERSION;
	state->slots = slots;
	state->as_of = as_of;
	return state;
}

/* SortCells(cells, n): an inlined sort of cells by duration */
#define ST_SORT SortCells
#define ST_ELEMENT_TYPE TicketCell
#define ST_COMPARE(a, b) (((a)->seconds > (b)->seconds) - ((a)->seconds < (b)->seconds))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Add the counts of cell from into cell into (22003 on overflow) */
static inline void
CellAdd(TicketCell *into, const TicketCell *from)
{
	into->resolved = AddCounts(into->resolved, from->resolved, "resolved ticket count");
	into->open = AddCounts(into->open, from->open, "open ticket count");
}

/* Sort n cells and add up the cells of equal durations in place; returns the distinct count */
static int32
SortAndCollapse(TicketCell *cells, int32 n)
{
	int32		distinct = 0;

	if (n == 0)
		return 0;
	SortCells(cells, n);
	for (int32 i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (distinct > 0 && cells[distinct - 1].seconds == cells[i].seconds)
			CellAdd(&cells[distinct - 1], &cells[i]);
		else
			cells[distinct++] = cells[i];
	}
	return distinct;
}

/* Merge two ascending runs of distinct durations into out, adding the cells of shared durations */
static int32
MergeRuns(const TicketCell *a, int32 na, const TicketCell *b, int32 nb, TicketCell *out)
{
	const TicketCell *a_end = a + na;
	const TicketCell *b_end = b + nb;
	TicketCell *next = out;

	while (a < a_end && b < b_end)
	{
		if (((next - out) & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (a->seconds == b->seconds)
		{
			*next = *a++;
			CellAdd(next, b++);
		}
		else
			*next = (a->seconds < b->seconds) ? *a++ : *b++;
		next++;
	}
	while (a < a_end)
		*next++ = *a++;
	while (b < b_end)
		*next++ = *b++;
	return (int32) (next - out);
}

/* The sorted distinct cells of a state, the buffer merged in (read only) */
const TicketCell *
TicketSortedCells(const TicketState *state, int32 *n)
{
	const TicketCell *run = TicketCells(state);
	TicketCell *sorted;
	TicketCell *merged;
	int32		distinct;

	if (state->n_buffered == 0)
	{
		*n = state->n_distinct;
		return run;
	}
	sorted = (TicketCell *) palloc(sizeof(TicketCell) * (Size) state->n_buffered);
	memcpy(sorted, run + state->n_distinct, sizeof(TicketCell) * (Size) state->n_buffered);
	distinct = SortAndCollapse(sorted, state->n_buffered);
	merged = (TicketCell *) palloc(sizeof(TicketCell) * ((Size) state->n_distinct + distinct));
	*n = MergeRuns(run, state->n_distinct, sorted, distinct, merged);
	pfree(sorted);
	return merged;
}

/* A copy of a state (header and cells) with room for slots cells */
static TicketState *
StateCopy(const TicketState *state, int32 slots)
{
	TicketState *copy = TicketStateNew(slots, state->as_of);
	int32		used = state->n_distinct + state->n_buffered;

	Assert(slots >= used);
	memcpy(copy, state, TICKET_HEADER_SIZE);
	SET_VARSIZE(copy, TICKET_HEADER_SIZE + sizeof(TicketCell) * (Size) slots);
	copy->slots = slots;
	if (used > 0)
		memcpy(TicketCells(copy), TicketCells(state), sizeof(TicketCell) * (Size) used);
	return copy;
}

/* A compact copy of a state: its cells sorted and distinct, no spare slots */
static TicketState *
StateCompact(const TicketState *state)
{
	int32		n;
	const TicketCell *cells = TicketSortedCells(state, &n);
	TicketState *copy = TicketStateNew(n, state->as_of);

	memcpy(copy, state, TICKET_HEADER_SIZE);
	SET_VARSIZE(copy, TICKET_HEADER_SIZE + sizeof(TicketCell) * (Size) n);
	copy->slots = n;
	copy->n_distinct = n;
	copy->n_buffered = 0;
	if (n > 0)
		memcpy(TicketCells(copy), cells, sizeof(TicketCell) * (Size) n);
	return copy;
}

/*
 * Merge the buffer of a state, sorted and collapsed, into its run in place:
 * into the free slots after the used ones when there are as many (always,
 * unless room was capped near 1 GB), else into a temporary array, the
 * result moved to the front
 */
static void
MergeCollapsedBuffer(TicketState *state)
{
	TicketCell *cells = TicketCells(state);
	int64		n = (int64) state->n_distinct + state->n_buffered;
	bool		spare = state->slots - n >= n;
	TicketCell *merged = spare ? cells + n :
		(TicketCell *) palloc(sizeof(TicketCell) * (Size) Max(n, 1));

	n = MergeRuns(cells, state->n_distinct, cells + state->n_distinct, state->n_buffered, merged);
	if (n > 0)
		memmove(cells, merged, sizeof(TicketCell) * (Size) n);
	if (!spare)
		pfree(merged);
	state->n_distinct = (int32) n;
	state->n_buffered = 0;
}

/* Sort and collapse the buffer of a writable state and merge it into the run, in place */
static void
StateMergeBuffer(TicketState *state)
{
	if (state->n_buffered == 0)
		return;
	state->n_buffered = SortAndCollapse(TicketCells(state) + state->n_distinct, state->n_buffered);
	MergeCollapsedBuffer(state);
}

/*
 * Make room in a writable state for need more buffered cells: sort and
 * collapse the buffer and merge it into the run, in place when that leaves
 * room for max(need, 1024, distinct durations) cells, else in a state that
 * large (so the state doubles): grown in place (repalloc) for an expanded
 * state's own (in_place), else a new state; returns the state (it may move)
 */
static TicketState *
StateMakeRoom(TicketState *state, int32 need, bool in_place)
{
	int64		max_cells = (MaxAllocSize - TICKET_HEADER_SIZE) / sizeof(TicketCell);
	TicketCell *cells = TicketCells(state);
	int64		n;
	int64		room;
	TicketState *target;

	if ((int64) state->slots - state->n_distinct - state->n_buffered >= need)
		return state;
	state->n_buffered = SortAndCollapse(cells + state->n_distinct, state->n_buffered);
	/* at most this many cells after the merge */
	n = (int64) state->n_distinct + state->n_buffered;
	room = Max(need, Max(TICKET_MIN_BUFFER, n));
	if (n + room > max_cells)
		room = Max(need, max_cells - n);
	if (state->slots - n >= room)
	{
		MergeCollapsedBuffer(state);
		return state;
	}
	if (in_place)
	{
		Size		size = TICKET_HEADER_SIZE + sizeof(TicketCell) * (Size) (n + room);

		if (size > MaxAllocSize)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("ticket state would exceed 1 GB"),
					 errdetail("A ticket state keeps 24 bytes per distinct duration in seconds.")));
		state = (TicketState *) repalloc(state, size);
		SET_VARSIZE(state, size);
		state->slots = (int32) (n + room);
		MergeCollapsedBuffer(state);
		return state;
	}
	/* grow: merge straight into the larger new state */
	target = TicketStateNew((int32) (n + room), state->as_of);
	memcpy(target, state, TICKET_HEADER_SIZE);
	SET_VARSIZE(target, TICKET_HEADER_SIZE + sizeof(TicketCell) * (Size) (n + room));
	target->slots = (int32) (n + room);
	target->n_distinct = MergeRuns(cells, state->n_distinct, cells + state->n_distinct,
								   state->n_buffered, TicketCells(target));
	target->n_buffered = 0;
	return target;
}

/* Argument argno, a ticket state, detoasted */
TicketState *
TicketStateArg(FunctionCallInfo fcinfo, int argno)
{
	return (TicketState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/*
 * An aggregate's state: an expanded object holding a flat state that grows
 * in place (repalloc in the aggregate's shared states context,
 * agg_states.h), so the executor keeps it without copying it at each
 * growth; flattened (a parallel worker's partial state, the final value)
 * it is compact: the sorted distinct durations, no buffer, no spare room.
 */
typedef struct ExpandedTicketState
{
	ExpandedObjectHeader hdr;	/* standard expanded-object header */
	TicketState *flat;			/* the state, in hdr.eoh_context */
} ExpandedTicketState;

/* Size of the flat form of an expanded state: its buffer merged, no spare room */
static Size
ExpandedTicketFlatSize(ExpandedObjectHeader *eohptr)
{
	TicketState *flat = ((ExpandedTicketState *) eohptr)->flat;
	MemoryContext old_context;


	/*
	 * the merge may need a temporary array: not in the caller's context,
	 * which may not free chunks (a tuplesort's bump context, PostgreSQL 17
	 * on), but in the state's own
	 */
	old_context = MemoryContextSwitchTo(eohptr->eoh_context);
	StateMergeBuffer(flat);
	MemoryContextSwitchTo(old_context);
	return TICKET_HEADER_SIZE + sizeof(TicketCell) * (Size) flat->n_distinct;
}

/* Write the flat form of an expanded state into result */
static void
ExpandedTicketFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	const TicketState *flat = ((ExpandedTicketState *) eohptr)->flat;
	TicketState *out = (TicketState *) result;

	Assert(flat->n_buffered == 0 &&
		   allocated_size == TICKET_HEADER_SIZE + sizeof(TicketCell) * (Size) flat->n_distinct);
	memcpy(out, flat, allocated_size);
	SET_VARSIZE(out, allocated_size);
	out->slots = out->n_distinct;
}

static const ExpandedObjectMethods ExpandedTicketMethods = {
	ExpandedTicketFlatSize,
	ExpandedTicketFlatten
};

/* The expanded state a datum points to, or NULL for a flat one */
static ExpandedTicketState *
ExpandedTicketOf(Datum datum)
{
	if (VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(datum)) &&
		DatumGetEOHP(datum)->eoh_methods == &ExpandedTicketMethods)
		return (ExpandedTicketState *) DatumGetEOHP(datum);
	return NULL;
}

/* A new expanded state of aggregate context parent (agg_states.h) holding a copy of state with room for more cells */
static ExpandedTicketState *
NewExpandedTicket(MemoryContext parent, const TicketState *state, int32 more)
{
	MemoryContext context = CrmAggStateContext(parent);
	ExpandedTicketState *expanded = (ExpandedTicketState *)
		MemoryContextAlloc(context, sizeof(ExpandedTicketState));
	MemoryContext old_context = MemoryContextSwitchTo(context);
	int64		used = (int64) state->n_distinct + state->n_buffered;

	EOH_init_header(&expanded->hdr, &ExpandedTicketMethods, context);
	expanded->flat = StateCopy(state, (int32) Min(Max((int64) state->slots, used + more),
												  (MaxAllocSize - TICKET_HEADER_SIZE) / sizeof(TicketCell)));
	MemoryContextSwitchTo(old_context);
	return expanded;
}

/*
 * A state to read (never to change): the flat state of an expanded one
 * (its buffer merged in place, which changes nothing it holds), or the
 * detoasted datum
 */
static TicketState *
ReadTicketState(Datum datum)
{
	ExpandedTicketState *expanded = ExpandedTicketOf(datum);

	if (expanded != NULL)
	{
		MemoryContext old_context = MemoryContextSwitchTo(expanded->hdr.eoh_context);

		StateMergeBuffer(expanded->flat);
		MemoryContextSwitchTo(old_context);
		return expanded->flat;
	}
	return (TicketState *) PG_DETOAST_DATUM(datum);
}

/*
 * The state argument argno of a transition or combine adds to: inside an
 * aggregate an expanded state of the aggregate's own (*expanded set),
 * made on the first row (from empty when the argument is NULL, with
 * as_of) or from a flat state once; outside one a copy, since the input
 * must not change
 */
static TicketState *
WritableTicketState(FunctionCallInfo fcinfo, int argno, TimestampTz as_of, int32 more,
					ExpandedTicketState **expanded)
{
	MemoryContext aggcontext;
	bool		in_aggregate = AggCheckCallContext(fcinfo, &aggcontext) != 0;
	TicketState *state;

	*expanded = NULL;
	if (PG_ARGISNULL(argno))
	{
		ServiceCheckTextTime(as_of, "as_of");
		state = TicketStateNew(TICKET_INITIAL_SLOTS, as_of);
		if (!in_aggregate)
			return state;
	}
	else
	{
		Datum		raw = PG_GETARG_DATUM(argno);

		if (in_aggregate && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(raw)) &&
			(*expanded = ExpandedTicketOf(raw)) != NULL)
			return (*expanded)->flat;
		state = ReadTicketState(raw);
		if (!in_aggregate)
			return StateCopy(state, (int32) Min((int64) state->n_distinct + state->n_buffered + more,
												(MaxAllocSize - TICKET_HEADER_SIZE) / sizeof(TicketCell)));
	}
	*expanded = NewExpandedTicket(aggcontext, state, more);
	return (*expanded)->flat;
}

/* The datum a transition or combine returns: the expanded state, or the flat one */
static Datum
TicketResult(ExpandedTicketState *expanded, TicketState *state)
{
	if (expanded != NULL)
	{
		expanded->flat = state;
		return EOHPGetRWDatum(&expanded->hdr);
	}
	return PointerGetDatum(state);
}

/* The cell of the run with this duration, or NULL (binary search) */
static inline TicketCell *
RunLookup(TicketState *state, int64 seconds)
{
	TicketCell *cells = TicketCells(state);
	int32		lo = 0;
	int32		hi = state->n_distinct;

	while (lo < hi)
	{
		int32		mid = (lo + hi) / 2;

		if (cells[mid].seconds < seconds)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < state->n_distinct && cells[lo].seconds == seconds) ? &cells[lo] : NULL;
}

/*
 * A hash index of the sorted run of one state, kept per call site
 * (fn_extra) so that a row finds its duration's cell in O(1): only a hint,
 * every hit is checked against the cell's duration and a miss falls back to
 * the buffer, so a stale index can cost time but never change a count
 */
typedef struct DurationIndex
{
	const TicketState *state;	/* the state it was built for */
	int32		n_distinct;		/* the length of its run then */
	int			shift;			/* 64 - log2(table size) */
	uint32		mask;			/* table size - 1 */
	int32	   *slot;			/* run position + 1 per slot, 0 if empty */
	int32		allocated;		/* slots allocated */
	int64		rows_since_build;	/* rows looked up since the last build */
} DurationIndex;

/* The slot of a duration in a table of 2^(64 - shift) slots */
static inline uint32
DurationHash(int64 seconds, int shift)
{
	return (uint32) (((uint64) seconds * UINT64CONST(0x9E3779B97F4A7C15)) >> shift);
}

/* (Re)build the index of a state's run in the call site's memory */
static void
IndexBuild(FmgrInfo *flinfo, DurationIndex *ix, const TicketState *state)
{
	const TicketCell *cells = TicketCells(state);
	int32		size = 2;
	int			log2size = 1;

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
		uint32		h = DurationHash(cells[i].seconds, ix->shift) & ix->mask;

		while (ix->slot[h] != 0)
			h = (h + 1) & ix->mask;
		ix->slot[h] = i + 1;
	}
	ix->state = state;
	ix->n_distinct = state->n_distinct;
	ix->rows_since_build = 0;
}

/*
 * The cell of the sorted run of a state with this duration, or NULL: by the
 * call site's hash index when it is the state's, else (rebuilding it once
 * as many rows as the run has durations have missed it) by binary search
 */
static inline TicketCell *
IndexLookup(FmgrInfo *flinfo, TicketState *state, int64 seconds)
{
	DurationIndex *ix = (DurationIndex *) flinfo->fn_extra;
	TicketCell *cells = TicketCells(state);
	uint32		h;

	if (unlikely(ix == NULL))
	{
		ix = MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(DurationIndex));
		flinfo->fn_extra = ix;
	}
	if (unlikely(ix->state != state || ix->n_distinct != state->n_distinct))
	{
		if (ix->rows_since_build++ < state->n_distinct)
			return RunLookup(state, seconds);
		IndexBuild(flinfo, ix, state);
	}
	h = DurationHash(seconds, ix->shift) & ix->mask;
	while (ix->slot[h] != 0)
	{
		TicketCell *cell = &cells[ix->slot[h] - 1];

		if (cell->seconds == seconds)
			return cell;
		h = (h + 1) & ix->mask;
	}
	return NULL;
}

/*
 * Add one ticket of a duration, resolved or open, to a writable state;
 * returns it (it may move; in_place as StateMakeRoom)
 */
static inline TicketState *
StateAddTicket(FmgrInfo *flinfo, TicketState *state, int64 seconds, bool resolved, bool in_place)
{
	TicketCell *cells = TicketCells(state);
	TicketCell *cell = NULL;
	int32		used = state->n_distinct + state->n_buffered;

	state->tickets = AddCounts(state->tickets, 1, "ticket count");
	if (!resolved)
		state->open++;
	if (state->n_buffered > 0 && cells[used - 1].seconds == seconds)
		cell = &cells[used - 1];
	else if (state->n_distinct > 0 && state->n_distinct <= TICKET_LOOKUP_MAX)
		cell = IndexLookup(flinfo, state, seconds);
	if (cell == NULL)
	{
		if (used >= state->slots)
		{
			state = StateMakeRoom(state, 1, in_place);
			cells = TicketCells(state);
			used = state->n_distinct + state->n_buffered;
		}
		cell = &cells[used];
		cell->seconds = seconds;
		cell->resolved = 0;
		cell->open = 0;
		state->n_buffered++;
	}
	if (resolved)
		cell->resolved++;
	else
		cell->open++;
	return state;
}

/*
 * The whole seconds from a to b >= a (truncated); 22003 if they do not fit
 * (they always do for finite timestamps)
 */
static inline int64
WholeSeconds(TimestampTz a, TimestampTz b)
{
	int64		usecs;

	if (pg_sub_s64_overflow(b, a, &usecs))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("ticket duration out of range")));
	return usecs / USECS_PER_SEC;
}

/*
 * Transition of crm.ticket_fit(opened, resolved[, first_contact_resolved,
 * reopened], as_of): the last argument is as_of
 */
PG_FUNCTION_INFO_V1(ticket_trans);
Datum
ticket_trans(PG_FUNCTION_ARGS)
{
	int			nargs = PG_NARGS();
	int			as_of_arg = nargs - 1;
	ExpandedTicketState *expanded;
	TicketState *state;
	TimestampTz as_of;
	TimestampTz opened;
	TimestampTz resolved;
	bool		is_resolved;

	CheckNotNull(fcinfo, as_of_arg, "as_of");
	as_of = PG_GETARG_TIMESTAMPTZ(as_of_arg);
	state = WritableTicketState(fcinfo, 0, as_of, TICKET_INITIAL_SLOTS, &expanded);
	if (state->as_of != as_of)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be the same for every row of crm.ticket_fit")));
	if (PG_ARGISNULL(1))
	{
		state->n_skipped = AddCounts(state->n_skipped, 1, "skipped row count");
		return TicketResult(expanded, state);
	}
	opened = PG_GETARG_TIMESTAMPTZ(1);
	CheckFiniteTimestamp(opened, "opened");
	if (opened > as_of)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("ticket opened at %s, after as_of %s",
						pstrdup(timestamptz_to_str(opened)), pstrdup(timestamptz_to_str(as_of))),
				 errhint("Select the tickets opened up to as_of.")));
	is_resolved = !PG_ARGISNULL(2);
	if (is_resolved)
	{
		resolved = PG_GETARG_TIMESTAMPTZ(2);
		CheckFiniteTimestamp(resolved, "resolved");
		if (resolved < opened)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("ticket resolved at %s, before it was opened at %s",
							pstrdup(timestamptz_to_str(resolved)), pstrdup(timestamptz_to_str(opened)))));
		/* resolved after as_of: still open as of as_of */
		is_resolved = resolved <= as_of;
	}
	state = StateAddTicket(fcinfo->flinfo, state, WholeSeconds(opened, is_resolved ? resolved : as_of),
						   is_resolved, expanded != NULL);
	if (nargs == 6)
	{
		if (!PG_ARGISNULL(3))
		{
			state->fcr_known++;
			if (PG_GETARG_BOOL(3))
				state->fcr++;
		}
		if (!PG_ARGISNULL(4))
		{
			state->reopen_known++;
			if (PG_GETARG_BOOL(4))
				state->reopened++;
		}
	}
	return TicketResult(expanded, state);
}

/*
 * Combine (and the transition of crm.ticket_merge): add the cells and totals
 * of the second state to the first, in place inside an aggregate; called
 * directly, a new compact state
 */
PG_FUNCTION_INFO_V1(ticket_combine);
Datum
ticket_combine(PG_FUNCTION_ARGS)
{
	bool		in_aggregate = AggCheckCallContext(fcinfo, NULL) != 0;
	TicketState *b = ReadTicketState(PG_GETARG_DATUM(1));
	ExpandedTicketState *expanded;
	TicketState *a;
	const TicketCell *cells;
	int32		n;

	/* b's buffer is merged (ReadTicketState): its cells are its run */
	n = b->n_distinct;
	cells = TicketCells(b);
	a = WritableTicketState(fcinfo, 0, b->as_of, n, &expanded);
	if (a->as_of != b->as_of)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge ticket states of different as_of times (%s and %s)",
						pstrdup(timestamptz_to_str(a->as_of)), pstrdup(timestamptz_to_str(b->as_of)))));
	a = StateMakeRoom(a, n, expanded != NULL);
	a->tickets = AddCounts(a->tickets, b->tickets, "ticket count");
	a->open = AddCounts(a->open, b->open, "open ticket count");
	a->fcr_known = AddCounts(a->fcr_known, b->fcr_known, "ticket count");
	a->fcr = AddCounts(a->fcr, b->fcr, "first-contact resolution count");
	a->reopen_known = AddCounts(a->reopen_known, b->reopen_known, "ticket count");
	a->reopened = AddCounts(a->reopened, b->reopened, "reopened ticket count");
	a->n_skipped = AddCounts(a->n_skipped, b->n_skipped, "skipped row count");
	if (n > 0)
		memcpy(TicketCells(a) + a->n_distinct + a->n_buffered, cells, sizeof(TicketCell) * (Size) n);
	a->n_buffered += n;
	if (!in_aggregate)
		PG_RETURN_POINTER(StateCompact(a));
	return TicketResult(expanded, a);
}

/* Final function of crm.ticket_fit and crm.ticket_merge: compact; NULL without tickets */
PG_FUNCTION_INFO_V1(ticket_final);
Datum
ticket_final(PG_FUNCTION_ARGS)
{
	TicketState *state = ReadTicketState(PG_GETARG_DATUM(0));

	if (state->tickets == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(StateCompact(state));
}
