/*
 * pls_model.c
 *		crm.pls_model: a fitted PLS path model.  Its layout, text form (one
 *		line of JSON that round-trips exactly), binary form and jsonb cast.
 *
 * The text form lists the fit (scheme, scaling, respondents, iterations,
 * convergence, tolerance, GoF), then per latent variable its name, the sign
 * of its scores, R squared and its items (position, mean, population
 * standard deviation, outer weight, loading), then the paths with their
 * coefficients.  Every number is printed as its shortest exact float8 text.
 * The accessors are in pls_access.c.
 */
#include "crm.h"
#include "pls.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

/* Doubles of a model's float8 arrays */
#define ModelDoubles(n_lvs, n_items, n_paths) \
	(4 * (Size) (n_items) + (Size) (n_lvs) + (Size) (n_paths))

/* int32 values of a model's integer arrays */
#define ModelInts(n_lvs, n_items, n_paths) \
	((Size) (n_lvs) + 1 + (Size) (n_items) + (Size) (n_lvs) + 2 * (Size) (n_paths))

/* A new zeroed model with room for its arrays and names */
PlsModel *
PlsModelCreate(int p, int n_lvs, int n_items, int n_paths, int names_len)
{
	Size		ints = MAXALIGN(sizeof(int32) * ModelInts(n_lvs, n_items, n_paths));
	Size		size = offsetof(PlsModel, data) +
		sizeof(double) * ModelDoubles(n_lvs, n_items, n_paths) + ints + names_len;
	PlsModel   *model = (PlsModel *) palloc0(size);

	SET_VARSIZE(model, size);
	model->version = PLS_MODEL_VERSION;
	model->p = p;
	model->n_lvs = n_lvs;
	model->n_items = n_items;
	model->n_paths = n_paths;
	model->names_len = names_len;
	return model;
}

/* Pointers into the arrays of a model */
PlsModelView
PlsModelOpen(const PlsModel *model)
{
	PlsModelView view;
	double	   *d = (double *) model->data;
	int32	   *i;

	view.mean = d;
	view.sd = view.mean + model->n_items;
	view.weight = view.sd + model->n_items;
	view.loading = view.weight + model->n_items;
	view.r2 = view.loading + model->n_items;
	view.coef = view.r2 + model->n_lvs;
	i = (int32 *) (view.coef + model->n_paths);
	view.block_start = i;
	view.positions = view.block_start + model->n_lvs + 1;
	view.sign = view.positions + model->n_items;
	view.path_from = view.sign + model->n_lvs;
	view.path_to = view.path_from + model->n_paths;
	view.names = (char *) i +
		MAXALIGN(sizeof(int32) * ModelInts(model->n_lvs, model->n_items, model->n_paths));
	return view;
}

/* The names of a model's LVs, in order */
char	  **
PlsModelNames(const PlsModel *model, const PlsModelView *view)
{
	char	  **names = (char **) palloc(sizeof(char *) * model->n_lvs);
	char	   *name = view->names;

	for (int k = 0; k < model->n_lvs; k++)
	{
		names[k] = name;
		name += strlen(name) + 1;
	}
	return names;
}

/* Rounding allowed for in the range rules of a fitted model */
#define PLS_RANGE_SLACK 1e-9

/*
 * Why the numbers of a model read from outside are outside what a fit
 * produces, or NULL: loadings are correlations (in [-1, 1]), R squared is in
 * [0, 1] and 0 for a latent variable no path leads to, and the GoF (the
 * square root of mean communality times mean R squared) is at most 1; each
 * up to rounding
 */
static const char *
ModelRangeProblem(const PlsModel *model, const PlsModelView *view, char **names)
{
	for (int i = 0; i < model->n_items; i++)
		if (fabs(view->loading[i]) > 1 + PLS_RANGE_SLACK)
			return "loadings must be in [-1, 1]";
	for (int k = 0; k < model->n_lvs; k++)
	{
		bool		endogenous = false;

		for (int q = 0; q < model->n_paths; q++)
			endogenous |= view->path_to[q] == k;
		if (view->r2[k] < -PLS_RANGE_SLACK || view->r2[k] > 1 + PLS_RANGE_SLACK)
			return psprintf("r2 of \"%s\" must be in [0, 1]", names[k]);
		if (!endogenous && view->r2[k] != 0)
			return psprintf("r2 of \"%s\" must be 0: no path leads to it", names[k]);
	}
	if (!isnan(model->gof) && model->gof > 1 + PLS_RANGE_SLACK)
		return "gof must be at most 1";
	return NULL;
}

/* Why a model read from outside is inconsistent, or NULL */
static const char *
ModelProblem(const PlsModel *model)
{
	PlsModelView view = PlsModelOpen(model);
	char	  **names;
	char	   *name = view.names;
	char	   *names_end = view.names + model->names_len;
	bool	   *used;
	const char *problem;

	if (model->version != PLS_MODEL_VERSION || model->reserved != 0 ||
		model->reserved2 != 0 || PlsSchemeName(model->scheme) == NULL ||
		(model->flags & ~(PLS_MODEL_SCALED | PLS_MODEL_CONVERGED)) != 0)
		return "invalid version, scheme or flags";
	if (model->p < 1 || model->p > PLS_MAX_ITEMS || model->n_lvs < 2 ||
		model->n_lvs > PLS_MAX_LVS || model->n_items < model->n_lvs ||
		model->n_items > model->p || model->n_paths < 1)
		return "invalid numbers of items, latent variables or paths";
	if (model->n < 2 || model->n > PLS_MAX_RESPONDENTS || model->skipped < 0 ||
		model->skipped > PLS_MAX_RESPONDENTS)
		return "respondents must be in 2 .. 2^53 and skipped in 0 .. 2^53";
	if (model->maxiter < 1 || model->maxiter > PLS_MAX_MAXITER ||
		model->iterations < 1 || model->iterations > model->maxiter)
		return "iterations must be in 1 .. maxiter, maxiter in 1 .. 100000";
	if (!(model->tol > 0 && model->tol <= PLS_MAX_TOL))
		return "tol must be in (0, 0.001]";
	if (!isnan(model->gof) && !(model->gof >= 0 && isfinite(model->gof)))
		return "gof must be a finite number >= 0 or null";
	/* names: n_lvs NUL-terminated, non-empty, distinct */
	for (int k = 0; k < model->n_lvs; k++)
	{
		char	   *end = memchr(name, '\0', names_end - name);

		if (end == NULL || end == name || end - name > PLS_MAX_NAME)
			return "every latent variable needs a name of 1 to 63 bytes";
		if (!pg_verify_mbstr(GetDatabaseEncoding(), name, end - name, true))
			return "latent variable names must be valid in the database encoding";
		name = end + 1;
	}
	if (name != names_end)
		return "invalid names area";
	names = PlsModelNames(model, &view);
	for (int k = 0; k < model->n_lvs; k++)
		for (int j = 0; j < k; j++)
			if (strcmp(names[j], names[k]) == 0)
				return psprintf("latent variable \"%s\" is named twice", names[k]);
	/* blocks: consecutive, non-empty, distinct positions in 1 .. p */
	if (view.block_start[0] != 0 || view.block_start[model->n_lvs] != model->n_items)
		return "invalid blocks";
	used = (bool *) palloc0(sizeof(bool) * (model->p + 1));
	for (int k = 0; k < model->n_lvs; k++)
	{
		if (view.block_start[k + 1] <= view.block_start[k])
			return psprintf("block \"%s\" has no items", names[k]);
		if (view.sign[k] != 1 && view.sign[k] != -1)
			return "a sign must be 1 or -1";
		if (!isfinite(view.r2[k]))
			return "r2 must be finite";
	}
	for (int i = 0; i < model->n_items; i++)
	{
		if (view.positions[i] < 1 || view.positions[i] > model->p || used[view.positions[i]])
			return "item positions must be distinct and in 1 .. items";
		used[view.positions[i]] = true;
		if (!isfinite(view.mean[i]) || !isfinite(view.weight[i]) ||
			!isfinite(view.loading[i]) || !(view.sd[i] > 0 && isfinite(view.sd[i])))
			return "item means, weights and loadings must be finite, standard deviations finite and > 0";
	}
	for (int q = 0; q < model->n_paths; q++)
	{
		if (view.path_from[q] < 0 || view.path_from[q] >= model->n_lvs ||
			view.path_to[q] < 0 || view.path_to[q] >= model->n_lvs)
			return "a path names an unknown latent variable";
		if (!isfinite(view.coef[q]))
			return "path coefficients must be finite";
	}
	problem = PlsDagProblem(model->n_lvs, model->n_paths, view.path_from,
							view.path_to, names);
	return problem != NULL ? problem : ModelRangeProblem(model, &view, names);
}

/* ---------------------------------------------------------------------------
 * Text form
 * ---------------------------------------------------------------------------
 */

/*
 * Append ", \"key\": value" with the shortest exact float8 text (null for
 * NaN; -0 as 0, which is what the reader, through jsonb, reads back)
 */
static void
AppendNumber(StringInfo buf, const char *key, double value)
{
	appendStringInfo(buf, ", \"%s\": ", key);
	if (isnan(value))
		appendStringInfoString(buf, "null");
	else
		CrmAppendFloat8(buf, value);
}

/* The JSON text of a model */
static char *
ModelText(const PlsModel *model)
{
	PlsModelView view = PlsModelOpen(model);
	char	  **names = PlsModelNames(model, &view);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "{\"scheme\": \"%s\", \"scaled\": %s, \"items\": %d, \"respondents\": " INT64_FORMAT
					 ", \"skipped\": " INT64_FORMAT ", \"iterations\": %d, \"converged\": %s",
					 PlsSchemeName(model->scheme),
					 (model->flags & PLS_MODEL_SCALED) ? "true" : "false",
					 model->p, model->n, model->skipped, model->iterations,
					 (model->flags & PLS_MODEL_CONVERGED) ? "true" : "false");
	AppendNumber(&buf, "tol", model->tol);
	appendStringInfo(&buf, ", \"maxiter\": %d", model->maxiter);
	AppendNumber(&buf, "gof", model->gof);
	appendStringInfoString(&buf, ", \"lvs\": [");
	for (int k = 0; k < model->n_lvs; k++)
	{
		appendStringInfoString(&buf, k > 0 ? ", {\"name\": " : "{\"name\": ");
		PlsAppendJsonString(&buf, names[k]);
		appendStringInfo(&buf, ", \"sign\": %d", view.sign[k]);
		AppendNumber(&buf, "r2", view.r2[k]);
		appendStringInfoString(&buf, ", \"items\": [");
		for (int i = view.block_start[k]; i < view.block_start[k + 1]; i++)
		{
			appendStringInfo(&buf, "%s{\"item\": %d", i > view.block_start[k] ? ", " : "",
							 view.positions[i]);
			AppendNumber(&buf, "mean", view.mean[i]);
			AppendNumber(&buf, "sd", view.sd[i]);
			AppendNumber(&buf, "weight", view.weight[i]);
			AppendNumber(&buf, "loading", view.loading[i]);
			appendStringInfoChar(&buf, '}');
		}
		appendStringInfoString(&buf, "]}");
	}
	appendStringInfoString(&buf, "], \"paths\": [");
	for (int q = 0; q < model->n_paths; q++)
	{
		appendStringInfoString(&buf, q > 0 ? ", {\"from\": " : "{\"from\": ");
		PlsAppendJsonString(&buf, names[view.path_from[q]]);
		appendStringInfoString(&buf, ", \"to\": ");
		PlsAppendJsonString(&buf, names[view.path_to[q]]);
		AppendNumber(&buf, "coefficient", view.coef[q]);
		appendStringInfoChar(&buf, '}');
	}
	appendStringInfoString(&buf, "]}");
	return buf.data;
}

/* Text form: one line of JSON */
PG_FUNCTION_INFO_V1(pls_model_out);
Datum
pls_model_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(ModelText((PlsModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0))));
}

/* crm.pls_model_jsonb(model): the text form as jsonb (the cast) */
PG_FUNCTION_INFO_V1(pls_model_jsonb);
Datum
pls_model_jsonb(PG_FUNCTION_ARGS)
{
	char	   *text = ModelText((PlsModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0)));

	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));
}

/* Raise 22P02 unless a JSON object has only the given keys (NULL-terminated) */
static void
CheckKeys(const CrmReader *r, JsonbContainer *obj, const char *const *keys,
		  const char *what)
{
	JsonbIterator *it = JsonbIteratorInit(obj);
	JsonbIteratorToken token;
	JsonbValue	tok;

	while ((token = JsonbIteratorNext(&it, &tok, true)) != WJB_DONE)
	{
		bool		known = false;

		if (token != WJB_KEY)
			continue;
		for (int k = 0; keys[k] != NULL; k++)
			if ((int) strlen(keys[k]) == tok.val.string.len &&
				memcmp(keys[k], tok.val.string.val, tok.val.string.len) == 0)
				known = true;
		if (!known)
			CrmReadError(r, psprintf("unknown key \"%s\" in %s",
										  pnstrdup(tok.val.string.val, tok.val.string.len), what));
	}
}

/* The value of key in a JSON object; raise 22P02 if missing */
static JsonbValue *
Key(const CrmReader *r, JsonbContainer *obj, const char *key, const char *what)
{
	JsonbValue	k;
	JsonbValue *v;

	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = (int) strlen(key);
	v = findJsonbValueFromContainer(obj, JB_FOBJECT, &k);
	if (v == NULL)
		CrmReadError(r, psprintf("%s has no \"%s\"", what, key));
	return v;
}

/* A number (or null as NaN when allowed) of key; raise 22P02 otherwise */
static double
NumberKey(const CrmReader *r, JsonbContainer *obj, const char *key,
		  const char *what, bool null_ok)
{
	JsonbValue *v = Key(r, obj, key, what);
	double		value;

	if (v->type == jbvNull && null_ok)
		return NAN;
	if (v->type != jbvNumeric || numeric_is_nan(v->val.numeric) ||
		numeric_is_inf(v->val.numeric))
		CrmReadError(r, psprintf("\"%s\" of %s must be a number", key, what));
	value = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
											   NumericGetDatum(v->val.numeric)));
	if (!isfinite(value))
		CrmReadError(r, psprintf("\"%s\" of %s is out of range", key, what));
	return value;
}

/* An integer in [lo, hi] of key; raise 22P02 otherwise */
static int64
IntegerKey(const CrmReader *r, JsonbContainer *obj, const char *key,
		   const char *what, int64 lo, int64 hi)
{
	double		value = NumberKey(r, obj, key, what, false);

	if (value != floor(value) || value < (double) lo || value > (double) hi)
		CrmReadError(r, psprintf("\"%s\" of %s must be an integer in " INT64_FORMAT " .. " INT64_FORMAT,
									  key, what, lo, hi));
	return (int64) value;
}

/* A boolean of key; raise 22P02 otherwise */
static bool
BoolKey(const CrmReader *r, JsonbContainer *obj, const char *key, const char *what)
{
	JsonbValue *v = Key(r, obj, key, what);

	if (v->type != jbvBool)
		CrmReadError(r, psprintf("\"%s\" of %s must be true or false", key, what));
	return v->val.boolean;
}

/* A string of key (palloc'd); raise 22P02 otherwise */
static char *
StringKey(const CrmReader *r, JsonbContainer *obj, const char *key, const char *what)
{
	JsonbValue *v = Key(r, obj, key, what);

	if (v->type != jbvString)
		CrmReadError(r, psprintf("\"%s\" of %s must be a string", key, what));
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* The container of an array or object value of key; raise 22P02 otherwise */
static JsonbContainer *
ContainerKey(const CrmReader *r, JsonbContainer *obj, const char *key,
			 const char *what, bool array)
{
	JsonbValue *v = Key(r, obj, key, what);

	if (v->type != jbvBinary ||
		(array ? !JsonContainerIsArray(v->val.binary.data) :
		 !JsonContainerIsObject(v->val.binary.data)))
		CrmReadError(r, psprintf("\"%s\" of %s must be a JSON %s", key, what,
									  array ? "array" : "object"));
	return v->val.binary.data;
}

/* The i-th element of a JSON array, which must be an object */
static JsonbContainer *
ObjectAt(const CrmReader *r, JsonbContainer *array, int i, const char *what)
{
	JsonbValue *v = getIthJsonbValueFromContainer(array, i);

	if (v == NULL || v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		CrmReadError(r, psprintf("%s must be a JSON object", what));
	return v->val.binary.data;
}

/* Index of the LV called name among names[0 .. n - 1]; raise 22P02 if none */
static int
NameIndex(const CrmReader *r, char **names, int n, const char *name)
{
	for (int k = 0; k < n; k++)
		if (strcmp(names[k], name) == 0)
			return k;
	CrmReadError(r, psprintf("a path names unknown latent variable \"%s\"", name));
	return -1;
}

/* Parse the text form of crm.pls_model */
PG_FUNCTION_INFO_V1(pls_model_in);
Datum
pls_model_in(PG_FUNCTION_ARGS)
{
	static const char *const top_keys[] = {"scheme", "scaled", "items", "respondents", "skipped",
		"iterations", "converged", "tol", "maxiter", "gof", "lvs", "paths", NULL};
	static const char *const lv_keys[] = {"name", "sign", "r2", "items", NULL};
	static const char *const item_keys[] = {"item", "mean", "sd", "weight", "loading", NULL};
	static const char *const path_keys[] = {"from", "to", "coefficient", NULL};
	CrmReader	r = CrmReaderStart("crm.pls_model", PG_GETARG_CSTRING(0));
	Jsonb	   *jb;
	JsonbContainer *root;
	JsonbContainer *lvs;
	JsonbContainer *paths;
	int			n_lvs;
	int			n_items = 0;
	int			n_paths;
	int			names_len = 0;
	char	  **names;
	char	   *scheme;
	PlsModel   *model;
	PlsModelView view;
	char	   *name_at;

	jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(r.input)));
	if (!JB_ROOT_IS_OBJECT(jb))
		CrmReadError(&r, "expected a JSON object");
	root = &jb->root;
	CheckKeys(&r, root, top_keys, "the model");
	lvs = ContainerKey(&r, root, "lvs", "the model", true);
	paths = ContainerKey(&r, root, "paths", "the model", true);
	n_lvs = (int) JsonContainerSize(lvs);
	n_paths = (int) JsonContainerSize(paths);
	if (n_lvs < 2 || n_lvs > PLS_MAX_LVS || n_paths < 1 || n_paths > n_lvs * (n_lvs - 1) / 2)
		CrmReadError(&r, "invalid numbers of latent variables or paths");
	names = (char **) palloc(sizeof(char *) * n_lvs);
	for (int k = 0; k < n_lvs; k++)
	{
		JsonbContainer *lv = ObjectAt(&r, lvs, k, "each latent variable");

		CheckKeys(&r, lv, lv_keys, "a latent variable");
		names[k] = StringKey(&r, lv, "name", "a latent variable");
		for (int j = 0; j < k; j++)
			if (strcmp(names[j], names[k]) == 0)
				CrmReadError(&r, psprintf("latent variable \"%s\" is named twice", names[k]));
		names_len += (int) strlen(names[k]) + 1;
		n_items += (int) JsonContainerSize(ContainerKey(&r, lv, "items", "a latent variable", true));
	}
	if (n_items > PLS_MAX_ITEMS)
		CrmReadError(&r, "too many items");
	model = PlsModelCreate((int) IntegerKey(&r, root, "items", "the model", 1, PLS_MAX_ITEMS),
						   n_lvs, n_items, n_paths, names_len);
	view = PlsModelOpen(model);
	scheme = StringKey(&r, root, "scheme", "the model");
	model->scheme = (uint8) PlsSchemeOf(scheme);
	model->flags = (BoolKey(&r, root, "scaled", "the model") ? PLS_MODEL_SCALED : 0) |
		(BoolKey(&r, root, "converged", "the model") ? PLS_MODEL_CONVERGED : 0);
	model->n = IntegerKey(&r, root, "respondents", "the model", 0, PLS_MAX_RESPONDENTS);
	model->skipped = IntegerKey(&r, root, "skipped", "the model", 0, PLS_MAX_RESPONDENTS);
	model->iterations = (int32) IntegerKey(&r, root, "iterations", "the model", 0, PLS_MAX_MAXITER);
	model->maxiter = (int32) IntegerKey(&r, root, "maxiter", "the model", 0, PLS_MAX_MAXITER);
	model->tol = NumberKey(&r, root, "tol", "the model", false);
	model->gof = NumberKey(&r, root, "gof", "the model", true);

	n_items = 0;
	name_at = view.names;
	for (int k = 0; k < n_lvs; k++)
	{
		JsonbContainer *lv = ObjectAt(&r, lvs, k, "each latent variable");
		JsonbContainer *items = ContainerKey(&r, lv, "items", "a latent variable", true);

		strcpy(name_at, names[k]);
		name_at += strlen(names[k]) + 1;
		view.sign[k] = (int32) IntegerKey(&r, lv, "sign", "a latent variable", -1, 1);
		view.r2[k] = NumberKey(&r, lv, "r2", "a latent variable", false);
		view.block_start[k] = n_items;
		for (int i = 0; i < (int) JsonContainerSize(items); i++, n_items++)
		{
			JsonbContainer *item = ObjectAt(&r, items, i, "each item");

			CheckKeys(&r, item, item_keys, "an item");
			view.positions[n_items] = (int32) IntegerKey(&r, item, "item", "an item", 1, PLS_MAX_ITEMS);
			view.mean[n_items] = NumberKey(&r, item, "mean", "an item", false);
			view.sd[n_items] = NumberKey(&r, item, "sd", "an item", false);
			view.weight[n_items] = NumberKey(&r, item, "weight", "an item", false);
			view.loading[n_items] = NumberKey(&r, item, "loading", "an item", false);
		}
	}
	view.block_start[n_lvs] = n_items;
	for (int q = 0; q < n_paths; q++)
	{
		JsonbContainer *path = ObjectAt(&r, paths, q, "each path");

		CheckKeys(&r, path, path_keys, "a path");
		view.path_from[q] = NameIndex(&r, names, n_lvs, StringKey(&r, path, "from", "a path"));
		view.path_to[q] = NameIndex(&r, names, n_lvs, StringKey(&r, path, "to", "a path"));
		view.coef[q] = NumberKey(&r, path, "coefficient", "a path", false);
	}
	CrmReadCheck(&r, ModelProblem(model));
	PG_RETURN_POINTER(model);
}

/* ---------------------------------------------------------------------------
 * Binary form
 * ---------------------------------------------------------------------------
 */

/* Binary form: the header fields, then every array element, then the names */
PG_FUNCTION_INFO_V1(pls_model_send);
Datum
pls_model_send(PG_FUNCTION_ARGS)
{
	PlsModel   *model = (PlsModel *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	PlsModelView view = PlsModelOpen(model);
	Size		n_doubles = ModelDoubles(model->n_lvs, model->n_items, model->n_paths);
	Size		n_ints = ModelInts(model->n_lvs, model->n_items, model->n_paths);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, model->version);
	pq_sendint8(&buf, model->scheme);
	pq_sendint8(&buf, model->flags);
	pq_sendint32(&buf, model->p);
	pq_sendint32(&buf, model->n_lvs);
	pq_sendint32(&buf, model->n_items);
	pq_sendint32(&buf, model->n_paths);
	pq_sendint32(&buf, model->iterations);
	pq_sendint32(&buf, model->maxiter);
	pq_sendint32(&buf, model->names_len);
	pq_sendint64(&buf, model->n);
	pq_sendint64(&buf, model->skipped);
	pq_sendfloat8(&buf, model->tol);
	pq_sendfloat8(&buf, model->gof);
	for (Size k = 0; k < n_doubles; k++)
		pq_sendfloat8(&buf, view.mean[k]);
	for (Size k = 0; k < n_ints; k++)
		pq_sendint32(&buf, view.block_start[k]);
	pq_sendbytes(&buf, view.names, model->names_len);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.pls_model */
PG_FUNCTION_INFO_V1(pls_model_recv);
Datum
pls_model_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = (uint8) pq_getmsgint(buf, 1);
	uint8		scheme = (uint8) pq_getmsgint(buf, 1);
	uint8		flags = (uint8) pq_getmsgint(buf, 1);
	int32		p = (int32) pq_getmsgint(buf, 4);
	int32		n_lvs = (int32) pq_getmsgint(buf, 4);
	int32		n_items = (int32) pq_getmsgint(buf, 4);
	int32		n_paths = (int32) pq_getmsgint(buf, 4);
	int32		iterations = (int32) pq_getmsgint(buf, 4);
	int32		maxiter = (int32) pq_getmsgint(buf, 4);
	int32		names_len = (int32) pq_getmsgint(buf, 4);
	PlsModel   *model;
	PlsModelView view;

	if (n_lvs < 2 || n_lvs > PLS_MAX_LVS || n_items < 1 || n_items > PLS_MAX_ITEMS ||
		n_paths < 1 || n_paths > n_lvs * (n_lvs - 1) / 2 ||
		names_len < 2 || names_len > n_lvs * (PLS_MAX_NAME + 1))
		CrmBinaryError("crm.pls_model", "invalid numbers of latent variables, items, paths or name bytes");
	model = PlsModelCreate(p, n_lvs, n_items, n_paths, names_len);
	view = PlsModelOpen(model);
	model->version = version;
	model->scheme = scheme;
	model->flags = flags;
	model->iterations = iterations;
	model->maxiter = maxiter;
	model->n = pq_getmsgint64(buf);
	model->skipped = pq_getmsgint64(buf);
	model->tol = CrmRecvFloat8(buf);
	model->gof = CrmRecvFloat8(buf);
	for (Size k = 0; k < ModelDoubles(n_lvs, n_items, n_paths); k++)
		view.mean[k] = CrmRecvFloat8(buf);
	for (Size k = 0; k < ModelInts(n_lvs, n_items, n_paths); k++)
		view.block_start[k] = (int32) pq_getmsgint(buf, 4);
	pq_copymsgbytes(buf, view.names, names_len);
	CrmBinaryCheck("crm.pls_model", ModelProblem(model));
	PG_RETURN_POINTER(model);
}
