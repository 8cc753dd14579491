#!/usr/bin/python3
"""The peer of the CLV benchmark (test/bench/clv.sh).

A lifetimes-equivalent numpy/scipy implementation, since lifetimes itself is
not packaged in Debian and pip is not reachable.  It fits the BG/NBD, MBG/NBD,
Gamma-Gamma and Pareto/NBD models by maximum likelihood the way lifetimes
0.11 (BetaGeoFitter, ModifiedBetaGeoFitter, GammaGammaFitter,
ParetoNBDFitter) does (Pareto/NBD: see paretonbd_loglik and fit):

  * one row per customer (lifetimes' default, weights = 1), vectorized numpy
    log-likelihood with scipy.special.gammaln, the mean negative
    log-likelihood per customer as the objective;
  * minimized over the log-parameters with scipy.optimize.minimize, BFGS
    (lifetimes passes method=None, which is BFGS without bounds) with the
    gradient (lifetimes: autograd; here the same gradient written out with
    scipy.special.digamma), tol = 1e-7, starting at log-parameters 0.1;
  * the purchase models on time scaled so that the largest T is 10, alpha
    scaled back afterwards (lifetimes' _scale_time);
  * standard errors as lifetimes: params^2 * inv(Hessian of the objective in
    the log-parameters) / customers, the Hessian here by central differences
    of the gradient (lifetimes: autograd's exact Hessian).

The one deliberate difference: the two terms of the purchase likelihood are
added in log space (numpy.logaddexp).  lifetimes' BetaGeoFitter adds the
exponentials directly, which underflows to log(0) for customers with a few
hundred purchases; the synthetic base has such customers.

The timed part is the fit and its standard errors only (the arrays are
already in memory), the same work crm.bgnbd_fit etc. do after reading their
rows.

Usage:
  peer_clv.py fit INPUT.csv --dataset NAME --models bgnbd,mbgnbd,gammagamma
              --rep N [--warmup] --out PREFIX
      INPUT.csv: a header naming the columns x, t_x, t, monetary_value (others
      are ignored), then one row per customer.  Appends
      to PREFIX.times.tsv (dataset, name, rep, ms) and writes, on rep 1,
      PREFIX.params.tsv (dataset, model, parameter, estimate, std_error) and
      PREFIX.fits.tsv (dataset, model, customers, ll, iterations, converged).
  peer_clv.py generate OUTPUT.csv --customers N --seed S [--model paretonbd | paretonbd_cov]
      The synthetic customer base of the benchmark (see generate() and
      generate_paretonbd()).
  peer_clv.py score INPUT.csv --model bgnbd|paretonbd --params P1,P2,P3,P4
                --horizon H --rep N [--answers OUT.csv] --out PREFIX
      The scoring part of test/bench/score.sh: P(alive) and the expected
      purchases in (T, T + H] of every customer of INPUT.csv (a header
      naming the columns customer_id, x, t_x, t), the way lifetimes 0.11's
      BetaGeoFitter / ParetoNBDFitter compute conditional_probability_alive
      and conditional_expected_number_of_purchases_up_to_time (see the
      *_p_alive and *_conditional_expected functions): vectorized numpy,
      scipy.special.hyp2f1.  Each quantity is computed once untimed, then
      timed with perf_counter() (the arrays already in memory); appends
      "model, quantity, rep, ms" lines to PREFIX.times.tsv.  With --answers,
      writes customer_id, p_alive, expected per customer (repr: exact).
"""
import argparse
import os
import sys
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp
from scipy.special import digamma, expit, gammaln, hyp2f1

# ---------------------------------------------------------------------------
# Log-likelihoods with their gradients in the natural parameters
# ---------------------------------------------------------------------------


def bgnbd_loglik(params, x, t_x, T, with_gradient):
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6)."""
    r, alpha, a, b = params
    repeat = x > 0
    b_x1 = np.where(repeat, b + x - 1, b)          # lifetimes: max(x, 1) - 1
    log_age = np.log(alpha + T)
    log_tx = np.log(alpha + t_x)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * log_age
    a4 = np.where(repeat, np.log(a) - np.log(b_x1) - (r + x) * log_tx, -np.inf)
    both = np.logaddexp(a3, a4)
    ll = a1 + a2 + both
    if not with_gradient:
        return ll, None
    w4 = np.exp(a4 - both)                          # share of the second term
    w3 = 1 - w4
    psi_ab = digamma(a + b)
    psi_abx = digamma(a + b + x)
    g_r = digamma(r + x) - digamma(r) + np.log(alpha) - w3 * log_age - w4 * log_tx
    g_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 / (alpha + t_x))
    g_a = psi_ab - psi_abx + w4 / a
    g_b = psi_ab + digamma(b + x) - digamma(b) - psi_abx - w4 / b_x1
    return ll, (g_r, g_alpha, g_a, g_b)


def mbgnbd_loglik(params, x, t_x, T, with_gradient):
    """Per-customer MBG/NBD log-likelihood (Batislam et al. 2007)."""
    r, alpha, a, b = params
    log_age = np.log(alpha + T)
    log_tx = np.log(alpha + t_x)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    d1 = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1)
    t1 = d1 - (r + x) * log_age                     # alive at T
    t2 = d1 + np.log(a) - np.log(b + x) - (r + x) * log_tx   # dropped after t_x
    both = np.logaddexp(t1, t2)
    ll = a1 + both
    if not with_gradient:
        return ll, None
    w2 = np.exp(t2 - both)
    w1 = 1 - w2
    psi_ab = digamma(a + b)
    psi_abx1 = digamma(a + b + x + 1)
    g_r = digamma(r + x) - digamma(r) + np.log(alpha) - w1 * log_age - w2 * log_tx
    g_alpha = r / alpha - (r + x) * (w1 / (alpha + T) + w2 / (alpha + t_x))
    g_a = psi_ab - psi_abx1 + w2 / a
    g_b = psi_ab + digamma(b + x + 1) - digamma(b) - psi_abx1 - w2 / (b + x)
    return ll, (g_r, g_alpha, g_a, g_b)


def gammagamma_loglik(params, x, m, with_gradient):
    """Per-customer Gamma-Gamma log-likelihood (Fader & Hardie, note 025)."""
    p, q, v = params
    px = p * x
    log_xmv = np.log(x * m + v)
    ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v)
          + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * log_xmv)
    if not with_gradient:
        return ll, None
    psi_pxq = digamma(px + q)
    g_p = x * (psi_pxq - digamma(px) + np.log(m) + np.log(x) - log_xmv)
    g_q = psi_pxq - digamma(q) + np.log(v) - log_xmv
    g_v = q / v - (px + q) / (x * m + v)
    return ll, (g_p, g_q, g_v)


def _paretonbd_log_a0(params, x, t_x, T):
    """ParetoNBDFitter._log_A_0: log of the difference of the two 2F1 terms,
    each over its power, by logsumexp with signs (as lifetimes 0.11)."""
    r, alpha, s, beta = params
    if alpha < beta:
        min_ab, max_ab, t = alpha, beta, r + x
    else:
        min_ab, max_ab, t = beta, alpha, s + 1
    abs_ab = max_ab - min_ab
    rsx = r + s + x
    p_1 = hyp2f1(rsx, t, rsx + 1.0, abs_ab / (max_ab + t_x))
    q_1 = max_ab + t_x
    p_2 = hyp2f1(rsx, t, rsx + 1.0, abs_ab / (max_ab + T))
    q_2 = max_ab + T
    sign = np.ones(x.shape[0])
    return (logsumexp([np.log(p_1) + rsx * np.log(q_2), np.log(p_2) + rsx * np.log(q_1)],
                      axis=0, b=[sign, -sign]) - rsx * np.log(q_1 * q_2))


def paretonbd_loglik(params, x, t_x, T, with_gradient):
    """Per-customer Pareto/NBD log-likelihood as lifetimes 0.11 computes it.

    ParetoNBDFitter._log_A_0: the two 2F1 terms of A_0 (Fader & Hardie's
    note on the Pareto/NBD, with the alpha >= beta switch) evaluated with
    scipy.special.hyp2f1 and combined with logsumexp (_paretonbd_log_a0,
    shared with the scorers); no gradient (lifetimes
    fits this model with Nelder-Mead).
    """
    r, alpha, s, beta = params
    rsx = r + s + x
    log_a0 = _paretonbd_log_a0(params, x, t_x, T)
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    a2 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    a3 = np.log(s) - np.log(rsx) + log_a0
    return a1 + np.logaddexp(a2, a3), None


MODELS = {
    # name: (log-likelihood, parameter names, purchase model?)
    "bgnbd": (bgnbd_loglik, ["r", "alpha", "a", "b"], True),
    "mbgnbd": (mbgnbd_loglik, ["r", "alpha", "a", "b"], True),
    "gammagamma": (gammagamma_loglik, ["p", "q", "gamma"], False),
    "paretonbd": (paretonbd_loglik, ["r", "alpha", "s", "beta"], True),
}

# ---------------------------------------------------------------------------
# The fit, as lifetimes' BaseFitter._fit
# ---------------------------------------------------------------------------


def objective(log_params, loglik, data):
    """Mean negative log-likelihood and its gradient in the log-parameters."""
    params = np.exp(log_params)
    ll, grads = loglik(params, *data, True)
    n = ll.shape[0]
    value = -ll.sum() / n
    gradient = np.array([-g.sum() / n for g in grads]) * params
    if not np.isfinite(value):
        return np.inf, np.zeros_like(log_params)
    return value, gradient


def hessian(log_params, loglik, data, step=1e-5):
    """Hessian of the objective by central differences of its gradient."""
    k = len(log_params)
    h = np.empty((k, k))
    for i in range(k):
        e = np.zeros(k)
        e[i] = step
        h[i] = (objective(log_params + e, loglik, data)[1] -
                objective(log_params - e, loglik, data)[1]) / (2 * step)
    return (h + h.T) / 2


def mean_negative_loglik(log_params, loglik, data):
    """Mean negative log-likelihood (no gradient), +inf where undefined."""
    ll, _ = loglik(np.exp(log_params), *data, False)
    value = -ll.sum() / ll.shape[0]
    return value if np.isfinite(value) else np.inf


def hessian_of_values(log_params, loglik, data, step=1e-4):
    """Hessian of the objective by central differences of its values."""
    k = len(log_params)
    h = np.empty((k, k))
    f = lambda lp: mean_negative_loglik(lp, loglik, data)
    for i in range(k):
        for j in range(k):
            ei = np.zeros(k)
            ej = np.zeros(k)
            ei[i] = step
            ej[j] = step
            h[i, j] = (f(log_params + ei + ej) - f(log_params + ei - ej) -
                       f(log_params - ei + ej) + f(log_params - ei - ej)) / (4 * step * step)
    return (h + h.T) / 2


def fit(model, x, t_x, T, m):
    """Fit one model; returns (params, std_errors, iterations, converged)."""
    loglik, names, purchase = MODELS[model]
    if purchase:
        scale = 10.0 / T.max()                      # lifetimes' _scale_time
        data = (x, t_x * scale, T * scale)
    else:
        keep = x > 0                                # spend model: repeat buyers
        data = (x[keep], m[keep])
    if model == "paretonbd":
        # lifetimes 0.11 ParetoNBDFitter: Nelder-Mead, tol 1e-6, no gradient
        result = minimize(lambda lp: mean_negative_loglik(lp, loglik, data),
                          0.1 * np.ones(len(names)), method="Nelder-Mead", tol=1e-6,
                          options={"maxiter": 2000 * len(names)})
        h = hessian_of_values(result.x, loglik, data)
    else:
        result = minimize(objective, 0.1 * np.ones(len(names)), args=(loglik, data),
                          jac=True, method="BFGS", tol=1e-7)
        h = hessian(result.x, loglik, data)
    params = np.exp(result.x)
    n = data[0].shape[0]
    with np.errstate(invalid="ignore"):
        se = np.sqrt(params ** 2 * np.diag(np.linalg.inv(h)) / n)
    if purchase:
        params[1] /= scale                          # alpha back in the time unit
        se[1] /= scale
        if model == "paretonbd":
            params[3] /= scale                      # and beta
            se[3] /= scale
    return params, se, result.nit, bool(result.success)


def total_loglik(model, params, x, t_x, T, m):
    """Total log-likelihood at params in the original time unit."""
    loglik, _, purchase = MODELS[model]
    if purchase:
        return float(loglik(params, x, t_x, T, False)[0].sum())
    keep = x > 0
    return float(loglik(params, x[keep], m[keep], False)[0].sum())


def run_fit(args):
    # overflow and log(0) at trial points the line search rejects, as in lifetimes
    np.seterr(all="ignore")
    with open(args.input) as f:
        header = f.readline().strip().split(",")
    data = np.loadtxt(args.input, delimiter=",", skiprows=1, ndmin=2)
    x, t_x, T, m = (np.ascontiguousarray(data[:, header.index(name)])
                    for name in ("x", "t_x", "t", "monetary_value"))
    models = args.models.split(",")
    if args.warmup:                                 # first calls: numpy/scipy set-up
        for model in models:
            fit(model, x, t_x, T, m)
    with open(args.out + ".times.tsv", "a") as times:
        for i in range(len(models)):                # rotate the order per rep
            model = models[(args.rep - 1 + i) % len(models)]
            t0 = time.perf_counter()
            params, se, iterations, converged = fit(model, x, t_x, T, m)
            ms = (time.perf_counter() - t0) * 1000
            times.write(f"{args.dataset}\tpeer {model}\t{args.rep}\t{ms:.3f}\n")
            if args.rep == 1:
                names = MODELS[model][1]
                with open(args.out + ".params.tsv", "a") as out:
                    for name, est, err in zip(names, params, se):
                        out.write(f"{args.dataset}\t{model}\t{name}\t{est!r}\t{err!r}\n")
                n = int(x.shape[0] if MODELS[model][2] else (x > 0).sum())
                ll = total_loglik(model, params, x, t_x, T, m)
                with open(args.out + ".fits.tsv", "a") as out:
                    out.write(f"{args.dataset}\t{model}\t{n}\t{ll!r}\t{iterations}\t{converged}\n")

# ---------------------------------------------------------------------------
# Scoring, as lifetimes 0.11 computes it
# ---------------------------------------------------------------------------


def bgnbd_p_alive(params, x, t_x, T):
    """BetaGeoFitter.conditional_probability_alive: 1 for x = 0, else the
    logistic of minus the log odds of having dropped out after t_x."""
    r, alpha, a, b = params
    log_odds = (r + x) * np.log((alpha + T) / (alpha + t_x)) + np.log(a / (b + np.maximum(x, 1) - 1))
    return np.where(x == 0, 1.0, expit(-log_odds))


def bgnbd_conditional_expected(params, t, x, t_x, T):
    """BetaGeoFitter.conditional_expected_number_of_purchases_up_to_time:
    (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x;
    a+b+x-1; z)] over 1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x),
    z = t/(alpha+T+t); where log 2F1 is infinite, Euler's transformation
    (1-z)^(c-a-b) 2F1(c-a, c-b; c; z) instead (both always computed, as
    lifetimes does)."""
    r, alpha, a, b = params
    hyp_a = r + x
    hyp_b = b + x
    hyp_c = a + b + x - 1
    z = t / (alpha + T + t)
    log_hyp = np.log(hyp2f1(hyp_a, hyp_b, hyp_c, z))
    log_hyp_euler = (np.log(hyp2f1(hyp_c - hyp_a, hyp_c - hyp_b, hyp_c, z)) +
                     (hyp_c - hyp_a - hyp_b) * np.log(1 - z))
    log_hyp = np.where(np.isinf(log_hyp), log_hyp_euler, log_hyp)
    numerator = (a + b + x - 1) / (a - 1) * (
        1 - np.exp(log_hyp + (r + x) * np.log((alpha + T) / (alpha + t + T))))
    denominator = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + T) / (alpha + t_x)) ** (r + x)
    return numerator / denominator


def paretonbd_p_alive(params, x, t_x, T):
    """ParetoNBDFitter.conditional_probability_alive."""
    r, alpha, s, beta = params
    log_a0 = _paretonbd_log_a0(params, x, t_x, T)
    return 1.0 / (1.0 + np.exp(np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) +
                               s * np.log(beta + T) + log_a0))


def paretonbd_conditional_expected(params, t, x, t_x, T):
    """ParetoNBDFitter.conditional_expected_number_of_purchases_up_to_time:
    the likelihood's first term, over the customer's likelihood
    (_conditional_log_likelihood), times the rate and expected lifetime."""
    r, alpha, s, beta = params
    rsx = r + s + x
    a_1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    log_a0 = _paretonbd_log_a0(params, x, t_x, T)
    a_2 = np.logaddexp(-(r + x) * np.log(alpha + T) - s * np.log(beta + T),
                       np.log(s) + log_a0 - np.log(rsx))
    likelihood = a_1 + a_2
    first = (gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta) -
             (r + x) * np.log(alpha + T) - s * np.log(beta + T))
    second = np.log(r + x) + np.log(beta + T) - np.log(alpha + T)
    third = np.log((1 - ((beta + T) / (beta + T + t)) ** (s - 1)) / (s - 1))
    return np.exp(first + second + third - likelihood)


SCORERS = {
    # model: (P(alive), conditional expected purchases)
    "bgnbd": (bgnbd_p_alive, bgnbd_conditional_expected),
    "paretonbd": (paretonbd_p_alive, paretonbd_conditional_expected),
}


def load_customers(path):
    """customer_id, x, t_x, T of a CSV file with a header, through a .npy
    copy beside it (written on the first call: numpy parses 1M CSV rows in
    seconds, reads the binary copy in milliseconds)."""
    cache = path + ".npy"
    if os.path.exists(cache) and os.path.getmtime(cache) >= os.path.getmtime(path):
        data = np.load(cache)
    else:
        with open(path) as f:
            header = f.readline().strip().split(",")
        raw = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
        data = np.stack([raw[:, header.index(name)] for name in ("customer_id", "x", "t_x", "t")])
        np.save(cache, data)
    return (np.ascontiguousarray(row) for row in data)


def run_score(args):
    np.seterr(all="ignore")
    customer_id, x, t_x, T = load_customers(args.input)
    params = [float(v) for v in args.params.split(",")]
    p_alive, expected = SCORERS[args.model]
    quantities = [("p_alive", lambda: p_alive(params, x, t_x, T)),
                  ("expected", lambda: expected(params, args.horizon, x, t_x, T))]
    answers = {}
    with open(args.out + ".times.tsv", "a") as times:
        for i in range(len(quantities)):            # rotate the order per rep
            name, compute = quantities[(args.rep - 1 + i) % len(quantities)]
            compute()                               # untimed: first calls
            t0 = time.perf_counter()
            answers[name] = compute()
            ms = (time.perf_counter() - t0) * 1000
            times.write(f"{args.model}\t{name}\t{args.rep}\t{ms:.3f}\n")
    if args.answers:
        with open(args.answers, "w") as out:
            for i in range(x.shape[0]):
                out.write(f"{int(customer_id[i])},{answers['p_alive'][i]!r},{answers['expected'][i]!r}\n")

# ---------------------------------------------------------------------------
# The synthetic customer base
# ---------------------------------------------------------------------------

# The generating parameters: lifetimes' BG/NBD and Gamma-Gamma fits of CDNOW
# (weeks), rounded as published
TRUE_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
TRUE_GAMMAGAMMA = {"p": 6.25, "q": 3.74, "gamma": 15.44}
T_MIN, T_MAX = 39.0, 78.0


def generate(customers, seed):
    """Customers drawn from the BG/NBD and Gamma-Gamma models, in weeks.

    Each customer made a first purchase at time 0 and is observed until T,
    uniform on [39, 78) weeks (continuous, not rounded).  Purchase rate
    lambda ~ Gamma(shape r, rate alpha); dropout probability p ~ Beta(a, b).
    While alive, repeat purchases come as a Poisson process of rate lambda;
    after each repeat purchase the customer drops out with probability p.
    Drawn exactly without simulating each event: with N ~ Poisson(lambda T)
    the repeat purchases a never-dropping customer would make in (0, T] and
    D ~ Geometric(p) on 1, 2, ... the purchase after which the customer
    drops out, x = min(N, D), and given N the purchase times are N uniform
    order statistics on (0, T], so t_x, the x-th of them, is
    T * Beta(x, N - x + 1) (0 when x = 0).  Spend: nu ~ Gamma(q, rate
    gamma) per customer, each purchase ~ Gamma(p, rate nu), so the mean of
    the x repeat purchases is Gamma(p x, rate nu) / x (0 when x = 0).
    numpy's legacy RandomState, whose streams numpy keeps fixed, with a
    fixed seed: the same base on every run.
    """
    rng = np.random.RandomState(seed)
    g = TRUE_BGNBD
    T = rng.uniform(T_MIN, T_MAX, customers)
    lam = rng.gamma(g["r"], 1 / g["alpha"], customers)
    p = rng.beta(g["a"], g["b"], customers)
    p = np.maximum(p, np.finfo(float).tiny)
    n = rng.poisson(lam * T)
    d = rng.geometric(p)
    x = np.minimum(n, d)
    repeat = x > 0
    t_x = np.zeros(customers)
    t_x[repeat] = T[repeat] * rng.beta(x[repeat], n[repeat] - x[repeat] + 1)
    s = TRUE_GAMMAGAMMA
    nu = rng.gamma(s["q"], 1 / s["gamma"], customers)
    m = np.zeros(customers)
    m[repeat] = rng.gamma(s["p"] * x[repeat], 1 / nu[repeat]) / x[repeat]
    return x, t_x, T, m


# The generating parameters of the Pareto/NBD base: the published CDNOW
# estimates (Fader, Hardie & Lee 2005; weeks)
TRUE_PARETONBD = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}


def generate_paretonbd(customers, seed):
    """Customers drawn from the Pareto/NBD model, in weeks.

    First purchase at 0, observed until T uniform on [39, 78) weeks.
    Purchase rate lambda ~ Gamma(shape r, rate alpha), dropout rate mu ~
    Gamma(shape s, rate beta), lifetime tau ~ Exponential(mu); repeat
    purchases a Poisson process of rate lambda while alive.  Drawn exactly:
    with L = min(tau, T), x ~ Poisson(lambda L) and, given x, the purchase
    times are x uniform order statistics on (0, L], so t_x = L * Beta(x, 1)
    (0 when x = 0).  No spend (monetary_value 0).
    """
    rng = np.random.RandomState(seed)
    g = TRUE_PARETONBD
    T = rng.uniform(T_MIN, T_MAX, customers)
    lam = rng.gamma(g["r"], 1 / g["alpha"], customers)
    mu = rng.gamma(g["s"], 1 / g["beta"], customers)
    tau = rng.exponential(1 / np.maximum(mu, np.finfo(float).tiny))
    life = np.minimum(tau, T)
    x = rng.poisson(lam * life)
    repeat = x > 0
    t_x = np.zeros(customers)
    t_x[repeat] = life[repeat] * rng.beta(x[repeat], 1)
    return x, t_x, T, np.zeros(customers)


# The coefficients of the Pareto/NBD base with covariates: lifetime (g, a),
# transaction (g, c); g and c are 0/1 (g half the customers, c 40 %), a
# uniform on [-1, 1)
TRUE_PARETONBD_COV = {"life.g": -0.3, "life.a": 0.4, "trans.g": 0.3, "trans.c": -0.4}


def generate_paretonbd_cov(customers, seed):
    """Customers drawn from the Pareto/NBD with two static covariates per
    process (CLVTools' parameterization: alpha_i = alpha exp(-gamma_trans .
    z_trans), beta_i = beta exp(-gamma_life . z_life)), otherwise as
    generate_paretonbd; returns x, t_x, T and the covariates g, a, c."""
    rng = np.random.RandomState(seed)
    g = TRUE_PARETONBD
    k = TRUE_PARETONBD_COV
    T = rng.uniform(T_MIN, T_MAX, customers)
    zg = (rng.uniform(0, 1, customers) < 0.5).astype(float)
    za = rng.uniform(-1, 1, customers)
    zc = (rng.uniform(0, 1, customers) < 0.4).astype(float)
    alpha = g["alpha"] * np.exp(-(k["trans.g"] * zg + k["trans.c"] * zc))
    beta = g["beta"] * np.exp(-(k["life.g"] * zg + k["life.a"] * za))
    lam = rng.gamma(g["r"], 1 / alpha)
    mu = rng.gamma(g["s"], 1 / beta)
    tau = rng.exponential(1 / np.maximum(mu, np.finfo(float).tiny))
    life = np.minimum(tau, T)
    x = rng.poisson(lam * life)
    repeat = x > 0
    t_x = np.zeros(customers)
    t_x[repeat] = life[repeat] * rng.beta(x[repeat], 1)
    return x, t_x, T, zg, za, zc


def run_generate(args):
    if args.model == "paretonbd_cov":
        x, t_x, T, zg, za, zc = generate_paretonbd_cov(args.customers, args.seed)
        with open(args.output, "w") as out:
            out.write("customer_id,x,t_x,t,g,a,c\n")
            for i in range(x.shape[0]):
                out.write(f"{i + 1},{x[i]},{t_x[i]!r},{T[i]!r},{zg[i]!r},{za[i]!r},{zc[i]!r}\n")
        return
    if args.model == "paretonbd":
        x, t_x, T, m = generate_paretonbd(args.customers, args.seed)
    else:
        x, t_x, T, m = generate(args.customers, args.seed)
    with open(args.output, "w") as out:
        out.write("customer_id,x,t_x,t,monetary_value\n")
        for i in range(x.shape[0]):
            out.write(f"{i + 1},{x[i]},{t_x[i]!r},{T[i]!r},{m[i]!r}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("fit")
    f.add_argument("input")
    f.add_argument("--dataset", required=True)
    f.add_argument("--models", default="bgnbd,mbgnbd,gammagamma")
    f.add_argument("--rep", type=int, default=1)
    f.add_argument("--warmup", action="store_true")
    f.add_argument("--out", required=True)
    g = sub.add_parser("generate")
    g.add_argument("output")
    g.add_argument("--customers", type=int, required=True)
    g.add_argument("--seed", type=int, required=True)
    g.add_argument("--model", choices=["bgnbd", "paretonbd", "paretonbd_cov"], default="bgnbd")
    c = sub.add_parser("score")
    c.add_argument("input")
    c.add_argument("--model", choices=sorted(SCORERS), required=True)
    c.add_argument("--params", required=True)
    c.add_argument("--horizon", type=float, required=True)
    c.add_argument("--rep", type=int, default=1)
    c.add_argument("--answers")
    c.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "fit":
        run_fit(args)
    elif args.command == "score":
        run_score(args)
    else:
        run_generate(args)


if __name__ == "__main__":
    sys.exit(main())
