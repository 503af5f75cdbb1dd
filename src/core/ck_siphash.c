/*
 * ck_siphash.c
 *		SipHash-2-4 (Aumasson and Bernstein, 2012), the keys derived from the
 *		database's secret, units' record keys, and the stable hashes of
 *		units that are not integers.
 *
 * SipHash is a pseudorandom function keyed by 128 bits: without the key,
 * its outputs cannot be told from random, so a record key reveals nothing
 * about the secret or about other units' record keys.  Byte order is fixed
 * (little-endian) so every platform derives the same keys and record keys.
 * The unit tests check the reference implementation's 64 published vectors.
 */
#include "ck_core.h"

#include <string.h>

static inline uint64_t
rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t
load_le64(const uint8_t *p)
{
	return (uint64_t) p[0] | ((uint64_t) p[1] << 8) |
		((uint64_t) p[2] << 16) | ((uint64_t) p[3] << 24) |
		((uint64_t) p[4] << 32) | ((uint64_t) p[5] << 40) |
		((uint64_t) p[6] << 48) | ((uint64_t) p[7] << 56);
}

#define SIPROUND \
	do { \
		v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32); \
		v2 += v3; v3 = rotl(v3, 16); v3 ^= v2; \
		v0 += v3; v3 = rotl(v3, 21); v3 ^= v0; \
		v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32); \
	} while (0)

ck_sipkey
ck_sipkey_from_bytes(const uint8_t key[16])
{
	ck_sipkey	k;

	k.k0 = load_le64(key);
	k.k1 = load_le64(key + 8);
	return k;
}

uint64_t
ck_siphash24(ck_sipkey key, const void *msg, size_t len)
{
	const uint8_t *in = msg;
	const uint8_t *end = in + (len - len % 8);
	uint64_t	v0 = UINT64_C(0x736f6d6570736575) ^ key.k0;
	uint64_t	v1 = UINT64_C(0x646f72616e646f6d) ^ key.k1;
	uint64_t	v2 = UINT64_C(0x6c7967656e657261) ^ key.k0;
	uint64_t	v3 = UINT64_C(0x7465646279746573) ^ key.k1;
	uint64_t	b = (uint64_t) len << 56;
	uint64_t	m;
	size_t		i;

	for (; in != end; in += 8)
	{
		m = load_le64(in);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	/* the last 0..7 bytes, under the length byte */
	for (i = 0; i < len % 8; i++)
		b |= (uint64_t) in[i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

ck_sipkey
ck_derive_key(const uint8_t secret[CK_SECRET_LEN], const char *label)
{
	ck_sipkey	master = ck_sipkey_from_bytes(secret);
	uint8_t		msg[64 + 16 + 1];
	size_t		llen = strlen(label);
	ck_sipkey	out;

	/* labels are short constants of ours; truncation would be a bug */
	if (llen > 64)
		llen = 64;
	memcpy(msg, label, llen);
	memcpy(msg + llen, secret + 16, 16);
	msg[llen + 16] = 0;
	out.k0 = ck_siphash24(master, msg, llen + 17);
	msg[llen + 16] = 1;
	out.k1 = ck_siphash24(master, msg, llen + 17);
	return out;
}

uint32_t
ck_record_key(ck_sipkey key, uint64_t unit_hash)
{
	uint8_t		msg[8];
	int			i;

	for (i = 0; i < 8; i++)
		msg[i] = (uint8_t) (unit_hash >> (8 * i));
	return (uint32_t) ck_siphash24(key, msg, sizeof(msg));
}

uint64_t
ck_unit_hash(char family, const void *data, size_t len)
{
	uint8_t		key[16] = "viewstats/unit/";

	key[15] = (uint8_t) family;
	return ck_siphash24(ck_sipkey_from_bytes(key), data, len);
}

uint64_t
ck_unit_hash_float8(double x)
{
	uint64_t	bits;
	uint8_t		msg[8];
	int			i;

	if (x != x)
		bits = UINT64_C(0x7ff8000000000000);
	else
	{
		if (x == 0.0)
			x = 0.0;			/* -0 is 0 */
		memcpy(&bits, &x, sizeof(bits));
	}
	for (i = 0; i < 8; i++)
		msg[i] = (uint8_t) (bits >> (56 - 8 * i));
	return ck_unit_hash(CK_UNIT_FLOAT, msg, sizeof(msg));
}
