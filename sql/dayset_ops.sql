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

-- random sets over a 60-day window, each compared with datemultirange
CREATE TABLE pairs AS
SELECT p, a, b FROM (
  SELECT p,
         (SELECT coalesce(dayset_agg(date '2017-12-01' + d), '{}') FROM generate_series(0, 59) d
           WHERE ((p * 7919 + d * 104729) % 97) < 30 + p % 40) AS a,
         (SELECT coalesce(dayset_agg(date '2017-12-01' + d), '{}') FROM generate_series(0, 59) d
           WHERE ((p * 6007 + d * 1299709) % 89) < 20 + p % 50) AS b
  FROM generate_series(1, 300) p) s;

SELECT count(*) AS pairs,
  count(*) FILTER (WHERE (a | b)::datemultirange <> a::datemultirange + b::datemultirange) AS bad_union,
  count(*) FILTER (WHERE (a & b)::datemultirange <> a::datemultirange * b::datemultirange) AS bad_intersection,
  count(*) FILTER (WHERE (a - b)::datemultirange <> a::datemultirange - b::datemultirange) AS bad_difference,
  count(*) FILTER (WHERE (a @> b) <> (a::datemultirange @> b::datemultirange)) AS bad_contains,
  count(*) FILTER (WHERE (a <@ b) <> (a::datemultirange <@ b::datemultirange)) AS bad_contained,
  count(*) FILTER (WHERE (a && b) <> (a::datemultirange && b::datemultirange)) AS bad_overlaps,
  count(*) FILTER (WHERE (a = b) <> (a::datemultirange = b::datemultirange)) AS bad_equal,
  count(*) FILTER (WHERE a::datemultirange::dayset <> a) AS bad_round_trip,
  count(*) FILTER (WHERE a | b = a & b AND a <> b) AS impossible,
  count(DISTINCT a) AS distinct_a
FROM pairs;

SELECT count(*) FILTER (WHERE day_count(a) <> (SELECT coalesce(sum(upper(r) - lower(r)), 0)
                                              FROM unnest(a::datemultirange) r)) AS bad_day_count,
       count(*) FILTER (WHERE first_day(a) IS DISTINCT FROM lower(a::datemultirange)) AS bad_first_day,
       count(*) FILTER (WHERE last_day(a) IS DISTINCT FROM upper(a::datemultirange) - 1) AS bad_last_day,
       count(*) FILTER (WHERE streak_count(a) <> (SELECT count(*) FROM unnest(a::datemultirange))) AS bad_streak_count,
       count(*) FILTER (WHERE (date '2017-12-20' <@ a) <> (a::datemultirange @> date '2017-12-20')) AS bad_member
FROM pairs;

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

-- extended hash support (used by hash partitioning)
SELECT dayset_hash_extended('{2017-12-01}', 0) = dayset_hash_extended('{2017-12-01}', 0) AS stable,
       dayset_hash_extended('{2017-12-01}', 0) <> dayset_hash_extended('{2017-12-01}', 1) AS seeded,
       dayset_hash('{2017-12-01/2017-12-03}') = dayset_hash('{2017-12-03,2017-12-01/2017-12-02}') AS equal_values_hash_alike;
CREATE TABLE hp (ds dayset) PARTITION BY HASH (ds);
CREATE TABLE hp0 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE hp1 PARTITION OF hp FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO hp SELECT a FROM pairs;
SELECT count(*) AS partitioned_rows, count(*) FILTER (WHERE ds = (SELECT a FROM pairs WHERE p = 5)) AS found FROM hp;
