/*
 * tuple_state_io.c
 *		Text and binary forms of the tuple state (SQL type crm.clv_fit_state,
 *		tuple_state.h): "v1 shape=purchases n=N [penalizer=P] [unit=U]
 *		tuples={x,t_x,T:count;...}" and its binary equivalent, both exact,
 *		with the checks that reject impossible states on input.
 */
#include "crm.h"
#include "tuple_state.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

/* Raise 22P02 for malformed fit state text */
static void
StateSyntaxError(const char *input, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type crm.clv_fit_state: \"%s\"", input),
			 errdetail("%s.", why)));
}

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

/* Text form: "v1 shape=purchases n=N [penalizer=P] tuples={x,t_x,T:count;...}" */
PG_FUNCTION_INFO_V1(clv_fit_state_out);
Datum
clv_fit_state_out(PG_FUNCTION_ARGS)
{
	TupleState *state = TupleStateOfDatum(PG_GETARG_DATUM(0));
	int			width = TupleShapeWidth(state->shape);
	StringInfoData buf;
	char		digits[DOUBLE_SHORTEST_DECIMAL_LEN];
	int32		n;
	WeightedTuple *tuples = TupleStateTuples(state, &n);

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d shape=%s n=" INT64_FORMAT, state->version,
					 TupleShapeName(state->shape), state->n_rows);
	if (state->has_penalizer)
	{
		double_to_shortest_decimal_buf(state->penalizer, digits);
		appendStringInfo(&buf, " penalizer=%s", digits);
	}
	if (state->has_unit)
		appendStringInfo(&buf, " unit=%s", TimeUnitText(&state->unit));
	appendStringInfoString(&buf, " tuples={");
	for (int32 i = 0; i < n; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ';');
		for (int k = 0; k < width; k++)
		{
			double_to_shortest_decimal_buf(tuples[i].v[k], digits);
			appendStringInfo(&buf, "%s%s", k ? "," : "", digits);
		}
		appendStringInfo(&buf, ":" INT64_FORMAT, tuples[i].count);
	}
	appendStringInfoChar(&buf, '}');
	PG_RETURN_CSTRING(buf.data);
}

/* Parse one float8 of the text form at *p, advancing it; raise on bad input */
static float8
ParseValue(const char *input, char **p)
{
	char	   *end;
	float8		value;

	if (!CrmParseFloat8(*p, &end, &value))
		StateSyntaxError(input, "expected a number");
	*p = end;
	return value;
}

/* Parse the text form of crm.clv_fit_state */
PG_FUNCTION_INFO_V1(clv_fit_state_in);
Datum
clv_fit_state_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	char		shape_name[16];
	int			version;
	long long	n_rows;
	int			consumed = 0;
	uint8		shape;
	int			width;
	bool		has_penalizer = false;
	float8		penalizer = 0;
	char	   *p;
	int32		allocated = 16;
	int32		n = 0;
	WeightedTuple *tuples;
	const char *problem;
	bool		has_unit = false;
	TimeUnit	unit = {0, 0, 0};
	TupleState *state;

	if (sscanf(input, "v%d shape=%15[a-z] n=%lld%n",
			   &version, shape_name, &n_rows, &consumed) != 3 || consumed == 0)
		StateSyntaxError(input, "expected \"v1 shape=... n=...\"");
	if (version != TUPLE_STATE_VERSION)
		StateSyntaxError(input, "unsupported version");
	shape = TupleShapeOfName(shape_name);
	if (shape == 0)
		StateSyntaxError(input, "shape must be purchases, opportunities, spend, tenures or durations");
	width = TupleShapeWidth(shape);
	if (n_rows < 0)
		StateSyntaxError(input, "n must not be negative");
	p = input + consumed;
	if (strncmp(p, " penalizer=", 11) == 0)
	{
		p += 11;
		penalizer = ParseValue(input, &p);
		if (!isfinite(penalizer) || penalizer < 0)
			StateSyntaxError(input, "penalizer must be finite and >= 0");
		has_penalizer = true;
	}
	if (strncmp(p, " unit=", 6) == 0)
	{
		char	   *end = strchr(p + 6, ' ');
		char	   *text;

		if (end == NULL)
			StateSyntaxError(input, "expected \" tuples={\" after the unit");
		text = pnstrdup(p + 6, end - (p + 6));
		if (!TimeUnitParse(text, &unit))
			StateSyntaxError(input, "unit must be a positive ISO 8601 duration such as P1D, P7D or P1M");
		has_unit = true;
		p = end;
	}
	if (strncmp(p, " tuples={", 9) != 0)
		StateSyntaxError(input, "expected \" tuples={\"");
	p += 9;
	tuples = (WeightedTuple *) palloc0(sizeof(WeightedTuple) * allocated);
	while (*p != '}')
	{
		char	   *end;

		if (n > 0)
		{
			if (*p != ';')
				StateSyntaxError(input, "expected \";\" or \"}\"");
			p++;
		}
		if (n >= allocated)
		{
			allocated *= 2;
			tuples = repalloc(tuples, sizeof(WeightedTuple) * allocated);
		}
		tuples[n].v[2] = 0;
		for (int k = 0; k < width; k++)
		{
			if (k > 0 && *p++ != ',')
				StateSyntaxError(input, "expected \",\" between the values of a tuple");
			tuples[n].v[k] = ParseValue(input, &p) + 0.0;
		}
		if (*p++ != ':' || !isdigit((unsigned char) *p))
			StateSyntaxError(input, "expected \":count\" after a tuple");
		errno = 0;
		tuples[n].count = strtoll(p, &end, 10);
		if (errno != 0)
			StateSyntaxError(input, "count out of range");
		p = end;
		n++;
	}
	if (*++p != '\0')
		StateSyntaxError(input, "unexpected text at the end");
	problem = TuplesProblem(shape, tuples, n, n_rows);
	if (problem != NULL)
		StateSyntaxError(input, problem);
	state = TupleStateBuild(shape, n_rows, has_penalizer, penalizer, tuples, n, 0);
	state->has_unit = has_unit ? 1 : 0;
	state->unit = unit;
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

	/* version 1 without a unit; 2 with the unit after n */
	pq_begintypsend(&buf);
	pq_sendint8(&buf, state->has_unit ? 2 : 1);
	pq_sendint8(&buf, state->shape);
	pq_sendint8(&buf, state->has_penalizer);
	pq_sendfloat8(&buf, state->penalizer);
	pq_sendint64(&buf, state->n_rows);
	if (state->has_unit)
	{
		pq_sendint32(&buf, state->unit.months);
		pq_sendint32(&buf, state->unit.days);
		pq_sendint64(&buf, state->unit.usecs);
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
	int32		n;
	const char *problem = NULL;
	WeightedTuple *tuples = NULL;
	TupleState *state;

	if (version == 2)
	{
		unit.months = (int32) pq_getmsgint(buf, 4);
		unit.days = (int32) pq_getmsgint(buf, 4);
		unit.usecs = pq_getmsgint64(buf);
		if (!TimeUnitIsValid(&unit))
			problem = "invalid unit";
	}
	n = (int32) pq_getmsgint(buf, 4);
	if (problem == NULL &&
		((version != 1 && version != 2) || TupleShapeName(shape) == NULL ||
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
				tuples[i].v[k] = pq_getmsgfloat8(buf) + 0.0;
			tuples[i].count = pq_getmsgint64(buf);
		}
		problem = TuplesProblem(shape, tuples, n, n_rows);
	}
	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid binary crm.clv_fit_state"),
				 errdetail("%s.", problem)));
	state = TupleStateBuild(shape, n_rows, has_penalizer != 0, penalizer, tuples, n, 0);
	state->has_unit = version == 2 ? 1 : 0;
	state->unit = unit;
	PG_RETURN_POINTER(state);
}
