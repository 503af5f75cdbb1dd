#!/usr/bin/env bash
# run.sh [TEST...]: the pg_regress suite (REGRESS in the Makefile, or the
# tests named) against a server whose every process runs under valgrind
# memcheck, then a report of valgrind's findings.
#
# Debian's postgres is not built with valgrind support (USE_VALGRIND), so
# memcheck sees palloc chunks only as parts of larger malloc'd blocks:
# it still catches use of uninitialised values (in branches, in system
# calls), and reads and writes outside any malloc'd block. postgres.supp
# suppresses postgres's own known false positives (padding bytes written to
# disk or sockets). The run fails if pg_regress fails or if any error has a
# viewstats frame in its stack; other errors are listed for information.
#
# About 15 to 30 times slower than a plain run. VS_SKIP_BUILD=1 reuses the
# tmp_install of an earlier `make test`; VALGRIND_LOG_DIR=dir keeps the logs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

main() {
	if [[ ${VS_SKIP_BUILD:-0} == 1 ]]; then
		vs_setup_reuse
	else
		VS_QUIET=1 vs_setup
	fi
	vs_ensure_packages valgrind
	local -a tests opts
	if (($# > 0)); then tests=("$@"); else read -ra tests <<<"$(vs_make_var REGRESS)"; fi
	local ext out=$VS_WORK/valgrind data=$VS_WORK/vgdata port rc=0 supp
	ext=$(vs_make_var EXTENSION)
	port=$(vs_free_port)
	vs_as_pg mkdir -p "$out/logs"
	# valgrind reads the suppressions as the server user
	supp=$VS_WORK/postgres.supp
	cp "$VS_ROOT/test/valgrind/postgres.supp" "$supp"
	chmod a+r "$supp"

	vs_log "initdb (without valgrind)"
	vs_as_pg "$VS_BINDIR/initdb" -D "$data" -U "$(vs_superuser)" -A trust -E UTF8 \
		--no-locale --no-sync >"$VS_WORK/initdb.log" 2>&1 || {
		cat "$VS_WORK/initdb.log" >&2
		vs_die "initdb failed"
	}
	{
		cat "$VS_TEST_CONF"
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$VS_WORK'"
		echo "port = $port"
		echo "fsync = off"
		echo "autovacuum = off"
		# LLVM compiling JIT code under valgrind takes minutes per query,
		# and the JIT-compiled code is not ours to check
		echo "jit = off"
		# valgrind is slow: no spurious timeouts
		echo "wal_sender_timeout = 0"
		echo "log_line_prefix = '%m [%p] '"
	} | vs_as_pg tee -a "$data/postgresql.conf" >/dev/null

	vs_log "starting postgres under valgrind (logs in $out/logs)"
	vs_as_pg bash -c "exec valgrind --tool=memcheck --quiet --error-limit=no \
		--num-callers=40 --track-origins=yes --read-var-info=yes --leak-check=no \
		--gen-suppressions=all --suppressions='$supp' \
		--log-file='$out/logs/valgrind.%p.log' \
		'$VS_BINDIR/postgres' -D '$data' >'$out/server.log' 2>&1" &
	local i
	for i in $(seq 1 300); do
		"$VS_BINDIR/pg_isready" -q -h "$VS_WORK" -p "$port" && break
		sleep 1
	done
	"$VS_BINDIR/pg_isready" -q -h "$VS_WORK" -p "$port" || {
		tail -n 30 "$out/server.log" >&2
		vs_die "postgres under valgrind did not start"
	}
	PGHOST=$VS_WORK PGPORT=$port PGUSER=$(vs_superuser) VS_PGDATA=$data
	vs_psql -d postgres -qc "CREATE DATABASE regression"
	vs_psql -d regression -qc "CREATE EXTENSION $ext"

	vs_log "running pg_regress (${#tests[@]} tests) under valgrind"
	vs_as_pg "$PG_REGRESS" --use-existing --dbname=regression \
		--launcher="env -u PGTZ -u PGDATESTYLE" \
		--bindir="$VS_BINDIR" --inputdir="$VS_PG_ROOT" --outputdir="$out" \
		--host="$VS_WORK" --port="$port" "${tests[@]}" 2>&1 | tee "$out/regress.log" || rc=$?
	[[ -s $out/regression.diffs ]] && head -n 100 "$out/regression.diffs"

	vs_log "stopping the server"
	vs_as_pg "$VS_BINDIR/pg_ctl" -D "$data" -w -t 300 -m fast stop >/dev/null || rc=1
	perl "$VS_ROOT/test/valgrind/report.pl" "$out/logs" || rc=1
	if [[ -n ${VALGRIND_LOG_DIR:-} ]]; then
		mkdir -p "$VALGRIND_LOG_DIR"
		cp -r "$out/logs" "$out/server.log" "$out/regress.log" "$VALGRIND_LOG_DIR"/
	fi
	return $rc
}

main "$@"
