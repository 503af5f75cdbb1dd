/*
 * test_algebra.c
 *		Worked examples of the set algebra, the predicates, the btree order and
 *		the measures (day count, streaks), written in the text form.
 *
 * The streak examples use the set {Dec 1-3, Dec 5, Dec 8-9} of 2017: one
 * missed day (Dec 4) after the first run, two (Dec 6-7) after the second.
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>

void		run_algebra_tests(void);

typedef void (*setop_fn) (const ds_run *, int32_t, const ds_run *, int32_t,
						  ds_run *, int32_t *);

static const char *const FULL = "{-4713-11-24/5874897-12-31}";
static const char *const STREAKS =
"{2017-12-01/2017-12-03,2017-12-05,2017-12-08/2017-12-09}";

/* day number of 2017-12-dd */
static int32_t
dec(int dd)
{
	return 6543 + dd;
}

static void
check_setop(const char *opname, setop_fn op, const char *a_txt,
			const char *b_txt, const char *want)
{
	int32_t		na,
				nb,
				nout = -1;
	ds_run	   *a = runs_of(a_txt, &na);
	ds_run	   *b = runs_of(b_txt, &nb);
	/* exactly the documented room, so ASan sees any overrun */
	ds_run	   *out = malloc(sizeof(ds_run) * (size_t) (na + nb > 0 ? na + nb : 1));
	char	   *txt;

	op(a, na, b, nb, out, &nout);
	CHECK_MSG(nout >= 0 && nout <= na + nb, "%s(%s, %s): nout %d", opname,
			  a_txt, b_txt, nout);
	if (nout >= 0 && nout <= na + nb)
	{
		CHECK_MSG(ds_is_normalized(out, nout), "%s(%s, %s) not normalized",
				  opname, a_txt, b_txt);
		txt = runs_to_text(out, nout);
		CHECK_MSG(strcmp(txt, want) == 0, "%s(%s, %s) = %s, want %s", opname,
				  a_txt, b_txt, txt, want);
		free(txt);
	}
	free(out);
	free(a);
	free(b);
}

static void
test_union_examples(void)
{
	check_setop("union", ds_union, "{}", "{}", "{}");
	check_setop("union", ds_union, "{}", "{2017-12-01}", "{2017-12-01}");
	check_setop("union", ds_union, "{2017-12-01}", "{}", "{2017-12-01}");
	check_setop("union", ds_union, "{2017-12-01}", "{2017-12-02}",
				"{2017-12-01/2017-12-02}");
	check_setop("union", ds_union, "{2017-12-02}", "{2017-12-01}",
				"{2017-12-01/2017-12-02}");
	check_setop("union", ds_union, "{2017-12-01}", "{2017-12-03}",
				"{2017-12-01,2017-12-03}");
	check_setop("union", ds_union, "{2017-12-01,2017-12-03,2017-12-05}",
				"{2017-12-02,2017-12-04}", "{2017-12-01/2017-12-05}");
	check_setop("union", ds_union, "{2017-12-01/2017-12-10}",
				"{2017-12-05/2017-12-20}", "{2017-12-01/2017-12-20}");
	check_setop("union", ds_union, "{2017-12-01/2017-12-31}",
				"{2017-12-05,2017-12-07/2017-12-09}", "{2017-12-01/2017-12-31}");
	check_setop("union", ds_union, "{2017-12-01,2017-12-10,2017-12-20}",
				"{2017-12-02/2017-12-09,2017-12-11/2017-12-19}",
				"{2017-12-01/2017-12-20}");
	check_setop("union", ds_union, "{-4713-11-24}", "{5874897-12-31}",
				"{-4713-11-24,5874897-12-31}");
	check_setop("union", ds_union, "{-4713-11-24/1999-12-31}",
				"{2000-01-01/5874897-12-31}", FULL);
}

static void
test_intersect_examples(void)
{
	check_setop("intersect", ds_intersect, "{}", "{}", "{}");
	check_setop("intersect", ds_intersect, "{2017-12-01}", "{}", "{}");
	check_setop("intersect", ds_intersect, "{2017-12-01/2017-12-10}",
				"{2017-12-05/2017-12-20}", "{2017-12-05/2017-12-10}");
	check_setop("intersect", ds_intersect, "{2017-12-01/2017-12-10}",
				"{2017-12-10/2017-12-20}", "{2017-12-10}");
	check_setop("intersect", ds_intersect, "{2017-12-01/2017-12-10}",
				"{2017-12-11/2017-12-20}", "{}");
	check_setop("intersect", ds_intersect, "{2017-12-01/2017-12-31}",
				"{2017-11-01/2017-12-02,2017-12-05,2017-12-30/2018-01-05}",
				"{2017-12-01/2017-12-02,2017-12-05,2017-12-30/2017-12-31}");
	check_setop("intersect", ds_intersect, "{2017-12-01,2017-12-03,2017-12-05}",
				"{2017-12-02,2017-12-04}", "{}");
	check_setop("intersect", ds_intersect, FULL,
				"{-4713-11-24,2000-01-01,5874897-12-31}",
				"{-4713-11-24,2000-01-01,5874897-12-31}");
}

static void
test_difference_examples(void)
{
	check_setop("difference", ds_difference, "{}", "{}", "{}");
	check_setop("difference", ds_difference, "{}", "{2017-12-01}", "{}");
	check_setop("difference", ds_difference, "{2017-12-01}", "{}",
				"{2017-12-01}");
	check_setop("difference", ds_difference, "{2017-12-01/2017-12-10}",
				"{2017-12-03,2017-12-05/2017-12-06}",
				"{2017-12-01/2017-12-02,2017-12-04,2017-12-07/2017-12-10}");
	check_setop("difference", ds_difference, "{2017-12-01/2017-12-10}",
				"{2017-11-01/2017-12-31}", "{}");
	check_setop("difference", ds_difference, "{2017-12-01/2017-12-10}",
				"{2017-12-01,2017-12-10}", "{2017-12-02/2017-12-09}");
	check_setop("difference", ds_difference,
				"{2017-12-01/2017-12-03,2017-12-05/2017-12-07}",
				"{2017-12-03/2017-12-05}", "{2017-12-01/2017-12-02,2017-12-06/2017-12-07}");
	/* the most runs a difference can make: one hole in each of b's runs */
	check_setop("difference", ds_difference, "{2017-12-01/2017-12-09}",
				"{2017-12-02,2017-12-04,2017-12-06,2017-12-08}",
				"{2017-12-01,2017-12-03,2017-12-05,2017-12-07,2017-12-09}");
	check_setop("difference", ds_difference, FULL, "{2000-01-01}",
				"{-4713-11-24/1999-12-31,2000-01-02/5874897-12-31}");
	check_setop("difference", ds_difference, FULL, "{-4713-11-24}",
				"{-4713-11-25/5874897-12-31}");
	check_setop("difference", ds_difference, FULL, "{5874897-12-31}",
				"{-4713-11-24/5874897-12-30}");
	check_setop("difference", ds_difference, FULL, FULL, "{}");
}

/* pred(a, b) for texts */
static bool
pred(bool (*fn) (const ds_run *, int32_t, const ds_run *, int32_t),
	 const char *a_txt, const char *b_txt)
{
	int32_t		na,
				nb;
	ds_run	   *a = runs_of(a_txt, &na);
	ds_run	   *b = runs_of(b_txt, &nb);
	bool		r = fn(a, na, b, nb);

	free(a);
	free(b);
	return r;
}

static int
cmp(const char *a_txt, const char *b_txt)
{
	int32_t		na,
				nb;
	ds_run	   *a = runs_of(a_txt, &na);
	ds_run	   *b = runs_of(b_txt, &nb);
	int			r = ds_compare(a, na, b, nb);

	free(a);
	free(b);
	return r;
}

static void
test_predicate_examples(void)
{
	CHECK(pred(ds_contains, "{}", "{}"));
	CHECK(pred(ds_contains, "{2017-12-01}", "{}"));
	CHECK(!pred(ds_contains, "{}", "{2017-12-01}"));
	CHECK(pred(ds_contains, "{2017-12-01/2017-12-10}", "{2017-12-03,2017-12-05}"));
	CHECK(pred(ds_contains, "{2017-12-01/2017-12-10}", "{2017-12-01/2017-12-10}"));
	CHECK(!pred(ds_contains, "{2017-12-01/2017-12-10}", "{2017-12-01/2017-12-11}"));
	CHECK(!pred(ds_contains, "{2017-12-01/2017-12-10}", "{2017-11-30/2017-12-10}"));
	CHECK(!pred(ds_contains, "{2017-12-01/2017-12-03,2017-12-05/2017-12-07}",
				"{2017-12-02/2017-12-06}"));
	CHECK(pred(ds_contains, "{2017-12-01/2017-12-03,2017-12-05/2017-12-07}",
			   "{2017-12-02/2017-12-03,2017-12-05/2017-12-06}"));
	CHECK(!pred(ds_contains, "{2017-12-01,2017-12-03}", "{2017-12-02}"));
	CHECK(pred(ds_contains, FULL, "{-4713-11-24,5874897-12-31}"));
	CHECK(!pred(ds_contains, "{-4713-11-24,5874897-12-31}", FULL));

	CHECK(!pred(ds_overlaps, "{}", "{}"));
	CHECK(!pred(ds_overlaps, "{}", FULL));
	CHECK(!pred(ds_overlaps, "{2017-12-01}", "{2017-12-02}"));
	CHECK(!pred(ds_overlaps, "{2017-12-01,2017-12-03}", "{2017-12-02,2017-12-04}"));
	CHECK(pred(ds_overlaps, "{2017-12-01/2017-12-03}", "{2017-12-03/2017-12-05}"));
	CHECK(pred(ds_overlaps, "{2017-12-01,2017-12-20}", "{2017-12-10/2017-12-20}"));
	CHECK(pred(ds_overlaps, FULL, "{5874897-12-31}"));

	CHECK(pred(ds_equal, "{}", "{}"));
	CHECK(pred(ds_equal, "{2017-12-01/2017-12-03}", "{2017-12-01/2017-12-03}"));
	CHECK(!pred(ds_equal, "{2017-12-01/2017-12-03}", "{2017-12-01/2017-12-04}"));
	CHECK(!pred(ds_equal, "{2017-12-01}", "{2017-12-01,2017-12-03}"));
	CHECK(!pred(ds_equal, "{}", "{2017-12-01}"));
}

static void
test_contains_day_examples(void)
{
	int32_t		n;
	ds_run	   *a = runs_of(STREAKS, &n);
	ds_run	   *full;
	int32_t		nfull;

	CHECK(!ds_contains_day(a, n, dec(0)));
	CHECK(ds_contains_day(a, n, dec(1)));
	CHECK(ds_contains_day(a, n, dec(2)));
	CHECK(ds_contains_day(a, n, dec(3)));
	CHECK(!ds_contains_day(a, n, dec(4)));
	CHECK(ds_contains_day(a, n, dec(5)));
	CHECK(!ds_contains_day(a, n, dec(6)));
	CHECK(!ds_contains_day(a, n, dec(7)));
	CHECK(ds_contains_day(a, n, dec(8)));
	CHECK(ds_contains_day(a, n, dec(9)));
	CHECK(!ds_contains_day(a, n, dec(10)));
	CHECK(!ds_contains_day(a, n, DS_MIN_DAY));
	CHECK(!ds_contains_day(a, n, DS_MAX_DAY));
	CHECK(!ds_contains_day(a, 0, dec(1)));
	/* date 'infinity' and '-infinity' are INT32_MAX and INT32_MIN */
	CHECK(!ds_contains_day(a, n, INT32_MAX));
	CHECK(!ds_contains_day(a, n, INT32_MIN));

	full = runs_of(FULL, &nfull);
	CHECK(ds_contains_day(full, nfull, DS_MIN_DAY));
	CHECK(ds_contains_day(full, nfull, DS_MAX_DAY));
	CHECK(!ds_contains_day(full, nfull, DS_MIN_DAY - 1));
	CHECK(!ds_contains_day(full, nfull, DS_MAX_DAY + 1));
	CHECK(!ds_contains_day(full, nfull, INT32_MAX));
	CHECK(!ds_contains_day(full, nfull, INT32_MIN));
	free(full);
	free(a);
}

static void
test_compare_examples(void)
{
	CHECK_INT(cmp("{}", "{}"), 0);
	CHECK_INT(cmp("{}", "{2017-12-01}"), -1);
	CHECK_INT(cmp("{2017-12-01}", "{}"), 1);
	/* a proper prefix sorts first */
	CHECK_INT(cmp("{2017-12-01}", "{2017-12-01,2017-12-05}"), -1);
	CHECK_INT(cmp("{2017-12-01,2017-12-05}", "{2017-12-01}"), 1);
	/* first, then last */
	CHECK_INT(cmp("{2017-12-01}", "{2017-12-02}"), -1);
	CHECK_INT(cmp("{2017-12-01/2017-12-02}", "{2017-12-01/2017-12-03}"), -1);
	CHECK_INT(cmp("{2017-12-01/2017-12-05}", "{2017-12-02}"), -1);
	CHECK_INT(cmp("{2017-12-01/2017-12-10}", "{2017-12-01/2017-12-03,2017-12-05}"), 1);
	CHECK_INT(cmp("{2017-12-01/2017-12-03,2017-12-05}", "{2017-12-01/2017-12-03,2017-12-06}"), -1);
	CHECK_INT(cmp("{2017-12-01,2017-12-03}", "{2017-12-01,2017-12-03}"), 0);
	/* extremes: no overflow in the comparison */
	CHECK_INT(cmp("{-4713-11-24}", "{5874897-12-31}"), -1);
	CHECK_INT(cmp("{5874897-12-31}", "{-4713-11-24}"), 1);
	CHECK_INT(cmp(FULL, "{-4713-11-24}"), 1);
	CHECK_INT(cmp("{-4713-11-24}", FULL), -1);
	CHECK_INT(cmp(FULL, FULL), 0);
}

static void
test_is_normalized_examples(void)
{
	ds_run		r[3];

	CHECK(ds_is_normalized(NULL, 0));
	CHECK(ds_is_normalized(r, 0));

	r[0] = (ds_run) {1, 1};
	CHECK(ds_is_normalized(r, 1));
	r[0] = (ds_run) {2, 1};		/* first > last */
	CHECK(!ds_is_normalized(r, 1));
	r[0] = (ds_run) {DS_MIN_DAY, DS_MAX_DAY};
	CHECK(ds_is_normalized(r, 1));
	r[0] = (ds_run) {DS_MIN_DAY - 1, 0};
	CHECK(!ds_is_normalized(r, 1));
	r[0] = (ds_run) {0, DS_MAX_DAY + 1};
	CHECK(!ds_is_normalized(r, 1));
	r[0] = (ds_run) {INT32_MIN, INT32_MIN};
	CHECK(!ds_is_normalized(r, 1));
	r[0] = (ds_run) {INT32_MAX, INT32_MAX};
	CHECK(!ds_is_normalized(r, 1));
	r[0] = (ds_run) {INT32_MIN, INT32_MAX};
	CHECK(!ds_is_normalized(r, 1));

	r[0] = (ds_run) {1, 3};
	r[1] = (ds_run) {5, 6};
	CHECK(ds_is_normalized(r, 2));
	r[1] = (ds_run) {4, 6};		/* adjacent */
	CHECK(!ds_is_normalized(r, 2));
	r[1] = (ds_run) {3, 6};		/* overlapping */
	CHECK(!ds_is_normalized(r, 2));
	r[1] = (ds_run) {2, 2};		/* inside */
	CHECK(!ds_is_normalized(r, 2));
	r[1] = (ds_run) {-5, -4};	/* unsorted */
	CHECK(!ds_is_normalized(r, 2));
	r[1] = (ds_run) {1, 3};		/* duplicate */
	CHECK(!ds_is_normalized(r, 2));
	r[1] = (ds_run) {7, 6};
	CHECK(!ds_is_normalized(r, 2));

	r[0] = (ds_run) {DS_MIN_DAY, DS_MIN_DAY};
	r[1] = (ds_run) {0, 0};
	r[2] = (ds_run) {DS_MAX_DAY, DS_MAX_DAY};
	CHECK(ds_is_normalized(r, 3));
	r[2] = (ds_run) {1, 1};
	CHECK(!ds_is_normalized(r, 3));
}

static void
test_day_count_examples(void)
{
	int32_t		n;
	ds_run	   *a;

	CHECK_INT(ds_day_count(NULL, 0), 0);
	a = runs_of(STREAKS, &n);
	CHECK_INT(ds_day_count(a, n), 6);
	free(a);
	a = runs_of("{2017-12-01/2017-12-10,2017-12-12}", &n);
	CHECK_INT(ds_day_count(a, n), 11);
	free(a);
	a = runs_of(FULL, &n);
	CHECK_INT(ds_day_count(a, n), (int64_t) DS_MAX_DAY - DS_MIN_DAY + 1);
	CHECK_INT(ds_day_count(a, n), 2147483494);
	free(a);
	a = runs_of("{-4713-11-24/1999-12-31,2000-01-02/5874897-12-31}", &n);
	CHECK_INT(ds_day_count(a, n), 2147483493);
	free(a);
}

static void
test_longest_streak_examples(void)
{
	int32_t		n;
	ds_run	   *a = runs_of(STREAKS, &n);

	CHECK_INT(ds_longest_streak(NULL, 0, 0), 0);
	CHECK_INT(ds_longest_streak(NULL, 0, 5), 0);
	CHECK_INT(ds_longest_streak(a, n, 0), 3);
	CHECK_INT(ds_longest_streak(a, n, 1), 4);	/* Dec 1-3 + Dec 5 */
	CHECK_INT(ds_longest_streak(a, n, 2), 6);
	CHECK_INT(ds_longest_streak(a, n, 100), 6);
	CHECK_INT(ds_longest_streak(a, n, INT32_MAX), 6);
	free(a);

	/* the later streak is longer */
	a = runs_of("{2017-12-01,2017-12-05/2017-12-06,2017-12-08/2017-12-09}", &n);
	CHECK_INT(ds_longest_streak(a, n, 0), 2);
	CHECK_INT(ds_longest_streak(a, n, 1), 4);
	CHECK_INT(ds_longest_streak(a, n, 2), 4);
	CHECK_INT(ds_longest_streak(a, n, 3), 5);
	free(a);

	/* gaps of the whole range: max_gap near INT32_MAX must not overflow */
	a = runs_of("{-4713-11-24,5874897-12-31}", &n);
	CHECK_INT(ds_longest_streak(a, n, 0), 1);
	CHECK_INT(ds_longest_streak(a, n, 2147483491), 1);	/* gap is ...492 */
	CHECK_INT(ds_longest_streak(a, n, 2147483492), 2);
	CHECK_INT(ds_longest_streak(a, n, INT32_MAX), 2);
	free(a);

	a = runs_of(FULL, &n);
	CHECK_INT(ds_longest_streak(a, n, 0), 2147483494);
	CHECK_INT(ds_longest_streak(a, n, INT32_MAX), 2147483494);
	free(a);
	a = runs_of("{-4713-11-24/1999-12-31,2000-01-02/5874897-12-31}", &n);
	CHECK_INT(ds_longest_streak(a, n, 0), DS_MAX_DAY);	/* the second run */
	CHECK_INT(ds_longest_streak(a, n, 1), 2147483493);
	free(a);
}

static void
test_current_streak_examples(void)
{
	int32_t		n;
	ds_run	   *a = runs_of(STREAKS, &n);

	CHECK_INT(ds_current_streak(NULL, 0, 0, 0), 0);
	CHECK_INT(ds_current_streak(NULL, 0, 0, INT32_MAX), 0);

	/* before the first day: nothing */
	CHECK_INT(ds_current_streak(a, n, dec(0), 0), 0);
	CHECK_INT(ds_current_streak(a, n, dec(0), 5), 0);
	CHECK_INT(ds_current_streak(a, n, DS_MIN_DAY, 5), 0);
	/* days after as_of are ignored */
	CHECK_INT(ds_current_streak(a, n, dec(1), 0), 1);
	CHECK_INT(ds_current_streak(a, n, dec(2), 0), 2);
	CHECK_INT(ds_current_streak(a, n, dec(3), 0), 3);
	CHECK_INT(ds_current_streak(a, n, dec(8), 0), 1);
	CHECK_INT(ds_current_streak(a, n, dec(8), 2), 5);
	/* as_of itself is not over yet: one missed day is still alive */
	CHECK_INT(ds_current_streak(a, n, dec(4), 0), 3);
	CHECK_INT(ds_current_streak(a, n, dec(6), 0), 1);
	CHECK_INT(ds_current_streak(a, n, dec(6), 1), 4);
	CHECK_INT(ds_current_streak(a, n, dec(7), 0), 0);
	CHECK_INT(ds_current_streak(a, n, dec(7), 1), 4);
	CHECK_INT(ds_current_streak(a, n, dec(9), 0), 2);
	CHECK_INT(ds_current_streak(a, n, dec(9), 1), 2);
	CHECK_INT(ds_current_streak(a, n, dec(9), 2), 6);
	CHECK_INT(ds_current_streak(a, n, dec(10), 0), 2);
	CHECK_INT(ds_current_streak(a, n, dec(11), 0), 0);
	CHECK_INT(ds_current_streak(a, n, dec(11), 1), 2);
	CHECK_INT(ds_current_streak(a, n, dec(11), 2), 6);
	CHECK_INT(ds_current_streak(a, n, dec(12), 2), 6);
	CHECK_INT(ds_current_streak(a, n, dec(13), 2), 0);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, 0), 0);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, INT32_MAX), 6);
	/* as_of 'infinity' and '-infinity' (INT32_MAX, INT32_MIN): no overflow */
	CHECK_INT(ds_current_streak(a, n, INT32_MAX, 0), 0);
	CHECK_INT(ds_current_streak(a, n, INT32_MAX, INT32_MAX), 6);
	CHECK_INT(ds_current_streak(a, n, INT32_MIN, INT32_MAX), 0);
	free(a);

	/* the whole range apart: as_of - L and max_gap + 1 near INT32_MAX */
	a = runs_of("{-4713-11-24}", &n);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, INT32_MAX), 1);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, 2147483492), 1);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, 2147483491), 0);
	CHECK_INT(ds_current_streak(a, n, DS_MIN_DAY, 0), 1);
	free(a);
	a = runs_of("{-4713-11-24,5874897-12-31}", &n);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, 0), 1);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, INT32_MAX), 2);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY - 1, INT32_MAX), 1);
	free(a);
	a = runs_of(FULL, &n);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, 0), 2147483494);
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, INT32_MAX), 2147483494);
	CHECK_INT(ds_current_streak(a, n, DS_MIN_DAY, 0), 1);
	CHECK_INT(ds_current_streak(a, n, 0, 0), 2451546);
	free(a);
}

static void
test_streak_count_examples(void)
{
	int32_t		n;
	ds_run	   *a = runs_of(STREAKS, &n);

	CHECK_INT(ds_streak_count(NULL, 0, 1), 0);
	CHECK_INT(ds_streak_count(a, n, 1), 3);
	CHECK_INT(ds_streak_count(a, n, 2), 2);
	CHECK_INT(ds_streak_count(a, n, 3), 1);
	CHECK_INT(ds_streak_count(a, n, 4), 0);
	CHECK_INT(ds_streak_count(a, n, INT32_MAX), 0);
	free(a);
	a = runs_of(FULL, &n);
	CHECK_INT(ds_streak_count(a, n, 2147483494), 1);
	CHECK_INT(ds_streak_count(a, n, 2147483495), 0);
	CHECK_INT(ds_streak_count(a, n, INT32_MAX), 0);
	free(a);
}

void
run_algebra_tests(void)
{
	UT_RUN(test_union_examples);
	UT_RUN(test_intersect_examples);
	UT_RUN(test_difference_examples);
	UT_RUN(test_predicate_examples);
	UT_RUN(test_contains_day_examples);
	UT_RUN(test_compare_examples);
	UT_RUN(test_is_normalized_examples);
	UT_RUN(test_day_count_examples);
	UT_RUN(test_longest_streak_examples);
	UT_RUN(test_current_streak_examples);
	UT_RUN(test_streak_count_examples);
}
