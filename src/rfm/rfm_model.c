/*
 * rfm_model.c
 *		crm.rfm_model: a stored RFM scoring model (breakpoints per dimension),
 *		its text and binary forms, the constructor from user thresholds, its
 *		accessors, and crm.rfm_score, which scores a customer with it.
 *
 * Text form, one line that round-trips exactly:
 *	 quantile bins=5 n=995 recency={115,181,297.4,482} frequency={4,5,6,8}
 *	 monetary={255.8,382,506.4,666}
 */
#include "crm.h"
#include "rfm_model.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

const char *const RfmDimensionNames[RFM_DIMENSIONS] = {"recency", "frequency", "monetary"};

/* Name of a method ('quantile', 'ntile', 'thresholds') */
const char *
RfmMethodName(uint8 method)
{
	switch (method)
	{
		case RFM_METHOD_QUANTILE:
			return "quantile";
		case RFM_METHOD_NTILE:
			return "ntile";
		default:
			return "thresholds";
	}
}

/* The method with this name, or 0 if there is none */
uint8
RfmMethodByName(const char *name)
{
	for (uint8 method = RFM_METHOD_QUANTILE; method <= RFM_METHOD_THRESHOLDS; method++)
		if (strcmp(name, RfmMethodName(method)) == 0)
			return method;
	return 0;
}

/* A new zeroed model with k bins */
static RfmModel *
ModelAlloc(uint8 method, int bins, int64 n)
{
	RfmModel   *model = (RfmModel *) palloc0(RfmModelSize(bins));

	SET_VARSIZE(model, RfmModelSize(bins));
	model->version = RFM_MODEL_VERSION;
	model->method = method;
	model->bins = (uint8) bins;
	model->n = n;
	return model;
}

/*
 * Why a model read from outside is invalid, or NULL.  Fitted breakpoints may
 * tie (quantiles of tied data); user thresholds must strictly increase.
 */
static const char *
ModelProblem(const RfmModel *model)
{
	if (model->version != RFM_MODEL_VERSION || model->reserved != 0 ||
		model->reserved2 != 0)
		return "unsupported version or reserved fields not zero";
	if (model->method < RFM_METHOD_QUANTILE || model->method > RFM_METHOD_THRESHOLDS)
		return "unknown method";
	if (model->bins < RFM_MIN_BINS || model->bins > RFM_MAX_BINS)
		return "bins must be between 2 and 9";
	if (model->n < 0 || (model->method == RFM_METHOD_THRESHOLDS) != (model->n == 0))
		return "n must be positive for a fitted model and 0 for thresholds";
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		const float8 *b = RfmModelBreakpoints(model, d);

		for (int i = 0; i < model->bins - 1; i++)
		{
			if (!isfinite(b[i]))
				return "breakpoints must be finite";
			if (i > 0 && (b[i] < b[i - 1] ||
						  (model->method == RFM_METHOD_THRESHOLDS && b[i] == b[i - 1])))
				return "breakpoints must increase";
		}
	}
	return NULL;
}

/* Text form of crm.rfm_model */
PG_FUNCTION_INFO_V1(rfm_model_out);
Datum
rfm_model_out(PG_FUNCTION_ARGS)
{
	RfmModel   *model = PG_GETARG_RFM_MODEL_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s bins=%d n=" INT64_FORMAT,
					 RfmMethodName(model->method), model->bins, model->n);
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		CrmAppendFloat8List(&buf, RfmDimensionNames[d], RfmModelBreakpoints(model, d),
							model->bins - 1);
	PG_RETURN_CSTRING(buf.data);
}

/* Parse the text form of crm.rfm_model */
PG_FUNCTION_INFO_V1(rfm_model_in);
Datum
rfm_model_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.rfm_model", PG_GETARG_CSTRING(0));
	uint8		method = RfmMethodByName(CrmReadWord(&r));
	int			bins;
	RfmModel   *model;

	if (method == 0)
		CrmReadError(&r, "unknown method");
	bins = (int) CrmReadKeyInt(&r, "bins", RFM_MIN_BINS, RFM_MAX_BINS);
	model = ModelAlloc(method, bins, CrmReadKeyCount(&r, "n"));
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		int			n;
		float8	   *breakpoints = CrmReadFloat8List(&r, RfmDimensionNames[d], &n);

		if (n != bins - 1)
			CrmReadError(&r, psprintf("expected %d breakpoints per dimension", bins - 1));
		memcpy(RfmModelBreakpoints(model, d), breakpoints, sizeof(float8) * n);
	}
	CrmReadEnd(&r);
	CrmReadCheck(&r, ModelProblem(model));
	PG_RETURN_POINTER(model);
}

/* Binary form of crm.rfm_model */
PG_FUNCTION_INFO_V1(rfm_model_send);
Datum
rfm_model_send(PG_FUNCTION_ARGS)
{
	RfmModel   *model = PG_GETARG_RFM_MODEL_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, model->version);
	pq_sendint8(&buf, model->method);
	pq_sendint8(&buf, model->bins);
	pq_sendint64(&buf, model->n);
	for (int i = 0; i < RFM_DIMENSIONS * (model->bins - 1); i++)
		pq_sendfloat8(&buf, model->breakpoints[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.rfm_model */
PG_FUNCTION_INFO_V1(rfm_model_recv);
Datum
rfm_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = (uint8) pq_getmsgint(buf, 1);
	uint8		method = (uint8) pq_getmsgint(buf, 1);
	uint8		bins = (uint8) pq_getmsgint(buf, 1);
	int64		n = pq_getmsgint64(buf);
	RfmModel   *model;

	if (bins < RFM_MIN_BINS || bins > RFM_MAX_BINS)
		CrmBinaryError("crm.rfm_model", "bins must be between 2 and 9");
	model = ModelAlloc(method, bins, n);
	model->version = version;
	for (int i = 0; i < RFM_DIMENSIONS * (bins - 1); i++)
		model->breakpoints[i] = pq_getmsgfloat8(buf);
	CrmBinaryCheck("crm.rfm_model", ModelProblem(model));
	PG_RETURN_POINTER(model);
}

/* The float8 thresholds of one dimension, validated (22004/22023/22000) */
static float8 *
ThresholdArray(ArrayType *array, const char *what, int *count)
{
	float8	   *values = CrmFloat8Array(array, psprintf("%s thresholds", what), 0,
										PG_INT32_MAX, false, count);

	if (*count < RFM_MIN_BINS - 1 || *count > RFM_MAX_BINS - 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs between %d and %d thresholds, not %d",
						what, RFM_MIN_BINS - 1, RFM_MAX_BINS - 1, *count)));
	for (int i = 0; i < *count; i++)
	{
		CheckFinite(values[i], psprintf("%s threshold", what));
		if (i > 0 && values[i] <= values[i - 1])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s thresholds must be strictly increasing", what),
					 errdetail("Threshold %d (%g) is not greater than threshold %d (%g).",
							   i + 1, values[i], i, values[i - 1])));
	}
	return values;
}

/* crm.rfm_model(recency, frequency, monetary float8[]): a model from given thresholds */
PG_FUNCTION_INFO_V1(rfm_model_from_thresholds);
Datum
rfm_model_from_thresholds(PG_FUNCTION_ARGS)
{
	float8	   *values[RFM_DIMENSIONS];
	int			counts[RFM_DIMENSIONS];
	RfmModel   *model;

	for (int d = 0; d < RFM_DIMENSIONS; d++)
		values[d] = ThresholdArray(PG_GETARG_ARRAYTYPE_P(d), RfmDimensionNames[d],
								   &counts[d]);
	if (counts[1] != counts[0] || counts[2] != counts[0])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("recency, frequency and monetary need the same number of thresholds"),
				 errdetail("They have %d, %d and %d; k bins need k - 1 thresholds each.",
						   counts[0], counts[1], counts[2])));
	model = ModelAlloc(RFM_METHOD_THRESHOLDS, counts[0] + 1, 0);
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		memcpy(RfmModelBreakpoints(model, d), values[d], sizeof(float8) * counts[d]);
	PG_RETURN_POINTER(model);
}

/* crm.rfm_bins(model): number of bins k */
PG_FUNCTION_INFO_V1(rfm_model_bins);
Datum
rfm_model_bins(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(PG_GETARG_RFM_MODEL_P(0)->bins);
}

/* crm.rfm_method(model): 'quantile', 'ntile' or 'thresholds' */
PG_FUNCTION_INFO_V1(rfm_model_method);
Datum
rfm_model_method(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(RfmMethodName(PG_GETARG_RFM_MODEL_P(0)->method)));
}

/* crm.rfm_customers(model): customers the model was fitted on (0 if given) */
PG_FUNCTION_INFO_V1(rfm_model_customers);
Datum
rfm_model_customers(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_RFM_MODEL_P(0)->n);
}

/* crm.rfm_breakpoints(model, dimension): the breakpoints of one dimension */
PG_FUNCTION_INFO_V1(rfm_model_breakpoints);
Datum
rfm_model_breakpoints(PG_FUNCTION_ARGS)
{
	RfmModel   *model = PG_GETARG_RFM_MODEL_P(0);
	char	   *name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	Datum		elements[RFM_MAX_BINS];

	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		if (strcmp(name, RfmDimensionNames[d]) != 0)
			continue;
		for (int i = 0; i < model->bins - 1; i++)
			elements[i] = Float8GetDatum(RfmModelBreakpoints(model, d)[i]);
		PG_RETURN_ARRAYTYPE_P(construct_array(elements, model->bins - 1, FLOAT8OID,
											  sizeof(float8), FLOAT8PASSBYVAL,
											  TYPALIGN_DOUBLE));
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown RFM dimension \"%s\"", name),
			 errhint("Use 'recency', 'frequency' or 'monetary'.")));
	PG_RETURN_NULL();			/* keep compiler quiet */
}

/* Bin (1..k) of a value: 1 + the number of breakpoints at or below it */
static int
BinOf(const float8 *breakpoints, int bins, float8 value)
{
	int			bin = 1;

	for (int i = 0; i < bins - 1 && value >= breakpoints[i]; i++)
		bin++;
	return bin;
}

/* crm.rfm_score(model, recency, frequency, monetary): the customer's crm.rfm */
PG_FUNCTION_INFO_V1(rfm_model_score);
Datum
rfm_model_score(PG_FUNCTION_ARGS)
{
	RfmModel   *model = PG_GETARG_RFM_MODEL_P(0);
	int			bins[RFM_DIMENSIONS];

	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		float8		value = PG_GETARG_FLOAT8(d + 1);

		CheckFinite(value, RfmDimensionNames[d]);
		bins[d] = BinOf(RfmModelBreakpoints(model, d), model->bins, value);
	}
	/* fewer days since the last purchase is better: recency scores reverse */
	PG_RETURN_RFM(RfmMake(model->bins + 1 - bins[0], bins[1], bins[2]));
}
