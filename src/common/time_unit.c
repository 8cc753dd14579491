/*
 * time_unit.c
 *		A time unit (the interval that recency, age and horizons are measured
 *		in, as the unit of crm.summary): its validity, reading it from an
 *		interval argument, and its ISO 8601 text form.  The probabilistic
 *		models record it (src/clv/clv_unit.c) and so does the fit state of
 *		their aggregates (tuple_state.c).
 *
 * A unit is a positive interval of a fixed length (days and time, a day
 * counting 24 hours: '1 day', '1 week', '14 days') or a whole number of
 * months ('1 month', '3 months').
 */
#include "crm.h"
#include "time_unit.h"

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

/* Whether a unit is a valid positive time unit (as crm.summary accepts) */
bool
TimeUnitIsValid(const TimeUnit *unit)
{
	if (unit->months != 0)
		return unit->months > 0 && unit->days == 0 && unit->usecs == 0;
	return unit->days >= 0 && unit->usecs >= 0 &&
		(int64) unit->days * USECS_PER_DAY + unit->usecs > 0;
}

/* Read a time unit from an interval, raising 22023 unless it is a positive unit */
void
TimeUnitFromInterval(const Interval *interval, TimeUnit *unit)
{
	unit->months = interval->month;
	unit->days = interval->day;
	unit->usecs = interval->time;
	if (!TimeUnitIsValid(unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit \"%s\" is not a positive time unit",
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(interval)))),
				 errhint("Use the unit of the summaries, such as '1 day', '1 week' or '1 month' (months only alone).")));
}

/* The ISO 8601 text of a unit (e.g. P7D, P1M, PT12H), palloc'd */
char *
TimeUnitText(const TimeUnit *unit)
{
	StringInfoData buf;
	int64		usecs = unit->usecs;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, 'P');
	if (unit->months != 0)
		appendStringInfo(&buf, "%dM", unit->months);
	if (unit->days != 0)
		appendStringInfo(&buf, "%dD", unit->days);
	if (usecs != 0)
	{
		int64		hours = usecs / USECS_PER_HOUR;
		int64		minutes = (usecs % USECS_PER_HOUR) / USECS_PER_MINUTE;
		int64		rest = usecs % USECS_PER_MINUTE;

		appendStringInfoChar(&buf, 'T');
		if (hours != 0)
			appendStringInfo(&buf, INT64_FORMAT "H", hours);
		if (minutes != 0)
			appendStringInfo(&buf, INT64_FORMAT "M", minutes);
		if (rest % USECS_PER_SEC == 0 && rest != 0)
			appendStringInfo(&buf, INT64_FORMAT "S", rest / USECS_PER_SEC);
		else if (rest != 0)
			appendStringInfo(&buf, INT64_FORMAT ".%06dS", rest / USECS_PER_SEC,
							 (int) (rest % USECS_PER_SEC));
	}
	return buf.data;
}

/* Read a whole number at *p (at most 9 digits), advancing it; -1 if none */
static int64
ReadWholeNumber(const char **p)
{
	int64		value = 0;
	int			digits = 0;

	while (**p >= '0' && **p <= '9' && digits < 10)
	{
		value = value * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	if (digits == 0 || digits > 9)
		return -1;
	return value;
}

/*
 * Parse the ISO 8601 text of a unit (PnYnMnWnDTnHnMnS, whole numbers except
 * seconds with up to 6 decimals); false unless it is a valid positive unit
 */
bool
TimeUnitParse(const char *text, TimeUnit *unit)
{
	const char *p = text;
	bool		in_time = false;
	int64		months = 0;
	int64		days = 0;
	int64		usecs = 0;
	bool		any = false;

	if (*p++ != 'P')
		return false;
	while (*p != '\0')
	{
		int64		value;
		int64		fraction = 0;

		if (*p == 'T' && !in_time)
		{
			in_time = true;
			p++;
			continue;
		}
		value = ReadWholeNumber(&p);
		if (value < 0)
			return false;
		if (in_time && *p == '.')
		{
			int			digits = 0;

			p++;
			while (*p >= '0' && *p <= '9' && digits < 6)
			{
				fraction = fraction * 10 + (*p++ - '0');
				digits++;
			}
			if (digits == 0 || *p != 'S')
				return false;
			for (; digits < 6; digits++)
				fraction *= 10;
		}
		any = true;
		if (in_time && *p == 'H')
			usecs += value * USECS_PER_HOUR;
		else if (in_time && *p == 'M')
			usecs += value * USECS_PER_MINUTE;
		else if (in_time && *p == 'S')
			usecs += value * USECS_PER_SEC + fraction;
		else if (!in_time && *p == 'Y')
			months += value * 12;
		else if (!in_time && *p == 'M')
			months += value;
		else if (!in_time && *p == 'W')
			days += value * 7;
		else if (!in_time && *p == 'D')
			days += value;
		else
			return false;
		p++;
		if (months > PG_INT32_MAX || days > PG_INT32_MAX || usecs > PG_INT64_MAX / 4)
			return false;
	}
	if (!any)
		return false;
	unit->months = (int32) months;
	unit->days = (int32) days;
	unit->usecs = usecs;
	return TimeUnitIsValid(unit);
}

/* Whether two units are the same interval */
bool
TimeUnitEqual(const TimeUnit *a, const TimeUnit *b)
{
	return a->months == b->months && a->days == b->days && a->usecs == b->usecs;
}
