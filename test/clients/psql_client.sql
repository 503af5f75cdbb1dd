-- The psql client: libpq in text mode, binary COPY through \copy, and plain
-- SQL as the oracle (gaps and islands over the raw rows). Each check prints
-- "ok N - psql: what" or "not ok N - psql: what". Run with -At from a
-- writable directory (the binary COPY file goes there).
\set ON_ERROR_STOP on

-- Runs of consecutive days per viewer and title, in plain SQL: a run's days
-- share day - dense_rank().
CREATE TEMP VIEW oracle_runs AS
SELECT viewer_id, title_id, min(day) AS first, max(day) AS last, count(*)::int AS days
FROM (SELECT DISTINCT viewer_id, title_id, day,
             day - dense_rank() OVER (PARTITION BY viewer_id, title_id ORDER BY day)::int AS island
      FROM views) AS d
GROUP BY viewer_id, title_id, island;

-- Streaks that may bridge one missed day: a new one starts where the step
-- from the previous distinct day exceeds 2.
CREATE TEMP VIEW oracle_gap1 AS
SELECT viewer_id, title_id, count(*)::int AS days
FROM (SELECT viewer_id, title_id, day,
             sum(brk) OVER (PARTITION BY viewer_id, title_id ORDER BY day) AS streak
      FROM (SELECT viewer_id, title_id, day,
                   CASE WHEN day - lag(day) OVER (PARTITION BY viewer_id, title_id ORDER BY day) <= 2
                        THEN 0 ELSE 1 END AS brk
            FROM (SELECT DISTINCT viewer_id, title_id, day FROM views) AS u) AS b) AS s
GROUP BY viewer_id, title_id, streak;

CREATE TEMP VIEW oracle AS
SELECT r.viewer_id, r.title_id,
       max(r.days) AS longest,
       (SELECT max(days) FROM oracle_gap1 g
        WHERE g.viewer_id = r.viewer_id AND g.title_id = r.title_id) AS longest_gap_1,
       -- the run holding 2017-12-10, or ending the day before, counted up to it
       coalesce(max(LEAST(r.last, date '2017-12-10') - r.first + 1)
                FILTER (WHERE r.first <= date '2017-12-10' AND r.last >= date '2017-12-09'), 0) AS current,
       '{' || string_agg(CASE WHEN r.first = r.last THEN r.first::text
                              ELSE r.first || '/' || r.last END, ',' ORDER BY r.first) || '}' AS text_form,
       '01000000' || lpad(to_hex(count(*)), 8, '0')
         || string_agg(lpad(to_hex(r.first - date '2000-01-01'), 8, '0')
                       || lpad(to_hex(r.last - date '2000-01-01'), 8, '0'), '' ORDER BY r.first) AS wire_hex
FROM oracle_runs r
GROUP BY r.viewer_id, r.title_id;

CREATE TEMP TABLE got AS
SELECT viewer_id, title_id, longest_streak(day) AS longest, longest_streak(day, 1) AS longest_gap_1,
       current_streak(day, date '2017-12-10') AS current, dayset_agg(day) AS days
FROM views
GROUP BY viewer_id, title_id;

SELECT CASE WHEN count(*) = 62 THEN 'ok' ELSE 'not ok' END || ' 1 - psql: 62 groups, as in the oracle'
FROM got JOIN oracle USING (viewer_id, title_id);

SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE 'not ok' END
       || ' 2 - psql: longest_streak, with and without a gap, matches gaps and islands'
       || coalesce(': ' || min(format('(%s,%s) %s/%s vs %s/%s', viewer_id, title_id,
                                      g.longest, g.longest_gap_1, o.longest, o.longest_gap_1)), '')
FROM got g JOIN oracle o USING (viewer_id, title_id)
WHERE (g.longest, g.longest_gap_1) IS DISTINCT FROM (o.longest, o.longest_gap_1);

SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE 'not ok' END
       || ' 3 - psql: current_streak as of 2017-12-10 matches'
       || coalesce(': ' || min(format('(%s,%s) %s vs %s', viewer_id, title_id, g.current, o.current)), '')
FROM got g JOIN oracle o USING (viewer_id, title_id)
WHERE g.current IS DISTINCT FROM o.current;

SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE 'not ok' END
       || ' 4 - psql: dayset text output matches the runs'
       || coalesce(': ' || min(format('%s vs %s', g.days, o.text_form)), '')
FROM got g JOIN oracle o USING (viewer_id, title_id)
WHERE g.days::text IS DISTINCT FROM o.text_form;

SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE 'not ok' END
       || ' 5 - psql: dayset binary form (dayset_send) matches the runs'
       || coalesce(': ' || min(format('%s vs %s', encode(dayset_send(g.days), 'hex'), o.wire_hex)), '')
FROM got g JOIN oracle o USING (viewer_id, title_id)
WHERE encode(dayset_send(g.days), 'hex') IS DISTINCT FROM o.wire_hex;

SELECT CASE WHEN count(*) = 5 THEN 'ok' ELSE 'not ok' END
       || ' 6 - psql: five viewers with an 18-day streak on title 1 (' || count(*) || ')'
FROM got WHERE title_id = 1 AND current >= 18;

-- Binary COPY through the client: out to a file, back into a new table.
\copy (SELECT viewer_id, title_id, days FROM got) TO 'daysets.bin' (FORMAT binary)
CREATE TEMP TABLE reloaded (viewer_id int, title_id int, days dayset);
\copy reloaded FROM 'daysets.bin' (FORMAT binary)
SELECT CASE WHEN (SELECT count(*) FROM reloaded) = 62
             AND NOT EXISTS (SELECT viewer_id, title_id, days FROM got
                             EXCEPT SELECT viewer_id, title_id, days FROM reloaded)
            THEN 'ok' ELSE 'not ok' END || ' 7 - psql: binary COPY round trip keeps every dayset';

-- The privacy-safe counts.
SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE 'not ok' END
       || ' 8 - psql: suppressed_count is the distinct viewers, or NULL below the threshold'
       || coalesce(': ' || min(format('title %s: %s vs %s', title_id, s, n)), '')
FROM (SELECT title_id, suppressed_count(viewer_id) AS s, count(DISTINCT viewer_id) AS n
      FROM views GROUP BY title_id) AS c
WHERE s IS DISTINCT FROM CASE WHEN n >= current_setting('viewstats.min_group_size')::int THEN n END;
SELECT CASE WHEN count(*) = 0 THEN 'ok' ELSE 'not ok' END
       || ' 9 - psql: perturbed_count is within 2 of the count, NULL below the threshold'
FROM (SELECT title_id, perturbed_count(viewer_id) AS p, count(DISTINCT viewer_id) AS n
      FROM views GROUP BY title_id) AS c
WHERE CASE WHEN n >= current_setting('viewstats.min_group_size')::int
           THEN p IS NULL OR abs(p - n) > 2 ELSE p IS NOT NULL END;
