/*
 * The ODBC client: psqlODBC through unixODBC, as ODBC-based BI tools use it.
 *
 * Reads the fixture's raw rows (dates as SQL_C_TYPE_DATE), computes every
 * expected answer itself, and checks what viewstats returns through
 * SQLGetData: the streak aggregates as SQL_C_SLONG, dayset values as
 * SQL_C_CHAR (the text form) and as SQL_C_BINARY (psqlODBC transfers results
 * in text, so a dayset read as binary is its text's bytes, and the binary
 * form comes from dayset_send() as a bytea), and the privacy-safe counts. Prints "ok"/"not ok" lines; exits 1 on any
 * mismatch.
 *
 * Usage: odbc_client DSN   (ODBCSYSINI/ODBCINI point at the DSN files)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sql.h>
#include <sqlext.h>

#define MAX_GROUPS 128
#define MAX_DAYS 64

typedef struct Group
{
	int			viewer;
	int			title;
	int			ndays;
	int			days[MAX_DAYS];	/* days since 2000-01-01, sorted, distinct */
} Group;

static Group groups[MAX_GROUPS];
static int	ngroups;
static int	checks;
static int	failed;
static SQLHDBC dbc;

static void
check(int ok, const char *what, const char *detail)
{
	checks++;
	printf("%s %d - odbc: %s%s%s\n", ok ? "ok" : "not ok", checks, what,
		   ok ? "" : ": ", ok ? "" : detail);
	failed |= !ok;
}

static void
die(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
	SQLCHAR		state[6] = "", msg[512] = "";
	SQLINTEGER	native;
	SQLSMALLINT len;
	char		detail[700];

	SQLGetDiagRec(type, h, 1, state, &native, msg, sizeof(msg), &len);
	snprintf(detail, sizeof(detail), "%s: %s %s", what, state, msg);
	check(0, "client ran to the end", detail);
	exit(1);
}

#define TRY(type, h, call) \
	do { if (!SQL_SUCCEEDED(call)) die(type, h, #call); } while (0)

/* Days from 2000-01-01 to y-m-d, proleptic Gregorian (Howard Hinnant's days_from_civil). */
static int
day_number(int y, int m, int d)
{
	int			era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 - 10957;	/* 10957: 1970-01-01 to 2000-01-01 */
}

static void
format_day(int n, char *out)
{
	int			z = n + 10957 + 719468,
				era = (z >= 0 ? z : z - 146096) / 146097,
				doe = z - era * 146097,
				yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365,
				doy = doe - (365 * yoe + yoe / 4 - yoe / 100),
				mp = (5 * doy + 2) / 153,
				d = doy - (153 * mp + 2) / 5 + 1,
				m = mp + (mp < 10 ? 3 : -9),
				y = yoe + era * 400 + (m <= 2);

	sprintf(out, "%04d-%02d-%02d", y, m, d);
}

static Group *
group_of(int viewer, int title, int create)
{
	for (int i = 0; i < ngroups; i++)
		if (groups[i].viewer == viewer && groups[i].title == title)
			return &groups[i];
	if (!create || ngroups == MAX_GROUPS)
		return NULL;
	groups[ngroups].viewer = viewer;
	groups[ngroups].title = title;
	return &groups[ngroups++];
}

static void
add_day(Group *g, int day)
{
	int			i = g->ndays;

	for (int j = 0; j < g->ndays; j++)
		if (g->days[j] == day)
			return;
	if (g->ndays == MAX_DAYS)
		return;
	while (i > 0 && g->days[i - 1] > day)
	{
		g->days[i] = g->days[i - 1];
		i--;
	}
	g->days[i] = day;
	g->ndays++;
}

/* ---- the oracle: plain C over the raw rows ---- */

static int
longest(const Group *g, int max_gap)
{
	int			best = 0, cur = 0;

	for (int i = 0; i < g->ndays; i++)
	{
		cur = (i > 0 && g->days[i] - g->days[i - 1] <= max_gap + 1) ? cur + 1 : 1;
		if (cur > best)
			best = cur;
	}
	return best;
}

static int
current(const Group *g, int as_of)
{
	int			last = -1, n = 1;

	for (int i = 0; i < g->ndays && g->days[i] <= as_of; i++)
		last = i;
	if (last < 0 || as_of - g->days[last] > 1)
		return 0;
	for (int i = last; i > 0 && g->days[i] - g->days[i - 1] == 1; i--)
		n++;
	return n;
}

/* Text form into out; binary form into wire (returns its length). */
static int
forms(const Group *g, char *out, unsigned char *wire)
{
	int			nruns = 0, w = 8;
	char		a[16], b[16];

	strcpy(out, "{");
	for (int i = 0; i < g->ndays;)
	{
		int			j = i;

		while (j + 1 < g->ndays && g->days[j + 1] == g->days[j] + 1)
			j++;
		format_day(g->days[i], a);
		format_day(g->days[j], b);
		if (nruns++)
			strcat(out, ",");
		strcat(out, a);
		if (j > i)
		{
			strcat(out, "/");
			strcat(out, b);
		}
		for (int k = 0; k < 2; k++)
		{
			unsigned int v = (unsigned int) g->days[k ? j : i];

			wire[w++] = v >> 24;
			wire[w++] = v >> 16;
			wire[w++] = v >> 8;
			wire[w++] = v;
		}
		i = j + 1;
	}
	strcat(out, "}");
	wire[0] = 1;				/* version */
	wire[1] = wire[2] = wire[3] = 0;	/* flags, reserved */
	wire[4] = nruns >> 24;
	wire[5] = nruns >> 16;
	wire[6] = nruns >> 8;
	wire[7] = nruns;
	return w;
}

/* ---- the client ---- */

static void
read_raw(void)
{
	SQLHSTMT	st;
	SQLINTEGER	v, t;
	SQL_DATE_STRUCT d;
	SQLLEN		ind;

	TRY(SQL_HANDLE_DBC, dbc, SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLExecDirect(st, (SQLCHAR *) "SELECT viewer_id, title_id, day FROM views", SQL_NTS));
	while (SQL_SUCCEEDED(SQLFetch(st)))
	{
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 1, SQL_C_SLONG, &v, 0, &ind));
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 2, SQL_C_SLONG, &t, 0, &ind));
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 3, SQL_C_TYPE_DATE, &d, sizeof(d), &ind));
		add_day(group_of(v, t, 1), day_number(d.year, d.month, d.day));
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
}

static void
check_aggregates(void)
{
	SQLHSTMT	st;
	SQLINTEGER	v, t, got[3];
	SQLCHAR		text[4096];
	unsigned char wire[4096], want_wire[4096];
	char		want_text[4096], detail[512] = "";
	SQLLEN		ind, text_len, wire_len;
	SQLSMALLINT sqltype, digits, nullable, namelen;
	SQLULEN		size;
	SQLCHAR		name[64];
	int			rows = 0, bad_streaks = 0, bad_text = 0, bad_wire = 0, streakers = 0;
	int			as_of = day_number(2017, 12, 10);

	TRY(SQL_HANDLE_DBC, dbc, SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLExecDirect(st, (SQLCHAR *)
		"SELECT viewer_id, title_id, longest_streak(day), longest_streak(day, 1), "
		"current_streak(day, date '2017-12-10'), dayset_agg(day), "
		"dayset_send(dayset_agg(day)) FROM views GROUP BY 1, 2", SQL_NTS));
	TRY(SQL_HANDLE_STMT, st, SQLDescribeCol(st, 6, name, sizeof(name), &namelen, &sqltype,
											&size, &digits, &nullable));
	check(sqltype == SQL_VARCHAR || sqltype == SQL_LONGVARCHAR || sqltype == SQL_WVARCHAR ||
		  sqltype == SQL_WLONGVARCHAR, "a dayset column is described as character data", "");
	while (SQL_SUCCEEDED(SQLFetch(st)))
	{
		Group	   *g;
		int			want_len;

		rows++;
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 1, SQL_C_SLONG, &v, 0, &ind));
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 2, SQL_C_SLONG, &t, 0, &ind));
		for (int c = 0; c < 3; c++)
			TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 3 + c, SQL_C_SLONG, &got[c], 0, &ind));
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 6, SQL_C_CHAR, text, sizeof(text), &text_len));
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 7, SQL_C_BINARY, wire, sizeof(wire), &wire_len));
		g = group_of(v, t, 0);
		if (g == NULL)
		{
			bad_streaks++;
			continue;
		}
		want_len = forms(g, want_text, want_wire);
		if (got[0] != longest(g, 0) || got[1] != longest(g, 1) || got[2] != current(g, as_of))
		{
			bad_streaks++;
			snprintf(detail, sizeof(detail), "(%d,%d) got %d %d %d want %d %d %d", v, t,
					 got[0], got[1], got[2], longest(g, 0), longest(g, 1), current(g, as_of));
		}
		if (strcmp((char *) text, want_text) != 0 || text_len != (SQLLEN) strlen(want_text))
		{
			bad_text++;
			snprintf(detail, sizeof(detail), "(%d,%d) got %.200s want %.200s", v, t, text, want_text);
		}
		if (wire_len != want_len || memcmp(wire, want_wire, want_len) != 0)
			bad_wire++;
		if (t == 1 && got[2] >= 18)
			streakers++;
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);

	/* What a tool asking for SQL_C_BINARY on the dayset column itself gets. */
	TRY(SQL_HANDLE_DBC, dbc, SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLExecDirect(st, (SQLCHAR *) "SELECT '{2017-12-01}'::dayset", SQL_NTS));
	TRY(SQL_HANDLE_STMT, st, SQLFetch(st));
	if (SQL_SUCCEEDED(SQLGetData(st, 1, SQL_C_BINARY, wire, sizeof(wire), &wire_len)))
		printf("# note: SQL_C_BINARY on a dayset column gives %ld bytes\n", (long) wire_len);
	else
	{
		SQLCHAR		state[6] = "";
		SQLINTEGER	native;
		SQLSMALLINT len;

		SQLGetDiagRec(SQL_HANDLE_STMT, st, 1, state, &native, NULL, 0, &len);
		printf("# note: SQL_C_BINARY on a dayset column: SQLSTATE %s (use dayset_send())\n", state);
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);

	check(rows == ngroups && ngroups == 62, "62 groups, as in the raw rows", detail);
	check(bad_streaks == 0, "SQL_C_SLONG streaks match the oracle", detail);
	check(bad_text == 0, "dayset as SQL_C_CHAR is its text form", detail);
	check(bad_wire == 0, "dayset_send() as SQL_C_BINARY is the binary form", "bytes differ");
	check(streakers == 5, "five 18-day streakers on title 1", "");
}

static void
check_safe_counts(void)
{
	SQLHSTMT	st;
	SQLINTEGER	k = 0, title;
	SQLBIGINT	sup, per;
	SQLLEN		ind, sup_ind, per_ind;
	char		detail[256] = "";
	int			bad = 0;

	TRY(SQL_HANDLE_DBC, dbc, SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLExecDirect(st, (SQLCHAR *)
		"SELECT current_setting('viewstats.min_group_size')::int", SQL_NTS));
	if (SQL_SUCCEEDED(SQLFetch(st)))
		SQLGetData(st, 1, SQL_C_SLONG, &k, 0, &ind);
	SQLFreeHandle(SQL_HANDLE_STMT, st);

	TRY(SQL_HANDLE_DBC, dbc, SQLAllocHandle(SQL_HANDLE_STMT, dbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLExecDirect(st, (SQLCHAR *)
		"SELECT title_id, suppressed_count(viewer_id), perturbed_count(viewer_id) "
		"FROM views GROUP BY title_id", SQL_NTS));
	while (SQL_SUCCEEDED(SQLFetch(st)))
	{
		int			n = 0;

		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 1, SQL_C_SLONG, &title, 0, &ind));
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 2, SQL_C_SBIGINT, &sup, 0, &sup_ind));
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 3, SQL_C_SBIGINT, &per, 0, &per_ind));
		for (int i = 0; i < ngroups; i++)
			n += groups[i].title == title;
		if (n >= k ? (sup_ind == SQL_NULL_DATA || sup != n) : sup_ind != SQL_NULL_DATA)
			bad++;
		if (n >= k ? (per_ind == SQL_NULL_DATA || llabs(per - n) > 2) : per_ind != SQL_NULL_DATA)
			bad++;
		if (bad && !detail[0])
			snprintf(detail, sizeof(detail), "title %d: %d viewers", (int) title, n);
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	check(bad == 0, "suppressed_count and perturbed_count as SQL_C_SBIGINT with NULL indicators", detail);
}

/* A restricted group: published iff n >= 10, then within tol of n */
static int
published_ok(int got_null, SQLBIGINT got, int n, int tol)
{
	return got_null ? n < 10 : n >= 10 && llabs(got - n) <= tol;
}

/*
 * The restricted role of restricted_fixture.sql, as an ODBC BI tool uses
 * it: SQLTables and SQLColumns, a public table, and the queries
 * prepared (SQLPrepare, server-side) and executed with a parameter.
 */
static void
check_restricted(SQLHENV env, const char *dsn, const char *user)
{
	SQLHDBC		rdbc;
	SQLHSTMT	st;
	char		conn[256], detail[256] = "";
	SQLLEN		ind, ind2;
	SQLINTEGER	title = 0, ls;
	SQLBIGINT	c;
	SQLCHAR		state[6] = "";
	SQLINTEGER	native;
	SQLSMALLINT len;
	SQLCHAR		msg[256];
	int			n, bad = 0, found = 0;

	SQLAllocHandle(SQL_HANDLE_DBC, env, &rdbc);
	snprintf(conn, sizeof(conn), "DSN=%s;Username=%s;", dsn, user);
	TRY(SQL_HANDLE_DBC, rdbc, SQLDriverConnect(rdbc, NULL, (SQLCHAR *) conn, SQL_NTS,
											   NULL, 0, NULL, SQL_DRIVER_NOPROMPT));
	/* catalog metadata, the way BI tools list tables and columns */
	TRY(SQL_HANDLE_DBC, rdbc, SQLAllocHandle(SQL_HANDLE_STMT, rdbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLTables(st, NULL, 0, (SQLCHAR *) "public", SQL_NTS,
									   (SQLCHAR *) "%", SQL_NTS, (SQLCHAR *) "TABLE", SQL_NTS));
	while (SQL_SUCCEEDED(SQLFetch(st)))
	{
		char		name[64];

		SQLGetData(st, 3, SQL_C_CHAR, name, sizeof(name), &ind);
		found += strcmp(name, "views_p") == 0 || strcmp(name, "titles_p") == 0;
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	check(found == 2, "restricted: SQLTables lists the tables", "");
	found = 0;
	TRY(SQL_HANDLE_DBC, rdbc, SQLAllocHandle(SQL_HANDLE_STMT, rdbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLColumns(st, NULL, 0, (SQLCHAR *) "public", SQL_NTS,
										(SQLCHAR *) "views_p", SQL_NTS, (SQLCHAR *) "%", SQL_NTS));
	while (SQL_SUCCEEDED(SQLFetch(st)))
		found++;
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	check(found == 3, "restricted: SQLColumns", "");

	/* a public table */
	TRY(SQL_HANDLE_DBC, rdbc, SQLAllocHandle(SQL_HANDLE_STMT, rdbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLExecDirect(st, (SQLCHAR *) "SELECT count(*) FROM titles_p", SQL_NTS));
	n = 0;
	if (SQL_SUCCEEDED(SQLFetch(st)))
		SQLGetData(st, 1, SQL_C_SLONG, &n, 0, &ind);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	check(n == 4, "restricted: a public table is read freely", "");

	/* query 4: a join with titles, prepared, one title per execution */
	TRY(SQL_HANDLE_DBC, rdbc, SQLAllocHandle(SQL_HANDLE_STMT, rdbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLPrepare(st, (SQLCHAR *)
		"SELECT t.name, perturbed_count(v.viewer_id) FROM views_p v JOIN titles_p t USING (title_id) "
		"WHERE v.title_id = ? GROUP BY t.name", SQL_NTS));
	TRY(SQL_HANDLE_STMT, st, SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER,
											  0, 0, &title, 0, NULL));
	for (title = 1; title <= 3; title++)
	{
		int			got_null = 1;

		c = 0;
		n = 0;
		for (int i = 0; i < ngroups; i++)
			n += groups[i].title == title;
		TRY(SQL_HANDLE_STMT, st, SQLExecute(st));
		if (SQL_SUCCEEDED(SQLFetch(st)))
		{
			TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 2, SQL_C_SBIGINT, &c, 0, &ind));
			got_null = ind == SQL_NULL_DATA;
		}
		SQLCloseCursor(st);
		if (!published_ok(got_null, c, n, 2))
		{
			bad++;
			snprintf(detail, sizeof(detail), "title %d: %lld for %d", (int) title, (long long) c, n);
		}
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	check(bad == 0, "restricted: query 4, a join with titles, prepared with a parameter", detail);

	/* query 3: the histogram of longest streaks of title 1 */
	bad = 0;
	TRY(SQL_HANDLE_DBC, rdbc, SQLAllocHandle(SQL_HANDLE_STMT, rdbc, &st));
	TRY(SQL_HANDLE_STMT, st, SQLPrepare(st, (SQLCHAR *)
		"SELECT ls, perturbed_count(viewer_id) FROM (SELECT viewer_id, longest_streak(day) AS ls "
		"FROM views_p WHERE title_id = 1 GROUP BY viewer_id) s GROUP BY ls", SQL_NTS));
	TRY(SQL_HANDLE_STMT, st, SQLExecute(st));
	while (SQL_SUCCEEDED(SQLFetch(st)))
	{
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 1, SQL_C_SLONG, &ls, 0, &ind));
		TRY(SQL_HANDLE_STMT, st, SQLGetData(st, 2, SQL_C_SBIGINT, &c, 0, &ind2));
		n = 0;
		for (int i = 0; i < ngroups; i++)
			n += groups[i].title == 1 && longest(&groups[i], 0) == ls;
		if (!published_ok(ind2 == SQL_NULL_DATA, c, n, 2))
		{
			bad++;
			snprintf(detail, sizeof(detail), "ls %d: %lld for %d", (int) ls, (long long) c, n);
		}
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	check(bad == 0, "restricted: query 3, every published streak length within 2", detail);

	/* raw rows are refused, with 42501 */
	TRY(SQL_HANDLE_DBC, rdbc, SQLAllocHandle(SQL_HANDLE_STMT, rdbc, &st));
	if (SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *) "SELECT viewer_id FROM views_p", SQL_NTS)))
		check(0, "restricted: raw rows refused", "returned rows");
	else
	{
		SQLGetDiagRec(SQL_HANDLE_STMT, st, 1, state, &native, msg, sizeof(msg), &len);
		check(strcmp((char *) state, "42501") == 0, "restricted: raw rows refused with 42501",
			  (char *) state);
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	SQLDisconnect(rdbc);
	SQLFreeHandle(SQL_HANDLE_DBC, rdbc);
}

int
main(int argc, char **argv)
{
	SQLHENV		env;
	char		conn[256];

	if (argc != 2)
	{
		fprintf(stderr, "usage: %s DSN\n", argv[0]);
		return 2;
	}
	SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env);
	SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER) SQL_OV_ODBC3, 0);
	SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc);
	snprintf(conn, sizeof(conn), "DSN=%s;", argv[1]);
	TRY(SQL_HANDLE_DBC, dbc, SQLDriverConnect(dbc, NULL, (SQLCHAR *) conn, SQL_NTS,
											  NULL, 0, NULL, SQL_DRIVER_NOPROMPT));
	read_raw();
	check_aggregates();
	check_safe_counts();
	SQLDisconnect(dbc);
	SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	if (getenv("VS_RESTRICTED_USER") != NULL)
		check_restricted(env, argv[1], getenv("VS_RESTRICTED_USER"));
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	return failed ? 1 : 0;
}
