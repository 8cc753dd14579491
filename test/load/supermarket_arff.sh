#!/usr/bin/env bash
# Print Weka's supermarket.arff (a public market-basket data set: 4,627
# shopping baskets of a New Zealand supermarket over 216 departments, plus
# the basket total as low / high) on stdout, for sql/basket_supermarket.sql
# (\copy ... FROM PROGRAM).  It ships in Debian's weka package
# (/usr/share/doc/weka/examples/supermarket.arff, GPL-2 like Weka, so it is
# not copied into crm): used from there when weka is installed, else
# extracted once from the package file (apt-get download weka, no
# installation) into ${XDG_CACHE_HOME:-~/.cache}/crm/weka.  The file is
# checked against the SHA-256 of weka 3.6.14-3's copy, the one the test's
# reference numbers were made from.
set -euo pipefail
want=c45f18f90f27f9b2306671f4f0ec28341edcff78136b32b202cdc7b46ce1f9f8
member=./usr/share/doc/weka/examples/supermarket.arff
cache=${XDG_CACHE_HOME:-$HOME/.cache}/crm/weka
file=${CRM_SUPERMARKET_ARFF:-}

# the SHA-256 of a file ("" if it does not exist)
sum_of() {
	[ -f "$1" ] && sha256sum "$1" | cut -d' ' -f1 || true
}

if [ -z "$file" ]; then
	file=/usr/share/doc/weka/examples/supermarket.arff
	[ "$(sum_of "$file")" = "$want" ] || file=$cache/supermarket.arff
fi
if [ "$(sum_of "$file")" != "$want" ] && [ "$file" = "$cache/supermarket.arff" ]; then
	mkdir -p "$cache"
	work=$(mktemp -d "$cache/download.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	# apt-get download needs the package lists: update them once if it fails (as root)
	if ! (cd "$work" && apt-get download -qq weka >/dev/null 2>&1); then
		[ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
		(cd "$work" && apt-get download -qq weka >/dev/null 2>&1) ||
			{ echo "supermarket_arff.sh: cannot download Debian's weka package" >&2; exit 1; }
	fi
	dpkg-deb --fsys-tarfile "$work"/weka_*.deb | tar -x -C "$work" "$member"
	mv "$work/$member" "$cache/supermarket.arff"
fi
if [ "$(sum_of "$file")" != "$want" ]; then
	echo "supermarket_arff.sh: $file is not weka 3.6.14-3's supermarket.arff (SHA-256 $want)" >&2
	exit 1
fi
cat "$file"
