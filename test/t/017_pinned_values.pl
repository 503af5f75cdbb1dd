# Published numbers pinned against an independent model.
#
# A superuser loads a known 32-byte secret, and perturbed_count's answers
# for units of every supported type, and dayset_hash's values, must equal
# what test/model/viewstats_model.py computes from the documented algorithm
# (SipHash-2-4, PostgreSQL's integer hash, the stable unit hashes, the
# record-key derivation, the cell key as a sum, the maximum-entropy
# p-table).  So a changed "fixed forever" seed, a cell key built another
# way, a unit hash that depends on byte order or OIDs, or a changed
# dayset_hash, fails here.  The same answers must come from a database
# created at 0.2.0 (integer units hash as they always did) and after its
# ALTER EXTENSION UPDATE.
use strict;
use warnings;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $model = '../test/model/viewstats_model.py';
-f $model or $model = 'model/viewstats_model.py';
-f $model or die "cannot find viewstats_model.py from " . `pwd`;

my $secret = '5a1e7b3c9d0f2846e1c3b5a7d9f0e2c4b6a8d0f1e3c5b7a9d2f4e6c8b0a1d3f5';

my $node = PostgreSQL::Test::Cluster->new('pinned');
$node->init;
$node->start;

# The fixture: 30 groups of 9 to 38 units each (group 1 stays below the
# threshold of 10), under every supported type; some units are written
# twice in forms their type counts as equal (trailing zeros of a numeric,
# trailing spaces of a char, -0 and 0 of a float).
my $fixture = q{
	CREATE TYPE label AS ENUM ('spare', 'l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8', 'l9',
		'l10', 'l11', 'l12', 'l13', 'l14', 'l15', 'l16', 'l17', 'l18', 'l19', 'l20', 'l21',
		'l22', 'l23', 'l24', 'l25', 'l26', 'l27', 'l28', 'l29', 'l30', 'l31', 'l32', 'l33',
		'l34', 'l35', 'l36', 'l37', 'l38', 'zoë-ünïcode');
	CREATE DOMAIN viewer_id AS bigint;
	CREATE TABLE units (name text, g int, typ text, val text);
	INSERT INTO units
	SELECT name, g, typ, val
	FROM generate_series(1, 30) g, generate_series(1, 8 + g) v,
	LATERAL (VALUES
		('int4', 'int4', (g * 1000 + v * 7)::text),
		('int8', 'int8', (g * 1000 + v * 7)::text),
		('int2', 'int2', (g * 100 + v)::text),
		('domain', 'int8', (g * 1000 + v * 7)::text),
		('text', 'text', 'viewer-' || (g * 1000 + v * 7)),
		('text', 'text', CASE WHEN v % 5 = 0 THEN 'zoë-' || g || '-' || v END),
		('bpchar', 'bpchar', 'v' || (g * 1000 + v * 7)),
		('bpchar', 'bpchar', CASE WHEN v % 3 = 0 THEN 'v' || (g * 1000 + v * 7) || '   ' END),
		('uuid', 'uuid', md5('viewer' || g || '/' || v)::uuid::text),
		('bytea', 'bytea', decode(md5('viewer' || g || '/' || v), 'hex')::text),
		('numeric', 'numeric', ((g * 1000 + v * 7)::numeric / 8)::numeric(20, 6)::text),
		('numeric', 'numeric', CASE WHEN v % 4 = 0 THEN ((g * 1000 + v * 7)::numeric / 8)::text END),
		('numeric', 'numeric', CASE WHEN v = 3 THEN 'NaN' WHEN v = 5 THEN 'Infinity'
		                            WHEN v = 6 THEN '-Infinity' WHEN v = 7 THEN '-0.000' END),
		('float8', 'float8', ((g * 1000 + v * 7)::float8 / 3)::text),
		('float8', 'float8', CASE WHEN v = 2 THEN '-0' WHEN v = 4 THEN '0' END),
		('float4', 'float4', ((g * 1000 + v * 7)::float4 / 3)::text),
		('enum', 'enum', CASE WHEN v = 38 THEN 'zoë-ünïcode' ELSE 'l' || v END))
		AS t(name, typ, val)
	WHERE val IS NOT NULL;
	CREATE TABLE daysets (name text, ds dayset);
	INSERT INTO daysets VALUES
		('empty', '{}'), ('one', '{2000-01-01}'),
		('two', '{2017-11-29/2017-12-16,2017-12-18}'),
		('three', '{1999-09-23/1999-11-12,2000-01-01/2000-01-10,2017-11-29/2017-12-16}'),
		('extremes', '{-4713-11-24,1970-01-01/1970-01-05,5874897-12-31}');
};

# What the extension publishes, in the model's output format.
my $answers_sql = q{
	WITH counts AS (
		SELECT 'int4' AS name, g, perturbed_count(val::int4) AS p FROM units WHERE name = 'int4' GROUP BY g
		UNION ALL SELECT 'int8', g, perturbed_count(val::int8) FROM units WHERE name = 'int8' GROUP BY g
		UNION ALL SELECT 'int2', g, perturbed_count(val::int2) FROM units WHERE name = 'int2' GROUP BY g
		UNION ALL SELECT 'domain', g, perturbed_count(val::viewer_id) FROM units WHERE name = 'domain' GROUP BY g
		UNION ALL SELECT 'text', g, perturbed_count(val) FROM units WHERE name = 'text' GROUP BY g
		UNION ALL SELECT 'bpchar', g, perturbed_count(val::char(12)) FROM units WHERE name = 'bpchar' GROUP BY g
		UNION ALL SELECT 'uuid', g, perturbed_count(val::uuid) FROM units WHERE name = 'uuid' GROUP BY g
		UNION ALL SELECT 'bytea', g, perturbed_count(val::bytea) FROM units WHERE name = 'bytea' GROUP BY g
		UNION ALL SELECT 'numeric', g, perturbed_count(val::numeric) FROM units WHERE name = 'numeric' GROUP BY g
		UNION ALL SELECT 'float8', g, perturbed_count(val::float8) FROM units WHERE name = 'float8' GROUP BY g
		UNION ALL SELECT 'float4', g, perturbed_count(val::float4) FROM units WHERE name = 'float4' GROUP BY g
		UNION ALL SELECT 'enum', g, perturbed_count(val::label) FROM units WHERE name = 'enum' GROUP BY g)
	SELECT 'perturbed ' || name || ' ' || g || ' ' || coalesce(p::text, 'NULL') FROM counts
	UNION ALL
	SELECT 'dayset_hash ' || name || ' ' || dayset_hash(ds) FROM daysets
	UNION ALL
	SELECT 'dayset_hash_extended ' || name || ' ' || seed || ' ' || dayset_hash_extended(ds, seed)
	FROM daysets, unnest(ARRAY[0, 1, 4611686018427400249]::bigint[]) seed
	UNION ALL
	SELECT 'inthash ' || v || ' ' || hashint8extended(v, x'7669657773746174'::bigint)
	FROM unnest(ARRAY[0, 1, -1, 42, 2147483647, -2147483648, 123456789012]::bigint[]) v
	ORDER BY 1};

# The model's input: the secret, the settings, the fixture's units as text,
# the daysets' runs as day numbers and the integers to hash.
my $model_input_sql = q{
	SELECT 'secret ' || encode(secret, 'hex') FROM privacy_secret
	UNION ALL SELECT 'settings ' || current_setting('viewstats.min_group_size') || ' '
		|| current_setting('viewstats.ptable_max_deviation') || ' '
		|| current_setting('viewstats.ptable_variance')
	UNION ALL SELECT 'unit ' || name || ' ' || g || ' ' || typ || ' ' || val FROM units
	UNION ALL SELECT 'dayset ' || name || coalesce((SELECT string_agg(' ' || (first_day - date '2000-01-01')
		|| ' ' || (last_day - date '2000-01-01'), '' ORDER BY first_day) FROM streaks(ds)), '') FROM daysets
	UNION ALL SELECT 'inthash ' || v
	FROM unnest(ARRAY[0, 1, -1, 42, 2147483647, -2147483648, 123456789012]::bigint[]) v};

sub model_answers
{
	my ($db) = @_;
	my $input = $node->safe_psql($db, $model_input_sql) . "\n";
	my ($out, $err);
	IPC::Run::run([ 'python3', $model ], '<', \$input, '>', \$out, '2>', \$err)
	  or die "the model failed: $err";
	return join("\n", sort split /\n/, $out);
}

sub compare
{
	my ($db, $what) = @_;
	my $ours = $node->safe_psql($db, $answers_sql);
	my $want = model_answers($db);
	my @ours = split /\n/, $ours;
	my @want = split /\n/, $want;
	is(scalar(@ours), scalar(@want), "$what: as many answers as the model gives (" . scalar(@want) . ")");
	my %w = map { /^(.*) (\S+)$/ ? ($1 => $2) : () } @want;
	my @wrong = grep { /^(.*) (\S+)$/ && (!defined $w{$1} || $w{$1} ne $2) } @ours;
	if (!is(scalar(@wrong), 0, "$what: every answer equals the model's"))
	{
		my %kinds;
		$kinds{ (split / /, $_)[1] }++ for @wrong;
		diag("wrong answers by kind: " . join(', ', map { "$_ $kinds{$_}" } sort keys %kinds));
		for my $line (@wrong[ 0 .. ($#wrong < 9 ? $#wrong : 9) ])
		{
			my ($key) = $line =~ /^(.*) \S+$/;
			diag("differs from the model: $line (model: " . ($w{$key} // 'none') . ')');
		}
	}
	return $ours;
}

# ---- a fresh install with a known secret --------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', "CREATE EXTENSION viewstats; $fixture");
$node->safe_psql('fresh', "INSERT INTO privacy_secret (secret) VALUES (decode('$secret', 'hex'))");
is($node->safe_psql('fresh', q{SELECT count(*) || ' ' || encode(secret, 'hex') FROM privacy_secret GROUP BY secret}),
	"1 $secret", 'the superuser\'s secret replaced the one CREATE EXTENSION made');
my $fresh = compare('fresh', 'fresh install');
like($fresh, qr/^perturbed int4 1 NULL$/m, 'a group below the threshold is NULL');
my @int4 = ($fresh =~ /^perturbed int4 (\d+ \S+)$/mg);
my @int8 = ($fresh =~ /^perturbed int8 (\d+ \S+)$/mg);
is("@int8", "@int4", 'int8 units count as the same int4 values');
my @domain = ($fresh =~ /^perturbed domain (\d+ \S+)$/mg);
is("@domain", "@int4", 'a domain over bigint counts as its base type');
is($node->safe_psql('fresh', q{
		SELECT count(*) FILTER (WHERE a IS DISTINCT FROM b)
		FROM (SELECT g, perturbed_count(val::float4) AS a, perturbed_count(val::float4::float8) AS b
		      FROM units WHERE name = 'float4' GROUP BY g) s}),
	'0', 'float4 units count as the float8 values they equal');
my @exact = grep { my ($g, $p) = split; $p ne 'NULL' && $p != 8 + $g } @int4;
cmp_ok(scalar(@exact), '>', 5, 'the counts are perturbed (' . scalar(@exact) . ' of 30 moved)');

# ---- created at 0.2.0, then updated -------------------------------------------
$node->safe_psql('postgres', 'CREATE DATABASE old');
$node->safe_psql('old', "CREATE EXTENSION viewstats VERSION '0.2.0'; $fixture");
$node->safe_psql('old', "INSERT INTO privacy_secret (secret) VALUES (decode('$secret', 'hex'))");
my $before = compare('old', 'created at 0.2.0');
my @old_ints = ($before =~ /^(perturbed int[248] .*)$/mg);
my @fresh_ints = ($fresh =~ /^(perturbed int[248] .*)$/mg);
is("@old_ints", "@fresh_ints", 'integer units: 0.2.0 objects publish the same numbers');
$node->safe_psql('old', 'ALTER EXTENSION viewstats UPDATE');
my $after = compare('old', 'after ALTER EXTENSION UPDATE');
is($after, $fresh, 'after the update: the same answers as a fresh install');

$node->stop;
done_testing();
