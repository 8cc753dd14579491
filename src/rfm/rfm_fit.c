/*
 * rfm_fit.c
 *		crm.rfm_fit: the aggregate that fits an RFM scoring model, with its
 *		exact mergeable state crm.rfm_fit_state (see rfm_model.h).
 *
 * Breakpoints:
 *	- 'quantile' reproduces the rfm R package (rfm_table_order): the type-7
 *	  quantiles of each dimension at probabilities i/k (computed as R's seq()
 *	  does, i * (1/k)), plus 1; bins are half-open [b_{i-1}, b_i), so equal
 *	  values always share a score;
 *	- 'ntile' cuts the sorted values into k groups of equal size as NTILE()
 *	  does (the first N mod k groups one larger); each breakpoint is the first
 *	  value of a group, so values tied at a boundary all go to the upper bin.
 */
#include "crm.h"
#include "agg_states.h"
#include "merge_buffer.h"
#include "rfm_model.h"

#include <math.h>

#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/memutils.h"

/* Rows the buffer of a new state holds */
#define RFM_FIT_INITIAL_BUFFER 16
/* Smallest buffer after the first flush */
#define RFM_FIT_MIN_BUFFER 1024

/* Header size of a fit state, aligned for the runs that follow */
#define FIT_HEADER_SIZE MAXALIGN(sizeof(RfmFitState))

/* The run of distinct values of dimension d */
static CrmValueCount *
FitRun(const RfmFitState *state, int d)
{
	CrmValueCount *run = (CrmValueCount *) ((char *) state + FIT_HEADER_SIZE);

	for (int i = 0; i < d; i++)
		run += state->n_distinct[i];
	return run;
}

/* The buffer of raw rows (recency, frequency, monetary triples) */
static float8 *
FitBuffer(const RfmFitState *state)
{
	return (float8 *) FitRun(state, RFM_DIMENSIONS);
}

/* Size of a fit state with the given runs and buffer capacity */
static Size
FitStateSize(const int32 *n_distinct, int32 buffer_capacity)
{
	Size		size = FIT_HEADER_SIZE;

	for (int d = 0; d < RFM_DIMENSIONS; d++)
		size += sizeof(CrmValueCount) * (Size) n_distinct[d];
	size += sizeof(float8) * RFM_DIMENSIONS * (Size) buffer_capacity;
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("RFM fit state would exceed 1 GB"),
				 errhint("Fit the model on fewer distinct values, for example rounded amounts.")));
	return size;
}

/* A new fit state holding the given runs and an empty buffer */
static RfmFitState *
FitStateBuild(uint8 method, uint8 bins, int64 n_rows,
			  CrmValueCount *const *runs, const int32 *n_distinct,
			  int32 buffer_capacity)
{
	Size		size = FitStateSize(n_distinct, buffer_capacity);
	RfmFitState *state = (RfmFitState *) palloc0(size);

	SET_VARSIZE(state, size);
	state->version = RFM_FIT_STATE_VERSION;
	state->method = method;
	state->bins = bins;
	state->buffer_capacity = buffer_capacity;
	state->n_rows = n_rows;
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		state->n_distinct[d] = n_distinct[d];
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		if (n_distinct[d] > 0)
			memcpy(FitRun(state, d), runs[d],
				   sizeof(CrmValueCount) * (Size) n_distinct[d]);
	return state;
}

/* SortFloat8(values, n): an inlined, interruptible ascending sort of finite float8 values */
#define ST_SORT SortFloat8
#define ST_ELEMENT_TYPE float8
#define ST_COMPARE(a, b) ((*(a) > *(b)) - (*(a) < *(b)))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Merge two sorted runs of distinct values into out; returns its length */
static int32
MergeRuns(const CrmValueCount *a, int32 na, const CrmValueCount *b, int32 nb,
		  CrmValueCount *out)
{
	int32		i = 0;
	int32		j = 0;
	int32		n = 0;

	while (i < na || j < nb)
	{
		if ((n & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (j >= nb || (i < na && a[i].value < b[j].value))
			out[n++] = a[i++];
		else if (i >= na || b[j].value < a[i].value)
			out[n++] = b[j++];
		else
		{
			out[n] = a[i++];
			out[n].count = AddCounts(out[n].count, b[j++].count, "RFM fit state count");
			n++;
		}
	}
	return n;
}

/* The run of dimension d with the buffered rows merged in (palloc'd) */
static CrmValueCount *
FlushedRun(const RfmFitState *state, int d, int32 *n_out)
{
	int32		nb = state->n_buffered;
	float8	   *column = (float8 *) palloc(sizeof(float8) * Max(nb, 1));
	CrmValueCount *buffered = (CrmValueCount *) palloc(sizeof(CrmValueCount) * Max(nb, 1));
	CrmValueCount *merged;
	const float8 *buffer = FitBuffer(state);
	int32		n_buffered_distinct = 0;

	for (int32 i = 0; i < nb; i++)
		column[i] = buffer[i * RFM_DIMENSIONS + d];
	SortFloat8(column, nb);
	for (int32 i = 0; i < nb; i++)
	{
		if (n_buffered_distinct > 0 &&
			buffered[n_buffered_distinct - 1].value == column[i])
			buffered[n_buffered_distinct - 1].count++;
		else
		{
			buffered[n_buffered_distinct].value = column[i];
			buffered[n_buffered_distinct].count = 1;
			n_buffered_distinct++;
		}
	}
	merged = (CrmValueCount *) palloc(sizeof(CrmValueCount) *
									  ((Size) state->n_distinct[d] + n_buffered_distinct + 1));
	*n_out = MergeRuns(FitRun(state, d), state->n_distinct[d],
					   buffered, n_buffered_distinct, merged);
	pfree(column);
	pfree(buffered);
	return merged;
}

/* Buffer capacity after a flush: proportional to the runs, so flushing is amortized */
static int32
NextBufferCapacity(const int32 *n_distinct)
{
	int32		largest = RFM_FIT_MIN_BUFFER;

	for (int d = 0; d < RFM_DIMENSIONS; d++)
		largest = Max(largest, n_distinct[d]);
	return largest;
}

/* A copy of the state with the buffer merged into the runs (and room for more rows) */
static RfmFitState *
FitStateFlush(const RfmFitState *state, int32 buffer_capacity)
{
	CrmValueCount *runs[RFM_DIMENSIONS];
	int32		n_distinct[RFM_DIMENSIONS];

	for (int d = 0; d < RFM_DIMENSIONS; d++)
		runs[d] = FlushedRun(state, d, &n_distinct[d]);
	if (buffer_capacity < 0)
		buffer_capacity = NextBufferCapacity(n_distinct);
	return FitStateBuild(state->method, state->bins, state->n_rows,
						 runs, n_distinct, buffer_capacity);
}

/* The fitting method named by text, raising 22023 for unknown names */
static uint8
FitMethodFromName(const char *name)
{
	uint8		method = RfmMethodByName(name);

	if (method != RFM_METHOD_QUANTILE && method != RFM_METHOD_NTILE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown RFM method \"%s\"", name),
				 errhint("Use 'quantile' (the rfm package) or 'ntile'; for fixed breakpoints build the model with crm.rfm_model(recency, frequency, monetary).")));
	return method;
}

/* Per-call-site cache of the fit transition: the last method text and its value */
typedef struct FitCache
{
	char		name[16];		/* the method text last parsed */
	int			name_len;		/* its length, -1 until parsed */
	uint8		method;			/* its parsed value */
} FitCache;

/* Method and bins of this row (defaults 'quantile' and 5) */
static void
FitRowParams(FunctionCallInfo fcinfo, uint8 *method, uint8 *bins)
{
	*bins = 5;
	*method = RFM_METHOD_QUANTILE;
	if (PG_NARGS() > 4)
	{
		CheckNotNull(fcinfo, 4, "bins");
		*bins = (uint8) CheckRfmBins(PG_GETARG_INT32(4));
	}
	if (PG_NARGS() > 5)
	{
		FitCache   *cache = (FitCache *) fcinfo->flinfo->fn_extra;
		text	   *name;
		int			len;

		CheckNotNull(fcinfo, 5, "method");
		if (cache == NULL)
		{
			cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(FitCache));
			cache->name_len = -1;
			fcinfo->flinfo->fn_extra = cache;
		}
		/* compare the text, not the Datum: a column may reuse one buffer */
		name = PG_GETARG_TEXT_PP(5);
		len = VARSIZE_ANY_EXHDR(name);
		if (len != cache->name_len || memcmp(VARDATA_ANY(name), cache->name, len) != 0)
		{
			cache->method = FitMethodFromName(text_to_cstring(name));
			/* known names are short: only those are cached */
			memcpy(cache->name, VARDATA_ANY(name), len);
			cache->name_len = len;
		}
		*method = cache->method;
	}
}

/*
 * The state of crm.rfm_fit and crm.rfm_fit_merge inside an aggregate (rows
 * added by rfm_fit_trans, states by rfm_fit_combine): an expanded object
 * accumulating each dimension's values in a merge buffer, so that adding
 * rows or merging N states costs O(values x log), grown in place, never
 * copied whole, and flattened into the fit state of its compacted runs (no
 * buffer) when it leaves the aggregate: a parallel worker's partial state
 * is its sorted distinct values
 */
typedef struct ExpandedRfmFit
{
	ExpandedObjectHeader hdr;	/* standard expanded-object header */
	uint8		method;			/* RfmMethod of every state merged */
	uint8		bins;			/* bins of every state merged */
	int64		n_rows;			/* rows of the states merged */
	MergeBuffer dims[RFM_DIMENSIONS];	/* their values per dimension, in
										 * hdr.eoh_context */
} ExpandedRfmFit;

/* The distinct values per dimension of an expanded fit state, compacted */
static void
ExpandedRfmFitCompact(ExpandedRfmFit *expanded, int32 *n_distinct)
{
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		MergeBufferCompact(&expanded->dims[d]);
		/* beyond int32 the size check fails anyway */
		n_distinct[d] = (int32) Min(expanded->dims[d].n_run, PG_INT32_MAX / 2);
	}
}

/* Size of the flat form of an expanded fit state: its runs compacted, no buffer */
static Size
ExpandedRfmFitFlatSize(ExpandedObjectHeader *eohptr)
{
	int32		n_distinct[RFM_DIMENSIONS];

	ExpandedRfmFitCompact((ExpandedRfmFit *) eohptr, n_distinct);
	return FitStateSize(n_distinct, 0);
}

/* Write the flat form of an expanded fit state into result */
static void
ExpandedRfmFitFlatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ExpandedRfmFit *expanded = (ExpandedRfmFit *) eohptr;
	RfmFitState *state = (RfmFitState *) result;

	Assert(allocated_size == ExpandedRfmFitFlatSize(eohptr));
	memset(state, 0, FIT_HEADER_SIZE);
	SET_VARSIZE(state, allocated_size);
	state->version = RFM_FIT_STATE_VERSION;
	state->method = expanded->method;
	state->bins = expanded->bins;
	state->n_rows = expanded->n_rows;
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		state->n_distinct[d] = (int32) expanded->dims[d].n_run;
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		memcpy(FitRun(state, d), expanded->dims[d].data,
			   sizeof(CrmValueCount) * (Size) state->n_distinct[d]);
}

static const ExpandedObjectMethods ExpandedRfmFitMethods = {
	ExpandedRfmFitFlatSize,
	ExpandedRfmFitFlatten
};

/* Add the runs and the buffered rows of a flat fit state to an expanded one */
static void
ExpandedRfmFitAdd(ExpandedRfmFit *expanded, const RfmFitState *state)
{
	int32		nb = state->n_buffered;
	const float8 *buffer = FitBuffer(state);

	expanded->n_rows = AddCounts(expanded->n_rows, state->n_rows, "RFM fit state customers");
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		MergeBufferAppendRun(&expanded->dims[d], FitRun(state, d), state->n_distinct[d]);
	if (nb > 0)
	{
		CrmValueCount *column = (CrmValueCount *) palloc(sizeof(CrmValueCount) * nb);

		for (int d = 0; d < RFM_DIMENSIONS; d++)
		{
			for (int32 i = 0; i < nb; i++)
			{
				column[i].value = buffer[(Size) i * RFM_DIMENSIONS + d] + 0.0;
				column[i].count = 1;
			}
			MergeBufferAppend(&expanded->dims[d], column, nb);
		}
		pfree(column);
	}
}

/* A new empty expanded fit state of a method and bins, of aggregate context parent (agg_states.h) */
static ExpandedRfmFit *
NewExpandedRfmFit(MemoryContext parent, uint8 method, uint8 bins)
{
	MemoryContext context = CrmAggStateContext(parent);
	ExpandedRfmFit *expanded = (ExpandedRfmFit *)
		MemoryContextAlloc(context, sizeof(ExpandedRfmFit));

	EOH_init_header(&expanded->hdr, &ExpandedRfmFitMethods, context);
	expanded->method = method;
	expanded->bins = bins;
	expanded->n_rows = 0;
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		MergeBufferInit(&expanded->dims[d], &MergeValueCountOps, context);
	return expanded;
}

/* The expanded fit state of an aggregate's own in a datum (read-write), or NULL */
static ExpandedRfmFit *
OwnExpandedRfmFit(Datum datum)
{
	if (VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(datum)) &&
		DatumGetEOHP(datum)->eoh_methods == &ExpandedRfmFitMethods)
		return (ExpandedRfmFit *) DatumGetEOHP(datum);
	return NULL;
}

/*
 * The transition inside an aggregate: the row added to the aggregate's
 * expanded state (made on the first row, or from a flat state once)
 */
static Datum
ExpandedRfmFitTransition(FunctionCallInfo fcinfo, uint8 method, uint8 bins)
{
	ExpandedRfmFit *expanded = PG_ARGISNULL(0) ? NULL : OwnExpandedRfmFit(PG_GETARG_DATUM(0));
	CrmValueCount values[RFM_DIMENSIONS];

	if (expanded == NULL)
	{
		MemoryContext aggcontext;

		(void) AggCheckCallContext(fcinfo, &aggcontext);
		expanded = NewExpandedRfmFit(aggcontext, method, bins);
		if (!PG_ARGISNULL(0))
		{
			RfmFitState *state = (RfmFitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));

			expanded->method = state->method;
			expanded->bins = state->bins;
			ExpandedRfmFitAdd(expanded, state);
		}
	}
	if (expanded->method != method || expanded->bins != bins)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins and method must be the same for every row of a group")));
	/* a customer is skipped unless all three values are present */
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		if (PG_ARGISNULL(d + 1))
			PG_RETURN_DATUM(EOHPGetRWDatum(&expanded->hdr));
		/* -0.0 and 0.0 are one value: +0, so that merges never depend on order */
		values[d].value = PG_GETARG_FLOAT8(d + 1) + 0.0;
		values[d].count = 1;
	}
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		CheckFinite(values[d].value, RfmDimensionNames[d]);
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		MergeBufferAppend(&expanded->dims[d], &values[d], 1);
	expanded->n_rows++;
	PG_RETURN_DATUM(EOHPGetRWDatum(&expanded->hdr));
}

/* crm.rfm_fit transition: add one customer's (recency, frequency, monetary) */
PG_FUNCTION_INFO_V1(rfm_fit_trans);
Datum
rfm_fit_trans(PG_FUNCTION_ARGS)
{
	RfmFitState *state;
	uint8		method;
	uint8		bins;
	float8		values[RFM_DIMENSIONS];
	float8	   *slot;

	FitRowParams(fcinfo, &method, &bins);
	if (AggCheckCallContext(fcinfo, NULL) != 0)
		return ExpandedRfmFitTransition(fcinfo, method, bins);
	if (PG_ARGISNULL(0))
	{
		static const int32 no_runs[RFM_DIMENSIONS] = {0, 0, 0};
		CrmValueCount *runs[RFM_DIMENSIONS] = {NULL, NULL, NULL};

		state = FitStateBuild(method, bins, 0, runs, no_runs, RFM_FIT_INITIAL_BUFFER);
	}
	else
	{
		state = (RfmFitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
		if (state->method != method || state->bins != bins)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("bins and method must be the same for every row of a group")));
		if (!CrmArgIsWritable(fcinfo, 0, state))
			state = FitStateFlush(state, Max(state->buffer_capacity, 1));
	}

	/* a customer is skipped unless all three values are present */
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		if (PG_ARGISNULL(d + 1))
			PG_RETURN_POINTER(state);
		/* -0.0 and 0.0 are one value: +0, so that merges never depend on order */
		values[d] = PG_GETARG_FLOAT8(d + 1) + 0.0;
	}
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		CheckFinite(values[d], RfmDimensionNames[d]);

	if (state->n_buffered >= state->buffer_capacity)
		state = FitStateFlush(state, -1);
	slot = FitBuffer(state) + (Size) state->n_buffered * RFM_DIMENSIONS;
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		slot[d] = values[d];
	state->n_buffered++;
	state->n_rows++;
	PG_RETURN_POINTER(state);
}

/* Raise 22023 unless two fit states have the same bins and method */
static void
CheckMergeable(uint8 method_a, uint8 bins_a, const RfmFitState *b)
{
	if (method_a != b->method || bins_a != b->bins)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge RFM fit states with different bins or methods")));
}

/* A new fit state merging two: the runs of both, their buffers merged in */
static RfmFitState *
FitStateMergePair(const RfmFitState *a, const RfmFitState *b)
{
	CrmValueCount *runs[RFM_DIMENSIONS];
	int32		n_distinct[RFM_DIMENSIONS];
	int64		n_rows = AddCounts(a->n_rows, b->n_rows, "RFM fit state customers");

	CheckMergeable(a->method, a->bins, b);
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		int32		na;
		int32		nb;
		CrmValueCount *ra = FlushedRun(a, d, &na);
		CrmValueCount *rb = FlushedRun(b, d, &nb);

		runs[d] = (CrmValueCount *) palloc(sizeof(CrmValueCount) * ((Size) na + nb + 1));
		n_distinct[d] = MergeRuns(ra, na, rb, nb, runs[d]);
	}
	return FitStateBuild(a->method, a->bins, n_rows, runs, n_distinct,
						 NextBufferCapacity(n_distinct));
}

/*
 * crm.rfm_fit combine: merge two partial fit states.  Inside an aggregate
 * (crm.rfm_fit_merge, or crm.rfm_fit's combine step) the first argument is
 * the aggregate's own state: an expanded state (made from it the first
 * time) that the second state's values are added to in place.  Called
 * directly, a new state; the arguments never change.
 */
PG_FUNCTION_INFO_V1(rfm_fit_combine);
Datum
rfm_fit_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext;
	Datum		raw = PG_GETARG_DATUM(0);
	ExpandedRfmFit *expanded = NULL;
	RfmFitState *b;

	if (AggCheckCallContext(fcinfo, &aggcontext) == 0)
		PG_RETURN_POINTER(FitStateMergePair((RfmFitState *) PG_DETOAST_DATUM(raw),
											(RfmFitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1))));
	expanded = OwnExpandedRfmFit(raw);
	/* a flat copy if it is expanded, even the state itself */
	b = (RfmFitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(1));
	if (expanded == NULL)
	{
		RfmFitState *a = (RfmFitState *) PG_DETOAST_DATUM(raw);

		CheckMergeable(a->method, a->bins, b);
		(void) AddCounts(a->n_rows, b->n_rows, "RFM fit state customers");
		expanded = NewExpandedRfmFit(aggcontext, a->method, a->bins);
		ExpandedRfmFitAdd(expanded, a);
	}
	CheckMergeable(expanded->method, expanded->bins, b);
	ExpandedRfmFitAdd(expanded, b);
	PG_RETURN_DATUM(EOHPGetRWDatum(&expanded->hdr));
}

/* Prefix sums of the counts of a run (cum[i] = rows with value <= run[i]) */
static int64 *
CumulativeCounts(const CrmValueCount *run, int32 n)
{
	int64	   *cum = (int64 *) palloc(sizeof(int64) * Max(n, 1));
	int64		total = 0;

	for (int32 i = 0; i < n; i++)
	{
		total += run[i].count;
		cum[i] = total;
	}
	return cum;
}

/* The rank-th smallest value (1-based) of a run with prefix sums cum */
static float8
OrderStatistic(const CrmValueCount *run, const int64 *cum, int32 n, int64 rank)
{
	int32		lo = 0;
	int32		hi = n - 1;

	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (cum[mid] < rank)
			lo = mid + 1;
		else
			hi = mid;
	}
	return run[lo].value;
}

/* R's type-7 quantile of a run at probability p */
static float8
Type7Quantile(const CrmValueCount *run, const int64 *cum, int32 n, int64 total,
			  float8 p)
{
	float8		index = 1 + (float8) (total - 1) * p;
	float8		lo = floor(index);
	float8		hi = ceil(index);
	float8		q = OrderStatistic(run, cum, n, (int64) lo);
	float8		x_hi = OrderStatistic(run, cum, n, (int64) hi);

	/* as R: interpolate only above lo and when the neighbours differ */
	if (index > lo && x_hi != q)
	{
		float8		h = index - lo;

		q = (1 - h) * q + h * x_hi;
	}
	return q;
}

/* Fill the bins - 1 breakpoints of one dimension from its run */
static void
FitBreakpoints(const CrmValueCount *run, int32 n, int64 total, uint8 method,
			   uint8 bins, float8 *breakpoints)
{
	int64	   *cum = CumulativeCounts(run, n);
	float8		step = 1.0 / bins;

	for (int i = 1; i < bins; i++)
	{
		if (method == RFM_METHOD_QUANTILE)
			breakpoints[i - 1] = Type7Quantile(run, cum, n, total, i * step) + 1;
		else
		{
			/* first rank of group i + 1 under NTILE(bins) */
			int64		first = (int64) i * (total / bins) + Min(i, total % bins) + 1;

			/*
			 * With fewer rows than bins the upper groups are empty: their
			 * breakpoint lies just above the largest value, which no fitted
			 * row reaches
			 */
			breakpoints[i - 1] = first > total ?
				nextafter(run[n - 1].value, HUGE_VAL) :
				OrderStatistic(run, cum, n, first);
		}
	}
	pfree(cum);
}

/* crm.rfm_fit final function: the fitted crm.rfm_model, NULL without rows */
PG_FUNCTION_INFO_V1(rfm_fit_final);
Datum
rfm_fit_final(PG_FUNCTION_ARGS)
{
	RfmFitState *state = (RfmFitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	RfmModel   *model;

	if (state->n_rows == 0)
		PG_RETURN_NULL();
	model = (RfmModel *) palloc0(RfmModelSize(state->bins));
	SET_VARSIZE(model, RfmModelSize(state->bins));
	model->version = RFM_MODEL_VERSION;
	model->method = state->method;
	model->bins = state->bins;
	model->n = state->n_rows;
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		int32		n;
		CrmValueCount *run = FlushedRun(state, d, &n);

		FitBreakpoints(run, n, state->n_rows, state->method, state->bins,
					   RfmModelBreakpoints(model, d));
	}
	PG_RETURN_POINTER(model);
}

/* Text form of crm.rfm_fit_state: the flushed runs as value:count lists */
PG_FUNCTION_INFO_V1(rfm_fit_state_out);
Datum
rfm_fit_state_out(PG_FUNCTION_ARGS)
{
	RfmFitState *state = (RfmFitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d method=%s bins=%d n=" INT64_FORMAT,
					 state->version, RfmMethodName(state->method), state->bins,
					 state->n_rows);
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		int32		n;
		CrmValueCount *run = FlushedRun(state, d, &n);

		CrmAppendRun(&buf, RfmDimensionNames[d], run, n);
	}
	PG_RETURN_CSTRING(buf.data);
}

/* Why runs read from outside are inconsistent with n_rows, or NULL */
static const char *
FitRunsProblem(CrmValueCount *const *runs, const int32 *n_distinct, int64 n_rows)
{
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		const char *problem = CrmRunProblem(runs[d], n_distinct[d], n_rows, false);

		if (problem != NULL)
			return problem;
	}
	return NULL;
}

/* Parse the text form of crm.rfm_fit_state */
PG_FUNCTION_INFO_V1(rfm_fit_state_in);
Datum
rfm_fit_state_in(PG_FUNCTION_ARGS)
{
	CrmReader	r = CrmReaderStart("crm.rfm_fit_state", PG_GETARG_CSTRING(0));
	uint8		method;
	uint8		bins;
	int64		n_rows;
	CrmValueCount *runs[RFM_DIMENSIONS];
	int32		n_distinct[RFM_DIMENSIONS];

	CrmExpectVersion(&r, RFM_FIT_STATE_VERSION);
	CrmExpectKey(&r, "method");
	method = RfmMethodByName(CrmReadWord(&r));
	if (method != RFM_METHOD_QUANTILE && method != RFM_METHOD_NTILE)
		CrmReadError(&r, "unknown method");
	bins = (uint8) CrmReadKeyInt(&r, "bins", RFM_MIN_BINS, RFM_MAX_BINS);
	n_rows = CrmReadKeyCount(&r, "n");
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		runs[d] = CrmReadRun(&r, RfmDimensionNames[d], &n_distinct[d]);
	CrmReadEnd(&r);
	CrmReadCheck(&r, FitRunsProblem(runs, n_distinct, n_rows));
	PG_RETURN_POINTER(FitStateBuild(method, bins, n_rows, runs, n_distinct, 0));
}

/* Binary form of crm.rfm_fit_state */
PG_FUNCTION_INFO_V1(rfm_fit_state_send);
Datum
rfm_fit_state_send(PG_FUNCTION_ARGS)
{
	RfmFitState *state = (RfmFitState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(0));
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint8(&buf, state->version);
	pq_sendint8(&buf, state->method);
	pq_sendint8(&buf, state->bins);
	pq_sendint64(&buf, state->n_rows);
	for (int d = 0; d < RFM_DIMENSIONS; d++)
	{
		int32		n;
		CrmValueCount *run = FlushedRun(state, d, &n);

		CrmSendRun(&buf, run, n);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Read the binary form of crm.rfm_fit_state */
PG_FUNCTION_INFO_V1(rfm_fit_state_recv);
Datum
rfm_fit_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = (uint8) pq_getmsgint(buf, 1);
	uint8		method = (uint8) pq_getmsgint(buf, 1);
	uint8		bins = (uint8) pq_getmsgint(buf, 1);
	int64		n_rows = pq_getmsgint64(buf);
	CrmValueCount *runs[RFM_DIMENSIONS];
	int32		n_distinct[RFM_DIMENSIONS];

	if (version != RFM_FIT_STATE_VERSION ||
		(method != RFM_METHOD_QUANTILE && method != RFM_METHOD_NTILE) ||
		bins < RFM_MIN_BINS || bins > RFM_MAX_BINS || n_rows < 0)
		CrmBinaryError("crm.rfm_fit_state", "invalid version, method, bins or n");
	for (int d = 0; d < RFM_DIMENSIONS; d++)
		runs[d] = CrmRecvRun(buf, "crm.rfm_fit_state", &n_distinct[d]);
	CrmBinaryCheck("crm.rfm_fit_state", FitRunsProblem(runs, n_distinct, n_rows));
	PG_RETURN_POINTER(FitStateBuild(method, bins, n_rows, runs, n_distinct, 0));
}
