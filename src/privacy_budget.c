/*
 * privacy_budget.c
 *		The per-role epsilon ledger: viewstats.set_privacy_budget(),
 *		viewstats.privacy_budget_remaining(), and viewstats_budget_spend()
 *		for the restricted-mode code (privacy_budget.h).
 *
 * The ledger is the extension's table privacy_budget (role, budget, spent),
 * on which PUBLIC has no privilege; it is registered with
 * pg_extension_config_dump, so pg_dump keeps budgets and spends.  Amounts
 * are exact decimals (numeric with 12 decimals); the arithmetic and the
 * decision live in the pure core (core/pb_ledger.c).
 *
 * A spend must survive the caller's ROLLBACK, an error after the answer
 * and a crash, so it cannot be written in the caller's transaction.  It is
 * written by a dynamic background worker in a transaction of its own,
 * committed with synchronous_commit = on before viewstats_budget_spend
 * returns (the pg_background pattern; no shared_preload_libraries needed).
 * The worker locks the role's row (SELECT ... FOR UPDATE) before deciding,
 * so concurrent spends are serialised and two sessions cannot both spend
 * the last epsilon.  The caller and the worker share a small DSM segment:
 * the request one way, the outcome the other.
 *
 * Failing closed: when no worker can be started (max_worker_processes
 * exhausted), when the worker fails, or when the caller is cancelled while
 * waiting, viewstats_budget_spend raises an error, so no answer is ever
 * released unspent.  A caller that stops waiting marks the request
 * abandoned; a worker that has not yet written the spend then leaves it
 * unwritten (a spend may still land without an answer, never the reverse).
 */
#include "privacy_budget.h"

#include "pg_compat.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/dependency.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/spin.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "core/pb_ledger.h"

PG_FUNCTION_INFO_V1(viewstats_set_privacy_budget);
PG_FUNCTION_INFO_V1(viewstats_privacy_budget_remaining);
PG_FUNCTION_INFO_V1(viewstats_budget_spend_sql);

/* The worker's entry point, found by name by the postmaster's child. */
PGDLLEXPORT void viewstats_budget_worker_main(Datum main_arg);

#define BUDGET_TABLE	"privacy_budget"
/* the table's columns, as the extension script creates them */
#define ATT_ROLE		1
#define ATT_BUDGET		2
#define ATT_SPENT		3

/* How long the worker waits for another spend's row lock. */
#define WORKER_LOCK_TIMEOUT "10s"

typedef enum SpendOutcome
{
	SPEND_PENDING = 0,			/* the worker has not (yet) decided */
	SPEND_DONE,					/* committed */
	SPEND_INSUFFICIENT,			/* refused: not enough left */
	SPEND_NO_BUDGET,			/* refused: the role has no budget */
	SPEND_FAILED				/* the worker raised an error */
} SpendOutcome;

typedef struct SpendRequest
{
	slock_t		mutex;
	/* the request, written before the worker starts */
	Oid			dboid;
	Oid			roleid;
	Oid			relid;
	pb_units	amount;
	/* set when the caller stops waiting */
	bool		abandoned;
	/* the outcome, written by the worker */
	SpendOutcome outcome;
	pb_units	budget;
	pb_units	spent;			/* after the spend, if it was made */
	int			sqlerrcode;
	char		message[256];
} SpendRequest;

/* ---- finding and reading the ledger ---- */

/* The namespace of the viewstats extension; InvalidOid if not created. */
static Oid
extension_namespace(void)
{
	Relation	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			nsp = InvalidOid;

	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum("viewstats"));
	scan = systable_beginscan(rel, ExtensionNameIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		nsp = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsp;
}

/*
 * The ledger table: the extension's own privacy_budget, never a look-alike
 * table of the same name that someone else created.
 */
static Oid
budget_relid(void)
{
	Oid			extoid = get_extension_oid("viewstats", true);
	Oid			nsp = OidIsValid(extoid) ? extension_namespace() : InvalidOid;
	Oid			relid = OidIsValid(nsp) ? get_relname_relid(BUDGET_TABLE, nsp) : InvalidOid;

	if (!OidIsValid(relid) ||
		getExtensionOfObject(RelationRelationId, relid) != extoid)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the viewstats privacy budget table is missing"),
				 errhint("ALTER EXTENSION viewstats UPDATE creates it.")));
	return relid;
}

static void
ledger_corrupted(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("the viewstats privacy budget table is corrupted"),
			 errhint("A superuser can set the budget again with viewstats.set_privacy_budget().")));
}

/* A stored amount (numeric text) as units; budgets round down, spends up. */
static pb_units
stored_amount(const char *text, pb_rounding r)
{
	pb_units	u;

	if (text == NULL || pb_parse(text, r, &u) != PB_OK)
		ledger_corrupted();
	return u;
}

/*
 * roleid's row as of now (a fresh snapshot, so a spend another session
 * committed a moment ago counts even in a REPEATABLE READ transaction).
 * Read with a heap scan, which checks no SQL privilege: the analyst may
 * learn their own remaining budget without reading the table.
 */
static bool
read_budget(Oid relid, Oid roleid, pb_units *budget, pb_units *spent)
{
	Relation	rel = table_open(relid, AccessShareLock);
	TupleDesc	desc = RelationGetDescr(rel);
	Snapshot	snap = RegisterSnapshot(GetLatestSnapshot());
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	if (desc->natts < ATT_SPENT ||
		TupleDescAttr(desc, ATT_ROLE - 1)->atttypid != REGROLEOID ||
		TupleDescAttr(desc, ATT_BUDGET - 1)->atttypid != NUMERICOID ||
		TupleDescAttr(desc, ATT_SPENT - 1)->atttypid != NUMERICOID)
		ledger_corrupted();
	/* no index: a handful of rows, one per role with a budget */
	scan = systable_beginscan(rel, InvalidOid, false, snap, 0, NULL);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		bool		isnull;
		Datum		d = heap_getattr(tup, ATT_ROLE, desc, &isnull);

		if (isnull || DatumGetObjectId(d) != roleid)
			continue;
		d = heap_getattr(tup, ATT_BUDGET, desc, &isnull);
		*budget = stored_amount(isnull ? NULL :
								DatumGetCString(DirectFunctionCall1(numeric_out, d)),
								PB_ROUND_DOWN);
		d = heap_getattr(tup, ATT_SPENT, desc, &isnull);
		*spent = stored_amount(isnull ? NULL :
							   DatumGetCString(DirectFunctionCall1(numeric_out, d)),
							   PB_ROUND_UP);
		found = true;
		break;
	}
	systable_endscan(scan);
	UnregisterSnapshot(snap);
	table_close(rel, AccessShareLock);
	return found;
}

double
viewstats_budget_remaining(Oid roleid)
{
	pb_units	budget,
				spent;

	if (!read_budget(budget_relid(), roleid, &budget, &spent))
		return 0;
	return pb_to_double(pb_remaining(budget, spent));
}

static char *
units_text(pb_units u)
{
	return float8out_internal(pb_to_double(u));
}

static const char *
role_name(Oid roleid)
{
	const char *name = GetUserNameFromId(roleid, true);

	return name ? name : psprintf("%u", roleid);
}

/* ---- spending: the caller's side ---- */

/* A caller that stops waiting, by success or error, abandons its request. */
static void
request_detached(dsm_segment *seg, Datum arg)
{
	SpendRequest *req = (SpendRequest *) DatumGetPointer(arg);

	SpinLockAcquire(&req->mutex);
	req->abandoned = true;
	SpinLockRelease(&req->mutex);
}

struct VsPendingSpend
{
	dsm_segment *seg;
	SpendRequest *req;
	BackgroundWorkerHandle *handle;
	Oid			roleid;
	pb_units	amount;
};

VsPendingSpend *
viewstats_budget_spend_begin(Oid roleid, double epsilon)
{
	pb_units	amount;
	pb_status	st = pb_spend_amount(epsilon, &amount);
	Oid			relid;
	dsm_segment *seg;
	SpendRequest *req;
	BackgroundWorker worker;
	BackgroundWorkerHandle *handle;
	VsPendingSpend *pending;
	MemoryContext old;
	bool		started;

	if (st != PB_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an epsilon to spend must be a finite number greater than 0 and at most %d",
						PB_MAX_EPSILON),
				 errdetail("epsilon was %s.", float8out_internal(epsilon))));
	relid = budget_relid();

	seg = dsm_create(sizeof(SpendRequest), 0);
	/* detached by _end or _abandon, not by the resource owner */
	dsm_pin_mapping(seg);
	req = (SpendRequest *) dsm_segment_address(seg);
	memset(req, 0, sizeof(SpendRequest));
	SpinLockInit(&req->mutex);
	req->dboid = MyDatabaseId;
	req->roleid = roleid;
	req->relid = relid;
	req->amount = amount;
	req->outcome = SPEND_PENDING;
	on_dsm_detach(seg, request_detached, PointerGetDatum(req));

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_ConsistentState;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "viewstats");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "viewstats_budget_worker_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "viewstats privacy budget spend");
	snprintf(worker.bgw_type, BGW_MAXLEN, "viewstats privacy budget");
	worker.bgw_main_arg = UInt32GetDatum(dsm_segment_handle(seg));
	worker.bgw_notify_pid = MyProcPid;

	old = MemoryContextSwitchTo(TopMemoryContext);
	started = RegisterDynamicBackgroundWorker(&worker, &handle);
	pending = palloc(sizeof(VsPendingSpend));
	MemoryContextSwitchTo(old);
	if (!started)
	{
		pfree(pending);
		dsm_detach(seg);
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_RESOURCES),
				 errmsg("could not start a background worker to record the privacy budget spend"),
				 errdetail("Nothing was spent, and the query is refused."),
				 errhint("Each spend uses one background worker for a moment; "
						 "max_worker_processes may need raising.")));
	}
	pending->seg = seg;
	pending->req = req;
	pending->handle = handle;
	pending->roleid = roleid;
	pending->amount = amount;
	return pending;
}

void
viewstats_budget_spend_abandon(VsPendingSpend *pending)
{
	dsm_detach(pending->seg);
	pfree(pending->handle);
	pfree(pending);
}

void
viewstats_budget_spend_end(VsPendingSpend *pending)
{
	SpendRequest *req = pending->req;
	SpendRequest result;
	BgwHandleStatus wstatus;
	Oid			roleid = pending->roleid;
	pb_units	amount = pending->amount;

	/* CHECK_FOR_INTERRUPTS inside: a cancel abandons the request */
	PG_TRY();
	{
		wstatus = WaitForBackgroundWorkerShutdown(pending->handle);
	}
	PG_CATCH();
	{
		viewstats_budget_spend_abandon(pending);
		PG_RE_THROW();
	}
	PG_END_TRY();

	SpinLockAcquire(&req->mutex);
	memcpy(&result, req, sizeof(SpendRequest));
	SpinLockRelease(&req->mutex);
	viewstats_budget_spend_abandon(pending);

	if (wstatus == BGWH_POSTMASTER_DIED)
		ereport(ERROR,
				(errcode(ERRCODE_ADMIN_SHUTDOWN),
				 errmsg("the postmaster died while a privacy budget spend was recorded")));
	switch (result.outcome)
	{
		case SPEND_DONE:
			return;
		case SPEND_INSUFFICIENT:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("privacy budget exceeded"),
					 errdetail("Role \"%s\" has %s epsilon left of its budget of %s; this query needs %s.",
							   role_name(roleid),
							   units_text(pb_remaining(result.budget, result.spent)),
							   units_text(result.budget), units_text(amount)),
					 errhint("Nothing was spent.  Only a superuser can raise a privacy budget.")));
			break;
		case SPEND_NO_BUDGET:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("role \"%s\" has no privacy budget", role_name(roleid)),
					 errhint("A superuser can give it one with viewstats.set_privacy_budget().")));
			break;
		case SPEND_FAILED:
			ereport(ERROR,
					(errcode(result.sqlerrcode),
					 errmsg("could not record the privacy budget spend"),
					 errdetail_internal("%s", result.message)));
			break;
		case SPEND_PENDING:
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_SYSTEM_ERROR),
			 errmsg("the privacy budget worker stopped before recording the spend"),
			 errhint("The server log may say why.")));
}

void
viewstats_budget_spend(Oid roleid, double epsilon)
{
	viewstats_budget_spend_end(viewstats_budget_spend_begin(roleid, epsilon));
}

/* ---- spending: the worker's side ---- */

static void
worker_publish(SpendRequest *req, SpendOutcome outcome, pb_units budget,
			   pb_units spent)
{
	SpinLockAcquire(&req->mutex);
	req->outcome = outcome;
	req->budget = budget;
	req->spent = spent;
	SpinLockRelease(&req->mutex);
}

/*
 * In the worker's transaction: lock the role's row, decide, write.  The
 * outcome is returned, and published by the caller only after the commit.
 */
static SpendOutcome
worker_spend(SpendRequest *req, pb_units *budget, pb_units *spent)
{
	char	   *table;
	char	   *sql;
	Oid			types[2] = {OIDOID, NUMERICOID};
	Datum		values[2];
	pb_units	new_spent;
	char		buf[PB_FORMAT_LEN];
	bool		abandoned;
	pb_status	st;

	if (get_rel_name(req->relid) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("the viewstats privacy budget table was dropped")));
	table = quote_qualified_identifier(get_namespace_name(get_rel_namespace(req->relid)),
									   get_rel_name(req->relid));
	values[0] = ObjectIdGetDatum(req->roleid);
	sql = psprintf("SELECT budget::pg_catalog.text, spent::pg_catalog.text FROM %s "
				   "WHERE role OPERATOR(pg_catalog.=) $1 FOR UPDATE", table);
	if (SPI_execute_with_args(sql, 1, types, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the privacy budget");
	if (SPI_processed == 0)
		return SPEND_NO_BUDGET;
	*budget = stored_amount(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1),
							PB_ROUND_DOWN);
	*spent = stored_amount(SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2),
						   PB_ROUND_UP);

	/* with the row locked: is anyone still waiting for the answer? */
	SpinLockAcquire(&req->mutex);
	abandoned = req->abandoned;
	SpinLockRelease(&req->mutex);
	if (abandoned)
		return SPEND_PENDING;

	st = pb_spend(*budget, *spent, req->amount, &new_spent);
	if (st == PB_INSUFFICIENT)
		return SPEND_INSUFFICIENT;
	if (st != PB_OK)
		ledger_corrupted();
	pb_format(new_spent, buf);
	values[1] = DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
									ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	sql = psprintf("UPDATE %s SET spent = $2 WHERE role OPERATOR(pg_catalog.=) $1", table);
	if (SPI_execute_with_args(sql, 2, types, values, NULL, false, 0) != SPI_OK_UPDATE ||
		SPI_processed != 1)
		elog(ERROR, "could not record the privacy budget spend");
	*spent = new_spent;
	return SPEND_DONE;
}

/* The worker's transaction: the outcome, committed */
static SpendOutcome
worker_transaction(SpendRequest *req, pb_units *budget, pb_units *spent)
{
	SpendOutcome outcome;

	SetCurrentStatementStartTimestamp();
	StartTransactionCommand();
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	PushActiveSnapshot(GetTransactionSnapshot());
	pgstat_report_activity(STATE_RUNNING, "viewstats privacy budget spend");
	outcome = worker_spend(req, budget, spent);
	SPI_finish();
	PopActiveSnapshot();
	CommitTransactionCommand();
	pgstat_report_activity(STATE_IDLE, NULL);
	return outcome;
}

void
viewstats_budget_worker_main(Datum main_arg)
{
	dsm_segment *seg;
	SpendRequest *req;
	SpendOutcome outcome = SPEND_PENDING;
	pb_units	budget = 0,
				spent = 0;

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	seg = dsm_attach(DatumGetUInt32(main_arg));
	if (seg == NULL)
		proc_exit(0);			/* the caller stopped waiting: spend nothing */
	req = (SpendRequest *) dsm_segment_address(seg);

	BackgroundWorkerInitializeConnectionByOid(req->dboid, InvalidOid, 0);
	/* names are qualified anyway; durable before the caller goes on */
	SetConfigOption("search_path", "pg_catalog", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("synchronous_commit", "on", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("lock_timeout", WORKER_LOCK_TIMEOUT, PGC_SUSET, PGC_S_OVERRIDE);

	PG_TRY();
	{
		outcome = worker_transaction(req, &budget, &spent);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		SpinLockAcquire(&req->mutex);
		req->outcome = SPEND_FAILED;
		req->sqlerrcode = edata->sqlerrcode;
		strlcpy(req->message, edata->message ? edata->message : "", sizeof(req->message));
		SpinLockRelease(&req->mutex);
		PG_RE_THROW();
	}
	PG_END_TRY();

	/* only now, committed and flushed, does the caller learn the outcome */
	worker_publish(req, outcome, budget, spent);
	dsm_detach(seg);
	proc_exit(0);
}

/* ---- SQL ---- */

/*
 * viewstats.set_privacy_budget(role, epsilon): the total epsilon role may
 * spend, all sessions together.  Setting it again changes the total and keeps what
 * was spent (privacy loss does not expire).  Written in the caller's
 * transaction, like any DBA change.
 */
Datum
viewstats_set_privacy_budget(PG_FUNCTION_ARGS)
{
	Oid			roleid;
	double		total;
	pb_units	budget;
	char		buf[PB_FORMAT_LEN];
	Oid			relid;
	char	   *sql;
	Oid			types[2] = {OIDOID, NUMERICOID};
	Datum		values[2];

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser to set a privacy budget")));
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("role must not be null")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("privacy budget must not be null")));
	roleid = PG_GETARG_OID(0);
	total = PG_GETARG_FLOAT8(1);
	if (!SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(roleid)))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("role with OID %u does not exist", roleid)));
	if (pb_budget_amount(total, &budget) != PB_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a privacy budget must be a finite number from 0 to %d",
						PB_MAX_EPSILON),
				 errdetail("The budget was %s.", float8out_internal(total))));
	relid = budget_relid();
	pb_format(budget, buf);
	values[0] = ObjectIdGetDatum(roleid);
	values[1] = DirectFunctionCall3(numeric_in, CStringGetDatum(buf),
									ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	sql = psprintf("INSERT INTO %s (role, budget) VALUES ($1, $2) "
				   "ON CONFLICT (role) DO UPDATE SET budget = EXCLUDED.budget",
				   quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
											  get_rel_name(relid)));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute_with_args(sql, 2, types, values, NULL, false, 0) != SPI_OK_INSERT ||
		SPI_processed != 1)
		elog(ERROR, "could not store the privacy budget");
	SPI_finish();
	PG_RETURN_VOID();
}

/*
 * viewstats.privacy_budget_remaining(): what the session's login role may still
 * spend.  The authenticated user, not the current one: SET ROLE changes
 * neither whose budget is read nor whose is spent.
 */
Datum
viewstats_privacy_budget_remaining(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(viewstats_budget_remaining(GetAuthenticatedUserId()));
}

/*
 * Test entry point, not part of the extension's SQL API (no script creates
 * it): a superuser's test declares it, e.g.
 *   CREATE FUNCTION pg_temp.spend(regrole, float8) RETURNS float8
 *   AS 'viewstats', 'viewstats_budget_spend_sql' LANGUAGE C;
 * to spend until restricted mode calls viewstats_budget_spend itself.
 * Returns what is left afterwards.
 */
Datum
viewstats_budget_spend_sql(PG_FUNCTION_ARGS)
{
	Oid			roleid;

	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser to spend a privacy budget directly")));
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("role and epsilon must not be null")));
	roleid = PG_GETARG_OID(0);
	viewstats_budget_spend(roleid, PG_GETARG_FLOAT8(1));
	PG_RETURN_FLOAT8(viewstats_budget_remaining(roleid));
}
