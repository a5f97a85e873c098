#!/bin/bash
# Wrong answers get the right stage and code: content that is not HTML (a PDF, an image,
# random bytes, whatever the Content-Type says) is not_html at stage decode; an answer
# that is not HTTP (garbage, HTTP/0.9) is bad_response at stage fetch, a 1 MB header or
# 10000 headers headers_too_large, neither retried; numeric IPv4 spellings of loopback and
# 6to4/Teredo/NAT64 addresses embedding it are denied_address at stage job like
# 127.0.0.1; a host that is no valid name is invalid_url; a user name and password in a
# URL are never sent and never appear in a record.
# Usage: test_hostile_fetch.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BIN="$1/bin/newsworker"
SRC=$(cd "$2" && pwd)
TMP=$(mktemp -d /tmp/nw_hostile_fetch.XXXXXX)
SRV_PID=
trap '[ -n "$SRV_PID" ] && kill "$SRV_PID" 2>/dev/null; rm -rf "$TMP"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[ -x "$BIN" ] || fail "no binary at $BIN"

/usr/bin/python3 "$SRC/tests/integration/hostile_httpd.py" --log "$TMP/requests.log" \
    --max-seconds 300 >"$TMP/port" 2>"$TMP/server.log" &
SRV_PID=$!
for _ in $(seq 1 50); do
    [ -s "$TMP/port" ] && break
    sleep 0.1
done
P=$(head -1 "$TMP/port")
[ -n "$P" ] || fail "hostile_httpd did not start: $(cat "$TMP/server.log")"
L="http://127.0.0.1:$P"

# with fetch.allow_private (the server is on loopback): answers that are wrong
cat >"$TMP/jobs1.txt" <<JOBS
$L/pdf
$L/pdf-typed
$L/random
$L/png
$L/garbage
$L/http09
$L/big-header
$L/many-headers
$L/page
http://user:secret@127.0.0.1:$P/echo
{"url": "https://user:secret@inline.example/a", "meta": {"n": 1}, "html": "<article><p>$(printf 'An inline article sentence. %.0s' $(seq 1 20))</p></article>"}
JOBS
timeout 120 "$BIN" fetch -o fetch.allow_private=true -o fetch.retries=2 \
    -o fetch.retry_backoff_ms=10 --input "$TMP/jobs1.txt" >"$TMP/out1.jsonl" 2>"$TMP/err1.log" ||
    fail "fetch exited $?: $(tail -3 "$TMP/err1.log")"
# without it: addresses
cat >"$TMP/jobs2.txt" <<JOBS
http://127.0.0.1:$P/page
http://127.1:$P/page
http://2130706433:$P/page
http://0x7f.0.0.1:$P/page
http://[2002:7f00:1::]:$P/page
http://[2001:0:4136:e378:8000:63bf:80ff:fffe]:$P/page
http://[64:ff9b::7f00:1]:$P/page
http://[::ffff:0:7f00:1]:$P/page
http://ｌｏｃａｌｈｏｓｔ:$P/page
http://$(printf '\xcc\x81')a.example/
JOBS
timeout 120 "$BIN" fetch -o fetch.retries=2 -o fetch.retry_backoff_ms=10 -o fetch.timeout_ms=5000 \
    --input "$TMP/jobs2.txt" >"$TMP/out2.jsonl" 2>"$TMP/err2.log" ||
    fail "fetch exited $?: $(tail -3 "$TMP/err2.log")"

/usr/bin/python3 "$SRC/tests/integration/validate_records.py" "$TMP/out1.jsonl" "$TMP/out2.jsonl" ||
    fail "records not schema-valid"
/usr/bin/python3 - "$TMP/out1.jsonl" "$TMP/out2.jsonl" <<'PYEOF' || fail "wrong stage or code"
import json, sys
recs = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    key = r["url"].split("/", 3)[-1] if "127.0.0.1" in r["url"] else r["url"]
    recs[key] = r
assert len(recs) == 11, len(recs)
def expect(key, stage, code, attempts=None):
    r = recs[key]
    got = (r.get("stage", "article"), r.get("code"))
    assert got == (stage, code), "%s: %s, expected %s" % (key, got, (stage, code))
    if attempts is not None:
        assert r["attempts"] == attempts, "%s: %d attempts" % (key, r["attempts"])
    print("ok: %-48s %s %s: %s" % (key, stage, code, (r.get("message") or "")[:70]))
for k in ("pdf", "pdf-typed", "random", "png"):
    expect(k, "decode", "not_html")
for k in ("garbage", "http09"):
    expect(k, "fetch", "bad_response", 1)
for k in ("big-header", "many-headers"):
    expect(k, "fetch", "headers_too_large", 1)
expect("page", "article", None)
# credentials: refused before sending, gone from url, job and message
expect("echo", "job", "invalid_url", 1)
inline = recs["https://inline.example/a"]
assert inline["schema"] == "newsworker.article/1", inline
for r in recs.values():
    assert "secret" not in json.dumps(r), "credentials in a record: %s" % r["url"]
# every spelling of loopback is refused where 127.0.0.1 is
out2 = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert len(out2) == 10, len(out2)
for r in out2:
    # an IDN host is sent in its ASCII form (fullwidth "localhost" is localhost, refused
    # by address); one that is no valid IDN is refused as a URL
    want = ("job", "invalid_url") if "\u0301" in r["url"] else ("job", "denied_address")
    assert (r["stage"], r["code"]) == want, (r["url"], r["stage"], r["code"])
    assert r["attempts"] == 1, r
    print("ok: %-48s %s %s" % (r["url"], *want))
PYEOF
grep -qi "secret\|authorization" "$TMP/requests.log" && fail "credentials were sent"
grep -q "GET /echo" "$TMP/requests.log" && fail "the URL with credentials was fetched"
grep -q "secret" "$TMP/err1.log" && fail "credentials in the log"
echo "PASS"
