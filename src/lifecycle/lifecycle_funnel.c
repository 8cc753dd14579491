/*
 * lifecycle_funnel.c
 *		crm.funnel_state: the exact, mergeable state of crm.funnel_fit and
 *		crm.funnel_merge, and its transition, combine and final functions.
 *
 * A row is one lead: the funnel's stage names (the same on every row), the
 * time the lead reached each stage (NULL: not reached, or not recorded),
 * as_of and the unit durations are counted in.  The rules
 * (docs/lifecycle.md, "Funnel and win rate"):
 *	- times after as_of (and +infinity) count as not reached by as_of;
 *	- a stage reached implies every earlier stage (a lead at proposal
 *	  without a qualified time reached qualified at an unknown time);
 *	- the known times must not decrease along the stages: a row where they
 *	  do is skipped and counted (inconsistent), with one NOTICE at the end;
 *	- a row with a NULL argument, or with no stage reached by as_of, is
 *	  skipped and counted; -infinity and an infinite as_of are 22000;
 *	- a duration is the number of whole units between two times (floor);
 *	- with lost_at (crm.funnel_fit's five-argument form), a lead lost by
 *	  as_of is counted lost at its last stage reached; lost before that
 *	  stage's time, or lost and won, is inconsistent (skipped and counted);
 *	  lost after as_of (or +infinity, or NULL) is open; -infinity is 22000.
 *	  A lost lead stays censored at as_of in the times to convert: it did
 *	  not convert by then, which is all the curve needs.
 * Per transition from a stage reached at a known time: converted to the
 * next stage at a known time is an event at that duration; not converted
 * by as_of is censored at as_of; converted at an unknown time is counted
 * apart (unknown) and left out of the times.
 *
 * Text and binary forms: lifecycle_funnel_io.c.
 */
#include "crm.h"
#include "crm_io.h"
#include "lifecycle_funnel.h"

#include "catalog/pg_type.h"
#include "common/int.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* Smallest room for cells after a flush */
#define FUNNEL_MIN_ROOM 64

/* The name of stage i of a state */
const char *
FunnelStageName(const FunnelState *state, int i)
{
	const char *name = FunnelNames(state);

	for (; i > 0; i--)
		name += strlen(name) + 1;
	return name;
}

/* The length of a unit in microseconds (22023 if it has months or overflows) */
int64
FunnelUnitUsecs(const TimeUnit *unit)
{
	int64		usecs;

	if (unit->months != 0 ||
		pg_mul_s64_overflow((int64) unit->days, USECS_PER_DAY, &usecs) ||
		pg_add_s64_overflow(usecs, unit->usecs, &usecs) || usecs <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("funnel unit \"%s\" is not a fixed-length positive interval",
						TimeUnitText(unit)),
				 errhint("Use a unit of days, hours or minutes, such as '1 day' or '1 hour'; months have no fixed length.")));
	return usecs;
}

/* Bytes of a state with names_size bytes of names and room for slots cells */
static Size
StateSize(int32 names_size, int64 slots)
{
	Size		max_slots = (MaxAllocSize - FUNNEL_HEADER_SIZE - MAXALIGN(names_size)) / sizeof(FunnelCell);

	if ((Size) slots > max_slots)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("funnel state would exceed 1 GB"),
				 errhint("Count durations in a longer unit (for example '1 day' instead of '1 second').")));
	return FUNNEL_HEADER_SIZE + MAXALIGN(names_size) + sizeof(FunnelCell) * (Size) slots;
}

/*
 * A new state with the header fields of like (or a zeroed header), names
 * of names_size bytes and room for slots cells (none in use)
 */
FunnelState *
FunnelStateNew(const FunnelState *like, const char *names, int32 names_size, int32 slots)
{
	Size		size = StateSize(names_size, slots);
	FunnelState *state = (FunnelState *) palloc0(size);

	if (like != NULL)
		memcpy(state, like, sizeof(FunnelState));
	SET_VARSIZE(state, size);
	state->version = FUNNEL_STATE_VERSION;
	state->names_size = names_size;
	state->slots = slots;
	state->n_sorted = 0;
	state->n_cells = 0;
	if (names_size > 0)
		memcpy(FunnelNames(state), names, names_size);
	return state;
}

/* A copy of a state with room for slots cells (at least its cells) */
static FunnelState *
StateCopy(const FunnelState *state, int32 slots)
{
	FunnelState *copy = FunnelStateNew(state, FunnelNames(state), state->names_size, slots);

	Assert(slots >= state->n_cells);
	copy->n_sorted = state->n_sorted;
	copy->n_cells = state->n_cells;
	if (state->n_cells > 0)
		memcpy(FunnelCells(copy), FunnelCells(state), sizeof(FunnelCell) * (Size) state->n_cells);
	return copy;
}


/* SortCells(cells, n): an inlined sort of cells by (transition, duration) */
#define ST_SORT SortCells
#define ST_ELEMENT_TYPE FunnelCell
#define ST_COMPARE(a, b) FUNNEL_CELL_CMP(a, b)
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Sort n cells and add up those of one key in place; returns the distinct count */
static int32
SortAndCollapse(FunnelCell *cells, int32 n)
{
	int32		distinct = 0;

	SortCells(cells, n);
	for (int32 i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (distinct > 0 && FUNNEL_CELL_CMP(&cells[distinct - 1], &cells[i]) == 0)
		{
			cells[distinct - 1].events = AddCounts(cells[distinct - 1].events, cells[i].events,
												   "conversion count");
			cells[distinct - 1].censored = AddCounts(cells[distinct - 1].censored, cells[i].censored,
													 "censored count");
		}
		else
			cells[distinct++] = cells[i];
	}
	return distinct;
}

/*
 * The cells of a state sorted by (transition, duration), distinct; *n gets
 * their number.  Read only: it may be the state's own cells.
 */
const FunnelCell *
FunnelSortedCells(const FunnelState *state, int32 *n)
{
	FunnelCell *copy;

	if (state->n_sorted == state->n_cells)
	{
		*n = state->n_cells;
		return FunnelCells(state);
	}
	copy = (FunnelCell *) palloc(sizeof(FunnelCell) * (Size) state->n_cells);
	memcpy(copy, FunnelCells(state), sizeof(FunnelCell) * (Size) state->n_cells);
	*n = SortAndCollapse(copy, state->n_cells);
	return copy;
}

/* A compact copy of a state: its cells sorted and distinct, no spare room */
static FunnelState *
StateCompact(const FunnelState *state)
{
	int32		n;
	const FunnelCell *cells = FunnelSortedCells(state, &n);
	FunnelState *copy = FunnelStateNew(state, FunnelNames(state), state->names_size, n);

	copy->n_sorted = copy->n_cells = n;
	if (n > 0)
		memcpy(FunnelCells(copy), cells, sizeof(FunnelCell) * (Size) n);
	return copy;
}

/*
 * Make room in a writable state for need more cells: sort and collapse its
 * cells; if that leaves less than max(need, 64, distinct cells) free, a
 * larger copy (so the state doubles and the work per row stays O(log)
 * amortized); returns the state (it may move)
 */
static FunnelState *
StateMakeRoom(FunnelState *state, int32 need)
{
	int64		room;

	if ((int64) state->slots - state->n_cells >= need)
		return state;
	state->n_cells = state->n_sorted = SortAndCollapse(FunnelCells(state), state->n_cells);
	room = Max(need, Max(FUNNEL_MIN_ROOM, state->n_cells));
	if ((int64) state->slots - state->n_cells >= room)
		return state;
	(void) StateSize(state->names_size, state->n_cells + room);
	return StateCopy(state, (int32) (state->n_cells + room));
}

/* Argument argno, a funnel state, detoasted */
FunnelState *
FunnelStateArg(FunctionCallInfo fcinfo, int argno)
{
	return (FunnelState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/* Raise 22000 unless as_of is finite */
static void
CheckAsOf(TimestampTz as_of)
{
	if (TIMESTAMP_NOT_FINITE(as_of))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("as_of must be a finite timestamp")));
}

/*
 * The stage names of a stages argument: 2 .. FUNNEL_MAX_STAGES distinct
 * non-NULL names (22023, 22004), as NUL-terminated strings one after
 * another (palloc'd); *n gets their number and *size their bytes
 */
static char *
StageNames(ArrayType *stages, int *n, int32 *size)
{
	Datum	   *elements = CrmArrayElements(stages, "stages", 2, FUNNEL_MAX_STAGES, n);
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < *n; i++)
	{
		char	   *name = TextDatumGetCString(elements[i]);
		const char *seen = buf.data;

		for (int j = 0; j < i; j++, seen += strlen(seen) + 1)
			if (strcmp(seen, name) == 0)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("stage \"%s\" appears twice in the funnel", name),
						 errhint("Name each stage of the funnel once, in order.")));
		appendBinaryStringInfo(&buf, name, strlen(name) + 1);
	}
	*size = buf.len;
	return buf.data;
}

/*
 * The stages argument a call site last checked (fn_extra), when it is a
 * constant (the same datum on every row), and the names it had
 */
typedef struct StagesCache
{
	Datum		stages;			/* the argument datum */
	int32		names_size;		/* bytes of its names */
	char		names[FLEXIBLE_ARRAY_MEMBER];	/* its names */
} StagesCache;

/*
 * Raise 22023 unless a row's funnel (stages, as_of, unit) is the state's:
 * an aggregate's parameters are the same on every row.  A constant stages
 * argument is read once per call site, not once per row.
 */
static void
CheckSameFunnel(FunctionCallInfo fcinfo, const FunnelState *state, TimestampTz as_of,
				const TimeUnit *unit)
{
	StagesCache *cache = (StagesCache *) fcinfo->flinfo->fn_extra;
	Datum		stages = PG_GETARG_DATUM(1);
	int			n;
	int32		size;
	char	   *names;

	if (as_of != state->as_of || !TimeUnitEqual(unit, &state->unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of and unit of crm.funnel_fit must be the same on every row"),
				 errhint("Filter the rows or group by the funnel instead.")));
	if (cache != NULL && cache->stages == stages && cache->names_size == state->names_size &&
		memcmp(cache->names, FunnelNames(state), state->names_size) == 0)
		return;
	names = StageNames(PG_GETARG_ARRAYTYPE_P(1), &n, &size);
	if (n != state->n_stages || size != state->names_size ||
		memcmp(names, FunnelNames(state), size) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the stages of crm.funnel_fit must be the same on every row"),
				 errhint("Give the funnel's stages as one constant array.")));
	if (!get_fn_expr_arg_stable(fcinfo->flinfo, 1))
		return;
	if (cache != NULL)
		pfree(cache);
	cache = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, offsetof(StagesCache, names) + size);
	cache->stages = stages;
	cache->names_size = size;
	memcpy(cache->names, names, size);
	fcinfo->flinfo->fn_extra = cache;
}

/*
 * Count one conversion (event) or censoring of a transition at a duration
 * in a state that has room for a cell: in its cell of the sorted run when
 * there is one (a binary search: durations in whole units repeat, so most
 * rows buffer nothing), else in a new cell after the others
 */
static inline void
PutCell(FunnelState *state, int transition, int64 duration, bool event)
{
	FunnelCell *cells = FunnelCells(state);
	FunnelCell	key;
	FunnelCell *cell;
	int32		lo = 0;
	int32		hi = state->n_sorted;

	key.transition = transition;
	key.duration = duration;
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (FUNNEL_CELL_CMP(&cells[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < state->n_sorted && FUNNEL_CELL_CMP(&cells[lo], &key) == 0)
	{
		/* counts are bounded by the leads, whose count is checked */
		if (event)
			cells[lo].events++;
		else
			cells[lo].censored++;
		return;
	}
	cell = &cells[state->n_cells++];
	cell->transition = transition;
	cell->reserved = 0;
	cell->duration = duration;
	cell->events = event ? 1 : 0;
	cell->censored = event ? 0 : 1;
}

/*
 * Add one lead to a state with room for its cells: times[i] (valid where
 * known[i]) up to stage last, the last stage reached by as_of, and whether
 * it was closed as lost there by as_of
 */
static void
StateAddLead(FunnelState *state, const TimestampTz *times, const bool *known, int last, bool lost)
{
	int			k = state->n_stages;
	int64		unit = FunnelUnitUsecs(&state->unit);

	state->n_leads = AddCounts(state->n_leads, 1, "lead count");
	if (lost)
		state->lost[last]++;
	for (int i = 0; i <= last; i++)
	{
		state->reached[i]++;
		if (known[i])
			state->timed[i]++;
	}
	for (int i = 0; i < k - 1; i++)
	{
		if (i > last || !known[i])
			continue;
		if (i == last)
			PutCell(state, i, (state->as_of - times[i]) / unit, false);
		else if (known[i + 1])
			PutCell(state, i, (times[i + 1] - times[i]) / unit, true);
		else
			state->unknown[i]++;
	}
	if (k > 2 && known[0])
	{
		if (last == k - 1)
			PutCell(state, k - 1, (times[k - 1] - times[0]) / unit, true);
		else
			PutCell(state, k - 1, (state->as_of - times[0]) / unit, false);
	}
}

/*
 * crm.funnel_fit(stages, stage_times, [lost_at,] as_of, unit) transition:
 * one row per lead (see the top of this file for the rules)
 */
PG_FUNCTION_INFO_V1(funnel_fit_trans);
Datum
funnel_fit_trans(PG_FUNCTION_ARGS)
{
	/* with lost_at, as_of and unit are one argument further */
	int			lost_arg = PG_NARGS() == 6 ? 3 : -1;
	int			as_of_arg = PG_NARGS() == 6 ? 4 : 3;
	int			unit_arg = as_of_arg + 1;
	FunnelState *state;
	TimestampTz as_of;
	TimeUnit	unit;
	ArrayType  *array;
	TimestampTz times[FUNNEL_MAX_STAGES];
	bool		known[FUNNEL_MAX_STAGES];
	bool		seen = false;
	bool		lost = false;
	TimestampTz lost_at = 0;
	TimestampTz previous = 0;
	int			last = -1;
	int			n;
	char	   *data;
	bits8	   *nulls;

	if (PG_ARGISNULL(0))
		state = FunnelStateNew(NULL, NULL, 0, 0);
	else
	{
		state = FunnelStateArg(fcinfo, 0);
		if (!CrmArgIsWritable(fcinfo, 0, state))
			state = StateCopy(state, state->slots);
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(as_of_arg) || PG_ARGISNULL(unit_arg))
	{
		state->n_skipped = AddCounts(state->n_skipped, 1, "skipped row count");
		PG_RETURN_POINTER(state);
	}
	as_of = PG_GETARG_TIMESTAMPTZ(as_of_arg);
	CheckAsOf(as_of);
	TimeUnitFromInterval(PG_GETARG_INTERVAL_P(unit_arg), &unit);
	if (lost_arg >= 0 && !PG_ARGISNULL(lost_arg))
	{
		lost_at = PG_GETARG_TIMESTAMPTZ(lost_arg);
		if (TIMESTAMP_IS_NOBEGIN(lost_at))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("lost_at must not be -infinity"),
					 errhint("Give NULL (or +infinity) for a lead that was not lost.")));
		/* lost after as_of: still open as of as_of */
		lost = lost_at <= as_of;
	}
	(void) FunnelUnitUsecs(&unit);
	if (state->n_stages == 0)
	{
		/* the first row with a funnel defines it */
		int32		size;
		char	   *names = StageNames(PG_GETARG_ARRAYTYPE_P(1), &n, &size);
		FunnelState *defined = FunnelStateNew(NULL, names, size, FUNNEL_MIN_ROOM);

		defined->n_stages = (uint8) n;
		defined->tracks_lost = lost_arg >= 0;
		defined->as_of = as_of;
		defined->unit = unit;
		defined->n_skipped = state->n_skipped;
		state = defined;
	}
	else
		CheckSameFunnel(fcinfo, state, as_of, &unit);
	Assert(state->tracks_lost == (lost_arg >= 0));

	array = PG_GETARG_ARRAYTYPE_P(2);
	if (ARR_NDIM(array) > 1 || ARR_ELEMTYPE(array) != TIMESTAMPTZOID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stage_times must be a one-dimensional timestamptz array")));
	n = ARR_NDIM(array) == 0 ? 0 : ARR_DIMS(array)[0];
	if (n != state->n_stages)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stage_times has %d elements but the funnel has %d stages", n, state->n_stages),
				 errhint("Give one time per stage, NULL where the lead did not reach it.")));
	data = ARR_DATA_PTR(array);
	nulls = ARR_NULLBITMAP(array);
	for (int i = 0; i < n; i++)
	{
		known[i] = nulls == NULL || (nulls[i / 8] & (1 << (i % 8))) != 0;
		if (!known[i])
			continue;
		memcpy(&times[i], data, sizeof(TimestampTz));
		data += sizeof(TimestampTz);
		if (TIMESTAMP_IS_NOBEGIN(times[i]))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("stage time of stage \"%s\" must not be -infinity",
							FunnelStageName(state, i)),
					 errhint("Give NULL (or +infinity) for a stage the lead did not reach.")));
		if (seen && times[i] < previous)
		{
			state->n_inconsistent = AddCounts(state->n_inconsistent, 1, "inconsistent row count");
			PG_RETURN_POINTER(state);
		}
		seen = true;
		previous = times[i];
	}
	/* the times are in order, so those after as_of are a suffix */
	for (int i = 0; i < n; i++)
	{
		if (known[i] && times[i] > state->as_of)
			known[i] = false;
		else if (known[i])
			last = i;
	}
	if (last < 0)
	{
		state->n_skipped = AddCounts(state->n_skipped, 1, "skipped row count");
		PG_RETURN_POINTER(state);
	}
	/* lost before its last stage, or lost and won: out of order too */
	if (lost && (last == n - 1 || lost_at < times[last]))
	{
		state->n_inconsistent = AddCounts(state->n_inconsistent, 1, "inconsistent row count");
		PG_RETURN_POINTER(state);
	}
	state = StateMakeRoom(state, FunnelTransitions(n));
	StateAddLead(state, times, known, last, lost);
	PG_RETURN_POINTER(state);
}

/* Raise 22023 unless two defined states are of the same funnel */
static void
CheckSameDefinition(const FunnelState *a, const FunnelState *b)
{
	if (a->n_stages != b->n_stages || a->names_size != b->names_size ||
		memcmp(FunnelNames(a), FunnelNames(b), a->names_size) != 0 ||
		a->as_of != b->as_of || !TimeUnitEqual(&a->unit, &b->unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge funnel states of different funnels"),
				 errdetail("States merge only with the same stages, as_of and unit.")));
	if (a->tracks_lost != b->tracks_lost)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge a funnel state with lost leads and one without"),
				 errdetail("Only one of them was fitted with lost_at, so its leads lost are unknown in the other."),
				 errhint("Fit both with crm.funnel_fit(stages, stage_times, lost_at, as_of, unit), lost_at NULL where unknown.")));
}

/*
 * Combine (and the transition of crm.funnel_merge): add the leads of the
 * second state to the first, in place inside an aggregate; called directly,
 * a new compact state
 */
PG_FUNCTION_INFO_V1(funnel_combine);
Datum
funnel_combine(PG_FUNCTION_ARGS)
{
	bool		in_aggregate = AggCheckCallContext(fcinfo, NULL) != 0;
	FunnelState *a = FunnelStateArg(fcinfo, 0);
	FunnelState *b = FunnelStateArg(fcinfo, 1);
	const FunnelCell *cells;
	int32		n;

	if (a->n_stages == 0 && b->n_stages != 0)
	{
		int64		skipped = a->n_skipped;

		a = StateCopy(b, b->n_cells);
		a->n_skipped = AddCounts(a->n_skipped, skipped, "skipped row count");
		PG_RETURN_POINTER(in_aggregate ? a : StateCompact(a));
	}
	if (!in_aggregate || !CrmArgIsWritable(fcinfo, 0, a))
		a = StateCopy(a, a->n_cells);
	a->n_skipped = AddCounts(a->n_skipped, b->n_skipped, "skipped row count");
	if (b->n_stages != 0)
	{
		CheckSameDefinition(a, b);
		a->n_leads = AddCounts(a->n_leads, b->n_leads, "lead count");
		a->n_inconsistent = AddCounts(a->n_inconsistent, b->n_inconsistent, "inconsistent row count");
		for (int i = 0; i < a->n_stages; i++)
		{
			a->reached[i] = AddCounts(a->reached[i], b->reached[i], "lead count");
			a->timed[i] = AddCounts(a->timed[i], b->timed[i], "lead count");
			a->unknown[i] = AddCounts(a->unknown[i], b->unknown[i], "lead count");
			a->lost[i] = AddCounts(a->lost[i], b->lost[i], "lead count");
		}
		cells = FunnelSortedCells(b, &n);
		a = StateMakeRoom(a, n);
		if (n > 0)
			memcpy(FunnelCells(a) + a->n_cells, cells, sizeof(FunnelCell) * (Size) n);
		a->n_cells += n;
	}
	PG_RETURN_POINTER(in_aggregate ? a : StateCompact(a));
}

/*
 * Final function of the funnel aggregates: compact; NULL without leads;
 * one NOTICE with the number of inconsistent rows skipped
 */
PG_FUNCTION_INFO_V1(funnel_final);
Datum
funnel_final(PG_FUNCTION_ARGS)
{
	FunnelState *state = FunnelStateArg(fcinfo, 0);

	if (state->n_inconsistent > 0)
		ereport(NOTICE,
				(errmsg("crm.funnel_fit skipped " INT64_FORMAT " lead%s whose stage times are out of stage order%s",
						state->n_inconsistent, state->n_inconsistent == 1 ? "" : "s",
						state->tracks_lost ? " or that were lost before their last stage or after being won" : ""),
				 errhint("crm.funnel_summary counts them as inconsistent.")));
	if (state->n_leads == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(StateCompact(state));
}
