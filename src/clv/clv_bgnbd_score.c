/*
 * clv_bgnbd_score.c
 *		Prepared scoring of many customers by one BG/NBD or MBG/NBD model:
 *		the score_prepare, p_alive_prepared and expected_prepared operations
 *		(clv_ops.h) of both kinds.  They compute what the p_alive and expected
 *		operations of clv_bgnbd.c compute, with the work that depends only on
 *		the model, on the frequency x, or on x and the cell of the horizon's
 *		argument done once per call site instead of once per customer.
 *
 * P(alive): log(a) - log(b + x - 1) (MBG/NBD: b + x) is kept per x, the
 * rest, (r + x) log1p((T - t_x) / (alpha + t_x)), is per customer, in the
 * same order of operations as clv_bgnbd.c (the same bits).
 *
 * The expectation of a customer alive at T, in Euler's form (clv_bgnbd.c),
 * is C / (a - 1) (1 - H(z)) with
 *
 *	 H(z) = (1 - z)^(a - 1) 2F1(C - A, a - 1; C; z),  z = t / (alpha + T + t),
 *
 * A = r + x and C = a + b + x - 1 (MBG/NBD: a + b + x).  For each x, [0,
 * EULER_Z_MAX) is cut into Z_CELLS cells; in each cell a customer reaches,
 * H is expanded once into a Taylor polynomial about the cell's centre z0:
 * the 2F1 series (its coefficients depend on x only) shifted to z0 by
 * Horner's scheme, times the binomial series of (1 - z)^(a - 1) about z0.
 * A customer then costs the polynomial's 8 to 12 multiply-adds in z - z0
 * instead of the series' 40 to 150 terms and two transcendental functions.
 * The cells are made in extended precision, and a cell is used only where
 * its polynomial agrees with the series to a few units in the last place
 * (MakeCell); where 1 - H cancels beyond what the extra digits absorb
 * (short horizons, very large b: clv_bgnbd.c then sums its alternating
 * series in w), for z beyond EULER_Z_MAX (horizons of more than three times
 * alpha + T), a near 1, or x of CACHED_FREQUENCIES or more, the expected
 * operation itself scores the customer.
 */
#include "crm.h"
#include "clv_ops.h"
#include "clv_prepared.h"

#include <float.h>
#include <math.h>

#include "miscadmin.h"

/* The extended precision the cells are made in (double where there is none) */
typedef long double xfloat;

/* Frequencies x below this keep their terms and cells */
#define CACHED_FREQUENCIES 1024
/* Cells of [0, EULER_Z_MAX), the range of z the polynomials cover */
#define Z_CELLS 128
#define EULER_Z_MAX 0.75
/* Most coefficients of a cell's polynomial */
#define CELL_MAX_TERMS 24
/* Most terms of the 2F1 series a cell is made from */
#define SERIES_MAX_TERMS 4096
/* The series stops where its tail is below this, relative to its terms */
#define SERIES_TOLERANCE 1e-22
/* A polynomial stops where its terms are below this, relative to its value */
#define TERM_TOLERANCE 1e-17
/* Largest error of a cell's value at its centre, relative, in double's epsilons */
#define CELL_ERROR (0.5 * DBL_EPSILON)
/* Largest ratio of the size of a polynomial's terms to its value in the cell */
#define MAX_CANCELLATION 4.0
/* Largest ratio of the second to the first term of (1 - z)^(a-1) about z0 in a cell */
#define MAX_BINOMIAL_RATIO 0.25
/* Where a cell's polynomial is checked, in half-widths from its centre */
static const float8 CHECK_POINTS[] = {-1, -0.5, 0.5, 1};
/* Largest difference there from the series, relative */
#define CHECK_ERROR (4 * DBL_EPSILON)
/* Below this |a - 1| clv_bgnbd.c uses the limit at a = 1 (not prepared) */
#define A_NEAR_ONE 1e-8

/*
 * The Taylor polynomial of the expectation in one cell of one frequency,
 * allocated with room for its own coefficients only (customers reach the
 * cells in random order: the smaller they are, the more stay in cache)
 */
typedef struct ExpansionCell
{
	int32		n_terms;		/* coefficients; 0: the cell is not used */
	float8		center;			/* z0, the cell's centre */
	float8		coefficient[FLEXIBLE_ARRAY_MEMBER]; /* of (z - z0)^k */
} ExpansionCell;

/* What a prepared scorer keeps for one frequency x */
typedef struct FrequencyTerms
{
	float8		log_odds_base;	/* log(a) - log(b + x - 1) (MBG/NBD: b + x) */
	ExpansionCell *cell[Z_CELLS];	/* made when a customer first reaches it */
} FrequencyTerms;

/* A BG/NBD or MBG/NBD model prepared for scoring */
typedef struct PurchaseScorer
{
	ClvModel	model;			/* the model (for the operations it falls
								 * back to) */
	const ClvModelOps *ops;		/* its kind's table */
	MemoryContext context;		/* where the tables below are made */
	bool		bgnbd;			/* BG/NBD (else MBG/NBD) */
	float8		r;				/* the parameters */
	float8		alpha;
	float8		a;
	float8		b;
	bool		expansions;		/* whether a is far enough from 1 for them */
	FrequencyTerms *frequency[CACHED_FREQUENCIES];	/* per x, made when
													 * first needed */
	xfloat	   *series;			/* scratch: a cell's 2F1 coefficients
								 * (SERIES_MAX_TERMS + 1), made with the
								 * first cell */
} PurchaseScorer;

/* Prepare a BG/NBD or MBG/NBD model for scoring (the score_prepare operation) */
void *
PurchaseScorePrepare(const ClvModel *model, MemoryContext context)
{
	PurchaseScorer *scorer = MemoryContextAllocZero(context, sizeof(PurchaseScorer));

	memcpy(&scorer->model, model, sizeof(ClvModel));
	scorer->ops = ClvOpsOf(model->kind);
	scorer->context = context;
	scorer->bgnbd = model->kind == CLV_BGNBD;
	scorer->r = model->params[0];
	scorer->alpha = model->params[1];
	scorer->a = model->params[2];
	scorer->b = model->params[3];
	scorer->expansions = fabs(scorer->a - 1) >= A_NEAR_ONE;
	return scorer;
}

/* The kept terms of frequency x (< CACHED_FREQUENCIES), made if new */
static FrequencyTerms *
TermsOf(PurchaseScorer *scorer, float8 x)
{
	int			k = (int) x;
	FrequencyTerms *terms = scorer->frequency[k];

	if (terms == NULL)
	{
		terms = MemoryContextAllocZero(scorer->context, sizeof(FrequencyTerms));
		terms->log_odds_base = scorer->bgnbd ? log(scorer->a) - log(scorer->b + (x - 1)) :
			log(scorer->a) - log(scorer->b + x);
		scorer->frequency[k] = terms;
	}
	return terms;
}

/* P(alive at T) given log(a) - log(b + x - 1) (or b + x): as clv_bgnbd.c */
static inline float8
PAliveOf(const PurchaseScorer *scorer, float8 log_odds_base, float8 x, float8 t_x, float8 T)
{
	float8		log_ratio = (scorer->r + x) * log1p((T - t_x) / (scorer->alpha + t_x));
	float8		log_odds = log_odds_base + log_ratio;

	/* 1 / (1 + exp(log_odds)) without overflow */
	if (log_odds > 0)
		return exp(-log_odds) / (1 + exp(-log_odds));
	return 1 / (1 + exp(log_odds));
}

/* P(alive) of a customer (x, t_x, T) (the p_alive_prepared operation) */
float8
PurchasePAlivePrepared(void *prepared, const float8 *customer)
{
	PurchaseScorer *scorer = (PurchaseScorer *) prepared;
	float8		x = customer[0];

	if (scorer->bgnbd && x == 0)
		return 1;
	if (x >= CACHED_FREQUENCIES)
		return scorer->ops->p_alive(&scorer->model, customer);
	return PAliveOf(scorer, TermsOf(scorer, x)->log_odds_base, x, customer[1], customer[2]);
}

/*
 * Fill scorer->series with the coefficients of 2F1(p, q; c; z), from n = 1
 * on (series[0] = 0: the 2F1 less 1), until their tail at z_end is below
 * SERIES_TOLERANCE times the sum of their sizes there (*size); returns
 * their number, or 0 when that takes more than SERIES_MAX_TERMS terms or c
 * is 0 or a negative integer
 */
static int
SeriesCoefficients(PurchaseScorer *scorer, xfloat p, xfloat q, xfloat c, xfloat z_end,
				   xfloat *size)
{
	xfloat	   *coefficient;
	xfloat		last = 1;		/* the last coefficient */
	xfloat		term = 1;		/* it times z_end^n */

	*size = 0;
	if (c <= 0 && c == floorl(c))
		return 0;
	if (scorer->series == NULL)
		scorer->series = MemoryContextAlloc(scorer->context,
											sizeof(xfloat) * (SERIES_MAX_TERMS + 1));
	coefficient = scorer->series;
	coefficient[0] = 0;
	for (int n = 0; n < SERIES_MAX_TERMS; n++)
	{
		xfloat		j = n + 1;
		xfloat		ratio = (p + n) * (q + n) / ((c + n) * j);
		xfloat		bound = INFINITY;	/* on the term ratios after n + 1 */

		last *= ratio;
		term *= ratio * z_end;
		coefficient[n + 1] = last;
		*size += fabsl(term);
		if (!isfinite(*size))
			return 0;
		if (term == 0)
			return n + 2;
		/* as Hyp2F1Series: the later ratios are below bound */
		if (p + j > 0 && q + j > 0 && c + j > 0)
			bound = z_end * fminl(fmaxl((p + j) / (j + 1), 1) * fmaxl((q + j) / (c + j), 1),
								  fmaxl((q + j) / (j + 1), 1) * fmaxl((p + j) / (c + j), 1));
		if (bound < 1 && fabsl(term) * bound <= SERIES_TOLERANCE * *size * (1 - bound))
			return n + 2;
	}
	return 0;
}

/*
 * C / (a - 1) (1 - H(z)) at z from the first n coefficients of the series in
 * scorer->series, false where 1 - H cancels beyond CELL_ERROR
 */
static bool
DirectValue(PurchaseScorer *scorer, int n, xfloat a1, xfloat c, xfloat z, xfloat *value)
{
	xfloat		fm = 0;			/* the 2F1 less 1 */
	xfloat		size = 0;		/* the size of its terms */
	xfloat		em = expm1l(a1 * log1pl(-z));
	xfloat		bracket;

	for (int i = n - 1; i >= 1; i--)
	{
		fm = (fm + scorer->series[i]) * z;
		size = (size + fabsl(scorer->series[i])) * z;
	}
	bracket = -(em + fm + em * fm);
	*value = c / a1 * bracket;
	return isfinite(*value) && bracket != 0 &&
		(fabsl(em) + size * (1 + fabsl(em))) * LDBL_EPSILON <= CELL_ERROR * fabsl(bracket);
}

/* A cell about center with the n coefficients given (n = 0: an unused cell) */
static ExpansionCell *
NewCell(PurchaseScorer *scorer, float8 center, const float8 *coefficient, int n)
{
	ExpansionCell *cell = MemoryContextAlloc(scorer->context,
											 offsetof(ExpansionCell, coefficient) + sizeof(float8) * n);

	cell->n_terms = n;
	cell->center = center;
	if (n > 0)
		memcpy(cell->coefficient, coefficient, sizeof(float8) * n);
	return cell;
}

/*
 * Make cell j of frequency x: the Taylor polynomial about the cell's centre
 * z0 of the expectation of a customer alive at T, C / (a - 1) (1 - H(z)), or
 * a cell marked unused (n_terms 0) where it would not be accurate.  In
 * extended precision (long double, where the platform has more digits than
 * double): with Fm = 2F1 - 1 and Em = (1 - z)^(a - 1) - 1, 1 - H = -(Em + Fm +
 * Em Fm), whose value at z0 cancels by the ratio kappa of the size of its
 * parts to itself; the extra digits absorb that, and a cell is used only
 * where kappa times the extended precision stays below double's.  Its
 * other coefficients follow from the Taylor coefficients of the 2F1 (its
 * series shifted to z0 by Horner's scheme) and of (1 - z)^(a - 1) about z0
 * (the binomial series).  The polynomial ends where two terms in a row are
 * negligible in the cell, and is used only where its terms do not cancel
 * there (the customer's result is then within a few units in the last
 * place of the polynomial's).
 */
static ExpansionCell *
MakeCell(PurchaseScorer *scorer, float8 x, int j)
{
	float8		width = EULER_Z_MAX / Z_CELLS;
	float8		z0 = (j + 0.5) * width;
	/* the largest |z - z0| of a customer in the cell, with room for rounding */
	xfloat		half = width / 2 * (1 + 1e-9);
	float8		c = scorer->bgnbd ? scorer->a + scorer->b + (x - 1) : scorer->a + scorer->b + x;
	xfloat		a1 = (xfloat) scorer->a - 1;
	xfloat		f[CELL_MAX_TERMS + 1];	/* Fm's Taylor coefficients about z0 */
	xfloat		e[CELL_MAX_TERMS + 1];	/* (1 - z)^(a-1)'s */
	xfloat		b[CELL_MAX_TERMS + 1];	/* 1 - H's */
	xfloat		size;			/* of the terms of Fm at the cell's end */
	xfloat		em;				/* Em(z0) */
	xfloat		power;
	xfloat		smallest;		/* lower bound of |1 - H| in the cell */
	xfloat		largest;		/* upper bound of the size of its terms */
	float8		coefficient[CELL_MAX_TERMS];	/* the polynomial's */
	int			n;
	int			used = 0;

	/* the binomial series of (1 - z)^(a-1) about z0 must fall fast in the cell */
	if (fabsl(a1) * half > MAX_BINOMIAL_RATIO * (1 - (xfloat) z0))
		return NewCell(scorer, z0, NULL, 0);
	n = SeriesCoefficients(scorer, (xfloat) (c - scorer->r - x), a1, c, (j + 1) * width, &size);
	if (n == 0)
		return NewCell(scorer, z0, NULL, 0);
	/* after pass k, series[k] is the k-th coefficient about z0 */
	for (int k = 0; k <= CELL_MAX_TERMS; k++)
	{
		for (int i = n - 2; i >= k; i--)
			scorer->series[i] += z0 * scorer->series[i + 1];
		f[k] = k < n ? scorer->series[k] : 0;
	}
	CHECK_FOR_INTERRUPTS();
	/* (1 - z0 - d)^(a-1) = (1 - z0)^(a-1) sum_k (-(a-1))_k / k! (d / (1 - z0))^k */
	em = expm1l(a1 * log1pl(-(xfloat) z0));
	e[0] = 1 + em;
	for (int k = 1; k <= CELL_MAX_TERMS; k++)
		e[k] = e[k - 1] * ((k - 1 - a1) / k) / (1 - (xfloat) z0);
	b[0] = -(em + f[0] + em * f[0]);
	if (!(fabsl(b[0]) > 0 && isfinite(b[0])) ||
		(fabsl(em) + size * (1 + fabsl(em))) * LDBL_EPSILON > CELL_ERROR * fabsl(b[0]))
		return NewCell(scorer, z0, NULL, 0);
	for (int k = 1; k <= CELL_MAX_TERMS; k++)
	{
		xfloat		product = e[k] * (1 + f[0]) + e[0] * f[k];

		for (int i = 1; i < k; i++)
			product += e[i] * f[k - i];
		b[k] = -product;
	}
	smallest = fabsl(b[0]);
	largest = fabsl(b[0]);
	power = 1;
	for (int k = 1; k < CELL_MAX_TERMS; k++)
	{
		power *= half;
		smallest -= fabsl(b[k]) * power;
		largest += fabsl(b[k]) * power;
		if (fabsl(b[k]) * power <= TERM_TOLERANCE * fabsl(b[0]) &&
			fabsl(b[k + 1]) * power * half <= TERM_TOLERANCE * fabsl(b[0]))
		{
			used = k + 1;
			break;
		}
	}
	if (used == 0 || !(smallest > 0) || largest > MAX_CANCELLATION * smallest)
		return NewCell(scorer, z0, NULL, 0);
	for (int k = 0; k < used; k++)
	{
		coefficient[k] = (float8) (c / a1 * b[k]);
		if (!isfinite(coefficient[k]))
			return NewCell(scorer, z0, NULL, 0);
	}
	/* the polynomial, as customers will evaluate it, checked against the series */
	SeriesCoefficients(scorer, (xfloat) (c - scorer->r - x), a1, c, (j + 1) * width, &size);
	for (int k = 0; k < (int) lengthof(CHECK_POINTS); k++)
	{
		float8		z = Max(z0 + CHECK_POINTS[k] * (float8) half, 0);
		xfloat		value;

		if (!DirectValue(scorer, n, a1, c, z, &value) ||
			fabsl(ClvPolynomial(coefficient, used, z - z0) - value) >
			CHECK_ERROR * fabsl(value))
			return NewCell(scorer, z0, NULL, 0);
	}
	return NewCell(scorer, z0, coefficient, used);
}

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T) (the
 * expected_prepared operation)
 */
float8
PurchaseExpectedPrepared(void *prepared, float8 t, const float8 *customer)
{
	PurchaseScorer *scorer = (PurchaseScorer *) prepared;
	float8		x = customer[0];
	float8		T = customer[2];
	float8		z;
	FrequencyTerms *terms;
	ExpansionCell *cell;
	float8		p_alive;
	float8		alive_expected;
	int			j;

	if (t == 0)
		return 0;
	z = t / (scorer->alpha + T + t);
	if (!scorer->expansions || x >= CACHED_FREQUENCIES || !(z < EULER_Z_MAX))
		return scorer->ops->expected(&scorer->model, t, customer);
	terms = TermsOf(scorer, x);
	j = (int) (z * (Z_CELLS / EULER_Z_MAX));
	if (j >= Z_CELLS)
		return scorer->ops->expected(&scorer->model, t, customer);
	cell = terms->cell[j];
	if (cell == NULL)
		cell = terms->cell[j] = MakeCell(scorer, x, j);
	if (cell->n_terms == 0)
		return scorer->ops->expected(&scorer->model, t, customer);
	alive_expected = ClvPolynomial(cell->coefficient, cell->n_terms, z - cell->center);
	p_alive = scorer->bgnbd && x == 0 ? 1 :
		PAliveOf(scorer, terms->log_odds_base, x, customer[1], T);
	return alive_expected * p_alive;
}
