/*
 * lifecycle_funnel_tables.c
 *		The results read from a crm.funnel_state: its summary, the funnel
 *		table (leads per stage, conversion from the stage before and from
 *		entry with Wilson intervals), the win rate, the times to convert
 *		(Kaplan-Meier quantiles with leads not converted censored at as_of,
 *		and the quantiles among the converted only) and a transition's
 *		durations as a crm.survival.
 *
 * Quantiles.  The Kaplan-Meier quantile p of a transition is the time by
 * which a share p of the leads that reached its start stage (at a known
 * time) converted, by R's rule (quantile.survfit, as crm.median_survival):
 * the first event time where S <= 1 - p, the middle of an interval where S
 * equals 1 - p; NULL when S stays above 1 - p.  The quantile among the
 * converted is percentile_cont(p) of their durations: it ignores the leads
 * still open, so it understates the time of a young cohort.
 */
#include "crm.h"
#include "numerics.h"
#include "crm_io.h"
#include "lifecycle_funnel.h"

#include <float.h>
#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

/* Most quantiles of one call of crm.funnel_times */
#define FUNNEL_MAX_QUANTILES 100

/* Defined in src/retention/survival.c: the text input of crm.survival */
extern Datum survival_in(PG_FUNCTION_ARGS);

/* The unit of a state as an interval datum */
static Datum
UnitDatum(const FunnelState *state)
{
	Interval   *unit = (Interval *) palloc(sizeof(Interval));

	unit->month = state->unit.months;
	unit->day = state->unit.days;
	unit->time = state->unit.usecs;
	return IntervalPGetDatum(unit);
}

/* The confidence argument argno, its normal quantile (22023 outside (0, 1)) */
static float8
ConfidenceZ(FunctionCallInfo fcinfo, int argno)
{
	CheckNotNull(fcinfo, argno, "confidence");
	return ConfidenceQuantile(PG_GETARG_FLOAT8(argno));
}

/* The leads closed as lost at any stage of a state */
static int64
LostLeads(const FunnelState *state)
{
	int64		lost = 0;

	for (int i = 0; i < state->n_stages; i++)
		lost = AddCounts(lost, state->lost[i], "lead count");
	return lost;
}

/*
 * crm.funnel_summary(state): stages, leads, won, win rate, skipped, as_of,
 * unit, lost, open and the win rate among closed leads
 */
PG_FUNCTION_INFO_V1(funnel_summary);
Datum
funnel_summary(PG_FUNCTION_ARGS)
{
	FunnelState *state = FunnelStateArg(fcinfo, 0);
	int			k = state->n_stages;
	int64		won = k > 0 ? state->reached[k - 1] : 0;
	int64		lost = LostLeads(state);
	TupleDesc	desc;
	Datum		values[11];
	bool		nulls[11] = {0};
	Datum	   *names = (Datum *) palloc(sizeof(Datum) * Max(k, 1));

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.funnel_summary must return a record");
	for (int i = 0; i < k; i++)
		names[i] = CStringGetTextDatum(FunnelStageName(state, i));
	values[0] = PointerGetDatum(construct_array(names, k, TEXTOID, -1, false, TYPALIGN_INT));
	values[1] = Int64GetDatum(state->n_leads);
	values[2] = Int64GetDatum(k > 0 ? state->reached[k - 1] : 0);
	if (state->n_leads > 0)
		values[3] = Float8GetDatum((float8) state->reached[k - 1] / state->n_leads);
	else
		nulls[3] = true;
	values[4] = Int64GetDatum(state->n_skipped);
	values[5] = Int64GetDatum(state->n_inconsistent);
	values[6] = TimestampTzGetDatum(state->as_of);
	values[7] = UnitDatum(state);
	nulls[6] = nulls[7] = k == 0;
	/* unknown without lost_at */
	values[8] = Int64GetDatum(lost);
	values[9] = Int64GetDatum(state->n_leads - won - lost);
	if (won + lost > 0)
		values[10] = Float8GetDatum((float8) won / (won + lost));
	nulls[8] = nulls[9] = !state->tracks_lost;
	nulls[10] = !state->tracks_lost || won + lost == 0;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* crm.win_rate(state): leads that reached the last stage / leads; NULL without leads */
PG_FUNCTION_INFO_V1(funnel_win_rate);
Datum
funnel_win_rate(PG_FUNCTION_ARGS)
{
	FunnelState *state = FunnelStateArg(fcinfo, 0);

	if (state->n_leads == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((float8) state->reached[state->n_stages - 1] / state->n_leads);
}

/* crm.closed_win_rate(state): won / (won + lost); NULL while no lead is closed or without lost_at */
PG_FUNCTION_INFO_V1(funnel_closed_win_rate);
Datum
funnel_closed_win_rate(PG_FUNCTION_ARGS)
{
	FunnelState *state = FunnelStateArg(fcinfo, 0);
	int64		won = state->n_stages > 0 ? state->reached[state->n_stages - 1] : 0;
	int64		lost = LostLeads(state);

	if (!state->tracks_lost || won + lost == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((float8) won / (won + lost));
}

/* Set a rate r / n with its Wilson interval into values[at .. at + 2]; NULLs when n is 0 */
static void
PutRate(Datum *values, bool *nulls, int at, int64 r, int64 n, float8 z)
{
	float8		low;
	float8		high;

	if (n == 0)
	{
		nulls[at] = nulls[at + 1] = nulls[at + 2] = true;
		return;
	}
	WilsonInterval((double) r, (double) n, z, &low, &high);
	values[at] = Float8GetDatum((float8) r / n);
	values[at + 1] = Float8GetDatum(low);
	values[at + 2] = Float8GetDatum(high);
}

/*
 * crm.funnel_table(state, confidence): per stage, the leads that reached it
 * (and at a known time), the conversion from the stage before and from
 * entry, each with its Wilson score interval, the leads lost and still open
 * there, and the conversion from the stage before among its closed leads
 */
PG_FUNCTION_INFO_V1(funnel_table);
Datum
funnel_table(PG_FUNCTION_ARGS)
{
	FunnelState *state = FunnelStateArg(fcinfo, 0);
	float8		z = ConfidenceZ(fcinfo, 1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < state->n_stages; i++)
	{
		Datum		values[15];
		bool		nulls[15] = {0};
		bool		last = i == state->n_stages - 1;

		values[0] = Int32GetDatum(i + 1);
		values[1] = CStringGetTextDatum(FunnelStageName(state, i));
		values[2] = Int64GetDatum(state->reached[i]);
		values[3] = Int64GetDatum(state->timed[i]);
		if (i == 0)
			nulls[4] = nulls[5] = nulls[6] = true;
		else
			PutRate(values, nulls, 4, state->reached[i], state->reached[i - 1], z);
		PutRate(values, nulls, 7, state->reached[i], state->reached[0], z);
		/* stopped here: lost, or open (the last stage's leads are won) */
		values[10] = Int64GetDatum(state->lost[i]);
		values[11] = Int64GetDatum(last ? 0 :
								   state->reached[i] - state->reached[i + 1] - state->lost[i]);
		/* of the leads of the stage before that moved on or were lost there */
		if (!state->tracks_lost)
			nulls[10] = nulls[11] = nulls[12] = nulls[13] = nulls[14] = true;
		else if (i == 0)
			nulls[12] = nulls[13] = nulls[14] = true;
		else
			PutRate(values, nulls, 12, state->reached[i],
					state->reached[i] + state->lost[i - 1], z);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * The Kaplan-Meier quantile p of n cells of one transition (sorted by
 * duration) by R's rule (see the top of this file); false when S stays
 * above 1 - p
 */
static bool
KmQuantile(const FunnelCell *cells, int32 n, float8 p, float8 *result)
{
	const float8 tolerance = sqrt(DBL_EPSILON);
	float8		target = 1 - p;
	int64		n_risk = 0;
	float8		surv = 1;
	int32		first = -1;
	int32		below = -1;

	for (int32 i = 0; i < n; i++)
		n_risk += cells[i].events + cells[i].censored;
	for (int32 i = 0; i < n && below < 0; i++)
	{
		CHECK_FOR_INTERRUPTS();
		/* censored at this time are still at risk at this time */
		if (cells[i].events > 0)
		{
			surv *= (float8) (n_risk - cells[i].events) / n_risk;
			if (first < 0 && surv <= target + tolerance)
				first = i;
			if (surv <= target - tolerance)
				below = i;
		}
		n_risk -= cells[i].events + cells[i].censored;
	}
	if (first < 0)
		return false;
	*result = (float8) cells[first].duration / 2 +
		(float8) cells[below >= 0 ? below : n - 1].duration / 2;
	return true;
}

/* The duration of the event at 0-based position pos among n cells */
static int64
EventAt(const FunnelCell *cells, int32 n, int64 pos)
{
	for (int32 i = 0; i < n; i++)
	{
		if (pos < cells[i].events)
			return cells[i].duration;
		pos -= cells[i].events;
	}
	elog(ERROR, "funnel event position out of range");
	return 0;
}

/*
 * The quantile p of the event durations of n cells, as percentile_cont:
 * linear between the values at positions floor(h) and ceil(h), h = p (N - 1);
 * false without events
 */
static bool
ConvertedQuantile(const FunnelCell *cells, int32 n, int64 events, float8 p, float8 *result)
{
	float8		h = p * (float8) (events - 1);
	int64		lo = (int64) floor(h);
	float8		v_lo;
	float8		v_hi;

	if (events == 0)
		return false;
	v_lo = (float8) EventAt(cells, n, lo);
	v_hi = lo + 1 < events ? (float8) EventAt(cells, n, lo + 1) : v_lo;
	*result = v_lo + (h - lo) * (v_hi - v_lo);
	return true;
}

/*
 * The quantiles argument argno: 1 .. FUNNEL_MAX_QUANTILES probabilities in
 * (0, 1) (22023)
 */
static float8 *
QuantilesArg(FunctionCallInfo fcinfo, int argno, int *n)
{
	float8	   *q;

	CheckNotNull(fcinfo, argno, "quantiles");
	q = CrmFloat8Array(PG_GETARG_ARRAYTYPE_P(argno), "quantiles", 1, FUNNEL_MAX_QUANTILES, true, n);
	for (int i = 0; i < *n; i++)
		if (!(q[i] > 0 && q[i] < 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("quantiles must be between 0 and 1 (exclusive), not %g", q[i]),
					 errhint("Give probabilities such as '{0.25,0.5,0.75}'.")));
	return q;
}

/*
 * crm.funnel_times(state, quantiles): per transition (stage to next stage,
 * then entry to the last stage) and quantile, the leads followed, converted,
 * censored and converted at an unknown time, the Kaplan-Meier quantile and
 * the quantile among the converted, in the state's unit
 */
PG_FUNCTION_INFO_V1(funnel_times);
Datum
funnel_times(PG_FUNCTION_ARGS)
{
	FunnelState *state = FunnelStateArg(fcinfo, 0);
	int			n_q;
	float8	   *q = QuantilesArg(fcinfo, 1, &n_q);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			k = state->n_stages;
	int32		n;
	const FunnelCell *cells = FunnelSortedCells(state, &n);
	int32		start = 0;
	Datum		unit = UnitDatum(state);

	InitMaterializedSRF(fcinfo, 0);
	for (int t = 0; t < FunnelTransitions(k); t++)
	{
		int32		end = start;
		int64		events = 0;
		int64		censored = 0;
		bool		overall = k > 2 && t == k - 1;

		while (end < n && cells[end].transition == t)
		{
			events += cells[end].events;
			censored += cells[end].censored;
			end++;
		}
		for (int j = 0; j < n_q; j++)
		{
			Datum		values[10];
			bool		nulls[10] = {0};
			float8		x = 0;

			values[0] = CStringGetTextDatum(FunnelStageName(state, overall ? 0 : t));
			values[1] = CStringGetTextDatum(FunnelStageName(state, overall ? k - 1 : t + 1));
			values[2] = Int64GetDatum(events + censored);
			values[3] = Int64GetDatum(events);
			values[4] = Int64GetDatum(censored);
			values[5] = Int64GetDatum(overall ? 0 : state->unknown[t]);
			values[6] = Float8GetDatum(q[j]);
			nulls[7] = !KmQuantile(cells + start, end - start, q[j], &x);
			values[7] = Float8GetDatum(x);
			nulls[8] = !ConvertedQuantile(cells + start, end - start, events, q[j], &x);
			values[8] = Float8GetDatum(x);
			values[9] = unit;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
		start = end;
	}
	return (Datum) 0;
}

/* The index of the stage named name in a state, or -1 */
static int
StageIndex(const FunnelState *state, const char *name)
{
	for (int i = 0; i < state->n_stages; i++)
		if (strcmp(FunnelStageName(state, i), name) == 0)
			return i;
	return -1;
}

/*
 * crm.funnel_survival(state, from_stage, to_stage): the durations of a
 * transition (consecutive stages, or the first stage to the last) as a
 * crm.survival, conversions as events; NULL when no lead is followed
 */
PG_FUNCTION_INFO_V1(funnel_survival);
Datum
funnel_survival(PG_FUNCTION_ARGS)
{
	FunnelState *state = FunnelStateArg(fcinfo, 0);
	char	   *from_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *to_name = text_to_cstring(PG_GETARG_TEXT_PP(2));
	int			k = state->n_stages;
	int			from = StageIndex(state, from_name);
	int			to = StageIndex(state, to_name);
	int			t;
	int32		n;
	const FunnelCell *cells = FunnelSortedCells(state, &n);
	StringInfoData buf;
	int64		total = 0;
	bool		any = false;

	if (from < 0 || to < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stage \"%s\" is not a stage of the funnel", from < 0 ? from_name : to_name)));
	if (to == from + 1)
		t = from;
	else if (from == 0 && to == k - 1)
		t = FunnelOverallTransition(k);
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("no conversion times from stage \"%s\" to stage \"%s\"", from_name, to_name),
				 errhint("A funnel keeps the times from each stage to the next and from the first stage to the last.")));
	initStringInfo(&buf);
	for (int32 i = 0; i < n; i++)
		if (cells[i].transition == t)
			total += cells[i].events + cells[i].censored;
	appendStringInfo(&buf, "v1 n=" INT64_FORMAT " times={", total);
	for (int32 i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (cells[i].transition != t)
			continue;
		appendStringInfo(&buf, "%s" INT64_FORMAT ":" INT64_FORMAT "," INT64_FORMAT,
						 any ? ";" : "", cells[i].duration, cells[i].events, cells[i].censored);
		any = true;
	}
	appendStringInfoChar(&buf, '}');
	if (!any)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(DirectFunctionCall1(survival_in, CStringGetDatum(buf.data)));
}
