/*
 * test_calendar.c
 *		Day numbers <-> (year, month, day) and the ISO text of one day.
 *
 * Known values come from Python's datetime (1..9999) and PostgreSQL's date
 * range; the sweeps compare against the oracle in test_util.c over whole
 * stretches of the range, including both ends.
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>

void		run_calendar_tests(void);

static void
check_ymd(int32_t y, int32_t m, int32_t d, int32_t want)
{
	int32_t		day = 123456789;
	int32_t		gy,
				gm,
				gd;

	CHECK_MSG(ds_day_from_ymd(y, m, d, &day) == DS_OK && day == want,
			  "ds_day_from_ymd(%d, %d, %d): got day %d, want %d", y, m, d,
			  day, want);
	ds_ymd_from_day(want, &gy, &gm, &gd);
	CHECK_MSG(gy == y && gm == m && gd == d,
			  "ds_ymd_from_day(%d): got %d-%d-%d, want %d-%d-%d", want,
			  gy, gm, gd, y, m, d);
}

static void
test_calendar_known_days(void)
{
	CHECK_INT(oracle_day_from_ymd(2017, 12, 25), 6568);	/* oracle sanity */

	check_ymd(2000, 1, 1, 0);
	check_ymd(1999, 12, 31, -1);
	check_ymd(1970, 1, 1, -10957);
	check_ymd(2017, 12, 1, 6544);
	check_ymd(2017, 12, 25, 6568);
	check_ymd(2000, 2, 29, 59);
	check_ymd(2000, 3, 1, 60);
	check_ymd(2100, 3, 1, 36584);
	check_ymd(1, 1, 1, -730119);
	check_ymd(9999, 12, 31, 2921939);
	check_ymd(-4713, 11, 24, DS_MIN_DAY);
	check_ymd(5874897, 12, 31, DS_MAX_DAY);
	check_ymd(0, 2, 29, (int32_t) oracle_day_from_ymd(0, 2, 29));
	check_ymd(0, 1, 1, -730485);
	check_ymd(-1, 12, 31, -730486);
	check_ymd(-400, 2, 29, (int32_t) oracle_day_from_ymd(-400, 2, 29));
	check_ymd(-4, 2, 29, (int32_t) oracle_day_from_ymd(-4, 2, 29));
}

static void
test_calendar_invalid_dates(void)
{
	int32_t		day;

	/* leap years: 1900 and 2100 are not, year 0 and -400 are, -100 not */
	CHECK_STATUS(ds_day_from_ymd(1900, 2, 29, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2100, 2, 29, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, 2, 29, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(-1, 2, 29, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(-100, 2, 29, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(0, 2, 29, &day), DS_OK);
	CHECK_STATUS(ds_day_from_ymd(2000, 2, 29, &day), DS_OK);
	CHECK_STATUS(ds_day_from_ymd(-400, 2, 29, &day), DS_OK);
	CHECK_STATUS(ds_day_from_ymd(2000, 2, 30, &day), DS_ERR_BAD_DATE);

	CHECK_STATUS(ds_day_from_ymd(2017, 13, 1, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, 0, 1, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, -1, 1, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, 12, 32, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, 12, 0, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, 4, 31, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, 6, 31, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, 1, INT32_MAX, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, INT32_MIN, 1, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_day_from_ymd(2017, INT32_MAX, 1, &day), DS_ERR_BAD_DATE);

	/* just outside PostgreSQL's range */
	CHECK_STATUS(ds_day_from_ymd(-4713, 11, 23, &day), DS_ERR_DAY_RANGE);
	CHECK_STATUS(ds_day_from_ymd(-4714, 12, 31, &day), DS_ERR_DAY_RANGE);
	CHECK_STATUS(ds_day_from_ymd(5874898, 1, 1, &day), DS_ERR_DAY_RANGE);

	/* far outside: must not overflow (UBSan watches) */
	CHECK_ERROR(ds_day_from_ymd(INT32_MAX, 12, 31, &day));
	CHECK_ERROR(ds_day_from_ymd(INT32_MIN, 1, 1, &day));
	CHECK_ERROR(ds_day_from_ymd(INT32_MAX, 13, 1, &day));
	CHECK_ERROR(ds_day_from_ymd(-5000000, 1, 1, &day));
	CHECK_ERROR(ds_day_from_ymd(6000000, 2, 29, &day));
}

/* Compare the core with the oracle on [from, to] */
static void
sweep(int64_t from, int64_t to)
{
	int64_t		day;
	int			bad = 0;

	for (day = from; day <= to && bad < 5; day++)
	{
		int64_t		y,
					m,
					d;
		int32_t		gy,
					gm,
					gd,
					back = 0;
		ds_status	st;

		oracle_ymd_from_day(day, &y, &m, &d);
		ds_ymd_from_day((int32_t) day, &gy, &gm, &gd);
		st = ds_day_from_ymd((int32_t) y, (int32_t) m, (int32_t) d, &back);
		if (gy != y || gm != m || gd != d || st != DS_OK || back != day)
		{
			bad++;
			CHECK_MSG(false, "day %lld: oracle %lld-%lld-%lld, "
					  "ds_ymd_from_day %d-%d-%d, ds_day_from_ymd %s %d",
					  (long long) day, (long long) y, (long long) m,
					  (long long) d, gy, gm, gd, ut_status_name(st), back);
		}
	}
	ut_checks++;
}

static void
test_calendar_sweeps(void)
{
	rng			r = rng_for(__func__);
	int			i;

	sweep(DS_MIN_DAY, DS_MIN_DAY + 200000);
	sweep(-200000, 200000);
	sweep(-730485 - 1000, -730485 + 1000);	/* around year 0 */
	sweep(DS_MAX_DAY - 200000, DS_MAX_DAY);
	for (i = 0; i < 200; i++)
	{
		int64_t		from = rng_range(&r, DS_MIN_DAY, DS_MAX_DAY - 500);

		sweep(from, from + 500);
	}
}

/* Every (y, m, d) near the range's ends and year 0: valid iff the oracle says */
static void
test_calendar_validity_grid(void)
{
	static const int64_t years[] = {
		-4714, -4713, -4712, -401, -400, -101, -100, -5, -4, -1, 0, 1, 4,
		100, 400, 1900, 2000, 2001, 2100, 5874896, 5874897, 5874898
	};
	size_t		i;

	for (i = 0; i < sizeof(years) / sizeof(years[0]); i++)
	{
		int64_t		y = years[i];
		int64_t		m,
					d;

		for (m = 0; m <= 13; m++)
			for (d = 0; d <= 32; d++)
			{
				int32_t		day = 0;
				ds_status	st = ds_day_from_ymd((int32_t) y, (int32_t) m,
												 (int32_t) d, &day);
				bool		valid = oracle_ymd_valid(y, m, d);
				int64_t		want = valid ? oracle_day_from_ymd(y, m, d) : 0;

				if (!valid)
					CHECK_MSG(st == DS_ERR_BAD_DATE || st == DS_ERR_DAY_RANGE,
							  "%lld-%lld-%lld: got %s, want an error",
							  (long long) y, (long long) m, (long long) d,
							  ut_status_name(st));
				else if (!ds_day_valid(want))
					CHECK_MSG(st == DS_ERR_DAY_RANGE,
							  "%lld-%lld-%lld: got %s, want DS_ERR_DAY_RANGE",
							  (long long) y, (long long) m, (long long) d,
							  ut_status_name(st));
				else
					CHECK_MSG(st == DS_OK && day == want,
							  "%lld-%lld-%lld: got %s %d, want %lld",
							  (long long) y, (long long) m, (long long) d,
							  ut_status_name(st), day, (long long) want);
			}
	}
}

static void
check_format_day(int32_t day, const char *want)
{
	char	   *buf = malloc(DS_DAY_TEXT_MAX);
	size_t		len = ds_format_day(day, buf);
	int32_t		back = 0;

	CHECK_STR(buf, want);
	CHECK_INT(len, strlen(want));
	CHECK_STATUS(ds_parse_day(buf, len, &back), DS_OK);
	CHECK_INT(back, day);
	free(buf);
}

static void
test_format_day_known(void)
{
	check_format_day(0, "2000-01-01");
	check_format_day(6568, "2017-12-25");
	check_format_day(-10957, "1970-01-01");
	check_format_day(DS_MIN_DAY, "-4713-11-24");
	check_format_day(DS_MAX_DAY, "5874897-12-31");
	check_format_day(-730485, "0000-01-01");
	check_format_day(-730486, "-0001-12-31");
	check_format_day((int32_t) oracle_day_from_ymd(0, 2, 29), "0000-02-29");
	check_format_day((int32_t) oracle_day_from_ymd(999, 1, 1), "0999-01-01");
	check_format_day((int32_t) oracle_day_from_ymd(-999, 1, 1), "-0999-01-01");
	check_format_day((int32_t) oracle_day_from_ymd(10000, 1, 1), "10000-01-01");
	check_format_day((int32_t) oracle_day_from_ymd(9999, 12, 31), "9999-12-31");
}

static void
test_format_day_random(void)
{
	rng			r = rng_for(__func__);
	int			i;

	for (i = 0; i < 20000; i++)
	{
		int32_t		day;
		char		want[64];

		switch (i % 4)
		{
			case 0:
				day = (int32_t) rng_range(&r, DS_MIN_DAY, DS_MAX_DAY);
				break;
			case 1:
				day = (int32_t) rng_range(&r, DS_MIN_DAY, DS_MIN_DAY + 5000);
				break;
			case 2:
				day = (int32_t) rng_range(&r, DS_MAX_DAY - 5000, DS_MAX_DAY);
				break;
			default:
				day = (int32_t) rng_range(&r, -800000, 100000);
				break;
		}
		oracle_format_day(day, want, sizeof(want));
		check_format_day(day, want);
		if (ut_test_failing())
			break;
	}
}

static void
test_parse_day_known(void)
{
	int32_t		day;

	CHECK_STATUS(ds_parse_day("2017-12-25", 10, &day), DS_OK);
	CHECK_INT(day, 6568);
	CHECK_STATUS(ds_parse_day("-4713-11-24", 11, &day), DS_OK);
	CHECK_INT(day, DS_MIN_DAY);
	CHECK_STATUS(ds_parse_day("5874897-12-31", 13, &day), DS_OK);
	CHECK_INT(day, DS_MAX_DAY);
	CHECK_STATUS(ds_parse_day("0000-02-29", 10, &day), DS_OK);
	CHECK_INT(day, oracle_day_from_ymd(0, 2, 29));
	CHECK_STATUS(ds_parse_day("-0001-12-31", 11, &day), DS_OK);
	CHECK_INT(day, -730486);
	/* more than 4 year digits, leading zeros included */
	CHECK_STATUS(ds_parse_day("02017-12-25", 11, &day), DS_OK);
	CHECK_INT(day, 6568);
	CHECK_STATUS(ds_parse_day("10000-01-01", 11, &day), DS_OK);
	CHECK_INT(day, oracle_day_from_ymd(10000, 1, 1));
	/* len, not the NUL, ends the input */
	CHECK_STATUS(ds_parse_day("2017-12-25xyz", 10, &day), DS_OK);
	CHECK_INT(day, 6568);
}

static void
test_parse_day_errors(void)
{
	static const char *const syntax[] = {
		"", "-", "2017", "2017-", "2017-12", "2017-12-", "17-12-01",
		"217-12-01", "-217-12-01", "2017/12/01", "2017-12-01x", "x2017-12-01",
		"--2017-12-01", "2017--12-01", "2017-12--01", "2017-123-01",
		"2017-12-011", "2017-+1-01", "2017- 1-01", " 2017-12-01x",
		"2017-12-01T00:00", "20171201", "infinity", "-infinity", "today",
		"2017-12-0\xff", "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x91\xef\xbc\x97-12-01",
		"2017-1a-01", "a017-12-01", "2017-12-01-", "2017-12-01/2017-12-02",
		"{2017-12-01}"
	};
	size_t		i;
	int32_t		day;

	for (i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++)
		CHECK_MSG(ds_parse_day(syntax[i], strlen(syntax[i]), &day) != DS_OK,
				  "ds_parse_day(\"%s\") accepted, day %d", syntax[i], day);

	CHECK_STATUS(ds_parse_day("2017-13-01", 10, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_parse_day("2017-00-10", 10, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_parse_day("2017-12-00", 10, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_parse_day("2017-12-32", 10, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_parse_day("2017-02-29", 10, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_parse_day("1900-02-29", 10, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_parse_day("2017-99-99", 10, &day), DS_ERR_BAD_DATE);
	CHECK_STATUS(ds_parse_day("-4713-11-23", 11, &day), DS_ERR_DAY_RANGE);
	CHECK_STATUS(ds_parse_day("-4714-01-01", 11, &day), DS_ERR_DAY_RANGE);
	CHECK_STATUS(ds_parse_day("5874898-01-01", 13, &day), DS_ERR_DAY_RANGE);
	CHECK_STATUS(ds_parse_day("9999999-01-01", 13, &day), DS_ERR_DAY_RANGE);

	/* digit strings that overflow 32 and 64 bits: an error, no UB */
	CHECK_ERROR(ds_parse_day("2147483648-01-01", 16, &day));
	CHECK_ERROR(ds_parse_day("4294967296-01-01", 16, &day));
	CHECK_ERROR(ds_parse_day("-2147483649-01-01", 17, &day));
	CHECK_ERROR(ds_parse_day("99999999999999999999-01-01", 26, &day));
	CHECK_ERROR(ds_parse_day("-99999999999999999999-01-01", 27, &day));
	CHECK_ERROR(ds_parse_day("2017-99999999999999999999-01", 28, &day));
	CHECK_ERROR(ds_parse_day("2017-12-99999999999999999999", 28, &day));
	CHECK_ERROR(ds_parse_day("2017-4294967297-01", 18, &day));
	CHECK_ERROR(ds_parse_day("2017-12-4294967297", 18, &day));

	/* embedded NUL inside len */
	CHECK_ERROR(ds_parse_day("2017-12-01\0", 11, &day));
	CHECK_ERROR(ds_parse_day("2017\0-12-01", 11, &day));
	CHECK_ERROR(ds_parse_day("2017-12-0\0", 10, &day));
	/* cut short by len */
	CHECK_ERROR(ds_parse_day("2017-12-25", 9, &day));
	CHECK_ERROR(ds_parse_day("2017-12-25", 0, &day));
}

/*
 * ISO 8601 calendar dates have two-digit months and days; the formatter
 * writes them so.  One-digit fields are rejected.
 */
static void
test_parse_day_strict_iso(void)
{
	int32_t		day;

	CHECK_ERROR(ds_parse_day("2017-1-01", 9, &day));
	CHECK_ERROR(ds_parse_day("2017-01-1", 9, &day));
	CHECK_ERROR(ds_parse_day("2017-1-1", 8, &day));
}

/* Every prefix of a valid day is an error, never a read past len */
static void
test_parse_day_prefixes(void)
{
	static const char *const days[] = {
		"2017-12-25", "-4713-11-24", "5874897-12-31", "0000-02-29"
	};
	size_t		i,
				len;
	int32_t		day;

	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++)
		for (len = 0; len < strlen(days[i]); len++)
		{
			char	   *copy = malloc(len);

			/* exactly len bytes, no NUL: ASan flags any read at copy[len] */
			memcpy(copy, days[i], len);
			CHECK_MSG(ds_parse_day(copy, len, &day) != DS_OK,
					  "ds_parse_day(\"%.*s\") accepted", (int) len, days[i]);
			free(copy);
		}
}

void
run_calendar_tests(void)
{
	UT_RUN(test_calendar_known_days);
	UT_RUN(test_calendar_invalid_dates);
	UT_RUN(test_calendar_sweeps);
	UT_RUN(test_calendar_validity_grid);
	UT_RUN(test_format_day_known);
	UT_RUN(test_format_day_random);
	UT_RUN(test_parse_day_known);
	UT_RUN(test_parse_day_errors);
	UT_RUN(test_parse_day_strict_iso);
	UT_RUN(test_parse_day_prefixes);
}
