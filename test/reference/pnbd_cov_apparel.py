#!/usr/bin/python3
"""An independent reference fit of the Pareto/NBD with static covariates on
CLVTools' apparel data, for test clv_covariates.

Independent of crm: the customer summaries are built here from
apparelTrans.csv (weeks, purchases on one day merged, calibration to
2006-12-31 inclusive, T from the first purchase to that day), and the
likelihood is Fader & Hardie's integral form

    L = Gamma(r+x) alpha^r beta^s / Gamma(r) * [ (alpha+T)^-(r+x) (beta+T)^-s
        + s * integral from t_x to T of (alpha+u)^-(r+x) (beta+u)^-(s+1) du ]

with the integral by scipy.integrate.quad (crm uses a transformed
hypergeometric series instead) and CLVTools' parameterization alpha_i =
alpha exp(-gamma_trans . z_trans), beta_i = beta exp(-gamma_life . z_life),
Gender and Channel on both processes.  The fit is scipy's BFGS on (log r,
log alpha, log s, log beta, gammas) with numerical gradients, from r = s =
alpha = beta = 1 and gammas 0; standard errors from a central-difference
Hessian of the log-likelihood and the delta method.

Usage: test/reference/pnbd_cov_apparel.py [DATA_DIR]  (default
../shared/data); prints one "parameter estimate std_error" line each.
"""
import csv
import datetime
import math
import sys

import numpy as np
from scipy import integrate, optimize, special

DATA = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
SPLIT = datetime.date(2006, 12, 31)


def summaries():
    """x, t_x, T (weeks) and the covariates of each customer, by id"""
    days = {}
    with open(DATA + "/CLVTools/apparelTrans.csv") as f:
        for row in csv.DictReader(f):
            d = datetime.date.fromisoformat(row["Date"])
            days.setdefault(int(row["Id"]), set()).add(d)
    cov = {}
    with open(DATA + "/CLVTools/apparelStaticCov.csv") as f:
        for row in csv.DictReader(f):
            cov[int(row["Id"])] = (float(row["Gender"]), float(row["Channel"]))
    out = []
    for cid in sorted(days):
        cal = sorted(d for d in days[cid] if d <= SPLIT)
        if not cal:
            continue
        first = cal[0]
        x = len(cal) - 1
        t_x = (cal[-1] - first).days / 7.0
        T = (SPLIT - first).days / 7.0
        out.append((x, t_x, T) + cov[cid])
    return np.array(out)


def loglik(theta, data):
    r, alpha0, s, beta0 = np.exp(theta[:4])
    g_life, g_trans = theta[4:6], theta[6:8]
    total = 0.0
    for x, t_x, T, gender, channel in data:
        z = np.array([gender, channel])
        alpha = alpha0 * math.exp(-g_trans @ z)
        beta = beta0 * math.exp(-g_life @ z)
        front = special.gammaln(r + x) - special.gammaln(r) + r * math.log(alpha) + s * math.log(beta)
        alive = -(r + x) * math.log(alpha + T) - s * math.log(beta + T)
        if T > t_x:
            # scaled by the integrand at t_x, so that quad sees values near 1
            log_scale = -(r + x) * math.log(alpha + t_x) - (s + 1) * math.log(beta + t_x)
            val, _ = integrate.quad(
                lambda u: math.exp(-(r + x) * math.log(alpha + u) - (s + 1) * math.log(beta + u) - log_scale),
                t_x, T, epsabs=0, epsrel=1e-12, limit=200)
            dropped = math.log(s) + log_scale + math.log(val)
            hi = max(alive, dropped)
            bracket = hi + math.log(math.exp(alive - hi) + math.exp(dropped - hi))
        else:
            bracket = alive
        total += front + bracket
    return total


def main():
    data = summaries()
    f = lambda th: -loglik(th, data) / len(data)
    theta0 = np.zeros(8)
    res = optimize.minimize(f, theta0, method="BFGS", options={"gtol": 1e-9, "maxiter": 2000})
    theta = res.x
    # Hessian of the total log-likelihood by central differences
    n = len(theta)
    h = np.zeros((n, n))
    step = 1e-4
    for i in range(n):
        for j in range(i, n):
            def at(di, dj):
                t = theta.copy()
                t[i] += di
                t[j] += dj
                return loglik(t, data)
            v = (at(step, step) - at(step, -step) - at(-step, step) + at(-step, -step)) / (4 * step * step)
            h[i, j] = h[j, i] = v
    cov = np.linalg.inv(-h)
    est = np.concatenate([np.exp(theta[:4]), theta[4:]])
    jac = np.diag(np.concatenate([np.exp(theta[:4]), np.ones(4)]))
    se = np.sqrt(np.diag(jac @ cov @ jac.T))
    names = ["r", "alpha", "s", "beta", "life.Gender", "life.Channel", "trans.Gender", "trans.Channel"]
    print("# converged %s, ll %.6f, customers %d" % (res.success, loglik(theta, data), len(data)))
    for name, e, s in zip(names, est, se):
        print("%s %.6g %.6g" % (name, e, s))


if __name__ == "__main__":
    main()
