/*
 * test_privacy_suppress.c
 *		Unit tests of primary and complementary suppression (ck_suppress.c):
 *		worked examples, a naive oracle on random rows, independence from
 *		the order of cells, and that no hidden cell can be recovered from
 *		the row total.
 */
#include "test_privacy.h"

#include <stdlib.h>

/* Run ck_suppress; the result as a bit string "0110" (1 = hidden). */
static const char *
suppress_bits(const int64_t *n, const int64_t *peer, int m, int64_t t)
{
	static char out[64];
	bool		hid[64];
	int			i;

	CHECK_CK(ck_suppress(n, peer, m, t, hid), CK_OK);
	for (i = 0; i < m; i++)
		out[i] = hid[i] ? '1' : '0';
	out[m] = '\0';
	return out;
}

static void
test_suppress_examples(void)
{
	static const int64_t zero[8] = {0};
	static const int64_t distinct[8] = {0, 1, 2, 3, 4, 5, 6, 7};

	/* one primary cell: the smallest other cell joins it, ties together */
	CHECK_STR(suppress_bits((int64_t[]) {5, 12, 12, 30}, zero, 4, 10), "1110");
	/* ... unless the window order tells the tied cells apart */
	CHECK_STR(suppress_bits((int64_t[]) {5, 12, 12, 30}, distinct, 4, 10), "1100");
	CHECK_STR(suppress_bits((int64_t[]) {30, 12, 5, 12}, distinct, 4, 10), "0110");
	/* two primary cells summing below the threshold: one more */
	CHECK_STR(suppress_bits((int64_t[]) {3, 4, 50}, zero, 3, 10), "111");
	CHECK_STR(suppress_bits((int64_t[]) {3, 4, 50, 60}, zero, 4, 10), "1110");
	/* two primary cells summing to the threshold: enough */
	CHECK_STR(suppress_bits((int64_t[]) {3, 7, 50}, zero, 3, 10), "110");
	/* zeros are never hidden and never chosen */
	CHECK_STR(suppress_bits((int64_t[]) {0, 5, 20, 0}, zero, 4, 10), "0110");
	CHECK_STR(suppress_bits((int64_t[]) {0, 0}, zero, 2, 10), "00");
	/* nothing below the threshold: nothing hidden */
	CHECK_STR(suppress_bits((int64_t[]) {15, 20, 10}, zero, 3, 10), "000");
	/* a lone small cell: hidden, nothing to pair it with */
	CHECK_STR(suppress_bits((int64_t[]) {5}, zero, 1, 10), "1");
	CHECK_STR(suppress_bits((int64_t[]) {5, 0}, zero, 2, 10), "10");
	/* threshold 1 hides nothing */
	CHECK_STR(suppress_bits((int64_t[]) {1, 2, 0}, zero, 3, 1), "000");
	/* huge counts: the hidden sum saturates instead of overflowing */
	CHECK_STR(suppress_bits((int64_t[]) {1, INT64_MAX, INT64_MAX}, zero, 3, 10), "111");
	/* empty row */
	{
		bool		none[1];

		CHECK_CK(ck_suppress(NULL, NULL, 0, 10, none), CK_OK);
	}
	/* negative counts are refused */
	{
		bool		hid[2];

		CHECK_CK(ck_suppress((int64_t[]) {4, -1}, zero, 2, 10, hid), CK_ERR_NEGATIVE);
	}
}

/*
 * The oracle: the definition applied literally, recomputing the hidden
 * count and sum from scratch at each step.
 */
static void
oracle_suppress(const int64_t *n, const int64_t *peer, int m, int64_t t,
				bool *hid)
{
	int			i;

	for (i = 0; i < m; i++)
		hid[i] = n[i] > 0 && n[i] < t;
	for (;;)
	{
		int			count = 0,
					best = -1;
		double		sum = 0;

		for (i = 0; i < m; i++)
			if (hid[i])
			{
				count++;
				sum += (double) n[i];
			}
		if (count == 0 || !(count == 1 || sum < (double) t))
			return;
		for (i = 0; i < m; i++)
			if (!hid[i] && n[i] > 0 &&
				(best < 0 || n[i] < n[best] ||
				 (n[i] == n[best] && peer[i] < peer[best])))
				best = i;
		if (best < 0)
			return;
		for (i = 0; i < m; i++)
			if (n[i] == n[best] && peer[i] == peer[best])
				hid[i] = true;
	}
}

static void
test_suppress_random(void)
{
	rng			r = rng_for("suppress_random");
	int			round;

	for (round = 0; round < 20000; round++)
	{
		int			m = (int) rng_range(&r, 1, 12);
		int64_t		t = rng_range(&r, 1, 15);
		int64_t		n[12],
					peer[12],
					pn[12],
					ppeer[12];
		bool		got[12],
					want[12],
					pgot[12];
		int			perm[12];
		int			i,
					hidden = 0;
		int64_t		hidden_sum = 0,
					positive_left = 0;
		bool		ordered = rng_chance(&r, 50);

		for (i = 0; i < m; i++)
		{
			n[i] = rng_chance(&r, 15) ? 0 : rng_range(&r, 1, 30);
			/* no ORDER BY: every row a peer; else a few peer groups */
			peer[i] = ordered ? rng_range(&r, 0, 3) : 0;
			perm[i] = i;
		}
		ut_set_context("round %d, m %d, t %lld", round, m, (long long) t);
		CHECK_CK(ck_suppress(n, peer, m, t, got), CK_OK);
		oracle_suppress(n, peer, m, t, want);
		for (i = 0; i < m; i++)
			CHECK_INT(got[i], want[i]);

		/* the same cells in another order: the same decision per cell */
		for (i = m - 1; i > 0; i--)
		{
			int			j = (int) rng_below(&r, (uint64_t) i + 1),
						tmp = perm[i];

			perm[i] = perm[j];
			perm[j] = tmp;
		}
		for (i = 0; i < m; i++)
		{
			pn[i] = n[perm[i]];
			ppeer[i] = peer[perm[i]];
		}
		CHECK_CK(ck_suppress(pn, ppeer, m, t, pgot), CK_OK);
		for (i = 0; i < m; i++)
			CHECK_INT(pgot[i], got[perm[i]]);

		/*
		 * Nothing below the threshold is published, and the row total minus
		 * the published cells never pins down a hidden cell: either nothing
		 * is hidden, or at least two cells summing to t or more are, or every
		 * non-zero cell is hidden (then the total itself is a hidden sum).
		 */
		for (i = 0; i < m; i++)
		{
			if (!got[i])
				CHECK(n[i] == 0 || n[i] >= t);
			if (got[i])
			{
				hidden++;
				hidden_sum += n[i];
			}
			else if (n[i] > 0)
				positive_left++;
		}
		CHECK(hidden == 0 || (hidden >= 2 && hidden_sum >= t) ||
			  positive_left == 0);
	}
}

void
run_privacy_suppress_tests(void)
{
	UT_RUN(test_suppress_examples);
	UT_RUN(test_suppress_random);
}
