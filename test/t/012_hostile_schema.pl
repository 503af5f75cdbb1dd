# Hardened scripts: an unprivileged, hostile role that may create objects in
# public plants functions and operators there with the names viewstats uses
# (its own names on built-in types, then, once the type exists, on dayset;
# pg_catalog names the scripts call; operators on date, int and dayset).
# Every trap records that it ran in a sequence (non-transactional, so even a
# trap inside a failed statement is seen), warns, and tries to make its
# owner superuser. Then a superuser:
#   1. installs viewstats into its own schema (and, in a second database,
#      installs 0.1.0 and updates it) while public, ahead of that schema in
#      search_path, is full of traps, and runs a workload over every part of
#      the extension: type I/O, casts, operators, btree/hash operator classes
#      (GROUP BY, DISTINCT, index scans, hash and merge joins), aggregates in
#      parallel workers, window functions, binary COPY;
#   2. installs viewstats into public itself, where the traps live, updates
#      it from 0.1.0 with dayset-typed traps planted in between, and runs the
#      same workload.
# Nothing of the hostile role may run, and it must stay unprivileged.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('hostile');
$node->init;
$node->start;

my $default_version = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'viewstats'});

# ---- the traps ----

# What a trap does when it runs.
my $trap_setup = q{
	CREATE SEQUENCE public.trap_count;
	GRANT USAGE, SELECT ON SEQUENCE public.trap_count TO PUBLIC;
	CREATE FUNCTION public.trap_fired(what text) RETURNS void
		LANGUAGE plpgsql AS $$
	BEGIN
		PERFORM pg_catalog.nextval('public.trap_count');
		RAISE WARNING 'hostile trap % ran as %', what, current_user;
		BEGIN
			EXECUTE 'ALTER ROLE hostile SUPERUSER';
		EXCEPTION WHEN OTHERS THEN NULL;
		END;
	END $$;
};

my $n_traps = 0;

# SQL planting trap functions: [name, argument types, return type].
sub trap_functions
{
	my ($schema, @sigs) = @_;
	my $sql = '';
	for my $s (@sigs)
	{
		my ($name, $args, $ret) = @$s;
		$sql .= qq{
			CREATE FUNCTION $schema.$name($args) RETURNS $ret LANGUAGE plpgsql AS \$\$
			BEGIN PERFORM public.trap_fired('$schema.$name($args)'); RETURN NULL; END \$\$;
		};
		$n_traps++;
	}
	return $sql;
}

# SQL planting trap operators: [operator, left type, right type, result].
sub trap_operators
{
	my ($schema, @ops) = @_;
	my $sql = '';
	for my $o (@ops)
	{
		my ($op, $left, $right, $ret) = @$o;
		my $fn = 'trap_op_' . $n_traps;
		$sql .= qq{
			CREATE FUNCTION $schema.$fn($left, $right) RETURNS $ret LANGUAGE plpgsql AS \$\$
			BEGIN PERFORM public.trap_fired('operator $op($left, $right)'); RETURN NULL; END \$\$;
			CREATE OPERATOR $schema.$op (LEFTARG = $left, RIGHTARG = $right, FUNCTION = $schema.$fn);
		};
		$n_traps++;
	}
	return $sql;
}

# Traps on built-in types: viewstats's names, the pg_catalog functions its
# scripts call, and operators on the types they compare. With $in_public
# the extension will be created next to them, so its own signatures are
# left out (planting one makes CREATE EXTENSION fail: tested below) and
# overloads that match less well are planted instead.
sub builtin_traps
{
	my ($in_public) = @_;
	my @own = $in_public
	  ? (
		[ 'dayset_agg',      'text',                         'int' ],
		[ 'dayset_agg',      'timestamp, text',              'int' ],
		[ 'longest_streak',  'timestamp',                    'int' ],
		[ 'longest_streak',  'date, bigint',                 'int' ],
		[ 'current_streak',  'date, text',                   'int' ],
		[ 'streak_length',   'timestamp',                    'int' ],
		[ 'streak_start',    'timestamp',                    'date' ],
		[ 'streak_number',   'timestamp',                    'int' ])
	  : (
		[ 'dayset_agg',      'date',                         'int' ],
		[ 'dayset_agg',      'timestamptz, text',            'int' ],
		[ 'longest_streak',  'date',                         'int' ],
		[ 'longest_streak',  'date, int',                    'int' ],
		[ 'current_streak',  'date, date',                   'int' ],
		[ 'streak_length',   'date',                         'int' ],
		[ 'streak_start',    'date',                         'date' ],
		[ 'streak_number',   'date',                         'int' ]);
	return trap_functions(
		'public', @own,
		[ 'day_count',       'anyelement',                   'int' ],
		[ 'first_day',       'anyelement',                   'date' ],
		[ 'last_day',        'anyelement',                   'date' ],
		[ 'streak_count',    'anyelement',                   'int' ],
		[ 'dayset',          'anyarray',                     'int' ],
		[ 'dayset',          'anyrange',                     'int' ],
		[ 'to_datemultirange', 'anyelement',                 'datemultirange' ],
		[ 'current_setting', 'text',                         'text' ],
		[ 'current_setting', 'varchar',                      'text' ],
		[ 'int4',            'text',                         'int' ],
		[ 'date',            'text',                         'date' ],
		[ 'daterange',       'date, date',                   'daterange' ],
		[ 'hashint4',        'int',                          'int' ],
		[ 'unnest',          'anyarray',                     'anyelement' ],
		[ 'array_agg',       'anyelement',                   'anyarray' ]) .
	  trap_operators(
		'public',
		[ '=',  'date',       'date',       'bool' ],
		[ '<',  'date',       'date',       'bool' ],
		[ '>=', 'int',        'int',        'bool' ],
		[ '>=', 'text',       'int',        'bool' ],
		[ '+',  'date',       'int',        'date' ],
		[ '-',  'date',       'date',       'int' ],
		[ '@>', 'anyelement', 'date',       'bool' ],
		[ '<@', 'date',       'anyelement', 'bool' ],
		[ '&&', 'anyelement', 'anyelement', 'bool' ],
		[ '|',  'anyelement', 'anyelement', 'anyelement' ],
		[ '&',  'anyelement', 'anyelement', 'anyelement' ]);
}

# Traps on dayset itself, once the type exists in schema $ext.
sub dayset_traps
{
	my ($ext) = @_;
	my $d = "$ext.dayset";
	# In public itself ($ext eq 'public'), same-signature objects cannot be
	# planted next to the extension's; overloads that match less well can.
	my (@ops, @fns);
	if ($ext eq 'public')
	{
		@ops = (
			[ '=',  $d,     'text',      'bool' ],
			[ '=',  'text', $d,          'bool' ],
			[ '<',  $d,     'text',      'bool' ],
			[ '@>', $d,     'text',      'bool' ],
			[ '&&', $d,     'daterange', 'bool' ],
			[ '|',  $d,     'date',      $d ],
			[ '-',  $d,     'date',      $d ]);
		@fns = (
			[ 'day_count',      "$d, int",    'int' ],
			[ 'longest_streak', "$d, bigint", 'int' ],
			[ 'current_streak', "$d, text",   'int' ],
			[ 'dayset_union',   "$d, text",   $d ],
			[ 'dayset_eq',      "$d, text",   'bool' ],
			[ 'dayset_cmp',     "$d, text",   'int' ],
			[ 'dayset_hash',    "$d, int",    'int' ],
			[ 'dayset_agg',     "$d, int",    $d ]);
	}
	else
	{
		push @ops, [ $_, $d, $d, 'bool' ] for qw(= <> < <= > >= @> <@ &&);
		push @ops, [ $_, $d, $d, $d ] for qw(| & -);
		push @ops, [ '@>', $d, 'date', 'bool' ], [ '<@', 'date', $d, 'bool' ],
		  [ '=', $d, 'text', 'bool' ], [ '=', 'text', $d, 'bool' ];
		@fns = (
			[ 'day_count',      $d,          'int' ],
			[ 'first_day',      $d,          'date' ],
			[ 'last_day',       $d,          'date' ],
			[ 'longest_streak', $d,          'int' ],
			[ 'longest_streak', "$d, int",   'int' ],
			[ 'current_streak', "$d, date",  'int' ],
			[ 'streak_count',   $d,          'int' ],
			[ 'dayset_union',   "$d, $d",    $d ],
			[ 'dayset_eq',      "$d, $d",    'bool' ],
			[ 'dayset_cmp',     "$d, $d",    'int' ],
			[ 'dayset_hash',    $d,          'int' ],
			[ 'dayset_agg',     $d,          $d ],
			[ 'to_datemultirange', $d,       'datemultirange' ]);
	}
	return trap_functions('public', @fns) . trap_operators('public', @ops);
}

# ---- what the victim runs ----

# Every part of the extension in schema $s, each object named with its
# schema (a careful user's queries), under search_path = public, $s.
sub workload
{
	my ($s, $copyfile) = @_;
	return qq{
		SET search_path = public, $s;
		CREATE TABLE w (id int, d date, ts timestamptz, ds $s.dayset);
		INSERT INTO w
			SELECT i, date '2017-12-01' + i % 20, timestamptz '2017-12-01 12:00+00' + i * interval '7 hours',
				$s.dayset(ARRAY[date '2017-12-01' + i % 20, date '2017-12-03', NULL])
			FROM generate_series(1, 400) i;
		INSERT INTO w VALUES
			(-1, NULL, NULL, '{2017-11-23/2017-12-10,2017-12-12}'::$s.dayset),
			(-2, '2017-01-01', NULL, $s.dayset(daterange('2017-01-01', '2017-01-05'))),
			(-3, NULL, NULL, $s.dayset(datemultirange(daterange('2017-01-01', '2017-01-05')))),
			(-4, NULL, NULL, '{}'), (-5, NULL, NULL, NULL);
		CREATE INDEX w_btree ON w (ds);
		CREATE INDEX w_hash ON w USING hash (ds);
		ANALYZE w;

		-- I/O, accessors, operators and casts
		SELECT ds::text, $s.day_count(ds), $s.first_day(ds), $s.last_day(ds),
			$s.longest_streak(ds), $s.longest_streak(ds, 1), $s.current_streak(ds, date '2017-12-31'),
			$s.current_streak(ds, date '2017-12-31', 2), $s.streak_count(ds), $s.streak_count(ds, 2),
			(SELECT count(*) FROM $s.streaks(ds)), (SELECT count(*) FROM $s.streaks(ds, 2)),
			ds OPERATOR($s.|) '{2018-01-01}', ds OPERATOR($s.&) ds, ds OPERATOR($s.-) '{2017-12-03}',
			ds OPERATOR($s.\@>) d, d OPERATOR($s.<@) ds, ds OPERATOR($s.\@>) ds, ds OPERATOR($s.<@) ds,
			ds OPERATOR($s.&&) ds, ds OPERATOR($s.=) ds, ds OPERATOR($s.<>) ds, ds OPERATOR($s.<) ds,
			ds OPERATOR($s.<=) ds, ds OPERATOR($s.>) ds, ds OPERATOR($s.>=) ds,
			ds::datemultirange, $s.to_datemultirange(ds), $s.dayset_cmp(ds, ds), $s.dayset_hash(ds),
			$s.dayset_hash_extended(ds, 7)
		FROM w;

		-- the operator classes: sorting, grouping, DISTINCT, indexes, joins
		SELECT ds, count(*) FROM w GROUP BY ds ORDER BY ds;
		SET enable_hashagg = off;
		SELECT DISTINCT ds FROM w ORDER BY ds DESC;
		RESET enable_hashagg;
		SET enable_sort = off;
		SELECT count(DISTINCT ds) FROM w;
		RESET enable_sort;
		SET enable_seqscan = off;
		SELECT count(*) FROM w WHERE ds OPERATOR($s.=) '{2017-12-03}'::$s.dayset;
		SELECT count(*) FROM w WHERE ds OPERATOR($s.<) '{2017-12-05}'::$s.dayset;
		SET enable_bitmapscan = off;
		SELECT count(*) FROM w WHERE ds OPERATOR($s.>=) '{2017-12-05}'::$s.dayset;
		RESET enable_seqscan; RESET enable_bitmapscan;
		SET enable_mergejoin = off; SET enable_nestloop = off;
		SELECT count(*) FROM w a JOIN w b ON a.ds OPERATOR($s.=) b.ds;
		RESET enable_mergejoin; SET enable_hashjoin = off;
		SELECT count(*) FROM w a JOIN w b ON a.ds OPERATOR($s.=) b.ds;
		RESET enable_hashjoin; RESET enable_nestloop;

		-- aggregates, in parallel workers (serialize, deserialize, combine)
		SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
		SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 2;
		SELECT $s.dayset_agg(d), $s.longest_streak(d), $s.longest_streak(d, 1),
			$s.current_streak(d, date '2017-12-20'), $s.current_streak(d, date '2017-12-20', 1),
			$s.dayset_agg(ds), $s.dayset_agg(ts, 'Europe/London'), $s.longest_streak(ts, 'UTC'),
			$s.longest_streak(ts, 'UTC', 2)
		FROM w;
		SELECT id % 3, $s.dayset_agg(d) FROM w GROUP BY id % 3 ORDER BY 1;
		RESET parallel_setup_cost; RESET parallel_tuple_cost;
		RESET min_parallel_table_scan_size;

		-- window functions
		SELECT $s.streak_length(d) OVER v, $s.streak_start(d) OVER v, $s.streak_number(d) OVER v,
			$s.streak_length(d, 1) OVER v, $s.streak_start(d, 1) OVER v, $s.streak_number(d, 1) OVER v
		FROM w WINDOW v AS (PARTITION BY id % 2 ORDER BY d);

		-- binary send and receive
		COPY w (ds) TO '$copyfile' (FORMAT binary);
		CREATE TABLE w2 (ds $s.dayset);
		COPY w2 FROM '$copyfile' (FORMAT binary);
		SELECT count(*) FROM w2 JOIN w ON w2.ds OPERATOR($s.=) w.ds;
		DROP TABLE w, w2;

		-- Every plain function of the extension whose arguments are of
		-- simple types, called with a sample value of each exact type, so
		-- functions added later are covered too. Errors (bad sample values)
		-- are fine; traps are not.
		DO \$do\$
		DECLARE
			f record;
			args text;
			called int := 0;
			failed int := 0;
			skipped int := 0;
		BEGIN
			FOR f IN
				SELECT p.oid, n.nspname, p.proname,
					(SELECT pg_catalog.string_agg(CASE WHEN ty.typname = 'dayset'
							THEN pg_catalog.format('%L::%I.%I', '{2017-12-01/2017-12-05,2017-12-09}', tn.nspname, ty.typname)
							ELSE pg_catalog.format('%L::pg_catalog.%I', sample.v, ty.typname) END,
							', ' ORDER BY a.ord)
					 FROM pg_catalog.unnest(p.proargtypes) WITH ORDINALITY a(t, ord)
					 JOIN pg_catalog.pg_type ty ON ty.oid = a.t
					 JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace
					 LEFT JOIN (VALUES ('date', '2017-12-03'), ('int4', '1'), ('int8', '1'),
							('int2', '1'), ('text', 'UTC'), ('bool', 'true'),
							('float8', '1'), ('numeric', '1'), ('_date', '{2017-12-01,2017-12-02}'),
							('daterange', '[2017-12-01,2017-12-05)'),
							('datemultirange', '{[2017-12-01,2017-12-05)}'),
							('timestamptz', '2017-12-01 12:00+00'), ('interval', '1 day'),
							('regrole', 'pg_monitor'), ('regclass', 'pg_catalog.pg_class'),
							('bytea', '\\x00')) sample(typ, v)
						ON sample.typ = ty.typname AND tn.nspname = 'pg_catalog'
					 WHERE sample.v IS NOT NULL OR ty.typname = 'dayset') AS args,
					(SELECT pg_catalog.count(*) FROM pg_catalog.unnest(p.proargtypes)) AS nargs
				FROM pg_catalog.pg_depend d
				JOIN pg_catalog.pg_proc p ON p.oid = d.objid
				JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
				WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
				  AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
				  AND d.deptype = 'e' AND p.prokind = 'f'
				  AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e
									WHERE e.extname = 'viewstats')
				ORDER BY p.oid
			LOOP
				-- every argument must have had a sample
				IF f.nargs > 0 AND (f.args IS NULL OR
						pg_catalog.array_length(pg_catalog.string_to_array(f.args, ', '), 1) <> f.nargs) THEN
					skipped := skipped + 1;
					CONTINUE;
				END IF;
				BEGIN
					EXECUTE pg_catalog.format('SELECT %I.%I(%s)', f.nspname, f.proname,
						coalesce(f.args, ''));
					called := called + 1;
				EXCEPTION WHEN OTHERS THEN
					failed := failed + 1;
					RAISE NOTICE 'call of %.% failed: %', f.nspname, f.proname, SQLERRM;
				END;
			END LOOP;
			RAISE NOTICE 'extension functions called: %, failed: %, skipped: %',
				called, failed, skipped;
		END \$do\$;
	};
}

# How many times traps ran, whatever rolled back since.
sub traps_fired
{
	my ($db) = @_;
	return $node->safe_psql($db,
		q{SET search_path = pg_catalog;
		  SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM public.trap_count});
}

sub hostile_is_superuser
{
	return $node->safe_psql('postgres',
		q{SELECT rolsuper FROM pg_roles WHERE rolname = 'hostile'});
}

# safe_psql, failing the test on any WARNING (a trap's) in the output.
sub run_clean
{
	my ($db, $sql, $name) = @_;
	my ($stdout, $stderr);
	my $ret = $node->psql($db, $sql, stdout => \$stdout, stderr => \$stderr,
		on_error_stop => 1);
	is($ret, 0, "$name: succeeds") or diag($stderr);
	unlike($stderr // '', qr/hostile trap/, "$name: no hostile trap ran") or diag($stderr);
	if ($sql =~ /extension functions called/)
	{
		my ($called, $failed, $skipped) = ($stderr // '') =~
		  /extension functions called: (\d+), failed: (\d+), skipped: (\d+)/;
		note("$name: extension functions called: $called, failed: $failed, skipped: $skipped");
		# Only functions taking internal or cstring (not callable from SQL)
		# may be skipped; a new argument type needs a sample value above.
		is($called + $failed, $node->safe_psql($db, q{
				SET search_path = pg_catalog;
				SELECT count(*) FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
				WHERE d.classid = 'pg_proc'::regclass AND d.refclassid = 'pg_extension'::regclass
				  AND d.deptype = 'e' AND p.prokind = 'f'
				  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'viewstats')
				  AND NOT p.proargtypes::oid[] OPERATOR(pg_catalog.&&)
					ARRAY['internal'::regtype, 'cstring'::regtype]::oid[]}),
			"$name: every extension function callable from SQL was called");
		# the 34 of 0.1.0 all succeed on the sample values
		cmp_ok($called, '>=', 34, "$name: $called calls succeeded")
		  or diag($stderr);
	}
	return $stdout;
}

my $copy_dir = PostgreSQL::Test::Utils::tempdir;
my ($ret, $stdout, $stderr);

$node->safe_psql('postgres', q{
	CREATE ROLE hostile LOGIN;
	CREATE DATABASE own_schema;
	CREATE DATABASE own_schema_update;
	CREATE DATABASE in_public;
	CREATE DATABASE collide;
});

for my $db (qw(own_schema own_schema_update in_public collide))
{
	$node->safe_psql($db, 'GRANT CREATE ON SCHEMA public TO hostile');
	$node->safe_psql($db, $trap_setup, extra_params => [ '-U', 'hostile' ]);
	$node->safe_psql($db, builtin_traps($db eq 'in_public' || $db eq 'collide'),
		extra_params => [ '-U', 'hostile' ]);
}
note("$n_traps traps planted");

# The traps work: a call that resolves to one is seen. (Made by the hostile
# role itself: run by a superuser, the trap would succeed in its ALTER ROLE.)
$node->safe_psql('own_schema', q{SET search_path = public; SELECT day_count(1)},
	extra_params => [ '-U', 'hostile' ]);
is(traps_fired('own_schema'), '1', 'a trap that runs is counted');
$node->safe_psql('own_schema', q{ALTER SEQUENCE public.trap_count RESTART});
is(traps_fired('own_schema'), '0', 'trap counter reset');

# ---- 1. viewstats in its own schema, public full of traps ----

run_clean('own_schema', q{
	SET search_path = public, vs;
	CREATE SCHEMA vs;
	GRANT USAGE ON SCHEMA vs TO PUBLIC;
	CREATE EXTENSION viewstats SCHEMA vs;
}, 'CREATE EXTENSION into schema vs');
$node->safe_psql('own_schema', dayset_traps('vs'), extra_params => [ '-U', 'hostile' ]);
run_clean('own_schema', workload('vs', "$copy_dir/own_schema.bin"),
	'workload on schema vs with traps in public');
is(traps_fired('own_schema'), '0', 'own schema: no trap ran');

run_clean('own_schema_update', q{
	SET search_path = public, vs;
	CREATE SCHEMA vs;
	GRANT USAGE ON SCHEMA vs TO PUBLIC;
	CREATE EXTENSION viewstats SCHEMA vs VERSION '0.1.0';
}, 'CREATE EXTENSION 0.1.0 into schema vs');
$node->safe_psql('own_schema_update', dayset_traps('vs'), extra_params => [ '-U', 'hostile' ]);
run_clean('own_schema_update', q{SET search_path = public, vs; ALTER EXTENSION viewstats UPDATE},
	'ALTER EXTENSION UPDATE with traps in public');
is($node->safe_psql('own_schema_update',
		q{SET search_path = pg_catalog; SELECT extversion FROM pg_extension WHERE extname = 'viewstats'}),
	$default_version, "updated to $default_version");
run_clean('own_schema_update', workload('vs', "$copy_dir/own_schema_update.bin"),
	'workload after the update');
is(traps_fired('own_schema_update'), '0', 'own schema, updated: no trap ran');

# ---- 2. viewstats in public, where the hostile role creates objects ----

run_clean('in_public', q{CREATE EXTENSION viewstats VERSION '0.1.0'},
	'CREATE EXTENSION 0.1.0 into public among the traps');
$node->safe_psql('in_public', dayset_traps('public'), extra_params => [ '-U', 'hostile' ]);
run_clean('in_public', q{ALTER EXTENSION viewstats UPDATE},
	'ALTER EXTENSION UPDATE in public among dayset traps');
run_clean('in_public', workload('public', "$copy_dir/in_public.bin"),
	'workload on public among the traps');
is(traps_fired('in_public'), '0', 'in public: no trap ran');

# A planted object with the signature of one of the extension's makes
# CREATE EXTENSION fail (no CREATE OR REPLACE adopts it), running nothing.
$node->safe_psql('collide', trap_functions('public', [ 'longest_streak', 'date', 'int' ]),
	extra_params => [ '-U', 'hostile' ]);
($ret, $stdout, $stderr) = $node->psql('collide', 'CREATE EXTENSION viewstats');
isnt($ret, 0, 'CREATE EXTENSION fails over a planted longest_streak(date)');
like($stderr, qr/already exists/, '... because the function already exists');
is($node->safe_psql('collide',
		q{SET search_path = pg_catalog; SELECT count(*) FROM pg_extension WHERE extname = 'viewstats'}),
	'0', '... and nothing is installed');
is(traps_fired('collide'), '0', 'collision: no trap ran');

# The hostile role cannot take over the extension's objects.
($ret, $stdout, $stderr) = $node->psql('in_public', q{
	CREATE OR REPLACE FUNCTION public.day_count(public.dayset) RETURNS int
		LANGUAGE sql AS 'SELECT 0'},
	extra_params => [ '-U', 'hostile' ]);
like($stderr, qr/must be owner of function day_count/,
	'the hostile role cannot replace an extension function');

is(hostile_is_superuser(), 'f', 'the hostile role is still not a superuser');

# Functions not written in C must pin their search_path: a SQL or PL/pgSQL
# body is parsed with the caller's search_path otherwise.
is( $node->safe_psql('own_schema', q{
		SET search_path = pg_catalog;
		SELECT string_agg(p.oid::regprocedure::text, ', ')
		FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
		JOIN pg_language l ON l.oid = p.prolang
		WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
		  AND d.classid = 'pg_proc'::regclass
		  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'viewstats')
		  AND l.lanname NOT IN ('c', 'internal')
		  AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search\_path=%')}),
	'', 'every extension function not written in C sets its search_path');

# Nor SECURITY DEFINER anywhere.
is( $node->safe_psql('own_schema', q{
		SET search_path = pg_catalog;
		SELECT count(*) FROM pg_depend d JOIN pg_proc p ON p.oid = d.objid
		WHERE d.refclassid = 'pg_extension'::regclass AND d.classid = 'pg_proc'::regclass
		  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'viewstats')
		  AND p.prosecdef}),
	'0', 'no SECURITY DEFINER function');

$node->stop;
done_testing();
