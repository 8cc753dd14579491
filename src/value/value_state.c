/*
 * value_state.c
 *		The exact, mergeable distribution of customer values behind the
 *		customer-value aggregates: crm.concentration (the state and the value
 *		of crm.concentration_fit) and crm.value_fit_state (the state of the
 *		pyramid, ABC and value x potential fits, which also carries the tiers
 *		the fit was asked for).
 *
 * A state is, per dimension, a sorted run of distinct values with counts
 * plus a buffer of (value, count) entries.  A row appends to the buffer (no
 * allocation); a full buffer is sorted (an inlined sort) and merged into
 * the run, and the new buffer is at least as large as the run, so the work
 * per row is O(log) amortized.  Merging a state (combine, or the merge
 * aggregates) appends its run to the buffer the same way.  The runs are the
 * whole empirical distribution: every result computed from them is the
 * same whatever the split of the rows.
 *
 * Text forms, one line that round-trips exactly:
 *	 crm.concentration		v1 n=6 values={0:1,2.5:3,10:2}
 *	 crm.value_fit_state	v1 kind=pyramid n=6 cuts={0.01,0.05,0.2,1}
 *							names={"Platinum","Gold","Iron","Lead"} values={...}
 *							v1 kind=potential n=2 values={...} potentials={...}
 */
#include "crm.h"
#include "value.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

/* Entries the buffer of a new state holds (small groups stay small) */
#define VALUE_INITIAL_BUFFER 16
/* Smallest buffer after the first flush */
#define VALUE_MIN_BUFFER 1024

/* Header size of a state, aligned for the arrays that follow */
#define STATE_HEADER_SIZE MAXALIGN(sizeof(ValueState))

/* The default pyramid: top 1 %, next 4 %, next 15 %, the other 80 % */
static const float8 DefaultPyramidCuts[] = {0.01, 0.05, 0.2, 1};
/* Its tier names (Zeithaml, Rust & Lemon 2001), top first */
static const char DefaultPyramidNames[] = "Platinum\0Gold\0Iron\0Lead";
/* The names of the ABC classes */
static const char AbcNames[] = "A\0B\0C";
/* Default cumulative value shares of classes A and B */
#define ABC_DEFAULT_A 0.8
#define ABC_DEFAULT_B 0.95

/* Dimensions of the states of a kind */
static inline int
KindDims(uint8 kind)
{
	return kind == VALUE_KIND_POTENTIAL ? 2 : 1;
}

/* True for the kinds whose states carry tiers */
static inline bool
KindHasTiers(uint8 kind)
{
	return kind == VALUE_KIND_PYRAMID || kind == VALUE_KIND_ABC;
}

/* The cut points of a state (float8[n_tiers]) */
float8 *
ValueStateCuts(const ValueState *state)
{
	return (float8 *) ((char *) state + STATE_HEADER_SIZE);
}

/* The run of dimension d */
static CrmValueCount *
StateRunPtr(const ValueState *state, int d)
{
	CrmValueCount *run = (CrmValueCount *) (ValueStateCuts(state) + state->n_tiers);

	for (int i = 0; i < d; i++)
		run += state->n_distinct[i];
	return run;
}

/* The buffer of dimension d (after all runs) */
static CrmValueCount *
StateBufferPtr(const ValueState *state, int d)
{
	return StateRunPtr(state, state->dims) + (Size) d * state->capacity;
}

/* The names of a state's spec (after all buffers) */
char *
ValueStateNames(const ValueState *state)
{
	return (char *) StateBufferPtr(state, state->dims);
}

/* The spec a state carries (names point into the state) */
static void
StateSpec(const ValueState *state, ValueSpec *spec)
{
	spec->n_tiers = state->n_tiers;
	memcpy(spec->cuts, ValueStateCuts(state), sizeof(float8) * state->n_tiers);
	spec->names_size = state->names_size;
	spec->names = ValueStateNames(state);
}

/* A new state of a kind holding the given runs and empty buffers of the given capacity */
static ValueState *
StateBuild(uint8 kind, const ValueSpec *spec, int64 n_rows,
		   const CrmValueCount *const *runs, const int32 *n_distinct, int32 capacity)
{
	int			dims = KindDims(kind);
	int			n_tiers = spec != NULL ? spec->n_tiers : 0;
	int32		names_size = spec != NULL ? spec->names_size : 0;
	Size		size = STATE_HEADER_SIZE + sizeof(float8) * n_tiers + names_size;
	ValueState *state;

	for (int d = 0; d < dims; d++)
		size += sizeof(CrmValueCount) * ((Size) n_distinct[d] + (Size) capacity);
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("customer value state would exceed 1 GB"),
				 errhint("Round the values (for example to whole currency units) so that fewer are distinct.")));
	state = (ValueState *) palloc0(size);
	SET_VARSIZE(state, size);
	state->version = VALUE_STATE_VERSION;
	state->kind = kind;
	state->dims = (uint8) dims;
	state->n_tiers = (uint8) n_tiers;
	state->names_size = names_size;
	state->capacity = capacity;
	state->n_rows = n_rows;
	for (int d = 0; d < dims; d++)
		state->n_distinct[d] = n_distinct[d];
	if (n_tiers > 0)
		memcpy(ValueStateCuts(state), spec->cuts, sizeof(float8) * n_tiers);
	for (int d = 0; d < dims; d++)
		if (n_distinct[d] > 0)
			memcpy(StateRunPtr(state, d), runs[d], sizeof(CrmValueCount) * (Size) n_distinct[d]);
	if (names_size > 0)
		memcpy(ValueStateNames(state), spec->names, names_size);
	return state;
}

/* SortValueCounts(entries, n): an inlined sort of entries by value */
#define ST_SORT SortValueCounts
#define ST_ELEMENT_TYPE CrmValueCount
#define ST_COMPARE(a, b) (((a)->value > (b)->value) - ((a)->value < (b)->value))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Merge two ascending runs of distinct values, adding the counts of shared values */
static int32
MergeValueRuns(const CrmValueCount *a, int32 na, const CrmValueCount *b, int32 nb,
			   CrmValueCount *out)
{
	const CrmValueCount *a_end = a + na;
	const CrmValueCount *b_end = b + nb;
	CrmValueCount *next = out;

	while (a < a_end && b < b_end)
	{
		if (((next - out) & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (a->value == b->value)
		{
			next->value = a->value;
			next->count = AddCounts(a->count, b->count, "customer count");
			a++;
			b++;
		}
		else
			*next = (a->value < b->value) ? *a++ : *b++;
		next++;
	}
	while (a < a_end)
		*next++ = *a++;
	while (b < b_end)
		*next++ = *b++;
	return (int32) (next - out);
}

/*
 * The sorted distinct values of dimension d of a state, with the buffer
 * merged in; *n gets their number.  Read only: it may be the state's own run.
 */
const CrmValueCount *
ValueStateRun(const ValueState *state, int d, int32 *n)
{
	int32		nb = state->n_buffered[d];
	CrmValueCount *sorted;
	CrmValueCount *merged;
	int32		distinct = 0;

	if (nb == 0)
	{
		*n = state->n_distinct[d];
		return StateRunPtr(state, d);
	}
	sorted = (CrmValueCount *) palloc(sizeof(CrmValueCount) * nb);
	memcpy(sorted, StateBufferPtr(state, d), sizeof(CrmValueCount) * nb);
	SortValueCounts(sorted, nb);
	/* add up the counts of equal values in place */
	for (int32 i = 0; i < nb; i++)
	{
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (distinct > 0 && sorted[distinct - 1].value == sorted[i].value)
			sorted[distinct - 1].count = AddCounts(sorted[distinct - 1].count, sorted[i].count,
												   "customer count");
		else
			sorted[distinct++] = sorted[i];
	}
	merged = (CrmValueCount *) palloc(sizeof(CrmValueCount) *
								   ((Size) state->n_distinct[d] + distinct));
	*n = MergeValueRuns(StateRunPtr(state, d), state->n_distinct[d],
						sorted, distinct, merged);
	pfree(sorted);
	return merged;
}

/*
 * A copy of a state with its buffers merged into the runs and room for at
 * least `room` more entries per dimension (at least VALUE_MIN_BUFFER and
 * the largest run, so that flushes are amortized); room < 0 gives a compact
 * state without a buffer
 */
static ValueState *
StateFlush(const ValueState *state, int32 room)
{
	const CrmValueCount *runs[2] = {NULL, NULL};
	int32		n_distinct[2] = {0, 0};
	int32		capacity = 0;
	ValueSpec	spec;
	ValueState *copy;

	for (int d = 0; d < state->dims; d++)
		runs[d] = ValueStateRun(state, d, &n_distinct[d]);
	if (room >= 0)
	{
		capacity = Max(VALUE_MIN_BUFFER, room);
		for (int d = 0; d < state->dims; d++)
			capacity = Max(capacity, n_distinct[d]);
	}
	StateSpec(state, &spec);
	copy = StateBuild(state->kind, &spec, state->n_rows, runs, n_distinct, capacity);
	copy->n_skipped = state->n_skipped;
	return copy;
}

/* True if a state carries this kind and spec */
static bool
StateMatches(const ValueState *state, uint8 kind, const ValueSpec *spec)
{
	int			n_tiers = spec != NULL ? spec->n_tiers : 0;
	int32		names_size = spec != NULL ? spec->names_size : 0;

	return state->kind == kind && state->n_tiers == n_tiers &&
		state->names_size == names_size &&
		(n_tiers == 0 ||
		 memcmp(ValueStateCuts(state), spec->cuts, sizeof(float8) * n_tiers) == 0) &&
		(names_size == 0 ||
		 memcmp(ValueStateNames(state), spec->names, names_size) == 0);
}

/*
 * The state a transition adds its row to (argument 0, or a new one), checked
 * to have the kind and spec of the row; outside an aggregate a copy
 */
static ValueState *
TransitionState(FunctionCallInfo fcinfo, uint8 kind, const ValueSpec *spec)
{
	ValueState *state;

	if (PG_ARGISNULL(0))
	{
		static const int32 none[2] = {0, 0};
		const CrmValueCount *runs[2] = {NULL, NULL};

		return StateBuild(kind, spec, 0, runs, none, VALUE_INITIAL_BUFFER);
	}
	state = DatumGetValueStateP(PG_GETARG_DATUM(0));
	if (state->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot add %s rows to a state of kind %s",
						ValueKindName(kind), ValueKindName(state->kind))));
	if (!StateMatches(state, kind, spec))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cut points, shares and names must be the same for every row of a group")));
	if (!CrmArgIsWritable(fcinfo, 0, state))
		state = StateFlush(state, 1);
	return state;
}

/*
 * Whether a customer's value is left out of a share-based fit: a negative
 * value (refunds above purchases, a rounding below 0) has no share of a
 * total; it is counted in the state instead (one NOTICE at the end).
 * NaN and infinite values stay errors.
 */
static bool
SkipNegativeValue(ValueState *state, float8 value)
{
	CheckFinite(value, "customer value");
	if (value >= 0)
		return false;
	state->n_skipped = AddCounts(state->n_skipped, 1, "skipped customer count");
	return true;
}

/* One NOTICE with the customers a fit left out, if any */
void
ValueNoticeSkipped(const ValueState *state, const char *what)
{
	if (state->n_skipped > 0)
		ereport(NOTICE,
				(errmsg("%s fit: skipped " INT64_FORMAT " customers with a negative value",
						what, state->n_skipped),
				 errdetail("Shares of a total are defined for values >= 0; the other " INT64_FORMAT " customers were fitted.",
						   state->n_rows),
				 errhint("Floor net values at 0 to count such customers with a value of 0.")));
}

/* Add one customer's values (one per dimension) to a state; returns the state (it may move) */
static ValueState *
StateAddRow(ValueState *state, const float8 *values)
{
	for (int d = 0; d < state->dims; d++)
		if (state->n_buffered[d] >= state->capacity)
		{
			state = StateFlush(state, 0);
			break;
		}
	for (int d = 0; d < state->dims; d++)
	{
		CrmValueCount *slot = StateBufferPtr(state, d) + state->n_buffered[d]++;

		/* -0.0 and 0.0 are one value: store +0 so that equal values compare equal */
		slot->value = values[d] + 0.0;
		slot->count = 1;
	}
	state->n_rows++;
	return state;
}

/*
 * A value transition's last step: add the row's value (argument 1) to
 * state, unless it is NULL or a negative value the fit skips and counts
 */
static Datum
AddValueArgument(FunctionCallInfo fcinfo, ValueState *state)
{
	float8		value;

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	value = PG_GETARG_FLOAT8(1);
	if (SkipNegativeValue(state, value))
		PG_RETURN_POINTER(state);
	PG_RETURN_POINTER(StateAddRow(state, &value));
}

/* crm.concentration_fit transition: add one customer's value */
PG_FUNCTION_INFO_V1(concentration_trans);
Datum
concentration_trans(PG_FUNCTION_ARGS)
{
	ValueState *state = TransitionState(fcinfo, VALUE_KIND_CONCENTRATION, NULL);

	return AddValueArgument(fcinfo, state);
}

/* Fill the names of a spec of n_tiers tiers from a text[] (one name per tier) */
static void
SpecNamesFromArray(ArrayType *array, ValueSpec *spec)
{
	int			n;
	Datum	   *elements = CrmArrayElements(array, "names", 0, PG_INT32_MAX, &n);
	StringInfoData names;

	if (n != spec->n_tiers)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("names must have one name per tier (%d cut points), not %d",
						spec->n_tiers, n)));
	initStringInfo(&names);
	for (int i = 0; i < n; i++)
	{
		appendStringInfoString(&names, TextDatumGetCString(elements[i]));
		appendStringInfoChar(&names, '\0');
	}
	spec->names = names.data;
	spec->names_size = names.len;
}

/* Raise 22023 unless a spec made from arguments is a valid set of tiers */
static void
CheckSpecArgument(const ValueSpec *spec)
{
	const char *problem = ValueSpecProblem(spec);

	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", problem),
				 errhint("Cut points are cumulative shares from the top, e.g. '{0.01,0.05,0.2,1}' for the top 1 %%, next 4 %%, next 15 %% and the other 80 %%.")));
}

/* Per-call-site cache of the pyramid spec parsed from a fit's array arguments */
typedef struct PyramidSpecCache
{
	ValueSpec	spec;			/* the spec of the arguments last seen */
	char	   *key;			/* their bytes (both arrays), NULL until parsed */
	int			key_len;		/* length of key */
} PyramidSpecCache;

/* The spec of cut points (float8[]) and names (text[], or NULL: 'tier 1' ... 'tier k') */
static void
SpecFromArrays(ArrayType *cuts, ArrayType *names, ValueSpec *spec)
{
	int			n;
	float8	   *values = CrmFloat8Array(cuts, "cut_points", 0, PG_INT32_MAX, true, &n);

	spec->n_tiers = n;
	if (n < VALUE_MIN_TIERS || n > VALUE_MAX_TIERS)
		CheckSpecArgument(spec);	/* raises the range error */
	memcpy(spec->cuts, values, sizeof(float8) * n);
	if (names != NULL)
		SpecNamesFromArray(names, spec);
	else
	{
		StringInfoData generated;

		initStringInfo(&generated);
		for (int i = 1; i <= n; i++)
		{
			appendStringInfo(&generated, "tier %d", i);
			appendStringInfoChar(&generated, '\0');
		}
		spec->names = generated.data;
		spec->names_size = generated.len;
	}
	CheckSpecArgument(spec);
}

/*
 * The pyramid spec of a crm.value_tier_fit row: the default pyramid, or the
 * cut points of argument 2 and the names of argument 3.  Parsed once per
 * call site while the bytes of the arguments stay the same.
 */
static const ValueSpec *
PyramidSpecArgument(FunctionCallInfo fcinfo)
{
	PyramidSpecCache *cache = (PyramidSpecCache *) fcinfo->flinfo->fn_extra;
	ArrayType  *cuts;
	ArrayType  *names = NULL;
	StringInfoData key;
	MemoryContext old;
	ValueSpec	parsed;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(PyramidSpecCache));
		fcinfo->flinfo->fn_extra = cache;
	}
	if (PG_NARGS() < 3)
	{
		if (cache->spec.n_tiers == 0)
		{
			cache->spec.n_tiers = lengthof(DefaultPyramidCuts);
			memcpy(cache->spec.cuts, DefaultPyramidCuts, sizeof(DefaultPyramidCuts));
			cache->spec.names = (char *) DefaultPyramidNames;
			cache->spec.names_size = sizeof(DefaultPyramidNames);
		}
		return &cache->spec;
	}
	CheckNotNull(fcinfo, 2, "cut_points");
	cuts = PG_GETARG_ARRAYTYPE_P(2);
	if (PG_NARGS() > 3)
	{
		CheckNotNull(fcinfo, 3, "names");
		names = PG_GETARG_ARRAYTYPE_P(3);
	}
	initStringInfo(&key);
	appendBinaryStringInfo(&key, (char *) cuts, VARSIZE(cuts));
	if (names != NULL)
		appendBinaryStringInfo(&key, (char *) names, VARSIZE(names));
	if (cache->key != NULL && cache->key_len == key.len &&
		memcmp(cache->key, key.data, key.len) == 0)
		return &cache->spec;
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	SpecFromArrays(cuts, names, &parsed);
	if (cache->key != NULL)
	{
		pfree(cache->key);
		pfree(cache->spec.names);
	}
	cache->spec = parsed;
	cache->key = palloc(key.len);
	memcpy(cache->key, key.data, key.len);
	cache->key_len = key.len;
	MemoryContextSwitchTo(old);
	return &cache->spec;
}

/* crm.value_tier_fit transition: (value [, cut_points [, names]]) */
PG_FUNCTION_INFO_V1(value_tier_fit_trans);
Datum
value_tier_fit_trans(PG_FUNCTION_ARGS)
{
	const ValueSpec *spec = PyramidSpecArgument(fcinfo);
	ValueState *state = TransitionState(fcinfo, VALUE_KIND_PYRAMID, spec);

	return AddValueArgument(fcinfo, state);
}

/* The ABC spec of a row: classes A, B, C at cumulative value shares a_share, b_share, 1 */
static void
AbcSpecArgument(FunctionCallInfo fcinfo, ValueSpec *spec)
{
	float8		a = ABC_DEFAULT_A;
	float8		b = ABC_DEFAULT_B;

	if (PG_NARGS() > 3)
	{
		CheckNotNull(fcinfo, 2, "a_share");
		CheckNotNull(fcinfo, 3, "b_share");
		a = PG_GETARG_FLOAT8(2);
		b = PG_GETARG_FLOAT8(3);
		CheckFraction(a, "a_share");
		CheckFraction(b, "b_share");
		if (b <= a || b >= 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("ABC shares must satisfy 0 < a_share < b_share < 1, not a_share = %g and b_share = %g",
							a, b),
					 errhint("Class A holds the top customers up to a_share of the value, B up to b_share, C the rest (defaults 0.8 and 0.95).")));
	}
	spec->n_tiers = 3;
	spec->cuts[0] = a;
	spec->cuts[1] = b;
	spec->cuts[2] = 1;
	spec->names = (char *) AbcNames;
	spec->names_size = sizeof(AbcNames);
}

/* crm.abc_fit transition: (value [, a_share, b_share]) */
PG_FUNCTION_INFO_V1(abc_fit_trans);
Datum
abc_fit_trans(PG_FUNCTION_ARGS)
{
	ValueSpec	spec;
	ValueState *state;
	float8		value;

	AbcSpecArgument(fcinfo, &spec);
	state = TransitionState(fcinfo, VALUE_KIND_ABC, &spec);
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(state);
	value = PG_GETARG_FLOAT8(1);
	if (SkipNegativeValue(state, value))
		PG_RETURN_POINTER(state);
	PG_RETURN_POINTER(StateAddRow(state, &value));
}

/* crm.value_potential_fit transition: (value, potential); a customer needs both */
PG_FUNCTION_INFO_V1(value_potential_fit_trans);
Datum
value_potential_fit_trans(PG_FUNCTION_ARGS)
{
	ValueState *state = TransitionState(fcinfo, VALUE_KIND_POTENTIAL, NULL);
	float8		values[2];

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(state);
	values[0] = PG_GETARG_FLOAT8(1);
	values[1] = PG_GETARG_FLOAT8(2);
	CheckFinite(values[0], "value");
	CheckFinite(values[1], "potential");
	PG_RETURN_POINTER(StateAddRow(state, values));
}

/*
 * Combine (and the transition of the merge aggregates): add the runs of
 * the second state to the buffers of the first, which is changed in place
 * inside an aggregate; called directly, a new compact state
 */
PG_FUNCTION_INFO_V1(value_state_combine);
Datum
value_state_combine(PG_FUNCTION_ARGS)
{
	bool		in_aggregate = AggCheckCallContext(fcinfo, NULL) != 0;
	ValueState *a = DatumGetValueStateP(PG_GETARG_DATUM(0));
	ValueState *b = DatumGetValueStateP(PG_GETARG_DATUM(1));
	int64		n_rows = AddCounts(a->n_rows, b->n_rows, "customer count");
	int64		n_skipped = AddCounts(a->n_skipped, b->n_skipped, "skipped customer count");
	const CrmValueCount *runs[2];
	int32		n[2] = {0, 0};
	int32		room = 0;
	ValueSpec	spec;

	StateSpec(b, &spec);
	if (a->kind != b->kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge states of kinds %s and %s",
						ValueKindName(a->kind), ValueKindName(b->kind))));
	if (!StateMatches(a, b->kind, &spec))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge %s states with different cut points, shares or names",
						ValueKindName(a->kind))));
	for (int d = 0; d < b->dims; d++)
	{
		runs[d] = ValueStateRun(b, d, &n[d]);
		room = Max(room, n[d]);
	}
	if (!in_aggregate)
		a = StateFlush(a, room);
	else
		for (int d = 0; d < a->dims; d++)
			if (a->n_buffered[d] + (int64) n[d] > a->capacity)
			{
				a = StateFlush(a, room);
				break;
			}
	for (int d = 0; d < a->dims; d++)
	{
		memcpy(StateBufferPtr(a, d) + a->n_buffered[d], runs[d], sizeof(CrmValueCount) * n[d]);
		a->n_buffered[d] += n[d];
	}
	a->n_rows = n_rows;
	a->n_skipped = n_skipped;
	if (!in_aggregate)
		a = StateFlush(a, -1);
	PG_RETURN_POINTER(a);
}

/* Final function of crm.concentration_fit and crm.concentration_merge: compact, NULL without customers */
PG_FUNCTION_INFO_V1(concentration_final);
Datum
concentration_final(PG_FUNCTION_ARGS)
{
	ValueState *state = DatumGetValueStateP(PG_GETARG_DATUM(0));

	ValueNoticeSkipped(state, "concentration");
	if (state->n_rows == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(StateFlush(state, -1));
}

/* crm.value_fit_compact: a fit state with its buffers merged and no spare room */
PG_FUNCTION_INFO_V1(value_fit_compact);
Datum
value_fit_compact(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(StateFlush(DatumGetValueStateP(PG_GETARG_DATUM(0)), -1));
}

/* Why runs read from outside do not make a state of a kind with n_rows customers, or NULL */
static const char *
RunsProblem(uint8 kind, CrmValueCount *const *runs, const int32 *n_distinct, int64 n_rows)
{
	for (int d = 0; d < KindDims(kind); d++)
	{
		const char *problem = CrmRunProblem(runs[d], n_distinct[d], n_rows,
											kind != VALUE_KIND_POTENTIAL);

		if (problem != NULL)
			return problem;
	}
	return NULL;
}

/* The kind named in text, or 0 */
static uint8
KindByName(const char *name)
{
	for (uint8 kind = VALUE_KIND_CONCENTRATION; kind <= VALUE_KIND_POTENTIAL; kind++)
		if (strcmp(name, ValueKindName(kind)) == 0)
			return kind;
	return 0;
}

/* The name of a state's type */
static const char *
StateTypeName(bool concentration)
{
	return concentration ? "crm.concentration" : "crm.value_fit_state";
}

/* A state read from its text form (crm.concentration, or a fit state) */
static ValueState *
StateFromText(const char *input, bool concentration)
{
	CrmReader	r = CrmReaderStart(StateTypeName(concentration), input);
	uint8		kind = VALUE_KIND_CONCENTRATION;
	ValueSpec	spec = {0};
	CrmValueCount *runs[2] = {NULL, NULL};
	int32		n_distinct[2] = {0, 0};
	int64		n_rows;
	int64		n_skipped = 0;
	const char *problem;
	ValueState *state;

	CrmExpectVersion(&r, VALUE_STATE_VERSION);
	if (!concentration)
	{
		CrmExpectKey(&r, "kind");
		kind = KindByName(CrmReadWord(&r));
		if (kind == 0 || kind == VALUE_KIND_CONCENTRATION)
			CrmReadError(&r, "kind must be pyramid, abc or potential");
	}
	n_rows = CrmReadKeyCount(&r, "n");
	if (kind != VALUE_KIND_POTENTIAL && CrmReadLiteral(&r, " skipped="))
	{
		n_skipped = CrmReadCount(&r);
		if (n_skipped == 0)
			CrmReadError(&r, "skipped is given only when above 0");
	}
	if (KindHasTiers(kind))
	{
		int			n_cuts;
		int			n_names;
		float8	   *cuts = CrmReadFloat8List(&r, "cuts", &n_cuts);

		spec.names = CrmReadNames(&r, "names", &n_names, &spec.names_size);
		spec.n_tiers = n_cuts;
		if (n_cuts >= VALUE_MIN_TIERS && n_cuts <= VALUE_MAX_TIERS)
			memcpy(spec.cuts, cuts, sizeof(float8) * n_cuts);
		problem = ValueSpecProblem(&spec);
		if (problem == NULL && n_names != n_cuts)
			problem = "there must be one name per tier";
		if (problem != NULL)
			CrmReadError(&r, problem);
	}
	runs[0] = CrmReadRun(&r, "values", &n_distinct[0]);
	if (kind == VALUE_KIND_POTENTIAL)
		runs[1] = CrmReadRun(&r, "potentials", &n_distinct[1]);
	CrmReadEnd(&r);
	CrmReadCheck(&r, RunsProblem(kind, runs, n_distinct, n_rows));
	state = StateBuild(kind, KindHasTiers(kind) ? &spec : NULL, n_rows,
					   (const CrmValueCount *const *) runs, n_distinct, 0);
	state->n_skipped = n_skipped;
	return state;
}

/* The text form of a state (the runs with the buffers merged in) */
static char *
StateToText(const ValueState *state)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", state->version);
	if (state->kind != VALUE_KIND_CONCENTRATION)
		appendStringInfo(&buf, " kind=%s", ValueKindName(state->kind));
	appendStringInfo(&buf, " n=" INT64_FORMAT, state->n_rows);
	if (state->n_skipped > 0)
		appendStringInfo(&buf, " skipped=" INT64_FORMAT, state->n_skipped);
	if (state->n_tiers > 0)
	{
		CrmAppendFloat8List(&buf, "cuts", ValueStateCuts(state), state->n_tiers);
		CrmAppendNames(&buf, "names", ValueStateNames(state), state->n_tiers);
	}
	for (int d = 0; d < state->dims; d++)
	{
		int32		n;
		const CrmValueCount *run = ValueStateRun(state, d, &n);

		CrmAppendRun(&buf, d == 0 ? "values" : "potentials", run, n);
	}
	return buf.data;
}

/* Parse the text form of crm.concentration */
PG_FUNCTION_INFO_V1(concentration_in);
Datum
concentration_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(StateFromText(PG_GETARG_CSTRING(0), true));
}

/* Text form of crm.concentration: v1 n=N values={value:count,...} */
PG_FUNCTION_INFO_V1(concentration_out);
Datum
concentration_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(StateToText(DatumGetValueStateP(PG_GETARG_DATUM(0))));
}

/* Parse the text form of crm.value_fit_state */
PG_FUNCTION_INFO_V1(value_fit_state_in);
Datum
value_fit_state_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(StateFromText(PG_GETARG_CSTRING(0), false));
}

/* Text form of crm.value_fit_state: v1 kind=K n=N [cuts={...} names={...}] values={...} [potentials={...}] */
PG_FUNCTION_INFO_V1(value_fit_state_out);
Datum
value_fit_state_out(PG_FUNCTION_ARGS)
{
	PG_RETURN_CSTRING(StateToText(DatumGetValueStateP(PG_GETARG_DATUM(0))));
}

/* The binary form of a state: kind, n, the spec, then each run */
static bytea *
StateSend(const ValueState *state)
{
	StringInfoData buf;
	const char *names = ValueStateNames(state);

	/* version 1 without skipped customers, 2 with their count after n */
	pq_begintypsend(&buf);
	pq_sendint8(&buf, state->n_skipped > 0 ? 2 : 1);
	pq_sendint8(&buf, state->kind);
	pq_sendint64(&buf, state->n_rows);
	if (state->n_skipped > 0)
		pq_sendint64(&buf, state->n_skipped);
	pq_sendint8(&buf, state->n_tiers);
	for (int i = 0; i < state->n_tiers; i++)
		pq_sendfloat8(&buf, ValueStateCuts(state)[i]);
	for (int i = 0; i < state->n_tiers; i++)
	{
		pq_sendstring(&buf, names);
		names += strlen(names) + 1;
	}
	for (int d = 0; d < state->dims; d++)
	{
		int32		n;
		const CrmValueCount *run = ValueStateRun(state, d, &n);

		CrmSendRun(&buf, run, n);
	}
	return pq_endtypsend(&buf);
}

/* A state read from its binary form */
static ValueState *
StateRecv(StringInfo buf, bool concentration)
{
	const char *type_name = StateTypeName(concentration);
	uint8		version = (uint8) pq_getmsgint(buf, 1);
	uint8		kind = (uint8) pq_getmsgint(buf, 1);
	int64		n_rows = pq_getmsgint64(buf);
	int64		n_skipped = version == 2 ? pq_getmsgint64(buf) : 0;
	ValueSpec	spec = {0};
	CrmValueCount *runs[2] = {NULL, NULL};
	int32		n_distinct[2] = {0, 0};
	const char *problem;
	StringInfoData names;
	ValueState *state;

	if ((version != 1 && version != 2) || ValueKindName(kind) == NULL || n_rows < 0 ||
		(kind == VALUE_KIND_CONCENTRATION) != concentration)
		CrmBinaryError(type_name, "invalid version, kind or n");
	if (version == 2 && (n_skipped <= 0 || kind == VALUE_KIND_POTENTIAL))
		CrmBinaryError(type_name, "invalid skipped count");
	spec.n_tiers = (uint8) pq_getmsgint(buf, 1);
	if (KindHasTiers(kind) != (spec.n_tiers > 0) || spec.n_tiers > VALUE_MAX_TIERS)
		CrmBinaryError(type_name, "invalid number of tiers");
	for (int i = 0; i < spec.n_tiers; i++)
		spec.cuts[i] = pq_getmsgfloat8(buf);
	initStringInfo(&names);
	for (int i = 0; i < spec.n_tiers; i++)
	{
		const char *name = pq_getmsgstring(buf);

		/* each name with its terminator */
		appendBinaryStringInfo(&names, name, strlen(name) + 1);
	}
	spec.names = names.data;
	spec.names_size = names.len;
	for (int d = 0; d < KindDims(kind); d++)
		runs[d] = CrmRecvRun(buf, type_name, &n_distinct[d]);
	problem = KindHasTiers(kind) ? ValueSpecProblem(&spec) : NULL;
	if (problem == NULL)
		problem = RunsProblem(kind, runs, n_distinct, n_rows);
	if (problem != NULL)
		CrmBinaryError(type_name, problem);
	state = StateBuild(kind, KindHasTiers(kind) ? &spec : NULL, n_rows,
					   (const CrmValueCount *const *) runs, n_distinct, 0);
	state->n_skipped = n_skipped;
	return state;
}

/* Binary form of crm.concentration */
PG_FUNCTION_INFO_V1(concentration_send);
Datum
concentration_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(StateSend(DatumGetValueStateP(PG_GETARG_DATUM(0))));
}

/* Read the binary form of crm.concentration */
PG_FUNCTION_INFO_V1(concentration_recv);
Datum
concentration_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(StateRecv((StringInfo) PG_GETARG_POINTER(0), true));
}

/* Binary form of crm.value_fit_state */
PG_FUNCTION_INFO_V1(value_fit_state_send);
Datum
value_fit_state_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(StateSend(DatumGetValueStateP(PG_GETARG_DATUM(0))));
}

/* Read the binary form of crm.value_fit_state */
PG_FUNCTION_INFO_V1(value_fit_state_recv);
Datum
value_fit_state_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(StateRecv((StringInfo) PG_GETARG_POINTER(0), false));
}
