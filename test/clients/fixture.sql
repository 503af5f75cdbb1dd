-- The viewing log every client reads: small, deterministic (no random()),
-- with what drivers must survive: duplicate views on one day, gaps of one
-- and more days, streaks across a month boundary, and groups of 45, 12 and
-- 5 viewers (above and below the default privacy threshold of 10).
CREATE TABLE views (viewer_id int NOT NULL, title_id int NOT NULL, day date NOT NULL);

-- title 1: viewers 1..40; title 2: viewers 1..12; title 3: viewers 1..5,
-- over the 30 days from 2017-11-20, with arithmetic holes
INSERT INTO views
SELECT v, t, date '2017-11-20' + d
FROM generate_series(1, 40) AS v, generate_series(1, 3) AS t, generate_series(0, 29) AS d
WHERE (t = 1 OR (t = 2 AND v <= 12) OR (t = 3 AND v <= 5))
  AND (v * 7 + d * d + t * 3) % 5 <> 0
  AND (v + d) % 11 <> 3;

-- five viewers who watched title 1 every day for 18 days up to 2017-12-10
INSERT INTO views
SELECT v, 1, date '2017-11-23' + d
FROM generate_series(41, 45) AS v, generate_series(0, 17) AS d;

-- duplicate views on the same day
INSERT INTO views
SELECT viewer_id, title_id, day FROM views
WHERE (viewer_id + extract(day FROM day)::int) % 4 = 0;

ANALYZE views;
