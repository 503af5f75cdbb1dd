# A concurrent viewing workload for the concurrency and crash TAP tests
# (010_concurrency.pl, 011_crash_restart.pl), and the serial recomputation
# that checks what it left behind; helpers to wait out a killed postmaster.
#
# The schema: a raw log (views_log), stored per-viewer daysets (watched,
# upserted with |), per-title rollups (title_rollup, updated with |), and a
# baseline table written once before the load. Every writing transaction
# appends to the log and updates the stored daysets and the rollup together,
# so at any snapshot, and after any crash, the stored values must equal a
# recomputation from the log. The read scripts check that invariant live
# (assert_true raises, which pgbench counts as a failed transaction).
package ViewstatsLoad;

use strict;
use warnings;
use IPC::Run;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(usleep);

our $FIRST_DAY = '2017-09-01';

# A started node with database "load" set up, its log kept to errors (the
# load would log every statement otherwise).
sub start_node
{
	my ($name) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->append_conf('postgresql.conf', "log_statement = none\nmax_connections = 40\n");
	$node->start;
	$node->safe_psql('postgres', 'CREATE DATABASE load');
	setup($node, 'load');
	return $node;
}

# Create the extension, the tables, the baseline values and amcheck.
sub setup
{
	my ($node, $db) = @_;
	$node->safe_psql($db, qq{
		CREATE EXTENSION viewstats;
		CREATE EXTENSION amcheck;
		CREATE TABLE views_log (viewer_id int, title_id int, day date);
		CREATE INDEX ON views_log (viewer_id, title_id);
		CREATE INDEX ON views_log (title_id);
		CREATE TABLE watched (viewer_id int, title_id int, days dayset NOT NULL,
			PRIMARY KEY (viewer_id, title_id));
		CREATE INDEX watched_days_idx ON watched (days);
		CREATE TABLE title_rollup (title_id int PRIMARY KEY, days dayset NOT NULL,
			views bigint NOT NULL);
		INSERT INTO title_rollup SELECT t, '{}', 0 FROM generate_series(1, 5) t;
		-- Written once before the load: must come through byte for byte.
		CREATE TABLE baseline (id int PRIMARY KEY, ds dayset);
		INSERT INTO baseline VALUES
			(1, '{2017-11-23/2017-12-10,2017-12-12}'), (2, '{}'), (3, NULL),
			(4, '{-4713-11-24,5874897-12-31}'), (5, '{-4713-11-24/5874897-12-31}');
		-- Thousands of runs: compressed, or TOASTed out of line.
		INSERT INTO baseline
			SELECT 100, dayset_agg(date '2000-01-01' + 2 * i) FROM generate_series(0, 5000) i;
		INSERT INTO baseline
			SELECT 101, dayset_agg(date '2000-01-01' + i)
			FROM generate_series(0, 9999) i WHERE hashint4(i) & 3 <> 0;
		CREATE FUNCTION assert_true(ok bool, what text) RETURNS int
			LANGUAGE plpgsql AS \$\$
		BEGIN
			IF ok IS NOT TRUE THEN
				RAISE EXCEPTION 'invariant broken: %', what;
			END IF;
			RETURN 1;
		END \$\$;
	});
	return;
}

# The pgbench scripts, name => text (name@weight picks the mix).
sub scripts
{
	my $d = "date '$FIRST_DAY'";
	return {
		# one view: the log, the stored dayset and the rollup, atomically
		'view.sql@6' => qq{
\\set v random(1, 200)
\\set t random(1, 5)
\\set d random(0, 119)
BEGIN;
INSERT INTO views_log VALUES (:v, :t, $d + :d);
INSERT INTO watched AS w VALUES (:v, :t, ARRAY[$d + :d]::dayset)
	ON CONFLICT (viewer_id, title_id) DO UPDATE SET days = w.days | EXCLUDED.days;
UPDATE title_rollup SET days = days | ARRAY[$d + :d]::dayset, views = views + 1
	WHERE title_id = :t;
COMMIT;
},
		# a stored dayset of a whole stretch of days at once
		'batch.sql@1' => qq{
\\set v random(1, 200)
\\set t random(1, 5)
\\set d random(0, 100)
\\set len random(1, 19)
BEGIN;
INSERT INTO views_log SELECT :v, :t, $d + :d + i FROM generate_series(0, :len - 1) i;
INSERT INTO watched AS w VALUES (:v, :t, daterange($d + :d, $d + :d + :len)::dayset)
	ON CONFLICT (viewer_id, title_id) DO UPDATE SET days = w.days | EXCLUDED.days;
UPDATE title_rollup SET days = days | daterange($d + :d, $d + :d + :len)::dayset,
	views = views + :len WHERE title_id = :t;
COMMIT;
},
		# reads, each checking the invariant inside one snapshot
		'query.sql@4' => qq{
\\set v random(1, 200)
\\set t random(1, 5)
SELECT day_count(days), longest_streak(days), longest_streak(days, 1),
	current_streak(days, date '2017-12-31'), streak_count(days, 2),
	first_day(days), last_day(days), days \@> $d + 30
	FROM watched WHERE viewer_id = :v;
SELECT assert_true(l.agg IS NOT DISTINCT FROM w.days
		AND l.longest IS NOT DISTINCT FROM longest_streak(w.days),
	'stored dayset of viewer ' || :v || ', title ' || :t)
	FROM (SELECT dayset_agg(day) AS agg, longest_streak(day) AS longest
		FROM views_log WHERE viewer_id = :v AND title_id = :t) l
	LEFT JOIN watched w ON w.viewer_id = :v AND w.title_id = :t;
SELECT assert_true(coalesce(max(n), 0) = coalesce(longest_streak(dayset_agg(day)), 0),
	'window streak of viewer ' || :v)
	FROM (SELECT day, streak_length(day) OVER (ORDER BY day) AS n
		FROM views_log WHERE viewer_id = :v AND title_id = :t) s;
SELECT count(*) FROM watched
	WHERE days && (SELECT days FROM title_rollup WHERE title_id = :t)
	AND days >= '{2017-10-01}';
},
		# a rollup recomputed from the log in parallel workers, against
		# the stored rollup, in one snapshot
		'rollup.sql@1' => qq{
\\set t random(1, 5)
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT assert_true(r.days = l.agg AND r.views = l.n,
	'rollup of title ' || :t)
	FROM title_rollup r,
		(SELECT coalesce(dayset_agg(day), '{}') AS agg, count(*) AS n
		 FROM views_log WHERE title_id = :t) l
	WHERE r.title_id = :t;
COMMIT;
},
	};
}

# Write the scripts into $dir and return pgbench's -f options.
sub script_options
{
	my ($dir) = @_;
	my $s = scripts();
	my @opts;
	for my $name (sort keys %$s)
	{
		(my $file = $name) =~ s/\@\d+$//;
		PostgreSQL::Test::Utils::append_to_file("$dir/$file", $s->{$name});
		push @opts, '-f', "$dir/$name";
	}
	return @opts;
}

# pgbench command line: 8 clients, 2 threads, $seconds seconds.
sub pgbench_command
{
	my ($node, $db, $dir, $seconds) = @_;
	return [
		'pgbench', '--no-vacuum', '--client=8', '--jobs=2', "--time=$seconds",
		'--host', $node->host, '--port', $node->port,
		script_options($dir), $db
	];
}

# Digest of the baseline table.
sub baseline_digest
{
	my ($node, $db) = @_;
	return $node->safe_psql($db, q{
		SELECT count(*) || ' ' || md5(string_agg(id || ':' || coalesce(ds::text, 'NULL'), '|' ORDER BY id))
		FROM baseline});
}

# The serial recomputation: every stored value against the log, computed
# without parallel workers, plus amcheck on the dayset btree index.
sub check_consistency
{
	my ($node, $db, $label) = @_;
	my $r = $node->safe_psql($db, q{
		SET max_parallel_workers_per_gather = 0;
		SELECT
			(SELECT count(*) FROM views_log),
			(SELECT count(*) FROM watched),
			(SELECT count(*) FROM watched w
				FULL JOIN (SELECT viewer_id, title_id, dayset_agg(day) AS days
					FROM views_log GROUP BY viewer_id, title_id) l
				USING (viewer_id, title_id)
				WHERE w.days IS DISTINCT FROM l.days),
			(SELECT count(*) FROM title_rollup r
				LEFT JOIN (SELECT title_id, dayset_agg(day) AS days, count(*) AS n
					FROM views_log GROUP BY title_id) l USING (title_id)
				WHERE r.days IS DISTINCT FROM coalesce(l.days, '{}')
					OR r.views <> coalesce(l.n, 0)),
			(SELECT count(*) FROM title_rollup r
				WHERE r.days IS DISTINCT FROM (SELECT coalesce(dayset_agg(w.days), '{}')
					FROM watched w WHERE w.title_id = r.title_id));
		SELECT bt_index_check('watched_days_idx', true);
		SELECT bt_index_check('watched_pkey', true);
	});
	my ($log_rows, $watched_rows, $bad_watched, $bad_rollup, $bad_rollup2) =
	  split /\|/, (split /\n/, $r)[0];
	cmp_ok($log_rows, '>', 0, "$label: the load wrote views ($log_rows)");
	is($bad_watched, '0',
		"$label: all $watched_rows stored daysets equal dayset_agg over the log");
	is($bad_rollup, '0',
		"$label: every title rollup equals the serial recomputation from the log");
	is($bad_rollup2, '0',
		"$label: every title rollup equals the rollup of the stored daysets");
	return $log_rows;
}

# pids whose parent is $ppid, from /proc (to wait for a killed postmaster's
# children: a new postmaster cannot start while they hold shared memory)
sub children_of
{
	my ($ppid) = @_;
	my @pids;
	for my $stat (glob '/proc/[0-9]*/stat')
	{
		open my $fh, '<', $stat or next;
		my $line = <$fh>;
		close $fh;
		next unless defined $line;
		# "pid (comm) state ppid ...": comm may hold spaces or parentheses
		my ($pid, $rest) = $line =~ /^(\d+) \(.*\) (.*)$/s or next;
		my (undef, $parent) = split ' ', $rest;
		push @pids, $pid if $parent == $ppid;
	}
	return @pids;
}

sub wait_gone
{
	my @pids = @_;
	for (1 .. 600)
	{
		@pids = grep { kill 0, $_ } @pids;
		return if !@pids;
		usleep(100_000);
	}
	die "processes still alive after the postmaster was killed: @pids";
}

1;
