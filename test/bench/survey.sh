#!/usr/bin/env bash
# The survey part of the benchmark: the Net Promoter Score by group, crm
# against the plain SQL of count(*) FILTER.  test/bench/run runs it after
# cohort.sh in the same throwaway cluster; it also runs alone (it then
# builds, stages and starts its own cluster).  Either way it generates its
# own table of responses (it does not need bench_log).
#
# What it shows, in one run: the NPS and its standard error of each of
# BENCH_GROUPS groups of BENCH_ROWS responses in all (scores 0..10, skewed to
# the high end, 1% NULL), computed by
#
#   (a) crm.nps_agg(score) ... GROUP BY grp, read with crm.nps_score and
#       crm.nps_se;
#   (b) plain SQL: count(*) FILTER (WHERE score >= 9), count(*) FILTER
#       (WHERE score <= 6) and count(score) per group, then the same NPS and
#       standard error;
#   (c) a bare GROUP BY grp with count(score): the cost of grouping the rows
#       at all;
#   (d) a count(*) of the table: the cost of reading the rows.
#
# Before timing, both answers are computed in full and compared group by
# group (NPS exactly, SE to 1e-12); the run fails if one differs.  No
# timing assertions: the report gives medians and ratios.  Median of
# BENCH_REPS interleaved repetitions, a fresh session each, single-threaded
# (max_parallel_workers_per_gather = 0), work_mem = 1GB, jit = off.
#
# Usage:  test/bench/survey.sh
#         BENCH_ROWS=200000 BENCH_REPS=3 test/bench/survey.sh
# Environment: BENCH_ROWS (10,000,000; the number of responses),
# BENCH_GROUPS (1,000), BENCH_REPS (5), BENCH_SEED (0.42).  Output: stdout;
# run alone also test/bench/out/survey.md.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

export BENCH_ROWS=${BENCH_ROWS:-10000000}
export BENCH_GROUPS=${BENCH_GROUPS:-1000}
export BENCH_REPS=${BENCH_REPS:-5}
export BENCH_SEED=${BENCH_SEED:-0.42}

# Alone: set up, then run this script again inside a throwaway cluster
if [ -z "${CRM_BENCH_IN_CLUSTER:-}" ]; then
	. "$BENCH_DIR/../lib.sh"
	crm_check_positive BENCH_ROWS BENCH_GROUPS BENCH_REPS || exit 2
	crm_ensure_deps
	crm_bench_alone "$BENCH_DIR/survey.sh" survey "crm survey benchmark"
	exit $?
fi

# Inside the cluster (plain `psql` reaches it as superuser)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
qa() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
. "$BENCH_DIR/common.sh"

echo
echo "# Survey: the Net Promoter Score by group"
echo
if [ "$(qa -c "SELECT count(*) FROM pg_extension WHERE extname = 'crm'")" -eq 0 ]; then
	echo "- PostgreSQL: $(qa -c 'SELECT version()')"
	echo "- settings for all queries: $(qa -c "SELECT string_agg(name || ' = ' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'work_mem', 'jit', 'shared_buffers', 'hash_mem_multiplier')")"
	q -c "CREATE EXTENSION crm"
fi
t0=$(now)
q -v rows="$BENCH_ROWS" -v groups="$BENCH_GROUPS" -v seed="$BENCH_SEED" -f survey.sql >/dev/null
echo "- generated bench_responses: $BENCH_ROWS responses in $BENCH_GROUPS groups, seed $BENCH_SEED," \
	"in $(secs_since "$t0") s ($(qa -c "SELECT pg_size_pretty(pg_table_size('bench_responses'))"))"

t0=$(now)
IFS='|' read -r groups differing responses answered max_nps_diff max_se_diff value_bytes \
	<<<"$(qa -f survey_check.sql)"
echo "- $responses responses, $answered with a score; $groups groups; overall NPS" \
	"$(qa -c "SELECT round(crm.nps_score(crm.nps_agg(score))::numeric, 2) || ' (' || crm.nps_agg(score)::text || ')' FROM bench_responses")"
echo "- crm: \`crm.nps_agg(score)\` per group, read with \`crm.nps_score\` and \`crm.nps_se\`;" \
	"the value (state) is $value_bytes bytes per group, whatever the number of responses"
echo "- plain SQL: \`count(*) FILTER (WHERE score >= 9)\`, \`count(*) FILTER (WHERE score <= 6)\`," \
	"\`count(score)\` per group, then 100 (p - d) / n and 100 sqrt(((p + d) - (p - d)^2) / n) (\`test/bench/survey.sql\`)"
echo "- check took $(secs_since "$t0") s (both computed in full, compared group by group:" \
	"largest NPS difference $max_nps_diff, largest SE difference $max_se_diff)"
echo
if [ "$differing" -eq 0 ]; then
	echo "answers identical: yes ($groups groups compared)"
else
	echo "answers identical: no ($differing of $groups groups differ)"
	exit 1
fi
echo
echo "Median of $BENCH_REPS interleaved repetitions, a fresh session per query:"
echo
qa -c "SELECT format('- %s: \`%s\`', name, sql) FROM bench_queries WHERE ord BETWEEN 51 AND 59 ORDER BY ord"
echo
bench_interleave "ord BETWEEN 51 AND 59"
echo
qa -f survey_report.sql
