#!/usr/bin/python3
"""Validate newsworker JSONL records against schemas/.

Usage: validate_records.py [--schema FILE] [--expect-valid|--expect-invalid] [FILE|-]...

Each non-empty line of each FILE (stdin when none or "-") must be one JSON object. Its
"schema" field picks the schema: "newsworker.article/1" -> schemas/article.v1.json,
"newsworker.error/1" -> schemas/error.v1.json. With --schema FILE every document is
checked against that schema instead (url jobs, examples); a FILE that holds one pretty-printed
JSON document (not JSONL) is read whole.

Objects are validated strictly (close_objects: no field the schema does not list), though
the published schemas are open for later minor versions.

Exit 0 and print "N records valid (A article, E error)" when all are valid; exit 1 on the first
invalid record, naming file, line, JSON path and reason. --expect-invalid inverts the check
(for negative tests: every document must be rejected).

Needs Debian's python3-jsonschema: run with /usr/bin/python3.
"""

import datetime
import json
import os
import re
import sys

import jsonschema
from jsonschema import Draft202012Validator

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas")
BY_NAME = {
    "newsworker.article/1": "article.v1.json",
    "newsworker.error/1": "error.v1.json",
}

# RFC 3339 section 5.6 date-time; python-jsonschema checks "date-time" only when the optional
# rfc3339-validator module is installed, which Debian does not ship, so check it here.
RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$"
)


def format_checker():
    checker = jsonschema.FormatChecker(formats=Draft202012Validator.FORMAT_CHECKER.checkers)

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(value):
        if not isinstance(value, str):
            return True
        m = RFC3339.match(value)
        if not m:
            raise ValueError("not an RFC 3339 date-time")
        year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
        datetime.date(year, month, day)  # raises ValueError for 2026-02-30
        if hour > 23 or minute > 59 or second > 60:
            raise ValueError("time out of range")
        if m.group(9) and (int(m.group(9)) > 23 or int(m.group(10)) > 59):
            raise ValueError("offset out of range")
        return True

    return checker


def close_objects(node):
    """The strict form of a schema: every object that lists its properties accepts no
    other. The published schemas are open (schemas/README.md: a 1.x minor version may add
    optional fields, and consumers of 1.0 must accept them), but newsworker's own output is
    checked against the exact field list of the version in this tree."""
    if isinstance(node, dict):
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for v in node.values():
            close_objects(v)
    elif isinstance(node, list):
        for v in node:
            close_objects(v)
    return node


def load_schema(path):
    with open(path, encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    if os.path.basename(path).startswith(("article.", "error.")):
        close_objects(schema)  # url jobs pass unknown keys through: they stay open
    return Draft202012Validator(schema, format_checker=format_checker())


def documents(path):
    """Yields (line_number, text) for each document in path."""
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as f:
            data = f.read()
    text = data.decode("utf-8")  # records must be UTF-8: a decode error is a failure
    stripped = text.lstrip()
    if stripped.startswith("{") and "\n" in stripped.rstrip():
        # Either JSONL or one pretty-printed document: try the whole first.
        try:
            json.loads(text)
            yield 1, text
            return
        except ValueError:
            pass
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip():
            yield n, line


def main(argv):
    fixed = None
    expect_valid = True
    paths = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--schema":
            i += 1
            fixed = load_schema(argv[i])
        elif a == "--expect-invalid":
            expect_valid = False
        elif a == "--expect-valid":
            expect_valid = True
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            paths.append(a)
        i += 1
    if not paths:
        paths = ["-"]

    validators = {}
    counts = {}
    total = 0
    for path in paths:
        try:
            docs = list(documents(path))
        except (OSError, UnicodeDecodeError) as e:
            print("%s: %s" % (path, e), file=sys.stderr)
            return 1
        for lineno, text in docs:
            where = "%s:%d" % (path, lineno)
            reason = None
            kind = "document"
            try:
                doc = json.loads(text)
            except ValueError as e:
                reason = "not JSON: %s" % e
                doc = None
            if reason is None:
                if fixed is not None:
                    validator = fixed
                elif not isinstance(doc, dict) or doc.get("schema") not in BY_NAME:
                    validator = None
                    reason = "no known \"schema\" field (%r)" % (
                        doc.get("schema") if isinstance(doc, dict) else type(doc).__name__)
                else:
                    kind = doc["schema"]
                    name = BY_NAME[kind]
                    if name not in validators:
                        validators[name] = load_schema(os.path.join(SCHEMA_DIR, name))
                    validator = validators[name]
                if validator is not None:
                    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
                    if error is not None:
                        path_s = "/".join(str(p) for p in error.absolute_path) or "(top)"
                        reason = "at %s: %s" % (path_s, error.message[:300])
            if expect_valid and reason is not None:
                print("%s: invalid %s %s" % (where, kind, reason), file=sys.stderr)
                return 1
            if not expect_valid and reason is None:
                print("%s: expected a rejection, but the %s is valid" % (where, kind),
                      file=sys.stderr)
                return 1
            if not expect_valid:
                print("%s: rejected as expected: %s" % (where, reason))
            counts[kind] = counts.get(kind, 0) + 1
            total += 1
    if total == 0:
        print("no records found in %s" % " ".join(paths), file=sys.stderr)
        return 1
    detail = ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items()))
    print("%d records %s (%s)" % (total, "valid" if expect_valid else "rejected", detail))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
