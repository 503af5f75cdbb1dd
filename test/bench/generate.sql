-- generate.sql: the benchmark's seeded synthetic viewing log.
--
-- psql variables: rows (exact row count wanted), seed (integer).
-- Creates bench_u() and the UNLOGGED table views(viewer_id, title_id, day,
-- watched_at, tz), physically in arrival order.
--
-- Every random draw is a keyed hash of an id, u(id, k) in [0, 1), not
-- random(): the log depends only on (rows, seed), never on the plan or on
-- row order, and any subset of viewers has the same shape as the whole.
-- The shape, per viewer:
--   * a home time zone (10 zones, weighted), views stored as timestamptz and
--     their local calendar day, as (watched_at AT TIME ZONE tz)::date;
--   * a geometric number of engagements (mean 3), each with one title drawn
--     log-uniformly from 5,000 titles (Zipf-like: title 1 gets ~8% of
--     engagements, the tail a handful each);
--   * per engagement a start day in 2024, a stride of 2-14 days and a
--     geometric number of binge runs (mean 1.7) of 1..stride-1 consecutive
--     days each, so gaps of one day or more separate them;
--   * per watched day a geometric number of views (mean 1.5): duplicates on
--     one day, at local evening times that sometimes cross midnight.
-- Days past 2024-12-31 are cut off.  Rows are stored by arrival time: by
-- watched_at, except 1% that arrive up to 3 days late (offline viewing
-- synced later), so aggregates also see out-of-order days.

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;

DROP TABLE IF EXISTS views;

-- u(id, k): a uniform draw in [0, 1) from 53 bits of a keyed hash.
CREATE OR REPLACE FUNCTION bench_u(id bigint, k int) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (pg_catalog.hashint8extended(id, k) & 9007199254740991)::float8
            / 9007199254740992.0 $$;

CREATE UNLOGGED TABLE views (
	viewer_id int NOT NULL,
	title_id int NOT NULL,
	day date NOT NULL,
	watched_at timestamptz NOT NULL,
	tz text NOT NULL
);

-- About 28 rows per viewer come out; 10% more viewers than that need
-- leaves room for the cut at exactly :rows.
SELECT ceil(:rows / 28.0 * 1.1)::bigint + 10 AS nviewers,
       (:seed)::bigint * 16 AS key \gset

INSERT INTO views
SELECT viewer_id, title_id, day, watched_at, tz
FROM (
	SELECT v.id AS viewer_id, en.title_id, l.day, l.watched_at, vz.tz,
		   -- arrival order: a view id's draw decides whether it is late
		   l.watched_at + CASE WHEN bench_u(wid, :key + 9) < 0.01
			   THEN interval '1 minute' * floor(bench_u(wid, :key + 10) * 4320)
			   ELSE interval '0' END AS arrived
	FROM generate_series(1::bigint, :nviewers) AS v(id)
	CROSS JOIN LATERAL (
		SELECT (ARRAY['America/New_York', 'America/Chicago', 'America/Los_Angeles',
					  'America/Sao_Paulo', 'Europe/London', 'Europe/Berlin',
					  'Asia/Kolkata', 'Asia/Tokyo', 'Australia/Sydney',
					  'Pacific/Auckland'])[1 + floor(10 * power(bench_u(v.id, :key + 1), 1.6))::int] AS tz,
			   -- geometric, mean 3 (p = 1/3), at most 16
			   least(16, 1 + floor(ln(1 - bench_u(v.id, :key + 2)) / ln(2.0 / 3))::int) AS neng
	) vz
	CROSS JOIN LATERAL generate_series(0, vz.neng - 1) AS e(k)
	CROSS JOIN LATERAL (
		SELECT v.id * 16 + e.k AS eid
	) ei
	CROSS JOIN LATERAL (
		SELECT floor(exp(bench_u(ei.eid, :key + 3) * ln(5001.0)))::int AS title_id,
			   date '2024-01-01' + floor(bench_u(ei.eid, :key + 4) * 366)::int AS start,
			   2 + floor(bench_u(ei.eid, :key + 5) * 13)::int AS stride,
			   -- geometric, mean 1.7, at most 32
			   least(32, 1 + floor(ln(1 - bench_u(ei.eid, :key + 6)) / ln(0.7 / 1.7))::int) AS nruns
	) en
	CROSS JOIN LATERAL generate_series(0, en.nruns - 1) AS r(k)
	CROSS JOIN LATERAL (
		SELECT ei.eid * 32 + r.k AS rid, en.start + r.k * en.stride AS rstart
	) ri
	CROSS JOIN LATERAL generate_series(0, floor(bench_u(ri.rid, :key + 7) * (en.stride - 1))::int) AS d(k)
	CROSS JOIN LATERAL (
		SELECT ri.rid * 64 + d.k AS did
	) di
	-- geometric, mean 1.5, at most 8
	CROSS JOIN LATERAL generate_series(0, least(7, floor(ln(1 - bench_u(di.did, :key + 8)) / ln(1.0 / 3))::int)) AS w(k)
	CROSS JOIN LATERAL (
		SELECT di.did * 8 + w.k AS wid
	) wi
	CROSS JOIN LATERAL (
		-- local time 17:00 to 01:00, the view's own draw
		SELECT ts, (ts AT TIME ZONE vz.tz)::date AS day, ts AS watched_at
		FROM (SELECT ((ri.rstart + d.k)::timestamp
					  + interval '1 second' * floor(61200 + bench_u(wi.wid, :key + 11) * 28800))
					 AT TIME ZONE vz.tz AS ts) t
	) l
	WHERE l.day <= date '2024-12-31'
	LIMIT :rows
) g
ORDER BY arrived;

VACUUM (FREEZE, ANALYZE) views;
