-- The safe counts past their memory budget (work_mem * hash_mem_multiplier):
-- tables spill to sorted runs on disk and are merged at the end.  Every
-- answer is checked against count(DISTINCT) and against the same count made
-- in memory, for serial, sorted, hashed, DISTINCT, window and forced
-- parallel plans; failures leave no temporary file behind.
SET max_parallel_workers_per_gather = 0;
SET hash_mem_multiplier = 2;

-- 150,000 units, each on two rows, in three groups of 50,000
CREATE TABLE su AS
SELECT (i::bigint * 7919) % 150000 AS unit, i % 3 AS g
FROM generate_series(1, 300000) i;
ANALYZE su;

CREATE FUNCTION pg_temp.plan_has(q text, pattern text) RETURNS bool
LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
		IF line LIKE '%' || pattern || '%' THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END $$;

CREATE FUNCTION pg_temp.temp_files() RETURNS bigint
LANGUAGE sql AS $$
	SELECT temp_files FROM pg_stat_database WHERE datname = current_database()
$$;

-- in memory, with room to spare: the reference answers
SET work_mem = '1GB';
CREATE TEMP TABLE mem_total AS
SELECT count(DISTINCT unit) AS exact, suppressed_count(unit) AS sc,
       perturbed_count(unit) AS pc, perturbed_count(unit::text) AS pct
FROM su;
CREATE TEMP TABLE mem_groups AS
SELECT g, count(DISTINCT unit) AS exact, suppressed_count(unit) AS sc,
       perturbed_count(unit) AS pc
FROM su GROUP BY g;
SELECT exact, sc = exact AS sc_exact, abs(pc - exact) <= 2 AS pc_close FROM mem_total;

-- 64kB: the table holds 3,072 units before it goes to disk
SET work_mem = '64kB';
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() AS files_before \gset
CREATE TEMP TABLE spill_total AS
SELECT suppressed_count(unit) AS sc, perturbed_count(unit) AS pc,
       perturbed_count(unit::text) AS pct, dp_count(unit, 1.0) AS dp
FROM su;
SELECT pg_stat_force_next_flush();
SELECT pg_temp.temp_files() > :files_before AS spilled;
SELECT s.sc = m.exact AS suppressed_exact, s.pc = m.pc AS perturbed_same,
       s.pct = m.pct AS perturbed_text_same, abs(s.dp - m.exact) < 40 AS dp_close
FROM spill_total s, mem_total m;

-- hashed and sorted grouping, spilled, against count(DISTINCT) and memory
SET enable_sort = off;
SELECT pg_temp.plan_has('SELECT g, suppressed_count(unit) FROM su GROUP BY g', 'HashAggregate') AS hashed;
SELECT bool_and(s.sc = m.exact) AS suppressed_exact, bool_and(s.pc = m.pc) AS perturbed_same, count(*)
FROM (SELECT g, suppressed_count(unit) AS sc, perturbed_count(unit) AS pc FROM su GROUP BY g) s
JOIN mem_groups m USING (g);
RESET enable_sort;
SET enable_hashagg = off;
SELECT pg_temp.plan_has('SELECT g, suppressed_count(unit) FROM su GROUP BY g', 'GroupAggregate') AS sorted;
SELECT bool_and(s.sc = m.exact) AS suppressed_exact, bool_and(s.pc = m.pc) AS perturbed_same, count(*)
FROM (SELECT g, suppressed_count(unit) AS sc, perturbed_count(unit) AS pc FROM su GROUP BY g) s
JOIN mem_groups m USING (g);
RESET enable_hashagg;

-- a threshold argument and a group too small to publish, spilled or not
SELECT suppressed_count(unit, 150000) AS at_threshold, suppressed_count(unit, 150001) AS below
FROM su;

-- DISTINCT: PostgreSQL's sort passes each unit once; the same numbers
SELECT suppressed_count(DISTINCT unit) = m.exact AS suppressed_exact,
       perturbed_count(DISTINCT unit) = m.pc AS perturbed_same,
       perturbed_count(DISTINCT unit::text) = m.pct AS perturbed_text_same,
       abs(dp_count(DISTINCT unit, 1.0) - m.exact) < 40 AS dp_close
FROM su, mem_total m GROUP BY m.exact, m.pc, m.pct;
SELECT bool_and(s.sc = m.exact) AS suppressed_exact, bool_and(s.pc = m.pc) AS perturbed_same, count(*)
FROM (SELECT g, suppressed_count(DISTINCT unit) AS sc, perturbed_count(DISTINCT unit) AS pc
      FROM su GROUP BY g) s
JOIN mem_groups m USING (g);
-- NULL units add nothing, in both forms; thresholds apply alike
SELECT suppressed_count(DISTINCT u) AS d, suppressed_count(u) AS plain,
       suppressed_count(DISTINCT u, 12) AS d_12, suppressed_count(u, 12) AS plain_12
FROM (SELECT NULLIF(unit % 12, 0) AS u FROM su) s;

-- window aggregates: whole partitions, and a running frame whose final
-- function runs on every row while its state keeps spilling
SELECT bool_and(w.sc = m.exact) AS suppressed_exact, bool_and(w.pc = m.pc) AS perturbed_same
FROM (SELECT DISTINCT g, suppressed_count(unit) OVER (PARTITION BY g) AS sc,
             perturbed_count(unit) OVER (PARTITION BY g) AS pc FROM su) w
JOIN mem_groups m USING (g);
-- (each unit is on two rows: dense_rank counts the distinct units so far)
SELECT count(*) AS rows, max(seen) AS units,
       count(*) FILTER (WHERE running IS DISTINCT FROM
                        CASE WHEN seen >= 10 THEN seen END) AS wrong
FROM (SELECT dense_rank() OVER (ORDER BY unit) AS seen,
             suppressed_count(unit) OVER (ORDER BY unit ROWS UNBOUNDED PRECEDING) AS running
      FROM (SELECT unit FROM su WHERE g = 0 ORDER BY unit LIMIT 8000) s) r;

-- forced parallel plans: workers spill, the leader keeps their sorted
-- states as runs (on disk past the budget) and merges them
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT pg_temp.plan_has('SELECT g, suppressed_count(unit) FROM su GROUP BY g', 'Partial') AS parallel_grouped,
       pg_temp.plan_has('SELECT suppressed_count(unit) FROM su', 'Partial Aggregate') AS parallel_total;
SELECT s.sc = m.exact AS suppressed_exact, s.pc = m.pc AS perturbed_same,
       s.pct = m.pct AS perturbed_text_same
FROM (SELECT suppressed_count(unit) AS sc, perturbed_count(unit) AS pc,
             perturbed_count(unit::text) AS pct FROM su) s, mem_total m;
SELECT bool_and(s.sc = m.exact) AS suppressed_exact, bool_and(s.pc = m.pc) AS perturbed_same, count(*)
FROM (SELECT g, suppressed_count(unit) AS sc, perturbed_count(unit) AS pc FROM su GROUP BY g) s
JOIN mem_groups m USING (g);

-- A partial state holds up to one unit per input row, 8 bytes each, and
-- travels as one bytea (1 GB at most).  Past 2^25 estimated input rows the
-- planner is steered away from partial aggregation of the safe counts:
-- make su look like 100 million rows.
CREATE TABLE su_big AS SELECT * FROM su WHERE unit < 20000;
ANALYZE su_big;
UPDATE pg_class SET reltuples = reltuples * 5000 WHERE relname = 'su_big';
SELECT pg_temp.plan_has('SELECT g, suppressed_count(unit) FROM su_big GROUP BY g', 'Partial') AS partial_counts,
       pg_temp.plan_has('SELECT g, count(unit) FROM su_big GROUP BY g', 'Partial') AS partial_plain_count,
       pg_temp.plan_has('SELECT g, suppressed_count(unit) FROM su_big GROUP BY g', 'Parallel Seq Scan') AS parallel_scan;
SELECT g, suppressed_count(unit) = count(DISTINCT unit) AS exact
FROM su_big GROUP BY g ORDER BY g;
RESET max_parallel_workers_per_gather;
SET max_parallel_workers_per_gather = 0;

-- an error in the middle of a spill, at the top level and in a
-- subtransaction: the temporary files are gone
SELECT suppressed_count(CASE WHEN unit = 140000 THEN unit / 0 ELSE unit END) FROM su;
SELECT count(*) AS temp_files_left FROM pg_ls_tmpdir();
DO $$
BEGIN
	PERFORM suppressed_count(CASE WHEN unit = 140000 THEN unit / 0 ELSE unit END) FROM su;
EXCEPTION WHEN division_by_zero THEN
	RAISE NOTICE 'division by zero caught';
END $$;
SELECT count(*) AS temp_files_left FROM pg_ls_tmpdir();
-- and after a spilled count that succeeded
SELECT suppressed_count(unit) FROM su;
SELECT count(*) AS temp_files_left FROM pg_ls_tmpdir();

DROP TABLE su, su_big;
RESET work_mem;
RESET hash_mem_multiplier;
