#!/usr/bin/python3
"""Mutation testing: do the tests notice when the code is wrong?

For each entry of test/mutation/mutations (a one-line change to src/ or
src/core/) this script, in a scratch copy of the checkout (never in the
checkout itself):
  1. applies the change,
  2. rebuilds (make -j2; PGXS rebuilds only the changed objects),
  3. runs the suites in order (test/scripts/run_tests.sh with one
     VS_TEST_STEPS each, so every suite runs exactly as in `make test`:
     pg_regress gets one temp instance per mutation), stopping at the first
     suite that fails: the mutation is then KILLED by that suite.  The tap
     suite runs every TAP file but the two 60-second loads (TAP_SKIP),
  4. restores the file.
The C unit tests (step unit) link the core only, so they run only for
mutations under src/core/, and only after every SQL-level suite let the
mutation through: a mutation is "killed at SQL level" when a suite other
than unit fails.

A mutation whose viewstats.so has the same machine code as the original
(.text and .rodata) is EQUIVALENT and not tested.  An entry that does not
apply (fragment missing or ambiguous) is STALE, one that does not compile is
a BUILD-ERROR; both fail the run, so the list cannot rot unnoticed.

Before the first mutation every suite runs on the unmutated copy and must
pass, so a failure afterwards is the mutation's doing.

Usage: run.py [--suites "regress readme bench clients unit"] [--only N,N]
              [--check] [--list] [--log-dir DIR] [--keep]
  --check   only check that every entry applies (no build); seconds
  --only    comma-separated mutation names
  --log-dir keeps each suite's log per mutation and results.tsv (default: a
            temp dir, printed at the end)
Environment: VS_MUTATION_TIMEOUT (seconds, default 1200): the longest a
suite may run; a mutated suite gets five times its baseline time (at least
300 s): one that runs longer is KILLED (a hang is as visible as a failure).
"""

import argparse
import glob
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
MUTATIONS = os.path.join(ROOT, "test", "mutation", "mutations")
DEFAULT_SUITES = "regress readme bench clients tap unit"
# TAP files left out of the tap suite: the two 60-second pgbench loads
# (their consistency checks are the regression tests' oracles again)
TAP_SKIP = ("t/010_concurrency.pl", "t/011_crash_restart.pl")
FIELDS = ("file", "after", "find", "replace", "why")


class Mutation:
    def __init__(self, name, line):
        self.name = name
        self.line = line          # line of "== name" in the mutations file
        self.fields = {}

    def __getattr__(self, key):
        if key in FIELDS:
            return self.fields.get(key)
        raise AttributeError(key)


def parse(path):
    muts, cur = [], None
    with open(path, encoding="utf-8") as f:
        for no, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.startswith("== "):
                cur = Mutation(line[3:].strip(), no)
                muts.append(cur)
            elif not line.strip() or line.lstrip().startswith("#"):
                continue
            elif cur is None:
                sys.exit("%s:%d: field before the first '== name'" % (path, no))
            else:
                key, sep, val = line.partition(":")
                key = key.strip()
                if not sep or key not in FIELDS:
                    sys.exit("%s:%d: expected one of %s" % (path, no, ", ".join(FIELDS)))
                if key in cur.fields:
                    sys.exit("%s:%d: %s given twice" % (path, no, key))
                cur.fields[key] = val.strip()
    names = set()
    for m in muts:
        for key in ("file", "find", "replace", "why"):
            if key not in m.fields:
                sys.exit("%s:%d: %s has no %s:" % (path, m.line, m.name, key))
        if m.name in names:
            sys.exit("%s:%d: %s given twice" % (path, m.line, m.name))
        if m.find == m.replace:
            sys.exit("%s:%d: %s changes nothing" % (path, m.line, m.name))
        names.add(m.name)
    return muts


def locate(m, tree):
    """(relative path, line index) where m applies in tree, or raise
    ValueError with the reason (the entry is then STALE)."""
    hits, seen = [], []
    for rel in m.file.split():
        path = os.path.join(tree, rel)
        if not os.path.isfile(path):
            continue
        seen.append(rel)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        start = 0
        if m.after:
            anchors = [i for i, l in enumerate(lines) if m.after in l]
            if len(anchors) != 1:
                if anchors:
                    raise ValueError("after: %r found %d times in %s" % (m.after, len(anchors), rel))
                continue
            start = anchors[0] + 1
            found = [i for i in range(start, len(lines)) if m.find in lines[i]][:1]
        else:
            found = [i for i, l in enumerate(lines) if m.find in l]
        for i in found:
            if lines[i].count(m.find) != 1:
                raise ValueError("find: %r occurs twice on line %d of %s" % (m.find, i + 1, rel))
            hits.append((rel, i))
    if not seen:
        raise ValueError("no such file: %s" % m.file)
    if not hits:
        raise ValueError("pattern not found in %s: %r" % (" ".join(seen), m.find))
    if len(hits) > 1:
        raise ValueError("pattern found %d times (%s): %r; add after: or a longer fragment"
                         % (len(hits), ", ".join("%s:%d" % (r, i + 1) for r, i in hits), m.find))
    return hits[0]


def apply(m, tree):
    """Apply m in tree; returns a function that restores the file."""
    rel, i = locate(m, tree)
    path = os.path.join(tree, rel)
    with open(path, encoding="utf-8") as f:
        original = f.read()
    lines = original.split("\n")
    lines[i] = lines[i].replace(m.find, m.replace)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))

    def restore():
        # a new mtime, so make rebuilds the object from the original
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
    return restore, rel, i + 1


def end_group(p):
    """SIGTERM to p's process group (run_tests.sh then stops its servers
    and removes its files), SIGKILL 60 s later if it is still there."""
    for sig, grace in ((signal.SIGTERM, 60), (signal.SIGKILL, 10)):
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            return
        try:
            p.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def run(cmd, log, cwd=None, env=None, timeout=None):
    """Run cmd in a process group of its own with output to the file log;
    returns (status, seconds).  On timeout, or when this script is
    interrupted, the whole group is ended."""
    start = time.time()
    with open(log, "ab") as out:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                             start_new_session=True)
        try:
            rc = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc = "timeout"
            end_group(p)
        except BaseException:
            end_group(p)
            raise
    return rc, time.time() - start


def interrupted(signum, frame):
    raise KeyboardInterrupt("signal %d" % signum)


def stop_servers(tree):
    """Stop (SIGQUIT: immediate shutdown) any server a suite left running
    in the scratch copy; each is found by its postmaster.pid there."""
    for pidfile in glob.glob(os.path.join(tree, ".work", "**", "postmaster.pid"), recursive=True):
        try:
            with open(pidfile) as f:
                pid = int(f.readline())
            os.kill(pid, signal.SIGQUIT)
            print("stopped a server left running (pid %d, %s)" % (pid, pidfile))
        except (OSError, ValueError):
            pass


def scratch_copy(src_root, dst):
    """Copy the checkout's source files (tracked and untracked, not ignored:
    no objects, no tmp_install) to dst."""
    try:
        files = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=src_root,
                               check=True, stdout=subprocess.PIPE).stdout.split(b"\0")
    except (OSError, subprocess.CalledProcessError):
        files = None
    if files is None:
        shutil.copytree(src_root, dst, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("tmp_install", ".git", "*.o", "*.bc", "*.so"))
        return
    for rel in files:
        if not rel:
            continue
        rel = rel.decode()
        src = os.path.join(src_root, rel)
        if not os.path.lexists(src):
            continue            # deleted in the work tree, not yet committed
        os.makedirs(os.path.join(dst, os.path.dirname(rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dst, rel), follow_symlinks=False)


def code_digest(so):
    """Digest of the code and constants of a shared object (not its debug
    info, which records line numbers and would differ for any edit)."""
    h = hashlib.sha256()
    for section in (".text", ".rodata"):
        out = subprocess.run(["objcopy", "-O", "binary", "--only-section=" + section, so, "/dev/stdout"],
                             check=True, stdout=subprocess.PIPE).stdout
        h.update(section.encode() + b"\0" + out)
    return h.hexdigest()


class Runner:
    def __init__(self, tree, logdir, suites, timeout):
        self.tree, self.logdir, self.suites, self.timeout = tree, logdir, suites, timeout
        self.suite_timeout = {}     # per suite, from its baseline time
        self.env = dict(os.environ)
        # no JIT bitcode (clang per file): only the .so is tested
        self.env["MAKEFLAGS"] = (self.env.get("MAKEFLAGS", "") + " with_llvm=no").strip()
        self.env["VS_QUIET"] = "1"
        self.env.pop("VS_TEST_STEPS", None)
        self.env["VS_TAP_FILES"] = " ".join(
            sorted("t/" + f for f in os.listdir(os.path.join(tree, "test", "t"))
                   if f.endswith(".pl") and "t/" + f not in TAP_SKIP))
        self.env.pop("VS_KEEP_WORK", None)
        # the suites' temp dirs (clusters, results) inside the scratch copy,
        # out of reach of anything that tidies /tmp
        self.env["TMPDIR"] = os.path.join(tree, ".work")
        os.makedirs(self.env["TMPDIR"], exist_ok=True)
        os.chmod(self.env["TMPDIR"], 0o1777)    # pg_regress (as postgres) puts its socket here

    def build(self, log):
        rc, secs = run(["make", "--no-print-directory", "-j2", "all"], log, cwd=self.tree,
                       env=self.env, timeout=self.timeout)
        return rc == 0, secs

    def suite(self, name, log):
        """Run one suite; returns 'pass', 'fail' or 'error' (set-up broke:
        not the mutation's doing), the seconds, and failing test names."""
        env = dict(self.env, VS_TEST_STEPS=name)
        timeout = self.suite_timeout.get(name, self.timeout)
        with open(log, "ab") as f:
            f.write(b"\n")
            start = f.tell()
        rc, secs = run(["bash", os.path.join(self.tree, "test/scripts/run_tests.sh")], log,
                       cwd=self.tree, env=env, timeout=timeout)
        if rc == "timeout":
            stop_servers(self.tree)
        with open(log, encoding="utf-8", errors="replace") as f:
            f.seek(start)
            text = f.read()
        if rc == "timeout":
            return "fail", secs, ["timeout after %d s (%s hangs or crawls)" % (timeout, name)]
        if rc == 0:
            return "pass", secs, []
        if re.search(r"^setup +FAILED", text, re.M):
            return "error", secs, ["set-up failed"]
        names = []
        for pat in (r"^test (\S+) +\.\.\. FAILED",       # pg_regress 15
                    r"^not ok +\d* *-? *(.+?)\s*$",      # pg_regress 16+, clients, readme
                    r"^FAIL +(\S+)",                        # unit
                    r"ANSWER CHECK FAILED: (.*)"):            # bench
            names += [n.strip() for n in re.findall(pat, text, re.M)]
        if not names:
            names = [l.strip() for l in text.splitlines() if re.search(r"FAIL|not ok|ERROR", l)][:3]
        return "fail", secs, names[:6]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--suites", default=os.environ.get("VS_MUTATION_SUITES") or DEFAULT_SUITES)
    ap.add_argument("--only", default=os.environ.get("VS_MUTATION_ONLY", ""))
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--log-dir")
    ap.add_argument("--keep", action="store_true", help="keep the scratch copy")
    ap.add_argument("--tree", default=ROOT,
                    help="the checkout to mutate (default: the one holding this script); "
                         "the mutations list is always this script's")
    args = ap.parse_args()
    # SIGTERM as SIGINT: the scratch copy and its servers are cleaned up
    signal.signal(signal.SIGTERM, interrupted)

    muts = parse(MUTATIONS)
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = set(wanted) - {m.name for m in muts}
        if unknown:
            sys.exit("unknown mutation(s): " + ", ".join(sorted(unknown)))
        muts = [m for m in muts if m.name in wanted]
    if args.list:
        for m in muts:
            print("%-32s %-26s %s" % (m.name, m.file.split()[0], m.why))
        return 0

    stale = []
    for m in muts:
        try:
            locate(m, args.tree)
        except ValueError as e:
            stale.append((m, str(e)))
    for m, why in stale:
        print("STALE %s (mutations:%d): %s" % (m.name, m.line, why))
    if args.check:
        print("%d mutations, %d stale" % (len(muts), len(stale)))
        return 1 if stale else 0

    suites = args.suites.split()
    unknown = set(suites) - set(DEFAULT_SUITES.split() + ["tap", "fuzz", "sqlsmith"])
    if unknown or not suites:
        sys.exit("unknown suite(s): %s (the steps of test/scripts/run_tests.sh)" % " ".join(sorted(unknown)))
    timeout = int(os.environ.get("VS_MUTATION_TIMEOUT", "1200"))
    started = time.time()
    tree = tempfile.mkdtemp(prefix="viewstats-mutation.")
    logdir = args.log_dir or tempfile.mkdtemp(prefix="viewstats-mutation-logs.")
    os.makedirs(logdir, exist_ok=True)
    # the suites run the server as postgres, which must read the copy
    os.chmod(tree, 0o755)
    print("scratch copy %s, logs in %s" % (tree, logdir))
    scratch_copy(os.path.realpath(args.tree), tree)
    r = Runner(tree, logdir, suites, timeout)
    results = []
    try:
        # ---- the baseline: everything passes unmutated ----
        log = os.path.join(logdir, "baseline.log")
        ok, secs = r.build(log)
        if not ok:
            print("the unmutated copy does not build; see %s" % log)
            return 2
        base_digest = code_digest(os.path.join(tree, "viewstats.so"))
        base_times = {}
        for s in suites:
            verdict, secs, names = r.suite(s, os.path.join(logdir, "baseline-%s.log" % s))
            base_times[s] = secs
            # a mutant that makes a suite hang is caught (make test would
            # never end) without waiting for the full timeout
            r.suite_timeout[s] = min(timeout, max(300, int(5 * secs)))
            print("baseline %-8s %-5s %4.0f s %s" % (s, verdict, secs, " ".join(names)))
            if verdict != "pass":
                print("the unmutated copy fails %s: fix that first (log: %s)"
                      % (s, os.path.join(logdir, "baseline-%s.log" % s)))
                return 2
        sys.stdout.flush()

        # ---- one mutation at a time ----
        stale_names = {m.name for m, _ in stale}
        for n, m in enumerate(muts, 1):
            t0 = time.time()
            res = {"name": m.name, "file": m.file.split()[0], "status": "", "suite": "",
                   "detail": "", "secs": 0}
            results.append(res)
            if m.name in stale_names:
                res.update(status="STALE", detail=dict((x.name, y) for x, y in stale)[m.name])
                continue
            log = os.path.join(logdir, "%s.log" % m.name)
            restore, rel, lineno = apply(m, tree)
            res["file"] = "%s:%d" % (rel, lineno)
            try:
                ok, _ = r.build(log)
                if not ok:
                    res.update(status="BUILD-ERROR", detail="see " + log)
                elif code_digest(os.path.join(tree, "viewstats.so")) == base_digest:
                    res.update(status="EQUIVALENT", detail="same machine code")
                else:
                    res["status"] = "SURVIVED"
                    for s in suites:
                        if s == "unit" and not rel.startswith("src/core/"):
                            continue
                        verdict, secs, names = r.suite(s, log)
                        if verdict == "error":
                            res.update(status="ERROR", suite=s, detail="; ".join(names))
                            break
                        if verdict == "fail":
                            res.update(status="KILLED", suite=s, detail=", ".join(names))
                            break
            finally:
                restore()
            res["secs"] = time.time() - t0
            print("[%2d/%d] %-11s %-8s %-32s %4.0f s  %s" % (
                n, len(muts), res["status"], res["suite"], m.name, res["secs"], res["detail"][:100]))
            sys.stdout.flush()
    finally:
        stop_servers(tree)
        if args.keep:
            print("kept the scratch copy " + tree)
        else:
            shutil.rmtree(tree, ignore_errors=True)

    # ---- summary ----
    with open(os.path.join(logdir, "results.tsv"), "w", encoding="utf-8") as f:
        f.write("name\tfile\tstatus\tsuite\tseconds\tdetail\n")
        for res in results:
            f.write("%(name)s\t%(file)s\t%(status)s\t%(suite)s\t%(secs).0f\t%(detail)s\n" % res)
    tested = [x for x in results if x["status"] in ("KILLED", "SURVIVED")]
    killed = [x for x in tested if x["status"] == "KILLED"]
    sql = [x for x in killed if x["suite"] != "unit"]
    print("\n===== mutation summary =====")
    by_suite = {}
    for x in killed:
        by_suite[x["suite"]] = by_suite.get(x["suite"], 0) + 1
    print("killed by (first failing suite): " +
          ", ".join("%s %d" % (s, by_suite[s]) for s in suites if s in by_suite))
    for x in results:
        if x["status"] != "KILLED":
            print("%-11s %-32s %s %s" % (x["status"], x["name"], x["file"], x["detail"]))
    pct = lambda a, b: 100.0 * a / b if b else 0.0
    print("%d mutations: %d killed, %d survived, %d equivalent, %d stale or broken"
          % (len(results), len(killed), len(tested) - len(killed),
             sum(x["status"] == "EQUIVALENT" for x in results),
             sum(x["status"] in ("STALE", "BUILD-ERROR", "ERROR") for x in results)))
    print("kill rate: %d/%d (%.0f%%); at SQL level (a suite other than unit): %d/%d (%.0f%%)"
          % (len(killed), len(tested), pct(len(killed), len(tested)),
             len(sql), len(tested), pct(len(sql), len(tested))))
    print("suites: %s; run time %.0f min; logs and results.tsv in %s"
          % (" ".join(suites), (time.time() - started) / 60, logdir))
    bad = [x for x in results if x["status"] in ("STALE", "BUILD-ERROR", "ERROR")]
    return 1 if bad else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt as e:
        print("interrupted (%s): the scratch copy and its servers are gone" % (e or "SIGINT"))
        sys.exit(130)
