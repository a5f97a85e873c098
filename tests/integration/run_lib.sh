# run_lib.sh — helpers for the `newsworker run` integration tests (test_run_*.sh).
# Sourced with BUILD=$1 SRC=$2 set. Every process started here is stopped on exit.

set -u
. "$(dirname "${BASH_SOURCE[0]}")/listen_lib.sh"
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
WORK=$(mktemp -d /tmp/nw_run_test.XXXXXX)
PIDS=""
PY=/usr/bin/python3

cleanup() {
    for p in $PIDS; do kill -TERM "$p" 2>/dev/null; done
    sleep 0.2
    for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
    exec 7>&- 2>/dev/null
    if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$WORK"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f (last 30 lines)" >&2
        tail -30 "$f" >&2
    done
    exit 1
}

# start_mock [--brokers N] TOPIC:PARTS... — sets BS (bootstrap); commands via mock_cmd.
start_mock() {
    mkfifo "$WORK/mock.ctl"
    exec 7<>"$WORK/mock.ctl"
    # NW_RUN_DEBUG=1 (by hand, when chasing a failure): the mock logs every append and
    # fetch, the workers every delivery report and stored offset.
    local dbg=""
    [ "${NW_RUN_DEBUG:-0}" = 1 ] && dbg=--debug
    "$BUILD/tests/nw_mock_cluster" --max-seconds "${MOCK_SECONDS:-500}" $dbg "$@" <&7 >"$WORK/mock.out" 2>"$WORK/mock.log" &
    PIDS="$PIDS $!"
    BS=$(first_line "$WORK/mock.out")
    [ -n "$BS" ] || fail "mock cluster did not start"
}

mock_cmd() { echo "$*" >&7; }

# start_httpd [ROOT] — sets HP (port) serving the fixture pages (or the files under ROOT).
start_httpd() {
    "$BUILD/tests/nw_httpd" --root "${1:-$SRC/tests/fixtures/pages}" --port 0 --max-seconds "${HTTPD_SECONDS:-500}" \
        >"$WORK/httpd.out" 2>"$WORK/httpd.log" &
    PIDS="$PIDS $!"
    HP=$(first_line "$WORK/httpd.out")
    [ -n "$HP" ] || fail "nw_httpd did not start"
}

# start_worker NAME [-o k=v]... — runs newsworker (or $NW_BIN) in the background; pid in
# WPID_NAME. Crash markers go to the test's own folder. NW_RUN_DEBUG=1 adds librdkafka's
# group, topic and fetch debug logs, written as they happen (not queued to the poll loop,
# so the lines before an abort are in the log too).
start_worker() {
    local name=$1 state=(-o "worker.state_dir=$WORK/state")
    shift
    # A binary from before worker.state_dir (bench_run.sh comparing builds) goes without.
    [ "${NW_RUN_NO_STATE_DIR:-0}" = 1 ] && state=()
    "${NW_BIN:-$BUILD/bin/newsworker}" run -o "kafka.bootstrap.servers=$BS" -o fetch.allow_private=true \
        "${state[@]}" \
        -o fetch.retries=1 -o fetch.retry_backoff_ms=50 -o kafka.consumer.session.timeout.ms=6000 \
        -o kafka.consumer.heartbeat.interval.ms=500 \
        $([ "${NW_RUN_DEBUG:-0}" = 1 ] && echo "-o log.level=debug -o kafka.producer.debug=eos -o kafka.consumer.debug=cgrp,topic,fetch -o kafka.consumer.log.queue=false") "$@" \
        >>"$WORK/$name.out" 2>>"$WORK/$name.log" &
    eval "WPID_$name=$!"
    PIDS="$PIDS $!"
}

# make_jobs FILE GOOD NOTFOUND REFUSED MALFORMED [SLOW_MS] — writes job lines, each
# identifiable by meta.n (or the marker in malformed lines). Prints the job count.
make_jobs() {
    "$PY" - "$@" "$HP" <<'PYEOF'
import json, sys
path, good, nf, ref, bad = sys.argv[1], *map(int, sys.argv[2:6])
slow = int(sys.argv[6]) if len(sys.argv) > 7 else 0
port = sys.argv[-1]
pages = ["nwm-diplomatic-reset.html", "newszop-pakistan-foreign-policy.html",
         "weeklyreview-diplomatic-front.html"]
lines, n = [], 0
for i in range(good):
    if i % 4 == 3:
        html = ("<html><head><title>Inline %d</title></head><body><article><p>Inline article "
                "number %d has a paragraph of ordinary text for the extractor to keep.</p>"
                "</article></body></html>" % (i, i))
        lines.append({"url": "https://inline.example/a/%d" % i, "html": html, "meta": {"n": n}})
    elif slow:
        lines.append({"url": "http://127.0.0.1:%s/slow?ms=%d&n=%d" % (port, slow, n),
                      "meta": {"n": n}})
    else:
        lines.append({"url": "http://127.0.0.1:%s/%s?n=%d" % (port, pages[i % 3], n),
                      "meta": {"n": n}})
    n += 1
for i in range(nf):
    lines.append({"url": "http://127.0.0.1:%s/status/404?n=%d" % (port, n), "meta": {"n": n}})
    n += 1
for i in range(ref):
    lines.append({"url": "http://127.0.0.1:1/refused?n=%d" % n, "meta": {"n": n}})
    n += 1
with open(path, "w") as f:
    for l in lines:
        f.write(json.dumps(l) + "\n")
    for i in range(bad):
        f.write(["garbage-%d not a url" % n, "{\"url\": 42, \"garbage\": %d}" % n,
                 "ftp://example.com/garbage-%d" % n][i % 3] + "\n")
        n += 1
print(n)
PYEOF
}

produce_jobs() { kcat -b "$BS" -P -t news.urls -l "$1" || fail "kcat produce"; }

# produce_jobs_spread FILE PARTITIONS — job i goes to partition i % PARTITIONS, so every
# partition of news.urls gets its share (kcat's own partitioner is random).
produce_jobs_spread() {
    local p
    for p in $(seq 0 $(($2 - 1))); do
        awk -v n="$2" -v p="$p" '(NR - 1) % n == p' "$1" >"$WORK/jobs.p$p"
        [ -s "$WORK/jobs.p$p" ] || continue
        kcat -b "$BS" -P -t news.urls -p "$p" -l "$WORK/jobs.p$p" || fail "kcat produce"
    done
}

# held NAME — how many input partitions the worker holds now, from its log: the sum of
# its "assigned N" lines less its "revoking N" and "lost N" lines.
held() {
    [ -f "$WORK/$1.log" ] || { echo 0; return; }
    awk '/ consume: assigned [0-9]+ partition/ { for (i = 1; i < NF; i++) if ($i == "assigned") n += $(i + 1) }
         / consume: (revoking|lost) [0-9]+ partition/ { for (i = 1; i < NF; i++) if ($i == "revoking" || $i == "lost") n -= $(i + 1) }
         END { print n + 0 }' "$WORK/$1.log"
}

# read_topics OUT TOPIC... — every message of the topics as kcat JSON lines.
read_topics() {
    local out=$1
    shift
    : >"$out"
    for t in "$@"; do
        kcat -b "$BS" -C -t "$t" -e -o beginning -J -q >>"$out" 2>/dev/null
    done
}

# analyze FILE N — prints "unique=U total=T missing=M dup=D bad=B" for the records in FILE
# (kcat -J lines) against jobs 0..N-1; bad counts records on the wrong topic, with a
# wrong key or without the headers.
analyze() {
    "$PY" - "$1" "$2" <<'PYEOF'
import json, re, sys
path, n = sys.argv[1], int(sys.argv[2])
seen, total, bad, reasons = {}, 0, 0, []
for line in open(path):
    line = line.strip()
    if not line:
        continue
    m = json.loads(line)
    total += 1
    try:
        rec = json.loads(m["payload"])
    except Exception:
        bad += 1; reasons.append("payload not JSON"); continue
    job = rec.get("job")
    if isinstance(job, dict) and isinstance(job.get("meta"), dict) and "n" in job["meta"]:
        k = job["meta"]["n"]
    else:
        s = json.dumps(job)
        g = re.search(r"garbage[-\\\": ]*(\d+)", s)
        k = int(g.group(1)) if g else None
    if m["topic"] == "news.local":
        continue  # routed copies are counted by the test itself
    seen[k] = seen.get(k, 0) + 1
    schema = rec.get("schema")
    want = "news.articles" if schema == "newsworker.article/1" else "news.errors"
    hdrs = m.get("headers") or []
    hmap = dict(zip(hdrs[0::2], hdrs[1::2])) if hdrs and isinstance(hdrs[0], str) else {}
    if m["topic"] != want:
        bad += 1; reasons.append("%s on %s" % (schema, m["topic"]))
    elif schema == "newsworker.article/1" and m.get("key") != rec.get("id"):
        bad += 1; reasons.append("key %r != id" % m.get("key"))
    elif hmap.get("schema") != schema or hmap.get("content-type") != "application/json":
        bad += 1; reasons.append("headers %r" % hdrs)
missing = [i for i in range(n) if i not in seen]
dup = sum(c - 1 for c in seen.values())
extra = [k for k in seen if k is None or not (0 <= k < n)]
print("unique=%d total=%d missing=%d dup=%d bad=%d extra=%d" %
      (len(seen) - len(extra), total, len(missing), dup, bad, len(extra)))
if reasons:
    print("bad examples: %s" % reasons[:3], file=sys.stderr)
if missing:
    print("missing jobs: %s" % missing[:20], file=sys.stderr)
PYEOF
}

field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# wait_for_jobs N SECONDS — waits until every job 0..N-1 has a record (or time is up).
wait_for_jobs() {
    local n=$1 secs=$2 end=$((SECONDS + $2)) a
    while [ $SECONDS -lt $end ]; do
        read_topics "$WORK/records.json" news.articles news.errors
        a=$(analyze "$WORK/records.json" "$n" 2>/dev/null)
        [ "$(field "$a" missing)" = 0 ] && return 0
        sleep 0.5
    done
    return 1
}

# count_records — records on the articles and errors topics right now.
count_records() {
    read_topics "$WORK/count.json" news.articles news.errors
    wc -l <"$WORK/count.json"
}

# stop_worker NAME — SIGTERM and wait; the exit code goes to CODE.
stop_worker() {
    local pid
    eval "pid=\$WPID_$1"
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    CODE=$?
}

# end_offsets TOPIC... — sum of the partitions' end offsets, read with python3-kafka (an
# independent client): tells records the broker holds from records a reader missed.
end_offsets() {
    "$PY" - "$BS" "$@" <<'PYEOF' 2>/dev/null || echo "?"
import sys
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=sys.argv[1].split(","), api_version=(2, 5, 0))
total = 0
for t in sys.argv[2:]:
    parts = [TopicPartition(t, p) for p in (c.partitions_for_topic(t) or [])]
    total += sum(c.end_offsets(parts).values())
print(total)
PYEOF
}
