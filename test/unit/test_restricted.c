/*
 * test_restricted.c
 *		Unit tests of restricted mode's pure core (rs_core.c): the rule
 *		names every refusal shows, the epsilon a dp_count call costs, and
 *		contribution bounding's held sets against a sort-everything model.
 */
#include "unit_test.h"
#include "test_util.h"

#include <math.h>
#include <stdlib.h>

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

static int
prio_qsort_cmp(const void *a, const void *b)
{
	return rs_prio_cmp(*(const rs_prio *) a, *(const rs_prio *) b);
}

/* The naive model: sort the unit's distinct pairs, keep the first L. */
static uint32_t
model_held(const rs_prio *pairs, uint32_t n, uint32_t L, rs_prio *out)
{
	rs_prio    *s = malloc((n + 1) * sizeof(rs_prio));
	uint32_t	k = 0,
				i;

	memcpy(s, pairs, n * sizeof(rs_prio));
	qsort(s, n, sizeof(rs_prio), prio_qsort_cmp);
	for (i = 0; i < n && k < L; i++)
		if (k == 0 || rs_prio_cmp(s[i], out[k - 1]) != 0)
			out[k++] = s[i];
	free(s);
	return k;
}

static void
test_held_order(void)
{
	rs_prio		a = {1, 9, NULL},
				b = {2, 0, NULL},
				c = {1, 10, &a};

	/* by priority, then by group hash */
	CHECK(rs_prio_cmp(a, b) < 0);
	CHECK(rs_prio_cmp(b, a) > 0);
	CHECK(rs_prio_cmp(a, c) < 0);
	CHECK(rs_prio_cmp(a, a) == 0);
	/* the full 64 bits, unsigned */
	CHECK(rs_prio_cmp((rs_prio) {UINT64_MAX, 0, NULL}, (rs_prio) {0, UINT64_MAX, NULL}) > 0);
	/* the tag is the caller's: not compared */
	CHECK(rs_prio_cmp((rs_prio) {1, 9, &b}, a) == 0);
}

static void
test_held_random(void)
{
	rng			r = rng_for("held_random");
	int			t;

	for (t = 0; t < 3000; t++)
	{
		uint32_t	L = 1 + (uint32_t) rng_below(&r, t % 3 == 0 ? 12 : 3);
		uint32_t	ngroups = 1 + (uint32_t) rng_below(&r, 40);
		uint32_t	nrows = (uint32_t) rng_below(&r, 120);
		rs_prio    *groups = malloc(ngroups * sizeof(rs_prio));
		rs_prio    *offered = malloc((nrows + 1) * sizeof(rs_prio));
		rs_prio    *held = malloc(L * sizeof(rs_prio));
		rs_prio    *want = malloc(L * sizeof(rs_prio));
		uint32_t	n = 0,
					nw,
					i,
					counted = 0;

		ut_set_context("case %d, L %u, %u groups, %u rows", t, L, ngroups, nrows);
		/* few distinct priorities, so ties on p are broken by g */
		for (i = 0; i < ngroups; i++)
		{
			groups[i].p = rng_below(&r, t % 2 ? 8 : UINT64_MAX);
			groups[i].g = i * UINT64_C(0x9e3779b97f4a7c15);
			groups[i].tag = NULL;
		}
		/* rows of the unit: groups in any order, repeated */
		for (i = 0; i < nrows; i++)
		{
			rs_prio		dropped;

			offered[i] = groups[rng_below(&r, ngroups)];
			(void) rs_held_offer(held, &n, L, offered[i], &dropped);
			CHECK(n <= L);
		}
		nw = model_held(offered, nrows, L, want);
		CHECK(n == nw);
		for (i = 0; i < n && i < nw; i++)
			CHECK(rs_prio_cmp(held[i], want[i]) == 0);
		/* a pair counts exactly when the model keeps it */
		for (i = 0; i < nrows; i++)
		{
			bool		kept = false;
			uint32_t	j;

			for (j = 0; j < nw; j++)
				kept |= rs_prio_cmp(offered[i], want[j]) == 0;
			CHECK(rs_held_counts(held, n, offered[i]) == kept);
		}
		/* so each unit counts in at most L distinct groups */
		for (i = 0; i < ngroups; i++)
		{
			bool		seen = false;
			uint32_t	j;

			for (j = 0; j < nrows; j++)
				seen |= rs_prio_cmp(offered[j], groups[i]) == 0;
			if (seen && rs_held_counts(held, n, groups[i]))
				counted++;
		}
		CHECK(counted == nw);
		CHECK(counted <= L);

		/*
		 * Each distinct pair offered once, in a random order: a pair the
		 * model keeps is never reported dropped, every other pair exactly
		 * once (what the final function's per-group tally relies on).
		 */
		{
			uint32_t   *order = malloc(ngroups * sizeof(uint32_t));
			int		   *drops = calloc(ngroups, sizeof(int));
			rs_prio    *held2 = malloc(L * sizeof(rs_prio));
			uint32_t	n2 = 0,
						j;

			for (i = 0; i < ngroups; i++)
			{
				order[i] = i;
				groups[i].tag = &drops[i];
			}
			for (i = ngroups; i > 1; i--)
			{
				uint32_t	k = (uint32_t) rng_below(&r, i),
							tmp = order[i - 1];

				order[i - 1] = order[k];
				order[k] = tmp;
			}
			for (i = 0; i < ngroups; i++)
			{
				rs_prio		dropped;
				rs_offer	o;
				bool		dup = false;

				/* groups may share a priority and key: one pair then */
				for (j = 0; j < i; j++)
					dup |= rs_prio_cmp(groups[order[j]], groups[order[i]]) == 0;
				o = rs_held_offer(held2, &n2, L, groups[order[i]], &dropped);
				CHECK(dup == (o == RS_HELD_REPEAT));
				if (o == RS_HELD_REJECTED)
					(*(int *) groups[order[i]].tag)++;
				else if (o == RS_HELD_SWAPPED)
					(*(int *) dropped.tag)++;
			}
			nw = model_held(groups, ngroups, L, want);
			CHECK(n2 == nw);
			for (i = 0; i < ngroups; i++)
			{
				bool		kept = false,
							first = true;

				for (j = 0; j < nw; j++)
					kept |= rs_prio_cmp(groups[i], want[j]) == 0;
				for (j = 0; j < i; j++)
					first &= rs_prio_cmp(groups[j], groups[i]) != 0;
				if (first)
					CHECK(drops[i] == (kept ? 0 : 1));
			}
			free(order);
			free(drops);
			free(held2);
		}
		free(groups);
		free(offered);
		free(held);
		free(want);
	}
	/* nothing held: nothing counts; L = 0 holds nothing */
	{
		rs_prio		h[1];
		uint32_t	n = 0;

		rs_prio		d;

		CHECK(!rs_held_counts(h, 0, (rs_prio) {0, 0, NULL}));
		CHECK(rs_held_offer(h, &n, 0, (rs_prio) {0, 0, NULL}, &d) == RS_HELD_REJECTED);
		CHECK(n == 0);
	}
}

int
main(void)
{
	UT_RUN(test_rule_names);
	UT_RUN(test_query_cost);
	UT_RUN(test_held_order);
	UT_RUN(test_held_random);
	return ut_finish();
}
