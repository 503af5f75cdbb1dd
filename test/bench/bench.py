#!/usr/bin/python3
"""bench.py: the viewstats benchmark (`make bench`; see README, Performance).

Runs against the server in PGHOST/PGPORT/PGDATABASE (bench.sh starts a
throwaway one with the settings in bench.conf).  It generates a seeded
viewing log (generate.sql), then runs every viewstats query beside its
plain-SQL anchors (queries.py): each query once to checksum its answer (the
first warm-up), once under EXPLAIN ANALYZE to record its plan and memory
(the second), then --runs timed rounds in which the group's queries
alternate, the order rotating each round.  A time is the server's
"Execution Time" of EXPLAIN (ANALYZE, TIMING OFF): no result transfer, no
per-node clock reads.  It prints Markdown tables with medians and ratios and
writes every raw figure to a results directory.

Exit status: 1 if an answer check failed (or, with --smoke, if the report
is malformed); a missed performance target is reported, not an error.
Standard library only, /usr/bin/python3.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import queries as Q  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
AS_OF = "date '2024-11-30'"


# ---- a persistent psql session -----------------------------------------------

class SqlError(Exception):
    pass


class Session:
    """One backend, driven through psql over a pipe: each statement is
    followed by an \\echo marker, and its output is what comes before."""

    ERROR = re.compile(r"^(psql:\S*: )?(ERROR|FATAL|PANIC):")

    def __init__(self, user=None):
        self.p = subprocess.Popen(
            ["psql", "-X", "-q", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=0"]
            + (["-U", user] if user else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.n = 0
        self.run("SET client_min_messages = warning")
        self.pid = int(self.value("SELECT pg_backend_pid()"))

    def run(self, sql):
        self.n += 1
        mark = f"__vs_bench_{self.n}__"
        self.p.stdin.write(sql.strip().rstrip(";") + ";\n\\echo " + mark + "\n")
        self.p.stdin.flush()
        out = []
        while True:
            line = self.p.stdout.readline()
            if line == "":
                raise SqlError("psql exited:\n" + "\n".join(out))
            line = line.rstrip("\n")
            if line == mark:
                break
            out.append(line)
        errors = [x for x in out if self.ERROR.match(x)]
        if errors:
            raise SqlError("\n".join(out) + "\nin: " + sql.strip()[:2000])
        return [x for x in out if not x.startswith("psql:")]

    def rows(self, sql):
        return [line.split("\x1f") for line in self.run(sql)]

    def value(self, sql):
        r = self.rows(sql)
        return r[0][0] if r else None

    def set(self, settings):
        for k, v in settings.items():
            self.run(f"SET {k} = {v}")

    def close(self):
        self.p.stdin.close()
        self.p.wait()


# ---- plans --------------------------------------------------------------------

def walk(plan):
    yield plan
    for sub in plan.get("Plans", []):
        yield from walk(sub)


def plan_facts(explain):
    """Execution time, a short plan shape, and the memory and spill facts
    of an EXPLAIN (ANALYZE, FORMAT JSON) result."""
    top = explain[0]
    nodes = list(walk(top["Plan"]))
    shape = []
    hash_kb = 0
    disk_kb = 0
    workers = None
    for n in nodes:
        t = n["Node Type"]
        if t == "Aggregate":
            t = {"Hashed": "HashAgg", "Sorted": "GroupAgg", "Plain": "Agg",
                 "Mixed": "MixedAgg"}.get(n.get("Strategy"), "Agg")
            if n.get("Partial Mode", "Simple") != "Simple":
                t = n["Partial Mode"] + " " + t
        if t in ("HashAgg", "GroupAgg", "Agg", "MixedAgg", "WindowAgg", "Sort",
                 "Gather", "Gather Merge", "Unique", "Incremental Sort") or \
                t.startswith(("Partial", "Finalize")):
            shape.append(t)
        hash_kb = max(hash_kb, n.get("Peak Memory Usage", 0) or 0)
        disk_kb += (n.get("Disk Usage", 0) or 0)
        if n.get("Sort Space Type") == "Disk":
            disk_kb += n.get("Sort Space Used", 0) or 0
        if "Workers Launched" in n:
            workers = n["Workers Launched"]
    return {
        "ms": top["Execution Time"],
        "shape": " < ".join(shape),
        "hash_kb": hash_kb,
        "disk_kb": disk_kb,
        "workers": workers,
        "groups": top["Plan"].get("Actual Rows"),
    }


def cpu_ns(pid):
    """CPU time a process has run, in ns (/proc/PID/schedstat), or None."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def explain(sess, sql):
    """Run sql under EXPLAIN ANALYZE; besides the plan facts, the backend's
    own CPU time, which a busy machine disturbs far less than the elapsed
    time (it leaves out the time spent waiting for a core)."""
    c0 = cpu_ns(sess.pid)
    out = sess.run("EXPLAIN (ANALYZE, TIMING OFF, BUFFERS OFF, SUMMARY ON, FORMAT JSON) " + sql)
    c1 = cpu_ns(sess.pid)
    f = plan_facts(json.loads("\n".join(out)))
    f["cpu_ms"] = (c1 - c0) / 1e6 if c0 is not None and c1 is not None else None
    return f


# ---- the machine -------------------------------------------------------------

def loadavg():
    return round(os.getloadavg()[0], 2)


def machine_info(sess):
    info = {"python": platform.python_version(), "kernel": platform.release()}
    try:
        with open("/proc/cpuinfo") as f:
            models = [x.split(":", 1)[1].strip() for x in f if x.startswith("model name")]
        info["cpu"] = models[0] if models else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    info["cores"] = os.cpu_count()
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(x for x in f if x.startswith("MemTotal")).split()[1])
        info["memory_gb"] = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    info["postgres"] = sess.value("SELECT version()")
    info["settings"] = dict(sess.rows(
        "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
        "('shared_buffers', 'work_mem', 'hash_mem_multiplier', 'jit', "
        "'max_parallel_workers_per_gather', 'max_parallel_workers', 'max_worker_processes', "
        "'parallel_leader_participation', 'autovacuum', 'effective_cache_size', 'huge_pages') "
        "ORDER BY name"))
    return info


def rss_kb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_rss(pid):
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+);
    it needs to own the process or be root."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# ---- the benchmark -----------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.sess = Session()
        self.sess.set({"max_parallel_workers_per_gather": 0})
        self.raw = []           # one dict per timed run
        self.groups = []        # per-group results
        self.checks = []        # (what, ok, detail)
        self.targets = []       # (section, description, measured, limit, status)
        self.notes = {}
        self.out = []           # the Markdown report
        # Load the library, so its GUCs (if any) are defined.
        self.sess.run("SELECT longest_streak('{}'::dayset)")
        self.functions = {r[0] for r in self.sess.rows(
            "SELECT DISTINCT p.proname FROM pg_proc p "
            "JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid "
            "JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass "
            "AND d.refobjid = e.oid AND e.extname = 'viewstats'")}
        thr = self.sess.value("SELECT current_setting('viewstats.min_group_size', true)")
        self.threshold = int(thr) if thr else 10
        self.notes["threshold"] = (thr, "viewstats.min_group_size" if thr else "assumed 10")

    # -- output
    def say(self, text=""):
        print(text, flush=True)
        self.out.append(text)

    def table(self, header, rows):
        self.say("| " + " | ".join(header) + " |")
        self.say("|" + "|".join("---" for _ in header) + "|")
        for r in rows:
            self.say("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
        self.say()

    # -- data
    def generate(self):
        a = self.args
        self.say(f"Generating {a.rows:,} rows (seed {a.seed}) ...")
        t0 = time.perf_counter()
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        "-v", f"rows={a.rows}", "-v", f"seed={a.seed}",
                        "-f", os.path.join(HERE, "generate.sql")], check=True)
        secs = time.perf_counter() - t0
        r = self.sess.rows(
            "SELECT count(*), count(DISTINCT viewer_id), count(DISTINCT title_id), "
            "min(day), max(day), pg_total_relation_size('views') FROM views")[0]
        groups = int(self.sess.value(
            "SELECT count(*) FROM (SELECT DISTINCT viewer_id, title_id FROM views) g"))
        days = int(self.sess.value(
            "SELECT count(*) FROM (SELECT DISTINCT viewer_id, title_id, day FROM views) g"))
        self.data = {"rows": int(r[0]), "viewers": int(r[1]), "titles": int(r[2]),
                     "groups": groups, "viewer_title_days": days,
                     "first_day": r[3], "last_day": r[4], "bytes": int(r[5]),
                     "generate_s": round(secs, 2), "seed": a.seed}
        d = self.data
        self.say(f"Generated in {secs:.1f} s: {d['rows']:,} rows, {d['viewers']:,} viewers, "
                 f"{d['titles']:,} titles, {d['groups']:,} viewer-title groups "
                 f"({d['rows'] / max(d['groups'], 1):.1f} rows and "
                 f"{d['viewer_title_days'] / max(d['groups'], 1):.1f} distinct days per group), "
                 f"{d['first_day']} to {d['last_day']}, {d['bytes'] / 2**20:.0f} MB.")
        self.say()

    # -- one group
    def fill(self, sql, table):
        return sql.format(t=table, as_of=AS_OF, threshold=self.threshold)

    def checksum(self, item, sql):
        proj = item.proj or "q"
        return self.sess.value(
            f"SELECT count(*) || ':' || coalesce(sum(hashtext(({proj})::text)::bigint), 0) "
            f"FROM ({sql}) q")

    def run_group(self, g):
        a = self.args
        load0 = loadavg()
        t_start = time.perf_counter()
        items = []
        for it in g.items:
            missing = [f for f in it.needs if f not in self.functions]
            items.append((it, missing))
        live = [(it, self.fill(it.sql, it.table or g.table)) for it, m in items if not m]
        res = {it.key: {"item": it, "missing": m, "times": [], "cpu": [], "facts": None,
                        "checksum": None} for it, m in items}
        # every setting any item changes, at its server value for the others
        default = {"max_parallel_workers_per_gather": 0,
                   "parallel_setup_cost": "DEFAULT", "parallel_tuple_cost": "DEFAULT",
                   "min_parallel_table_scan_size": "DEFAULT",
                   "enable_partitionwise_aggregate": "DEFAULT"}
        # warm-up 1: the answer, checksummed
        for it, sql in live:
            self.sess.set({**default, **it.settings})
            res[it.key]["checksum"] = self.checksum(it, sql)
        # warm-up 2: the plan, memory, spills, workers
        timed = [(it, sql) for it, sql in live if it.role != "check"]
        for it, sql in timed:
            self.sess.set({**default, **it.settings})
            res[it.key]["facts"] = explain(self.sess, sql)
        # timed rounds, alternating, the order rotated each round
        for r in range(a.runs):
            k = r % len(timed) if timed else 0
            for it, sql in timed[k:] + timed[:k]:
                self.sess.set({**default, **it.settings})
                f = explain(self.sess, sql)
                res[it.key]["times"].append(f["ms"])
                if f["cpu_ms"] is not None:
                    res[it.key]["cpu"].append(f["cpu_ms"])
                self.raw.append({"section": g.section, "group": g.key, "query": it.key,
                                 "round": r + 1, "ms": f["ms"], "cpu_ms": f["cpu_ms"],
                                 "load1": loadavg(), "workers": f["workers"],
                                 "plan": f["shape"]})
        self.sess.set(default)
        load1 = loadavg()
        # answer checks
        by_check = {}
        for it, m in items:
            if it.check and not m:
                by_check.setdefault(it.check, []).append(it.key)
        for label, keys in by_check.items():
            sums = {res[k]["checksum"] for k in keys}
            if len(keys) > 1:
                ok = len(sums) == 1
                self.checks.append((f"{g.key}: {', '.join(keys)}", ok,
                                    "" if ok else str({k: res[k]['checksum'] for k in keys})))
                for k in keys:
                    res[k]["verified"] = "same answer" if ok else "**DIFFERENT ANSWER**"
            else:
                res[keys[0]]["verified"] = "nothing to compare with"
        if "perturbed_count" in self.functions and any(
                it.key.startswith("perturbed_count") for it, m in items if not m):
            self.check_perturbed(g)
        self.report_group(g, items, res, load0, load1, time.perf_counter() - t_start)
        self.groups.append({"section": g.section, "group": g.key, "title": g.title,
                            "load_before": load0, "load_after": load1, "results": res})
        return res

    def check_perturbed(self, g):
        """perturbed_count has no plain equivalent (its noise is keyed by a
        secret); it must stay within the maximum deviation D = 2 of the exact
        distinct count, and give the same answer serial and parallel."""
        r = self.sess.rows(
            "SELECT count(*), count(p), count(*) FILTER (WHERE abs(p - n) > 2) FROM ("
            "SELECT title_id, perturbed_count(viewer_id) AS p, count(DISTINCT viewer_id) AS n "
            f"FROM {g.table} GROUP BY title_id) s")[0]
        ok = int(r[2]) == 0
        self.checks.append((f"{g.key}: perturbed_count within 2 of count(DISTINCT)", ok,
                            f"{r[0]} groups, {r[1]} published, {r[2]} off by more than 2"))

    def report_group(self, g, items, res, load0, load1, secs):
        self.say(f"### {g.title}")
        self.say()
        self.say(f"Load average {load0} before, {load1} after ({os.cpu_count()} cores); "
                 f"{secs:.0f} s.")
        self.say()
        ref = res.get(g.reference)
        ref_med = statistics.median(ref["times"]) if ref and ref["times"] else None
        ref_cpu = statistics.median(ref["cpu"]) if ref and ref["cpu"] else None
        rows = []
        for it, m in items:
            r = res[it.key]
            if m:
                rows.append([it.label, it.role, "not installed", "", "", "", "", "", ""])
                continue
            if it.role == "check":
                rows.append([it.label, "check only", "", "", "", "", "", "",
                             r.get("verified", "")])
                continue
            med = statistics.median(r["times"])
            r["median_ms"] = med
            r["ratio"] = med / ref_med if ref_med else None
            cpu = statistics.median(r["cpu"]) if r["cpu"] else None
            r["median_cpu_ms"] = cpu
            r["cpu_ratio"] = cpu / ref_cpu if cpu is not None and ref_cpu else None
            f = r["facts"]
            plan = f["shape"] + (f", {f['workers']} workers" if f["workers"] is not None else "")
            if f["disk_kb"]:
                plan += f", SPILLED {f['disk_kb']} kB"
            rows.append([
                it.label, it.role, f"{med:.1f}",
                f"{r['ratio']:.2f}x" if r["ratio"] is not None else "",
                f"{min(r['times']):.1f}-{max(r['times']):.1f}",
                f"{cpu:.1f}" if cpu is not None else "n/a",
                f"{r['cpu_ratio']:.2f}x" if r["cpu_ratio"] is not None else "",
                plan, r.get("verified", "") if it.check else "not compared"])
        self.table(["query", "role", "median ms", "x " + g.reference, "min-max ms",
                    "CPU ms", "CPU x", "plan", "answer"], rows)
        for t in g.targets:
            self.target(g, res, t)

    def target(self, g, res, t):
        kind, a, b, limit = t
        ra, rb = res.get(a), res.get(b)
        la = ra["item"].label if ra else a
        lb = rb["item"].label if rb else b
        desc = {"ratio": f"{la} <= {limit}x {lb}",
                "speedup": f"{lb} >= {limit}x faster than {la}",
                "faster": f"{la} faster than {lb}"}[kind]
        if not ra or not rb or ra["missing"] or rb["missing"]:
            self.targets.append((g.section, desc, "not installed", "", "", "not installed"))
            return

        def judge(a_vals, b_vals):
            if not a_vals or not b_vals:
                return None, None
            v = statistics.median(a_vals) / statistics.median(b_vals)
            ok = {"ratio": v <= limit, "speedup": v >= limit, "faster": v < 1.0}[kind]
            return v, ok

        v, ok = judge(ra["times"], rb["times"])
        cv, cok = judge(ra["cpu"], rb["cpu"])
        # a parallel speedup is about elapsed time: CPU time is not comparable
        if g.section == "parallel":
            cv, cok = None, None
        self.targets.append((g.section, desc, f"{v:.3f}x",
                             f"{cv:.3f}x" if cv is not None else "n/a", limit,
                             "met" if ok else "MISSED"))

    # -- sections
    def section_serial(self, groups):
        self.say("## Serial plans (max_parallel_workers_per_gather = 0)")
        self.say()
        for g in groups:
            self.run_group(g)

    def make_partitioned(self):
        """The log, hash-partitioned by viewer (as a sharded or partitioned
        deployment would hold it), for the partitionwise parallel group."""
        t0 = time.perf_counter()
        name, n = Q.PARTITIONED, Q.PARTITIONS
        self.sess.run(f"DROP TABLE IF EXISTS {name}")
        self.sess.run(f"CREATE UNLOGGED TABLE {name} (LIKE views) PARTITION BY HASH (viewer_id)")
        for i in range(n):
            self.sess.run(f"CREATE UNLOGGED TABLE {name}_{i} PARTITION OF {name} "
                          f"FOR VALUES WITH (MODULUS {n}, REMAINDER {i})")
        self.sess.run(f"INSERT INTO {name} SELECT * FROM views")
        self.sess.run(f"VACUUM (FREEZE, ANALYZE) {name}")
        return time.perf_counter() - t0

    def section_parallel(self, groups):
        self.say("## Parallel plans")
        self.say()
        if any(it.table == Q.PARTITIONED for g in groups for it in g.items):
            secs = self.make_partitioned()
            self.say(f"`{Q.PARTITIONED}`: the log copied into {Q.PARTITIONS} hash partitions "
                     f"by viewer ({secs:.1f} s).")
            self.say()
        for g in groups:
            res = self.run_group(g)
            for k, r in res.items():
                f = r.get("facts")
                if "_w2" in k and f and (f["workers"] or 0) < 2:
                    self.say(f"Note: {k} launched {f['workers'] or 0} workers, not 2.")
                    self.say()

    def make_subset(self, name, fraction):
        t0 = time.perf_counter()
        self.sess.run(f"DROP TABLE IF EXISTS {name}")
        # the first viewers: the same shape, in the same arrival order
        self.sess.run(f"CREATE UNLOGGED TABLE {name} AS SELECT * FROM views "
                      f"WHERE viewer_id <= (SELECT max(viewer_id) FROM views) * {fraction}")
        self.sess.run(f"VACUUM (FREEZE, ANALYZE) {name}")
        n = int(self.sess.value(f"SELECT count(*) FROM {name}"))
        return n, time.perf_counter() - t0

    def section_scaling(self):
        self.say("## Scaling (1x, 3x, 10x rows)")
        self.say()
        n1, s1 = self.make_subset("views_1x", 0.1)
        n3, s3 = self.make_subset("views_3x", 0.3)
        n10 = self.data["rows"]
        self.scaling_rows = {"1x": n1, "3x": n3, "10x": n10}
        self.say(f"The 10x table is the whole log; 1x and 3x are its first 10% and 30% "
                 f"of viewers (same shape, same arrival order): {n1:,}, {n3:,} and "
                 f"{n10:,} rows ({s1 + s3:.1f} s to copy).")
        self.say()
        tables = [("1x", "views_1x"), ("3x", "views_3x"), ("10x", "views")]
        for g in Q.scaling_groups(tables):
            res = self.run_group(g)
            keys = [it.key for it in g.items]
            r1, r10 = res[keys[0]], res[keys[-1]]
            label = g.items[0].label.rsplit(" at ", 1)[0]
            rows_ratio = n10 / n1
            limit = 1.1 * rows_ratio
            desc = (f"{label}: 10x rows at most 11x time "
                    f"(here {rows_ratio:.2f}x rows, so <= {limit:.2f}x)")
            if r1["missing"]:
                self.targets.append(("scaling", desc, "not installed", "", "", "not installed"))
                continue
            ratio = statistics.median(r10["times"]) / statistics.median(r1["times"])
            cratio = (statistics.median(r10["cpu"]) / statistics.median(r1["cpu"])
                      if r1["cpu"] and r10["cpu"] else None)
            self.targets.append(("scaling", desc, f"{ratio:.2f}x",
                                 f"{cratio:.2f}x" if cratio is not None else "n/a",
                                 f"{limit:.2f}", "met" if ratio <= limit else "MISSED"))

    def section_memory(self):
        self.say("## Memory")
        self.say()
        t0 = time.perf_counter()
        self.sess.run("DROP TABLE IF EXISTS watched")
        self.sess.run("CREATE UNLOGGED TABLE watched AS SELECT viewer_id, title_id, "
                      "dayset_agg(day) AS days FROM views GROUP BY viewer_id, title_id")
        self.sess.run("VACUUM (FREEZE, ANALYZE) watched")
        r = self.sess.rows(
            "SELECT count(*), sum(streak_count(days)), avg(pg_column_size(days)), "
            "avg(pg_column_size(days | '{}'::dayset)), "
            "count(*) FILTER (WHERE pg_column_size(days) > 16 + 8 * streak_count(days)), "
            "count(*) FILTER (WHERE pg_column_size(days | '{}'::dayset) > 16 + 8 * streak_count(days)), "
            "max(pg_column_size(days | '{}'::dayset) - 8 * streak_count(days)), "
            "pg_relation_size('watched') FROM watched")[0]
        n, runs = int(r[0]), int(r[1])
        disk, mem = float(r[2]), float(r[3])
        over_disk, over_mem, max_hdr, rel = int(r[4]), int(r[5]), int(r[6]), int(r[7])
        self.memory = {"daysets": n, "runs": runs, "avg_runs": runs / n,
                       "avg_bytes_stored": disk, "avg_bytes_in_memory": mem,
                       "max_header_in_memory": max_hdr,
                       "over_bound_stored": over_disk, "over_bound_in_memory": over_mem,
                       "table_bytes": rel, "build_s": time.perf_counter() - t0}
        self.say(f"Stored daysets: {n:,} values (one per viewer and title), "
                 f"{runs / n:.2f} runs each on average.")
        self.say()
        self.table(["measure", "bytes", "bound 16 + 8/run", "values over the bound"], [
            ["stored (1-byte varlena header on disk)", f"{disk:.2f}",
             f"{16 + 8 * runs / n:.2f}", over_disk],
            ["in memory (4-byte header, detoasted)", f"{mem:.2f}",
             f"{16 + 8 * runs / n:.2f}", over_mem],
            ["largest header (in memory, size - 8 x runs)", max_hdr, 16, ""],
            ["whole table per value (tuple headers, keys, page overhead)",
             f"{rel / n:.1f}", "", ""]])
        self.targets.append(("memory", "stored dayset <= 16 bytes + 8 per run",
                             f"{max_hdr} + 8/run (in memory; {disk - 8 * runs / n:.1f} + 8/run stored)",
                             "", "16 + 8/run",
                             "met" if over_disk == 0 and over_mem == 0 else "MISSED"))
        groups = self.data["groups"]
        self.say("Peak aggregate memory: each query runs once in a fresh backend. "
                 "`hash` is the HashAggregate's own peak (hash table, keys and "
                 "transition states, as EXPLAIN ANALYZE reports it); `RSS` is the "
                 "growth of the backend's peak resident set (VmHWM after resetting "
                 "it through /proc/PID/clear_refs, once a scan of the table has "
                 "mapped its shared buffers) during the query.  Per million "
                 f"groups: divided by {groups:,} viewer-title groups, the same "
                 "number as distinct (title, viewer) units for the per-title counts.")
        self.say()
        rows = []
        self.memory["queries"] = {}
        for it, per in Q.MEMORY:
            missing = [f for f in it.needs if f not in self.functions]
            if missing:
                rows.append([it.label, "not installed", "", "", "", ""])
                continue
            s = Session()
            s.set({"max_parallel_workers_per_gather": 0})
            # touch the table's shared buffers first: shared memory a backend
            # touches counts in its RSS, and is not what we measure
            s.run("SELECT count(*) FROM views")
            base = rss_kb(s.pid, "VmRSS")
            can = reset_peak_rss(s.pid)
            f = explain(s, self.fill(it.sql, "views"))
            peak = rss_kb(s.pid, "VmHWM") if can else None
            s.close()
            grow = (peak - base) if (peak is not None and base is not None) else None
            per_m = 1e6 / groups
            self.memory["queries"][it.key] = {"hash_kb": f["hash_kb"], "rss_growth_kb": grow,
                                              "plan": f["shape"], "per": per,
                                              "disk_kb": f["disk_kb"]}
            rows.append([
                it.label, f["shape"] + (f", SPILLED {f['disk_kb']} kB" if f["disk_kb"] else ""),
                f"{f['hash_kb'] / 1024:.0f}" if f["hash_kb"] else "-",
                f"{f['hash_kb'] * 1024 / 2**20 * per_m:.0f}" if f["hash_kb"] else "-",
                f"{grow / 1024:.0f}" if grow is not None else "n/a",
                f"{grow * 1024 / 2**20 * per_m:.0f}" if grow is not None else "n/a"])
        self.table(["query", "plan", "hash MB", f"hash MB per million {''}groups/units",
                    "RSS growth MB", "RSS MB per million"], rows)

    # -- scale: the safe counts past their memory budget
    def scale_run(self, sql, settings):
        """sql once in a fresh backend: elapsed and CPU time, the growth of
        the backend's peak RSS, the temporary bytes written, the answer."""
        s = Session()
        s.set(settings)
        stat = "SELECT temp_bytes FROM pg_stat_database WHERE datname = current_database()"
        s.run("SELECT pg_stat_force_next_flush()")
        tb0 = int(s.value(stat))
        s.run("SELECT pg_stat_force_next_flush()")
        base = rss_kb(s.pid, "VmRSS")
        can = reset_peak_rss(s.pid)
        c0 = cpu_ns(s.pid)
        t0 = time.perf_counter()
        answer = s.rows(sql)
        ms = (time.perf_counter() - t0) * 1000
        c1 = cpu_ns(s.pid)
        peak = rss_kb(s.pid, "VmHWM") if can else None
        tb1 = int(s.value(stat))
        s.close()
        return {"ms": ms, "cpu_ms": (c1 - c0) / 1e6 if c0 is not None and c1 is not None else None,
                "rss_growth_kb": (peak - base) if peak is not None and base is not None else None,
                "temp_bytes": tb1 - tb0, "answer": answer}

    def section_scale(self):
        a = self.args
        units = a.scale_units
        settings = {"work_mem": "'64MB'", "hash_mem_multiplier": 2,
                    "max_parallel_workers_per_gather": 0, "jit": "off"}
        self.say("## Scale")
        self.say()
        self.say(f"One group of {units:,} distinct units from `generate_series` (bigint), "
                 "`work_mem = 64MB`, `hash_mem_multiplier = 2` (PostgreSQL's default), serial; "
                 "each query once, in a fresh backend.  RSS is the growth of the backend's "
                 "peak resident set during the query; temp bytes are what pg_stat_database "
                 "counted (the `generate_series` tuplestore included: see the count(*) row).")
        self.say()
        gs = f"generate_series(1::bigint, {units}::bigint) u"
        queries = [("floor", "count(*)", f"SELECT count(*) FROM {gs}"),
                   ("distinct", "count(DISTINCT u)", f"SELECT count(DISTINCT u) FROM {gs}"),
                   ("suppressed", "suppressed_count(u)", f"SELECT suppressed_count(u) FROM {gs}"),
                   ("perturbed", "perturbed_count(u)", f"SELECT perturbed_count(u) FROM {gs}"),
                   ("perturbed_distinct", "perturbed_count(DISTINCT u)",
                    f"SELECT perturbed_count(DISTINCT u) FROM {gs}")]
        res = {}
        load0 = loadavg()
        for key, label, sql in queries:
            res[key] = self.scale_run(sql, settings)
            res[key]["label"] = label
            res[key]["load1"] = loadavg()
        ans = {k: int(r["answer"][0][0]) for k, r in res.items()}
        self.checks.append(("scale: count(DISTINCT) and suppressed_count equal the units",
                            ans["distinct"] == units and ans["suppressed"] == units,
                            f"{ans['distinct']} and {ans['suppressed']} for {units}"))
        self.checks.append(("scale: perturbed_count(DISTINCT u) equals perturbed_count(u), within 2",
                            ans["perturbed"] == ans["perturbed_distinct"] and
                            abs(ans["perturbed"] - units) <= 2,
                            f"{ans['perturbed']} and {ans['perturbed_distinct']} for {units}"))
        ref = res["distinct"]["ms"]
        limit_kb = 2 * 64 * 1024 + 200 * 1024
        rows = []
        for key, label, _ in queries:
            r = res[key]
            rows.append([f"`{label}`", f"{r['ms']:,.0f}", f"{r['cpu_ms']:,.0f}" if r["cpu_ms"] else "n/a",
                         f"{r['ms'] / ref:.2f}x",
                         f"{r['rss_growth_kb'] / 1024:.0f}" if r["rss_growth_kb"] is not None else "n/a",
                         f"{r['temp_bytes'] / 2**20:,.0f}", r["load1"]])
        self.table(["query", "ms", "CPU ms", "ratio to count(DISTINCT)", "RSS growth MB",
                    "temp MB", "load"], rows)
        for key in ("perturbed", "perturbed_distinct"):
            r = res[key]
            cref = res["distinct"]["cpu_ms"]
            self.targets.append(("scale", f"`{r['label']}` over {units:,} units within 1.2x count(DISTINCT)",
                                 f"{r['ms'] / ref:.3f}x",
                                 f"{r['cpu_ms'] / cref:.3f}x" if r["cpu_ms"] and cref else "",
                                 "1.2x",
                                 "met" if r["ms"] <= 1.2 * ref else "MISSED"))
            g = r["rss_growth_kb"]
            self.targets.append(("scale", f"`{r['label']}` peak RSS growth under 2 x work_mem + 200 MB",
                                 f"{g / 1024:.0f} MB" if g is not None else "n/a", "", "328 MB",
                                 "met" if g is not None and g < limit_kb else "MISSED"))

        # many small groups: 1M groups of 10 units, from a table
        ngroups = a.scale_groups
        self.say()
        self.say(f"{ngroups:,} groups of 10 units ({ngroups * 10:,} rows, an unlogged table), "
                 f"same settings, {a.runs} runs each in one backend, medians.")
        self.say()
        self.sess.run("DROP TABLE IF EXISTS scale_groups")
        self.sess.run("CREATE UNLOGGED TABLE scale_groups AS SELECT i / 10 AS g, i AS u "
                      f"FROM generate_series(0::bigint, {ngroups * 10 - 1}::bigint) i")
        self.sess.run("VACUUM (FREEZE, ANALYZE) scale_groups")
        gq = [("floor", "count(*)", "count(*)"), ("distinct", "count(DISTINCT u)", "count(DISTINCT u)"),
              ("suppressed", "suppressed_count(u)", "suppressed_count(u)"),
              ("perturbed", "perturbed_count(u)", "perturbed_count(u)")]
        s = Session()
        s.set(settings)
        times = {k: [] for k, _, _ in gq}
        cpus = {k: [] for k, _, _ in gq}
        answers = {}
        for rnd in range(a.runs):
            for i in range(len(gq)):
                key, label, agg = gq[(i + rnd) % len(gq)]
                sql = (f"SELECT count(*), sum(x) FROM (SELECT g, {agg} AS x FROM scale_groups "
                       "GROUP BY g) q")
                c0 = cpu_ns(s.pid)
                t0 = time.perf_counter()
                answers[key] = s.rows(sql)[0]
                times[key].append((time.perf_counter() - t0) * 1000)
                c1 = cpu_ns(s.pid)
                cpus[key].append((c1 - c0) / 1e6 if c0 is not None and c1 is not None else 0)
        s.close()
        self.checks.append(("scale groups: suppressed_count equals count(DISTINCT)",
                            answers["suppressed"] == answers["distinct"],
                            f"{answers['suppressed']} vs {answers['distinct']}"))
        med = {k: statistics.median(v) for k, v in times.items()}
        mcpu = {k: statistics.median(v) for k, v in cpus.items()}
        rows = [[f"`{label}` GROUP BY g", f"{med[k]:,.0f}", f"{mcpu[k]:,.0f}",
                 f"{med[k] / med['floor']:.2f}x", f"{med[k] / med['distinct']:.2f}x"]
                for k, label, _ in gq]
        self.table(["query", "median ms", "median CPU ms", "ratio to count(*)",
                    "ratio to count(DISTINCT)"], rows)
        self.scale = {"units": units, "one_group": {k: {kk: vv for kk, vv in r.items()
                                                        if kk != "answer"} for k, r in res.items()},
                      "groups": ngroups, "groups_median_ms": med, "groups_median_cpu_ms": mcpu,
                      "groups_times_ms": times, "load_start": load0, "load_end": loadavg()}
        self.sess.run("DROP TABLE scale_groups")
        self.say()

    def make_monthly(self, raw, monthly):
        """One dayset per viewer, title and month, appended month by month
        as a monthly job would; returns (rows, seconds)."""
        t0 = time.perf_counter()
        self.sess.run(f"DROP TABLE IF EXISTS {monthly}")
        self.sess.run(f"CREATE UNLOGGED TABLE {monthly} AS "
                      "SELECT viewer_id, title_id, month, days "
                      "FROM (SELECT viewer_id, title_id, date_trunc('month', day)::date AS month, "
                      f"dayset_agg(day) AS days FROM {raw} GROUP BY 1, 2, 3) m ORDER BY month")
        self.sess.run(f"VACUUM (FREEZE, ANALYZE) {monthly}")
        return int(self.sess.value(f"SELECT count(*) FROM {monthly}")), time.perf_counter() - t0

    def section_rollup(self, groups):
        self.say("## Rollup")
        self.say()
        a = self.args
        t0 = time.perf_counter()
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                        "-v", f"rows={a.rows}", "-v", f"seed={a.seed}",
                        "-f", os.path.join(HERE, "generate_habit.sql")], check=True)
        gen = time.perf_counter() - t0
        self.rollup = {"habits_generate_s": gen}
        for raw, monthly in (("habits", "monthly_habits"), ("views", "monthly")):
            n, secs = self.make_monthly(raw, monthly)
            r = self.sess.rows(f"SELECT count(*), count(DISTINCT (viewer_id, title_id)) FROM {raw}")[0]
            rows, pairs = int(r[0]), int(r[1])
            self.rollup[raw] = {"rows": rows, "pairs": pairs, "monthly_rows": n,
                                "monthly_build_s": secs}
            what = ("`habits`: viewer-title pairs watched all year (generate_habit.sql, "
                    f"generated in {gen:.1f} s)" if raw == "habits" else
                    "`views`: the main log")
            self.say(f"{what}: {rows:,} rows, {pairs:,} pairs; `{monthly}` has {n:,} "
                     f"monthly daysets ({n / pairs:.2f} per pair, at most 12; "
                     f"{rows / n:.1f} raw rows per monthly dayset), built in {secs:.1f} s.")
            self.say()
        for gr in groups:
            self.run_group(gr)

    # -- restricted analysts
    RESTRICTED_QUERIES = [
        ("perturbed", "perturbed_count per title",
         "SELECT title_id, perturbed_count(viewer_id) FROM {t} GROUP BY title_id"),
        ("dp_title", "dp_count per title (each viewer in L = 1 group)",
         "SELECT title_id, dp_count(viewer_id, 0.5) FROM {t} GROUP BY title_id"),
        ("histogram", "histogram of longest streaks (per-unit subquery)",
         "SELECT ls, perturbed_count(viewer_id) FROM (SELECT viewer_id, longest_streak(day) AS ls "
         "FROM {t} WHERE title_id = 1 GROUP BY viewer_id) s GROUP BY ls"),
        ("tweet", "the tweet: dp_count of an 18-day current streak",
         "SELECT dp_count(viewer_id, 1.0) FROM (SELECT viewer_id FROM {t} WHERE title_id = 1 "
         "GROUP BY viewer_id HAVING current_streak(day, date '2024-12-10') >= 18) s"),
        ("weeks", "perturbed_count per week of December",
         "SELECT date_trunc('week', day) AS w, perturbed_count(viewer_id) FROM {t} "
         "WHERE day >= date '2024-12-01' GROUP BY 1"),
    ]

    def section_restricted(self):
        """The same queries by a direct role and by a restricted role, on a
        labelled copy of the log, serial, alternating.  Both roles log in
        with viewstats preloaded; the restricted one has a large budget."""
        a = self.args
        self.say("## Restricted analysts")
        self.say()
        t0 = time.perf_counter()
        t = "views_personal"
        for sql in [
                f"DROP TABLE IF EXISTS {t}",
                f"CREATE UNLOGGED TABLE {t} AS SELECT viewer_id, title_id, day FROM views",
                f"VACUUM (FREEZE, ANALYZE) {t}",
                "LOAD 'viewstats'",
                f"SECURITY LABEL FOR viewstats ON COLUMN {t}.viewer_id IS 'privacy_unit'",
                "DROP ROLE IF EXISTS bench_direct",
                "DROP ROLE IF EXISTS bench_restricted",
                "CREATE ROLE bench_direct LOGIN",
                "CREATE ROLE bench_restricted LOGIN",
                f"GRANT SELECT ON {t} TO bench_direct, bench_restricted",
                "SECURITY LABEL FOR viewstats ON ROLE bench_restricted IS 'restricted'",
                "ALTER ROLE bench_direct SET session_preload_libraries = 'viewstats'",
                "ALTER ROLE bench_restricted SET session_preload_libraries = 'viewstats'",
                "ALTER ROLE bench_direct SET max_parallel_workers_per_gather = 0",
                "ALTER ROLE bench_restricted SET max_parallel_workers_per_gather = 0",
                "SELECT viewstats.set_privacy_budget('bench_restricted', 1000000)"]:
            self.sess.run(sql)
        self.say(f"`{t}`: the log's viewer, title and day, its viewer labelled "
                 f"`privacy_unit` ({time.perf_counter() - t0:.1f} s). Roles `bench_direct` "
                 "(direct) and `bench_restricted` (restricted), both with viewstats preloaded "
                 "and serial plans; each query runs as both, alternately. Time is the "
                 "client's elapsed time, CPU the backend's own.")
        self.say()
        sess = {"direct": Session("bench_direct"), "restricted": Session("bench_restricted")}
        level = sess["restricted"].value("SELECT viewstats.access_level()")
        self.checks.append(("restricted: the restricted role's session is restricted",
                            level == "restricted", str(level)))
        rows = []
        for key, label, sql in self.RESTRICTED_QUERIES:
            q = sql.format(t=t)
            times = {"direct": [], "restricted": []}
            cpus = {"direct": [], "restricted": []}
            answers = {}
            for who in ("direct", "restricted"):     # warm-up, and the answers
                answers[who] = sess[who].rows(q)
            for r in range(a.runs):
                order = ("direct", "restricted") if r % 2 == 0 else ("restricted", "direct")
                for who in order:
                    s_ = sess[who]
                    c0 = cpu_ns(s_.pid)
                    w0 = time.perf_counter()
                    s_.run(q)
                    times[who].append((time.perf_counter() - w0) * 1000)
                    c1 = cpu_ns(s_.pid)
                    if c0 is not None and c1 is not None:
                        cpus[who].append((c1 - c0) / 1e6)
                    self.raw.append({"section": "restricted", "group": key, "query": who,
                                     "round": r + 1, "ms": times[who][-1],
                                     "cpu_ms": cpus[who][-1] if cpus[who] else None,
                                     "load1": loadavg(), "workers": 0, "plan": ""})
            # the restricted answer publishes a subset of the direct one's keys
            direct_keys = {tuple(x[:-1]) for x in answers["direct"]}
            extra = [x for x in answers["restricted"] if tuple(x[:-1]) not in direct_keys]
            self.checks.append((f"restricted {key}: published groups exist in the direct answer",
                                not extra, str(extra[:3])))
            md = statistics.median(times["direct"])
            mr = statistics.median(times["restricted"])
            cd = statistics.median(cpus["direct"]) if cpus["direct"] else None
            cr = statistics.median(cpus["restricted"]) if cpus["restricted"] else None
            ratio = mr / md if md > 0 else float("inf")
            cratio = cr / cd if cd and cr is not None else None
            # each round's two runs are back to back: the median of their
            # ratios cancels the machine's drift between rounds
            pairs = [b / a for a, b in zip(cpus["direct"], cpus["restricted"]) if a > 0]
            pratio = statistics.median(pairs) if pairs else None
            epairs = [b / a for a, b in zip(times["direct"], times["restricted"]) if a > 0]
            eratio = statistics.median(epairs) if epairs else float("inf")
            rows.append([label, f"{md:.1f}", f"{mr:.1f}", f"{ratio:.3f}x",
                         f"{eratio:.3f}x",
                         f"{cratio:.3f}x" if cratio is not None else "n/a",
                         f"{pratio:.3f}x" if pratio is not None else "n/a",
                         f"{len(answers['direct'])} / {len(answers['restricted'])}"])
            # the target follows the paired elapsed ratio: the ratio of two
            # medians taken minutes apart also measures the machine's drift
            ok = eratio <= 1.1
            self.targets.append(("restricted", f"{label}: restricted / direct (paired)",
                                 f"{eratio:.3f}x",
                                 f"{pratio:.3f}x" if pratio is not None else "n/a", "1.1x",
                                 "met" if ok else "MISSED"))
        self.table(["query", "direct ms", "restricted ms", "ratio of medians (elapsed)",
                    "paired ratio (elapsed)", "ratio of medians (CPU)",
                    "paired ratio (CPU)", "groups direct / published"], rows)
        for s_ in sess.values():
            s_.close()
        self.sess.run(f"DROP TABLE {t}")
        self.sess.run("DROP OWNED BY bench_direct, bench_restricted")
        self.sess.run("DROP ROLE bench_direct")
        self.sess.run("DROP ROLE bench_restricted")

    # -- summary and files
    def summary(self):
        self.say("## Targets")
        self.say()
        self.say("Status follows the elapsed-time ratio, the issue's measure; the "
                 "CPU-time ratio (the backend's own CPU time) is the one to trust "
                 "when the load average above was high.  For the restricted section "
                 "both are paired: the median of each round's ratio, its two runs "
                 "back to back.")
        self.say()
        self.table(["section", "target", "measured (elapsed)", "CPU time", "limit", "status"],
                   [list(t) for t in self.targets])
        npass = sum(1 for c in self.checks if c[1])
        nfail = len(self.checks) - npass
        for what, ok, detail in self.checks:
            if not ok:
                self.say(f"ANSWER CHECK FAILED: {what}: {detail}")
        self.say(f"bench checks: {npass} passed, {nfail} failed")
        return nfail

    def write_files(self, info, started):
        a = self.args
        stamp = started.strftime("%Y%m%d-%H%M%S")
        d = os.path.join(a.results, f"{stamp}-{a.rows}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "runs.csv"), "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["section", "group", "query", "round", "ms",
                                              "cpu_ms", "load1", "workers", "plan"])
            w.writeheader()
            w.writerows(self.raw)
        groups = []
        for g in self.groups:
            items = {}
            for k, r in g["results"].items():
                items[k] = {"label": r["item"].label, "role": r["item"].role,
                            "missing": r["missing"], "times_ms": r["times"],
                            "median_ms": r.get("median_ms"), "ratio": r.get("ratio"),
                            "cpu_ms": r["cpu"], "median_cpu_ms": r.get("median_cpu_ms"),
                            "cpu_ratio": r.get("cpu_ratio"),
                            "checksum": r["checksum"], "verified": r.get("verified"),
                            "plan": r["facts"]}
            groups.append({**{k: v for k, v in g.items() if k != "results"}, "items": items})
        summary = {"started": started.isoformat(timespec="seconds"),
                   "args": vars(a), "machine": info, "data": self.data,
                   "threshold": self.notes.get("threshold"),
                   "groups": groups, "targets": self.targets,
                   "checks": self.checks,
                   "memory": getattr(self, "memory", None),
                   "rollup": getattr(self, "rollup", None),
                   "scaling_rows": getattr(self, "scaling_rows", None),
                   "scale": getattr(self, "scale", None)}
        with open(os.path.join(d, "summary.json"), "w") as f:
            json.dump(summary, f, indent=1, default=str)
        with open(os.path.join(d, "report.md"), "w") as f:
            f.write("\n".join(self.out) + "\n")
        return d


def well_formed(lines):
    """Every Markdown table: a header, a separator, rows of the same width."""
    ok, width, tables = True, None, 0
    for line in lines:
        if line.startswith("|"):
            cells = len(re.findall(r"(?<!\\)\|", line)) - 1
            if width is None:
                width, tables = cells, tables + 1
            elif cells != width:
                ok = False
        else:
            width = None
    return ok and tables > 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sections", default="serial,parallel,scaling,memory,rollup,scale,restricted")
    ap.add_argument("--scale-units", type=int, default=100_000_000,
                    help="distinct units in the scale section's one group")
    ap.add_argument("--scale-groups", type=int, default=1_000_000,
                    help="groups of 10 units in the scale section's second part")
    ap.add_argument("--only", default="", help="comma-separated group keys")
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--smoke", action="store_true",
                    help="tiny run for make test: checks answers and the report's shape")
    a = ap.parse_args()
    if a.smoke and a.runs < 1:
        a.runs = 1
    if a.smoke:
        a.scale_units = min(a.scale_units, 20000)
        a.scale_groups = min(a.scale_groups, 1000)
    started = datetime.datetime.now()
    b = Bench(a)
    info = machine_info(b.sess)
    b.say(f"# viewstats benchmark, {started:%Y-%m-%d %H:%M}")
    b.say()
    b.say(f"Machine: {info['cpu']}, {info['cores']} cores, {info.get('memory_gb')} GB, "
          f"Linux {info['kernel']}; {info['postgres'].split(' on ')[0]}.")
    b.say("Settings: " + ", ".join(f"{k}={v}" for k, v in info["settings"].items()) + ".")
    b.say(f"Load average at start: {loadavg()}. Runs per query: {a.runs} (after 2 warm-ups).")
    thr, src = b.notes["threshold"]
    b.say(f"Suppression threshold: {b.threshold} ({src}).")
    b.say()
    sections = a.sections.split(",")
    if sections == ["scale"]:
        b.data = {}             # the scale section makes its own data
    else:
        b.generate()
    only = set(x for x in a.only.split(",") if x)

    def pick(groups):
        return [g for g in groups if not only or g.key in only]

    serial, parallel = Q.catalogue()
    if "serial" in sections:
        b.section_serial(pick(serial))
    if "parallel" in sections:
        b.section_parallel(pick(parallel))
    if "scaling" in sections:
        b.section_scaling()
    if "memory" in sections:
        b.section_memory()
    if "rollup" in sections:
        b.section_rollup(pick(Q.ROLLUP))
    if "scale" in sections:
        b.section_scale()
    if "restricted" in sections and (not only or "restricted" in only):
        b.section_restricted()
    nfail = b.summary()
    d = b.write_files(info, started)
    print(f"Raw figures: {d}/runs.csv, {d}/summary.json, {d}/report.md")
    b.sess.close()
    if a.smoke and not well_formed(b.out):
        print("the report's Markdown tables are malformed", file=sys.stderr)
        return 1
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
