#!/usr/bin/env python3
"""List every endpoint of a Dataverse release from its JAX-RS annotations.

Reads the resource classes (`src/main/java/edu/harvard/iq/dataverse/api/**/*.java`) of
the IQSS/dataverse source at a tag (`@Path` on the class and on each method, `@GET`,
`@POST`, `@PUT`, `@DELETE`, ...) from a git repository (a bare mirror is enough) and
writes `endpoints.tsv` beside this script: method, path, family (the resource class),
status, note. Statuses and notes already in the file are kept for the endpoints that are
still there; new endpoints come in as `missing`. The build and the tests never run this:
they read the committed TSV (see `COVERAGE.md` and the emulator's coverage test).

    python3 crates/dataverse-emulator/coverage/extract.py --repo /path/to/dataverse.git --tag v6.11

Standard library only. `--check` prints what would change without writing.
"""

import argparse
import os
import re
import subprocess
import sys

API_DIR = "src/main/java/edu/harvard/iq/dataverse/api/"
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")
STATUSES = ("emulated", "partial", "missing")
HEADER = ["method", "path", "family", "status", "note"]
HERE = os.path.dirname(os.path.abspath(__file__))
TSV = os.path.join(HERE, "endpoints.tsv")


def git(repo, *args):
    return subprocess.run(
        ["git", "-C", repo, *args], check=True, capture_output=True, text=True
    ).stdout


def strip_comments(src):
    """Remove // and /* */ comments, keeping string and char literals intact."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i : j + 1])
            i = j + 1
        elif src.startswith("//", i):
            while i < n and src[i] != "\n":
                i += 1
        elif src.startswith("/*", i):
            end = src.find("*/", i + 2)
            i = n if end < 0 else end + 2
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def skip_string(src, i):
    """Index just past the string or char literal starting at i."""
    q, j = src[i], i + 1
    while j < len(src) and src[j] != q:
        j += 2 if src[j] == "\\" else 1
    return j + 1


def skip_balanced(src, i, open_c, close_c):
    """Index just past the bracket group starting at src[i] == open_c."""
    depth, j = 0, i
    while j < len(src):
        c = src[j]
        if c in "\"'":
            j = skip_string(src, j)
            continue
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return j


def members(src, start, end):
    """Yield (annotations, declaration) for each declaration in src[start:end]; the
    annotations are (name, argument text) pairs. Bodies ({...}) are skipped."""
    i, pending = start, []
    while i < end:
        while i < end and src[i].isspace():
            i += 1
        if i >= end:
            break
        if src[i] == "@" and not src.startswith("@interface", i):
            m = re.compile(r"@([\w.]+)\s*").match(src, i)
            name, i = m.group(1).split(".")[-1], m.end()
            args = ""
            if i < end and src[i] == "(":
                j = skip_balanced(src, i, "(", ")")
                args, i = src[i + 1 : j - 1], j
            pending.append((name, args))
            continue
        decl_start, depth = i, 0
        while i < end:
            c = src[i]
            if c in "\"'":
                i = skip_string(src, i)
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            elif depth == 0 and c == ";":
                yield pending, src[decl_start:i], None
                i += 1
                break
            elif depth == 0 and c == "{":
                j = skip_balanced(src, i, "{", "}")
                yield pending, src[decl_start:i], (i + 1, j - 1)
                i = j
                break
            i += 1
        pending = []


def string_constants(src):
    """`static final String NAME = "value"` constants of a file."""
    found = {}
    for m in re.finditer(r'static\s+final\s+String\s+(\w+)\s*=\s*"([^"]*)"\s*;', src):
        found[m.group(1)] = m.group(2)
    return found


def path_value(args, constants):
    """The value of a @Path(...) argument: a literal, a constant, or a concatenation."""
    parts, text = [], re.sub(r"^\s*value\s*=\s*", "", args)
    for m in re.finditer(r'\s*(?:"((?:[^"\\]|\\.)*)"|([\w.]+))\s*(\+|$)', text):
        if m.group(1) is not None:
            parts.append(m.group(1))
        elif m.group(2).split(".")[-1] in constants:
            parts.append(constants[m.group(2).split(".")[-1]])
        else:
            raise ValueError(f"cannot resolve @Path({args})")
        if not m.group(3):
            break
    return "".join(parts)


def template(path):
    """`/api/` + the JAX-RS template with regular expressions dropped (`{id:[0-9]+}` ->
    `{id}`) and slashes normalised."""
    out, i = [], 0
    while i < len(path):
        if path[i] == "{":
            j = skip_balanced(path, i, "{", "}")
            out.append("{" + path[i + 1 : j - 1].split(":")[0].strip() + "}")
            i = j
        else:
            out.append(path[i])
            i += 1
    joined = "/".join(s for s in "".join(out).split("/") if s)
    return "/api/" + joined if joined else "/api"


def endpoints_of(src, constants, family):
    src = strip_comments(src)
    found = []
    for annotations, decl, body in members(src, 0, len(src)):
        if body is None or not re.search(r"\bclass\b", decl):
            continue
        class_path = [a for n, a in annotations if n == "Path"]
        if not class_path:
            continue
        base = path_value(class_path[0], constants)
        for anns, mdecl, _ in members(src, body[0], body[1]):
            verbs = [n for n, _ in anns if n in HTTP_METHODS]
            paths = [a for n, a in anns if n == "Path"]
            if not verbs:
                if paths and "(" in mdecl:
                    print(f"note: sub-resource locator skipped in {family}: {mdecl.strip()[:80]}",
                          file=sys.stderr)
                continue
            sub = path_value(paths[0], constants) if paths else ""
            for verb in verbs:
                found.append((verb, template(base + "/" + sub), family))
    return found


def extract(repo, tag):
    files = git(repo, "ls-tree", "-r", "--name-only", tag, "--", API_DIR).split()
    rows = []
    for f in sorted(files):
        if not f.endswith(".java"):
            continue
        src = git(repo, "show", f"{tag}:{f}")
        if "@Path" not in src:
            continue
        rows.extend(endpoints_of(src, string_constants(src), os.path.basename(f)[:-5]))
    return rows


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as fh:
        lines = [l.rstrip("\n") for l in fh if l.strip() and not l.startswith("#")]
    return [dict(zip(HEADER, l.split("\t"))) for l in lines[1:]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", required=True, help="git directory of IQSS/dataverse")
    ap.add_argument("--tag", default="v6.11")
    ap.add_argument("--check", action="store_true", help="show changes, write nothing")
    args = ap.parse_args()

    extracted, seen = [], set()
    for verb, path, family in extract(args.repo, args.tag):
        if (verb, path) in seen:
            # The same method and path in two places (a JSON and a multipart variant): one row.
            continue
        seen.add((verb, path))
        extracted.append((verb, path, family))

    old = {(r["method"], r["path"]): r for r in read_tsv(TSV)}
    rows = []
    for verb, path, family in extracted:
        prev = old.pop((verb, path), None)
        status = prev["status"] if prev else "missing"
        note = prev.get("note", "") if prev else ""
        if status not in STATUSES:
            sys.exit(f"{verb} {path}: unknown status {status!r} (one of {', '.join(STATUSES)})")
        rows.append([verb, path, family, status, note or ""])
    rows.sort(key=lambda r: (r[2].lower(), r[1], HTTP_METHODS.index(r[0])))

    new = [r for r in rows if (r[0], r[1]) not in {k for k in old} and r[3] == "missing"]
    for key, r in sorted(old.items()):
        print(f"gone from {args.tag}: {key[0]} {key[1]} (was {r['status']})", file=sys.stderr)
    print(f"{len(rows)} endpoints from {args.tag}; {len(old)} rows dropped", file=sys.stderr)
    if args.check:
        return
    with open(TSV, "w", encoding="utf-8") as fh:
        fh.write(f"# Dataverse {args.tag} endpoints, from extract.py; status: "
                 f"{' | '.join(STATUSES)}. Edit status and note by hand.\n")
        fh.write("\t".join(HEADER) + "\n")
        for r in rows:
            fh.write("\t".join(r) + "\n")
    _ = new


if __name__ == "__main__":
    main()
