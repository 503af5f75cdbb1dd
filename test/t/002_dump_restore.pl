# A database using daysets goes through pg_dump (custom format) and
# pg_restore into a new database unchanged; so does binary COPY, which
# exercises the type's send and receive functions.  The restored and
# reloaded values are also checked against a plain-SQL oracle of their days
# (ViewstatsOracle.pm), not only against the source's.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use ViewstatsOracle;

my $node = PostgreSQL::Test::Cluster->new('dump');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE source');
$node->safe_psql('source', q{
	CREATE EXTENSION viewstats;
	CREATE TABLE stored (id int PRIMARY KEY, ds dayset);
	INSERT INTO stored VALUES
		(1, '{2017-11-23/2017-12-10,2017-12-12}'),
		(2, '{2017-12-12}'),
		(3, NULL);
	INSERT INTO stored
		SELECT 100, dayset_agg(date '2000-01-01' + 2 * i)
		FROM generate_series(0, 3652) AS i;
});

my $digest_sql = q{
	SELECT count(*), md5(string_agg(id || ':' || coalesce(ds::text, 'NULL'), '|' ORDER BY id))
	FROM stored;
};
my $source = $node->safe_psql('source', $digest_sql);
like($source, qr/^4\|/, 'four rows stored');

my $dir = PostgreSQL::Test::Utils::tempdir;
my $dump = "$dir/source.dump";

$node->command_ok(
	[ 'pg_dump', '--format=custom', '--file', $dump, '--dbname', $node->connstr('source') ],
	'pg_dump in custom format');

$node->safe_psql('postgres', 'CREATE DATABASE target');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '--dbname', $node->connstr('target'), $dump ],
	'pg_restore into a new database');

is( $node->safe_psql('target',
		q{SELECT extversion FROM pg_extension WHERE extname = 'viewstats'}),
	$node->safe_psql('source',
		q{SELECT extversion FROM pg_extension WHERE extname = 'viewstats'}),
	'the extension came along at the same version');
is($node->safe_psql('target', $digest_sql), $source, 'values identical after restore');
ViewstatsOracle::create($node, 'target');
my $oracle_sql = q{
	SELECT count(*) FILTER (WHERE ds::text = o) || ' of ' || count(*)
	FROM %s JOIN (VALUES
		(1, oracle.dayset_text(ARRAY(SELECT d::date FROM generate_series(date '2017-11-23', date '2017-12-10', '1 day') AS d)
		                || date '2017-12-12')),
		(2, oracle.dayset_text('{2017-12-12}')),
		(100, oracle.dayset_text(ARRAY(SELECT date '2000-01-01' + 2 * i FROM generate_series(0, 3652) AS i))))
	  AS v(id, o) USING (id)};
is($node->safe_psql('target', sprintf($oracle_sql, 'stored')), '3 of 3',
	'restored values equal the plain-SQL oracle');
is( $node->safe_psql('target', 'SELECT ds::text FROM stored WHERE id = 1'),
	'{2017-11-23/2017-12-10,2017-12-12}',
	'text form as typed');

# Binary COPY out and back in (send/recv), in the same database.
my $bin = "$dir/stored.bin";
$node->safe_psql('target', qq{
	COPY stored TO '$bin' (FORMAT binary);
	CREATE TABLE reloaded (LIKE stored);
	COPY reloaded FROM '$bin' (FORMAT binary);
});
is( $node->safe_psql('target',
		q{SELECT count(*), md5(string_agg(id || ':' || coalesce(ds::text, 'NULL'), '|' ORDER BY id)) FROM reloaded}),
	$source,
	'values identical after binary COPY');
is($node->safe_psql('target', sprintf($oracle_sql, 'reloaded')), '3 of 3',
	'reloaded values equal the plain-SQL oracle');

$node->stop;
done_testing();
