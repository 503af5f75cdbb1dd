-- The aggregates' fast paths (see src/streak_agg.c): a state that keeps its
-- newest run in itself and older runs in an array, rows that skip the
-- call-context check, and local days from a cached UTC offset.  Each is
-- checked against a plain-SQL oracle on exactly the cases that cross from
-- one path to the other.
SET datestyle = 'ISO, YMD';
SET timezone = 'UTC';
SET max_parallel_workers_per_gather = 0;

-- Groups of 1 to 6 runs, days in ascending, descending and shuffled order,
-- duplicates: one run stays in the state, a second moves it to an array,
-- and an out-of-order day lands before, inside or after the newest run.
CREATE TABLE fp AS
SELECT g, d AS day
FROM generate_series(1, 600) g,
     LATERAL (SELECT date '2024-01-01' + r * 10 + k AS d
              FROM generate_series(0, g % 6) r, generate_series(0, (g / 6) % 4) k
              UNION ALL SELECT date '2024-01-01' + (g % 6) * 10) s
ORDER BY CASE g % 3 WHEN 0 THEN g * 100000 + (d - date '2024-01-01')
                    WHEN 1 THEN g * 100000 - (d - date '2024-01-01')
                    ELSE hashint4(g + (d - date '2024-01-01') * 1000) END;

-- oracle: runs by gaps-and-islands, in plain SQL
CREATE TABLE fp_oracle AS
SELECT g, count(*) AS runs, max(n) AS longest, sum(n) AS days,
       string_agg(CASE WHEN n = 1 THEN f::text ELSE f || '/' || l END, ',' ORDER BY f) AS txt
FROM (SELECT g, min(day) AS f, max(day) AS l, count(*) AS n
      FROM (SELECT g, day, day - (row_number() OVER (PARTITION BY g ORDER BY day))::int AS grp
            FROM (SELECT DISTINCT g, day FROM fp) d) s
      GROUP BY g, grp) i
GROUP BY g;

SELECT runs, count(*) AS groups,
       count(*) FILTER (WHERE a.ds::text = '{' || o.txt || '}') AS same_set,
       count(*) FILTER (WHERE a.ls = o.longest) AS same_longest,
       count(*) FILTER (WHERE a.n = o.days) AS same_days
FROM fp_oracle o
JOIN (SELECT g, dayset_agg(day) AS ds, longest_streak(day) AS ls, day_count(dayset_agg(day)) AS n
      FROM fp GROUP BY g) a USING (g)
GROUP BY runs ORDER BY runs;

-- the same through parallel partial states: serialized with 0, 1 and more
-- runs, deserialized, combined
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
ANALYZE fp;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE a.ds::text = '{' || o.txt || '}') AS same_set
FROM fp_oracle o
JOIN (SELECT g, dayset_agg(day) AS ds FROM fp GROUP BY g) a USING (g);
SELECT count(*) AS groups,
       count(*) FILTER (WHERE a.ds::text = '{' || o.txt || '}') AS same_set
FROM fp_oracle o
JOIN (SELECT g % 7 AS g7, g, dayset_agg(day) AS ds FROM fp GROUP BY g % 7, g) a USING (g);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SET max_parallel_workers_per_gather = 0;

-- Local days, row by row, against (ts AT TIME ZONE tz)::date: every zone
-- PostgreSQL knows, rows in time order within each zone (so the cached
-- offset is used until each transition), 2024 sampled every 25h 7m 11s,
-- and one group per row so a wrong day cannot hide in a set (the posix/
-- copies of the same zone files aside).  Hundreds of zones also overflow
-- the per-call cache many times over.  Names that are also abbreviations
-- (CET, EST, ... where tzdata still has such zones) are read as AT TIME
-- ZONE reads them, as the abbreviation.
CREATE TABLE tzrows AS
SELECT z.name AS tz, i, timestamptz '2024-01-01 00:00+00' + i * interval '25 hours 7 minutes 11 seconds' AS ts
FROM pg_timezone_names z, generate_series(0, 348) i
WHERE z.name NOT LIKE 'posix/%';
SELECT count(DISTINCT tz) > 300 AS many_zones,
       count(*) = count(DISTINCT tz) * 349 AS rows_per_zone FROM tzrows;
SET enable_hashagg = off;
SELECT count(*) = (SELECT count(*) FROM tzrows) AS all_rows,
       count(*) FILTER (WHERE first_day(ds) <> (ts AT TIME ZONE tz)::date) AS wrong_days
FROM (SELECT tz, i, min(ts) AS ts, dayset_agg(ts, tz) AS ds
      FROM tzrows GROUP BY tz, i) s;

-- Around transitions, every 5 minutes: New York (DST), Lord Howe (half-hour
-- DST), Apia (skipped 2011-12-30), Casablanca (DST suspended in Ramadan),
-- Troll (two-hour DST), Dublin (negative DST in the zone data).
CREATE TABLE tzfine AS
SELECT tz, i, t0 + i * interval '5 minutes' AS ts
FROM (VALUES ('America/New_York', timestamptz '2024-03-09 00:00+00'),
             ('America/New_York', '2024-11-02 00:00+00'),
             ('Australia/Lord_Howe', '2024-04-05 00:00+00'),
             ('Australia/Lord_Howe', '2024-10-05 00:00+00'),
             ('Pacific/Apia', '2011-12-28 00:00+00'),
             ('Africa/Casablanca', '2024-03-08 00:00+00'),
             ('Africa/Casablanca', '2024-04-12 00:00+00'),
             ('Antarctica/Troll', '2024-03-30 00:00+00'),
             ('Europe/Dublin', '2024-03-30 00:00+00'),
             ('Europe/Dublin', '2024-10-26 00:00+00')) z(tz, t0),
     generate_series(0, 4 * 24 * 12) i;
SELECT count(*) = (SELECT count(*) FROM tzfine) AS all_rows,
       count(*) FILTER (WHERE first_day(ds) <> (ts AT TIME ZONE tz)::date) AS wrong_days
FROM (SELECT tz, ts, dayset_agg(ts, tz) AS ds FROM tzfine GROUP BY tz, ts) s;

-- A zone with leap seconds keeps the full conversion: 27 seconds after UTC
-- midnight it is still the previous day in right/UTC.  Such zones come with
-- tzdata-legacy from Debian 13 on, so where right/UTC is missing there is
-- nothing of this kind to check, and the count is 0 either way.
CREATE FUNCTION pg_temp.leap_second_mismatches() RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
	PERFORM now() AT TIME ZONE 'right/UTC';
	-- the days must agree, and three of the four must still be 2024-01-01
	RETURN (SELECT count(*) FILTER (WHERE first_day(ours) <> oracle)
	        + abs(count(*) FILTER (WHERE oracle = date '2024-01-01') - 3)
	        FROM (SELECT ts, dayset_agg(ts, 'right/UTC') AS ours,
	                     (ts AT TIME ZONE 'right/UTC')::date AS oracle
	              FROM (VALUES (timestamptz '2024-01-01 23:59:00+00'), ('2024-01-02 00:00:10+00'),
	                           ('2024-01-02 00:00:26+00'), ('2024-01-02 00:00:28+00')) t(ts)
	              GROUP BY ts) s);
EXCEPTION WHEN invalid_parameter_value THEN
	RETURN 0;				-- no right/UTC here
END $$;
SELECT pg_temp.leap_second_mismatches() AS leap_second_mismatches;
RESET enable_hashagg;

-- Rows out of time order (late arrivals) renew the span backwards.
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE first_day(ds) <> (ts AT TIME ZONE tz)::date) AS wrong_days
FROM (SELECT tz, ts, dayset_agg(ts, tz) AS ds
      FROM (SELECT * FROM tzfine ORDER BY hashint4(i)) r GROUP BY tz, ts) s;
