# The privacy secret behind perturbed_count: one per database, made by
# CREATE EXTENSION, kept across restarts and pg_dump/pg_restore (the restored
# secret replaces the fresh one CREATE EXTENSION makes on restore), changed
# only by rotate_privacy_secret(), and followed at once by sessions that have
# the old key cached.  Perturbed counts are compared as digests: equal
# digests mean the same secret gave the same numbers; and each database's
# counts are checked against the exact distinct counts (published, within
# the p-table's deviation of 2, never below the threshold of 10).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

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
# into it replaces that secret, and with triggers disabled the one-row
# index refuses the second row instead of keeping two.  (--single-transaction
# also rolls back pg_restore's DISABLE TRIGGER, which a failed restore would
# otherwise leave in place.)
$node->safe_psql('postgres', 'CREATE DATABASE other');
$node->safe_psql('other', 'CREATE EXTENSION viewstats');
my $other = $node->safe_psql('other', $secret_sql);
like($other, qr/^1 row\(s\), /, 'a new database gets one secret');
isnt($other, $secret, 'of its own');
$node->command_fails(
	[ 'pg_restore', '--single-transaction', '--data-only', '--disable-triggers', '--table=privacy_secret',
	  '--dbname', $node->connstr('other'), "$dir/source.dump" ],
	'data-only restore with triggers disabled is refused');
is($node->safe_psql('other', $secret_sql), $other, 'and leaves the secret alone');
is($node->safe_psql('other',
		q{SELECT string_agg(tgenabled::text, ',') FROM pg_trigger WHERE tgrelid = 'privacy_secret'::regclass}),
	'A,A', 'and the triggers enabled (always: on logical replication subscribers too)');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '--data-only', '--table=privacy_secret',
	  '--dbname', $node->connstr('other'), "$dir/source.dump" ],
	'data-only restore of the secret');
is($node->safe_psql('other', $secret_sql), $secret, 'replaces the secret');

$node->stop;
done_testing();
