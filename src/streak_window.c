/*
 * streak_window.c
 *		Window functions streak_length, streak_start and streak_number,
 *		used as OVER (PARTITION BY viewer, title ORDER BY day).
 *
 * WindowAgg calls a window function once per row, in partition order, so the
 * streak is carried forward in partition-local memory: one compare per row.
 * Correctness needs the days to arrive in ascending order; a decreasing day
 * raises an error, and so does a window whose ordering makes rows of
 * different days peers (no ORDER BY, or one coarser than the day).  That is
 * checked at every change of day, never once per partition: the order of
 * peers is arbitrary, so only a check of each pair of neighbouring days
 * gives the same verdict whatever order the peers come in.  Rows on the
 * same day get the same values.
 * NULL days get NULL and leave the streak untouched.
 */
#include "viewstats.h"

#include "windowapi.h"

PG_FUNCTION_INFO_V1(viewstats_streak_length);
PG_FUNCTION_INFO_V1(viewstats_streak_start);
PG_FUNCTION_INFO_V1(viewstats_streak_number);

typedef struct StreakWinState
{
	bool		started;		/* a non-NULL day has been seen */
	int32		max_gap;
	int32		prev_day;		/* day of the last non-NULL row */
	int64		prev_pos;		/* its position in the partition */
	int32		start;			/* first day of the current streak */
	int32		length;			/* watched days in it so far */
	int32		number;			/* streaks so far in the partition */
} StreakWinState;

typedef enum StreakWhat
{
	STREAK_LENGTH,
	STREAK_START,
	STREAK_NUMBER
} StreakWhat;

static const char *const what_name[] = {
	"streak_length", "streak_start", "streak_number"
};

static void
order_error(StreakWhat what)
{
	ereport(ERROR,
			(errcode(ERRCODE_WINDOWING_ERROR),
			 errmsg("%s requires a window ordered by the day ascending",
					what_name[what]),
			 errhint("Use OVER (PARTITION BY ... ORDER BY day).")));
}

static Datum
streak_window(FunctionCallInfo fcinfo, StreakWhat what)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	StreakWinState *s;
	int64		pos = WinGetCurrentPosition(winobj);
	bool		isnull;
	DateADT		d;
	int32		max_gap = 0;

	s = (StreakWinState *) WinGetPartitionLocalMemory(winobj,
													  sizeof(StreakWinState));
	d = DatumGetDateADT(WinGetFuncArgCurrent(winobj, 0, &isnull));
	if (isnull)
		PG_RETURN_NULL();
	if (PG_NARGS() > 1)
	{
		bool		gapnull;

		max_gap = DatumGetInt32(WinGetFuncArgCurrent(winobj, 1, &gapnull));
		if (gapnull)
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("max_gap must not be null")));
		viewstats_max_gap_arg(max_gap);
	}
	viewstats_day_arg(d);

	if (!s->started)
	{
		s->started = true;
		s->max_gap = max_gap;
		s->start = d;
		s->length = 1;
		s->number = 1;
	}
	else
	{
		if (unlikely(max_gap != s->max_gap))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("max_gap must be the same for every row of a partition")));
		if (d != s->prev_day)
		{
			/* different days as peers: the window is not ordered by day */
			if (d < s->prev_day || WinRowsArePeers(winobj, s->prev_pos, pos))
				order_error(what);
			if ((int64) d - s->prev_day - 1 <= s->max_gap)
				s->length++;
			else
			{
				s->start = d;
				s->length = 1;
				s->number++;
			}
		}
	}
	s->prev_day = d;
	s->prev_pos = pos;
	/* rows before the last non-NULL one are never fetched again */
	WinSetMarkPosition(winobj, pos);

	switch (what)
	{
		case STREAK_LENGTH:
			PG_RETURN_INT32(s->length);
		case STREAK_START:
			PG_RETURN_DATEADT(s->start);
		case STREAK_NUMBER:
			PG_RETURN_INT32(s->number);
	}
	pg_unreachable();
}

Datum
viewstats_streak_length(PG_FUNCTION_ARGS)
{
	return streak_window(fcinfo, STREAK_LENGTH);
}

Datum
viewstats_streak_start(PG_FUNCTION_ARGS)
{
	return streak_window(fcinfo, STREAK_START);
}

Datum
viewstats_streak_number(PG_FUNCTION_ARGS)
{
	return streak_window(fcinfo, STREAK_NUMBER);
}
