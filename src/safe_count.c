/*
 * safe_count.c
 *		The privacy-safe count aggregates: suppressed_count, perturbed_count
 *		and dp_count.
 *
 * All three count DISTINCT privacy units and share one internal state: the
 * set of the units' 64-bit hashes (unit_state.c: in memory up to the
 * budget, in sorted runs on disk past it) and the per-group parameters
 * (min_group_size, epsilon, delta), which must be the same on every row of
 * a group.  A unit is hashed from its value (unit_hash.c), so equal units
 * give equal hashes in every backend and parallel worker, on every platform
 * and after a dump and restore; combine is set union, and the serialized
 * state is the sorted array of hashes, so serial and parallel plans, any
 * row order and any rewrite of the query reach the same set, and therefore
 * the same published number.
 *
 * Called with DISTINCT on its arguments (perturbed_count(DISTINCT viewer)),
 * an aggregate gets each unit once from PostgreSQL's sort and keeps only a
 * count and the sum of record keys: the same numbers in constant memory.
 *
 * The state is created on the first row, NULL unit or not, so parameters
 * are checked on every row; NULL units add nothing.  The published value is
 * computed only in the final functions; nothing else leaves the set.
 */
#include "privacy.h"
#include "unit_hash.h"
#include "safe_count_args.h"
#include "unit_state.h"

#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(viewstats_unit_transfn);
PG_FUNCTION_INFO_V1(viewstats_unit_threshold_transfn);
PG_FUNCTION_INFO_V1(viewstats_unit_dp_transfn);
PG_FUNCTION_INFO_V1(viewstats_unit_dp_delta_transfn);
PG_FUNCTION_INFO_V1(viewstats_unit_combine);
PG_FUNCTION_INFO_V1(viewstats_unit_serialize);
PG_FUNCTION_INFO_V1(viewstats_unit_deserialize);
PG_FUNCTION_INFO_V1(viewstats_suppressed_count_final);
PG_FUNCTION_INFO_V1(viewstats_perturbed_count_final);
PG_FUNCTION_INFO_V1(viewstats_dp_count_final);

/* The default delta of dp_count(unit, epsilon) */
#define DP_DEFAULT_DELTA 1e-5

/*
 * Per transition-function call site, in fn_extra: the unit's hasher, and
 * restricted mode's contribution bound for dp_count.
 */
typedef struct CallSite
{
	UnitHasher *hasher;
	void	   *bound;
} CallSite;

static MemoryContext
agg_context(FunctionCallInfo fcinfo, bool allow_window)
{
	MemoryContext aggcxt;
	int			kind = AggCheckCallContext(fcinfo, &aggcxt);

	if (kind == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("viewstats aggregate support function called in non-aggregate context")));
	if (kind == AGG_CONTEXT_WINDOW && !allow_window)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("dp_count cannot be used as a window function"),
				 errdetail("Each window frame would spend epsilon again on overlapping units."),
				 errhint("Use dp_count with GROUP BY.")));
	return aggcxt;
}

static CallSite *
call_site(FunctionCallInfo fcinfo)
{
	CallSite   *c = fcinfo->flinfo->fn_extra;

	if (likely(c != NULL))
		return c;
	c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CallSite));
	c->hasher = viewstats_unit_hasher_new(fcinfo, 1);
	fcinfo->flinfo->fn_extra = c;
	return c;
}

/*
 * Is this call DISTINCT on its arguments?  Then PostgreSQL has sorted the
 * rows and passes each unit once (a window aggregate has no Aggref).
 */
static bool
called_distinct(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);

	return aggref != NULL && aggref->aggdistinct != NIL;
}

static inline void
check_status(ck_status s)
{
	if (unlikely(s != CK_OK))
		viewstats_ck_report(s);
}

/*
 * Record a per-group parameter; every row and every partial state of a
 * group must carry the same value.
 */
static void
set_param(ck_params *p, uint8 flag, double value)
{
	double		old;
	const char *name;

	switch (flag)
	{
		case CK_PARAM_THRESHOLD:
			old = p->threshold;
			name = "min_group_size";
			break;
		case CK_PARAM_EPSILON:
			old = p->epsilon;
			name = "epsilon";
			break;
		default:
			old = p->delta;
			name = "delta";
			break;
	}
	if (p->flags & flag)
	{
		if (unlikely(old != value))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be the same for every row of a group", name)));
		return;
	}
	p->flags |= flag;
	if (flag == CK_PARAM_THRESHOLD)
		p->threshold = (int32) value;
	else if (flag == CK_PARAM_EPSILON)
		p->epsilon = value;
	else
		p->delta = value;
}

static void
merge_params(ck_params *dst, const ck_params *src)
{
	if (src->flags & CK_PARAM_THRESHOLD)
		set_param(dst, CK_PARAM_THRESHOLD, src->threshold);
	if (src->flags & CK_PARAM_EPSILON)
		set_param(dst, CK_PARAM_EPSILON, src->epsilon);
	if (src->flags & CK_PARAM_DELTA)
		set_param(dst, CK_PARAM_DELTA, src->delta);
}

/*
 * The call's own arguments, checked before any row is read: at a group's
 * first row and in the final function of a group that saw none, with the
 * checks the rows and the final function apply, in their order, so that
 * whether a call fails never depends on the rows (safe_count_args.c).
 */
static void
check_call_params(FunctionCallInfo args, int nargs, void *arg)
{
	if (!*(bool *) arg)
		viewstats_threshold(nargs > 1, nargs > 1 ? viewstats_threshold_arg(args, 2) : 0);
	else
	{
		double		epsilon = viewstats_epsilon_arg(args, 2);

		viewstats_check_dp_caps(epsilon, nargs > 2 ? viewstats_delta_arg(args, 3) : DP_DEFAULT_DELTA);
	}
}

/*
 * A transition function checks at each group's first row; a final
 * function once per plan node (flagged in its fn_extra), whatever the
 * group saw, so a failure to find the call fails with rows and without.
 */
static void
check_call(FunctionCallInfo fcinfo, bool dp, bool final)
{
	static const char *const count_names[] = {"suppressed_count", "min_group_size"};
	static const char *const dp_names[] = {"dp_count", "epsilon", "delta"};

	if (final && fcinfo->flinfo->fn_extra != NULL)
		return;
	viewstats_call_args(fcinfo, dp ? dp_names : count_names, check_call_params, &dp);
	if (final)
		fcinfo->flinfo->fn_extra = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, 1);
}

/*
 * Shared body of the transition functions.  threshold_arg, epsilon_arg and
 * delta_arg are argument numbers, or -1 when absent.
 */
static Datum
unit_transfn(FunctionCallInfo fcinfo, int threshold_arg, int epsilon_arg,
			 int delta_arg)
{
	MemoryContext aggcxt = agg_context(fcinfo, epsilon_arg < 0);
	CallSite   *site = call_site(fcinfo);
	UnitState  *st;

	if (PG_ARGISNULL(0) && (threshold_arg >= 0 || epsilon_arg >= 0))
		check_call(fcinfo, epsilon_arg >= 0, false);
	if (PG_ARGISNULL(0))
	{
		VsBoundGroup *bound = NULL;

		/* dp_count: a unit counts in a bounded number of groups */
		if (epsilon_arg >= 0)
			bound = viewstats_restricted_group(fcinfo, &site->bound, aggcxt);
		/* a bounded call keeps its units, to count those it keeps here */
		st = unit_state_new(aggcxt, called_distinct(fcinfo) && bound == NULL);
		st->reread = AggCheckCallContext(fcinfo, NULL) == AGG_CONTEXT_WINDOW;
		st->bound = bound;
	}
	else
		st = (UnitState *) PG_GETARG_POINTER(0);
	if (threshold_arg >= 0)
		set_param(&st->p, CK_PARAM_THRESHOLD,
				  viewstats_threshold_arg(fcinfo, threshold_arg));
	if (epsilon_arg >= 0)
		set_param(&st->p, CK_PARAM_EPSILON,
				  viewstats_epsilon_arg(fcinfo, epsilon_arg));
	if (delta_arg >= 0)
		set_param(&st->p, CK_PARAM_DELTA,
				  viewstats_delta_arg(fcinfo, delta_arg));
	if (!PG_ARGISNULL(1))
	{
		uint64		h = viewstats_unit_hash(site->hasher, PG_GETARG_DATUM(1));

		if (st->distinct)
			unit_state_add_distinct(st, h, fcinfo->flinfo->fn_oid);
		else if (unit_state_add(st, h) && st->bound != NULL)
			viewstats_restricted_offer(st->bound, h);
	}
	PG_RETURN_POINTER(st);
}

Datum
viewstats_unit_transfn(PG_FUNCTION_ARGS)
{
	return unit_transfn(fcinfo, -1, -1, -1);
}

Datum
viewstats_unit_threshold_transfn(PG_FUNCTION_ARGS)
{
	return unit_transfn(fcinfo, 2, -1, -1);
}

Datum
viewstats_unit_dp_transfn(PG_FUNCTION_ARGS)
{
	return unit_transfn(fcinfo, -1, 2, -1);
}

Datum
viewstats_unit_dp_delta_transfn(PG_FUNCTION_ARGS)
{
	return unit_transfn(fcinfo, -1, 2, 3);
}

Datum
viewstats_unit_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = agg_context(fcinfo, true);
	UnitState  *dst;
	UnitState  *src;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	src = (UnitState *) PG_GETARG_POINTER(1);

	/*
	 * A NULL left side: a new state in the aggregate context (src may be a
	 * deserialized state in per-tuple memory); src's sorted runs are copied
	 * as they are, never rebuilt into a hash table.
	 */
	dst = PG_ARGISNULL(0) ? unit_state_new(aggcxt, false) :
		(UnitState *) PG_GETARG_POINTER(0);
	merge_params(&dst->p, &src->p);
	unit_state_combine(dst, src);
	PG_RETURN_POINTER(dst);
}

Datum
viewstats_unit_serialize(PG_FUNCTION_ARGS)
{
	agg_context(fcinfo, true);
	PG_RETURN_BYTEA_P(unit_state_serialize((UnitState *) PG_GETARG_POINTER(0)));
}

/*
 * A short-lived state in the current (per-input-tuple) context, as
 * PostgreSQL's own deserializers do: it only points into the serialized
 * bytes, and the combine function copies what it keeps into the aggregate
 * context, so the finalize step does not keep every worker's state until
 * the end of the query.
 */
Datum
viewstats_unit_deserialize(PG_FUNCTION_ARGS)
{
	agg_context(fcinfo, true);
	PG_RETURN_POINTER(unit_state_deserialize(PG_GETARG_BYTEA_PP(0)));
}

/* ---- final functions: where a number is published, or not ---- */

static inline UnitState *
final_state(FunctionCallInfo fcinfo)
{
	agg_context(fcinfo, true);
	return PG_ARGISNULL(0) ? NULL : (UnitState *) PG_GETARG_POINTER(0);
}

/* The exact distinct count, or NULL below the threshold. */
Datum
viewstats_suppressed_count_final(PG_FUNCTION_ARGS)
{
	UnitState  *st = final_state(fcinfo);
	int32		t;
	uint64		n;

	check_call(fcinfo, false, true);
	if (st == NULL)
		PG_RETURN_NULL();
	t = viewstats_threshold((st->p.flags & CK_PARAM_THRESHOLD) != 0,
							st->p.threshold);
	n = unit_state_count(st);
	if (n < (uint64) t)
		PG_RETURN_NULL();
	PG_RETURN_INT64((int64) n);
}

/*
 * The cell key method: n plus the p-table's perturbation for
 * (min(n - threshold, D), cell key), or NULL below the threshold.  The
 * p-table never moves a count below the threshold.
 */
Datum
viewstats_perturbed_count_final(PG_FUNCTION_ARGS)
{
	UnitState  *st = final_state(fcinfo);
	int32		t = viewstats_min_group_size;
	const ck_ptable *pt;
	uint64		n;
	uint32		cell_key;

	/* a number that depends on the units' hashes needs stable ones */
	viewstats_unit_check_stable(fcinfo);
	if (st == NULL)
		PG_RETURN_NULL();
	/* settings are checked even when the count will be suppressed */
	pt = viewstats_ptable();
	n = unit_state_count(st);
	if (n < (uint64) t)
		PG_RETURN_NULL();
	cell_key = unit_state_cell_key(st,
								   viewstats_record_key(fcinfo->flinfo->fn_oid));
	PG_RETURN_INT64((int64) n + ck_ptable_lookup(pt, n - (uint64) t, cell_key));
}

static bool
strong_random(void *ctx, uint8_t *buf, size_t len)
{
	return pg_strong_random(buf, len);
}

/*
 * n plus exact discrete Laplace noise, released only when that noisy count
 * reaches both the partition selection threshold for (epsilon, delta) and
 * viewstats.min_group_size (post-processing: the guarantee is unchanged).
 */
Datum
viewstats_dp_count_final(PG_FUNCTION_ARGS)
{
	UnitState  *st;
	double		delta;
	ck_epsilon	e;
	int64		tau,
				noise,
				noisy;
	uint64		count;
	ck_rng		r;

	/* refused as a window function even for an empty frame */
	agg_context(fcinfo, false);
	/* no result before the restricted query's spend is written */
	vs_budget_settle();
	st = final_state(fcinfo);
	check_call(fcinfo, true, true);
	if (st == NULL)
		PG_RETURN_NULL();
	if (!(st->p.flags & CK_PARAM_EPSILON))
		elog(ERROR, "dp_count state without epsilon");
	delta = (st->p.flags & CK_PARAM_DELTA) ? st->p.delta : DP_DEFAULT_DELTA;
	viewstats_check_dp_caps(st->p.epsilon, delta);
	if (ck_epsilon_exact(st->p.epsilon, &e) != CK_OK ||
		ck_dp_threshold(st->p.epsilon, delta, &tau) != CK_OK)
		elog(ERROR, "dp_count parameters escaped validation");
	if (tau < viewstats_min_group_size)
		tau = viewstats_min_group_size;
	/*
	 * The units this group counts: in a restricted session, bounded; each
	 * of an in-memory group's pairs was offered once (bound.c).
	 */
	if (st->bound == NULL)
		count = unit_state_count(st);
	else
	{
		viewstats_restricted_flush(st->bound);
		if (unit_state_in_memory(st))
			count = unit_state_count(st) - st->bound->dropped;
		else
			count = unit_state_count_if(st, viewstats_restricted_counts, st->bound);
	}
	/* a group no unit is in is never released */
	if (count == 0)
		PG_RETURN_NULL();
	ck_rng_init(&r, strong_random, NULL);
	check_status(ck_dlap_sample(&r, &e, &noise));
	explicit_bzero(&r, sizeof(r));
	noisy = (int64) count + noise;
	if (noisy < tau)
		PG_RETURN_NULL();
	PG_RETURN_INT64(noisy);
}
