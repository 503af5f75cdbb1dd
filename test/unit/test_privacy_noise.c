/*
 * test_privacy_noise.c
 *		Unit tests of the p-table (ck_ptable.c) and of the exact discrete
 *		Laplace sampler and partition threshold (ck_noise.c).
 *
 * The sampler is checked by chi-square tests over 10^5 to 2 * 10^5 samples
 * per epsilon from a seeded byte stream, at a 10^-6 significance level so a
 * replay with another seed does not fail by chance; each test also shows
 * that the same statistic rejects a distribution 5% off, so it can fail.
 */
#include "test_privacy.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* ---- p-table ---- */

static void
check_ptable(int32_t d, double v)
{
	ck_ptable	t;
	int			h,
				j;

	ut_set_context("D = %d, V = %g", d, v);
	CHECK_CK(ck_ptable_build(d, v, &t), CK_OK);
	if (ut_test_failing())
		return;
	for (h = 0; h <= d; h++)
	{
		uint64_t	sum = 0;
		int64_t		m1 = 0;
		double		m2 = 0,
					pm1 = 0,
					pm2 = 0,
					psum = 0;

		ut_set_context("D = %d, V = %g, row %d", d, v, h);
		for (j = -d; j <= d; j++)
		{
			uint64_t	w = t.weight[h][j + d];

			/* support [-min(h, D), D] */
			if (j < -h)
				CHECK_INT(w, 0);
			sum += w;
			m1 += (int64_t) j * (int64_t) w;
			m2 += (double) j * j * (double) w;
			psum += t.prob[h][j + d];
			pm1 += j * t.prob[h][j + d];
			pm2 += (double) j * j * t.prob[h][j + d];
		}
		CHECK(sum == CK_PT_TOTAL);
		CHECK_INT(m1, 0);		/* mean exactly 0 */
		if (h == 0)
		{
			CHECK(t.weight[0][d] == CK_PT_TOTAL);
			continue;
		}
		/*
		 * Quantized variance: each of the 2D + 1 weights rounds by at most
		 * 1/2 (second moment D^2 / 2 at most), and the mean correction moves
		 * at most D (D + 1) / 2 units between 0 and +-1: less than
		 * 2 (2D + 1) D^2 units of 2^-32 in all.
		 */
		CHECK_MSG(fabs(m2 / (double) CK_PT_TOTAL - v) <
				  2.0 * (2 * d + 1) * d * d / (double) CK_PT_TOTAL,
				  "quantized variance %.12f", m2 / (double) CK_PT_TOTAL);
		CHECK(fabs(psum - 1) < 1e-12 && fabs(pm1) < 1e-11 &&
			  fabs(pm2 - v) < 1e-11);

		/*
		 * Maximum entropy under mean and variance constraints means log p is
		 * a quadratic in j: constant second differences.
		 */
		{
			int			lo = h < d ? -h : -d;
			double		second = NAN;

			for (j = lo + 1; j < d; j++)
			{
				const double *q = &t.prob[h][j + d];
				double		s2;

				/* tiny V underflows far from 0: only representable triples */
				if (q[-1] < 1e-250 || q[0] < 1e-250 || q[1] < 1e-250)
					continue;
				s2 = log(q[1]) - 2 * log(q[0]) + log(q[-1]);
				if (isnan(second))
					second = s2;
				CHECK_MSG(fabs(s2 - second) < 1e-7 * (1 + fabs(second)),
						  "second difference %g at %d, first %g", s2, j, second);
			}
		}
	}
}

static void
test_ptable_properties(void)
{
	static const double vs[] = {1e-6, 0.01, 0.25, 0.5, 0.99};
	int			d;
	size_t		i;

	for (d = 1; d <= CK_PT_MAX_DEV; d += (d < 5 ? 1 : 5))
		for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++)
			check_ptable(d, vs[i] * d);
	check_ptable(2, 1.0);
	check_ptable(CK_PT_MAX_DEV, CK_PT_MAX_DEV - 1e-3);
}

/* The defaults D = 2, V = 1, printed for the README. */
static void
test_ptable_default(void)
{
	ck_ptable	t;
	int			h,
				j;

	CHECK_CK(ck_ptable_build(2, 1.0, &t), CK_OK);
	for (h = 0; h <= 2; h++)
	{
		printf("     p-table D=2 V=1, headroom %d%s:", h, h == 2 ? "+" : " ");
		for (j = -2; j <= 2; j++)
			printf(" %+d:%.6f", j, (double) t.weight[h][j + 2] / (double) CK_PT_TOTAL);
		printf("\n");
	}
	/* the symmetric row: p proportional to exp(b j^2), variance 1 */
	CHECK(t.weight[2][0] == t.weight[2][4] && t.weight[2][1] == t.weight[2][3]);
}

static void
test_ptable_invalid(void)
{
	ck_ptable	t;

	CHECK_CK(ck_ptable_build(0, 0.5, &t), CK_ERR_PTABLE);
	CHECK_CK(ck_ptable_build(-1, 0.5, &t), CK_ERR_PTABLE);
	CHECK_CK(ck_ptable_build(CK_PT_MAX_DEV + 1, 1, &t), CK_ERR_PTABLE);
	CHECK_CK(ck_ptable_build(2, 0, &t), CK_ERR_PTABLE);
	CHECK_CK(ck_ptable_build(2, -1, &t), CK_ERR_PTABLE);
	CHECK_CK(ck_ptable_build(2, 2, &t), CK_ERR_PTABLE);	/* V must be < D */
	CHECK_CK(ck_ptable_build(2, NAN, &t), CK_ERR_PTABLE);
	CHECK_CK(ck_ptable_build(2, INFINITY, &t), CK_ERR_PTABLE);
}

/* The cell key indexes the weights: each j owns exactly weight[j] keys. */
static void
test_ptable_lookup(void)
{
	ck_ptable	t;
	int			h,
				j;

	CHECK_CK(ck_ptable_build(3, 1.7, &t), CK_OK);
	for (h = 0; h <= 3; h++)
	{
		uint64_t	cum = 0;

		ut_set_context("row %d", h);
		for (j = -3; j <= 3; j++)
		{
			uint64_t	w = t.weight[h][j + 3];

			if (w == 0)
				continue;
			CHECK_INT(ck_ptable_lookup(&t, (uint64_t) h, (uint32_t) cum), j);
			CHECK_INT(ck_ptable_lookup(&t, (uint64_t) h, (uint32_t) (cum + w - 1)), j);
			cum += w;
		}
	}
	/* headroom beyond D uses the last row */
	CHECK_INT(ck_ptable_lookup(&t, 1000000, 0), -3);
	CHECK_INT(ck_ptable_lookup(&t, UINT64_MAX, UINT32_MAX), 3);
	CHECK_INT(ck_ptable_lookup(&t, 0, 12345), 0);
}

/* ---- epsilon as an exact fraction ---- */

static void
test_epsilon_exact(void)
{
	rng			r = rng_for("epsilon_exact");
	ck_epsilon	e;
	int			i;

	CHECK_CK(ck_epsilon_exact(1.0, &e), CK_OK);
	CHECK(e.num == 1 && e.log2_den == 0);
	CHECK_CK(ck_epsilon_exact(0.5, &e), CK_OK);
	CHECK(e.num == 1 && e.log2_den == 1);
	CHECK_CK(ck_epsilon_exact(1000, &e), CK_OK);
	CHECK(e.num == 1000 && e.log2_den == 0);
	CHECK_CK(ck_epsilon_exact(0.1, &e), CK_OK);
	CHECK(e.num % 2 == 1 && ldexp((double) e.num, -e.log2_den) == 0.1);
	CHECK_CK(ck_epsilon_exact(CK_EPSILON_MIN, &e), CK_OK);
	CHECK(e.log2_den <= 73 && ldexp((double) e.num, -e.log2_den) == CK_EPSILON_MIN);

	for (i = 0; i < 10000; i++)
	{
		double		eps = exp(log(CK_EPSILON_MIN) +
							  (log(CK_EPSILON_MAX) - log(CK_EPSILON_MIN)) *
							  (double) rng_below(&r, 1u << 30) / (1u << 30));

		ut_set_context("epsilon %.17g", eps);
		CHECK_CK(ck_epsilon_exact(eps, &e), CK_OK);
		CHECK(ldexp((double) e.num, -e.log2_den) == eps);
		CHECK(e.log2_den == 0 || e.num % 2 == 1);
		CHECK(e.num < ((uint64_t) 1 << 53) && e.log2_den <= 73);
	}
	ut_set_context("invalid");
	CHECK_CK(ck_epsilon_exact(0, &e), CK_ERR_EPSILON);
	CHECK_CK(ck_epsilon_exact(-1, &e), CK_ERR_EPSILON);
	CHECK_CK(ck_epsilon_exact(NAN, &e), CK_ERR_EPSILON);
	CHECK_CK(ck_epsilon_exact(INFINITY, &e), CK_ERR_EPSILON);
	CHECK_CK(ck_epsilon_exact(-INFINITY, &e), CK_ERR_EPSILON);
	CHECK_CK(ck_epsilon_exact(nextafter(CK_EPSILON_MIN, 0), &e), CK_ERR_EPSILON);
	CHECK_CK(ck_epsilon_exact(nextafter(CK_EPSILON_MAX, 2000), &e), CK_ERR_EPSILON);
	CHECK_CK(ck_delta_check(0), CK_ERR_DELTA);
	CHECK_CK(ck_delta_check(1), CK_ERR_DELTA);
	CHECK_CK(ck_delta_check(-1e-5), CK_ERR_DELTA);
	CHECK_CK(ck_delta_check(NAN), CK_ERR_DELTA);
	CHECK_CK(ck_delta_check(INFINITY), CK_ERR_DELTA);
	CHECK_CK(ck_delta_check(1e-300), CK_OK);
	CHECK_CK(ck_delta_check(nextafter(1, 0)), CK_OK);
}

/* ---- the discrete Laplace sampler ---- */

double
chi_square_critical(int df)
{
	/* Wilson-Hilferty; 4.753 is the standard normal's upper 1e-6 point */
	double		a = 2.0 / (9.0 * df);
	double		c = 1 - a + 4.753 * sqrt(a);

	return df * c * c * c;
}

double
dlap_chi_square(const long *count, int64_t span, long total, double epsilon,
				int *df)
{
	int64_t		edge = 0,
				x;
	double		chi = 0,
				tail;
	long		obs_lo = 0,
				obs_hi = 0;

	while (edge < span && total * ck_dlap_pmf(epsilon, edge + 1) >= 5)
		edge++;
	for (x = -edge; x <= edge; x++)
	{
		double		e = total * ck_dlap_pmf(epsilon, x);
		double		o = (double) count[x + span];

		chi += (o - e) * (o - e) / e;
	}
	for (x = -span; x < -edge; x++)
		obs_lo += count[x + span];
	for (x = edge + 1; x <= span; x++)
		obs_hi += count[x + span];
	/* P(X > edge) = exp(-epsilon (edge + 1)) / (1 + exp(-epsilon)) */
	tail = total * exp(-epsilon * (double) (edge + 1)) / (1 + exp(-epsilon));
	chi += (obs_lo - tail) * (obs_lo - tail) / tail;
	chi += (obs_hi - tail) * (obs_hi - tail) / tail;
	*df = (int) (2 * edge + 3) - 1;
	return chi;
}

/*
 * Sample n values; counts of |x| <= span in count[x + span], the rest
 * counted at the ends (the chi-square pools them into the tails anyway).
 */
static void
sample_counts(double epsilon, long n, int64_t span, long *count,
			  double *mean, double *var)
{
	test_bytes	tb;
	ck_rng		r;
	ck_epsilon	e;
	long		i;
	double		s1 = 0,
				s2 = 0;

	tb.r = rng_for("dlap");
	tb.r.s ^= (uint64_t) (epsilon * 1e6);
	tb.given = 0;
	tb.fail_after = -1;
	ck_rng_init(&r, test_bytes_fill, &tb);
	CHECK_CK(ck_epsilon_exact(epsilon, &e), CK_OK);
	memset(count, 0, (size_t) (2 * span + 1) * sizeof(long));
	for (i = 0; i < n; i++)
	{
		int64_t		x = 0;

		CHECK_CK(ck_dlap_sample(&r, &e, &x), CK_OK);
		s1 += (double) x;
		s2 += (double) x * (double) x;
		if (x < -span)
			x = -span;
		if (x > span)
			x = span;
		count[x + span]++;
	}
	*mean = s1 / n;
	*var = s2 / n - *mean * *mean;
}

static void
check_dlap(double epsilon, long n)
{
	int64_t		span = (int64_t) (40 / epsilon) + 1;
	long	   *count = calloc((size_t) (2 * span + 1), sizeof(long));
	double		mean,
				var,
				chi,
				chi_off,
				crit,
				q = exp(-epsilon),
				want_var = 2 * q / ((1 - q) * (1 - q));
	int			df,
				df_off;

	ut_set_context("epsilon %g, %ld samples", epsilon, n);
	sample_counts(epsilon, n, span, count, &mean, &var);
	chi = dlap_chi_square(count, span, n, epsilon, &df);
	crit = chi_square_critical(df);
	chi_off = dlap_chi_square(count, span, n, epsilon * 1.05, &df_off);
	printf("     dlap epsilon %-6g n %-7ld chi2 %8.1f df %3d (1e-6 critical %6.1f;"
		   " against 1.05 epsilon %9.1f) mean %+.4f var %.3f (exact %.3f)\n",
		   epsilon, n, chi, df, crit, chi_off, mean, var, want_var);
	CHECK_MSG(chi < crit, "chi-square %.1f over %d df exceeds %.1f", chi, df, crit);
	/* the test has teeth: a 5% error in epsilon is rejected */
	CHECK_MSG(chi_off > chi_square_critical(df_off),
			  "chi-square against 1.05 epsilon only %.1f", chi_off);
	/* mean 0 and the exact variance, within 6 standard errors */
	CHECK(fabs(mean) < 6 * sqrt(want_var / n));
	/* kurtosis about 6: the variance's relative standard error is sqrt(5/n) */
	CHECK_MSG(fabs(var - want_var) < 6 * sqrt(5.0 / n) * want_var,
			  "variance %.4f, exact %.4f", var, want_var);
	free(count);
}

static void
test_dlap_chi_square(void)
{
	check_dlap(1.0, 200000);	/* k = 0: the integer case */
	check_dlap(0.5, 100000);	/* k = 1 */
	check_dlap(0.1, 100000);	/* k = 55, odd numerator */
	check_dlap(0.3, 100000);
	check_dlap(2.5, 100000);
}

/* Very small and very large epsilon: sane magnitudes, both signs. */
static void
test_dlap_extremes(void)
{
	test_bytes	tb = {rng_for("dlap_extremes"), 0, -1};
	ck_rng		r;
	ck_epsilon	e;
	int			i,
				pos = 0,
				neg = 0,
				zero = 0;
	int64_t		x;

	ck_rng_init(&r, test_bytes_fill, &tb);
	CHECK_CK(ck_epsilon_exact(CK_EPSILON_MIN, &e), CK_OK);
	for (i = 0; i < 2000; i++)
	{
		CHECK_CK(ck_dlap_sample(&r, &e, &x), CK_OK);
		pos += x > 0;
		neg += x < 0;
		/* scale 10^6: |x| above 3 * 10^7 has probability e^-30 */
		CHECK(x > -30000000 && x < 30000000);
	}
	CHECK(pos > 900 && neg > 900);
	CHECK_CK(ck_epsilon_exact(CK_EPSILON_MAX, &e), CK_OK);
	for (i = 0; i < 2000; i++)
	{
		CHECK_CK(ck_dlap_sample(&r, &e, &x), CK_OK);
		zero += x == 0;
	}
	CHECK_INT(zero, 2000);
}

/* A failing byte source ends the sampler with an error, never a hang. */
static void
test_dlap_random_failure(void)
{
	long		limit;

	for (limit = 0; limit < 200; limit += 7)
	{
		test_bytes	tb = {rng_for("dlap_fail"), 0, limit};
		ck_rng		r;
		ck_epsilon	e;
		int64_t		x;
		int			i;
		ck_status	st = CK_OK;

		ck_rng_init(&r, test_bytes_fill, &tb);
		ck_epsilon_exact(0.1, &e);
		for (i = 0; i < 100 && st == CK_OK; i++)
			st = ck_dlap_sample(&r, &e, &x);
		CHECK_CK(st, CK_ERR_RANDOM);
	}
}

/* ---- partition selection threshold ---- */

static void
test_dp_threshold(void)
{
	static const double eps[] = {1e-6, 0.01, 0.1, 0.5, 1, 2, 5, 50, 1000};
	static const double del[] = {1e-300, 1e-12, 1e-5, 0.01, 0.3, 0.999};
	size_t		i,
				j;
	int64_t		tau;

	/* hand computed: ln(1e5) = 11.513, ln(1 + e^-1) = 0.313: k = 12 */
	CHECK_CK(ck_dp_threshold(1.0, 1e-5, &tau), CK_OK);
	CHECK_INT(tau, 13);
	CHECK_CK(ck_dp_threshold(0.5, 1e-5, &tau), CK_OK);
	CHECK_INT(tau, 24);			/* (11.513 - 0.474) / 0.5 = 22.08: k = 23 */

	for (i = 0; i < sizeof(eps) / sizeof(eps[0]); i++)
		for (j = 0; j < sizeof(del) / sizeof(del[0]); j++)
		{
			long double e = eps[i];
			long double c = log1pl(expl(-e));

			ut_set_context("epsilon %g delta %g", eps[i], del[j]);
			CHECK_CK(ck_dp_threshold(eps[i], del[j], &tau), CK_OK);
			CHECK(tau >= 1);
			/* P(X >= tau - 1) <= delta, and tau - 1 would not do */
			CHECK(expl(-e * (tau - 1) - c) <= del[j]);
			if (tau > 1)
				CHECK(expl(-e * (tau - 2) - c) > del[j] * (1 - 1e-6));
		}
	CHECK_CK(ck_dp_threshold(0, 1e-5, &tau), CK_ERR_EPSILON);
	CHECK_CK(ck_dp_threshold(1, 0, &tau), CK_ERR_DELTA);
	CHECK_CK(ck_dp_threshold(1, 1, &tau), CK_ERR_DELTA);
	CHECK_CK(ck_dp_threshold(NAN, 0.1, &tau), CK_ERR_EPSILON);
	CHECK_CK(ck_dp_threshold(1, NAN, &tau), CK_ERR_DELTA);
}

void
run_privacy_noise_tests(void)
{
	UT_RUN(test_ptable_properties);
	UT_RUN(test_ptable_default);
	UT_RUN(test_ptable_invalid);
	UT_RUN(test_ptable_lookup);
	UT_RUN(test_epsilon_exact);
	UT_RUN(test_dlap_chi_square);
	UT_RUN(test_dlap_extremes);
	UT_RUN(test_dlap_random_failure);
	UT_RUN(test_dp_threshold);
}
