#!/bin/bash
# The fixture pages (tests/fixtures/pages, built from the seed articles) fetched from the
# loopback server and from file:// URLs: each gives an article record whose text holds every
# article paragraph in order and none of the page furniture (check_fixture_text.py), and
# every record is schema-valid.
# Usage: test_fixture_pages.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/httpd_lib.sh"

[ -x "$BIN" ] || fail "no binary at $BIN"
[ -x "$HTTPD" ] || fail "no test server at $HTTPD"
[ -f "$SRC/tests/integration/validate_records.py" ] || fail "validate_records.py is missing"

start_server
urls=()
for page in "$PAGES"/*.html; do
    urls+=("http://127.0.0.1:$PORT/$(basename "$page")")
done
[ "${#urls[@]}" -ge 3 ] || fail "expected at least 3 fixture pages, found ${#urls[@]}"

echo "== over HTTP: ${#urls[@]} pages"
timeout 120 "$BIN" fetch -o fetch.allow_private=true -o fetch.timeout_ms=20000 "${urls[@]}" \
    >"$TMP/http.jsonl" 2>"$TMP/http.log" || fail "fetch exited $?: $(cat "$TMP/http.log")"
n=$(wc -l <"$TMP/http.jsonl")
[ "$n" -eq "${#urls[@]}" ] || fail "$n records for ${#urls[@]} URLs"
"$PY" "$SRC/tests/integration/validate_records.py" "$TMP/http.jsonl"
"$PY" "$SRC/tests/integration/check_fixture_text.py" "$TMP/http.jsonl" "$PAGES"
# The HTTP facts come from the response.
"$PY" - "$TMP/http.jsonl" <<'PYEOF'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    h = r["http"]
    assert h and h["status"] == 200, r["url"]
    assert h["content_type"].startswith("text/html"), h
    assert h["charset"] == "utf-8", h
    assert h["bytes"] > 5000 and h["etag"] and h["last_modified"], h
    assert r["domain"] == "127.0.0.1" and r["job"] == {"url": r["url"]}, r["job"]
print("ok: http objects and jobs")
PYEOF

echo "== over file:// with fetch.allow_file=true"
files=()
for page in "$PAGES"/*.html; do
    files+=("file://$page")
done
timeout 120 "$BIN" fetch -o fetch.allow_file=true "${files[@]}" >"$TMP/file.jsonl" \
    2>"$TMP/file.log" || fail "fetch exited $?: $(cat "$TMP/file.log")"
n=$(wc -l <"$TMP/file.jsonl")
[ "$n" -eq "${#files[@]}" ] || fail "$n records for ${#files[@]} files"
"$PY" "$SRC/tests/integration/validate_records.py" "$TMP/file.jsonl"
"$PY" "$SRC/tests/integration/check_fixture_text.py" "$TMP/file.jsonl" "$PAGES"

echo "PASS"
