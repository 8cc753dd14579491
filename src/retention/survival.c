/*
 * survival.c
 *		Kaplan-Meier survival of customer tenure with right censoring.
 *
 * crm.km_fit(duration, event [, weight]) accumulates (duration, event)
 * tuples with counts in the shared tuple state (crm.clv_fit_state, shape
 * "durations", src/common/tuple_state.c) and finishes them into a
 * crm.survival: the distinct event and censoring times with their event
 * and censored counts.  That value is exact (it is the data the estimate
 * is a function of), so it can be stored, printed, re-read, merged with
 * other groups' values and analysed later: the survival table with
 * Greenwood standard errors and log-type confidence intervals (as R's
 * summary(survfit)), the median survival time and S(t).
 *
 * Conventions (R's survival package): at a time with both events and
 * censorings, the censored subjects are counted at risk at that time; the
 * 95% interval is exp(log S +- z sqrt(sum d / (n (n - d)))), its upper end
 * capped at 1; once S reaches 0 the Greenwood term is undefined and the
 * standard error and interval are NULL (R reports NA).
 *
 * Text form:  v1 n=11 times={9:1,0;13:1,1;...}  -- time:events,censored
 */
#include "crm.h"
#include "agg_states.h"
#include "crm_io.h"
#include "merge_buffer.h"
#include "tuple_state.h"

#include <float.h>
#include <math.h>

#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#define SURVIVAL_VERSION 1

/*
 * The normal quantile of a two-sided 95% interval, qnorm(0.975) to double
 * precision (R's survfit default conf.int = 0.95)
 */
#define SURVIVAL_Z95 1.959963984540054

/* One distinct time of a survival value */
typedef struct SurvivalTime
{
	float8		time;			/* the duration (finite, >= 0) */
	int64		n_event;		/* total weight of events at this time */
	int64		n_censored;		/* total weight of censorings at this time */
} SurvivalTime;

/*
 * crm.survival: the distinct times, ascending, with their counts.  Every
 * value has at least one time; each time has a positive total count.
 */
typedef struct Survival
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* SURVIVAL_VERSION */
	uint8		reserved[3];	/* must be zero */
	int32		n_times;		/* distinct times that follow */
	int32		reserved2;		/* must be zero */
	int64		n;				/* subjects (total weight of all rows) */
	SurvivalTime times[FLEXIBLE_ARRAY_MEMBER];	/* ascending by time */
} Survival;

#define DatumGetSurvivalP(d)	((Survival *) PG_DETOAST_DATUM(d))

/* One step of the Kaplan-Meier curve, at a distinct time */
typedef struct KmStep
{
	int64		n_risk;			/* subjects with duration >= this time */
	float8		surv;			/* S(time): product of (n - d) / n up to here */
	float8		greenwood;		/* sum of d / (n (n - d)) up to here; +inf
								 * once n = d (S = 0) */
} KmStep;

/* Raise 54000 when a survival value of n_times times would exceed 1 GB */
static void
CheckSurvivalSize(int64 n_times)
{
	if ((Size) n_times > (MaxAllocSize - offsetof(Survival, times)) / sizeof(SurvivalTime))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("survival value would exceed 1 GB"),
				 errhint("Round the durations, for example to whole days.")));
}

/* A new survival value with room for n_times times (zeroed, header set) */
static Survival *
SurvivalAllocate(int32 n_times)
{
	Size		size;
	Survival   *s;

	CheckSurvivalSize(n_times);
	size = offsetof(Survival, times) + sizeof(SurvivalTime) * (Size) n_times;
	s = (Survival *) palloc0(size);
	SET_VARSIZE(s, size);
	s->version = SURVIVAL_VERSION;
	s->n_times = n_times;
	return s;
}

/* Why times read from outside do not make a survival value, or NULL */
static const char *
SurvivalProblem(const SurvivalTime *times, int32 n_times, int64 n)
{
	int64		total = 0;

	if (n_times < 1)
		return "a survival value has at least one time";
	for (int32 i = 0; i < n_times; i++)
	{
		const SurvivalTime *t = &times[i];

		CHECK_FOR_INTERRUPTS();
		if (!isfinite(t->time) || t->time < 0)
			return "times must be finite and >= 0";
		if (i > 0 && !(times[i - 1].time < t->time))
			return "times must be strictly increasing";
		if (t->n_event < 0 || t->n_censored < 0 ||
			t->n_event > PG_INT64_MAX - t->n_censored ||
			t->n_event + t->n_censored == 0)
			return "counts must be >= 0 and not both 0";
		if (total > PG_INT64_MAX - t->n_event - t->n_censored)
			return "counts are out of range";
		total += t->n_event + t->n_censored;
	}
	if (total != n)
		return "the counts must add up to n";
	return NULL;
}

/* The Kaplan-Meier curve of a survival value: one step per distinct time (palloc'd) */
static KmStep *
KmCurve(const Survival *s)
{
	KmStep	   *steps = (KmStep *) palloc(sizeof(KmStep) * (Size) s->n_times);
	int64		n_risk = s->n;
	float8		surv = 1;
	float8		greenwood = 0;

	for (int32 i = 0; i < s->n_times; i++)
	{
		const SurvivalTime *t = &s->times[i];

		CHECK_FOR_INTERRUPTS();
		/* censored at this time are still at risk at this time */
		if (t->n_event > 0)
		{
			float8		n = (float8) n_risk;
			float8		d = (float8) t->n_event;

			surv *= (float8) (n_risk - t->n_event) / n;
			if (n_risk > t->n_event)
				greenwood += d / (n * (n - d));
			else
				greenwood = INFINITY;
		}
		steps[i].n_risk = n_risk;
		steps[i].surv = surv;
		steps[i].greenwood = greenwood;
		n_risk -= t->n_event + t->n_censored;
	}
	return steps;
}

/* Append "time:events,censored" of a SurvivalTime */
static void
WriteTime(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const SurvivalTime *t = (const SurvivalTime *) element;

	CrmAppendFloat8(buf, t->time);
	appendStringInfo(buf, ":" INT64_FORMAT "," INT64_FORMAT, t->n_event, t->n_censored);
}

/* Text form: "v1 n=N times={time:events,censored;...}" */
PG_FUNCTION_INFO_V1(survival_out);
Datum
survival_out(PG_FUNCTION_ARGS)
{
	Survival   *s = DatumGetSurvivalP(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d n=" INT64_FORMAT, s->version, s->n);
	CrmAppendList(&buf, "times", ";", s->times, sizeof(SurvivalTime), s->n_times,
				  WriteTime, NULL);
	PG_RETURN_CSTRING(buf.data);
}

/* Read "time:events,censored" into a SurvivalTime */
static void
ReadTime(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	SurvivalTime *t = (SurvivalTime *) element;

	t->time = CrmReadFloat8(r);
	CrmExpect(r, ":");
	t->n_event = CrmReadCount(r);
	CrmExpect(r, ",");
	t->n_censored = CrmReadCount(r);
}

/* Parse the text form of crm.survival */
PG_FUNCTION_INFO_V1(survival_in);
Datum
survival_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.survival", PG_GETARG_CSTRING(0));
	int64		n;
	int			n_times;
	SurvivalTime *times;
	Survival   *s;

	CrmExpectVersion(&r, SURVIVAL_VERSION);
	n = CrmReadKeyCount(&r, "n");
	times = CrmReadList(&r, "times", ";", sizeof(SurvivalTime), ReadTime, NULL, &n_times);
	CrmReadEnd(&r);
	CrmReadCheck(&r, SurvivalProblem(times, n_times, n));
	s = SurvivalAllocate(n_times);
	s->n = n;
	memcpy(s->times, times, sizeof(SurvivalTime) * (Size) n_times);
	PG_RETURN_POINTER(s);
}

/* Binary form of crm.survival */
PG_FUNCTION_INFO_V1(survival_send);
Datum
survival_send(PG_FUNCTION_ARGS)
{
	Survival   *s = DatumGetSurvivalP(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, s->version);
	pq_sendint64(&buf, s->n);
	pq_sendint32(&buf, s->n_times);
	for (int32 i = 0; i < s->n_times; i++)
	{
		pq_sendfloat8(&buf, s->times[i].time);
		pq_sendint64(&buf, s->times[i].n_event);
		pq_sendint64(&buf, s->times[i].n_censored);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.survival */
PG_FUNCTION_INFO_V1(survival_recv);
Datum
survival_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int64		n;
	int32		n_times;
	Survival   *s;

	CrmRecvVersion(buf, "crm.survival", SURVIVAL_VERSION);
	n = pq_getmsgint64(buf);
	n_times = CrmRecvLength(buf, "crm.survival", 8 + 8 + 8, "times");
	s = SurvivalAllocate(n_times);
	s->n = n;
	for (int32 i = 0; i < n_times; i++)
	{
		s->times[i].time = CrmRecvFloat8(buf);
		s->times[i].n_event = pq_getmsgint64(buf);
		s->times[i].n_censored = pq_getmsgint64(buf);
	}
	CrmBinaryCheck("crm.survival", SurvivalProblem(s->times, n_times, n));
	PG_RETURN_POINTER(s);
}

/* Raise 22000 unless a survival duration is finite and >= 0 */
static void
CheckDuration(float8 duration)
{
	CheckFinite(duration, "duration");
	if (duration < 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("duration must not be negative, not %g", duration),
				 errhint("A duration is the time from a customer's start to the event or to the end of observation.")));
}

/*
 * Transition of the survival fits: (duration float8, event bool [, weight]).
 * A row with a NULL duration or weight is skipped; a duration without its
 * event flag is an error (an event and a censoring mean opposite things).
 */
PG_FUNCTION_INFO_V1(clv_fit_trans_durations);
Datum
clv_fit_trans_durations(PG_FUNCTION_ARGS)
{
	ExpandedTupleState *expanded;
	TupleState *state = TupleTransitionState(fcinfo, TUPLE_SHAPE_DURATIONS, false, 0, NULL,
											 &expanded);
	float8		v[3] = {0, 0, 0};
	int64		weight = 1;

	if (PG_ARGISNULL(1))
		return TupleTransitionResult(expanded, state);
	if (PG_NARGS() > 3)
	{
		if (PG_ARGISNULL(3))
			return TupleTransitionResult(expanded, state);
		weight = TupleWeightArg(fcinfo, 3);
	}
	v[0] = PG_GETARG_FLOAT8(1);
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("event must not be NULL (duration %g)", v[0]),
				 errhint("Pass true when the event (churn) was observed at the duration, false when the customer was still active then (censored).")));
	CheckDuration(v[0]);
	if (weight == 0)
		return TupleTransitionResult(expanded, state);
	v[1] = PG_GETARG_BOOL(2) ? 1 : 0;
	state = TupleStateAdd(fcinfo, state, v, weight);
	return TupleTransitionResult(expanded, state);
}

/*
 * Final function of crm.km_fit: the survival value of a durations fit
 * state, or NULL when no row was counted
 */
PG_FUNCTION_INFO_V1(km_fit_final);
Datum
km_fit_final(PG_FUNCTION_ARGS)
{
	TupleState *state = TupleStateArg(fcinfo, 0, TUPLE_SHAPE_DURATIONS);
	int32		n_tuples;
	WeightedTuple *tuples;
	int32		n_times = 0;
	Survival   *s;

	if (state->n_rows == 0)
		PG_RETURN_NULL();
	/* sorted by (duration, event): each time's censorings, then its events */
	tuples = TupleStateTuples(state, &n_tuples);
	s = SurvivalAllocate(n_tuples);
	for (int32 i = 0; i < n_tuples; i++)
	{
		SurvivalTime *t;

		CHECK_FOR_INTERRUPTS();
		if (n_times == 0 || s->times[n_times - 1].time != tuples[i].v[0])
		{
			s->times[n_times].time = tuples[i].v[0];
			n_times++;
		}
		t = &s->times[n_times - 1];
		if (tuples[i].v[1] != 0)
			t->n_event = AddCounts(t->n_event, tuples[i].count, "survival event count");
		else
			t->n_censored = AddCounts(t->n_censored, tuples[i].count, "survival censored count");
	}
	s->n_times = n_times;
	SET_VARSIZE(s, offsetof(Survival, times) + sizeof(SurvivalTime) * (Size) n_times);
	s->n = state->n_rows;
	PG_RETURN_POINTER(s);
}

/* The subjects of two survival values together, raising 22003 beyond 64 bits */
static int64
AddSubjects(int64 a, int64 b)
{
	if (a > PG_INT64_MAX - b)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("merged survival would count more than " INT64_FORMAT " subjects",
						PG_INT64_MAX)));
	return a + b;
}

/* The survival value of the subjects of two values: their times merged into a new value */
static Survival *
SurvivalMergePair(const Survival *a, const Survival *b)
{
	int64		n = AddSubjects(a->n, b->n);
	Survival   *s = SurvivalAllocate(a->n_times + b->n_times);
	int32		i = 0;
	int32		j = 0;
	int32		k = 0;

	while (i < a->n_times || j < b->n_times)
	{
		const SurvivalTime *ta = i < a->n_times ? &a->times[i] : NULL;
		const SurvivalTime *tb = j < b->n_times ? &b->times[j] : NULL;

		CHECK_FOR_INTERRUPTS();
		if (tb == NULL || (ta != NULL && ta->time < tb->time))
		{
			s->times[k++] = *ta;
			i++;
		}
		else if (ta == NULL || tb->time < ta->time)
		{
			s->times[k++] = *tb;
			j++;
		}
		else
		{
			s->times[k] = *ta;
			s->times[k].n_event = AddCounts(ta->n_event, tb->n_event, "survival event count");
			s->times[k++].n_censored = AddCounts(ta->n_censored, tb->n_censored,
												 "survival censored count");
			i++;
			j++;
		}
	}
	s->n_times = k;
	SET_VARSIZE(s, offsetof(Survival, times) + sizeof(SurvivalTime) * (Size) k);
	s->n = n;
	return s;
}

/* SortSurvivalTimes(times, n): an inlined sort of times, ascending */
#define ST_SORT SortSurvivalTimes
#define ST_ELEMENT_TYPE SurvivalTime
#define ST_COMPARE(a, b) (((a)->time > (b)->time) - ((a)->time < (b)->time))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Sort survival times ascending (the merge buffer's sort) */
static void
MergeSortTimes(void *elements, size_t n)
{
	SortSurvivalTimes((SurvivalTime *) elements, n);
}

/* Order of two survival times by time (the merge buffer's comparison) */
static int
MergeCompareTimes(const void *a, const void *b)
{
	float8		ta = ((const SurvivalTime *) a)->time;
	float8		tb = ((const SurvivalTime *) b)->time;

	return (ta > tb) - (ta < tb);
}

/* Add the counts of the same time (the merge buffer's collapse) */
static void
MergeAddTimes(void *into, const void *from)
{
	SurvivalTime *t = (SurvivalTime *) into;
	const SurvivalTime *f = (const SurvivalTime *) from;

	t->n_event = AddCounts(t->n_event, f->n_event, "survival event count");
	t->n_censored = AddCounts(t->n_censored, f->n_censored, "survival censored count");
}

static const MergeBufferOps SurvivalTimeOps = {
	sizeof(SurvivalTime), MergeSortTimes, MergeCompareTimes, MergeAddTimes
};

/*
 * The state of crm.survival_merge (and of survival_combine inside any
 * aggregate): an expanded object accumulating the values' times in a merge
 * buffer, so that merging N values costs O(times x log), and flattened into
 * the crm.survival of its compacted run when it leaves the aggregate
 */
typedef struct ExpandedSurvival
{
	ExpandedObjectHeader hdr;	/* standard expanded-object header */
	int64		n;				/* subjects of the values merged */
	MergeBuffer times;			/* their times, in hdr.eoh_context */
} ExpandedSurvival;

/* Size of the flat form of an expanded survival value: its times compacted */
static Size
ExpandedSurvivalFlatSize(ExpandedObjectHeader *eohptr)
{
	ExpandedSurvival *expanded = (ExpandedSurvival *) eohptr;

	MergeBufferCompact(&expanded->times);
	CheckSurvivalSize(expanded->times.n_run);
	return offsetof(Survival, times) + sizeof(SurvivalTime) * (Size) expanded->times.n_run;
}

/* Write the flat form of an expanded survival value into result */
static void
ExpandedSurvivalFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ExpandedSurvival *expanded = (ExpandedSurvival *) eohptr;
	Survival   *s = (Survival *) result;

	Assert(expanded->times.n_buffered == 0 &&
		   allocated_size == ExpandedSurvivalFlatSize(eohptr));
	memset(s, 0, offsetof(Survival, times));
	SET_VARSIZE(s, allocated_size);
	s->version = SURVIVAL_VERSION;
	s->n_times = (int32) expanded->times.n_run;
	s->n = expanded->n;
	memcpy(s->times, expanded->times.data, sizeof(SurvivalTime) * (Size) s->n_times);
}

static const ExpandedObjectMethods ExpandedSurvivalMethods = {
	ExpandedSurvivalFlatSize,
	ExpandedSurvivalFlatten
};

/* A new expanded survival value of aggregate context parent (agg_states.h), holding the times of s */
static ExpandedSurvival *
NewExpandedSurvival(MemoryContext parent, const Survival *s)
{
	MemoryContext context = CrmAggStateContext(parent);
	ExpandedSurvival *expanded = (ExpandedSurvival *)
		MemoryContextAlloc(context, sizeof(ExpandedSurvival));

	EOH_init_header(&expanded->hdr, &ExpandedSurvivalMethods, context);
	MergeBufferInit(&expanded->times, &SurvivalTimeOps, context);
	expanded->n = s->n;
	MergeBufferAppendRun(&expanded->times, s->times, s->n_times);
	return expanded;
}

/*
 * Combine: the survival value of the subjects of two values (exact).
 * Inside an aggregate (crm.survival_merge) the first argument is the
 * aggregate's own state: an expanded value (made from it the first time)
 * that the second value's times are added to in place.  Called directly,
 * a new value; the arguments never change.
 */
PG_FUNCTION_INFO_V1(survival_combine);
Datum
survival_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	Datum		raw = PG_GETARG_DATUM(0);
	ExpandedSurvival *expanded = NULL;
	Survival   *b;

	if (AggCheckCallContext(fcinfo, &aggcontext) == 0)
		PG_RETURN_POINTER(SurvivalMergePair(DatumGetSurvivalP(raw),
											DatumGetSurvivalP(PG_GETARG_DATUM(1))));
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(raw)) &&
		DatumGetEOHP(raw)->eoh_methods == &ExpandedSurvivalMethods)
		expanded = (ExpandedSurvival *) DatumGetEOHP(raw);
	/* a flat copy if it is expanded, even the state itself */
	b = DatumGetSurvivalP(PG_GETARG_DATUM(1));
	if (expanded == NULL)
		expanded = NewExpandedSurvival(aggcontext, DatumGetSurvivalP(raw));
	expanded->n = AddSubjects(expanded->n, b->n);
	MergeBufferAppendRun(&expanded->times, b->times, b->n_times);
	PG_RETURN_DATUM(EOHPGetRWDatum(&expanded->hdr));
}

/*
 * crm.survival_table(s): one row per event time (time, n_risk, n_event,
 * n_censored, survival, std_err, lower, upper), as R's summary(survfit)
 */
PG_FUNCTION_INFO_V1(survival_table);
Datum
survival_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Survival   *s = DatumGetSurvivalP(PG_GETARG_DATUM(0));
	KmStep	   *steps = KmCurve(s);
	int64		censored_since = 0;

	InitMaterializedSRF(fcinfo, 0);
	for (int32 i = 0; i < s->n_times; i++)
	{
		const SurvivalTime *t = &s->times[i];
		const KmStep *k = &steps[i];
		Datum		values[8];
		bool		nulls[8] = {false, false, false, false, false, false, false, false};

		CHECK_FOR_INTERRUPTS();
		/* censorings in (previous event time, this time], as R reports them */
		censored_since += t->n_censored;
		if (t->n_event == 0)
			continue;
		values[0] = Float8GetDatum(t->time);
		values[1] = Int64GetDatum(k->n_risk);
		values[2] = Int64GetDatum(t->n_event);
		values[3] = Int64GetDatum(censored_since);
		values[4] = Float8GetDatum(k->surv);
		if (isinf(k->greenwood))
			nulls[5] = nulls[6] = nulls[7] = true;
		else
		{
			float8		se_log = sqrt(k->greenwood);

			values[5] = Float8GetDatum(k->surv * se_log);
			values[6] = Float8GetDatum(exp(log(k->surv) - SURVIVAL_Z95 * se_log));
			values[7] = Float8GetDatum(Min(1.0, exp(log(k->surv) + SURVIVAL_Z95 * se_log)));
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		censored_since = 0;
	}
	return (Datum) 0;
}

/*
 * The median survival time by R's rule (quantile.survfit): the first event
 * time with S <= 0.5; where S equals 0.5 (within sqrt(DBL_EPSILON)) over an
 * interval, the middle of that interval (up to the last observed time when
 * the curve ends there); NULL when S stays above 0.5
 */
static bool
MedianSurvival(const Survival *s, float8 *median)
{
	const float8 p = 0.5;
	const float8 tolerance = sqrt(DBL_EPSILON);
	KmStep	   *steps = KmCurve(s);
	int32		first = -1;		/* first event time with S <= p + tolerance */
	int32		below = -1;		/* first event time with S <= p - tolerance */

	for (int32 i = 0; i < s->n_times && below < 0; i++)
	{
		if (s->times[i].n_event == 0)
			continue;
		if (first < 0 && steps[i].surv <= p + tolerance)
			first = i;
		if (steps[i].surv <= p - tolerance)
			below = i;
	}
	if (first < 0)
		return false;
	/* halves first: the sum of two times near the float8 limit overflows */
	*median = s->times[first].time / 2 +
		s->times[below >= 0 ? below : s->n_times - 1].time / 2;
	return true;
}

/* crm.median_survival(s): the median survival time (NULL if S stays above 0.5) */
PG_FUNCTION_INFO_V1(survival_median);
Datum
survival_median(PG_FUNCTION_ARGS)
{
	Survival   *s = DatumGetSurvivalP(PG_GETARG_DATUM(0));
	float8		median;

	if (!MedianSurvival(s, &median))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(median);
}

/*
 * crm.survival_at(s, t): the Kaplan-Meier S(t), a right-continuous step
 * function; 1 before the first event; beyond the last observed time 0 if
 * the curve has reached 0 and NULL otherwise (not estimable there)
 */
PG_FUNCTION_INFO_V1(survival_at);
Datum
survival_at(PG_FUNCTION_ARGS)
{
	Survival   *s = DatumGetSurvivalP(PG_GETARG_DATUM(0));
	float8		t = PG_GETARG_FLOAT8(1);
	KmStep	   *steps;
	float8		surv = 1;

	CheckFinite(t, "time t");
	steps = KmCurve(s);
	if (t > s->times[s->n_times - 1].time)
	{
		if (steps[s->n_times - 1].surv == 0)
			PG_RETURN_FLOAT8(0);
		PG_RETURN_NULL();
	}
	for (int32 i = 0; i < s->n_times && s->times[i].time <= t; i++)
		surv = steps[i].surv;
	PG_RETURN_FLOAT8(surv);
}

/* Append a JSON array of the times, the event counts or the censored counts */
static void
AppendJsonColumn(StringInfo buf, const char *key, const Survival *s, int column)
{
	appendStringInfo(buf, ", \"%s\": [", key);
	for (int32 i = 0; i < s->n_times; i++)
	{
		if (i > 0)
			appendStringInfoString(buf, ", ");
		if (column == 0)
			CrmAppendFloat8(buf, s->times[i].time);
		else
			appendStringInfo(buf, INT64_FORMAT,
							 column == 1 ? s->times[i].n_event : s->times[i].n_censored);
	}
	appendStringInfoChar(buf, ']');
}

/* The value as jsonb: n, events, censored, median, times, n_event, n_censored */
PG_FUNCTION_INFO_V1(survival_jsonb);
Datum
survival_jsonb(PG_FUNCTION_ARGS)
{
	Survival   *s = DatumGetSurvivalP(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int64		events = 0;
	float8		median;

	for (int32 i = 0; i < s->n_times; i++)
		events += s->times[i].n_event;
	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"n\": " INT64_FORMAT ", \"events\": " INT64_FORMAT
					 ", \"censored\": " INT64_FORMAT, s->n, events, s->n - events);
	appendStringInfoString(&buf, ", \"median\": ");
	if (MedianSurvival(s, &median))
		CrmAppendFloat8(&buf, median);
	else
		appendStringInfoString(&buf, "null");
	AppendJsonColumn(&buf, "times", s, 0);
	AppendJsonColumn(&buf, "n_event", s, 1);
	AppendJsonColumn(&buf, "n_censored", s, 2);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
