/*
 * cohort.h
 *		Cohort retention: the mergeable state of crm.cohort_fit
 *		(crm.cohort_state) and its result (crm.cohort_table).
 *
 * Events are reduced to periods of a unit ('1 month', '1 week', '7 days',
 * '3 months'; the period grid of calendar.h) and customers to a 64-bit hash
 * of their id (the id type's extended hash function).  The state is the set
 * of distinct (customer hash, period) pairs seen up to the end of the
 * observation window: 12 bytes per distinct active customer-period, never
 * per event.  A customer's cohort is the first period of their pairs.
 *
 * The observation window ends with the last period that is complete at
 * as_of (the period containing as_of counts only when as_of is its last
 * day, or for timestamptz its last microsecond); events after it are
 * ignored, so a period that has only begun never shows a fake drop.
 *
 * The table is small: for n periods from the first cohort to the end of
 * the window, two triangles of n(n+1)/2 counts (active customers per cohort
 * and offset, and customers active at that offset or later).
 */
#ifndef CRM_COHORT_H
#define CRM_COHORT_H

#include "postgres.h"

#include "calendar.h"
#include "fmgr.h"
#include "crm_io.h"

#define COHORT_STATE_VERSION 1
#define COHORT_TABLE_VERSION 1

/* Most periods from the first cohort to the end of the window in a table */
#define COHORT_MAX_PERIODS 5000

/* One customer active in one period (12 bytes, 4-byte aligned) */
typedef struct CohortPair
{
	uint32		hash_hi;		/* high half of the 64-bit customer hash */
	uint32		hash_lo;		/* low half of the customer hash */
	int32		period;			/* period number on the unit's grid */
} CohortPair;

/* The unit and the observation window, shared by states and tables */
typedef struct CohortWindow
{
	int32		unit_months;	/* months per period, or 0 for day periods */
	int32		unit_days;		/* days per period, or 0 for month periods */
	int32		last_period;	/* last period complete at as_of */
} CohortWindow;

/*
 * On-disk and in-memory form of crm.cohort_state.  pairs[] holds a sorted
 * run of n_distinct distinct pairs followed by n_buffered unsorted ones;
 * capacity slots are allocated.  Inside an aggregate the buffer is sorted
 * and merged into the run in place when it fills.
 */
typedef struct CohortState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* COHORT_STATE_VERSION */
	uint8		flags;			/* reserved, must be zero */
	uint16		reserved;		/* must be zero */
	CohortWindow window;		/* unit and observation window */
	int32		n_distinct;		/* pairs in the sorted run */
	int32		n_buffered;		/* unsorted pairs after the run */
	int32		capacity;		/* slots allocated in pairs[] */
	int64		n_events;		/* events counted (inside the window) */
	int64		n_ignored;		/* events after the window */
	CohortPair	pairs[FLEXIBLE_ARRAY_MEMBER];	/* run, then buffer */
} CohortState;

#define COHORT_STATE_HEADER_SIZE offsetof(CohortState, pairs)

/* Size in bytes of a state with the given number of slots */
#define CohortStateSize(slots) \
	(COHORT_STATE_HEADER_SIZE + sizeof(CohortPair) * (Size) (slots))

/*
 * On-disk form of crm.cohort_table.  For n = last_period - first_period + 1
 * periods, cells[] holds two triangles, row c (cohort first_period + c)
 * having n - c entries for offsets 0 .. n - c - 1: first the customers
 * active at each offset, then the customers active at that offset or later.
 * A cohort's size is its active count at offset 0.
 */
typedef struct CohortTable
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* COHORT_TABLE_VERSION */
	uint8		flags;			/* reserved, must be zero */
	uint16		reserved;		/* must be zero */
	CohortWindow window;		/* unit and observation window */
	int32		first_period;	/* period of the first cohort */
	int64		n_events;		/* events counted */
	int64		cells[FLEXIBLE_ARRAY_MEMBER];	/* active, then retained */
} CohortTable;

#define COHORT_TABLE_HEADER_SIZE offsetof(CohortTable, cells)

/* Periods a table spans */
static inline int32
CohortTablePeriods(const CohortTable *table)
{
	return table->window.last_period - table->first_period + 1;
}

/* Cells in one triangle of n periods */
static inline Size
CohortTriangleCells(int32 n)
{
	return (Size) n * (Size) (n + 1) / 2;
}

/* Index of (cohort c, offset k) in a triangle of n periods */
static inline Size
CohortCell(int32 n, int32 c, int32 k)
{
	return (Size) c * (Size) n - (Size) c * (Size) (c - 1) / 2 + (Size) k;
}

/* Order of two pairs: by customer hash, then period */
static inline int
CohortComparePairs(const CohortPair *a, const CohortPair *b)
{
	if (a->hash_hi != b->hash_hi)
		return a->hash_hi < b->hash_hi ? -1 : 1;
	if (a->hash_lo != b->hash_lo)
		return a->hash_lo < b->hash_lo ? -1 : 1;
	if (a->period != b->period)
		return a->period < b->period ? -1 : 1;
	return 0;
}

/* True if two pairs are of the same customer */
static inline bool
CohortSameCustomer(const CohortPair *a, const CohortPair *b)
{
	return a->hash_hi == b->hash_hi && a->hash_lo == b->hash_lo;
}

/* cohort_window.c: the unit and observation window */

/* Period rules (calendar.h) of a window's unit */
extern void CohortRules(const CohortWindow *window, CrmTimeRules *rules);

/* Validate a unit interval into a window's unit (22023 on error) */
extern void CheckCohortUnit(const Interval *unit, CohortWindow *window);

/* Raise 22023 unless two windows have the same unit and end */
extern void CheckSameCohortWindow(const CohortWindow *a, const CohortWindow *b,
								  const char *what);

/* Last day of the window */
extern int32 CohortWindowEndDay(const CohortWindow *window);

/* Append a day as YYYY-MM-DD (astronomical year) */
extern void AppendCohortDay(StringInfo buf, int32 day);

/* Append a window's unit as "N month(s)" or "N day(s)" */
extern void AppendCohortUnit(StringInfo buf, const CohortWindow *window);

/* Read "unit=N months through=YYYY-MM-DD" into a window */
extern void CohortReadWindow(CrmReader *r, CohortWindow *window);

/* Read a YYYY-MM-DD day of the date range (and the day after it); what names it */
extern int32 CohortReadDay(CrmReader *r, const char *what);

/* Send the common head of both binary forms: version, flags, unit, last day */
extern void SendCohortHead(StringInfo buf, uint8 version,
						   const CohortWindow *window);

/* Read the head sent by SendCohortHead into a window; raise 22P03 if invalid */
extern void RecvCohortHead(StringInfo buf, uint8 version, const char *type,
						   CohortWindow *window);

/* cohort_state.c: the state (its text and binary forms are in cohort_state_io.c) */

/* A new empty state of a window with room for slots pairs */
extern CohortState *CohortStateCreate(const CohortWindow *window, int32 slots);

/* A copy of a state (run and buffer) with room for slots pairs */
extern CohortState *CohortStateCopy(const CohortState *state, int32 slots);

/*
 * The state of argument argno with its buffer merged and no spare room (in
 * place inside an aggregate, else a copy; an expanded state's own flat
 * state, for reading)
 */
extern CohortState *CohortCompactState(FunctionCallInfo fcinfo, int argno);

/* cohort_table.c: a new table of n periods with zero counts */
extern CohortTable *CohortTableCreate(const CohortWindow *window,
									  int32 first_period, int64 n_events);

#endif							/* CRM_COHORT_H */
