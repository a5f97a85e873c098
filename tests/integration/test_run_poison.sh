#!/bin/bash
# newsworker run, scenario 7: a job that crashes the worker is not retried forever. The
# test build (build/tests/newsworker_crashtest, compiled with NW_TEST_CRASH) crashes
# (SIGSEGV) on a page carrying the marker "nw-test-crash". The worker is restarted after
# each crash, as systemd or Kubernetes would; after worker.max_crashes (2) crashes on
# that job it ends as an error record with code "poison", and every other job of the
# partition gets its article.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

NW_BIN=$BUILD/tests/newsworker_crashtest
[ -x "$NW_BIN" ] || fail "no test build at $NW_BIN"
start_mock news.urls:1 news.articles:1 news.errors:1
N=30
CRASH=10
"$PY" - "$WORK/jobs.txt" "$N" "$CRASH" <<'PYEOF'
import json, sys
path, n, crash = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "w") as f:
    for i in range(n):
        mark = "<!-- nw-test-crash -->" if i == crash else ""
        html = ("<html><head><title>Job %d</title></head><body>%s<article><p>Job number %d "
                "has a paragraph of ordinary text for the extractor to keep.</p></article>"
                "</body></html>" % (i, mark, i))
        f.write(json.dumps({"url": "https://inline.example/p/%d" % i, "html": html,
                            "meta": {"n": i}}) + "\n")
PYEOF
produce_jobs "$WORK/jobs.txt"

crashes=0
for start in 1 2 3 4 5; do
    start_worker "w$start" -o worker.threads=2
    eval "pid=\$WPID_w$start"
    end=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null; do
        read_topics "$WORK/records.json" news.articles news.errors
        [ "$(field "$(analyze "$WORK/records.json" "$N" 2>/dev/null)" missing)" = 0 ] && break
        [ $SECONDS -lt $end ] || fail "start $start: neither done nor crashed"
        sleep 0.5
    done
    if ! kill -0 "$pid" 2>/dev/null; then
        wait "$pid"
        CODE=$?
        echo "start $start: the worker died with exit code $CODE"
        [ "$CODE" -ge 128 ] || fail "start $start: exit code $CODE, expected a crash"
        crashes=$((crashes + 1))
        continue
    fi
    stop_worker "w$start"
    [ "$CODE" = 0 ] || fail "start $start: exit code $CODE after SIGTERM"
    echo "start $start: every job has a record; clean stop"
    break
done
echo "crashes: $crashes"
[ "$crashes" -ge 1 ] || fail "the test page never crashed the test build"
[ "$crashes" -le 2 ] || fail "$crashes crashes: the poison job was retried too often"

read_topics "$WORK/records.json" news.articles news.errors
res=$(analyze "$WORK/records.json" "$N")
echo "jobs=$N $res"
[ "$(field "$res" missing)" = 0 ] || fail "jobs lost: $res"
kcat -b "$BS" -C -t news.errors -e -o beginning -q >"$WORK/errors.jsonl"
kcat -b "$BS" -C -t news.articles -e -o beginning -q >"$WORK/articles.jsonl"
"$PY" - "$WORK/errors.jsonl" "$WORK/articles.jsonl" "$CRASH" "$N" <<'PYEOF' || fail "records"
import json, sys
errs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
arts = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
crash, n = int(sys.argv[3]), int(sys.argv[4])
poison = [e for e in errs if e["code"] == "poison"]
assert poison, "no poison record"
assert all(e["job"]["meta"]["n"] == crash for e in poison), "poison on the wrong job"
assert poison[0]["stage"] == "process", poison[0]["stage"]
assert poison[0]["attempts"] >= 2, poison[0]["attempts"]
done = {a["job"]["meta"]["n"] for a in arts}
assert done == set(range(n)) - {crash}, "articles missing: %s" % (set(range(n)) - {crash} - done)
print("poison record: %s" % poison[0]["message"])
PYEOF
"$PY" "$SRC/tests/integration/validate_records.py" "$WORK/articles.jsonl" "$WORK/errors.jsonl" ||
    fail "records not schema-valid"
echo "PASS"
