/*
 * bound.c
 *		Contribution bounding for dp_count in a restricted session: each unit
 *		counts in at most L groups of one dp_count call
 *		(viewstats.max_groups_contributed, BigQuery's max_groups_contributed),
 *		and the query pays epsilon times L for that call (validator.c, hooks.c).
 *
 * Which L groups: those of smallest priority, a hash of the unit and of the
 * group key (rs_core.h), so the choice depends on the unit's own rows alone,
 * never on the order rows come in or on other units, as differential
 * privacy needs.  The transition function offers each (unit, group) pair of
 * a call to the call's table of units, which keeps each unit's L smallest
 * pairs; a group's final function counts the units whose pair for that
 * group was kept.  A group whose units stayed in memory offered each of its
 * pairs once, so it counts its units less the pairs reported dropped (each
 * once: rejected when offered, or pushed out later); a group whose units
 * went to disk may have offered a pair more than once, and looks each of
 * its units up instead.
 *
 * That is only right once every row has been offered, so the aggregation
 * must see all its input before it finishes any group: a plain aggregate,
 * or a hashed one that never spills.  hooks.c makes the planner choose one
 * (vs_bound_paths) and lifts the hash aggregate's spill limits
 * (vs_bound_prepare); a group's own units still spill to disk
 * (unit_state.c), so memory beyond work_mem is the hash table's entries
 * and the table of units (32 bytes a unit, plus 24 a pair past the first
 * when L > 1).
 *
 * Cost: one offer per (unit, group) pair, not per row; offers are batched
 * with their buckets prefetched, since the table of units outgrows the
 * caches and a miss per pair cost more than the rest of the bound.
 *
 * Per call site and execution: the table lives in the transition
 * function's FmgrInfo memory; each group's state points at it.
 */
#include "restricted.h"

#include "privacy.h"

#include "common/hashfn.h"
#include "executor/executor.h"
#include "executor/nodeAgg.h"
#include "nodes/execnodes.h"
#include "nodes/nodeFuncs.h"
#include "nodes/pathnodes.h"
#include "optimizer/pathnode.h"
#include "optimizer/tlist.h"
#include "utils/builtins.h"
#include "port/pg_bitutils.h"
#include "utils/typcache.h"

/* A unit and its smallest pairs so far: one inline, more past L = 1 */
/*
 * A unit and its smallest pairs so far, in 32 bytes: while it holds one
 * pair, the pair's priority and group inline (the group knows its key);
 * past that, an array of up to L.
 */
typedef struct BoundUnit
{
	uint64		unit;			/* the unit's 64-bit hash */
	union
	{
		struct
		{
			uint64		p;
			VsBoundGroup *group;
		}			one;		/* !array */
		rs_prio    *more;		/* array: room for more_room(n, L) */
	}			u;
	uint32		n;				/* pairs held */
	bool		array;
	char		status;			/* simplehash */
} BoundUnit;

StaticAssertDecl(sizeof(BoundUnit) <= 32, "a bound unit outgrew 32 bytes");

/* The room an array holding n pairs has, for a limit of L */
static inline uint32
more_room(uint32 n, uint32 L)
{
	return Min(L, Max(4, pg_nextpower2_32(Max(n, 1))));
}

static inline rs_prio
inline_pair(const BoundUnit *e)
{
	rs_prio		x;

	x.p = e->u.one.p;
	x.g = e->u.one.group->key;
	x.tag = e->u.one.group;
	return x;
}

#define SH_PREFIX		boundtab
#define SH_ELEMENT_TYPE BoundUnit
#define SH_KEY_TYPE		uint64
#define SH_KEY			unit
#define BOUND_HASH(key)	((uint32) ((key) ^ ((key) >> 32)))
#define SH_HASH_KEY(tb, key)	BOUND_HASH(key)
#define SH_EQUAL(tb, a, b)		((a) == (b))
#define SH_SCOPE		static inline
#define SH_DECLARE
#define SH_DEFINE
#include "lib/simplehash.h"

/*
 * Offers wait in a batch of this many, their buckets prefetched: the table
 * outgrows the caches, and a miss per pair would cost more than the rest of
 * the bound together.  The order offers are applied in changes nothing.
 */
#define BOUND_BATCH 32

typedef struct BoundOffer
{
	uint64		unit;
	VsBoundGroup *group;
} BoundOffer;

struct VsBound
{
	boundtab_hash *units;
	int			npending;
	BoundOffer	pending[BOUND_BATCH];
	MemoryContext cxt;
	uint32		limit;			/* L at the start of the execution */
	int			ncols;			/* the group key's columns */
	AttrNumber *cols;
	Oid		   *colls;
	FmgrInfo   *hashfns;		/* their types' extended hash functions */
};

/* ---- group keys ---- */

/*
 * The extended (64-bit) hash function of a group key column's type, or
 * InvalidOid if it has none.
 */
static Oid
key_hash_proc(Oid type)
{
	TypeCacheEntry *tc = lookup_type_cache(type, TYPECACHE_HASH_EXTENDED_PROC);

	return tc->hash_extended_proc;
}

/* The type of the aggregation's input column col (1-based). */
static Oid
input_type(AggState *as, AttrNumber col)
{
	TupleDesc	desc = ExecGetResultType(outerPlanState(as));

	return TupleDescAttr(desc, col - 1)->atttypid;
}

void
vs_bound_check_keys(AggState *as)
{
	Agg		   *agg = (Agg *) as->ss.ps.plan;
	int			i;

	for (i = 0; i < agg->numCols; i++)
	{
		Oid			type = input_type(as, agg->grpColIdx[i]);

		if (!OidIsValid(key_hash_proc(type)))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("dp_count cannot group by a value of type %s in a restricted session",
							format_type_be(type)),
					 errdetail("Contribution bounding hashes the group key, and the type has no extended hash function."),
					 errhint("Group by a cast of the value to a type that has one, such as text.")));
	}
}

static VsBound *
bound_new(FunctionCallInfo fcinfo, AggState *as)
{
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	VsBound    *b = MemoryContextAllocZero(cxt, sizeof(VsBound));
	Agg		   *agg = (Agg *) as->ss.ps.plan;
	int			i;

	b->cxt = cxt;
	b->units = boundtab_create(cxt, 1024, NULL);
	b->limit = (uint32) vs_max_groups_contributed;
	b->ncols = agg->numCols;
	b->cols = MemoryContextAlloc(cxt, sizeof(AttrNumber) * Max(b->ncols, 1));
	b->colls = MemoryContextAlloc(cxt, sizeof(Oid) * Max(b->ncols, 1));
	b->hashfns = MemoryContextAllocZero(cxt, sizeof(FmgrInfo) * Max(b->ncols, 1));
	for (i = 0; i < b->ncols; i++)
	{
		Oid			proc = key_hash_proc(input_type(as, agg->grpColIdx[i]));

		if (!OidIsValid(proc))	/* checked before the first row */
			elog(ERROR, "no extended hash function for a group key of dp_count");
		b->cols[i] = agg->grpColIdx[i];
		b->colls[i] = agg->grpCollations[i];
		fmgr_info_cxt(proc, &b->hashfns[i], cxt);
	}
	return b;
}

/* The 64-bit hash of the group key of the row being aggregated. */
static uint64
group_key(VsBound *b, AggState *as)
{
	TupleTableSlot *row = as->tmpcontext->ecxt_outertuple;
	uint64		gk = 0;
	int			i;

	for (i = 0; i < b->ncols; i++)
	{
		bool		isnull;
		Datum		d = slot_getattr(row, b->cols[i], &isnull);
		uint64		h;

		h = isnull ? UINT64CONST(0x6e756c6c6b657921) :	/* "nullkey!" */
			DatumGetUInt64(FunctionCall2Coll(&b->hashfns[i], b->colls[i], d,
											 UInt64GetDatum(0)));
		gk = i == 0 ? h : hash_combine64(gk, h);
	}
	return gk;
}

/*
 * The priority of (unit, group): PostgreSQL's int8 extended hash of the
 * unit's hash, seeded with the group key's, so that SQL can compute it too:
 * hashint8extended(unit hash, group key hash).
 */
static inline rs_prio
priority(uint64 unit, VsBoundGroup *g)
{
	uint32		lo = (uint32) unit;
	uint32		hi = (uint32) (unit >> 32);
	rs_prio		x;

	lo ^= ((int64) unit >= 0) ? hi : ~hi;
	x.p = hash_bytes_uint32_extended(lo, g->key);
	x.g = g->key;
	x.tag = g;
	return x;
}

/* A pair that is not (or no longer) held: its group counts one unit less. */
static inline void
tally(VsBoundGroup *g, rs_offer o, rs_prio dropped)
{
	if (o == RS_HELD_REJECTED)
		g->dropped++;
	else if (o == RS_HELD_SWAPPED)
		((VsBoundGroup *) dropped.tag)->dropped++;
}

/* ---- the aggregate's side ---- */

VsBoundGroup *
viewstats_restricted_group(FunctionCallInfo fcinfo, void **slot,
						   MemoryContext aggcxt)
{
	AggState   *as;
	VsBound    *b = *slot;
	VsBoundGroup *g;

	if (!vs_session_restricted())
		return NULL;
	as = (AggState *) fcinfo->context;
	if (as == NULL || !IsA(as, AggState))
		elog(ERROR, "dp_count's contribution bound needs an aggregate node");
	if (b == NULL)
		*slot = b = bound_new(fcinfo, as);
	g = MemoryContextAlloc(aggcxt, sizeof(VsBoundGroup));
	g->bound = b;
	g->key = group_key(b, as);
	g->dropped = 0;
	return g;
}

static void
offer_now(VsBoundGroup *g, uint64 unit)
{
	VsBound    *b = g->bound;
	BoundUnit  *e;
	bool		found;
	rs_prio		x = priority(unit, g);
	rs_prio		dropped;

	e = boundtab_insert(b->units, unit, &found);
	if (!found)
	{
		e->n = 1;
		e->array = false;
		e->u.one.p = x.p;
		e->u.one.group = g;
		return;
	}
	if (!e->array)
	{
		rs_prio		one = inline_pair(e);

		if (b->limit == 1 || rs_prio_cmp(x, one) == 0)
		{
			rs_offer	o = rs_held_offer(&one, &e->n, 1, x, &dropped);

			e->u.one.p = one.p;
			e->u.one.group = one.tag;
			tally(g, o, dropped);
			return;
		}
		/* past L = 1 the pairs move to an array, grown as needed up to L */
		e->array = true;
		e->u.more = MemoryContextAlloc(b->cxt, sizeof(rs_prio) * more_room(1, b->limit));
		e->u.more[0] = one;
	}
	else if (e->n < b->limit && e->n == more_room(e->n, b->limit))
		e->u.more = repalloc(e->u.more, sizeof(rs_prio) * more_room(e->n + 1, b->limit));
	tally(g, rs_held_offer(e->u.more, &e->n, b->limit, x, &dropped), dropped);
}

void
viewstats_restricted_flush(VsBoundGroup *g)
{
	VsBound    *b = g->bound;
	int			i;

	for (i = 0; i < b->npending; i++)
		offer_now(b->pending[i].group, b->pending[i].unit);
	b->npending = 0;
}

void
viewstats_restricted_offer(VsBoundGroup *g, uint64 unit)
{
	VsBound    *b = g->bound;
	boundtab_hash *tb = b->units;

#if defined(__GNUC__) || defined(__clang__)
	__builtin_prefetch(&tb->data[BOUND_HASH(unit) & tb->sizemask], 1);
#endif
	b->pending[b->npending].unit = unit;
	b->pending[b->npending].group = g;
	if (++b->npending == BOUND_BATCH)
		viewstats_restricted_flush(g);
}

bool
viewstats_restricted_counts(void *arg, uint64 unit)
{
	VsBoundGroup *g = arg;
	BoundUnit  *e = boundtab_lookup(g->bound->units, unit);
	rs_prio		one;

	if (e == NULL)				/* every unit of a group was offered */
		elog(ERROR, "dp_count's contribution bound lost a unit");
	if (e->array)
		return rs_held_counts(e->u.more, e->n, priority(unit, g));
	one = inline_pair(e);
	return rs_held_counts(&one, e->n, priority(unit, g));
}

/* ---- the planner's and the executor's side ---- */

/* Does expression node hold a dp_count of its own query level? */
static bool
has_dp_count_walker(Node *node, void *cx)
{
	if (node == NULL)
		return false;
	if (IsA(node, Aggref))
	{
		Aggref	   *a = (Aggref *) node;

		if (a->agglevelsup == 0 && vs_func_is_dp_count(a->aggfnoid))
			return true;
	}
	if (IsA(node, Query))
		return false;			/* another level */
	return expression_tree_walker(node, has_dp_count_walker, cx);
}

/*
 * The grouping paths of a query level with dp_count, in a restricted
 * session: only aggregations that read all their input before they finish
 * a group (plain, or hashed) in one piece (no partial or partitionwise
 * steps, whose separate transition functions would each bound units on
 * their own).  add_path may have dropped the hashed path for a cheaper
 * sorted one (presorted input, an index): it is then built here, as the
 * planner builds it.
 */
void
vs_bound_paths(PlannerInfo *root, RelOptInfo *grouped, RelOptInfo *input,
			   void *extra)
{
	GroupPathExtraData *ex = extra;
	List	   *keep = NIL;
	List	   *group_clause;
	ListCell   *lc;
	AggClauseCosts costs;
	double		ngroups;

	if (IS_OTHER_REL(grouped) || grouped->pathlist == NIL ||
		(!has_dp_count_walker((Node *) root->parse->targetList, NULL) &&
		 !has_dp_count_walker(root->parse->havingQual, NULL)))
		return;
	foreach(lc, grouped->pathlist)
	{
		Path	   *p = lfirst(lc);

		if (IsA(p, AggPath) && ((AggPath *) p)->aggsplit == AGGSPLIT_SIMPLE &&
			(((AggPath *) p)->aggstrategy == AGG_HASHED ||
			 ((AggPath *) p)->aggstrategy == AGG_PLAIN))
			keep = lappend(keep, p);
	}
	grouped->partial_pathlist = NIL;
	if (keep != NIL)
	{
		grouped->pathlist = keep;
		return;
	}
#if PG_VERSION_NUM >= 160000
	group_clause = root->processed_groupClause;
#else
	group_clause = root->parse->groupClause;
#endif
	if (group_clause == NIL || root->parse->groupingSets != NIL ||
		!grouping_is_hashable(group_clause))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("dp_count in a restricted session needs GROUP BY keys that can be hashed"),
				 errdetail("Contribution bounding reads every row before it publishes a group, which a sorted aggregation does not."),
				 errhint("Group by values of a type with a hash operator class, such as text or integer.")));
	ngroups = ((Path *) linitial(grouped->pathlist))->rows;
	MemSet(&costs, 0, sizeof(costs));
	grouped->pathlist = list_make1(create_agg_path(root, grouped,
												   input->cheapest_total_path,
												   grouped->reltarget,
												   AGG_HASHED, AGGSPLIT_SIMPLE,
												   group_clause,
												   (List *) ex->havingQual,
												   &costs, ngroups));
}

static bool
agg_has_dp_count(AggState *as)
{
	int			i;

	for (i = 0; i < as->numaggs; i++)
		if (vs_func_is_dp_count(as->peragg[i].aggref->aggfnoid))
			return true;
	return false;
}

static bool
prepare_walker(PlanState *ps, void *cx)
{
	if (ps == NULL)
		return false;
	if (IsA(ps, AggState) && agg_has_dp_count((AggState *) ps))
	{
		AggState   *as = (AggState *) ps;

		if (as->aggstrategy != AGG_HASHED && as->aggstrategy != AGG_PLAIN)
			elog(ERROR, "restricted dp_count in a sorted aggregation");
		vs_bound_check_keys(as);
		/* every group stays in memory until all rows are in (see above) */
		as->hash_mem_limit = SIZE_MAX;
		as->hash_ngroups_limit = PG_UINT64_MAX;
	}
	return planstate_tree_walker(ps, prepare_walker, cx);
}

void
vs_bound_prepare(PlanState *ps)
{
	(void) prepare_walker(ps, NULL);
}
