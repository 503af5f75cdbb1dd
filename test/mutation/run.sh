#!/usr/bin/env bash
# `make mutation`: the mutation test (test/mutation/run.py, which says how it
# works) with what it needs installed.  Arguments go to run.py:
#   test/mutation/run.sh --check          every entry still applies (seconds)
#   test/mutation/run.sh --only NAME,...  some mutations only
#   test/mutation/run.sh --suites "regress readme"
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
# python3 runs the script; objcopy (binutils) compares the mutants' code
vs_ensure_packages python3 binutils
exec /usr/bin/python3 "$VS_ROOT/test/mutation/run.py" "$@"
