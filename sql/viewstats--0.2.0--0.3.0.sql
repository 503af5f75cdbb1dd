/* viewstats 0.2.0 -> 0.3.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION viewstats UPDATE TO '0.3.0'" to load this file. \quit

-- As for 0.2.0: a fresh CREATE EXTENSION runs viewstats--0.1.0.sql and the
-- deltas in order, so new and updated databases have the same objects.
-- Every object reference is schema-qualified (@extschema@ or pg_catalog).

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
