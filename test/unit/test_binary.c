/*
 * test_binary.c
 *		The binary wire form (send/recv) and the serialized aggregate state:
 *		exact bytes, round trips, and rejection of every kind of corruption.
 *
 * The checkers must reject anything but exactly what the encoder writes, so
 * every buffer handed to them here has exactly len bytes (ASan sees any read
 * past it) and every decode target exactly the announced run count.
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>

void		run_binary_tests(void);

static const char *const SAMPLE =
"{2017-12-01/2017-12-03,2017-12-05,2017-12-08/2017-12-09}";

static void
put_be32(uint8_t *p, int32_t v)
{
	uint32_t	u = (uint32_t) v;

	p[0] = (uint8_t) (u >> 24);
	p[1] = (uint8_t) (u >> 16);
	p[2] = (uint8_t) (u >> 8);
	p[3] = (uint8_t) u;
}

static uint8_t *
dup_bytes(const uint8_t *src, size_t len)
{
	uint8_t    *p = malloc(len ? len : 1);

	memcpy(p, src, len);
	return p;
}

/* ds_wire_check on an exact-size copy of buf[0..len) */
static ds_status
wire_check(const uint8_t *buf, size_t len, int32_t *na)
{
	uint8_t    *copy = dup_bytes(buf, len);
	ds_status	st = ds_wire_check(copy, len, na);

	free(copy);
	return st;
}

static ds_status
state_check(const uint8_t *buf, size_t len, ds_state_params *p, int32_t *na)
{
	uint8_t    *copy = dup_bytes(buf, len);
	ds_status	st = ds_state_check(copy, len, p, na);

	free(copy);
	return st;
}

/* Encode runs, check and decode them back; returns the encoding */
static uint8_t *
wire_round_trip(const ds_run *a, int32_t n, size_t *len)
{
	uint8_t    *buf;
	int32_t		na = -1;
	ds_status	st;

	*len = ds_wire_size(n);
	CHECK_INT(*len, DS_WIRE_HEADER + 8 * (size_t) n);
	buf = malloc(*len);
	ds_wire_encode(a, n, buf);
	st = ds_wire_check(buf, *len, &na);
	CHECK_STATUS(st, DS_OK);
	CHECK_INT(na, n);
	if (st == DS_OK && na == n)
	{
		ds_run	   *out = malloc(sizeof(ds_run) * (size_t) (n > 0 ? n : 1));

		ds_wire_decode_runs(buf, out);
		CHECK(ds_equal(a, n, out, na));
		free(out);
	}
	return buf;
}

static void
test_wire_exact_bytes(void)
{
	int32_t		n;
	ds_run	   *a = runs_of(SAMPLE, &n);
	size_t		len;
	uint8_t    *buf = wire_round_trip(a, n, &len);
	uint8_t		want[32] = {DS_WIRE_VERSION, 0, 0, 0};

	put_be32(want + 4, 3);
	put_be32(want + 8, 6544);
	put_be32(want + 12, 6546);
	put_be32(want + 16, 6548);
	put_be32(want + 20, 6548);
	put_be32(want + 24, 6551);
	put_be32(want + 28, 6552);
	CHECK_INT(len, 32);
	CHECK(len == 32 && memcmp(buf, want, 32) == 0);
	free(buf);
	free(a);

	/* negative days are two's complement, big-endian */
	a = runs_of("{-4713-11-24,5874897-12-31}", &n);
	buf = wire_round_trip(a, n, &len);
	CHECK_INT(len, 24);
	if (len == 24)
	{
		static const uint8_t tail[16] = {
			0xFF, 0xDA, 0x97, 0xA7, 0xFF, 0xDA, 0x97, 0xA7,
			0x7F, 0xDA, 0x97, 0x0C, 0x7F, 0xDA, 0x97, 0x0C
		};

		CHECK(buf[0] == DS_WIRE_VERSION && buf[1] == 0 && buf[2] == 0 &&
			  buf[3] == 0);
		CHECK(buf[4] == 0 && buf[5] == 0 && buf[6] == 0 && buf[7] == 2);
		CHECK(memcmp(buf + 8, tail, 16) == 0);
	}
	free(buf);
	free(a);
}

static void
test_wire_round_trips(void)
{
	static const char *const texts[] = {
		"{}", "{2000-01-01}", "{-4713-11-24/5874897-12-31}",
		"{-4713-11-24,0000-02-29,5874897-12-31}", SAMPLE
	};
	size_t		i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
	{
		int32_t		n;
		ds_run	   *a = runs_of(texts[i], &n);
		size_t		len;

		free(wire_round_trip(a, n, &len));
		free(a);
	}
	CHECK_INT(ds_wire_size(0), 8);
}

/* Valid wire bytes of SAMPLE, for corrupting */
static uint8_t *
sample_wire(size_t *len)
{
	int32_t		n;
	ds_run	   *a = runs_of(SAMPLE, &n);
	uint8_t    *buf;

	*len = ds_wire_size(n);
	buf = malloc(*len + 8);		/* room for the "trailing bytes" cases */
	memset(buf, 0, *len + 8);
	ds_wire_encode(a, n, buf);
	free(a);
	return buf;
}

static void
test_wire_truncated(void)
{
	size_t		len,
				cut;
	uint8_t    *buf = sample_wire(&len);
	int32_t		na;

	for (cut = 0; cut < len; cut++)
		CHECK_MSG(wire_check(buf, cut, &na) != DS_OK,
				  "wire truncated to %zu of %zu bytes accepted", cut, len);
	for (cut = len + 1; cut <= len + 8; cut++)
		CHECK_MSG(wire_check(buf, cut, &na) != DS_OK,
				  "wire with %zu trailing bytes accepted", cut - len);
	CHECK_STATUS(wire_check(buf, len, &na), DS_OK);
	free(buf);

	/* the empty set, truncated */
	{
		uint8_t		empty[DS_WIRE_HEADER];

		ds_wire_encode(NULL, 0, empty);
		for (cut = 0; cut < DS_WIRE_HEADER; cut++)
			CHECK_ERROR(wire_check(empty, cut, &na));
		CHECK_STATUS(wire_check(empty, DS_WIRE_HEADER, &na), DS_OK);
		CHECK_INT(na, 0);
	}
}

static void
test_wire_bad_header(void)
{
	size_t		len;
	uint8_t    *buf = sample_wire(&len);
	uint8_t    *bad = malloc(len);
	int32_t		na;
	static const uint8_t versions[] = {0, DS_WIRE_VERSION + 1, 0x7F, 0x80, 0xFF};
	size_t		i;

	for (i = 0; i < sizeof(versions); i++)
	{
		memcpy(bad, buf, len);
		bad[0] = versions[i];
		CHECK_MSG(wire_check(bad, len, &na) == DS_ERR_BAD_VERSION,
				  "version %u: got %s", versions[i],
				  ut_status_name(wire_check(bad, len, &na)));
	}
	for (i = 1; i <= 3; i++)
	{
		static const uint8_t values[] = {0x01, 0x02, 0x80, 0xFF};
		size_t		j;

		for (j = 0; j < sizeof(values); j++)
		{
			memcpy(bad, buf, len);
			bad[i] = values[j];
			CHECK_MSG(wire_check(bad, len, &na) == DS_ERR_BAD_BINARY,
					  "header byte %zu = 0x%02x: got %s", i, values[j],
					  ut_status_name(wire_check(bad, len, &na)));
		}
	}
	free(bad);
	free(buf);
}

static void
test_wire_bad_nruns(void)
{
	size_t		len;
	uint8_t    *buf = sample_wire(&len);
	uint8_t    *bad = malloc(len);
	int32_t		na;
	static const int32_t counts[] = {
		0, 1, 2, 4, 5, -1, -2, -3, INT32_MIN, INT32_MAX, DS_MAX_RUNS,
		DS_MAX_RUNS + 1, 0x20000000, 0x1FFFFFFF, 0x40000000
	};
	size_t		i;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
	{
		ds_status	st;

		memcpy(bad, buf, len);
		put_be32(bad + 4, counts[i]);
		st = wire_check(bad, len, &na);
		CHECK_MSG(st == DS_ERR_BAD_BINARY || st == DS_ERR_TOO_LARGE,
				  "nruns %d with 3 runs of bytes: got %s", counts[i],
				  ut_status_name(st));
	}
	/* a header alone claiming runs */
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
	{
		if (counts[i] == 0)
			continue;
		memcpy(bad, buf, DS_WIRE_HEADER);
		put_be32(bad + 4, counts[i]);
		CHECK_ERROR(wire_check(bad, DS_WIRE_HEADER, &na));
	}
	free(bad);
	free(buf);
}

/*
 * Replace the runs of a valid encoding and expect the checker to refuse:
 * DS_ERR_DAY_RANGE for a day outside the range (as date_recv's "date out of
 * range"), DS_ERR_BAD_BINARY for the rest; DS_OK as want accepts either.
 */
static void
check_bad_runs(const ds_run *runs, int32_t n, ds_status want, const char *why)
{
	size_t		len = DS_WIRE_HEADER + 8 * (size_t) n;
	uint8_t    *buf = malloc(len);
	int32_t		i,
				na;
	ds_status	st;

	buf[0] = DS_WIRE_VERSION;
	buf[1] = buf[2] = buf[3] = 0;
	put_be32(buf + 4, n);
	for (i = 0; i < n; i++)
	{
		put_be32(buf + 8 + 8 * i, runs[i].first);
		put_be32(buf + 12 + 8 * i, runs[i].last);
	}
	st = wire_check(buf, len, &na);
	if (want == DS_OK)			/* either code will do */
		CHECK_MSG(st == DS_ERR_BAD_BINARY || st == DS_ERR_DAY_RANGE,
				  "%s: got %s", why, ut_status_name(st));
	else
		CHECK_MSG(st == want, "%s: got %s, want %s", why, ut_status_name(st),
				  ut_status_name(want));
	free(buf);
}

static void
test_wire_bad_runs(void)
{
	ds_run		r[3];

	r[0] = (ds_run) {10, 9};
	check_bad_runs(r, 1, DS_ERR_BAD_BINARY, "first > last");
	r[0] = (ds_run) {1, 3};
	r[1] = (ds_run) {5, 4};
	check_bad_runs(r, 2, DS_ERR_BAD_BINARY, "second run first > last");
	r[1] = (ds_run) {4, 6};
	check_bad_runs(r, 2, DS_ERR_BAD_BINARY, "adjacent runs");
	r[1] = (ds_run) {3, 6};
	check_bad_runs(r, 2, DS_ERR_BAD_BINARY, "overlapping runs");
	r[1] = (ds_run) {2, 2};
	check_bad_runs(r, 2, DS_ERR_BAD_BINARY, "nested runs");
	r[1] = (ds_run) {1, 3};
	check_bad_runs(r, 2, DS_ERR_BAD_BINARY, "duplicate runs");
	r[1] = (ds_run) {-10, -5};
	check_bad_runs(r, 2, DS_ERR_BAD_BINARY, "unsorted runs");
	r[0] = (ds_run) {1, 1};
	r[1] = (ds_run) {5, 5};
	r[2] = (ds_run) {3, 3};
	check_bad_runs(r, 3, DS_ERR_BAD_BINARY, "unsorted third run");
	r[0] = (ds_run) {DS_MIN_DAY - 1, DS_MIN_DAY};
	check_bad_runs(r, 1, DS_ERR_DAY_RANGE, "first before DS_MIN_DAY");
	r[0] = (ds_run) {DS_MAX_DAY, DS_MAX_DAY + 1};
	check_bad_runs(r, 1, DS_ERR_DAY_RANGE, "last after DS_MAX_DAY");
	r[0] = (ds_run) {DS_MAX_DAY + 1, DS_MAX_DAY + 1};
	check_bad_runs(r, 1, DS_ERR_DAY_RANGE, "day after DS_MAX_DAY");
	r[0] = (ds_run) {INT32_MIN, 0};
	check_bad_runs(r, 1, DS_ERR_DAY_RANGE, "first INT32_MIN (-infinity)");
	r[0] = (ds_run) {0, INT32_MAX};
	check_bad_runs(r, 1, DS_ERR_DAY_RANGE, "last INT32_MAX (infinity)");
	r[0] = (ds_run) {INT32_MIN, INT32_MAX};
	check_bad_runs(r, 1, DS_ERR_DAY_RANGE, "-infinity to infinity");
	r[0] = (ds_run) {INT32_MAX, INT32_MAX};
	r[1] = (ds_run) {INT32_MIN, INT32_MIN};
	check_bad_runs(r, 2, DS_OK, "wrapping runs");
	r[0] = (ds_run) {1, 3};
	r[1] = (ds_run) {5, DS_MAX_DAY + 1};
	check_bad_runs(r, 2, DS_ERR_DAY_RANGE, "second run after DS_MAX_DAY");
}

/* Flip every byte of a valid encoding: any accepted result must be sane */
static void
test_wire_every_byte_mutation(void)
{
	size_t		len,
				pos;
	uint8_t    *buf = sample_wire(&len);
	uint8_t    *bad = malloc(len);
	static const uint8_t deltas[] = {0x01, 0x02, 0x80, 0xFF, 0x10};

	for (pos = 0; pos < len; pos++)
	{
		size_t		k;

		for (k = 0; k < sizeof(deltas); k++)
		{
			int32_t		na = -1;
			ds_status	st;

			memcpy(bad, buf, len);
			bad[pos] ^= deltas[k];
			st = ds_wire_check(bad, len, &na);
			if (pos < 8)
				CHECK_MSG(st != DS_OK, "header byte %zu ^ 0x%02x accepted",
						  pos, deltas[k]);
			else if (st == DS_OK)
			{
				ds_run	   *out = malloc(sizeof(ds_run) * (size_t) (na > 0 ? na : 1));

				CHECK_INT(na, 3);
				if (na == 3)
				{
					ds_wire_decode_runs(bad, out);
					CHECK_MSG(ds_is_normalized(out, na),
							  "byte %zu ^ 0x%02x: accepted unnormalized runs",
							  pos, deltas[k]);
				}
				free(out);
			}
		}
	}
	free(bad);
	free(buf);
}

/* ---- serialized state ---- */

static bool
params_equal(const ds_state_params *a, const ds_state_params *b)
{
	if (a->flags != b->flags)
		return false;
	if ((a->flags & DS_STATE_HAS_MAX_GAP) && a->max_gap != b->max_gap)
		return false;
	if ((a->flags & DS_STATE_HAS_AS_OF) && a->as_of != b->as_of)
		return false;
	return true;
}

static uint8_t *
state_round_trip(const ds_state_params *p, const ds_run *a, int32_t n,
				 size_t *len)
{
	uint8_t    *buf;
	ds_state_params got;
	int32_t		na = -1;
	ds_status	st;

	*len = ds_state_size(n);
	CHECK_INT(*len, DS_STATE_HEADER + ds_wire_size(n));
	buf = malloc(*len);
	ds_state_encode(p, a, n, buf);
	memset(&got, 0xAB, sizeof(got));
	st = ds_state_check(buf, *len, &got, &na);
	CHECK_STATUS(st, DS_OK);
	CHECK_INT(na, n);
	CHECK_MSG(st != DS_OK || params_equal(p, &got),
			  "state params: flags %u max_gap %d as_of %d came back as "
			  "flags %u max_gap %d as_of %d", p->flags, p->max_gap, p->as_of,
			  got.flags, got.max_gap, got.as_of);
	if (st == DS_OK && na == n)
	{
		ds_run	   *out = malloc(sizeof(ds_run) * (size_t) (n > 0 ? n : 1));

		ds_state_decode_runs(buf, out);
		CHECK(ds_equal(a, n, out, na));
		free(out);
	}
	return buf;
}

static void
test_state_exact_bytes(void)
{
	int32_t		n;
	ds_run	   *a = runs_of(SAMPLE, &n);
	ds_state_params p = {DS_STATE_HAS_MAX_GAP | DS_STATE_HAS_AS_OF, 2, 6568};
	size_t		len;
	uint8_t    *buf = state_round_trip(&p, a, n, &len);
	uint8_t    *wire = malloc(ds_wire_size(n));
	uint8_t		head[DS_STATE_HEADER];

	CHECK_INT(len, 41);
	ds_wire_encode(a, n, wire);
	put_be32(head, 2);
	put_be32(head + 4, 6568);
	head[8] = DS_STATE_HAS_MAX_GAP | DS_STATE_HAS_AS_OF;
	CHECK_MSG(memcmp(buf, head, DS_STATE_HEADER) == 0,
			  "state header %02x%02x%02x%02x %02x%02x%02x%02x %02x, want "
			  "big-endian max_gap 2, as_of 6568, flags 3",
			  buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7],
			  buf[8]);
	CHECK(memcmp(buf + DS_STATE_HEADER, wire, ds_wire_size(n)) == 0);
	free(wire);
	free(buf);
	free(a);
}

static void
test_state_round_trips(void)
{
	static const ds_state_params params[] = {
		{0, 0, 0},
		{DS_STATE_HAS_MAX_GAP, 0, 0},
		{DS_STATE_HAS_MAX_GAP, INT32_MAX, 0},
		{DS_STATE_HAS_AS_OF, 0, DS_MIN_DAY},
		{DS_STATE_HAS_AS_OF, 0, DS_MAX_DAY},
		{DS_STATE_HAS_MAX_GAP | DS_STATE_HAS_AS_OF, 5, -10957},
	};
	static const char *const texts[] = {"{}", SAMPLE, "{-4713-11-24/5874897-12-31}"};
	size_t		i,
				j,
				len;

	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		for (j = 0; j < sizeof(texts) / sizeof(texts[0]); j++)
		{
			int32_t		n;
			ds_run	   *a = runs_of(texts[j], &n);

			free(state_round_trip(&params[i], a, n, &len));
			free(a);
		}
}

static uint8_t *
sample_state(size_t *len)
{
	int32_t		n;
	ds_run	   *a = runs_of(SAMPLE, &n);
	ds_state_params p = {DS_STATE_HAS_MAX_GAP | DS_STATE_HAS_AS_OF, 2, 6568};
	uint8_t    *buf;

	*len = ds_state_size(n);
	buf = malloc(*len + 8);
	memset(buf, 0, *len + 8);
	ds_state_encode(&p, a, n, buf);
	free(a);
	return buf;
}

static void
test_state_truncated(void)
{
	size_t		len,
				cut;
	uint8_t    *buf = sample_state(&len);
	ds_state_params p;
	int32_t		na;

	for (cut = 0; cut < len; cut++)
		CHECK_MSG(state_check(buf, cut, &p, &na) != DS_OK,
				  "state truncated to %zu of %zu bytes accepted", cut, len);
	for (cut = len + 1; cut <= len + 8; cut++)
		CHECK_MSG(state_check(buf, cut, &p, &na) != DS_OK,
				  "state with %zu trailing bytes accepted", cut - len);
	CHECK_STATUS(state_check(buf, len, &p, &na), DS_OK);
	free(buf);
}

static void
test_state_bad_fields(void)
{
	size_t		len;
	uint8_t    *buf = sample_state(&len);
	uint8_t    *bad = malloc(len);
	ds_state_params p;
	int32_t		na;
	static const uint8_t flags[] = {0x04, 0x08, 0x07, 0x80, 0xFF, 0xFC};
	static const int32_t gaps[] = {-1, -2, INT32_MIN};
	static const int32_t as_ofs[] = {
		DS_MIN_DAY - 1, DS_MAX_DAY + 1, INT32_MIN, INT32_MAX
	};
	size_t		i;

	for (i = 0; i < sizeof(flags); i++)
	{
		memcpy(bad, buf, len);
		bad[8] = flags[i];
		CHECK_MSG(state_check(bad, len, &p, &na) == DS_ERR_BAD_BINARY,
				  "state flags 0x%02x: got %s", flags[i],
				  ut_status_name(state_check(bad, len, &p, &na)));
	}
	for (i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++)
	{
		memcpy(bad, buf, len);
		put_be32(bad, gaps[i]);
		CHECK_MSG(state_check(bad, len, &p, &na) == DS_ERR_BAD_BINARY,
				  "state max_gap %d: got %s", gaps[i],
				  ut_status_name(state_check(bad, len, &p, &na)));
	}
	for (i = 0; i < sizeof(as_ofs) / sizeof(as_ofs[0]); i++)
	{
		memcpy(bad, buf, len);
		put_be32(bad + 4, as_ofs[i]);
		CHECK_MSG(state_check(bad, len, &p, &na) == DS_ERR_BAD_BINARY,
				  "state as_of %d: got %s", as_ofs[i],
				  ut_status_name(state_check(bad, len, &p, &na)));
	}
	/* the embedded dayset is checked as strictly as the wire form */
	memcpy(bad, buf, len);
	bad[DS_STATE_HEADER] = DS_WIRE_VERSION + 1;
	CHECK_STATUS(state_check(bad, len, &p, &na), DS_ERR_BAD_VERSION);
	memcpy(bad, buf, len);
	bad[DS_STATE_HEADER + 1] = 1;
	CHECK_STATUS(state_check(bad, len, &p, &na), DS_ERR_BAD_BINARY);
	memcpy(bad, buf, len);
	put_be32(bad + DS_STATE_HEADER + 4, 2);
	CHECK_ERROR(state_check(bad, len, &p, &na));
	memcpy(bad, buf, len);
	put_be32(bad + DS_STATE_HEADER + 4, -1);
	CHECK_ERROR(state_check(bad, len, &p, &na));
	memcpy(bad, buf, len);
	put_be32(bad + DS_STATE_HEADER + 4, INT32_MAX);
	CHECK_ERROR(state_check(bad, len, &p, &na));
	memcpy(bad, buf, len);
	put_be32(bad + DS_STATE_HEADER + 16, 6545);	/* run 2 starts inside run 1 */
	CHECK_STATUS(state_check(bad, len, &p, &na), DS_ERR_BAD_BINARY);
	memcpy(bad, buf, len);
	put_be32(bad + DS_STATE_HEADER + 16, 6547);	/* adjacent */
	CHECK_STATUS(state_check(bad, len, &p, &na), DS_ERR_BAD_BINARY);
	memcpy(bad, buf, len);
	put_be32(bad + DS_STATE_HEADER + 8, DS_MIN_DAY - 1);
	CHECK_STATUS(state_check(bad, len, &p, &na), DS_ERR_DAY_RANGE);
	free(bad);
	free(buf);
}

static void
test_state_every_byte_mutation(void)
{
	size_t		len,
				pos;
	uint8_t    *buf = sample_state(&len);
	uint8_t    *bad = malloc(len);
	static const uint8_t deltas[] = {0x01, 0x02, 0x80, 0xFF, 0x10};

	for (pos = 0; pos < len; pos++)
	{
		size_t		k;

		for (k = 0; k < sizeof(deltas); k++)
		{
			ds_state_params p;
			int32_t		na = -1;
			ds_status	st;

			memcpy(bad, buf, len);
			bad[pos] ^= deltas[k];
			st = ds_state_check(bad, len, &p, &na);
			if ((pos == 8 && (bad[8] & ~DS_STATE_FLAGS_MASK) != 0) ||
				(pos > 8 && pos < DS_STATE_HEADER + DS_WIRE_HEADER))
				CHECK_MSG(st != DS_OK, "header byte %zu ^ 0x%02x accepted",
						  pos, deltas[k]);
			else if (st == DS_OK)
			{
				ds_run	   *out = malloc(sizeof(ds_run) * 3);

				CHECK_INT(na, 3);
				CHECK((p.flags & ~DS_STATE_FLAGS_MASK) == 0);
				CHECK(!(p.flags & DS_STATE_HAS_MAX_GAP) || p.max_gap >= 0);
				CHECK(!(p.flags & DS_STATE_HAS_AS_OF) || ds_day_valid(p.as_of));
				if (na == 3)
				{
					ds_state_decode_runs(bad, out);
					CHECK(ds_is_normalized(out, na));
				}
				free(out);
			}
		}
	}
	free(bad);
	free(buf);
}

void
run_binary_tests(void)
{
	UT_RUN(test_wire_exact_bytes);
	UT_RUN(test_wire_round_trips);
	UT_RUN(test_wire_truncated);
	UT_RUN(test_wire_bad_header);
	UT_RUN(test_wire_bad_nruns);
	UT_RUN(test_wire_bad_runs);
	UT_RUN(test_wire_every_byte_mutation);
	UT_RUN(test_state_exact_bytes);
	UT_RUN(test_state_round_trips);
	UT_RUN(test_state_truncated);
	UT_RUN(test_state_bad_fields);
	UT_RUN(test_state_every_byte_mutation);
}
