#!/usr/bin/env bash
# test_warc_write.sh BUILD_DIR SOURCE_DIR — `newsworker fetch` with fetch.warc=true archives
# every HTTP exchange as WARC/1.1, and independent tools agree: warcio (npm) reads the files
# with every block and payload digest valid and one response per exchange (redirect hops,
# robots.txt, error statuses, a chunked and a gzip-encoded body, a body cut at
# fetch.max_body_bytes marked WARC-Truncated); every record carries warc {file, offset,
# record_id} that points at its response; `extract` on the files gives the live records
# back (round trip); files rotate at fetch.warc_max_bytes, each with its warcinfo, and no
# hidden part file is left; bad fetch.warc_dir values are refused.
set -euo pipefail
. "$(dirname "$0")/httpd_lib.sh"
NPM=${NW_NPM_DIR:-/opt/newsworker-npm}
export NODE_PATH=$NPM/node_modules
CHECK=$SRC/tests/integration/warcio_check.cjs
VALIDATE=$SRC/tests/integration/validate_records.py
[ -d "$NPM/node_modules/warcio" ] || fail "warcio is not installed in $NPM (deploy/install-deps.sh)"
cd "$TMP"

serve_logged 127.0.0.1 "$PAGES" "$TMP/requests.log" PORT
base=http://127.0.0.1:$PORT
urls=()
for p in "$PAGES"/*.html; do urls+=("$base/$(basename "$p")"); done
urls+=("$base/redirect?to=/article" "$base/no-such-page.html" "$base/huge?mb=1&chunked=1"
    "$base/gzip-bomb?mb=1" "$base/huge?mb=3")
n_urls=${#urls[@]}

# 1. One fetch: every exchange archived.
"$BIN" fetch -o fetch.warc=true -o fetch.warc_dir=arch -o fetch.allow_private=true \
    -o fetch.robots=true -o fetch.max_body_bytes=2097152 "${urls[@]}" >live.jsonl 2>fetch.log ||
    fail "fetch exited $?: $(tail -5 fetch.log)"
[ "$(wc -l <live.jsonl)" -eq "$n_urls" ] || fail "expected $n_urls records"
$PY "$VALIDATE" live.jsonl || fail "live records are not schema-valid"
files=(arch/*.warc.gz)
[ "${#files[@]}" -eq 1 ] || fail "expected one WARC file, got: $(ls -a arch)"
[ -z "$(find arch -name '.*')" ] || fail "a hidden part file was left: $(ls -a arch)"
node "$CHECK" "${files[@]}" >check.json || fail "warcio: $(cat check.json)"
# One response per HTTP exchange the server saw (robots.txt and the redirect hop included).
seen=$(wc -l <requests.log)
$PY - check.json "$seen" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
seen = int(sys.argv[2])
t = c["types"]
if t.get("warcinfo") != 1 or t.get("response") != seen or t.get("request") != seen:
    sys.exit("expected 1 warcinfo and %d requests and responses, warcio read %s" % (seen, t))
if c["digests"] < 2 * seen:
    sys.exit("only %d digests checked" % c["digests"])
rs = c["responses"]
uris = [r["uri"] for r in rs]
if not any(u.endswith("/robots.txt") for u in uris): sys.exit("no robots.txt response")
if not any(u.endswith("/redirect?to=/article") and r["status"] == 302 for u, r in zip(uris, rs)):
    sys.exit("no 302 hop")
cut = [r for r in rs if r["uri"].endswith("huge?mb=3")]
if not cut or cut[0]["truncated"] != "length": sys.exit("the cut body is not WARC-Truncated: length: %s" % cut)
for r in rs:
    if r["ip"] != "127.0.0.1" or not r["concurrent"]: sys.exit("WARC-IP-Address/Concurrent-To: %s" % r)
print("warcio: %d records, %d digests valid, %d responses" % (c["records"], c["digests"], len(rs)))
PY
# The chunked body is stored with its chunk framing, the gzip body still compressed.
zcat "${files[0]}" >all.warc
grep -aq $'^Transfer-Encoding: chunked\r$' all.warc || fail "no chunked response stored"
grep -aq $'^Content-Encoding: gzip\r$' all.warc || fail "no gzip response stored"

# 2. Round trip: extract on the archive gives the live records back.
"$BIN" extract "${files[@]}" >archive.jsonl 2>extract.log || fail "extract: $(cat extract.log)"
$PY "$VALIDATE" archive.jsonl || fail "archive records are not schema-valid"
$PY "$SRC/tests/integration/warc_roundtrip.py" live.jsonl archive.jsonl check.json

# 3. Rotation: small files, each with its own warcinfo, all under final names.
"$BIN" fetch -o fetch.warc=true -o fetch.warc_dir=rot -o fetch.allow_private=true \
    -o fetch.warc_max_bytes=8192 -o fetch.concurrency=1 "${urls[@]:0:3}" "$base/huge?mb=1" \
    "$base/article/a" "$base/article/b" >rot.jsonl 2>rot.log || fail "fetch (rotation): $(tail -3 rot.log)"
rot=(rot/*.warc.gz)
[ "${#rot[@]}" -ge 2 ] || fail "no rotation: ${rot[*]}"
[ -z "$(find rot -name '.*')" ] || fail "a hidden part file was left in rot"
node "$CHECK" "${rot[@]}" >rot.json || fail "warcio on rotated files: $(cat rot.json)"
$PY - rot.json "${#rot[@]}" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
if c["types"].get("warcinfo") != int(sys.argv[2]) or c["types"].get("response") != 6:
    sys.exit("rotated files: %s" % c["types"])
PY
$PY "$SRC/tests/integration/warc_roundtrip.py" rot.jsonl <("$BIN" extract "${rot[@]}" 2>/dev/null) rot.json

# 4. Bad settings: an empty directory name is a usage error naming the key; a directory
# that cannot be made fails at start, naming it.
set +e
"$BIN" fetch -o fetch.warc=true -o fetch.warc_dir= "$base/article" >/dev/null 2>err1.log
code=$?
touch notadir
"$BIN" fetch -o fetch.warc=true -o fetch.warc_dir=notadir/sub -o fetch.allow_private=true \
    "$base/article" >/dev/null 2>err2.log
code2=$?
set -e
[ "$code" -eq 2 ] && grep -q "fetch.warc_dir" err1.log || fail "empty fetch.warc_dir: exit $code, $(cat err1.log)"
[ "$code2" -ne 0 ] && grep -q "fetch.warc_dir" err2.log || fail "bad fetch.warc_dir: exit $code2, $(cat err2.log)"
echo "test_warc_write: ok"
