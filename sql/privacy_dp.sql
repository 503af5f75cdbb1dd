-- Privacy-safe counts, part 4: dp_count(unit, epsilon [, delta]), exact
-- discrete Laplace noise with partition selection.  The noise is fresh
-- randomness, so only properties are printed, with bounds a correct
-- implementation misses with probability below 1e-6.

-- ---- bad arguments: class 22 ----
SELECT q, regress_privacy.try(q) FROM (VALUES
  ('SELECT dp_count(x, 0) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, -1) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, ''NaN'') FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, ''Infinity'') FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, ''-Infinity'') FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 1e-7) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 1001) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, NULL) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 0.5, 0) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 0.5, 1) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 0.5, 1.5) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 0.5, -1e-5) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 0.5, ''NaN'') FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 0.5, ''Infinity'') FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 0.5, NULL) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 0.5 + x / 10.0) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(NULL::int, -1) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(p, 0.5) FROM (VALUES (point(1, 2))) v(p)'),
  ('SELECT dp_count(x, 0.5) OVER () FROM generate_series(1, 3) x')) v(q);
-- ... and the DBA's caps, 42501 even for a superuser
SELECT q, regress_privacy.try(q) FROM (VALUES
  ('SELECT dp_count(x, 2) FROM generate_series(1, 3) x'),
  ('SELECT dp_count(x, 0.5, 1e-4) FROM generate_series(1, 3) x')) v(q);
SELECT dp_count(x, 2) FROM generate_series(1, 3) x;

-- no rows, only NULL units: NULL
SELECT (SELECT dp_count(x, 1) FROM generate_series(1, 3) x WHERE false) AS no_rows,
       (SELECT dp_count(NULL::int, 1) FROM generate_series(1, 300)) AS only_nulls;

-- ---- partition selection ----
-- 20000 groups of one viewer each, the threshold lowered to 1 so that only
-- partition selection stands between them and publication.
SET viewstats.min_group_size = 1;
-- delta = 1e-5, epsilon = 1: tau = 13, P(release) = e^-12 / (1 + e^-1) = 4.5e-6
SELECT count(*) AS groups, count(d) <= 3 AS almost_none_released
FROM (SELECT g, dp_count(g, 1.0) AS d FROM generate_series(1, 20000) g GROUP BY g) s;
-- delta = 0.01: tau = 6, P(release) = P(noise >= 5) = e^-5 / (1 + e^-1) = 0.004926
SET viewstats.dp_max_delta = 0.01;
SELECT count(*) AS groups, min(d) AS smallest_released,
       abs(count(d) - 20000 * 0.004926) < 6 * sqrt(20000 * 0.004926) AS release_rate_is_delta_bound
FROM (SELECT g, dp_count(g, 1.0, 0.01) AS d FROM generate_series(1, 20000) g GROUP BY g) s;
RESET viewstats.dp_max_delta;
RESET viewstats.min_group_size;

-- The DBA's min_group_size also applies to the noisy count: with
-- epsilon = 5 partition selection alone would release at 4.
SET viewstats.dp_max_epsilon = 5;
SELECT count(*) FILTER (WHERE n >= 10) AS groups_of_10_or_more,
       abs(count(d) - 1000) < 10 AS about_those_released, min(d) >= 10 AS none_below_10,
       count(*) FILTER (WHERE n < 8 AND d IS NOT NULL) AS small_groups_released
FROM (SELECT g, dp_count(g * 100 + v, 5) AS d, count(*) AS n
      FROM generate_series(1, 2000) g, generate_series(1, g % 20) v GROUP BY g) s;
RESET viewstats.dp_max_epsilon;

-- ---- the noise: discrete Laplace with P(x) = tanh(eps/2) exp(-eps |x|) ----
-- 6000 groups of 30 viewers, epsilon = 1: noise = dp_count - 30 (released
-- unless noise < -17, probability 1e-8).  Chi-square over -3..3 and the two
-- tails (9 bins, 8 df; the 1e-6 critical value is 42.7); the variance of
-- the noise is 2 e^-1 / (1 - e^-1)^2 = 1.8414.
CREATE TABLE regress_privacy.noise AS
SELECT dp_count(g * 100 + v, 1.0) - 30 AS x
FROM generate_series(1, 6000) g, generate_series(1, 30) v GROUP BY g;
WITH bins AS (
  SELECT b, count(x) AS o,
         6000 * CASE WHEN abs(b) = 4 THEN exp(-4.0) / (1 + exp(-1.0))  -- |x| >= 4
                     ELSE tanh(0.5) * exp(-abs(b)) END AS e
  FROM generate_series(-4, 4) b
  LEFT JOIN regress_privacy.noise ON greatest(-4, least(4, x)) = b
  GROUP BY b)
SELECT (SELECT count(*) FROM regress_privacy.noise) AS samples,
       (SELECT count(x) FROM regress_privacy.noise) AS released,
       (SELECT sum((o - e) ^ 2 / e) FROM bins) < 42.7 AS chi_square_fits,
       (SELECT abs(avg(x)) < 6 * sqrt(1.8414 / 6000) FROM regress_privacy.noise) AS mean_about_0,
       (SELECT abs(var_pop(x) - 1.8414) < 6 * 1.8414 * sqrt(5.0 / 6000) FROM regress_privacy.noise) AS variance_about_exact;

-- ---- parallel plans ----
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT regress_privacy.plan('SELECT g, dp_count(viewer, 0.5) FROM regress_privacy.plog GROUP BY g')
       LIKE '%Gather%Partial%Aggregate%' AS parallel_partial_plan;
-- scale 2: every released count within 40 of the exact one (P < e^-20)
SELECT count(*) FILTER (WHERE d IS NOT NULL AND abs(d - n) > 40) AS far_off,
       count(*) FILTER (WHERE d < 10) AS below_10
FROM (SELECT g, dp_count(viewer, 0.5) AS d, count(DISTINCT viewer) AS n
      FROM regress_privacy.plog GROUP BY g) s;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- Under GROUP BY, HAVING dp_count(...) IS NOT NULL removes the groups that
-- fail partition selection; PostgreSQL computes the identical calls in
-- HAVING and the select list once, so no released row shows NULL.  3000
-- groups of 14 units, epsilon 1 (tau 13): about nine in ten released.
SELECT count(*) BETWEEN 1500 AND 2900 AS many_released,
       count(*) FILTER (WHERE d IS NULL) AS null_rows
FROM (SELECT g, dp_count(v, 1) AS d
      FROM generate_series(1, 3000) g, generate_series(1, 14) v
      GROUP BY g
      HAVING dp_count(v, 1) IS NOT NULL) s;
