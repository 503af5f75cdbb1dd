-- Privacy-safe counts, part 1: the DBA's threshold (viewstats.min_group_size),
-- suppress(n) and suppressed_count(unit).  Oracles are plain SQL
-- (count(DISTINCT ...), CASE).  This file also creates what the other
-- privacy_* files share: the schema regress_privacy with the error catcher
-- try(), and the unprivileged role regress_analyst (dropped by
-- privacy_roles, the last of them).

CREATE SCHEMA regress_privacy;
-- 'ok', or the SQLSTATE and message of the error q raises
CREATE FUNCTION regress_privacy.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE ROLE regress_analyst LOGIN;
GRANT USAGE ON SCHEMA regress_privacy TO regress_analyst;

-- ---- suppress(n [, min_group_size]) ----
-- below the threshold (default 10) NULL, including 0; NULL stays NULL
SELECT n, suppress(n) AS suppressed, CASE WHEN n >= 10 THEN n END AS oracle
FROM (VALUES (0), (1), (9), (10), (11), (1000000000000), (NULL)) v(n);
-- an argument may raise the threshold for one call
SELECT suppress(10, 11) AS below_raised, suppress(11, 11) AS at_raised,
       suppress(12, 10) AS at_default;
-- ... but never lower it, nor be invalid
SELECT q, regress_privacy.try(q) FROM (VALUES
  ('SELECT suppress(5, 9)'),
  ('SELECT suppress(5, 1)'),
  ('SELECT suppress(5, 0)'),
  ('SELECT suppress(5, -3)'),
  ('SELECT suppress(5, NULL)'),
  ('SELECT suppress(-1)'),
  ('SELECT suppress(NULL, 0)')) v(q);
-- the error in full: 42501 with a hint
SELECT suppress(5, 1);

-- the settings (defined once the library is loaded), their defaults, and
-- that only a superuser may set them (context superuser = PGC_SUSET)
SELECT name, setting, context, vartype, min_val, max_val
FROM pg_settings WHERE name LIKE 'viewstats.%' ORDER BY name;

-- a superuser may change the setting itself
SET viewstats.min_group_size = 3;
SELECT suppress(2) AS two, suppress(3) AS three, suppress(5, 4) AS raised;
RESET viewstats.min_group_size;

-- ---- suppressed_count(unit [, min_group_size]) ----
-- a seeded table: 40 groups with 0 to 39 distinct viewers, each viewer on
-- up to three rows, and NULL viewers mixed in
SELECT setseed(0.31);
CREATE TABLE regress_privacy.views AS
SELECT g, CASE WHEN random() < 0.1 THEN NULL ELSE v END AS viewer
FROM generate_series(0, 39) g, generate_series(1, g) v,
     generate_series(1, 1 + (random() * 2)::int) dup;
INSERT INTO regress_privacy.views SELECT 40, NULL;  -- a group of NULLs only
ANALYZE regress_privacy.views;

-- distinct units, NULL ignored, below 10 NULL: every group against the oracle
SELECT count(*) AS groups,
       count(*) FILTER (WHERE s IS NOT DISTINCT FROM oracle) AS agree,
       count(*) FILTER (WHERE s IS NULL) AS suppressed,
       min(s) AS smallest_published
FROM (SELECT g, suppressed_count(viewer) AS s,
             CASE WHEN count(DISTINCT viewer) >= 10 THEN count(DISTINCT viewer) END AS oracle
      FROM regress_privacy.views GROUP BY g) r;
-- a raised threshold
SELECT count(*) FILTER (WHERE s IS NOT DISTINCT FROM oracle) AS agree, min(s) AS smallest_published
FROM (SELECT g, suppressed_count(viewer, 25) AS s,
             CASE WHEN count(DISTINCT viewer) >= 25 THEN count(DISTINCT viewer) END AS oracle
      FROM regress_privacy.views GROUP BY g) r;
-- no rows, only NULLs, one viewer many times
SELECT (SELECT suppressed_count(viewer) FROM regress_privacy.views WHERE false) AS no_rows,
       (SELECT suppressed_count(viewer) FROM regress_privacy.views WHERE g = 40) AS only_nulls,
       (SELECT suppressed_count(1) FROM generate_series(1, 100)) AS one_viewer;

-- any hashable unit type; equal values are one unit (oracle: DISTINCT)
SET viewstats.min_group_size = 1;
CREATE TYPE regress_privacy.pair AS (a int, b int);
SELECT suppressed_count(x::text) AS text_units, suppressed_count(x::bigint) AS bigint_units,
       suppressed_count(x::numeric / 2) AS numeric_units,
       suppressed_count((x % 3, x % 2)::regress_privacy.pair) AS composite_units,
       count(DISTINCT (x % 3, x % 2)::regress_privacy.pair) AS composite_oracle,
       suppressed_count(ARRAY[x % 4]) AS array_units,
       count(DISTINCT ARRAY[x % 4]) AS array_oracle
FROM generate_series(1, 12) x;
-- a case-insensitive collation: 'a' and 'A' are one unit, as for DISTINCT
CREATE COLLATION regress_privacy.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
SELECT suppressed_count(x COLLATE regress_privacy.ci) AS units,
       count(DISTINCT x COLLATE regress_privacy.ci) AS oracle,
       suppressed_count(x COLLATE "C") AS units_c
FROM (VALUES ('a'), ('A'), ('b'), ('B'), ('c')) v(x);
-- a value and its hash: 0 is a unit like any other (the set keeps it aside)
SELECT suppressed_count(x) FROM (VALUES (0), (0), (1), (NULL)) v(x);
RESET viewstats.min_group_size;

-- parameters must be valid and the same on every row of a group
SELECT q, regress_privacy.try(q) FROM (VALUES
  ('SELECT suppressed_count(viewer, 5) FROM regress_privacy.views'),
  ('SELECT suppressed_count(viewer, 0) FROM regress_privacy.views'),
  ('SELECT suppressed_count(viewer, NULL) FROM regress_privacy.views'),
  ('SELECT suppressed_count(viewer, 10 + g % 2) FROM regress_privacy.views'),
  ('SELECT suppressed_count(p) FROM (VALUES (point(1, 2))) v(p)'),
  ('SELECT suppressed_count(j) FROM (VALUES (''{}''::json)) v(j)'),
  ('SELECT suppressed_count(ROW(1, 2))'),
  ('SELECT suppressed_count(p) FROM (VALUES (NULL::point)) v(p)')) v(q);
SELECT suppressed_count(p) FROM (VALUES (point(1, 2))) v(p);
