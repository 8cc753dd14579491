/*
 * time_unit.h
 *		A time unit: the positive interval (fixed length, or whole months)
 *		that recency, age and horizons are measured in, as the unit of
 *		crm.summary; see time_unit.c.
 */
#ifndef CRM_TIME_UNIT_H
#define CRM_TIME_UNIT_H

#include "postgres.h"

#include "datatype/timestamp.h"

/*
 * A time unit: the interval recency, age and horizons are measured in
 * (as the unit of crm.summary), e.g. 1 day, 7 days or 1 month
 */
typedef struct TimeUnit
{
	int32		months;			/* months part */
	int32		days;			/* days part */
	int64		usecs;			/* time part, in microseconds */
} TimeUnit;

/* Read a time unit from an interval, raising 22023 unless it is a positive unit */
extern void TimeUnitFromInterval(const Interval *interval, TimeUnit *unit);

/* The ISO 8601 text of a unit (e.g. P7D, P1M), palloc'd */
extern char *TimeUnitText(const TimeUnit *unit);

/* Parse the ISO 8601 text of a unit; false unless it is a valid positive unit */
extern bool TimeUnitParse(const char *text, TimeUnit *unit);

/* Whether a unit is a valid positive time unit (as crm.summary accepts) */
extern bool TimeUnitIsValid(const TimeUnit *unit);

/* Whether two units are the same interval */
extern bool TimeUnitEqual(const TimeUnit *a, const TimeUnit *b);

#endif							/* CRM_TIME_UNIT_H */
