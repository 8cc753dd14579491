/*
 * campaign.h
 *		Campaign response: response rates with Wilson intervals, gains and
 *		lift by score bucket, AUC and Gini of a score, uplift by bucket, the
 *		Qini curve and coefficient, and the two-proportion test between a
 *		treated and a control group (crm.campaign_state and its accessors).
 *
 * A state is exact: the distinct scores, sorted, each with its customers and
 * responders (per group when there is a treatment flag), 40 bytes per
 * distinct score.  States merged from partitions, shards or parallel workers
 * give the same results as one pass over all rows, ties included.
 */
#ifndef CRM_CAMPAIGN_H
#define CRM_CAMPAIGN_H

#include "postgres.h"

#include "fmgr.h"

#define CAMPAIGN_STATE_VERSION 1

/* Kind bits: what a state was accumulated with */
#define CAMPAIGN_HAS_SCORES 0x01	/* a score per customer */
#define CAMPAIGN_HAS_TREATMENT 0x02 /* a treated/control flag per customer */
#define CAMPAIGN_KIND_MAX 0x03

/* Group index of the counts: control (or every customer without a flag), treated */
#define CAMPAIGN_CONTROL 0
#define CAMPAIGN_TREATED 1

/* Most buckets of a gains or uplift table */
#define CAMPAIGN_MAX_BUCKETS 10000

/* The customers and responders of one distinct score */
typedef struct CampaignCell
{
	float8		score;			/* the score (finite, +0 for zero) */
	int64		n[2];			/* customers: control (or all), treated */
	int64		r[2];			/* responders among them */
} CampaignCell;

/*
 * A campaign state: the totals, then `slots` cells after the header: the
 * run (n_distinct sorted, distinct scores) followed by a buffer of
 * n_buffered unsorted cells that is sorted and merged into the run when the
 * slots are full.  A stored (final) value has no buffer and no spare slots.
 */
typedef struct CampaignState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* CAMPAIGN_STATE_VERSION */
	uint8		kind;			/* CAMPAIGN_HAS_* bits */
	uint16		reserved;		/* must be zero */
	int32		n_distinct;		/* cells in the sorted run */
	int32		n_buffered;		/* cells in the buffer after the run */
	int32		slots;			/* cells the state has room for */
	int64		n[2];			/* customers: control (or all), treated */
	int64		r[2];			/* responders: control (or all), treated */
	int64		n_skipped;		/* rows skipped: a NULL argument or a
								 * score that is NaN or infinite */
} CampaignState;

#define CAMPAIGN_HEADER_SIZE MAXALIGN(sizeof(CampaignState))

/* The cells of a state (run, then buffer) */
static inline CampaignCell *
CampaignCells(const CampaignState *state)
{
	return (CampaignCell *) ((char *) state + CAMPAIGN_HEADER_SIZE);
}

/* Name of a kind in text forms: response, treatment, score, uplift */
extern const char *CampaignKindName(uint8 kind);

/*
 * The sorted distinct cells of a state, the buffer merged in; *n gets their
 * number.  Read only: it may be the state's own run.
 */
extern const CampaignCell *CampaignSortedCells(const CampaignState *state, int32 *n);

/* A new empty state of a kind with room for slots cells (54000 above 1 GB) */
extern CampaignState *CampaignStateNew(uint8 kind, int32 slots);

/* Argument argno, a campaign state, detoasted */
extern CampaignState *CampaignStateArg(FunctionCallInfo fcinfo, int argno);

/*
 * Raise 22023 unless a state has all the kind bits of need; function names
 * the caller, what says what it needs
 */
extern void CampaignCheckKind(const CampaignState *state, uint8 need,
							  const char *function);

#endif							/* CRM_CAMPAIGN_H */
