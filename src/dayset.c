/*
 * dayset.c
 *		The dayset type: text and binary I/O, and casts from and to date[],
 *		daterange and datemultirange.
 *
 * Text and binary input are fully validated by the core before a value is
 * built; every stored value is normalized.
 */
#include "viewstats.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rangetypes.h"
#include "utils/typcache.h"
#if PG_VERSION_NUM >= 140000
#include "utils/multirangetypes.h"
#endif

PG_FUNCTION_INFO_V1(viewstats_dayset_in);
PG_FUNCTION_INFO_V1(viewstats_dayset_out);
PG_FUNCTION_INFO_V1(viewstats_dayset_recv);
PG_FUNCTION_INFO_V1(viewstats_dayset_send);
PG_FUNCTION_INFO_V1(viewstats_dayset_from_dates);
PG_FUNCTION_INFO_V1(viewstats_dayset_from_daterange);
PG_FUNCTION_INFO_V1(viewstats_dayset_from_datemultirange);
PG_FUNCTION_INFO_V1(viewstats_dayset_to_datemultirange);

/* Finish a builder and turn it into a stored value. */
static Dayset *
dayset_from_builder(ds_builder *b)
{
	ds_status	st = ds_builder_finish(b);

	if (st != DS_OK)
		viewstats_report(st);
	return viewstats_dayset_from_runs(b->runs, b->nruns);
}

Datum
viewstats_dayset_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	ds_builder	b;
	ds_status	st;
	size_t		errpos = 0;

	ds_builder_init(&b);
	st = ds_parse(str, strlen(str), &b, &errpos);
	switch (st)
	{
		case DS_OK:
			break;
		case DS_ERR_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type dayset: \"%s\"", str),
					 errdetail("Unexpected input at character %zu.", errpos + 1),
					 errhint("A dayset looks like {2017-11-23/2017-12-10,2017-12-12}: "
							 "ISO dates, first/last ranges, or {} for empty.")));
			break;
		case DS_ERR_RANGE_ORDER:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
					 errmsg("invalid input syntax for type dayset: \"%s\"", str),
					 errdetail("The range at character %zu ends before it starts.",
							   errpos + 1)));
			break;
		case DS_ERR_BAD_DATE:
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_FIELD_OVERFLOW),
					 errmsg("date/time field value out of range in dayset: \"%s\"", str),
					 errdetail("Invalid date at character %zu.", errpos + 1)));
			break;
		case DS_ERR_DAY_RANGE:
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("date out of range in dayset: \"%s\"", str),
					 errdetail("Dates run from 4714-11-24 BC (-4713-11-24) to 5874897-12-31; "
							   "the one at character %zu is outside.", errpos + 1)));
			break;
		default:
			viewstats_report(st);
	}
	PG_RETURN_DAYSET_P(dayset_from_builder(&b));
}

Datum
viewstats_dayset_out(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);
	size_t		bound = ds_text_bound(ds->nruns) + 1;
	char	   *buf;

	if (bound > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("dayset too large to print as text"),
				 errdetail_plural("It has %d run.", "It has %d runs.",
								  ds->nruns, ds->nruns)));
	buf = palloc(bound);
	ds_format(ds->runs, ds->nruns, buf);
	PG_RETURN_CSTRING(buf);
}

Datum
viewstats_dayset_recv(PG_FUNCTION_ARGS)
{
	StringInfo	msg = (StringInfo) PG_GETARG_POINTER(0);
	const uint8_t *bytes = (const uint8_t *) msg->data + msg->cursor;
	size_t		len = msg->len - msg->cursor;
	int32_t		n;
	ds_status	st;
	Dayset	   *ds;

	st = ds_wire_check(bytes, len, &n);
	if (st == DS_ERR_BAD_VERSION)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external dayset value"),
				 errdetail("Its format version is not one this release reads.")));
	if (st == DS_ERR_DAY_RANGE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external dayset value"),
				 errdetail("A day is outside the date range.")));
	if (st != DS_OK)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external dayset value"),
				 errdetail("Its header, length or runs are malformed: runs must be sorted, disjoint and not adjacent.")));
	ds = viewstats_dayset_alloc(n);
	ds_wire_decode_runs(bytes, ds->runs);
	msg->cursor = msg->len;
	PG_RETURN_DAYSET_P(ds);
}

Datum
viewstats_dayset_send(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);
	size_t		size = ds_wire_size(ds->nruns);
	bytea	   *out = palloc(VARHDRSZ + size);

	SET_VARSIZE(out, VARHDRSZ + size);
	ds_wire_encode(ds->runs, ds->nruns, (uint8_t *) VARDATA(out));
	PG_RETURN_BYTEA_P(out);
}

/* date[] -> dayset; NULL elements are ignored, like NULL rows in dayset_agg */
Datum
viewstats_dayset_from_dates(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	ds_builder	b;

	if (ARR_ELEMTYPE(arr) != DATEOID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("expected an array of date")));
	deconstruct_array(arr, DATEOID, sizeof(DateADT), true, TYPALIGN_INT,
					  &elems, &nulls, &nelems);
	ds_builder_init(&b);
	for (int i = 0; i < nelems; i++)
	{
		ds_status	st;

		if (nulls[i])
			continue;
		st = ds_builder_add_day(&b, viewstats_day_arg(DatumGetDateADT(elems[i])));
		if (st != DS_OK)
			viewstats_report(st);
	}
	PG_RETURN_DAYSET_P(dayset_from_builder(&b));
}

/*
 * A canonical daterange bound pair as a run.  Returns false for an empty
 * range.  An infinite bound that the range excludes ([x,infinity) or
 * (-infinity,y)) leaves exactly the finite days on its side, so it becomes
 * the end of the date range; a range that includes an infinity, or is
 * unbounded (which includes it too), holds a day no dayset can.
 */
static bool
range_to_run(TypeCacheEntry *typcache, const RangeType *r, ds_run *run)
{
	RangeBound	lower,
				upper;
	bool		empty;
	int64		lo,
				hi;

	range_deserialize(typcache, r, &lower, &upper, &empty);
	if (empty)
		return false;
	if (lower.infinite || upper.infinite ||
		(DATE_NOT_FINITE(DatumGetDateADT(lower.val)) && lower.inclusive) ||
		(DATE_NOT_FINITE(DatumGetDateADT(upper.val)) && upper.inclusive))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("cannot convert a date range that includes infinity to a dayset"),
				 errhint("A range bounded by infinity must exclude it, as [2017-12-01,infinity) does.")));
	/* daterange is canonical: [lower, upper) for finite bounds */
	if (DATE_IS_NOBEGIN(DatumGetDateADT(lower.val)))
		lo = DS_MIN_DAY;
	else if (DATE_IS_NOEND(DatumGetDateADT(lower.val)))
		return false;			/* (infinity, ...: no finite day */
	else
		lo = (int64) DatumGetDateADT(lower.val) + (lower.inclusive ? 0 : 1);
	if (DATE_IS_NOEND(DatumGetDateADT(upper.val)))
		hi = DS_MAX_DAY;
	else if (DATE_IS_NOBEGIN(DatumGetDateADT(upper.val)))
		return false;			/* ..., -infinity): no finite day */
	else
		hi = (int64) DatumGetDateADT(upper.val) - (upper.inclusive ? 0 : 1);
	if (lo > hi)
		return false;
	if (!ds_day_valid(lo) || !ds_day_valid(hi))
		viewstats_report(DS_ERR_DAY_RANGE);
	run->first = (int32) lo;
	run->last = (int32) hi;
	return true;
}

Datum
viewstats_dayset_from_daterange(PG_FUNCTION_ARGS)
{
	RangeType  *r = PG_GETARG_RANGE_P(0);
	TypeCacheEntry *typcache = range_get_typcache(fcinfo, RangeTypeGetOid(r));
	ds_run		run;

	if (!range_to_run(typcache, r, &run))
		PG_RETURN_DAYSET_P(viewstats_dayset_from_runs(NULL, 0));
	PG_RETURN_DAYSET_P(viewstats_dayset_from_runs(&run, 1));
}

#if PG_VERSION_NUM >= 140000

Datum
viewstats_dayset_from_datemultirange(PG_FUNCTION_ARGS)
{
	MultirangeType *mr = PG_GETARG_MULTIRANGE_P(0);
	TypeCacheEntry *typcache = multirange_get_typcache(fcinfo,
													   MultirangeTypeGetOid(mr));
	int32		nranges;
	RangeType **ranges;
	ds_run	   *runs;
	int32		n = 0;

	multirange_deserialize(typcache->rngtype, mr, &nranges, &ranges);
	runs = palloc(sizeof(ds_run) * Max(nranges, 1));
	for (int32 i = 0; i < nranges; i++)
		if (range_to_run(typcache->rngtype, ranges[i], &runs[n]))
			n++;

	/*
	 * A multirange is sorted and disjoint, but a discrete one may still hold
	 * adjacent ranges when built by hand; normalize through the builder.
	 */
	{
		ds_builder	b;
		ds_status	st;

		ds_builder_init(&b);
		st = ds_builder_add_raw_runs(&b, runs, n);
		if (st != DS_OK)
			viewstats_report(st);
		PG_RETURN_DAYSET_P(dayset_from_builder(&b));
	}
}

Datum
viewstats_dayset_to_datemultirange(PG_FUNCTION_ARGS)
{
	Dayset	   *ds = PG_GETARG_DAYSET_P(0);
	TypeCacheEntry *mrtypcache = lookup_type_cache(DATEMULTIRANGEOID,
												   TYPECACHE_MULTIRANGE_INFO);
	TypeCacheEntry *rtypcache = mrtypcache->rngtype;
	RangeType **ranges = palloc(sizeof(RangeType *) * Max(ds->nruns, 1));

	for (int32 i = 0; i < ds->nruns; i++)
	{
		RangeBound	lower = {0},
					upper = {0};

		lower.val = DateADTGetDatum(ds->runs[i].first);
		lower.inclusive = true;
		lower.lower = true;

		/*
		 * The day after the last valid date is not a date PostgreSQL can
		 * read back; infinity, excluded, bounds the same finite days.
		 */
		if (ds->runs[i].last == DS_MAX_DAY)
			upper.val = DateADTGetDatum(DATEVAL_NOEND);
		else
			upper.val = DateADTGetDatum(ds->runs[i].last + 1);
		upper.inclusive = false;
		upper.lower = false;
#if PG_VERSION_NUM >= 160000
		ranges[i] = make_range(rtypcache, &lower, &upper, false, NULL);
#else
		ranges[i] = make_range(rtypcache, &lower, &upper, false);
#endif
	}
	PG_RETURN_MULTIRANGE_P(make_multirange(DATEMULTIRANGEOID, rtypcache,
										   ds->nruns, ranges));
}

#else							/* PG 13: no multiranges */

Datum
viewstats_dayset_from_datemultirange(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("datemultirange requires PostgreSQL 14 or later")));
	PG_RETURN_NULL();
}

Datum
viewstats_dayset_to_datemultirange(PG_FUNCTION_ARGS)
{
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("datemultirange requires PostgreSQL 14 or later")));
	PG_RETURN_NULL();
}

#endif
