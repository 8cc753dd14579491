#!/usr/bin/env bash
# The tracking benchmark (issue #26's target: tracking of 1,000,000
# customers over 104 weeks in at most 5 s).  Runs alone: builds, stages,
# starts a throwaway cluster, generates the customers and times
#
#   (a) the state: crm.tracking_data(days, origin, '1 week', 104) over one row
#       per customer (their purchase days as a date[]);
#   (b) the table: crm.tracking(model, state) for a BG/NBD, a Pareto/NBD and
#       a GGom/NBD (E once per lag day, convolved with the births per day);
#   (c) for scale, the naive plain SQL: sum over customers of
#       crm.expected_purchases(model, (end of week - birth) / 7) for every
#       week, on BENCH_NAIVE customers only (extrapolated linearly to all);
#   (d) a count(*) of the customer table: the cost of reading the rows;
#   (e) from a transaction log instead (track_log, one row per purchase
#       day, 3.5 per customer): array_agg per customer, then (a) and (b).
#
# Before timing, (b)'s expected column is compared with (c) on the sample's
# own state (relative 1e-9).  The customers (seeded, setseed(BENCH_SEED)):
# births uniform over the first 52 weeks from 2023-01-01, 1 to 6 purchase
# days each at a random gap of 1 to 60 days.  Median of BENCH_REPS
# repetitions, a fresh session each, single-threaded
# (max_parallel_workers_per_gather = 0), work_mem = 1GB, jit = off.
#
# Usage:  test/bench/tracking.sh
#         BENCH_CUSTOMERS=100000 BENCH_REPS=3 test/bench/tracking.sh
# Environment: BENCH_CUSTOMERS (1,000,000), BENCH_REPS (5), BENCH_SEED
# (0.42), BENCH_NAIVE (2,000).  Output: stdout and test/bench/out/tracking.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
export BENCH_REPS=${BENCH_REPS:-5}
export BENCH_SEED=${BENCH_SEED:-0.42}
export BENCH_NAIVE=${BENCH_NAIVE:-2000}

if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_CUSTOMERS BENCH_REPS BENCH_NAIVE || exit 2
	crm_ensure_deps
	crm_bench_alone "$BENCH_DIR/tracking.sh" tracking "crm tracking benchmark"
	exit $?
fi

cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"
# milliseconds of one query in a fresh session (connection included)
ms_of() { local t0; t0=$(now); qa -c "$1" >/dev/null; awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.0f", 1000 * (b - a) }'; }

echo
echo "# Tracking: $BENCH_CUSTOMERS customers over 104 weeks"
echo
echo "- PostgreSQL: $(qa -c 'SELECT version()')"
q -c "CREATE EXTENSION IF NOT EXISTS crm"
t0=$(now)
q -c "SELECT setseed($BENCH_SEED)" -c "DROP TABLE IF EXISTS track_customers" \
	-c "CREATE UNLOGGED TABLE track_customers AS
		SELECT c AS customer_id,
		       (SELECT array_agg(birth + k * gap) FROM generate_series(0, n) k) AS days
		FROM (SELECT c, date '2023-01-01' + floor(random() * 364)::int AS birth,
		             floor(random() * 6)::int AS n, 1 + floor(random() * 60)::int AS gap
		      FROM generate_series(1, $BENCH_CUSTOMERS) c) s" \
	-c "VACUUM ANALYZE track_customers"
echo "- generated track_customers: $(qa -c "SELECT count(*) FROM track_customers") customers," \
	"$(qa -c "SELECT sum(cardinality(days)) FROM track_customers") purchase days, in" \
	"$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }') s; table $(qa -c "SELECT pg_size_pretty(pg_table_size('track_customers'))")"
q -c "DROP TABLE IF EXISTS track_state" \
	-c "CREATE TABLE track_state AS SELECT crm.tracking_data(days, '2023-01-01', '1 week', 104) AS b FROM track_customers" \
	-c "DROP TABLE IF EXISTS track_log" \
	-c "CREATE UNLOGGED TABLE track_log AS SELECT customer_id, unnest(days) AS purchased_on FROM track_customers" \
	-c "VACUUM ANALYZE track_log" \
	-c "DROP TABLE IF EXISTS track_sample" \
	-c "CREATE TABLE track_sample AS SELECT * FROM track_customers ORDER BY customer_id LIMIT $BENCH_NAIVE"
echo "- state: $(qa -c "SELECT pg_column_size(b) FROM track_state") bytes"

# the check: the tracking table of the sample against the naive sum
bad=$(qa -c "WITH st AS (SELECT crm.tracking_data(days, '2023-01-01', '1 week', 104) AS b FROM track_sample),
	naive AS (SELECT w AS period, sum(crm.expected_purchases(crm.bgnbd(0.243, 4.414, 0.793, 2.426),
	                 (7 * w - (days[1] - date '2023-01-01')) / 7.0)) AS e
	          FROM track_sample, generate_series(1, 104) w
	          WHERE days[1] - date '2023-01-01' < 7 * w GROUP BY w)
	SELECT count(*) FROM st, crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), st.b) t
	JOIN naive n USING (period) WHERE abs(t.expected_cumulative / n.e - 1) > 1e-9")
echo "- check: crm.tracking's expected column against the naive sum on $BENCH_NAIVE customers:" \
	"$bad of the weeks differ by more than 1e-9 relative"
[ "$bad" -eq 0 ] || exit 1
echo

declare -A queries=(
	["(a) crm.tracking_data, all customers"]="SELECT crm.tracking_data(days, '2023-01-01', '1 week', 104) FROM track_customers"
	["(b) crm.tracking BG/NBD"]="SELECT count(*) FROM track_state, crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), b)"
	["(b) crm.tracking Pareto/NBD"]="SELECT count(*) FROM track_state, crm.tracking(crm.paretonbd(0.55, 10.58, 0.61, 11.67), b)"
	["(b) crm.tracking GGom/NBD"]="SELECT count(*) FROM track_state, crm.tracking(crm.ggomnbd(0.55, 10.58, 0.05, 0.6, 0.5), b)"
	["(a)+(b) both in one query, BG/NBD"]="SELECT count(*) FROM (SELECT crm.tracking_data(days, '2023-01-01', '1 week', 104) AS b FROM track_customers) s, crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), s.b)"
	["(c) naive SQL on the sample"]="SELECT w, sum(crm.expected_purchases(crm.bgnbd(0.243, 4.414, 0.793, 2.426), (7 * w - (days[1] - date '2023-01-01')) / 7.0)) FROM track_sample, generate_series(1, 104) w WHERE days[1] - date '2023-01-01' < 7 * w GROUP BY w"
	["(d) count(*)"]="SELECT count(*) FROM track_customers"
	["(e) from the log: array_agg, (a), (b) BG/NBD"]="SELECT count(*) FROM (SELECT crm.tracking_data(days, '2023-01-01', '1 week', 104) AS b FROM (SELECT array_agg(purchased_on) AS days FROM track_log GROUP BY customer_id) c) s, crm.tracking(crm.bgnbd(0.243, 4.414, 0.793, 2.426), s.b)"
)
echo "Median of $BENCH_REPS repetitions (ms, a fresh session per query):"
echo
for name in "(a) crm.tracking_data, all customers" "(b) crm.tracking BG/NBD" "(b) crm.tracking Pareto/NBD" \
	"(b) crm.tracking GGom/NBD" "(a)+(b) both in one query, BG/NBD" "(c) naive SQL on the sample" "(d) count(*)" \
	"(e) from the log: array_agg, (a), (b) BG/NBD"; do
	times=()
	for rep in $(seq 1 "$BENCH_REPS"); do
		times+=("$(ms_of "${queries[$name]}")")
	done
	m=$(printf '%s\n' "${times[@]}" | median)
	extra=""
	if [ "${name:0:3}" = "(c)" ]; then
		extra=" (x $BENCH_CUSTOMERS / $BENCH_NAIVE customers = $(awk -v m="$m" -v n="$BENCH_CUSTOMERS" -v s="$BENCH_NAIVE" 'BEGIN { printf "%.0f", m * n / s / 1000 }') s for all)"
	fi
	echo "- $name: $m ms$extra (runs: ${times[*]})"
done
echo
echo "Target: (a)+(b) at most 5000 ms for 1,000,000 customers over 104 weeks."
q -c "DROP TABLE track_customers, track_log, track_state, track_sample"
