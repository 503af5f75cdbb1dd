/*
 * unit_hash.h
 *		The 64-bit hash by which the safe counts know a privacy unit
 *		(unit_hash.c).
 */
#ifndef VIEWSTATS_UNIT_HASH_H
#define VIEWSTATS_UNIT_HASH_H

#include "postgres.h"

#include "fmgr.h"

typedef struct UnitHasher UnitHasher;

/*
 * A hasher for argument argno of the calling aggregate's transition
 * function, in fn_mcxt, for the caller to keep per call site; 42883 for a
 * type with no hash at all.
 */
extern UnitHasher *viewstats_unit_hasher_new(FunctionCallInfo fcinfo, int argno);

/*
 * The unit's hash: equal for equal units; for the types README lists, the
 * same on every platform, in every release and after a dump and restore.
 */
extern uint64 viewstats_unit_hash(UnitHasher *h, Datum value);

/*
 * For a final function whose number depends on the hashes (perturbed_count):
 * 0A000 with a hint unless the units' hash is one of the stable ones.
 */
extern void viewstats_unit_check_stable(FunctionCallInfo fcinfo);

#endif							/* VIEWSTATS_UNIT_HASH_H */
