/*
 * clv_model_cov.c
 *		The covariate block of a model value in its text, binary and jsonb
 *		forms and in the parameter accessors (clv_model.c calls these for
 *		models of version 4; layout in clv_covariates.h), and
 *		crm.with_covariates, a model with covariates from given coefficients.
 *
 * Text: the coefficients follow the kind's parameters as
 * "life.<name>=<gamma>" and "trans.<name>=<gamma>", in the order of the
 * customers' arrays (the order the keys appear in gives that order when the
 * text is read); their standard errors follow the kind's as
 * "se_life.<name>=..." (none for a held coefficient); then
 * "constrained={...}", "held={"life.<name>",...}", "lambda_life=L" and
 * "lambda_trans=L" when they apply.
 */
#include "crm.h"
#include "clv_covariates.h"
#include "crm_io.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

/* Index of coefficient k of process in a block's arrays */
static inline int
CoefIndex(const ClvCovariates *cov, int process, int k)
{
	return process == COVARIATE_LIFE ? k : cov->spec->n_life + k;
}

/* Append " <prefix><process>.<name>=<value>" for each coefficient (skipping held ones if skip_held) */
static void
AppendCoefficients(StringInfo buf, const ClvCovariates *cov, const char *prefix,
				   const float8 *values, bool skip_held)
{
	for (int process = 0; process < 2; process++)
		for (int k = 0; k < cov->names.n[process]; k++)
		{
			int			i = CoefIndex(cov, process, k);

			if (skip_held && (cov->flags[i] & CLV_COEF_HELD))
				continue;
			CrmAppendKeyFloat8(buf, psprintf("%s%s.%s", prefix,
											 CovariateProcessName(process),
											 cov->names.name[process][k]),
							   values[i]);
		}
}

/* Append the coefficients "life.<name>=..." (after the kind's parameters) */
void
ClvCovariatesAppendValues(StringInfo buf, const ClvModel *model)
{
	ClvCovariates cov;

	ClvModelCovariates(model, &cov);
	AppendCoefficients(buf, &cov, "", cov.gamma, false);
}

/* Append the standard errors "se_life.<name>=..." (after the kind's) */
void
ClvCovariatesAppendErrors(StringInfo buf, const ClvModel *model)
{
	ClvCovariates cov;

	ClvModelCovariates(model, &cov);
	AppendCoefficients(buf, &cov, "se_", cov.se, true);
}

/* Append " key={"a","b"}" of the n names */
static void
AppendNameList(StringInfo buf, const char *key, const char *const *names, int n)
{
	appendStringInfo(buf, " %s={", key);
	for (int i = 0; i < n; i++)
		appendStringInfo(buf, "%s\"%s\"", i > 0 ? "," : "", names[i]);
	appendStringInfoChar(buf, '}');
}

/* Append constrained={...}, held={...}, lambda_life=, lambda_trans= where they apply */
void
ClvCovariatesAppendSpec(StringInfo buf, const ClvModel *model)
{
	ClvCovariates cov;
	const char *constrained[COVARIATE_MAX_PER_PROCESS];
	const char *held[2 * COVARIATE_MAX_PER_PROCESS];
	int			n_constrained = 0;
	int			n_held = 0;

	ClvModelCovariates(model, &cov);
	for (int k = 0; k < cov.names.n[COVARIATE_LIFE]; k++)
		if (cov.names.partner[COVARIATE_LIFE][k] >= 0)
			constrained[n_constrained++] = cov.names.name[COVARIATE_LIFE][k];
	for (int process = 0; process < 2; process++)
		for (int k = 0; k < cov.names.n[process]; k++)
			if (cov.flags[CoefIndex(&cov, process, k)] & CLV_COEF_HELD)
				held[n_held++] = psprintf("%s.%s", CovariateProcessName(process),
										  cov.names.name[process][k]);
	if (n_constrained > 0)
		AppendNameList(buf, "constrained", constrained, n_constrained);
	if (n_held > 0)
		AppendNameList(buf, "held", held, n_held);
	if (cov.spec->lambda_life != 0)
		CrmAppendKeyFloat8(buf, "lambda_life", cov.spec->lambda_life);
	if (cov.spec->lambda_trans != 0)
		CrmAppendKeyFloat8(buf, "lambda_trans", cov.spec->lambda_trans);
}

/* Start collecting the covariate keys of a model's text form */
void
ClvCovariateTextInit(ClvCovariateText *text)
{
	memset(text, 0, sizeof(*text));
}

/* Read a covariate name (letters, digits, '_', '.') at the read position, palloc'd */
static char *
ReadCovariateName(CrmReader *r)
{
	const char *start = r->p;

	while (isascii((unsigned char) *r->p) &&
		   (isalnum((unsigned char) *r->p) || *r->p == '_' || *r->p == '.'))
		r->p++;
	if (r->p == start)
		CrmReadError(r, "expected a covariate name");
	return pnstrdup(start, r->p - start);
}

/* Read {"a","b",...} into names (at most max); returns their number */
static int
ReadNameList(CrmReader *r, char **names, int max)
{
	int			n = 0;

	CrmExpect(r, "{");
	while (CrmReadListNext(r, n, ","))
	{
		const char *start;

		if (n == max)
			CrmReadError(r, "too many names");
		CrmExpect(r, "\"");
		start = r->p;
		while (*r->p != '"' && *r->p != '\0')
			r->p++;
		if (*r->p == '\0')
			CrmReadError(r, "unterminated name");
		names[n++] = pnstrdup(start, r->p - start);
		r->p++;
	}
	return n;
}

/*
 * Read the value of a covariate key of a model's text form, key being the
 * word before the read position ("life", "se_trans", "constrained", ...);
 * false (nothing read) when key is not one
 */
bool
ClvCovariateTextKey(CrmReader *r, const char *key, ClvCovariateText *text)
{
	int			process = -1;
	bool		se = false;
	char	   *name;
	int			k;

	if (strcmp(key, "constrained") == 0 || strcmp(key, "held") == 0)
	{
		bool		held = key[0] == 'h';

		if (held ? text->seen_held : text->seen_constrained)
			CrmReadError(r, psprintf("key \"%s\" given twice", key));
		CrmExpect(r, "=");
		if (held)
		{
			text->n_held = ReadNameList(r, text->held, 2 * COVARIATE_MAX_PER_PROCESS);
			text->seen_held = true;
		}
		else
		{
			text->n_constrained = ReadNameList(r, text->constrained, COVARIATE_MAX_PER_PROCESS);
			text->seen_constrained = true;
		}
		text->any = true;
		return true;
	}
	if (strcmp(key, "lambda_life") == 0 || strcmp(key, "lambda_trans") == 0)
	{
		int			p = key[7] == 'l' ? COVARIATE_LIFE : COVARIATE_TRANS;

		if (text->seen_lambda[p])
			CrmReadError(r, psprintf("key \"%s\" given twice", key));
		CrmExpect(r, "=");
		text->lambda[p] = CrmReadFinite(r);
		text->seen_lambda[p] = true;
		text->any = true;
		return true;
	}
	if (strcmp(key, "life") == 0 || strcmp(key, "se_life") == 0)
		process = COVARIATE_LIFE;
	else if (strcmp(key, "trans") == 0 || strcmp(key, "se_trans") == 0)
		process = COVARIATE_TRANS;
	if (process < 0 || *r->p != '.')
		return false;
	se = key[0] == 's';
	r->p++;
	name = ReadCovariateName(r);
	CrmExpect(r, "=");
	for (k = 0; k < text->n[process]; k++)
		if (strcmp(text->name[process][k], name) == 0)
			break;
	if (se)
	{
		if (k == text->n[process])
			CrmReadError(r, psprintf("standard error of %s.%s before its coefficient", key + 3, name));
		if (text->has_se[process][k])
			CrmReadError(r, psprintf("key \"%s.%s\" given twice", key, name));
		text->se[process][k] = CrmReadFinite(r);
		text->has_se[process][k] = true;
	}
	else
	{
		if (k < text->n[process])
			CrmReadError(r, psprintf("key \"%s.%s\" given twice", key, name));
		if (k == COVARIATE_MAX_PER_PROCESS)
			CrmReadError(r, "a process has at most 16 covariates");
		text->name[process][k] = name;
		text->gamma[process][k] = CrmReadFinite(r);
		text->n[process]++;
	}
	text->any = true;
	return true;
}

/*
 * The model (a version 3 value read from the rest of the text) with the
 * covariate block the keys collected in text describe, checked (22P02);
 * the model itself when there were none
 */
ClvModel *
ClvCovariateTextFinish(CrmReader *r, ClvModel *model, ClvCovariateText *text)
{
	const char *problem;
	const char *bad;
	CovariateSpec *spec;
	ClvModel   *result;
	ClvCovariates cov;
	bool		has_se = (model->flags & CLV_FLAG_HAS_SE) != 0;

	if (!text->any)
		return model;
	spec = CovariateSpecTryBuild(text->name[COVARIATE_LIFE], text->n[COVARIATE_LIFE],
								 text->name[COVARIATE_TRANS], text->n[COVARIATE_TRANS],
								 text->constrained, text->n_constrained,
								 text->lambda[COVARIATE_LIFE], text->lambda[COVARIATE_TRANS],
								 &problem, &bad);
	CrmReadCheck(r, problem);
	if ((text->seen_constrained && text->n_constrained == 0) ||
		(text->seen_held && text->n_held == 0) ||
		(text->seen_lambda[0] && text->lambda[0] == 0) ||
		(text->seen_lambda[1] && text->lambda[1] == 0))
		CrmReadError(r, "empty lists and zero lambdas are not written");
	result = ClvModelAddCovariates(model, spec);
	ClvModelCovariates(result, &cov);
	for (int process = 0; process < 2; process++)
		for (int k = 0; k < text->n[process]; k++)
		{
			int			i = CoefIndex(&cov, process, k);

			cov.gamma[i] = text->gamma[process][k];
			if (text->has_se[process][k])
				cov.se[i] = text->se[process][k];
		}
	for (int h = 0; h < text->n_held; h++)
	{
		const char *dot = strchr(text->held[h], '.');
		int			process = dot == NULL ? -1 :
			strncmp(text->held[h], "life.", 5) == 0 ? COVARIATE_LIFE :
			strncmp(text->held[h], "trans.", 6) == 0 ? COVARIATE_TRANS : -1;
		int			k;

		if (process < 0)
			CrmReadError(r, "held names a coefficient as life.<name> or trans.<name>");
		for (k = 0; k < cov.names.n[process]; k++)
			if (strcmp(cov.names.name[process][k], dot + 1) == 0)
				break;
		if (k == cov.names.n[process] || (cov.flags[CoefIndex(&cov, process, k)] & CLV_COEF_HELD))
			CrmReadError(r, "held names each coefficient of the model once");
		cov.flags[CoefIndex(&cov, process, k)] |= CLV_COEF_HELD;
	}
	/* every coefficient that is not held has a standard error iff the kind's do */
	for (int process = 0; process < 2; process++)
		for (int k = 0; k < cov.names.n[process]; k++)
		{
			int			i = CoefIndex(&cov, process, k);
			bool		held = (cov.flags[i] & CLV_COEF_HELD) != 0;

			if (text->has_se[process][k] != (has_se && !held))
				CrmReadError(r, "give the standard error of every coefficient that is not held, with those of the parameters, or of none");
		}
	return result;
}

/* Send the covariate block of a version 4 model (after the fixed fields) */
void
ClvCovariatesSend(StringInfo buf, const ClvModel *model)
{
	ClvCovariates cov;
	int			n;

	ClvModelCovariates(model, &cov);
	n = CovariateSpecCount(cov.spec);
	CovariateSpecSend(buf, cov.spec);
	for (int i = 0; i < n; i++)
		pq_sendfloat8(buf, cov.gamma[i]);
	for (int i = 0; i < n; i++)
		pq_sendfloat8(buf, cov.se[i]);
	for (int i = 0; i < n; i++)
		pq_sendint8(buf, cov.flags[i]);
}

/* Receive the covariate block sent by ClvCovariatesSend: model with it (palloc'd) */
ClvModel *
ClvCovariatesRecv(StringInfo buf, const ClvModel *model, const char *type_name)
{
	CovariateSpec *spec = CovariateSpecRecv(buf, type_name);
	ClvModel   *result = ClvModelAddCovariates(model, spec);
	ClvCovariates cov;
	int			n = CovariateSpecCount(spec);

	ClvModelCovariates(result, &cov);
	for (int i = 0; i < n; i++)
		cov.gamma[i] = CrmRecvFloat8(buf);
	for (int i = 0; i < n; i++)
		cov.se[i] = CrmRecvFloat8(buf);
	for (int i = 0; i < n; i++)
		cov.flags[i] = (uint8) pq_getmsgint(buf, 1);
	return result;
}

/* Append a number or null */
static void
AppendJsonValue(StringInfo buf, float8 value)
{
	if (isnan(value))
		appendStringInfoString(buf, "null");
	else
		CrmAppendFloat8(buf, value);
}

/*
 * Append , "covariates": {"life": [{"name", "estimate", "std_error",
 * "constrained", "held"}, ...], "trans": [...], "lambda_life",
 * "lambda_trans"} (arrays keep the order of the customers' covariates)
 */
void
ClvCovariatesAppendJson(StringInfo buf, const ClvModel *model)
{
	ClvCovariates cov;

	ClvModelCovariates(model, &cov);
	appendStringInfoString(buf, ", \"covariates\": {");
	for (int process = 0; process < 2; process++)
	{
		appendStringInfo(buf, "%s\"%s\": [", process > 0 ? ", " : "", CovariateProcessName(process));
		for (int k = 0; k < cov.names.n[process]; k++)
		{
			int			i = CoefIndex(&cov, process, k);

			appendStringInfo(buf, "%s{\"name\": \"%s\", \"estimate\": ", k > 0 ? ", " : "",
							 cov.names.name[process][k]);
			AppendJsonValue(buf, cov.gamma[i]);
			appendStringInfoString(buf, ", \"std_error\": ");
			AppendJsonValue(buf, cov.se[i]);
			appendStringInfo(buf, ", \"constrained\": %s, \"held\": %s}",
							 cov.names.partner[process][k] >= 0 ? "true" : "false",
							 (cov.flags[i] & CLV_COEF_HELD) ? "true" : "false");
		}
		appendStringInfoChar(buf, ']');
	}
	appendStringInfoString(buf, ", \"lambda_life\": ");
	CrmAppendFloat8(buf, cov.spec->lambda_life);
	appendStringInfoString(buf, ", \"lambda_trans\": ");
	CrmAppendFloat8(buf, cov.spec->lambda_trans);
	appendStringInfoChar(buf, '}');
}

/*
 * The coefficient of a model named "life.<name>" or "trans.<name>": its
 * index in the block, or -1
 */
int
ClvCovariateIndex(const ClvModel *model, const char *name)
{
	ClvCovariates cov;

	if (!ClvModelHasCovariates(model))
		return -1;
	ClvModelCovariates(model, &cov);
	for (int process = 0; process < 2; process++)
	{
		const char *prefix = CovariateProcessName(process);
		size_t		len = strlen(prefix);

		if (strncmp(name, prefix, len) != 0 || name[len] != '.')
			continue;
		for (int k = 0; k < cov.names.n[process]; k++)
			if (strcmp(name + len + 1, cov.names.name[process][k]) == 0)
				return CoefIndex(&cov, process, k);
	}
	return -1;
}

/*
 * Put the rows (parameter, estimate, std_error) of a model's coefficients,
 * "life.<name>", then "trans.<name>", into the materialized result
 */
void
ClvCovariatesPutParameters(ReturnSetInfo *rsinfo, const ClvModel *model)
{
	ClvCovariates cov;

	ClvModelCovariates(model, &cov);
	for (int process = 0; process < 2; process++)
		for (int k = 0; k < cov.names.n[process]; k++)
		{
			int			i = CoefIndex(&cov, process, k);
			Datum		values[3];
			bool		nulls[3] = {false, false, false};

			values[0] = CStringGetTextDatum(psprintf("%s.%s", CovariateProcessName(process),
													 cov.names.name[process][k]));
			values[1] = Float8GetDatum(cov.gamma[i]);
			values[2] = Float8GetDatum(cov.se[i]);
			nulls[2] = isnan(cov.se[i]);
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
}

/* The coefficients of one process in an array argument (22023 unless n finite values) */
static float8 *
CoefficientArray(ArrayType *array, const char *what, int n)
{
	int			count;
	float8	   *values = CrmFloat8Array(array, what, 0, COVARIATE_MAX_PER_PROCESS, false, &count);

	if (count != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have one coefficient per covariate (%d), not %d", what, n, count)));
	for (int k = 0; k < n; k++)
		if (!isfinite(values[k]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be finite numbers, not %g", what, values[k])));
	return values;
}

/*
 * crm.with_covariates(model, spec, life_coefficients, trans_coefficients):
 * the model (given parameters, no covariates) with the given coefficients
 * of the spec's covariates; a constrained covariate has the same
 * coefficient in both arrays (22023 otherwise)
 */
PG_FUNCTION_INFO_V1(clv_model_with_covariates);
Datum
clv_model_with_covariates(PG_FUNCTION_ARGS)
{
	ClvModel   *model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	CovariateSpec *spec = (CovariateSpec *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	const ClvModelOps *ops = ClvOpsOf(model->kind);
	float8	   *life;
	float8	   *trans;
	ClvModel   *result;
	ClvCovariates cov;

	if (ops->customer_gradient == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the %s model takes no covariates", ops->spec.title)));
	if (ClvModelHasCovariates(model) || (model->flags & CLV_FLAG_FITTED))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("crm.with_covariates takes a model of given parameters without covariates"),
				 errhint("Build it with crm.%s(...) from the baseline parameters.", ops->spec.type_name)));
	life = CoefficientArray(PG_GETARG_ARRAYTYPE_P(2), "life_coefficients", spec->n_life);
	trans = CoefficientArray(PG_GETARG_ARRAYTYPE_P(3), "trans_coefficients", spec->n_trans);
	result = ClvModelAddCovariates(model, spec);
	ClvModelCovariates(result, &cov);
	for (int k = 0; k < spec->n_life; k++)
	{
		int			partner = cov.names.partner[COVARIATE_LIFE][k];

		if (partner >= 0 && life[k] != trans[partner])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("constrained covariate \"%s\" has one coefficient, not %g and %g",
							cov.names.name[COVARIATE_LIFE][k], life[k], trans[partner])));
		cov.gamma[k] = life[k] + 0.0;
	}
	for (int k = 0; k < spec->n_trans; k++)
		cov.gamma[spec->n_life + k] = trans[k] + 0.0;
	PG_RETURN_POINTER(result);
}
