/*
 * unit_support.c
 *		The planner support function of the safe counts' serialization
 *		function: it keeps parallel and partitionwise plans from building
 *		partial states that could not be serialized.
 *
 * A partial state (a parallel worker's, or one partition's) travels as one
 * bytea of 8 bytes per unit it saw, and a bytea cannot pass 1 GB.  Whatever
 * the group size, a partial state holds at most as many units as the
 * aggregate has input rows, so when the planner estimates more than
 * PARTIAL_ROWS_MAX input rows (2^25: a partial state of at most 256 MB), the
 * serialization function costs so much that partial aggregation is never
 * chosen; the aggregate then runs whole in one process, spilling to disk as
 * it needs to, like count(DISTINCT).  Below that, partial aggregation is
 * planned as before.  The estimate is the planner's: see README,
 * "Distinct units, hashing and memory", for what a gross underestimate does.
 *
 * The planner asks for the cost of the serialization function only when it
 * considers partial aggregation, and asking loads this library, so the
 * answer is in place from a session's first query.
 */
#include "privacy.h"

#include "nodes/pathnodes.h"
#include "nodes/supportnodes.h"
#include "optimizer/pathnode.h"

PG_FUNCTION_INFO_V1(viewstats_unit_serialize_support);

#define PARTIAL_ROWS_MAX	((double) (1 << 25))

/* a cost no partial plan can win with, as the planner's disable_cost */
#define PARTIAL_REFUSED_COST	1.0e10

/* The planner's estimate of the rows the query's aggregates read. */
static double
input_rows(PlannerInfo *root)
{
#if PG_VERSION_NUM >= 160000
	Relids		all = root->all_query_rels;
#else
	Relids		all = root->all_baserels;
#endif
	RelOptInfo *rel;
	int			relid;

	if (bms_get_singleton_member(root->all_baserels, &relid))
		rel = find_base_rel(root, relid);
	else
		rel = find_join_rel(root, all);
	/* no estimate: assume the worst */
	return rel != NULL ? rel->rows : PARTIAL_ROWS_MAX + 1;
}

Datum
viewstats_unit_serialize_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestCost *req;

	if (!IsA(rawreq, SupportRequestCost))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestCost *) rawreq;
	if (req->root == NULL || input_rows(req->root) <= PARTIAL_ROWS_MAX)
		PG_RETURN_POINTER(NULL);
	req->startup = 0;
	req->per_tuple = PARTIAL_REFUSED_COST;
	PG_RETURN_POINTER(req);
}
