# Safe counts spilling to disk: a count cancelled while it spills, serial
# and in a parallel plan, and a backend killed while it spills, leave no
# temporary file behind (pg_ls_tmpdir, the files of base/pgsql_tmp), and
# the next spilled count still equals count(DISTINCT).
use strict;
use warnings;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('spill');
$node->init;
$node->append_conf('postgresql.conf',
	"work_mem = 64kB\nhash_mem_multiplier = 2\nmax_parallel_workers_per_gather = 0\n");
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION viewstats;
	CREATE TABLE su AS SELECT i AS unit FROM generate_series(1, 1000000) i;
	ANALYZE su;
});

sub temp_files
{
	return $node->safe_psql('postgres', 'SELECT count(*) FROM pg_ls_tmpdir()');
}

# Start $sql in its own psql, wait until temporary files appear, then run
# $stop (SQL acting on the spilling backends) and wait for psql to end.
sub interrupt_spill
{
	my ($name, $sql, $stop) = @_;
	my ($out, $err) = ('', '');
	my $h = IPC::Run::start(
		[ 'psql', '-XAtq', '-d', $node->connstr('postgres') . " application_name=spiller",
		  '-c', $sql ],
		'>', \$out, '2>', \$err);
	my $seen = 0;
	for (1 .. 600)
	{
		if (temp_files() > 0) { $seen = 1; last; }
		usleep(50_000);
	}
	ok($seen, "$name: temporary files appear while the count runs");
	$node->safe_psql('postgres', $stop);
	$h->finish;
	return $err;
}

my $long = 'SELECT suppressed_count(unit + k * 1000000) FROM su, generate_series(0, 40) k';

my $err = interrupt_spill('cancel', $long,
	"SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'spiller'");
like($err, qr/canceling statement due to user request/, 'cancel: the count was cancelled');
is(temp_files(), '0', 'cancel: no temporary file left');

# a parallel plan: the workers spill too; cancelling the leader stops them
$err = interrupt_spill('parallel cancel',
	"SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0;
	 SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
	 SELECT suppressed_count(unit + k * 1000000) FROM su, generate_series(0, 40) k",
	"SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'spiller'");
like($err, qr/canceling statement due to user request/, 'parallel cancel: the count was cancelled');
my $left = '';
for (1 .. 100)
{
	$left = temp_files();
	last if $left eq '0';
	usleep(50_000);
}
is($left, '0', 'parallel cancel: no temporary file left by the leader or the workers');

# a backend terminated while it spills
$err = interrupt_spill('terminate', $long,
	"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'spiller'");
like($err, qr/terminating connection due to administrator command/,
	'terminate: the backend was terminated');
for (1 .. 100)
{
	$left = temp_files();
	last if $left eq '0';
	usleep(50_000);
}
is($left, '0', 'terminate: no temporary file left');

# the server is fine and a spilled count is still exact
is($node->safe_psql('postgres',
	'SELECT suppressed_count(unit) = count(DISTINCT unit) FROM su'),
	't', 'a spilled count afterwards equals count(DISTINCT)');
is(temp_files(), '0', 'and leaves no temporary file');
ok(!$node->log_contains('temporary file leak'), 'no temporary file leak warning');
ok(!$node->log_contains('terminated by signal'), 'no backend crashed');

$node->stop;
done_testing();
