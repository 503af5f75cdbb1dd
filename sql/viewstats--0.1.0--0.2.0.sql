/* viewstats 0.1.0 -> 0.2.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION viewstats UPDATE TO '0.2.0'" to load this file. \quit

-- A fresh CREATE EXTENSION runs viewstats--0.1.0.sql and then this delta, so
-- a new install and an upgraded one are the same by construction.  Released
-- scripts are never edited; each release adds a delta like this one.
-- Every object reference is schema-qualified (@extschema@ or pg_catalog).
