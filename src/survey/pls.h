/*
 * pls.h
 *		PLS path modelling (Wold / Lohmöller, as R's plspm 0.4.9 computes it):
 *		the model specification, the mergeable state of crm.pls_fit
 *		(crm.pls_state), the fitted model (crm.pls_model) and the algorithm.
 *
 * The algorithm needs only the item means and the item covariance matrix, so
 * the state is those sufficient statistics: the number of rows, the means
 * and the centred co-moments (upper triangle) of the p items of each row,
 * updated per row by Welford's method and merged by the pairwise formula of
 * Chan, Golub and LeVeque.  It is O(p^2) whatever the number of rows.
 *
 * A specification names the latent variables (LVs), the 1-based positions
 * of their items in the row array (their "block"), and the directed paths of
 * the inner model.  LVs are ordered by the smallest position in their block,
 * paths by cause then effect (the order of plspm's path matrix when the
 * blocks come in item order); items within a block keep the order given.
 */
#ifndef CRM_PLS_H
#define CRM_PLS_H

#include "postgres.h"

#include "utils/jsonb.h"

#include "crm_io.h"

#include "pls_algorithm.h"

#define PLS_STATE_VERSION 1
#define PLS_MODEL_VERSION 1

/* Most items per row: the state holds p(p + 1)/2 co-moments */
#define PLS_MAX_ITEMS 1000
/* Longest latent variable name, in bytes */
#define PLS_MAX_NAME 63

/* plspm's defaults: convergence tolerance and iteration cap */
#define PLS_DEFAULT_TOL 1e-6
#define PLS_DEFAULT_MAXITER 100
/* plspm's largest tolerance */
#define PLS_MAX_TOL 1e-3
/* Largest iteration cap */
#define PLS_MAX_MAXITER 100000
/* Largest count of respondents (or skipped rows) of a model: exact as float8 */
#define PLS_MAX_RESPONDENTS (INT64CONST(1) << 53)

/*
 * On-disk and in-memory form of crm.pls_state.  data[] holds the p means,
 * then the p(p + 1)/2 co-moments sum((x_i - mean_i)(x_j - mean_j)) of the
 * upper triangle row by row (i <= j), then, when PLS_STATE_HAS_SPEC is set,
 * the canonical text of the specification (NUL-terminated) that crm.pls_fit
 * carries to its final function.
 */
typedef struct PlsState
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* PLS_STATE_VERSION */
	uint8		flags;			/* PLS_STATE_HAS_SPEC */
	uint8		scheme;			/* PlsScheme when the spec is carried, else 0 */
	uint8		scaled;			/* 1 to standardize the items (with a spec) */
	int32		p;				/* items per row; 0 until a row with items */
	int32		spec_len;		/* bytes of the spec text with its NUL, or 0 */
	int32		reserved;		/* must be zero */
	int64		n;				/* rows accumulated */
	int64		skipped;		/* rows skipped: NULL array or NULL item */
	double		data[FLEXIBLE_ARRAY_MEMBER];	/* means, co-moments, spec */
} PlsState;

#define PLS_STATE_HAS_SPEC 0x01

#define PLS_STATE_HEADER_SIZE offsetof(PlsState, data)

/* Co-moments of p items (upper triangle) */
#define PlsTriangle(p) ((Size) (p) * ((Size) (p) + 1) / 2)

/* Size of a state of p items carrying spec_len bytes of spec text */
#define PlsStateSize(p, spec_len) \
	(PLS_STATE_HEADER_SIZE + sizeof(double) * ((Size) (p) + PlsTriangle(p)) + (Size) (spec_len))

/* Index of co-moment (i, j), i <= j, in the upper triangle of p items */
#define PlsTriIndex(p, i, j) \
	((Size) (i) * (Size) (p) - (Size) (i) * ((Size) (i) - 1) / 2 + (Size) ((j) - (i)))

/* The means, co-moments and spec text of a state */
#define PlsStateMeans(s) ((s)->data)
#define PlsStateComoments(s) ((s)->data + (s)->p)
#define PlsStateSpecText(s) ((char *) ((s)->data + (s)->p + PlsTriangle((s)->p)))

/*
 * On-disk form of crm.pls_model: a header and then, 8-byte aligned,
 * float8 arrays (per item: mean, sd, weight, loading; per LV: r2; per path:
 * coefficient), int32 arrays (block_start[n_lvs + 1], positions[n_items],
 * sign[n_lvs], path_from[n_paths], path_to[n_paths]) and the LV names,
 * NUL-terminated one after the other.  Items are in LV order.
 */
typedef struct PlsModel
{
	int32		vl_len_;		/* varlena header (use SET_VARSIZE) */
	uint8		version;		/* PLS_MODEL_VERSION */
	uint8		scheme;			/* PlsScheme */
	uint8		flags;			/* PLS_MODEL_SCALED, PLS_MODEL_CONVERGED */
	uint8		reserved;		/* must be zero */
	int32		p;				/* items per respondent array */
	int32		n_lvs;			/* latent variables */
	int32		n_items;		/* items in blocks */
	int32		n_paths;		/* paths */
	int32		iterations;		/* iterations of the outer weights */
	int32		maxiter;		/* iteration cap */
	int32		names_len;		/* bytes of the names area */
	int32		reserved2;		/* must be zero */
	int64		n;				/* respondents fitted on */
	int64		skipped;		/* rows skipped (a NULL item) */
	double		tol;			/* convergence tolerance */
	double		gof;			/* goodness of fit (NaN: no block of 2+ items) */
	double		data[FLEXIBLE_ARRAY_MEMBER];	/* arrays, see above */
} PlsModel;

#define PLS_MODEL_SCALED 0x01
#define PLS_MODEL_CONVERGED 0x02

/* Pointers into the arrays of a model */
typedef struct PlsModelView
{
	double	   *mean;			/* [n_items] item means */
	double	   *sd;				/* [n_items] item standard deviations (population) */
	double	   *weight;			/* [n_items] outer weights */
	double	   *loading;		/* [n_items] loadings */
	double	   *r2;				/* [n_lvs] R squared (0 for exogenous LVs) */
	double	   *coef;			/* [n_paths] path coefficients */
	int32	   *block_start;	/* [n_lvs + 1] */
	int32	   *positions;		/* [n_items] 1-based item positions */
	int32	   *sign;			/* [n_lvs] +1 or -1: sign applied to the scores */
	int32	   *path_from;		/* [n_paths] */
	int32	   *path_to;		/* [n_paths] */
	char	   *names;			/* names_len bytes of NUL-terminated names */
} PlsModelView;

/* pls_spec.c */
extern const char *PlsParseSpec(Jsonb *jb, PlsSpec *spec);
extern const char *PlsCheckSpecItems(const PlsSpec *spec, int p);
extern char *PlsSpecText(const PlsSpec *spec);
extern const char *PlsParseSpecText(const char *text, PlsSpec *spec);
extern const char *PlsSchemeName(int scheme);
extern int	PlsSchemeOf(const char *name);
extern void PlsAppendJsonString(StringInfo buf, const char *s);
extern const char *PlsDagProblem(int n_lvs, int n_paths, const int *from,
								 const int *to, char *const *names);

/* pls_model.c */
extern PlsModelView PlsModelOpen(const PlsModel *model);
extern PlsModel *PlsModelCreate(int p, int n_lvs, int n_items, int n_paths,
								int names_len);
extern char **PlsModelNames(const PlsModel *model, const PlsModelView *view);

#endif							/* CRM_PLS_H */
