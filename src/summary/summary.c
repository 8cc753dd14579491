/*
 * summary.c
 *		Customer summaries from a transaction log: the crm.summary and
 *		crm.calibration_holdout aggregates, their state merge, and the final
 *		functions that turn a crm.summary_state into a composite row.
 *
 * Rules (documented in the README):
 *	- purchases are merged per period (calendar day by default; day of a
 *	  timestamptz in the session time zone);
 *	- rows after as_of (after the holdout end, for calibration_holdout) are
 *	  ignored; rows with a NULL time or amount are skipped;
 *	- a row with a negative amount is a refund: it is not a purchase and adds
 *	  |amount| to refund_total; monetary fields are gross of refunds;
 *	- a customer with no purchase up to as_of gets a NULL summary.
 */
#include "crm.h"
#include "calendar.h"
#include "summary_state.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/date.h"
#include "utils/timestamp.h"

/* Which input types a transition entry point reads */
typedef struct TransitionShape
{
	bool		timestamp_input;	/* purchased_at is timestamptz, not date */
	bool		numeric_amount; /* amount is numeric, not float8 */
	bool		has_holdout;	/* arguments carry a holdout end */
} TransitionShape;

/* The raw parameter arguments of one row */
typedef struct RowArgs
{
	Datum		as_of;			/* as_of / calibration end (date or timestamptz) */
	Datum		holdout;		/* holdout end, or 0 without a holdout */
	Interval	unit;			/* measurement unit */
	Interval	period;			/* purchase period ('1 day' if not given) */
} RowArgs;

/*
 * Per-call-site cache of a transition function.  params holds the validated
 * parameters of the rows seen so far.  While every row of the call site has
 * had the same parameters (params_varied is false), every state this call
 * site created was created with them, so a row needs only to compare its
 * arguments with the cache, not with the state's parameter fields.
 */
typedef struct TransitionCache
{
	LocalDayCache days;			/* timestamp to local day */
	bool		have_params;	/* params and args are filled */
	bool		params_varied;	/* rows came with different parameters */
	RowArgs		args;			/* raw arguments params were made from */
	SummaryParams params;		/* their validated form */
} TransitionCache;

/* The transition cache of this call site, created on first use */
static TransitionCache *
GetTransitionCache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
								   sizeof(TransitionCache));
	return (TransitionCache *) fcinfo->flinfo->fn_extra;
}

/* Read the parameter arguments of a row, raising 22004 for NULLs */
static void
ReadRowArgs(FunctionCallInfo fcinfo, const TransitionShape *shape,
			RowArgs *args)
{
	int			unit_arg = shape->has_holdout ? 5 : 4;

	CheckNotNull(fcinfo, 3, shape->has_holdout ? "calibration_end" : "as_of");
	args->as_of = PG_GETARG_DATUM(3);
	args->holdout = (Datum) 0;
	if (shape->has_holdout)
	{
		CheckNotNull(fcinfo, 4, "holdout_end");
		args->holdout = PG_GETARG_DATUM(4);
	}
	CheckNotNull(fcinfo, unit_arg, "unit");
	args->unit = *PG_GETARG_INTERVAL_P(unit_arg);
	args->period.month = 0;
	args->period.day = 1;
	args->period.time = 0;
	if (PG_NARGS() > unit_arg + 1)
	{
		CheckNotNull(fcinfo, unit_arg + 1, "period");
		args->period = *PG_GETARG_INTERVAL_P(unit_arg + 1);
	}
}

/* Turn a date or timestamptz window end into (day, timestamp) */
static void
WindowEnd(Datum value, bool timestamp_input, const char *what,
		  LocalDayCache *days, int32 *day, TimestampTz *ts)
{
	if (timestamp_input)
	{
		*ts = DatumGetTimestampTz(value);
		CheckFiniteTimestamp(*ts, what);
		*day = LocalDayOf(*ts, days);
	}
	else
	{
		*ts = 0;
		*day = CheckFiniteDate(DatumGetDateADT(value), what);
	}
}

/* Validate the parameter arguments of a row into params (22000/22023) */
static void
ValidateParams(const RowArgs *args, const TransitionShape *shape,
			   LocalDayCache *days, SummaryParams *params)
{
	memset(params, 0, sizeof(SummaryParams));
	params->timestamp_input = shape->timestamp_input;
	params->has_holdout = shape->has_holdout;
	WindowEnd(args->as_of, shape->timestamp_input,
			  shape->has_holdout ? "calibration_end" : "as_of", days,
			  &params->as_of_day, &params->as_of_ts);
	if (shape->has_holdout)
	{
		WindowEnd(args->holdout, shape->timestamp_input, "holdout_end", days,
				  &params->holdout_day, &params->holdout_ts);
		if (params->holdout_day < params->as_of_day ||
			params->holdout_ts < params->as_of_ts)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("holdout_end must not be before calibration_end")));
	}
	else
	{
		params->holdout_day = params->as_of_day;
		params->holdout_ts = params->as_of_ts;
	}
	CheckTimeRules(&args->unit, &args->period, &params->rules);
}

/* True if two intervals are identical field by field */
static inline bool
SameInterval(const Interval *a, const Interval *b)
{
	return a->month == b->month && a->day == b->day && a->time == b->time;
}

/* The validated parameters of this row, from the cache when unchanged */
static const SummaryParams *
RowParams(FunctionCallInfo fcinfo, const TransitionShape *shape,
		  TransitionCache *cache)
{
	RowArgs		args;
	SummaryParams params;

	ReadRowArgs(fcinfo, shape, &args);
	/* by-value date/timestamptz Datums compare as integers */
	if (likely(cache->have_params &&
			   args.as_of == cache->args.as_of &&
			   args.holdout == cache->args.holdout &&
			   SameInterval(&args.unit, &cache->args.unit) &&
			   SameInterval(&args.period, &cache->args.period)))
		return &cache->params;

	ValidateParams(&args, shape, &cache->days, &params);
	if (cache->have_params)
		cache->params_varied = true;
	cache->args = args;
	cache->params = params;
	cache->have_params = true;
	return &cache->params;
}

/* Shared transition: add one transaction row to the customer's state */
static Datum
SummaryTransition(FunctionCallInfo fcinfo, const TransitionShape *shape)
{
	bool		in_aggregate = AggCheckCallContext(fcinfo, NULL) != 0;
	TransitionCache *cache = GetTransitionCache(fcinfo);
	const SummaryParams *params = RowParams(fcinfo, shape, cache);
	SummaryState *state;
	float8		amount;
	int32		day;
	bool		in_calibration;

	if (PG_ARGISNULL(0))
		state = SummaryStateCreate(params, SUMMARY_STATE_MIN_SLOTS);
	else
	{
		state = (SummaryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
		/* a state from elsewhere, or from rows with other parameters */
		if (!in_aggregate || cache->params_varied)
		{
			if (!SummaryStateHasParams(state, params))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("as_of, holdout end, unit and period must be the same for every row of a group")));
			if (!CrmArgIsWritable(fcinfo, 0, state))
				state = SummaryStateCopy(state, state->capacity);
		}
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);

	if (shape->numeric_amount)
		amount = NumericToFiniteFloat8(PG_GETARG_DATUM(2), "amount");
	else
	{
		amount = PG_GETARG_FLOAT8(2);
		CheckFinite(amount, "amount");
	}

	if (shape->timestamp_input)
	{
		TimestampTz ts = PG_GETARG_TIMESTAMPTZ(1);

		CheckFiniteTimestamp(ts, "purchased_at");
		if (ts > params->holdout_ts)
			PG_RETURN_POINTER(state);
		in_calibration = (ts <= params->as_of_ts);
		day = LocalDayOf(ts, &cache->days);
	}
	else
	{
		day = CheckFiniteDate(PG_GETARG_DATEADT(1), "purchased_at");
		if (day > params->holdout_day)
			PG_RETURN_POINTER(state);
		in_calibration = (day <= params->as_of_day);
	}

	if (amount < 0)
	{
		/* a refund: not a purchase; holdout refunds are not tracked */
		if (in_calibration)
			state->refund_total -= amount;
	}
	else if (in_calibration)
		state = SummaryAddPurchase(state, &params->rules, day,
								   PeriodOfDay(&params->rules, day), amount);
	else
		state = SummaryAddHoldoutPurchase(state,
										  PeriodOfDay(&params->rules, day),
										  amount);
	PG_RETURN_POINTER(state);
}

/* Define a transition entry point for one combination of input types */
#define SUMMARY_TRANSITION(name, is_ts, is_numeric, is_holdout) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	static const TransitionShape shape = {is_ts, is_numeric, is_holdout}; \
	return SummaryTransition(fcinfo, &shape); \
}

/* crm.summary transitions: (state, purchased_at, amount, as_of, unit [, period]) */
SUMMARY_TRANSITION(summary_trans_date_float8, false, false, false)
SUMMARY_TRANSITION(summary_trans_date_numeric, false, true, false)
SUMMARY_TRANSITION(summary_trans_tstz_float8, true, false, false)
SUMMARY_TRANSITION(summary_trans_tstz_numeric, true, true, false)

/* crm.calibration_holdout transitions: (state, purchased_at, amount, calibration_end, holdout_end, unit [, period]) */
SUMMARY_TRANSITION(holdout_trans_date_float8, false, false, true)
SUMMARY_TRANSITION(holdout_trans_date_numeric, false, true, true)
SUMMARY_TRANSITION(holdout_trans_tstz_float8, true, false, true)
SUMMARY_TRANSITION(holdout_trans_tstz_numeric, true, true, true)

/* Merge two partial customer-summary states (combine function) */
PG_FUNCTION_INFO_V1(summary_combine);
Datum
summary_combine(PG_FUNCTION_ARGS)
{
	SummaryState *dst = (SummaryState *) CrmWritableArg(fcinfo, 0);
	SummaryState *src = (SummaryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));

	PG_RETURN_POINTER(SummaryMerge(dst, src));
}

/* Number of fields of crm.customer_summary */
#define SUMMARY_FIELDS 12
/* Number of fields of crm.holdout_summary */
#define HOLDOUT_FIELDS (SUMMARY_FIELDS + 3)

/* The blessed result tuple descriptor of this call site */
static TupleDesc
ResultTupleDesc(FunctionCallInfo fcinfo, int expected_fields)
{
	TupleDesc	tupdesc;
	MemoryContext old;

	if (fcinfo->flinfo->fn_extra != NULL)
		return (TupleDesc) fcinfo->flinfo->fn_extra;
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE ||
		tupdesc->natts != expected_fields)
		elog(ERROR, "crm summary final function must return a %d-field composite",
			 expected_fields);
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = tupdesc;
	return tupdesc;
}

/* Fill the crm.customer_summary fields of a non-empty state; unit is storage for the unit field */
static void
FillSummaryFields(const SummaryState *s, Datum *values, Interval *unit)
{
	int32		first_period = SummaryFirstPeriod(s);
	int32		last_period = SummaryLastPeriod(s);
	int32		as_of_period = PeriodOfDay(&s->rules, s->as_of_day);
	int32		frequency = s->n_periods - 1;
	float8		monetary_total = s->first_period_spend + s->repeat_spend;

	/* money sums beyond the float8 range are an error, not Infinity or NaN */
	CheckResultFinite(monetary_total, "monetary total of a customer (sum of amounts)");
	CheckResultFinite(s->refund_total, "refund total of a customer (sum of refunds)");
	TimeRulesUnit(&s->rules, unit);
	values[0] = DateADTGetDatum(s->first_day);
	values[1] = DateADTGetDatum(s->last_day);
	values[2] = Int64GetDatum(s->n_transactions);
	values[3] = Int32GetDatum(s->n_periods);
	values[4] = Int32GetDatum(frequency);
	values[5] = Float8GetDatum(PeriodDistance(&s->rules, first_period,
											  last_period));
	values[6] = Float8GetDatum(PeriodDistance(&s->rules, first_period,
											  as_of_period));
	values[7] = Float8GetDatum(monetary_total);
	values[8] = Float8GetDatum(frequency > 0 ? s->repeat_spend / frequency : 0.0);
	values[9] = Int32GetDatum(s->as_of_day - s->last_day);
	values[10] = Float8GetDatum(s->refund_total);
	values[11] = IntervalPGetDatum(unit);
}

/* crm.summary_final(state): the customer summary, NULL if no purchase */
PG_FUNCTION_INFO_V1(summary_final);
Datum
summary_final(PG_FUNCTION_ARGS)
{
	SummaryState *s = (SummaryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	TupleDesc	tupdesc = ResultTupleDesc(fcinfo, SUMMARY_FIELDS);
	Datum		values[SUMMARY_FIELDS];
	bool		nulls[SUMMARY_FIELDS] = {0};
	Interval	unit;

	if (s->n_periods == 0)
		PG_RETURN_NULL();
	FillSummaryFields(s, values, &unit);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* crm.holdout_final(state): calibration summary plus holdout counts */
PG_FUNCTION_INFO_V1(holdout_final);
Datum
holdout_final(PG_FUNCTION_ARGS)
{
	SummaryState *s = (SummaryState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	TupleDesc	tupdesc = ResultTupleDesc(fcinfo, HOLDOUT_FIELDS);
	Datum		values[HOLDOUT_FIELDS];
	bool		nulls[HOLDOUT_FIELDS] = {0};
	int32		n_hold = s->n_holdout_periods;
	Interval	unit;

	if (s->n_periods == 0)
		PG_RETURN_NULL();
	FillSummaryFields(s, values, &unit);
	CheckResultFinite(s->holdout_spend, "holdout spend of a customer (sum of amounts)");
	values[SUMMARY_FIELDS] = Int32GetDatum(n_hold);
	values[SUMMARY_FIELDS + 1] =
		Float8GetDatum(n_hold > 0 ? s->holdout_spend / n_hold : 0.0);
	values[SUMMARY_FIELDS + 2] =
		Float8GetDatum(PeriodDistance(&s->rules,
									  PeriodOfDay(&s->rules, s->as_of_day),
									  PeriodOfDay(&s->rules, s->holdout_day)));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
