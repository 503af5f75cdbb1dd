/*
 * fuzz_algebra.c
 *		libFuzzer harness of the run algebra and the streak measures, checked
 *		against a naive bitmap model on a small window of days.
 *
 * The input picks a window (often at the very ends of the date range) and
 * two sets on it, then the parameters of the measures.  Every result of the
 * core on the run arrays must equal the same question asked of the bitmaps:
 * union, intersection, difference (into buffers of exactly na + nb runs,
 * the room the header promises), their counting mode, contains, overlaps,
 * equality, the btree order, day membership, day_count, longest_streak,
 * current_streak and streak_count.
 */
#include "fuzz_util.h"

#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_model(fuzz_input *in, model *m, int32_t base)
{
	m->base = base;
	for (int i = 0; i < MODEL_WINDOW; i += 8)
	{
		uint8_t		byte = fuzz_u8(in);

		for (int k = 0; k < 8; k++)
			m->bit[i + k] = (byte >> k) & 1;
	}
}

typedef void (*setop_fn) (const ds_run *, int32_t, const ds_run *, int32_t,
						  ds_run *, int32_t *);

/* op(a, b) must be the model want, in exact-size and counting modes. */
static void
check_setop(setop_fn op, const ds_run *a, int32_t na, const ds_run *b,
			int32_t nb, const model *want)
{
	int32_t		room = na + nb;
	ds_run	   *out = malloc(sizeof(ds_run) * (size_t) (room > 0 ? room : 1));
	int32_t		n = -1,
				counted = -1;

	FUZZ_CHECK(out != NULL);
	op(a, na, b, nb, out, &n);
	FUZZ_CHECK(n >= 0 && n <= room);
	/* normalized and the right days (ds_is_normalized would also apply the
	 * harness's small run limit, which set operations do not enforce) */
	FUZZ_CHECK(model_equals(want, out, n));
	op(a, na, b, nb, NULL, &counted);
	FUZZ_CHECK(counted == n);
	free(out);
}

static int64_t
naive_longest(const model *m, int64_t max_gap)
{
	int64_t		best = 0,
				cur = 0,
				prev = -1;

	for (int i = 0; i < MODEL_WINDOW; i++)
	{
		if (!m->bit[i])
			continue;
		if (prev >= 0 && i - prev - 1 <= max_gap)
			cur++;
		else
			cur = 1;
		if (cur > best)
			best = cur;
		prev = i;
	}
	return best;
}

static int64_t
naive_current(const model *m, int64_t as_of, int64_t max_gap)
{
	int64_t		last = -1,
				len = 0;

	/* the last watched day on or before as_of */
	for (int i = MODEL_WINDOW - 1; i >= 0; i--)
		if (m->bit[i] && (int64_t) m->base + i <= as_of)
		{
			last = i;
			break;
		}
	if (last < 0 || as_of - ((int64_t) m->base + last) > max_gap + 1)
		return 0;
	/* walk back over watched days while each gap is small enough */
	for (int64_t i = last, prev = last; i >= 0; i--)
	{
		if (!m->bit[i])
			continue;
		if (prev - i - 1 > max_gap)
			break;
		len++;
		prev = i;
	}
	return len;
}

static int64_t
naive_streak_count(const model *m, int64_t min_days)
{
	int64_t		n = 0,
				run = 0;

	for (int i = 0; i <= MODEL_WINDOW; i++)
	{
		if (i < MODEL_WINDOW && m->bit[i])
			run++;
		else
		{
			if (run > 0 && run >= min_days)
				n++;
			run = 0;
		}
	}
	return n;
}

/* A max_gap: mostly small, sometimes at the int32 edge. */
static int32_t
read_gap(fuzz_input *in)
{
	uint8_t		sel = fuzz_u8(in);

	if (sel == 0xFF)
		return INT32_MAX;
	if (sel == 0xFE)
		return INT32_MAX - 1;
	return sel % 20;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input	in = {data, size};
	int32_t		base = fuzz_window_base(&in);
	model		ma,
				mb,
				want;
	ds_run	   *a,
			   *b;
	int32_t		na,
				nb;
	int			cmp;

	read_model(&in, &ma, base);
	read_model(&in, &mb, base);
	na = model_runs(&ma, &a);
	nb = model_runs(&mb, &b);

	want.base = base;
	for (int i = 0; i < MODEL_WINDOW; i++)
		want.bit[i] = ma.bit[i] || mb.bit[i];
	check_setop(ds_union, a, na, b, nb, &want);
	for (int i = 0; i < MODEL_WINDOW; i++)
		want.bit[i] = ma.bit[i] && mb.bit[i];
	check_setop(ds_intersect, a, na, b, nb, &want);
	for (int i = 0; i < MODEL_WINDOW; i++)
		want.bit[i] = ma.bit[i] && !mb.bit[i];
	check_setop(ds_difference, a, na, b, nb, &want);

	{
		bool		a_sup_b = true,
					b_sup_a = true,
					overlap = false,
					same = true;

		for (int i = 0; i < MODEL_WINDOW; i++)
		{
			if (mb.bit[i] && !ma.bit[i])
				a_sup_b = false;
			if (ma.bit[i] && !mb.bit[i])
				b_sup_a = false;
			if (ma.bit[i] && mb.bit[i])
				overlap = true;
			if (ma.bit[i] != mb.bit[i])
				same = false;
		}
		FUZZ_CHECK(ds_contains(a, na, b, nb) == a_sup_b);
		FUZZ_CHECK(ds_contains(b, nb, a, na) == b_sup_a);
		FUZZ_CHECK(ds_overlaps(a, na, b, nb) == overlap);
		FUZZ_CHECK(ds_overlaps(b, nb, a, na) == overlap);
		FUZZ_CHECK(ds_equal(a, na, b, nb) == same);
		cmp = ds_compare(a, na, b, nb);
		FUZZ_CHECK(cmp >= -1 && cmp <= 1);
		FUZZ_CHECK(ds_compare(b, nb, a, na) == -cmp);
		FUZZ_CHECK((cmp == 0) == same);
	}

	/* btree order: lexicographic over (first, last), a prefix first */
	{
		int			naive = 0;
		int32_t		n = na < nb ? na : nb;

		for (int32_t i = 0; i < n && naive == 0; i++)
		{
			if (a[i].first != b[i].first)
				naive = a[i].first < b[i].first ? -1 : 1;
			else if (a[i].last != b[i].last)
				naive = a[i].last < b[i].last ? -1 : 1;
		}
		if (naive == 0)
			naive = (na > nb) - (na < nb);
		FUZZ_CHECK(cmp == naive);
	}

	/* membership, including the days just outside the window */
	for (int64_t d = (int64_t) base - 2; d < (int64_t) base + MODEL_WINDOW + 2; d++)
		FUZZ_CHECK(ds_contains_day(a, na, (int32_t) d) == model_has(&ma, d));

	{
		int64_t		days = 0;

		for (int i = 0; i < MODEL_WINDOW; i++)
			days += ma.bit[i];
		FUZZ_CHECK(ds_day_count(a, na) == days);
	}

	/* measures with parameters from the rest of the input */
	do
	{
		int32_t		max_gap = read_gap(&in);
		int64_t		as_of = (int64_t) base - 3 + fuzz_u8(&in) % (MODEL_WINDOW + 6);
		int32_t		min_days = 1 + fuzz_u8(&in) % 40;

		if (fuzz_u8(&in) == 0xFF)
			min_days = INT32_MAX;
		FUZZ_CHECK(ds_longest_streak(a, na, max_gap) == naive_longest(&ma, max_gap));
		if (ds_day_valid(as_of))
			FUZZ_CHECK(ds_current_streak(a, na, (int32_t) as_of, max_gap) ==
					   naive_current(&ma, as_of, max_gap));
		FUZZ_CHECK(ds_streak_count(a, na, min_days) ==
				   naive_streak_count(&ma, min_days));
	} while (!fuzz_done(&in));

	free(a);
	free(b);
	return 0;
}
