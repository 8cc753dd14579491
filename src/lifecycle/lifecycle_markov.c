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
 * Gaussian elimination: I - P / (1 + d) is strictly diagonally dominant by
 * rows for d > 0 (rows of P sum to 1), so it is nonsingular and elimination
 * without pivoting is stable, its pivots positive.  (Partial pivoting would
 * swap in a negative off-diagonal entry where a state keeps most of its
 * customers and another feeds it: an ordinary chain that the first version
 * refused.)
 *
 * Undiscounted (d = 0) the limit exists when the rewards stop: states from
 * which no state with a nonzero net reward can be reached are worth 0, and
 * every other state must be transient (it reaches one of those with
 * positive probability), as in an absorbing chain whose lost state earns
 * and costs nothing.  V then solves (I - Q) V = R on the other states, Q
 * the transitions among them: a nonsingular M-matrix, positive pivots.
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

/* V solving (I - q P) V = r, by Gaussian elimination */
static float8 *
SolveValue(const float8 *p, const float8 *r, int n, float8 q)
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
		CHECK_FOR_INTERRUPTS();

		/*
		 * diagonally dominant by rows (q < 1) or a transient M-matrix (q =
		 * 1): elimination in order needs no pivoting (its growth is bounded)
		 * and every pivot is positive in exact arithmetic
		 */
		if (!(a[k * n + k] > 0))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("the Markov chain value is too large to compute"),
					 errdetail("The chain leaves its rewarding states with a probability lost to rounding, so the value is beyond double precision."),
					 errhint("Give a horizon, or a larger discount rate.")));
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

/*
 * Mark every state that can move (with positive probability, in any number
 * of steps) to a marked state, among the states of among (NULL: all);
 * breadth first over the reverse transitions, O(n^2)
 */
static void
MarkReaching(const float8 *p, int n, bool *marked, const bool *among)
{
	int		   *queue = palloc(sizeof(int) * n);
	int			head = 0;
	int			tail = 0;

	for (int i = 0; i < n; i++)
		if (marked[i])
			queue[tail++] = i;
	while (head < tail)
	{
		int			j = queue[head++];

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < n; i++)
			if (!marked[i] && (among == NULL || among[i]) && p[i * n + j] > 0)
			{
				marked[i] = true;
				queue[tail++] = i;
			}
	}
	pfree(queue);
}

/*
 * The undiscounted limit: 0 for states that cannot reach a nonzero reward,
 * the solution of (I - Q) V = r on the others; 22023 when one of those
 * never leaves them (its rewards never stop)
 */
static float8 *
UndiscountedLimitValue(const float8 *p, const float8 *r, int n)
{
	bool	   *live = palloc0(sizeof(bool) * n);
	bool	   *leaves = palloc0(sizeof(bool) * n);
	int		   *index = palloc(sizeof(int) * n);
	float8	   *v = palloc0(sizeof(float8) * n);
	float8	   *q;
	float8	   *rq;
	float8	   *vq;
	int			m = 0;

	/* live: a state with a nonzero reward, or one that can reach one */
	for (int i = 0; i < n; i++)
		live[i] = r[i] != 0;
	MarkReaching(p, n, live, NULL);
	/* a live state leaves the live ones: directly, or through a live state that does */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n && live[i] && !leaves[i]; j++)
			if (!live[j] && p[i * n + j] > 0)
				leaves[i] = true;
	MarkReaching(p, n, leaves, live);
	for (int i = 0; i < n; i++)
	{
		if (live[i] && !leaves[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the undiscounted value of state %d is unbounded", i + 1),
					 errdetail("From state %d the chain keeps earning or paying rewards forever: it never reaches a state without rewards for good.", i + 1),
					 errhint("Give a discount rate above 0 or a horizon, or make the lost state absorbing with no reward and no contact cost.")));
		if (live[i])
			index[i] = m++;
	}
	if (m == 0)
		return v;
	q = palloc(sizeof(float8) * m * m);
	rq = palloc(sizeof(float8) * m);
	for (int i = 0; i < n; i++)
	{
		if (!live[i])
			continue;
		rq[index[i]] = r[i];
		for (int j = 0; j < n; j++)
			if (live[j])
				q[index[i] * m + index[j]] = p[i * n + j];
	}
	vq = SolveValue(q, rq, m, 1.0);
	for (int i = 0; i < n; i++)
		if (live[i])
			v[i] = vq[index[i]];
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
		CheckDiscountRate(rate);
		if (rate == 0)
			v = UndiscountedLimitValue(p, r, n);
		else
			v = SolveValue(p, r, n, 1.0 / (1.0 + rate));
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
