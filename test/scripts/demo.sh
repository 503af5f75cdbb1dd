#!/usr/bin/env bash
# `make demo`: set everything up, run test/demo/demo.sql in a fresh database
# of a throwaway cluster and print what psql prints. Nothing is left behind.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

main() {
	# Keep the build quiet so the demo output is what one sees.
	VS_QUIET=1 vs_setup
	vs_cluster_start
	vs_psql -d postgres -qc 'CREATE DATABASE viewstats_demo'
	vs_log "running test/demo/demo.sql"
	echo
	# demo.sql prints its own headings; the generator's SQL stays quiet
	vs_psql -d viewstats_demo -q -f "$VS_ROOT/test/demo/demo.sql"
	echo
	vs_cluster_stop
}

main "$@"
