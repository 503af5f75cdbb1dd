#!/usr/bin/env bash
# Run README.md's SQL examples against the demo data. Meant to run under
# test/scripts/with_cluster.sh with VS_CREATE_EXTENSION=0: the README's own
# installation example creates the extension.
#   VS_SKIP_BUILD=1 VS_CREATE_EXTENSION=0 test/scripts/with_cluster.sh test/readme/run.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# The generator needs no viewstats object; it is seeded, so the README's
# outputs are the same on every run.
psql -X -q -v ON_ERROR_STOP=1 -f "$root/test/demo/generate.sql" >/dev/null
/usr/bin/python3 "$root/test/readme/check_readme.py" "$root/README.md"
