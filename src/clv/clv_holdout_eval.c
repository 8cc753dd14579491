/*
 * clv_holdout_eval.c
 *		Holdout evaluation of a CLV model: predicted against actual holdout
 *		purchases (and spend), per customer and by calibration frequency.
 *
 * crm.holdout_evaluation(frequency, actual, expected [, actual_spend,
 * expected_spend]) is an aggregate over customers: frequency is the
 * customer's repeat purchases in the calibration period, actual the repeat
 * purchases in the holdout, expected what the model predicted for them
 * (for instance crm.expected_purchases(model, holdout_length, frequency,
 * recency, t)), and optionally the holdout spend and its prediction.  Its
 * value, crm.holdout_evaluation, is a mergeable state of sums:
 *
 *	- per calibration frequency: customers, summed actual and expected
 *	  purchases (and spend): the classic calibration-versus-holdout table
 *	  of Fader, Hardie & Lee (2005) and lifetimes'
 *	  plot_calibration_purchases_vs_holdout_purchases;
 *	- over all customers: totals, absolute and squared errors, and the
 *	  means and co-moments of actual and expected values (Welford's
 *	  updates, merged by Chan et al.'s formulas) for the correlation.
 *
 * A row with a NULL frequency or actual value is skipped (a customer
 * without a calibration summary); a row whose prediction is NULL (a model
 * that could not score that customer) is counted as unscored and left out
 * of every sum, so that actual and expected values always cover the same
 * customers.  The spend pair works the same way, independently.
 *
 * Text form:
 *	 v1 unscored=U spend_unscored=V
 *	   counts={n;sum_actual;sum_expected;sum_abs;sum_sq;mean_actual;mean_expected;m2_actual;m2_expected;co}
 *	   spend={...the same...}
 *	   bins={frequency:customers,actual,expected,spend_customers,spend_actual,spend_expected;...}
 * (one line; numbers in their shortest exact form, so the text round-trips).
 */
#include "crm.h"
#include "crm_io.h"

#include <math.h>

#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#define HOLDOUT_VERSION 1

/* The most calibration-frequency rows crm.holdout_table may be asked for */
#define HOLDOUT_MAX_TABLE_FREQUENCY 1000000

/* Sums and moments of (actual, expected) pairs over customers */
typedef struct HoldoutMoments
{
	int64		n;				/* customers with both values */
	float8		sum_actual;		/* sum of actual values */
	float8		sum_expected;	/* sum of expected values */
	float8		sum_abs;		/* sum of |expected - actual| */
	float8		sum_sq;			/* sum of (expected - actual)^2 */
	float8		mean_actual;	/* running mean of actual values */
	float8		mean_expected;	/* running mean of expected values */
	float8		m2_actual;		/* sum of squared deviations of actual values */
	float8		m2_expected;	/* sum of squared deviations of expected values */
	float8		co;				/* sum of products of the two deviations */
} HoldoutMoments;

#define HOLDOUT_MOMENT_FLOATS 9

/* The customers of one calibration frequency */
typedef struct HoldoutBin
{
	int64		frequency;		/* repeat purchases in the calibration period */
	int64		customers;		/* customers with a purchase prediction */
	float8		actual;			/* their actual holdout purchases, summed */
	float8		expected;		/* their expected holdout purchases, summed */
	int64		spend_customers;	/* customers with a spend prediction */
	float8		spend_actual;	/* their actual holdout spend, summed */
	float8		spend_expected; /* their expected holdout spend, summed */
} HoldoutBin;

/* crm.holdout_evaluation: a varlena of the sums above, bins by frequency ascending */
typedef struct HoldoutEvaluation
{
	int32		vl_len_;		/* varlena header */
	int32		version;		/* HOLDOUT_VERSION */
	int32		n_bins;			/* distinct calibration frequencies */
	int32		reserved;		/* 0 */
	int64		unscored;		/* rows with an actual but no expected count */
	int64		spend_unscored; /* rows with an actual but no expected spend */
	HoldoutMoments counts;		/* purchases, customers with a prediction */
	HoldoutMoments spend;		/* spend, customers with a prediction */
	HoldoutBin	bins[FLEXIBLE_ARRAY_MEMBER];	/* by frequency, ascending */
} HoldoutEvaluation;

#define DatumGetHoldoutP(d)	((HoldoutEvaluation *) PG_DETOAST_DATUM(d))

/* A zeroed evaluation with room for n_bins bins, in the current context */
static HoldoutEvaluation *
HoldoutAllocate(int32 n_bins)
{
	Size		size = offsetof(HoldoutEvaluation, bins) + sizeof(HoldoutBin) * (Size) n_bins;
	HoldoutEvaluation *e = (HoldoutEvaluation *) palloc0(size);

	SET_VARSIZE(e, size);
	e->version = HOLDOUT_VERSION;
	e->n_bins = n_bins;
	return e;
}

/* Add one (actual, expected) pair to moments (Welford's update) */
static void
MomentsAdd(HoldoutMoments *m, float8 actual, float8 expected)
{
	float8		d_actual = actual - m->mean_actual;
	float8		d_expected = expected - m->mean_expected;
	float8		error = expected - actual;

	m->n = AddCounts(m->n, 1, "customers");
	m->sum_actual += actual;
	m->sum_expected += expected;
	m->sum_abs += fabs(error);
	m->sum_sq += error * error;
	m->mean_actual += d_actual / (float8) m->n;
	m->mean_expected += d_expected / (float8) m->n;
	m->m2_actual += d_actual * (actual - m->mean_actual);
	m->m2_expected += d_expected * (expected - m->mean_expected);
	m->co += d_actual * (expected - m->mean_expected);
}

/* Add the moments of other customers to m (Chan, Golub & LeVeque's merge) */
static void
MomentsMerge(HoldoutMoments *m, const HoldoutMoments *other)
{
	int64		n = AddCounts(m->n, other->n, "customers");
	float8		d_actual,
				d_expected,
				weight;

	if (other->n == 0)
		return;
	if (m->n == 0)
	{
		*m = *other;
		return;
	}
	d_actual = other->mean_actual - m->mean_actual;
	d_expected = other->mean_expected - m->mean_expected;
	weight = (float8) m->n * (float8) other->n / (float8) n;
	m->sum_actual += other->sum_actual;
	m->sum_expected += other->sum_expected;
	m->sum_abs += other->sum_abs;
	m->sum_sq += other->sum_sq;
	m->mean_actual += d_actual * (float8) other->n / (float8) n;
	m->mean_expected += d_expected * (float8) other->n / (float8) n;
	m->m2_actual += other->m2_actual + d_actual * d_actual * weight;
	m->m2_expected += other->m2_expected + d_expected * d_expected * weight;
	m->co += other->co + d_actual * d_expected * weight;
	m->n = n;
}

/* Why moments read from outside are impossible, or NULL */
static const char *
MomentsProblem(const HoldoutMoments *m)
{
	const float8 *f = &m->sum_actual;

	for (int i = 0; i < HOLDOUT_MOMENT_FLOATS; i++)
		if (!isfinite(f[i]))
			return "sums must be finite";
	if (m->n < 0 || m->sum_abs < 0 || m->sum_sq < 0 || m->m2_actual < 0 || m->m2_expected < 0)
		return "counts and sums of squares must not be negative";
	if (m->n == 0 && (m->sum_abs != 0 || m->sum_sq != 0 || m->m2_actual != 0 ||
					  m->m2_expected != 0 || m->co != 0 || m->sum_actual != 0 ||
					  m->sum_expected != 0 || m->mean_actual != 0 || m->mean_expected != 0))
		return "sums without customers must be 0";
	return NULL;
}

/* Why an evaluation read from outside is impossible, or NULL */
static const char *
HoldoutProblem(const HoldoutEvaluation *e)
{
	const char *problem;
	int64		customers = 0;
	int64		spend_customers = 0;

	if (e->unscored < 0 || e->spend_unscored < 0)
		return "unscored counts must not be negative";
	if ((problem = MomentsProblem(&e->counts)) != NULL ||
		(problem = MomentsProblem(&e->spend)) != NULL)
		return problem;
	for (int32 i = 0; i < e->n_bins; i++)
	{
		const HoldoutBin *b = &e->bins[i];

		if (b->frequency < 0 || (i > 0 && b->frequency <= e->bins[i - 1].frequency))
			return "frequencies must be >= 0 and strictly increasing";
		if (b->customers < 0 || b->spend_customers < 0 ||
			(b->customers == 0 && b->spend_customers == 0))
			return "every frequency must have customers";
		if (!isfinite(b->actual) || !isfinite(b->expected) ||
			!isfinite(b->spend_actual) || !isfinite(b->spend_expected))
			return "sums must be finite";
		customers += b->customers;
		spend_customers += b->spend_customers;
		if (customers < 0 || spend_customers < 0)
			return "customers out of range";
	}
	if (customers != e->counts.n || spend_customers != e->spend.n)
		return "the frequencies' customers must add up to the customers";
	return NULL;
}

/*
 * The bin of frequency in *state, made if absent: a new state (in the
 * current context) when one has to be inserted, else *state itself
 */
static HoldoutBin *
BinFor(HoldoutEvaluation **state, int64 frequency)
{
	HoldoutEvaluation *e = *state;
	int32		lo = 0,
				hi = e->n_bins;
	HoldoutEvaluation *grown;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (e->bins[mid].frequency < frequency)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->n_bins && e->bins[lo].frequency == frequency)
		return &e->bins[lo];
	grown = HoldoutAllocate(e->n_bins + 1);
	memcpy(grown, e, offsetof(HoldoutEvaluation, bins));
	SET_VARSIZE(grown, offsetof(HoldoutEvaluation, bins) + sizeof(HoldoutBin) * (Size) (e->n_bins + 1));
	grown->n_bins = e->n_bins + 1;
	memcpy(grown->bins, e->bins, sizeof(HoldoutBin) * (Size) lo);
	memcpy(grown->bins + lo + 1, e->bins + lo, sizeof(HoldoutBin) * (Size) (e->n_bins - lo));
	grown->bins[lo].frequency = frequency;
	*state = grown;
	return &grown->bins[lo];
}

/* Raise 22023 unless a count argument is finite and >= 0 */
static float8
CheckCount(float8 value, const char *what)
{
	CheckFinite(value, what);
	if (value < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative, not %g", what, value)));
	return value;
}

/*
 * Transition of crm.holdout_evaluation: (frequency, actual, expected
 * [, actual_spend, expected_spend]); see the file's header for NULLs.  The
 * state is changed in place inside an aggregate, and replaced by a grown
 * copy when a new frequency appears (the executor frees the old one).
 */
PG_FUNCTION_INFO_V1(holdout_evaluation_trans);
Datum
holdout_evaluation_trans(PG_FUNCTION_ARGS)
{
	HoldoutEvaluation *e;
	HoldoutBin *bin;
	bool		count_scored,
				spend_scored;
	int64		frequency;
	float8		actual = 0,
				expected = 0,
				actual_spend = 0,
				expected_spend = 0;
	bool		has_spend = PG_NARGS() > 4 && !PG_ARGISNULL(4);

	/*
	 * A new state, like a grown one, is copied into the aggregate's context
	 * by the executor; the state is changed in place only inside an aggregate
	 */
	if (PG_ARGISNULL(0))
		e = HoldoutAllocate(0);
	else
		e = (HoldoutEvaluation *) CrmWritableArg(fcinfo, 0);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		PG_RETURN_POINTER(e);
	frequency = PG_GETARG_INT64(1);
	if (frequency < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("calibration frequency must not be negative, not " INT64_FORMAT, frequency),
				 errhint("The frequency is the customer's repeat purchases in the calibration period.")));
	actual = CheckCount(PG_GETARG_FLOAT8(2), "actual holdout purchases");
	count_scored = !PG_ARGISNULL(3);
	if (count_scored)
		expected = CheckCount(PG_GETARG_FLOAT8(3), "expected holdout purchases");
	spend_scored = has_spend && !PG_ARGISNULL(5);
	if (has_spend)
	{
		actual_spend = PG_GETARG_FLOAT8(4);
		CheckFinite(actual_spend, "actual holdout spend");
	}
	if (spend_scored)
	{
		expected_spend = PG_GETARG_FLOAT8(5);
		CheckFinite(expected_spend, "expected holdout spend");
	}
	if (!count_scored)
		e->unscored = AddCounts(e->unscored, 1, "unscored customers");
	if (has_spend && !spend_scored)
		e->spend_unscored = AddCounts(e->spend_unscored, 1, "unscored customers");
	if (!count_scored && !spend_scored)
		PG_RETURN_POINTER(e);

	bin = BinFor(&e, frequency);
	if (count_scored)
	{
		MomentsAdd(&e->counts, actual, expected);
		bin->customers++;
		bin->actual += actual;
		bin->expected += expected;
	}
	if (spend_scored)
	{
		MomentsAdd(&e->spend, actual_spend, expected_spend);
		bin->spend_customers++;
		bin->spend_actual += actual_spend;
		bin->spend_expected += expected_spend;
	}
	PG_RETURN_POINTER(e);
}

/*
 * Combine two evaluations: a new value (the arguments are not changed),
 * their bins merged by frequency
 */
PG_FUNCTION_INFO_V1(holdout_evaluation_combine);
Datum
holdout_evaluation_combine(PG_FUNCTION_ARGS)
{
	HoldoutEvaluation *a,
			   *b,
			   *e;
	int32		i = 0,
				j = 0,
				n = 0;

	if (PG_ARGISNULL(0) && PG_ARGISNULL(1))
		PG_RETURN_NULL();
	if (PG_ARGISNULL(1))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	a = DatumGetHoldoutP(PG_GETARG_DATUM(0));
	b = DatumGetHoldoutP(PG_GETARG_DATUM(1));
	e = HoldoutAllocate(a->n_bins + b->n_bins);
	e->unscored = AddCounts(a->unscored, b->unscored, "unscored customers");
	e->spend_unscored = AddCounts(a->spend_unscored, b->spend_unscored, "unscored customers");
	e->counts = a->counts;
	MomentsMerge(&e->counts, &b->counts);
	e->spend = a->spend;
	MomentsMerge(&e->spend, &b->spend);
	while (i < a->n_bins || j < b->n_bins)
	{
		HoldoutBin *out = &e->bins[n++];

		if (j >= b->n_bins || (i < a->n_bins && a->bins[i].frequency < b->bins[j].frequency))
			*out = a->bins[i++];
		else if (i >= a->n_bins || b->bins[j].frequency < a->bins[i].frequency)
			*out = b->bins[j++];
		else
		{
			*out = a->bins[i++];
			out->customers = AddCounts(out->customers, b->bins[j].customers, "customers");
			out->actual += b->bins[j].actual;
			out->expected += b->bins[j].expected;
			out->spend_customers = AddCounts(out->spend_customers, b->bins[j].spend_customers, "customers");
			out->spend_actual += b->bins[j].spend_actual;
			out->spend_expected += b->bins[j].spend_expected;
			j++;
		}
	}
	e->n_bins = n;
	SET_VARSIZE(e, offsetof(HoldoutEvaluation, bins) + sizeof(HoldoutBin) * (Size) n);
	PG_RETURN_POINTER(e);
}

/* Append the moments' fields, ';'-separated, as "key={...}" */
static void
AppendMoments(StringInfo buf, const char *key, const HoldoutMoments *m)
{
	const float8 *f = &m->sum_actual;

	appendStringInfo(buf, " %s={" INT64_FORMAT, key, m->n);
	for (int i = 0; i < HOLDOUT_MOMENT_FLOATS; i++)
	{
		appendStringInfoChar(buf, ';');
		CrmAppendFloat8(buf, f[i]);
	}
	appendStringInfoChar(buf, '}');
}

/* Read " key={n;...}" into moments */
static void
ReadMoments(CrmReader *r, const char *key, HoldoutMoments *m)
{
	float8	   *f = &m->sum_actual;

	CrmExpectKey(r, key);
	CrmExpect(r, "{");
	m->n = CrmReadCount(r);
	for (int i = 0; i < HOLDOUT_MOMENT_FLOATS; i++)
	{
		CrmExpect(r, ";");
		f[i] = CrmReadFloat8(r);
	}
	CrmExpect(r, "}");
}

/* Append "frequency:customers,actual,expected,spend_customers,spend_actual,spend_expected" */
static void
WriteBin(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const HoldoutBin *b = (const HoldoutBin *) element;

	appendStringInfo(buf, INT64_FORMAT ":" INT64_FORMAT ",", b->frequency, b->customers);
	CrmAppendFloat8(buf, b->actual);
	appendStringInfoChar(buf, ',');
	CrmAppendFloat8(buf, b->expected);
	appendStringInfo(buf, "," INT64_FORMAT ",", b->spend_customers);
	CrmAppendFloat8(buf, b->spend_actual);
	appendStringInfoChar(buf, ',');
	CrmAppendFloat8(buf, b->spend_expected);
}

/* Read a bin written by WriteBin */
static void
ReadBin(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	HoldoutBin *b = (HoldoutBin *) element;

	b->frequency = CrmReadCount(r);
	CrmExpect(r, ":");
	b->customers = CrmReadCount(r);
	CrmExpect(r, ",");
	b->actual = CrmReadFloat8(r);
	CrmExpect(r, ",");
	b->expected = CrmReadFloat8(r);
	CrmExpect(r, ",");
	b->spend_customers = CrmReadCount(r);
	CrmExpect(r, ",");
	b->spend_actual = CrmReadFloat8(r);
	CrmExpect(r, ",");
	b->spend_expected = CrmReadFloat8(r);
}

/* Text form of crm.holdout_evaluation (see the file's header) */
PG_FUNCTION_INFO_V1(holdout_evaluation_out);
Datum
holdout_evaluation_out(PG_FUNCTION_ARGS)
{
	HoldoutEvaluation *e = DatumGetHoldoutP(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d unscored=" INT64_FORMAT " spend_unscored=" INT64_FORMAT,
					 e->version, e->unscored, e->spend_unscored);
	AppendMoments(&buf, "counts", &e->counts);
	AppendMoments(&buf, "spend", &e->spend);
	CrmAppendList(&buf, "bins", ";", e->bins, sizeof(HoldoutBin), e->n_bins, WriteBin, NULL);
	PG_RETURN_CSTRING(buf.data);
}

/* Parse the text form of crm.holdout_evaluation */
PG_FUNCTION_INFO_V1(holdout_evaluation_in);
Datum
holdout_evaluation_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.holdout_evaluation", PG_GETARG_CSTRING(0));
	HoldoutEvaluation head;
	HoldoutEvaluation *e;
	HoldoutBin *bins;
	int			n_bins;

	memset(&head, 0, sizeof(head));
	CrmExpectVersion(&r, HOLDOUT_VERSION);
	head.unscored = CrmReadKeyCount(&r, "unscored");
	head.spend_unscored = CrmReadKeyCount(&r, "spend_unscored");
	ReadMoments(&r, "counts", &head.counts);
	ReadMoments(&r, "spend", &head.spend);
	bins = CrmReadList(&r, "bins", ";", sizeof(HoldoutBin), ReadBin, NULL, &n_bins);
	CrmReadEnd(&r);
	e = HoldoutAllocate(n_bins);
	e->unscored = head.unscored;
	e->spend_unscored = head.spend_unscored;
	e->counts = head.counts;
	e->spend = head.spend;
	if (n_bins > 0)
		memcpy(e->bins, bins, sizeof(HoldoutBin) * (Size) n_bins);
	CrmReadCheck(&r, HoldoutProblem(e));
	PG_RETURN_POINTER(e);
}

/* Send moments: n, then the floats */
static void
SendMoments(StringInfo buf, const HoldoutMoments *m)
{
	const float8 *f = &m->sum_actual;

	pq_sendint64(buf, m->n);
	for (int i = 0; i < HOLDOUT_MOMENT_FLOATS; i++)
		pq_sendfloat8(buf, f[i]);
}

/* Receive moments sent by SendMoments */
static void
RecvMoments(StringInfo buf, HoldoutMoments *m)
{
	float8	   *f = &m->sum_actual;

	m->n = pq_getmsgint64(buf);
	for (int i = 0; i < HOLDOUT_MOMENT_FLOATS; i++)
		f[i] = CrmRecvFloat8(buf);
}

/* Binary form of crm.holdout_evaluation */
PG_FUNCTION_INFO_V1(holdout_evaluation_send);
Datum
holdout_evaluation_send(PG_FUNCTION_ARGS)
{
	HoldoutEvaluation *e = DatumGetHoldoutP(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, (uint8) e->version);
	pq_sendint64(&buf, e->unscored);
	pq_sendint64(&buf, e->spend_unscored);
	SendMoments(&buf, &e->counts);
	SendMoments(&buf, &e->spend);
	pq_sendint32(&buf, e->n_bins);
	for (int32 i = 0; i < e->n_bins; i++)
	{
		const HoldoutBin *b = &e->bins[i];

		pq_sendint64(&buf, b->frequency);
		pq_sendint64(&buf, b->customers);
		pq_sendfloat8(&buf, b->actual);
		pq_sendfloat8(&buf, b->expected);
		pq_sendint64(&buf, b->spend_customers);
		pq_sendfloat8(&buf, b->spend_actual);
		pq_sendfloat8(&buf, b->spend_expected);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.holdout_evaluation */
PG_FUNCTION_INFO_V1(holdout_evaluation_recv);
Datum
holdout_evaluation_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	HoldoutEvaluation head;
	HoldoutEvaluation *e;
	int32		n_bins;

	memset(&head, 0, sizeof(head));
	CrmRecvVersion(buf, "crm.holdout_evaluation", HOLDOUT_VERSION);
	head.unscored = pq_getmsgint64(buf);
	head.spend_unscored = pq_getmsgint64(buf);
	RecvMoments(buf, &head.counts);
	RecvMoments(buf, &head.spend);
	n_bins = CrmRecvLength(buf, "crm.holdout_evaluation", sizeof(HoldoutBin), "frequencies");
	e = HoldoutAllocate(n_bins);
	e->unscored = head.unscored;
	e->spend_unscored = head.spend_unscored;
	e->counts = head.counts;
	e->spend = head.spend;
	for (int32 i = 0; i < n_bins; i++)
	{
		HoldoutBin *b = &e->bins[i];

		b->frequency = pq_getmsgint64(buf);
		b->customers = pq_getmsgint64(buf);
		b->actual = CrmRecvFloat8(buf);
		b->expected = CrmRecvFloat8(buf);
		b->spend_customers = pq_getmsgint64(buf);
		b->spend_actual = CrmRecvFloat8(buf);
		b->spend_expected = CrmRecvFloat8(buf);
	}
	CrmBinaryCheck("crm.holdout_evaluation", HoldoutProblem(e));
	PG_RETURN_POINTER(e);
}

/*
 * Set eight metric columns from values[0]: customers, unscored,
 * actual total, expected total, bias in percent of the actual total, MAE,
 * RMSE, correlation (NULL where undefined)
 */
static void
MomentsMetrics(const HoldoutMoments *m, int64 unscored, Datum *values, bool *nulls)
{
	float8		n = (float8) m->n;

	values[0] = Int64GetDatum(m->n);
	values[1] = Int64GetDatum(unscored);
	/* totals of no customers are NULL, as SQL's sum of no rows */
	nulls[2] = nulls[3] = m->n == 0;
	values[2] = Float8GetDatum(m->sum_actual);
	values[3] = Float8GetDatum(m->sum_expected);
	nulls[4] = m->sum_actual == 0;
	if (!nulls[4])
		values[4] = Float8GetDatum(100.0 * (m->sum_expected - m->sum_actual) / m->sum_actual);
	nulls[5] = nulls[6] = m->n == 0;
	if (m->n > 0)
	{
		values[5] = Float8GetDatum(m->sum_abs / n);
		values[6] = Float8GetDatum(sqrt(m->sum_sq / n));
	}
	/* the correlation is undefined when either side does not vary */
	nulls[7] = !(m->m2_actual > 0 && m->m2_expected > 0);
	if (!nulls[7])
	{
		float8		r = m->co / sqrt(m->m2_actual * m->m2_expected);

		values[7] = Float8GetDatum(Max(-1.0, Min(1.0, r)));
	}
}

/* crm.holdout_metrics(evaluation): the customer-level metrics of purchases and spend */
PG_FUNCTION_INFO_V1(holdout_metrics);
Datum
holdout_metrics(PG_FUNCTION_ARGS)
{
	HoldoutEvaluation *e = DatumGetHoldoutP(PG_GETARG_DATUM(0));
	TupleDesc	desc;
	Datum		values[16];
	bool		nulls[16] = {0};

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.holdout_metrics must return a composite type");
	MomentsMetrics(&e->counts, e->unscored, values, nulls);
	MomentsMetrics(&e->spend, e->spend_unscored, values + 8, nulls + 8);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* Emit one row of crm.holdout_table from summed bins */
static void
EmitTableRow(ReturnSetInfo *rsinfo, const HoldoutBin *b, bool and_more)
{
	Datum		values[8];
	bool		nulls[8] = {0};

	values[0] = Int64GetDatum(b->frequency);
	values[1] = BoolGetDatum(and_more);
	values[2] = Int64GetDatum(b->customers);
	nulls[3] = nulls[4] = b->customers == 0;
	if (b->customers > 0)
	{
		values[3] = Float8GetDatum(b->actual / (float8) b->customers);
		values[4] = Float8GetDatum(b->expected / (float8) b->customers);
	}
	values[5] = Int64GetDatum(b->spend_customers);
	nulls[6] = nulls[7] = b->spend_customers == 0;
	if (b->spend_customers > 0)
	{
		values[6] = Float8GetDatum(b->spend_actual / (float8) b->spend_customers);
		values[7] = Float8GetDatum(b->spend_expected / (float8) b->spend_customers);
	}
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * crm.holdout_table(evaluation, max_frequency): mean actual and expected
 * holdout purchases (and spend) per calibration frequency 0 ..
 * max_frequency - 1, the last row gathering max_frequency and above
 */
PG_FUNCTION_INFO_V1(holdout_table);
Datum
holdout_table(PG_FUNCTION_ARGS)
{
	HoldoutEvaluation *e = DatumGetHoldoutP(PG_GETARG_DATUM(0));
	int32		max_frequency = PG_GETARG_INT32(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	HoldoutBin	tail;
	bool		has_tail = false;

	if (max_frequency < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_frequency must not be negative, not %d", max_frequency)));
	CheckSizeBound(max_frequency, HOLDOUT_MAX_TABLE_FREQUENCY, "max_frequency");
	InitMaterializedSRF(fcinfo, 0);
	memset(&tail, 0, sizeof(tail));
	tail.frequency = max_frequency;
	for (int32 i = 0; i < e->n_bins; i++)
	{
		const HoldoutBin *b = &e->bins[i];

		if (b->frequency < max_frequency)
		{
			EmitTableRow(rsinfo, b, false);
			continue;
		}
		has_tail = true;
		tail.customers += b->customers;
		tail.actual += b->actual;
		tail.expected += b->expected;
		tail.spend_customers += b->spend_customers;
		tail.spend_actual += b->spend_actual;
		tail.spend_expected += b->spend_expected;
	}
	if (has_tail)
		EmitTableRow(rsinfo, &tail, true);
	return (Datum) 0;
}
