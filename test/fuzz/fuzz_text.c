/*
 * fuzz_text.c
 *		libFuzzer harness of the dayset text form: ds_parse, ds_parse_day,
 *		ds_format and ds_format_day.
 *
 * The input is the literal, copied into a buffer of exactly its length with
 * no NUL, so reading past len is an ASan error.  Properties checked:
 *	- parsing either succeeds with a normalized set or fails with one of the
 *	  text statuses, and the error position is inside the input;
 *	- a parsed set prints within ds_text_bound and reads back to itself;
 *	- a single day that parses prints and reads back to the same day;
 *	- the first four bytes as a day number round-trip through the calendar.
 */
#include "fuzz_util.h"

#include <string.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Text of a, via a buffer of exactly the bound, checked to read back to a. */
static void
check_round_trip(const ds_run *a, int32_t na)
{
	size_t		bound = ds_text_bound(na);
	char	   *buf = malloc(bound + 1);
	size_t		len;
	ds_builder	b;
	size_t		errpos = 0;

	FUZZ_CHECK(buf != NULL);
	len = ds_format(a, na, buf);
	FUZZ_CHECK(len <= bound);
	FUZZ_CHECK(strlen(buf) == len);
	ds_builder_init(&b);
	FUZZ_CHECK(ds_parse(buf, len, &b, &errpos) == DS_OK);
	FUZZ_CHECK(ds_builder_finish(&b) == DS_OK);
	FUZZ_CHECK(ds_equal(a, na, b.runs, b.nruns));
	ds_builder_free(&b);
	free(buf);
}

static void
check_day_round_trip(int32_t day)
{
	char		buf[DS_DAY_TEXT_MAX];
	size_t		len;
	int32_t		back = 0,
				y,
				m,
				d;

	len = ds_format_day(day, buf);
	FUZZ_CHECK(len > 0 && len < DS_DAY_TEXT_MAX && strlen(buf) == len);
	FUZZ_CHECK(ds_parse_day(buf, len, &back) == DS_OK);
	FUZZ_CHECK(back == day);
	ds_ymd_from_day(day, &y, &m, &d);
	FUZZ_CHECK(ds_day_from_ymd(y, m, d, &back) == DS_OK && back == day);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size > 0 ? size : 1);
	ds_builder	b;
	ds_status	st;
	size_t		errpos = (size_t) -1;
	int32_t		day;

	FUZZ_CHECK(s != NULL);
	if (size > 0)
		memcpy(s, data, size);

	ds_builder_init(&b);
	st = ds_parse(s, size, &b, &errpos);
	if (st == DS_OK)
	{
		st = ds_builder_finish(&b);
		FUZZ_CHECK(st == DS_OK || st == DS_ERR_TOO_LARGE);
		if (st == DS_OK)
		{
			FUZZ_CHECK(ds_is_normalized(b.runs, b.nruns));
			check_round_trip(b.runs, b.nruns);
		}
	}
	else
	{
		FUZZ_CHECK(st == DS_ERR_SYNTAX || st == DS_ERR_DAY_RANGE ||
				   st == DS_ERR_BAD_DATE || st == DS_ERR_RANGE_ORDER ||
				   st == DS_ERR_TOO_LARGE);
		FUZZ_CHECK(errpos <= size);
		/* what was accumulated before the error is still a valid builder */
		FUZZ_CHECK(ds_is_normalized(b.runs, b.nruns));
	}
	ds_builder_free(&b);

	day = 0;
	st = ds_parse_day(s, size, &day);
	if (st == DS_OK)
	{
		FUZZ_CHECK(ds_day_valid(day));
		check_day_round_trip(day);
	}
	else
		FUZZ_CHECK(st == DS_ERR_SYNTAX || st == DS_ERR_DAY_RANGE ||
				   st == DS_ERR_BAD_DATE);

	if (size >= 4)
	{
		int32_t		raw = (int32_t) (((uint32_t) data[0] << 24) |
									 ((uint32_t) data[1] << 16) |
									 ((uint32_t) data[2] << 8) | data[3]);

		if (ds_day_valid(raw))
			check_day_round_trip(raw);
	}

	free(s);
	return 0;
}
