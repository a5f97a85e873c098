#!/usr/bin/python3
"""warc_compare.py ARCHIVE.jsonl FILES.jsonl [--map URLSUFFIX=FILENAME ...] [--expect N]

Checks the records `newsworker extract` gave for a web archive against the records it gave
for the same pages as files: every archive record is an article, there are exactly N of
them (--expect), and each one whose URL ends in a mapped suffix (or, without a map, whose
URL path's last segment is a file's name) has the same title and text as that file's
record, and carries warc {file, offset, record_id}. Prints what it compared.
"""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    args = sys.argv[1:]
    archive, files = load(args[0]), load(args[1])
    mapping, expect = {}, None
    i = 2
    while i < len(args):
        if args[i] == "--map":
            suffix, name = args[i + 1].split("=", 1)
            mapping[suffix] = name
            i += 2
        elif args[i] == "--expect":
            expect = int(args[i + 1])
            i += 2
        else:
            sys.exit("unknown argument " + args[i])
    by_name = {r["url"].rsplit("/", 1)[-1]: r for r in files}
    errors = [r for r in archive if r["schema"] != "newsworker.article/1"]
    if errors:
        sys.exit("error records from the archive: %s" % json.dumps(errors)[:2000])
    if expect is not None and len(archive) != expect:
        sys.exit("expected %d article records from the archive, got %d: %s"
                 % (expect, len(archive), [r["url"] for r in archive]))
    compared = 0
    for r in archive:
        w = r.get("warc")
        if not w or not w.get("file") or not isinstance(w.get("offset"), int) \
                or not w.get("record_id", "").startswith("<urn:"):
            sys.exit("record %s without warc provenance: %s" % (r["url"], w))
        name = None
        for suffix, n in mapping.items():
            if r["url"].endswith(suffix):
                name = n
        if not mapping:
            name = r["url"].rsplit("/", 1)[-1]
        if name not in by_name:
            continue
        f = by_name[name]
        for key in ("title", "text", "published_at", "language", "authors"):
            if r[key] != f[key]:
                sys.exit("%s: %s differs from the file's:\n  archive: %r\n  file:    %r"
                         % (r["url"], key, str(r[key])[:300], str(f[key])[:300]))
        compared += 1
    if compared == 0:
        sys.exit("no archive record matched a file record")
    print("warc_compare: %d records, %d compared with their files: same title and text"
          % (len(archive), compared))


main()
