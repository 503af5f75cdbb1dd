/*
 * fuzz_ptable.c
 *		libFuzzer harness of the perturbation code: the cell-key p-table
 *		(ck_ptable_build, ck_ptable_lookup), epsilon's exact fraction, the
 *		partition-selection threshold and the exact discrete Laplace sampler.
 *
 * The input picks the p-table's parameters (often at or past the edges of
 * their range, NaN and infinities included) and then lookups.  A table the
 * core builds must satisfy, row by row, what ck_core.h promises: integer
 * weights summing to exactly 2^32, zero outside [-min(h, D), D], an integer
 * mean of exactly 0 and a variance within 1e-6 of V; row 0 the point mass.
 * Each lookup must equal a naive walk of the cumulative weights, so a
 * published count n + p never falls below the threshold.  Parameters inside
 * the documented range, away from V = D by a relative 1e-6, must build.
 *
 * The noise half feeds the sampler random bytes from the input itself, so
 * it runs out mid-sample: the sampler must then report CK_ERR_RANDOM, never
 * return a value it did not finish drawing.
 */
#include "fuzz_util.h"
#include "core/ck_core.h"

#include <math.h>
#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static double
fuzz_double(fuzz_input *in)
{
	uint64_t	bits = ((uint64_t) fuzz_u32(in) << 32) | fuzz_u32(in);
	double		d;

	memcpy(&d, &bits, sizeof(d));
	return d;
}

/* A max_dev, mostly valid, sometimes just outside 1..CK_PT_MAX_DEV */
static int32_t
pick_max_dev(fuzz_input *in)
{
	uint8_t		b = fuzz_u8(in);

	switch (b >> 6)
	{
		case 0:
			return (int32_t) (b % 4) - 1;	/* -1, 0, 1, 2 */
		case 1:
			return CK_PT_MAX_DEV - 1 + (b % 3);	/* 19, 20, 21 */
		default:
			return 1 + b % CK_PT_MAX_DEV;
	}
}

/* A variance: a fraction of D, an edge, or any bit pattern */
static double
pick_variance(fuzz_input *in, int32_t d)
{
	uint8_t		sel = fuzz_u8(in);

	switch (sel % 4)
	{
		case 0:
			return fuzz_double(in);
		case 1:
			{
				static const double edges[] = {0.0, -0.0, 1e-300, 1e-9, 1e-6,
				1.0, -1.0, INFINITY, -INFINITY, NAN};

				return edges[fuzz_u8(in) % (sizeof(edges) / sizeof(edges[0]))];
			}
		case 2:
			/* near D: D (1 - 2^-k) */
			return (double) d * (1.0 - ldexp(1.0, -(1 + fuzz_u8(in) % 60)));
		default:
			return (double) d * (fuzz_u16(in) / 65536.0);
	}
}

static void
check_table(const ck_ptable *t, int32_t d, double v)
{
	FUZZ_CHECK(t->max_dev == d && t->variance == v);
	for (int h = 0; h <= d; h++)
	{
		const uint64_t *w = t->weight[h];
		uint64_t	sum = 0;
		int64_t		moment = 0;
		double		second = 0;

		for (int j = -d; j <= d; j++)
		{
			uint64_t	wj = w[j + d];

			if (j < -h)
				FUZZ_CHECK(wj == 0);
			FUZZ_CHECK(wj <= CK_PT_TOTAL);
			sum += wj;
			moment += (int64_t) j * (int64_t) wj;
			second += (double) j * j * (double) wj;
		}
		FUZZ_CHECK(sum == CK_PT_TOTAL);
		FUZZ_CHECK(moment == 0);
		if (h == 0)
			FUZZ_CHECK(w[d] == CK_PT_TOTAL);
		else
			FUZZ_CHECK(fabs(second / (double) CK_PT_TOTAL - v) <= 1e-6);
	}
}

/* The naive lookup: the first j whose cumulative weight passes the key */
static int32_t
naive_lookup(const ck_ptable *t, uint64_t headroom, uint32_t key)
{
	int32_t		d = t->max_dev;
	int32_t		h = headroom < (uint64_t) d ? (int32_t) headroom : d;
	uint64_t	cum = 0;

	for (int32_t j = -d; j <= d; j++)
	{
		cum += t->weight[h][j + d];
		if ((uint64_t) key < cum)
			return j;
	}
	fuzz_fail(__FILE__, __LINE__, "weights do not cover the key");
}

static void
check_lookup(const ck_ptable *t, uint64_t headroom, uint32_t key)
{
	int32_t		j = ck_ptable_lookup(t, headroom, key);
	int32_t		d = t->max_dev;

	FUZZ_CHECK(j == naive_lookup(t, headroom, key));
	FUZZ_CHECK(j <= d);
	/* never below the threshold: n + j >= t whenever n - t = headroom */
	FUZZ_CHECK(j >= 0 || (uint64_t) (-j) <= headroom);
}

static void
fuzz_table(fuzz_input *in)
{
	static ck_ptable t;
	int32_t		d = pick_max_dev(in);
	double		v = pick_variance(in, d);
	bool		valid = d >= 1 && d <= CK_PT_MAX_DEV && v > 0 && v < d;
	ck_status	st = ck_ptable_build(d, v, &t);

	if (!valid)
	{
		FUZZ_CHECK(st == CK_ERR_PTABLE);
		return;
	}
	if (v <= (double) d * (1.0 - 1e-6))
		FUZZ_CHECK(st == CK_OK);
	if (st != CK_OK)
	{
		FUZZ_CHECK(st == CK_ERR_PTABLE);
		return;
	}
	check_table(&t, d, v);

	/* every boundary of every row, then keys and headrooms from the input */
	for (int h = 0; h <= d + 1; h++)
	{
		uint64_t	cum = 0;

		for (int j = -d; j <= d; j++)
		{
			cum += t.weight[h <= d ? h : d][j + d];
			if (cum > 0 && cum <= CK_PT_TOTAL)
			{
				check_lookup(&t, (uint64_t) h, (uint32_t) (cum - 1));
				if (cum < CK_PT_TOTAL)
					check_lookup(&t, (uint64_t) h, (uint32_t) cum);
			}
		}
	}
	while (!fuzz_done(in))
	{
		uint8_t		hsel = fuzz_u8(in);
		uint64_t	headroom = hsel < 200 ? hsel % 24 :
			(hsel < 250 ? fuzz_u32(in) : UINT64_MAX - hsel % 4);

		check_lookup(&t, headroom, fuzz_u32(in));
	}
}

/* ---- noise ---- */

/* The sampler's random bytes: the rest of the input, then failure */
static bool
input_random(void *ctx, uint8_t *buf, size_t len)
{
	fuzz_input *in = ctx;

	if (in->left < len)
	{
		in->left = 0;
		return false;
	}
	memcpy(buf, in->p, len);
	in->p += len;
	in->left -= len;
	return true;
}

static double
pick_epsilon(fuzz_input *in)
{
	uint8_t		sel = fuzz_u8(in);

	switch (sel % 4)
	{
		case 0:
			return fuzz_double(in);
		case 1:
			{
				const double edges[] = {CK_EPSILON_MIN, CK_EPSILON_MAX,
					0.1, 0.5, 1.0, 2.0, 3.0, 1.0 / 3, 0.0, -1.0, NAN, INFINITY,
				nextafter(CK_EPSILON_MIN, 0), nextafter(CK_EPSILON_MAX, 2e3)};

				return edges[fuzz_u8(in) % (sizeof(edges) / sizeof(edges[0]))];
			}
		case 2:
			return ldexp(1.0 + fuzz_u16(in) / 65536.0, (int) (fuzz_u8(in) % 30) - 20);
		default:
			return (1 + fuzz_u16(in)) / 1000.0;
	}
}

static double
pick_delta(fuzz_input *in)
{
	uint8_t		sel = fuzz_u8(in);

	if (sel % 3 == 0)
		return fuzz_double(in);
	if (sel % 3 == 1)
	{
		static const double edges[] = {1e-5, 1e-300, 0.5, 0.999999, 0.0, 1.0,
		-1e-5, NAN, 5e-324};

		return edges[fuzz_u8(in) % (sizeof(edges) / sizeof(edges[0]))];
	}
	return ldexp(1.0, -(1 + fuzz_u8(in) % 100));
}

/* log P(X >= k) for k >= 0, X discrete Laplace(epsilon), in long double */
static long double
log_tail(double epsilon, int64_t k)
{
	return -(long double) epsilon * k - log1pl(expl(-(long double) epsilon));
}

static void
fuzz_noise(fuzz_input *in)
{
	double		epsilon = pick_epsilon(in);
	double		delta = pick_delta(in);
	bool		eps_ok = isfinite(epsilon) && epsilon >= CK_EPSILON_MIN &&
		epsilon <= CK_EPSILON_MAX;
	bool		delta_ok = isfinite(delta) && delta > 0 && delta < 1;
	ck_epsilon	e;
	int64_t		tau;
	ck_status	st;

	st = ck_epsilon_exact(epsilon, &e);
	FUZZ_CHECK((st == CK_OK) == eps_ok);
	FUZZ_CHECK((ck_delta_check(delta) == CK_OK) == delta_ok);
	if (st == CK_OK)
	{
		/* the fraction is exact and in lowest terms */
		FUZZ_CHECK(e.log2_den >= 0 && e.log2_den <= 73);
		FUZZ_CHECK(e.num > 0);
		FUZZ_CHECK(e.log2_den == 0 || e.num % 2 == 1);
		FUZZ_CHECK(ldexp((double) e.num, -e.log2_den) == epsilon);
	}

	st = ck_dp_threshold(epsilon, delta, &tau);
	if (!eps_ok)
		FUZZ_CHECK(st == CK_ERR_EPSILON);
	else if (!delta_ok)
		FUZZ_CHECK(st == CK_ERR_DELTA);
	else
	{
		long double ld = logl((long double) delta);

		FUZZ_CHECK(st == CK_OK && tau >= 1);
		/* a one-unit group passes with probability at most delta ... */
		FUZZ_CHECK(log_tail(epsilon, tau - 1) <= ld + 1e-12L * fabsl(ld));
		/* ... and tau is the smallest such (up to the core's 1e-9 margin) */
		if (tau >= 2)
			FUZZ_CHECK(log_tail(epsilon, tau - 2) > ld - 1e-8L * fabsl(ld));
	}

	if (eps_ok)
	{
		ck_rng		r;
		int			samples = 1 + fuzz_u8(in) % 8;

		ck_rng_init(&r, input_random, in);
		for (int i = 0; i < samples; i++)
		{
			int64_t		x = INT64_MIN;

			st = ck_dlap_sample(&r, &e, &x);
			if (st != CK_OK)
			{
				/* only running out of random bytes may stop it */
				FUZZ_CHECK(st == CK_ERR_RANDOM && r.failed);
				FUZZ_CHECK(x == INT64_MIN);
				break;
			}
			FUZZ_CHECK(x != INT64_MIN);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input	in = {data, size};

	if (fuzz_u8(&in) & 1)
		fuzz_noise(&in);
	else
		fuzz_table(&in);
	return 0;
}
