/*
 * rs_core.c
 *		Restricted mode's rule names and epsilon costs (see rs_core.h).
 */
#include "rs_core.h"

#include <math.h>
#include <string.h>

static const char *const rule_names[RS_NRULES] = {
	[RS_RULE_NOT_TOP_LEVEL] = "top-level-only",
	[RS_RULE_NOT_SELECT] = "select-only",
	[RS_RULE_PERSONAL_OUTPUT] = "personal-output",
	[RS_RULE_EXACT_AGGREGATE] = "exact-aggregate",
	[RS_RULE_UNIT_USE] = "unit-use",
	[RS_RULE_SAFE_COUNT_ARG] = "safe-count-argument",
	[RS_RULE_PARAMETER] = "constant-parameter",
	[RS_RULE_NO_SAFE_COUNT] = "safe-count-required",
	[RS_RULE_PERSONAL_JOIN] = "one-personal-source",
	[RS_RULE_SHAPE] = "query-shape",
	[RS_RULE_ROW_ORDER] = "per-unit-order",
	[RS_RULE_WINDOW] = "window",
	[RS_RULE_SET_RETURNING] = "set-returning",
	[RS_RULE_FUNCTION] = "leakproof-functions",
	[RS_RULE_VIEW] = "stored-query",
	[RS_RULE_CHANNEL] = "side-channel",
	[RS_RULE_LIFT] = "lift-restriction",
	[RS_RULE_SETUP] = "setup",
	[RS_RULE_TIMING] = "bounded-time",
};

const char *
rs_rule_name(rs_rule rule)
{
	if ((int) rule < 0 || rule >= RS_NRULES || rule_names[rule] == NULL)
		return "unknown";
	return rule_names[rule];
}

bool
rs_query_cost(double eps_single, double eps_bounded,
			  int max_groups_contributed, double *cost)
{
	if (!isfinite(eps_single) || !isfinite(eps_bounded) ||
		eps_single < 0 || eps_bounded < 0 || max_groups_contributed < 1)
		return false;
	*cost = eps_single + eps_bounded * (double) max_groups_contributed;
	return isfinite(*cost);
}

int
rs_prio_cmp(rs_prio a, rs_prio b)
{
	if (a.p != b.p)
		return a.p < b.p ? -1 : 1;
	if (a.g != b.g)
		return a.g < b.g ? -1 : 1;
	return 0;
}

rs_offer
rs_held_offer(rs_prio *held, uint32_t *n, uint32_t L, rs_prio x,
			  rs_prio *dropped)
{
	uint32_t	k = *n;
	uint32_t	i;
	int			c;
	rs_offer	r = RS_HELD_ADDED;

	if (L == 0)
		return RS_HELD_REJECTED;
	/* full and not below the largest held: x is not kept, or held already */
	if (k == L && (c = rs_prio_cmp(x, held[k - 1])) >= 0)
		return c == 0 ? RS_HELD_REPEAT : RS_HELD_REJECTED;
	/* where x goes, ascending; a repeat changes nothing */
	i = k;
	while (i > 0 && (c = rs_prio_cmp(x, held[i - 1])) <= 0)
	{
		if (c == 0)
			return RS_HELD_REPEAT;
		i--;
	}
	if (k == L)
	{
		*dropped = held[--k];	/* the largest drops out */
		r = RS_HELD_SWAPPED;
	}
	memmove(held + i + 1, held + i, (size_t) (k - i) * sizeof(rs_prio));
	held[i] = x;
	*n = k + 1;
	return r;
}

bool
rs_held_counts(const rs_prio *held, uint32_t n, rs_prio x)
{
	return n > 0 && rs_prio_cmp(x, held[n - 1]) <= 0;
}
