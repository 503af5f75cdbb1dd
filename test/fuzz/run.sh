#!/usr/bin/env bash
# run.sh [--seconds N] [--merge] [HARNESS...]: run the libFuzzer harnesses.
#
# Each harness runs for N seconds (default 25) on a scratch copy of its
# committed seed corpus (corpus/NAME), so a short run never changes the
# checkout. With --merge, the inputs that found new coverage are merged into
# corpus/NAME afterwards (libFuzzer -merge=1 keeps a minimal set): that is
# what `make -C test/fuzz long` does, so commit corpus/ after a long run.
#
# A crash, a sanitizer report, a leak or a failed model check stops that
# harness; its input is saved as artifacts/NAME-crash-* (replay it with
# ./NAME artifacts/NAME-crash-...). Prints one "ok"/"not ok" line per
# harness and exits non-zero if any failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../scripts/common.sh

seconds=25
merge=0
harnesses=()
while (($# > 0)); do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--merge) merge=1; shift ;;
	-h | --help) sed -n '2,13p' "$0"; exit 0 ;;
	*) harnesses+=("$1"); shift ;;
	esac
done
((${#harnesses[@]} > 0)) || harnesses=(fuzz_text fuzz_wire fuzz_state fuzz_algebra fuzz_builder fuzz_ptable fuzz_counts fuzz_runs)

# clang's libFuzzer and sanitizer runtimes
vs_ensure_packages clang libclang-rt-dev
make --no-print-directory -s "${harnesses[@]}"

scratch=$(mktemp -d "${TMPDIR:-/tmp}/viewstats-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
mkdir -p artifacts

failed=0
i=0
for h in "${harnesses[@]}"; do
	i=$((i + 1))
	mkdir -p "$scratch/$h" "corpus/$h"
	log=$scratch/$h.log
	start=$SECONDS
	rc=0
	# -timeout (per input, wall clock) catches hangs: the naive models of
	# fuzz_counts take up to 3.4 s of CPU on some inputs, more than 10 s of
	# wall clock on a loaded machine.
	# First corpus dir receives new inputs; the committed one is only read.
	./"$h" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="artifacts/$h-" \
		"$scratch/$h" "corpus/$h" >"$log" 2>&1 || rc=$?
	runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
	if ((rc == 0)); then
		echo "ok $i - $h: ${runs:-?} inputs in $((SECONDS - start)) s, clean ($cov)"
	else
		failed=$((failed + 1))
		echo "not ok $i - $h: failed after $((SECONDS - start)) s (exit $rc)"
		grep -E 'check failed|ERROR:|SUMMARY:|runtime error|Test unit written' "$log" | head -n 20 | sed 's/^/    /'
	fi
	if ((merge == 1 && rc == 0)); then
		./"$h" -merge=1 "corpus/$h" "$scratch/$h" >"$scratch/$h.merge.log" 2>&1 ||
			{ echo "    merge failed:"; tail -n 5 "$scratch/$h.merge.log"; }
		echo "    corpus/$h: $(find "corpus/$h" -type f | wc -l) inputs"
	fi
done
echo "$((i - failed)) passed, $failed failed"
((failed == 0))
