/*
 * tuple_rows.c
 *		What the tuple state (tuple_state.h) knows about its rows besides the
 *		state itself: the shapes and their names in the text form, the
 *		arguments a transition reads from a row (weight, penalizer, unit),
 *		and the per-column index of distinct values the fits use to evaluate
 *		a term once per value.
 */
#include "crm.h"
#include "tuple_state.h"

#include <math.h>

#include "utils/timestamp.h"

/* Values per tuple of a shape (2 or 3) */
int
TupleShapeWidth(TupleShape shape)
{
	return shape == TUPLE_SHAPE_SPEND || shape == TUPLE_SHAPE_TENURES ||
		shape == TUPLE_SHAPE_DURATIONS ? 2 : 3;
}

/* Name of a shape in the text form */
const char *
TupleShapeName(uint8 shape)
{
	switch (shape)
	{
		case TUPLE_SHAPE_PURCHASES:
			return "purchases";
		case TUPLE_SHAPE_OPPORTUNITIES:
			return "opportunities";
		case TUPLE_SHAPE_TENURES:
			return "tenures";
		case TUPLE_SHAPE_SPEND:
			return "spend";
		case TUPLE_SHAPE_DURATIONS:
			return "durations";
		default:
			return NULL;
	}
}

/* The shape named in the text form, or 0 */
uint8
TupleShapeOfName(const char *name)
{
	if (strcmp(name, "purchases") == 0)
		return TUPLE_SHAPE_PURCHASES;
	if (strcmp(name, "opportunities") == 0)
		return TUPLE_SHAPE_OPPORTUNITIES;
	if (strcmp(name, "spend") == 0)
		return TUPLE_SHAPE_SPEND;
	if (strcmp(name, "tenures") == 0)
		return TUPLE_SHAPE_TENURES;
	if (strcmp(name, "durations") == 0)
		return TUPLE_SHAPE_DURATIONS;
	return 0;
}

/* A 64-bit mix of a value's bits for the open-addressing table of TupleColumnIndex */
static inline uint64
MixBits(float8 value)
{
	uint64		bits;

	memcpy(&bits, &value, sizeof(bits));
	bits ^= bits >> 33;
	bits *= UINT64CONST(0xff51afd7ed558ccd);
	bits ^= bits >> 33;
	bits *= UINT64CONST(0xc4ceb9fe1a85ec53);
	bits ^= bits >> 33;
	return bits;
}

/*
 * The distinct values of column col of the tuples (palloc'd, in order of
 * first appearance; *n gets their number), and in index[j] the position of
 * tuple j's value among them; one pass with an open-addressing table.
 * Returns NULL (and *n = 0) as soon as there are more than limit distinct
 * values: then a per-value cache would be no smaller than the tuples.
 * Values are compared with ==, so -0 and +0 (normalized on input) and equal
 * values share an entry.
 */
float8 *
TupleColumnIndex(const WeightedTuple *tuples, int32 n_tuples, int col, int32 limit,
				 int32 *n, int32 *index)
{
	int32		most = Max(Min(limit, n_tuples), 1);
	uint32		size = 16;
	uint32		mask;
	int32	   *slots;
	float8	   *values = (float8 *) palloc(sizeof(float8) * most);
	int32		distinct = 0;

	while (size < 2 * (uint32) most)
		size <<= 1;
	mask = size - 1;
	slots = (int32 *) palloc(sizeof(int32) * size);
	memset(slots, -1, sizeof(int32) * size);
	for (int32 j = 0; j < n_tuples; j++)
	{
		float8		value = tuples[j].v[col];
		uint32		h = (uint32) MixBits(value) & mask;

		while (slots[h] >= 0 && values[slots[h]] != value)
			h = (h + 1) & mask;
		if (slots[h] < 0)
		{
			if (distinct >= most)
			{
				pfree(slots);
				pfree(values);
				*n = 0;
				return NULL;
			}
			values[distinct] = value;
			slots[h] = distinct++;
		}
		index[j] = slots[h];
	}
	pfree(slots);
	*n = distinct;
	return values;
}

/* The weight of a row (argument argno): a non-negative whole number */
int64
TupleWeightArg(FunctionCallInfo fcinfo, int argno)
{
	int64		weight = PG_GETARG_INT64(argno);

	if (weight < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weight must not be negative, not " INT64_FORMAT, weight)));
	return weight;
}

/* The penalizer argument (argno): finite and >= 0 */
float8
TuplePenalizerArg(FunctionCallInfo fcinfo, int argno)
{
	float8		penalizer;

	CheckNotNull(fcinfo, argno, "penalizer");
	penalizer = PG_GETARG_FLOAT8(argno);
	if (isnan(penalizer) || isinf(penalizer) || penalizer < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("penalizer must be a finite number >= 0, not %g", penalizer)));
	return penalizer;
}

/* The unit argument (argno) of a fit transition: a positive time unit */
void
TupleUnitArg(FunctionCallInfo fcinfo, int argno, TimeUnit *unit)
{
	CheckNotNull(fcinfo, argno, "unit");
	TimeUnitFromInterval(PG_GETARG_INTERVAL_P(argno), unit);
}
