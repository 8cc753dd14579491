#!/usr/bin/env bash
# The service part of the benchmark: the complaint metrics of crm.ticket_fit
# and the backlog of crm.backlog_fit over a tickets table, side by side with
# a plain count(*) of the same table and the plain-SQL equivalents, in one
# run.  Runs alone (it builds, stages, starts its own throwaway cluster and
# generates its table).
#
# What it shows: over bench_tickets (BENCH_ROWS tickets opened over 2025 at
# whole-second times, resolution times drawn from hashes of the row number:
# a third a whole number of hours up to 48, the rest spread to the second
# over up to 8 days; 1 in 8 never resolved; UNLOGGED, the same every run),
# the time of
#
#   (a) SELECT count(*): the cost of reading the rows at all (the target's
#       reference);
#   (b) count() of the four columns the aggregate reads (tuple deforming);
#   (c) crm.ticket_fit(opened, resolved, fcr, reopened, as_of) read out with
#       crm.ticket_rates, crm.sla_attainment and crm.resolution_quantiles
#       (the complaint metrics; the read-out is part of the time);
#   (d) the same numbers in plain SQL: counts, SLA counts and
#       percentile_cont of the resolved tickets' durations (no
#       Kaplan-Meier: plain SQL has none);
#   (e) crm.backlog_fit over a daily series of the year, read out with
#       crm.backlog_table;
#   (f) (c) on the same tickets timestamped to the minute (columns
#       opened_min, resolved_min): far fewer distinct durations, which is
#       what the exact state's cost depends on.
#
# Each query: median of BENCH_REPS repetitions (test/bench/common.sh
# median_of: server-side wall time in a fresh session), single-threaded
# (max_parallel_workers_per_gather = 0), jit = off, work_mem = 1GB.  Prints
# the ratio of each to (a).  Target (issue 28): (c) at most 1.5x (a).
#
# Usage:  test/bench/service.sh
#         BENCH_ROWS=1000000 BENCH_REPS=3 test/bench/service.sh
# Environment: BENCH_ROWS (10,000,000), BENCH_REPS (5).  Output: stdout and
# test/bench/out/service.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_ROWS=${BENCH_ROWS:-10000000}
export BENCH_REPS=${BENCH_REPS:-5}

# Alone: set up, then run this script again inside a throwaway cluster
if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_ROWS BENCH_REPS || exit 2
	crm_ensure_deps
	crm_bench_alone "$BENCH_DIR/service.sh" service "crm service benchmark"
	exit $?
fi

# Inside the cluster (plain `psql` reaches it as superuser)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off -c timezone=UTC"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"

echo
echo "# Service and complaints: ticket metrics over $BENCH_ROWS tickets"
echo
echo "- PostgreSQL: $(qa -c 'SELECT version()')"
q -c "CREATE EXTENSION IF NOT EXISTS crm"
t0=$(now)
q <<SQL
DROP TABLE IF EXISTS bench_tickets;
CREATE UNLOGGED TABLE bench_tickets AS
SELECT i AS ticket_id, o AS opened,
       CASE WHEN abs(hashint8(i + 1)) % 8 = 0 THEN NULL
            WHEN abs(hashint8(i + 2)) % 3 = 0 THEN o + (1 + abs(hashint8(i + 3)) % 48) * interval '1 hour'
            ELSE o + (abs(hashint8(i + 4)) % 691200) * interval '1 second' END AS resolved,
       abs(hashint8(i + 5)) % 10 < 6 AS fcr, abs(hashint8(i + 6)) % 100 < 8 AS reopened,
       NULL::timestamptz AS opened_min, NULL::timestamptz AS resolved_min
FROM generate_series(1::bigint, $BENCH_ROWS) i,
     LATERAL (SELECT timestamptz '2025-01-01 00:00+00' + (abs(hashint8(i)) % 31536000) * interval '1 second' AS o) r;
-- the same tickets as a system that records whole minutes would store them
UPDATE bench_tickets SET opened_min = date_trunc('minute', opened), resolved_min = date_trunc('minute', resolved);
VACUUM ANALYZE bench_tickets;
SQL
echo "- generated bench_tickets in $(secs_since "$t0") s: $(qa -c "SELECT count(*) FROM bench_tickets") rows," \
	"table size $(qa -c "SELECT pg_size_pretty(pg_table_size('bench_tickets'))")"
echo "- settings: $PGOPTIONS"

as_of="timestamptz '2026-01-01 00:00+00'"
names=(count_star count_columns ticket_metrics plain_sql backlog_daily ticket_metrics_minutes)
queries=(
	"SELECT count(*) FROM bench_tickets"
	"SELECT count(opened), count(resolved), count(fcr), count(reopened) FROM bench_tickets"
	"SELECT (SELECT array_agg(r.rate) FROM crm.ticket_rates(s) r), (crm.sla_attainment(s, interval '1 day')).attainment,
	        (SELECT array_agg(q.km_time) FROM crm.resolution_quantiles(s, interval '1 hour') q)
	 FROM (SELECT crm.ticket_fit(opened, resolved, fcr, reopened, $as_of) AS s FROM bench_tickets) a"
	"SELECT count(*), count(*) FILTER (WHERE done), avg(fcr::int), avg(reopened::int),
	        count(*) FILTER (WHERE done AND secs <= 86400), count(*) FILTER (WHERE secs > 86400),
	        percentile_cont(ARRAY[0.25, 0.5, 0.75, 0.9]) WITHIN GROUP (ORDER BY secs) FILTER (WHERE done)
	 FROM (SELECT fcr, reopened, resolved <= $as_of AS done,
	              floor(extract(epoch FROM coalesce(least(resolved, $as_of), $as_of)) - extract(epoch FROM opened)) AS secs
	       FROM bench_tickets) t"
	"SELECT count(*) FROM (SELECT crm.backlog_fit(opened, resolved, timestamptz '2025-01-01 00:00+00', $as_of, interval '1 day') AS b
	                       FROM bench_tickets) a, crm.backlog_table(a.b)"
	"SELECT (SELECT array_agg(r.rate) FROM crm.ticket_rates(s) r), (crm.sla_attainment(s, interval '1 day')).attainment,
	        (SELECT array_agg(q.km_time) FROM crm.resolution_quantiles(s, interval '1 hour') q)
	 FROM (SELECT crm.ticket_fit(opened_min, resolved_min, fcr, reopened, $as_of) AS s FROM bench_tickets) a"
)
# warm the cache once
for i in "${!queries[@]}"; do time_sql "${queries[$i]}" >/dev/null; done
declare -A times
for i in "${!queries[@]}"; do
	times[${names[$i]}]=$(median_of "${queries[$i]}")
	echo "- ${names[$i]}: ${times[${names[$i]}]} ms"
done
echo
echo "| query | median ms | ratio to count(*) |"
echo "|---|---:|---:|"
base=${times[count_star]}
for i in "${!names[@]}"; do
	m=${times[${names[$i]}]}
	echo "| ${names[$i]} | $m | $(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.2f", a / b }') |"
done
echo
echo "- ticket state: $(qa -c "SELECT (crm.ticket_summary(s)).distinct_durations || ' distinct durations, ' || pg_size_pretty(pg_column_size(s)::bigint)
                               FROM (SELECT crm.ticket_fit(opened, resolved, $as_of) AS s FROM bench_tickets) a");" \
	"to the minute: $(qa -c "SELECT (crm.ticket_summary(s)).distinct_durations || ' distinct durations, ' || pg_size_pretty(pg_column_size(s)::bigint)
                               FROM (SELECT crm.ticket_fit(opened_min, resolved_min, $as_of) AS s FROM bench_tickets) a")"
