/*
 * service_results.c
 *		The results read from a crm.ticket_state: a summary, the complaint
 *		rate per 1,000, resolved / first-contact / reopen rates with Wilson
 *		intervals, SLA attainment, resolution-time quantiles (Kaplan-Meier and
 *		among resolved tickets) and the Kaplan-Meier resolution curve.
 *
 * Durations are whole seconds; a unit converts them (seconds / the unit's
 * length in seconds), so a unit must have a fixed length (no months: a day
 * is 86,400 seconds).  Kaplan-Meier treats a resolution as the event and an
 * open ticket as censored at its age at as_of; a ticket censored at t is
 * still at risk at t (events first).  Quantiles follow R's quantile.survfit
 * rule, as crm.median_survival does: the quantile p is the first event time
 * with F(t) = 1 - S(t) >= p; where F equals p (within sqrt(DBL_EPSILON)) up
 * to the next event time, the middle of the two.  "Among resolved" applies
 * the same rule to the resolved tickets alone (S = the share of resolved
 * tickets resolved later), ignoring the open ones: it is the quantile a
 * plain percentile over resolved tickets gives, and it is biased low when
 * many tickets are open.
 */
#include "crm.h"
#include "numerics.h"
#include "service.h"
#include "time_unit.h"

#include <float.h>
#include <math.h>

#include "common/int.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

/* Most probabilities crm.resolution_quantiles takes */
#define SERVICE_MAX_PROBABILITIES 1000

/* The length in seconds of a fixed-length unit argument (22023 for months or <= 0) */
static float8
UnitSecondsArg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	Interval   *unit;
	TimeUnit	tu;

	CheckNotNull(fcinfo, argno, what);
	unit = PG_GETARG_INTERVAL_P(argno);
	TimeUnitFromInterval(unit, &tu);
	if (tu.months != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have a fixed length, not a number of months", what),
				 errhint("Use days, hours, minutes or seconds, for example interval '1 day'.")));
	return (float8) tu.days * SECS_PER_DAY + (float8) tu.usecs / USECS_PER_SEC;
}

/* The confidence argument argno, its normal quantile */
static float8
ConfidenceArg(FunctionCallInfo fcinfo, int argno)
{
	CheckNotNull(fcinfo, argno, "confidence");
	return ConfidenceQuantile(PG_GETARG_FLOAT8(argno));
}

/* crm.ticket_summary(state): as_of and the counts */
PG_FUNCTION_INFO_V1(ticket_summary);
Datum
ticket_summary(PG_FUNCTION_ARGS)
{
	TicketState *state = TicketStateArg(fcinfo, 0);
	TupleDesc	desc;
	Datum		values[10];
	bool		nulls[10] = {0};
	int32		n;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.ticket_summary must return a record");
	(void) TicketSortedCells(state, &n);
	values[0] = TimestampTzGetDatum(state->as_of);
	values[1] = Int64GetDatum(state->tickets);
	values[2] = Int64GetDatum(state->tickets - state->open);
	values[3] = Int64GetDatum(state->open);
	values[4] = Int64GetDatum(state->fcr_known);
	values[5] = Int64GetDatum(state->fcr);
	values[6] = Int64GetDatum(state->reopen_known);
	values[7] = Int64GetDatum(state->reopened);
	values[8] = Int32GetDatum(n);
	values[9] = Int64GetDatum(state->n_skipped);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* crm.complaint_rate(state, denominator): tickets per 1,000 customers or orders */
PG_FUNCTION_INFO_V1(ticket_complaint_rate);
Datum
ticket_complaint_rate(PG_FUNCTION_ARGS)
{
	TicketState *state = TicketStateArg(fcinfo, 0);
	float8		denominator = PG_GETARG_FLOAT8(1);
	float8		rate;

	if (!(denominator > 0) || isinf(denominator))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("denominator must be a positive number of customers or orders, not %g",
						denominator)));
	rate = (float8) state->tickets * 1000.0 / denominator;
	CheckResultFinite(rate, "complaint rate (denominator too small)");
	PG_RETURN_FLOAT8(rate);
}

/* One row of crm.ticket_rates: measure, tickets, count, rate and its Wilson interval */
static void
PutRateRow(ReturnSetInfo *rsinfo, const char *measure, int64 count, int64 n, float8 z)
{
	Datum		values[6];
	bool		nulls[6] = {0};

	values[0] = CStringGetTextDatum(measure);
	values[1] = Int64GetDatum(n);
	values[2] = Int64GetDatum(count);
	if (n > 0)
	{
		float8		low;
		float8		high;

		WilsonInterval((float8) count, (float8) n, z, &low, &high);
		values[3] = Float8GetDatum((float8) count / n);
		values[4] = Float8GetDatum(low);
		values[5] = Float8GetDatum(high);
	}
	else
		nulls[3] = nulls[4] = nulls[5] = true;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * crm.ticket_rates(state, confidence): the resolved share (of all tickets),
 * the first-contact resolution rate and the reopen rate (of the tickets with
 * that flag) with Wilson score intervals
 */
PG_FUNCTION_INFO_V1(ticket_rates);
Datum
ticket_rates(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TicketState *state = TicketStateArg(fcinfo, 0);
	float8		z = ConfidenceArg(fcinfo, 1);

	InitMaterializedSRF(fcinfo, 0);
	PutRateRow(rsinfo, "resolved", state->tickets - state->open, state->tickets, z);
	PutRateRow(rsinfo, "first_contact_resolution", state->fcr, state->fcr_known, z);
	PutRateRow(rsinfo, "reopened", state->reopened, state->reopen_known, z);
	return (Datum) 0;
}

/*
 * crm.sla_attainment(state, target, confidence): resolved within target
 * (met), resolved later or open longer than target (missed), open not
 * longer than target (censored, not counted); the met share of met + missed
 * with its Wilson interval
 */
PG_FUNCTION_INFO_V1(ticket_sla_attainment);
Datum
ticket_sla_attainment(PG_FUNCTION_ARGS)
{
	TicketState *state = TicketStateArg(fcinfo, 0);
	Interval   *target = PG_GETARG_INTERVAL_P(1);
	float8		z = ConfidenceArg(fcinfo, 2);
	int64		target_usecs;
	int64		target_seconds;
	int32		n;
	const TicketCell *cells = TicketSortedCells(state, &n);
	int64		met = 0;
	int64		missed = 0;
	int64		censored = 0;
	TupleDesc	desc;
	Datum		values[7];
	bool		nulls[7] = {0};

	if (target->month != 0 || target->day < 0 || target->time < 0 ||
		pg_mul_s64_overflow((int64) target->day, USECS_PER_DAY, &target_usecs) ||
		pg_add_s64_overflow(target_usecs, target->time, &target_usecs))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("SLA target must be a fixed length >= 0 (days, hours, minutes, seconds)"),
				 errhint("Use for example interval '8 hours' or interval '2 days'.")));
	target_seconds = target_usecs / USECS_PER_SEC;
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.sla_attainment must return a record");
	for (int32 i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (cells[i].seconds <= target_seconds)
		{
			met += cells[i].resolved;
			censored += cells[i].open;
		}
		else
			missed += cells[i].resolved + cells[i].open;
	}
	values[0] = IntervalPGetDatum(target);
	values[1] = Int64GetDatum(met);
	values[2] = Int64GetDatum(missed);
	values[3] = Int64GetDatum(censored);
	if (met + missed > 0)
	{
		float8		low;
		float8		high;

		WilsonInterval((float8) met, (float8) (met + missed), z, &low, &high);
		values[4] = Float8GetDatum((float8) met / (met + missed));
		values[5] = Float8GetDatum(low);
		values[6] = Float8GetDatum(high);
	}
	else
		nulls[4] = nulls[5] = nulls[6] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/*
 * The survival S after each cell: Kaplan-Meier (open tickets censored) when
 * km, else the share of resolved tickets resolved later (open ignored)
 */
static float8 *
CurveOf(const TicketState *state, const TicketCell *cells, int32 n, bool km)
{
	float8	   *surv = (float8 *) palloc(sizeof(float8) * ((Size) n + 1));
	int64		at_risk = km ? state->tickets : state->tickets - state->open;
	float8		s = 1.0;

	for (int32 i = 0; i < n; i++)
	{
		if (cells[i].resolved > 0 && at_risk > 0)
		{
			if (km)
				s *= 1.0 - (float8) cells[i].resolved / at_risk;
			else
				s = (float8) (at_risk - cells[i].resolved) / (state->tickets - state->open);
		}
		surv[i] = s;
		at_risk -= cells[i].resolved + (km ? cells[i].open : 0);
	}
	return surv;
}

/*
 * The quantile p of a curve by R's rule (see the top of this file), in
 * seconds; where F stays at p to the end, the middle up to the last
 * observed duration (km) or the last resolution time; false when F stays
 * below p
 */
static bool
CurveQuantile(const TicketCell *cells, const float8 *surv, int32 n, float8 p, bool km,
			  float8 *seconds)
{
	const float8 tolerance = sqrt(DBL_EPSILON);
	int32		first = -1;
	int32		below = -1;
	int32		last = n - 1;

	for (int32 i = 0; i < n && below < 0; i++)
	{
		if (cells[i].resolved == 0)
			continue;
		if (first < 0 && surv[i] <= 1 - p + tolerance)
			first = i;
		if (surv[i] <= 1 - p - tolerance)
			below = i;
	}
	if (first < 0)
		return false;
	while (!km && last > 0 && cells[last].resolved == 0)
		last--;
	/* halves first: no overflow */
	*seconds = (float8) cells[first].seconds / 2 +
		(float8) cells[below >= 0 ? below : last].seconds / 2;
	return true;
}

/*
 * crm.resolution_quantiles(state, probabilities, unit): for each p, the
 * Kaplan-Meier quantile (open tickets censored) and the quantile among
 * resolved tickets, in the unit; NULL where the curve does not reach p
 */
PG_FUNCTION_INFO_V1(ticket_resolution_quantiles);
Datum
ticket_resolution_quantiles(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TicketState *state = TicketStateArg(fcinfo, 0);
	int			n_p;
	float8	   *probs = CrmFloat8Array(PG_GETARG_ARRAYTYPE_P(1), "probabilities", 1,
									   SERVICE_MAX_PROBABILITIES, true, &n_p);
	float8		unit = UnitSecondsArg(fcinfo, 2, "unit");
	int32		n;
	const TicketCell *cells = TicketSortedCells(state, &n);
	float8	   *km = CurveOf(state, cells, n, true);
	float8	   *plain = CurveOf(state, cells, n, false);

	for (int i = 0; i < n_p; i++)
		if (!(probs[i] > 0 && probs[i] < 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("probabilities must be between 0 and 1 (exclusive), not %g", probs[i]),
					 errhint("Give for example '{0.5,0.9}' for the median and the 90th percentile.")));
	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < n_p; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {0};
		float8		seconds;

		CHECK_FOR_INTERRUPTS();
		values[0] = Float8GetDatum(probs[i]);
		if (CurveQuantile(cells, km, n, probs[i], true, &seconds))
			values[1] = Float8GetDatum(seconds / unit);
		else
			nulls[1] = true;
		if (CurveQuantile(cells, plain, n, probs[i], false, &seconds))
			values[2] = Float8GetDatum(seconds / unit);
		else
			nulls[2] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* crm.median_resolution(state, unit): the Kaplan-Meier median resolution time (NULL if not reached) */
PG_FUNCTION_INFO_V1(ticket_median_resolution);
Datum
ticket_median_resolution(PG_FUNCTION_ARGS)
{
	TicketState *state = TicketStateArg(fcinfo, 0);
	float8		unit = UnitSecondsArg(fcinfo, 1, "unit");
	int32		n;
	const TicketCell *cells = TicketSortedCells(state, &n);
	float8		seconds;

	if (!CurveQuantile(cells, CurveOf(state, cells, n, true), n, 0.5, true, &seconds))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(seconds / unit);
}

/*
 * crm.resolution_curve(state, unit): one row per distinct duration: the
 * time in the unit, tickets at risk, resolved and censored (open) at that
 * time, the Kaplan-Meier share still open after it and its complement
 */
PG_FUNCTION_INFO_V1(ticket_resolution_curve);
Datum
ticket_resolution_curve(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TicketState *state = TicketStateArg(fcinfo, 0);
	float8		unit = UnitSecondsArg(fcinfo, 1, "unit");
	int32		n;
	const TicketCell *cells = TicketSortedCells(state, &n);
	float8	   *km = CurveOf(state, cells, n, true);
	int64		at_risk = state->tickets;

	InitMaterializedSRF(fcinfo, 0);
	for (int32 i = 0; i < n; i++)
	{
		Datum		values[6];
		bool		nulls[6] = {0};

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		values[0] = Float8GetDatum((float8) cells[i].seconds / unit);
		values[1] = Int64GetDatum(at_risk);
		values[2] = Int64GetDatum(cells[i].resolved);
		values[3] = Int64GetDatum(cells[i].open);
		values[4] = Float8GetDatum(km[i]);
		values[5] = Float8GetDatum(1 - km[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		at_risk -= cells[i].resolved + cells[i].open;
	}
	return (Datum) 0;
}
