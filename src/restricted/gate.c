/*
 * gate.c
 *		The row security gate on personal tables, and the validator's
 *		marker.
 *
 * Labelling a unit column installs a restrictive policy whose USING clause
 * is viewstats_restricted_gate(table).  The gate is declared IMMUTABLE and
 * has a constant argument, so the planner folds it while planning: before
 * any row is read, and whatever the table holds (security quals are not
 * one-time filters; a per-row gate would fire only on rows that reach it,
 * and an index condition decides which do).  In a direct session it folds
 * to true and costs nothing; in a restricted session it raises 42501.  The
 * planner hook removes it from the scans of a query the validator accepted
 * (recognised by the marker the validator put on them), so the gate only
 * ever runs where nothing validated the scan: a session without the hooks
 * (the library not preloaded), a plan made before a label changed, a view,
 * rule, policy or function body stored in advance, a parallel worker of
 * such a plan.  It fails closed there, whatever the table holds.
 *
 * The marker, viewstats_restricted_marker(eps_single, eps_bounded), is a
 * security qual the validator adds to each personal scan it accepted,
 * carrying the epsilon that scan's query level spends; the planner hook
 * removes it and keeps the sum with the plan.  If it is ever evaluated the hooks were bypassed: it fails.
 */
#include "restricted.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/table.h"
#include "catalog/pg_extension.h"
#include "utils/fmgroids.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "parser/parse_func.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

PG_FUNCTION_INFO_V1(viewstats_restricted_gate);
PG_FUNCTION_INFO_V1(viewstats_restricted_marker);

static Oid	gate_oid = InvalidOid;
static Oid	marker_oid = InvalidOid;
static bool callback_registered = false;

static void
proc_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	gate_oid = InvalidOid;
	marker_oid = InvalidOid;
}

/* The extension's schema (get_extension_schema is not exported before 16) */
Oid
vs_extension_schema(void)
{
	Oid			ext = get_extension_oid("viewstats", true);
	Oid			schema = InvalidOid;
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;

	if (!OidIsValid(ext))
		return InvalidOid;
	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ext));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	if (HeapTupleIsValid(tup = systable_getnext(scan)))
		schema = ((Form_pg_extension) GETSTRUCT(tup))->extnamespace;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return schema;
}

static Oid
lookup_internal(const char *name, int nargs, Oid argtype)
{
	Oid			argtypes[2] = {argtype, argtype};

	Oid			schema = vs_extension_schema();
	List	   *qname;

	if (!OidIsValid(schema))
		return InvalidOid;
	if (!callback_registered)
	{
		CacheRegisterSyscacheCallback(PROCOID, proc_callback, (Datum) 0);
		callback_registered = true;
	}
	qname = list_make2(makeString(get_namespace_name(schema)), makeString(pstrdup(name)));
	return LookupFuncName(qname, nargs, argtypes, true);
}

Oid
vs_gate_func_oid(void)
{
	if (!OidIsValid(gate_oid))
		gate_oid = lookup_internal("viewstats_restricted_gate", 1, REGCLASSOID);
	return gate_oid;
}

Oid
vs_marker_func_oid(void)
{
	if (!OidIsValid(marker_oid))
		marker_oid = lookup_internal("viewstats_restricted_marker", 2, FLOAT8OID);
	return marker_oid;
}

Datum
viewstats_restricted_gate(PG_FUNCTION_ARGS)
{
	Oid			relid = PG_GETARG_OID(0);

	if (vs_session_restricted())
	{
		char	   *relname = get_rel_name(relid);

		if (!vs_loaded_at_start && !IsParallelWorker())
			ereport(ERROR,
					(errcode(VS_ERRCODE_RESTRICTED),
					 errmsg("personal table \"%s\" cannot be read: this restricted session did not preload viewstats",
							relname ? relname : "?"),
					 errdetail("Rule: %s.", rs_rule_name(RS_RULE_SETUP)),
					 errhint("A superuser must run ALTER ROLE ... SET session_preload_libraries = 'viewstats'.")));
		ereport(ERROR,
				(errcode(VS_ERRCODE_RESTRICTED),
				 errmsg("personal table \"%s\" reached by a query viewstats did not validate",
						relname ? relname : "?"),
				 errdetail("Rule: %s.", rs_rule_name(RS_RULE_VIEW)),
				 errhint("A restricted role reads personal tables only in a top-level SELECT of its own, "
						 "not through views, rules, policies or function bodies.")));
	}
	PG_RETURN_BOOL(true);
}

Datum
viewstats_restricted_marker(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(VS_ERRCODE_RESTRICTED),
			 errmsg("viewstats' restricted-mode marker was evaluated"),
			 errdetail("Rule: %s.", rs_rule_name(RS_RULE_SETUP)),
			 errhint("The planner hook did not see this query; load viewstats before planning.")));
	PG_RETURN_BOOL(false);
}
