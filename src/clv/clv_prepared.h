/*
 * clv_prepared.h
 *		The prepared scorers of the model kinds that have them (the
 *		score_prepare, p_alive_prepared and expected_prepared operations of
 *		clv_ops.h), each in a file of its kind's: clv_bgnbd_score.c for the
 *		BG/NBD and MBG/NBD, clv_paretonbd_score.c for the Pareto/NBD.
 */
#ifndef CRM_CLV_PREPARED_H
#define CRM_CLV_PREPARED_H

#include "clv.h"

#include <math.h>

/*
 * sum_k coefficient[k] h^k for k < n (n >= 1): Horner's scheme on the even
 * and the odd coefficients at once, two chains of n / 2 multiply-adds in
 * h^2 that the processor runs side by side
 */
static inline float8
ClvPolynomial(const float8 *coefficient, int n, float8 h)
{
	float8		h2 = h * h;
	float8		even;
	float8		odd;
	int			k = n - 1;

	if (k & 1)
	{
		odd = coefficient[k];
		even = coefficient[k - 1];
		k -= 2;
	}
	else
	{
		even = coefficient[k];
		odd = 0;
		k -= 1;
	}
	/* k is the next odd index */
	for (; k > 0; k -= 2)
	{
		odd = odd * h2 + coefficient[k];
		even = even * h2 + coefficient[k - 1];
	}
	return even + h * odd;
}

/* BG/NBD and MBG/NBD (clv_bgnbd_score.c) */
extern void *PurchaseScorePrepare(const ClvModel *model, MemoryContext context);
extern float8 PurchasePAlivePrepared(void *prepared, const float8 *customer);
extern float8 PurchaseExpectedPrepared(void *prepared, float8 horizon, const float8 *customer);

/* Pareto/NBD (clv_paretonbd_score.c), sharing these with clv_paretonbd.c */
/* Stop the series S when its remaining tail is below this fraction of the sum */
#define PARETO_SERIES_TOLERANCE 1e-17
/* Most terms a per-frequency coefficient table keeps (longer series are summed directly) */
#define PARETO_TABLE_MAX_TERMS 65536
/*
 * Below this 1 - z, G(t) is integrated numerically rather than summed: its
 * series would need about 40 / (1 - z) terms, 20,000 and more
 */
#define PARETO_QUADRATURE_BELOW 2e-3
/* log G(t) and its gradient by quadrature (clv_paretonbd_integral.c) */
extern bool ParetoLogIntegralQuadrature(float8 r, float8 alpha, float8 s, float8 beta, float8 x,
										float8 t, float8 *log_g, float8 *d);
/* Below this |s - 1| the expectations use their limit at s = 1 */
#define PARETO_S_NEAR_ONE 1e-10

/*
 * (1 - (b / (b + t))^(s - 1)) / (s - 1): the expected lifetime in (0, t]
 * of a customer alive at the start whose dropout rate is Gamma(s, b),
 * divided by b; its limit log(1 + t/b) at s = 1
 */
static inline float8
ParetoScaledLifetime(float8 s, float8 b, float8 t)
{
	float8		log_ratio = -log1p(t / b);

	if (fabs(s - 1) < PARETO_S_NEAR_ONE)
		return -log_ratio;
	return -expm1((s - 1) * log_ratio) / (s - 1);
}

extern void *ParetoScorePrepare(const ClvModel *model, MemoryContext context);
extern float8 ParetoPAlivePrepared(void *prepared, const float8 *customer);
extern float8 ParetoExpectedPrepared(void *prepared, float8 horizon, const float8 *customer);

#endif							/* CRM_CLV_PREPARED_H */
