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
\echo 'A count of one identifies a person: see the privacy-safe counts below.'

-- ---- Privacy-safe counts ----------------------------------------------------
\echo
\echo '== Privacy-safe counts: the naive report beside the safe ones =='
-- Demo only: a fixed secret, so that perturbed_count prints the same numbers
-- on every run.  CREATE EXTENSION makes a random secret; in production leave
-- it alone (a superuser can replace it with SELECT rotate_privacy_secret()).
INSERT INTO privacy_secret (secret) VALUES (sha256('viewstats demo'::bytea));
SELECT current_setting('viewstats.min_group_size') AS min_group_size,
       current_setting('viewstats.ptable_max_deviation') AS max_deviation,
       current_setting('viewstats.dp_max_epsilon') AS dp_max_epsilon;
-- Each fact is a set of viewers; each method counts the distinct ones.
WITH per_viewer AS (
  SELECT name, viewer_id, count(*) AS views, longest_streak(day) AS longest,
         current_streak(day, date '2017-12-10') AS on_tweet_day
  FROM views JOIN titles USING (title_id)
  WHERE name IN ('A Christmas Prince', 'Bee Movie', 'Stranger Things')
  GROUP BY name, viewer_id),
facts AS (
  SELECT name || ': viewers' AS fact, viewer_id FROM per_viewer
  UNION ALL
  SELECT name || ': watched it 100+ times', viewer_id FROM per_viewer WHERE views >= 100
  UNION ALL
  SELECT name || ': 18-day streak on 2017-12-10', viewer_id FROM per_viewer WHERE on_tweet_day >= 18
  UNION ALL
  SELECT name || ': binged 7+ days in a row', viewer_id FROM per_viewer WHERE longest >= 7)
SELECT fact, count(DISTINCT viewer_id) AS naive,
       suppressed_count(viewer_id) AS suppressed,
       perturbed_count(viewer_id) AS perturbed,
       dp_count(viewer_id, 0.5) AS dp_eps_0_5
FROM facts GROUP BY fact ORDER BY fact;
\echo 'naive:      exact counts; "Bee Movie: watched it 100+ times = 1" is one identifiable person.'
\echo 'suppressed: exact, but no fact about fewer than 10 viewers; hides small groups only.'
\echo 'perturbed:  within 2 of the truth, the same for the same viewers on every run; also hides'
\echo '            exact values, so the difference of two facts no longer pins down one viewer.'
\echo 'dp:         epsilon = 0.5 noise drawn fresh each run (this column changes between runs);'
\echo '            hides whether any one viewer is in the data, even whether a fact exists at all.'

\echo
\echo '== suppress_cells: one table row per title, cells by longest streak =='
WITH per_viewer AS (
  SELECT name, viewer_id, longest_streak(day) AS longest
  FROM views JOIN titles USING (title_id)
  WHERE name IN ('A Christmas Prince', 'Bee Movie', 'Bright', 'Dark')
  GROUP BY name, viewer_id),
buckets (bucket, lo, hi) AS (
  VALUES ('1 day', 1, 1), ('2-6 days', 2, 6), ('7-13 days', 7, 13), ('14+ days', 14, 100000)),
cells AS (
  SELECT t.name, b.bucket, b.lo, count(p.viewer_id) AS viewers
  FROM (SELECT DISTINCT name FROM per_viewer) t CROSS JOIN buckets b
  LEFT JOIN per_viewer p ON p.name = t.name AND p.longest BETWEEN b.lo AND b.hi
  GROUP BY t.name, b.bucket, b.lo)
SELECT name, bucket, viewers AS naive,
       suppress_cells(viewers) OVER (PARTITION BY name) AS published
FROM cells ORDER BY name, lo;
\echo 'suppress_cells: cells of 1 to 9 viewers hidden, then (Bright) the smallest other cell of'
\echo '            the row, so the title total minus the shown cells cannot give the 8 back.'
\echo 'suppress(n): the same threshold for a count computed elsewhere:'
SELECT name, count(DISTINCT viewer_id) AS naive, suppress(count(DISTINCT viewer_id)) AS published
FROM views JOIN titles USING (title_id)
WHERE name IN ('A Christmas Prince', 'Bee Movie') GROUP BY name ORDER BY name;
