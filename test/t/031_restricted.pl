# Restricted mode across sessions, restarts and dumps: what pg_regress
# cannot show from one session.
#	- the attack suite gives the same answers on an empty table (no refusal
#	  depends on the rows)
#	- a restricted role without session_preload_libraries gets errors, never
#	  rows, even after loading the library by calling one of its functions
#	- views and functions other roles own do not reach personal tables
#	- plans prepared, and cursors WITH HOLD opened, before a label changed
#	- parallel plans of accepted queries
#	- labels, row security and the refusals survive pg_dump and restore
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use File::Basename qw(dirname);
use Cwd qw(abs_path);

my $root = abs_path(dirname(__FILE__) . '/../..');
my $node = PostgreSQL::Test::Cluster->new('restricted');
$node->init;
$node->start;
my $db = 'postgres';
$node->safe_psql($db, 'CREATE EXTENSION viewstats');
# the regression test's set-up (its refused labels are errors, expected there)
$node->psql($db, slurp_file("$root/sql/restricted_setup.sql"), on_error_stop => 0);
is($node->safe_psql($db, q{SELECT count(*) FROM pg_seclabels WHERE provider = 'viewstats'}),
	'2', 'set up: one unit column, one restricted role');

# ---- the attack suite on the viewing log and on an empty table ----
sub run_file
{
	my ($file) = @_;
	my ($stdout, $stderr);
	$node->psql($db, undef, stdout => \$stdout, stderr => \$stderr, on_error_stop => 0,
		extra_params => [ '-a', '-f', $file ]);
	return "$stdout\n$stderr";
}
my $attacks = "$root/sql/restricted_attacks.sql";
my $full = run_file($attacks);
like($full, qr/Rule: unit-use/, 'the attack suite ran as the restricted role');
$node->safe_psql($db, q{
	ALTER TABLE r_views RENAME TO r_views_full;
	CREATE TABLE r_views (LIKE r_views_full);
	LOAD 'viewstats';
	SECURITY LABEL FOR viewstats ON COLUMN r_views.viewer_id IS 'privacy_unit';
	GRANT SELECT ON r_views TO regress_r_analyst;
});
my $empty = run_file($attacks);
is($empty, $full, 'every answer of the attack suite is the same on an empty table');
$node->safe_psql($db, q{
	DROP TABLE r_views CASCADE;
	ALTER TABLE r_views_full RENAME TO r_views;
});

# ---- failing closed without the preload ----
$node->safe_psql($db, q{
	LOAD 'viewstats';
	CREATE ROLE regress_np LOGIN;
	GRANT SELECT ON r_views, r_titles TO regress_np;
	SECURITY LABEL FOR viewstats ON ROLE regress_np IS 'restricted';
});
my ($rc, $out, $err) = $node->psql($db,
	'SELECT title_id, perturbed_count(viewer_id) FROM r_views GROUP BY title_id',
	extra_params => [ '-U', 'regress_np' ]);
isnt($rc, 0, 'no preload: an accepted query fails');
is($out, '', 'no preload: no rows');
like($err, qr/did not preload viewstats/, 'no preload: the error says why');
($rc, $out, $err) = $node->psql($db,
	'SELECT viewstats.access_level(); SELECT count(*) FROM r_views; SELECT * FROM r_views LIMIT 1',
	extra_params => [ '-U', 'regress_np' ], on_error_stop => 0);
is($out, 'restricted', 'no preload: the session knows it is restricted once loaded');
like($err, qr/did not preload viewstats.*did not preload viewstats/s,
	'no preload: loading the library mid-session does not open the table');

# ---- views and functions someone else owns ----
$node->safe_psql($db, q{
	CREATE VIEW r_dba_view AS SELECT viewer_id, day FROM r_views;
	CREATE FUNCTION r_dba_fn() RETURNS SETOF int LANGUAGE sql SECURITY DEFINER
		AS 'SELECT viewer_id FROM r_views';
	CREATE FUNCTION r_dba_atomic() RETURNS bigint LANGUAGE sql
		BEGIN ATOMIC SELECT count(*) FROM r_views; END;
	GRANT SELECT ON r_dba_view TO regress_r_analyst;
});
for my $q ('SELECT count(*) FROM r_dba_view', 'SELECT * FROM r_dba_fn()',
	'SELECT r_dba_atomic()', 'SELECT perturbed_count(viewer_id) FROM r_dba_view')
{
	($rc, $out, $err) = $node->psql($db, $q, extra_params => [ '-U', 'regress_r_analyst' ]);
	ok($rc != 0 && $out eq '' && $err =~ /ERROR:.*\n.*Rule: /,
		"refused through another role's object: $q");
}

# a personal table made a child of a public one after it was labelled
$node->safe_psql($db, q{
	CREATE TABLE r_parent (LIKE r_views);
	ALTER TABLE r_views INHERIT r_parent;
	GRANT SELECT ON r_parent TO regress_r_analyst;
});
for my $q ('SELECT count(*) FROM r_parent', 'SELECT perturbed_count(viewer_id) FROM r_parent',
	'SELECT count(*) FROM ONLY r_parent')
{
	($rc, $out, $err) = $node->psql($db, $q, extra_params => [ '-U', 'regress_r_analyst' ]);
	if ($q =~ /ONLY/)
	{
		is($out, '0', "the parent alone stays public: $q");
	}
	else
	{
		like($err, qr/personal tables among its partitions or children/,
			"refused through an unlabelled parent: $q");
	}
}
$node->safe_psql($db, q{ALTER TABLE r_views NO INHERIT r_parent; DROP TABLE r_parent});

# ---- plans and cursors made before a label changed ----
$node->safe_psql($db, q{
	CREATE TABLE r_later (viewer_id int, day date);
	INSERT INTO r_later SELECT v, date '2017-12-01' FROM generate_series(1, 30) v;
	GRANT SELECT ON r_later TO regress_r_analyst, regress_r_direct;
	ALTER ROLE regress_r_direct SET session_preload_libraries = 'viewstats';
});
my $analyst = $node->background_psql($db, on_error_stop => 0, extra_params => [ '-U', 'regress_r_analyst' ]);
is($analyst->query_safe('PREPARE p AS SELECT count(*) FROM r_later; EXECUTE p'), '30',
	'a public table is read freely, as a prepared statement');
$node->safe_psql($db, q{
	LOAD 'viewstats';
	SECURITY LABEL FOR viewstats ON COLUMN r_later.viewer_id IS 'privacy_unit';
});
$analyst->query('EXECUTE p');
like($analyst->{stderr}, qr/not allowed in a restricted session/,
	'a statement prepared before its table became personal is validated again');
$analyst->quit;

my $direct = $node->background_psql($db, on_error_stop => 0, extra_params => [ '-U', 'regress_r_direct' ]);
is($direct->query_safe(q{SELECT viewstats.access_level()}), 'direct', 'a direct session');
$direct->query_safe(q{
	PREPARE q AS SELECT count(*) FROM r_views;
	BEGIN;
	DECLARE c CURSOR WITH HOLD FOR SELECT viewer_id FROM r_views;
	COMMIT;
});
like($direct->query_safe('EXECUTE q'), qr/^\d+$/, 'the direct session counts rows');
$node->safe_psql($db, q{
	LOAD 'viewstats';
	SECURITY LABEL FOR viewstats ON ROLE regress_r_direct IS 'restricted';
});
is($direct->query_safe(q{SELECT viewstats.access_level()}), 'restricted',
	'the label reaches the open session');
$direct->query('EXECUTE q');
like($direct->{stderr}, qr/Rule: exact-aggregate/,
	'a plan prepared while direct is validated again once restricted');
$direct->query('FETCH 5 FROM c');
like($direct->{stderr}, qr/opened before this session was restricted/,
	'a cursor WITH HOLD opened while direct is closed to the restricted session');
$direct->quit;
$node->safe_psql($db, q{LOAD 'viewstats'; SECURITY LABEL FOR viewstats ON ROLE regress_r_direct IS NULL});

# ---- parallel plans of accepted queries ----
my $q = 'SELECT title_id, perturbed_count(viewer_id) FROM r_views GROUP BY title_id ORDER BY 1';
my $serial = $node->safe_psql($db, $q, extra_params => [ '-U', 'regress_r_analyst' ]);
my $par_costs = 'parallel_setup_cost = 0, parallel_tuple_cost = 0, min_parallel_table_scan_size = 0';
my $par_settings = join('', map { "SET $_; " } split(/, /, $par_costs))
  . 'SET max_parallel_workers_per_gather = 2; ';
# the session's planner cost settings do not apply to queries over personal
# tables (timing.c), the database's do
unlike($node->safe_psql($db, $par_settings . "EXPLAIN $q", extra_params => [ '-U', 'regress_r_analyst' ]),
	qr/Gather/, 'the restricted session\'s own cost settings do not steer its plan');
like($node->safe_psql($db, $par_settings . "EXPLAIN $q", extra_params => [ '-U', 'regress_r_direct' ]),
	qr/Gather/, 'the same settings give the direct role a parallel plan');
$node->safe_psql($db, join('', map { "ALTER DATABASE $db SET $_; " } split(/, /, $par_costs)));
like($node->safe_psql($db, 'SET max_parallel_workers_per_gather = 2; ' . "EXPLAIN $q",
		extra_params => [ '-U', 'regress_r_analyst' ]),
	qr/Gather/, 'the restricted query gets a parallel plan');
is($node->safe_psql($db, 'SET max_parallel_workers_per_gather = 2; ' . $q,
		extra_params => [ '-U', 'regress_r_analyst' ]),
	$serial, 'a parallel plan publishes the same numbers');
$node->safe_psql($db, "ALTER DATABASE $db RESET ALL");

# ---- pg_dump and restore ----
my $dir = PostgreSQL::Test::Utils::tempdir;
$node->command_ok(
	[ 'pg_dump', '--format=custom', '--file', "$dir/r.dump", '--dbname', $node->connstr($db) ],
	'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok(
	[ 'pg_restore', '--exit-on-error', '--dbname', $node->connstr('restored'), "$dir/r.dump" ],
	'pg_restore into a new database');
is($node->safe_psql('restored', q{
	SELECT string_agg(c.relname || '.' || a.attname || '=' || l.label, ',' ORDER BY c.relname)
	FROM pg_seclabel l JOIN pg_class c ON c.oid = l.objoid
	JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = l.objsubid
	WHERE l.provider = 'viewstats'}),
	'r_later.viewer_id=privacy_unit,r_views.viewer_id=privacy_unit', 'the unit labels are restored');
is($node->safe_psql('restored', q{
	SELECT relrowsecurity AND relforcerowsecurity, count(p.*)
	FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
	WHERE c.relname = 'r_views' GROUP BY 1}), 't|2', 'row security and the two policies are restored');
($rc, $out, $err) = $node->psql('restored', 'SELECT count(*) FROM r_views',
	extra_params => [ '-U', 'regress_r_analyst' ]);
like($err, qr/Rule: exact-aggregate/, 'restored: the analyst is still restricted');
is($node->safe_psql('restored', $q, extra_params => [ '-U', 'regress_r_analyst' ]),
	$serial, 'restored: the same published numbers');

# labelling a unit needs the extension in that database (the gate lives there)
$node->safe_psql('postgres', 'CREATE DATABASE noext');
($rc, $out, $err) = $node->psql('noext',
	"CREATE TABLE t (u int); LOAD 'viewstats'; SECURITY LABEL FOR viewstats ON COLUMN t.u IS 'privacy_unit'");
like($err, qr/"viewstats" is not installed in this database/, 'labelling needs the extension in the database');

# ---- membership inference against dp_count, within the budget ----
# 200 trials: the target joins a group of 30 viewers with probability 1/2;
# the restricted analyst runs dp_count (epsilon 0.5) and guesses "in" when
# the published count is above 30.5 (the best threshold test).  Differential
# privacy bounds any test's accuracy by e^eps / (1 + e^eps) = 0.622; the
# check allows three standard deviations of 200 trials (0.034) above it.
# Without noise the guess would be right every time.
$node->safe_psql($db, q{
	CREATE TABLE r_mi (viewer_id int);
	LOAD 'viewstats';
	SECURITY LABEL FOR viewstats ON COLUMN r_mi.viewer_id IS 'privacy_unit';
	GRANT SELECT ON r_mi TO regress_r_analyst;
	SELECT viewstats.set_privacy_budget('regress_r_analyst', 1000);
});
my $mi = $node->background_psql($db, on_error_stop => 0, extra_params => [ '-U', 'regress_r_analyst' ]);
my $before = $mi->query_safe('SELECT viewstats.privacy_budget_remaining()');
my ($right, $trials) = (0, 200);
srand(12);
for my $i (1 .. $trials)
{
	my $in = int(rand(2));
	$node->safe_psql($db, 'TRUNCATE r_mi; INSERT INTO r_mi SELECT generate_series(1, 30)'
		  . ($in ? '; INSERT INTO r_mi VALUES (77777)' : ''));
	my $c = $mi->query_safe('SELECT coalesce(max(c), -1) FROM (SELECT dp_count(viewer_id, 0.5) AS c FROM r_mi) s');
	my $guess = $c > 30.5 ? 1 : 0;
	$right++ if $guess == $in;
}
$mi->query_safe('SELECT 1');
my $spent = $before - $mi->query_safe('SELECT viewstats.privacy_budget_remaining()');
$mi->quit;
my $bound = exp(0.5) / (1 + exp(0.5));
note(sprintf('membership inference: %d of %d right (%.3f), bound %.3f', $right, $trials,
		$right / $trials, $bound));
cmp_ok($right / $trials, '<=', $bound + 3 * sqrt($bound * (1 - $bound) / $trials),
	'membership inference with dp_count stays within e^eps/(1+e^eps)');
is(sprintf('%.6f', $spent), sprintf('%.6f', 0.5 * $trials), 'each trial spent its epsilon');

$node->stop;
done_testing();
