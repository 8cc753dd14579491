/*
 * service_backlog.c
 *		crm.backlog_state: open tickets at each time of a calendar series,
 *		from one pass over the tickets (crm.backlog_fit, crm.backlog_merge),
 *		and crm.backlog_table that reads it.
 *
 * The series is start, start + step, start + 2 * step, ... up to stop, each
 * time the previous one plus step in the session time zone (as
 * generate_series(start, stop, step) makes it; at most 100,000 times).  A
 * ticket is open at time t when opened <= t and (resolved IS NULL or
 * resolved > t).  The state keeps the times of the series (so it reads the
 * same in any time zone) and, per time, the tickets that open there minus
 * those that close there: a row costs two binary searches, and the open
 * counts are the running sums.  16 bytes per time of the series.
 *
 * Text form (open counts per time, round-trips exactly):
 *	 v1 step=P1D tickets=5 skipped=0
 *		open={2026-01-01T00:00:00Z:0,2026-01-02T00:00:00Z:3}
 */
#include "crm.h"
#include "crm_io.h"
#include "calendar.h"
#include "service.h"
#include "time_unit.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

/* Most times of a backlog series */
#define BACKLOG_MAX_POINTS 100000
/* The SQL type, for messages */
#define BACKLOG_TYPE "crm.backlog_state"

/* One time of the series */
typedef struct BacklogPoint
{
	TimestampTz at;				/* the time */
	int64		delta;			/* tickets opening minus closing here (a
								 * stored value: the same; the text form
								 * shows running sums) */
} BacklogPoint;

/* A backlog state: the header, then n_points points */
typedef struct BacklogState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* BACKLOG_STATE_VERSION */
	uint8		reserved1;		/* must be zero */
	uint16		reserved2;		/* must be zero */
	int32		n_points;		/* times in the series (1 .. 100000) */
	TimeUnit	step;			/* the step of the series */
	int64		tickets;		/* tickets counted */
	int64		n_skipped;		/* rows skipped: opened NULL */
} BacklogState;

#define BACKLOG_HEADER_SIZE MAXALIGN(sizeof(BacklogState))

/* The points of a backlog state */
static inline BacklogPoint *
BacklogPoints(const BacklogState *state)
{
	return (BacklogPoint *) ((char *) state + BACKLOG_HEADER_SIZE);
}

/* A new zeroed state of n points */
static BacklogState *
StateNew(int32 n)
{
	Size		size = BACKLOG_HEADER_SIZE + sizeof(BacklogPoint) * (Size) n;
	BacklogState *state = (BacklogState *) palloc0(size);

	SET_VARSIZE(state, size);
	state->version = BACKLOG_STATE_VERSION;
	state->n_points = n;
	return state;
}

/* Argument argno, a backlog state, detoasted */
static BacklogState *
BacklogStateArg(FunctionCallInfo fcinfo, int argno)
{
	return (BacklogState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/*
 * A new state for the series start .. stop by step (arguments 3, 4, 5),
 * checked: not NULL (22004), start <= stop and a positive step (22023), at
 * most 100,000 times (22023)
 */
static BacklogState *
StateForSeries(FunctionCallInfo fcinfo)
{
	TimestampTz start;
	TimestampTz stop;
	Interval   *step;
	TimeUnit	unit;
	TimestampTz *times;
	int32		n = 0;
	int32		allocated = 64;
	BacklogState *state;

	CheckNotNull(fcinfo, 3, "start");
	CheckNotNull(fcinfo, 4, "stop");
	CheckNotNull(fcinfo, 5, "step");
	start = PG_GETARG_TIMESTAMPTZ(3);
	stop = PG_GETARG_TIMESTAMPTZ(4);
	step = PG_GETARG_INTERVAL_P(5);
	ServiceCheckTextTime(start, "start");
	ServiceCheckTextTime(stop, "stop");
	if (start > stop)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("start must not be after stop")));
	TimeUnitFromInterval(step, &unit);
	times = (TimestampTz *) palloc(sizeof(TimestampTz) * allocated);
	for (TimestampTz t = start; t <= stop;)
	{
		CHECK_FOR_INTERRUPTS();
		if (n >= BACKLOG_MAX_POINTS)
			CheckSizeBound((int64) n + 1, BACKLOG_MAX_POINTS, "times of the backlog series");
		if (n == allocated)
		{
			allocated *= 2;
			times = (TimestampTz *) repalloc(times, sizeof(TimestampTz) * allocated);
		}
		times[n++] = t;
		t = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
													TimestampTzGetDatum(t),
													IntervalPGetDatum(step)));
		if (TIMESTAMP_NOT_FINITE(t) || t <= times[n - 1])
			break;
	}
	state = StateNew(n);
	state->step = unit;
	for (int32 i = 0; i < n; i++)
		BacklogPoints(state)[i].at = times[i];
	pfree(times);
	return state;
}

/* The first point at or after t (n_points if none) */
static inline int32
LowerBound(const BacklogState *state, TimestampTz t)
{
	const BacklogPoint *points = BacklogPoints(state);
	int32		lo = 0;
	int32		hi = state->n_points;

	while (lo < hi)
	{
		int32		mid = (lo + hi) / 2;

		if (points[mid].at < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The series arguments a call site last found equal to a state's series */
typedef struct SeriesCheck
{
	const BacklogState *state;	/* the state */
	TimestampTz stop;			/* the stop argument found equal */
} SeriesCheck;

/*
 * Raise 22023 unless a row's start, stop and step (arguments 3, 4, 5; 22004
 * if NULL) give the state's series: the same start and step, and a stop
 * from its last time to before the next one.  The stop's check adds a step
 * in the session time zone, so it is remembered per call site for the state
 */
static void
CheckSameSeries(FunctionCallInfo fcinfo, const BacklogState *state)
{
	const BacklogPoint *points = BacklogPoints(state);
	SeriesCheck *check = (SeriesCheck *) fcinfo->flinfo->fn_extra;
	Interval   *step;
	TimestampTz stop;
	TimestampTz last = points[state->n_points - 1].at;

	CheckNotNull(fcinfo, 3, "start");
	CheckNotNull(fcinfo, 4, "stop");
	CheckNotNull(fcinfo, 5, "step");
	step = PG_GETARG_INTERVAL_P(5);
	stop = PG_GETARG_TIMESTAMPTZ(4);
	if (PG_GETARG_TIMESTAMPTZ(3) != points[0].at || stop < last ||
		step->month != state->step.months || step->day != state->step.days ||
		step->time != state->step.usecs)
		goto differs;
	if (check != NULL && check->state == state && check->stop == stop)
		return;
	if (state->n_points < BACKLOG_MAX_POINTS)
	{
		TimestampTz next = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
																   TimestampTzGetDatum(last),
																   IntervalPGetDatum(step)));

		if (next <= stop)
			goto differs;
	}
	if (check == NULL)
	{
		check = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(SeriesCheck));
		fcinfo->flinfo->fn_extra = check;
	}
	check->state = state;
	check->stop = stop;
	return;

differs:
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("start, stop and step must be the same for every row of crm.backlog_fit")));
}

/*
 * Transition of crm.backlog_fit(opened, resolved, start, stop, step): the
 * series is made on the first row; later rows must give the same series
 */
PG_FUNCTION_INFO_V1(backlog_trans);
Datum
backlog_trans(PG_FUNCTION_ARGS)
{
	BacklogState *state;
	BacklogPoint *points;
	TimestampTz opened;
	int32		first;
	int32		end;

	if (PG_ARGISNULL(0))
		state = StateForSeries(fcinfo);
	else
	{
		state = (BacklogState *) CrmWritableArg(fcinfo, 0);
		CheckSameSeries(fcinfo, state);
	}
	if (PG_ARGISNULL(1))
	{
		state->n_skipped = AddCounts(state->n_skipped, 1, "skipped row count");
		PG_RETURN_POINTER(state);
	}
	opened = PG_GETARG_TIMESTAMPTZ(1);
	CheckFiniteTimestamp(opened, "opened");
	first = LowerBound(state, opened);
	end = state->n_points;
	if (!PG_ARGISNULL(2))
	{
		TimestampTz resolved = PG_GETARG_TIMESTAMPTZ(2);

		CheckFiniteTimestamp(resolved, "resolved");
		if (resolved < opened)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("ticket resolved at %s, before it was opened at %s",
							pstrdup(timestamptz_to_str(resolved)), pstrdup(timestamptz_to_str(opened)))));
		end = LowerBound(state, resolved);
	}
	points = BacklogPoints(state);
	state->tickets = AddCounts(state->tickets, 1, "ticket count");
	if (first < end)
	{
		points[first].delta++;
		if (end < state->n_points)
			points[end].delta--;
	}
	PG_RETURN_POINTER(state);
}

/* Combine (and the transition of crm.backlog_merge): add the second state to the first */
PG_FUNCTION_INFO_V1(backlog_combine);
Datum
backlog_combine(PG_FUNCTION_ARGS)
{
	BacklogState *a = (BacklogState *) CrmWritableArg(fcinfo, 0);
	BacklogState *b = BacklogStateArg(fcinfo, 1);
	BacklogPoint *pa = BacklogPoints(a);
	const BacklogPoint *pb = BacklogPoints(b);

	if (a->n_points != b->n_points || !TimeUnitEqual(&a->step, &b->step) ||
		pa[0].at != pb[0].at || pa[a->n_points - 1].at != pb[b->n_points - 1].at)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge backlog states of different series")));
	a->tickets = AddCounts(a->tickets, b->tickets, "ticket count");
	a->n_skipped = AddCounts(a->n_skipped, b->n_skipped, "skipped row count");
	for (int32 i = 0; i < a->n_points; i++)
	{
		if (pa[i].at != pb[i].at)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot merge backlog states of different series")));
		pa[i].delta = AddCounts(pa[i].delta, pb[i].delta, "open ticket count");
	}
	PG_RETURN_POINTER(a);
}

/* Final function of crm.backlog_fit and crm.backlog_merge: NULL without tickets */
PG_FUNCTION_INFO_V1(backlog_final);
Datum
backlog_final(PG_FUNCTION_ARGS)
{
	BacklogState *state = BacklogStateArg(fcinfo, 0);

	if (state->tickets == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(state);
}

/* The open counts of a state (running sums of its deltas), palloc'd */
static int64 *
OpenCounts(const BacklogState *state)
{
	int64	   *open = (int64 *) palloc(sizeof(int64) * (Size) state->n_points);
	int64		sum = 0;

	for (int32 i = 0; i < state->n_points; i++)
	{
		sum += BacklogPoints(state)[i].delta;
		open[i] = sum;
	}
	return open;
}

/* crm.backlog_table(state): (at, open) per time of the series */
PG_FUNCTION_INFO_V1(backlog_table);
Datum
backlog_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	BacklogState *state = BacklogStateArg(fcinfo, 0);
	int64	   *open = OpenCounts(state);

	InitMaterializedSRF(fcinfo, 0);
	for (int32 i = 0; i < state->n_points; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {0};

		values[0] = TimestampTzGetDatum(BacklogPoints(state)[i].at);
		values[1] = Int64GetDatum(open[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* A point of the text form: time:open (the open count in delta) */
static void
ReadPoint(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	BacklogPoint *point = (BacklogPoint *) element;

	point->at = ServiceReadTimestamp(r);
	CrmExpect(r, ":");
	point->delta = CrmReadCount(r);
}

/* Writes one point, time:open */
static void
WritePoint(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const BacklogPoint *point = (const BacklogPoint *) element;

	ServiceAppendTimestamp(buf, point->at);
	appendStringInfo(buf, ":" INT64_FORMAT, point->delta);
}

/*
 * Why a state read from outside (open counts in delta) is impossible, or
 * NULL: 1 .. 100000 increasing times, open counts at most the tickets
 */
static const char *
StateProblem(const BacklogState *state, const BacklogPoint *points, int32 n)
{
	if (!TimeUnitIsValid(&state->step))
		return "step must be a positive interval";
	if (n < 1 || n > BACKLOG_MAX_POINTS)
		return "a backlog series has 1 to 100000 times";
	if (state->tickets < 1)
		return "a backlog state has at least one ticket";
	for (int32 i = 0; i < n; i++)
	{
		if (TIMESTAMP_NOT_FINITE(points[i].at) || !IS_VALID_TIMESTAMP(points[i].at) ||
			points[i].at < INT64CONST(-63082281600000000) ||
			(i > 0 && points[i].at <= points[i - 1].at))
			return "times must be finite and strictly increasing";
		if (points[i].delta < 0 || points[i].delta > state->tickets)
			return "open counts must be between 0 and the tickets";
	}
	return NULL;
}

/* A state of a header and points holding open counts, the counts turned into deltas */
static BacklogState *
StateFromParts(const BacklogState *header, const BacklogPoint *points, int32 n)
{
	BacklogState *state = StateNew(n);
	BacklogPoint *out = BacklogPoints(state);

	state->step = header->step;
	state->tickets = header->tickets;
	state->n_skipped = header->n_skipped;
	for (int32 i = 0; i < n; i++)
	{
		out[i].at = points[i].at;
		out[i].delta = points[i].delta - (i > 0 ? points[i - 1].delta : 0);
	}
	return state;
}

/* Parse the text form of crm.backlog_state */
PG_FUNCTION_INFO_V1(backlog_state_in);
Datum
backlog_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(BACKLOG_TYPE, PG_GETARG_CSTRING(0));
	BacklogState header = {0};
	BacklogPoint *points;
	int			n = 0;
	char	   *step;

	CrmExpectVersion(&r, BACKLOG_STATE_VERSION);
	CrmExpectKey(&r, "step");
	step = CrmReadToken(&r);
	if (!TimeUnitParse(step, &header.step))
		CrmReadError(&r, "step must be a positive ISO 8601 interval such as P1D");
	header.tickets = CrmReadKeyCount(&r, "tickets");
	header.n_skipped = CrmReadKeyCount(&r, "skipped");
	points = (BacklogPoint *) CrmReadList(&r, "open", ",", sizeof(BacklogPoint), ReadPoint, NULL, &n);
	CrmReadEnd(&r);
	CrmReadCheck(&r, StateProblem(&header, points, n));
	PG_RETURN_POINTER(StateFromParts(&header, points, n));
}

/* Text form of crm.backlog_state (see the top of this file) */
PG_FUNCTION_INFO_V1(backlog_state_out);
Datum
backlog_state_out(PG_FUNCTION_ARGS)
{
	BacklogState *state = BacklogStateArg(fcinfo, 0);
	int64	   *open = OpenCounts(state);
	BacklogPoint *points = (BacklogPoint *) palloc(sizeof(BacklogPoint) * (Size) state->n_points);
	StringInfoData buf;

	for (int32 i = 0; i < state->n_points; i++)
	{
		points[i].at = BacklogPoints(state)[i].at;
		points[i].delta = open[i];
	}
	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d step=%s tickets=" INT64_FORMAT " skipped=" INT64_FORMAT,
					 BACKLOG_STATE_VERSION, TimeUnitText(&state->step), state->tickets,
					 state->n_skipped);
	CrmAppendList(&buf, "open", ",", points, sizeof(BacklogPoint), state->n_points, WritePoint, NULL);
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form: version, three zero bytes, the step (months, days,
 * microseconds), tickets, skipped, the number of times and per time the
 * time and its open count
 */
PG_FUNCTION_INFO_V1(backlog_state_send);
Datum
backlog_state_send(PG_FUNCTION_ARGS)
{
	BacklogState *state = BacklogStateArg(fcinfo, 0);
	int64	   *open = OpenCounts(state);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BACKLOG_STATE_VERSION);
	pq_sendbyte(&buf, 0);
	pq_sendint16(&buf, 0);
	pq_sendint32(&buf, state->step.months);
	pq_sendint32(&buf, state->step.days);
	pq_sendint64(&buf, state->step.usecs);
	pq_sendint64(&buf, state->tickets);
	pq_sendint64(&buf, state->n_skipped);
	pq_sendint32(&buf, state->n_points);
	for (int32 i = 0; i < state->n_points; i++)
	{
		pq_sendint64(&buf, BacklogPoints(state)[i].at);
		pq_sendint64(&buf, open[i]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.backlog_state (see backlog_state_send) */
PG_FUNCTION_INFO_V1(backlog_state_recv);
Datum
backlog_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	BacklogState header = {0};
	BacklogPoint *points;
	int32		n;

	CrmRecvVersion(buf, BACKLOG_TYPE, BACKLOG_STATE_VERSION);
	if (pq_getmsgbyte(buf) != 0 || pq_getmsgint(buf, 2) != 0)
		CrmBinaryError(BACKLOG_TYPE, "reserved bytes must be zero");
	header.step.months = (int32) pq_getmsgint(buf, 4);
	header.step.days = (int32) pq_getmsgint(buf, 4);
	header.step.usecs = pq_getmsgint64(buf);
	header.tickets = pq_getmsgint64(buf);
	header.n_skipped = pq_getmsgint64(buf);
	if (header.n_skipped < 0)
		CrmBinaryError(BACKLOG_TYPE, "counts must be >= 0");
	n = CrmRecvLength(buf, BACKLOG_TYPE, 2 * sizeof(int64), "times");
	points = (BacklogPoint *) palloc0(sizeof(BacklogPoint) * ((Size) n + 1));
	for (int32 i = 0; i < n; i++)
	{
		points[i].at = (TimestampTz) pq_getmsgint64(buf);
		points[i].delta = pq_getmsgint64(buf);
	}
	CrmBinaryCheck(BACKLOG_TYPE, StateProblem(&header, points, n));
	PG_RETURN_POINTER(StateFromParts(&header, points, n));
}
