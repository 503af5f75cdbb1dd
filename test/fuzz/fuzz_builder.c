/*
 * fuzz_builder.c
 *		libFuzzer harness of the builder (what dayset_agg, the casts and the
 *		text parser accumulate days in), fed arbitrary sequences of days,
 *		normalized run batches, raw (unsorted, overlapping) runs and whole
 *		builders (the aggregates' combine step), with finishes in between
 *		and allocation failures injected.
 *
 * The same sequence is also written as text, with white space picked by the
 * input, and parsed.  Both must give exactly the set of a naive bitmap
 * model.  The limit contract, with the harness's small DS_MAX_RUNS:
 *	- the finished set has more than DS_MAX_RUNS runs: DS_ERR_TOO_LARGE;
 *	- no prefix of the input (as a set) has more than DS_MAX_RUNS runs: no
 *	  DS_ERR_TOO_LARGE anywhere, whatever the order of the input.
 * After an error (too large, or out of memory) the builder still holds a
 * normalized set, equal to the input before or after the failing step, and
 * frees cleanly (LeakSanitizer checks).
 */
#include "fuzz_util.h"

#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_OPS 400
#define MAX_BATCH 8

typedef enum op_kind
{
	OP_DAY,						/* ds_builder_add_day */
	OP_DAY_SLOW,				/* ds_builder_add_day_slow */
	OP_RUNS,					/* ds_builder_add_runs, normalized */
	OP_RAW,						/* ds_builder_add_raw_runs */
	OP_FINISH,					/* ds_builder_finish mid-way */
	OP_BUILDER					/* ds_builder_add_builder of the raw runs' days */
} op_kind;

typedef struct op
{
	op_kind		kind;
	int32_t		n;				/* runs in batch */
	ds_run		runs[MAX_BATCH];	/* a day is a one-day run */
} op;

/* Decode the ops; days stay inside the model's window. */
static int
read_ops(fuzz_input *in, const model *m, op *ops)
{
	int			nops = 0;

	while (!fuzz_done(in) && nops < MAX_OPS)
	{
		op		   *o = &ops[nops++];
		uint8_t		sel = fuzz_u8(in);

		o->kind = (op_kind) (sel % 6);
		o->n = 1;
		switch (o->kind)
		{
			case OP_DAY:
			case OP_DAY_SLOW:
				o->runs[0].first = o->runs[0].last = model_day(m, fuzz_u8(in));
				break;
			case OP_RUNS:
				{
					/* a 16-day stretch of the window as a bitmap */
					uint32_t	start = fuzz_u8(in) % (MODEL_WINDOW - 15);
					uint16_t	bits = fuzz_u16(in);

					o->n = 0;
					for (int k = 0; k < 16; k++)
					{
						if (!((bits >> k) & 1))
							continue;
						if (k > 0 && ((bits >> (k - 1)) & 1))
							o->runs[o->n - 1].last++;
						else if (o->n < MAX_BATCH)
						{
							o->runs[o->n].first = o->runs[o->n].last =
								m->base + (int32_t) (start + k);
							o->n++;
						}
						else
							break;
					}
					break;
				}
			case OP_RAW:
			case OP_BUILDER:
				o->n = 1 + (sel >> 3) % MAX_BATCH;
				for (int k = 0; k < o->n; k++)
				{
					uint32_t	first = fuzz_u8(in) % MODEL_WINDOW;
					uint32_t	len = fuzz_u8(in) % 24;

					if (first + len >= MODEL_WINDOW)
						len = MODEL_WINDOW - 1 - first;
					o->runs[k].first = m->base + (int32_t) first;
					o->runs[k].last = m->base + (int32_t) (first + len);
				}
				break;
			case OP_FINISH:
				o->n = 0;
				break;
		}
	}
	return nops;
}

static void
apply_to_model(model *m, const op *o)
{
	for (int32_t k = 0; k < o->n; k++)
		model_add(m, o->runs[k].first, o->runs[k].last);
}

static ds_status
apply_to_builder(ds_builder *b, const op *o)
{
	switch (o->kind)
	{
		case OP_DAY:
			return ds_builder_add_day(b, o->runs[0].first);
		case OP_DAY_SLOW:
			return ds_builder_add_day_slow(b, o->runs[0].first);
		case OP_RUNS:
			return ds_builder_add_runs(b, o->runs, o->n);
		case OP_RAW:
			return ds_builder_add_raw_runs(b, o->runs, o->n);
		case OP_FINISH:
			return ds_builder_finish(b);
		case OP_BUILDER:
			{
				/* the runs' days, in the order given, in a second builder */
				ds_builder	src;
				ds_status	st = DS_OK;

				ds_builder_init(&src);
				for (int32_t k = 0; st == DS_OK && k < o->n; k++)
					for (int32_t d = o->runs[k].first;
						 st == DS_OK && d <= o->runs[k].last; d++)
						st = ds_builder_add_day(&src, d);
				FUZZ_CHECK(st != DS_ERR_TOO_LARGE);	/* at most MAX_BATCH runs */
				if (st == DS_OK)
					st = ds_builder_add_builder(b, &src);
				ds_builder_free(&src);
				return st;
			}
	}
	return DS_OK;
}

/*
 * Is the builder's whole set (runs, tail and pending days) exactly the
 * model?  Checked day by day, without the core.
 */
static bool
builder_equals(const ds_builder *b, const model *m)
{
	bool		seen[MODEL_WINDOW] = {false};

	for (int32_t i = 0; i < b->nruns; i++)
		for (int64_t d = b->runs[i].first; d <= b->runs[i].last; d++)
		{
			if (!model_has(m, d))
				return false;
			seen[d - m->base] = true;
		}
	if (b->has_tail)
		for (int64_t d = b->tail.first; d <= b->tail.last; d++)
		{
			if (!model_has(m, d))
				return false;
			seen[d - m->base] = true;
		}
	for (int32_t i = 0; i < b->npending; i++)
	{
		if (!model_has(m, b->pending[i]))
			return false;
		seen[b->pending[i] - m->base] = true;
	}
	for (int i = 0; i < MODEL_WINDOW; i++)
		if (seen[i] != m->bit[i])
			return false;
	return true;
}

/* Through the builder API, possibly with a failing allocator. */
static void
run_api(const op *ops, int nops, int32_t base, long fail_at)
{
	ds_builder	b;
	model		m = {.base = base};
	int32_t		prefix_max = 0;
	ds_status	st = DS_OK;

	ds_builder_init(&b);
	fuzz_alloc_install(fail_at);
	for (int i = 0; i < nops; i++)
	{
		model		before = m;
		int32_t		runs;

		apply_to_model(&m, &ops[i]);
		runs = model_run_count(&m);
		if (runs > prefix_max)
			prefix_max = runs;
		st = apply_to_builder(&b, &ops[i]);
		FUZZ_CHECK(st == DS_OK || st == DS_ERR_TOO_LARGE || st == DS_ERR_NOMEM);
		FUZZ_CHECK(ds_is_normalized(b.runs, b.nruns));
		FUZZ_CHECK(b.nruns <= b.runs_cap && b.npending <= b.pending_cap);
		/* the tail is a run strictly after the array's runs */
		FUZZ_CHECK(!b.has_tail || (b.tail.first <= b.tail.last &&
								   (b.nruns == 0 ||
									(int64_t) b.tail.first > (int64_t) b.runs[b.nruns - 1].last + 1)));
		if (st == DS_ERR_TOO_LARGE)
			FUZZ_CHECK(prefix_max > DS_MAX_RUNS);
		if (st == DS_ERR_NOMEM)
			FUZZ_CHECK(fuzz_alloc_failures() > 0);
		if (st != DS_OK)
		{
			/* intact: the set before or after this step */
			fuzz_alloc_uninstall();
			FUZZ_CHECK(builder_equals(&b, &before) || builder_equals(&b, &m));
			ds_builder_free(&b);
			return;
		}
	}
	st = ds_builder_finish(&b);
	if (st == DS_ERR_NOMEM)
	{
		fuzz_alloc_uninstall();
		FUZZ_CHECK(builder_equals(&b, &m));
		ds_builder_free(&b);
		return;
	}
	fuzz_alloc_uninstall();
	if (model_run_count(&m) > DS_MAX_RUNS)
		FUZZ_CHECK(st == DS_ERR_TOO_LARGE);
	else if (prefix_max <= DS_MAX_RUNS)
		FUZZ_CHECK(st == DS_OK);
	if (st == DS_OK)
	{
		FUZZ_CHECK(b.npending == 0 && !b.has_tail);
		FUZZ_CHECK(ds_is_normalized(b.runs, b.nruns));
		FUZZ_CHECK(model_equals(&m, b.runs, b.nruns));
	}
	ds_builder_free(&b);
}

/* White space the parser must skip: picked by the input. */
static size_t
put_space(char *p, fuzz_input *in)
{
	static const char spaces[] = " \t\n\r\f\v";
	uint8_t		sel = fuzz_u8(in);

	if (sel < 0xC0)
		return 0;
	*p = spaces[sel % 6];
	return 1;
}

/* The same sequence as text, parsed by ds_parse. */
static void
run_text(const op *ops, int nops, int32_t base, fuzz_input *in)
{
	/* per run: two days, '/', ',' and up to 4 spaces */
	size_t		cap = 4 + (size_t) nops * MAX_BATCH * (2 * DS_DAY_TEXT_MAX + 6);
	char	   *txt = malloc(cap);
	char	   *p = txt;
	model		m = {.base = base};
	int32_t		prefix_max = 0,
				runs;
	int			tokens = 0;
	ds_builder	b;
	ds_status	st;
	size_t		errpos = 0;

	FUZZ_CHECK(txt != NULL);
	p += put_space(p, in);
	*p++ = '{';
	for (int i = 0; i < nops; i++)
		for (int32_t k = 0; k < ops[i].n; k++)
		{
			const ds_run *r = &ops[i].runs[k];

			if (tokens++ > 0)
				*p++ = ',';
			p += put_space(p, in);
			p += ds_format_day(r->first, p);
			if (r->last != r->first || fuzz_u8(in) > 0xF0)
			{
				p += put_space(p, in);
				*p++ = '/';
				p += put_space(p, in);
				p += ds_format_day(r->last, p);
			}
			p += put_space(p, in);
			model_add(&m, r->first, r->last);
			runs = model_run_count(&m);
			if (runs > prefix_max)
				prefix_max = runs;
		}
	*p++ = '}';
	p += put_space(p, in);
	FUZZ_CHECK((size_t) (p - txt) <= cap);

	ds_builder_init(&b);
	st = ds_parse(txt, (size_t) (p - txt), &b, &errpos);
	if (st == DS_OK)
		st = ds_builder_finish(&b);
	if (model_run_count(&m) > DS_MAX_RUNS)
		FUZZ_CHECK(st == DS_ERR_TOO_LARGE);
	else if (prefix_max <= DS_MAX_RUNS)
		FUZZ_CHECK(st == DS_OK);
	if (st == DS_OK)
		FUZZ_CHECK(model_equals(&m, b.runs, b.nruns));
	else
		FUZZ_CHECK(st == DS_ERR_TOO_LARGE);
	ds_builder_free(&b);
	free(txt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_input	in = {data, size};
	uint8_t		alloc_sel = fuzz_u8(&in);
	uint8_t		text_len = fuzz_u8(&in);
	int32_t		base = fuzz_window_base(&in);
	model		m = {.base = base};
	op		   *ops = malloc(sizeof(op) * MAX_OPS);
	fuzz_input	ops_in;
	int			nops;

	FUZZ_CHECK(ops != NULL);
	/*
	 * The last text_len bytes steer the white space of the text path; the
	 * rest are ops.
	 */
	ops_in.p = in.p;
	ops_in.left = in.left > text_len ? in.left - text_len : 0;
	nops = read_ops(&ops_in, &m, ops);
	in.p += in.left - (in.left > text_len ? text_len : in.left);
	in.left = in.left > text_len ? text_len : in.left;

	/* allocation failure at call alloc_sel when it is small, else never */
	run_api(ops, nops, base, alloc_sel < 0x40 ? (long) alloc_sel : -1);
	run_text(ops, nops, base, &in);
	free(ops);
	return 0;
}
