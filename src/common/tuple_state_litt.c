/*
 * tuple_state_litt.c
 *		litt in the tuple state (tuple_state.h): the weighted sum over the
 *		rows of a fit of litt, each customer's sum of log inter-purchase
 *		times, which the regularity models (BG/CNBD-k, MBG/CNBD-k,
 *		src/clv/clv_cnbd.c) need beside the distinct (x, t_x, T) tuples to
 *		choose their k by likelihood.
 *
 * The sum is kept in fixed point, a 128-bit integer in units of 2^-40
 * (about 1e-12): each row's litt is rounded to that grid once, times its
 * weight, and added exactly, so a state over the same rows holds the same
 * sum whatever the order of the rows, the parallel plan or the merges of
 * partial states (a float8 sum would differ in its last bits).  The
 * range, 2^87 (1.5e26), is far beyond any real sum; overflow raises 22003.
 * The text form writes the integer exactly as "litt=Np-40", N x 2^-40.
 */
#include "crm.h"
#include "tuple_state.h"

#include <math.h>

/* Largest |litt x 2^40| of one row that converts to the 128-bit integer */
#define LITT_ROW_LIMIT 0x1p100

/* Raise 22003: a sum of litt beyond the fixed-point range */
static void
LittOverflow(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("sum of litt over the fit is out of range"),
			 errdetail("The fit state adds weight x litt exactly in a 128-bit fixed-point sum.")));
}

/* Add weight x litt of a row to a state (22003 beyond the 128-bit sum) */
void
TupleStateAddLitt(TupleState *state, float8 litt, int64 weight)
{
	float8		scaled = rint(ldexp(litt, TUPLE_LITT_BITS));
	int128		product;

	if (!(fabs(scaled) < LITT_ROW_LIMIT))
		LittOverflow();
	if (__builtin_mul_overflow((int128) scaled, (int128) weight, &product) ||
		__builtin_add_overflow(state->litt, product, &state->litt))
		LittOverflow();
	state->has_litt = 1;
}

/* The sum of weight x litt of a state as a float8 */
float8
TupleStateLitt(const TupleState *state)
{
	return ldexp((float8) state->litt, -TUPLE_LITT_BITS);
}

/*
 * The litt of the merge of a and b into result: 22023 when one has litt and
 * the other, with rows, has not (an empty state takes the other's); else
 * the sum (22003 on overflow)
 */
void
TupleMergeLitt(TupleState *result, const TupleState *a, const TupleState *b)
{
	int128		sum;

	if (a->n_rows > 0 && b->n_rows > 0 && a->has_litt != b->has_litt)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot merge a fit state with litt and one without"),
				 errhint("Build every partial state of a regularity fit with litt (crm.regularity_fit_partial).")));
	if (__builtin_add_overflow(a->litt, b->litt, &sum))
		LittOverflow();
	result->has_litt = (a->has_litt || b->has_litt) ? 1 : 0;
	result->litt = sum;
}

/* Append " litt=Np-40" (the exact fixed-point sum) when the state has litt */
void
TupleAppendLitt(StringInfo buf, const TupleState *state)
{
	char		digits[48];
	int			n = 0;
	int128		v = state->litt;
	bool		negative = v < 0;

	if (!state->has_litt)
		return;
	/* digits from the last, of |v| (negated digit by digit: -v can overflow) */
	do
	{
		int			digit = (int) (v % 10);

		digits[n++] = (char) ('0' + (negative ? -digit : digit));
		v /= 10;
	} while (v != 0);
	appendStringInfoString(buf, " litt=");
	if (negative)
		appendStringInfoChar(buf, '-');
	while (n > 0)
		appendStringInfoChar(buf, digits[--n]);
	appendStringInfo(buf, "p-%d", TUPLE_LITT_BITS);
}

/*
 * Parse "Np-40" (N an optionally signed whole number within the 128-bit
 * range) at *p into *litt, advancing *p; false if malformed
 */
bool
TupleParseLitt(const char **p, int128 *litt)
{
	const char *s = *p;
	bool		negative = false;
	int128		v = 0;
	char		suffix[16];

	if (*s == '-')
	{
		negative = true;
		s++;
	}
	if (*s < '0' || *s > '9')
		return false;
	/* accumulate negatively, so that the most negative value fits */
	for (; *s >= '0' && *s <= '9'; s++)
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, *s - '0', &v))
			return false;
	if (!negative && __builtin_mul_overflow(v, -1, &v))
		return false;
	snprintf(suffix, sizeof(suffix), "p-%d", TUPLE_LITT_BITS);
	if (strncmp(s, suffix, strlen(suffix)) != 0)
		return false;
	*p = s + strlen(suffix);
	*litt = v;
	return true;
}

/*
 * Why a state's litt cannot be that of its tuples, or NULL.  litt of a
 * customer is at most x log(t_x / x) (the x inter-purchase times add up to
 * t_x, and the mean of their logs is at most the log of their mean), and 0
 * without repeat purchases; so the sum is at most the weighted sum of these
 * bounds (with room for the rounding of the rows' values), and 0 when no
 * customer has a repeat purchase.
 */
const char *
TupleLittProblem(const TupleState *state, const WeightedTuple *tuples, int32 n)
{
	float8		bound = 0;
	float8		scale = 1;
	bool		repeats = false;

	if (!state->has_litt)
		return state->litt == 0 ? NULL : "litt must be absent or given";
	if (state->shape != TUPLE_SHAPE_PURCHASES)
		return "only purchase states have litt";
	for (int32 i = 0; i < n; i++)
	{
		float8		x = tuples[i].v[0];
		float8		w = (float8) tuples[i].count;
		float8		term;

		if (x == 0)
			continue;
		if (tuples[i].v[1] <= 0)
			return "a customer with repeat purchases at t_x = 0 has no finite litt";
		repeats = true;
		term = x * log(tuples[i].v[1] / x);
		bound += w * term;
		scale += w * (x + fabs(term));
	}
	if (!repeats && state->litt != 0)
		return "litt must be 0 when no customer has a repeat purchase";
	if (TupleStateLitt(state) > bound + 1e-9 * scale)
		return "litt exceeds the sum over the tuples of x log(t_x / x)";
	return NULL;
}
