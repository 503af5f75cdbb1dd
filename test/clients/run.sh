#!/usr/bin/env bash
# Real clients against a throwaway cluster with viewstats: psql, Python
# (psycopg + pandas), Java (PostgreSQL JDBC) and ODBC (psqlODBC via
# unixODBC). Each reads the same fixture, computes its own expected answers
# and prints TAP-style "ok"/"not ok" lines; this runner ends with
# "N passed, N failed".  A check a client skips ("ok ... # skip", say for a
# missing driver) counts as failed, and so does a client that reports no
# check at all: a client that did not run tested nothing.
#
# The cluster listens on 127.0.0.1 as well as its socket: JDBC speaks TCP
# only, and BI tools connect that way. Run from make test (step clients) or
# by hand after one make test built tmp_install:
#   bash test/clients/run.sh [psql|python|java|odbc ...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/common.sh"
CLIENTS_DIR=$VS_ROOT/test/clients

# Debian packages of the drivers (make demo needs none of them).
CLIENT_PACKAGES=(python3 python3-psycopg python3-pandas default-jdk-headless
	libpostgresql-jdbc-java odbc-postgresql unixodbc unixodbc-dev)

start_tcp_cluster() {
	vs_cluster_start
	# vs_cluster_start keeps servers off the network; this one also listens
	# on the loopback address (its port was checked free there).
	echo "listen_addresses = '127.0.0.1'" | vs_as_pg tee -a "$VS_PGDATA/postgresql.conf" >/dev/null
	vs_as_pg "$VS_BINDIR/pg_ctl" -D "$VS_PGDATA" -l "$VS_WORK/server.log" -w -s restart
	vs_psql -d postgres -qc 'CREATE DATABASE viewstats_clients'
	vs_psql -d viewstats_clients -qc "CREATE EXTENSION $(vs_make_var EXTENSION)" \
		-f "$CLIENTS_DIR/fixture.sql" -f "$CLIENTS_DIR/restricted_fixture.sql" >/dev/null
	export PGHOST=127.0.0.1 PGPORT PGUSER PGDATABASE=viewstats_clients
	# the restricted role of restricted_fixture.sql, for each client's
	# restricted-mode checks
	export VS_RESTRICTED_USER=viewstats_analyst
	export PATH=$VS_BINDIR:$PATH
}

client_psql() {
	# \copy writes its file in the working directory
	(cd "$VS_CLIENT_TMP" && psql -X -q -At -v ON_ERROR_STOP=1 -f "$CLIENTS_DIR/psql_client.sql")
}

client_python() { /usr/bin/python3 "$CLIENTS_DIR/python_client.py"; }

client_java() {
	# The source launcher compiles and runs the one file; the JDBC driver
	# comes from Debian's jar.
	java -cp /usr/share/java/postgresql.jar "$CLIENTS_DIR/JdbcClient.java"
}

client_odbc() {
	local dir=$VS_CLIENT_TMP/odbc driver
	mkdir -p "$dir"
	driver=$(dpkg -L odbc-postgresql | grep -m1 '/psqlodbcw\.so$') ||
		vs_die "psqlODBC driver (psqlodbcw.so) not found"
	# Our own driver and DSN files: the system's odbc.ini stays untouched.
	cat >"$dir/odbcinst.ini" <<-INI
		[viewstats-psqlodbc]
		Description = psqlODBC (Unicode) for the viewstats client test
		Driver = $driver
	INI
	cat >"$dir/odbc.ini" <<-INI
		[viewstats]
		Driver = viewstats-psqlodbc
		Servername = $PGHOST
		Port = $PGPORT
		Database = $PGDATABASE
		Username = $PGUSER
	INI
	cc -O1 -Wall -Wextra -Werror -o "$dir/odbc_client" "$CLIENTS_DIR/odbc_client.c" -lodbc
	ODBCSYSINI=$dir ODBCINI=$dir/odbc.ini "$dir/odbc_client" viewstats
}

main() {
	local -a clients=("$@")
	((${#clients[@]} > 0)) || clients=(psql python java odbc)
	vs_ensure_packages "${CLIENT_PACKAGES[@]}"
	vs_setup_reuse
	start_tcp_cluster
	VS_CLIENT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/viewstats-clients.XXXXXX")
	VS_CLEAN_PATHS+=("$VS_CLIENT_TMP")
	chmod 777 "$VS_CLIENT_TMP"   # the server writes psql's COPY files here
	local client log=$VS_CLIENT_TMP/all.log rc=0 status
	local out=$VS_CLIENT_TMP/client.log
	for client in "${clients[@]}"; do
		printf '# %s\n' "$client"
		status=0
		"client_$client" 2>&1 | tee "$out" || status=$?
		cat "$out" >>"$log"
		if ((status != 0)) && ! grep -q "^not ok .* - $client:" "$out"; then
			# it died before reporting a failure of its own
			echo "not ok - $client: exited with status $status" | tee -a "$log"
		elif ! grep -qE '^(not )?ok ' "$out"; then
			echo "not ok - $client: reported no check" | tee -a "$log"
		fi
		((status == 0)) || rc=1
	done
	vs_cluster_stop
	local passed failed skipped
	skipped=$(grep -cE '^ok .*# *skip' "$log" || true)
	passed=$(($(grep -cE '^ok ' "$log" || true) - skipped))
	failed=$(($(grep -cE '^not ok ' "$log" || true) + skipped))
	if ((skipped > 0)); then
		echo "skipped checks count as failed:"
		grep -E '^ok .*# *skip' "$log" | sed 's/^/    /'
	fi
	echo "$passed passed, $failed failed"
	((rc == 0 && failed == 0))
}

main "$@"
