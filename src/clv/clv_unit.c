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
 * months ('1 month', '3 months'), the units crm.summary measures in (the
 * type and its text form are in src/common/time_unit.c).  Converting
 * between the two kinds uses the mean Gregorian month of 365.2425 / 12 =
 * 30.436875 days.
 */
#include "crm.h"
#include "clv.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/timestamp.h"

/* Days in the mean Gregorian month (365.2425 / 12) */
#define DAYS_PER_MEAN_MONTH 30.436875
/* Longest horizon an interval may give, in days (1,000 mean years) */
#define MAX_HORIZON_DAYS (1000 * 365.2425)

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
	TimeUnit	unit;

	TimeUnitFromInterval(PG_GETARG_INTERVAL_P(1), &unit);
	if ((model->flags & CLV_FLAG_HAS_UNIT) && !TimeUnitEqual(&model->unit, &unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s model is already in unit %s, not %s",
						ClvSpec(model->kind)->title, TimeUnitText(&model->unit),
						TimeUnitText(&unit)),
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
	TimeUnit	unit;

	TimeUnitFromInterval(PG_GETARG_INTERVAL_P(1), &unit);
	if ((model->flags & CLV_FLAG_HAS_UNIT) && !TimeUnitEqual(&model->unit, &unit))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s model is in unit %s, the summary in %s",
						ClvSpec(model->kind)->title, TimeUnitText(&model->unit),
						TimeUnitText(&unit)),
				 errdetail("Recency, age and horizons must be measured in the unit the model was fitted in."),
				 errhint("Build the summaries with the model's unit, or fit a model on summaries in this unit.")));
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}
