-- Differential test: every aggregate, accessor and window function against a
-- plain-SQL gaps-and-islands oracle, on a seeded random viewing log with
-- binges, gaps, duplicate views on one day, NULLs and shuffled row order.
SET datestyle = 'ISO, YMD';
SET max_parallel_workers_per_gather = 0;

SELECT setseed(0.2017);
CREATE TABLE dlog AS
SELECT viewer, title, day
FROM (SELECT v AS viewer, t AS title,
             date '2017-10-01' + (random() * 90)::int AS start,
             1 + (random() * 40)::int AS len,
             random() AS density
      FROM generate_series(1, 250) v, generate_series(1, 4) t) g,
     LATERAL (SELECT g.start + i AS day FROM generate_series(0, g.len) i
              WHERE random() < g.density
              UNION ALL SELECT g.start + (random() * g.len)::int  -- duplicate views
              UNION ALL SELECT NULL::date WHERE random() < 0.05) d
ORDER BY random();
SELECT count(*) > 10000 AS enough_rows, count(DISTINCT (viewer, title)) AS groups FROM dlog;

-- The oracle: islands of consecutive days, then chains of islands whose gaps
-- are at most :gap.  It is plain SQL with no viewstats function.
CREATE FUNCTION pg_temp.oracle_chains(gap int)
RETURNS TABLE (viewer int, title int, chain bigint, first_day date, last_day date, days bigint)
LANGUAGE sql AS $$
  WITH d AS (SELECT DISTINCT viewer, title, day FROM dlog WHERE day IS NOT NULL),
  islands AS (
    SELECT viewer, title, min(day) AS f, max(day) AS l, count(*) AS n
    FROM (SELECT viewer, title, day,
                 day - (row_number() OVER (PARTITION BY viewer, title ORDER BY day))::int AS grp
          FROM d) s
    GROUP BY viewer, title, grp),
  marked AS (
    SELECT *, sum(CASE WHEN f - prev_l - 1 <= gap THEN 0 ELSE 1 END)
                OVER (PARTITION BY viewer, title ORDER BY f) AS chain
    FROM (SELECT *, lag(l) OVER (PARTITION BY viewer, title ORDER BY f) AS prev_l
          FROM islands) i)
  SELECT viewer, title, chain, min(f), max(l), sum(n) FROM marked GROUP BY viewer, title, chain
$$;

-- longest_streak (direct aggregate and accessor), for several gaps
SELECT gap, count(*) AS groups,
       count(*) FILTER (WHERE o.longest = a.direct) AS direct_ok,
       count(*) FILTER (WHERE o.longest = a.accessor) AS accessor_ok
FROM generate_series(0, 3) gap,
     LATERAL (SELECT viewer, title, max(days) AS longest FROM pg_temp.oracle_chains(gap)
              GROUP BY 1, 2) o
     JOIN LATERAL (SELECT viewer, title, longest_streak(day, gap) AS direct,
                          longest_streak(dayset_agg(day), gap) AS accessor
                   FROM dlog GROUP BY 1, 2) a USING (viewer, title)
GROUP BY gap ORDER BY gap;

-- dayset_agg, day_count, first_day, last_day, streak_count, streaks
SELECT count(*) AS groups,
       count(*) FILTER (WHERE day_count(ds) = o.n) AS day_count_ok,
       count(*) FILTER (WHERE first_day(ds) = o.f AND last_day(ds) = o.l) AS bounds_ok,
       count(*) FILTER (WHERE streak_count(ds) = o.k) AS streak_count_ok,
       count(*) FILTER (WHERE streak_count(ds, 3) = o.k3) AS streak_count_3_ok,
       count(*) FILTER (WHERE ds::text = o.txt) AS text_ok
FROM (SELECT viewer, title, dayset_agg(day) AS ds FROM dlog GROUP BY 1, 2) a
JOIN (SELECT viewer, title, sum(days) AS n, min(first_day) AS f, max(last_day) AS l,
             count(*) AS k, count(*) FILTER (WHERE days >= 3) AS k3,
             '{' || string_agg(CASE WHEN first_day = last_day THEN first_day::text
                                    ELSE first_day || '/' || last_day END, ',' ORDER BY first_day) || '}' AS txt
      FROM pg_temp.oracle_chains(0) GROUP BY 1, 2) o USING (viewer, title);

SELECT count(*) AS streak_rows,
       count(*) FILTER (WHERE o.days IS NOT NULL AND s.days IS NOT NULL) AS matched
FROM pg_temp.oracle_chains(0) o
FULL JOIN (SELECT viewer, title, (streaks(ds)).*
           FROM (SELECT viewer, title, dayset_agg(day) AS ds FROM dlog GROUP BY 1, 2) a) s
  USING (viewer, title, first_day, last_day, days);

-- current_streak for several as_of dates and gaps: the oracle truncates the
-- days at as_of and takes the last chain if it ended within gap + 1 days
CREATE FUNCTION pg_temp.oracle_current(as_of date, gap int)
RETURNS TABLE (viewer int, title int, cur bigint)
LANGUAGE sql AS $$
  WITH d AS (SELECT DISTINCT viewer, title, day FROM dlog WHERE day IS NOT NULL AND day <= as_of),
  islands AS (
    SELECT viewer, title, min(day) AS f, max(day) AS l, count(*) AS n
    FROM (SELECT viewer, title, day,
                 day - (row_number() OVER (PARTITION BY viewer, title ORDER BY day))::int AS grp
          FROM d) s
    GROUP BY viewer, title, grp),
  marked AS (
    SELECT *, sum(CASE WHEN f - prev_l - 1 <= gap THEN 0 ELSE 1 END)
                OVER (PARTITION BY viewer, title ORDER BY f) AS chain
    FROM (SELECT *, lag(l) OVER (PARTITION BY viewer, title ORDER BY f) AS prev_l
          FROM islands) i),
  chains AS (
    SELECT viewer, title, chain, max(l) AS l, sum(n) AS n,
           rank() OVER (PARTITION BY viewer, title ORDER BY chain DESC) AS rk
    FROM marked GROUP BY viewer, title, chain)
  SELECT g.viewer, g.title, coalesce(CASE WHEN as_of - c.l <= gap + 1 THEN c.n ELSE 0 END, 0)
  FROM (SELECT DISTINCT viewer, title FROM dlog WHERE day IS NOT NULL) g
  LEFT JOIN chains c ON c.viewer = g.viewer AND c.title = g.title AND c.rk = 1
$$;

SELECT as_of, gap, count(*) AS groups,
       count(*) FILTER (WHERE o.cur = a.direct) AS direct_ok,
       count(*) FILTER (WHERE o.cur = a.accessor) AS accessor_ok,
       count(*) FILTER (WHERE o.cur > 0) AS alive
FROM (VALUES (date '2017-11-15'), ('2017-12-01'), ('2018-01-05')) v(as_of),
     generate_series(0, 2) gap,
     LATERAL pg_temp.oracle_current(as_of, gap) o
     JOIN LATERAL (SELECT viewer, title, current_streak(day, as_of, gap) AS direct,
                          current_streak(dayset_agg(day), as_of, gap) AS accessor
                   FROM dlog GROUP BY 1, 2) a USING (viewer, title)
GROUP BY as_of, gap ORDER BY as_of, gap;

-- window functions: per distinct day, the oracle's streak start, length so
-- far and streak number; every row (duplicates included) must agree
CREATE FUNCTION pg_temp.oracle_window(gap int)
RETURNS TABLE (viewer int, title int, day date, len bigint, start date, num bigint)
LANGUAGE sql AS $$
  WITH d AS (SELECT DISTINCT viewer, title, day FROM dlog WHERE day IS NOT NULL)
  SELECT d.viewer, d.title, d.day,
         row_number() OVER (PARTITION BY d.viewer, d.title, c.chain ORDER BY d.day),
         c.first_day, c.chain
  FROM d JOIN pg_temp.oracle_chains(gap) c
    ON c.viewer = d.viewer AND c.title = d.title AND d.day BETWEEN c.first_day AND c.last_day
$$;

SELECT gap, count(*) AS rows,
       count(*) FILTER (WHERE w.len = o.len AND w.start = o.start AND w.num = o.num) AS all_ok
FROM generate_series(0, 2) gap,
     LATERAL (SELECT viewer, title, day,
                     streak_length(day, gap) OVER w AS len,
                     streak_start(day, gap) OVER w AS start,
                     streak_number(day, gap) OVER w AS num
              FROM dlog WHERE day IS NOT NULL
              WINDOW w AS (PARTITION BY viewer, title ORDER BY day)) w
     JOIN LATERAL pg_temp.oracle_window(gap) o USING (viewer, title, day)
GROUP BY gap ORDER BY gap;

-- and the window's last row per partition reports the group's streaks:
-- the longest length and the number of streaks the oracle finds
SELECT count(*) AS groups,
       count(*) FILTER (WHERE maxlen = longest) AS max_length_ok,
       count(*) FILTER (WHERE nstreaks = streaks) AS streak_number_ok
FROM (SELECT viewer, title, max(len) AS maxlen, max(num) AS nstreaks
      FROM (SELECT viewer, title, streak_length(day) OVER w AS len, streak_number(day) OVER w AS num
            FROM dlog WINDOW w AS (PARTITION BY viewer, title ORDER BY day)) s
      GROUP BY 1, 2) w
JOIN (SELECT viewer, title, max(days) AS longest, count(*) AS streaks
      FROM pg_temp.oracle_chains(0) GROUP BY 1, 2) o USING (viewer, title);
