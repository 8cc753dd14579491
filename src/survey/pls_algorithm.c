/*
 * pls_algorithm.c
 *		PLS path modelling as plspm 0.4.9 computes it (get_weights,
 *		get_scores, get_paths, get_gof), from the item covariance matrix.
 *
 * plspm works on the data matrix X (n rows, items centred, and divided by
 * their population standard deviation when scaled).  Every quantity it
 * computes is a function of S = X'X / n:
 *
 * - the LV scores X W have covariance W'SW, so their standard deviations
 *   and correlations come from it;
 * - plspm's "Y = scale(X W) * sqrt((n - 1) / n)" is X W D with
 *   D = diag((n - 1) / n / sd_pop(X w_k)); the inner weights E use only
 *   correlations (centroid, factorial) or regression coefficients of
 *   standardized scores on each other (path), all scale-free;
 * - Mode A outer weights (1/n) Z_k' X_block with Z = Y E are
 *   S[block, ] W D E[, k];
 * - loadings cor(X, LV) and the path regressions on the LV scores are
 *   functions of S W and W'SW.
 *
 * So the algorithm costs O(m^2) per iteration for m items, whatever n, and
 * reproduces plspm's iterations exactly, including its stopping rule: stop
 * when sum((|w_old| - |w_new|)^2) < tol, or at maxiter iterations.
 */
#include "pls_algorithm.h"

#include <float.h>
#include <math.h>

/*
 * Relative pivot below which a Cholesky factor is taken as singular: R's
 * lm() (which plspm calls) treats a column as collinear when its QR
 * residual norm is below 1e-7 of its norm, i.e. the pivot below 1e-14
 */
#define PLS_COLLINEAR_PIVOT 1e-14

/* R's sign(): -1, 0 or 1 */
static inline double
Sign(double x)
{
	return (x > 0) - (x < 0);
}

/* Doubles of workspace PlsRun needs for a spec */
size_t
PlsWorkspaceDoubles(const PlsSpec *spec)
{
	size_t		m = (size_t) spec->n_items;
	size_t		l = (size_t) spec->n_lvs;

	/* S, three weight vectors, S W, then V, R, E, A (l x l) and d, b, x */
	return m * m + 3 * m + m * l + 4 * l * l + 3 * l;
}

/* Solve A x = b for symmetric positive definite A by Cholesky (A overwritten) */
bool
PlsCholeskySolve(int k, double *a, const double *b, double *x)
{
	/* factor A = L L' in the lower triangle */
	for (int j = 0; j < k; j++)
	{
		double		d = a[j * k + j];
		double		scale = d;

		for (int c = 0; c < j; c++)
			d -= a[j * k + c] * a[j * k + c];
		if (!(d > PLS_COLLINEAR_PIVOT * scale) || !isfinite(d))
			return false;
		d = sqrt(d);
		a[j * k + j] = d;
		for (int r = j + 1; r < k; r++)
		{
			double		s = a[r * k + j];

			for (int c = 0; c < j; c++)
				s -= a[r * k + c] * a[j * k + c];
			a[r * k + j] = s / d;
		}
	}
	/* forward (L y = b), then backward (L' x = y) substitution */
	for (int r = 0; r < k; r++)
	{
		double		s = b[r];

		for (int c = 0; c < r; c++)
			s -= a[r * k + c] * x[c];
		x[r] = s / a[r * k + r];
	}
	for (int r = k - 1; r >= 0; r--)
	{
		double		s = x[r];

		for (int c = r + 1; c < k; c++)
			s -= a[c * k + r] * x[c];
		x[r] = s / a[r * k + r];
	}
	return true;
}

/*
 * SW[i][b] = sum over items j of LV b of S[i][j] w[j] (m x l), and the LV
 * covariance V = W'SW (l x l)
 */
static void
LvMoments(const PlsSpec *spec, const double *s, const double *w, double *sw,
		  double *v)
{
	int			m = spec->n_items;
	int			l = spec->n_lvs;

	for (int i = 0; i < m; i++)
		for (int b = 0; b < l; b++)
		{
			double		sum = 0;

			for (int j = spec->block_start[b]; j < spec->block_start[b + 1]; j++)
				sum += s[i * m + j] * w[j];
			sw[i * l + b] = sum;
		}
	for (int a = 0; a < l; a++)
		for (int b = 0; b < l; b++)
		{
			double		sum = 0;

			for (int i = spec->block_start[a]; i < spec->block_start[a + 1]; i++)
				sum += w[i] * sw[i * l + b];
			v[a * l + b] = sum;
		}
}

/*
 * sqrt(a b) for a, b >= 0: as one root where the product is a normal
 * number, else as two (two variances of 1e200, or of 1e-200, would make the
 * product overflow to infinity or underflow to 0)
 */
static double
RootOfProduct(double a, double b)
{
	double		product = a * b;

	if (isfinite(product) && product >= DBL_MIN)
		return sqrt(product);
	return sqrt(a) * sqrt(b);
}

/* Correlations r of the LVs from their covariance v; false if a variance is not positive */
static bool
LvCorrelations(int l, const double *v, double *r, int *bad_lv)
{
	for (int a = 0; a < l; a++)
		if (!(v[a * l + a] > 0) || !isfinite(v[a * l + a]))
		{
			*bad_lv = a;
			return false;
		}
	for (int a = 0; a < l; a++)
		for (int b = 0; b < l; b++)
			r[a * l + b] = v[a * l + b] / RootOfProduct(v[a * l + a], v[b * l + b]);
	return true;
}

/* True if the spec has the path from -> to */
static bool
HasPath(const PlsSpec *spec, int from, int to)
{
	for (int k = 0; k < spec->n_paths; k++)
		if (spec->path_from[k] == from && spec->path_to[k] == to)
			return true;
	return false;
}

/*
 * Regression coefficients of standardized LV k on its causes, from the LV
 * correlations r: beta = R_cc^-1 R_ck (lm() on standardized scores).  The
 * causes are listed in causes[0 .. *n_causes - 1] in LV order.  a, b are
 * scratch (l x l, l).  False if the causes are collinear.
 */
static bool
RegressOnCauses(const PlsSpec *spec, const double *r, int k, int *causes,
				int *n_causes, double *beta, double *a, double *b)
{
	int			l = spec->n_lvs;
	int			c = 0;

	for (int j = 0; j < l; j++)
		if (HasPath(spec, j, k))
			causes[c++] = j;
	*n_causes = c;
	for (int x = 0; x < c; x++)
	{
		for (int y = 0; y < c; y++)
			a[x * c + y] = r[causes[x] * l + causes[y]];
		b[x] = r[causes[x] * l + k];
	}
	return PlsCholeskySolve(c, a, b, beta);
}

/*
 * plspm's inner weights E (l x l; Z = Y E, column k is the inner estimate
 * of LV k) for a scheme, from the LV correlations r
 */
static bool
InnerWeights(const PlsInput *input, const double *r, double *e, double *a,
			 double *b, double *beta, int *causes, int *bad_lv)
{
	const PlsSpec *spec = input->spec;
	int			l = spec->n_lvs;

	for (int x = 0; x < l * l; x++)
		e[x] = 0;
	if (input->scheme != PLS_SCHEME_PATH)
	{
		for (int k = 0; k < spec->n_paths; k++)
		{
			int			f = spec->path_from[k];
			int			t = spec->path_to[k];
			double		value = r[f * l + t];

			if (input->scheme == PLS_SCHEME_CENTROID)
				value = Sign(value);
			e[f * l + t] = value;
			e[t * l + f] = value;
		}
		return true;
	}
	/* path: coefficients of the regression on the causes, correlations with the effects */
	for (int k = 0; k < l; k++)
	{
		int			n_causes;

		if (!RegressOnCauses(spec, r, k, causes, &n_causes, beta, a, b))
		{
			*bad_lv = k;
			return false;
		}
		for (int x = 0; x < n_causes; x++)
			e[causes[x] * l + k] = beta[x];
		for (int j = 0; j < l; j++)
			if (HasPath(spec, k, j))
				e[j * l + k] = r[k * l + j];
	}
	return true;
}

/* Fit the model (see pls_algorithm.h) */
PlsStatus
PlsRun(const PlsInput *input, PlsOutput *output, double *work)
{
	const PlsSpec *spec = input->spec;
	int			m = spec->n_items;
	int			l = spec->n_lvs;
	double		shrink = (input->n - 1) / input->n;
	double	   *s = work;
	double	   *w = s + (size_t) m * m;
	double	   *w_old = w + m;
	double	   *w_new = w_old + m;
	double	   *sw = w_new + m;
	double	   *v = sw + (size_t) m * l;
	double	   *r = v + l * l;
	double	   *e = r + l * l;
	double	   *a = e + l * l;
	double	   *d = a + l * l;
	double	   *b = d + l;
	double	   *beta = b + l;
	int			causes[PLS_MAX_LVS];
	bool		converged = false;
	double		comu = 0;
	int			n_comu = 0;
	double		r2_sum = 0;
	int			n_endogenous = 0;

	if (l > PLS_MAX_LVS)
		return PLS_LV_DEGENERATE;	/* the spec parser limits LVs */

	/* S: covariance of the treated items (correlations when scaled) */
	for (int i = 0; i < m; i++)
		for (int j = 0; j < m; j++)
		{
			double		c = input->cov[i * m + j];

			if (input->scaled)
				c /= RootOfProduct(input->cov[i * m + i], input->cov[j * m + j]);
			s[i * m + j] = c;
		}

	/* unit weights scaled so that each LV has population variance 1 */
	for (int i = 0; i < m; i++)
		w[i] = 1;
	LvMoments(spec, s, w, sw, v);
	if (!LvCorrelations(l, v, r, &output->bad_lv))
		return PLS_LV_DEGENERATE;
	for (int k = 0; k < l; k++)
		for (int i = spec->block_start[k]; i < spec->block_start[k + 1]; i++)
			w[i] /= sqrt(v[k * l + k]);
	for (int i = 0; i < m; i++)
		w_old[i] = w[i];

	for (output->iterations = 1;; output->iterations++)
	{
		double		dif = 0;

		if (input->interrupt_check != NULL)
			input->interrupt_check();
		LvMoments(spec, s, w, sw, v);
		if (!LvCorrelations(l, v, r, &output->bad_lv))
			return PLS_LV_DEGENERATE;
		/* Y = scale(X W) * sqrt((n - 1) / n): column k scaled by d[k] */
		for (int k = 0; k < l; k++)
			d[k] = shrink / sqrt(v[k * l + k]);
		if (!InnerWeights(input, r, e, a, b, beta, causes, &output->bad_lv))
			return PLS_COLLINEAR;
		/* Mode A: w_i = (1/n) Z_k' x_i = sum_b SW[i][b] d[b] E[b][k] */
		for (int k = 0; k < l; k++)
			for (int i = spec->block_start[k]; i < spec->block_start[k + 1]; i++)
			{
				double		sum = 0;

				for (int c = 0; c < l; c++)
					sum += sw[i * l + c] * d[c] * e[c * l + k];
				w_new[i] = sum;
			}
		for (int i = 0; i < m; i++)
		{
			double		diff = fabs(w_old[i]) - fabs(w_new[i]);

			dif += diff * diff;
			w[i] = w_new[i];
		}
		if (!isfinite(dif))
			return PLS_NOT_FINITE;
		if (dif < spec->tol)
		{
			converged = true;
			break;
		}
		if (output->iterations >= spec->maxiter)
			break;
		for (int i = 0; i < m; i++)
			w_old[i] = w_new[i];
	}

	/* final weights: each LV with population variance 1 */
	LvMoments(spec, s, w, sw, v);
	if (!LvCorrelations(l, v, r, &output->bad_lv))
		return PLS_LV_DEGENERATE;
	for (int k = 0; k < l; k++)
		for (int i = spec->block_start[k]; i < spec->block_start[k + 1]; i++)
			output->weight[i] = w[i] / sqrt(v[k * l + k]);
	LvMoments(spec, s, output->weight, sw, v);
	if (!LvCorrelations(l, v, r, &output->bad_lv))
		return PLS_LV_DEGENERATE;

	/*
	 * get_scores: loadings cor(x_i, LV_k); an LV whose items correlate
	 * negatively with it in the majority (or in a tie) is reversed
	 */
	for (int k = 0; k < l; k++)
	{
		double		votes = 0;

		for (int i = spec->block_start[k]; i < spec->block_start[k + 1]; i++)
		{
			output->loading[i] = sw[i * l + k] / RootOfProduct(s[i * m + i], v[k * l + k]);
			votes += Sign(output->loading[i]);
		}
		output->sign[k] = Sign(votes) > 0 ? 1 : -1;
		for (int i = spec->block_start[k]; i < spec->block_start[k + 1]; i++)
			output->loading[i] *= output->sign[k];
	}
	for (int x = 0; x < l; x++)
		for (int y = 0; y < l; y++)
			r[x * l + y] *= output->sign[x] * output->sign[y];

	/* get_paths: OLS of each endogenous LV on its causes */
	for (int k = 0; k < l; k++)
	{
		int			n_causes;

		output->r2[k] = 0;
		if (!RegressOnCauses(spec, r, k, causes, &n_causes, beta, a, b))
		{
			output->bad_lv = k;
			return PLS_COLLINEAR;
		}
		if (n_causes == 0)
			continue;
		for (int x = 0; x < n_causes; x++)
		{
			output->r2[k] += beta[x] * r[causes[x] * l + k];
			for (int p = 0; p < spec->n_paths; p++)
				if (spec->path_to[p] == k && spec->path_from[p] == causes[x])
					output->coef[p] = beta[x];
		}
		r2_sum += output->r2[k];
		n_endogenous++;
	}

	/* get_gof: mean communality over blocks of two items or more, mean R2 */
	for (int k = 0; k < l; k++)
		if (spec->block_start[k + 1] - spec->block_start[k] > 1)
			for (int i = spec->block_start[k]; i < spec->block_start[k + 1]; i++)
			{
				comu += output->loading[i] * output->loading[i];
				n_comu++;
			}
	output->gof = n_comu > 0 && n_endogenous > 0 ?
		sqrt(comu / n_comu * (r2_sum / n_endogenous)) : NAN;

	/* every number must be finite (the moments may come from outside) */
	for (int i = 0; i < m; i++)
		if (!isfinite(output->weight[i]) || !isfinite(output->loading[i]))
			return PLS_NOT_FINITE;
	for (int k = 0; k < l; k++)
		if (!isfinite(output->r2[k]))
			return PLS_NOT_FINITE;
	for (int p = 0; p < spec->n_paths; p++)
		if (!isfinite(output->coef[p]))
			return PLS_NOT_FINITE;
	return converged ? PLS_OK : PLS_NOT_CONVERGED;
}
