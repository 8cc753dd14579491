/*
 * clv_intervals.h
 *		Prediction intervals, shared by the per-customer functions
 *		(clv_intervals.c) and the totals' aggregates (clv_interval_totals.c):
 *		the arguments of an interval, the parameter draws a call site keeps,
 *		one simulated value per draw, the interval of simulated values.
 */
#ifndef CLV_INTERVALS_H
#define CLV_INTERVALS_H

#include "clv_ops.h"
#include "prng.h"

#include "fmgr.h"

/* Bounds on the number of parameter draws */
#define INTERVAL_MIN_DRAWS 10
#define INTERVAL_MAX_DRAWS 100000
/* DERT's future is simulated until the discount factor falls below this */
#define DERT_NEGLIGIBLE 1e-12
/* Largest |log-parameter| a draw may reach (as the fit's bound) */
#define DRAW_LOG_LIMIT 30.0
/* Purposes mixed into the seeds, so the streams differ */
#define STREAM_PURCHASE_DRAWS UINT64CONST(0x5052434841534531)
#define STREAM_SPEND_DRAWS UINT64CONST(0x5350454e44524157)
#define STREAM_CUSTOMER UINT64CONST(0x435553544f4d4552)
#define STREAM_KEY UINT64CONST(0x4b45594b45594b45)

/* What an interval is for */
typedef enum IntervalTarget
{
	TARGET_PURCHASES,			/* purchases in (T, T + horizon] */
	TARGET_DERT,				/* purchases after T, discounted continuously */
	TARGET_CLV,					/* margin x spend in (T, T + horizon], discounted
								 * per period as crm.clv */
	TARGET_PURCHASES_CLV		/* both the purchases and the CLV of each
								 * simulated future (values: CLV, counts:
								 * purchases) */
} IntervalTarget;

/* Whether a target simulates spends (and takes CLV's arguments) */
#define TARGET_HAS_SPEND(target) ((target) == TARGET_CLV || (target) == TARGET_PURCHASES_CLV)

/* The arguments of one interval call (a customer, or a row of a total) */
typedef struct IntervalArgs
{
	IntervalTarget target;		/* what is predicted */
	ClvModel   *purchase;		/* the purchase model */
	ClvModel   *spend;			/* the spend model (CLV), else NULL */
	ArrayType  *purchase_cov;	/* covariance of its log-parameters */
	ArrayType  *spend_cov;		/* the spend model's (CLV), else NULL */
	float8		customer[4];	/* x, t_x, T, NaN */
	float8		spend_customer[4];	/* x, m (CLV) */
	float8		horizon;		/* purchases and CLV: the window's length */
	float8		rate;			/* DERT and CLV: discount rate per time unit */
	float8		log_discount;	/* log(1 + rate) */
	const float8 *discount;		/* CLV: (1 + rate)^-min(k, horizon) for k = 0
								 * .. ceil(horizon), or NULL (computed) */
	float8		margin;			/* CLV: the margin */
	float8		level;			/* the interval's probability */
	int32		draws;			/* parameter draws */
	int64		seed;			/* the seed */
} IntervalArgs;

/* The parameter draws of a call site, kept across its rows (fn_extra) */
typedef struct IntervalDraws
{
	char	   *key;			/* the models, covariances, draws and seed
								 * they were made for */
	Size		key_len;		/* its length */
	uint64		fingerprint;	/* a hash of key */
	const ClvModelOps *purchase_ops;	/* the purchase model's table */
	const ClvModelOps *spend_ops;	/* the spend model's, or NULL */
	int32		n_draws;		/* number of draws */
	ClvModel   *purchase;		/* n_draws purchase models */
	ClvModel   *spend;			/* n_draws spend models, or NULL */
	float8	   *values;			/* scratch: one simulated value per draw */
	float8	   *counts;			/* scratch: the purchases of each simulated
								 * future */
	CrmGammaShape *spend_gamma;	/* per draw: the constants of its spends'
								 * gamma draws (CLV), else NULL */
	float8		table_rate;		/* the discount table's rate */
	float8		table_horizon;	/* and horizon */
	float8	   *table;			/* CLV's discount factors (see IntervalArgs),
								 * or NULL */
	struct IntervalMemo *memo;	/* INTERVAL_MEMO_SLOTS customer intervals of
								 * these draws, or NULL until the first */
} IntervalDraws;

/* Raise 22023 unless a level is strictly between 0 and 1 */
extern void ClvIntervalCheckLevel(float8 level);

/*
 * Read the arguments of the target's interval from argument first on (see
 * clv_intervals.c); *next gets the argument after the customer's
 */
extern void ClvIntervalReadArgs(FunctionCallInfo fcinfo, int first, IntervalTarget target,
								IntervalArgs *args, int *next);

/* Read level, draws and seed from argument a on, and check the arguments */
extern void ClvIntervalReadTail(FunctionCallInfo fcinfo, int a, IntervalArgs *args);

/* The parameter draws for args, kept by the call site */
extern IntervalDraws *ClvIntervalDraws(FunctionCallInfo fcinfo, const IntervalArgs *args);

/* CLV's per-period discount factors for args, kept by the call site, or NULL */
extern const float8 *ClvIntervalDiscountTable(FunctionCallInfo fcinfo, IntervalDraws *draws,
											  const IntervalArgs *args);

/*
 * Fill draws->values (and draws->counts) with one simulated value per
 * parameter draw, from a stream of stream_seed; false when a model cannot
 * score the customer
 */
extern bool ClvIntervalSimulate(const IntervalArgs *args, IntervalDraws *draws, uint64 stream_seed);

/* The mean and the interval of n values (reordered) at the level */
extern void ClvIntervalOf(float8 *values, int32 n, float8 level, float8 *mean, float8 *lower,
						  float8 *upper);

/* The composite crm.prediction_interval (mean, lower, upper) */
extern Datum ClvIntervalResult(FunctionCallInfo fcinfo, float8 mean, float8 lower, float8 upper);

#endif							/* CLV_INTERVALS_H */
