-- Restricted mode, part 1: the DBA's interface.  Labels, what they install,
-- who may set them, and viewstats.access_level().  The tables made here are
-- used by restricted_attacks and restricted_usability, and dropped at the end
-- of restricted_usability.
--
-- The viewing log: titles 1 to 3 with about 60 viewers each, title 301 with
-- 4 viewers (the rare title of the issue), and 4 "streakers" who watched
-- title 1 every day from 2017-11-23 to 2017-12-10.
CREATE TABLE r_titles (title_id int PRIMARY KEY, name text NOT NULL);
INSERT INTO r_titles VALUES (1, 'A Christmas Prince'), (2, 'Bright'), (3, 'Dark'),
	(301, 'Bee Movie'), (302, 'Nobody watched this');
CREATE TABLE r_views (viewer_id int NOT NULL, title_id int NOT NULL, day date NOT NULL);
INSERT INTO r_views
SELECT v, 1 + v % 3, date '2017-11-20' + d
FROM generate_series(1, 180) v, generate_series(0, 29) d
WHERE (v * 7 + d * d) % 5 <> 0 AND (v + d) % 4 <> 1;
INSERT INTO r_views SELECT v, 301, date '2017-12-01' + d
FROM generate_series(1001, 1004) v, generate_series(0, 2) d;
INSERT INTO r_views SELECT v, 1, date '2017-11-23' + d
FROM generate_series(2001, 2004) v, generate_series(0, 17) d;
ANALYZE r_views;

-- ---- the labels ----
LOAD 'viewstats';
SECURITY LABEL FOR viewstats ON COLUMN r_views.viewer_id IS 'privacy_unit';
-- row security and the two policies are installed with it
SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = 'r_views'::regclass;
SELECT polname, polpermissive, pg_get_expr(polqual, polrelid) AS using_clause
FROM pg_policy WHERE polrelid = 'r_views'::regclass ORDER BY polname;
-- labelling again changes nothing
SECURITY LABEL FOR viewstats ON COLUMN r_views.viewer_id IS 'privacy_unit';
SELECT count(*) AS policies FROM pg_policy WHERE polrelid = 'r_views'::regclass;
-- one unit column per table
SECURITY LABEL FOR viewstats ON COLUMN r_views.title_id IS 'privacy_unit';
-- labels viewstats does not know, and objects it does not label
SECURITY LABEL FOR viewstats ON COLUMN r_views.day IS 'personal';
SECURITY LABEL FOR viewstats ON TABLE r_views IS 'privacy_unit';
CREATE TABLE r_parted (viewer_id int, day date) PARTITION BY RANGE (day);
SECURITY LABEL FOR viewstats ON COLUMN r_parted.viewer_id IS 'privacy_unit';
DROP TABLE r_parted;
CREATE VIEW r_a_view AS SELECT viewer_id FROM r_titles, r_views LIMIT 0;
SECURITY LABEL FOR viewstats ON COLUMN r_a_view.viewer_id IS 'privacy_unit';
DROP VIEW r_a_view;
-- a label removed takes the policies with it; set again, they come back
SECURITY LABEL FOR viewstats ON COLUMN r_views.viewer_id IS NULL;
SELECT relrowsecurity, (SELECT count(*) FROM pg_policy WHERE polrelid = 'r_views'::regclass) AS policies
FROM pg_class WHERE oid = 'r_views'::regclass;
SECURITY LABEL FOR viewstats ON COLUMN r_views.viewer_id IS 'privacy_unit';
SELECT provider, label, objsubid FROM pg_seclabels WHERE objoid = 'r_views'::regclass;

-- ---- roles ----
CREATE ROLE regress_r_analyst LOGIN;
CREATE ROLE regress_r_member LOGIN;
CREATE ROLE regress_r_direct LOGIN;
GRANT SELECT ON r_views, r_titles TO regress_r_analyst, regress_r_member, regress_r_direct;
SECURITY LABEL FOR viewstats ON ROLE regress_r_analyst IS 'restricted';
ALTER ROLE regress_r_analyst SET session_preload_libraries = 'viewstats';
-- a schema of its own, for the functions and views it will try to make
CREATE SCHEMA r_mine AUTHORIZATION regress_r_analyst;
-- the epsilon it may spend, all sessions together
SELECT viewstats.set_privacy_budget('regress_r_analyst', 1000);
-- membership in a restricted role makes a session restricted too
GRANT regress_r_analyst TO regress_r_member;
ALTER ROLE regress_r_member SET session_preload_libraries = 'viewstats';
SECURITY LABEL FOR viewstats ON ROLE regress_r_direct IS 'unrestricted';
CREATE ROLE regress_r_super SUPERUSER;
SECURITY LABEL FOR viewstats ON ROLE regress_r_super IS 'restricted';
DROP ROLE regress_r_super;
SELECT r.rolname, l.label FROM pg_shseclabel l JOIN pg_roles r ON r.oid = l.objoid
WHERE l.provider = 'viewstats' AND r.rolname LIKE 'regress_r%' ORDER BY 1;

-- ---- only superusers label ----
GRANT CREATE ON SCHEMA public TO regress_r_direct;
\c - regress_r_direct
SELECT current_user, viewstats.access_level();
-- even on a table of its own
CREATE TABLE r_own (id int);
SECURITY LABEL FOR viewstats ON COLUMN r_own.id IS 'privacy_unit';
DROP TABLE r_own;
-- a direct role reads the personal table (the gate lets it through)
SELECT count(DISTINCT viewer_id) AS viewers FROM r_views;
\c - regress_r_member
SELECT current_user, viewstats.access_level();
\c - regress_r_analyst
SELECT current_user, viewstats.access_level();
\c - postgres
SELECT viewstats.access_level();
REVOKE CREATE ON SCHEMA public FROM regress_r_direct;
