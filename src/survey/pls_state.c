/*
 * pls_state.c
 *		crm.pls_state: the mergeable sufficient statistics of crm.pls_fit
 *		(rows, item means, centred co-moments), its transition and combine
 *		functions, text and binary forms, and the final functions that fit
 *		a crm.pls_model from it.
 *
 * Each row updates the means and co-moments by Welford's method, O(p^2)
 * with no allocation; states merge by the pairwise formula of Chan, Golub
 * and LeVeque (1979), which stays accurate for large offsets and many rows.
 * Merged and parallel states therefore equal a serial pass to rounding
 * (about 1e-15 relative), not bit for bit.
 *
 * crm.pls_fit takes its spec, scheme and scaled flag on every row; a final
 * function sees only the state, so the state carries them (the canonical
 * spec text) and checks that they are the same on every row of a group.
 * crm.pls_partial accumulates the statistics alone; crm.pls_fit_final(state,
 * spec, scheme, scaled) fits any model on them.
 *
 * The text form is one line, for example
 *	 v1 p=2 n=3 skipped=0 mean={2,5} comoment={2,1,8}
 * with, for a state of crm.pls_fit, " scheme=centroid scaled=true spec={...}"
 * at the end (the spec's canonical JSON).  It round-trips exactly.
 */
#include "crm.h"
#include "pls.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

/* Hint of every spec error */
#define PLS_SPEC_HINT \
	"A spec is {\"blocks\": {\"LV\": [item positions, 1-based], ...}, \"paths\": [[\"cause\", \"effect\"], ...]} with optional \"tol\" and \"maxiter\"."

/* Per-call-site cache of the transition: the validated spec, scratch */
typedef struct PlsTransCache
{
	bool		have_params;	/* the fields below describe a row's arguments */
	MemoryContext spec_cxt;		/* holds the parsed spec and its bytes */
	bool		varied;			/* rows came with different arguments */
	char	   *spec_raw;		/* bytes of the last spec argument (in spec_cxt) */
	Size		spec_raw_len;	/* their length */
	char	   *scheme_raw;		/* bytes of the last scheme argument */
	Size		scheme_raw_len; /* their length */
	bool		scaled;			/* the last scaled argument */
	int			scheme;			/* its PlsScheme */
	PlsSpec		spec;			/* the parsed spec */
	char	   *spec_text;		/* its canonical text */
	int			spec_len;		/* strlen(spec_text) + 1 */
	double	   *delta;			/* scratch of p doubles */
	int			delta_len;		/* doubles allocated in delta */
	struct varlena *row_copy;	/* a row array with a short header, re-headed */
	Size		row_copy_size;	/* bytes allocated in row_copy */
} PlsTransCache;

/* ---------------------------------------------------------------------------
 * States
 * ---------------------------------------------------------------------------
 */

/* A new state of p items with zero moments, carrying a spec text or not */
static PlsState *
StateCreate(int p, const char *spec_text, int scheme, bool scaled)
{
	int			spec_len = spec_text ? (int) strlen(spec_text) + 1 : 0;
	Size		size = PlsStateSize(p, spec_len);
	PlsState   *state = (PlsState *) palloc0(size);

	SET_VARSIZE(state, size);
	state->version = PLS_STATE_VERSION;
	state->p = p;
	if (spec_text != NULL)
	{
		state->flags = PLS_STATE_HAS_SPEC;
		state->scheme = (uint8) scheme;
		state->scaled = scaled ? 1 : 0;
		state->spec_len = spec_len;
		memcpy(PlsStateSpecText(state), spec_text, spec_len);
	}
	return state;
}

/* A copy of a state with p items (its own moments if it has p items, else zero) and the spec of spec_from */
static PlsState *
StateCopy(const PlsState *state, int p, const PlsState *spec_from)
{
	bool		has_spec = (spec_from->flags & PLS_STATE_HAS_SPEC) != 0;
	PlsState   *copy = StateCreate(p, has_spec ? PlsStateSpecText(spec_from) : NULL,
								   spec_from->scheme, spec_from->scaled != 0);

	copy->skipped = state->skipped;
	if (state->p == p)
	{
		copy->n = state->n;
		memcpy(copy->data, state->data, sizeof(double) * (p + PlsTriangle(p)));
	}
	return copy;
}

/* A copy of a state carrying the canonical text of a spec */
static PlsState *
StateWithSpec(const PlsState *state, const PlsSpec *spec, int scheme, bool scaled)
{
	PlsState   *copy = StateCreate(state->p, PlsSpecText(spec), scheme, scaled);

	copy->n = state->n;
	copy->skipped = state->skipped;
	memcpy(copy->data, state->data, sizeof(double) * (state->p + PlsTriangle(state->p)));
	return copy;
}

/* True if two states carry the same spec, scheme and scaled flag */
static bool
SameSpec(const PlsState *a, const PlsState *b)
{
	return a->flags == b->flags && a->scheme == b->scheme &&
		a->scaled == b->scaled && a->spec_len == b->spec_len &&
		(a->spec_len == 0 || strcmp(PlsStateSpecText(a), PlsStateSpecText(b)) == 0);
}

/* Raise 22023 for states that cannot be merged */
static void
CheckMergeable(const PlsState *a, const PlsState *b)
{
	if (a->p > 0 && b->p > 0 && a->p != b->p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge PLS states of %d and %d items", a->p, b->p)));
	if ((a->flags & PLS_STATE_HAS_SPEC) && (b->flags & PLS_STATE_HAS_SPEC) &&
		!SameSpec(a, b))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge PLS states of different specs, schemes or scaling"),
				 errdetail("One has scheme %s, scaled %s, spec %s; the other scheme %s, scaled %s, spec %s.",
						   PlsSchemeName(a->scheme), a->scaled ? "true" : "false", PlsStateSpecText(a),
						   PlsSchemeName(b->scheme), b->scaled ? "true" : "false", PlsStateSpecText(b))));
}

/* Add the moments of src (same p) to dst: Chan, Golub and LeVeque's pairwise update */
static void
MergeMoments(PlsState *dst, const PlsState *src, double *delta)
{
	int			p = dst->p;
	double		na = (double) dst->n;
	double		nb = (double) src->n;
	double		n = na + nb;
	double		f = na * nb / n;
	double	   *mean = PlsStateMeans(dst);
	double	   *c = PlsStateComoments(dst);
	const double *mean_b = PlsStateMeans(src);
	const double *c_b = PlsStateComoments(src);
	Size		k = 0;

	if (src->n == 0)
		return;
	for (int i = 0; i < p; i++)
		delta[i] = mean_b[i] - mean[i];
	for (int i = 0; i < p; i++)
	{
		double		fd = f * delta[i];

		for (int j = i; j < p; j++, k++)
			c[k] += c_b[k] + fd * delta[j];
	}
	for (int i = 0; i < p; i++)
		mean[i] += delta[i] * (nb / n);
	dst->n = AddCounts(dst->n, src->n, "PLS state respondents");
}

/* ---------------------------------------------------------------------------
 * Transition
 * ---------------------------------------------------------------------------
 */

/* The transition cache of this call site, created on first use */
static PlsTransCache *
GetTransCache(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra == NULL)
		fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PlsTransCache));
	return (PlsTransCache *) fcinfo->flinfo->fn_extra;
}

/* Raise 22023 for a spec problem */
static void
SpecError(const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid PLS model spec: %s", problem),
			 errhint(PLS_SPEC_HINT)));
}

/* The PlsScheme of a scheme argument; raise 22023 if unknown */
static int
SchemeArgument(text *scheme)
{
	char	   *name = text_to_cstring(scheme);
	int			s = PlsSchemeOf(name);

	if (s == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown PLS inner weighting scheme \"%s\"", name),
				 errhint("The schemes are 'centroid' (the default), 'factorial' and 'path'.")));
	return s;
}

/* Parse and validate a spec argument into spec; raise 22023 on a problem */
static void
SpecArgument(Jsonb *jb, PlsSpec *spec)
{
	const char *problem = PlsParseSpec(jb, spec);

	if (problem != NULL)
		SpecError(problem);
}

/* True if a varlena argument has the given bytes */
static inline bool
SameBytes(struct varlena *v, const char *bytes, Size len)
{
	return VARSIZE_ANY_EXHDR(v) == len && memcmp(VARDATA_ANY(v), bytes, len) == 0;
}

/* Copy the data bytes of a varlena into the cache's context */
static char *
CacheBytes(FunctionCallInfo fcinfo, struct varlena *v, Size *len)
{
	char	   *copy;

	*len = VARSIZE_ANY_EXHDR(v);
	copy = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, *len + 1);
	memcpy(copy, VARDATA_ANY(v), *len);
	return copy;
}

/*
 * Validate the spec (argument 2), scheme (3, default centroid) and scaled
 * (4, default true) of a crm.pls_fit row into the cache; the spec is parsed
 * again only when its bytes change
 */
static void
RowParams(FunctionCallInfo fcinfo, PlsTransCache *cache)
{
	int			nargs = PG_NARGS();
	struct varlena *spec_arg;
	int			scheme = PLS_SCHEME_CENTROID;
	bool		scaled = true;

	CheckNotNull(fcinfo, 2, "spec");
	spec_arg = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(2));
	if (nargs > 3)
	{
		struct varlena *scheme_arg;

		CheckNotNull(fcinfo, 3, "scheme");
		scheme_arg = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(3));
		if (cache->scheme_raw != NULL &&
			SameBytes(scheme_arg, cache->scheme_raw, cache->scheme_raw_len))
			scheme = cache->scheme;
		else
		{
			scheme = SchemeArgument((text *) scheme_arg);
			if (cache->scheme_raw != NULL)
				pfree(cache->scheme_raw);
			cache->scheme_raw = CacheBytes(fcinfo, scheme_arg, &cache->scheme_raw_len);
		}
	}
	if (nargs > 4)
	{
		CheckNotNull(fcinfo, 4, "scaled");
		scaled = PG_GETARG_BOOL(4);
	}
	if (!cache->have_params ||
		!SameBytes(spec_arg, cache->spec_raw, cache->spec_raw_len))
	{
		/* a new spec: validate it into the cache's spec context, emptied first */
		MemoryContext old;
		bool		had_params = cache->have_params;

		cache->have_params = false;
		if (cache->spec_cxt == NULL)
			cache->spec_cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "PLS spec",
													ALLOCSET_SMALL_SIZES);
		MemoryContextReset(cache->spec_cxt);
		old = MemoryContextSwitchTo(cache->spec_cxt);
		SpecArgument(DatumGetJsonbP(PointerGetDatum(spec_arg)), &cache->spec);
		cache->spec_text = PlsSpecText(&cache->spec);
		cache->spec_len = (int) strlen(cache->spec_text) + 1;
		cache->spec_raw_len = VARSIZE_ANY_EXHDR(spec_arg);
		cache->spec_raw = palloc(cache->spec_raw_len + 1);
		memcpy(cache->spec_raw, VARDATA_ANY(spec_arg), cache->spec_raw_len);
		MemoryContextSwitchTo(old);
		if (had_params)
			cache->varied = true;
	}
	else if (scheme != cache->scheme || scaled != cache->scaled)
		cache->varied = true;
	cache->scheme = scheme;
	cache->scaled = scaled;
	cache->have_params = true;
}

/* Raise 22023 unless a state carries the spec of this row's arguments */
static void
CheckStateParams(const PlsState *state, const PlsTransCache *cache)
{
	if (!(state->flags & PLS_STATE_HAS_SPEC) || state->scheme != cache->scheme ||
		state->scaled != (cache->scaled ? 1 : 0) ||
		strcmp(PlsStateSpecText(state), cache->spec_text) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("spec, scheme and scaled must be the same on every row of a group")));
}

/* Raise 22023 unless the spec's item positions fit rows of p items */
static void
CheckSpecFits(const PlsSpec *spec, int p)
{
	const char *problem = PlsCheckSpecItems(spec, p);

	if (problem != NULL)
		SpecError(problem);
}

/*
 * The items array of this row (argument 1, not NULL), without allocating:
 * an array with a short header is re-headed in the cache's buffer
 */
static ArrayType *
RowArray(FunctionCallInfo fcinfo, PlsTransCache *cache)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(1));
	ArrayType  *items;

	if (VARATT_IS_EXTERNAL(raw) || VARATT_IS_COMPRESSED(raw))
		raw = pg_detoast_datum(raw);	/* toasted or expanded */
	else if (VARATT_IS_SHORT(raw))
	{
		Size		len = VARSIZE_SHORT(raw) - VARHDRSZ_SHORT;

		if (cache->row_copy_size < len + VARHDRSZ)
		{
			if (cache->row_copy)
				pfree(cache->row_copy);
			cache->row_copy_size = Max(len + VARHDRSZ, 256);
			cache->row_copy = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
												 cache->row_copy_size);
		}
		SET_VARSIZE(cache->row_copy, len + VARHDRSZ);
		memcpy(VARDATA(cache->row_copy), VARDATA_SHORT(raw), len);
		raw = cache->row_copy;
	}
	items = (ArrayType *) raw;
	if (ARR_NDIM(items) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("items must be a one-dimensional array, not %d-dimensional",
						ARR_NDIM(items)),
				 errhint("Pass one array of item values per respondent.")));
	return items;
}

/* The state a transition adds its row to (argument 0, or a new one) */
static PlsState *
TransitionState(FunctionCallInfo fcinfo, const PlsTransCache *cache,
				bool with_spec)
{
	bool		in_aggregate = AggCheckCallContext(fcinfo, NULL) != 0;
	PlsState   *state;

	if (PG_ARGISNULL(0))
		return StateCreate(0, with_spec ? cache->spec_text : NULL,
						   cache->scheme, cache->scaled);
	state = (PlsState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	/* a state from elsewhere, or from rows with other arguments */
	if (with_spec && (!in_aggregate || cache->varied))
		CheckStateParams(state, cache);
	if (!in_aggregate && !CrmArgIsWritable(fcinfo, 0, state))
		state = StateCopy(state, state->p, state);
	return state;
}

/* Add one row of p finite items to the moments: Welford's update */
static inline void
AddRow(PlsState *state, const double *x, double *delta)
{
	int			p = state->p;
	double	   *mean = PlsStateMeans(state);
	double	   *c = PlsStateComoments(state);
	double		n = (double) ++state->n;
	double		f = (n - 1) / n;
	Size		k = 0;

	for (int i = 0; i < p; i++)
		delta[i] = x[i] - mean[i];
	for (int i = 0; i < p; i++)
	{
		double		fd = f * delta[i];

		for (int j = i; j < p; j++, k++)
			c[k] += fd * delta[j];
	}
	for (int i = 0; i < p; i++)
		mean[i] += delta[i] / n;
}

/*
 * Transition of crm.pls_fit (state, items, spec [, scheme [, scaled]]) and
 * crm.pls_partial (state, items).  A NULL array or one with a NULL item
 * skips the row (counted); NaN or infinite items are errors.
 */
PG_FUNCTION_INFO_V1(pls_trans);
Datum
pls_trans(PG_FUNCTION_ARGS)
{
	PlsTransCache *cache = GetTransCache(fcinfo);
	bool		with_spec = PG_NARGS() > 2;
	PlsState   *state;
	ArrayType  *items;
	int			p;
	const double *x;

	if (with_spec)
		RowParams(fcinfo, cache);
	state = TransitionState(fcinfo, cache, with_spec);
	if (PG_ARGISNULL(1))
	{
		state->skipped++;
		PG_RETURN_POINTER(state);
	}
	items = RowArray(fcinfo, cache);
	if (array_contains_nulls(items))
	{
		state->skipped++;
		PG_RETURN_POINTER(state);
	}
	p = ArrayGetNItems(ARR_NDIM(items), ARR_DIMS(items));
	if (unlikely(p != state->p))
	{
		if (state->p != 0)
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("items array has %d elements, earlier rows had %d", p, state->p),
					 errhint("Every row must have the same items in the same positions (NULL for a missing answer).")));
		if (p > PLS_MAX_ITEMS)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("items array has %d elements, more than %d", p, PLS_MAX_ITEMS)));
		if (with_spec)
			CheckSpecFits(&cache->spec, p);
		/* the first row with items sets p */
		state = StateCopy(state, p, state);
	}
	if (unlikely(cache->delta_len < p))
	{
		if (cache->delta)
			pfree(cache->delta);
		cache->delta = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(double) * p);
		cache->delta_len = p;
	}
	x = (const double *) ARR_DATA_PTR(items);
	for (int i = 0; i < p; i++)
		if (unlikely(!isfinite(x[i])))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("item %d must be a finite number, not \"%s\"",
							i + 1, float8out_internal(x[i]))));
	AddRow(state, x, cache->delta);
	PG_RETURN_POINTER(state);
}

/* Combine: merge the second state's moments into the first */
PG_FUNCTION_INFO_V1(pls_combine);
Datum
pls_combine(PG_FUNCTION_ARGS)
{
	PlsState   *a = (PlsState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	PlsState   *b = (PlsState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	const PlsState *spec_from = (a->flags & PLS_STATE_HAS_SPEC) ? a : b;
	int			p = Max(a->p, b->p);
	double	   *delta;

	CheckMergeable(a, b);
	/* both counts first, so that a failing merge changes nothing */
	(void) AddCounts(a->n, b->n, "PLS state respondents");
	(void) AddCounts(a->skipped, b->skipped, "PLS state skipped rows");
	if (!CrmArgIsWritable(fcinfo, 0, a) || a->p != p || !SameSpec(a, spec_from))
		a = StateCopy(a, p, spec_from);
	if (b->n > 0)
	{
		delta = (double *) palloc(sizeof(double) * p);
		if (a->n == 0)
		{
			a->n = b->n;
			memcpy(a->data, b->data, sizeof(double) * (p + PlsTriangle(p)));
		}
		else
			MergeMoments(a, b, delta);
		pfree(delta);
	}
	a->skipped = AddCounts(a->skipped, b->skipped, "PLS state skipped rows");
	PG_RETURN_POINTER(a);
}

/* ---------------------------------------------------------------------------
 * Fitting
 * ---------------------------------------------------------------------------
 */

/* Raise 22000 for an algorithm failure */
static void
FitError(PlsStatus status, const PlsSpec *spec, int bad_lv)
{
	switch (status)
	{
		case PLS_LV_DEGENERATE:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("latent variable \"%s\" has zero variance", spec->names[bad_lv]),
					 errdetail("Its items' weights cancel out, or the inner model gives it no information.")));
			break;
		case PLS_COLLINEAR:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the causes of latent variable \"%s\" are perfectly collinear",
							spec->names[bad_lv]),
					 errdetail("Their scores are linearly dependent, so its path coefficients are not identified.")));
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("the PLS fit produced a non-finite number"),
					 errdetail("The item moments are not those of any data (a covariance matrix that is not positive semi-definite).")));
	}
}

/* CHECK_FOR_INTERRUPTS for the server-free PLS iteration */
static void
PlsCheckInterrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* Fit a model of spec on a state with rows (n > 0) */
static PlsModel *
FitState(const PlsState *state, const PlsSpec *spec, int scheme, bool scaled)
{
	int			m = spec->n_items;
	int			p = state->p;
	double		n = (double) state->n;
	const double *mean = PlsStateMeans(state);
	const double *c = PlsStateComoments(state);
	double	   *cov = (double *) palloc(sizeof(double) * m * m);
	PlsInput	input;
	PlsOutput	output;
	PlsStatus	status;
	PlsModel   *model;
	PlsModelView view;
	int			names_len = 0;
	char	   *name;

	CheckSpecFits(spec, p);
	for (int k = 0; k < spec->n_lvs; k++)
		for (int i = spec->block_start[k]; i < spec->block_start[k + 1]; i++)
		{
			int			pi = spec->positions[i] - 1;

			if (!(c[PlsTriIndex(p, pi, pi)] > 0))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("item %d (block \"%s\") is constant: it has zero variance",
								pi + 1, spec->names[k]),
						 errdetail("%s rows were used.", psprintf(INT64_FORMAT, state->n)),
						 errhint("Leave the item out of the block.")));
		}
	for (int i = 0; i < m; i++)
		for (int j = 0; j < m; j++)
		{
			int			pi = Min(spec->positions[i], spec->positions[j]) - 1;
			int			pj = Max(spec->positions[i], spec->positions[j]) - 1;

			cov[i * m + j] = c[PlsTriIndex(p, pi, pj)] / n;
		}

	input.spec = spec;
	input.scheme = (PlsScheme) scheme;
	input.scaled = scaled;
	input.n = n;
	input.cov = cov;
	input.interrupt_check = PlsCheckInterrupts;
	for (int k = 0; k < spec->n_lvs; k++)
		names_len += (int) strlen(spec->names[k]) + 1;
	model = PlsModelCreate(p, spec->n_lvs, m, spec->n_paths, names_len);
	view = PlsModelOpen(model);
	output.weight = view.weight;
	output.loading = view.loading;
	output.r2 = view.r2;
	output.coef = view.coef;
	output.sign = (int *) palloc(sizeof(int) * spec->n_lvs);
	status = PlsRun(&input, &output,
					(double *) palloc(sizeof(double) * PlsWorkspaceDoubles(spec)));
	if (status != PLS_OK && status != PLS_NOT_CONVERGED)
		FitError(status, spec, output.bad_lv);

	model->scheme = (uint8) scheme;
	model->flags = (scaled ? PLS_MODEL_SCALED : 0) |
		(status == PLS_OK ? PLS_MODEL_CONVERGED : 0);
	model->iterations = output.iterations;
	model->maxiter = spec->maxiter;
	model->n = state->n;
	model->skipped = state->skipped;
	model->tol = spec->tol;
	model->gof = output.gof;
	for (int i = 0; i < m; i++)
	{
		view.positions[i] = spec->positions[i];
		view.mean[i] = mean[spec->positions[i] - 1];
		view.sd[i] = sqrt(cov[i * m + i]);
	}
	for (int k = 0; k <= spec->n_lvs; k++)
		view.block_start[k] = spec->block_start[k];
	for (int k = 0; k < spec->n_lvs; k++)
		view.sign[k] = output.sign[k];
	for (int q = 0; q < spec->n_paths; q++)
	{
		view.path_from[q] = spec->path_from[q];
		view.path_to[q] = spec->path_to[q];
	}
	name = view.names;
	for (int k = 0; k < spec->n_lvs; k++)
	{
		strcpy(name, spec->names[k]);
		name += strlen(spec->names[k]) + 1;
	}
	if (status == PLS_NOT_CONVERGED)
		ereport(WARNING,
				(errmsg("PLS fit did not converge within %d iterations", spec->maxiter),
				 errdetail("The outer weights still changed by more than tol = %g (sum of squared changes); the returned model is marked converged = false.",
						   spec->tol),
				 errhint("Check the blocks (items that do not measure one common factor) and the inner model, or raise \"maxiter\" in the spec.")));
	return model;
}

/* crm.pls_fit_final(state): fit with the spec the state carries (the final function of crm.pls_fit) */
PG_FUNCTION_INFO_V1(pls_fit_final);
Datum
pls_fit_final(PG_FUNCTION_ARGS)
{
	PlsState   *state = (PlsState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	PlsSpec		spec;
	const char *problem;

	if (state->n == 0)
		PG_RETURN_NULL();
	if (!(state->flags & PLS_STATE_HAS_SPEC))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the PLS state carries no model spec"),
				 errhint("Fit a state of crm.pls_partial with crm.pls_fit_final(state, spec [, scheme [, scaled]]).")));
	problem = PlsParseSpecText(PlsStateSpecText(state), &spec);
	if (problem != NULL)
		SpecError(problem);
	PG_RETURN_POINTER(FitState(state, &spec, state->scheme, state->scaled != 0));
}

/* crm.pls_fit_final(state, spec, scheme, scaled): fit any model on a (merged) state */
PG_FUNCTION_INFO_V1(pls_fit_final_spec);
Datum
pls_fit_final_spec(PG_FUNCTION_ARGS)
{
	PlsState   *state;
	PlsSpec		spec;
	int			scheme;

	CheckNotNull(fcinfo, 1, "spec");
	CheckNotNull(fcinfo, 2, "scheme");
	CheckNotNull(fcinfo, 3, "scaled");
	scheme = SchemeArgument(PG_GETARG_TEXT_PP(2));
	SpecArgument(PG_GETARG_JSONB_P(1), &spec);
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (PlsState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	if (state->n == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(FitState(state, &spec, scheme, PG_GETARG_BOOL(3)));
}

/* crm.pls_moments(state): per item, rows, mean and sample covariances with every item */
PG_FUNCTION_INFO_V1(pls_moments);
Datum
pls_moments(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	PlsState   *state = (PlsState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	int			p = state->p;
	Datum	   *row = (Datum *) palloc(sizeof(Datum) * Max(p, 1));
	bool	   *row_nulls = (bool *) palloc(sizeof(bool) * Max(p, 1));

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < p; i++)
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};
		int			dims[1] = {p};
		int			lbs[1] = {1};

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < p; j++)
		{
			row_nulls[j] = state->n < 2;
			row[j] = Float8GetDatum(state->n < 2 ? 0 :
									PlsStateComoments(state)[PlsTriIndex(p, Min(i, j), Max(i, j))] /
									(double) (state->n - 1));
		}
		values[0] = Int32GetDatum(i + 1);
		values[1] = Int64GetDatum(state->n);
		values[2] = Float8GetDatum(PlsStateMeans(state)[i]);
		nulls[2] = state->n == 0;
		values[3] = PointerGetDatum(construct_md_array(row, row_nulls, 1, dims, lbs,
													   FLOAT8OID, sizeof(float8),
													   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/* ---------------------------------------------------------------------------
 * Text and binary forms
 * ---------------------------------------------------------------------------
 */

/*
 * Why the co-moments of a state imply a correlation outside [-1, 1], or
 * NULL: |c_ij| <= sqrt(c_ii c_jj) holds for the co-moments of any data (the
 * Cauchy-Schwarz inequality), up to rounding, allowed for by a relative 1e-9
 */
static const char *
CorrelationProblem(const PlsState *state)
{
	int			p = state->p;
	const double *c = PlsStateComoments(state);

	for (int i = 0; i < p; i++)
	{
		CHECK_FOR_INTERRUPTS();
		for (int j = i + 1; j < p; j++)
		{
			double		bound = sqrt(c[PlsTriIndex(p, i, i)]) * sqrt(c[PlsTriIndex(p, j, j)]);

			if (fabs(c[PlsTriIndex(p, i, j)]) > bound * (1 + 1e-9))
				return psprintf("the co-moments of items %d and %d imply a correlation outside [-1, 1]",
								i + 1, j + 1);
		}
	}
	return NULL;
}

/* Why the moments and counts of a state read from outside are invalid, or NULL */
static const char *
StateProblem(const PlsState *state)
{
	int			p = state->p;

	if (state->n < 0 || state->skipped < 0)
		return "n and skipped must not be negative";
	if (p == 0 && state->n > 0)
		return "a state with rows must have items";
	for (Size k = 0; k < (Size) p + PlsTriangle(p); k++)
		if (!isfinite(state->data[k]))
			return "means and co-moments must be finite";
	for (int i = 0; i < p; i++)
	{
		if (PlsStateComoments(state)[PlsTriIndex(p, i, i)] < 0)
			return "a co-moment of an item with itself must not be negative";
		if (state->n == 0 && PlsStateMeans(state)[i] != 0)
			return "a state without rows must have zero means";
	}
	if (state->n <= 1)
		for (Size k = 0; k < PlsTriangle(p); k++)
			if (PlsStateComoments(state)[k] != 0)
				return "a state with fewer than two rows must have zero co-moments";
	return CorrelationProblem(state);
}

/* Text form: "v1 p=.. n=.. skipped=.. mean={..} comoment={..}[ scheme=.. scaled=.. spec=..]" */
PG_FUNCTION_INFO_V1(pls_state_out);
Datum
pls_state_out(PG_FUNCTION_ARGS)
{
	PlsState   *state = (PlsState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d p=%d n=" INT64_FORMAT " skipped=" INT64_FORMAT,
					 state->version, state->p, state->n, state->skipped);
	CrmAppendFloat8List(&buf, "mean", PlsStateMeans(state), state->p);
	CrmAppendFloat8List(&buf, "comoment", PlsStateComoments(state), PlsTriangle(state->p));
	if (state->flags & PLS_STATE_HAS_SPEC)
		appendStringInfo(&buf, " scheme=%s scaled=%s spec=%s",
						 PlsSchemeName(state->scheme), state->scaled ? "true" : "false",
						 PlsStateSpecText(state));
	PG_RETURN_CSTRING(buf.data);
}

/* Read " key={v1,...}" of exactly n numbers into values */
static void
ReadDoubles(CrmReader *r, const char *key, double *values, Size n)
{
	int			count;
	float8	   *read = CrmReadFloat8List(r, key, &count);

	if ((Size) count != n)
		CrmReadError(r, psprintf("%s must have %zu numbers (means: p, co-moments: p(p + 1)/2)",
								 key, n));
	memcpy(values, read, sizeof(double) * n);
}

/* Parse the text form of crm.pls_state */
PG_FUNCTION_INFO_V1(pls_state_in);
Datum
pls_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.pls_state", PG_GETARG_CSTRING(0));
	PlsState   *state;
	const char *problem;

	CrmExpectVersion(&r, PLS_STATE_VERSION);
	state = StateCreate((int) CrmReadKeyInt(&r, "p", 0, PLS_MAX_ITEMS), NULL, 0, false);
	state->n = CrmReadKeyCount(&r, "n");
	state->skipped = CrmReadKeyCount(&r, "skipped");
	ReadDoubles(&r, "mean", PlsStateMeans(state), state->p);
	ReadDoubles(&r, "comoment", PlsStateComoments(state), PlsTriangle(state->p));
	if (CrmReadLiteral(&r, " scheme="))
	{
		int			scheme = PlsSchemeOf(CrmReadWord(&r));
		char	   *scaled;
		PlsSpec		spec;

		if (scheme == 0)
			CrmReadError(&r, "the scheme must be centroid, factorial or path");
		CrmExpectKey(&r, "scaled");
		scaled = CrmReadWord(&r);
		if (strcmp(scaled, "true") != 0 && strcmp(scaled, "false") != 0)
			CrmReadError(&r, "scaled must be true or false");
		CrmExpectKey(&r, "spec");
		problem = PlsParseSpecText(r.p, &spec);
		if (problem == NULL && state->p > 0)
			problem = PlsCheckSpecItems(&spec, state->p);
		if (problem != NULL)
			CrmReadError(&r, psprintf("invalid spec: %s", problem));
		state = StateWithSpec(state, &spec, scheme, scaled[0] == 't');
	}
	else
		CrmReadEnd(&r);
	CrmReadCheck(&r, StateProblem(state));
	PG_RETURN_POINTER(state);
}

/* Binary form: version, flags, scheme, scaled, p, n, skipped, the doubles, the spec text */
PG_FUNCTION_INFO_V1(pls_state_send);
Datum
pls_state_send(PG_FUNCTION_ARGS)
{
	PlsState   *state = (PlsState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, state->version);
	pq_sendint8(&buf, state->flags);
	pq_sendint8(&buf, state->scheme);
	pq_sendint8(&buf, state->scaled);
	pq_sendint32(&buf, state->p);
	pq_sendint64(&buf, state->n);
	pq_sendint64(&buf, state->skipped);
	for (Size k = 0; k < (Size) state->p + PlsTriangle(state->p); k++)
		pq_sendfloat8(&buf, state->data[k]);
	if (state->flags & PLS_STATE_HAS_SPEC)
		pq_sendstring(&buf, PlsStateSpecText(state));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.pls_state */
PG_FUNCTION_INFO_V1(pls_state_recv);
Datum
pls_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = (uint8) pq_getmsgint(buf, 1);
	uint8		flags = (uint8) pq_getmsgint(buf, 1);
	uint8		scheme = (uint8) pq_getmsgint(buf, 1);
	uint8		scaled = (uint8) pq_getmsgint(buf, 1);
	int32		p = (int32) pq_getmsgint(buf, 4);
	PlsState   *state;
	const char *problem;

	if (version != PLS_STATE_VERSION || (flags & ~PLS_STATE_HAS_SPEC) != 0 ||
		p < 0 || p > PLS_MAX_ITEMS ||
		((flags & PLS_STATE_HAS_SPEC) ? (PlsSchemeName(scheme) == NULL || scaled > 1) :
		 (scheme != 0 || scaled != 0)))
		CrmBinaryError("crm.pls_state", "invalid version, flags, scheme, scaled flag or number of items");
	state = StateCreate(p, NULL, 0, false);
	state->n = pq_getmsgint64(buf);
	state->skipped = pq_getmsgint64(buf);
	for (Size k = 0; k < (Size) p + PlsTriangle(p); k++)
		state->data[k] = pq_getmsgfloat8(buf);
	if (flags & PLS_STATE_HAS_SPEC)
	{
		PlsSpec		spec;

		problem = PlsParseSpecText(pq_getmsgstring(buf), &spec);
		if (problem == NULL && p > 0)
			problem = PlsCheckSpecItems(&spec, p);
		if (problem != NULL)
			CrmBinaryError("crm.pls_state", psprintf("invalid spec: %s", problem));
		state = StateWithSpec(state, &spec, scheme, scaled != 0);
	}
	CrmBinaryCheck("crm.pls_state", StateProblem(state));
	PG_RETURN_POINTER(state);
}
