# Helpers of the benchmark scripts inside the throwaway cluster (sourced by
# rfm.sh, clv.sh and cohort.sh; the functions call the scripts' psql
# wrappers q and qa).

# Seconds since the epoch, and since an earlier such time (one decimal)
now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Make sure the extension and bench_log exist: when a script runs alone,
# print and make what summary.sh would have (BENCH_ROWS, BENCH_CUSTOMERS,
# BENCH_SEED, BENCH_AS_OF)
bench_ensure_log() {
	local t0
	if [ "$(qa -c "SELECT count(*) FROM pg_extension WHERE extname = 'crm'")" -eq 0 ]; then
		echo "- PostgreSQL: $(qa -c 'SELECT version()')"
		echo "- settings for all queries: $(qa -c "SELECT string_agg(name || ' = ' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'work_mem', 'jit', 'shared_buffers', 'hash_mem_multiplier')")"
		q -c "CREATE EXTENSION crm"
	fi
	if [ "$(qa -c "SELECT count(*) FROM pg_class WHERE relname = 'bench_log'")" -eq 0 ]; then
		t0=$(now)
		q -v rows="$BENCH_ROWS" -v customers="$BENCH_CUSTOMERS" -v seed="$BENCH_SEED" \
			-v data_start=2023-01-01 -v data_end=2024-12-31 -f generate.sql >/dev/null
		q -v as_of="$BENCH_AS_OF" -f queries.sql >/dev/null
		echo "- generated bench_log as summary.sh does: $BENCH_ROWS rows, customers 1..$BENCH_CUSTOMERS, seed $BENCH_SEED, in $(secs_since "$t0") s"
	fi
}

# Time the bench_queries rows matching a WHERE condition, BENCH_REPS times,
# interleaved (the order rotated per repetition), each with bench_time() in a
# fresh session; prints one line per repetition
bench_interleave() {
	local condition=$1 ords n line ord ms rep i
	local -a ord_list
	ords=$(qa -c "SELECT string_agg(ord::text, ' ' ORDER BY ord) FROM bench_queries WHERE $condition")
	read -r -a ord_list <<<"$ords"
	n=${#ord_list[@]}
	for rep in $(seq 1 "$BENCH_REPS"); do
		line="- rep $rep:"
		for i in $(seq 0 $((n - 1))); do
			ord=${ord_list[$(((rep - 1 + i) % n))]}
			ms=$(qa -c "SELECT round(bench_time($ord, $rep)::numeric, 1)")
			line+=" $(qa -c "SELECT name FROM bench_queries WHERE ord = $ord") $ms ms;"
		done
		echo "${line%;}"
	done
}
