/*
 * test_privacy_runs.c
 *		Unit tests of the sorted runs behind the spill and the combine
 *		(src/core/ck_runs.c): the sort against qsort, a set sorted in place
 *		against its sorted distinct values, and the k-way merge against the
 *		sorted distinct union of its runs (count, cell key as the plain sum
 *		of record keys, serialized bytes), read in blocks of any size.
 */
#include "test_privacy.h"

#include "core/ck_runs.h"

#include <stdlib.h>

/* the oracle: sorted, repeats dropped, in place; the distinct count */
static size_t
oracle_distinct(uint64_t *v, size_t n)
{
	return sorted_distinct(v, n, v);
}

static int
cmp_u64_plain(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a,
				y = *(const uint64_t *) b;

	return (x > y) - (x < y);
}

/* values of several shapes: small (often 0 and repeats), high bits, random */
static uint64_t
some_value(rng *r, int shape)
{
	switch (shape)
	{
		case 0:
			return rng_below(r, 40);
		case 1:
			return rng_below(r, 64) << 58;
		case 2:
			return UINT64_MAX - rng_below(r, 40);
		default:
			return rng_next(r);
	}
}

static void
test_sort_u64(void)
{
	rng			r = rng_for("sort_u64");
	int			iter;

	for (iter = 0; iter < 400; iter++)
	{
		size_t		n = iter < 100 ? (size_t) iter : (size_t) rng_below(&r, 20000);
		int			shape = (int) rng_below(&r, 7);
		uint64_t   *v = malloc((n + 1) * sizeof(uint64_t));
		uint64_t   *w = malloc((n + 1) * sizeof(uint64_t));
		size_t		i;

		for (i = 0; i < n; i++)
		{
			switch (shape)
			{
				case 4:			/* ascending */
					v[i] = i * 3;
					break;
				case 5:			/* descending */
					v[i] = (uint64_t) (n - i);
					break;
				case 6:			/* all equal */
					v[i] = 42;
					break;
				default:
					v[i] = some_value(&r, shape);
			}
		}
		memcpy(w, v, n * sizeof(uint64_t));
		ck_sort_u64(v, n);
		qsort(w, n, sizeof(uint64_t), cmp_u64_plain);
		ut_set_context("iteration %d, n %zu, shape %d", iter, n, shape);
		CHECK(n == 0 || memcmp(v, w, n * sizeof(uint64_t)) == 0);
		/* repeats dropped in place, as the oracle does */
		{
			size_t		k = ck_dedup_sorted(v, n);

			CHECK_INT(k, oracle_distinct(w, n));
			CHECK(k == 0 || memcmp(v, w, k * sizeof(uint64_t)) == 0);
		}
		free(v);
		free(w);
	}
}

/* A median-of-three killer: organ-pipe input sorts like any other. */
static void
test_sort_u64_adversarial(void)
{
	size_t		n = 100000,
				i;
	uint64_t   *v = malloc(n * sizeof(uint64_t));

	for (i = 0; i < n; i++)
		v[i] = i < n / 2 ? i : n - i;
	ck_sort_u64(v, n);
	for (i = 1; i < n; i++)
		CHECK(v[i - 1] <= v[i]);
	free(v);
}

static void
test_set_sorted(void)
{
	rng			r = rng_for("set_sorted");
	int			iter;

	for (iter = 0; iter < 200; iter++)
	{
		size_t		n = (size_t) rng_below(&r, iter < 50 ? 20 : 5000);
		int			shape = (int) rng_below(&r, 4);
		uint64_t   *want = malloc((n + 1) * sizeof(uint64_t));
		ck_unitset	s;
		const uint64_t *vals;
		uint64_t	got;
		size_t		nwant,
					i;
		int			round;

		ck_set_init(&s);
		/* twice: the second round reuses the cleared table */
		for (round = 0; round < 2; round++)
		{
			for (i = 0; i < n; i++)
			{
				want[i] = some_value(&r, shape);
				CHECK_CK(ck_set_add(&s, want[i]), CK_OK);
			}
			nwant = oracle_distinct(want, n);
			CHECK_CK(ck_set_sorted(&s, &vals, &got), CK_OK);
			ut_set_context("iteration %d round %d, n %zu", iter, round, n);
			CHECK_INT(got, nwant);
			CHECK(nwant == 0 || memcmp(vals, want, nwant * 8) == 0);
			ck_set_clear(&s);
			CHECK_INT(ck_set_count(&s), 0);
		}
		ck_set_free(&s);
		free(want);
	}
	/* 0 alone, before any table exists */
	{
		ck_unitset	s;
		const uint64_t *vals;
		uint64_t	got;

		ck_set_init(&s);
		CHECK_CK(ck_set_add(&s, 0), CK_OK);
		CHECK_CK(ck_set_sorted(&s, &vals, &got), CK_OK);
		CHECK_INT(got, 1);
		CHECK(vals[0] == 0);
		ck_set_free(&s);
	}
}

/* ck_set_full: the table would have to grow past the limit */
static void
test_set_full(void)
{
	ck_unitset	s;
	uint64_t	i;

	ck_set_init(&s);
	CHECK(!ck_set_full(&s, CK_SET_MIN_LOG2CAP));
	for (i = 1; !ck_set_full(&s, 8); i++)
		CHECK_CK(ck_set_add(&s, i * UINT64_C(0x9E3779B97F4A7C15)), CK_OK);
	/* 256 slots, 3/4 full */
	CHECK_INT(s.cap, 256);
	CHECK_INT(s.used, 192);
	CHECK(!ck_set_full(&s, 9));
	ck_set_free(&s);
}

/* ---- the merge ---- */

/* a run read from an array blockcap values at a time, failing on demand */
typedef struct block_run
{
	ck_run		run;
	const uint64_t *all;
	size_t		len;
	size_t		pos;
	size_t		blockcap;
	int			fail_at;		/* fill number to fail, -1 never */
	int			fills;
} block_run;

static ck_status
block_fill(ck_run *run)
{
	block_run  *b = run->ctx;
	size_t		k = b->len - b->pos < b->blockcap ? b->len - b->pos : b->blockcap;

	if (b->fills++ == b->fail_at)
		return CK_ERR_NOMEM;
	run->v = b->all + b->pos;
	run->n = k;
	run->i = 0;
	b->pos += k;
	return CK_OK;
}

static void
block_run_init(block_run *b, const uint64_t *v, size_t n, size_t blockcap)
{
	memset(b, 0, sizeof(*b));
	b->all = v;
	b->len = n;
	b->blockcap = blockcap;
	b->fail_at = -1;
	b->run.fill = block_fill;
	b->run.ctx = b;
}

/* collects what the merge emits */
typedef struct collect
{
	uint64_t   *v;
	size_t		n;
	size_t		cap;
	size_t		calls;
	size_t		fail_at_call;	/* SIZE_MAX never */
} collect;

static ck_status
collect_emit(void *ctx, const uint64_t *v, size_t n)
{
	collect    *c = ctx;

	if (c->calls++ == c->fail_at_call)
		return CK_ERR_TOO_LARGE;
	if (n == 0 || c->n + n > c->cap)
		return CK_ERR_BAD_FORMAT;	/* never expected: fails the test */
	memcpy(c->v + c->n, v, n * sizeof(uint64_t));
	c->n += n;
	return CK_OK;
}

#define MAX_RUNS 40

static void
test_merge_oracle(void)
{
	rng			r = rng_for("merge_oracle");
	ck_sipkey	key = {UINT64_C(0x0706050403020100), UINT64_C(0x0f0e0d0c0b0a0908)};
	int			iter;

	for (iter = 0; iter < 300; iter++)
	{
		int			nruns = (int) rng_below(&r, iter < 30 ? 4 : MAX_RUNS + 1);
		uint64_t   *runv[MAX_RUNS];
		size_t		runn[MAX_RUNS];
		block_run	br[MAX_RUNS];
		ck_run		runs[MAX_RUNS];
		uint64_t   *all;
		size_t		total = 0,
					nwant,
					outcap = 1 + (size_t) rng_below(&r, 70),
					i;
		uint64_t   *out = malloc(outcap * sizeof(uint64_t));
		int			shape = (int) rng_below(&r, 4);
		int			k;
		collect		c;
		ck_tally	t;
		uint32_t	sum = 0;

		for (k = 0; k < nruns; k++)
		{
			size_t		n = (size_t) rng_below(&r, 300);

			runv[k] = malloc((n + 1) * sizeof(uint64_t));
			for (i = 0; i < n; i++)
				runv[k][i] = some_value(&r, shape);
			runn[k] = oracle_distinct(runv[k], n);
			total += runn[k];
		}
		all = malloc((total + 1) * sizeof(uint64_t));
		total = 0;
		for (k = 0; k < nruns; k++)
		{
			memcpy(all + total, runv[k], runn[k] * sizeof(uint64_t));
			total += runn[k];
		}
		nwant = oracle_distinct(all, total);
		for (i = 0; i < nwant; i++)
			sum += ck_record_key(key, all[i]);

		/* runs whole, or in blocks of 1 .. 40 values */
		for (k = 0; k < nruns; k++)
		{
			if (rng_chance(&r, 30))
				ck_run_array(&runs[k], runv[k], runn[k]);
			else
			{
				block_run_init(&br[k], runv[k], runn[k],
							   1 + (size_t) rng_below(&r, 40));
				runs[k] = br[k].run;
				runs[k].ctx = &br[k];
			}
		}
		memset(&c, 0, sizeof(c));
		c.cap = total + 1;
		c.v = malloc(c.cap * sizeof(uint64_t));
		c.fail_at_call = SIZE_MAX;
		ut_set_context("iteration %d, %d runs, outcap %zu", iter, nruns, outcap);
		CHECK_CK(ck_merge_runs(runs, nruns, out, outcap, collect_emit, &c), CK_OK);
		CHECK_INT(c.n, nwant);
		CHECK(nwant == 0 || memcmp(c.v, all, nwant * 8) == 0);

		/* the tally of the same runs, read again */
		for (k = 0; k < nruns; k++)
			ck_run_array(&runs[k], runv[k], runn[k]);
		ck_tally_init(&t, true, key);
		CHECK_CK(ck_merge_runs(runs, nruns, out, outcap, ck_tally_emit, &t), CK_OK);
		CHECK_INT(t.count, nwant);
		CHECK_INT(t.cell_key, sum);

		/* serialized: header and little-endian values, read back */
		{
			ck_params	p = {CK_PARAM_THRESHOLD, 5, 0, 0};
			ck_params	q;
			size_t		len = CK_STATE_HDRSZ + 8 * nwant;
			uint8_t    *bytes = malloc(len);
			ck_le_writer w = {bytes + CK_STATE_HDRSZ, 0, nwant};
			const uint8_t *vals;
			uint64_t	n;
			uint64_t	buf[7];
			ck_run_le	le;

			for (k = 0; k < nruns; k++)
				ck_run_array(&runs[k], runv[k], runn[k]);
			ck_state_write_header(&p, nwant, bytes);
			CHECK_CK(ck_merge_runs(runs, nruns, out, outcap, ck_le_writer_emit, &w), CK_OK);
			CHECK_INT(w.pos, nwant);
			CHECK_CK(ck_state_check(bytes, len, &q, &vals, &n), CK_OK);
			CHECK_INT(n, nwant);
			CHECK_INT(q.threshold, 5);
			ck_run_le_init(&le, vals, n, buf, 7);
			ck_tally_init(&t, true, key);
			CHECK_CK(ck_merge_runs(&le.run, 1, out, outcap, ck_tally_emit, &t), CK_OK);
			CHECK_INT(t.count, nwant);
			CHECK_INT(t.cell_key, sum);
			/* one value short: the writer refuses */
			if (nwant > 0)
			{
				w.pos = 0;
				w.cap = nwant - 1;
				for (k = 0; k < nruns; k++)
					ck_run_array(&runs[k], runv[k], runn[k]);
				CHECK_CK(ck_merge_runs(runs, nruns, out, outcap, ck_le_writer_emit, &w),
						 CK_ERR_TOO_LARGE);
			}
			free(bytes);
		}
		free(c.v);
		free(out);
		free(all);
		for (k = 0; k < nruns; k++)
			free(runv[k]);
	}
}

/* Runs that are not strictly increasing, failing fills and emits. */
static void
test_merge_errors(void)
{
	uint64_t	good[] = {1, 5, 9, 12};
	uint64_t	dup[] = {2, 3, 3, 8};
	uint64_t	down[] = {4, 7, 6};
	uint64_t	out[2];
	ck_run		runs[2];
	block_run	b;
	collect		c;
	uint64_t	cv[16];

	memset(&c, 0, sizeof(c));
	c.v = cv;
	c.cap = 16;
	c.fail_at_call = SIZE_MAX;

	ck_run_array(&runs[0], good, 4);
	ck_run_array(&runs[1], dup, 4);
	CHECK_CK(ck_merge_runs(runs, 2, out, 2, collect_emit, &c), CK_ERR_BAD_FORMAT);
	ck_run_array(&runs[0], down, 3);
	CHECK_CK(ck_merge_runs(runs, 1, out, 2, collect_emit, &c), CK_ERR_BAD_FORMAT);

	/* a break between two blocks is checked too */
	block_run_init(&b, dup, 4, 3);
	runs[0] = b.run;
	runs[0].ctx = &b;
	CHECK_CK(ck_merge_runs(runs, 1, out, 2, collect_emit, &c), CK_ERR_BAD_FORMAT);

	/* a failing fill stops the merge with its status */
	block_run_init(&b, good, 4, 1);
	b.fail_at = 2;
	runs[0] = b.run;
	runs[0].ctx = &b;
	ck_run_array(&runs[1], good, 4);
	CHECK_CK(ck_merge_runs(runs, 2, out, 2, collect_emit, &c), CK_ERR_NOMEM);

	/* and so does a failing emit */
	c.n = 0;
	c.calls = 0;
	c.fail_at_call = 1;
	ck_run_array(&runs[0], good, 4);
	ck_run_array(&runs[1], dup, 2);
	CHECK_CK(ck_merge_runs(runs, 2, out, 2, collect_emit, &c), CK_ERR_TOO_LARGE);

	/* no runs, empty runs: nothing emitted */
	c.n = 0;
	c.calls = 0;
	c.fail_at_call = 0;			/* any call would fail */
	CHECK_CK(ck_merge_runs(runs, 0, out, 2, collect_emit, &c), CK_OK);
	ck_run_array(&runs[0], good, 0);
	ck_run_array(&runs[1], dup, 0);
	CHECK_CK(ck_merge_runs(runs, 2, out, 2, collect_emit, &c), CK_OK);
	CHECK_INT(c.calls, 0);
}

/* ck_state_check accepts what ck_state_write writes and nothing else. */
static void
test_state_check(void)
{
	ck_unitset	s;
	ck_params	p = {CK_PARAM_EPSILON, 0, 0.5, 0};
	ck_params	q;
	uint8_t    *bytes;
	size_t		len;
	const uint8_t *vals;
	uint64_t	n,
				i;

	ck_set_init(&s);
	for (i = 0; i < 100; i++)
		CHECK_CK(ck_set_add(&s, i * UINT64_C(0x9E3779B97F4A7C15)), CK_OK);
	len = ck_state_size(&s);
	bytes = malloc(len);
	ck_state_write(&s, &p, bytes);
	CHECK_CK(ck_state_check(bytes, len, &q, &vals, &n), CK_OK);
	CHECK_INT(n, 100);
	CHECK(q.epsilon == 0.5 && q.flags == CK_PARAM_EPSILON);
	CHECK(vals == bytes + CK_STATE_HDRSZ);
	CHECK_CK(ck_state_check(bytes, len - 8, &q, &vals, &n), CK_ERR_BAD_FORMAT);
	/* two values swapped */
	{
		uint8_t		t[8];

		memcpy(t, bytes + CK_STATE_HDRSZ, 8);
		memcpy(bytes + CK_STATE_HDRSZ, bytes + CK_STATE_HDRSZ + 8, 8);
		memcpy(bytes + CK_STATE_HDRSZ + 8, t, 8);
		CHECK_CK(ck_state_check(bytes, len, &q, &vals, &n), CK_ERR_BAD_FORMAT);
	}
	free(bytes);
	ck_set_free(&s);
}

void
run_privacy_runs_tests(void)
{
	UT_RUN(test_sort_u64);
	UT_RUN(test_sort_u64_adversarial);
	UT_RUN(test_set_sorted);
	UT_RUN(test_set_full);
	UT_RUN(test_merge_oracle);
	UT_RUN(test_merge_errors);
	UT_RUN(test_state_check);
}
