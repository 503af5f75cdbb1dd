/*
 * unit_state.h
 *		The safe counts' aggregate state: the distinct units of a group, in
 *		memory up to a budget and in sorted runs on disk past it.
 *
 * A state holds a hash table of unit hashes (core ck_unitset) and a list
 * of sorted runs: tables that outgrew the budget, written to a temporary
 * tape; the partial states of parallel workers, kept as they came.  What
 * a state stands for is always the union of its table and its runs, so
 * spilling, combining and merging never change a published number.  The
 * DISTINCT form (PostgreSQL removes duplicates before the transition
 * function sees them) keeps only the count and the cell key.
 */
#ifndef VIEWSTATS_UNIT_STATE_H
#define VIEWSTATS_UNIT_STATE_H

#include "privacy.h"

#include "core/ck_runs.h"

typedef struct UnitSpill UnitSpill;

/* At most 128 bytes: a hash aggregate holds one per group. */
typedef struct UnitState
{
	ck_unitset	set;
	ck_params	p;
	MemoryContext cxt;			/* the aggregate context it lives in */
	UnitSpill  *sp;				/* runs and buffer; NULL until the first run */
	uint64		distinct_count; /* DISTINCT form: only these two */
	uint32		distinct_key;	/* its cell key so far */
	bool		distinct;
	bool		reread;			/* a window aggregate's: read more than once */
	int8		max_log2cap;	/* the table's largest size */
	VsBoundGroup *bound;		/* dp_count in a restricted session, else NULL */
} UnitState;

extern UnitState *unit_state_new(MemoryContext cxt, bool distinct);

/*
 * Add a unit (its hash); past the budget the table goes to disk.  False
 * only when the unit is known to be in the state already.
 */
extern bool unit_state_add(UnitState *st, uint64 h);

/* DISTINCT form: every unit comes once; fn_oid locates the secret. */
extern void unit_state_add_distinct(UnitState *st, uint64 h, Oid fn_oid);

/* dst gets src's units (src is left as it was). */
extern void unit_state_combine(UnitState *dst, UnitState *src);

extern bytea *unit_state_serialize(UnitState *st);

/* A state over the bytes of in, in the current (per-tuple) context. */
extern UnitState *unit_state_deserialize(bytea *in);

/* The number of distinct units, and the sum of their record keys. */
extern uint64 unit_state_count(UnitState *st);

/* Has every unit been added to the in-memory table only (no run, no DISTINCT)? */
static inline bool
unit_state_in_memory(const UnitState *st)
{
	return st->sp == NULL && !st->distinct;
}

/*
 * The number of distinct units u for which keep(arg, u), read in one merge
 * of the runs (which a state the final function counts only once may use
 * up); not for the DISTINCT form.
 */
extern uint64 unit_state_count_if(UnitState *st,
								  bool (*keep) (void *arg, uint64 h),
								  void *arg);
extern uint32 unit_state_cell_key(UnitState *st, ck_sipkey key);

#endif							/* VIEWSTATS_UNIT_STATE_H */
