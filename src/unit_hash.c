/*
 * unit_hash.c
 *		The hash by which suppressed_count, perturbed_count and dp_count know
 *		a privacy unit.
 *
 * A perturbed count is published, and must come out the same for the same
 * units on every platform, in every release, and after a dump and restore
 * into a new database.  So a unit is hashed from its value, never from its
 * bytes in memory (byte order) or its OID (which a restore renumbers):
 *	- int2, int4 and int8 by PostgreSQL's integer hash (hashint4extended,
 *	  hashint8extended), which works on the value, with a fixed seed: the
 *	  numbers these have always published stay as they are, and the three
 *	  types hash a value alike;
 *	- text, varchar, char (trailing spaces aside, as its equality has them),
 *	  enums (by label), uuid, bytea, numeric and float4/float8 by SipHash
 *	  over a canonical encoding, in the core (ck_unit_hash);
 *	- domains as their base type.
 * Other hashable types (arrays, composites, dates, ...), and text under a
 * nondeterministic collation (whose equality no byte encoding follows: it
 * hashes ICU sort keys, which change with ICU's version), are hashed with
 * their type's extended hash function, as in 0.2.0.  Such hashes count
 * correctly, so suppressed_count and dp_count, whose numbers do not depend
 * on them, accept those units; perturbed_count, whose number does, refuses
 * them (viewstats_unit_check_stable) with a hint to cast.
 */
#include "privacy.h"

#include "safe_count_args.h"
#include "unit_hash.h"

#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "mb/pg_wchar.h"
#include "nodes/execnodes.h"
#include "nodes/nodeFuncs.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/syscache.h"
#include "utils/typcache.h"
#include "utils/uuid.h"

/*
 * Seed of the integer units' hash.  Part of the published numbers: changing
 * it changes every cell key, so it is fixed forever.
 */
#define UNIT_HASH_SEED	UINT64CONST(0x7669657773746174)	/* "viewstat" */

typedef enum UnitKind
{
	UNIT_INT2,
	UNIT_INT4,
	UNIT_INT8,
	UNIT_TEXT,
	UNIT_BPCHAR,
	UNIT_ENUM,
	UNIT_UUID,
	UNIT_BYTEA,
	UNIT_NUMERIC,
	UNIT_FLOAT4,
	UNIT_FLOAT8,
	UNIT_OTHER					/* the type's own extended hash function */
} UnitKind;

struct UnitHasher
{
	UnitKind	kind;
	bool		to_utf8;		/* text in another database encoding */
	Oid			last_enum;		/* the last enum value hashed, and its hash */
	uint64		last_enum_hash;
	Oid			collid;			/* UNIT_OTHER: the input collation */
	FmgrInfo	hash;			/* UNIT_OTHER: the hash function */
};

/* A unit's text as UTF-8 bytes, hashed. */
static uint64
hash_text_bytes(const UnitHasher *h, const char *s, int len)
{
	char	   *utf8 = h->to_utf8 ? pg_server_to_any(s, len, PG_UTF8) : (char *) s;
	uint64		result;

	if (utf8 != s)
		len = strlen(utf8);
	result = ck_unit_hash(CK_UNIT_TEXT, utf8, len);
	if (utf8 != s)
		pfree(utf8);
	return result;
}

/* How a unit of type typid (a domain's base type) under collid is hashed. */
static UnitKind
unit_kind(Oid typid, Oid collid)
{
	Oid			base = getBaseType(typid);

	switch (base)
	{
		case INT2OID:
			return UNIT_INT2;
		case INT4OID:
			return UNIT_INT4;
		case INT8OID:
			return UNIT_INT8;
		case TEXTOID:
		case VARCHAROID:
		case BPCHAROID:
			if (OidIsValid(collid) && !get_collation_isdeterministic(collid))
				return UNIT_OTHER;
			return base == BPCHAROID ? UNIT_BPCHAR : UNIT_TEXT;
		case UUIDOID:
			return UNIT_UUID;
		case BYTEAOID:
			return UNIT_BYTEA;
		case NUMERICOID:
			return UNIT_NUMERIC;
		case FLOAT4OID:
			return UNIT_FLOAT4;
		case FLOAT8OID:
			return UNIT_FLOAT8;
		default:
			return type_is_enum(base) ? UNIT_ENUM : UNIT_OTHER;
	}
}

UnitHasher *
viewstats_unit_hasher_new(FunctionCallInfo fcinfo, int argno)
{
	UnitHasher *h;
	Oid			typid;
	Oid			collid = PG_GET_COLLATION();

	typid = get_fn_expr_argtype(fcinfo->flinfo, argno);
	if (!OidIsValid(typid))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("could not determine the type of the privacy unit")));
	h = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(UnitHasher));
	h->kind = unit_kind(typid, collid);
	h->to_utf8 = GetDatabaseEncoding() != PG_UTF8 &&
		GetDatabaseEncoding() != PG_SQL_ASCII;
	h->last_enum = InvalidOid;
	if (h->kind == UNIT_OTHER)
	{
		TypeCacheEntry *tce = lookup_type_cache(typid, TYPECACHE_HASH_EXTENDED_PROC_FINFO);

		if (!OidIsValid(tce->hash_extended_proc))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_FUNCTION),
					 errmsg("could not identify an extended hash function for type %s",
							format_type_be(typid)),
					 errdetail("Privacy units are counted by their hash."),
					 errhint("Use a unit of a hashable type, such as the viewer's id, or cast it to text.")));
		fmgr_info_copy(&h->hash, &tce->hash_extended_proc_finfo,
					   fcinfo->flinfo->fn_mcxt);
		h->collid = collid;
	}
	return h;
}

/* Refuse a unit of type typid under collid whose hash is not stable. */
static void
check_stable(Oid typid, Oid collid)
{
	if (unit_kind(typid, collid) != UNIT_OTHER)
		return;
	if (OidIsValid(collid) && !get_collation_isdeterministic(collid) &&
		unit_kind(typid, InvalidOid) != UNIT_OTHER)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("perturbed_count does not support privacy units under a nondeterministic collation"),
				 errdetail("A perturbed count must be the same on every platform and release, and the hash of text under collation %s depends on the ICU version.",
						   get_collation_name(collid)),
				 errhint("Use a deterministic collation, such as COLLATE \"C\", or normalize the unit, for example with lower().")));
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("perturbed_count does not support privacy units of type %s",
					format_type_be(typid)),
			 errdetail("A perturbed count must be the same on every platform and after a dump and restore, and this type has no hash that stays the same."),
			 errhint("Cast the unit to text or bigint.")));
}

static void
check_call_unit(List *exprs, Oid inputcollid, PlanState *ps, void *arg)
{
	check_stable(exprType((Node *) linitial(exprs)), inputcollid);
}

/*
 * For perturbed_count's final function: the units of every call that ends
 * in this final function must have a stable hash.  The calls are found as
 * safe_count_args.c finds them (the partial call below a finalize step
 * included), once per plan node.
 */
void
viewstats_unit_check_stable(FunctionCallInfo fcinfo)
{
	if (fcinfo->flinfo->fn_extra != NULL)
		return;					/* checked for this call site */
	viewstats_for_each_call(fcinfo, "perturbed_count", check_call_unit, NULL);
	fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, 1);
}

uint64
viewstats_unit_hash(UnitHasher *h, Datum value)
{
	switch (h->kind)
	{
		case UNIT_INT2:
			return hash_uint32_extended((uint32) (int32) DatumGetInt16(value),
										UNIT_HASH_SEED);
		case UNIT_INT4:
			return hash_uint32_extended((uint32) DatumGetInt32(value),
										UNIT_HASH_SEED);
		case UNIT_INT8:
			{
				/* as hashint8extended: values that fit int4 hash alike */
				int64		v = DatumGetInt64(value);
				uint32		lo = (uint32) v;
				uint32		hi = (uint32) (v >> 32);

				lo ^= (v >= 0) ? hi : ~hi;
				return hash_uint32_extended(lo, UNIT_HASH_SEED);
			}
		case UNIT_TEXT:
		case UNIT_BPCHAR:
			{
				text	   *t = DatumGetTextPP(value);
				const char *s = VARDATA_ANY(t);
				int			len = VARSIZE_ANY_EXHDR(t);

				/* char(n) equality ignores trailing spaces */
				if (h->kind == UNIT_BPCHAR)
					while (len > 0 && s[len - 1] == ' ')
						len--;
				return hash_text_bytes(h, s, len);
			}
		case UNIT_ENUM:
			{
				Oid			oid = DatumGetObjectId(value);
				HeapTuple	tup;
				const char *label;

				if (oid == h->last_enum)
					return h->last_enum_hash;
				tup = SearchSysCache1(ENUMOID, ObjectIdGetDatum(oid));
				if (!HeapTupleIsValid(tup))
					ereport(ERROR,
							(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
							 errmsg("invalid internal value for enum: %u", oid)));
				label = NameStr(((Form_pg_enum) GETSTRUCT(tup))->enumlabel);
				h->last_enum_hash = hash_text_bytes(h, label, strlen(label));
				ReleaseSysCache(tup);
				h->last_enum = oid;
				return h->last_enum_hash;
			}
		case UNIT_UUID:
			return ck_unit_hash(CK_UNIT_UUID, DatumGetUUIDP(value)->data,
								UUID_LEN);
		case UNIT_BYTEA:
			{
				bytea	   *b = DatumGetByteaPP(value);

				return ck_unit_hash(CK_UNIT_BYTEA, VARDATA_ANY(b),
									VARSIZE_ANY_EXHDR(b));
			}
		case UNIT_NUMERIC:
			{
				/* equal numerics (1.50 and 1.5) have one normalized text */
				char	   *s = numeric_normalize(DatumGetNumeric(value));
				uint64		result = ck_unit_hash(CK_UNIT_NUMERIC, s, strlen(s));

				pfree(s);
				return result;
			}
		case UNIT_FLOAT4:
			return ck_unit_hash_float8((double) DatumGetFloat4(value));
		case UNIT_FLOAT8:
			return ck_unit_hash_float8(DatumGetFloat8(value));
		case UNIT_OTHER:
			return DatumGetUInt64(FunctionCall2Coll(&h->hash, h->collid, value,
													UInt64GetDatum(UNIT_HASH_SEED)));
	}
	pg_unreachable();
}
