/*
 * lifecycle_churn.c
 *		Churn events from a purchase log: crm.churn_event, one customer's
 *		tenure, churned or censored, and churn date as of a date under an
 *		inactivity threshold.
 *
 * Rule (docs/lifecycle.md): a customer whose last purchase up to as_of is L
 * churns at L + threshold, the first day on which they have gone the whole
 * threshold without a purchase.  The churn is observed when L + threshold <=
 * as_of; otherwise (last purchase within the threshold of as_of) the
 * customer is censored at as_of.  Tenure is counted in days from the first
 * purchase to the churn date, or to as_of when censored.  The censoring is
 * therefore plain right-censoring at as_of, and crm.km_fit takes the events
 * as they come.
 */
#include "crm.h"
#include "calendar.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

/* Raise 22023 unless an inactivity threshold is a positive number of whole days and months */
static void
CheckThreshold(const Interval *threshold)
{
	if (threshold->time != 0 || threshold->month < 0 || threshold->day < 0 ||
		(threshold->month == 0 && threshold->day == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid inactivity threshold \"%s\"",
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(threshold)))),
				 errdetail("The threshold must be a positive number of days and months, without a time of day part and with no negative part."),
				 errhint("Use for example interval '90 days' or interval '6 months'.")));
}

/* The day threshold after day (months first, as date + interval does) */
static DateADT
AddThreshold(DateADT day, Interval *threshold)
{
	Datum		ts = DirectFunctionCall2(date_pl_interval, DateADTGetDatum(day),
										 IntervalPGetDatum(threshold));

	return DatumGetDateADT(DirectFunctionCall1(timestamp_date, ts));
}

/* The churn record (churned, churn_date, tenure_days) of first and last purchase as of a date */
static Datum
ChurnRecord(FunctionCallInfo fcinfo, DateADT first, DateADT last, DateADT as_of,
			Interval *threshold)
{
	TupleDesc	desc;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	DateADT		churn_day;
	bool		churned;

	CheckThreshold(threshold);
	CheckFiniteDate(first, "first purchase");
	CheckFiniteDate(last, "last purchase");
	CheckFiniteDate(as_of, "as_of");
	if (first > last)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("first purchase %s is after last purchase %s",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(first))),
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(last))))));
	if (last > as_of)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("last purchase %s is after as_of %s",
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(last))),
						DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(as_of)))),
				 errhint("Purchases after as_of are not part of the observation: crm.summary ignores them.")));

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.churn_event must return a record");
	desc = BlessTupleDesc(desc);

	churn_day = AddThreshold(last, threshold);
	churned = (churn_day <= as_of);
	values[0] = BoolGetDatum(churned);
	if (churned)
		values[1] = DateADTGetDatum(churn_day);
	else
		nulls[1] = true;
	values[2] = Int32GetDatum((churned ? churn_day : as_of) - first);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

PG_FUNCTION_INFO_V1(churn_event_dates);
/* crm.churn_event(first_purchase, last_purchase, as_of, threshold) */
Datum
churn_event_dates(PG_FUNCTION_ARGS)
{
	return ChurnRecord(fcinfo, PG_GETARG_DATEADT(0), PG_GETARG_DATEADT(1),
					   PG_GETARG_DATEADT(2), PG_GETARG_INTERVAL_P(3));
}

PG_FUNCTION_INFO_V1(churn_event_summary);
/* crm.churn_event(customer_summary, threshold): as of the summary's as_of */
Datum
churn_event_summary(PG_FUNCTION_ARGS)
{
	HeapTupleHeader summary = CRM_GETARG_HEAPTUPLEHEADER(0);
	bool		null_first,
				null_last,
				null_since;
	Datum		first = GetAttributeByName(summary, "first_purchase", &null_first);
	Datum		last = GetAttributeByName(summary, "last_purchase", &null_last);
	Datum		since = GetAttributeByName(summary, "days_since_last", &null_since);
	DateADT		last_day;

	/* a summary with a missing field describes no customer */
	if (null_first || null_last || null_since)
		PG_RETURN_NULL();
	last_day = DatumGetDateADT(last);
	if (DATE_NOT_FINITE(last_day) || DatumGetInt32(since) < 0 ||
		!IS_VALID_DATE((int64) last_day + DatumGetInt32(since)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("customer summary with an invalid last purchase or days since last purchase")));
	return ChurnRecord(fcinfo, DatumGetDateADT(first), last_day,
					   last_day + DatumGetInt32(since), PG_GETARG_INTERVAL_P(1));
}
