/*
 * ck_runs.h
 *		Sorted runs of unit hashes: how the safe counts go past memory.
 *
 * A run is a strictly increasing sequence of 64-bit unit hashes.  A state
 * that outgrows its memory budget sorts its hash table into a run and the
 * fmgr layer writes it to a temporary file; a parallel worker's serialized
 * state is a run; the combine function keeps runs as they come.  The
 * published numbers need only the count of distinct values and the sum of
 * their record keys, so the final step is a k-way merge of the runs that
 * drops duplicates and tallies both, whatever the runs came from.
 *
 * Pure C like the rest of the core: a run is read block by block through a
 * callback (a temporary file, a serialized state, an array), and the merged
 * values go out block by block through another (a tally, a new run, a
 * serialized state).
 *
 * On-disk run format (temporary files only, never stored or sent): the
 * run's values as native-endian uint64, strictly increasing, nothing else;
 * the fmgr layer keeps each run's length.
 */
#ifndef CK_RUNS_H
#define CK_RUNS_H

#include "ck_core.h"

/* Sort v[0..n) ascending, in place, with no memory besides the stack. */
extern void ck_sort_u64(uint64_t *v, size_t n);

/* Drop repeats from sorted v[0..n), in place; returns the values left. */
extern size_t ck_dedup_sorted(uint64_t *v, size_t n);

/*
 * Sort the set's values into the front of its own slot array, in place.
 * *vals then points at them, ascending, *n of them; the set is no longer a
 * hash table and must be cleared (ck_set_clear) or freed before its next
 * use.  CK_ERR_NOMEM only for a set holding 0 alone that had no table yet.
 */
extern ck_status ck_set_sorted(ck_unitset *s, const uint64_t **vals,
							   uint64_t *n);

/* Empty the set but keep its table for reuse. */
extern void ck_set_clear(ck_unitset *s);

/*
 * Can the set take one more value without its table growing past
 * 2^max_log2cap slots?  (It may still take values it already holds.)
 */
static inline bool
ck_set_full(const ck_unitset *s, int max_log2cap)
{
	return s->cap != 0 && s->log2cap >= max_log2cap &&
		s->used + 1 > s->cap / 4 * 3;
}

/*
 * A run being read.  v[i..n) are the values of the current block not yet
 * taken.  fill (NULL for a run held whole in v) loads the next block into
 * v/n and sets i to 0, or sets n to 0 at the end of the run; it returns a
 * status, which stops the merge when not CK_OK.
 */
typedef struct ck_run
{
	const uint64_t *v;
	size_t		n;
	size_t		i;
	ck_status	(*fill) (struct ck_run *r);
	void	   *ctx;
} ck_run;

/* A run over an array of native values held whole. */
extern void ck_run_array(ck_run *r, const uint64_t *v, size_t n);

/*
 * A run over n little-endian values at bytes (a serialized state), decoded
 * blockcap at a time into buf.  The reader keeps a pointer to r's own
 * struct ck_run_le, so r must not move while it is read.
 */
typedef struct ck_run_le
{
	ck_run		run;
	const uint8_t *bytes;
	uint64_t	left;
	uint64_t   *buf;
	size_t		blockcap;
} ck_run_le;

extern void ck_run_le_init(ck_run_le *r, const uint8_t *bytes, uint64_t n,
						   uint64_t *buf, size_t blockcap);

/*
 * The merge's output: emit(ctx, v, n) receives the next n distinct values
 * in increasing order (n >= 1, in blocks of at most the output buffer).
 */
typedef ck_status (*ck_emit_fn) (void *ctx, const uint64_t *v, size_t n);

/*
 * Merge runs[0..nruns) into one increasing sequence without duplicates,
 * emitted through emit in blocks of up to outcap values (out is the
 * caller's buffer of outcap >= 1 values).  Each run must be strictly
 * increasing: CK_ERR_BAD_FORMAT when one is not.  A run's fill status other
 * than CK_OK stops the merge and is returned, as is emit's.  The runs are
 * read to their end (on success).
 */
extern ck_status ck_merge_runs(ck_run *runs, int nruns, uint64_t *out,
							   size_t outcap, ck_emit_fn emit, void *ctx);

/*
 * What the safe counts publish from a set: its size and, when with_key,
 * the sum of its values' record keys mod 2^32 (the cell key).  An emit
 * function for ck_merge_runs (ctx is the tally).
 */
typedef struct ck_tally
{
	uint64_t	count;
	uint32_t	cell_key;
	bool		with_key;
	ck_sipkey	key;
} ck_tally;

extern void ck_tally_init(ck_tally *t, bool with_key, ck_sipkey key);
extern ck_status ck_tally_emit(void *ctx, const uint64_t *v, size_t n);

/*
 * Serialized state writer: an emit function that appends values
 * little-endian at out + pos, never past cap values (CK_ERR_TOO_LARGE).
 */
typedef struct ck_le_writer
{
	uint8_t    *out;
	uint64_t	pos;
	uint64_t	cap;
} ck_le_writer;

extern ck_status ck_le_writer_emit(void *ctx, const uint64_t *v, size_t n);

/*
 * Check the serialized state header and its run (strictly increasing
 * values) without building anything: on CK_OK, *vals points at the n
 * little-endian values inside in.  Same rules as ck_state_read.
 */
extern ck_status ck_state_check(const uint8_t *in, size_t len, ck_params *p,
								const uint8_t **vals, uint64_t *n);

/* Write the serialized state's 32-byte header for n values. */
extern void ck_state_write_header(const ck_params *p, uint64_t n,
								  uint8_t *out);

#endif							/* CK_RUNS_H */
