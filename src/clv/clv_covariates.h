/*
 * clv_covariates.h
 *		Customer covariates of the purchase models (Pareto/NBD, BG/NBD,
 *		GGom/NBD): the covariate block of a model value (version 4), the
 *		customer's own parameters from their covariates, and the fit on a
 *		state with covariates.
 *
 * A model with covariates is a value of its kind's SQL type (crm.paretonbd,
 * ...) of version 4: the version-3 fixed part (ClvModel, clv.h), whose
 * params are the baseline parameters (a customer whose covariates are all
 * 0 has exactly them), followed by the covariate block:
 *
 *	 the covariate spec (CovariateSpec, covariate_spec.h, padded to MAXALIGN)
 *	 float8 gamma[n]	 the coefficients: lifetime covariates, then transaction
 *	 float8 se[n]		 their standard errors (NaN if none)
 *	 uint8	flags[n]	 CLV_COEF_* per coefficient
 *
 * with n = n_life + n_trans.  A constrained covariate has the same
 * coefficient (and standard error) in both processes.  How the coefficients
 * act on the parameters is the kind's covariate_effect (clv_ops.h):
 * p_i = p exp(-gamma . z) or p exp(gamma . z) of one process's covariates.
 */
#ifndef CRM_CLV_COVARIATES_H
#define CRM_CLV_COVARIATES_H

#include "clv_ops.h"
#include "covariate_spec.h"
#include "crm_io.h"

/* The version of model values with a covariate block */
#define CLV_MODEL_VERSION_COVARIATES 4

/* Flags of a coefficient */
#define CLV_COEF_HELD		0x01	/* its covariates were constant in the fit
									 * data: not identified, held at 0, no
									 * standard error */
#define CLV_COEF_MASK		0x01

/* Largest |log| of a customer's own parameter the fits and scorers allow */
#define CLV_CUSTOMER_LOG_PARAM_LIMIT 50.0

/* The covariate block of a model (pointers into the model value) */
typedef struct ClvCovariates
{
	const CovariateSpec *spec;	/* the covariate spec */
	CovariateNames names;		/* its names, pairs and penalties */
	float8	   *gamma;			/* n_life lifetime, then n_trans transaction
								 * coefficients */
	float8	   *se;				/* their standard errors */
	uint8	   *flags;			/* their CLV_COEF_* flags */
} ClvCovariates;

/* Whether a model value has a covariate block */
static inline bool
ClvModelHasCovariates(const ClvModel *model)
{
	return model->version == CLV_MODEL_VERSION_COVARIATES;
}

/* The covariate block of a model with covariates */
extern void ClvModelCovariates(const ClvModel *model, ClvCovariates *cov);

/*
 * A model value of version 4: the fixed part of base (a version 3 model)
 * with a covariate block for spec, coefficients 0, standard errors NaN,
 * flags 0 (palloc'd)
 */
extern ClvModel *ClvModelAddCovariates(const ClvModel *base, const CovariateSpec *spec);

/* Size of a version 4 model value with spec */
extern Size ClvModelCovariatesSize(const CovariateSpec *spec);

/* Why the covariate block of a version 4 model is invalid, or NULL */
extern const char *ClvCovariatesProblem(const ClvModel *model);

/*
 * The customer's own parameters (out) from the model's parameters and
 * coefficients and the customer's covariates (life_z[n_life],
 * trans_z[n_trans]); false when one is beyond e^CLV_CUSTOMER_LOG_PARAM_LIMIT
 */
extern bool ClvCustomerParams(const ClvModelOps *ops, const ClvModel *model,
							  const ClvCovariates *cov, const float8 *life_z,
							  const float8 *trans_z, float8 *out);

/*
 * The scorers' covariate arguments: the customer's life_z and trans_z
 * arrays in arguments argno and argno + 1 checked against the model's spec
 * (22023 for a model without covariates given some, or lengths that differ
 * from the names; 22000 for NaN or an infinity); returns the customer's own
 * model: a version 3 copy of model with the customer's parameters, scored by
 * the kind's operations (22003 when a parameter is out of range), the model
 * itself when it has no covariates (and both arrays are empty), or NULL
 * when an element is NULL (the score is NULL, as for a NULL argument)
 */
extern ClvModel *ClvCustomerModelArgs(FunctionCallInfo fcinfo, const ClvModelOps *ops,
									  const ClvModel *model, int argno);

/*
 * The model I/O of the covariate block (clv_model_cov.c), called by
 * clv_model.c for models of version 4
 */

/* The covariate keys of a model's text form while it is read */
typedef struct ClvCovariateText
{
	bool		any;			/* some covariate key was read */
	int			n[2];			/* coefficients read per process */
	char	   *name[2][COVARIATE_MAX_PER_PROCESS]; /* their names, in order */
	float8		gamma[2][COVARIATE_MAX_PER_PROCESS];	/* their values */
	float8		se[2][COVARIATE_MAX_PER_PROCESS];	/* their standard errors */
	bool		has_se[2][COVARIATE_MAX_PER_PROCESS];	/* whether given */
	bool		seen_constrained;	/* constrained={...} was read */
	int			n_constrained;	/* names in it */
	char	   *constrained[COVARIATE_MAX_PER_PROCESS]; /* the names */
	bool		seen_held;		/* held={...} was read */
	int			n_held;			/* names in it */
	char	   *held[2 * COVARIATE_MAX_PER_PROCESS];	/* "life.<name>", ... */
	bool		seen_lambda[2]; /* lambda_life=, lambda_trans= were read */
	float8		lambda[2];		/* their values */
} ClvCovariateText;

/* Append the coefficients " life.<name>=..." (after the kind's parameters) */
extern void ClvCovariatesAppendValues(StringInfo buf, const ClvModel *model);

/* Append their standard errors " se_life.<name>=..." (none for held ones) */
extern void ClvCovariatesAppendErrors(StringInfo buf, const ClvModel *model);

/* Append " constrained={...} held={...} lambda_life=L lambda_trans=L" where they apply */
extern void ClvCovariatesAppendSpec(StringInfo buf, const ClvModel *model);

/* Start collecting covariate keys */
extern void ClvCovariateTextInit(ClvCovariateText *text);

/*
 * Read the value of covariate key key (the word just read: "life" followed
 * by ".<name>", "se_trans", "constrained", "held", "lambda_life", ...) into
 * text; false (nothing read) when key is not a covariate key
 */
extern bool ClvCovariateTextKey(CrmReader *r, const char *key, ClvCovariateText *text);

/* The model with the covariate block text describes (22P02 if invalid), or the model itself */
extern ClvModel *ClvCovariateTextFinish(CrmReader *r, ClvModel *model, ClvCovariateText *text);

/* Send the covariate block of a version 4 model */
extern void ClvCovariatesSend(StringInfo buf, const ClvModel *model);

/* The model (fixed part received) with the block received after it */
extern ClvModel *ClvCovariatesRecv(StringInfo buf, const ClvModel *model, const char *type_name);

/* Append , "covariates": {...} to a model's jsonb text */
extern void ClvCovariatesAppendJson(StringInfo buf, const ClvModel *model);

/* The index in the block of the coefficient named "life.<name>" or "trans.<name>", or -1 */
extern int	ClvCovariateIndex(const ClvModel *model, const char *name);

struct ReturnSetInfo;

/* Put the rows (parameter, estimate, std_error) of the coefficients into a materialized result */
extern void ClvCovariatesPutParameters(struct ReturnSetInfo *rsinfo, const ClvModel *model);

/* Raise 22023 when a model with covariates is scored without them */
extern void ClvCheckNoCovariates(const ClvModel *model);

/* Raise 22023 unless a model's and a state's covariates have the same names in the same order */
extern void ClvCheckSameCovariateNames(const ClvModelOps *ops, const CovariateNames *model,
									   const CovariateNames *state);

/*
 * The fit of a kind with covariates (clv_covfit.c): records are a state's
 * sorted distinct tuples (x, t_x, T, z_life..., z_trans...), width values
 * then the count (an int64 in the next 8 bytes) each, n customers in all;
 * returns the model (version 4) with its WARNINGs given.  When no
 * coefficient can be estimated (all covariates constant) the kind's own fit
 * base_fit(base_context, tuples, n_tuples) on the (x, t_x, T) tuples is
 * used, exactly.
 */
extern ClvModel *ClvCovariateFit(const ClvModelOps *ops, const CovariateSpec *spec,
								 const float8 *records, int32 n_records, int width, int64 n,
								 bool has_unit, const TimeUnit *unit,
								 ClvModel *(*base_fit) (void *context, WeightedTuple *tuples,
														int32 n_tuples),
								 void *base_context);

#endif							/* CRM_CLV_COVARIATES_H */
