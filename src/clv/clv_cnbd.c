/*
 * clv_cnbd.c
 *		The BG/CNBD-k and MBG/CNBD-k models (Platzer & Reutterer 2016,
 *		Marketing Science 35(5); BTYDplus's bgcnbd / mbgcnbd) as CLV model
 *		kinds: their tables of operations (clv_ops.h) over the mathematics of
 *		clv_cnbd_math.c, and their SQL-callable wrappers.
 *
 * Parameters k (the regularity: Erlang-k inter-purchase times; structural,
 * a whole number 1 .. CNBD_MAX_K the fit holds fixed), r, alpha, a, b.  A
 * fit is run for each k of its range and the k of highest log-likelihood
 * kept (ClvFitFinalStructural); the log-likelihood of a k includes (k - 1)
 * sum litt - sum x log((k - 1)!), from the fit state's exact sum of litt, so
 * that fits with different k compare.  At k = 1 the model is the BG/NBD
 * (MBG/NBD): the fit then evaluates that kind's likelihood itself, so that
 * its estimates and log-likelihood are the BG/NBD fit's, bit for bit.
 *
 * Not offered: crm.clv and crm.dert, whose discounted series the interface
 * caches by (x, T), while a CNBD-k customer's future depends on T - t_x too
 * (the phase of the Erlang clock).
 */
#include "crm.h"
#include "clv_ops.h"
#include "clv_cnbd_math.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/float.h"

/* The range of k a fit chooses from by default (as BTYDplus's grid) */
#define CNBD_DEFAULT_K_MAX 12

/* A fit's distinct (x, t_x, T) tuples, grouped by x */
typedef struct CnbdData
{
	bool		mbg;			/* MBG/CNBD-k */
	int32		n_x;			/* distinct frequencies */
	float8	   *x;				/* the distinct frequencies, increasing */
	int32	   *group_start;	/* tuples of x[g] are group_start[g] ..
								 * group_start[g+1]-1 */
	int32		n_tuples;		/* distinct tuples */
	float8	   *weight;			/* customers with each tuple */
	float8	   *t_x;			/* each tuple's t_x */
	float8	   *age;			/* each tuple's T */
	float8	   *log_gap;		/* each tuple's log(T - t_x), 0 if T = t_x */
	void	   *nbd;			/* the (M)BG/NBD's prepared data (k = 1) */
} CnbdData;

/* The parameters of a model (or of the optimizer's point), by name */
static CnbdParams
ParamsOf(const float8 *params, bool mbg)
{
	CnbdParams	p;

	p.k = (int) params[0];
	p.r = params[1];
	p.alpha = params[2];
	p.a = params[3];
	p.b = params[4];
	p.mbg = mbg;
	return p;
}

/* The (M)BG/NBD table behind a CNBD-k kind (its k = 1) */
static const ClvModelOps *
NbdOps(bool mbg)
{
	return mbg ? &ClvMbgnbdOps : &ClvBgnbdOps;
}

/* Total log-likelihood (without the litt term) and, optionally, its gradient */
static float8
CnbdLogLikelihood(const float8 *params, void *context, float8 *gradient)
{
	CnbdData   *data = (CnbdData *) context;
	CnbdParams	p = ParamsOf(params, data->mbg);
	float8		total = 0;

	/* k = 1 is the (M)BG/NBD: its own likelihood, bit for bit */
	if (p.k == 1)
	{
		if (gradient != NULL)
			gradient[0] = 0;
		return NbdOps(data->mbg)->loglik(params + 1, data->nbd,
										 gradient != NULL ? gradient + 1 : NULL);
	}
	if (gradient != NULL)
		memset(gradient, 0, sizeof(float8) * 5);
	for (int32 g = 0; g < data->n_x; g++)
	{
		CnbdFrequency f;

		CHECK_FOR_INTERRUPTS();
		CnbdFrequencyTerms(&p, data->x[g], gradient != NULL, &f);
		for (int32 j = data->group_start[g]; j < data->group_start[g + 1]; j++)
		{
			float8		tuple_gradient[4];
			float8		ll = CnbdTupleLogLikelihood(&p, &f, data->t_x[j], data->age[j],
													data->log_gap[j],
													gradient != NULL ? tuple_gradient : NULL);

			total += data->weight[j] * ll;
			if (gradient != NULL)
				for (int i = 0; i < 4; i++)
					gradient[i + 1] += data->weight[j] * tuple_gradient[i];
		}
	}
	return total;
}

/* The prepared data of a fit (tuples sorted by x, t_x, T) */
static CnbdData *
CnbdDataOf(bool mbg, const WeightedTuple *tuples, int32 n_tuples)
{
	CnbdData   *data = (CnbdData *) palloc0(sizeof(CnbdData));

	data->mbg = mbg;
	data->n_tuples = n_tuples;
	data->x = (float8 *) palloc(sizeof(float8) * n_tuples);
	data->group_start = (int32 *) palloc(sizeof(int32) * (n_tuples + 1));
	data->weight = (float8 *) palloc(sizeof(float8) * n_tuples);
	data->t_x = (float8 *) palloc(sizeof(float8) * n_tuples);
	data->age = (float8 *) palloc(sizeof(float8) * n_tuples);
	data->log_gap = (float8 *) palloc(sizeof(float8) * n_tuples);
	for (int32 j = 0; j < n_tuples; j++)
	{
		if (j == 0 || tuples[j].v[0] != tuples[j - 1].v[0])
		{
			data->x[data->n_x] = tuples[j].v[0];
			data->group_start[data->n_x++] = j;
		}
		data->weight[j] = (float8) tuples[j].count;
		data->t_x[j] = tuples[j].v[1];
		data->age[j] = tuples[j].v[2];
		data->log_gap[j] = tuples[j].v[2] > tuples[j].v[1] ? log(tuples[j].v[2] - tuples[j].v[1]) : 0;
	}
	data->group_start[data->n_x] = n_tuples;
	data->nbd = NbdOps(mbg)->prepare(tuples, n_tuples);
	return data;
}

/* The prepared data of a BG/CNBD-k fit */
static void *
BgcnbdPrepare(const WeightedTuple *tuples, int32 n_tuples)
{
	return CnbdDataOf(false, tuples, n_tuples);
}

/* The prepared data of an MBG/CNBD-k fit */
static void *
MbgcnbdPrepare(const WeightedTuple *tuples, int32 n_tuples)
{
	return CnbdDataOf(true, tuples, n_tuples);
}

/*
 * k = 1 (FitState sets the k of each fit), then the (M)BG/NBD's start: r =
 * a = b = 1 and alpha = the mean age, the same in any time unit
 */
static void
CnbdStart(const WeightedTuple *tuples, int32 n_tuples, float8 *start)
{
	start[0] = 1;
	NbdOps(false)->start(tuples, n_tuples, start + 1);
}

/*
 * The part of the log-likelihood the tuples do not hold: (k - 1) sum litt -
 * sum x log((k - 1)!), over the customers of the fit; 22023 when k > 1 and
 * the state has no litt
 */
static float8
CnbdLogLikelihoodConstant(const float8 *params, const TupleState *state,
						  const WeightedTuple *tuples, int32 n_tuples)
{
	float8		k = params[0];
	float8		sum_x = 0;

	if (k == 1)
		return 0;
	if (!state->has_litt)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a regularity fit with k = %g needs the customers' litt", k),
				 errdetail("The fit state holds no sum of log inter-purchase times: its log-likelihood would be wrong, and k could not be chosen."),
				 errhint("Fit with crm.bgcnbd_fit(x, t_x, t, litt) or on crm.regularity_fit_partial(x, t_x, t, litt); crm.litt computes litt from a purchase log.")));
	for (int32 j = 0; j < n_tuples; j++)
		sum_x += tuples[j].v[0] * (float8) tuples[j].count;
	return (k - 1) * TupleStateLitt(state) - sum_x * lgamma(k);
}

/* Check for interrupts between the terms of an expectation */
static void
PollInterrupts(void)
{
	CHECK_FOR_INTERRUPTS();
}

/*
 * One customer's log-likelihood (the customer_loglik operation): the
 * general formula at every k, with the litt term; NaN (NULL) without litt
 */
static float8
CnbdCustomerLoglik(const ClvModel *model, const float8 *customer)
{
	CnbdParams	p = ParamsOf(model->params, model->kind == CLV_MBGCNBD);
	CnbdFrequency f;
	float8		x = customer[0];
	float8		ll;

	if (isnan(customer[3]))
		return get_float8_nan();
	CnbdFrequencyTerms(&p, x, false, &f);
	ll = CnbdTupleLogLikelihood(&p, &f, customer[1], customer[2],
								customer[2] > customer[1] ? log(customer[2] - customer[1]) : 0,
								NULL);
	if (p.k > 1)
		ll += (p.k - 1) * customer[3] - x * lgamma(p.k);
	CheckResultFinite(ll, "log-likelihood of the customer");
	return ll;
}

/* P(alive at T) of a customer (x, t_x, T) (the p_alive operation) */
static float8
CnbdPAlive(const ClvModel *model, const float8 *customer)
{
	CnbdParams	p = ParamsOf(model->params, model->kind == CLV_MBGCNBD);

	return CnbdProbabilityAlive(&p, customer[0], customer[1], customer[2]);
}

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T), or E[X(t)] of
 * a new customer (the expected operation): NaN (NULL) for a customer whose
 * sum would take more than CNBD_MAX_TERMS terms, 22023 for a new customer
 */
static float8
CnbdExpected(const ClvModel *model, float8 t, const float8 *customer)
{
	CnbdParams	p = ParamsOf(model->params, model->kind == CLV_MBGCNBD);
	float8		value;

	if (!CnbdExpectedPurchases(&p, t, customer ? customer[0] : 0, customer ? customer[1] : 0,
							   customer ? customer[2] : 0, PollInterrupts, &value))
	{
		if (customer != NULL)
			return get_float8_nan();	/* this customer cannot be scored: NULL */
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot evaluate the expected purchases for horizon %g", t),
				 errdetail("The sum over the purchases to come would take more than %d terms.",
						   CNBD_MAX_TERMS),
				 errhint("Use a shorter horizon, or check that the model's time unit matches the horizon's.")));
	}
	CheckResultFinite(value, "expected purchases");
	return value;
}

/* P(X(t) = n) of a new customer (the pmf operation) */
static float8
CnbdPmf(const ClvModel *model, float8 n, float8 t)
{
	CnbdParams	p = ParamsOf(model->params, model->kind == CLV_MBGCNBD);
	float8		value;

	if (!CnbdPurchaseProbability(&p, n, t, &value))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("purchase probability cannot be computed for n = %g and horizon %g", n, t),
				 errdetail("The incomplete beta function I(%g, %g) does not converge in double precision.",
						   n * p.k, p.r)));
	return ClampProbability(value, "purchase probability");
}

/* The table of BG/CNBD-k and MBG/CNBD-k (they differ by the kind's dropout at 0) */
#define CNBD_MODEL_OPS(kind, type_name, title, prepare_data) \
{ \
	.spec = {kind, type_name, title, TUPLE_SHAPE_PURCHASES, 5, {"k", "r", "alpha", "a", "b"}, \
			 1, CNBD_MAX_K}, \
	.penalized = true, \
	.timed = true, \
	.sampled = true, \
	.check_data = ClvCheckAnyRepeat, \
	.start = CnbdStart, \
	.prepare = prepare_data, \
	.loglik = CnbdLogLikelihood, \
	.ll_constant = CnbdLogLikelihoodConstant, \
	.customer_loglik = CnbdCustomerLoglik, \
	.p_alive = CnbdPAlive, \
	.expected = CnbdExpected, \
	.pmf = CnbdPmf, \
}

/* The BG/CNBD-k model */
const ClvModelOps ClvBgcnbdOps = CNBD_MODEL_OPS(CLV_BGCNBD, "bgcnbd", "BG/CNBD-k", BgcnbdPrepare);

/* The MBG/CNBD-k model */
const ClvModelOps ClvMbgcnbdOps = CNBD_MODEL_OPS(CLV_MBGCNBD, "mbgcnbd", "MBG/CNBD-k", MbgcnbdPrepare);

/* The k argument argno of a fit: a whole number in 1 .. CNBD_MAX_K (22023) */
static int
KArg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	int32		k;

	CheckNotNull(fcinfo, argno, name);
	k = PG_GETARG_INT32(argno);
	if (k < 1 || k > CNBD_MAX_K)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 1 and %d, not %d", name, CNBD_MAX_K, k)));
	return k;
}

/*
 * The final functions of a kind: (state [, penalizer]) chooses k in 1 ..
 * CNBD_DEFAULT_K_MAX; (state, k [, penalizer]) fixes k; (state, k_min,
 * k_max, penalizer) chooses k in k_min .. k_max.  form says which.
 */
static Datum
CnbdFitFinal(FunctionCallInfo fcinfo, const ClvModelOps *ops, int form)
{
	int			first = 1;
	int			last = CNBD_DEFAULT_K_MAX;
	float8		penalizer;

	if (form == 0)
		penalizer = ClvFitPenalizer(fcinfo, 1);
	else if (form == 1)
	{
		first = last = KArg(fcinfo, 1, "k");
		penalizer = ClvFitPenalizer(fcinfo, 2);
	}
	else
	{
		first = KArg(fcinfo, 1, "k_min");
		last = KArg(fcinfo, 2, "k_max");
		if (first > last)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("k_min must not exceed k_max, not %d and %d", first, last)));
		penalizer = ClvFitPenalizer(fcinfo, 3);
	}
	return ClvFitFinalStructural(fcinfo, ops, penalizer, first, last);
}

/* Final function of crm.bgcnbd_fit: k chosen in 1 .. 12 (NULL for no rows) */
PG_FUNCTION_INFO_V1(bgcnbd_fit_final);
Datum
bgcnbd_fit_final(PG_FUNCTION_ARGS)
{
	return CnbdFitFinal(fcinfo, &ClvBgcnbdOps, 0);
}

/* crm.bgcnbd_fit_final(state, k [, penalizer]): the fit with k fixed */
PG_FUNCTION_INFO_V1(bgcnbd_fit_final_k);
Datum
bgcnbd_fit_final_k(PG_FUNCTION_ARGS)
{
	return CnbdFitFinal(fcinfo, &ClvBgcnbdOps, 1);
}

/* crm.bgcnbd_fit_final(state, k_min, k_max, penalizer): k chosen in the range */
PG_FUNCTION_INFO_V1(bgcnbd_fit_final_range);
Datum
bgcnbd_fit_final_range(PG_FUNCTION_ARGS)
{
	return CnbdFitFinal(fcinfo, &ClvBgcnbdOps, 2);
}

/* Final function of crm.mbgcnbd_fit: k chosen in 1 .. 12 (NULL for no rows) */
PG_FUNCTION_INFO_V1(mbgcnbd_fit_final);
Datum
mbgcnbd_fit_final(PG_FUNCTION_ARGS)
{
	return CnbdFitFinal(fcinfo, &ClvMbgcnbdOps, 0);
}

/* crm.mbgcnbd_fit_final(state, k [, penalizer]): the fit with k fixed */
PG_FUNCTION_INFO_V1(mbgcnbd_fit_final_k);
Datum
mbgcnbd_fit_final_k(PG_FUNCTION_ARGS)
{
	return CnbdFitFinal(fcinfo, &ClvMbgcnbdOps, 1);
}

/* crm.mbgcnbd_fit_final(state, k_min, k_max, penalizer): k chosen in the range */
PG_FUNCTION_INFO_V1(mbgcnbd_fit_final_range);
Datum
mbgcnbd_fit_final_range(PG_FUNCTION_ARGS)
{
	return CnbdFitFinal(fcinfo, &ClvMbgcnbdOps, 2);
}

/* crm.bgcnbd(k, r, alpha, a, b): a BG/CNBD-k model from given parameters */
PG_FUNCTION_INFO_V1(bgcnbd_make);
Datum
bgcnbd_make(PG_FUNCTION_ARGS)
{
	return ClvModelMake(fcinfo, &ClvBgcnbdOps);
}

/* crm.mbgcnbd(k, r, alpha, a, b): an MBG/CNBD-k model from given parameters */
PG_FUNCTION_INFO_V1(mbgcnbd_make);
Datum
mbgcnbd_make(PG_FUNCTION_ARGS)
{
	return ClvModelMake(fcinfo, &ClvMbgcnbdOps);
}
