/*
 * lifecycle_markov.c
 *		Markov-chain customer lifetime value (Pfeifer & Carraway 2000): from a
 *		transition matrix P between customer states, a reward per state R
 *		(less a contact cost per state C) and a discount rate d per period,
 *		the expected discounted value of a customer in each state
 *
 *			over a finite horizon T:  V_T = sum_{t=0..T} (P / (1 + d))^t (R - C)
 *			in the limit:             V   = (I - P / (1 + d))^-1 (R - C)
 *
 * The reward of a state is earned in the period the customer is in it, the
 * current period (t = 0) included and undiscounted.  The finite sum is
 * evaluated by Horner's rule (T matrix-vector products); the limit by
 * Gaussian elimination with partial pivoting: I - P / (1 + d) is strictly
 * diagonally dominant for d > 0 (rows of P sum to 1), so it is nonsingular
 * and the elimination is stable.
 */
#include "crm.h"

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

#define MARKOV_MAX_STATES 500		/* states of a chain */
#define MARKOV_MAX_HORIZON 100000	/* periods of a finite horizon */
#define MARKOV_ROW_TOLERANCE 1e-9	/* |row sum - 1| allowed */

/*
 * The transition matrix argument as n x n row-major float8 (palloc'd): a
 * square two-dimensional float8[] of probabilities whose rows sum to 1
 */
static float8 *
TransitionMatrix(ArrayType *array, int *n)
{
	Datum	   *elements;
	bool	   *nulls;
	int			count;
	float8	   *p;

	if (ARR_NDIM(array) != 2 || ARR_DIMS(array)[0] != ARR_DIMS(array)[1])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("transition matrix must be a square two-dimensional array"),
				 errhint("Write it as ARRAY[[p11, p12], [p21, p22]]: row i holds the probabilities of moving from state i.")));
	*n = ARR_DIMS(array)[0];
	CheckSizeBound(*n, MARKOV_MAX_STATES, "states of a transition matrix");
	deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &elements, &nulls, &count);
	p = palloc(sizeof(float8) * count);
	for (int i = 0; i < count; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("transition matrix must not contain NULL (row %d, column %d)",
							i / *n + 1, i % *n + 1)));
		p[i] = DatumGetFloat8(elements[i]);
		CheckFinite(p[i], "transition probability");
		if (p[i] < 0 || p[i] > 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("transition probability %g (row %d, column %d) is not in [0, 1]",
							p[i], i / *n + 1, i % *n + 1)));
	}
	for (int i = 0; i < *n; i++)
	{
		float8		sum = 0;

		for (int j = 0; j < *n; j++)
			sum += p[i * *n + j];
		if (fabs(sum - 1) > MARKOV_ROW_TOLERANCE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("row %d of the transition matrix sums to %.17g, not 1", i + 1, sum),
					 errhint("Every state needs a next state: add an absorbing state (probability 1 to itself) for customers who are lost.")));
	}
	return p;
}

/* A per-state vector argument: n finite numbers */
static float8 *
StateVector(ArrayType *array, int n, const char *what)
{
	return CrmFloat8Array(array, what, n, n, true, &n);
}

/* V = sum_{t=0..horizon} q^t P^t r, by Horner's rule (r is overwritten) */
static float8 *
FiniteHorizonValue(const float8 *p, float8 *r, int n, float8 q, int32 horizon)
{
	float8	   *v = palloc(sizeof(float8) * n);
	float8	   *next = palloc(sizeof(float8) * n);

	memcpy(v, r, sizeof(float8) * n);
	for (int32 t = 0; t < horizon; t++)
	{
		float8	   *swap;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < n; i++)
		{
			float8		s = 0;

			for (int j = 0; j < n; j++)
				s += p[i * n + j] * v[j];
			next[i] = r[i] + q * s;
		}
		swap = v;
		v = next;
		next = swap;
	}
	return v;
}

/* V solving (I - q P) V = r, by Gaussian elimination with partial pivoting */
static float8 *
LimitValue(const float8 *p, const float8 *r, int n, float8 q)
{
	float8	   *a = palloc(sizeof(float8) * n * n);
	float8	   *v = palloc(sizeof(float8) * n);

	for (int i = 0; i < n; i++)
	{
		for (int j = 0; j < n; j++)
			a[i * n + j] = (i == j ? 1.0 : 0.0) - q * p[i * n + j];
		v[i] = r[i];
	}
	for (int k = 0; k < n; k++)
	{
		int			pivot = k;

		CHECK_FOR_INTERRUPTS();
		for (int i = k + 1; i < n; i++)
			if (fabs(a[i * n + k]) > fabs(a[pivot * n + k]))
				pivot = i;
		if (pivot != k)
		{
			for (int j = 0; j < n; j++)
			{
				float8		t = a[k * n + j];

				a[k * n + j] = a[pivot * n + j];
				a[pivot * n + j] = t;
			}
			{
				float8		t = v[k];

				v[k] = v[pivot];
				v[pivot] = t;
			}
		}
		/* diagonally dominant: the pivot is at least 1 - q > 0 in exact arithmetic */
		if (a[k * n + k] <= 0)
			elog(ERROR, "Markov chain value: singular system");
		for (int i = k + 1; i < n; i++)
		{
			float8		f = a[i * n + k] / a[k * n + k];

			if (f == 0)
				continue;
			for (int j = k; j < n; j++)
				a[i * n + j] -= f * a[k * n + j];
			v[i] -= f * v[k];
		}
	}
	for (int k = n - 1; k >= 0; k--)
	{
		float8		s = v[k];

		for (int j = k + 1; j < n; j++)
			s -= a[k * n + j] * v[j];
		v[k] = s / a[k * n + k];
	}
	return v;
}

PG_FUNCTION_INFO_V1(markov_clv);
/*
 * crm.markov_clv(transition, reward [, contact_cost], discount_rate [, horizon]):
 * (state, value) per state; the limit without a horizon
 */
Datum
markov_clv(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	bool		has_cost = PG_NARGS() == 5 ||
		(PG_NARGS() == 4 && get_fn_expr_argtype(fcinfo->flinfo, 2) == FLOAT8ARRAYOID);
	int			rate_arg = has_cost ? 3 : 2;
	bool		has_horizon = PG_NARGS() > rate_arg + 1;
	int			n;
	float8	   *p = TransitionMatrix(PG_GETARG_ARRAYTYPE_P(0), &n);
	float8	   *r = StateVector(PG_GETARG_ARRAYTYPE_P(1), n, "reward");
	float8		rate = PG_GETARG_FLOAT8(rate_arg);
	float8	   *v;

	if (has_cost)
	{
		float8	   *c = StateVector(PG_GETARG_ARRAYTYPE_P(2), n, "contact_cost");

		for (int i = 0; i < n; i++)
			r[i] -= c[i];
	}
	if (has_horizon)
	{
		int32		horizon = PG_GETARG_INT32(rate_arg + 1);

		CheckDiscountRate(rate);
		if (horizon < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("horizon must be >= 0 periods, not %d", horizon)));
		CheckSizeBound(horizon, MARKOV_MAX_HORIZON, "horizon");
		v = FiniteHorizonValue(p, r, n, 1.0 / (1.0 + rate), horizon);
	}
	else
	{
		CheckPositiveDiscountRate(rate, "Undiscounted, the value of a customer who is never lost grows without bound: give a horizon.");
		v = LimitValue(p, r, n, 1.0 / (1.0 + rate));
	}

	InitMaterializedSRF(fcinfo, 0);
	for (int i = 0; i < n; i++)
	{
		Datum		values[2];
		bool		nulls[2] = {false, false};

		CheckResultFinite(v[i], "Markov chain value (rewards too large)");
		values[0] = Int32GetDatum(i + 1);
		values[1] = Float8GetDatum(v[i]);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
