/*
 * test_property.c
 *		Randomized property tests against a naive model: a plain bitmap over a
 *		window of WINDOW days, placed at a random offset (often at the very ends
 *		of the day range).  Every core result is compared with a computation on
 *		the bitmap that is too simple to be wrong.
 *
 * The PRNG is seeded from test_seed (printed by main, settable through
 * DS_UNIT_SEED); a failure prints the case number and the set as text.
 */
#include "test_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

void		run_property_tests(void);

#define WINDOW 400
#define SET_CASES 3000
#define PAIR_CASES 3000

typedef struct model
{
	int32_t		base;			/* day of bit[0] */
	bool		bit[WINDOW];
} model;

/* ---- the naive side ---- */

static bool
model_has(const model *m, int64_t day)
{
	return day >= m->base && day < (int64_t) m->base + WINDOW &&
		m->bit[day - m->base];
}

/* runs of the bitmap; out has room for WINDOW / 2 + 1 */
static int32_t
model_runs(const model *m, ds_run *out)
{
	int32_t		n = 0;
	int			i;

	for (i = 0; i < WINDOW; i++)
	{
		if (!m->bit[i])
			continue;
		if (i > 0 && m->bit[i - 1])
			out[n - 1].last = m->base + i;
		else
		{
			out[n].first = out[n].last = m->base + i;
			n++;
		}
	}
	return n;
}

static int32_t
model_count(const model *m)
{
	int32_t		n = 0;
	int			i;

	for (i = 0; i < WINDOW; i++)
		n += m->bit[i];
	return n;
}

static int32_t
model_longest(const model *m, int64_t max_gap)
{
	int32_t		best = 0,
				cur = 0;
	int64_t		gap = 0;
	bool		started = false;
	int			i;

	for (i = 0; i < WINDOW; i++)
	{
		if (m->bit[i])
		{
			if (started && gap > max_gap)
				cur = 0;
			cur++;
			gap = 0;
			started = true;
			if (cur > best)
				best = cur;
		}
		else
			gap++;
	}
	return best;
}

static int32_t
model_current(const model *m, int64_t as_of, int64_t max_gap)
{
	int64_t		last = INT64_MIN;
	int64_t		d;
	int32_t		count = 0;
	int64_t		gap = 0;

	for (d = m->base; d < (int64_t) m->base + WINDOW && d <= as_of; d++)
		if (model_has(m, d))
			last = d;
	if (last == INT64_MIN || as_of - last > max_gap + 1)
		return 0;
	for (d = last; d >= m->base; d--)
	{
		if (model_has(m, d))
		{
			count++;
			gap = 0;
		}
		else if (++gap > max_gap)
			break;
	}
	return count;
}

static int32_t
model_streak_count(const model *m, int32_t min_days)
{
	int32_t		n = 0,
				len = 0;
	int			i;

	for (i = 0; i <= WINDOW; i++)
	{
		if (i < WINDOW && m->bit[i])
			len++;
		else
		{
			if (len > 0 && len >= min_days)
				n++;
			len = 0;
		}
	}
	return n;
}

/* lexicographic over (first, last) pairs, a proper prefix first */
static int
naive_compare(const ds_run *a, int32_t na, const ds_run *b, int32_t nb)
{
	int32_t		i;

	for (i = 0; i < na && i < nb; i++)
	{
		if (a[i].first != b[i].first)
			return a[i].first < b[i].first ? -1 : 1;
		if (a[i].last != b[i].last)
			return a[i].last < b[i].last ? -1 : 1;
	}
	return na < nb ? -1 : na > nb ? 1 : 0;
}

static char *
naive_text(const ds_run *a, int32_t n)
{
	char	   *buf = malloc(32 * (size_t) n + 3);
	char	   *p = buf;
	int32_t		i;

	*p++ = '{';
	for (i = 0; i < n; i++)
	{
		char		day[32];

		if (i > 0)
			*p++ = ',';
		oracle_format_day(a[i].first, day, sizeof(day));
		p += sprintf(p, "%s", day);
		if (a[i].last != a[i].first)
		{
			oracle_format_day(a[i].last, day, sizeof(day));
			p += sprintf(p, "/%s", day);
		}
	}
	*p++ = '}';
	*p = '\0';
	return buf;
}

/* ---- random models ---- */

static int32_t
random_base(rng *r)
{
	switch (rng_below(r, 5))
	{
		case 0:
			return DS_MIN_DAY + (int32_t) rng_below(r, 3);
		case 1:
			return DS_MAX_DAY - WINDOW + 1 - (int32_t) rng_below(r, 3);
		case 2:
			return (int32_t) rng_range(r, -WINDOW, WINDOW);
		case 3:
			return (int32_t) rng_range(r, -730485 - WINDOW, -730485);	/* year 0 */
		default:
			return (int32_t) rng_range(r, DS_MIN_DAY, DS_MAX_DAY - WINDOW + 1);
	}
}

static void
random_fill(rng *r, model *m)
{
	int			i;
	unsigned	p;

	memset(m->bit, 0, sizeof(m->bit));
	switch (rng_below(r, 7))
	{
		case 0:					/* empty */
			break;
		case 1:					/* full */
			memset(m->bit, 1, sizeof(m->bit));
			break;
		case 2:					/* a few days */
			for (i = (int) rng_below(r, 6); i > 0; i--)
				m->bit[rng_below(r, WINDOW)] = true;
			break;
		case 3:					/* runs of random lengths: a Markov chain */
		case 4:
			{
				bool		on = rng_chance(r, 50);
				unsigned	stay = 50 + (unsigned) rng_below(r, 48);

				for (i = 0; i < WINDOW; i++)
				{
					if (!rng_chance(r, stay))
						on = !on;
					m->bit[i] = on;
				}
			}
			break;
		default:				/* independent days */
			p = 5 + (unsigned) rng_below(r, 90);
			for (i = 0; i < WINDOW; i++)
				m->bit[i] = rng_chance(r, p);
			break;
	}
	/* sometimes pin the window's edges, the range ends when base is there */
	if (rng_chance(r, 20))
		m->bit[0] = true;
	if (rng_chance(r, 20))
		m->bit[WINDOW - 1] = true;
}

/* ---- building a set through the builder, every way in ---- */

typedef enum op_kind
{
	OP_DAY,
	OP_RUNS,
	OP_RAW,
	OP_FINISH
} op_kind;

typedef struct op
{
	op_kind		kind;
	int32_t		day;
	ds_run	   *runs;			/* OP_RUNS, OP_RAW: malloc'd */
	int32_t		n;
} op;

static void
shuffle_ops(rng *r, op *ops, int n)
{
	int			i;

	for (i = n - 1; i > 0; i--)
	{
		int			j = (int) rng_below(r, (uint64_t) i + 1);
		op			t = ops[i];

		ops[i] = ops[j];
		ops[j] = t;
	}
}

/* Close the normalized batch being collected into one OP_RUNS call */
static void
flush_batch(op *ops, int *nops, ds_run *batch, int32_t *nbatch)
{
	ds_run	   *part;

	if (*nbatch == 0)
		return;
	part = malloc(sizeof(ds_run) * (size_t) *nbatch);
	memcpy(part, batch, sizeof(ds_run) * (size_t) *nbatch);
	ops[(*nops)++] = (op) {OP_RUNS, 0, part, *nbatch};
	*nbatch = 0;
}

/*
 * The model's runs are cut into adjacent segments, and each segment is added
 * as single days, inside a normalized batch, or as raw overlapping pieces;
 * so calls often touch what an earlier call added.  The operations are
 * shuffled, reversed, nearly sorted or kept ascending, with duplicates and
 * intermediate finishes thrown in.
 */
static bool
build_from_model(rng *r, const model *m, ds_builder *b)
{
	ds_run		runs[WINDOW / 2 + 1];
	int32_t		n = model_runs(m, runs);
	ds_run	   *segs = malloc(sizeof(ds_run) * (WINDOW + 1));
	int32_t		nsegs = 0;
	op		   *ops = malloc(sizeof(op) * (WINDOW * 4 + 16));
	ds_run	   *batch = malloc(sizeof(ds_run) * (WINDOW + 1));
	int32_t		nbatch = 0;
	int			nops = 0,
				i,
				order = (int) rng_below(r, 4);
	unsigned	p_days = (unsigned) rng_below(r, 101);
	unsigned	p_batch = (unsigned) rng_below(r, 101 - p_days);
	unsigned	p_cut = (unsigned) rng_below(r, 60);
	bool		ok = true;

	for (i = 0; i < n; i++)
	{
		int32_t		first = runs[i].first;

		while (first <= runs[i].last)
		{
			int32_t		last = runs[i].last;

			if (last > first && rng_chance(r, p_cut))
				last = first + (int32_t) rng_below(r, (uint64_t) (last - first));
			segs[nsegs].first = first;
			segs[nsegs].last = last;
			nsegs++;
			first = last + 1;
		}
	}

	for (i = 0; i < nsegs; i++)
	{
		unsigned	how = (unsigned) rng_below(r, 100);

		if (how < p_days)
		{
			int32_t		d;

			for (d = segs[i].first; d <= segs[i].last; d++)
			{
				ops[nops++] = (op) {OP_DAY, d, NULL, 0};
				if (rng_chance(r, 10))
					ops[nops++] = (op) {OP_DAY, d, NULL, 0};
			}
		}
		else if (how < p_days + p_batch)
		{
			/* a batch must stay normalized: cut it before an adjacent one */
			if (nbatch > 0 &&
				((int64_t) batch[nbatch - 1].last + 1 >= segs[i].first ||
				 rng_chance(r, 30)))
				flush_batch(ops, &nops, batch, &nbatch);
			batch[nbatch++] = segs[i];
		}
		else
		{
			/* overlapping pieces that cover the segment, in random order */
			int32_t		len = segs[i].last - segs[i].first + 1;
			int32_t		start = 0;
			int			npieces = 0;
			ds_run	   *pieces = malloc(sizeof(ds_run) * (size_t) (2 * len + 2));

			while (start < len)
			{
				int32_t		plen = 1 + (int32_t) rng_below(r, (uint64_t) len);
				int32_t		back = (int32_t) rng_below(r, (uint64_t) start + 1);
				int32_t		first = start - (rng_chance(r, 50) ? back : 0);
				int32_t		last = start + plen - 1;

				if (last >= len)
					last = len - 1;
				pieces[npieces].first = segs[i].first + first;
				pieces[npieces].last = segs[i].first + last;
				npieces++;
				if (rng_chance(r, 15))	/* a duplicate piece */
				{
					pieces[npieces] = pieces[npieces - 1];
					npieces++;
				}
				start = last + 1;
			}
			/* reverse sometimes: raw runs need not be sorted */
			if (rng_chance(r, 50))
			{
				int			a,
							z;

				for (a = 0, z = npieces - 1; a < z; a++, z--)
				{
					ds_run		t = pieces[a];

					pieces[a] = pieces[z];
					pieces[z] = t;
				}
			}
			ops[nops++] = (op) {OP_RAW, 0, pieces, npieces};
		}
	}
	flush_batch(ops, &nops, batch, &nbatch);
	if (rng_chance(r, 30))
		ops[nops++] = (op) {OP_FINISH, 0, NULL, 0};
	if (rng_chance(r, 10))
		ops[nops++] = (op) {OP_RUNS, 0, NULL, 0};

	if (order == 0)
		shuffle_ops(r, ops, nops);
	else if (order == 1)
	{
		/* descending: reverse the ascending list */
		int			a,
					z;

		for (a = 0, z = nops - 1; a < z; a++, z--)
		{
			op			t = ops[a];

			ops[a] = ops[z];
			ops[z] = t;
		}
	}
	else if (order == 2)
	{
		/* mostly ascending with a few swaps */
		for (i = 0; i + 1 < nops; i++)
			if (rng_chance(r, 5))
			{
				op			t = ops[i];

				ops[i] = ops[i + 1];
				ops[i + 1] = t;
			}
	}

	for (i = 0; i < nops && ok; i++)
	{
		ds_status	st = DS_OK;

		switch (ops[i].kind)
		{
			case OP_DAY:
				st = ds_builder_add_day(b, ops[i].day);
				break;
			case OP_RUNS:
				st = ds_builder_add_runs(b, ops[i].runs, ops[i].n);
				break;
			case OP_RAW:
				st = ds_builder_add_raw_runs(b, ops[i].runs, ops[i].n);
				break;
			case OP_FINISH:
				st = ds_builder_finish(b);
				break;
		}
		CHECK_MSG(st == DS_OK, "builder op %d of kind %d: %s", i,
				  (int) ops[i].kind, ut_status_name(st));
		CHECK_MSG(ds_is_normalized(b->runs, b->nruns),
				  "builder runs not normalized after op %d of kind %d", i,
				  (int) ops[i].kind);
		ok = st == DS_OK && !ut_test_failing();
	}
	if (ok)
	{
		ds_status	st = ds_builder_finish(b);

		CHECK_STATUS(st, DS_OK);
		ok = st == DS_OK;
	}
	for (i = 0; i < nops; i++)
		free(ops[i].runs);
	free(ops);
	free(batch);
	free(segs);
	return ok;
}

/* A random model, built through the builder; *runs a malloc'd copy */
static bool
make_set(rng *r, model *m, ds_run **runs, int32_t *n)
{
	ds_builder	b;
	ds_run		want[WINDOW / 2 + 1];
	int32_t		nwant = model_runs(m, want);
	bool		ok;

	ds_builder_init(&b);
	ok = build_from_model(r, m, &b);
	*runs = malloc(sizeof(ds_run) * (size_t) (b.nruns + 1));
	*n = 0;
	if (ok)
	{
		if (b.nruns > 0)
			memcpy(*runs, b.runs, sizeof(ds_run) * (size_t) b.nruns);
		*n = b.nruns;
		CHECK(ds_is_normalized(*runs, *n));
		ok = ds_equal(*runs, *n, want, nwant) &&
			naive_compare(*runs, *n, want, nwant) == 0;
		if (!ok)
		{
			char	   *got = naive_text(*runs, *n);
			char	   *exp = naive_text(want, nwant);

			CHECK_MSG(false, "builder made %s, want %s", got, exp);
			free(got);
			free(exp);
		}
	}
	ds_builder_free(&b);
	return ok;
}

static int32_t
random_as_of(rng *r, const model *m)
{
	int64_t		d = (int64_t) m->base - 8 + (int64_t) rng_below(r, WINDOW + 16);

	if (d < DS_MIN_DAY)
		d = DS_MIN_DAY;
	if (d > DS_MAX_DAY)
		d = DS_MAX_DAY;
	return (int32_t) d;
}

/* ---- the properties ---- */

static void
check_measures(rng *r, const model *m, const ds_run *a, int32_t n)
{
	int32_t		g;
	int			k;

	CHECK_INT(ds_day_count(a, n), model_count(m));
	for (g = 0; g <= 5; g++)
		CHECK_MSG(ds_longest_streak(a, n, g) == model_longest(m, g),
				  "longest_streak(max_gap %d) = %d, want %d", g,
				  ds_longest_streak(a, n, g), model_longest(m, g));
	CHECK_INT(ds_longest_streak(a, n, INT32_MAX), model_count(m));
	for (k = 0; k < 12; k++)
	{
		int32_t		as_of = random_as_of(r, m);
		int32_t		max_gap = k < 10 ? (int32_t) rng_below(r, 6) :
		(k == 10 ? INT32_MAX : 1000);
		int32_t		got = ds_current_streak(a, n, as_of, max_gap);
		int32_t		want = model_current(m, as_of, max_gap);

		CHECK_MSG(got == want, "current_streak(as_of %d = base%+" PRId64
				  ", max_gap %d) = %d, want %d", as_of,
				  (int64_t) as_of - m->base, max_gap, got, want);
	}
	/* as_of at the far ends of the range */
	CHECK_INT(ds_current_streak(a, n, DS_MAX_DAY, 3),
			  model_current(m, DS_MAX_DAY, 3));
	CHECK_INT(ds_current_streak(a, n, DS_MIN_DAY, 3),
			  model_current(m, DS_MIN_DAY, 3));
	for (g = 1; g <= 6; g++)
		CHECK_MSG(ds_streak_count(a, n, g) == model_streak_count(m, g),
				  "streak_count(min_days %d) = %d, want %d", g,
				  ds_streak_count(a, n, g), model_streak_count(m, g));
	for (k = 0; k < 12; k++)
	{
		int32_t		d = random_as_of(r, m);

		CHECK_MSG(ds_contains_day(a, n, d) == model_has(m, d),
				  "contains_day(base%+" PRId64 ")", (int64_t) d - m->base);
	}
}

static void
check_text_and_binary(rng *r, const ds_run *a, int32_t n)
{
	char	   *txt = runs_to_text(a, n);
	char	   *want = naive_text(a, n);
	ds_run	   *back;
	int32_t		nback;
	size_t		len;
	uint8_t    *buf;
	int32_t		na;
	ds_state_params p,
				got;

	CHECK_MSG(strcmp(txt, want) == 0, "format gave %s, want %s", txt, want);
	CHECK_STATUS(text_to_runs(txt, strlen(txt), &back, &nback, NULL), DS_OK);
	CHECK(back && ds_equal(a, n, back, nback));
	free(back);
	free(txt);
	free(want);

	len = ds_wire_size(n);
	buf = malloc(len);
	ds_wire_encode(a, n, buf);
	CHECK_STATUS(ds_wire_check(buf, len, &na), DS_OK);
	CHECK_INT(na, n);
	if (na == n)
	{
		back = malloc(sizeof(ds_run) * (size_t) (n + 1));
		ds_wire_decode_runs(buf, back);
		CHECK(ds_equal(a, n, back, n));
		free(back);
	}
	/* one byte short is always refused */
	CHECK_ERROR(ds_wire_check(buf, len - 1, &na));
	free(buf);

	p.flags = (uint8_t) rng_below(r, 4);
	p.max_gap = (p.flags & DS_STATE_HAS_MAX_GAP) ? (int32_t) rng_below(r, 100) : 0;
	p.as_of = (p.flags & DS_STATE_HAS_AS_OF) ?
		(int32_t) rng_range(r, DS_MIN_DAY, DS_MAX_DAY) : 0;
	len = ds_state_size(n);
	buf = malloc(len);
	ds_state_encode(&p, a, n, buf);
	CHECK_STATUS(ds_state_check(buf, len, &got, &na), DS_OK);
	CHECK_INT(na, n);
	CHECK_INT(got.flags, p.flags);
	if (p.flags & DS_STATE_HAS_MAX_GAP)
		CHECK_INT(got.max_gap, p.max_gap);
	if (p.flags & DS_STATE_HAS_AS_OF)
		CHECK_INT(got.as_of, p.as_of);
	if (na == n)
	{
		back = malloc(sizeof(ds_run) * (size_t) (n + 1));
		ds_state_decode_runs(buf, back);
		CHECK(ds_equal(a, n, back, n));
		free(back);
	}
	CHECK_ERROR(ds_state_check(buf, len - 1, &got, &na));
	free(buf);
}

static void
test_property_single_sets(void)
{
	rng			r = rng_for(__func__);
	int			c;

	for (c = 0; c < SET_CASES && !ut_test_failing(); c++)
	{
		model		m;
		ds_run	   *a;
		int32_t		n;

		m.base = random_base(&r);
		random_fill(&r, &m);
		ut_set_context("seed 0x%016" PRIx64 " case %d base %d", test_seed, c,
					   m.base);
		if (make_set(&r, &m, &a, &n))
		{
			check_measures(&r, &m, a, n);
			check_text_and_binary(&r, a, n);
		}
		if (ut_test_failing())
		{
			char	   *txt = naive_text(a, n);

			printf("  failing set: %s\n", txt);
			free(txt);
		}
		free(a);
	}
}

typedef void (*setop_fn) (const ds_run *, int32_t, const ds_run *, int32_t,
						  ds_run *, int32_t *);

static void
check_setop(const char *name, setop_fn fn, const ds_run *a, int32_t na,
			const ds_run *b, int32_t nb, const model *want_model)
{
	ds_run	   *out = malloc(sizeof(ds_run) * (size_t) (na + nb > 0 ? na + nb : 1));
	ds_run		want[WINDOW / 2 + 1];
	int32_t		nwant = model_runs(want_model, want);
	int32_t		nout = -1;

	fn(a, na, b, nb, out, &nout);
	CHECK_MSG(nout >= 0 && nout <= na + nb, "%s: nout %d", name, nout);
	if (nout >= 0 && nout <= na + nb)
	{
		CHECK_MSG(ds_is_normalized(out, nout), "%s: not normalized", name);
		if (!ds_equal(out, nout, want, nwant))
		{
			char	   *got = naive_text(out, nout);
			char	   *exp = naive_text(want, nwant);

			CHECK_MSG(false, "%s gave %s, want %s", name, got, exp);
			free(got);
			free(exp);
		}
	}
	free(out);
}

static void
test_property_pairs(void)
{
	rng			r = rng_for(__func__);
	int			c;

	for (c = 0; c < PAIR_CASES && !ut_test_failing(); c++)
	{
		model		ma,
					mb,
					mu,
					mi,
					md;
		ds_run	   *a = NULL,
				   *b = NULL;
		int32_t		na = 0,
					nb = 0;
		bool		subset = true,
					meet = false;
		int			i;

		ma.base = mb.base = random_base(&r);
		random_fill(&r, &ma);
		switch (rng_below(&r, 4))
		{
			case 0:				/* equal */
				mb = ma;
				break;
			case 1:				/* a subset or superset */
				for (i = 0; i < WINDOW; i++)
					mb.bit[i] = ma.bit[i] && rng_chance(&r, 80);
				if (rng_chance(&r, 50))
				{
					model		t = ma;

					ma = mb;
					mb = t;
				}
				break;
			case 2:				/* a few days different */
				mb = ma;
				for (i = (int) rng_below(&r, 4); i >= 0; i--)
				{
					int			k = (int) rng_below(&r, WINDOW);

					mb.bit[k] = !mb.bit[k];
				}
				break;
			default:
				random_fill(&r, &mb);
				break;
		}
		ut_set_context("seed 0x%016" PRIx64 " case %d base %d", test_seed, c,
					   ma.base);
		mu.base = mi.base = md.base = ma.base;
		for (i = 0; i < WINDOW; i++)
		{
			mu.bit[i] = ma.bit[i] || mb.bit[i];
			mi.bit[i] = ma.bit[i] && mb.bit[i];
			md.bit[i] = ma.bit[i] && !mb.bit[i];
			if (mb.bit[i] && !ma.bit[i])
				subset = false;
			if (ma.bit[i] && mb.bit[i])
				meet = true;
		}
		if (make_set(&r, &ma, &a, &na) && make_set(&r, &mb, &b, &nb))
		{
			bool		same = memcmp(ma.bit, mb.bit, sizeof(ma.bit)) == 0;
			int			ab = ds_compare(a, na, b, nb);

			check_setop("union", ds_union, a, na, b, nb, &mu);
			check_setop("intersect", ds_intersect, a, na, b, nb, &mi);
			check_setop("difference", ds_difference, a, na, b, nb, &md);
			CHECK_MSG(ds_contains(a, na, b, nb) == subset, "contains: got %d",
					  !subset);
			CHECK_MSG(ds_overlaps(a, na, b, nb) == meet, "overlaps: got %d",
					  !meet);
			CHECK(ds_overlaps(b, nb, a, na) == meet);
			CHECK(ds_equal(a, na, b, nb) == same);
			CHECK(ds_equal(b, nb, a, na) == same);
			CHECK_INT(ab, naive_compare(a, na, b, nb));
			CHECK_INT(ds_compare(b, nb, a, na), -ab);
			CHECK_INT(ds_compare(a, na, a, na), 0);
			CHECK((ab == 0) == same);
		}
		if (ut_test_failing())
		{
			char	   *ta = naive_text(a, na);
			char	   *tb = naive_text(b, nb);

			printf("  failing pair: a = %s\n                b = %s\n", ta, tb);
			free(ta);
			free(tb);
		}
		free(a);
		free(b);
	}
}

/* Random days over the whole range: the builder at scale against qsort */
static int
cmp_int32(const void *x, const void *y)
{
	int32_t		a = *(const int32_t *) x,
				b = *(const int32_t *) y;

	return (a > b) - (a < b);
}

static void
test_property_builder_scale(void)
{
	rng			r = rng_for(__func__);
	int			c;

	for (c = 0; c < 30 && !ut_test_failing(); c++)
	{
		int32_t		n = 1 + (int32_t) rng_below(&r, 50000);
		int32_t		span = 1 + (int32_t) rng_below(&r, (uint64_t) n * 4);
		int32_t		base = (int32_t) rng_range(&r, DS_MIN_DAY, DS_MAX_DAY - span);
		int32_t    *days = malloc(sizeof(int32_t) * (size_t) n);
		ds_run	   *want = malloc(sizeof(ds_run) * (size_t) n);
		int32_t		nwant = 0,
					i;
		ds_builder	b;

		ut_set_context("seed 0x%016" PRIx64 " case %d n %d span %d", test_seed,
					   c, n, span);
		for (i = 0; i < n; i++)
			days[i] = base + (int32_t) rng_below(&r, (uint64_t) span);
		ds_builder_init(&b);
		for (i = 0; i < n; i++)
			CHECK_STATUS(ds_builder_add_day(&b, days[i]), DS_OK);
		CHECK_STATUS(ds_builder_finish(&b), DS_OK);
		qsort(days, (size_t) n, sizeof(int32_t), cmp_int32);
		for (i = 0; i < n; i++)
		{
			if (nwant > 0 && days[i] <= want[nwant - 1].last + 1)
			{
				if (days[i] > want[nwant - 1].last)
					want[nwant - 1].last = days[i];
			}
			else
			{
				want[nwant].first = want[nwant].last = days[i];
				nwant++;
			}
		}
		CHECK(ds_is_normalized(b.runs, b.nruns));
		CHECK(ds_equal(b.runs, b.nruns, want, nwant));
		ds_builder_free(&b);
		free(days);
		free(want);
	}
}

/* The checkers never crash on garbage; whatever they accept is valid */
static void
test_property_fuzz_text(void)
{
	static const char alphabet[] = "{}/,- \t0123456789x";
	static const char *const seeds[] = {
		"{2017-11-23/2017-12-10,2017-12-12}", "{-4713-11-24/5874897-12-31}",
		"{ 0000-02-29 , 10000-01-01/10000-01-03 }", "{}"
	};
	rng			r = rng_for(__func__);
	int			c;

	for (c = 0; c < 30000 && !ut_test_failing(); c++)
	{
		char		buf[64];
		size_t		len,
					i;
		char	   *exact;
		ds_run	   *runs;
		int32_t		n;
		ds_status	st;

		if (c % 2 == 0)
		{
			/* mutate a valid text */
			const char *s = seeds[rng_below(&r, 4)];

			len = strlen(s);
			memcpy(buf, s, len);
			for (i = rng_below(&r, 4) + 1; i > 0; i--)
			{
				size_t		pos = rng_below(&r, len);

				switch (rng_below(&r, 3))
				{
					case 0:
						buf[pos] = alphabet[rng_below(&r, sizeof(alphabet) - 1)];
						break;
					case 1:
						buf[pos] = (char) rng_below(&r, 256);
						break;
					default:
						if (len > 1)
						{
							memmove(buf + pos, buf + pos + 1, len - pos - 1);
							len--;
						}
						break;
				}
			}
		}
		else
		{
			len = rng_below(&r, 40);
			for (i = 0; i < len; i++)
				buf[i] = alphabet[rng_below(&r, sizeof(alphabet) - 1)];
		}
		exact = malloc(len ? len : 1);
		memcpy(exact, buf, len);
		ut_set_context("case %d text \"%.*s\"", c, (int) len, buf);
		st = text_to_runs(exact, len, &runs, &n, NULL);
		CHECK_MSG(st == DS_OK || st == DS_ERR_SYNTAX || st == DS_ERR_BAD_DATE ||
				  st == DS_ERR_DAY_RANGE || st == DS_ERR_RANGE_ORDER,
				  "got %s", ut_status_name(st));
		if (st == DS_OK)
			CHECK(ds_is_normalized(runs, n));
		free(runs);
		free(exact);
	}
}

static void
test_property_fuzz_binary(void)
{
	rng			r = rng_for(__func__);
	int			c;

	for (c = 0; c < 30000 && !ut_test_failing(); c++)
	{
		size_t		len = rng_below(&r, 48);
		uint8_t    *buf = malloc(len ? len : 1);
		size_t		i;
		int32_t		na = -1;
		ds_state_params p;
		ds_status	st;

		for (i = 0; i < len; i++)
			buf[i] = (uint8_t) rng_next(&r);
		/* make the headers plausible often enough to get past them */
		if (len > 0 && rng_chance(&r, 70))
			buf[0] = DS_WIRE_VERSION;
		if (len > 4 && rng_chance(&r, 70))
			buf[1] = buf[2] = buf[3] = 0;
		if (len >= 8 && rng_chance(&r, 70))
		{
			buf[4] = buf[5] = buf[6] = 0;
			buf[7] = (uint8_t) ((len - 8) / 8);
		}
		ut_set_context("case %d len %zu", c, len);
		st = ds_wire_check(buf, len, &na);
		if (st == DS_OK)
		{
			ds_run	   *out = malloc(sizeof(ds_run) * (size_t) (na + 1));

			CHECK_INT(len, ds_wire_size(na));
			ds_wire_decode_runs(buf, out);
			CHECK(ds_is_normalized(out, na));
			free(out);
		}
		st = ds_state_check(buf, len, &p, &na);
		if (st == DS_OK)
		{
			ds_run	   *out = malloc(sizeof(ds_run) * (size_t) (na + 1));

			CHECK_INT(len, ds_state_size(na));
			ds_state_decode_runs(buf, out);
			CHECK(ds_is_normalized(out, na));
			free(out);
		}
		free(buf);
	}
}

void
run_property_tests(void)
{
	UT_RUN(test_property_single_sets);
	UT_RUN(test_property_pairs);
	UT_RUN(test_property_builder_scale);
	UT_RUN(test_property_fuzz_text);
	UT_RUN(test_property_fuzz_binary);
}
