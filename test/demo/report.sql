-- The demo report: the December 2017 questions, answered with viewstats.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\pset footer off
\echo
\echo '== The viewing log =='
SELECT count(*) AS views, count(DISTINCT viewer_id) AS viewers,
       count(DISTINCT title_id) AS titles, min(day) AS first_day, max(day) AS last_day
FROM views;

\echo
\echo '== "To the 53 people who have watched A Christmas Prince every day for the past 18 days" =='
\echo 'current_streak(day, as_of) per viewer: the streak alive on the day of the tweet'
SELECT count(*) AS viewers_with_18_day_streak
FROM (SELECT viewer_id, current_streak(day, date '2017-12-10') AS streak
      FROM views JOIN titles USING (title_id)
      WHERE name = 'A Christmas Prince'
      GROUP BY viewer_id) s
WHERE streak >= 18;

\echo
\echo '== Longest streaks by title (top 8 by viewers who binged 7+ days in a row) =='
SELECT name, count(*) AS viewers, max(streak) AS longest_streak,
       count(*) FILTER (WHERE streak >= 7) AS binged_7_plus,
       round(avg(streak), 2) AS mean_longest_streak
FROM (SELECT title_id, viewer_id, longest_streak(day) AS streak
      FROM views GROUP BY title_id, viewer_id) s
JOIN titles USING (title_id)
GROUP BY name ORDER BY binged_7_plus DESC, name LIMIT 8;

\echo
\echo '== Streaks with a day of slack (max_gap => 1): missing one day does not break them =='
SELECT name, round(avg(strict), 2) AS mean_longest_strict,
       round(avg(slack), 2) AS mean_longest_one_day_gap
FROM (SELECT title_id, viewer_id, longest_streak(day) AS strict, longest_streak(day, 1) AS slack
      FROM views WHERE title_id <= 6 GROUP BY title_id, viewer_id) s
JOIN titles USING (title_id)
GROUP BY name ORDER BY name;

\echo
\echo '== Stored daysets: one value per viewer and title =='
DROP TABLE IF EXISTS watched;
CREATE TABLE watched AS
SELECT viewer_id, title_id, dayset_agg(day) AS days FROM views GROUP BY viewer_id, title_id;
SELECT viewer_id, days, day_count(days), longest_streak(days)
FROM watched WHERE title_id = 1 AND viewer_id IN (30001, 30053)
ORDER BY viewer_id;
SELECT pg_size_pretty(pg_total_relation_size('watched')) AS stored_size,
       count(*) AS daysets, round(avg(pg_column_size(days)), 1) AS avg_bytes_per_dayset
FROM watched;

\echo
\echo '== One viewer''s streaks, day by day (window functions) =='
SELECT day, streak_number(day) OVER w AS streak_no, streak_start(day) OVER w,
       streak_length(day) OVER w AS day_of_streak
FROM (SELECT DISTINCT day FROM views WHERE viewer_id = 30001 AND title_id = 1) d
WINDOW w AS (ORDER BY day)
ORDER BY day DESC LIMIT 5;

\echo
\echo '== "One person watched Bee Movie 357 times" =='
SELECT viewer_id, count(*) AS views, day_count(dayset_agg(day)) AS distinct_days
FROM views JOIN titles USING (title_id)
WHERE name = 'Bee Movie'
GROUP BY viewer_id ORDER BY views DESC LIMIT 3;
\echo 'A count of one identifies a person: see the privacy-safe counts (later in this report as they land).'
