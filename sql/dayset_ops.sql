-- dayset operators, operator classes, casts and accessors.
-- Oracle: PostgreSQL's own datemultirange, which has the same set algebra.
SET datestyle = 'ISO, YMD';

-- casts
SELECT ARRAY[date '2017-12-03', '2017-12-01', NULL, '2017-12-02', '2017-12-01']::dayset AS from_array,
       ARRAY[]::date[]::dayset AS from_empty_array,
       daterange('2017-12-01', '2017-12-19')::dayset AS from_range,
       daterange('2017-12-01', '2017-12-18', '[]')::dayset AS from_closed_range,
       'empty'::daterange::dayset AS from_empty_range,
       '{[2017-12-01,2017-12-05), [2017-12-07,2017-12-08)}'::datemultirange::dayset AS from_multirange,
       '{2017-11-23/2017-12-10,2017-12-12}'::dayset::datemultirange AS to_multirange,
       '{}'::dayset::datemultirange AS empty_to_multirange;

-- The last valid date converts.  One past it is not a date, so a run that
-- ends there ends at infinity (exclusive), which holds exactly the finite
-- days on that side: the value reads back from its text (as pg_dump's COPY
-- does) and converts back to the same dayset.
SELECT m AS to_multirange, m::text::datemultirange = m AS reads_back,
       m::text::datemultirange::dayset AS round_trip
FROM (SELECT '{2017-12-25,5874897-12-30/5874897-12-31}'::dayset::datemultirange AS m) s;
SELECT '{5874897-12-31}'::dayset::datemultirange::dayset AS last_date_round_trip,
       '{5874897-12-31}'::dayset::datemultirange @> date '5874897-12-31' AS has_last_day,
       '{5874897-12-31}'::dayset::datemultirange @> date 'infinity' AS has_infinity;
-- The ranges that hold only finite days convert, infinite bounds included:
-- [x,infinity) is every day from x on, (-infinity,y) every day before y.
SELECT daterange('5874897-12-29', 'infinity')::dayset AS to_infinity,
       daterange('-infinity', '4714-11-26 BC', '()')::dayset AS from_minus_infinity,
       datemultirange(daterange('-infinity', '4714-11-25 BC', '()'),
                      daterange('5874897-12-31', 'infinity'))::dayset AS both_ends;

-- the calendar against PostgreSQL's date: text in (first_day) and out, in
-- astronomical years (0000 is 1 BC, -0001 is 2 BC), for every day of the
-- years around the leap rules' exceptions and the ends of the range, and
-- every 100,003rd day of the whole range
CREATE TEMP TABLE cal AS
SELECT d, CASE WHEN y < 0 THEN '-' ELSE '' END || lpad(abs(y)::text, greatest(4, length(abs(y)::text)), '0')
          || '-' || lpad(extract(month FROM d)::text, 2, '0') || '-' || lpad(extract(day FROM d)::text, 2, '0') AS iso
FROM (SELECT d, extract(year FROM d)::int + CASE WHEN d < date '0001-01-01' THEN 1 ELSE 0 END AS y
      FROM (SELECT y + i AS d
            FROM unnest(ARRAY[date '4714-11-24 BC', '0002-01-01 BC', '0001-01-01 BC', '0001-01-01',
                              '1600-01-01', '1700-01-01', '1900-01-01', '1969-01-01', '2000-01-01',
                              '2100-01-01', '2400-01-01']) y, generate_series(0, 365) i
            WHERE extract(year FROM y + i) = extract(year FROM y)
            UNION
            SELECT date '4714-11-24 BC' + i FROM generate_series(0, 2147483494, 100003) i
            UNION
            SELECT date '5874897-01-01' + i FROM generate_series(0, 364) i) days) years;
SELECT count(*) AS days,
       count(*) FILTER (WHERE first_day(('{' || iso || '}')::dayset) <> d) AS bad_text_in,
       count(*) FILTER (WHERE ARRAY[d]::dayset::text <> '{' || iso || '}') AS bad_text_out,
       count(*) FILTER (WHERE iso LIKE '%-02-29') AS leap_days
FROM cal;

-- operators on a small example
SELECT '{2017-12-01/2017-12-10}'::dayset @> date '2017-12-05' AS has_day,
       date '2017-12-11' <@ '{2017-12-01/2017-12-10}'::dayset AS day_in,
       '{2017-12-01/2017-12-10}'::dayset @> date 'infinity' AS has_infinity,
       '{2017-12-01/2017-12-10}'::dayset @> '{2017-12-02,2017-12-09/2017-12-10}'::dayset AS contains,
       '{2017-12-02}'::dayset <@ '{2017-12-01/2017-12-10}'::dayset AS contained,
       '{2017-12-01/2017-12-10}'::dayset && '{2017-12-10/2017-12-20}' AS overlaps,
       '{2017-12-01/2017-12-10}'::dayset && '{2017-12-11/2017-12-20}' AS overlaps_adjacent,
       '{2017-12-01/2017-12-10}'::dayset | '{2017-12-11/2017-12-20}' AS union_adjacent,
       '{2017-12-01/2017-12-10}'::dayset & '{2017-12-05/2017-12-20}' AS intersection,
       '{2017-12-01/2017-12-10}'::dayset - '{2017-12-03,2017-12-05/2017-12-06}' AS difference;

-- accessors, including empty sets
SELECT ds, day_count(ds), first_day(ds), last_day(ds), streak_count(ds),
       streak_count(ds, 3) AS streaks_3plus, longest_streak(ds),
       longest_streak(ds, 1) AS longest_gap1, longest_streak(ds, 3) AS longest_gap3
FROM (VALUES ('{}'::dayset), ('{2017-12-25}'),
             ('{2017-11-23/2017-12-10,2017-12-12,2017-12-15/2017-12-18}')) t(ds);

SELECT * FROM streaks('{2017-11-23/2017-12-10,2017-12-12,2017-12-15/2017-12-18}');
SELECT * FROM streaks('{2017-11-23/2017-12-10,2017-12-12,2017-12-15/2017-12-18}', 4);
SELECT * FROM streaks('{}');

-- current_streak: alive on as_of, or ending the day before; days after ignored
SELECT as_of, current_streak(ds, as_of) AS gap0, current_streak(ds, as_of, 1) AS gap1,
       current_streak(ds, as_of, 2) AS gap2
FROM (SELECT '{2017-12-01/2017-12-10,2017-12-12/2017-12-13,2017-12-20}'::dayset) s(ds),
     (VALUES (date '2017-11-30'), ('2017-12-01'), ('2017-12-05'), ('2017-12-10'),
             ('2017-12-11'), ('2017-12-12'), ('2017-12-14'), ('2017-12-15'),
             ('2017-12-16'), ('2017-12-20'), ('2017-12-21'), ('2017-12-22'),
             ('2030-01-01')) a(as_of)
ORDER BY as_of;
SELECT current_streak('{}'::dayset, date '2017-12-01');

-- NULL arguments give NULL (the functions are STRICT)
SELECT day_count(NULL::dayset), longest_streak(NULL::dayset),
       longest_streak('{2017-12-01}'::dayset, NULL), current_streak('{2017-12-01}'::dayset, NULL);

-- random sets over a 60-day window, each compared with datemultirange:
-- am and bm are built by PostgreSQL alone (range_agg of one-day ranges)
-- from the same days as a and b
CREATE TABLE pairs AS
SELECT p, a, b, am, bm FROM (
  SELECT p,
         (SELECT coalesce(dayset_agg(date '2017-12-01' + d), '{}') FROM generate_series(0, 59) d
           WHERE ((p * 7919 + d * 104729) % 97) < 30 + p % 40) AS a,
         (SELECT coalesce(dayset_agg(date '2017-12-01' + d), '{}') FROM generate_series(0, 59) d
           WHERE ((p * 6007 + d * 1299709) % 89) < 20 + p % 50) AS b,
         (SELECT coalesce(range_agg(daterange(date '2017-12-01' + d, date '2017-12-01' + d, '[]')), '{}')
          FROM generate_series(0, 59) d
           WHERE ((p * 7919 + d * 104729) % 97) < 30 + p % 40) AS am,
         (SELECT coalesce(range_agg(daterange(date '2017-12-01' + d, date '2017-12-01' + d, '[]')), '{}')
          FROM generate_series(0, 59) d
           WHERE ((p * 6007 + d * 1299709) % 89) < 20 + p % 50) AS bm
  FROM generate_series(1, 300) p) s;

SELECT count(*) AS pairs,
  count(*) FILTER (WHERE a::datemultirange <> am OR b::datemultirange <> bm) AS bad_cast,
  count(*) FILTER (WHERE a <> am::dayset OR b <> bm::dayset) AS bad_cast_back,
  count(*) FILTER (WHERE a::text <> (SELECT '{' || coalesce(string_agg(CASE WHEN upper(r) - lower(r) = 1
                                                                         THEN lower(r)::text
                                                                         ELSE lower(r) || '/' || upper(r) - 1 END,
                                                                    ',' ORDER BY lower(r)), '') || '}'
                                      FROM unnest(am) r)) AS bad_text,
  count(*) FILTER (WHERE (a | b)::datemultirange <> am + bm) AS bad_union,
  count(*) FILTER (WHERE (a & b)::datemultirange <> am * bm) AS bad_intersection,
  count(*) FILTER (WHERE (a - b)::datemultirange <> am - bm) AS bad_difference,
  count(*) FILTER (WHERE (a @> b) <> (am @> bm)) AS bad_contains,
  count(*) FILTER (WHERE (a <@ b) <> (am <@ bm)) AS bad_contained,
  count(*) FILTER (WHERE (a && b) <> (am && bm)) AS bad_overlaps,
  count(*) FILTER (WHERE (a = b) <> (am = bm)) AS bad_equal,
  count(*) FILTER (WHERE a | b = a & b AND a <> b) AS impossible,
  count(DISTINCT a) AS distinct_a
FROM pairs;

SELECT count(*) FILTER (WHERE day_count(a) <> (SELECT coalesce(sum(upper(r) - lower(r)), 0)
                                              FROM unnest(am) r)) AS bad_day_count,
       count(*) FILTER (WHERE first_day(a) IS DISTINCT FROM lower(am)) AS bad_first_day,
       count(*) FILTER (WHERE last_day(a) IS DISTINCT FROM upper(am) - 1) AS bad_last_day,
       count(*) FILTER (WHERE streak_count(a) <> (SELECT count(*) FROM unnest(am))) AS bad_streak_count,
       count(*) FILTER (WHERE (date '2017-12-20' <@ a) <> (am @> date '2017-12-20')) AS bad_member
FROM pairs;

-- every pair of subsets of a 6-day window (4096 pairs), so every way two
-- runs can meet (touching, overlapping, nested, sharing an end) occurs:
-- each operator against datemultirange built by range_agg, and the btree
-- order against its definition, lexicographic over the (first, last) pairs
-- with a proper prefix first, which is how PostgreSQL compares arrays
CREATE TABLE small AS
SELECT m, (SELECT coalesce(dayset_agg(date '2017-12-01' + d), '{}') FROM generate_series(0, 5) d
           WHERE m & (1 << d) <> 0) AS s,
          (SELECT coalesce(range_agg(daterange(date '2017-12-01' + d, date '2017-12-01' + d, '[]')), '{}')
           FROM generate_series(0, 5) d WHERE m & (1 << d) <> 0) AS sm
FROM generate_series(0, 63) m;
ALTER TABLE small ADD COLUMN bounds date[];
UPDATE small SET bounds = ARRAY(SELECT b FROM unnest(sm) r, LATERAL (VALUES (1, lower(r)), (2, upper(r) - 1)) v(k, b)
                                ORDER BY lower(r), k);
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (x.s | y.s)::datemultirange <> x.sm + y.sm) AS bad_union,
       count(*) FILTER (WHERE (x.s & y.s)::datemultirange <> x.sm * y.sm) AS bad_intersection,
       count(*) FILTER (WHERE (x.s - y.s)::datemultirange <> x.sm - y.sm) AS bad_difference,
       count(*) FILTER (WHERE (x.s @> y.s) <> (x.sm @> y.sm)) AS bad_contains,
       count(*) FILTER (WHERE (x.s <@ y.s) <> (x.sm <@ y.sm)) AS bad_contained,
       count(*) FILTER (WHERE (x.s && y.s) <> (x.sm && y.sm)) AS bad_overlaps,
       count(*) FILTER (WHERE (x.s = y.s) <> (x.m = y.m) OR (x.s <> y.s) <> (x.m <> y.m)) AS bad_equal,
       count(*) FILTER (WHERE (x.s < y.s) <> (x.bounds < y.bounds) OR (x.s <= y.s) <> (x.bounds <= y.bounds)
                           OR sign(dayset_cmp(x.s, y.s)) <> sign(btarraycmp(x.bounds, y.bounds))) AS bad_order,
       count(*) FILTER (WHERE (x.s @> y.s) AND x.m | y.m <> x.m) AS contains_but_not_subset
FROM small x, small y;

-- btree order is total and consistent: sorting by dayset agrees with its
-- comparison functions, and an index scan finds the same rows as a seq scan
SELECT count(*) FILTER (WHERE dayset_cmp(a, b) <> -dayset_cmp(b, a)) AS not_antisymmetric,
       count(*) FILTER (WHERE (dayset_cmp(a, b) = 0) <> (a = b)) AS cmp_eq_mismatch,
       count(*) FILTER (WHERE (a < b) <> (dayset_cmp(a, b) < 0)) AS lt_mismatch,
       count(*) FILTER (WHERE (a >= b) <> NOT (a < b)) AS ge_mismatch
FROM pairs;
SELECT '{2017-12-01/2017-12-05}'::dayset < '{2017-12-01/2017-12-06}' AS shorter_first,
       '{2017-12-01}'::dayset < '{2017-12-01,2017-12-09}' AS prefix_first,
       '{}'::dayset < '{-4713-11-24}' AS empty_smallest;

CREATE INDEX pairs_a_btree ON pairs (a);
CREATE INDEX pairs_b_hash ON pairs USING hash (b);
SET enable_seqscan = off;
SELECT count(*) AS via_btree FROM pairs WHERE a = (SELECT a FROM pairs WHERE p = 17);
SELECT count(*) AS via_hash FROM pairs WHERE b = (SELECT b FROM pairs WHERE p = 17);
RESET enable_seqscan;
SELECT count(*) AS via_seqscan_a FROM pairs WHERE a::text = (SELECT a::text FROM pairs WHERE p = 17);
SELECT count(*) AS via_seqscan_b FROM pairs WHERE b::text = (SELECT b::text FROM pairs WHERE p = 17);

-- GROUP BY, DISTINCT and UNION agree with the text form
SET enable_hashagg = on;
SELECT (SELECT count(*) FROM (SELECT a FROM pairs GROUP BY a) s) AS hash_groups,
       (SELECT count(DISTINCT a::text) FROM pairs) AS text_groups;
SET enable_hashagg = off;
SELECT (SELECT count(*) FROM (SELECT DISTINCT a FROM pairs) s) AS sort_groups;
RESET enable_hashagg;
SELECT count(*) AS union_rows FROM (SELECT a FROM pairs UNION SELECT b FROM pairs) s;
SELECT count(*) AS union_text_rows FROM (SELECT a::text FROM pairs UNION SELECT b::text FROM pairs) s;

-- hash and merge joins on dayset equality
SET enable_nestloop = off; SET enable_mergejoin = off;
SELECT count(*) AS hash_join FROM pairs x JOIN pairs y ON x.a = y.a;
SET enable_hashjoin = off; SET enable_mergejoin = on;
SELECT count(*) AS merge_join FROM pairs x JOIN pairs y ON x.a = y.a;
RESET enable_nestloop; RESET enable_mergejoin; RESET enable_hashjoin;
SELECT count(*) AS text_join FROM pairs x JOIN pairs y ON x.a::text = y.a::text;

-- extended hash support (used by hash partitioning).  PostgreSQL's
-- contract for a hash operator class: with seed 0 the extended hash's low
-- 32 bits are the standard hash; another seed gives another hash; equal
-- values hash alike however they were written.  And distinct values should
-- not collide: 64-bit hashes of 600 values collide with probability 1e-14.
SELECT count(*) AS hashed,
       count(*) FILTER (WHERE (dayset_hash_extended(ds, 0) & 4294967295) <> (dayset_hash(ds)::bigint & 4294967295))
         AS seed_0_not_standard,
       count(*) FILTER (WHERE dayset_hash_extended(ds, 0) = dayset_hash_extended(ds, 1)
                           OR dayset_hash_extended(ds, 1) = dayset_hash_extended(ds, -1)) AS seed_ignored,
       count(DISTINCT ds) = count(DISTINCT dayset_hash_extended(ds, 42)) AS no_collisions
FROM (SELECT a FROM pairs UNION ALL SELECT b FROM pairs
      UNION ALL VALUES ('{}'::dayset), ('{-4713-11-24}'), ('{5874897-12-31}'), ('{-4713-11-24/5874897-12-31}')) t(ds);
SELECT dayset_hash('{2017-12-01/2017-12-03}') = dayset_hash('{2017-12-03,2017-12-01/2017-12-02}') AS equal_values_hash_alike,
       dayset_hash_extended('{2017-12-01/2017-12-03}', 7) = dayset_hash_extended('{2017-12-02/2017-12-03,2017-12-01}', 7)
         AS equal_values_hash_alike_seeded;
CREATE TABLE hp (ds dayset) PARTITION BY HASH (ds);
CREATE TABLE hp0 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE hp1 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO hp SELECT a FROM pairs;
SELECT count(*) AS partitioned_rows, count(*) FILTER (WHERE ds = (SELECT a FROM pairs WHERE p = 5)) AS found FROM hp;
