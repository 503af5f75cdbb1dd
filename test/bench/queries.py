"""queries.py: the benchmark's catalogue: each viewstats query beside its
plain-SQL anchors, grouped so that a group's queries run alternately.

Roles:
  floor      a cheaper query over the same groups that does NOT compute the
             same answer (max - min, row_number, count(*)): the yardstick the
             targets are stated against; its answer is not compared
  viewstats  a viewstats function
  anchor     the best plain-SQL way to compute the same answer
  check      an anchor run once, only to verify an answer (not timed)

Every query outputs its group keys then one value column v.  Queries with
the same `check` label in a group must return the same multiset of rows
(compared as count and sum of row-text hashes), so the benchmark cannot
compare queries that compute different things.  `proj` rewrites the row
before hashing when types differ but values must agree (dayset vs
datemultirange).  `needs` lists functions that must exist, e.g. the privacy
aggregates, which may not be installed yet.

Placeholders: {t} table, {as_of} a date literal, {threshold} the
suppression threshold.
"""

from dataclasses import dataclass, field


@dataclass
class Item:
    key: str
    label: str
    sql: str
    role: str = "viewstats"
    check: str | None = None
    proj: str | None = None
    needs: tuple = ()
    settings: dict = field(default_factory=dict)
    table: str | None = None      # overrides the group's table


@dataclass
class Group:
    section: str
    key: str
    title: str
    items: list
    reference: str                # item key ratios are taken against
    table: str = "views"
    # ('ratio', a, b, limit): median(a) / median(b) <= limit
    # ('speedup', slow, fast, limit): median(slow) / median(fast) >= limit
    # ('faster', a, b, 1.0): median(a) < median(b)
    targets: list = field(default_factory=list)


# ---- per viewer and title --------------------------------------------------

FLOOR_SPAN = Item(
    "floor", "`max(day) - min(day)` GROUP BY viewer, title (floor)",
    "SELECT viewer_id, title_id, max(day) - min(day) + 1 AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    role="floor")

# What grouping alone costs: no aggregate can be cheaper than this.
GROUPING_ONLY = Item(
    "grouping_only", "`count(*)` GROUP BY viewer, title (grouping alone)",
    "SELECT viewer_id, title_id, count(*) AS v FROM {t} GROUP BY viewer_id, title_id",
    role="floor")

LONGEST = Item(
    "longest_streak", "`longest_streak(day)`",
    "SELECT viewer_id, title_id, longest_streak(day) AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    check="longest")

LONGEST_DAYSET = Item(
    "longest_dayset", "`longest_streak(dayset_agg(day))`",
    "SELECT viewer_id, title_id, longest_streak(dayset_agg(day)) AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    check="longest")

CURRENT = Item(
    "current_streak", "`current_streak(day, as_of)`",
    "SELECT viewer_id, title_id, current_streak(day, {as_of}) AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    check="current")

# range_agg merges the days into ranges; the longest range is the streak.
# The scalar subquery over the aggregate needs one grouping only (faster
# than unnest in FROM and a second GROUP BY).
RANGE_AGG = Item(
    "range_agg", "range_agg + unnest",
    "SELECT viewer_id, title_id, "
    "(SELECT max(upper(r) - lower(r)) FROM unnest(range_agg(daterange(day, day, '[]'))) r) AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    role="anchor", check="longest")

# Classic gaps-and-islands: consecutive distinct days share day - row_number.
ISLANDS = """
SELECT viewer_id, title_id, day,
       day - (row_number() OVER (PARTITION BY viewer_id, title_id ORDER BY day))::int AS grp
FROM (SELECT DISTINCT viewer_id, title_id, day FROM {t}) d"""



def per_island(inner, outer):
    """Aggregate each island (inner), then each group's islands (outer)."""
    return ("SELECT viewer_id, title_id, " + outer + " AS v FROM ("
            " SELECT viewer_id, title_id, " + inner + " FROM (" + ISLANDS + ") s"
            " GROUP BY viewer_id, title_id, grp) i "
            "GROUP BY viewer_id, title_id")


GAPS_ISLANDS = Item(
    "gaps_islands", "gaps-and-islands",
    per_island("count(*) AS n", "max(n)"),
    role="anchor", check="longest")

# current_streak: the island holding as_of, or ending on as_of - 1, counted
# up to as_of; 0 when there is none.
CURRENT_ISLANDS = Item(
    "current_islands", "gaps-and-islands for current_streak",
    per_island("min(day) AS first_day, max(day) AS last_day, "
               "count(*) FILTER (WHERE day <= {as_of}) AS n",
               "coalesce(max(n) FILTER (WHERE first_day <= {as_of} "
               "AND last_day >= {as_of} - 1), 0)"),
    role="anchor", check="current")

LONGEST_GAP = Item(
    "longest_gap1", "`longest_streak(day, 1)`",
    "SELECT viewer_id, title_id, longest_streak(day, 1) AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    check="gap1")

# With max_gap: a new island starts where the gap from the previous
# distinct day exceeds max_gap + 1 days; its length counts watched days.
LAG_ISLANDS = Item(
    "lag_islands", "gaps-and-islands with lag(), max_gap 1",
    "SELECT viewer_id, title_id, max(n) AS v FROM ("
    " SELECT viewer_id, title_id, count(*) AS n FROM ("
    "  SELECT viewer_id, title_id, sum(brk) OVER (PARTITION BY viewer_id, title_id ORDER BY day) AS grp"
    "  FROM (SELECT viewer_id, title_id, day, CASE WHEN day - lag(day) OVER"
    "   (PARTITION BY viewer_id, title_id ORDER BY day) <= 2 THEN 0 ELSE 1 END AS brk"
    "   FROM (SELECT DISTINCT viewer_id, title_id, day FROM {t}) d) b) s"
    " GROUP BY viewer_id, title_id, grp) i "
    "GROUP BY viewer_id, title_id",
    role="anchor", check="gap1")

LOCAL_DAY = "(watched_at AT TIME ZONE tz)::date"

FLOOR_TZ = Item(
    "floor_tz", "`max(local day) - min(local day)` (floor)",
    f"SELECT viewer_id, title_id, max({LOCAL_DAY}) - min({LOCAL_DAY}) + 1 AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    role="floor")

LONGEST_TZ = Item(
    "longest_tz", "`longest_streak(watched_at, tz)`",
    "SELECT viewer_id, title_id, longest_streak(watched_at, tz) AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    check="longest_tz")

RANGE_AGG_TZ = Item(
    "range_agg_tz", "range_agg + unnest on local days",
    "SELECT viewer_id, title_id, "
    f"(SELECT max(upper(r) - lower(r)) FROM unnest(range_agg(daterange({LOCAL_DAY}, {LOCAL_DAY}, '[]'))) r) AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    role="anchor", check="longest_tz")

DAYSET_AGG = Item(
    "dayset_agg", "`dayset_agg(day)`",
    "SELECT viewer_id, title_id, dayset_agg(day) AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    check="set", proj="ROW(q.viewer_id, q.title_id, to_datemultirange(q.v))")

RANGE_AGG_SET = Item(
    "range_agg_set", "`range_agg(daterange(day, day, '[]'))`",
    "SELECT viewer_id, title_id, range_agg(daterange(day, day, '[]')) AS v "
    "FROM {t} GROUP BY viewer_id, title_id",
    role="anchor", check="set")

# ---- window functions --------------------------------------------------------

W = "(PARTITION BY viewer_id, title_id ORDER BY day)"

ROW_NUMBER = Item(
    "row_number", "`row_number()` over the same window (floor)",
    f"SELECT viewer_id, title_id, day, row_number() OVER {W} AS v FROM {{t}}",
    role="floor")


def win(fn):
    return Item(fn, f"`{fn}(day)`",
                f"SELECT viewer_id, title_id, day, {fn}(day) OVER {W} AS v FROM {{t}}",
                check=fn)


# Plain SQL per row: islands by day - dense_rank (peers share a day), then
# the rank within the island, its first day, and the island's rank.
PLAIN_RUNNING = f"""
SELECT viewer_id, title_id, day,
       dense_rank() OVER (PARTITION BY viewer_id, title_id, grp ORDER BY day)::int AS len,
       first_value(day) OVER (PARTITION BY viewer_id, title_id, grp ORDER BY day) AS start,
       dense_rank() OVER (PARTITION BY viewer_id, title_id ORDER BY grp)::int AS num
FROM (SELECT viewer_id, title_id, day,
             day - (dense_rank() OVER {W})::int AS grp
      FROM {{t}}) s"""

PLAIN_LENGTH = Item(
    "plain_length", "running streak per row in plain SQL",
    f"""SELECT viewer_id, title_id, day,
       dense_rank() OVER (PARTITION BY viewer_id, title_id, grp ORDER BY day)::int AS v
FROM (SELECT viewer_id, title_id, day,
             day - (dense_rank() OVER {W})::int AS grp
      FROM {{t}}) s""",
    role="anchor", check="streak_length")

PLAIN_START = Item(
    "plain_start", "plain SQL streak start", f"SELECT viewer_id, title_id, day, start AS v FROM ({PLAIN_RUNNING}) p",
    role="check", check="streak_start")

PLAIN_NUMBER = Item(
    "plain_number", "plain SQL streak number", f"SELECT viewer_id, title_id, day, num AS v FROM ({PLAIN_RUNNING}) p",
    role="check", check="streak_number")

ALL_THREE = Item(
    "all_three", "the three together",
    f"SELECT viewer_id, title_id, day, streak_length(day) OVER w AS len, "
    f"streak_start(day) OVER w AS start, streak_number(day) OVER w AS num "
    f"FROM {{t}} WINDOW w AS {W}",
    check="all_three")

PLAIN_ALL = Item(
    "plain_all", "the three in plain SQL",
    PLAIN_RUNNING, role="anchor", check="all_three")

# ---- viewers per title --------------------------------------------------------

COUNT_STAR = Item(
    "count_star", "`count(*)` GROUP BY title (floor)",
    "SELECT title_id, count(*) AS v FROM {t} GROUP BY title_id",
    role="floor")

COUNT_DISTINCT = Item(
    "count_distinct", "`count(DISTINCT viewer)` GROUP BY title",
    "SELECT title_id, CASE WHEN count(DISTINCT viewer_id) >= {threshold} "
    "THEN count(DISTINCT viewer_id) END AS v FROM {t} GROUP BY title_id",
    role="anchor", check="suppressed")

SUPPRESSED = Item(
    "suppressed_count", "`suppressed_count(viewer)`",
    "SELECT title_id, suppressed_count(viewer_id) AS v FROM {t} GROUP BY title_id",
    check="suppressed", needs=("suppressed_count",))

PERTURBED = Item(
    "perturbed_count", "`perturbed_count(viewer)`",
    "SELECT title_id, perturbed_count(viewer_id) AS v FROM {t} GROUP BY title_id",
    check="perturbed", needs=("perturbed_count",))


def with_settings(item, suffix, label, check, **settings):
    return Item(item.key + suffix, item.label + label, item.sql, item.role,
                check, item.proj, item.needs, dict(settings))


def catalogue(rows_label="views"):
    serial = [
        Group("serial", "streaks", "Streaks per viewer and title", [
            FLOOR_SPAN, GROUPING_ONLY, LONGEST, LONGEST_DAYSET, CURRENT, RANGE_AGG,
            GAPS_ISLANDS, CURRENT_ISLANDS],
            reference="floor",
            targets=[("ratio", "longest_streak", "floor", 1.25),
                     ("speedup", "range_agg", "longest_streak", 3.4),
                     ("speedup", "gaps_islands", "longest_streak", 8.0),
                     ("ratio", "longest_dayset", "floor", 1.35),
                     ("ratio", "current_streak", "floor", 1.35)]),
        Group("serial", "max_gap", "Streaks allowing one missed day", [
            FLOOR_SPAN, LONGEST_GAP, LAG_ISLANDS], reference="floor"),
        Group("serial", "local_days", "Streaks on local days from timestamptz", [
            FLOOR_TZ, LONGEST_TZ, RANGE_AGG_TZ], reference="floor_tz"),
        Group("serial", "day_sets", "Sets of days per viewer and title", [
            FLOOR_SPAN, DAYSET_AGG, RANGE_AGG_SET], reference="floor"),
        Group("serial", "window", "Window functions, PARTITION BY viewer, title ORDER BY day", [
            ROW_NUMBER, win("streak_length"), win("streak_start"),
            win("streak_number"), ALL_THREE, PLAIN_LENGTH, PLAIN_ALL,
            PLAIN_START, PLAIN_NUMBER],
            reference="row_number",
            targets=[("ratio", "streak_length", "row_number", 1.15),
                     ("ratio", "streak_start", "row_number", 1.15),
                     ("ratio", "streak_number", "row_number", 1.15)]),
        Group("serial", "counts", "Viewers per title", [
            COUNT_STAR, COUNT_DISTINCT, SUPPRESSED, PERTURBED],
            reference="count_star",
            targets=[("faster", "suppressed_count", "count_distinct", 1.0),
                     ("ratio", "perturbed_count", "suppressed_count", 1.2)]),
    ]
    # Serial, and 2 workers with parallel_setup_cost, parallel_tuple_cost and
    # min_parallel_table_scan_size at 0, so the plan is parallel even where
    # the planner would rather not
    # (10 rows a group leave partial aggregation little to reduce); one
    # query also runs with the default costs, to show the planner's choice.
    s0 = {"max_parallel_workers_per_gather": 0}
    s2 = {"max_parallel_workers_per_gather": 2, "parallel_setup_cost": 0,
          "parallel_tuple_cost": 0, "min_parallel_table_scan_size": 0}
    s2_default = {"max_parallel_workers_per_gather": 2}
    per_title = Item(
        "longest_title", "`longest_streak(day)` GROUP BY title",
        "SELECT title_id, longest_streak(day) AS v FROM {t} GROUP BY title_id",
        check="longest_title")
    parallel = [
        Group("parallel", "parallel", "Parallel speedup (max_parallel_workers_per_gather 0 vs 2)", [
            with_settings(FLOOR_SPAN, "_w0", ", serial", "floor", **s0),
            with_settings(FLOOR_SPAN, "_w2", ", 2 workers", "floor", **s2),
            with_settings(LONGEST, "_w0", ", serial", "longest", **s0),
            with_settings(LONGEST, "_w2", ", 2 workers", "longest", **s2),
            with_settings(LONGEST, "_w2_default", ", 2 workers, default costs", "longest",
                          **s2_default),
            with_settings(per_title, "_w0", ", serial", "longest_title", **s0),
            with_settings(per_title, "_w2", ", 2 workers", "longest_title", **s2),
            with_settings(SUPPRESSED, "_w0", ", serial", "suppressed", **s0),
            with_settings(SUPPRESSED, "_w2", ", 2 workers", "suppressed", **s2),
            with_settings(PERTURBED, "_w0", ", serial", "perturbed", **s0),
            with_settings(PERTURBED, "_w2", ", 2 workers", "perturbed", **s2)],
            reference="floor_w0",
            targets=[("speedup", "longest_streak_w0", "longest_streak_w2", 1.5),
                     ("speedup", "suppressed_count_w0", "suppressed_count_w2", 1.5)]),
    ]
    # High-cardinality GROUP BY viewer, title: partial aggregation in each
    # worker reduces little (about 5 rows a group each), so the plan above
    # mostly moves states to the leader.  PostgreSQL's way to parallelize it
    # is partitionwise aggregation: with the log hash-partitioned by viewer,
    # each process aggregates whole partitions under a Parallel Append and
    # nothing is combined.  The same query, the same answer.
    pw = {"enable_partitionwise_aggregate": "on"}
    def on_parts(item, suffix, label, check, **settings):
        return Item(item.key + suffix, item.label + " by partition" + label, item.sql,
                    item.role, check, item.proj, item.needs, {**pw, **settings}, PARTITIONED)
    parallel.append(
        Group("parallel", "parallel_partitions",
              f"Parallel speedup over {PARTITIONED} (hash-partitioned by viewer, "
              f"{PARTITIONS} partitions), enable_partitionwise_aggregate on", [
                  on_parts(FLOOR_SPAN, "_part_w0", ", serial", "floor", **s0),
                  on_parts(FLOOR_SPAN, "_part_w2", ", 2 workers", "floor", **s2),
                  on_parts(LONGEST, "_part_w0", ", serial", "longest", **s0),
                  on_parts(LONGEST, "_part_w2", ", 2 workers", "longest", **s2),
                  on_parts(LONGEST, "_part_w2_default", ", 2 workers, default costs",
                           "longest", **s2_default)],
              reference="floor_part_w0",
              targets=[("speedup", "longest_streak_part_w0", "longest_streak_part_w2", 1.5)]))
    return serial, parallel


# the partitioned copy of the log that section_parallel makes
PARTITIONED = "views_by_viewer"
PARTITIONS = 6


def scaling_groups(tables):
    """tables: [(suffix, table)] from 1x to 10x."""
    groups = []
    for base, ref_key in ((FLOOR_SPAN, None), (LONGEST, None),
                          (win("streak_length"), None), (SUPPRESSED, None)):
        items = []
        for suffix, table in tables:
            it = Item(f"{base.key}_{suffix}", f"{base.label} at {suffix}", base.sql,
                      base.role, None, base.proj, base.needs, {}, table)
            items.append(it)
        groups.append(Group("scaling", "scaling_" + base.key,
                            f"Scaling: {base.label}", items,
                            reference=items[0].key))
    return groups


def rollup_group(key, title, raw, monthly, targets):
    return Group("rollup", key, title, [
        Item("rollup_set", "`dayset_agg(days)` over monthly daysets",
             "SELECT viewer_id, title_id, dayset_agg(days) AS v "
             f"FROM {monthly} GROUP BY viewer_id, title_id", check="set"),
        Item("raw_set", "`dayset_agg(day)` over raw rows",
             "SELECT viewer_id, title_id, dayset_agg(day) AS v "
             f"FROM {raw} GROUP BY viewer_id, title_id", check="set"),
        Item("rollup_longest", "`longest_streak(dayset_agg(days))` over monthly daysets",
             "SELECT viewer_id, title_id, longest_streak(dayset_agg(days)) AS v "
             f"FROM {monthly} GROUP BY viewer_id, title_id", check="longest"),
        Item("raw_longest", "`longest_streak(day)` over raw rows",
             "SELECT viewer_id, title_id, longest_streak(day) AS v "
             f"FROM {raw} GROUP BY viewer_id, title_id", check="longest")],
        reference="raw_set", targets=targets)


# The target's setting: pairs watched all year, 12 monthly daysets each;
# then the same rollup of the main log, whose binges span a month or two.
ROLLUP = [
    rollup_group("rollup", "Rollup: 12 monthly daysets per viewer and title vs raw rows",
                 "habits", "monthly_habits",
                 [("speedup", "raw_set", "rollup_set", 10.0),
                  ("speedup", "raw_longest", "rollup_longest", 10.0)]),
    rollup_group("rollup_binges", "Rollup of the main log's binges (1-2 months per pair)",
                 "views", "monthly", []),
]

# Queries whose aggregate memory the memory section measures, and what
# their memory is counted per: 'groups' (viewer, title) or 'units'
# (distinct viewer per title).
MEMORY = [
    (FLOOR_SPAN, "groups"), (LONGEST, "groups"), (DAYSET_AGG, "groups"),
    (RANGE_AGG_SET, "groups"), (SUPPRESSED, "units"), (PERTURBED, "units"),
]
