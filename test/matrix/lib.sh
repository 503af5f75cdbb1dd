# shellcheck shell=bash
# Debian chroots with another PostgreSQL major, for `make matrix` and the
# package builds.  Source it, don't run it.
#
# Each major comes from the Debian suite that ships it (MATRIX_SUITE below),
# through the mirror the host's apt sources name.  A chroot is made once with
# `debootstrap --variant=minbase`, given Debian's own postgresql-N and
# postgresql-server-dev-N, and cached outside the checkout
# (VS_MATRIX_CACHE, default /var/cache/viewstats-matrix), so later runs
# start in seconds.  Every command runs in a private mount namespace
# (unshare -m): the /proc, /dev and /dev/shm mounts the chroot needs vanish
# with it and the host's mount table is never touched.
#
# Needs root (debootstrap, chroot, unshare).

VS_MATRIX_CACHE=${VS_MATRIX_CACHE:-/var/cache/viewstats-matrix}

# major -> suite.  15 is bookworm's (the host's own release), 17 trixie's,
# 18 sid's.  No suite this mirror serves ships 16.
declare -A MATRIX_SUITE=([15]=bookworm [17]=trixie [18]=sid)

# Bump to rebuild every cached chroot (a changed package list, say).
MATRIX_CHROOT_STAMP=2

mx_log() { printf '==> [matrix] %s\n' "$*"; }
mx_die() {
	printf 'ERROR: [matrix] %s\n' "$*" >&2
	exit 1
}

# The Debian mirror of the host's apt configuration (deb822 or one-line
# format), so the chroots use whatever mirror or proxy this machine uses.
mx_mirror() {
	local uri
	uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources |
		awk '{print $2}' | grep -vE 'security|updates' | head -n 1)
	[[ -n $uri ]] || uri=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
		awk '{print $2}' | grep -vE 'security' | head -n 1)
	[[ -n $uri ]] || mx_die "no Debian mirror found in the host's apt sources"
	echo "${uri%/}"
}

mx_suite() {
	local major=$1
	[[ -n ${MATRIX_SUITE[$major]:-} ]] ||
		mx_die "no Debian suite known for PostgreSQL $major (known: ${!MATRIX_SUITE[*]})"
	echo "${MATRIX_SUITE[$major]}"
}

mx_root() { echo "$VS_MATRIX_CACHE/$(mx_suite "$1")"; }

# Run CMD (a shell string) inside the chroot at ROOT, as root, in a private
# mount namespace.
mx_in_root() {
	local root=$1
	shift
	cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
	unshare -m --propagation private bash -c '
		set -e
		root=$1; shift
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs -o size=4g,mode=1777 shm "$root/dev/shm"
		exec chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive TERM=dumb "$@"
	' mx "$root" "$@"
}

# Packages every chroot gets: what `make test`'s own set-up would install,
# so the cache holds them.  Not tzdata-legacy: the tests use no zone name
# that Debian 13 moved there.
mx_base_packages() {
	local major=$1
	echo "postgresql-$major postgresql-server-dev-$major build-essential" \
		"libipc-run-perl perl make git ca-certificates python3 locales-all"
}

# Install what is missing of the base packages into an existing chroot, so
# a changed list costs one apt-get run instead of a new chroot.
mx_chroot_packages() {
	local major=$1 root=$2 missing
	# shellcheck disable=SC2046
	missing=$(mx_in_root "$root" dpkg-query -W -f='${db:Status-Status} ${Package}\n' $(mx_base_packages "$major") 2>&1 |
		awk '$1 != "installed" {print $NF}' | tr '\n' ' ')
	# dpkg-query names an unknown package in an error line; install all then
	[[ -z ${missing// /} ]] && return 0
	mx_log "installing into the $(mx_suite "$major") chroot: $missing" >&2
	# shellcheck disable=SC2046
	mx_in_root "$root" sh -c "apt-get -q update && apt-get -y -q --no-install-recommends install $(mx_base_packages "$major")" \
		>"$VS_MATRIX_CACHE/$(mx_suite "$major").install.log" 2>&1 </dev/null || {
		tail -n 20 "$VS_MATRIX_CACHE/$(mx_suite "$major").install.log" >&2
		mx_die "installing packages into the $(mx_suite "$major") chroot failed"
	}
}

# Create (or reuse) the chroot for MAJOR; prints its path.  A lock per
# suite keeps two runs from building or changing one chroot at once.
mx_chroot_ensure() {
	local major=$1 suite root tmp mirror stamp
	suite=$(mx_suite "$major")
	root=$VS_MATRIX_CACHE/$suite
	stamp=$MATRIX_CHROOT_STAMP
	mkdir -p "$VS_MATRIX_CACHE"
	if [[ -f $root/.viewstats-chroot && $(cat "$root/.viewstats-chroot") == "$stamp" ]]; then
		mx_chroot_packages "$major" "$root"
		echo "$root"
		return 0
	fi
	command -v debootstrap >/dev/null || {
		DEBIAN_FRONTEND=noninteractive apt-get -y -q install debootstrap </dev/null >&2 ||
			{ apt-get -q update </dev/null >&2 &&
				DEBIAN_FRONTEND=noninteractive apt-get -y -q install debootstrap </dev/null >&2; }
	}
	mirror=$(mx_mirror)
	tmp=$root.tmp
	rm -rf "$tmp"
	mx_log "creating the $suite chroot for PostgreSQL $major (mirror $mirror)" >&2
	debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$VS_MATRIX_CACHE/$suite.debootstrap.log" 2>&1 || {
		tail -n 20 "$VS_MATRIX_CACHE/$suite.debootstrap.log" >&2
		mx_die "debootstrap $suite failed"
	}
	# A snapshot mirror's Release files can be past their Valid-Until;
	# the packages are still the ones signed.  No services start in the
	# chroot, and installing postgresql-N creates no cluster.
	echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99viewstats"
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 755 "$tmp/usr/sbin/policy-rc.d"
	mkdir -p "$tmp/etc/postgresql-common"
	echo 'create_main_cluster = false' >"$tmp/etc/postgresql-common/createcluster.conf"
	# shellcheck disable=SC2046
	mx_in_root "$tmp" sh -c "apt-get -q update && apt-get -y -q --no-install-recommends install $(mx_base_packages "$major")" \
		>"$VS_MATRIX_CACHE/$suite.install.log" 2>&1 </dev/null || {
		tail -n 20 "$VS_MATRIX_CACHE/$suite.install.log" >&2
		mx_die "installing PostgreSQL $major into the $suite chroot failed"
	}
	echo "$stamp" >"$tmp/.viewstats-chroot"
	rm -rf "$root"
	mv "$tmp" "$root"
	echo "$root"
}

# Hold the suite's lock (fd 8) for the rest of the calling process.
mx_lock() {
	local suite
	suite=$(mx_suite "$1")
	mkdir -p "$VS_MATRIX_CACHE"
	exec 8>"$VS_MATRIX_CACHE/$suite.lock"
	flock 8
}

# Copy the checkout's files (tracked and untracked, not ignored) into a
# fresh directory in the chroot; prints that directory as the chroot sees it.
mx_stage_checkout() {
	local root=$1 src=$2 dir
	dir=/build/viewstats.$$
	rm -rf "${root:?}$dir"
	mkdir -p "$root$dir"
	(cd "$src" && git ls-files -co --exclude-standard -z | tar --null -cf - -T -) |
		tar -xf - -C "$root$dir"
	echo "$dir"
}
