/*
 * merge_buffer.c
 *		The merge buffer (merge_buffer.h): sorted, distinct elements with
 *		counts accumulated from values merged in, in O(log) amortized work
 *		per element.
 *
 * Elements merged in go to a buffer after the run.  A full buffer is sorted
 * (the element type's inlined sort), its equal elements collapsed, and
 * merged into the run in place (backwards, from a copy of the buffer); the
 * room then grows (at least doubling, from a few elements: a group's state
 * may stay small) so that the buffer is at least half the run, so an
 * element is sorted and merged O(1) times amortized.  A run that is at
 * least a quarter of the accumulated one is merged straight in, in time
 * proportional to it.  Memory: the run, a buffer up to its size, and a
 * scratch copy of the buffer while compacting; allocations may pass 1 GB
 * (the flat value the caller writes from the run must not).
 */
#include "crm.h"
#include "crm_io.h"
#include "merge_buffer.h"

#include "miscadmin.h"
#include "utils/memutils.h"

/* Elements of a new buffer's first allocation (small: a group's state may hold a few) */
#define MERGE_BUFFER_FIRST 8
/* Shortest run merged straight in; shorter ones are buffered */
#define MERGE_BUFFER_MIN_RUN 64

/* The element at position i of a buffer's data */
static inline char *
ElementAt(const MergeBuffer *mb, int64 i)
{
	return mb->data + (Size) i * mb->ops->element_size;
}

/* SortValueCounts(entries, n): an inlined sort of values with counts by value */
#define ST_SORT SortValueCounts
#define ST_ELEMENT_TYPE CrmValueCount
#define ST_COMPARE(a, b) (((a)->value > (b)->value) - ((a)->value < (b)->value))
#define ST_SCOPE static
#define ST_CHECK_FOR_INTERRUPTS
#define ST_DEFINE
#include "lib/sort_template.h"

/* Sort values with counts by value (MergeValueCountOps) */
static void
ValueCountSort(void *elements, size_t n)
{
	SortValueCounts((CrmValueCount *) elements, n);
}

/* Order of two values with counts by value (MergeValueCountOps) */
static int
ValueCountCompare(const void *a, const void *b)
{
	float8		va = ((const CrmValueCount *) a)->value;
	float8		vb = ((const CrmValueCount *) b)->value;

	return (va > vb) - (va < vb);
}

/* Add the count of the same value (MergeValueCountOps) */
static void
ValueCountAdd(void *into, const void *from)
{
	CrmValueCount *v = (CrmValueCount *) into;

	v->count = AddCounts(v->count, ((const CrmValueCount *) from)->count, "value count");
}

const MergeBufferOps MergeValueCountOps = {
	sizeof(CrmValueCount), ValueCountSort, ValueCountCompare, ValueCountAdd
};

/* An empty merge buffer of an element type, allocating in context */
void
MergeBufferInit(MergeBuffer *mb, const MergeBufferOps *ops, MemoryContext context)
{
	mb->ops = ops;
	mb->context = context;
	mb->data = NULL;
	mb->n_run = 0;
	mb->n_buffered = 0;
	mb->capacity = 0;
}

/* Room for capacity elements (data may move; its elements are kept) */
static void
Resize(MergeBuffer *mb, int64 capacity)
{
	Size		size = (Size) capacity * mb->ops->element_size;

	if (mb->data == NULL)
		mb->data = MemoryContextAllocHuge(mb->context, size);
	else
		mb->data = repalloc_huge(mb->data, size);
	mb->capacity = capacity;
}

/* Sort n elements in place and add up the counts of equal ones; returns how many remain */
static int64
SortAndCollapse(const MergeBufferOps *ops, char *elements, int64 n)
{
	Size		size = ops->element_size;
	int64		distinct = 0;

	ops->sort(elements, (size_t) n);
	for (int64 i = 0; i < n; i++)
	{
		char	   *e = elements + (Size) i * size;

		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (distinct > 0 && ops->compare(elements + (Size) (distinct - 1) * size, e) == 0)
			ops->add(elements + (Size) (distinct - 1) * size, e);
		else
		{
			if (distinct != i)
				memcpy(elements + (Size) distinct * size, e, size);
			distinct++;
		}
	}
	return distinct;
}

/*
 * Merge a sorted run of distinct elements held elsewhere (other, nb) into
 * the sorted run at the start of run (na), which has room for na + nb:
 * backwards from the end of that room, then the gap left by collapsed
 * elements is closed.  Returns the length of the merged run.
 */
static int64
MergeInPlace(const MergeBufferOps *ops, char *run, int64 na, const char *other, int64 nb)
{
	Size		size = ops->element_size;
	int64		i = na - 1;
	int64		j = nb - 1;
	int64		k = na + nb - 1;
	int64		gap;

	/* runs that do not overlap: append */
	if (na == 0 || nb == 0 || ops->compare(run + (Size) i * size, other) < 0)
	{
		if (nb > 0)
			memcpy(run + (Size) na * size, other, (Size) nb * size);
		return na + nb;
	}
	/* invariant: k - i = j + 1 + collapsed so far, so k > i while j >= 0 */
	while (j >= 0)
	{
		int			cmp = i < 0 ? -1 : ops->compare(run + (Size) i * size, other + (Size) j * size);

		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
		if (cmp > 0)
			memcpy(run + (Size) k-- * size, run + (Size) i-- * size, size);
		else if (cmp < 0)
			memcpy(run + (Size) k-- * size, other + (Size) j-- * size, size);
		else
		{
			memcpy(run + (Size) k * size, run + (Size) i-- * size, size);
			ops->add(run + (Size) k-- * size, other + (Size) j-- * size);
		}
	}
	/* run[0 .. i] is in place; close the gap */
	gap = k - i;
	if (gap > 0)
		memmove(run + (Size) (i + 1) * size, run + (Size) (k + 1) * size,
				(Size) (na + nb - 1 - k) * size);
	return na + nb - gap;
}

/* Merge the buffered elements into the run */
void
MergeBufferCompact(MergeBuffer *mb)
{
	const MergeBufferOps *ops = mb->ops;
	char	   *buffer;
	int64		nb;

	if (mb->n_buffered == 0)
		return;
	buffer = ElementAt(mb, mb->n_run);
	nb = SortAndCollapse(ops, buffer, mb->n_buffered);
	/* a sorted buffer above the whole run is where it belongs already */
	if (mb->n_run == 0 || ops->compare(ElementAt(mb, mb->n_run - 1), buffer) < 0)
		mb->n_run += nb;
	else
	{
		char	   *scratch = MemoryContextAllocHuge(mb->context, (Size) nb * ops->element_size);

		memcpy(scratch, buffer, (Size) nb * ops->element_size);
		mb->n_run = MergeInPlace(ops, mb->data, mb->n_run, scratch, nb);
		pfree(scratch);
	}
	mb->n_buffered = 0;
}

/*
 * Room for at least one more buffered element: a full buffer is compacted,
 * and the room grows when the buffer left is small against the run: at
 * least doubled, to a buffer as large as the run, or want elements if more
 */
static void
MakeRoom(MergeBuffer *mb, int64 want)
{
	if (mb->n_run + mb->n_buffered < mb->capacity)
		return;
	MergeBufferCompact(mb);
	if (mb->capacity == 0 || mb->capacity - mb->n_run < Max(1, mb->n_run / 2))
		Resize(mb, Max(Max(MERGE_BUFFER_FIRST, 2 * mb->capacity),
					   mb->n_run + Max(mb->n_run, want)));
}

/* Add n elements in any order (not the buffer's own memory) */
void
MergeBufferAppend(MergeBuffer *mb, const void *elements, int64 n)
{
	const char *next = (const char *) elements;
	Size		size = mb->ops->element_size;

	while (n > 0)
	{
		int64		k;

		MakeRoom(mb, n);
		k = Min(n, mb->capacity - mb->n_run - mb->n_buffered);
		memcpy(ElementAt(mb, mb->n_run + mb->n_buffered), next, (Size) k * size);
		mb->n_buffered += k;
		next += (Size) k * size;
		n -= k;
	}
}

/*
 * Add a sorted run of n distinct elements (not the buffer's own memory):
 * merged straight into the run when it is at least a quarter as long, else
 * buffered
 */
void
MergeBufferAppendRun(MergeBuffer *mb, const void *run, int64 n)
{
	if (n < Max(MERGE_BUFFER_MIN_RUN, mb->n_run / 4))
	{
		MergeBufferAppend(mb, run, n);
		return;
	}
	MergeBufferCompact(mb);
	if (mb->capacity - mb->n_run < n)
		Resize(mb, mb->n_run + n + (mb->n_run + n) / 2);
	mb->n_run = MergeInPlace(mb->ops, mb->data, mb->n_run, (const char *) run, n);
}
