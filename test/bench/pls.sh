#!/usr/bin/env bash
# The PLS part of the benchmark: PLS path modelling of the ECSI model.
# test/bench/run runs it after cohort.sh in the same throwaway cluster; it
# also runs alone (it then builds, stages and starts its own cluster).
#
# What it shows (it asserts no timing; it fails only if a fit does not
# converge or an answer is not finite):
#
#   1. plspm's satisfaction data (250 respondents, 27 items): crm.pls_fit
#      of the ECSI model, centroid scheme, unscaled items (the README
#      example), timed in one session per repetition after an untimed
#      warm-up fit, clock_timestamp() around EXECUTE, the scan of the table
#      included.  R is not installed, so there is no peer; the fit's path
#      coefficients are printed (the reference test checks them).
#   2. A synthetic survey of BENCH_RESPONDENTS respondents (default
#      1,000,000) answering the 27 items on a 1-10 scale, generated in SQL
#      from a known structural model (test/bench/pls.sql): the fit time
#      (median of BENCH_REPS, a fresh session each, interleaved with the
#      other queries), the fit on a precomputed state alone (the algorithm,
#      in a warm session), the same moments in plain SQL (27 avg and 378
#      covar_pop aggregates in one pass), and the scan floor (count(*) of
#      the table); the size of
#      the state (pg_column_size of crm.pls_partial: 40 bytes + 8 per mean
#      and co-moment, whatever the number of rows) and of the model; and the
#      estimates next to the generating coefficients.
#
# Single-threaded (max_parallel_workers_per_gather = 0), work_mem = 1GB,
# jit = off.
#
# Usage:  test/bench/pls.sh
#         BENCH_RESPONDENTS=100000 BENCH_REPS=3 test/bench/pls.sh
# Environment: BENCH_RESPONDENTS (BENCH_CUSTOMERS if set, else 1,000,000),
# BENCH_REPS (5), BENCH_SEED (0.42).  Output: stdout; run alone also
# test/bench/out/pls.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_RESPONDENTS=${BENCH_RESPONDENTS:-${BENCH_CUSTOMERS:-1000000}}
export BENCH_REPS=${BENCH_REPS:-5}
export BENCH_SEED=${BENCH_SEED:-0.42}

# Alone: set up, then run this script again inside a throwaway cluster
if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_RESPONDENTS BENCH_REPS || exit 2
	crm_ensure_deps
	crm_check_data
	BENCH_ROWS=$BENCH_RESPONDENTS BENCH_CUSTOMERS=$BENCH_RESPONDENTS crm_bench_alone "$BENCH_DIR/pls.sh" pls "crm PLS path modelling benchmark"
	exit $?
fi

# Inside the cluster (plain `psql` reaches it as superuser)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"
failed=0

# milliseconds of one statement in a fresh session (server side), after an
# untimed run of it in the same session if the second argument is "warm"
time_query() {
	local sql=$1 warm=$2
	local args=()
	[ "$warm" = warm ] && args+=(-c "SELECT count(*) FROM ($sql) w")
	qa "${args[@]}" -c "DO \$\$ DECLARE t0 timestamptz := clock_timestamp(); m record;
		BEGIN EXECUTE \$q\$$sql\$q\$ INTO m;
		RAISE NOTICE '%', round(1000 * extract(epoch FROM clock_timestamp() - t0), 3); END \$\$" 2>&1 >/dev/null |
		sed -n 's/.*NOTICE:  //p'
}

spec='{"blocks": {"IMAG": [1, 2, 3, 4, 5], "EXPE": [6, 7, 8, 9, 10], "QUAL": [11, 12, 13, 14, 15], "VAL": [16, 17, 18, 19], "SAT": [20, 21, 22, 23], "LOY": [24, 25, 26, 27]}, "paths": [["IMAG", "EXPE"], ["IMAG", "SAT"], ["IMAG", "LOY"], ["EXPE", "QUAL"], ["EXPE", "VAL"], ["EXPE", "SAT"], ["QUAL", "VAL"], ["QUAL", "SAT"], ["VAL", "SAT"], ["SAT", "LOY"]]}'

echo
echo "# PLS path modelling: the ECSI model on 250 and on $BENCH_RESPONDENTS respondents"
echo
if [ "$(qa -c "SELECT count(*) FROM pg_extension WHERE extname = 'crm'")" -eq 0 ]; then
	echo "- PostgreSQL: $(qa -c 'SELECT version()')"
	q -c "CREATE EXTENSION crm"
fi
echo "- settings: max_parallel_workers_per_gather = 0, work_mem = 1GB, jit = off"

# ---------------------------------------------------------------------------
echo
echo "## 1. plspm's satisfaction data (250 respondents)"
echo
if [ "$(qa -c "SELECT count(*) FROM pg_class WHERE relname = 'ecsi_items'")" -eq 0 ]; then
	q -f ../load/ecsi.sql >/dev/null
fi
ecsi_sql="SELECT crm.pls_fit(items, '$spec', 'centroid', false) FROM ecsi_items"
echo "- crm: \`SELECT crm.pls_fit(items, <ECSI spec>, 'centroid', false) FROM ecsi_items\`; one session per repetition, a warm-up fit, then one timed"
ecsi_ms=()
for rep in $(seq 1 "$BENCH_REPS"); do
	ecsi_ms+=("$(time_query "$ecsi_sql" warm)")
done
ecsi_median=$(printf '%s\n' "${ecsi_ms[@]}" | median)
ecsi_model=$(qa -c "$ecsi_sql")
echo "- fit times (ms): ${ecsi_ms[*]}"
echo
echo "| | value |"
echo "|---|---:|"
printf '| fit time, median of %d (ms) | %.3f |\n' "$BENCH_REPS" "$ecsi_median"
qa -c "SELECT format('| iterations, converged | %s, %s |', iterations, converged) FROM crm.pls_summary('$ecsi_model'::crm.pls_model)"
qa -c "SELECT format('| state (pg_column_size of crm.pls_partial) | %s bytes |', pg_column_size(crm.pls_partial(items))) FROM ecsi_items"
qa -c "SELECT format('| model (pg_column_size, text length) | %s bytes, %s characters |', pg_column_size(m), length(m::text)) FROM ($ecsi_sql) f(m)"
echo
echo "| path | coefficient |"
echo "|---|---:|"
qa -c "SELECT format('| %s → %s | %s |', from_lv, to_lv, round(coefficient::numeric, 6)) FROM crm.pls_paths('$ecsi_model'::crm.pls_model)"
[ "$(qa -c "SELECT crm.converged('$ecsi_model'::crm.pls_model)")" = t ] || failed=1

# ---------------------------------------------------------------------------
echo
echo "## 2. A synthetic survey of $BENCH_RESPONDENTS respondents"
echo
t0=$(now)
qa -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS pls_bench, pls_bench_sql, pls_bench_state" -c "DROP FUNCTION IF EXISTS bench_answer(float8, float8, float8)"
q -v respondents="$BENCH_RESPONDENTS" -v seed="$BENCH_SEED" -f pls.sql >/dev/null
q -c "CREATE TABLE pls_bench_state AS SELECT crm.pls_partial(items) AS s FROM pls_bench"
echo "- generated pls_bench in $(secs_since "$t0") s (\`test/bench/pls.sql\`, seed $BENCH_SEED):" \
	"$(qa -c "SELECT pg_size_pretty(pg_total_relation_size('pls_bench'))"), 27 items per respondent on 1-10," \
	"from IMAG = e1, EXPE = 0.6 IMAG + 0.8 e2, QUAL = 0.8 EXPE + 0.6 e3, VAL = 0.2 EXPE + 0.6 QUAL + 0.6 e4," \
	"SAT = 0.2 IMAG + 0.1 EXPE + 0.2 QUAL + 0.5 VAL + 0.5 e5, LOY = 0.3 IMAG + 0.5 SAT + 0.7 e6, item loadings 0.7-0.9"
synth_sql="SELECT crm.pls_fit(items, '$spec', 'centroid', false) FROM pls_bench"
final_sql="SELECT crm.pls_fit_final(s, '$spec', 'centroid', false) FROM pls_bench_state"
moments_sql=$(qa -c "SELECT sql FROM pls_bench_sql")
scan_sql="SELECT count(*) FROM pls_bench"
names=("crm.pls_fit (scan, moments, fit)" "plain SQL moments (27 avg + 378 covar_pop)" "scan floor (count(*))" "crm.pls_fit_final on a stored state (the algorithm)")
sqls=("$synth_sql" "$moments_sql" "$scan_sql" "$final_sql")
echo "- queries: \`SELECT crm.pls_fit(items, <ECSI spec>, 'centroid', false) FROM pls_bench\`;" \
	"the moments in plain SQL (\`SELECT avg(x1), ..., covar_pop(x1, x1), ... FROM (SELECT items[1] AS x1, ... FROM pls_bench) q\`);" \
	"\`SELECT count(*) FROM pls_bench\`; \`crm.pls_fit_final(state, <ECSI spec>, 'centroid', false)\` on the state stored in a table"
declare -A times
for rep in $(seq 1 "$BENCH_REPS"); do
	line="- rep $rep:"
	for i in $(seq 0 3); do
		k=$(((rep - 1 + i) % 4))
		# the algorithm alone in a warm session (library loaded); the scans cold
		ms=$(time_query "${sqls[$k]}" "$([ "$k" -eq 3 ] && echo warm || echo cold)")
		times[$k]+="$ms "
		line+=" ${names[$k]} $ms ms;"
	done
	echo "${line%;}"
done
fit_median=$(tr ' ' '\n' <<<"${times[0]}" | grep . | median)
echo
echo "| query | median ms | ratio to crm.pls_fit |"
echo "|---|---:|---:|"
for k in 0 1 2 3; do
	m=$(tr ' ' '\n' <<<"${times[$k]}" | grep . | median)
	printf '| %s | %.1f | %.3f |\n' "${names[$k]}" "$m" "$(awk -v a="$m" -v b="$fit_median" 'BEGIN { print a / b }')"
done
synth_model=$(qa -c "$synth_sql")
echo
echo "| | value |"
echo "|---|---:|"
qa -c "SELECT format('| state (pg_column_size of crm.pls_partial over all rows) | %s bytes = 40 + 8 × (27 + 378) |', pg_column_size(crm.pls_partial(items))) FROM pls_bench"
qa -c "SELECT format('| model (pg_column_size) | %s bytes |', pg_column_size('$synth_model'::crm.pls_model))"
qa -c "SELECT format('| respondents, iterations, converged | %s, %s, %s |', respondents, iterations, converged) FROM crm.pls_summary('$synth_model'::crm.pls_model)"
echo
echo "Estimates next to the generating coefficients (PLS composites carry measurement error, so the estimates are near, not equal to, the structural values; the generating equations are not standardized):"
echo
echo "| path | generating | estimate |"
echo "|---|---:|---:|"
qa -c "SELECT format('| %s → %s | %s | %s |', p.from_lv, p.to_lv, g.value, round(p.coefficient::numeric, 4))
       FROM crm.pls_paths('$synth_model'::crm.pls_model) p
       JOIN (VALUES ('IMAG', 'EXPE', 0.6), ('IMAG', 'SAT', 0.2), ('IMAG', 'LOY', 0.3), ('EXPE', 'QUAL', 0.8),
                    ('EXPE', 'VAL', 0.2), ('EXPE', 'SAT', 0.1), ('QUAL', 'VAL', 0.6), ('QUAL', 'SAT', 0.2),
                    ('VAL', 'SAT', 0.5), ('SAT', 'LOY', 0.5)) g(from_lv, to_lv, value) USING (from_lv, to_lv)"
echo
qa -c "SELECT format('R²: %s', string_agg(lv || ' ' || round(r2::numeric, 3), ', ')) FROM crm.pls_r2('$synth_model'::crm.pls_model) WHERE endogenous"
if [ "$(qa -c "SELECT crm.converged('$synth_model'::crm.pls_model) AND (SELECT bool_and(coefficient > 0) FROM crm.pls_paths('$synth_model'::crm.pls_model))")" != t ]; then
	echo "- the synthetic fit did not converge or has a non-positive path: FAILED"
	failed=1
fi
exit $failed
