#!/usr/bin/env bash
# The cohort part of the benchmark: a monthly cohort retention matrix of the
# whole log, crm against the standard SQL.  test/bench/run runs it after
# pnbd.sh in the same throwaway cluster (it reuses bench_log); it also runs
# alone (it then builds, stages, starts its own cluster and generates
# bench_log).
#
# What it shows, in one run: the matrix of monthly cohorts of every customer
# of bench_log (BENCH_ROWS rows, BENCH_CUSTOMERS customers, two years) as of
# BENCH_AS_OF (the month containing as_of counts only if complete, in both
# versions) computed by
#
#   (a) crm.cohort_fit(customer_id, purchased_on, '1 month', as_of), read out
#       with crm.cohort_retention (every cohort x offset row, with sizes);
#   (b) the standard SQL: the months each customer was active, the first one
#       per customer (the cohort) joined back to the activity, and
#       COUNT(DISTINCT customer_id) per cohort and month offset
#       (test/bench/cohort.sql);
#   (c) a count(*) of the table: the cost of reading the rows at all.
#
# Before timing, both matrices are computed in full and compared cell by
# cell; the run fails if one differs.  Target: crm at least 2x faster than
# (b).  It also reports the size of the partial state (pg_column_size of
# crm.cohort_partial over the whole log: 48 bytes + 12 per distinct
# customer-month) and of the table.  Median of BENCH_REPS interleaved
# repetitions, a fresh session each, single-threaded
# (max_parallel_workers_per_gather = 0), work_mem = 1GB, jit = off.
#
# Usage:  test/bench/cohort.sh
#         BENCH_ROWS=200000 BENCH_CUSTOMERS=20000 BENCH_REPS=3 test/bench/cohort.sh
# Environment: BENCH_ROWS (10,000,000), BENCH_CUSTOMERS (1,000,000),
# BENCH_REPS (5), BENCH_SEED (0.42), BENCH_AS_OF (2024-12-24).  Output:
# stdout; run alone also test/bench/out/cohort.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_ROWS=${BENCH_ROWS:-10000000}
export BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
export BENCH_REPS=${BENCH_REPS:-5}
export BENCH_SEED=${BENCH_SEED:-0.42}
export BENCH_AS_OF=${BENCH_AS_OF:-2024-12-24}

# Alone: set up, then run this script again inside a throwaway cluster
if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_ROWS BENCH_CUSTOMERS BENCH_REPS || exit 2
	crm_ensure_deps
	crm_bench_alone "$BENCH_DIR/cohort.sh" cohort "crm cohort benchmark"
	exit $?
fi

# Inside the cluster (plain `psql` reaches it as superuser)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"

echo
echo "# Cohorts: a monthly retention matrix of the whole log"
echo
bench_ensure_log
q -v as_of="$BENCH_AS_OF" -f cohort.sql >/dev/null

t0=$(now)
IFS='|' read -r cells differing cohorts customers window_end state_bytes pairs table_bytes sql_rows \
	<<<"$(qa -v as_of="$BENCH_AS_OF" -f cohort_check.sql)"
echo "- bench_log: $(qa -c "SELECT count(*) FROM bench_log") rows; monthly cohorts as of $BENCH_AS_OF:" \
	"the window ends on $window_end (the month containing as_of counts only when complete);" \
	"$cohorts cohorts, $customers customers, $cells observed cohort x offset cells"
echo "- crm: \`crm.cohort_retention((SELECT crm.cohort_fit(customer_id, purchased_on, interval '1 month', as_of) FROM bench_log))\`"
echo "- plain SQL: active months per customer, \`min(month)\` per customer joined back to the activity," \
	"\`count(DISTINCT customer_id)\` per cohort and month offset (\`test/bench/cohort.sql\`; $sql_rows non-empty cells)"
echo "- state: \`pg_column_size(crm.cohort_partial(...))\` over the whole log = $state_bytes bytes" \
	"($(awk -v b="$state_bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MB) = 48 + 12 x $pairs distinct customer-months" \
	"($(awk -v b="$state_bytes" -v n="$BENCH_ROWS" 'BEGIN { printf "%.2f", b / n }') bytes per event);" \
	"during the aggregate the unsorted buffer can add up to as much again; the table: $table_bytes bytes"
echo "- check took $(secs_since "$t0") s (both matrices computed in full, compared cell by cell)"
echo
if [ "$differing" -eq 0 ]; then
	echo "answers identical: yes ($cells cells compared)"
else
	echo "answers identical: no ($differing of $cells cells differ)"
	exit 1
fi
echo
echo "Median of $BENCH_REPS interleaved repetitions, a fresh session per query:"
echo
qa -c "SELECT format('- %s: \`%s\`', name, sql) FROM bench_queries WHERE ord BETWEEN 41 AND 49 ORDER BY ord"
echo
bench_interleave "ord BETWEEN 41 AND 49"
echo
qa -f cohort_report.sql
