#!/bin/bash
# Bounded work per page whatever its shape: 16 MB pages made of tiny tags, deep nesting,
# endless attributes or reopened formatting elements are cut at the parse budget
# (extract.max_elements, nesting depth) before MyHTML allocates, under an address-space
# limit of 256 MB (without the budget MyHTML took 0.3-2.4 GB on these and crashed on a
# failed allocation), and the record says what was cut.
# Usage: test_hostile_pages.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BIN="$1/bin/newsworker"
TMP=$(mktemp -d /tmp/nw_hostile_pages.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[ -x "$BIN" ] || fail "no binary at $BIN"

/usr/bin/python3 - "$TMP" <<'PYEOF'
import sys
d = sys.argv[1]
N = 16 * 1024 * 1024 - 4096  # under extract.max_html_bytes: only the budget cuts these
pages = {
    "p_text": "<html><body><article>" + "<p>a" * 4194000,
    "br": "a<br>" * 3300000,
    "bold": "<b>Xy</b>" * 1600000,
    "p_only": "<p>" * 1000000,
    "attributes": "<b " + " ".join("a%d" % i for i in range(1600000)) + ">",
    "reopened": "".join("<b id=%d>" % i for i in range(2000)) + "<p>x" * 3000000,
    "body_attrs": "".join("<body x%d>" % i for i in range(1000000)),
    "comment": "<!-->" + "<p>" * 4000000,
    "script": "<script>" + "<p>" * 4000000,
    "svg": "<svg>" + "<g/>" * 3000000,
    "table": "<table>" + "<td>x" * 3000000,
    "div_selfclose": "<div/>" * 2000000,
    "deep_end_tags": "<div>" * 1000 + "</b>" * 3000000,
}
for name, html in pages.items():
    open("%s/%s.html" % (d, name), "w").write(html[:N])
PYEOF

for page in "$TMP"/*.html; do
    name=$(basename "$page" .html)
    # 256 MB of address space and 10 s of CPU (each page takes well under 1 s).
    rc=0
    (ulimit -t 10 && prlimit --as=268435456 -- "$BIN" extract "$page") >"$TMP/$name.json" \
        2>"$TMP/$name.log" || rc=$?
    [ "$rc" -eq 0 ] || fail "$name: extract exited $rc under 256 MB: $(tail -3 "$TMP/$name.log")"
    /usr/bin/python3 - "$TMP/$name.json" "$name" <<'PYEOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(recs) == 1, "%s: %d records" % (sys.argv[2], len(recs))
r = recs[0]
# An article says it in warnings, an error record (no text left) in its message.
said = " ".join(r.get("warnings") or []) + " " + (r.get("message") or "")
assert "elements (extract.max_elements)" in said or "nested deeper than" in said, (sys.argv[2], said)
print("ok: %s: %s" % (sys.argv[2], said.strip()[:140]))
PYEOF
done

# A page within budget is not cut, and the budget is a configuration key.
printf '<html><body><article><p>%s</p></article></body></html>' \
    "$(printf 'One sentence of the article. %.0s' $(seq 1 40))" >"$TMP/ok.html"
"$BIN" extract "$TMP/ok.html" >"$TMP/ok.json"
grep -q '"warnings":\[\]' "$TMP/ok.json" || fail "a small page was cut: $(cat "$TMP/ok.json")"
"$BIN" -o extract.max_elements=1000 extract "$TMP/p_only.html" >"$TMP/small_budget.json"
grep -q 'more than 1000 elements' "$TMP/small_budget.json" ||
    fail "extract.max_elements=1000 not applied: $(head -c 400 "$TMP/small_budget.json")"
echo "PASS"
