# shellcheck shell=bash
# Sourced by bench.sh and profile.sh, after test/scripts/common.sh and
# set-up: the benchmark's throwaway cluster.

# bench_cluster_start [SETTING ...]: start a cluster with test.conf, then
# bench.conf, then the given lines (later lines win), and a database
# viewstats_bench with the extension; PG* and PATH exported for clients.
bench_cluster_start() {
	local conf=$VS_WORK/bench.conf
	{
		cat "$VS_TEST_CONF" "$VS_ROOT/test/bench/bench.conf"
		printf '%s\n' "$@"
	} >"$conf"
	chmod a+r "$conf"
	VS_TEST_CONF=$conf
	vs_cluster_start
	export PGHOST PGPORT PGUSER PGDATABASE=viewstats_bench
	export PATH=$VS_BINDIR:$PATH
	vs_psql -d postgres -qc "CREATE DATABASE $PGDATABASE"
	vs_psql -qc "CREATE EXTENSION $(vs_make_var EXTENSION)"
}
