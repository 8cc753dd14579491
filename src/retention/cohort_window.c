/*
 * cohort_window.c
 *		The unit and observation window that crm.cohort_state and
 *		crm.cohort_table share (see cohort.h): validation, comparison, and
 *		their parts of the text and binary forms ("unit=1 month
 *		through=1998-06-30", days written YYYY-MM-DD).
 *
 * Both cohort files depend on this one and cohort_state.c on
 * cohort_table.c (its final function builds a table), never the other way.
 */
#include "crm.h"
#include "cohort.h"

#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

/* Period rules (calendar.h) of a window's unit */
void
CohortRules(const CohortWindow *window, CrmTimeRules *rules)
{
	memset(rules, 0, sizeof(CrmTimeRules));
	rules->period_months = window->unit_months;
	rules->period_days = window->unit_days;
	rules->unit_months = window->unit_months;
	rules->unit_days = window->unit_days;
}

/* Text of an interval for error messages */
static char *
UnitText(const Interval *unit)
{
	return DatumGetCString(DirectFunctionCall1(interval_out,
											   IntervalPGetDatum(unit)));
}

/* Validate a unit interval into a window's unit (22023 on error) */
void
CheckCohortUnit(const Interval *unit, CohortWindow *window)
{
	if (unit->time != 0 || (unit->month != 0 && unit->day != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit \"%s\" is not a whole number of days or of months",
						UnitText(unit)),
				 errdetail("Cohorts are calendar periods: blocks of days (aligned to Monday 2000-01-03) or of calendar months (aligned to January 2000)."),
				 errhint("Use a unit such as '1 month', '1 week', '7 days' or '3 months'.")));
	if (unit->month < 0 || unit->day < 0 || (unit->month == 0 && unit->day == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be positive, not \"%s\"", UnitText(unit))));
	window->unit_months = unit->month;
	window->unit_days = unit->day;
}

/* Last day of the window */
int32
CohortWindowEndDay(const CohortWindow *window)
{
	CrmTimeRules rules;

	CohortRules(window, &rules);
	return PeriodStartDay(&rules, window->last_period + 1) - 1;
}

/* Raise 22023 unless two windows have the same unit and end */
void
CheckSameCohortWindow(const CohortWindow *a, const CohortWindow *b,
					  const char *what)
{
	StringInfoData detail;

	if (a->unit_months == b->unit_months && a->unit_days == b->unit_days &&
		a->last_period == b->last_period)
		return;
	initStringInfo(&detail);
	appendStringInfoString(&detail, "One has unit ");
	AppendCohortUnit(&detail, a);
	appendStringInfoString(&detail, " through ");
	AppendCohortDay(&detail, CohortWindowEndDay(a));
	appendStringInfoString(&detail, ", the other unit ");
	AppendCohortUnit(&detail, b);
	appendStringInfoString(&detail, " through ");
	AppendCohortDay(&detail, CohortWindowEndDay(b));
	appendStringInfoChar(&detail, '.');
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot merge cohort %s with different units or observation windows", what),
			 errdetail("%s", detail.data)));
}

/* Append a day as YYYY-MM-DD (astronomical year) */
void
AppendCohortDay(StringInfo buf, int32 day)
{
	int			year;
	int			month;
	int			mday;

	j2date(day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	appendStringInfo(buf, "%04d-%02d-%02d", year, month, mday);
}

/* Append a window's unit as "N month(s)", "N week(s)" or "N day(s)" */
void
AppendCohortUnit(StringInfo buf, const CohortWindow *window)
{
	int32		n = window->unit_months;
	const char *word = "month";

	if (window->unit_months == 0 && window->unit_days % 7 == 0)
	{
		n = window->unit_days / 7;
		word = "week";
	}
	else if (window->unit_months == 0)
	{
		n = window->unit_days;
		word = "day";
	}
	appendStringInfo(buf, "%d %s%s", n, word, n == 1 ? "" : "s");
}

/* Read a YYYY-MM-DD day of the date range (and the day after it); what names it */
int32
CohortReadDay(CrmReader *r, const char *what)
{
	int64		year = CrmReadInt(r, -10000, 6000000);
	int64		month;
	int64		mday;
	int			y2;
	int			m2;
	int			d2;
	int64		julian;

	CrmExpect(r, "-");
	month = CrmReadInt(r, 1, 12);
	CrmExpect(r, "-");
	mday = CrmReadInt(r, 1, 31);
	if (!IS_VALID_JULIAN(year, month, mday))
		CrmReadError(r, psprintf("%s must be a valid date YYYY-MM-DD", what));
	julian = date2j((int) year, (int) month, (int) mday);
	j2date((int) julian, &y2, &m2, &d2);
	julian -= POSTGRES_EPOCH_JDATE;
	/* e.g. February 30 */
	if (y2 != year || m2 != month || d2 != mday ||
		!IS_VALID_DATE(julian) || !IS_VALID_DATE(julian + 1))
		CrmReadError(r, psprintf("%s must be a valid date YYYY-MM-DD", what));
	return (int32) julian;
}

/* Read "unit=N months through=YYYY-MM-DD" into a window */
void
CohortReadWindow(CrmReader *r, CohortWindow *window)
{
	const char *bad_unit = "the unit must be a positive whole number followed by month, week or day";
	int64		n = CrmReadKeyInt(r, "unit", 1, PG_INT32_MAX);
	char	   *word;
	int64		days;
	int32		through;
	CrmTimeRules rules;

	CrmExpect(r, " ");
	word = CrmReadWord(r);
	if (strcmp(word, "month") == 0 || strcmp(word, "months") == 0)
		days = 0;
	else if (strcmp(word, "week") == 0 || strcmp(word, "weeks") == 0)
		days = 7;
	else if (strcmp(word, "day") == 0 || strcmp(word, "days") == 0)
		days = 1;
	else
		CrmReadError(r, bad_unit);
	if (n * days > PG_INT32_MAX)
		CrmReadError(r, bad_unit);
	window->unit_months = days == 0 ? (int32) n : 0;
	window->unit_days = (int32) (n * days);
	CrmExpectKey(r, "through");
	through = CohortReadDay(r, "through");
	CohortRules(window, &rules);
	window->last_period = PeriodOfDay(&rules, through);
	if (PeriodOfDay(&rules, through + 1) == window->last_period)
		CrmReadError(r, "through must be the last day of a period of the unit");
}

/* Send the common head of both binary forms: version, flags, unit, last day */
void
SendCohortHead(StringInfo buf, uint8 version, const CohortWindow *window)
{
	pq_sendint8(buf, version);
	pq_sendint8(buf, 0);
	pq_sendint32(buf, window->unit_months);
	pq_sendint32(buf, window->unit_days);
	pq_sendint32(buf, CohortWindowEndDay(window));
}

/* Read the head sent by SendCohortHead into a window; raise 22P03 if invalid */
void
RecvCohortHead(StringInfo buf, uint8 version, const char *type,
			   CohortWindow *window)
{
	uint8		got_version = (uint8) pq_getmsgint(buf, 1);
	uint8		flags = (uint8) pq_getmsgint(buf, 1);
	int32		through;
	CrmTimeRules rules;

	window->unit_months = (int32) pq_getmsgint(buf, 4);
	window->unit_days = (int32) pq_getmsgint(buf, 4);
	through = (int32) pq_getmsgint(buf, 4);
	if (got_version != version || flags != 0 ||
		window->unit_months < 0 || window->unit_days < 0 ||
		(window->unit_months == 0) == (window->unit_days == 0) ||
		!IS_VALID_DATE(through) || !IS_VALID_DATE(through + 1))
		CrmBinaryError(type, "invalid version, flags, unit or through day");
	CohortRules(window, &rules);
	window->last_period = PeriodOfDay(&rules, through);
	if (PeriodOfDay(&rules, through + 1) == window->last_period)
		CrmBinaryError(type, "through must be the last day of a period");
}
