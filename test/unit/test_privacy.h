/*
 * test_privacy.h
 *		Shared by the unit tests of the privacy core (src/core/ck_*.c).
 */
#ifndef TEST_PRIVACY_H
#define TEST_PRIVACY_H

#include "test_util.h"

#include "core/ck_core.h"

extern const char *ck_status_name(ck_status s);

/* Sorted distinct copy of vals (the oracle; out may be vals); the count. */
extern size_t sorted_distinct(const uint64_t *vals, size_t n, uint64_t *out);

#define CHECK_CK(got, want) \
	do { \
		ck_status ut_g_ = (got); \
		ck_status ut_w_ = (want); \
		ut_checks++; \
		if (ut_g_ != ut_w_) \
			ut_fail(__FILE__, __LINE__, "%s: got %s, want %s", #got, \
					ck_status_name(ut_g_), ck_status_name(ut_w_)); \
	} while (0)

/*
 * A deterministic random byte source for the noise sampler: splitmix64
 * words from test_util's rng.  fail_after >= 0 makes it fail once that many
 * bytes have been handed out.
 */
typedef struct test_bytes
{
	rng			r;
	long		given;
	long		fail_after;
} test_bytes;

extern bool test_bytes_fill(void *ctx, uint8_t *buf, size_t len);

/*
 * Chi-square statistic of observed counts against pmf over the bins
 * [-edge, edge] plus the two tails beyond, where edge is the largest |x|
 * whose bin still expects at least 5 samples.  *df gets bins - 1.
 */
extern double dlap_chi_square(const long *count, int64_t span, long total,
							  double epsilon, int *df);

/* Upper 1e-6 quantile of chi-square with df degrees of freedom. */
extern double chi_square_critical(int df);

void		run_privacy_hash_tests(void);
void		run_privacy_noise_tests(void);
void		run_privacy_suppress_tests(void);
void		run_privacy_runs_tests(void);

#endif							/* TEST_PRIVACY_H */
