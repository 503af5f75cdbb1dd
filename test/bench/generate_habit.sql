-- generate_habit.sql: the rollup section's log, habitual viewing.
--
-- psql variables: rows (exact row count), seed.  Needs bench_u() from
-- generate.sql.  Creates the UNLOGGED table habits(viewer_id, title_id,
-- day), in time order.
--
-- The rollup target is stated for 12 monthly daysets per viewer and title,
-- i.e. pairs watched all year round: a daily show, a soap, the news.  Each
-- pair here watches on a day of 2024 with its own probability (30% to 80%,
-- so every month has days), a geometric number of views that day (mean
-- 1.5), and titles are skewed towards 200 popular shows.  That is about 300
-- rows per pair, 25 per monthly dayset.  (The main log's binges span one or
-- two months, which bounds a rollup's gain there by its 8 raw rows per
-- monthly dayset; the benchmark shows that case too.)

\set ON_ERROR_STOP on
SET client_min_messages = warning;
SET max_parallel_workers_per_gather = 0;

DROP TABLE IF EXISTS habits;
CREATE UNLOGGED TABLE habits (
	viewer_id int NOT NULL,
	title_id int NOT NULL,
	day date NOT NULL
);

SELECT ceil(:rows / 300.0 * 1.1)::bigint + 10 AS npairs,
       (:seed)::bigint * 16 + 12 AS key \gset

INSERT INTO habits
SELECT viewer_id, title_id, day
FROM (
	SELECT p.id AS viewer_id, pp.title_id, date '2024-01-01' + k.k AS day, w.k AS view
	FROM generate_series(1::bigint, :npairs) AS p(id)
	CROSS JOIN LATERAL (
		SELECT 1 + floor(200 * power(bench_u(p.id, :key), 2))::int AS title_id,
			   0.3 + 0.5 * bench_u(p.id, :key + 1) AS prob
	) pp
	-- (0 * id: keeps the days inside each pair, so LIMIT cuts the last pair)
	CROSS JOIN LATERAL generate_series(0, (365 + 0 * p.id)::int) AS k(k)
	CROSS JOIN LATERAL generate_series(0, least(7, floor(ln(1 - bench_u(p.id * 512 + k.k, :key + 3))
													   / ln(1.0 / 3))::int)) AS w(k)
	WHERE bench_u(p.id * 512 + k.k, :key + 2) < pp.prob
	LIMIT :rows
) g
ORDER BY day, hashint8(viewer_id::bigint * 8 + view);

VACUUM (FREEZE, ANALYZE) habits;
