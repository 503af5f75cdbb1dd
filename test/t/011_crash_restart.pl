# Crash safety: the postmaster is killed with SIGKILL in the middle of the
# concurrent load of ViewstatsLoad.pm (8 pgbench clients), then restarted,
# which replays the WAL. Afterwards the values stored before the load are
# identical, every committed transaction left the stored daysets and
# rollups equal to a serial recomputation from the log (no torn updates),
# the dayset btree index passes amcheck, and the database takes new work.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use ViewstatsLoad;

my $node = ViewstatsLoad::start_node('crash');
# The baseline is on disk; what the load writes is only in the WAL.
$node->safe_psql('load', 'CHECKPOINT');
my $baseline = ViewstatsLoad::baseline_digest($node, 'load');

my $dir = PostgreSQL::Test::Utils::tempdir;
my ($out, $err) = ('', '');
my $pgbench = IPC::Run::start(
	ViewstatsLoad::pgbench_command($node, 'load', $dir, 60),
	'>', \$out, '2>', \$err);

# Wait until the load is really under way (rows committed), not a time.
$node->poll_query_until('load', 'SELECT count(*) >= 3000 FROM views_log')
  or die 'the load did not start';

# The postmaster's children, to wait for them after the kill: they notice
# the postmaster's death and exit, and a new postmaster cannot start while
# they still hold the shared memory.
my $pm = $node->{_pid};    # the postmaster (Cluster.pm keeps no accessor)
my @children = ViewstatsLoad::children_of($pm);
cmp_ok(scalar(@children), '>=', 8, 'the load has its backends running');
$node->kill9;
ViewstatsLoad::wait_gone(@children);
$pgbench->finish;    # its connections are gone: it stops with errors
note("pgbench after the kill:\n$err");

$node->start;
is(ViewstatsLoad::baseline_digest($node, 'load'), $baseline,
	'values stored before the crash are identical after the restart');
my $rows = ViewstatsLoad::check_consistency($node, 'load', 'after the crash');
ok($node->log_contains('database system was interrupted|was not properly shut down'),
	'the restart went through crash recovery');

# It takes new work, and stays consistent.
$node->safe_psql('load', q{
	INSERT INTO views_log VALUES (1, 1, '2018-01-01');
	INSERT INTO watched AS w VALUES (1, 1, '{2018-01-01}')
		ON CONFLICT (viewer_id, title_id) DO UPDATE SET days = w.days | EXCLUDED.days;
	UPDATE title_rollup SET days = days | '{2018-01-01}', views = views + 1 WHERE title_id = 1;
});
ViewstatsLoad::check_consistency($node, 'load', 'after new work');
$node->stop;
done_testing();
