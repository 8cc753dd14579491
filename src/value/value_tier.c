/*
 * value_tier.c
 *		crm.value_tier_model: the customer pyramid (tiers cut by shares of
 *		customers: by default the top 1 %, the next 4 %, the next 15 % and the
 *		other 80 %) and ABC classes (cut by cumulative shares of the total
 *		value: A up to 80 %, B up to 95 %, C the rest), fitted once on the
 *		exact distribution of a crm.value_fit_state and applied to any
 *		customer later through the value thresholds it stores.
 *
 * Rules (customers ranked by value, largest first):
 *	- pyramid: the tier with cumulative cut point q ends at rank
 *	  ceil(q n) (at least 1), counted with a tolerance of 4 machine epsilons so
 *	  that 7 % of 100 customers is 7 customers;
 *	- ABC: the class with cut point q ends at the first rank whose cumulative
 *	  value reaches q V (within 4 machine epsilons of V): the customer who
 *	  crosses 80 % is in A;
 *	- the threshold of a tier is the value at that rank, and a customer with
 *	  value v is in the first tier whose threshold v reaches.  Ties at a
 *	  threshold therefore go to the higher tier, so a tier can hold more
 *	  customers than its share (and a tier below it fewer, even none).
 *
 * Text form, one line that round-trips exactly:
 *	 pyramid n=10 total=55 cuts={0.1,0.5,1} names={"Gold","Silver","Bronze"}
 *	 thresholds={10,6,1} customers={1,4,5} values={10,30,15}
 */
#include "crm.h"
#include "value.h"

#include <float.h>
#include <math.h>

#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

/* Header size of a model, aligned for the arrays that follow */
#define MODEL_HEADER_SIZE MAXALIGN(sizeof(ValueTierModel))

/* Relative tolerance of the rank and value-share comparisons (as R's quantile()) */
#define CUT_TOLERANCE (4 * DBL_EPSILON)

/* The cut points of a model (float8[k]) */
static float8 *
ModelCuts(const ValueTierModel *model)
{
	return (float8 *) ((char *) model + MODEL_HEADER_SIZE);
}

/* The value thresholds of a model's tiers (float8[k]) */
static float8 *
ModelThresholds(const ValueTierModel *model)
{
	return ModelCuts(model) + model->n_tiers;
}

/* The customers of each tier in the fit (int64[k]) */
static int64 *
ModelCustomers(const ValueTierModel *model)
{
	return (int64 *) (ModelThresholds(model) + model->n_tiers);
}

/* The total value of each tier in the fit (float8[k]) */
static float8 *
ModelValues(const ValueTierModel *model)
{
	return (float8 *) (ModelCustomers(model) + model->n_tiers);
}

/* The names of a model's tiers */
static char *
ModelNames(const ValueTierModel *model)
{
	return (char *) (ModelValues(model) + model->n_tiers);
}

/* A new zeroed model of a kind with a spec's cut points and names */
static ValueTierModel *
ModelAlloc(uint8 kind, const ValueSpec *spec, int64 n, float8 total)
{
	Size		size = MODEL_HEADER_SIZE + spec->n_tiers * (3 * sizeof(float8) + sizeof(int64)) +
		spec->names_size;
	ValueTierModel *model = (ValueTierModel *) palloc0(size);

	SET_VARSIZE(model, size);
	model->version = VALUE_TIER_MODEL_VERSION;
	model->kind = kind;
	model->n_tiers = (uint8) spec->n_tiers;
	model->names_size = spec->names_size;
	model->n = n;
	model->total = total;
	memcpy(ModelCuts(model), spec->cuts, sizeof(float8) * spec->n_tiers);
	memcpy(ModelNames(model), spec->names, spec->names_size);
	return model;
}

/* The 0-based tier of a value: the first whose threshold it reaches, else the last */
static int
TierOf(const ValueTierModel *model, float8 value)
{
	const float8 *thresholds = ModelThresholds(model);
	int			tier = 0;

	while (tier < model->n_tiers - 1 && value < thresholds[tier])
		tier++;
	return tier;
}

/* The rank (from the top, 1-based) where a pyramid tier with cumulative share cut ends */
static int64
PyramidRank(float8 cut, int64 n)
{
	float8		x = cut * n;
	int64		rank = (int64) ceil(x - CUT_TOLERANCE * x);

	return Max(1, Min(rank, n));
}

/*
 * The thresholds of a model fitted on a run (ascending distinct values with
 * counts): walk the run from the top and give each tier the value at which
 * its cut point is reached
 */
static void
FitThresholds(ValueTierModel *model, const CrmValueCount *run, int32 runs)
{
	const float8 *cuts = ModelCuts(model);
	float8	   *thresholds = ModelThresholds(model);
	int			tier = 0;
	int64		customers = 0;
	ValueSum	value = {0, 0};

	for (int32 j = runs - 1; j >= 0 && tier < model->n_tiers; j--)
	{
		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		customers += run[j].count;
		ValueSumAdd(&value, run[j].value * run[j].count);
		while (tier < model->n_tiers &&
			   (model->kind == VALUE_KIND_PYRAMID ?
				customers >= PyramidRank(cuts[tier], model->n) :
				ValueSumTotal(&value) >= cuts[tier] * model->total - CUT_TOLERANCE * model->total))
			thresholds[tier++] = run[j].value;
	}
	if (tier < model->n_tiers)
		elog(ERROR, "value tier fit reached only %d of %d cut points", tier, model->n_tiers);
}

/* Count the customers and add up the value of each tier of a fitted model */
static void
FitTierTotals(ValueTierModel *model, const CrmValueCount *run, int32 runs)
{
	int64	   *customers = ModelCustomers(model);
	float8	   *values = ModelValues(model);
	ValueSum	sum = {0, 0};
	int			tier = 0;

	for (int32 j = runs - 1; j >= 0; j--)
	{
		int			t = TierOf(model, run[j].value);

		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (t != tier)
		{
			values[tier] = ValueSumTotal(&sum);
			sum.sum = sum.compensation = 0;
			tier = t;
		}
		customers[t] += run[j].count;
		ValueSumAdd(&sum, run[j].value * run[j].count);
	}
	values[tier] = ValueSumTotal(&sum);
}

/*
 * Final function of crm.value_tier_fit and crm.abc_fit: the model of a
 * (merged) pyramid or ABC fit state; NULL without customers
 */
PG_FUNCTION_INFO_V1(value_tier_fit_final);
Datum
value_tier_fit_final(PG_FUNCTION_ARGS)
{
	ValueState *state = DatumGetValueStateP(PG_GETARG_DATUM(0));
	ValueSpec	spec;
	int32		runs;
	const CrmValueCount *run;
	ValueSum	total = {0, 0};
	ValueTierModel *model;

	if (state->kind != VALUE_KIND_PYRAMID && state->kind != VALUE_KIND_ABC)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a tier model is fitted on a state of kind pyramid or abc, not %s",
						ValueKindName(state->kind)),
				 errhint("Make the state with crm.value_tier_fit_partial or crm.abc_fit_partial.")));
	ValueNoticeSkipped(state, state->kind == VALUE_KIND_ABC ? "ABC" : "value tier");
	if (state->n_rows == 0)
		PG_RETURN_NULL();
	run = ValueStateRun(state, 0, &runs);
	for (int32 j = runs - 1; j >= 0; j--)
	{
		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		ValueSumAdd(&total, run[j].value * run[j].count);
	}
	spec.n_tiers = state->n_tiers;
	memcpy(spec.cuts, ValueStateCuts(state), sizeof(float8) * state->n_tiers);
	spec.names = ValueStateNames(state);
	spec.names_size = state->names_size;
	/* the model keeps the total (and the tiers' values) as float8 */
	CheckResultFinite(ValueSumTotal(&total), "total value of the customers");
	model = ModelAlloc(state->kind, &spec, state->n_rows, ValueSumTotal(&total));
	FitThresholds(model, run, runs);
	FitTierTotals(model, run, runs);
	PG_RETURN_POINTER(model);
}

/* The tier model in argument argno */
static ValueTierModel *
ModelArg(FunctionCallInfo fcinfo, int argno)
{
	return DatumGetValueTierModelP(PG_GETARG_DATUM(argno));
}

/*
 * The customer value in argument argno, checked to be finite: a negative
 * value (left out of the fit) falls in the last tier, below every threshold
 */
static float8
ValueArg(FunctionCallInfo fcinfo, int argno)
{
	float8		value = PG_GETARG_FLOAT8(argno);

	CheckFinite(value, "customer value");
	return value;
}

/* crm.value_tier(model, value): the name of a customer's tier */
PG_FUNCTION_INFO_V1(value_tier_name);
Datum
value_tier_name(PG_FUNCTION_ARGS)
{
	ValueTierModel *model = ModelArg(fcinfo, 0);
	float8		value = ValueArg(fcinfo, 1);

	PG_RETURN_TEXT_P(cstring_to_text(ValueNameAt(ModelNames(model), TierOf(model, value))));
}

/* crm.value_tier_number(model, value): a customer's tier number, 1 = the top */
PG_FUNCTION_INFO_V1(value_tier_number);
Datum
value_tier_number(PG_FUNCTION_ARGS)
{
	ValueTierModel *model = ModelArg(fcinfo, 0);
	float8		value = ValueArg(fcinfo, 1);

	PG_RETURN_INT32(TierOf(model, value) + 1);
}

/* crm.abc_class(model, value): a customer's ABC class (an ABC model required) */
PG_FUNCTION_INFO_V1(value_abc_class);
Datum
value_abc_class(PG_FUNCTION_ARGS)
{
	ValueTierModel *model = ModelArg(fcinfo, 0);
	float8		value = ValueArg(fcinfo, 1);

	if (model->kind != VALUE_KIND_ABC)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.abc_class needs a model of kind abc, not %s",
						ValueKindName(model->kind)),
				 errhint("Fit the model with crm.abc_fit, or use crm.value_tier for a pyramid.")));
	PG_RETURN_TEXT_P(cstring_to_text(ValueNameAt(ModelNames(model), TierOf(model, value))));
}

/*
 * crm.value_tiers(model): one row per tier, top first: tier, name, cut
 * point, value threshold, customers and value in the fit and their shares
 */
PG_FUNCTION_INFO_V1(value_tiers);
Datum
value_tiers(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ValueTierModel *model = ModelArg(fcinfo, 0);
	const char *name = ModelNames(model);

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < model->n_tiers; i++)
	{
		Datum		values[8];
		bool		nulls[8] = {false, false, false, false, false, false, false, model->total <= 0};

		values[0] = Int32GetDatum(i + 1);
		values[1] = PointerGetDatum(cstring_to_text(name));
		values[2] = Float8GetDatum(ModelCuts(model)[i]);
		values[3] = Float8GetDatum(ModelThresholds(model)[i]);
		values[4] = Int64GetDatum(ModelCustomers(model)[i]);
		values[5] = Float8GetDatum((float8) ModelCustomers(model)[i] / model->n);
		values[6] = Float8GetDatum(ModelValues(model)[i]);
		values[7] = Float8GetDatum(model->total > 0 ? ModelValues(model)[i] / model->total : 0);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		name += strlen(name) + 1;
	}
	return (Datum) 0;
}

/* crm.customers(model): customers the model was fitted on */
PG_FUNCTION_INFO_V1(value_tier_model_customers);
Datum
value_tier_model_customers(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(ModelArg(fcinfo, 0)->n);
}

/* crm.total_value(model): their total value */
PG_FUNCTION_INFO_V1(value_tier_model_total);
Datum
value_tier_model_total(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(ModelArg(fcinfo, 0)->total);
}

/* crm.value_tier_kind(model): 'pyramid' or 'abc' */
PG_FUNCTION_INFO_V1(value_tier_model_kind);
Datum
value_tier_model_kind(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(cstring_to_text(ValueKindName(ModelArg(fcinfo, 0)->kind)));
}

/*
 * Why the tier totals of a model read from outside (each already checked)
 * are not those of a fit, or NULL: a tier without customers holds no value,
 * and the tiers' values add up to the total, up to the rounding of two
 * compensated sums (a relative 1e-9)
 */
static const char *
TierTotalsProblem(const ValueTierModel *model)
{
	ValueSum	sum = {0, 0};

	for (int i = 0; i < model->n_tiers; i++)
	{
		if (ModelCustomers(model)[i] == 0 && ModelValues(model)[i] != 0)
			return "a tier without customers must have value 0";
		ValueSumAdd(&sum, ModelValues(model)[i]);
	}
	if (fabs(ValueSumTotal(&sum) - model->total) > 1e-9 * model->total)
		return "the values of the tiers must add up to total";
	return NULL;
}

/* Why a model read from outside is invalid, or NULL */
static const char *
ModelProblem(const ValueTierModel *model)
{
	ValueSpec	spec;
	const char *problem;
	int64		customers = 0;

	if (model->kind != VALUE_KIND_PYRAMID && model->kind != VALUE_KIND_ABC)
		return "kind must be pyramid or abc";
	spec.n_tiers = model->n_tiers;
	memcpy(spec.cuts, ModelCuts(model), sizeof(float8) * model->n_tiers);
	spec.names = ModelNames(model);
	spec.names_size = model->names_size;
	problem = ValueSpecProblem(&spec);
	if (problem != NULL)
		return problem;
	if (model->n < 1 || !isfinite(model->total) || model->total < 0)
		return "n must be positive and total finite and >= 0";
	for (int i = 0; i < model->n_tiers; i++)
	{
		float8		threshold = ModelThresholds(model)[i];
		int64		count = ModelCustomers(model)[i];
		float8		value = ModelValues(model)[i];

		if (!isfinite(threshold) || threshold < 0 ||
			(i > 0 && threshold > ModelThresholds(model)[i - 1]))
			return "thresholds must be finite, >= 0 and not increasing";
		if (count < 0 || customers > PG_INT64_MAX - count)
			return "customers must be >= 0";
		if (!isfinite(value) || value < 0)
			return "values must be finite and >= 0";
		customers += count;
	}
	if (customers != model->n)
		return "the customers of the tiers must add up to n";
	return TierTotalsProblem(model);
}

/* Parse the text form of crm.value_tier_model */
PG_FUNCTION_INFO_V1(value_tier_model_in);
Datum
value_tier_model_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.value_tier_model", PG_GETARG_CSTRING(0));
	uint8		kind;
	int64		n;
	float8		total;
	ValueSpec	spec = {0};
	int			counts[5];
	float8	   *cuts;
	float8	   *thresholds;
	int64	   *customers;
	float8	   *values;
	ValueTierModel *model;

	if (CrmReadLiteral(&r, "pyramid"))
		kind = VALUE_KIND_PYRAMID;
	else if (CrmReadLiteral(&r, "abc"))
		kind = VALUE_KIND_ABC;
	else
		CrmReadError(&r, "expected \"pyramid\" or \"abc\"");
	n = CrmReadKeyCount(&r, "n");
	total = CrmReadKeyFloat8(&r, "total");
	cuts = CrmReadFloat8List(&r, "cuts", &counts[0]);
	spec.names = CrmReadNames(&r, "names", &counts[1], &spec.names_size);
	thresholds = CrmReadFloat8List(&r, "thresholds", &counts[2]);
	customers = CrmReadIntList(&r, "customers", 0, PG_INT64_MAX, &counts[3]);
	values = CrmReadFloat8List(&r, "values", &counts[4]);
	CrmReadEnd(&r);
	for (int i = 1; i < 5; i++)
		if (counts[i] != counts[0])
			CrmReadError(&r, "cuts, names, thresholds, customers and values must have one element per tier");
	if (counts[0] < VALUE_MIN_TIERS || counts[0] > VALUE_MAX_TIERS)
		CrmReadError(&r, psprintf("there must be between %d and %d tiers",
									  VALUE_MIN_TIERS, VALUE_MAX_TIERS));
	spec.n_tiers = counts[0];
	memcpy(spec.cuts, cuts, sizeof(float8) * spec.n_tiers);
	model = ModelAlloc(kind, &spec, n, total);
	memcpy(ModelThresholds(model), thresholds, sizeof(float8) * spec.n_tiers);
	memcpy(ModelCustomers(model), customers, sizeof(int64) * spec.n_tiers);
	memcpy(ModelValues(model), values, sizeof(float8) * spec.n_tiers);
	CrmReadCheck(&r, ModelProblem(model));
	PG_RETURN_POINTER(model);
}

/* Text form of crm.value_tier_model */
PG_FUNCTION_INFO_V1(value_tier_model_out);
Datum
value_tier_model_out(PG_FUNCTION_ARGS)
{
	ValueTierModel *model = ModelArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "%s n=" INT64_FORMAT " total=",
					 ValueKindName(model->kind), model->n);
	CrmAppendFloat8(&buf, model->total);
	CrmAppendFloat8List(&buf, "cuts", ModelCuts(model), model->n_tiers);
	CrmAppendNames(&buf, "names", ModelNames(model), model->n_tiers);
	CrmAppendFloat8List(&buf, "thresholds", ModelThresholds(model), model->n_tiers);
	CrmAppendIntList(&buf, "customers", ModelCustomers(model), model->n_tiers);
	CrmAppendFloat8List(&buf, "values", ModelValues(model), model->n_tiers);
	PG_RETURN_CSTRING(buf.data);
}

/* Binary form of crm.value_tier_model */
PG_FUNCTION_INFO_V1(value_tier_model_send);
Datum
value_tier_model_send(PG_FUNCTION_ARGS)
{
	ValueTierModel *model = ModelArg(fcinfo, 0);
	StringInfoData buf;
	const char *name = ModelNames(model);

	pq_begintypsend(&buf);
	pq_sendint8(&buf, model->version);
	pq_sendint8(&buf, model->kind);
	pq_sendint8(&buf, model->n_tiers);
	pq_sendint64(&buf, model->n);
	pq_sendfloat8(&buf, model->total);
	for (int i = 0; i < model->n_tiers; i++)
	{
		pq_sendfloat8(&buf, ModelCuts(model)[i]);
		pq_sendstring(&buf, name);
		pq_sendfloat8(&buf, ModelThresholds(model)[i]);
		pq_sendint64(&buf, ModelCustomers(model)[i]);
		pq_sendfloat8(&buf, ModelValues(model)[i]);
		name += strlen(name) + 1;
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.value_tier_model */
PG_FUNCTION_INFO_V1(value_tier_model_recv);
Datum
value_tier_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = (uint8) pq_getmsgint(buf, 1);
	uint8		kind = (uint8) pq_getmsgint(buf, 1);
	int			n_tiers = pq_getmsgint(buf, 1);
	int64		n = pq_getmsgint64(buf);
	float8		total = CrmRecvFloat8(buf);
	ValueSpec	spec = {0};
	float8		thresholds[VALUE_MAX_TIERS];
	int64		customers[VALUE_MAX_TIERS];
	float8		values[VALUE_MAX_TIERS];
	StringInfoData names;
	ValueTierModel *model = NULL;
	const char *problem = NULL;

	if (version != VALUE_TIER_MODEL_VERSION || n_tiers < VALUE_MIN_TIERS ||
		n_tiers > VALUE_MAX_TIERS)
		problem = "invalid version or number of tiers";
	else
	{
		initStringInfo(&names);
		for (int i = 0; i < n_tiers; i++)
		{
			const char *name;

			spec.cuts[i] = CrmRecvFloat8(buf);
			name = pq_getmsgstring(buf);
			appendBinaryStringInfo(&names, name, strlen(name) + 1);
			thresholds[i] = CrmRecvFloat8(buf);
			customers[i] = pq_getmsgint64(buf);
			values[i] = CrmRecvFloat8(buf);
		}
		spec.n_tiers = n_tiers;
		spec.names = names.data;
		spec.names_size = names.len;
		model = ModelAlloc(kind, &spec, n, total);
		memcpy(ModelThresholds(model), thresholds, sizeof(float8) * n_tiers);
		memcpy(ModelCustomers(model), customers, sizeof(int64) * n_tiers);
		memcpy(ModelValues(model), values, sizeof(float8) * n_tiers);
		problem = ModelProblem(model);
	}
	if (problem != NULL)
		CrmBinaryError("crm.value_tier_model", problem);
	PG_RETURN_POINTER(model);
}
