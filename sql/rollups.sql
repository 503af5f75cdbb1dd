-- Rollups: monthly daysets kept by a nightly job, as README's Rollups
-- section documents. Every answer from the rollup is compared with a
-- recomputation from the raw rows: the daysets with dayset_agg(day), and the
-- streaks with plain SQL (gaps and islands), which uses no viewstats code.
SET datestyle = 'ISO, YMD';
-- Its own schema: other tests of the suite have tables named views.
CREATE SCHEMA rollups;
SET search_path = rollups, public;

-- A deterministic log (hashint4, no random()): 150 viewers, 3 titles,
-- 2017-10-01 to 2018-02-28, each viewer-title with its own density so that
-- streaks are long enough to cross month boundaries. `batch` is the night
-- a row reaches the warehouse: 0 for the history before 2018, then one per
-- night; about 2% of the history arrives late, in nights 5 to 24.
CREATE TABLE views (viewer_id int, title_id int, day date, batch int);
INSERT INTO views
SELECT v, t, day,
       CASE WHEN day >= date '2018-01-01' THEN day - date '2017-12-31'
            WHEN hashint4(v * 7 + t + (day - date '2017-10-01') * 1009) % 50 = 0
            THEN 5 + abs(hashint4(v + day - date '2017-10-01')) % 20
            ELSE 0 END
FROM generate_series(1, 150) AS v, generate_series(1, 3) AS t,
     generate_series(date '2017-10-01', date '2018-02-28', interval '1 day') AS g(ts),
     LATERAL (SELECT g.ts::date AS day) AS d
WHERE (hashint4(v * 7919 + t * 104729 + (day - date '2017-10-01')) & 1023)
      < 250 + (hashint4(v * 31 + t) & 511);
-- duplicate views of one day, in the same night and in a later one
INSERT INTO views SELECT viewer_id, title_id, day, batch FROM views WHERE hashint4(viewer_id + batch) % 9 = 0;
INSERT INTO views SELECT viewer_id, title_id, day, least(batch + 1, 59) FROM views WHERE batch > 0 AND hashint4(viewer_id) % 11 = 0;
SELECT count(*) AS views, count(DISTINCT (viewer_id, title_id)) AS groups,
       max(batch) AS nights FROM views;

-- The rollup table and the nightly job.
CREATE TABLE monthly_days (
    viewer_id int  NOT NULL,
    title_id  int  NOT NULL,
    month     date NOT NULL,
    days      dayset NOT NULL,
    PRIMARY KEY (viewer_id, title_id, month)
);
CREATE PROCEDURE nightly(night int) LANGUAGE sql AS $$
    INSERT INTO monthly_days
    SELECT viewer_id, title_id, date_trunc('month', day)::date, dayset_agg(day)
    FROM views
    WHERE batch = night
    GROUP BY 1, 2, 3
    ON CONFLICT (viewer_id, title_id, month)
    DO UPDATE SET days = monthly_days.days | EXCLUDED.days
$$;

CALL nightly(0);   -- the backfill
DO $$
BEGIN
    FOR night IN 1 .. 58 LOOP   -- every night but the last
        CALL nightly(night);
    END LOOP;
END $$;
-- A night run twice, and the backfill again: union is idempotent.
CALL nightly(7);
CALL nightly(0);

-- The oracle: runs of consecutive days, and streaks bridging one missed
-- day, from the rows that have arrived, in plain SQL.
CREATE FUNCTION streak_oracle(max_gap int, up_to_night int)
RETURNS TABLE (viewer_id int, title_id int, first date, last date, days int)
LANGUAGE sql STABLE AS $$
    SELECT viewer_id, title_id, min(day), max(day), count(*)::int
    FROM (SELECT viewer_id, title_id, day,
                 sum(brk) OVER (PARTITION BY viewer_id, title_id ORDER BY day) AS streak
          FROM (SELECT viewer_id, title_id, day,
                       CASE WHEN day - lag(day) OVER (PARTITION BY viewer_id, title_id ORDER BY day)
                                 <= max_gap + 1 THEN 0 ELSE 1 END AS brk
                FROM (SELECT DISTINCT viewer_id, title_id, day FROM views
                      WHERE batch <= up_to_night) AS u) AS b) AS s
    GROUP BY viewer_id, title_id, streak
$$;

-- The test is only as good as its data: streaks do cross month boundaries,
-- and late rows do land in months already rolled up.
SELECT count(*) FILTER (WHERE date_trunc('month', first) <> date_trunc('month', last)) AS cross_month_runs,
       count(*) FILTER (WHERE last - first + 1 >= 10) AS runs_of_10_days_or_more,
       max(days) AS longest_run
FROM streak_oracle(0, 58);
SELECT count(*) AS late_views FROM views WHERE batch BETWEEN 5 AND 24 AND day < date '2018-01-01';

-- 1. The rollup holds exactly the raw rows' days, per viewer and title.
CREATE TEMP VIEW from_rollup AS
SELECT viewer_id, title_id, dayset_agg(days) AS days FROM monthly_days GROUP BY 1, 2;
SELECT (SELECT count(*) FROM from_rollup) AS groups,
       (SELECT count(*) FROM (SELECT * FROM from_rollup
                              EXCEPT SELECT viewer_id, title_id, dayset_agg(day) FROM views
                                     WHERE batch <= 58 GROUP BY 1, 2) AS d) AS only_in_rollup,
       (SELECT count(*) FROM (SELECT viewer_id, title_id, dayset_agg(day) FROM views
                              WHERE batch <= 58 GROUP BY 1, 2
                              EXCEPT SELECT * FROM from_rollup) AS d) AS only_in_raw;

-- Each month's dayset holds only days of that month.
SELECT count(*) AS misfiled FROM monthly_days
WHERE first_day(days) < month OR last_day(days) >= month + interval '1 month';

-- 2. Streaks across months from the rollup equal the plain-SQL oracle.
WITH r AS (
    SELECT viewer_id, title_id,
           longest_streak(dayset_agg(days)) AS longest,
           longest_streak(dayset_agg(days), 1) AS longest_gap_1,
           current_streak(dayset_agg(days), date '2018-01-31') AS current_jan31
    FROM monthly_days GROUP BY 1, 2),
o AS (
    SELECT viewer_id, title_id, max(days) AS longest FROM streak_oracle(0, 58) GROUP BY 1, 2),
o1 AS (
    SELECT viewer_id, title_id, max(days) AS longest_gap_1 FROM streak_oracle(1, 58) GROUP BY 1, 2),
c AS (   -- the run holding 2018-01-31 or ending the day before, counted up to it
    SELECT viewer_id, title_id, max(least(last, date '2018-01-31') - first + 1) AS current_jan31
    FROM streak_oracle(0, 58)
    WHERE first <= date '2018-01-31' AND last >= date '2018-01-30'
    GROUP BY 1, 2)
SELECT count(*) AS groups,
       count(*) FILTER (WHERE r.longest IS DISTINCT FROM o.longest) AS longest_mismatches,
       count(*) FILTER (WHERE r.longest_gap_1 IS DISTINCT FROM o1.longest_gap_1) AS gap_1_mismatches,
       count(*) FILTER (WHERE r.current_jan31 IS DISTINCT FROM coalesce(c.current_jan31, 0)) AS current_mismatches,
       count(*) FILTER (WHERE r.current_jan31 > 0) AS alive_on_jan31
FROM r FULL JOIN o USING (viewer_id, title_id) FULL JOIN o1 USING (viewer_id, title_id)
LEFT JOIN c USING (viewer_id, title_id);

-- 3. A materialized view over the rollup, refreshed after the last night.
CREATE MATERIALIZED VIEW title_streaks AS
SELECT viewer_id, title_id, dayset_agg(days) AS days, longest_streak(dayset_agg(days)) AS longest
FROM monthly_days
GROUP BY viewer_id, title_id;
CREATE UNIQUE INDEX ON title_streaks (viewer_id, title_id);

CALL nightly(59);
-- before the refresh it still shows the state before night 59 ...
SELECT count(*) AS groups_changed_by_night_59
FROM title_streaks t JOIN from_rollup r USING (viewer_id, title_id)
WHERE t.days <> r.days;
REFRESH MATERIALIZED VIEW CONCURRENTLY title_streaks;
-- ... and after it, exactly the recomputation from every raw row
SELECT count(*) AS groups,
       count(*) FILTER (WHERE t.days IS DISTINCT FROM raw.days) AS dayset_mismatches,
       count(*) FILTER (WHERE t.longest IS DISTINCT FROM raw.longest) AS longest_mismatches
FROM title_streaks t
FULL JOIN (SELECT viewer_id, title_id, d.days, o.longest
           FROM (SELECT viewer_id, title_id, dayset_agg(day) AS days FROM views GROUP BY 1, 2) AS d
           FULL JOIN (SELECT viewer_id, title_id, max(days) AS longest
                      FROM streak_oracle(0, 59) GROUP BY 1, 2) AS o USING (viewer_id, title_id)
          ) AS raw USING (viewer_id, title_id);
