# Helpers of the benchmark scripts inside the throwaway cluster (sourced by
# rfm.sh, clv.sh and cohort.sh; the functions call the scripts' psql
# wrappers q and qa).

# The seed of the synthetic transaction log (test/bench/generate_log.py)
export BENCH_LOG_SEED=${BENCH_LOG_SEED:-42}

# The median of the numbers on stdin, one per line
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Seconds since the epoch, and since an earlier such time (one decimal)
now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Milliseconds of one statement, timed by the server in a fresh session
time_sql() {
	qa -c "DO \$\$ DECLARE t0 timestamptz := clock_timestamp(); m record;
		BEGIN EXECUTE \$q\$$1\$q\$ INTO m;
		RAISE WARNING '%', round(1000 * extract(epoch FROM clock_timestamp() - t0), 1); END \$\$" 2>&1 >/dev/null |
		sed -n 's/.*WARNING:  //p'
}

# The median of BENCH_REPS such timings of one statement
median_of() {
	local sql=$1 ms=()
	for _ in $(seq 1 "$BENCH_REPS"); do ms+=("$(time_sql "$sql")"); done
	printf '%s\n' "${ms[@]}" | median
}

# Generate bench_log: BENCH_ROWS rows (about) for customers 1..BENCH_CUSTOMERS
# drawn from BG/NBD + Gamma-Gamma (test/bench/generate_log.py, seed
# BENCH_LOG_SEED), 2023-01-01 .. 2024-12-31, loaded with COPY; prints one
# Markdown line saying what was made
bench_generate_log() {
	local t0 params
	t0=$(now)
	q -c "DROP TABLE IF EXISTS bench_log" \
		-c "CREATE UNLOGGED TABLE bench_log (customer_id int, purchased_on date, amount float8)"
	params=$( { /usr/bin/python3 "$BENCH_DIR/generate_log.py" --rows "$BENCH_ROWS" --customers "$BENCH_CUSTOMERS" \
		--seed "$BENCH_LOG_SEED" --start 2023-01-01 --end 2024-12-31 --print-params |
		q -c "\\copy bench_log FROM STDIN WITH (FORMAT csv)"; } 2>&1 >/dev/null)
	q -c "VACUUM ANALYZE bench_log"
	echo "- generated bench_log (UNLOGGED, \`test/bench/generate_log.py\`, seed $BENCH_LOG_SEED):" \
		"$(qa -c "SELECT count(*) FROM bench_log") rows ($(qa -c "SELECT count(*) FROM bench_log WHERE amount < 0") refunds)" \
		"for $(qa -c "SELECT count(DISTINCT customer_id) FROM bench_log") customers, 2023-01-01 .. 2024-12-31, drawn from" \
		"BG/NBD + Gamma-Gamma with ${params} (weeks), in $(secs_since "$t0") s (incl. COPY and VACUUM ANALYZE);" \
		"table size $(qa -c "SELECT pg_size_pretty(pg_table_size('bench_log'))")"
}

# Make sure the extension and bench_log exist: when a script runs alone,
# print and make what summary.sh would have (BENCH_ROWS, BENCH_CUSTOMERS,
# BENCH_LOG_SEED, BENCH_AS_OF)
bench_ensure_log() {
	if [ "$(qa -c "SELECT count(*) FROM pg_extension WHERE extname = 'crm'")" -eq 0 ]; then
		echo "- PostgreSQL: $(qa -c 'SELECT version()')"
		echo "- settings for all queries: $(qa -c "SELECT string_agg(name || ' = ' || setting || coalesce(unit, ''), ', ' ORDER BY name) FROM pg_settings WHERE name IN ('max_parallel_workers_per_gather', 'work_mem', 'jit', 'shared_buffers', 'hash_mem_multiplier')")"
		q -c "CREATE EXTENSION crm"
	fi
	if [ "$(qa -c "SELECT count(*) FROM pg_class WHERE relname = 'bench_log'")" -eq 0 ]; then
		bench_generate_log
		q -v as_of="$BENCH_AS_OF" -f queries.sql >/dev/null
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

# Create bench_ms(query): the server-side wall time in ms of running a query
# to its last row
bench_define_ms() {
	q <<'SQL'
CREATE OR REPLACE FUNCTION bench_ms(query text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	r record;
BEGIN
	t0 := clock_timestamp();
	FOR r IN EXECUTE query LOOP
	END LOOP;
	RETURN 1000 * extract(epoch FROM clock_timestamp() - t0);
END $$;
SQL
}

# Time the queries of the arrays names[] and queries[] (set by the caller) BENCH_REPS times each, interleaved
# and rotated so that no query always runs first, after one warm-up pass;
# print each repetition and a Markdown table of the medians with the ratio
# of each to the first query (titled by $1)
bench_compare() {
	local title=$1 rep k i ms line base m
	declare -A times=()
	bench_define_ms
	for i in "${!queries[@]}"; do qa -c "SELECT bench_ms(\$q\$${queries[$i]}\$q\$)" >/dev/null; done
	for rep in $(seq 1 "$BENCH_REPS"); do
		line="- rep $rep:"
		for k in $(seq 0 $((${#queries[@]} - 1))); do
			i=$(( (k + rep) % ${#queries[@]} ))
			ms=$(qa -c "SELECT round(bench_ms(\$q\$${queries[$i]}\$q\$)::numeric, 1)")
			times[${names[$i]}]+="$ms "
			line+=" ${names[$i]} $ms ms,"
		done
		echo "${line%,}"
	done
	echo
	echo "| query | median ms | $title |"
	echo "|---|---:|---:|"
	base=$(printf '%s\n' ${times[${names[0]}]} | median)
	for i in "${!names[@]}"; do
		m=$(printf '%s\n' ${times[${names[$i]}]} | median)
		echo "| ${names[$i]}: \`${queries[$i]}\` | $m | $(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.2f", a / b }') |"
	done
}
