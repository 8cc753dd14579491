/*
 * clv_score.c
 *		The generic scorers of the probabilistic models: crm.p_alive,
 *		crm.expected_purchases, crm.purchase_probability, crm.dert,
 *		crm.loglik(model, customer...) and crm.expected_spend for every model
 *		type that has them.  Each takes the model, finds its kind's table of
 *		operations (clv_ops.h), checks the arguments by the kind's shape and
 *		calls the operation; the SQL declarations of a kind decide which of
 *		them it offers.  crm.p_alive and the conditional
 *		crm.expected_purchases, which score every customer of a table with
 *		one model, keep that model, checked, per call site, with what its
 *		kind prepared for it when the kind has prepared operations
 *		(ScorerCacheOf; clv_prepared.h).  crm.clv, which combines two models,
 *		is in clv_value.c.
 */
#include "crm.h"

#include "miscadmin.h"
#include "utils/float.h"
#include "utils/memutils.h"

#include "clv_covariates.h"

#include <math.h>

/*
 * The model in argument argno of a scorer, checked to be scorable (and to
 * have no covariates: the scorer takes none), and its table
 */
const ClvModelOps *
ClvScorerModel(FunctionCallInfo fcinfo, int argno, ClvModel **model)
{
	*model = DatumGetClvModelP(PG_GETARG_DATUM(argno));
	ClvCheckScorable(*model);
	ClvCheckNoCovariates(*model);
	return ClvOpsOf((*model)->kind);
}

/*
 * The model in argument 0 of a scorer and its table; with covariates (the
 * scorer's last two arguments are the customer's life_z and trans_z), the
 * customer's own model (clv_covariates.h), NULL when a covariate is NULL
 * (the score is NULL then)
 */
static const ClvModelOps *
ScorerModel(FunctionCallInfo fcinfo, bool covariates, ClvModel **model)
{
	const ClvModelOps *ops;

	if (!covariates)
		return ClvScorerModel(fcinfo, 0, model);
	*model = DatumGetClvModelP(PG_GETARG_DATUM(0));
	ClvCheckScorable(*model);
	ops = ClvOpsOf((*model)->kind);
	*model = ClvCustomerModelArgs(fcinfo, ops, *model, PG_NARGS() - 2);
	return ops;
}

/* elog(ERROR) when a kind lacks an operation that one of its SQL functions calls */
void
ClvRequireOperation(const ClvModelOps *ops, bool present, const char *operation)
{
	if (!present)
		elog(ERROR, "the %s model has no %s operation", ops->spec.title, operation);
}

/*
 * The customer in the arguments from argno on, in the order of the shape
 * (float8 values; int tenure and bool churned for tenures), checked, into
 * v[0 .. 2]; v[3] (litt) NaN
 */
static void
CustomerArgs(FunctionCallInfo fcinfo, int argno, TupleShape shape, float8 *v)
{
	v[0] = v[1] = v[2] = 0;
	v[3] = get_float8_nan();	/* no litt */
	if (shape == TUPLE_SHAPE_PURCHASES)
	{
		v[0] = PG_GETARG_FLOAT8(argno);
		v[1] = PG_GETARG_FLOAT8(argno + 1);
		v[2] = PG_GETARG_FLOAT8(argno + 2);

		/*
		 * The common valid summary passes with a few comparisons (false for
		 * NaN): a whole x >= 0 below 2^53, 0 <= t_x <= T < infinity, t_x = 0
		 * when x = 0; ClvCheckCustomer decides about the others
		 */
		if (likely(v[0] >= 0 && v[0] < 9007199254740992.0 && v[0] == (float8) (int64) v[0] &&
				   v[1] >= 0 && v[1] <= v[2] && v[2] < HUGE_VAL && (v[0] > 0 || v[1] == 0)))
			return;
	}
	else if (shape == TUPLE_SHAPE_TENURES)
	{
		v[0] = PG_GETARG_INT32(argno);
		v[1] = PG_GETARG_BOOL(argno + 1) ? 1 : 0;
	}
	else
		for (int i = 0; i < TupleShapeWidth(shape); i++)
			v[i] = PG_GETARG_FLOAT8(argno + i);
	ClvCheckCustomer(shape, v);
}

/*
 * What crm.p_alive and crm.expected_purchases keep across the rows of one
 * call site (fn_extra): the model value they last scored with, checked
 * scorable, its kind's table and what the kind prepared for it
 */
typedef struct ScorerCache
{
	ClvModel	model;			/* the model value it was made for */
	const ClvModelOps *ops;		/* its kind's table; NULL while invalid */
	MemoryContext context;		/* holds prepared; reset for another model */
	void	   *prepared;		/* ops->score_prepare's result, or NULL */
} ScorerCache;

/*
 * Whether two model values score alike: the same kind, flags (which decide
 * whether the model is scorable) and parameters, bit for bit; the scoring
 * operations read nothing else
 */
static inline bool
SameScoring(const ClvModel *a, const ClvModel *b)
{
	if (a->kind != b->kind || a->flags != b->flags)
		return false;
	for (int i = 0; i < CLV_MAX_PARAMS; i++)
	{
		uint64		bits_a;
		uint64		bits_b;

		memcpy(&bits_a, &a->params[i], sizeof(uint64));
		memcpy(&bits_b, &b->params[i], sizeof(uint64));
		if (bits_a != bits_b)
			return false;
	}
	return true;
}

/*
 * The cache of a scorer's call site for the model in argument argno: the
 * kept one when the model scores as the last one did, else one
 * made for it (the model checked scorable, the kind's score_prepare run);
 * the kept model may differ from the argument (*argument) in the fields
 * that scoring does not read (log-likelihood, standard errors, unit)
 */
static ScorerCache *
ScorerCacheOf(FunctionCallInfo fcinfo, int argno, ClvModel **argument)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(PG_GETARG_DATUM(argno));
	/* in place when plain and current (no call), else detoasted or converted */
	ClvModel   *model = !VARATT_IS_EXTENDED(raw) && VARSIZE(raw) == sizeof(ClvModel) &&
		((ClvModel *) raw)->version == CLV_MODEL_VERSION ?
		(ClvModel *) raw : DatumGetClvModelP(PG_GETARG_DATUM(argno));
	ScorerCache *cache = (ScorerCache *) fcinfo->flinfo->fn_extra;

	*argument = model;
	/* SameScoring does not see a covariate block: these scorers take none */
	if (unlikely(ClvModelHasCovariates(model)))
		ClvCheckNoCovariates(model);
	if (cache != NULL && cache->ops != NULL && SameScoring(model, &cache->model))
		return cache;
	ClvCheckScorable(model);
	if (cache == NULL)
	{
		cache = (ScorerCache *) MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
													   sizeof(ScorerCache));
		cache->context = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt, "crm scorer",
											   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	/* invalid until score_prepare has returned (it may raise an error) */
	cache->ops = NULL;
	cache->prepared = NULL;
	MemoryContextReset(cache->context);
	memcpy(&cache->model, model, sizeof(ClvModel));
	if (ClvOpsOf(model->kind)->score_prepare != NULL)
		cache->prepared = ClvOpsOf(model->kind)->score_prepare(&cache->model, cache->context);
	cache->ops = ClvOpsOf(model->kind);
	return cache;
}

/* A customer's score as a result: NULL when the model cannot score them (NaN) */
static Datum
ScoreResult(FunctionCallInfo fcinfo, float8 value)
{
	if (isnan(value))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(value);
}

/*
 * A scorer of one customer: operation (named name) of the model in argument
 * 0 on the customer in the arguments after it; NULL when it is NaN
 */
static Datum
ScoreCustomer(FunctionCallInfo fcinfo, const ClvModel *model, const ClvModelOps *ops,
			  ClvCustomerOperation operation, const char *name)
{
	float8		customer[4];

	ClvRequireOperation(ops, operation != NULL, name);
	CustomerArgs(fcinfo, 1, ops->spec.shape, customer);
	return ScoreResult(fcinfo, operation(model, customer));
}

/* crm.p_alive(model, customer...): probability that the customer is still alive */
PG_FUNCTION_INFO_V1(clv_p_alive);
Datum
clv_p_alive(PG_FUNCTION_ARGS)
{
	ClvModel   *model;
	ScorerCache *cache = ScorerCacheOf(fcinfo, 0, &model);
	const ClvModelOps *ops = cache->ops;
	float8		customer[4];

	if (ops->p_alive_prepared == NULL)
		return ScoreCustomer(fcinfo, model, ops, ops->p_alive, "p_alive");
	CustomerArgs(fcinfo, 1, ops->spec.shape, customer);
	return ScoreResult(fcinfo, ops->p_alive_prepared(cache->prepared, customer));
}

/*
 * crm.p_alive(model, customer..., life_z, trans_z): probability that the
 * customer is still alive, by the customer's own model
 */
PG_FUNCTION_INFO_V1(clv_p_alive_cov);
Datum
clv_p_alive_cov(PG_FUNCTION_ARGS)
{
	ClvModel   *model;
	const ClvModelOps *ops = ScorerModel(fcinfo, true, &model);

	if (model == NULL)
		PG_RETURN_NULL();
	return ScoreCustomer(fcinfo, model, ops, ops->p_alive, "p_alive");
}

/* crm.expected_purchases(model, horizon [, life_z, trans_z]): E[X(horizon)] for a new customer */
static Datum
ExpectedPurchases(FunctionCallInfo fcinfo, bool covariates)
{
	ClvModel   *model;
	const ClvModelOps *ops = ScorerModel(fcinfo, covariates, &model);
	float8		horizon = PG_GETARG_FLOAT8(1);

	if (model == NULL)
		PG_RETURN_NULL();
	ClvRequireOperation(ops, ops->expected != NULL, "expected");
	ClvCheckHorizonOf(ops->spec.shape, horizon);
	PG_RETURN_FLOAT8(ops->expected(model, horizon, NULL));
}

/* crm.expected_purchases(model, horizon) */
PG_FUNCTION_INFO_V1(clv_expected_purchases);
Datum
clv_expected_purchases(PG_FUNCTION_ARGS)
{
	return ExpectedPurchases(fcinfo, false);
}

/* crm.expected_purchases(model, horizon, life_z, trans_z): a new customer with covariates */
PG_FUNCTION_INFO_V1(clv_expected_purchases_cov);
Datum
clv_expected_purchases_cov(PG_FUNCTION_ARGS)
{
	return ExpectedPurchases(fcinfo, true);
}

/*
 * crm.expected_purchases(model, horizon, customer... [, life_z, trans_z]):
 * expected purchases after the customer's summary
 */
static Datum
ConditionalExpectedPurchases(FunctionCallInfo fcinfo, bool covariates)
{
	ClvModel   *model;
	ScorerCache *cache = NULL;
	const ClvModelOps *ops;
	float8		horizon = PG_GETARG_FLOAT8(1);
	float8		customer[4];

	/* one model for every customer: kept per call site, with what its kind prepared */
	if (!covariates)
	{
		cache = ScorerCacheOf(fcinfo, 0, &model);
		ops = cache->ops;
	}
	else
		ops = ScorerModel(fcinfo, true, &model);
	if (model == NULL)
		PG_RETURN_NULL();
	ClvRequireOperation(ops, ops->expected != NULL, "expected");
	ClvCheckHorizonOf(ops->spec.shape, horizon);
	CustomerArgs(fcinfo, 2, ops->spec.shape, customer);
	if (cache != NULL && ops->expected_prepared != NULL)
		return ScoreResult(fcinfo, ops->expected_prepared(cache->prepared, horizon, customer));
	return ScoreResult(fcinfo, ops->expected(model, horizon, customer));
}

/* crm.expected_purchases(model, horizon, customer...) */
PG_FUNCTION_INFO_V1(clv_conditional_expected_purchases);
Datum
clv_conditional_expected_purchases(PG_FUNCTION_ARGS)
{
	return ConditionalExpectedPurchases(fcinfo, false);
}

/* crm.expected_purchases(model, horizon, customer..., life_z, trans_z) */
PG_FUNCTION_INFO_V1(clv_conditional_expected_purchases_cov);
Datum
clv_conditional_expected_purchases_cov(PG_FUNCTION_ARGS)
{
	return ConditionalExpectedPurchases(fcinfo, true);
}

/*
 * crm.purchase_probability(model, n, horizon [, life_z, trans_z]):
 * P(X(horizon) = n) for a new customer
 */
static Datum
PurchaseProbability(FunctionCallInfo fcinfo, bool covariates)
{
	ClvModel   *model;
	const ClvModelOps *ops = ScorerModel(fcinfo, covariates, &model);
	int32		n = PG_GETARG_INT32(1);
	float8		horizon = PG_GETARG_FLOAT8(2);

	if (model == NULL)
		PG_RETURN_NULL();
	ClvRequireOperation(ops, ops->pmf != NULL, "pmf");
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of purchases must not be negative, not %d", n)));
	ClvCheckHorizonOf(ops->spec.shape, horizon);
	PG_RETURN_FLOAT8(ops->pmf(model, (float8) n, horizon));
}

/* crm.purchase_probability(model, n, horizon) */
PG_FUNCTION_INFO_V1(clv_purchase_probability);
Datum
clv_purchase_probability(PG_FUNCTION_ARGS)
{
	return PurchaseProbability(fcinfo, false);
}

/* crm.purchase_probability(model, n, horizon, life_z, trans_z) */
PG_FUNCTION_INFO_V1(clv_purchase_probability_cov);
Datum
clv_purchase_probability_cov(PG_FUNCTION_ARGS)
{
	return PurchaseProbability(fcinfo, true);
}

/*
 * crm.dert(model, customer..., discount_rate [, life_z, trans_z]):
 * discounted expected residual purchases
 */
static Datum
Dert(FunctionCallInfo fcinfo, bool covariates)
{
	ClvModel   *model;
	const ClvModelOps *ops = ScorerModel(fcinfo, covariates, &model);
	float8		customer[4];
	float8		rate;

	if (model == NULL)
		PG_RETURN_NULL();
	ClvRequireOperation(ops, ops->dert != NULL, "dert");
	CustomerArgs(fcinfo, 1, ops->spec.shape, customer);
	rate = PG_GETARG_FLOAT8(1 + TupleShapeWidth(ops->spec.shape));
	CheckDiscountRate(rate);
	return ScoreResult(fcinfo, ops->dert(model, customer, rate));
}

/* crm.dert(model, customer..., discount_rate) */
PG_FUNCTION_INFO_V1(clv_dert);
Datum
clv_dert(PG_FUNCTION_ARGS)
{
	return Dert(fcinfo, false);
}

/* crm.dert(model, customer..., discount_rate, life_z, trans_z) */
PG_FUNCTION_INFO_V1(clv_dert_cov);
Datum
clv_dert_cov(PG_FUNCTION_ARGS)
{
	return Dert(fcinfo, true);
}

/*
 * crm.loglik(model, customer... [, life_z, trans_z]): one customer's
 * log-likelihood (NULL where it is not defined)
 */
static Datum
CustomerLoglik(FunctionCallInfo fcinfo, bool covariates)
{
	ClvModel   *model;
	const ClvModelOps *ops = ScorerModel(fcinfo, covariates, &model);
	float8		customer[4];

	if (model == NULL)
		PG_RETURN_NULL();
	ClvRequireOperation(ops, ops->customer_loglik != NULL, "customer_loglik");
	CustomerArgs(fcinfo, 1, ops->spec.shape, customer);
	/* the regularity models' crm.loglik(model, x, t_x, T, litt) */
	if (!covariates && PG_NARGS() > 1 + TupleShapeWidth(ops->spec.shape))
	{
		customer[3] = PG_GETARG_FLOAT8(1 + TupleShapeWidth(ops->spec.shape));
		ClvCheckLitt(customer[0], customer[1], customer[3]);
	}
	return ScoreResult(fcinfo, ops->customer_loglik(model, customer));
}

/* crm.loglik(model, customer...) */
PG_FUNCTION_INFO_V1(clv_customer_loglik);
Datum
clv_customer_loglik(PG_FUNCTION_ARGS)
{
	return CustomerLoglik(fcinfo, false);
}

/* crm.loglik(model, customer..., life_z, trans_z) */
PG_FUNCTION_INFO_V1(clv_customer_loglik_cov);
Datum
clv_customer_loglik_cov(PG_FUNCTION_ARGS)
{
	return CustomerLoglik(fcinfo, true);
}

/* crm.expected_spend(model, x, m): expected spend per purchase of a customer (NULL if it cannot be scored) */
PG_FUNCTION_INFO_V1(clv_expected_spend);
Datum
clv_expected_spend(PG_FUNCTION_ARGS)
{
	ClvModel   *model;
	const ClvModelOps *ops = ClvScorerModel(fcinfo, 0, &model);

	return ScoreCustomer(fcinfo, model, ops, ops->expected_spend, "expected_spend");
}

/* Periods crm.clv discounts one by one before the rest is negligible or refused */
#define CLV_MAX_DISCOUNTED_PERIODS 1000000

/* Raise 22023: a discounted sum over more periods than CLV_MAX_DISCOUNTED_PERIODS */
static void
DiscountedPeriodsExceeded(float8 horizon, float8 discount_rate)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("horizon of %g periods is too long to discount at rate %g per period", horizon, discount_rate),
			 errdetail("The value is summed period by period; after 1000000 periods the rest is still not negligible."),
			 errhint("Use a horizon of at most 1000000 time units of the model, or a higher discount rate.")));
}

/* crm.clv's discounted series of a cumulative expectation (see clv_ops.h) */
float8
ClvDiscountedSum(ClvCumulativeExpectation expectation, void *context,
				 float8 horizon, float8 discount_rate)
{
	float8		per_period = 1 / (1 + discount_rate);
	float8		discount = 1;
	float8		previous = 0;
	float8		total = 0;

	/*
	 * Beyond CLV_MAX_DISCOUNTED_PERIODS, refuse up front a rate too small for
	 * the rest to become negligible ((1 + d)^-periods / d > 1e-17)
	 */
	if (horizon > CLV_MAX_DISCOUNTED_PERIODS && discount_rate > 0 &&
		-CLV_MAX_DISCOUNTED_PERIODS * log1p(discount_rate) > log(1e-17 * discount_rate))
		DiscountedPeriodsExceeded(horizon, discount_rate);
	/* undiscounted, the increments telescope to the expectation at the horizon */
	if (discount_rate == 0 && horizon > CLV_MAX_DISCOUNTED_PERIODS)
		return expectation(context, horizon);
	for (float8 k = 1; k < horizon + 1; k++)
	{
		float8		t = Min(k, horizon);
		float8		expected = expectation(context, t);

		/* (1 + d)^-t: by the period, and at the horizon for a fractional last one */
		discount = t == k ? discount * per_period : pow(1 + discount_rate, -t);
		total += (expected - previous) * discount;
		/* the increments fall: the rest is at most this one times sum (1+d)^-j = 1/d */
		if (discount_rate > 0 && (expected - previous) * discount / discount_rate <= 1e-17 * total)
			break;
		previous = expected;
		if (k >= CLV_MAX_DISCOUNTED_PERIODS)
			DiscountedPeriodsExceeded(horizon, discount_rate);
		CHECK_FOR_INTERRUPTS();
	}
	CheckResultFinite(total, "discounted expected purchases");
	return total;
}
