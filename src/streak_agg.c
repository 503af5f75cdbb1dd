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
 *
 * The per-row path is what the benchmark measures against max() - min():
 *	- the state is one 64-byte chunk, and the builder keeps the newest run in
 *	  it (its tail): a group of one run allocates nothing more, and a row in
 *	  day order touches the state only, never the array of older runs;
 *	- a row that allocates nothing neither switches memory context nor calls
 *	  AggCheckCallContext: only creating a state does (as numeric_accum
 *	  does).  A non-NULL internal argument can only come from the aggregate
 *	  machinery, since SQL has no way to make an internal value;
 *	- timestamps are put on local days with a cached UTC offset, valid
 *	  until the zone's next transition (see local_day).
 */
#include "viewstats.h"

#include "datatype/timestamp.h"
#include "pgtime.h"
#include "parser/scansup.h"
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

/*
 * What a row reads comes first: the parameters (rows with max_gap or as_of
 * check them), then the builder, whose tail and run count lead: 32 bytes,
 * one or two cache lines with the chunk header.
 */
typedef struct StreakState
{
	ds_state_params p;
	ds_builder	b;
} StreakState;

/* One AllocSet chunk of 64 bytes per group */
StaticAssertDecl(sizeof(StreakState) <= 64, "StreakState outgrew its chunk");

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

/*
 * The state argument, or a new state in the aggregate context: only then is
 * the call context checked (see the file header).
 */
static inline StreakState *
state_arg(FunctionCallInfo fcinfo)
{
	if (likely(!PG_ARGISNULL(0)))
		return (StreakState *) PG_GETARG_POINTER(0);
	return state_new(agg_context(fcinfo));
}

/* A day that needs the builder's slow path, which may allocate. */
static pg_noinline void
state_add_day_slow(FunctionCallInfo fcinfo, StreakState *st, int32 day)
{
	MemoryContext old = MemoryContextSwitchTo(agg_context(fcinfo));
	ds_status	s = ds_builder_add_day_slow(&st->b, day);

	MemoryContextSwitchTo(old);
	if (s != DS_OK)
		viewstats_report(s);
}

static inline void
state_add_day(FunctionCallInfo fcinfo, StreakState *st, int32 day)
{
	if (likely(ds_builder_try_add_day(&st->b, day)))
		return;
	state_add_day_slow(fcinfo, st, day);
}

/*
 * The state's set as one normalized run array, the state left untouched:
 * the final functions are declared READ_ONLY (so PostgreSQL may share a
 * state between aggregates and finalize a window aggregate's state after
 * every row), and the serial function runs where the state may be shared
 * too.  Free *owned (when not NULL) after use; it is in the current context.
 */
static const ds_run *
state_runs(const StreakState *st, int32 *n, ds_run **owned)
{
	const ds_run *runs;
	ds_status	s = ds_builder_view(&st->b, &runs, n, owned);

	if (s != DS_OK)
		viewstats_report(s);
	return runs;
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
	StreakState *st;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
		{
			/* still check the context, as every other call path does */
			agg_context(fcinfo);
			PG_RETURN_NULL();
		}
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	st = state_arg(fcinfo);
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
	state_add_day(fcinfo, st, viewstats_day_arg(PG_GETARG_DATEADT(1)));
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

/*
 * A zone argument means what it means to AT TIME ZONE (timestamptz_zone):
 * first an abbreviation from timezone_abbreviations, either a fixed offset
 * (PST, and CET even where tzdata also has a zone of that name) or a
 * dynamic one that follows a zone (VET follows America/Caracas), and only
 * then a zone name or POSIX specification, as pg_tzset reads them.
 *
 * The zones seen by this call site (a viewing log has a few, row after row
 * in any mix) are cached, each with the UTC offset of the last timestamp
 * fully converted in it and the span of Unix seconds [lo, hi) over which
 * that offset holds: from that timestamp up to the zone's next transition,
 * as pg_next_dst_boundary finds it.  Rows come roughly in time order, so
 * nearly every timestamp lands in its zone's span and gets its day from an
 * addition and a floor division instead of timestamp2tm's calendar
 * conversion.  The span is only trusted when pg_next_dst_boundary agrees
 * with timestamp2tm on the offset at its start, and never for zones with
 * leap seconds (which pg_tz_acceptable rejects): their days always take the
 * full conversion.  A fixed-offset abbreviation has one span, forever; a
 * dynamic one is resolved on every row, as AT TIME ZONE does.
 */
#define TZ_SLOTS 32				/* open addressing, cleared when half full */

typedef enum TzKind
{
	TZ_KIND_ZONE,				/* a zone: timestamp2tm in it */
	TZ_KIND_FIXED,				/* a fixed-offset abbreviation */
	TZ_KIND_DYNAMIC				/* an abbreviation resolved in its zone */
} TzKind;

typedef struct TzSlot
{
	pg_tz	   *tz;				/* NULL: free (a fixed offset has a dummy) */
	TzKind		kind;
	bool		cacheable;		/* no leap seconds: spans may be used */
	pg_time_t	lo;				/* offset holds for Unix seconds in [lo, hi) */
	pg_time_t	hi;
	long		gmtoff;
	int			len;
	char		name[TZ_STRLEN_MAX + 1];	/* as given, NUL-terminated */
} TzSlot;

typedef struct TzCache
{
	int			used;
	TzSlot		slot[TZ_SLOTS];
} TzCache;

/* Seconds from the Unix epoch to PostgreSQL's, 2000-01-01 */
#define PG_EPOCH_UNIX_SECS \
	((pg_time_t) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

static inline uint32
tz_hash(const char *p, int len)
{
	/* zone names share prefixes ("America/"); their ends tell them apart */
	return (uint32) len * 31 + (unsigned char) p[len - 1] * 7 +
		(unsigned char) p[len / 2];
}

/*
 * The abbreviation named lowzone (lower case): its type (TZ or DTZ for a
 * fixed offset, in seconds east in *offset; DYNTZ with its zone in *tzp),
 * or UNKNOWN_FIELD.
 */
static int
decode_zone_abbrev(char *lowzone, int *offset, pg_tz **tzp)
{
#if PG_VERSION_NUM >= 160000
	int			ftype;
	int			dterr;
	DateTimeErrorExtra extra;

	dterr = DecodeTimezoneAbbrev(0, lowzone, &ftype, offset, tzp, &extra);
	if (dterr)
		DateTimeParseError(dterr, &extra, NULL, NULL, NULL);
	return ftype;
#else
	return DecodeTimezoneAbbrev(0, lowzone, offset, tzp);
#endif
}

static pg_noinline TzSlot *
tz_slot_new(TzCache *cache, text *tzname)
{
	int			len = VARSIZE_ANY_EXHDR(tzname);
	const char *p = VARDATA_ANY(tzname);
	char		buf[TZ_STRLEN_MAX + 1];
	char	   *lowzone;
	int			type;
	int			offset = 0;
	pg_tz	   *tz = NULL;
	TzSlot	   *z;
	uint32		h;

	if (len > TZ_STRLEN_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone name too long"),
				 errdetail_plural("Time zone names have at most %d byte.",
								  "Time zone names have at most %d bytes.",
								  TZ_STRLEN_MAX, TZ_STRLEN_MAX)));
	text_to_cstring_buffer(tzname, buf, sizeof(buf));
	if (len == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("time zone \"%s\" not recognized", buf)));
	/* the order of timestamptz_zone (DecodeTimezoneName from 16 on) */
	lowzone = downcase_truncate_identifier(buf, len, false);
	type = decode_zone_abbrev(lowzone, &offset, &tz);
	pfree(lowzone);
	if (type != TZ && type != DTZ && type != DYNTZ)
	{
		tz = pg_tzset(buf);
		if (tz == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("time zone \"%s\" not recognized", buf),
					 errhint("Use an IANA time zone name such as \"Europe/London\".")));
	}
	if (cache->used >= TZ_SLOTS / 2)
	{
		memset(cache, 0, sizeof(*cache));
	}
	h = tz_hash(p, len);
	for (z = &cache->slot[h % TZ_SLOTS]; z->tz != NULL;)
		z = &cache->slot[++h % TZ_SLOTS];
	z->lo = 1;					/* empty span */
	z->hi = 0;
	if (type == TZ || type == DTZ)
	{
		/* one offset for all time; session_timezone only marks the slot */
		z->kind = TZ_KIND_FIXED;
		z->tz = session_timezone;
		z->cacheable = true;
		z->gmtoff = offset;
		z->lo = PG_INT64_MIN;
		z->hi = PG_INT64_MAX;
	}
	else
	{
		z->kind = (type == DYNTZ) ? TZ_KIND_DYNAMIC : TZ_KIND_ZONE;
		z->tz = tz;
		z->cacheable = (type != DYNTZ) && pg_tz_acceptable(tz);
	}
	memcpy(z->name, p, len);
	z->name[len] = '\0';
	z->len = len;
	cache->used++;
	return z;
}

static inline TzSlot *
lookup_tz(FunctionCallInfo fcinfo, text *tzname)
{
	TzCache    *cache = fcinfo->flinfo->fn_extra;
	int			len = VARSIZE_ANY_EXHDR(tzname);
	const char *p = VARDATA_ANY(tzname);

	if (unlikely(cache == NULL))
		cache = fcinfo->flinfo->fn_extra =
			MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(TzCache));
	if (likely(len > 0 && len <= TZ_STRLEN_MAX))
	{
		uint32		h = tz_hash(p, len);

		for (int i = 0; i < TZ_SLOTS; i++)
		{
			TzSlot	   *z = &cache->slot[(h + i) % TZ_SLOTS];

			if (z->tz == NULL)
				break;
			if (z->len == len && memcmp(z->name, p, len) == 0)
				return z;
		}
	}
	return tz_slot_new(cache, tzname);
}

static inline int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	return (a % b < 0) ? q - 1 : q;
}

static inline int32
checked_day(int64 day)
{
	if (unlikely(!ds_day_valid(day)))
		viewstats_report(DS_ERR_DAY_RANGE);
	return (int32) day;
}

/* The full conversion; for a zone it also renews the span. */
static pg_noinline int32
local_day_slow(TimestampTz ts, pg_time_t secs, TzSlot *z)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzoff;

	if (z->kind == TZ_KIND_DYNAMIC)
	{
		/* as timestamptz_zone: the abbreviation's offset at this instant */
		int			isdst;

		tzoff = DetermineTimeZoneAbbrevOffsetTS(ts, z->name, z->tz, &isdst);
		return checked_day(floor_div(ts - (int64) tzoff * USECS_PER_SEC,
									 USECS_PER_DAY));
	}
	if (timestamp2tm(ts, &tzoff, &tm, &fsec, NULL, z->tz) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	if (z->cacheable)
	{
		long		before,
					after;
		int			before_dst,
					after_dst;
		pg_time_t	boundary;
		int			r = pg_next_dst_boundary(&secs, &before, &before_dst,
											 &boundary, &after, &after_dst,
											 z->tz);

		z->gmtoff = tm.tm_gmtoff;
		if (r < 0 || before != tm.tm_gmtoff)
		{
			z->lo = 1;			/* they disagree: no span */
			z->hi = 0;
		}
		else
		{
			z->lo = secs;
			z->hi = (r == 0) ? PG_INT64_MAX : boundary;
		}
	}
	return checked_day((int64) date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) -
					   POSTGRES_EPOCH_JDATE);
}

/* The calendar day of ts in zone z, exactly as (ts AT TIME ZONE z)::date. */
static inline int32
local_day(TimestampTz ts, TzSlot *z)
{
	pg_time_t	secs;

	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("infinite timestamps are not allowed in a dayset")));
	/* whole seconds, as timestamp2tm hands them to pg_localtime */
	secs = floor_div(ts, USECS_PER_SEC) + PG_EPOCH_UNIX_SECS;
	if (likely(secs >= z->lo && secs < z->hi))
		return checked_day(floor_div(secs - PG_EPOCH_UNIX_SECS + z->gmtoff,
									 SECS_PER_DAY));
	return local_day_slow(ts, secs, z);
}

static inline Datum
tstz_transfn(FunctionCallInfo fcinfo, int gap_arg)
{
	StreakState *st;
	TzSlot	   *z;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
		{
			agg_context(fcinfo);
			PG_RETURN_NULL();
		}
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("time zone must not be null")));
	st = state_arg(fcinfo);
	z = lookup_tz(fcinfo, PG_GETARG_TEXT_PP(2));
	if (gap_arg >= 0)
		state_set_param(&st->p, DS_STATE_HAS_MAX_GAP,
						viewstats_max_gap_arg(nonnull_int_arg(fcinfo, gap_arg,
															  "max_gap")));
	state_add_day(fcinfo, st, local_day(PG_GETARG_TIMESTAMPTZ(1), z));
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
	st = PG_ARGISNULL(0) ? state_new(aggcxt) : (StreakState *) PG_GETARG_POINTER(0);
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
	s = ds_builder_add_builder(&dst->b, &src->b);
	MemoryContextSwitchTo(old);
	if (s != DS_OK)
		viewstats_report(s);
	PG_RETURN_POINTER(dst);
}

Datum
viewstats_streak_serialize(PG_FUNCTION_ARGS)
{
	StreakState *st;
	const ds_run *runs;
	ds_run	   *owned;
	int32		n;
	size_t		size;
	bytea	   *out;

	agg_context(fcinfo);
	st = (StreakState *) PG_GETARG_POINTER(0);
	runs = state_runs(st, &n, &owned);
	size = ds_state_size(n);
	out = palloc(VARHDRSZ + size);
	SET_VARSIZE(out, VARHDRSZ + size);
	ds_state_encode(&st->p, runs, n, (uint8_t *) VARDATA(out));
	if (owned)
		pfree(owned);
	PG_RETURN_BYTEA_P(out);
}

Datum
viewstats_streak_deserialize(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	const uint8_t *bytes = (const uint8_t *) VARDATA_ANY(in);
	ds_state_params p;
	int32_t		n;
	ds_status	s;
	StreakState *st;

	agg_context(fcinfo);
	s = ds_state_check(bytes, VARSIZE_ANY_EXHDR(in), &p, &n);
	if (s != DS_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid serialized viewstats aggregate state")));

	/*
	 * A short-lived value in the current (per-input-tuple) context, as
	 * PostgreSQL's own deserializers do: the combine function copies it into
	 * the aggregate context, so the finalize step does not keep every
	 * partial state it has read.
	 */
	st = state_new(CurrentMemoryContext);
	st->p = p;
	if (n > 0)
	{
		st->b.runs = palloc((Size) n * sizeof(ds_run));
		st->b.runs_cap = n;
		st->b.nruns = n;
		ds_state_decode_runs(bytes, st->b.runs);
	}
	PG_RETURN_POINTER(st);
}

/* ---- Final functions: they read the state and never change it ---- */

static inline StreakState *
final_state(FunctionCallInfo fcinfo)
{
	agg_context(fcinfo);
	if (PG_ARGISNULL(0))
		return NULL;
	return (StreakState *) PG_GETARG_POINTER(0);
}

Datum
viewstats_dayset_agg_final(PG_FUNCTION_ARGS)
{
	StreakState *st = final_state(fcinfo);
	const ds_run *runs;
	ds_run	   *owned;
	int32		n;
	Dayset	   *ds;

	if (st == NULL)
		PG_RETURN_NULL();
	if (st->b.npending == 0)
	{
		/* the runs, then the tail: copied straight into the result */
		ds = viewstats_dayset_alloc(st->b.nruns + (st->b.has_tail ? 1 : 0));
		if (st->b.nruns > 0)
			memcpy(ds->runs, st->b.runs, (Size) st->b.nruns * sizeof(ds_run));
		if (st->b.has_tail)
			ds->runs[st->b.nruns] = st->b.tail;
		PG_RETURN_DAYSET_P(ds);
	}
	runs = state_runs(st, &n, &owned);
	ds = viewstats_dayset_from_runs(runs, n);
	if (owned)
		pfree(owned);
	PG_RETURN_DAYSET_P(ds);
}

static inline int32
state_max_gap(const StreakState *st)
{
	return (st->p.flags & DS_STATE_HAS_MAX_GAP) ? st->p.max_gap : 0;
}

Datum
viewstats_longest_streak_final(PG_FUNCTION_ARGS)
{
	StreakState *st = final_state(fcinfo);
	const ds_run *runs;
	ds_run	   *owned;
	int32		n;
	int32		result;

	if (st == NULL)
		PG_RETURN_NULL();
	runs = state_runs(st, &n, &owned);
	result = ds_longest_streak(runs, n, state_max_gap(st));
	if (owned)
		pfree(owned);
	PG_RETURN_INT32(result);
}

Datum
viewstats_current_streak_final(PG_FUNCTION_ARGS)
{
	StreakState *st = final_state(fcinfo);
	const ds_run *runs;
	ds_run	   *owned;
	int32		n;
	int32		result;

	if (st == NULL || !(st->p.flags & DS_STATE_HAS_AS_OF))
		PG_RETURN_NULL();
	runs = state_runs(st, &n, &owned);
	result = ds_current_streak(runs, n, st->p.as_of, state_max_gap(st));
	if (owned)
		pfree(owned);
	PG_RETURN_INT32(result);
}
