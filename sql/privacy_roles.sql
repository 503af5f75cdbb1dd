-- Privacy-safe counts, part 5: the analyst as an adversary.  The role
-- regress_analyst (no privileges beyond PUBLIC's) tries every way around
-- the DBA's threshold and every channel to the secret, with SQLSTATEs.
-- It then drops what the privacy_* files created.

-- ---- before the library is loaded in this session ----
SET ROLE regress_analyst;
-- pg_db_role_setting is trusted at login, so PostgreSQL refuses an unknown
-- (placeholder) setting there from a non-superuser
ALTER ROLE regress_analyst SET viewstats.min_group_size = 1;
-- the placeholder trick: SET the name while nothing defines it yet ...
SET viewstats.min_group_size = 1;
-- ... then load the library: the real PGC_SUSET setting refuses the value
SELECT suppress(5) AS five;
SHOW viewstats.min_group_size;
RESET ROLE;

-- the same through a startup option of a new session (as PGOPTIONS would)
SELECT format('user=%s options=''''', current_user) AS superuser_conninfo \gset
\c -reuse-previous=on "user=regress_analyst options=-cviewstats.min_group_size=1"
SELECT current_user, suppress(5) AS five, current_setting('viewstats.min_group_size') AS setting;
\c -reuse-previous=on :superuser_conninfo
SELECT current_user = 'regress_analyst' AS analyst, suppress(9) AS nine,
       current_setting('viewstats.min_group_size') AS setting;

-- ---- what the analyst may use ----
GRANT SELECT ON ALL TABLES IN SCHEMA regress_privacy TO regress_analyst;
SELECT encode(secret, 'hex') AS secret_hex, encode(secret, 'base64') AS secret_b64
FROM privacy_secret \gset
SET ROLE regress_analyst;
-- the counts work, and perturbed_count gives the superuser's numbers
SELECT regress_privacy.differs('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g')
       AS differing_from_superuser;
SELECT suppressed_count(viewer) AS whole_log FROM regress_privacy.plog;

-- ---- every threshold bypass ----
CREATE TEMP TABLE attempts (label text, result text);
INSERT INTO attempts
SELECT label, replace(regress_privacy.try(q), current_database(), '<this database>') FROM (VALUES
  ('SET', 'SET viewstats.min_group_size = 1'),
  ('SET LOCAL', 'SET LOCAL viewstats.min_group_size = 1'),
  ('set_config', 'SELECT set_config(''viewstats.min_group_size'', ''1'', false)'),
  ('set_config local', 'SELECT set_config(''viewstats.min_group_size'', ''1'', true)'),
  ('ALTER ROLE self', 'ALTER ROLE regress_analyst SET viewstats.min_group_size = 1'),
  ('ALTER ROLE ALL', 'ALTER ROLE ALL SET viewstats.min_group_size = 1'),
  ('ALTER DATABASE', format('ALTER DATABASE %I SET viewstats.min_group_size = 1', current_database())),
  ('ptable_max_deviation', 'SET viewstats.ptable_max_deviation = 20'),
  ('ptable_variance', 'SET viewstats.ptable_variance = 0.001'),
  ('dp_max_epsilon', 'SET viewstats.dp_max_epsilon = 1000'),
  ('dp_max_delta', 'SET viewstats.dp_max_delta = 0.5'),
  ('suppressed_count arg', 'SELECT suppressed_count(x, 1) FROM generate_series(1, 3) x'),
  ('suppress arg', 'SELECT suppress(3, 1)'),
  ('suppress_cells arg', 'SELECT suppress_cells(3, 1) OVER ()'),
  ('dp_count epsilon', 'SELECT dp_count(x, 10) FROM generate_series(1, 3) x'),
  ('dp_count delta', 'SELECT dp_count(x, 1, 0.4) FROM generate_series(1, 3) x'),
  ('dp_count window', 'SELECT dp_count(x, 1) OVER () FROM generate_series(1, 3) x'),
  ('own aggregate', 'CREATE AGGREGATE pg_temp.leak(anyelement) (SFUNC = viewstats_unit_transfn, '
                    'STYPE = internal, FINALFUNC = viewstats_unit_serialize)'),
  ('own final', 'CREATE AGGREGATE pg_temp.leak2(anyelement) (SFUNC = viewstats_unit_transfn, '
                'STYPE = internal, FINALFUNC = viewstats_suppressed_count_final)')) v(label, q);
-- PostgreSQL 16 reworded two of these refusals (its own messages, not
-- ours): for them the SQLSTATE is what is compared.
SELECT label, CASE WHEN label IN ('ALTER ROLE ALL', 'COPY out')
       THEN split_part(result, ':', 1) || ': (wording differs by PostgreSQL major)'
       ELSE result END AS result
FROM attempts;
-- (ALTER SYSTEM cannot run in a function, so not in try())
ALTER SYSTEM SET viewstats.min_group_size = 1;
SHOW viewstats.min_group_size;

-- ---- every channel to the secret ----
DELETE FROM attempts;
INSERT INTO attempts SELECT label, regress_privacy.try(q) FROM (VALUES
  ('SHOW', 'SHOW viewstats.secret'),
  ('current_setting', 'SELECT current_setting(''viewstats.secret'')'),
  ('SET', 'SET viewstats.secret = ''guess'''),
  ('SELECT table', 'SELECT * FROM privacy_secret'),
  ('SELECT column', 'SELECT secret FROM privacy_secret'),
  ('COPY out', 'COPY (SELECT secret FROM privacy_secret) TO ''/tmp/regress_viewstats_secret'''),
  ('INSERT', 'INSERT INTO privacy_secret (secret) VALUES (decode(repeat(''00'', 32), ''hex''))'),
  ('UPDATE', 'UPDATE privacy_secret SET secret = secret'),
  ('DELETE', 'DELETE FROM privacy_secret'),
  ('TRUNCATE', 'TRUNCATE privacy_secret'),
  ('ALTER TABLE', 'ALTER TABLE privacy_secret DISABLE TRIGGER ALL'),
  ('GRANT to self', 'GRANT SELECT ON privacy_secret TO regress_analyst'),
  ('rotate', 'SELECT rotate_privacy_secret()'),
  ('trigger function', 'SELECT viewstats_privacy_secret_store()'),
  ('SELECT sequence', 'SELECT * FROM privacy_secret_0'),
  ('SELECT last_value', 'SELECT last_value FROM privacy_secret_3'),
  ('nextval', 'SELECT nextval(''privacy_secret_1'')'),
  ('currval', 'SELECT currval(''privacy_secret_1'')'),
  ('setval', 'SELECT setval(''privacy_secret_2'', 1)'),
  ('setval is_called', 'SELECT setval(''privacy_secret_2'', 1, true)'),
  ('pg_sequence_last_value', 'SELECT pg_sequence_last_value(''privacy_secret_0'') / 0'),
  ('ALTER SEQUENCE', 'ALTER SEQUENCE privacy_secret_0 RESTART'),
  ('GRANT sequence', 'GRANT SELECT ON SEQUENCE privacy_secret_0 TO regress_analyst'),
  ('pg_file_settings', 'SELECT * FROM pg_file_settings'),
  ('pg_read_file', 'SELECT pg_read_file(''postgresql.auto.conf'')')) v(label, q);
-- PostgreSQL 16 reworded two of these refusals (its own messages, not
-- ours): for them the SQLSTATE is what is compared.  Newer releases answer
-- NULL from pg_sequence_last_value() where older ones refuse: either way
-- not the value (which would fail with 22012, division by zero).
SELECT label, CASE WHEN label IN ('ALTER ROLE ALL', 'COPY out')
       THEN split_part(result, ':', 1) || ': (wording differs by PostgreSQL major)'
       WHEN label = 'pg_sequence_last_value' AND (result = 'ok' OR result LIKE '42501:%')
       THEN 'refused or NULL (by PostgreSQL release)'
       ELSE result END AS result
FROM attempts;
COPY privacy_secret TO STDOUT;
COPY (SELECT * FROM privacy_secret_1) TO STDOUT;
COPY privacy_secret_1 TO STDOUT;
-- channels that answer, with nothing in them
SELECT current_setting('viewstats.secret', true) AS no_secret_setting;
SELECT name, setting FROM pg_settings WHERE name LIKE 'viewstats.%' ORDER BY name;
SELECT count(*) AS settings_about_secrets FROM pg_settings WHERE name ILIKE '%secret%' OR name ILIKE '%salt%';
SELECT count(*) AS role_db_settings_for_viewstats
FROM pg_db_role_setting WHERE array_to_string(setconfig, ' ') LIKE '%viewstats%';
-- pg_sequences hides the values; pg_sequence, readable by all, holds
-- nothing but the full bigint range and the defaults
SELECT sequencename, last_value FROM pg_sequences
WHERE sequencename LIKE 'privacy_secret%' ORDER BY 1;
SELECT seqrelid::regclass, seqtypid::regtype, seqstart, seqincrement, seqmin, seqmax, seqcache, seqcycle
FROM pg_sequence WHERE seqrelid::regclass::text LIKE 'privacy_secret%' ORDER BY 1;
-- every table and view of the extension, and what the analyst may do with it
SELECT c.relname, c.relkind,
       has_table_privilege(c.oid, 'SELECT') AS can_select,
       has_any_column_privilege(c.oid, 'SELECT') AS can_select_a_column,
       regress_privacy.try(format('SELECT * FROM %s', c.oid::regclass)) AS select_all
FROM pg_depend d JOIN pg_class c ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'viewstats')
ORDER BY c.relname;
-- the extension's functions the analyst may not execute
SELECT p.oid::regprocedure AS not_executable
FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'viewstats')
  AND NOT has_function_privilege(p.oid, 'EXECUTE')
ORDER BY 1::text;
-- EXPLAIN VERBOSE shows the call, nothing derived from the secret
EXPLAIN (VERBOSE, COSTS OFF) SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g;
-- nothing the analyst saw holds the secret (hex, base64 or raw bytes)
SELECT count(*) FILTER (WHERE strpos(result, :'secret_hex') > 0 OR strpos(result, :'secret_b64') > 0
                           OR strpos(encode(convert_to(result, 'UTF8'), 'hex'), :'secret_hex') > 0)
       AS messages_with_secret,
       strpos(regress_privacy.plan('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g', true),
              :'secret_hex') AS explain_position
FROM attempts;

-- look-alikes first on the search path change nothing: the secret is read
-- from the extension's own sequences, never looked up by search_path
CREATE TEMP TABLE privacy_secret (secret bytea, created_at timestamptz, one_row bool);
INSERT INTO pg_temp.privacy_secret VALUES (decode(repeat('00', 32), 'hex'), now(), true);
CREATE TEMP SEQUENCE privacy_secret_0 MINVALUE 0 START 0;
CREATE TEMP SEQUENCE privacy_secret_1 MINVALUE 0 START 0;
SET search_path = pg_temp, public;
SELECT nextval('pg_temp.privacy_secret_0') + nextval('pg_temp.privacy_secret_1') AS lookalike_zeros;
SELECT regress_privacy.differs('SELECT g, perturbed_count(viewer) FROM regress_privacy.plog GROUP BY g')
       AS differing_with_lookalike;
RESET search_path;
DROP TABLE pg_temp.privacy_secret;
DROP SEQUENCE pg_temp.privacy_secret_0, pg_temp.privacy_secret_1;

-- rotation granted by mistake: the C function still demands a superuser
RESET ROLE;
GRANT EXECUTE ON FUNCTION rotate_privacy_secret() TO regress_analyst;
SET ROLE regress_analyst;
SELECT rotate_privacy_secret();
RESET ROLE;
REVOKE EXECUTE ON FUNCTION rotate_privacy_secret() FROM regress_analyst;
-- nothing changed
SELECT count(*) AS rows, bool_and(encode(secret, 'hex') = :'secret_hex') AS same_secret FROM privacy_secret;

-- ---- clean up what the privacy_* files made ----
DROP TABLE attempts;
SET client_min_messages = warning;
DROP SCHEMA regress_privacy CASCADE;
DROP ROLE regress_analyst;
