-- dayset text and binary I/O
-- Output is always ISO, whatever DateStyle says.
SET datestyle = 'ISO, YMD';

-- normalization: any order, overlaps, duplicates and white space
SELECT '{}'::dayset AS empty,
       ' { } '::dayset AS empty_ws,
       '{2017-12-12}'::dayset AS single,
       '{2017-12-03 , 2017-12-01/2017-12-02,2017-12-02}'::dayset AS merged,
       '{2017-12-10,2017-12-01/2017-12-05,2017-12-04/2017-12-08}'::dayset AS overlap,
       E'{\t2017-11-23/2017-12-10 ,\n 2017-12-12 }'::dayset AS story;

-- a range of one day prints bare; adjacent runs merge
SELECT '{2017-12-01/2017-12-01}'::dayset, '{2017-12-01,2017-12-02}'::dayset;

-- the whole date range, and astronomical years (0000 = 1 BC)
SELECT '{-4713-11-24,5874897-12-31}'::dayset AS extremes,
       '{0000-02-29,-0001-12-31/0001-01-01}'::dayset AS around_year_zero,
       '{+2017-12-25}'::dayset AS plus_sign,
       '{12345-06-07}'::dayset AS five_digit_year;

-- day text agrees with PostgreSQL's own date output (ISO, AD years) on
-- 2000 pseudo-random days over the whole AD range
SELECT count(*) AS days_checked,
       count(*) FILTER (WHERE ('{' || d::text || '}')::dayset::text <> '{' || d::text || '}') AS text_mismatches,
       count(*) FILTER (WHERE first_day(('{' || d::text || '}')::dayset) <> d) AS value_mismatches
FROM (SELECT date '0001-01-01' + ((i::bigint * 2654435761) % 3652058)::int AS d
      FROM generate_series(1, 2000) i) s;

-- DateStyle does not change the dayset text form
SET datestyle = 'SQL, DMY';
SELECT '{2017-12-25}'::dayset;
SET datestyle = 'ISO, YMD';

-- binary send: version 1, flags 0, run count, then big-endian runs
SELECT dayset_send('{}') AS empty_wire,
       dayset_send('{2000-01-01/2000-01-03,2000-01-10}') AS wire;

-- binary COPY round trip
CREATE TABLE io_src (id int, ds dayset);
INSERT INTO io_src VALUES
  (1, '{}'), (2, '{2017-11-23/2017-12-10,2017-12-12}'),
  (3, '{-4713-11-24,5874897-12-31}'), (4, NULL);
INSERT INTO io_src SELECT 100 + g, dayset_agg(date '1990-01-01' + (g * i) % 9000)
  FROM generate_series(1, 20) g, generate_series(1, 500) i GROUP BY g;
COPY io_src TO '/tmp/viewstats_regress_io.bin' (FORMAT binary);
CREATE TABLE io_dst (LIKE io_src);
COPY io_dst FROM '/tmp/viewstats_regress_io.bin' (FORMAT binary);
SELECT count(*) AS rows_copied,
       count(*) FILTER (WHERE s.ds IS NOT DISTINCT FROM d.ds) AS identical
FROM io_src s JOIN io_dst d USING (id);

-- binary input is validated: bytes crafted as bytea, sent as a dayset field
CREATE TABLE wire (id int, bytes bytea);
INSERT INTO wire VALUES
  (1, '\x0100000000000000'),                          -- valid empty
  (2, '\x010000000000000200000000000000020000000900000009'); -- two runs, valid
COPY wire TO '/tmp/viewstats_regress_wire.bin' (FORMAT binary);
CREATE TABLE wire_in (id int, ds dayset);
COPY wire_in FROM '/tmp/viewstats_regress_wire.bin' (FORMAT binary);
SELECT * FROM wire_in ORDER BY id;

-- TOAST: a large value is compressed or moved out of line, and survives
CREATE TABLE big (ds dayset);
INSERT INTO big SELECT dayset_agg(date '1950-01-01' + 2 * i) FROM generate_series(0, 20000) i;
SELECT day_count(ds), pg_column_size(ds) < 20001 * 8 AS toasted_smaller,
       ds = (SELECT dayset_agg(date '1950-01-01' + 2 * i) FROM generate_series(0, 20000) i) AS equal
FROM big;

-- storage: a 12-byte header (4 of them the varlena length) plus 8 bytes per
-- run, checked against the run count
SELECT n AS runs, pg_column_size(dayset_agg(date '2000-01-01' + 2 * i)) AS bytes
FROM generate_series(1, 3) n, LATERAL generate_series(1, n) i GROUP BY n ORDER BY n;
