/*
 * suppress.c
 *		Suppression of counts computed elsewhere: the scalar suppress(n) and
 *		the window function suppress_cells(n) OVER (PARTITION BY ...).
 *
 * suppress_cells treats a window partition as one additive table row.  On
 * the partition's first row it reads every cell, lets the core decide
 * (primary and complementary suppression, core ck_suppress) and keeps the
 * decisions in partition-local memory; each row then looks its own up.
 *
 * A NULL cell is a hidden cell of unknown count (typically a count
 * suppressed upstream): it stays NULL and needs its complement like any
 * other, or the row total would give it back.  Cells are told apart only
 * by their value, never by their position in the window's order, so the
 * result depends neither on the order rows reach the window nor on an
 * ORDER BY: a row published twice, ordered both ways, hides the same cells.
 */
#include "privacy.h"

#include "utils/memutils.h"
#include "windowapi.h"

PG_FUNCTION_INFO_V1(viewstats_suppress);
PG_FUNCTION_INFO_V1(viewstats_suppress_cells);

/* suppress(n [, min_group_size]): n, or NULL below the threshold. */
Datum
viewstats_suppress(PG_FUNCTION_ARGS)
{
	bool		has_arg = PG_NARGS() > 1;
	int32		t = viewstats_threshold(has_arg,
										has_arg ? viewstats_threshold_arg(fcinfo, 1) : 0);
	int64		n;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	n = PG_GETARG_INT64(0);
	if (n < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a count to suppress must not be negative"),
				 errdetail("n was " INT64_FORMAT ".", n)));
	if (n < t)
		PG_RETURN_NULL();
	PG_RETURN_INT64(n);
}

typedef struct CellsState
{
	bool		decided;
	int32		threshold;
	bool	   *hide;			/* per row: NULL result */
} CellsState;

/* Read the partition, decide, and fill s. */
static void
decide_partition(WindowObject winobj, CellsState *s, bool has_arg)
{
	MemoryContext partcxt = GetMemoryChunkContext(s);
	int64		m = WinGetPartitionRowCount(winobj);
	int64	   *n;
	bool	   *unknown;
	int64		i;
	bool		have_t = false;
	int32		t = 0;

	if ((Size) m > MaxAllocSize / sizeof(int64))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("suppress_cells partition too large"),
				 errdetail_plural("A partition may hold at most %zu row.",
								  "A partition may hold at most %zu rows.",
								  (unsigned long) (MaxAllocSize / sizeof(int64)),
								  (size_t) (MaxAllocSize / sizeof(int64)))));
	s->hide = MemoryContextAllocZero(partcxt, Max(m, 1) * sizeof(bool));
	n = palloc(Max(m, 1) * sizeof(int64));
	unknown = palloc(Max(m, 1) * sizeof(bool));

	for (i = 0; i < m; i++)
	{
		bool		isnull,
					isout;
		Datum		d;

		if (has_arg)
		{
			int32		arg;

			d = WinGetFuncArgInPartition(winobj, 1, i, WINDOW_SEEK_HEAD,
										 false, &isnull, &isout);
			arg = viewstats_threshold_value(d, isnull);
			if (have_t && arg != t)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("min_group_size must be the same for every row of a partition")));
			have_t = true;
			t = arg;
		}
		d = WinGetFuncArgInPartition(winobj, 0, i, WINDOW_SEEK_HEAD,
									 false, &isnull, &isout);
		/* a NULL cell: hidden already, count unknown */
		unknown[i] = isnull;
		n[i] = isnull ? 0 : DatumGetInt64(d);
	}
	s->threshold = viewstats_threshold(has_arg, t);
	if (m > 0)
	{
		ck_status	st = ck_suppress(n, unknown, m, s->threshold, s->hide);

		if (st != CK_OK)
			viewstats_ck_report(st);
	}
	pfree(n);
	pfree(unknown);
	s->decided = true;
}

Datum
viewstats_suppress_cells(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	CellsState *s = (CellsState *) WinGetPartitionLocalMemory(winobj,
															  sizeof(CellsState));
	int64		pos = WinGetCurrentPosition(winobj);
	bool		isnull;
	Datum		d;

	if (!s->decided)
		decide_partition(winobj, s, PG_NARGS() > 1);
	if (s->hide[pos])
		PG_RETURN_NULL();
	d = WinGetFuncArgCurrent(winobj, 0, &isnull);
	PG_RETURN_DATUM(d);
}
