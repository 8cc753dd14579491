/*
 * campaign_tables.c
 *		The results read from a crm.campaign_state: a summary, response rates
 *		with Wilson intervals, the two-proportion test of treated against
 *		control, gains and uplift tables by score bucket, the cumulative
 *		gains curve, AUC and Gini of a score, the Qini curve and coefficient.
 *
 * Order and ties: customers are ranked by score, highest first, and the
 * rank of a customer is 1 + the customers with a higher score (SQL's rank()
 * in descending score order), so customers with equal scores share a rank.
 * With N customers and B buckets, a customer of rank k is in bucket
 * ceil(B * k / N): a bucket holds whole scores, never part of a tie, and a
 * bucket no score starts in is empty (and not listed).  Curves have one
 * point per distinct score (after all customers with that score).
 */
#include "crm.h"
#include "campaign.h"
#include "numerics.h"

#include <math.h>

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

/* Raise 22023 unless a state has all the kind bits of need */
void
CampaignCheckKind(const CampaignState *state, uint8 need, const char *function)
{
	if ((state->kind & need) != need)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s needs a campaign state %s, not one of kind %s", function,
						need == (CAMPAIGN_HAS_SCORES | CAMPAIGN_HAS_TREATMENT) ?
						"with scores and a treatment flag (crm.uplift_fit)" :
						need == CAMPAIGN_HAS_SCORES ?
						"with scores (crm.gains_fit or crm.uplift_fit)" :
						"with a treatment flag (crm.response_fit(responded, treated) or crm.uplift_fit)",
						CampaignKindName(state->kind))));
}

/* The confidence argument argno, its normal quantile */
static float8
ConfidenceArg(FunctionCallInfo fcinfo, int argno)
{
	CheckNotNull(fcinfo, argno, "confidence");
	return ConfidenceQuantile(PG_GETARG_FLOAT8(argno));
}

/* The buckets argument argno: 22023 unless 1 .. CAMPAIGN_MAX_BUCKETS */
static int32
BucketsArg(FunctionCallInfo fcinfo, int argno)
{
	int32		buckets;

	CheckNotNull(fcinfo, argno, "buckets");
	buckets = PG_GETARG_INT32(argno);
	if (buckets < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("buckets must be at least 1, not %d", buckets),
				 errhint("Use 10 for deciles, 20 for ventiles.")));
	CheckSizeBound(buckets, CAMPAIGN_MAX_BUCKETS, "buckets");
	return buckets;
}

/* A ratio of counts, NULL (*isnull) when the denominator is 0 */
static Datum
RatioDatum(float8 num, float8 den, bool *isnull)
{
	*isnull = den == 0;
	return *isnull ? (Datum) 0 : Float8GetDatum(num / den);
}

/* A float8 datum, or NULL when value is NaN (an undefined ratio) */
static Datum
MaybeFloat8(float8 value, bool *isnull)
{
	*isnull = isnan(value);
	return *isnull ? (Datum) 0 : Float8GetDatum(value);
}

/* num / den, NaN when den is 0 */
static float8
Ratio(float8 num, float8 den)
{
	return den == 0 ? get_float8_nan() : num / den;
}

/* crm.campaign_summary(state): kind, counts, distinct scores, skipped rows */
PG_FUNCTION_INFO_V1(campaign_summary);
Datum
campaign_summary(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	bool		treatment = (state->kind & CAMPAIGN_HAS_TREATMENT) != 0;
	TupleDesc	desc;
	Datum		values[9];
	bool		nulls[9] = {0};
	int32		n_distinct = 0;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.campaign_summary must return a record");
	if (state->kind & CAMPAIGN_HAS_SCORES)
		(void) CampaignSortedCells(state, &n_distinct);
	values[0] = CStringGetTextDatum(CampaignKindName(state->kind));
	values[1] = Int64GetDatum(AddCounts(state->n[0], state->n[1], "customer count"));
	values[2] = Int64GetDatum(AddCounts(state->r[0], state->r[1], "responder count"));
	values[3] = Int64GetDatum(state->n[CAMPAIGN_TREATED]);
	values[4] = Int64GetDatum(state->r[CAMPAIGN_TREATED]);
	values[5] = Int64GetDatum(state->n[CAMPAIGN_CONTROL]);
	values[6] = Int64GetDatum(state->r[CAMPAIGN_CONTROL]);
	for (int i = 3; i <= 6; i++)
		nulls[i] = !treatment;
	values[7] = Int32GetDatum(n_distinct);
	nulls[7] = !(state->kind & CAMPAIGN_HAS_SCORES);
	values[8] = Int64GetDatum(state->n_skipped);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* One row of crm.response_rate: group, customers, responders, rate, Wilson interval */
static void
PutRateRow(ReturnSetInfo *rsinfo, const char *group, int64 r, int64 n, float8 z)
{
	Datum		values[6];
	bool		nulls[6] = {0};
	float8		low;
	float8		high;

	values[0] = CStringGetTextDatum(group);
	values[1] = Int64GetDatum(n);
	values[2] = Int64GetDatum(r);
	if (n > 0)
	{
		WilsonInterval(r, n, z, &low, &high);
		values[3] = Float8GetDatum((float8) r / n);
		values[4] = Float8GetDatum(low);
		values[5] = Float8GetDatum(high);
	}
	else
		nulls[3] = nulls[4] = nulls[5] = true;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * crm.response_rate(state, confidence): the response rate of each group
 * (treated, control, then all; or all) with its Wilson score interval
 */
PG_FUNCTION_INFO_V1(campaign_response_rate);
Datum
campaign_response_rate(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	float8		z = ConfidenceArg(fcinfo, 1);

	InitMaterializedSRF(fcinfo, 0);
	if (state->kind & CAMPAIGN_HAS_TREATMENT)
	{
		PutRateRow(rsinfo, "treated", state->r[1], state->n[1], z);
		PutRateRow(rsinfo, "control", state->r[0], state->n[0], z);
	}
	PutRateRow(rsinfo, "all", AddCounts(state->r[0], state->r[1], "responder count"),
			   AddCounts(state->n[0], state->n[1], "customer count"), z);
	return (Datum) 0;
}

/*
 * crm.response_test(state, confidence): treated against control, the
 * difference of response rates with its (unpooled, Wald) interval and the
 * two-sided two-proportion z test (pooled standard error)
 */
PG_FUNCTION_INFO_V1(campaign_response_test);
Datum
campaign_response_test(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	float8		zc = ConfidenceArg(fcinfo, 1);
	int64		nt = state->n[CAMPAIGN_TREATED];
	int64		nc = state->n[CAMPAIGN_CONTROL];
	float8		pt = Ratio(state->r[CAMPAIGN_TREATED], nt);
	float8		pc = Ratio(state->r[CAMPAIGN_CONTROL], nc);
	float8		diff = pt - pc;
	float8		se = get_float8_nan();
	float8		z = get_float8_nan();
	float8		p_value = get_float8_nan();
	TupleDesc	desc;
	Datum		values[11];
	bool		nulls[11] = {0};

	CampaignCheckKind(state, CAMPAIGN_HAS_TREATMENT, "crm.response_test");
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.response_test must return a record");
	if (nt > 0 && nc > 0)
	{
		float8		pooled = (float8) (state->r[0] + state->r[1]) / ((float8) nt + nc);
		float8		pooled_se = sqrt(pooled * (1 - pooled) * (1.0 / nt + 1.0 / nc));

		se = sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc);
		if (pooled_se > 0)
		{
			z = diff / pooled_se;
			p_value = ClampProbability(erfc(fabs(z) / M_SQRT2), "p-value");
		}
	}
	values[0] = Int64GetDatum(nt);
	values[1] = Int64GetDatum(state->r[CAMPAIGN_TREATED]);
	values[2] = MaybeFloat8(pt, &nulls[2]);
	values[3] = Int64GetDatum(nc);
	values[4] = Int64GetDatum(state->r[CAMPAIGN_CONTROL]);
	values[5] = MaybeFloat8(pc, &nulls[5]);
	values[6] = MaybeFloat8(diff, &nulls[6]);
	values[7] = MaybeFloat8(Max(-1.0, diff - zc * se), &nulls[7]);
	values[8] = MaybeFloat8(Min(1.0, diff + zc * se), &nulls[8]);
	values[9] = MaybeFloat8(z, &nulls[9]);
	values[10] = MaybeFloat8(p_value, &nulls[10]);
	if (isnan(se))
		nulls[7] = nulls[8] = true;
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

/* The bucket, of B, of a customer of rank k among n: ceil(B * k / n) */
static int32
BucketOf(int64 k, int64 n, int32 buckets)
{
	int128		scaled = (int128) buckets * k;

	return (int32) ((scaled + n - 1) / n);
}

/* The sums of a bucket of a gains or uplift table */
typedef struct BucketSums
{
	int32		bucket;			/* its number, 1 = highest scores */
	float8		score_high;		/* its highest score */
	float8		score_low;		/* its lowest score */
	int64		n[2];			/* customers: control (or all), treated */
	int64		r[2];			/* responders */
} BucketSums;

/* Writes one bucket row; cum holds the sums of the buckets so far, bucket included */
typedef void (*BucketWriter) (ReturnSetInfo *rsinfo, const BucketSums *bucket,
							  const BucketSums *cum, const CampaignState *state);

/*
 * Walk the distinct scores of a state from the highest, cut them into
 * buckets by the rank rule (see the top of this file) and write each
 * non-empty bucket
 */
static void
WalkBuckets(FunctionCallInfo fcinfo, const CampaignState *state, int32 buckets,
			BucketWriter write)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int32		n_cells;
	const CampaignCell *cells = CampaignSortedCells(state, &n_cells);
	int64		total = AddCounts(state->n[0], state->n[1], "customer count");
	int64		above = 0;
	BucketSums	cur = {0};
	BucketSums	cum = {0};

	InitMaterializedSRF(fcinfo, 0);
	for (int32 i = n_cells - 1; i >= 0; i--)
	{
		const CampaignCell *c = &cells[i];
		int32		b = BucketOf(above + 1, total, buckets);

		CHECK_FOR_INTERRUPTS();
		if (cur.bucket != 0 && b != cur.bucket)
		{
			write(rsinfo, &cur, &cum, state);
			memset(&cur, 0, sizeof(cur));
		}
		if (cur.bucket == 0)
		{
			cur.bucket = b;
			cur.score_high = c->score;
		}
		cur.score_low = c->score;
		for (int g = 0; g < 2; g++)
		{
			cur.n[g] += c->n[g];
			cur.r[g] += c->r[g];
			cum.n[g] += c->n[g];
			cum.r[g] += c->r[g];
		}
		above += c->n[0] + c->n[1];
	}
	if (cur.bucket != 0)
		write(rsinfo, &cur, &cum, state);
}

/* One row of crm.gains_table */
static void
WriteGainsRow(ReturnSetInfo *rsinfo, const BucketSums *b, const BucketSums *cum,
			  const CampaignState *state)
{
	Datum		values[13];
	bool		nulls[13] = {0};
	int64		n = b->n[0] + b->n[1];
	int64		r = b->r[0] + b->r[1];
	int64		cn = cum->n[0] + cum->n[1];
	int64		cr = cum->r[0] + cum->r[1];
	float8		total_n = (float8) state->n[0] + state->n[1];
	float8		total_r = (float8) state->r[0] + state->r[1];
	float8		overall = total_r / total_n;

	values[0] = Int32GetDatum(b->bucket);
	values[1] = Float8GetDatum(b->score_high);
	values[2] = Float8GetDatum(b->score_low);
	values[3] = Int64GetDatum(n);
	values[4] = Int64GetDatum(r);
	values[5] = Float8GetDatum((float8) r / n);
	values[6] = Int64GetDatum(cn);
	values[7] = Int64GetDatum(cr);
	values[8] = Float8GetDatum((float8) cr / cn);
	values[9] = Float8GetDatum(cn / total_n);
	values[10] = RatioDatum(cr, total_r, &nulls[10]);
	values[11] = RatioDatum((float8) r / n, overall, &nulls[11]);
	values[12] = RatioDatum((float8) cr / cn, overall, &nulls[12]);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * crm.gains_table(state, buckets): customers, responders, rates, cumulative
 * gain and lift per score bucket (treated and control pooled)
 */
PG_FUNCTION_INFO_V1(campaign_gains_table);
Datum
campaign_gains_table(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	int32		buckets = BucketsArg(fcinfo, 1);

	CampaignCheckKind(state, CAMPAIGN_HAS_SCORES, "crm.gains_table");
	WalkBuckets(fcinfo, state, buckets, WriteGainsRow);
	return (Datum) 0;
}

/* The uplift (treated rate - control rate) of counts, NaN if a group is empty */
static float8
Uplift(const int64 *n, const int64 *r)
{
	return Ratio(r[CAMPAIGN_TREATED], n[CAMPAIGN_TREATED]) -
		Ratio(r[CAMPAIGN_CONTROL], n[CAMPAIGN_CONTROL]);
}

/* One row of crm.uplift_table */
static void
WriteUpliftRow(ReturnSetInfo *rsinfo, const BucketSums *b, const BucketSums *cum,
			   const CampaignState *state)
{
	Datum		values[15];
	bool		nulls[15] = {0};

	(void) state;
	values[0] = Int32GetDatum(b->bucket);
	values[1] = Float8GetDatum(b->score_high);
	values[2] = Float8GetDatum(b->score_low);
	values[3] = Int64GetDatum(b->n[CAMPAIGN_TREATED]);
	values[4] = Int64GetDatum(b->r[CAMPAIGN_TREATED]);
	values[5] = RatioDatum(b->r[CAMPAIGN_TREATED], b->n[CAMPAIGN_TREATED], &nulls[5]);
	values[6] = Int64GetDatum(b->n[CAMPAIGN_CONTROL]);
	values[7] = Int64GetDatum(b->r[CAMPAIGN_CONTROL]);
	values[8] = RatioDatum(b->r[CAMPAIGN_CONTROL], b->n[CAMPAIGN_CONTROL], &nulls[8]);
	values[9] = MaybeFloat8(Uplift(b->n, b->r), &nulls[9]);
	values[10] = Int64GetDatum(cum->n[CAMPAIGN_TREATED]);
	values[11] = Int64GetDatum(cum->r[CAMPAIGN_TREATED]);
	values[12] = Int64GetDatum(cum->n[CAMPAIGN_CONTROL]);
	values[13] = Int64GetDatum(cum->r[CAMPAIGN_CONTROL]);
	values[14] = MaybeFloat8(Uplift(cum->n, cum->r), &nulls[14]);
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * crm.uplift_table(state, buckets): per score bucket (all customers ranked
 * together), the treated and control counts and rates, the uplift and the
 * cumulative uplift
 */
PG_FUNCTION_INFO_V1(campaign_uplift_table);
Datum
campaign_uplift_table(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	int32		buckets = BucketsArg(fcinfo, 1);

	CampaignCheckKind(state, CAMPAIGN_HAS_SCORES | CAMPAIGN_HAS_TREATMENT, "crm.uplift_table");
	WalkBuckets(fcinfo, state, buckets, WriteUpliftRow);
	return (Datum) 0;
}

/*
 * crm.gains_curve(state): the cumulative gains curve, (0, 0) then one point
 * after each distinct score from the highest
 */
PG_FUNCTION_INFO_V1(campaign_gains_curve);
Datum
campaign_gains_curve(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	int32		n_cells;
	const CampaignCell *cells;
	float8		total_n = (float8) state->n[0] + state->n[1];
	float8		total_r = (float8) state->r[0] + state->r[1];
	int64		cn = 0;
	int64		cr = 0;

	CampaignCheckKind(state, CAMPAIGN_HAS_SCORES, "crm.gains_curve");
	cells = CampaignSortedCells(state, &n_cells);
	InitMaterializedSRF(fcinfo, 0);
	for (int32 k = 0; k <= n_cells; k++)
	{
		Datum		values[7];
		bool		nulls[7] = {0};

		CHECK_FOR_INTERRUPTS();
		if (k > 0)
		{
			const CampaignCell *c = &cells[n_cells - k];

			cn += c->n[0] + c->n[1];
			cr += c->r[0] + c->r[1];
			values[1] = Float8GetDatum(c->score);
		}
		else
			nulls[1] = true;
		values[0] = Int32GetDatum(k);
		values[2] = Int64GetDatum(cn);
		values[3] = Int64GetDatum(cr);
		values[4] = Float8GetDatum(total_n > 0 ? cn / total_n : 0);
		values[5] = RatioDatum(cr, total_r, &nulls[5]);
		values[6] = k > 0 ? RatioDatum((float8) cr / cn, total_r / total_n, &nulls[6]) : (Datum) 0;
		nulls[6] |= k == 0;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * The AUC of a score (the probability that a responder outscores a
 * non-responder, ties counted 1/2), NaN without responders or
 * non-responders
 */
static float8
ScoreAuc(const CampaignState *state)
{
	int32		n_cells;
	const CampaignCell *cells = CampaignSortedCells(state, &n_cells);
	float8		pos = (float8) state->r[0] + state->r[1];
	float8		neg = (float8) state->n[0] + state->n[1] - pos;
	float8		neg_below = 0;
	float8		sum = 0;

	if (pos == 0 || neg == 0)
		return get_float8_nan();
	/* from the lowest score: each responder beats the non-responders below it */
	for (int32 i = 0; i < n_cells; i++)
	{
		float8		p = (float8) cells[i].r[0] + cells[i].r[1];
		float8		q = (float8) cells[i].n[0] + cells[i].n[1] - p;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		sum += p * (neg_below + q / 2);
		neg_below += q;
	}
	return ClampProbability(sum / (pos * neg), "AUC");
}

/* crm.auc(state): AUC of the score (ties 1/2), NULL without responders or non-responders */
PG_FUNCTION_INFO_V1(campaign_auc);
Datum
campaign_auc(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	float8		auc;

	CampaignCheckKind(state, CAMPAIGN_HAS_SCORES, "crm.auc");
	auc = ScoreAuc(state);
	if (isnan(auc))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(auc);
}

/* crm.gini(state): Gini of the score, 2 AUC - 1 */
PG_FUNCTION_INFO_V1(campaign_gini);
Datum
campaign_gini(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	float8		auc;

	CampaignCheckKind(state, CAMPAIGN_HAS_SCORES, "crm.gini");
	auc = ScoreAuc(state);
	if (isnan(auc))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(2 * auc - 1);
}

/*
 * The Qini value of cumulative counts: the incremental responders
 * R_t - R_c N_t / N_c of the top customers (the control term 0 while no
 * control customer is in)
 */
static float8
QiniValue(const int64 *n, const int64 *r)
{
	float8		control = n[CAMPAIGN_CONTROL] > 0 ?
		(float8) r[CAMPAIGN_CONTROL] * n[CAMPAIGN_TREATED] / n[CAMPAIGN_CONTROL] : 0;

	return (float8) r[CAMPAIGN_TREATED] - control;
}

/*
 * The area under the Qini curve of cells walked from the highest score (x
 * the fraction of customers, trapezoids between the points); *end gets its
 * last value
 */
static float8
QiniArea(const CampaignCell *cells, int32 n_cells, float8 total, float8 *end)
{
	int64		n[2] = {0, 0};
	int64		r[2] = {0, 0};
	float8		x = 0;
	float8		y = 0;
	float8		area = 0;

	for (int32 i = n_cells - 1; i >= 0; i--)
	{
		float8		x2;
		float8		y2;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		for (int g = 0; g < 2; g++)
		{
			n[g] += cells[i].n[g];
			r[g] += cells[i].r[g];
		}
		x2 = (n[0] + n[1]) / total;
		y2 = QiniValue(n, r);
		area += (x2 - x) * (y + y2) / 2;
		x = x2;
		y = y2;
	}
	*end = y;
	return area;
}

/* crm.qini_curve(state): (0, 0) then one Qini point after each distinct score from the highest */
PG_FUNCTION_INFO_V1(campaign_qini_curve);
Datum
campaign_qini_curve(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	int32		n_cells;
	const CampaignCell *cells;
	float8		total = (float8) state->n[0] + state->n[1];
	float8		end;
	int64		n[2] = {0, 0};
	int64		r[2] = {0, 0};

	CampaignCheckKind(state, CAMPAIGN_HAS_SCORES | CAMPAIGN_HAS_TREATMENT, "crm.qini_curve");
	cells = CampaignSortedCells(state, &n_cells);
	end = QiniValue(state->n, state->r);
	InitMaterializedSRF(fcinfo, 0);
	for (int32 k = 0; k <= n_cells; k++)
	{
		Datum		values[9];
		bool		nulls[9] = {0};
		float8		x;

		CHECK_FOR_INTERRUPTS();
		if (k > 0)
		{
			const CampaignCell *c = &cells[n_cells - k];

			for (int g = 0; g < 2; g++)
			{
				n[g] += c->n[g];
				r[g] += c->r[g];
			}
			values[1] = Float8GetDatum(c->score);
		}
		else
			nulls[1] = true;
		x = total > 0 ? (n[0] + n[1]) / total : 0;
		values[0] = Int32GetDatum(k);
		values[2] = Float8GetDatum(x);
		values[3] = Int64GetDatum(n[CAMPAIGN_TREATED]);
		values[4] = Int64GetDatum(r[CAMPAIGN_TREATED]);
		values[5] = Int64GetDatum(n[CAMPAIGN_CONTROL]);
		values[6] = Int64GetDatum(r[CAMPAIGN_CONTROL]);
		values[7] = Float8GetDatum(QiniValue(n, r));
		values[8] = Float8GetDatum(x * end);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * crm.qini(state): the Qini coefficient, the area between the Qini curve
 * and the random line divided by the same area of the perfect ordering
 * (treated responders first, control responders last); NULL when that area
 * is 0
 */
PG_FUNCTION_INFO_V1(campaign_qini);
Datum
campaign_qini(PG_FUNCTION_ARGS)
{
	CampaignState *state = CampaignStateArg(fcinfo, 0);
	int32		n_cells;
	const CampaignCell *cells;
	CampaignCell perfect[3];
	int32		n_perfect = 0;
	float8		total = (float8) state->n[0] + state->n[1];
	float8		end;
	float8		model_area;
	float8		perfect_area;
	float8		random_area;
	int64		t_r = state->r[CAMPAIGN_TREATED];
	int64		c_r = state->r[CAMPAIGN_CONTROL];

	CampaignCheckKind(state, CAMPAIGN_HAS_SCORES | CAMPAIGN_HAS_TREATMENT, "crm.qini");
	if (total == 0)
		PG_RETURN_NULL();
	cells = CampaignSortedCells(state, &n_cells);
	model_area = QiniArea(cells, n_cells, total, &end);
	random_area = end / 2;
	/* the perfect ordering as three scores, lowest first: -1, 0, 1 */
	memset(perfect, 0, sizeof(perfect));
	if (c_r > 0)
	{
		perfect[n_perfect].score = -1;
		perfect[n_perfect].n[CAMPAIGN_CONTROL] = c_r;
		perfect[n_perfect++].r[CAMPAIGN_CONTROL] = c_r;
	}
	if (state->n[0] - c_r + state->n[1] - t_r > 0)
	{
		perfect[n_perfect].score = 0;
		perfect[n_perfect].n[CAMPAIGN_CONTROL] = state->n[CAMPAIGN_CONTROL] - c_r;
		perfect[n_perfect++].n[CAMPAIGN_TREATED] = state->n[CAMPAIGN_TREATED] - t_r;
	}
	if (t_r > 0)
	{
		perfect[n_perfect].score = 1;
		perfect[n_perfect].n[CAMPAIGN_TREATED] = t_r;
		perfect[n_perfect++].r[CAMPAIGN_TREATED] = t_r;
	}
	perfect_area = QiniArea(perfect, n_perfect, total, &end) - random_area;
	if (!(fabs(perfect_area) > 0))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((model_area - random_area) / perfect_area);
}
