#!/usr/bin/env bash
# with_cluster.sh CMD [ARGS...]: run CMD against a throwaway cluster that has
# the extension installed, then stop and remove the cluster. CMD exits with
# its own status. It sees PGHOST, PGPORT, PGDATABASE and PGUSER exported,
# PATH starting with the private tree's bin dir (psql, pgbench), and a
# database (viewstats_test) in which the extension is already created, so
# use CREATE EXTENSION IF NOT EXISTS. CMD runs as the invoking user (root in
# CI), as a client over the unix socket.
#
# Set VS_CREATE_EXTENSION=0 for a database without the extension, and
# VS_SKIP_BUILD=1 to reuse the tmp_install an earlier step built (as
# run_tests.sh steps do).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

main() {
	(($# > 0)) || vs_die "usage: $0 CMD [ARGS...]"
	if [[ ${VS_SKIP_BUILD:-0} == 1 ]]; then
		vs_setup_reuse
	else
		VS_QUIET=1 vs_setup
	fi
	vs_cluster_start
	export PGHOST PGPORT PGUSER PGDATABASE=viewstats_test
	export PATH=$VS_BINDIR:$PATH
	vs_psql -d postgres -qc "CREATE DATABASE $PGDATABASE"
	if [[ ${VS_CREATE_EXTENSION:-1} == 1 ]]; then
		vs_psql -qc "CREATE EXTENSION $(vs_make_var EXTENSION)"
	fi
	local rc=0
	"$@" || rc=$?
	vs_cluster_stop
	return $rc
}

main "$@"
