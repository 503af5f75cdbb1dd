/*
 * viewstats.c
 *		Module entry: PG_MODULE_MAGIC, _PG_init, and the helpers every fmgr
 *		file shares (stored-dayset construction and checks, error mapping).
 */
#include "viewstats.h"

#include "tcop/tcopprot.h"
#include "privacy.h"
#include "restricted/restricted.h"
#include "utils/datetime.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * The core keeps its arrays below 1 GB (DS_MAX_RUNS), except a combine's
 * temporary copy of a whole state, which may reach twice that for a set
 * near the limit: allow it rather than fail with an internal error.
 */
static void *
vs_palloc(size_t size)
{
	return MemoryContextAllocHuge(CurrentMemoryContext, size);
}

static void *
vs_repalloc(void *ptr, size_t size)
{
	return repalloc_huge(ptr, size);
}

static void
vs_pfree(void *ptr)
{
	pfree(ptr);
}

void
_PG_init(void)
{
	/* The core allocates in CurrentMemoryContext; callers pick the context */
	ds_set_allocator(vs_palloc, vs_repalloc, vs_pfree);
	/*
	 * session_preload_libraries and shared_preload_libraries load us before
	 * any query; a function call or LOAD while one runs.  Restricted mode
	 * needs the hooks from the session's first query on.
	 */
	vs_loaded_at_start = debug_query_string == NULL;
	/* restricted mode defines its setting before the prefix is reserved */
	vs_hooks_init();
	viewstats_define_gucs();
}

/*
 * Check the O(1) invariants of a detoasted dayset.  Bytes on disk were
 * written by us, so a mismatch means corruption, not user error.
 */
Dayset *
viewstats_dayset_check(Dayset *ds)
{
	Size		size = VARSIZE(ds);

	if (size < DAYSET_HDRSZ || ds->version != DAYSET_VERSION ||
		ds->flags != 0 || ds->nruns < 0 ||
		size != DAYSET_HDRSZ + (Size) ds->nruns * sizeof(ds_run))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid stored dayset value"),
				 errdetail_plural("Its header gives version %d and %d run in %zu bytes.",
								  "Its header gives version %d and %d runs in %zu bytes.",
								  ds->nruns, ds->version, ds->nruns, (size_t) size)));
	return ds;
}

/* A stored dayset with room for n runs, header filled in. */
Dayset *
viewstats_dayset_alloc(int32 n)
{
	Size		size;
	Dayset	   *ds;

	viewstats_check_run_count(n);
	size = DAYSET_HDRSZ + (Size) n * sizeof(ds_run);
	ds = palloc(size);
	SET_VARSIZE(ds, size);
	ds->version = DAYSET_VERSION;
	ds->flags = 0;
	ds->reserved = 0;
	ds->nruns = n;
	return ds;
}

Dayset *
viewstats_dayset_from_runs(const ds_run *runs, int32 n)
{
	Dayset	   *ds = viewstats_dayset_alloc(n);

	if (n > 0)
		memcpy(ds->runs, runs, (Size) n * sizeof(ds_run));
	return ds;
}

void
viewstats_report(ds_status st)
{
	switch (st)
	{
		case DS_ERR_NOMEM:
			ereport(ERROR,
					(errcode(ERRCODE_OUT_OF_MEMORY),
					 errmsg("out of memory")));
			break;
		case DS_ERR_TOO_LARGE:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("dayset too large"),
					 errdetail_plural("A dayset holds at most %d run.",
									  "A dayset holds at most %d runs.",
									  (unsigned long) DS_MAX_RUNS, (int) DS_MAX_RUNS)));
			break;
		case DS_ERR_DAY_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("date out of range")));
			break;
		case DS_ERR_BAD_DATE:
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
					 errmsg("date field value out of range")));
			break;
		case DS_ERR_BAD_VERSION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("unsupported binary dayset version")));
			break;
		case DS_ERR_BAD_BINARY:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
					 errmsg("invalid binary dayset value")));
			break;
		case DS_ERR_SYNTAX:
		case DS_ERR_RANGE_ORDER:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type dayset")));
			break;
		case DS_OK:
			break;
	}
	elog(ERROR, "unexpected dayset status %d", (int) st);
	pg_unreachable();
}

/* A date argument as a core day; infinities have no place in a day set. */
int32
viewstats_day_arg(DateADT d)
{
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("infinite dates are not allowed in a dayset")));
	return (int32) d;
}

int32
viewstats_max_gap_arg(int32 max_gap)
{
	if (max_gap < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_gap must not be negative"),
				 errdetail("max_gap was %d.", max_gap)));
	return max_gap;
}

int32
viewstats_min_days_arg(int32 min_days)
{
	if (min_days < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("min_days must be at least 1"),
				 errdetail("min_days was %d.", min_days)));
	return min_days;
}
