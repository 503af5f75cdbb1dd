#!/usr/bin/env bash
# `make deb [MAJORS="15 17 18"]`: build the Debian packages of viewstats
# (debian/, pg_buildext) for each PostgreSQL major, check them with lintian,
# install each into a throwaway environment and run the regression suite
# there against the installed files; then check the PGXN distribution
# (`make dist`).  Prints one line per check and "N passed, N failed"; exits
# non-zero if any check failed.  Needs root.
#
# Where each major is built and tested:
#   15  the host (Debian 12).  Build dependencies from the host's own
#       release are installed if missing; the built package is installed
#       for the test and purged afterwards.  Installing lintian or
#       autopkgtest would upgrade the host's perl or apt (a Debian 12 host
#       older than its mirror), so the 15 packages are checked by trixie's
#       lintian in the 17 chroot, and tested by a short equivalent of
#       autopkgtest (install_test_cmd below).
#   17  the trixie chroot of test/matrix/lib.sh, 18 the sid chroot.  Build
#       tools (debhelper, lintian, autopkgtest) are installed into the
#       cached chroot; autopkgtest installs and tests the package in an
#       overlay of the chroot that is thrown away afterwards, so the cached
#       chroot never holds viewstats.
#
# The packages land in debs/<major>/.  The build skips pg_buildext's
# build-time run of the suite (DEB_BUILD_OPTIONS=nocheck): the same suite
# runs against the installed package, which is the stronger test.
# VS_DEB_BUILD_TESTS=1 runs the build-time tests too.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../matrix/lib.sh"
VS_ROOT=$(cd "$here/../.." && pwd)
OUT=$VS_ROOT/debs

[[ $(id -u) -eq 0 ]] || mx_die "make deb needs root (apt-get, chroot, unshare)"

read -ra majors <<<"${MAJORS:-15 17 18}"
version=$(make -s -C "$VS_ROOT" print-EXTVERSION)
ext=$(make -s -C "$VS_ROOT" print-EXTENSION)
start_all=$SECONDS
# One line per check ("ok|FAILED NAME SECONDS"), appended by check() from
# whatever subshell runs it (each major runs in one, holding its lock).
RESULTS=$(mktemp /tmp/viewstats-deb-results.XXXXXX)
trap 'rm -f "$RESULTS"' EXIT

log() { printf '==> [deb] %s\n' "$*"; }

# check NAME CMD...: run CMD in a subshell with errexit on, record NAME as
# passed or failed with its time.
check() {
	local name=$1 rc start=$SECONDS verdict=ok
	shift
	log "$name"
	set +e
	(
		set -e
		"$@"
	)
	rc=$?
	set -e
	((rc == 0)) || verdict=FAILED
	printf '%s|%s|%d\n' "$verdict" "$name" $((SECONDS - start)) >>"$RESULTS"
	return 0
}

# The Debian version's upstream part must be the Makefile's EXTVERSION.
changelog_version() {
	sed -nE '1s/^[^ ]+ \(([^)]+)\).*/\1/p' "$VS_ROOT/debian/changelog"
}

# Copy the checkout (tracked and untracked files, not ignored ones) to
# DIR/viewstats-VERSION, as `make matrix` stages it.
stage() {
	local dir=$1/$ext-$version
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$VS_ROOT" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) |
		tar -xf - -C "$dir"
	echo "$dir"
}

# Build environment variables: regenerate debian/control for the release's
# supported majors (the committed one is sid's), -Werror on top of Debian's
# hardening flags, and the build-time tests only on request.
build_env() {
	local -a env=(PG_UPDATECONTROL=yes DEB_CFLAGS_APPEND=-Werror)
	if [[ ${VS_DEB_BUILD_TESTS:-0} != 1 ]]; then
		env+=(DEB_BUILD_OPTIONS=nocheck DEB_BUILD_PROFILES=nocheck)
	else
		env+=("PGPORT=$(free_port)")
	fi
	printf '%s\n' "${env[@]}"
}

# The packages the build needs and the tools this script runs, beyond the
# matrix chroots' base (postgresql-server-dev-N); README, Installation, names them.
BUILD_TOOLS="build-essential debhelper postgresql-server-dev-all"
CHROOT_TOOLS="$BUILD_TOOLS lintian autopkgtest"

# ---- the host (15) ---------------------------------------------------------

# The host builds 15 only if it runs the release that ships 15 (the build
# dependencies install the rest).
host_release_ok() {
	local codename
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[[ $codename == "$(mx_suite 15)" ]] ||
		mx_die "the host runs '$codename', not $(mx_suite 15): it cannot build the 15 package"
}

# Install what the build needs on the host, from the host's release only.
# postgresql-server-dev-all is pinned to the installed postgresql-common
# when that version is available, so the host's PostgreSQL packaging is
# not upgraded as a side effect.
host_build_deps() {
	local -a want=() missing=()
	local pkg common
	for pkg in $BUILD_TOOLS; do
		[[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) == installed ]] || missing+=("$pkg")
	done
	((${#missing[@]} == 0)) && return 0
	common=$(dpkg-query -W -f='${Version}' postgresql-common 2>/dev/null || true)
	for pkg in "${missing[@]}"; do
		if [[ $pkg == postgresql-server-dev-all && -n $common ]] &&
			apt-cache madison postgresql-server-dev-all | grep -qF "| $common |"; then
			pkg="$pkg=$common"
		fi
		want+=("$pkg")
	done
	log "installing on the host: ${want[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 \
		install --no-install-recommends "${want[@]}" </dev/null
}

# The build, run in the source tree DIR with the ENV assignments:
# dpkg-checkbuilddeps first (the release's packages must satisfy
# debian/control's Build-Depends), then dpkg-buildpackage.  With the
# build-time tests on, postgresql-all (their declared dependency: every
# server and PL of the release) is not installed; they need only the
# postgresql-N server, which the build environment has, hence -d.
build_cmd() {
	cat <<'EOF'
set -e
cd "$1"
shift
export "$@"
dpkg-checkbuilddeps -Pnocheck
if [ -n "${DEB_BUILD_PROFILES:-}" ]; then
	dpkg-buildpackage -b -uc -us
else
	dpkg-buildpackage -b -uc -us -d
fi
EOF
}

host_build() {
	local work=$1 src
	host_build_deps
	src=$(stage "$work/build")
	mapfile -t benv < <(build_env)
	bash -c "$(build_cmd)" build "$src" "${benv[@]}"
	mkdir -p "$OUT/15"
	rm -f "$OUT/15"/*.deb
	cp "$work/build"/*.deb "$work/build"/*.changes "$work/build"/*.buildinfo "$OUT/15/"
}

# ---- the chroots (17, 18) ---------------------------------------------------

chroot_tools() {
	local root=$1
	# shellcheck disable=SC2016
	mx_in_root "$root" sh -c '
		missing=
		for p in '"$CHROOT_TOOLS"'; do
			[ "$(dpkg-query -W -f="\${db:Status-Status}" $p 2>/dev/null)" = installed ] || missing="$missing $p"
		done
		[ -z "$missing" ] && exit 0
		echo "installing in the chroot:$missing"
		apt-get -y -q install --no-install-recommends $missing ||
			{ apt-get -q update && apt-get -y -q install --no-install-recommends $missing; }
	' </dev/null
}

chroot_build() {
	local major=$1 root=$2 dir=$3 src
	chroot_tools "$root"
	src=$(stage "$root$dir/build")
	mapfile -t benv < <(build_env)
	mx_in_root "$root" bash -c "$(build_cmd)" build "${src#"$root"}" "${benv[@]}" </dev/null
	mkdir -p "$OUT/$major"
	rm -f "$OUT/$major"/*.deb
	cp "$root$dir/build"/*.deb "$root$dir/build"/*.changes "$root$dir/build"/*.buildinfo "$OUT/$major/"
}

# sid is the release the committed debian/control is generated for (the
# Debian way: `pg_buildext updatecontrol`); fail if it is out of date.
chroot_checkcontrol() {
	local root=$1 dir=$2 src
	src=$(stage "$root$dir/control")
	mx_in_root "$root" sh -c 'cd "$1" && pg_buildext checkcontrol' sh "${src#"$root"}" </dev/null
}

# lintian ROOT DIR MAJOR: lintian on the .changes of MAJOR's build (every
# .deb it lists), copied into ROOT/DIR.  Errors fail the check; the tags of
# every level are shown, and counted in debs/MAJOR/lintian.counts.
lintian_check() {
	local root=$1 dir=$2 major=$3 rc=0 out
	mkdir -p "$root$dir/lintian-$major"
	cp "$OUT/$major"/*.deb "$OUT/$major"/*.changes "$OUT/$major"/*.buildinfo "$root$dir/lintian-$major/"
	out=$OUT/$major/lintian.txt
	mx_in_root "$root" sh -c 'cd "$1" && lintian --info --display-experimental --pedantic --show-overrides --fail-on error ./*.changes' \
		sh "$dir/lintian-$major" </dev/null >"$out" 2>&1 || rc=$?
	cat "$out"
	awk '/^E: /{e++} /^W: /{w++} /^I: /{i++} /^P: /{p++} /^X: /{x++} /^O: /{o++}
		END {printf "%d errors, %d warnings, %d info, %d pedantic, %d experimental, %d overridden\n", e, w, i, p, x, o}' \
		"$out" >"$OUT/$major/lintian.counts"
	log "lintian $major: $(cat "$OUT/$major/lintian.counts")"
	return $rc
}

# The host's install test, run as root there: what autopkgtest's null
# runner would do (see the top for why not autopkgtest itself).  Installs
# the .deb and the test dependencies of debian/tests/control with apt
# (--no-upgrade: those already installed stay as they are), checks that the
# files PostgreSQL loads are the package's, then runs each test of
# debian/tests/control from a copy of the source tree.
install_test_cmd() {
	cat <<'EOF'
set -eu
major=$1 src=$2 deb=$3 port=$4
sh "$src/test/packaging/installed.sh" absent "$major"
# Test dependencies: the Depends of debian/tests/control, "@" being the
# package under test.
deps=$(sed -n '/^Depends:/,/^[A-Z]/p' "$src/debian/tests/control" |
	sed -e 's/^Depends://' -e '/^[A-Z]/d' | tr ',' '\n' | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' |
	grep -v '^$' | grep -v '^@$' || true)
restr=$(sed -nE 's/^Restrictions:[[:space:]]*//p' "$src/debian/tests/control")
for r in $(echo "$restr" | tr ',' ' '); do
	case $r in allow-stderr) ;; *) echo "unsupported restriction $r" >&2; exit 1 ;; esac
done
DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 \
	install --no-install-recommends --no-upgrade "$deb" $deps </dev/null
sh "$src/test/packaging/installed.sh" owned "$major"
tests=$(sed -nE 's/^Tests:[[:space:]]*//p' "$src/debian/tests/control" | tr ',' ' ')
[ -n "$tests" ] || { echo "no Tests in debian/tests/control" >&2; exit 1; }
cd "$src"
export PGPORT=$port
for t in $tests; do
	echo "---- debian/tests/$t (PostgreSQL $major, installed package) ----"
	"debian/tests/$t"
done
EOF
}

# A port nobody listens on (the chroots share the host's network).
free_port() {
	local port _
	for _ in $(seq 1 100); do
		port=$((20000 + RANDOM % 40000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
		echo "$port"
		return 0
	done
	mx_die "no free port found"
}

host_install_test() {
	local work=$1 src deb rc=0
	src=$(stage "$work/test")
	deb=$(ls "$OUT"/15/postgresql-15-"$ext"_*.deb)
	trap host_purge EXIT
	bash -c "$(install_test_cmd)" test 15 "$src" "$deb" "$(free_port)" || rc=$?
	host_purge || rc=1
	return $rc
}

# Remove the package from the host again (also on an interrupt).
host_purge() {
	trap - EXIT
	if dpkg-query -W -f='${db:Status-Status}\n' "postgresql-15-$ext" 2>/dev/null | grep -qv '^not-installed$'; then
		log "purging postgresql-15-$ext from the host"
		DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=300 \
			purge "postgresql-15-$ext" </dev/null >/dev/null
	fi
	[[ ! -e /usr/share/postgresql/15/extension/$ext.control ]]
}

# overlay ROOT CMD...: run CMD (like mx_in_root) in an overlay of the chroot
# at ROOT whose changes live in a temp dir removed afterwards.
in_overlay() {
	local root=$1 tmp rc=0
	shift
	tmp=$(mktemp -d /tmp/viewstats-overlay.XXXXXX)
	mkdir "$tmp/upper" "$tmp/work" "$tmp/root"
	unshare -m --propagation private bash -c '
		set -e
		lib=$1 root=$2 tmp=$3
		shift 3
		mount -t overlay overlay -o "lowerdir=$root,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/root"
		source "$lib"
		mx_in_root "$tmp/root" "$@"
	' overlay "$here/../matrix/lib.sh" "$root" "$tmp" "$@" || rc=$?
	rm -rf "$tmp"
	return $rc
}

# The chroots' install test, run as root in the overlay: autopkgtest itself
# (null runner: the overlay is the throwaway testbed) on the source tree and
# the .deb.  Its "@" is the package debian/control names for this release,
# so the tree's control is regenerated first, as a package for this release
# would have it.  autopkgtest exits 0 only if every test passed (8: none
# ran).  Afterwards the package must own the files the test loaded.
autopkgtest_cmd() {
	cat <<'EOF'
set -eu
major=$1 src=$2 deb=$3 port=$4
sh "$src/test/packaging/installed.sh" absent "$major"
(cd "$src" && pg_buildext updatecontrol >/dev/null)
autopkgtest --env="PGPORT=$port" --output-dir /tmp/autopkgtest-out "$src/" "$deb" -- null
grep -E '^installcheck +PASS' /tmp/autopkgtest-out/summary
sh "$src/test/packaging/installed.sh" owned "$major"
EOF
}

chroot_install_test() {
	local major=$1 root=$2 dir=$3 src deb
	src=$(stage "$root$dir/test")
	deb=$(ls "$OUT/$major"/postgresql-"$major"-"$ext"_*.deb)
	cp "$deb" "$root$dir/"
	in_overlay "$root" bash -c "$(autopkgtest_cmd)" test "$major" "${src#"$root"}" \
		"$dir/${deb##*/}" "$(free_port)" </dev/null
}

# ---- per major ---------------------------------------------------------------

# Each runs in a subshell that holds the major's lock (mx_lock) until it
# ends; a set-up failure there (no chroot, say) is recorded as a failure.
run_host() {
	local work rc=0
	work=$(mktemp -d /tmp/viewstats-deb.XXXXXX)
	# The build-time tests' server (user postgres) reads debian/<package>/.
	chmod 755 "$work"
	set +e
	(
		set -e
		trap 'rm -rf "$work"' EXIT
		mx_lock 15
		host_release_ok
		check "build postgresql-15-$ext (host)" host_build "$work"
		if compgen -G "$OUT/15/*.deb" >/dev/null; then
			check "install + installcheck 15 (host)" host_install_test "$work"
		fi
	)
	rc=$?
	set -e
	((rc == 0)) || echo "FAILED|PostgreSQL 15 set-up|0" >>"$RESULTS"
}

# The 15 packages are checked by trixie's lintian (see the top).
run_lintian_15() {
	local rc=0
	set +e
	(
		set -e
		mx_lock 17
		root=$(mx_chroot_ensure 17)
		dir=/build/viewstats-deb.$BASHPID
		trap 'rm -rf "${root:?}$dir"' EXIT
		chroot_tools "$root"
		check "lintian postgresql-15-$ext (trixie)" lintian_check "$root" "$dir" 15
	)
	rc=$?
	set -e
	((rc == 0)) || echo "FAILED|lintian 15 set-up|0" >>"$RESULTS"
}

run_chroot() {
	local major=$1 rc=0
	set +e
	(
		set -e
		mx_lock "$major"
		root=$(mx_chroot_ensure "$major")
		suite=$(mx_suite "$major")
		dir=/build/viewstats-deb.$BASHPID
		trap 'rm -rf "${root:?}$dir"' EXIT
		mkdir -p "$root$dir"
		if [[ $suite == sid ]]; then
			check "debian/control current for sid" chroot_checkcontrol "$root" "$dir"
		fi
		check "build postgresql-$major-$ext ($suite)" chroot_build "$major" "$root" "$dir"
		if compgen -G "$OUT/$major/*.deb" >/dev/null; then
			check "lintian postgresql-$major-$ext ($suite)" lintian_check "$root" "$dir" "$major"
			check "autopkgtest installcheck $major ($suite)" chroot_install_test "$major" "$root" "$dir"
		fi
	)
	rc=$?
	set -e
	((rc == 0)) || echo "FAILED|PostgreSQL $major set-up|0" >>"$RESULTS"
}

# ---- main ------------------------------------------------------------------

package_version=$(changelog_version)
check "debian/changelog $package_version is $version" \
	test "${package_version%-*}" = "$version"

# Packages of an earlier run must not be mistaken for this run's.
for major in "${majors[@]}"; do
	rm -rf "${OUT:?}/$major"
done
for major in "${majors[@]}"; do
	case $major in
	15) run_host ;;
	*) run_chroot "$major" ;;
	esac
done
if [[ " ${majors[*]} " == *" 15 "* ]] && compgen -G "$OUT/15/*.deb" >/dev/null; then
	run_lintian_15
fi

check "make dist: $ext-$version.zip, META.json" bash "$here/dist.sh" --check

printf '\n===== deb =====\n'
awk -F'|' '{printf "%-44s %-7s %5ds\n", $2, $1, $3}' "$RESULTS"
for major in "${majors[@]}"; do
	[[ -f $OUT/$major/lintian.counts ]] && printf 'lintian %s: %s\n' "$major" "$(cat "$OUT/$major/lintian.counts")"
done
printf 'total %ds; packages in %s\n' $((SECONDS - start_all)) "$OUT"
passed=$(grep -c '^ok|' "$RESULTS" || true)
failed=$(grep -c '^FAILED|' "$RESULTS" || true)
echo "$passed passed, $failed failed"
((failed == 0))
