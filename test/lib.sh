# Shared set-up for test/run, test/demo and test/bench/run (sourced, not run).
#
# Installs what a fresh Debian 12 machine lacks, builds crm, stages it under
# ./tmp_install with `make install DESTDIR=...`, and runs commands inside a
# throwaway PostgreSQL 15 cluster made by Debian's pg_virtualenv, which finds
# the staged extension through `extension_destdir`.  Nothing is written
# outside the checkout except what apt installs.

CRM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
export PG_CONFIG=$PG_BIN/pg_config
export CRM_DATA_DIR=${CRM_DATA_DIR:-$(cd "$CRM_ROOT/.." && pwd)/shared/data}

# Install PostgreSQL 15, its server headers and the build tools if missing
crm_ensure_deps() {
	local missing=()
	[ -x "$PG_CONFIG" ] && [ -d "$("$PG_CONFIG" --includedir-server 2>/dev/null)" ] || missing+=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR)
	[ -x "$PG_BIN/postgres" ] || missing+=(postgresql-$PG_MAJOR)
	command -v pg_virtualenv >/dev/null || missing+=(postgresql-common)
	command -v make >/dev/null || missing+=(make)
	command -v gcc >/dev/null || missing+=(gcc)
	[ ${#missing[@]} -eq 0 ] && return 0
	crm_apt_install "${missing[@]}"
}

# Install Debian packages (as root, or with sudo); waits up to 5 minutes for
# the dpkg lock another apt run holds, and tries apt-get update three times
crm_apt_install() {
	local sudo="" try
	echo "== installing: $*"
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	for try in 1 2 3; do
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && break
		[ $try -lt 3 ] || return 1
		sleep 20
	done
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		-o DPkg::Lock::Timeout=300 "$@" >/dev/null
}

# Install numpy and scipy for Debian's python3 if missing (the peer of the
# CLV benchmark, test/bench/peer_clv.py)
crm_ensure_python_deps() {
	/usr/bin/python3 -c 'import numpy, scipy' 2>/dev/null && return 0
	crm_apt_install python3 python3-numpy python3-scipy
}

# Install gnuplot for the demo's plots (test/plots/render) if missing
crm_ensure_plot_deps() {
	command -v gnuplot >/dev/null && return 0
	crm_apt_install gnuplot-nox
}

# Install Java 17 and Debian's PostgreSQL JDBC driver if missing (the JDBC
# test, test/jdbc/run)
crm_ensure_jdbc_deps() {
	command -v javac >/dev/null && [ -f /usr/share/java/postgresql.jar ] && return 0
	crm_apt_install default-jdk-headless libpostgresql-jdbc-java
}

# Install the C compiler and libpq's headers if missing (the fuzzer,
# test/fuzz/crm_fuzz.c, is a libpq client)
crm_ensure_fuzz_deps() {
	command -v gcc >/dev/null && [ -f /usr/include/postgresql/libpq-fe.h ] && return 0
	crm_apt_install gcc libpq-dev
}

# Install SQLsmith if missing (test/sqlsmith/run)
crm_ensure_sqlsmith_deps() {
	command -v sqlsmith >/dev/null && return 0
	crm_apt_install sqlsmith
}

# Print the server log file of the throwaway cluster (inside crm_in_cluster)
crm_server_log() {
	pg_lsclusters -h | awk '$2 == "regress" { print $7 }'
}

# Print the lines of a server log after line FROM that report a crashed
# backend or a PANIC.  Arguments: log file, FROM (a line count)
crm_server_crashes() {
	tail -n +"$(($2 + 1))" "$1" | grep -E 'terminated by signal|was terminated|PANIC|server process .* exited with exit code [^0]' || true
}

# Build crm (with the given CFLAGS) and stage it under tmp_install
crm_build_and_stage() {
	local cflags=${1:-}
	cd "$CRM_ROOT" || return 1
	make -s PG_CONFIG="$PG_CONFIG" PG_CFLAGS="$cflags" >/dev/null || return 1
	rm -rf "$CRM_ROOT/tmp_install"
	make -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$CRM_ROOT/tmp_install" >/dev/null
}

# Run a command inside a throwaway cluster that sees the staged extension
crm_in_cluster() {
	mkdir -p "$CRM_ROOT/tmp"
	chmod 755 "$CRM_ROOT/tmp"
	# the server's socket lives in the checkout too, unless the path is too
	# long for a Unix socket (clients connect over localhost TCP anyway)
	local socket_dir="$CRM_ROOT/tmp/sock"
	if [ ${#socket_dir} -le 80 ]; then
		mkdir -p "$socket_dir"
		# as root, pg_virtualenv runs the server as postgres
		[ "$(id -u)" -ne 0 ] || chown postgres:postgres "$socket_dir"
	else
		socket_dir=/tmp
	fi
	# pg_virtualenv's own choice (the first port from 5432 its cluster
	# registry does not know) collides with the throwaway clusters of other
	# checkouts running at the same time: start from a port spread by the
	# process id and take the first one nothing listens on
	local port=${PGPORT:-}
	if [ -z "$port" ]; then
		port=$(crm_free_port_base $((5432 + ($$ % 128) * 4)) 1) || return 1
	fi
	PGPORT=$port TMPDIR="$CRM_ROOT/tmp" pg_virtualenv -t -v $PG_MAJOR \
		-o "extension_destdir=$CRM_ROOT/tmp_install" \
		-o "max_parallel_workers_per_gather=2" \
		-o "unix_socket_directories=$socket_dir" \
		"$@"
}

# Fail early with a clear message when the reference data is not there
crm_check_data() {
	if [ ! -f "$CRM_DATA_DIR/lifetimes/CDNOW_sample.txt" ]; then
		echo "reference data not found in $CRM_DATA_DIR (set CRM_DATA_DIR)" >&2
		return 1
	fi
}

# Fail (status 2) unless each named variable holds a positive integer
crm_check_positive() {
	local v
	for v in "$@"; do
		[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "$v must be a positive integer" >&2; return 2; }
	done
}

# Whether a port is taken: something listens on it over TCP, or a server's
# Unix-socket lock file for it exists
crm_port_taken() {
	local p=$1 d
	(exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return 0
	for d in /var/run/postgresql /tmp; do
		[ -e "$d/.s.PGSQL.$p.lock" ] && return 0
	done
	return 1
}

# Print the first port >= $1 (default 5473) such that it and the $2 - 1
# (default 0) ports after it are free, so that test servers started next to
# other runs on the same machine do not collide
crm_free_port_base() {
	local base=${1:-5473} count=${2:-1} p i ok
	for ((p = base; p < base + 2000; p++)); do
		ok=1
		for ((i = 0; i < count; i++)); do
			if crm_port_taken $((p + i)); then ok=0; break; fi
		done
		[ "$ok" = 1 ] && { echo "$p"; return 0; }
	done
	echo "no $count free ports from $base" >&2
	return 1
}

# Run a benchmark script alone: build and stage crm, run the script inside a
# throwaway cluster (with CRM_BENCH_IN_CLUSTER=1), print a header and the
# script's output, and keep a copy in test/bench/out/NAME.md.
# Arguments: script, NAME, title.  Returns the script's status.
crm_bench_alone() {
	local script=$1 name=$2 title=$3 out status errexit=""
	crm_build_and_stage "" || return 1
	# report the script's status even when the caller runs with set -e
	[[ $- == *e* ]] && errexit=1
	set +e
	mkdir -p "$CRM_ROOT/test/bench/out"
	out="$CRM_ROOT/test/bench/out/$name.md"
	{
		echo "# $title"
		echo
		echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); crm commit $(git -C "$CRM_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$CRM_ROOT" diff --quiet HEAD -- src sql 2>/dev/null || echo ' (+ uncommitted changes)')"
		echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: *//'), $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo)"
		echo "- ${BENCH_ROWS:+rows: $BENCH_ROWS, }customers: ${BENCH_CUSTOMERS:-?}, repetitions: ${BENCH_REPS:-?}"
		CRM_BENCH_IN_CLUSTER=1 crm_in_cluster "$script" 2>&1 |
			grep --line-buffered -v -e '^Creating new PostgreSQL cluster' -e '^Dropping cluster'
	} | tee "$out"
	status=${PIPESTATUS[0]}
	[ -n "$errexit" ] && set -e
	echo "(written to ${out#"$CRM_ROOT"/})"
	return "$status"
}
