/* viewstats 0.1.0: the dayset type, streak aggregates and window functions */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION viewstats" to load this file. \quit

-- Every object reference is schema-qualified (@extschema@ or pg_catalog), so
-- nothing a hostile role plants in search_path can be picked up here.

-- ---------------------------------------------------------------------------
-- The dayset type
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.dayset;

CREATE FUNCTION @extschema@.dayset_in(pg_catalog.cstring)
	RETURNS @extschema@.dayset
	AS 'MODULE_PATHNAME', 'viewstats_dayset_in'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.dayset_out(@extschema@.dayset)
	RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'viewstats_dayset_out'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.dayset_recv(pg_catalog.internal)
	RETURNS @extschema@.dayset
	AS 'MODULE_PATHNAME', 'viewstats_dayset_recv'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.dayset_send(@extschema@.dayset)
	RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'viewstats_dayset_send'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.dayset (
	INPUT = @extschema@.dayset_in,
	OUTPUT = @extschema@.dayset_out,
	RECEIVE = @extschema@.dayset_recv,
	SEND = @extschema@.dayset_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);

COMMENT ON TYPE @extschema@.dayset IS
	'set of calendar days, stored as sorted disjoint runs';

-- ---------------------------------------------------------------------------
-- Casts
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.dayset(pg_catalog.date[])
	RETURNS @extschema@.dayset
	AS 'MODULE_PATHNAME', 'viewstats_dayset_from_dates'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.dayset(pg_catalog.daterange)
	RETURNS @extschema@.dayset
	AS 'MODULE_PATHNAME', 'viewstats_dayset_from_daterange'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE CAST (pg_catalog.date[] AS @extschema@.dayset)
	WITH FUNCTION @extschema@.dayset(pg_catalog.date[]);

CREATE CAST (pg_catalog.daterange AS @extschema@.dayset)
	WITH FUNCTION @extschema@.dayset(pg_catalog.daterange);

-- datemultirange exists from PostgreSQL 14 on
DO $$
BEGIN
	IF pg_catalog.current_setting('server_version_num')::pg_catalog.int4 >= 140000 THEN
		EXECUTE $sql$
			CREATE FUNCTION @extschema@.dayset(pg_catalog.datemultirange)
				RETURNS @extschema@.dayset
				AS 'MODULE_PATHNAME', 'viewstats_dayset_from_datemultirange'
				LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
		$sql$;
		EXECUTE $sql$
			CREATE FUNCTION @extschema@.to_datemultirange(@extschema@.dayset)
				RETURNS pg_catalog.datemultirange
				AS 'MODULE_PATHNAME', 'viewstats_dayset_to_datemultirange'
				LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
		$sql$;
		EXECUTE $sql$
			CREATE CAST (pg_catalog.datemultirange AS @extschema@.dayset)
				WITH FUNCTION @extschema@.dayset(pg_catalog.datemultirange)
		$sql$;
		EXECUTE $sql$
			CREATE CAST (@extschema@.dayset AS pg_catalog.datemultirange)
				WITH FUNCTION @extschema@.to_datemultirange(@extschema@.dayset)
		$sql$;
	END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- Comparison, btree and hash support
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.dayset_eq(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_eq'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.dayset_ne(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_ne'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION @extschema@.dayset_lt(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_lt'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_le(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_le'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_gt(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_gt'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_ge(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_ge'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_cmp(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_dayset_cmp'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_hash(@extschema@.dayset)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_dayset_hash'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_hash_extended(@extschema@.dayset, pg_catalog.int8)
	RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'viewstats_dayset_hash_extended'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_eq,
	COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
	RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel,
	HASHES, MERGES
);
CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_ne,
	COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
	RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR @extschema@.< (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_lt,
	COMMUTATOR = OPERATOR(@extschema@.>), NEGATOR = OPERATOR(@extschema@.>=),
	RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR @extschema@.<= (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_le,
	COMMUTATOR = OPERATOR(@extschema@.>=), NEGATOR = OPERATOR(@extschema@.>),
	RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR @extschema@.> (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_gt,
	COMMUTATOR = OPERATOR(@extschema@.<), NEGATOR = OPERATOR(@extschema@.<=),
	RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR @extschema@.>= (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_ge,
	COMMUTATOR = OPERATOR(@extschema@.<=), NEGATOR = OPERATOR(@extschema@.<),
	RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);

CREATE OPERATOR CLASS @extschema@.dayset_ops
	DEFAULT FOR TYPE @extschema@.dayset USING btree AS
		OPERATOR 1 @extschema@.<,
		OPERATOR 2 @extschema@.<=,
		OPERATOR 3 @extschema@.=,
		OPERATOR 4 @extschema@.>=,
		OPERATOR 5 @extschema@.>,
		FUNCTION 1 @extschema@.dayset_cmp(@extschema@.dayset, @extschema@.dayset);

CREATE OPERATOR CLASS @extschema@.dayset_hash_ops
	DEFAULT FOR TYPE @extschema@.dayset USING hash AS
		OPERATOR 1 @extschema@.=,
		FUNCTION 1 @extschema@.dayset_hash(@extschema@.dayset),
		FUNCTION 2 @extschema@.dayset_hash_extended(@extschema@.dayset, pg_catalog.int8);

-- ---------------------------------------------------------------------------
-- Containment, overlap and set algebra
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.dayset_contains_date(@extschema@.dayset, pg_catalog.date)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_contains_date'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.date_contained_by_dayset(pg_catalog.date, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_date_contained_by_dayset'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_contains(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_contains'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_contained_by(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_contained_by'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_overlaps(@extschema@.dayset, @extschema@.dayset)
	RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'viewstats_dayset_overlaps'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_union(@extschema@.dayset, @extschema@.dayset)
	RETURNS @extschema@.dayset AS 'MODULE_PATHNAME', 'viewstats_dayset_union'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_intersect(@extschema@.dayset, @extschema@.dayset)
	RETURNS @extschema@.dayset AS 'MODULE_PATHNAME', 'viewstats_dayset_intersect'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.dayset_difference(@extschema@.dayset, @extschema@.dayset)
	RETURNS @extschema@.dayset AS 'MODULE_PATHNAME', 'viewstats_dayset_difference'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR @extschema@.@> (
	LEFTARG = @extschema@.dayset, RIGHTARG = pg_catalog.date,
	FUNCTION = @extschema@.dayset_contains_date,
	COMMUTATOR = OPERATOR(@extschema@.<@),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = pg_catalog.date, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.date_contained_by_dayset,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
CREATE OPERATOR @extschema@.@> (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_contains,
	COMMUTATOR = OPERATOR(@extschema@.<@),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
CREATE OPERATOR @extschema@.<@ (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_contained_by,
	COMMUTATOR = OPERATOR(@extschema@.@>),
	RESTRICT = pg_catalog.contsel, JOIN = pg_catalog.contjoinsel
);
CREATE OPERATOR @extschema@.&& (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_overlaps,
	COMMUTATOR = OPERATOR(@extschema@.&&),
	RESTRICT = pg_catalog.areasel, JOIN = pg_catalog.areajoinsel
);
CREATE OPERATOR @extschema@.| (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_union,
	COMMUTATOR = OPERATOR(@extschema@.|)
);
CREATE OPERATOR @extschema@.& (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_intersect,
	COMMUTATOR = OPERATOR(@extschema@.&)
);
CREATE OPERATOR @extschema@.- (
	LEFTARG = @extschema@.dayset, RIGHTARG = @extschema@.dayset,
	FUNCTION = @extschema@.dayset_difference
);

-- ---------------------------------------------------------------------------
-- Accessors
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.day_count(@extschema@.dayset)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_day_count'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.first_day(@extschema@.dayset)
	RETURNS pg_catalog.date AS 'MODULE_PATHNAME', 'viewstats_first_day'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.last_day(@extschema@.dayset)
	RETURNS pg_catalog.date AS 'MODULE_PATHNAME', 'viewstats_last_day'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.streaks(@extschema@.dayset,
		OUT first_day pg_catalog.date, OUT last_day pg_catalog.date,
		OUT days pg_catalog.int4)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'viewstats_streaks'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
CREATE FUNCTION @extschema@.streaks(@extschema@.dayset, min_days pg_catalog.int4,
		OUT first_day pg_catalog.date, OUT last_day pg_catalog.date,
		OUT days pg_catalog.int4)
	RETURNS SETOF record AS 'MODULE_PATHNAME', 'viewstats_streaks'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;

CREATE FUNCTION @extschema@.streak_count(@extschema@.dayset)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_streak_count'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.streak_count(@extschema@.dayset, min_days pg_catalog.int4)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_streak_count'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.longest_streak(@extschema@.dayset)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_longest_streak_dayset'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.longest_streak(@extschema@.dayset, max_gap pg_catalog.int4)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_longest_streak_dayset'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.current_streak(@extschema@.dayset, as_of pg_catalog.date)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_current_streak_dayset'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.current_streak(@extschema@.dayset, as_of pg_catalog.date,
		max_gap pg_catalog.int4)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_current_streak_dayset'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---------------------------------------------------------------------------
-- Aggregates: one internal state, parallel safe, with combine/serial/deserial
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.viewstats_streak_date_transfn(pg_catalog.internal, pg_catalog.date)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_streak_date_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_streak_date_gap_transfn(pg_catalog.internal, pg_catalog.date, pg_catalog.int4)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_streak_date_gap_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_streak_date_asof_transfn(pg_catalog.internal, pg_catalog.date, pg_catalog.date)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_streak_date_asof_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_streak_date_asof_gap_transfn(pg_catalog.internal, pg_catalog.date, pg_catalog.date, pg_catalog.int4)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_streak_date_asof_gap_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_streak_tstz_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.text)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_streak_tstz_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_streak_tstz_gap_transfn(pg_catalog.internal, pg_catalog.timestamptz, pg_catalog.text, pg_catalog.int4)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_streak_tstz_gap_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_streak_dayset_transfn(pg_catalog.internal, @extschema@.dayset)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_streak_dayset_transfn'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_streak_combine(pg_catalog.internal, pg_catalog.internal)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_streak_combine'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_streak_serialize(pg_catalog.internal)
	RETURNS pg_catalog.bytea AS 'MODULE_PATHNAME', 'viewstats_streak_serialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_streak_deserialize(pg_catalog.bytea, pg_catalog.internal)
	RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'viewstats_streak_deserialize'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_dayset_agg_final(pg_catalog.internal)
	RETURNS @extschema@.dayset AS 'MODULE_PATHNAME', 'viewstats_dayset_agg_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_longest_streak_final(pg_catalog.internal)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_longest_streak_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.viewstats_current_streak_final(pg_catalog.internal)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_current_streak_final'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.dayset_agg(pg_catalog.date) (
	SFUNC = @extschema@.viewstats_streak_date_transfn, STYPE = pg_catalog.internal, SSPACE = 96,
	FINALFUNC = @extschema@.viewstats_dayset_agg_final,
	COMBINEFUNC = @extschema@.viewstats_streak_combine,
	SERIALFUNC = @extschema@.viewstats_streak_serialize,
	DESERIALFUNC = @extschema@.viewstats_streak_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.dayset_agg(pg_catalog.timestamptz, pg_catalog.text) (
	SFUNC = @extschema@.viewstats_streak_tstz_transfn, STYPE = pg_catalog.internal, SSPACE = 96,
	FINALFUNC = @extschema@.viewstats_dayset_agg_final,
	COMBINEFUNC = @extschema@.viewstats_streak_combine,
	SERIALFUNC = @extschema@.viewstats_streak_serialize,
	DESERIALFUNC = @extschema@.viewstats_streak_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.dayset_agg(@extschema@.dayset) (
	SFUNC = @extschema@.viewstats_streak_dayset_transfn, STYPE = pg_catalog.internal, SSPACE = 96,
	FINALFUNC = @extschema@.viewstats_dayset_agg_final,
	COMBINEFUNC = @extschema@.viewstats_streak_combine,
	SERIALFUNC = @extschema@.viewstats_streak_serialize,
	DESERIALFUNC = @extschema@.viewstats_streak_deserialize,
	PARALLEL = SAFE
);

CREATE AGGREGATE @extschema@.longest_streak(pg_catalog.date) (
	SFUNC = @extschema@.viewstats_streak_date_transfn, STYPE = pg_catalog.internal, SSPACE = 96,
	FINALFUNC = @extschema@.viewstats_longest_streak_final,
	COMBINEFUNC = @extschema@.viewstats_streak_combine,
	SERIALFUNC = @extschema@.viewstats_streak_serialize,
	DESERIALFUNC = @extschema@.viewstats_streak_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.longest_streak(pg_catalog.date, pg_catalog.int4) (
	SFUNC = @extschema@.viewstats_streak_date_gap_transfn, STYPE = pg_catalog.internal, SSPACE = 96,
	FINALFUNC = @extschema@.viewstats_longest_streak_final,
	COMBINEFUNC = @extschema@.viewstats_streak_combine,
	SERIALFUNC = @extschema@.viewstats_streak_serialize,
	DESERIALFUNC = @extschema@.viewstats_streak_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.longest_streak(pg_catalog.timestamptz, pg_catalog.text) (
	SFUNC = @extschema@.viewstats_streak_tstz_transfn, STYPE = pg_catalog.internal, SSPACE = 96,
	FINALFUNC = @extschema@.viewstats_longest_streak_final,
	COMBINEFUNC = @extschema@.viewstats_streak_combine,
	SERIALFUNC = @extschema@.viewstats_streak_serialize,
	DESERIALFUNC = @extschema@.viewstats_streak_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.longest_streak(pg_catalog.timestamptz, pg_catalog.text, pg_catalog.int4) (
	SFUNC = @extschema@.viewstats_streak_tstz_gap_transfn, STYPE = pg_catalog.internal, SSPACE = 96,
	FINALFUNC = @extschema@.viewstats_longest_streak_final,
	COMBINEFUNC = @extschema@.viewstats_streak_combine,
	SERIALFUNC = @extschema@.viewstats_streak_serialize,
	DESERIALFUNC = @extschema@.viewstats_streak_deserialize,
	PARALLEL = SAFE
);

CREATE AGGREGATE @extschema@.current_streak(pg_catalog.date, pg_catalog.date) (
	SFUNC = @extschema@.viewstats_streak_date_asof_transfn, STYPE = pg_catalog.internal, SSPACE = 96,
	FINALFUNC = @extschema@.viewstats_current_streak_final,
	COMBINEFUNC = @extschema@.viewstats_streak_combine,
	SERIALFUNC = @extschema@.viewstats_streak_serialize,
	DESERIALFUNC = @extschema@.viewstats_streak_deserialize,
	PARALLEL = SAFE
);
CREATE AGGREGATE @extschema@.current_streak(pg_catalog.date, pg_catalog.date, pg_catalog.int4) (
	SFUNC = @extschema@.viewstats_streak_date_asof_gap_transfn, STYPE = pg_catalog.internal, SSPACE = 96,
	FINALFUNC = @extschema@.viewstats_current_streak_final,
	COMBINEFUNC = @extschema@.viewstats_streak_combine,
	SERIALFUNC = @extschema@.viewstats_streak_serialize,
	DESERIALFUNC = @extschema@.viewstats_streak_deserialize,
	PARALLEL = SAFE
);

-- ---------------------------------------------------------------------------
-- Window functions: OVER (PARTITION BY ... ORDER BY day)
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.streak_length(day pg_catalog.date)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_streak_length'
	LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.streak_length(day pg_catalog.date, max_gap pg_catalog.int4)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_streak_length'
	LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.streak_start(day pg_catalog.date)
	RETURNS pg_catalog.date AS 'MODULE_PATHNAME', 'viewstats_streak_start'
	LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.streak_start(day pg_catalog.date, max_gap pg_catalog.int4)
	RETURNS pg_catalog.date AS 'MODULE_PATHNAME', 'viewstats_streak_start'
	LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.streak_number(day pg_catalog.date)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_streak_number'
	LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.streak_number(day pg_catalog.date, max_gap pg_catalog.int4)
	RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'viewstats_streak_number'
	LANGUAGE C WINDOW IMMUTABLE PARALLEL SAFE;
