#!/usr/bin/env bash
# `make matrix [MAJORS="15 17 18"]`: build viewstats with -Werror and run
# its tests (unit, pg_regress, TAP, clients, README examples) against each
# PostgreSQL major, each in a Debian chroot that has Debian's own
# postgresql-N (see lib.sh).  Prints one line per major and ends with
# "N passed, N failed"; exits non-zero if any major failed.
#
# VS_MATRIX_STEPS overrides the suites run (default: the five above; the
# fuzzers, sqlsmith and the benchmark smoke run test the core and the
# generator, which do not depend on the server version, and run in
# `make test`).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/lib.sh"
VS_ROOT=$(cd "$here/../.." && pwd)

[[ $(id -u) -eq 0 ]] || mx_die "make matrix needs root (debootstrap, chroot, unshare)"
command -v git >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get -y -q install git </dev/null >/dev/null

read -ra majors <<<"${MAJORS:-15 17 18}"
steps=${VS_MATRIX_STEPS:-unit regress tap clients readme}
passed=0 failed=0
summary=()

run_major() {
	local major=$1 root dir rc=0 start=$SECONDS
	(
		mx_lock "$major"
		root=$(mx_chroot_ensure "$major")
		dir=$(mx_stage_checkout "$root" "$VS_ROOT")
		trap 'rm -rf "${root:?}$dir"' EXIT
		mx_log "PostgreSQL $major: make test in $(mx_suite "$major") (steps: $steps)"
		mx_in_root "$root" env PG_MAJOR="$major" COPT=-Werror \
			VS_TEST_STEPS="$steps" make -C "$dir" test </dev/null
	) 2>&1 | sed -u "s/^/[pg$major] /" || rc=$?
	if ((rc == 0)); then
		passed=$((passed + 1))
		summary+=("$(printf 'PostgreSQL %s  ok      %5ds' "$major" $((SECONDS - start)))")
	else
		failed=$((failed + 1))
		summary+=("$(printf 'PostgreSQL %s  FAILED  %5ds' "$major" $((SECONDS - start)))")
	fi
}

for major in "${majors[@]}"; do
	run_major "$major"
done
printf '\n===== matrix =====\n'
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
((failed == 0))
