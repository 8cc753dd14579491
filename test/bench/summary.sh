#!/usr/bin/env bash
# The crm.summary benchmark proper, run by test/bench/run inside a throwaway
# PostgreSQL cluster (plain `psql` reaches it as superuser): generate the
# data once, check that crm.summary and plain SQL agree, time the queries,
# print Markdown on stdout.  Exits non-zero if the answers differ.
#
# Environment: BENCH_ROWS, BENCH_CUSTOMERS, BENCH_REPS, BENCH_SEED,
# BENCH_AS_OF (defaults set by test/bench/run).
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$BENCH_DIR"

as_of=$BENCH_AS_OF
# The same settings for every session and query: no parallelism, no JIT,
# and enough memory for every hash table and sort to stay in memory
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"

q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }          # run SQL quietly
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }     # ... and read the values
now() { date +%s.%N; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

echo "- PostgreSQL: $(qa -c 'SELECT version()')"
echo "- settings for all queries: $(qa -c "SELECT string_agg(name || ' = ' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'work_mem', 'jit', 'shared_buffers', 'hash_mem_multiplier')")"
echo

q -c "CREATE EXTENSION crm"

echo "## Data"
echo
. "$BENCH_DIR/common.sh"
bench_generate_log
echo "- as_of = $as_of, unit = 1 week"

q -v as_of="$as_of" -f queries.sql >/dev/null

echo
echo "## Correctness"
echo
t0=$(now)
verify=$(qa -v as_of="$as_of" -f verify.sql)
IFS='|' read -r compared mismatched nulls avg_days max_days repeats refunds late <<<"$(head -1 <<<"$verify")"
echo "- $compared customers with a purchase up to as_of; $nulls more have a NULL summary (only refunds or later rows)"
echo "- distinct purchase days per customer: mean $avg_days, max $max_days; $repeats same-day repeat rows;" \
	"$refunds refund rows; $late rows after as_of"
echo "- check took $(ms_since "$t0") ms (both versions computed in full, compared per customer)"
echo
if [ "$mismatched" -eq 0 ]; then
	echo "answers identical: yes ($compared customers compared)"
else
	echo "answers identical: no ($compared customers compared, $mismatched differ)"
	echo
	echo "First differing customers (id | crm | plain SQL):"
	echo
	tail -n +2 <<<"$verify" | sed 's/^/    /'
	exit 1
fi

echo
echo "## Timing"
echo
echo "Median of $BENCH_REPS interleaved repetitions; wall time measured in the server" \
	"(clock_timestamp() around EXECUTE, a fresh session per query)."
echo "Each query folds the per-customer rows into one row (see test/bench/queries.sql):"
echo
qa -c "SELECT format('- %s: \`%s\`', name, sql) FROM bench_queries ORDER BY ord"
echo
n_queries=$(qa -c "SELECT count(*) FROM bench_queries")
for rep in $(seq 1 "$BENCH_REPS"); do
	line="- rep $rep:"
	for i in $(seq 0 $((n_queries - 1))); do
		ord=$(((rep - 1 + i) % n_queries + 1))
		ms=$(qa -c "SELECT round(bench_time($ord, $rep)::numeric, 1)")
		line+=" $(qa -c "SELECT name FROM bench_queries WHERE ord = $ord") $ms ms;"
	done
	echo "${line%;}"
done
echo
qa -f report.sql
