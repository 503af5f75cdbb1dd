-- Restricted mode, part 4: contribution bounding, exactly.  A restricted
-- dp_count call keeps each unit in the L groups of smallest priority,
-- hashint8extended(unit hash, group key hash) (ties broken by the group key
-- hash, both compared unsigned).  At epsilon 1000 the noise is 0 (it is not
-- with probability about 10^-434), so the published counts are exact and
-- are compared with a plain-SQL oracle of that rule, computed by the
-- superuser: the same groups published (count >= 10, the threshold), the
-- same numbers.  The log has 1,500 viewers, each watching 1 to 6 of 8 titles
-- on several days (repeated rows), in two tables holding the same rows in
-- different physical orders (by cell, and by viewer descending).
\c - postgres
SET client_min_messages = warning;
CREATE TABLE b_log (viewer_id int NOT NULL, title_id int NOT NULL, cell int NOT NULL);
INSERT INTO b_log
SELECT v, t, t * 1000 + d
FROM generate_series(1, 1500) v, generate_series(1, 8) t, generate_series(1, 6) d
WHERE (v * 31 + t * 17) % 8 < 1 + v % 6 AND (v + t + d) % 3 <> 0
ORDER BY t, d, v;
CREATE TABLE b_log_rev AS SELECT * FROM b_log ORDER BY viewer_id DESC, title_id DESC, cell DESC;
CREATE INDEX ON b_log_rev (title_id);
ANALYZE b_log, b_log_rev;
LOAD 'viewstats';
SECURITY LABEL FOR viewstats ON COLUMN b_log.viewer_id IS 'privacy_unit';
SECURITY LABEL FOR viewstats ON COLUMN b_log_rev.viewer_id IS 'privacy_unit';
CREATE ROLE regress_b_analyst LOGIN;
GRANT SELECT ON b_log, b_log_rev TO regress_b_analyst;
SECURITY LABEL FOR viewstats ON ROLE regress_b_analyst IS 'restricted';
ALTER ROLE regress_b_analyst SET session_preload_libraries = 'viewstats';
ALTER ROLE regress_b_analyst SET viewstats.dp_max_epsilon = 1000;
SELECT viewstats.set_privacy_budget('regress_b_analyst', 100000);

-- the rule in plain SQL: u64(x) reads an int8 as unsigned
CREATE FUNCTION u64(x bigint) RETURNS numeric LANGUAGE sql IMMUTABLE
	AS $$ SELECT x::numeric + CASE WHEN x < 0 THEN 18446744073709551616 ELSE 0 END $$;
CREATE TABLE b_pairs AS
SELECT DISTINCT viewer_id, title_id AS g,
	hashint4extended(viewer_id, 8532462532742635892) AS unit_hash,
	hashint4extended(title_id, 0) AS key_hash
FROM b_log;
CREATE TABLE b_oracle (l int, g int, n bigint);
INSERT INTO b_oracle
SELECT l, g, count(*) FILTER (WHERE rank <= l)
FROM (SELECT g, row_number() OVER (PARTITION BY viewer_id
		ORDER BY u64(hashint8extended(unit_hash, key_hash)), u64(key_hash)) AS rank
	  FROM b_pairs) r, (VALUES (1), (2), (8)) ls(l)
GROUP BY l, g;
-- the same for groups by cell (title and day): 48 groups, a unit in up to 24
CREATE TABLE b_cell_oracle (l int, g int, n bigint);
INSERT INTO b_cell_oracle
SELECT l, g, count(*) FILTER (WHERE rank <= l)
FROM (SELECT cell AS g, row_number() OVER (PARTITION BY viewer_id
		ORDER BY u64(hashint8extended(hashint4extended(viewer_id, 8532462532742635892),
									  hashint4extended(cell, 0))),
				 u64(hashint4extended(cell, 0))) AS rank
	  FROM (SELECT DISTINCT viewer_id, cell FROM b_log) p) r, (VALUES (1), (3)) ls(l)
GROUP BY l, g;
-- the oracle is not trivial: with L = 1 the titles' counts add up to the
-- number of viewers, with L = 8 to the number of (viewer, title) pairs
SELECT l, sum(n) AS counted, min(n), max(n) FROM b_oracle GROUP BY l ORDER BY l;
SELECT count(DISTINCT viewer_id) AS viewers, count(*) AS pairs FROM b_pairs;
SELECT g, n FROM b_oracle WHERE l = 1 ORDER BY g;
-- large groups: 60,000 viewers, each in titles 1 and 2 (two rows each)
CREATE TABLE b_big AS SELECT v AS viewer_id, t AS title_id
FROM generate_series(1, 60000) v, generate_series(1, 2) t, generate_series(1, 2) r;
SECURITY LABEL FOR viewstats ON COLUMN b_big.viewer_id IS 'privacy_unit';
GRANT SELECT ON b_big TO regress_b_analyst;
CREATE TABLE b_big_oracle AS
SELECT g, count(*) AS n FROM (
	SELECT DISTINCT ON (v) v, g FROM (
		SELECT viewer_id AS v, title_id AS g,
			hashint8extended(hashint4extended(viewer_id, 8532462532742635892),
							 hashint4extended(title_id, 0)) AS p,
			hashint4extended(title_id, 0) AS k
		FROM b_big) x
	ORDER BY v, u64(p), u64(k)) y
GROUP BY g;
SELECT g, n FROM b_big_oracle ORDER BY g;
-- in 64 kB of work_mem a hash aggregation of the 48 cells spills groups
-- to disk (so it finishes some before it has read every row)
CREATE FUNCTION spills(q text) RETURNS bool LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ' || q LOOP
		IF line ~ 'Batches: ([2-9]|[1-9][0-9]+)' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;
SET work_mem = '64kB';
SET hash_mem_multiplier = 1;
SET enable_sort = off;
SELECT spills('SELECT cell, dp_count(viewer_id, 1) FROM b_log GROUP BY cell') AS direct_spills;
RESET work_mem;
RESET hash_mem_multiplier;
RESET enable_sort;
CREATE TABLE b_bits AS SELECT v AS viewer_id, (v % 2)::bit(2) AS tier FROM generate_series(1, 50) v;
SECURITY LABEL FOR viewstats ON COLUMN b_bits.viewer_id IS 'privacy_unit';
GRANT SELECT ON b_bits TO regress_b_analyst;
GRANT SELECT ON b_oracle, b_cell_oracle, b_big_oracle TO regress_b_analyst;

\c - regress_b_analyst
SELECT viewstats.access_level();
SHOW viewstats.max_groups_contributed;
SELECT title_id, dp_count(viewer_id, 1000) FROM b_log GROUP BY title_id ORDER BY 1;
-- L = 1, both physical orders: as many groups published as the oracle has
-- groups of 10 or more, each with the oracle's count (the analyst may read
-- the public oracle beside the published rows)
SELECT count(*) AS published,
	(SELECT count(*) FROM b_oracle WHERE l = 1 AND n >= 10) AS oracle_published,
	bool_and(s.c = (SELECT n FROM b_oracle o WHERE o.l = 1 AND o.g = s.title_id)) AS exact
FROM (SELECT title_id, dp_count(viewer_id, 1000) AS c FROM b_log GROUP BY title_id) s;
SELECT count(*) AS published,
	(SELECT count(*) FROM b_oracle WHERE l = 1 AND n >= 10) AS oracle_published,
	bool_and(s.c = (SELECT n FROM b_oracle o WHERE o.l = 1 AND o.g = s.title_id)) AS exact
FROM (SELECT title_id, dp_count(viewer_id, 1000) AS c FROM b_log_rev GROUP BY title_id) s;
-- the DISTINCT form counts the same
SELECT count(*) AS published,
	(SELECT count(*) FROM b_oracle WHERE l = 1 AND n >= 10) AS oracle_published,
	bool_and(s.c = (SELECT n FROM b_oracle o WHERE o.l = 1 AND o.g = s.title_id)) AS exact
FROM (SELECT title_id, dp_count(DISTINCT viewer_id, 1000) AS c FROM b_log GROUP BY title_id) s;
-- an index in key order, where a sorted aggregation needs no sort: still
-- one hashed aggregation, which reads every row before it publishes a
-- group; the same with the planner told to avoid hashing (whose EXPLAIN
-- differs from PostgreSQL 18 on, which marks the node disabled).  The
-- session's own planner settings do not apply to queries over personal
-- tables (timing.c), the database's do: the DBA sets them.
\c - postgres
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET enable_seqscan = off', current_database()); END $$;
\c - regress_b_analyst
EXPLAIN (COSTS OFF) SELECT title_id, dp_count(viewer_id, 1000) FROM b_log_rev GROUP BY title_id;
\c - postgres
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET enable_hashagg = off', current_database()); END $$;
\c - regress_b_analyst
SELECT count(*) AS published,
	(SELECT count(*) FROM b_oracle WHERE l = 1 AND n >= 10) AS oracle_published,
	bool_and(s.c = (SELECT n FROM b_oracle o WHERE o.l = 1 AND o.g = s.title_id)) AS exact
FROM (SELECT title_id, dp_count(viewer_id, 1000) AS c FROM b_log_rev GROUP BY title_id) s;
\c - postgres
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET enable_hashagg', current_database()); END $$;
DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET enable_seqscan', current_database()); END $$;
\c - regress_b_analyst
-- many small groups in 64 kB of work_mem, where a hash aggregation would
-- spill groups to disk (and finish some before it read every row): the
-- groups stay in memory, and the counts are exact
SET work_mem = '64kB';
SET hash_mem_multiplier = 1;
SELECT count(*) AS published,
	(SELECT count(*) FROM b_cell_oracle WHERE l = 1 AND n >= 10) AS oracle_published,
	bool_and(s.c = (SELECT n FROM b_cell_oracle o WHERE o.l = 1 AND o.g = s.cell)) AS exact
FROM (SELECT cell, dp_count(viewer_id, 1000) AS c FROM b_log GROUP BY cell) s;
RESET work_mem;
RESET hash_mem_multiplier;
-- groups whose own units spill to disk (60,000 viewers in two titles, in
-- 64 kB): each viewer counts in one of the two, and every count is exact
SET work_mem = '64kB';
SELECT count(*) AS published,
	(SELECT count(*) FROM b_big_oracle WHERE n >= 10) AS oracle_published,
	bool_and(s.c = (SELECT n FROM b_big_oracle o WHERE o.g = s.title_id)) AS exact,
	sum(s.c) AS viewers
FROM (SELECT title_id, dp_count(viewer_id, 1000) AS c FROM b_big GROUP BY title_id) s;
RESET work_mem;
-- a direct role (no bound) would publish every pair: title counts add up to
-- the pairs; bounded, they add up to at most the viewers
SELECT sum(c) <= 1500 AS bounded FROM (SELECT title_id, dp_count(viewer_id, 1000) AS c FROM b_log GROUP BY title_id) s;

-- L = 2 and L = 8 (every title of every viewer), and L = 3 over cells
\c - postgres
ALTER ROLE regress_b_analyst SET viewstats.max_groups_contributed = 2;
\c - regress_b_analyst
SELECT count(*) AS published,
	(SELECT count(*) FROM b_oracle WHERE l = 2 AND n >= 10) AS oracle_published,
	bool_and(s.c = (SELECT n FROM b_oracle o WHERE o.l = 2 AND o.g = s.title_id)) AS exact
FROM (SELECT title_id, dp_count(viewer_id, 1000) AS c FROM b_log_rev GROUP BY title_id) s;
-- with L = 2 every viewer counts in both large titles, however often its
-- rows repeat once the groups' units went to disk
SET work_mem = '64kB';
SELECT title_id, dp_count(viewer_id, 1000) AS c FROM b_big GROUP BY title_id ORDER BY 1;
RESET work_mem;
\c - postgres
ALTER ROLE regress_b_analyst SET viewstats.max_groups_contributed = 8;
\c - regress_b_analyst
SELECT count(*) AS published,
	(SELECT count(*) FROM b_oracle WHERE l = 8 AND n >= 10) AS oracle_published,
	bool_and(s.c = (SELECT n FROM b_oracle o WHERE o.l = 8 AND o.g = s.title_id)) AS exact
FROM (SELECT title_id, dp_count(viewer_id, 1000) AS c FROM b_log GROUP BY title_id) s;
\c - postgres
ALTER ROLE regress_b_analyst SET viewstats.max_groups_contributed = 3;
\c - regress_b_analyst
SELECT count(*) AS published,
	(SELECT count(*) FROM b_cell_oracle WHERE l = 3 AND n >= 10) AS oracle_published,
	bool_and(s.c = (SELECT n FROM b_cell_oracle o WHERE o.l = 3 AND o.g = s.cell)) AS exact
FROM (SELECT cell, dp_count(viewer_id, 1000) AS c FROM b_log_rev GROUP BY cell) s;


-- GROUP BY keys that cannot be hashed (bit, varbit, money, tsvector have
-- no hash operator class): refused while planning, rows or not
SELECT tier, dp_count(viewer_id, 1) FROM b_bits GROUP BY tier;
\echo :SQLSTATE
SELECT tier, dp_count(viewer_id, 1) FROM b_bits WHERE false GROUP BY tier;
\echo :SQLSTATE
-- without GROUP BY there is one group, and nothing to hash
SELECT dp_count(viewer_id, 1000) AS c FROM b_bits;

\c - postgres
SET client_min_messages = warning;
DROP TABLE b_bits, b_log, b_log_rev, b_pairs, b_oracle, b_cell_oracle, b_big, b_big_oracle;
DROP FUNCTION u64(bigint), spills(text);
DROP ROLE regress_b_analyst;
