/*
 * tuple_state_io.c
 *		Text and binary forms of the tuple state (SQL type crm.clv_fit_state,
 *		tuple_state.h): "v1 shape=purchases n=N [penalizer=P] [unit=U]
 *		tuples={x,t_x,T:count;...}" and its binary equivalent, both exact,
 *		with the checks that reject impossible states on input (litt, its exact
 *		fixed-point sum, is written and read by tuple_state_litt.c).  A state
 *		with covariates is "v2 shape=purchases n=N covariates=(...) [unit=U]
 *		tuples={x,t_x,T,z1,...:count;...}" (the spec's text form in the
 *		parentheses) and binary version 4.
 */
#include "crm.h"
#include "crm_io.h"
#include "tuple_state.h"

#include <math.h>

#include "utils/builtins.h"

/*
 * Why records read from outside (stride values apart: width values and a
 * count each) are inconsistent, or NULL: the first values by the rules of
 * the shape, covariates finite, counts positive and adding up to n_rows,
 * records strictly increasing
 */
static const char *
RecordsProblem(uint8 shape, const float8 *records, int stride, int32 n, int64 n_rows)
{
	int64		total = 0;
	int			width = stride - 1;

	for (int32 i = 0; i < n; i++)
	{
		const float8 *v = records + (Size) i * stride;
		int64		count = TupleRecordCount(v, width);
		float8		x = v[0];

		for (int k = 0; k < width; k++)
			if (!isfinite(v[k]))
				return "values must be finite";
		if (count <= 0 || total > PG_INT64_MAX - count)
			return "counts must be positive";
		if (shape == TUPLE_SHAPE_DURATIONS &&
			(x < 0 || (v[1] != 0 && v[1] != 1) || v[2] != 0))
			return "each (duration, event) must have a duration >= 0 and event 0 or 1";
		if (shape != TUPLE_SHAPE_DURATIONS && (x < 0 || x != floor(x)))
			return "x must be a non-negative whole number";
		if (shape == TUPLE_SHAPE_PURCHASES &&
			(v[1] < 0 || v[1] > v[2] || (x == 0 && v[1] != 0)))
			return "each (x, t_x, T) must have 0 <= t_x <= T, and t_x = 0 when x = 0";
		if (shape == TUPLE_SHAPE_OPPORTUNITIES &&
			(v[2] < 0 || v[2] > 1e6 || v[2] != floor(v[2]) ||
			 v[1] != floor(v[1]) || v[1] < x || v[1] > v[2] ||
			 (x == 0 && v[1] != 0)))
			return "each (x, t_x, n) must be whole numbers with x <= t_x <= n, 0 <= n, and t_x = 0 when x = 0";
		if (shape == TUPLE_SHAPE_TENURES &&
			(x < 1 || x > 1e6 || (v[1] != 0 && v[1] != 1) || v[2] != 0))
			return "each (tenure, churned) must have a whole tenure >= 1 and churned 0 or 1";
		if (shape == TUPLE_SHAPE_SPEND && (x == 0 || v[2] != 0))
			return "each (x, m) must have x > 0";
		if (i > 0 && TupleCompareRecords(v - stride, v, width) >= 0)
			return "tuples must be strictly increasing";
		total += count;
	}
	if (total != n_rows)
		return "the counts must add up to n";
	return NULL;
}

/* How the records of a state are written: values written and stored per record */
typedef struct RecordFormat
{
	int			written;		/* values in the text and binary forms */
	int			stride;			/* float8 slots per stored record */
} RecordFormat;

/* The record format of a state of a shape, with or without covariates */
static RecordFormat
FormatOf(uint8 shape, const CovariateSpec *spec)
{
	RecordFormat f;

	f.written = spec != NULL ? 3 + CovariateSpecCount(spec) : TupleShapeWidth(shape);
	f.stride = (spec != NULL ? 3 + CovariateSpecCount(spec) : 3) + 1;
	return f;
}

/* Append "v1,...,vw:count" of a record (arg: its RecordFormat) */
static void
WriteRecord(StringInfo buf, const void *element, const void *arg)
{
	const float8 *v = (const float8 *) element;
	const RecordFormat *f = (const RecordFormat *) arg;

	for (int k = 0; k < f->written; k++)
	{
		if (k > 0)
			appendStringInfoChar(buf, ',');
		CrmAppendFloat8(buf, v[k]);
	}
	appendStringInfo(buf, ":" INT64_FORMAT, TupleRecordCount(v, f->stride - 1));
}

/*
 * Text form: "v1 shape=purchases n=N [penalizer=P] [unit=U] [litt=L]
 * tuples={x,t_x,T:count;...}", or with covariates "v2 shape=purchases n=N
 * covariates=(...) [unit=U] tuples={x,t_x,T,z1,...:count;...}"
 */
PG_FUNCTION_INFO_V1(clv_fit_state_out);
Datum
clv_fit_state_out(PG_FUNCTION_ARGS)
{
	TupleState *state = TupleStateOfDatum(PG_GETARG_DATUM(0));
	const CovariateSpec *spec = TupleStateCovariates(state);
	RecordFormat f = FormatOf(state->shape, spec);
	StringInfoData buf;
	int32		n;
	float8	   *records = TupleStateRecords(state, &n);

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d shape=%s n=" INT64_FORMAT, spec != NULL ? 2 : 1,
					 TupleShapeName(state->shape), state->n_rows);
	if (spec != NULL)
		CovariateSpecAppendKey(&buf, "covariates", spec);
	if (state->has_penalizer)
		CrmAppendKeyFloat8(&buf, "penalizer", state->penalizer);
	if (state->has_unit)
		appendStringInfo(&buf, " unit=%s", TimeUnitText(&state->unit));
	TupleAppendLitt(&buf, state);
	CrmAppendList(&buf, "tuples", ";", records, sizeof(float8) * f.stride, n, WriteRecord, &f);
	PG_RETURN_CSTRING(buf.data);
}

/* Read "v1,...,vw:count" into a record (arg: its RecordFormat; the element is zeroed) */
static void
ReadRecord(CrmReader *r, void *element, const void *arg)
{
	float8	   *v = (float8 *) element;
	const RecordFormat *f = (const RecordFormat *) arg;

	for (int k = 0; k < f->written; k++)
	{
		if (k > 0)
			CrmExpect(r, ",");
		v[k] = CrmReadFloat8(r);
	}
	CrmExpect(r, ":");
	TupleRecordSetCount(v, f->stride - 1, CrmReadCount(r));
}

/* A state of records read from outside (checked by the caller) */
static TupleState *
StateOfRecords(uint8 shape, int64 n_rows, bool has_penalizer, float8 penalizer,
			   const CovariateSpec *spec, const float8 *records, int32 n)
{
	if (spec != NULL)
		return TupleStateBuildCovariates(shape, n_rows, spec, records, n, 0);
	return TupleStateBuild(shape, n_rows, has_penalizer, penalizer,
						   (const WeightedTuple *) records, n, 0);
}

/* Parse the text form of crm.clv_fit_state */
PG_FUNCTION_INFO_V1(clv_fit_state_in);
Datum
clv_fit_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.clv_fit_state", PG_GETARG_CSTRING(0));
	uint8		shape;
	int64		n_rows;
	bool		has_penalizer = false;
	float8		penalizer = 0;
	int			n;
	float8	   *records;
	bool		has_unit = false;
	TimeUnit	unit = {0, 0, 0};
	bool		has_litt = false;
	int128		litt = 0;
	CovariateSpec *spec = NULL;
	bool		v2 = CrmReadLiteral(&r, "v2");
	RecordFormat f;
	TupleState *state;

	if (!v2)
		CrmExpectVersion(&r, TUPLE_STATE_VERSION);
	CrmExpectKey(&r, "shape");
	shape = TupleShapeOfName(CrmReadWord(&r));
	if (shape == 0)
		CrmReadError(&r, "shape must be purchases, opportunities, spend, tenures or durations");
	n_rows = CrmReadKeyCount(&r, "n");
	if (v2)
	{
		/* a state with covariates */
		CrmExpect(&r, " covariates=(");
		spec = CovariateSpecRead(&r);
		CrmExpect(&r, ")");
		if (shape != TUPLE_SHAPE_PURCHASES)
			CrmReadError(&r, "only purchase states have covariates");
	}
	if (!v2 && CrmReadLiteral(&r, " penalizer="))
	{
		penalizer = CrmReadFloat8(&r);
		if (!isfinite(penalizer) || penalizer < 0)
			CrmReadError(&r, "penalizer must be finite and >= 0");
		has_penalizer = true;
	}
	if (CrmReadLiteral(&r, " unit="))
	{
		if (!TimeUnitParse(CrmReadToken(&r), &unit))
			CrmReadError(&r, "unit must be a positive ISO 8601 duration such as P1D, P7D or P1M");
		has_unit = true;
	}
	if (!v2 && CrmReadLiteral(&r, " litt="))
	{
		if (!TupleParseLitt(&r.p, &litt))
			CrmReadError(&r, "litt must be a whole number N followed by p-40 (N x 2^-40)");
		has_litt = true;
	}
	f = FormatOf(shape, spec);
	records = CrmReadList(&r, "tuples", ";", sizeof(float8) * f.stride, ReadRecord, &f, &n);
	CrmReadEnd(&r);
	CrmReadCheck(&r, RecordsProblem(shape, records, f.stride, n, n_rows));
	state = StateOfRecords(shape, n_rows, has_penalizer, penalizer, spec, records, n);
	state->has_unit = has_unit ? 1 : 0;
	state->unit = unit;
	state->has_litt = has_litt ? 1 : 0;
	state->litt = litt;
	if (spec == NULL)
		CrmReadCheck(&r, TupleLittProblem(state, (const WeightedTuple *) records, n));
	PG_RETURN_POINTER(state);
}

/* Binary form of crm.clv_fit_state */
PG_FUNCTION_INFO_V1(clv_fit_state_send);
Datum
clv_fit_state_send(PG_FUNCTION_ARGS)
{
	TupleState *state = TupleStateOfDatum(PG_GETARG_DATUM(0));
	const CovariateSpec *spec = TupleStateCovariates(state);
	RecordFormat f = FormatOf(state->shape, spec);
	StringInfoData buf;
	int32		n;
	float8	   *records = TupleStateRecords(state, &n);

	/*
	 * version 1 without a unit; 2 with the unit after n; 3 (a state with
	 * litt) with a unit flag, the unit if any and litt after n; 4 (a state
	 * with covariates) with a unit flag, the unit if any and the covariate
	 * spec after n
	 */
	pq_begintypsend(&buf);
	pq_sendint8(&buf, spec != NULL ? 4 : state->has_litt ? 3 : state->has_unit ? 2 : 1);
	pq_sendint8(&buf, state->shape);
	pq_sendint8(&buf, state->has_penalizer);
	pq_sendfloat8(&buf, state->penalizer);
	pq_sendint64(&buf, state->n_rows);
	if (state->has_litt || spec != NULL)
		pq_sendint8(&buf, state->has_unit);
	if (state->has_unit)
	{
		pq_sendint32(&buf, state->unit.months);
		pq_sendint32(&buf, state->unit.days);
		pq_sendint64(&buf, state->unit.usecs);
	}
	if (state->has_litt)
	{
		pq_sendint64(&buf, (int64) (state->litt >> 64));
		pq_sendint64(&buf, (int64) (uint64) state->litt);
	}
	if (spec != NULL)
		CovariateSpecSend(&buf, spec);
	pq_sendint32(&buf, n);
	for (int32 i = 0; i < n; i++)
	{
		const float8 *v = records + (Size) i * f.stride;

		for (int k = 0; k < f.written; k++)
			pq_sendfloat8(&buf, v[k]);
		pq_sendint64(&buf, TupleRecordCount(v, f.stride - 1));
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.clv_fit_state */
PG_FUNCTION_INFO_V1(clv_fit_state_recv);
Datum
clv_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = (uint8) pq_getmsgint(buf, 1);
	uint8		shape = (uint8) pq_getmsgint(buf, 1);
	uint8		has_penalizer = (uint8) pq_getmsgint(buf, 1);
	float8		penalizer = pq_getmsgfloat8(buf);
	int64		n_rows = pq_getmsgint64(buf);
	TimeUnit	unit = {0, 0, 0};
	uint8		has_unit = version == 2 ? 1 :
		(version == 3 || version == 4) ? (uint8) pq_getmsgint(buf, 1) : 0;
	int128		litt = 0;
	int32		n;
	const char *problem = NULL;
	float8	   *records = NULL;
	CovariateSpec *spec = NULL;
	RecordFormat f;
	TupleState *state;

	if (has_unit > 1)
		problem = "invalid unit flag";
	if (has_unit == 1)
	{
		unit.months = (int32) pq_getmsgint(buf, 4);
		unit.days = (int32) pq_getmsgint(buf, 4);
		unit.usecs = pq_getmsgint64(buf);
		if (!TimeUnitIsValid(&unit))
			problem = "invalid unit";
	}
	if (version == 3)
	{
		litt = (int128) pq_getmsgint64(buf) * ((int128) 1 << 64);
		litt += (uint64) pq_getmsgint64(buf);
	}
	if (version == 4 && problem == NULL)
	{
		spec = CovariateSpecRecv(buf, "crm.clv_fit_state");
		if (shape != TUPLE_SHAPE_PURCHASES || has_penalizer != 0)
			problem = "only purchase states without a penalizer have covariates";
	}
	n = (int32) pq_getmsgint(buf, 4);
	if (problem == NULL &&
		((version < 1 || version > 4) || TupleShapeName(shape) == NULL ||
		 has_penalizer > 1 || !isfinite(penalizer) || penalizer < 0 ||
		 (!has_penalizer && penalizer != 0) || n_rows < 0))
		problem = "invalid version, shape, penalizer or n";
	f = FormatOf(shape, spec);
	if (problem == NULL &&
		(n < 0 || (int64) n * 8 * (f.written + 1) > buf->len - buf->cursor))
		problem = "invalid number of tuples";
	if (problem == NULL)
	{
		records = (float8 *) palloc0(sizeof(float8) * f.stride * Max(n, 1));
		for (int32 i = 0; i < n; i++)
		{
			float8	   *v = records + (Size) i * f.stride;

			for (int k = 0; k < f.written; k++)
				v[k] = CrmRecvFloat8(buf);
			TupleRecordSetCount(v, f.stride - 1, pq_getmsgint64(buf));
		}
		problem = RecordsProblem(shape, records, f.stride, n, n_rows);
	}
	if (problem != NULL)
		CrmBinaryError("crm.clv_fit_state", problem);
	state = StateOfRecords(shape, n_rows, has_penalizer != 0, penalizer, spec, records, n);
	state->has_unit = has_unit;
	state->unit = unit;
	state->has_litt = version == 3 ? 1 : 0;
	state->litt = litt;
	if (spec == NULL)
		CrmBinaryCheck("crm.clv_fit_state", TupleLittProblem(state, (const WeightedTuple *) records, n));
	PG_RETURN_POINTER(state);
}
