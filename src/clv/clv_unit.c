/*
 * clv_unit.c
 *		Time units of the probabilistic models: the unit a model was fitted
 *		in (from the fit's unit argument, as crm.summary's unit), its ISO 8601
 *		text form, conversion of interval horizons into model units, the
 *		check that a summary is in the model's unit, and the SQL functions
 *		crm.unit, crm.with_unit, crm.in_units, crm.unit_checked, crm.skipped
 *		and crm.accept_unconverged.
 *
 * A unit is a positive interval of a fixed length (days and time, a day
 * counting 24 hours: '1 day', '1 week', '14 days') or a whole number of
 * months ('1 month', '3 months'), the units crm.summary measures in.
 * Converting between the two kinds uses the mean Gregorian month of
 * 365.2425 / 12 = 30.436875 days.
 */
#include "crm.h"
#include "clv.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

/* Days in the mean Gregorian month (365.2425 / 12) */
#define DAYS_PER_MEAN_MONTH 30.436875
/* Longest horizon an interval may give, in days (1,000 mean years) */
#define MAX_HORIZON_DAYS (1000 * 365.2425)

/* Whether a unit is a valid positive time unit (as crm.summary accepts) */
bool
ClvUnitIsValid(const ClvUnit *unit)
{
	if (unit->months != 0)
		return unit->months > 0 && unit->days == 0 && unit->usecs == 0;
	return unit->days >= 0 && unit->usecs >= 0 &&
		(int64) unit->days * USECS_PER_DAY + unit->usecs > 0;
}

/* Read a time unit from an interval, raising 22023 unless it is a positive unit */
void
ClvUnitFromInterval(const Interval *interval, ClvUnit *unit)
{
	unit->months = interval->month;
	unit->days = interval->day;
	unit->usecs = interval->time;
	if (!ClvUnitIsValid(unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit \"%s\" is not a positive time unit",
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(interval)))),
				 errhint("Use the unit of the summaries, such as '1 day', '1 week' or '1 month' (months only alone).")));
}

/* The ISO 8601 text of a unit (e.g. P7D, P1M, PT12H), palloc'd */
char *
ClvUnitText(const ClvUnit *unit)
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
ClvUnitParse(const char *text, ClvUnit *unit)
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
	return ClvUnitIsValid(unit);
}

/* Whether two units are the same interval */
bool
ClvUnitEqual(const ClvUnit *a, const ClvUnit *b)
{
	return a->months == b->months && a->days == b->days && a->usecs == b->usecs;
}

/* Length of an interval in days (months at the mean Gregorian month) */
static float8
IntervalDays(int32 months, int32 days, int64 usecs)
{
	return months * DAYS_PER_MEAN_MONTH + days + (float8) usecs / USECS_PER_DAY;
}

/* Raise 22023 for a scoring argument that needs the model's unit when it has none */
static void
CheckModelHasUnit(const ClvModel *model, const char *what)
{
	if (!(model->flags & CLV_FLAG_HAS_UNIT))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot convert %s: the %s model's time unit is unknown", what,
						ClvSpec(model->kind)->title),
				 errhint("Fit the model with its unit argument (the unit of the summaries), give it one with crm.with_unit(model, unit), or give the horizon as a number of model units.")));
}

/*
 * An interval (a horizon) in units of the model: 22023 when the model has no
 * unit, the interval is negative, or it is longer than 1,000 years
 */
static float8
IntervalInModelUnits(const ClvModel *model, const Interval *interval)
{
	float8		days = IntervalDays(interval->month, interval->day, interval->time);

	CheckModelHasUnit(model, "an interval horizon");
	if (interval->month < 0 || interval->day < 0 || interval->time < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon must not be negative, not \"%s\"",
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(interval))))));
	if (days > MAX_HORIZON_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon \"%s\" is longer than 1000 years",
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(interval)))),
				 errhint("Check the unit of the horizon: a customer lifetime is measured in days, weeks, months or years.")));
	return days / IntervalDays(model->unit.months, model->unit.days, model->unit.usecs);
}

/* crm.unit(model): the model's time unit, NULL when unknown */
PG_FUNCTION_INFO_V1(clv_model_unit);
Datum
clv_model_unit(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	Interval   *result;

	if (!(model->flags & CLV_FLAG_HAS_UNIT))
		PG_RETURN_NULL();
	result = (Interval *) palloc(sizeof(Interval));
	result->month = model->unit.months;
	result->day = model->unit.days;
	result->time = model->unit.usecs;
	PG_RETURN_INTERVAL_P(result);
}

/* crm.skipped(model): customers the fit could not use, NULL for given parameters */
PG_FUNCTION_INFO_V1(clv_model_skipped);
Datum
clv_model_skipped(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));

	if (!(model->flags & CLV_FLAG_FITTED))
		PG_RETURN_NULL();
	PG_RETURN_INT64(model->skipped);
}

/* A writable copy of the model in argument 0 */
static ClvModel *
ModelCopyArg(FunctionCallInfo fcinfo)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	ClvModel   *copy = (ClvModel *) palloc(VARSIZE(model));

	memcpy(copy, model, VARSIZE(model));
	return copy;
}

/* crm.with_unit(model, unit): the model with its time unit set (22023 if it has another) */
PG_FUNCTION_INFO_V1(clv_model_with_unit);
Datum
clv_model_with_unit(PG_FUNCTION_ARGS)
{
	ClvModel   *model = ModelCopyArg(fcinfo);
	ClvUnit		unit;

	ClvUnitFromInterval(PG_GETARG_INTERVAL_P(1), &unit);
	if ((model->flags & CLV_FLAG_HAS_UNIT) && !ClvUnitEqual(&model->unit, &unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s model is already in unit %s, not %s",
						ClvSpec(model->kind)->title, ClvUnitText(&model->unit),
						ClvUnitText(&unit)),
				 errhint("A fitted model's parameters are per unit of its data: refit with the other unit instead of relabelling.")));
	model->unit = unit;
	model->flags |= CLV_FLAG_HAS_UNIT;
	PG_RETURN_POINTER(model);
}

/* crm.accept_unconverged(model): the model, marked as usable for scoring although its fit did not converge */
PG_FUNCTION_INFO_V1(clv_model_accept_unconverged);
Datum
clv_model_accept_unconverged(PG_FUNCTION_ARGS)
{
	ClvModel   *model = ModelCopyArg(fcinfo);

	if ((model->flags & CLV_FLAG_FITTED) && !(model->flags & CLV_FLAG_CONVERGED))
		model->flags |= CLV_FLAG_ACCEPTED;
	PG_RETURN_POINTER(model);
}

/* crm.in_units(model, duration): an interval in the model's time units */
PG_FUNCTION_INFO_V1(clv_model_in_units);
Datum
clv_model_in_units(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));

	PG_RETURN_FLOAT8(IntervalInModelUnits(model, PG_GETARG_INTERVAL_P(1)));
}

/*
 * crm.unit_checked(model, unit): the model itself, after checking that data
 * measured in unit (a summary's) can be scored with it: 22023 when the model
 * has another unit.  A model of unknown unit is returned unchecked.
 */
PG_FUNCTION_INFO_V1(clv_model_unit_checked);
Datum
clv_model_unit_checked(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	ClvUnit		unit;

	ClvUnitFromInterval(PG_GETARG_INTERVAL_P(1), &unit);
	if ((model->flags & CLV_FLAG_HAS_UNIT) && !ClvUnitEqual(&model->unit, &unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s model is in unit %s, the summary in %s",
						ClvSpec(model->kind)->title, ClvUnitText(&model->unit),
						ClvUnitText(&unit)),
				 errdetail("Recency, age and horizons must be measured in the unit the model was fitted in."),
				 errhint("Build the summaries with the model's unit, or fit a model on summaries in this unit.")));
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}
