/*
 * lifecycle_stage.h
 *		Lifecycle stages: the stage model (crm.lifecycle_model), the stage
 *		path of one customer over a series of dates (crm.stage_path) and the
 *		mergeable counts of stages and stage flows over those dates
 *		(crm.stage_counts).
 *
 * Stages, in lifecycle order (docs/lifecycle.md states the rules):
 *	new          first purchase within new_within of the date
 *	active       last purchase within active_within
 *	reactivated  active, and the purchase that ended a lapse (a gap of at
 *	             least lapsed_after since the purchase before it) is within
 *	             active_within
 *	at_risk      last purchase within lapsed_after (but not active_within)
 *	lapsed       last purchase within lost_after (but not lapsed_after)
 *	lost         no purchase within lost_after
 * "Within t of a date d" means day + t > d, day + t computed as date +
 * interval does (months first): the same rule as crm.churn_event.
 */
#ifndef CRM_LIFECYCLE_STAGE_H
#define CRM_LIFECYCLE_STAGE_H

#include "postgres.h"

#include "fmgr.h"

#define LIFECYCLE_MODEL_VERSION 1
#define STAGE_PATH_VERSION 1
#define STAGE_COUNTS_VERSION 1

#define LIFECYCLE_MODEL_TYPE "crm.lifecycle_model"
#define STAGE_PATH_TYPE "crm.stage_path"
#define STAGE_COUNTS_TYPE "crm.stage_counts"

/* Stage codes; STAGE_NONE = not a customer yet at that date */
#define STAGE_NONE 0
#define STAGE_NEW 1
#define STAGE_ACTIVE 2
#define STAGE_REACTIVATED 3
#define STAGE_AT_RISK 4
#define STAGE_LAPSED 5
#define STAGE_LOST 6
#define STAGE_CODES 7			/* codes, STAGE_NONE included */

/* Most dates of a stage path or a counts value */
#define STAGE_MAX_DATES 1000

/* Largest threshold parts: 100 years */
#define STAGE_MAX_MONTHS 1200
#define STAGE_MAX_DAYS 36525

/* A threshold: months then days, added to a date as date + interval does */
typedef struct StageThreshold
{
	int32		months;			/* whole months, >= 0 */
	int32		days;			/* days, >= 0 */
} StageThreshold;

/* The stage model: its thresholds and optional P(alive) cut-offs */
typedef struct LifecycleModel
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* LIFECYCLE_MODEL_VERSION */
	uint8		reserved1;		/* must be zero */
	uint16		reserved2;		/* must be zero */
	StageThreshold new_within;	/* new while the first purchase is within */
	StageThreshold active_within;	/* active while the last purchase is within */
	StageThreshold lapsed_after;	/* lapsed once the last purchase is this old */
	StageThreshold lost_after;	/* lost once the last purchase is this old */
	float8		at_risk_p_alive;	/* active below this P(alive) is at_risk (0: off) */
	float8		lost_p_alive;	/* below this P(alive) is lost (0: off) */
} LifecycleModel;

/*
 * A stage path: n_dates ascending dates (days since 2000-01-01) then one
 * stage code per date
 */
typedef struct StagePath
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* STAGE_PATH_VERSION */
	uint8		reserved1;		/* must be zero */
	uint16		reserved2;		/* must be zero */
	int32		n_dates;		/* dates in the path, 1 to STAGE_MAX_DATES */
	/* int32 dates[n_dates]; uint8 stages[n_dates] follow */
} StagePath;

#define StagePathDates(p) ((int32 *) ((char *) (p) + sizeof(StagePath)))
#define StagePathStages(p) ((uint8 *) (StagePathDates(p) + (p)->n_dates))
#define StagePathSize(n) (sizeof(StagePath) + (Size) (n) * (sizeof(int32) + 1))

/* The stage name of a code (STAGE_NONE: NULL) */
extern const char *StageName(int code);

/* The code of a stage name, or -1 */
extern int	StageCode(const char *name);

/* Why a series of dates is impossible (not ascending, out of range), or NULL */
extern const char *StageDatesProblem(const int32 *dates, int32 n);

#endif							/* CRM_LIFECYCLE_STAGE_H */
