/*
 * fuzz_util.c
 *		Helpers shared by the harnesses (see fuzz_util.h).
 */
#include "fuzz_util.h"

#include <string.h>

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

/* ---- Byte reader ---- */

uint8_t
fuzz_u8(fuzz_input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

uint16_t
fuzz_u16(fuzz_input *in)
{
	uint16_t	hi = fuzz_u8(in);

	return (uint16_t) ((hi << 8) | fuzz_u8(in));
}

uint32_t
fuzz_u32(fuzz_input *in)
{
	uint32_t	hi = fuzz_u16(in);

	return (hi << 16) | fuzz_u16(in);
}

/* ---- Model ---- */

int32_t
fuzz_window_base(fuzz_input *in)
{
	uint8_t		sel = fuzz_u8(in);
	int64_t		base;

	switch (sel % 6)
	{
		case 0:
			base = DS_MIN_DAY;
			break;
		case 1:
			base = (int64_t) DS_MAX_DAY - MODEL_WINDOW + 1;
			break;
		case 2:
			base = -MODEL_WINDOW / 2;
			break;
		case 3:
			base = (int64_t) DS_MIN_DAY + (sel >> 3);
			break;
		case 4:
			base = (int64_t) DS_MAX_DAY - MODEL_WINDOW + 1 - (sel >> 3);
			break;
		default:
			base = (int64_t) DS_MIN_DAY +
				(int64_t) (fuzz_u32(in) %
						   ((uint32_t) ((int64_t) DS_MAX_DAY - DS_MIN_DAY - MODEL_WINDOW + 2)));
			break;
	}
	return (int32_t) base;
}

bool
model_has(const model *m, int64_t day)
{
	return day >= m->base && day < (int64_t) m->base + MODEL_WINDOW &&
		m->bit[day - m->base];
}

void
model_add(model *m, int32_t first, int32_t last)
{
	for (int64_t d = first; d <= last; d++)
		if (d >= m->base && d < (int64_t) m->base + MODEL_WINDOW)
			m->bit[d - m->base] = true;
}

int32_t
model_run_count(const model *m)
{
	int32_t		n = 0;

	for (int i = 0; i < MODEL_WINDOW; i++)
		if (m->bit[i] && (i == 0 || !m->bit[i - 1]))
			n++;
	return n;
}

int32_t
model_runs(const model *m, ds_run **out)
{
	int32_t		n = model_run_count(m),
				k = 0;
	ds_run	   *r = malloc(sizeof(ds_run) * (size_t) (n > 0 ? n : 1));

	FUZZ_CHECK(r != NULL);
	for (int i = 0; i < MODEL_WINDOW; i++)
	{
		if (!m->bit[i])
			continue;
		if (i > 0 && m->bit[i - 1])
			r[k - 1].last = m->base + i;
		else
		{
			r[k].first = r[k].last = m->base + i;
			k++;
		}
	}
	*out = r;
	return n;
}

/* Day by day, with no use of the core: every run day is in the model and
 * the model has no day outside the runs. */
bool
model_equals(const model *m, const ds_run *a, int32_t na)
{
	int64_t		days = 0,
				want = 0;

	for (int32_t i = 0; i < na; i++)
	{
		if (a[i].first > a[i].last)
			return false;
		if (i > 0 && (int64_t) a[i].first <= (int64_t) a[i - 1].last + 1)
			return false;
		for (int64_t d = a[i].first; d <= a[i].last; d++)
		{
			if (!model_has(m, d))
				return false;
			days++;
		}
	}
	for (int i = 0; i < MODEL_WINDOW; i++)
		want += m->bit[i];
	return days == want;
}

ds_run *
runs_dup(const ds_run *a, int32_t n)
{
	ds_run	   *r = malloc(sizeof(ds_run) * (size_t) (n > 0 ? n : 1));

	FUZZ_CHECK(r != NULL);
	if (n > 0)
		memcpy(r, a, sizeof(ds_run) * (size_t) n);
	return r;
}

/* ---- Naive binary decoder ---- */

int32_t
fuzz_be32(const uint8_t *p)
{
	return (int32_t) (((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16) |
					  ((uint32_t) p[2] << 8) | p[3]);
}

bool
naive_wire_valid(const uint8_t *p, size_t size, int32_t *n)
{
	int64_t		count;

	if (size < 8 || p[0] != 1 || p[1] != 0 || p[2] != 0 || p[3] != 0)
		return false;
	count = fuzz_be32(p + 4);
	if (count < 0 || count > DS_MAX_RUNS || (int64_t) size != 8 + 8 * count)
		return false;
	for (int64_t i = 0; i < count; i++)
	{
		int64_t		first = fuzz_be32(p + 8 + 8 * i);
		int64_t		last = fuzz_be32(p + 12 + 8 * i);

		if (first < DS_MIN_DAY || last > DS_MAX_DAY || first > last)
			return false;
		if (i > 0 && first <= (int64_t) fuzz_be32(p + 4 + 8 * i) + 1)
			return false;
	}
	*n = (int32_t) count;
	return true;
}

/* ---- Failing allocator ---- */

static long alloc_calls;
static long alloc_fail_at = -1;
static long alloc_failures;

static void *
failing_alloc(size_t size)
{
	if (alloc_fail_at >= 0 && alloc_calls++ >= alloc_fail_at)
	{
		alloc_failures++;
		return NULL;
	}
	return malloc(size);
}

static void *
failing_realloc(void *ptr, size_t size)
{
	if (alloc_fail_at >= 0 && alloc_calls++ >= alloc_fail_at)
	{
		alloc_failures++;
		return NULL;
	}
	return realloc(ptr, size);
}

static void
plain_free(void *ptr)
{
	free(ptr);
}

void
fuzz_alloc_install(long fail_at)
{
	alloc_calls = 0;
	alloc_failures = 0;
	alloc_fail_at = fail_at;
	ds_set_allocator(failing_alloc, failing_realloc, plain_free);
}

void
fuzz_alloc_uninstall(void)
{
	alloc_fail_at = -1;
	ds_set_allocator(NULL, NULL, NULL);
}

long
fuzz_alloc_failures(void)
{
	return alloc_failures;
}
