/*
 * clv_paretonbd_score.c
 *		Prepared scoring of many customers by one Pareto/NBD model: the
 *		score_prepare, p_alive_prepared and expected_prepared operations
 *		(clv_ops.h) of the kind.  They compute what the p_alive and expected
 *		operations of clv_paretonbd.c compute, in fewer operations per
 *		customer.
 *
 * clv_paretonbd.c works in log space throughout: log G(t_x), log G(T) and
 * the "alive" term, each a sum of logarithms, then their differences.  With
 * the notation there, the odds that a customer dropped out are
 *
 *	 s / (r+s+x) * (G(t_x) - G(T)) / ((alpha+T)^-(r+x) (beta+T)^-s)
 *	   = s / (r+s+x) * (E q(t_x) S(z(t_x)) - q(T) S(z(T)))
 *
 * with E = ((alpha+T) / (alpha+t_x))^(r+x) ((beta+T) / (beta+t_x))^s, q(t) = 1
 * when alpha >= beta and (alpha+t) / (beta+t) otherwise, and S the series
 * of clv_paretonbd.c, whose coefficients (A)_n / (C)_n depend on x only
 * and are kept per x.  That is two log1p and one exp per customer instead
 * of eight logarithms and exponentials; P(alive) = 1 / (1 + odds), and the
 * expectation multiplies P(alive) by (r+x) / (alpha+T) (beta+T) times the
 * expected lifetime directly.  Where a product would leave the double range
 * (E overflowing, an expectation below 1e-300), where a series would need
 * more than PARETO_TABLE_MAX_TERMS terms, and for x of CACHED_FREQUENCIES or more,
 * the operations of clv_paretonbd.c score the customer.
 */
#include "crm.h"
#include "clv_ops.h"
#include "clv_prepared.h"

#include <float.h>
#include <math.h>

/* Frequencies x below this keep their series coefficients */
#define CACHED_FREQUENCIES 1024
/* Buckets of z in [0, 1) with a number of terms of S each */
#define Z_BUCKETS 128
/* Smallest expectation computed here; smaller ones in log space by clv_paretonbd.c */
#define SMALLEST_EXPECTATION 1e-300

/* Most coefficients of a bucket's polynomial */
#define CELL_MAX_TERMS 16

/* S of one frequency as a Taylor polynomial about the centre of a bucket of z */
typedef struct SeriesCell
{
	int32		n_terms;		/* coefficients; 0: S is summed term by term */
	float8		center;			/* the bucket's centre */
	float8		coefficient[FLEXIBLE_ARRAY_MEMBER]; /* of (z - center)^k */
} SeriesCell;

/* What a prepared scorer keeps for one frequency x */
typedef struct FrequencySeries
{
	float8		series_a;		/* A of S: r + x (alpha >= beta) or s + 1 */
	float8		series_c;		/* C of S: r + s + x + 1 */
	float8		share;			/* s / (r + s + x) */
	int32		n_terms;		/* coefficients computed so far */
	int32		capacity;		/* room in coefficient */
	float8	   *coefficient;	/* (A)_n / (C)_n */
	SeriesCell *cell[Z_BUCKETS];	/* S about the centre of bucket k, [k, k
									 * + 1) / Z_BUCKETS, made when first needed */
} FrequencySeries;

/* A Pareto/NBD model prepared for scoring */
typedef struct ParetoScorer
{
	ClvModel	model;			/* the model (for the operations it falls
								 * back to) */
	const ClvModelOps *ops;		/* its kind's table */
	MemoryContext context;		/* where the tables below are made */
	float8		r;				/* the parameters */
	float8		alpha;
	float8		s;
	float8		beta;
	float8		difference;		/* |alpha - beta| */
	float8		larger;			/* max(alpha, beta) */
	FrequencySeries *frequency[CACHED_FREQUENCIES]; /* per x, made when
													 * first needed */
} ParetoScorer;

/* Prepare a Pareto/NBD model for scoring (the score_prepare operation) */
void *
ParetoScorePrepare(const ClvModel *model, MemoryContext context)
{
	ParetoScorer *scorer = MemoryContextAllocZero(context, sizeof(ParetoScorer));

	memcpy(&scorer->model, model, sizeof(ClvModel));
	scorer->ops = ClvOpsOf(model->kind);
	scorer->context = context;
	scorer->r = model->params[0];
	scorer->alpha = model->params[1];
	scorer->s = model->params[2];
	scorer->beta = model->params[3];
	scorer->difference = fabs(scorer->alpha - scorer->beta);
	scorer->larger = Max(scorer->alpha, scorer->beta);
	return scorer;
}

/* The kept series of frequency x (< CACHED_FREQUENCIES), made if new */
static FrequencySeries *
SeriesOf(ParetoScorer *scorer, float8 x)
{
	int			k = (int) x;
	FrequencySeries *series = scorer->frequency[k];

	if (series == NULL)
	{
		series = MemoryContextAllocZero(scorer->context, sizeof(FrequencySeries));
		series->series_a = scorer->alpha >= scorer->beta ? scorer->r + x : scorer->s + 1;
		series->series_c = scorer->r + scorer->s + x + 1;
		series->share = scorer->s / (scorer->r + scorer->s + x);
		series->capacity = 64;
		series->coefficient = MemoryContextAlloc(scorer->context, sizeof(float8) * series->capacity);
		series->coefficient[0] = 1;
		series->n_terms = 1;
		scorer->frequency[k] = series;
	}
	return series;
}

/* Append the next coefficient, (A)_n / (C)_n; false when the table is full */
static bool
ExtendSeries(FrequencySeries *series)
{
	int32		n = series->n_terms - 1;

	if (series->n_terms == PARETO_TABLE_MAX_TERMS)
		return false;
	if (series->n_terms == series->capacity)
	{
		series->capacity *= 2;
		series->coefficient = repalloc(series->coefficient, sizeof(float8) * series->capacity);
	}
	series->coefficient[n + 1] = series->coefficient[n] *
		((series->series_a + n) / (series->series_c + n));
	series->n_terms++;
	return true;
}

/*
 * S(A, C; z) = sum_n (A)_n / (C)_n z^n from the kept coefficients, stopping
 * where clv_paretonbd.c does (the tail, below term z / (1 - z), is
 * negligible); false when it needs more than PARETO_TABLE_MAX_TERMS terms
 */
static bool
SeriesAt(FrequencySeries *series, float8 z, float8 *sum)
{
	float8		tail_factor = z / (1 - z);
	float8		power = 1;
	float8		total = 1;

	for (int32 n = 1;; n++)
	{
		float8		term;

		if (n == series->n_terms && !ExtendSeries(series))
			return false;
		power *= z;
		term = series->coefficient[n] * power;
		if (term == 0)
			break;
		total += term;
		if (term * tail_factor <= PARETO_SERIES_TOLERANCE * total)
			break;
	}
	*sum = total;
	return true;
}

/*
 * Make the cell of S about the centre z0 of a bucket: its series (positive
 * coefficients, (A)_n / (C)_n) up to the last term clv_paretonbd.c could
 * need at the bucket's end (whose tail, below term z / (1 - z), is
 * negligible against S >= 1), shifted to z0 by Horner's scheme, ending
 * where two coefficients in a row are negligible in the bucket; a cell of
 * no terms for the last bucket, and where the series is longer than the
 * table or the polynomial longer than CELL_MAX_TERMS
 */
static SeriesCell *
MakeCell(ParetoScorer *scorer, FrequencySeries *series, int bucket)
{
	float8		center = (bucket + 0.5) / Z_BUCKETS;
	float8		z_end = (bucket + 1.0) / Z_BUCKETS;
	float8		half = 0.5 / Z_BUCKETS * (1 + 1e-9);
	float8		tail_factor = z_end / (1 - z_end);
	float8		power = 1;
	float8	   *shifted;
	int32		n = 0;
	int32		used = 0;
	SeriesCell *cell;

	if (bucket + 1 < Z_BUCKETS)
		for (int32 k = 1; n == 0; k++)
		{
			if (k == series->n_terms && !ExtendSeries(series))
				break;
			power *= z_end;
			if (series->coefficient[k] * power * tail_factor <= PARETO_SERIES_TOLERANCE)
				n = k + 1;
		}
	shifted = palloc(sizeof(float8) * Max(n, 1));
	if (n > 0)
	{
		memcpy(shifted, series->coefficient, sizeof(float8) * n);
		/* after pass k, shifted[k] is the k-th coefficient about the centre */
		for (int k = 0; k < n && k <= CELL_MAX_TERMS; k++)
			for (int i = n - 2; i >= k; i--)
				shifted[i] += center * shifted[i + 1];
		if (n <= CELL_MAX_TERMS)
			used = n;			/* the whole polynomial, exactly shifted */
		power = half;
		for (int k = 1; k < n && k < CELL_MAX_TERMS; k++, power *= half)
			if (shifted[k] * power <= PARETO_SERIES_TOLERANCE * shifted[0] &&
				(k + 1 == n || shifted[k + 1] * power * half <= PARETO_SERIES_TOLERANCE * shifted[0]))
			{
				used = k + 1;
				break;
			}
	}
	/* room for its own coefficients only: the smaller the cells, the more stay in cache */
	cell = MemoryContextAlloc(scorer->context, offsetof(SeriesCell, coefficient) + sizeof(float8) * used);
	cell->n_terms = used;
	cell->center = center;
	memcpy(cell->coefficient, shifted, sizeof(float8) * used);
	pfree(shifted);
	return cell;
}

/* S(A, C; z) of frequency series at z in [0, 1]; false as SeriesAt */
static inline bool
SeriesValue(ParetoScorer *scorer, FrequencySeries *series, float8 z, float8 *sum)
{
	int			bucket = (int) (z * Z_BUCKETS);
	SeriesCell *cell;

	/* z rounds to 1 when alpha or beta is negligible against the other */
	if (!(bucket >= 0 && bucket < Z_BUCKETS))
		return SeriesAt(series, z, sum);
	cell = series->cell[bucket];
	if (cell == NULL)
		cell = series->cell[bucket] = MakeCell(scorer, series, bucket);
	if (cell->n_terms == 0)
		return SeriesAt(series, z, sum);
	*sum = ClvPolynomial(cell->coefficient, cell->n_terms, z - cell->center);
	return true;
}

/*
 * The odds that a customer (x, t_x, T), x < CACHED_FREQUENCIES, dropped out
 * before T rather than being alive; false when they are not computed here
 */
static bool
DropoutOdds(ParetoScorer *scorer, float8 x, float8 t_x, float8 T, float8 *odds)
{
	FrequencySeries *series = SeriesOf(scorer, x);
	float8		at_tx;
	float8		at_age;
	float8		growth;
	float8		difference;

	if (t_x == T)
	{
		*odds = 0;
		return true;
	}
	if (!SeriesValue(scorer, series, scorer->difference / (scorer->larger + t_x), &at_tx) ||
		!SeriesValue(scorer, series, scorer->difference / (scorer->larger + T), &at_age))
		return false;
	growth = exp((scorer->r + x) * log1p((T - t_x) / (scorer->alpha + t_x)) +
				 scorer->s * log1p((T - t_x) / (scorer->beta + t_x)));
	if (scorer->alpha >= scorer->beta)
		difference = growth * at_tx - at_age;
	else
		difference = growth * ((scorer->alpha + t_x) / (scorer->beta + t_x)) * at_tx -
			(scorer->alpha + T) / (scorer->beta + T) * at_age;
	/* G(T) >= G(t_x) only by rounding: no dropout term (as clv_paretonbd.c) */
	*odds = series->share * Max(difference, 0);
	return isfinite(*odds);
}

/* P(alive at T) of a customer (x, t_x, T) (the p_alive_prepared operation) */
float8
ParetoPAlivePrepared(void *prepared, const float8 *customer)
{
	ParetoScorer *scorer = (ParetoScorer *) prepared;
	float8		odds;

	if (customer[0] >= CACHED_FREQUENCIES ||
		!DropoutOdds(scorer, customer[0], customer[1], customer[2], &odds))
		return scorer->ops->p_alive(&scorer->model, customer);
	return 1 / (1 + odds);
}

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T) (the
 * expected_prepared operation)
 */
float8
ParetoExpectedPrepared(void *prepared, float8 t, const float8 *customer)
{
	ParetoScorer *scorer = (ParetoScorer *) prepared;
	float8		x = customer[0];
	float8		T = customer[2];
	float8		odds;
	float8		result;

	if (t == 0)
		return 0;
	if (x >= CACHED_FREQUENCIES || !DropoutOdds(scorer, x, customer[1], T, &odds))
		return scorer->ops->expected(&scorer->model, t, customer);
	result = (scorer->r + x) / (scorer->alpha + T) * (scorer->beta + T) *
		ParetoScaledLifetime(scorer->s, scorer->beta + T, t) / (1 + odds);
	if (!(result >= SMALLEST_EXPECTATION && result <= DBL_MAX))
		return scorer->ops->expected(&scorer->model, t, customer);
	return result;
}
