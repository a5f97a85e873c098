#!/bin/bash
# Every job ends in one record that fits in a Kafka message. Against the mock cluster (its
# own process) read back with kcat: a 2 MB and a 15 MB article give article records with
# their text cut to fit message.max.bytes (a warning says so); jobs with large unknown keys
# give records whose job echo drops those keys (noted); a record that cannot be cut to fit
# becomes an error record (record_too_large). Before, librdkafka refused each of these
# with "Message size too large": no record at all, and the input offset stuck.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"
command -v kcat >/dev/null || fail "kcat is not installed"

/usr/bin/python3 - "$WORK" <<'PYEOF'
import json, random, sys
work = sys.argv[1]
random.seed(7)
words = ("the council said on monday that its new budget would fund schools roads and clinics "
         "across the region while critics argued the plan left rural towns behind").split()
def page(n_bytes, title):
    parts = ["<html><head><title>%s</title></head><body><article><h1>%s</h1>" % (title, title)]
    size = 0
    while size < n_bytes:
        p = " ".join(random.choice(words) for _ in range(80)).capitalize() + "."
        parts.append("<p>%s</p>" % p)
        size += len(p) + 7
    return "".join(parts) + "</article></body></html>"
open(work + "/big2.html", "w").write(page(2 << 20, "Two megabytes"))
open(work + "/big15.html", "w").write(page(15 << 20, "Fifteen megabytes"))
open(work + "/small.html", "w").write(page(3000, "A small page"))
PYEOF
"$BUILD/tests/nw_httpd" --root "$WORK" --port 0 --max-seconds 500 >"$WORK/httpd.out" \
    2>"$WORK/httpd.log" &
PIDS="$PIDS $!"
HP=$(first_line "$WORK/httpd.out")
[ -n "$HP" ] || fail "nw_httpd did not start"

start_mock news.urls:1 news.articles:1 news.errors:1
"$PY" - "$WORK/jobs.txt" "$HP" <<'PYEOF'
import json, sys
path, port = sys.argv[1], sys.argv[2]
base = "http://127.0.0.1:%s/" % port
blob = "x" * (1536 * 1024)
jobs = [
    {"url": base + "big2.html", "meta": {"n": 0}},
    {"url": base + "big15.html", "meta": {"n": 1}},
    {"url": base + "small.html", "meta": {"n": 2}, "blob": blob},
    {"url": "https://inline.example/a", "meta": {"n": 3}, "crawl": {"raw": blob},
     "html": "<html><body><article><p>%s</p></article></body></html>" % ("An inline article. " * 40)},
    {"url": base + "status/404", "meta": {"n": 4}, "blob": blob},
]
with open(path, "w") as f:
    for j in jobs:
        f.write(json.dumps(j) + "\n")
PYEOF
kcat -b "$BS" -P -t news.urls -X message.max.bytes=10000000 -l "$WORK/jobs.txt" ||
    fail "kcat produce"

start_worker w1
wait_for_jobs 5 120 || fail "not every job got a record: $(analyze "$WORK/records.json" 5)"
stop_worker w1
[ "$CODE" = 0 ] || fail "worker exit code $CODE"
grep -q "too large" "$WORK/w1.log" && fail "the producer refused a record as too large"

read_topics "$WORK/records.json" news.articles news.errors
a=$(analyze "$WORK/records.json" 5)
echo "$a"
[ "$(field "$a" total)" = 5 ] && [ "$(field "$a" bad)" = 0 ] || fail "expected 5 good records: $a"
kcat -b "$BS" -C -t news.articles -e -o beginning -q >"$WORK/articles.jsonl"
kcat -b "$BS" -C -t news.errors -e -o beginning -q >"$WORK/errors.jsonl"
"$PY" "$SRC/tests/integration/validate_records.py" "$WORK/articles.jsonl" "$WORK/errors.jsonl" ||
    fail "records not schema-valid"
"$PY" - "$WORK/articles.jsonl" "$WORK/errors.jsonl" <<'PYEOF' || fail "records not as expected"
import json, sys
recs = {}
for path in sys.argv[1:]:
    for line in open(path, encoding="utf-8"):
        if line.strip():
            assert len(line.encode()) <= 1000000, "a record of %d bytes" % len(line.encode())
            r = json.loads(line)
            recs[r["job"]["meta"]["n"]] = r
for n in (0, 1):
    r = recs[n]
    assert r["schema"] == "newsworker.article/1", r.get("code")
    w = " ".join(r["warnings"])
    assert "text truncated from" in w, w
    assert len(r["text"]) > 900000, len(r["text"])  # cut to fit, not to nothing
    print("ok: job %d: %d chars of text, %s" % (n, len(r["text"]), w[:90]))
for n in (2, 3):
    r = recs[n]
    assert r["schema"] == "newsworker.article/1", r
    assert set(r["job"]) == {"url", "meta"}, sorted(r["job"])
    w = " ".join(r["warnings"])
    assert "job keys dropped" in w and ("'blob'" in w or "'crawl'" in w), w
    print("ok: job %d: %s" % (n, w[:100]))
r = recs[4]
assert r["schema"] == "newsworker.error/1" and r["code"] == "http_404", r
assert "blob" not in r["job"] and "'blob'" in r["message"], r["message"]
print("ok: job 4: %s" % r["message"][:100])
PYEOF

# A record that cannot shrink enough (a 3500-character title, a 4500-byte message limit)
# ends as an error record, from `fetch` with a broker too.
"$PY" -c '
import json
t = "Title " * 583
print(json.dumps({"url": "https://inline.example/long-title", "meta": {"n": 9},
                  "html": "<title>%s</title><article><p>%s</p></article>" % (t, "Some text. " * 30)}))
' >"$WORK/jobs2.txt"
timeout 60 "$BUILD/bin/newsworker" fetch -o kafka.bootstrap.servers="$BS" \
    -o kafka.producer.message.max.bytes=4500 --input "$WORK/jobs2.txt" >"$WORK/fetch.out" \
    2>"$WORK/fetch.log" || fail "fetch exited $?"
kcat -b "$BS" -C -t news.errors -e -o beginning -q >"$WORK/errors2.jsonl"
grep '"code":"record_too_large"' "$WORK/errors2.jsonl" | grep -q '"stage":"record"' ||
    fail "no record_too_large error record: $(tail -c 600 "$WORK/errors2.jsonl")"
echo "PASS"
