/*
 * clv_model.c
 *		The model value of the probabilistic customer-base models (crm.bgnbd,
 *		crm.mbgnbd, crm.gammagamma, ...): text and binary forms, jsonb,
 *		building from given parameters, and accessors.
 *
 * All model types share one C representation (ClvModel) and one set of
 * I/O functions; the type OID an input or receive function is given tells
 * which kind of model it reads, and each kind's constructor passes its
 * table of operations (clv_ops.h).
 */
#include "crm.h"
#include "clv_covariates.h"
#include "crm_io.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

/* The kind of model a crm type (by OID) holds; cached in flinfo */
static ClvModelKind
KindOfType(FmgrInfo *flinfo, Oid type_oid)
{
	ClvModelKind kind = 0;
	HeapTuple	tuple;

	if (flinfo->fn_extra != NULL)
		return *(ClvModelKind *) flinfo->fn_extra;
	tuple = SearchSysCache1(TYPEOID, ObjectIdGetDatum(type_oid));
	if (HeapTupleIsValid(tuple))
	{
		const ClvModelOps *ops =
			ClvFindOpsByType(NameStr(((Form_pg_type) GETSTRUCT(tuple))->typname));

		if (ops != NULL)
			kind = ops->spec.kind;
		ReleaseSysCache(tuple);
	}
	if (kind == 0)
		elog(ERROR, "type %u is not a crm model type", type_oid);
	flinfo->fn_extra = MemoryContextAlloc(flinfo->fn_mcxt, sizeof(ClvModelKind));
	*(ClvModelKind *) flinfo->fn_extra = kind;
	return kind;
}

/* Parameters of a version 1 or 2 model value */
#define CLV_MODEL_V2_PARAMS 4

/* The layout of a version 2 model value (version 1 is its part before skipped) */
typedef struct ClvModelV2
{
	int32		vl_len_;		/* varlena header */
	uint8		version;		/* 1 or 2 */
	uint8		kind;			/* ClvModelKind */
	uint8		flags;			/* CLV_FLAG_* */
	uint8		reserved;		/* zero */
	int32		iterations;		/* optimizer iterations */
	int64		n;				/* customers fitted on */
	float8		ll;				/* log-likelihood */
	float8		penalizer;		/* L2 penalty coefficient */
	float8		params[CLV_MODEL_V2_PARAMS];	/* the parameters */
	float8		se[CLV_MODEL_V2_PARAMS];	/* their standard errors */
	int64		skipped;		/* customers the fit could not use */
	TimeUnit	unit;			/* time unit */
} ClvModelV2;

/* Size of a version 1 model value (no skipped count, no unit) */
#define CLV_MODEL_V1_SIZE offsetof(ClvModelV2, skipped)

/*
 * The model value of a datum (detoasted; a version 1 or 2 value, stored by
 * an earlier build, is converted)
 */
ClvModel *
ClvModelOfDatum(Datum datum)
{
	ClvModel   *model = (ClvModel *) PG_DETOAST_DATUM(datum);
	const ClvModelV2 *old = (const ClvModelV2 *) model;
	ClvModel   *upgraded;

	if (likely(VARSIZE(model) == sizeof(ClvModel) && model->version == CLV_MODEL_VERSION))
		return model;
	/* with covariates: the fixed part and the block (checked on input) */
	if (VARSIZE(model) > sizeof(ClvModel) && model->version == CLV_MODEL_VERSION_COVARIATES)
		return model;
	if (!(VARSIZE(old) == CLV_MODEL_V1_SIZE && old->version == 1) &&
		!(VARSIZE(old) == sizeof(ClvModelV2) && old->version == 2))
		elog(ERROR, "invalid crm model value (size %u, version %d)",
			 (unsigned) VARSIZE(model), model->version);
	upgraded = (ClvModel *) palloc0(sizeof(ClvModel));
	SET_VARSIZE(upgraded, sizeof(ClvModel));
	upgraded->version = CLV_MODEL_VERSION;
	upgraded->kind = old->kind;
	upgraded->flags = old->flags;
	upgraded->iterations = old->iterations;
	upgraded->n = old->n;
	upgraded->ll = old->ll;
	upgraded->penalizer = old->penalizer;
	for (int i = 0; i < CLV_MAX_PARAMS; i++)
	{
		upgraded->params[i] = i < CLV_MODEL_V2_PARAMS ? old->params[i] : 0;
		upgraded->se[i] = i < CLV_MODEL_V2_PARAMS ? old->se[i] : get_float8_nan();
	}
	if (old->version == 2)
	{
		upgraded->skipped = old->skipped;
		upgraded->unit = old->unit;
	}
	return upgraded;
}

/* A new model value of a kind, all fields empty (parameters 0, no fit) */
ClvModel *
ClvModelAlloc(ClvModelKind kind)
{
	ClvModel   *model = (ClvModel *) palloc0(sizeof(ClvModel));

	SET_VARSIZE(model, sizeof(ClvModel));
	model->version = CLV_MODEL_VERSION;
	model->kind = (uint8) kind;
	model->ll = get_float8_nan();
	for (int i = 0; i < CLV_MAX_PARAMS; i++)
		model->se[i] = get_float8_nan();
	return model;
}

/* Why a value of a structural parameter is invalid, or NULL */
static const char *
StructuralProblem(const ClvModelSpec *spec, float8 value)
{
	if (value != floor(value) || value < 1 || value > spec->structural_max)
		return psprintf("%s must be a whole number between 1 and %d",
						spec->param_names[0], spec->structural_max);
	return NULL;
}

/* Why a model read from outside or built from parameters is invalid, or NULL */
static const char *
ModelProblem(const ClvModel *model)
{
	const ClvModelSpec *spec;

	if (model->version != CLV_MODEL_VERSION && model->version != CLV_MODEL_VERSION_COVARIATES)
		return "unsupported version";
	if (!(model->flags & CLV_FLAG_HAS_UNIT) &&
		(model->unit.months != 0 || model->unit.days != 0 || model->unit.usecs != 0))
		return "a model without a unit has a zero unit";
	if ((model->flags & CLV_FLAG_HAS_UNIT) && !TimeUnitIsValid(&model->unit))
		return "unit must be a positive time unit";
	if (model->skipped < 0 || (model->skipped > 0 && !(model->flags & CLV_FLAG_FITTED)))
		return "skipped must be >= 0, and 0 unless fitted";
	if ((model->flags & CLV_FLAG_ACCEPTED) &&
		(!(model->flags & CLV_FLAG_FITTED) || (model->flags & CLV_FLAG_CONVERGED)))
		return "only fitted models that did not converge are accepted";
	if (ClvFindOps(model->kind) == NULL)
		return "unknown model kind";
	if ((model->flags & ~CLV_FLAG_MASK) != 0 || model->reserved != 0)
		return "unknown flags";
	spec = ClvSpec(model->kind);
	for (int i = 0; i < CLV_MAX_PARAMS; i++)
	{
		if (i >= spec->n_params)
		{
			if (model->params[i] != 0)
				return "unused parameters must be zero";
			continue;
		}
		if (!isfinite(model->params[i]) || model->params[i] <= 0)
			return "parameters must be finite and positive";
		if (i < spec->n_structural)
		{
			if (StructuralProblem(spec, model->params[i]) != NULL)
				return StructuralProblem(spec, model->params[i]);
			if (!isnan(model->se[i]))
				return "a structural parameter has no standard error";
			continue;
		}
		if ((model->flags & CLV_FLAG_HAS_SE) &&
			(!isfinite(model->se[i]) || model->se[i] < 0))
			return "standard errors must be finite and non-negative";
	}
	if ((model->flags & CLV_FLAG_CHOSEN) &&
		(!(model->flags & CLV_FLAG_FITTED) || spec->n_structural == 0))
		return "only fitted models with a structural parameter have it chosen";
	if (model->flags & CLV_FLAG_FITTED)
	{
		if (!isfinite(model->ll) || model->n < 0 || model->iterations < 0 ||
			!isfinite(model->penalizer) || model->penalizer < 0)
			return "ll must be finite and n, iterations and penalizer non-negative";
	}
	else if ((model->flags & ~CLV_FLAG_HAS_UNIT) != 0)
		return "only fitted models have convergence flags and standard errors";
	if (model->version == CLV_MODEL_VERSION_COVARIATES)
		return ClvCovariatesProblem(model);
	if (VARSIZE(model) != sizeof(ClvModel))
		return "invalid model size";
	return NULL;
}

/* Raise 22023 unless a model built from parameters is valid */
static void
CheckModelParams(const ClvModel *model)
{
	const ClvModelSpec *spec = ClvSpec(model->kind);

	for (int i = 0; i < spec->n_params; i++)
	{
		if (!isfinite(model->params[i]) || model->params[i] <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s parameter %s must be a finite positive number, not %g",
							spec->title, spec->param_names[i], model->params[i])));
		if (i < spec->n_structural && StructuralProblem(spec, model->params[i]) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s parameter %s", spec->title,
							StructuralProblem(spec, model->params[i])),
					 errdetail("Not %g.", model->params[i])));
	}
}

/* A new model value of a kind with the given parameters (checked > 0, finite) */
ClvModel *
ClvModelFromParams(ClvModelKind kind, const float8 *params)
{
	ClvModel   *model = ClvModelAlloc(kind);

	for (int i = 0; i < ClvSpec(kind)->n_params; i++)
		model->params[i] = params[i];
	CheckModelParams(model);
	return model;
}

/*
 * Raise 22023 when a fitted model that did not converge is used to score,
 * unless it was accepted with crm.accept_unconverged
 */
void
ClvCheckScorable(const ClvModel *model)
{
	if ((model->flags & CLV_FLAG_FITTED) &&
		!(model->flags & (CLV_FLAG_CONVERGED | CLV_FLAG_ACCEPTED)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s model did not converge", ClvSpec(model->kind)->title),
				 errdetail("Its parameters are where the optimizer stopped, not maximum-likelihood estimates."),
				 errhint("Check the data and refit; to score with it anyway, pass crm.accept_unconverged(model).")));
}

/*
 * The model in argument argno of a prediction, checked to be of the given
 * kind and usable for scoring
 */
ClvModel *
ClvGetModel(FunctionCallInfo fcinfo, int argno, ClvModelKind kind)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(argno));

	if (model->kind != kind)
		elog(ERROR, "expected a %s model, got kind %d", ClvSpec(kind)->title, model->kind);
	ClvCheckScorable(model);
	return model;
}

/*
 * Raise 22023 unless a horizon is finite, >= 0 and at most CLV_MAX_HORIZON
 * periods (1,000 years even in days: a longer one is a unit mistake)
 */
void
ClvCheckHorizon(float8 horizon)
{
	if (isnan(horizon) || isinf(horizon) || horizon < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon must be a finite number >= 0, not %g", horizon)));
	if (horizon > CLV_MAX_HORIZON)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("horizon %g is more than 1000 years even in days", horizon),
				 errhint("The horizon is in time units of the model (weeks for a model fitted on weekly summaries); give it as an interval, such as interval '1 year', to have it converted.")));
}

/* Text form: "r=... alpha=... [ll=... n=... iterations=... converged=... se_r=... penalizer=...]" */
PG_FUNCTION_INFO_V1(clv_model_out);
Datum
clv_model_out(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	const ClvModelSpec *spec = ClvSpec(model->kind);
	StringInfoData buf;
	bool		covariates = ClvModelHasCovariates(model);

	initStringInfo(&buf);
	for (int i = 0; i < spec->n_params; i++)
		CrmAppendKeyFloat8(&buf, spec->param_names[i], model->params[i]);
	if (covariates)
		ClvCovariatesAppendValues(&buf, model);
	if (model->flags & CLV_FLAG_FITTED)
	{
		CrmAppendKeyFloat8(&buf, "ll", model->ll);
		appendStringInfo(&buf, " n=" INT64_FORMAT " iterations=%d converged=%s",
						 model->n, model->iterations,
						 (model->flags & CLV_FLAG_CONVERGED) ? "true" : "false");
		if (model->flags & CLV_FLAG_HAS_SE)
			for (int i = spec->n_structural; i < spec->n_params; i++)
				CrmAppendKeyFloat8(&buf, psprintf("se_%s", spec->param_names[i]), model->se[i]);
		if ((model->flags & CLV_FLAG_HAS_SE) && covariates)
			ClvCovariatesAppendErrors(&buf, model);
		if (model->penalizer > 0)
			CrmAppendKeyFloat8(&buf, "penalizer", model->penalizer);
		if (model->skipped > 0)
			appendStringInfo(&buf, " skipped=" INT64_FORMAT, model->skipped);
		if (model->flags & CLV_FLAG_ACCEPTED)
			appendStringInfoString(&buf, " accepted=true");
		if (model->flags & CLV_FLAG_CHOSEN)
			appendStringInfo(&buf, " %s_chosen=true", spec->param_names[0]);
	}
	if (covariates)
		ClvCovariatesAppendSpec(&buf, model);
	if (model->flags & CLV_FLAG_HAS_UNIT)
		appendStringInfo(&buf, " unit=%s", TimeUnitText(&model->unit));
	PG_RETURN_CSTRING(buf.data);
}

/* Read "true" or "false" (only "true" when true_only) */
static bool
ReadBool(CrmReader *r, const char *key, bool true_only)
{
	char	   *word = CrmReadWord(r);

	if (strcmp(word, "true") == 0)
		return true;
	if (true_only || strcmp(word, "false") != 0)
		CrmReadError(r, psprintf(true_only ? "%s must be true when given" :
								 "%s must be true or false", key));
	return false;
}

/*
 * Bits of the keys of the text form in a set of seen keys: the parameters
 * from 0, their standard errors from KEY_SE, the other keys from KEY_OTHERS
 */
#define KEY_SE CLV_MAX_PARAMS
#define KEY_OTHERS (2 * CLV_MAX_PARAMS)
#define KEY_LL (KEY_OTHERS + 0)
#define KEY_N (KEY_OTHERS + 1)
#define KEY_ITERATIONS (KEY_OTHERS + 2)
#define KEY_CONVERGED (KEY_OTHERS + 3)
#define KEY_PENALIZER (KEY_OTHERS + 4)
#define KEY_SKIPPED (KEY_OTHERS + 5)
#define KEY_ACCEPTED (KEY_OTHERS + 6)
#define KEY_UNIT (KEY_OTHERS + 7)
#define KEY_CHOSEN (KEY_OTHERS + 8)
StaticAssertDecl(KEY_CHOSEN < 32, "the keys of the text form must fit a uint32");

/* Read the value of one key of the text form into model; *seen collects keys */
static void
ReadModelField(CrmReader *r, const ClvModelSpec *spec, ClvModel *model,
			   const char *key, uint32 *seen)
{
	/* the bits of the other keys follow KEY_OTHERS, in this order */
	static const char *const others[] = {"ll", "n", "iterations", "converged", "penalizer",
	"skipped", "accepted", "unit"};
	int			bit = -1;

	for (int i = 0; i < spec->n_params; i++)
	{
		if (strcmp(key, spec->param_names[i]) == 0)
			bit = i;
		else if (i >= spec->n_structural && strncmp(key, "se_", 3) == 0 &&
				 strcmp(key + 3, spec->param_names[i]) == 0)
			bit = KEY_SE + i;
	}
	/* <structural>_chosen=true: the structural parameter chosen by likelihood */
	if (spec->n_structural > 0 && strncmp(key, spec->param_names[0], strlen(spec->param_names[0])) == 0 &&
		strcmp(key + strlen(spec->param_names[0]), "_chosen") == 0)
		bit = KEY_CHOSEN;
	for (int i = 0; bit < 0 && i < (int) lengthof(others); i++)
		if (strcmp(key, others[i]) == 0)
			bit = KEY_OTHERS + i;
	if (bit < 0)
		CrmReadError(r, psprintf("unknown key \"%s\"", key));
	if (*seen & (1u << bit))
		CrmReadError(r, psprintf("key \"%s\" given twice", key));
	*seen |= 1u << bit;
	if (bit < KEY_SE)
		model->params[bit] = CrmReadFinite(r);
	else if (bit < KEY_OTHERS)
		model->se[bit - KEY_SE] = CrmReadFinite(r);
	else if (bit == KEY_LL)
		model->ll = CrmReadFinite(r);
	else if (bit == KEY_N)
		model->n = CrmReadCount(r);
	else if (bit == KEY_ITERATIONS)
		model->iterations = (int32) CrmReadInt(r, 0, PG_INT32_MAX);
	else if (bit == KEY_CONVERGED && ReadBool(r, key, false))
		model->flags |= CLV_FLAG_CONVERGED;
	else if (bit == KEY_PENALIZER)
		model->penalizer = CrmReadFinite(r);
	else if (bit == KEY_SKIPPED)
		model->skipped = CrmReadCount(r);
	else if (bit == KEY_ACCEPTED && ReadBool(r, key, true))
		model->flags |= CLV_FLAG_ACCEPTED;
	else if (bit == KEY_CHOSEN && ReadBool(r, key, true))
		model->flags |= CLV_FLAG_CHOSEN;
	else if (bit == KEY_UNIT)
	{
		if (!TimeUnitParse(CrmReadToken(r), &model->unit))
			CrmReadError(r, "unit must be a positive ISO 8601 duration such as P1D, P7D or P1M");
		model->flags |= CLV_FLAG_HAS_UNIT;
	}
}

/* Parse the text form of any model type (the type OID tells which): key=value fields in any order */
PG_FUNCTION_INFO_V1(clv_model_in);
Datum
clv_model_in(PG_FUNCTION_ARGS)
{
	ClvModelKind kind = KindOfType(fcinfo->flinfo, PG_GETARG_OID(1));
	const ClvModelSpec *spec = ClvSpec(kind);
	CrmReader	r = CrmReaderStart(psprintf("crm.%s", spec->type_name), PG_GETARG_CSTRING(0));
	ClvModel   *model = ClvModelAlloc(kind);
	uint32		seen = 0;
	uint32		all_params = (1u << spec->n_params) - 1;
	uint32		all_errors = (all_params & ~((1u << spec->n_structural) - 1)) << KEY_SE;
	uint32		fit_keys = (1u << KEY_LL) | (1u << KEY_N) | (1u << KEY_ITERATIONS) |
		(1u << KEY_CONVERGED);
	ClvCovariateText covariates;

	ClvCovariateTextInit(&covariates);
	while (*r.p != '\0')
	{
		char	   *key;

		if (r.p != r.input)
			CrmExpect(&r, " ");
		key = CrmReadWord(&r);
		if (ClvOpsOf(kind)->customer_gradient != NULL &&
			ClvCovariateTextKey(&r, key, &covariates))
			continue;
		CrmExpect(&r, "=");
		ReadModelField(&r, spec, model, key, &seen);
	}
	if ((seen & all_params) != all_params)
		CrmReadError(&r, "every parameter must be given");
	if ((seen & fit_keys) != 0 && (seen & fit_keys) != fit_keys)
		CrmReadError(&r, "a fitted model gives all of ll, n, iterations and converged");
	if ((seen & all_errors) != 0 && (seen & all_errors) != all_errors)
		CrmReadError(&r, "give the standard error of every parameter or of none");
	if ((seen & fit_keys) == 0 && (seen & ~all_params & ~(1u << KEY_UNIT)) != 0)
		CrmReadError(&r, "only fitted models (with ll, n, iterations, converged) have other keys");
	if (seen & fit_keys)
		model->flags |= CLV_FLAG_FITTED;
	else
		model->flags &= ~CLV_FLAG_FITTED;
	if (seen & all_errors)
		model->flags |= CLV_FLAG_HAS_SE;
	CrmReadCheck(&r, ModelProblem(model));
	model = ClvCovariateTextFinish(&r, model, &covariates);
	CrmReadCheck(&r, ModelProblem(model));
	PG_RETURN_POINTER(model);
}

/*
 * Binary form of any model type: version 3 sends the kind's parameters and
 * standard errors (versions 1 and 2 sent 4 of each, unused ones 0); version
 * 4 the same, then the covariate block (ClvCovariatesSend)
 */
PG_FUNCTION_INFO_V1(clv_model_send);
Datum
clv_model_send(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	int			n_params = ClvSpec(model->kind)->n_params;
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, model->version);
	pq_sendint8(&buf, model->kind);
	pq_sendint8(&buf, model->flags);
	pq_sendint32(&buf, model->iterations);
	pq_sendint64(&buf, model->n);
	pq_sendfloat8(&buf, model->ll);
	pq_sendfloat8(&buf, model->penalizer);
	for (int i = 0; i < n_params; i++)
		pq_sendfloat8(&buf, model->params[i]);
	for (int i = 0; i < n_params; i++)
		pq_sendfloat8(&buf, model->se[i]);
	pq_sendint64(&buf, model->skipped);
	pq_sendint32(&buf, model->unit.months);
	pq_sendint32(&buf, model->unit.days);
	pq_sendint64(&buf, model->unit.usecs);
	if (ClvModelHasCovariates(model))
		ClvCovariatesSend(&buf, model);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of any model type (the type OID tells which) */
PG_FUNCTION_INFO_V1(clv_model_recv);
Datum
clv_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	ClvModelKind kind = KindOfType(fcinfo->flinfo, PG_GETARG_OID(1));
	ClvModel   *model = ClvModelAlloc(kind);
	int			n_params;
	const char *problem;
	bool		covariates;

	model->version = (uint8) pq_getmsgint(buf, 1);
	covariates = model->version == CLV_MODEL_VERSION_COVARIATES;
	if (covariates)
		model->version = CLV_MODEL_VERSION;
	if ((uint8) pq_getmsgint(buf, 1) != kind)
		CrmBinaryError(psprintf("crm.%s", ClvSpec(kind)->type_name),
					   "the value is a model of another kind");
	model->flags = (uint8) pq_getmsgint(buf, 1);
	model->iterations = (int32) pq_getmsgint(buf, 4);
	model->n = pq_getmsgint64(buf);
	model->ll = pq_getmsgfloat8(buf);
	model->penalizer = pq_getmsgfloat8(buf);
	/* versions 1 and 2: 4 parameters and errors, unused ones 0 */
	n_params = model->version == CLV_MODEL_VERSION ? ClvSpec(kind)->n_params : CLV_MODEL_V2_PARAMS;
	for (int i = 0; i < n_params; i++)
		model->params[i] = pq_getmsgfloat8(buf);
	for (int i = 0; i < n_params; i++)
		model->se[i] = pq_getmsgfloat8(buf);
	if (model->version == 1)
		model->version = CLV_MODEL_VERSION;	/* no skipped count, no unit */
	else if (model->version == 2 || model->version == CLV_MODEL_VERSION)
	{
		model->version = CLV_MODEL_VERSION;
		model->skipped = pq_getmsgint64(buf);
		model->unit.months = (int32) pq_getmsgint(buf, 4);
		model->unit.days = (int32) pq_getmsgint(buf, 4);
		model->unit.usecs = pq_getmsgint64(buf);
	}
	if (!(model->flags & CLV_FLAG_HAS_SE))
		for (int i = 0; i < CLV_MAX_PARAMS; i++)
			model->se[i] = get_float8_nan();
	if (!(model->flags & CLV_FLAG_FITTED))
		model->ll = get_float8_nan();
	if (covariates && ModelProblem(model) == NULL)
	{
		if (ClvOpsOf(kind)->customer_gradient == NULL)
			CrmBinaryError(psprintf("crm.%s", ClvSpec(kind)->type_name),
						   "this model kind takes no covariates");
		model = ClvCovariatesRecv(buf, model, psprintf("crm.%s", ClvSpec(kind)->type_name));
	}
	problem = ModelProblem(model);
	if (problem != NULL)
		CrmBinaryError(psprintf("crm.%s", ClvSpec(kind)->type_name), problem);
	PG_RETURN_POINTER(model);
}

/*
 * crm.bgnbd(r, alpha, a, b) etc.: a model of the kind from given parameters
 * (each kind's NAME_make calls this with its table)
 */
Datum
ClvModelMake(FunctionCallInfo fcinfo, const ClvModelOps *ops)
{
	float8		params[CLV_MAX_PARAMS] = {0};

	if (PG_NARGS() != ops->spec.n_params)
		elog(ERROR, "wrong number of parameters for %s", ops->spec.title);
	for (int i = 0; i < PG_NARGS(); i++)
		params[i] = PG_GETARG_FLOAT8(i);
	PG_RETURN_POINTER(ClvModelFromParams(ops->spec.kind, params));
}

/* Append a JSON number (or null for NaN) under key */
static void
AppendJsonNumber(StringInfo buf, const char *key, float8 value)
{
	appendStringInfo(buf, ", \"%s\": ", key);
	if (isnan(value))
		appendStringInfoString(buf, "null");
	else
		CrmAppendFloat8(buf, value);
}

/* The model as jsonb: model, parameters by their paper names, ll, n, converged, iterations, se_<param> */
PG_FUNCTION_INFO_V1(clv_model_jsonb);
Datum
clv_model_jsonb(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	const ClvModelSpec *spec = ClvSpec(model->kind);
	bool		fitted = (model->flags & CLV_FLAG_FITTED) != 0;
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"model\": \"%s\"", spec->type_name);
	for (int i = 0; i < spec->n_params; i++)
		AppendJsonNumber(&buf, spec->param_names[i], model->params[i]);
	AppendJsonNumber(&buf, "ll", model->ll);
	if (fitted)
		appendStringInfo(&buf, ", \"n\": " INT64_FORMAT ", \"converged\": %s, \"iterations\": %d",
						 model->n, (model->flags & CLV_FLAG_CONVERGED) ? "true" : "false",
						 model->iterations);
	else
		appendStringInfoString(&buf, ", \"n\": null, \"converged\": null, \"iterations\": null");
	for (int i = 0; i < spec->n_params; i++)
		AppendJsonNumber(&buf, psprintf("se_%s", spec->param_names[i]), model->se[i]);
	AppendJsonNumber(&buf, "penalizer", model->penalizer);
	if (fitted)
		appendStringInfo(&buf, ", \"skipped\": " INT64_FORMAT ", \"accepted\": %s", model->skipped,
						 (model->flags & CLV_FLAG_ACCEPTED) ? "true" : "false");
	else
		appendStringInfoString(&buf, ", \"skipped\": null, \"accepted\": null");
	if (spec->n_structural > 0)
		appendStringInfo(&buf, ", \"%s_chosen\": %s", spec->param_names[0],
						 !fitted ? "null" : (model->flags & CLV_FLAG_CHOSEN) ? "true" : "false");
	if (model->flags & CLV_FLAG_HAS_UNIT)
		appendStringInfo(&buf, ", \"unit\": \"%s\"", TimeUnitText(&model->unit));
	else
		appendStringInfoString(&buf, ", \"unit\": null");
	if (ClvModelHasCovariates(model))
		ClvCovariatesAppendJson(&buf, model);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}

/*
 * Index of a parameter by name: 0 .. n_params - 1 for the kind's, or
 * CLV_MAX_PARAMS + the coefficient's index in the covariate block for
 * "life.<name>" and "trans.<name>"; raising 22023 with the valid names
 * otherwise
 */
static int
ParamIndex(const ClvModel *model, text *name_text)
{
	const ClvModelSpec *spec = ClvSpec(model->kind);
	char	   *name = text_to_cstring(name_text);
	StringInfoData names;
	int			coefficient = ClvCovariateIndex(model, name);

	if (coefficient >= 0)
		return CLV_MAX_PARAMS + coefficient;
	initStringInfo(&names);
	for (int i = 0; i < spec->n_params; i++)
	{
		if (strcmp(name, spec->param_names[i]) == 0)
			return i;
		appendStringInfo(&names, "%s%s", i ? ", " : "", spec->param_names[i]);
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s has no parameter \"%s\"", spec->title, name),
			 errhint("The parameters are %s%s.", names.data,
					 ClvModelHasCovariates(model) ? " and the covariates' coefficients life.<name>, trans.<name>" : "")));
	pg_unreachable();
}

/* crm.parameter(model, name): one parameter's (or coefficient's) estimate */
PG_FUNCTION_INFO_V1(clv_model_parameter);
Datum
clv_model_parameter(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	int			i = ParamIndex(model, PG_GETARG_TEXT_PP(1));
	ClvCovariates cov;

	if (i < CLV_MAX_PARAMS)
		PG_RETURN_FLOAT8(model->params[i]);
	ClvModelCovariates(model, &cov);
	PG_RETURN_FLOAT8(cov.gamma[i - CLV_MAX_PARAMS]);
}

/* crm.std_error(model, name): one parameter's (or coefficient's) standard error, NULL if none */
PG_FUNCTION_INFO_V1(clv_model_std_error);
Datum
clv_model_std_error(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	int			i = ParamIndex(model, PG_GETARG_TEXT_PP(1));
	float8		se;
	ClvCovariates cov;

	if (i < CLV_MAX_PARAMS)
		se = model->se[i];
	else
	{
		ClvModelCovariates(model, &cov);
		se = cov.se[i - CLV_MAX_PARAMS];
	}
	if (!(model->flags & CLV_FLAG_HAS_SE) || isnan(se))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(se);
}

/* crm.loglik(model): total log-likelihood of the fit, NULL for given parameters */
PG_FUNCTION_INFO_V1(clv_model_loglik);
Datum
clv_model_loglik(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));

	if (!(model->flags & CLV_FLAG_FITTED))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(model->ll);
}

/* crm.customers(model): customers fitted on, NULL for given parameters */
PG_FUNCTION_INFO_V1(clv_model_customers);
Datum
clv_model_customers(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));

	if (!(model->flags & CLV_FLAG_FITTED))
		PG_RETURN_NULL();
	PG_RETURN_INT64(model->n);
}

/* crm.iterations(model): optimizer iterations, NULL for given parameters */
PG_FUNCTION_INFO_V1(clv_model_iterations);
Datum
clv_model_iterations(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));

	if (!(model->flags & CLV_FLAG_FITTED))
		PG_RETURN_NULL();
	PG_RETURN_INT32(model->iterations);
}

/* crm.converged(model): whether the fit converged, NULL for given parameters */
PG_FUNCTION_INFO_V1(clv_model_converged);
Datum
clv_model_converged(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));

	if (!(model->flags & CLV_FLAG_FITTED))
		PG_RETURN_NULL();
	PG_RETURN_BOOL((model->flags & CLV_FLAG_CONVERGED) != 0);
}

/* crm.parameters(model): one row per parameter (parameter, estimate, std_error) */
PG_FUNCTION_INFO_V1(clv_model_parameters);
Datum
clv_model_parameters(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	const ClvModelSpec *spec = ClvSpec(model->kind);

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < spec->n_params; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		values[0] = CStringGetTextDatum(spec->param_names[i]);
		values[1] = Float8GetDatum(model->params[i]);
		values[2] = Float8GetDatum(model->se[i]);
		nulls[2] = !(model->flags & CLV_FLAG_HAS_SE) || isnan(model->se[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	if (ClvModelHasCovariates(model))
		ClvCovariatesPutParameters(rsinfo, model);
	return (Datum) 0;
}
