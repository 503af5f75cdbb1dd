#!/usr/bin/env python3
"""Validate a PGXN META.json against the PGXN Meta Spec 1.0.0.

Usage: validate_meta.py [--self-test] [--project DIR] META.json

The rules are those of the spec (https://pgxn.org/spec/, v1.0.0): the
required keys (name, version, abstract, maintainer, license, provides,
meta-spec) and the type and form of every key it defines (terms, semantic
versions, version ranges, license names, prereq phases and relationships,
resources, no_index, tags), with x_/X_ keys allowed wherever the spec allows
custom keys and any other unknown key rejected.  Written by hand from the
spec because no validator is packaged in Debian (PGXN's own are a CPAN
module and a Rust crate); the standard library only.

--project DIR also checks the file against the project in DIR: name and
version equal the Makefile's EXTENSION and EXTVERSION, the extension's
version is the control file's default_version, the files it names exist,
and the PostgreSQL prerequisite is debian/pgversions' lowest major.

--self-test first checks that the validator rejects a set of broken
variants of the file (each breaking one rule) and accepts the file itself,
so a validator that accepts everything cannot pass.

Prints "META.json is valid" or one line per error; exits 1 on any error.
"""

import copy
import json
import os
import re
import subprocess
import sys

# SemVer 2.0.0 (the spec requires semantic versions).
SEMVER = (r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)"
          r"(?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
          r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?"
          r"(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?")
SEMVER_RE = re.compile(r"^" + SEMVER + r"$")
# A version range: a version, or comma-separated comparisons (">= 1.2.0,
# != 1.5.0, < 2.0.0"); 0 (number or string) means any version.
RANGE_PART = re.compile(r"^(?:(?:==|!=|>=|<=|>|<)\s*)?(" + SEMVER + r")$")

LICENSES = {
    "agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd",
    "freebsd", "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1",
    "lgpl_3_0", "mit", "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5",
    "postgresql", "qpl_1_0", "ssleay", "sun", "zlib", "open_source",
    "restricted", "unrestricted", "unknown",
}
PHASES = {"configure", "build", "test", "runtime", "develop"}
RELATIONS = {"requires", "recommends", "suggests", "conflicts"}
TOP_KEYS = {"name", "version", "abstract", "maintainer", "license",
            "provides", "meta-spec", "description", "generated_by", "tags",
            "no_index", "prereqs", "release_status", "resources"}
REQUIRED = ["name", "version", "abstract", "maintainer", "license",
            "provides", "meta-spec"]


def is_custom(key):
    return len(key) > 2 and key[:2] in ("x_", "X_")


class Checker:
    def __init__(self):
        self.errors = []

    def err(self, path, msg):
        self.errors.append(f"{path}: {msg}")

    def string(self, path, v, min_len=1):
        if not isinstance(v, str):
            self.err(path, f"must be a string, not {type(v).__name__}")
            return False
        if len(v) < min_len:
            self.err(path, f"must have at least {min_len} character(s)")
            return False
        return True

    def term(self, path, v):
        # At least two characters, no slash, backslash, space or control.
        if self.string(path, v, 2) and re.search(r"[/\\\s\x00-\x1f\x7f]", v):
            self.err(path, f"{v!r} is not a term (no /, \\, spaces or control characters)")

    def semver(self, path, v):
        if self.string(path, v) and not SEMVER_RE.match(v):
            self.err(path, f"{v!r} is not a semantic version (X.Y.Z)")

    def version_range(self, path, v):
        if isinstance(v, bool):
            self.err(path, "must be a version range, not a boolean")
        elif isinstance(v, (int, float)):
            if v != 0:
                self.err(path, "a number is allowed only as 0 (any version)")
        elif isinstance(v, str):
            if v == "0":
                return
            for part in v.split(","):
                if not RANGE_PART.match(part.strip()):
                    self.err(path, f"{v!r} is not a version range")
                    return
        else:
            self.err(path, "must be a version range string or 0")

    def uri(self, path, v):
        if self.string(path, v) and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", v):
            self.err(path, f"{v!r} is not a URI")

    def relpath(self, path, v):
        if self.string(path, v, 2) and (v.startswith("/") or "\\" in v or ".." in v.split("/")):
            self.err(path, f"{v!r} is not a relative Unix path inside the distribution")

    def obj(self, path, v, allowed, required=(), any_of=()):
        if not isinstance(v, dict):
            self.err(path, f"must be an object, not {type(v).__name__}")
            return False
        for k in v:
            if k not in allowed and not is_custom(k):
                self.err(f"{path}.{k}", "unknown key")
        for k in required:
            if k not in v:
                self.err(path, f"missing required key {k!r}")
        if any_of and not any(k in v for k in any_of):
            self.err(path, "needs one of " + ", ".join(any_of))
        return True

    def str_or_list(self, path, v, item):
        if isinstance(v, list):
            if not v:
                self.err(path, "must not be an empty list")
            if len(set(map(json.dumps, v))) != len(v):
                self.err(path, "items must be unique")
            for i, x in enumerate(v):
                item(f"{path}[{i}]", x)
        else:
            item(path, v)

    def check(self, meta):
        if not isinstance(meta, dict):
            self.err("META.json", "must hold a JSON object")
            return
        for k in REQUIRED:
            if k not in meta:
                self.err("META.json", f"missing required key {k!r}")
        for k in meta:
            if k not in TOP_KEYS and not is_custom(k):
                self.err(k, "unknown key (custom keys start with x_)")
        if "name" in meta:
            self.term("name", meta["name"])
        if "version" in meta:
            self.semver("version", meta["version"])
        for k in ("abstract", "description", "generated_by"):
            if k in meta:
                self.string(k, meta[k])
        if "maintainer" in meta:
            self.str_or_list("maintainer", meta["maintainer"], self.string)
        if "license" in meta:
            self.license(meta["license"])
        if "provides" in meta:
            self.provides(meta["provides"])
        if "meta-spec" in meta:
            ms = meta["meta-spec"]
            if self.obj("meta-spec", ms, {"version", "url"}, ["version"]):
                if "version" in ms and (not isinstance(ms["version"], str)
                                        or not re.match(r"^1\.0\.\d+$", ms["version"])):
                    self.err("meta-spec.version", "must be 1.0.x for this spec")
                if "url" in ms and ms["url"] not in ("https://pgxn.org/meta/spec.txt",
                                                     "http://pgxn.org/meta/spec.txt"):
                    self.err("meta-spec.url", "must be https://pgxn.org/meta/spec.txt")
        if "tags" in meta:
            tags = meta["tags"]
            if not isinstance(tags, list) or not tags:
                self.err("tags", "must be a non-empty list")
            else:
                if len(set(map(json.dumps, tags))) != len(tags):
                    self.err("tags", "items must be unique")
                for i, t in enumerate(tags):
                    if self.string(f"tags[{i}]", t, 2):
                        if len(t) > 255 or re.search(r"[/\\\x00-\x1f\x7f]", t):
                            self.err(f"tags[{i}]", f"{t!r} is not a tag")
        if "no_index" in meta:
            ni = meta["no_index"]
            if self.obj("no_index", ni, {"file", "directory"}, any_of=("file", "directory")):
                for k in ("file", "directory"):
                    if k in ni:
                        self.str_or_list(f"no_index.{k}", ni[k], self.relpath)
        if "prereqs" in meta:
            self.prereqs(meta["prereqs"])
        if "release_status" in meta and meta["release_status"] not in ("stable", "testing", "unstable"):
            self.err("release_status", "must be stable, testing or unstable")
        if "resources" in meta:
            self.resources(meta["resources"])

    def license(self, v):
        if isinstance(v, dict):
            if not v:
                self.err("license", "must not be an empty object")
            for name, url in v.items():
                self.uri(f"license.{name}", url)
        else:
            def one(path, x):
                if x not in LICENSES:
                    self.err(path, f"{x!r} is not one of the spec's license names")
            self.str_or_list("license", v, one)

    def provides(self, v):
        if not isinstance(v, dict) or not v:
            self.err("provides", "must be an object naming at least one extension")
            return
        for name, ext in v.items():
            p = f"provides.{name}"
            self.term(p, name)
            if self.obj(p, ext, {"file", "version", "abstract", "docfile"}, ["file", "version"]):
                if "file" in ext:
                    self.relpath(f"{p}.file", ext["file"])
                if "docfile" in ext:
                    self.relpath(f"{p}.docfile", ext["docfile"])
                if "version" in ext:
                    self.semver(f"{p}.version", ext["version"])
                if "abstract" in ext:
                    self.string(f"{p}.abstract", ext["abstract"])

    def prereqs(self, v):
        if not self.obj("prereqs", v, PHASES, any_of=sorted(PHASES)):
            return
        for phase, rels in v.items():
            if is_custom(phase):
                continue
            p = f"prereqs.{phase}"
            if not self.obj(p, rels, RELATIONS, any_of=sorted(RELATIONS)):
                continue
            for rel, deps in rels.items():
                if is_custom(rel):
                    continue
                q = f"{p}.{rel}"
                if not isinstance(deps, dict) or not deps:
                    self.err(q, "must be a non-empty object of name: version range")
                    continue
                for name, rng in deps.items():
                    self.term(f"{q}.{name}", name)
                    self.version_range(f"{q}.{name}", rng)

    def resources(self, v):
        if not self.obj("resources", v, {"homepage", "bugtracker", "repository"},
                        any_of=("homepage", "bugtracker", "repository")):
            return
        if "homepage" in v:
            self.uri("resources.homepage", v["homepage"])
        if "bugtracker" in v:
            b = v["bugtracker"]
            if self.obj("resources.bugtracker", b, {"web", "mailto"}, any_of=("web", "mailto")):
                if "web" in b:
                    self.uri("resources.bugtracker.web", b["web"])
                if "mailto" in b and self.string("resources.bugtracker.mailto", b["mailto"]) \
                        and not re.match(r"^[^@\s]+@[^@\s]+$", b["mailto"]):
                    self.err("resources.bugtracker.mailto", "is not an e-mail address")
        if "repository" in v:
            r = v["repository"]
            if self.obj("resources.repository", r, {"url", "web", "type"}):
                if not ("web" in r or ("url" in r and "type" in r)):
                    self.err("resources.repository", "needs web, or url and type")
                for k in ("url", "web"):
                    if k in r:
                        self.uri(f"resources.repository.{k}", r[k])
                if "type" in r and (not isinstance(r["type"], str)
                                    or not re.match(r"^[a-z]+$", r["type"])):
                    self.err("resources.repository.type", "must be a lower-case word (git, svn, ...)")


def validate(meta):
    c = Checker()
    c.check(meta)
    return c.errors


def make_var(project, name):
    return subprocess.run(["make", "-s", "-C", project, f"print-{name}"],
                          check=True, capture_output=True, text=True).stdout.strip()


def project_errors(meta, project):
    """The file against the project it describes."""
    errors = []
    ext = make_var(project, "EXTENSION")
    extversion = make_var(project, "EXTVERSION")
    if meta.get("name") != ext:
        errors.append(f"name: {meta.get('name')!r}, but the Makefile's EXTENSION is {ext!r}")
    if meta.get("version") != extversion:
        errors.append(f"version: {meta.get('version')!r}, but the Makefile's EXTVERSION is {extversion!r}")
    provides = meta.get("provides") or {}
    if ext not in provides:
        errors.append(f"provides: does not name the extension {ext!r}")
    with open(os.path.join(project, f"{ext}.control")) as f:
        m = re.search(r"^default_version\s*=\s*'([^']*)'", f.read(), re.M)
    default_version = m.group(1) if m else None
    if isinstance(provides.get(ext), dict) and provides[ext].get("version") != default_version:
        errors.append(f"provides.{ext}.version: {provides[ext].get('version')!r}, "
                      f"but {ext}.control's default_version is {default_version!r}")
    for name, e in provides.items():
        for k in ("file", "docfile"):
            if isinstance(e, dict) and isinstance(e.get(k), str) \
                    and not os.path.isfile(os.path.join(project, e[k])):
                errors.append(f"provides.{name}.{k}: {e[k]} does not exist")
    with open(os.path.join(project, "debian", "pgversions")) as f:
        lowest = [l.strip().rstrip("+") for l in f if re.match(r"^\s*\d", l)]
    want = f"{lowest[0]}.0.0" if lowest else None
    got = (((meta.get("prereqs") or {}).get("runtime") or {}).get("requires") or {}).get("PostgreSQL")
    if got != want:
        errors.append(f"prereqs.runtime.requires.PostgreSQL: {got!r}, "
                      f"but debian/pgversions starts at {lowest[0] if lowest else None} ({want!r})")
    return errors


def self_test(meta):
    """Each variant breaks one rule; every one must be rejected."""
    def variant(change):
        m = copy.deepcopy(meta)
        change(m)
        return m

    ext = next(iter(meta["provides"]))
    cases = {
        "no license": lambda m: m.pop("license"),
        "no provides": lambda m: m.pop("provides"),
        "no meta-spec": lambda m: m.pop("meta-spec"),
        "no maintainer": lambda m: m.pop("maintainer"),
        "no abstract": lambda m: m.pop("abstract"),
        "two-part version": lambda m: m.update(version="0.3"),
        "version with a v": lambda m: m.update(version="v0.3.0"),
        "name with a space": lambda m: m.update(name="view stats"),
        "unknown license": lambda m: m.update(license="PostgreSQL License"),
        "license URL not a URI": lambda m: m.update(license={"PostgreSQL": "see the README"}),
        "empty maintainer list": lambda m: m.update(maintainer=[]),
        "provides without file": lambda m: m["provides"][ext].pop("file"),
        "provides without version": lambda m: m["provides"][ext].pop("version"),
        "provides with an unknown key": lambda m: m["provides"][ext].update(docs="README.md"),
        "absolute file path": lambda m: m["provides"][ext].update(file="/etc/passwd"),
        "meta-spec 2.0.0": lambda m: m["meta-spec"].update(version="2.0.0"),
        "unknown top-level key": lambda m: m.update(homepage="https://example.org/"),
        "bad release_status": lambda m: m.update(release_status="beta"),
        "bad prereq phase": lambda m: m.update(prereqs={"install": {"requires": {"PostgreSQL": "15.0.0"}}}),
        "bad version range": lambda m: m.update(prereqs={"runtime": {"requires": {"PostgreSQL": ">= 15"}}}),
        "empty tags": lambda m: m.update(tags=[]),
        "duplicate tags": lambda m: m.update(tags=["streaks", "streaks"]),
        "resources without a known key": lambda m: m.update(resources={"x_wiki": "https://example.org/"}),
    }
    failures = []
    if validate(meta):
        failures.append("the file itself is rejected")
    for name, change in cases.items():
        if not validate(variant(change)):
            failures.append(f"accepted a variant with {name}")
    # And some it must accept: custom keys, a license object, 0 as a range.
    ok_cases = {
        "an x_ key": lambda m: m.update(x_comment="custom"),
        "a license object": lambda m: m.update(license={"PostgreSQL": "https://www.postgresql.org/about/licence"}),
        "a license list": lambda m: m.update(license=["mit", "postgresql"]),
        "range 0": lambda m: m.update(prereqs={"runtime": {"requires": {"plpgsql": 0}}}),
        "a compound range": lambda m: m.update(prereqs={"runtime": {"requires": {"PostgreSQL": ">= 15.0.0, < 19.0.0"}}}),
    }
    for name, change in ok_cases.items():
        errs = validate(variant(change))
        if errs:
            failures.append(f"rejected a valid variant with {name}: {errs[0]}")
    return failures, len(cases) + len(ok_cases)


def main(argv):
    args = argv[1:]
    do_self_test = "--self-test" in args
    args = [a for a in args if a != "--self-test"]
    project = None
    if "--project" in args:
        i = args.index("--project")
        project = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    path = args[0]
    try:
        with open(path, encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: {e}")
        return 1
    errors = validate(meta)
    if do_self_test and not errors:
        failures, n = self_test(meta)
        if failures:
            errors += ["self-test: " + f for f in failures]
        else:
            print(f"validator self-test: {n} variants judged as expected")
    if project and not errors:
        errors += project_errors(meta, project)
    for e in errors:
        print(f"{path}: {e}")
    if errors:
        return 1
    print(f"{path} is valid (PGXN Meta Spec {meta['meta-spec']['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
