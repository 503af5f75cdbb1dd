# Values derived from the extension must survive pg_dump and a restore into
# a new database, where every object gets new OIDs: a datemultirange made
# from a dayset that reaches the last valid date (once written with an
# upper bound PostgreSQL cannot read back).
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
});

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
}

$node->stop;
done_testing();
