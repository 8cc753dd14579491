/*
 * tuple_records.c
 *		Sorting and merging runs of records, the tuples of the tuple state
 *		(tuple_state.h): width values and a count each, (width + 1) x 8
 *		bytes.  The three-value tuples of the states without covariates
 *		(WeightedTuple) are the common case, which the compiler specializes
 *		(the generic functions are inlined with a constant width); wider
 *		records, of the states with covariates, use the same code with the
 *		width given at run time.
 */
#include "crm.h"
#include "tuple_state.h"

#include "miscadmin.h"

/* SortTuples(tuples, n): an inlined sort of tuples by their values (faster than qsort) */
#define ST_SORT SortTuples
#define ST_ELEMENT_TYPE WeightedTuple
#define ST_COMPARE(a, b) TupleCompareValues(a, b)
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* SortRecords(records, n, bytes per record, &width): the same for wider records */
#define ST_SORT SortRecords
#define ST_ELEMENT_TYPE_VOID
#define ST_COMPARE_ARG_TYPE int
#define ST_COMPARE(a, b, width) TupleCompareRecords((const float8 *) (a), (const float8 *) (b), *(width))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Add the count of record from to record into (of the same values) */
static pg_attribute_always_inline void
AddRecordCount(float8 *into, const float8 *from, int width)
{
	TupleRecordSetCount(into, width, AddCounts(TupleRecordCount(into, width),
											   TupleRecordCount(from, width),
											   "fit state count"));
}

/* SortAndCollapse for records of a width (inlined with a constant width) */
static pg_attribute_always_inline int32
SortAndCollapseWidth(float8 *records, int32 n, int width)
{
	int			stride = width + 1;
	int32		distinct = 0;

	if (width == 3)
		SortTuples((WeightedTuple *) records, n);
	else
		SortRecords(records, n, sizeof(float8) * stride, &width);
	for (int32 i = 0; i < n; i++)
	{
		float8	   *record = records + (Size) i * stride;
		float8	   *last = records + (Size) (distinct - 1) * stride;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (distinct > 0 && TupleCompareRecords(last, record, width) == 0)
			AddRecordCount(last, record, width);
		else
		{
			if (distinct != i)
				memcpy(records + (Size) distinct * stride, record, sizeof(float8) * stride);
			distinct++;
		}
	}
	return distinct;
}

/* Sort records and add up the counts of equal ones in place; returns how many remain */
int32
TupleSortAndCollapse(float8 *records, int32 n, int width)
{
	return width == 3 ? SortAndCollapseWidth(records, n, 3) :
		SortAndCollapseWidth(records, n, width);
}

/* MergeRuns for records of a width (inlined with a constant width) */
static pg_attribute_always_inline int32
MergeRunsWidth(const float8 *a, int32 na, const float8 *b, int32 nb, float8 *out, int width)
{
	int			stride = width + 1;
	int32		i = 0;
	int32		j = 0;
	int32		n = 0;

	while (i < na || j < nb)
	{
		const float8 *ra = a + (Size) i * stride;
		const float8 *rb = b + (Size) j * stride;
		float8	   *ro = out + (Size) n * stride;
		int			cmp = (i >= na) ? 1 : (j >= nb) ? -1 : TupleCompareRecords(ra, rb, width);

		if ((n & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (cmp < 0)
		{
			memcpy(ro, ra, sizeof(float8) * stride);
			i++;
		}
		else if (cmp > 0)
		{
			memcpy(ro, rb, sizeof(float8) * stride);
			j++;
		}
		else
		{
			memcpy(ro, ra, sizeof(float8) * stride);
			AddRecordCount(ro, rb, width);
			i++;
			j++;
		}
		n++;
	}
	return n;
}

/* Merge two sorted runs of distinct records into out; returns its length */
int32
TupleMergeRuns(const float8 *a, int32 na, const float8 *b, int32 nb, float8 *out, int width)
{
	return width == 3 ? MergeRunsWidth(a, na, b, nb, out, 3) :
		MergeRunsWidth(a, na, b, nb, out, width);
}

/* MergeRunInPlace for records of a width (inlined with a constant width) */
static pg_attribute_always_inline int32
MergeRunInPlaceWidth(float8 *run, int32 na, const float8 *other, int32 nb, int width)
{
	int			stride = width + 1;
	int32		i = na - 1;
	int32		j = nb - 1;
	int32		k = na + nb - 1;
	int32		gap;

	/* the common case of runs that do not overlap: append */
	if (na == 0 || nb == 0 ||
		TupleCompareRecords(run + (Size) (na - 1) * stride, other, width) < 0)
	{
		memcpy(run + (Size) na * stride, other, sizeof(float8) * stride * (Size) nb);
		return na + nb;
	}
	while (j >= 0)
	{
		float8	   *rk = run + (Size) k * stride;
		const float8 *ro = other + (Size) j * stride;
		int			cmp = i < 0 ? -1 : TupleCompareRecords(run + (Size) i * stride, ro, width);

		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (cmp > 0)
		{
			memcpy(rk, run + (Size) i * stride, sizeof(float8) * stride);
			i--;
		}
		else if (cmp < 0)
		{
			memcpy(rk, ro, sizeof(float8) * stride);
			j--;
		}
		else
		{
			memcpy(rk, run + (Size) i * stride, sizeof(float8) * stride);
			AddRecordCount(rk, ro, width);
			i--;
			j--;
		}
		k--;
	}
	/* what is left of the run is in place below k; close the gap of collapsed tuples */
	gap = k - i;
	if (gap > 0)
		memmove(run + (Size) (i + 1) * stride, run + (Size) (k + 1) * stride,
				sizeof(float8) * stride * (Size) (na + nb - 1 - k));
	return na + nb - gap;
}

/*
 * Merge a sorted run of distinct records held elsewhere (other, nb) into
 * the sorted run at the start of run (na), which has room for na + nb:
 * backwards from the end of that room, then the gap left by collapsed
 * records is closed.  Returns the length of the merged run.
 */
int32
TupleMergeRunInPlace(float8 *run, int32 na, const float8 *other, int32 nb, int width)
{
	return width == 3 ? MergeRunInPlaceWidth(run, na, other, nb, 3) :
		MergeRunInPlaceWidth(run, na, other, nb, width);
}
