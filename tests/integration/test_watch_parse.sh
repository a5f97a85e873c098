#!/bin/bash
# `newsworker watch --once` reads what a source sends, as the specifications say, through the
# whole binary against the loopback server (nw_httpd serving generated files): a feed whose
# parse stops part-way (300-deep nesting between items) gives the items before it and an
# error record `partial_parse` for the source (counted in the run's error total); an item
# whose URL cannot be kept whole (9,023 bytes, a control byte) is dropped with a warning,
# never emitted cut; a raw `&` in a link is kept as written; a plain-text sitemap, a UTF-16
# feed and a gzip-compressed one are read. --once exits 1 when a source failed in the pass
# (the partial one) and 0 when every source was read.
# Usage: test_watch_parse.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/watch_lib.sh"

ROOT=$WORK/root
mkdir -p "$ROOT"
"$PY" - "$ROOT" <<'PYEOF'
import gzip, sys
root = sys.argv[1]
def item(path):
    return "<item><title>t</title><link>BASE%s</link></item>" % path
nest = "<x>" * 300 + "</x>" * 300
open(root + "/partial.xml", "w").write(
    "<rss version='2.0'><channel><title>P</title>" + item("/p/1") + item("/p/2") + nest +
    item("/p/3") + "</channel></rss>")
open(root + "/urls.xml", "wb").write((
    "<rss version='2.0'><channel><title>U</title>" +
    item("/u/" + "a" * 9000) + item("/u/ok?a=1&b=2&c") + item("/u/c\x01trl") +
    "</channel></rss>").encode())
open(root + "/sitemap.txt", "w").write("BASE/t/1\r\nBASE/t/2\n\nBASE/t/3\n")
open(root + "/utf16.xml", "wb").write(
    ("<?xml version='1.0' encoding='UTF-16'?><rss version='2.0'><channel>"
     "<title>Caf\u00e9</title>" + item("/w/1") + "</channel></rss>").encode("utf-16"))
open(root + "/feed.xml.gz", "wb").write(gzip.compress(
    ("<rss version='2.0'><channel><title>G</title>" + item("/g/1") + "</channel></rss>")
    .encode()))
PYEOF

start_httpd() {
    "$BUILD/tests/nw_httpd" --root "$ROOT" --port 0 --max-seconds 300 \
        >"$WORK/httpd.out" 2>"$WORK/httpd.err" &
    EXTRA_PIDS="$EXTRA_PIDS $!"
    HP=$(first_line "$WORK/httpd.out")
    [ -n "$HP" ] || fail "nw_httpd did not start"
}
start_httpd
B="http://127.0.0.1:$HP"
# The documents name their URLs on this server.
for f in "$ROOT"/*.xml "$ROOT"/sitemap.txt; do
    "$PY" - "$f" "$B" <<'PYEOF'
import sys
p, b = sys.argv[1], sys.argv[2]
data = open(p, "rb").read()
if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
    data = data.decode("utf-16").replace("BASE", b).encode("utf-16")
else:
    data = data.replace(b"BASE", b.encode())
open(p, "wb").write(data)
PYEOF
done
"$PY" -c 'import gzip,sys; p=sys.argv[1]; d=gzip.decompress(open(p,"rb").read()).replace(b"BASE", sys.argv[2].encode()); open(p,"wb").write(gzip.compress(d))' "$ROOT/feed.xml.gz" "$B"

printf '%s\n' "$B/partial.xml" "$B/urls.xml" "$B/sitemap.txt" "$B/utf16.xml" "$B/feed.xml.gz" \
    >"$WORK/sources"
# A source failed in the pass (the partial one): --once exits 1, after delivering the rest.
rc=0
timeout 120 "$BIN" watch --once -o watch.sources="$WORK/sources" -o fetch.allow_private=true \
    -o watch.errors_file="$WORK/errors.jsonl" -o log.level=info \
    >"$WORK/jobs.jsonl" 2>"$WORK/watch.err" || rc=$?
[ "$rc" = 1 ] || fail "watch --once with a partial source exited $rc, expected 1: $(tail -3 "$WORK/watch.err")"

got=$(urls "$WORK/jobs.jsonl" | sort | tr '\n' ' ')
want=$(printf '%s\n' "$B/p/1" "$B/p/2" "$B/u/ok?a=1&b=2&c" "$B/t/1" "$B/t/2" "$B/t/3" \
    "$B/w/1" "$B/g/1" | sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "jobs: got [$got] want [$want]"

# The partial source is an error record naming it, and counted in the run's errors.
"$PY" - "$WORK/errors.jsonl" "$B/partial.xml" <<'PYEOF' || fail "partial parse error record"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
codes = {(r["url"], r["code"]) for r in recs}
assert (sys.argv[2], "partial_parse") in codes, recs
assert len(recs) == 1, recs
PYEOF
grep -q "1 errors" "$WORK/watch.err" || fail "the partial source is not counted as an error"
grep -q "read only in part" "$WORK/watch.err" || fail "no warning for the partial source"
grep -q "9[0-9][0-9][0-9] bytes over the 8192-byte limit" "$WORK/watch.err" ||
    fail "no warning for the 9,000-byte URL"
grep -q "2 entries dropped" "$WORK/watch.err" || fail "the dropped URLs are not counted"

# The same pass without the partial source: every source read, exit 0, the same other jobs.
grep -v '/partial.xml$' "$WORK/sources" >"$WORK/sources.good"
timeout 120 "$BIN" watch --once -o watch.sources="$WORK/sources.good" \
    -o fetch.allow_private=true -o watch.errors_file="$WORK/errors.good.jsonl" \
    >"$WORK/jobs.good.jsonl" 2>"$WORK/watch.good.err" ||
    fail "watch --once with only good sources exited $?: $(tail -3 "$WORK/watch.good.err")"
got=$(urls "$WORK/jobs.good.jsonl" | sort | tr '\n' ' ')
want=$(printf '%s\n' "$B/u/ok?a=1&b=2&c" "$B/t/1" "$B/t/2" "$B/t/3" "$B/w/1" "$B/g/1" |
    sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "good-only jobs: got [$got] want [$want]"
[ ! -s "$WORK/errors.good.jsonl" ] || fail "error records from good sources"
echo "ok"
