/*
 * dayset_ops.c
 *		Operators, btree and hash support, and accessors of the dayset type:
 *		comparison, @>, &&, |, &, -, day_count, first_day, last_day,
 *		streaks, streak_count, longest_streak(dayset), current_streak(dayset).
 *
 * All work is delegated to the core; this file only unpacks arguments.
 */
#include "viewstats.h"

#include "access/hash.h"
#include "funcapi.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(viewstats_dayset_eq);
PG_FUNCTION_INFO_V1(viewstats_dayset_ne);
PG_FUNCTION_INFO_V1(viewstats_dayset_lt);
PG_FUNCTION_INFO_V1(viewstats_dayset_le);
PG_FUNCTION_INFO_V1(viewstats_dayset_gt);
PG_FUNCTION_INFO_V1(viewstats_dayset_ge);
PG_FUNCTION_INFO_V1(viewstats_dayset_cmp);
PG_FUNCTION_INFO_V1(viewstats_dayset_hash);
PG_FUNCTION_INFO_V1(viewstats_dayset_hash_extended);
PG_FUNCTION_INFO_V1(viewstats_dayset_contains_date);
PG_FUNCTION_INFO_V1(viewstats_date_contained_by_dayset);
PG_FUNCTION_INFO_V1(viewstats_dayset_contains);
PG_FUNCTION_INFO_V1(viewstats_dayset_contained_by);
PG_FUNCTION_INFO_V1(viewstats_dayset_overlaps);
PG_FUNCTION_INFO_V1(viewstats_dayset_union);
PG_FUNCTION_INFO_V1(viewstats_dayset_intersect);
PG_FUNCTION_INFO_V1(viewstats_dayset_difference);
PG_FUNCTION_INFO_V1(viewstats_day_count);
PG_FUNCTION_INFO_V1(viewstats_first_day);
PG_FUNCTION_INFO_V1(viewstats_last_day);
PG_FUNCTION_INFO_V1(viewstats_streaks);
PG_FUNCTION_INFO_V1(viewstats_streak_count);
PG_FUNCTION_INFO_V1(viewstats_longest_streak_dayset);
PG_FUNCTION_INFO_V1(viewstats_current_streak_dayset);

/* ---- Comparison (btree) ---- */

static int
dayset_cmp_args(FunctionCallInfo fcinfo)
{
	Dayset	   *a = PG_GETARG_DAYSET_P(0);
	Dayset	   *b = PG_GETARG_DAYSET_P(1);

	return ds_compare(a->runs, a->nruns, b->runs, b->nruns);
}

Datum
viewstats_dayset_eq(PG_FUNCTION_ARGS)
{
	Dayset	   *a = PG_GETARG_DAYSET_P(0);
	Dayset	   *b = PG_GETARG_DAYSET_P(1);

	PG_RETURN_BOOL(ds_equal(a->runs, a->nruns, b->runs, b->nruns));
}

Datum
viewstats_dayset_ne(PG_FUNCTION_ARGS)
{
	Dayset	   *a = PG_GETARG_DAYSET_P(0);
	Dayset	   *b = PG_GETARG_DAYSET_P(1);

	PG_RETURN_BOOL(!ds_equal(a->runs, a->nruns, b->runs, b->nruns));
}

Datum
viewstats_dayset_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(dayset_cmp_args(fcinfo) < 0);
}

Datum
viewstats_dayset_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(dayset_cmp_args(fcinfo) <= 0);
}

Datum
viewstats_dayset_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(dayset_cmp_args(fcinfo) > 0);
}

Datum
viewstats_dayset_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(dayset_cmp_args(fcinfo) >= 0);
}

Datum
viewstats_dayset_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(dayset_cmp_args(fcinfo));
}

/*
 * Hash the normalized runs.  Equal sets have identical run arrays, so equal
 * values hash alike.  The hash is a function of the runs' int32 values, the
 * same on every byte order, so hash indexes and hash partitions of dayset
 * columns agree across platforms: hash_bytes (lookup3) takes a key whose
 * length is a multiple of 4 as 32-bit words, loaded natively (an aligned
 * load, or bytes assembled in the platform's own order), and native words
 * are the values.  test/t/017_pinned_values.pl checks both functions
 * against a model that hashes the values themselves.
 */
StaticAssertDecl(sizeof(ds_run) == 2 * sizeof(int32),
				 "a run must be two int32 words with no padding");

Datum
viewstats_dayset_hash(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);

	return hash_any((const unsigned char *) ds->runs,
					(int) (ds->nruns * sizeof(ds_run)));
}

Datum
viewstats_dayset_hash_extended(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);

	return hash_any_extended((const unsigned char *) ds->runs,
							 (int) (ds->nruns * sizeof(ds_run)),
							 PG_GETARG_INT64(1));
}

/* ---- Containment and overlap ---- */

Datum
viewstats_dayset_contains_date(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);
	DateADT		d = PG_GETARG_DATEADT(1);

	/* an infinite date is simply never a member */
	PG_RETURN_BOOL(!DATE_NOT_FINITE(d) &&
				   ds_contains_day(ds->runs, ds->nruns, d));
}

Datum
viewstats_date_contained_by_dayset(PG_FUNCTION_ARGS)
{
	DateADT		d = PG_GETARG_DATEADT(0);
	Dayset	   *ds = PG_GETARG_DAYSET_P(1);

	PG_RETURN_BOOL(!DATE_NOT_FINITE(d) &&
				   ds_contains_day(ds->runs, ds->nruns, d));
}

Datum
viewstats_dayset_contains(PG_FUNCTION_ARGS)
{
	Dayset	   *a = PG_GETARG_DAYSET_P(0);
	Dayset	   *b = PG_GETARG_DAYSET_P(1);

	PG_RETURN_BOOL(ds_contains(a->runs, a->nruns, b->runs, b->nruns));
}

Datum
viewstats_dayset_contained_by(PG_FUNCTION_ARGS)
{
	Dayset	   *a = PG_GETARG_DAYSET_P(0);
	Dayset	   *b = PG_GETARG_DAYSET_P(1);

	PG_RETURN_BOOL(ds_contains(b->runs, b->nruns, a->runs, a->nruns));
}

Datum
viewstats_dayset_overlaps(PG_FUNCTION_ARGS)
{
	Dayset	   *a = PG_GETARG_DAYSET_P(0);
	Dayset	   *b = PG_GETARG_DAYSET_P(1);

	PG_RETURN_BOOL(ds_overlaps(a->runs, a->nruns, b->runs, b->nruns));
}

/* ---- Set algebra ---- */

typedef void (*ds_setop) (const ds_run *, int32_t, const ds_run *, int32_t,
						  ds_run *, int32_t *);

static Datum
dayset_setop(FunctionCallInfo fcinfo, ds_setop op)
{
	Dayset	   *a = PG_GETARG_DAYSET_P(0);
	Dayset	   *b = PG_GETARG_DAYSET_P(1);
	int64		cap = (int64) a->nruns + b->nruns;
	Dayset	   *out;
	int32_t		n;

	/*
	 * Every result fits in na + nb runs; past the cap, count it exactly.  The
	 * header then says how many runs were used.
	 */
	if (cap > DS_MAX_RUNS)
	{
		op(a->runs, a->nruns, b->runs, b->nruns, NULL, &n);
		viewstats_check_run_count(n);
		cap = n;
	}
	out = viewstats_dayset_alloc((int32) cap);
	op(a->runs, a->nruns, b->runs, b->nruns, out->runs, &n);
	out->nruns = n;
	SET_VARSIZE(out, DAYSET_HDRSZ + (Size) n * sizeof(ds_run));
	PG_RETURN_DAYSET_P(out);
}

Datum
viewstats_dayset_union(PG_FUNCTION_ARGS)
{
	return dayset_setop(fcinfo, ds_union);
}

Datum
viewstats_dayset_intersect(PG_FUNCTION_ARGS)
{
	return dayset_setop(fcinfo, ds_intersect);
}

Datum
viewstats_dayset_difference(PG_FUNCTION_ARGS)
{
	return dayset_setop(fcinfo, ds_difference);
}

/* ---- Accessors ---- */

Datum
viewstats_day_count(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);

	PG_RETURN_INT32(ds_day_count(ds->runs, ds->nruns));
}

Datum
viewstats_first_day(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);

	if (ds->nruns == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(ds->runs[0].first);
}

Datum
viewstats_last_day(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);

	if (ds->nruns == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATEADT(ds->runs[ds->nruns - 1].last);
}

/* Optional trailing int argument, with its default. */
static int32
opt_int_arg(FunctionCallInfo fcinfo, int argno, int32 dflt)
{
	if (PG_NARGS() <= argno)
		return dflt;
	return PG_GETARG_INT32(argno);
}

typedef struct streaks_ctx
{
	Dayset	   *ds;
	int32		min_days;
	int32		next;
} streaks_ctx;

/* streaks(dayset [, min_days]) -> setof (first_day, last_day, days) */
Datum
viewstats_streaks(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	streaks_ctx *ctx;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcxt;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcxt = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("function returning record called in context "
							"that cannot accept type record")));
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		ctx = palloc(sizeof(streaks_ctx));
		ctx->ds = PG_GETARG_DAYSET_P(0);
		ctx->min_days = viewstats_min_days_arg(opt_int_arg(fcinfo, 1, 1));
		ctx->next = 0;
		funcctx->user_fctx = ctx;
		MemoryContextSwitchTo(oldcxt);
	}
	funcctx = SRF_PERCALL_SETUP();
	ctx = funcctx->user_fctx;
	while (ctx->next < ctx->ds->nruns)
	{
		ds_run	   *r = &ctx->ds->runs[ctx->next++];
		int64		days = (int64) r->last - r->first + 1;
		Datum		values[3];
		bool		nulls[3] = {false, false, false};

		if (days < ctx->min_days)
			continue;
		values[0] = DateADTGetDatum(r->first);
		values[1] = DateADTGetDatum(r->last);
		values[2] = Int32GetDatum((int32) days);
		SRF_RETURN_NEXT(funcctx,
						HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc,
														  values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

Datum
viewstats_streak_count(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);
	int32		min_days = viewstats_min_days_arg(opt_int_arg(fcinfo, 1, 1));

	PG_RETURN_INT32(ds_streak_count(ds->runs, ds->nruns, min_days));
}

/* longest_streak(dayset [, max_gap]) */
Datum
viewstats_longest_streak_dayset(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);
	int32		max_gap = viewstats_max_gap_arg(opt_int_arg(fcinfo, 1, 0));

	PG_RETURN_INT32(ds_longest_streak(ds->runs, ds->nruns, max_gap));
}

/* current_streak(dayset, as_of [, max_gap]) */
Datum
viewstats_current_streak_dayset(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);
	int32		as_of = viewstats_day_arg(PG_GETARG_DATEADT(1));
	int32		max_gap = viewstats_max_gap_arg(opt_int_arg(fcinfo, 2, 0));

	PG_RETURN_INT32(ds_current_streak(ds->runs, ds->nruns, as_of, max_gap));
}
