# Upgrade path: CREATE EXTENSION viewstats VERSION '0.1.0' (the first
# released version), store daysets and objects that depend on the extension,
# then ALTER EXTENSION viewstats UPDATE to the default version. The stored
# values, the index over them and the dependent view must survive, and the
# updated extension must be the same as a fresh install of the default
# version: the same member objects (pg_describe_object over pg_depend), the
# same function properties and bodies, the same privileges and the same
# configuration tables.  The values and the view are also checked after the
# update against a plain-SQL oracle of their days (ViewstatsOracle.pm).
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use ViewstatsOracle;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;

my ($first, $default) = split /\|/, $node->safe_psql('postgres', q{
	SELECT (SELECT min(version COLLATE "C") FROM pg_available_extension_versions
			WHERE name = 'viewstats'),
		default_version
	FROM pg_available_extensions WHERE name = 'viewstats'});
is($first, '0.1.0', 'the first released version is installable');
isnt($default, $first, "the default version ($default) is a later one");
like(
	$node->safe_psql('postgres',
		q{SELECT string_agg(path, ';') FROM pg_extension_update_paths('viewstats')
		  WHERE source = '0.1.0' AND target = (SELECT default_version
			FROM pg_available_extensions WHERE name = 'viewstats')}),
	qr/^0\.1\.0--/, "an update path leads from 0.1.0 to $default");

$node->safe_psql('postgres', 'CREATE DATABASE upgraded');
$node->safe_psql('postgres', 'CREATE DATABASE fresh');

$node->safe_psql('upgraded', q{
	CREATE EXTENSION viewstats VERSION '0.1.0';
	CREATE EXTENSION amcheck;
	CREATE TABLE stored (id int PRIMARY KEY, ds dayset);
	INSERT INTO stored VALUES
		(1, '{2017-11-23/2017-12-10,2017-12-12}'), (2, '{}'), (3, NULL),
		(4, '{-4713-11-24,5874897-12-31}'), (5, '{-4713-11-24/5874897-12-31}'),
		(6, '{2017-12-12}');
	INSERT INTO stored
		SELECT 100, dayset_agg(date '2000-01-01' + 2 * i) FROM generate_series(0, 5000) i;
	INSERT INTO stored
		SELECT 100 + v, dayset_agg(date '2017-01-01' + (v * 7 + i * 3) % 365)
		FROM generate_series(1, 200) v, generate_series(1, 40) i GROUP BY v;
	CREATE INDEX stored_ds ON stored (ds) WHERE id <> 100;  -- a btree row must fit a third of a page
	CREATE INDEX stored_ds_hash ON stored USING hash (ds);
	CREATE VIEW streaks_view AS
		SELECT id, day_count(ds) AS days, longest_streak(ds) AS longest FROM stored;
});

my $digest_sql = q{
	SELECT count(*) || ' ' || md5(string_agg(id || ':' || coalesce(ds::text, 'NULL')
		|| ':' || coalesce(md5(dayset_send(ds)), '-'), '|' ORDER BY id))
	FROM stored;
	SELECT md5(string_agg(id || ':' || coalesce(days, -1) || ':' || coalesce(longest, -1), '|'
		ORDER BY id)) FROM streaks_view;
};
my $before = $node->safe_psql('upgraded', $digest_sql);
like($before, qr/^207 /, '207 daysets stored under 0.1.0');

$node->safe_psql('upgraded', 'ALTER EXTENSION viewstats UPDATE');
is($node->safe_psql('upgraded',
		q{SELECT extversion FROM pg_extension WHERE extname = 'viewstats'}),
	$default, "ALTER EXTENSION viewstats UPDATE reaches $default");
is($node->safe_psql('upgraded', $digest_sql), $before,
	'stored daysets, their binary form and the dependent view are unchanged');
ViewstatsOracle::create($node, 'upgraded');
is( $node->safe_psql('upgraded', q{
		WITH o AS (
			SELECT 100 AS id, ARRAY(SELECT date '2000-01-01' + 2 * i FROM generate_series(0, 5000) i) AS days
			UNION ALL
			SELECT 100 + v, array_agg(date '2017-01-01' + (v * 7 + i * 3) % 365)
			FROM generate_series(1, 200) v, generate_series(1, 40) i GROUP BY v)
		SELECT count(*) FILTER (WHERE s.ds::text = oracle.dayset_text(o.days)
		                          AND w.days = cardinality(ARRAY(SELECT DISTINCT unnest(o.days)))
		                          AND w.longest = oracle.longest_streak(o.days)) || ' of ' || count(*)
		FROM o JOIN stored s USING (id) JOIN streaks_view w USING (id)}),
	'201 of 201', 'after the update, values and view equal the plain-SQL oracle');
is($node->safe_psql('upgraded', q{
		SET enable_seqscan = off;
		SELECT count(*) FROM stored WHERE ds = '{2017-12-12}'}),
	'1', 'the btree index still finds a stored value');
$node->safe_psql('upgraded', q{SELECT bt_index_check('stored_ds', true)});
pass('the btree index over 0.1.0 values passes amcheck under the new version');
is($node->safe_psql('upgraded', q{
		INSERT INTO stored VALUES (7, '{2018-01-01/2018-01-31}') RETURNING longest_streak(ds)}),
	'31', 'new values can be stored after the update');

$node->safe_psql('fresh', 'CREATE EXTENSION viewstats');

# Everything that makes up the extension, as text: its member objects, each
# function's properties, body and privileges, relation privileges and the
# tables pg_dump treats as configuration.
my $fingerprint_sql = q{
	SET search_path = pg_catalog;
	WITH ext AS (SELECT oid, extconfig FROM pg_extension WHERE extname = 'viewstats'),
	members AS (
		SELECT d.classid, d.objid, d.objsubid FROM pg_depend d, ext
		WHERE d.refclassid = 'pg_extension'::regclass AND d.refobjid = ext.oid
		  AND d.deptype = 'e')
	SELECT 'member ' || pg_describe_object(classid, objid, objsubid) FROM members
	UNION ALL
	SELECT format('function %s kind=%s lang=%s volatile=%s parallel=%s strict=%s secdef=%s '
			'leakproof=%s rows=%s returns=%s config=%s acl=%s src=%s bin=%s',
		p.oid::regprocedure, p.prokind, l.lanname, p.provolatile, p.proparallel,
		p.proisstrict, p.prosecdef, p.proleakproof, p.prorows, p.prorettype::regtype,
		p.proconfig, p.proacl, p.prosrc, p.probin)
	FROM members m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
	JOIN pg_language l ON l.oid = p.prolang
	UNION ALL
	SELECT format('relation %s kind=%s acl=%s', c.oid::regclass, c.relkind, c.relacl)
	FROM members m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
	UNION ALL
	SELECT format('type %s len=%s align=%s storage=%s acl=%s', t.oid::regtype, t.typlen,
		t.typalign, t.typstorage, t.typacl)
	FROM members m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
	UNION ALL
	SELECT format('operator %s com=%s neg=%s rest=%s join=%s hashes=%s merges=%s',
		o.oid::regoperator, o.oprcom::regoperator, o.oprnegate::regoperator, o.oprrest,
		o.oprjoin, o.oprcanhash, o.oprcanmerge)
	FROM members m JOIN pg_operator o ON m.classid = 'pg_operator'::regclass AND o.oid = m.objid
	UNION ALL
	SELECT 'config table ' || unnest(extconfig)::regclass FROM ext
	UNION ALL
	SELECT format('namespace %s acl=%s', n.nspname, n.nspacl)
	FROM members m JOIN pg_namespace n ON m.classid = 'pg_namespace'::regclass AND n.oid = m.objid
	ORDER BY 1;
};
my $upgraded = $node->safe_psql('upgraded', $fingerprint_sql);
my $fresh = $node->safe_psql('fresh', $fingerprint_sql);
my @members = grep { /^member / } split /\n/, $fresh;
# 0.1.0 alone has 87: 64 functions (49 plain, 9 aggregates, 6 window), the
# type, 4 casts, 14 operators, 2 operator classes and their 2 families.
cmp_ok(scalar(@members), '>=', 87, scalar(@members) . ' member objects in a fresh install');
is($upgraded, $fresh, 'the updated extension equals a fresh install');
if ($upgraded ne $fresh)
{
	my %in_fresh = map { $_ => 1 } split /\n/, $fresh;
	my %in_upgraded = map { $_ => 1 } split /\n/, $upgraded;
	diag("only after the update: $_") for grep { !$in_fresh{$_} } split /\n/, $upgraded;
	diag("only in a fresh install: $_") for grep { !$in_upgraded{$_} } split /\n/, $fresh;
}

# What pg_dump writes for the extension is the same too: besides CREATE
# EXTENSION, that is privileges changed from the script's initial ones and
# the contents of configuration tables.
my $dump_upgraded = dump_extension_ddl('upgraded');
my $dump_fresh = dump_extension_ddl('fresh');
is($dump_upgraded, $dump_fresh, 'pg_dump of the extension is the same');

$node->stop;
done_testing();

# The schema-only dump without the user's tables: "CREATE EXTENSION" and
# nothing else of ours, whichever path built it.
sub dump_extension_ddl
{
	my ($db) = @_;
	my ($out, $err);
	IPC::Run::run([ 'pg_dump', '--schema-only', '--exclude-table=stored', '--exclude-schema=oracle',
			'--exclude-table=streaks_view', '--dbname', $node->connstr($db) ],
		'>', \$out, '2>', \$err)
	  or die "pg_dump failed: $err";
	$out =~ s/^--.*\n//mg;
	$out =~ s/^\\(un)?restrict .*\n//mg;    # a random key per dump
	$out =~ s/^CREATE EXTENSION IF NOT EXISTS amcheck.*\n//mg;
	$out =~ s/^COMMENT ON EXTENSION amcheck.*\n//mg;
	$out =~ s/\n{2,}/\n/g;
	return $out;
}
