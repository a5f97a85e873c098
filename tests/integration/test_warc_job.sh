#!/bin/bash
# test_warc_job.sh BUILD_DIR SOURCE_DIR — url jobs that name an archived response
# ("warc": {file, offset}) instead of a URL to fetch. Pages on a loopback server are fetched
# with fetch.warc=true; jobs naming the records' warc refs are then fed to `fetch --input`
# and to `run` on the mock cluster, with input.warc_dir set: each gives the record the live
# fetch gave, except fetched_at (the WARC-Date) and http.elapsed_ms (0), and the job echo.
# A plain (uncompressed) copy of the archive is read at the offsets `extract` reports. Jobs
# naming a file outside input.warc_dir (absolute path, '..', a symbolic link out), a bad
# offset, a missing file, a FIFO, a warcinfo record or a 404 response give error records naming
# file and offset; without input.warc_dir every such job is refused.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"
BIN=${NW_BIN:-$BUILD/bin/newsworker}
VALIDATE="$PY $SRC/tests/integration/validate_records.py"

# 1. The live fetch, archived.
start_httpd
base=http://127.0.0.1:$HP
: >"$WORK/urls"
for p in "$SRC"/tests/fixtures/pages/*.html; do echo "$base/$(basename "$p")" >>"$WORK/urls"; done
echo "$base/redirect?to=/article" >>"$WORK/urls"
echo "$base/no-such-page.html" >>"$WORK/urls"
"$BIN" fetch -o fetch.warc=true -o fetch.warc_dir="$WORK/arch" -o fetch.allow_private=true \
    --input "$WORK/urls" >"$WORK/live.jsonl" 2>"$WORK/live.log" || fail "live fetch exited $?"
[ "$(wc -l <"$WORK/live.jsonl")" -eq "$(wc -l <"$WORK/urls")" ] || fail "live: one record per URL"
arch=("$WORK"/arch/*.warc.gz)
[ "${#arch[@]}" -eq 1 ] || fail "expected one WARC file: ${arch[*]}"
mkdir -p "$WORK/outside"
cp "${arch[0]}" "$WORK/outside/copy.warc.gz"
ln -s "$WORK/outside/copy.warc.gz" "$WORK/arch/link.warc.gz"
mkfifo "$WORK/arch/fifo.warc"
# A plain copy: its records' offsets are those `extract` reports for it.
zcat "${arch[0]}" >"$WORK/arch/plain.warc"
(cd "$WORK/arch" && "$BIN" extract plain.warc >"$WORK/plain.jsonl" 2>"$WORK/plain.log") ||
    fail "extract plain.warc"

# 2. The jobs: one per live record's warc ref (url as given, and without url for the
# pages), the plain copy's records, and the bad ones. meta.n numbers them; expect.json
# says what each must give.
"$PY" - "$WORK" "${arch[0]}" <<'PY' || fail "making the jobs"
import json, os, sys
work, arch = sys.argv[1], sys.argv[2]
live = [json.loads(l) for l in open(work + "/live.jsonl")]
plain = [json.loads(l) for l in open(work + "/plain.jsonl")]
jobs, expect = [], []
def job(j, e):
    j.setdefault("meta", {})["n"] = len(jobs)
    jobs.append(j); expect.append(e)
pages = 0
for r in live:
    w = r["warc"]
    ref = {"file": w["file"], "offset": w["offset"]}
    if r["schema"] == "newsworker.article/1":
        pages += 1
        job({"url": r["url"], "warc": ref}, {"live": r})
        if r["url"] == r["final_url"]:  # without url: the record's WARC-Target-URI
            job({"warc": ref}, {"live": r})
    else:  # the 404: archived, not a page
        job({"url": r["url"], "warc": ref}, {"code": "warc_not_page", "stage": "warc",
                                             "http_status": 404})
for r in plain:  # the plain copy, named relative to input.warc_dir
    job({"url": r["url"], "warc": {"file": "plain.warc", "offset": r["warc"]["offset"]}},
        {"plain": r})
w = next(r["warc"] for r in live if r["schema"] == "newsworker.article/1")
size = os.path.getsize(w["file"])
bad = [({"file": w["file"], "offset": w["offset"] + 1}, "warc", "warc_bad_offset"),
       ({"file": w["file"], "offset": size}, "warc", "warc_bad_offset"),
       ({"file": "plain.warc", "offset": 3}, "warc", "warc_bad_offset"),
       ({"file": w["file"], "offset": 0}, "warc", "warc_not_page"),  # the warcinfo record
       ({"file": work + "/outside/copy.warc.gz", "offset": w["offset"]}, "job", "warc_not_allowed"),
       ({"file": "../outside/copy.warc.gz", "offset": w["offset"]}, "job", "warc_not_allowed"),
       ({"file": "link.warc.gz", "offset": w["offset"]}, "job", "warc_not_allowed"),
       ({"file": "/etc/passwd", "offset": 0}, "job", "warc_not_allowed"),
       ({"file": "/no/such/dir/x.warc.gz", "offset": 0}, "job", "warc_not_allowed"),
       ({"file": "fifo.warc", "offset": 0}, "warc", "warc_open"),  # never opened: would block
       ({"file": "no-such.warc.gz", "offset": 0}, "warc", "warc_open")]
for ref, stage, code in bad:
    job({"warc": ref}, {"code": code, "stage": stage})
# A password in the job's url is not repeated in its error record.
job({"url": "https://user:secret@127.0.0.1/a", "warc": {"file": "no-such.warc", "offset": 0}},
    {"code": "warc_open", "stage": "warc", "url": "https://127.0.0.1/a"})
if pages < 4 or not plain:
    sys.exit("too few pages: %d live, %d plain" % (pages, len(plain)))
with open(work + "/jobs.jsonl", "w") as f:
    for j in jobs: f.write(json.dumps(j) + "\n")
json.dump(expect, open(work + "/expect.json", "w"))
print("%d jobs (%d live pages, %d plain records, %d bad)" % (len(jobs), pages, len(plain), len(bad)))
PY
N=$(wc -l <"$WORK/jobs.jsonl")
$VALIDATE --schema "$SRC/schemas/url-job.v1.json" "$WORK/jobs.jsonl" >/dev/null ||
    fail "the jobs are not valid url jobs"

# check RECORDS.jsonl: each job's record is what expect.json says.
check() {
    "$PY" - "$WORK/expect.json" "$1" <<'PY'
import json, sys
expect = json.load(open(sys.argv[1]))
recs = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
by_n = {}
for r in recs:
    n = r["job"]["meta"]["n"]
    if n in by_n: sys.exit("two records for job %d" % n)
    by_n[n] = r
if sorted(by_n) != list(range(len(expect))):
    sys.exit("records for jobs %s, expected 0..%d" % (sorted(by_n), len(expect) - 1))
def strip(r):
    r = dict(r)
    for k in ("fetched_at", "at", "job", "source"): r.pop(k, None)  # source: run's Kafka input
    if isinstance(r.get("http"), dict):
        r["http"] = dict(r["http"]); r["http"].pop("elapsed_ms", None)
    return r
same = errors = 0
for n, e in enumerate(expect):
    r = by_n[n]
    job = r["job"]
    if "warc" not in job or job["meta"] != {"n": n}: sys.exit("job %d: echo %s" % (n, job))
    if "secret" in json.dumps(r): sys.exit("job %d: the password is in the record" % n)
    want = e.get("live") or e.get("plain")
    if want:
        if r["schema"] != "newsworker.article/1":
            sys.exit("job %d: %s" % (n, json.dumps(r)[:500]))
        if r["http"]["elapsed_ms"] != 0 or not r.get("fetched_at"):
            sys.exit("job %d: elapsed_ms %s, fetched_at %s" % (n, r["http"]["elapsed_ms"], r.get("fetched_at")))
        if e.get("plain"):  # the plain copy names its own file
            want = dict(want); want["warc"] = dict(want["warc"], file="plain.warc")
        if strip(r) != strip(want):
            diff = sorted(k for k in set(r) | set(want) if strip(r).get(k) != strip(want).get(k))
            sys.exit("job %d: differs from the live record in %s:\n  live: %s\n  job:  %s"
                     % (n, diff, {k: strip(want).get(k) for k in diff}, {k: strip(r).get(k) for k in diff}))
        same += 1
    else:
        if r["schema"] != "newsworker.error/1" or r["code"] != e["code"] or r["stage"] != e["stage"]:
            sys.exit("job %d: expected %s/%s, got %s" % (n, e["stage"], e["code"], json.dumps(r)[:400]))
        if "url" in e and r["url"] != e["url"]:
            sys.exit("job %d: url %s" % (n, r["url"]))
        if e.get("http_status") and r["http_status"] != e["http_status"]:
            sys.exit("job %d: http_status %s" % (n, r["http_status"]))
        w = job["warc"]
        want_msg = "%s at offset %d: " % (w["file"], w["offset"])
        if not r["message"].startswith(want_msg) or r["warc"]["file"] != w["file"] or \
                r["warc"]["offset"] != w["offset"]:
            sys.exit("job %d: message/warc do not name file and offset: %s" % (n, json.dumps(r)[:400]))
        errors += 1
print("%s: %d records equal to the live/extract ones, %d error records as expected" % (sys.argv[2], same, errors))
PY
}

# 3. fetch --input.
"$BIN" fetch -o input.warc_dir="$WORK/arch" --input "$WORK/jobs.jsonl" >"$WORK/fetch.jsonl" \
    2>"$WORK/fetch.log" || fail "fetch exited $?"
[ "$(wc -l <"$WORK/fetch.jsonl")" -eq "$N" ] || fail "fetch: expected $N records"
$VALIDATE "$WORK/fetch.jsonl" || fail "fetch: records not schema-valid"
check "$WORK/fetch.jsonl" || fail "fetch --input with WARC jobs"
# Relative input.warc_dir, resolved against the working directory.
(cd "$WORK" && "$BIN" fetch -o input.warc_dir=arch --input jobs.jsonl >fetch-rel.jsonl 2>fetch-rel.log) ||
    fail "fetch (relative input.warc_dir) exited $?"
check "$WORK/fetch-rel.jsonl" || fail "fetch --input with a relative input.warc_dir"

# 4. Without input.warc_dir: every WARC job refused, nothing read.
"$BIN" fetch --input "$WORK/jobs.jsonl" >"$WORK/refused.jsonl" 2>"$WORK/refused.log" ||
    fail "fetch (no input.warc_dir) exited $?"
"$PY" - "$WORK/refused.jsonl" "$N" <<'PY' || fail "WARC jobs without input.warc_dir"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
if len(recs) != int(sys.argv[2]): sys.exit("expected %s records, got %d" % (sys.argv[2], len(recs)))
for r in recs:
    if r["schema"] != "newsworker.error/1" or r["code"] != "warc_not_allowed" or r["stage"] != "job" \
            or "input.warc_dir is not set" not in r["message"]:
        sys.exit("not refused: %s" % json.dumps(r)[:300])
print("without input.warc_dir: %d jobs refused" % len(recs))
PY
# A directory that does not exist is refused at start, naming the key.
if "$BIN" fetch -o input.warc_dir="$WORK/none" --input "$WORK/jobs.jsonl" >/dev/null 2>"$WORK/none.log"; then
    fail "a missing input.warc_dir was accepted"
fi
grep -q "input.warc_dir" "$WORK/none.log" || fail "the error does not name input.warc_dir: $(cat "$WORK/none.log")"

# 5. run on the mock cluster: the same jobs from Kafka.
start_mock news.urls:2 news.articles:2 news.errors:1
produce_jobs "$WORK/jobs.jsonl"
start_worker w1 -o input.warc_dir="$WORK/arch"
wait_for_jobs "$N" 120 || fail "not every job got a record in time"
stop_worker w1
[ "$CODE" = 0 ] || fail "worker exit code $CODE after SIGTERM"
a=$(analyze "$WORK/records.json" "$N")
[ "$(field "$a" dup)" = 0 ] && [ "$(field "$a" bad)" = 0 ] || fail "run: $a"
kcat -b "$BS" -C -t news.articles -e -o beginning -q >"$WORK/run.jsonl"
kcat -b "$BS" -C -t news.errors -e -o beginning -q >>"$WORK/run.jsonl"
$VALIDATE "$WORK/run.jsonl" || fail "run: records not schema-valid"
check "$WORK/run.jsonl" || fail "run with WARC jobs"
echo "PASS"
