#!/usr/bin/env bash
# Benchmark of the Pareto/NBD with time-varying covariates (not a test: it
# asserts no timing).  It also runs alone: it then builds, stages and starts
# its own cluster.
#
# A synthetic base of BENCH_CUSTOMERS customers x 104 weeks drawn from the
# model with known coefficients (test/bench/dyncov_synth.sql: a seasonal
# covariate common to all, a per-customer marketing campaign in blocks of
# BENCH_BLOCK weeks on both processes, a 0/1 trait on the lifetime).  Shown
# side by side in one run:
#   - the time-varying fit crm.paretonbd_dyncov_fit(x, t_x, t, first_purchase, path,
#     covariates) (target: <= 30 s at 100,000 customers), its fit state's size
#     and runs of constant covariates per customer, and the recovery of the
#     coefficients (|estimate - true| / standard error, PASS within 3);
#   - on the same customers, the static-covariate fit (the trait g on the
#     lifetime, the campaign share of the calibration weeks on both
#     processes) and the plain Pareto/NBD fit;
#   - one evaluation of the time-varying log-likelihood and its gradient
#     (crm.loglik_gradient on the stored state).
# Each fit: the median of BENCH_REPS runs, a fresh session each,
# single-threaded (max_parallel_workers_per_gather = 0), jit off.
#
# Usage:  test/bench/dyncov.sh
#         BENCH_CUSTOMERS=20000 BENCH_REPS=1 test/bench/dyncov.sh
# Environment: BENCH_CUSTOMERS (100,000), BENCH_REPS (3), BENCH_BLOCK (4),
# BENCH_SEED (0.42).  Output: stdout and test/bench/out/dyncov.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-100000}
export BENCH_REPS=${BENCH_REPS:-3}
export BENCH_BLOCK=${BENCH_BLOCK:-4}
export BENCH_SEED=${BENCH_SEED:-0.42}

if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_CUSTOMERS BENCH_REPS BENCH_BLOCK || exit 2
	crm_ensure_deps
	crm_bench_alone "$BENCH_DIR/dyncov.sh" dyncov "crm time-varying Pareto/NBD benchmark"
	exit $?
fi

cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off -c TimeZone=UTC -c client_min_messages=warning"
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"
failed=0


[ "$(qa -c "SELECT count(*) FROM pg_extension WHERE extname = 'crm'")" -eq 1 ] || qa -c "CREATE EXTENSION crm"
echo
echo "# Pareto/NBD with time-varying covariates"
echo
t0=$(now)
qa -v n="$BENCH_CUSTOMERS" -v block="$BENCH_BLOCK" -v seed="$BENCH_SEED" -f dyncov_synth.sql >/dev/null
echo "- base: $BENCH_CUSTOMERS customers x 104 weeks, campaign blocks of $BENCH_BLOCK weeks, seed $BENCH_SEED (generated in $(secs_since "$t0") s)"
spec="crm.covariates('{g,contact}', '{season,contact}')"
dyn_sql="SELECT crm.paretonbd_dyncov_fit(x, t_x, t, first_purchase, path, $spec) FROM dyn_bench"
qa -c "DROP TABLE IF EXISTS dyn_static_input" \
	-c "CREATE UNLOGGED TABLE dyn_static_input AS SELECT x, t_x, t, g, (SELECT avg(r.life_z[2]) FROM crm.covariate_path_rows(path) r WHERE r.period_start < first_purchase + t * INTERVAL '1 week') AS share FROM dyn_bench" \
	-c "VACUUM ANALYZE dyn_static_input"
static_sql="SELECT crm.paretonbd_fit(x, t_x, t, ARRAY[g, share], ARRAY[share], crm.covariates('{g,share}', '{share}')) FROM dyn_static_input"
plain_sql="SELECT crm.paretonbd_fit(x, t_x, t) FROM dyn_bench"
IFS='|' read -r n repeaters bytes runs <<<"$(qa -c "SELECT count(*), count(*) FILTER (WHERE x > 0),
	pg_column_size(crm.dyncov_fit_partial(x, t_x, t, first_purchase, path, $spec)),
	round(avg(crm.path_periods(path))::numeric, 1) FROM dyn_bench")"
state_runs=$(qa -c "SELECT round(avg(split_part(d, ',', 5)::float8)::numeric, 1)
	FROM (SELECT crm.dyncov_fit_partial(x, t_x, t, first_purchase, path, $spec)::text AS st FROM dyn_bench) q,
	unnest(string_to_array(split_part(split_part(st, 'data={', 2), '}', 1), ';')) d")
echo "- $n customers, $repeaters with repeat purchases; paths of $runs periods on average;" \
	"fit state $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MB, $state_runs runs of constant covariates per customer"
echo
dyn_ms=$(median_of "$dyn_sql")
static_ms=$(median_of "$static_sql")
plain_ms=$(median_of "$plain_sql")
grad_ms=$(qa -c "DROP TABLE IF EXISTS dyn_state" -c "CREATE UNLOGGED TABLE dyn_state AS SELECT crm.dyncov_fit_partial(x, t_x, t, first_purchase, path, $spec) AS st FROM dyn_bench" >/dev/null;
	time_sql "SELECT count(*) FROM dyn_state, crm.loglik_gradient(crm.with_covariates(crm.paretonbd(1, 8, 2, 20), $spec, '{-0.6,0.7}', '{0.8,0.5}'), st)")
echo "| fit (median of $BENCH_REPS, fresh session each) | seconds |"
echo "|---|---:|"
printf '| time-varying covariates (path per customer) | %.2f |\n' "$(awk -v m="$dyn_ms" 'BEGIN { print m / 1000 }')"
printf '| static covariates (g, campaign share) | %.2f |\n' "$(awk -v m="$static_ms" 'BEGIN { print m / 1000 }')"
printf '| no covariates | %.2f |\n' "$(awk -v m="$plain_ms" 'BEGIN { print m / 1000 }')"
printf '| one time-varying log-likelihood + gradient evaluation | %.3f |\n' "$(awk -v m="$grad_ms" 'BEGIN { print m / 1000 }')"
echo
model=$(qa -c "$dyn_sql")
echo "| parameter | true | estimate | std. error | z | |"
echo "|---|---:|---:|---:|---:|---|"
qa -c "SELECT format('| %s | %s | %s | %s | %s | %s |', p.parameter, truth, round(p.estimate::numeric, 4), round(p.std_error::numeric, 4),
	round(((p.estimate - truth) / p.std_error)::numeric, 2), CASE WHEN abs(p.estimate - truth) <= 3 * p.std_error THEN 'PASS' ELSE 'FAIL' END)
	FROM crm.parameters('$model'::crm.paretonbd) p
	JOIN (VALUES ('r', 1.0), ('alpha', 8.0), ('s', 2.0), ('beta', 20.0), ('life.g', -0.6), ('life.contact', 0.7),
	             ('trans.season', 0.8), ('trans.contact', 0.5)) v(parameter, truth) USING (parameter)" | tee "$BENCH_DIR/../../tmp/dyncov_recovery.txt"
grep -q FAIL "$BENCH_DIR/../../tmp/dyncov_recovery.txt" && failed=1
echo
echo "- converged: $(qa -c "SELECT crm.converged('$model'::crm.paretonbd)"), iterations: $(qa -c "SELECT ('$model'::crm.paretonbd)::jsonb ->> 'iterations'")"
if awk -v m="$dyn_ms" 'BEGIN { exit !(m <= 30000) }'; then
	echo "- target time-varying fit <= 30 s at 100,000 customers x 104 weeks: met ($BENCH_CUSTOMERS customers)"
else
	echo "- target time-varying fit <= 30 s at 100,000 customers x 104 weeks: not met ($BENCH_CUSTOMERS customers)"
fi
exit $failed
