/*
 * test_privacy_suppress.c
 *		Unit tests of primary and complementary suppression (ck_suppress.c):
 *		worked examples, a naive oracle on random rows with cells of
 *		unknown count (NULL inputs), independence from the order of cells,
 *		and that no hidden cell can be recovered from the row total.
 */
#include "test_privacy.h"

#include <stdlib.h>

/* Run ck_suppress; the result as a bit string "0110" (1 = hidden). */
static const char *
suppress_bits(const int64_t *n, const bool *unknown, int m, int64_t t)
{
	static char out[64];
	bool		hid[64];
	int			i;

	CHECK_CK(ck_suppress(n, unknown, m, t, hid), CK_OK);
	for (i = 0; i < m; i++)
		out[i] = hid[i] ? '1' : '0';
	out[m] = '\0';
	return out;
}

static void
test_suppress_examples(void)
{
	static const bool *known = NULL;

	/* one primary cell: the smallest other cell joins it, ties together */
	CHECK_STR(suppress_bits((int64_t[]) {5, 12, 12, 30}, known, 4, 10), "1110");
	CHECK_STR(suppress_bits((int64_t[]) {30, 12, 5, 12}, known, 4, 10), "0111");
	/* two primary cells summing below the threshold: one more */
	CHECK_STR(suppress_bits((int64_t[]) {3, 4, 50}, known, 3, 10), "111");
	CHECK_STR(suppress_bits((int64_t[]) {3, 4, 50, 60}, known, 4, 10), "1110");
	/* two primary cells summing to the threshold: enough */
	CHECK_STR(suppress_bits((int64_t[]) {3, 7, 50}, known, 3, 10), "110");
	/* zeros are never hidden and never chosen */
	CHECK_STR(suppress_bits((int64_t[]) {0, 5, 20, 0}, known, 4, 10), "0110");
	CHECK_STR(suppress_bits((int64_t[]) {0, 0}, known, 2, 10), "00");
	/* nothing below the threshold: nothing hidden */
	CHECK_STR(suppress_bits((int64_t[]) {15, 20, 10}, known, 3, 10), "000");
	/* a lone small cell: hidden, nothing to pair it with */
	CHECK_STR(suppress_bits((int64_t[]) {5}, known, 1, 10), "1");
	CHECK_STR(suppress_bits((int64_t[]) {5, 0}, known, 2, 10), "10");
	/* threshold 1 hides nothing */
	CHECK_STR(suppress_bits((int64_t[]) {1, 2, 0}, known, 3, 1), "000");
	/* huge counts: the hidden sum saturates instead of overflowing */
	CHECK_STR(suppress_bits((int64_t[]) {1, INT64_MAX, INT64_MAX}, known, 3, 10), "111");

	/*
	 * A cell of unknown count is hidden and needs a complement; it adds
	 * nothing to the hidden sum, and its n is not read (not even a sign).
	 */
	CHECK_STR(suppress_bits((int64_t[]) {-7, 16, 20}, (bool[]) {1, 0, 0}, 3, 10), "110");
	CHECK_STR(suppress_bits((int64_t[]) {0, 40, 12, 4}, (bool[]) {1, 0, 0, 0}, 4, 10), "1011");
	CHECK_STR(suppress_bits((int64_t[]) {0, 0, 30}, (bool[]) {1, 1, 0}, 3, 10), "111");
	CHECK_STR(suppress_bits((int64_t[]) {0, 3, 30}, (bool[]) {1, 0, 0}, 3, 10), "111");
	CHECK_STR(suppress_bits((int64_t[]) {0, 12, 30}, (bool[]) {1, 0, 0}, 3, 10), "110");
	CHECK_STR(suppress_bits((int64_t[]) {0}, (bool[]) {1}, 1, 10), "1");
	CHECK_STR(suppress_bits((int64_t[]) {0, 0}, (bool[]) {1, 0}, 2, 10), "10");
	/* empty row */
	{
		bool		none[1];

		CHECK_CK(ck_suppress(NULL, NULL, 0, 10, none), CK_OK);
	}
	/* negative counts are refused */
	{
		bool		hid[2];

		CHECK_CK(ck_suppress((int64_t[]) {4, -1}, known, 2, 10, hid), CK_ERR_NEGATIVE);
	}
}

/*
 * The oracle: the definition applied literally, recomputing the hidden
 * count and sum from scratch at each step.
 */
static void
oracle_suppress(const int64_t *n, const bool *unknown, int m, int64_t t,
				bool *hid)
{
	int			i;

	for (i = 0; i < m; i++)
		hid[i] = unknown[i] || (n[i] > 0 && n[i] < t);
	for (;;)
	{
		int			count = 0,
					best = -1;
		double		sum = 0;

		for (i = 0; i < m; i++)
			if (hid[i])
			{
				count++;
				sum += unknown[i] ? 0 : (double) n[i];
			}
		if (count == 0 || !(count == 1 || sum < (double) t))
			return;
		for (i = 0; i < m; i++)
			if (!hid[i] && n[i] > 0 && (best < 0 || n[i] < n[best]))
				best = i;
		if (best < 0)
			return;
		for (i = 0; i < m; i++)
			if (!unknown[i] && n[i] == n[best])
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
					pn[12];
		bool		unknown[12],
					punknown[12],
					got[12],
					want[12],
					pgot[12];
		int			perm[12];
		int			i,
					k,
					hidden = 0;
		int64_t		hidden_sum = 0,
					positive_left = 0;

		for (i = 0; i < m; i++)
		{
			unknown[i] = rng_chance(&r, 10);
			/* an unknown cell's n is never read: make it anything */
			n[i] = unknown[i] ? rng_range(&r, -5, 30) :
				rng_chance(&r, 15) ? 0 : rng_range(&r, 1, 30);
			perm[i] = i;
		}
		ut_set_context("round %d, m %d, t %lld", round, m, (long long) t);
		CHECK_CK(ck_suppress(n, unknown, m, t, got), CK_OK);
		oracle_suppress(n, unknown, m, t, want);
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
			punknown[i] = unknown[perm[i]];
		}
		CHECK_CK(ck_suppress(pn, punknown, m, t, pgot), CK_OK);
		for (i = 0; i < m; i++)
			CHECK_INT(pgot[i], got[perm[i]]);

		/*
		 * Nothing below the threshold is published, unknown cells stay
		 * hidden, equal cells go together, and the row total minus the
		 * published cells never pins down a hidden cell: either nothing is
		 * hidden, or at least two cells are, the known ones summing to t or
		 * more, or every non-zero known cell is hidden.
		 */
		for (i = 0; i < m; i++)
		{
			if (unknown[i])
				CHECK(got[i]);
			else if (!got[i])
				CHECK(n[i] == 0 || n[i] >= t);
			if (got[i])
			{
				hidden++;
				hidden_sum += unknown[i] ? 0 : n[i];
			}
			else if (n[i] > 0)
				positive_left++;
			for (k = 0; k < m; k++)
				if (!unknown[i] && !unknown[k] && n[i] == n[k])
					CHECK_INT(got[i], got[k]);
		}
		CHECK(hidden == 0 || (hidden >= 2 && hidden_sum >= t) ||
			  positive_left == 0);
		if (ut_test_failing())
			return;
	}
}

void
run_privacy_suppress_tests(void)
{
	UT_RUN(test_suppress_examples);
	UT_RUN(test_suppress_random);
}
