# Concurrency: pgbench runs 8 clients for 60 seconds of mixed viewstats
# work (see ViewstatsLoad.pm): views appended to a log while stored daysets
# and per-title rollups are updated with |, whole stretches stored at once,
# reads of every accessor, window functions, and rollups recomputed in
# parallel workers. The read scripts assert inside one snapshot that the
# stored values equal a recomputation, so any inconsistency is a failed
# transaction. Afterwards: 0 failed transactions, and every stored value
# equals a serial recomputation from the log.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use ViewstatsLoad;

my $seconds = $ENV{VIEWSTATS_PGBENCH_SECONDS} // 60;

my $node = ViewstatsLoad::start_node('concurrency');
my $baseline = ViewstatsLoad::baseline_digest($node, 'load');

my $dir = PostgreSQL::Test::Utils::tempdir;
my $cmd = ViewstatsLoad::pgbench_command($node, 'load', $dir, $seconds);
my ($out, $err) = ('', '');
my $ok = IPC::Run::run($cmd, '>', \$out, '2>', \$err);
note($out);
ok($ok, 'pgbench exits with status 0 (no client aborted)') or diag($err);

my ($processed) = $out =~ /number of transactions actually processed: (\d+)/;
my ($failed) = $out =~ /number of failed transactions: (\d+)/;
my ($tps) = $out =~ /tps = ([0-9.]+) \(without initial connection time\)/;
cmp_ok($processed // 0, '>', 0, 'transactions were processed');
is($failed, '0', 'no failed transactions');
unlike($err, qr/ERROR|invariant broken/, 'no errors reported by pgbench');
# The throughput is a figure for the README, never an assertion.
diag(sprintf('pgbench: %d transactions in %d s, %s tps, %s failed',
	$processed // 0, $seconds, $tps // '?', $failed // '?'));

ViewstatsLoad::check_consistency($node, 'load', 'after the load');
is(ViewstatsLoad::baseline_digest($node, 'load'), $baseline,
	'values written before the load are unchanged');
ok(!$node->log_contains('terminated by signal'), 'no backend crashed');

$node->stop;
done_testing();
