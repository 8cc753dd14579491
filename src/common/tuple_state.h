/*
 * tuple_state.h
 *		The exact, mergeable state of the aggregates that fit on distinct
 *		input tuples with counts (SQL type crm.clv_fit_state): the
 *		probabilistic models of src/clv and Kaplan-Meier (src/retention).
 *		The state itself does not know what is fitted on it; its shape says
 *		what its tuples are, and each domain writes the transitions that
 *		check and add its rows (src/clv/clv_fit_trans.c, survival.c).
 */
#ifndef CRM_TUPLE_STATE_H
#define CRM_TUPLE_STATE_H

#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "covariate_spec.h"
#include "time_unit.h"

#define TUPLE_STATE_VERSION 1

#ifndef HAVE_INT128
#error "crm needs a 128-bit integer type (the exact sums of the fit state)"
#endif

/* Fractional bits of the fixed-point sum of litt in a state */
#define TUPLE_LITT_BITS 40

/* What the rows of a tuple state are (stored in the state: never renumber) */
typedef enum TupleShape
{
	TUPLE_SHAPE_PURCHASES = 3,	/* (x, t_x, T): frequency, recency, age */
	TUPLE_SHAPE_SPEND = 2,		/* (x, m): frequency, mean spend per purchase */
	TUPLE_SHAPE_OPPORTUNITIES = 4,	/* (x, t_x, n): purchases, last purchase,
									 * opportunities (whole numbers) */
	TUPLE_SHAPE_TENURES = 5,	/* (tenure, churned 0/1): contract periods */
	TUPLE_SHAPE_DURATIONS = 6	/* (duration, event 0/1): survival times */
} TupleShape;

/* One distinct input tuple of a state and its total weight */
typedef struct WeightedTuple
{
	float8		v[3];			/* x, t_x, T (purchases), x, t_x, n
								 * (opportunities), x, m, 0 (spend) or
								 * tenure, churned, 0 (tenures) or
								 * duration, event, 0 (durations) */
	int64		count;			/* total weight of rows with these values */
} WeightedTuple;

/* Most values per tuple: (x, t_x, T) and 32 covariates */
#define TUPLE_MAX_WIDTH (3 + 2 * COVARIATE_MAX_PER_PROCESS)

/*
 * A tuple state: a sorted run of distinct tuples with counts plus a buffer
 * of raw tuples, sorted and merged into the run when it fills.  Memory: 32
 * bytes per distinct tuple, plus the buffer (at most max(1024, distinct
 * tuples) entries of 32 bytes).  Exact: merged partial states hold the
 * same tuples as one state over all rows.
 *
 * A state of a fit with customer covariates (purchases only) records the
 * covariate spec (covariate_spec.h) right after the header, and its tuples
 * are records of width values, (x, t_x, T, z_life..., z_trans...), each
 * followed by its count: (width + 1) x 8 bytes per tuple.  A state without
 * covariates is the same with width 3 (a WeightedTuple per tuple; width and
 * spec_size 0, as in states made before covariates).
 */
typedef struct TupleState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* TUPLE_STATE_VERSION */
	uint8		shape;			/* TupleShape */
	uint8		has_penalizer;	/* 1 if a row set the penalizer */
	uint8		has_unit;		/* 1 if the rows gave their time unit */
	int32		n_distinct;		/* tuples in the sorted run */
	int32		n_buffered;		/* tuples in the buffer */
	int32		buffer_capacity;	/* tuples the buffer can hold */
	int64		n_rows;			/* total weight accumulated (run + buffer) */
	float8		penalizer;		/* L2 penalty coefficient (0 if not set) */
	TimeUnit	unit;			/* time unit of the rows (zero if not set) */
	uint8		has_litt;		/* 1 if the rows gave their litt (the
								 * regularity fits; tuple_state_litt.c) */
	uint8		width;			/* values per tuple of a state with
								 * covariates (3 + their number); 0 without
								 * (then 3) */
	uint16		spec_size;		/* bytes of its covariate spec after the
								 * header (MAXALIGNed); 0 without */
	int128		litt;			/* sum of weight x litt over the rows, in
								 * units of 2^-TUPLE_LITT_BITS (0 if not set) */
	/* followed by the covariate spec (if any), the run, then the buffer */
} TupleState;

/* An aggregate's state while rows are added (opaque; see tuple_state.c) */
typedef struct ExpandedTupleState ExpandedTupleState;

/* Lexicographic order of the values of two tuples */
static inline int
TupleCompareValues(const WeightedTuple *a, const WeightedTuple *b)
{
	for (int i = 0; i < 3; i++)
	{
		if (a->v[i] < b->v[i])
			return -1;
		if (a->v[i] > b->v[i])
			return 1;
	}
	return 0;
}

/*
 * Lexicographic order of the values of two records of width values (a
 * state's tuples with covariates)
 */
static inline int
TupleCompareRecords(const float8 *a, const float8 *b, int width)
{
	for (int i = 0; i < width; i++)
	{
		if (a[i] < b[i])
			return -1;
		if (a[i] > b[i])
			return 1;
	}
	return 0;
}

/* The count of a record of width values (an int64 in the slot after them) */
static inline int64
TupleRecordCount(const float8 *record, int width)
{
	int64		count;

	memcpy(&count, record + width, sizeof(int64));
	return count;
}

/* Set the count of a record of width values */
static inline void
TupleRecordSetCount(float8 *record, int width, int64 count)
{
	memcpy(record + width, &count, sizeof(int64));
}

/* Values per tuple of a shape (2 or 3) */
extern int	TupleShapeWidth(TupleShape shape);

/* Values per stored tuple of a state: 3, or 3 + its covariates */
static inline int
TupleStateWidth(const TupleState *state)
{
	return state->width == 0 ? 3 : state->width;
}

/*
 * Runs of records of width values and a count each (tuple_records.c): sort
 * n records and add up the counts of equal ones in place (returns how many
 * remain); merge two sorted runs of distinct records into out (returns its
 * length); merge a sorted run held elsewhere (other, nb) into the sorted run
 * at the start of run (na), which has room for na + nb (returns the merged
 * length).  Counts that would pass 2^63 - 1 raise 22003.
 */
extern int32 TupleSortAndCollapse(float8 *records, int32 n, int width);
extern int32 TupleMergeRuns(const float8 *a, int32 na, const float8 *b, int32 nb, float8 *out,
							int width);
extern int32 TupleMergeRunInPlace(float8 *run, int32 na, const float8 *other, int32 nb,
								  int width);

/* The covariate spec of a state with covariates, or NULL */
extern const CovariateSpec *TupleStateCovariates(const TupleState *state);

/*
 * A new state with covariates (spec) holding a sorted run of n_distinct
 * records of 3 + the spec's covariates values (each followed by its count)
 * and an empty buffer of the given capacity
 */
extern TupleState *TupleStateBuildCovariates(uint8 shape, int64 n_rows,
											 const CovariateSpec *spec, const float8 *run,
											 int32 n_distinct, int32 buffer_capacity);

/*
 * The sorted, distinct tuples of any state as records (palloc'd): width
 * values then the count each; *n gets their number
 */
extern float8 *TupleStateRecords(const TupleState *state, int32 *n);

/* Name of a shape in the text form (purchases, spend, ...), NULL if none */
extern const char *TupleShapeName(uint8 shape);

/* The shape named in the text form, or 0 */
extern uint8 TupleShapeOfName(const char *name);

/* A new state holding a sorted run and an empty buffer of the given capacity */
extern TupleState *TupleStateBuild(uint8 shape, int64 n_rows, bool has_penalizer,
								   float8 penalizer, const WeightedTuple *run,
								   int32 n_distinct, int32 buffer_capacity);

/* The state of a datum for reading (not copied when it is an expanded one) */
extern TupleState *TupleStateOfDatum(Datum datum);

/* The state in argument argno, checked to have the given shape (22023) */
extern TupleState *TupleStateArg(FunctionCallInfo fcinfo, int argno, TupleShape shape);

/*
 * The sorted, distinct tuples of a state without covariates (palloc'd); *n
 * gets their number
 */
extern WeightedTuple *TupleStateTuples(const TupleState *state, int32 *n);

/*
 * The distinct values of column col of tuples (palloc'd, in order of first
 * appearance; *n gets their number) and, in index[j], the position of tuple
 * j's value among them; NULL when there are more than limit distinct values
 */
extern float8 *TupleColumnIndex(const WeightedTuple *tuples, int32 n_tuples, int col,
								int32 limit, int32 *n, int32 *index);

/*
 * A transition function adds its row in three steps:
 *
 *	state = TupleTransitionState(fcinfo, shape, ..., &expanded);
 *	... check the row; return TupleTransitionResult(expanded, state) to skip it
 *	state = TupleStateAdd(fcinfo, state, v, weight);
 *	return TupleTransitionResult(expanded, state);
 *
 * TupleTransitionState gives the state of argument 0 (or a new one),
 * checked to take rows of the shape, penalizer and unit (NULL: none); in an
 * aggregate it is an expanded state that grows in place.
 */
extern TupleState *TupleTransitionState(FunctionCallInfo fcinfo, uint8 shape,
										bool has_penalizer, float8 penalizer,
										const TimeUnit *unit,
										ExpandedTupleState **expanded);

/*
 * The same for a fit with covariates: the state takes the rows of spec
 * (22023 if it has another spec, or none)
 */
extern TupleState *TupleTransitionStateCovariates(FunctionCallInfo fcinfo, uint8 shape,
												  const CovariateSpec *spec,
												  const TimeUnit *unit,
												  ExpandedTupleState **expanded);

/*
 * Add a tuple of values (the state's width of them) with a weight (> 0);
 * returns the state (it may move)
 */
extern TupleState *TupleStateAdd(FunctionCallInfo fcinfo, TupleState *state,
								 const float8 *v, int64 weight);

/* The datum a transition returns: the expanded state, or the flat one */
extern Datum TupleTransitionResult(ExpandedTupleState *expanded, TupleState *state);

/* The weight argument (argno) of a row: a non-negative whole number (22023) */
extern int64 TupleWeightArg(FunctionCallInfo fcinfo, int argno);

/* The penalizer argument (argno): finite and >= 0 (22023; 22004 if NULL) */
extern float8 TuplePenalizerArg(FunctionCallInfo fcinfo, int argno);

/* The unit argument (argno) of a row: a positive time unit (22023) */
extern void TupleUnitArg(FunctionCallInfo fcinfo, int argno, TimeUnit *unit);

/*
 * litt, the sum of a customer's log inter-purchase times (tuple_state_litt.c):
 * the regularity fits add weight x litt of each row to the state, exactly
 * (fixed point, so the sum does not depend on the order of the rows or of
 * merges).  A state holds litt for all its rows or for none.
 */

/* Add weight x litt of a row to a state (22003 beyond the 128-bit sum) */
extern void TupleStateAddLitt(TupleState *state, float8 litt, int64 weight);

/* The sum of weight x litt of a state as a float8 */
extern float8 TupleStateLitt(const TupleState *state);

/*
 * The litt of the merge of a and b into result: 22023 when one has litt and
 * the other, with rows, has not; else the sum (22003 on overflow)
 */
extern void TupleMergeLitt(TupleState *result, const TupleState *a, const TupleState *b);

/* Append " litt=Np-40" (the exact fixed-point sum) when the state has litt */
extern void TupleAppendLitt(StringInfo buf, const TupleState *state);

/* Parse the digits of "Np-40" after " litt=" into *litt; false if malformed */
extern bool TupleParseLitt(const char **p, int128 *litt);

/* Why a state's litt cannot be that of its tuples, or NULL */
extern const char *TupleLittProblem(const TupleState *state, const WeightedTuple *tuples,
									int32 n);

#endif							/* CRM_TUPLE_STATE_H */
