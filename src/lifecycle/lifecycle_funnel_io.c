/*
 * lifecycle_funnel_io.c
 *		The text and binary forms of crm.funnel_state, and the check that a
 *		state read from outside is one some set of leads gives.
 *
 * Text form, one line that round-trips exactly:
 *	 v1 stages={"lead","won"} as_of=2024-06-30T00:00:00Z unit=P1D leads=3
 *		skipped=0 inconsistent=0 reached={3,1} timed={3,1} unknown={0,0}
 *		lost={1,0} cells={0:4:1:0,0:10:0:2}
 * (lost only in a state fitted with lost_at), where a cell is
 * transition:duration:events:censored; a state that has seen no row with a
 * definition is "v1 stages={} skipped=N".
 */
#include "crm.h"
#include "crm_io.h"
#include "lifecycle_funnel.h"

#include "common/int.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

/* Bytes of a cell in the binary form */
#define FUNNEL_CELL_WIRE_SIZE (sizeof(int32) + 3 * sizeof(int64))

/*
 * Why a state read from outside is impossible, or NULL: the counts of the
 * stages and transitions must be those some set of leads gives
 */
static const char *
StateProblem(const FunnelState *s, const FunnelCell *cells, int32 n)
{
	int			k = s->n_stages;
	int			transitions = FunnelTransitions(k);
	int64		events[FUNNEL_MAX_STAGES] = {0};
	int64		censored[FUNNEL_MAX_STAGES] = {0};
	int64		max_duration;

	if (k == 0)
		return (n == 0 && s->n_leads == 0 && s->n_inconsistent == 0 && !s->tracks_lost) ? NULL :
			"a state without stages has no leads";
	if (k < 2 || k > FUNNEL_MAX_STAGES)
		return "a funnel has 2 to 16 stages";
	if (s->n_leads != s->reached[0])
		return "every lead reaches the first stage";
	for (int i = 0; i < k; i++)
	{
		if (s->reached[i] < 0 || s->timed[i] < 0 || s->unknown[i] < 0 || s->timed[i] > s->reached[i])
			return "leads with a known time cannot exceed the leads reaching a stage";
		if (i > 0 && s->reached[i] > s->reached[i - 1])
			return "a stage cannot have more leads than the stage before";
		if (i < k - 1 && s->reached[i] - s->timed[i] > s->reached[i + 1])
			return "a stage reached at an unknown time implies a later stage";
		if (i < k - 1 && s->unknown[i] > s->reached[i + 1] - s->timed[i + 1])
			return "conversions at an unknown time cannot exceed the leads reaching the next stage at an unknown time";
	}
	for (int i = 0; i < k; i++)
		if ((!s->tracks_lost && s->lost[i] != 0) || s->lost[i] < 0 ||
			(i < k - 1 && s->lost[i] > s->reached[i] - s->reached[i + 1]) ||
			(i == k - 1 && s->lost[i] != 0))
			return "the leads lost at a stage cannot exceed those that stopped there (none at the last stage)";
	if (s->timed[k - 1] != s->reached[k - 1] || s->unknown[k - 1] != 0)
		return "the last stage is always reached at a known time";
	/* no duration is longer than the span of timestamptz */
	max_duration = END_TIMESTAMP / FunnelUnitUsecs(&s->unit) - MIN_TIMESTAMP / FunnelUnitUsecs(&s->unit) + 1;
	for (int32 i = 0; i < n; i++)
	{
		const FunnelCell *c = &cells[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (c->transition < 0 || c->transition >= transitions || c->reserved != 0)
			return "a cell's transition is out of range";
		if (c->duration > max_duration)
			return "a duration is longer than the range of timestamptz";
		if (c->duration < 0 || c->events < 0 || c->censored < 0 || c->events + c->censored <= 0)
			return "a cell has a duration >= 0 and a positive count";
		if (i > 0 && FUNNEL_CELL_CMP(&cells[i - 1], c) >= 0)
			return "cells must be strictly increasing by transition and duration";
		if (pg_add_s64_overflow(events[c->transition], c->events, &events[c->transition]) ||
			pg_add_s64_overflow(censored[c->transition], c->censored, &censored[c->transition]))
			return "the counts of the cells overflow";
	}
	for (int i = 0; i < k - 1; i++)
	{
		if (events[i] + censored[i] + s->unknown[i] != s->timed[i])
			return "the cells of a transition must count every lead with a known time at its start";
		if (events[i] + s->unknown[i] > s->reached[i + 1] || events[i] > s->timed[i + 1] ||
			censored[i] > s->reached[i] - s->reached[i + 1])
			return "the conversions of a transition do not match the stages";
		if (s->lost[i] > censored[i])
			return "a lead lost at a stage is censored in the transition from it";
	}
	if (k > 2 && (events[k - 1] + censored[k - 1] != s->timed[0] ||
				  events[k - 1] > s->reached[k - 1]))
		return "the cells of entry to the last stage do not match the stages";
	return NULL;
}

/* Append a timestamp as 2024-06-30T00:00:00Z (UTC; fraction only when not 0) */
static void
AppendTimestamp(StringInfo buf, TimestampTz t)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(t, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "funnel as_of out of range");
	appendStringInfo(buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (fsec != 0)
		appendStringInfo(buf, ".%06d", (int) fsec);
	appendStringInfoChar(buf, 'Z');
}

/* Read a timestamp written by AppendTimestamp (exactly that form) */
static TimestampTz
ReadTimestamp(CrmReader *r)
{
	char	   *token = CrmReadToken(r);
	struct pg_tm tm = {0};
	int			usec = 0;
	int			used = 0;
	Timestamp	t;
	StringInfoData again;

	if (sscanf(token, "%d-%d-%dT%d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 ||
		(token[used] == '.' && sscanf(token + used, ".%6d", &usec) != 1) ||
		tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
		tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59 || usec < 0 ||
		tm2timestamp(&tm, usec, NULL, &t) != 0 || TIMESTAMP_NOT_FINITE(t))
		CrmReadError(r, "expected a timestamp such as 2024-06-30T00:00:00Z");
	initStringInfo(&again);
	AppendTimestamp(&again, t);
	if (strcmp(again.data, token) != 0)
		CrmReadError(r, "expected a timestamp such as 2024-06-30T00:00:00Z");
	return t;
}

/* Reads one cell "transition:duration:events:censored" */
static void
ReadCell(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	FunnelCell *cell = (FunnelCell *) element;

	cell->transition = (int32) CrmReadInt(r, 0, FUNNEL_MAX_STAGES);
	CrmExpect(r, ":");
	cell->duration = CrmReadCount(r);
	CrmExpect(r, ":");
	cell->events = CrmReadCount(r);
	CrmExpect(r, ":");
	cell->censored = CrmReadCount(r);
}

/* Read " key={a,b,...}" of exactly k counts into out */
static void
ReadStageCounts(CrmReader *r, const char *key, int k, int64 *out)
{
	int			n;
	int64	   *values = CrmReadIntList(r, key, 0, PG_INT64_MAX, &n);

	if (n != k)
		CrmReadError(r, psprintf("%s must have one count per stage", key));
	memcpy(out, values, sizeof(int64) * k);
}

/* Parse the text form of crm.funnel_state */
PG_FUNCTION_INFO_V1(funnel_state_in);
Datum
funnel_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(FUNNEL_TYPE, PG_GETARG_CSTRING(0));
	FunnelState head = {0};
	int			n_names;
	int32		names_size;
	char	   *names;
	FunnelCell *cells = NULL;
	int			n_cells = 0;
	FunnelState *state;

	CrmExpectVersion(&r, FUNNEL_STATE_VERSION);
	names = CrmReadNames(&r, "stages", &n_names, &names_size);
	if (n_names == 0)
		head.n_skipped = CrmReadKeyCount(&r, "skipped");
	else
	{
		if (n_names < 2 || n_names > FUNNEL_MAX_STAGES)
			CrmReadError(&r, "a funnel has 2 to 16 stages");
		for (const char *a = names; a < names + names_size; a += strlen(a) + 1)
			for (const char *b = a + strlen(a) + 1; b < names + names_size; b += strlen(b) + 1)
				if (strcmp(a, b) == 0)
					CrmReadError(&r, "stage names must be distinct");
		head.n_stages = (uint8) n_names;
		CrmExpectKey(&r, "as_of");
		head.as_of = ReadTimestamp(&r);
		CrmExpectKey(&r, "unit");
		if (!TimeUnitParse(CrmReadToken(&r), &head.unit) || head.unit.months != 0)
			CrmReadError(&r, "unit must be a positive interval of days and time, such as P1D");
		head.n_leads = CrmReadKeyCount(&r, "leads");
		head.n_skipped = CrmReadKeyCount(&r, "skipped");
		head.n_inconsistent = CrmReadKeyCount(&r, "inconsistent");
		ReadStageCounts(&r, "reached", n_names, head.reached);
		ReadStageCounts(&r, "timed", n_names, head.timed);
		ReadStageCounts(&r, "unknown", n_names, head.unknown);
		/* only a state fitted with lost_at has them */
		head.tracks_lost = strncmp(r.p, " lost=", 6) == 0;
		if (head.tracks_lost)
			ReadStageCounts(&r, "lost", n_names, head.lost);
		cells = (FunnelCell *) CrmReadList(&r, "cells", ",", sizeof(FunnelCell), ReadCell, NULL,
										   &n_cells);
	}
	CrmReadEnd(&r);
	state = FunnelStateNew(&head, names, names_size, n_cells);
	state->n_sorted = state->n_cells = n_cells;
	if (n_cells > 0)
		memcpy(FunnelCells(state), cells, sizeof(FunnelCell) * (Size) n_cells);
	CrmReadCheck(&r, StateProblem(state, FunnelCells(state), n_cells));
	PG_RETURN_POINTER(state);
}

/* Writes one cell */
static void
WriteCell(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const FunnelCell *c = (const FunnelCell *) element;

	appendStringInfo(buf, "%d:" INT64_FORMAT ":" INT64_FORMAT ":" INT64_FORMAT,
					 c->transition, c->duration, c->events, c->censored);
}

/* Text form of crm.funnel_state (see the top of this file) */
PG_FUNCTION_INFO_V1(funnel_state_out);
Datum
funnel_state_out(PG_FUNCTION_ARGS)
{
	FunnelState *state = FunnelStateArg(fcinfo, 0);
	StringInfoData buf;
	int32		n;
	const FunnelCell *cells;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", FUNNEL_STATE_VERSION);
	CrmAppendNames(&buf, "stages", FunnelNames(state), state->n_stages);
	if (state->n_stages == 0)
	{
		appendStringInfo(&buf, " skipped=" INT64_FORMAT, state->n_skipped);
		PG_RETURN_CSTRING(buf.data);
	}
	appendStringInfoString(&buf, " as_of=");
	AppendTimestamp(&buf, state->as_of);
	appendStringInfo(&buf, " unit=%s leads=" INT64_FORMAT " skipped=" INT64_FORMAT
					 " inconsistent=" INT64_FORMAT, TimeUnitText(&state->unit),
					 state->n_leads, state->n_skipped, state->n_inconsistent);
	CrmAppendIntList(&buf, "reached", state->reached, state->n_stages);
	CrmAppendIntList(&buf, "timed", state->timed, state->n_stages);
	CrmAppendIntList(&buf, "unknown", state->unknown, state->n_stages);
	if (state->tracks_lost)
		CrmAppendIntList(&buf, "lost", state->lost, state->n_stages);
	cells = FunnelSortedCells(state, &n);
	CrmAppendList(&buf, "cells", ",", cells, sizeof(FunnelCell), n, WriteCell, NULL);
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form: version, stages, the lost flag (1 when fitted with lost_at),
 * a zero byte, the skipped count; with stages, the names, as_of, the unit
 * (months, days, microseconds), leads, inconsistent, reached, timed,
 * unknown (and lost, with the flag) per stage, the number of cells
 * and the cells (transition, duration, events, censored)
 */
PG_FUNCTION_INFO_V1(funnel_state_send);
Datum
funnel_state_send(PG_FUNCTION_ARGS)
{
	FunnelState *state = FunnelStateArg(fcinfo, 0);
	StringInfoData buf;
	int32		n;
	const FunnelCell *cells;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, FUNNEL_STATE_VERSION);
	pq_sendbyte(&buf, state->n_stages);
	pq_sendbyte(&buf, state->tracks_lost ? 1 : 0);
	pq_sendbyte(&buf, 0);
	pq_sendint64(&buf, state->n_skipped);
	if (state->n_stages > 0)
	{
		for (int i = 0; i < state->n_stages; i++)
			pq_sendstring(&buf, FunnelStageName(state, i));
		pq_sendint64(&buf, state->as_of);
		pq_sendint32(&buf, state->unit.months);
		pq_sendint32(&buf, state->unit.days);
		pq_sendint64(&buf, state->unit.usecs);
		pq_sendint64(&buf, state->n_leads);
		pq_sendint64(&buf, state->n_inconsistent);
		for (int i = 0; i < state->n_stages; i++)
		{
			pq_sendint64(&buf, state->reached[i]);
			pq_sendint64(&buf, state->timed[i]);
			pq_sendint64(&buf, state->unknown[i]);
			if (state->tracks_lost)
				pq_sendint64(&buf, state->lost[i]);
		}
		cells = FunnelSortedCells(state, &n);
		pq_sendint32(&buf, n);
		for (int32 i = 0; i < n; i++)
		{
			pq_sendint32(&buf, cells[i].transition);
			pq_sendint64(&buf, cells[i].duration);
			pq_sendint64(&buf, cells[i].events);
			pq_sendint64(&buf, cells[i].censored);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.funnel_state (see funnel_state_send) */
PG_FUNCTION_INFO_V1(funnel_state_recv);
Datum
funnel_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	FunnelState head = {0};
	StringInfoData names;
	FunnelCell *cells = NULL;
	int32		n_cells = 0;
	FunnelState *state;

	CrmRecvVersion(buf, FUNNEL_TYPE, FUNNEL_STATE_VERSION);
	head.n_stages = (uint8) pq_getmsgbyte(buf);
	if (head.n_stages == 1 || head.n_stages > FUNNEL_MAX_STAGES)
		CrmBinaryError(FUNNEL_TYPE, "a funnel has 2 to 16 stages");
	switch (pq_getmsgbyte(buf))
	{
		case 0:
			break;
		case 1:
			head.tracks_lost = true;
			break;
		default:
			CrmBinaryError(FUNNEL_TYPE, "the lost flag must be 0 or 1");
	}
	if (pq_getmsgbyte(buf) != 0)
		CrmBinaryError(FUNNEL_TYPE, "reserved bytes must be zero");
	head.n_skipped = pq_getmsgint64(buf);
	initStringInfo(&names);
	if (head.n_stages > 0)
	{
		for (int i = 0; i < head.n_stages; i++)
		{
			const char *name = pq_getmsgstring(buf);

			for (const char *seen = names.data; seen < names.data + names.len; seen += strlen(seen) + 1)
				if (strcmp(seen, name) == 0)
					CrmBinaryError(FUNNEL_TYPE, "stage names must be distinct");
			appendBinaryStringInfo(&names, name, strlen(name) + 1);
		}
		head.as_of = pq_getmsgint64(buf);
		if (TIMESTAMP_NOT_FINITE(head.as_of) || !IS_VALID_TIMESTAMP(head.as_of))
			CrmBinaryError(FUNNEL_TYPE, "as_of must be a finite timestamp");
		head.unit.months = (int32) pq_getmsgint(buf, 4);
		head.unit.days = (int32) pq_getmsgint(buf, 4);
		head.unit.usecs = pq_getmsgint64(buf);
		if (!TimeUnitIsValid(&head.unit) || head.unit.months != 0)
			CrmBinaryError(FUNNEL_TYPE, "unit must be a positive interval of days and time");
		head.n_leads = pq_getmsgint64(buf);
		head.n_inconsistent = pq_getmsgint64(buf);
		for (int i = 0; i < head.n_stages; i++)
		{
			head.reached[i] = pq_getmsgint64(buf);
			head.timed[i] = pq_getmsgint64(buf);
			head.unknown[i] = pq_getmsgint64(buf);
			if (head.tracks_lost)
				head.lost[i] = pq_getmsgint64(buf);
		}
		n_cells = CrmRecvLength(buf, FUNNEL_TYPE, FUNNEL_CELL_WIRE_SIZE, "cells");
		cells = (FunnelCell *) palloc0(sizeof(FunnelCell) * ((Size) n_cells + 1));
		for (int32 i = 0; i < n_cells; i++)
		{
			cells[i].transition = (int32) pq_getmsgint(buf, 4);
			cells[i].duration = pq_getmsgint64(buf);
			cells[i].events = pq_getmsgint64(buf);
			cells[i].censored = pq_getmsgint64(buf);
		}
	}
	if (head.n_skipped < 0 || head.n_leads < 0 || head.n_inconsistent < 0)
		CrmBinaryError(FUNNEL_TYPE, "counts must be >= 0");
	state = FunnelStateNew(&head, names.data, names.len, n_cells);
	state->n_sorted = state->n_cells = n_cells;
	if (n_cells > 0)
		memcpy(FunnelCells(state), cells, sizeof(FunnelCell) * (Size) n_cells);
	CrmBinaryCheck(FUNNEL_TYPE, StateProblem(state, FunnelCells(state), n_cells));
	PG_RETURN_POINTER(state);
}
