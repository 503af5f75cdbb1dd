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
 * The result must not depend on the order rows reach the window, which
 * without ORDER BY is whatever the plan gives.  So cells are told apart only
 * by what the query fixes: their value, and their peer group under the
 * window's ORDER BY if it has one.  Cells alike in both are suppressed
 * together or not at all.
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
	int64	   *peer;
	int64	   *idx;
	bool	   *hid;
	int64		i,
				k = 0,
				group = 0;
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
	peer = palloc(Max(m, 1) * sizeof(int64));
	idx = palloc(Max(m, 1) * sizeof(int64));
	hid = palloc(Max(m, 1) * sizeof(bool));

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
		/* peer groups in window order: all 0 without ORDER BY */
		if (i > 0 && !WinRowsArePeers(winobj, i - 1, i))
			group++;
		d = WinGetFuncArgInPartition(winobj, 0, i, WINDOW_SEEK_HEAD,
									 false, &isnull, &isout);
		if (isnull)
		{
			/* no cell: NULL stays NULL and takes no part */
			s->hide[i] = true;
			continue;
		}
		peer[k] = group;
		n[k] = DatumGetInt64(d);
		idx[k] = i;
		k++;
	}
	s->threshold = viewstats_threshold(has_arg, t);
	if (k > 0)
	{
		ck_status	st = ck_suppress(n, peer, k, s->threshold, hid);

		if (st != CK_OK)
			viewstats_ck_report(st);
		for (i = 0; i < k; i++)
			s->hide[idx[i]] = hid[i];
	}
	pfree(n);
	pfree(peer);
	pfree(idx);
	pfree(hid);
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
