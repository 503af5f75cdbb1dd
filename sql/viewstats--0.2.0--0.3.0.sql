/* viewstats 0.2.0 -> 0.3.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION viewstats UPDATE TO '0.3.0'" to load this file. \quit

-- As for 0.2.0: a fresh CREATE EXTENSION runs viewstats--0.1.0.sql and the
-- deltas in order, so new and updated databases have the same objects.
-- Every object reference is schema-qualified (@extschema@ or pg_catalog).
