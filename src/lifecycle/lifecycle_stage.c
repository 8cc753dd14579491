/*
 * lifecycle_stage.c
 *		The lifecycle stage model (crm.lifecycle_model) and the stage of a
 *		customer: as of one date from the purchase dates or from a customer
 *		summary (crm.lifecycle_stage), and over a series of dates
 *		(crm.stage_path, crm.stage_table).  The rules are in
 *		lifecycle_stage.h and docs/lifecycle.md.
 *
 * Text form of the model:
 *	 v1 new=90d active=90d lapsed=180d lost=365d at_risk_p_alive=0 lost_p_alive=0
 * a threshold written as months "3m", days "90d", or both "1m15d".
 * Text form of a path: v1 stages={2024-01-31:none,2024-02-29:new,...}
 */
#include "crm.h"
#include "calendar.h"
#include "crm_io.h"
#include "lifecycle_stage.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/timestamp.h"

/* Stage names by code (STAGE_NONE has none) */
static const char *const stage_names[STAGE_CODES] = {
	NULL, "new", "active", "reactivated", "at_risk", "lapsed", "lost"
};

/* The stage name of a code (STAGE_NONE: NULL) */
const char *
StageName(int code)
{
	return (code > STAGE_NONE && code < STAGE_CODES) ? stage_names[code] : NULL;
}

/* The code of a stage name ("none" is STAGE_NONE), or -1 */
int
StageCode(const char *name)
{
	if (strcmp(name, "none") == 0)
		return STAGE_NONE;
	for (int code = 1; code < STAGE_CODES; code++)
		if (strcmp(name, stage_names[code]) == 0)
			return code;
	return -1;
}

/* Why a series of dates is impossible (not ascending, out of range), or NULL */
const char *
StageDatesProblem(const int32 *dates, int32 n)
{
	int32		lo = date2j(1, 1, 1) - POSTGRES_EPOCH_JDATE;
	int32		hi = date2j(9999, 12, 31) - POSTGRES_EPOCH_JDATE;

	if (n < 1 || n > STAGE_MAX_DATES)
		return "a stage series has 1 to 1000 dates";
	for (int32 i = 0; i < n; i++)
	{
		if (dates[i] < lo || dates[i] > hi)
			return "dates must be within years 1 to 9999";
		if (i > 0 && dates[i] <= dates[i - 1])
			return "dates must be strictly increasing";
	}
	return NULL;
}

/* day + threshold as date + interval computes it (months first, day clamped), as a day number */
static int64
AddThreshold(int32 day, const StageThreshold *t)
{
	int			year,
				month,
				mday;
	int64		months;
	int			y;
	int			m;

	if (t->months == 0)
		return (int64) day + t->days;
	j2date(day + POSTGRES_EPOCH_JDATE, &year, &month, &mday);
	months = (int64) year * 12 + (month - 1) + t->months;
	y = (int) (months / 12);
	m = (int) (months % 12) + 1;
	if (mday > day_tab[isleap(y)][m - 1])
		mday = day_tab[isleap(y)][m - 1];
	return (int64) date2j(y, m, mday) - POSTGRES_EPOCH_JDATE + t->days;
}

/*
 * The stage as of a day of a customer with this first and last purchase
 * and, when has_return, the last purchase that ended a lapse
 */
static int
StageOf(const LifecycleModel *model, int32 first, int32 last, bool has_return,
		int32 last_return, int32 as_of)
{
	if ((model->new_within.months > 0 || model->new_within.days > 0) &&
		AddThreshold(first, &model->new_within) > as_of)
		return STAGE_NEW;
	if (AddThreshold(last, &model->active_within) > as_of)
		return (has_return && AddThreshold(last_return, &model->active_within) > as_of)
			? STAGE_REACTIVATED : STAGE_ACTIVE;
	if (AddThreshold(last, &model->lapsed_after) > as_of)
		return STAGE_AT_RISK;
	if (AddThreshold(last, &model->lost_after) > as_of)
		return STAGE_LAPSED;
	return STAGE_LOST;
}

/* A stage moved by a P(alive): below lost_p_alive lost, an active one below at_risk_p_alive at risk */
static int
StageWithPAlive(const LifecycleModel *model, int stage, float8 p_alive)
{
	if (stage == STAGE_NEW)
		return stage;
	if (p_alive < model->lost_p_alive)
		return STAGE_LOST;
	if ((stage == STAGE_ACTIVE || stage == STAGE_REACTIVATED) && p_alive < model->at_risk_p_alive)
		return STAGE_AT_RISK;
	return stage;
}

/* Approximate length of a threshold in days (30-day months), for ordering checks */
static int64
ThresholdApproxDays(const StageThreshold *t)
{
	return (int64) t->months * 30 + t->days;
}

/* Why a model is impossible, or NULL */
static const char *
ModelProblem(const LifecycleModel *m)
{
	const StageThreshold *all[4] = {&m->new_within, &m->active_within, &m->lapsed_after, &m->lost_after};

	for (int i = 0; i < 4; i++)
		if (all[i]->months < 0 || all[i]->months > STAGE_MAX_MONTHS ||
			all[i]->days < 0 || all[i]->days > STAGE_MAX_DAYS)
			return "thresholds must be between 0 and 100 years";
	if (ThresholdApproxDays(&m->active_within) <= 0)
		return "active_within must be positive";
	if (ThresholdApproxDays(&m->active_within) > ThresholdApproxDays(&m->lapsed_after) ||
		ThresholdApproxDays(&m->lapsed_after) > ThresholdApproxDays(&m->lost_after))
		return "thresholds must satisfy active_within <= lapsed_after <= lost_after";
	if (!(m->at_risk_p_alive >= 0 && m->at_risk_p_alive <= 1) ||
		!(m->lost_p_alive >= 0 && m->lost_p_alive <= 1))
		return "P(alive) cut-offs must be in [0, 1]";
	return NULL;
}

/* A zeroed model with its header */
static LifecycleModel *
ModelNew(void)
{
	LifecycleModel *m = (LifecycleModel *) palloc0(sizeof(LifecycleModel));

	SET_VARSIZE(m, sizeof(LifecycleModel));
	m->version = LIFECYCLE_MODEL_VERSION;
	return m;
}

/* The threshold of an interval argument (22023 unless whole non-negative months and days) */
static StageThreshold
ThresholdFromInterval(const Interval *iv, const char *what)
{
	StageThreshold t;

	if (iv->time != 0 || iv->month < 0 || iv->day < 0 ||
		iv->month > STAGE_MAX_MONTHS || iv->day > STAGE_MAX_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s \"%s\"", what,
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(iv)))),
				 errdetail("A threshold is a number of months and days, each between 0 and 100 years, without a time of day part."),
				 errhint("Use for example interval '90 days' or interval '6 months'.")));
	t.months = iv->month;
	t.days = iv->day;
	return t;
}

/* Raise 22023 with the problem of a model built from arguments */
static void
CheckModel(const LifecycleModel *m)
{
	const char *problem = ModelProblem(m);

	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid lifecycle model"),
				 errdetail("%s", problem)));
}

PG_FUNCTION_INFO_V1(lifecycle_model_make);
/* crm.lifecycle_model(new_within, active_within, lapsed_after, lost_after [, at_risk_p_alive, lost_p_alive]) */
Datum
lifecycle_model_make(PG_FUNCTION_ARGS)
{
	LifecycleModel *m = ModelNew();

	m->new_within = ThresholdFromInterval(PG_GETARG_INTERVAL_P(0), "new_within");
	m->active_within = ThresholdFromInterval(PG_GETARG_INTERVAL_P(1), "active_within");
	m->lapsed_after = ThresholdFromInterval(PG_GETARG_INTERVAL_P(2), "lapsed_after");
	m->lost_after = ThresholdFromInterval(PG_GETARG_INTERVAL_P(3), "lost_after");
	if (PG_NARGS() > 4)
	{
		m->at_risk_p_alive = PG_GETARG_FLOAT8(4);
		m->lost_p_alive = PG_GETARG_FLOAT8(5);
	}
	CheckModel(m);
	PG_RETURN_POINTER(m);
}

/* Argument argno, a lifecycle model, detoasted */
static LifecycleModel *
ModelArg(FunctionCallInfo fcinfo, int argno)
{
	return (LifecycleModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/* Append a threshold as "3m", "90d", "1m15d" or "0d" */
static void
AppendThreshold(StringInfo buf, const char *key, const StageThreshold *t)
{
	appendStringInfo(buf, " %s=", key);
	if (t->months > 0)
		appendStringInfo(buf, "%dm", t->months);
	if (t->days > 0 || t->months == 0)
		appendStringInfo(buf, "%dd", t->days);
}

/* Read "key=" and a threshold written by AppendThreshold */
static StageThreshold
ReadThreshold(CrmReader *r, const char *key)
{
	StageThreshold t = {0, 0};
	int64		first;

	CrmExpectKey(r, key);
	first = CrmReadInt(r, 0, PG_INT32_MAX);
	if (CrmReadLiteral(r, "m"))
	{
		t.months = (int32) first;
		if (isdigit((unsigned char) *r->p))
		{
			t.days = (int32) CrmReadInt(r, 0, PG_INT32_MAX);
			CrmExpect(r, "d");
		}
	}
	else
	{
		CrmExpect(r, "d");
		t.days = (int32) first;
	}
	return t;
}

PG_FUNCTION_INFO_V1(lifecycle_model_in);
/* Text input of crm.lifecycle_model */
Datum
lifecycle_model_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(LIFECYCLE_MODEL_TYPE, PG_GETARG_CSTRING(0));
	LifecycleModel *m = ModelNew();

	CrmExpectVersion(&r, LIFECYCLE_MODEL_VERSION);
	m->new_within = ReadThreshold(&r, "new");
	m->active_within = ReadThreshold(&r, "active");
	m->lapsed_after = ReadThreshold(&r, "lapsed");
	m->lost_after = ReadThreshold(&r, "lost");
	m->at_risk_p_alive = CrmReadKeyFloat8(&r, "at_risk_p_alive");
	m->lost_p_alive = CrmReadKeyFloat8(&r, "lost_p_alive");
	CrmReadEnd(&r);
	CrmReadCheck(&r, ModelProblem(m));
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(lifecycle_model_out);
/* Text output of crm.lifecycle_model (see the top of this file) */
Datum
lifecycle_model_out(PG_FUNCTION_ARGS)
{
	LifecycleModel *m = ModelArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", LIFECYCLE_MODEL_VERSION);
	AppendThreshold(&buf, "new", &m->new_within);
	AppendThreshold(&buf, "active", &m->active_within);
	AppendThreshold(&buf, "lapsed", &m->lapsed_after);
	AppendThreshold(&buf, "lost", &m->lost_after);
	CrmAppendKeyFloat8(&buf, "at_risk_p_alive", m->at_risk_p_alive);
	CrmAppendKeyFloat8(&buf, "lost_p_alive", m->lost_p_alive);
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(lifecycle_model_send);
/* Binary output: version, three zero bytes, four (months, days) pairs, two float8 */
Datum
lifecycle_model_send(PG_FUNCTION_ARGS)
{
	LifecycleModel *m = ModelArg(fcinfo, 0);
	const StageThreshold *all[4] = {&m->new_within, &m->active_within, &m->lapsed_after, &m->lost_after};
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, LIFECYCLE_MODEL_VERSION);
	pq_sendbyte(&buf, 0);
	pq_sendint16(&buf, 0);
	for (int i = 0; i < 4; i++)
	{
		pq_sendint32(&buf, all[i]->months);
		pq_sendint32(&buf, all[i]->days);
	}
	pq_sendfloat8(&buf, m->at_risk_p_alive);
	pq_sendfloat8(&buf, m->lost_p_alive);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(lifecycle_model_recv);
/* Binary input of crm.lifecycle_model (see lifecycle_model_send) */
Datum
lifecycle_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	LifecycleModel *m = ModelNew();
	StageThreshold *all[4] = {&m->new_within, &m->active_within, &m->lapsed_after, &m->lost_after};

	CrmRecvVersion(buf, LIFECYCLE_MODEL_TYPE, LIFECYCLE_MODEL_VERSION);
	if (pq_getmsgbyte(buf) != 0 || pq_getmsgint(buf, 2) != 0)
		CrmBinaryError(LIFECYCLE_MODEL_TYPE, "reserved bytes must be zero");
	for (int i = 0; i < 4; i++)
	{
		all[i]->months = (int32) pq_getmsgint(buf, 4);
		all[i]->days = (int32) pq_getmsgint(buf, 4);
	}
	m->at_risk_p_alive = CrmRecvFloat8(buf);
	m->lost_p_alive = CrmRecvFloat8(buf);
	CrmBinaryCheck(LIFECYCLE_MODEL_TYPE, ModelProblem(m));
	PG_RETURN_POINTER(m);
}

/* Append a threshold as a JSON interval string ("3 mons 15 days") */
static void
AppendJsonThreshold(StringInfo buf, const char *key, const StageThreshold *t, bool comma)
{
	appendStringInfo(buf, "%s\"%s\": \"%d mons %d days\"", comma ? ", " : "", key, t->months, t->days);
}

PG_FUNCTION_INFO_V1(lifecycle_model_jsonb);
/* crm.lifecycle_model_jsonb(m): the thresholds as interval strings and the P(alive) cut-offs */
Datum
lifecycle_model_jsonb(PG_FUNCTION_ARGS)
{
	LifecycleModel *m = ModelArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoChar(&buf, '{');
	AppendJsonThreshold(&buf, "new_within", &m->new_within, false);
	AppendJsonThreshold(&buf, "active_within", &m->active_within, true);
	AppendJsonThreshold(&buf, "lapsed_after", &m->lapsed_after, true);
	AppendJsonThreshold(&buf, "lost_after", &m->lost_after, true);
	appendStringInfoString(&buf, ", \"at_risk_p_alive\": ");
	CrmAppendFloat8(&buf, m->at_risk_p_alive);
	appendStringInfoString(&buf, ", \"lost_p_alive\": ");
	CrmAppendFloat8(&buf, m->lost_p_alive);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/* SortDays(days, n): an inlined, interruptible ascending sort of day numbers */
#define ST_SORT SortDays
#define ST_ELEMENT_TYPE int32
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * The purchase days of a date[] argument, NULLs skipped, sorted ascending
 * into days (room for all elements); returns their number (22000 for an
 * infinite date)
 */
static int
PurchaseDays(ArrayType *array, int32 *days)
{
	int			n = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	DateADT    *values = (DateADT *) ARR_DATA_PTR(array);
	bits8	   *nulls = ARR_NULLBITMAP(array);
	int			kept = 0;

	if (ARR_ELEMTYPE(array) != DATEOID)
		elog(ERROR, "purchase dates must be a date[]");
	for (int i = 0; i < n; i++)
	{
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
		if (nulls != NULL && !(nulls[i / 8] & (1 << (i % 8))))
			continue;
		days[kept++] = CheckFiniteDate(*values, "a purchase date");
		values++;
	}
	if (kept > 1)
		SortDays(days, kept);
	return kept;
}

/*
 * The stage code at each of n_dates ascending dates of a customer with n
 * ascending purchase days
 */
static void
StagesOfDays(const LifecycleModel *model, const int32 *days, int n, const int32 *dates,
			 int32 n_dates, uint8 *stages)
{
	int			j = 0;
	bool		has_return = false;
	int32		last_return = 0;

	for (int32 k = 0; k < n_dates; k++)
	{
		while (j < n && days[j] <= dates[k])
		{
			if (j > 0 && AddThreshold(days[j - 1], &model->lapsed_after) <= days[j])
			{
				has_return = true;
				last_return = days[j];
			}
			j++;
		}
		stages[k] = (j == 0) ? STAGE_NONE
			: (uint8) StageOf(model, days[0], days[j - 1], has_return, last_return, dates[k]);
	}
}

/* A text datum of a stage, or NULL (not a customer yet) */
static Datum
StageResult(FunctionCallInfo fcinfo, int stage)
{
	if (stage == STAGE_NONE)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(StageName(stage)));
}

PG_FUNCTION_INFO_V1(lifecycle_stage_dates);
/* crm.lifecycle_stage(model, purchases date[], as_of): the stage, NULL before the first purchase */
Datum
lifecycle_stage_dates(PG_FUNCTION_ARGS)
{
	LifecycleModel *model = ModelArg(fcinfo, 0);
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);
	int32		as_of = CheckFiniteDate(PG_GETARG_DATEADT(2), "as_of");
	int32	   *days = (int32 *) palloc(sizeof(int32) *
										(ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array)) + 1));
	int			n = PurchaseDays(array, days);
	uint8		stage;

	StagesOfDays(model, days, n, &as_of, 1, &stage);
	return StageResult(fcinfo, stage);
}

/*
 * The stage of a customer summary as of its as_of (no reactivation: a
 * summary keeps no gaps); *valid false for a summary with a missing field
 */
static int
SummaryStage(const LifecycleModel *model, HeapTupleHeader summary, bool *valid)
{
	bool		null_first,
				null_last,
				null_since;
	Datum		first = GetAttributeByName(summary, "first_purchase", &null_first);
	Datum		last = GetAttributeByName(summary, "last_purchase", &null_last);
	Datum		since = GetAttributeByName(summary, "days_since_last", &null_since);
	int32		last_day;

	*valid = !(null_first || null_last || null_since);
	if (!*valid)
		return STAGE_NONE;
	last_day = CheckFiniteDate(DatumGetDateADT(last), "last purchase");
	if (DatumGetInt32(since) < 0 || !IS_VALID_DATE((int64) last_day + DatumGetInt32(since)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("customer summary with an invalid last purchase or days since last purchase")));
	return StageOf(model, CheckFiniteDate(DatumGetDateADT(first), "first purchase"), last_day,
				   false, 0, last_day + DatumGetInt32(since));
}

PG_FUNCTION_INFO_V1(lifecycle_stage_summary);
/* crm.lifecycle_stage(model, customer_summary [, p_alive]): the stage as of the summary's as_of */
Datum
lifecycle_stage_summary(PG_FUNCTION_ARGS)
{
	LifecycleModel *model = ModelArg(fcinfo, 0);
	bool		valid;
	int			stage = SummaryStage(model, CRM_GETARG_HEAPTUPLEHEADER(1), &valid);

	if (!valid)
		PG_RETURN_NULL();
	if (PG_NARGS() > 2)
	{
		float8		p_alive = PG_GETARG_FLOAT8(2);

		if (!(p_alive >= 0 && p_alive <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("P(alive) must be in [0, 1], not %g", p_alive)));
		stage = StageWithPAlive(model, stage, p_alive);
	}
	return StageResult(fcinfo, stage);
}

/* The series first + k * step, k = 0, 1, ..., up to last, into dates; returns its length */
static int32
SeriesDates(int32 first, int32 last, const Interval *step, int32 *dates)
{
	StageThreshold k_step;
	int32		n = 0;

	if (step->time != 0 || step->month < 0 || step->day < 0 ||
		(step->month == 0 && step->day == 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid step \"%s\"",
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(step)))),
				 errdetail("The step must be a positive number of days and months, without a time of day part."),
				 errhint("Use for example interval '1 month' or interval '7 days'.")));
	if (last < first)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the last date of a stage series is before its first")));
	for (;;)
	{
		int64		day;

		k_step.months = (int32) Min((int64) n * step->month, PG_INT32_MAX);
		k_step.days = (int32) Min((int64) n * step->day, PG_INT32_MAX);
		day = AddThreshold(first, &k_step);
		if (day > last)
			break;
		if (n == STAGE_MAX_DATES)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a stage series has at most %d dates", STAGE_MAX_DATES),
					 errhint("Use a longer step or a shorter range.")));
		dates[n++] = (int32) day;
	}
	return n;
}

/* The series of a call site, kept across calls with the same first, last and step */
typedef struct SeriesCache
{
	int32		first;			/* first date of the series */
	int32		last;			/* last date asked for */
	Interval	step;			/* the step */
	int32		n_dates;		/* dates in the series */
	int32		dates[STAGE_MAX_DATES];	/* the series */
	int32	   *days;			/* a buffer for purchase days */
	int			days_room;		/* its room */
} SeriesCache;

PG_FUNCTION_INFO_V1(stage_path_make);
/* crm.stage_path(model, purchases date[], first, last, step): the stage at each date of the series */
Datum
stage_path_make(PG_FUNCTION_ARGS)
{
	LifecycleModel *model = ModelArg(fcinfo, 0);
	ArrayType  *array = PG_GETARG_ARRAYTYPE_P(1);
	int32		first = CheckFiniteDate(PG_GETARG_DATEADT(2), "the first date");
	int32		last = CheckFiniteDate(PG_GETARG_DATEADT(3), "the last date");
	Interval   *step = PG_GETARG_INTERVAL_P(4);
	SeriesCache *cache = (SeriesCache *) fcinfo->flinfo->fn_extra;
	int			n_items = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	int			n;
	StagePath  *path;

	if (cache == NULL || cache->first != first || cache->last != last ||
		memcmp(&cache->step, step, sizeof(Interval)) != 0)
	{
		if (cache == NULL)
			cache = (SeriesCache *) MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
														   sizeof(SeriesCache));
		cache->n_dates = SeriesDates(first, last, step, cache->dates);
		if (StageDatesProblem(cache->dates, cache->n_dates) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("stage series dates must be within years 1 to 9999")));
		cache->first = first;
		cache->last = last;
		cache->step = *step;
		fcinfo->flinfo->fn_extra = cache;
	}
	if (n_items + 1 > cache->days_room)
	{
		if (cache->days != NULL)
			pfree(cache->days);
		cache->days_room = Max(n_items + 1, 64);
		cache->days = (int32 *) MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
												   sizeof(int32) * cache->days_room);
	}
	n = PurchaseDays(array, cache->days);
	path = (StagePath *) palloc0(StagePathSize(cache->n_dates));
	SET_VARSIZE(path, StagePathSize(cache->n_dates));
	path->version = STAGE_PATH_VERSION;
	path->n_dates = cache->n_dates;
	memcpy(StagePathDates(path), cache->dates, sizeof(int32) * cache->n_dates);
	StagesOfDays(model, cache->days, n, cache->dates, cache->n_dates, StagePathStages(path));
	PG_RETURN_POINTER(path);
}

/* Argument argno, a stage path, detoasted */
static StagePath *
PathArg(FunctionCallInfo fcinfo, int argno)
{
	return (StagePath *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/* Why a path's stages are impossible (an unknown code, a customer who stops being one), or NULL */
static const char *
PathProblem(const StagePath *path)
{
	const uint8 *stages = StagePathStages(path);
	const char *problem = StageDatesProblem(StagePathDates(path), path->n_dates);

	if (problem != NULL)
		return problem;
	for (int32 k = 0; k < path->n_dates; k++)
	{
		if (stages[k] >= STAGE_CODES)
			return "unknown stage code";
		if (k > 0 && stages[k] == STAGE_NONE && stages[k - 1] != STAGE_NONE)
			return "a customer stays a customer: none cannot follow a stage";
	}
	return NULL;
}

/* A path of n dates with version and size set */
static StagePath *
PathNew(int32 n)
{
	StagePath  *path = (StagePath *) palloc0(StagePathSize(n));

	SET_VARSIZE(path, StagePathSize(n));
	path->version = STAGE_PATH_VERSION;
	path->n_dates = n;
	return path;
}

PG_FUNCTION_INFO_V1(stage_path_out);
/* Text output of crm.stage_path: v1 stages={date:stage,...} */
Datum
stage_path_out(PG_FUNCTION_ARGS)
{
	StagePath  *path = PathArg(fcinfo, 0);
	const int32 *dates = StagePathDates(path);
	const uint8 *stages = StagePathStages(path);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d stages={", STAGE_PATH_VERSION);
	for (int32 k = 0; k < path->n_dates; k++)
	{
		if (k > 0)
			appendStringInfoChar(&buf, ',');
		CrmAppendDate(&buf, dates[k]);
		appendStringInfo(&buf, ":%s", stages[k] == STAGE_NONE ? "none" : StageName(stages[k]));
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(stage_path_in);
/* Text input of crm.stage_path */
Datum
stage_path_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(STAGE_PATH_TYPE, PG_GETARG_CSTRING(0));
	int32		dates[STAGE_MAX_DATES];
	uint8		codes[STAGE_MAX_DATES];
	int32		n = 0;
	StagePath  *path;

	CrmExpectVersion(&r, STAGE_PATH_VERSION);
	CrmExpectKey(&r, "stages");
	CrmExpect(&r, "{");
	while (CrmReadListNext(&r, n, ","))
	{
		int			code;

		if (n == STAGE_MAX_DATES)
			CrmReadError(&r, "a stage path has at most 1000 dates");
		dates[n] = CrmReadDate(&r);
		CrmExpect(&r, ":");
		code = StageCode(CrmReadWord(&r));
		if (code < 0)
			CrmReadError(&r, "unknown stage");
		codes[n++] = (uint8) code;
	}
	CrmReadEnd(&r);
	if (n == 0)
		CrmReadError(&r, "a stage path has at least one date");
	path = PathNew(n);
	memcpy(StagePathDates(path), dates, sizeof(int32) * n);
	memcpy(StagePathStages(path), codes, n);
	CrmReadCheck(&r, PathProblem(path));
	PG_RETURN_POINTER(path);
}

PG_FUNCTION_INFO_V1(stage_path_send);
/* Binary output: version, three zero bytes, the number of dates, the dates, the stage codes */
Datum
stage_path_send(PG_FUNCTION_ARGS)
{
	StagePath  *path = PathArg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, STAGE_PATH_VERSION);
	pq_sendbyte(&buf, 0);
	pq_sendint16(&buf, 0);
	pq_sendint32(&buf, path->n_dates);
	for (int32 k = 0; k < path->n_dates; k++)
		pq_sendint32(&buf, StagePathDates(path)[k]);
	pq_sendbytes(&buf, (const char *) StagePathStages(path), path->n_dates);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(stage_path_recv);
/* Binary input of crm.stage_path (see stage_path_send) */
Datum
stage_path_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		n;
	StagePath  *path;

	CrmRecvVersion(buf, STAGE_PATH_TYPE, STAGE_PATH_VERSION);
	if (pq_getmsgbyte(buf) != 0 || pq_getmsgint(buf, 2) != 0)
		CrmBinaryError(STAGE_PATH_TYPE, "reserved bytes must be zero");
	n = CrmRecvLength(buf, STAGE_PATH_TYPE, sizeof(int32) + 1, "dates");
	if (n < 1 || n > STAGE_MAX_DATES)
		CrmBinaryError(STAGE_PATH_TYPE, "a stage path has 1 to 1000 dates");
	path = PathNew(n);
	for (int32 k = 0; k < n; k++)
		StagePathDates(path)[k] = (int32) pq_getmsgint(buf, 4);
	pq_copymsgbytes(buf, (char *) StagePathStages(path), n);
	CrmBinaryCheck(STAGE_PATH_TYPE, PathProblem(path));
	PG_RETURN_POINTER(path);
}

PG_FUNCTION_INFO_V1(stage_table);
/* crm.stage_table(path): (as_of, stage) per date, stage NULL before the first purchase */
Datum
stage_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	StagePath  *path = PathArg(fcinfo, 0);

	InitMaterializedSRF(fcinfo, 0);
	for (int32 k = 0; k < path->n_dates; k++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};
		uint8		stage = StagePathStages(path)[k];

		values[0] = DateADTGetDatum(StagePathDates(path)[k]);
		if (stage == STAGE_NONE)
			nulls[1] = true;
		else
			values[1] = PointerGetDatum(cstring_to_text(StageName(stage)));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
