/*
 * dayset_core.c
 *		Day sets as normalized run arrays: calendar, builder, algebra,
 *		measures, text and binary formats.
 *
 * Pure C (no PostgreSQL headers).  Every function that reads bytes from
 * outside (text, wire, serialized state) validates before it trusts them.
 * Run arithmetic is done in int64 where a day plus one could leave int32.
 */
#include "dayset_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Allocator hooks ---- */

static void *
default_alloc(size_t size)
{
	return malloc(size);
}

static void *
default_realloc(void *ptr, size_t size)
{
	return realloc(ptr, size);
}

static void
default_free(void *ptr)
{
	free(ptr);
}

static ds_alloc_fn alloc_hook = default_alloc;
static ds_realloc_fn realloc_hook = default_realloc;
static ds_free_fn free_hook = default_free;

void
ds_set_allocator(ds_alloc_fn alloc, ds_realloc_fn realloc_, ds_free_fn free_)
{
	alloc_hook = alloc ? alloc : default_alloc;
	realloc_hook = realloc_ ? realloc_ : default_realloc;
	free_hook = free_ ? free_ : default_free;
}

void *
ds_alloc(size_t size)
{
	return alloc_hook(size);
}

void *
ds_realloc(void *ptr, size_t size)
{
	/* palloc's repalloc refuses NULL, so route a first allocation to alloc */
	if (ptr == NULL)
		return alloc_hook(size);
	return realloc_hook(ptr, size);
}

void
ds_free(void *ptr)
{
	if (ptr != NULL)
		free_hook(ptr);
}

/* ---- Calendar (days since 2000-01-01, proleptic Gregorian) ---- */

#define DAYS_1970_TO_2000 10957
#define MIN_YEAR (-4713)
#define MAX_YEAR 5874897

static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t		era,
				yoe,
				doy,
				doe;

	y -= (m <= 2);
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 - DAYS_1970_TO_2000;
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

ds_status
ds_day_from_ymd(int32_t year, int32_t month, int32_t mday, int32_t *day)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int64_t		d;

	if (year < MIN_YEAR || year > MAX_YEAR)
		return DS_ERR_DAY_RANGE;
	if (month < 1 || month > 12 || mday < 1)
		return DS_ERR_BAD_DATE;
	if (mday > mdays[month - 1] + (month == 2 && is_leap(year)))
		return DS_ERR_BAD_DATE;
	d = days_from_civil(year, month, mday);
	if (!ds_day_valid(d))
		return DS_ERR_DAY_RANGE;
	*day = (int32_t) d;
	return DS_OK;
}

void
ds_ymd_from_day(int32_t day, int32_t *year, int32_t *month, int32_t *mday)
{
	int64_t		z = (int64_t) day + DAYS_1970_TO_2000 + 719468;
	int64_t		era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;
	int64_t		m = mp < 10 ? mp + 3 : mp - 9;

	*mday = (int32_t) (doy - (153 * mp + 2) / 5 + 1);
	*month = (int32_t) m;
	*year = (int32_t) (yoe + era * 400 + (m <= 2));
}

/* ---- Builder ---- */

static int
cmp_int32(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a;
	int32_t		y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

static int
cmp_run_first(const void *a, const void *b)
{
	const ds_run *x = a;
	const ds_run *y = b;

	if (x->first != y->first)
		return (x->first > y->first) - (x->first < y->first);
	return (x->last > y->last) - (x->last < y->last);
}

void
ds_builder_init(ds_builder *b)
{
	memset(b, 0, sizeof(*b));
}

void
ds_builder_free(ds_builder *b)
{
	ds_free(b->runs);
	ds_free(b->pending);
	ds_builder_init(b);
}

/* Make room for at least need runs, growing geometrically. */
static ds_status
reserve_runs(ds_builder *b, int64_t need)
{
	int64_t		cap;
	ds_run	   *p;

	if (need <= b->runs_cap)
		return DS_OK;
	if (need > DS_MAX_RUNS)
		return DS_ERR_TOO_LARGE;
	cap = b->runs_cap < 4 ? 4 : (int64_t) b->runs_cap * 2;
	while (cap < need)
		cap *= 2;
	if (cap > DS_MAX_RUNS)
		cap = DS_MAX_RUNS;
	p = ds_realloc(b->runs, (size_t) cap * sizeof(ds_run));
	if (p == NULL)
		return DS_ERR_NOMEM;
	b->runs = p;
	b->runs_cap = (int32_t) cap;
	return DS_OK;
}

/*
 * Coalesce sorted (by first) runs in place into a normalized prefix; returns
 * the new count.  Input runs may overlap or touch.
 */
static int32_t
coalesce_sorted(ds_run *r, int32_t n)
{
	int32_t		out = 0;

	for (int32_t i = 0; i < n; i++)
	{
		if (out > 0 && (int64_t) r[i].first <= (int64_t) r[out - 1].last + 1)
		{
			if (r[i].last > r[out - 1].last)
				r[out - 1].last = r[i].last;
		}
		else
			r[out++] = r[i];
	}
	return out;
}

/* Move the tail to the end of the array, where it belongs in order. */
static ds_status
flush_tail(ds_builder *b)
{
	ds_status	st;

	if (!b->has_tail)
		return DS_OK;
	st = reserve_runs(b, (int64_t) b->nruns + 1);
	if (st != DS_OK)
		return st;				/* the tail stays, and the set is intact */
	b->runs[b->nruns++] = b->tail;
	b->has_tail = false;
	return DS_OK;
}

/*
 * Replace b->runs by the union of b's runs and tail and the normalized
 * array add.
 */
static ds_status
merge_into(ds_builder *b, const ds_run *add, int32_t nadd)
{
	int64_t		need;
	ds_run	   *out;
	int32_t		nout;
	ds_status	st;

	if (nadd == 0)
		return DS_OK;
	st = flush_tail(b);
	if (st == DS_ERR_TOO_LARGE)
	{
		/*
		 * The array is at the run limit and cannot take the tail: merge the
		 * tail into the runs being added instead (it lies after every run in
		 * the array), since the union may still fit.
		 */
		ds_run	   *with_tail = ds_alloc(((size_t) nadd + 1) * sizeof(ds_run));
		int32_t		n;

		if (with_tail == NULL)
			return DS_ERR_NOMEM;
		ds_union(add, nadd, &b->tail, 1, with_tail, &n);
		b->has_tail = false;
		st = merge_into(b, with_tail, n);
		if (st != DS_OK)
			b->has_tail = true; /* the array is untouched on failure */
		ds_free(with_tail);
		return st;
	}
	if (st != DS_OK)
		return st;
	need = (int64_t) b->nruns + nadd;
	/*
	 * Common rollup case: everything new starts at or after our last run
	 * (months in order; a run across a month's end touches the last run).
	 * Then only the last run can merge, and the rest appends.
	 */
	if (need <= DS_MAX_RUNS &&
		(b->nruns == 0 || add[0].first >= b->runs[b->nruns - 1].first))
	{
		st = reserve_runs(b, need);
		if (st != DS_OK)
			return st;
		for (int32_t i = 0; i < nadd; i++)
		{
			if (b->nruns > 0 &&
				(int64_t) add[i].first <= (int64_t) b->runs[b->nruns - 1].last + 1)
			{
				if (add[i].last > b->runs[b->nruns - 1].last)
					b->runs[b->nruns - 1].last = add[i].last;
			}
			else
				b->runs[b->nruns++] = add[i];
		}
		return DS_OK;
	}
	/*
	 * The union never has more runs than its inputs together; past the cap,
	 * count it exactly, since merging may bring it back under.
	 */
	if (need > DS_MAX_RUNS)
	{
		ds_union(b->runs, b->nruns, add, nadd, NULL, &nout);
		if (nout > DS_MAX_RUNS)
			return DS_ERR_TOO_LARGE;
		need = nout;
	}
	out = ds_alloc((size_t) need * sizeof(ds_run));
	if (out == NULL)
		return DS_ERR_NOMEM;
	ds_union(b->runs, b->nruns, add, nadd, out, &nout);
	ds_free(b->runs);
	b->runs = out;
	b->runs_cap = (int32_t) need;
	b->nruns = nout;
	return DS_OK;
}

/* Turn the pending days into runs and merge them in. */
static ds_status
compact_pending(ds_builder *b)
{
	ds_run	   *tmp;
	int32_t		n = 0;
	ds_status	st;

	if (b->npending == 0)
		return DS_OK;
	qsort(b->pending, (size_t) b->npending, sizeof(int32_t), cmp_int32);
	tmp = ds_alloc((size_t) b->npending * sizeof(ds_run));
	if (tmp == NULL)
		return DS_ERR_NOMEM;
	for (int32_t i = 0; i < b->npending; i++)
	{
		int32_t		d = b->pending[i];

		if (n > 0 && (int64_t) d <= (int64_t) tmp[n - 1].last + 1)
		{
			if (d > tmp[n - 1].last)
				tmp[n - 1].last = d;
		}
		else
		{
			tmp[n].first = d;
			tmp[n].last = d;
			n++;
		}
	}
	st = merge_into(b, tmp, n);
	ds_free(tmp);
	if (st == DS_OK)
		b->npending = 0;		/* on failure they stay, and the set is intact */
	return st;
}

ds_status
ds_builder_add_day_slow(ds_builder *b, int32_t day)
{
	ds_status	st;

	if (b->has_tail && day > (int64_t) b->tail.last + 1)
	{
		/* A new run after the tail, and the array is full: grow it. */
		st = flush_tail(b);
		if (st == DS_ERR_TOO_LARGE && b->npending > 0)
		{
			/*
			 * At the run limit, but pending days may fill gaps: merge them
			 * and look again, so the limit applies to the set, not to how its
			 * days happen to be split between runs and the buffer.
			 */
			st = compact_pending(b);
			if (st != DS_OK)
				return st;
			return ds_builder_add_day(b, day);
		}
		if (st != DS_OK)
			return st;
		b->tail.first = day;
		b->tail.last = day;
		b->has_tail = true;
		return DS_OK;
	}
	if (!b->has_tail && (b->nruns == 0 || day >= b->runs[b->nruns - 1].first))
	{
		/* At or after the last run: it extends it, or starts the tail. */
		if (b->nruns > 0 && day <= (int64_t) b->runs[b->nruns - 1].last + 1)
		{
			if (day > b->runs[b->nruns - 1].last)
				b->runs[b->nruns - 1].last = day;
			return DS_OK;
		}
		b->tail.first = day;
		b->tail.last = day;
		b->has_tail = true;
		return DS_OK;
	}

	/* Out of order: buffer it, and compact once the buffer is large. */
	if (b->npending == b->pending_cap && b->pending_cap >= DS_MAX_RUNS)
	{
		/* The buffer cannot grow: merge it into the runs to make room. */
		st = compact_pending(b);
		if (st != DS_OK)
			return st;
	}
	if (b->npending == b->pending_cap)
	{
		int64_t		cap = b->pending_cap < DS_PENDING_MIN ?
			DS_PENDING_MIN : (int64_t) b->pending_cap * 2;
		int32_t    *p;

		if (cap > DS_MAX_RUNS)
			cap = DS_MAX_RUNS;
		p = ds_realloc(b->pending, (size_t) cap * sizeof(int32_t));
		if (p == NULL)
			return DS_ERR_NOMEM;
		b->pending = p;
		b->pending_cap = (int32_t) cap;
	}
	b->pending[b->npending++] = day;
	if (b->npending >= DS_PENDING_MIN && b->npending >= b->nruns)
		return compact_pending(b);
	return DS_OK;
}

/*
 * merge_into, but when the union of the runs alone is too large, merge the
 * pending days first (they may fill gaps) and try once more.
 */
static ds_status
merge_into_compacting(ds_builder *b, const ds_run *add, int32_t nadd)
{
	ds_status	st = merge_into(b, add, nadd);

	if (st == DS_ERR_TOO_LARGE && b->npending > 0)
	{
		st = compact_pending(b);
		if (st == DS_OK)
			st = merge_into(b, add, nadd);
	}
	return st;
}

ds_status
ds_builder_add_runs(ds_builder *b, const ds_run *runs, int32_t n)
{
	return merge_into_compacting(b, runs, n);
}

/*
 * Sort, coalesce and merge the runs in tmp (ds_alloc'ed, n > 0), then free
 * it: one merge, so on failure the builder holds its set from before.
 */
static ds_status
merge_owned_runs(ds_builder *b, ds_run *tmp, int32_t n, bool sorted)
{
	ds_status	st;

	if (!sorted)
		qsort(tmp, (size_t) n, sizeof(ds_run), cmp_run_first);
	n = coalesce_sorted(tmp, n);
	st = merge_into_compacting(b, tmp, n);
	ds_free(tmp);
	return st;
}

ds_status
ds_builder_add_raw_runs(ds_builder *b, const ds_run *runs, int32_t n)
{
	ds_run	   *tmp;

	if (n == 0)
		return DS_OK;
	tmp = ds_alloc((size_t) n * sizeof(ds_run));
	if (tmp == NULL)
		return DS_ERR_NOMEM;
	memcpy(tmp, runs, (size_t) n * sizeof(ds_run));
	return merge_owned_runs(b, tmp, n, false);
}

/*
 * The builder's whole set as one new run array, unmerged: its runs, its
 * tail, then its pending days as runs of one day (sorted only when there
 * are none of those).  Each part is at most DS_MAX_RUNS, so the count fits.
 */
static ds_run *
builder_parts(const ds_builder *b, int32_t *n)
{
	int64_t		m = (int64_t) b->nruns + (b->has_tail ? 1 : 0) + b->npending;
	ds_run	   *tmp = ds_alloc((size_t) m * sizeof(ds_run));
	int32_t		k;

	if (tmp == NULL)
		return NULL;
	if (b->nruns > 0)
		memcpy(tmp, b->runs, (size_t) b->nruns * sizeof(ds_run));
	k = b->nruns;
	if (b->has_tail)
		tmp[k++] = b->tail;
	for (int32_t i = 0; i < b->npending; i++, k++)
		tmp[k].first = tmp[k].last = b->pending[i];
	*n = k;
	return tmp;
}

ds_status
ds_builder_add_builder(ds_builder *b, const ds_builder *src)
{
	ds_run	   *tmp;
	int32_t		k;

	if (!src->has_tail && src->npending == 0)
		return merge_into_compacting(b, src->runs, src->nruns);
	tmp = builder_parts(src, &k);
	if (tmp == NULL)
		return DS_ERR_NOMEM;
	/* runs and tail are in order; loose days need a sort */
	return merge_owned_runs(b, tmp, k, src->npending == 0);
}

ds_status
ds_builder_finish(ds_builder *b)
{
	/* pending days first: they may fill gaps, and merging takes the tail */
	ds_status	st = compact_pending(b);

	if (st != DS_OK)
		return st;
	return flush_tail(b);
}

ds_status
ds_builder_view(const ds_builder *b, const ds_run **runs, int32_t *n,
				ds_run **owned)
{
	ds_run	   *tmp;
	int32_t		k;

	*owned = NULL;
	if (b->npending == 0 && (!b->has_tail || b->nruns == 0))
	{
		*runs = b->has_tail ? &b->tail : b->runs;
		*n = b->has_tail ? 1 : b->nruns;
		return DS_OK;
	}
	tmp = builder_parts(b, &k);
	if (tmp == NULL)
		return DS_ERR_NOMEM;
	if (b->npending > 0)
	{
		/* loose days need a sort; runs and tail are already in order */
		qsort(tmp, (size_t) k, sizeof(ds_run), cmp_run_first);
		k = coalesce_sorted(tmp, k);
	}
	if (k > DS_MAX_RUNS)
	{
		ds_free(tmp);
		return DS_ERR_TOO_LARGE;
	}
	*runs = tmp;
	*n = k;
	*owned = tmp;
	return DS_OK;
}

/* ---- Set algebra ---- */

void
ds_union(const ds_run *a, int32_t na, const ds_run *b, int32_t nb,
		 ds_run *out, int32_t *nout)
{
	int32_t		i = 0,
				j = 0,
				n = 0;
	ds_run		cur = {0, 0};

	while (i < na || j < nb)
	{
		ds_run		next;

		if (j >= nb || (i < na && a[i].first <= b[j].first))
			next = a[i++];
		else
			next = b[j++];
		/* cur is the run being grown; out[n - 1] when writing */
		if (n > 0 && (int64_t) next.first <= (int64_t) cur.last + 1)
		{
			if (next.last > cur.last)
				cur.last = next.last;
		}
		else
		{
			if (n > 0 && out != NULL)
				out[n - 1] = cur;
			cur = next;
			n++;
		}
	}
	if (n > 0 && out != NULL)
		out[n - 1] = cur;
	*nout = n;
}

void
ds_intersect(const ds_run *a, int32_t na, const ds_run *b, int32_t nb,
			 ds_run *out, int32_t *nout)
{
	int32_t		i = 0,
				j = 0,
				n = 0;

	while (i < na && j < nb)
	{
		int32_t		lo = a[i].first > b[j].first ? a[i].first : b[j].first;
		int32_t		hi = a[i].last < b[j].last ? a[i].last : b[j].last;

		if (lo <= hi)
		{
			if (out != NULL)
			{
				out[n].first = lo;
				out[n].last = hi;
			}
			n++;
		}
		if (a[i].last < b[j].last)
			i++;
		else
			j++;
	}
	*nout = n;
}

void
ds_difference(const ds_run *a, int32_t na, const ds_run *b, int32_t nb,
			  ds_run *out, int32_t *nout)
{
	int32_t		j = 0,
				n = 0;

	for (int32_t i = 0; i < na; i++)
	{
		int64_t		lo = a[i].first;
		int64_t		hi = a[i].last;

		/* skip b runs entirely before this a run */
		while (j < nb && b[j].last < lo)
			j++;
		for (int32_t k = j; k < nb && b[k].first <= hi; k++)
		{
			if (b[k].first > lo)
			{
				if (out != NULL)
				{
					out[n].first = (int32_t) lo;
					out[n].last = b[k].first - 1;
				}
				n++;
			}
			lo = (int64_t) b[k].last + 1;
			if (lo > hi)
				break;
		}
		if (lo <= hi)
		{
			if (out != NULL)
			{
				out[n].first = (int32_t) lo;
				out[n].last = (int32_t) hi;
			}
			n++;
		}
	}
	*nout = n;
}

/* Index of the last run whose first day is <= day, or -1. */
static int32_t
find_run(const ds_run *a, int32_t na, int32_t day)
{
	int32_t		lo = 0,
				hi = na - 1,
				ans = -1;

	while (lo <= hi)
	{
		int32_t		mid = lo + (hi - lo) / 2;

		if (a[mid].first <= day)
		{
			ans = mid;
			lo = mid + 1;
		}
		else
			hi = mid - 1;
	}
	return ans;
}

bool
ds_contains_day(const ds_run *a, int32_t na, int32_t day)
{
	int32_t		k = find_run(a, na, day);

	return k >= 0 && day <= a[k].last;
}

bool
ds_contains(const ds_run *a, int32_t na, const ds_run *b, int32_t nb)
{
	int32_t		i = 0;

	for (int32_t j = 0; j < nb; j++)
	{
		while (i < na && a[i].last < b[j].first)
			i++;
		if (i >= na || a[i].first > b[j].first || a[i].last < b[j].last)
			return false;
	}
	return true;
}

bool
ds_overlaps(const ds_run *a, int32_t na, const ds_run *b, int32_t nb)
{
	int32_t		i = 0,
				j = 0;

	while (i < na && j < nb)
	{
		if (a[i].last < b[j].first)
			i++;
		else if (b[j].last < a[i].first)
			j++;
		else
			return true;
	}
	return false;
}

bool
ds_equal(const ds_run *a, int32_t na, const ds_run *b, int32_t nb)
{
	return na == nb &&
		(na == 0 || memcmp(a, b, (size_t) na * sizeof(ds_run)) == 0);
}

int
ds_compare(const ds_run *a, int32_t na, const ds_run *b, int32_t nb)
{
	int32_t		n = na < nb ? na : nb;

	for (int32_t i = 0; i < n; i++)
	{
		if (a[i].first != b[i].first)
			return a[i].first < b[i].first ? -1 : 1;
		if (a[i].last != b[i].last)
			return a[i].last < b[i].last ? -1 : 1;
	}
	return (na > nb) - (na < nb);
}

bool
ds_is_normalized(const ds_run *a, int32_t na)
{
	if (na < 0 || na > DS_MAX_RUNS)
		return false;
	for (int32_t i = 0; i < na; i++)
	{
		if (!ds_day_valid(a[i].first) || !ds_day_valid(a[i].last) ||
			a[i].first > a[i].last)
			return false;
		if (i > 0 && (int64_t) a[i].first <= (int64_t) a[i - 1].last + 1)
			return false;
	}
	return true;
}

/* ---- Measures ---- */

static inline int64_t
run_len(const ds_run *r)
{
	return (int64_t) r->last - r->first + 1;
}

int32_t
ds_day_count(const ds_run *a, int32_t na)
{
	int64_t		n = 0;

	for (int32_t i = 0; i < na; i++)
		n += run_len(&a[i]);
	return (int32_t) n;
}

/* Missed days between consecutive runs a[i - 1] and a[i]. */
static inline int64_t
gap_before(const ds_run *a, int32_t i)
{
	return (int64_t) a[i].first - a[i - 1].last - 1;
}

int32_t
ds_longest_streak(const ds_run *a, int32_t na, int32_t max_gap)
{
	int64_t		best = 0,
				cur = 0;

	for (int32_t i = 0; i < na; i++)
	{
		if (i > 0 && gap_before(a, i) <= max_gap)
			cur += run_len(&a[i]);
		else
			cur = run_len(&a[i]);
		if (cur > best)
			best = cur;
	}
	return (int32_t) best;
}

int32_t
ds_current_streak(const ds_run *a, int32_t na, int32_t as_of,
				  int32_t max_gap)
{
	int32_t		k = find_run(a, na, as_of);
	int64_t		last,
				len;

	if (k < 0)
		return 0;
	last = a[k].last < as_of ? a[k].last : as_of;
	if ((int64_t) as_of - last > (int64_t) max_gap + 1)
		return 0;
	len = last - a[k].first + 1;
	for (int32_t i = k; i > 0 && gap_before(a, i) <= max_gap; i--)
		len += run_len(&a[i - 1]);
	return (int32_t) len;
}

int32_t
ds_streak_count(const ds_run *a, int32_t na, int32_t min_days)
{
	int32_t		n = 0;

	for (int32_t i = 0; i < na; i++)
		if (run_len(&a[i]) >= min_days)
			n++;
	return n;
}

/* ---- Text form ---- */

static inline bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		c == '\f' || c == '\v';
}

static inline bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Parse [+-]Y{4,}-MM-DD at s[*pos..len).  Years longer than 9 digits are
 * rejected before they can overflow.
 */
static ds_status
parse_day_at(const char *s, size_t len, size_t *pos, int32_t *day)
{
	size_t		p = *pos;
	bool		neg = false;
	int64_t		year = 0;
	int32_t		month,
				mday;
	size_t		ndig = 0;

	if (p < len && (s[p] == '+' || s[p] == '-'))
	{
		neg = (s[p] == '-');
		p++;
	}
	while (p < len && is_digit(s[p]))
	{
		if (ndig >= 9)
			return DS_ERR_DAY_RANGE;
		year = year * 10 + (s[p] - '0');
		ndig++;
		p++;
	}
	if (ndig < 4)
		return DS_ERR_SYNTAX;
	if (p + 6 > len || s[p] != '-' || !is_digit(s[p + 1]) ||
		!is_digit(s[p + 2]) || s[p + 3] != '-' || !is_digit(s[p + 4]) ||
		!is_digit(s[p + 5]))
		return DS_ERR_SYNTAX;
	month = (s[p + 1] - '0') * 10 + (s[p + 2] - '0');
	mday = (s[p + 4] - '0') * 10 + (s[p + 5] - '0');
	p += 6;
	/* a digit right after the day means more than two day digits */
	if (p < len && is_digit(s[p]))
		return DS_ERR_SYNTAX;
	if (neg)
		year = -year;
	if (year < MIN_YEAR || year > MAX_YEAR)
		return DS_ERR_DAY_RANGE;
	*pos = p;
	return ds_day_from_ymd((int32_t) year, month, mday, day);
}

ds_status
ds_parse_day(const char *str, size_t len, int32_t *day)
{
	size_t		pos = 0;
	ds_status	st;

	while (pos < len && is_space(str[pos]))
		pos++;
	st = parse_day_at(str, len, &pos, day);
	if (st != DS_OK)
		return st;
	while (pos < len && is_space(str[pos]))
		pos++;
	return pos == len ? DS_OK : DS_ERR_SYNTAX;
}

ds_status
ds_parse(const char *s, size_t len, ds_builder *b, size_t *errpos)
{
	size_t		p = 0;
	ds_status	st;

#define SKIP_WS() while (p < len && is_space(s[p])) p++
#define FAIL(code) do { *errpos = p; return (code); } while (0)

	SKIP_WS();
	if (p >= len || s[p] != '{')
		FAIL(DS_ERR_SYNTAX);
	p++;
	SKIP_WS();
	if (p < len && s[p] == '}')
		p++;
	else
	{
		for (;;)
		{
			int32_t		first,
						last;
			size_t		start;
			size_t		tok;

			SKIP_WS();
			start = tok = p;
			st = parse_day_at(s, len, &p, &first);
			if (st != DS_OK)
			{
				p = tok;		/* point at the day that failed */
				FAIL(st);
			}
			last = first;
			SKIP_WS();
			if (p < len && s[p] == '/')
			{
				p++;
				SKIP_WS();
				tok = p;
				st = parse_day_at(s, len, &p, &last);
				if (st != DS_OK)
				{
					p = tok;
					FAIL(st);
				}
				if (last < first)
				{
					p = start;
					FAIL(DS_ERR_RANGE_ORDER);
				}
				SKIP_WS();
			}
			if (first == last)
				st = ds_builder_add_day(b, first);
			else
			{
				ds_run		r = {first, last};

				st = ds_builder_add_raw_runs(b, &r, 1);
			}
			if (st != DS_OK)
				FAIL(st);
			if (p < len && s[p] == ',')
			{
				p++;
				continue;
			}
			if (p < len && s[p] == '}')
			{
				p++;
				break;
			}
			FAIL(DS_ERR_SYNTAX);
		}
	}
	SKIP_WS();
	if (p != len)
		FAIL(DS_ERR_SYNTAX);
	return DS_OK;
#undef SKIP_WS
#undef FAIL
}

size_t
ds_text_bound(int32_t na)
{
	/* "{" "}" plus per run two days, a '/' and a ',' */
	return 2 + (size_t) na * (2 * (DS_DAY_TEXT_MAX - 2) + 2);
}

size_t
ds_format_day(int32_t day, char *buf)
{
	int32_t		y,
				m,
				d;
	int			n;

	ds_ymd_from_day(day, &y, &m, &d);
	if (y < 0)
		n = snprintf(buf, DS_DAY_TEXT_MAX, "-%04d-%02d-%02d", -y, m, d);
	else
		n = snprintf(buf, DS_DAY_TEXT_MAX, "%04d-%02d-%02d", y, m, d);
	return (size_t) n;
}

size_t
ds_format(const ds_run *a, int32_t na, char *buf)
{
	char	   *p = buf;

	*p++ = '{';
	for (int32_t i = 0; i < na; i++)
	{
		if (i > 0)
			*p++ = ',';
		p += ds_format_day(a[i].first, p);
		if (a[i].last != a[i].first)
		{
			*p++ = '/';
			p += ds_format_day(a[i].last, p);
		}
	}
	*p++ = '}';
	*p = '\0';
	return (size_t) (p - buf);
}

/* ---- Binary forms ---- */

static inline void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) (v >> 24);
	p[1] = (uint8_t) (v >> 16);
	p[2] = (uint8_t) (v >> 8);
	p[3] = (uint8_t) v;
}

static inline uint32_t
get_be32(const uint8_t *p)
{
	return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
		((uint32_t) p[2] << 8) | (uint32_t) p[3];
}

size_t
ds_wire_size(int32_t na)
{
	return DS_WIRE_HEADER + (size_t) na * 8;
}

void
ds_wire_encode(const ds_run *a, int32_t na, uint8_t *buf)
{
	buf[0] = DS_WIRE_VERSION;
	buf[1] = 0;
	buf[2] = 0;
	buf[3] = 0;
	put_be32(buf + 4, (uint32_t) na);
	buf += DS_WIRE_HEADER;
	for (int32_t i = 0; i < na; i++, buf += 8)
	{
		put_be32(buf, (uint32_t) a[i].first);
		put_be32(buf + 4, (uint32_t) a[i].last);
	}
}

ds_status
ds_wire_check(const uint8_t *buf, size_t len, int32_t *na)
{
	int32_t		n;
	int64_t		prev_last = INT64_MIN;

	if (len < DS_WIRE_HEADER)
		return DS_ERR_BAD_BINARY;
	if (buf[0] != DS_WIRE_VERSION)
		return DS_ERR_BAD_VERSION;
	if (buf[1] != 0 || buf[2] != 0 || buf[3] != 0)
		return DS_ERR_BAD_BINARY;
	n = (int32_t) get_be32(buf + 4);
	if (n < 0 || n > DS_MAX_RUNS)
		return DS_ERR_BAD_BINARY;
	if ((len - DS_WIRE_HEADER) / 8 != (size_t) n ||
		(len - DS_WIRE_HEADER) % 8 != 0)
		return DS_ERR_BAD_BINARY;
	buf += DS_WIRE_HEADER;
	for (int32_t i = 0; i < n; i++, buf += 8)
	{
		int32_t		first = (int32_t) get_be32(buf);
		int32_t		last = (int32_t) get_be32(buf + 4);

		if (!ds_day_valid(first) || !ds_day_valid(last))
			return DS_ERR_DAY_RANGE;
		if (first > last || (int64_t) first <= prev_last + 1)
			return DS_ERR_BAD_BINARY;
		prev_last = last;
	}
	*na = n;
	return DS_OK;
}

void
ds_wire_decode_runs(const uint8_t *buf, ds_run *out)
{
	int32_t		n = (int32_t) get_be32(buf + 4);

	buf += DS_WIRE_HEADER;
	for (int32_t i = 0; i < n; i++, buf += 8)
	{
		out[i].first = (int32_t) get_be32(buf);
		out[i].last = (int32_t) get_be32(buf + 4);
	}
}

size_t
ds_state_size(int32_t na)
{
	return DS_STATE_HEADER + ds_wire_size(na);
}

void
ds_state_encode(const ds_state_params *p, const ds_run *a, int32_t na,
				uint8_t *buf)
{
	put_be32(buf, (uint32_t) ((p->flags & DS_STATE_HAS_MAX_GAP) ? p->max_gap : 0));
	put_be32(buf + 4, (uint32_t) ((p->flags & DS_STATE_HAS_AS_OF) ? p->as_of : 0));
	buf[8] = p->flags & DS_STATE_FLAGS_MASK;
	ds_wire_encode(a, na, buf + DS_STATE_HEADER);
}

ds_status
ds_state_check(const uint8_t *buf, size_t len, ds_state_params *p,
			   int32_t *na)
{
	ds_state_params q;

	if (len < DS_STATE_HEADER)
		return DS_ERR_BAD_BINARY;
	q.max_gap = (int32_t) get_be32(buf);
	q.as_of = (int32_t) get_be32(buf + 4);
	q.flags = buf[8];
	if (q.flags & ~DS_STATE_FLAGS_MASK)
		return DS_ERR_BAD_BINARY;
	if ((q.flags & DS_STATE_HAS_MAX_GAP) ? q.max_gap < 0 : q.max_gap != 0)
		return DS_ERR_BAD_BINARY;
	if ((q.flags & DS_STATE_HAS_AS_OF) ? !ds_day_valid(q.as_of) : q.as_of != 0)
		return DS_ERR_BAD_BINARY;
	{
		ds_status	st = ds_wire_check(buf + DS_STATE_HEADER,
									   len - DS_STATE_HEADER, na);

		if (st != DS_OK)
			return st;
	}
	*p = q;
	return DS_OK;
}

void
ds_state_decode_runs(const uint8_t *buf, ds_run *out)
{
	ds_wire_decode_runs(buf + DS_STATE_HEADER, out);
}
