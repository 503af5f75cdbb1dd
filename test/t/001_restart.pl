# Stored daysets survive a crash (immediate stop, WAL replay) and a clean
# restart byte for byte, including values large enough to be TOASTed out of
# line; before and after, each equals what a plain-SQL oracle computes from
# its days (ViewstatsOracle.pm).
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use ViewstatsOracle;

my $node = PostgreSQL::Test::Cluster->new('restart');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION viewstats;
	CREATE TABLE stored (id int PRIMARY KEY, ds dayset);
	INSERT INTO stored VALUES
		(1, '{2017-11-23/2017-12-10,2017-12-12}'),
		(2, '{2017-12-12}'),
		(3, NULL);
	-- Every other day for 20 years: thousands of runs.
	INSERT INTO stored
		SELECT 100, dayset_agg(date '2000-01-01' + 2 * i)
		FROM generate_series(0, 3652) AS i;
	-- A hash-picked pattern over 20 years, which compresses badly.
	INSERT INTO stored
		SELECT 101, dayset_agg(date '2000-01-01' + i)
		FROM generate_series(0, 7304) AS i
		WHERE hashint4(i) & 3 <> 0;
	-- The same values stored uncompressed and always out of line.
	CREATE TABLE stored_external (LIKE stored);
	ALTER TABLE stored_external ALTER COLUMN ds SET STORAGE EXTERNAL;
	INSERT INTO stored_external SELECT * FROM stored;
});
ViewstatsOracle::create($node, 'postgres');

# Each value against the plain-SQL oracle of the days it was built from.
my $oracle_sql = q{
	SELECT count(*) FILTER (WHERE ds::text = o) || ' of ' || count(*)
	FROM (SELECT id, ds FROM stored UNION ALL SELECT id, ds FROM stored_external) AS s
	JOIN (VALUES
		(1, oracle.dayset_text(ARRAY(SELECT d::date FROM generate_series(date '2017-11-23', date '2017-12-10', '1 day') AS d)
		                || date '2017-12-12')),
		(2, oracle.dayset_text('{2017-12-12}')),
		(100, oracle.dayset_text(ARRAY(SELECT date '2000-01-01' + 2 * i FROM generate_series(0, 3652) AS i))),
		(101, oracle.dayset_text(ARRAY(SELECT date '2000-01-01' + i FROM generate_series(0, 7304) AS i
		                        WHERE hashint4(i) & 3 <> 0)))) AS v(id, o) USING (id)};
is($node->safe_psql('postgres', $oracle_sql), '8 of 8', 'every value equals the plain-SQL oracle');

# The big values really went to the TOAST table.
my $toast = $node->safe_psql('postgres',
	q{SELECT reltoastrelid::regclass FROM pg_class WHERE oid = 'stored_external'::regclass});
cmp_ok($node->safe_psql('postgres', "SELECT count(*) FROM $toast"),
	'>', 0, 'large daysets are stored out of line');

# Everything a reader could see: each value's text, the row count and a
# digest over all values of both tables.
sub snapshot
{
	return $node->safe_psql('postgres', q{
		SELECT count(*), md5(string_agg(id || ':' || coalesce(ds::text, 'NULL'), '|' ORDER BY id))
		FROM stored;
		SELECT md5(string_agg(id || ':' || coalesce(ds::text, 'NULL'), '|' ORDER BY id))
		FROM stored_external;
		SELECT id, ds::text FROM stored WHERE id < 100 ORDER BY id;
	});
}

my $before = snapshot();
like($before, qr/^5\|/, 'five rows stored');
like($before, qr/\n1\|\{2017-11-23\/2017-12-10,2017-12-12\}\n/,
	'text form as typed');

# No checkpoint since the inserts: the restart replays them from WAL.
$node->stop('immediate');
$node->start;
is(snapshot(), $before, 'values identical after an immediate stop');

$node->restart;
is(snapshot(), $before, 'values identical after a clean restart');
is($node->safe_psql('postgres', $oracle_sql), '8 of 8', 'and still equal the plain-SQL oracle');

is( $node->safe_psql('postgres',
		q{SELECT count(*) FROM stored s JOIN stored_external e USING (id) WHERE s.ds::text = e.ds::text}),
	'4',
	'compressed and external copies agree');

$node->stop;
done_testing();
