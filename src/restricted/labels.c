/*
 * labels.c
 *		The "viewstats" security label provider, and the cached look-ups of
 *		the labels it accepts.
 *
 * Labels are PostgreSQL's own catalogs (pg_seclabel, pg_shseclabel), so
 * pg_dump carries them:
 *	- 'privacy_unit' on a column: the table is personal, that column is its
 *	  unit.  One per table.  Setting it also enables and forces row security
 *	  with two policies: viewstats_gate (restrictive, calls the C gate, which
 *	  fails closed for any scan the validator did not accept) and
 *	  viewstats_rows (permissive, true, so direct roles keep every row).
 *	- 'restricted' on a role: sessions logging in as that role, or as any
 *	  member of it, are restricted.
 * Only superusers set them.  Every change invalidates what depends on it:
 * a column label the table's relcache entry (so plans over it are rebuilt
 * and re-validated), a role label every relcache entry and so every plan.
 *
 * Look-ups are cached per backend and dropped by the invalidation callbacks.
 */
#include "restricted.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "storage/lmgr.h"
#include "catalog/indexing.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_seclabel.h"
#include "catalog/pg_shseclabel.h"
#include "commands/seclabel.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/syscache.h"

uint64		vs_label_generation = 1;

typedef struct PersonalEntry
{
	Oid			relid;			/* hash key */
	AttrNumber	unit;			/* InvalidAttrNumber: public */
} PersonalEntry;

static HTAB *personal_cache = NULL;

/* roles labelled 'restricted'; valid while roles_valid */
static List *restricted_roles = NIL;
static bool roles_valid = false;

static void
relcache_callback(Datum arg, Oid relid)
{
	vs_label_generation++;
	if (personal_cache != NULL)
	{
		if (OidIsValid(relid))
			hash_search(personal_cache, &relid, HASH_REMOVE, NULL);
		else
		{
			hash_destroy(personal_cache);
			personal_cache = NULL;
		}
	}
	/* role labels change through a relcache-wide invalidation */
	if (!OidIsValid(relid))
	{
		roles_valid = false;
		vs_session_reset();
	}
}

static void
role_callback(Datum arg, int cacheid, uint32 hashvalue)
{
	vs_label_generation++;
	roles_valid = false;
	vs_session_reset();
}

/* ---- look-ups ---- */

HTAB *
vs_oid_hash_create(const char *name, Size entrysize)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = entrysize;
	ctl.hcxt = TopMemoryContext;
	return hash_create(name, 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

/* The text of a catalog row's column, or NULL */
static char *
text_column(HeapTuple tup, Relation rel, AttrNumber attno)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, attno, RelationGetDescr(rel), &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

static AttrNumber
lookup_unit(Oid relid)
{
	Relation	rel;
	ScanKeyData keys[2];
	SysScanDesc scan;
	HeapTuple	tup;
	AttrNumber	unit = InvalidAttrNumber;

	rel = table_open(SecLabelRelationId, AccessShareLock);
	ScanKeyInit(&keys[0], Anum_pg_seclabel_objoid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	ScanKeyInit(&keys[1], Anum_pg_seclabel_classoid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationRelationId));
	scan = systable_beginscan(rel, SecLabelObjectIndexId, true, NULL, 2, keys);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		int32		objsubid = DatumGetInt32(heap_getattr(tup, Anum_pg_seclabel_objsubid,
														  RelationGetDescr(rel), &isnull));
		char	   *prov = text_column(tup, rel, Anum_pg_seclabel_provider);
		char	   *lab = text_column(tup, rel, Anum_pg_seclabel_label);

		if (objsubid > 0 && prov != NULL && lab != NULL &&
			strcmp(prov, VS_LABEL_PROVIDER) == 0 && strcmp(lab, VS_LABEL_UNIT) == 0)
			unit = (AttrNumber) objsubid;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return unit;
}

AttrNumber
vs_personal_unit(Oid relid)
{
	PersonalEntry *e;
	bool		found;
	AttrNumber	unit;

	if (!OidIsValid(relid))
		return InvalidAttrNumber;
	if (personal_cache == NULL)
		personal_cache = vs_oid_hash_create("viewstats personal tables", sizeof(PersonalEntry));
	e = hash_search(personal_cache, &relid, HASH_FIND, NULL);
	if (e != NULL)
		return e->unit;
	/* the scan may process invalidations: look up first, then insert */
	unit = lookup_unit(relid);
	if (personal_cache == NULL)
		return unit;
	e = hash_search(personal_cache, &relid, HASH_ENTER, &found);
	e->unit = unit;
	return unit;
}

static List *
load_restricted_roles(void)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	List	   *roles = NIL;
	MemoryContext old;

	rel = table_open(SharedSecLabelRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_shseclabel_classoid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(AuthIdRelationId));
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		bool		isnull;
		Oid			objoid = DatumGetObjectId(heap_getattr(tup, Anum_pg_shseclabel_objoid,
														   RelationGetDescr(rel), &isnull));
		char	   *prov = text_column(tup, rel, Anum_pg_shseclabel_provider);
		char	   *lab = text_column(tup, rel, Anum_pg_shseclabel_label);

		if (prov == NULL || lab == NULL || strcmp(prov, VS_LABEL_PROVIDER) != 0 ||
			strcmp(lab, VS_LABEL_RESTRICTED) != 0)
			continue;
		old = MemoryContextSwitchTo(TopMemoryContext);
		roles = lappend_oid(roles, objoid);
		MemoryContextSwitchTo(old);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return roles;
}

bool
vs_role_is_restricted(Oid roleid)
{
	ListCell   *lc;

	if (!OidIsValid(roleid) || superuser_arg(roleid))
		return false;
	if (!roles_valid)
	{
		List	   *roles = load_restricted_roles();

		list_free(restricted_roles);
		restricted_roles = roles;
		roles_valid = true;
	}
	/* membership counts too: a member can use the role's privileges */
	foreach(lc, restricted_roles)
	{
		Oid			r = lfirst_oid(lc);

		if (r == roleid || is_member_of_role_nosuper(roleid, r))
			return true;
	}
	return false;
}

/* ---- the label provider ---- */

static char *
qualified_relname(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)),
									  get_rel_name(relid));
}

/* The OID of relid's policy name (any policy if name is NULL), or InvalidOid */
static Oid
policy_oid(Oid relid, const char *name)
{
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			found = InvalidOid;

	rel = table_open(PolicyRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_policy_polrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(rel, PolicyPolrelidPolnameIndexId, true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_policy f = (Form_pg_policy) GETSTRUCT(tup);

		if (name == NULL || strcmp(NameStr(f->polname), name) == 0)
			found = f->oid;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return found;
}

bool
vs_policy_exists(Oid relid, const char *name)
{
	return OidIsValid(policy_oid(relid, name));
}

static void
run_sql(const char *sql)
{
	int			rc;

	if ((rc = SPI_execute(sql, false, 0)) < 0)
		elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(rc));
}

/*
 * Row security on or off, as ALTER TABLE ... [NO] FORCE ROW LEVEL SECURITY
 * would set it.  SECURITY LABEL keeps the table open, so ALTER TABLE itself
 * would refuse ("being used by active queries"); the lock it would take is
 * taken here.
 */
static void
set_row_security(Oid relid, bool on)
{
	Relation	pg_class;
	HeapTuple	tup;
	Form_pg_class f;

	LockRelationOid(relid, AccessExclusiveLock);
	pg_class = table_open(RelationRelationId, RowExclusiveLock);
	tup = SearchSysCacheCopy1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for relation %u", relid);
	f = (Form_pg_class) GETSTRUCT(tup);
	if (f->relrowsecurity != on || f->relforcerowsecurity != on)
	{
		f->relrowsecurity = on;
		f->relforcerowsecurity = on;
		CatalogTupleUpdate(pg_class, &tup->t_self, tup);
	}
	heap_freetuple(tup);
	table_close(pg_class, RowExclusiveLock);
	CommandCounterIncrement();
}

/* Row security and the two policies of a personal table, once. */
static void
install_gate(Oid relid)
{
	char	   *rel = qualified_relname(relid);
	Oid			ext_schema = vs_extension_schema();
	const char *schema;

	if (!OidIsValid(ext_schema))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"viewstats\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION viewstats before labelling a privacy unit.")));
	schema = quote_identifier(get_namespace_name(ext_schema));
	set_row_security(relid, true);
	SPI_connect();
	if (!vs_policy_exists(relid, "viewstats_gate"))
	{
		run_sql(psprintf("CREATE POLICY viewstats_gate ON %s AS RESTRICTIVE "
						 "USING (%s.viewstats_restricted_gate(%s::pg_catalog.regclass))",
						 rel, schema, quote_literal_cstr(rel)));
	}
	if (!vs_policy_exists(relid, "viewstats_rows"))
	{
		run_sql(psprintf("CREATE POLICY viewstats_rows ON %s USING (true)", rel));
	}
	SPI_finish();
}

static void
remove_gate(Oid relid)
{
	char	   *rel = qualified_relname(relid);
	SPI_connect();
	run_sql(psprintf("DROP POLICY IF EXISTS viewstats_gate ON %s", rel));
	run_sql(psprintf("DROP POLICY IF EXISTS viewstats_rows ON %s", rel));
	SPI_finish();
	/* leave row security on if the DBA has policies of their own */
	if (!vs_policy_exists(relid, NULL))
		set_row_security(relid, false);
}

static void
relabel_column(const ObjectAddress *object, const char *seclabel)
{
	Oid			relid = object->objectId;
	AttrNumber	attnum = (AttrNumber) object->objectSubId;
	AttrNumber	current = lookup_unit(relid);
	char		relkind = get_rel_relkind(relid);

	if (seclabel == NULL)
	{
		if (current == attnum)
			remove_gate(relid);
		CacheInvalidateRelcacheByRelid(relid);
		return;
	}
	if (strcmp(seclabel, VS_LABEL_UNIT) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid viewstats label \"%s\" for a column", seclabel),
				 errhint("The only column label is '%s'.", VS_LABEL_UNIT)));
	if (relkind != RELKIND_RELATION || get_rel_relispartition(relid) ||
		has_subclass(relid) || has_superclass(relid))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("a privacy unit can only label a column of a plain table"),
				 errdetail("Views, partitioned tables, partitions and tables with inheritance are not supported.")));
	if (current != InvalidAttrNumber && current != attnum)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("table \"%s\" already has a privacy unit column \"%s\"",
						get_rel_name(relid), get_attname(relid, current, false)),
				 errhint("Remove that label first (IS NULL); a personal table has one unit column.")));
	install_gate(relid);
	CacheInvalidateRelcacheByRelid(relid);
}

static void
relabel_role(const ObjectAddress *object, const char *seclabel)
{
	Oid			roleid = object->objectId;

	if (seclabel != NULL)
	{
		HeapTuple	tup;
		Form_pg_authid f;

		if (strcmp(seclabel, VS_LABEL_RESTRICTED) != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("invalid viewstats label \"%s\" for a role", seclabel),
					 errhint("The only role label is '%s'.", VS_LABEL_RESTRICTED)));
		tup = SearchSysCache1(AUTHOID, ObjectIdGetDatum(roleid));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for role %u", roleid);
		f = (Form_pg_authid) GETSTRUCT(tup);
		if (f->rolsuper || f->rolbypassrls)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("role \"%s\" cannot be restricted", NameStr(f->rolname)),
					 errdetail("Superusers and roles with BYPASSRLS are never restricted.")));
		ReleaseSysCache(tup);
	}
	/* every plan of every session may now be validated differently */
	CacheInvalidateRelcacheAll();
}

static void
viewstats_relabel(const ObjectAddress *object, const char *seclabel)
{
	if (!superuser())
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("must be superuser to set viewstats security labels")));
	if (object->classId == RelationRelationId && object->objectSubId > 0)
		relabel_column(object, seclabel);
	else if (object->classId == AuthIdRelationId)
		relabel_role(object, seclabel);
	else if (seclabel != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("viewstats labels apply to table columns and roles only"),
				 errhint("Label the unit column: SECURITY LABEL FOR viewstats ON COLUMN t.c IS '%s'.",
						 VS_LABEL_UNIT)));
	vs_label_generation++;
}

void
vs_labels_init(void)
{
	register_label_provider(VS_LABEL_PROVIDER, viewstats_relabel);
	CacheRegisterRelcacheCallback(relcache_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, role_callback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHMEMMEMROLE, role_callback, (Datum) 0);
}
