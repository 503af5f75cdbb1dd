-- Partitionwise aggregation: on a table partitioned by viewer, grouping by
-- the partition key aggregates each partition whole; grouping by something
-- else runs a partial aggregate per partition and combines the states.
SET datestyle = 'ISO, YMD';

CREATE TABLE pviews (viewer int, title int, day date) PARTITION BY HASH (viewer);
CREATE TABLE pviews_0 PARTITION OF pviews FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE pviews_1 PARTITION OF pviews FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE pviews_2 PARTITION OF pviews FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO pviews
SELECT i % 300, i % 5, date '2017-11-01' + (i * 7919) % 61 % (5 + i % 50)
FROM generate_series(1, 30000) i;
ANALYZE pviews;

-- reference results without partitionwise aggregation
SET enable_partitionwise_aggregate = off;
CREATE TABLE by_viewer_ref AS
SELECT viewer, title, dayset_agg(day) AS ds, longest_streak(day, 1) AS ls,
       current_streak(day, date '2017-12-01') AS cs
FROM pviews GROUP BY viewer, title;
CREATE TABLE by_title_ref AS
SELECT title, dayset_agg(day) AS ds, longest_streak(day) AS ls FROM pviews GROUP BY title;

SET enable_partitionwise_aggregate = on;
SET max_parallel_workers_per_gather = 0;
SET enable_sort = off;

-- grouping by the partition key: each partition is aggregated on its own
EXPLAIN (COSTS OFF)
SELECT viewer, title, longest_streak(day, 1) FROM pviews GROUP BY viewer, title;

-- grouping by another column: partial aggregates per partition, then combine
EXPLAIN (COSTS OFF)
SELECT title, longest_streak(day) FROM pviews GROUP BY title;

SELECT (SELECT count(*) FROM by_viewer_ref) AS viewer_groups,
       (SELECT count(*) FROM (
          SELECT viewer, title, dayset_agg(day) AS ds, longest_streak(day, 1) AS ls,
                 current_streak(day, date '2017-12-01') AS cs
          FROM pviews GROUP BY viewer, title
          EXCEPT SELECT * FROM by_viewer_ref) d) AS viewer_groups_differing,
       (SELECT count(*) FROM (
          SELECT title, dayset_agg(day) AS ds, longest_streak(day) AS ls FROM pviews GROUP BY title
          EXCEPT SELECT * FROM by_title_ref) d) AS title_groups_differing;
