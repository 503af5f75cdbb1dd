-- streak aggregates: dayset_agg, longest_streak, current_streak
SET datestyle = 'ISO, YMD';

CREATE TABLE views (viewer int, title text, day date);
-- viewer 1: 2017-12-01..2017-12-18 every day, given out of order with
-- duplicates and NULLs; viewer 2: gaps of 1 and 2 days; viewer 3: only NULLs
INSERT INTO views
SELECT 1, 'A Christmas Prince', date '2017-12-18' - i FROM generate_series(0, 17) i
UNION ALL SELECT 1, 'A Christmas Prince', date '2017-12-05' FROM generate_series(1, 3)
UNION ALL SELECT 1, 'A Christmas Prince', NULL
UNION ALL SELECT 2, 'Bee Movie', d::date FROM unnest(ARRAY['2017-12-01','2017-12-02','2017-12-04',
        '2017-12-05','2017-12-06','2017-12-09','2017-12-10']) d
UNION ALL SELECT 3, 'Bee Movie', NULL FROM generate_series(1, 2);

SELECT viewer, dayset_agg(day), longest_streak(day),
       longest_streak(day, 1) AS gap1, longest_streak(day, 2) AS gap2,
       current_streak(day, date '2017-12-19') AS cur_19,
       current_streak(day, date '2017-12-11', 2) AS cur_11_gap2
FROM views GROUP BY viewer ORDER BY viewer;

-- no rows gives NULL, for every aggregate
SELECT dayset_agg(day), longest_streak(day), current_streak(day, date '2017-12-01')
FROM views WHERE false;

-- order independence: ascending, descending and shuffled input agree
SELECT (SELECT dayset_agg(day ORDER BY day) FROM views) =
       (SELECT dayset_agg(day ORDER BY day DESC) FROM views) AS asc_eq_desc,
       (SELECT dayset_agg(day ORDER BY md5(day::text)) FROM views) =
       (SELECT dayset_agg(day) FROM views) AS shuffled_eq;

-- many out-of-order days (exercises the pending buffer and its compaction)
SELECT day_count(ds), streak_count(ds), longest_streak(ds)
FROM (SELECT dayset_agg(date '2000-01-01' + (i * 7919) % 10000) AS ds
      FROM generate_series(1, 20000) i WHERE (i * 7919) % 10000 % 10 <> 3) s;

-- direct aggregates and the accessors on dayset_agg, against a plain-SQL
-- oracle: islands of consecutive days (day - row_number is constant on
-- one), chained while the days missed between two islands are at most
-- max_gap; a streak's length counts its days.  current_streak on as_of
-- takes the days up to as_of and the last chain if it ended on as_of or
-- within max_gap + 1 days before.
CREATE FUNCTION pg_temp.chains(max_gap int, as_of date DEFAULT 'infinity')
RETURNS TABLE (viewer int, chain bigint, days bigint, last_day date) LANGUAGE sql AS $$
  WITH islands AS (
    SELECT viewer, min(day) AS f, max(day) AS l, count(*) AS n
    FROM (SELECT viewer, day, day - (row_number() OVER (PARTITION BY viewer ORDER BY day))::int AS grp
          FROM (SELECT DISTINCT viewer, day FROM views WHERE day <= as_of) d) s
    GROUP BY viewer, grp)
  SELECT viewer, chain, sum(n), max(l)
  FROM (SELECT viewer, n, l, count(*) FILTER (WHERE (f - prev_l - 1 <= max_gap) IS NOT TRUE)
                                 OVER (PARTITION BY viewer ORDER BY f) AS chain
        FROM (SELECT *, lag(l) OVER (PARTITION BY viewer ORDER BY f) AS prev_l FROM islands) i) c
  GROUP BY viewer, chain
$$;
SELECT viewer, o.longest, o.longest_gap2, o.current_1207,
       longest_streak(day) = o.longest AND longest_streak(dayset_agg(day)) = o.longest AS longest_ok,
       longest_streak(day, 2) = o.longest_gap2 AND longest_streak(dayset_agg(day), 2) = o.longest_gap2 AS longest_gap_ok,
       current_streak(day, date '2017-12-07') = o.current_1207
         AND current_streak(dayset_agg(day), date '2017-12-07') = o.current_1207 AS current_ok
FROM views
JOIN (SELECT viewer,
             (SELECT max(days) FROM pg_temp.chains(0) c WHERE c.viewer = v.viewer) AS longest,
             (SELECT max(days) FROM pg_temp.chains(2) c WHERE c.viewer = v.viewer) AS longest_gap2,
             coalesce((SELECT CASE WHEN date '2017-12-07' - last_day <= 1 THEN days ELSE 0 END
                       FROM pg_temp.chains(0, '2017-12-07') c WHERE c.viewer = v.viewer
                       ORDER BY chain DESC LIMIT 1), 0) AS current_1207
      FROM (VALUES (1), (2)) v(viewer)) o USING (viewer)
GROUP BY viewer, o.longest, o.longest_gap2, o.current_1207 ORDER BY viewer;

-- timestamptz on a local calendar; see timezones.sql for DST and the date line
SELECT dayset_agg(ts, 'UTC') AS utc, dayset_agg(ts, 'Asia/Tokyo') AS tokyo,
       longest_streak(ts, 'Asia/Tokyo') AS tokyo_streak,
       longest_streak(ts, 'America/Los_Angeles', 1) AS la_streak_gap1
FROM (VALUES (timestamptz '2017-12-01 20:00+00'), ('2017-12-02 10:00+00'),
             ('2017-12-03 16:00+00')) t(ts);

-- rollup: monthly stored daysets merged with dayset_agg(dayset)
CREATE TABLE monthly AS
SELECT viewer, date_trunc('month', day)::date AS month, dayset_agg(day) AS days
FROM (SELECT 1 AS viewer, date '2017-11-20' + i AS day FROM generate_series(0, 40) i
      UNION ALL SELECT 2, date '2017-10-31' + 2 * i FROM generate_series(0, 40) i) s
GROUP BY 1, 2;
SELECT viewer, count(*) AS months, dayset_agg(days) AS merged, longest_streak(dayset_agg(days))
FROM monthly GROUP BY viewer ORDER BY viewer;
-- overlapping and empty inputs are fine; NULLs are ignored
SELECT dayset_agg(ds) FROM (VALUES ('{2017-12-01/2017-12-10}'::dayset), ('{2017-12-05/2017-12-12}'),
                                   ('{}'), (NULL)) t(ds);
SELECT dayset_agg(ds) FROM (VALUES ('{}'::dayset), (NULL)) t(ds);

-- aggregates work as window aggregates too (moving frame)
SELECT day, longest_streak(day) OVER (ORDER BY day ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS last3
FROM (VALUES (date '2017-12-01'), ('2017-12-02'), ('2017-12-04'), ('2017-12-05'), ('2017-12-06')) t(day)
ORDER BY day;

-- A running window finalizes the state after every row and goes on adding
-- days to it, and aggregates over the same input share one state: the
-- final functions (declared READ_ONLY) must leave it as it was.  The days
-- come out of order, so the state holds days not merged yet.  Oracle: the
-- runs of the days seen so far, by gaps and islands in plain SQL.
CREATE TABLE running AS
SELECT k, date '2017-12-01' + (k * 37 % 23) AS day FROM generate_series(1, 60) k;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE w.ds::text = o.txt AND w.longest = o.longest
                        AND w.current = o.current) AS matching
FROM (SELECT k, dayset_agg(day) OVER w AS ds, longest_streak(day) OVER w AS longest,
             current_streak(day, date '2017-12-23') OVER w AS current
      FROM running WINDOW w AS (ORDER BY k)) w
JOIN LATERAL (
    SELECT '{' || string_agg(CASE WHEN f = l THEN f::text ELSE f || '/' || l END, ',' ORDER BY f) || '}' AS txt,
           max(l - f + 1) AS longest,
           coalesce(max(l - f + 1) FILTER (WHERE l >= date '2017-12-22'), 0) AS current
    FROM (SELECT min(day) AS f, max(day) AS l
          FROM (SELECT day, day - (row_number() OVER (ORDER BY day))::int AS island
                FROM (SELECT DISTINCT day FROM running r WHERE r.k <= w.k) d) i
          GROUP BY island) runs) o ON true;

-- the same max_gap / as_of must be used on every row of a group
SELECT longest_streak(day, CASE WHEN day < '2017-12-10' THEN 0 ELSE 1 END) FROM views;
SELECT current_streak(day, day) FROM views WHERE viewer = 2;
