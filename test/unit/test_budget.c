/*
 * test_budget.c
 *		Unit tests of the privacy budget ledger's core (pb_ledger.c): decimal
 *		parsing and rounding, float8 conversion by shortest round-trip
 *		decimal, the spend decision, and random spend sequences checked
 *		against exact integer bookkeeping of the decimals the amounts were
 *		written as.
 */
#include "test_util.h"

#include "core/pb_ledger.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *
pb_status_name(pb_status s)
{
	switch (s)
	{
		case PB_OK:
			return "PB_OK";
		case PB_ERR_NOT_FINITE:
			return "PB_ERR_NOT_FINITE";
		case PB_ERR_NEGATIVE:
			return "PB_ERR_NEGATIVE";
		case PB_ERR_ZERO:
			return "PB_ERR_ZERO";
		case PB_ERR_RANGE:
			return "PB_ERR_RANGE";
		case PB_ERR_SYNTAX:
			return "PB_ERR_SYNTAX";
		case PB_INSUFFICIENT:
			return "PB_INSUFFICIENT";
	}
	return "(unknown pb_status)";
}

#define CHECK_PB(got, want) \
	do { \
		pb_status ut_g_ = (got); \
		pb_status ut_w_ = (want); \
		ut_checks++; \
		if (ut_g_ != ut_w_) \
			ut_fail(__FILE__, __LINE__, "%s: got %s, want %s", #got, \
					pb_status_name(ut_g_), pb_status_name(ut_w_)); \
	} while (0)

/* pb_parse must succeed with exactly want units */
#define CHECK_PARSE(s, r, want) \
	do { \
		pb_units u_; \
		CHECK_PB(pb_parse((s), (r), &u_), PB_OK); \
		CHECK_INT(u_, (want)); \
	} while (0)

#define CHECK_DOUBLE(x, r, want) \
	do { \
		pb_units u_; \
		CHECK_PB(pb_from_double((x), (r), &u_), PB_OK); \
		CHECK_INT(u_, (want)); \
	} while (0)

#define E12 INT64_C(1000000000000)
/* the smallest subnormal (C11 calls it DBL_TRUE_MIN; this is C99) */
#define TRUE_MIN 4.9406564584124654e-324

static void
test_parse_examples(void)
{
	pb_units	u;

	CHECK_PARSE("0.1", PB_ROUND_UP, E12 / 10);
	CHECK_PARSE("0.1", PB_ROUND_DOWN, E12 / 10);
	CHECK_PARSE("+3", PB_ROUND_DOWN, 3 * E12);
	CHECK_PARSE("10.000000000000", PB_ROUND_DOWN, 10 * E12);
	CHECK_PARSE("1e-6", PB_ROUND_UP, 1000000);
	CHECK_PARSE("1E+2", PB_ROUND_UP, 100 * E12);
	CHECK_PARSE(".5", PB_ROUND_UP, E12 / 2);
	CHECK_PARSE("5.", PB_ROUND_UP, 5 * E12);
	CHECK_PARSE("000000000000000000000000000001", PB_ROUND_UP, E12);
	/* below the unit: rounded as asked */
	CHECK_PARSE("1e-13", PB_ROUND_UP, 1);
	CHECK_PARSE("1e-13", PB_ROUND_DOWN, 0);
	CHECK_PARSE("0.0000000000015", PB_ROUND_UP, 2);
	CHECK_PARSE("0.0000000000015", PB_ROUND_DOWN, 1);
	CHECK_PARSE("1e-99999999999", PB_ROUND_UP, 1);
	CHECK_PARSE("1e-99999999999", PB_ROUND_DOWN, 0);
	/* digits beyond the mantissa still count when rounding up */
	CHECK_PARSE("0.1000000000000000000000000000000001", PB_ROUND_UP, E12 / 10 + 1);
	CHECK_PARSE("0.1000000000000000000000000000000001", PB_ROUND_DOWN, E12 / 10);
	CHECK_PARSE("0.1000000000000000000000000000000000", PB_ROUND_UP, E12 / 10);
	/* zeros, signed or not */
	CHECK_PARSE("0", PB_ROUND_UP, 0);
	CHECK_PARSE("-0.000", PB_ROUND_UP, 0);
	CHECK_PARSE("0e999999999", PB_ROUND_UP, 0);
	/* the largest amount, and just above it */
	CHECK_PARSE("1000000", PB_ROUND_DOWN, INT64_C(1000000) * E12);
	CHECK_PARSE("1e6", PB_ROUND_DOWN, PB_MAX_UNITS);
	CHECK_PB(pb_parse("1000000.000000000001", PB_ROUND_DOWN, &u), PB_ERR_RANGE);
	CHECK_PB(pb_parse("1000000.0000000000001", PB_ROUND_UP, &u), PB_ERR_RANGE);
	CHECK_PARSE("1000000.0000000000001", PB_ROUND_DOWN, PB_MAX_UNITS);
	CHECK_PB(pb_parse("1e7", PB_ROUND_DOWN, &u), PB_ERR_RANGE);
	CHECK_PB(pb_parse("1e99999999999", PB_ROUND_DOWN, &u), PB_ERR_RANGE);
	CHECK_PB(pb_parse("123456789012345678901234567890", PB_ROUND_DOWN, &u), PB_ERR_RANGE);
	/* refused */
	CHECK_PB(pb_parse("-1", PB_ROUND_DOWN, &u), PB_ERR_NEGATIVE);
	CHECK_PB(pb_parse("-1e-30", PB_ROUND_DOWN, &u), PB_ERR_NEGATIVE);
	CHECK_PB(pb_parse("", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse(".", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse("1e", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse("1e+", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse("1.2.3", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse("1 ", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse(" 1", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse("NaN", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse("Infinity", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse("0x10", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
	CHECK_PB(pb_parse("1,5", PB_ROUND_DOWN, &u), PB_ERR_SYNTAX);
}

static void
test_double_examples(void)
{
	pb_units	u;

	/* the shortest decimal: 0.1 is 0.1, whatever its float8 holds */
	CHECK_DOUBLE(0.1, PB_ROUND_UP, E12 / 10);
	CHECK_DOUBLE(0.1, PB_ROUND_DOWN, E12 / 10);
	CHECK_DOUBLE(0.3, PB_ROUND_UP, 3 * E12 / 10);
	CHECK_DOUBLE(0.3, PB_ROUND_DOWN, 3 * E12 / 10);
	CHECK_DOUBLE(1e-6, PB_ROUND_UP, 1000000);
	CHECK_DOUBLE(10.0, PB_ROUND_DOWN, 10 * E12);
	CHECK_DOUBLE(0.125, PB_ROUND_DOWN, E12 / 8);
	CHECK_DOUBLE(123456.789, PB_ROUND_DOWN, INT64_C(123456789) * 1000000000);
	/* more than 12 decimals: up for spends, down for budgets */
	CHECK_DOUBLE(1.0 / 3, PB_ROUND_UP, INT64_C(333333333334));
	CHECK_DOUBLE(1.0 / 3, PB_ROUND_DOWN, INT64_C(333333333333));
	CHECK_DOUBLE(2.0 / 3, PB_ROUND_UP, INT64_C(666666666667));
	CHECK_DOUBLE(TRUE_MIN, PB_ROUND_UP, 1);
	CHECK_DOUBLE(TRUE_MIN, PB_ROUND_DOWN, 0);
	CHECK_DOUBLE(-0.0, PB_ROUND_UP, 0);
	CHECK_DOUBLE(1e6, PB_ROUND_DOWN, PB_MAX_UNITS);
	CHECK_PB(pb_from_double(nextafter(1e6, INFINITY), PB_ROUND_DOWN, &u), PB_ERR_RANGE);
	CHECK_PB(pb_from_double(DBL_MAX, PB_ROUND_DOWN, &u), PB_ERR_RANGE);
	CHECK_PB(pb_from_double(NAN, PB_ROUND_DOWN, &u), PB_ERR_NOT_FINITE);
	CHECK_PB(pb_from_double(INFINITY, PB_ROUND_DOWN, &u), PB_ERR_NOT_FINITE);
	CHECK_PB(pb_from_double(-INFINITY, PB_ROUND_DOWN, &u), PB_ERR_NOT_FINITE);
	CHECK_PB(pb_from_double(-1.0, PB_ROUND_DOWN, &u), PB_ERR_NEGATIVE);
	CHECK_PB(pb_from_double(-TRUE_MIN, PB_ROUND_UP, &u), PB_ERR_NEGATIVE);

	/* spends are positive; budgets may be 0 */
	CHECK_PB(pb_spend_amount(0.0, &u), PB_ERR_ZERO);
	CHECK_PB(pb_spend_amount(-0.0, &u), PB_ERR_ZERO);
	CHECK_PB(pb_spend_amount(1e-300, &u), PB_OK);
	CHECK_INT(u, 1);
	CHECK_PB(pb_budget_amount(0.0, &u), PB_OK);
	CHECK_INT(u, 0);
	CHECK_PB(pb_budget_amount(1e-300, &u), PB_OK);
	CHECK_INT(u, 0);
	CHECK_PB(pb_spend_amount(NAN, &u), PB_ERR_NOT_FINITE);
	CHECK_PB(pb_budget_amount(-2.5, &u), PB_ERR_NEGATIVE);

	/* and back */
	CHECK(pb_to_double(E12 / 10) == 0.1);
	CHECK(pb_to_double(0) == 0.0);
	CHECK(pb_to_double(PB_MAX_UNITS) == 1e6);
	CHECK(pb_to_double(1) == 1e-12);
	CHECK(pb_to_double(INT64_C(333333333333)) == 0.333333333333);
	{
		char		buf[PB_FORMAT_LEN];

		pb_format(E12 / 10, buf);
		CHECK_STR(buf, "0.100000000000");
		pb_format(PB_MAX_UNITS, buf);
		CHECK_STR(buf, "1000000.000000000000");
		pb_format(1, buf);
		CHECK_STR(buf, "0.000000000001");
	}
}

static void
test_spend_decision(void)
{
	pb_units	s;

	/* exact fit, then nothing left */
	CHECK_PB(pb_spend(E12, 0, E12, &s), PB_OK);
	CHECK_INT(s, E12);
	CHECK_PB(pb_spend(E12, E12, 1, &s), PB_INSUFFICIENT);
	CHECK_INT(s, E12);
	/* insufficient: nothing spent, not even the part that would fit */
	CHECK_PB(pb_spend(E12, E12 / 2, E12, &s), PB_INSUFFICIENT);
	CHECK_INT(s, E12 / 2);
	/* a budget lowered below what was spent leaves nothing */
	CHECK_INT(pb_remaining(E12, 3 * E12), 0);
	CHECK_PB(pb_spend(E12, 3 * E12, 1, &s), PB_INSUFFICIENT);
	CHECK_INT(s, 3 * E12);
	/* no budget, nothing to spend */
	CHECK_PB(pb_spend(0, 0, 1, &s), PB_INSUFFICIENT);
	/* refused inputs spend nothing */
	CHECK_PB(pb_spend(E12, 0, 0, &s), PB_ERR_ZERO);
	CHECK_INT(s, 0);
	CHECK_PB(pb_spend(E12, 0, -1, &s), PB_ERR_RANGE);
	CHECK_PB(pb_spend(-1, 0, 1, &s), PB_ERR_RANGE);
	CHECK_PB(pb_spend(E12, -1, 1, &s), PB_ERR_RANGE);
	CHECK_PB(pb_spend(PB_MAX_UNITS + 1, 0, 1, &s), PB_ERR_RANGE);
	CHECK_PB(pb_spend(PB_MAX_UNITS, PB_MAX_UNITS - 1, 1, &s), PB_OK);
	CHECK_INT(s, PB_MAX_UNITS);
}

/*
 * The float8 trap the fixed point avoids: 0.1 three times against 0.3, and
 * 0.1 a hundred times against 10, in float8 and in the ledger.
 */
static void
test_no_drift(void)
{
	pb_units	budget,
				amount,
				spent = 0;
	double		fsum = 0;
	int			i;

	CHECK_PB(pb_budget_amount(0.3, &budget), PB_OK);
	CHECK_PB(pb_spend_amount(0.1, &amount), PB_OK);
	for (i = 0; i < 3; i++)
	{
		CHECK_PB(pb_spend(budget, spent, amount, &spent), PB_OK);
		fsum += 0.1;
	}
	CHECK(fsum > 0.3);			/* float8 would have refused the third */
	CHECK_INT(pb_remaining(budget, spent), 0);
	CHECK_PB(pb_spend(budget, spent, 1, &spent), PB_INSUFFICIENT);

	CHECK_PB(pb_budget_amount(10.0, &budget), PB_OK);
	spent = 0;
	for (i = 0; i < 100; i++)
		CHECK_PB(pb_spend(budget, spent, amount, &spent), PB_OK);
	CHECK_INT(spent, budget);
	CHECK_PB(pb_spend(budget, spent, amount, &spent), PB_INSUFFICIENT);
}

/*
 * Random amounts written as decimals with up to 12 decimals and up to 15
 * significant digits: converting their float8 must give back exactly the
 * written value, both ways, and a random sequence of spends must follow
 * the integer bookkeeping of the written values.
 */
static void
test_random_sequences(void)
{
	rng			r = rng_for("budget_sequences");
	int			trial;

	for (trial = 0; trial < 2000; trial++)
	{
		int64_t		budget_written,
					spent_model = 0;
		pb_units	budget,
					spent = 0;
		int			k;
		char		text[64];

		/* a budget of up to 10^4 epsilon with up to 6 decimals */
		budget_written = rng_range(&r, 0, INT64_C(10000000000)) * 1000000;
		snprintf(text, sizeof(text), "%" PRId64 ".%012" PRId64,
				 budget_written / E12, budget_written % E12);
		ut_set_context("trial %d budget %s", trial, text);
		CHECK_PB(pb_budget_amount(strtod(text, NULL), &budget), PB_OK);
		CHECK_INT(budget, budget_written);

		for (k = 0; k < 50; k++)
		{
			int			decimals = (int) rng_range(&r, 0, 12);
			int64_t		scale = 1;
			int64_t		digits,
						hi,
						written;
			int			i;
			pb_units	amount;
			pb_status	st;

			for (i = 0; i < 12 - decimals; i++)
				scale *= 10;
			/* at most 15 significant digits, at most 1000 epsilon */
			hi = 1000 * E12 / scale;
			if (hi > INT64_C(999999999999999))
				hi = INT64_C(999999999999999);
			digits = rng_range(&r, 1, hi);
			written = digits * scale;
			snprintf(text, sizeof(text), "%" PRId64 ".%012" PRId64,
					 written / E12, written % E12);
			ut_set_context("trial %d step %d amount %s", trial, k, text);
			CHECK_PB(pb_spend_amount(strtod(text, NULL), &amount), PB_OK);
			CHECK_INT(amount, written);
			CHECK_PB(pb_parse(text, PB_ROUND_UP, &amount), PB_OK);
			CHECK_INT(amount, written);

			st = pb_spend(budget, spent, amount, &spent);
			if (spent_model + written <= budget_written)
			{
				CHECK_PB(st, PB_OK);
				spent_model += written;
			}
			else
				CHECK_PB(st, PB_INSUFFICIENT);
			CHECK_INT(spent, spent_model);
			CHECK_INT(pb_remaining(budget, spent), budget_written - spent_model);
		}
		if (ut_test_failing())
			return;
	}
}

/*
 * Any float8 in range: rounding up and down differ by at most one unit,
 * bracket the shortest decimal, and format/parse round-trips.
 */
static void
test_random_doubles(void)
{
	rng			r = rng_for("budget_doubles");
	int			i;

	for (i = 0; i < 50000; i++)
	{
		double		x;
		pb_units	up,
					down,
					back;
		char		buf[PB_FORMAT_LEN];
		long double exact;

		/* random bits, kept to finite positives up to 10^6 */
		do
		{
			uint64_t	bits = rng_next(&r) & ~(UINT64_C(1) << 63);

			memcpy(&x, &bits, sizeof(x));
		} while (!(x > 0 && x <= 1e6));
		if (rng_chance(&r, 30))
			x = (double) rng_range(&r, 1, 1000000) / (double) rng_range(&r, 1, 1000);
		ut_set_context("x = %.17g", x);
		CHECK_PB(pb_from_double(x, PB_ROUND_UP, &up), PB_OK);
		CHECK_PB(pb_from_double(x, PB_ROUND_DOWN, &down), PB_OK);
		CHECK(up - down == 0 || up - down == 1);
		CHECK(up >= 1);
		/* within a unit (and float8 noise) of x */
		exact = (long double) x * 1e12L;
		CHECK((long double) down <= exact * (1 + 1e-15L) + 1e-3L);
		CHECK((long double) up >= exact * (1 - 1e-15L) - 1e-3L);
		pb_format(down, buf);
		CHECK_PB(pb_parse(buf, PB_ROUND_DOWN, &back), PB_OK);
		CHECK_INT(back, down);
		CHECK_PB(pb_parse(buf, PB_ROUND_UP, &back), PB_OK);
		CHECK_INT(back, down);
		if (ut_test_failing())
			return;
	}
}

int
main(void)
{
	const char *seed = getenv("DS_UNIT_SEED");

	if (seed != NULL && *seed != '\0')
		test_seed = strtoull(seed, NULL, 16);
	printf("privacy budget core unit tests, seed 0x%016" PRIx64 "\n", test_seed);
	fflush(stdout);

	UT_RUN(test_parse_examples);
	UT_RUN(test_double_examples);
	UT_RUN(test_spend_decision);
	UT_RUN(test_no_drift);
	UT_RUN(test_random_sequences);
	UT_RUN(test_random_doubles);
	return ut_finish();
}
