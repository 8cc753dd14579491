/*
 * calendar.c
 *		Days, purchase periods and measurement units (see calendar.h).
 */
#include "crm.h"
#include "calendar.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

/* Text of an interval for error messages */
static char *
IntervalText(const Interval *value)
{
	return DatumGetCString(DirectFunctionCall1(interval_out,
											   IntervalPGetDatum(value)));
}

/* Validate period and unit intervals and fill rules (22023 on error) */
void
CheckTimeRules(const Interval *unit, const Interval *period,
			   CrmTimeRules *rules)
{
	memset(rules, 0, sizeof(CrmTimeRules));

	if (period->month != 0 && period->day == 0 && period->time == 0)
	{
		if (period->month < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("period must be positive, not \"%s\"",
							IntervalText(period))));
		rules->period_months = period->month;
	}
	else if (period->month == 0 && period->time == 0)
	{
		if (period->day <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("period must be positive, not \"%s\"",
							IntervalText(period))));
		rules->period_days = period->day;
	}
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period \"%s\" is not a whole number of days or of months",
						IntervalText(period)),
				 errdetail("Purchases are merged per calendar day, per block of days or per block of calendar months."),
				 errhint("Use a period such as '1 day', '1 week' or '1 month'.")));

	if (unit->month != 0)
	{
		if (unit->day != 0 || unit->time != 0 || rules->period_months == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unit \"%s\" has no fixed length",
							IntervalText(unit)),
					 errdetail("Months differ in length, so a month-based unit is allowed only as a whole number of months with a month-based period."),
					 errhint("Use a unit such as '1 day', '1 week' or '30 days', or pass a period such as '1 month'.")));
		if (unit->month < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unit must be positive, not \"%s\"",
							IntervalText(unit))));
		rules->unit_months = unit->month;
		return;
	}

	/* a fixed unit: '1 day' counts as 24 hours */
	if ((int64) unit->day * USECS_PER_DAY + unit->time <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be positive, not \"%s\"",
						IntervalText(unit))));
	rules->unit_days = unit->day;
	rules->unit_usecs = unit->time;
}

/* Validate rules read back from a stored state */
bool
TimeRulesAreValid(const CrmTimeRules *rules)
{
	bool		period_ok;

	period_ok = (rules->period_months > 0 && rules->period_days == 0) ||
		(rules->period_months == 0 && rules->period_days > 0);
	if (!period_ok)
		return false;
	if (rules->unit_months != 0)
		return rules->unit_months > 0 && rules->period_months > 0 &&
			rules->unit_days == 0 && rules->unit_usecs == 0;
	return (int64) rules->unit_days * USECS_PER_DAY + rules->unit_usecs > 0;
}

/* Fill an interval from the unit of the rules */
void
TimeRulesUnit(const CrmTimeRules *rules, Interval *unit)
{
	unit->month = rules->unit_months;
	unit->day = rules->unit_days;
	unit->time = rules->unit_usecs;
}

/* Fill an interval from the period of the rules */
void
TimeRulesPeriod(const CrmTimeRules *rules, Interval *period)
{
	period->month = rules->period_months;
	period->day = rules->period_days;
	period->time = 0;
}

/* Period number of a day under the rules */
int32
PeriodOfDay(const CrmTimeRules *rules, int32 day)
{
	int			year;
	int			month;
	int			mday;
	int64		month_index;

	if (rules->period_days == 1)
		return day;
	if (rules->period_days > 0)
		return (int32) FloorDiv((int64) day - CRM_PERIOD_ORIGIN_DAY,
								rules->period_days);
	j2date(day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	month_index = ((int64) year - 2000) * MONTHS_PER_YEAR + (month - 1);
	return (int32) FloorDiv(month_index, rules->period_months);
}

/* First day of a period under the rules */
int32
PeriodStartDay(const CrmTimeRules *rules, int32 period)
{
	int64		month_index;
	int64		year_offset;

	if (rules->period_days == 1)
		return period;
	if (rules->period_days > 0)
		return (int32) ((int64) period * rules->period_days +
						CRM_PERIOD_ORIGIN_DAY);
	month_index = (int64) period * rules->period_months;
	year_offset = FloorDiv(month_index, MONTHS_PER_YEAR);
	return date2j((int) (2000 + year_offset),
				  (int) (month_index - year_offset * MONTHS_PER_YEAR) + 1,
				  1) - POSTGRES_EPOCH_JDATE;
}

/* Distance from the start of one period to the start of another, in units */
float8
PeriodDistance(const CrmTimeRules *rules, int32 from_period, int32 to_period)
{
	int64		days;
	int64		unit_usecs;

	if (rules->unit_months > 0)
		return (float8) ((int64) to_period - from_period) *
			rules->period_months / rules->unit_months;
	days = (int64) PeriodStartDay(rules, to_period) -
		PeriodStartDay(rules, from_period);
	unit_usecs = (int64) rules->unit_days * USECS_PER_DAY + rules->unit_usecs;
	return (float8) days * (float8) USECS_PER_DAY / (float8) unit_usecs;
}

/* Raise 22000 unless a date is finite; return it as a day number */
int32
CheckFiniteDate(DateADT date, const char *what)
{
	if (unlikely(DATE_NOT_FINITE(date)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must be a finite date", what)));
	return (int32) date;
}

/* Raise 22000 unless a timestamp is finite */
void
CheckFiniteTimestamp(TimestampTz ts, const char *what)
{
	if (unlikely(TIMESTAMP_NOT_FINITE(ts)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must be a finite timestamp", what)));
}

/* Local day of a timestamp by a full time zone conversion */
static int32
ExactLocalDay(TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (timestamp2tm(ts, &tz, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
}

/* Reset the cache for the current session time zone */
static void
ResetLocalDayCache(LocalDayCache *cache)
{
	long int	gmtoff;

	memset(cache, 0, sizeof(LocalDayCache));
	cache->tz = session_timezone;
	if (pg_get_timezone_offset(session_timezone, &gmtoff))
	{
		cache->fixed = true;
		cache->fixed_offset_usecs = (int64) gmtoff * USECS_PER_SEC;
	}
}

/* Fill a cache slot with the local offset of one UTC day, if constant */
static void
FillLocalDaySlot(LocalDaySlot *slot, int64 utc_day, pg_tz *tz)
{
	pg_time_t	day_start;
	pg_time_t	probe;
	pg_time_t	boundary;
	long int	before_gmtoff;
	long int	after_gmtoff;
	int			before_isdst;
	int			after_isdst;
	int			found;

	day_start = (pg_time_t) utc_day * SECS_PER_DAY +
		(pg_time_t) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY;
	probe = day_start - 1;
	found = pg_next_dst_boundary(&probe, &before_gmtoff, &before_isdst,
								 &boundary, &after_gmtoff, &after_isdst, tz);
	slot->utc_day = utc_day;
	slot->valid = true;
	slot->offset_usecs = (int64) before_gmtoff * USECS_PER_SEC;
	/* uniform only if no transition falls on or inside this UTC day */
	slot->uniform = (found == 0) ||
		(found == 1 && boundary > day_start &&
		 boundary >= day_start + SECS_PER_DAY);
}

/* Local calendar day of a finite timestamptz in the session time zone */
int32
LocalDayOf(TimestampTz ts, LocalDayCache *cache)
{
	int64		utc_day;
	LocalDaySlot *slot;

	if (unlikely(cache->tz != session_timezone))
		ResetLocalDayCache(cache);
	if (cache->fixed)
		return (int32) FloorDiv(ts + cache->fixed_offset_usecs, USECS_PER_DAY);

	utc_day = FloorDiv(ts, USECS_PER_DAY);
	slot = &cache->slots[utc_day & (LOCAL_DAY_CACHE_SLOTS - 1)];
	if (!slot->valid || slot->utc_day != utc_day)
		FillLocalDaySlot(slot, utc_day, cache->tz);
	if (slot->uniform)
		return (int32) FloorDiv(ts + slot->offset_usecs, USECS_PER_DAY);
	return ExactLocalDay(ts);
}
