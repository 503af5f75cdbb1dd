/* viewstats 0.2.0 -> 0.3.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION viewstats UPDATE TO '0.3.0'" to load this file. \quit

-- As for 0.2.0: a fresh CREATE EXTENSION runs viewstats--0.1.0.sql and the
-- deltas in order, so new and updated databases have the same objects.
-- Every object reference is schema-qualified (@extschema@ or pg_catalog).

-- ---- Restricted mode -------------------------------------------------------
-- The access level the server enforces for analysts who write their own SQL
-- (README "Restricted analysts").  The labels are PostgreSQL's own
-- (SECURITY LABEL FOR viewstats ...), checked by the library's label
-- provider; the analyst-facing functions live in the schema "viewstats",
-- wherever the extension itself is installed, so the DBA's and the
-- analysts' scripts can call them by one name.
CREATE SCHEMA IF NOT EXISTS viewstats;
GRANT USAGE ON SCHEMA viewstats TO PUBLIC;

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

-- The validator's marker on a scan it accepted; never meant to run.
CREATE FUNCTION @extschema@.viewstats_restricted_marker(pg_catalog.float8)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_restricted_marker'
	LANGUAGE C STABLE STRICT PARALLEL SAFE;
REVOKE EXECUTE ON FUNCTION @extschema@.viewstats_restricted_marker(pg_catalog.float8) FROM PUBLIC;
