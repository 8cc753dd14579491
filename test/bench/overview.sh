#!/usr/bin/env bash
# The last part of test/bench/run: the overview table of the whole run (one
# line per capability: crm's median, the comparison's, the ratio, the
# target of issue #10 and the state size; see test/bench/overview.sql).
# Needs the tables the other parts left in the cluster.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$BENCH_DIR"
export PGOPTIONS="-c max_parallel_workers_per_gather=0 -c work_mem=1GB -c jit=off"
echo
echo "## Overview"
echo
echo "Medians of this run (single-threaded; the parallel speedups are in the table above):"
echo
psql -X -q -At -v ON_ERROR_STOP=1 -v as_of="$BENCH_AS_OF" -f overview.sql
