/*
 * rfm.h
 *		The crm.rfm score value shared by the RFM files (rfm_score.c,
 *		rfm_model.c, rfm_segment.c).
 *
 * A crm.rfm is three scores R, F and M, each 1..9, stored by value as the
 * int32 cell number 100*R + 10*F + M (so 543 is R=5, F=4, M=3).  Ordering the
 * cell numbers orders the scores lexicographically by (R, F, M).  The number
 * of bins k (2..9) is not part of the value: it is an optional type modifier,
 * crm.rfm(k), that input and casts check, like varchar(n).
 */
#ifndef CRM_RFM_H
#define CRM_RFM_H

#include "postgres.h"

#include "fmgr.h"

/* Largest number of bins (and score) of a dimension */
#define RFM_MAX_BINS 9
/* Smallest number of bins of a dimension */
#define RFM_MIN_BINS 2

/* An RFM score: the cell number 100*R + 10*F + M */
typedef int32 RfmScore;

#define DatumGetRfmScore(d)		DatumGetInt32(d)
#define RfmScoreGetDatum(x)		Int32GetDatum(x)
#define PG_GETARG_RFM(n)		DatumGetRfmScore(PG_GETARG_DATUM(n))
#define PG_RETURN_RFM(x)		return RfmScoreGetDatum(x)

/* Raise 22023 unless k is a number of bins (2..9); returns k */
extern int32 CheckRfmBins(int32 k);

/* The score with the given R, F and M (each 1..9, checked by the caller) */
static inline RfmScore
RfmMake(int r, int f, int m)
{
	return (RfmScore) (r * 100 + f * 10 + m);
}

/* R of a score */
static inline int
RfmR(RfmScore s)
{
	return s / 100;
}

/* F of a score */
static inline int
RfmF(RfmScore s)
{
	return (s / 10) % 10;
}

/* M of a score */
static inline int
RfmM(RfmScore s)
{
	return s % 10;
}

#endif							/* CRM_RFM_H */
