#!/usr/bin/env bash
# run.sh [--queries N] [--seconds N] [--seed S] [--all-functions]
#
# Runs sqlsmith (Debian package) against viewstats: starts a throwaway
# cluster, creates viewstats with the sample data of setup.sql, runs sqlsmith
# as an unprivileged role for N queries (default 2000) or N seconds, then
# reports:
#   - crashes: a backend terminated by a signal makes the postmaster log
#     "terminated by signal" and restart; we also check that the postmaster
#     is the same process as at the start. The query is printed from the log.
#   - internal errors (XX000) raised in viewstats's own C files (the log has
#     each error's source location);
#   - a run that executed fewer queries than asked (--queries N: all N;
#     --seconds N: at least one per second), so a sqlsmith that could not
#     connect or stopped early never passes as a clean run.
# Exits non-zero on any of them. By default sqlsmith is steered towards viewstats
# through the focus catalogue of setup.sql; --all-functions lets it pick
# from every function of the catalogue.
#
# VS_SKIP_BUILD=1 reuses the tmp_install of an earlier `make test` set-up.
# SQLSMITH_LOG_DIR=dir keeps the server log and sqlsmith's output there.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"

queries=2000
seconds=
seed=1
focus=1
while (($# > 0)); do
	case $1 in
	--queries) queries=$2; shift 2 ;;
	--seconds) seconds=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--all-functions) focus=0; shift ;;
	-h | --help) sed -n '2,22p' "$0"; exit 0 ;;
	*) vs_die "unknown argument $1" ;;
	esac
done

main() {
	if [[ ${VS_SKIP_BUILD:-0} == 1 ]]; then
		vs_setup_reuse
	else
		VS_QUIET=1 vs_setup
	fi
	vs_ensure_packages sqlsmith
	vs_cluster_start
	export PGHOST PGPORT PGUSER PGDATABASE=viewstats_test
	local ext
	ext=$(vs_make_var EXTENSION)
	vs_psql -d postgres -q <<-SQL
		CREATE DATABASE $PGDATABASE;
		-- every error with its SQLSTATE and C source location
		ALTER SYSTEM SET log_error_verbosity = verbose;
		ALTER SYSTEM SET log_line_prefix = '%m [%p] ';
		SELECT pg_reload_conf() \g /dev/null
	SQL
	vs_psql -qc "CREATE EXTENSION $ext"
	vs_psql -q -f "$VS_ROOT/test/sqlsmith/setup.sql"
	if ((focus == 1)); then
		vs_psql -qc "ALTER ROLE smith SET search_path = sqlsmith_focus, public, pg_catalog"
	fi
	local pm_pid out=${SQLSMITH_LOG_DIR:-$VS_WORK} rc=0 start=$SECONDS
	pm_pid=$(head -n 1 "$VS_PGDATA/postmaster.pid")
	mkdir -p "$out"
	local -a cmd=(sqlsmith "--target=host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=smith"
		"--seed=$seed" --verbose --exclude-catalog)
	if [[ -n $seconds ]]; then
		vs_log "running sqlsmith for $seconds s (seed $seed)"
		timeout --signal=INT "$seconds" "${cmd[@]}" >"$out/sqlsmith.out" 2>"$out/sqlsmith.err" || rc=$?
		((rc == 124 || rc == 130)) && rc=0
	else
		vs_log "running sqlsmith for $queries queries (seed $seed)"
		(cd "$VS_WORK" && "${cmd[@]}" "--max-queries=$queries") \
			>"$out/sqlsmith.out" 2>"$out/sqlsmith.err" || rc=$?
	fi
	local elapsed=$((SECONDS - start)) min_queries=$queries
	[[ -z $seconds ]] || min_queries=$seconds
	((rc == 0)) || vs_warn "sqlsmith exited with status $rc"
	report "$pm_pid" "$elapsed" "$out" "$min_queries" || rc=1
	vs_cluster_stop
	[[ $out == "$VS_WORK" ]] || cp "$VS_WORK/server.log" "$out/server.log"
	return $rc
}

# report POSTMASTER_PID ELAPSED OUTDIR MIN_QUERIES: print the figures; fail
# on a crash, an internal error in our code, or fewer queries than
# MIN_QUERIES.
report() {
	local pm_pid=$1 elapsed=$2 out=$3 min_queries=$4 log=$VS_WORK/server.log bad=0 n total
	# sqlsmith prints one character per query on its progress lines, and
	# "queries: N" when it ends by itself (not when --seconds interrupts
	# it); both must reach the minimum.
	n=$(grep -E '^[.a-zA-Z]+$' "$out/sqlsmith.err" | tr -d '\n' | wc -c)
	total=$(sed -nE 's/^queries: ([0-9]+)$/\1/p' "$out/sqlsmith.err" | tail -n 1)
	echo "sqlsmith: $n queries in ${elapsed} s"
	if ((n < min_queries || ${total:-$n} < min_queries)); then
		echo "FAIL: sqlsmith ran $n queries (it reports ${total:-none}); at least $min_queries were expected"
		bad=1
	fi
	local errors
	errors=$(grep -cE '^[0-9-]+ [0-9:.]+ UTC \[[0-9]+\] ERROR:' "$log" || true)
	echo "server errors (expected: random SQL is mostly invalid): $errors"

	# Errors raised by viewstats's C files, by SQLSTATE.
	local ours
	ours=$(our_errors "$log")
	if [[ -n $ours ]]; then
		echo "errors raised in viewstats code, by SQLSTATE:"
		sed 's/^/    /' <<<"$ours"
	fi
	if grep -q '^ *[0-9]* XX' <<<"$ours"; then
		echo "FAIL: internal errors (XX) raised in viewstats code"
		bad=1
	fi

	# Crashes: the postmaster logs each terminated backend and restarts.
	if grep -qE 'terminated by signal|all server processes terminated|PANIC:|TRAP:' "$log"; then
		echo "FAIL: a server process crashed:"
		grep -E -A2 'terminated by signal|PANIC:|TRAP:' "$log" | head -n 40 | sed 's/^/    /'
		bad=1
	fi
	if [[ ! -f $VS_PGDATA/postmaster.pid || $(head -n 1 "$VS_PGDATA/postmaster.pid") != "$pm_pid" ]] ||
		! kill -0 "$pm_pid" 2>/dev/null; then
		echo "FAIL: the postmaster (pid $pm_pid) is gone"
		bad=1
	fi
	((bad == 0)) && echo "crashes: 0; internal errors in viewstats code: 0"
	return $bad
}

# "COUNT SQLSTATE" for each error whose LOCATION is one of our C files.
# An error's DETAIL, HINT, CONTEXT and QUERY lines come between it and its
# LOCATION, so only a line of another kind ends the error. Our files' names
# must not be those of postgres's own (guc.c was once: postgres's 42704
# "unrecognized configuration parameter" then counted as ours).
our_errors() {
	local files
	files=$(cd "$VS_ROOT/src" && ls ./*.c | sed 's|^\./||' | paste -sd'|')
	local st='[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]'
	awk -v files="^($files):" -v st="$st" '
		$0 ~ (" ERROR:  " st ":") { match($0, " ERROR:  " st ":"); state = substr($0, RSTART + 9, 5); next }
		/ LOCATION:  / && state != "" {
			split($0, parts, ", "); loc = parts[length(parts)]
			if (loc ~ files) count[state]++
			state = ""; next }
		/ (DETAIL|HINT|CONTEXT|QUERY):  / { next }
		{ state = "" }
		END { for (s in count) printf "%7d %s\n", count[s], s }' "$1" | sort -k2
}

main "$@"
