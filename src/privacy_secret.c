/*
 * privacy_secret.c
 *		The database's secret behind perturbed_count's record keys: where it
 *		lives, how it is read, cached, replaced and rotated.
 *
 * The secret is 256 bits from pg_strong_random, kept as the last values of
 * four bigint sequences owned by the extension, privacy_secret_0 to _3
 * (64 bits each, big-endian in that order), on which PUBLIC has no
 * privilege.  Sequences, unlike tables, are never published by logical
 * replication in PostgreSQL 15 to 18 (FOR ALL TABLES and FOR TABLES IN
 * SCHEMA list tables), and logical decoding does not decode their changes,
 * so the secret stays in this database unless a superuser copies it.  It
 * is never a GUC and never passes through SQL text or parameters: this file
 * reads the sequences with heap scans, which check no SQL privilege, so an
 * analyst can run perturbed_count without being able to read the secret.
 * Only a derived SipHash key is kept, in backend memory.
 *
 * Writes are transactional: each sequence first gets a new relfilenode in
 * the current transaction (ResetSequence, as TRUNCATE ... RESTART IDENTITY
 * does), and setval then writes into that file, which an abort discards
 * with the catalog change.  A committed write sends a relcache invalidation
 * for each sequence, and every backend drops its cached key when it
 * processes one (the rotating backend too, when a subtransaction that
 * rotated aborts).  A plain setval by pg_restore or a DBA is neither
 * transactional nor invalidating, so the key is also forgotten at the end
 * of every transaction: each transaction that uses perturbed_count reads
 * the four sequences once.
 *
 * The superuser's interface is the view privacy_secret (secret bytea): its
 * INSTEAD OF INSERT trigger stores the row's 32 bytes, or draws a fresh
 * secret for a row without one, so a rotation's secret exists only in the
 * sequences.  pg_dump dumps the sequences' values (they are registered with
 * pg_extension_config_dump), and the restore's setval replaces the fresh
 * secret of CREATE EXTENSION.
 *
 * Until 0.3.0 the secret was the one row of the table privacy_secret.  Every
 * CREATE EXTENSION still makes that table (the 0.1.0--0.2.0 script runs with
 * this library), and a database not yet updated still has it: the table's
 * trigger and rotation below keep working for it, and the key is read from
 * it while the sequences do not exist.
 */
#include "privacy.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(viewstats_rotate_privacy_secret);
PG_FUNCTION_INFO_V1(viewstats_rotate_privacy_secret_0_3);
PG_FUNCTION_INFO_V1(viewstats_privacy_secret_trigger);
PG_FUNCTION_INFO_V1(viewstats_privacy_secret_store);
PG_FUNCTION_INFO_V1(viewstats_xid_is_current);

#define SECRET_TABLE	"privacy_secret"	/* 0.2.0: the table; 0.3.0: the view */
#define SECRET_SEQUENCES 4
#define RECORD_KEY_LABEL "viewstats/perturbed_count/record-key/v1"

StaticAssertDecl(SECRET_SEQUENCES * sizeof(int64) == CK_SECRET_LEN,
				 "the sequences hold the secret exactly");

static bool key_valid = false;
static ck_sipkey record_key;
static bool callbacks_registered = false;

/*
 * The relations the key was read from.  The sequences found in schema
 * watched_nsp (watched_sequences) are kept across transactions, so that
 * their lookup and the extension membership checks, a few catalog index
 * scans, are not paid again in every transaction; any invalidation of one
 * of them (a rotation, ALTER, DROP) drops them with the key.
 */
static Oid	watched[SECRET_SEQUENCES];
static bool watched_sequences = false;
static Oid	watched_nsp = InvalidOid;
static uint64 invalidations = 0;	/* of the watched relations, ever */

static void
forget_key(void)
{
	key_valid = false;
	explicit_bzero(&record_key, sizeof(record_key));
}

static void
forget_relations(void)
{
	watched_sequences = false;
	watched_nsp = InvalidOid;
	memset(watched, 0, sizeof(watched));
}

static void
secret_inval_callback(Datum arg, Oid relid)
{
	bool		hit = !OidIsValid(relid);

	for (int i = 0; i < SECRET_SEQUENCES; i++)
		hit |= OidIsValid(relid) && relid == watched[i];
	if (hit)
	{
		forget_key();
		forget_relations();
		invalidations++;
	}
}

/*
 * A plain setval sends no invalidation: every transaction reads afresh.
 * (A rotation rolled back to a savepoint needs nothing more: PostgreSQL
 * runs the aborted subtransaction's invalidations locally.)
 */
static void
secret_xact_callback(XactEvent event, void *arg)
{
	forget_key();
}

/*
 * Relation relname of schema nsp, if it exists with that kind and belongs
 * to the extension viewstats; else InvalidOid.  The schema is trustworthy
 * (that of a C function or of the extension's view), and membership keeps
 * a look-alike made by someone else from being read or written.
 */
static Oid
extension_relid(Oid nsp, const char *relname, char relkind)
{
	Oid			extoid = get_extension_oid("viewstats", true);
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(relname, nsp) : InvalidOid;

	if (!OidIsValid(relid) || !OidIsValid(extoid) ||
		get_rel_relkind(relid) != relkind ||
		getExtensionOfObject(RelationRelationId, relid) != extoid)
		return InvalidOid;
	return relid;
}

/*
 * The secret's sequences in schema nsp.  None at all is the layout of 0.2.0
 * (false if missing_ok); a part of them is damage, reported.
 */
static bool
secret_sequences(Oid nsp, Oid relids[SECRET_SEQUENCES], bool missing_ok)
{
	int			found = 0;
	int			missing = -1;

	for (int i = 0; i < SECRET_SEQUENCES; i++)
	{
		char		name[NAMEDATALEN];

		snprintf(name, sizeof(name), "%s_%d", SECRET_TABLE, i);
		relids[i] = extension_relid(nsp, name, RELKIND_SEQUENCE);
		if (OidIsValid(relids[i]))
			found++;
		else if (missing < 0)
			missing = i;
	}
	if (found == SECRET_SEQUENCES || (found == 0 && missing_ok))
		return found > 0;
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("the viewstats privacy secret is missing"),
			 errdetail("Sequence \"%s_%d\" does not exist in schema \"%s\" or does not belong to extension viewstats.",
					   SECRET_TABLE, missing, get_namespace_name(nsp)),
			 errhint("Drop and create the extension again, which draws a new secret.")));
	return false;				/* keep the compiler quiet */
}

/* the table of 0.2.0 next to function fn_oid */
static Oid
secret_table_relid(Oid fn_oid)
{
	Oid			relid = extension_relid(get_func_namespace(fn_oid), SECRET_TABLE,
										RELKIND_RELATION);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the viewstats privacy secret is missing"),
				 errhint("ALTER EXTENSION viewstats UPDATE creates it.")));
	return relid;
}

static void
no_secret(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("viewstats has no privacy secret in this database"),
			 errhint("A superuser can make one with SELECT rotate_privacy_secret().")));
}

/*
 * Read the sequences' last values without SQL permission checks; false if
 * one of them is gone (dropped since it was looked up).  A sequence never
 * set since it was made or restarted (is_called false) holds its start
 * value, which is no secret.
 */
static bool
read_sequences(const Oid relids[SECRET_SEQUENCES], uint8 secret[CK_SECRET_LEN])
{
	for (int i = 0; i < SECRET_SEQUENCES; i++)
	{
		Relation	rel = try_relation_open(relids[i], AccessShareLock);
		TupleDesc	desc;
		SysScanDesc scan;
		HeapTuple	tup;
		int			rows = 0;
		bool		set = false;
		uint64		v = 0;

		if (rel == NULL)
			return false;
		if (rel->rd_rel->relkind != RELKIND_SEQUENCE)
		{
			relation_close(rel, AccessShareLock);
			return false;
		}
		desc = RelationGetDescr(rel);

		/* a sequence is a one-tuple heap */
		scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
		while ((tup = systable_getnext(scan)) != NULL)
		{
			bool		isnull1,
						isnull3;
			Datum		last = heap_getattr(tup, 1, desc, &isnull1);
			Datum		called = heap_getattr(tup, 3, desc, &isnull3);

			rows++;
			if (!isnull1 && !isnull3 && DatumGetBool(called))
			{
				v = (uint64) DatumGetInt64(last);
				set = true;
			}
		}
		systable_endscan(scan);
		relation_close(rel, AccessShareLock);
		if (rows != 1)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the viewstats privacy secret is corrupted"),
					 errdetail_plural("Sequence \"%s\" holds %d row, and must hold one.",
									  "Sequence \"%s\" holds %d rows, and must hold one.",
									  rows, get_rel_name(relids[i]), rows)));
		if (!set)
			no_secret();
		for (int b = 0; b < 8; b++)
			secret[i * 8 + b] = (uint8) (v >> (56 - 8 * b));
		v = 0;
	}
	return true;
}

/* Read the one row of the 0.2.0 table; copy out the secret. */
static void
read_secret_table(Oid relid, uint8 secret[CK_SECRET_LEN])
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
		no_secret();
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
	Oid			relids[SECRET_SEQUENCES];
	Oid			nsp;
	uint64		seen;

	if (key_valid)
		return record_key;
	if (!callbacks_registered)
	{
		CacheRegisterRelcacheCallback(secret_inval_callback, (Datum) 0);
		RegisterXactCallback(secret_xact_callback, NULL);
		callbacks_registered = true;
	}
	nsp = get_func_namespace(fn_oid);
	for (int attempt = 0;; attempt++)
	{
		if (!watched_sequences || watched_nsp != nsp)
		{
			forget_relations();
			if (!secret_sequences(nsp, watched, true))
			{
				/* 0.2.0: the table, looked up in every transaction */
				watched[0] = secret_table_relid(fn_oid);
				read_secret_table(watched[0], secret);
				break;
			}
			watched_sequences = true;
			watched_nsp = nsp;
		}
		/*
		 * A rotation committed between two of the reads would give a mix
		 * of old and new values; its invalidation is processed when the
		 * next sequence is locked, so an unchanged count means none did.
		 */
		memcpy(relids, watched, sizeof(relids));	/* an invalidation clears watched */
		seen = invalidations;
		if (read_sequences(relids, secret) && invalidations == seen)
			break;
		/* one was dropped (the next lookup reports it), or changed */
		forget_relations();
		if (attempt > 2)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("the viewstats privacy secret changed while it was being read"),
					 errhint("Try again.")));
	}
	record_key = ck_derive_key(secret, RECORD_KEY_LABEL);
	explicit_bzero(secret, sizeof(secret));
	key_valid = true;
	return record_key;
}

/*
 * Store a secret in the sequences, in the current transaction: a new
 * relfilenode for each (ResetSequence, under the AccessExclusiveLock it
 * requires, which readers wait on until commit), then setval into it.  The
 * value goes from C to C, never through SQL.  The caller is a superuser.
 */
static void
store_secret(const Oid relids[SECRET_SEQUENCES], const uint8 secret[CK_SECRET_LEN])
{
	for (int i = 0; i < SECRET_SEQUENCES; i++)
	{
		uint64		v = 0;

		for (int b = 0; b < 8; b++)
			v = (v << 8) | secret[i * 8 + b];
		LockRelationOid(relids[i], AccessExclusiveLock);
		ResetSequence(relids[i]);
		DirectFunctionCall3(setval3_oid, ObjectIdGetDatum(relids[i]),
							Int64GetDatum((int64) v), BoolGetDatum(true));
		v = 0;
	}
	forget_key();
}

static void
fresh_secret(uint8 secret[CK_SECRET_LEN])
{
	if (!pg_strong_random(secret, CK_SECRET_LEN))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random privacy secret")));
}

static void
require_superuser_to_rotate(void)
{
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser to rotate the viewstats privacy secret")));
}

/*
 * rotate_privacy_secret() from 0.3.0 on: a fresh secret in the sequences.
 * EXECUTE is revoked from PUBLIC in SQL, and checked again here in case it
 * is granted by mistake.
 */
Datum
viewstats_rotate_privacy_secret_0_3(PG_FUNCTION_ARGS)
{
	Oid			relids[SECRET_SEQUENCES];
	uint8		secret[CK_SECRET_LEN];

	require_superuser_to_rotate();
	secret_sequences(get_func_namespace(fcinfo->flinfo->fn_oid), relids, false);
	fresh_secret(secret);
	store_secret(relids, secret);
	explicit_bzero(secret, sizeof(secret));
	PG_RETURN_VOID();
}

/*
 * INSTEAD OF INSERT FOR EACH ROW on the view privacy_secret: store the row's
 * secret (32 bytes), or a fresh one for a row without (INSERT ... DEFAULT
 * VALUES, or NULL).  Superusers only, even if INSERT on the view is granted.
 * INSTEAD OF UPDATE and DELETE refuse: with the triggers there, PostgreSQL
 * checks privileges on the view first, so other roles get 42501.
 */
Datum
viewstats_privacy_secret_store(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	Oid			relids[SECRET_SEQUENCES];
	uint8		secret[CK_SECRET_LEN];
	bool		isnull;
	Datum		d;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_INSTEAD(td->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("viewstats_privacy_secret_store must be called as an INSTEAD OF row trigger")));
	if (!TRIGGER_FIRED_BY_INSERT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the viewstats privacy secret can only be replaced"),
				 errhint("INSERT a new secret into privacy_secret, or SELECT rotate_privacy_secret().")));
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser to set the viewstats privacy secret")));
	rel = td->tg_relation;
	if (RelationGetRelid(rel) != extension_relid(RelationGetNamespace(rel), SECRET_TABLE, RELKIND_VIEW))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("viewstats_privacy_secret_store is only for the view privacy_secret of extension viewstats")));
	secret_sequences(RelationGetNamespace(rel), relids, false);

	d = heap_getattr(td->tg_trigtuple, 1, RelationGetDescr(rel), &isnull);
	if (isnull)
		fresh_secret(secret);
	else
	{
		bytea	   *b = DatumGetByteaPP(d);
		int			len = VARSIZE_ANY_EXHDR(b);

		if (len != CK_SECRET_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a viewstats privacy secret must be 32 bytes long"),
					 errdetail_plural("The value given is %d byte long.",
									  "The value given is %d bytes long.",
									  len, len)));
		memcpy(secret, VARDATA_ANY(b), CK_SECRET_LEN);
	}
	store_secret(relids, secret);
	explicit_bzero(secret, sizeof(secret));
	return PointerGetDatum(td->tg_trigtuple);
}

/*
 * Was a row with this xmin written by the current transaction, or one of
 * its subtransactions?  For the 0.3.0 script only, which drops the
 * function again: a secret CREATE EXTENSION has just written into the
 * 0.2.0 table (under psql's ON_ERROR_ROLLBACK, in a subtransaction) may be
 * in a publication's stream, and is replaced rather than moved.
 */
Datum
viewstats_xid_is_current(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(TransactionIdIsCurrentTransactionId(DatumGetTransactionId(PG_GETARG_DATUM(0))));
}

/* ---- the table of 0.2.0 ---- */

/*
 * rotate_privacy_secret() of 0.2.0, on the table: the INSERT below names no
 * value, and the table's trigger draws the secret into the row it inserts,
 * so the secret never shows in a statement or a parameter (auto_explain).
 */
Datum
viewstats_rotate_privacy_secret(PG_FUNCTION_ARGS)
{
	Oid			relid;
	char	   *sql;
	int			rc;

	require_superuser_to_rotate();
	relid = secret_table_relid(fcinfo->flinfo->fn_oid);

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

/* a row of the 0.2.0 table inserted without a secret gets a fresh one */
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
	fresh_secret((uint8 *) VARDATA(val));
	values[0] = PointerGetDatum(val);
	replace[0] = true;
	result = heap_modify_tuple(tuple, desc, values, nulls, replace);
	explicit_bzero(VARDATA(val), CK_SECRET_LEN);
	pfree(val);
	return result;
}

/*
 * Trigger on the 0.2.0 table.  BEFORE INSERT FOR EACH ROW: draw a secret for
 * a row that has none, and delete the rows there, so the row being inserted
 * is the only one.  Any change: invalidate the table's relcache entry at
 * commit, which makes every backend drop its cached key.  Every CREATE
 * EXTENSION runs it (the 0.1.0--0.2.0 script makes the first secret); the
 * 0.3.0 script then draws a new secret into the sequences and drops the
 * table.
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
		 * publication refuses any DELETE without a replica identity, and
		 * CREATE EXTENSION inserts the first row into an empty table.
		 */
		if (SPI_execute(psprintf("SELECT FROM %s LIMIT 1", table), true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the old privacy secret");
		if (SPI_processed > 0 &&
			SPI_execute(psprintf("DELETE FROM %s", table), false, 0) != SPI_OK_DELETE)
			elog(ERROR, "could not delete the old privacy secret");
		SPI_finish();
		return PointerGetDatum(tuple);
	}
	return PointerGetDatum(NULL);
}
