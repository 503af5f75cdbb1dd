/*
 * fuzz_state.c
 *		libFuzzer harness of the serialized aggregate state decoder:
 *		ds_state_check and ds_state_decode_runs (what a parallel worker's
 *		partial state goes through before the leader trusts it).
 *
 * A naive validator written from the layout in dayset_core.h decides what
 * must be accepted; the core must agree exactly.  An accepted state decodes
 * to parameters and a normalized set that encode back to the same bytes.
 */
#include "fuzz_util.h"

#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The state layout: int32 max_gap, int32 as_of, uint8 flags, a wire dayset */
static bool
naive_state_valid(const uint8_t *p, size_t size, int32_t *n)
{
	int32_t		max_gap,
				as_of;
	uint8_t		flags;

	if (size < 9)
		return false;
	max_gap = fuzz_be32(p);
	as_of = fuzz_be32(p + 4);
	flags = p[8];
	if (flags > 3)
		return false;
	if ((flags & 1) ? max_gap < 0 : max_gap != 0)
		return false;
	if ((flags & 2) ? (as_of < DS_MIN_DAY || as_of > DS_MAX_DAY) : as_of != 0)
		return false;
	return naive_wire_valid(p + 9, size - 9, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t    *buf = malloc(size > 0 ? size : 1);
	ds_state_params p;
	int32_t		n = -1,
				want = -1;
	ds_status	st;

	FUZZ_CHECK(buf != NULL);
	if (size > 0)
		memcpy(buf, data, size);
	memset(&p, 0xAB, sizeof(p));
	st = ds_state_check(buf, size, &p, &n);
	FUZZ_CHECK((st == DS_OK) == naive_state_valid(buf, size, &want));
	if (st == DS_OK)
	{
		ds_run	   *runs = malloc(sizeof(ds_run) * (size_t) (n > 0 ? n : 1));
		uint8_t    *again;

		FUZZ_CHECK(n == want);
		FUZZ_CHECK(ds_state_size(n) == size);
		FUZZ_CHECK((p.flags & ~DS_STATE_FLAGS_MASK) == 0);
		FUZZ_CHECK(!(p.flags & DS_STATE_HAS_MAX_GAP) || p.max_gap >= 0);
		FUZZ_CHECK(!(p.flags & DS_STATE_HAS_AS_OF) || ds_day_valid(p.as_of));
		FUZZ_CHECK(runs != NULL);
		ds_state_decode_runs(buf, runs);
		FUZZ_CHECK(ds_is_normalized(runs, n));
		again = malloc(size);
		FUZZ_CHECK(again != NULL);
		ds_state_encode(&p, runs, n, again);
		FUZZ_CHECK(memcmp(again, buf, size) == 0);
		free(again);
		free(runs);
	}
	else
		FUZZ_CHECK(st == DS_ERR_BAD_BINARY || st == DS_ERR_BAD_VERSION ||
				   st == DS_ERR_DAY_RANGE);
	free(buf);
	return 0;
}
