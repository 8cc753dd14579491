#!/usr/bin/env bash
# The merge part of the benchmark: merging the per-customer partial states of
# every aggregate that has a merge (rollup) aggregate, against fitting
# directly over the same rows.  It runs alone (it builds, stages and starts
# its own throwaway cluster); test/bench/run does not call it.
#
# What it shows, for each size in BENCH_SIZES (customers; default 10,000,
# 100,000 and 1,000,000): synthetic customers with continuous values
# (test/bench/merge.sql: almost every customer's tuple is distinct, the
# worst case for a merge) and 1 to 5 events each; for each case of
# merge_cases, the partial states, one per customer (for crm.summary_merge
# one per customer and year), built into a table first, then
#   (a) merge: the merge aggregate over all the states, plus the final
#       function where the case has one (crm.clv_fit_merge then
#       crm.bgnbd_fit_final, crm.rfm_fit_merge then crm.rfm_fit_final, ...);
#   (b) direct: the aggregate over the same rows (crm.bgnbd_fit, ...);
# the server-side execution time (EXPLAIN (ANALYZE, TIMING OFF)) of each,
# with the value made in full (pg_column_size of the result, so that a value
# finished lazily is finished inside the timing), single-threaded
# (max_parallel_workers_per_gather = 0), interleaved, median of BENCH_REPS,
# a fresh session each; and merge / direct.
# Before timing, every answer is computed both ways and compared: equal as
# text, or for the aggregates that add floats (crm.summary_merge's money
# sums, crm.pls_merge's moments) every number within 1e-12 relative.  The
# run fails if an answer differs (a comparison that runs out of
# BENCH_MERGE_TIMEOUT is reported as not compared).  No timing assertions.  Target (issue
# #24): merge <= 2x direct at 1,000,000 states for every aggregate.
#
# Usage:  test/bench/merge.sh
#         BENCH_SIZES="10000 100000" BENCH_REPS=3 test/bench/merge.sh
# Environment: BENCH_SIZES ("10000 100000 1000000"), BENCH_REPS (3),
# BENCH_MERGE_TIMEOUT (a statement_timeout for each timed query, e.g. 60s;
# default none: a query that runs out is reported as such), BENCH_CASES
# (the numbers of the cases of merge.sql to run, e.g. "1 2 5"; default
# all).  Output: stdout and test/bench/out/merge.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_SIZES=${BENCH_SIZES:-10000 100000 1000000}
export BENCH_REPS=${BENCH_REPS:-3}
export BENCH_MERGE_TIMEOUT=${BENCH_MERGE_TIMEOUT:-0}
[[ ${BENCH_CASES:-} =~ ^[0-9\ ]*$ ]] || { echo "BENCH_CASES must be case numbers" >&2; exit 2; }

# Alone: set up, then run this script again inside a throwaway cluster
if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_REPS || exit 2
	for size in $BENCH_SIZES; do
		[[ $size =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_SIZES must be positive integers" >&2; exit 2; }
	done
	crm_ensure_deps
	# the report's header names the sizes as its customers
	BENCH_CUSTOMERS="$BENCH_SIZES" crm_bench_alone "$BENCH_DIR/merge.sh" merge "crm merge benchmark"
	exit $?
fi

# Inside the cluster (plain `psql` reaches it as superuser)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off -c client_min_messages=error"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"

if [ "$(qa -c "SELECT count(*) FROM pg_extension WHERE extname = 'crm'")" -eq 0 ]; then
	echo "- PostgreSQL: $(qa -c 'SELECT version()')"
	q -c "CREATE EXTENSION crm"
fi
echo "- settings for all queries: \`$PGOPTIONS\`"

# A case's query (direct or merge) as (k, v): k the customer of a grouped
# case, 0 otherwise
keyed() {	# sql grouped
	if [ "$2" = t ]; then echo "SELECT k, v FROM ($1) q(k, v)"; else echo "SELECT 0 AS k, v FROM ($1) q(v)"; fi
}

# One timed run of a query: its execution time in ms, or "timeout"
timed() {	# sql
	local out
	if out=$(qa -c "SET statement_timeout = '$BENCH_MERGE_TIMEOUT'" \
		-c "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) SELECT sum(pg_column_size(v)) FROM ($1) q" 2>&1); then
		/usr/bin/python3 -c 'import json, sys; print("%.1f" % json.loads(sys.stdin.read())[0]["Execution Time"])' <<<"$out"
	elif grep -q 'statement timeout' <<<"$out"; then
		echo timeout
	else
		echo "$out" >&2
		return 1
	fi
}

# Append one timed run of a query to an array, or "timeout" without running
# it again once it has timed out
time_into() {	# name of an array, sql
	local -n into=$1
	if printf '%s\n' "${into[@]}" | grep -q timeout; then into+=(timeout); else into+=("$(timed "$2")"); fi
}

# A median with its unit ("timeout" as it is)
with_ms() { if [ "$1" = timeout ]; then echo timeout; else echo "$1 ms"; fi; }

# The median of BENCH_REPS times (timeout if any run timed out)
median_of() {	# name of an array
	local -n times=$1
	if printf '%s\n' "${times[@]}" | grep -q timeout; then echo timeout; else printf '%s\n' "${times[@]}" | median; fi
}

# the cases to run (BENCH_CASES: their numbers in merge.sql; default all)
selected="true"
# shellcheck disable=SC2086 # word splitting trims the list
[ -z "${BENCH_CASES:-}" ] || selected="ord IN ($(echo $BENCH_CASES | tr ' ' ','))"
rows=()
ok=yes
unchecked=0
for size in $BENCH_SIZES; do
	echo
	echo "## $size customers"
	echo
	t0=$(now)
	q -v n="$size" -f merge.sql >/dev/null
	echo "- data: $(qa -c "SELECT count(*) FROM mb_customers") customers" \
		"($(qa -c "SELECT count(DISTINCT (x, t_x, t)) FROM mb_customers") distinct (x, t_x, T))," \
		"$(qa -c "SELECT count(*) FROM mb_events") events, made in $(secs_since "$t0") s"
	# the states, one table per distinct states name
	while IFS='|' read -r states build; do
		t0=$(now)
		q -c "DROP TABLE IF EXISTS $states" -c "CREATE UNLOGGED TABLE $states AS $build" -c "VACUUM ANALYZE $states"
		echo "- $states: $(qa -c "SELECT count(*) FROM $states") states," \
			"$(qa -c "SELECT pg_size_pretty(pg_table_size('$states'))") (built in $(secs_since "$t0") s)"
	done < <(qa -F'|' -c "SELECT states, build FROM merge_cases
		WHERE build IS NOT NULL AND states IN (SELECT states FROM merge_cases WHERE $selected) ORDER BY ord")

	mapfile -t ords < <(qa -c "SELECT ord FROM merge_cases WHERE $selected ORDER BY ord")
	for ord in "${ords[@]}"; do
		IFS='|' read -r name states exact grouped <<<"$(qa -F'|' -c "SELECT name, states, exact, grouped FROM merge_cases WHERE ord = $ord")"
		direct=$(keyed "$(qa -c "SELECT direct FROM merge_cases WHERE ord = $ord")" "$grouped")
		merge=$(keyed "$(qa -c "SELECT merge FROM merge_cases WHERE ord = $ord")" "$grouped")
		n_states=$(qa -c "SELECT count(*) FROM $states")
		# the answers, both ways (not timed)
		if [ "$exact" = t ]; then same="d.v::text = m.v::text"; else same="merge_bench_close(d.v::text, m.v::text)"; fi
		differ=$(qa -c "SET statement_timeout = '$BENCH_MERGE_TIMEOUT'" -c "SELECT count(*) FROM ($direct) d FULL JOIN ($merge) m USING (k)
			WHERE d.k IS NULL OR m.k IS NULL OR NOT coalesce($same, d.v IS NULL AND m.v IS NULL)" 2>&1) ||
			{ grep -q 'statement timeout' <<<"$differ" || { echo "$differ" >&2; exit 1; }; differ=timeout; }
		if [ "$differ" = timeout ]; then
			answers="not compared (timeout)"
			unchecked=$((unchecked + 1))
		elif [ "$differ" -ne 0 ]; then
			answers="**differ ($differ)**"
			ok=no
		elif [ "$exact" = t ]; then
			answers="identical"
		else
			answers="within 1e-12"
		fi
		# the timing, interleaved
		d_times=()
		m_times=()
		for rep in $(seq 1 "$BENCH_REPS"); do
			if [ $((rep % 2)) -eq 1 ]; then
				time_into d_times "$direct"
				time_into m_times "$merge"
			else
				time_into m_times "$merge"
				time_into d_times "$direct"
			fi
		done
		d_med=$(median_of d_times)
		m_med=$(median_of m_times)
		if [ "$d_med" = timeout ] || [ "$m_med" = timeout ]; then
			ratio="—"
		else
			ratio=$(awk -v a="$m_med" -v b="$d_med" 'BEGIN { printf "%.2f×", a / b }')
		fi
		echo "- $name, $n_states states: direct $(with_ms "$d_med"), merge $(with_ms "$m_med") ($ratio), answers $answers"
		rows+=("$ord|$size|| $name | $n_states | $d_med | $m_med | $ratio | $answers |")
	done
done

echo
echo "## Merge against direct"
echo
echo "Server-side execution time (EXPLAIN ANALYZE, TIMING OFF; the result's pg_column_size), median of $BENCH_REPS interleaved repetitions, a fresh session each, one backend:"
echo
echo "| aggregate | states | direct ms | merge ms | merge / direct | answers |"
echo "|---|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}" | sort -t'|' -k1,1n -k2,2n | cut -d'|' -f3-
echo
echo "(target: merge <= 2× direct at 1,000,000 states for every aggregate; timeouts: ${BENCH_MERGE_TIMEOUT})"
echo
echo "answers identical: $ok$([ "$unchecked" -eq 0 ] || echo " ($unchecked cases not compared: timeout)")"
[ "$ok" = yes ]
