# Values derived from the extension must survive pg_dump and a restore into
# a new database, where every object gets new OIDs: a datemultirange made
# from a dayset that reaches the last valid date (once written with an
# upper bound PostgreSQL cannot read back), and the perturbed counts of
# units of every supported type (enum units once hashed their OIDs, which a
# restore renumbers).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('stable');
$node->init;
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE source');
$node->safe_psql('source', q{
	CREATE EXTENSION viewstats;
	CREATE TABLE ranges (id int PRIMARY KEY, mr datemultirange);
	INSERT INTO ranges VALUES
		(1, '{5874897-12-31}'::dayset::datemultirange),
		(2, '{-4713-11-24,2017-12-01/2017-12-10,5874897-12-30/5874897-12-31}'::dayset::datemultirange),
		(3, '{2017-12-01}'::dayset::datemultirange);

	-- units of every supported type, in 20 groups of 10 to 29
	CREATE TYPE plan AS ENUM ('free', 'basic', 'family', 'premium', 'student',
		'trial', 'promo', 'legacy', 'partner', 'staff', 'p11', 'p12', 'p13', 'p14', 'p15',
		'p16', 'p17', 'p18', 'p19', 'p20', 'p21', 'p22', 'p23', 'p24', 'p25', 'p26', 'p27',
		'p28', 'p29', 'p30');
	CREATE TABLE units AS
	SELECT g, v, g * 1000 + v AS n FROM generate_series(1, 20) g, generate_series(1, 9 + g) v;
});
my $counts_sql = q{
	SELECT string_agg(g || ':' || concat_ws(',', i4, i8, t, u, b, nu, f, e), ' ' ORDER BY g)
	FROM (SELECT g, perturbed_count(n::int4) AS i4, perturbed_count(n::int8) AS i8,
	             perturbed_count('viewer ' || n) AS t, perturbed_count(md5(n::text)::uuid) AS u,
	             perturbed_count(decode(md5(n::text), 'hex')) AS b,
	             perturbed_count(n::numeric / 7) AS nu, perturbed_count(n::float8 / 7) AS f,
	             perturbed_count((enum_range(NULL::plan))[v]) AS e
	      FROM units GROUP BY g) s};
my $counts = $node->safe_psql('source', $counts_sql);

my $ranges_sql = q{SELECT string_agg(id || ':' || mr::text || ':' || mr::dayset::text, '|' ORDER BY id) FROM ranges};
my $ranges = $node->safe_psql('source', $ranges_sql);

my $dir = PostgreSQL::Test::Utils::tempdir;
for my $format ('custom', 'plain')
{
	my $file = "$dir/source.$format";
	my $target = "target_$format";
	$node->command_ok(
		[ 'pg_dump', "--format=$format", '--file', $file, '--dbname', $node->connstr('source') ],
		"pg_dump in $format format");
	$node->safe_psql('postgres', "CREATE DATABASE $target");
	if ($format eq 'custom')
	{
		$node->command_ok(
			[ 'pg_restore', '--exit-on-error', '--dbname', $node->connstr($target), $file ],
			'pg_restore of the custom dump');
	}
	else
	{
		$node->command_ok(
			[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', $file, '-d', $node->connstr($target) ],
			'the plain dump replayed with psql');
	}
	is($node->safe_psql($target, $ranges_sql), $ranges,
		"$format: datemultiranges reaching the last date restore, and convert back to the same daysets");
	is($node->safe_psql($target, $counts_sql), $counts,
		"$format: perturbed counts of int, bigint, text, uuid, bytea, numeric, float8 and enum units are the same");
}

$node->stop;
done_testing();
