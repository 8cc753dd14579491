/*
 * clv_paretonbd.c
 *		The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987; as
 *		estimated in Fader, Hardie & Lee 2005): likelihood with analytic
 *		gradient and predictions (expected purchases, P(alive), DERT), as the
 *		operations of its kind (clv_ops.h).
 *
 * A customer (x, t_x, T) has likelihood (Fader & Hardie's note on deriving
 * the Pareto/NBD)
 *
 *	 L = Gamma(r+x) alpha^r beta^s / Gamma(r)
 *		 * [ (alpha+T)^-(r+x) (beta+T)^-s + s / (r+s+x) (G(t_x) - G(T)) ]
 *
 * where G(t) = (r+s+x) * integral from t to infinity of (alpha+u)^-(r+x)
 * (beta+u)^-(s+1) du is the Gauss hypergeometric term of the note.  Its
 * usual form 2F1(r+s+x, b; r+s+x+1; z) / (max(alpha, beta) + t)^(r+s+x), with
 * b = s+1, z = (alpha-beta)/(alpha+t) when alpha >= beta and b = r+x, z =
 * (beta-alpha)/(beta+t) otherwise (the choice of the note keeps 0 <= z < 1),
 * has terms that grow with x and overflow for heavy buyers.  Euler's
 * transformation 2F1(A, B; A+1; z) = (1-z)^(1-B) 2F1(1, A+1-B; A+1; z) turns
 * it into
 *
 *	 alpha >= beta:  G(t) = (alpha+t)^-(r+x)	(beta+t)^-s		S(r+x, r+s+x+1; z)
 *	 alpha <	beta:  G(t) = (alpha+t)^(1-r-x) (beta+t)^-(s+1) S(s+1, r+s+x+1; z)
 *
 * with S(A, C; z) = sum_n (A)_n / (C)_n z^n: positive terms whose ratios
 * are below z, so the series cannot overflow and its tail is bounded.  The
 * likelihood is then evaluated in log space (log G, log-sum-exp), and the
 * gradient follows from the derivatives of S in A, C and z, summed along
 * with it.  Where z is within PARETO_QUADRATURE_BELOW of 1 (one scale
 * negligible against the other), the series would need tens of thousands
 * of terms or more, and G is integrated numerically instead
 * (clv_paretonbd_integral.c).
 */
#include "crm.h"
#include "clv_ops.h"
#include "clv_prepared.h"
#include "numerics.h"

#include <math.h>

#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/float.h"

/* Most terms of S(A, C; z): only reached for z within ~1e-5 of 1 */
#define SERIES_MAX_TERMS 10000000

/* The parameters of a Pareto/NBD model, by name */
typedef struct ParetoParams
{
	float8		r;				/* shape of the gamma mixing of purchase rates */
	float8		alpha;			/* its scale, in the time unit */
	float8		s;				/* shape of the gamma mixing of dropout rates */
	float8		beta;			/* its scale, in the time unit */
} ParetoParams;

/* log G(t) of one customer and its derivatives in (r, alpha, s, beta) */
typedef struct LogIntegral
{
	float8		value;			/* log G(t) */
	float8		d[4];			/* d log G / d(r, alpha, s, beta) */
	float8		log_alpha_t;	/* log(alpha + t) */
	float8		log_beta_t;		/* log(beta + t) */
} LogIntegral;

/*
 * The coefficients of S(A, C; z) for one (A, C), i.e. one frequency x at one
 * point of the parameter space, kept so that the many customers with that x
 * sum their series with multiply-adds only: coefficient[n] = (A)_n / (C)_n,
 * with its derivatives in A and C and a bound on the weights of the tail
 */
typedef struct SeriesTable
{
	float8		A;				/* the series' A */
	float8		C;				/* the series' C */
	int32		n_terms;		/* coefficients computed so far */
	float8		log_a;			/* d log(coefficient) / dA of the last */
	float8		log_c;			/* d log(coefficient) / dC of the last */
	float8	   *coefficient;	/* (A)_n / (C)_n */
	float8	   *coefficient_a;	/* d coefficient / dA */
	float8	   *coefficient_c;	/* d coefficient / dC */
	float8	   *weight;			/* n + 1 + |d log coefficient / dA| + |... dC| */
} SeriesTable;

/* A fit's distinct (x, t_x, T) tuples with scratch space for the evaluation */
typedef struct ParetoData
{
	int32		n_tuples;		/* distinct tuples, sorted by x, t_x, T */
	const WeightedTuple *tuples;	/* the tuples */
	int32	   *age_index;		/* each tuple's T as an index into age */
	int32		n_age;			/* distinct ages */
	float8	   *age;			/* the distinct ages, increasing */
	int32	   *age_stamp;		/* scratch: 1 + the x group age_value was
								 * computed for, per distinct T */
	LogIntegral *age_value;		/* scratch: log G(T) per distinct T */
	SeriesTable table[2];		/* scratch: the series of the current x,
								 * for alpha >= beta and for alpha < beta
								 * (SeriesTables) */
} ParetoData;

/* Parameters of a model value, by name */
static ParetoParams
ParamsOf(const ClvModel *model)
{
	ParetoParams p = {model->params[0], model->params[1], model->params[2], model->params[3]};

	return p;
}

/*
 * S(A, C; z) = sum_n (A)_n / (C)_n z^n for 0 <= z < 1, C > A > 0, and its
 * derivatives in A, C and z (each NULL-able as a group: derivatives is
 * NULL or has room for 3).  Returns false when the series needs more than
 * max_terms terms.
 */
static bool
EulerSeries(float8 A, float8 C, float8 z, float8 *sum, float8 *derivatives, int max_terms)
{
	float8		term = 1;
	float8		total = 1;
	float8		sum_a = 0;		/* sum of term * d log(term) / dA */
	float8		sum_c = 0;		/* sum of term * d log(term) / dC */
	float8		sum_n = 0;		/* sum of n * term */
	float8		log_a = 0;		/* d log(term_n) / dA = sum_k<n 1/(A+k) */
	float8		log_c = 0;		/* d log(term_n) / dC = -sum_k<n 1/(C+k) */
	float8		inverse_one_minus_z = 1 / (1 - z);
	float8		tail_factor = z * inverse_one_minus_z;	/* tail <= term * weight * this */

	for (int n = 0; n < max_terms; n++)
	{
		float8		inverse_c = 1 / (C + n);
		float8		weight;

		if (derivatives != NULL)
		{
			log_a += 1 / (A + n);
			log_c -= inverse_c;
		}
		term *= (A + n) * inverse_c * z;
		if (term == 0)
			break;
		total += term;
		if (derivatives != NULL)
		{
			sum_a += term * log_a;
			sum_c += term * log_c;
			sum_n += term * (n + 1);
		}

		/*
		 * The ratios stay below z, so the tail after this term is below term
		 * z / (1 - z); the derivative sums carry weights (n, log_a, -log_c)
		 * that grow by at most 1 each per term, which bounds their tails by
		 * term (weight z / (1 - z) + 3 z / (1 - z)^2)
		 */
		weight = derivatives == NULL ? 1 : n + 2 + log_a - log_c + 3 * inverse_one_minus_z;
		if (term * weight * tail_factor <= PARETO_SERIES_TOLERANCE * total)
		{
			*sum = total;
			if (derivatives != NULL)
			{
				derivatives[0] = sum_a;
				derivatives[1] = sum_c;
				derivatives[2] = z > 0 ? sum_n / z : A / C;
			}
			return true;
		}
		if ((n & 0xFFFF) == 0xFFFF)
		{
			/*
			 * Give up early when even the current ratio of the terms, which
			 * only grows towards z, would need more than the cap: near z = 1
			 * (a line search far out) that saves up to the cap's worth of terms
			 * per customer and evaluation
			 */
			float8		ratio = (A + n + 1) / (C + n + 1) * z;
			float8		needed = log(PARETO_SERIES_TOLERANCE * total / (term * weight * tail_factor)) / log(ratio);

			if (!(n + needed <= max_terms))
				return false;
			CHECK_FOR_INTERRUPTS();
		}
	}
	if (term == 0)
	{
		*sum = total;
		if (derivatives != NULL)
		{
			derivatives[0] = sum_a;
			derivatives[1] = sum_c;
			derivatives[2] = z > 0 ? sum_n / z : A / C;
		}
		return true;
	}
	return false;
}

/* Start a table for the series S(A, C; .) */
static void
TableReset(SeriesTable *table, float8 A, float8 C)
{
	table->A = A;
	table->C = C;
	table->n_terms = 1;
	table->log_a = 0;
	table->log_c = 0;
	table->coefficient[0] = 1;
	table->coefficient_a[0] = 0;
	table->coefficient_c[0] = 0;
	table->weight[0] = 1;
}

/* Append the next coefficient to a table (room for it is checked by the caller) */
static void
TableExtend(SeriesTable *table)
{
	int32		n = table->n_terms - 1;
	float8		inverse_c = 1 / (table->C + n);
	float8		next = table->coefficient[n] * (table->A + n) * inverse_c;

	table->log_a += 1 / (table->A + n);
	table->log_c -= inverse_c;
	table->coefficient[n + 1] = next;
	table->coefficient_a[n + 1] = next * table->log_a;
	table->coefficient_c[n + 1] = next * table->log_c;
	table->weight[n + 1] = n + 2 + table->log_a - table->log_c;
	table->n_terms++;
}

/*
 * S(A, C; z) and its derivatives (as EulerSeries, with derivatives) from the
 * table of (A, C), extending it as needed; false for series longer than the
 * table can hold
 */
static bool
TableSeries(SeriesTable *table, float8 A, float8 C, float8 z, float8 *sum,
			float8 *derivatives)
{
	float8		inverse_one_minus_z = 1 / (1 - z);
	float8		tail_factor = z * inverse_one_minus_z;
	float8		power = 1;
	float8		total = 1;
	float8		sum_a = 0;
	float8		sum_c = 0;
	float8		sum_n = 0;

	if (table->A != A || table->C != C || table->n_terms == 0)
		TableReset(table, A, C);
	for (int32 n = 1;; n++)
	{
		float8		term;

		if (n == table->n_terms)
		{
			if (n == PARETO_TABLE_MAX_TERMS)
				return false;	/* see Series */
			TableExtend(table);
		}
		power *= z;
		term = table->coefficient[n] * power;
		total += term;
		sum_a += table->coefficient_a[n] * power;
		sum_c += table->coefficient_c[n] * power;
		sum_n += term * n;
		if (term == 0 ||
			term * (table->weight[n] + 3 * inverse_one_minus_z) * tail_factor <=
			PARETO_SERIES_TOLERANCE * total)
			break;
	}
	*sum = total;
	derivatives[0] = sum_a;
	derivatives[1] = sum_c;
	derivatives[2] = z > 0 ? sum_n / z : A / C;
	return true;
}

/*
 * S(A, C; z), with derivatives if asked: from the table when there is one.
 * A fit (the caller with a table) allows PARETO_TABLE_MAX_TERMS terms: longer
 * series happen only as z nears 1 far from any estimate (a line search
 * probing huge parameters), where they would cost up to SERIES_MAX_TERMS
 * terms per customer and evaluation; there the likelihood counts as not
 * computable and the optimizer steps back.  Predictions allow
 * SERIES_MAX_TERMS.
 */
static bool
Series(SeriesTable *table, float8 A, float8 C, float8 z, float8 *sum, float8 *derivatives)
{
	if (table != NULL && table->coefficient != NULL && derivatives != NULL)
		return TableSeries(table, A, C, z, sum, derivatives);
	return EulerSeries(A, C, z, sum, derivatives, table != NULL ? PARETO_TABLE_MAX_TERMS : SERIES_MAX_TERMS);
}

/*
 * log G(t) of a customer with x purchases and, if with_derivatives, its
 * gradient in (r, alpha, s, beta), with the series from tables if not NULL
 * (two tables: tables[0] for alpha >= beta, tables[1] for alpha < beta, so
 * that customers of the same x whose own alpha and beta fall on either side,
 * in a fit with covariates, keep both); false if the series does not
 * converge
 */
static bool
LogIntegralAt(const ParetoParams *p, float8 x, float8 t, bool with_derivatives,
			  SeriesTable *tables, LogIntegral *out)
{
	float8		log_alpha_t = log(p->alpha + t);
	float8		log_beta_t = log(p->beta + t);
	float8		c = p->r + p->s + x + 1;
	float8		sum;
	float8		ds[3];			/* dS/dA, dS/dC, dS/dz */

	out->log_alpha_t = log_alpha_t;
	out->log_beta_t = log_beta_t;
	/* 1 - z: one scale negligible against the other, the series too long */
	if ((p->alpha >= p->beta ? (p->beta + t) / (p->alpha + t) : (p->alpha + t) / (p->beta + t)) <
		PARETO_QUADRATURE_BELOW)
		return ParetoLogIntegralQuadrature(p->r, p->alpha, p->s, p->beta, x, t, &out->value,
										   with_derivatives ? out->d : NULL);
	if (p->alpha >= p->beta)
	{
		float8		z = (p->alpha - p->beta) / (p->alpha + t);

		if (!Series(tables ? &tables[0] : NULL, p->r + x, c, z, &sum,
					with_derivatives ? ds : NULL))
			return false;
		out->value = -(p->r + x) * log_alpha_t - p->s * log_beta_t + log(sum);
		if (with_derivatives)
		{
			/* dz/dalpha = (beta+t)/(alpha+t)^2, dz/dbeta = -1/(alpha+t) */
			out->d[0] = -log_alpha_t + (ds[0] + ds[1]) / sum;
			out->d[1] = -(p->r + x) / (p->alpha + t) +
				ds[2] / sum * (p->beta + t) / ((p->alpha + t) * (p->alpha + t));
			out->d[2] = -log_beta_t + ds[1] / sum;
			out->d[3] = -p->s / (p->beta + t) - ds[2] / sum / (p->alpha + t);
		}
	}
	else
	{
		float8		z = (p->beta - p->alpha) / (p->beta + t);

		if (!Series(tables ? &tables[1] : NULL, p->s + 1, c, z, &sum,
					with_derivatives ? ds : NULL))
			return false;
		out->value = (1 - p->r - x) * log_alpha_t - (p->s + 1) * log_beta_t + log(sum);
		if (with_derivatives)
		{
			/* dz/dalpha = -1/(beta+t), dz/dbeta = (alpha+t)/(beta+t)^2 */
			out->d[0] = -log_alpha_t + ds[1] / sum;
			out->d[1] = (1 - p->r - x) / (p->alpha + t) - ds[2] / sum / (p->beta + t);
			out->d[2] = -log_beta_t + (ds[0] + ds[1]) / sum;
			out->d[3] = -(p->s + 1) / (p->beta + t) +
				ds[2] / sum * (p->alpha + t) / ((p->beta + t) * (p->beta + t));
		}
	}
	return true;
}

/*
 * The log of the customer's bracket's two terms: *alive = log of the "alive
 * at T" term, *dropped = log of s/(r+s+x) (G(t_x) - G(T)) (-inf when t_x = T),
 * with their gradients when the G values carry them; log_share is log(s /
 * (r+s+x))
 */
static void
BracketTerms(const ParetoParams *p, float8 x, float8 T, float8 log_share,
			 const LogIntegral *at_tx, const LogIntegral *at_age,
			 bool with_derivatives, float8 *alive, float8 *alive_d,
			 float8 *dropped, float8 *dropped_d)
{
	float8		rsx = p->r + p->s + x;
	float8		gap = at_age->value - at_tx->value; /* <= 0 */
	float8		share;			/* G(T) / G(t_x) */
	float8		log_difference; /* log(1 - share) */

	*alive = -(p->r + x) * at_age->log_alpha_t - p->s * at_age->log_beta_t;
	if (with_derivatives)
	{
		alive_d[0] = -at_age->log_alpha_t;
		alive_d[1] = -(p->r + x) / (p->alpha + T);
		alive_d[2] = -at_age->log_beta_t;
		alive_d[3] = -p->s / (p->beta + T);
	}
	if (!(gap < 0))
	{
		/* t_x = T (or rounding made G(T) >= G(t_x)): no dropout term */
		*dropped = -INFINITY;
		if (with_derivatives)
			memset(dropped_d, 0, sizeof(float8) * 4);
		return;
	}
	/* log(G(t_x) - G(T)) = log G(t_x) + log(1 - exp(gap)), exact near gap = 0 */
	share = exp(gap);
	log_difference = share > 0.5 ? log(-expm1(gap)) : log1p(-share);
	*dropped = log_share + at_tx->value + log_difference;
	if (with_derivatives)
	{
		float8		scale = share > 0.5 ? 1 / -expm1(gap) : 1 / (1 - share);

		for (int i = 0; i < 4; i++)
			dropped_d[i] = (at_tx->d[i] - share * at_age->d[i]) * scale;
		dropped_d[0] -= 1 / rsx;
		dropped_d[2] += 1 / p->s - 1 / rsx;
	}
}

/*
 * The log of the bracket of one tuple given its G values, added with weight
 * w to *total and (if gradient) its gradient to gradient; the terms outside
 * the bracket depend on x only and are added per group of tuples
 */
static void
AddTupleBracket(const ParetoParams *p, float8 x, float8 T, float8 w, float8 log_share,
				const LogIntegral *at_tx, const LogIntegral *at_age,
				float8 *total, float8 *gradient)
{
	float8		alive;
	float8		dropped;
	float8		alive_d[4];
	float8		dropped_d[4];
	float8		smaller;		/* exp(-|alive - dropped|) */

	BracketTerms(p, x, T, log_share, at_tx, at_age, gradient != NULL, &alive, alive_d,
				 &dropped, dropped_d);
	/* log(exp(alive) + exp(dropped)) */
	smaller = dropped == -INFINITY ? 0 : exp(-fabs(alive - dropped));
	*total += w * (Max(alive, dropped) + log1p(smaller));
	if (gradient != NULL)
	{
		float8		share_alive = alive >= dropped ? 1 / (1 + smaller) : smaller / (1 + smaller);
		float8		share_dropped = 1 - share_alive;

		for (int i = 0; i < 4; i++)
			gradient[i] += w * (share_alive * alive_d[i] + share_dropped * dropped_d[i]);
	}
}

/*
 * Add the terms outside the bracket of customers with frequency x and total
 * weight w: lgamma(r+x) - lgamma(r) + r log(alpha) + s log(beta)
 */
static void
AddFrequencyTerms(const ParetoParams *p, float8 x, float8 w, float8 *total, float8 *gradient)
{
	*total += w * (lgamma(p->r + x) - lgamma(p->r) + p->r * log(p->alpha) + p->s * log(p->beta));
	if (gradient != NULL)
	{
		gradient[0] += w * (Digamma(p->r + x) - Digamma(p->r) + log(p->alpha));
		gradient[1] += w * p->r / p->alpha;
		gradient[2] += w * log(p->beta);
		gradient[3] += w * p->s / p->beta;
	}
}

/* Total log-likelihood of the data at params and, optionally, its gradient (NaN if a series fails) */
static float8
ParetoLogLikelihood(const float8 *params, void *context, float8 *gradient)
{
	ParetoData *data = (ParetoData *) context;
	ParetoParams p = {params[0], params[1], params[2], params[3]};
	bool		with_gradient = gradient != NULL;
	float8		total = 0;
	LogIntegral at_tx;
	int32		group = 0;
	float8		group_weight = 0;
	float8		log_share = 0;	/* log(s / (r+s+x)) of the group */

	if (with_gradient)
		memset(gradient, 0, sizeof(float8) * 4);
	memset(data->age_stamp, 0, sizeof(int32) * data->n_age);
	for (int32 j = 0; j < data->n_tuples; j++)
	{
		const WeightedTuple *tuple = &data->tuples[j];
		float8		x = tuple->v[0];
		int32		k = data->age_index[j];
		bool		new_x = j == 0 || x != data->tuples[j - 1].v[0];

		if ((j & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();

		if (new_x)
		{
			if (j > 0)
				AddFrequencyTerms(&p, data->tuples[j - 1].v[0], group_weight, &total, gradient);
			group++;
			group_weight = 0;
			log_share = log(p.s / (p.r + p.s + x));
		}
		group_weight += (float8) tuple->count;
		/* G(t_x) is shared by consecutive tuples with the same x and t_x */
		if (new_x || tuple->v[1] != data->tuples[j - 1].v[1])
		{
			if (!LogIntegralAt(&p, x, tuple->v[1], with_gradient, data->table, &at_tx))
				return get_float8_nan();
		}
		/* G(T) once per x and distinct T */
		if (data->age_stamp[k] != group)
		{
			if (!LogIntegralAt(&p, x, tuple->v[2], with_gradient, data->table,
							   &data->age_value[k]))
				return get_float8_nan();
			data->age_stamp[k] = group;
		}
		AddTupleBracket(&p, x, tuple->v[2], (float8) tuple->count, log_share, &at_tx,
						&data->age_value[k], &total, gradient);
	}
	if (data->n_tuples > 0)
		AddFrequencyTerms(&p, data->tuples[data->n_tuples - 1].v[0], group_weight, &total, gradient);
	return total;
}

/* Room for the coefficients of a table (only the fit, which evaluates many customers, has one) */
static void
AllocateTable(SeriesTable *table)
{
	table->coefficient = (float8 *) palloc(sizeof(float8) * PARETO_TABLE_MAX_TERMS);
	table->coefficient_a = (float8 *) palloc(sizeof(float8) * PARETO_TABLE_MAX_TERMS);
	table->coefficient_c = (float8 *) palloc(sizeof(float8) * PARETO_TABLE_MAX_TERMS);
	table->weight = (float8 *) palloc(sizeof(float8) * PARETO_TABLE_MAX_TERMS);
	table->n_terms = 0;
}

/* The preprocessed data of a fit state's tuples (sorted by x, t_x, T) */
static ParetoData *
ParetoDataOf(const WeightedTuple *tuples, int32 n_tuples)
{
	ParetoData *data = (ParetoData *) palloc0(sizeof(ParetoData));

	data->n_tuples = n_tuples;
	data->tuples = tuples;
	data->age_index = (int32 *) palloc(sizeof(int32) * Max(n_tuples, 1));
	data->age = TupleColumnIndex(tuples, n_tuples, 2, PG_INT32_MAX, &data->n_age,
								 data->age_index);
	data->age_stamp = (int32 *) palloc0(sizeof(int32) * Max(data->n_age, 1));
	data->age_value = (LogIntegral *) palloc(sizeof(LogIntegral) * Max(data->n_age, 1));
	return data;
}

/* The preprocessed data of a fit, with room for its series tables */
static void *
ParetoPrepare(const WeightedTuple *tuples, int32 n_tuples)
{
	ParetoData *data = ParetoDataOf(tuples, n_tuples);

	AllocateTable(&data->table[0]);
	AllocateTable(&data->table[1]);
	return data;
}

/*
 * Scratch of the covariate fit for ParetoCustomerGradient: the two series
 * tables, and the terms of the last (r, x) that depend on them only
 */
typedef struct ParetoCustomerScratchData
{
	SeriesTable tables[2];		/* the series of the current x, per branch */
	float8		r;				/* r of the cached terms (NaN: none) */
	float8		x;				/* x of the cached terms */
	float8		log_gamma;		/* lgamma(r + x) - lgamma(r) */
	float8		digamma;		/* Digamma(r + x) - Digamma(r) */
} ParetoCustomerScratchData;

/* Scratch of the covariate fit for ParetoCustomerGradient */
static void *
ParetoCustomerScratch(void)
{
	ParetoCustomerScratchData *scratch = palloc0(sizeof(ParetoCustomerScratchData));

	AllocateTable(&scratch->tables[0]);
	AllocateTable(&scratch->tables[1]);
	scratch->r = get_float8_nan();
	return scratch;
}

/*
 * One customer's log-likelihood at params (the customer's own alpha and
 * beta, in a fit with covariates) and its gradient in (r, alpha, s, beta),
 * with the series tables of scratch; NaN when a series does not converge.
 * Customers taken in order of x reuse the tables' coefficients and the
 * terms in r and x (the same sums as AddFrequencyTerms for one customer).
 */
static float8
ParetoCustomerGradient(const float8 *params, const float8 *customer, void *scratch,
					   float8 *gradient)
{
	ParetoCustomerScratchData *data = (ParetoCustomerScratchData *) scratch;
	ParetoParams p = {params[0], params[1], params[2], params[3]};
	float8		x = customer[0];
	float8		total = 0;
	float8		log_alpha = log(p.alpha);
	float8		log_beta = log(p.beta);
	LogIntegral at_tx;
	LogIntegral at_age;

	memset(gradient, 0, sizeof(float8) * 4);
	if (!LogIntegralAt(&p, x, customer[1], true, data->tables, &at_tx) ||
		!LogIntegralAt(&p, x, customer[2], true, data->tables, &at_age))
		return get_float8_nan();
	AddTupleBracket(&p, x, customer[2], 1, log(p.s / (p.r + p.s + x)), &at_tx, &at_age,
					&total, gradient);
	if (data->r != p.r || data->x != x)
	{
		data->r = p.r;
		data->x = x;
		data->log_gamma = lgamma(p.r + x) - lgamma(p.r);
		data->digamma = Digamma(p.r + x) - Digamma(p.r);
	}
	total += data->log_gamma + p.r * log_alpha + p.s * log_beta;
	gradient[0] += data->digamma + log_alpha;
	gradient[1] += p.r / p.alpha;
	gradient[2] += log_beta;
	gradient[3] += p.s / p.beta;
	return total;
}

/* r = s = 1 and alpha = beta = the mean age: the same start in any time unit */
static void
ParetoStart(const WeightedTuple *tuples, int32 n_tuples, float8 *start)
{
	start[0] = 1;
	start[1] = Max(ClvColumnMean(tuples, n_tuples, 2), 1e-6);
	start[2] = 1;
	start[3] = start[1];
}

/* ---------------------------------------------------------------------------
 * Predictions
 * ---------------------------------------------------------------------------
 */

/* Raise 22023 when a prediction's series does not converge */
static void
SeriesFailed(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("cannot evaluate the Pareto/NBD likelihood for these parameters"),
			 errdetail("The hypergeometric series does not converge in double precision (alpha and beta differ by too much relative to t_x)."),
			 errhint("Check that the model's time unit matches the summaries'.")));
}

/* log of the odds that the customer dropped out before T rather than being alive */
static float8
LogDropoutOdds(const ParetoParams *p, float8 x, float8 t_x, float8 T)
{
	LogIntegral at_tx;
	LogIntegral at_age;
	float8		alive;
	float8		dropped;

	if (t_x == T)
		return -INFINITY;
	if (!LogIntegralAt(p, x, t_x, false, NULL, &at_tx) ||
		!LogIntegralAt(p, x, T, false, NULL, &at_age))
		SeriesFailed();
	BracketTerms(p, x, T, log(p->s / (p->r + p->s + x)), &at_tx, &at_age, false,
				 &alive, NULL, &dropped, NULL);
	return dropped - alive;
}

/* P(alive at T | x, t_x, T) */
static float8
ProbabilityAlive(const ParetoParams *p, float8 x, float8 t_x, float8 T)
{
	float8		log_odds = LogDropoutOdds(p, x, t_x, T);

	/* 1 / (1 + exp(log_odds)) without overflow */
	if (log_odds > 0)
		return exp(-log_odds) / (1 + exp(-log_odds));
	return 1 / (1 + exp(log_odds));
}

/* log of ParetoScaledLifetime(s, b, t), finite where the lifetime itself overflows */
static float8
LogScaledLifetime(float8 s, float8 b, float8 t)
{
	float8		log1p_w = log1p(t / b);
	float8		y = (1 - s) * log1p_w;

	if (fabs(s - 1) < PARETO_S_NEAR_ONE)
		return log(log1p_w);
	if (s < 1)
	{
		/* log((e^y - 1) / (1 - s)), y > 0 */
		return (y > 30 ? y + log1p(-exp(-y)) : log(expm1(y))) - log(1 - s);
	}
	/* log((1 - e^y) / (s - 1)), y < 0 */
	return log(-expm1(y)) - log(s - 1);
}

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T); x = t_x = T =
 * 0 for a new customer: rate (r + x) / (alpha + T) times the expected
 * lifetime in (0, t] times P(alive), multiplied in log space (a rate of 1e20
 * and a lifetime of 1e300 overflow, while P(alive) may be 0); 22003 when
 * the expectation itself is beyond the float8 range
 */
static float8
ExpectedPurchases(const ParetoParams *p, float8 t, float8 x, float8 t_x, float8 T)
{
	float8		log_alive;
	float8		result;

	if (t == 0)
		return 0;
	log_alive = -LogAddExp(0, LogDropoutOdds(p, x, t_x, T));
	result = exp(log(p->r + x) - log(p->alpha + T) + log(p->beta + T) +
				 LogScaledLifetime(p->s, p->beta + T, t) + log_alive);
	CheckResultFinite(result, "expected purchases");
	return result;
}

/*
 * DERT: the expected purchases after T of a customer (x, t_x, T), each at
 * time T + u discounted continuously by (1 + d)^-u, i.e. at the rate delta
 * = log(1 + d) (Fader, Hardie & Lee 2005, "RFM and CLV"):
 *
 *	 P(alive) (r+x)/(alpha+T) E[1 / (delta + mu)],	mu ~ Gamma(s, beta+T)
 *
 * and E[1 / (delta + mu)] = (beta+T) e^z z^(s-1) Gamma(1-s, z) with z =
 * delta (beta+T): the confluent hypergeometric Psi(s, s; z) of the paper.
 */
static float8
DiscountedResidualPurchases(const ParetoParams *p, float8 x, float8 t_x, float8 T,
							float8 discount_rate)
{
	float8		delta = log1p(discount_rate);
	float8		b = p->beta + T;
	float8		scaled;
	float8		result;

	if (!UpperGammaScaled(1 - p->s, delta * b, &scaled))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot evaluate DERT for discount rate %g", discount_rate),
				 errdetail("The incomplete gamma function does not converge for s = %g, z = %g.",
						   p->s, delta * b)));
	result = ProbabilityAlive(p, x, t_x, T) * ((p->r + x) / (p->alpha + T) * b * scaled);
	CheckResultFinite(result, "DERT (discounted expected residual transactions)");
	return result;
}

/* Context of the Pareto/NBD's cumulative expectation of an alive customer */
typedef struct ParetoAliveExpectation
{
	float8		scale;			/* (r + x) / (alpha + T) * (beta + T) */
	float8		s;				/* the model's s */
	float8		beta_T;			/* beta + T */
} ParetoAliveExpectation;

/* Expected purchases in (T, T + t] of a customer alive at T (ClvDiscountedSum's callback) */
static float8
ParetoAliveExpected(void *context, float8 t)
{
	ParetoAliveExpectation *e = (ParetoAliveExpectation *) context;

	return e->scale * ParetoScaledLifetime(e->s, e->beta_T, t);
}

/*
 * Sum over k = 1..ceil(horizon) of the expected purchases in period k,
 * (t_{k-1}, t_k] with t_k = min(k, horizon), discounted by (1 + d)^t_k, of
 * a customer with x purchases and age T who is alive at T (crm.clv's
 * convention, as for the BG/NBD; the discounted_series operation)
 */
static float8
DiscountedPurchasesIfAlive(const ClvModel *model, float8 x, float8 T,
						   float8 horizon, float8 discount_rate)
{
	ParetoParams p = ParamsOf(model);
	ParetoAliveExpectation e;

	e.scale = (p.r + x) / (p.alpha + T) * (p.beta + T);
	e.s = p.s;
	e.beta_T = p.beta + T;
	return ClvDiscountedSum(ParetoAliveExpected, &e, horizon, discount_rate);
}

/* P(alive at T) of a customer (x, t_x, T) (the p_alive operation) */
static float8
ParetoPAlive(const ClvModel *model, const float8 *customer)
{
	ParetoParams p = ParamsOf(model);

	return ProbabilityAlive(&p, customer[0], customer[1], customer[2]);
}

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T), or E[X(t)] of
 * a new customer (the expected operation)
 */
static float8
ParetoExpected(const ClvModel *model, float8 t, const float8 *customer)
{
	ParetoParams p = ParamsOf(model);

	if (customer == NULL)
		return ExpectedPurchases(&p, t, 0, 0, 0);
	return ExpectedPurchases(&p, t, customer[0], customer[1], customer[2]);
}

/* DERT of a customer (x, t_x, T) at a discount rate > 0 (the dert operation) */
static float8
ParetoDert(const ClvModel *model, const float8 *customer, float8 d)
{
	ParetoParams p = ParamsOf(model);

	CheckPositiveDiscountRate(d, "DERT sums purchases over an unbounded future: without discounting it is infinite when s <= 1.");
	return DiscountedResidualPurchases(&p, customer[0], customer[1], customer[2], d);
}

/* One customer's log-likelihood (the customer_loglik operation) */
static float8
ParetoCustomerLoglik(const ClvModel *model, const float8 *customer)
{
	WeightedTuple tuple;
	float8		ll;

	tuple.v[0] = customer[0];
	tuple.v[1] = customer[1];
	tuple.v[2] = customer[2];
	tuple.count = 1;
	ll = ParetoLogLikelihood(model->params, ParetoDataOf(&tuple, 1), NULL);
	if (isnan(ll))
		SeriesFailed();
	return ll;
}

/* The Pareto/NBD model */
/*
 * A customer's state after T (the draw_latent operation): alive with
 * P(alive), and then, given alive, lambda ~ Gamma(r + x, alpha + T) and the
 * dropout rate mu ~ Gamma(s, beta + T) (the remaining lifetime is
 * Exponential(mu))
 */
static bool
ParetoDrawLatent(const ClvModel *model, const float8 *customer, CrmRandom *rng,
				 ClvLatent *latent)
{
	float8		alive = ParetoPAlive(model, customer);

	memset(latent, 0, sizeof(*latent));
	if (!(alive >= 0 && alive <= 1))
		return false;
	latent->alive = CrmRandomUniform(rng) < alive;
	latent->rate_shape = model->params[0] + customer[0];
	latent->rate_rate = model->params[1] + customer[2];
	latent->life_shape = model->params[2];
	latent->life_rate = model->params[3] + customer[2];
	return true;
}

const ClvModelOps ClvParetonbdOps = {
	.spec = {CLV_PARETONBD, "paretonbd", "Pareto/NBD", TUPLE_SHAPE_PURCHASES, 4, {"r", "alpha", "s", "beta"}},
	.penalized = true,
	.timed = true,
	.sampled = true,
	.check_data = ClvCheckAnyRepeat,
	.start = ParetoStart,
	.prepare = ParetoPrepare,
	.loglik = ParetoLogLikelihood,
	.covariate_effect = {CLV_COVARIATE_NONE, CLV_COVARIATE_TRANS_DOWN, CLV_COVARIATE_NONE,
	CLV_COVARIATE_LIFE_DOWN},
	.customer_scratch = ParetoCustomerScratch,
	.customer_gradient = ParetoCustomerGradient,
	.customer_loglik = ParetoCustomerLoglik,
	.p_alive = ParetoPAlive,
	.expected = ParetoExpected,
	.pmf = ClvParetonbdPmfOperation,
	.conditional_pmf = ClvParetonbdConditionalPmf,
	.discounted_series = DiscountedPurchasesIfAlive,
	.dert = ParetoDert,
	.score_prepare = ParetoScorePrepare,
	.p_alive_prepared = ParetoPAlivePrepared,
	.expected_prepared = ParetoExpectedPrepared,
	.draw_latent = ParetoDrawLatent,
};

/* Final function of crm.paretonbd_fit: the maximum-likelihood model (NULL for no rows) */
PG_FUNCTION_INFO_V1(paretonbd_fit_final);
Datum
paretonbd_fit_final(PG_FUNCTION_ARGS)
{
	return ClvFitFinal(fcinfo, &ClvParetonbdOps);
}

/* crm.paretonbd(r, alpha, s, beta): a Pareto/NBD model from given parameters */
PG_FUNCTION_INFO_V1(paretonbd_make);
Datum
paretonbd_make(PG_FUNCTION_ARGS)
{
	return ClvModelMake(fcinfo, &ClvParetonbdOps);
}
