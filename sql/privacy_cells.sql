-- Privacy-safe counts, part 2: suppress_cells(n [, min_group_size])
-- OVER (PARTITION BY ...), primary and complementary suppression of each
-- partition taken as one table row.  Oracles: a plpgsql transcription of the
-- definition, and the property that no hidden cell can be recovered.

-- worked examples, threshold 10 (the default); id only labels the rows
CREATE TABLE regress_privacy.cells (part int, id int, n bigint);
INSERT INTO regress_privacy.cells VALUES
  (1, 1, 5), (1, 2, 12), (1, 3, 12), (1, 4, 30),  -- 5 hidden; the two 12s with it
  (2, 1, 3), (2, 2, 4), (2, 3, 50), (2, 4, 60),   -- 3 + 4 < 10: 50 joins them
  (3, 1, 3), (3, 2, 7), (3, 3, 50),               -- 3 + 7 = 10: enough
  (4, 1, 0), (4, 2, 5), (4, 3, 20),               -- zeros stay and never help
  (5, 1, 15), (5, 2, 20),                         -- nothing below 10
  (6, 1, 5),                                      -- a lone cell
  (7, 1, NULL), (7, 2, 40), (7, 3, 12), (7, 4, 4); -- NULL is no cell
SELECT part, id, n, suppress_cells(n) OVER (PARTITION BY part) AS published
FROM regress_privacy.cells ORDER BY part, id;

-- Without ORDER BY the two 12s of part 1 cannot be told apart, so both go.
-- With an ORDER BY that separates them, the first in that order goes.
SELECT id, n, suppress_cells(n) OVER (ORDER BY id) AS by_id,
       suppress_cells(n) OVER (ORDER BY id DESC) AS by_id_desc,
       suppress_cells(n) OVER (ORDER BY n) AS by_n
FROM regress_privacy.cells WHERE part = 1 ORDER BY id;

-- a raised threshold, and arguments that are refused
SELECT id, n, suppress_cells(n, 13) OVER () AS raised
FROM regress_privacy.cells WHERE part = 1 ORDER BY id;
SELECT q, regress_privacy.try(q) FROM (VALUES
  ('SELECT suppress_cells(n, 9) OVER () FROM regress_privacy.cells'),
  ('SELECT suppress_cells(n, 0) OVER () FROM regress_privacy.cells'),
  ('SELECT suppress_cells(n, NULL) OVER () FROM regress_privacy.cells'),
  ('SELECT suppress_cells(n, 10 + id) OVER () FROM regress_privacy.cells'),
  ('SELECT suppress_cells(n) OVER () FROM (VALUES (5::bigint), (-1)) v(n)')) v(q);

-- ---- properties on a seeded random table ----
-- 400 partitions of 1 to 12 cells, values 0 to 40 (a fifth of them zero)
SELECT setseed(0.77);
CREATE TABLE regress_privacy.rcells AS
SELECT p AS part, c AS id,
       CASE WHEN random() < 0.2 THEN 0 ELSE (1 + random() * 39)::bigint END AS n
FROM generate_series(1, 400) p,
     LATERAL generate_series(1, 1 + (random() * 11 + 0 * p)::int) c;

-- the definition, literally: recompute the hidden count and sum each step
CREATE FUNCTION regress_privacy.cells_oracle(v bigint[], t int) RETURNS bool[]
LANGUAGE plpgsql AS $$
DECLARE
	hid bool[] := array_fill(false, ARRAY[cardinality(v)]);
	cnt int;
	total numeric;
	smallest bigint;
BEGIN
	FOR i IN 1 .. cardinality(v) LOOP
		hid[i] := v[i] > 0 AND v[i] < t;
	END LOOP;
	LOOP
		SELECT count(*), coalesce(sum(v[i]), 0) INTO cnt, total
		FROM generate_subscripts(v, 1) i WHERE hid[i];
		EXIT WHEN cnt = 0 OR NOT (cnt = 1 OR total < t);
		SELECT min(v[i]) INTO smallest FROM generate_subscripts(v, 1) i
		WHERE NOT hid[i] AND v[i] > 0;
		EXIT WHEN smallest IS NULL;
		FOR i IN 1 .. cardinality(v) LOOP
			IF v[i] = smallest THEN hid[i] := true; END IF;
		END LOOP;
	END LOOP;
	RETURN hid;
END $$;

-- rows reach the window in two different orders (input sorted by id, then
-- by id descending); the result per cell must not change
CREATE TABLE regress_privacy.rresult AS
SELECT a.part, a.id, a.n, a.published, b.published AS published_desc
FROM (SELECT part, id, n, suppress_cells(n) OVER (PARTITION BY part) AS published
      FROM (SELECT * FROM regress_privacy.rcells ORDER BY part, id OFFSET 0) s) a
JOIN (SELECT part, id, suppress_cells(n) OVER (PARTITION BY part) AS published
      FROM (SELECT * FROM regress_privacy.rcells ORDER BY part, id DESC OFFSET 0) s) b
  USING (part, id);

SELECT count(*) AS cells,
       count(DISTINCT part) AS partitions,
       count(*) FILTER (WHERE published IS NULL) AS hidden,
       count(*) FILTER (WHERE published IS NOT DISTINCT FROM published_desc) AS same_in_both_orders,
       count(*) FILTER (WHERE published > 0 AND published < 10) AS published_below_10,
       count(*) FILTER (WHERE published IS NOT NULL AND published <> n) AS altered
FROM regress_privacy.rresult;

-- against the oracle, cell by cell
SELECT count(*) AS cells,
       count(*) FILTER (WHERE (r.published IS NULL) = o.hid) AS agree_with_oracle
FROM regress_privacy.rresult r
JOIN (SELECT part, u.id::int AS id, u.hid
      FROM (SELECT part, regress_privacy.cells_oracle(array_agg(n ORDER BY id), 10) AS h
            FROM regress_privacy.rcells GROUP BY part) x,
           unnest(x.h) WITH ORDINALITY u(hid, id)) o USING (part, id);

-- No partition lets a hidden cell be recovered from its total: nothing is
-- hidden, or at least two cells summing to 10 or more are, or the total is
-- itself below 10 (every non-zero cell hidden), so not publishable either.
SELECT count(*) AS partitions,
       count(*) FILTER (WHERE hidden_cells = 0) AS nothing_hidden,
       count(*) FILTER (WHERE hidden_cells >= 2 AND hidden_sum >= 10) AS two_or_more_summing_to_10,
       count(*) FILTER (WHERE hidden_cells > 0 AND total < 10) AS total_below_10,
       count(*) FILTER (WHERE NOT (hidden_cells = 0 OR (hidden_cells >= 2 AND hidden_sum >= 10)
                                   OR total < 10)) AS recoverable
FROM (SELECT part, sum(n) AS total,
             count(*) FILTER (WHERE published IS NULL) AS hidden_cells,
             coalesce(sum(n) FILTER (WHERE published IS NULL), 0) AS hidden_sum
      FROM regress_privacy.rresult GROUP BY part) s;
