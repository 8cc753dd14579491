/*
 * quality_servqual_access.c
 *		The accessors of crm.servqual_state: gap scores per item, per
 *		dimension and overall, with standard deviations and t intervals.
 *
 * For each item, dimension or overall score: n respondents, the means of
 * E, P and the gap G = P - E, the sample standard deviation of G,
 * sqrt((sum G^2 - (sum G)^2 / n) / (n - 1)), and the interval
 * mean(G) +- t sd / sqrt(n), t the (1 + level) / 2 quantile of Student's t
 * with n - 1 degrees of freedom (NULL sd and interval when n < 2; NULL
 * means when n = 0).  The level is in (0, 1), 0.95 by default.
 */
#include "crm.h"
#include "crm_io.h"
#include "numerics.h"
#include "quality.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

/* Degrees of freedom above which Student's t is replaced by the normal */
#define T_NORMAL_DF 1e7

/* One score's statistics */
typedef struct GapStats
{
	int64		n;				/* respondents */
	float8		e;				/* mean expectation */
	float8		p;				/* mean perception */
	float8		g;				/* mean gap P - E */
	float8		sd;				/* sample sd of the gap (n >= 2) */
	float8		ci_low;			/* lower end of the interval (n >= 2) */
	float8		ci_high;		/* upper end of the interval (n >= 2) */
} GapStats;

/* P(T > t) of Student's t with df degrees of freedom, t >= 0; false if it fails */
static bool
TUpperTail(float8 t, float8 df, float8 *tail)
{
	float8		x = df / (df + t * t);
	float8		x1 = (t * t) / (df + t * t);
	float8		ib;

	if (!RegularizedBeta(df / 2, 0.5, x, x1, &ib))
		return false;
	*tail = ib / 2;
	return true;
}

/* The upper (1 + level) / 2 quantile of Student's t (df degrees of freedom) */
float8
QualityTQuantile(float8 level, float8 df)
{
	float8		tail;
	float8		lo = 0;
	float8		hi = 1;
	float8		q;
	bool		ok = df <= T_NORMAL_DF;

	if (!(level > 0 && level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("level must be between 0 and 1 (exclusive), not %s",
						float8out_internal(level)),
				 errhint("Give a level such as 0.95 for a 95 %% interval.")));
	tail = (1 - level) / 2;
	/* bracket: the upper tail falls below the target somewhere past hi */
	while (ok && hi < 1e300)
	{
		if (!TUpperTail(hi, df, &q))
			ok = false;
		else if (q <= tail)
			break;
		else
		{
			lo = hi;
			hi *= 2;
		}
	}
	if (!ok)
	{
		/* the normal quantile, by bisection on erfc */
		lo = 0;
		hi = 40;
		for (int i = 0; i < 200; i++)
		{
			float8		mid = (lo + hi) / 2;

			if (mid == lo || mid == hi)
				break;
			if (0.5 * erfc(mid / M_SQRT2) > tail)
				lo = mid;
			else
				hi = mid;
		}
		return (lo + hi) / 2;
	}
	for (int i = 0; i < 200; i++)
	{
		float8		mid = (lo + hi) / 2;

		if (mid == lo || mid == hi || !TUpperTail(mid, df, &q))
			break;
		if (q > tail)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* The statistics of one block of sums at a level */
static void
StatsOf(const ServqualSums *s, float8 level, GapStats *out)
{
	out->n = s->n;
	if (s->n == 0)
		return;
	out->e = s->e / s->n;
	out->p = s->p / s->n;
	out->g = s->g / s->n;
	if (s->n >= 2)
	{
		float8		ss = s->g2 - s->g * (s->g / s->n);
		float8		half;

		out->sd = sqrt(Max(ss, 0) / (s->n - 1));
		half = QualityTQuantile(level, (float8) (s->n - 1)) * out->sd / sqrt((float8) s->n);
		out->ci_low = out->g - half;
		out->ci_high = out->g + half;
	}
}

/* Put the statistics into values[0..7] (n, e, p, g, sd, ci_low, ci_high) */
static void
StatsDatums(const GapStats *st, Datum *values, bool *nulls)
{
	values[0] = Int64GetDatum(st->n);
	nulls[0] = false;
	values[1] = Float8GetDatum(st->e);
	values[2] = Float8GetDatum(st->p);
	values[3] = Float8GetDatum(st->g);
	values[4] = Float8GetDatum(st->sd);
	values[5] = Float8GetDatum(st->ci_low);
	values[6] = Float8GetDatum(st->ci_high);
	for (int k = 1; k <= 3; k++)
		nulls[k] = st->n == 0;
	for (int k = 4; k <= 6; k++)
		nulls[k] = st->n < 2;
}

/* The level argument argno (22004 if NULL, 22023 unless in (0, 1)) */
static float8
LevelArg(FunctionCallInfo fcinfo, int argno)
{
	float8		level;

	CheckNotNull(fcinfo, argno, "level");
	level = PG_GETARG_FLOAT8(argno);
	(void) QualityTQuantile(level, 1);
	return level;
}

/* crm.servqual_items(state, level): one row per item */
PG_FUNCTION_INFO_V1(servqual_items);
Datum
servqual_items(PG_FUNCTION_ARGS)
{
	ServqualState *state = ServqualStateArg(fcinfo, 0);
	float8		level = LevelArg(fcinfo, 1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32	   *item_dim = ServqualItemDim(state);

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < state->n_items; i++)
	{
		Datum		values[9];
		bool		nulls[9];
		GapStats	st = {0};

		CHECK_FOR_INTERRUPTS();
		StatsOf(&state->sums[i], level, &st);
		values[0] = Int32GetDatum(i + 1);
		nulls[0] = false;
		values[1] = CStringGetTextDatum(QualityNameAt(ServqualStateNames(state), item_dim[i]));
		nulls[1] = false;
		StatsDatums(&st, values + 2, nulls + 2);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* crm.servqual_dimensions(state, level): one row per dimension */
PG_FUNCTION_INFO_V1(servqual_dimensions);
Datum
servqual_dimensions(PG_FUNCTION_ARGS)
{
	ServqualState *state = ServqualStateArg(fcinfo, 0);
	float8		level = LevelArg(fcinfo, 1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	float8	   *importance = ServqualImportance(state);

	InitMaterializedSRF(fcinfo, 0);
	for (int d = 0; d < state->n_dims; d++)
	{
		Datum		values[9];
		bool		nulls[9];
		GapStats	st = {0};

		StatsOf(&state->sums[state->n_items + d], level, &st);
		values[0] = CStringGetTextDatum(QualityNameAt(ServqualStateNames(state), d));
		nulls[0] = false;
		StatsDatums(&st, values + 1, nulls + 1);
		nulls[8] = state->weighted_overall.n == 0;
		values[8] = Float8GetDatum(nulls[8] ? 0 : importance[d] / state->weighted_overall.n);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * crm.servqual_overall(state, level): the unweighted overall score (mean
 * of the dimension scores) and, for a weighted state, the
 * importance-weighted one, one row each
 */
PG_FUNCTION_INFO_V1(servqual_overall);
Datum
servqual_overall(PG_FUNCTION_ARGS)
{
	ServqualState *state = ServqualStateArg(fcinfo, 0);
	float8		level = LevelArg(fcinfo, 1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	InitMaterializedSRF(fcinfo, 0);
	for (int k = 0; k < (state->weighted ? 2 : 1); k++)
	{
		Datum		values[8];
		bool		nulls[8];
		GapStats	st = {0};

		StatsOf(k == 0 ? &state->overall : &state->weighted_overall, level, &st);
		values[0] = CStringGetTextDatum(k == 0 ? "unweighted" : "weighted");
		nulls[0] = false;
		StatsDatums(&st, values + 1, nulls + 1);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * crm.servqual_gap(state): the overall gap, importance-weighted for a
 * weighted state with weighted respondents, else unweighted (NULL without
 * respondents)
 */
PG_FUNCTION_INFO_V1(servqual_gap);
Datum
servqual_gap(PG_FUNCTION_ARGS)
{
	ServqualState *state = ServqualStateArg(fcinfo, 0);
	const ServqualSums *s = state->weighted && state->weighted_overall.n > 0 ?
		&state->weighted_overall : &state->overall;

	if (s->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s->g / s->n);
}

/* crm.servqual_respondents(state): rows with at least one answered item */
PG_FUNCTION_INFO_V1(servqual_respondents);
Datum
servqual_respondents(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(ServqualStateArg(fcinfo, 0)->respondents);
}

/* crm.servqual_state_map(state): the map the state was built with */
PG_FUNCTION_INFO_V1(servqual_state_map);
Datum
servqual_state_map(PG_FUNCTION_ARGS)
{
	ServqualState *state = ServqualStateArg(fcinfo, 0);

	PG_RETURN_POINTER(ServqualMapBuild(state->n_items, state->n_dims, ServqualItemDim(state),
									   ServqualStateNames(state), state->names_size));
}

/* Append a JSON number, or null when absent */
static void
AppendJsonNumber(StringInfo buf, const char *key, bool present, float8 value)
{
	appendStringInfo(buf, ", \"%s\": ", key);
	if (present)
		CrmAppendFloat8(buf, value);
	else
		appendStringInfoString(buf, "null");
}

/* Append the 95% statistics of sums as a JSON object */
static void
AppendJsonStats(StringInfo buf, const ServqualSums *s)
{
	GapStats	st = {0};

	StatsOf(s, 0.95, &st);
	appendStringInfo(buf, "{\"n\": " INT64_FORMAT, st.n);
	AppendJsonNumber(buf, "expectation", st.n > 0, st.e);
	AppendJsonNumber(buf, "perception", st.n > 0, st.p);
	AppendJsonNumber(buf, "gap", st.n > 0, st.g);
	AppendJsonNumber(buf, "gap_sd", st.n > 1, st.sd);
	AppendJsonNumber(buf, "ci_low", st.n > 1, st.ci_low);
	AppendJsonNumber(buf, "ci_high", st.n > 1, st.ci_high);
}

/*
 * The state as jsonb: respondents, map, overall (and weighted_overall),
 * dimensions (with importance) and items, 95% intervals
 */
PG_FUNCTION_INFO_V1(servqual_state_jsonb);
Datum
servqual_state_jsonb(PG_FUNCTION_ARGS)
{
	ServqualState *state = ServqualStateArg(fcinfo, 0);
	float8	   *importance = ServqualImportance(state);
	int32	   *item_dim = ServqualItemDim(state);
	const char *names = ServqualStateNames(state);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"respondents\": " INT64_FORMAT ", \"map\": \"", state->respondents);
	ServqualMapAppendText(&buf, state->n_items, state->n_dims, item_dim, names);
	appendStringInfoString(&buf, "\", \"overall\": ");
	AppendJsonStats(&buf, &state->overall);
	appendStringInfoChar(&buf, '}');
	if (state->weighted)
	{
		appendStringInfoString(&buf, ", \"weighted_overall\": ");
		AppendJsonStats(&buf, &state->weighted_overall);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, ", \"dimensions\": [");
	for (int d = 0; d < state->n_dims; d++)
	{
		appendStringInfoString(&buf, d > 0 ? ", " : "");
		AppendJsonStats(&buf, &state->sums[state->n_items + d]);
		appendStringInfo(&buf, ", \"dimension\": \"%s\"", QualityNameAt(names, d));
		AppendJsonNumber(&buf, "importance", state->weighted_overall.n > 0,
						 state->weighted_overall.n > 0 ? importance[d] / state->weighted_overall.n : 0);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, "], \"items\": [");
	for (int i = 0; i < state->n_items; i++)
	{
		appendStringInfoString(&buf, i > 0 ? ", " : "");
		AppendJsonStats(&buf, &state->sums[i]);
		appendStringInfo(&buf, ", \"item\": %d, \"dimension\": \"%s\"}", i + 1,
						 QualityNameAt(names, item_dim[i]));
	}
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
