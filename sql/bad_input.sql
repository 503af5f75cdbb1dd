-- Catalogue of bad input: every user-reachable error path, with its SQLSTATE.
-- No path may raise XX000 (internal error) or crash the server.
SET datestyle = 'ISO, YMD';

CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	detail text;
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
	RETURN SQLSTATE || ': ' || SQLERRM || coalesce(nullif(' (' || detail || ')', ' ()'), '');
END $$;

-- binary input: write the bytes as a bytea field of a binary COPY file, then
-- read that file into a dayset column, which calls dayset_recv on them
CREATE TABLE recv_target (ds dayset);
CREATE FUNCTION pg_temp.try_recv(bytes bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('COPY (SELECT %L::bytea) TO %L (FORMAT binary)', bytes,
	               '/tmp/viewstats_regress_recv.bin');
	RETURN pg_temp.try('COPY recv_target FROM ''/tmp/viewstats_regress_recv.bin'' (FORMAT binary)');
END $$;

CREATE COLLATION case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);

CREATE TABLE catalogue (id serial, what text, q text);
INSERT INTO catalogue (what, q) VALUES
  -- text input
  ('empty string',            $q$SELECT ''::dayset$q$),
  ('no braces',               $q$SELECT '2017-12-01'::dayset$q$),
  ('unclosed',                $q$SELECT '{2017-12-01'::dayset$q$),
  ('only open',               $q$SELECT '{'::dayset$q$),
  ('trailing comma',          $q$SELECT '{2017-12-01,}'::dayset$q$),
  ('lone comma',              $q$SELECT '{,}'::dayset$q$),
  ('double comma',            $q$SELECT '{2017-12-01,,2017-12-02}'::dayset$q$),
  ('nested braces',           $q$SELECT '{{2017-12-01}}'::dayset$q$),
  ('trailing garbage',        $q$SELECT '{2017-12-01}x'::dayset$q$),
  ('wrong separator',         $q$SELECT '{2017-12-01;2017-12-02}'::dayset$q$),
  ('double slash',            $q$SELECT '{2017-12-01//2017-12-02}'::dayset$q$),
  ('open range',              $q$SELECT '{2017-12-01/}'::dayset$q$),
  ('two-digit year',          $q$SELECT '{17-12-01}'::dayset$q$),
  ('one-digit month',         $q$SELECT '{2017-1-01}'::dayset$q$),
  ('three-digit day',         $q$SELECT '{2017-12-011}'::dayset$q$),
  ('space inside a date',     $q$SELECT '{2017 -12-01}'::dayset$q$),
  ('infinity',                $q$SELECT '{infinity}'::dayset$q$),
  ('non-ASCII digits',        $q$SELECT '{２０１７-12-01}'::dayset$q$),
  ('reversed range',          $q$SELECT '{2017-12-05/2017-12-01}'::dayset$q$),
  ('month 13',                $q$SELECT '{2017-13-01}'::dayset$q$),
  ('month 0',                 $q$SELECT '{2017-00-10}'::dayset$q$),
  ('day 32',                  $q$SELECT '{2017-12-32}'::dayset$q$),
  ('day 0',                   $q$SELECT '{2017-12-00}'::dayset$q$),
  ('29 Feb, common year',     $q$SELECT '{2017-02-29}'::dayset$q$),
  ('29 Feb 1900',             $q$SELECT '{1900-02-29}'::dayset$q$),
  ('29 Feb 2 BC (year -1)',   $q$SELECT '{-0001-02-29}'::dayset$q$),
  ('before 4714 BC',          $q$SELECT '{-4713-11-23}'::dayset$q$),
  ('after 5874897',           $q$SELECT '{5874898-01-01}'::dayset$q$),
  ('range end after 5874897', $q$SELECT '{2017-12-01/5874898-01-01}'::dayset$q$),
  ('ten-digit year',          $q$SELECT '{9999999999-01-01}'::dayset$q$),
  ('bad element of dayset[]', $q$SELECT '{"{2017-12-01}","{2017-13-01}"}'::dayset[]$q$),
  -- casts
  ('infinite date in array',  $q$SELECT ARRAY[date 'infinity']::dayset$q$),
  ('unbounded daterange',     $q$SELECT daterange('2017-12-01', NULL)::dayset$q$),
  ('infinite daterange',      $q$SELECT daterange('-infinity', '2017-12-01')::dayset$q$),
  ('unbounded multirange',    $q$SELECT datemultirange(daterange(NULL, '2017-12-01'))::dayset$q$),
  ('range including infinity', $q$SELECT daterange('2017-12-01', 'infinity', '[]')::dayset$q$),
  ('int array',               $q$SELECT ARRAY[1,2]::dayset$q$),
  -- aggregates
  ('infinite day',            $q$SELECT dayset_agg(d) FROM (VALUES (date 'infinity')) t(d)$q$),
  ('-infinite day',           $q$SELECT longest_streak(d) FROM (VALUES (date '-infinity')) t(d)$q$),
  ('negative max_gap',        $q$SELECT longest_streak(d, -1) FROM (VALUES (date '2017-12-01')) t(d)$q$),
  ('NULL max_gap',            $q$SELECT longest_streak(d, NULL) FROM (VALUES (date '2017-12-01')) t(d)$q$),
  ('varying max_gap',         $q$SELECT longest_streak(d, g) FROM (VALUES (date '2017-12-01', 0), ('2017-12-02', 1)) t(d, g)$q$),
  ('NULL as_of',              $q$SELECT current_streak(d, NULL) FROM (VALUES (date '2017-12-01')) t(d)$q$),
  ('infinite as_of',          $q$SELECT current_streak(d, 'infinity') FROM (VALUES (date '2017-12-01')) t(d)$q$),
  ('varying as_of',           $q$SELECT current_streak(d, d) FROM (VALUES (date '2017-12-01'), ('2017-12-02')) t(d)$q$),
  ('unknown time zone',       $q$SELECT dayset_agg(now(), 'Mars/Olympus_Mons')$q$),
  ('empty time zone',         $q$SELECT dayset_agg(now(), '')$q$),
  ('overlong time zone',      $q$SELECT dayset_agg(now(), repeat('x', 500))$q$),
  ('NULL time zone',          $q$SELECT dayset_agg(now(), NULL)$q$),
  ('infinite timestamp',      $q$SELECT dayset_agg(timestamptz 'infinity', 'UTC')$q$),
  ('local day before 4714 BC', $q$SELECT dayset_agg(timestamptz '4714-11-24 01:00:00+00 BC', 'America/New_York')$q$),
  -- accessors
  ('negative max_gap accessor', $q$SELECT longest_streak('{2017-12-01}'::dayset, -5)$q$),
  ('infinite as_of accessor', $q$SELECT current_streak('{2017-12-01}'::dayset, 'infinity')$q$),
  ('min_days 0',              $q$SELECT streak_count('{2017-12-01}'::dayset, 0)$q$),
  ('min_days negative',       $q$SELECT * FROM streaks('{2017-12-01}'::dayset, -1)$q$),
  -- window functions
  ('window descending',       $q$SELECT streak_length(d) OVER (ORDER BY d DESC) FROM (VALUES (date '2017-12-01'), ('2017-12-02')) t(d)$q$),
  ('window unordered',        $q$SELECT streak_start(d) OVER () FROM (VALUES (date '2017-12-01'), ('2017-12-02')) t(d)$q$),
  ('window ordered by week',  $q$SELECT streak_start(d) OVER (ORDER BY date_trunc('week', d)) FROM (VALUES (date '2017-12-04'), ('2017-12-11'), ('2017-12-12')) t(d)$q$),
  ('window negative max_gap', $q$SELECT streak_number(d, -1) OVER (ORDER BY d) FROM (VALUES (date '2017-12-01')) t(d)$q$),
  ('window NULL max_gap',     $q$SELECT streak_number(d, NULL) OVER (ORDER BY d) FROM (VALUES (date '2017-12-01')) t(d)$q$),
  ('window varying max_gap',  $q$SELECT streak_length(d, g) OVER (ORDER BY d) FROM (VALUES (date '2017-12-01', 0), ('2017-12-02', 1)) t(d, g)$q$),
  ('window infinite day',     $q$SELECT streak_length(d) OVER (ORDER BY d) FROM (VALUES (date 'infinity')) t(d)$q$),
  ('window function without OVER', $q$SELECT streak_length(date '2017-12-01')$q$),
  -- perturbed counts need units whose hash no platform, release or restore changes
  ('perturbed date units',    $q$SELECT perturbed_count(date '2017-12-01' + g) FROM generate_series(1, 20) g$q$),
  ('perturbed array units',   $q$SELECT perturbed_count(ARRAY[g]) FROM generate_series(1, 20) g$q$),
  ('perturbed date window',   $q$SELECT perturbed_count(date '2017-12-01' + g) OVER () FROM generate_series(1, 20) g$q$),
  ('perturbed, case-insensitive', $q$SELECT perturbed_count(g::text COLLATE case_insensitive) FROM generate_series(1, 20) g$q$),
  ('record units',            $q$SELECT suppressed_count(ROW(g, g)) FROM generate_series(1, 20) g$q$),
  -- support functions are not callable outside an aggregate
  ('support function by hand', $q$SELECT viewstats_longest_streak_final(NULL)$q$);

SELECT id, what, pg_temp.try(q) AS result INTO TEMP results FROM catalogue ORDER BY id;
SELECT what, result FROM results ORDER BY id;

-- binary input (dayset_recv)
CREATE TABLE wire_catalogue (id serial, what text, bytes bytea);
INSERT INTO wire_catalogue (what, bytes) VALUES
  ('valid: two runs',         '\x010000000000000200000000000000020000000900000009'),
  ('empty input',             '\x'),
  ('truncated header',        '\x01000000000000'),
  ('version 2',               '\x0200000000000000'),
  ('version 0',               '\x0000000000000000'),
  ('non-zero flags',          '\x0101000000000000'),
  ('non-zero reserved',       '\x0100000100000000'),
  ('negative run count',      '\x01000000ffffffff'),
  ('huge run count',          '\x010000007fffffff'),
  ('count larger than data',  '\x01000000000000020000000000000002'),
  ('trailing byte',           '\x01000000000000010000000000000002ff'),
  ('half a run',              '\x0100000000000001000000000000'),
  ('first after last',        '\x01000000000000010000000500000002'),
  ('unsorted runs',           '\x010000000000000200000009000000090000000000000002'),
  ('overlapping runs',        '\x010000000000000200000000000000050000000300000009'),
  ('adjacent runs',           '\x010000000000000200000000000000020000000300000009'),
  ('day below range',         '\x0100000000000001ffda97a6ffda97a6'),
  ('day above range',         '\x01000000000000017fda970d7fda970d'),
  ('infinity as a day',       '\x01000000000000017fffffff7fffffff'),
  ('valid: first and last dates', '\x0100000000000002ffda97a7ffda97a77fda970c7fda970c');
SELECT what, pg_temp.try_recv(bytes) AS result INTO TEMP wire_results FROM wire_catalogue ORDER BY id;
SELECT * FROM wire_results;

-- perturbed_count refuses unstable units in parallel plans too, where the
-- finalize step sees only the partial states
CREATE TABLE date_units AS SELECT g, date '2017-01-01' + g AS d FROM generate_series(1, 5000) g;
ANALYZE date_units;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT perturbed_count(d) FROM date_units;
SELECT 'perturbed date units, parallel' AS what,
       pg_temp.try('SELECT perturbed_count(d) FROM date_units') AS result;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

-- a damaged privacy secret (only a superuser can do this), each inside a
-- transaction that is rolled back
CREATE TEMP TABLE saved_secret AS SELECT secret FROM privacy_secret;
-- This session has found and checked the sequences; it keeps them until
-- they change, so taking one out of the extension (the same object, and
-- only a superuser can) is noticed by a new lookup: rotation's, or that of
-- a session that has not read them yet.  Dropping or restarting one is
-- noticed at once.
SELECT perturbed_count(g) IS NOT NULL AS sequences_found FROM generate_series(1, 20) g;
BEGIN;
ALTER EXTENSION viewstats DROP SEQUENCE privacy_secret_3;
SELECT 'a sequence out of the extension, found before' AS what,
       pg_temp.try('SELECT perturbed_count(g) FROM generate_series(1, 20) g') AS result;
SELECT 'rotation, a sequence out of the extension' AS what,
       pg_temp.try('SELECT rotate_privacy_secret()') AS result;
ROLLBACK;
BEGIN;
-- the view depends on the sequences: out of the extension first, or the
-- drop would cascade to the extension
ALTER EXTENSION viewstats DROP VIEW privacy_secret;
ALTER EXTENSION viewstats DROP SEQUENCE privacy_secret_0;
DROP SEQUENCE privacy_secret_0 CASCADE;
SELECT 'a sequence dropped' AS what,
       pg_temp.try('SELECT perturbed_count(g) FROM generate_series(1, 20) g') AS result;
ROLLBACK;
BEGIN;
ALTER SEQUENCE privacy_secret_1 RESTART;
SELECT 'a sequence restarted' AS what,
       pg_temp.try('SELECT perturbed_count(g) FROM generate_series(1, 20) g') AS result;
ROLLBACK;
SELECT what, pg_temp.try(q) AS result FROM (VALUES
  ('a secret of 16 bytes', 'INSERT INTO privacy_secret (secret) VALUES (decode(repeat(''ab'', 16), ''hex''))'),
  ('a secret of 33 bytes', 'INSERT INTO privacy_secret (secret) VALUES (decode(repeat(''ab'', 33), ''hex''))'),
  ('UPDATE of the view', 'UPDATE privacy_secret SET secret = NULL'),
  ('DELETE from the view', 'DELETE FROM privacy_secret'),
  ('TRUNCATE of the view', 'TRUNCATE privacy_secret'),
  ('the store trigger called', 'SELECT viewstats_privacy_secret_store()')) v(what, q);
-- none of it changed the secret
SELECT s.secret = o.secret AS same_secret FROM privacy_secret s, saved_secret o;
DROP TABLE saved_secret;
SELECT perturbed_count(g) IS NOT NULL AS secret_restored FROM generate_series(1, 20) g;

-- the summary: every bad input fails with a class 22 or 42 SQLSTATE, or
-- 0A000 for a unit perturbed_count does not support, and none is an
-- internal error
SELECT count(*) AS error_paths,
       count(*) FILTER (WHERE result LIKE 'XX%') AS internal_errors,
       count(*) FILTER (WHERE result !~ '^(22|42|0A000)') AS other_outcomes
FROM (SELECT what, result FROM results UNION ALL SELECT what, result FROM wire_results) r
WHERE what NOT LIKE 'valid%';
