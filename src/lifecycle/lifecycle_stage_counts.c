/*
 * lifecycle_stage_counts.c
 *		crm.stage_counts: customers by lifecycle stage at each date of a
 *		series, and the flows between the stages of consecutive dates, from
 *		the stage paths of the customers (crm.stage_path).  Exact and
 *		mergeable: the value is a table of counts of fixed size for its
 *		dates, its own aggregate state.
 *
 * Text form:
 *	 v1 customers=N dates={2024-01-31,...} counts={0.new:5,0.none:2,...}
 *	 flows={0.none>new:3,...}
 * counts "k.stage:n" (k the date index, none = not a customer yet) and flows
 * "k.from>to:n" (from the stage at date k to the stage at date k + 1), only
 * the non-zero ones, in index order.
 */
#include "crm.h"
#include "crm_io.h"
#include "lifecycle_stage.h"

#include "common/int.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/date.h"

/* The counts value and aggregate state; the arrays follow the header */
typedef struct StageCounts
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* STAGE_COUNTS_VERSION */
	uint8		reserved1;		/* must be zero */
	uint16		reserved2;		/* must be zero */
	int32		n_dates;		/* dates of the series, 1 to STAGE_MAX_DATES */
	int32		reserved3;		/* must be zero (alignment) */
	int64		customers;		/* stage paths counted */
	/* int64 counts[n_dates][STAGE_CODES]; int64 flows[n_dates - 1][STAGE_CODES][STAGE_CODES]; int32 dates[n_dates] */
} StageCounts;

#define CountsAt(s) ((int64 *) ((char *) (s) + sizeof(StageCounts)))
#define FlowsAt(s) (CountsAt(s) + (Size) (s)->n_dates * STAGE_CODES)
#define NFlows(n) ((Size) ((n) - 1) * STAGE_CODES * STAGE_CODES)
#define DatesAt(s) ((int32 *) (FlowsAt(s) + NFlows((s)->n_dates)))
#define CountsSize(n) (sizeof(StageCounts) + sizeof(int64) * ((Size) (n) * STAGE_CODES + NFlows(n)) + sizeof(int32) * (Size) (n))

/* A zeroed counts value for n dates */
static StageCounts *
CountsNew(int32 n)
{
	StageCounts *s = (StageCounts *) palloc0(CountsSize(n));

	SET_VARSIZE(s, CountsSize(n));
	s->version = STAGE_COUNTS_VERSION;
	s->n_dates = n;
	return s;
}

/* Argument argno, a counts value, detoasted */
static StageCounts *
CountsArg(FunctionCallInfo fcinfo, int argno)
{
	return (StageCounts *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/* Raise 22023 unless two series have the same dates */
static void
CheckSameDates(const int32 *a, int32 na, const int32 *b, int32 nb)
{
	if (na != nb || memcmp(a, b, sizeof(int32) * na) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("stage paths and counts of different date series cannot be added"),
				 errhint("Compute every crm.stage_path with the same first date, last date and step.")));
}

PG_FUNCTION_INFO_V1(stage_counts_trans);
/* Transition of crm.stage_counts: add one customer's path (a NULL path is skipped) */
Datum
stage_counts_trans(PG_FUNCTION_ARGS)
{
	StagePath  *path;
	StageCounts *s;
	const uint8 *stages;
	int64	   *counts;
	int64	   *flows;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	path = (StagePath *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	if (PG_ARGISNULL(0))
	{
		s = CountsNew(path->n_dates);
		memcpy(DatesAt(s), StagePathDates(path), sizeof(int32) * path->n_dates);
	}
	else
	{
		s = (StageCounts *) CrmWritableArg(fcinfo, 0);
		CheckSameDates(DatesAt(s), s->n_dates, StagePathDates(path), path->n_dates);
	}
	stages = StagePathStages(path);
	counts = CountsAt(s);
	flows = FlowsAt(s);
	s->customers = AddCounts(s->customers, 1, "customer count");
	for (int32 k = 0; k < s->n_dates; k++)
	{
		counts[(Size) k * STAGE_CODES + stages[k]]++;
		if (k + 1 < s->n_dates)
			flows[((Size) k * STAGE_CODES + stages[k]) * STAGE_CODES + stages[k + 1]]++;
	}
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(stage_counts_combine);
/* Combine (and crm.stage_counts_merge): the counts of the customers of both values */
Datum
stage_counts_combine(PG_FUNCTION_ARGS)
{
	StageCounts *a;
	StageCounts *b;
	Size		cells;
	int64	   *into;
	const int64 *from;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	b = CountsArg(fcinfo, 1);
	if (PG_ARGISNULL(0))
		PG_RETURN_POINTER(memcpy(palloc(VARSIZE(b)), b, VARSIZE(b)));
	a = (StageCounts *) CrmWritableArg(fcinfo, 0);
	CheckSameDates(DatesAt(a), a->n_dates, DatesAt(b), b->n_dates);
	a->customers = AddCounts(a->customers, b->customers, "customer count");
	cells = (Size) a->n_dates * STAGE_CODES + NFlows(a->n_dates);
	into = CountsAt(a);
	from = CountsAt(b);
	for (Size i = 0; i < cells; i++)
		into[i] = AddCounts(into[i], from[i], "stage count");
	PG_RETURN_POINTER(a);
}

/* Why a counts value read from outside is impossible, or NULL */
static const char *
CountsProblem(const StageCounts *s)
{
	const int64 *counts = CountsAt(s);
	const int64 *flows = FlowsAt(s);
	const char *problem = StageDatesProblem(DatesAt(s), s->n_dates);

	if (problem != NULL)
		return problem;
	if (s->customers < 1)
		return "a stage counts value has at least one customer";
	for (int32 k = 0; k < s->n_dates; k++)
	{
		int64		total = 0;

		CHECK_FOR_INTERRUPTS();
		for (int c = 0; c < STAGE_CODES; c++)
		{
			if (counts[(Size) k * STAGE_CODES + c] < 0)
				return "counts must be >= 0";
			if (pg_add_s64_overflow(total, counts[(Size) k * STAGE_CODES + c], &total))
				return "counts overflow";
		}
		if (total != s->customers)
			return "the counts of every date must add up to the customers";
		if (k + 1 == s->n_dates)
			continue;
		for (int f = 0; f < STAGE_CODES; f++)
		{
			int64		row = 0;

			for (int t = 0; t < STAGE_CODES; t++)
			{
				int64		v = flows[((Size) k * STAGE_CODES + f) * STAGE_CODES + t];

				if (v < 0)
					return "flows must be >= 0";
				if (f != STAGE_NONE && t == STAGE_NONE && v != 0)
					return "a customer stays a customer: no flow back to none";
				if (pg_add_s64_overflow(row, v, &row))
					return "flows overflow";
			}
			if (row != counts[(Size) k * STAGE_CODES + f])
				return "the flows out of a stage must add up to its count";
		}
		for (int t = 0; t < STAGE_CODES; t++)
		{
			int64		col = 0;

			for (int f = 0; f < STAGE_CODES; f++)
				col += flows[((Size) k * STAGE_CODES + f) * STAGE_CODES + t];
			if (col != counts[(Size) (k + 1) * STAGE_CODES + t])
				return "the flows into a stage must add up to its count";
		}
	}
	return NULL;
}

/* The name of a code in the text form */
static const char *
CodeText(int code)
{
	return code == STAGE_NONE ? "none" : StageName(code);
}

PG_FUNCTION_INFO_V1(stage_counts_out);
/* Text output of crm.stage_counts (see the top of this file) */
Datum
stage_counts_out(PG_FUNCTION_ARGS)
{
	StageCounts *s = CountsArg(fcinfo, 0);
	const int64 *counts = CountsAt(s);
	const int64 *flows = FlowsAt(s);
	StringInfoData buf;
	bool		any = false;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d customers=" INT64_FORMAT " dates={", STAGE_COUNTS_VERSION, s->customers);
	for (int32 k = 0; k < s->n_dates; k++)
	{
		if (k > 0)
			appendStringInfoChar(&buf, ',');
		CrmAppendDate(&buf, DatesAt(s)[k]);
	}
	appendStringInfoString(&buf, "} counts={");
	for (int32 k = 0; k < s->n_dates; k++)
		for (int c = 0; c < STAGE_CODES; c++)
			if (counts[(Size) k * STAGE_CODES + c] != 0)
			{
				appendStringInfo(&buf, "%s%d.%s:" INT64_FORMAT, any ? "," : "", k, CodeText(c),
								 counts[(Size) k * STAGE_CODES + c]);
				any = true;
			}
	appendStringInfoString(&buf, "} flows={");
	any = false;
	for (int32 k = 0; k + 1 < s->n_dates; k++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int f = 0; f < STAGE_CODES; f++)
			for (int t = 0; t < STAGE_CODES; t++)
			{
				int64		v = flows[((Size) k * STAGE_CODES + f) * STAGE_CODES + t];

				if (v == 0)
					continue;
				appendStringInfo(&buf, "%s%d.%s>%s:" INT64_FORMAT, any ? "," : "", k,
								 CodeText(f), CodeText(t), v);
				any = true;
			}
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* Read a stage name of the text form as its code */
static int
ReadCode(CrmReader *r)
{
	int			code = StageCode(CrmReadWord(r));

	if (code < 0)
		CrmReadError(r, "unknown stage");
	return code;
}

/*
 * Read "key={k.a:n,...}" (flows: "k.a>b:n"), indices and cells ascending,
 * into cells (zeroed, of n_dates dates)
 */
static void
ReadSparse(CrmReader *r, const char *key, bool flows, int32 n_dates, int64 *cells)
{
	int64		previous = -1;

	CrmExpectKey(r, key);
	CrmExpect(r, "{");
	for (int i = 0; CrmReadListNext(r, i, ","); i++)
	{
		int64		k = CrmReadInt(r, 0, flows ? n_dates - 2 : n_dates - 1);
		int64		cell;

		CrmExpect(r, ".");
		cell = k * STAGE_CODES + ReadCode(r);
		if (flows)
		{
			CrmExpect(r, ">");
			cell = cell * STAGE_CODES + ReadCode(r);
		}
		if (cell <= previous)
			CrmReadError(r, "cells must be in ascending order, each once");
		previous = cell;
		CrmExpect(r, ":");
		cells[cell] = CrmReadInt(r, 1, PG_INT64_MAX);
	}
}

PG_FUNCTION_INFO_V1(stage_counts_in);
/* Text input of crm.stage_counts */
Datum
stage_counts_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart(STAGE_COUNTS_TYPE, PG_GETARG_CSTRING(0));
	int32		dates[STAGE_MAX_DATES];
	int32		n = 0;
	int64		customers;
	StageCounts *s;

	CrmExpectVersion(&r, STAGE_COUNTS_VERSION);
	customers = CrmReadKeyCount(&r, "customers");
	CrmExpectKey(&r, "dates");
	CrmExpect(&r, "{");
	while (CrmReadListNext(&r, n, ","))
	{
		if (n == STAGE_MAX_DATES)
			CrmReadError(&r, "at most 1000 dates");
		dates[n++] = CrmReadDate(&r);
	}
	if (n == 0)
		CrmReadError(&r, "at least one date");
	s = CountsNew(n);
	s->customers = customers;
	memcpy(DatesAt(s), dates, sizeof(int32) * n);
	ReadSparse(&r, "counts", false, n, CountsAt(s));
	if (n > 1)
		ReadSparse(&r, "flows", true, n, FlowsAt(s));
	else
	{
		CrmExpectKey(&r, "flows");
		CrmExpect(&r, "{}");
	}
	CrmReadEnd(&r);
	CrmReadCheck(&r, CountsProblem(s));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(stage_counts_send);
/* Binary output: version, three zero bytes, dates, customers, the dates, every count and flow */
Datum
stage_counts_send(PG_FUNCTION_ARGS)
{
	StageCounts *s = CountsArg(fcinfo, 0);
	Size		cells = (Size) s->n_dates * STAGE_CODES + NFlows(s->n_dates);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, STAGE_COUNTS_VERSION);
	pq_sendbyte(&buf, 0);
	pq_sendint16(&buf, 0);
	pq_sendint32(&buf, s->n_dates);
	pq_sendint64(&buf, s->customers);
	for (int32 k = 0; k < s->n_dates; k++)
		pq_sendint32(&buf, DatesAt(s)[k]);
	for (Size i = 0; i < cells; i++)
		pq_sendint64(&buf, CountsAt(s)[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(stage_counts_recv);
/* Binary input of crm.stage_counts (see stage_counts_send) */
Datum
stage_counts_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		n;
	StageCounts *s;
	Size		cells;

	CrmRecvVersion(buf, STAGE_COUNTS_TYPE, STAGE_COUNTS_VERSION);
	if (pq_getmsgbyte(buf) != 0 || pq_getmsgint(buf, 2) != 0)
		CrmBinaryError(STAGE_COUNTS_TYPE, "reserved bytes must be zero");
	n = (int32) pq_getmsgint(buf, 4);
	if (n < 1 || n > STAGE_MAX_DATES)
		CrmBinaryError(STAGE_COUNTS_TYPE, "a stage counts value has 1 to 1000 dates");
	s = CountsNew(n);
	s->customers = pq_getmsgint64(buf);
	for (int32 k = 0; k < n; k++)
		DatesAt(s)[k] = (int32) pq_getmsgint(buf, 4);
	cells = (Size) n * STAGE_CODES + NFlows(n);
	if ((Size) (buf->len - buf->cursor) < cells * sizeof(int64))
		CrmBinaryError(STAGE_COUNTS_TYPE, "the message is shorter than its counts");
	for (Size i = 0; i < cells; i++)
		CountsAt(s)[i] = pq_getmsgint64(buf);
	CrmBinaryCheck(STAGE_COUNTS_TYPE, CountsProblem(s));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(stage_count_table);
/*
 * crm.stage_count_table(counts): (as_of, stage, customers, share) for every
 * date and stage in lifecycle order; share of the customers at that date
 * (NULL when there are none yet)
 */
Datum
stage_count_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	StageCounts *s = CountsArg(fcinfo, 0);
	const int64 *counts = CountsAt(s);

	InitMaterializedSRF(fcinfo, 0);
	for (int32 k = 0; k < s->n_dates; k++)
	{
		int64		present = s->customers - counts[(Size) k * STAGE_CODES + STAGE_NONE];

		for (int c = STAGE_NEW; c < STAGE_CODES; c++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, present == 0};
			int64		v = counts[(Size) k * STAGE_CODES + c];

			values[0] = DateADTGetDatum(DatesAt(s)[k]);
			values[1] = PointerGetDatum(cstring_to_text(StageName(c)));
			values[2] = Int64GetDatum(v);
			values[3] = Float8GetDatum(present > 0 ? (float8) v / (float8) present : 0.0);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(stage_flow_table);
/*
 * crm.stage_flow_table(counts): (from_as_of, to_as_of, from_stage, to_stage,
 * customers, row_share) for every non-zero flow between consecutive dates;
 * from_stage NULL = customers who entered (first purchase) in between, and
 * their row_share is among the customers who entered
 */
Datum
stage_flow_table(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	StageCounts *s = CountsArg(fcinfo, 0);
	const int64 *flows = FlowsAt(s);
	static const int order[STAGE_CODES] = {
		STAGE_NONE, STAGE_NEW, STAGE_ACTIVE, STAGE_REACTIVATED, STAGE_AT_RISK, STAGE_LAPSED, STAGE_LOST
	};

	InitMaterializedSRF(fcinfo, 0);
	for (int32 k = 0; k + 1 < s->n_dates; k++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int fi = 0; fi < STAGE_CODES; fi++)
		{
			int			f = order[fi];
			int64		row = 0;

			/* entering customers: those who are customers at the next date */
			for (int t = (f == STAGE_NONE) ? STAGE_NEW : 0; t < STAGE_CODES; t++)
				row += flows[((Size) k * STAGE_CODES + f) * STAGE_CODES + t];
			for (int t = STAGE_NEW; t < STAGE_CODES; t++)
			{
				Datum		values[6];
				bool		nulls[6] = {false, false, f == STAGE_NONE, false, false, false};
				int64		v = flows[((Size) k * STAGE_CODES + f) * STAGE_CODES + t];

				if (v == 0)
					continue;
				values[0] = DateADTGetDatum(DatesAt(s)[k]);
				values[1] = DateADTGetDatum(DatesAt(s)[k + 1]);
				values[2] = f == STAGE_NONE ? (Datum) 0 : PointerGetDatum(cstring_to_text(StageName(f)));
				values[3] = PointerGetDatum(cstring_to_text(StageName(t)));
				values[4] = Int64GetDatum(v);
				values[5] = Float8GetDatum((float8) v / (float8) row);
				tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
			}
		}
	}
	return (Datum) 0;
}

PG_FUNCTION_INFO_V1(stage_counts_customers);
/* crm.customers(counts): the customers counted (the stage paths added) */
Datum
stage_counts_customers(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(CountsArg(fcinfo, 0)->customers);
}
