#!/usr/bin/env bash
# The Pareto/NBD part of the benchmark.  test/bench/run runs it after clv.sh
# in the same throwaway cluster; it also runs alone (it then builds, stages
# and starts its own cluster).
#
# What it shows, side by side in one run, as medians and ratios (it asserts
# no timing; it fails only if an answer is wrong):
#
#   1. CDNOW fit time.  The CDNOW sample's 2,357 customer summaries (weeks,
#      as of 1997-09-30).  crm.paretonbd_fit timed in one session per
#      repetition after an untimed warm-up fit, clock_timestamp() around
#      EXECUTE, the scan of the table included (target: < 25 ms).  The peer,
#      test/bench/peer_clv.py, fits the same summaries the way lifetimes 0.11's
#      ParetoNBDFitter does: its log-likelihood with scipy.special.hyp2f1 in
#      log space (_log_A_0), Nelder-Mead on the log-parameters from 0.1, tol
#      1e-6, time scaled to max T = 10; one process per repetition, a warm-up
#      fit, then the fit and its standard errors timed with perf_counter().
#      Both sides' estimates and log-likelihoods are printed.
#   2. A synthetic base of BENCH_CUSTOMERS customers drawn from the Pareto/NBD
#      with the published CDNOW parameters (r = 0.553, alpha = 10.578, s =
#      0.606, beta = 11.669; T uniform on [39, 78) weeks, continuous times;
#      peer_clv.py generate --model paretonbd): crm's fit time (median, a fresh
#      session each), the fit state's size, and the recovery check
#      |estimate - true| / standard error per parameter (PASS within 3).  The
#      peer is not run at this size: Nelder-Mead needs hundreds of
#      log-likelihood evaluations; one evaluation of the peer's vectorized
#      log-likelihood on the same customers is timed instead, for scale.
#   3. The same base with two static covariates per process (peer_clv.py
#      generate --model paretonbd_cov): crm's fit with covariates (target:
#      <= 10 s at 1M customers), one evaluation of its log-likelihood with
#      gradient (crm.loglik_gradient on the stored fit state), the state's
#      size and the recovery of the parameters and coefficients (PASS
#      within 3 standard errors).
#
# Usage:  test/bench/pnbd.sh
#         BENCH_CUSTOMERS=100000 BENCH_REPS=3 test/bench/pnbd.sh
# Environment: BENCH_CUSTOMERS (1,000,000), BENCH_REPS (5), BENCH_CLV_SEED
# (42: numpy seed of the synthetic base).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
export BENCH_REPS=${BENCH_REPS:-5}
export BENCH_CLV_SEED=${BENCH_CLV_SEED:-42}

# Alone: set up, then run this script again inside a throwaway cluster
if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_CUSTOMERS BENCH_REPS BENCH_CLV_SEED || exit 2
	crm_ensure_deps
	crm_ensure_python_deps
	crm_check_data
	crm_bench_alone "$BENCH_DIR/pnbd.sh" pnbd "crm Pareto/NBD benchmark"
	exit $?
fi

# Inside the cluster (plain `psql` reaches it as superuser)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"
PY=/usr/bin/python3
work=$(cd "$BENCH_DIR/../.." && pwd)/tmp/bench_pnbd
rm -rf "$work"
mkdir -p "$work"
failed=0

# milliseconds of one statement in a fresh session (server side), after an
# untimed run of it in the same session if the second argument is "warm"
time_fit() {
	local sql=$1 warm=$2
	local args=()
	[ "$warm" = warm ] && args+=(-c "SELECT count(*) FROM ($sql) w")
	qa "${args[@]}" -c "DO \$\$ DECLARE t0 timestamptz := clock_timestamp(); m record;
		BEGIN EXECUTE \$q\$$sql\$q\$ INTO m;
		RAISE NOTICE '%', round(1000 * extract(epoch FROM clock_timestamp() - t0), 3); END \$\$" 2>&1 >/dev/null |
		sed -n 's/.*NOTICE:  //p'
}

echo
echo "# Pareto/NBD: fit time against a lifetimes-equivalent peer, and recovery of known parameters"
echo
[ "$(qa -c "SELECT count(*) FROM pg_extension WHERE extname = 'crm'")" -eq 1 ] || qa -c "CREATE EXTENSION crm"
echo "- peer: $($PY -c 'import sys, numpy, scipy; print("Python %s, numpy %s, scipy %s" % (sys.version.split()[0], numpy.__version__, scipy.__version__))')"

# ---------------------------------------------------------------------------
echo
echo "## 1. CDNOW"
echo
if [ "$(qa -c "SELECT count(*) FROM pg_class WHERE relname = 'cdnow_log'")" -eq 0 ]; then
	qa -f ../load/cdnow.sql >/dev/null
fi
qa -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS pnbd_cdnow" -c "CREATE TABLE pnbd_cdnow AS SELECT customer_id, (crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week')).* FROM cdnow_log GROUP BY customer_id" -c "VACUUM ANALYZE pnbd_cdnow"
qa -c "\\copy (SELECT frequency AS x, recency AS t_x, t, 0 AS monetary_value FROM pnbd_cdnow ORDER BY customer_id) TO '$work/cdnow.csv' WITH (FORMAT csv, HEADER true)"
cdnow_sql="SELECT crm.paretonbd_fit(frequency, recency, t) FROM pnbd_cdnow"
echo "- crm: \`$cdnow_sql\`; one session per repetition, a warm-up fit, then one timed"
crm_ms=()
for rep in $(seq 1 "$BENCH_REPS"); do
	crm_ms+=("$(time_fit "$cdnow_sql" warm)")
	$PY peer_clv.py fit "$work/cdnow.csv" --dataset cdnow --models paretonbd --rep "$rep" --warmup --out "$work/cdnow"
done
crm_median=$(printf '%s\n' "${crm_ms[@]}" | median)
peer_median=$(cut -f4 "$work/cdnow.times.tsv" | median)
echo
echo "| | crm | peer | peer / crm |"
echo "|---|---:|---:|---:|"
printf '| fit time, median of %d (ms) | %.2f | %.1f | %.0f× |\n' "$BENCH_REPS" "$crm_median" "$peer_median" \
	"$(awk -v a="$peer_median" -v b="$crm_median" 'BEGIN { print a / b }')"
model=$(qa -c "$cdnow_sql")
qa -c "SELECT format('| %s | %s | %s | |', p.parameter, round(p.estimate::numeric, 4), round(peer.estimate::numeric, 4))
       FROM crm.parameters('$model'::crm.paretonbd) p
       JOIN (VALUES $(awk -F'\t' '$3 != "" { printf "%s(%s, %s)", (n++ ? ", " : ""), "'"'"'" $3 "'"'"'", $4 }' "$work/cdnow.params.tsv")) peer(parameter, estimate)
       USING (parameter)"
printf '| log-likelihood | %s | %s | |\n' "$(qa -c "SELECT round(crm.loglik('$model'::crm.paretonbd)::numeric, 3)")" \
	"$(awk -F'\t' '{ printf "%.3f", $4 }' "$work/cdnow.fits.tsv")"
echo
echo "- crm fit times (ms): ${crm_ms[*]}; peer: $(cut -f4 "$work/cdnow.times.tsv" | tr '\n' ' ')"
if awk -v m="$crm_median" 'BEGIN { exit !(m < 25) }'; then
	echo "- target CDNOW fit < 25 ms: met"
else
	echo "- target CDNOW fit < 25 ms: not met"
fi

# ---------------------------------------------------------------------------
echo
echo "## 2. A synthetic base with known parameters"
echo
$PY peer_clv.py generate "$work/synth.csv" --customers "$BENCH_CUSTOMERS" --seed "$BENCH_CLV_SEED" --model paretonbd
qa -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS pnbd_synth" -c "CREATE TABLE pnbd_synth (customer_id int, x float8, t_x float8, t float8, monetary_value float8)" \
	-c "\\copy pnbd_synth FROM '$work/synth.csv' WITH (FORMAT csv, HEADER true)" -c "VACUUM ANALYZE pnbd_synth"
synth_sql="SELECT crm.paretonbd_fit(x, t_x, t) FROM pnbd_synth"
IFS='|' read -r n repeat max_x distinct bytes <<<"$(qa -c "SELECT count(*), count(*) FILTER (WHERE x > 0), max(x), crm.clv_fit_distinct(crm.clv_fit_partial(x, t_x, t)), pg_column_size(crm.clv_fit_compact(crm.clv_fit_partial(x, t_x, t))) FROM pnbd_synth")"
echo "- $n customers drawn with numpy (legacy RandomState, seed $BENCH_CLV_SEED; \`peer_clv.py generate --model paretonbd\`)" \
	"from a Pareto/NBD with r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669 (the published CDNOW estimates, weeks):" \
	"T uniform on [39, 78), lambda ~ Gamma(r, rate alpha), mu ~ Gamma(s, rate beta), lifetime ~ Exponential(mu)," \
	"x ~ Poisson(lambda min(lifetime, T)), t_x the last of x uniform purchase times; $repeat with repeat purchases, x up to $max_x"
echo "- fit state: $distinct distinct (x, t_x, T) tuples, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MB compacted"
echo "- crm: \`$synth_sql\`, a fresh session per repetition"
synth_ms=()
for rep in $(seq 1 "$BENCH_REPS"); do
	synth_ms+=("$(time_fit "$synth_sql" cold)")
done
synth_median=$(printf '%s\n' "${synth_ms[@]}" | median)
peer_eval_ms=$($PY -c "
import sys, time, numpy as np
sys.path.insert(0, '.')
import peer_clv
np.seterr(all='ignore')
d = np.loadtxt('$work/synth.csv', delimiter=',', skiprows=1)
x, t_x, T = d[:, 1], d[:, 2], d[:, 3]
p = np.array([0.553, 10.578, 0.606, 11.669])
peer_clv.paretonbd_loglik(p, x, t_x, T, False)
t0 = time.perf_counter(); peer_clv.paretonbd_loglik(p, x, t_x, T, False); print('%.1f' % ((time.perf_counter() - t0) * 1000))")
synth_model=$(qa -c "$synth_sql")
echo
echo "| | value |"
echo "|---|---:|"
printf '| crm fit time, median of %d (ms) | %.1f |\n' "$BENCH_REPS" "$synth_median"
printf '| peer: one log-likelihood evaluation (ms) | %s |\n' "$peer_eval_ms"
printf '| crm iterations, log-likelihood | %s |\n' "$(qa -c "SELECT crm.iterations('$synth_model'::crm.paretonbd) || ', ' || round(crm.loglik('$synth_model'::crm.paretonbd)::numeric, 1)")"
echo
echo "| parameter | true | estimate | std. error | \\|estimate - true\\| / SE | |"
echo "|---|---:|---:|---:|---:|---|"
recovery=$(qa -c "SELECT format('| %s | %s | %s | %s | %s | %s |', p.parameter, truth, round(p.estimate::numeric, 4), round(p.std_error::numeric, 4),
                   round((abs(p.estimate - truth) / p.std_error)::numeric, 2), CASE WHEN abs(p.estimate - truth) <= 3 * p.std_error THEN 'PASS' ELSE 'FAIL' END)
              FROM crm.parameters('$synth_model'::crm.paretonbd) p
              JOIN (VALUES ('r', 0.553), ('alpha', 10.578), ('s', 0.606), ('beta', 11.669)) v(parameter, truth) USING (parameter)")
echo "$recovery"
echo
echo "- crm fit times (ms): ${synth_ms[*]}"
if grep -q FAIL <<<"$recovery" || [ "$(qa -c "SELECT crm.converged('$synth_model'::crm.paretonbd)")" != t ]; then
	echo "- recovery: FAILED"
	failed=1
else
	echo "- recovery: every parameter within 3 standard errors, fit converged"
fi

# ---------------------------------------------------------------------------
echo
echo "## 3. The synthetic base with two static covariates per process"
echo
$PY peer_clv.py generate "$work/cov.csv" --customers "$BENCH_CUSTOMERS" --seed "$BENCH_CLV_SEED" --model paretonbd_cov
qa -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS pnbd_cov" -c "CREATE TABLE pnbd_cov (customer_id int, x float8, t_x float8, t float8, g float8, a float8, c float8)" \
	-c "\\copy pnbd_cov FROM '$work/cov.csv' WITH (FORMAT csv, HEADER true)" -c "VACUUM ANALYZE pnbd_cov"
cov_spec="crm.covariates('{g,a}', '{g,c}')"
cov_sql="SELECT crm.paretonbd_fit(x, t_x, t, ARRAY[g, a], ARRAY[g, c], $cov_spec) FROM pnbd_cov"
qa -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS pnbd_cov_state" \
	-c "CREATE TABLE pnbd_cov_state AS SELECT crm.clv_fit_partial(x, t_x, t, ARRAY[g, a], ARRAY[g, c], $cov_spec) AS s FROM pnbd_cov"
IFS='|' read -r distinct bytes <<<"$(qa -c "SELECT crm.clv_fit_distinct(s), pg_column_size(s) FROM pnbd_cov_state")"
echo "- the same draws as section 2 in form (\`peer_clv.py generate --model paretonbd_cov\`, seed $BENCH_CLV_SEED), with alpha_i = alpha" \
	"exp(-(0.3 g - 0.4 c)) and beta_i = beta exp(-(-0.3 g + 0.4 a)): g, c 0/1 (half, 40 % of the customers), a uniform on [-1, 1)"
echo "- fit state: $distinct distinct (x, t_x, T, covariates) tuples, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MB compacted"
echo "- crm: \`$cov_sql\`, a fresh session per repetition (target: <= 10 s)"
cov_ms=()
for rep in $(seq 1 "$BENCH_REPS"); do
	cov_ms+=("$(time_fit "$cov_sql" cold)")
done
cov_median=$(printf '%s\n' "${cov_ms[@]}" | median)
cov_model=$(qa -c "SET client_min_messages = warning" -c "$cov_sql")
# one evaluation of the fit's objective with its gradient: crm.loglik_gradient on the stored state
eval_ms=$(time_fit "SELECT count(*) FROM pnbd_cov_state, crm.loglik_gradient('$cov_model'::crm.paretonbd, s)" warm)
echo
echo "| | value |"
echo "|---|---:|"
printf '| crm fit time, median of %d (ms) | %.1f |\n' "$BENCH_REPS" "$cov_median"
printf '| one log-likelihood evaluation with its gradient, from the stored state (ms) | %.1f |\n' "$eval_ms"
printf '| crm iterations, log-likelihood | %s |\n' "$(qa -c "SELECT crm.iterations('$cov_model'::crm.paretonbd) || ', ' || round(crm.loglik('$cov_model'::crm.paretonbd)::numeric, 1)")"
echo
echo "| parameter | true | estimate | std. error | \\|estimate - true\\| / SE | |"
echo "|---|---:|---:|---:|---:|---|"
cov_recovery=$(qa -c "SELECT format('| %s | %s | %s | %s | %s | %s |', p.parameter, truth, round(p.estimate::numeric, 4), round(p.std_error::numeric, 4),
                   round((abs(p.estimate - truth) / p.std_error)::numeric, 2), CASE WHEN abs(p.estimate - truth) <= 3 * p.std_error THEN 'PASS' ELSE 'FAIL' END)
              FROM crm.parameters('$cov_model'::crm.paretonbd) p
              JOIN (VALUES ('r', 0.553), ('alpha', 10.578), ('s', 0.606), ('beta', 11.669), ('life.g', -0.3), ('life.a', 0.4),
                           ('trans.g', 0.3), ('trans.c', -0.4)) v(parameter, truth) USING (parameter)")
echo "$cov_recovery"
echo
echo "- crm fit times (ms): ${cov_ms[*]}"
if grep -q FAIL <<<"$cov_recovery" || [ "$(qa -c "SELECT crm.converged('$cov_model'::crm.paretonbd)")" != t ]; then
	echo "- recovery with covariates: FAILED"
	failed=1
else
	echo "- recovery with covariates: every parameter and coefficient within 3 standard errors, fit converged"
fi
if awk -v m="$cov_median" 'BEGIN { exit !(m <= 10000) }'; then
	echo "- target fit with covariates <= 10 s: met"
else
	echo "- target fit with covariates <= 10 s: not met"
fi
exit $failed
