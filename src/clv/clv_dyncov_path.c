/*
 * clv_dyncov_path.c
 *		crm.covariate_path: a customer's time-varying covariates by period,
 *		built by the aggregate crm.covariate_path(period_start, purchases,
 *		life_z, trans_z, period) from a long table (one row per customer and
 *		period), its text and binary forms, and the customer form of the
 *		time-varying likelihood (clv_dyncov.h).
 *
 * The aggregate's state is a path whose rows are in any order (flag FINAL
 * clear): the transition appends a row (in place while there is room, else
 * into a copy with twice the room, so a customer's N periods cost O(N)),
 * the combine appends one state's rows to the other's, and the final
 * function sorts the rows, rejects two rows of one period (22023) and a
 * start off the period grid (22023), and fills each gap with the row before
 * it (0 purchases), counting the filled periods.
 */
#include "crm.h"
#include "clv_dyncov.h"
#include "crm_io.h"
#include "time_unit.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/timestamp.h"

#define PATH_TYPE "crm.covariate_path"

/* Why a path is invalid, or NULL (size: the bytes available) */
const char *
CovPathProblem(const CovPath *path, Size size)
{
	int			n_cov;

	if (size < offsetof(CovPath, rows))
		return "too short";
	if (path->version != COVPATH_VERSION)
		return "unsupported version";
	if ((path->flags & ~COVPATH_MASK) != 0 || path->reserved != 0)
		return "reserved bits set";
	if (path->n_life > COVARIATE_MAX_PER_PROCESS || path->n_trans > COVARIATE_MAX_PER_PROCESS)
		return "too many covariates";
	n_cov = path->n_life + path->n_trans;
	if (path->n_rows < 0 || path->capacity < path->n_rows || path->capacity > COVPATH_MAX_PERIODS ||
		size < COVPATH_SIZE(n_cov, path->capacity))
		return "invalid number of rows";
	if (path->period <= 0)
		return "invalid period";
	if (path->filled < 0 || path->filled > path->n_rows)
		return "invalid number of filled periods";
	for (int32 k = 0; k < path->n_rows; k++)
	{
		const float8 *row = COVPATH_ROW(path, k);

		if (!(row[1] >= 0 && row[1] == floor(row[1]) && row[1] <= 1e15))
			return "invalid purchases";
		for (int j = 0; j < n_cov; j++)
			if (!isfinite(row[2 + j]))
				return "covariates must be finite";
		if ((path->flags & COVPATH_FINAL) && k > 0 &&
			CovPathStart(path, k) - CovPathStart(path, k - 1) != path->period)
			return "periods of a final path must be consecutive";
	}
	if (!(path->flags & COVPATH_FINAL) && path->filled != 0)
		return "a partial path has no filled periods";
	return NULL;
}

/* A new empty path (palloc'd in context) with room for capacity rows */
static CovPath *
NewPath(MemoryContext context, int n_life, int n_trans, int64 period, uint8 flags, int32 capacity)
{
	Size		size = COVPATH_SIZE(n_life + n_trans, capacity);
	CovPath    *path = (CovPath *) MemoryContextAllocZero(context, size);

	SET_VARSIZE(path, size);
	path->version = COVPATH_VERSION;
	path->flags = flags;
	path->n_life = n_life;
	path->n_trans = n_trans;
	path->capacity = capacity;
	path->period = period;
	return path;
}

/* The path in argument argno, detoasted and checked to be a final path */
CovPath *
CovPathArg(FunctionCallInfo fcinfo, int argno)
{
	CovPath    *path = (CovPath *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));

	if (!(path->flags & COVPATH_FINAL))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the covariate path is a partial aggregate state, not a finished path"),
				 errhint("Use the result of the aggregate crm.covariate_path.")));
	return path;
}

/* crm.covariate_path text input */
PG_FUNCTION_INFO_V1(covariate_path_in);
Datum
covariate_path_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	CrmReader	r = CrmReaderStart(PATH_TYPE, input);
	TimeUnit	unit;
	char	   *word;
	int			n_life;
	int			n_trans;
	uint8		flags = 0;
	int32		n_rows;
	int32		filled;
	CovPath    *path;
	const char *problem;

	CrmExpectVersion(&r, COVPATH_VERSION);
	CrmExpectKey(&r, "period");
	word = CrmReadToken(&r);
	if (!TimeUnitParse(word, &unit) || unit.months != 0)
		CrmReadError(&r, "invalid period");
	n_life = (int) CrmReadKeyInt(&r, "life", 0, COVARIATE_MAX_PER_PROCESS);
	n_trans = (int) CrmReadKeyInt(&r, "trans", 0, COVARIATE_MAX_PER_PROCESS);
	if (CrmReadKeyInt(&r, "dated", 0, 1))
		flags |= COVPATH_DATED;
	if (CrmReadKeyInt(&r, "final", 0, 1))
		flags |= COVPATH_FINAL;
	filled = (int32) CrmReadKeyInt(&r, "filled", 0, COVPATH_MAX_PERIODS);
	n_rows = (int32) CrmReadKeyInt(&r, "periods", 0, COVPATH_MAX_PERIODS);
	/* a row takes at least 4 characters ("0:0;"): do not allocate for more */
	if ((Size) n_rows > strlen(input) / 4)
		CrmReadError(&r, "more periods than the text holds");
	path = NewPath(CurrentMemoryContext, n_life, n_trans,
				   unit.days * USECS_PER_DAY + unit.usecs, flags, n_rows);
	path->n_rows = n_rows;
	path->filled = filled;
	CrmExpect(&r, " rows={");
	for (int32 k = 0; k < n_rows; k++)
	{
		float8	   *row = COVPATH_ROW(path, k);
		int64		start;

		if (k > 0)
			CrmExpect(&r, ";");
		start = CrmReadInt(&r, PG_INT64_MIN + 1, PG_INT64_MAX);
		memcpy(row, &start, sizeof(int64));
		CrmExpect(&r, ":");
		row[1] = CrmReadFinite(&r);
		for (int j = 0; j < n_life + n_trans; j++)
		{
			CrmExpect(&r, j == 0 ? ":" : ",");
			row[2 + j] = CrmReadFinite(&r);
		}
	}
	CrmExpect(&r, "}");
	CrmReadEnd(&r);
	problem = CovPathProblem(path, VARSIZE(path));
	if (problem != NULL)
		CrmReadError(&r, problem);
	PG_RETURN_POINTER(path);
}

/* crm.covariate_path text output (exact: round-trips) */
PG_FUNCTION_INFO_V1(covariate_path_out);
Datum
covariate_path_out(PG_FUNCTION_ARGS)
{
	CovPath    *path = (CovPath *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	TimeUnit	unit = {0, (int32) (path->period / USECS_PER_DAY), path->period % USECS_PER_DAY};
	int			n_cov = path->n_life + path->n_trans;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d period=%s life=%d trans=%d dated=%d final=%d filled=%d periods=%d rows={",
					 COVPATH_VERSION, TimeUnitText(&unit), path->n_life, path->n_trans,
					 (path->flags & COVPATH_DATED) ? 1 : 0, (path->flags & COVPATH_FINAL) ? 1 : 0,
					 path->filled, path->n_rows);
	for (int32 k = 0; k < path->n_rows; k++)
	{
		const float8 *row = COVPATH_ROW(path, k);

		appendStringInfo(&buf, "%s" INT64_FORMAT ":", k > 0 ? ";" : "", CovPathStart(path, k));
		CrmAppendFloat8(&buf, row[1]);
		for (int j = 0; j < n_cov; j++)
		{
			appendStringInfoChar(&buf, j == 0 ? ':' : ',');
			CrmAppendFloat8(&buf, row[2 + j]);
		}
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* crm.covariate_path binary output */
PG_FUNCTION_INFO_V1(covariate_path_send);
Datum
covariate_path_send(PG_FUNCTION_ARGS)
{
	CovPath    *path = (CovPath *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;
	int			width = COVPATH_WIDTH(path);

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, path->version);
	pq_sendbyte(&buf, path->flags);
	pq_sendbyte(&buf, path->n_life);
	pq_sendbyte(&buf, path->n_trans);
	pq_sendint32(&buf, path->filled);
	pq_sendint64(&buf, path->period);
	pq_sendint32(&buf, path->n_rows);
	for (int32 k = 0; k < path->n_rows; k++)
	{
		const float8 *row = COVPATH_ROW(path, k);

		pq_sendint64(&buf, CovPathStart(path, k));
		for (int j = 1; j < width; j++)
			pq_sendfloat8(&buf, row[j]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* crm.covariate_path binary input */
PG_FUNCTION_INFO_V1(covariate_path_recv);
Datum
covariate_path_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		flags;
	int			n_life;
	int			n_trans;
	int32		filled;
	int64		period;
	int32		n_rows;
	CovPath    *path;
	const char *problem;

	CrmRecvVersion(buf, PATH_TYPE, COVPATH_VERSION);
	flags = pq_getmsgbyte(buf);
	n_life = pq_getmsgbyte(buf);
	n_trans = pq_getmsgbyte(buf);
	filled = pq_getmsgint(buf, 4);
	period = pq_getmsgint64(buf);
	if (n_life > COVARIATE_MAX_PER_PROCESS || n_trans > COVARIATE_MAX_PER_PROCESS)
		CrmBinaryError(PATH_TYPE, "too many covariates");
	n_rows = CrmRecvLength(buf, PATH_TYPE, sizeof(float8) * (2 + n_life + n_trans), "rows");
	if (n_rows > COVPATH_MAX_PERIODS)
		CrmBinaryError(PATH_TYPE, "invalid number of rows");
	path = NewPath(CurrentMemoryContext, n_life, n_trans, period, flags, n_rows);
	path->n_rows = n_rows;
	path->filled = filled;
	for (int32 k = 0; k < n_rows; k++)
	{
		float8	   *row = COVPATH_ROW(path, k);
		int64		start = pq_getmsgint64(buf);

		memcpy(row, &start, sizeof(int64));
		for (int j = 1; j < COVPATH_WIDTH(path); j++)
			row[j] = CrmRecvFloat8(buf);
	}
	problem = CovPathProblem(path, VARSIZE(path));
	if (problem != NULL)
		CrmBinaryError(PATH_TYPE, problem);
	PG_RETURN_POINTER(path);
}

/*
 * The state in argument 0, writable, with room for more rows (a copy with
 * twice the room, in the aggregate's context, when full)
 */
static CovPath *
RoomyState(FunctionCallInfo fcinfo, CovPath *state, int32 more)
{
	MemoryContext aggcontext;
	CovPath    *bigger;
	int32		capacity;

	if (state->n_rows + more <= state->capacity)
		return state;
	if (!AggCheckCallContext(fcinfo, &aggcontext))
		aggcontext = CurrentMemoryContext;
	CheckSizeBound((int64) state->n_rows + more, COVPATH_MAX_PERIODS, "periods of a covariate path");
	capacity = Min(Max(2 * state->capacity, state->n_rows + more), COVPATH_MAX_PERIODS);
	bigger = NewPath(aggcontext, state->n_life, state->n_trans, state->period, state->flags,
					 capacity);
	bigger->n_rows = state->n_rows;
	memcpy(bigger->rows, state->rows, sizeof(float8) * (Size) state->n_rows * COVPATH_WIDTH(state));
	return bigger;
}

/* The covariates of argument argno (one process) into v; *n gets their number */
static float8 *
RowArray(FunctionCallInfo fcinfo, int argno, const char *what, int *n)
{
	return CrmFloat8Array(PG_GETARG_ARRAYTYPE_P(argno), what, 0, COVARIATE_MAX_PER_PROCESS, true, n);
}

/*
 * Shared transition: (state, period_start, purchases, life_z, trans_z,
 * period) with the start in microseconds
 */
static Datum
PathTransition(FunctionCallInfo fcinfo, int64 start, bool dated)
{
	CovPath    *state;
	int64		purchases;
	float8	   *life;
	float8	   *trans;
	int			n_life;
	int			n_trans;
	TimeUnit	unit;
	int64		period;
	float8	   *row;
	MemoryContext aggcontext;

	for (int argno = 1; argno <= 5; argno++)
		if (PG_ARGISNULL(argno))
		{
			if (PG_ARGISNULL(0))
				PG_RETURN_NULL();
			PG_RETURN_DATUM(PG_GETARG_DATUM(0));
		}
	purchases = PG_GETARG_INT64(2);
	if (purchases < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("purchases of a period must be 0 or more, not " INT64_FORMAT, purchases)));
	life = RowArray(fcinfo, 3, "life_z", &n_life);
	trans = RowArray(fcinfo, 4, "trans_z", &n_trans);
	TimeUnitFromInterval(PG_GETARG_INTERVAL_P(5), &unit);
	if (unit.months != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the period of a covariate path must have a fixed length, not %s",
						TimeUnitText(&unit)),
				 errhint("Use days, weeks or hours (e.g. '1 week'), not months.")));
	period = unit.days * USECS_PER_DAY + unit.usecs;
	if (PG_ARGISNULL(0))
	{
		if (!AggCheckCallContext(fcinfo, &aggcontext))
			aggcontext = CurrentMemoryContext;
		state = NewPath(aggcontext, n_life, n_trans, period, dated ? COVPATH_DATED : 0, 8);
	}
	else
	{
		state = (CovPath *) CrmWritableArg(fcinfo, 0);
		if (state->period != period || state->n_life != n_life || state->n_trans != n_trans)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the period and the numbers of covariates must be the same for every row of a covariate path"),
					 errdetail("The path has %d lifetime and %d transaction covariates; this row has %d and %d.",
							   state->n_life, state->n_trans, n_life, n_trans)));
	}
	state = RoomyState(fcinfo, state, 1);
	row = COVPATH_ROW(state, state->n_rows);
	memcpy(row, &start, sizeof(int64));
	row[1] = (float8) purchases;
	memcpy(row + 2, life, sizeof(float8) * n_life);
	memcpy(row + 2 + n_life, trans, sizeof(float8) * n_trans);
	state->n_rows++;
	PG_RETURN_POINTER(state);
}

/* Transition of crm.covariate_path with dated periods */
PG_FUNCTION_INFO_V1(covariate_path_trans_date);
Datum
covariate_path_trans_date(PG_FUNCTION_ARGS)
{
	DateADT		date = PG_ARGISNULL(1) ? 0 : PG_GETARG_DATEADT(1);

	if (!PG_ARGISNULL(1) && DATE_NOT_FINITE(date))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a period start must be a finite date")));
	return PathTransition(fcinfo, (int64) date * USECS_PER_DAY, true);
}

/* Transition of crm.covariate_path with timestamptz periods */
PG_FUNCTION_INFO_V1(covariate_path_trans_tz);
Datum
covariate_path_trans_tz(PG_FUNCTION_ARGS)
{
	TimestampTz ts = PG_ARGISNULL(1) ? 0 : PG_GETARG_TIMESTAMPTZ(1);

	if (!PG_ARGISNULL(1) && TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a period start must be a finite timestamp")));
	return PathTransition(fcinfo, ts, false);
}

/* Combine of crm.covariate_path: the rows of both states */
PG_FUNCTION_INFO_V1(covariate_path_combine);
Datum
covariate_path_combine(PG_FUNCTION_ARGS)
{
	CovPath    *a;
	CovPath    *b;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = (CovPath *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
	{
		MemoryContext aggcontext;

		if (!AggCheckCallContext(fcinfo, &aggcontext))
			aggcontext = CurrentMemoryContext;
		a = NewPath(aggcontext, b->n_life, b->n_trans, b->period, b->flags, Max(b->n_rows, 1));
	}
	else
		a = (CovPath *) CrmWritableArg(fcinfo, 0);
	if (a->period != b->period || a->n_life != b->n_life || a->n_trans != b->n_trans ||
		a->flags != b->flags)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine covariate path states of different periods, covariates or forms")));
	a = RoomyState(fcinfo, a, b->n_rows);
	memcpy(COVPATH_ROW(a, a->n_rows), b->rows, sizeof(float8) * (Size) b->n_rows * COVPATH_WIDTH(b));
	a->n_rows += b->n_rows;
	PG_RETURN_POINTER(a);
}

/* Order of two rows by their start */
static int
CompareRowStarts(const void *a, const void *b)
{
	int64		sa;
	int64		sb;

	memcpy(&sa, a, sizeof(int64));
	memcpy(&sb, b, sizeof(int64));
	return sa < sb ? -1 : sa > sb;
}

/* The text of a period start (microseconds) for messages */
static const char *
StartText(int64 start, bool dated)
{
	if (dated)
		return DatumGetCString(DirectFunctionCall1(date_out,
												   DateADTGetDatum((DateADT) (start / USECS_PER_DAY))));
	return DatumGetCString(DirectFunctionCall1(timestamptz_out, TimestampTzGetDatum(start)));
}

/*
 * Final of crm.covariate_path: the rows sorted, checked (one row per
 * period, on the grid of the first) and the gaps filled
 */
PG_FUNCTION_INFO_V1(covariate_path_final);
Datum
covariate_path_final(PG_FUNCTION_ARGS)
{
	CovPath    *state;
	CovPath    *path;
	int			width;
	int64		first;
	int64		n_periods;
	bool		dated;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (CovPath *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
	if (state->n_rows == 0)
		PG_RETURN_NULL();
	width = COVPATH_WIDTH(state);
	dated = (state->flags & COVPATH_DATED) != 0;
	qsort(state->rows, state->n_rows, sizeof(float8) * width, CompareRowStarts);
	first = CovPathStart(state, 0);
	for (int32 k = 1; k < state->n_rows; k++)
	{
		int64		start = CovPathStart(state, k);

		if (start == CovPathStart(state, k - 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("duplicate period %s in a covariate path", StartText(start, dated)),
					 errhint("Give one row per customer and period.")));
		if ((start - first) % state->period != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("period start %s is not a whole number of periods after the first, %s",
							StartText(start, dated), StartText(first, dated)),
					 errhint("Give the start of each period (e.g. date_trunc('week', day)), on one grid.")));
	}
	n_periods = (CovPathStart(state, state->n_rows - 1) - first) / state->period + 1;
	CheckSizeBound(n_periods, COVPATH_MAX_PERIODS, "periods of a covariate path");
	path = NewPath(CurrentMemoryContext, state->n_life, state->n_trans, state->period,
				   state->flags | COVPATH_FINAL, (int32) n_periods);
	path->n_rows = (int32) n_periods;
	for (int32 k = 0, j = 0; k < n_periods; k++)
	{
		float8	   *row = COVPATH_ROW(path, k);
		int64		start = first + k * state->period;

		if (CovPathStart(state, j) == start)
			memcpy(row, COVPATH_ROW(state, j++), sizeof(float8) * width);
		else
		{
			/* a gap: the latest row's covariates, no purchases */
			memcpy(row, COVPATH_ROW(path, k - 1), sizeof(float8) * width);
			memcpy(row, &start, sizeof(int64));
			row[1] = 0;
			path->filled++;
		}
	}
	PG_RETURN_POINTER(path);
}

/*
 * crm.covariate_path_rows(path): the periods of a path as rows (period,
 * period_start, purchases, life_z, trans_z)
 */
PG_FUNCTION_INFO_V1(covariate_path_rows);
Datum
covariate_path_rows(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CovPath    *path = CovPathArg(fcinfo, 0);
	InitMaterializedSRF(fcinfo, 0);
	for (int32 k = 0; k < path->n_rows; k++)
	{
		const float8 *row = COVPATH_ROW(path, k);
		Datum		values[5];
		bool		nulls[5] = {false, false, false, false, false};
		Datum	   *life = (Datum *) palloc(sizeof(Datum) * Max(path->n_life, 1));
		Datum	   *trans = (Datum *) palloc(sizeof(Datum) * Max(path->n_trans, 1));
		int64		start = CovPathStart(path, k);

		for (int j = 0; j < path->n_life; j++)
			life[j] = Float8GetDatum(row[2 + j]);
		for (int j = 0; j < path->n_trans; j++)
			trans[j] = Float8GetDatum(row[2 + path->n_life + j]);
		values[0] = Int32GetDatum(k + 1);
		values[1] = (path->flags & COVPATH_DATED) ?
			DirectFunctionCall1(timestamp_timestamptz, TimestampGetDatum(start)) :
			TimestampTzGetDatum(start);
		values[2] = Float8GetDatum(row[1]);
		values[3] = PointerGetDatum(construct_array(life, path->n_life, FLOAT8OID, sizeof(float8),
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		values[4] = PointerGetDatum(construct_array(trans, path->n_trans, FLOAT8OID, sizeof(float8),
													FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* crm.filled_periods(path): periods of a path filled by carrying the previous one forward */
PG_FUNCTION_INFO_V1(covariate_path_filled);
Datum
covariate_path_filled(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(CovPathArg(fcinfo, 0)->filled);
}

/* crm.path_periods(path): periods of a path */
PG_FUNCTION_INFO_V1(covariate_path_periods);
Datum
covariate_path_periods(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(CovPathArg(fcinfo, 0)->n_rows);
}

/* The birth (microseconds) in argument argno, of the type the caller says, matching the path */
int64
DynBirthArg(FunctionCallInfo fcinfo, int argno, const CovPath *path, bool dated)
{
	int64		birth;

	if (dated != ((path->flags & COVPATH_DATED) != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the first purchase is a %s but the covariate path's periods are %s",
						dated ? "date" : "timestamptz", dated ? "timestamptz" : "dates"),
				 errhint("Give the first purchase and the period starts as the same type.")));
	if (dated)
	{
		DateADT		date = PG_GETARG_DATEADT(argno);

		if (DATE_NOT_FINITE(date))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the first purchase must be a finite date")));
		birth = (int64) date * USECS_PER_DAY;
	}
	else
	{
		birth = PG_GETARG_TIMESTAMPTZ(argno);
		if (TIMESTAMP_NOT_FINITE(birth))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the first purchase must be a finite timestamp")));
	}
	return birth;
}

/*
 * The customer form of the likelihood (see clv_dyncov.h): runs of constant
 * covariates over (0, until] in customer time, where period k covers
 * [(start_k - birth) / period, (start_k + period - birth) / period), the
 * last row's values holding after the path's end
 */
const char *
DynCustomerFromPath(const CovPath *path, int64 birth, float8 x, float8 t_x, float8 T,
					float8 until, DynCustomer *customer)
{
	int			n_cov = path->n_life + path->n_trans;
	int64		origin = CovPathStart(path, 0);
	float8		period = (float8) path->period;
	int64		k0;
	int64		k_cal;
	int64		k_until;
	int64		cal_end;
	int64		until_us;
	float8		total = 0;
	int32		n_runs = 0;
	float8	   *runs;
	float8	   *pz;

	if (birth < origin)
		return "the first purchase is before the covariate path's first period";
	k0 = (birth - origin) / path->period;
	/* the calibration ends at birth + T periods, to the microsecond */
	cal_end = birth + (int64) llround(T * period);
	k_cal = (cal_end - origin) / path->period;
	k_until = (int64) floor(((float8) (birth - origin) + until * period) / period);
	if (k_until - k0 + 1 > COVPATH_MAX_PERIODS)
		return "the horizon spans too many periods";
	runs = (float8 *) palloc(sizeof(float8) * (Size) (k_until - k0 + 1) * (1 + n_cov));
	pz = (float8 *) palloc0(sizeof(float8) * Max(path->n_trans, 1));
	/* purchases in the periods that start at or before the end of the calibration */
	for (int64 k = 0; k <= Min(k_cal, (int64) path->n_rows - 1); k++)
	{
		const float8 *row = COVPATH_ROW(path, k);

		if (row[1] == 0)
			continue;
		if (k < k0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the covariate path has purchases in period %s, before the first purchase %s",
							StartText(CovPathStart(path, k), (path->flags & COVPATH_DATED) != 0),
							StartText(birth, (path->flags & COVPATH_DATED) != 0))));
		total += row[1];
		for (int j = 0; j < path->n_trans; j++)
			pz[j] += row[1] * row[2 + path->n_life + j];
	}
	if (total != x + 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the covariate path has %g purchases up to the end of the calibration, but x = %g repeat purchases mean %g",
						total, x, x + 1),
				 errdetail("The purchases of a path's periods must count every purchase of the calibration, the first one included, as x does (purchases on one day merged, if the summary merges them)."),
				 errhint("Count the purchases per period from the same log as the summary.")));
	/* the first purchase is not a repeat purchase */
	{
		const float8 *row = COVPATH_ROW(path, Min(k0, (int64) path->n_rows - 1));

		for (int j = 0; j < path->n_trans; j++)
			pz[j] -= row[2 + path->n_life + j];
	}
	until_us = birth + (int64) llround(until * period);
	for (int64 k = k0; k <= k_until; k++)
	{
		const float8 *row = COVPATH_ROW(path, Min(k, (int64) path->n_rows - 1));
		float8		stop = ((float8) (origin - birth) + (float8) (k + 1) * period) / period;

		/* the period that reaches until (to the microsecond) is the last */
		if (k == k_until || origin + (k + 1) * path->period >= until_us)
			stop = until;
		if (n_runs > 0 && memcmp(runs + (Size) (n_runs - 1) * (1 + n_cov) + 1, row + 2,
								 sizeof(float8) * n_cov) == 0)
			runs[(Size) (n_runs - 1) * (1 + n_cov)] = stop;
		else
		{
			runs[(Size) n_runs * (1 + n_cov)] = stop;
			memcpy(runs + (Size) n_runs * (1 + n_cov) + 1, row + 2, sizeof(float8) * n_cov);
			n_runs++;
		}
		if (stop >= until)
			break;
	}
	customer->x = x;
	customer->t_x = t_x;
	customer->T = T;
	customer->weight = 1;
	customer->n_runs = n_runs;
	customer->purchase_z = pz;
	customer->runs = runs;
	return NULL;
}
