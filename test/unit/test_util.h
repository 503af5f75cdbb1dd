/*
 * test_util.h
 *		Helpers shared by the core unit tests: a seeded PRNG, an independent
 *		calendar oracle, text <-> runs shortcuts and a counting allocator.
 *
 * The oracles here are deliberately written differently from the core (the
 * calendar follows Howard Hinnant's days_from_civil in 64-bit arithmetic), so
 * a shared misunderstanding is less likely to hide a bug.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include "unit_test.h"

/* ---- PRNG: splitmix64, fixed seed unless DS_UNIT_SEED is set ---- */

typedef struct rng
{
	uint64_t	s;
} rng;

extern uint64_t test_seed;		/* set once by main */

extern uint64_t rng_next(rng *r);
extern uint64_t rng_below(rng *r, uint64_t n);	/* uniform in [0, n) */
extern int64_t rng_range(rng *r, int64_t lo, int64_t hi);	/* [lo, hi] */
extern bool rng_chance(rng *r, unsigned percent);
extern rng	rng_for(const char *test_name);	/* seed mixed with a name */

/* ---- Calendar oracle (astronomical years, day 0 = 2000-01-01) ---- */

extern int64_t oracle_day_from_ymd(int64_t y, int64_t m, int64_t d);
extern void oracle_ymd_from_day(int64_t day, int64_t *y, int64_t *m,
								int64_t *d);
extern bool oracle_ymd_valid(int64_t y, int64_t m, int64_t d);
/* "YYYY-MM-DD" with "-" and at least 4 year digits for negative years */
extern void oracle_format_day(int64_t day, char *buf, size_t size);

/* ---- Text <-> runs ---- */

/*
 * Parse (ds_parse + ds_builder_finish); on success *out is a malloc'd copy of
 * the runs (never NULL) and *n their count.
 */
extern ds_status text_to_runs(const char *txt, size_t len, ds_run **out,
							  int32_t *n, size_t *errpos);

/* Parse text that must be valid; a failure is a failed check. */
extern ds_run *runs_of(const char *txt, int32_t *n);

/*
 * ds_format into a malloc'd buffer of exactly ds_text_bound(n) + 1 bytes (so
 * ASan catches an overrun), checking the returned length.
 */
extern char *runs_to_text(const ds_run *a, int32_t n);

/* ---- Counting allocator, installed through ds_set_allocator ---- */

typedef struct alloc_stats
{
	long		blocks;			/* live blocks */
	size_t		bytes;			/* live bytes */
	size_t		peak_bytes;
	size_t		max_request;	/* largest single alloc/realloc request */
	long		calls;			/* alloc + realloc calls */
	long		fail_after;		/* fail the call after this many; -1 never */
	long		failures;		/* calls that returned NULL */
} alloc_stats;

extern alloc_stats ta_stats;
extern void ta_install(long fail_after);
extern void ta_uninstall(void);

#endif							/* TEST_UTIL_H */
