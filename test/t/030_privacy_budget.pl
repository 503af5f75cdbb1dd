# The privacy budget ledger under failure: a spend survives the caller's
# ROLLBACK, a kill -9 of the postmaster right after it (with the server's
# synchronous_commit off, so only the worker's own setting makes it durable)
# and a restart; sessions racing for the last epsilon, many rounds, have
# exactly one winner; with no background worker to be had a spend is
# refused and nothing is spent; a caller cancelled while its worker waits
# leaves nothing spent; budgets and spends survive pg_dump and restore.
#
# Spends go through test_spend(), which the test declares over the
# library's test-only entry point (it is not part of the extension).
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use ViewstatsLoad;

my $node = PostgreSQL::Test::Cluster->new('budget');
$node->init;
$node->append_conf('postgresql.conf',
	"synchronous_commit = off\nmax_worker_processes = 16\nmax_connections = 40\n");
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION viewstats;
	CREATE ROLE analyst LOGIN;
	CREATE FUNCTION test_spend(regrole, float8) RETURNS float8
		AS 'viewstats', 'viewstats_budget_spend_sql' LANGUAGE C;
	CREATE TABLE winners (round int);
});

# what the ledger holds for the analyst, as text
sub ledger
{
	return $node->safe_psql('postgres',
		q{SELECT budget || '/' || spent FROM privacy_budget WHERE role = 'analyst'::regrole});
}

$node->safe_psql('postgres', q{SELECT viewstats.set_privacy_budget('analyst', 10)});
is(ledger(), '10.000000000000/0.000000000000', 'a budget of 10, nothing spent');

# ---- ROLLBACK ----
$node->safe_psql('postgres', q{BEGIN; SELECT test_spend('analyst', 0.5); ROLLBACK;});
is(ledger(), '10.000000000000/0.500000000000', 'a spend survives the caller\'s ROLLBACK');

# ---- kill -9 of the postmaster right after a spend ----
# The caller's transaction is still open when the server dies.
my $session = $node->background_psql('postgres');
$session->query_safe('BEGIN');
is($session->query_safe(q{SELECT test_spend('analyst', 0.25)}), '9.25',
	'the answer in a transaction that never commits');
my @children = ViewstatsLoad::children_of($node->{_pid});
$node->kill9;
ViewstatsLoad::wait_gone(@children);
eval { $session->quit };
$node->start;
ok($node->log_contains('database system was interrupted|was not properly shut down'),
	'the restart went through crash recovery');
is(ledger(), '10.000000000000/0.750000000000',
	'the spend survives a kill -9 with synchronous_commit off');

# ---- a clean restart ----
$node->restart;
is(ledger(), '10.000000000000/0.750000000000', 'and a restart');
is($node->safe_psql('postgres', q{SET ROLE analyst; SELECT viewstats.privacy_budget_remaining()}), '0',
	'privacy_budget_remaining reads the login role (here the superuser, who has none)');
is($node->safe_psql('postgres', 'SELECT viewstats.privacy_budget_remaining()', connstr => $node->connstr('postgres') . ' user=analyst'),
	'9.25', 'the analyst reads their own');

# ---- racing for the last epsilon ----
my $rounds = 30;
my $clients = 8;
my $dir = PostgreSQL::Test::Utils::tempdir;
my $script = "$dir/spend.sql";
open my $fh, '>', $script or die "cannot write $script: $!";
print $fh "SELECT test_spend('analyst', 0.1);\nINSERT INTO winners VALUES (:round);\n";
close $fh;
my ($one_winner, $exact_spend, $others_refused) = (0, 0, 0);
for my $round (1 .. $rounds)
{
	# 0.1 left; every client wants it at once
	$node->safe_psql('postgres',
		q{UPDATE privacy_budget SET budget = 1, spent = 0.9 WHERE role = 'analyst'::regrole});
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[ 'pgbench', '-n', '-c', $clients, '-j', $clients, '-t', '1',
		  '-D', "round=$round", '-f', $script, $node->connstr('postgres') ],
		'>', \$out, '2>', \$err);
	my $won = $node->safe_psql('postgres', "SELECT count(*) FROM winners WHERE round = $round");
	my $refused = () = $err =~ /ERROR:  privacy budget exceeded/g;
	$one_winner++ if $won eq '1';
	$exact_spend++ if ledger() eq '1.000000000000/1.000000000000';
	$others_refused++ if $refused == $clients - 1;
	note("round $round: $won winner(s), $refused refused") if $won ne '1' || $refused != $clients - 1;
}
is($one_winner, $rounds, "$rounds rounds of $clients sessions racing for the last 0.1: one winner each");
is($exact_spend, $rounds, 'and the ledger spent exactly the budget each time');
is($others_refused, $rounds, 'every other session was refused for lack of budget');

# ---- no background worker to be had: refused, nothing spent ----
$node->safe_psql('postgres',
	q{UPDATE privacy_budget SET budget = 10, spent = 0 WHERE role = 'analyst'::regrole});
$node->append_conf('postgresql.conf', "max_worker_processes = 0\n");
$node->restart;
my ($rc, $out, $err) = $node->psql('postgres', q{SELECT test_spend('analyst', 0.5)});
isnt($rc, 0, 'with max_worker_processes = 0 a spend fails');
like($err, qr/could not start a background worker to record the privacy budget spend/,
	'because no worker could be started');
is(ledger(), '10.000000000000/0.000000000000', 'and nothing was spent');
$node->append_conf('postgresql.conf', "max_worker_processes = 16\n");
$node->restart;

# ---- a cancel while the worker waits for the row lock ----
my $holder = $node->background_psql('postgres');
$holder->query_safe(q{BEGIN; SELECT 1 FROM privacy_budget WHERE role = 'analyst'::regrole FOR UPDATE});
my $spender = $node->background_psql('postgres', on_error_stop => 0);
my $spender_pid = $spender->query_safe('SELECT pg_backend_pid()');
$spender->{stdin} .= "SELECT test_spend('analyst', 0.5);\n";
$spender->{run}->pump_nb();
ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 1 FROM pg_stat_activity
	WHERE backend_type = 'viewstats privacy budget' AND wait_event_type = 'Lock'}),
	'the spend\'s worker waits for the row lock');
$node->safe_psql('postgres', "SELECT pg_cancel_backend($spender_pid)");
my ($ignored, $failed) = $spender->query('SELECT 1');
like($spender->{stderr}, qr/canceling statement due to user request/, 'the caller is cancelled');
$spender->{stderr} = '';
$holder->query_safe('ROLLBACK');
ok($node->poll_query_until('postgres', q{
	SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'viewstats privacy budget'}),
	'the worker finishes once the lock is free');
is(ledger(), '10.000000000000/0.000000000000', 'and spends nothing for a caller that left');
is($spender->query_safe(q{SELECT test_spend('analyst', 0.5)}), '9.5', 'the caller spends again');
$spender->quit;
$holder->quit;

# ---- pg_dump and restore ----
$node->safe_psql('postgres', q{
	CREATE ROLE "other analyst";
	SELECT viewstats.set_privacy_budget('"other analyst"', 1.0 / 3);
	SELECT test_spend('"other analyst"', 0.125);
});
my $all = q{SELECT string_agg(role || '=' || budget || '/' || spent, ', ' ORDER BY role::text) FROM privacy_budget};
my $before = $node->safe_psql('postgres', $all);
is($before, '"other analyst"=0.333333333333/0.125000000000, analyst=10.000000000000/0.500000000000',
	'two budgets before the dump');
$node->command_ok(
	[ 'pg_dump', '--format=custom', '--file', "$dir/budget.dump", '--dbname', $node->connstr('postgres') ],
	'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '--dbname', $node->connstr('restored'), "$dir/budget.dump" ],
	'pg_restore into a new database');
is($node->safe_psql('restored', $all), $before, 'budgets and spends are restored');
is($node->safe_psql('restored', q{SELECT has_table_privilege('analyst', 'privacy_budget', 'SELECT')}),
	'f', 'and stay closed to the analyst');
is($node->safe_psql('restored', 'SELECT viewstats.privacy_budget_remaining()',
		connstr => $node->connstr('restored') . ' user=analyst'),
	'9.5', 'the analyst\'s remaining budget in the restored database');
$node->command_ok(
	[ 'pg_dump', '--format=plain', '--file', "$dir/budget.sql", '--dbname', $node->connstr('postgres') ],
	'pg_dump in plain format');
$node->safe_psql('postgres', 'CREATE DATABASE restored_plain');
$node->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', "$dir/budget.sql", '-d', $node->connstr('restored_plain') ],
	'plain dump replayed with psql');
is($node->safe_psql('restored_plain', $all), $before, 'plain restore: the same budgets and spends');

# ---- the schema "viewstats" when it exists before the extension ----
$node->safe_psql('postgres', q{
	CREATE DATABASE own_schema;
	CREATE DATABASE foreign_schema;
	CREATE ROLE schema_owner;
});
$node->safe_psql('own_schema', q{
	CREATE SCHEMA viewstats;
	CREATE EXTENSION viewstats SCHEMA viewstats;
	SELECT viewstats.set_privacy_budget('analyst', 2);
});
is($node->safe_psql('own_schema', 'SELECT viewstats.privacy_budget_remaining()',
		connstr => $node->connstr('own_schema') . ' user=analyst'),
	'2', 'installed into a superuser\'s schema "viewstats": the budget functions are there');
$node->safe_psql('foreign_schema', 'CREATE SCHEMA viewstats AUTHORIZATION schema_owner');
($rc, $out, $err) = $node->psql('foreign_schema', 'CREATE EXTENSION viewstats');
like($err, qr/schema "viewstats" belongs to a role that is not a superuser/,
	'a schema "viewstats" that a non-superuser owns is refused');

$node->stop;
done_testing();
