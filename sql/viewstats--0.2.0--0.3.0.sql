/* viewstats 0.2.0 -> 0.3.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION viewstats UPDATE TO '0.3.0'" to load this file. \quit

-- As for 0.2.0: a fresh CREATE EXTENSION runs viewstats--0.1.0.sql and the
-- deltas in order, so new and updated databases have the same objects.
-- Every object reference is schema-qualified (@extschema@ or pg_catalog).

-- ---- The privacy secret under logical replication (issue 13, finding 1) ----
-- A table in a publication refuses DELETE without a replica identity, and
-- the trigger deletes the old secret on every insert: the one-row index is
-- the identity.  PostgreSQL before 19 cannot leave one table out of FOR ALL
-- TABLES, so such a publication sends the secret to its subscribers (the
-- trigger warns when it writes one into a published table).  The triggers
-- then fire on a subscriber too (ENABLE ALWAYS), so one that has viewstats
-- takes the publisher's secret, and follows its rotations, instead of
-- failing on the one-row index: a replica must not publish a second,
-- independent perturbation of the same counts.  README: "Logical
-- replication".
ALTER TABLE @extschema@.privacy_secret REPLICA IDENTITY USING INDEX privacy_secret_one_row;
ALTER TABLE @extschema@.privacy_secret ENABLE ALWAYS TRIGGER privacy_secret_replace;
ALTER TABLE @extschema@.privacy_secret ENABLE ALWAYS TRIGGER privacy_secret_changed;
