/*
 * lifecycle_funnel.h
 *		Sales funnel and win rate: crm.funnel_state, the exact, mergeable
 *		state of crm.funnel_fit (one row per lead with the time it reached
 *		each stage), and the results read from it (lifecycle_funnel.c,
 *		lifecycle_funnel_tables.c).
 *
 * A state keeps, per stage, the leads that reached it (a later stage
 * implies the earlier ones) and those that reached it at a known time, and
 * per transition (stage i to i + 1, and entry to the last stage when there
 * are more than two stages) the distinct whole-unit durations with their
 * conversions (events) and censorings: 32 bytes per distinct (transition,
 * duration), and per stage the leads closed as lost there (with the
 * aggregate's lost_at argument).  States merged from partitions, shards or
 * parallel workers are equal to one pass over all rows.
 */
#ifndef CRM_LIFECYCLE_FUNNEL_H
#define CRM_LIFECYCLE_FUNNEL_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "fmgr.h"

#include "time_unit.h"

#define FUNNEL_STATE_VERSION 1

/* Stages of a funnel: at least 2, at most FUNNEL_MAX_STAGES */
#define FUNNEL_MAX_STAGES 16

/* The SQL type, for messages */
#define FUNNEL_TYPE "crm.funnel_state"

/* The conversions and censorings of one transition at one whole-unit duration */
typedef struct FunnelCell
{
	int32		transition;		/* 0 .. transitions - 1 (FunnelTransitions) */
	int32		reserved;		/* must be zero */
	int64		duration;		/* whole units from the start stage, >= 0 */
	int64		events;			/* leads that converted after duration */
	int64		censored;		/* leads not converted by as_of, duration
								 * being as_of - start */
} FunnelCell;

/*
 * A funnel state: the header, then the stage names (n_stages NUL-terminated
 * strings, names_size bytes, padded to MAXALIGN), then `slots` cells of
 * which the first n_sorted are sorted by (transition, duration) and
 * distinct and the rest (up to n_cells) unsorted.  A state with n_stages 0
 * has seen no row with a funnel definition yet (only skipped rows).
 */
typedef struct FunnelState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* FUNNEL_STATE_VERSION */
	uint8		n_stages;		/* stages, 2 .. FUNNEL_MAX_STAGES (0: none yet) */
	bool		tracks_lost;	/* fitted with lost_at: lost[] is known */
	uint8		reserved;		/* must be zero */
	int32		names_size;		/* bytes of the stage names */
	int32		n_sorted;		/* sorted distinct cells at the start */
	int32		n_cells;		/* cells in use */
	int32		slots;			/* cells the state has room for */
	TimestampTz as_of;			/* the date the funnel is observed at */
	TimeUnit	unit;			/* durations are whole units (no months) */
	int64		n_leads;		/* leads counted (reached a stage by as_of) */
	int64		n_skipped;		/* rows skipped: a NULL argument, or no
								 * stage reached by as_of */
	int64		n_inconsistent; /* rows skipped: stage times out of order */
	int64		reached[FUNNEL_MAX_STAGES]; /* leads that reached each stage */
	int64		timed[FUNNEL_MAX_STAGES];	/* of them, at a known time */
	int64		unknown[FUNNEL_MAX_STAGES]; /* leads with a known time at stage
											 * i that reached i + 1 at an
											 * unknown time */
	int64		lost[FUNNEL_MAX_STAGES];	/* leads closed as lost by as_of
											 * while at stage i (their last);
											 * all 0 unless tracks_lost */
} FunnelState;

#define FUNNEL_HEADER_SIZE MAXALIGN(sizeof(FunnelState))

/* The stage names of a state (NUL-terminated, one after another) */
static inline char *
FunnelNames(const FunnelState *state)
{
	return (char *) state + FUNNEL_HEADER_SIZE;
}

/* The cells of a state */
static inline FunnelCell *
FunnelCells(const FunnelState *state)
{
	return (FunnelCell *) ((char *) state + FUNNEL_HEADER_SIZE + MAXALIGN(state->names_size));
}

/* Transitions of a funnel of n stages: n - 1 consecutive, and entry to last when n > 2 */
static inline int
FunnelTransitions(int n_stages)
{
	return n_stages <= 2 ? n_stages - 1 : n_stages;
}

/* The transition from the first stage to the last */
static inline int
FunnelOverallTransition(int n_stages)
{
	return n_stages <= 2 ? 0 : n_stages - 1;
}

/* Order of cells: by transition, then duration */
#define FUNNEL_CELL_CMP(a, b) \
	((a)->transition != (b)->transition ? ((a)->transition > (b)->transition) - ((a)->transition < (b)->transition) : \
	 ((a)->duration > (b)->duration) - ((a)->duration < (b)->duration))

/*
 * A new state with the header fields of like (or a zeroed header), names
 * of names_size bytes and room for slots cells (none in use)
 */
extern FunnelState *FunnelStateNew(const FunnelState *like, const char *names, int32 names_size,
								   int32 slots);

/* Argument argno, a funnel state, detoasted */
extern FunnelState *FunnelStateArg(FunctionCallInfo fcinfo, int argno);

/*
 * The cells of a state sorted by (transition, duration), distinct; *n gets
 * their number.  Read only: it may be the state's own cells.
 */
extern const FunnelCell *FunnelSortedCells(const FunnelState *state, int32 *n);

/* The name of stage i of a state */
extern const char *FunnelStageName(const FunnelState *state, int i);

/* The length of a unit in microseconds */
extern int64 FunnelUnitUsecs(const TimeUnit *unit);

#endif							/* CRM_LIFECYCLE_FUNNEL_H */
