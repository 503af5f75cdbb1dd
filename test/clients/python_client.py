#!/usr/bin/python3
"""The Python client: psycopg 3 and pandas, as an analyst uses them.

Reads the fixture's raw rows, computes every expected answer in plain
Python, and checks what viewstats returns through psycopg: the streak
aggregates read into a pandas DataFrame, dayset values in text (str) and in
binary (a binary cursor gives dayset_send's bytes), and the privacy-safe
counts. Prints TAP-style "ok" / "not ok" lines and
exits non-zero on any mismatch. Connection from the libpq environment.
"""

import datetime
import struct
import sys
import warnings

import pandas as pd
import psycopg
import psycopg.sql
from psycopg.adapt import Dumper
from psycopg.pq import Format
from psycopg.types import TypeInfo

PG_EPOCH = datetime.date(2000, 1, 1)
AS_OF = datetime.date(2017, 12, 10)
results = []


class WireDayset(bytes):
    """A dayset in its binary (send/recv) form, to be sent as a parameter."""


def check(ok, what, detail=""):
    results.append(ok)
    n = len(results)
    print("%s %d - python: %s%s" % ("ok" if ok else "not ok", n, what,
                                    "" if ok else ": " + detail))


# ---- the oracle: plain Python over the raw rows ----------------------------

def runs(days):
    """Sorted distinct days -> [(first, last)] of consecutive days."""
    out = []
    for d in sorted(set(days)):
        if out and (d - out[-1][1]).days == 1:
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def longest(days, max_gap=0):
    ds = sorted(set(days))
    best = cur = 0
    for i, d in enumerate(ds):
        cur = cur + 1 if i and (d - ds[i - 1]).days <= max_gap + 1 else 1
        best = max(best, cur)
    return best


def current(days, as_of, max_gap=0):
    ds = [d for d in sorted(set(days)) if d <= as_of]
    if not ds or (as_of - ds[-1]).days > max_gap + 1:
        return 0
    n = 1
    for i in range(len(ds) - 1, 0, -1):
        if (ds[i] - ds[i - 1]).days > max_gap + 1:
            break
        n += 1
    return n


def text_form(days):
    return "{" + ",".join(a.isoformat() if a == b else "%s/%s" % (a, b)
                          for a, b in runs(days)) + "}"


def wire_form(days):
    rs = runs(days)
    out = struct.pack(">BBHi", 1, 0, 0, len(rs))
    for a, b in rs:
        out += struct.pack(">ii", (a - PG_EPOCH).days, (b - PG_EPOCH).days)
    return out


# ---- the client ---------------------------------------------------------------

def main():
    conn = psycopg.connect(autocommit=True)
    raw = {}
    viewers = {}
    with conn.cursor() as cur:
        cur.execute("SELECT viewer_id, title_id, day FROM views")
        for v, t, d in cur:
            raw.setdefault((v, t), []).append(d)
            viewers.setdefault(t, set()).add(v)
    check(len(raw) == 62, "fixture has 62 viewer-title groups", str(len(raw)))

    # The analyst's way: a query straight into a DataFrame.
    query = """
        SELECT viewer_id, title_id,
               longest_streak(day) AS longest,
               longest_streak(day, 1) AS longest_gap_1,
               current_streak(day, date '2017-12-10') AS current,
               dayset_agg(day) AS days
        FROM views
        GROUP BY viewer_id, title_id
        ORDER BY viewer_id, title_id"""
    with warnings.catch_warnings():
        # pandas 1.5 warns about DBAPI connections other than sqlite3; the
        # DBAPI path it then takes is exactly what an analyst gets.
        warnings.simplefilter("ignore", UserWarning)
        df = pd.read_sql(query, conn)
    check(list(df.columns) == ["viewer_id", "title_id", "longest",
                               "longest_gap_1", "current", "days"],
          "DataFrame columns", str(list(df.columns)))
    check(len(df) == len(raw), "one DataFrame row per group", str(len(df)))
    check(str(df["longest"].dtype) == "int64", "streaks arrive as integers",
          str(df["longest"].dtype))
    bad = []
    for row in df.itertuples(index=False):
        days = raw[(row.viewer_id, row.title_id)]
        want = (longest(days), longest(days, 1), current(days, AS_OF), text_form(days))
        got = (row.longest, row.longest_gap_1, row.current, row.days)
        if want != got:
            bad.append("%s: want %s got %s" % ((row.viewer_id, row.title_id), want, got))
    check(not bad, "longest_streak, current_streak and dayset text match the oracle",
          "; ".join(bad[:3]))

    # What the DataFrame says about title 1, as a report would print it.
    t1 = df[df.title_id == 1]
    check(int((t1.current >= 18).sum()) == 5, "five 18-day streakers on title 1",
          str(int((t1.current >= 18).sum())))
    want_max = max(longest(raw[k]) for k in raw if k[1] == 1)
    check(int(t1.longest.max()) == want_max, "pandas max of longest streaks",
          "%s vs %s" % (t1.longest.max(), want_max))

    # Text results: an unknown type arrives as str.
    with conn.cursor() as cur:
        cur.execute("SELECT dayset_agg(day) FROM views WHERE viewer_id = 41 AND title_id = 1")
        val = cur.fetchone()[0]
    check(isinstance(val, str) and val == "{2017-11-23/2017-12-10}",
          "text cursor returns dayset as str", repr(val))

    # Binary results: the cursor asks for binary, so a dayset arrives as the
    # bytes of its send function; the int4 aggregates as Python ints.
    bad = []
    with conn.cursor(binary=True) as cur:
        cur.execute("SELECT viewer_id, title_id, dayset_agg(day), longest_streak(day) "
                    "FROM views GROUP BY 1, 2")
        fmt = [cur.pgresult.fformat(i) for i in range(4)]
        rows = cur.fetchall()
    check(fmt == [1, 1, 1, 1], "binary cursor received every column in binary", str(fmt))
    for v, t, ds, ls in rows:
        days = raw[(v, t)]
        if bytes(ds) != wire_form(days) or ls != longest(days):
            bad.append("%s: %r" % ((v, t), bytes(ds)))
    check(len(rows) == len(raw) and not bad, "binary dayset bytes match the oracle",
          "; ".join(bad[:3]))

    # Binary parameters: a dumper tells psycopg that these bytes are a
    # dayset in binary, so the server's receive function reads them.
    oid = TypeInfo.fetch(conn, "dayset").oid

    class DaysetBinaryDumper(Dumper):
        format = Format.BINARY

        def dump(self, obj):
            return bytes(obj)

    DaysetBinaryDumper.oid = oid
    conn.adapters.register_dumper(WireDayset, DaysetBinaryDumper)
    days = raw[(1, 1)]
    with conn.cursor() as cur:
        cur.execute("SELECT %b::text, day_count(%b)",
                    (WireDayset(wire_form(days)), WireDayset(wire_form(days))))
        text, count = cur.fetchone()
    check(text == text_form(days) and count == len(set(days)),
          "binary parameter is received as a dayset", "%s %s" % (text, count))

    safe_counts(conn, viewers)
    conn.close()
    restricted(raw, viewers)


def safe_counts(conn, viewers):
    with conn.cursor() as cur:
        cur.execute("SELECT current_setting('viewstats.min_group_size')::int")
        k = cur.fetchone()[0]
    q = """SELECT title_id, suppressed_count(viewer_id), perturbed_count(viewer_id),
                  dp_count(viewer_id, 1.0)
           FROM views GROUP BY title_id ORDER BY title_id"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        df = pd.read_sql(q, conn)
        again = pd.read_sql(q, conn)
    bad = []
    for row in df.itertuples(index=False):
        n = len(viewers[row.title_id])
        want = n if n >= k else None
        got = None if pd.isna(row.suppressed_count) else int(row.suppressed_count)
        if got != want:
            bad.append("title %d: suppressed %s, want %s" % (row.title_id, got, want))
        if n < k and not pd.isna(row.perturbed_count):
            bad.append("title %d: perturbed %s published below %d" % (row.title_id, row.perturbed_count, k))
        if n >= k and (pd.isna(row.perturbed_count) or abs(row.perturbed_count - n) > 2):
            bad.append("title %d: perturbed %s for %d" % (row.title_id, row.perturbed_count, n))
    check(not bad, "suppressed_count and perturbed_count in a DataFrame", "; ".join(bad))
    check(df.perturbed_count.equals(again.perturbed_count),
          "perturbed_count is the same on a repeat", "")
    dp = df.set_index("title_id").dp_count
    n1 = len(viewers[1])
    check(not pd.isna(dp[1]) and abs(int(dp[1]) - n1) <= 30,
          "dp_count releases the 45-viewer group near its count", str(dp[1]))


def published_ok(got, n, tol):
    """A restricted group: published iff n >= 10, then within tol."""
    if got is None:
        return n < 10
    return n >= 10 and abs(got - n) <= tol


def restricted(raw, viewers):
    """The restricted role of restricted_fixture.sql, as a BI tool uses it:
    catalog metadata, a public table, and the issue's queries as prepared
    statements over the extended protocol (prepare=True), checked against
    the plain-Python oracle."""
    import os
    conn = psycopg.connect(autocommit=True, user=os.environ["VS_RESTRICTED_USER"])
    with conn.cursor() as cur:
        cur.execute("SELECT viewstats.access_level()")
        check(cur.fetchone()[0] == "restricted", "restricted: the session is restricted")
        cur.execute("""SELECT table_name, column_name FROM information_schema.columns
                       WHERE table_schema = 'public' AND table_name IN ('views_p', 'titles_p')
                       ORDER BY 1, ordinal_position""")
        cols = cur.fetchall()
        check(len(cols) == 5, "restricted: catalog metadata (information_schema)", str(cols))
        info = TypeInfo.fetch(conn, "dayset")
        check(info is not None, "restricted: psycopg's type catalog query")
        cur.execute("SELECT title_id, name FROM titles_p ORDER BY 1")
        check(cur.fetchall() == [(1, "One"), (2, "Two"), (3, "Three"), (4, "Four")],
              "restricted: a public table is read freely")
        # 1: dp_count per title
        cur.execute("SELECT title_id, dp_count(viewer_id, 0.5) FROM views_p GROUP BY title_id",
                    prepare=True)
        got = dict(cur.fetchall())
        bad = [t for t, c in got.items() if abs(c - len(viewers.get(t, ()))) >= 40]
        check(1 in got and not bad, "restricted: query 1, dp_count per title (prepared)", str(got))
        # 4: a join with the public table, one title per execution
        bad = []
        for t in (1, 2, 3):
            cur.execute("""SELECT t.name, perturbed_count(v.viewer_id) FROM views_p v
                           JOIN titles_p t USING (title_id) WHERE v.title_id = %s GROUP BY t.name""",
                        (t,), prepare=True)
            rows = cur.fetchall()
            if not published_ok(rows[0][1] if rows else None, len(viewers[t]), 2):
                bad.append("title %d: %s for %d" % (t, rows, len(viewers[t])))
        check(not bad, "restricted: query 4, a join with titles, with a parameter", "; ".join(bad))
        # 3: the histogram of longest streaks, per title
        bad = []
        for t in (1, 2, 3):
            want = {}
            for (v, tt), days in raw.items():
                if tt == t:
                    ls = longest(days)
                    want[ls] = want.get(ls, 0) + 1
            cur.execute("""SELECT ls, perturbed_count(viewer_id) FROM (SELECT viewer_id,
                           longest_streak(day) AS ls FROM views_p WHERE title_id = %s
                           GROUP BY viewer_id) s GROUP BY ls""", (t,), prepare=True)
            got = dict(cur.fetchall())
            for ls, n in want.items():
                if not published_ok(got.get(ls), n, 2):
                    bad.append("title %d ls %d: %s for %d" % (t, ls, got.get(ls), n))
            bad += ["title %d ls %d published, no such group" % (t, ls) for ls in got if ls not in want]
        check(not bad, "restricted: query 3, a histogram of a per-unit label", "; ".join(bad))
        # refused: the raw rows
        try:
            cur.execute("SELECT viewer_id FROM views_p", prepare=True)
            check(False, "restricted: raw rows refused", "returned rows")
        except psycopg.Error as e:
            check(e.sqlstate == "42501", "restricted: raw rows refused with 42501", str(e.sqlstate))
        # no answer before its spend is written (the spend runs beside the
        # query): with 0.1 epsilon left, a query that costs 0.5 is refused
        # before its first row, even in single-row mode, where each row
        # leaves the server as soon as it is computed
        su = psycopg.connect(autocommit=True)
        schema = su.execute("""SELECT n.nspname FROM pg_extension e JOIN pg_namespace n
                               ON n.oid = e.extnamespace WHERE e.extname = 'viewstats'""").fetchone()[0]
        budget, spent = su.execute(
            psycopg.sql.SQL("SELECT budget, spent FROM {}.privacy_budget "
                            "WHERE role = 'viewstats_analyst'::regrole").format(
                psycopg.sql.Identifier(schema))).fetchone()
        su.execute("SELECT viewstats.set_privacy_budget('viewstats_analyst', %s)", (float(spent) + 0.1,))
        streamed = 0
        try:
            for _ in cur.stream("SELECT title_id, dp_count(viewer_id, 0.5) FROM views_p GROUP BY title_id"):
                streamed += 1
            check(False, "restricted: over budget, refused before any row", "%d rows, no error" % streamed)
        except psycopg.Error as e:
            check(e.sqlstate == "42501" and streamed == 0,
                  "restricted: over budget, refused before any row (single-row mode)",
                  "%s after %d rows" % (e.sqlstate, streamed))
        left = su.execute(psycopg.sql.SQL("SELECT budget - spent FROM {}.privacy_budget "
                                          "WHERE role = 'viewstats_analyst'::regrole").format(
            psycopg.sql.Identifier(schema))).fetchone()[0]
        check(abs(float(left) - 0.1) < 1e-9, "restricted: the refused query spent nothing", str(left))
        su.execute("SELECT viewstats.set_privacy_budget('viewstats_analyst', %s)", (float(budget),))
        su.close()
    conn.close()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a driver error is a failed check, not a crash
        check(False, "client ran to the end", "%s: %s" % (type(e).__name__, e))
    sys.exit(0 if all(results) else 1)
