/*
 * survey.c
 *		Survey indices as two-step aggregates: the Net Promoter Score
 *		(crm.nps), customer satisfaction (crm.csat) and the customer effort
 *		score (crm.ces).  The weighted CSI is in survey_csi.c.
 *
 * Each type holds counts, which are sufficient statistics of its index, so
 * it is at once the aggregate's state and its value: the transition adds a
 * response, the combine function adds counts (exact, so parallel plans and
 * merged partial states give the serial result), the aggregate returns the
 * state as is, and a rollup aggregate sums values.  All three are small
 * fixed-size types passed by reference; the transition mutates its state
 * in place inside an aggregate and allocates nothing per row.
 *
 *	crm.nps   promoters (9-10), passives (7-8), detractors (0-6); 32 bytes.
 *			  Text: promoters=100 passives=60 detractors=40
 *	crm.csat  responses per score 1..scale_max (scale_max 3..10); 88 bytes.
 *			  Text: scale_max=5 counts={2,3,10,40,45}
 *	crm.ces   responses per score 1..7; 88 bytes.
 *			  Text: counts={1,2,4,8,20,30,35}
 *
 * The NPS standard error is that of a difference of two shares of one
 * trinomial sample, 100 sqrt(((p + d) - (p - d)^2) / n), and its interval
 * the normal approximation NPS +- z SE (z = qnorm(0.975)) cut at +-100.
 *
 * Errors: 22003 a score outside its scale (or a count out of range);
 * 22004 a NULL scale_max; 22023 a bad scale_max, or one that changes within
 * a group or between merged values; 22P02 / 22P03 malformed text / binary.
 */
#include "crm.h"
#include "crm_io.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

/* Layout version of the three types (binary form and struct) */
#define SURVEY_VERSION 1

/*
 * The normal quantile of a two-sided 95% interval, qnorm(0.975) to double
 * precision
 */
#define SURVEY_Z95 1.959963984540054

/* NPS scores are 0..NPS_MAX_SCORE; promoters from 9, passives from 7 */
#define NPS_MAX_SCORE 10
#define NPS_PROMOTER_MIN 9
#define NPS_PASSIVE_MIN 7
/* The NPS runs from -NPS_RANGE (all detractors) to NPS_RANGE (all promoters) */
#define NPS_RANGE 100.0

/* Histogram scales: CSAT 1..scale_max with scale_max 3..10, CES 1..7 */
#define CSAT_MIN_SCALE 3
#define SURVEY_MAX_SCALE 10
#define CES_SCALE 7
/* CES "agree": scores 5..7 (somewhat agree, agree, strongly agree) */
#define CES_AGREE_MIN 5
/* CSAT "satisfied": the top two boxes */
#define CSAT_TOP_BOXES 2

/* crm.nps: the response counts of the three NPS categories */
typedef struct Nps
{
	uint8		version;		/* SURVEY_VERSION */
	uint8		reserved[7];	/* must be zero */
	int64		promoters;		/* responses 9..10 */
	int64		passives;		/* responses 7..8 */
	int64		detractors;		/* responses 0..6 */
} Nps;

StaticAssertDecl(sizeof(Nps) == 32, "crm.nps is declared with INTERNALLENGTH = 32");

/* crm.csat and crm.ces: the responses per score of a 1..scale_max scale */
typedef struct SurveyHist
{
	uint8		version;		/* SURVEY_VERSION */
	uint8		scale_max;		/* highest score (CSAT 3..10, CES 7) */
	uint8		reserved[6];	/* must be zero */
	int64		counts[SURVEY_MAX_SCALE];	/* counts[k - 1]: responses k; 0
											 * above scale_max */
} SurveyHist;

StaticAssertDecl(sizeof(SurveyHist) == 88, "crm.csat and crm.ces are declared with INTERNALLENGTH = 88");

/* The NPS statistics of a value with at least one response */
typedef struct NpsStats
{
	float8		score;			/* NPS, -100..100 */
	float8		se;				/* standard error, in NPS points */
	float8		ci_low;			/* lower end of the 95% interval, >= -100 */
	float8		ci_high;		/* upper end of the 95% interval, <= 100 */
} NpsStats;

/* ---------------------------------------------------------------------------
 * Validation and shared helpers
 * ---------------------------------------------------------------------------
 */

/* Raise 22003 unless score is an NPS score 0..10 */
static void
CheckNpsScore(int32 score)
{
	if (unlikely(score < 0 || score > NPS_MAX_SCORE))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("NPS score %d is out of range", score),
				 errdetail("A likelihood-to-recommend score is a whole number from 0 to %d.",
						   NPS_MAX_SCORE)));
}

/* Raise 22003 unless score is on the scale 1..scale_max of type */
static void
CheckScaleScore(int32 score, int scale_max, const char *type)
{
	if (unlikely(score < 1 || score > scale_max))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s score %d is out of range", type, score),
				 errdetail("Scores are whole numbers from 1 to %d.", scale_max)));
}

/* Raise 22023 unless scale_max is a CSAT scale (3..10) */
static int
CheckCsatScale(int32 scale_max)
{
	if (scale_max < CSAT_MIN_SCALE || scale_max > SURVEY_MAX_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("CSAT scale_max must be between %d and %d, not %d",
						CSAT_MIN_SCALE, SURVEY_MAX_SCALE, scale_max)));
	return (int) scale_max;
}

/* Raise 22003 unless count is >= 0; what names it */
static int64
CheckCount(int64 count, const char *what)
{
	if (count < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s must be >= 0, not " INT64_FORMAT, what, count)));
	return count;
}

/* Append ", \"key\": value" for a float8 that may be missing (JSON null) */
static void
AppendJsonFloat8(StringInfo buf, const char *key, bool present, float8 value)
{
	appendStringInfo(buf, ", \"%s\": ", key);
	if (present)
		CrmAppendFloat8(buf, value);
	else
		appendStringInfoString(buf, "null");
}

/* The jsonb value of JSON text built by this file */
static Datum
JsonbOfText(StringInfo buf)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(buf->data));
}

/* ---------------------------------------------------------------------------
 * crm.nps
 * ---------------------------------------------------------------------------
 */

/* A new NPS value with no responses (current memory context) */
static Nps *
NpsCreate(void)
{
	Nps		   *v = (Nps *) palloc0(sizeof(Nps));

	v->version = SURVEY_VERSION;
	return v;
}

/* Responses of an NPS value (its counts are checked to add up within bigint) */
static inline int64
NpsResponses(const Nps *v)
{
	return v->promoters + v->passives + v->detractors;
}

/* A validated NPS value of three counts, raising 22003 for a bad count */
static Nps *
NpsOfCounts(int64 promoters, int64 passives, int64 detractors)
{
	Nps		   *v = NpsCreate();

	v->promoters = CheckCount(promoters, "promoters");
	v->passives = CheckCount(passives, "passives");
	v->detractors = CheckCount(detractors, "detractors");
	(void) AddCounts(AddCounts(promoters, passives, "survey response count"), detractors, "survey response count");
	return v;
}

/* The NPS, its standard error and 95% interval; false when there is no response */
static bool
NpsComputeStats(const Nps *v, NpsStats *stats)
{
	int64		n = NpsResponses(v);
	float8		p;
	float8		d;

	if (n == 0)
		return false;
	p = (float8) v->promoters / (float8) n;
	d = (float8) v->detractors / (float8) n;
	stats->score = NPS_RANGE * (float8) (v->promoters - v->detractors) / (float8) n;
	stats->se = NPS_RANGE * sqrt(Max(0.0, (p + d) - (p - d) * (p - d)) / (float8) n);
	stats->ci_low = Max(-NPS_RANGE, stats->score - SURVEY_Z95 * stats->se);
	stats->ci_high = Min(NPS_RANGE, stats->score + SURVEY_Z95 * stats->se);
	return true;
}

/* The NPS value of argument argno (fixed length: never toasted) */
static inline Nps *
NpsArg(FunctionCallInfo fcinfo, int argno)
{
	return (Nps *) PG_GETARG_POINTER(argno);
}

/*
 * The state a transition or combine adds to: argument 0 itself inside an
 * aggregate (the executor's own copy), otherwise a copy
 */
static Nps *
NpsMutable(FunctionCallInfo fcinfo)
{
	return (Nps *) CrmWritableFixedArg(fcinfo, 0, sizeof(Nps));
}

/* Text input: "promoters=P passives=Q detractors=D" (whitespace between) */
PG_FUNCTION_INFO_V1(nps_in);
Datum
nps_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.nps", PG_GETARG_CSTRING(0));
	static const char *const keys[3] = {"promoters=", "passives=", "detractors="};
	int64		counts[3];

	CrmReadSpaces(&r);
	for (int i = 0; i < 3; i++)
	{
		if (i > 0 && !CrmReadSpaces(&r))
			CrmReadError(&r, "fields are separated by whitespace");
		CrmExpect(&r, keys[i]);
		counts[i] = CrmReadCount(&r);
	}
	CrmReadSpaces(&r);
	CrmReadEnd(&r);
	PG_RETURN_POINTER(NpsOfCounts(counts[0], counts[1], counts[2]));
}

/* Text output: "promoters=P passives=Q detractors=D" */
PG_FUNCTION_INFO_V1(nps_out);
Datum
nps_out(PG_FUNCTION_ARGS)
{
	Nps		   *v = NpsArg(fcinfo, 0);

	PG_RETURN_CSTRING(psprintf("promoters=" INT64_FORMAT " passives=" INT64_FORMAT
							   " detractors=" INT64_FORMAT,
							   v->promoters, v->passives, v->detractors));
}

/* Binary input: version byte, then the three counts as int8 */
PG_FUNCTION_INFO_V1(nps_recv);
Datum
nps_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int64		promoters;
	int64		passives;
	int64		detractors;

	CrmRecvVersion(buf, "crm.nps", SURVEY_VERSION);
	promoters = pq_getmsgint64(buf);
	passives = pq_getmsgint64(buf);
	detractors = pq_getmsgint64(buf);
	if (promoters < 0 || passives < 0 || detractors < 0 ||
		passives > PG_INT64_MAX - promoters ||
		detractors > PG_INT64_MAX - promoters - passives)
		CrmBinaryError("crm.nps", "counts must be >= 0 and add up within bigint");
	PG_RETURN_POINTER(NpsOfCounts(promoters, passives, detractors));
}

/* Binary output: version byte, then the three counts as int8 */
PG_FUNCTION_INFO_V1(nps_send);
Datum
nps_send(PG_FUNCTION_ARGS)
{
	Nps		   *v = NpsArg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, v->version);
	pq_sendint64(&buf, v->promoters);
	pq_sendint64(&buf, v->passives);
	pq_sendint64(&buf, v->detractors);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* crm.nps(promoters, passives, detractors): a value from published counts */
PG_FUNCTION_INFO_V1(nps_make);
Datum
nps_make(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(NpsOfCounts(PG_GETARG_INT64(0), PG_GETARG_INT64(1),
								  PG_GETARG_INT64(2)));
}

/* Transition of crm.nps_agg(score): count the response; NULL scores are skipped */
PG_FUNCTION_INFO_V1(nps_trans);
Datum
nps_trans(PG_FUNCTION_ARGS)
{
	Nps		   *v;
	int32		score;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(NpsArg(fcinfo, 0));
	}
	score = PG_GETARG_INT32(1);
	CheckNpsScore(score);
	v = PG_ARGISNULL(0) ? NpsCreate() : NpsMutable(fcinfo);
	(void) AddCounts(NpsResponses(v), 1, "survey response count");
	if (score >= NPS_PROMOTER_MIN)
		v->promoters++;
	else if (score >= NPS_PASSIVE_MIN)
		v->passives++;
	else
		v->detractors++;
	PG_RETURN_POINTER(v);
}

/* Combine (and rollup transition): the counts of two values added */
PG_FUNCTION_INFO_V1(nps_combine);
Datum
nps_combine(PG_FUNCTION_ARGS)
{
	Nps		   *b = NpsArg(fcinfo, 1);
	Nps		   *a = NpsMutable(fcinfo);
	int64		promoters = AddCounts(a->promoters, b->promoters, "survey response count");
	int64		passives = AddCounts(a->passives, b->passives, "survey response count");
	int64		detractors = AddCounts(a->detractors, b->detractors, "survey response count");

	(void) AddCounts(AddCounts(promoters, passives, "survey response count"), detractors, "survey response count");
	a->promoters = promoters;
	a->passives = passives;
	a->detractors = detractors;
	PG_RETURN_POINTER(a);
}

/* crm.nps_score(v): the NPS, -100..100 (NULL without responses) */
PG_FUNCTION_INFO_V1(nps_score);
Datum
nps_score(PG_FUNCTION_ARGS)
{
	NpsStats	stats;

	if (!NpsComputeStats(NpsArg(fcinfo, 0), &stats))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(stats.score);
}

/* crm.nps_se(v): the standard error of the NPS (NULL without responses) */
PG_FUNCTION_INFO_V1(nps_se);
Datum
nps_se(PG_FUNCTION_ARGS)
{
	NpsStats	stats;

	if (!NpsComputeStats(NpsArg(fcinfo, 0), &stats))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(stats.se);
}

/* crm.nps_ci_low(v): the lower end of the 95% interval (NULL without responses) */
PG_FUNCTION_INFO_V1(nps_ci_low);
Datum
nps_ci_low(PG_FUNCTION_ARGS)
{
	NpsStats	stats;

	if (!NpsComputeStats(NpsArg(fcinfo, 0), &stats))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(stats.ci_low);
}

/* crm.nps_ci_high(v): the upper end of the 95% interval (NULL without responses) */
PG_FUNCTION_INFO_V1(nps_ci_high);
Datum
nps_ci_high(PG_FUNCTION_ARGS)
{
	NpsStats	stats;

	if (!NpsComputeStats(NpsArg(fcinfo, 0), &stats))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(stats.ci_high);
}

/* crm.nps_responses(v): the number of responses n */
PG_FUNCTION_INFO_V1(nps_responses);
Datum
nps_responses(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(NpsResponses(NpsArg(fcinfo, 0)));
}

/* crm.nps_promoters(v): responses 9..10 */
PG_FUNCTION_INFO_V1(nps_promoters);
Datum
nps_promoters(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(NpsArg(fcinfo, 0)->promoters);
}

/* crm.nps_passives(v): responses 7..8 */
PG_FUNCTION_INFO_V1(nps_passives);
Datum
nps_passives(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(NpsArg(fcinfo, 0)->passives);
}

/* crm.nps_detractors(v): responses 0..6 */
PG_FUNCTION_INFO_V1(nps_detractors);
Datum
nps_detractors(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(NpsArg(fcinfo, 0)->detractors);
}

/* The value as jsonb: nps, n, promoters, passives, detractors, se, ci_low, ci_high */
PG_FUNCTION_INFO_V1(nps_jsonb);
Datum
nps_jsonb(PG_FUNCTION_ARGS)
{
	Nps		   *v = NpsArg(fcinfo, 0);
	NpsStats	stats = {0};
	bool		have = NpsComputeStats(v, &stats);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"nps\": ");
	if (have)
		CrmAppendFloat8(&buf, stats.score);
	else
		appendStringInfoString(&buf, "null");
	appendStringInfo(&buf, ", \"n\": " INT64_FORMAT ", \"promoters\": " INT64_FORMAT
					 ", \"passives\": " INT64_FORMAT ", \"detractors\": " INT64_FORMAT,
					 NpsResponses(v), v->promoters, v->passives, v->detractors);
	AppendJsonFloat8(&buf, "se", have, stats.se);
	AppendJsonFloat8(&buf, "ci_low", have, stats.ci_low);
	AppendJsonFloat8(&buf, "ci_high", have, stats.ci_high);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(JsonbOfText(&buf));
}

/*
 * crm.nps_compare(a, b): NPS(a) - NPS(b) of independent samples, its
 * standard error sqrt(SE_a^2 + SE_b^2) and 95% interval (cut at +-200);
 * all NULL when either has no response
 */
PG_FUNCTION_INFO_V1(nps_compare);
Datum
nps_compare(PG_FUNCTION_ARGS)
{
	NpsStats	a;
	NpsStats	b;
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {true, true, true, true};

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "crm.nps_compare must return a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (NpsComputeStats(NpsArg(fcinfo, 0), &a) && NpsComputeStats(NpsArg(fcinfo, 1), &b))
	{
		float8		difference = a.score - b.score;
		float8		se = sqrt(a.se * a.se + b.se * b.se);

		values[0] = Float8GetDatum(difference);
		values[1] = Float8GetDatum(se);
		values[2] = Float8GetDatum(Max(-2 * NPS_RANGE, difference - SURVEY_Z95 * se));
		values[3] = Float8GetDatum(Min(2 * NPS_RANGE, difference + SURVEY_Z95 * se));
		nulls[0] = nulls[1] = nulls[2] = nulls[3] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* crm.nps_category(score): 'promoter' (9-10), 'passive' (7-8) or 'detractor' (0-6) */
PG_FUNCTION_INFO_V1(nps_category);
Datum
nps_category(PG_FUNCTION_ARGS)
{
	int32		score = PG_GETARG_INT32(0);

	CheckNpsScore(score);
	if (score >= NPS_PROMOTER_MIN)
		PG_RETURN_TEXT_P(cstring_to_text("promoter"));
	if (score >= NPS_PASSIVE_MIN)
		PG_RETURN_TEXT_P(cstring_to_text("passive"));
	PG_RETURN_TEXT_P(cstring_to_text("detractor"));
}

/* ---------------------------------------------------------------------------
 * crm.csat and crm.ces: response histograms of a 1..scale_max scale
 * ---------------------------------------------------------------------------
 */

/* A new histogram of a scale with no responses (current memory context) */
static SurveyHist *
HistCreate(int scale_max)
{
	SurveyHist *h = (SurveyHist *) palloc0(sizeof(SurveyHist));

	h->version = SURVEY_VERSION;
	h->scale_max = (uint8) scale_max;
	return h;
}

/* The histogram of argument argno (fixed length: never toasted) */
static inline SurveyHist *
HistArg(FunctionCallInfo fcinfo, int argno)
{
	return (SurveyHist *) PG_GETARG_POINTER(argno);
}

/* Argument 0 itself inside an aggregate (the executor's own copy), otherwise a copy */
static SurveyHist *
HistMutable(FunctionCallInfo fcinfo)
{
	return (SurveyHist *) CrmWritableFixedArg(fcinfo, 0, sizeof(SurveyHist));
}

/* Responses of a histogram (its counts are checked to add up within bigint) */
static int64
HistResponses(const SurveyHist *h)
{
	int64		n = 0;

	for (int k = 0; k < h->scale_max; k++)
		n += h->counts[k];
	return n;
}

/* Why counts read from outside do not make a histogram of scale_max, or NULL */
static const char *
HistCountsProblem(const int64 *counts, int scale_max)
{
	int64		n = 0;

	for (int k = 0; k < scale_max; k++)
	{
		if (counts[k] < 0)
			return "counts must be >= 0";
		if (pg_add_s64_overflow(n, counts[k], &n))
			return "the counts must add up within bigint";
	}
	return NULL;
}

/* Percent of the responses with a score >= min_score; false without responses */
static bool
HistShareAtLeast(const SurveyHist *h, int min_score, float8 *percent)
{
	int64		n = HistResponses(h);
	int64		at_least = 0;

	if (n == 0)
		return false;
	for (int k = Max(min_score, 1); k <= h->scale_max; k++)
		at_least += h->counts[k - 1];
	*percent = 100.0 * (float8) at_least / (float8) n;
	return true;
}

/* The mean score; false without responses */
static bool
HistMean(const SurveyHist *h, float8 *mean)
{
	int64		n = HistResponses(h);
	float8		total = 0;

	if (n == 0)
		return false;
	for (int k = 1; k <= h->scale_max; k++)
		total += (float8) k * (float8) h->counts[k - 1];
	*mean = total / (float8) n;
	return true;
}

/* Read "counts={c1,...,cS}" of a histogram's scale and the end of the text into h */
static void
ReadHistCounts(CrmReader *r, SurveyHist *h)
{

	CrmExpect(r, "counts={");
	for (int k = 0; k < h->scale_max; k++)
	{
		if (k > 0)
			CrmExpect(r, ",");
		h->counts[k] = CrmReadCount(r);
	}
	CrmExpect(r, "}");
	CrmReadSpaces(r);
	CrmReadEnd(r);
	CrmReadCheck(r, HistCountsProblem(h->counts, h->scale_max));
}

/* Append "counts={c1,...,cS}" */
static void
AppendHistCounts(StringInfo buf, const SurveyHist *h)
{
	appendStringInfoString(buf, "counts={");
	for (int k = 0; k < h->scale_max; k++)
		appendStringInfo(buf, "%s" INT64_FORMAT, k > 0 ? "," : "", h->counts[k]);
	appendStringInfoChar(buf, '}');
}

/* Binary form of a histogram: version, scale_max, then one int8 per score */
static bytea *
HistSend(const SurveyHist *h)
{
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, h->version);
	pq_sendbyte(&buf, h->scale_max);
	for (int k = 0; k < h->scale_max; k++)
		pq_sendint64(&buf, h->counts[k]);
	return pq_endtypsend(&buf);
}

/* Read the binary form of a histogram; fixed_scale > 0 requires that scale */
static SurveyHist *
HistRecv(StringInfo buf, const char *type, int fixed_scale)
{
	int			scale_max;
	SurveyHist *h;

	CrmRecvVersion(buf, type, SURVEY_VERSION);
	scale_max = pq_getmsgbyte(buf);
	if (fixed_scale > 0 ? scale_max != fixed_scale
		: (scale_max < CSAT_MIN_SCALE || scale_max > SURVEY_MAX_SCALE))
		CrmBinaryError(type, "invalid scale_max");
	h = HistCreate(scale_max);
	for (int k = 0; k < scale_max; k++)
		h->counts[k] = pq_getmsgint64(buf);
	CrmBinaryCheck(type, HistCountsProblem(h->counts, scale_max));
	return h;
}

/* Shared transition: count a score of the 1..scale_max scale (state may be NULL) */
static SurveyHist *
HistAdd(FunctionCallInfo fcinfo, int32 score, int scale_max, const char *type)
{
	SurveyHist *h;

	CheckScaleScore(score, scale_max, type);
	if (PG_ARGISNULL(0))
		h = HistCreate(scale_max);
	else
	{
		h = HistMutable(fcinfo);
		if (h->scale_max != scale_max)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scale_max must be the same on every row of a group"),
					 errdetail("The group started with scale_max %d, this row has %d.",
							   h->scale_max, scale_max)));
	}
	(void) AddCounts(HistResponses(h), 1, "survey response count");
	h->counts[score - 1]++;
	return h;
}

/* Text input of crm.csat: "scale_max=S counts={c1,...,cS}" */
PG_FUNCTION_INFO_V1(csat_in);
Datum
csat_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.csat", PG_GETARG_CSTRING(0));
	SurveyHist *h;

	CrmReadSpaces(&r);
	CrmExpect(&r, "scale_max=");
	h = HistCreate((int) CrmReadInt(&r, CSAT_MIN_SCALE, SURVEY_MAX_SCALE));
	if (!CrmReadSpaces(&r))
		CrmReadError(&r, "fields are separated by whitespace");
	ReadHistCounts(&r, h);
	PG_RETURN_POINTER(h);
}

/* Text output of crm.csat: "scale_max=S counts={c1,...,cS}" */
PG_FUNCTION_INFO_V1(csat_out);
Datum
csat_out(PG_FUNCTION_ARGS)
{
	SurveyHist *h = HistArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "scale_max=%d ", h->scale_max);
	AppendHistCounts(&buf, h);
	PG_RETURN_CSTRING(buf.data);
}

/* Binary input of crm.csat */
PG_FUNCTION_INFO_V1(csat_recv);
Datum
csat_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(HistRecv((StringInfo) PG_GETARG_POINTER(0), "crm.csat", 0));
}

/* Binary output of crm.csat and crm.ces */
PG_FUNCTION_INFO_V1(survey_hist_send);
Datum
survey_hist_send(PG_FUNCTION_ARGS)
{
	PG_RETURN_BYTEA_P(HistSend(HistArg(fcinfo, 0)));
}

/* Text input of crm.ces: "counts={c1,...,c7}" */
PG_FUNCTION_INFO_V1(ces_in);
Datum
ces_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.ces", PG_GETARG_CSTRING(0));
	SurveyHist *h = HistCreate(CES_SCALE);

	CrmReadSpaces(&r);
	ReadHistCounts(&r, h);
	PG_RETURN_POINTER(h);
}

/* Text output of crm.ces: "counts={c1,...,c7}" */
PG_FUNCTION_INFO_V1(ces_out);
Datum
ces_out(PG_FUNCTION_ARGS)
{
	StringInfoData buf;

	initStringInfo(&buf);
	AppendHistCounts(&buf, HistArg(fcinfo, 0));
	PG_RETURN_CSTRING(buf.data);
}

/* Binary input of crm.ces */
PG_FUNCTION_INFO_V1(ces_recv);
Datum
ces_recv(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(HistRecv((StringInfo) PG_GETARG_POINTER(0), "crm.ces", CES_SCALE));
}

/*
 * Transition of crm.csat_agg(score, scale_max): NULL scores are skipped; a
 * NULL scale_max is an error (22004) on every row
 */
PG_FUNCTION_INFO_V1(csat_trans);
Datum
csat_trans(PG_FUNCTION_ARGS)
{
	int			scale_max;

	CheckNotNull(fcinfo, 2, "scale_max");
	scale_max = CheckCsatScale(PG_GETARG_INT32(2));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(HistArg(fcinfo, 0));
	}
	PG_RETURN_POINTER(HistAdd(fcinfo, PG_GETARG_INT32(1), scale_max, "CSAT"));
}

/* Transition of crm.ces_agg(score): NULL scores are skipped */
PG_FUNCTION_INFO_V1(ces_trans);
Datum
ces_trans(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(HistArg(fcinfo, 0));
	}
	PG_RETURN_POINTER(HistAdd(fcinfo, PG_GETARG_INT32(1), CES_SCALE, "CES"));
}

/* Combine (and rollup transition) of histograms of the same scale: counts added */
PG_FUNCTION_INFO_V1(survey_hist_combine);
Datum
survey_hist_combine(PG_FUNCTION_ARGS)
{
	SurveyHist *b = HistArg(fcinfo, 1);
	SurveyHist *a = HistMutable(fcinfo);
	int64		sum[SURVEY_MAX_SCALE];
	int64		n = 0;

	if (a->scale_max != b->scale_max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge values of different scales (scale_max %d and %d)",
						a->scale_max, b->scale_max)));
	for (int k = 0; k < a->scale_max; k++)
	{
		sum[k] = AddCounts(a->counts[k], b->counts[k], "survey response count");
		n = AddCounts(n, sum[k], "survey response count");
	}
	memcpy(a->counts, sum, sizeof(int64) * a->scale_max);
	PG_RETURN_POINTER(a);
}

/* crm.csat_responses(v), crm.ces_responses(v): the number of responses */
PG_FUNCTION_INFO_V1(survey_hist_responses);
Datum
survey_hist_responses(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(HistResponses(HistArg(fcinfo, 0)));
}

/* crm.csat_mean(v), crm.ces_mean(v): the mean score (NULL without responses) */
PG_FUNCTION_INFO_V1(survey_hist_mean);
Datum
survey_hist_mean(PG_FUNCTION_ARGS)
{
	float8		mean;

	if (!HistMean(HistArg(fcinfo, 0), &mean))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(mean);
}

/* crm.csat_counts(v), crm.ces_counts(v): responses per score, element k = score k */
PG_FUNCTION_INFO_V1(survey_hist_counts);
Datum
survey_hist_counts(PG_FUNCTION_ARGS)
{
	SurveyHist *h = HistArg(fcinfo, 0);
	Datum		elems[SURVEY_MAX_SCALE];

	for (int k = 0; k < h->scale_max; k++)
		elems[k] = Int64GetDatum(h->counts[k]);
	PG_RETURN_ARRAYTYPE_P(construct_array(elems, h->scale_max, INT8OID, sizeof(int64),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* crm.csat_scale_max(v): the highest score of the scale */
PG_FUNCTION_INFO_V1(csat_scale_max);
Datum
csat_scale_max(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(HistArg(fcinfo, 0)->scale_max);
}

/* crm.csat_score(v): percent of responses in the top two boxes (NULL without responses) */
PG_FUNCTION_INFO_V1(csat_score);
Datum
csat_score(PG_FUNCTION_ARGS)
{
	SurveyHist *h = HistArg(fcinfo, 0);
	float8		percent;

	if (!HistShareAtLeast(h, h->scale_max - CSAT_TOP_BOXES + 1, &percent))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(percent);
}

/* crm.csat_top_box(v, boxes): percent of responses in the top boxes (1..scale_max) */
PG_FUNCTION_INFO_V1(csat_top_box);
Datum
csat_top_box(PG_FUNCTION_ARGS)
{
	SurveyHist *h = HistArg(fcinfo, 0);
	int32		boxes = PG_GETARG_INT32(1);
	float8		percent;

	if (boxes < 1 || boxes > h->scale_max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("boxes must be between 1 and the scale_max %d, not %d",
						h->scale_max, boxes)));
	if (!HistShareAtLeast(h, h->scale_max - boxes + 1, &percent))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(percent);
}

/* crm.ces_agree(v): percent of responses 5..7 (NULL without responses) */
PG_FUNCTION_INFO_V1(ces_agree);
Datum
ces_agree(PG_FUNCTION_ARGS)
{
	float8		percent;

	if (!HistShareAtLeast(HistArg(fcinfo, 0), CES_AGREE_MIN, &percent))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(percent);
}

/* Append ", \"n\": N, \"counts\": [...]" of a histogram */
static void
AppendJsonHist(StringInfo buf, const SurveyHist *h)
{
	appendStringInfo(buf, ", \"n\": " INT64_FORMAT ", \"counts\": [", HistResponses(h));
	for (int k = 0; k < h->scale_max; k++)
		appendStringInfo(buf, "%s" INT64_FORMAT, k > 0 ? ", " : "", h->counts[k]);
	appendStringInfoChar(buf, ']');
}

/* crm.csat as jsonb: csat (top-2-box percent), mean, n, scale_max, counts */
PG_FUNCTION_INFO_V1(csat_jsonb);
Datum
csat_jsonb(PG_FUNCTION_ARGS)
{
	SurveyHist *h = HistArg(fcinfo, 0);
	float8		percent = 0;
	float8		mean = 0;
	bool		have = HistShareAtLeast(h, h->scale_max - CSAT_TOP_BOXES + 1, &percent);
	StringInfoData buf;

	(void) HistMean(h, &mean);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"csat\": ");
	if (have)
		CrmAppendFloat8(&buf, percent);
	else
		appendStringInfoString(&buf, "null");
	AppendJsonFloat8(&buf, "mean", have, mean);
	appendStringInfo(&buf, ", \"scale_max\": %d", h->scale_max);
	AppendJsonHist(&buf, h);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(JsonbOfText(&buf));
}

/* crm.ces as jsonb: mean, agree (percent 5..7), n, counts */
PG_FUNCTION_INFO_V1(ces_jsonb);
Datum
ces_jsonb(PG_FUNCTION_ARGS)
{
	SurveyHist *h = HistArg(fcinfo, 0);
	float8		percent = 0;
	float8		mean = 0;
	bool		have = HistMean(h, &mean);
	StringInfoData buf;

	(void) HistShareAtLeast(h, CES_AGREE_MIN, &percent);
	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"mean\": ");
	if (have)
		CrmAppendFloat8(&buf, mean);
	else
		appendStringInfoString(&buf, "null");
	AppendJsonFloat8(&buf, "agree", have, percent);
	AppendJsonHist(&buf, h);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(JsonbOfText(&buf));
}
