/*
 * validator.c
 *		The allow-list of query shapes a restricted session may run over
 *		personal tables, checked on every analysed query, and the rewrites
 *		that go with it.
 *
 * A query is read level by level (a Query node: the top level, a subquery
 * in FROM, a sublink).  A level whose FROM holds no personal source is
 * public.  A level with exactly one personal source (a personal table, or
 * a personal subquery) is one of:
 *	row level		no aggregation: filters and projects personal rows; its
 *					output columns are the unit (passed on as is) and personal
 *					values.  Only a subquery feeding another personal level.
 *	per-unit level	GROUP BY includes the unit column: one row per unit (and
 *					per other keys), with per-unit aggregates (streaks,
 *					count(*), min, max) and HAVING.  Same output rules.
 *	aggregation		any other aggregation: every aggregate is a safe count
 *					(perturbed_count or dp_count) of the unit column itself,
 *					group keys are ordinary columns.  Its output is published.
 * Everything else a level may contain is on an allow-list too: expressions
 * evaluated on personal rows use leakproof built-ins, a short list of
 * reviewed generalisations (date_trunc, width_bucket, ...) whose other
 * arguments are constants, and viewstats' own functions; anything the
 * planner folds to a constant is free.  Nothing is decided by the rows.
 *
 * The public parts of a level over personal rows (subqueries in FROM, views,
 * public tables, subquery expressions) run when and as often as its plan
 * needs them, so whether they run depends on personal rows: they meet the
 * same rules (no errors, notices or side effects: see on_demand_walker).
 *
 * An accepted aggregation level is rewritten so that a group whose safe
 * count is suppressed is never returned: HAVING becomes
 *	CASE WHEN <every safe count IS NOT NULL> THEN <the analyst's HAVING>
 *	ELSE false END
 * (identical aggregate calls share one state and one final value, so the
 * published number is the one tested).  The personal table under it gets a
 * marker security qual carrying the level's epsilon cost, which the planner
 * hook turns into the removal of the gate (gate.c).
 */
#include "restricted.h"

#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/pg_class.h"
#include "access/genam.h"
#include "catalog/indexing.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_namespace.h"
#include "miscadmin.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "rewrite/rewriteHandler.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "privacy.h"

VsNesting	vs_nesting = {0, T_Invalid};

/* viewstats.max_groups_contributed (defined in hooks.c) */
int			vs_max_groups_contributed = 1;

/* ---- what a function is to the validator ---- */

typedef enum FuncClass
{
	FC_OTHER = 0,				/* not viewstats' */
	FC_VIEWSTATS,				/* a viewstats function or aggregate for analysts */
	FC_INTERNAL,				/* viewstats' support or admin functions */
	FC_PERTURBED,
	FC_DP,
	FC_SUPPRESSED
} FuncClass;

typedef struct FuncEntry
{
	Oid			funcid;
	FuncClass	cls;
	uint32		const_args;		/* curated: argument positions that must be constant */
	bool		curated;
} FuncEntry;

static HTAB *func_cache = NULL;
static bool func_callback_registered = false;

static void
func_cache_reset(Datum arg, int cacheid, uint32 hashvalue)
{
	if (func_cache != NULL)
	{
		hash_destroy(func_cache);
		func_cache = NULL;
	}
}

/*
 * Built-ins that are not leakproof but whose only errors come from their
 * constant arguments (a unit name, bucket bounds, a pattern), or from a
 * date outside the timestamp range, which a viewing log does not hold.
 * The bit mask names the arguments that must be constants.
 */
static const struct
{
	const char *signature;
	uint32		const_args;
}			curated[] = {
	{"pg_catalog.date_trunc(text, timestamp without time zone)", 1u << 0},
	{"pg_catalog.date_trunc(text, timestamp with time zone)", 1u << 0},
	{"pg_catalog.date_part(text, timestamp without time zone)", 1u << 0},
	{"pg_catalog.date_part(text, date)", 1u << 0},
	{"pg_catalog.extract(text, date)", 1u << 0},
	{"pg_catalog.extract(text, timestamp without time zone)", 1u << 0},
	{"pg_catalog.width_bucket(double precision, double precision, double precision, integer)",
	(1u << 1) | (1u << 2) | (1u << 3)},
	{"pg_catalog.width_bucket(numeric, numeric, numeric, integer)", (1u << 1) | (1u << 2) | (1u << 3)},
	{"pg_catalog.timestamp(date)", 0},
	{"pg_catalog.timestamptz(date)", 0},
	{"pg_catalog.date(timestamp without time zone)", 0},
	{"pg_catalog.date(timestamp with time zone)", 0},
	{"pg_catalog.int8(integer)", 0},
	{"pg_catalog.int8(smallint)", 0},
	{"pg_catalog.int4(smallint)", 0},
	{"pg_catalog.float8(integer)", 0},
	{"pg_catalog.float8(bigint)", 0},
	{"pg_catalog.numeric(integer)", 0},
	{"pg_catalog.numeric(bigint)", 0},
	{"pg_catalog.textlike(text, text)", 1u << 1},
	{"pg_catalog.textnlike(text, text)", 1u << 1},
	{"pg_catalog.texticlike(text, text)", 1u << 1},
};

static Oid
signature_oid(const char *sig)
{
	Datum		d = DirectFunctionCall1(to_regprocedure, CStringGetTextDatum(sig));

	return DatumGetObjectId(d);
}

static FuncEntry *
func_entry(Oid funcid)
{
	FuncEntry  *e;
	bool		found;

	if (func_cache == NULL)
	{
		int			i;

		func_cache = vs_oid_hash_create("viewstats function classes", sizeof(FuncEntry));
		if (!func_callback_registered)
		{
			CacheRegisterSyscacheCallback(PROCOID, func_cache_reset, (Datum) 0);
			func_callback_registered = true;
		}
		for (i = 0; i < lengthof(curated); i++)
		{
			Oid			f = signature_oid(curated[i].signature);

			if (!OidIsValid(f) || func_cache == NULL)
				continue;
			e = hash_search(func_cache, &f, HASH_ENTER, &found);
			e->cls = FC_OTHER;
			e->curated = true;
			e->const_args = curated[i].const_args;
		}
		if (func_cache == NULL)
			return func_entry(funcid);
	}
	e = hash_search(func_cache, &funcid, HASH_FIND, NULL);
	if (e == NULL)
	{
		Oid			ext = get_extension_oid("viewstats", true);
		FuncClass	cls = FC_OTHER;

		if (OidIsValid(ext) && getExtensionOfObject(ProcedureRelationId, funcid) == ext)
		{
			char	   *name = get_func_name(funcid);

			if (name == NULL)
				cls = FC_INTERNAL;
			else if (strcmp(name, "perturbed_count") == 0)
				cls = FC_PERTURBED;
			else if (strcmp(name, "dp_count") == 0)
				cls = FC_DP;
			else if (strcmp(name, "suppressed_count") == 0)
				cls = FC_SUPPRESSED;
			else if (strncmp(name, "viewstats_", 10) == 0 ||
					 strcmp(name, "rotate_privacy_secret") == 0 ||
					 strcmp(name, "suppress") == 0 ||
					 strcmp(name, "suppress_cells") == 0 ||
					 strcmp(name, "set_privacy_budget") == 0)
				cls = FC_INTERNAL;
			else
				cls = FC_VIEWSTATS;
		}
		if (func_cache == NULL)
			return func_entry(funcid);
		e = hash_search(func_cache, &funcid, HASH_ENTER, &found);
		e->cls = cls;
		e->curated = false;
		e->const_args = 0;
	}
	return e;
}

/* ---- levels ---- */

typedef enum LevelKind
{
	LK_PUBLIC,
	LK_ROW,
	LK_UNIT,
	LK_AGG
} LevelKind;

typedef struct Level
{
	Query	   *q;
	LevelKind	kind;
	Index		prti;			/* the personal source's range table index */
	Bitmapset  *in_unit;		/* its columns that carry the unit as is */
	bool		in_is_unit_level;	/* it is a per-unit level grouped by the unit alone */
	RangeTblEntry *base;		/* the personal table at the bottom */
	Bitmapset  *out_unit;		/* row and per-unit levels: output columns carrying the unit */
	bool		unit_only_key;	/* per-unit level grouped by the unit alone */
	List	   *safe_counts;	/* aggregation level: distinct safe-count calls */
	double		eps_single;		/* aggregation level: epsilon of its dp_count calls */
	double		eps_bounded;	/* (those whose units may fall in several groups) */
} Level;

static Level *check_level(Query *q, bool may_repeat);
struct ReachCx;
static bool query_reads_personal_walker(Node *node, struct ReachCx *cx);

/* Where an expression is evaluated, and what may appear there */
typedef enum Place
{
	PL_ROW,						/* on personal rows */
	PL_UNIT,					/* a per-unit level's outputs and HAVING */
	PL_AGG						/* an aggregation level's outputs and HAVING */
} Place;

typedef struct ExprCx
{
	Level	   *lv;
	Place		place;
	bool		in_agg_arg;		/* inside an aggregate's arguments: rows again */
	bool		sublink_param_ok;
} ExprCx;

static void check_expr(Node *node, ExprCx *cx);
static void check_on_demand(Query *q);
static void check_scalar_sublink(SubLink *sl, const char *where);

#define ON_ROWS "on personal rows"
#define ON_DEMAND "in a subquery that runs beside personal rows"

static bool
child_walker(Node *node, ExprCx *cx)
{
	check_expr(node, cx);
	return false;
}

/* Follow join alias and (18) grouping Vars to the expression they stand for. */
static Node *
resolve_var(Query *q, Var *v)
{
	RangeTblEntry *rte;

	if (v->varlevelsup != 0 || v->varattno <= 0 ||
		v->varno < 1 || v->varno > list_length(q->rtable))
		return NULL;
	rte = rt_fetch(v->varno, q->rtable);
	if (rte->rtekind == RTE_JOIN)
		return (Node *) list_nth(rte->joinaliasvars, v->varattno - 1);
#if PG_VERSION_NUM >= 180000
	if (rte->rtekind == RTE_GROUP)
		return (Node *) list_nth(rte->groupexprs, v->varattno - 1);
#endif
	return NULL;
}

static bool
is_unit_ref(Level *lv, Node *n)
{
	while (n != NULL && IsA(n, Var))
	{
		Var		   *v = (Var *) n;
		Node	   *r = resolve_var(lv->q, v);

		if (r != NULL)
		{
			n = r;
			continue;
		}
		return v->varlevelsup == 0 && lv->prti != 0 && v->varno == lv->prti &&
			bms_is_member(v->varattno, lv->in_unit);
	}
	return false;
}

/* Does an expression read anything at run time (columns, parameters, ...)? */
static bool
runtime_input_walker(Node *node, void *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var) || IsA(node, Param) || IsA(node, Aggref) ||
		IsA(node, GroupingFunc) || IsA(node, WindowFunc) || IsA(node, SubLink) ||
		IsA(node, SQLValueFunction) || IsA(node, CaseTestExpr))
		return true;
	return expression_tree_walker(node, runtime_input_walker, cx);
}

/* Folded by the planner before anything runs: its errors do not depend on data */
static bool
is_constant(Node *node)
{
	return !runtime_input_walker(node, NULL) && !contain_mutable_functions(node);
}

/*
 * A function evaluated where errors, notices, delays or side effects could
 * tell about personal rows; "where" ends the message ("on personal rows").
 */
static void
check_function(Oid funcid, List *args, const char *where)
{
	FuncEntry  *e;
	ListCell   *lc;
	int			i = 0;

	if (func_volatile(funcid) == PROVOLATILE_VOLATILE)
		REFUSE(RS_RULE_FUNCTION,
			   errmsg("volatile function %s cannot be used %s",
					  format_procedure(funcid), where),
			   errhint("Volatile functions can carry values out of a query through side effects or timing."));
	e = func_entry(funcid);
	if (e->cls == FC_VIEWSTATS)
		return;
	if (e->cls == FC_INTERNAL || e->cls == FC_SUPPRESSED)
		REFUSE(RS_RULE_FUNCTION,
			   errmsg("function %s cannot be used in a restricted session",
					  format_procedure(funcid)));
	if (e->curated)
	{
		foreach(lc, args)
		{
			if ((e->const_args & (1u << i)) && !is_constant(lfirst(lc)))
				REFUSE(RS_RULE_FUNCTION,
					   errmsg("argument %d of %s must be a constant %s",
							  i + 1, format_procedure(funcid), where));
			i++;
		}
		return;
	}
	if (get_func_leakproof(funcid))
		return;
	REFUSE(RS_RULE_FUNCTION,
		   errmsg("function %s is not leakproof and cannot be used %s",
				  format_procedure(funcid), where),
		   strcmp(where, ON_ROWS) == 0 ?
		   errhint("Its errors could depend on personal values.  Compute it in an outer query over published results, or on constants.") :
		   errhint("Whether it runs depends on personal rows, so its errors would tell about them.  Compute it in an outer query over published results."));
}

static bool
outer_ref_walker(Node *node, int *depth)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var))
		return ((Var *) node)->varlevelsup > (Index) *depth;
	if (IsA(node, Aggref))
	{
		if (((Aggref *) node)->agglevelsup > (Index) *depth)
			return true;
	}
	if (IsA(node, Query))
	{
		bool		r;

		(*depth)++;
		r = query_tree_walker((Query *) node, outer_ref_walker, depth, 0);
		(*depth)--;
		return r;
	}
	return expression_tree_walker(node, outer_ref_walker, depth);
}

/* Does a subquery refer to the levels around it? */
static bool
is_correlated(Query *q)
{
	int			depth = 0;

	return query_tree_walker(q, outer_ref_walker, &depth, 0);
}

static double
const_param(Node *arg, const char *name)
{
	Node	   *c = eval_const_expressions(NULL, copyObject(arg));

	if (!IsA(c, Const) || ((Const *) c)->consttype != FLOAT8OID ||
		((Const *) c)->constisnull || !is_constant(arg))
		REFUSE(RS_RULE_PARAMETER,
			   errmsg("%s must be a constant in a restricted session", name),
			   errhint("Write the number into the query."));
	return DatumGetFloat8(((Const *) c)->constvalue);
}

/* A safe count in an aggregation level: the unit itself, constant parameters. */
static void
check_safe_count(Aggref *agg, FuncEntry *e, ExprCx *cx)
{
	Level	   *lv = cx->lv;
	TargetEntry *arg0;
	ListCell   *lc;

	if (agg->aggfilter != NULL)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("FILTER is not allowed on a safe count in a restricted session"));
	if (agg->aggorder != NIL)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("ORDER BY inside a safe count is not allowed in a restricted session"));
	if (list_length(agg->args) < 1)
		REFUSE(RS_RULE_SAFE_COUNT_ARG, errmsg("a safe count needs the unit column"));
	arg0 = linitial_node(TargetEntry, agg->args);
	if (!is_unit_ref(lv, (Node *) arg0->expr))
		REFUSE(RS_RULE_SAFE_COUNT_ARG,
			   errmsg("a safe count must count the unit column itself"),
			   errhint("Casts, arithmetic, other columns, constants and made-up units are not counted in a restricted session."));
	if (e->cls == FC_DP)
	{
		double		eps = const_param((Node *) lsecond_node(TargetEntry, agg->args)->expr, "epsilon");
		double		delta = 1e-5;
		ck_epsilon	ce;

		if (list_length(agg->args) > 2)
		{
			delta = const_param((Node *) lthird_node(TargetEntry, agg->args)->expr, "delta");
			if (ck_delta_check(delta) != CK_OK)
				REFUSE(RS_RULE_PARAMETER,
					   errmsg("delta must be greater than 0 and less than 1"));
		}
		if (ck_epsilon_exact(eps, &ce) != CK_OK)
			REFUSE(RS_RULE_PARAMETER,
				   errmsg("epsilon must be a finite number from %g to %g",
						  CK_EPSILON_MIN, CK_EPSILON_MAX));
		viewstats_check_dp_caps(eps, delta);
	}
	/* the same call twice shares one state and one noise draw */
	foreach(lc, lv->safe_counts)
		if (equal(lfirst(lc), agg))
			return;
	lv->safe_counts = lappend(lv->safe_counts, agg);
}

/* count, min or max: aggregates that cannot fail */
static bool
count_or_extreme(Oid f)
{
	char	   *name;

	if (f == F_COUNT_ || f == F_COUNT_ANY)
		return true;
	if (get_func_namespace(f) != PG_CATALOG_NAMESPACE)
		return false;
	name = get_func_name(f);
	return name != NULL && (strcmp(name, "min") == 0 || strcmp(name, "max") == 0);
}

/* A per-unit aggregate: counts, extremes and viewstats' streak aggregates */
static void
check_unit_aggregate(Aggref *agg, FuncEntry *e, ExprCx *cx)
{
	Oid			f = agg->aggfnoid;
	bool		ok;

	ok = e->cls == FC_VIEWSTATS || count_or_extreme(f);
	if (e->cls == FC_PERTURBED || e->cls == FC_DP)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("a safe count cannot be computed per unit"),
			   errhint("Count units in a query over the per-unit subquery."));
	if (!ok)
		REFUSE(RS_RULE_EXACT_AGGREGATE,
			   errmsg("aggregate %s is not allowed per unit in a restricted session",
					  format_procedure(f)),
			   errhint("Per-unit subqueries may use count, min, max and viewstats' streak aggregates."));
	if (agg->aggfilter != NULL)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("aggregate FILTER clauses are not allowed over personal rows"));
	if (agg->aggorder != NIL && agg->aggdistinct == NIL)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("ORDER BY inside an aggregate is not allowed over personal rows"));
}

static void
check_aggref(Aggref *agg, ExprCx *cx)
{
	FuncEntry  *e = func_entry(agg->aggfnoid);
	ExprCx		sub = *cx;
	ListCell   *lc;

	if (agg->agglevelsup != 0)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("outer-level aggregates are not allowed over personal rows"));
	if (cx->in_agg_arg || cx->place == PL_ROW)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("aggregate %s is not allowed here in a restricted session",
					  format_procedure(agg->aggfnoid)));
	if (cx->place == PL_AGG)
	{
		if (e->cls == FC_PERTURBED || e->cls == FC_DP)
		{
			check_safe_count(agg, e, cx);
			return;
		}
		if (e->cls == FC_SUPPRESSED)
			REFUSE(RS_RULE_EXACT_AGGREGATE,
				   errmsg("suppressed_count publishes exact counts and is not allowed in a restricted session"),
				   errhint("Use perturbed_count or dp_count."));
		REFUSE(RS_RULE_EXACT_AGGREGATE,
			   errmsg("aggregate %s over personal rows is not allowed in a restricted session",
					  format_procedure(agg->aggfnoid)),
			   errhint("Only perturbed_count and dp_count of the unit column publish numbers about personal rows; "
					   "per-unit values come from a subquery grouped by the unit."));
	}
	check_unit_aggregate(agg, e, cx);
	sub.place = PL_ROW;
	sub.in_agg_arg = true;
	foreach(lc, agg->args)
		check_expr((Node *) lfirst_node(TargetEntry, lc)->expr, &sub);
	check_expr((Node *) agg->aggdirectargs, &sub);
}

/*
 * The expressions both checks share: functions and operators (leakproof,
 * reviewed or viewstats'), casts to text, and nodes that cannot fail.
 * False for a node it does not know.
 */
static bool
check_common_node(Node *node, const char *where)
{
	switch (nodeTag(node))
	{
		case T_FuncExpr:
			check_function(((FuncExpr *) node)->funcid, ((FuncExpr *) node)->args, where);
			return true;
		case T_OpExpr:
		case T_DistinctExpr:
		case T_NullIfExpr:
			set_opfuncid((OpExpr *) node);
			check_function(((OpExpr *) node)->opfuncid, ((OpExpr *) node)->args, where);
			return true;
		case T_ScalarArrayOpExpr:
			set_sa_opfuncid((ScalarArrayOpExpr *) node);
			check_function(((ScalarArrayOpExpr *) node)->opfuncid,
						   ((ScalarArrayOpExpr *) node)->args, where);
			return true;
		case T_CoerceViaIO:
			{
				CoerceViaIO *c = (CoerceViaIO *) node;
				Oid			in = exprType((Node *) c->arg);

				if ((c->resulttype != TEXTOID && c->resulttype != VARCHAROID) ||
					in >= FirstNormalObjectId)
					REFUSE(RS_RULE_FUNCTION,
						   errmsg("a cast from %s to %s can fail and is not allowed %s",
								  format_type_be(in), format_type_be(c->resulttype), where));
				return true;
			}
		case T_RelabelType:
		case T_BoolExpr:
		case T_NullTest:
		case T_BooleanTest:
		case T_CaseExpr:
		case T_CaseWhen:
		case T_CaseTestExpr:
		case T_CoalesceExpr:
		case T_ArrayExpr:
		case T_SQLValueFunction:
			return true;
		default:
			return false;
	}
}

static void
check_sublink(SubLink *sl, ExprCx *cx)
{
	Query	   *sq = castNode(Query, sl->subselect);
	Level	   *slv;
	ExprCx		t = *cx;

	if (is_correlated(sq))
		REFUSE(RS_RULE_SHAPE,
			   errmsg("correlated subqueries are not allowed in a query level over personal rows"));
	/* published results only (an aggregation's outputs and HAVING) */
	if (cx->place != PL_AGG || cx->in_agg_arg)
		REFUSE(RS_RULE_TIMING,
			   errmsg("subquery expressions are not allowed where personal rows are filtered or computed"),
			   errhint("It runs when the first personal row needs it, so the query's duration would tell "
					   "whether a row passed.  Join the public table in FROM on a unique key instead."));
	slv = check_level(sq, true);
	if (slv->kind == LK_ROW || slv->kind == LK_UNIT)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("a subquery expression cannot return personal rows"));
	/* it runs only when a personal row needs it: nothing it does may show */
	check_scalar_sublink(sl, "over personal rows");
	check_on_demand(sq);
	t.sublink_param_ok = true;
	check_expr(sl->testexpr, &t);
}

static void
check_expr(Node *node, ExprCx *cx)
{
	if (node == NULL)
		return;
	if (IsA(node, List))
	{
		ListCell   *lc;

		foreach(lc, (List *) node)
			check_expr(lfirst(lc), cx);
		return;
	}
	/* what the planner folds cannot depend on rows */
	if (is_constant(node))
		return;
	check_stack_depth();
	/* inputs first, so the innermost offence is the one named */
	if (!IsA(node, Aggref) && !IsA(node, SubLink) && !IsA(node, Var))
		(void) expression_tree_walker(node, child_walker, cx);
	switch (nodeTag(node))
	{
		case T_Var:
			{
				Var		   *v = (Var *) node;
				Node	   *r;

				if (v->varlevelsup != 0)
					REFUSE(RS_RULE_SHAPE,
						   errmsg("correlated references are not allowed in a query level over personal rows"));
				if ((r = resolve_var(cx->lv->q, v)) != NULL)
				{
					check_expr(r, cx);
					return;
				}
				if (is_unit_ref(cx->lv, node))
					REFUSE(RS_RULE_UNIT_USE,
						   errmsg("the unit column may only be the argument of a safe count or a per-unit GROUP BY"),
						   errhint("Filtering, joining, ordering or computing on the unit singles people out."));
				if (v->varno == cx->lv->prti && v->varattno <= 0)
					REFUSE(RS_RULE_PERSONAL_OUTPUT,
						   errmsg("whole rows and system columns of personal tables cannot be used"));
				return;
			}
		case T_Const:
			return;
		case T_Param:
			if (((Param *) node)->paramkind == PARAM_EXTERN ||
				(cx->sublink_param_ok && ((Param *) node)->paramkind == PARAM_SUBLINK))
				return;
			REFUSE(RS_RULE_SHAPE, errmsg("this parameter is not allowed over personal rows"));
			break;
		case T_Aggref:
			check_aggref((Aggref *) node, cx);
			return;
		case T_WindowFunc:
			REFUSE(RS_RULE_WINDOW,
				   errmsg("window functions are not allowed over personal rows"),
				   errhint("Apply them in an outer query over published results."));
			break;
		case T_GroupingFunc:
			REFUSE(RS_RULE_SHAPE, errmsg("GROUPING is not allowed over personal rows"));
			break;
		case T_SubLink:
			check_sublink((SubLink *) node, cx);
			return;
		case T_TargetEntry:
			break;
		default:
			if ((IsA(node, FuncExpr) && ((FuncExpr *) node)->funcretset) ||
				((IsA(node, OpExpr) || IsA(node, DistinctExpr) || IsA(node, NullIfExpr)) &&
				 ((OpExpr *) node)->opretset))
				REFUSE(RS_RULE_SET_RETURNING,
					   errmsg("set-returning functions are not allowed over personal rows"));
			if (!check_common_node(node, ON_ROWS))
				REFUSE(RS_RULE_FUNCTION,
					   errmsg("this kind of expression is not allowed over personal rows in a restricted session"),
					   errhint("Use plain columns, constants, comparisons, CASE and leakproof functions."));
	}
}

/* ---- reaching personal tables ---- */

/*
 * A table that inherits from a personal table (made a child after the
 * label was set): its rows are personal rows the parent's scan counts, and
 * it has no label, policies or gate of its own.
 */
static bool
child_of_personal(Oid relid)
{
	Relation	inh;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	if (!has_superclass(relid))
		return false;
	check_stack_depth();
	inh = table_open(InheritsRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(relid));
	scan = systable_beginscan(inh, InheritsRelidSeqnoIndexId, true, NULL, 1, &key);
	while (!found && HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Oid			parent = ((Form_pg_inherits) GETSTRUCT(tup))->inhparent;

		found = vs_personal_unit(parent) != InvalidAttrNumber || child_of_personal(parent);
	}
	systable_endscan(scan);
	table_close(inh, AccessShareLock);
	return found;
}

/*
 * A table whose inheritance or partition descendants include a personal
 * table: scanning it reads their rows without their policies.  Labels are
 * refused on such tables, but a table can be attached or made to inherit
 * after it was labelled.
 */
static bool
parent_of_personal(Oid relid)
{
	List	   *kids;
	ListCell   *lc;

	if (!has_subclass(relid))
		return false;
	kids = find_all_inheritors(relid, NoLock, NULL);
	foreach(lc, kids)
		if (lfirst_oid(lc) != relid && vs_personal_unit(lfirst_oid(lc)) != InvalidAttrNumber)
			return true;
	return false;
}

typedef struct ReachCx
{
	List	   *views;			/* views being expanded, innermost first */
} ReachCx;

/* A copy of a view's query */
Query *
vs_view_query(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	Query	   *vq = copyObject(get_view_query(rel));

	table_close(rel, AccessShareLock);
	return vq;
}

static bool
view_reads_personal_cx(Oid relid, ReachCx *cx)
{
	Query	   *vq;
	bool		r;

	if (list_member_oid(cx->views, relid))
		return false;			/* the view's own OLD/NEW entries (15) */
	if (list_length(cx->views) > 32)
		return true;			/* deeper than any sane view stack: fail closed */
	vq = vs_view_query(relid);
	cx->views = lcons_oid(relid, cx->views);
	r = query_reads_personal_walker((Node *) vq, cx);
	cx->views = list_delete_first(cx->views);
	return r;
}

static bool
view_reads_personal(Oid relid)
{
	ReachCx		cx = {NIL};

	return view_reads_personal_cx(relid, &cx);
}

static bool
query_reads_personal_walker(Node *node, ReachCx *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;

		if (rte->rtekind == RTE_RELATION)
		{
			if (vs_personal_unit(rte->relid) != InvalidAttrNumber)
				return true;
			if (rte->inh && parent_of_personal(rte->relid))
				return true;
			if (child_of_personal(rte->relid))
				return true;
			if (rte->relkind == RELKIND_VIEW && view_reads_personal_cx(rte->relid, cx))
				return true;
		}
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, query_reads_personal_walker, cx,
								 QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, query_reads_personal_walker, cx);
}

bool
vs_query_reads_personal(Query *query)
{
	ReachCx		cx = {NIL};

	return query_reads_personal_walker((Node *) query, &cx);
}

static bool
expr_reads_personal(Node *node)
{
	ReachCx		cx = {NIL};

	return query_reads_personal_walker(node, &cx);
}

/* ---- one query level ---- */

/*
 * In a restricted session the safe counts count the unit column of a
 * personal table: over values of the analyst's choice they would tell about
 * record keys (perturbed_count) or spend no budget (dp_count).
 */
static bool
public_safe_count_walker(Node *node, void *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Aggref) && ((Aggref *) node)->agglevelsup == 0)
	{
		FuncClass	c = func_entry(((Aggref *) node)->aggfnoid)->cls;

		if (c == FC_PERTURBED || c == FC_DP || c == FC_SUPPRESSED)
			REFUSE(RS_RULE_SAFE_COUNT_ARG,
				   errmsg("a safe count must count the unit column of a personal table in a restricted session"),
				   errhint("Counting values of your own choice would tell about the secret record keys."));
	}
	if (IsA(node, Query) || IsA(node, SubLink))
		return false;
	return expression_tree_walker(node, public_safe_count_walker, cx);
}

/* the same, through every level of a query that reads no personal table */
static bool
public_safe_count_query_walker(Node *node, void *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, public_safe_count_query_walker, cx, 0);
	if (IsA(node, Aggref))
		(void) public_safe_count_walker(node, cx);
	return expression_tree_walker(node, public_safe_count_query_walker, cx);
}

/*
 * A sublink of a public level that reads personal tables is a level of its
 * own; it must publish (or be public), and run once.
 */
static bool
public_sublink_walker(Node *node, void *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, SubLink))
	{
		SubLink    *sl = (SubLink *) node;
		Query	   *sq = castNode(Query, sl->subselect);

		if (vs_query_reads_personal(sq))
		{
			Level	   *slv;

			if (is_correlated(sq))
				REFUSE(RS_RULE_SHAPE,
					   errmsg("correlated subqueries over personal tables are not allowed in a restricted session"),
					   errhint("A correlated subquery runs once per outer row, and would spend its epsilon each time."));
			slv = check_level(sq, true);
			if (slv->kind == LK_ROW || slv->kind == LK_UNIT)
				REFUSE(RS_RULE_SHAPE,
					   errmsg("a subquery expression cannot return personal rows"));
		}
		return public_sublink_walker(sl->testexpr, cx);
	}
	if (IsA(node, Query))
		return false;
	return expression_tree_walker(node, public_sublink_walker, cx);
}

static void
check_jointree_quals(Node *jt, ExprCx *cx)
{
	if (jt == NULL)
		return;
	if (IsA(jt, FromExpr))
	{
		ListCell   *lc;

		foreach(lc, ((FromExpr *) jt)->fromlist)
			check_jointree_quals(lfirst(lc), cx);
		check_expr(((FromExpr *) jt)->quals, cx);
	}
	else if (IsA(jt, JoinExpr))
	{
		check_jointree_quals(((JoinExpr *) jt)->larg, cx);
		check_jointree_quals(((JoinExpr *) jt)->rarg, cx);
		check_expr(((JoinExpr *) jt)->quals, cx);
	}
}

static bool
is_group_key(Query *q, TargetEntry *tle)
{
	ListCell   *lc;

	if (tle->ressortgroupref == 0)
		return false;
	foreach(lc, q->groupClause)
		if (((SortGroupClause *) lfirst(lc))->tleSortGroupRef == tle->ressortgroupref)
			return true;
	return false;
}

/* Do all the level's group keys read the personal source's columns only? */
static bool
keys_from_source_only(Level *lv)
{
	ListCell   *lc;
	List	   *vars;

	foreach(lc, lv->q->groupClause)
	{
		TargetEntry *tle = get_sortgroupclause_tle(lfirst(lc), lv->q->targetList);
		ListCell   *vc;

		vars = pull_var_clause((Node *) tle->expr, PVC_RECURSE_AGGREGATES |
							   PVC_RECURSE_WINDOWFUNCS | PVC_RECURSE_PLACEHOLDERS);
		foreach(vc, vars)
		{
			Var		   *v = lfirst(vc);
			Node	   *r = resolve_var(lv->q, v);

			if (r != NULL)
				return false;	/* through a join: be conservative */
			if (v->varno != lv->prti)
				return false;
		}
	}
	return true;
}

static Node *
vanish_qual(Level *lv)
{
	List	   *tests = NIL;
	ListCell   *lc;
	Node	   *published;

	foreach(lc, lv->safe_counts)
	{
		NullTest   *nt = makeNode(NullTest);

		nt->arg = (Expr *) copyObject(lfirst(lc));
		nt->nulltesttype = IS_NOT_NULL;
		nt->argisrow = false;
		nt->location = -1;
		tests = lappend(tests, nt);
	}
	published = list_length(tests) == 1 ? linitial(tests) : (Node *) makeBoolExpr(AND_EXPR, tests, -1);
	if (lv->q->havingQual != NULL)
	{
		CaseExpr   *c = makeNode(CaseExpr);
		CaseWhen   *w = makeNode(CaseWhen);

		w->expr = (Expr *) published;
		w->result = (Expr *) lv->q->havingQual;
		w->location = -1;
		c->casetype = BOOLOID;
		c->casecollid = InvalidOid;
		c->arg = NULL;
		c->args = list_make1(w);
		c->defresult = (Expr *) makeBoolConst(false, false);
		c->location = -1;
		return (Node *) c;
	}
	return published;
}

static void
finish_aggregation(Level *lv, bool may_repeat)
{
	ListCell   *lc;
	bool		one_group;
	FuncExpr   *marker;

	/* a tree validated before (and so rewritten) stays as it is */
	foreach(lc, lv->base->securityQuals)
		if (IsA(lfirst(lc), FuncExpr) &&
			((FuncExpr *) lfirst(lc))->funcid == vs_marker_func_oid())
			return;
	if (lv->safe_counts == NIL)
		REFUSE(RS_RULE_NO_SAFE_COUNT,
			   errmsg("an aggregation over personal rows must publish perturbed_count or dp_count of the unit column"),
			   errhint("Group keys alone would list groups whatever their size."));
	/*
	 * Each unit falls in one group when there is one group, or when the
	 * keys are values of a per-unit subquery grouped by the unit alone and
	 * nothing is joined to it.
	 */
	one_group = lv->q->groupClause == NIL ||
		(lv->in_is_unit_level && list_length(lv->q->rtable) == 1 && keys_from_source_only(lv));
	lv->eps_single = lv->eps_bounded = 0;
	foreach(lc, lv->safe_counts)
	{
		Aggref	   *agg = lfirst(lc);
		double		eps;

		if (func_entry(agg->aggfnoid)->cls != FC_DP)
			continue;
		if (may_repeat)
			REFUSE(RS_RULE_SHAPE,
				   errmsg("dp_count cannot be used in a subquery that may run more than once"),
				   errhint("Each run would draw fresh noise for the same units: use dp_count at the top level, "
						   "or in a subquery that is the only item of its FROM clause."));
		eps = const_param((Node *) lsecond_node(TargetEntry, agg->args)->expr, "epsilon");
		if (one_group)
			lv->eps_single += eps;
		else
			lv->eps_bounded += eps;
	}
	/* suppressed groups vanish */
	lv->q->havingQual = vanish_qual(lv);
	/* the scan under this level was validated: the planner hook lifts its gate */
	if (!OidIsValid(vs_marker_func_oid()))
		REFUSE(RS_RULE_SETUP, errmsg("viewstats is not installed in this database"));
	marker = makeFuncExpr(vs_marker_func_oid(), BOOLOID,
						  list_make2(makeConst(FLOAT8OID, -1, InvalidOid, sizeof(float8),
											   Float8GetDatum(lv->eps_single), false, FLOAT8PASSBYVAL),
									 makeConst(FLOAT8OID, -1, InvalidOid, sizeof(float8),
											   Float8GetDatum(lv->eps_bounded), false, FLOAT8PASSBYVAL)),
						  InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
	lv->base->securityQuals = lappend(lv->base->securityQuals, marker);
}

/*
 * Does every FROM subquery of q run once per run of q?  Not when it is one
 * of several FROM items: a join may scan it again, and an aggregation
 * would then finish again, drawing fresh dp_count noise for the same
 * units, within one budget charge.
 */
/* ---- public parts run on demand beside personal rows ---- */

/*
 * A level over personal rows runs its public parts (subqueries in FROM,
 * views, public tables, subquery expressions) when and as often as the plan
 * needs them: a nested loop rescans its inner side once per outer row, an
 * empty outer side skips the inner one, a subquery expression in a CASE
 * branch runs only when a row takes the branch.  So nothing they do may
 * show: no errors (functions that are not leakproof, a scalar subquery of
 * several rows, a negative LIMIT), no side effects or notices (volatile
 * functions, and row security policies, which may call any function).
 * Published results inside them (safe counts) were validated as levels.
 */
typedef struct OnDemandCx
{
	List	   *views;			/* views being expanded */
} OnDemandCx;

static bool on_demand_walker(Node *node, OnDemandCx *cx);

/* A scalar subquery that cannot fail with "more than one row" */
static bool
at_most_one_row(Query *q)
{
	Node	   *c;

	if (q->setOperations == NULL && q->groupClause == NIL && q->groupingSets == NIL &&
		(q->hasAggs || q->havingQual != NULL) && !q->hasTargetSRFs)
		return true;
	if (q->limitCount == NULL || !is_constant(q->limitCount))
		return false;
	c = eval_const_expressions(NULL, copyObject(q->limitCount));
	return IsA(c, Const) && !((Const *) c)->constisnull &&
		DatumGetInt64(((Const *) c)->constvalue) >= 0 &&
		DatumGetInt64(((Const *) c)->constvalue) <= 1;
}

/* A subquery used as an expression fails when it returns several rows */
static void
check_scalar_sublink(SubLink *sl, const char *where)
{
	if ((sl->subLinkType == EXPR_SUBLINK || sl->subLinkType == ROWCOMPARE_SUBLINK ||
		 sl->subLinkType == MULTIEXPR_SUBLINK) &&
		!at_most_one_row(castNode(Query, sl->subselect)))
		REFUSE(RS_RULE_SHAPE,
			   errmsg("a subquery used as an expression %s must return at most one row", where),
			   errhint("Its \"more than one row\" error would tell whether a personal row reached it.  "
					   "Aggregate it without GROUP BY, add LIMIT 1, or use IN (SELECT ...)."));
}

/*
 * Sorting, grouping and DISTINCT call their operators' functions when they
 * run (record comparisons fail on columns that cannot be compared).
 */
static void
check_on_demand_clauses(List *clauses)
{
	ListCell   *lc;

	foreach(lc, clauses)
	{
		SortGroupClause *c = lfirst_node(SortGroupClause, lc);

		if (OidIsValid(c->sortop))
			check_function(get_opcode(c->sortop), NIL, ON_DEMAND);
		if (OidIsValid(c->eqop))
			check_function(get_opcode(c->eqop), NIL, ON_DEMAND);
	}
}

/* LIMIT and OFFSET: absent, or constants that cannot fail (not negative) */
static void
check_on_demand_limit(Node *n)
{
	Node	   *c;

	if (n == NULL)
		return;
	if (is_constant(n))
	{
		c = eval_const_expressions(NULL, copyObject(n));
		if (IsA(c, Const) && (((Const *) c)->constisnull ||
							  DatumGetInt64(((Const *) c)->constvalue) >= 0))
			return;
	}
	REFUSE(RS_RULE_FUNCTION,
		   errmsg("LIMIT and OFFSET %s must be constants that are not negative", ON_DEMAND));
}

static void
check_on_demand_relation(RangeTblEntry *rte, OnDemandCx *cx)
{
	Query	   *vq;

	if (vs_personal_unit(rte->relid) != InvalidAttrNumber)
		return;					/* validated as a level of its own */
	/* its percentage is checked when the scan first runs */
	if (rte->tablesample != NULL)
		REFUSE(RS_RULE_SET_RETURNING,
			   errmsg("TABLESAMPLE cannot be used %s", ON_DEMAND));
	if (check_enable_rls(rte->relid, InvalidOid, true) == RLS_ENABLED)
		REFUSE(RS_RULE_CHANNEL,
			   errmsg("table \"%s\" has row security policies and cannot be read beside personal rows",
					  get_rel_name(rte->relid)),
			   errhint("Its policies run once per scan, and a scan can run once per personal row."));
	if (rte->relkind != RELKIND_VIEW || list_member_oid(cx->views, rte->relid))
		return;
	if (list_length(cx->views) > 32)
		REFUSE(RS_RULE_VIEW, errmsg("views nested too deeply beside personal rows"));
	vq = vs_view_query(rte->relid);
	cx->views = lcons_oid(rte->relid, cx->views);
	(void) on_demand_walker((Node *) vq, cx);
	cx->views = list_delete_first(cx->views);
}

static bool
on_demand_walker(Node *node, OnDemandCx *cx)
{
	if (node == NULL)
		return false;
	check_stack_depth();
	switch (nodeTag(node))
	{
		case T_Query:
			{
				Query	   *q = (Query *) node;

				check_on_demand_limit(q->limitCount);
				check_on_demand_limit(q->limitOffset);
				check_on_demand_clauses(q->sortClause);
				check_on_demand_clauses(q->groupClause);
				check_on_demand_clauses(q->distinctClause);
				/* row locks leave their mark (xmax) on the rows they lock */
				if (q->rowMarks != NIL || q->hasForUpdate)
					REFUSE(RS_RULE_SHAPE,
						   errmsg("FOR UPDATE and FOR SHARE cannot be used %s", ON_DEMAND),
						   errhint("The locks it takes would show whether personal rows made it run."));
				return query_tree_walker(q, on_demand_walker, cx, QTW_EXAMINE_RTES_BEFORE);
			}
		case T_RangeTblEntry:
			{
				RangeTblEntry *rte = (RangeTblEntry *) node;

				if (rte->rtekind == RTE_RELATION)
					check_on_demand_relation(rte, cx);
				else if (rte->rtekind == RTE_TABLEFUNC)
					REFUSE(RS_RULE_FUNCTION,
						   errmsg("table functions cannot be used %s", ON_DEMAND));
				return false;
			}
		case T_SetOperationStmt:
			check_on_demand_clauses(((SetOperationStmt *) node)->groupClauses);
			return expression_tree_walker(node, on_demand_walker, cx);
		case T_SortGroupClause:
			/* an aggregate's DISTINCT or ORDER BY */
			check_on_demand_clauses(list_make1(node));
			return false;
		case T_List:
		case T_FromExpr:
		case T_JoinExpr:
		case T_RangeTblRef:
		case T_CommonTableExpr:
		case T_RangeTblFunction:
		case T_TargetEntry:
			return expression_tree_walker(node, on_demand_walker, cx);
		default:
			break;
	}
	/*
	 * An expression: what the planner folds cannot depend on rows.  It does
	 * not fold set-returning functions: their errors come when they run.
	 */
	if (!expression_returns_set(node) && is_constant(node))
		return false;
	switch (nodeTag(node))
	{
		case T_Var:
		case T_Const:
		case T_Param:
		case T_GroupingFunc:
			break;
		case T_Aggref:
			{
				Aggref	   *agg = (Aggref *) node;
				FuncEntry  *e = func_entry(agg->aggfnoid);

				if (!(e->cls == FC_PERTURBED || e->cls == FC_DP || e->cls == FC_VIEWSTATS ||
					  count_or_extreme(agg->aggfnoid)))
					REFUSE(RS_RULE_FUNCTION,
						   errmsg("aggregate %s cannot be used %s",
								  format_procedure(agg->aggfnoid), ON_DEMAND),
						   errhint("Whether it runs depends on personal rows, so its errors would tell about them.  "
								   "Compute it in an outer query over published results."));
				break;
			}
		case T_SubLink:
			check_scalar_sublink((SubLink *) node, ON_DEMAND);
			break;
		case T_WindowFunc:
			REFUSE(RS_RULE_WINDOW,
				   errmsg("window functions cannot be used %s", ON_DEMAND),
				   errhint("Apply them in an outer query over published results."));
			break;
		default:
			if (!check_common_node(node, ON_DEMAND))
				REFUSE(RS_RULE_FUNCTION,
					   errmsg("this kind of expression cannot be used %s", ON_DEMAND),
					   errhint("Use plain columns, constants, comparisons, CASE and leakproof functions."));
	}
	return expression_tree_walker(node, on_demand_walker, cx);
}

/* Check a public or published subquery that a level over personal rows runs */
static void
check_on_demand(Query *q)
{
	OnDemandCx	cx = {NIL};

	(void) on_demand_walker((Node *) q, &cx);
}

/* Every source of a level over personal rows but the personal one */
static void
check_on_demand_sources(Level *lv)
{
	OnDemandCx	cx = {NIL};
	ListCell   *lc;
	Index		rti = 0;

	foreach(lc, lv->q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		rti++;
		if (rti == lv->prti)
			continue;
		if (rte->rtekind == RTE_RELATION)
			check_on_demand_relation(rte, &cx);
		else if (rte->rtekind == RTE_SUBQUERY)
			(void) on_demand_walker((Node *) rte->subquery, &cx);
	}
}

static bool
single_from(Query *q)
{
	List	   *from = q->jointree ? q->jointree->fromlist : NIL;

	if (q->setOperations != NULL)
		return true;			/* each branch of an Append runs once */
	return list_length(from) == 1 && IsA(linitial(from), RangeTblRef);
}

/*
 * may_repeat: this level may run more than once in one execution of the
 * statement (a sublink, a subquery beside others in a FROM list, or inside
 * one that may repeat).
 */
static Level *
check_level(Query *q, bool may_repeat)
{
	Level	   *lv = palloc0(sizeof(Level));
	ListCell   *lc;
	Index		rti = 0;
	int			npersonal = 0;
	bool		srf_item = false;
	Level	   *psub = NULL;
	ExprCx		cx;

	check_stack_depth();
	lv->q = q;
	lv->kind = LK_PUBLIC;
	foreach(lc, q->cteList)
	{
		CommonTableExpr *cte = lfirst(lc);

		if (vs_query_reads_personal(castNode(Query, cte->ctequery)))
			REFUSE(RS_RULE_SHAPE,
				   errmsg("WITH queries over personal tables are not allowed in a restricted session"),
				   errhint("Write the WITH query as a subquery in FROM."));
	}
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		rti++;
		switch (rte->rtekind)
		{
			case RTE_RELATION:
				{
					AttrNumber	unit = vs_personal_unit(rte->relid);

					if (unit != InvalidAttrNumber)
					{
						if (rte->tablesample != NULL)
							REFUSE(RS_RULE_SET_RETURNING,
								   errmsg("TABLESAMPLE is not allowed on personal tables"));
						npersonal++;
						lv->prti = rti;
						lv->in_unit = bms_make_singleton(unit);
						lv->base = rte;
						psub = NULL;
					}
					else if (rte->inh && parent_of_personal(rte->relid))
						REFUSE(RS_RULE_VIEW,
							   errmsg("table \"%s\" has personal tables among its partitions or children",
									  get_rel_name(rte->relid)),
							   errhint("Query the personal table itself."));
					else if (child_of_personal(rte->relid))
						REFUSE(RS_RULE_VIEW,
							   errmsg("table \"%s\" inherits from a personal table and cannot be used in a restricted session",
									  get_rel_name(rte->relid)),
							   errhint("Query the personal table itself."));
					else if (rte->relkind == RELKIND_VIEW)
					{
						if (view_reads_personal(rte->relid))
							REFUSE(RS_RULE_VIEW,
								   errmsg("view \"%s\" reads personal tables and cannot be used in a restricted session",
										  get_rel_name(rte->relid)),
								   errhint("Query the personal table itself."));
					}
					break;
				}
			case RTE_SUBQUERY:
				{
					Level	   *sub;

					if (rte->lateral && vs_query_reads_personal(rte->subquery))
						REFUSE(RS_RULE_SHAPE,
							   errmsg("LATERAL subqueries over personal tables are not allowed in a restricted session"));
					sub = check_level(rte->subquery, may_repeat || !single_from(q));
					if (sub->kind == LK_ROW || sub->kind == LK_UNIT)
					{
						npersonal++;
						lv->prti = rti;
						lv->in_unit = sub->out_unit;
						lv->base = sub->base;
						psub = sub;
					}
					break;
				}
			case RTE_FUNCTION:
			case RTE_TABLEFUNC:
			case RTE_VALUES:
				srf_item = true;
				if (expr_reads_personal((Node *) rte->functions) ||
					expr_reads_personal((Node *) rte->values_lists) ||
					expr_reads_personal((Node *) rte->tablefunc))
					REFUSE(RS_RULE_SET_RETURNING,
						   errmsg("set-returning functions fed by personal data are not allowed"));
				break;
			default:
				break;
		}
	}
	if (npersonal > 1)
		REFUSE(RS_RULE_PERSONAL_JOIN,
			   errmsg("a query level may read one personal source only"),
			   errhint("Joins between personal tables, and self-joins, are not allowed in a restricted session."));

	memset(&cx, 0, sizeof(cx));
	cx.lv = lv;

	if (npersonal == 0)
	{
		/* perturbed_count and dp_count count units of personal tables only */
		(void) expression_tree_walker((Node *) q->targetList, public_safe_count_walker, NULL);
		(void) public_safe_count_walker(q->havingQual, NULL);
		/* a public level: its sublinks may still read personal tables */
		(void) expression_tree_walker((Node *) q->targetList, public_sublink_walker, NULL);
		(void) expression_tree_walker((Node *) q->jointree, public_sublink_walker, NULL);
		(void) public_sublink_walker(q->havingQual, NULL);
		(void) public_sublink_walker(q->limitCount, NULL);
		(void) public_sublink_walker(q->limitOffset, NULL);
		return lv;
	}

	/* shapes refused in any level over personal rows */
	if (q->setOperations != NULL)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("set operations over personal rows are not allowed in a restricted session"));
	if (q->hasWindowFuncs)
		REFUSE(RS_RULE_WINDOW,
			   errmsg("window functions are not allowed over personal rows"),
			   errhint("Apply them in an outer query over published results."));
	if (q->hasTargetSRFs || srf_item)
		REFUSE(RS_RULE_SET_RETURNING,
			   errmsg("set-returning functions and VALUES are not allowed in a query level over personal rows"));
	if (q->groupingSets != NIL)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("GROUPING SETS, CUBE and ROLLUP are not allowed over personal rows"));
	if (q->hasDistinctOn)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("DISTINCT ON is not allowed over personal rows"));
	if (q->rowMarks != NIL || q->hasForUpdate)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("FOR UPDATE and FOR SHARE are not allowed on personal rows"));
	if (q->cteList != NIL)
		REFUSE(RS_RULE_SHAPE,
			   errmsg("WITH is not allowed in a query level over personal rows"));
	if (q->hasRecursive)
		REFUSE(RS_RULE_SHAPE, errmsg("recursive queries are not allowed over personal rows"));
	foreach(lc, q->rtable)
	{
		RangeTblEntry *rte = lfirst(lc);

		if (rte->lateral)
			REFUSE(RS_RULE_SHAPE,
				   errmsg("LATERAL is not allowed in a query level over personal rows"));
		/* an outer level's WITH query runs when a personal row first needs it */
		if (rte->rtekind == RTE_CTE || rte->rtekind == RTE_NAMEDTUPLESTORE)
			REFUSE(RS_RULE_SHAPE,
				   errmsg("WITH queries cannot be read in a query level over personal rows"),
				   errhint("Write it as a subquery in FROM, joined on a unique key."));
	}

	/* its public sources run on demand: nothing they do may show */
	check_on_demand_sources(lv);
	/* and each personal row meets at most one row of each (timing.c) */
	vs_check_public_joins(q, lv->prti);

	lv->in_is_unit_level = psub != NULL && psub->kind == LK_UNIT && psub->unit_only_key;

	if (q->hasAggs || q->groupClause != NIL || q->havingQual != NULL)
	{
		lv->kind = LK_AGG;
		foreach(lc, q->groupClause)
		{
			TargetEntry *tle = get_sortgroupclause_tle(lfirst(lc), q->targetList);

			if (is_unit_ref(lv, (Node *) tle->expr))
				lv->kind = LK_UNIT;
		}
	}
	else
		lv->kind = LK_ROW;

	/* rows are filtered on allowed expressions only */
	cx.place = PL_ROW;
	check_jointree_quals((Node *) q->jointree, &cx);

	if (lv->kind == LK_ROW || lv->kind == LK_UNIT)
	{
		if (q->sortClause != NIL || q->limitCount != NULL || q->limitOffset != NULL)
			REFUSE(RS_RULE_ROW_ORDER,
				   errmsg("ORDER BY, LIMIT and OFFSET are not allowed on personal or per-unit rows"),
				   errhint("Chunks of rows in a known order come back with exact sizes."));
		if (q->distinctClause != NIL)
			REFUSE(RS_RULE_ROW_ORDER,
				   errmsg("DISTINCT is not allowed on personal or per-unit rows"));
	}

	foreach(lc, q->targetList)
	{
		TargetEntry *tle = lfirst(lc);

		if (lv->kind != LK_AGG && is_unit_ref(lv, (Node *) tle->expr))
		{
			if (!tle->resjunk)
				lv->out_unit = bms_add_member(lv->out_unit, tle->resno);
			continue;
		}
		if (lv->kind == LK_UNIT && is_group_key(q, tle))
		{
			/* other keys are computed on rows */
			cx.place = PL_ROW;
			check_expr((Node *) tle->expr, &cx);
			continue;
		}
		cx.place = lv->kind == LK_ROW ? PL_ROW : (lv->kind == LK_UNIT ? PL_UNIT : PL_AGG);
		check_expr((Node *) tle->expr, &cx);
	}
	if (lv->kind == LK_UNIT)
	{
		ListCell   *gc;

		lv->unit_only_key = list_length(q->groupClause) == 1;
		cx.place = PL_UNIT;
		check_expr(q->havingQual, &cx);
		foreach(gc, q->groupClause)
		{
			TargetEntry *tle = get_sortgroupclause_tle(lfirst(gc), q->targetList);

			if (!is_unit_ref(lv, (Node *) tle->expr))
			{
				cx.place = PL_ROW;
				check_expr((Node *) tle->expr, &cx);
			}
		}
	}
	else if (lv->kind == LK_AGG)
	{
		cx.place = PL_AGG;
		check_expr(q->havingQual, &cx);
		/* LIMIT and OFFSET apply to published groups; they must be constants */
		cx.place = PL_ROW;
		check_expr(q->limitCount, &cx);
		check_expr(q->limitOffset, &cx);
		finish_aggregation(lv, may_repeat);
	}
	return lv;
}

/* ---- the top level ---- */

/* set_config('role', ...) and functions whose SET clauses lift the restriction */
static bool
lifting_name(const char *name)
{
	return pg_strcasecmp(name, "role") == 0 ||
		pg_strcasecmp(name, "session_authorization") == 0 ||
		pg_strncasecmp(name, "viewstats.", 10) == 0 ||
		pg_strcasecmp(name, "session_preload_libraries") == 0 ||
		pg_strcasecmp(name, "row_security") == 0;
}

static bool
proconfig_lifts(Oid funcid)
{
	HeapTuple	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	bool		isnull;
	Datum		d;
	bool		lifts = false;

	if (!HeapTupleIsValid(tup))
		return false;
	d = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_proconfig, &isnull);
	if (!isnull)
	{
		ArrayType  *a = DatumGetArrayTypeP(d);
		Datum	   *items;
		int			n,
					i;

		deconstruct_array(a, TEXTOID, -1, false, TYPALIGN_INT, &items, NULL, &n);
		for (i = 0; i < n; i++)
		{
			char	   *item = TextDatumGetCString(items[i]);
			char	   *eq = strchr(item, '=');

			if (eq != NULL)
				*eq = '\0';
			if (lifting_name(item))
				lifts = true;
		}
	}
	ReleaseSysCache(tup);
	return lifts;
}

static bool
lifting_walker(Node *node, void *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, FuncExpr))
	{
		FuncExpr   *f = (FuncExpr *) node;

		if (f->funcid == F_SET_CONFIG)
		{
			Node	   *name = linitial(f->args);

			if (!IsA(name, Const) || ((Const *) name)->constisnull ||
				lifting_name(TextDatumGetCString(((Const *) name)->constvalue)))
				REFUSE(RS_RULE_LIFT,
					   errmsg("set_config of this setting is not allowed in a restricted session"));
		}
		if (proconfig_lifts(f->funcid))
			REFUSE(RS_RULE_LIFT,
				   errmsg("function %s sets a role or a viewstats setting and cannot be called in a restricted session",
						  format_procedure(f->funcid)));
	}
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, lifting_walker, cx, 0);
	return expression_tree_walker(node, lifting_walker, cx);
}

/*
 * What the planner is given in a restricted session, whoever analysed it:
 * bodies of SQL functions (BEGIN ATOMIC ones are never analysed again) meet
 * the channel and lifting checks here.
 */
void
vs_check_planned(Query *query)
{
	(void) query_tree_walker(query, lifting_walker, NULL, 0);
	vs_check_channels(query);
}

void
vs_validate_toplevel(Query *query)
{
	bool		personal;

	(void) query_tree_walker(query, lifting_walker, NULL, 0);
	vs_check_channels(query);
	if (query->commandType == CMD_UTILITY)
	{
		Node	   *u = query->utilityStmt;

		if (u == NULL)
			return;
		if (IsA(u, DeclareCursorStmt) && IsA(((DeclareCursorStmt *) u)->query, Query) &&
			vs_query_reads_personal((Query *) ((DeclareCursorStmt *) u)->query))
			REFUSE(RS_RULE_CHANNEL,
				   errmsg("cursors over personal tables are not allowed in a restricted session"));
		if (IsA(u, CreateTableAsStmt) && IsA(((CreateTableAsStmt *) u)->query, Query) &&
			vs_query_reads_personal((Query *) ((CreateTableAsStmt *) u)->query))
			REFUSE(RS_RULE_VIEW,
				   errmsg("CREATE TABLE AS, SELECT INTO and materialized views over personal tables are not allowed in a restricted session"));
		/* EXPLAIN's query comes back here from ExplainQuery (14+) */
		return;
	}
	personal = vs_query_reads_personal(query);
	if (!personal)
	{
		(void) query_tree_walker(query, public_safe_count_query_walker, NULL, 0);
		return;
	}
	if (!vs_loaded_at_start)
		REFUSE(RS_RULE_SETUP,
			   errmsg("personal tables cannot be read: this restricted session did not preload viewstats"),
			   errhint("A superuser must run ALTER ROLE ... SET session_preload_libraries = 'viewstats'."));
	if (vs_nesting.depth > 0)
		REFUSE(RS_RULE_NOT_TOP_LEVEL,
			   errmsg("personal tables can only be read by a top-level SELECT in a restricted session"),
			   errhint("Functions, DO blocks, COPY, views and other statements cannot read them."));
	if (query->commandType != CMD_SELECT)
		REFUSE(RS_RULE_NOT_SELECT,
			   errmsg("only SELECT may use personal tables in a restricted session"));
	if (query->returningList != NIL)
		REFUSE(RS_RULE_CHANNEL, errmsg("RETURNING is not allowed over personal tables"));
	{
		Level	   *lv = check_level(query, false);

		if (lv->kind == LK_ROW || lv->kind == LK_UNIT)
			REFUSE(RS_RULE_PERSONAL_OUTPUT,
				   errmsg("personal rows cannot be returned in a restricted session"),
				   errhint("Count units with perturbed_count or dp_count of the unit column."));
	}
}

/* ---- the planner's side ---- */

bool
vs_func_is_dp_count(Oid funcid)
{
	return func_entry(funcid)->cls == FC_DP;
}

typedef struct StripCx
{
	Oid			gate;
	Oid			marker;
	VsCost	   *cost;
} StripCx;

static bool
strip_walker(Node *node, StripCx *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, RangeTblEntry))
	{
		RangeTblEntry *rte = (RangeTblEntry *) node;
		ListCell   *lc;
		bool		validated = false;
		List	   *keep = NIL;

		/* a child of a personal table has no gate of its own: fail closed */
		if (rte->rtekind == RTE_RELATION && child_of_personal(rte->relid))
			REFUSE(RS_RULE_VIEW,
				   errmsg("table \"%s\" inherits from a personal table and cannot be used in a restricted session",
						  get_rel_name(rte->relid)),
				   errhint("Query the personal table itself."));
		if (rte->rtekind != RTE_RELATION || rte->securityQuals == NIL)
			return false;
		foreach(lc, rte->securityQuals)
		{
			Node	   *n = lfirst(lc);

			if (IsA(n, FuncExpr) && ((FuncExpr *) n)->funcid == cx->marker)
			{
				validated = true;
				cx->cost->eps_single +=
					DatumGetFloat8(linitial_node(Const, ((FuncExpr *) n)->args)->constvalue);
				cx->cost->eps_bounded +=
					DatumGetFloat8(lsecond_node(Const, ((FuncExpr *) n)->args)->constvalue);
			}
		}
		if (!validated)
			return false;
		foreach(lc, rte->securityQuals)
		{
			Node	   *n = lfirst(lc);

			if (IsA(n, FuncExpr) && (((FuncExpr *) n)->funcid == cx->marker ||
									 ((FuncExpr *) n)->funcid == cx->gate))
				continue;
			if (IsA(n, Const) && ((Const *) n)->consttype == BOOLOID &&
				!((Const *) n)->constisnull && DatumGetBool(((Const *) n)->constvalue))
				continue;
			keep = lappend(keep, n);
		}
		rte->securityQuals = keep;
		return false;
	}
	/*
	 * dp_count(DISTINCT u, ...) is dp_count(u, ...), which counts distinct
	 * units anyway; without DISTINCT the aggregation may be hashed, as
	 * contribution bounding needs (bound.c).
	 */
	if (IsA(node, Aggref) && ((Aggref *) node)->aggdistinct != NIL &&
		vs_func_is_dp_count(((Aggref *) node)->aggfnoid))
		((Aggref *) node)->aggdistinct = NIL;
	if (IsA(node, Query))
		return query_tree_walker((Query *) node, strip_walker, cx, QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, strip_walker, cx);
}

void
vs_strip_validated(Query *query, VsCost *cost)
{
	StripCx		cx;

	cx.gate = vs_gate_func_oid();
	cx.marker = vs_marker_func_oid();
	cx.cost = cost;
	cost->eps_single = cost->eps_bounded = 0;
	if (!OidIsValid(cx.marker))
		return;
	(void) strip_walker((Node *) query, &cx);
}
