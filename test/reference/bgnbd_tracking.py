#!/usr/bin/python3
"""An independent reference for the BG/NBD tracking curve on CDNOW, for test
clv_tracking.

Independent of crm: the births are read here from lifetimes'
CDNOW_sample.txt (sample_id, YYYYMMDD in columns 2 and 3), each customer's
first purchase day counted from 1997-01-01; the cumulative expected repeat
purchases at the end of week j (day 7 j) are

    sum over customers of E((7 j - birth day) / 7),
    E(t) = (a + b - 1) / (a - 1) [1 - (alpha / (alpha + t))^r
           2F1(r, b; a + b - 1; t / (alpha + t))]

(Fader, Hardie & Lee 2005, equation 7), evaluated with mpmath's hyp2f1 at 30
digits, at the published parameters r 0.243, alpha 4.414, a 0.793, b 2.426
(the 2005 paper's estimates; BTYD's bgnbd.ExpectedCumulativeTransactions
uses the same convention: birth = max(T.cal) - T.cal).

Usage: test/reference/bgnbd_tracking.py [DATA_DIR]  (default
../shared/data); prints "week,cumulative_expected" for weeks 1 .. 78 (kept in
test/reference/bgnbd_tracking_cdnow.txt, which the test reads).
"""
import datetime
import sys

import mpmath

mpmath.mp.dps = 30

data_dir = sys.argv[1] if len(sys.argv) > 1 else '../shared/data'
first = {}
with open(data_dir + '/lifetimes/CDNOW_sample.txt') as f:
    for line in f:
        fields = line.split()
        day = datetime.date(int(fields[2][:4]), int(fields[2][4:6]), int(fields[2][6:]))
        if fields[1] not in first or day < first[fields[1]]:
            first[fields[1]] = day
origin = datetime.date(1997, 1, 1)
births = {}
for day in first.values():
    d = (day - origin).days
    births[d] = births.get(d, 0) + 1

r, alpha, a, b = (mpmath.mpf(v) for v in ('0.243', '4.414', '0.793', '2.426'))


def expected(t):
    """E[X(t)] of a new BG/NBD customer"""
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r
                                    * mpmath.hyp2f1(r, b, a + b - 1, t / (alpha + t)))


for week in range(1, 79):
    end = 7 * week
    total = sum(n * expected(mpmath.mpf(end - d) / 7) for d, n in births.items() if d < end)
    print(week, mpmath.nstr(total, 17), sep=",")
