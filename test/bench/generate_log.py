#!/usr/bin/python3
"""Synthetic transaction log of the benchmark suite, drawn from BG/NBD and
Gamma-Gamma with known parameters (see test/bench/run and the README).

  generate_log.py --rows N --customers C --seed S --start DATE --end DATE
                  [--print-params] > log.csv

Writes CSV rows `customer_id,purchased_on,amount` (no header) in random
order, about N rows for exactly C customers, reproducibly (numpy's legacy
RandomState with a fixed seed, whose streams numpy keeps fixed).

The process, per customer (time in weeks):
  * the first purchase is on a day uniform in the first 700 days after
    START; the customer is observed until END (so T varies by customer);
  * purchase rate lambda ~ Gamma(shape r, rate alpha), dropout probability
    p ~ Beta(a, b); while alive, repeat purchases come as a Poisson process
    of rate lambda, and after each repeat purchase the customer drops out
    with probability p (BG/NBD, Fader, Hardie & Lee 2005);
  * spend: nu ~ Gamma(shape q, rate gamma) per customer, each purchase
    ~ Gamma(shape p_gg, rate nu) (Gamma-Gamma), rounded to cents (at least
    0.01);
  * r, a, b, p_gg, q, gamma are the CDNOW estimates (weeks); alpha is
    solved for so that the expected number of rows per customer is N / C
    (BG/NBD's E[X(t)] averaged over the customers' T, by bisection);
  * besides the purchases, 3% of the rows are refunds: a negative amount (a
    uniform part of a purchase) 0..13 days after that purchase (at most
    END), so the refund path of crm.summary is exercised; refunds are not
    purchases and do not change the model's data.
Purchase times are exact and then floored to the day, so two purchases may
fall on one day (crm.summary merges them).

With --print-params, the parameters (alpha included) are printed to stderr
as one line `r=... alpha=... a=... b=... p=... q=... gamma=...` (weeks).
"""
import argparse
import datetime
import sys

import numpy as np
from scipy.special import hyp2f1

R, A, B = 0.243, 0.793, 2.426          # BG/NBD on CDNOW (weeks), alpha solved for
P_GG, Q_GG, GAMMA_GG = 6.25, 3.74, 15.44
REFUND_SHARE = 0.03
BIRTH_DAYS = 700


def expected_repeats(alpha, t):
    """BG/NBD's E[X(t)] (a != 1) for an array of ages t in weeks."""
    z = t / (alpha + t)
    return (A + B - 1) / (A - 1) * (1 - (alpha / (alpha + t)) ** R * hyp2f1(R, B, A + B - 1, z))


def solve_alpha(rows_per_customer, ages):
    """alpha such that 1 + the mean E[X(T)] over the ages is rows_per_customer."""
    target = max(rows_per_customer - 1, 1e-3)
    distinct, counts = np.unique(ages, return_counts=True)
    weights = counts / counts.sum()
    lo, hi = 1e-4, 1e4                  # E[X] decreases in alpha
    for _ in range(100):
        mid = np.sqrt(lo * hi)
        if np.dot(weights, expected_repeats(mid, distinct)) > target:
            lo = mid
        else:
            hi = mid
    return np.sqrt(lo * hi)


def purchase_offsets(rng, lam, drop, ages):
    """Times (weeks) of each customer's repeat purchases up to its age.

    Returns (customer index, time) arrays, drawn exactly without simulating
    each event: with N ~ Poisson(lambda T) the repeat purchases a customer
    who never drops out would make in (0, T] and D ~ Geometric(p) on 1, 2,
    ... the purchase with which the customer drops out, the customer makes
    x = min(N, D) of them, at the first x of N uniform order statistics on
    (0, T].  Those come from the product form of the order statistics:
    1 - U(k+1) = (1 - U(k)) V^(1 / (N - k)) with V uniform, summed in logs
    per customer."""
    n = rng.poisson(lam * ages)
    d = rng.geometric(np.maximum(drop, np.finfo(float).tiny))
    x = np.minimum(n, d)
    who = np.repeat(np.arange(lam.size), x)
    first = np.cumsum(x) - x                 # each customer's first row
    k = np.arange(who.size) - first[who]     # position within the customer
    step = np.log(rng.uniform(size=who.size)) / (n[who] - k)
    total = np.cumsum(step)
    log_rest = total - (total[first[who]] - step[first[who]])
    return who, ages[who] * (1 - np.exp(log_rest))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--customers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start", default="2023-01-01")
    parser.add_argument("--end", default="2024-12-31")
    parser.add_argument("--print-params", action="store_true")
    args = parser.parse_args()
    if args.rows < 1 or args.customers < 1 or args.rows < args.customers:
        sys.exit("need rows >= customers >= 1")
    start = datetime.date.fromisoformat(args.start)
    end = datetime.date.fromisoformat(args.end)
    span = (end - start).days
    if span < BIRTH_DAYS:
        sys.exit(f"the log must span at least {BIRTH_DAYS} days")

    rng = np.random.RandomState(args.seed)
    c = args.customers
    birth = rng.randint(0, BIRTH_DAYS, c)
    ages = (span - birth) / 7.0
    purchases = args.rows * (1 - REFUND_SHARE)
    alpha = solve_alpha(purchases / c, ages)
    if args.print_params:
        print(f"r={R} alpha={alpha:.6g} a={A} b={B} p={P_GG} q={Q_GG} gamma={GAMMA_GG}", file=sys.stderr)

    lam = rng.gamma(R, 1 / alpha, c)
    drop = rng.beta(A, B, c)
    who, when = purchase_offsets(rng, lam, drop, ages)
    # first purchases at birth, then the repeat purchases
    customer = np.concatenate([np.arange(c), who])
    day = np.concatenate([birth, birth[who] + np.floor(when * 7).astype(np.int64)])
    day = np.minimum(day, span)
    nu = rng.gamma(Q_GG, 1 / GAMMA_GG, c)
    amount = np.maximum(np.round(rng.gamma(P_GG, 1.0, customer.size) / nu[customer], 2), 0.01)

    # refunds: part of a random purchase, a few days later
    n_refunds = int(round(customer.size * REFUND_SHARE / (1 - REFUND_SHARE)))
    pick = rng.randint(0, customer.size, n_refunds)
    refund_day = np.minimum(day[pick] + rng.randint(0, 14, n_refunds), span)
    refund = -np.maximum(np.round(amount[pick] * rng.uniform(size=n_refunds), 2), 0.01)
    customer = np.concatenate([customer, customer[pick]])
    day = np.concatenate([day, refund_day])
    amount = np.concatenate([amount, refund])

    order = rng.permutation(customer.size)
    dates = np.array([(start + datetime.timedelta(days=int(d))).isoformat() for d in range(span + 1)])
    out = sys.stdout
    chunk = 500000
    for lo in range(0, order.size, chunk):
        idx = order[lo:lo + chunk]
        ids = (customer[idx] + 1).astype(str)
        ds = dates[day[idx]]
        ams = np.char.mod("%.2f", amount[idx])
        out.write("\n".join(np.char.add(np.char.add(np.char.add(ids, ","), np.char.add(ds, ",")), ams)))
        out.write("\n")


if __name__ == "__main__":
    main()
