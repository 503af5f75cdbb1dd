/*
 * rs_core.c
 *		Restricted mode's rule names and epsilon costs (see rs_core.h).
 */
#include "rs_core.h"

#include <math.h>

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
