/*
 * pls_spec.c
 *		The model specification of crm.pls_fit: parsing and validating the
 *		jsonb spec, its canonical text, and helpers shared by the PLS types.
 *
 * A spec is
 *	 {"blocks": {"IMAG": [1, 2, 3, 4, 5], "EXPE": [6, 7, 8, 9, 10], ...},
 *	  "paths": [["IMAG", "EXPE"], ["IMAG", "SAT"], ...],
 *	  "tol": 1e-06, "maxiter": 100}
 * (tol and maxiter optional, plspm's defaults).  jsonb does not keep the
 * order of object keys, so latent variables are ordered by the smallest
 * item position of their block.  Parsers return a description of the
 * first problem (or NULL) so that each caller raises it with its own
 * SQLSTATE: 22023 for an argument, 22P02 inside a value's text.
 */
#include "crm.h"
#include "pls.h"

#include <math.h>

#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/numeric.h"

/* A block while parsing: its name and items, and its smallest position */
typedef struct SpecBlock
{
	char	   *name;			/* LV name */
	int			n_items;		/* items */
	int		   *positions;		/* 1-based positions, as given */
	int			min_position;	/* smallest position (the LV order) */
} SpecBlock;

/* Append a string as a JSON string literal */
void
PlsAppendJsonString(StringInfo buf, const char *s)
{
	escape_json(buf, s);
}

/* Name of an inner weighting scheme */
const char *
PlsSchemeName(int scheme)
{
	switch (scheme)
	{
		case PLS_SCHEME_CENTROID:
			return "centroid";
		case PLS_SCHEME_FACTORIAL:
			return "factorial";
		case PLS_SCHEME_PATH:
			return "path";
	}
	return NULL;
}

/* The scheme of a name, or 0 if unknown */
int
PlsSchemeOf(const char *name)
{
	for (int s = PLS_SCHEME_CENTROID; s <= PLS_SCHEME_PATH; s++)
		if (strcmp(name, PlsSchemeName(s)) == 0)
			return s;
	return 0;
}

/* JSON text of a jsonb value (scalar or container) */
static char *
ValueText(JsonbValue *v)
{
	if (v->type == jbvBinary)
		return JsonbToCString(NULL, v->val.binary.data, v->val.binary.len);
	return JsonbToCString(NULL, &JsonbValueToJsonb(v)->root, 0);
}

/* True if v is a JSON integer in [lo, hi]; sets *out */
static bool
JsonInteger(JsonbValue *v, int64 lo, int64 hi, int64 *out)
{
	char	   *digits;
	char	   *end;
	int64		value;

	if (v->type != jbvNumeric || numeric_is_nan(v->val.numeric) ||
		numeric_is_inf(v->val.numeric))
		return false;
	/* normalized numeric text has no decimal point exactly when it is integral */
	digits = numeric_normalize(v->val.numeric);
	errno = 0;
	value = strtoll(digits, &end, 10);
	if (*end != '\0' || errno != 0 || value < lo || value > hi)
		return false;
	*out = value;
	return true;
}

/* Parse "blocks" (an object of LV name -> array of positions) into blocks */
static const char *
ParseBlocks(JsonbValue *v, SpecBlock **blocks_out, int *n_out)
{
	JsonbContainer *c;
	JsonbIterator *it;
	JsonbIteratorToken r;
	JsonbValue	tok;
	SpecBlock  *blocks;
	int			n = 0;
	char	   *name = NULL;

	if (v->type != jbvBinary || !JsonContainerIsObject(v->val.binary.data))
		return psprintf("\"blocks\" must be a JSON object of latent variable names and item positions, not %s",
						ValueText(v));
	c = v->val.binary.data;
	if (JsonContainerSize(c) < 2)
		return "\"blocks\" must name at least two latent variables";
	if (JsonContainerSize(c) > PLS_MAX_LVS)
		return psprintf("\"blocks\" names %u latent variables, more than %d",
						JsonContainerSize(c), PLS_MAX_LVS);
	blocks = (SpecBlock *) palloc0(sizeof(SpecBlock) * JsonContainerSize(c));
	it = JsonbIteratorInit(c);
	while ((r = JsonbIteratorNext(&it, &tok, true)) != WJB_DONE)
	{
		SpecBlock  *b;
		JsonbContainer *items;

		if (r == WJB_KEY)
		{
			name = pnstrdup(tok.val.string.val, tok.val.string.len);
			continue;
		}
		if (r != WJB_VALUE)
			continue;
		if (name[0] == '\0')
			return "a latent variable name must not be empty";
		if (strlen(name) > PLS_MAX_NAME)
			return psprintf("latent variable name \"%s\" is longer than %d bytes",
							name, PLS_MAX_NAME);
		b = &blocks[n++];
		b->name = name;
		if (tok.type != jbvBinary || !JsonContainerIsArray(tok.val.binary.data))
			return psprintf("block \"%s\" must be an array of item positions, not %s",
							name, ValueText(&tok));
		items = tok.val.binary.data;
		b->n_items = (int) JsonContainerSize(items);
		if (b->n_items == 0)
			return psprintf("block \"%s\" has no items", name);
		b->positions = (int *) palloc(sizeof(int) * b->n_items);
		b->min_position = PG_INT32_MAX;
		for (int i = 0; i < b->n_items; i++)
		{
			JsonbValue *e = getIthJsonbValueFromContainer(items, i);
			int64		position;

			if (!JsonInteger(e, 1, PLS_MAX_ITEMS, &position))
				return psprintf("item position %s of block \"%s\" is not an integer in 1 .. %d",
								ValueText(e), name, PLS_MAX_ITEMS);
			b->positions[i] = (int) position;
			b->min_position = Min(b->min_position, (int) position);
		}
	}
	*blocks_out = blocks;
	*n_out = n;
	return NULL;
}

/* Compare blocks by their smallest item position */
static int
CompareBlocks(const void *a, const void *b)
{
	const SpecBlock *x = (const SpecBlock *) a;
	const SpecBlock *y = (const SpecBlock *) b;

	return (x->min_position > y->min_position) - (x->min_position < y->min_position);
}

/* Compare paths (pairs of ints from, to) by cause, then effect */
static int
ComparePaths(const void *a, const void *b)
{
	const int  *x = (const int *) a;
	const int  *y = (const int *) b;

	if (x[0] != y[0])
		return (x[0] > y[0]) - (x[0] < y[0]);
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* Index of the LV called name, or -1 */
static int
LvIndex(const PlsSpec *spec, const char *name, int len)
{
	for (int k = 0; k < spec->n_lvs; k++)
		if ((int) strlen(spec->names[k]) == len &&
			memcmp(spec->names[k], name, len) == 0)
			return k;
	return -1;
}

/*
 * Why directed paths between n_lvs LVs do not form a DAG that connects
 * every LV, or NULL: a cycle (Kahn's algorithm leaves the LVs on or after
 * it), a self-loop, a repeated path, an LV without any path
 */
const char *
PlsDagProblem(int n_lvs, int n_paths, const int *from, const int *to,
			  char *const *names)
{
	int		   *indegree = (int *) palloc0(sizeof(int) * n_lvs);
	bool	   *connected = (bool *) palloc0(sizeof(bool) * n_lvs);
	bool	   *seen = (bool *) palloc0(sizeof(bool) * n_lvs * n_lvs);
	int		   *queue = (int *) palloc(sizeof(int) * n_lvs);
	int			head = 0;
	int			tail = 0;

	for (int p = 0; p < n_paths; p++)
	{
		if (from[p] == to[p])
			return psprintf("path [\"%s\", \"%s\"] is a cycle: a latent variable cannot cause itself",
							names[from[p]], names[to[p]]);
		if (seen[from[p] * n_lvs + to[p]])
			return psprintf("path [\"%s\", \"%s\"] is given twice",
							names[from[p]], names[to[p]]);
		seen[from[p] * n_lvs + to[p]] = true;
		indegree[to[p]]++;
		connected[from[p]] = connected[to[p]] = true;
	}
	for (int k = 0; k < n_lvs; k++)
		if (!connected[k])
			return psprintf("latent variable \"%s\" is in no path", names[k]);
	for (int k = 0; k < n_lvs; k++)
		if (indegree[k] == 0)
			queue[tail++] = k;
	while (head < tail)
	{
		int			k = queue[head++];

		for (int p = 0; p < n_paths; p++)
			if (from[p] == k && --indegree[to[p]] == 0)
				queue[tail++] = to[p];
	}
	if (tail < n_lvs)
	{
		StringInfoData buf;
		bool		first = true;

		initStringInfo(&buf);
		for (int k = 0; k < n_lvs; k++)
			if (indegree[k] > 0)
			{
				appendStringInfo(&buf, "%s\"%s\"", first ? "" : ", ", names[k]);
				first = false;
			}
		return psprintf("the paths form a cycle (through or after %s): the inner model must be acyclic",
						buf.data);
	}
	return NULL;
}

/* Parse "paths" (an array of [cause, effect] name pairs) into spec */
static const char *
ParsePaths(JsonbValue *v, PlsSpec *spec)
{
	JsonbContainer *c;
	int		   *pairs;

	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		return psprintf("\"paths\" must be a JSON array of [cause, effect] pairs, not %s",
						ValueText(v));
	c = v->val.binary.data;
	spec->n_paths = (int) JsonContainerSize(c);
	if (spec->n_paths == 0)
		return "\"paths\" must have at least one path";
	pairs = (int *) palloc(sizeof(int) * 2 * spec->n_paths);
	for (int p = 0; p < spec->n_paths; p++)
	{
		JsonbValue *pair = getIthJsonbValueFromContainer(c, p);

		if (pair->type != jbvBinary || !JsonContainerIsArray(pair->val.binary.data) ||
			JsonContainerSize(pair->val.binary.data) != 2)
			return psprintf("path %d must be a pair [cause, effect] of latent variable names, not %s",
							p + 1, ValueText(pair));
		for (int e = 0; e < 2; e++)
		{
			JsonbValue *end = getIthJsonbValueFromContainer(pair->val.binary.data, e);
			int			k;

			if (end->type != jbvString)
				return psprintf("path %d must be a pair [cause, effect] of latent variable names, not %s",
								p + 1, ValueText(pair));
			k = LvIndex(spec, end->val.string.val, end->val.string.len);
			if (k < 0)
				return psprintf("path %d names unknown latent variable %s (not in \"blocks\")",
								p + 1, ValueText(end));
			pairs[2 * p + e] = k;
		}
	}
	qsort(pairs, spec->n_paths, 2 * sizeof(int), ComparePaths);
	spec->path_from = (int *) palloc(sizeof(int) * spec->n_paths);
	spec->path_to = (int *) palloc(sizeof(int) * spec->n_paths);
	for (int p = 0; p < spec->n_paths; p++)
	{
		spec->path_from[p] = pairs[2 * p];
		spec->path_to[p] = pairs[2 * p + 1];
	}
	return PlsDagProblem(spec->n_lvs, spec->n_paths, spec->path_from,
						 spec->path_to, spec->names);
}

/* Put the blocks into spec in LV order; check that no position repeats */
static const char *
SetBlocks(SpecBlock *blocks, int n, PlsSpec *spec)
{
	int			k = 0;

	qsort(blocks, n, sizeof(SpecBlock), CompareBlocks);
	spec->n_lvs = n;
	spec->n_items = 0;
	for (int b = 0; b < n; b++)
		spec->n_items += blocks[b].n_items;
	spec->names = (char **) palloc(sizeof(char *) * n);
	spec->block_start = (int *) palloc(sizeof(int) * (n + 1));
	spec->positions = (int *) palloc(sizeof(int) * spec->n_items);
	spec->max_position = 0;
	for (int b = 0; b < n; b++)
	{
		spec->names[b] = blocks[b].name;
		spec->block_start[b] = k;
		for (int i = 0; i < blocks[b].n_items; i++)
		{
			int			position = blocks[b].positions[i];

			for (int j = 0; j < k; j++)
				if (spec->positions[j] == position)
				{
					int			owner = 0;

					/* block b's end is not set yet: positions before k are in 0 .. b */
					while (owner < b && spec->block_start[owner + 1] <= j)
						owner++;
					if (owner == b)
						return psprintf("item position %d is given twice in block \"%s\"",
										position, blocks[b].name);
					return psprintf("item position %d is in two blocks, \"%s\" and \"%s\"",
									position, spec->names[owner], blocks[b].name);
				}
			spec->positions[k++] = position;
			spec->max_position = Max(spec->max_position, position);
		}
		spec->block_start[b + 1] = k;
	}
	return NULL;
}

/* Parse "tol" and "maxiter" (plspm's defaults when absent) into spec */
static const char *
ParseOptions(JsonbValue *tol, JsonbValue *maxiter, PlsSpec *spec)
{
	int64		iterations;

	spec->tol = PLS_DEFAULT_TOL;
	spec->maxiter = PLS_DEFAULT_MAXITER;
	if (tol != NULL)
	{
		if (tol->type != jbvNumeric || numeric_is_nan(tol->val.numeric) ||
			numeric_is_inf(tol->val.numeric))
			return psprintf("\"tol\" must be a number, not %s", ValueText(tol));
		spec->tol = DatumGetFloat8(DirectFunctionCall1(numeric_float8,
													   NumericGetDatum(tol->val.numeric)));
		if (!(spec->tol > 0 && spec->tol <= PLS_MAX_TOL))
			return psprintf("\"tol\" must be in (0, %g], not %s", PLS_MAX_TOL,
							ValueText(tol));
	}
	if (maxiter != NULL)
	{
		if (!JsonInteger(maxiter, 1, PLS_MAX_MAXITER, &iterations))
			return psprintf("\"maxiter\" must be an integer in 1 .. %d, not %s",
							PLS_MAX_MAXITER, ValueText(maxiter));
		spec->maxiter = (int) iterations;
	}
	return NULL;
}

/* Parse and validate a jsonb spec into spec; returns the problem or NULL */
const char *
PlsParseSpec(Jsonb *jb, PlsSpec *spec)
{
	JsonbIterator *it;
	JsonbIteratorToken r;
	JsonbValue	tok;
	JsonbValue *values[4] = {NULL, NULL, NULL, NULL};
	static const char *const keys[4] = {"blocks", "paths", "tol", "maxiter"};
	char	   *key = NULL;
	SpecBlock  *blocks = NULL;
	int			n_blocks = 0;
	const char *problem;

	memset(spec, 0, sizeof(PlsSpec));
	if (!JB_ROOT_IS_OBJECT(jb))
		return psprintf("the spec must be a JSON object with \"blocks\" and \"paths\", not %s",
						JsonbToCString(NULL, &jb->root, VARSIZE(jb)));
	it = JsonbIteratorInit(&jb->root);
	while ((r = JsonbIteratorNext(&it, &tok, true)) != WJB_DONE)
	{
		int			found = -1;

		if (r == WJB_KEY)
		{
			key = pnstrdup(tok.val.string.val, tok.val.string.len);
			continue;
		}
		if (r != WJB_VALUE)
			continue;
		for (int k = 0; k < 4; k++)
			if (strcmp(key, keys[k]) == 0)
				found = k;
		if (found < 0)
			return psprintf("unknown key \"%s\" in the spec (the keys are \"blocks\", \"paths\", \"tol\" and \"maxiter\")",
							key);
		values[found] = (JsonbValue *) palloc(sizeof(JsonbValue));
		*values[found] = tok;
	}
	if (values[0] == NULL || values[1] == NULL)
		return "the spec must have \"blocks\" and \"paths\"";
	problem = ParseBlocks(values[0], &blocks, &n_blocks);
	if (problem == NULL)
		problem = SetBlocks(blocks, n_blocks, spec);
	if (problem == NULL)
		problem = ParsePaths(values[1], spec);
	if (problem == NULL)
		problem = ParseOptions(values[2], values[3], spec);
	return problem;
}

/* Why a spec cannot be used on rows of p items, or NULL */
const char *
PlsCheckSpecItems(const PlsSpec *spec, int p)
{
	for (int k = 0; k < spec->n_lvs; k++)
		for (int i = spec->block_start[k]; i < spec->block_start[k + 1]; i++)
			if (spec->positions[i] > p)
				return psprintf("item position %d of block \"%s\" is out of range: the rows have %d items",
								spec->positions[i], spec->names[k], p);
	return NULL;
}

/* The canonical text of a spec: LVs in order, paths sorted, tol and maxiter explicit */
char *
PlsSpecText(const PlsSpec *spec)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"blocks\": {");
	for (int k = 0; k < spec->n_lvs; k++)
	{
		if (k > 0)
			appendStringInfoString(&buf, ", ");
		PlsAppendJsonString(&buf, spec->names[k]);
		appendStringInfoString(&buf, ": [");
		for (int i = spec->block_start[k]; i < spec->block_start[k + 1]; i++)
			appendStringInfo(&buf, "%s%d", i > spec->block_start[k] ? ", " : "",
							 spec->positions[i]);
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "}, \"paths\": [");
	for (int p = 0; p < spec->n_paths; p++)
	{
		appendStringInfoString(&buf, p > 0 ? ", [" : "[");
		PlsAppendJsonString(&buf, spec->names[spec->path_from[p]]);
		appendStringInfoString(&buf, ", ");
		PlsAppendJsonString(&buf, spec->names[spec->path_to[p]]);
		appendStringInfoChar(&buf, ']');
	}
	appendStringInfoString(&buf, "], \"tol\": ");
	CrmAppendFloat8(&buf, spec->tol);
	appendStringInfo(&buf, ", \"maxiter\": %d}", spec->maxiter);
	return buf.data;
}

/* Parse the text of a spec (JSON); returns the problem or NULL */
const char *
PlsParseSpecText(const char *text, PlsSpec *spec)
{
	Jsonb	   *jb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(text)));

	return PlsParseSpec(jb, spec);
}
