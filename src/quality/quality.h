/*
 * quality.h
 *		Service quality and CRM performance (src/quality): the SERVQUAL
 *		dimension map and gap state, shared by their files.
 *
 * quality_servqual_map.c  crm.servqual_map, which item belongs to which
 *                         dimension
 * quality_servqual.c      crm.servqual_state and its aggregates
 * quality_servqual_access.c  gaps per item, dimension and overall
 * quality_ahp.c           AHP weights of a pairwise comparison matrix
 * quality_bsc.c           crm.bsc_model, the balanced scorecard model
 */
#ifndef CRM_QUALITY_H
#define CRM_QUALITY_H

#include "postgres.h"

#include "lib/stringinfo.h"
#include "utils/array.h"

/* Layout version of crm.servqual_map and crm.servqual_state */
#define SERVQUAL_VERSION 1
/* Bounds of a map: items and dimensions (the standard map has 22 and 5) */
#define SERVQUAL_MAX_ITEMS 1000
#define SERVQUAL_MAX_DIMS 32
/* Longest dimension (and scorecard) name, in bytes */
#define QUALITY_MAX_NAME 63

/*
 * crm.servqual_map: the dimension of each item.  After item_dim come the
 * n_dims dimension names, each NUL-terminated (names_size bytes in all).
 */
typedef struct ServqualMap
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* SERVQUAL_VERSION */
	uint8		reserved[3];	/* must be zero */
	int32		n_items;		/* items 1..n_items (1..SERVQUAL_MAX_ITEMS) */
	int32		n_dims;			/* dimensions (1..SERVQUAL_MAX_DIMS) */
	int32		names_size;		/* bytes of the names after item_dim */
	int32		item_dim[FLEXIBLE_ARRAY_MEMBER];	/* 0-based dimension of
													 * each item */
} ServqualMap;

/* Sums of one item, dimension or overall score over respondents */
typedef struct ServqualSums
{
	int64		n;				/* respondents counted */
	float8		e;				/* sum of expectations */
	float8		e2;				/* sum of squared expectations */
	float8		p;				/* sum of perceptions */
	float8		p2;				/* sum of squared perceptions */
	float8		g;				/* sum of gaps P - E */
	float8		g2;				/* sum of squared gaps */
} ServqualSums;

/*
 * crm.servqual_state: the map and the sums.  After the fixed part come
 * sums[n_items + n_dims] (items, then dimensions), importance[n_dims]
 * (float8), item_dim[n_items] (int32) and the names (names_size bytes).
 */
typedef struct ServqualState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* SERVQUAL_VERSION */
	uint8		weighted;		/* 1 if built with importance weights */
	uint8		reserved[2];	/* must be zero */
	int32		n_items;		/* items of the map */
	int32		n_dims;			/* dimensions of the map */
	int32		names_size;		/* bytes of the names */
	int32		reserved2;		/* must be zero */
	int64		respondents;	/* rows with at least one item answered */
	ServqualSums overall;		/* respondents' mean of dimension scores */
	ServqualSums weighted_overall;	/* importance-weighted dimension scores */
	ServqualSums sums[FLEXIBLE_ARRAY_MEMBER];	/* items, then dimensions */
} ServqualState;

/* The names of a map (n_dims NUL-terminated strings) */
static inline char *
ServqualMapNames(const ServqualMap *map)
{
	return (char *) &map->item_dim[map->n_items];
}

/* The importance sums of a state (one per dimension) */
static inline float8 *
ServqualImportance(const ServqualState *state)
{
	return (float8 *) &state->sums[state->n_items + state->n_dims];
}

/* The dimension of each item of a state */
static inline int32 *
ServqualItemDim(const ServqualState *state)
{
	return (int32 *) (ServqualImportance(state) + state->n_dims);
}

/* The dimension names of a state */
static inline char *
ServqualStateNames(const ServqualState *state)
{
	return (char *) (ServqualItemDim(state) + state->n_items);
}

/* Name d (0-based) of a packed list of NUL-terminated names */
extern const char *QualityNameAt(const char *names, int d);

/* A map of n_items items, n_dims dimensions and packed names (palloc'd, validated by the caller) */
extern ServqualMap *ServqualMapBuild(int32 n_items, int32 n_dims, const int32 *item_dim,
									 const char *names, int32 names_size);

/* Why a map read from outside is not valid, or NULL */
extern const char *ServqualMapProblem(int32 n_items, int32 n_dims, const int32 *item_dim,
									  const char *names, int32 names_size);

/* Append the text form of a map ("tangibles=1-4 reliability=5-9 ...") */
extern void ServqualMapAppendText(StringInfo buf, int32 n_items, int32 n_dims,
								  const int32 *item_dim, const char *names);

/* The map of argument argno, detoasted */
#define ServqualMapArg(fcinfo, argno) \
	((ServqualMap *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno)))

/* The state of argument argno, detoasted */
#define ServqualStateArg(fcinfo, argno) \
	((ServqualState *) PG_DETOAST_DATUM(PG_GETARG_DATUM(argno)))

/*
 * The upper (1 + level) / 2 quantile of Student's t with df degrees of
 * freedom (the normal one when df is huge); 22023 unless level is in (0, 1)
 */
extern float8 QualityTQuantile(float8 level, float8 df);

#endif							/* CRM_QUALITY_H */
