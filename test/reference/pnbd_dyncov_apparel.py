#!/usr/bin/python3
"""An independent reference fit of the Pareto/NBD with time-varying
covariates (Bachmann, Meierer & Naef 2021) on CLVTools' apparel data, for
test clv_dyncov.

Independent of crm: the customers are built here from apparelTrans.csv
(weeks, purchases on one day merged, calibration to 2006-12-31 inclusive, T
from the first purchase to that day) and apparelDynCov.csv (High.Season,
Gender, Channel per customer and week, weeks starting on the Cov.Date
Sundays), with Gender and Channel on the lifetime and High.Season, Gender
and Channel on the transactions.  A customer's
purchase rate is lambda exp(g_trans . z(u)) and dropout hazard mu
exp(g_life . z(u)), lambda ~ Gamma(r, alpha), mu ~ Gamma(s, beta), so with
A(u), B(u) the integrals of those exponentials

    L = Gamma(r+x)/Gamma(r) alpha^r beta^s exp(g_trans . sum of z at the
        weeks of the repeat purchases) [ (alpha+A(T))^-(r+x) (beta+B(T))^-s
        + s sum over weeks of int e_life (alpha+A)^-(r+x) (beta+B)^-(s+1) du ]

where, unlike crm (Gauss-Legendre quadrature over runs of constant
covariates), each week's integral after t_x is the closed form the paper
uses: with w = alpha + A(u) (slope e_t) and beta + B(u) = K + c w (c =
e_l / e_t), int = c^(1-q) [G(1/w0) - G(1/w1)], G(V) = V^n / n
2F1(q, n; n+1; -(K/c) V), q = s+1, n = r+x+s (scipy.special.hyp2f1).  The
fit is scipy's BFGS on (log r, log alpha, log s, log beta, g_life, g_trans)
with numerical gradients, from r = s = 1, alpha = beta = 10 and
coefficients 0; standard errors from a central-difference Hessian of the
log-likelihood and the delta method.

Usage: test/reference/pnbd_dyncov_apparel.py [DATA_DIR]  (default
../shared/data); prints one "parameter estimate std_error" line each, then
"loglik <value>".
"""
import csv
import datetime
import math
import sys

import numpy as np
from scipy import optimize, special

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
SPLIT = datetime.date(2006, 12, 31)
NAMES = ["High.Season", "Gender", "Channel"]
# the covariates of each process (columns of NAMES): High.Season on the
# transactions only (on the lifetime its coefficient has no finite estimate)
LIFE = [1, 2]
TRANS = [0, 1, 2]


def customers():
    """Per customer: x, T, t_x, the covariate sum at repeat purchases, and
    per week overlapping (0, T]: start, end (customer weeks), covariates"""
    days = {}
    with open(DATA + "/CLVTools/apparelTrans.csv") as f:
        for row in csv.DictReader(f):
            d = datetime.date.fromisoformat(row["Date"])
            if d <= SPLIT:
                days.setdefault(int(row["Id"]), set()).add(d)
    weeks = {}
    with open(DATA + "/CLVTools/apparelDynCov.csv") as f:
        for row in csv.DictReader(f):
            weeks.setdefault(int(row["Id"]), {})[datetime.date.fromisoformat(row["Cov.Date"])] = \
                np.array([float(row[n]) for n in NAMES])
    out = []
    for cid in sorted(days):
        cal = sorted(days[cid])
        first = cal[0]
        x = len(cal) - 1
        T = (SPLIT - first).days / 7.0
        t_x = (cal[-1] - first).days / 7.0
        cw = weeks[cid]

        def week_of(d):
            return d - datetime.timedelta(days=(d.weekday() + 1) % 7)

        zsum = sum((cw[week_of(d)] for d in cal[1:]), np.zeros(3))
        seg = []
        ws = week_of(first)
        while (ws - first).days / 7.0 < T:
            s0 = max(0.0, (ws - first).days / 7.0)
            s1 = min(T, (ws - first).days / 7.0 + 1.0)
            seg.append((s0, s1, cw[ws]))
            ws += datetime.timedelta(days=7)
        out.append((x, t_x, T, zsum, seg))
    return out


def flatten(cs):
    """Arrays over all customers' weeks (with the customer's index)"""
    idx, s0, s1, z = [], [], [], []
    for i, (x, t_x, T, zsum, seg) in enumerate(cs):
        for a, b, zz in seg:
            idx.append(i)
            s0.append(a)
            s1.append(b)
            z.append(zz)
    return (np.array(idx), np.array(s0), np.array(s1), np.array(z),
            np.array([c[0] for c in cs]), np.array([c[1] for c in cs]),
            np.array([c[2] for c in cs]), np.array([c[3] for c in cs]))


def loglik_customers(theta, flat):
    idx, s0, s1, z, x, t_x, T, zsum = flat
    r, alpha, s, beta = np.exp(theta[:4])
    gl, gt = theta[4:4 + len(LIFE)], theta[4 + len(LIFE):]
    el = np.exp(z[:, LIFE] @ gl)
    et = np.exp(z[:, TRANS] @ gt)
    ln = s1 - s0
    n_c = len(x)
    # A and B at the start of each week, per customer
    inc_a = et * ln
    inc_b = el * ln
    cum_a = np.cumsum(inc_a)
    cum_b = np.cumsum(inc_b)
    starts = np.r_[0, np.flatnonzero(np.diff(idx)) + 1]
    base_a = np.repeat(cum_a[starts] - inc_a[starts], np.diff(np.r_[starts, len(idx)]))
    base_b = np.repeat(cum_b[starts] - inc_b[starts], np.diff(np.r_[starts, len(idx)]))
    A0 = cum_a - inc_a - base_a
    B0 = cum_b - inc_b - base_b
    AT = np.add.reduceat(inc_a, starts)
    BT = np.add.reduceat(inc_b, starts)
    p = r + x[idx]
    q = s + 1
    n = p + q - 1
    # the part of each week after t_x
    a = np.maximum(s0, t_x[idx])
    use = s1 > a
    w0 = alpha + A0 + et * (a - s0)
    w1 = alpha + A0 + et * (s1 - s0)
    y0 = beta + B0 + el * (a - s0)
    c = el / et
    K = y0 - c * w0
    F0 = special.hyp2f1(q, n, n + 1, -(K / c) / w0)
    F1 = special.hyp2f1(q, n, n + 1, -(K / c) / w1)
    diff = F0 - np.exp(n * np.log(w0 / w1)) * F1
    with np.errstate(divide="ignore", invalid="ignore"):
        log_int = (1 - q) * np.log(c) - n * np.log(w0) - np.log(n) + np.log(np.where(use, diff, 1.0))
    log_int = np.where(use & (diff > 0), log_int, -np.inf)
    log_alive = -(r + x) * np.log(alpha + AT) - s * np.log(beta + BT)
    # per customer: log(alive + s sum of the weeks' integrals)
    m = np.maximum(np.maximum.reduceat(np.where(np.isfinite(log_int), log_int, -1e300), starts), log_alive)
    tot = np.exp(log_alive - m) + s * np.add.reduceat(np.exp(log_int - m[idx]), starts)
    return (special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha) + s * math.log(beta)
            + zsum[:, TRANS] @ gt + m + np.log(tot))


def main():
    flat = flatten(customers())
    f = lambda th: -np.sum(loglik_customers(th, flat)) / len(flat[4])
    th0 = np.array([0.0, math.log(10), 0.0, math.log(10)] + [0.0] * (len(LIFE) + len(TRANS)))
    res = optimize.minimize(f, th0, method="BFGS", options={"gtol": 1e-9, "maxiter": 2000})
    res = optimize.minimize(f, res.x, method="BFGS", options={"gtol": 1e-10, "maxiter": 2000})
    th = res.x
    ll = -res.fun * len(flat[4])
    # Hessian of -ll by central differences
    k = len(th)
    H = np.zeros((k, k))
    h = 1e-4
    F = lambda t: -np.sum(loglik_customers(t, flat))
    for i in range(k):
        for j in range(i, k):
            ei = np.eye(k)[i] * h
            ej = np.eye(k)[j] * h
            H[i, j] = H[j, i] = (F(th + ei + ej) - F(th + ei - ej) - F(th - ei + ej) + F(th - ei - ej)) / (4 * h * h)
    cov = np.linalg.inv(H)
    names = (["r", "alpha", "s", "beta"] + ["life." + NAMES[j] for j in LIFE]
             + ["trans." + NAMES[j] for j in TRANS])
    for i, name in enumerate(names):
        if i < 4:
            est = math.exp(th[i])
            se = est * math.sqrt(cov[i, i])
        else:
            est = th[i]
            se = math.sqrt(cov[i, i])
        print(f"{name} {est:.8g} {se:.6g}")
    print(f"loglik {ll:.10g}")


if __name__ == "__main__":
    main()
