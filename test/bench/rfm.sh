#!/usr/bin/env bash
# The RFM part of the benchmark, run by test/bench/run inside the same
# throwaway cluster after summary.sh (it reuses bench_log): per-customer
# inputs from crm.summary, then an RFM model fitted and every customer scored,
# crm against the plain-SQL equivalents, interleaved, median of BENCH_REPS.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"

echo
echo "# RFM: fit a 5-bin model and score every customer"
echo
qa -v as_of="$BENCH_AS_OF" -f rfm.sql >/dev/null
echo "- $(qa -c "SELECT count(*) FROM bench_customers") customers (recency = days since last purchase," \
	"frequency = purchase rows, monetary = spend; from crm.summary as of $BENCH_AS_OF)"
echo "- the model: \`$(qa -c "SELECT crm.rfm_fit(recency, frequency, monetary, 5, 'quantile') FROM bench_customers")\`"
differ=$(qa -c "SELECT count(*) FROM rfm_crm_scores c JOIN rfm_sql_scores s USING (customer_id) WHERE c.cell <> s.cell")
echo "- crm 'quantile' scores vs plain SQL with percentile_cont thresholds: $differ customers differ"
echo "- crm 'ntile' vs SQL NTILE(): $(qa -c "SELECT count(*) FROM rfm_crm_ntile c JOIN rfm_sql_ntile s USING (customer_id) WHERE c.cell <> s.cell") customers differ (NTILE splits tied values between groups arbitrarily; crm keeps ties together)"
[ "$differ" -eq 0 ] || { echo "answers identical: no"; exit 1; }
echo
echo "answers identical: yes"
echo
qa -c "SELECT format('- %s: \`%s\`', name, sql) FROM bench_queries WHERE ord > 10 ORDER BY ord"
echo
bench_interleave "ord > 10"
echo
qa -f rfm_report.sql
