/*
 * privacy_secret.c
 *		The database's secret behind perturbed_count's record keys: where it
 *		lives, how it is read, cached, replaced and rotated.
 *
 * The secret is 256 bits from pg_strong_random in the one row of the
 * extension's table privacy_secret, on which PUBLIC has no privilege.  It
 * is never a GUC (SHOW, current_setting, pg_settings, pg_db_role_setting
 * and pg_file_settings show GUCs) and never passes through SQL: this file
 * reads it with a heap scan, which checks no SQL privilege, so an analyst
 * can run perturbed_count without being able to SELECT the secret.  Only a
 * derived SipHash key is kept, in backend memory.
 *
 * Any write to the table sends a relcache invalidation (trigger below),
 * and every backend drops its cached key when it processes it.  The read
 * uses a catalog snapshot, which PostgreSQL refreshes whenever it processes
 * invalidations, so a key cached after a rotation's invalidation is never
 * the old one.
 *
 * Restore: CREATE EXTENSION makes a fresh secret, and pg_restore then loads
 * the dumped row (the table is registered with pg_extension_config_dump).
 * The BEFORE INSERT trigger deletes whatever row is there, so the last row
 * inserted wins and the restored secret replaces the fresh one.  A unique
 * index keeps the table at one row even if triggers are disabled (a
 * data-only restore with --disable-triggers fails instead of guessing).
 *
 * A new secret is drawn by the trigger into a row inserted without one, so
 * it never appears in a statement or a parameter, where auto_explain could
 * log it.  Logical replication: the one-row index is the replica identity
 * (a published table needs one for the trigger's DELETE), and the triggers
 * fire on subscribers too, so a subscriber that receives the secret takes
 * it; writing a secret into a published table warns.
 */
#include "privacy.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(viewstats_rotate_privacy_secret);
PG_FUNCTION_INFO_V1(viewstats_privacy_secret_trigger);

#define SECRET_TABLE	"privacy_secret"
#define RECORD_KEY_LABEL "viewstats/perturbed_count/record-key/v1"

static bool key_valid = false;
static Oid	key_relid = InvalidOid;
static ck_sipkey record_key;
static bool callback_registered = false;

static void
forget_key(void)
{
	key_valid = false;
	key_relid = InvalidOid;
	explicit_bzero(&record_key, sizeof(record_key));
}

static void
secret_inval_callback(Datum arg, Oid relid)
{
	if (!OidIsValid(relid) || relid == key_relid)
		forget_key();
}

/*
 * The secret table of the extension that owns function fn_oid.  The
 * function's schema is trustworthy (only a superuser can create a C
 * function), and the table must belong to the extension, so a look-alike
 * table created by someone else is never read.
 */
static Oid
secret_relid(Oid fn_oid)
{
	Oid			nsp = get_func_namespace(fn_oid);
	Oid			extoid = get_extension_oid("viewstats", true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(SECRET_TABLE, nsp) : InvalidOid;

	if (!OidIsValid(relid) || !OidIsValid(extoid) ||
		getExtensionOfObject(RelationRelationId, relid) != extoid)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the viewstats privacy secret table is missing"),
				 errhint("ALTER EXTENSION viewstats UPDATE creates it.")));
	return relid;
}

/* Read the one row without SQL permission checks; copy out the secret. */
static void
read_secret(Oid relid, uint8 secret[CK_SECRET_LEN])
{
	Relation	rel = table_open(relid, AccessShareLock);
	SysScanDesc scan;
	HeapTuple	tup;
	int			rows = 0;
	bool		ok = false;

	/* no index: a catalog-snapshot heap scan of a one-row table */
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, 1, RelationGetDescr(rel), &isnull);

		rows++;
		if (!isnull && TupleDescAttr(RelationGetDescr(rel), 0)->atttypid == BYTEAOID)
		{
			bytea	   *b = DatumGetByteaPP(d);

			if (VARSIZE_ANY_EXHDR(b) == CK_SECRET_LEN)
			{
				memcpy(secret, VARDATA_ANY(b), CK_SECRET_LEN);
				ok = true;
			}
			if ((Pointer) b != DatumGetPointer(d))
			{
				explicit_bzero(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
				pfree(b);
			}
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	/* the messages never include the value */
	if (rows == 0)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("viewstats has no privacy secret in this database"),
				 errhint("A superuser can make one with SELECT rotate_privacy_secret().")));
	if (rows > 1)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the viewstats privacy secret table is corrupted"),
				 errdetail_plural("It holds %d row, and must hold one.",
								  "It holds %d rows, and must hold one.",
								  rows, rows),
				 errhint("A superuser can replace it with SELECT rotate_privacy_secret().")));
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the viewstats privacy secret table is corrupted"),
				 errdetail("Its row does not hold a secret of 32 bytes."),
				 errhint("A superuser can replace it with SELECT rotate_privacy_secret().")));
}

ck_sipkey
viewstats_record_key(Oid fn_oid)
{
	uint8		secret[CK_SECRET_LEN];
	Oid			relid;

	if (key_valid)
		return record_key;
	if (!callback_registered)
	{
		CacheRegisterRelcacheCallback(secret_inval_callback, (Datum) 0);
		callback_registered = true;
	}
	relid = secret_relid(fn_oid);
	read_secret(relid, secret);
	record_key = ck_derive_key(secret, RECORD_KEY_LABEL);
	explicit_bzero(secret, sizeof(secret));
	key_relid = relid;
	key_valid = true;
	return record_key;
}

/*
 * rotate_privacy_secret(): a fresh secret.  EXECUTE is revoked from PUBLIC
 * in SQL, and checked again here in case it is granted by mistake.
 *
 * The new secret never passes through SQL: the INSERT below names no
 * value, and the trigger draws the secret into the row it inserts.  A
 * value passed as a parameter, or written into the statement, would show
 * in auto_explain's plans (a one-shot plan folds parameters into
 * constants, which log_verbose prints, and auto_explain logs parameters
 * from PostgreSQL 16 on) and in error details.
 */
Datum
viewstats_rotate_privacy_secret(PG_FUNCTION_ARGS)
{
	Oid			relid;
	char	   *sql;
	int			rc;

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser to rotate the viewstats privacy secret")));
	relid = secret_relid(fcinfo->flinfo->fn_oid);

	/* the trigger deletes the old row and invalidates every cached key */
	sql = psprintf("INSERT INTO %s DEFAULT VALUES",
				   quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
											  get_rel_name(relid)));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	rc = SPI_execute(sql, false, 0);
	if (rc != SPI_OK_INSERT || SPI_processed != 1)
		elog(ERROR, "could not store the new privacy secret: %s",
			 SPI_result_code_string(rc));
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * A row being inserted without a secret (rotate_privacy_secret(), or a
 * superuser's INSERT ... DEFAULT VALUES) gets 256 fresh bits from
 * pg_strong_random; the value exists only in the row.
 */
static HeapTuple
with_fresh_secret(Relation rel, HeapTuple tuple)
{
	TupleDesc	desc = RelationGetDescr(rel);
	Datum	   *values = palloc0(sizeof(Datum) * desc->natts);
	bool	   *nulls = palloc0(sizeof(bool) * desc->natts);
	bool	   *replace = palloc0(sizeof(bool) * desc->natts);
	bytea	   *val = palloc(VARHDRSZ + CK_SECRET_LEN);
	HeapTuple	result;

	if (TupleDescAttr(desc, 0)->atttypid != BYTEAOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the viewstats privacy secret table is corrupted"),
				 errdetail("Its first column is not of type bytea.")));
	SET_VARSIZE(val, VARHDRSZ + CK_SECRET_LEN);
	if (!pg_strong_random(VARDATA(val), CK_SECRET_LEN))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random privacy secret")));
	values[0] = PointerGetDatum(val);
	replace[0] = true;
	result = heap_modify_tuple(tuple, desc, values, nulls, replace);
	explicit_bzero(VARDATA(val), CK_SECRET_LEN);
	pfree(val);
	return result;
}

/*
 * A warning when the secret table is in a publication: its subscribers (or
 * a logical decoding client) receive the secret written now.  PostgreSQL
 * before 19 cannot leave one table out of FOR ALL TABLES, so this is the
 * one place the extension can say so.  Called connected to SPI.
 */
static void
warn_if_published(Relation rel)
{
	Oid			argtypes[2] = {TEXTOID, TEXTOID};
	Datum		args[2];
	char	   *nspname = get_namespace_name(RelationGetNamespace(rel));
	char	   *relname = RelationGetRelationName(rel);
	char	   *table = quote_qualified_identifier(nspname, relname);
	uint64		n;
	StringInfoData names;

	args[0] = CStringGetTextDatum(nspname);
	args[1] = CStringGetTextDatum(relname);
	if (SPI_execute_with_args("SELECT pg_catalog.quote_ident(pubname::pg_catalog.text) "
							  "FROM pg_catalog.pg_publication_tables "
							  "WHERE schemaname::pg_catalog.text OPERATOR(pg_catalog.=) $1 "
							  "AND tablename::pg_catalog.text OPERATOR(pg_catalog.=) $2 ORDER BY 1",
							  2, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not look up the publications of the privacy secret");
	n = SPI_processed;
	if (n == 0)
		return;
	initStringInfo(&names);
	for (uint64 i = 0; i < n; i++)
		appendStringInfo(&names, "%s\"%s\"", i == 0 ? "" : ", ",
						 SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1));
	ereport(WARNING,
			(errcode(ERRCODE_WARNING),
			 errmsg("the viewstats privacy secret is published"),
			 errdetail_plural("Publication %s publishes table %s, so its subscribers receive the secret.",
							  "Publications %s publish table %s, so their subscribers receive the secret.",
							  n, names.data, table),
			 errhint("To keep the secret in this database, publish a list of tables, or install viewstats in a schema no publication covers.")));
}

/*
 * Trigger on privacy_secret.  BEFORE INSERT FOR EACH ROW: draw a secret for
 * a row that has none, and delete the rows there, so the row being
 * inserted (a rotation's, a restore's, or one a subscriber receives) is the
 * only one.  The table's triggers fire on subscribers too (ENABLE ALWAYS):
 * a subscriber that receives the secret takes it instead of failing on the
 * one-row index.  Any change (this one, or an UPDATE, DELETE or TRUNCATE by
 * the owner): invalidate the table's relcache entry at commit, which makes
 * every backend drop its cached key.
 */
Datum
viewstats_privacy_secret_trigger(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("viewstats_privacy_secret_trigger must be called as a trigger")));
	rel = td->tg_relation;
	CacheInvalidateRelcache(rel);
	forget_key();
	if (TRIGGER_FIRED_BEFORE(td->tg_event) && TRIGGER_FIRED_FOR_ROW(td->tg_event) &&
		TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		HeapTuple	tuple = td->tg_trigtuple;
		char	   *table = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
													   RelationGetRelationName(rel));

		if (heap_attisnull(tuple, 1, RelationGetDescr(rel)))
			tuple = with_fresh_secret(rel, tuple);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");

		/*
		 * Delete only when there is something to delete: a table in a
		 * publication refuses any DELETE until it has a replica identity,
		 * which the 0.2.0 script, run by every CREATE EXTENSION before the
		 * 0.3.0 one sets it, does not give.
		 */
		if (SPI_execute(psprintf("SELECT FROM %s LIMIT 1", table), true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the old privacy secret");
		if (SPI_processed > 0 &&
			SPI_execute(psprintf("DELETE FROM %s", table), false, 0) != SPI_OK_DELETE)
			elog(ERROR, "could not delete the old privacy secret");
		warn_if_published(rel);
		SPI_finish();
		return PointerGetDatum(tuple);
	}
	return PointerGetDatum(NULL);
}
