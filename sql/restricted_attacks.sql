-- Restricted mode, part 2: the attack suite.  Every attack of issue 12, and
-- others, as the restricted role regress_r_analyst (SELECT on r_views and
-- r_titles, nothing else).  Each is refused with SQLSTATE 42501 and names the
-- rule it breaks (DETAIL); the SQLSTATE is echoed after each statement.
-- None of the refusals depends on the rows: test/t/031_restricted.pl runs
-- this file again on an empty table and gets the same output.
\set SHOW_CONTEXT never
\c - regress_r_analyst
SELECT viewstats.access_level();

-- ---- personal values or exact aggregates in the output ----
SELECT * FROM r_views;
\echo :SQLSTATE
SELECT viewer_id FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT day FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT count(*) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT count(DISTINCT viewer_id) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT sum(title_id), min(day), max(day) FROM r_views;
\echo :SQLSTATE
SELECT array_agg(viewer_id) FROM r_views;
\echo :SQLSTATE
SELECT string_agg(day::text, ',') FROM r_views;
\echo :SQLSTATE
SELECT suppressed_count(viewer_id) FROM r_views;
\echo :SQLSTATE
SELECT dayset_agg(day) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT longest_streak(day) FROM r_views WHERE title_id = 1;
\echo :SQLSTATE
-- a count of a public column over joined rows is still a count of rows
SELECT t.name, count(t.name) FROM r_views v JOIN r_titles t USING (title_id) GROUP BY t.name;
\echo :SQLSTATE
-- group keys alone list the groups, whatever their size
SELECT day FROM r_views WHERE title_id = 301 GROUP BY day;
\echo :SQLSTATE
SELECT DISTINCT day FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
COPY (SELECT perturbed_count(viewer_id) FROM r_views) TO STDOUT;
\echo :SQLSTATE
COPY r_views TO STDOUT;
\echo :SQLSTATE
BEGIN;
DECLARE c CURSOR FOR SELECT perturbed_count(viewer_id) FROM r_views;
\echo :SQLSTATE
ROLLBACK;
WITH w AS (SELECT viewer_id FROM r_views) SELECT perturbed_count(viewer_id) FROM w;
\echo :SQLSTATE
-- window functions over personal rows, the running window of the issue
SELECT day, suppressed_count(viewer_id) OVER (ORDER BY day) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT day, perturbed_count(viewer_id) OVER (ORDER BY day) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
-- ORDER BY, LIMIT and OFFSET on per-unit rows
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id FROM r_views GROUP BY viewer_id ORDER BY viewer_id LIMIT 10) s;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id, day FROM r_views OFFSET 5) s;
\echo :SQLSTATE

-- ---- shapes that select people or multiply them ----
-- a self-join on day
SELECT perturbed_count(a.viewer_id) FROM r_views a JOIN r_views b ON a.day = b.day;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE title_id IN (SELECT title_id FROM r_views GROUP BY title_id HAVING count(*) < 20);
\echo :SQLSTATE
SELECT perturbed_count(v.viewer_id) FROM r_titles t, LATERAL (SELECT viewer_id FROM r_views w WHERE w.title_id = t.title_id) v;
\echo :SQLSTATE
WITH RECURSIVE r(d) AS (SELECT min(day) FROM r_views UNION ALL SELECT d + 1 FROM r WHERE d < '2017-12-31') SELECT count(*) FROM r;
\echo :SQLSTATE
SELECT title_id, day, perturbed_count(viewer_id) FROM r_views GROUP BY GROUPING SETS ((title_id), (day));
\echo :SQLSTATE
SELECT title_id, perturbed_count(viewer_id) FROM r_views GROUP BY ROLLUP (title_id);
\echo :SQLSTATE
SELECT DISTINCT ON (title_id) title_id, perturbed_count(viewer_id) FROM r_views GROUP BY title_id, day;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FILTER (WHERE day = '2017-12-01') FROM r_views;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views TABLESAMPLE BERNOULLI (50) REPEATABLE (7);
\echo :SQLSTATE
SELECT generate_series(1, max(day) - min(day)) FROM r_views;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id FROM r_views FOR SHARE) s;
\echo :SQLSTATE

-- ---- a safe count of anything but the unit column ----
-- the analyst decides what a unit is
SELECT perturbed_count(viewer_id * 10 + k) / 10.0 FROM r_views, generate_series(0, 9) k WHERE title_id = 301;
\echo :SQLSTATE
SELECT dp_count(viewer_id::bigint * 1000 + 7, 1) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
-- fresh noise for the same people
SELECT perturbed_count(viewer_id::text) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT perturbed_count(md5(viewer_id::text)) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id + 1) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT perturbed_count(day) FROM r_views;
\echo :SQLSTATE
SELECT perturbed_count(1) FROM r_views;
\echo :SQLSTATE
-- padding with made-up units
SELECT perturbed_count(u) FROM (SELECT viewer_id AS u FROM r_views WHERE title_id = 301
                                UNION ALL SELECT -i FROM generate_series(1, 6) i) s;
\echo :SQLSTATE
SELECT perturbed_count(u) FROM (SELECT viewer_id AS u FROM r_views WHERE title_id = 301
                                UNION ALL VALUES (-1), (-2), (-3), (-4), (-5), (-6)) s;
\echo :SQLSTATE
SELECT perturbed_count(x) FROM (VALUES (1), (2)) v(x);
\echo :SQLSTATE
SELECT dp_count(x, 1) FROM generate_series(1, 100) x;
\echo :SQLSTATE
SELECT k, dp_count(viewer_id, 1) FROM r_views CROSS JOIN generate_series(1, 100) k WHERE title_id = 301 GROUP BY k;
\echo :SQLSTATE

-- dp_count where a join could run it again (fresh noise each time), or in a sublink
SELECT * FROM generate_series(1, 100) g, (SELECT dp_count(viewer_id, 1) AS c FROM r_views WHERE title_id = 1) s;
\echo :SQLSTATE
SELECT (SELECT dp_count(viewer_id, 1) FROM r_views WHERE title_id = 1) AS c;
\echo :SQLSTATE

-- ---- the unit anywhere but a safe count's argument and a per-unit GROUP BY ----
SELECT perturbed_count(viewer_id) FROM r_views WHERE viewer_id = 1001;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE viewer_id IN (1001, 1002, 1003);
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views v JOIN r_titles t ON t.title_id = v.viewer_id;
\echo :SQLSTATE
SELECT title_id, perturbed_count(viewer_id) FROM r_views GROUP BY title_id ORDER BY min(viewer_id);
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id FROM r_views WHERE viewer_id % 2 = 0) s;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id, viewer_id AS copy FROM r_views) s WHERE copy > 5;
\echo :SQLSTATE

-- ---- personal data turned into errors, notices or side effects ----
-- the error oracle of the issue: a below-floor min_group_size errs only on rows
SELECT perturbed_count(viewer_id) FROM r_views WHERE title_id = 301 AND day = '2017-12-01' HAVING suppressed_count(viewer_id, 1) > 0;
\echo :SQLSTATE
SELECT dp_count(viewer_id, 5) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
SELECT dp_count(viewer_id, 'Infinity') FROM r_views;
\echo :SQLSTATE
SELECT dp_count(viewer_id, 0) FROM r_views;
\echo :SQLSTATE
SELECT dp_count(viewer_id, (SELECT 0.5::float8)) FROM r_views;
\echo :SQLSTATE
SELECT dp_count(viewer_id, title_id::float8) FROM r_views;
\echo :SQLSTATE
-- built-ins that are not leakproof, on personal values
SELECT perturbed_count(viewer_id) FROM r_views WHERE 1 / (day - date '2017-12-01') > 0;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE (day::text)::int > 0;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE title_id * 2147483647 > 0;
\echo :SQLSTATE
-- volatile functions carry values out
SELECT perturbed_count(viewer_id) FROM r_views WHERE CASE WHEN day = '2017-12-01' THEN pg_sleep(0) IS NULL ELSE true END;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE set_config('application_name', day::text, false) <> '';
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE pg_try_advisory_lock(title_id);
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE pg_notify('c', day::text) IS NULL;
\echo :SQLSTATE
-- the analyst's own functions and DO blocks
CREATE OR REPLACE FUNCTION r_mine.peek(d date) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN RAISE NOTICE 'day %', d; RETURN true; END $$;
SELECT perturbed_count(viewer_id) FROM r_views WHERE r_mine.peek(day);
\echo :SQLSTATE
CREATE OR REPLACE FUNCTION r_mine.cnt() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM r_views';
\echo :SQLSTATE
CREATE OR REPLACE FUNCTION r_mine.cnt2() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN RETURN (SELECT perturbed_count(viewer_id) FROM r_views); END $$;
SELECT r_mine.cnt2();
\echo :SQLSTATE
CREATE OR REPLACE FUNCTION r_mine.cnt3() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM r_views; END;
SELECT r_mine.cnt3();
\echo :SQLSTATE
DO $$ BEGIN PERFORM count(*) FROM r_views; END $$;
\echo :SQLSTATE
-- views the analyst creates over personal tables
CREATE OR REPLACE VIEW r_mine.mine AS SELECT viewer_id FROM r_views;
\echo :SQLSTATE
CREATE TABLE r_mine.mine AS SELECT perturbed_count(viewer_id) FROM r_views;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) INTO r_mine.mine2 FROM r_views;
\echo :SQLSTATE

-- ---- other channels ----
EXPLAIN ANALYZE SELECT perturbed_count(viewer_id) FROM r_views WHERE title_id = 301;
\echo :SQLSTATE
PREPARE pa AS SELECT perturbed_count(viewer_id) FROM r_views;
EXPLAIN ANALYZE EXECUTE pa;
\echo :SQLSTATE
DEALLOCATE pa;
-- plain EXPLAIN shows no row estimates (COSTS OFF is forced)
EXPLAIN SELECT perturbed_count(viewer_id) FROM r_views WHERE title_id = 301;
EXPLAIN (COSTS ON) SELECT perturbed_count(viewer_id) FROM r_views WHERE title_id = 301;
-- the table's statistics
SELECT count(*) AS pg_stats_rows FROM pg_stats WHERE tablename = 'r_views';
SELECT count(*) AS pg_stats_ext_rows FROM pg_stats_ext WHERE tablename = 'r_views';
SELECT count(*) FROM pg_statistic;
\echo :SQLSTATE
SELECT reltuples, relpages FROM pg_class WHERE relname = 'r_views';
\echo :SQLSTATE
SELECT * FROM pg_class WHERE relname = 'r_views';
\echo :SQLSTATE
SELECT c FROM pg_class c WHERE relname = 'r_views';
\echo :SQLSTATE
SELECT pg_stat_get_live_tuples('r_views'::regclass);
\echo :SQLSTATE
SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'r_views';
\echo :SQLSTATE
SELECT heap_blks_read FROM pg_statio_user_tables WHERE relname = 'r_views';
\echo :SQLSTATE
SELECT pg_relation_size('r_views'), pg_table_size('r_views');
\echo :SQLSTATE
SELECT pg_total_relation_size('r_views');
\echo :SQLSTATE
-- the catalog itself stays readable
SELECT relname, relkind FROM pg_class WHERE relname = 'r_views';

-- ---- lifting the restriction ----
SET viewstats.min_group_size = 1;
\echo :SQLSTATE
SET LOCAL viewstats.dp_max_epsilon = 100;
\echo :SQLSTATE
RESET viewstats.min_group_size;
\echo :SQLSTATE
SET viewstats.max_groups_contributed = 1000;
\echo :SQLSTATE
SELECT set_config('viewstats.min_group_size', '1', false);
\echo :SQLSTATE
SELECT set_config('role', 'postgres', false);
\echo :SQLSTATE
SET ROLE regress_r_direct;
\echo :SQLSTATE
SET SESSION AUTHORIZATION regress_r_direct;
\echo :SQLSTATE
LOAD 'viewstats';
\echo :SQLSTATE
DROP EXTENSION viewstats;
\echo :SQLSTATE
ALTER EXTENSION viewstats UPDATE;
\echo :SQLSTATE
SECURITY LABEL FOR viewstats ON ROLE regress_r_analyst IS NULL;
\echo :SQLSTATE
CREATE OR REPLACE FUNCTION r_mine.lift() RETURNS int LANGUAGE sql SET role = 'regress_r_direct' AS 'SELECT 1';
\echo :SQLSTATE
SET row_security = off;
SELECT perturbed_count(viewer_id) FROM r_views;
\echo :SQLSTATE
RESET row_security;

-- ---- the red-team review: SQL features the validator must know ----
-- whole rows and row constructors passed to functions, casts and operators
SELECT perturbed_count(viewer_id) FROM r_views v WHERE row_to_json(v)::text LIKE '%1001%';
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views v WHERE ROW(v.viewer_id, v.day)::text LIKE '%1001%';
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE (viewer_id, title_id) < (1002, 0);
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE (title_id, day) < (302, '2017-12-02');
\echo :SQLSTATE
-- the unit under IS DISTINCT FROM, COALESCE, NULLIF, GREATEST, a subscript,
-- a COLLATE, JSON and XML, an implicit cast to text
SELECT perturbed_count(viewer_id) FROM r_views WHERE viewer_id IS DISTINCT FROM 1001;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE COALESCE(viewer_id, 0) = 1001;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE NULLIF(viewer_id, 1001) IS NULL;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE GREATEST(viewer_id, 0) = 1001;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE (ARRAY[viewer_id])[1] = 1001;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE (viewer_id::text COLLATE "C") > '1000';
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE to_jsonb(viewer_id) = '1001';
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE xmlelement(name a, viewer_id)::text = '<a>1001</a>';
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views WHERE 'x' || viewer_id = 'x1001';
\echo :SQLSTATE
-- FILTER spelled as CASE inside the safe count; the unit in a per-unit HAVING
-- or an expression of it in a per-unit GROUP BY
SELECT perturbed_count(CASE WHEN viewer_id = 1001 THEN viewer_id END) FROM r_views;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id FROM r_views GROUP BY viewer_id HAVING min(viewer_id) = 1001) s;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id FROM r_views GROUP BY viewer_id, viewer_id / 1000) s;
\echo :SQLSTATE
-- ordered-set aggregates per unit, GROUPING
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id, percentile_disc(0.5) WITHIN GROUP (ORDER BY day) AS p
                                        FROM r_views GROUP BY viewer_id) s WHERE p = '2017-12-02';
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id, mode() WITHIN GROUP (ORDER BY title_id) AS m
                                        FROM r_views GROUP BY viewer_id) s WHERE m = 301;
\echo :SQLSTATE
SELECT title_id, GROUPING(title_id), perturbed_count(viewer_id) FROM r_views GROUP BY title_id;
\echo :SQLSTATE
-- error oracles on personal values: a failing domain check, a narrowing cast,
-- overflow and division by zero in a per-unit HAVING
CREATE DOMAIN r_mine.not_dec1 AS date CHECK (VALUE <> date '2017-12-01');
SELECT perturbed_count(viewer_id) FROM r_views WHERE title_id = 301 AND day::r_mine.not_dec1 IS NOT NULL;
\echo :SQLSTATE
DROP DOMAIN r_mine.not_dec1;
SELECT perturbed_count(viewer_id) FROM r_views WHERE (CASE WHEN day = '2017-12-01' THEN 100000 ELSE title_id END)::int2 > 0;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id FROM r_views GROUP BY viewer_id HAVING count(*) * 2147483647 > 0) s;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id FROM r_views GROUP BY viewer_id HAVING 1 / (count(*) - 3) > 0) s;
\echo :SQLSTATE
SELECT 1 / (n - 3), perturbed_count(viewer_id) FROM (SELECT viewer_id, count(*) AS n FROM r_views GROUP BY viewer_id) s GROUP BY n;
\echo :SQLSTATE
-- writing results into the analyst's own table, exactly or not
CREATE TABLE r_mine.dump (c bigint);
INSERT INTO r_mine.dump SELECT perturbed_count(viewer_id) FROM r_views WHERE title_id = 1;
\echo :SQLSTATE
MERGE INTO r_mine.dump d USING (SELECT viewer_id FROM r_views WHERE title_id = 301) s ON d.c = s.viewer_id
WHEN NOT MATCHED THEN INSERT VALUES (s.viewer_id);
\echo :SQLSTATE
UPDATE r_mine.dump SET c = v.viewer_id FROM r_views v WHERE v.title_id = 301;
\echo :SQLSTATE
SELECT count(*) AS rows_written FROM r_mine.dump;
DROP TABLE r_mine.dump;
SELECT query FROM pg_stat_activity;
\echo :SQLSTATE

-- ---- public parts that run on demand beside personal rows ----
-- A level over personal rows runs its public subqueries, views and tables
-- when, and as often as, its plan needs them: an empty outer side skips the
-- inner one, a nested loop rescans the inner side once per outer row, a
-- subquery expression in a CASE branch runs only when a row takes it.
-- Before this review each of the following told whether title 301 (4
-- viewers, a suppressed group) was watched on 2017-12-01: an error (or 4
-- notices, one per view) for that day, none for 2017-12-05.
CREATE TABLE r_mine.pub (k int, zero int, d date);
INSERT INTO r_mine.pub SELECT g, 0, date '2017-11-20' + g FROM generate_series(1, 40) g;
-- a scalar subquery that fails, in a CASE branch taken by personal rows only
SELECT perturbed_count(viewer_id) FROM r_views
WHERE CASE WHEN title_id = 301 AND day = '2017-12-01' THEN (SELECT max(1 / zero) FROM r_mine.pub) = 1 ELSE true END;
\echo :SQLSTATE
-- or that fails with "more than one row"
SELECT perturbed_count(viewer_id) FROM r_views
WHERE CASE WHEN title_id = 301 AND day = '2017-12-01' THEN title_id = (SELECT k FROM r_mine.pub) ELSE true END;
\echo :SQLSTATE
-- a public subquery in FROM that fails, joined with personal rows
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN (SELECT d, 1 / zero AS q FROM r_mine.pub) p ON p.d = v.day
WHERE v.title_id = 301 AND v.day = '2017-12-01' AND p.q = 1;
\echo :SQLSTATE
-- the same through a view of the analyst's
CREATE VIEW r_mine.pub_div AS SELECT d, 1 / zero AS q FROM r_mine.pub;
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_mine.pub_div p ON p.d = v.day
WHERE v.title_id = 301 AND v.day = '2017-12-01' AND p.q = 1;
\echo :SQLSTATE
-- a published count turned into an error inside a subquery expression
SELECT perturbed_count(viewer_id) FROM r_views
WHERE CASE WHEN title_id = 301 AND day = '2017-12-01'
           THEN title_id IN (SELECT 1 / (c - c) FROM (SELECT perturbed_count(viewer_id) AS c FROM r_views) s)
           ELSE true END;
\echo :SQLSTATE
-- a negative LIMIT fails when the subquery first runs
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN (SELECT d FROM r_mine.pub LIMIT -1) p ON p.d = v.day;
\echo :SQLSTATE
-- a row security policy of the analyst's own on a public table: it ran once
-- per scan of the table, and a nested loop scanned it once per personal row
CREATE FUNCTION r_mine.tick(int) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'tick'; RETURN true; END $$;
CREATE TABLE r_mine.one (k int);
INSERT INTO r_mine.one VALUES (1);
ALTER TABLE r_mine.one ENABLE ROW LEVEL SECURITY;
ALTER TABLE r_mine.one FORCE ROW LEVEL SECURITY;
CREATE POLICY tick ON r_mine.one USING (r_mine.tick(k));
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SET enable_material = off;
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_mine.one o ON true WHERE v.title_id = 301 AND v.day = '2017-12-01';
\echo :SQLSTATE
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET enable_material;
-- row locks taken by a public subquery: before this review the lock's xmax
-- on r_mine.pub's row for 2017-12-01 showed whether the join reached it
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN (SELECT d FROM r_mine.pub FOR UPDATE) p ON p.d = v.day
WHERE v.title_id = 301 AND v.day = '2017-12-01';
\echo :SQLSTATE
-- a sample percentage and a step checked only when the scan first runs
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_mine.pub p TABLESAMPLE SYSTEM (-1) ON p.d = v.day
WHERE v.title_id = 301 AND v.day = '2017-12-01';
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM r_views
WHERE CASE WHEN title_id = 301 AND day = '2017-12-01' THEN title_id IN (SELECT generate_series(1, 10, 0)) ELSE true END;
\echo :SQLSTATE
-- what stays allowed: leakproof subqueries on published results
SELECT count(*) >= 0 AS accepted FROM (SELECT t.name, perturbed_count(v.viewer_id) FROM r_views v
JOIN r_titles t ON t.title_id = v.title_id GROUP BY t.name
HAVING perturbed_count(v.viewer_id) > (SELECT min(title_id) FROM r_titles)) s;

-- ---- timing: what one personal row can add to the duration ----
-- Before this review the join below was accepted.  With 2,000,000 rows in
-- the public table for that day it took 1.9 s when the rare title was
-- watched that day and 1 ms when not (0.47 s a matching view), and SET
-- statement_timeout = '400ms' turned that into an error.  Now each public
-- FROM item of a level over personal rows must be joined on a unique key
-- of a table the analyst does not own, so a personal row meets at most one
-- of its rows; subquery expressions that rows reach are refused; and the
-- session's planner settings are not used for queries over personal tables.
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_mine.pub p ON p.d = v.day
WHERE v.title_id = 301 AND v.day = '2017-12-01';
\echo :SQLSTATE
\c - postgres
CREATE TABLE r_cal (d date PRIMARY KEY, week int NOT NULL, seq int NOT NULL, UNIQUE (week, seq));
INSERT INTO r_cal SELECT date '2017-11-01' + g, g / 7, g FROM generate_series(0, 60) g;
CREATE UNIQUE INDEX ON r_cal (seq) WHERE seq > 10;
CREATE UNIQUE INDEX ON r_cal ((seq * 2));
CREATE TABLE r_many (d date NOT NULL, n int NOT NULL);
INSERT INTO r_many SELECT date '2017-11-01' + g % 61, g FROM generate_series(0, 609) g;
CREATE VIEW r_cal_v AS SELECT d AS cal_day, week FROM r_cal;
CREATE VIEW r_cal_vv AS SELECT cal_day FROM r_cal_v;
-- a primary key of a parent does not hold across its inheritance children
CREATE TABLE r_par (d date PRIMARY KEY);
CREATE TABLE r_kid () INHERITS (r_par);
INSERT INTO r_par SELECT d FROM r_cal;
INSERT INTO r_kid SELECT d FROM r_cal;
GRANT SELECT ON r_cal, r_many, r_cal_v, r_cal_vv, r_par TO regress_r_analyst, regress_r_direct;
ANALYZE r_cal, r_many;
\c - regress_r_analyst
-- a public table of the DBA's on a column that is not unique (10 rows a day)
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_many m ON m.d = v.day WHERE v.title_id = 301;
\echo :SQLSTATE
-- a cross join, and a join on part of a key, or on keys of a partial or an
-- expression index only
SELECT perturbed_count(v.viewer_id) FROM r_views v CROSS JOIN r_cal c WHERE v.title_id = 301;
\echo :SQLSTATE
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_cal c ON c.week = 4 WHERE v.title_id = 301;
\echo :SQLSTATE
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_cal c ON c.seq = 20 WHERE v.title_id = 301;
\echo :SQLSTATE
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_cal c ON c.seq * 2 = 40 WHERE v.title_id = 301;
\echo :SQLSTATE
-- the key under OR, or compared with something of its own table
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_cal c ON c.d = v.day OR c.week = 1 WHERE v.title_id = 301;
\echo :SQLSTATE
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_cal c ON c.d = c.d + 0 WHERE v.title_id = 301;
\echo :SQLSTATE
-- a subquery whose own joins multiply a public table, de-duplicated: one
-- row a key, but reading it costs 61 x 61 x 61 rows when a row reaches it
SELECT perturbed_count(v.viewer_id) FROM r_views v
JOIN (SELECT DISTINCT a.d FROM r_cal a, r_cal b, r_cal c) x ON x.d = v.day WHERE v.title_id = 301;
\echo :SQLSTATE
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_par p ON p.d = v.day WHERE v.title_id = 301;
\echo :SQLSTATE
-- a public WITH query of an outer level, read beside personal rows: it runs
-- when a personal row first needs it (an error, or as long as it likes)
WITH c AS (SELECT 1 / zero AS q FROM r_mine.pub)
SELECT * FROM (SELECT perturbed_count(v.viewer_id) FROM r_views v, c
	WHERE v.title_id = 301 AND v.day = '2017-12-01' AND c.q = 1) s;
\echo :SQLSTATE
WITH c AS (SELECT DISTINCT a.d FROM r_cal a, r_cal b, r_cal c)
SELECT * FROM (SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN c ON c.d = v.day
	WHERE v.title_id = 301) s;
\echo :SQLSTATE
-- a table of the analyst's own, temporary or not, even on its primary key
-- (its size is the analyst's to choose)
CREATE TEMP TABLE r_tmp (d date PRIMARY KEY);
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_tmp t ON t.d = v.day WHERE v.title_id = 301;
\echo :SQLSTATE
CREATE TABLE r_mine.keyed (d date PRIMARY KEY);
SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_mine.keyed k ON k.d = v.day WHERE v.title_id = 301;
\echo :SQLSTATE
DROP TABLE r_tmp, r_mine.keyed;
-- a subquery expression where rows are filtered: it runs once, when the
-- first row needs it, however long it takes
SELECT perturbed_count(viewer_id) FROM r_views
WHERE CASE WHEN title_id = 301 AND day = '2017-12-01' THEN title_id IN (SELECT n FROM r_many) ELSE true END;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM (SELECT viewer_id FROM r_views GROUP BY viewer_id
HAVING count(*) > (SELECT min(n) FROM r_many)) s;
\echo :SQLSTATE
-- what stays allowed: joins on a whole unique key (through JOIN USING, a
-- view of the DBA's, a subquery's DISTINCT or GROUP BY, a one-row
-- aggregate); restricted_usability checks answers and plans
SELECT count(*) >= 0 AS accepted FROM (SELECT perturbed_count(v.viewer_id) FROM r_views v
JOIN (SELECT d FROM r_many GROUP BY d) m ON m.d = v.day
JOIN (SELECT DISTINCT d AS day FROM r_cal WHERE week = 4) c USING (day)
JOIN (SELECT max(d) AS last FROM r_cal) l ON l.last >= v.day
JOIN r_cal c2 ON (c2.week, c2.seq) = (1, 8)
JOIN (SELECT cal_day FROM (SELECT cal_day FROM r_cal_vv) x) c3 ON c3.cal_day = v.day
JOIN ONLY r_par p ON p.d = v.day WHERE v.title_id = 1) s;
\c - postgres
DROP VIEW r_cal_vv, r_cal_v;
DROP TABLE r_cal, r_many, r_kid, r_par;
\c - regress_r_analyst
SET client_min_messages = warning;
DROP TABLE r_mine.one, r_mine.pub CASCADE;
DROP FUNCTION r_mine.tick(int);
RESET client_min_messages;

-- ---- row counts through operators and SQL function bodies ----
-- Before this review each of these returned the personal table's live row
-- count or size: the channel check looked for function calls in the
-- analysed query only.
CREATE OPERATOR r_mine.### (RIGHTARG = oid, FUNCTION = pg_stat_get_live_tuples);
SELECT OPERATOR(r_mine.###) 'r_views'::regclass::oid;
\echo :SQLSTATE
CREATE OPERATOR r_mine.#%# (RIGHTARG = regclass, FUNCTION = pg_relation_size);
SELECT OPERATOR(r_mine.#%#) 'r_views'::regclass;
\echo :SQLSTATE
-- a BEGIN ATOMIC body is never analysed again: its queries are checked when planned
CREATE FUNCTION r_mine.live(oid) RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT pg_stat_get_live_tuples($1); END;
SELECT r_mine.live('r_views'::regclass);
\echo :SQLSTATE
-- a body not checked at creation, which the planner would have inlined
-- (inlining analyses it without the hook): SQL functions are not inlined
SET check_function_bodies = off;
CREATE FUNCTION r_mine.live2(oid) RETURNS bigint LANGUAGE sql AS 'SELECT pg_stat_get_live_tuples($1)';
RESET check_function_bodies;
SELECT r_mine.live2('r_views'::regclass);
\echo :SQLSTATE
-- SQL functions of the analyst's still work on public values
CREATE FUNCTION r_mine.twice(int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT $1 * 2';
SELECT r_mine.twice(21);
DROP FUNCTION r_mine.live(oid), r_mine.live2(oid), r_mine.twice(int);
DROP OPERATOR r_mine.### (NONE, oid);
DROP OPERATOR r_mine.#%# (NONE, regclass);

-- ---- a child of a personal table (made after the label) ----
\c - postgres
CREATE TABLE r_child () INHERITS (r_views);
INSERT INTO r_child VALUES (1001, 301, '2017-12-09');
GRANT SELECT ON r_child TO regress_r_analyst;
\c - regress_r_analyst
-- it held the personal row itself, readable as a public table
SELECT * FROM r_child;
\echo :SQLSTATE
SELECT perturbed_count(viewer_id) FROM ONLY r_child;
\echo :SQLSTATE
-- and through a BEGIN ATOMIC body, which the validator never sees: it has
-- no gate of its own, so the planner refuses it
CREATE FUNCTION r_mine.child_rows() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM r_child; END;
SELECT r_mine.child_rows();
\echo :SQLSTATE
DROP FUNCTION r_mine.child_rows();
\c - postgres
DROP TABLE r_child;
\c - regress_r_analyst
SELECT viewstats.access_level();
