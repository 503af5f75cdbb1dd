-- dayset_agg(timestamptz, tz): each timestamp on its local calendar day.
-- Oracle: PostgreSQL's own (ts AT TIME ZONE tz)::date.
SET datestyle = 'ISO, YMD';
SET timezone = 'UTC';

-- DST in New York: spring forward 2017-03-12 07:00 UTC, fall back
-- 2017-11-05 06:00 UTC.  Local midnight moves, and the day follows it.
SELECT ts, dayset_agg(ts, 'America/New_York') AS new_york
FROM (VALUES (timestamptz '2017-03-12 04:59:59+00'), ('2017-03-12 05:00:00+00'),
             ('2017-03-13 03:59:59+00'), ('2017-03-13 04:00:00+00'),
             ('2017-11-05 03:59:59+00'), ('2017-11-05 04:00:00+00'),
             ('2017-11-06 04:59:59+00'), ('2017-11-06 05:00:00+00')) t(ts)
GROUP BY ts ORDER BY ts;

-- the date line: the same instant is two different days
SELECT dayset_agg(ts, 'Pacific/Kiritimati') AS kiritimati_utc14,
       dayset_agg(ts, 'Pacific/Pago_Pago') AS pago_pago_utc11
FROM (VALUES (timestamptz '2017-12-24 12:00+00')) t(ts);

-- Samoa skipped 2011-12-30 when it crossed the date line: a viewer watching
-- every 24 hours has no local 2011-12-30, so the strict streak breaks there
SELECT dayset_agg(ts, 'Pacific/Apia') AS apia,
       longest_streak(ts, 'Pacific/Apia') AS strict_streak,
       longest_streak(ts, 'Pacific/Apia', 1) AS streak_gap1
FROM generate_series(timestamptz '2011-12-27 20:00+00', '2012-01-02 20:00+00', '1 day') ts;

-- time zones may differ per row, e.g. each viewer's own zone
SELECT viewer, dayset_agg(ts, tz)
FROM (VALUES (1, timestamptz '2017-12-01 23:30+00', 'Europe/London'),
             (1, '2017-12-01 23:30+00', 'Europe/Berlin'),
             (2, '2017-12-01 02:00+00', 'America/Los_Angeles'),
             (2, '2017-12-01 02:00+00', 'Asia/Kolkata')) t(viewer, ts, tz)
GROUP BY viewer ORDER BY viewer;

-- names are looked up like SET timezone: case-insensitive, POSIX specs too
SELECT dayset_agg(ts, 'europe/london') AS lower_case, dayset_agg(ts, 'UTC+12') AS posix
FROM (VALUES (timestamptz '2017-12-01 06:00+00')) t(ts);

-- differential: 20000 timestamps over 2 years in 8 zones against AT TIME
-- ZONE, one group per timestamp, and each zone's longest streak against
-- gaps and islands over the AT TIME ZONE days, in plain SQL
CREATE TABLE tz_views AS
SELECT i, timestamptz '2016-01-01 00:00+00' + (i::bigint * 7919 % 63072000) * interval '1 second' AS ts,
       (ARRAY['America/New_York','Europe/London','Asia/Kolkata','Australia/Lord_Howe',
              'Pacific/Apia','Pacific/Kiritimati','America/St_Johns','UTC'])[1 + i % 8] AS tz
FROM generate_series(1, 20000) i;
SELECT count(*) AS timestamps,
       count(*) FILTER (WHERE first_day(ds) = (ts AT TIME ZONE tz)::date
                        AND last_day(ds) = first_day(ds)) AS matching
FROM (SELECT tz, i, min(ts) AS ts, dayset_agg(ts, tz) AS ds FROM tz_views GROUP BY tz, i) s;
SELECT count(*) AS zone_viewer_groups,
       count(*) FILTER (WHERE ours = oracle) AS matching
FROM (SELECT tz, i % 37 AS viewer, longest_streak(ts, tz) AS ours
      FROM tz_views GROUP BY 1, 2) a
JOIN (SELECT tz, viewer, max(n) AS oracle
      FROM (SELECT tz, viewer, count(*) AS n
            FROM (SELECT tz, viewer, day,
                         day - (row_number() OVER (PARTITION BY tz, viewer ORDER BY day))::int AS island
                  FROM (SELECT DISTINCT tz, i % 37 AS viewer, (ts AT TIME ZONE tz)::date AS day
                        FROM tz_views) d) w
            GROUP BY tz, viewer, island) islands
      GROUP BY tz, viewer) o USING (tz, viewer);

-- Names that AT TIME ZONE reads as abbreviations (timezone_abbreviations)
-- are read the same way: CET, MET and PST as fixed offsets (older tzdata
-- also has zones named CET and MET, with summer time, which AT TIME ZONE
-- does not use), VET as a dynamic abbreviation whose offset follows
-- America/Caracas (-04:30 from 2007 to 2016, -04:00 otherwise).
SELECT tz, ts, dayset_agg(ts, tz) AS ours, (ts AT TIME ZONE tz)::date AS at_time_zone
FROM (VALUES ('CET'), ('cet'), ('MET'), ('PST')) z(tz),
     (VALUES (timestamptz '2023-07-01 22:30+00'), ('2023-07-01 23:30+00'),
             ('2023-01-15 07:59+00'), ('2023-01-15 08:00+00')) t(ts)
GROUP BY tz, ts ORDER BY tz, ts;
SELECT ts, dayset_agg(ts, 'VET') AS ours, (ts AT TIME ZONE 'VET')::date AS at_time_zone
FROM (VALUES (timestamptz '2010-06-01 04:15+00'), ('2010-06-01 04:45+00'),
             ('2020-06-01 03:45+00'), ('2020-06-01 04:15+00')) t(ts)
GROUP BY ts ORDER BY ts;

-- Every zone PostgreSQL lists (the posix/ copies of the same files aside)
-- against AT TIME ZONE, with timestamps before 2000 (from 1850, local mean
-- time included) and after 2038 (to 2200, where zones follow their POSIX
-- rules): 1,000 timestamps a zone, in time order so each zone's cached
-- offset is used until its next transition, at least 100 days apart so
-- every one lands on a day of its own.  The oracle is the list of AT TIME
-- ZONE days, as text, in plain SQL.
SELECT count(*) > 300 AS many_zones,
       count(*) FILTER (WHERE ours::text <> '{' || oracle || '}') AS zones_with_wrong_days,
       min(day_count(ours)) AS min_days, max(day_count(ours)) AS max_days
FROM (SELECT z.name, dayset_agg(t.ts, z.name) AS ours,
             string_agg((t.ts AT TIME ZONE z.name)::date::text, ',' ORDER BY t.ts) AS oracle
      FROM pg_timezone_names z
      CROSS JOIN LATERAL (
          SELECT timestamptz '1850-01-01 00:00+00'
                 + i * interval '109 days 7 hours 13 minutes 17 seconds' AS ts
          FROM generate_series(0, 499) i
          UNION ALL
          SELECT timestamptz '2038-01-19 03:14:08+00'
                 + i * interval '117 days 5 hours 41 minutes 3 seconds'
          FROM generate_series(0, 499) i) t
      WHERE z.name NOT LIKE 'posix/%'
      GROUP BY z.name) s;
