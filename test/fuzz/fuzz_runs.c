/*
 * fuzz_runs.c
 *		libFuzzer harness of the sorted runs behind the safe counts' spill
 *		and combine (src/core/ck_runs.c): the in-place sort, a set sorted
 *		into its own table, and the k-way merge of runs with duplicates
 *		dropped, read in blocks of any size, under allocator failures.
 *
 * The naive model: all values of all runs in one array, insertion-sorted,
 * repeats dropped; a run the input made non-increasing must make the merge
 * fail with CK_ERR_BAD_FORMAT and nothing else may.  The tally's cell key
 * is checked against the plain sum of record keys.
 */
#include "fuzz_util.h"
#include "core/ck_runs.h"

#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RUNS 12
#define MAX_RUN_LEN 200

static uint64_t
pick_value(fuzz_input *in)
{
	uint8_t		sel = fuzz_u8(in);

	if (sel < 4)
		return (uint64_t[]) {0, 1, UINT64_MAX, (uint64_t) 1 << 63}[sel];
	if (sel < 220)
		return (uint64_t) (sel & 31) * UINT64_C(0x0800000000000001);
	return ((uint64_t) fuzz_u32(in) << 32) | fuzz_u32(in);
}

static void
naive_sort(uint64_t *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--)
		{
			uint64_t	t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static size_t
naive_distinct(uint64_t *v, size_t n)
{
	size_t		k = 0;

	naive_sort(v, n);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

typedef struct block_run
{
	const uint64_t *all;
	size_t		len;
	size_t		pos;
	size_t		blockcap;
} block_run;

static ck_status
block_fill(ck_run *run)
{
	block_run  *b = run->ctx;
	size_t		k = b->len - b->pos < b->blockcap ? b->len - b->pos : b->blockcap;

	run->v = b->all + b->pos;
	run->n = k;
	run->i = 0;
	b->pos += k;
	return CK_OK;
}

typedef struct collect
{
	uint64_t	v[MAX_RUNS * MAX_RUN_LEN];
	size_t		n;
} collect;

static ck_status
collect_emit(void *ctx, const uint64_t *v, size_t n)
{
	collect    *c = ctx;

	FUZZ_CHECK(n >= 1 && c->n + n <= MAX_RUNS * MAX_RUN_LEN);
	memcpy(c->v + c->n, v, n * sizeof(uint64_t));
	c->n += n;
	return CK_OK;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a,
				y = *(const uint64_t *) b;

	return (x > y) - (x < y);
}

/*
 * Short inputs sort as they are; with the first byte odd, the values are
 * spread over up to 12,000 (past the radix sort's cut-over to introsort),
 * each one masked and shifted by the input, and checked against qsort.
 */
static void
fuzz_sort(fuzz_input *in)
{
	static uint64_t v[12000],
				w[12000];
	uint64_t	base[MAX_RUN_LEN];
	size_t		n = 0,
				m = 0,
				k;
	bool		big = fuzz_u8(in) & 1;
	uint64_t	mask;
	int			shift;

	if (!big)
	{
		while (!fuzz_done(in) && n < MAX_RUN_LEN * 4)
			v[n++] = pick_value(in);
		memcpy(w, v, n * sizeof(uint64_t));
		ck_sort_u64(v, n);
		naive_sort(w, n);
		FUZZ_CHECK(n == 0 || memcmp(v, w, n * sizeof(uint64_t)) == 0);
		return;
	}
	n = 4000 + fuzz_u16(in) % 8000;
	mask = ((uint64_t) fuzz_u32(in) << 32) | fuzz_u32(in);
	shift = fuzz_u8(in) % 64;
	while (!fuzz_done(in) && m < MAX_RUN_LEN)
		base[m++] = pick_value(in);
	if (m == 0)
		base[m++] = 0;
	for (size_t i = 0; i < n; i++)
		v[i] = (base[i % m] ^ (((uint64_t) i * 0x9E3779B97F4A7C15ull) & mask)) << shift;
	memcpy(w, v, n * sizeof(uint64_t));
	ck_sort_u64(v, n);
	qsort(w, n, sizeof(uint64_t), cmp_u64);
	FUZZ_CHECK(memcmp(v, w, n * sizeof(uint64_t)) == 0);
	/* repeats dropped: the distinct values of qsort's order, in order */
	k = ck_dedup_sorted(v, n);
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || w[i] != w[i - 1])
		{
			FUZZ_CHECK(m < k && v[m] == w[i]);
			m++;
		}
	FUZZ_CHECK(m == k);
}

static void
fuzz_set_sorted(fuzz_input *in)
{
	uint64_t	want[MAX_RUN_LEN * 4];
	size_t		n = 0,
				nwant;
	ck_unitset	s;
	const uint64_t *vals;
	uint64_t	got;

	ck_set_init(&s);
	while (!fuzz_done(in) && n < MAX_RUN_LEN * 4)
	{
		want[n] = pick_value(in);
		FUZZ_CHECK(ck_set_add(&s, want[n]) == CK_OK);
		n++;
	}
	nwant = naive_distinct(want, n);
	FUZZ_CHECK(ck_set_sorted(&s, &vals, &got) == CK_OK);
	FUZZ_CHECK(got == nwant);
	FUZZ_CHECK(nwant == 0 || memcmp(vals, want, nwant * 8) == 0);
	ck_set_clear(&s);
	FUZZ_CHECK(ck_set_count(&s) == 0);
	ck_set_free(&s);
}

static void
fuzz_merge(fuzz_input *in)
{
	static uint64_t runv[MAX_RUNS][MAX_RUN_LEN];
	static collect c;
	static uint64_t all[MAX_RUNS * MAX_RUN_LEN];
	size_t		runn[MAX_RUNS];
	block_run	br[MAX_RUNS];
	ck_run		runs[MAX_RUNS];
	ck_sipkey	key = {0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
	int			nruns = fuzz_u8(in) % (MAX_RUNS + 1);
	size_t		outcap = 1 + fuzz_u8(in) % 40;
	uint64_t	out[40];
	bool		broken = false;
	size_t		total = 0,
				nwant;
	long		fail_at = (fuzz_u8(in) % 4 == 0) ? 0 : -1;
	ck_status	st;
	ck_tally	t;
	uint32_t	sum = 0;

	for (int k = 0; k < nruns; k++)
	{
		uint8_t		flags = fuzz_u8(in);
		size_t		n = fuzz_u8(in) % MAX_RUN_LEN;

		for (size_t i = 0; i < n; i++)
			runv[k][i] = pick_value(in);
		/* most runs are made valid; the others stay as the input says */
		if (flags & 1)
			runn[k] = n;
		else
			runn[k] = naive_distinct(runv[k], n);
		for (size_t i = 1; i < runn[k]; i++)
			if (runv[k][i] <= runv[k][i - 1])
				broken = true;
		memcpy(all + total, runv[k], runn[k] * sizeof(uint64_t));
		total += runn[k];
		if (flags & 2)
			ck_run_array(&runs[k], runv[k], runn[k]);
		else
		{
			br[k] = (block_run) {runv[k], runn[k], 0, 1 + (flags >> 2) % 50};
			memset(&runs[k], 0, sizeof(runs[k]));
			runs[k].fill = block_fill;
			runs[k].ctx = &br[k];
		}
	}
	nwant = naive_distinct(all, total);

	c.n = 0;
	fuzz_alloc_install(fail_at);
	st = ck_merge_runs(runs, nruns, out, outcap, collect_emit, &c);
	fuzz_alloc_uninstall();
	if (fail_at == 0)
	{
		FUZZ_CHECK(st == CK_ERR_NOMEM);
		return;
	}
	if (broken)
	{
		FUZZ_CHECK(st == CK_ERR_BAD_FORMAT);
		return;
	}
	FUZZ_CHECK(st == CK_OK);
	FUZZ_CHECK(c.n == nwant);
	FUZZ_CHECK(nwant == 0 || memcmp(c.v, all, nwant * 8) == 0);

	/* the tally over the runs again, whole this time */
	for (int k = 0; k < nruns; k++)
		ck_run_array(&runs[k], runv[k], runn[k]);
	for (size_t i = 0; i < nwant; i++)
		sum += ck_record_key(key, all[i]);
	ck_tally_init(&t, true, key);
	FUZZ_CHECK(ck_merge_runs(runs, nruns, out, outcap, ck_tally_emit, &t) == CK_OK);
	FUZZ_CHECK(t.count == nwant);
	FUZZ_CHECK(t.cell_key == sum);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input	in = {data, size};

	switch (fuzz_u8(&in) % 3)
	{
		case 0:
			fuzz_sort(&in);
			break;
		case 1:
			fuzz_set_sorted(&in);
			break;
		default:
			fuzz_merge(&in);
			break;
	}
	return 0;
}
