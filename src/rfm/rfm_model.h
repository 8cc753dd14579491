/*
 * rfm_model.h
 *		RFM scoring models (crm.rfm_model) and the exact, mergeable state of
 *		their fit aggregate (crm.rfm_fit_state).
 */
#ifndef CRM_RFM_MODEL_H
#define CRM_RFM_MODEL_H

#include "postgres.h"

#include "crm_io.h"
#include "rfm.h"

#define RFM_MODEL_VERSION 1
#define RFM_FIT_STATE_VERSION 1
#define RFM_DIMENSIONS 3		/* recency, frequency, monetary */

/* How a model's breakpoints were chosen */
typedef enum RfmMethod
{
	RFM_METHOD_QUANTILE = 1,	/* the rfm package: R type-7 quantiles + 1 */
	RFM_METHOD_NTILE = 2,		/* equal counts; ties at a boundary go up */
	RFM_METHOD_THRESHOLDS = 3	/* given by the user */
} RfmMethod;

/* Names of the dimensions, in breakpoint order: recency, frequency, monetary */
extern const char *const RfmDimensionNames[RFM_DIMENSIONS];

/* Name of a method ('quantile', 'ntile', 'thresholds') */
extern const char *RfmMethodName(uint8 method);

/* The method with this name, or 0 if there is none */
extern uint8 RfmMethodByName(const char *name);

/*
 * A fitted (or given) RFM model: for each dimension, bins - 1 increasing
 * breakpoints b_1 < ... < b_{k-1} (non-decreasing for fitted models, whose
 * quantiles may tie).  A value x falls in bin 1 + #{j : x >= b_j}; the R
 * score is reversed (k + 1 - bin) because fewer days since the last
 * purchase is better.
 */
typedef struct RfmModel
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* RFM_MODEL_VERSION */
	uint8		method;			/* RfmMethod */
	uint8		bins;			/* k, 2..9 */
	uint8		reserved;		/* must be zero */
	int32		reserved2;		/* must be zero */
	int64		n;				/* customers the model was fitted on (0 if
								 * given) */
	float8		breakpoints[FLEXIBLE_ARRAY_MEMBER]; /* 3 x (bins - 1):
													 * recency, frequency,
													 * monetary */
} RfmModel;

/* Size of a model with k bins */
#define RfmModelSize(k) \
	(offsetof(RfmModel, breakpoints) + sizeof(float8) * RFM_DIMENSIONS * ((k) - 1))

/* The breakpoints of dimension d (0 recency, 1 frequency, 2 monetary) */
#define RfmModelBreakpoints(model, d) \
	((model)->breakpoints + (d) * ((model)->bins - 1))

#define DatumGetRfmModelP(d)	((RfmModel *) PG_DETOAST_DATUM(d))
#define PG_GETARG_RFM_MODEL_P(n) DatumGetRfmModelP(PG_GETARG_DATUM(n))

/*
 * State of crm.rfm_fit: per dimension a sorted run of distinct values with
 * counts, plus a buffer of raw (recency, frequency, monetary) rows that is
 * sorted and merged into the runs when it fills.  Memory: 16 bytes per
 * distinct value per dimension, plus the buffer (24 bytes per row, at most
 * max(1024, largest number of distinct values) rows).  Exact: the runs are
 * the whole empirical distribution, so merged states give the same
 * breakpoints as one state over all rows.
 */
typedef struct RfmFitState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* RFM_FIT_STATE_VERSION */
	uint8		method;			/* RfmMethod (quantile or ntile) */
	uint8		bins;			/* k, 2..9 */
	uint8		reserved;		/* must be zero */
	int32		n_buffered;		/* rows in the buffer */
	int32		buffer_capacity;	/* rows the buffer can hold */
	int32		n_distinct[RFM_DIMENSIONS]; /* pairs in each run */
	int64		n_rows;			/* rows accumulated (runs + buffer) */
	/* followed by the three runs of CrmValueCount, then the buffer */
} RfmFitState;

#endif							/* CRM_RFM_MODEL_H */
