-- The demo report: the December 2017 questions, answered with viewstats.
-- Each section is one slide: a heading, one table, a line to read it by.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\pset footer off
\echo
\echo '== The viewing log =='
SELECT lpad(to_char(count(*), 'FM999,999,999'), 7) AS views,
       lpad(to_char(count(DISTINCT viewer_id), 'FM999,999'), 7) AS viewers,
       count(DISTINCT title_id) AS titles, min(day) AS first_day, max(day) AS last_day
FROM views;

\echo
\echo '== "To the 53 people who have watched A Christmas Prince every day for the past 18 days" =='
\echo 'current_streak(day, as_of) per viewer: the streak still alive on the day of the tweet'
SELECT count(*) AS viewers_with_18_day_streak,
       lpad(to_char(100.0 * count(*) / (SELECT count(DISTINCT viewer_id) FROM views WHERE title_id = s.title_id),
                    'FM990.0') || '%', 20) AS share_of_its_viewers
FROM (SELECT title_id, viewer_id, current_streak(day, date '2017-12-10') AS streak
      FROM views JOIN titles USING (title_id)
      WHERE name = 'A Christmas Prince'
      GROUP BY title_id, viewer_id) s
WHERE streak >= 18
GROUP BY title_id;

\echo
\echo '== A Christmas Prince: viewers by their longest streak (consecutive days) =='
WITH per_viewer AS (
    SELECT longest_streak(day) AS streak,
           current_streak(day, date '2017-12-10') >= 18 AS tweeted_about
    FROM views JOIN titles USING (title_id)
    WHERE name = 'A Christmas Prince'
    GROUP BY viewer_id),
dist AS (
    SELECT g AS days, count(p.streak) AS viewers,
           count(*) FILTER (WHERE p.tweeted_about) AS tweeted_about
    FROM generate_series(1, (SELECT max(streak) FROM per_viewer)) AS g
    LEFT JOIN per_viewer p ON p.streak = g
    GROUP BY g)
SELECT lpad(days::text, 2) || CASE WHEN days = 1 THEN ' day ' ELSE ' days' END AS longest_streak,
       lpad(to_char(viewers, 'FM99,999'), 7) AS viewers,
       -- 40 characters for the tallest bar; any viewer at all shows
       repeat('█', ceil(40.0 * viewers / max(viewers) OVER ())::int)
         || CASE WHEN tweeted_about > 0
                 THEN format('  <- %s still going on 10 Dec', tweeted_about) ELSE '' END AS " "
FROM dist
ORDER BY days;
\pset tuples_only on
SELECT format('%s%% of its viewers never watched more than 3 days in a row; %s watched 11 to 17; %s watched 18 or more.',
              round(100.0 * count(*) FILTER (WHERE streak <= 3) / count(*)),
              count(*) FILTER (WHERE streak BETWEEN 11 AND 17),
              count(*) FILTER (WHERE streak >= 18))
FROM (SELECT longest_streak(day) AS streak
      FROM views JOIN titles USING (title_id)
      WHERE name = 'A Christmas Prince'
      GROUP BY viewer_id) s;
\pset tuples_only off

\echo
\echo '== Longest streaks by title (top 8 by viewers who binged 7+ days in a row) =='
SELECT name, lpad(to_char(count(*), 'FM99,999'), 7) AS viewers, max(streak) AS longest_streak,
       count(*) FILTER (WHERE streak >= 7) AS binged_7_plus,
       round(avg(streak), 2) AS mean_longest_streak
FROM (SELECT title_id, viewer_id, longest_streak(day) AS streak
      FROM views GROUP BY title_id, viewer_id) s
JOIN titles USING (title_id)
GROUP BY name ORDER BY binged_7_plus DESC, name LIMIT 8;

\echo
\echo '== Streaks with a day of slack (max_gap => 1): missing one day does not break them =='
SELECT name, round(avg(strict), 2) AS mean_longest_strict,
       round(avg(slack), 2) AS mean_longest_one_day_gap,
       lpad(to_char(100.0 * (avg(slack) / avg(strict) - 1), 'FM990') || '%', 9) AS longer_by
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
       lpad(to_char(count(*), 'FM999,999'), 7) AS daysets,
       round(avg(pg_column_size(days)), 1) AS avg_bytes_per_dayset,
       pg_size_pretty(pg_total_relation_size('views')) AS raw_log_size
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
