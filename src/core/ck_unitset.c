/*
 * ck_unitset.c
 *		The set of distinct privacy units behind every safe count, and the
 *		serialized aggregate state that carries it between parallel workers.
 *
 * A unit is its 64-bit hash.  The set is an open-addressing table (linear
 * probing) kept between 3/8 and 3/4 full; the value 0 lives in a flag so 0
 * can mark empty slots.  Units are placed by a multiplicative mix of the
 * hash, so hashes that differ only in high bits still spread out.  The cell
 * key is a sum, so iteration order never matters; serialization sorts the
 * values so equal sets always give equal bytes.
 */
#include "ck_core.h"
#include "ck_runs.h"

#include "dayset_core.h"

#include <stdlib.h>
#include <string.h>

/* Fibonacci hashing: the top log2(cap) bits of the product pick the slot */
static inline uint64_t
slot_of(uint64_t h, int log2cap)
{
	return (h * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - log2cap);
}

void
ck_set_init(ck_unitset *s)
{
	memset(s, 0, sizeof(*s));
}

void
ck_set_free(ck_unitset *s)
{
	if (s->slots != NULL)
		ds_free(s->slots);
	ck_set_init(s);
}

/* Insert a non-zero value known to fit; returns whether it was new. */
static bool
insert_slot(uint64_t *slots, int log2cap, uint64_t h)
{
	uint64_t	cap = (uint64_t) 1 << log2cap;
	uint64_t	i = slot_of(h, log2cap);

	while (slots[i] != 0)
	{
		if (slots[i] == h)
			return false;
		i = (i + 1) & (cap - 1);
	}
	slots[i] = h;
	return true;
}

/* Make room for `more` further non-zero values. */
static ck_status
reserve(ck_unitset *s, uint64_t more)
{
	uint64_t	need = s->used + more;
	int			log2cap = s->cap ? s->log2cap : CK_SET_MIN_LOG2CAP;
	uint64_t	cap;
	uint64_t   *slots;
	uint64_t	i;

	if (need + (s->has_zero ? 1 : 0) > CK_SET_MAX)
		return CK_ERR_TOO_LARGE;
	while (need > ((uint64_t) 1 << log2cap) / 4 * 3)
		log2cap++;
	cap = (uint64_t) 1 << log2cap;
	if (cap == s->cap)
		return CK_OK;
	slots = ds_alloc((size_t) cap * sizeof(uint64_t));
	if (slots == NULL)
		return CK_ERR_NOMEM;
	memset(slots, 0, (size_t) cap * sizeof(uint64_t));
	for (i = 0; i < s->cap; i++)
		if (s->slots[i] != 0)
			insert_slot(slots, log2cap, s->slots[i]);
	if (s->slots != NULL)
		ds_free(s->slots);
	s->slots = slots;
	s->cap = cap;
	s->log2cap = log2cap;
	return CK_OK;
}

ck_status
ck_set_add(ck_unitset *s, uint64_t h)
{
	ck_status	st;

	if (h == 0)
	{
		if (!s->has_zero && ck_set_count(s) >= CK_SET_MAX)
			return CK_ERR_TOO_LARGE;
		s->has_zero = true;
		return CK_OK;
	}
	if (s->used + 1 > s->cap / 4 * 3)
	{
		st = reserve(s, 1);
		if (st != CK_OK)
			return st;
	}
	if (insert_slot(s->slots, s->log2cap, h))
		s->used++;
	return CK_OK;
}

ck_status
ck_set_sorted(ck_unitset *s, const uint64_t **vals, uint64_t *n)
{
	uint64_t	i,
				k = 0;

	if (s->slots == NULL && s->has_zero)
	{
		ck_status	st = reserve(s, 1);

		if (st != CK_OK)
			return st;
	}
	/* compact in place: k <= i throughout */
	for (i = 0; i < s->cap; i++)
		if (s->slots[i] != 0)
			s->slots[k++] = s->slots[i];
	ck_sort_u64(s->slots, (size_t) k);
	/* 0 sorts first; the table is at most 3/4 full, so it has room */
	if (s->has_zero)
	{
		memmove(s->slots + 1, s->slots, (size_t) k * sizeof(uint64_t));
		s->slots[0] = 0;
		k++;
	}
	*vals = s->slots;
	*n = k;
	return CK_OK;
}

void
ck_set_clear(ck_unitset *s)
{
	if (s->slots != NULL)
		memset(s->slots, 0, (size_t) s->cap * sizeof(uint64_t));
	s->used = 0;
	s->has_zero = false;
}

/* Add every unit of src to dst, one insert each. */
static ck_status
insert_all(ck_unitset *dst, const ck_unitset *src)
{
	uint64_t	i;
	ck_status	st;

	if (src->has_zero)
	{
		st = ck_set_add(dst, 0);
		if (st != CK_OK)
			return st;
	}
	for (i = 0; i < src->cap; i++)
	{
		if (src->slots[i] == 0)
			continue;
		st = ck_set_add(dst, src->slots[i]);
		if (st != CK_OK)
			return st;
	}
	return CK_OK;
}

/*
 * dst |= src.  The smaller set is inserted into the larger: when src is
 * larger, into a copy of its table (one memcpy), which then replaces dst's.
 * A parallel plan's leader combines one partial state per worker into an
 * empty state for every group, so the first combine is a copy, not a
 * rebuild.  On failure dst is unchanged (copy path) or holds some of src
 * (insert path); it is a valid set either way.
 */
ck_status
ck_set_union(ck_unitset *dst, const ck_unitset *src)
{
	ck_unitset	big;
	ck_status	st;

	if (src->used <= dst->used)
		return insert_all(dst, src);

	big = *src;
	big.slots = ds_alloc((size_t) src->cap * sizeof(uint64_t));
	if (big.slots == NULL)
		return CK_ERR_NOMEM;
	memcpy(big.slots, src->slots, (size_t) src->cap * sizeof(uint64_t));
	st = insert_all(&big, dst);
	if (st != CK_OK)
	{
		ck_set_free(&big);
		return st;
	}
	ck_set_free(dst);
	*dst = big;
	return CK_OK;
}

uint32_t
ck_set_cell_key(const ck_unitset *s, ck_sipkey key)
{
	uint32_t	sum = 0;
	uint64_t	i;

	/* unsigned arithmetic wraps: this is the sum mod 2^32 */
	if (s->has_zero)
		sum += ck_record_key(key, 0);
	for (i = 0; i < s->cap; i++)
		if (s->slots[i] != 0)
			sum += ck_record_key(key, s->slots[i]);
	return sum;
}

/* ---- serialized state ---- */

static inline void
put_le(uint8_t *p, uint64_t v, int bytes)
{
	int			i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t) (v >> (8 * i));
}

static inline uint64_t
get_le(const uint8_t *p, int bytes)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < bytes; i++)
		v |= (uint64_t) p[i] << (8 * i);
	return v;
}

static inline uint64_t
double_bits(double d)
{
	uint64_t	u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

static inline double
bits_double(uint64_t u)
{
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/* the serialized array need not be aligned, hence memcpy */
static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x,
				y;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);

	return (x > y) - (x < y);
}

size_t
ck_state_size(const ck_unitset *s)
{
	return CK_STATE_HDRSZ + (size_t) ck_set_count(s) * 8;
}

void
ck_state_write_header(const ck_params *p, uint64_t n, uint8_t *out)
{
	memset(out, 0, CK_STATE_HDRSZ);
	out[0] = CK_STATE_VERSION;
	out[1] = p->flags & CK_PARAM_ALL;
	if (p->flags & CK_PARAM_THRESHOLD)
		put_le(out + 4, (uint32_t) p->threshold, 4);
	if (p->flags & CK_PARAM_EPSILON)
		put_le(out + 8, double_bits(p->epsilon), 8);
	if (p->flags & CK_PARAM_DELTA)
		put_le(out + 16, double_bits(p->delta), 8);
	put_le(out + 24, n, 8);
}

/* out has ck_state_size(s) bytes */
void
ck_state_write(const ck_unitset *s, const ck_params *p, uint8_t *out)
{
	uint64_t	n = ck_set_count(s);
	uint8_t    *vals = out + CK_STATE_HDRSZ;
	uint64_t	i,
				k = 0;

	ck_state_write_header(p, n, out);

	/* native words first, sorted in place, then re-encoded little-endian */
	if (s->has_zero)
	{
		uint64_t	z = 0;

		memcpy(vals + 8 * k++, &z, 8);
	}
	for (i = 0; i < s->cap; i++)
		if (s->slots[i] != 0)
			memcpy(vals + 8 * k++, &s->slots[i], 8);
	if (n > 1)
		qsort(vals, (size_t) n, 8, cmp_u64);
	for (i = 0; i < n; i++)
	{
		uint64_t	v;

		memcpy(&v, vals + 8 * i, 8);
		put_le(vals + 8 * i, v, 8);
	}
}

ck_status
ck_state_check(const uint8_t *in, size_t len, ck_params *p,
			   const uint8_t **vals, uint64_t *n)
{
	uint64_t	i,
				prev = 0;

	if (len < CK_STATE_HDRSZ)
		return CK_ERR_BAD_FORMAT;
	if (in[0] != CK_STATE_VERSION)
		return CK_ERR_BAD_VERSION;
	if ((in[1] & ~CK_PARAM_ALL) != 0 || in[2] != 0 || in[3] != 0)
		return CK_ERR_BAD_FORMAT;
	memset(p, 0, sizeof(*p));
	p->flags = in[1];
	p->threshold = (int32_t) (uint32_t) get_le(in + 4, 4);
	p->epsilon = bits_double(get_le(in + 8, 8));
	p->delta = bits_double(get_le(in + 16, 8));
	/* absent parameters are zero; present ones must be valid */
	if (!(p->flags & CK_PARAM_THRESHOLD) ? p->threshold != 0 : p->threshold < 1)
		return CK_ERR_BAD_FORMAT;
	if (!(p->flags & CK_PARAM_EPSILON) ? get_le(in + 8, 8) != 0 :
		!(p->epsilon >= CK_EPSILON_MIN && p->epsilon <= CK_EPSILON_MAX))
		return CK_ERR_BAD_FORMAT;
	if (!(p->flags & CK_PARAM_DELTA) ? get_le(in + 16, 8) != 0 :
		ck_delta_check(p->delta) != CK_OK)
		return CK_ERR_BAD_FORMAT;
	*n = get_le(in + 24, 8);
	if (*n > (len - CK_STATE_HDRSZ) / 8 || len != CK_STATE_HDRSZ + *n * 8)
		return CK_ERR_BAD_FORMAT;
	*vals = in + CK_STATE_HDRSZ;
	for (i = 0; i < *n; i++)
	{
		uint64_t	v = get_le(*vals + 8 * i, 8);

		/* strictly increasing: sorted and no value twice */
		if (i > 0 && v <= prev)
			return CK_ERR_BAD_FORMAT;
		prev = v;
	}
	return CK_OK;
}

ck_status
ck_state_read(const uint8_t *in, size_t len, ck_unitset *s, ck_params *p)
{
	const uint8_t *vals;
	uint64_t	n,
				i;
	ck_status	st;

	st = ck_state_check(in, len, p, &vals, &n);
	if (st != CK_OK)
		return st;
	if (n > CK_SET_MAX)
		return CK_ERR_TOO_LARGE;
	if (n > 0)
	{
		st = reserve(s, n);
		if (st != CK_OK)
			return st;
	}
	for (i = 0; i < n; i++)
	{
		st = ck_set_add(s, get_le(vals + 8 * i, 8));
		if (st != CK_OK)
		{
			ck_set_free(s);
			return st;
		}
	}
	return CK_OK;
}
