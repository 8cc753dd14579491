/*
 * merge_buffer.h
 *		An in-memory accumulator of sorted, distinct elements with counts, for
 *		the merge aggregates whose values are sorted runs (crm.survival_merge,
 *		crm.rfm_fit_merge): what is merged in is appended to a buffer that is
 *		sorted, collapsed and merged into the run when it fills, and a run as
 *		long as a quarter of the accumulated one is merged straight in.  So
 *		merging N values of T elements in all costs O(T log T), not a copy of
 *		the growing value per value.  The aggregates keep it in an expanded
 *		object and write their flat value from the compacted run.
 */
#ifndef CRM_MERGE_BUFFER_H
#define CRM_MERGE_BUFFER_H

#include "postgres.h"

/* The element type of a merge buffer */
typedef struct MergeBufferOps
{
	Size		element_size;	/* bytes per element */
	void		(*sort) (void *elements, size_t n); /* sort ascending (may be
													 * interrupted) */
	int			(*compare) (const void *a, const void *b);	/* order of two
															 * elements: 0 for
															 * the same key */
	void		(*add) (void *into, const void *from);	/* add the counts of an
														 * element of the same
														 * key (22003 on
														 * overflow) */
} MergeBufferOps;

/* A merge buffer: a sorted run of distinct elements, then unsorted ones */
typedef struct MergeBuffer
{
	const MergeBufferOps *ops;	/* the element type */
	MemoryContext context;		/* where data is allocated */
	char	   *data;			/* n_run + n_buffered elements, room for
								 * capacity (NULL while capacity is 0) */
	int64		n_run;			/* sorted, distinct elements at the start */
	int64		n_buffered;		/* elements after them, in any order */
	int64		capacity;		/* elements data has room for */
} MergeBuffer;

/* The element type of runs of distinct values with counts (CrmValueCount, crm_io.h) */
extern const MergeBufferOps MergeValueCountOps;

/* An empty merge buffer of an element type, allocating in context */
extern void MergeBufferInit(MergeBuffer *mb, const MergeBufferOps *ops, MemoryContext context);

/* Add n elements in any order (not the buffer's own memory) */
extern void MergeBufferAppend(MergeBuffer *mb, const void *elements, int64 n);

/* Add a sorted run of n distinct elements (not the buffer's own memory) */
extern void MergeBufferAppendRun(MergeBuffer *mb, const void *run, int64 n);

/* Merge the buffered elements into the run: afterwards data holds n_run sorted, distinct elements */
extern void MergeBufferCompact(MergeBuffer *mb);

#endif							/* CRM_MERGE_BUFFER_H */
