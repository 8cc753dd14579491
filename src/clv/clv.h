/*
 * clv.h
 *		Probabilistic customer-base models (BG/NBD, MBG/NBD, Gamma-Gamma, ...):
 *		the model value shared by all their SQL types, its description per
 *		kind, and the input checks every fit and prediction applies.  What
 *		each model kind does (fit, predictions) is its table of operations,
 *		clv_ops.h; the fits' state is the tuple state of src/common
 *		(tuple_state.h).
 */
#ifndef CRM_CLV_H
#define CRM_CLV_H

#include "postgres.h"

#include "fmgr.h"
#include "datatype/timestamp.h"
#include "time_unit.h"
#include "tuple_state.h"

#define CLV_MODEL_VERSION 3
/* Most parameters a model kind has: as many as the optimizer takes */
#define CLV_MAX_PARAMS 8

/* Which model a model value holds: one per line of clv_kinds.h */
typedef enum ClvModelKind
{
#define CLV_KIND(name, number, ops) name = number,
#include "clv_kinds.h"
#undef CLV_KIND
} ClvModelKind;

/* Flags of a model value */
#define CLV_FLAG_FITTED		0x01	/* estimated from data (ll, n, ... valid) */
#define CLV_FLAG_CONVERGED	0x02	/* the optimizer met its stopping rule */
#define CLV_FLAG_HAS_SE		0x04	/* standard errors are available */
#define CLV_FLAG_HAS_UNIT	0x08	/* unit holds the time unit of t_x, T */
#define CLV_FLAG_ACCEPTED	0x10	/* scoring allowed although not converged */
#define CLV_FLAG_CHOSEN		0x20	/* the structural parameter was chosen by
									 * likelihood among several values (else
									 * given) */
#define CLV_FLAG_MASK		0x3F

/*
 * A model value: parameters on their natural scale and, for fitted models,
 * the fit's log-likelihood, size, iterations, convergence and standard
 * errors.  Fixed size; a varlena so that later versions can grow.  Version
 * 3 has room for CLV_MAX_PARAMS parameters (versions 1 and 2 for 4, with
 * the same fields otherwise; ClvModelOfDatum converts them).
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
	int64		skipped;		/* customers the fit could not use (0 if
								 * given; since version 2) */
	TimeUnit	unit;			/* time unit (all zero unless HAS_UNIT; since
								 * version 2) */
} ClvModel;

/* The model value of a datum (detoasted; a version 1 or 2 value is converted) */
extern ClvModel *ClvModelOfDatum(Datum datum);

#define DatumGetClvModelP(d)	ClvModelOfDatum(d)

/* Static description of a model kind */
typedef struct ClvModelSpec
{
	ClvModelKind kind;			/* the kind */
	const char *type_name;		/* SQL type in schema crm, e.g. "bgnbd" */
	const char *title;			/* readable name, e.g. "BG/NBD" */
	TupleShape	shape;			/* rows it is fitted on */
	int			n_params;		/* number of parameters */
	const char *param_names[CLV_MAX_PARAMS];	/* as in the papers */
	int			n_structural;	/* params[0 .. n_structural - 1] are
								 * structural (0 or 1 of them): whole numbers
								 * in 1 .. structural_max that the fit does
								 * not estimate (the regularity k), without a
								 * standard error (NaN) */
	int			structural_max; /* largest value of a structural parameter */
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

/*
 * Raise 22000 unless litt (the sum of the log inter-purchase times) is
 * possible for a customer with x repeat purchases and recency t_x
 */
extern void ClvCheckLitt(float8 x, float8 t_x, float8 litt);

/* Raise 22000 unless (x, m) is a valid frequency and mean spend (m > 0 when x > 0) */
extern void ClvCheckSpend(float8 x, float8 m);

/* Raise 22000 unless (x, t_x, n) is a valid discrete-opportunity summary */
extern void ClvCheckOpportunities(float8 x, float8 t_x, float8 n);

/* Raise 22000 unless a tenure is a whole number of periods between 1 and 1000000 */
extern void ClvCheckTenure(float8 tenure);

/* Raise 22000 unless x is a non-negative whole number */
extern void ClvCheckFrequency(float8 x);

/*
 * Raise 22000 unless v holds a valid customer of the shape: (x, t_x, T),
 * (x, t_x, n), (x, m) or (tenure, churned)
 */
extern void ClvCheckCustomer(TupleShape shape, const float8 *v);

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
extern void ClvCheckHorizonOf(TupleShape shape, float8 horizon);

#endif							/* CRM_CLV_H */
