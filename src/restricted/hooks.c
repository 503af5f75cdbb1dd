/*
 * hooks.c
 *		Where restricted mode meets PostgreSQL: the hooks, and what each
 *		refuses.
 *
 *	post_parse_analyze	every query a restricted session analyses, including
 *						those inside PL/pgSQL, SQL functions, PREPARE and the
 *						re-analysis of a cached plan, goes to the validator
 *	planner				checks every query it is given for row-count channels
 *						and lifting calls again (BEGIN ATOMIC bodies are never
 *						analysed in the session); strips the marker and the
 *						gate from the scans the validator accepted; counts the
 *						nesting depth
 *	create_upper_paths	keeps dp_count's aggregations plain or hashed, whole
 *						(contribution bounding, bound.c)
 *	ExecutorStart/Run/Finish	count the nesting depth (queries run inside
 *						functions, triggers and other queries are nested);
 *						ExecutorStart pays the budget and keeps dp_count's
 *						hash aggregations from spilling groups
 *	needs_fmgr_hook		claims SQL-language functions, so the planner does not
 *						inline them: an inlined body is analysed without the
 *						post_parse_analyze hook and planned inside its caller,
 *						while a called one has its queries planned one by one
 *	ProcessUtility		refuses what would lift the restriction (SET of
 *						viewstats settings, SET ROLE, SESSION AUTHORIZATION,
 *						LOAD, extension DDL, labels, SET clauses), opens no
 *						channel (EXPLAIN ANALYZE, COPY, old cursors) and forces
 *						COSTS OFF on EXPLAIN
 *
 * Each hook does nothing but chain to the next one in a direct session.
 * Version differences of the hook signatures are handled here.
 */
#include "restricted.h"

#include "privacy.h"
#include "privacy_budget.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/pg_language.h"
#include "catalog/pg_proc.h"
#include "catalog/namespace.h"
#include "commands/defrem.h"
#include "commands/prepare.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "optimizer/planner.h"
#include "parser/analyze.h"
#include "tcop/utility.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/plancache.h"
#include "utils/portal.h"
#include "utils/syscache.h"

static post_parse_analyze_hook_type prev_post_parse_analyze = NULL;
static planner_hook_type prev_planner = NULL;
static create_upper_paths_hook_type prev_upper_paths = NULL;
static ExecutorStart_hook_type prev_executor_start = NULL;
static ExecutorRun_hook_type prev_executor_run = NULL;
static ExecutorFinish_hook_type prev_executor_finish = NULL;
static ProcessUtility_hook_type prev_process_utility = NULL;
static needs_fmgr_hook_type prev_needs_fmgr = NULL;



/* ---- function calls ---- */

/*
 * In a restricted session SQL functions are not inlined (the planner skips
 * functions a hook claims), so each query of their bodies goes through the
 * planner hook, where vs_check_planned sees it.  fmgr then calls them
 * through fmgr_security_definer, which does nothing more without an
 * fmgr_hook, proconfig or SECURITY DEFINER.
 */
static bool
vs_needs_fmgr(Oid fn_oid)
{
	HeapTuple	tup;
	bool		sql;

	if (prev_needs_fmgr && prev_needs_fmgr(fn_oid))
		return true;
	if (!vs_session_restricted())
		return false;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn_oid));
	if (!HeapTupleIsValid(tup))
		return false;
	sql = ((Form_pg_proc) GETSTRUCT(tup))->prolang == SQLlanguageId;
	ReleaseSysCache(tup);
	return sql;
}

/* ---- analysis ---- */

static void
vs_post_parse_analyze(ParseState *pstate, Query *query, JumbleState *jstate)
{
	if (prev_post_parse_analyze)
		prev_post_parse_analyze(pstate, query, jstate);
	if (vs_session_restricted())
		vs_validate_toplevel(query);
}

/* ---- planning ---- */

/*
 * A plan's epsilon travels with it, in its invalidation items under cache
 * ids no catalog cache has (plancache.c compares them and never matches):
 * it survives the plan cache, copies and re-execution, and nothing the
 * analyst writes can put it there.
 */
#define COST_ID_SINGLE	(-0x5653)
#define COST_ID_BOUNDED (-0x5654)

static void
attach_double(PlannedStmt *plan, int id, double v)
{
	uint64		bits;
	PlanInvalItem *hi = makeNode(PlanInvalItem);
	PlanInvalItem *lo = makeNode(PlanInvalItem);

	StaticAssertStmt(sizeof(bits) == sizeof(v), "double is 64 bits");
	memcpy(&bits, &v, sizeof(bits));
	hi->cacheId = id;
	hi->hashValue = (uint32) (bits >> 32);
	lo->cacheId = id - 0x100;
	lo->hashValue = (uint32) bits;
	plan->invalItems = lappend(lappend(plan->invalItems, hi), lo);
}

static double
plan_double(PlannedStmt *plan, int id)
{
	uint64		bits = 0;
	bool		found = false;
	ListCell   *lc;
	double		v;

	foreach(lc, plan->invalItems)
	{
		PlanInvalItem *item = lfirst(lc);

		if (item->cacheId == id)
		{
			bits |= (uint64) item->hashValue << 32;
			found = true;
		}
		else if (item->cacheId == id - 0x100)
			bits |= (uint64) item->hashValue;
	}
	if (!found)
		return 0;
	memcpy(&v, &bits, sizeof(v));
	return v;
}

static PlannedStmt *
vs_planner(Query *parse, const char *query_string, int cursorOptions,
		   ParamListInfo boundParams)
{
	PlannedStmt *result;
	VsCost		cost = {0, 0};
	int			depth = vs_nesting.depth;
	int			settings = -1;

	if (vs_session_restricted())
	{
		vs_check_planned(parse);
		/* the plan decides how long a personal row keeps it running */
		if (vs_query_reads_personal(parse))
			settings = vs_planner_settings_push();
		vs_strip_validated(parse, &cost);

		/*
		 * Contribution bounding needs every row of a dp_count call in one
		 * transition function: no parallel workers (and, in
		 * vs_upper_paths, no sorted, partial or partitionwise steps).
		 */
		if (cost.eps_single > 0 || cost.eps_bounded > 0)
			cursorOptions &= ~CURSOR_OPT_PARALLEL_OK;
	}
	vs_nesting.depth++;
	PG_TRY();
	{
		if (prev_planner)
			result = prev_planner(parse, query_string, cursorOptions, boundParams);
		else
			result = standard_planner(parse, query_string, cursorOptions, boundParams);
	}
	PG_FINALLY();
	{
		vs_nesting.depth = depth;
	}
	PG_END_TRY();
	vs_planner_settings_pop(settings);
	if (cost.eps_single > 0)
		attach_double(result, COST_ID_SINGLE, cost.eps_single);
	if (cost.eps_bounded > 0)
		attach_double(result, COST_ID_BOUNDED, cost.eps_bounded);
	return result;
}

/*
 * dp_count's grouping paths in a restricted session (bound.c): only those
 * that read every row before they finish a group.
 */
static void
vs_upper_paths(PlannerInfo *root, UpperRelationKind stage, RelOptInfo *input_rel,
			   RelOptInfo *output_rel, void *extra)
{
	if (prev_upper_paths)
		prev_upper_paths(root, stage, input_rel, output_rel, extra);
	if (stage == UPPERREL_GROUP_AGG && vs_session_restricted())
		vs_bound_paths(root, output_rel, input_rel, extra);
}

/* ---- execution ---- */

/*
 * A restricted query's dp_count calls are paid for before any answer: the
 * spend starts with the query (a background worker writes it, durably,
 * whatever happens next) and runs beside it; the first dp_count result,
 * and the end of the query, wait until it is written, or raise the
 * refusal.  A query that fails before then abandons the spend (a worker
 * that has not written it yet leaves it unwritten): no answer was released.
 * EXPLAIN without ANALYZE runs nothing and pays nothing.
 */
typedef struct PendingEntry
{
	VsPendingSpend *spend;
	SubTransactionId subid;
} PendingEntry;

static List *pending_spends = NIL;	/* of PendingEntry, in TopMemoryContext */
static bool spend_callbacks = false;

/* Wait for every spend this session started; raise if one was refused */
void
vs_budget_settle(void)
{
	while (pending_spends != NIL)
	{
		PendingEntry *e = linitial(pending_spends);
		VsPendingSpend *spend = e->spend;

		pending_spends = list_delete_first(pending_spends);
		pfree(e);
		viewstats_budget_spend_end(spend);
	}
}

static void
abandon_spends(SubTransactionId from)
{
	ListCell   *lc;

	foreach(lc, pending_spends)
	{
		PendingEntry *e = lfirst(lc);

		if (e->subid >= from)
		{
			viewstats_budget_spend_abandon(e->spend);
			pfree(e);
			pending_spends = foreach_delete_current(pending_spends, lc);
		}
	}
}

static void
spend_xact_callback(XactEvent event, void *arg)
{
	if (pending_spends == NIL)
		return;
	if (event == XACT_EVENT_PRE_COMMIT || event == XACT_EVENT_PRE_PREPARE)
		vs_budget_settle();
	else if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		abandon_spends(InvalidSubTransactionId);
}

static void
spend_subxact_callback(SubXactEvent event, SubTransactionId mySubid,
					   SubTransactionId parentSubid, void *arg)
{
	if (event == SUBXACT_EVENT_ABORT_SUB && pending_spends != NIL)
		abandon_spends(mySubid);
}

static void
spend_budget(QueryDesc *queryDesc, int eflags)
{
	double		cost;

	if (!vs_session_restricted() || IsParallelWorker() ||
		(eflags & EXEC_FLAG_EXPLAIN_ONLY) || queryDesc->plannedstmt == NULL)
		return;
	if (!rs_query_cost(plan_double(queryDesc->plannedstmt, COST_ID_SINGLE),
					   plan_double(queryDesc->plannedstmt, COST_ID_BOUNDED),
					   vs_max_groups_contributed, &cost))
		elog(ERROR, "invalid epsilon cost on a restricted plan");
	if (cost > 0)
	{
		PendingEntry *e;
		VsPendingSpend *spend;
		MemoryContext old;

		if (!spend_callbacks)
		{
			RegisterXactCallback(spend_xact_callback, NULL);
			RegisterSubXactCallback(spend_subxact_callback, NULL);
			spend_callbacks = true;
		}
		spend = viewstats_budget_spend_begin(GetAuthenticatedUserId(), cost);
		old = MemoryContextSwitchTo(TopMemoryContext);
		e = palloc(sizeof(PendingEntry));
		e->spend = spend;
		e->subid = GetCurrentSubTransactionId();
		pending_spends = lappend(pending_spends, e);
		MemoryContextSwitchTo(old);
	}
}

static void
vs_executor_start(QueryDesc *queryDesc, int eflags)
{
	int			depth = vs_nesting.depth;

	spend_budget(queryDesc, eflags);

	vs_nesting.depth++;
	PG_TRY();
	{
		if (prev_executor_start)
			prev_executor_start(queryDesc, eflags);
		else
			standard_ExecutorStart(queryDesc, eflags);
		if (vs_session_restricted() && queryDesc->planstate != NULL)
			vs_bound_prepare(queryDesc->planstate);
	}
	PG_FINALLY();
	{
		vs_nesting.depth = depth;
	}
	PG_END_TRY();
}

#if PG_VERSION_NUM >= 180000
static void
vs_executor_run(QueryDesc *queryDesc, ScanDirection direction, uint64 count)
#else
static void
vs_executor_run(QueryDesc *queryDesc, ScanDirection direction, uint64 count,
				bool execute_once)
#endif
{
	int			depth = vs_nesting.depth;

	vs_nesting.depth++;
	PG_TRY();
	{
#if PG_VERSION_NUM >= 180000
		if (prev_executor_run)
			prev_executor_run(queryDesc, direction, count);
		else
			standard_ExecutorRun(queryDesc, direction, count);
#else
		if (prev_executor_run)
			prev_executor_run(queryDesc, direction, count, execute_once);
		else
			standard_ExecutorRun(queryDesc, direction, count, execute_once);
#endif
	}
	PG_FINALLY();
	{
		vs_nesting.depth = depth;
	}
	PG_END_TRY();
}

static void
vs_executor_finish(QueryDesc *queryDesc)
{
	int			depth = vs_nesting.depth;

	/* the query's last answer went out: its spend must be written */
	vs_budget_settle();

	vs_nesting.depth++;
	PG_TRY();
	{
		if (prev_executor_finish)
			prev_executor_finish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
	}
	PG_FINALLY();
	{
		vs_nesting.depth = depth;
	}
	PG_END_TRY();
}

/* ---- utility statements ---- */

static bool
is_viewstats_name(const char *name)
{
	return name != NULL && pg_strcasecmp(name, "viewstats") == 0;
}

static bool
names_viewstats_extension(List *objects)
{
	ListCell   *lc;

	foreach(lc, objects)
	{
		Node	   *o = lfirst(lc);

		if (IsA(o, String) && is_viewstats_name(strVal(o)))
			return true;
	}
	return false;
}

static bool
has_set_option(List *options)
{
	ListCell   *lc;

	foreach(lc, options)
	{
		DefElem    *d = lfirst(lc);

		if (strcmp(d->defname, "set") == 0)
			return true;
	}
	return false;
}

static bool
relation_is_personal(RangeVar *rv)
{
	Oid			relid;

	if (rv == NULL)
		return false;
	relid = RangeVarGetRelid(rv, NoLock, true);
	return OidIsValid(relid) && vs_personal_unit(relid) != InvalidAttrNumber;
}

/* Does an EXPLAIN target (a query or EXECUTE) read personal tables? */
static bool
explain_target_personal(Node *target)
{
	if (target == NULL)
		return false;
	if (IsA(target, Query))
	{
		Query	   *q = (Query *) target;

		if (q->commandType == CMD_UTILITY)
			return explain_target_personal(q->utilityStmt);
		return vs_query_reads_personal(q);
	}
	if (IsA(target, ExecuteStmt))
	{
		PreparedStatement *ps = FetchPreparedStatement(((ExecuteStmt *) target)->name, false);
		ListCell   *lc;

		if (ps == NULL)
			return false;
		foreach(lc, ps->plansource->query_list)
			if (vs_query_reads_personal(lfirst_node(Query, lc)))
				return true;
		return false;
	}
	if (IsA(target, DeclareCursorStmt))
		return explain_target_personal(((DeclareCursorStmt *) target)->query);
	if (IsA(target, CreateTableAsStmt))
		return explain_target_personal(((CreateTableAsStmt *) target)->query);
	return false;
}

/*
 * Refuse what a restricted session may not do; returns the statement to run
 * (EXPLAIN gets COSTS OFF).
 */
static PlannedStmt *
check_utility(PlannedStmt *pstmt, bool readOnlyTree)
{
	Node	   *stmt = pstmt->utilityStmt;

	switch (nodeTag(stmt))
	{
		case T_VariableSetStmt:
			{
				VariableSetStmt *s = (VariableSetStmt *) stmt;

				if (s->name == NULL)
					break;		/* RESET ALL, SET TRANSACTION ... */
				if (pg_strcasecmp(s->name, "role") == 0 && s->kind != VAR_RESET)
					REFUSE(RS_RULE_LIFT,
						   errmsg("SET ROLE is not allowed in a restricted session"),
						   errhint("The restriction follows the login role."));
				if (pg_strcasecmp(s->name, "session_authorization") == 0)
					REFUSE(RS_RULE_LIFT,
						   errmsg("SET SESSION AUTHORIZATION is not allowed in a restricted session"));
				if (pg_strncasecmp(s->name, "viewstats.", 10) == 0)
					REFUSE(RS_RULE_LIFT,
						   errmsg("viewstats settings cannot be set or reset in a restricted session"));
				break;
			}
		case T_LoadStmt:
			REFUSE(RS_RULE_LIFT, errmsg("LOAD is not allowed in a restricted session"));
			break;
		case T_AlterExtensionStmt:
			if (is_viewstats_name(((AlterExtensionStmt *) stmt)->extname))
				REFUSE(RS_RULE_LIFT, errmsg("ALTER EXTENSION viewstats is not allowed in a restricted session"));
			break;
		case T_AlterExtensionContentsStmt:
			if (is_viewstats_name(((AlterExtensionContentsStmt *) stmt)->extname))
				REFUSE(RS_RULE_LIFT, errmsg("ALTER EXTENSION viewstats is not allowed in a restricted session"));
			break;
		case T_DropStmt:
			{
				DropStmt   *d = (DropStmt *) stmt;

				if (d->removeType == OBJECT_EXTENSION && names_viewstats_extension(d->objects))
					REFUSE(RS_RULE_LIFT, errmsg("DROP EXTENSION viewstats is not allowed in a restricted session"));
				break;
			}
		case T_SecLabelStmt:
			REFUSE(RS_RULE_LIFT, errmsg("SECURITY LABEL is not allowed in a restricted session"));
			break;
		case T_CreateFunctionStmt:
			if (has_set_option(((CreateFunctionStmt *) stmt)->options))
				REFUSE(RS_RULE_LIFT,
					   errmsg("functions with SET clauses cannot be created in a restricted session"));
			break;
		case T_AlterFunctionStmt:
			if (has_set_option(((AlterFunctionStmt *) stmt)->actions))
				REFUSE(RS_RULE_LIFT,
					   errmsg("functions with SET clauses cannot be created in a restricted session"));
			break;
		case T_DeclareCursorStmt:
			if (((DeclareCursorStmt *) stmt)->options & CURSOR_OPT_HOLD)
				REFUSE(RS_RULE_CHANNEL,
					   errmsg("cursors WITH HOLD are not allowed in a restricted session"));
			break;
		case T_FetchStmt:
			{
				FetchStmt  *f = (FetchStmt *) stmt;
				Portal		p = f->portalname ? GetPortalByName(f->portalname) : NULL;

				if (PortalIsValid(p) && p->creation_time < vs_restricted_since)
					REFUSE(RS_RULE_LIFT,
						   errmsg("cursor \"%s\" was opened before this session was restricted",
								  f->portalname));
				break;
			}
		case T_CopyStmt:
			if (relation_is_personal(((CopyStmt *) stmt)->relation))
				REFUSE(RS_RULE_CHANNEL,
					   errmsg("COPY of a personal table is not allowed in a restricted session"));
			break;
		case T_CreatePolicyStmt:
			if (relation_is_personal(((CreatePolicyStmt *) stmt)->table))
				REFUSE(RS_RULE_LIFT, errmsg("policies on personal tables cannot be changed in a restricted session"));
			break;
		case T_AlterPolicyStmt:
			if (relation_is_personal(((AlterPolicyStmt *) stmt)->table))
				REFUSE(RS_RULE_LIFT, errmsg("policies on personal tables cannot be changed in a restricted session"));
			break;
		case T_AlterTableStmt:
			if (relation_is_personal(((AlterTableStmt *) stmt)->relation))
				REFUSE(RS_RULE_LIFT, errmsg("personal tables cannot be altered in a restricted session"));
			break;
		case T_ExplainStmt:
			{
				ExplainStmt *e = (ExplainStmt *) stmt;
				ListCell   *lc;

				foreach(lc, e->options)
				{
					DefElem    *d = lfirst(lc);

					if (strcmp(d->defname, "analyze") == 0 && defGetBoolean(d) &&
						explain_target_personal(e->query))
						REFUSE(RS_RULE_CHANNEL,
							   errmsg("EXPLAIN ANALYZE of a query over personal tables is not allowed in a restricted session"),
							   errhint("It shows exact row counts."));
				}
				/* no row estimates: they come from the personal tables' statistics */
				if (readOnlyTree)
				{
					pstmt = copyObject(pstmt);
					e = (ExplainStmt *) pstmt->utilityStmt;
				}
				e->options = lappend(e->options,
									 makeDefElem("costs", (Node *) makeString("false"), -1));
				break;
			}
		default:
			break;
	}
	return pstmt;
}

static void
vs_process_utility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
				   ProcessUtilityContext context, ParamListInfo params,
				   QueryEnvironment *queryEnv, DestReceiver *dest,
				   QueryCompletion *qc)
{
	Node	   *stmt = pstmt->utilityStmt;
	VsNesting	saved = vs_nesting;
	bool		nests;

	/*
	 * A dump holds the unit label and the two policies the label made; the
	 * label, restored first, makes them again, so the dumped ones are
	 * already there.
	 */
	if (IsA(stmt, CreatePolicyStmt))
	{
		CreatePolicyStmt *cp = (CreatePolicyStmt *) stmt;

		if ((strcmp(cp->policy_name, "viewstats_gate") == 0 ||
			 strcmp(cp->policy_name, "viewstats_rows") == 0) &&
			relation_is_personal(cp->table) &&
			vs_policy_exists(RangeVarGetRelid(cp->table, NoLock, false), cp->policy_name))
		{
			ereport(NOTICE,
					(errmsg("policy \"%s\" is already installed by the viewstats label, skipping",
							cp->policy_name)));
			return;
		}
	}
	if (vs_session_restricted())
	{
		PlannedStmt *p = check_utility(pstmt, readOnlyTree);

		if (p != pstmt)
		{
			pstmt = p;
			readOnlyTree = false;
		}
	}
	/* PREPARE, EXECUTE and EXPLAIN run their query as a top-level one */
	nests = !(IsA(stmt, PrepareStmt) || IsA(stmt, ExecuteStmt) || IsA(stmt, ExplainStmt));
	if (nests)
	{
		vs_nesting.depth++;
		vs_nesting.utility = nodeTag(stmt);
	}
	PG_TRY();
	{
		if (prev_process_utility)
			prev_process_utility(pstmt, queryString, readOnlyTree, context, params,
								 queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
									queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		vs_nesting = saved;
	}
	PG_END_TRY();
}

void
vs_hooks_init(void)
{
	DefineCustomIntVariable("viewstats.max_groups_contributed",
							"Most groups one unit may count in, per dp_count query level, in a restricted session (L).",
							"A restricted query level whose units may fall in several groups keeps each unit in "
							"at most this many and spends epsilon times this much per dp_count call.",
							&vs_max_groups_contributed,
							1, 1, 1000000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
	vs_labels_init();

	prev_post_parse_analyze = post_parse_analyze_hook;
	post_parse_analyze_hook = vs_post_parse_analyze;
	prev_planner = planner_hook;
	planner_hook = vs_planner;
	prev_upper_paths = create_upper_paths_hook;
	create_upper_paths_hook = vs_upper_paths;
	prev_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = vs_executor_start;
	prev_executor_run = ExecutorRun_hook;
	ExecutorRun_hook = vs_executor_run;
	prev_executor_finish = ExecutorFinish_hook;
	ExecutorFinish_hook = vs_executor_finish;
	prev_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = vs_process_utility;
	prev_needs_fmgr = needs_fmgr_hook;
	needs_fmgr_hook = vs_needs_fmgr;
}
