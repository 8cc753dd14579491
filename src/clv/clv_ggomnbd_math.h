/*
 * clv_ggomnbd_math.h
 *		The mathematics of the Gamma-Gompertz/NBD model (Bemmaor & Glady 2012):
 *		a customer's log-likelihood with its analytic gradient, P(alive),
 *		expected purchases and the discounted expected purchases of a customer
 *		alive at T, with the adaptive quadrature they rest on.
 *
 * Plain C99 with <math.h> only (no PostgreSQL headers), like numerics.h, so
 * that test/numerics/ can unit-test it outside the server.  Nothing raises
 * errors or allocates: every function reports failure through its return
 * value and the SQL-callable code (clv_ggomnbd.c) decides what to tell the
 * user.
 */
#ifndef CRM_CLV_GGOMNBD_MATH_H
#define CRM_CLV_GGOMNBD_MATH_H

#include <stdbool.h>

/* Number of parameters: r, alpha, b, s, beta */
#define GGOM_N_PARAMS 5

/*
 * Every integral is computed by adaptive Gauss-Kronrod (10/21 points) until
 * the sum over its segments of |K21 - G10| (an estimate of the error of
 * G10, so a very conservative one of that of K21, which is returned) is at
 * most GGOM_TOLERANCE times the integral of |integrand|: a relative error
 * bound of 1e-10 on each integral and on each gradient component.
 */
#define GGOM_TOLERANCE 1e-10

/* Most segments one integral is split into before it reports failure */
#define GGOM_MAX_SEGMENTS 200

/* The parameters of a GGom/NBD model, all > 0 */
typedef struct GgomParams
{
	double		r;				/* shape of the gamma mixing of purchase rates */
	double		alpha;			/* its scale, in the time unit */
	double		b;				/* Gompertz shape (1 / time unit); b -> 0
								 * with beta / b fixed is the Pareto/NBD */
	double		s;				/* shape of the gamma mixing of the Gompertz
								 * scale eta */
	double		beta;			/* its scale (a pure number) */
} GgomParams;

/* Why a computation failed */
typedef enum GgomStatus
{
	GGOM_OK = 0,				/* the result is valid */
	GGOM_NOT_CONVERGED,			/* a quadrature missed GGOM_TOLERANCE */
	GGOM_TOO_MANY_PERIODS		/* the discounted sum needs more periods
								 * than allowed */
} GgomStatus;

/*
 * The log-likelihood of one customer (x, t_x, T) and, if gradient is not
 * NULL, its derivatives in (r, alpha, b, s, beta).  False (and *ll NaN)
 * when the quadrature does not converge.
 */
extern bool GgomCustomerLogLikelihood(const GgomParams *p, double x, double t_x,
									  double T, double *ll, double *gradient);

/*
 * log of the odds that a customer (x, t_x, T) dropped out in (t_x, T]
 * rather than being alive at T: log(B / A) of the likelihood's two terms,
 * -inf when t_x = T.  False when the quadrature does not converge.
 */
extern bool GgomLogDropoutOdds(const GgomParams *p, double x, double t_x, double T,
							   double *log_odds);

/* P(alive at T | x, t_x, T) in [0, 1]; false when the quadrature fails */
extern bool GgomProbabilityAlive(const GgomParams *p, double x, double t_x, double T,
								 double *value);

/*
 * The expected time alive in (T + from, T + to] of a customer alive at T:
 * the integral of S(T + v) / S(T) over v in (from, to], S the gamma-mixed
 * Gompertz survival.  0 <= from <= to.  False when the quadrature fails.
 */
extern bool GgomResidualLifetime(const GgomParams *p, double T, double from, double to,
								 double *value);

/*
 * The discounted expected lifetime after T of a customer alive at T: the
 * integral over v > 0 of e^(-delta v) S(T + v) / S(T), for a continuous
 * discount rate delta > 0 (DERT's lifetime factor).  False when a
 * quadrature fails or the tail does not become negligible.
 */
extern bool GgomDiscountedResidualLifetime(const GgomParams *p, double T, double delta,
										   double *value);

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T) (conditional
 * expected transactions); x = t_x = T = 0 gives E[X(t)] of a new customer.
 * False when a quadrature fails; *value may be +inf for absurd inputs (the
 * caller checks).
 */
extern bool GgomExpectedPurchases(const GgomParams *p, double t, double x, double t_x,
								  double T, double *value);

/*
 * The expected purchases of a customer with x purchases and age T who is
 * alive at T, in each period k = 1..ceil(horizon) after T (period k is
 * (t_{k-1}, t_k], t_k = min(k, horizon)), discounted by (1 + rate)^t_k and
 * summed (crm.clv's convention, as for the other purchase models).  Stops
 * when the rest is below 1e-17 of the sum; fails with GGOM_TOO_MANY_PERIODS
 * when that needs more than max_periods periods.  poll, if not NULL, is
 * called once per period (the server checks for interrupts there).
 */
extern GgomStatus GgomDiscountedPurchasesIfAlive(const GgomParams *p, double x, double T,
												 double horizon, double rate,
												 double max_periods, void (*poll) (void),
												 double *value);

/*
 * Integrate the n <= 6 functions f fills at u over [from, to] by adaptive
 * Gauss-Kronrod (10/21 points) to GGOM_TOLERANCE: values gets the integrals,
 * magnitudes the integrals of their absolute values, *segments the number
 * of segments used.  f returns false to abort (then so does this).  False
 * when the tolerance is not met within GGOM_MAX_SEGMENTS segments.
 * Exposed for the unit tests.
 */
typedef bool (*GgomIntegrand) (double u, void *context, double *values);
extern bool GgomIntegrate(GgomIntegrand f, void *context, int n, double from, double to,
						  double *values, double *magnitudes, int *segments);

#endif							/* CRM_CLV_GGOMNBD_MATH_H */
