#!/usr/bin/env bash
# The prediction-interval benchmark and coverage check (issue #26).  Runs
# alone: builds, stages, starts a throwaway cluster, then
#
#   (1) coverage (test/bench/intervals_coverage.sql), for the BG/NBD, the
#       MBG/NBD and the Pareto/NBD: BENCH_COVERAGE_REPS replications of
#       BENCH_COVERAGE_CUSTOMERS customers simulated from a known model
#       (r = 0.8, alpha = 8, a = 0.6, b = 3; Pareto/NBD s = 0.6, beta = 20;
#       Gamma-Gamma p = 6, q = 4, gamma = 15; ages 26 to 52 weeks, a 39-week
#       holdout), each fitted on its own calibration data, with 1,000 draws:
#       the share of customers whose 90 % interval of holdout purchases
#       (and of holdout spend) holds the simulated value, and in how many
#       replications the total's 90 % interval holds the simulated total;
#   (2) speed (target: per-customer 90 % intervals for CET and CLV for
#       100,000 customers with 1,000 parameter draws in at most 10 s):
#       BENCH_CUSTOMERS customers simulated from the BG/NBD, fitted, then
#       timed: crm.purchase_interval for every customer; crm.clv_interval
#       for every customer; both in one query; crm.customer_intervals (both
#       from one simulation); crm.total_purchase_interval;
#       each single-threaded and with 2 parallel workers.
#
# Usage:  test/bench/intervals.sh
#         BENCH_CUSTOMERS=20000 BENCH_COVERAGE_REPS=5 test/bench/intervals.sh
# Environment: BENCH_CUSTOMERS (100,000), BENCH_DRAWS (1,000), BENCH_REPS
# (3, timing repetitions: the median is reported), BENCH_COVERAGE_REPS (20),
# BENCH_COVERAGE_CUSTOMERS (5,000), BENCH_COVERAGE_KINDS ("bgnbd mbgnbd
# paretonbd"; "none": speed only).  Output: stdout and test/bench/out/intervals.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-100000}
export BENCH_DRAWS=${BENCH_DRAWS:-1000}
export BENCH_REPS=${BENCH_REPS:-3}
export BENCH_COVERAGE_REPS=${BENCH_COVERAGE_REPS:-20}
export BENCH_COVERAGE_CUSTOMERS=${BENCH_COVERAGE_CUSTOMERS:-5000}
export BENCH_COVERAGE_KINDS=${BENCH_COVERAGE_KINDS:-bgnbd mbgnbd paretonbd}

if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_CUSTOMERS BENCH_DRAWS BENCH_REPS BENCH_COVERAGE_REPS BENCH_COVERAGE_CUSTOMERS || exit 2
	crm_ensure_deps
	crm_bench_alone "$BENCH_DIR/intervals.sh" intervals "crm prediction intervals: coverage and speed"
	exit $?
fi

cd "$BENCH_DIR/../.."
export PGOPTIONS="-c work_mem=256MB -c jit=off"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"
# milliseconds of one query in a fresh session with the given options
ms_of() {
	local t0
	t0=$(now)
	PGOPTIONS="$PGOPTIONS $1" qa -c "$2" >/dev/null
	awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", 1000 * (b - a) }'
}

echo
echo "- PostgreSQL: $(qa -c 'SELECT version()')"
q -c "CREATE EXTENSION IF NOT EXISTS crm"
q -f test/load/simulate_btyd.sql >/dev/null

echo
echo "## Coverage: $BENCH_COVERAGE_REPS replications of $BENCH_COVERAGE_CUSTOMERS customers, 1,000 draws, 90 %"
for kind in $BENCH_COVERAGE_KINDS; do
	[ "$kind" = none ] && continue
	b=3
	[ "$kind" = paretonbd ] && b=20
	echo
	echo "### $kind"
	echo
	echo '```'
	t0=$(now)
	PGOPTIONS="$PGOPTIONS -c client_min_messages=warning" q -v kind="$kind" -v reps="$BENCH_COVERAGE_REPS" \
		-v customers="$BENCH_COVERAGE_CUSTOMERS" -v draws=1000 -v r=0.8 -v alpha=8 -v a=0.6 -v b="$b" \
		-f "$BENCH_DIR/intervals_coverage.sql"
	echo '```'
	echo "($(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }') s)"
done

echo
echo "## Speed: $BENCH_CUSTOMERS customers, $BENCH_DRAWS draws, 90 %"
echo
q -c "SELECT setseed(0.3)" -c "DROP TABLE IF EXISTS iv_customers, iv_fit" \
	-c "CREATE UNLOGGED TABLE iv_customers AS SELECT * FROM public.sim_btyd('bgnbd', $BENCH_CUSTOMERS, 0.8, 8, 0.6, 3, 26, 52, 39)" \
	-c "CREATE UNLOGGED TABLE iv_fit AS SELECT model, crm.parameter_covariance(model, state) AS cov,
	        spend, crm.parameter_covariance(spend, spend_state) AS spend_cov
	    FROM (SELECT crm.bgnbd_fit(x, t_x, t) AS model, crm.clv_fit_partial(x, t_x, t) AS state,
	                 crm.gammagamma_fit(x, m) AS spend, crm.spend_fit_partial(x, m) AS spend_state FROM iv_customers) f" \
	-c "VACUUM ANALYZE iv_customers" >/dev/null
echo "- models: $(qa -c "SELECT model || ' | ' || spend FROM iv_fit")"
echo

d=$BENCH_DRAWS
# the models as scalar subqueries, so that a parallel plan can use them
M="(SELECT model FROM iv_fit)"
C="(SELECT cov FROM iv_fit)"
S="(SELECT spend FROM iv_fit)"
SC="(SELECT spend_cov FROM iv_fit)"
declare -A queries=(
	["(a) CET: crm.purchase_interval, every customer"]="SELECT sum(i.upper) FROM iv_customers c, crm.purchase_interval($M, $C, 39, x, t_x, t, 0.9, $d, 1) i"
	["(b) CLV: crm.clv_interval, every customer"]="SELECT sum(i.upper) FROM iv_customers c, crm.clv_interval($M, $S, $C, $SC, x, t_x, t, m, 52, 0.01, 1, 0.9, $d, 1) i"
	["(a)+(b) both in one query"]="SELECT sum(i.upper + j.upper) FROM iv_customers c, crm.purchase_interval($M, $C, 39, x, t_x, t, 0.9, $d, 1) i, crm.clv_interval($M, $S, $C, $SC, x, t_x, t, m, 52, 0.01, 1, 0.9, $d, 1) j"
	["(e) CET and CLV from one simulation: crm.customer_intervals (52 weeks)"]="SELECT sum(i.purchases_upper + i.clv_upper) FROM iv_customers c, crm.customer_intervals($M, $S, $C, $SC, x, t_x, t, m, 52, 0.01, 1, 0.9, $d, 1) i"
	["(c) total: crm.total_purchase_interval"]="SELECT crm.total_purchase_interval($M, $C, 39, x, t_x, t, id, 0.9, $d, 1) FROM iv_customers"
	["(d) point estimates: crm.expected_purchases + crm.clv"]="SELECT sum(crm.expected_purchases($M, 39, x, t_x, t) + crm.clv($M, $S, x, t_x, t, m, 52, 0.01)) FROM iv_customers"
)
echo "Median of $BENCH_REPS repetitions (ms, a fresh session per query):"
echo
for name in "(a) CET: crm.purchase_interval, every customer" "(b) CLV: crm.clv_interval, every customer" \
	"(a)+(b) both in one query" "(e) CET and CLV from one simulation: crm.customer_intervals (52 weeks)" \
	"(c) total: crm.total_purchase_interval" "(d) point estimates: crm.expected_purchases + crm.clv"; do
	for workers in 0 2; do
		opts="-c max_parallel_workers_per_gather=$workers"
		[ "$workers" -gt 0 ] && opts="$opts -c parallel_setup_cost=0 -c parallel_tuple_cost=0 -c min_parallel_table_scan_size=0"
		times=()
		for rep in $(seq 1 "$BENCH_REPS"); do
			times+=("$(ms_of "$opts" "${queries[$name]}")")
		done
		echo "- $name, $workers parallel workers: $(printf '%s\n' "${times[@]}" | median) ms (runs: ${times[*]})"
	done
done
echo
echo "Target: CET and CLV intervals, (a)+(b) or (e), at most 10000 ms for 100,000 customers with 1,000 draws."
q -c "DROP TABLE iv_customers, iv_fit"
