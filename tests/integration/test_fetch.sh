#!/bin/bash
# `newsworker fetch` against the loopback test server (tests/tools/nw_httpd.c): every input
# ends in exactly one record; failures (404, refused, timeout, too large, gzip bomb,
# disallowed scheme, private address, redirect loop, Retry-After, reset, bad jobs) are error
# records with the right stage and code while the other URLs in the same run succeed; every
# record is schema-valid.
# Usage: test_fetch.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/httpd_lib.sh"
VALIDATE=$SRC/tests/integration/validate_records.py

# Runs the binary with a hard time bound; stdout to $1, stderr to $1.log.
run_fetch() {
    local out=$1
    shift
    local rc=0
    timeout 180 "$BIN" fetch "$@" >"$out" 2>"$out.log" || rc=$?
    [ "$rc" -eq 0 ] || fail "fetch exited $rc: $(tail -n 5 "$out.log")"
}

# check RECORDS N 'KEY KIND [STAGE CODE[|CODE] [ATTEMPTS]]' ...: N records, all schema-valid,
# and for each expectation exactly one record matching KEY: a substring of its url, "=URL"
# for an exact url, or "job:TEXT" for a bad job line (url null, the raw line in job).
check() {
    local file=$1 count=$2
    shift 2
    [ "$(wc -l <"$file")" -eq "$count" ] || fail "$(wc -l <"$file") records in $file, expected $count"
    "$PY" "$VALIDATE" "$file" || fail "$file: invalid records"
    "$PY" - "$file" "$@" <<'PYEOF'
import json, sys
records = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
bad = []
for spec in sys.argv[2:]:
    parts = spec.split()
    key, kind = parts[0], parts[1]
    stage, codes = (parts[2], parts[3].split("|")) if len(parts) > 3 else (None, None)
    attempts = int(parts[4]) if len(parts) > 4 else None
    if key.startswith("job:"):
        # a refused line: its url is what could be read from it (issue 18), else null
        match = [r for r in records if isinstance(r.get("job"), str) and key[4:] in r["job"]]
        if len(match) == 1:
            want = match[0]["job"].strip() if "://" in key and not key[4:].startswith("{") else None
            if match[0].get("url") != want:
                bad.append(f"{key}: url {match[0].get('url')!r}, expected {want!r}")
    elif key.startswith("="):
        match = [r for r in records if r.get("url") == key[1:]]
    else:
        match = [r for r in records if key in (r.get("url") or "")]
    if len(match) != 1:
        bad.append(f"{key}: {len(match)} records")
        continue
    r = match[0]
    if kind == "article":
        if r["schema"] != "newsworker.article/1":
            bad.append(f"{key}: expected an article, got {r.get('stage')}/{r.get('code')}: {r.get('message')}")
        elif not r["text"]:
            bad.append(f"{key}: empty text")
        continue
    if r["schema"] != "newsworker.error/1":
        bad.append(f"{key}: expected an error record, got an article")
        continue
    if r["stage"] != stage or r["code"] not in codes:
        bad.append(f"{key}: got {r['stage']}/{r['code']} ({r['message']}), expected {stage}/{'|'.join(codes)}")
    if attempts is not None and r["attempts"] != attempts:
        bad.append(f"{key}: {r['attempts']} attempts, expected {attempts}")
for b in bad:
    print("  " + b)
if bad:
    sys.exit(1)
print(f"ok: {len(sys.argv) - 2} expectations")
PYEOF
}

# GET from the test server (no proxy, bounded): the curl binary is not a build dependency.
get() {
    "$PY" -c 'import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
print(opener.open(sys.argv[1], timeout=5).read().decode().strip())' "$1"
}

hits() {
    get "http://127.0.0.1:$PORT/hits?key=$1"
}

[ -x "$BIN" ] || fail "no binary at $BIN"
[ -x "$HTTPD" ] || fail "no test server at $HTTPD"
[ -f "$VALIDATE" ] || fail "validate_records.py is missing"
start_server
H=http://127.0.0.1:$PORT
PAGE=newszop-pakistan-foreign-policy.html
# A loopback port with nobody listening (bound, then released).
CLOSED=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

echo "== 1: failures and successes in one run (allow_private, 2 retries)"
cat >"$TMP/jobs1" <<JOBS
$H/$PAGE
$H/status/404
$H/status/503
http://127.0.0.1:$CLOSED/closed-port
$H/slow?ms=30000
$H/huge?mb=8
$H/huge?mb=8&chunked=1
$H/gzip-bomb
ftp://example.com/pub/file.txt
file://$PAGES/$PAGE
$H/redirect-loop
$H/retry-after?key=recovers
$H/reset
$H/wrong-charset
$H/redirect?to=/nwm-diplomatic-reset.html

{"url": "$H/weeklyreview-diplomatic-front.html", "meta": {"source": "test_fetch", "n": 7}}
{"url": "http://inline.invalid/story", "html": "<html><body><article><p>An inline page is processed without any fetch, because the crawler already holds it.</p></article></body></html>"}
this_is_not_a_url
{"url":5}
JOBS
# 19 jobs (the blank line is not a job).
run_fetch "$TMP/r1.jsonl" --input "$TMP/jobs1" -o fetch.allow_private=true \
    -o fetch.retries=2 -o fetch.retry_backoff_ms=50 -o fetch.retry_backoff_max_ms=1500 \
    -o fetch.timeout_ms=1500 -o fetch.connect_timeout_ms=1000 -o fetch.max_body_bytes=1048576
check "$TMP/r1.jsonl" 19 \
    "=$H/$PAGE article" \
    "/status/404 error fetch http_404 1" \
    "/status/503 error fetch http_503 3" \
    "/closed-port error fetch refused 3" \
    "/slow? error fetch timeout 3" \
    "=$H/huge?mb=8 error fetch too_big 1" \
    "chunked=1 error fetch too_big 1" \
    "/gzip-bomb error fetch too_big 1" \
    "job:ftp://example.com error job invalid_job 1" \
    "file:// error job denied_scheme 1" \
    "/redirect-loop error fetch too_many_redirects 1" \
    "key=recovers article" \
    "/reset error fetch reset|empty_reply 3" \
    "/wrong-charset article" \
    "/redirect?to= article" \
    "/weeklyreview-diplomatic-front.html article" \
    "inline.invalid article" \
    "job:this_is_not_a_url error job invalid_job 1" \
    'job:{"url":5} error job invalid_job 1'
[ "$(hits recovers)" = 2 ] || fail "/retry-after saw $(hits recovers) requests, expected 2 (503 then 200)"
"$PY" - "$TMP/r1.jsonl" "$H" <<'PYEOF'
import json, sys
recs = {r.get("url"): r for r in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
h = sys.argv[2]
meta = recs[h + "/weeklyreview-diplomatic-front.html"]
assert meta["job"] == {"url": meta["url"], "meta": {"source": "test_fetch", "n": 7}}, meta["job"]
inline = recs["http://inline.invalid/story"]
assert inline["http"] is None, inline["http"]
assert "html" not in inline["job"], "inline html must not travel twice"
assert "without any fetch" in inline["text"]
red = recs[h + "/redirect?to=/nwm-diplomatic-reset.html"]
assert red["final_url"] == h + "/nwm-diplomatic-reset.html", red["final_url"]
assert recs[h + "/status/404"]["http_status"] == 404
assert "\ufffd" in recs[h + "/wrong-charset"]["text"] or "caf\u00e9" in recs[h + "/wrong-charset"]["text"].lower()
print("ok: job pass-through, inline job, redirect, statuses")
PYEOF

echo "== 2: private addresses refused (no allow_private)"
run_fetch "$TMP/r2.jsonl" -o fetch.retries=0 \
    "$H/retry-after?key=private" \
    "http://localhost:$PORT/retry-after?key=private-name" \
    "http://[::1]:$PORT/v6-loopback" \
    "http://[::ffff:127.0.0.1]:$PORT/v4-mapped" \
    "http://10.20.30.40/rfc1918" \
    "http://169.254.169.254/latest/meta-data/" \
    "http://0.0.0.0:$PORT/unspecified"
check "$TMP/r2.jsonl" 7 \
    "=$H/retry-after?key=private error job denied_address 1" \
    "key=private-name error job denied_address 1" \
    "v6-loopback error job denied_address 1" \
    "v4-mapped error job denied_address 1" \
    "rfc1918 error job denied_address 1" \
    "meta-data error job denied_address 1" \
    "unspecified error job denied_address 1"
[ "$(hits private)" = 0 ] || fail "a refused fetch reached the server"
[ "$(hits private-name)" = 0 ] || fail "a refused fetch (by name) reached the server"

echo "== 3: stdin, allow_file, no retries, output.file"
printf '%s\n%s\n%s\n%s' "file://$PAGES/$PAGE" "$H/redirect?to=file:///etc/hostname" \
    "$H/retry-after?key=noretry" "$H/status/429" >"$TMP/jobs3"
run_fetch "$TMP/r3.stdout" --input - -o fetch.allow_private=true -o fetch.allow_file=true \
    -o fetch.retries=0 -o "output.file=$TMP/r3.jsonl" <"$TMP/jobs3"
[ ! -s "$TMP/r3.stdout" ] || fail "records went to stdout instead of output.file"
check "$TMP/r3.jsonl" 4 \
    "=file://$PAGES/$PAGE article" \
    "/redirect?to=file error fetch denied_scheme 1" \
    "key=noretry error fetch http_503 1" \
    "/status/429 error fetch http_429 1"
"$PY" -c 'import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["url"].startswith("file://") and r["http"] is None, r["http"]' "$TMP/r3.jsonl"

echo "== 4: many URLs at once, small concurrency and per-host limits"
: >"$TMP/jobs4"
for i in $(seq 1 60); do
    echo "$H/$PAGE?n=$i" >>"$TMP/jobs4"
done
run_fetch "$TMP/r4.jsonl" --input "$TMP/jobs4" -o fetch.allow_private=true \
    -o fetch.concurrency=8 -o fetch.per_host=3
[ "$(wc -l <"$TMP/r4.jsonl")" -eq 60 ] || fail "$(wc -l <"$TMP/r4.jsonl") records for 60 URLs"
"$PY" "$VALIDATE" "$TMP/r4.jsonl"
[ "$(grep -c '"schema":"newsworker.article/1"' "$TMP/r4.jsonl")" -eq 60 ] || fail "not all 60 are articles"
for i in $(seq 1 60); do
    grep -q "?n=$i\"" "$TMP/r4.jsonl" || fail "no record for n=$i"
done

echo "== 5: per-host and total limits, seen by the server"
get "$H/inflight-max" >/dev/null
: >"$TMP/jobs5"
for i in $(seq 1 12); do
    echo "$H/slow?ms=400&n=$i" >>"$TMP/jobs5"
done
run_fetch "$TMP/r5.jsonl" --input "$TMP/jobs5" -o fetch.allow_private=true \
    -o fetch.concurrency=8 -o fetch.per_host=3
[ "$(wc -l <"$TMP/r5.jsonl")" -eq 12 ] || fail "$(wc -l <"$TMP/r5.jsonl") records for 12 URLs"
max=$(get "$H/inflight-max")
[ "$max" -le 3 ] || fail "$max transfers at once to one host, fetch.per_host=3"
[ "$max" -ge 2 ] || fail "transfers to one host never overlapped ($max)"
# Two host names for the same server: the total limit (2) binds, not per_host (3).
: >"$TMP/jobs5b"
for i in $(seq 1 6); do
    echo "$H/slow?ms=400&n=$i" >>"$TMP/jobs5b"
    echo "http://localhost:$PORT/slow?ms=400&n=$i" >>"$TMP/jobs5b"
done
run_fetch "$TMP/r5b.jsonl" --input "$TMP/jobs5b" -o fetch.allow_private=true \
    -o fetch.concurrency=2 -o fetch.per_host=3
[ "$(wc -l <"$TMP/r5b.jsonl")" -eq 12 ] || fail "$(wc -l <"$TMP/r5b.jsonl") records for 12 URLs"
max=$(get "$H/inflight-max")
[ "$max" -le 2 ] || fail "$max transfers at once, fetch.concurrency=2"

echo "== 6: exit codes"
rc=0
"$BIN" fetch --bogus >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "unknown option: exit $rc, expected 2"
rc=0
"$BIN" fetch -o fetch.timeout_ms=soon "$H/$PAGE" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "bad config value: exit $rc, expected 2"
rc=0
"$BIN" fetch --input "$TMP/does-not-exist" >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "missing input file: exit $rc, expected 2"

# fetch.robots=true works now: test_fetch_politeness.sh covers it.

echo "PASS"
