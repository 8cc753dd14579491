/*
 * clv_cnbd_math.h
 *		The mathematics of the BG/CNBD-k and MBG/CNBD-k models (Platzer &
 *		Reutterer 2016, "Ticking away the moments: timing regularity helps to
 *		better predict customer activity", Marketing Science 35(5)): a
 *		customer's log-likelihood with its analytic gradient, P(alive), the
 *		expected purchases of a customer and of a new one, and the
 *		distribution of a new customer's purchases.
 *
 * Plain C99 with <math.h> only (no PostgreSQL headers), like numerics.h, so
 * that test/numerics/ can unit-test it outside the server.  Nothing raises
 * errors or allocates; the SQL-callable code (clv_cnbd.c) decides what to
 * tell the user.
 *
 * The model: while alive, a customer's inter-purchase times are Erlang-k
 * with rate lambda (k exponential stages; k = 1 is the Poisson process of
 * the (M)BG/NBD), lambda ~ Gamma(r, alpha) across customers; after each
 * repeat purchase (MBG: also at the first purchase, time 0) the customer
 * drops out with probability p, p ~ Beta(a, b).  Given k, a customer's
 * likelihood depends on the data through (x, t_x, T) and the additive term
 * (k - 1) litt - x log((k - 1)!), litt the sum of the logs of the x
 * inter-purchase times, which does not depend on r, alpha, a, b.
 */
#ifndef CRM_CLV_CNBD_MATH_H
#define CRM_CLV_CNBD_MATH_H

#include <stdbool.h>
#include <stdint.h>

/* Largest regularity k */
#define CNBD_MAX_K 100

/* Terms (over all phases) an expectation may sum before it reports failure */
#define CNBD_MAX_TERMS 100000000

/* The parameters of a (M)BG/CNBD-k model */
typedef struct CnbdParams
{
	int			k;				/* regularity: Erlang-k inter-purchase times,
								 * 1 .. CNBD_MAX_K */
	double		r;				/* shape of the gamma mixing of the rates */
	double		alpha;			/* its scale, in the time unit */
	double		a;				/* beta mixing of the dropout probability */
	double		b;				/* beta mixing of the dropout probability */
	bool		mbg;			/* MBG: dropout possible at the first
								 * purchase too */
} CnbdParams;

/*
 * The terms of a customer's likelihood that depend on x only (computed once
 * per distinct x in a fit), with their derivatives in r, a, b
 */
typedef struct CnbdFrequency
{
	double		x;				/* repeat purchases */
	double		s;				/* r + k x */
	double		c;				/* log Gamma(s) - log Gamma(r) + r log alpha */
	double		c_r;			/* dc/dr */
	double		d1;				/* log of the beta term of "alive at T" */
	double		d1_a;			/* d(d1)/da */
	double		d1_b;			/* d(d1)/db */
	bool		has_d2;			/* whether "dropped out at the last purchase"
								 * is possible (MBG, or x > 0) */
	double		d2;				/* log of its beta term */
	double		d2_a;			/* d(d2)/da */
	double		d2_b;			/* d(d2)/db */
	double		log_step[CNBD_MAX_K];	/* log((s + j) / (j + 1)), j < k - 1 */
	double		inv_s[CNBD_MAX_K];	/* 1 / (s + j), j < k - 1 */
} CnbdFrequency;

/* Fill the x-only terms of a customer with x repeat purchases (derivatives if asked) */
extern void CnbdFrequencyTerms(const CnbdParams *p, double x, bool with_derivatives,
							   CnbdFrequency *f);

/*
 * The log-likelihood of a customer (x, t_x, T) with the frequency terms f of
 * their x, without the term (k - 1) litt - x log((k - 1)!); log_u is log(T -
 * t_x) (ignored when T = t_x).  gradient (4 values: r, alpha, a, b) is filled
 * when not NULL.
 */
extern double CnbdTupleLogLikelihood(const CnbdParams *p, const CnbdFrequency *f,
									 double t_x, double T, double log_u, double *gradient);

/* P(alive at T) of a customer (x, t_x, T) */
extern double CnbdProbabilityAlive(const CnbdParams *p, double x, double t_x, double T);

/* Check for interrupts (or do nothing), called between many terms of a sum */
typedef void (*CnbdPoll) (void);

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T); x = t_x = T =
 * 0 is a new customer, E[X(t)].  Exact: the posterior mixture over the
 * customer's Erlang phase at T, the rate and the dropout probability, summed
 * term by term (at most CNBD_MAX_TERMS terms; false and *value NaN beyond).
 */
extern bool CnbdExpectedPurchases(const CnbdParams *p, double t, double x, double t_x,
								  double T, CnbdPoll poll, double *value);

/*
 * P(X(t) = n) of a new customer (n purchases in (0, t]); false (and NaN)
 * when the incomplete beta function does not converge
 */
extern bool CnbdPurchaseProbability(const CnbdParams *p, double n, double t, double *value);

#endif							/* CRM_CLV_CNBD_MATH_H */
