#!/usr/bin/env bash
# The lifecycle-stage part of the benchmark: the stage of every customer at
# 24 monthly dates from a purchase log, counted by stage and flow, side by
# side with the bare GROUP BY customer_id of the same log, in one run.
# Runs alone (it builds, stages, starts its own throwaway cluster and
# generates its table).
#
# What it shows: over bench_stage_log (BENCH_ROWS purchases of
# BENCH_CUSTOMERS customers over 2023-01-01 .. 2024-12-31, UNLOGGED,
# generated from hashes of the row number, so the same every run), the time of
#
#   (a) SELECT count(*) FROM (SELECT customer_id, count(*) ... GROUP BY
#       customer_id): the bare GROUP BY the target compares with;
#   (b) the same with array_agg(purchased_on): what collecting each
#       customer's dates costs;
#   (c) crm.stage_path of every customer at the 24 month ends of 2023-2024,
#       added up by crm.stage_counts and read out with
#       crm.stage_count_table and crm.stage_flow_table (the target);
#   (d) the plain-SQL stage of every customer at one date (as of
#       2024-06-30: first and last purchase, the last return after a
#       180-day gap from a window function), for scale: crm does 24 dates in (c).
#
# Each query: median of BENCH_REPS interleaved repetitions, server-side wall
# time, single-threaded (max_parallel_workers_per_gather = 0), jit = off,
# work_mem = 1GB.  Prints the ratio of each to (a).  Target (issue 27): (c)
# at most 3x (a) with 1,000,000 customers and 10,000,000 rows.
#
# Usage:  test/bench/stages.sh
#         BENCH_ROWS=1000000 BENCH_CUSTOMERS=100000 BENCH_REPS=3 test/bench/stages.sh
# Environment: BENCH_ROWS (10,000,000), BENCH_CUSTOMERS (1,000,000),
# BENCH_REPS (5).  Output: stdout and test/bench/out/stages.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_ROWS=${BENCH_ROWS:-10000000}
export BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
export BENCH_REPS=${BENCH_REPS:-5}

# Alone: set up, then run this script again inside a throwaway cluster
if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_ROWS BENCH_CUSTOMERS BENCH_REPS || exit 2
	crm_ensure_deps
	crm_bench_alone "$BENCH_DIR/stages.sh" stages "crm lifecycle stage benchmark"
	exit $?
fi

# Inside the cluster (plain `psql` reaches it as superuser)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"

echo
echo "# Lifecycle stages: $BENCH_CUSTOMERS customers at 24 monthly dates from $BENCH_ROWS purchases"
echo
echo "- PostgreSQL: $(qa -c 'SELECT version()')"
q -c "CREATE EXTENSION IF NOT EXISTS crm"
t0=$(now)
q <<SQL
DROP TABLE IF EXISTS bench_stage_log;
-- customers buy at different rates (1 in 4 heavy buyers), on days spread over two years
CREATE UNLOGGED TABLE bench_stage_log AS
SELECT 1 + (abs(hashint8(i)) % $BENCH_CUSTOMERS)::int AS customer_id,
       date '2023-01-01' + (abs(hashint8(i + 3)) % 731)::int AS purchased_on
FROM generate_series(1::bigint, $BENCH_ROWS) i;
VACUUM ANALYZE bench_stage_log;
SQL
echo "- generated bench_stage_log in $(secs_since "$t0") s: $(qa -c "SELECT count(*) FROM bench_stage_log") rows," \
	"$(qa -c "SELECT count(DISTINCT customer_id) FROM bench_stage_log") customers," \
	"table size $(qa -c "SELECT pg_size_pretty(pg_table_size('bench_stage_log'))")"
echo "- settings: $PGOPTIONS"

stages="SELECT crm.stage_path(crm.lifecycle_model(), array_agg(purchased_on), date '2023-01-31', date '2024-12-31', interval '1 month') AS p FROM bench_stage_log GROUP BY customer_id"
names=(group_by array_agg stages plain_sql_one_date)
queries=(
	"SELECT count(*) FROM (SELECT customer_id, count(*) FROM bench_stage_log GROUP BY customer_id) s"
	"SELECT count(*) FROM (SELECT customer_id, array_agg(purchased_on) FROM bench_stage_log GROUP BY customer_id) s"
	"SELECT t.*, (SELECT count(*) FROM crm.stage_flow_table(c)) FROM (SELECT crm.stage_counts(p) AS c FROM ($stages) s) x, crm.stage_count_table(x.c) t"
	"SELECT stage, count(*) AS n FROM (SELECT CASE WHEN min(purchased_on) + 90 > d THEN 'new' WHEN max(purchased_on) + 90 > d THEN CASE WHEN max(purchased_on) FILTER (WHERE prev + 180 <= purchased_on) + 90 > d THEN 'reactivated' ELSE 'active' END WHEN max(purchased_on) + 180 > d THEN 'at_risk' WHEN max(purchased_on) + 365 > d THEN 'lapsed' ELSE 'lost' END AS stage FROM (SELECT customer_id, purchased_on, lag(purchased_on) OVER (PARTITION BY customer_id ORDER BY purchased_on) AS prev, date '2024-06-30' AS d FROM bench_stage_log WHERE purchased_on <= date '2024-06-30') w GROUP BY customer_id, d) s GROUP BY stage"
)
bench_compare "ratio to GROUP BY"
echo
echo "- a stage path: $(qa -c "SELECT pg_column_size(p) FROM ($stages LIMIT 1) s") bytes;" \
	"the counts value: $(qa -c "SELECT pg_size_pretty(pg_column_size(crm.stage_counts(p))::bigint) FROM ($stages) s")"
echo "- check: crm's stage counts at 2024-06-30 equal the plain SQL's:" \
	"$(qa -c "SELECT bool_and(a.customers = coalesce(b.n, 0)) FROM (SELECT t.stage, t.customers FROM (SELECT crm.stage_counts(p) AS c FROM ($stages) s) x, crm.stage_count_table(x.c) t WHERE t.as_of = date '2024-06-30') a LEFT JOIN (${queries[3]}) b USING (stage)")"
