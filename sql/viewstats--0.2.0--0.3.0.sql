/* viewstats 0.2.0 -> 0.3.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION viewstats UPDATE TO '0.3.0'" to load this file. \quit

-- As for 0.2.0: a fresh CREATE EXTENSION runs viewstats--0.1.0.sql and the
-- deltas in order, so new and updated databases have the same objects.
-- Every object reference is schema-qualified (@extschema@ or pg_catalog).

-- ---- Privacy budget ------------------------------------------------------
-- The per-role epsilon ledger behind restricted mode (src/privacy_budget.c,
-- README "Privacy budget").  One row per role with a budget: the total it
-- may spend, all sessions together, and what it has spent, as exact
-- decimals (12 decimals; budgets are rounded down, spends up).  PUBLIC has
-- no privilege on it: an analyst reads their own remaining budget through
-- viewstats.privacy_budget_remaining(), which reads the row without SQL permission
-- checks, and spends are written by a background worker, as a superuser,
-- in a transaction of their own.  pg_dump keeps the rows; the role column
-- is dumped by name, so restore the roles first (pg_dumpall --globals-only).
CREATE TABLE @extschema@.privacy_budget (
	role pg_catalog.regrole PRIMARY KEY,
	budget pg_catalog.numeric(19, 12) NOT NULL
		CHECK (budget OPERATOR(pg_catalog.>=) 0 AND budget OPERATOR(pg_catalog.<=) 1000000),
	spent pg_catalog.numeric(19, 12) NOT NULL DEFAULT 0
		CHECK (spent OPERATOR(pg_catalog.>=) 0 AND spent OPERATOR(pg_catalog.<=) 1000000)
);
REVOKE ALL ON TABLE @extschema@.privacy_budget FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.privacy_budget', '');

-- The DBA's and the analyst's functions live in the schema "viewstats",
-- wherever the extension is installed, as the restricted-mode functions do:
-- the DBA's and the analysts' scripts call them by one name.  The schema is
-- the extension's own unless it exists already (CREATE EXTENSION viewstats
-- SCHEMA viewstats, say), where CREATE SCHEMA IF NOT EXISTS would fail: an
-- extension may not adopt an object it does not own.  A schema that exists
-- must belong to a superuser, since its owner could drop or replace the
-- functions in it.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_namespace
				   WHERE nspname OPERATOR(pg_catalog.=) 'viewstats') THEN
		CREATE SCHEMA viewstats;
	ELSIF NOT (SELECT r.rolsuper
			   FROM pg_catalog.pg_namespace n
			   JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) n.nspowner
			   WHERE n.nspname OPERATOR(pg_catalog.=) 'viewstats') THEN
		RAISE EXCEPTION 'schema "viewstats" belongs to a role that is not a superuser'
			USING ERRCODE = 'insufficient_privilege',
				  HINT = 'Drop or rename it, or give it to a superuser, then create the extension.';
	END IF;
END
$$;
GRANT USAGE ON SCHEMA viewstats TO PUBLIC;

-- Superusers only (checked in C as well).  Setting a budget again changes
-- the total and keeps what was spent.
CREATE FUNCTION viewstats.set_privacy_budget(role pg_catalog.regrole, epsilon pg_catalog.float8)
	RETURNS pg_catalog.void AS 'MODULE_PATHNAME', 'viewstats_set_privacy_budget'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE EXECUTE ON FUNCTION viewstats.set_privacy_budget(pg_catalog.regrole, pg_catalog.float8) FROM PUBLIC;

-- The login role's remaining epsilon (SET ROLE does not change it).
CREATE FUNCTION viewstats.privacy_budget_remaining()
	RETURNS pg_catalog.float8 AS 'MODULE_PATHNAME', 'viewstats_privacy_budget_remaining'
	LANGUAGE C VOLATILE PARALLEL RESTRICTED;

-- ---- Safe counts at scale (issue 11) -------------------------------------
-- The safe counts spill to disk past work_mem * hash_mem_multiplier (no SQL
-- object changes).  The serialization function gets a planner support
-- function: past 2^25 estimated input rows it makes partial aggregation
-- (parallel or partitionwise) cost too much to be chosen, since a partial
-- state of more units than that could near the 1 GB limit of a bytea.
CREATE FUNCTION @extschema@.viewstats_unit_serialize_support(pg_catalog.internal)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_unit_serialize_support'
	LANGUAGE C STRICT PARALLEL SAFE;
ALTER FUNCTION @extschema@.viewstats_unit_serialize(pg_catalog.internal)
	SUPPORT @extschema@.viewstats_unit_serialize_support;
-- Only the planner calls it (it checks no privilege on support functions).
REVOKE EXECUTE ON FUNCTION
	@extschema@.viewstats_unit_serialize_support(pg_catalog.internal) FROM PUBLIC;

-- ---- The privacy secret, kept out of publications (issue 13, finding 1) ----
-- Until 0.3.0 the secret was the one row of the table privacy_secret, which
-- a FOR ALL TABLES or FOR TABLES IN SCHEMA publication sends to its
-- subscribers (PostgreSQL before 19 cannot leave a table out).  It now lives
-- in four sequences, 64 bits each: PostgreSQL 15 to 18 publish no sequence
-- and decode no sequence change.  Full bigint range, nothing else set: no
-- parameter of pg_sequence says anything about the secret.  PUBLIC has no
-- privilege on them (src/privacy_secret.c reads them without SQL checks);
-- pg_dump dumps their values as config relations.  README: "The secret".
CREATE SEQUENCE @extschema@.privacy_secret_0 AS pg_catalog.int8
	MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807;
CREATE SEQUENCE @extschema@.privacy_secret_1 AS pg_catalog.int8
	MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807;
CREATE SEQUENCE @extschema@.privacy_secret_2 AS pg_catalog.int8
	MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807;
CREATE SEQUENCE @extschema@.privacy_secret_3 AS pg_catalog.int8
	MINVALUE -9223372036854775808 MAXVALUE 9223372036854775807;
REVOKE ALL ON SEQUENCE @extschema@.privacy_secret_0, @extschema@.privacy_secret_1,
	@extschema@.privacy_secret_2, @extschema@.privacy_secret_3 FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.privacy_secret_0', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.privacy_secret_1', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.privacy_secret_2', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.privacy_secret_3', '');

-- The superuser's interface keeps the table's name: a view of the 32 bytes
-- (big-endian, sequence 0 first), and an INSERT that stores a row's secret,
-- or draws a fresh one for a row without (DEFAULT VALUES, NULL), in C, so a
-- new secret never appears in SQL.  UPDATE and DELETE are refused by the
-- same trigger (other roles get 42501 first), TRUNCATE by PostgreSQL.
ALTER TABLE @extschema@.privacy_secret RENAME TO privacy_secret_0_2_0;
-- (OFFSET 0 keeps the sequences in a subquery, so an UPDATE or DELETE
-- reaches the trigger instead of trying to lock rows of a sequence.)
CREATE VIEW @extschema@.privacy_secret AS
	SELECT s.secret FROM (
		SELECT pg_catalog.int8send(s0.last_value) OPERATOR(pg_catalog.||)
			   pg_catalog.int8send(s1.last_value) OPERATOR(pg_catalog.||)
			   pg_catalog.int8send(s2.last_value) OPERATOR(pg_catalog.||)
			   pg_catalog.int8send(s3.last_value) AS secret
		FROM @extschema@.privacy_secret_0 s0, @extschema@.privacy_secret_1 s1,
			 @extschema@.privacy_secret_2 s2, @extschema@.privacy_secret_3 s3
		OFFSET 0) s;
REVOKE ALL ON TABLE @extschema@.privacy_secret FROM PUBLIC;
CREATE FUNCTION @extschema@.viewstats_privacy_secret_store() RETURNS trigger
	AS 'MODULE_PATHNAME', 'viewstats_privacy_secret_store'
	LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE EXECUTE ON FUNCTION @extschema@.viewstats_privacy_secret_store() FROM PUBLIC;
CREATE TRIGGER privacy_secret_store INSTEAD OF INSERT OR UPDATE OR DELETE ON @extschema@.privacy_secret
	FOR EACH ROW EXECUTE FUNCTION @extschema@.viewstats_privacy_secret_store();

-- The move.  An update from 0.2.0 keeps its secret, so the published
-- perturbed counts stay the same.  A row written by this very transaction
-- or one of its subtransactions (CREATE EXTENSION, which ran the
-- 0.1.0--0.2.0 script just now, or an update from 0.1.0) may already be in
-- the WAL stream of a FOR ALL TABLES publication: it is replaced by a
-- fresh secret (NULL), as is a missing row.  The value goes from table to
-- view in the plan, never in SQL text.  The helper exists for this
-- statement only.
CREATE FUNCTION @extschema@.viewstats_xid_is_current(pg_catalog.xid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'viewstats_xid_is_current'
	LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
INSERT INTO @extschema@.privacy_secret (secret)
	SELECT (SELECT CASE WHEN @extschema@.viewstats_xid_is_current(t.xmin)
						THEN NULL ELSE t.secret END
			FROM @extschema@.privacy_secret_0_2_0 t LIMIT 1);
DROP FUNCTION @extschema@.viewstats_xid_is_current(pg_catalog.xid);
-- Out of the extension first: that also takes it out of extconfig.
ALTER EXTENSION viewstats DROP TABLE @extschema@.privacy_secret_0_2_0;
DROP TABLE @extschema@.privacy_secret_0_2_0;
DROP FUNCTION @extschema@.viewstats_privacy_secret_trigger();

-- The same name and privileges (EXECUTE revoked from PUBLIC), a new C
-- symbol: the 0.1.0--0.2.0 script, which every CREATE EXTENSION runs with
-- this library, still calls the old one on the table.
CREATE OR REPLACE FUNCTION @extschema@.rotate_privacy_secret() RETURNS pg_catalog.void
	AS 'MODULE_PATHNAME', 'viewstats_rotate_privacy_secret_0_3'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;

-- ---- Restricted mode -------------------------------------------------------
-- The access level the server enforces for analysts who write their own SQL
-- (README "Restricted analysts").  The labels are PostgreSQL's own
-- (SECURITY LABEL FOR viewstats ...), checked by the library's label
-- provider; viewstats.access_level() lives in the schema "viewstats" with
-- the budget functions above.
-- 'direct' or 'restricted': decided by the login role's label.
CREATE FUNCTION viewstats.access_level() RETURNS pg_catalog.text
	AS 'MODULE_PATHNAME', 'viewstats_access_level'
	LANGUAGE C STABLE PARALLEL SAFE;

-- The gate of the restrictive row security policy the label provider puts
-- on every personal table: true in a direct session, an error in a
-- restricted one for any scan the validator did not accept (the planner
-- hook removes it from the scans it did).  IMMUTABLE on purpose: the planner
-- folds it while planning, so it costs nothing per row in a direct session
-- and refuses before any row is read in a restricted one, whatever the
-- table holds (a per-row qual would only fire on rows that reach it).  Plans
-- depend on the session's level through plan invalidation (labels.c).
-- Called by the policy as the querying role, so PUBLIC keeps EXECUTE.
CREATE FUNCTION @extschema@.viewstats_restricted_gate(pg_catalog.regclass)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_restricted_gate'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The validator's marker on a scan it accepted, carrying the epsilon its
-- query level spends (dp_count calls whose units fall in one group each,
-- and the others, spent L times); never meant to run.
CREATE FUNCTION @extschema@.viewstats_restricted_marker(pg_catalog.float8, pg_catalog.float8)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_restricted_marker'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
REVOKE EXECUTE ON FUNCTION @extschema@.viewstats_restricted_marker(pg_catalog.float8, pg_catalog.float8) FROM PUBLIC;
