-- Privacy-safe counts, part 3: perturbed_count(unit), the cell key method.
-- The secret is fresh in every test database, so the perturbed numbers
-- themselves are never printed: only properties, against the exact
-- count(DISTINCT ...) and the p-table's documented probabilities.

-- EXPLAIN text of a query, for plan assertions
CREATE FUNCTION regress_privacy.plan(q text, details bool DEFAULT false) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	t text := '';
BEGIN
	FOR r IN EXECUTE format('EXPLAIN (COSTS OFF, VERBOSE %s) %s', CASE WHEN details THEN 'on' ELSE 'off' END, q) LOOP
		t := t || r."QUERY PLAN" || E'\n';
	END LOOP;
	RETURN t;
END $$;

-- a seeded log: 300 groups of 0 to 59 distinct viewers, up to 4 rows each,
-- some NULL viewers; viewer ids overlap between groups
SELECT setseed(0.5);
CREATE TABLE regress_privacy.plog AS
SELECT g, CASE WHEN random() < 0.05 THEN NULL ELSE (g * 37 + v) % 4000 END AS viewer,
       (random() * 1000)::int AS noise
FROM generate_series(0, 299) g, generate_series(1, g % 60) v,
     generate_series(1, 1 + (random() * 3)::int) dup;
ANALYZE regress_privacy.plog;

-- ---- the basics ----
-- below the threshold NULL; at it exact (nothing to move without going
-- below); above, within D = 2 of the exact count; never below 10
CREATE TABLE regress_privacy.exact AS
SELECT g, count(DISTINCT viewer) AS n FROM regress_privacy.plog GROUP BY g;
CREATE TABLE regress_privacy.serial AS
SELECT g, perturbed_count(viewer) AS p FROM regress_privacy.plog GROUP BY g;
CREATE TABLE regress_privacy.whole AS
SELECT perturbed_count(viewer) AS p FROM regress_privacy.plog;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE n < 10 AND p IS NULL) AS below_10_null,
       count(*) FILTER (WHERE n < 10 AND p IS NOT NULL) AS below_10_published,
       count(*) FILTER (WHERE n = 10 AND p = 10) AS exactly_10_unmoved,
       count(*) FILTER (WHERE n = 11 AND p BETWEEN 10 AND 13) AS at_11_within_bounds,
       count(*) FILTER (WHERE n > 10 AND abs(p - n) <= 2) AS within_2,
       count(*) FILTER (WHERE n > 10 AND abs(p - n) > 2) AS beyond_2,
       min(p) AS smallest_published
FROM regress_privacy.exact JOIN regress_privacy.serial USING (g);

-- ---- the same set of viewers, the same number, however it is asked ----
CREATE FUNCTION regress_privacy.differs(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	d bigint;
BEGIN
	EXECUTE format('SELECT count(*) FROM ((TABLE regress_privacy.serial EXCEPT %1$s)
	                UNION ALL (%1$s EXCEPT TABLE regress_privacy.serial)) x', q) INTO d;
	RETURN d;
END $$;
CREATE TABLE regress_privacy.plog_rev AS SELECT * FROM regress_privacy.plog ORDER BY g DESC, viewer DESC NULLS FIRST;
CREATE TABLE regress_privacy.plog_shuffled AS SELECT * FROM regress_privacy.plog ORDER BY md5(noise::text || g || viewer);
SET max_parallel_workers_per_gather = 0;
SELECT what, regress_privacy.differs(q) AS differing_groups FROM (VALUES
  ('repeated', 'SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g'),
  ('rows reversed', 'SELECT g, perturbed_count(viewer) FROM regress_privacy.plog_rev GROUP BY g'),
  ('rows shuffled', 'SELECT g, perturbed_count(viewer) FROM regress_privacy.plog_shuffled GROUP BY g'),
  ('every row twice', 'SELECT g, perturbed_count(viewer) FROM (SELECT g, viewer FROM regress_privacy.plog UNION ALL SELECT g, viewer FROM regress_privacy.plog) u GROUP BY g'),
  ('NULL rows dropped', 'SELECT g, perturbed_count(viewer) FROM regress_privacy.plog WHERE viewer IS NOT NULL GROUP BY g'),
  ('WHERE true AND noise >= 0', 'SELECT g, perturbed_count(viewer) FROM regress_privacy.plog WHERE true AND noise >= 0 GROUP BY g'),
  ('union of two halves', 'SELECT g, perturbed_count(viewer) FROM (SELECT * FROM regress_privacy.plog WHERE noise < 500 UNION ALL SELECT * FROM regress_privacy.plog WHERE NOT noise < 500) u GROUP BY g'),
  ('sorted, not hashed', 'SELECT g, perturbed_count(viewer) FROM (SELECT * FROM regress_privacy.plog ORDER BY g OFFSET 0) s GROUP BY g'),
  ('unit as bigint', 'SELECT g, perturbed_count(viewer::bigint) FROM regress_privacy.plog GROUP BY g'),
  ('unit as smallint', 'SELECT g, perturbed_count(viewer::smallint) FROM regress_privacy.plog GROUP BY g'),
  ('as a window aggregate', 'SELECT DISTINCT g, perturbed_count(viewer) OVER (PARTITION BY g) FROM regress_privacy.plog')) v(what, q);
-- the same groups, selected in two ways
SELECT (SELECT array_agg(p ORDER BY g) FROM (SELECT g, perturbed_count(viewer) AS p FROM regress_privacy.plog
                                             WHERE g IN (15, 40, 99) GROUP BY g) a)
       IS NOT DISTINCT FROM
       (SELECT array_agg(p ORDER BY g) FROM (SELECT g, perturbed_count(viewer) AS p FROM regress_privacy.plog
                                             WHERE g = 15 OR g = 40 OR (g > 98 AND g < 100) GROUP BY g) b)
       AS in_list_equals_or;

-- forced parallel plans: partial aggregates in workers, states serialized,
-- combined in the leader
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT regress_privacy.plan('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g')
       LIKE '%Gather%Partial%Aggregate%' AS parallel_partial_plan;
SELECT regress_privacy.differs('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g') AS parallel_differing;
-- suppressed_count's threshold argument travels in the serialized state
SELECT regress_privacy.plan('SELECT g, suppressed_count(viewer, 20) FROM regress_privacy.plog GROUP BY g')
       LIKE '%Gather%Partial%Aggregate%' AS suppressed_partial_plan,
       count(*) FILTER (WHERE s IS DISTINCT FROM CASE WHEN n >= 20 THEN n END) AS suppressed_differing
FROM (SELECT g, suppressed_count(viewer, 20) AS s FROM regress_privacy.plog GROUP BY g) p
JOIN regress_privacy.exact USING (g);
SELECT regress_privacy.plan('SELECT perturbed_count(viewer) FROM regress_privacy.plog')
       LIKE '%Partial Aggregate%' AS whole_table_partial,
       (SELECT perturbed_count(viewer) FROM regress_privacy.plog) =
       (SELECT p FROM regress_privacy.whole) AS whole_table_equal;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;

-- partitionwise aggregation: each group's viewers are split across three
-- hash partitions, so every group is a combine of three partial states
CREATE TABLE regress_privacy.plog_parts (g int, viewer int, noise int) PARTITION BY HASH (viewer);
CREATE TABLE regress_privacy.plog_p0 PARTITION OF regress_privacy.plog_parts FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE regress_privacy.plog_p1 PARTITION OF regress_privacy.plog_parts FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE regress_privacy.plog_p2 PARTITION OF regress_privacy.plog_parts FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO regress_privacy.plog_parts SELECT * FROM regress_privacy.plog;
ANALYZE regress_privacy.plog_parts;
SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
SELECT regress_privacy.plan('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog_parts GROUP BY g')
       LIKE '%Partial%Partial%Partial%' AS three_partial_aggregates;
SELECT regress_privacy.differs('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog_parts GROUP BY g') AS partitionwise_differing;
RESET enable_partitionwise_aggregate;

-- ---- the perturbation's distribution ----
-- 4000 groups of 12 to 60 viewers, no viewer in two groups, so the cell
-- keys are independent: the deviations should follow the p-table's last
-- row, mean 0 and variance V = 1 exactly.  Bounds are 6 standard errors
-- (and a 1e-6 chi-square critical value): a false alarm is below 1e-6.
CREATE TABLE regress_privacy.dev AS
SELECT g, perturbed_count(g * 100 + v) - count(DISTINCT g * 100 + v) AS d
FROM generate_series(1, 4000) g, generate_series(1, 12 + g % 49) v GROUP BY g;
-- the p-table's row for headroom >= 2 (D = 2, V = 1), as the unit test prints it
CREATE TABLE regress_privacy.ptable (d int, prob float8);
INSERT INTO regress_privacy.ptable VALUES
  (-2, 0.063827), (-1, 0.244691), (0, 0.382963), (1, 0.244691), (2, 0.063827);
SELECT count(*) AS groups, min(d) AS min_dev, max(d) AS max_dev,
       abs(avg(d)) < 6 * sqrt(1.0 / count(*)) AS mean_about_0,
       abs(avg(d * d) - 1) < 6 * sqrt(1.532 / count(*)) AS variance_about_1
FROM regress_privacy.dev;
SELECT sum((o - e) ^ 2 / e) < 33.4 AS chi_square_fits_ptable   -- 4 df, 1e-6
FROM (SELECT p.d, count(v.d) AS o, p.prob * (SELECT count(*) FROM regress_privacy.dev) AS e
      FROM regress_privacy.ptable p LEFT JOIN regress_privacy.dev v USING (d) GROUP BY p.d, p.prob) x;

-- ---- the DBA's p-table settings ----
SET viewstats.ptable_max_deviation = 3;
SET viewstats.ptable_variance = 2.5;
SELECT min(p - n) >= -3 AND max(p - n) <= 3 AS within_3, max(abs(p - n)) = 3 AS reaches_3,
       min(p) >= 10 AS never_below_10
FROM (SELECT g, perturbed_count(g * 100 + v) AS p, count(*) AS n
      FROM generate_series(1, 2000) g, generate_series(1, 10 + g % 20) v GROUP BY g) s;
SET viewstats.ptable_max_deviation = 1;
SET viewstats.ptable_variance = 0.5;
SELECT min(p - n) AS min_dev, max(p - n) AS max_dev
FROM (SELECT g, perturbed_count(g * 100 + v) AS p, count(*) AS n
      FROM generate_series(1, 500) g, generate_series(1, 15) v GROUP BY g) s;
-- V must stay below D; the combination is checked when a count is made
SET viewstats.ptable_variance = 1;
SELECT regress_privacy.try('SELECT perturbed_count(x) FROM generate_series(1, 20) x') AS variance_not_below_d,
       regress_privacy.try('SELECT perturbed_count(1)') AS even_when_suppressed;
RESET viewstats.ptable_variance;
RESET viewstats.ptable_max_deviation;
SELECT name, regress_privacy.try(format('SET %s = %s', name, val)) FROM (VALUES
  ('viewstats.min_group_size', '0'),
  ('viewstats.min_group_size', '-5'),
  ('viewstats.dp_max_epsilon', '0'),
  ('viewstats.dp_max_delta', '1'),
  ('viewstats.ptable_max_deviation', '0'),
  ('viewstats.ptable_max_deviation', '21'),
  ('viewstats.ptable_variance', '0'),
  ('viewstats.ptable_variance', '-1'),
  ('viewstats.ptable_variance', '''NaN''')) v(name, val);
-- a raised threshold moves the floor: nothing published below 30
SET viewstats.min_group_size = 30;
SELECT count(*) FILTER (WHERE p IS NOT NULL) AS published, min(p) AS smallest,
       count(*) FILTER (WHERE n >= 30) AS groups_of_30_or_more
FROM (SELECT g, perturbed_count(viewer) AS p, count(DISTINCT viewer) AS n
      FROM regress_privacy.plog GROUP BY g) s;
RESET viewstats.min_group_size;

-- ---- rotation: new secret, new perturbations; rolled back, the old ones ----
BEGIN;
SELECT rotate_privacy_secret();
SELECT count(*) FILTER (WHERE s.p <> r.p) > 100 AS most_groups_moved,
       count(*) FILTER (WHERE abs(r.p - e.n) > 2) AS beyond_2
FROM regress_privacy.serial s
JOIN (SELECT g, perturbed_count(viewer) AS p FROM regress_privacy.plog GROUP BY g) r USING (g)
JOIN regress_privacy.exact e USING (g);
ROLLBACK;
SELECT regress_privacy.differs('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g') AS after_rollback_differing;
-- the table keeps one row, and the secret is 32 bytes
SELECT count(*) AS rows, min(octet_length(secret)) AS bytes FROM privacy_secret;
