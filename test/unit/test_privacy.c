/*
 * test_privacy.c
 *		Unit tests of the privacy core: SipHash-2-4 against its published
 *		vectors, key derivation, the distinct-unit set against a sorted-array
 *		oracle, and the serialized state's validation.  Noise and p-table
 *		tests are in test_privacy_noise.c, suppression in
 *		test_privacy_suppress.c.  DS_UNIT_SEED=<hex> replays random tests.
 */
#include "test_privacy.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const char *
ck_status_name(ck_status s)
{
	switch (s)
	{
		case CK_OK:
			return "CK_OK";
		case CK_ERR_NOMEM:
			return "CK_ERR_NOMEM";
		case CK_ERR_TOO_LARGE:
			return "CK_ERR_TOO_LARGE";
		case CK_ERR_BAD_FORMAT:
			return "CK_ERR_BAD_FORMAT";
		case CK_ERR_BAD_VERSION:
			return "CK_ERR_BAD_VERSION";
		case CK_ERR_EPSILON:
			return "CK_ERR_EPSILON";
		case CK_ERR_DELTA:
			return "CK_ERR_DELTA";
		case CK_ERR_PTABLE:
			return "CK_ERR_PTABLE";
		case CK_ERR_RANDOM:
			return "CK_ERR_RANDOM";
		case CK_ERR_NEGATIVE:
			return "CK_ERR_NEGATIVE";
	}
	return "(unknown ck_status)";
}

bool
test_bytes_fill(void *ctx, uint8_t *buf, size_t len)
{
	test_bytes *tb = ctx;
	size_t		i;

	if (tb->fail_after >= 0 && tb->given + (long) len > tb->fail_after)
		return false;
	for (i = 0; i < len; i += 8)
	{
		uint64_t	w = rng_next(&tb->r);
		size_t		j;

		for (j = 0; j < 8 && i + j < len; j++)
			buf[i + j] = (uint8_t) (w >> (8 * j));
	}
	tb->given += (long) len;
	return true;
}

/* ---- SipHash-2-4 ---- */

/*
 * The reference implementation's vectors (github.com/veorq/SipHash,
 * vectors.h): key 00 01 .. 0f, message 00 01 .. (i-1) for i = 0 .. 63,
 * read as little-endian 64-bit words.
 */
static const uint64_t sip_vectors[64] = {
	0x726fdb47dd0e0e31, 0x74f839c593dc67fd, 0x0d6c8009d9a94f5a, 0x85676696d7fb7e2d,
	0xcf2794e0277187b7, 0x18765564cd99a68d, 0xcbc9466e58fee3ce, 0xab0200f58b01d137,
	0x93f5f5799a932462, 0x9e0082df0ba9e4b0, 0x7a5dbbc594ddb9f3, 0xf4b32f46226bada7,
	0x751e8fbc860ee5fb, 0x14ea5627c0843d90, 0xf723ca908e7af2ee, 0xa129ca6149be45e5,
	0x3f2acc7f57c29bdb, 0x699ae9f52cbe4794, 0x4bc1b3f0968dd39c, 0xbb6dc91da77961bd,
	0xbed65cf21aa2ee98, 0xd0f2cbb02e3b67c7, 0x93536795e3a33e88, 0xa80c038ccd5ccec8,
	0xb8ad50c6f649af94, 0xbce192de8a85b8ea, 0x17d835b85bbb15f3, 0x2f2e6163076bcfad,
	0xde4daaaca71dc9a5, 0xa6a2506687956571, 0xad87a3535c49ef28, 0x32d892fad841c342,
	0x7127512f72f27cce, 0xa7f32346f95978e3, 0x12e0b01abb051238, 0x15e034d40fa197ae,
	0x314dffbe0815a3b4, 0x027990f029623981, 0xcadcd4e59ef40c4d, 0x9abfd8766a33735c,
	0x0e3ea96b5304a7d0, 0xad0c42d6fc585992, 0x187306c89bc215a9, 0xd4a60abcf3792b95,
	0xf935451de4f21df2, 0xa9538f0419755787, 0xdb9acddff56ca510, 0xd06c98cd5c0975eb,
	0xe612a3cb9ecba951, 0xc766e62cfcadaf96, 0xee64435a9752fe72, 0xa192d576b245165a,
	0x0a8787bf8ecb74b2, 0x81b3e73d20b49b6f, 0x7fa8220ba3b2ecea, 0x245731c13ca42499,
	0xb78dbfaf3a8d83bd, 0xea1ad565322a1a0b, 0x60e61c23a3795013, 0x6606d7e446282b93,
	0x6ca4ecb15c5f91e1, 0x9f626da15c9625f3, 0xe51b38608ef25f57, 0x958a324ceb064572
};

static void
test_siphash_vectors(void)
{
	uint8_t		key[16],
				msg[64];
	ck_sipkey	k;
	int			i;

	for (i = 0; i < 16; i++)
		key[i] = (uint8_t) i;
	for (i = 0; i < 64; i++)
		msg[i] = (uint8_t) i;
	k = ck_sipkey_from_bytes(key);
	for (i = 0; i < 64; i++)
	{
		ut_set_context("message length %d", i);
		CHECK_INT(ck_siphash24(k, msg, (size_t) i) == sip_vectors[i], 1);
	}
}

/* Record keys are SipHash of the unit hash's 8 little-endian bytes. */
static void
test_record_key(void)
{
	rng			r = rng_for("record_key");
	int			i,
				b;

	for (i = 0; i < 1000; i++)
	{
		uint8_t		keyb[16],
					msg[8];
		ck_sipkey	k;
		uint64_t	h = rng_next(&r);

		for (b = 0; b < 16; b++)
			keyb[b] = (uint8_t) rng_next(&r);
		for (b = 0; b < 8; b++)
			msg[b] = (uint8_t) (h >> (8 * b));
		k = ck_sipkey_from_bytes(keyb);
		CHECK_INT(ck_record_key(k, h), (uint32_t) ck_siphash24(k, msg, 8));
	}
}

/* Every secret bit and the label matter; equal inputs give equal keys. */
static void
test_derive_key(void)
{
	uint8_t		secret[CK_SECRET_LEN];
	ck_sipkey	base,
				again,
				other;
	int			i,
				bit;

	for (i = 0; i < CK_SECRET_LEN; i++)
		secret[i] = (uint8_t) (i * 37 + 11);
	base = ck_derive_key(secret, "viewstats/record-key");
	again = ck_derive_key(secret, "viewstats/record-key");
	CHECK(base.k0 == again.k0 && base.k1 == again.k1);
	CHECK(base.k0 != base.k1);
	other = ck_derive_key(secret, "viewstats/other");
	CHECK(other.k0 != base.k0 && other.k1 != base.k1);
	for (i = 0; i < CK_SECRET_LEN; i++)
		for (bit = 0; bit < 8; bit++)
		{
			secret[i] ^= (uint8_t) (1 << bit);
			other = ck_derive_key(secret, "viewstats/record-key");
			ut_set_context("byte %d bit %d", i, bit);
			CHECK(other.k0 != base.k0 && other.k1 != base.k1);
			secret[i] ^= (uint8_t) (1 << bit);
		}
}

/* ---- the unit set ---- */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *) a,
				y = *(const uint64_t *) b;

	return (x > y) - (x < y);
}

/* Sorted distinct copy of vals (the oracle; out may be vals); the count. */
size_t
sorted_distinct(const uint64_t *vals, size_t n, uint64_t *out)
{
	size_t		i,
				k = 0;

	memmove(out, vals, n * sizeof(uint64_t));
	qsort(out, n, sizeof(uint64_t), cmp_u64);
	for (i = 0; i < n; i++)
		if (k == 0 || out[k - 1] != out[i])
			out[k++] = out[i];
	return k;
}

static uint8_t *
serialize(const ck_unitset *s, const ck_params *p, size_t *len)
{
	uint8_t    *buf;

	*len = ck_state_size(s);
	buf = malloc(*len);
	ck_state_write(s, p, buf);
	return buf;
}

/* Do two sets serialize to the same bytes (so hold the same units)? */
static bool
same_state_bytes(const ck_unitset *a, const ck_unitset *b)
{
	ck_params	p = {0};
	size_t		len1,
				len2;
	uint8_t    *b1 = serialize(a, &p, &len1);
	uint8_t    *b2 = serialize(b, &p, &len2);
	bool		same = len1 == len2 && memcmp(b1, b2, len1) == 0;

	free(b1);
	free(b2);
	return same;
}

static uint64_t
get_le64(const uint8_t *p)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t) p[i] << (8 * i);
	return v;
}

/*
 * Random multisets, with duplicates, the value 0 and values differing only
 * in their high bits: count, contents, order independence, union.
 */
static void
test_unitset_oracle(void)
{
	rng			r = rng_for("unitset_oracle");
	int			round;

	for (round = 0; round < 200; round++)
	{
		size_t		n = (size_t) rng_below(&r, round < 20 ? 20 : 5000);
		uint64_t   *vals = malloc((n + 1) * sizeof(uint64_t));
		uint64_t   *want = malloc((n + 1) * sizeof(uint64_t));
		size_t		nwant,
					i,
					len1,
					len2;
		ck_unitset	a,
					b;
		ck_params	p = {0};
		uint8_t    *bytes1,
				   *bytes2;

		ut_set_context("round %d, %zu values", round, n);
		for (i = 0; i < n; i++)
		{
			switch (rng_below(&r, 5))
			{
				case 0:
					vals[i] = rng_below(&r, 50);	/* small, often 0 */
					break;
				case 1:
					vals[i] = rng_below(&r, 64) << 58;	/* high bits only */
					break;
				case 2:
					vals[i] = i > 0 ? vals[rng_below(&r, i)] : 7;	/* repeat */
					break;
				default:
					vals[i] = rng_next(&r);
			}
		}
		nwant = sorted_distinct(vals, n, want);

		ck_set_init(&a);
		ck_set_init(&b);
		for (i = 0; i < n; i++)
			CHECK_CK(ck_set_add(&a, vals[i]), CK_OK);
		for (i = n; i-- > 0;)
			CHECK_CK(ck_set_add(&b, vals[i]), CK_OK);
		CHECK_INT(ck_set_count(&a), nwant);
		CHECK_INT(ck_set_count(&b), nwant);

		/* serialized: the oracle's sorted values, whatever the order */
		bytes1 = serialize(&a, &p, &len1);
		bytes2 = serialize(&b, &p, &len2);
		CHECK_INT(len1, CK_STATE_HDRSZ + 8 * nwant);
		CHECK(len1 == len2 && memcmp(bytes1, bytes2, len1) == 0);
		for (i = 0; i < nwant && !ut_test_failing(); i++)
			CHECK(get_le64(bytes1 + CK_STATE_HDRSZ + 8 * i) == want[i]);
		free(bytes1);
		free(bytes2);

		/* load factor between 3/8 and 3/4 once past the first table */
		if (a.used > CK_SET_MIN_LOG2CAP * 4)
			CHECK(a.used * 8 >= a.cap * 3 && a.used * 4 <= a.cap * 3);

		/* union of the two halves equals the whole */
		{
			ck_unitset	lo,
						hi;

			ck_set_init(&lo);
			ck_set_init(&hi);
			for (i = 0; i < n; i++)
				CHECK_CK(ck_set_add(i < n / 2 ? &lo : &hi, vals[i]), CK_OK);
			CHECK_CK(ck_set_union(&lo, &hi), CK_OK);
			CHECK_INT(ck_set_count(&lo), nwant);
			CHECK(same_state_bytes(&lo, &a));
			ck_set_free(&lo);
			ck_set_free(&hi);
		}
		ck_set_free(&a);
		ck_set_free(&b);
		free(vals);
		free(want);
	}
}

/* The cell key is the sum of record keys of the distinct units, mod 2^32. */
static void
test_cell_key(void)
{
	rng			r = rng_for("cell_key");
	uint8_t		secret[CK_SECRET_LEN];
	ck_sipkey	key;
	int			round,
				i;

	for (i = 0; i < CK_SECRET_LEN; i++)
		secret[i] = (uint8_t) rng_next(&r);
	key = ck_derive_key(secret, "test");
	for (round = 0; round < 50; round++)
	{
		size_t		n = (size_t) rng_below(&r, 300);
		uint64_t   *vals = malloc((n + 1) * sizeof(uint64_t));
		uint64_t   *want = malloc((n + 1) * sizeof(uint64_t));
		size_t		nwant,
					k;
		uint64_t	sum = 0;
		ck_unitset	s;

		for (k = 0; k < n; k++)
			vals[k] = rng_below(&r, 4) == 0 ? rng_below(&r, 3) : rng_next(&r);
		nwant = sorted_distinct(vals, n, want);
		for (k = 0; k < nwant; k++)
			sum += ck_record_key(key, want[k]);
		ck_set_init(&s);
		for (k = 0; k < n; k++)
			ck_set_add(&s, vals[k]);
		CHECK_INT(ck_set_cell_key(&s, key), (uint32_t) (sum % ((uint64_t) 1 << 32)));
		ck_set_free(&s);
		free(vals);
		free(want);
	}
}

/* Bytes per distinct unit as README states them: 10.7 to 21.3. */
static void
test_unitset_memory(void)
{
	ck_unitset	s;
	uint64_t	i;
	double		lo = 1e9,
				hi = 0;

	ck_set_init(&s);
	for (i = 1; i <= 300000; i++)
	{
		ck_set_add(&s, i * UINT64_C(0x9E3779B97F4A7C15));
		if (i >= 64)
		{
			double		per = (double) s.cap * 8 / (double) ck_set_count(&s);

			lo = per < lo ? per : lo;
			hi = per > hi ? per : hi;
		}
	}
	printf("     unit set: %.1f to %.1f bytes per distinct unit\n", lo, hi);
	CHECK(lo >= 10.66 && hi <= 21.34);
	ck_set_free(&s);
}

/*
 * Union inserts the smaller set into the larger, copying the larger's table
 * when it is the right side: the result is the same set either way, the
 * right side is never changed, and a failed copy leaves the left unchanged.
 */
static void
test_unitset_union_sides(void)
{
	ck_unitset	small,
				big,
				empty,
				want;
	uint64_t	i;

	ck_set_init(&small);
	ck_set_init(&big);
	ck_set_init(&empty);
	ck_set_init(&want);
	for (i = 0; i < 5; i++)
		CHECK_CK(ck_set_add(&small, i * 1000), CK_OK);	/* 0 included */
	for (i = 1; i <= 5000; i++)
		CHECK_CK(ck_set_add(&big, i * 7), CK_OK);
	for (i = 0; i < 5; i++)
		CHECK_CK(ck_set_add(&want, i * 1000), CK_OK);
	for (i = 1; i <= 5000; i++)
		CHECK_CK(ck_set_add(&want, i * 7), CK_OK);

	/* a failed copy of the larger table leaves the left side as it was */
	ta_install(0);
	CHECK_CK(ck_set_union(&small, &big), CK_ERR_NOMEM);
	ta_uninstall();
	CHECK_INT(ck_set_count(&small), 5);

	/* small |= big takes the copy path; big |= small the insert path */
	CHECK_CK(ck_set_union(&small, &big), CK_OK);
	CHECK_INT(ck_set_count(&big), 5000);
	CHECK_CK(ck_set_union(&empty, &big), CK_OK);
	CHECK_INT(ck_set_count(&empty), 5000);
	CHECK(empty.slots != big.slots);
	CHECK(same_state_bytes(&small, &want));
	CHECK_CK(ck_set_union(&big, &small), CK_OK);
	CHECK(same_state_bytes(&big, &want));
	ck_set_free(&small);
	ck_set_free(&big);
	ck_set_free(&empty);
	ck_set_free(&want);
}

/* A serialized state survives a round trip; every corruption is refused. */
static void
test_state_validation(void)
{
	ck_unitset	s,
				back;
	ck_params	p = {CK_PARAM_THRESHOLD | CK_PARAM_EPSILON | CK_PARAM_DELTA,
	12, 0.5, 1e-5},
				q;
	uint8_t    *buf,
			   *bad;
	size_t		len;
	uint64_t	i;

	ck_set_init(&s);
	for (i = 0; i < 10; i++)
		ck_set_add(&s, i * 1000);	/* includes 0 */
	buf = serialize(&s, &p, &len);

	ck_set_init(&back);
	CHECK_CK(ck_state_read(buf, len, &back, &q), CK_OK);
	CHECK_INT(ck_set_count(&back), 10);
	CHECK(q.flags == p.flags && q.threshold == 12 && q.epsilon == 0.5 &&
		  q.delta == 1e-5);
	ck_set_free(&back);

	bad = malloc(len + 8);
#define EXPECT_BAD(mutate, n, want) \
	do { \
		memcpy(bad, buf, len); \
		mutate; \
		ck_set_init(&back); \
		CHECK_CK(ck_state_read(bad, (n), &back, &q), (want)); \
		ck_set_free(&back); \
	} while (0)
	EXPECT_BAD((void) 0, CK_STATE_HDRSZ - 1, CK_ERR_BAD_FORMAT);	/* short */
	EXPECT_BAD((void) 0, len - 1, CK_ERR_BAD_FORMAT);	/* truncated */
	EXPECT_BAD(memset(bad + len, 0, 8), len + 8, CK_ERR_BAD_FORMAT);	/* trailing */
	EXPECT_BAD(bad[0] = 2, len, CK_ERR_BAD_VERSION);
	EXPECT_BAD(bad[1] |= 0x08, len, CK_ERR_BAD_FORMAT);	/* unknown flag */
	EXPECT_BAD(bad[2] = 1, len, CK_ERR_BAD_FORMAT);	/* reserved */
	EXPECT_BAD(bad[4] = 0, len, CK_ERR_BAD_FORMAT);	/* threshold 0 */
	EXPECT_BAD(bad[7] = 0x80, len, CK_ERR_BAD_FORMAT);	/* threshold < 0 */
	EXPECT_BAD(bad[15] = 0x7f; bad[14] = 0xf8, len, CK_ERR_BAD_FORMAT);	/* epsilon NaN */
	EXPECT_BAD(bad[15] = 0x3f; bad[14] = 0xf0; memset(bad + 16, 0, 6); bad[22] = 0xf0; bad[23] = 0x3f,
			   len, CK_ERR_BAD_FORMAT);	/* delta 1 */
	EXPECT_BAD(bad[1] = CK_PARAM_THRESHOLD, len, CK_ERR_BAD_FORMAT);	/* stray epsilon */
	EXPECT_BAD(bad[24] = 11, len, CK_ERR_BAD_FORMAT);	/* count mismatch */
	EXPECT_BAD(memset(bad + 24, 0xff, 8), len, CK_ERR_BAD_FORMAT);	/* huge count */
	/* unsorted: swap the 2nd and 3rd values */
	EXPECT_BAD((memcpy(bad + CK_STATE_HDRSZ + 8, buf + CK_STATE_HDRSZ + 16, 8),
				memcpy(bad + CK_STATE_HDRSZ + 16, buf + CK_STATE_HDRSZ + 8, 8)),
			   len, CK_ERR_BAD_FORMAT);
	/* a value twice */
	EXPECT_BAD(memcpy(bad + CK_STATE_HDRSZ + 8, buf + CK_STATE_HDRSZ, 8),
			   len, CK_ERR_BAD_FORMAT);
#undef EXPECT_BAD
	free(bad);
	free(buf);

	/* no parameters, no units */
	ck_set_free(&s);
	memset(&p, 0, sizeof(p));
	buf = serialize(&s, &p, &len);
	CHECK_INT(len, CK_STATE_HDRSZ);
	ck_set_init(&back);
	CHECK_CK(ck_state_read(buf, len, &back, &q), CK_OK);
	CHECK_INT(ck_set_count(&back), 0);
	CHECK_INT(q.flags, 0);
	free(buf);
}

/* The set refuses to grow past CK_SET_MAX (checked without filling it). */
static void
test_unitset_limit(void)
{
	ck_unitset	s;

	ck_set_init(&s);
	s.used = CK_SET_MAX;		/* pretend: only the bookkeeping is read */
	CHECK_CK(ck_set_add(&s, 0), CK_ERR_TOO_LARGE);
	s.used = CK_SET_MAX - 1;
	CHECK_CK(ck_set_add(&s, 0), CK_OK);
	s.used = 0;
	ck_set_free(&s);
}

void
run_privacy_hash_tests(void)
{
	UT_RUN(test_siphash_vectors);
	UT_RUN(test_record_key);
	UT_RUN(test_derive_key);
	UT_RUN(test_unitset_oracle);
	UT_RUN(test_cell_key);
	UT_RUN(test_unitset_memory);
	UT_RUN(test_unitset_union_sides);
	UT_RUN(test_state_validation);
	UT_RUN(test_unitset_limit);
}

int
main(void)
{
	const char *seed = getenv("DS_UNIT_SEED");

	if (seed != NULL && *seed != '\0')
		test_seed = strtoull(seed, NULL, 16);
	printf("privacy core unit tests, seed 0x%016" PRIx64 "\n", test_seed);
	fflush(stdout);

	run_privacy_hash_tests();
	run_privacy_noise_tests();
	run_privacy_suppress_tests();
	run_privacy_runs_tests();

	return ut_finish();
}
