-- A seeded synthetic viewing log shaped like the December 2017 story.
--   * 30,000 viewers, 300 titles with skewed (Zipf-like) popularity
--   * ordinary binges: a start day, a length, and a chance to skip each day
--   * a few duplicate views on the same day, viewers across time zones
--   * 53 viewers who watched "A Christmas Prince" every day, 2017-11-23 to
--     2017-12-10 (18 days), the day of the tweet
--   * one viewer who watched "Bee Movie" 357 times
-- Everything derives from setseed(), so every run prints the same report.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT setseed(0.1210) \gset
SET max_parallel_workers_per_gather = 0;  -- keep random() in one order

DROP TABLE IF EXISTS views, titles, viewers;

CREATE TABLE titles (title_id int PRIMARY KEY, name text NOT NULL);
INSERT INTO titles VALUES (1, 'A Christmas Prince'), (2, 'Bee Movie'),
  (3, 'Stranger Things'), (4, 'The Crown'), (5, 'Bright'), (6, 'Dark');
INSERT INTO titles SELECT i, 'Title ' || lpad(i::text, 3, '0') FROM generate_series(7, 300) i;

CREATE TABLE viewers (viewer_id int PRIMARY KEY, tz text NOT NULL);
INSERT INTO viewers
SELECT v, (ARRAY['America/New_York','America/Los_Angeles','Europe/London','Europe/Berlin',
                 'Asia/Kolkata','Asia/Tokyo','Australia/Sydney','America/Sao_Paulo'])[1 + floor(random() * 8)::int]
FROM generate_series(1, 30000) v;

CREATE TABLE views (viewer_id int NOT NULL, title_id int NOT NULL, watched_at timestamptz NOT NULL);

-- ordinary binges: each viewer picks 1-8 titles; title 2 (Bee Movie) is left
-- to a handful of viewers below, as it was in the story
INSERT INTO views
SELECT b.viewer_id, b.title_id,
       ((b.start + d)::timestamp + random() * interval '23 hours') AT TIME ZONE v.tz
FROM (SELECT viewer_id, title_id, start, len, skip
      FROM (SELECT v.viewer_id,
                   CASE WHEN t.title_id = 2 THEN 3 ELSE t.title_id END AS title_id,
                   date '2017-10-01' + (random() * 90)::int AS start,
                   CASE WHEN t.title_id = 1 THEN 1 + (random() * 9)::int  -- no ordinary 18-day run
                        ELSE 1 + (random() * random() * 30)::int END AS len,
                   0.15 + random() * 0.5 AS skip
            FROM viewers v,
                 -- v.viewer_id keeps the draw per viewer (uncorrelated, it runs once)
                 LATERAL (SELECT DISTINCT 1 + floor(300 * power(random(), 2.2))::int + 0 * v.viewer_id AS title_id
                          FROM generate_series(1, 1 + (random() * 7)::int + 0 * v.viewer_id)) t) s) b
JOIN viewers v USING (viewer_id),
     LATERAL generate_series(0, b.len - 1) d
WHERE random() + 0 * d > b.skip;  -- d keeps the draw per day, not per binge

-- the usual duplicate: some days are watched twice
INSERT INTO views
SELECT viewer_id, title_id, watched_at + interval '40 minutes'
FROM views WHERE random() < 0.03;

-- the 53: "A Christmas Prince" every day for the 18 days up to 2017-12-10
INSERT INTO views
SELECT v, 1, ((date '2017-11-23' + d)::timestamp + interval '20 hours') AT TIME ZONE vw.tz
FROM generate_series(30001, 30053) v
JOIN LATERAL (SELECT 'America/Chicago'::text AS tz) vw ON true,
     generate_series(0, 17) d;
INSERT INTO viewers SELECT v, 'America/Chicago' FROM generate_series(30001, 30053) v;

-- Bee Movie: a few casual viewers, and one viewer with 357 views
INSERT INTO views
SELECT viewer_id, 2, timestamptz '2017-11-01 18:00+00' + (random() * interval '40 days')
FROM viewers WHERE viewer_id % 9973 = 0;
INSERT INTO views
SELECT 12345, 2, timestamptz '2017-03-01 12:00+00' + i * interval '20 hours'
FROM generate_series(1, 357) i;

-- the local calendar day of each view, as the analysts' table has it
ALTER TABLE views ADD COLUMN day date;
UPDATE views SET day = (watched_at AT TIME ZONE v.tz)::date FROM viewers v
WHERE v.viewer_id = views.viewer_id;
ALTER TABLE views ALTER COLUMN day SET NOT NULL;
CREATE INDEX ON views (title_id);
VACUUM ANALYZE views;
VACUUM ANALYZE viewers;
RESET max_parallel_workers_per_gather;
