/*
 * clv_ops.h
 *		The interface of the probabilistic model kinds: a table of operations
 *		per kind (ClvModelOps), the registry that finds a kind's table, the
 *		generic fit (ClvFitFinal) and constructor (ClvModelMake) every kind's
 *		SQL functions call.  The generic scorers (clv_score.c, clv_value.c)
 *		call the same tables, so no code outside a model's own file asks
 *		which kind a model is.
 *
 * Adding a model kind NAME:
 *	1. src/clv/clv_NAME.c: its likelihood and predictions as static
 *	   functions, the table `const ClvModelOps ClvNameOps = {...}` filling
 *	   the operations the kind has (NULL for the others), and two
 *	   SQL-callable wrappers, NAME_fit_final (return ClvFitFinal(fcinfo,
 *	   &ClvNameOps)) and NAME_make (return ClvModelMake(fcinfo, &ClvNameOps));
 *	2. one line in src/clv/clv_kinds.h (its number and table);
 *	3. one line in src/clv/clv_model_types (its SQL type, I/O, constructor
 *	   and accessors are generated from it);
 *	4. src/clv/clv_NAME.sql: the fit aggregates (FINALFUNC crm.NAME_fit_final
 *	   on the transition of its shape) and the scorers it has, each linked to
 *	   the generic C function (clv_p_alive, clv_expected_purchases,
 *	   clv_conditional_expected_purchases, clv_purchase_probability,
 *	   clv_conditional_purchase_probability,
 *	   clv_dert, clv_customer_loglik, clv_expected_spend,
 *	   clv_discounted_value).  The Makefile finds the new .c and .sql by
 *	   itself.
 *
 * Conventions shared by every operation:
 * - Parameters are on their natural scale, in the order of
 *	 spec.param_names, at most CLV_MAX_PARAMS (8, as many as the optimizer
 *	 takes) of them: the model value has a fixed layout on disk (version 3;
 *	 versions 1 and 2 had room for 4 and are converted when read).  A model
 *	 passed to a scorer is of the table's kind and scorable
 *	 (ClvCheckScorable ran).
 * - A customer is the values of one tuple of the kind's shape, in its
 *	 order: (x, t_x, T) purchases, (x, t_x, n) discrete opportunities, (x, m)
 *	 spend, (tenure, churned 0/1) tenures; the scorers check it with
 *	 ClvCheckCustomer before an operation sees it.  customer[3] is the
 *	 customer's litt (sum of log inter-purchase times, checked by
 *	 ClvCheckLitt) where a scorer takes it (the regularity models'
 *	 crm.loglik), else NaN.
 * - A structural parameter (spec.n_structural, the regularity k) is params[0],
 *	 a whole number the fit holds fixed while it estimates the others:
 *	 loglik's gradient[0] is ignored.
 * - Times (t_x, T, horizons) are in the model's time unit, or are counts of
 *	 opportunities for the discrete shape; horizons are checked
 *	 (ClvCheckHorizonOf) before an operation sees them.
 * - A result is finite and in its documented range: an operation raises
 *	 22003 (CheckResultFinite) when it would overflow and 22023 when a
 *	 series cannot be evaluated.  An operation on one customer
 *	 (customer_loglik, p_alive, expected_spend, expected with a customer,
 *	 discounted_series, dert) returns NaN for "this customer cannot be
 *	 scored", which every scorer (and crm.clv) turns into SQL NULL, so one
 *	 customer never stops a workflow; the others never return NaN.
 * - A NULL operation is one the kind does not have (a spend model has no
 *	 P(alive)); no SQL function of the kind reaches it.
 * - Operations may palloc in the current memory context; nothing they
 *	 return needs to be freed.
 */
#ifndef CRM_CLV_OPS_H
#define CRM_CLV_OPS_H

#include "clv.h"
#include "prng.h"

/*
 * The log-likelihood of a model kind over a fit's data: returns the total
 * (weighted) log-likelihood at params and, if gradient is not NULL, fills
 * d(ll)/d(params) on the natural scale.  data is the kind's own
 * preprocessed form of the tuples (its prepare).  A value that cannot be
 * computed is returned as NaN or an infinity (the optimizer steps back).
 */
typedef float8 (*ClvLogLikelihood) (const float8 *params, void *data, float8 *gradient);

/*
 * An operation on one customer of a model: its values in the order of the
 * kind's shape; NaN when the model cannot score that customer
 */
typedef float8 (*ClvCustomerOperation) (const ClvModel *model, const float8 *customer);

/*
 * How a customer's covariates act on one parameter of a kind (a fit with
 * covariates, clv_covfit.c, and the scorers that take covariates,
 * clv_covscore.c): the customer's own parameter is the model's times
 * exp(-gamma . z) or exp(gamma . z) of one process's covariates z and their
 * coefficients gamma (CLVTools' parameterization)
 */
typedef enum ClvCovariateEffect
{
	CLV_COVARIATE_NONE = 0,		/* the same for every customer */
	CLV_COVARIATE_TRANS_DOWN,	/* p exp(-gamma_trans . z_trans) */
	CLV_COVARIATE_LIFE_DOWN,	/* p exp(-gamma_life . z_life) */
	CLV_COVARIATE_LIFE_UP		/* p exp(gamma_life . z_life) */
} ClvCovariateEffect;

/*
 * One customer's log-likelihood at params (the customer's own parameters)
 * and its gradient in them (natural scale), with scratch the kind keeps
 * across the customers of one fit; NaN when it cannot be computed there
 */
typedef float8 (*ClvCustomerGradient) (const float8 *params, const float8 *customer,
									   void *scratch, float8 *gradient);

/*
 * A customer's state after T for the prediction intervals (clv_intervals.c):
 * whether it is alive at T (drawn with P(alive)), and the posterior, given
 * its summary and alive, of its purchase rate, its dropout and its spend,
 * with the individual rates left integrated out (the simulation draws the
 * purchases from the posterior predictive)
 */
typedef struct ClvLatent
{
	bool		alive;			/* alive at T (else no purchase after T) */
	float8		rate_shape;		/* purchase rate lambda ~ Gamma(rate_shape, */
	float8		rate_rate;		/* rate_rate), per time unit */
	float8		drop_a;			/* BG/NBD, MBG/NBD: the probability of dropping
								 * out right after each purchase ~ Beta(drop_a, */
	float8		drop_b;			/* drop_b); 0, 0 otherwise */
	float8		life_shape;		/* Pareto/NBD: the dropout rate ~
								 * Gamma(life_shape, life_rate) (the */
	float8		life_rate;		/* remaining lifetime Exponential); 0, 0
								 * otherwise */
	float8		spend_shape;	/* spend models: each spend ~ Gamma(spend_shape,
								 * nu) with nu ~ Gamma(nu_shape, nu_rate) */
	float8		nu_shape;		/* (see spend_shape) */
	float8		nu_rate;		/* (see spend_shape) */
} ClvLatent;

/* Customers a fit leaves out, counted in the model and told in one NOTICE */
typedef struct ClvSkipRule
{
	/* whether the fit must leave out the customers of a tuple; NULL: none */
	bool		(*skips) (const WeightedTuple *tuple);
	const char *customers;		/* who they are, after "skipped N of M ", e.g.
								 * "customers with repeat purchases whose mean
								 * spend is 0 or less" */
	const char *detail;			/* the NOTICE's detail: why */
	const char *hint;			/* the NOTICE's hint: what still works */
} ClvSkipRule;

/* What a model kind does: its description and operations (see above) */
typedef struct ClvModelOps
{
	ClvModelSpec spec;			/* kind, SQL type, title, shape, parameters */

	/*
	 * Fitting (ClvFitFinal): the state's tuples, sorted by their values, less
	 * the skipped ones, go through check_data, start and prepare; ClvFit
	 * maximizes loglik from start (first over a sample when sampled); then
	 * check_identified looks at the result.
	 */
	bool		penalized;		/* the fit takes an L2 penalizer (the final
								 * function's second argument, or the
								 * state's); else it is 0 */
	bool		timed;			/* t_x, T are in a time unit: the fit records
								 * the state's unit in the model */
	bool		sampled;		/* with more than 131,072 distinct tuples, fit a
								 * sample of 32,768 customers first */
	ClvSkipRule skip;			/* customers the fit leaves out */

	/*
	 * Raise 22000 (naming spec->title) when the usable tuples, n customers
	 * in all, cannot identify the model at all (no repeat purchase, no
	 * churn); NULL: any data can be fitted
	 */
	void		(*check_data) (const ClvModelSpec *spec, const WeightedTuple *tuples,
							   int32 n_tuples, int64 n);
	/* Fill start[0 .. n_params-1] (> 0, finite) from the usable tuples */
	void		(*start) (const WeightedTuple *tuples, int32 n_tuples, float8 *start);
	/*
	 * The kind's preprocessed form of tuples (sorted by their values; not
	 * modified, and alive as long as the result), handed to loglik: called
	 * for the usable tuples and for the sample
	 */
	void	   *(*prepare) (const WeightedTuple *tuples, int32 n_tuples);
	ClvLogLikelihood loglik;	/* total log-likelihood over prepared data */
	/*
	 * After the fit: when a limit of the model fits the data as well (the
	 * estimate runs off to infinity), clear CLV_FLAG_CONVERGED in model, say
	 * so in a WARNING and return true (the fit's generic warnings are then
	 * not given: the kind's diagnosis replaces them); else return false.
	 * NULL: no such check
	 */
	bool		(*check_identified) (ClvModel *model, const WeightedTuple *tuples,
									 int32 n_tuples);
	/*
	 * The part of the log-likelihood that the tuples do not hold, constant in
	 * the estimated parameters (the CNBD-k models' (k - 1) sum litt - sum x
	 * log((k - 1)!), from the state's litt), added to a fitted model's ll;
	 * raises 22023 when the state lacks what it needs.  NULL: none
	 */
	float8		(*ll_constant) (const float8 *params, const TupleState *state,
								const WeightedTuple *tuples, int32 n_tuples);

	/*
	 * Covariates: a kind with customer_gradient takes customer covariates
	 * (fits on states with covariates, scorers with life_z and trans_z);
	 * covariate_effect says how they act on each parameter, and the
	 * covariate fit sums customer_gradient over the tuples (in their order,
	 * by x first) with the scratch customer_scratch made (NULL: none)
	 */
	ClvCovariateEffect covariate_effect[CLV_MAX_PARAMS];
	void	   *(*customer_scratch) (void);
	ClvCustomerGradient customer_gradient;

	/* Scoring (clv_score.c, clv_value.c) */

	/* log-likelihood of one customer (NaN: not defined for that customer) */
	ClvCustomerOperation customer_loglik;
	/* P(alive) of a customer: at T, or at opportunity n + 1 */
	ClvCustomerOperation p_alive;
	/*
	 * Expected purchases in (T, T + horizon] (or at opportunities n + 1 ..
	 * n + horizon) of a customer; customer NULL: a new customer, in (0,
	 * horizon]
	 */
	float8		(*expected) (const ClvModel *model, float8 horizon, const float8 *customer);
	/* P(X(horizon) = n): n purchases of a new customer in (0, horizon] */
	float8		(*pmf) (const ClvModel *model, float8 n, float8 horizon);
	/*
	 * P(X(T, T + horizon) = n | x, t_x, T): n purchases in (T, T + horizon]
	 * of a customer (x, t_x, T) (clv_pmf.c); NaN when the model cannot score
	 * the customer
	 */
	float8		(*conditional_pmf) (const ClvModel *model, float8 n, float8 horizon,
									const float8 *customer);
	/*
	 * crm.clv's discounted series: the expected purchases of a customer with
	 * x purchases and age T who is alive at T, in each period k = 1 ..
	 * ceil(horizon) of one time unit after T (the last ending at the
	 * horizon), discounted by (1 + rate)^(end of the period), summed.
	 * Depends on the customer through x and T only (crm.clv caches it by
	 * them) and is multiplied by p_alive for the expectation.
	 */
	float8		(*discounted_series) (const ClvModel *model, float8 x, float8 T,
									  float8 horizon, float8 rate);
	/*
	 * DERT: the discounted expected residual purchases of a customer over
	 * the unbounded future at a rate per time unit (or per opportunity) in
	 * [0, 1), checked by CheckDiscountRate; raises 22023 for a rate the kind
	 * cannot sum (0)
	 */
	float8		(*dert) (const ClvModel *model, const float8 *customer, float8 rate);
	/* Expected spend per purchase of a customer (x, m) (NaN: cannot score) */
	ClvCustomerOperation expected_spend;
	/*
	 * A customer's state after T (ClvLatent) at the model's parameters:
	 * alive at T drawn from rng with probability P(alive), and the
	 * posterior of its purchase rate and dropout given alive, or of its
	 * spend; false when the model cannot score the customer
	 */
	bool		(*draw_latent) (const ClvModel *model, const float8 *customer,
								CrmRandom *rng, ClvLatent *latent);

	/*
	 * Optional faster scoring of many customers by one model.  The scorers
	 * crm.p_alive and crm.expected_purchases(model, horizon, customer...)
	 * keep, per call site, the result of score_prepare for the model they
	 * last saw (made in a memory context of its own, reset when the model
	 * changes): constants of the parameters and tables filled as customers
	 * come.  p_alive_prepared and expected_prepared then return what p_alive
	 * and expected return for the same customer (to the last bits), and
	 * may call them for the customers they do not speed up.  NULL: the
	 * scorers call p_alive and expected.
	 */
	void	   *(*score_prepare) (const ClvModel *model, MemoryContext context);
	float8		(*p_alive_prepared) (void *prepared, const float8 *customer);
	float8		(*expected_prepared) (void *prepared, float8 horizon, const float8 *customer);
} ClvModelOps;

/* The table of every kind, defined in the kind's file */
#define CLV_KIND(name, number, ops) extern const ClvModelOps ops;
#include "clv_kinds.h"
#undef CLV_KIND

/* The table of a kind; elog(ERROR) for an unknown kind */
extern const ClvModelOps *ClvOpsOf(ClvModelKind kind);

/* The table of a kind number, or NULL when no kind has that number */
extern const ClvModelOps *ClvFindOps(int kind);

/* The table of the kind whose SQL type is named type_name, or NULL */
extern const ClvModelOps *ClvFindOpsByType(const char *type_name);

/*
 * The final function of a kind's fit aggregates: the state (argument 0, of
 * the kind's shape) fitted by maximum likelihood, with the penalizer of
 * argument 1 or the state; NULL for a state without (usable) rows
 */
extern Datum ClvFitFinal(FunctionCallInfo fcinfo, const ClvModelOps *ops);

/*
 * The final function of a kind with a structural parameter (spec.n_structural
 * = 1): the state (argument 0) fitted with the penalizer for each value first
 * .. last (checked by the caller to be within 1 .. spec.structural_max) of
 * the structural parameter, in order, until the log-likelihood (ll_constant
 * included) has fallen twice in a row; the model of highest log-likelihood,
 * marked CLV_FLAG_CHOSEN when last > first; NULL for a state without rows
 */
extern Datum ClvFitFinalStructural(FunctionCallInfo fcinfo, const ClvModelOps *ops,
								   float8 penalizer, int first, int last);

/* The penalizer of a fit's final function: argument argno if given, else the state's */
extern float8 ClvFitPenalizer(FunctionCallInfo fcinfo, int argno);

/* crm.NAME(parameters...): a model of the kind from given parameters */
extern Datum ClvModelMake(FunctionCallInfo fcinfo, const ClvModelOps *ops);

/* The model in argument argno of a scorer, checked to be scorable, and its table */
extern const ClvModelOps *ClvScorerModel(FunctionCallInfo fcinfo, int argno, ClvModel **model);

/* elog(ERROR) unless present: a kind lacks an operation one of its SQL functions calls */
extern void ClvRequireOperation(const ClvModelOps *ops, bool present, const char *operation);

/*
 * Helpers for the kinds' tables: the weighted mean of column col of tuples
 * (weights their counts); whether some tuple has x (column 0) > 0; and a
 * check_data raising 22000 unless some customer has x > 0, for the models
 * of repeat purchases
 */
/*
 * The cumulative expected purchases of one alive customer at t > 0 after T
 * (a callback of ClvDiscountedSum, with its own context)
 */
typedef float8 (*ClvCumulativeExpectation) (void *context, float8 t);

/*
 * crm.clv's discounted series from a cumulative expectation: the sum over
 * periods k = 1..ceil(horizon) of the expected purchases in (t_{k-1}, t_k],
 * t_k = min(k, horizon), discounted by (1 + d)^t_k; stops when the rest is
 * negligible, refuses (22023) what would take over 1,000,000 periods, and,
 * undiscounted, telescopes to the expectation at the horizon
 */
extern float8 ClvDiscountedSum(ClvCumulativeExpectation expectation, void *context,
							   float8 horizon, float8 discount_rate);

/*
 * The Pareto/NBD's predictive distributions (clv_pmf.c): P(X(t) = n) at
 * parameters, and its pmf and conditional_pmf operations
 */
extern float8 ClvParetonbdPmf(float8 r, float8 alpha, float8 s, float8 beta, float8 n, float8 t);
extern float8 ClvParetonbdPmfOperation(const ClvModel *model, float8 n, float8 t);
extern float8 ClvParetonbdConditionalPmf(const ClvModel *model, float8 n, float8 t,
										 const float8 *customer);
/* The GGom/NBD's pmf operation (clv_pmf.c) */
extern float8 ClvGgomnbdPmfOperation(const ClvModel *model, float8 n, float8 t);

/*
 * The covariance of the log-parameters of model (the estimated ones, in
 * their order) at its parameters, from the Hessian of its fit objective
 * over the customers of state (of the kind's shape, without covariates):
 * inverse Hessian / n into cov (n_free x n_free, row-major); false when the
 * Hessian is not positive definite there.  *n_free gets the number of
 * estimated parameters.
 */
extern bool ClvLogCovariance(const ClvModelOps *ops, const ClvModel *model,
							 const TupleState *state, float8 *cov, int *n_free);

extern float8 ClvColumnMean(const WeightedTuple *tuples, int32 n_tuples, int col);
extern bool ClvAnyPurchase(const WeightedTuple *tuples, int32 n_tuples);
extern void ClvCheckAnyRepeat(const ClvModelSpec *spec, const WeightedTuple *tuples,
							  int32 n_tuples, int64 n);

#endif							/* CRM_CLV_OPS_H */
