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

-- differential: 20000 timestamps over 2 years in 8 zones against AT TIME ZONE
CREATE TABLE tz_views AS
SELECT i, timestamptz '2016-01-01 00:00+00' + (i::bigint * 7919 % 63072000) * interval '1 second' AS ts,
       (ARRAY['America/New_York','Europe/London','Asia/Kolkata','Australia/Lord_Howe',
              'Pacific/Apia','Pacific/Kiritimati','America/St_Johns','UTC'])[1 + i % 8] AS tz
FROM generate_series(1, 20000) i;
SELECT count(*) AS zones,
       count(*) FILTER (WHERE ours = oracle) AS matching
FROM (SELECT tz, dayset_agg(ts, tz) AS ours, dayset_agg((ts AT TIME ZONE tz)::date) AS oracle
      FROM tz_views GROUP BY tz) s;
SELECT count(*) AS zone_viewer_groups,
       count(*) FILTER (WHERE ours = oracle) AS matching
FROM (SELECT tz, i % 37 AS viewer, longest_streak(ts, tz) AS ours,
             longest_streak((ts AT TIME ZONE tz)::date) AS oracle
      FROM tz_views GROUP BY 1, 2) s;
