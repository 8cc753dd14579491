#!/usr/bin/env bash
# The CLV part of the benchmark: BG/NBD, MBG/NBD and Gamma-Gamma fits, and
# the summary -> fit -> CLV pipeline.  test/bench/run runs it after rfm.sh in
# the same throwaway cluster (it reuses bench_log); it also runs alone (it
# then builds, stages, starts its own cluster and generates bench_log).
#
# What it shows, side by side in one run, as medians and ratios (it asserts
# no timing; it fails only if an answer is wrong or missing):
#
#   1. CDNOW fit time.  The CDNOW sample's 2,357 customer summaries (weeks,
#      as of 1997-09-30; crm.summary ... GROUP BY customer_id).  crm.bgnbd_fit,
#      crm.mbgnbd_fit and crm.gammagamma_fit are timed in one session after an
#      untimed warm-up call (a fit takes milliseconds, less than loading the
#      library and the catalog in a fresh session), clock_timestamp() around
#      EXECUTE, scan of the table included.  Target: < 5 ms each.  The peer,
#      test/bench/peer_clv.py, is a lifetimes-equivalent numpy/scipy
#      implementation (lifetimes itself is not packaged in Debian and pip is
#      not reachable): the same maximum-likelihood fits the way lifetimes does
#      them, on the same summaries exported with \copy, timed with
#      time.perf_counter() around fit + standard errors after a warm-up fit
#      in the same process.  Both sides' estimates and standard errors are
#      printed next to each other: they are the same fit.
#   2. A synthetic base of BENCH_CUSTOMERS customers drawn from a BG/NBD and
#      a Gamma-Gamma with known parameters (lifetimes' CDNOW estimates,
#      r = 0.243, alpha = 4.414, a = 0.793, b = 2.426; p = 6.25, q = 3.74,
#      gamma = 15.44; T uniform on [39, 78) weeks, continuous times, not
#      rounded; numpy with a fixed seed, see peer_clv.py generate): crm's fit
#      time (median, a fresh session per run) against the peer's (one run:
#      it takes tens of seconds at 1M), the fit state's distinct tuples and
#      size, and the recovery check: |estimate - true| / standard error per
#      parameter, PASS when within 3 standard errors.
#   3. The pipeline on bench_log (test/bench/generate_log.py, BENCH_ROWS rows
#      for BENCH_CUSTOMERS customers): crm.summary -> crm.bgnbd_fit +
#      crm.gammagamma_fit -> crm.clv for every customer (weekly models,
#      52-week horizon, 0.1% discount per week) in one statement, against
#      the bare GROUP BY customer_id of the same log (target: at most 2x),
#      with a breakdown: summary alone, fit alone, CLV scoring alone (on
#      stored summaries and models), and a scan of the stored summaries.
#      Median of BENCH_REPS interleaved repetitions, a fresh session each.
#
# Everything runs single-threaded (max_parallel_workers_per_gather = 0),
# with work_mem = 1GB and jit = off, like summary.sh and rfm.sh.
#
# Usage:  test/bench/clv.sh
#         BENCH_ROWS=200000 BENCH_CUSTOMERS=20000 BENCH_REPS=3 test/bench/clv.sh
# Environment: BENCH_ROWS (10,000,000), BENCH_CUSTOMERS (1,000,000: the
# pipeline's customers and the synthetic base), BENCH_REPS (5), BENCH_SEED
# (0.42), BENCH_AS_OF (2024-12-24), BENCH_CLV_SEED (42: numpy seed of the
# synthetic base).  Output: stdout; run alone also test/bench/out/clv.md
# (from test/bench/run it is part of test/bench/out/latest.md).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_ROWS=${BENCH_ROWS:-10000000}
export BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
export BENCH_REPS=${BENCH_REPS:-5}
export BENCH_SEED=${BENCH_SEED:-0.42}
export BENCH_AS_OF=${BENCH_AS_OF:-2024-12-24}
export BENCH_CLV_SEED=${BENCH_CLV_SEED:-42}

# Alone: set up, then run this script again inside a throwaway cluster
if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_ROWS BENCH_CUSTOMERS BENCH_REPS BENCH_CLV_SEED || exit 2
	crm_ensure_deps
	crm_ensure_python_deps
	crm_check_data
	crm_bench_alone "$BENCH_DIR/clv.sh" clv "crm CLV benchmark"
	exit $?
fi

# Inside the cluster (plain `psql` reaches it as superuser)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"
# load the peer's result files PREFIX.{times,params,fits}.tsv (see peer_clv.py)
load_peer() {
	qa -c "\\copy clv_times (dataset, name, rep, ms) FROM '$1.times.tsv'"
	qa -c "\\copy clv_params (dataset, model, parameter, estimate, std_error) FROM '$1.params.tsv'"
	qa -c "\\copy clv_fits (dataset, model, customers, ll, iterations, converged) FROM '$1.fits.tsv'"
}
PY=/usr/bin/python3
# the files exchanged with the peer, inside the checkout
work=$(cd "$BENCH_DIR/../.." && pwd)/tmp/bench_clv
rm -rf "$work"
mkdir -p "$work"

echo
echo "# CLV: BG/NBD, MBG/NBD and Gamma-Gamma fits, and the summary → CLV pipeline"
echo
bench_ensure_log
echo "- peer: $($PY -c 'import sys, numpy, scipy; print("Python %s, numpy %s, scipy %s" % (sys.version.split()[0], numpy.__version__, scipy.__version__))')"
t0=$(now)
q -f ../load/cdnow.sql >/dev/null
q -v as_of="$BENCH_AS_OF" -f clv.sql >/dev/null
echo "- set-up (CDNOW load and summaries, pipeline summaries and models stored for the breakdown): $(secs_since "$t0") s"

# ---------------------------------------------------------------------------
echo
echo "## 1. CDNOW: fit time, crm against a lifetimes-equivalent peer"
echo
qa -c "\\copy (SELECT frequency AS x, recency AS t_x, t, monetary_value FROM clv_cdnow ORDER BY customer_id) TO '$work/cdnow.csv' WITH (FORMAT csv, HEADER true)"
echo "- $(qa -c "SELECT count(*) FROM clv_cdnow") customers ($(qa -c "SELECT count(*) FROM clv_cdnow WHERE frequency > 0") with repeat purchases)," \
	"weeks, as of 1997-09-30: \`crm.summary(purchased_on, amount, date '1997-09-30', interval '1 week') ... GROUP BY customer_id\`;" \
	"exported with \\copy for the peer"
qa -c "SELECT format('- crm: \`%s\`', sql) FROM clv_queries WHERE dataset = 'cdnow' ORDER BY ord"
echo "- crm timing: one session per repetition; each fit once untimed (loads the library, caches the" \
	"catalog and the table), then each once timed with clock_timestamp() around EXECUTE (the scan of the" \
	"2,357 rows included), the order rotated per repetition"
echo "- peer: \`test/bench/peer_clv.py\`, a lifetimes-equivalent numpy/scipy implementation, since lifetimes" \
	"itself is not packaged in Debian and pip is not reachable: lifetimes 0.11's log-likelihoods, one array" \
	"element per customer, scipy.optimize.minimize BFGS on the log-parameters from 0.1 with the gradient," \
	"tol 1e-7, time scaled to max T = 10, standard errors from the Hessian; one process per repetition," \
	"each fit once untimed, then each timed with time.perf_counter() around fit + standard errors" \
	"(the data already in numpy arrays)"
for rep in $(seq 1 "$BENCH_REPS"); do
	qa -c "SELECT clv_time_warm(ARRAY[21, 22, 23], $rep)" >/dev/null
	$PY peer_clv.py fit "$work/cdnow.csv" --dataset cdnow --models bgnbd,mbgnbd,gammagamma \
		--rep "$rep" --warmup --out "$work/cdnow"
done
load_peer "$work/cdnow"
echo
qa -v show=cdnow -f clv_report.sql

# ---------------------------------------------------------------------------
echo
echo "## 2. A synthetic base with known parameters: fit time, state size, recovery"
echo
t0=$(now)
$PY peer_clv.py generate "$work/synth_generated.csv" --customers "$BENCH_CUSTOMERS" --seed "$BENCH_CLV_SEED"
qa -c "\\copy clv_synth FROM '$work/synth_generated.csv' WITH (FORMAT csv, HEADER true)"
IFS='|' read -r synth_n synth_repeat synth_max_x synth_distinct synth_bytes <<<"$(qa -f clv_synth.sql)"
qa -c "\\copy (SELECT x, t_x, t, monetary_value FROM clv_synth ORDER BY customer_id) TO '$work/synth.csv' WITH (FORMAT csv, HEADER true)"
echo "- $synth_n customers drawn with numpy (legacy RandomState, seed $BENCH_CLV_SEED; \`peer_clv.py generate\`)" \
	"from a BG/NBD with r = 0.243, alpha = 4.414, a = 0.793, b = 2.426 (lifetimes' CDNOW estimates, weeks):" \
	"first purchase at 0, T uniform on [39, 78) weeks; purchase rate lambda ~ Gamma(r, rate alpha)," \
	"dropout probability p ~ Beta(a, b); repeat purchases a Poisson process of rate lambda, after each" \
	"one the customer drops out with probability p. Drawn exactly, without simulating each event:" \
	"x = min(N, D) with N ~ Poisson(lambda T) and D ~ Geometric(p), and t_x = T * Beta(x, N - x + 1)," \
	"the x-th of N uniform purchase times. t_x and T are continuous (not rounded). Spend per repeat" \
	"purchase from a Gamma-Gamma with p = 6.25, q = 3.74, gamma = 15.44 (lifetimes' CDNOW estimates)."
echo "- $synth_repeat customers with repeat purchases, x up to $synth_max_x;" \
	"generated, loaded with \\copy and exported again for the peer in $(secs_since "$t0") s (not timed)"
echo "- fit state (\`crm.clv_fit_partial(x, t_x, t)\`): $synth_distinct distinct (x, t_x, T) tuples" \
	"(32 bytes each: $(awk -v d="$synth_distinct" 'BEGIN { printf "%.1f", d * 32 / 1048576 }') MB)," \
	"pg_column_size $synth_bytes bytes ($(awk -v b="$synth_bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MB," \
	"$(awk -v b="$synth_bytes" -v n="$synth_n" 'BEGIN { printf "%.1f", b / n }') bytes per customer;" \
	"the size includes the transition's unflushed buffer); continuous times make nearly every customer a tuple of its own"
qa -c "SELECT format('- crm: \`%s\`', sql) FROM clv_queries WHERE dataset = 'synthetic' ORDER BY ord"
echo "- crm timing: median of $BENCH_REPS runs, a fresh session each, interleaved with the state alone" \
	"(\`crm.clv_fit_distinct(crm.clv_fit_partial(x, t_x, t))\`, the first step of the BG/NBD fit);" \
	"peer: the same script and method as in part 1, once (no warm-up: a fit takes seconds)"
for rep in $(seq 1 "$BENCH_REPS"); do
	for i in 0 1 2; do
		qa -c "SELECT clv_time($((31 + (rep - 1 + i) % 3)), $rep)" >/dev/null
	done
done
$PY peer_clv.py fit "$work/synth.csv" --dataset synthetic --models bgnbd,gammagamma --rep 1 --out "$work/synth"
load_peer "$work/synth"
echo
qa -v show=synthetic -f clv_report.sql

# ---------------------------------------------------------------------------
echo
echo "## 3. Pipeline: summary → fit → CLV of every customer, against the bare GROUP BY"
echo
echo "- bench_log: $(qa -c "SELECT count(*) FROM bench_log") rows; summaries as of $BENCH_AS_OF in weeks;" \
	"weekly BG/NBD and Gamma-Gamma, CLV over 52 weeks at 0.1% discount per week"
echo "- fit state of the pipeline's summaries: $(qa -c "SELECT crm.clv_fit_distinct(crm.clv_fit_partial(frequency, recency, t)) FROM clv_pipe_summaries")" \
	"distinct (x, t_x, T) tuples for $(qa -c "SELECT count(frequency) FROM clv_pipe_summaries") customers" \
	"(weekly periods: t_x and T are whole weeks)"
echo "- median of $BENCH_REPS interleaved repetitions, a fresh session per query:"
echo
qa -c "SELECT format('- %s: \`%s\`', name, sql) FROM clv_queries WHERE dataset = 'pipeline' ORDER BY ord"
echo
ords=(41 42 43 44 45 46)
n=${#ords[@]}
for rep in $(seq 1 "$BENCH_REPS"); do
	line="- rep $rep:"
	for i in $(seq 0 $((n - 1))); do
		ord=${ords[$(((rep - 1 + i) % n))]}
		ms=$(qa -c "SELECT round(clv_time($ord, $rep)::numeric, 1)")
		line+=" $(qa -c "SELECT name FROM clv_queries WHERE ord = $ord") $ms ms;"
	done
	echo "${line%;}"
done
echo
qa -v show=pipeline -f clv_report.sql

echo
echo "## Checks"
echo
checks=$(qa -v show=checks -f clv_report.sql)
echo "$checks"
# the last line says whether every check passed
[[ $(tail -1 <<<"$checks") == *": yes" ]]
