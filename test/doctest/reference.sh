#!/usr/bin/env bash
# Write docs/reference.md from the catalog of an installed crm: every type,
# table, aggregate, function, procedure, operator, cast and operator class of
# the extension with its COMMENT ON text (test/doctest/reference.sql).
#
#   test/doctest/reference.sh --write   build, stage, start a throwaway
#                                       cluster and write docs/reference.md
#   test/doctest/reference.sh           the same, printed to stdout
# Inside a cluster (CRM_DOCTEST_IN_CLUSTER=1, as test/doctest/run calls it)
# it prints the page to stdout.  test/doctest/run checks that the committed
# page equals what this script writes, so a new or changed COMMENT ON means
# running `test/doctest/reference.sh --write` and committing the page.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"

if [ -z "${CRM_DOCTEST_IN_CLUSTER:-}" ]; then
	crm_ensure_deps || exit 1
	crm_build_and_stage "" || { echo "build failed" >&2; exit 1; }
	mkdir -p "$CRM_ROOT/tmp"
	page="$CRM_ROOT/tmp/reference.md"
	# (pg_virtualenv announces the cluster on stdout)
	CRM_DOCTEST_IN_CLUSTER=1 crm_in_cluster "$CRM_ROOT/test/doctest/reference.sh" |
		grep -v -e '^Creating new PostgreSQL cluster' -e '^Dropping cluster' >"$page"
	[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
	if [ "${1:-}" = --write ]; then
		cp "$page" "$CRM_ROOT/docs/reference.md"
		echo "wrote docs/reference.md ($(wc -l <"$page") lines)" >&2
	else
		cat "$page"
	fi
	exit 0
fi

cd "$CRM_ROOT" || exit 1
db=doc_reference_gen
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
	-c "CREATE DATABASE $db" >/dev/null || exit 1
psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION crm' -f test/doctest/reference.sql
status=$?
psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" >/dev/null
exit $status
