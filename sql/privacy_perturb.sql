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
-- (the plan checked is the plan of the statement measured)
SELECT regress_privacy.plan('CREATE TABLE regress_privacy.suppressed_parallel AS
                             SELECT g, suppressed_count(viewer, 20) AS s FROM regress_privacy.plog GROUP BY g')
       LIKE '%Gather%Partial%Aggregate%' AS suppressed_partial_plan;
CREATE TABLE regress_privacy.suppressed_parallel AS
SELECT g, suppressed_count(viewer, 20) AS s FROM regress_privacy.plog GROUP BY g;
SELECT count(*) FILTER (WHERE s IS DISTINCT FROM CASE WHEN n >= 20 THEN n END) AS suppressed_differing,
       count(*) FILTER (WHERE n BETWEEN 10 AND 19) > 0 AS some_between_10_and_19
FROM regress_privacy.suppressed_parallel JOIN regress_privacy.exact USING (g);
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
-- The p-table's rows from their definition (README; src/core/ck_core.h):
-- row h is the maximum-entropy distribution on [-min(h, D), D] with mean 0
-- and variance V, that is p_j proportional to exp(a j + b j^2) for the
-- (a, b) giving mean 0 and variance V.  This oracle finds (a, b) by nested
-- bisection, not by the core's Newton steps: for a fixed b the mean grows
-- with a (its derivative is the variance), and along mean 0 the variance
-- grows with b (its derivative is Var(j^2) - Cov(j, j^2)^2 / Var(j) > 0).
CREATE FUNCTION regress_privacy.maxent_row(lo int, hi int, v float8)
RETURNS TABLE (j int, prob float8) LANGUAGE plpgsql AS $$
DECLARE
	a float8;
	b float8;
	a_lo float8;
	a_hi float8;
	b_lo float8 := -40;
	b_hi float8 := 40;
	top float8;
	z float8;
	m1 float8;
	m2 float8;
	w float8[];
BEGIN
	FOR i IN 1 .. 70 LOOP
		b := (b_lo + b_hi) / 2;
		a_lo := -50 - 40 * abs(b);
		a_hi := 50 + 40 * abs(b);
		FOR k IN 1 .. 70 LOOP
			a := (a_lo + a_hi) / 2;
			top := greatest(a * lo + b * lo * lo, a * hi + b * hi * hi, 0);
			z := 0;
			m1 := 0;
			m2 := 0;
			w := '{}';
			FOR x IN lo .. hi LOOP
				-- exp() raises an error on underflow
				w := w || CASE WHEN a * x + b * x * x - top < -700 THEN 0
				               ELSE exp(a * x + b * x * x - top) END;
				z := z + w[x - lo + 1];
				m1 := m1 + w[x - lo + 1] * x;
				m2 := m2 + w[x - lo + 1] * x * x;
			END LOOP;
			IF m1 > 0 THEN a_hi := a; ELSE a_lo := a; END IF;
		END LOOP;
		IF m2 / z > v THEN b_hi := b; ELSE b_lo := b; END IF;
	END LOOP;
	RETURN QUERY SELECT x, w[x - lo + 1] / z FROM generate_series(lo, hi) x;
END $$;
-- D = 2, V = 1: the rows for headroom 2 (and more) and 1.  Each is checked
-- against the definition: probabilities summing to 1, mean 0, variance 1,
-- and ln p quadratic in j (every third difference 0), which is what
-- maximum entropy under those constraints means.  The symmetric row also
-- has a closed form: p_j proportional to y^(j^2), where 2 y + 8 y^4 =
-- 1 + 2 y + 2 y^4 makes the variance 1, so y = 6^(-1/4).
CREATE TABLE regress_privacy.ptable AS
SELECT 2 AS h, j AS d, prob FROM regress_privacy.maxent_row(-2, 2, 1)
UNION ALL SELECT 1, j, prob FROM regress_privacy.maxent_row(-1, 2, 1);
SELECT h, d, round(prob::numeric, 6) AS prob,
       CASE WHEN h = 2 THEN abs(prob - 6 ^ (-(d * d) / 4.0) / (1 + 2 * 6 ^ -0.25 + 2 / 6.0)) < 1e-12
       END AS closed_form
FROM regress_privacy.ptable ORDER BY h DESC, d;
SELECT h, abs(sum(prob) - 1) < 1e-12 AS sums_to_1, abs(sum(prob * d)) < 1e-12 AS mean_0,
       abs(sum(prob * d * d) - 1) < 1e-12 AS variance_1,
       bool_and(abs(t) < 1e-9) AS log_quadratic
FROM (SELECT h, d, prob,
             ln(prob) - 3 * ln(lead(prob, 1) OVER w) + 3 * ln(lead(prob, 2) OVER w) - ln(lead(prob, 3) OVER w) AS t
      FROM regress_privacy.ptable WINDOW w AS (PARTITION BY h ORDER BY d)) x
GROUP BY h ORDER BY h;

-- 4000 groups of 12 to 60 viewers, no viewer in two groups, so the cell
-- keys are independent: the deviations should follow the row for
-- headroom >= 2, mean 0 and variance V = 1.  Bounds are 6 standard errors
-- (and a 1e-6 chi-square critical value): a false alarm is below 1e-6.
CREATE TABLE regress_privacy.dev AS
SELECT g, perturbed_count(g * 100 + v) - count(DISTINCT g * 100 + v) AS d
FROM generate_series(1, 4000) g, generate_series(1, 12 + g % 49) v GROUP BY g;
SELECT count(*) AS groups, min(d) AS min_dev, max(d) AS max_dev,
       abs(avg(d)) < 6 * sqrt(1.0 / count(*)) AS mean_about_0,
       abs(avg(d * d) - 1) < 6 * sqrt(1.532 / count(*)) AS variance_about_1
FROM regress_privacy.dev;
SELECT sum((o - e) ^ 2 / e) < 33.4 AS chi_square_fits_ptable   -- 4 df, 1e-6
FROM (SELECT p.d, count(v.d) AS o, p.prob * (SELECT count(*) FROM regress_privacy.dev) AS e
      FROM regress_privacy.ptable p LEFT JOIN regress_privacy.dev v USING (d)
      WHERE p.h = 2 GROUP BY p.d, p.prob) x;
-- 4000 groups of exactly 11 viewers: headroom 1, deviations -1 to 2
-- (a count of 11 is never published as 9)
CREATE TABLE regress_privacy.dev1 AS
SELECT g, perturbed_count(g * 100 + v) - 11 AS d
FROM generate_series(1, 4000) g, generate_series(1, 11) v GROUP BY g;
SELECT min(d) AS min_dev, max(d) AS max_dev,
       (SELECT sum((o - e) ^ 2 / e) < 30.7   -- 3 df, 1e-6
        FROM (SELECT p.d, count(v.d) AS o, p.prob * 4000 AS e
              FROM regress_privacy.ptable p LEFT JOIN regress_privacy.dev1 v USING (d)
              WHERE p.h = 1 GROUP BY p.d, p.prob) x) AS chi_square_fits_row_1
FROM regress_privacy.dev1;

-- ---- the cell key is the sum of the units' record keys ----
-- With D = 1 and V = 0.5 the row for headroom >= 1 is exactly (1/4, 1/2,
-- 1/4) on (-1, 0, +1), quantized without rounding to 2^30, 2^31 and 2^30
-- of the 2^32 cell keys.  So a group's perturbation tells which part of
-- the key circle (in units of 2^32) its cell key k lies in: -1 for
-- [0, 1/4), 0 for [1/4, 3/4), +1 for [3/4, 1).  The cell key of a disjoint
-- union is k(A) + k(B) mod 2^32, so the parts' perturbations bound the
-- union's, whatever the secret:
--   +1 and +1: [1/2, 1), never -1      -1 and -1: [0, 1/2), never +1
--   -1 and +1: [3/4, 5/4), never 0     -1 and 0: [1/4, 1), never -1
--   0 and +1: [1, 7/4), never +1
-- A cell key built with XOR instead would give -1 for every union of two
-- +1 parts (top bits 11 xor 11), about one pair in 16 here.
SET viewstats.ptable_max_deviation = 1;
SET viewstats.ptable_variance = 0.5;
CREATE TABLE regress_privacy.unions AS
SELECT g, max(p) FILTER (WHERE part = 'a') AS pa, max(p) FILTER (WHERE part = 'b') AS pb,
       max(p) FILTER (WHERE part IS NULL) AS pab
FROM (SELECT g, part, perturbed_count(u) - count(DISTINCT u) AS p
      FROM (SELECT g, 'a' AS part, g * 100 + v AS u FROM generate_series(1, 2000) g, generate_series(1, 12) v
            UNION ALL
            SELECT g, 'b', g * 100 + 50 + v FROM generate_series(1, 2000) g, generate_series(1, 12) v) s
      GROUP BY GROUPING SETS ((g, part), (g))) x
GROUP BY g;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE pa = 1 AND pb = 1) > 0 AS some_plus_plus,
       count(*) FILTER (WHERE (least(pa, pb), greatest(pa, pb), pab)
                              IN ((1, 1, -1), (-1, -1, 1), (-1, 1, 0), (-1, 0, -1), (0, 1, 1))) AS impossible_unions
FROM regress_privacy.unions;
RESET viewstats.ptable_variance;
RESET viewstats.ptable_max_deviation;

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
-- the view shows one row, and the secret is 32 bytes
SELECT count(*) AS rows, min(octet_length(secret)) AS bytes FROM privacy_secret;
-- the same in a subtransaction rolled back after the new key was used
BEGIN;
SAVEPOINT before_rotation;
SELECT rotate_privacy_secret();
SELECT regress_privacy.differs('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g') > 100
       AS rotated_in_savepoint;
ROLLBACK TO SAVEPOINT before_rotation;
SELECT regress_privacy.differs('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g')
       AS after_rollback_to_savepoint_differing;
COMMIT;

-- ---- another session follows a rotation at once ----
-- A second session (through dblink) computes the counts, which caches the
-- key it derives; this session rotates the secret and commits.  The other
-- session's next counts must be this session's new ones, not those of its
-- cached key.  Then the old secret is put back the way a DBA copies one
-- (an INSERT into the view), and with it the old numbers, which
-- privacy_roles compares with.
CREATE TABLE regress_privacy.old_secret AS SELECT secret FROM privacy_secret;
CREATE EXTENSION dblink;
-- the other session's perturbed counts per group
\set other_counts 'SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g'
SELECT dblink_connect('other', format('dbname=%s user=%s host=%s port=%s', current_database(), current_user,
                      split_part(current_setting('unix_socket_directories'), ',', 1),
                      current_setting('port')));
CREATE TABLE regress_privacy.other_before AS
SELECT * FROM dblink('other', :'other_counts')
  AS t(g int, p bigint);
SELECT rotate_privacy_secret();
CREATE TABLE regress_privacy.here_after AS
SELECT g, perturbed_count(viewer) AS p FROM regress_privacy.plog GROUP BY g;
SELECT count(*) FILTER (WHERE b.p IS DISTINCT FROM a.p) > 100 AS rotation_moved_most_groups,
       count(*) FILTER (WHERE o.p IS DISTINCT FROM a.p) AS other_session_differs
FROM regress_privacy.here_after a
JOIN regress_privacy.other_before b USING (g)
JOIN dblink('other', :'other_counts')
  AS o(g int, p bigint) USING (g);
-- The same inside the other session's open transaction: the rotation's
-- invalidation reaches it at its next statement.
SELECT dblink_exec('other', 'BEGIN');
SELECT count(*) AS other_groups
FROM dblink('other', :'other_counts')
  AS t(g int, p bigint);
SELECT rotate_privacy_secret();
CREATE TABLE regress_privacy.here_mid AS
SELECT g, perturbed_count(viewer) AS p FROM regress_privacy.plog GROUP BY g;
SELECT count(*) FILTER (WHERE m.p IS DISTINCT FROM a.p) > 100 AS rotation_moved_most_groups,
       count(*) FILTER (WHERE o.p IS DISTINCT FROM m.p) AS other_transaction_differs
FROM regress_privacy.here_mid m
JOIN regress_privacy.here_after a USING (g)
JOIN dblink('other', :'other_counts')
  AS o(g int, p bigint) USING (g);
SELECT dblink_exec('other', 'COMMIT');
-- A superuser's plain setval on one sequence (as pg_restore's data section
-- does) is not transactional and sends no invalidation: both sessions,
-- whose keys are cached, must see it at their next transaction.
SELECT setval('privacy_secret_2', 1234567890123, true) AS plain_setval;
CREATE TABLE regress_privacy.here_setval AS
SELECT g, perturbed_count(viewer) AS p FROM regress_privacy.plog GROUP BY g;
SELECT count(*) FILTER (WHERE s.p IS DISTINCT FROM m.p) > 100 AS setval_moved_most_groups,
       count(*) FILTER (WHERE o.p IS DISTINCT FROM s.p) AS other_session_differs
FROM regress_privacy.here_setval s
JOIN regress_privacy.here_mid m USING (g)
JOIN dblink('other', :'other_counts')
  AS o(g int, p bigint) USING (g);
-- the view shows the value set, in the bytes 17 to 24 of the secret
SELECT substr(secret, 17, 8) = int8send(1234567890123) AS view_shows_setval FROM privacy_secret;
SELECT dblink_disconnect('other');
DROP EXTENSION dblink;
INSERT INTO privacy_secret (secret) SELECT secret FROM regress_privacy.old_secret;
DROP TABLE regress_privacy.old_secret;
SELECT regress_privacy.differs('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g') AS after_restore_differing,
       (SELECT count(*) FROM privacy_secret) AS rows;
