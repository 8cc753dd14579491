#!/usr/bin/env bash
# The basket part of the benchmark: cross-selling pair rules over a table of
# (order, item) rows, side by side with a plain GROUP BY order_id over the
# same rows, in one run.  Runs alone (it builds, stages, starts its own
# throwaway cluster and generates its table).
#
# What it shows: over bench_lines (BENCH_ROWS (order_id, item) rows, about
# BENCH_BASKET_SIZE lines per order, BENCH_ITEMS distinct items drawn with a
# skew (item = floor(items * u^3): a few best sellers and a long tail);
# UNLOGGED, generated from hashes of the row number, so the same every run;
# rows stored in order_id order, as an order-lines table usually is), the
# time of
#
#   (a) SELECT order_id, count(*) ... GROUP BY order_id: the plain
#       per-order GROUP BY (the target's reference);
#   (b) the same GROUP BY with array_agg(item): the baskets the aggregates
#       read (what any crm query adds to (a) before counting anything: an
#       array per order, which makes the hashed GROUP BY much larger);
#   (c) an items-only count over those baskets, crm.basket_fit(items, 1)
#       (the first pass: (b) plus the per-basket work of crm alone);
#   (d) pair rules in one pass: crm.basket_fit(items) over those baskets
#       (every item and every pair), read out with crm.association_rules at
#       BENCH_SUPPORT;
#   (e) pair rules in two passes: crm.basket_fit(items, 1) (items only),
#       then crm.basket_fit(items, prior, BENCH_SUPPORT) (pairs of frequent
#       items only: the memory-bounded way), read out the same way.
#
# Each query: median of BENCH_REPS interleaved repetitions, server-side wall
# time (clock_timestamp around the query), single-threaded
# (max_parallel_workers_per_gather = 0), jit = off, work_mem = 1GB.  Prints
# the ratio of each to (a).  Target (issue 28): pair rules at most 3x (a).
#
# Usage:  test/bench/basket.sh
#         BENCH_ROWS=1000000 BENCH_REPS=3 test/bench/basket.sh
# Environment: BENCH_ROWS (10,000,000), BENCH_ITEMS (10,000),
# BENCH_BASKET_SIZE (4), BENCH_SUPPORT (0.0005), BENCH_REPS (3).  Output:
# stdout and test/bench/out/basket.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_ROWS=${BENCH_ROWS:-10000000}
export BENCH_ITEMS=${BENCH_ITEMS:-10000}
export BENCH_BASKET_SIZE=${BENCH_BASKET_SIZE:-4}
export BENCH_SUPPORT=${BENCH_SUPPORT:-0.0005}
export BENCH_REPS=${BENCH_REPS:-3}

# Alone: set up, then run this script again inside a throwaway cluster
if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_ROWS BENCH_ITEMS BENCH_BASKET_SIZE BENCH_REPS || exit 2
	crm_ensure_deps
	crm_bench_alone "$BENCH_DIR/basket.sh" basket "crm basket benchmark"
	exit $?
fi

# Inside the cluster (plain `psql` reaches it as superuser)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"

echo
echo "# Cross-selling pair rules over $BENCH_ROWS (order, item) rows, $BENCH_ITEMS items"
echo
echo "- PostgreSQL: $(qa -c 'SELECT version()')"
q -c "CREATE EXTENSION IF NOT EXISTS crm"
t0=$(now)
q <<SQL
DROP TABLE IF EXISTS bench_lines;
-- row i belongs to order i / size (about size lines per order, some
-- orders one line more or less); item skewed by the cube of a uniform hash
CREATE UNLOGGED TABLE bench_lines AS
SELECT (i + abs(hashint8(i + 7)) % 2) / $BENCH_BASKET_SIZE AS order_id,
       floor($BENCH_ITEMS * ((abs(hashint8(i)) % 1000000007) / 1000000007.0::float8) ^ 3)::bigint AS item
FROM generate_series(1::bigint, $BENCH_ROWS) i;
VACUUM ANALYZE bench_lines;
SQL
echo "- generated bench_lines in $(secs_since "$t0") s: $(qa -c "SELECT count(*) FROM bench_lines") rows," \
	"$(qa -c "SELECT count(DISTINCT order_id) FROM bench_lines") orders," \
	"$(qa -c "SELECT count(DISTINCT item) FROM bench_lines") distinct items," \
	"table size $(qa -c "SELECT pg_size_pretty(pg_table_size('bench_lines'))")"
echo "- settings: $PGOPTIONS; min_support $BENCH_SUPPORT"

baskets="SELECT array_agg(item) AS items FROM bench_lines GROUP BY order_id"
names=(group_by group_by_arrays items_one_pass rules_one_pass rules_two_passes)
# each statement returns one row and uses every column it computes (an
# unused array_agg of a subquery would be planned away)
queries=(
	"SELECT count(*), sum(n) FROM (SELECT order_id, count(*) AS n FROM bench_lines GROUP BY order_id) g"
	"SELECT count(*), sum(cardinality(items)) FROM ($baskets) b"
	"SELECT crm.basket_fit(items, 1) IS NOT NULL FROM ($baskets) b"
	"SELECT count(*), sum(r.lift) FROM (SELECT crm.basket_fit(items) AS s FROM ($baskets) b) f, crm.association_rules(f.s, $BENCH_SUPPORT, 0) r"
	"SELECT count(*), sum(r.lift) FROM (SELECT crm.basket_fit(items, (SELECT crm.basket_fit(items, 1) FROM ($baskets) b1), $BENCH_SUPPORT) AS s FROM ($baskets) b) f, crm.association_rules(f.s, $BENCH_SUPPORT, 0) r"
)
declare -A times
for rep in $(seq 1 "$BENCH_REPS"); do
	line="- rep $rep:"
	for k in $(seq 0 $((${#queries[@]} - 1))); do
		i=$(( (k + rep) % ${#queries[@]} ))
		ms=$(time_sql "${queries[$i]}")
		times[${names[$i]}]+="$ms "
		line+=" ${names[$i]} $ms ms,"
	done
	echo "${line%,}"
done
echo
echo "| query | median ms | ratio to GROUP BY order_id |"
echo "|---|---:|---:|"
base=$(printf '%s\n' ${times[group_by]} | median)
for i in "${!names[@]}"; do
	m=$(printf '%s\n' ${times[${names[$i]}]} | median)
	echo "| ${names[$i]}: \`${queries[$i]}\` | $m | $(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.2f", a / b }') |"
done
echo
qa <<SQL | sed 's/^/- /'
SELECT 'one pass: ' || (SELECT format('%s pairs, state %s', pairs, pg_size_pretty(pg_column_size(s)::bigint))
                        FROM (SELECT crm.basket_fit(items) AS s FROM ($baskets) b) f, crm.basket_summary(f.s))
    || '; two passes: ' || (SELECT format('%s pairs (of items at >= %s), state %s', pairs, $BENCH_SUPPORT, pg_size_pretty(pg_column_size(s)::bigint))
                        FROM (SELECT crm.basket_fit(items, (SELECT crm.basket_fit(items, 1) FROM ($baskets) b1), $BENCH_SUPPORT) AS s FROM ($baskets) b) f,
                             crm.basket_summary(f.s))
    || '; rules at min_support $BENCH_SUPPORT: ' || (SELECT count(*) FROM (SELECT crm.basket_fit(items) AS s FROM ($baskets) b) f,
                                                         crm.association_rules(f.s, $BENCH_SUPPORT, 0));
SQL
