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
  (7, 1, NULL), (7, 2, 40), (7, 3, 12), (7, 4, 4), -- NULL: hidden, count unknown
  (8, 1, NULL), (8, 2, 16), (8, 3, 20);          -- so it needs a complement
SELECT part, id, n, suppress_cells(n) OVER (PARTITION BY part) AS published
FROM regress_privacy.cells ORDER BY part, id;

-- The two 12s of part 1 go together: cells are told apart by their value
-- only, so an ORDER BY changes nothing (each order gives the same cells).
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

-- ---- attacks, as the analyst ----
GRANT SELECT ON regress_privacy.cells TO regress_analyst;
CREATE TABLE regress_privacy.cellviews AS
SELECT t AS title, b AS bucket, ascii(b) * 1000 + v AS viewer   -- one viewer, one bucket
FROM generate_series(1, 6) t,
     LATERAL (VALUES ('a', 15 + t), ('b', 20), ('c', t + 2)) bk(b, size),
     LATERAL generate_series(1, bk.size) v;
GRANT SELECT ON regress_privacy.cellviews TO regress_analyst;
SET ROLE regress_analyst;
-- Publishing a row twice, ordered one way and the other, and combining:
-- a cell hidden both times and alone in that is the row total minus every
-- cell shown in either publication.
SELECT part, count(*) FILTER (WHERE asc_pub IS NULL AND desc_pub IS NULL) AS hidden_in_both,
       sum(n) - sum(coalesce(asc_pub, desc_pub)) AS total_minus_shown,
       min(n) FILTER (WHERE asc_pub IS NULL AND desc_pub IS NULL) AS hidden_value
FROM (SELECT part, id, n,
             suppress_cells(n) OVER (PARTITION BY part ORDER BY id) AS asc_pub,
             suppress_cells(n) OVER (PARTITION BY part ORDER BY id DESC) AS desc_pub
      FROM regress_privacy.cells) s
GROUP BY part ORDER BY part;
-- suppress_cells over suppressed_count: a suppressed (NULL) cell and a
-- published row total; the hidden cell is the total minus the shown cells
-- unless its complement is hidden too
SELECT count(*) AS titles,
       count(*) FILTER (WHERE hidden = 1) AS one_hidden_cell,
       count(*) FILTER (WHERE hidden = 1 AND total - shown = truth) AS recovered
FROM (SELECT c.title, count(*) FILTER (WHERE published IS NULL) AS hidden,
             sum(published) AS shown, max(t.total) AS total,
             max(x.truth) AS truth
      FROM (SELECT title, bucket, suppress_cells(n) OVER (PARTITION BY title) AS published
            FROM (SELECT title, bucket, suppressed_count(viewer) AS n
                  FROM regress_privacy.cellviews GROUP BY title, bucket) g) c
      JOIN (SELECT title, suppressed_count(viewer) AS total
            FROM regress_privacy.cellviews GROUP BY title) t USING (title)
      JOIN (SELECT title, count(DISTINCT viewer) AS truth
            FROM regress_privacy.cellviews WHERE bucket = 'c' GROUP BY title) x USING (title)
      GROUP BY c.title) s;
RESET ROLE;

-- ---- properties on a seeded random table ----
-- 400 partitions of 1 to 12 cells, values 0 to 40 (a fifth of them zero,
-- one in twenty NULL)
SELECT setseed(0.77);
CREATE TABLE regress_privacy.rcells AS
SELECT p AS part, c AS id,
       CASE WHEN random() < 0.2 THEN 0 ELSE (1 + random() * 39)::bigint END AS n
FROM generate_series(1, 400) p,
     LATERAL generate_series(1, 1 + (random() * 11 + 0 * p)::int) c;
UPDATE regress_privacy.rcells SET n = NULL WHERE random() < 0.05;

-- the definition, literally: recompute the hidden count and sum each step
-- (a NULL cell is hidden and adds nothing to the sum)
CREATE FUNCTION regress_privacy.cells_oracle(v bigint[], t int) RETURNS bool[]
LANGUAGE plpgsql AS $$
DECLARE
	hid bool[] := array_fill(false, ARRAY[cardinality(v)]);
	cnt int;
	total numeric;
	smallest bigint;
BEGIN
	FOR i IN 1 .. cardinality(v) LOOP
		hid[i] := v[i] IS NULL OR (v[i] > 0 AND v[i] < t);
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
       count(*) FILTER (WHERE n IS NULL) AS null_cells,
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
-- hidden, or at least two cells are, the known ones summing to 10 or more,
-- or the known total is itself below 10 (every non-zero cell hidden).
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
