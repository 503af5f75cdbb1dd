#!/usr/bin/env bash
# `make bench`: build, start a throwaway cluster with bench.conf, run
# bench.py against it, stop and remove the cluster.  Raw figures go to
# test/bench/results/ (gitignored).
#
# Knobs (make variables or environment):
#   SCALE=rows      rows of the generated log (default 10000000, up to 100M)
#   RUNS=n          timed runs per query (default 5, at least 5 for reports)
#   SEED=n          generator seed (default 1)
#   SECTIONS=list   serial,parallel,scaling,memory,rollup,scale,restricted (default all)
#   SCALE_UNITS=n   distinct units in the scale section's one group (100M)
#   SCALE_GROUPS=n  groups of 10 units in the scale section (1M)
#   ONLY=groups     only these query groups (see test/bench/queries.py)
#   WORK_MEM=size   override work_mem (default 2GB, see bench.conf)
#   HASH_MEM_MULTIPLIER=x  override hash_mem_multiplier (default 8, bench.conf);
#                   WORK_MEM=4MB HASH_MEM_MULTIPLIER=2 are PostgreSQL's defaults
#   SMOKE=1         a few thousand rows, one run: the check `make test` does
#   VS_SKIP_BUILD=1 reuse tmp_install (as inside make test)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/cluster.sh"

main() {
	local rows=${SCALE:-10000000} runs=${RUNS:-5} work_mem=${WORK_MEM:-2GB}
	local -a args
	if [[ ${SMOKE:-0} == 1 ]]; then
		rows=${SCALE:-3000}
		runs=${RUNS:-1}
		args+=(--smoke)
	fi
	[[ $rows =~ ^[0-9]+$ && $rows -ge 1000 && $rows -le 100000000 ]] ||
		vs_die "SCALE must be a row count from 1000 to 100000000"
	args+=(--rows "$rows" --runs "$runs" --seed "${SEED:-1}")
	[[ -n ${SECTIONS:-} ]] && args+=(--sections "$SECTIONS")
	[[ -n ${ONLY:-} ]] && args+=(--only "$ONLY")
	[[ -n ${SCALE_UNITS:-} ]] && args+=(--scale-units "$SCALE_UNITS")
	[[ -n ${SCALE_GROUPS:-} ]] && args+=(--scale-groups "$SCALE_GROUPS")

	if [[ ${VS_SKIP_BUILD:-0} == 1 ]]; then
		vs_setup_reuse
	else
		VS_QUIET=1 vs_setup
	fi
	local -a extra=("work_mem = '$work_mem'")
	if [[ -n ${HASH_MEM_MULTIPLIER:-} ]]; then
		[[ $HASH_MEM_MULTIPLIER =~ ^[0-9]+(\.[0-9]+)?$ ]] ||
			vs_die "HASH_MEM_MULTIPLIER must be a number"
		extra+=("hash_mem_multiplier = $HASH_MEM_MULTIPLIER")
	fi
	# a smoke run must fit any machine
	[[ ${SMOKE:-0} == 1 ]] && extra+=("shared_buffers = 128MB")
	bench_cluster_start "${extra[@]}"
	local rc=0
	/usr/bin/python3 "$VS_ROOT/test/bench/bench.py" "${args[@]}" \
		--results "${RESULTS:-$VS_ROOT/test/bench/results}" || rc=$?
	vs_cluster_stop
	return $rc
}

main "$@"
