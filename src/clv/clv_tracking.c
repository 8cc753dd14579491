/*
 * clv_tracking.c
 *		Tracking of a customer base against a purchase model: the aggregate
 *		crm.tracking_data, whose state (crm.tracking_state) counts the
 *		customers born on each day of a calendar window and their actual
 *		repeat purchases in each period of it, and crm.tracking(model, state
 *		[, life_z, trans_z]), the table a tracking plot needs: per period the
 *		actual and the expected repeat purchases, incremental and cumulative.
 *
 * Input: one row per customer, the days of their purchases (a date[]; any
 * order, repeated days merged as crm.summary merges them).  The first day
 * is the customer's birth; every later distinct day is one repeat purchase.
 * The window is periods periods of period (whole days, e.g. 7) from origin;
 * customers born before origin or after the window are not tracked, only
 * counted (before_origin, after_window: crm.tracking tells how many in a
 * NOTICE, so that a mistaken origin does not go unseen, and one customer
 * with an odd first date does not stop the plot); repeat purchases after
 * the window are not counted.
 *
 * The expectation (Fader, Hardie & Lee 2005, section 5; BTYD's
 * ExpectedCumulativeTransactions): a customer born at the start of day d
 * expects E(t) repeat purchases in the t time units after, E the kind's
 * expectation of a new customer, so the cumulative expectation at the end
 * of period j (the start of day e = (j + 1) period) is
 *
 *	 sum over days d < e of births(d) E((e - d) / unit)
 *
 * with unit the model's time unit in days (the tracking period when the
 * model has none).  E depends on the lag e - d alone: it is computed once
 * per lag that occurs (at most the days in the window, not customers), and
 * convolved with the births per day, so a million customers cost what a
 * thousand do; the convolution's periods x days with births is bounded by
 * TRACKING_MAX_WORK (22023 beyond).
 */
#include "crm.h"
#include "clv_covariates.h"
#include "calendar.h"
#include "crm_io.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#define TRACKING_VERSION 1
/* Most days in a window (1,000 years) and most periods */
#define TRACKING_MAX_DAYS 365243
#define TRACKING_MAX_PERIODS 100000
/* Longest period, in days */
#define TRACKING_MAX_PERIOD_DAYS 366
/*
 * Most multiply-adds of one crm.tracking (periods times days with births):
 * about a second
 */
#define TRACKING_MAX_WORK INT64CONST(1000000000)
/* Days in the mean Gregorian month (clv_unit.c converts months the same way) */
#define DAYS_PER_MEAN_MONTH 30.436875

static const char *const TrackingTypeName = "crm.tracking_state";

/*
 * The state: births per day of the window, then repeat purchases per
 * period, with the window that fixes their layout
 */
typedef struct TrackingState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* TRACKING_VERSION */
	uint8		reserved1;		/* must be zero */
	uint16		reserved2;		/* must be zero */
	int32		origin;			/* first day of the window (DateADT) */
	int32		period_days;	/* days per period */
	int32		n_periods;		/* periods in the window */
	int64		customers;		/* customers born in the window */
	int64		before_origin;	/* customers born before it, not tracked */
	int64		after_window;	/* customers born after it, not tracked */
	int64		counts[FLEXIBLE_ARRAY_MEMBER];	/* births per day (n_periods
												 * period_days), then repeat
												 * purchases per period */
} TrackingState;

/* Days in the window of a state */
static inline int32
WindowDays(const TrackingState *s)
{
	return s->n_periods * s->period_days;
}

/* Births per day of a state */
static inline int64 *
Births(TrackingState *s)
{
	return s->counts;
}

/* Repeat purchases per period of a state */
static inline int64 *
Repeats(TrackingState *s)
{
	return s->counts + WindowDays(s);
}

/* Size of a state of n_days days and n_periods periods */
static Size
StateSize(int32 n_days, int32 n_periods)
{
	return offsetof(TrackingState, counts) + sizeof(int64) * ((Size) n_days + n_periods);
}

/* The first and last day a state's text form can hold: 0001-01-01, 9999-12-31 */
static inline int32
FirstDay(void)
{
	return date2j(1, 1, 1) - POSTGRES_EPOCH_JDATE;
}

static inline int32
LastDay(void)
{
	return date2j(9999, 12, 31) - POSTGRES_EPOCH_JDATE;
}

/* Why a window is invalid, or NULL */
static const char *
WindowProblem(int32 origin, int32 period_days, int32 n_periods)
{
	if (DATE_NOT_FINITE(origin) || origin < FirstDay() || origin > LastDay())
		return "the origin must be a date between 0001-01-01 and 9999-12-31";
	if (period_days < 1 || period_days > TRACKING_MAX_PERIOD_DAYS)
		return "the period must be a whole number of days between 1 and 366";
	if (n_periods < 1 || n_periods > TRACKING_MAX_PERIODS)
		return "periods must be between 1 and 100000";
	if ((int64) n_periods * period_days > TRACKING_MAX_DAYS)
		return "the window must not be longer than 365243 days (1000 years)";
	if ((int64) origin + (int64) n_periods * period_days - 1 > LastDay())
		return "the window must end by 9999-12-31";
	return NULL;
}

/* A new empty state of a window (palloc'd in the current context) */
static TrackingState *
StateMake(int32 origin, int32 period_days, int32 n_periods)
{
	Size		size = StateSize(n_periods * period_days, n_periods);
	TrackingState *s = (TrackingState *) palloc0(size);

	SET_VARSIZE(s, size);
	s->version = TRACKING_VERSION;
	s->origin = origin;
	s->period_days = period_days;
	s->n_periods = n_periods;
	return s;
}

/* Why a state read from outside is impossible, or NULL */
static const char *
StateProblem(const TrackingState *s)
{
	const char *problem = WindowProblem(s->origin, s->period_days, s->n_periods);
	int64		births = 0;

	if (problem != NULL)
		return problem;
	if (s->customers < 0 || s->before_origin < 0 || s->after_window < 0)
		return "customers must not be negative";
	for (int32 i = 0; i < WindowDays(s) + s->n_periods; i++)
	{
		if (s->counts[i] < 0)
			return "counts must not be negative";
		if (i < WindowDays(s))
		{
			if (s->counts[i] > PG_INT64_MAX - births)
				return "the births overflow";
			births += s->counts[i];
		}
	}
	if (births != s->customers)
		return "the births per day must add up to customers";
	return NULL;
}

/* The whole-day length of a tracking period (22023 unless 1 .. 366 whole days) */
static int32
PeriodDays(const Interval *period)
{
	if (period->month != 0 || period->time != 0 || period->day < 1 ||
		period->day > TRACKING_MAX_PERIOD_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tracking period must be a whole number of days between 1 and 366, not \"%s\"",
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(period)))),
				 errhint("Use '1 day', '1 week', '28 days' ...")));
	return period->day;
}

/* Scratch of the transition kept per call site: the row's days, sorted */
typedef struct DayBuffer
{
	int32		allocated;		/* room in days */
	DateADT    *days;			/* the buffer */
} DayBuffer;

/* Ascending order of days */
static int
CompareDays(const void *a, const void *b)
{
	DateADT		x = *(const DateADT *) a;
	DateADT		y = *(const DateADT *) b;

	return x < y ? -1 : x > y ? 1 : 0;
}

/*
 * crm.tracking_data transition (state, purchases date[], origin date,
 * period interval, periods integer): the customer's birth and repeat
 * purchases added to the state (made at the first row)
 */
PG_FUNCTION_INFO_V1(tracking_trans);
Datum
tracking_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	TrackingState *s = PG_ARGISNULL(0) ? NULL : (TrackingState *) PG_GETARG_POINTER(0);
	ArrayType  *array;
	DayBuffer  *buffer;
	int			n_items;
	int32		n = 0;
	bits8	   *nulls;
	DateADT    *data;
	int32		birth;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		elog(ERROR, "tracking_trans called in non-aggregate context");
	/* a row without purchases changes nothing (no state before the first that has some) */
	if (PG_ARGISNULL(1))
	{
		if (s == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(s);
	}
	CheckNotNull(fcinfo, 2, "origin");
	CheckNotNull(fcinfo, 3, "period");
	CheckNotNull(fcinfo, 4, "periods");
	if (s == NULL)
	{
		DateADT		origin = PG_GETARG_DATEADT(2);
		int32		period_days = PeriodDays(PG_GETARG_INTERVAL_P(3));
		int32		n_periods = PG_GETARG_INT32(4);
		const char *problem;
		MemoryContext old;

		CheckFiniteDate(origin, "origin");
		problem = WindowProblem(origin, period_days, n_periods);
		if (problem != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid tracking window: %s", problem)));
		old = MemoryContextSwitchTo(aggcontext);
		s = StateMake(origin, period_days, n_periods);
		MemoryContextSwitchTo(old);
	}
	else if (PG_GETARG_DATEADT(2) != s->origin ||
			 PeriodDays(PG_GETARG_INTERVAL_P(3)) != s->period_days ||
			 PG_GETARG_INT32(4) != s->n_periods)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("origin, period and periods must be the same for every row of crm.tracking_data")));

	/* the row's days, without NULLs, sorted in the call site's buffer */
	array = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_ELEMTYPE(array) != DATEOID || ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("purchases must be a one-dimensional date array")));
	n_items = ArrayGetNItems(ARR_NDIM(array), ARR_DIMS(array));
	buffer = (DayBuffer *) fcinfo->flinfo->fn_extra;
	if (buffer == NULL)
		buffer = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(DayBuffer));
	if (n_items > buffer->allocated)
	{
		int32		allocated = Max(n_items, 2 * buffer->allocated);

		if (buffer->days != NULL)
			pfree(buffer->days);
		buffer->days = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(DateADT) * allocated);
		buffer->allocated = allocated;
	}
	nulls = ARR_NULLBITMAP(array);
	data = (DateADT *) ARR_DATA_PTR(array);
	for (int i = 0; i < n_items; i++)
	{
		if (nulls != NULL && !(nulls[i / 8] & (1 << (i % 8))))
			continue;
		buffer->days[n++] = CheckFiniteDate(*data++, "purchase date");
	}
	if (n == 0)
		PG_RETURN_POINTER(s);
	if (n > 1)
		qsort(buffer->days, n, sizeof(DateADT), CompareDays);

	birth = buffer->days[0];
	if (birth < s->origin)
	{
		s->before_origin = AddCounts(s->before_origin, 1, "untracked customers");
		PG_RETURN_POINTER(s);
	}
	if ((int64) birth - s->origin >= WindowDays(s))
	{
		s->after_window = AddCounts(s->after_window, 1, "untracked customers");
		PG_RETURN_POINTER(s);
	}
	Births(s)[birth - s->origin]++;
	s->customers++;
	for (int32 i = 1; i < n; i++)
	{
		int64		day = (int64) buffer->days[i] - s->origin;

		if (buffer->days[i] == buffer->days[i - 1])
			continue;			/* one purchase per day */
		if (day >= WindowDays(s))
			break;
		Repeats(s)[day / s->period_days]++;
	}
	PG_RETURN_POINTER(s);
}

/* crm.tracking_combine(a, b): the states of one window merged */
PG_FUNCTION_INFO_V1(tracking_combine);
Datum
tracking_combine(PG_FUNCTION_ARGS)
{
	TrackingState *a = (TrackingState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	TrackingState *b = (TrackingState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	int32		n;

	if (a->origin != b->origin || a->period_days != b->period_days || a->n_periods != b->n_periods)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge tracking states of different windows")));
	/* in an aggregate the first state is ours to change; else a copy */
	if (!AggCheckCallContext(fcinfo, NULL) || (Pointer) a == DatumGetPointer(PG_GETARG_DATUM(1)))
	{
		TrackingState *copy = (TrackingState *) palloc(VARSIZE(a));

		memcpy(copy, a, VARSIZE(a));
		a = copy;
	}
	n = WindowDays(a) + a->n_periods;
	a->customers = AddCounts(a->customers, b->customers, "tracked customers");
	a->before_origin = AddCounts(a->before_origin, b->before_origin, "untracked customers");
	a->after_window = AddCounts(a->after_window, b->after_window, "untracked customers");
	for (int32 i = 0; i < n; i++)
		a->counts[i] = AddCounts(a->counts[i], b->counts[i], "tracking counts");
	PG_RETURN_POINTER(a);
}

/* Append " key={index:count,...}" of the nonzero counts */
static void
AppendSparse(StringInfo buf, const char *key, const int64 *counts, int32 n)
{
	bool		first = true;

	appendStringInfo(buf, " %s={", key);
	for (int32 i = 0; i < n; i++)
		if (counts[i] != 0)
		{
			appendStringInfo(buf, "%s%d:" INT64_FORMAT, first ? "" : ",", i, counts[i]);
			first = false;
		}
	appendStringInfoChar(buf, '}');
}

/* Read " key={index:count,...}" into counts[0 .. n-1] (indexes ascending, counts > 0) */
static void
ReadSparse(CrmReader *r, const char *key, int64 *counts, int32 n)
{
	int64		previous = -1;

	CrmExpectKey(r, key);
	CrmExpect(r, "{");
	for (int i = 0; CrmReadListNext(r, i, ","); i++)
	{
		int64		index = CrmReadInt(r, 0, (int64) n - 1);

		if (index <= previous)
			CrmReadError(r, "indexes must be ascending");
		CrmExpect(r, ":");
		counts[index] = CrmReadInt(r, 1, PG_INT64_MAX);
		previous = index;
	}
}

/*
 * Text output: "v1 origin=YYYY-MM-DD period_days=7 periods=78 customers=N
 * before_origin=B after_window=A births={...} repeats={...}"
 */
PG_FUNCTION_INFO_V1(tracking_state_out);
Datum
tracking_state_out(PG_FUNCTION_ARGS)
{
	TrackingState *s = (TrackingState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d origin=", TRACKING_VERSION);
	CrmAppendDate(&buf, s->origin);
	appendStringInfo(&buf, " period_days=%d periods=%d customers=" INT64_FORMAT
					 " before_origin=" INT64_FORMAT " after_window=" INT64_FORMAT,
					 s->period_days, s->n_periods, s->customers,
					 s->before_origin, s->after_window);
	AppendSparse(&buf, "births", Births(s), WindowDays(s));
	AppendSparse(&buf, "repeats", Repeats(s), s->n_periods);
	PG_RETURN_CSTRING(buf.data);
}

/* Text input of the form tracking_state_out writes (22P02 otherwise) */
PG_FUNCTION_INFO_V1(tracking_state_in);
Datum
tracking_state_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	CrmReader	r = CrmReaderStart(TrackingTypeName, input);
	int32		origin;
	int32		period_days;
	int32		n_periods;
	int64		customers;
	TrackingState *s;

	CrmExpectVersion(&r, TRACKING_VERSION);
	CrmExpectKey(&r, "origin");
	origin = CrmReadDate(&r);
	period_days = CrmReadKeyInt(&r, "period_days", 1, TRACKING_MAX_PERIOD_DAYS);
	n_periods = CrmReadKeyInt(&r, "periods", 1, TRACKING_MAX_PERIODS);
	CrmReadCheck(&r, WindowProblem(origin, period_days, n_periods));
	customers = CrmReadKeyInt(&r, "customers", 0, PG_INT64_MAX);
	s = StateMake(origin, period_days, n_periods);
	s->customers = customers;
	s->before_origin = CrmReadKeyCount(&r, "before_origin");
	s->after_window = CrmReadKeyCount(&r, "after_window");
	ReadSparse(&r, "births", Births(s), WindowDays(s));
	ReadSparse(&r, "repeats", Repeats(s), n_periods);
	CrmReadEnd(&r);
	CrmReadCheck(&r, StateProblem(s));
	PG_RETURN_POINTER(s);
}

/* Binary output: the window, customers, then the nonzero counts as (index, count) */
PG_FUNCTION_INFO_V1(tracking_state_send);
Datum
tracking_state_send(PG_FUNCTION_ARGS)
{
	TrackingState *s = (TrackingState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int32		n = WindowDays(s) + s->n_periods;
	int32		nonzero = 0;

	for (int32 i = 0; i < n; i++)
		nonzero += s->counts[i] != 0;
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, TRACKING_VERSION);
	pq_sendint32(&buf, s->origin);
	pq_sendint32(&buf, s->period_days);
	pq_sendint32(&buf, s->n_periods);
	pq_sendint64(&buf, s->customers);
	pq_sendint64(&buf, s->before_origin);
	pq_sendint64(&buf, s->after_window);
	pq_sendint32(&buf, nonzero);
	for (int32 i = 0; i < n; i++)
		if (s->counts[i] != 0)
		{
			pq_sendint32(&buf, i);
			pq_sendint64(&buf, s->counts[i]);
		}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of the form tracking_state_send writes (22P03 otherwise) */
PG_FUNCTION_INFO_V1(tracking_state_recv);
Datum
tracking_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		origin;
	int32		period_days;
	int32		n_periods;
	int64		customers;
	int32		nonzero;
	int32		previous = -1;
	TrackingState *s;

	if (pq_getmsgbyte(buf) != TRACKING_VERSION)
		CrmBinaryError(TrackingTypeName, "unsupported version");
	origin = pq_getmsgint(buf, 4);
	period_days = pq_getmsgint(buf, 4);
	n_periods = pq_getmsgint(buf, 4);
	CrmBinaryCheck(TrackingTypeName, WindowProblem(origin, period_days, n_periods));
	customers = pq_getmsgint64(buf);
	s = StateMake(origin, period_days, n_periods);
	s->customers = customers;
	s->before_origin = pq_getmsgint64(buf);
	s->after_window = pq_getmsgint64(buf);
	nonzero = pq_getmsgint(buf, 4);
	if (nonzero < 0 || nonzero > WindowDays(s) + n_periods)
		CrmBinaryError(TrackingTypeName, "impossible number of counts");
	for (int32 k = 0; k < nonzero; k++)
	{
		int32		i = pq_getmsgint(buf, 4);
		int64		count = pq_getmsgint64(buf);

		if (i <= previous || i >= WindowDays(s) + n_periods || count <= 0)
			CrmBinaryError(TrackingTypeName, "counts must be positive at ascending indexes in the window");
		s->counts[i] = count;
		previous = i;
	}
	CrmBinaryCheck(TrackingTypeName, StateProblem(s));
	PG_RETURN_POINTER(s);
}

/*
 * crm.tracking(model, state [, life_z, trans_z]): per period of the
 * window, (period, period_start, customers, actual, expected,
 * actual_cumulative, expected_cumulative); see the file comment
 */
static Datum
Tracking(FunctionCallInfo fcinfo, bool covariates)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ClvModel   *model;
	const ClvModelOps *ops;
	TrackingState *s = (TrackingState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	int32		n_days = WindowDays(s);
	float8		unit_days;
	float8	   *expected_at;	/* E at lag 1 .. n_days days */
	int64	   *births = Births(s);
	int32	   *birth_days;		/* the days with births, ascending */
	int32		n_birth_days = 0;
	int64		born = 0;
	int64		actual_cumulative = 0;
	float8		previous = 0;

	model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	ClvCheckScorable(model);
	ops = ClvOpsOf(model->kind);
	if (covariates)
	{
		model = ClvCustomerModelArgs(fcinfo, ops, model, 2);
		if (model == NULL)
		{
			/* a NULL covariate: no rows, as for a NULL argument */
			InitMaterializedSRF(fcinfo, 0);
			return (Datum) 0;
		}
	}
	else
		ClvCheckNoCovariates(model);
	ClvRequireOperation(ops, ops->expected != NULL, "expected");
	if (s->before_origin > 0 || s->after_window > 0)
		ereport(NOTICE,
				(errmsg("tracking " INT64_FORMAT " customers; " INT64_FORMAT " first bought before the window and "
						INT64_FORMAT " after it, and are not tracked",
						s->customers, s->before_origin, s->after_window),
				 errhint("The window starts at the origin of crm.tracking_data; choose an earlier origin to track the earlier customers.")));
	if (model->flags & CLV_FLAG_HAS_UNIT)
		unit_days = model->unit.months * DAYS_PER_MEAN_MONTH + model->unit.days +
			(float8) model->unit.usecs / USECS_PER_DAY;
	else
		unit_days = s->period_days;

	/* the days with births, ascending; the work is periods x those days */
	birth_days = (int32 *) palloc(sizeof(int32) * ((Size) n_days + 1));
	for (int32 d = 0; d < n_days; d++)
		if (births[d] != 0)
			birth_days[n_birth_days++] = d;
	CheckSizeBound((int64) s->n_periods * n_birth_days, TRACKING_MAX_WORK,
				   "periods times days with births of a tracking state");

	/* E once per lag that is needed (NaN: not yet), in the model's unit */
	expected_at = (float8 *) palloc(sizeof(float8) * ((Size) n_days + 1));
	for (int32 lag = 0; lag <= n_days; lag++)
		expected_at[lag] = get_float8_nan();

	InitMaterializedSRF(fcinfo, 0);
	for (int32 j = 0; j < s->n_periods; j++)
	{
		int32		end = (j + 1) * s->period_days; /* the start of the next period */
		float8		cumulative = 0;
		Datum		values[7];
		bool		nulls[7] = {false, false, false, false, false, false, false};

		CHECK_FOR_INTERRUPTS();
		for (int32 k = 0; k < n_birth_days && birth_days[k] < end; k++)
		{
			int32		lag = end - birth_days[k];

			if (isnan(expected_at[lag]))
			{
				float8		horizon = lag / unit_days;

				ClvCheckHorizonOf(ops->spec.shape, horizon);
				expected_at[lag] = ops->expected(model, horizon, NULL);
			}
			cumulative += births[birth_days[k]] * expected_at[lag];
		}
		for (int32 d = j * s->period_days; d < end; d++)
			born += births[d];
		actual_cumulative += Repeats(s)[j];
		CheckResultFinite(cumulative, "expected cumulative purchases");
		values[0] = Int32GetDatum(j + 1);
		values[1] = DateADTGetDatum(s->origin + j * s->period_days);
		values[2] = Int64GetDatum(born);
		values[3] = Int64GetDatum(Repeats(s)[j]);
		values[4] = Float8GetDatum(Max(cumulative - previous, 0.0));
		values[5] = Int64GetDatum(actual_cumulative);
		values[6] = Float8GetDatum(cumulative);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		previous = cumulative;
	}
	return (Datum) 0;
}

/* crm.tracking(model, state) */
PG_FUNCTION_INFO_V1(clv_tracking);
Datum
clv_tracking(PG_FUNCTION_ARGS)
{
	return Tracking(fcinfo, false);
}

/* crm.tracking(model, state, life_z, trans_z): the base's customers share these covariates */
PG_FUNCTION_INFO_V1(clv_tracking_cov);
Datum
clv_tracking_cov(PG_FUNCTION_ARGS)
{
	return Tracking(fcinfo, true);
}
