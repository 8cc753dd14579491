/*
 * survey_csi.c
 *		The weighted customer satisfaction index (CSI): a scalar function of
 *		one respondent's item scores, and a two-step aggregate over
 *		respondents whose value (crm.csi_state) holds per-item sums.
 *
 * CSI = 100 * sum_i w~_i (s_i - scale_min) / (scale_max - scale_min), the
 * weights normalized to sum 1 (w~_i = w_i / sum w): the textbook weighted
 * index and the ACSI formula (on 1..10 scores, CSI = 100 sum w~ (s - 1) / 9).
 *
 * Missing items: a NULL score is skipped and the weights of the answered
 * items are renormalized; a respondent with no answered item of positive
 * weight has no CSI (NULL).  The aggregate keeps, per item, the sum and
 * count of the answered scores and gives the CSI of the mean item scores
 * (crm.csi_score, the ACSI way: each item's mean over the respondents who
 * answered it).  Without missing scores that equals the mean of the
 * respondents' CSIs, avg(crm.csi(...)).  The sums are float8: exact, and so
 * equal whatever the order of the rows (parallel plans, merged states), as
 * long as the scores are whole numbers (or binary fractions) and the sums
 * stay below 2^53.
 *
 * Text form of crm.csi_state:
 *	 scale_min=1 scale_max=10 respondents=3 items={weight,sum,n;...}
 *
 * Errors: 22000 a NaN or infinite score; 22003 a score outside the scale;
 * 22004 a NULL weight (element or array) or bound; 22023 bounds not finite
 * or not increasing, weights not finite, negative or summing to zero, arrays
 * of different lengths, empty or of several dimensions, and weights or
 * bounds that change within a group or between merged states; 22P02 / 22P03
 * malformed text / binary.
 */
#include "crm.h"
#include "crm_io.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/int.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

/* Layout version of crm.csi_state */
#define CSI_VERSION 1
/* The index runs from 0 (every score at scale_min) to CSI_RANGE */
#define CSI_RANGE 100.0

/* One item (question) of the index */
typedef struct CsiItem
{
	float8		weight;			/* the weight as given (finite, >= 0) */
	float8		sum;			/* sum of the item's answered scores */
	int64		n;				/* respondents who answered the item */
} CsiItem;

/* crm.csi_state: the bounds, the weights and per-item sums of a group */
typedef struct CsiState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* CSI_VERSION */
	uint8		reserved[3];	/* must be zero */
	int32		n_items;		/* items that follow (>= 1) */
	int32		reserved2;		/* must be zero */
	float8		scale_min;		/* lowest score of the scale (finite) */
	float8		scale_max;		/* highest score (finite, > scale_min) */
	int64		respondents;	/* rows with at least one answered item */
	CsiItem		items[FLEXIBLE_ARRAY_MEMBER];	/* in the order of the arrays */
} CsiState;

/* A one-dimensional float8 array read in place, without copying */
typedef struct Float8Elements
{
	int			n;				/* number of elements */
	const float8 *data;			/* the non-NULL elements, packed */
	const bits8 *nullmap;		/* NULL bitmap, or NULL when there is none */
} Float8Elements;

/* The validated scale and weights of a CSI */
typedef struct CsiParams
{
	float8		scale_min;		/* lowest score */
	float8		scale_max;		/* highest score */
	Float8Elements weights;		/* no NULL, finite, >= 0, positive sum */
} CsiParams;

/* What one respondent's scores add up to */
typedef struct CsiRespondent
{
	int			answered;		/* items with a score */
	float8		weighted;		/* sum of w (s - min) / (max - min) over them */
	float8		weight;			/* sum of their weights */
} CsiRespondent;

/* ---------------------------------------------------------------------------
 * Validation
 * ---------------------------------------------------------------------------
 */

/* Read a float8[] argument in place, raising 22023 unless it is one-dimensional and non-empty */
static void
ReadFloat8Array(ArrayType *array, const char *what, Float8Elements *out)
{
	out->n = CrmArrayLength(array, what, 1, PG_INT32_MAX);
	out->data = (const float8 *) ARR_DATA_PTR(array);
	out->nullmap = ARR_NULLBITMAP(array);
}

/* True if element i of an array read by ReadFloat8Array is NULL */
static inline bool
ElementIsNull(const Float8Elements *a, int i)
{
	return a->nullmap != NULL && (a->nullmap[i / 8] & (1 << (i % 8))) == 0;
}

/* Raise 22023 unless the scale bounds are finite and increasing */
static void
CheckCsiBounds(float8 scale_min, float8 scale_max)
{
	if (!isfinite(scale_min) || !isfinite(scale_max))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scale_min and scale_max must be finite numbers, not \"%s\" and \"%s\"",
						float8out_internal(scale_min), float8out_internal(scale_max))));
	if (!(scale_min < scale_max))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scale_min must be less than scale_max, not %s and %s",
						float8out_internal(scale_min), float8out_internal(scale_max)),
				 errhint("The bounds may have been given in the wrong order.")));
}

/*
 * Validate the scale and the weights: 22004 for a NULL weight, 22023 for a
 * weight that is not finite or negative or weights that do not sum to a
 * positive finite number
 */
static void
ReadCsiParams(ArrayType *weights, float8 scale_min, float8 scale_max, CsiParams *params)
{
	float8		total = 0;

	CheckCsiBounds(scale_min, scale_max);
	params->scale_min = scale_min;
	params->scale_max = scale_max;
	ReadFloat8Array(weights, "weights", &params->weights);
	if (params->weights.nullmap != NULL && array_contains_nulls(weights))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("weights must not contain NULL elements")));
	for (int i = 0; i < params->weights.n; i++)
	{
		float8		w = params->weights.data[i];

		if (!isfinite(w) || w < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weights must be finite and >= 0, not \"%s\" (element %d)",
							float8out_internal(w), i + 1)));
		total += w;
	}
	if (!(total > 0) || !isfinite(total))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weights must sum to a positive finite number, not %s",
						float8out_internal(total))));
}

/*
 * Scan one respondent's scores (validated: as many as weights, each NULL or
 * a finite number within the scale) with weights w; when items is given,
 * add each answered score to its item
 */
static void
ScanScores(const Float8Elements *scores, const float8 *w, float8 scale_min,
		   float8 scale_max, CsiItem *items, CsiRespondent *r)
{
	float8		range = scale_max - scale_min;
	int			j = 0;

	r->answered = 0;
	r->weighted = 0;
	r->weight = 0;
	for (int i = 0; i < scores->n; i++)
	{
		float8		s;

		if (ElementIsNull(scores, i))
			continue;
		s = scores->data[j++];
		if (unlikely(!isfinite(s)))
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("score must be a finite number, not \"%s\" (element %d)",
							float8out_internal(s), i + 1)));
		if (unlikely(s < scale_min || s > scale_max))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("score %s is outside the scale [%s, %s] (element %d)",
							float8out_internal(s), float8out_internal(scale_min),
							float8out_internal(scale_max), i + 1)));
		r->answered++;
		r->weighted += w[i] * ((s - scale_min) / range);
		r->weight += w[i];
		if (items != NULL)
		{
			items[i].sum += s;
			items[i].n++;
		}
	}
}

/* Raise 22023 unless the scores array has one element per weight */
static void
CheckScoresLength(const Float8Elements *scores, int n_weights)
{
	if (scores->n != n_weights)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("scores and weights must have the same length, not %d and %d",
						scores->n, n_weights)));
}

/* ---------------------------------------------------------------------------
 * The scalar index
 * ---------------------------------------------------------------------------
 */

/*
 * crm.csi(scores, weights, scale_min, scale_max): one respondent's index,
 * 0..100; NULL scores are skipped (weights renormalized over the answered
 * items); NULL when no answered item has a positive weight
 */
PG_FUNCTION_INFO_V1(csi_scalar);
Datum
csi_scalar(PG_FUNCTION_ARGS)
{
	ArrayType  *scores_array = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *weights_array = PG_GETARG_ARRAYTYPE_P(1);
	CsiParams	params;
	Float8Elements scores;
	CsiRespondent r;

	ReadCsiParams(weights_array, PG_GETARG_FLOAT8(2), PG_GETARG_FLOAT8(3), &params);
	ReadFloat8Array(scores_array, "scores", &scores);
	CheckScoresLength(&scores, params.weights.n);
	ScanScores(&scores, params.weights.data, params.scale_min, params.scale_max, NULL, &r);
	if (!(r.weight > 0))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(CSI_RANGE * (r.weighted / r.weight));
}

/* ---------------------------------------------------------------------------
 * crm.csi_state
 * ---------------------------------------------------------------------------
 */

/* Size of a state of n_items items */
static Size
CsiStateSize(int32 n_items)
{
	return offsetof(CsiState, items) + sizeof(CsiItem) * (Size) n_items;
}

/* A new empty state of n_items items (zeroed, header set; current memory context) */
static CsiState *
CsiStateCreate(int32 n_items, float8 scale_min, float8 scale_max)
{
	CsiState   *state;

	if ((Size) n_items > (MaxAllocSize - offsetof(CsiState, items)) / sizeof(CsiItem))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a CSI of %d items would exceed 1 GB", n_items)));
	state = (CsiState *) palloc0(CsiStateSize(n_items));
	SET_VARSIZE(state, CsiStateSize(n_items));
	state->version = CSI_VERSION;
	state->n_items = n_items;
	state->scale_min = scale_min;
	state->scale_max = scale_max;
	return state;
}

/* The state of argument argno, detoasted */
static inline CsiState *
CsiStateArg(FunctionCallInfo fcinfo, int argno)
{
	return (CsiState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno));
}

/* Argument 0 itself inside an aggregate (the executor's own copy), otherwise a copy */
static CsiState *
CsiStateMutable(FunctionCallInfo fcinfo)
{
	return (CsiState *) CrmWritableArg(fcinfo, 0);
}

/* True if the state has these bounds and weights */
static bool
CsiStateMatches(const CsiState *state, const CsiParams *params)
{
	if (state->scale_min != params->scale_min || state->scale_max != params->scale_max ||
		state->n_items != params->weights.n)
		return false;
	for (int i = 0; i < state->n_items; i++)
	{
		if (state->items[i].weight != params->weights.data[i])
			return false;
	}
	return true;
}

/*
 * Why the answers of a state (items already checked one by one) are not
 * those of any respondents, or NULL: each item's mean score lies within the
 * scale (up to the rounding of a sum of up to 2^63 scores, allowed for by a
 * slack of 1e-6 of the scale's largest magnitude), and every respondent
 * answered at least one item, so respondents are at most the answers
 */
static const char *
CsiAnswersProblem(const CsiState *state)
{
	float8		slack = 1e-6 * Max(Max(fabs(state->scale_min), fabs(state->scale_max)),
								   state->scale_max - state->scale_min);
	int64		answers = 0;

	for (int i = 0; i < state->n_items; i++)
	{
		const CsiItem *item = &state->items[i];
		float8		mean;

		if (item->n == 0)
			continue;
		mean = item->sum / (float8) item->n;
		if (!(mean >= state->scale_min - slack && mean <= state->scale_max + slack))
			return psprintf("the mean score of item %d is outside the scale [%s, %s]",
							i + 1, float8out_internal(state->scale_min),
							float8out_internal(state->scale_max));
		if (pg_add_s64_overflow(answers, item->n, &answers))
			answers = PG_INT64_MAX;
	}
	if (state->respondents > answers)
		return "respondents must be at most the answers to the items (each respondent answered one or more)";
	return NULL;
}

/* Why a state read from outside is not valid, or NULL */
static const char *
CsiStateProblem(const CsiState *state)
{
	float8		total = 0;

	if (state->n_items < 1)
		return "a CSI has at least one item";
	if (!isfinite(state->scale_min) || !isfinite(state->scale_max) ||
		!(state->scale_min < state->scale_max))
		return "scale_min and scale_max must be finite with scale_min < scale_max";
	if (state->respondents < 0)
		return "respondents must be >= 0";
	for (int i = 0; i < state->n_items; i++)
	{
		const CsiItem *item = &state->items[i];

		if (!isfinite(item->weight) || item->weight < 0)
			return "weights must be finite and >= 0";
		total += item->weight;
		if (item->n < 0 || item->n > state->respondents)
			return "an item's count must be between 0 and the respondents";
		if (!isfinite(item->sum) || (item->n == 0 && item->sum != 0))
			return "an item's sum must be finite, and 0 without answers";
	}
	if (!(total > 0) || !isfinite(total))
		return "weights must sum to a positive finite number";
	return CsiAnswersProblem(state);
}

/* Read "weight,sum,n" into a CsiItem */
static void
ReadItem(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	CsiItem    *item = (CsiItem *) element;

	item->weight = CrmReadFloat8(r);
	CrmExpect(r, ",");
	item->sum = CrmReadFloat8(r);
	CrmExpect(r, ",");
	item->n = CrmReadCount(r);
}

/* Text input of crm.csi_state */
PG_FUNCTION_INFO_V1(csi_state_in);
Datum
csi_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.csi_state", PG_GETARG_CSTRING(0));
	CsiState	head = {0};
	int			n_items;
	CsiItem    *items;
	CsiState   *state;

	head.scale_min = CrmReadKeyFloat8(&r, "scale_min");
	head.scale_max = CrmReadKeyFloat8(&r, "scale_max");
	head.respondents = CrmReadKeyCount(&r, "respondents");
	items = CrmReadList(&r, "items", ";", sizeof(CsiItem), ReadItem, NULL, &n_items);
	CrmReadEnd(&r);
	if (n_items == 0)
		CrmReadError(&r, "a CSI has at least one item");
	state = CsiStateCreate(n_items, head.scale_min, head.scale_max);
	state->respondents = head.respondents;
	memcpy(state->items, items, sizeof(CsiItem) * (Size) n_items);
	CrmReadCheck(&r, CsiStateProblem(state));
	PG_RETURN_POINTER(state);
}

/* Append "weight,sum,n" of a CsiItem */
static void
WriteItem(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const CsiItem *item = (const CsiItem *) element;

	CrmAppendFloat8(buf, item->weight);
	appendStringInfoChar(buf, ',');
	CrmAppendFloat8(buf, item->sum);
	appendStringInfo(buf, "," INT64_FORMAT, item->n);
}

/* Text output of crm.csi_state (shortest exact numbers: it round-trips) */
PG_FUNCTION_INFO_V1(csi_state_out);
Datum
csi_state_out(PG_FUNCTION_ARGS)
{
	CsiState   *state = CsiStateArg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	CrmAppendKeyFloat8(&buf, "scale_min", state->scale_min);
	CrmAppendKeyFloat8(&buf, "scale_max", state->scale_max);
	appendStringInfo(&buf, " respondents=" INT64_FORMAT, state->respondents);
	CrmAppendList(&buf, "items", ";", state->items, sizeof(CsiItem), state->n_items,
				  WriteItem, NULL);
	PG_RETURN_CSTRING(buf.data);
}

/* Binary output of crm.csi_state */
PG_FUNCTION_INFO_V1(csi_state_send);
Datum
csi_state_send(PG_FUNCTION_ARGS)
{
	CsiState   *state = CsiStateArg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, state->version);
	pq_sendint32(&buf, state->n_items);
	pq_sendfloat8(&buf, state->scale_min);
	pq_sendfloat8(&buf, state->scale_max);
	pq_sendint64(&buf, state->respondents);
	for (int i = 0; i < state->n_items; i++)
	{
		pq_sendfloat8(&buf, state->items[i].weight);
		pq_sendfloat8(&buf, state->items[i].sum);
		pq_sendint64(&buf, state->items[i].n);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.csi_state */
PG_FUNCTION_INFO_V1(csi_state_recv);
Datum
csi_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int32		n_items;
	CsiState   *state;

	CrmRecvVersion(buf, "crm.csi_state", CSI_VERSION);
	n_items = CrmRecvLength(buf, "crm.csi_state", sizeof(CsiItem), "items");
	state = CsiStateCreate(n_items, 0, 0);
	state->scale_min = CrmRecvFloat8(buf);
	state->scale_max = CrmRecvFloat8(buf);
	state->respondents = pq_getmsgint64(buf);
	for (int i = 0; i < n_items; i++)
	{
		state->items[i].weight = CrmRecvFloat8(buf);
		state->items[i].sum = CrmRecvFloat8(buf);
		state->items[i].n = pq_getmsgint64(buf);
	}
	CrmBinaryCheck("crm.csi_state", CsiStateProblem(state));
	PG_RETURN_POINTER(state);
}

/*
 * Transition of crm.csi_agg(scores, weights, scale_min, scale_max): rows
 * with NULL scores (or only NULL elements) are skipped; NULL weights or
 * bounds are errors (22004) on every row, and they must be the same on
 * every row of a group (22023)
 */
PG_FUNCTION_INFO_V1(csi_trans);
Datum
csi_trans(PG_FUNCTION_ARGS)
{
	ArrayType  *weights_array;
	CsiParams	params;
	Float8Elements scores;
	CsiState   *state;
	CsiRespondent r;

	CheckNotNull(fcinfo, 2, "weights");
	CheckNotNull(fcinfo, 3, "scale_min");
	CheckNotNull(fcinfo, 4, "scale_max");
	weights_array = PG_GETARG_ARRAYTYPE_P(2);
	ReadCsiParams(weights_array, PG_GETARG_FLOAT8(3), PG_GETARG_FLOAT8(4), &params);
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(CsiStateArg(fcinfo, 0));
	}
	ReadFloat8Array(PG_GETARG_ARRAYTYPE_P(1), "scores", &scores);
	CheckScoresLength(&scores, params.weights.n);
	if (PG_ARGISNULL(0))
	{
		state = CsiStateCreate(params.weights.n, params.scale_min, params.scale_max);
		for (int i = 0; i < state->n_items; i++)
			state->items[i].weight = params.weights.data[i];
	}
	else
	{
		state = CsiStateMutable(fcinfo);
		if (!CsiStateMatches(state, &params))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weights, scale_min and scale_max must be the same on every row of a group")));
	}
	ScanScores(&scores, params.weights.data, params.scale_min, params.scale_max,
			   state->items, &r);
	if (r.answered == 0)
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();	/* only NULL scores so far */
		PG_RETURN_POINTER(state);
	}
	if (unlikely(pg_add_s64_overflow(state->respondents, 1, &state->respondents)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("CSI respondent count is out of range for type bigint")));
	PG_RETURN_POINTER(state);
}

/* Combine (and rollup transition): the sums of two states of the same scale and weights */
PG_FUNCTION_INFO_V1(csi_combine);
Datum
csi_combine(PG_FUNCTION_ARGS)
{
	CsiState   *b = CsiStateArg(fcinfo, 1);
	CsiState   *a = CsiStateMutable(fcinfo);
	bool		same = a->n_items == b->n_items && a->scale_min == b->scale_min &&
		a->scale_max == b->scale_max;

	for (int i = 0; same && i < a->n_items; i++)
		same = a->items[i].weight == b->items[i].weight;
	if (!same)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge CSI states of different weights or scales")));
	if (pg_add_s64_overflow(a->respondents, b->respondents, &a->respondents))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("CSI respondent count is out of range for type bigint")));
	for (int i = 0; i < a->n_items; i++)
	{
		a->items[i].sum += b->items[i].sum;
		a->items[i].n += b->items[i].n;		/* at most the respondents */
	}
	PG_RETURN_POINTER(a);
}

/* The CSI of the mean item scores; false when no item of positive weight was answered */
static bool
CsiOfMeans(const CsiState *state, float8 *index)
{
	float8		range = state->scale_max - state->scale_min;
	float8		weighted = 0;
	float8		weight = 0;

	for (int i = 0; i < state->n_items; i++)
	{
		const CsiItem *item = &state->items[i];

		if (item->n == 0)
			continue;
		weighted += item->weight * ((item->sum / (float8) item->n - state->scale_min) / range);
		weight += item->weight;
	}
	if (!(weight > 0))
		return false;
	*index = CSI_RANGE * (weighted / weight);
	return true;
}

/* crm.csi_score(state): the CSI of the mean item scores, 0..100 (ACSI style) */
PG_FUNCTION_INFO_V1(csi_score);
Datum
csi_score(PG_FUNCTION_ARGS)
{
	float8		index;

	if (!CsiOfMeans(CsiStateArg(fcinfo, 0), &index))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(index);
}

/* crm.csi_respondents(state): rows with at least one answered item */
PG_FUNCTION_INFO_V1(csi_respondents);
Datum
csi_respondents(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(CsiStateArg(fcinfo, 0)->respondents);
}

/* crm.csi_item_means(state): each item's mean score (NULL for an item nobody answered) */
PG_FUNCTION_INFO_V1(csi_item_means);
Datum
csi_item_means(PG_FUNCTION_ARGS)
{
	CsiState   *state = CsiStateArg(fcinfo, 0);
	Datum	   *elems = (Datum *) palloc(sizeof(Datum) * state->n_items);
	bool	   *nulls = (bool *) palloc(sizeof(bool) * state->n_items);
	int			dims[1] = {state->n_items};
	int			lbs[1] = {1};

	for (int i = 0; i < state->n_items; i++)
	{
		const CsiItem *item = &state->items[i];

		nulls[i] = item->n == 0;
		elems[i] = nulls[i] ? (Datum) 0 : Float8GetDatum(item->sum / (float8) item->n);
	}
	PG_RETURN_ARRAYTYPE_P(construct_md_array(elems, nulls, 1, dims, lbs, FLOAT8OID,
											 sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * The state as jsonb: csi (of the mean item scores), n, scale_min,
 * scale_max, weights (as given), item_means, item_n
 */
PG_FUNCTION_INFO_V1(csi_state_jsonb);
Datum
csi_state_jsonb(PG_FUNCTION_ARGS)
{
	CsiState   *state = CsiStateArg(fcinfo, 0);
	StringInfoData buf;
	float8		index;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "{\"csi\": ");
	if (CsiOfMeans(state, &index))
		CrmAppendFloat8(&buf, index);
	else
		appendStringInfoString(&buf, "null");
	appendStringInfo(&buf, ", \"n\": " INT64_FORMAT ", \"scale_min\": ", state->respondents);
	CrmAppendFloat8(&buf, state->scale_min);
	appendStringInfoString(&buf, ", \"scale_max\": ");
	CrmAppendFloat8(&buf, state->scale_max);
	appendStringInfoString(&buf, ", \"weights\": [");
	for (int i = 0; i < state->n_items; i++)
	{
		appendStringInfoString(&buf, i > 0 ? ", " : "");
		CrmAppendFloat8(&buf, state->items[i].weight);
	}
	appendStringInfoString(&buf, "], \"item_means\": [");
	for (int i = 0; i < state->n_items; i++)
	{
		const CsiItem *item = &state->items[i];

		appendStringInfoString(&buf, i > 0 ? ", " : "");
		if (item->n > 0)
			CrmAppendFloat8(&buf, item->sum / (float8) item->n);
		else
			appendStringInfoString(&buf, "null");
	}
	appendStringInfoString(&buf, "], \"item_n\": [");
	for (int i = 0; i < state->n_items; i++)
		appendStringInfo(&buf, "%s" INT64_FORMAT, i > 0 ? ", " : "", state->items[i].n);
	appendStringInfoString(&buf, "]}");
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
