/*
 * channels.c
 *		Row counts of personal tables that do not come through a query over
 *		them: planner statistics, the cumulative statistics system, sizes.
 *
 * In a restricted session a query may not read
 *	- pg_class.reltuples, relpages, relallvisible (and relallfrozen, 18):
 *	  the planner's row and page counts of every table and index;
 *	- the pg_stat_get_* functions and the pg_stat / pg_statio views built on
 *	  them (live and dead tuples, inserts, scans, fetched rows, ...);
 *	- the size functions (pg_relation_size, pg_table_size, ...).
 * They are refused for every relation alike: which rows of pg_class a query
 * reads is decided at run time.  pg_stats and pg_stats_ext need nothing
 * here: row security on personal tables hides their rows, and pg_statistic
 * is superuser-only.  Plain EXPLAIN gets COSTS OFF (hooks.c).
 */
#include "restricted.h"

#include "access/sysattr.h"
#include "catalog/pg_class.h"
#include "catalog/pg_namespace.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_relation.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"


static const char *const counted_columns[] = {
	"reltuples", "relpages", "relallvisible", "relallfrozen"
};

static const char *const size_functions[] = {
	"pg_relation_size", "pg_table_size", "pg_total_relation_size",
	"pg_indexes_size", "pg_database_size", "pg_tablespace_size"
};

static Bitmapset *
selected_columns(Query *q, RangeTblEntry *rte)
{
#if PG_VERSION_NUM >= 160000
	if (rte->perminfoindex == 0)
		return NULL;
	return getRTEPermissionInfo(q->rteperminfos, rte)->selectedCols;
#else
	return rte->selectedCols;
#endif
}

static void
check_pg_class(Query *q, RangeTblEntry *rte)
{
	Bitmapset  *cols = selected_columns(q, rte);
	int			i;

	if (bms_is_member(InvalidAttrNumber - FirstLowInvalidHeapAttributeNumber, cols))
		REFUSE(RS_RULE_CHANNEL,
			   errmsg("whole rows of pg_class cannot be read in a restricted session"),
			   errhint("They hold the row counts of personal tables; select the columns you need."));
	for (i = 0; i < lengthof(counted_columns); i++)
	{
		AttrNumber	a = get_attnum(RelationRelationId, counted_columns[i]);

		if (a != InvalidAttrNumber &&
			bms_is_member(a - FirstLowInvalidHeapAttributeNumber, cols))
			REFUSE(RS_RULE_CHANNEL,
				   errmsg("pg_class.%s cannot be read in a restricted session", counted_columns[i]),
				   errhint("It holds the row and page counts of personal tables."));
	}
}

static bool
is_counting_function(Oid funcid)
{
	char	   *name;
	int			i;

	if (get_func_namespace(funcid) != PG_CATALOG_NAMESPACE)
		return false;
	name = get_func_name(funcid);
	if (name == NULL)
		return false;
	if (strncmp(name, "pg_stat_get_", 12) == 0)
		return true;
	for (i = 0; i < lengthof(size_functions); i++)
		if (strcmp(name, size_functions[i]) == 0)
			return true;
	return false;
}

static bool
channel_walker(Node *node, Query *q)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, channel_walker, node,
								 QTW_EXAMINE_RTES_BEFORE);
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind == RTE_RELATION)
		{
			if (rte->relid == RelationRelationId)
				check_pg_class(q, rte);
			else if (rte->relkind == RELKIND_VIEW &&
					 get_rel_namespace(rte->relid) == PG_CATALOG_NAMESPACE)
			{
				char	   *name = get_rel_name(rte->relid);

				if (name != NULL && strncmp(name, "pg_stat", 7) == 0 &&
					strcmp(name, "pg_stats") != 0 && strcmp(name, "pg_stats_ext") != 0 &&
					strcmp(name, "pg_stats_ext_exprs") != 0)
					REFUSE(RS_RULE_CHANNEL,
						   errmsg("statistics view %s cannot be read in a restricted session", name),
						   errhint("It counts the rows of personal tables."));
			}
		}
		return false;
	}
	{
		Oid			f = InvalidOid;

		/* called as a function, or as the function of an operator */
		if (IsA(node, FuncExpr))
			f = ((FuncExpr *) node)->funcid;
		else if (IsA(node, OpExpr) || IsA(node, DistinctExpr) || IsA(node, NullIfExpr))
			f = get_opcode(((OpExpr *) node)->opno);
		else if (IsA(node, ScalarArrayOpExpr))
			f = get_opcode(((ScalarArrayOpExpr *) node)->opno);
		if (OidIsValid(f) && is_counting_function(f))
			REFUSE(RS_RULE_CHANNEL,
				   errmsg("function %s cannot be called in a restricted session",
						  get_func_name(f)),
				   errhint("It shows row counts or sizes of tables, personal ones among them."));
	}
	return expression_tree_walker(node, channel_walker, q);
}

void
vs_check_channels(Query *query)
{
	(void) channel_walker((Node *) query, query);
}
