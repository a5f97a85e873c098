#!/usr/bin/python3
"""Reads every visible Avro file of a lake with Apache Avro's reference implementation
(Debian python3-avro) and validates every record against the committed schema.

Checks: each file's writer schema is the committed one (schemas/<kind>.v1.avsc, in
Parsing Canonical Form), its codec is
the one NW_AVRO_CODEC names (default snappy, the worker's default), each record validates, each file lies in the dt=/hour= folder of its records'
time (fetched_at, or at for errors; UTC) unless PARTITION_BY says published_at. Prints one
JSON line per kind: {"kind", "files", "count", "distinct_ids", "max_per_id"} where the id is
the article id, or the error's url; then {"kind": "by_url", ...} over the articles' and
errors' url together (one job, one record). Exit 1 on any failure.

usage: check_avro_lake.py DIR SCHEMA_DIR [published_at]
"""
import collections
import datetime
import glob
import json
import os
import sys

import avro.datafile
import avro.io
import avro.schema

KINDS = {"articles": "article", "errors": "error", "jobs": "url-job"}


def folder_of(t):
    if t is None:
        return "dt=unknown/hour=unknown"
    d = datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).astimezone(datetime.timezone.utc)
    return "dt=%s/hour=%02d" % (d.strftime("%Y-%m-%d"), d.hour)


def main():
    lake, schema_dir = sys.argv[1], sys.argv[2]
    by_published = len(sys.argv) > 3 and sys.argv[3] == "published_at"
    want_codec = os.environ.get("NW_AVRO_CODEC", "snappy").encode()
    failures = 0
    by_url = collections.Counter()
    for kind, name in KINDS.items():
        committed = avro.schema.parse(open(os.path.join(schema_dir, name + ".v1.avsc")).read())
        files = sorted(glob.glob(os.path.join(lake, kind, "*", "*", "*.avro")))
        ids = collections.Counter()
        for path in files:
            with open(path, "rb") as fh:
                reader = avro.datafile.DataFileReader(fh, avro.io.DatumReader())
                writer = reader.datum_reader.writers_schema
                # avro-c writes the schema without doc, default and custom attributes: the
                # Parsing Canonical Form (what identifies a schema) must be the committed one.
                if writer.canonical_form != committed.canonical_form:
                    print("%s: writer schema differs from %s.v1.avsc" % (path, name))
                    failures += 1
                if reader.meta.get("avro.codec") != want_codec:
                    print("%s: codec %r" % (path, reader.meta.get("avro.codec")))
                    failures += 1
                folder = os.path.relpath(os.path.dirname(path), os.path.join(lake, kind))
                for rec in reader:
                    if kind != "jobs":
                        by_url[rec["url"]] += 1
                    if not avro.io.validate(committed, rec):
                        print("%s: a record does not validate" % path)
                        failures += 1
                    if kind == "articles":
                        t = rec["published_at"] if by_published else rec["fetched_at"]
                        ids[rec["id"]] += 1
                    elif kind == "errors":
                        t = (rec["meta"] or {}).get("published_at") if by_published else rec["at"]
                        ids[rec["url"]] += 1
                    else:
                        t, _ = None, ids.update([rec["url"]])
                    if kind != "jobs" and folder != folder_of(t):
                        print("%s: record time %s belongs in %s" % (path, t, folder_of(t)))
                        failures += 1
                reader.close()
        print(json.dumps({"kind": kind, "files": len(files), "count": sum(ids.values()),
                          "distinct_ids": len(ids), "max_per_id": max(ids.values(), default=0)}))
    # Every job ends in one article or error record: per job (its url) across both kinds.
    print(json.dumps({"kind": "by_url", "count": sum(by_url.values()), "distinct_ids": len(by_url),
                      "max_per_id": max(by_url.values(), default=0)}))
    sys.exit(1 if failures else 0)


main()
