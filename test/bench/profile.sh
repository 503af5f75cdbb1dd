#!/usr/bin/env bash
# profile.sh: count where a query spends its instructions, reproducibly.
#
#   bash test/bench/profile.sh [-r ROWS] [-s SETUP.sql] [-t callgrind|perf]
#                              [-o OUTDIR] "SQL" ...
#
# Builds (unless VS_SKIP_BUILD=1), starts a throwaway cluster with
# bench.conf, generates ROWS rows (default 200000) with generate.sql, stops
# it (after running SETUP.sql files with psql, e.g. generate_habit.sql and a
# CREATE TABLE for a rollup), then runs each SQL in a single-user backend (no other process, no
# network) under
#   callgrind  valgrind --tool=callgrind: instruction counts, the same on a
#              busy machine as on a quiet one (default); prints the total
#              and the top functions (inclusive and self) per query
#              (CACHESIM=1 adds simulated cache misses: D1mr, DLmr, ...)
#   perf       perf record -e cpu-clock: wall-clock samples, for when
#              valgrind's 50x slowdown hides cache effects
# Wrap a query as EXPLAIN (ANALYZE, TIMING OFF) ... so the backend prints a
# few lines, not every row.  Outputs stay in OUTDIR (default
# test/bench/results/profile-<time>).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh"

main() {
	local rows=200000 tool=callgrind out= f
	local -a setup=()
	while getopts r:s:t:o: opt; do
		case $opt in
			r) rows=$OPTARG ;;
			s) setup+=("$(realpath "$OPTARG")") ;;
			t) tool=$OPTARG ;;
			o) out=$OPTARG ;;
			*) vs_die "usage: $0 [-r rows] [-s setup.sql] [-t callgrind|perf] [-o outdir] SQL..." ;;
		esac
	done
	shift $((OPTIND - 1))
	(($# > 0)) || vs_die "no query given"
	out=${out:-$VS_ROOT/test/bench/results/profile-$(date +%Y%m%d-%H%M%S)}
	mkdir -p "$out"
	if [[ ${VS_SKIP_BUILD:-0} == 1 ]]; then vs_setup_reuse; else VS_QUIET=1 vs_setup; fi
	bench_cluster_start "shared_buffers = 512MB"
	vs_log "generating $rows rows"
	vs_psql -q -v rows="$rows" -v seed=1 -f "$VS_ROOT/test/bench/generate.sql"
	for f in "${setup[@]}"; do
		vs_psql -q -v rows="$rows" -v seed=1 -f "$f"
	done
	vs_cluster_stop
	chmod a+rwx "$out"
	local i=0 sql
	for sql in "$@"; do
		i=$((i + 1))
		vs_log "query $i: $sql"
		# one line per statement in single-user mode
		sql=${sql//$'\n'/ }
		case $tool in
			callgrind)
				printf '%s\n' "$sql" | vs_as_pg valgrind --tool=callgrind --quiet \
					${CACHESIM:+--cache-sim=yes} \
					--callgrind-out-file="$out/callgrind.$i" \
					"$VS_BINDIR/postgres" --single -D "$VS_PGDATA" \
					-c max_parallel_workers_per_gather=0 "$PGDATABASE" >"$out/output.$i" 2>&1
				callgrind_annotate --inclusive=yes "$out/callgrind.$i" >"$out/inclusive.$i.txt" 2>&1 || true
				callgrind_annotate "$out/callgrind.$i" >"$out/self.$i.txt" 2>&1 || true
				grep -m1 -E 'PROGRAM TOTALS' "$out/self.$i.txt" || true
				sed -n '/file:function/,$p' "$out/self.$i.txt" | sed -n 2,26p
				;;
			perf)
				printf '%s\n' "$sql" | vs_as_pg perf record -e cpu-clock -F 2000 -g \
					-o "$out/perf.$i.data" "$VS_BINDIR/postgres" --single -D "$VS_PGDATA" \
					-c max_parallel_workers_per_gather=0 "$PGDATABASE" >"$out/output.$i" 2>&1
				perf report -i "$out/perf.$i.data" --no-children --stdio >"$out/perf.$i.txt" 2>/dev/null || true
				grep -E '^ +[0-9.]+%' "$out/perf.$i.txt" | sed -n 1,25p
				;;
			*) vs_die "unknown tool $tool" ;;
		esac
	done
	vs_log "outputs in $out"
}

main "$@"
