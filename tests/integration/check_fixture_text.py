#!/usr/bin/python3
"""Check article records of the fixture pages against their .expect files.

Usage: check_fixture_text.py RECORDS.jsonl PAGES_DIR

PAGES_DIR holds NAME.html pages and NAME.expect files. Every NAME.expect must be matched by
at least one article record whose url (or final_url) path ends in /NAME.html, and each such
record must satisfy every line of the .expect file:

  title: T        the record's title equals T
  author: A       A is one of the record's authors
  published: P    the record's published_at starts with P
  para: TEXT      TEXT appears in the record's text, after the previous para's match
  absent: TEXT    TEXT appears nowhere in the record's text

Text is compared after Unicode NFC and collapsing runs of white space to one space, so that
the test is about content, not about how paragraphs are separated. Prints one line per
failure and exits 1 if there was any; 0 and a summary otherwise.
"""

import json
import os
import re
import sys
import unicodedata
import urllib.parse


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s or "")).strip()


def load_expect(path):
    exp = {"title": None, "author": [], "published": None, "para": [], "absent": []}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            key, sep, value = line.partition(": ")
            if not sep or key not in exp:
                raise SystemExit(f"{path}:{n}: cannot parse line: {line!r}")
            if isinstance(exp[key], list):
                exp[key].append(norm(value))
            else:
                exp[key] = norm(value)
    if not exp["para"]:
        raise SystemExit(f"{path}: no para lines")
    return exp


def page_name(url):
    path = urllib.parse.urlsplit(url or "").path
    base = os.path.basename(urllib.parse.unquote(path))
    return base[:-5] if base.endswith(".html") else None


def check(name, rec, exp):
    errors = []
    text = norm(rec.get("text"))
    if exp["title"] is not None and norm(rec.get("title")) != exp["title"]:
        errors.append(f"title is {rec.get('title')!r}, expected {exp['title']!r}")
    authors = [norm(a) for a in rec.get("authors") or []]
    for a in exp["author"]:
        if a not in authors:
            errors.append(f"author {a!r} not in {authors!r}")
    if exp["published"] is not None:
        got = rec.get("published_at") or ""
        if not got.startswith(exp["published"]):
            errors.append(f"published_at is {got!r}, expected it to start with {exp['published']!r}")
    pos = 0
    for i, para in enumerate(exp["para"], 1):
        at = text.find(para, pos)
        if at < 0:
            where = "missing" if text.find(para) < 0 else "out of order"
            errors.append(f"paragraph {i} {where}: {para[:80]!r}")
            continue
        pos = at + len(para)
    for furniture in exp["absent"]:
        if furniture in text:
            errors.append(f"furniture in text: {furniture!r}")
    return [f"{name}: {e}" for e in errors]


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    records_path, pages_dir = argv[1], argv[2]
    expects = {}
    for fn in sorted(os.listdir(pages_dir)):
        if fn.endswith(".expect"):
            expects[fn[: -len(".expect")]] = load_expect(os.path.join(pages_dir, fn))
    if not expects:
        print(f"no .expect files in {pages_dir}", file=sys.stderr)
        return 1

    seen = {name: 0 for name in expects}
    failures = []
    with open(records_path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            name = page_name(rec.get("url")) or page_name(rec.get("final_url"))
            if name not in expects:
                continue
            if rec.get("schema") != "newsworker.article/1":
                failures.append(
                    f"{name}: line {n} is an error record: "
                    f"{rec.get('stage')}/{rec.get('code')}: {rec.get('message')}"
                )
                seen[name] += 1
                continue
            seen[name] += 1
            failures += check(name, rec, expects[name])
    for name, count in seen.items():
        if count == 0:
            failures.append(f"{name}: no record for this page in {records_path}")
    for msg in failures:
        print(msg)
    if failures:
        print(f"FAILED: {len(failures)} problem(s)")
        return 1
    print(
        f"ok: {sum(seen.values())} record(s) for {len(expects)} page(s), "
        f"{sum(len(e['para']) for e in expects.values())} paragraphs, "
        f"{sum(len(e['absent']) for e in expects.values())} furniture strings"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
