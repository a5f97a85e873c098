#!/bin/bash
# Scheduling of `newsworker fetch` across hosts (127.0.0.x loopback addresses, one
# nw_httpd each, with its own request log):
#   1. fetch.job_timeout_ms: jobs on a hanging host end with job_timeout within the bound
#      (not fetch.timeout_ms x attempts), queued ones included;
#   2. circuit breaker: after fetch.breaker_failures timeouts in a row the host's waiting
#      jobs fail at once with host_unavailable and are never requested; after the
#      cool-down one probe succeeds and the host's later jobs are fetched again;
#   3. fairness: jobs for a slow host that fill more than the input window do not keep the
#      other hosts' jobs out: every fast job is done before the slow host has finished a
#      handful, and before any slow job times out.
# Timing figures are in tests/bench/bench_fetch_hosts.sh; this test asserts outcomes and
# completion order, with wide bounds on wall time only where the point is "fast, not N x 30 s".
# Usage: test_fetch_hosts.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/httpd_lib.sh"
VALIDATE=$SRC/tests/integration/validate_records.py

now_ms() { date +%s%3N; }

# codes FILE: "count code" lines of the records in FILE (articles count as "article").
codes() {
    "$PY" -c 'import json, sys, collections
c = collections.Counter(r.get("code", "article") for r in map(json.loads, open(sys.argv[1])))
print(" ".join(f"{k}={v}" for k, v in sorted(c.items())))' "$1"
}

HANG_LOG=$TMP/hang.log
serve_logged 127.0.0.2 "$PAGES" "$HANG_LOG" HP
HANG="http://127.0.0.2:$HP"

echo "== 1: fetch.job_timeout_ms bounds every job on a hanging host"
# 6 jobs, 2 at a time, each attempt allowed 30 s and 3 retries: without the job bound
# the last would end after minutes. With 2 s, all six end by about 2 s.
for i in 1 2 3 4 5 6; do echo "$HANG/sleep?ms=60000&j=$i"; done >"$TMP/in1"
t0=$(now_ms)
timeout 120 "$BIN" fetch -o fetch.allow_private=true -o fetch.per_host=2 -o fetch.job_timeout_ms=2000 \
    -o fetch.breaker_failures=0 --input "$TMP/in1" >"$TMP/out1" 2>"$TMP/err1" ||
    fail "fetch exited $?: $(tail -5 "$TMP/err1")"
t1=$(now_ms)
"$PY" "$VALIDATE" "$TMP/out1" || fail "invalid records"
[ "$(codes "$TMP/out1")" = "job_timeout=6" ] || fail "expected 6 job_timeout: $(codes "$TMP/out1")"
[ $((t1 - t0)) -lt 10000 ] || fail "6 hanging jobs took $((t1 - t0)) ms with job_timeout_ms=2000"
"$PY" - "$TMP/out1" <<'PYEOF' || fail "job_timeout records"
import json, sys
for r in map(json.loads, open(sys.argv[1])):
    assert r["stage"] == "fetch", r
    assert "fetch.job_timeout_ms" in r["message"], r["message"]
PYEOF
echo "ok: 6 x job_timeout in $((t1 - t0)) ms"

echo "== 2: circuit breaker"
: >"$HANG_LOG"
# 3 hanging URLs time out one after the other (per_host 1, 500 ms each, no retries): the
# breaker opens; the 5 queued behind them fail at once, never requested. Once their
# records are out and the cool-down (1 s) has passed, 3 more jobs come: the first is the
# probe, it succeeds, the breaker closes and the other two are fetched too.
{
    for i in 1 2 3; do echo "$HANG/sleep?ms=60000&t=$i"; done
    for i in 1 2 3 4 5; do echo "$HANG/article/queued-$i"; done
    for _ in $(seq 300); do
        [ "$(wc -l <"$TMP/out2" 2>/dev/null || echo 0)" -ge 8 ] && break
        sleep 0.1
    done
    sleep 1.5
    for i in 1 2 3; do echo "$HANG/article/later-$i"; done
} | {
    timeout 120 "$BIN" fetch -o fetch.allow_private=true -o fetch.per_host=1 -o fetch.retries=0 \
        -o fetch.timeout_ms=500 -o fetch.breaker_failures=3 -o fetch.breaker_cooldown_ms=1000 \
        --input - >"$TMP/out2" 2>"$TMP/err2" || fail "fetch exited $?: $(tail -5 "$TMP/err2")"
}
"$PY" "$VALIDATE" "$TMP/out2" || fail "invalid records"
"$PY" - "$TMP/out2" "$HANG_LOG" <<'PYEOF' || fail "circuit breaker"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
log = [l.split()[1] for l in open(sys.argv[2]) if l.strip()]
by = {r["url"].split("/", 3)[3]: r for r in recs}
bad = []
if len(recs) != 11:
    bad.append(f"{len(recs)} records for 11 jobs")
for i in (1, 2, 3):
    r = next((r for k, r in by.items() if k.endswith(f"t={i}")), None)
    if not r or r.get("code") != "timeout":
        bad.append(f"hanging job {i}: {r and r.get('code')}")
for i in range(1, 6):
    r = by.get(f"article/queued-{i}")
    if not r or r.get("code") != "host_unavailable":
        bad.append(f"queued-{i}: expected host_unavailable, got {r and r.get('code')}")
    elif "circuit breaker" not in r["message"]:
        bad.append(f"queued-{i}: message does not name the breaker: {r['message']}")
    if f"/article/queued-{i}" in log:
        bad.append(f"queued-{i} was requested while the breaker was open")
for i in range(1, 4):
    r = by.get(f"article/later-{i}")
    if not r or r["schema"] != "newsworker.article/1":
        bad.append(f"later-{i}: expected an article after the probe, got {r and (r.get('code'), r.get('message'))}")
if log.count("/sleep") != 3:
    bad.append(f"{log.count('/sleep')} hanging requests, expected 3")
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PYEOF
grep -q "circuit breaker closed" "$TMP/err2" || fail "no log line for the breaker closing: $(cat "$TMP/err2")"
echo "ok: $(codes "$TMP/out2")"

echo "== 3: fairness: a slow host does not keep other hosts' jobs out"
# 80 jobs for a host answering in 1.5 s (2 at a time: about 1.3 jobs/s) come first, then
# 120 jobs for three fast hosts. The input window is 64 jobs: if waiting jobs held it, the
# fast jobs would wait for the slow host (about a minute, or the slow jobs' job_timeout,
# here 12 s).
SLOW_LOG=$TMP/slow.log
serve_logged 127.0.0.3 "$PAGES" "$SLOW_LOG" SP
FAST=()
for a in 127.0.0.4 127.0.0.5 127.0.0.6; do
    serve_logged "$a" "$PAGES" "$TMP/fast-$a.log" p
    FAST+=("http://$a:$p")
done
HTML=()
for page in "$PAGES"/*.html; do HTML+=("$(basename "$page")"); done
{
    for i in $(seq 80); do echo "http://127.0.0.3:$SP/sleep?ms=1500&s=$i"; done
    for i in $(seq 120); do
        echo "${FAST[$((i % 3))]}/${HTML[$((i % ${#HTML[@]}))]}?f=$i"
    done
} >"$TMP/in3"
t0=$(now_ms)
timeout 120 "$BIN" fetch -o fetch.allow_private=true -o fetch.per_host=2 -o fetch.concurrency=16 \
    -o fetch.job_timeout_ms=12000 --input "$TMP/in3" >"$TMP/out3" 2>"$TMP/err3" ||
    fail "fetch exited $?: $(tail -5 "$TMP/err3")"
"$PY" "$VALIDATE" "$TMP/out3" >/dev/null || fail "invalid records"
"$PY" - "$TMP/out3" <<'PYEOF' || fail "fairness"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
slow = lambda r: "/sleep" in r["url"]
bad = []
if len(recs) != 200:
    bad.append(f"{len(recs)} records for 200 jobs")
fast_done = [i for i, r in enumerate(recs) if not slow(r)]
if len(fast_done) != 120 or any(recs[i]["schema"] != "newsworker.article/1" for i in fast_done):
    bad.append("not every fast job gave an article")
last_fast = max(fast_done)
slow_before = [r for r in recs[:last_fast] if slow(r)]
print(f"  all 120 fast jobs done after {len(slow_before)} slow records "
      f"({sum(1 for r in slow_before if r.get('code') == 'job_timeout')} of them job_timeout)")
# Without parking about 64 (the window) would; with it a few do, the fast jobs taking
# about a second. 30 leaves room for a loaded machine.
if len(slow_before) > 30:
    bad.append(f"{len(slow_before)} slow jobs ended before the last fast one: fast jobs waited")
if any(r.get("code") == "job_timeout" for r in slow_before):
    bad.append("slow jobs timed out before the fast ones were done")
slow_codes = {r.get("code", "article") for r in recs if slow(r)}
if not slow_codes <= {"article", "job_timeout"}:
    bad.append(f"slow jobs ended with {slow_codes}")
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PYEOF
echo "ok: $(codes "$TMP/out3") in $(($(now_ms) - t0)) ms"

echo "PASS"
