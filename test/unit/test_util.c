/*
 * test_util.c
 *		Helpers shared by the core unit tests (see test_util.h).
 */
#include "test_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

uint64_t	test_seed = UINT64_C(0x5eed0fda75e75eed);

/* ---- PRNG ---- */

uint64_t
rng_next(rng *r)
{
	uint64_t	z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t
rng_below(rng *r, uint64_t n)
{
	/* the modulo bias is irrelevant at these sizes */
	return n == 0 ? 0 : rng_next(r) % n;
}

int64_t
rng_range(rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t) rng_below(r, (uint64_t) (hi - lo) + 1);
}

bool
rng_chance(rng *r, unsigned percent)
{
	return rng_below(r, 100) < percent;
}

rng
rng_for(const char *test_name)
{
	rng			r;
	uint64_t	h = UINT64_C(1469598103934665603);

	for (; *test_name; test_name++)
		h = (h ^ (unsigned char) *test_name) * UINT64_C(1099511628211);
	r.s = test_seed ^ h;
	return r;
}

/* ---- Calendar oracle ---- */

/* Floor division, so negative years need no special case below */
static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t
oracle_day_from_ymd(int64_t y, int64_t m, int64_t d)
{
	int64_t		era,
				yoe,
				doy,
				doe;

	y -= m <= 2;
	era = floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	/* 719468 days from 0000-03-01 to 1970-01-01, 10957 more to 2000 */
	return era * 146097 + doe - 719468 - 10957;
}

void
oracle_ymd_from_day(int64_t day, int64_t *y, int64_t *m, int64_t *d)
{
	int64_t		z = day + 10957 + 719468;
	int64_t		era = floordiv(z, 146097);
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

bool
oracle_ymd_valid(int64_t y, int64_t m, int64_t d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool		leap;

	if (m < 1 || m > 12 || d < 1)
		return false;
	leap = (floordiv(y, 4) * 4 == y) &&
		(floordiv(y, 100) * 100 != y || floordiv(y, 400) * 400 == y);
	return d <= mdays[m - 1] + (m == 2 && leap);
}

void
oracle_format_day(int64_t day, char *buf, size_t size)
{
	int64_t		y,
				m,
				d;

	oracle_ymd_from_day(day, &y, &m, &d);
	if (y < 0)
		snprintf(buf, size, "-%04" PRId64 "-%02" PRId64 "-%02" PRId64,
				 -y, m, d);
	else
		snprintf(buf, size, "%04" PRId64 "-%02" PRId64 "-%02" PRId64,
				 y, m, d);
}

/* ---- Text <-> runs ---- */

ds_status
text_to_runs(const char *txt, size_t len, ds_run **out, int32_t *n,
			 size_t *errpos)
{
	ds_builder	b;
	ds_status	st;
	size_t		pos = 0;

	*out = NULL;
	*n = 0;
	ds_builder_init(&b);
	st = ds_parse(txt, len, &b, &pos);
	if (errpos)
		*errpos = pos;
	if (st == DS_OK)
		st = ds_builder_finish(&b);
	if (st == DS_OK)
	{
		*out = malloc(sizeof(ds_run) * ((size_t) b.nruns + 1));
		if (b.nruns > 0)
			memcpy(*out, b.runs, sizeof(ds_run) * (size_t) b.nruns);
		*n = b.nruns;
	}
	ds_builder_free(&b);
	return st;
}

ds_run *
runs_of(const char *txt, int32_t *n)
{
	ds_run	   *out;
	size_t		errpos;
	ds_status	st = text_to_runs(txt, strlen(txt), &out, n, &errpos);

	CHECK_MSG(st == DS_OK, "parsing \"%s\": %s at byte %zu", txt,
			  ut_status_name(st), errpos);
	if (st != DS_OK)
	{
		out = malloc(sizeof(ds_run));
		*n = 0;
	}
	else
		CHECK_MSG(ds_is_normalized(out, *n), "parse of \"%s\" not normalized",
				  txt);
	return out;
}

char *
runs_to_text(const ds_run *a, int32_t n)
{
	size_t		bound = ds_text_bound(n);
	char	   *buf = malloc(bound + 1);
	size_t		len = ds_format(a, n, buf);

	CHECK_MSG(len <= bound, "ds_format wrote %zu bytes, bound %zu", len, bound);
	CHECK_MSG(len == strlen(buf), "ds_format returned %zu, strlen %zu", len,
			  strlen(buf));
	return buf;
}

/* ---- Counting allocator ---- */

alloc_stats ta_stats;

/* Each block carries its size in front, aligned for any type */
#define TA_HEADER 16

static bool
ta_should_fail(void)
{
	ta_stats.calls++;
	if (ta_stats.fail_after >= 0 && ta_stats.calls > ta_stats.fail_after)
	{
		ta_stats.failures++;
		return true;
	}
	return false;
}

static void
ta_note(size_t request)
{
	if (request > ta_stats.max_request)
		ta_stats.max_request = request;
	if (ta_stats.bytes > ta_stats.peak_bytes)
		ta_stats.peak_bytes = ta_stats.bytes;
}

static void *
ta_alloc(size_t size)
{
	char	   *p;

	if (ta_should_fail())
		return NULL;
	p = malloc(size + TA_HEADER);
	if (p == NULL)
		return NULL;
	memcpy(p, &size, sizeof(size));
	ta_stats.blocks++;
	ta_stats.bytes += size;
	ta_note(size);
	return p + TA_HEADER;
}

static void
ta_free(void *ptr)
{
	char	   *p;
	size_t		size;

	if (ptr == NULL)
		return;
	p = (char *) ptr - TA_HEADER;
	memcpy(&size, p, sizeof(size));
	ta_stats.blocks--;
	ta_stats.bytes -= size;
	free(p);
}

static void *
ta_realloc(void *ptr, size_t size)
{
	char	   *p;
	char	   *np;
	size_t		old;

	if (ptr == NULL)
		return ta_alloc(size);
	if (ta_should_fail())
		return NULL;
	p = (char *) ptr - TA_HEADER;
	memcpy(&old, p, sizeof(old));
	np = realloc(p, size + TA_HEADER);
	if (np == NULL)
		return NULL;
	memcpy(np, &size, sizeof(size));
	ta_stats.bytes = ta_stats.bytes - old + size;
	ta_note(size);
	return np + TA_HEADER;
}

void
ta_install(long fail_after)
{
	memset(&ta_stats, 0, sizeof(ta_stats));
	ta_stats.fail_after = fail_after;
	ds_set_allocator(ta_alloc, ta_realloc, ta_free);
}

void
ta_uninstall(void)
{
	ds_set_allocator(malloc, realloc, free);
}
