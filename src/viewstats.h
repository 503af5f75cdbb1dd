/*
 * viewstats.h
 *		Glue shared by the fmgr files: the stored dayset layout and the
 *		translation of core status codes into ereport.
 *
 * The fmgr layer only converts Datums, allocates in the right memory context
 * and reports errors; the algorithms live in src/core.
 */
#ifndef VIEWSTATS_H
#define VIEWSTATS_H

#include "postgres.h"

#include "pg_compat.h"

#include "fmgr.h"
#include "utils/date.h"

#include "core/dayset_core.h"

/*
 * On-disk dayset: a 12-byte header, then the normalized runs in native byte
 * order.  version lets a later release change the layout; flags is reserved
 * (zero) for that too.
 */
typedef struct Dayset
{
	int32		vl_len_;		/* varlena header (do not touch directly) */
	uint8		version;
	uint8		flags;
	uint16		reserved;
	int32		nruns;
	ds_run		runs[FLEXIBLE_ARRAY_MEMBER];
} Dayset;

#define DAYSET_VERSION	1
#define DAYSET_HDRSZ	offsetof(Dayset, runs)

extern Dayset *viewstats_dayset_check(Dayset *ds);
extern Dayset *viewstats_dayset_alloc(int32 n);
extern Dayset *viewstats_dayset_from_runs(const ds_run *runs, int32 n);

#define DatumGetDaysetP(X)	viewstats_dayset_check((Dayset *) PG_DETOAST_DATUM(X))
#define PG_GETARG_DAYSET_P(n) DatumGetDaysetP(PG_GETARG_DATUM(n))
#define PG_RETURN_DAYSET_P(x) PG_RETURN_POINTER(x)

/* ereport for a core status that is not DS_OK; never returns */
pg_noreturn extern void viewstats_report(ds_status st);

/* Checked conversions of SQL arguments, raising class-22 errors */
extern int32 viewstats_day_arg(DateADT d);
extern int32 viewstats_max_gap_arg(int32 max_gap);
extern int32 viewstats_min_days_arg(int32 min_days);

/* Run arrays larger than this many runs would exceed a palloc */
static inline void
viewstats_check_run_count(int64 n)
{
	if (n > DS_MAX_RUNS)
		viewstats_report(DS_ERR_TOO_LARGE);
}

#endif							/* VIEWSTATS_H */
