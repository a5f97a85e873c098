#!/bin/bash
# A page with metadata but no article body still delivers its metadata: the no_content error
# record carries title, published_at (with the page's own offset), language, canonical_url and
# site_name under "meta", through `extract` and through `fetch` (inline html job), and the
# records validate against schemas/error.v1.json. $1 = build dir, $2 = source dir.
set -euo pipefail
build="$1"
src="$2"
bin="$build/bin/newsworker"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

page='<html lang="en"><head><title>Council votes on the budget</title>
<meta property="article:published_time" content="2024-03-05T23:30:00+01:00">
<meta property="og:site_name" content="Example Tribune">
<link rel="canonical" href="https://example.com/news/budget"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav></body></html>'
printf '%s' "$page" >"$tmp/empty-body.html"
"$bin" extract "$tmp/empty-body.html" >"$tmp/extract.jsonl" 2>/dev/null || true
/usr/bin/python3 -c 'import json, sys; print(json.dumps({"url": "https://example.com/news/budget?x=1", "html": sys.argv[1]}))' \
    "$page" >"$tmp/job.jsonl"
"$bin" fetch --input "$tmp/job.jsonl" >"$tmp/fetch.jsonl" 2>/dev/null || true

for f in extract fetch; do
    [ "$(wc -l <"$tmp/$f.jsonl")" -eq 1 ] || fail "$f: expected one record"
    /usr/bin/python3 "$src/tests/integration/validate_records.py" "$tmp/$f.jsonl" || fail "$f: schema"
    /usr/bin/python3 - "$tmp/$f.jsonl" "$f" <<'PY' || fail "$f: metadata lost"
import json, sys
r = json.loads(open(sys.argv[1]).readline())
assert r["schema"] == "newsworker.error/1" and r["code"] == "no_content", (r["schema"], r.get("code"))
m = r.get("meta")
assert m, "no meta on the no_content record"
assert m["title"] == "Council votes on the budget", m["title"]
# the page's own offset is kept: 23:30+01:00 is still the 5th where the page was written
assert m["published_at"].startswith("2024-03-05T23:30:00"), m["published_at"]
assert m["published_at"].endswith("+01:00"), m["published_at"]
assert m["language"] == "en", m["language"]
assert m["canonical_url"] == "https://example.com/news/budget", m["canonical_url"]
assert m["site_name"] == "Example Tribune", m["site_name"]
print(sys.argv[2], "ok:", m["title"], m["published_at"])
PY
done
echo "test_no_content_meta: ok"
