/*
 * unit_state.c
 *		The safe counts' state machinery: a hash table of unit hashes up to
 *		the memory budget, sorted runs past it, and the merge that reads
 *		them all back (see unit_state.h).
 *
 * Memory.  A state may use work_mem * hash_mem_multiplier (the budget
 * PostgreSQL gives a hash aggregate), in serial plans, in parallel workers
 * and in the leader alike.  Its table stops growing where the table and its
 * next doubling (12 bytes a slot) would pass the budget; a full table is
 * sorted in place (core ck_set_sorted) and written to a logical tape
 * (utils/logtape.h, the temporary files hash aggregation spills to).  Its
 * memory then serves as a plain buffer of hashes, sorted, rid of repeats
 * and written as a run whenever it fills.  The combine function keeps the partial states it is
 * given as sorted runs, in memory while they fit the budget and on tape
 * past it, and never builds a hash table from them.
 *
 * Reading back.  The final functions need the number of distinct units
 * and the sum of their record keys: a k-way merge of every run (core
 * ck_merge_runs), merging at most fan_in tapes at a time so the read
 * buffers also fit the budget.  The result is kept as one run (an array,
 * or a tape), so a second final function on the same state
 * (suppressed_count and perturbed_count share one) and a window frame that
 * grows after a final call see the same set.  A tape is read once, its
 * blocks freed as they are read, so a run that may be read again (in a
 * window frame) is copied to a new tape as it is read.
 *
 * Temporary files.  The tapes' file belongs to the current resource owner,
 * which closes and deletes it if the query fails or is cancelled.  When the
 * aggregate context is reset at the end of a group or of the query, a
 * callback closes it; it leaves the file alone while the transaction is
 * aborting, when the resource owner has closed it or is about to.
 */
#include "unit_state.h"

#include "access/xact.h"
#include "miscadmin.h"
#include "utils/logtape.h"
#include "utils/memutils.h"

/* values per block read from or written to a run */
#define RUN_BLOCK	1024

/* the fewest and most tapes one merge pass reads */
#define MIN_FAN_IN	6
#define MAX_FAN_IN	512

/* a serialized state is one bytea: at most 1 GB */
#define MAX_PARTIAL_UNITS	((uint64) (MaxAllocSize - VARHDRSZ - CK_STATE_HDRSZ) / 8)

/* the table's largest size: 2^26 slots, 512 MB, below the set's own limit */
#define MAX_LOG2CAP	26

typedef enum RunKind
{
	RUN_MEM,					/* native values in the state's context */
	RUN_LE,						/* a serialized state's values, borrowed */
	RUN_TAPE					/* a logical tape */
} RunKind;

typedef struct UnitRun
{
	RunKind		kind;
	uint64		n;				/* values */
	uint64	   *mem;
	const uint8 *le;
	LogicalTape *tape;
} UnitRun;

/* Everything past the table, allocated with the first run. */
struct UnitSpill
{
	uint64	   *buf;			/* after the first spill: the table's memory */
	Size		nbuf;
	Size		bufcap;
	int			nruns;
	int			maxruns;
	UnitRun    *runs;
	Size		run_mem;		/* bytes of runs held in memory */
	LogicalTapeSet *tapes;		/* NULL until the first run on tape */
	Size		budget;			/* bytes of memory the state may use */
};

static inline void
check_status(ck_status s)
{
	if (unlikely(s != CK_OK))
		viewstats_ck_report(s);
}

/*
 * The memory budget, work_mem * hash_mem_multiplier, and the largest table
 * that fits in it with its doubling (12 bytes a slot); recomputed only when
 * the settings change, since a hash aggregate creates a state per group.
 */
static Size
budget(int *max_log2cap)
{
	static int	last_work_mem = -1;
	static double last_multiplier = -1;
	static Size bytes;
	static int	log2cap;

	if (work_mem != last_work_mem || hash_mem_multiplier != last_multiplier)
	{
		bytes = get_hash_memory_limit();
		log2cap = CK_SET_MIN_LOG2CAP;
		while (log2cap < MAX_LOG2CAP && ((Size) 12 << (log2cap + 1)) <= bytes)
			log2cap++;
		last_work_mem = work_mem;
		last_multiplier = hash_mem_multiplier;
	}
	if (max_log2cap)
		*max_log2cap = log2cap;
	return bytes;
}

UnitState *
unit_state_new(MemoryContext cxt, bool distinct)
{
	UnitState  *st = MemoryContextAllocZero(cxt, sizeof(UnitState));
	int			l;

	StaticAssertStmt(sizeof(UnitState) <= 128, "a unit state outgrew its 128-byte chunk");
	ck_set_init(&st->set);
	st->distinct = distinct;
	st->cxt = cxt;
	budget(&l);
	st->max_log2cap = (int8) l;
	return st;
}

static UnitSpill *
spill_of(UnitState *st)
{
	if (st->sp == NULL)
	{
		st->sp = MemoryContextAllocZero(st->cxt, sizeof(UnitSpill));
		st->sp->budget = budget(NULL);
	}
	return st->sp;
}

static inline int
nruns(const UnitState *st)
{
	return st->sp ? st->sp->nruns : 0;
}

/* ---- runs ---- */

static UnitRun *
add_run(UnitState *st, RunKind kind, uint64 n)
{
	UnitRun    *r;

	spill_of(st);
	if (st->sp->nruns == st->sp->maxruns)
	{
		int			m = st->sp->maxruns ? st->sp->maxruns * 2 : 4;

		st->sp->runs = st->sp->runs ?
			repalloc(st->sp->runs, m * sizeof(UnitRun)) :
			MemoryContextAlloc(st->cxt, m * sizeof(UnitRun));
		st->sp->maxruns = m;
	}
	r = &st->sp->runs[st->sp->nruns++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->n = n;
	return r;
}

static void
tapes_release(void *arg)
{
	UnitState  *st = arg;

	/* while aborting, the resource owner closes the file */
	if (st->sp->tapes != NULL && IsTransactionState())
		LogicalTapeSetClose(st->sp->tapes);
	st->sp->tapes = NULL;
}

/* A new tape for writing, in the state's context. */
static LogicalTape *
new_tape(UnitState *st)
{
	MemoryContext old = MemoryContextSwitchTo(st->cxt);
	LogicalTape *t;

	spill_of(st);
	if (st->sp->tapes == NULL)
	{
		MemoryContextCallback *cb = palloc(sizeof(MemoryContextCallback));

		st->sp->tapes = LogicalTapeSetCreate(false, NULL, -1);
		cb->func = tapes_release;
		cb->arg = st;
		MemoryContextRegisterResetCallback(st->cxt, cb);
	}
	t = LogicalTapeCreate(st->sp->tapes);
	MemoryContextSwitchTo(old);
	return t;
}

static void
tape_write(UnitState *st, LogicalTape *t, const uint64 *v, size_t n)
{
	MemoryContext old = MemoryContextSwitchTo(st->cxt);

	LogicalTapeWrite(t, (void *) v, n * sizeof(uint64));
	MemoryContextSwitchTo(old);
}

/* Drop a run that has been read into another. */
static void
release_run(UnitState *st, UnitRun *r)
{
	if (r->kind == RUN_MEM)
	{
		st->sp->run_mem -= r->n * sizeof(uint64);
		pfree(r->mem);
	}
	else if (r->kind == RUN_TAPE && r->tape != NULL)
		LogicalTapeClose(r->tape);
	r->mem = NULL;
	r->tape = NULL;
}

/*
 * A table that reached its largest size becomes a run on tape.  The group
 * is known to be large then, so its slot array becomes a plain buffer:
 * appending and sorting a full buffer costs less than probing a table
 * larger than the cache, and duplicates are dropped after the sort.
 */
static void
spill_table(UnitState *st)
{
	const uint64_t *vals;
	uint64_t	n;
	LogicalTape *t;

	check_status(ck_set_sorted(&st->set, &vals, &n));
	t = new_tape(st);
	tape_write(st, t, vals, n);
	add_run(st, RUN_TAPE, n)->tape = t;
	st->sp->buf = st->set.slots;
	st->sp->bufcap = st->set.cap;
	st->sp->nbuf = 0;
	ck_set_init(&st->set);
}

/* Sort the buffer, drop repeats; returns the values left at st->sp->buf. */
static Size
sort_buffer(UnitState *st)
{
	ck_sort_u64(st->sp->buf, st->sp->nbuf);
	return ck_dedup_sorted(st->sp->buf, st->sp->nbuf);
}

static void
spill_buffer(UnitState *st)
{
	Size		n = sort_buffer(st);
	LogicalTape *t = new_tape(st);

	tape_write(st, t, st->sp->buf, n);
	add_run(st, RUN_TAPE, n)->tape = t;
	st->sp->nbuf = 0;
}

bool
unit_state_add(UnitState *st, uint64 h)
{
	MemoryContext old;
	ck_status	s;
	uint64		before;

	if (st->sp != NULL && st->sp->buf != NULL)
	{
		st->sp->buf[st->sp->nbuf++] = h;
		if (unlikely(st->sp->nbuf == st->sp->bufcap))
			spill_buffer(st);
		return true;
	}
	if (unlikely(ck_set_full(&st->set, st->max_log2cap)))
	{
		spill_table(st);
		return unit_state_add(st, h);
	}
	before = ck_set_count(&st->set);
	old = MemoryContextSwitchTo(st->cxt);
	s = ck_set_add(&st->set, h);
	MemoryContextSwitchTo(old);
	check_status(s);
	/* a table after a spill only knows its own units: maybe new */
	return ck_set_count(&st->set) != before || nruns(st) > 0;
}

void
unit_state_add_distinct(UnitState *st, uint64 h, Oid fn_oid)
{
	/* unsigned arithmetic wraps: the sum mod 2^32, as ck_set_cell_key */
	st->distinct_key += ck_record_key(viewstats_record_key(fn_oid), h);
	st->distinct_count++;
}

/* ---- the merge ---- */

/* a run being read: a tape's blocks, or a serialized state's */
typedef struct RunReader
{
	ck_run		run;
	UnitState  *st;
	UnitRun    *src;
	uint64		left;
	ck_run_le	le;
	uint64		buf[RUN_BLOCK];
} RunReader;

static ck_status
tape_fill(ck_run *run)
{
	RunReader  *rr = run->ctx;
	size_t		k = rr->left < RUN_BLOCK ? (size_t) rr->left : RUN_BLOCK;
	MemoryContext old = MemoryContextSwitchTo(rr->st->cxt);
	size_t		got = LogicalTapeRead(rr->src->tape, rr->buf, k * sizeof(uint64));

	MemoryContextSwitchTo(old);
	if (got != k * sizeof(uint64))
		elog(ERROR, "unexpected end of a viewstats temporary run");
	rr->left -= k;
	run->v = rr->buf;
	run->n = k;
	run->i = 0;
	return CK_OK;
}

static void
reader_init(RunReader *rr, UnitState *st, UnitRun *src)
{
	memset(&rr->run, 0, sizeof(rr->run));
	rr->st = st;
	rr->src = src;
	switch (src->kind)
	{
		case RUN_MEM:
			ck_run_array(&rr->run, src->mem, src->n);
			break;
		case RUN_LE:
			ck_run_le_init(&rr->le, src->le, src->n, rr->buf, RUN_BLOCK);
			rr->run = rr->le.run;
			rr->run.ctx = &rr->le;
			break;
		case RUN_TAPE:
			{
				MemoryContext old;

				if (src->tape == NULL)
					elog(ERROR, "viewstats: a unit state was read after its last read");
				old = MemoryContextSwitchTo(st->cxt);

				LogicalTapeRewindForRead(src->tape, BLCKSZ);
				MemoryContextSwitchTo(old);
				rr->left = src->n;
				rr->run.fill = tape_fill;
				rr->run.ctx = rr;
				break;
			}
	}
}

/* where merged values go: any of a tally, a tape, an array, a bytea, a filter */
typedef struct MergeSink
{
	UnitState  *st;
	bool		(*keep) (void *arg, uint64 h);	/* counts into kept */
	void	   *keep_arg;
	uint64		kept;
	ck_tally   *tally;
	LogicalTape *tape;
	uint64	   *mem;
	ck_le_writer *le;
	uint64		n;
} MergeSink;

static ck_status
sink_emit(void *ctx, const uint64_t *v, size_t n)
{
	MergeSink  *s = ctx;

	CHECK_FOR_INTERRUPTS();
	if (s->keep)
	{
		size_t		i;

		for (i = 0; i < n; i++)
			s->kept += s->keep(s->keep_arg, v[i]);
	}
	if (s->tally)
		ck_tally_emit(s->tally, v, n);
	if (s->tape)
		tape_write(s->st, s->tape, v, n);
	if (s->mem)
		memcpy(s->mem + s->n, v, n * sizeof(uint64));
	if (s->le)
		check_status(ck_le_writer_emit(s->le, v, n));
	s->n += n;
	return CK_OK;
}

/* Merge runs[0..k) of st into sink (the runs stay in the list). */
static void
merge_into(UnitState *st, UnitRun **runs, int k, MergeSink *sink)
{
	RunReader  *rr = palloc(k * sizeof(RunReader));
	ck_run	   *cr = palloc(k * sizeof(ck_run));
	uint64	   *out = palloc(RUN_BLOCK * sizeof(uint64));
	int			i;

	for (i = 0; i < k; i++)
	{
		reader_init(&rr[i], st, runs[i]);
		cr[i] = rr[i].run;
	}
	/* the fill callbacks find their reader through ctx, not the copy */
	check_status(ck_merge_runs(cr, k, out, RUN_BLOCK, sink_emit, sink));
	pfree(out);
	pfree(cr);
	pfree(rr);
}

static int
fan_in(const UnitState *st)
{
	Size		per = BLCKSZ + sizeof(RunReader);
	Size		f = st->sp->budget / per;

	return f < MIN_FAN_IN ? MIN_FAN_IN : f > MAX_FAN_IN ? MAX_FAN_IN : (int) f;
}

/* Remove runs[i] for which take[i], append out. */
static void
replace_runs(UnitState *st, const bool *take, UnitRun out)
{
	int			i,
				k = 0;

	for (i = 0; i < st->sp->nruns; i++)
	{
		if (take[i])
			release_run(st, &st->sp->runs[i]);
		else
			st->sp->runs[k++] = st->sp->runs[i];
	}
	st->sp->nruns = k;
	*add_run(st, out.kind, out.n) = out;
}

/*
 * Make the state one run holding all its units: the table's, sorted, and
 * every run's, merged.  Tapes are merged fan_in at a time; the result goes
 * to memory if it fits half the budget, else to a tape.
 */
static void
consolidate(UnitState *st)
{
	int			f = fan_in(st);
	bool	   *take;
	UnitRun   **in;
	UnitRun		out;
	MergeSink	sink;
	uint64		total;
	int			i,
				k;
	bool		any_tape;

	spill_of(st);
	if (st->sp->buf != NULL)
	{
		/* the sorted buffer becomes a run, owning its memory */
		UnitRun    *r = add_run(st, RUN_MEM, sort_buffer(st));

		r->mem = st->sp->buf;
		st->sp->run_mem += r->n * sizeof(uint64);
		st->sp->buf = NULL;
		st->sp->nbuf = st->sp->bufcap = 0;
	}
	if (ck_set_count(&st->set) > 0)
	{
		const uint64_t *vals;
		uint64_t	n;
		UnitRun    *r;

		/* the sorted table becomes a run, owning the slot array */
		check_status(ck_set_sorted(&st->set, &vals, &n));
		r = add_run(st, RUN_MEM, n);
		r->mem = (uint64 *) vals;
		st->sp->run_mem += n * sizeof(uint64);
		ck_set_init(&st->set);
	}
	if (st->sp->nruns == 1 && st->sp->runs[0].kind != RUN_LE)
		return;

	for (;;)
	{
		int			ntape = 0;

		for (i = 0; i < st->sp->nruns; i++)
			ntape += st->sp->runs[i].kind == RUN_TAPE;
		if (ntape <= f)
			break;
		/* merge the first f tapes into a new one */
		take = palloc0(st->sp->nruns * sizeof(bool));
		in = palloc(f * sizeof(UnitRun *));
		for (i = 0, k = 0; i < st->sp->nruns && k < f; i++)
			if (st->sp->runs[i].kind == RUN_TAPE)
			{
				take[i] = true;
				in[k++] = &st->sp->runs[i];
			}
		memset(&sink, 0, sizeof(sink));
		sink.st = st;
		sink.tape = new_tape(st);
		merge_into(st, in, k, &sink);
		memset(&out, 0, sizeof(out));
		out.kind = RUN_TAPE;
		out.n = sink.n;
		out.tape = sink.tape;
		replace_runs(st, take, out);
		pfree(in);
		pfree(take);
	}

	total = 0;
	any_tape = false;
	in = palloc(st->sp->nruns * sizeof(UnitRun *));
	take = palloc(st->sp->nruns * sizeof(bool));
	for (i = 0; i < st->sp->nruns; i++)
	{
		total += st->sp->runs[i].n;
		any_tape |= st->sp->runs[i].kind == RUN_TAPE;
		in[i] = &st->sp->runs[i];
		take[i] = true;
	}
	memset(&sink, 0, sizeof(sink));
	memset(&out, 0, sizeof(out));
	sink.st = st;
	if (!any_tape && total * sizeof(uint64) <= st->sp->budget / 2)
	{
		sink.mem = MemoryContextAllocHuge(st->cxt, total * sizeof(uint64));
		out.kind = RUN_MEM;
	}
	else
	{
		sink.tape = new_tape(st);
		out.kind = RUN_TAPE;
	}
	merge_into(st, in, st->sp->nruns, &sink);
	out.n = sink.n;
	out.mem = sink.mem;
	out.tape = sink.tape;
	replace_runs(st, take, out);
	if (out.kind == RUN_MEM)
		st->sp->run_mem += out.n * sizeof(uint64);
	pfree(in);
	pfree(take);
}

/*
 * Read the state's one run (after consolidate) into sink.  A tape is read
 * once, its blocks freed as they are read: when keep, it is copied to a new
 * tape as it is read; otherwise it is used up, and only its count stays.
 */
static void
read_run(UnitState *st, MergeSink *sink, bool keep)
{
	UnitRun    *r = &st->sp->runs[0];
	UnitRun		out;
	bool		take = true;

	Assert(st->sp->nruns == 1);
	if (r->kind != RUN_TAPE)
	{
		merge_into(st, &r, 1, sink);
		return;
	}
	if (!keep)
	{
		merge_into(st, &r, 1, sink);
		LogicalTapeClose(r->tape);
		r->tape = NULL;
		return;
	}
	memset(&out, 0, sizeof(out));
	out.kind = RUN_TAPE;
	out.n = r->n;
	out.tape = sink->tape = new_tape(st);
	merge_into(st, &r, 1, sink);
	replace_runs(st, &take, out);
}

uint64
unit_state_count(UnitState *st)
{
	if (st->distinct)
		return st->distinct_count;
	if (nruns(st) == 0)
		return ck_set_count(&st->set);
	consolidate(st);
	return st->sp->runs[0].n;
}

uint64
unit_state_count_if(UnitState *st, bool (*keep) (void *arg, uint64 h),
					void *arg)
{
	MergeSink	sink;

	Assert(!st->distinct);
	consolidate(st);
	memset(&sink, 0, sizeof(sink));
	sink.st = st;
	sink.keep = keep;
	sink.keep_arg = arg;
	read_run(st, &sink, st->reread);
	return sink.kept;
}

uint32
unit_state_cell_key(UnitState *st, ck_sipkey key)
{
	ck_tally	t;
	MergeSink	sink;

	if (st->distinct)
		return st->distinct_key;
	if (nruns(st) == 0)
		return ck_set_cell_key(&st->set, key);
	consolidate(st);
	ck_tally_init(&t, true, key);
	memset(&sink, 0, sizeof(sink));
	sink.st = st;
	sink.tally = &t;
	/* only a window frame reads a state again for its cell key */
	read_run(st, &sink, st->reread);
	return t.cell_key;
}

/* ---- combine, serialize, deserialize ---- */

/* A sorted copy of the table's values, in the current context. */
static uint64 *
table_sorted_copy(const ck_unitset *set, uint64 *n)
{
	uint64		k = 0,
				i;
	uint64	   *v = palloc_extended(Max(ck_set_count(set), 1) * sizeof(uint64),
									MCXT_ALLOC_HUGE);

	if (set->has_zero)
		v[k++] = 0;
	for (i = 0; i < set->cap; i++)
		if (set->slots[i] != 0)
			v[k++] = set->slots[i];
	/* 0 sorts first anyway */
	ck_sort_u64(v, (size_t) k);
	*n = k;
	return v;
}

/* Append n values (native, or little-endian when le) to dst as a run. */
static void
append_values(UnitState *dst, const uint64 *v, const uint8 *le, uint64 n)
{
	UnitRun    *r;

	if (n == 0)
		return;
	spill_of(dst);
	if (dst->sp->run_mem + n * sizeof(uint64) <= dst->sp->budget)
	{
		uint64	   *mem = MemoryContextAllocHuge(dst->cxt, n * sizeof(uint64));

		if (v)
			memcpy(mem, v, n * sizeof(uint64));
		else
		{
			ck_run_le	rl;

			/* decode straight into place, as one block */
			ck_run_le_init(&rl, le, n, mem, (size_t) n);
			check_status(rl.run.fill(&rl.run));
		}
		r = add_run(dst, RUN_MEM, n);
		r->mem = mem;
		dst->sp->run_mem += n * sizeof(uint64);
	}
	else
	{
		LogicalTape *t = new_tape(dst);

		if (v)
			tape_write(dst, t, v, n);
		else
		{
			uint64		buf[RUN_BLOCK];
			ck_run_le	rl;

			ck_run_le_init(&rl, le, n, buf, RUN_BLOCK);
			for (;;)
			{
				check_status(rl.run.fill(&rl.run));
				if (rl.run.n == 0)
					break;
				tape_write(dst, t, rl.run.v, rl.run.n);
			}
		}
		add_run(dst, RUN_TAPE, n)->tape = t;
	}
}

void
unit_state_combine(UnitState *dst, UnitState *src)
{
	int			i;

	if (dst->distinct || src->distinct)
		elog(ERROR, "viewstats: a DISTINCT count has no partial state");
	if (ck_set_count(&src->set) > 0)
	{
		/* a state that was not serialized: its table, sorted, as a copy */
		uint64		n;
		uint64	   *v = table_sorted_copy(&src->set, &n);

		append_values(dst, v, NULL, n);
		pfree(v);
	}
	if (src->sp != NULL && src->sp->nbuf > 0)
	{
		uint64	   *v = palloc_extended(src->sp->nbuf * sizeof(uint64), MCXT_ALLOC_HUGE);
		Size		n;

		memcpy(v, src->sp->buf, src->sp->nbuf * sizeof(uint64));
		ck_sort_u64(v, src->sp->nbuf);
		n = ck_dedup_sorted(v, src->sp->nbuf);
		append_values(dst, v, NULL, n);
		pfree(v);
	}
	for (i = 0; i < nruns(src); i++)
	{
		UnitRun    *r = &src->sp->runs[i];

		if (r->kind == RUN_TAPE)
			elog(ERROR, "viewstats: cannot combine a state spilled to disk without serializing it");
		append_values(dst, r->mem, r->le, r->n);
	}
}

/* A serialized state holding run r's values (r: NULL for the state's run). */
static bytea *
serialize_run(UnitState *st, UnitRun *r)
{
	uint64		n = r ? r->n : st->sp->runs[0].n;
	bytea	   *out;
	ck_le_writer w;
	MergeSink	sink;

	if (n > MAX_PARTIAL_UNITS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a partial state of %llu distinct units is too large to pass on",
						(unsigned long long) n),
				 errdetail("A parallel worker's or a partition's partial state may hold at most %llu distinct units.",
						   (unsigned long long) MAX_PARTIAL_UNITS),
				 errhint("The planner expected fewer rows. Run ANALYZE, or set max_parallel_workers_per_gather to 0 and enable_partitionwise_aggregate to off for this query.")));
	out = palloc(VARHDRSZ + CK_STATE_HDRSZ + n * 8);
	SET_VARSIZE(out, VARHDRSZ + CK_STATE_HDRSZ + n * 8);
	ck_state_write_header(&st->p, n, (uint8 *) VARDATA(out));
	w.out = (uint8 *) VARDATA(out) + CK_STATE_HDRSZ;
	w.pos = 0;
	w.cap = n;
	memset(&sink, 0, sizeof(sink));
	sink.st = st;
	sink.le = &w;
	if (r)
		merge_into(st, &r, 1, &sink);
	else
		read_run(st, &sink, true);	/* a shared state is serialized twice */
	return out;
}

/*
 * Serialization leaves the state as it was (a state shared by two
 * aggregates is serialized twice): the table is copied, not sorted in
 * place.
 */
bytea *
unit_state_serialize(UnitState *st)
{
	UnitRun		tmp;
	bytea	   *out;

	if (st->distinct)
		elog(ERROR, "viewstats: a DISTINCT count has no partial state");
	if (nruns(st) > 0)
	{
		consolidate(st);
		return serialize_run(st, NULL);
	}
	memset(&tmp, 0, sizeof(tmp));
	tmp.kind = RUN_MEM;
	tmp.mem = table_sorted_copy(&st->set, &tmp.n);
	out = serialize_run(st, &tmp);
	pfree(tmp.mem);
	return out;
}

UnitState *
unit_state_deserialize(bytea *in)
{
	UnitState  *st = unit_state_new(CurrentMemoryContext, false);
	const uint8 *vals;
	uint64		n;
	UnitRun    *r;

	check_status(ck_state_check((const uint8 *) VARDATA_ANY(in),
								VARSIZE_ANY_EXHDR(in), &st->p, &vals, &n));
	if (n > 0)
	{
		r = add_run(st, RUN_LE, n);
		r->le = vals;
	}
	return st;
}
