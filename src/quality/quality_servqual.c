/*
 * quality_servqual.c
 *		crm.servqual_state, the value of the SERVQUAL aggregate
 *		crm.servqual_fit(map, expectation, perception [, importance]): per
 *		item, per dimension and overall, the count and the sums and sums of
 *		squares of expectations E, perceptions P and gaps P - E.
 *
 * Each row is one respondent: expectation[i] and perception[i] are the
 * scores of item i + 1 of the map.  An item counts only where both its E
 * and its P are given (a NULL element of either array skips that item for
 * that respondent); a row whose arrays are NULL, or have no such item, is
 * skipped.  A respondent's dimension score (E, P and gap) is the mean over
 * the dimension's answered items, and the respondent's overall score the
 * mean of its dimension scores (the unweighted SERVQUAL score).  With
 * importance weights (one per dimension, e.g. the 100 points a respondent
 * allocates), the weighted score is sum w_d score_d / sum w_d over the
 * respondent's answered dimensions; a NULL importance array, one with a
 * NULL element, or weights summing to 0 leave the respondent out of the
 * weighted score only.  The mean importance of a dimension is the mean of
 * w_d / sum w over those respondents.
 *
 * Item sums are exact for scores that are whole numbers (all orders of the
 * rows give the same state); dimension and overall sums add means, so
 * parallel plans and merged states agree with a serial pass up to the
 * rounding of float8 sums (about 1e-15 relative).
 *
 * Text form:
 *	 weighted=0 respondents=3 dimensions={"tangibles",...}
 *	 item_dimension={1,1,1,1,2,...} overall=n,e,e2,p,p2,g,g2
 *	 weighted_overall=... items={n,e,e2,p,p2,g,g2;...} dims={...;...}
 *	 importance={...}
 *
 * Errors: 22004 a NULL map; 22023 arrays whose length is not the map's
 * number of items (importance: its number of dimensions), a negative
 * importance, maps that differ within a group or between merged states;
 * 22000 a NaN or infinite score or weight; 22003 a count beyond bigint;
 * 22P02 / 22P03 malformed or impossible text / binary.
 */
#include "crm.h"
#include "crm_io.h"
#include "quality.h"

#include <math.h>

#include "common/int.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

/* A one-dimensional float8 array read in place */
typedef struct QualityArray
{
	int			n;				/* number of elements */
	const float8 *data;			/* the non-NULL elements, packed */
	const bits8 *nullmap;		/* NULL bitmap, or NULL when there is none */
} QualityArray;

/* Read a float8[] argument in place (22023 unless one-dimensional, or empty) */
static void
ReadArray(ArrayType *array, const char *what, QualityArray *out)
{
	out->n = CrmArrayLength(array, what, 0, PG_INT32_MAX);
	out->data = (const float8 *) ARR_DATA_PTR(array);
	out->nullmap = ARR_NULLBITMAP(array);
}

/* True if element i of an array is NULL */
static inline bool
IsNullAt(const QualityArray *a, int i)
{
	return a->nullmap != NULL && (a->nullmap[i / 8] & (1 << (i % 8))) == 0;
}

/* Raise 22023 unless an array has n elements */
static void
CheckLength(const QualityArray *a, int n, const char *what, const char *of)
{
	if (a->n != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s has %d elements, but the SERVQUAL map has %d %s",
						what, a->n, n, of)));
}

/* Raise 22000 unless a score is finite */
static inline void
CheckScore(float8 v, const char *what, int i)
{
	if (unlikely(!isfinite(v)))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("%s must be a finite number, not \"%s\" (element %d)",
						what, float8out_internal(v), i + 1)));
}

/* Size of a state of a map */
static Size
StateSize(int32 n_items, int32 n_dims, int32 names_size)
{
	return offsetof(ServqualState, sums) + sizeof(ServqualSums) * (Size) (n_items + n_dims) +
		sizeof(float8) * (Size) n_dims + sizeof(int32) * (Size) n_items + names_size;
}

/*
 * A new empty state of a map's shape (zeroed; current memory context);
 * item_dim and names are copied unless NULL
 */
static ServqualState *
StateCreate(int32 n_items, int32 n_dims, int32 names_size, const int32 *item_dim,
			const char *names, bool weighted)
{
	Size		size = StateSize(n_items, n_dims, names_size);
	ServqualState *state = (ServqualState *) palloc0(size);

	SET_VARSIZE(state, size);
	state->version = SERVQUAL_VERSION;
	state->weighted = weighted ? 1 : 0;
	state->n_items = n_items;
	state->n_dims = n_dims;
	state->names_size = names_size;
	if (item_dim != NULL)
		memcpy(ServqualItemDim(state), item_dim, sizeof(int32) * (Size) n_items);
	if (names != NULL)
		memcpy(ServqualStateNames(state), names, names_size);
	return state;
}

/* True if a state has this map */
static bool
StateHasMap(const ServqualState *state, const ServqualMap *map)
{
	return state->n_items == map->n_items && state->n_dims == map->n_dims &&
		state->names_size == map->names_size &&
		memcmp(ServqualItemDim(state), map->item_dim, sizeof(int32) * (Size) map->n_items) == 0 &&
		memcmp(ServqualStateNames(state), ServqualMapNames(map), map->names_size) == 0;
}

/* Add one respondent's e, p (and their gap) to sums */
static inline void
AddScores(ServqualSums *s, float8 e, float8 p)
{
	float8		g = p - e;

	s->n++;
	s->e += e;
	s->e2 += e * e;
	s->p += p;
	s->p2 += p * p;
	s->g += g;
	s->g2 += g * g;
}

/* Add sums b to a, raising 22003 if a count leaves bigint */
static void
AddSums(ServqualSums *a, const ServqualSums *b)
{
	a->n = AddCounts(a->n, b->n, "SERVQUAL respondent count");
	a->e += b->e;
	a->e2 += b->e2;
	a->p += b->p;
	a->p2 += b->p2;
	a->g += b->g;
	a->g2 += b->g2;
}

/*
 * Read the importance weights of a row: false (not weighted) when the
 * array is NULL or has a NULL element or sums to 0; 22023 for a wrong
 * length or a negative weight, 22000 for a non-finite one
 */
static bool
ReadImportance(FunctionCallInfo fcinfo, int argno, int n_dims, float8 *w, float8 *total)
{
	QualityArray a;

	if (PG_ARGISNULL(argno))
		return false;
	ReadArray(PG_GETARG_ARRAYTYPE_P(argno), "importance", &a);
	CheckLength(&a, n_dims, "importance", "dimensions");
	if (a.nullmap != NULL)
	{
		for (int d = 0; d < a.n; d++)
			if (IsNullAt(&a, d))
				return false;
	}
	*total = 0;
	for (int d = 0; d < n_dims; d++)
	{
		w[d] = a.data[d];
		CheckScore(w[d], "importance", d);
		if (w[d] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("importance must be >= 0, not %s (element %d)",
							float8out_internal(w[d]), d + 1)));
		*total += w[d];
	}
	return *total > 0 && isfinite(*total);
}

/*
 * The transition of both overloads: the map (22004 if NULL), the scores
 * and, when weighted, the importance weights at argument 4
 */
static Datum
ServqualTrans(FunctionCallInfo fcinfo, bool weighted)
{
	ServqualMap *map;
	QualityArray e;
	QualityArray p;
	ServqualState *state;
	ServqualSums *items;
	ServqualSums *dims;
	float8		de[SERVQUAL_MAX_DIMS];
	float8		dp[SERVQUAL_MAX_DIMS];
	int			dn[SERVQUAL_MAX_DIMS];
	float8		w[SERVQUAL_MAX_DIMS];
	float8		w_total = 0;
	float8		oe = 0,
				op = 0,
				we = 0,
				wp = 0,
				wsum = 0;
	int			answered = 0;
	int			n_dims_answered = 0;
	bool		use_weights;
	int			je = 0,
				jp = 0;
	MemoryContext aggcontext;

	CheckNotNull(fcinfo, 1, "map");
	map = ServqualMapArg(fcinfo, 1);
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	ReadArray(PG_GETARG_ARRAYTYPE_P(2), "expectation", &e);
	ReadArray(PG_GETARG_ARRAYTYPE_P(3), "perception", &p);
	CheckLength(&e, map->n_items, "expectation", "items");
	CheckLength(&p, map->n_items, "perception", "items");
	use_weights = weighted && ReadImportance(fcinfo, 4, map->n_dims, w, &w_total);

	for (int d = 0; d < map->n_dims; d++)
	{
		de[d] = dp[d] = 0;
		dn[d] = 0;
	}
	if (PG_ARGISNULL(0))
	{
		MemoryContext old = CurrentMemoryContext;

		if (AggCheckCallContext(fcinfo, &aggcontext))
			old = MemoryContextSwitchTo(aggcontext);
		state = StateCreate(map->n_items, map->n_dims, map->names_size, map->item_dim,
							ServqualMapNames(map), weighted);
		MemoryContextSwitchTo(old);
	}
	else
	{
		state = (ServqualState *) CrmWritableArg(fcinfo, 0);
		if (!StateHasMap(state, map))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the SERVQUAL map must be the same on every row of a group")));
	}
	items = state->sums;
	dims = state->sums + state->n_items;
	for (int i = 0; i < map->n_items; i++)
	{
		bool		e_null = IsNullAt(&e, i);
		bool		p_null = IsNullAt(&p, i);
		float8		ev = e_null ? 0 : e.data[je++];
		float8		pv = p_null ? 0 : p.data[jp++];
		int			d = map->item_dim[i];

		if (!e_null)
			CheckScore(ev, "expectation", i);
		if (!p_null)
			CheckScore(pv, "perception", i);
		if (e_null || p_null)
			continue;
		AddScores(&items[i], ev, pv);
		de[d] += ev;
		dp[d] += pv;
		dn[d]++;
		answered++;
	}
	if (answered == 0)
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(state);
	}
	for (int d = 0; d < map->n_dims; d++)
	{
		float8		me,
					mp;

		if (dn[d] == 0)
			continue;
		me = de[d] / dn[d];
		mp = dp[d] / dn[d];
		AddScores(&dims[d], me, mp);
		oe += me;
		op += mp;
		n_dims_answered++;
		if (use_weights)
		{
			we += w[d] * me;
			wp += w[d] * mp;
			wsum += w[d];
		}
	}
	AddScores(&state->overall, oe / n_dims_answered, op / n_dims_answered);
	if (use_weights && wsum > 0)
	{
		float8	   *importance = ServqualImportance(state);

		AddScores(&state->weighted_overall, we / wsum, wp / wsum);
		for (int d = 0; d < map->n_dims; d++)
			importance[d] += w[d] / w_total;
	}
	if (unlikely(pg_add_s64_overflow(state->respondents, 1, &state->respondents)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("SERVQUAL respondent count is out of range for type bigint")));
	PG_RETURN_POINTER(state);
}

/* Transition of crm.servqual_fit(map, expectation, perception) */
PG_FUNCTION_INFO_V1(servqual_trans);
Datum
servqual_trans(PG_FUNCTION_ARGS)
{
	return ServqualTrans(fcinfo, false);
}

/* Transition of crm.servqual_fit(map, expectation, perception, importance) */
PG_FUNCTION_INFO_V1(servqual_trans_weighted);
Datum
servqual_trans_weighted(PG_FUNCTION_ARGS)
{
	return ServqualTrans(fcinfo, true);
}

/* Combine (and rollup transition): the sums of two states of one map */
PG_FUNCTION_INFO_V1(servqual_combine);
Datum
servqual_combine(PG_FUNCTION_ARGS)
{
	ServqualState *b = ServqualStateArg(fcinfo, 1);
	ServqualState *a = (ServqualState *) CrmWritableArg(fcinfo, 0);
	float8	   *ia;
	float8	   *ib;

	if (a->n_items != b->n_items || a->n_dims != b->n_dims || a->names_size != b->names_size ||
		a->weighted != b->weighted ||
		memcmp(ServqualItemDim(a), ServqualItemDim(b), sizeof(int32) * (Size) a->n_items) != 0 ||
		memcmp(ServqualStateNames(a), ServqualStateNames(b), a->names_size) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge SERVQUAL states of different maps, or weighted with unweighted")));
	a->respondents = AddCounts(a->respondents, b->respondents, "SERVQUAL respondent count");
	AddSums(&a->overall, &b->overall);
	AddSums(&a->weighted_overall, &b->weighted_overall);
	for (int k = 0; k < a->n_items + a->n_dims; k++)
		AddSums(&a->sums[k], &b->sums[k]);
	ia = ServqualImportance(a);
	ib = ServqualImportance(b);
	for (int d = 0; d < a->n_dims; d++)
		ia[d] += ib[d];
	PG_RETURN_POINTER(a);
}

/* Why one block of sums is impossible for at most max_n respondents, or NULL */
static const char *
SumsProblem(const ServqualSums *s, int64 max_n)
{
	if (s->n < 0 || s->n > max_n)
		return "a count must be between 0 and the respondents";
	if (!isfinite(s->e) || !isfinite(s->p) || !isfinite(s->g) ||
		!isfinite(s->e2) || !isfinite(s->p2) || !isfinite(s->g2))
		return "sums must be finite";
	if (s->e2 < 0 || s->p2 < 0 || s->g2 < 0)
		return "sums of squares must be >= 0";
	if (s->n == 0 && (s->e != 0 || s->p != 0 || s->g != 0 || s->e2 != 0 || s->p2 != 0 || s->g2 != 0))
		return "sums must be 0 without respondents";
	return NULL;
}

/* Why a state read from outside is impossible, or NULL */
static const char *
StateProblem(const ServqualState *state)
{
	const char *problem;
	const float8 *importance = ServqualImportance(state);

	if (state->weighted > 1)
		return "weighted must be 0 or 1";
	if (state->respondents < 0)
		return "respondents must be >= 0";
	problem = ServqualMapProblem(state->n_items, state->n_dims, ServqualItemDim(state),
								 ServqualStateNames(state), state->names_size);
	if (problem != NULL)
		return problem;
	if ((problem = SumsProblem(&state->overall, state->respondents)) != NULL)
		return problem;
	if (state->overall.n != state->respondents)
		return "the overall count must equal the respondents";
	if ((problem = SumsProblem(&state->weighted_overall, state->respondents)) != NULL)
		return problem;
	if (!state->weighted && state->weighted_overall.n != 0)
		return "an unweighted state has no weighted sums";
	for (int k = 0; k < state->n_items + state->n_dims; k++)
		if ((problem = SumsProblem(&state->sums[k], state->respondents)) != NULL)
			return problem;
	for (int d = 0; d < state->n_dims; d++)
		if (!(importance[d] >= 0 && importance[d] <= (float8) state->weighted_overall.n * (1 + 1e-9)))
			return "an importance sum must be between 0 and the weighted respondents";
	return NULL;
}

/* Read "n,e,e2,p,p2,g,g2" into sums */
static void
ReadSums(CrmReader *r, void *element, const void *arg pg_attribute_unused())
{
	ServqualSums *s = (ServqualSums *) element;

	s->n = CrmReadCount(r);
	CrmExpect(r, ",");
	s->e = CrmReadFloat8(r);
	CrmExpect(r, ",");
	s->e2 = CrmReadFloat8(r);
	CrmExpect(r, ",");
	s->p = CrmReadFloat8(r);
	CrmExpect(r, ",");
	s->p2 = CrmReadFloat8(r);
	CrmExpect(r, ",");
	s->g = CrmReadFloat8(r);
	CrmExpect(r, ",");
	s->g2 = CrmReadFloat8(r);
}

/* Append "n,e,e2,p,p2,g,g2" */
static void
WriteSums(StringInfo buf, const void *element, const void *arg pg_attribute_unused())
{
	const ServqualSums *s = (const ServqualSums *) element;

	appendStringInfo(buf, INT64_FORMAT, s->n);
	appendStringInfoChar(buf, ',');
	CrmAppendFloat8(buf, s->e);
	appendStringInfoChar(buf, ',');
	CrmAppendFloat8(buf, s->e2);
	appendStringInfoChar(buf, ',');
	CrmAppendFloat8(buf, s->p);
	appendStringInfoChar(buf, ',');
	CrmAppendFloat8(buf, s->p2);
	appendStringInfoChar(buf, ',');
	CrmAppendFloat8(buf, s->g);
	appendStringInfoChar(buf, ',');
	CrmAppendFloat8(buf, s->g2);
}

/* Text input of crm.servqual_state */
PG_FUNCTION_INFO_V1(servqual_state_in);
Datum
servqual_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.servqual_state", PG_GETARG_CSTRING(0));
	int64		weighted = CrmReadKeyInt(&r, "weighted", 0, 1);
	int64		respondents = CrmReadKeyCount(&r, "respondents");
	int			n_dims;
	int32		names_size;
	char	   *names = CrmReadNames(&r, "dimensions", &n_dims, &names_size);
	int			n_items;
	int64	   *dim1 = CrmReadIntList(&r, "item_dimension", 1, SERVQUAL_MAX_DIMS, &n_items);
	int32		item_dim[SERVQUAL_MAX_ITEMS];
	ServqualSums overall = {0};
	ServqualSums weighted_overall = {0};
	ServqualSums *items;
	ServqualSums *dims;
	float8	   *importance;
	int			n;
	ServqualState *state;

	if (n_items < 1 || n_items > SERVQUAL_MAX_ITEMS || n_dims < 1 || n_dims > SERVQUAL_MAX_DIMS)
		CrmReadError(&r, "a map has 1 to 1000 items and 1 to 32 dimensions");
	for (int i = 0; i < n_items; i++)
		item_dim[i] = (int32) dim1[i] - 1;
	CrmExpectKey(&r, "overall");
	ReadSums(&r, &overall, NULL);
	CrmExpectKey(&r, "weighted_overall");
	ReadSums(&r, &weighted_overall, NULL);
	items = CrmReadList(&r, "items", ";", sizeof(ServqualSums), ReadSums, NULL, &n);
	if (n != n_items)
		CrmReadError(&r, "items must have one entry per item");
	dims = CrmReadList(&r, "dims", ";", sizeof(ServqualSums), ReadSums, NULL, &n);
	if (n != n_dims)
		CrmReadError(&r, "dims must have one entry per dimension");
	importance = CrmReadFloat8List(&r, "importance", &n);
	if (n != n_dims)
		CrmReadError(&r, "importance must have one entry per dimension");
	CrmReadEnd(&r);
	CrmReadCheck(&r, ServqualMapProblem(n_items, n_dims, item_dim, names, names_size));
	state = StateCreate(n_items, n_dims, names_size, item_dim, names, weighted != 0);
	state->respondents = respondents;
	state->overall = overall;
	state->weighted_overall = weighted_overall;
	memcpy(state->sums, items, sizeof(ServqualSums) * n_items);
	memcpy(state->sums + n_items, dims, sizeof(ServqualSums) * n_dims);
	memcpy(ServqualImportance(state), importance, sizeof(float8) * n_dims);
	CrmReadCheck(&r, StateProblem(state));
	PG_RETURN_POINTER(state);
}

/* Text output of crm.servqual_state (shortest exact numbers: round-trips) */
PG_FUNCTION_INFO_V1(servqual_state_out);
Datum
servqual_state_out(PG_FUNCTION_ARGS)
{
	ServqualState *state = ServqualStateArg(fcinfo, 0);
	int32	   *item_dim = ServqualItemDim(state);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "weighted=%d respondents=" INT64_FORMAT, state->weighted,
					 state->respondents);
	CrmAppendNames(&buf, "dimensions", ServqualStateNames(state), state->n_dims);
	appendStringInfoString(&buf, " item_dimension={");
	for (int i = 0; i < state->n_items; i++)
		appendStringInfo(&buf, "%s%d", i > 0 ? "," : "", item_dim[i] + 1);
	appendStringInfoString(&buf, "} overall=");
	WriteSums(&buf, &state->overall, NULL);
	appendStringInfoString(&buf, " weighted_overall=");
	WriteSums(&buf, &state->weighted_overall, NULL);
	CrmAppendList(&buf, "items", ";", state->sums, sizeof(ServqualSums), state->n_items,
				  WriteSums, NULL);
	CrmAppendList(&buf, "dims", ";", state->sums + state->n_items, sizeof(ServqualSums),
				  state->n_dims, WriteSums, NULL);
	CrmAppendFloat8List(&buf, "importance", ServqualImportance(state), state->n_dims);
	PG_RETURN_CSTRING(buf.data);
}

/* Send one block of sums */
static void
SendSums(StringInfo buf, const ServqualSums *s)
{
	pq_sendint64(buf, s->n);
	pq_sendfloat8(buf, s->e);
	pq_sendfloat8(buf, s->e2);
	pq_sendfloat8(buf, s->p);
	pq_sendfloat8(buf, s->p2);
	pq_sendfloat8(buf, s->g);
	pq_sendfloat8(buf, s->g2);
}

/* Receive one block of sums */
static void
RecvSums(StringInfo buf, ServqualSums *s)
{
	s->n = pq_getmsgint64(buf);
	s->e = CrmRecvFloat8(buf);
	s->e2 = CrmRecvFloat8(buf);
	s->p = CrmRecvFloat8(buf);
	s->p2 = CrmRecvFloat8(buf);
	s->g = CrmRecvFloat8(buf);
	s->g2 = CrmRecvFloat8(buf);
}

/* Binary output of crm.servqual_state */
PG_FUNCTION_INFO_V1(servqual_state_send);
Datum
servqual_state_send(PG_FUNCTION_ARGS)
{
	ServqualState *state = ServqualStateArg(fcinfo, 0);
	int32	   *item_dim = ServqualItemDim(state);
	float8	   *importance = ServqualImportance(state);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, state->version);
	pq_sendbyte(&buf, state->weighted);
	pq_sendint32(&buf, state->n_items);
	pq_sendint32(&buf, state->n_dims);
	pq_sendint32(&buf, state->names_size);
	pq_sendint64(&buf, state->respondents);
	SendSums(&buf, &state->overall);
	SendSums(&buf, &state->weighted_overall);
	for (int k = 0; k < state->n_items + state->n_dims; k++)
		SendSums(&buf, &state->sums[k]);
	for (int d = 0; d < state->n_dims; d++)
		pq_sendfloat8(&buf, importance[d]);
	for (int i = 0; i < state->n_items; i++)
		pq_sendint32(&buf, item_dim[i]);
	pq_sendbytes(&buf, ServqualStateNames(state), state->names_size);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Binary input of crm.servqual_state */
PG_FUNCTION_INFO_V1(servqual_state_recv);
Datum
servqual_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			weighted;
	int32		n_items;
	int32		n_dims;
	int32		names_size;
	ServqualState *state;
	int32	   *item_dim;
	float8	   *importance;

	CrmRecvVersion(buf, "crm.servqual_state", SERVQUAL_VERSION);
	weighted = pq_getmsgbyte(buf);
	n_items = CrmRecvLength(buf, "crm.servqual_state", sizeof(ServqualSums), "items");
	n_dims = CrmRecvLength(buf, "crm.servqual_state", sizeof(ServqualSums), "dimensions");
	names_size = CrmRecvLength(buf, "crm.servqual_state", 1, "name bytes");
	if (n_items < 1 || n_items > SERVQUAL_MAX_ITEMS || n_dims < 1 || n_dims > SERVQUAL_MAX_DIMS)
		CrmBinaryError("crm.servqual_state", "a map has 1 to 1000 items and 1 to 32 dimensions");
	state = StateCreate(n_items, n_dims, names_size, NULL, NULL, false);
	state->weighted = (uint8) weighted;
	state->respondents = pq_getmsgint64(buf);
	RecvSums(buf, &state->overall);
	RecvSums(buf, &state->weighted_overall);
	for (int k = 0; k < n_items + n_dims; k++)
		RecvSums(buf, &state->sums[k]);
	importance = ServqualImportance(state);
	for (int d = 0; d < n_dims; d++)
		importance[d] = CrmRecvFloat8(buf);
	item_dim = ServqualItemDim(state);
	for (int i = 0; i < n_items; i++)
		item_dim[i] = pq_getmsgint(buf, 4);
	memcpy(ServqualStateNames(state), pq_getmsgbytes(buf, names_size), names_size);
	CrmBinaryCheck("crm.servqual_state", StateProblem(state));
	PG_RETURN_POINTER(state);
}
