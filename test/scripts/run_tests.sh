#!/usr/bin/env bash
# `make test`: every test suite, hermetically, then one summary line
# "N passed, N failed" (individual tests where a suite reports them).
#
# Each suite is a function step_NAME, run in a subshell with `set -e` so one
# failing suite does not stop the others. A step reports its counts with
# record PASSED FAILED; a step that records nothing counts as one test.
# A step that runs no test at all (its inputs are missing, or it reports
# nothing) fails: a suite that vanished must not pass as "skipped".
# To add a suite: write step_NAME and add NAME to TEST_STEPS. Set-up has
# run by then: VS_BINDIR (private tree's bin), VS_WORK (temp dir owned by
# the server user), VS_PG_ROOT (checkout as that user can read it) and
# VS_RESULTS (logs) are set. A suite that needs a running server can do
#   VS_SKIP_BUILD=1 bash "$VS_ROOT/test/scripts/with_cluster.sh" CMD...
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TEST_STEPS=(unit regress tap clients readme bench fuzz sqlsmith)
# VS_TEST_STEPS="unit regress ..." runs a subset (make matrix does).
if [[ -n ${VS_TEST_STEPS:-} ]]; then
	read -ra TEST_STEPS <<<"$VS_TEST_STEPS"
fi

# ---- steps -----------------------------------------------------------------

# A smoke run of the benchmark (test/bench): a few thousand rows, one run per
# query, no timing asserted.  It fails if a viewstats answer differs from
# its plain-SQL anchor's or if the report's tables are malformed.
step_bench() {
	local log=$VS_RESULTS/bench.log rc=0 counts
	SMOKE=1 VS_SKIP_BUILD=1 RESULTS=$VS_RESULTS/bench \
		bash "$VS_ROOT/test/bench/bench.sh" 2>&1 | tee "$log" || rc=$?
	counts=$(sed -nE 's/^bench checks: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$log" | tail -n 1)
	[[ -n $counts ]] || missing_suite "the bench smoke run printed no \"bench checks:\" line"
	read -r ok notok <<<"$counts"
	record "$ok" "$notok"
	return $rc
}

# missing_suite WHY: the suite cannot run; that is a failure, never a skip.
missing_suite() {
	echo "FAILED: $*"
	record 0 1
	return 1
}

step_unit() {
	[[ -f $VS_ROOT/test/unit/Makefile ]] || missing_suite "no test/unit/Makefile: the unit tests are missing"
	local log=$VS_RESULTS/unit.log rc=0
	make --no-print-directory -C "$VS_ROOT/test/unit" run 2>&1 | tee "$log" || rc=$?
	record_from_log "$log"
	return $rc
}

step_regress() {
	local -a tests opts
	read -ra tests <<<"$(vs_make_var REGRESS)"
	read -ra opts <<<"$(vs_make_var REGRESS_OPTS)"
	((${#tests[@]} > 0)) || missing_suite "REGRESS in the Makefile is empty: the regression tests are missing"
	local ext out=$VS_WORK/regress rc=0
	ext=$(vs_make_var EXTENSION)
	[[ " ${opts[*]} " == *" --load-extension=$ext "* ]] || opts+=("--load-extension=$ext")
	vs_as_pg mkdir -p "$out"
	# C locale and UTF8 so expected files do not depend on the machine.
	# pg_regress exports PGTZ and PGDATESTYLE for its psql, which would
	# override test.conf; the launcher drops them so sessions get UTC and
	# ISO, YMD from the server.
	vs_as_pg "$PG_REGRESS" \
		--launcher="env -u PGTZ -u PGDATESTYLE" \
		--temp-instance="$out/instance" \
		--temp-config="$VS_TEST_CONF" \
		--bindir="$VS_BINDIR" \
		--inputdir="$VS_PG_ROOT" \
		--outputdir="$out" \
		--port="$(vs_free_port)" \
		--encoding=UTF8 --no-locale \
		"${opts[@]}" "${tests[@]}" 2>&1 | tee "$VS_RESULTS/regress.log" || rc=$?
	# "test x ... ok" up to PostgreSQL 15, TAP lines ("ok 3 - x",
	# "not ok 4 - x", "+" in a parallel group) from 16 on
	local ok failed
	ok=$(grep -cE '\.\.\. ok|^ok [0-9]+ ' "$VS_RESULTS/regress.log" || true)
	failed=$(grep -cE '\.\.\. FAILED|^not ok [0-9]+ ' "$VS_RESULTS/regress.log" || true)
	# every listed test must have run: one that did not is a failure
	if ((ok + failed < ${#tests[@]})); then
		echo "FAILED: pg_regress reported $((ok + failed)) of the ${#tests[@]} tests in REGRESS"
		failed=$((${#tests[@]} - ok))
		rc=1
	fi
	record "$ok" "$failed"
	if ((rc != 0)); then
		if [[ -s $out/regression.diffs ]]; then
			echo "---- head of regression.diffs ----"
			head -n 300 "$out/regression.diffs"
		elif [[ -f $out/log/postmaster.log ]]; then
			echo "---- tail of the server log ----"
			tail -n 50 "$out/log/postmaster.log"
		fi
	fi
	return $rc
}

# VS_TAP_FILES="t/001_restart.pl ..." runs some of them (make mutation does).
step_tap() {
	local -a files
	if [[ -n ${VS_TAP_FILES:-} ]]; then
		read -ra files <<<"$VS_TAP_FILES"
	else
		mapfile -t files < <(cd "$VS_PG_ROOT/test" && compgen -G 't/*.pl' | sort)
	fi
	((${#files[@]} > 0)) || missing_suite "no test/t/*.pl: the TAP tests are missing"
	local out=$VS_WORK/tap rc=0
	vs_as_pg mkdir -p "$out"
	# PATH: the private tree first, so the nodes run our postgres and find
	# our extension. TESTDIR (PG <= 16) and TESTDATADIR/TESTLOGDIR (17+)
	# keep the nodes' files in the postgres-owned temp dir.
	PATH="$VS_BINDIR:$PATH" vs_as_pg env -C "$VS_PG_ROOT/test" \
		PG_REGRESS="$PG_REGRESS" TEMP_CONFIG="$VS_TEST_CONF" \
		TESTDIR="$out" TESTDATADIR="$out/data" TESTLOGDIR="$out/log" \
		PG_TEST_PORT_DIR="$out" \
		prove -I "$PG_PERL_LIB" "${files[@]}" 2>&1 | tee "$VS_RESULTS/tap.log" || rc=$?
	# Count scripts: "Files=N" from the summary, minus those listed as
	# failed in "Test Summary Report" (lines "t/x.pl (Wstat: ...").
	local total name logf
	local -a failed
	total=$(sed -nE 's/^Files=([0-9]+),.*/\1/p' "$VS_RESULTS/tap.log")
	mapfile -t failed < <(sed -nE 's/^t\/(\S+)\.pl +\(Wstat.*/\1/p' "$VS_RESULTS/tap.log")
	[[ -n $total ]] && record $((total - ${#failed[@]})) "${#failed[@]}"
	# The node logs of the failed scripts say why (PG 15 and 17+ layouts).
	for name in "${failed[@]}"; do
		for logf in "$out/tmp_check/log/regress_log_$name" "$out/log/regress_log_$name"; do
			[[ -f $logf ]] || continue
			echo "---- tail of $logf ----"
			tail -n 40 "$logf"
		done
	done
	return $rc
}

# Real drivers (psql, Python psycopg + pandas, Java JDBC, ODBC) against a
# cluster with viewstats; the runner installs the driver packages it needs.
step_clients() {
	local rc=0
	VS_SKIP_BUILD=1 bash "$VS_ROOT/test/clients/run.sh" 2>&1 | tee "$VS_RESULTS/clients.log" || rc=$?
	record_from_log "$VS_RESULTS/clients.log"
	return $rc
}

# Every SQL example of README.md, run against the demo data and compared
# with the output the README shows. The README's own CREATE EXTENSION runs.
step_readme() {
	local rc=0
	vs_ensure_packages python3
	VS_SKIP_BUILD=1 VS_CREATE_EXTENSION=0 bash "$VS_ROOT/test/scripts/with_cluster.sh" \
		bash "$VS_ROOT/test/readme/run.sh" 2>&1 | tee "$VS_RESULTS/readme.log" || rc=$?
	record_from_log "$VS_RESULTS/readme.log"
	return $rc
}

# Short libFuzzer runs of the core (test/fuzz): VS_FUZZ_SECONDS (12) per
# harness, each an "ok"/"not ok" line.
step_fuzz() {
	local rc=0 idle
	bash "$VS_ROOT/test/fuzz/run.sh" --seconds "${VS_FUZZ_SECONDS:-12}" 2>&1 |
		tee "$VS_RESULTS/fuzz.log" || rc=$?
	record_from_log "$VS_RESULTS/fuzz.log"
	# a harness that ran no input tested nothing
	idle=$(grep -E '^ok [0-9]+ - ' "$VS_RESULTS/fuzz.log" | grep -cvE ': [1-9][0-9]* inputs' || true)
	if ((idle > 0)); then
		echo "FAILED: $idle harness(es) reported ok without running any input"
		read -r ok notok <"$VS_RESULTS/$VS_STEP.counts"
		record $((ok - idle)) $((notok + idle))
		rc=1
	fi
	return $rc
}

# A short sqlsmith run (test/sqlsmith): VS_SQLSMITH_QUERIES (2000) random
# queries; fails on a crashed backend, an internal error in our code, or a
# run that executed fewer queries than asked (run.sh checks the count).
step_sqlsmith() {
	VS_SKIP_BUILD=1 bash "$VS_ROOT/test/sqlsmith/run.sh" \
		--queries "${VS_SQLSMITH_QUERIES:-2000}" 2>&1 | tee "$VS_RESULTS/sqlsmith.log"
}

# ---- runner ----------------------------------------------------------------

# record_from_log LOG: a suite's counts from the last "N passed, N failed"
# line of its log; else from TAP-style "ok N" / "not ok N" lines; else none
# (the step then counts as one test).
record_from_log() {
	local log=$1 counts ok notok
	counts=$(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed(, [0-9]+ skipped)?$/\1 \2/p' "$log" | tail -n 1)
	ok=$(grep -cE '^ok [0-9]+' "$log" || true)
	notok=$(grep -cE '^not ok [0-9]+' "$log" || true)
	if [[ -n $counts ]]; then
		read -r ok notok <<<"$counts"
		record "$ok" "$notok"
	elif ((ok + notok > 0)); then
		record "$ok" "$notok"
	fi
}

# Counts go through files because each step runs in a subshell.
record() { echo "$1 $2" >"$VS_RESULTS/$VS_STEP.counts"; }

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()

# run_step NAME FUNCTION: run it, then add its counts to the totals.
run_step() {
	local name=$1 fn=$2 rc=0 start=$SECONDS passed failed
	printf '\n===== %s =====\n' "$name"
	VS_STEP=$name
	set +e
	(
		set -e
		"$fn"
	)
	rc=$?
	set -e
	if [[ -f $VS_RESULTS/$name.counts ]]; then
		read -r passed failed <"$VS_RESULTS/$name.counts"
		# A step that crashed after its tests passed still fails.
		((rc != 0 && failed == 0)) && failed=1
		# A step that ran no test fails too.
		((passed + failed == 0)) && failed=1
	elif ((rc == 0)); then
		passed=1 failed=0
	else
		passed=0 failed=1
	fi
	TOTAL_PASSED=$((TOTAL_PASSED + passed))
	TOTAL_FAILED=$((TOTAL_FAILED + failed))
	local verdict=ok
	((failed > 0)) && verdict=FAILED
	SUMMARY+=("$(printf '%-10s %-8s %4d passed %4d failed %5ds' "$name" "$verdict" "$passed" "$failed" $((SECONDS - start)))")
	return $rc
}

print_summary() {
	printf '\n===== summary =====\n'
	printf '%s\n' "${SUMMARY[@]}"
	echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
}

# Set-up runs in this shell (it sets VS_WORK, VS_BINDIR, ...); if it dies,
# the exit hook still prints the summary so CI shows "0 passed, 1 failed".
on_exit() {
	((${#SUMMARY[@]} > 0)) && return 0
	SUMMARY+=("setup      FAILED")
	TOTAL_FAILED=1
	print_summary
}

main() {
	cd "$VS_ROOT"
	VS_EXIT_HOOK=on_exit
	vs_trap_cleanup
	local start=$SECONDS
	printf '===== setup =====\n'
	vs_setup
	SUMMARY+=("$(printf '%-10s %-8s %27s %5ds' setup ok '' $((SECONDS - start)))")
	# Step logs and counts; under VS_WORK so they go on exit too.
	VS_RESULTS=$VS_WORK/results
	mkdir -p "$VS_RESULTS"
	local step
	for step in "${TEST_STEPS[@]}"; do
		run_step "$step" "step_$step" || true
	done
	print_summary
	((TOTAL_FAILED == 0))
}

main "$@"
