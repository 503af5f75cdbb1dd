/*
 * dayset_core.h
 *		Pure C core of viewstats: sets of calendar days as runs.
 *
 * No PostgreSQL header may be included here or in dayset_core.c: the core is
 * linked on its own by the unit tests and the fuzzers.
 *
 * A day is a signed day number counted from 2000-01-01 (PostgreSQL's DateADT
 * epoch), valid in [DS_MIN_DAY, DS_MAX_DAY], the range of PostgreSQL's date
 * type without its infinities.  A day set is an array of runs that is
 * "normalized": every run has first <= last, runs are sorted, and two runs are
 * never overlapping nor adjacent (runs[i].last + 1 < runs[i + 1].first).
 * Every function taking a run array expects it normalized unless it says
 * otherwise, and every function producing one produces it normalized.
 *
 * Errors are returned as ds_status codes; the fmgr layer turns them into
 * ereport calls with the right SQLSTATE.  Memory comes from the allocator
 * hooks below, which the fmgr layer points at palloc.
 */
#ifndef DAYSET_CORE_H
#define DAYSET_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* PostgreSQL's first and last finite dates: 4714-11-24 BC and 5874897-12-31 */
#define DS_MIN_DAY		(-2451545)
#define DS_MAX_DAY		2145031948

/*
 * Largest run count a value may hold: keeps every buffer below PostgreSQL's
 * 1 GB allocation limit, with room for headers.  The fuzzers and tests build
 * the core with a small -DDS_MAX_RUNS so the too-large paths are reachable;
 * the extension itself always uses the default.
 */
#ifndef DS_MAX_RUNS
#define DS_MAX_RUNS		((int32_t) ((0x3FFFFFFF - 1024) / 8))
#endif

/* Version byte of the binary (send/recv) and serialized-state formats */
#define DS_WIRE_VERSION 1

/* Longest text of one day, "-4713-11-24" or "5874897-12-31" */
#define DS_DAY_TEXT_MAX 16

typedef struct ds_run
{
	int32_t		first;
	int32_t		last;
} ds_run;

typedef enum ds_status
{
	DS_OK = 0,
	DS_ERR_NOMEM,				/* allocator returned NULL */
	DS_ERR_TOO_LARGE,			/* more than DS_MAX_RUNS runs */
	DS_ERR_SYNTAX,				/* malformed text */
	DS_ERR_DAY_RANGE,			/* a day outside [DS_MIN_DAY, DS_MAX_DAY] */
	DS_ERR_BAD_DATE,			/* a field out of range, e.g. month 13 */
	DS_ERR_RANGE_ORDER,			/* text range whose first day is after its last */
	DS_ERR_BAD_BINARY,			/* malformed binary or serialized bytes */
	DS_ERR_BAD_VERSION			/* binary bytes of an unknown version */
} ds_status;

/*
 * Allocator hooks.  Defaults are malloc/realloc/free.  ds_alloc_fn returns
 * NULL on failure (or does not return at all, as palloc does).
 */
typedef void *(*ds_alloc_fn) (size_t size);
typedef void *(*ds_realloc_fn) (void *ptr, size_t size);
typedef void (*ds_free_fn) (void *ptr);
extern void ds_set_allocator(ds_alloc_fn alloc, ds_realloc_fn realloc_,
							 ds_free_fn free_);
extern void *ds_alloc(size_t size);
extern void *ds_realloc(void *ptr, size_t size);
extern void ds_free(void *ptr);

/* ---- Calendar ---- */

/* Proleptic Gregorian calendar, astronomical years (0 = 1 BC). */
extern ds_status ds_day_from_ymd(int32_t year, int32_t month, int32_t mday,
								 int32_t *day);
extern void ds_ymd_from_day(int32_t day, int32_t *year, int32_t *month,
							int32_t *mday);

static inline bool
ds_day_valid(int64_t day)
{
	return day >= DS_MIN_DAY && day <= DS_MAX_DAY;
}

/* ---- Builder: accumulates days and runs in any order ---- */

/*
 * The set is runs[0..nruns), tail (when has_tail) and the pending days.
 * runs[0..nruns) is always normalized, and the tail, the newest run, lies
 * strictly after it (tail.first > runs[nruns - 1].last + 1): days in
 * ascending order, the common case, extend or replace the tail and touch
 * nothing else, so a set of one run needs no allocation and the array is
 * written once per run, not once per day.  pending[0..npending) holds days
 * that arrived out of order and are not merged yet.  Pending days are
 * compacted whenever they outnumber the runs (and at least DS_PENDING_MIN
 * are waiting), so memory stays proportional to the runs.
 * ds_builder_finish merges the tail and the pending days: afterwards
 * runs[0..nruns) is the whole set.
 */
#define DS_PENDING_MIN 32

typedef struct ds_builder
{
	ds_run		tail;
	bool		has_tail;
	int32_t		nruns;
	ds_run	   *runs;
	int32_t		runs_cap;
	int32_t		npending;
	int32_t    *pending;
	int32_t		pending_cap;
} ds_builder;

extern void ds_builder_init(ds_builder *b);
extern void ds_builder_free(ds_builder *b);
extern ds_status ds_builder_add_day_slow(ds_builder *b, int32_t day);

/*
 * The allocation-free part of adding a day (already checked with
 * ds_day_valid): true when the day is added, false when the slow path must
 * run.  Callers whose allocator depends on context (PostgreSQL's memory
 * contexts) set that context up only when this returns false.
 */
static inline bool
ds_builder_try_add_day(ds_builder *b, int32_t day)
{
	if (b->has_tail)
	{
		if (day < b->tail.first)
			return false;
		if (day <= b->tail.last)
			return true;
		if (day == b->tail.last + 1)
		{
			b->tail.last = day;
			return true;
		}
		/* a new run: the tail moves to the array if there is room */
		if (b->nruns == b->runs_cap)
			return false;
		b->runs[b->nruns++] = b->tail;
	}
	else if (b->nruns > 0 && day <= b->runs[b->nruns - 1].last + 1)
		return false;
	b->tail.first = day;
	b->tail.last = day;
	b->has_tail = true;
	return true;
}

/* Add one day (already checked with ds_day_valid), in any order. */
static inline ds_status
ds_builder_add_day(ds_builder *b, int32_t day)
{
	if (ds_builder_try_add_day(b, day))
		return DS_OK;
	return ds_builder_add_day_slow(b, day);
}

/* Union another builder's set (runs, tail and pending days) into b. */
extern ds_status ds_builder_add_builder(ds_builder *b, const ds_builder *src);

/* Union a normalized run array into the builder (rollups, combine). */
extern ds_status ds_builder_add_runs(ds_builder *b, const ds_run *runs,
									 int32_t n);

/* Union arbitrary runs (unsorted, overlapping, first <= last each). */
extern ds_status ds_builder_add_raw_runs(ds_builder *b, const ds_run *runs,
										 int32_t n);

/* Merge the pending days; afterwards runs[0..nruns) is the whole set. */
extern ds_status ds_builder_finish(ds_builder *b);

/*
 * The whole set as a normalized run array, without changing the builder
 * (aggregate final functions, which PostgreSQL may call more than once on
 * one state, or on a state other aggregates share).  *runs points into the
 * builder when the set is already one array (or only the tail); otherwise
 * into a new array, also returned in *owned for the caller to ds_free
 * (NULL when nothing was allocated).
 */
extern ds_status ds_builder_view(const ds_builder *b, const ds_run **runs,
								 int32_t *n, ds_run **owned);

/* ---- Set algebra on normalized arrays ---- */

/*
 * na + nb runs are always room enough in out; *nout receives the count.  out
 * must not alias a or b.  With out NULL they only count the result's runs.
 */
extern void ds_union(const ds_run *a, int32_t na, const ds_run *b, int32_t nb,
					 ds_run *out, int32_t *nout);
extern void ds_intersect(const ds_run *a, int32_t na, const ds_run *b,
						 int32_t nb, ds_run *out, int32_t *nout);
extern void ds_difference(const ds_run *a, int32_t na, const ds_run *b,
						  int32_t nb, ds_run *out, int32_t *nout);

extern bool ds_contains_day(const ds_run *a, int32_t na, int32_t day);
extern bool ds_contains(const ds_run *a, int32_t na, const ds_run *b,
						int32_t nb);	/* a is a superset of b */
extern bool ds_overlaps(const ds_run *a, int32_t na, const ds_run *b,
						int32_t nb);
extern bool ds_equal(const ds_run *a, int32_t na, const ds_run *b, int32_t nb);

/*
 * Total order for btree: lexicographic over (first, last) pairs, a proper
 * prefix sorting first.  Returns -1, 0 or 1.
 */
extern int	ds_compare(const ds_run *a, int32_t na, const ds_run *b,
					   int32_t nb);

/* Is the array normalized and inside the day range? */
extern bool ds_is_normalized(const ds_run *a, int32_t na);

/* ---- Measures ---- */

/* Number of days in the set (fits: the whole range is below 2^31). */
extern int32_t ds_day_count(const ds_run *a, int32_t na);

/*
 * A streak is a maximal chain of runs whose gaps (missed days between two
 * runs) are each at most max_gap.  Its length counts watched days only.
 * max_gap must be >= 0.
 */
extern int32_t ds_longest_streak(const ds_run *a, int32_t na, int32_t max_gap);

/*
 * Length of the streak alive on as_of, counting watched days up to and
 * including as_of; days after as_of are ignored.  With L the last watched day
 * on or before as_of, the streak ending at L is alive when as_of - L <=
 * max_gap + 1 (the day as_of itself is not over yet); else the result is 0.
 */
extern int32_t ds_current_streak(const ds_run *a, int32_t na, int32_t as_of,
								 int32_t max_gap);

/* Number of runs whose length is at least min_days (min_days >= 1). */
extern int32_t ds_streak_count(const ds_run *a, int32_t na, int32_t min_days);

/* ---- Text form: {2017-11-23/2017-12-10,2017-12-12} ---- */

/*
 * Parse into b (which the caller has initialized; it is not finished).
 * Accepts any order, overlaps, duplicates and white space around tokens.
 * On error *errpos is the byte offset where the problem was seen.
 */
extern ds_status ds_parse(const char *str, size_t len, ds_builder *b,
						  size_t *errpos);

/* Parse one ISO day "YYYY-MM-DD" (optional sign, 4 or more year digits). */
extern ds_status ds_parse_day(const char *str, size_t len, int32_t *day);

/* Upper bound of the text length of an array, not counting the NUL. */
extern size_t ds_text_bound(int32_t na);

/* Write the text form and a NUL into buf (ds_text_bound(na) + 1 bytes). */
extern size_t ds_format(const ds_run *a, int32_t na, char *buf);

/* Write one day as ISO text and a NUL; returns the length. */
extern size_t ds_format_day(int32_t day, char *buf);

/* ---- Binary form (send/recv), big-endian ----
 *
 *	 uint8 version (DS_WIRE_VERSION), uint8 flags (0), uint16 reserved (0),
 *	 int32 nruns, then nruns x (int32 first, int32 last)
 */
#define DS_WIRE_HEADER 8

extern size_t ds_wire_size(int32_t na);
extern void ds_wire_encode(const ds_run *a, int32_t na, uint8_t *buf);

/*
 * Validate buf strictly (version, flags, length, normalized, in range) and
 * return the run count; then ds_wire_decode_runs copies the runs out.
 */
extern ds_status ds_wire_check(const uint8_t *buf, size_t len, int32_t *na);
extern void ds_wire_decode_runs(const uint8_t *buf, ds_run *out);

/* ---- Serialized aggregate state (parallel aggregation) ----
 *
 *	 int32 max_gap, int32 as_of, uint8 state flags, then a wire dayset
 */
#define DS_STATE_HAS_MAX_GAP	0x01
#define DS_STATE_HAS_AS_OF		0x02
#define DS_STATE_FLAGS_MASK		0x03
#define DS_STATE_HEADER 9

typedef struct ds_state_params
{
	uint8_t		flags;
	int32_t		max_gap;		/* >= 0 when DS_STATE_HAS_MAX_GAP */
	int32_t		as_of;			/* valid day when DS_STATE_HAS_AS_OF */
} ds_state_params;

extern size_t ds_state_size(int32_t na);
extern void ds_state_encode(const ds_state_params *p, const ds_run *a,
							int32_t na, uint8_t *buf);
extern ds_status ds_state_check(const uint8_t *buf, size_t len,
								ds_state_params *p, int32_t *na);
extern void ds_state_decode_runs(const uint8_t *buf, ds_run *out);

#endif							/* DAYSET_CORE_H */
