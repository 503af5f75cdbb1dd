# The privacy secret behind perturbed_count: one per database, made by
# CREATE EXTENSION, kept across restarts, crashes and pg_dump/pg_restore
# (the restored secret replaces the fresh one CREATE EXTENSION makes on
# restore), changed only by rotate_privacy_secret() or a superuser's write,
# and followed by sessions that have the old key cached.  Perturbed counts are compared as digests: equal
# digests mean the same secret gave the same numbers; and each database's
# counts are checked against the exact distinct counts (published, within
# the p-table's deviation of 2, never below the threshold of 10).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use ViewstatsLoad;

my $node = PostgreSQL::Test::Cluster->new('secret');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE source');
$node->safe_psql('source', q{
	CREATE EXTENSION viewstats;
	CREATE TABLE views AS
	SELECT g, g * 1000 + v AS viewer
	FROM generate_series(1, 200) g, generate_series(1, 10 + g % 40) v;
});

my $counts_sql = q{
	SELECT md5(string_agg(g || ':' || p, ',' ORDER BY g))
	FROM (SELECT g, perturbed_count(viewer) AS p FROM views GROUP BY g) s};
my $exact_sql = q{
	SELECT md5(string_agg(g || ':' || p, ',' ORDER BY g))
	FROM (SELECT g, count(DISTINCT viewer) AS p FROM views GROUP BY g) s};
my $bounds_sql = q{
	SELECT count(*) FILTER (WHERE p BETWEEN greatest(n - 2, 10) AND n + 2) || ' of ' || count(*)
	FROM (SELECT g, perturbed_count(viewer) AS p, count(DISTINCT viewer) AS n FROM views GROUP BY g) s};
my $secret_sql = q{
	SELECT count(*) || ' row(s), ' || md5(string_agg(secret::text, ','))
	FROM privacy_secret};

my $counts = $node->safe_psql('source', $counts_sql);
my $secret = $node->safe_psql('source', $secret_sql);
like($secret, qr/^1 row\(s\), /, 'CREATE EXTENSION made one secret');
isnt($counts, $node->safe_psql('source', $exact_sql),
	'perturbed counts differ from the exact ones');
is($node->safe_psql('source', $bounds_sql), '200 of 200',
	'every perturbed count is published within 2 of the exact one');

# A session that has the key cached follows a rotation made elsewhere.
my $session = $node->background_psql('source');
is($session->query_safe($counts_sql), $counts, 'a second session gets the same counts');
$node->safe_psql('source', 'SELECT rotate_privacy_secret()');
my $rotated = $node->safe_psql('source', $counts_sql);
isnt($rotated, $counts, 'rotation changes the perturbed counts');
isnt($node->safe_psql('source', $secret_sql), $secret, 'rotation changes the secret');
is($session->query_safe($counts_sql), $rotated,
	'the session with the old key cached uses the new secret');
$session->quit;
$counts = $rotated;
$secret = $node->safe_psql('source', $secret_sql);

$node->restart;
is($node->safe_psql('source', $secret_sql), $secret, 'the secret survives a restart');
is($node->safe_psql('source', $counts_sql), $counts, 'so do the perturbed counts');

# pg_dump / pg_restore, custom and plain formats
my $dir = PostgreSQL::Test::Utils::tempdir;
$node->command_ok(
	[ 'pg_dump', '--format=custom', '--file', "$dir/source.dump", '--dbname', $node->connstr('source') ],
	'pg_dump in custom format');
$node->safe_psql('postgres', 'CREATE DATABASE target');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '--dbname', $node->connstr('target'), "$dir/source.dump" ],
	'pg_restore into a new database');
is($node->safe_psql('target', $secret_sql), $secret,
	'the restored secret replaced the one CREATE EXTENSION made');
is($node->safe_psql('target', $counts_sql), $counts, 'restored: the same perturbed counts');
is($node->safe_psql('target', $bounds_sql), '200 of 200', 'restored: within 2 of the exact counts');

$node->command_ok(
	[ 'pg_dump', '--format=plain', '--file', "$dir/source.sql", '--dbname', $node->connstr('source') ],
	'pg_dump in plain format');
$node->safe_psql('postgres', 'CREATE DATABASE target_plain');
$node->command_ok(
	[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', "$dir/source.sql", '-d', $node->connstr('target_plain') ],
	'plain dump replayed with psql');
is($node->safe_psql('target_plain', $secret_sql), $secret, 'plain restore: the same secret');
is($node->safe_psql('target_plain', $counts_sql), $counts, 'plain restore: the same counts');

# Another database has its own secret; a data-only restore of the secret
# (the setval of its four sequences) into it replaces that secret, and a
# session there with the old key cached follows at its next transaction
# (setval is not transactional and invalidates nothing: the key is
# forgotten at the end of every transaction).  --disable-triggers is moot:
# sequences have no triggers, and the restore works with or without it.
$node->safe_psql('postgres', 'CREATE DATABASE other');
$node->safe_psql('other', 'CREATE EXTENSION viewstats');
$node->safe_psql('other', q{
	CREATE TABLE views AS
	SELECT g, g * 1000 + v AS viewer
	FROM generate_series(1, 200) g, generate_series(1, 10 + g % 40) v;
});
my $other = $node->safe_psql('other', $secret_sql);
like($other, qr/^1 row\(s\), /, 'a new database gets one secret');
isnt($other, $secret, 'of its own');
$session = $node->background_psql('other');
isnt($session->query_safe($counts_sql), $counts, 'so other perturbed counts, cached in a session');
my @tables = map { "--table=privacy_secret_$_" } 0 .. 3;
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '--data-only', '--disable-triggers', @tables,
	  '--dbname', $node->connstr('other'), "$dir/source.dump" ],
	'data-only restore of the secret\'s sequences, with --disable-triggers');
is($node->safe_psql('other', $secret_sql), $secret, 'replaces the secret');
is($node->safe_psql('other', $counts_sql), $counts, 'and so the perturbed counts');
is($session->query_safe($counts_sql), $counts, 'in the session with the old key cached too');
$session->quit;
$node->safe_psql('other', 'SELECT rotate_privacy_secret()');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '--data-only', @tables,
	  '--dbname', $node->connstr('other'), "$dir/source.dump" ],
	'and without --disable-triggers');
is($node->safe_psql('other', $secret_sql), $secret, 'replaces the secret as well');

# A role that cannot read the secret cannot dump the whole database; it can
# without the secret's data.
$node->safe_psql('source', 'CREATE ROLE dumper LOGIN; GRANT SELECT ON views TO dumper');
my $as_dumper = $node->connstr('source') . ' user=dumper';
$node->command_fails([ 'pg_dump', '--file', "$dir/dumper.sql", '--dbname', $as_dumper ],
	'pg_dump by a role that cannot read the secret fails');
$node->command_ok(
	[ 'pg_dump', '--exclude-table-data=privacy_*', '--file', "$dir/dumper.sql", '--dbname', $as_dumper ],
	'and works with --exclude-table-data=privacy_*');
unlike(slurp_file("$dir/dumper.sql"), qr/privacy_secret_\d/, 'which holds nothing of the secret');

# A crash (kill -9) after a committed rotation keeps it; a rotation rolled
# back before the crash leaves no trace.
$node->safe_psql('source', 'CHECKPOINT');
$node->safe_psql('source', 'SELECT rotate_privacy_secret()');
my $committed = $node->safe_psql('source', $secret_sql);
my $committed_counts = $node->safe_psql('source', $counts_sql);
isnt($committed, $secret, 'a rotation committed');
$node->safe_psql('source', 'BEGIN; SELECT rotate_privacy_secret(); ROLLBACK;');
my @children = ViewstatsLoad::children_of($node->{_pid});
$node->kill9;
ViewstatsLoad::wait_gone(@children);
$node->start;
ok($node->log_contains('database system was interrupted|was not properly shut down'),
	'the restart went through crash recovery');
is($node->safe_psql('source', $secret_sql), $committed, 'after kill -9 the committed rotation stands');
is($node->safe_psql('source', $counts_sql), $committed_counts, 'and its perturbed counts');

$node->stop;
done_testing();
