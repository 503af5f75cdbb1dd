/*
 * safe_count_args.c
 *		The arguments of a safe count call (min_group_size, epsilon, delta),
 *		read from the call's expression before any row is.
 *
 * A check that only rows reach is an error oracle: with a min_group_size
 * below the DBA's floor, suppressed_count raised 42501 when its group had
 * rows and returned NULL when it had none, so one query per day told which
 * days a viewer watched.  The safe counts therefore check their arguments
 * from the expression of the call: at the first row of a group, and in the
 * final function of a group that saw no row.  Either way the same checks
 * run in the same order on the same values, so whether a query fails
 * depends on the query alone.
 *
 * That needs arguments that cannot differ between rows: constants, and
 * parameters of the statement (prepared statements, PL/pgSQL variables)
 * with expressions over them.  An argument that reads a column, a
 * subquery or a volatile function is refused, with or without rows: a
 * value varying from row to row could itself be the oracle (NULL, or
 * below the floor, only on the target's row).
 *
 * Where the call is: AggGetAggref in an Agg node.  The finalize step of a
 * partial (parallel) aggregation only has the partial result as argument,
 * so the call is read from the partial Agg node below it.  A WindowAgg
 * gives no Aggref, so every window aggregate of the node that uses the
 * calling support function is checked.
 */
#include "privacy.h"
#include "safe_count_args.h"

#include "catalog/pg_aggregate.h"
#include "executor/executor.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "utils/syscache.h"

#define MAX_CALL_ARGS 3		/* unit, epsilon, delta */

/* Does the expression read anything that may differ between rows? */
static bool
row_dependent_walker(Node *node, void *context)
{
	if (node == NULL)
		return false;
	if (IsA(node, Var) || IsA(node, Aggref) || IsA(node, WindowFunc) ||
		IsA(node, GroupingFunc) || IsA(node, SubPlan) ||
		IsA(node, AlternativeSubPlan) || IsA(node, SubLink))
		return true;
	if (IsA(node, Param) && ((Param *) node)->paramkind != PARAM_EXTERN)
		return true;
	return expression_tree_walker(node, row_dependent_walker, context);
}

/* The value of one argument expression, refused if rows could change it */
static Datum
argument_value(Expr *expr, PlanState *ps, const char *name, bool *isnull)
{
	ExprState  *state;

	if (IsA(expr, Const))
	{
		*isnull = ((Const *) expr)->constisnull;
		return ((Const *) expr)->constvalue;
	}
	if (row_dependent_walker((Node *) expr, NULL) ||
		contain_volatile_functions((Node *) expr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a constant or a parameter", name),
				 errdetail("It is checked before any row is read, so it cannot depend on the rows.")));
	state = ExecInitExpr(expr, ps);
	return ExecEvalExprSwitchContext(state, ps->ps_ExprContext, isnull);
}

/*
 * Evaluate the arguments of one call (a list of expressions) into a call
 * frame numbered like the transition function's (argument i of the
 * aggregate at i + 1), and check them.
 */
static void
check_one_call(List *exprs, PlanState *ps, const char *const *names,
			   viewstats_call_args_fn check, void *arg)
{
	LOCAL_FCINFO(args, MAX_CALL_ARGS + 1);
	int			nargs = Min(list_length(exprs), MAX_CALL_ARGS);
	int			i;

	InitFunctionCallInfoData(*args, NULL, nargs + 1, InvalidOid, NULL, NULL);
	args->args[0].isnull = true;	/* no state */
	args->args[1].isnull = true;	/* the unit is not read here */
	args->args[1].value = (Datum) 0;
	for (i = 1; i < nargs; i++)
		args->args[i + 1].value = argument_value((Expr *) list_nth(exprs, i), ps,
												 names[i], &args->args[i + 1].isnull);
	check(args, nargs, arg);
}

/*
 * The partial call matching the finalize step's aggref, in the partial Agg
 * node below it (through Gather, Sort, Append, ...).  Every partial Agg
 * holds a copy of the same call, so the first found will do.
 */
static Aggref *
partial_aggref(Plan *plan, Aggref *final)
{
	ListCell   *lc;
	List	   *children = NIL;

	if (plan == NULL)
		return NULL;
	if (IsA(plan, Agg) && DO_AGGSPLIT_SKIPFINAL(((Agg *) plan)->aggsplit))
	{
		foreach(lc, plan->targetlist)
		{
			Aggref	   *a = (Aggref *) ((TargetEntry *) lfirst(lc))->expr;

			if (IsA(a, Aggref) && a->aggfnoid == final->aggfnoid &&
				a->aggno == final->aggno)
				return a;
		}
		return NULL;
	}
	if (IsA(plan, Append))
		children = ((Append *) plan)->appendplans;
	else if (IsA(plan, MergeAppend))
		children = ((MergeAppend *) plan)->mergeplans;
	foreach(lc, children)
	{
		Aggref	   *a = partial_aggref((Plan *) lfirst(lc), final);

		if (a != NULL)
			return a;
	}
	return partial_aggref(plan->lefttree, final);
}

/* The expressions of the call's aggregated arguments; NIL if not found */
static List *
aggref_exprs(Aggref *aggref, PlanState *ps)
{
	List	   *exprs = NIL;
	ListCell   *lc;

	/*
	 * The finalize step of a partial aggregation: its only argument is the
	 * partial result, so the call is read from the partial Agg below.
	 */
	if (DO_AGGSPLIT_COMBINE(aggref->aggsplit))
	{
		aggref = partial_aggref(outerPlan(ps->plan), aggref);
		if (aggref == NULL)
			return NIL;
	}
	/* the aggregated arguments; an ORDER BY inside the call adds resjunk ones */
	foreach(lc, aggref->args)
	{
		TargetEntry *te = (TargetEntry *) lfirst(lc);

		if (!te->resjunk)
			exprs = lappend(exprs, te->expr);
	}
	return exprs;
}

/* Does aggregate aggfnoid use fn_oid as its transition or final function? */
static bool
aggregate_uses(Oid aggfnoid, Oid fn_oid)
{
	HeapTuple	tup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggfnoid));
	bool		uses = false;

	if (HeapTupleIsValid(tup))
	{
		Form_pg_aggregate agg = (Form_pg_aggregate) GETSTRUCT(tup);

		uses = agg->aggtransfn == fn_oid || agg->aggfinalfn == fn_oid;
		ReleaseSysCache(tup);
	}
	return uses;
}

void
viewstats_for_each_call(FunctionCallInfo fcinfo, const char *aggname,
						viewstats_call_fn fn, void *arg)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);

	if (aggref != NULL)
	{
		List	   *exprs = aggref_exprs(aggref, (PlanState *) fcinfo->context);

		if (exprs == NIL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("could not find the arguments of %s in this plan", aggname),
					 errhint("Disable parallel query for this statement.")));
		fn(exprs, aggref->inputcollid, (PlanState *) fcinfo->context, arg);
	}
	else if (fcinfo->context != NULL && IsA(fcinfo->context, WindowAggState))
	{
		WindowAggState *ws = (WindowAggState *) fcinfo->context;
		ListCell   *lc;

		foreach(lc, ws->funcs)
		{
			WindowFunc *wfunc = ((WindowFuncExprState *) lfirst(lc))->wfunc;

			if (wfunc->winagg &&
				aggregate_uses(wfunc->winfnoid, fcinfo->flinfo->fn_oid))
				fn(wfunc->args, wfunc->inputcollid, &ws->ss.ps, arg);
		}
	}
}

typedef struct CheckArgs
{
	const char *const *names;
	viewstats_call_args_fn check;
	void	   *arg;
} CheckArgs;

static void
check_args_of_call(List *exprs, Oid inputcollid, PlanState *ps, void *arg)
{
	CheckArgs  *c = arg;

	check_one_call(exprs, ps, c->names, c->check, c->arg);
}

void
viewstats_call_args(FunctionCallInfo fcinfo, const char *const *names,
					viewstats_call_args_fn check, void *arg)
{
	CheckArgs	c = {names, check, arg};

	viewstats_for_each_call(fcinfo, names[0], check_args_of_call, &c);
}
