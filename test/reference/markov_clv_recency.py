"""Reference for sql/lifecycle_markov.sql: the recency example of Pfeifer &
Carraway (2000), "Modeling customer relationships as Markov chains", built
from the paper's model description (the published table of results was not
at hand): states are recency 1..5 (periods since the last purchase), a
customer in state i buys with probability p_i and moves to state 1, else to
state i + 1; state 5 is absorbing (p_5 = 0) and not contacted.  A purchase
earns NC = 40, every contact in states 1..4 costs M = 4, d = 0.2 per period.

Computed here in exact rational arithmetic by backward substitution (V_i =
a_i + b_i V_1 from state 5 down to state 1, then V_1 = a_1 / (1 - b_1)),
independently of crm's Gaussian elimination, and the finite horizons by
exact Horner sums; and the undiscounted limits (d = 0) of the example and
of a variant, which Celis (2020, "Modelling customer relationships as Markov
chains", a worked reading of the paper with its parameters) publishes as
64.25 and 65.7.  Run: python3 test/reference/markov_clv_recency.py
"""
from fractions import Fraction as F

p = [F(30, 100), F(20, 100), F(15, 100), F(5, 100), F(0)]
nc, m, d = F(40), F(4), F(2, 10)
q = 1 / (1 + d)
n = len(p)
# net reward per period in each state: the purchase that put the customer in
# state 1 earns NC; states 1..4 are contacted at cost M
reward = [nc - m] + [-m] * 3 + [F(0)]
# transition matrix
P = [[F(0)] * n for _ in range(n)]
for i in range(n):
    if i == n - 1:
        P[i][i] = F(1)
    else:
        P[i][0] += p[i]
        P[i][i + 1] += 1 - p[i]

# limit by backward substitution
a, b = [F(0)] * n, [F(0)] * n
a[n - 1], b[n - 1] = F(0), F(0)          # absorbing, reward 0: V_5 = 0
for i in range(n - 2, -1, -1):
    a[i] = reward[i] + q * (1 - p[i]) * a[i + 1]
    b[i] = q * p[i] + q * (1 - p[i]) * b[i + 1]
v1 = a[0] / (1 - b[0])
limit = [a[i] + b[i] * v1 for i in range(n)]
print("limit", [f"{float(v):.12f}" for v in limit])

for horizon in (0, 1, 4, 20):
    v = reward[:]
    for _ in range(horizon):
        v = [reward[i] + q * sum(P[i][j] * v[j] for j in range(n)) for i in range(n)]
    print("horizon", horizon, [f"{float(x):.12f}" for x in v])


def undiscounted_limit(p, reward):
    """V_1..V_5 of the recency chain with d = 0 (state 5 absorbing, reward 0),
    by the same backward substitution with q = 1"""
    n = len(p)
    a, b = [F(0)] * n, [F(0)] * n
    for i in range(n - 2, -1, -1):
        a[i] = reward[i] + (1 - p[i]) * a[i + 1]
        b[i] = p[i] + (1 - p[i]) * b[i + 1]
    v1 = a[0] / (1 - b[0])
    return [a[i] + b[i] * v1 for i in range(n)]


# undiscounted (d = 0): the example as Celis (2020) computes it (64.25), and
# his variant that stops contacting recency 4 (no cost there) with p_4 down
# to 0.01 (65.7)
print("undiscounted", [f"{float(v):.12f}" for v in undiscounted_limit(p, reward)])
p_variant = [F(30, 100), F(20, 100), F(15, 100), F(1, 100), F(0)]
reward_variant = [nc - m, -m, -m, F(0), F(0)]
print("undiscounted variant", [f"{float(v):.12f}" for v in undiscounted_limit(p_variant, reward_variant)])
