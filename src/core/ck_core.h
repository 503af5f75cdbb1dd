/*
 * ck_core.h
 *		Pure C core of viewstats' privacy-safe counts: keyed hashing
 *		(SipHash-2-4), the set of distinct privacy units, the cell-key
 *		p-table, exact discrete Laplace noise and cell suppression.
 *
 * No PostgreSQL header may be included here or in ck_*.c: the unit tests
 * link the core on its own.  Errors are ck_status codes; the fmgr layer
 * (src/privacy.h) turns them into ereport with the right SQLSTATE.  Memory
 * comes from the dayset core's allocator hooks (ds_alloc), which the fmgr
 * layer points at palloc.
 *
 * Invariants every caller may rely on:
 *	- a unit is represented by a 64-bit hash; the set never holds a value
 *	  twice, and its serialized form is the sorted array of its values;
 *	- record keys and cell keys never leave this core except as the
 *	  perturbation they select (there is no function returning them);
 *	- every function reading bytes from outside validates them first.
 */
#ifndef CK_CORE_H
#define CK_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ck_status
{
	CK_OK = 0,
	CK_ERR_NOMEM,				/* allocator returned NULL */
	CK_ERR_TOO_LARGE,			/* more distinct units than CK_SET_MAX */
	CK_ERR_BAD_FORMAT,			/* malformed serialized state */
	CK_ERR_BAD_VERSION,			/* serialized state of an unknown version */
	CK_ERR_EPSILON,				/* epsilon not finite or out of range */
	CK_ERR_DELTA,				/* delta not finite or out of (0, 1) */
	CK_ERR_PTABLE,				/* p-table parameters infeasible */
	CK_ERR_RANDOM,				/* the random byte source failed */
	CK_ERR_NEGATIVE				/* a negative count given to suppression */
} ck_status;

/* ---- SipHash-2-4 and the keys derived from the secret ---- */

#define CK_SECRET_LEN	32		/* bytes of the database's secret */

typedef struct ck_sipkey
{
	uint64_t	k0;
	uint64_t	k1;
} ck_sipkey;

/* The 128-bit key as SipHash reads it: two little-endian words. */
extern ck_sipkey ck_sipkey_from_bytes(const uint8_t key[16]);
extern uint64_t ck_siphash24(ck_sipkey key, const void *msg, size_t len);

/*
 * A 128-bit key for one purpose, derived from the 256-bit secret:
 * SipHash keyed by the secret's first half over (label, second half, i).
 * Different labels give independent keys.
 */
extern ck_sipkey ck_derive_key(const uint8_t secret[CK_SECRET_LEN],
							   const char *label);

/* A unit's record key: the low 32 bits of SipHash of its 64-bit hash. */
extern uint32_t ck_record_key(ck_sipkey key, uint64_t unit_hash);

/*
 * The stable hash of a privacy unit that is not an integer: SipHash-2-4,
 * keyed by the 16 ASCII bytes "viewstats/unit/" and a letter naming the
 * unit's family (CK_UNIT_*), over a canonical encoding of the value that no
 * platform, release or OID changes.  Part of the published numbers: fixed
 * forever, as the integer units' seed is.
 */
#define CK_UNIT_TEXT	't'		/* UTF-8 bytes (text, varchar, char, enum labels) */
#define CK_UNIT_UUID	'u'		/* the 16 bytes */
#define CK_UNIT_BYTEA	'b'		/* the bytes */
#define CK_UNIT_NUMERIC	'n'		/* ASCII decimal, no trailing fractional zeros */
#define CK_UNIT_FLOAT	'f'		/* see ck_unit_hash_float8 */

extern uint64_t ck_unit_hash(char family, const void *data, size_t len);

/*
 * A float4 or float8 unit: its value as a float8, -0 as 0 and every NaN as
 * the one NaN 0x7ff8000000000000 (the type's equality says so), in 8
 * big-endian bytes.
 */
extern uint64_t ck_unit_hash_float8(double x);

/* ---- The set of distinct units ---- */

/*
 * Open addressing with linear probing over 64-bit unit hashes.  0 marks an
 * empty slot, so the value 0 is kept in has_zero.  The table doubles when
 * it would pass 3/4 full, so it stays between 3/8 and 3/4 full: 10.7 to
 * 21.3 bytes per distinct unit.  CK_SET_MAX keeps the slot array (2^26
 * slots, 512 MB) below PostgreSQL's 1 GB allocation limit.
 */
#define CK_SET_MAX		((uint64_t) 3 << 24)	/* 50,331,648 units */
#define CK_SET_MIN_LOG2CAP	4

typedef struct ck_unitset
{
	uint64_t   *slots;			/* NULL until the first non-zero value */
	uint64_t	cap;			/* slots: 2^log2cap, or 0 */
	int			log2cap;
	uint64_t	used;			/* non-zero values stored */
	bool		has_zero;
} ck_unitset;

extern void ck_set_init(ck_unitset *s);
extern void ck_set_free(ck_unitset *s);
extern ck_status ck_set_add(ck_unitset *s, uint64_t h);
extern ck_status ck_set_union(ck_unitset *dst, const ck_unitset *src);

static inline uint64_t
ck_set_count(const ck_unitset *s)
{
	return s->used + (s->has_zero ? 1 : 0);
}

/* Sum of the record keys of every unit in the set, mod 2^32. */
extern uint32_t ck_set_cell_key(const ck_unitset *s, ck_sipkey key);

/*
 * Serialized aggregate state, little-endian, 32-byte header:
 *	 0	version (CK_STATE_VERSION)
 *	 1	flags (CK_PARAM_*)
 *	 2	2 reserved zero bytes
 *	 4	int32 min_group_size (0 when absent)
 *	 8	float8 epsilon bits (0 when absent)
 *	16	float8 delta bits (0 when absent)
 *	24	uint64 number of units
 *	32	the units' hashes, strictly increasing
 * The bytes depend only on the set and the parameters, never on the order
 * the rows came in.
 */
#define CK_STATE_VERSION	1
#define CK_STATE_HDRSZ		32

#define CK_PARAM_THRESHOLD	0x01
#define CK_PARAM_EPSILON	0x02
#define CK_PARAM_DELTA		0x04
#define CK_PARAM_ALL		0x07

typedef struct ck_params
{
	uint8_t		flags;			/* which fields below are set */
	int32_t		threshold;
	double		epsilon;
	double		delta;
} ck_params;

extern size_t ck_state_size(const ck_unitset *s);
extern void ck_state_write(const ck_unitset *s, const ck_params *p,
						   uint8_t *out);

/* Validates everything before use; *s must be freshly initialized. */
extern ck_status ck_state_read(const uint8_t *in, size_t len,
							   ck_unitset *s, ck_params *p);

/* ---- The cell-key p-table ---- */

/*
 * Rows are indexed by headroom h = n - threshold (n >= threshold), capped
 * at max_dev: row h has support [-min(h, D), D], so a published count
 * n + p is never below the threshold (and never negative).  Each row is the
 * maximum-entropy distribution on its support with mean exactly 0 and
 * variance V, quantized to integer weights summing to 2^32 so that a 32-bit
 * cell key indexes it uniformly.  Row 0 is the point mass at 0.
 */
#define CK_PT_MAX_DEV	20

typedef struct ck_ptable
{
	int32_t		max_dev;		/* D */
	double		variance;		/* V */
	/* weight[h][j + D] for j in [-D, D]; rows 0..D */
	uint64_t	weight[CK_PT_MAX_DEV + 1][2 * CK_PT_MAX_DEV + 1];
	/* unquantized probabilities, for tests and documentation */
	double		prob[CK_PT_MAX_DEV + 1][2 * CK_PT_MAX_DEV + 1];
} ck_ptable;

#define CK_PT_TOTAL ((uint64_t) 1 << 32)

/* Requires 1 <= D <= CK_PT_MAX_DEV and 0 < V < D; CK_ERR_PTABLE else. */
extern ck_status ck_ptable_build(int32_t max_dev, double variance,
								 ck_ptable *t);
extern int32_t ck_ptable_lookup(const ck_ptable *t, uint64_t headroom,
								uint32_t cell_key);

/* ---- Exact discrete Laplace noise and partition selection ---- */

/*
 * Random bytes come from a callback (pg_strong_random in the server, a
 * seeded stream in the tests); it returns false on failure.
 */
typedef bool (*ck_random_fn) (void *ctx, uint8_t *buf, size_t len);

typedef struct ck_rng
{
	ck_random_fn fill;
	void	   *ctx;
	uint8_t		buf[64];
	size_t		avail;			/* unread bytes at the end of buf */
	uint64_t	bits;			/* unread single bits */
	int			nbits;
	bool		failed;
} ck_rng;

extern void ck_rng_init(ck_rng *r, ck_random_fn fill, void *ctx);

/* Accepted epsilon range; see ck_epsilon_exact. */
#define CK_EPSILON_MIN	1e-6
#define CK_EPSILON_MAX	1000.0

/*
 * epsilon as the exact fraction num / 2^log2_den of its float8 value, in
 * lowest terms; CK_ERR_EPSILON when it is not finite or out of range.
 */
typedef struct ck_epsilon
{
	uint64_t	num;			/* odd unless log2_den == 0 */
	int			log2_den;		/* 0 .. 73 */
} ck_epsilon;

extern ck_status ck_epsilon_exact(double epsilon, ck_epsilon *e);
extern ck_status ck_delta_check(double delta);

/*
 * One sample X with P(X = x) proportional to exp(-epsilon |x|), drawn
 * exactly (Canonne, Kamath and Steinke 2020, Algorithm 2): only uniform
 * integers and comparisons, no floating point.
 */
extern ck_status ck_dlap_sample(ck_rng *r, const ck_epsilon *e, int64_t *x);

/*
 * Partition selection: the smallest tau such that a group of one unit is
 * released (1 + X >= tau) with probability at most delta, that is
 * P(X >= tau - 1) = exp(-epsilon (tau - 1)) / (1 + exp(-epsilon)) <= delta.
 */
extern ck_status ck_dp_threshold(double epsilon, double delta, int64_t *tau);

/* P(X = x) for the discrete Laplace above, in double (tests, docs). */
extern double ck_dlap_pmf(double epsilon, int64_t x);

/* ---- Primary and complementary cell suppression ---- */

/*
 * Cells n[0..m) of one table row (each >= 0), threshold t >= 1.
 * unknown[i] (unknown may be NULL: none) marks a cell that is already
 * hidden and whose count is not known (a NULL input, such as a count
 * suppressed upstream): it stays hidden, counts as a hidden cell, and adds
 * nothing to the hidden sum; n[i] is not read.  On return suppressed[i]
 * says whether cell i is hidden.
 *	primary:	unknown cells, and 0 < n < t;
 *	complementary: while some cell is hidden and either exactly one is or
 *	the known hidden cells sum to less than t, hide the smallest remaining
 *	non-zero cells, all cells of that value at once.
 * Cells are told apart only by their value, so equal cells are hidden
 * together or not at all and the result does not depend on the order of
 * the cells.  Zeros are never hidden: they add nothing to the hidden sum.
 */
extern ck_status ck_suppress(const int64_t *n, const bool *unknown,
							 int64_t m, int64_t t, bool *suppressed);

#endif							/* CK_CORE_H */
