-- window functions streak_length, streak_start, streak_number
SET datestyle = 'ISO, YMD';

CREATE TABLE wviews (viewer int, day date);
INSERT INTO wviews VALUES
  (1, '2017-12-01'), (1, '2017-12-02'), (1, '2017-12-02'), (1, '2017-12-03'),
  (1, '2017-12-05'), (1, '2017-12-06'), (1, '2017-12-09'), (1, NULL),
  (2, '2017-12-24'), (2, '2017-12-25');

SELECT viewer, day,
       streak_length(day) OVER w, streak_start(day) OVER w, streak_number(day) OVER w,
       streak_length(day, 1) OVER w AS len_gap1, streak_start(day, 1) OVER w AS start_gap1,
       streak_number(day, 2) OVER w AS num_gap2
FROM wviews WINDOW w AS (PARTITION BY viewer ORDER BY day)
ORDER BY viewer, day NULLS LAST;

-- NULLS FIRST: NULL rows get NULL and do not disturb the streak
SELECT day, streak_length(day) OVER (ORDER BY day NULLS FIRST)
FROM wviews WHERE viewer = 1 ORDER BY day NULLS FIRST;

-- a finer ordering (day, then something else) is fine: same-day rows still
-- get the same values
SELECT day, v, streak_length(day) OVER (ORDER BY day, v)
FROM (VALUES (date '2017-12-01', 2), ('2017-12-01', 1), ('2017-12-02', 3)) t(day, v)
ORDER BY day, v;

-- empty input and a single row
SELECT streak_length(day) OVER (ORDER BY day) FROM wviews WHERE false;
SELECT streak_length(day) OVER (ORDER BY day) FROM wviews WHERE viewer = 2 AND day = '2017-12-24';

-- the window must be ordered by the day ascending
SELECT streak_length(day) OVER (PARTITION BY viewer ORDER BY day DESC) FROM wviews;
SELECT streak_number(day) OVER (PARTITION BY viewer) FROM wviews;
SELECT streak_start(day) OVER (ORDER BY viewer) FROM wviews;
-- max_gap must be constant and not negative
SELECT streak_length(day, viewer) OVER (ORDER BY day) FROM wviews;
SELECT streak_length(day, -1) OVER (ORDER BY day) FROM wviews;
-- An ordering coarser than the day is refused on every row, not only on the
-- first change of day: here the first two days are in different weeks, and
-- the week of 2017-12-11 holds two days, in either order of the peers.
SELECT day, streak_length(day) OVER (ORDER BY date_trunc('week', day))
FROM (VALUES (date '2017-12-04'), ('2017-12-11'), ('2017-12-12')) t(day);
SELECT day, streak_start(day) OVER (ORDER BY date_trunc('week', day))
FROM (VALUES (date '2017-12-04'), ('2017-12-12'), ('2017-12-11')) t(day);
SELECT day, streak_number(day) OVER (PARTITION BY viewer ORDER BY date_trunc('month', day))
FROM wviews;
-- where each week holds one day, ordering by the week orders by the day
SELECT day, streak_length(day, 7) OVER (ORDER BY date_trunc('week', day))
FROM (VALUES (date '2017-12-04'), ('2017-12-13'), ('2017-12-21')) t(day);
