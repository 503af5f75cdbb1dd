/*
 * unit_test.h
 *		A tiny assertion framework for the core unit tests: no dependencies.
 *
 * A test is a void function run through UT_RUN; it fails when any CHECK in it
 * fails.  Failures print file:line, the expression, the values and the
 * current context (ut_context, e.g. the seed and case of a random test).  The
 * first few failures of a test are printed, the rest only counted, so a broken
 * property does not flood the log.  ut_finish prints the final line
 * "N passed, N failed" (tests, not checks) and gives the exit status.
 */
#ifndef UNIT_TEST_H
#define UNIT_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/dayset_core.h"

extern char ut_context[512];
extern long ut_checks;

extern void ut_fail(const char *file, int line, const char *fmt, ...)
			__attribute__((format(printf, 3, 4)));
extern void ut_set_context(const char *fmt, ...)
			__attribute__((format(printf, 1, 2)));
extern void ut_run(const char *name, void (*fn) (void));
extern bool ut_test_failing(void);
extern int	ut_finish(void);
extern const char *ut_status_name(ds_status s);

#define UT_RUN(fn) ut_run(#fn, fn)

#define CHECK(cond) \
	do { \
		ut_checks++; \
		if (!(cond)) \
			ut_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

#define CHECK_MSG(cond, ...) \
	do { \
		ut_checks++; \
		if (!(cond)) \
			ut_fail(__FILE__, __LINE__, __VA_ARGS__); \
	} while (0)

#define CHECK_INT(got, want) \
	do { \
		long long ut_g_ = (long long) (got); \
		long long ut_w_ = (long long) (want); \
		ut_checks++; \
		if (ut_g_ != ut_w_) \
			ut_fail(__FILE__, __LINE__, "%s: got %lld, want %lld", \
					#got, ut_g_, ut_w_); \
	} while (0)

#define CHECK_STATUS(got, want) \
	do { \
		ds_status ut_g_ = (got); \
		ds_status ut_w_ = (want); \
		ut_checks++; \
		if (ut_g_ != ut_w_) \
			ut_fail(__FILE__, __LINE__, "%s: got %s, want %s", #got, \
					ut_status_name(ut_g_), ut_status_name(ut_w_)); \
	} while (0)

/* Any error will do: the exact code is not part of the contract here */
#define CHECK_ERROR(got) \
	do { \
		ds_status ut_g_ = (got); \
		ut_checks++; \
		if (ut_g_ == DS_OK) \
			ut_fail(__FILE__, __LINE__, "%s: got DS_OK, want an error", #got); \
	} while (0)

#define CHECK_STR(got, want) \
	do { \
		const char *ut_g_ = (got); \
		const char *ut_w_ = (want); \
		ut_checks++; \
		if (ut_g_ == NULL || strcmp(ut_g_, ut_w_) != 0) \
			ut_fail(__FILE__, __LINE__, "%s: got \"%s\", want \"%s\"", #got, \
					ut_g_ ? ut_g_ : "(null)", ut_w_); \
	} while (0)

#endif							/* UNIT_TEST_H */
