# shellcheck shell=bash disable=SC2034
# Shared set-up for `make demo`, `make test` and with_cluster.sh.
#
# Source it, don't run it. It gives small functions for: installing missing
# Debian packages, building, a private relocatable PostgreSQL tree under
# <checkout>/tmp_install (like PostgreSQL's own `make check`), and throwaway
# clusters in a temp directory that is removed on exit, even on failure.
#
# initdb refuses to run as root, so when we are root every server-side
# process (initdb, postgres, pg_regress, prove) runs as the `postgres` user
# in a temp directory that user owns; otherwise everything runs as ourselves
# and sudo is used for apt-get only.
#
# Knobs (environment): PG_MAJOR (default 15), PG_CONFIG, VS_QUIET=1 to hide
# build output unless it fails, VS_KEEP_WORK=1 to keep the temp directory.

VS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_MAJOR=${PG_MAJOR:-15}
# Debian ships one pg_config per major version; /usr/bin/pg_config picks the
# newest installed, so vs_ensure_deps prefers the versioned one to stay on
# PG_MAJOR unless PG_CONFIG is given.
VS_USER_PG_CONFIG=${PG_CONFIG:-}
PG_CONFIG=${PG_CONFIG:-pg_config}
VS_TMP_INSTALL=$VS_ROOT/tmp_install
VS_WORK=
VS_PGDATA=

vs_log() { printf '==> %s\n' "$*"; }
vs_warn() { printf 'WARNING: %s\n' "$*" >&2; }
vs_die() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 1
}
vs_is_root() { [[ $(id -u) -eq 0 ]]; }

# ---- packages -------------------------------------------------------------

vs_missing_packages() {
	local pkg
	for pkg in "$@"; do
		if [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) != installed ]]; then
			printf '%s\n' "$pkg"
		fi
	done
}

vs_apt_get() {
	local -a cmd=(env DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@")
	if vs_is_root; then
		"${cmd[@]}" </dev/null
	elif command -v sudo >/dev/null; then
		sudo "${cmd[@]}" </dev/null
	else
		vs_die "not root and no sudo: please install: ${*:2}"
	fi
}

# Install packages only when missing; refresh the package lists only if a
# first install attempt fails (a fresh image often has stale or no lists).
vs_ensure_packages() {
	local -a missing
	mapfile -t missing < <(vs_missing_packages "$@")
	((${#missing[@]} == 0)) && return 0
	vs_log "installing missing packages: ${missing[*]}"
	if ! vs_apt_get install --no-install-recommends "${missing[@]}"; then
		vs_log "install failed; running apt-get update and retrying"
		vs_apt_get update
		vs_apt_get install --no-install-recommends "${missing[@]}"
	fi
}

vs_ensure_deps() {
	# clang/llvm come with postgresql-server-dev (PGXS builds JIT bitcode).
	vs_ensure_packages build-essential "postgresql-$PG_MAJOR" \
		"postgresql-server-dev-$PG_MAJOR" libipc-run-perl perl
	if [[ -z $VS_USER_PG_CONFIG && -x /usr/lib/postgresql/$PG_MAJOR/bin/pg_config ]]; then
		PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
	fi
	command -v "$PG_CONFIG" >/dev/null || vs_die "pg_config not found ($PG_CONFIG)"
	PG_BINDIR=$("$PG_CONFIG" --bindir)
	PG_SHAREDIR=$("$PG_CONFIG" --sharedir)
	PG_PKGLIBDIR=$("$PG_CONFIG" --pkglibdir)
	# pgxs is <pkglibdir>/pgxs/src/makefiles/pgxs.mk; pg_regress and the
	# TAP perl modules sit beside it in the source-tree layout.
	PG_PGXS_SRC=$(cd "$(dirname "$("$PG_CONFIG" --pgxs)")/.." && pwd)
	PG_REGRESS=$PG_PGXS_SRC/test/regress/pg_regress
	PG_PERL_LIB=$PG_PGXS_SRC/test/perl
	# Everything below uses the copies in tmp_install (set by vs_temp_install).
	VS_BINDIR=$PG_BINDIR
	vs_is_root && ! id postgres >/dev/null 2>&1 && vs_die "no postgres user"
	return 0
}

# ---- build and private install ---------------------------------------------

vs_make() { make --no-print-directory -C "$VS_ROOT" PG_CONFIG="$PG_CONFIG" "$@"; }

# Read a variable such as REGRESS from the Makefile, which stays the only
# place the lists live.
vs_make_var() { vs_make -s "print-$1"; }

vs_build() {
	vs_log "building (make -j2)"
	if [[ ${VS_QUIET:-0} == 1 ]]; then
		local log
		log=$(mktemp)
		if ! vs_make -j2 all >"$log" 2>&1; then
			cat "$log" >&2
			rm -f "$log"
			vs_die "build failed"
		fi
		rm -f "$log"
	else
		vs_make -j2 all
	fi
}

# Symlink every entry of $1 that $2 lacks; descend into directories both
# have (e.g. share/extension, which holds our files and the system's).
vs_link_missing() {
	local src=$1 dst=$2 entry name
	mkdir -p "$dst"
	for entry in "$src"/* "$src"/.[!.]*; do
		[[ -e $entry || -L $entry ]] || continue
		name=${entry##*/}
		if [[ -d $dst/$name && ! -L $dst/$name && -d $entry ]]; then
			vs_link_missing "$entry" "$dst/$name"
		elif [[ ! -e $dst/$name && ! -L $dst/$name ]]; then
			ln -s "$entry" "$dst/$name"
		fi
	done
}

# Build <checkout>/tmp_install: our extension via DESTDIR, real copies of
# the server binaries (postgres finds share/ and lib/ relative to its own
# resolved path, so a symlink would lead it back to the system tree), and
# symlinks to the rest of the system's lib and share files.
vs_temp_install() {
	vs_log "installing into $VS_TMP_INSTALL"
	rm -rf "$VS_TMP_INSTALL"
	vs_make install DESTDIR="$VS_TMP_INSTALL" >/dev/null
	mkdir -p "$VS_TMP_INSTALL$PG_BINDIR"
	cp -p "$PG_BINDIR"/* "$VS_TMP_INSTALL$PG_BINDIR"/
	vs_link_missing "$PG_PKGLIBDIR" "$VS_TMP_INSTALL$PG_PKGLIBDIR"
	vs_link_missing "$PG_SHAREDIR" "$VS_TMP_INSTALL$PG_SHAREDIR"
	if vs_check_relocation; then
		VS_BINDIR=$VS_TMP_INSTALL$PG_BINDIR
	else
		vs_warn "relocated tree not usable; installing into the system dirs instead"
		rm -rf "$VS_TMP_INSTALL"
		if vs_is_root; then vs_make install >/dev/null; else sudo make -C "$VS_ROOT" PG_CONFIG="$PG_CONFIG" install >/dev/null; fi
		VS_BINDIR=$PG_BINDIR
	fi
}

# pg_config and postgres share the relocation code (src/port/path.c), so the
# copied pg_config tells where the copied postgres will look for files.
# vs_cluster_start checks it again with a real server.
vs_check_relocation() {
	local bindir=$VS_TMP_INSTALL$PG_BINDIR ext
	ext=$(vs_make_var EXTENSION)
	[[ $("$bindir/pg_config" --sharedir) -ef $VS_TMP_INSTALL$PG_SHAREDIR ]] &&
		[[ $("$bindir/pg_config" --pkglibdir) -ef $VS_TMP_INSTALL$PG_PKGLIBDIR ]] &&
		[[ -f $VS_TMP_INSTALL$PG_SHAREDIR/extension/$ext.control ]]
}

# Like vs_setup, but reuse the tmp_install an earlier vs_setup made (for
# with_cluster.sh inside `make test`); the system install if there is none.
vs_setup_reuse() {
	vs_ensure_deps
	vs_make_workdir
	if [[ -x $VS_TMP_INSTALL$PG_BINDIR/postgres ]] && vs_check_relocation; then
		VS_BINDIR=$VS_TMP_INSTALL$PG_BINDIR
	fi
	vs_stage_for_pg
}

# Two runs in one checkout would rebuild tmp_install under each other, so
# a run holds this lock until it exits (fd 9 closes with the process).
vs_lock_checkout() {
	exec 9>"$VS_ROOT/.tmp_install.lock"
	if ! flock -n 9; then
		vs_log "waiting for another make test/demo in this checkout"
		flock 9
	fi
}

# deps + build + private install + a temp dir: what every entry point does
# first. Leaves VS_BINDIR, VS_WORK and VS_PG_ROOT set.
vs_setup() {
	vs_lock_checkout
	vs_ensure_deps
	vs_make_workdir
	vs_build
	vs_temp_install
	vs_stage_for_pg
}

# ---- temp dir, users, cleanup ----------------------------------------------

# Temp paths removed on exit (VS_KEEP_WORK=1 keeps them for debugging).
VS_CLEAN_PATHS=()

vs_trap_cleanup() {
	trap vs_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# A temp dir for everything the server side writes; owned by postgres when
# we are root (so call vs_ensure_deps first: it creates that user).
vs_make_workdir() {
	vs_trap_cleanup
	VS_WORK=$(mktemp -d "${TMPDIR:-/tmp}/viewstats.XXXXXX")
	VS_CLEAN_PATHS+=("$VS_WORK")
	if vs_is_root; then
		chown postgres: "$VS_WORK"
		# postgres must be able to reach it (TMPDIR could be under /root).
		if ! runuser -u postgres -- test -w "$VS_WORK"; then
			VS_WORK=$(mktemp -d /tmp/viewstats.XXXXXX)
			VS_CLEAN_PATHS+=("$VS_WORK")
			chown postgres: "$VS_WORK"
		fi
	fi
}

# VS_EXIT_HOOK: a function run first on exit (run_tests.sh prints its
# summary there when set-up aborts).
vs_cleanup() {
	local rc=$? pidfile
	[[ -n ${VS_EXIT_HOOK:-} ]] && "$VS_EXIT_HOOK" "$rc"
	# Servers left behind by a failure or an interrupt (ours, pg_regress's
	# temp instance, TAP nodes): stop them before removing their files.
	if [[ -n $VS_WORK && -d $VS_WORK ]]; then
		while IFS= read -r pidfile; do
			vs_as_pg "$VS_BINDIR/pg_ctl" stop -D "$(dirname "$pidfile")" -m immediate >/dev/null 2>&1 || true
		done < <(find "$VS_WORK" -name postmaster.pid 2>/dev/null)
	fi
	if ((${#VS_CLEAN_PATHS[@]} > 0)); then
		if [[ ${VS_KEEP_WORK:-0} == 1 ]]; then
			vs_log "kept ${VS_CLEAN_PATHS[*]}"
		else
			rm -rf "${VS_CLEAN_PATHS[@]}"
		fi
	fi
	return $rc
}

# Run a command as the user that owns the server side, from a directory that
# user can enter (pg_regress and initdb fail if they cannot read their cwd).
vs_as_pg() {
	if vs_is_root; then
		(cd "$VS_WORK" && runuser -u postgres -- env "PATH=$PATH" "$@")
	else
		(cd "$VS_WORK" && "$@")
	fi
}

vs_superuser() { if vs_is_root; then echo postgres; else id -un; fi; }

# Set VS_PG_ROOT, the checkout as the postgres user can read it: the
# checkout itself or, when it lives where postgres cannot enter (/root), a
# copy in VS_WORK of what the server side reads (tests, tmp_install).
# Call after vs_temp_install and vs_make_workdir.
vs_stage_for_pg() {
	VS_PG_ROOT=$VS_ROOT
	vs_is_root || return 0
	runuser -u postgres -- test -r "$VS_ROOT/Makefile" -a -x "$VS_BINDIR/postgres" && return 0
	vs_log "postgres cannot read $VS_ROOT; using a copy in $VS_WORK"
	VS_PG_ROOT=$VS_WORK/checkout
	local item
	mkdir -p "$VS_PG_ROOT/test/scripts"
	for item in Makefile README.md sql expected test/t test/scripts/test.conf; do
		[[ -e $VS_ROOT/$item ]] && cp -a "$VS_ROOT/$item" "$VS_PG_ROOT/$item"
	done
	VS_TEST_CONF=$VS_PG_ROOT/test/scripts/test.conf
	if [[ $VS_BINDIR == "$VS_TMP_INSTALL"* ]]; then
		cp -a "$VS_TMP_INSTALL" "$VS_PG_ROOT/"
		VS_BINDIR=$VS_PG_ROOT/tmp_install$PG_BINDIR
	fi
	chown -R postgres: "$VS_PG_ROOT"
}

# ---- throwaway cluster -----------------------------------------------------

# A port nobody listens on over TCP and with no socket lock in /tmp. Our
# clusters only listen on a socket in their own dir, so this is belt and
# braces.
vs_free_port() {
	local port _
	for _ in $(seq 1 100); do
		port=$((20000 + RANDOM % 40000))
		[[ -e /tmp/.s.PGSQL.$port.lock ]] && continue
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
		echo "$port"
		return 0
	done
	vs_die "no free port found"
}

# Settings shared by every test server (pg_regress --temp-config, TAP's
# TEMP_CONFIG and the pg_ctl clusters).
VS_TEST_CONF=$VS_ROOT/test/scripts/test.conf

# Start a cluster under VS_WORK listening only on a unix socket there.
# Sets PGHOST/PGPORT/PGUSER (not exported; callers export if they want).
vs_cluster_start() {
	local bindir=$VS_BINDIR
	VS_PGDATA=$VS_WORK/data
	PGHOST=$VS_WORK
	PGPORT=$(vs_free_port)
	PGUSER=$(vs_superuser)
	vs_log "starting a throwaway cluster (port $PGPORT, socket in $PGHOST)"
	vs_as_pg "$bindir/initdb" -D "$VS_PGDATA" -U "$PGUSER" -A trust \
		-E UTF8 --no-locale --no-sync >"$VS_WORK/initdb.log" 2>&1 || {
		cat "$VS_WORK/initdb.log" >&2
		vs_die "initdb failed"
	}
	{
		cat "$VS_TEST_CONF"
		echo "listen_addresses = ''"
		echo "unix_socket_directories = '$VS_WORK'"
		echo "port = $PGPORT"
		echo "fsync = off"
	} | vs_as_pg tee -a "$VS_PGDATA/postgresql.conf" >/dev/null
	vs_as_pg "$bindir/pg_ctl" -D "$VS_PGDATA" -l "$VS_WORK/server.log" -w -s start || {
		cat "$VS_WORK/server.log" >&2
		vs_die "server did not start"
	}
	# The real relocation check: this server must see our control file.
	local ext
	ext=$(vs_make_var EXTENSION)
	[[ $(vs_psql -d postgres -tAc "SELECT count(*) FROM pg_available_extensions WHERE name = '$ext'") == 1 ]] ||
		vs_die "the server does not see extension $ext (bindir $bindir)"
}

vs_cluster_stop() {
	[[ -n $VS_PGDATA && -f $VS_PGDATA/postmaster.pid ]] || return 0
	vs_as_pg "$VS_BINDIR/pg_ctl" -D "$VS_PGDATA" -w -s -m fast stop
}

# psql from the private tree against the throwaway cluster. It is a client,
# so it runs as ourselves; the socket dir is readable by root anyway.
vs_psql() {
	"$VS_BINDIR/psql" -X -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$@"
}
