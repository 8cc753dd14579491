/*
 * value.h
 *		Customer value: the exact, mergeable distribution of customer values
 *		(crm.concentration, crm.value_fit_state), the tier models fitted on it
 *		(crm.value_tier_model: the customer pyramid and ABC classes).
 *
 * Every value type is exact: a distribution is the sorted distinct values
 * with their counts (16 bytes per distinct value and dimension), so states
 * merged from partitions, shards or parallel workers give the same results
 * as one pass over all rows.
 */
#ifndef CRM_VALUE_H
#define CRM_VALUE_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#include "crm_io.h"

#define VALUE_STATE_VERSION 1
#define VALUE_TIER_MODEL_VERSION 1
/* Fewest and most tiers of a pyramid or classes of an ABC model */
#define VALUE_MIN_TIERS 2
#define VALUE_MAX_TIERS 100

/* What a distribution state is accumulated for */
typedef enum ValueKind
{
	VALUE_KIND_CONCENTRATION = 1,	/* crm.concentration: values only */
	VALUE_KIND_PYRAMID = 2,		/* tiers cut by shares of customers */
	VALUE_KIND_ABC = 3,			/* classes cut by shares of total value */
	VALUE_KIND_POTENTIAL = 4	/* (value, potential): two dimensions */
} ValueKind;

/*
 * The tiers a pyramid or ABC fit cuts the customers into: k cumulative
 * shares from the top (strictly increasing, in (0, 1], the last 1) and k
 * names, NUL-terminated one after the other.
 */
typedef struct ValueSpec
{
	int			n_tiers;		/* k, 0 for kinds without tiers */
	float8		cuts[VALUE_MAX_TIERS];	/* cumulative shares, top first */
	int32		names_size;		/* bytes of names, terminators included */
	char	   *names;			/* the k names, top tier first */
} ValueSpec;

/*
 * A distribution state (crm.concentration and crm.value_fit_state): per
 * dimension a sorted run of distinct values with counts, plus a buffer of
 * (value, count) entries that is sorted and merged into the run when it
 * fills.  Layout after the header: the spec's cut points (float8[n_tiers]),
 * the runs (dimension 0, then 1), the buffers (capacity entries each), then
 * the spec's names.  Memory: 16 bytes per distinct value and dimension,
 * plus the buffer (at most max(1024, distinct values) entries of 16 bytes
 * per dimension while aggregating; none in a stored value).
 */
typedef struct ValueState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* VALUE_STATE_VERSION */
	uint8		kind;			/* ValueKind */
	uint8		dims;			/* dimensions: 1, or 2 for (value, potential) */
	uint8		n_tiers;		/* tiers of the spec, 0 if none */
	int32		names_size;		/* bytes of the spec's names, 0 if none */
	int32		capacity;		/* buffer entries per dimension */
	int32		n_distinct[2];	/* entries in the run of each dimension */
	int32		n_buffered[2];	/* entries in the buffer of each dimension */
	int64		n_rows;			/* customers accumulated (runs + buffers) */
	int64		n_skipped;		/* customers left out: a negative value
								 * (concentration, pyramid, ABC) */
} ValueState;

#define DatumGetValueStateP(d)	((ValueState *) PG_DETOAST_DATUM(d))

/*
 * A fitted pyramid or ABC model: the spec it was fitted with and, per tier,
 * the value threshold (the smallest value that enters the tier; ties go to
 * the higher tier), the customers and the value it held in the fit.
 * Layout after the header: cuts, thresholds (float8[k]), customers
 * (int64[k]), values (float8[k]), names.
 */
typedef struct ValueTierModel
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* VALUE_TIER_MODEL_VERSION */
	uint8		kind;			/* VALUE_KIND_PYRAMID or VALUE_KIND_ABC */
	uint8		n_tiers;		/* k */
	uint8		reserved;		/* must be zero */
	int32		names_size;		/* bytes of the names, terminators included */
	int32		reserved2;		/* must be zero */
	int64		n;				/* customers fitted on */
	float8		total;			/* their total value */
} ValueTierModel;

#define DatumGetValueTierModelP(d)	((ValueTierModel *) PG_DETOAST_DATUM(d))

/* One NOTICE with the customers a fit left out (negative values), if any */
extern void ValueNoticeSkipped(const ValueState *state, const char *what);

/* Raise 22000/22023 unless a fraction is finite and in (0, 1]; what names it */
extern void CheckFraction(float8 fraction, const char *what);

/* Name of a kind in text forms ("concentration", "pyramid", "abc", "potential") */
extern const char *ValueKindName(uint8 kind);

/* Why a spec is not a valid set of tiers, or NULL */
extern const char *ValueSpecProblem(const ValueSpec *spec);

/* The i-th name (0-based) of k NUL-terminated names */
extern const char *ValueNameAt(const char *names, int i);

/* The cut points of a state (float8[n_tiers]) */
extern float8 *ValueStateCuts(const ValueState *state);

/* The names of a state's spec */
extern char *ValueStateNames(const ValueState *state);

/*
 * The sorted distinct values of dimension d of a state, with the buffer
 * merged in; *n gets their number.  Read only: it may be the state's own run.
 */
extern const CrmValueCount *ValueStateRun(const ValueState *state, int d, int32 *n);

/*
 * Sum of values with Neumaier's compensation: add with ValueSumAdd, read
 * with ValueSumTotal
 */
typedef struct ValueSum
{
	float8		sum;			/* running sum */
	float8		compensation;	/* lost low-order bits */
} ValueSum;

/* Add x to a compensated sum */
static inline void
ValueSumAdd(ValueSum *s, float8 x)
{
	float8		t = s->sum + x;

	if (fabs(s->sum) >= fabs(x))
		s->compensation += (s->sum - t) + x;
	else
		s->compensation += (x - t) + s->sum;
	s->sum = t;
}

/* The value of a compensated sum */
static inline float8
ValueSumTotal(const ValueSum *s)
{
	return s->sum + s->compensation;
}

#endif							/* CRM_VALUE_H */
