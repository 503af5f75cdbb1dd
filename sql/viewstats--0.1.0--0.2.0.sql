/* viewstats 0.1.0 -> 0.2.0 */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION viewstats UPDATE TO '0.2.0'" to load this file. \quit

-- A fresh CREATE EXTENSION runs viewstats--0.1.0.sql and then this delta, so
-- a new install and an upgraded one are the same by construction.  Released
-- scripts are never edited; each release adds a delta like this one.
-- Every object reference is schema-qualified (@extschema@ or pg_catalog).

-- ---- Privacy-safe counts -------------------------------------------------
-- suppressed_count, perturbed_count, dp_count, suppress, suppress_cells and
-- the secret behind perturbed_count.  The thresholds and caps are GUCs
-- (viewstats.*) defined by the library; see README "Privacy-safe counts".

-- The secret: 256 bits in one row that only its owner (the superuser who
-- created the extension) may read or change; PUBLIC has no privilege on it.
-- The C code reads it with a heap scan, without SQL permission checks, so
-- analysts can call perturbed_count but never see it.  pg_dump keeps the
-- row; on restore the trigger lets the restored row replace the fresh one
-- CREATE EXTENSION made, and the unique index keeps the table at one row.
CREATE TABLE @extschema@.privacy_secret (
	secret pg_catalog.bytea NOT NULL
		CHECK (pg_catalog.octet_length(secret) OPERATOR(pg_catalog.=) 32),
	created_at pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	one_row pg_catalog.bool NOT NULL DEFAULT true CHECK (one_row),
	CONSTRAINT privacy_secret_one_row UNIQUE (one_row)
);
REVOKE ALL ON TABLE @extschema@.privacy_secret FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.privacy_secret', '');

CREATE FUNCTION @extschema@.viewstats_privacy_secret_trigger() RETURNS trigger
	AS 'MODULE_PATHNAME', 'viewstats_privacy_secret_trigger'
	LANGUAGE C;
REVOKE EXECUTE ON FUNCTION @extschema@.viewstats_privacy_secret_trigger() FROM PUBLIC;
CREATE TRIGGER privacy_secret_replace
	BEFORE INSERT ON @extschema@.privacy_secret
	FOR EACH ROW EXECUTE FUNCTION @extschema@.viewstats_privacy_secret_trigger();
CREATE TRIGGER privacy_secret_changed
	AFTER UPDATE OR DELETE OR TRUNCATE ON @extschema@.privacy_secret
	FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.viewstats_privacy_secret_trigger();

-- Superusers only (checked in C as well).
CREATE FUNCTION @extschema@.rotate_privacy_secret() RETURNS pg_catalog.void
	AS 'MODULE_PATHNAME', 'viewstats_rotate_privacy_secret'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
REVOKE EXECUTE ON FUNCTION @extschema@.rotate_privacy_secret() FROM PUBLIC;
SELECT @extschema@.rotate_privacy_secret();

-- Aggregate support: one internal state (the set of distinct units' hashes
-- and the group's parameters) for all three aggregates.
CREATE FUNCTION @extschema@.viewstats_unit_transfn(pg_catalog.internal, anyelement)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_unit_transfn'
	LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_unit_threshold_transfn(pg_catalog.internal, anyelement, pg_catalog.int4)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_unit_threshold_transfn'
	LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_unit_dp_transfn(pg_catalog.internal, anyelement, pg_catalog.float8)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_unit_dp_transfn'
	LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_unit_dp_delta_transfn(pg_catalog.internal, anyelement, pg_catalog.float8, pg_catalog.float8)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_unit_dp_delta_transfn'
	LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_unit_combine(pg_catalog.internal, pg_catalog.internal)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_unit_combine'
	LANGUAGE C PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_unit_serialize(pg_catalog.internal)
	RETURNS pg_catalog.bytea AS 'MODULE_PATHNAME', 'viewstats_unit_serialize'
	LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_unit_deserialize(pg_catalog.bytea, pg_catalog.internal)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_unit_deserialize'
	LANGUAGE C STRICT PARALLEL SAFE;
-- The finals read settings (STABLE); dp_count's draws fresh noise (VOLATILE).
CREATE FUNCTION @extschema@.viewstats_suppressed_count_final(pg_catalog.internal)
	RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'viewstats_suppressed_count_final'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_perturbed_count_final(pg_catalog.internal)
	RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'viewstats_perturbed_count_final'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_dp_count_final(pg_catalog.internal)
	RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'viewstats_dp_count_final'
	LANGUAGE C VOLATILE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.suppressed_count(unit anyelement) (
	SFUNC = @extschema@.viewstats_unit_transfn, STYPE = pg_catalog.internal, SSPACE = 256,
	FINALFUNC = @extschema@.viewstats_suppressed_count_final,
	COMBINEFUNC = @extschema@.viewstats_unit_combine,
	SERIALFUNC = @extschema@.viewstats_unit_serialize,
	DESERIALFUNC = @extschema@.viewstats_unit_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.suppressed_count(unit anyelement, min_group_size pg_catalog.int4) (
	SFUNC = @extschema@.viewstats_unit_threshold_transfn, STYPE = pg_catalog.internal, SSPACE = 256,
	FINALFUNC = @extschema@.viewstats_suppressed_count_final,
	COMBINEFUNC = @extschema@.viewstats_unit_combine,
	SERIALFUNC = @extschema@.viewstats_unit_serialize,
	DESERIALFUNC = @extschema@.viewstats_unit_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.perturbed_count(unit anyelement) (
	SFUNC = @extschema@.viewstats_unit_transfn, STYPE = pg_catalog.internal, SSPACE = 256,
	FINALFUNC = @extschema@.viewstats_perturbed_count_final,
	COMBINEFUNC = @extschema@.viewstats_unit_combine,
	SERIALFUNC = @extschema@.viewstats_unit_serialize,
	DESERIALFUNC = @extschema@.viewstats_unit_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.dp_count(unit anyelement, epsilon pg_catalog.float8) (
	SFUNC = @extschema@.viewstats_unit_dp_transfn, STYPE = pg_catalog.internal, SSPACE = 256,
	FINALFUNC = @extschema@.viewstats_dp_count_final,
	COMBINEFUNC = @extschema@.viewstats_unit_combine,
	SERIALFUNC = @extschema@.viewstats_unit_serialize,
	DESERIALFUNC = @extschema@.viewstats_unit_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.dp_count(unit anyelement, epsilon pg_catalog.float8, delta pg_catalog.float8) (
	SFUNC = @extschema@.viewstats_unit_dp_delta_transfn, STYPE = pg_catalog.internal, SSPACE = 256,
	FINALFUNC = @extschema@.viewstats_dp_count_final,
	COMBINEFUNC = @extschema@.viewstats_unit_combine,
	SERIALFUNC = @extschema@.viewstats_unit_serialize,
	DESERIALFUNC = @extschema@.viewstats_unit_deserialize,
	PARALLEL = SAFE
);

-- The support functions are only for the aggregates above.  An aggregate
-- built around them (say, with the serializer as final function) would hand
-- out the exact unit count below the threshold; PostgreSQL already lets only
-- superusers create aggregates with an internal state, and revoking EXECUTE
-- keeps them out of reach even so.  PostgreSQL checks EXECUTE on support
-- functions against the aggregate's owner, so the aggregates stay usable.
REVOKE EXECUTE ON FUNCTION
	@extschema@.viewstats_unit_transfn(pg_catalog.internal, anyelement),
	@extschema@.viewstats_unit_threshold_transfn(pg_catalog.internal, anyelement, pg_catalog.int4),
	@extschema@.viewstats_unit_dp_transfn(pg_catalog.internal, anyelement, pg_catalog.float8),
	@extschema@.viewstats_unit_dp_delta_transfn(pg_catalog.internal, anyelement, pg_catalog.float8, pg_catalog.float8),
	@extschema@.viewstats_unit_combine(pg_catalog.internal, pg_catalog.internal),
	@extschema@.viewstats_unit_serialize(pg_catalog.internal),
	@extschema@.viewstats_unit_deserialize(pg_catalog.bytea, pg_catalog.internal),
	@extschema@.viewstats_suppressed_count_final(pg_catalog.internal),
	@extschema@.viewstats_perturbed_count_final(pg_catalog.internal),
	@extschema@.viewstats_dp_count_final(pg_catalog.internal)
FROM PUBLIC;

-- Counts computed elsewhere.  STABLE: the threshold is a setting.
CREATE FUNCTION @extschema@.suppress(n pg_catalog.int8)
	RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'viewstats_suppress'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.suppress(n pg_catalog.int8, min_group_size pg_catalog.int4)
	RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'viewstats_suppress'
	LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.suppress_cells(n pg_catalog.int8)
	RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'viewstats_suppress_cells'
	LANGUAGE C WINDOW STABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.suppress_cells(n pg_catalog.int8, min_group_size pg_catalog.int4)
	RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'viewstats_suppress_cells'
	LANGUAGE C WINDOW STABLE PARALLEL SAFE;
