/*
 * bound.c
 *		Contribution bounding for dp_count in a restricted session: each unit
 *		counts in at most L groups of one dp_count call
 *		(viewstats.max_groups_contributed, BigQuery's max_groups_contributed),
 *		and the query pays epsilon times L for that call (validator.c, hooks.c).
 *
 * The transition function asks, for each unit of each row, whether the unit
 * may join the group at hand.  A unit keeps the first L groups it is seen
 * in; the planner makes such queries serial and sort-based (hooks.c), so a
 * unit's rows come in the order of the group keys and the groups kept are
 * chosen from that unit's own rows, as differential privacy needs.  Whatever
 * the order, no unit is ever counted in more than L groups: a unit refused
 * is never added, and a repeated row of a group it is in changes nothing.
 *
 * Per call site and execution: the map lives in the call's FmgrInfo memory.
 */
#include "restricted.h"

#include "privacy.h"

#include "utils/hsearch.h"

typedef struct BoundUnit
{
	uint64		unit;			/* hash key: the unit's 64-bit hash */
	int32		groups;			/* groups it was admitted to */
	int64		last_group;		/* the group it was last admitted to */
} BoundUnit;

typedef struct Bound
{
	HTAB	   *units;
	int64		group;			/* groups started so far */
	int			limit;			/* L at the start of the execution */
} Bound;

bool
viewstats_restricted_admit(FunctionCallInfo fcinfo, void **slot, bool new_group,
						   uint64 unit)
{
	Bound	   *b = *slot;
	BoundUnit  *e;
	bool		found;

	if (!vs_session_restricted())
		return true;
	if (b == NULL)
	{
		HASHCTL		ctl;
		MemoryContext cxt = fcinfo->flinfo->fn_mcxt;

		b = MemoryContextAllocZero(cxt, sizeof(Bound));
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(uint64);
		ctl.entrysize = sizeof(BoundUnit);
		ctl.hcxt = cxt;
		b->units = hash_create("viewstats contribution bound", 1024, &ctl,
							   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		b->limit = vs_max_groups_contributed;
		*slot = b;
	}
	if (new_group)
		b->group++;
	e = hash_search(b->units, &unit, HASH_ENTER, &found);
	if (!found)
	{
		e->groups = 1;
		e->last_group = b->group;
		return true;
	}
	if (e->last_group == b->group)
		return true;
	if (e->groups >= b->limit)
		return false;
	e->groups++;
	e->last_group = b->group;
	return true;
}
