/*
 * value_potential.c
 *		Value x potential: the customer portfolio quadrant of a customer from
 *		their historical value and their predicted future value (e.g. a CLV),
 *		with thresholds given or fitted as the medians of a customer base
 *		(crm.value_potential_model).
 *
 * The quadrants, as the growth-share portfolio matrix applied to
 * customers: high value (>= the value threshold) and high potential (>= the
 * potential threshold) is "invest" (the most valuable customers, with room
 * to grow: invest to keep and develop them); high value, low potential is
 * "maintain" (keep them at efficient cost: little growth to buy); low
 * value, high potential is "develop" (grow them to their potential with
 * cross- and up-selling); low value, low potential is "divest" (serve at
 * the lowest cost or let go).  A value equal to its threshold counts as
 * high, as ties go to the higher tier in the pyramid.
 *
 * Text form:  value_threshold=120.5 potential_threshold=33.1 n=2357
 * (n = 0 for given thresholds).
 */
#include "crm.h"
#include "value.h"

#include <math.h>

#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#define VALUE_POTENTIAL_MODEL_VERSION 1

/* A value x potential model: the two thresholds, and how many customers they were fitted on */
typedef struct ValuePotentialModel
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* VALUE_POTENTIAL_MODEL_VERSION */
	uint8		reserved[3];	/* must be zero */
	int32		reserved2;		/* must be zero */
	int64		n;				/* customers fitted on (0 if given) */
	float8		value_threshold;	/* high value: value >= this */
	float8		potential_threshold;	/* high potential: potential >= this */
} ValuePotentialModel;

#define DatumGetValuePotentialModelP(d)	((ValuePotentialModel *) PG_DETOAST_DATUM(d))

/* The quadrant label of a customer */
static const char *
QuadrantLabel(float8 value, float8 potential, float8 value_threshold,
			  float8 potential_threshold)
{
	bool		high_value = value >= value_threshold;
	bool		high_potential = potential >= potential_threshold;

	if (high_value)
		return high_potential ? "invest" : "maintain";
	return high_potential ? "develop" : "divest";
}

/* A new model with the given thresholds (checked finite: 22000) */
static ValuePotentialModel *
ModelMake(float8 value_threshold, float8 potential_threshold, int64 n)
{
	ValuePotentialModel *model = (ValuePotentialModel *) palloc0(sizeof(ValuePotentialModel));

	CheckFinite(value_threshold, "value threshold");
	CheckFinite(potential_threshold, "potential threshold");
	SET_VARSIZE(model, sizeof(ValuePotentialModel));
	model->version = VALUE_POTENTIAL_MODEL_VERSION;
	model->n = n;
	model->value_threshold = value_threshold;
	model->potential_threshold = potential_threshold;
	return model;
}

/* The rank-th smallest value (1-based) of an ascending run of distinct values with counts */
static float8
RunOrderStatistic(const CrmValueCount *run, int32 runs, int64 rank)
{
	int64		seen = 0;

	for (int32 i = 0; i < runs; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		seen += run[i].count;
		if (seen >= rank)
			return run[i].value;
	}
	elog(ERROR, "rank " INT64_FORMAT " beyond the " INT64_FORMAT " values of a run", rank, seen);
	pg_unreachable();
}

/* The median of n values as percentile_cont(0.5): the middle one or the mean of the two */
static float8
RunMedian(const CrmValueCount *run, int32 runs, int64 n)
{
	float8		lo = RunOrderStatistic(run, runs, (n - 1) / 2 + 1);
	float8		hi = RunOrderStatistic(run, runs, n / 2 + 1);

	return lo + (hi - lo) * 0.5;
}

/* Final function of crm.value_potential_fit: the medians of value and potential */
PG_FUNCTION_INFO_V1(value_potential_fit_final);
Datum
value_potential_fit_final(PG_FUNCTION_ARGS)
{
	ValueState *state = DatumGetValueStateP(PG_GETARG_DATUM(0));
	float8		medians[2];

	if (state->kind != VALUE_KIND_POTENTIAL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a value x potential model is fitted on a state of kind potential, not %s",
						ValueKindName(state->kind)),
				 errhint("Make the state with crm.value_potential_fit_partial.")));
	if (state->n_rows == 0)
		PG_RETURN_NULL();
	for (int d = 0; d < 2; d++)
	{
		int32		runs;
		const CrmValueCount *run = ValueStateRun(state, d, &runs);

		medians[d] = RunMedian(run, runs, state->n_rows);
	}
	PG_RETURN_POINTER(ModelMake(medians[0], medians[1], state->n_rows));
}

/* crm.value_potential_model(value_threshold, potential_threshold): a model from given thresholds */
PG_FUNCTION_INFO_V1(value_potential_model_make);
Datum
value_potential_model_make(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(ModelMake(PG_GETARG_FLOAT8(0), PG_GETARG_FLOAT8(1), 0));
}

/* The value and potential of a customer in arguments argno, argno + 1, checked finite */
static void
CustomerArgs(FunctionCallInfo fcinfo, int argno, float8 *value, float8 *potential)
{
	*value = PG_GETARG_FLOAT8(argno);
	*potential = PG_GETARG_FLOAT8(argno + 1);
	CheckFinite(*value, "value");
	CheckFinite(*potential, "potential");
}

/* crm.value_potential(model, value, potential): a customer's quadrant under a model */
PG_FUNCTION_INFO_V1(value_potential_model_label);
Datum
value_potential_model_label(PG_FUNCTION_ARGS)
{
	ValuePotentialModel *model = DatumGetValuePotentialModelP(PG_GETARG_DATUM(0));
	float8		value;
	float8		potential;

	CustomerArgs(fcinfo, 1, &value, &potential);
	PG_RETURN_TEXT_P(cstring_to_text(QuadrantLabel(value, potential, model->value_threshold,
												   model->potential_threshold)));
}

/* crm.value_potential(value, potential, value_threshold, potential_threshold): a customer's quadrant */
PG_FUNCTION_INFO_V1(value_potential_label);
Datum
value_potential_label(PG_FUNCTION_ARGS)
{
	float8		value;
	float8		potential;
	float8		value_threshold = PG_GETARG_FLOAT8(2);
	float8		potential_threshold = PG_GETARG_FLOAT8(3);

	CustomerArgs(fcinfo, 0, &value, &potential);
	CheckFinite(value_threshold, "value threshold");
	CheckFinite(potential_threshold, "potential threshold");
	PG_RETURN_TEXT_P(cstring_to_text(QuadrantLabel(value, potential, value_threshold,
												   potential_threshold)));
}

/* crm.value_threshold(model) */
PG_FUNCTION_INFO_V1(value_potential_model_value_threshold);
Datum
value_potential_model_value_threshold(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(DatumGetValuePotentialModelP(PG_GETARG_DATUM(0))->value_threshold);
}

/* crm.potential_threshold(model) */
PG_FUNCTION_INFO_V1(value_potential_model_potential_threshold);
Datum
value_potential_model_potential_threshold(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(DatumGetValuePotentialModelP(PG_GETARG_DATUM(0))->potential_threshold);
}

/* crm.customers(model): customers the thresholds were fitted on (0 if given) */
PG_FUNCTION_INFO_V1(value_potential_model_customers);
Datum
value_potential_model_customers(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(DatumGetValuePotentialModelP(PG_GETARG_DATUM(0))->n);
}

/* Parse the text form of crm.value_potential_model */
PG_FUNCTION_INFO_V1(value_potential_model_in);
Datum
value_potential_model_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.value_potential_model", PG_GETARG_CSTRING(0));
	float8		value_threshold = CrmReadKeyFloat8(&r, "value_threshold");
	float8		potential_threshold = CrmReadKeyFloat8(&r, "potential_threshold");
	int64		n = CrmReadKeyCount(&r, "n");

	CrmReadEnd(&r);
	if (!isfinite(value_threshold) || !isfinite(potential_threshold))
		CrmReadError(&r, "thresholds must be finite");
	PG_RETURN_POINTER(ModelMake(value_threshold, potential_threshold, n));
}

/* Text form of crm.value_potential_model */
PG_FUNCTION_INFO_V1(value_potential_model_out);
Datum
value_potential_model_out(PG_FUNCTION_ARGS)
{
	ValuePotentialModel *model = DatumGetValuePotentialModelP(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	CrmAppendKeyFloat8(&buf, "value_threshold", model->value_threshold);
	CrmAppendKeyFloat8(&buf, "potential_threshold", model->potential_threshold);
	appendStringInfo(&buf, " n=" INT64_FORMAT, model->n);
	PG_RETURN_CSTRING(buf.data);
}

/* Binary form of crm.value_potential_model */
PG_FUNCTION_INFO_V1(value_potential_model_send);
Datum
value_potential_model_send(PG_FUNCTION_ARGS)
{
	ValuePotentialModel *model = DatumGetValuePotentialModelP(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, model->version);
	pq_sendint64(&buf, model->n);
	pq_sendfloat8(&buf, model->value_threshold);
	pq_sendfloat8(&buf, model->potential_threshold);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.value_potential_model */
PG_FUNCTION_INFO_V1(value_potential_model_recv);
Datum
value_potential_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = (uint8) pq_getmsgint(buf, 1);
	int64		n = pq_getmsgint64(buf);
	float8		value_threshold = CrmRecvFloat8(buf);
	float8		potential_threshold = CrmRecvFloat8(buf);

	if (version != VALUE_POTENTIAL_MODEL_VERSION || n < 0 ||
		!isfinite(value_threshold) || !isfinite(potential_threshold))
		CrmBinaryError("crm.value_potential_model", "invalid version, n or thresholds");
	PG_RETURN_POINTER(ModelMake(value_threshold, potential_threshold, n));
}
