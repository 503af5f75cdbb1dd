/*
 * fuzz_util.h
 *		Helpers shared by the libFuzzer harnesses of the pure C core: a byte
 *		reader over the fuzzer's input, a naive bitmap model of a day set on a
 *		small window, and an allocator that can be told to fail.
 *
 * The model is deliberately dumb (one bool per day), so a disagreement with
 * the core is a bug in the core.  Harnesses are built with a small
 * DS_MAX_RUNS (see the Makefile) so the too-large paths are reachable.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include "core/dayset_core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A failed check prints where and aborts, which libFuzzer records as a crash. */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

extern void fuzz_fail(const char *file, int line, const char *what)
			__attribute__((noreturn));

/* ---- Byte reader: once the input runs out, every read gives 0 ---- */

typedef struct fuzz_input
{
	const uint8_t *p;
	size_t		left;
} fuzz_input;

extern uint8_t fuzz_u8(fuzz_input *in);
extern uint16_t fuzz_u16(fuzz_input *in);
extern uint32_t fuzz_u32(fuzz_input *in);
static inline bool
fuzz_done(const fuzz_input *in)
{
	return in->left == 0;
}

/* ---- Naive model: a bitmap of MODEL_WINDOW days starting at base ---- */

#define MODEL_WINDOW 128

typedef struct model
{
	int32_t		base;
	bool		bit[MODEL_WINDOW];
} model;

/*
 * A window base picked by one byte: mostly near the ends of the day range
 * and around 0, where off-by-one and overflow bugs live.
 */
extern int32_t fuzz_window_base(fuzz_input *in);

/* A day of the window (offset taken modulo MODEL_WINDOW). */
static inline int32_t
model_day(const model *m, uint32_t offset)
{
	return m->base + (int32_t) (offset % MODEL_WINDOW);
}

extern bool model_has(const model *m, int64_t day);
extern void model_add(model *m, int32_t first, int32_t last);

/* Runs of the model, into a malloc'd array of exactly that many runs. */
extern int32_t model_runs(const model *m, ds_run **out);
extern int32_t model_run_count(const model *m);

/* Does the run array describe exactly the model's set? */
extern bool model_equals(const model *m, const ds_run *a, int32_t na);

/* malloc'd copy of exactly n runs (never NULL), so ASan sees overruns */
extern ds_run *runs_dup(const ds_run *a, int32_t n);

/* ---- Naive decoder of the binary form, from the format's description ---- */

/* Big-endian int32 at p */
extern int32_t fuzz_be32(const uint8_t *p);

/*
 * Is p[0..size) a valid wire dayset (version 1, zero flags and reserved
 * bytes, a run count matching the length, runs in range, sorted, disjoint,
 * not adjacent)?  On yes, *n is its run count.
 */
extern bool naive_wire_valid(const uint8_t *p, size_t size, int32_t *n);

/* ---- Allocator that fails after a given number of calls ---- */

/*
 * fuzz_alloc_install(k): from now on the k-th alloc/realloc call (counting
 * from 0) and every later one return NULL; k < 0 never fails.
 */
extern void fuzz_alloc_install(long fail_at);
extern void fuzz_alloc_uninstall(void);
extern long fuzz_alloc_failures(void);

#endif							/* FUZZ_UTIL_H */
