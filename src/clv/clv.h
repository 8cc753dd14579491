/*
 * clv.h
 *		Probabilistic customer-base models (BG/NBD, MBG/NBD, Gamma-Gamma, ...):
 *		the model value shared by all their SQL types, the exact mergeable
 *		fit state (distinct input tuples with counts), and the input checks
 *		every fit and prediction applies.  What each model kind does (fit,
 *		predictions) is its table of operations: see clv_ops.h.
 */
#ifndef CRM_CLV_H
#define CRM_CLV_H

#include "postgres.h"

#include "fmgr.h"
#include "datatype/timestamp.h"
#include "time_unit.h"

#define CLV_MODEL_VERSION 2
#define CLV_FIT_STATE_VERSION 1
#define CLV_MAX_PARAMS 4

/* Which model a model value holds: one per line of clv_kinds.h */
typedef enum ClvModelKind
{
#define CLV_KIND(name, number, ops) name = number,
#include "clv_kinds.h"
#undef CLV_KIND
} ClvModelKind;

/* What the rows of a fit state are */
typedef enum ClvFitShape
{
	CLV_SHAPE_PURCHASES = 3,	/* (x, t_x, T): frequency, recency, age */
	CLV_SHAPE_SPEND = 2,		/* (x, m): frequency, mean spend per purchase */
	CLV_SHAPE_OPPORTUNITIES = 4,	/* (x, t_x, n): purchases, last purchase,
									 * opportunities (whole numbers) */
	CLV_SHAPE_TENURES = 5,		/* (tenure, churned 0/1): contract periods */
	CLV_SHAPE_DURATIONS = 6		/* (duration, event 0/1): survival times */
} ClvFitShape;

/* Flags of a model value */
#define CLV_FLAG_FITTED		0x01	/* estimated from data (ll, n, ... valid) */
#define CLV_FLAG_CONVERGED	0x02	/* the optimizer met its stopping rule */
#define CLV_FLAG_HAS_SE		0x04	/* standard errors are available */
#define CLV_FLAG_HAS_UNIT	0x08	/* unit holds the time unit of t_x, T */
#define CLV_FLAG_ACCEPTED	0x10	/* scoring allowed although not converged */
#define CLV_FLAG_MASK		0x1F

/*
 * A model value: parameters on their natural scale and, for fitted models,
 * the fit's log-likelihood, size, iterations, convergence and standard
 * errors.  Fixed size; a varlena so that later versions can grow.
 */
typedef struct ClvModel
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* CLV_MODEL_VERSION */
	uint8		kind;			/* ClvModelKind */
	uint8		flags;			/* CLV_FLAG_* */
	uint8		reserved;		/* must be zero */
	int32		iterations;		/* optimizer iterations (0 if given) */
	int64		n;				/* customers fitted on (sum of weights) */
	float8		ll;				/* total log-likelihood at params (NaN if
								 * given) */
	float8		penalizer;		/* L2 penalty coefficient used (0 = none) */
	float8		params[CLV_MAX_PARAMS]; /* the parameters, unused ones 0 */
	float8		se[CLV_MAX_PARAMS]; /* their standard errors (NaN if none) */
	/* version 2 */
	int64		skipped;		/* customers the fit could not use (0 if
								 * given) */
	TimeUnit	unit;			/* time unit (all zero unless HAS_UNIT) */
} ClvModel;

/* Size of a version 1 model value (no skipped count, no unit) */
#define CLV_MODEL_V1_SIZE offsetof(ClvModel, skipped)

/* The model value of a datum (detoasted; a version 1 value is converted) */
extern ClvModel *ClvModelOfDatum(Datum datum);

#define DatumGetClvModelP(d)	ClvModelOfDatum(d)

/* Static description of a model kind */
typedef struct ClvModelSpec
{
	ClvModelKind kind;			/* the kind */
	const char *type_name;		/* SQL type, e.g. "crm.bgnbd" */
	const char *title;			/* readable name, e.g. "BG/NBD" */
	ClvFitShape shape;			/* rows it is fitted on */
	int			n_params;		/* number of parameters */
	const char *param_names[CLV_MAX_PARAMS];	/* as in the papers */
} ClvModelSpec;

/* The description of a kind */
extern const ClvModelSpec *ClvSpec(ClvModelKind kind);

/*
 * The model in argument argno of a prediction, checked to be of the given
 * kind and usable for scoring (see ClvCheckScorable)
 */
extern ClvModel *ClvGetModel(FunctionCallInfo fcinfo, int argno, ClvModelKind kind);

/*
 * Raise 22023 when a fitted model that did not converge is used to score,
 * unless it was accepted with crm.accept_unconverged
 */
extern void ClvCheckScorable(const ClvModel *model);

/* A new model value of a kind, all fields empty (parameters 0, no fit) */
extern ClvModel *ClvModelAlloc(ClvModelKind kind);

/* A new model value of a kind with the given parameters (checked > 0, finite) */
extern ClvModel *ClvModelFromParams(ClvModelKind kind, const float8 *params);

/* Raise 22000 unless (x, t_x, T) is a valid purchase summary */
extern void ClvCheckTriple(float8 x, float8 t_x, float8 T);

/* Raise 22000 unless (x, m) is a valid frequency and mean spend (m > 0 when x > 0) */
extern void ClvCheckSpend(float8 x, float8 m);

/* Raise 22000 unless (x, t_x, n) is a valid discrete-opportunity summary */
extern void ClvCheckOpportunities(float8 x, float8 t_x, float8 n);

/* Raise 22000 unless a tenure is a whole number of periods between 1 and 1000000 */
extern void ClvCheckTenure(float8 tenure);

/* Raise 22000 unless a survival duration is finite and >= 0 */
extern void ClvCheckDuration(float8 duration);

/* Raise 22000 unless x is a non-negative whole number */
extern void ClvCheckFrequency(float8 x);

/*
 * Raise 22000 unless v holds a valid customer of the shape: (x, t_x, T),
 * (x, t_x, n), (x, m), (tenure, churned) or (duration, event)
 */
extern void ClvCheckCustomer(ClvFitShape shape, const float8 *v);

/* Raise 22023 unless n_future is a whole number of opportunities in 0 .. 1000000 */
extern void ClvCheckFutureOpportunities(float8 n_future);

/* Longest horizon in model units: 1,000 years even in days */
#define CLV_MAX_HORIZON 365243.0

/* Raise 22023 unless a horizon is finite, >= 0 and at most CLV_MAX_HORIZON */
extern void ClvCheckHorizon(float8 horizon);

/*
 * Raise 22023 unless a horizon is valid for data of the shape: future
 * opportunities (ClvCheckFutureOpportunities) for discrete opportunities,
 * else time units (ClvCheckHorizon)
 */
extern void ClvCheckHorizonOf(ClvFitShape shape, float8 horizon);

/* One distinct input tuple of a fit and its total weight */
typedef struct ClvTuple
{
	float8		v[3];			/* x, t_x, T (purchases), x, t_x, n
								 * (opportunities), x, m, 0 (spend) or
								 * tenure, churned, 0 (tenures) or
								 * duration, event, 0 (durations) */
	int64		count;			/* total weight of rows with these values */
} ClvTuple;

/*
 * State of the fit aggregates: a sorted run of distinct tuples with counts
 * plus a buffer of raw tuples, sorted and merged into the run when it
 * fills.  Memory: 32 bytes per distinct tuple, plus the buffer (at most
 * max(1024, distinct tuples) entries of 32 bytes).  Exact: merged partial
 * states hold the same tuples as one state over all rows.
 */
typedef struct ClvFitState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* CLV_FIT_STATE_VERSION */
	uint8		shape;			/* ClvFitShape */
	uint8		has_penalizer;	/* 1 if a row set the penalizer */
	uint8		has_unit;		/* 1 if the rows gave their time unit */
	int32		n_distinct;		/* tuples in the sorted run */
	int32		n_buffered;		/* tuples in the buffer */
	int32		buffer_capacity;	/* tuples the buffer can hold */
	int64		n_rows;			/* total weight accumulated (run + buffer) */
	float8		penalizer;		/* L2 penalty coefficient (0 if not set) */
	TimeUnit	unit;			/* time unit of the rows (zero if not set) */
	/* followed by the run, then the buffer, both of ClvTuple */
} ClvFitState;

/* The sorted, distinct tuples of a state (palloc'd); *n gets their number */
extern ClvTuple *ClvFitStateTuples(const ClvFitState *state, int32 *n);

/*
 * The distinct values of column col of tuples (palloc'd, in order of first
 * appearance; *n gets their number) and, in index[j], the position of tuple
 * j's value among them; NULL when there are more than limit distinct values
 */
extern float8 *ClvColumnIndex(const ClvTuple *tuples, int32 n_tuples, int col,
							  int32 limit, int32 *n, int32 *index);

/* The fit state in argument argno, checked to have the given shape */
extern ClvFitState *ClvGetFitState(FunctionCallInfo fcinfo, int argno, ClvFitShape shape);

/* Values per tuple of a shape (2 or 3) */
extern int	ClvShapeWidth(ClvFitShape shape);

/* The penalizer of a fit's final function: its second argument or the state's */
extern float8 ClvFinalPenalizer(FunctionCallInfo fcinfo, const ClvFitState *state);

#endif							/* CRM_CLV_H */
