-- Restricted mode for the clients: the fixture's log as a personal table
-- (views_p, unit viewer_id), a public table of titles, and a restricted
-- login role with the preload and a budget.  Run as the superuser after
-- fixture.sql; the clients connect as viewstats_analyst for their
-- restricted checks and compute the expected answers from views.
CREATE TABLE views_p AS SELECT * FROM views;
CREATE TABLE titles_p (title_id int PRIMARY KEY, name text NOT NULL);
INSERT INTO titles_p VALUES (1, 'One'), (2, 'Two'), (3, 'Three'), (4, 'Four');
LOAD 'viewstats';
SECURITY LABEL FOR viewstats ON COLUMN views_p.viewer_id IS 'privacy_unit';
CREATE ROLE viewstats_analyst LOGIN;
GRANT SELECT ON views_p, titles_p TO viewstats_analyst;
SECURITY LABEL FOR viewstats ON ROLE viewstats_analyst IS 'restricted';
ALTER ROLE viewstats_analyst SET session_preload_libraries = 'viewstats';
SELECT viewstats.set_privacy_budget('viewstats_analyst', 1000);
