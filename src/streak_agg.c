/*
 * streak_agg.c
 *		Aggregates over days: dayset_agg, longest_streak, current_streak.
 *
 * They share one internal state: a core builder (runs plus out-of-order
 * days) and the per-group parameters max_gap and as_of, which must be equal
 * on every row of a group.  The state is order-independent, so every
 * aggregate has combine, serialize and deserialize functions and runs as a
 * parallel partial aggregate.
 *
 * The state is created on the first non-NULL day, so a group of NULLs (or no
 * rows) finalizes to NULL.  Everything the state points to lives in the
 * aggregate context; the core allocates in CurrentMemoryContext, so every
 * call that may allocate switches to it first.
 */
#include "viewstats.h"

#include "datatype/timestamp.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(viewstats_streak_date_transfn);
PG_FUNCTION_INFO_V1(viewstats_streak_date_gap_transfn);
PG_FUNCTION_INFO_V1(viewstats_streak_date_asof_transfn);
PG_FUNCTION_INFO_V1(viewstats_streak_date_asof_gap_transfn);
PG_FUNCTION_INFO_V1(viewstats_streak_tstz_transfn);
PG_FUNCTION_INFO_V1(viewstats_streak_tstz_gap_transfn);
PG_FUNCTION_INFO_V1(viewstats_streak_dayset_transfn);
PG_FUNCTION_INFO_V1(viewstats_streak_combine);
PG_FUNCTION_INFO_V1(viewstats_streak_serialize);
PG_FUNCTION_INFO_V1(viewstats_streak_deserialize);
PG_FUNCTION_INFO_V1(viewstats_dayset_agg_final);
PG_FUNCTION_INFO_V1(viewstats_longest_streak_final);
PG_FUNCTION_INFO_V1(viewstats_current_streak_final);

typedef struct StreakState
{
	ds_builder	b;
	ds_state_params p;
} StreakState;

static MemoryContext
agg_context(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt;

	if (!AggCheckCallContext(fcinfo, &aggcxt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("viewstats aggregate support function called in non-aggregate context")));
	return aggcxt;
}

static StreakState *
state_new(MemoryContext aggcxt)
{
	StreakState *st = MemoryContextAllocZero(aggcxt, sizeof(StreakState));

	ds_builder_init(&st->b);
	return st;
}

/* The state argument, created in the aggregate context if still NULL. */
static inline StreakState *
state_arg(FunctionCallInfo fcinfo, MemoryContext aggcxt)
{
	if (PG_ARGISNULL(0))
		return state_new(aggcxt);
	return (StreakState *) PG_GETARG_POINTER(0);
}

static inline void
state_add_day(StreakState *st, MemoryContext aggcxt, int32 day)
{
	MemoryContext old = MemoryContextSwitchTo(aggcxt);
	ds_status	s = ds_builder_add_day(&st->b, day);

	MemoryContextSwitchTo(old);
	if (unlikely(s != DS_OK))
		viewstats_report(s);
}

static void
state_finish(StreakState *st, MemoryContext aggcxt)
{
	MemoryContext old = MemoryContextSwitchTo(aggcxt);
	ds_status	s = ds_builder_finish(&st->b);

	MemoryContextSwitchTo(old);
	if (s != DS_OK)
		viewstats_report(s);
}

/*
 * Record a per-group parameter; every row (and every partial state) of a
 * group must carry the same value.
 */
static inline void
state_set_param(ds_state_params *p, uint8 flag, int32 value)
{
	int32	   *slot = (flag == DS_STATE_HAS_MAX_GAP) ? &p->max_gap : &p->as_of;

	if (!(p->flags & flag))
	{
		p->flags |= flag;
		*slot = value;
	}
	else if (unlikely(*slot != value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be the same for every row of a group",
						flag == DS_STATE_HAS_MAX_GAP ? "max_gap" : "as_of")));
}

static inline int32
nonnull_int_arg(FunctionCallInfo fcinfo, int argno, const char *name)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", name)));
	return PG_GETARG_INT32(argno);
}

/*
 * Shared body of the date transition functions.  gap_arg and asof_arg are
 * the argument numbers of max_gap and as_of, or -1 when absent.
 */
static inline Datum
date_transfn(FunctionCallInfo fcinfo, int asof_arg, int gap_arg)
{
	MemoryContext aggcxt = agg_context(fcinfo);
	StreakState *st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	st = state_arg(fcinfo, aggcxt);
	if (asof_arg >= 0)
	{
		if (PG_ARGISNULL(asof_arg))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("as_of must not be null")));
		state_set_param(&st->p, DS_STATE_HAS_AS_OF,
						viewstats_day_arg(PG_GETARG_DATEADT(asof_arg)));
	}
	if (gap_arg >= 0)
		state_set_param(&st->p, DS_STATE_HAS_MAX_GAP,
						viewstats_max_gap_arg(nonnull_int_arg(fcinfo, gap_arg,
															  "max_gap")));
	state_add_day(st, aggcxt, viewstats_day_arg(PG_GETARG_DATEADT(1)));
	PG_RETURN_POINTER(st);
}

Datum
viewstats_streak_date_transfn(PG_FUNCTION_ARGS)
{
	return date_transfn(fcinfo, -1, -1);
}

Datum
viewstats_streak_date_gap_transfn(PG_FUNCTION_ARGS)
{
	return date_transfn(fcinfo, -1, 2);
}

Datum
viewstats_streak_date_asof_transfn(PG_FUNCTION_ARGS)
{
	return date_transfn(fcinfo, 2, -1);
}

Datum
viewstats_streak_date_asof_gap_transfn(PG_FUNCTION_ARGS)
{
	return date_transfn(fcinfo, 2, 3);
}

/* ---- timestamptz on a local calendar ---- */

/* Cache of the last time zone name looked up by this call site. */
typedef struct TzCache
{
	pg_tz	   *tz;
	int			len;
	char		name[TZ_STRLEN_MAX + 1];
} TzCache;

static pg_tz *
lookup_tz(FunctionCallInfo fcinfo, text *tzname)
{
	TzCache    *cache = fcinfo->flinfo->fn_extra;
	int			len = VARSIZE_ANY_EXHDR(tzname);
	const char *p = VARDATA_ANY(tzname);
	char		buf[TZ_STRLEN_MAX + 1];

	if (cache != NULL && cache->len == len && memcmp(cache->name, p, len) == 0)
		return cache->tz;

	if (len > TZ_STRLEN_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone name too long"),
				 errdetail("Time zone names have at most %d bytes.", TZ_STRLEN_MAX)));
	text_to_cstring_buffer(tzname, buf, sizeof(buf));
	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" not recognized", buf)));
	if (cache == NULL)
		cache = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TzCache));
	cache->tz = pg_tzset(buf);
	if (cache->tz == NULL)
	{
		cache->len = -1;
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" not recognized", buf),
				 errhint("Use an IANA time zone name such as \"Europe/London\".")));
	}
	memcpy(cache->name, p, len);
	cache->len = len;
	return cache->tz;
}

/* The calendar day of ts in zone tz. */
static int32
local_day(TimestampTz ts, pg_tz *tz)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;
	int64		day;

	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("infinite timestamps are not allowed in a dayset")));
	if (timestamp2tm(ts, &tzoff, &tm, &fsec, NULL, tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	day = (int64) date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
	if (!ds_day_valid(day))
		viewstats_report(DS_ERR_DAY_RANGE);
	return (int32) day;
}

static inline Datum
tstz_transfn(FunctionCallInfo fcinfo, int gap_arg)
{
	MemoryContext aggcxt = agg_context(fcinfo);
	StreakState *st;
	pg_tz	   *tz;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("time zone must not be null")));
	tz = lookup_tz(fcinfo, PG_GETARG_TEXT_PP(2));
	st = state_arg(fcinfo, aggcxt);
	if (gap_arg >= 0)
		state_set_param(&st->p, DS_STATE_HAS_MAX_GAP,
						viewstats_max_gap_arg(nonnull_int_arg(fcinfo, gap_arg,
															  "max_gap")));
	state_add_day(st, aggcxt, local_day(PG_GETARG_TIMESTAMPTZ(1), tz));
	PG_RETURN_POINTER(st);
}

Datum
viewstats_streak_tstz_transfn(PG_FUNCTION_ARGS)
{
	return tstz_transfn(fcinfo, -1);
}

Datum
viewstats_streak_tstz_gap_transfn(PG_FUNCTION_ARGS)
{
	return tstz_transfn(fcinfo, 3);
}

/* dayset_agg(dayset): union of stored values (rollups). */
Datum
viewstats_streak_dayset_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = agg_context(fcinfo);
	StreakState *st;
	Dayset	   *ds;
	MemoryContext old;
	ds_status	s;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	ds = PG_GETARG_DAYSET_P(1);
	st = state_arg(fcinfo, aggcxt);
	old = MemoryContextSwitchTo(aggcxt);
	s = ds_builder_add_runs(&st->b, ds->runs, ds->nruns);
	MemoryContextSwitchTo(old);
	if (s != DS_OK)
		viewstats_report(s);
	PG_RETURN_POINTER(st);
}

/* ---- Parallel support ---- */

static void
merge_params(ds_state_params *dst, const ds_state_params *src)
{
	if (src->flags & DS_STATE_HAS_MAX_GAP)
		state_set_param(dst, DS_STATE_HAS_MAX_GAP, src->max_gap);
	if (src->flags & DS_STATE_HAS_AS_OF)
		state_set_param(dst, DS_STATE_HAS_AS_OF, src->as_of);
}

Datum
viewstats_streak_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = agg_context(fcinfo);
	StreakState *dst = PG_ARGISNULL(0) ? NULL : (StreakState *) PG_GETARG_POINTER(0);
	StreakState *src = PG_ARGISNULL(1) ? NULL : (StreakState *) PG_GETARG_POINTER(1);
	MemoryContext old;
	ds_status	s;

	if (src == NULL)
	{
		if (dst == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(dst);
	}
	/* a NULL left side gets a fresh copy in our context, never src itself */
	if (dst == NULL)
		dst = state_new(aggcxt);
	merge_params(&dst->p, &src->p);

	old = MemoryContextSwitchTo(aggcxt);
	s = ds_builder_add_runs(&dst->b, src->b.runs, src->b.nruns);
	for (int32 i = 0; s == DS_OK && i < src->b.npending; i++)
		s = ds_builder_add_day(&dst->b, src->b.pending[i]);
	MemoryContextSwitchTo(old);
	if (s != DS_OK)
		viewstats_report(s);
	PG_RETURN_POINTER(dst);
}

Datum
viewstats_streak_serialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = agg_context(fcinfo);
	StreakState *st = (StreakState *) PG_GETARG_POINTER(0);
	size_t		size;
	bytea	   *out;

	state_finish(st, aggcxt);
	size = ds_state_size(st->b.nruns);
	out = palloc(VARHDRSZ + size);
	SET_VARSIZE(out, VARHDRSZ + size);
	ds_state_encode(&st->p, st->b.runs, st->b.nruns, (uint8_t *) VARDATA(out));
	PG_RETURN_BYTEA_P(out);
}

Datum
viewstats_streak_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt = agg_context(fcinfo);
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const uint8_t *bytes = (const uint8_t *) VARDATA_ANY(in);
	ds_state_params p;
	int32_t		n;
	ds_status	s = ds_state_check(bytes, VARSIZE_ANY_EXHDR(in), &p, &n);
	StreakState *st;

	if (s != DS_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized viewstats aggregate state")));
	st = state_new(aggcxt);
	st->p = p;
	if (n > 0)
	{
		st->b.runs = MemoryContextAlloc(aggcxt, (Size) n * sizeof(ds_run));
		st->b.runs_cap = n;
		st->b.nruns = n;
		ds_state_decode_runs(bytes, st->b.runs);
	}
	PG_RETURN_POINTER(st);
}

/* ---- Final functions ---- */

static inline StreakState *
final_state(FunctionCallInfo fcinfo)
{
	MemoryContext aggcxt = agg_context(fcinfo);
	StreakState *st;

	if (PG_ARGISNULL(0))
		return NULL;
	st = (StreakState *) PG_GETARG_POINTER(0);
	state_finish(st, aggcxt);
	return st;
}

Datum
viewstats_dayset_agg_final(PG_FUNCTION_ARGS)
{
	StreakState *st = final_state(fcinfo);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_DAYSET_P(viewstats_dayset_from_runs(st->b.runs, st->b.nruns));
}

Datum
viewstats_longest_streak_final(PG_FUNCTION_ARGS)
{
	StreakState *st = final_state(fcinfo);

	if (st == NULL)
		PG_RETURN_NULL();
	PG_RETURN_INT32(ds_longest_streak(st->b.runs, st->b.nruns,
									  (st->p.flags & DS_STATE_HAS_MAX_GAP) ?
									  st->p.max_gap : 0));
}

Datum
viewstats_current_streak_final(PG_FUNCTION_ARGS)
{
	StreakState *st = final_state(fcinfo);

	if (st == NULL || !(st->p.flags & DS_STATE_HAS_AS_OF))
		PG_RETURN_NULL();
	PG_RETURN_INT32(ds_current_streak(st->b.runs, st->b.nruns, st->p.as_of,
									  (st->p.flags & DS_STATE_HAS_MAX_GAP) ?
									  st->p.max_gap : 0));
}
