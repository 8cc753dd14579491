/*
 * clv_cnbd_math.c
 *		The mathematics of the BG/CNBD-k and MBG/CNBD-k models (see
 *		clv_cnbd_math.h): plain C, unit-tested outside the server by
 *		test/numerics/test_cnbd.c.
 *
 * A customer (x, t_x, T) with rate lambda and dropout probability p, u = T -
 * t_x, delta = 1 for the MBG (0 for the BG), has the likelihood (the
 * constant prod(t_i^(k-1)) / ((k-1)!)^x left out)
 *
 *	 lambda^(kx) e^(-lambda t_x) [ (1-p)^(x+delta) e^(-lambda u)
 *		 sum_{j<k} (lambda u)^j / j!  +  [MBG or x > 0] p (1-p)^(x-1+delta) ]
 *
 * (alive at T, with j of the k stages of the next inter-purchase time
 * done; or dropped out at the last purchase).  Over lambda ~ Gamma(r,
 * alpha) and p ~ Beta(a, b), with s = r + k x:
 *
 *	 L = G(s) a^r / G(r) [ B(a, b+x+delta)/B(a,b) sum_j G(s+j)/G(s) u^j /
 *		 (j! (alpha+T)^(s+j))  +  B(a+1, b+x-1+delta)/B(a,b) / (alpha+t_x)^s ]
 *
 * which is Platzer & Reutterer's likelihood (and BTYDplus's xbgcnbd.LL); at
 * k = 1 it is the BG/NBD's (MBG/NBD's).  Everything is summed in log space.
 *
 * Expectations.  Given alive at T in phase j, the posterior is lambda ~
 * Gamma(s + j, alpha + T) and p ~ Beta(a, b'), b' = b + x + delta,
 * independent; the stages completed in (T, T + t] are then negative
 * binomial, N ~ NB(s + j, q), q = (alpha + T) / (alpha + T + t), and the
 * m-th future purchase happens iff j + N >= m k and counts iff the customer
 * survived the m - 1 dropout chances before it:
 *
 *	 E[X | alive, j] = sum_n P(N = n) C(floor((n + j) / k)),
 *	 C(M) = sum_{m=1..M} E[(1-p)^(m-1)] = sum_{m=1..M} B(a, b'+m-1)/B(a, b')
 *
 * and E = P(alive) sum_j P(j | alive) E[X | alive, j].  All terms are
 * positive (no cancellation); the sum runs from n = 0 with the NB
 * probabilities by their recurrence, normalized at the end, until the terms
 * are negligible past the mode.  At k = 1 this is the BG/NBD's
 * hypergeometric expectation; BTYDplus instead approximates the CNBD-k's
 * conditional expectation by the BG/NBD's with alpha scaled by k.
 */
#include "clv_cnbd_math.h"
#include "numerics.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* Terms between calls of the poll callback */
#define POLL_INTERVAL 1048576
/* Rescale the running sums when a term grows beyond this */
#define RESCALE_ABOVE 1e250
/* ... by this power of two (exact) */
#define RESCALE_BITS (-800)
/* A term below this fraction of its sum is negligible */
#define NEGLIGIBLE 1e-17

/* log(exp(a) + exp(b)) without overflow, with the share of exp(a) in the sum */
static double
LogSumExp2(double a, double b, double *share_a)
{
	double		hi = a > b ? a : b;
	double		e = exp(-fabs(a - b));

	if (isinf(b) && b < 0)
	{
		*share_a = 1;
		return a;
	}
	*share_a = a >= b ? 1 / (1 + e) : e / (1 + e);
	return hi + log1p(e);
}

/* Fill the x-only terms of a customer with x repeat purchases (derivatives if asked) */
void
CnbdFrequencyTerms(const CnbdParams *p, double x, bool with_derivatives, CnbdFrequency *f)
{
	double		delta = p->mbg ? 1 : 0;
	double		kx = p->k * x;

	memset(f, 0, offsetof(CnbdFrequency, log_step));
	f->x = x;
	f->s = p->r + kx;
	f->c = LogGammaRatio(p->r, kx) + p->r * log(p->alpha);
	f->d1 = LogBetaRatio(p->a, p->b, 0, x + delta);
	f->has_d2 = p->mbg || x > 0;
	/* b + (x - 1 + delta) >= b */
	if (f->has_d2)
		f->d2 = LogBetaRatio(p->a, p->b, 1, x - 1 + delta);
	for (int j = 0; j < p->k - 1; j++)
	{
		f->log_step[j] = log((f->s + j) / (j + 1));
		f->inv_s[j] = 1 / (f->s + j);
	}
	if (with_derivatives)
	{
		double		psi_ab = Digamma(p->a + p->b);
		double		psi_abx = Digamma(p->a + p->b + x + delta);
		double		psi_b = Digamma(p->b);

		f->c_r = (kx > 0 ? Digamma(f->s) - Digamma(p->r) : 0) + log(p->alpha);
		f->d1_a = psi_ab - psi_abx;
		f->d1_b = Digamma(p->b + x + delta) - psi_b + psi_ab - psi_abx;
		if (f->has_d2)
		{
			f->d2_a = 1 / p->a + psi_ab - psi_abx;
			f->d2_b = Digamma(p->b + (x - 1 + delta)) - psi_b + psi_ab - psi_abx;
		}
	}
}

/*
 * log of the "alive at T" sum over the phases, sum_j G(s+j)/G(s) u^j / (j!
 * (alpha+T)^(s+j)), and (when shares is not NULL) each phase's share of it;
 * with derivatives in r and alpha when d_r is not NULL
 */
static double
AliveTerm(const CnbdParams *p, const CnbdFrequency *f, double T, double log_u, bool has_u,
		  double *shares, double *d_r, double *d_alpha)
{
	double		log_age = log(p->alpha + T);
	double		terms[CNBD_MAX_K];
	int			n = has_u ? p->k : 1;
	double		hi;
	double		sum = 0;
	double		result;

	terms[0] = -f->s * log_age;
	hi = terms[0];
	for (int j = 1; j < n; j++)
	{
		terms[j] = terms[j - 1] + f->log_step[j - 1] + log_u - log_age;
		if (terms[j] > hi)
			hi = terms[j];
	}
	for (int j = 0; j < n; j++)
	{
		terms[j] = exp(terms[j] - hi);
		sum += terms[j];
	}
	result = hi + log(sum);
	if (shares != NULL || d_r != NULL)
	{
		double		harmonic = 0;	/* sum_{i<j} 1/(s+i) */
		double		e_r = 0;
		double		e_j = 0;

		for (int j = 0; j < n; j++)
		{
			double		share = terms[j] / sum;

			if (shares != NULL)
				shares[j] = share;
			if (j > 0)
				harmonic += f->inv_s[j - 1];
			e_r += share * harmonic;
			e_j += share * j;
		}
		for (int j = n; shares != NULL && j < p->k; j++)
			shares[j] = 0;
		if (d_r != NULL)
		{
			*d_r = e_r - log_age;
			*d_alpha = -(f->s + e_j) / (p->alpha + T);
		}
	}
	return result;
}

/*
 * The log-likelihood of a customer (x, t_x, T) with the frequency terms f,
 * without the litt term; gradient (r, alpha, a, b) filled when not NULL
 */
double
CnbdTupleLogLikelihood(const CnbdParams *p, const CnbdFrequency *f, double t_x, double T,
					   double log_u, double *gradient)
{
	double		l1_r = 0,
				l1_alpha = 0;
	double		t1 = f->d1 + AliveTerm(p, f, T, log_u, T > t_x, NULL,
									   gradient ? &l1_r : NULL, &l1_alpha);
	double		t2 = -INFINITY;
	double		log_tx = 0;
	double		share1;
	double		ll;

	if (f->has_d2)
	{
		log_tx = log(p->alpha + t_x);
		t2 = f->d2 - f->s * log_tx;
	}
	ll = f->c + LogSumExp2(t1, t2, &share1);
	if (gradient != NULL)
	{
		double		share2 = 1 - share1;

		gradient[0] = f->c_r + share1 * l1_r + share2 * (f->has_d2 ? -log_tx : 0);
		gradient[1] = p->r / p->alpha + share1 * l1_alpha +
			share2 * (f->has_d2 ? -f->s / (p->alpha + t_x) : 0);
		gradient[2] = share1 * f->d1_a + share2 * f->d2_a;
		gradient[3] = share1 * f->d1_b + share2 * f->d2_b;
	}
	return ll;
}

/* log(T - t_x), or 0 when T = t_x (then unused) */
static double
LogGap(double t_x, double T)
{
	return T > t_x ? log(T - t_x) : 0;
}

/*
 * P(alive at T) of a customer (x, t_x, T), and each phase's posterior
 * share given alive (when shares is not NULL)
 */
static double
AliveAndPhases(const CnbdParams *p, double x, double t_x, double T, double *shares)
{
	CnbdFrequency f;
	double		t1;
	double		t2;
	double		log_odds;

	CnbdFrequencyTerms(p, x, false, &f);
	t1 = f.d1 + AliveTerm(p, &f, T, LogGap(t_x, T), T > t_x, shares, NULL, NULL);
	if (!f.has_d2)
		return 1;
	t2 = f.d2 - f.s * log(p->alpha + t_x);
	log_odds = t2 - t1;
	/* 1 / (1 + exp(log_odds)) without overflow */
	if (log_odds > 0)
		return exp(-log_odds) / (1 + exp(-log_odds));
	return 1 / (1 + exp(log_odds));
}

/* P(alive at T) of a customer (x, t_x, T) */
double
CnbdProbabilityAlive(const CnbdParams *p, double x, double t_x, double T)
{
	return AliveAndPhases(p, x, t_x, T, NULL);
}

/*
 * E[purchases in (T, T + t] | alive at T in phase j]: sum over n of P(N = n)
 * C(floor((n + j) / k)), N ~ NB(s_j, q) (see the top of the file), b1 = b'.
 * Uses at most *budget terms (decremented); false when it would need more.
 */
static bool
PhaseExpectation(const CnbdParams *p, double s_j, int j, double scale, double t, double b1,
				 CnbdPoll poll, int64_t *budget, double *value)
{
	double		w = t / (scale + t);	/* 1 - q */
	double		ratio = t / scale;
	double		mean = s_j * ratio;
	double		sd = sqrt(s_j * ratio * (1 + ratio));
	double		mode = s_j > 1 ? floor((s_j - 1) * ratio) : 0;
	/* the terms fall at last like (1 - q)^n: 1e-17 after 40 / -log(1 - q) of them */
	double		needed = mean + 40 * sd + 40 / log1p(scale / t) + 2.0 * p->k + 64;
	double		term = 1;		/* P(N = n), up to a common factor */
	double		total = 0;		/* sum of the terms */
	double		weighted = 0;	/* sum of the terms times C */
	double		cumulative = 0; /* C(m) */
	double		next = 1;		/* E[(1-p)^m] / ... = c_(m+1) */
	int64_t		m = 0;
	int64_t		n;

	*value = 0;
	if (t == 0)
		return true;
	if (!(needed <= (double) *budget))
		return false;
	for (n = 0;; n++)
	{
		int64_t		m_n = (n + j) / p->k;

		while (m < m_n)
		{
			m++;
			cumulative += next;
			next *= (b1 + (double) (m - 1)) / (p->a + b1 + (double) (m - 1));
		}
		total += term;
		weighted += term * cumulative;
		if (n >= mode && n >= p->k && term <= NEGLIGIBLE * total &&
			term * cumulative <= NEGLIGIBLE * weighted)
			break;
		if ((double) n >= needed)
			return false;
		term *= (s_j + (double) n) / (double) (n + 1) * w;
		if (term > RESCALE_ABOVE)
		{
			term = ldexp(term, RESCALE_BITS);
			total = ldexp(total, RESCALE_BITS);
			weighted = ldexp(weighted, RESCALE_BITS);
		}
		if (poll != NULL && n % POLL_INTERVAL == POLL_INTERVAL - 1)
			poll();
	}
	*budget -= n + 1;
	*value = weighted / total;
	return true;
}

/*
 * Expected purchases in (T, T + t] of a customer (x, t_x, T) (x = t_x = T = 0:
 * a new customer); false (and NaN) beyond CNBD_MAX_TERMS terms
 */
bool
CnbdExpectedPurchases(const CnbdParams *p, double t, double x, double t_x, double T,
					  CnbdPoll poll, double *value)
{
	double		shares[CNBD_MAX_K];
	double		alive = AliveAndPhases(p, x, t_x, T, shares);
	double		s = p->r + p->k * x;
	double		b1 = p->b + x + (p->mbg ? 1 : 0);
	int64_t		budget = CNBD_MAX_TERMS;
	double		sum = 0;

	*value = 0;
	if (t == 0)
		return true;
	/* a new customer is alive at 0 in phase 0 (with the MBG's dropout at 0 in alive) */
	for (int j = 0; j < p->k; j++)
	{
		double		e;

		if (shares[j] == 0)
			continue;
		if (!PhaseExpectation(p, s + j, j, p->alpha + T, t, b1, poll, &budget, &e))
		{
			*value = NAN;
			return false;
		}
		sum += shares[j] * e;
	}
	*value = alive * sum;
	return true;
}

/*
 * P(X(t) = n) of a new customer: with N ~ NB(r, alpha / (alpha + t)) the
 * stages completed in (0, t], the customer makes n purchases alive
 * throughout (n k <= N < (n + 1) k, beta term of n survived chances) or
 * drops out at the n-th (N >= n k, beta term of the dropout there)
 */
bool
CnbdPurchaseProbability(const CnbdParams *p, double n, double t, double *value)
{
	double		delta = p->mbg ? 1 : 0;
	double		w = t / (p->alpha + t);
	double		log_p0 = -log1p(t / p->alpha);	/* log(alpha / (alpha + t)) */
	double		nk = n * p->k;
	double		first = 0;
	double		tail = 1;
	double		log_term;
	double		term;

	*value = NAN;
	if (t == 0)
	{
		/* nobody purchases in (0, 0]; n = 0 whether alive or not */
		*value = n == 0 ? 1 : 0;
		return true;
	}
	/* P(N = i) for i = n k .. n k + k - 1 by the NB recurrence */
	log_term = LogGammaRatio(p->r, nk) - lgamma(nk + 1) + p->r * log_p0 +
		(nk > 0 ? nk * log(w) : 0);
	term = exp(log_term);
	for (int i = 0; i < p->k; i++)
	{
		first += term;
		term *= (p->r + nk + i) / (nk + i + 1) * w;
	}
	first *= exp(LogBetaRatio(p->a, p->b, 0, n + delta));
	if (!p->mbg && n == 0)
	{
		*value = fmin(1, first);
		return true;
	}
	/* P(N >= n k) = I_w(n k, r) */
	if (nk > 0 && !RegularizedBeta(nk, p->r, w, p->alpha / (p->alpha + t), &tail))
		return false;
	*value = first + exp(LogBetaRatio(p->a, p->b, 1, n - 1 + delta)) * tail;
	if (*value > 1)
		*value = 1;
	return true;
}
