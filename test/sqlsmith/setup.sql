-- Sample database for sqlsmith (test/sqlsmith/run.sh): viewing data, stored
-- daysets with edge values, indexes using the dayset operator classes, and
-- a "focus" catalogue that steers sqlsmith towards viewstats.
--
-- Runs as the superuser in a throwaway database that already has viewstats.
-- sqlsmith then connects as the unprivileged role smith, so it cannot reach
-- superuser-only functions that would stop the server on purpose.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE ROLE smith LOGIN;

-- One row per view: 40 viewers, 6 titles, 120 days, one time zone each.
CREATE TABLE views (viewer_id int, title_id int, day date,
                    watched_at timestamptz, tz text);
INSERT INTO views
SELECT v, 1 + (v * 7 + i) % 6, date '2017-10-01' + (i * 13 + v * 5) % 120,
       timestamptz '2017-10-01 00:00:00+00' + ((i * 13 + v * 5) % 120) * interval '1 day'
           + ((v * 37 + i * 11) % 1440) * interval '1 minute',
       (ARRAY['UTC', 'Europe/London', 'America/New_York', 'Pacific/Kiritimati',
              'Pacific/Pago_Pago', 'Pacific/Apia', 'Asia/Kolkata'])[1 + v % 7]
FROM generate_series(1, 40) v, generate_series(1, 60) i;
INSERT INTO views VALUES (NULL, NULL, NULL, NULL, NULL),
    (41, 1, '4714-11-24 BC', '4713-11-24 12:00:00+00 BC', 'UTC'),
    (41, 1, '5874897-12-31', '294276-12-31 12:00:00+00', 'UTC');

-- Stored daysets: per viewer and title, then rollups per title.
CREATE TABLE watched AS
SELECT viewer_id, title_id, dayset_agg(day) AS days
FROM views GROUP BY viewer_id, title_id;
CREATE TABLE rollups AS
SELECT title_id, dayset_agg(days) AS days, count(*) AS viewers
FROM watched GROUP BY title_id;

-- Edge values: empty, the two ends of the date range, the whole range, many
-- runs, and NULL.
CREATE TABLE edge_daysets (id int, ds dayset);
INSERT INTO edge_daysets VALUES
    (1, '{}'), (2, '{-4713-11-24}'), (3, '{5874897-12-31}'),
    (4, '{-4713-11-24,5874897-12-31}'), (5, '{-4713-11-24/5874897-12-31}'),
    (6, '{2017-11-23/2017-12-10,2017-12-12}'), (7, NULL),
    (8, (SELECT dayset_agg(date '2000-01-01' + 2 * i) FROM generate_series(0, 2000) i));

-- Other date-shaped values to cast and compare.
CREATE TABLE edge_dates (d date, r daterange, mr datemultirange, arr date[]);
INSERT INTO edge_dates VALUES
    ('2017-12-01', '[2017-12-01,2017-12-10)', '{[2017-12-01,2017-12-03),[2017-12-05,2017-12-06)}',
     '{2017-12-01,2017-12-03,NULL}'),
    ('infinity', '[2017-12-01,)', '{[,2017-12-01)}', '{infinity}'),
    ('-infinity', 'empty', '{}', '{}'),
    ('4714-11-24 BC', '[4714-11-24 BC,4714-11-25 BC)', '{[5874897-12-31,)}', '{4714-11-24 BC,5874897-12-31}'),
    (NULL, NULL, NULL, NULL);

-- Indexes and a hash-partitioned table, so plans use the operator classes.
CREATE INDEX ON watched (days);
CREATE INDEX ON watched USING hash (days);
CREATE TABLE watched_part (viewer_id int, days dayset) PARTITION BY HASH (days);
CREATE TABLE watched_part_0 PARTITION OF watched_part FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE watched_part_1 PARTITION OF watched_part FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO watched_part SELECT viewer_id, days FROM watched;
ANALYZE;

-- smith reads everything and may write only to a scratch table, so the
-- sample data stays the same for the whole run.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO smith;
CREATE TABLE scratch (id int, d date, ds dayset, r daterange);
INSERT INTO scratch SELECT id, first_day(ds), ds, NULL FROM edge_daysets WHERE id < 7;
GRANT ALL ON scratch TO smith;

-- Parallel plans even on these small tables: workers serialize aggregate
-- states and the leader combines them.
ALTER ROLE smith SET parallel_setup_cost = 0;
ALTER ROLE smith SET parallel_tuple_cost = 0;
ALTER ROLE smith SET min_parallel_table_scan_size = 0;

-- The focus catalogue.  sqlsmith reads its functions and aggregates from an
-- unqualified pg_proc, so a view of that name ahead of pg_catalog in smith's
-- search_path narrows its choice to viewstats's functions plus the
-- non-volatile built-ins on the same kinds of values (dates, ranges,
-- integers, text, timestamps).  Operators and types are still all of them.
-- run.sh --all-functions skips this.
CREATE SCHEMA sqlsmith_focus;
CREATE VIEW sqlsmith_focus.pg_proc AS
SELECT p.*
FROM pg_catalog.pg_proc p,
     (SELECT ARRAY['date', 'int4', 'int8', 'bool', 'text', 'timestamptz',
                   'daterange', 'datemultirange', '_date', 'bytea',
                   'interval']::pg_catalog.regtype[]::pg_catalog.oid[] AS types) t
WHERE p.oid IN (SELECT d.objid FROM pg_catalog.pg_depend d
                WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass
                  AND d.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
                  AND d.deptype = 'e'
                  AND d.refobjid = (SELECT e.oid FROM pg_catalog.pg_extension e
                                    WHERE e.extname = 'viewstats'))
   OR (p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace
       AND p.provolatile <> 'v'
       AND p.prorettype = ANY (t.types)
       AND p.proargtypes::pg_catalog.oid[] OPERATOR(pg_catalog.<@) t.types);
GRANT USAGE ON SCHEMA sqlsmith_focus TO smith;
GRANT SELECT ON sqlsmith_focus.pg_proc TO smith;
