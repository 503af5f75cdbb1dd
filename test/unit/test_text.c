/*
 * test_text.c
 *		The text form {2017-11-23/2017-12-10,2017-12-12}: parsing, normalizing,
 *		formatting, and the catalogue of malformed input.
 *
 * Inputs are copied into buffers of exactly their length with no NUL, so
 * ASan reports any read past len.
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>

void		run_text_tests(void);

/* Parse exactly len bytes of txt from a private, unterminated buffer */
static ds_status
parse_exact(const char *txt, size_t len, ds_run **out, int32_t *n,
			size_t *errpos)
{
	char	   *copy = malloc(len);
	ds_status	st;

	memcpy(copy, txt, len);
	st = text_to_runs(copy, len, out, n, errpos);
	free(copy);
	return st;
}

static void
check_text(const char *input, const char *want)
{
	ds_run	   *runs;
	int32_t		n;
	size_t		errpos = 0;
	ds_status	st = parse_exact(input, strlen(input), &runs, &n, &errpos);

	CHECK_MSG(st == DS_OK, "parse \"%s\": %s at byte %zu", input,
			  ut_status_name(st), errpos);
	if (st == DS_OK)
	{
		char	   *txt = runs_to_text(runs, n);
		ds_run	   *again;
		int32_t		n2;

		CHECK_MSG(ds_is_normalized(runs, n), "\"%s\" not normalized", input);
		CHECK_MSG(strcmp(txt, want) == 0, "\"%s\" formats as \"%s\", want \"%s\"",
				  input, txt, want);
		/* the canonical form is a fixed point */
		CHECK_STATUS(parse_exact(txt, strlen(txt), &again, &n2, NULL), DS_OK);
		CHECK_MSG(again && ds_equal(runs, n, again, n2),
				  "\"%s\" does not parse back to itself", txt);
		free(again);
		free(txt);
	}
	free(runs);
}

static void
check_bad_text(const char *input, size_t len)
{
	ds_run	   *runs;
	int32_t		n;
	size_t		errpos = (size_t) -1;
	ds_status	st = parse_exact(input, len, &runs, &n, &errpos);

	CHECK_MSG(st != DS_OK, "\"%.*s\" (len %zu) accepted", (int) len, input, len);
	CHECK_MSG(st == DS_OK || st == DS_ERR_SYNTAX || st == DS_ERR_BAD_DATE ||
			  st == DS_ERR_DAY_RANGE || st == DS_ERR_RANGE_ORDER,
			  "\"%.*s\": unexpected %s", (int) len, input, ut_status_name(st));
	CHECK_MSG(st == DS_OK || errpos <= len,
			  "\"%.*s\": errpos %zu beyond len %zu", (int) len, input, errpos,
			  len);
	free(runs);
}

static void
check_bad_status(const char *input, ds_status want)
{
	ds_run	   *runs;
	int32_t		n;
	ds_status	st = parse_exact(input, strlen(input), &runs, &n, NULL);

	CHECK_MSG(st == want, "\"%s\": got %s, want %s", input, ut_status_name(st),
			  ut_status_name(want));
	free(runs);
}

static void
test_text_round_trips(void)
{
	check_text("{}", "{}");
	check_text("{2017-12-01}", "{2017-12-01}");
	check_text("{2017-11-23/2017-12-10,2017-12-12}",
			   "{2017-11-23/2017-12-10,2017-12-12}");
	check_text("{-4713-11-24}", "{-4713-11-24}");
	check_text("{5874897-12-31}", "{5874897-12-31}");
	check_text("{-4713-11-24/5874897-12-31}", "{-4713-11-24/5874897-12-31}");
	check_text("{-4713-11-24,5874897-12-31}", "{-4713-11-24,5874897-12-31}");
	check_text("{0000-02-29}", "{0000-02-29}");
	check_text("{-0001-12-31,0000-01-02}", "{-0001-12-31,0000-01-02}");
	check_text("{9999-12-31,10000-01-02}", "{9999-12-31,10000-01-02}");
	check_text("{2000-02-29/2000-03-01}", "{2000-02-29/2000-03-01}");
}

static void
test_text_normalizes(void)
{
	check_text("{ 2017-12-03 , 2017-12-01/2017-12-02,2017-12-02 }",
			   "{2017-12-01/2017-12-03}");
	check_text("{2017-12-12,2017-11-23/2017-12-10}",
			   "{2017-11-23/2017-12-10,2017-12-12}");
	check_text("{2017-12-01/2017-12-01}", "{2017-12-01}");
	check_text("{2017-12-01,2017-12-01,2017-12-01}", "{2017-12-01}");
	check_text("{2017-12-01/2017-12-05,2017-12-03/2017-12-10}",
			   "{2017-12-01/2017-12-10}");
	check_text("{2017-12-03/2017-12-10,2017-12-01/2017-12-05}",
			   "{2017-12-01/2017-12-10}");
	check_text("{2017-12-01/2017-12-05,2017-12-06}", "{2017-12-01/2017-12-06}");
	check_text("{2017-12-06,2017-12-01/2017-12-05}", "{2017-12-01/2017-12-06}");
	check_text("{2017-12-01/2017-12-31,2017-12-10/2017-12-12}",
			   "{2017-12-01/2017-12-31}");
	check_text("{1999-12-31,2000-01-01}", "{1999-12-31/2000-01-01}");
	check_text("{-0001-12-31,0000-01-01}", "{-0001-12-31/0000-01-01}");
	check_text("{2017-12-05,2017-12-03,2017-12-01}",
			   "{2017-12-01,2017-12-03,2017-12-05}");
	check_text("{2017-12-05,2017-12-03,2017-12-04}", "{2017-12-03/2017-12-05}");
	check_text("{5874897-12-31,-4713-11-24/5874897-12-30}",
			   "{-4713-11-24/5874897-12-31}");
	check_text("{02017-12-01}", "{2017-12-01}");
}

/* White space around every token, of every kind C's isspace knows */
static void
test_text_white_space(void)
{
	check_text("{ }", "{}");
	check_text("{\t\n\r\f }", "{}");
	check_text("  {2017-12-01}  ", "{2017-12-01}");
	check_text("\n{\t2017-12-01 /\t2017-12-03\n,\r2017-12-05 }\n",
			   "{2017-12-01/2017-12-03,2017-12-05}");
	check_text("{2017-12-01 / 2017-12-03}", "{2017-12-01/2017-12-03}");
}

static void
test_text_malformed(void)
{
	static const char *const bad[] = {
		"", " ", "{", "}", "}{", "{{}}", "{ { } }", "{}}", "{{}",
		"{2017-12-01", "2017-12-01}", "2017-12-01", "{2017-12-01}x",
		"{2017-12-01} x", "{}{}", "{} {}", "x{2017-12-01}",
		"{,}", "{ , }", "{2017-12-01,}", "{,2017-12-01}",
		"{2017-12-01,,2017-12-02}", "{2017-12-01 2017-12-02}",
		"{2017-12-01/}", "{/2017-12-01}", "{/}", "{2017-12-01//2017-12-02}",
		"{2017-12-01/2017-12-02/2017-12-03}", "{2017-12-01;2017-12-02}",
		"[2017-12-01]", "(2017-12-01)", "{2017-12-01}}", "{{2017-12-01}",
		"{2017-12-01},{2017-12-02}", "{\"2017-12-01\"}", "{'2017-12-01'}",
		"{NULL}", "{null}", "{infinity}", "{-infinity}", "{today}",
		"{2017-12-01T00:00:00}", "{2017-12-01 00:00}", "{20171201}",
		"{17-12-01}", "{2017-12}", "{2017}", "{-}", "{--2017-12-01}",
		"{2017-12-01-}", "{2017-12-0a}", "{2017-12-01\xff}", "{\xff}",
		"{2017-12-01,\x80}", "{2017-12-01}\xc2\xa0",
		"{2017-12-05/2017-12-01}", "{2017-12-02/2017-12-01}",
		"{2017-12-01,2017-12-05/2017-12-01}", "{5874897-12-31/-4713-11-24}",
		"{2017-13-01}", "{2017-02-29}", "{2017-12-32}", "{2017-00-01}",
		"{2017-12-00}", "{1900-02-29}", "{2017-12-01/2017-02-30}",
		"{-4713-11-23}", "{5874898-01-01}", "{2017-12-01/5874898-01-01}",
		"{-4714-01-01/2017-12-01}", "{-4713-11-23/-4713-11-24}",
		"{99999999999999999999-01-01}", "{-99999999999999999999-01-01}",
		"{2017-99999999999999999999-01}", "{2017-12-99999999999999999999}",
		"{4294967296-01-01}", "{2147483648-01-01}", "{2017-4294967297-01}",
		"{2017-12-01/99999999999999999999-01-01}",
	};
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_bad_text(bad[i], strlen(bad[i]));
}

/* Codes where the right one is obvious from the header */
static void
test_text_error_codes(void)
{
	check_bad_status("2017-12-01", DS_ERR_SYNTAX);
	check_bad_status("{2017-12-01", DS_ERR_SYNTAX);
	check_bad_status("{2017-12-01}x", DS_ERR_SYNTAX);
	check_bad_status("{,}", DS_ERR_SYNTAX);
	check_bad_status("{2017-12-01 2017-12-02}", DS_ERR_SYNTAX);
	check_bad_status("{2017-13-01}", DS_ERR_BAD_DATE);
	check_bad_status("{2017-02-29}", DS_ERR_BAD_DATE);
	check_bad_status("{2017-12-01/2017-12-32}", DS_ERR_BAD_DATE);
	check_bad_status("{-4713-11-23}", DS_ERR_DAY_RANGE);
	check_bad_status("{5874898-01-01}", DS_ERR_DAY_RANGE);
	check_bad_status("{2017-12-01/5874898-01-01}", DS_ERR_DAY_RANGE);
	check_bad_status("{2017-12-05/2017-12-01}", DS_ERR_RANGE_ORDER);
	check_bad_status("{2017-12-02/2017-12-01}", DS_ERR_RANGE_ORDER);
	check_bad_status("{5874897-12-31/-4713-11-24}", DS_ERR_RANGE_ORDER);
}

/* One-digit months and days are not ISO 8601 calendar dates */
static void
test_text_strict_iso(void)
{
	check_bad_text("{2017-1-01}", 11);
	check_bad_text("{2017-01-1}", 11);
	check_bad_text("{17-01-01}", 10);
}

static void
test_text_embedded_nul(void)
{
	check_bad_text("{2017-12-01}\0", 13);
	check_bad_text("{2017-12\0-01}", 13);
	check_bad_text("{\0}", 3);
	check_bad_text("{}\0", 3);
	check_bad_text("\0{}", 3);
	check_bad_text("{2017-12-01,\0002017-12-02}", 24);
	check_bad_text("{2017-12-01/\0002017-12-02}", 24);
	/* len ends the input, whatever follows in memory */
	{
		ds_run	   *runs;
		int32_t		n;

		CHECK_STATUS(text_to_runs("{2017-12-01}garbage", 12, &runs, &n, NULL),
					 DS_OK);
		CHECK_INT(n, 1);
		free(runs);
	}
}

/* Every proper prefix of a valid text is incomplete: an error, no overread */
static void
test_text_prefixes(void)
{
	static const char *const good[] = {
		"{}", "{2017-12-01}", "{ 2017-12-03 , 2017-12-01/2017-12-02 }",
		"{-4713-11-24/5874897-12-31}", "{0000-02-29,10000-01-01}"
	};
	size_t		i,
				len;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		for (len = 0; len < strlen(good[i]); len++)
			check_bad_text(good[i], len);
}

/* Parsing adds to whatever the builder already holds */
static void
test_text_parse_into_builder(void)
{
	ds_builder	b;
	size_t		errpos;
	char	   *txt;
	const char *in = "{2017-12-03,2017-12-01}";

	ds_builder_init(&b);
	CHECK_STATUS(ds_builder_add_day(&b, 6547), DS_OK);	/* 2017-12-04 */
	CHECK_STATUS(ds_builder_add_day(&b, 0), DS_OK);
	CHECK_STATUS(ds_parse(in, strlen(in), &b, &errpos), DS_OK);
	CHECK_STATUS(ds_builder_finish(&b), DS_OK);
	txt = runs_to_text(b.runs, b.nruns);
	CHECK_STR(txt, "{2000-01-01,2017-12-01,2017-12-03/2017-12-04}");
	free(txt);
	ds_builder_free(&b);

	/* a failed parse leaves a builder that can still be freed (LSan checks) */
	ds_builder_init(&b);
	in = "{2017-12-01,2017-12-02,2017-12-05/2017-12-07,oops}";
	CHECK_ERROR(ds_parse(in, strlen(in), &b, &errpos));
	CHECK_MSG(errpos >= 45 && errpos <= strlen(in),
			  "errpos %zu should point at or after \"oops\" (byte 45)", errpos);
	ds_builder_free(&b);
}

/* Many runs, text far beyond any fixed buffer */
static void
test_text_large(void)
{
	int32_t		n = 100000,
				i;
	ds_run	   *a = malloc(sizeof(ds_run) * (size_t) n);
	char	   *txt;
	ds_run	   *back;
	int32_t		nback;

	for (i = 0; i < n; i++)
	{
		a[i].first = -50000 + 3 * i;
		a[i].last = a[i].first + (i % 2);
	}
	txt = runs_to_text(a, n);
	CHECK_STATUS(text_to_runs(txt, strlen(txt), &back, &nback, NULL), DS_OK);
	CHECK(back && ds_equal(a, n, back, nback));
	free(back);
	free(txt);
	free(a);
}

/* ds_text_bound holds for the widest possible runs, 7-digit years */
static void
test_text_bound_worst_case(void)
{
	int32_t		n = 5000,
				i;
	ds_run	   *a = malloc(sizeof(ds_run) * (size_t) n);
	char	   *txt;

	CHECK(ds_text_bound(0) >= 2);
	txt = runs_to_text(a, 0);
	CHECK_STR(txt, "{}");
	free(txt);

	/* top of the range: "5874897-MM-DD/5874897-MM-DD," */
	for (i = 0; i < n; i++)
	{
		a[i].last = DS_MAX_DAY - 3 * (n - 1 - i);
		a[i].first = a[i].last - 1;
	}
	txt = runs_to_text(a, n);
	CHECK_INT(strlen(txt), 1 + 28 * (size_t) n);
	free(txt);
	/* one run at each end */
	a[0].first = DS_MIN_DAY;
	a[0].last = DS_MIN_DAY + 1;
	a[1].first = DS_MAX_DAY - 1;
	a[1].last = DS_MAX_DAY;
	txt = runs_to_text(a, 2);
	CHECK_STR(txt, "{-4713-11-24/-4713-11-25,5874897-12-30/5874897-12-31}");
	free(txt);
	free(a);
}

void
run_text_tests(void)
{
	UT_RUN(test_text_round_trips);
	UT_RUN(test_text_normalizes);
	UT_RUN(test_text_white_space);
	UT_RUN(test_text_malformed);
	UT_RUN(test_text_error_codes);
	UT_RUN(test_text_strict_iso);
	UT_RUN(test_text_embedded_nul);
	UT_RUN(test_text_prefixes);
	UT_RUN(test_text_parse_into_builder);
	UT_RUN(test_text_large);
	UT_RUN(test_text_bound_worst_case);
}
