#!/bin/bash
# log.format: text (the default) keeps its one-line shape; json writes one JSON object per
# line with ts, level, component and msg, plus url/code where the event has them (a fetch
# retry here); an unknown format is refused with exit 2 naming the key.
set -u
BUILD=$(cd "$1" && pwd)
BIN=$BUILD/bin/newsworker
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/nw_logs_test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

"$BIN" fetch -o log.format=xml </dev/null >/dev/null 2>"$WORK/bad.err"
[ $? = 2 ] || fail "log.format=xml not refused with exit 2"
grep -q 'log.format' "$WORK/bad.err" || fail "refusal does not name log.format: $(cat "$WORK/bad.err")"

# Port 1 on loopback refuses connections: a transient failure, retried once.
URL=http://127.0.0.1:1/refused
for fmt in text json; do
    "$BIN" fetch -o log.format=$fmt -o log.level=debug -o fetch.allow_private=true \
        -o fetch.retries=1 -o fetch.retry_backoff_ms=10 "$URL" >"$WORK/$fmt.out" 2>"$WORK/$fmt.err" ||
        fail "fetch ($fmt) exit code $?"
    grep -q '"code":"refused"' "$WORK/$fmt.out" || fail "no error record ($fmt)"
done

"$PY" - "$WORK/text.err" "$WORK/json.err" "$URL" <<'PYEOF' || fail "log lines"
import json, re, sys
text, js, url = sys.argv[1:4]
tl = open(text, encoding="utf-8").read().splitlines()
assert tl, "no text lines"
for line in tl:
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (error|warn|info|debug) [a-z]+: ", line), line
    assert not line.startswith("{"), line
jl = open(js, encoding="utf-8").read().splitlines()
assert len(jl) == len(tl), "json %d lines, text %d" % (len(jl), len(tl))
retry = None
for line in jl:
    o = json.loads(line)
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", o["ts"]), line
    assert o["level"] in ("error", "warn", "info", "debug") and o["component"] and "msg" in o, line
    if "retrying" in o["msg"]:
        retry = o
assert retry, "no retry line"
assert retry["url"] == url and retry["code"] == "refused" and retry["level"] == "debug", retry
assert retry["component"] == "fetch", retry
print("logs: %d text lines, %d json lines, retry line carries url and code" % (len(tl), len(jl)))
PYEOF
echo "PASS"
