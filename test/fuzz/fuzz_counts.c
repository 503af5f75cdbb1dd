/*
 * fuzz_counts.c
 *		libFuzzer harness of the safe counts' state: the set of distinct
 *		units (ck_unitset), the cell key, the serialized state decoder
 *		(ck_state_read, what a parallel worker's partial state goes through)
 *		and primary and complementary cell suppression (ck_suppress).
 *
 * Every answer is checked against a naive model written from ck_core.h:
 *	- the set against an unsorted array searched linearly, under adds,
 *	  unions and allocator failures at any point; its cell key against the
 *	  plain sum of record keys; its serialized bytes against those of the
 *	  same units added in the opposite order (the state may not depend on
 *	  row order) and against a decode and re-encode;
 *	- the decoder against a validator of the documented layout;
 *	- suppression against the rule applied one tie (one value) at a time,
 *	  with cells of unknown count (NULL inputs) mixed in, and against itself
 *	  on the cells in reverse order.
 */
#include "fuzz_util.h"
#include "core/ck_core.h"

#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_UNITS 3000

static uint64_t
get_le(const uint8_t *p, int n)
{
	uint64_t	v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void fuzz_decode(const uint8_t *data, size_t size);

/* ---- the set ---- */

typedef struct naive_set
{
	uint64_t	v[MAX_UNITS];
	int			n;
} naive_set;

static bool
naive_has(const naive_set *m, uint64_t x)
{
	for (int i = 0; i < m->n; i++)
		if (m->v[i] == x)
			return true;
	return false;
}

static void
naive_add(naive_set *m, uint64_t x)
{
	if (!naive_has(m, x))
		m->v[m->n++] = x;
}

/* A unit hash from a small domain (so repeats are common), 0 and extremes */
static uint64_t
pick_unit(fuzz_input *in)
{
	uint8_t		sel = fuzz_u8(in);

	if (sel < 8)
		return (uint64_t[]) {0, 1, UINT64_MAX, UINT64_MAX - 1,
		(uint64_t) 1 << 63, ((uint64_t) 1 << 63) - 1, 0x9E3779B97F4A7C15,
		2}[sel];
	if (sel < 200)
		return (uint64_t) fuzz_u8(in) * 0x0101010101010101ull + sel;
	return ((uint64_t) fuzz_u32(in) << 32) | fuzz_u32(in);
}

/* Does s hold exactly the units of m? */
static void
check_set(const ck_unitset *s, const naive_set *m)
{
	uint64_t	seen = 0;

	FUZZ_CHECK(ck_set_count(s) == (uint64_t) m->n);
	FUZZ_CHECK(s->has_zero == naive_has(m, 0));
	FUZZ_CHECK(s->cap == 0 || s->cap == ((uint64_t) 1 << s->log2cap));
	FUZZ_CHECK(s->used <= s->cap / 4 * 3);
	for (uint64_t i = 0; i < s->cap; i++)
		if (s->slots[i] != 0)
		{
			FUZZ_CHECK(naive_has(m, s->slots[i]));
			seen++;
		}
	FUZZ_CHECK(seen == s->used);
}

static bool
set_has(const ck_unitset *s, uint64_t x)
{
	if (x == 0)
		return s->has_zero;
	for (uint64_t i = 0; i < s->cap; i++)
		if (s->slots[i] == x)
			return true;
	return false;
}

/* The cheap check after every add: the count, and x in or out */
static void
check_count(const ck_unitset *s, const naive_set *m, uint64_t x, bool added)
{
	FUZZ_CHECK(ck_set_count(s) == (uint64_t) m->n);
	FUZZ_CHECK(set_has(s, x) == (added || naive_has(m, x)));
}

static void
check_state(const ck_unitset *s, const naive_set *m, const ck_params *p,
			ck_sipkey key)
{
	size_t		size = ck_state_size(s);
	uint8_t    *a = malloc(size);
	uint8_t    *b;
	ck_unitset	other,
				back;
	ck_params	q;
	uint32_t	cell = 0;

	FUZZ_CHECK(a != NULL);
	FUZZ_CHECK(size == CK_STATE_HDRSZ + 8 * (size_t) m->n);
	ck_state_write(s, p, a);

	/* the same units in the opposite order serialize to the same bytes */
	ck_set_init(&other);
	for (int i = m->n - 1; i >= 0; i--)
		FUZZ_CHECK(ck_set_add(&other, m->v[i]) == CK_OK);
	FUZZ_CHECK(ck_state_size(&other) == size);
	b = malloc(size);
	FUZZ_CHECK(b != NULL);
	ck_state_write(&other, p, b);
	FUZZ_CHECK(memcmp(a, b, size) == 0);

	/* the cell key is the sum of the record keys mod 2^32, in any order */
	for (int i = 0; i < m->n; i++)
		cell += ck_record_key(key, m->v[i]);
	FUZZ_CHECK(ck_set_cell_key(s, key) == cell);
	FUZZ_CHECK(ck_set_cell_key(&other, key) == cell);

	/* strictly increasing values after the header */
	for (int i = 1; i < m->n; i++)
		FUZZ_CHECK(get_le(a + CK_STATE_HDRSZ + 8 * (i - 1), 8) <
				   get_le(a + CK_STATE_HDRSZ + 8 * i, 8));

	/* decode and re-encode */
	ck_set_init(&back);
	FUZZ_CHECK(ck_state_read(a, size, &back, &q) == CK_OK);
	check_set(&back, m);
	FUZZ_CHECK(q.flags == p->flags);
	ck_state_write(&back, &q, b);
	FUZZ_CHECK(memcmp(a, b, size) == 0);

	ck_set_free(&back);
	ck_set_free(&other);
	free(a);
	free(b);
}

static void
fuzz_set(fuzz_input *in)
{
	static naive_set ma,
				mb;
	ck_unitset	a,
				b;
	ck_params	p = {0};
	uint8_t		secret[CK_SECRET_LEN];
	ck_sipkey	key;
	long		fail_at;

	for (int i = 0; i < CK_SECRET_LEN; i++)
		secret[i] = fuzz_u8(in);
	key = ck_derive_key(secret, "record");
	p.flags = fuzz_u8(in) & CK_PARAM_ALL;
	if (p.flags & CK_PARAM_THRESHOLD)
		p.threshold = 1 + fuzz_u16(in);
	if (p.flags & CK_PARAM_EPSILON)
		p.epsilon = (1 + fuzz_u16(in)) / 1000.0;
	if (p.flags & CK_PARAM_DELTA)
		p.delta = (1 + fuzz_u16(in)) / 131072.0;
	/* one allocation call, picked by the input, fails (and every later one) */
	fail_at = fuzz_u8(in);
	fail_at = fail_at < 128 ? fail_at % 16 : -1;

	ma.n = mb.n = 0;
	ck_set_init(&a);
	ck_set_init(&b);
	fuzz_alloc_install(fail_at);
	for (int ops = 1; !fuzz_done(in) && ma.n < MAX_UNITS - 1 &&
		 mb.n < MAX_UNITS - 1; ops++)
	{
		uint8_t		op = fuzz_u8(in);
		ck_status	st;

		/* the full comparison now and then: it costs slots x units */
		if (ops % 64 == 0)
		{
			check_set(&a, &ma);
			check_set(&b, &mb);
		}
		if (op < 120 || op >= 250)
		{
			uint64_t	x = pick_unit(in);
			uint8_t		burst = op >= 250 ? 64 : 1;

			for (int k = 0; k < burst && ma.n < MAX_UNITS - 1; k++, x += 0x10001)
			{
				st = ck_set_add(&a, x);
				FUZZ_CHECK(st == CK_OK || st == CK_ERR_NOMEM);
				if (st == CK_OK)
					naive_add(&ma, x);
				/* a failed add leaves the set as it was */
				check_count(&a, &ma, x, st == CK_OK);
			}
		}
		else if (op < 240)
		{
			uint64_t	x = pick_unit(in);

			st = ck_set_add(&b, x);
			FUZZ_CHECK(st == CK_OK || st == CK_ERR_NOMEM);
			if (st == CK_OK)
				naive_add(&mb, x);
			check_count(&b, &mb, x, st == CK_OK);
		}
		else
		{
			/* a |= b; on failure some of b may already be in a */
			if (ma.n + mb.n >= MAX_UNITS)
				break;
			st = ck_set_union(&a, &b);
			FUZZ_CHECK(st == CK_OK || st == CK_ERR_NOMEM);
			if (st == CK_OK)
			{
				for (int i = 0; i < mb.n; i++)
					naive_add(&ma, mb.v[i]);
				check_set(&a, &ma);
			}
			else
			{
				/* rebuild the model from what a holds, all of it from ma or b */
				naive_set  *tmp = malloc(sizeof(naive_set));

				FUZZ_CHECK(tmp != NULL);
				tmp->n = 0;
				if (a.has_zero)
					tmp->v[tmp->n++] = 0;
				for (uint64_t i = 0; i < a.cap; i++)
					if (a.slots[i] != 0)
					{
						FUZZ_CHECK(naive_has(&ma, a.slots[i]) ||
								   naive_has(&mb, a.slots[i]));
						tmp->v[tmp->n++] = a.slots[i];
					}
				for (int i = 0; i < ma.n; i++)
					FUZZ_CHECK(naive_has(tmp, ma.v[i]));
				memcpy(&ma, tmp, sizeof(naive_set));
				free(tmp);
				check_set(&a, &ma);
			}
		}
	}
	fuzz_alloc_uninstall();
	check_state(&a, &ma, &p, key);
	{
		/* a state the core wrote, with one byte changed, through the decoder */
		size_t		size = ck_state_size(&a);
		uint8_t    *buf = malloc(size);
		uint32_t	r = fuzz_u32(in);

		FUZZ_CHECK(buf != NULL);
		ck_state_write(&a, &p, buf);
		buf[r % size] ^= (uint8_t) (1 + (r >> 24) % 255);
		fuzz_decode(buf, size);
		free(buf);
	}
	check_state(&b, &mb, &p, key);
	ck_set_free(&a);
	ck_set_free(&b);
}

/* ---- the decoder ---- */

static bool
naive_state_valid(const uint8_t *p, size_t size)
{
	uint8_t		flags;
	uint64_t	n,
				eps_bits,
				delta_bits;
	int32_t		threshold;
	double		eps,
				delta;

	if (size < 32 || p[0] != 1)
		return false;
	flags = p[1];
	if (flags > 7 || p[2] != 0 || p[3] != 0)
		return false;
	threshold = (int32_t) (uint32_t) get_le(p + 4, 4);
	eps_bits = get_le(p + 8, 8);
	delta_bits = get_le(p + 16, 8);
	memcpy(&eps, &eps_bits, 8);
	memcpy(&delta, &delta_bits, 8);
	if ((flags & 1) ? threshold < 1 : threshold != 0)
		return false;
	if ((flags & 2) ? !(eps >= 1e-6 && eps <= 1000.0) : eps_bits != 0)
		return false;
	if ((flags & 4) ? !(delta > 0 && delta < 1) : delta_bits != 0)
		return false;
	n = get_le(p + 24, 8);
	if ((size - 32) % 8 != 0 || n != (size - 32) / 8)
		return false;
	for (uint64_t i = 1; i < n; i++)
		if (get_le(p + 32 + 8 * (i - 1), 8) >= get_le(p + 32 + 8 * i, 8))
			return false;
	return true;
}

static void
fuzz_decode(const uint8_t *data, size_t size)
{
	ck_unitset	s;
	ck_params	p;
	ck_status	st;
	uint8_t    *copy = malloc(size ? size : 1);
	bool		valid = naive_state_valid(data, size);

	/* an exact-size copy, so ASan sees any read past the end */
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, size);
	ck_set_init(&s);
	st = ck_state_read(copy, size, &s, &p);
	FUZZ_CHECK((st == CK_OK) == valid);
	if (st == CK_OK)
	{
		uint8_t    *out;

		FUZZ_CHECK(ck_state_size(&s) == size);
		out = malloc(size);
		FUZZ_CHECK(out != NULL);
		ck_state_write(&s, &p, out);
		FUZZ_CHECK(memcmp(out, copy, size) == 0);

		/*
		 * Two units out of order, or one twice, must be refused: found by
		 * construction, since a fuzzer rarely copies 8 bytes over 8 others.
		 */
		if (ck_set_count(&s) >= 2)
		{
			size_t		i = 1 + size % (ck_set_count(&s) - 1);
			uint8_t    *vi = out + CK_STATE_HDRSZ + 8 * i;
			ck_unitset	bad;
			ck_params	q;

			memcpy(vi, vi - 8, 8);
			ck_set_init(&bad);
			FUZZ_CHECK(!naive_state_valid(out, size));
			FUZZ_CHECK(ck_state_read(out, size, &bad, &q) == CK_ERR_BAD_FORMAT);
			memcpy(vi, copy + CK_STATE_HDRSZ + 8 * (i - 1), 8);
			memcpy(vi - 8, copy + CK_STATE_HDRSZ + 8 * i, 8);
			FUZZ_CHECK(!naive_state_valid(out, size));
			FUZZ_CHECK(ck_state_read(out, size, &bad, &q) == CK_ERR_BAD_FORMAT);
			FUZZ_CHECK(bad.slots == NULL);
		}
		free(out);
	}
	else
	{
		FUZZ_CHECK(st == CK_ERR_BAD_FORMAT || st == CK_ERR_BAD_VERSION);
		FUZZ_CHECK(st != CK_ERR_BAD_VERSION || (size >= 32 && copy[0] != 1));
		/* a rejected state holds nothing */
		FUZZ_CHECK(s.slots == NULL && ck_set_count(&s) == 0);
	}
	ck_set_free(&s);
	free(copy);
}

/* ---- suppression ---- */

#define MAX_CELLS 64

static void
naive_suppress(const int64_t *n, const bool *unknown, int m, int64_t t,
			   bool *hid)
{
	__int128	sum = 0;
	int			hidden = 0;

	for (int i = 0; i < m; i++)
	{
		hid[i] = unknown[i] || (n[i] > 0 && n[i] < t);
		if (hid[i])
		{
			hidden++;
			sum += unknown[i] ? 0 : n[i];
		}
	}
	while (hidden > 0 && (hidden == 1 || sum < t))
	{
		int			best = -1;

		for (int i = 0; i < m; i++)
			if (!hid[i] && n[i] > 0 && (best < 0 || n[i] < n[best]))
				best = i;
		if (best < 0)
			break;
		for (int i = 0, b = best; i < m; i++)
			if (!hid[i] && n[i] == n[b])
			{
				hid[i] = true;
				hidden++;
				sum += n[i];
			}
	}
}

static void
fuzz_suppress(fuzz_input *in)
{
	int64_t		n[MAX_CELLS],
				rn[MAX_CELLS];
	bool		unknown[MAX_CELLS],
				runknown[MAX_CELLS],
				got[MAX_CELLS],
				rgot[MAX_CELLS],
				want[MAX_CELLS];
	uint8_t		tsel = fuzz_u8(in);
	int64_t		t = tsel < 240 ? 1 + tsel % 40 :
		(tsel < 250 ? INT64_MAX - tsel % 3 : 1 + (int64_t) fuzz_u32(in));
	int			m = fuzz_u8(in) % (MAX_CELLS + 1);
	bool		negative = false;
	ck_status	st;

	for (int i = 0; i < m; i++)
	{
		uint8_t		sel = fuzz_u8(in);

		if (sel < 200)
			n[i] = sel % 50;
		else if (sel < 250)
			n[i] = INT64_MAX - sel % 4;
		else
			n[i] = sel == 255 ? -1 : (int64_t) fuzz_u32(in);
		/* an unknown cell's n is not read, even when negative */
		unknown[i] = fuzz_u8(in) % 8 == 0;
		negative |= n[i] < 0 && !unknown[i];
		rn[m - 1 - i] = n[i];
		runknown[m - 1 - i] = unknown[i];
	}
	memset(got, 0x55, sizeof(got));
	st = ck_suppress(n, unknown, m, t, got);
	if (negative)
	{
		FUZZ_CHECK(st == CK_ERR_NEGATIVE);
		return;
	}
	FUZZ_CHECK(st == CK_OK);
	naive_suppress(n, unknown, m, t, want);
	for (int i = 0; i < m; i++)
		FUZZ_CHECK(got[i] == want[i]);
	/* the order of the cells changes nothing */
	FUZZ_CHECK(ck_suppress(rn, runknown, m, t, rgot) == CK_OK);
	for (int i = 0; i < m; i++)
		FUZZ_CHECK(rgot[m - 1 - i] == got[i]);

	/* what the window function promises, stated directly */
	{
		__int128	sum = 0;
		int			hidden = 0,
					shown_nonzero = 0;

		for (int i = 0; i < m; i++)
		{
			if (unknown[i] && !got[i])
				fuzz_fail(__FILE__, __LINE__, "a cell of unknown count shown");
			if (!unknown[i] && !got[i] && n[i] > 0 && n[i] < t)
				fuzz_fail(__FILE__, __LINE__, "a cell below the threshold shown");
			if (got[i])
			{
				FUZZ_CHECK(unknown[i] || n[i] > 0);
				hidden++;
				sum += unknown[i] ? 0 : n[i];
			}
			else if (n[i] > 0)
				shown_nonzero++;
		}
		/* unless everything is hidden, the hidden cells cannot be recovered */
		if (hidden > 0 && shown_nonzero > 0)
			FUZZ_CHECK(hidden >= 2 && sum >= t);
		/* equal cells hide together, whatever their position */
		for (int i = 0; i < m; i++)
			for (int k = 0; k < m; k++)
				if (!unknown[i] && !unknown[k] && n[i] == n[k])
					FUZZ_CHECK(got[i] == got[k]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input	in = {data, size};

	switch (fuzz_u8(&in) % 3)
	{
		case 0:
			fuzz_set(&in);
			break;
		case 1:
			fuzz_decode(in.p, in.left);
			break;
		default:
			fuzz_suppress(&in);
			break;
	}
	return 0;
}
