-- Error oracles: whether a safe count fails must depend on the query, never
-- on the rows.  Up to 0.2.0 a min_group_size below the DBA's floor raised
-- 42501 only when the group had rows, and dp_count's epsilon above the cap
-- likewise, so one query per day gave a viewer's viewing calendar.  Each
-- attack below runs as an unprivileged analyst, on groups with and without
-- rows; the outcomes must be the same.

CREATE SCHEMA regress_oracle;
CREATE FUNCTION regress_oracle.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text;
BEGIN
	EXECUTE q INTO r;
	RETURN coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE ROLE regress_oracle_analyst;
GRANT USAGE ON SCHEMA regress_oracle TO regress_oracle_analyst;

-- The target, viewer 77777, watched title 301 on some days of 2017; 50
-- others watched title 302 on one day.  The analyst cannot read the table:
-- the DBA gives counts through functions, with the threshold or epsilon as
-- an argument (which may only be raised, or lowered, within the DBA's caps).
SELECT setseed(0.12);
CREATE TABLE regress_oracle.views AS
SELECT 77777 AS viewer_id, 301 AS title_id, d::date AS day
FROM generate_series(date '2017-01-01', date '2017-12-31', interval '1 day') d
WHERE random() < 0.15
UNION ALL
SELECT v, 302, date '2017-06-01' FROM generate_series(1, 50) v;
CREATE FUNCTION regress_oracle.viewers(p_title int, p_day date, p_min int) RETURNS bigint
	LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
	SELECT suppressed_count(viewer_id, p_min) FROM regress_oracle.views
	WHERE title_id = p_title AND day = p_day $$;
CREATE FUNCTION regress_oracle.dp_viewers(p_title int, p_day date, p_epsilon float8) RETURNS bigint
	LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
	SELECT dp_count(viewer_id, p_epsilon) FROM regress_oracle.views
	WHERE title_id = p_title AND day = p_day $$;
GRANT EXECUTE ON FUNCTION regress_oracle.viewers(int, date, int),
	regress_oracle.dp_viewers(int, date, float8) TO regress_oracle_analyst;
SELECT count(*) AS days_watched FROM regress_oracle.views WHERE viewer_id = 77777;

-- ---- the calendar attack: 365 queries, "an error means a viewing" ----
SET ROLE regress_oracle_analyst;
CREATE TEMP TABLE guesses AS
SELECT d::date AS day,
       regress_oracle.try(format('SELECT regress_oracle.viewers(301, %L, 5)', d::date)) AS by_min,
       regress_oracle.try(format('SELECT regress_oracle.dp_viewers(301, %L, 5)', d::date)) AS by_epsilon
FROM generate_series(date '2017-01-01', date '2017-12-31', interval '1 day') d;
RESET ROLE;
-- what the attacker learned, against the truth: each outcome, and on how
-- many watched and unwatched days it came
SELECT 'min_group_size 5' AS attack, g.by_min AS outcome,
       count(*) FILTER (WHERE v.day IS NOT NULL) AS watched_days,
       count(*) FILTER (WHERE v.day IS NULL) AS other_days
FROM guesses g LEFT JOIN regress_oracle.views v ON v.day = g.day AND v.viewer_id = 77777
GROUP BY g.by_min
UNION ALL
SELECT 'epsilon 5', g.by_epsilon,
       count(*) FILTER (WHERE v.day IS NOT NULL), count(*) FILTER (WHERE v.day IS NULL)
FROM guesses g LEFT JOIN regress_oracle.views v ON v.day = g.day AND v.viewer_id = 77777
GROUP BY g.by_epsilon
ORDER BY 1, 2;

-- ---- every shape, with rows and without ----
-- {n} is replaced by 3 (rows) and 0 (no rows); the outcomes must agree
SET ROLE regress_oracle_analyst;
CREATE TEMP TABLE shapes (label text, q text);
INSERT INTO shapes VALUES
  ('below the floor', 'SELECT suppressed_count(x, 5) FROM generate_series(1, {n}) x'),
  ('zero', 'SELECT suppressed_count(x, 0) FROM generate_series(1, {n}) x'),
  ('NULL', 'SELECT suppressed_count(x, NULL) FROM generate_series(1, {n}) x'),
  ('valid', 'SELECT suppressed_count(x, 20) FROM generate_series(1, {n}) x'),
  ('FILTER', 'SELECT suppressed_count(x, 5) FILTER (WHERE x <= {n}) FROM generate_series(1, 3) x'),
  ('GROUP BY with FILTER', 'SELECT max(c) FROM (SELECT suppressed_count(x, 5) FILTER (WHERE x <= {n}) AS c FROM generate_series(1, 3) x GROUP BY x % 2) s'),
  ('HAVING', 'SELECT max(c) FROM (SELECT x % 2, suppressed_count(x, 5) AS c FROM generate_series(1, 3) x GROUP BY x % 2 HAVING count(*) > {n}) s'),
  ('empty window frame', 'SELECT max(c) FROM (SELECT suppressed_count(x, 5) OVER (ORDER BY x RANGE BETWEEN {n} PRECEDING AND {n} PRECEDING) AS c FROM generate_series(1, 3) x) s'),
  ('row-dependent', 'SELECT suppressed_count(x, CASE WHEN x = 2 THEN 5 ELSE 20 END) FROM generate_series(1, {n}) x'),
  ('row-dependent NULL', 'SELECT suppressed_count(x, CASE WHEN x = 2 THEN NULL ELSE 20 END) FROM generate_series(1, {n}) x'),
  ('subquery', 'SELECT suppressed_count(x, (SELECT 5)) FROM generate_series(1, {n}) x'),
  ('volatile', 'SELECT suppressed_count(x, 20 + (random() * 0)::int) FROM generate_series(1, {n}) x'),
  ('dp above the cap', 'SELECT dp_count(x, 5) FROM generate_series(1, {n}) x'),
  ('dp delta above the cap', 'SELECT dp_count(x, 0.5, 0.1) FROM generate_series(1, {n}) x'),
  ('dp Infinity', 'SELECT dp_count(x, ''Infinity'') FROM generate_series(1, {n}) x'),
  ('dp NULL', 'SELECT dp_count(x, NULL) FROM generate_series(1, {n}) x'),
  ('dp valid', 'SELECT dp_count(x, 0.5, 1e-12) FROM generate_series(1, {n}) x'),
  ('dp FILTER', 'SELECT dp_count(x, 5) FILTER (WHERE x <= {n}) FROM generate_series(1, 3) x'),
  ('dp row-dependent', 'SELECT dp_count(x, CASE WHEN x = 2 THEN 5 ELSE 0.5 END) FROM generate_series(1, {n}) x'),
  ('ORDER BY in the call', 'SELECT suppressed_count(x, 5 ORDER BY -x) FROM generate_series(1, {n}) x'),
  ('dp ORDER BY in the call', 'SELECT dp_count(x, 0.5, 1e-12 ORDER BY -x) FROM generate_series(1, {n}) x'),
  ('DISTINCT', 'SELECT suppressed_count(DISTINCT x, 5) FROM generate_series(1, {n}) x'),
  ('dp empty window frame', 'SELECT max(c) FROM (SELECT dp_count(x, 0.5) OVER (ORDER BY x RANGE BETWEEN {n} PRECEDING AND {n} PRECEDING) AS c FROM generate_series(1, 3) x) s');
SELECT label, with_rows, with_rows = without_rows AS same_without_rows
FROM (SELECT label, regress_oracle.try(replace(q, '{n}', '3')) AS with_rows,
             regress_oracle.try(replace(q, '{n}', '0')) AS without_rows
      FROM shapes) s
ORDER BY label;
DROP TABLE shapes, guesses;
RESET ROLE;

-- ---- prepared statements: parameters are constants of the statement ----
SET plan_cache_mode = force_generic_plan;
PREPARE count_above(int, int) AS
	SELECT suppressed_count(x, $1) FROM generate_series(1, 3) x WHERE x > $2;
EXECUTE count_above(5, 0);
EXECUTE count_above(5, 3);
EXECUTE count_above(20, 0);
PREPARE dp_above(numeric, int) AS
	SELECT dp_count(x, $1) FROM generate_series(1, 3) x WHERE x > $2;
EXECUTE dp_above(5, 0);
EXECUTE dp_above(5, 3);
EXECUTE dp_above(0.5, 3);
DEALLOCATE ALL;
RESET plan_cache_mode;

-- ---- parallel plans: the finalize step of a group that saw no row ----
CREATE TABLE regress_oracle.big AS SELECT g AS viewer_id FROM generate_series(1, 100000) g;
ANALYZE regress_oracle.big;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
-- viewer_id % 100000 = -1 matches no row, = 0 one; both are planned alike
EXPLAIN (COSTS OFF) SELECT suppressed_count(viewer_id, 5) FROM regress_oracle.big WHERE viewer_id % 100000 = -1;
EXPLAIN (COSTS OFF) SELECT suppressed_count(viewer_id, 5) FILTER (WHERE viewer_id < 0)
FROM regress_oracle.big GROUP BY viewer_id % 2;
SELECT label, regress_oracle.try(q) FROM (VALUES
  ('rows', 'SELECT suppressed_count(viewer_id, 5) FROM regress_oracle.big WHERE viewer_id % 100000 = 0'),
  ('no rows', 'SELECT suppressed_count(viewer_id, 5) FROM regress_oracle.big WHERE viewer_id % 100000 = -1'),
  ('GROUP BY, FILTER rows', 'SELECT max(c) FROM (SELECT suppressed_count(viewer_id, 5) FILTER (WHERE viewer_id < 3) AS c FROM regress_oracle.big GROUP BY viewer_id % 2) s'),
  ('GROUP BY, FILTER no rows', 'SELECT max(c) FROM (SELECT suppressed_count(viewer_id, 5) FILTER (WHERE viewer_id < 0) AS c FROM regress_oracle.big GROUP BY viewer_id % 2) s'),
  ('dp rows', 'SELECT dp_count(viewer_id, 5) FROM regress_oracle.big WHERE viewer_id % 100000 = 0'),
  ('dp no rows', 'SELECT dp_count(viewer_id, 5) FROM regress_oracle.big WHERE viewer_id % 100000 = -1'),
  ('valid, no rows', 'SELECT suppressed_count(viewer_id, 20) FROM regress_oracle.big WHERE viewer_id % 100000 = -1'),
  ('valid, rows', 'SELECT suppressed_count(viewer_id, 20) FROM regress_oracle.big WHERE viewer_id % 2000 = 0')) v(label, q)
ORDER BY label;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- ---- the README's REVOKE takes every overload ----
-- (0.2.0's README revoked suppressed_count(anyelement) alone, and the
-- analyst got the exact count from suppressed_count(anyelement, int))
REVOKE EXECUTE ON FUNCTION suppressed_count(anyelement), suppressed_count(anyelement, int),
                           dp_count(anyelement, float8), dp_count(anyelement, float8, float8)
    FROM PUBLIC;
SET ROLE regress_oracle_analyst;
SELECT q, regress_oracle.try(q) FROM (VALUES
  ('SELECT suppressed_count(x) FROM generate_series(1, 30) x'),
  ('SELECT suppressed_count(x, 10) FROM generate_series(1, 30) x'),
  ('SELECT suppressed_count(x, 20) FROM generate_series(1, 30) x'),
  ('SELECT dp_count(x, 0.5) FROM generate_series(1, 30) x'),
  ('SELECT dp_count(x, 0.5, 1e-6) FROM generate_series(1, 30) x'),
  ('SELECT perturbed_count(x) > 0 FROM generate_series(1, 30) x')) v(q);
RESET ROLE;
GRANT EXECUTE ON FUNCTION suppressed_count(anyelement), suppressed_count(anyelement, int),
                          dp_count(anyelement, float8), dp_count(anyelement, float8, float8)
    TO PUBLIC;

DROP SCHEMA regress_oracle CASCADE;
DROP ROLE regress_oracle_analyst;
