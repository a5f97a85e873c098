#!/usr/bin/python3
"""warc_roundtrip.py LIVE.jsonl ARCHIVE.jsonl WARCIO.json

Checks what `newsworker fetch` with fetch.warc=true wrote against the archive:
- every live record that came from an HTTP response carries warc {file, offset,
  record_id}; the file exists under its final name; warcio (WARCIO.json, from
  warcio_check.cjs) read a response record with that id at that offset in that file;
- the records `extract` gives for the archive equal the live ones except fetched_at and
  http.elapsed_ms (error records: except at), for every live record that the fetch gave a
  page to (articles, and errors of the later stages); HTTP error statuses are not pages and
  give no record from the archive; a fetch that failed on its body (too_big) only has its
  warc ref checked (the archive keeps the cut response, marked WARC-Truncated).
"""
import json
import os
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def strip(r):
    r = dict(r)
    for k in ("fetched_at", "at"):
        r.pop(k, None)
    if isinstance(r.get("http"), dict):
        r["http"] = dict(r["http"])
        r["http"].pop("elapsed_ms", None)
    return r


def main():
    live, archived = load(sys.argv[1]), load(sys.argv[2])
    warcio = json.load(open(sys.argv[3]))
    by_id = {x["id"]: x for x in warcio["responses"]}
    by_url = {}
    for r in archived:
        if r["url"] in by_url:
            sys.exit("two archive records for %s" % r["url"])
        by_url[r["url"]] = r
    compared = 0
    for r in live:
        w = r.get("warc")
        status = r.get("http_status") or (r.get("http") or {}).get("status")
        if not w:
            sys.exit("live record without warc: %s" % json.dumps(r)[:400])
        if not os.path.isfile(w["file"]):
            sys.exit("%s: warc.file %s does not exist" % (r["url"], w["file"]))
        x = by_id.get(w["record_id"])
        if not x:
            sys.exit("%s: warcio read no response record %s" % (r["url"], w["record_id"]))
        if x["offset"] != w["offset"] or os.path.abspath(x["file"]) != os.path.abspath(w["file"]):
            sys.exit("%s: warc says %s@%d, warcio read it at %s@%d"
                     % (r["url"], w["file"], w["offset"], x["file"], x["offset"]))
        if status and not 200 <= status <= 299:
            if r["url"] in by_url:
                sys.exit("%s: an HTTP %s gave a record from the archive" % (r["url"], status))
            continue
        if r["schema"] == "newsworker.error/1" and r["stage"] in ("fetch", "job"):
            if x.get("truncated") is None:
                sys.exit("%s: failed in fetch (%s) but its response is not WARC-Truncated"
                         % (r["url"], r["code"]))
            continue
        a = by_url.get(r["url"])
        if a is None:
            sys.exit("%s: no record from the archive" % r["url"])
        if strip(a) != strip(r):
            diff = [k for k in set(a) | set(r) if strip(a).get(k) != strip(r).get(k)]
            sys.exit("%s: the archive's record differs in %s:\n  live:    %s\n  archive: %s"
                     % (r["url"], diff, {k: strip(r).get(k) for k in diff},
                        {k: strip(a).get(k) for k in diff}))
        compared += 1
    if compared == 0:
        sys.exit("nothing compared")
    print("warc_roundtrip: %d live records, %d equal to the archive's, all %d warc refs read "
          "by warcio" % (len(live), compared, len(live)))


main()
