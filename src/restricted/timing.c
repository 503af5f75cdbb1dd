/*
 * timing.c
 *		Bounding what one personal row can add to a restricted query's
 *		running time.
 *
 * A query's duration is not one of its results, but the analyst sees it
 * (and statement_timeout turns it into an error).  A personal row that
 * passes a filter costs little by itself; what made one row measurable was
 * an amplifier: a join with a large public table on a key that is not
 * unique (0.47 s a matching row, 2,000,000 public rows each), a subquery
 * expression that runs when the first row needs it, or planner settings
 * that make the plan scan a public table once per personal row.  So in a
 * query level over personal rows
 *	- every public FROM item is joined many-to-one: equalities with the
 *	  rest of the query cover a unique key of it (a unique index of a table
 *	  not the analyst's own, or DISTINCT/GROUP BY of a subquery or view over
 *	  one such table), so each personal row meets at most one of its rows;
 *	- subquery expressions are refused where rows are filtered or computed
 *	  (they stay allowed on published results; validator.c, check_sublink),
 *	  and so are an outer level's WITH queries (check_level);
 * and a statement over personal tables is planned with the planner's
 * settings (enable_*, costs, join limits) at the server's values, not
 * those the session chose.
 *
 * What stays (README, "The guarantee"): a few microseconds a row, and the
 * one-off work of reading a joined public table, which the executor skips
 * when no personal row reaches it.
 */
#include "restricted.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "optimizer/planmain.h"
#include "parser/parsetree.h"
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

/* One equality conjunct: column attno of item varno = something else */
typedef struct Equality
{
	Index		varno;
	AttrNumber	attno;
	Oid			opno;
} Equality;

static bool item_unique_on(RangeTblEntry *rte, List *attnos, List *opnos, int depth);

/* Does node reference range table item varno (at this level)? */
static bool
refs_item_walker(Node *node, Index *varno)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
		return ((Var *) node)->varlevelsup == 0 && ((Var *) node)->varno == *varno;
	if (IsA(node, Query))
		return true;			/* a sublink: be conservative */
	return expression_tree_walker(node, refs_item_walker, varno);
}

/* A column of this query level, seen through casts that keep equality */
static Var *
level_column(Node *n)
{
	while (n != NULL && IsA(n, RelabelType))
		n = (Node *) ((RelabelType *) n)->arg;
	if (n == NULL || !IsA(n, Var) || ((Var *) n)->varlevelsup != 0 ||
		((Var *) n)->varattno <= 0)
		return NULL;
	return (Var *) n;
}

/* The same, followed through merged columns of JOIN USING to a FROM item's */
static Var *
plain_column(Query *q, Node *n)
{
	Var		   *v;

	while ((v = level_column(n)) != NULL)
	{
		RangeTblEntry *rte;

		if (v->varno < 1 || v->varno > list_length(q->rtable))
			return NULL;
		rte = rt_fetch(v->varno, q->rtable);
		if (rte->rtekind != RTE_JOIN)
			return v;
		n = (Node *) list_nth(rte->joinaliasvars, v->varattno - 1);
	}
	return NULL;
}

static void
add_equalities(Query *q, Node *qual, List **eqs)
{
	ListCell   *lc;

	if (qual == NULL)
		return;
	foreach(lc, make_ands_implicit((Expr *) qual))
	{
		OpExpr	   *op = lfirst(lc);
		int			side;

		if (!IsA(op, OpExpr) || list_length(op->args) != 2 ||
			!op_mergejoinable(op->opno, exprType(linitial(op->args))))
			continue;
		for (side = 0; side < 2; side++)
		{
			Var		   *v = plain_column(q, list_nth(op->args, side));
			Node	   *other = list_nth(op->args, 1 - side);
			Equality   *e;
			Index		varno;

			if (v == NULL)
				continue;
			varno = v->varno;
			if (refs_item_walker(other, &varno) ||
				contain_volatile_functions(other))
				continue;
			e = palloc(sizeof(Equality));
			e->varno = v->varno;
			e->attno = v->varattno;
			e->opno = op->opno;
			*eqs = lappend(*eqs, e);
		}
	}
}

static void
collect_equalities(Query *q, Node *jt, List **eqs)
{
	ListCell   *lc;

	if (jt == NULL)
		return;
	if (IsA(jt, FromExpr))
	{
		foreach(lc, ((FromExpr *) jt)->fromlist)
			collect_equalities(q, lfirst(lc), eqs);
		add_equalities(q, ((FromExpr *) jt)->quals, eqs);
	}
	else if (IsA(jt, JoinExpr))
	{
		collect_equalities(q, ((JoinExpr *) jt)->larg, eqs);
		collect_equalities(q, ((JoinExpr *) jt)->rarg, eqs);
		add_equalities(q, ((JoinExpr *) jt)->quals, eqs);
	}
}

/* A table, materialized view or foreign table of the login role's (or temporary) */
static bool
analysts_own(Oid relid)
{
	HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	Form_pg_class c;
	bool		own;

	if (!HeapTupleIsValid(tup))
		return true;
	c = (Form_pg_class) GETSTRUCT(tup);
	own = c->relpersistence == RELPERSISTENCE_TEMP ||
		isAnyTempNamespace(c->relnamespace) ||
		has_privs_of_role(GetSessionUserId(), c->relowner);
	ReleaseSysCache(tup);
	return own;
}

/* Does a unique btree index of relid have all its keys among attnos? */
static bool
table_unique_on(Oid relid, List *attnos, List *opnos)
{
	Relation	rel = table_open(relid, AccessShareLock);
	List	   *indexes = RelationGetIndexList(rel);
	ListCell   *lc;
	bool		found = false;

	foreach(lc, indexes)
	{
		Relation	irel = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index ix = irel->rd_index;
		int			k;
		bool		covered = ix->indisunique && ix->indimmediate && ix->indisvalid &&
			irel->rd_rel->relam == BTREE_AM_OID &&
			heap_attisnull(irel->rd_indextuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(irel->rd_indextuple, Anum_pg_index_indexprs, NULL);

		for (k = 0; covered && k < ix->indnkeyatts; k++)
		{
			ListCell   *a,
					   *o;
			bool		this_key = false;

			forboth(a, attnos, o, opnos)
				if (lfirst_int(a) == ix->indkey.values[k] &&
					get_op_opfamily_strategy(lfirst_oid(o), irel->rd_opfamily[k]) ==
					BTEqualStrategyNumber)
					this_key = true;
			covered = this_key;
		}
		index_close(irel, AccessShareLock);
		if (covered)
		{
			found = true;
			break;
		}
	}
	table_close(rel, AccessShareLock);
	return found;
}

static bool item_is_simple(RangeTblEntry *rte, int depth);

/*
 * A subquery (or a view's query) over one item, with no joins, subquery
 * expressions or set-returning functions, over an item of the same kind:
 * reading it costs one pass over one table the analyst does not own.
 */
static RangeTblEntry *
simple_query_item(Query *q, int depth)
{
	List	   *from = q->jointree ? q->jointree->fromlist : NIL;
	RangeTblEntry *item;

	if (q->setOperations != NULL || q->hasSubLinks || q->hasTargetSRFs ||
		q->cteList != NIL || q->hasRecursive || list_length(from) != 1 ||
		!IsA(linitial(from), RangeTblRef))
		return NULL;
	item = rt_fetch(((RangeTblRef *) linitial(from))->rtindex, q->rtable);
	return item_is_simple(item, depth + 1) ? item : NULL;
}

static bool
item_is_simple(RangeTblEntry *rte, int depth)
{
	if (depth > 16)
		return false;
	check_stack_depth();
	if (rte->rtekind == RTE_SUBQUERY)
		return simple_query_item(rte->subquery, depth) != NULL;
	if (rte->rtekind != RTE_RELATION)
		return false;
	if (rte->relkind == RELKIND_VIEW)
		return simple_query_item(vs_view_query(rte->relid), depth) != NULL;
	return !analysts_own(rte->relid);
}

/*
 * Is a simple query unique on its output columns resnos under the
 * equality operators opnos: it groups or de-duplicates on them (or returns
 * one row), or they are plain columns of an item unique on them?
 */
static bool
query_unique_on(Query *q, List *resnos, List *opnos, int depth)
{
	RangeTblEntry *item = simple_query_item(q, depth);
	Index		itemno;
	List	   *attnos = NIL;
	ListCell   *a;

	if (item == NULL)
		return false;
	if (query_is_distinct_for(q, resnos, opnos))
		return true;
	itemno = ((RangeTblRef *) linitial(q->jointree->fromlist))->rtindex;
	foreach(a, resnos)
	{
		TargetEntry *tle = get_tle_by_resno(q->targetList, lfirst_int(a));
		Var		   *v = tle ? level_column((Node *) tle->expr) : NULL;

		if (v == NULL || v->varno != itemno)
			return false;
		attnos = lappend_int(attnos, v->varattno);
	}
	return attnos != NIL && item_unique_on(item, attnos, opnos, depth + 1);
}

/*
 * Is a public FROM item simple (above) and unique on its columns attnos
 * under the equality operators opnos (NIL: does it return one row at most)?
 */
static bool
item_unique_on(RangeTblEntry *rte, List *attnos, List *opnos, int depth)
{
	if (depth > 16)
		return false;
	check_stack_depth();
	if (rte->rtekind == RTE_SUBQUERY)
		return query_unique_on(rte->subquery, attnos, opnos, depth);
	if (rte->rtekind != RTE_RELATION)
		return false;
	if (rte->relkind == RELKIND_VIEW)
		return query_unique_on(vs_view_query(rte->relid), attnos, opnos, depth);
	/* a parent's unique index does not cover its inheritance children */
	if (attnos == NIL || analysts_own(rte->relid) ||
		(rte->inh && rte->relkind != RELKIND_PARTITIONED_TABLE && has_subclass(rte->relid)))
		return false;
	return table_unique_on(rte->relid, attnos, opnos);
}

void
vs_check_public_joins(Query *q, Index prti)
{
	List	   *eqs = NIL;
	ListCell   *lc;
	Index		rti = 0;

	collect_equalities(q, (Node *) q->jointree, &eqs);
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);
		List	   *attnos = NIL;
		List	   *opnos = NIL;
		ListCell   *ec;

		rti++;
		if (rti == prti || (rte->rtekind != RTE_RELATION && rte->rtekind != RTE_SUBQUERY))
			continue;
		foreach(ec, eqs)
		{
			Equality   *e = lfirst(ec);

			if (e->varno == rti)
			{
				attnos = lappend_int(attnos, e->attno);
				opnos = lappend_oid(opnos, e->opno);
			}
		}
		if (!item_unique_on(rte, attnos, opnos, 0))
			REFUSE(RS_RULE_TIMING,
				   errmsg("\"%s\" must be joined to personal rows on a unique key of a table you do not own",
						  rte->eref->aliasname),
				   errhint("Each personal row may meet at most one of its rows, or the time the query takes "
						   "would count the rows that passed the filter.  Join with = on every column of "
						   "a primary key or unique index (or of a subquery's DISTINCT or GROUP BY)."));
	}
}

/* ---- planner settings ---- */

static bool
is_planner_setting(struct config_generic *g)
{
	return (g->group == QUERY_TUNING_METHOD || g->group == QUERY_TUNING_COST ||
			g->group == QUERY_TUNING_GEQO || g->group == QUERY_TUNING_OTHER) &&
		g->context == PGC_USERSET;
}

/* Set by the session (ALTER ROLE, PGOPTIONS, SET), not by the server's configuration */
static bool
set_by_session(GucSource s)
{
	return s >= PGC_S_USER && s != PGC_S_OVERRIDE;
}

/*
 * The value without the session's settings: the server's configuration's
 * when the value at session start came from it, else PostgreSQL's default.
 */
static const char *
server_value(struct config_generic *g, char *buf, size_t len)
{
	if (!set_by_session(g->reset_source))
		return GetConfigOptionResetString(g->name);
	switch (g->vartype)
	{
		case PGC_BOOL:
			return ((struct config_bool *) g)->boot_val ? "on" : "off";
		case PGC_INT:
			snprintf(buf, len, "%d", ((struct config_int *) g)->boot_val);
			return buf;
		case PGC_REAL:
			snprintf(buf, len, "%.17g", ((struct config_real *) g)->boot_val);
			return buf;
		case PGC_ENUM:
			return config_enum_lookup_by_value((struct config_enum *) g,
											   ((struct config_enum *) g)->boot_val);
		default:
			return NULL;
	}
}

int
vs_planner_settings_push(void)
{
	struct config_generic **vars;
	int			n;
	int			i;
	int			level = -1;
	char		buf[64];

#if PG_VERSION_NUM >= 160000
	vars = get_guc_variables(&n);
#else
	vars = get_guc_variables();
	n = GetNumConfigOptions();
#endif
	for (i = 0; i < n; i++)
	{
		struct config_generic *g = vars[i];
		const char *v;

		if (g == NULL || !is_planner_setting(g) || !set_by_session(g->source))
			continue;
		if ((v = server_value(g, buf, sizeof(buf))) == NULL)
			continue;
		if (level < 0)
			level = NewGUCNestLevel();
		(void) set_config_option(g->name, v, PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, ERROR, false);
	}
	return level;
}

void
vs_planner_settings_pop(int level)
{
	if (level >= 0)
		AtEOXact_GUC(true, level);
}
