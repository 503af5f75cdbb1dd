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
-- delta = 1e-5, epsilon = 1: tau = 13, P(release) = e^-12 / (1 + e^-1) = 4.5e-6,
-- so 0.09 releases expected; 5 or more happen with probability 5e-8
SELECT count(*) AS groups, count(d) <= 4 AS almost_none_released
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
-- 6000 groups of 40 viewers, epsilon = 1: noise = dp_count - 40 (released
-- unless noise < -27: some group is withheld with probability 3e-9; with
-- 30 viewers that was 7e-5, and it happened).  Chi-square over -3..3 and
-- the two tails (9 bins, 8 df; the 1e-6 critical value is 42.7); the
-- variance of the noise is 2 e^-1 / (1 - e^-1)^2 = 1.8414.
CREATE TABLE regress_privacy.noise AS
SELECT dp_count(g * 100 + v, 1.0) - 40 AS x
FROM generate_series(1, 6000) g, generate_series(1, 40) v GROUP BY g;
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

-- ---- the noise follows the call's epsilon, below the DBA's cap ----
-- viewstats.dp_max_epsilon is 1, the default.  Calls at epsilon 0.1 and 0.5
-- must draw noise of variance 2 e^-eps / (1 - e^-eps)^2 = 199.8 and 7.84,
-- not the cap's 1.84.  Groups of n viewers, n far above the release
-- threshold (110 at 0.1, 24 at 0.5), so every count is released: some
-- group is withheld with probability 9e-9 (0.1) and 8e-10 (0.5).
-- The check is Kolmogorov-Smirnov against the documented distribution's
-- CDF, F(x) = 1 - e^(-eps (x + 1)) / (1 + e^-eps) for x >= 0 and
-- e^(eps x) / (1 + e^-eps) for x < 0: D = max over x of |F_n(x) - F(x)|.
-- The Dvoretzky-Kiefer-Wolfowitz inequality (Massart's constant) bounds
-- P(D > t) by 2 exp(-2 n t^2) for any distribution, so with
-- t = sqrt(ln(2 / 1e-6) / (2 n)) a correct dp_count fails each check with
-- probability at most 1e-6.  Noise drawn at the cap instead is 0.35
-- (epsilon 0.1) and 0.13 (epsilon 0.5) away from F, against t = 0.060 and
-- 0.049: by the same inequality, missed with probability below 1e-16.
-- The variance is checked too, within 6 standard errors (kurtosis 6).
CREATE TABLE regress_privacy.noise_eps AS
SELECT 0.1::float8 AS eps, dp_count(g * 1000 + v, 0.1) - 370 AS x
FROM generate_series(1, 2000) g, generate_series(1, 370) v GROUP BY g
UNION ALL
SELECT 0.5, dp_count(g * 1000 + v, 0.5) - 80
FROM generate_series(1, 3000) g, generate_series(1, 80) v GROUP BY g;
WITH s AS (
  SELECT eps, count(*) AS n, count(x) AS released, min(x) AS lo, max(x) AS hi,
         var_pop(x) AS variance, 2 * exp(-eps) / (1 - exp(-eps)) ^ 2 AS exact_variance
  FROM regress_privacy.noise_eps GROUP BY eps),
hist AS (
  SELECT eps, x, count(*) AS c FROM regress_privacy.noise_eps GROUP BY eps, x),
ks AS (
  SELECT s.eps,
         max(abs(e.emp - CASE WHEN e.k >= 0 THEN 1 - exp(-s.eps * (e.k + 1)) / (1 + exp(-s.eps))
                              ELSE exp(s.eps * e.k) / (1 + exp(-s.eps)) END)) AS d
  FROM s, LATERAL (
    SELECT k, sum(coalesce(h.c, 0)) OVER (ORDER BY k)::float8 / s.n AS emp
    FROM generate_series(s.lo - 1, s.hi) k
    LEFT JOIN hist h ON h.eps = s.eps AND h.x = k) e
  GROUP BY s.eps)
SELECT eps, n AS samples, released = n AS all_released,
       d < sqrt(ln(2 / 1e-6) / (2 * n)) AS ks_fits,
       abs(variance - exact_variance) < 6 * exact_variance * sqrt(5.0 / n) AS variance_about_exact
FROM s JOIN ks USING (eps) ORDER BY eps;

-- ---- parallel plans ----
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
-- the plan checked is the plan of the statement measured: epsilon must
-- reach the leader through the workers' serialized states
SELECT regress_privacy.plan('CREATE TABLE regress_privacy.dp_parallel AS
                             SELECT g, dp_count(viewer, 0.5) AS d FROM regress_privacy.plog GROUP BY g')
       LIKE '%Gather%Partial%Aggregate%' AS parallel_partial_plan;
CREATE TABLE regress_privacy.dp_parallel AS
SELECT g, dp_count(viewer, 0.5) AS d FROM regress_privacy.plog GROUP BY g;
-- scale 2: every released count within 40 of the exact one (P < e^-20)
SELECT count(*) FILTER (WHERE d IS NOT NULL AND abs(d - n) > 40) AS far_off,
       count(*) FILTER (WHERE d < 10) AS below_10,
       count(d) > 0 AS some_released
FROM regress_privacy.dp_parallel JOIN regress_privacy.exact USING (g);
RESET parallel_leader_participation;
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
