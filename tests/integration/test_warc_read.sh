#!/usr/bin/env bash
# test_warc_read.sh BUILD_DIR SOURCE_DIR — `newsworker extract` reads web archives that
# independent tools wrote: wget --warc-file (Debian's wget, fetching the fixture pages from
# the loopback server) and warcio (npm, webrecorder's). One article per HTML page, with the
# same title and text as extract on the page files, and warc {file, offset, record_id}
# whose offsets are the ones warcio's own indexer gives. Then damaged copies: truncated,
# garbage between records, a wrong Content-Length, a non-HTTP response: each ends in an
# error record or a warning naming the file and offset, the other records are still read,
# and every record is schema-valid.
set -euo pipefail
. "$(dirname "$0")/httpd_lib.sh"
NPM=${NW_NPM_DIR:-/opt/newsworker-npm}
export NODE_PATH=$NPM/node_modules
WARCIO_CLI=$NPM/node_modules/warcio/dist/cli.cjs
VALIDATE=$SRC/tests/integration/validate_records.py
COMPARE=$SRC/tests/integration/warc_compare.py
[ -f "$WARCIO_CLI" ] || fail "warcio is not installed in $NPM (deploy/install-deps.sh)"
command -v wget >/dev/null || fail "wget is not installed (deploy/install-deps.sh)"
cd "$TMP"

pages=("$PAGES"/*.html)
n_pages=${#pages[@]}
[ "$n_pages" -ge 3 ] || fail "expected the fixture pages"
"$BIN" extract "${pages[@]}" >files.jsonl 2>/dev/null || fail "extract on the page files"

# 1. wget's archive of the pages, a redirect to /article, a 404 and robots.txt.
start_server
urls=()
for p in "${pages[@]}"; do urls+=("http://127.0.0.1:$PORT/$(basename "$p")"); done
wget -q --tries=1 --timeout=30 --warc-file=wget -O /dev/null "${urls[@]}" \
    "http://127.0.0.1:$PORT/redirect?to=/article" "http://127.0.0.1:$PORT/status/404" \
    "http://127.0.0.1:$PORT/robots.txt" || true # the 404 makes wget exit 8
[ -s wget.warc.gz ] || fail "wget wrote no archive"
[ "$(zcat wget.warc.gz | grep -ac '^WARC-Type: response')" -ge $((n_pages + 3)) ] ||
    fail "wget's archive lacks responses"
"$BIN" extract wget.warc.gz >wget.jsonl 2>wget.log || fail "extract on wget's archive: $(cat wget.log)"
# The pages and /article (behind the redirect): one article each; 302, 404, robots passed over.
$PY "$COMPARE" wget.jsonl files.jsonl --expect $((n_pages + 1))
# The page behind the redirect: url is the redirect's (the chain's first URL), as a live
# fetch gives it, final_url the page's own.
grep -q '"url":"http://127.0.0.1:'"$PORT"'/redirect?to=/article","final_url":"http://127.0.0.1:'"$PORT"'/article"' wget.jsonl ||
    fail "no record for /article under the redirect's URL: $(grep -o '"url":"[^"]*","final_url":"[^"]*"' wget.jsonl)"
grep -q "$((n_pages + 1)) HTML responses" wget.log || fail "summary: $(cat wget.log)"
# Offsets agree with warcio's index of the same file.
node "$WARCIO_CLI" index wget.warc.gz --fields warc-type,warc-record-id,offset >wget.idx
$PY - wget.jsonl wget.idx <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
idx = {}
for l in open(sys.argv[2]):
    d = json.loads(l)
    if d.get("warc-type") == "response":
        idx[d["warc-record-id"]] = d["offset"]
for r in recs:
    w = r["warc"]
    if idx.get(w["record_id"]) != w["offset"]:
        sys.exit("offset %s of %s is not warcio's %s" % (w["offset"], w["record_id"], idx.get(w["record_id"])))
print("offsets: %d agree with warcio's index" % len(recs))
PY
# The same archive uncompressed (a plain .warc): the same records.
zcat wget.warc.gz >plain.warc
"$BIN" extract plain.warc >plain.jsonl 2>/dev/null || fail "extract on the plain archive"
$PY "$COMPARE" plain.jsonl files.jsonl --expect $((n_pages + 1))
# And compressed as one gzip stream.
gzip -c plain.warc >whole.warc.gz
"$BIN" extract whole.warc.gz >whole.jsonl 2>/dev/null || fail "extract on a whole-file gzip archive"
$PY "$COMPARE" whole.jsonl files.jsonl --expect $((n_pages + 1))
# From stdin, under a name that says nothing.
"$BIN" extract - <wget.warc.gz >stdin.jsonl 2>/dev/null || fail "extract - on an archive"
$PY "$COMPARE" stdin.jsonl files.jsonl --expect $((n_pages + 1))

# 2. warcio's archive: a plain and a chunked+gzip page; image, 404, revisit, metadata,
# request and warcinfo records are passed over.
p1=${pages[0]} p2=${pages[1]}
node "$SRC/tests/integration/warcio_write.cjs" warcio.warc.gz "$p1" "$p2" || fail "warcio writer"
"$BIN" extract warcio.warc.gz >warcio.jsonl 2>warcio.log || fail "extract on warcio's archive"
$PY "$COMPARE" warcio.jsonl files.jsonl --expect 2 \
    --map "/one=$(basename "$p1")" --map "/two=$(basename "$p2")"
grep -q "8 records, 2 HTML responses, 6 passed over, 0 errors" warcio.log ||
    fail "warcio summary: $(cat warcio.log)"

# 3. Damage. Member offsets from warcio's index of wget's file.
node "$WARCIO_CLI" index wget.warc.gz --fields warc-type,offset >all.idx
mapfile -t resp < <($PY -c '
import json,sys
for l in open("all.idx"):
    d=json.loads(l)
    if d["warc-type"]=="response": print(d["offset"])')
second=${resp[1]} third=${resp[2]}
# 3a. Truncated inside the second response: the first page, then an error naming the file
# and the second response's offset.
head -c $((second + 300)) wget.warc.gz >cut.warc.gz
"$BIN" extract cut.warc.gz >cut.jsonl 2>cut.log || fail "extract on a truncated archive exited $?"
[ "$(grep -c '"schema":"newsworker.article/1"' cut.jsonl)" -eq 1 ] || fail "cut: $(cat cut.jsonl)"
grep -q "\"code\":\"parse_error\".*cut.warc.gz at offset $second: .*truncated" cut.jsonl ||
    fail "cut: no error record at offset $second: $(grep error cut.jsonl)"
grep -q "\"warc\":{\"file\":\"cut.warc.gz\",\"offset\":$second" cut.jsonl || fail "cut: warc field"
# 3b. Binary garbage between two members: a warning naming the offset, every page read.
{ head -c "$third" wget.warc.gz; head -c 3000 /dev/urandom | tr -d '\037'; tail -c +$((third + 1)) wget.warc.gz; } >junk.warc.gz
"$BIN" extract junk.warc.gz >junk.jsonl 2>junk.log || fail "extract on junk"
$PY "$COMPARE" junk.jsonl files.jsonl --expect $((n_pages + 1))
grep -q "junk.warc.gz at offset $third: skipped" junk.log || fail "junk: no warning: $(cat junk.log)"
# 3c. Plain archive, the first response's Content-Length made far too large and the
# second's negative: error records, and the records after them still read.
$PY - plain.warc bad.warc <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
starts = [m.start() for m in re.finditer(rb"WARC/1\.[01]\r\nWARC-Type: response", data)]
def set_len(d, at, value):
    m = re.compile(rb"Content-Length: \d+").search(d, at)
    return d[:m.start()] + b"Content-Length: " + value + d[m.end():]
data = set_len(data, starts[1], b"-17")      # later one first: offsets before it stay put
data = set_len(data, starts[0], b"99999999999")
open(sys.argv[2], "wb").write(data)
PY
"$BIN" extract bad.warc >bad.jsonl 2>bad.log || fail "extract on bad lengths exited $?"
grep -q "bad.warc at offset [0-9]*: Content-Length '-17' is not a length" bad.jsonl ||
    fail "bad: negative length not reported: $(cat bad.log)"
# The huge length swallows the rest as a truncated record, or is refused: either way one error.
[ "$(grep -c '"schema":"newsworker.error/1"' bad.jsonl)" -ge 2 ] || fail "bad: $(cat bad.jsonl | cut -c1-300)"
# 3d. A response record whose block is not HTTP at all, between two good archives.
printf 'WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\nWARC-Date: 2026-11-23T10:15:03Z\r\nWARC-Target-URI: http://example.com/x\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: 21\r\n\r\n<html>no status</html\r\n\r\n' >nonhttp.warc
cat plain.warc nonhttp.warc plain.warc >mixed.warc
"$BIN" extract mixed.warc >mixed.jsonl 2>/dev/null || fail "extract on mixed"
grep -q '"url":"http://example.com/x","stage":"decode","code":"parse_error","message":"mixed.warc at offset [0-9]*: response record without an HTTP response' mixed.jsonl ||
    fail "non-HTTP response: $(grep error mixed.jsonl)"
[ "$(grep -c '"schema":"newsworker.article/1"' mixed.jsonl)" -eq $((2 * (n_pages + 1))) ] ||
    fail "mixed: pages lost"

$PY "$VALIDATE" wget.jsonl plain.jsonl warcio.jsonl cut.jsonl junk.jsonl bad.jsonl mixed.jsonl ||
    fail "records are not schema-valid"
echo "test_warc_read: ok"
