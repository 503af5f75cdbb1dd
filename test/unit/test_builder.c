/*
 * test_builder.c
 *		The builder: days and runs in any order, its invariant between calls,
 *		memory proportional to the runs, and allocation failures.
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>

void		run_builder_tests(void);

/* Room for a fixed initial allocation on top of the proportional bounds */
#define CAP_SLACK 1024

static void
check_builder_text(ds_builder *b, const char *want)
{
	char	   *txt;

	CHECK_STATUS(ds_builder_finish(b), DS_OK);
	CHECK(ds_is_normalized(b->runs, b->nruns));
	CHECK_INT(b->npending, 0);
	txt = runs_to_text(b->runs, b->nruns);
	CHECK_STR(txt, want);
	free(txt);
}

static void
test_builder_empty(void)
{
	ds_builder	b;

	ds_builder_init(&b);
	CHECK_INT(b.nruns, 0);
	CHECK_INT(b.npending, 0);
	ds_builder_free(&b);

	ds_builder_init(&b);
	check_builder_text(&b, "{}");
	CHECK_STATUS(ds_builder_add_runs(&b, NULL, 0), DS_OK);
	CHECK_STATUS(ds_builder_add_raw_runs(&b, NULL, 0), DS_OK);
	check_builder_text(&b, "{}");
	ds_builder_free(&b);
}

static void
test_builder_day_orders(void)
{
	static const int32_t asc[] = {1, 2, 3, 5, 8, 9};
	static const int32_t desc[] = {9, 8, 5, 3, 2, 1};
	static const int32_t mixed[] = {5, 1, 9, 3, 3, 8, 2, 5, 1, 9, 2};
	const char *want = "{2000-01-02/2000-01-04,2000-01-06,2000-01-09/2000-01-10}";
	ds_builder	b;
	size_t		i;

	ds_builder_init(&b);
	for (i = 0; i < 6; i++)
		CHECK_STATUS(ds_builder_add_day(&b, asc[i]), DS_OK);
	check_builder_text(&b, want);
	ds_builder_free(&b);

	ds_builder_init(&b);
	for (i = 0; i < 6; i++)
		CHECK_STATUS(ds_builder_add_day(&b, desc[i]), DS_OK);
	check_builder_text(&b, want);
	ds_builder_free(&b);

	ds_builder_init(&b);
	for (i = 0; i < sizeof(mixed) / sizeof(mixed[0]); i++)
		CHECK_STATUS(ds_builder_add_day(&b, mixed[i]), DS_OK);
	check_builder_text(&b, want);
	ds_builder_free(&b);

	/* the slow path alone gives the same */
	ds_builder_init(&b);
	for (i = 0; i < sizeof(mixed) / sizeof(mixed[0]); i++)
		CHECK_STATUS(ds_builder_add_day_slow(&b, mixed[i]), DS_OK);
	check_builder_text(&b, want);
	ds_builder_free(&b);
}

static void
test_builder_extremes(void)
{
	ds_builder	b;

	ds_builder_init(&b);
	CHECK_STATUS(ds_builder_add_day(&b, DS_MAX_DAY), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, DS_MAX_DAY - 1), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, DS_MIN_DAY + 1), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, DS_MIN_DAY), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, DS_MAX_DAY), DS_OK);
	check_builder_text(&b, "{-4713-11-24/-4713-11-25,5874897-12-30/5874897-12-31}");
	ds_builder_free(&b);

	ds_builder_init(&b);
	CHECK_STATUS(ds_builder_add_day(&b, DS_MIN_DAY), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, DS_MAX_DAY), DS_OK);
	check_builder_text(&b, "{-4713-11-24,5874897-12-31}");
	{
		ds_run		full = {DS_MIN_DAY, DS_MAX_DAY};

		CHECK_STATUS(ds_builder_add_raw_runs(&b, &full, 1), DS_OK);
	}
	check_builder_text(&b, "{-4713-11-24/5874897-12-31}");
	CHECK_STATUS(ds_builder_add_day(&b, 0), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, DS_MIN_DAY), DS_OK);
	check_builder_text(&b, "{-4713-11-24/5874897-12-31}");
	ds_builder_free(&b);
}

static void
test_builder_runs(void)
{
	ds_builder	b;
	ds_run		norm1[] = {{1, 3}, {10, 12}};
	ds_run		norm2[] = {{4, 5}, {8, 8}, {14, 20}};
	ds_run		raw[] = {{30, 35}, {25, 27}, {33, 40}, {28, 28}, {50, 50},
	{50, 50}, {45, 49}, {22, 22}};

	ds_builder_init(&b);
	CHECK_STATUS(ds_builder_add_runs(&b, norm1, 2), DS_OK);
	CHECK_STATUS(ds_builder_add_runs(&b, norm2, 3), DS_OK);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	check_builder_text(&b, "{2000-01-02/2000-01-06,2000-01-09,"
					   "2000-01-11/2000-01-13,2000-01-15/2000-01-21}");
	ds_builder_free(&b);

	ds_builder_init(&b);
	CHECK_STATUS(ds_builder_add_raw_runs(&b, raw, 8), DS_OK);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	check_builder_text(&b, "{2000-01-23,2000-01-26/2000-01-29,"
					   "2000-01-31/2000-02-10,2000-02-15/2000-02-20}");
	ds_builder_free(&b);

	/* a batch that starts right after the last run joins it */
	ds_builder_init(&b);
	CHECK_STATUS(ds_builder_add_runs(&b, norm1, 2), DS_OK);
	CHECK_STATUS(ds_builder_add_runs(&b, (ds_run[]) {{13, 14}, {16, 16}}, 2),
				 DS_OK);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	CHECK_STATUS(ds_builder_add_raw_runs(&b, (ds_run[]) {{17, 18}}, 1), DS_OK);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	CHECK_STATUS(ds_builder_add_runs(&b, (ds_run[]) {{-3, -2}, {0, 0}}, 2),
				 DS_OK);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	check_builder_text(&b, "{1999-12-29/1999-12-30,2000-01-01/2000-01-04,"
					   "2000-01-11/2000-01-15,2000-01-17/2000-01-19}");
	ds_builder_free(&b);

	/*
	 * a batch starting inside the last run (a rollup of months where a run
	 * crosses the month's end): the last run grows, the rest appends and
	 * coalesces
	 */
	ds_builder_init(&b);
	CHECK_STATUS(ds_builder_add_runs(&b, norm1, 2), DS_OK);
	CHECK_STATUS(ds_builder_add_runs(&b, (ds_run[]) {{11, 15}, {17, 17}, {19, 20}}, 3),
				 DS_OK);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	CHECK_STATUS(ds_builder_add_runs(&b, (ds_run[]) {{19, 19}, {21, 22}}, 2), DS_OK);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	CHECK_STATUS(ds_builder_add_runs(&b, (ds_run[]) {{10, 30}}, 1), DS_OK);
	check_builder_text(&b, "{2000-01-02/2000-01-04,2000-01-11/2000-01-31}");
	ds_builder_free(&b);

	/* days, runs and raw runs mixed, then more days below everything */
	ds_builder_init(&b);
	CHECK_STATUS(ds_builder_add_day(&b, 100), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, 7), DS_OK);
	CHECK_STATUS(ds_builder_add_runs(&b, norm1, 2), DS_OK);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	CHECK_STATUS(ds_builder_add_day(&b, 9), DS_OK);
	CHECK_STATUS(ds_builder_add_raw_runs(&b, raw, 8), DS_OK);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	CHECK_STATUS(ds_builder_add_day(&b, -5), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, 6), DS_OK);
	check_builder_text(&b, "{1999-12-27,2000-01-02/2000-01-04,"
					   "2000-01-07/2000-01-08,2000-01-10/2000-01-13,2000-01-23,"
					   "2000-01-26/2000-01-29,2000-01-31/2000-02-10,"
					   "2000-02-15/2000-02-20,2000-04-10}");
	ds_builder_free(&b);
}

/* A finished builder takes more input: window aggregates finish repeatedly */
static void
test_builder_finish_then_continue(void)
{
	ds_builder	b;
	int32_t		d;

	ds_builder_init(&b);
	for (d = 10; d < 20; d += 2)
		CHECK_STATUS(ds_builder_add_day(&b, d), DS_OK);
	check_builder_text(&b, "{2000-01-11,2000-01-13,2000-01-15,2000-01-17,2000-01-19}");
	check_builder_text(&b, "{2000-01-11,2000-01-13,2000-01-15,2000-01-17,2000-01-19}");
	CHECK_STATUS(ds_builder_add_day(&b, 11), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, 5), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, 30), DS_OK);
	check_builder_text(&b, "{2000-01-06,2000-01-11/2000-01-13,2000-01-15,"
					   "2000-01-17,2000-01-19,2000-01-31}");
	ds_builder_free(&b);
}

/*
 * 1e6 ascending days with gaps: every day is a new run, nothing goes to the
 * pending buffer and runs_cap stays within a constant factor of nruns.
 */
static void
test_builder_memory_ascending(void)
{
	ds_builder	b;
	int32_t		i,
				day = -1000000;
	rng			r = rng_for(__func__);
	int			bad = 0;

	ta_install(-1);
	ds_builder_init(&b);
	for (i = 0; i < 1000000; i++)
	{
		day += 2 + (int32_t) rng_below(&r, 3);
		if (ds_builder_add_day(&b, day) != DS_OK && bad++ < 3)
			CHECK_MSG(false, "add_day %d failed", day);
		if ((i & 1023) == 0 &&
			(b.runs_cap > 2 * b.nruns + CAP_SLACK || b.pending_cap > CAP_SLACK))
		{
			CHECK_MSG(false, "after %d days: nruns %d runs_cap %d pending_cap %d",
					  i + 1, b.nruns, b.runs_cap, b.pending_cap);
			break;
		}
	}
	CHECK_STATUS(ds_builder_finish(&b), DS_OK);
	CHECK_INT(b.nruns, 1000000);
	CHECK_MSG(b.runs_cap <= 2 * b.nruns + CAP_SLACK, "runs_cap %d for %d runs",
			  b.runs_cap, b.nruns);
	CHECK_MSG(b.pending_cap <= CAP_SLACK, "pending_cap %d", b.pending_cap);
	CHECK_MSG(ta_stats.peak_bytes <= 3 * sizeof(ds_run) * 1000000 + 65536,
			  "peak %zu bytes for 1e6 runs", ta_stats.peak_bytes);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	ds_builder_free(&b);
	CHECK_INT(ta_stats.blocks, 0);
	ta_uninstall();
}

/* Memory bound checked after every add while days arrive out of order */
static bool
within_bounds(const ds_builder *b, int32_t distinct_bound, const char *what,
			  int32_t i)
{
	int64_t		cap_bound = 4 * ((int64_t) distinct_bound + DS_PENDING_MIN) +
		CAP_SLACK;
	int64_t		pend_bound = 4 * ((int64_t) b->nruns + DS_PENDING_MIN) + CAP_SLACK;

	if (b->pending_cap > pend_bound || b->pending_cap > cap_bound ||
		b->runs_cap > cap_bound)
	{
		CHECK_MSG(false, "%s, after %d days: nruns %d runs_cap %d npending %d "
				  "pending_cap %d", what, i + 1, b->nruns, b->runs_cap,
				  b->npending, b->pending_cap);
		return false;
	}
	return true;
}

static void
test_builder_memory_descending(void)
{
	ds_builder	b;
	int32_t		i,
				day = 2000000;
	rng			r = rng_for(__func__);

	ds_builder_init(&b);
	for (i = 0; i < 1000000; i++)
	{
		day -= 2 + (int32_t) rng_below(&r, 3);
		CHECK_STATUS(ds_builder_add_day(&b, day), DS_OK);
		if (!within_bounds(&b, i + 1, "descending", i))
			break;
		if ((i & 4095) == 0)
			CHECK(ds_is_normalized(b.runs, b.nruns));
	}
	CHECK_STATUS(ds_builder_finish(&b), DS_OK);
	CHECK_INT(b.nruns, 1000000);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	ds_builder_free(&b);
}

/*
 * 1e6 random days out of 1000 distinct ones: the pending buffer must be
 * compacted, not grow with the number of calls.
 */
static void
test_builder_memory_repeated_days(void)
{
	ds_builder	b;
	int32_t		i;
	rng			r = rng_for(__func__);
	bool		seen[2000] = {false};
	int32_t		distinct = 0;

	ds_builder_init(&b);
	for (i = 0; i < 1000000; i++)
	{
		int32_t		k = (int32_t) rng_below(&r, 1000) * 2;	/* even: no merging */

		if (!seen[k])
			distinct++;
		seen[k] = true;
		CHECK_STATUS(ds_builder_add_day(&b, 5000 - k), DS_OK);
		if (!within_bounds(&b, distinct, "repeated", i))
			break;
	}
	CHECK_STATUS(ds_builder_finish(&b), DS_OK);
	CHECK_INT(b.nruns, distinct);
	CHECK(ds_is_normalized(b.runs, b.nruns));
	ds_builder_free(&b);
}

/* Nothing proportional to the span of days, only to their number */
static void
test_builder_sparse_extremes(void)
{
	static const int32_t orders[][3] = {
		{DS_MIN_DAY, 0, DS_MAX_DAY}, {DS_MAX_DAY, 0, DS_MIN_DAY},
		{0, DS_MAX_DAY, DS_MIN_DAY}, {DS_MAX_DAY, DS_MIN_DAY, 0}
	};
	size_t		i;
	ds_builder	b;

	ta_install(-1);
	for (i = 0; i < 4; i++)
	{
		int			k;

		ds_builder_init(&b);
		for (k = 0; k < 3; k++)
			CHECK_STATUS(ds_builder_add_day(&b, orders[i][k]), DS_OK);
		check_builder_text(&b, "{-4713-11-24,2000-01-01,5874897-12-31}");
		ds_builder_free(&b);
	}
	{
		ds_run		raw[] = {{DS_MAX_DAY, DS_MAX_DAY}, {DS_MIN_DAY, DS_MIN_DAY}};
		const char *txt = "{5874897-12-31, -4713-11-24}";
		size_t		errpos;
		ds_run		out[4];
		int32_t		nout;

		ds_builder_init(&b);
		CHECK_STATUS(ds_builder_add_raw_runs(&b, raw, 2), DS_OK);
		CHECK_STATUS(ds_parse(txt, strlen(txt), &b, &errpos), DS_OK);
		CHECK_STATUS(ds_builder_finish(&b), DS_OK);
		CHECK_INT(b.nruns, 2);
		ds_union(b.runs, b.nruns, raw + 1, 1, out, &nout);
		CHECK_INT(nout, 2);
		ds_difference(b.runs, b.nruns, raw + 1, 1, out, &nout);
		CHECK_INT(nout, 1);
		CHECK_INT(ds_longest_streak(b.runs, b.nruns, INT32_MAX), 2);
		CHECK_INT(ds_current_streak(b.runs, b.nruns, DS_MAX_DAY, INT32_MAX), 2);
		ds_builder_free(&b);
	}
	CHECK_MSG(ta_stats.max_request <= 4096,
			  "largest allocation %zu bytes for a 3-day set",
			  ta_stats.max_request);
	CHECK_MSG(ta_stats.peak_bytes <= 16384, "peak %zu bytes for a 3-day set",
			  ta_stats.peak_bytes);
	CHECK_INT(ta_stats.blocks, 0);
	ta_uninstall();
}

/*
 * Days in order go to the tail: one run needs no allocation, the array is
 * written once per run.  A day out of order waits in the pending buffer and
 * leaves the tail alone; a finish merges both into the array.
 */
static void
test_builder_tail(void)
{
	ds_builder	b;
	int32_t		d;

	ta_install(-1);
	ds_builder_init(&b);
	for (d = 10; d < 20; d++)
		CHECK_STATUS(ds_builder_add_day(&b, d), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, 15), DS_OK);
	CHECK_INT(ta_stats.calls, 0);
	CHECK(b.has_tail);
	CHECK_INT(b.nruns, 0);
	/* a second run: the first moves to a new array */
	CHECK_STATUS(ds_builder_add_day(&b, 30), DS_OK);
	CHECK_INT(ta_stats.calls, 1);
	CHECK_INT(b.nruns, 1);
	CHECK(b.has_tail && b.tail.first == 30);
	/* more runs fill the array without allocating */
	CHECK_STATUS(ds_builder_add_day(&b, 31), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, 40), DS_OK);
	CHECK_STATUS(ds_builder_add_day(&b, 50), DS_OK);
	CHECK_INT(ta_stats.calls, 1);
	CHECK_INT(b.nruns, 3);
	/* out of order, both wait in the pending buffer: just below the tail
	 * (which stays), and far below */
	CHECK_STATUS(ds_builder_add_day(&b, 49), DS_OK);
	CHECK(b.has_tail && b.tail.first == 50);
	CHECK_STATUS(ds_builder_add_day(&b, 5), DS_OK);
	CHECK_INT(b.npending, 2);
	/* in order again: a new tail after the array */
	CHECK_STATUS(ds_builder_add_day(&b, 60), DS_OK);
	CHECK(b.has_tail);
	CHECK_STATUS(ds_builder_add_day(&b, 61), DS_OK);
	check_builder_text(&b, "{2000-01-06,2000-01-11/2000-01-20,2000-01-31/2000-02-01,"
					   "2000-02-10,2000-02-19/2000-02-20,2000-03-01/2000-03-02}");
	CHECK(!b.has_tail);
	ds_builder_free(&b);
	CHECK_INT(ta_stats.blocks, 0);

	/* runs merged into a builder with a tail */
	ds_builder_init(&b);
	CHECK_STATUS(ds_builder_add_day(&b, 10), DS_OK);
	CHECK_STATUS(ds_builder_add_runs(&b, (ds_run[]) {{1, 2}, {11, 12}}, 2), DS_OK);
	CHECK(!b.has_tail);
	CHECK_STATUS(ds_builder_add_day(&b, 13), DS_OK);
	CHECK_STATUS(ds_builder_add_raw_runs(&b, (ds_run[]) {{20, 20}}, 1), DS_OK);
	check_builder_text(&b, "{2000-01-02/2000-01-03,2000-01-11/2000-01-14,2000-01-21}");
	ds_builder_free(&b);
	CHECK_INT(ta_stats.blocks, 0);
	ta_uninstall();
}

/*
 * ds_builder_add_builder (parallel combine): the union of two builders in
 * any state (runs, tail, pending days) equals one builder fed everything.
 */
static void
test_builder_add_builder(void)
{
	rng			r = rng_for(__func__);
	int			round;

	for (round = 0; round < 500 && !ut_test_failing(); round++)
	{
		ds_builder	a,
					b,
					all;
		int			i,
					n = (int) rng_below(&r, 80);
		int32_t		base = (int32_t) rng_range(&r, -100, 100);

		ds_builder_init(&a);
		ds_builder_init(&b);
		ds_builder_init(&all);
		for (i = 0; i < n; i++)
		{
			/* mostly ascending days, as a log in time order */
			int32_t		day = rng_chance(&r, 80) ? base + i : base + (int32_t) rng_below(&r, 80);
			ds_builder *half = rng_chance(&r, 50) ? &a : &b;

			CHECK_STATUS(ds_builder_add_day(half, day), DS_OK);
			CHECK_STATUS(ds_builder_add_day(&all, day), DS_OK);
			if (rng_chance(&r, 5))
				CHECK_STATUS(ds_builder_finish(half), DS_OK);
		}
		CHECK_STATUS(ds_builder_add_builder(&a, &b), DS_OK);
		CHECK_STATUS(ds_builder_finish(&a), DS_OK);
		CHECK_STATUS(ds_builder_finish(&all), DS_OK);
		CHECK(ds_is_normalized(a.runs, a.nruns));
		CHECK_MSG(ds_equal(a.runs, a.nruns, all.runs, all.nruns),
				  "round %d: the union differs", round);
		ds_builder_free(&a);
		ds_builder_free(&b);
		ds_builder_free(&all);
	}
}

/* A copy of what a builder holds: its fields and the arrays they point to. */
typedef struct builder_image
{
	ds_builder	b;
	ds_run	   *runs;
	int32_t    *pending;
} builder_image;

static builder_image
builder_take_image(const ds_builder *b)
{
	builder_image im = {*b, NULL, NULL};

	im.runs = malloc(sizeof(ds_run) * (size_t) (b->runs_cap + 1));
	im.pending = malloc(sizeof(int32_t) * (size_t) (b->pending_cap + 1));
	if (b->runs_cap > 0)
		memcpy(im.runs, b->runs, sizeof(ds_run) * (size_t) b->runs_cap);
	if (b->pending_cap > 0)
		memcpy(im.pending, b->pending, sizeof(int32_t) * (size_t) b->pending_cap);
	return im;
}

static bool
builder_matches_image(const ds_builder *b, const builder_image *im)
{
	const ds_builder *o = &im->b;

	return b->tail.first == o->tail.first && b->tail.last == o->tail.last &&
		b->has_tail == o->has_tail && b->nruns == o->nruns &&
		b->runs == o->runs && b->runs_cap == o->runs_cap &&
		b->npending == o->npending && b->pending == o->pending &&
		b->pending_cap == o->pending_cap &&
		(b->runs_cap == 0 ||
		 memcmp(b->runs, im->runs, sizeof(ds_run) * (size_t) b->runs_cap) == 0) &&
		(b->pending_cap == 0 ||
		 memcmp(b->pending, im->pending, sizeof(int32_t) * (size_t) b->pending_cap) == 0);
}

/*
 * ds_builder_view, what the aggregates' final and serial functions read:
 * the same set as ds_builder_finish gives, in every state a builder can be
 * in (runs only, tail only, runs and tail, pending days), and the builder,
 * every byte of it and of its arrays, left as it was, however often it is
 * viewed, and still usable for more days afterwards.
 */
static void
test_builder_view(void)
{
	rng			r = rng_for("test_builder_view");
	int			round;

	for (round = 0; round < 2000 && !ut_test_failing(); round++)
	{
		ds_builder	b,
					copy;
		builder_image im;
		const ds_run *runs;
		ds_run	   *owned;
		int32_t		n;
		int			i,
					days = (int) rng_below(&r, 120);
		int32_t		base = (int32_t) rng_range(&r, -100, 100);

		ut_set_context("round %d", round);
		ds_builder_init(&b);
		for (i = 0; i < days; i++)
		{
			int32_t		day = rng_chance(&r, 70) ? base + i + (int32_t) rng_below(&r, 3)
				: base + (int32_t) rng_below(&r, 150);

			CHECK_STATUS(ds_builder_add_day(&b, day), DS_OK);
		}
		im = builder_take_image(&b);
		for (i = 0; i < 2; i++)
		{
			CHECK_STATUS(ds_builder_view(&b, &runs, &n, &owned), DS_OK);
			CHECK(ds_is_normalized(runs, n));
			/* the reference: the same days in a fresh builder, finished */
			ds_builder_init(&copy);
			CHECK_STATUS(ds_builder_add_builder(&copy, &b), DS_OK);
			CHECK_STATUS(ds_builder_finish(&copy), DS_OK);
			CHECK_MSG(ds_equal(runs, n, copy.runs, copy.nruns),
					  "the view differs from the finished set");
			CHECK_MSG(owned == NULL || owned == runs, "owned is not the view");
			CHECK_MSG(owned != NULL ||
					  (b.npending == 0 && (!b.has_tail || b.nruns == 0)),
					  "a view that needed merging owns nothing");
			ds_free(owned);
			ds_builder_free(&copy);
			CHECK_MSG(builder_matches_image(&b, &im), "view %d changed the builder", i);
		}
		/* still a working builder */
		CHECK_STATUS(ds_builder_add_day(&b, base - 1), DS_OK);
		CHECK_STATUS(ds_builder_finish(&b), DS_OK);
		CHECK(ds_contains_day(b.runs, b.nruns, base - 1));
		free(im.runs);
		free(im.pending);
		ds_builder_free(&b);
	}
	ut_set_context("%s", "");
}

/* ds_alloc and friends go through the installed hooks */
static void
test_allocator_hooks(void)
{
	void	   *p;

	ta_install(-1);
	p = ds_alloc(100);
	CHECK(p != NULL);
	CHECK_INT(ta_stats.blocks, 1);
	CHECK_INT(ta_stats.bytes, 100);
	p = ds_realloc(p, 300);
	CHECK(p != NULL);
	CHECK_INT(ta_stats.bytes, 300);
	ds_free(p);
	CHECK_INT(ta_stats.blocks, 0);
	ta_uninstall();
}

/*
 * Build a set with every way in, with the k-th allocation failing: each call
 * returns DS_OK or DS_ERR_NOMEM, the builder stays normalized and frees
 * cleanly, and nothing leaks.
 */
static ds_status
nomem_scenario(ds_builder *b)
{
	rng			r = {12345};
	ds_run		raw[] = {{500, 600}, {-300, -200}, {550, 700}, {5000, 5001}};
	ds_run		norm[] = {{-1000, -990}, {0, 5}, {9000, 9100}};
	const char *txt = "{2017-12-01/2017-12-03, 2000-03-01, 1999-01-01/1999-01-31}";
	size_t		errpos;
	ds_status	st;
	int			i;

	for (i = 0; i < 3000; i++)
	{
		int32_t		day = (i < 1500) ? i * 3 : (int32_t) rng_below(&r, 20000) - 10000;

		if ((st = ds_builder_add_day(b, day)) != DS_OK)
			return st;
		if (!ds_is_normalized(b->runs, b->nruns))
			return DS_ERR_BAD_BINARY;	/* reported by the caller */
	}
	if ((st = ds_builder_add_raw_runs(b, raw, 4)) != DS_OK)
		return st;
	if ((st = ds_builder_add_runs(b, norm, 3)) != DS_OK)
		return st;
	if ((st = ds_parse(txt, strlen(txt), b, &errpos)) != DS_OK)
		return st;
	return ds_builder_finish(b);
}

static void
test_builder_out_of_memory(void)
{
	ds_builder	b;
	ds_run	   *want = NULL;
	int32_t		nwant = 0;
	long		k;

	/* the reference result, with no failures */
	ds_builder_init(&b);
	CHECK_STATUS(nomem_scenario(&b), DS_OK);
	nwant = b.nruns;
	want = malloc(sizeof(ds_run) * (size_t) nwant);
	memcpy(want, b.runs, sizeof(ds_run) * (size_t) nwant);
	ds_builder_free(&b);

	for (k = 0; k < 10000; k++)
	{
		ds_status	st;
		bool		failed;

		ta_install(k);
		ds_builder_init(&b);
		st = nomem_scenario(&b);
		failed = ta_stats.failures > 0;
		ut_set_context("allocation %ld fails", k + 1);
		CHECK_MSG(st == DS_OK || st == DS_ERR_NOMEM, "got %s",
				  ut_status_name(st));
		CHECK_MSG(failed || st == DS_OK, "no allocation failed, got %s",
				  ut_status_name(st));
		CHECK_MSG(!failed || st == DS_ERR_NOMEM,
				  "an allocation failed but the builder said %s",
				  ut_status_name(st));
		CHECK(ds_is_normalized(b.runs, b.nruns));
		if (st == DS_OK)
			CHECK(ds_equal(b.runs, b.nruns, want, nwant));
		ds_builder_free(&b);
		CHECK_MSG(ta_stats.blocks == 0, "%ld blocks leaked", ta_stats.blocks);
		ta_uninstall();
		if (!failed || ut_test_failing())
			break;
	}
	ut_set_context("%s", "");
	CHECK_MSG(k > 3, "only %ld allocations in the scenario?", k);
	free(want);
}

void
run_builder_tests(void)
{
	UT_RUN(test_builder_empty);
	UT_RUN(test_builder_day_orders);
	UT_RUN(test_builder_extremes);
	UT_RUN(test_builder_runs);
	UT_RUN(test_builder_finish_then_continue);
	UT_RUN(test_builder_memory_ascending);
	UT_RUN(test_builder_memory_descending);
	UT_RUN(test_builder_memory_repeated_days);
	UT_RUN(test_builder_sparse_extremes);
	UT_RUN(test_builder_tail);
	UT_RUN(test_builder_add_builder);
	UT_RUN(test_builder_view);
	UT_RUN(test_allocator_hooks);
	UT_RUN(test_builder_out_of_memory);
}
