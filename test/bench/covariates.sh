#!/usr/bin/env bash
# Benchmark of the Pareto/NBD with static covariates (not a test: it asserts
# no timing).  It also runs alone: it then builds, stages and starts its own
# cluster.
#
# BENCH_CUSTOMERS (1,000,000) customers drawn by covariates_synth.py from
# the Pareto/NBD with two static covariates on each process (a 0/1 trait and
# a standardized score; CLVTools' parameterization), every (x, t_x, T)
# continuous, so every customer is a distinct tuple of the fit state.  Shown
# side by side in one run: the covariate fit (target: <= 10 s at 1,000,000
# customers), the plain Pareto/NBD fit on the same rows, the scan floor
# (count(*) of the same columns), the fit's iterations and the time per
# iteration, and the recovery of the known coefficients (|estimate - true| /
# standard error, PASS within 3).  Each time: the median of BENCH_REPS runs,
# a fresh session each, single-threaded, jit off.
#
# Usage:  test/bench/covariates.sh
#         BENCH_CUSTOMERS=100000 BENCH_REPS=1 test/bench/covariates.sh
# Output: stdout and test/bench/out/covariates.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
export BENCH_REPS=${BENCH_REPS:-3}
export BENCH_SEED=${BENCH_SEED:-42}

if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_CUSTOMERS BENCH_REPS || exit 2
	crm_ensure_deps
	crm_ensure_python_deps
	crm_bench_alone "$BENCH_DIR/covariates.sh" covariates "crm Pareto/NBD with static covariates benchmark"
	exit $?
fi

cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off -c client_min_messages=warning"
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"
failed=0

secs() { awk -v m="$1" 'BEGIN { printf "%.2f", m / 1000 }'; }

[ "$(qa -c "SELECT count(*) FROM pg_extension WHERE extname = 'crm'")" -eq 1 ] || qa -c "CREATE EXTENSION crm"
echo
echo "# Pareto/NBD with two static covariates per process"
echo
t0=$(now)
qa -c "DROP TABLE IF EXISTS cov_bench" \
	-c "CREATE UNLOGGED TABLE cov_bench (x float8, t_x float8, t float8, z1 float8, z2 float8)"
./covariates_synth.py "$BENCH_CUSTOMERS" "$BENCH_SEED" | qa -c "\\copy cov_bench FROM STDIN WITH (FORMAT csv)"
qa -c "VACUUM ANALYZE cov_bench"
echo "- base: $(qa -c "SELECT count(*) || ' customers, ' || count(*) FILTER (WHERE x > 0) || ' with repeat purchases' FROM cov_bench"), seed $BENCH_SEED (generated in $(secs_since "$t0") s)"
spec="crm.covariates('{trait,score}', '{trait,score}')"
cov_sql="SELECT crm.paretonbd_fit(x, t_x, t, ARRAY[z1, z2], ARRAY[z1, z2], $spec) FROM cov_bench"
plain_sql="SELECT crm.paretonbd_fit(x, t_x, t) FROM cov_bench"
scan_sql="SELECT count(x + t_x + t + z1 + z2) FROM cov_bench"
cov_ms=$(median_of "$cov_sql")
plain_ms=$(median_of "$plain_sql")
scan_ms=$(median_of "$scan_sql")
model=$(qa -c "$cov_sql")
iterations=$(qa -c "SELECT ('$model'::crm.paretonbd)::jsonb ->> 'iterations'")
echo
echo "| query (median of $BENCH_REPS, fresh session each) | seconds |"
echo "|---|---:|"
echo "| static covariates, crm.paretonbd_fit(x, t_x, t, life_z, trans_z, spec) | $(secs "$cov_ms") |"
echo "| no covariates, crm.paretonbd_fit(x, t_x, t) | $(secs "$plain_ms") |"
echo "| scan floor, count(x + t_x + t + z1 + z2) | $(secs "$scan_ms") |"
echo
echo "- covariate fit: $iterations iterations, $(awk -v m="$cov_ms" -v i="$iterations" 'BEGIN { printf "%.0f", m / (i > 0 ? i : 1) }') ms per iteration (state building included); converged: $(qa -c "SELECT crm.converged('$model'::crm.paretonbd)")"
echo
echo "| parameter | true | estimate | std. error | z | |"
echo "|---|---:|---:|---:|---:|---|"
qa -c "SELECT format('| %s | %s | %s | %s | %s | %s |', p.parameter, truth, round(p.estimate::numeric, 4), round(p.std_error::numeric, 4),
	round(((p.estimate - truth) / p.std_error)::numeric, 2), CASE WHEN abs(p.estimate - truth) <= 3 * p.std_error THEN 'PASS' ELSE 'FAIL' END)
	FROM crm.parameters('$model'::crm.paretonbd) p
	JOIN (VALUES ('r', 0.55), ('alpha', 10.5), ('s', 0.6), ('beta', 12.0), ('life.trait', 0.5), ('life.score', -0.4),
	             ('trans.trait', 0.4), ('trans.score', -0.3)) v(parameter, truth) USING (parameter)
	ORDER BY p.parameter" | tee "$BENCH_DIR/../../tmp/covariates_recovery.txt"
grep -q FAIL "$BENCH_DIR/../../tmp/covariates_recovery.txt" && failed=1
if awk -v m="$cov_ms" 'BEGIN { exit !(m <= 10000) }'; then verdict=met; else verdict="not met"; fi
echo
echo "- target covariate fit <= 10 s at 1,000,000 customers: $verdict ($BENCH_CUSTOMERS customers)"
exit $failed
