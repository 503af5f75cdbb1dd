/*
 * safe_count_args.h
 *		Reading a safe count call's own arguments from its expression, before
 *		any row is read (safe_count_args.c).
 */
#ifndef VIEWSTATS_SAFE_COUNT_ARGS_H
#define VIEWSTATS_SAFE_COUNT_ARGS_H

#include "postgres.h"

#include "fmgr.h"
#include "nodes/pg_list.h"

/*
 * Receives one call's arguments in a call frame numbered like the
 * transition function's: aggregate argument i (of nargs) is args->args[i + 1],
 * for 1 <= i < nargs; the state and the unit are not read.
 */
typedef void (*viewstats_call_args_fn) (FunctionCallInfo args, int nargs, void *arg);

/*
 * For each call of the aggregate that the calling support function serves
 * in the executing plan node, evaluate its arguments after the unit from
 * the call's expression and pass them to check.  names[0] is the
 * aggregate's name, names[i] argument i's, for the errors: an argument that
 * could differ between rows (a column, a subquery, a volatile function) is
 * refused with 22023.
 */
extern void viewstats_call_args(FunctionCallInfo fcinfo, const char *const *names,
								viewstats_call_args_fn check, void *arg);

/*
 * The same walk, for any use: fn gets each call's aggregated argument
 * expressions (the unit first), its input collation and the plan node.  In
 * the finalize step of a partial aggregation they are the partial call's.
 */
struct PlanState;
typedef void (*viewstats_call_fn) (List *exprs, Oid inputcollid,
								   struct PlanState *ps, void *arg);
extern void viewstats_for_each_call(FunctionCallInfo fcinfo, const char *aggname,
									viewstats_call_fn fn, void *arg);

#endif							/* VIEWSTATS_SAFE_COUNT_ARGS_H */
