/*
 * summary_state.h
 *		The state of the customer-summary aggregates (SQL type
 *		crm.summary_state): what one customer's transaction log reduces to.
 *
 * The state keeps the set of distinct purchase periods so that periods are
 * counted once however the rows arrive and so that two partial states merge
 * exactly.  The set has two forms, chosen per state for size and speed and
 * never visible in the text or binary form:
 *	- array: sorted int32 period numbers (calibration, then holdout);
 *	- bitmap: one bit per period from bitmap_base up, used once a customer
 *	  has SUMMARY_BITMAP_MIN_PERIODS distinct periods and the bitmap up to the end of
 *	  the window is no larger than the array would be.  Adding a row then
 *	  touches one word instead of a binary search and a shift, which matters
 *	  because heavy buyers contribute most of a log's rows.  A holdout
 *	  period p is bit p + 1, so that the period holding as_of can be both a
 *	  calibration and a holdout period (week or month periods).
 * Its memory is SUMMARY_STATE_HEADER_SIZE (128) bytes plus the storage: 256
 * bytes in all for a customer with up to 32 purchase periods, or with any
 * number of purchase days within the last 2.6 years of the window; 4 bytes per
 * distinct period (rounded up to a power of two) for sparse buyers.  It
 * never grows with the number of rows of a period.
 */
#ifndef CRM_SUMMARY_STATE_H
#define CRM_SUMMARY_STATE_H

#include "postgres.h"

#include "calendar.h"

#define SUMMARY_STATE_VERSION 1

/* flags */
#define SUMMARY_FLAG_TIMESTAMP	0x01	/* rows are timestamptz, not date */
#define SUMMARY_FLAG_HOLDOUT	0x02	/* a holdout window follows as_of */
#define SUMMARY_FLAG_MASK		0x03	/* the flags of the text and binary forms */
#define SUMMARY_FLAG_BITMAP		0x04	/* periods are a bitmap (storage form only) */

/* Distinct periods from which a state may hold its periods as a bitmap */
#define SUMMARY_BITMAP_MIN_PERIODS 16

#define SUMMARY_STATE_MIN_SLOTS 32

/*
 * On-disk and in-memory form of crm.summary_state.  The fields a transition
 * touches on every row come first and fill one 64-byte cache line; the
 * parameters fixed for the whole aggregate follow in the second line; the
 * period array starts at byte 128.  With SUMMARY_STATE_MIN_SLOTS = 32 a new
 * state is exactly 256 bytes, the allocator's chunk size for it anyway.
 */
typedef struct SummaryState
{
	/* hot: read or written on every row */
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* SUMMARY_STATE_VERSION */
	uint8		flags;			/* SUMMARY_FLAG_* bits */
	uint16		reserved;		/* must be zero */
	int32		n_periods;		/* distinct calibration periods */
	int32		n_holdout_periods;	/* distinct holdout periods */
	int32		capacity;		/* int32 slots allocated in periods[] */
	int32		first_day;		/* first purchase day (valid if n_periods) */
	int32		last_day;		/* last purchase day up to as_of */
	int32		bitmap_base;	/* period of bit 0 (bitmap form), else 0 */
	int64		n_transactions; /* purchase rows up to as_of */
	float8		first_period_spend; /* spend in the first purchase period */
	float8		repeat_spend;	/* spend in the later calibration periods */
	float8		refund_total;	/* sum of |amount| of refunds up to as_of */
	/* cold: fixed parameters and holdout totals */
	TimestampTz as_of_ts;		/* calibration end for timestamptz rows */
	TimestampTz holdout_ts;		/* holdout end for timestamptz rows */
	int64		n_holdout_transactions; /* purchase rows in the holdout */
	float8		holdout_spend;	/* spend in the holdout window */
	CrmTimeRules rules;			/* period and unit */
	int32		as_of_day;		/* calibration end day */
	int32		holdout_day;	/* holdout end day (= as_of_day if none) */
	int32		periods[FLEXIBLE_ARRAY_MEMBER]; /* array form: sorted
												 * calibration periods, then
												 * sorted holdout periods;
												 * bitmap form: capacity / 2
												 * uint64 words */
} SummaryState;

#define SUMMARY_STATE_HEADER_SIZE offsetof(SummaryState, periods)

/* Size in bytes of a state with the given number of slots */
#define SummaryStateSize(slots) \
	(SUMMARY_STATE_HEADER_SIZE + sizeof(int32) * (Size) (slots))

/* Parameters fixed for the whole aggregate */
typedef struct SummaryParams
{
	bool		timestamp_input;	/* rows are timestamptz */
	bool		has_holdout;	/* a holdout window is requested */
	TimestampTz as_of_ts;		/* calibration end (timestamptz rows) */
	TimestampTz holdout_ts;		/* holdout end (timestamptz rows) */
	int32		as_of_day;		/* calibration end day */
	int32		holdout_day;	/* holdout end day */
	CrmTimeRules rules;			/* period and unit */
} SummaryParams;

/* A new empty state with the given parameters, in CurrentMemoryContext */
extern SummaryState *SummaryStateCreate(const SummaryParams *params,
										int32 slots);

/* A copy of a state with room for at least slots periods */
extern SummaryState *SummaryStateCopy(const SummaryState *state, int32 slots);

/* True if the state was created with exactly these parameters */
extern bool SummaryStateHasParams(const SummaryState *state,
								  const SummaryParams *params);

/* Raise 22023 unless two states were built with the same parameters */
extern void CheckSameSummaryParams(const SummaryState *a,
								   const SummaryState *b);

/* Add a purchase in a calibration period; may return a new state */
extern SummaryState *SummaryAddPurchase(SummaryState *state,
										const CrmTimeRules *rules, int32 day,
										int32 period, float8 amount);

/* Add a purchase in a holdout period; may return a new state */
extern SummaryState *SummaryAddHoldoutPurchase(SummaryState *state,
											   int32 period, float8 amount);

/* The sorted calibration periods of a state (palloc'd); *n gets their number */
extern int32 *SummaryCalibrationPeriods(const SummaryState *state, int32 *n);

/* The first and last calibration periods of a state with purchases */
extern int32 SummaryFirstPeriod(const SummaryState *state);
extern int32 SummaryLastPeriod(const SummaryState *state);

/* Merge src into dst; may return a new state */
extern SummaryState *SummaryMerge(SummaryState *dst, const SummaryState *src);

#endif							/* CRM_SUMMARY_STATE_H */
