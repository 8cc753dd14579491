/*
 * service_tickets_io.c
 *		The text and binary forms of crm.ticket_state (and the UTC times the
 *		service states write), and the check that a state read from outside
 *		is one some tickets give.
 *
 * Text form, one line that round-trips exactly:
 *	 v1 as_of=2026-01-31T00:00:00Z tickets=5 open=1 fcr_known=5 fcr=2
 *		reopen_known=5 reopened=1 skipped=0 durations={60:2:0,3600:2:1}
 * a cell being seconds:resolved:open.
 */
#include "crm.h"
#include "crm_io.h"
#include "calendar.h"
#include "service.h"

#include "common/int.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

/* The SQL type, for messages */
#define TICKET_TYPE "crm.ticket_state"
/* Bytes of a cell in the binary form */
#define TICKET_CELL_WIRE_SIZE (3 * sizeof(int64))

/* Append a timestamptz as UTC ISO 8601 (microseconds only when not zero) */
void
ServiceAppendTimestamp(StringInfo buf, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_NOT_FINITE(ts) || timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		elog(ERROR, "cannot write timestamp " INT64_FORMAT, (int64) ts);
	appendStringInfo(buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (fsec != 0)
		appendStringInfo(buf, ".%06d", (int) fsec);
	appendStringInfoChar(buf, 'Z');
}

/* Read a timestamp written by ServiceAppendTimestamp: parsed, then written again and compared */
TimestampTz
ServiceReadTimestamp(CrmReader *r)
{
	char	   *token;
	struct pg_tm tm = {0};
	int			usec = 0;
	int			used = 0;
	Timestamp	ts;
	StringInfoData again;
	size_t		len;

	/* up to and including the Z (a point of a list goes on with ":count") */
	len = strcspn(r->p, "Z ,}");
	if (r->p[len] == 'Z')
		len++;
	token = pnstrdup(r->p, len);
	if (sscanf(token, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6)
		CrmReadError(r, "expected a UTC time such as 2026-01-31T08:00:00Z");
	if (token[used] == '.')
	{
		int			more = 0;

		if (sscanf(token + used, ".%6d%n", &usec, &more) != 1)
			CrmReadError(r, "expected a UTC time such as 2026-01-31T08:00:00Z");
		used += more;
	}
	if (tm.tm_year < 1 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
		tm.tm_mday > day_tab[isleap(tm.tm_year)][tm.tm_mon - 1] ||
		tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 59 || usec < 0 ||
		tm2timestamp(&tm, usec, NULL, &ts) != 0 || !IS_VALID_TIMESTAMP(ts))
		CrmReadError(r, "expected a UTC time such as 2026-01-31T08:00:00Z");
	initStringInfo(&again);
	ServiceAppendTimestamp(&again, ts);
	if (strcmp(again.data, token) != 0)
		CrmReadError(r, "a time must be written as crm writes it (UTC, e.g. 2026-01-31T08:00:00Z)");
	r->p += len;
	return ts;
}

/* Raise 22023 unless a time is finite and from year 1 on (as the text forms write it) */
void
ServiceCheckTextTime(TimestampTz ts, const char *what)
{
	CheckFiniteTimestamp(ts, what);
	/* 0001-01-01 00:00:00 UTC in microseconds since 2000-01-01 */
	if (ts < INT64CONST(-63082281600000000))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be before year 1", what)));
}

/*
 * Why the totals and cells of a state read from outside are impossible, or
 * NULL: parts at most their wholes, durations >= 0 and strictly increasing,
 * every cell with a ticket, the cells adding up to the totals
 */
static const char *
StateProblem(const TicketState *state, const TicketCell *cells, int32 n)
{
	int64		sum_resolved = 0;
	int64		sum_open = 0;

	if (state->tickets < 1)
		return "a ticket state has at least one ticket";
	if (state->open > state->tickets || state->fcr_known > state->tickets ||
		state->reopen_known > state->tickets)
		return "open tickets and tickets with a flag cannot exceed tickets";
	if (state->fcr > state->fcr_known || state->reopened > state->reopen_known)
		return "flagged tickets cannot exceed the tickets with a flag";
	for (int32 i = 0; i < n; i++)
	{
		const TicketCell *c = &cells[i];

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (c->seconds < 0 || c->resolved < 0 || c->open < 0)
			return "durations and counts must be >= 0";
		if (i > 0 && c->seconds <= cells[i - 1].seconds)
			return "durations must be strictly increasing";
		if (c->resolved == 0 && c->open == 0)
			return "every duration must have a ticket";
		if (pg_add_s64_overflow(sum_resolved, c->resolved, &sum_resolved) ||
			pg_add_s64_overflow(sum_open, c->open, &sum_open))
			return "the counts of the durations overflow";
	}
	if (sum_open != state->open || sum_resolved != state->tickets - state->open)
		return "the counts of the durations must add up to the totals";
	return NULL;
}

/* A compact state of a header's totals and cells */
static TicketState *
StateFromParts(const TicketState *header, const TicketCell *cells, int32 n)
{
	TicketState *state = TicketStateNew(n, header->as_of);

	memcpy((char *) state + VARHDRSZ, (const char *) header + VARHDRSZ,
		   TICKET_HEADER_SIZE - VARHDRSZ);
	state->slots = n;
	state->n_distinct = n;
	state->n_buffered = 0;
	if (n > 0)
		memcpy(TicketCells(state), cells, sizeof(TicketCell) * (Size) n);
	return state;
}

/* Reads one cell "seconds:resolved:open" */
static void
ReadCell(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	TicketCell *cell = (TicketCell *) element;

	cell->seconds = CrmReadCount(r);
	CrmExpect(r, ":");
	cell->resolved = CrmReadCount(r);
	CrmExpect(r, ":");
	cell->open = CrmReadCount(r);
}

/* Parse the text form of crm.ticket_state */
PG_FUNCTION_INFO_V1(ticket_state_in);
Datum
ticket_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(TICKET_TYPE, PG_GETARG_CSTRING(0));
	TicketState header = {0};
	TicketCell *cells;
	int			n = 0;
	TicketState *state;

	header.version = TICKET_STATE_VERSION;
	CrmExpectVersion(&r, TICKET_STATE_VERSION);
	CrmExpectKey(&r, "as_of");
	header.as_of = ServiceReadTimestamp(&r);
	header.tickets = CrmReadKeyCount(&r, "tickets");
	header.open = CrmReadKeyCount(&r, "open");
	header.fcr_known = CrmReadKeyCount(&r, "fcr_known");
	header.fcr = CrmReadKeyCount(&r, "fcr");
	header.reopen_known = CrmReadKeyCount(&r, "reopen_known");
	header.reopened = CrmReadKeyCount(&r, "reopened");
	header.n_skipped = CrmReadKeyCount(&r, "skipped");
	cells = (TicketCell *) CrmReadList(&r, "durations", ",", sizeof(TicketCell), ReadCell, NULL, &n);
	CrmReadEnd(&r);
	CrmReadCheck(&r, StateProblem(&header, cells, n));
	state = StateFromParts(&header, cells, n);
	PG_RETURN_POINTER(state);
}

/* Writes one cell */
static void
WriteCell(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const TicketCell *cell = (const TicketCell *) element;

	appendStringInfo(buf, INT64_FORMAT ":" INT64_FORMAT ":" INT64_FORMAT,
					 cell->seconds, cell->resolved, cell->open);
}

/* Text form of crm.ticket_state (see the top of this file) */
PG_FUNCTION_INFO_V1(ticket_state_out);
Datum
ticket_state_out(PG_FUNCTION_ARGS)
{
	TicketState *state = TicketStateArg(fcinfo, 0);
	StringInfoData buf;
	int32		n;
	const TicketCell *cells = TicketSortedCells(state, &n);

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d as_of=", TICKET_STATE_VERSION);
	ServiceAppendTimestamp(&buf, state->as_of);
	appendStringInfo(&buf, " tickets=" INT64_FORMAT " open=" INT64_FORMAT
					 " fcr_known=" INT64_FORMAT " fcr=" INT64_FORMAT
					 " reopen_known=" INT64_FORMAT " reopened=" INT64_FORMAT
					 " skipped=" INT64_FORMAT,
					 state->tickets, state->open, state->fcr_known, state->fcr,
					 state->reopen_known, state->reopened, state->n_skipped);
	CrmAppendList(&buf, "durations", ",", cells, sizeof(TicketCell), n, WriteCell, NULL);
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form: version, three zero bytes, as_of, the seven counts (tickets,
 * open, fcr_known, fcr, reopen_known, reopened, skipped), the number of
 * cells and the cells (seconds, resolved, open)
 */
PG_FUNCTION_INFO_V1(ticket_state_send);
Datum
ticket_state_send(PG_FUNCTION_ARGS)
{
	TicketState *state = TicketStateArg(fcinfo, 0);
	int32		n;
	const TicketCell *cells = TicketSortedCells(state, &n);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, TICKET_STATE_VERSION);
	pq_sendbyte(&buf, 0);
	pq_sendint16(&buf, 0);
	pq_sendint64(&buf, state->as_of);
	pq_sendint64(&buf, state->tickets);
	pq_sendint64(&buf, state->open);
	pq_sendint64(&buf, state->fcr_known);
	pq_sendint64(&buf, state->fcr);
	pq_sendint64(&buf, state->reopen_known);
	pq_sendint64(&buf, state->reopened);
	pq_sendint64(&buf, state->n_skipped);
	pq_sendint32(&buf, n);
	for (int32 i = 0; i < n; i++)
	{
		pq_sendint64(&buf, cells[i].seconds);
		pq_sendint64(&buf, cells[i].resolved);
		pq_sendint64(&buf, cells[i].open);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.ticket_state (see ticket_state_send) */
PG_FUNCTION_INFO_V1(ticket_state_recv);
Datum
ticket_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	TicketState header = {0};
	int32		n;
	TicketCell *cells;
	int64	   *counts[] = {&header.tickets, &header.open, &header.fcr_known, &header.fcr,
	&header.reopen_known, &header.reopened, &header.n_skipped};

	header.version = TICKET_STATE_VERSION;
	CrmRecvVersion(buf, TICKET_TYPE, TICKET_STATE_VERSION);
	if (pq_getmsgbyte(buf) != 0 || pq_getmsgint(buf, 2) != 0)
		CrmBinaryError(TICKET_TYPE, "reserved bytes must be zero");
	header.as_of = (TimestampTz) pq_getmsgint64(buf);
	if (TIMESTAMP_NOT_FINITE(header.as_of) || !IS_VALID_TIMESTAMP(header.as_of) ||
		header.as_of < INT64CONST(-63082281600000000))
		CrmBinaryError(TICKET_TYPE, "as_of must be a finite time from year 1 on");
	for (int i = 0; i < (int) lengthof(counts); i++)
	{
		*counts[i] = pq_getmsgint64(buf);
		if (*counts[i] < 0)
			CrmBinaryError(TICKET_TYPE, "counts must be >= 0");
	}
	n = CrmRecvLength(buf, TICKET_TYPE, TICKET_CELL_WIRE_SIZE, "duration cells");
	cells = (TicketCell *) palloc0(sizeof(TicketCell) * ((Size) n + 1));
	for (int32 i = 0; i < n; i++)
	{
		cells[i].seconds = pq_getmsgint64(buf);
		cells[i].resolved = pq_getmsgint64(buf);
		cells[i].open = pq_getmsgint64(buf);
	}
	CrmBinaryCheck(TICKET_TYPE, StateProblem(&header, cells, n));
	PG_RETURN_POINTER(StateFromParts(&header, cells, n));
}
