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

/* Pareto/NBD (clv_paretonbd_score.c) */
extern void *ParetoScorePrepare(const ClvModel *model, MemoryContext context);
extern float8 ParetoPAlivePrepared(void *prepared, const float8 *customer);
extern float8 ParetoExpectedPrepared(void *prepared, float8 horizon, const float8 *customer);

#endif							/* CRM_CLV_PREPARED_H */
