#!/usr/bin/python3
"""Execute every SQL example of README.md and compare psql's output.

An example is a ```sql block. When a ```text block follows it (only blank
lines between), that block is the exact output psql prints for it; without
one the block must still run without an error. All examples run in README
order in ONE psql session (so a CREATE TABLE example serves the examples
after it), against a database the caller prepared (the demo data).

A block whose fence is preceded by an HTML comment `<!-- run on: WHERE -->`
is meant for other servers (the sharding setup); it is not run here but by
the test that the comment names, and is counted as such.

Output is compared line by line after stripping trailing white space
(editors strip it from Markdown; psql pads headers with it) and blank lines
at either end. The first mismatch of each example is reported with its
README line. Ends with "N passed, N failed".

Usage: check_readme.py README.md   (libpq environment selects the database;
psql must be on PATH)
"""

import os
import re
import subprocess
import sys

FENCE = re.compile(r"^```(\S*)\s*$")
RUN_ON = re.compile(r"^<!--\s*run on:\s*(.*?)\s*-->\s*$")
MARKER = "@@readme-example-%d@@"


class Example:
    def __init__(self, line, sql, expected, expected_line, run_on):
        self.line = line                # README line of the ```sql fence
        self.sql = sql
        self.expected = expected        # list of lines, or None
        self.expected_line = expected_line
        self.run_on = run_on            # None: run here


def parse(path):
    """Return the README's ```sql examples with their ```text outputs."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = []     # (lang, first line number, body lines, preceding line)
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        start = i
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        if j == len(lines):
            sys.exit("%s:%d: unterminated code block" % (path, start + 1))
        prev = start - 1
        while prev >= 0 and lines[prev].strip() == "":
            prev -= 1
        blocks.append((m.group(1), start + 1, lines[start + 1:j],
                       lines[prev] if prev >= 0 else "", j + 1))
        i = j + 1
    examples = []
    for k, (lang, lineno, body, before, end) in enumerate(blocks):
        if lang != "sql":
            continue
        expected = expected_line = None
        if k + 1 < len(blocks) and blocks[k + 1][0] == "text":
            # "follows" means only blank lines in between
            nxt = blocks[k + 1]
            between = lines[end:nxt[1] - 1]
            if all(s.strip() == "" for s in between):
                expected, expected_line = nxt[2], nxt[1]
        m = RUN_ON.match(before.strip())
        examples.append(Example(lineno, "\n".join(body), expected,
                                expected_line, m.group(1) if m else None))
    return examples


def normalize(lines):
    out = [s.rstrip() for s in lines]
    while out and out[0] == "":
        out.pop(0)
    while out and out[-1] == "":
        out.pop()
    return out


def run(examples):
    """Run the examples in one psql session; return each one's output."""
    script = []
    for n, ex in enumerate(examples):
        script.append("\\echo '%s'" % (MARKER % n))
        script.append(ex.sql)
    script.append("\\echo '%s'" % (MARKER % len(examples)))
    # stdin, not -f: psql then prints errors without a file:line prefix.
    # It flushes stdout before each message, so 2>&1 keeps them in order.
    proc = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=0", "-P", "pager=off"],
        input="\n".join(script) + "\n", stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    outputs = {}
    current = None
    for line in proc.stdout.split("\n"):
        m = re.fullmatch(r"@@readme-example-(\d+)@@", line)
        if m:
            current = int(m.group(1))
            outputs[current] = []
        elif current is not None:
            outputs[current].append(line)
        elif line.strip():
            print("psql: " + line)
    if len(examples) not in outputs:
        print("psql stopped early (exit %d)" % proc.returncode)
    return [outputs.get(n) for n in range(len(examples))]


def first_line(sql):
    for s in sql.split("\n"):
        if s.strip() and not s.strip().startswith("--"):
            return s.strip()
    return ""


def main():
    readme = sys.argv[1] if len(sys.argv) > 1 else "README.md"
    examples = parse(readme)
    here = [ex for ex in examples if ex.run_on is None]
    elsewhere = [ex for ex in examples if ex.run_on is not None]
    outputs = run(here)
    passed = failed = compared = 0
    for ex, out in zip(here, outputs):
        label = "README.md:%d %s" % (ex.line, first_line(ex.sql)[:60])
        if out is None:
            print("not ok  %s: no output (psql stopped)" % label)
            failed += 1
            continue
        got = normalize(out)
        if ex.expected is None:
            errors = [s for s in got if re.match(r"(ERROR|FATAL|PANIC):|psql:", s)]
            if errors:
                print("not ok  %s: %s" % (label, errors[0]))
                failed += 1
            else:
                passed += 1
            continue
        compared += 1
        want = normalize(ex.expected)
        if os.environ.get("README_SHOW_OUTPUT"):
            print("output of %s:" % label)
            print("\n".join("        | " + s for s in got))
        if got == want:
            passed += 1
            continue
        failed += 1
        for i in range(max(len(got), len(want))):
            g = got[i] if i < len(got) else "<end of output>"
            w = want[i] if i < len(want) else "<end of block>"
            if g != w:
                print("not ok  %s: first difference at README.md:%d"
                      % (label, ex.expected_line + 1 + i))
                print("        README: %s" % w)
                print("        psql:   %s" % g)
                break
    for ex in elsewhere:
        print("skip    README.md:%d runs on %s" % (ex.line, ex.run_on))
    print("%d examples: %d compared with their output, %d run for errors only,"
          " %d run elsewhere" % (len(examples), compared,
                                len(here) - compared, len(elsewhere)))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
