/*
 * fuzz_wire.c
 *		libFuzzer harness of the binary (send/recv) decoder: ds_wire_check and
 *		ds_wire_decode_runs.
 *
 * The input is the received bytes, in a buffer of exactly their length.  A
 * naive validator written from the format's description (naive_wire_valid)
 * decides what must be accepted; the core must agree with it exactly.  An
 * accepted value decodes to a normalized set that encodes back to the very
 * same bytes (the format has one encoding per set).
 */
#include "fuzz_util.h"

#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t    *buf = malloc(size > 0 ? size : 1);
	int32_t		n = -1,
				want = -1;
	ds_status	st;
	bool		valid;

	FUZZ_CHECK(buf != NULL);
	if (size > 0)
		memcpy(buf, data, size);
	st = ds_wire_check(buf, size, &n);
	valid = naive_wire_valid(buf, size, &want);
	FUZZ_CHECK((st == DS_OK) == valid);
	if (st == DS_OK)
	{
		ds_run	   *runs = malloc(sizeof(ds_run) * (size_t) (n > 0 ? n : 1));
		uint8_t    *again;

		FUZZ_CHECK(n == want);
		FUZZ_CHECK(ds_wire_size(n) == size);
		FUZZ_CHECK(runs != NULL);
		ds_wire_decode_runs(buf, runs);
		FUZZ_CHECK(ds_is_normalized(runs, n));
		again = malloc(size);
		FUZZ_CHECK(again != NULL);
		ds_wire_encode(runs, n, again);
		FUZZ_CHECK(memcmp(again, buf, size) == 0);
		free(again);
		free(runs);
	}
	else
	{
		FUZZ_CHECK(st == DS_ERR_BAD_BINARY || st == DS_ERR_BAD_VERSION ||
				   st == DS_ERR_DAY_RANGE);
		/* a wrong version byte is reported as such */
		if (size >= 1 && buf[0] != DS_WIRE_VERSION)
			FUZZ_CHECK(size < 8 || st == DS_ERR_BAD_VERSION);
	}
	free(buf);
	return 0;
}
