/*
 * tuple_state_io.c
 *		Text and binary forms of the tuple state (SQL type crm.clv_fit_state,
 *		tuple_state.h): "v1 shape=purchases n=N [penalizer=P] [unit=U]
 *		tuples={x,t_x,T:count;...}" and its binary equivalent, both exact,
 *		with the checks that reject impossible states on input (litt, its exact
 *		fixed-point sum, is written and read by tuple_state_litt.c).
 */
#include "crm.h"
#include "crm_io.h"
#include "tuple_state.h"

#include <math.h>

#include "utils/builtins.h"

/* Why tuples read from outside are inconsistent, or NULL */
static const char *
TuplesProblem(uint8 shape, const WeightedTuple *tuples, int32 n, int64 n_rows)
{
	int64		total = 0;

	for (int32 i = 0; i < n; i++)
	{
		const WeightedTuple *t = &tuples[i];
		float8		x = t->v[0];

		for (int k = 0; k < 3; k++)
			if (!isfinite(t->v[k]))
				return "values must be finite";
		if (t->count <= 0 || total > PG_INT64_MAX - t->count)
			return "counts must be positive";
		if (shape == TUPLE_SHAPE_DURATIONS &&
			(x < 0 || (t->v[1] != 0 && t->v[1] != 1) || t->v[2] != 0))
			return "each (duration, event) must have a duration >= 0 and event 0 or 1";
		if (shape != TUPLE_SHAPE_DURATIONS && (x < 0 || x != floor(x)))
			return "x must be a non-negative whole number";
		if (shape == TUPLE_SHAPE_PURCHASES &&
			(t->v[1] < 0 || t->v[1] > t->v[2] || (x == 0 && t->v[1] != 0)))
			return "each (x, t_x, T) must have 0 <= t_x <= T, and t_x = 0 when x = 0";
		if (shape == TUPLE_SHAPE_OPPORTUNITIES &&
			(t->v[2] < 0 || t->v[2] > 1e6 || t->v[2] != floor(t->v[2]) ||
			 t->v[1] != floor(t->v[1]) || t->v[1] < x || t->v[1] > t->v[2] ||
			 (x == 0 && t->v[1] != 0)))
			return "each (x, t_x, n) must be whole numbers with x <= t_x <= n, 0 <= n, and t_x = 0 when x = 0";
		if (shape == TUPLE_SHAPE_TENURES &&
			(x < 1 || x > 1e6 || (t->v[1] != 0 && t->v[1] != 1) || t->v[2] != 0))
			return "each (tenure, churned) must have a whole tenure >= 1 and churned 0 or 1";
		if (shape == TUPLE_SHAPE_SPEND && (x == 0 || t->v[2] != 0))
			return "each (x, m) must have x > 0";
		if (i > 0 && TupleCompareValues(&tuples[i - 1], t) >= 0)
			return "tuples must be strictly increasing";
		total += t->count;
	}
	if (total != n_rows)
		return "the counts must add up to n";
	return NULL;
}

/* Append "v1,...,vw:count" of a WeightedTuple of a shape of width w (int, arg) */
static void
WriteTuple(StringInfo buf, const void *element, const void *arg)
{
	const WeightedTuple *t = (const WeightedTuple *) element;

	for (int k = 0; k < *(const int *) arg; k++)
	{
		if (k > 0)
			appendStringInfoChar(buf, ',');
		CrmAppendFloat8(buf, t->v[k]);
	}
	appendStringInfo(buf, ":" INT64_FORMAT, t->count);
}

/* Text form: "v1 shape=purchases n=N [penalizer=P] tuples={x,t_x,T:count;...}" */
PG_FUNCTION_INFO_V1(clv_fit_state_out);
Datum
clv_fit_state_out(PG_FUNCTION_ARGS)
{
	TupleState *state = TupleStateOfDatum(PG_GETARG_DATUM(0));
	int			width = TupleShapeWidth(state->shape);
	StringInfoData buf;
	int32		n;
	WeightedTuple *tuples = TupleStateTuples(state, &n);

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d shape=%s n=" INT64_FORMAT, state->version,
					 TupleShapeName(state->shape), state->n_rows);
	if (state->has_penalizer)
		CrmAppendKeyFloat8(&buf, "penalizer", state->penalizer);
	if (state->has_unit)
		appendStringInfo(&buf, " unit=%s", TimeUnitText(&state->unit));
	TupleAppendLitt(&buf, state);
	CrmAppendList(&buf, "tuples", ";", tuples, sizeof(WeightedTuple), n, WriteTuple, &width);
	PG_RETURN_CSTRING(buf.data);
}

/* Read "v1,...,vw:count" of a shape of width w (int, arg) into a WeightedTuple */
static void
ReadTuple(CrmReader *r, void *element, const void *arg)
{
	WeightedTuple *t = (WeightedTuple *) element;

	for (int k = 0; k < *(const int *) arg; k++)
	{
		if (k > 0)
			CrmExpect(r, ",");
		t->v[k] = CrmReadFloat8(r);
	}
	CrmExpect(r, ":");
	t->count = CrmReadCount(r);
}

/* Parse the text form of crm.clv_fit_state */
PG_FUNCTION_INFO_V1(clv_fit_state_in);
Datum
clv_fit_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.clv_fit_state", PG_GETARG_CSTRING(0));
	uint8		shape;
	int			width;
	int64		n_rows;
	bool		has_penalizer = false;
	float8		penalizer = 0;
	int			n;
	WeightedTuple *tuples;
	bool		has_unit = false;
	TimeUnit	unit = {0, 0, 0};
	bool		has_litt = false;
	int128		litt = 0;
	TupleState *state;

	CrmExpectVersion(&r, TUPLE_STATE_VERSION);
	CrmExpectKey(&r, "shape");
	shape = TupleShapeOfName(CrmReadWord(&r));
	if (shape == 0)
		CrmReadError(&r, "shape must be purchases, opportunities, spend, tenures or durations");
	width = TupleShapeWidth(shape);
	n_rows = CrmReadKeyCount(&r, "n");
	if (CrmReadLiteral(&r, " penalizer="))
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
	if (CrmReadLiteral(&r, " litt="))
	{
		if (!TupleParseLitt(&r.p, &litt))
			CrmReadError(&r, "litt must be a whole number N followed by p-40 (N x 2^-40)");
		has_litt = true;
	}
	tuples = CrmReadList(&r, "tuples", ";", sizeof(WeightedTuple), ReadTuple, &width, &n);
	CrmReadEnd(&r);
	CrmReadCheck(&r, TuplesProblem(shape, tuples, n, n_rows));
	state = TupleStateBuild(shape, n_rows, has_penalizer, penalizer, tuples, n, 0);
	state->has_unit = has_unit ? 1 : 0;
	state->unit = unit;
	state->has_litt = has_litt ? 1 : 0;
	state->litt = litt;
	CrmReadCheck(&r, TupleLittProblem(state, tuples, n));
	PG_RETURN_POINTER(state);
}

/* Binary form of crm.clv_fit_state */
PG_FUNCTION_INFO_V1(clv_fit_state_send);
Datum
clv_fit_state_send(PG_FUNCTION_ARGS)
{
	TupleState *state = TupleStateOfDatum(PG_GETARG_DATUM(0));
	int			width = TupleShapeWidth(state->shape);
	StringInfoData buf;
	int32		n;
	WeightedTuple *tuples = TupleStateTuples(state, &n);

	/*
	 * version 1 without a unit; 2 with the unit after n; 3 (a state with
	 * litt) with a unit flag, the unit if any and litt after n
	 */
	pq_begintypsend(&buf);
	pq_sendint8(&buf, state->has_litt ? 3 : state->has_unit ? 2 : 1);
	pq_sendint8(&buf, state->shape);
	pq_sendint8(&buf, state->has_penalizer);
	pq_sendfloat8(&buf, state->penalizer);
	pq_sendint64(&buf, state->n_rows);
	if (state->has_litt)
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
	pq_sendint32(&buf, n);
	for (int32 i = 0; i < n; i++)
	{
		for (int k = 0; k < width; k++)
			pq_sendfloat8(&buf, tuples[i].v[k]);
		pq_sendint64(&buf, tuples[i].count);
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
	uint8		has_unit = version == 2 ? 1 : version == 3 ? (uint8) pq_getmsgint(buf, 1) : 0;
	int128		litt = 0;
	int32		n;
	const char *problem = NULL;
	WeightedTuple *tuples = NULL;
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
	n = (int32) pq_getmsgint(buf, 4);
	if (problem == NULL &&
		((version < 1 || version > 3) || TupleShapeName(shape) == NULL ||
		 has_penalizer > 1 || !isfinite(penalizer) || penalizer < 0 ||
		 (!has_penalizer && penalizer != 0) || n_rows < 0))
		problem = "invalid version, shape, penalizer or n";
	if (problem == NULL &&
		(n < 0 || (int64) n * 8 * (TupleShapeWidth(shape) + 1) > buf->len - buf->cursor))
		problem = "invalid number of tuples";
	if (problem == NULL)
	{
		tuples = (WeightedTuple *) palloc0(sizeof(WeightedTuple) * Max(n, 1));
		for (int32 i = 0; i < n; i++)
		{
			for (int k = 0; k < TupleShapeWidth(shape); k++)
				tuples[i].v[k] = CrmRecvFloat8(buf);
			tuples[i].count = pq_getmsgint64(buf);
		}
		problem = TuplesProblem(shape, tuples, n, n_rows);
	}
	if (problem != NULL)
		CrmBinaryError("crm.clv_fit_state", problem);
	state = TupleStateBuild(shape, n_rows, has_penalizer != 0, penalizer, tuples, n, 0);
	state->has_unit = has_unit;
	state->unit = unit;
	state->has_litt = version == 3 ? 1 : 0;
	state->litt = litt;
	CrmBinaryCheck("crm.clv_fit_state", TupleLittProblem(state, tuples, n));
	PG_RETURN_POINTER(state);
}
