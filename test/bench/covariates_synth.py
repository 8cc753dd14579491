#!/usr/bin/python3
"""Synthetic customers for test/bench/covariates.sh: N customers drawn from
the Pareto/NBD with two static covariates on each process, in CLVTools'
parameterization (alpha_i = alpha0 exp(-g_trans . z_i), beta_i = beta0
exp(-g_life . z_i)).  Writes CSV rows x,t_x,t,z1,z2 to stdout (weeks).

Usage: covariates_synth.py N SEED
"""
import sys

import numpy as np

R, ALPHA, S, BETA = 0.55, 10.5, 0.6, 12.0
G_TRANS = np.array([0.4, -0.3])
G_LIFE = np.array([0.5, -0.4])


def main():
    n, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(seed)
    z = np.column_stack([(rng.random(n) < 0.5).astype(float),   # a 0/1 trait
                         rng.normal(0.0, 1.0, n)])               # a standardized score
    alpha_i = ALPHA * np.exp(-z @ G_TRANS)
    beta_i = BETA * np.exp(-z @ G_LIFE)
    lam = rng.gamma(R, 1.0 / alpha_i)
    mu = rng.gamma(S, 1.0 / beta_i)
    age = rng.uniform(30.0, 78.0, n)                  # T: weeks since the first purchase
    alive_for = np.minimum(rng.exponential(1.0 / mu), age)
    x = rng.poisson(lam * alive_for)
    t_x = np.where(x > 0, alive_for * rng.random(n) ** (1.0 / np.maximum(x, 1)), 0.0)
    out = sys.stdout
    for row in zip(x, t_x, age, z[:, 0], z[:, 1]):
        out.write("%d,%.6f,%.6f,%.0f,%.6f\n" % row)


if __name__ == "__main__":
    main()
