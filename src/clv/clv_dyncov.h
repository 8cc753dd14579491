/*
 * clv_dyncov.h
 *		Time-varying covariates of the Pareto/NBD (Bachmann, Meierer & Naef
 *		2021): a customer's covariate path (crm.covariate_path, built by one
 *		aggregate from a long table of periods), the fit state of the
 *		time-varying fit (crm.dyncov_fit_state) and the customer form the
 *		likelihood and the scorers use.
 *
 * Covariates are piecewise constant per period of a fixed length: period k
 * of a path covers [origin + k period, origin + (k + 1) period).  A
 * customer's time u (in periods, from the first purchase at u = 0) is the
 * calendar time birth + u period.  What happens to periods without a row:
 * a gap between two rows takes the values of the latest row before it
 * (carried forward, 0 purchases, counted in the path's "filled"); after the
 * last row the last row's values hold for ever; before the first row there
 * is nothing, and a customer born before it cannot be used (skipped by the
 * fit, NULL from the scorers).
 */
#ifndef CRM_CLV_DYNCOV_H
#define CRM_CLV_DYNCOV_H

#include "postgres.h"

#include "fmgr.h"
#include "covariate_spec.h"
#include "time_unit.h"

/* The version byte of crm.covariate_path */
#define COVPATH_VERSION 1
/* Flags of a path */
#define COVPATH_FINAL	0x01	/* rows sorted, consecutive periods (the
								 * aggregate's result); else an aggregate
								 * state: rows in any order */
#define COVPATH_DATED	0x02	/* period starts came as dates (microseconds
								 * of midnight, timestamp without time zone),
								 * else as timestamptz */
#define COVPATH_MASK	0x03
/* Most periods of a path (after filling the gaps) */
#define COVPATH_MAX_PERIODS 1000000

/*
 * A covariate path: per period its start (microseconds, an int64 stored in
 * the first float8 slot), its purchases and its covariates (n_life lifetime,
 * then n_trans transaction); room for capacity rows, n_rows used
 */
typedef struct CovPath
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* COVPATH_VERSION */
	uint8		flags;			/* COVPATH_* */
	uint8		n_life;			/* lifetime covariates per period */
	uint8		n_trans;		/* transaction covariates per period */
	int32		n_rows;			/* rows used */
	int32		capacity;		/* rows there is room for */
	int32		filled;			/* rows filled by carrying forward (final) */
	int32		reserved;		/* must be zero */
	int64		period;			/* the period's length, microseconds */
	float8		rows[FLEXIBLE_ARRAY_MEMBER];	/* capacity rows of
												 * COVPATH_WIDTH values */
} CovPath;

/* Values per row of a path */
#define COVPATH_WIDTH(p) (2 + (p)->n_life + (p)->n_trans)

/* Row k of a path */
#define COVPATH_ROW(p, k) ((p)->rows + (Size) (k) * COVPATH_WIDTH(p))

/* The start of row k (microseconds) */
static inline int64
CovPathStart(const CovPath *path, int32 k)
{
	int64		start;

	memcpy(&start, COVPATH_ROW(path, k), sizeof(int64));
	return start;
}

/* The size of a path with room for capacity rows */
#define COVPATH_SIZE(n_cov, capacity) \
	(offsetof(CovPath, rows) + sizeof(float8) * (Size) (capacity) * (2 + (n_cov)))

/* The path in argument argno, detoasted and checked to be a final path */
extern CovPath *CovPathArg(FunctionCallInfo fcinfo, int argno);

/* Why a path read from outside is invalid, or NULL */
extern const char *CovPathProblem(const CovPath *path, Size size);

/*
 * One customer in the form of the time-varying likelihood: (x, t_x, T) in
 * periods from the first purchase, the sum of the transaction covariates
 * over the periods of the repeat purchases, and the runs of constant
 * covariates that cover (0, end]: run i is runs[i * (1 + n_cov)], its end
 * (the last at T, or at the end of a prediction), then its n_cov covariates.
 */
typedef struct DynCustomer
{
	float8		x;				/* repeat purchases */
	float8		t_x;			/* time of the last purchase */
	float8		T;				/* end of the calibration */
	float8		weight;			/* customers with these values */
	int32		n_runs;			/* runs */
	const float8 *purchase_z;	/* n_trans: sum of z_trans at repeat purchases */
	const float8 *runs;			/* n_runs x (1 + n_cov): end, covariates */
} DynCustomer;

/*
 * Why a customer cannot be put in that form, or NULL: fills runs (palloc'd
 * in the current context) covering (0, until] (until >= T) of the customer
 * born at birth (microseconds) with summary (x, t_x, T) on path, and the
 * purchase sums; raises 22023 when the path's purchases in the periods
 * starting at or before the end of the calibration do not add up to x + 1
 */
extern const char *DynCustomerFromPath(const CovPath *path, int64 birth, float8 x, float8 t_x,
									   float8 T, float8 until, DynCustomer *customer);

/* The birth (microseconds) in argument argno: a date or a timestamptz matching the path */
extern int64 DynBirthArg(FunctionCallInfo fcinfo, int argno, const CovPath *path, bool dated);

/* The version byte of crm.dyncov_fit_state */
#define DYNSTATE_VERSION 1
/* Values of a record before its runs: x, t_x, T, weight, runs */
#define DYNREC_HEAD 5

/*
 * The fit state of the time-varying Pareto/NBD: the covariate spec, then
 * one record per customer (float8s: x, t_x, T, weight, n_runs, the n_trans
 * purchase sums, then per run its end and its n_cov covariates); used of
 * capacity bytes of records are filled
 */
typedef struct DynState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* DYNSTATE_VERSION */
	uint8		n_life;			/* lifetime covariates */
	uint8		n_trans;		/* transaction covariates */
	uint8		reserved;		/* must be zero */
	int32		spec_size;		/* bytes of the spec (then MAXALIGN) */
	int32		n_records;		/* customer records */
	int64		n;				/* customers in them (sum of weights) */
	int64		skipped;		/* customers left out: born before their path */
	int64		period;			/* the paths' period, microseconds */
	int64		used;			/* bytes of records used */
	int64		capacity;		/* bytes of room for records */
	char		data[FLEXIBLE_ARRAY_MEMBER];	/* spec, records */
} DynState;

/* The spec of a state */
#define DYNSTATE_SPEC(st) ((CovariateSpec *) (st)->data)
/* The records of a state */
#define DYNSTATE_RECORDS(st) ((float8 *) ((st)->data + MAXALIGN((st)->spec_size)))

/* Why a state read from outside is invalid, or NULL */
extern const char *DynStateProblem(const DynState *state, Size size);

/* The customers of a state's records (pointers into the state); *n gets their number */
extern DynCustomer *DynStateCustomers(const DynState *state, int32 *n);

/*
 * The customers of a state sorted by their values, those with the same
 * values merged into one with their weights (palloc'd; pointers into the
 * state); *n gets their number
 */
extern DynCustomer *DynDistinctCustomers(const DynState *state, int32 *n);

/* The time unit of a period of microseconds */
extern TimeUnit DynPeriodUnit(int64 period);

/* The likelihood and its quadrature (clv_dyncov_fit.c), used by the scorers (clv_dyncov_score.c) */

/* Most coefficients */
#define DYN_MAX_COEFS (2 * COVARIATE_MAX_PER_PROCESS)
/*
 * Longest quadrature piece relative to the distance from its start to the
 * nearest singularity of the integrand ((alpha + A) / e_t, (beta + B) / e_l,
 * 2 / delta): 10-point Gauss-Legendre then errs by about 1e-16 relative
 */
#define DYN_PIECE_REACH 1.0
/*
 * Log of the ratio below which the rest of a run's integral (at most its
 * integrand now times the run's time left: the integrand falls within a
 * run) is dropped against the sum so far
 */
#define DYN_NEGLIGIBLE 45.0
/* Most quadrature pieces per run */
#define DYN_MAX_PIECES 100000
/* Bound on |log parameter| and |scaled coefficient| the optimizer explores */
#define DYN_THETA_LIMIT 30.0
/* Beyond this a parameter or scaled coefficient is taken to run off */
#define DYN_DIVERGED 20.0

/* The natural parameters and per-column coefficients of one evaluation */
typedef struct DynParams
{
	float8		r;				/* shape of lambda */
	float8		alpha;			/* rate of lambda */
	float8		s;				/* shape of mu */
	float8		beta;			/* rate of mu */
	int			n_life;			/* lifetime columns */
	int			n_trans;		/* transaction columns */
	float8		gamma[DYN_MAX_COEFS];	/* per column: lifetime, then
										 * transaction */
} DynParams;

/* 10-point Gauss-Legendre on [-1, 1]: the positive nodes and their weights */
#define DYN_GL_HALF 5
extern const double DynGlNode[DYN_GL_HALF];
extern const double DynGlWeight[DYN_GL_HALF];

/*
 * One customer's log-likelihood at p and, if grad is not NULL, its gradient
 * in (log r, log alpha, log s, log beta, gamma per column); *p_alive, if
 * not NULL, gets P(alive at T).  Runs after T are ignored.  NaN when it
 * cannot be computed.
 */
extern float8 DynLogLik(const DynParams *p, const DynCustomer *c, float8 *grad, float8 *p_alive);

#endif							/* CRM_CLV_DYNCOV_H */
