#!/bin/bash
# Dead-letter context (issue 18): jobs produced with keys to the mock cluster; every record
# of a job carries where it came from, `source` {topic, partition, offset, key}, and the
# input key as the `source-key` header; error records also carry source-topic,
# source-partition and source-offset headers (in the spirit of Kafka Connect's dead-letter
# headers). Checked against the input topic as kcat reads it: the (partition, offset) each
# record names holds a message with that key. invalid_job records carry the URL when one
# could be read from the bad line ({"url": "..."} with a bad field, a bare ftp:// URL), null
# otherwise. A message without a key gives "key": null and no source-key header.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

start_mock --brokers 1 news.urls:3 news.articles:2 news.errors:2
start_httpd
"$PY" - "$WORK/jobs.txt" "$HP" <<'PYEOF'
import json, sys
path, port = sys.argv[1], sys.argv[2]
lines = []
for n in range(6):  # articles: inline pages and fetched ones
    if n % 2:
        job = {"url": "https://inline.example/a/%d" % n, "meta": {"n": n},
               "html": "<html><head><title>T %d</title></head><body><article><p>Article %d has a "
                       "paragraph of ordinary text for the extractor to keep here.</p></article>"
                       "</body></html>" % (n, n)}
    else:
        job = {"url": "http://127.0.0.1:%s/nwm-diplomatic-reset.html?n=%d" % (port, n), "meta": {"n": n}}
    lines.append(("art-%d" % n, json.dumps(job)))
for n in range(6, 9):  # fetch errors
    lines.append(("err-%d" % n, json.dumps({"url": "http://127.0.0.1:%s/status/404?n=%d" % (port, n),
                                            "meta": {"n": n}})))
# bad lines: with a URL to read, and without
lines.append(("bad-9", json.dumps({"url": "http://bad.example/p9", "priority": "high"})))
lines.append(("bad-10", "ftp://example.com/garbage-10"))
lines.append(("bad-11", '{"url": 42, "garbage": 11}'))
lines.append(("bad-12", "garbage-12 not a url"))
with open(path, "w") as f:
    for k, v in lines:
        f.write("%s|%s\n" % (k, v))
PYEOF
kcat -b "$BS" -P -t news.urls -K '|' -l "$WORK/jobs.txt" || fail "kcat produce"
# one job without a key
echo '{"url":"https://inline.example/nokey","meta":{"n":13},"html":"<html><body><article><p>A keyless job has a paragraph of ordinary text for the extractor to keep.</p></article></body></html>"}' |
    kcat -b "$BS" -P -t news.urls -p 0 || fail "kcat produce"
N=14
start_worker w1 -o fetch.breaker_failures=0
end=$((SECONDS + 90))
while [ $SECONDS -lt $end ]; do
    n=$(($(kcat -b "$BS" -C -t news.articles -e -o beginning -q 2>/dev/null | wc -l) +
        $(kcat -b "$BS" -C -t news.errors -e -o beginning -q 2>/dev/null | wc -l)))
    [ "$n" -ge "$N" ] && break
    sleep 0.5
done
[ "$n" -ge "$N" ] || fail "only $n of $N records"
stop_worker w1
[ "$CODE" = 0 ] || fail "worker exit $CODE"

# %h: headers as name=value,...; tab-separated (compact JSON holds no raw tab)
kcat -b "$BS" -C -t news.urls -e -o beginning -q -f '%p\t%o\t%k\n' >"$WORK/input.tsv"
for t in news.articles news.errors; do
    kcat -b "$BS" -C -t "$t" -e -o beginning -q -f "$t\t%k\t%h\t%s\n"
done >"$WORK/out.tsv"
"$PY" - "$WORK/input.tsv" "$WORK/out.tsv" <<'PYEOF' || fail "dead-letter context check failed"
import json, sys
inputs = {}
for line in open(sys.argv[1]):
    p, o, k = line.rstrip("\n").split("\t")
    inputs[(int(p), int(o))] = k
assert len(inputs) == 14, inputs
seen_keys, problems = [], []
def check(ok, what):
    if not ok:
        problems.append(what)
for line in open(sys.argv[2]):
    topic, key, hdrs, payload = line.rstrip("\n").split("\t", 3)
    rec = json.loads(payload)
    h = dict(kv.split("=", 1) for kv in hdrs.split(",") if "=" in kv)
    src = rec.get("source")
    check(isinstance(src, dict), "no source in %s" % payload[:120])
    if not isinstance(src, dict):
        continue
    where = (src["partition"], src["offset"])
    check(src["topic"] == "news.urls", "source topic %r" % src["topic"])
    check(where in inputs, "source %r names no input message" % (where,))
    want = inputs.get(where, "")
    if want == "":
        check(src["key"] is None and "source-key" not in h, "keyless job: key %r, headers %r" % (src["key"], h))
    else:
        check(src["key"] == want, "record of %r says key %r, input has %r" % (where, src["key"], want))
        check(h.get("source-key") == want, "source-key header %r, input key %r" % (h.get("source-key"), want))
    seen_keys.append(src["key"])
    if rec["schema"] == "newsworker.error/1":
        check(h.get("source-topic") == "news.urls", "source-topic header %r" % h.get("source-topic"))
        check(h.get("source-partition") == str(src["partition"]), "source-partition header %r" % h)
        check(h.get("source-offset") == str(src["offset"]), "source-offset header %r" % h)
    else:
        check("source-offset" not in h, "article with source-offset header")
        check(key == rec["id"], "article key is not its id")
    if rec.get("code") == "invalid_job":
        want_url = {"bad-9": "http://bad.example/p9", "bad-10": "ftp://example.com/garbage-10",
                    "bad-11": None, "bad-12": None}[src["key"]]
        check(rec["url"] == want_url, "invalid_job %s: url %r, expected %r" % (src["key"], rec["url"], want_url))
expected = sorted(["art-%d" % n for n in range(6)] + ["err-%d" % n for n in range(6, 9)] +
                  ["bad-%d" % n for n in range(9, 13)]) + [None]
got = sorted(k for k in seen_keys if k is not None) + [k for k in seen_keys if k is None]
check(got == expected, "keys %r" % got)
for p in problems:
    print("problem:", p, file=sys.stderr)
print("records %d, keys %d, problems %d" % (len(seen_keys), len(set(seen_keys)), len(problems)))
sys.exit(1 if problems else 0)
PYEOF
# and the records stay schema-valid with the source in them
cut -f4 "$WORK/out.tsv" >"$WORK/records.jsonl"
"$PY" "$SRC/tests/integration/validate_records.py" "$WORK/records.jsonl" >"$WORK/validate.log" 2>&1 ||
    fail "records not schema-valid: $(tail -5 "$WORK/validate.log")"
echo "PASS"
