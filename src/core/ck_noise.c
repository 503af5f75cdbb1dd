/*
 * ck_noise.c
 *		Exact discrete Laplace noise for dp_count, and its partition
 *		selection threshold.
 *
 * Floating-point Laplace noise leaks through the gaps and rounding of its
 * output (Mironov, "On significance of the least significant bits for
 * differential privacy", 2012).  Here every sample is an integer built from
 * uniform random integers and comparisons only (Canonne, Kamath and
 * Steinke, "The Discrete Gaussian for Differential Privacy", 2020,
 * Algorithms 1 and 2), so its distribution is exactly
 *	P(X = x) = tanh(epsilon / 2) * exp(-epsilon |x|).
 * For that, epsilon is taken as the exact value of its float8: a float8 is
 * num / 2^k, so the scale 1/epsilon = 2^k / num is rational and the
 * algorithm's Bernoulli(exp(-U / 2^k)) trials compare random k-bit integers
 * with U.  k reaches 73 for the smallest epsilon accepted, so the few wide
 * numbers are kept as two 64-bit words.
 *
 * Floating point appears only in the partition selection threshold, a
 * public function of (epsilon, delta) computed with a safety margin.
 */
#include "ck_core.h"

#include <math.h>
#include <string.h>

/* ---- random bits ---- */

void
ck_rng_init(ck_rng *r, ck_random_fn fill, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->fill = fill;
	r->ctx = ctx;
}

/* The next random byte; 0 once the source has failed (callers check). */
static uint8_t
rng_byte(ck_rng *r)
{
	if (r->avail == 0)
	{
		if (r->failed || !r->fill(r->ctx, r->buf, sizeof(r->buf)))
		{
			r->failed = true;
			return 0;
		}
		r->avail = sizeof(r->buf);
	}
	return r->buf[sizeof(r->buf) - r->avail--];
}

static uint64_t
rng_u64(ck_rng *r)
{
	uint64_t	v = 0;
	int			i;

	for (i = 0; i < 8; i++)
		v = (v << 8) | rng_byte(r);
	return v;
}

static bool
rng_bit(ck_rng *r)
{
	bool		b;

	if (r->nbits == 0)
	{
		r->bits = rng_u64(r);
		r->nbits = 64;
	}
	b = r->bits & 1;
	r->bits >>= 1;
	r->nbits--;
	return b;
}

/* Uniform in [0, m), m >= 1, by rejection (no modulo bias). */
static uint64_t
rng_below(ck_rng *r, uint64_t m)
{
	uint64_t	reject_below = (0 - m) % m;	/* 2^64 mod m */
	uint64_t	x;

	do
		x = rng_u64(r);
	while (x < reject_below && !r->failed);
	return x % m;
}

/* ---- 128-bit unsigned integers, as much as the sampler needs ---- */

typedef struct u128
{
	uint64_t	hi;
	uint64_t	lo;
} u128;

/* k uniform random bits, k <= 128 */
static u128
rng_bits128(ck_rng *r, int k)
{
	u128		v = {0, 0};

	if (k > 64)
	{
		v.hi = rng_u64(r) >> (128 - k);
		v.lo = rng_u64(r);
	}
	else if (k > 0)
		v.lo = rng_u64(r) >> (64 - k);
	return v;
}

static inline bool
u128_less(u128 a, u128 b)
{
	return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

/* (v << k) | u, for u < 2^k and a result below 2^128 */
static u128
u128_shift_or(uint64_t v, int k, u128 u)
{
	u128		x;

	if (k >= 64)
	{
		x.hi = (v << (k - 64)) | u.hi;
		x.lo = u.lo;
	}
	else if (k > 0)
	{
		x.hi = (v >> (64 - k)) | u.hi;
		x.lo = (v << k) | u.lo;
	}
	else
	{
		x.hi = u.hi;
		x.lo = v | u.lo;
	}
	return x;
}

/* floor(x / d) for d < 2^63, when the quotient fits in 64 bits */
static uint64_t
u128_div(u128 x, uint64_t d)
{
	uint64_t	rem = 0,
				q = 0;
	int			i;

	for (i = 127; i >= 0; i--)
	{
		uint64_t	bit = i >= 64 ? (x.hi >> (i - 64)) & 1 : (x.lo >> i) & 1;

		rem = (rem << 1) | bit;
		if (rem >= d)
		{
			rem -= d;
			if (i < 64)
				q |= (uint64_t) 1 << i;
		}
	}
	return q;
}

/* ---- exact Bernoulli trials ---- */

/*
 * Bernoulli(exp(-gamma)) for gamma = u / 2^k in [0, 1] (CKS Algorithm 1):
 * K = 1, 2, ... while Bernoulli(gamma / K) succeeds; true when the final K
 * is odd.  Bernoulli(gamma / K) is Bernoulli(1 / K) and Bernoulli(u / 2^k),
 * independent; gamma_one stands for u = 2^k (gamma = 1).
 */
static bool
bernoulli_exp(ck_rng *r, u128 u, int k, bool gamma_one)
{
	uint64_t	K = 1;

	while (!r->failed)
	{
		/* Bernoulli(1 / 1) always succeeds: no bytes spent on it */
		if (K > 1 && rng_below(r, K) != 0)
			break;
		if (!gamma_one && !u128_less(rng_bits128(r, k), u))
			break;
		K++;
	}
	return K % 2 == 1;
}

/* ---- epsilon, delta ---- */

ck_status
ck_epsilon_exact(double epsilon, ck_epsilon *e)
{
	int			exp2;
	uint64_t	m;

	if (!isfinite(epsilon) || !(epsilon >= CK_EPSILON_MIN) ||
		!(epsilon <= CK_EPSILON_MAX))
		return CK_ERR_EPSILON;
	/* epsilon = m * 2^exp2 exactly, m a 53-bit integer */
	m = (uint64_t) ldexp(frexp(epsilon, &exp2), 53);
	exp2 -= 53;
	while (exp2 < 0 && m % 2 == 0)
	{
		m /= 2;
		exp2++;
	}
	if (exp2 >= 0)
	{
		/* an integer no larger than CK_EPSILON_MAX */
		e->num = m << exp2;
		e->log2_den = 0;
	}
	else
	{
		e->num = m;
		e->log2_den = -exp2;
	}
	return CK_OK;
}

ck_status
ck_delta_check(double delta)
{
	if (!isfinite(delta) || !(delta > 0) || !(delta < 1))
		return CK_ERR_DELTA;
	return CK_OK;
}

/* ---- the sampler ---- */

/* A geometric count that is never reached in practice; see below. */
#define GEOMETRIC_CAP ((uint64_t) 1 << 40)

ck_status
ck_dlap_sample(ck_rng *r, const ck_epsilon *e, int64_t *x)
{
	int			k = e->log2_den;

	/* scale 1/epsilon = t / s with t = 2^k, s = num (CKS Algorithm 2) */
	while (!r->failed)
	{
		u128		u = rng_bits128(r, k);	/* uniform in [0, t) */
		uint64_t	v = 0;
		uint64_t	y;
		bool		negative;

		if (!bernoulli_exp(r, u, k, false))
			continue;
		while (bernoulli_exp(r, u, k, true) && !r->failed)
		{
			/*
			 * v is geometric with ratio exp(-1): reaching 2^40 has
			 * probability exp(-2^40).  Restarting there keeps the wide
			 * arithmetic below 2^128 at no measurable cost to exactness.
			 */
			if (++v == GEOMETRIC_CAP)
				break;
		}
		if (v == GEOMETRIC_CAP)
			continue;
		/* y = floor((u + t v) / s) */
		y = u128_div(u128_shift_or(v, k, u), e->num);
		negative = rng_bit(r);
		if (negative && y == 0)
			continue;
		if (r->failed)
			break;
		*x = negative ? -(int64_t) y : (int64_t) y;
		return CK_OK;
	}
	return CK_ERR_RANDOM;
}

double
ck_dlap_pmf(double epsilon, int64_t x)
{
	double		ax = x < 0 ? -(double) x : (double) x;

	return tanh(epsilon / 2) * exp(-epsilon * ax);
}

/*
 * log P(X >= k) for k >= 0: exp(-epsilon k) / (1 + exp(-epsilon)).
 * The threshold demands it be at most log(delta) by a margin of 1e-9
 * (relative), so rounding in exp and log cannot make delta smaller than
 * claimed.
 */
static inline bool
tail_within(double epsilon, double log_delta, int64_t k)
{
	return -epsilon * (double) k - log1p(exp(-epsilon)) <=
		log_delta - 1e-9 * fabs(log_delta);
}

ck_status
ck_dp_threshold(double epsilon, double delta, int64_t *tau)
{
	ck_epsilon e;
	double		log_delta;
	double		guess;
	int64_t		k;

	if (ck_epsilon_exact(epsilon, &e) != CK_OK)
		return CK_ERR_EPSILON;
	if (ck_delta_check(delta) != CK_OK)
		return CK_ERR_DELTA;
	log_delta = log(delta);
	guess = ceil((-log_delta - log1p(exp(-epsilon))) / epsilon);
	k = guess > 0 ? (int64_t) guess : 0;
	/* the guess is within one of the answer; settle it exactly */
	while (!tail_within(epsilon, log_delta, k))
		k++;
	while (k > 0 && tail_within(epsilon, log_delta, k - 1))
		k--;
	*tau = k + 1;
	return CK_OK;
}
