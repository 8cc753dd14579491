#!/usr/bin/python3
"""An independent reference for the Pareto/NBD's P(X(t) = n), for test
clv_pmf.

Independent of crm's series (src/clv/clv_pmf.c): the defining mixture

    P(X(t) = n) = NBD(n; t) (beta / (beta + t))^s
                + integral_0^t NBD(n; tau) (s / beta) (beta / (beta + tau))^(s+1) dtau,
    NBD(n; tau) = Gamma(r + n) / (Gamma(r) n!) (alpha / (alpha + tau))^r (tau / (alpha + tau))^n

(a customer alive throughout (0, t], or dying at tau, with Poisson
purchases at a gamma-mixed rate and an exponential lifetime at a
gamma-mixed rate) evaluated with mpmath at 30 significant digits, the
integral by mpmath.quad (tanh-sinh).  Parameters: the CDNOW Pareto/NBD
estimates (r 0.55, alpha 10.58, s 0.61, beta 11.67, Fader, Hardie & Lee
2005), one with alpha < beta, and two where crm integrates by quadrature
(beta far below alpha, beta far above).

Usage: test/reference/pnbd_pmf.py; prints "r alpha s beta t n P" lines.
"""
import mpmath

mpmath.mp.dps = 30


def pmf(r, alpha, s, beta, t, n):
    """P(X(t) = n) of the Pareto/NBD by the mixture integral"""
    r, alpha, s, beta, t = (mpmath.mpf(v) for v in (r, alpha, s, beta, t))

    def nbd(tau):
        if tau == 0:
            return mpmath.mpf(1) if n == 0 else mpmath.mpf(0)
        return (mpmath.gamma(r + n) / (mpmath.gamma(r) * mpmath.factorial(n))
                * (alpha / (alpha + tau)) ** r * (tau / (alpha + tau)) ** n)

    alive = nbd(t) * (beta / (beta + t)) ** s
    dead = mpmath.quad(lambda tau: nbd(tau) * s / beta * (beta / (beta + tau)) ** (s + 1), [0, t / 4, t])
    return alive + dead


for params in ((0.55, 10.58, 0.61, 11.67), (2, 3, 1.5, 30), (0.55, 10.58, 0.61, 0.001), (2, 3, 1.5, 3000)):
    for t in (1, 39, 78):
        for n in (0, 1, 2, 5, 20):
            print(*params, t, n, mpmath.nstr(pmf(*params, t, n), 17))
