-- The attacks that remain possible for an analyst who writes SQL over the
-- raw table (unrestricted mode), measured on a seeded log: multiplying the
-- unit, padding with made-up units, and rewriting the unit for fresh noise.
-- README "Limits of unrestricted mode" quotes these figures.  The secret is
-- fixed for the test, so perturbed_count's numbers are stable; dp_count's
-- noise is fresh, so only rounded or bounded figures are printed.  Restricted
-- mode is the defence: it counts only the unit column itself.

CREATE SCHEMA regress_attacks;
SELECT encode(secret, 'hex') AS saved_secret FROM privacy_secret \gset
INSERT INTO privacy_secret (secret) VALUES (decode(repeat('5a', 32), 'hex'));
CREATE ROLE regress_attacker;
GRANT USAGE ON SCHEMA regress_attacks TO regress_attacker;

-- Title 301 has 4 viewers; titles 1 to 9 have 1 to 9; titles 1001 to 1200
-- have 10 to 209 (one each); title 2000 has the 53 Christmas streakers.
SELECT setseed(0.42);
CREATE TABLE regress_attacks.views AS
SELECT 301 AS title_id, v AS viewer_id FROM generate_series(77777, 77780) v
UNION ALL
SELECT t, 100000 + t * 100 + v FROM generate_series(1, 9) t, generate_series(1, t) v
UNION ALL
SELECT 1000 + g, 200000 + g * 1000 + v FROM generate_series(1, 200) g, generate_series(1, 9 + g) v
UNION ALL
SELECT 2000, 500000 + v FROM generate_series(1, 53) v;
GRANT SELECT ON regress_attacks.views TO regress_attacker;
SET ROLE regress_attacker;

-- ---- 1. the analyst decides what a unit is ----
-- Ten made-up units per viewer: the threshold sees 40, the analyst divides.
SELECT suppressed_count(viewer_id) AS plain_suppressed,
       perturbed_count(viewer_id) AS plain_perturbed,
       (SELECT suppressed_count(viewer_id * 10 + k) / 10.0
        FROM regress_attacks.views, generate_series(0, 9) k WHERE title_id = 301) AS suppressed_x10,
       (SELECT perturbed_count(viewer_id * 10 + k) / 10.0
        FROM regress_attacks.views, generate_series(0, 9) k WHERE title_id = 301) AS perturbed_x10,
       (SELECT round(dp_count(viewer_id::bigint * 1000 + k, 1) / 1000.0)
        FROM regress_attacks.views, generate_series(0, 999) k WHERE title_id = 301) AS dp_x1000_rounded
FROM regress_attacks.views WHERE title_id = 301;

-- ---- 2. padding with made-up units, by bisection ----
-- perturbed_count publishes a count exactly at the threshold (10) as is:
-- add j negative ids and look for the j that gives 10.
CREATE FUNCTION pg_temp.pad_bisect(title int, OUT recovered int, OUT queries int)
LANGUAGE plpgsql AS $$
DECLARE
	lo int := 1;   -- the smallest j that may still give 10
	hi int := 9;
	j int;
	p bigint;
BEGIN
	queries := 0;
	WHILE lo <= hi LOOP
		j := (lo + hi) / 2;
		SELECT perturbed_count(u) INTO p
		FROM (SELECT viewer_id AS u FROM regress_attacks.views WHERE title_id = title
		      UNION ALL SELECT -i FROM generate_series(1, j) i) s;
		queries := queries + 1;
		IF p = 10 THEN
			recovered := 10 - j;
			RETURN;
		ELSIF p IS NULL THEN
			lo := j + 1;   -- n + j < 10
		ELSE
			hi := j - 1;   -- n + j > 10
		END IF;
	END LOOP;
END $$;
SELECT count(*) AS suppressed_groups,
       count(*) FILTER (WHERE (pg_temp.pad_bisect(title_id)).recovered = n) AS recovered_exactly,
       max((pg_temp.pad_bisect(title_id)).queries) AS most_queries
FROM (SELECT title_id, count(DISTINCT viewer_id) AS n FROM regress_attacks.views
      WHERE title_id BETWEEN 1 AND 9 GROUP BY title_id) g;

-- ---- 3. fresh noise for the same people ----
-- Each injective rewrite of the unit (here its text with a suffix) gets
-- other record keys, so another perturbation; the rounded mean of R of them
-- gives the exact count back.
CREATE TEMP TABLE rewrites AS
SELECT title_id, r, perturbed_count(viewer_id::text || '/' || r) AS p
FROM regress_attacks.views, generate_series(1, 100) r
WHERE title_id > 1000
GROUP BY title_id, r;
SELECT rr AS rewrites,
       count(*) AS groups,
       count(*) FILTER (WHERE round(avg_p) = n) AS exact,
       round(100.0 * count(*) FILTER (WHERE round(avg_p) = n) / count(*), 1) AS exact_pct
FROM (SELECT w.title_id, rr, avg(p) AS avg_p, max(x.n) AS n
      FROM rewrites w
      JOIN (SELECT title_id, count(DISTINCT viewer_id) AS n FROM regress_attacks.views
            GROUP BY title_id) x USING (title_id),
           unnest(ARRAY[1, 5, 10, 15, 20, 50, 100]) rr
      WHERE w.r <= rr
      GROUP BY w.title_id, rr) s
WHERE title_id BETWEEN 1001 AND 1200
GROUP BY rr ORDER BY rr;
-- the 53 streakers, from 10 rewrites
SELECT perturbed_count(viewer_id) = 53 AS plain_exact,
       (SELECT round(avg(p)) FROM rewrites WHERE title_id = 2000 AND r <= 10) AS from_10_rewrites
FROM regress_attacks.views WHERE title_id = 2000;
DROP TABLE rewrites;
DROP FUNCTION pg_temp.pad_bisect(int);
RESET ROLE;

INSERT INTO privacy_secret (secret) VALUES (decode(:'saved_secret', 'hex'));
DROP SCHEMA regress_attacks CASCADE;
DROP ROLE regress_attacker;
