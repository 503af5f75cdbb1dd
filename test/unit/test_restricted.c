/*
 * test_restricted.c
 *		Unit tests of restricted mode's pure core (rs_core.c): the rule
 *		names every refusal shows, and the epsilon a dp_count call costs.
 */
#include "unit_test.h"

#include <math.h>

#include "core/rs_core.h"

static void
test_rule_names(void)
{
	int			i,
				j;

	/* every rule has a name, and no two share one */
	for (i = 0; i < RS_NRULES; i++)
	{
		ut_set_context("rule %d", i);
		CHECK(strcmp(rs_rule_name((rs_rule) i), "unknown") != 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(rs_rule_name((rs_rule) i), rs_rule_name((rs_rule) j)) != 0);
	}
	/* the names the README and the regression tests use */
	CHECK_STR(rs_rule_name(RS_RULE_UNIT_USE), "unit-use");
	CHECK_STR(rs_rule_name(RS_RULE_SAFE_COUNT_ARG), "safe-count-argument");
	CHECK_STR(rs_rule_name(RS_RULE_NOT_TOP_LEVEL), "top-level-only");
	CHECK_STR(rs_rule_name(RS_NRULES), "unknown");
	CHECK_STR(rs_rule_name((rs_rule) -1), "unknown");
}

static void
test_query_cost(void)
{
	double		c = -1;

	CHECK(rs_query_cost(0.5, 0.0, 9, &c));
	CHECK(c == 0.5);
	CHECK(rs_query_cost(0.5, 0.25, 4, &c));
	CHECK(c == 1.5);
	CHECK(rs_query_cost(0.0, 0.0, 1, &c));
	CHECK(c == 0.0);
	c = -1;
	CHECK(!rs_query_cost(-0.5, 0.0, 1, &c));
	CHECK(!rs_query_cost(0.5, NAN, 1, &c));
	CHECK(!rs_query_cost(0.5, 0.5, 0, &c));
	CHECK(!rs_query_cost(INFINITY, 0.0, 1, &c));
	CHECK(c == -1);
}

int
main(void)
{
	UT_RUN(test_rule_names);
	UT_RUN(test_query_cost);
	return ut_finish();
}
