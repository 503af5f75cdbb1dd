/*
 * ck_runs.c
 *		Sorting, merging and tallying sorted runs of unit hashes (see
 *		ck_runs.h): the spill to disk and the combine of parallel states.
 *
 * The sort is a most-significant-byte radix sort down to a few thousand
 * values, then an introsort (quicksort, heapsort past 2 log2 n levels,
 * insertion sort for short ranges): in place, O(n log n) whatever the
 * values, since an analyst chooses the units and so, in effect, their
 * hashes.  The merge keeps the runs' heads in a binary heap
 * and drops a value equal to the last one emitted: runs are each strictly
 * increasing, so duplicates can only come from different runs.
 */
#include "ck_runs.h"

#include "dayset_core.h"

#include <string.h>

/* ---- sort ---- */

static inline void
swap_u64(uint64_t *a, uint64_t *b)
{
	uint64_t	t = *a;

	*a = *b;
	*b = t;
}

static void
insertion_sort(uint64_t *v, size_t n)
{
	size_t		i,
				j;

	for (i = 1; i < n; i++)
	{
		uint64_t	x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void
sift_down(uint64_t *v, size_t root, size_t n)
{
	for (;;)
	{
		size_t		c = 2 * root + 1;

		if (c >= n)
			return;
		if (c + 1 < n && v[c + 1] > v[c])
			c++;
		if (v[root] >= v[c])
			return;
		swap_u64(&v[root], &v[c]);
		root = c;
	}
}

static void
heap_sort(uint64_t *v, size_t n)
{
	size_t		i;

	for (i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (i = n; i-- > 1;)
	{
		swap_u64(&v[0], &v[i]);
		sift_down(v, 0, i);
	}
}

static void
intro_sort(uint64_t *v, size_t n, int depth)
{
	while (n > 24)
	{
		uint64_t   *a = &v[0],
				   *b = &v[n / 2],
				   *c = &v[n - 1];
		uint64_t	pivot;
		size_t		i,
					j;

		if (depth-- == 0)
		{
			heap_sort(v, n);
			return;
		}
		/* median of three, as the pivot */
		if (*b < *a)
			swap_u64(a, b);
		if (*c < *b)
		{
			swap_u64(b, c);
			if (*b < *a)
				swap_u64(a, b);
		}
		pivot = *b;

		/* Hoare partition: v[0..j] <= pivot <= v[j+1..n) */
		i = 0;
		j = n - 1;
		for (;;)
		{
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i >= j)
				break;
			swap_u64(&v[i], &v[j]);
			i++;
			j--;
		}
		/* recurse into the smaller side, loop on the larger */
		if (j + 1 < n - j - 1)
		{
			intro_sort(v, j + 1, depth);
			v += j + 1;
			n -= j + 1;
		}
		else
		{
			intro_sort(v + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	insertion_sort(v, n);
}

static void
intro_sort_all(uint64_t *v, size_t n)
{
	int			depth = 0;
	size_t		m;

	for (m = n; m > 1; m >>= 1)
		depth += 2;
	intro_sort(v, n, depth);
}

/*
 * Most significant digit first: an in-place 256-way distribution on the
 * byte at shift (American flag sort), then each bucket the same way on the
 * next byte, down to RADIX_MIN values, which introsort takes.  Unit hashes
 * are uniform, so the first passes leave buckets that fit the cache;
 * whatever the values, each level is linear and the last is O(n log n).
 */
#define RADIX_MIN	4096

static void
radix_sort(uint64_t *v, size_t n, int shift)
{
	size_t		count[256] = {0};
	size_t		head[256];
	size_t		tail[256];
	size_t		i,
				pos = 0;
	int			b;

	if (n < RADIX_MIN || shift < 0)
	{
		intro_sort_all(v, n);
		return;
	}
	for (i = 0; i < n; i++)
		count[(v[i] >> shift) & 0xFF]++;
	for (b = 0; b < 256; b++)
	{
		head[b] = pos;
		pos += count[b];
		tail[b] = pos;
	}
	for (b = 0; b < 256; b++)
	{
		while (head[b] < tail[b])
		{
			uint64_t	x = v[head[b]];
			int			d = (int) ((x >> shift) & 0xFF);

			/* carry x to its bucket, taking what was there, until home */
			while (d != b)
			{
				uint64_t	t = v[head[d]];

				v[head[d]++] = x;
				x = t;
				d = (int) ((x >> shift) & 0xFF);
			}
			v[head[b]++] = x;
		}
	}
	pos = 0;
	for (b = 0; b < 256; b++)
	{
		if (count[b] > 1)
			radix_sort(v + pos, count[b], shift - 8);
		pos += count[b];
	}
}

void
ck_sort_u64(uint64_t *v, size_t n)
{
	radix_sort(v, n, 56);
}

size_t
ck_dedup_sorted(uint64_t *v, size_t n)
{
	size_t		i,
				k = 0;

	for (i = 0; i < n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* ---- runs ---- */

void
ck_run_array(ck_run *r, const uint64_t *v, size_t n)
{
	memset(r, 0, sizeof(*r));
	r->v = v;
	r->n = n;
}

/* a host that stores uint64_t little-endian copies serialized values as is */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define CK_HOST_LE 1
#else
#define CK_HOST_LE 0
#endif

static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t	v = 0;
	int			i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static ck_status
le_fill(ck_run *run)
{
	ck_run_le  *r = (ck_run_le *) run->ctx;
	size_t		k = r->left < r->blockcap ? (size_t) r->left : r->blockcap;
	size_t		i;

	if (CK_HOST_LE)
		memcpy(r->buf, r->bytes, 8 * k);
	else
		for (i = 0; i < k; i++)
			r->buf[i] = load_le64(r->bytes + 8 * i);
	r->bytes += 8 * k;
	r->left -= k;
	run->v = r->buf;
	run->n = k;
	run->i = 0;
	return CK_OK;
}

void
ck_run_le_init(ck_run_le *r, const uint8_t *bytes, uint64_t n,
			   uint64_t *buf, size_t blockcap)
{
	memset(r, 0, sizeof(*r));
	r->bytes = bytes;
	r->left = n;
	r->buf = buf;
	r->blockcap = blockcap;
	r->run.fill = le_fill;
	r->run.ctx = r;
}

/*
 * Make the run's current value available: fill an exhausted block.  false
 * at the end of the run.
 */
static inline ck_status
run_ready(ck_run *r, bool *more)
{
	if (r->i < r->n)
	{
		*more = true;
		return CK_OK;
	}
	*more = false;
	if (r->fill == NULL)
		return CK_OK;
	{
		ck_status	st = r->fill(r);

		if (st != CK_OK)
			return st;
	}
	*more = r->i < r->n;
	return CK_OK;
}

/*
 * Take the run's current value and move to the next; that next value must
 * be greater (each run is strictly increasing).
 */
static inline ck_status
run_advance(ck_run *r, bool *more)
{
	uint64_t	prev = r->v[r->i++];
	ck_status	st = run_ready(r, more);

	if (st == CK_OK && *more && r->v[r->i] <= prev)
		return CK_ERR_BAD_FORMAT;
	return st;
}

typedef struct merge_out
{
	uint64_t   *out;
	size_t		cap;
	size_t		k;
	bool		have_last;
	uint64_t	last;
	ck_emit_fn	emit;
	void	   *ctx;
} merge_out;

static inline ck_status
out_put(merge_out *o, uint64_t v)
{
	if (o->have_last && v == o->last)
		return CK_OK;
	o->have_last = true;
	o->last = v;
	o->out[o->k++] = v;
	if (o->k == o->cap)
	{
		o->k = 0;
		return o->emit(o->ctx, o->out, o->cap);
	}
	return CK_OK;
}

static inline uint64_t
head(const ck_run *r)
{
	return r->v[r->i];
}

/* restore the heap property from slot pos down; heap holds run indexes */
static void
heap_down(int *heap, int n, int pos, const ck_run *runs)
{
	int			x = heap[pos];
	uint64_t	xv = head(&runs[x]);

	for (;;)
	{
		int			c = 2 * pos + 1;

		if (c >= n)
			break;
		if (c + 1 < n && head(&runs[heap[c + 1]]) < head(&runs[heap[c]]))
			c++;
		if (xv <= head(&runs[heap[c]]))
			break;
		heap[pos] = heap[c];
		pos = c;
	}
	heap[pos] = x;
}

ck_status
ck_merge_runs(ck_run *runs, int nruns, uint64_t *out, size_t outcap,
			  ck_emit_fn emit, void *ctx)
{
	merge_out	o;
	int		   *heap;
	int			n = 0;
	int			i;
	bool		more;
	ck_status	st = CK_OK;

	memset(&o, 0, sizeof(o));
	o.out = out;
	o.cap = outcap;
	o.emit = emit;
	o.ctx = ctx;

	heap = ds_alloc((size_t) (nruns > 0 ? nruns : 1) * sizeof(int));
	if (heap == NULL)
		return CK_ERR_NOMEM;
	for (i = 0; i < nruns; i++)
	{
		st = run_ready(&runs[i], &more);
		if (st != CK_OK)
			goto done;
		if (more)
			heap[n++] = i;
	}
	for (i = n / 2; i-- > 0;)
		heap_down(heap, n, i, runs);

	while (n > 0)
	{
		ck_run	   *r = &runs[heap[0]];

		st = out_put(&o, head(r));
		if (st != CK_OK)
			goto done;
		st = run_advance(r, &more);
		if (st != CK_OK)
			goto done;
		if (!more)
			heap[0] = heap[--n];
		if (n > 1)
			heap_down(heap, n, 0, runs);
	}
	if (o.k > 0)
		st = emit(ctx, out, o.k);
done:
	ds_free(heap);
	return st;
}

/* ---- what the merge feeds ---- */

void
ck_tally_init(ck_tally *t, bool with_key, ck_sipkey key)
{
	memset(t, 0, sizeof(*t));
	t->with_key = with_key;
	t->key = key;
}

ck_status
ck_tally_emit(void *ctx, const uint64_t *v, size_t n)
{
	ck_tally   *t = ctx;
	size_t		i;

	t->count += n;
	if (t->with_key)
	{
		/* unsigned arithmetic wraps: this is the sum mod 2^32 */
		for (i = 0; i < n; i++)
			t->cell_key += ck_record_key(t->key, v[i]);
	}
	return CK_OK;
}

ck_status
ck_le_writer_emit(void *ctx, const uint64_t *v, size_t n)
{
	ck_le_writer *w = ctx;
	size_t		i;
	int			b;

	if (n > w->cap - w->pos)
		return CK_ERR_TOO_LARGE;
	if (CK_HOST_LE)
	{
		memcpy(w->out + 8 * w->pos, v, 8 * n);
		w->pos += n;
		return CK_OK;
	}
	for (i = 0; i < n; i++)
	{
		uint8_t    *p = w->out + 8 * (w->pos + i);

		for (b = 0; b < 8; b++)
			p[b] = (uint8_t) (v[i] >> (8 * b));
	}
	w->pos += n;
	return CK_OK;
}
