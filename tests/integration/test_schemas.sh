#!/usr/bin/env bash
# test_schemas.sh BUILD_DIR SOURCE_DIR — the schemas accept their examples, reject broken
# copies, and every record `newsworker extract` prints for real pages is schema-valid.
set -euo pipefail
build=$1
src=$2
py=/usr/bin/python3 # Debian's python, which has python3-jsonschema
validate="$py $src/tests/integration/validate_records.py"
schemas=$src/schemas
examples=$schemas/examples
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# 1. Positive: the examples validate.
$validate "$examples/article.v1.example.json" "$examples/error.v1.example.json" \
    "$examples/error.v1.example-no-content.json" "$examples/error.v1.example-warc.json" ||
    fail "record examples"
for f in "$examples"/url-job.v1.example*.json; do
    $validate --schema "$schemas/url-job.v1.json" "$f" || fail "url-job example $f"
done

# 2. Negative: deliberately broken copies are rejected. Each edit is a Python expression
# applied to the example loaded as `d`.
broken() { # broken NAME EXAMPLE SCHEMA_OR_EMPTY EXPR
    local name=$1 example=$2 schema=$3 expr=$4
    $py - "$example" "$tmp/$name.json" "$expr" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
    if [ -n "$schema" ]; then
        $validate --expect-invalid --schema "$schema" "$tmp/$name.json" >/dev/null ||
            fail "broken copy '$name' was accepted"
    else
        $validate --expect-invalid "$tmp/$name.json" >/dev/null ||
            fail "broken copy '$name' was accepted"
    fi
    echo "rejected as expected: $name"
}
art=$examples/article.v1.example.json
err=$examples/error.v1.example.json
job=$examples/url-job.v1.example.json
broken art-missing-text "$art" "" 'del d["text"]'
broken art-extra-key "$art" "" 'd["unexpected"] = 1'
broken art-short-id "$art" "" 'd["id"] = d["id"][:63]'
broken art-upper-id "$art" "" 'd["id"] = d["id"].upper()'
broken art-simhash "$art" "" 'd["hashes"]["simhash"] = "xyz"'
broken art-date "$art" "" 'd["published_at"] = "23 November 2026"'
broken art-bad-calendar "$art" "" 'd["fetched_at"] = "2026-02-30T10:00:00Z"'
broken art-language "$art" "" 'd["language"] = "english"'
broken art-authors-type "$art" "" 'd["authors"] = "Maria Lindqvist"'
broken art-location-code "$art" "" 'd["entities"]["locations"][1]["code"] = "Sweden"'
broken art-entity-count "$art" "" 'd["entities"]["persons"][0]["count"] = 0'
broken art-dateline-shape "$art" "" 'd["dateline"] = {"place": "X"}'
broken art-quote-shape "$art" "" 'd["quotes"] = [{"text": "x"}]'
broken art-amount-value "$art" "" 'd["amounts"][0]["value"] = "120 million"'
broken art-keyword-score "$art" "" 'd["keywords"][0]["score"] = None'
broken art-stats-negative "$art" "" 'd["stats"]["words"] = -1'
broken art-http-status "$art" "" 'd["http"]["status"] = 999'
broken art-schema-version "$art" "" 'd["schema"] = "newsworker.article/2"'
broken err-missing-stage "$err" "" 'del d["stage"]'
broken err-bad-code "$err" "" 'd["code"] = "HTTP 404"'
broken err-attempts "$err" "" 'd["attempts"] = "1"'
broken err-at "$err" "" 'd["at"] = "now"'
broken err-extra "$err" "" 'd["retry"] = True'
broken err-source-offset "$err" "" 'd["source"]["offset"] = "18342"'
broken err-source-extra "$err" "" 'd["source"]["headers"] = {}'
broken err-source-missing-key "$err" "" 'del d["source"]["key"]'
broken err-source-hex "$err" "" 'd["source"]["key_hex"] = "XYZ"'
broken art-source-partition "$art" "" 'd["source"]["partition"] = -1'
errm=$examples/error.v1.example-no-content.json
broken err-meta-extra "$errm" "" 'd["meta"]["text"] = "body"'
broken err-meta-date "$errm" "" 'd["meta"]["published_at"] = "23 November 2026"'
broken err-meta-language "$errm" "" 'd["meta"]["language"] = "swedish"'
errw=$examples/error.v1.example-warc.json
broken err-warc-offset "$errw" "" 'd["warc"]["offset"] = -1'
broken err-warc-no-file "$errw" "" 'del d["warc"]["file"]'
broken art-warc-extra "$art" "" 'd["warc"] = {"file": "a.warc", "offset": 0, "record_id": "<urn:x>", "x": 1}'
broken art-warc-null-id "$art" "" 'd["warc"] = {"file": "a.warc", "offset": 0, "record_id": None}'
broken job-no-url "$job" "$schemas/url-job.v1.json" 'del d["url"]'
broken job-ftp "$job" "$schemas/url-job.v1.json" 'd["url"] = "ftp://example.com/x"'
broken job-space "$job" "$schemas/url-job.v1.json" 'd["url"] = "https://example.com/a b"'
broken job-meta "$job" "$schemas/url-job.v1.json" 'd["meta"] = "rss"'
broken job-priority "$job" "$schemas/url-job.v1.json" 'd["priority"] = 1.5'
jobw=$examples/url-job.v1.example-warc.json
broken job-warc-no-file "$jobw" "$schemas/url-job.v1.json" 'del d["warc"]["file"]'
broken job-warc-empty-file "$jobw" "$schemas/url-job.v1.json" 'd["warc"]["file"] = ""'
broken job-warc-offset "$jobw" "$schemas/url-job.v1.json" 'd["warc"]["offset"] = -1'
broken job-warc-offset-type "$jobw" "$schemas/url-job.v1.json" 'd["warc"]["offset"] = "12"'
broken job-warc-html "$jobw" "$schemas/url-job.v1.json" 'd["html"] = "<p>x</p>"'
broken job-warc-text "$jobw" "$schemas/url-job.v1.json" 'd["text"] = "x"'
broken job-warc-null-no-url "$jobw" "$schemas/url-job.v1.json" 'del d["url"]; d["warc"] = None'
# A warc job without url is valid (the record's WARC-Target-URI names the page).
$py - "$jobw" "$tmp/job-warc-no-url.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
del d["url"]
json.dump(d, open(sys.argv[2], "w"))
PY
$validate --schema "$schemas/url-job.v1.json" "$tmp/job-warc-no-url.json" ||
    fail "a warc job without url was rejected"

# 3. Real output: `newsworker extract` on the real news pages the repository holds
# (tests/fixtures/pages), every record validated.
pages=("$src"/tests/fixtures/pages/*.html)
[ "${#pages[@]}" -ge 3 ] || fail "expected the fixture pages, found ${#pages[@]}"
"$build/bin/newsworker" extract "${pages[@]}" >"$tmp/records.jsonl" 2>"$tmp/stderr" ||
    fail "newsworker extract exited $?: $(tail -n 5 "$tmp/stderr")"
[ "$(wc -l <"$tmp/records.jsonl")" -eq "${#pages[@]}" ] ||
    fail "expected ${#pages[@]} records, got $(wc -l <"$tmp/records.jsonl")"
[ "$(grep -c '"schema":"newsworker.article/1"' "$tmp/records.jsonl")" -eq "${#pages[@]}" ] ||
    fail "not every fixture page gave an article record"
$validate "$tmp/records.jsonl" || fail "extract records"
# Empty, binary and NUL-laden inputs still give one valid record each (article or error).
: >"$tmp/empty.html"
printf '<html><body>\0\0<p>nul\0bytes</p>\xff\xfe</body></html>' >"$tmp/nul.html"
head -c 4096 /dev/urandom >"$tmp/random.bin"
printf 'Plain text\n\nwith two paragraphs.\n' >"$tmp/plain.txt"
"$build/bin/newsworker" extract "$tmp/empty.html" "$tmp/nul.html" "$tmp/random.bin" \
    >"$tmp/hostile.jsonl" 2>/dev/null || fail "extract on hostile files exited $?"
"$build/bin/newsworker" extract --text "$tmp/plain.txt" >>"$tmp/hostile.jsonl" 2>/dev/null ||
    fail "extract --text exited $?"
[ "$(wc -l <"$tmp/hostile.jsonl")" -eq 4 ] || fail "expected 4 hostile records"
$validate "$tmp/hostile.jsonl" || fail "hostile-input records"
echo "test_schemas: ok"
