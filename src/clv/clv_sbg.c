/*
 * clv_sbg.c
 *		The shifted beta-geometric (sBG) model of contractual retention
 *		(Fader & Hardie 2007, "How to project customer retention", Journal of
 *		Interactive Marketing 21(1)): likelihood with analytic gradient (the
 *		operations of its kind, clv_ops.h), survival, retention and churn probabilities,
 *		discounted expected lifetime (DEL) and residual lifetime (DERL;
 *		Fader & Hardie 2010, "Customer-base valuation in a contractual
 *		setting: the perils of ignoring heterogeneity", Marketing Science
 *		29(1)), and a helper that turns a cohort survival table into fit input.
 *
 * Periods are contract periods.  A customer pays at the start of period 1
 * (time 0) and at each renewal, the t-th renewal being at the end of period
 * t (time t).  Each customer has a churn probability theta ~ Beta(alpha,
 * beta) and renews at each opportunity with probability 1 - theta.  The
 * tenure T is the number of periods a customer stayed, so T = t means the
 * customer made t - 1 renewals and did not make the t-th:
 *
 *	 P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta),	t >= 1
 *	 S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta),		t >= 0
 *	 r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)
 *
 * A churned customer of tenure t contributes log P(T = t) to the
 * likelihood, one still active after t periods (censored) log S(t).
 *
 * With z = 1 / (1 + d), d the discount rate per period,
 *
 *	 DEL = sum_{t >= 0} S(t) z^t = 2F1(1, beta; alpha + beta; z)
 *
 * counts the first payment (time 0) undiscounted.  DERL follows Fader &
 * Hardie (2010): for a customer who has made n renewals (n = 0 for one who
 * only paid the first period), valued at the end of period n + 1, just
 * before the (n + 1)-th renewal, which is counted undiscounted but only
 * with its probability r(n + 1):
 *
 *	 DERL(n) = sum_{t > n} S(t) / S(n) z^(t - n - 1)
 *			 = r(n + 1) 2F1(1, beta + n + 1; alpha + beta + n + 1; z)
 *
 * (their E(DERL | n - 1 renewals) at their n = our n + 1: the argument
 * counts renewals made), so that DEL = 1 + z DERL(0).  The series have
 * positive terms whose ratios stay below z: they converge for every d > 0,
 * slowly for small d, and a series that would need more terms than
 * Hyp2F1Series allows is an error, not a number.
 */
#include "crm.h"
#include "clv_ops.h"
#include "numerics.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

/* Largest period a prediction accepts (the fits' largest tenure) */
#define SBG_MAX_PERIOD 1e6
/*
 * A fit whose log-likelihood is within this relative amount of the single
 * churn probability's has found no heterogeneity
 */
#define SBG_SAME_LL 1e-9
/* Largest customer count of a survival table (exact in float8) */
#define SBG_MAX_CUSTOMERS 1e15

/* A fit's distinct (tenure, churned) pairs with their weights */
typedef struct TenureData
{
	int32		n;				/* distinct pairs */
	float8	   *tenure;			/* each pair's tenure, >= 1 */
	bool	   *churned;		/* whether it churned then (else censored) */
	float8	   *weight;			/* customers with the pair */
	bool		exact;			/* log B differences as LogBetaRatio (one
								 * customer's log-likelihood; the fit keeps
								 * LogBeta) */
} TenureData;

/* Total log-likelihood of the data at (alpha, beta) and, optionally, its gradient */
static float8
TenureLogLikelihood(const float8 *params, void *context, float8 *gradient)
{
	TenureData *data = (TenureData *) context;
	float8		alpha = params[0];
	float8		beta = params[1];
	float8		log_beta_ab = LogBeta(alpha, beta);
	float8		psi_ab = gradient ? Digamma(alpha + beta) : 0;
	float8		psi_a = gradient ? Digamma(alpha) : 0;
	float8		psi_b = gradient ? Digamma(beta) : 0;
	float8		total = 0;
	float8		g_alpha = 0,
				g_beta = 0;

	for (int32 j = 0; j < data->n; j++)
	{
		float8		t = data->tenure[j];
		float8		w = data->weight[j];

		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();

		if (data->churned[j])
		{
			/* log P(T = t) = log B(alpha + 1, beta + t - 1) - log B(alpha, beta) */
			total += w * (data->exact ? LogBetaRatio(alpha, beta, 1, t - 1) :
						  LogBeta(alpha + 1, beta + t - 1) - log_beta_ab);
			if (gradient)
			{
				float8		psi_abt = Digamma(alpha + beta + t);

				g_alpha += w * (Digamma(alpha + 1) - psi_abt - psi_a + psi_ab);
				g_beta += w * (Digamma(beta + t - 1) - psi_abt - psi_b + psi_ab);
			}
		}
		else
		{
			/* log S(t) = log B(alpha, beta + t) - log B(alpha, beta) */
			total += w * (data->exact ? LogBetaRatio(alpha, beta, 0, t) :
						  LogBeta(alpha, beta + t) - log_beta_ab);
			if (gradient)
			{
				float8		psi_abt = Digamma(alpha + beta + t);

				g_alpha += w * (psi_ab - psi_abt);
				g_beta += w * (Digamma(beta + t) - psi_abt - psi_b + psi_ab);
			}
		}
	}
	if (gradient)
	{
		gradient[0] = g_alpha;
		gradient[1] = g_beta;
	}
	return total;
}

/* The data of a tenures fit state (or of one customer) */
static TenureData *
TenureDataOf(const WeightedTuple *pairs, int32 n_pairs)
{
	TenureData *data = (TenureData *) palloc0(sizeof(TenureData));

	data->n = n_pairs;
	data->tenure = (float8 *) palloc(sizeof(float8) * Max(n_pairs, 1));
	data->churned = (bool *) palloc(sizeof(bool) * Max(n_pairs, 1));
	data->weight = (float8 *) palloc(sizeof(float8) * Max(n_pairs, 1));
	for (int32 j = 0; j < n_pairs; j++)
	{
		data->tenure[j] = pairs[j].v[0];
		data->churned[j] = pairs[j].v[1] != 0;
		data->weight[j] = (float8) pairs[j].count;
	}
	return data;
}

/* The tenures data of a fit (the prepare operation) */
static void *
TenurePrepare(const WeightedTuple *pairs, int32 n_pairs)
{
	return TenureDataOf(pairs, n_pairs);
}

/* Churns C and renewals R in (tenure, churned) pairs */
static void
CountChurns(const WeightedTuple *pairs, int32 n_pairs, float8 *churns, float8 *renewals)
{
	*churns = 0;
	*renewals = 0;
	for (int32 j = 0; j < n_pairs; j++)
	{
		bool		churned = pairs[j].v[1] != 0;
		float8		w = (float8) pairs[j].count;

		*churns += churned ? w : 0;
		*renewals += w * (churned ? pairs[j].v[0] - 1 : pairs[j].v[0]);
	}
}

/*
 * check_data: with C churns and R renewals in the data, the sBG likelihood
 * tends, as alpha and beta go to infinity with alpha / (alpha + beta)
 * fixed, to that of one churn probability theta for everyone, maximal at
 * theta = C / (C + R).  Data without churn (C = 0) or without any renewal
 * (R = 0) push theta to 0 or 1 and identify nothing: 22000, as BG/NBD data
 * without repeat purchases.
 */
static void
TenureCheckData(const ClvModelSpec *spec, const WeightedTuple *pairs, int32 n_pairs, int64 n)
{
	float8		churns;
	float8		renewals;

	CountChurns(pairs, n_pairs, &churns, &renewals);
	if (churns == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot fit the %s model: no customer churned", spec->title),
				 errdetail("All " INT64_FORMAT " customers are still active (censored), which does not identify the churn probabilities.",
						   n)));
	if (renewals == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("cannot fit the %s model: no customer renewed", spec->title),
				 errdetail("All " INT64_FORMAT " customers left at their first renewal, which does not identify the churn probabilities.",
						   n)));
}

/* alpha = beta = 1: churn probabilities uniform on (0, 1) */
static void
TenureStart(const WeightedTuple *pairs pg_attribute_unused(), int32 n_pairs pg_attribute_unused(),
			float8 *start)
{
	start[0] = 1;
	start[1] = 1;
}

/*
 * check_identified: data whose churn is no more dispersed than the single
 * geometric lifetime of theta = C / (C + R) have no finite maximum; when
 * the fit does not beat that theta, the model is marked converged = false,
 * with a WARNING
 */
static bool
TenureCheckIdentified(ClvModel *model, const WeightedTuple *pairs, int32 n_pairs)
{
	float8		churns;
	float8		renewals;
	float8		theta;
	float8		ll_single;

	CountChurns(pairs, n_pairs, &churns, &renewals);
	theta = churns / (churns + renewals);
	ll_single = churns * log(theta) + renewals * log1p(-theta);
	/* whatever stopped the optimizer: this is the diagnosis when it holds */
	if (model->ll <= ll_single + SBG_SAME_LL * fabs(ll_single))
	{
		model->flags &= ~CLV_FLAG_CONVERGED;
		ereport(WARNING,
				(errmsg("sBG fit did not converge: the data show no heterogeneity in churn"),
				 errdetail("One churn probability %g for every customer fits as well (log-likelihood %g); alpha and beta diverge with alpha / (alpha + beta) near it. The returned model is marked converged=false.",
						   theta, ll_single),
				 errhint("Check the input (tenures of several cohorts, churned and still active customers), or use the single churn probability.")));
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------------
 */

/* Raise 22023 unless t is a whole number of periods between lowest and SBG_MAX_PERIOD */
static void
CheckPeriod(float8 t, float8 lowest, const char *what)
{
	if (isnan(t) || t < lowest || t > SBG_MAX_PERIOD || t != floor(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a whole number of periods between %.0f and %.0f, not %.15g",
						what, lowest, SBG_MAX_PERIOD, t),
				 errhint("The sBG model is discrete: customers stay or leave only at renewals, once per period.")));
}

/* Hint of a zero discount rate for DEL and DERL */
#define SBG_POSITIVE_RATE_HINT \
	"DEL and DERL sum over an unbounded future: undiscounted, the expected lifetime is infinite when alpha <= 1."

/*
 * S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta), as a ratio of
 * gamma functions (the two log B cancel catastrophically at 1e8 and beyond)
 */
static float8
Survival(const ClvModel *model, float8 t)
{
	float8		alpha = model->params[0];
	float8		beta = model->params[1];

	if (t == 0)
		return 1;
	return ClampProbability(exp(LogBetaRatio(alpha, beta, 0, t)), "survival");
}

/*
 * r(t) = P(T > t | T > t - 1) = (beta + t - 1) / (alpha + beta + t - 1),
 * with t - 1 first (beta + 1 - 1 is 0 when beta is below the rounding of 1)
 */
static float8
RetentionRate(const ClvModel *model, float8 t)
{
	float8		alpha = model->params[0];
	float8		beta = model->params[1];

	return ClampProbability((beta + (t - 1)) / ((alpha + beta) + (t - 1)), "retention rate");
}

/* 2F1(1, b; c; z) = sum_k (b)_k / (c)_k z^k at z = 1 / (1 + rate), or an error */
static float8
DiscountedSeries(float8 b, float8 c, float8 rate)
{
	float8		value;

	if (!Hyp2F1Series(1, b, c, 1 / (1 + rate), &value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot sum the discounted lifetime for discount rate %g", rate),
				 errdetail("The series 2F1(1, %g; %g; 1/(1 + %g)) does not converge within the term limit.",
						   b, c, rate),
				 errhint("Its terms decay like (1 + d)^-t: rates of 1e-4 per period and above are summed.")));
	return value;
}

/* crm.survival(model, t): S(t), the share of a cohort still active after t periods */
PG_FUNCTION_INFO_V1(sbg_survival);
Datum
sbg_survival(PG_FUNCTION_ARGS)
{
	ClvModel   *model = ClvGetModel(fcinfo, 0, CLV_SBG);
	float8		t = PG_GETARG_FLOAT8(1);

	CheckPeriod(t, 0, "t");
	PG_RETURN_FLOAT8(Survival(model, t));
}

/* crm.retention_rate(model, t): r(t), share of those who made t - 1 renewals that make the t-th */
PG_FUNCTION_INFO_V1(sbg_retention_rate);
Datum
sbg_retention_rate(PG_FUNCTION_ARGS)
{
	ClvModel   *model = ClvGetModel(fcinfo, 0, CLV_SBG);
	float8		t = PG_GETARG_FLOAT8(1);

	CheckPeriod(t, 1, "t");
	PG_RETURN_FLOAT8(RetentionRate(model, t));
}

/* crm.churn_probability(model, t): P(T = t), share of a cohort that leaves at the t-th renewal */
PG_FUNCTION_INFO_V1(sbg_churn_probability);
Datum
sbg_churn_probability(PG_FUNCTION_ARGS)
{
	ClvModel   *model = ClvGetModel(fcinfo, 0, CLV_SBG);
	float8		t = PG_GETARG_FLOAT8(1);
	float8		alpha = model->params[0];
	float8		beta = model->params[1];

	CheckPeriod(t, 1, "t");
	/* P(T = t) = S(t - 1) (1 - r(t)) = S(t - 1) alpha / (alpha + beta + t - 1) */
	PG_RETURN_FLOAT8(ClampProbability(Survival(model, t - 1) * (alpha / ((alpha + beta) + (t - 1))),
									  "churn probability"));
}

/* crm.del(model, discount_rate): discounted expected lifetime of a new customer */
PG_FUNCTION_INFO_V1(sbg_del);
Datum
sbg_del(PG_FUNCTION_ARGS)
{
	ClvModel   *model = ClvGetModel(fcinfo, 0, CLV_SBG);
	float8		rate = PG_GETARG_FLOAT8(1);

	CheckPositiveDiscountRate(rate, SBG_POSITIVE_RATE_HINT);
	PG_RETURN_FLOAT8(DiscountedSeries(model->params[1],
									  model->params[0] + model->params[1], rate));
}

/*
 * crm.derl(model, renewals, discount_rate): discounted expected residual
 * lifetime of a customer who has made the given number of renewals, valued
 * just before the next renewal (Fader & Hardie 2010)
 */
PG_FUNCTION_INFO_V1(sbg_derl);
Datum
sbg_derl(PG_FUNCTION_ARGS)
{
	ClvModel   *model = ClvGetModel(fcinfo, 0, CLV_SBG);
	float8		n = PG_GETARG_FLOAT8(1);
	float8		rate = PG_GETARG_FLOAT8(2);
	float8		alpha = model->params[0];
	float8		beta = model->params[1];

	CheckPeriod(n, 0, "renewals");
	CheckPositiveDiscountRate(rate, SBG_POSITIVE_RATE_HINT);
	PG_RETURN_FLOAT8(RetentionRate(model, n + 1) *
					 DiscountedSeries(beta + n + 1, alpha + beta + n + 1, rate));
}

/* One customer's log-likelihood (the customer_loglik operation) */
static float8
TenureCustomerLoglik(const ClvModel *model, const float8 *customer)
{
	WeightedTuple pair;
	TenureData *data;

	pair.v[0] = customer[0];
	pair.v[1] = customer[1];
	pair.v[2] = 0;
	pair.count = 1;
	data = TenureDataOf(&pair, 1);

	/* one customer's log-likelihood in the form exact at extreme parameters */
	data->exact = true;
	return Min(TenureLogLikelihood(model->params, data, NULL), 0);
}

/* The sBG model (its fit takes no penalizer) */
const ClvModelOps ClvSbgOps = {
	.spec = {CLV_SBG, "sbg", "sBG", TUPLE_SHAPE_TENURES, 2, {"alpha", "beta", NULL, NULL}},
	.check_data = TenureCheckData,
	.start = TenureStart,
	.prepare = TenurePrepare,
	.loglik = TenureLogLikelihood,
	.check_identified = TenureCheckIdentified,
	.customer_loglik = TenureCustomerLoglik,
};

/* Final function of crm.sbg_fit: the fitted sBG model, NULL without rows */
PG_FUNCTION_INFO_V1(sbg_fit_final);
Datum
sbg_fit_final(PG_FUNCTION_ARGS)
{
	return ClvFitFinal(fcinfo, &ClvSbgOps);
}

/* crm.sbg(alpha, beta): an sBG model from given parameters */
PG_FUNCTION_INFO_V1(sbg_make);
Datum
sbg_make(PG_FUNCTION_ARGS)
{
	return ClvModelMake(fcinfo, &ClvSbgOps);
}

/* ---------------------------------------------------------------------------
 * Survival tables as fit input
 * ---------------------------------------------------------------------------
 */

/* One row of a survival table */
typedef struct SurvivalRow
{
	int32		period;			/* periods since acquisition, 0, 1, ... */
	float8		surviving;		/* customers (or share) still active then */
} SurvivalRow;

/* qsort comparator of survival rows by period */
static int
CompareSurvivalRows(const void *a, const void *b)
{
	int32		pa = ((const SurvivalRow *) a)->period;
	int32		pb = ((const SurvivalRow *) b)->period;

	return (pa > pb) - (pa < pb);
}

/* The survival table of the arguments, sorted by period and checked */
static SurvivalRow *
SurvivalTableArg(FunctionCallInfo fcinfo, int *n)
{
	int			n_periods;
	int			n_surviving;
	Datum	   *periods = CrmArrayElements(PG_GETARG_ARRAYTYPE_P(0), "period", 0,
											   PG_INT32_MAX, &n_periods);
	float8	   *surviving = CrmFloat8Array(PG_GETARG_ARRAYTYPE_P(1), "surviving", 0,
										   PG_INT32_MAX, true, &n_surviving);
	SurvivalRow *rows;

	if (n_periods != n_surviving)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period and surviving must have the same length, not %d and %d",
						n_periods, n_surviving)));
	if (n_periods == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a survival table needs at least period 0")));
	rows = (SurvivalRow *) palloc(sizeof(SurvivalRow) * n_periods);
	for (int i = 0; i < n_periods; i++)
	{
		rows[i].period = DatumGetInt32(periods[i]);
		rows[i].surviving = surviving[i];
		if (rows[i].surviving < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("surviving must not be negative, not %g (period %d)",
							rows[i].surviving, rows[i].period)));
	}
	qsort(rows, n_periods, sizeof(SurvivalRow), CompareSurvivalRows);
	for (int i = 0; i < n_periods; i++)
	{
		bool		duplicate = i > 0 && rows[i].period == rows[i - 1].period;

		if (rows[i].period != i)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("survival table periods must be consecutive from 0: %s period %d",
							duplicate ? "duplicate" : "missing", duplicate ? rows[i].period : i),
					 errdetail("Its periods run from %d to %d over %d rows.",
							   rows[0].period, rows[n_periods - 1].period, n_periods)));
		if (i > 0 && rows[i].surviving > rows[i - 1].surviving)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("survival must not increase: %g at period %d after %g at period %d",
							rows[i].surviving, i, rows[i - 1].surviving, i - 1),
					 errhint("A survival table follows one cohort: its customers can only leave.")));
	}
	*n = n_periods;
	return rows;
}

/*
 * crm.sbg_fit_input(period, surviving [, cohort_size]): the (tenure,
 * churned, customers) rows of a cohort's survival table, to feed
 * crm.sbg_fit(tenure, churned, customers).  Without a cohort size surviving
 * are customer counts; with it they are read relative to period 0 (percent,
 * shares, ...) and scaled to the cohort, rounded to whole customers.
 */
PG_FUNCTION_INFO_V1(sbg_fit_input);
Datum
sbg_fit_input(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			n;
	SurvivalRow *rows = SurvivalTableArg(fcinfo, &n);
	int64	   *counts = (int64 *) palloc(sizeof(int64) * n);

	if (PG_NARGS() > 2)
	{
		int64		cohort = PG_GETARG_INT64(2);

		if (cohort < 1 || cohort > (int64) SBG_MAX_CUSTOMERS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cohort size must be between 1 and %g, not " INT64_FORMAT,
							SBG_MAX_CUSTOMERS, cohort)));
		if (rows[0].surviving <= 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("surviving at period 0 must be > 0 to scale the table to a cohort, not %g",
							rows[0].surviving)));
		for (int i = 0; i < n; i++)
			counts[i] = (int64) rint((float8) cohort * (rows[i].surviving / rows[0].surviving));
	}
	else
	{
		for (int i = 0; i < n; i++)
		{
			if (rows[i].surviving != floor(rows[i].surviving))
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("surviving must be whole customer counts, not %g (period %d)",
								rows[i].surviving, i),
						 errhint("For percentages or shares pass the cohort size: crm.sbg_fit_input(period, surviving, cohort_size).")));
			if (rows[i].surviving > SBG_MAX_CUSTOMERS)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_EXCEPTION),
						 errmsg("surviving must be at most %g customers, not %g (period %d)",
								SBG_MAX_CUSTOMERS, rows[i].surviving, i)));
			counts[i] = (int64) rows[i].surviving;
		}
	}

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 1; i <= n; i++)
	{
		Datum		values[3];
		bool		nulls[3] = {false, false, false};
		bool		is_last = i == n;
		int64		customers = is_last ? counts[n - 1] : counts[i - 1] - counts[i];

		CHECK_FOR_INTERRUPTS();
		/* churned at tenure i, then the survivors of the last period (censored) */
		if (customers == 0 || (is_last && n == 1))
			continue;
		values[0] = Int32GetDatum(is_last ? n - 1 : i);
		values[1] = BoolGetDatum(!is_last);
		values[2] = Int64GetDatum(customers);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
