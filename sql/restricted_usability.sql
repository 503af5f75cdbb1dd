-- Restricted mode, part 3: what a restricted analyst can do, and the right
-- answers.  Each query of issue 12's list runs as regress_r_analyst; its
-- published groups are compared, in an outer query the analyst may write,
-- with an oracle the superuser computed with plain SQL (r_oracle): a group
-- is published when its exact count reaches the threshold (10), within 2 of
-- it (perturbed_count), or within 40 (dp_count, epsilon 0.5: the noise
-- exceeds 40 with probability below 10^-8), and suppressed groups are not
-- returned at all.  The outer join from the oracle also shows that an outer
-- join from a public table cannot tell a suppressed group from an absent one.
\c - postgres
CREATE TABLE r_oracle (q int, key text, n bigint);
-- 1. viewers per title
INSERT INTO r_oracle SELECT 1, title_id::text, count(DISTINCT viewer_id) FROM r_views GROUP BY title_id;
-- 2. the tweet: viewers of title 1 on a streak of 18 days or more on 2017-12-10,
--    and (2b) of 3 days or more
INSERT INTO r_oracle
SELECT 2, NULL, count(*) FROM (SELECT viewer_id FROM r_views WHERE title_id = 1 GROUP BY viewer_id
	HAVING current_streak(day, date '2017-12-10') >= 18) s;
INSERT INTO r_oracle
SELECT 22, NULL, count(*) FROM (SELECT viewer_id FROM r_views WHERE title_id = 1 GROUP BY viewer_id
	HAVING current_streak(day, date '2017-12-10') >= 3) s;
-- 3. histogram of longest streaks on title 1 (plain SQL gaps and islands)
INSERT INTO r_oracle
SELECT 3, ls::text, count(*) FROM (
	SELECT viewer_id, max(len) AS ls FROM (
		SELECT viewer_id, count(*) AS len FROM (
			SELECT viewer_id, d, d - (row_number() OVER (PARTITION BY viewer_id ORDER BY d))::int AS grp
			FROM (SELECT DISTINCT viewer_id, day AS d FROM r_views WHERE title_id = 1) x) y
		GROUP BY viewer_id, grp) z
	GROUP BY viewer_id) w
GROUP BY ls;
-- 4. viewers per title name
INSERT INTO r_oracle
SELECT 4, t.name, count(DISTINCT v.viewer_id) FROM r_views v JOIN r_titles t USING (title_id) GROUP BY t.name;
-- 5. weeks, width buckets, CASE buckets, per-unit counts with HAVING
INSERT INTO r_oracle
SELECT 5, to_char(date_trunc('week', day), 'YYYY-MM-DD'), count(DISTINCT viewer_id)
FROM r_views WHERE day BETWEEN '2017-11-20' AND '2017-12-31' AND title_id IN (1, 2, 3) GROUP BY 2;
INSERT INTO r_oracle
SELECT 51, width_bucket(extract(day FROM day), 0, 32, 4)::text, count(DISTINCT viewer_id)
FROM r_views GROUP BY 2;
INSERT INTO r_oracle
SELECT 52, CASE WHEN views_n >= 20 THEN 'heavy' WHEN views_n >= 10 THEN 'medium' ELSE 'light' END, count(*)
FROM (SELECT viewer_id, count(*) AS views_n FROM r_views GROUP BY viewer_id HAVING count(DISTINCT title_id) = 1) s
GROUP BY 2;
GRANT SELECT ON r_oracle TO regress_r_analyst;

\c - regress_r_analyst
SELECT viewstats.access_level();
-- each oracle group: exact count n, whether the analyst's query published it,
-- and whether that is the right answer
-- 1. SELECT title_id, dp_count(viewer_id, 0.5) FROM views GROUP BY title_id;
--    (dp_count must run once: it is the only item of the outer FROM, and the
--    oracle is read by a subquery expression)
SELECT a.title_id, (SELECT n FROM r_oracle WHERE q = 1 AND key = a.title_id::text) AS n,
       abs(a.c - (SELECT n FROM r_oracle WHERE q = 1 AND key = a.title_id::text)) < 40 AS right_answer
FROM (SELECT title_id, dp_count(viewer_id, 0.5) AS c FROM r_views GROUP BY title_id) a
ORDER BY 1;
-- Bee Movie (301, 4 viewers) is not published
SELECT key, n FROM r_oracle WHERE q = 1 ORDER BY key;

-- 2. the tweet, as written in the issue (4 streakers: suppressed, so no row)
SELECT dp_count(viewer_id, 1.0) FROM (SELECT viewer_id FROM r_views WHERE title_id = 1 GROUP BY viewer_id HAVING current_streak(day, date '2017-12-10') >= 18) s;
SELECT n AS exact_streakers FROM r_oracle WHERE q = 2;
-- 2b. with streaks of 3 days or more: published, close to the oracle
SELECT abs(c - (SELECT n FROM r_oracle WHERE q = 22)) < 40 AS right_answer
FROM (SELECT dp_count(viewer_id, 1.0) AS c FROM (SELECT viewer_id FROM r_views WHERE title_id = 1
	GROUP BY viewer_id HAVING current_streak(day, date '2017-12-10') >= 3) s) a;

-- 3. a histogram: SELECT ls, perturbed_count(viewer_id) FROM (SELECT viewer_id,
--    longest_streak(day) AS ls FROM views WHERE title_id = 1 GROUP BY viewer_id) s
--    GROUP BY ls ORDER BY ls;
SELECT o.key::int AS ls, o.n, a.c IS NOT NULL AS published,
       CASE WHEN a.c IS NULL THEN o.n < 10 ELSE o.n >= 10 AND abs(a.c - o.n) <= 2 END AS right_answer
FROM r_oracle o FULL JOIN
     (SELECT ls, perturbed_count(viewer_id) AS c
      FROM (SELECT viewer_id, longest_streak(day) AS ls FROM r_views WHERE title_id = 1 GROUP BY viewer_id) s
      GROUP BY ls) a
     ON a.ls::text = o.key
WHERE o.q = 3 ORDER BY 1;

-- 4. joins with public tables
SELECT o.key AS name, o.n, a.c IS NOT NULL AS published,
       CASE WHEN a.c IS NULL THEN o.n < 10 ELSE o.n >= 10 AND abs(a.c - o.n) <= 2 END AS right_answer
FROM r_oracle o FULL JOIN
     (SELECT t.name, perturbed_count(v.viewer_id) AS c FROM r_views v JOIN r_titles t USING (title_id) GROUP BY t.name) a
     ON a.name = o.key
WHERE o.q = 4 ORDER BY 1;

-- 5. filters on ordinary columns, date_trunc, width_bucket, CASE buckets,
--    per-unit subqueries with count(*) and HAVING
SELECT o.key AS week, o.n, a.c IS NOT NULL AS published,
       CASE WHEN a.c IS NULL THEN o.n < 10 ELSE o.n >= 10 AND abs(a.c - o.n) <= 2 END AS right_answer
FROM r_oracle o FULL JOIN
     (SELECT date_trunc('week', day) AS w, perturbed_count(viewer_id) AS c
      FROM r_views WHERE day BETWEEN '2017-11-20' AND '2017-12-31' AND title_id IN (1, 2, 3)
      GROUP BY 1) a
     ON to_char(a.w, 'YYYY-MM-DD') = o.key
WHERE o.q = 5 ORDER BY 1;
SELECT o.key AS bucket, o.n, a.c IS NOT NULL AS published,
       CASE WHEN a.c IS NULL THEN o.n < 10 ELSE o.n >= 10 AND abs(a.c - o.n) <= 2 END AS right_answer
FROM r_oracle o FULL JOIN
     (SELECT width_bucket(extract(day FROM day), 0, 32, 4) AS b, perturbed_count(viewer_id) AS c
      FROM r_views GROUP BY 1) a
     ON a.b::text = o.key
WHERE o.q = 51 ORDER BY 1;
SELECT o.key AS kind, o.n, a.c IS NOT NULL AS published,
       CASE WHEN a.c IS NULL THEN o.n < 10 ELSE o.n >= 10 AND abs(a.c - o.n) <= 2 END AS right_answer
FROM r_oracle o FULL JOIN
     (SELECT CASE WHEN views_n >= 20 THEN 'heavy' WHEN views_n >= 10 THEN 'medium' ELSE 'light' END AS kind,
             perturbed_count(viewer_id) AS c
      FROM (SELECT viewer_id, count(*) AS views_n FROM r_views GROUP BY viewer_id
            HAVING count(DISTINCT title_id) = 1) s
      GROUP BY 1) a
     ON a.kind = o.key
WHERE o.q = 52 ORDER BY 1;

-- ---- the budget and contribution bounding ----
-- each dp_count call above spent its epsilon: 0.5 + 1.0 + 1.0 (query 1 has
-- groups a unit may share, so it spent 0.5 times L = 1)
SELECT 1000 - viewstats.privacy_budget_remaining() AS spent_so_far;
-- a log where each of 60 viewers watched 3 titles: with L = 1 a viewer
-- counts in one title only (the one its priority picks: restricted_bound
-- checks which), so no title has them all and the counts add up to about
-- 60, not 180
\c - postgres
CREATE TABLE r_multi (viewer_id int, title_id int);
INSERT INTO r_multi SELECT v, t FROM generate_series(1, 60) v, generate_series(1, 3) t;
LOAD 'viewstats';
SECURITY LABEL FOR viewstats ON COLUMN r_multi.viewer_id IS 'privacy_unit';
GRANT SELECT ON r_multi TO regress_r_analyst;
\c - regress_r_analyst
SELECT count(*) FILTER (WHERE c > 45) AS titles_with_all, sum(c) < 100 AS about_60
FROM (SELECT title_id, dp_count(viewer_id, 1.0) AS c FROM r_multi GROUP BY title_id) s;
SELECT 1000 - viewstats.privacy_budget_remaining() AS spent_so_far;
-- with L = 3 every title has them all, and the same call costs 3
\c - postgres
ALTER ROLE regress_r_analyst SET viewstats.max_groups_contributed = 3;
\c - regress_r_analyst
SHOW viewstats.max_groups_contributed;
SELECT title_id, abs(c - 60) < 40 AS close_to_60
FROM (SELECT title_id, dp_count(viewer_id, 1.0) AS c FROM r_multi GROUP BY title_id) s ORDER BY 1;
SELECT 1000 - viewstats.privacy_budget_remaining() AS spent_so_far;
-- where a unit falls in one group, L does not multiply: 1.0 more
SELECT count(*) AS rows FROM (SELECT dp_count(viewer_id, 1.0) FROM r_multi WHERE title_id = 2) s;
SELECT 1000 - viewstats.privacy_budget_remaining() AS spent_so_far;
-- plain EXPLAIN spends nothing
EXPLAIN SELECT title_id, dp_count(viewer_id, 1.0) FROM r_multi GROUP BY title_id;
SELECT 1000 - viewstats.privacy_budget_remaining() AS spent_so_far;
-- past the budget: refused before any row is read (7.5 spent of 11)
\c - postgres
SELECT viewstats.set_privacy_budget('regress_r_analyst', 11);
\c - regress_r_analyst
SELECT viewstats.privacy_budget_remaining();
SELECT count(*) AS published FROM (SELECT title_id, dp_count(viewer_id, 1.0) FROM r_multi GROUP BY title_id) s;
SELECT viewstats.privacy_budget_remaining();
SELECT count(*) AS published FROM (SELECT title_id, dp_count(viewer_id, 1.0) FROM r_multi GROUP BY title_id) s;
\echo :SQLSTATE
SELECT 1 AS ran FROM (SELECT dp_count(viewer_id, 0.25) FROM r_multi) s WHERE false;
SELECT 1 AS ran FROM (SELECT dp_count(viewer_id, 0.25) FROM r_multi) s WHERE false;
SELECT viewstats.privacy_budget_remaining();
SELECT 1 AS ran FROM (SELECT dp_count(viewer_id, 0.25) FROM r_multi) s WHERE false;
\echo :SQLSTATE
-- perturbed_count needs no budget
SELECT count(*) AS published FROM (SELECT title_id, perturbed_count(viewer_id) FROM r_multi GROUP BY title_id) s;
\c - postgres
ALTER ROLE regress_r_analyst RESET viewstats.max_groups_contributed;
DROP TABLE r_multi;
\c - regress_r_analyst

-- ---- suppressed groups vanish ----
-- Bee Movie's 4 viewers: no row, under any HAVING, and the same as a title
-- nobody watched (302) seen through an outer join from the titles
SELECT title_id, perturbed_count(viewer_id) FROM r_views WHERE title_id IN (301, 302) GROUP BY title_id;
SELECT title_id, perturbed_count(viewer_id) FROM r_views WHERE title_id IN (301, 302) GROUP BY title_id
HAVING perturbed_count(viewer_id) IS NULL;
SELECT t.title_id, s.c IS NULL AS no_row
FROM r_titles t LEFT JOIN (SELECT title_id, perturbed_count(viewer_id) AS c FROM r_views GROUP BY title_id) s
     USING (title_id)
WHERE t.title_id IN (301, 302) ORDER BY 1;
-- the days a lone viewer watched: today's NULL rows are gone
SELECT count(*) AS rows_for_rare_title_days
FROM (SELECT day, perturbed_count(viewer_id) FROM r_views WHERE title_id = 301 GROUP BY day) s;
-- the same for dp_count's partition selection, and under a per-unit label
SELECT count(*) AS rows FROM (SELECT day, dp_count(viewer_id, 0.5) FROM r_views WHERE title_id = 301 GROUP BY day) s;
SELECT count(*) AS rows FROM (SELECT ls, perturbed_count(viewer_id)
	FROM (SELECT viewer_id, longest_streak(day) AS ls FROM r_views WHERE title_id = 301 GROUP BY viewer_id) u
	GROUP BY ls) s;
-- public tables are read freely
SELECT title_id, name FROM r_titles ORDER BY title_id;
-- and prepared statements work
PREPARE per_title(int) AS SELECT perturbed_count(viewer_id) IS NOT NULL AS published FROM r_views WHERE title_id = $1;
EXECUTE per_title(1);
EXECUTE per_title(301);
DEALLOCATE per_title;

-- public views and subqueries beside personal rows (leakproof, so they may
-- run on demand), joined on a unique key: a view of the analyst's own over
-- the DBA's table, a one-row aggregate, a filtered and a limited subquery
-- (what were subquery expressions, IN (SELECT ...), before timing.c)
CREATE VIEW r_mine.titles_v AS SELECT title_id, name FROM r_titles;
SELECT a.name, o.n, abs(a.c - o.n) <= 2 AS right_answer
FROM (SELECT t.name, perturbed_count(v.viewer_id) AS c
      FROM r_views v JOIN r_mine.titles_v t USING (title_id)
      JOIN (SELECT min(title_id) AS m FROM r_titles) f ON f.m = v.title_id
      JOIN (SELECT title_id FROM r_titles WHERE name LIKE 'A %') a USING (title_id)
      JOIN (SELECT title_id FROM r_titles ORDER BY name LIMIT 3) l USING (title_id)
      GROUP BY t.name) a
JOIN r_oracle o ON o.q = 4 AND o.key = a.name;

-- joins on a unique key (timing.c): answers against plain SQL, and plans
-- that the session's planner settings do not steer
\c - postgres
CREATE TABLE r_cal (d date PRIMARY KEY, week int NOT NULL);
INSERT INTO r_cal SELECT date '2017-11-01' + g, g / 7 FROM generate_series(0, 60) g;
CREATE VIEW r_cal_v AS SELECT d AS cal_day, week FROM r_cal;
ANALYZE r_cal;
CREATE TABLE r_cal_oracle AS SELECT week, count(DISTINCT viewer_id) AS n
FROM r_views v JOIN r_cal c ON c.d = v.day WHERE v.title_id = 1 GROUP BY week;
GRANT SELECT ON r_cal, r_cal_v, r_cal_oracle TO regress_r_analyst, regress_r_direct;
\c - regress_r_analyst
SELECT o.week, o.n, abs(r.n - o.n) <= 2 AS right_answer FROM r_cal_oracle o FULL JOIN (
	SELECT c.week, perturbed_count(v.viewer_id) AS n FROM r_views v JOIN r_cal_v c ON c.cal_day = v.day
	WHERE v.title_id = 1 GROUP BY c.week) r USING (week) ORDER BY 1;
SELECT o.week, o.n, abs(r.n - o.n) <= 2 AS right_answer FROM r_cal_oracle o FULL JOIN (
	SELECT c.week, perturbed_count(v.viewer_id) AS n FROM r_views v JOIN (SELECT d AS day, week FROM r_cal) c USING (day)
	WHERE v.title_id = 1 GROUP BY c.week) r USING (week) ORDER BY 1;
-- the session's planner settings do not steer plans over personal rows (a
-- nested loop that scans the public table once per personal row): the
-- restricted plan stays the server's, the direct role's follows the settings
EXPLAIN (COSTS OFF) SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_cal c ON c.d = v.day WHERE v.title_id = 301;
\set steer 'SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_material = off; SET enable_memoize = off; SET enable_indexscan = off; SET enable_bitmapscan = off; SET random_page_cost = 1e6;'
:steer
EXPLAIN (COSTS OFF) SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_cal c ON c.d = v.day WHERE v.title_id = 301;
-- and they are still the session's afterwards
SHOW enable_hashjoin;
SHOW random_page_cost;
\c - regress_r_direct
:steer
-- (the nested loop's join filter prints differently across versions)
CREATE FUNCTION pg_temp.plan_has(q text, node text) RETURNS bool LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
	FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		IF l LIKE '%' || node || '%' THEN RETURN true; END IF;
	END LOOP;
	RETURN false;
END $$;
SELECT pg_temp.plan_has(q, 'Nested Loop') AS nested_loop, pg_temp.plan_has(q, 'Hash') AS hash
FROM (VALUES ('SELECT perturbed_count(v.viewer_id) FROM r_views v JOIN r_cal c ON c.d = v.day WHERE v.title_id = 301')) x(q);
\c - postgres
DROP VIEW r_cal_v;
DROP TABLE r_cal, r_cal_oracle;
\c - regress_r_analyst

-- ---- clean up what the restricted_* files made ----
\c - postgres
SET client_min_messages = warning;
DROP SCHEMA r_mine CASCADE;
DROP TABLE r_oracle, r_views, r_titles;
DROP ROLE regress_r_member, regress_r_analyst, regress_r_direct;
