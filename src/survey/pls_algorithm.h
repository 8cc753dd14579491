/*
 * pls_algorithm.h
 *		The PLS path modelling algorithm of plspm 0.4.9 (Lohmöller's
 *		iteration, Mode A outer estimation), computed from the item
 *		covariance matrix alone.
 *
 * Plain C99 with <math.h> only (no PostgreSQL headers): nothing here
 * allocates or raises errors.  The caller provides a workspace of
 * PlsWorkspaceDoubles() doubles and decides what to tell the user from the
 * returned status.
 */
#ifndef CRM_PLS_ALGORITHM_H
#define CRM_PLS_ALGORITHM_H

#include <stdbool.h>
#include <stddef.h>

/* Most latent variables in a model */
#define PLS_MAX_LVS 100

/* Inner weighting schemes */
typedef enum PlsScheme
{
	PLS_SCHEME_CENTROID = 1,	/* signs of the correlations of adjacent LVs */
	PLS_SCHEME_FACTORIAL = 2,	/* correlations of adjacent LVs */
	PLS_SCHEME_PATH = 3			/* regression on causes, correlations with effects */
} PlsScheme;

/* A parsed, validated model specification */
typedef struct PlsSpec
{
	int			n_lvs;			/* latent variables */
	int			n_items;		/* item positions over all blocks */
	int			n_paths;		/* directed paths */
	int			max_position;	/* largest 1-based item position used */
	int			maxiter;		/* iteration cap */
	double		tol;			/* convergence tolerance */
	char	  **names;			/* LV names, in LV order */
	int		   *block_start;	/* [n_lvs + 1]: LV k has items block_start[k] .. block_start[k + 1] - 1 */
	int		   *positions;		/* 1-based item positions, grouped by LV */
	int		   *path_from;		/* cause LV of each path */
	int		   *path_to;		/* effect LV of each path */
} PlsSpec;

/* What the algorithm returns besides the numbers */
typedef enum PlsStatus
{
	PLS_OK = 0,					/* converged */
	PLS_NOT_CONVERGED,			/* iteration cap reached; numbers of the last iteration */
	PLS_LV_DEGENERATE,			/* an LV has zero or non-finite variance */
	PLS_COLLINEAR,				/* the causes of an LV are perfectly collinear */
	PLS_NOT_FINITE				/* a non-finite result (the moments are not a covariance) */
} PlsStatus;

/* Inputs of the algorithm: a spec and the moments of its items, in LV order */
typedef struct PlsInput
{
	const PlsSpec *spec;		/* the model */
	PlsScheme	scheme;			/* inner weighting scheme */
	bool		scaled;			/* standardize the items */
	double		n;				/* respondents */
	const double *cov;			/* [n_items^2] population covariance of the items, row-major */
	void		(*interrupt_check) (void);	/* called once per iteration, or NULL: may
											 * not return (a cancelled query) */
} PlsInput;

/* Outputs of the algorithm (arrays provided by the caller) */
typedef struct PlsOutput
{
	double	   *weight;			/* [n_items] outer weights */
	double	   *loading;		/* [n_items] loadings */
	int		   *sign;			/* [n_lvs] sign of each LV's scores */
	double	   *r2;				/* [n_lvs] R squared, 0 for exogenous LVs */
	double	   *coef;			/* [n_paths] path coefficients */
	double		gof;			/* NaN if no block has two items or more */
	int			iterations;		/* iterations done */
	int			bad_lv;			/* the LV of PLS_LV_DEGENERATE / PLS_COLLINEAR */
} PlsOutput;

/* Doubles of workspace PlsRun needs for a spec */
extern size_t PlsWorkspaceDoubles(const PlsSpec *spec);

/*
 * Fit the model: outer weights by Lohmöller's iteration from unit weights,
 * then the sign of each LV, loadings, path coefficients, R squared and GoF.
 * Fills output (also on PLS_NOT_CONVERGED); work has PlsWorkspaceDoubles()
 * doubles.
 */
extern PlsStatus PlsRun(const PlsInput *input, PlsOutput *output, double *work);

/*
 * Solve the symmetric positive definite system A x = b (k x k, row-major)
 * by Cholesky; a is overwritten by its factor.  False if A is not
 * (numerically) positive definite.
 */
extern bool PlsCholeskySolve(int k, double *a, const double *b, double *x);

#endif							/* CRM_PLS_ALGORITHM_H */
