#!/usr/bin/env bash
# `make dist`: the PGXN distribution viewstats-<EXTVERSION>.zip, made from
# the committed tree (HEAD) by `git archive` with the prefix
# viewstats-<EXTVERSION>/, in the checkout's top directory.
#
# First META.json is validated (test/packaging/validate_meta.py: the PGXN
# Meta Spec 1.0.0, and its agreement with the Makefile, the control file
# and debian/pgversions); afterwards the zip is checked: one top directory
# named after the release, holding HEAD's META.json (validated again), the
# Makefile, the control file and the files META.json names.
#
# --check (make deb runs it): the same, into a temp directory that is
# removed afterwards.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

check_only=0
[[ ${1:-} == --check ]] && check_only=1

ext=$(make -s print-EXTENSION)
version=$(make -s print-EXTVERSION)
name=$ext-$version

python3 "$here/validate_meta.py" --self-test --project "$root" META.json

if [[ -n $(git status --porcelain --untracked-files=no) ]]; then
	echo "note: the zip holds the last commit; uncommitted changes are not in it" >&2
fi

if ((check_only)); then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	zip=$tmp/$name.zip
else
	zip=$root/$name.zip
fi
git archive --format=zip --prefix="$name/" -o "$zip" HEAD

# The zip as PGXN reads it.
python3 - "$zip" "$name" "$here/validate_meta.py" "$root" <<'EOF'
import json, subprocess, sys, tempfile, zipfile, os
zip_path, name, validator, root = sys.argv[1:]
z = zipfile.ZipFile(zip_path)
entries = z.namelist()
errors = [e for e in entries if not e.startswith(name + "/")]
if errors:
    sys.exit(f"{zip_path}: entries outside {name}/: {errors[:5]}")
meta = json.loads(z.read(f"{name}/META.json"))
need = {"META.json", "Makefile", f"{meta['name']}.control"}
for ext in meta["provides"].values():
    need |= {ext[k] for k in ("file", "docfile") if k in ext}
missing = sorted(f for f in need if f"{name}/{f}" not in entries)
if missing:
    sys.exit(f"{zip_path}: missing {missing}")
with tempfile.TemporaryDirectory() as d:
    z.extractall(d)
    # The committed META.json, checked against the committed tree.
    subprocess.run([sys.executable, validator, "--project", os.path.join(d, name),
                    os.path.join(d, name, "META.json")], check=True)
print(f"{os.path.basename(zip_path)}: {len(entries)} entries under {name}/")
EOF
((check_only)) || echo "wrote $zip"
