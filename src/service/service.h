/*
 * service.h
 *		Service and complaints: ticket counts and the exact resolution-time
 *		distribution (crm.ticket_state: FCR and reopen rates, SLA attainment,
 *		Kaplan-Meier and plain resolution-time quantiles), the backlog of open
 *		tickets over a calendar series (crm.backlog_state) and the service
 *		recovery comparison (crm.recovery_state).
 *
 * A ticket state is exact: one cell per distinct duration in whole seconds
 * (resolution time of a resolved ticket, age at as_of of an open one), with
 * the resolved and open tickets of that duration, 24 bytes per distinct
 * duration.  States merged from partitions, shards or parallel workers give
 * the same results as one pass over all rows.
 */
#ifndef CRM_SERVICE_H
#define CRM_SERVICE_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"

#include "crm_io.h"

#define TICKET_STATE_VERSION 1
#define BACKLOG_STATE_VERSION 1
#define RECOVERY_STATE_VERSION 1

/* The tickets of one distinct duration */
typedef struct TicketCell
{
	int64		seconds;		/* the duration in whole seconds (>= 0) */
	int64		resolved;		/* resolved tickets that took this long */
	int64		open;			/* open tickets this old at as_of (censored) */
} TicketCell;

/*
 * A ticket state: the totals, then `slots` cells after the header: the run
 * (n_distinct cells, durations strictly increasing) followed by a buffer of
 * n_buffered unsorted cells that is sorted and merged into the run when the
 * slots are full.  A stored (final) value has no buffer and no spare slots.
 */
typedef struct TicketState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* TICKET_STATE_VERSION */
	uint8		reserved1;		/* must be zero */
	uint16		reserved2;		/* must be zero */
	int32		n_distinct;		/* cells in the sorted run */
	int32		n_buffered;		/* cells in the buffer after the run */
	int32		slots;			/* cells the state has room for */
	TimestampTz as_of;			/* the time open tickets are censored at */
	int64		tickets;		/* tickets counted */
	int64		open;			/* of which open at as_of */
	int64		fcr_known;		/* tickets with a first-contact flag */
	int64		fcr;			/* of which resolved at first contact */
	int64		reopen_known;	/* tickets with a reopened flag */
	int64		reopened;		/* of which reopened */
	int64		n_skipped;		/* rows skipped: opened NULL */
} TicketState;

#define TICKET_HEADER_SIZE MAXALIGN(sizeof(TicketState))

/* The cells of a ticket state (run, then buffer) */
static inline TicketCell *
TicketCells(const TicketState *state)
{
	return (TicketCell *) ((char *) state + TICKET_HEADER_SIZE);
}

/* Argument argno, a ticket state, detoasted */
extern TicketState *TicketStateArg(FunctionCallInfo fcinfo, int argno);

/* A new empty ticket state with room for slots cells (54000 above 1 GB) */
extern TicketState *TicketStateNew(int32 slots, TimestampTz as_of);

/*
 * The sorted distinct cells of a ticket state, the buffer merged in; *n
 * gets their number.  Read only: it may be the state's own run.
 */
extern const TicketCell *TicketSortedCells(const TicketState *state, int32 *n);

/*
 * A timestamptz in the text forms: UTC, ISO 8601, microseconds only when
 * not zero (2026-01-31T08:00:00Z)
 */
extern void ServiceAppendTimestamp(StringInfo buf, TimestampTz ts);

/* Read a timestamp written by ServiceAppendTimestamp (22P02 otherwise) */
extern TimestampTz ServiceReadTimestamp(CrmReader *r);

/*
 * Raise 22023 unless a time is one ServiceAppendTimestamp writes (finite,
 * from year 1 on); what names the argument
 */
extern void ServiceCheckTextTime(TimestampTz ts, const char *what);

#endif							/* CRM_SERVICE_H */
