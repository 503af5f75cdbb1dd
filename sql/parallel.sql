-- Forced parallel plans: every aggregate runs as a parallel partial
-- aggregate (combine, serialize, deserialize) and gives the serial result.
SET datestyle = 'ISO, YMD';

CREATE TABLE plog AS
SELECT (i % 400) AS viewer, (i % 7) AS title,
       date '2017-01-01' + ((i * 7919) % 500) % (30 + i % 300) AS day,
       timestamptz '2017-01-01 00:00+00' + (i * 7919 % 40000000) * interval '1 second' AS ts
FROM generate_series(1, 60000) i;
INSERT INTO plog VALUES (1, 1, NULL, NULL);
ANALYZE plog;

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

-- serial results
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial_result AS
SELECT title, dayset_agg(day) AS ds, longest_streak(day) AS ls, longest_streak(day, 2) AS ls2,
       current_streak(day, date '2017-06-01') AS cs, current_streak(day, date '2017-06-01', 1) AS cs1,
       dayset_agg(ts, 'Asia/Tokyo') AS dst, longest_streak(ts, 'Asia/Tokyo') AS lst,
       longest_streak(ts, 'Asia/Tokyo', 1) AS lst1
FROM plog GROUP BY title;
CREATE TABLE serial_rollup AS
SELECT title, dayset_agg(ds) AS ds
FROM (SELECT viewer, title, dayset_agg(day) AS ds FROM plog GROUP BY 1, 2) s GROUP BY 1;

-- force parallel plans
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

SELECT agg,
       pg_temp.plan_has('SELECT title, ' || agg || ' FROM plog GROUP BY title', 'Partial') AS partial_aggregate,
       pg_temp.plan_has('SELECT title, ' || agg || ' FROM plog GROUP BY title', 'Gather') AS gather
FROM (VALUES ('dayset_agg(day)'), ('longest_streak(day)'), ('longest_streak(day, 2)'),
             ('current_streak(day, date ''2017-06-01'')'), ('current_streak(day, date ''2017-06-01'', 1)'),
             ('dayset_agg(ts, ''Asia/Tokyo'')'), ('longest_streak(ts, ''Asia/Tokyo'')'),
             ('longest_streak(ts, ''Asia/Tokyo'', 1)')) a(agg);

EXPLAIN (COSTS OFF) SELECT title, longest_streak(day) FROM plog GROUP BY title;

CREATE TABLE parallel_result AS
SELECT title, dayset_agg(day) AS ds, longest_streak(day) AS ls, longest_streak(day, 2) AS ls2,
       current_streak(day, date '2017-06-01') AS cs, current_streak(day, date '2017-06-01', 1) AS cs1,
       dayset_agg(ts, 'Asia/Tokyo') AS dst, longest_streak(ts, 'Asia/Tokyo') AS lst,
       longest_streak(ts, 'Asia/Tokyo', 1) AS lst1
FROM plog GROUP BY title;
SELECT (SELECT count(*) FROM parallel_result) AS groups,
       (SELECT count(*) FROM (SELECT * FROM parallel_result EXCEPT SELECT * FROM serial_result) d) AS differing;

-- a whole-table aggregate and a rollup of stored daysets, in parallel
SELECT pg_temp.plan_has('SELECT dayset_agg(day) FROM plog', 'Partial Aggregate') AS whole_table_partial;
SELECT dayset_agg(day) = (SELECT dayset_agg(ds) FROM serial_result) AS whole_table_equal FROM plog;
CREATE TABLE stored AS SELECT viewer, title, dayset_agg(day) AS ds FROM plog GROUP BY 1, 2;
ANALYZE stored;
SELECT pg_temp.plan_has('SELECT title, dayset_agg(ds) FROM stored GROUP BY title', 'Partial') AS rollup_partial;
SELECT count(*) AS rollup_groups,
       count(*) FILTER (WHERE p.ds = s.ds) AS rollup_equal
FROM (SELECT title, dayset_agg(ds) AS ds FROM stored GROUP BY title) p
JOIN serial_rollup s USING (title);
