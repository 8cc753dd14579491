/*
 * calendar.h
 *		Days, purchase periods and measurement units shared by the
 *		transaction-log aggregates.
 *
 * Every purchase is first reduced to a calendar day (a PostgreSQL date,
 * days since 2000-01-01).  For timestamptz input the day is taken in the
 * session time zone.  Days are then grouped into purchase periods:
 *
 *	- a period of N days (N >= 1, interval '1 day', '1 week', '14 days', ...)
 *	  numbers the N-day blocks that start on Monday 2000-01-03, so '1 week'
 *	  gives ISO weeks (Monday to Sunday) and '1 day' gives calendar days;
 *	- a period of M months ('1 month', '3 months', '1 year') numbers the
 *	  blocks of M calendar months that start in January 2000.
 *
 * Durations between periods are the distance between the first days of the
 * periods, expressed in a unit.  A unit has a fixed length (days plus time,
 * '1 day' = 24 hours) or, only when the period is month based, a whole
 * number of months.
 */
#ifndef CRM_CALENDAR_H
#define CRM_CALENDAR_H

#include "postgres.h"

#include "datatype/timestamp.h"
#include "pgtime.h"
#include "utils/date.h"

/* First day of the N-day period grid: Monday 2000-01-03 */
#define CRM_PERIOD_ORIGIN_DAY 2

/* How purchases are grouped and how durations are measured */
typedef struct CrmTimeRules
{
	int32		period_months;	/* months per period, or 0 for day periods */
	int32		period_days;	/* days per period, or 0 for month periods */
	int32		unit_months;	/* months per unit, or 0 for fixed units */
	int32		unit_days;		/* days part of a fixed unit */
	int64		unit_usecs;		/* time part of a fixed unit */
} CrmTimeRules;

/* One slot of the UTC-day to local-offset cache */
typedef struct LocalDaySlot
{
	int64		utc_day;		/* days since 2000-01-01 UTC this slot holds */
	int64		offset_usecs;	/* local offset from UTC during that day */
	bool		valid;			/* slot has been filled */
	bool		uniform;		/* offset is constant for the whole UTC day */
} LocalDaySlot;

#define LOCAL_DAY_CACHE_SLOTS 256

/* Per-call-site cache that maps timestamps to local days cheaply */
typedef struct LocalDayCache
{
	pg_tz	   *tz;				/* time zone the cache was built for */
	bool		fixed;			/* the zone has a single fixed offset */
	int64		fixed_offset_usecs; /* that offset, when fixed */
	LocalDaySlot slots[LOCAL_DAY_CACHE_SLOTS];	/* direct-mapped cache */
} LocalDayCache;

/* Validate period and unit intervals and fill rules (22023 on error) */
extern void CheckTimeRules(const Interval *unit, const Interval *period,
						   CrmTimeRules *rules);

/* Validate rules read back from a stored state (22P02-style caller) */
extern bool TimeRulesAreValid(const CrmTimeRules *rules);

/* Fill an interval from the unit of the rules */
extern void TimeRulesUnit(const CrmTimeRules *rules, Interval *unit);

/* Fill an interval from the period of the rules */
extern void TimeRulesPeriod(const CrmTimeRules *rules, Interval *period);

/* Period number of a day under the rules */
extern int32 PeriodOfDay(const CrmTimeRules *rules, int32 day);

/* First day of a period under the rules */
extern int32 PeriodStartDay(const CrmTimeRules *rules, int32 period);

/* Distance from the start of one period to the start of another, in units */
extern float8 PeriodDistance(const CrmTimeRules *rules, int32 from_period,
							 int32 to_period);

/* Raise 22000 unless a date is finite; return it as a day number */
extern int32 CheckFiniteDate(DateADT date, const char *what);

/* Raise 22000 unless a timestamp is finite */
extern void CheckFiniteTimestamp(TimestampTz ts, const char *what);

/* Local calendar day of a finite timestamptz in the session time zone */
extern int32 LocalDayOf(TimestampTz ts, LocalDayCache *cache);

#endif							/* CRM_CALENDAR_H */
