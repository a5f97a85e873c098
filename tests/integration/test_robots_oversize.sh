#!/bin/bash
# A robots.txt over the size limit is read, not treated as unreachable (RFC 9309 2.5: parse
# at least the first 500 KiB). The loopback server sends a 1.4 MiB robots.txt (with its
# Content-Length) whose group disallows /article/private and /feeds/private in its first
# lines and /article/late and /feeds/late at about 500 KiB, then comments past 1 MiB.
#   1. fetch, fetch.robots=true, fetch.max_body_bytes=1 MiB (below the file's size): the
#      allowed URLs are fetched, the disallowed ones end as robots_disallowed and are never
#      requested, robots.txt is asked for once;
#   2. the same with the default body limit;
#   3. watch --once, watch.robots=true, watch.max_feed_bytes=1 MiB: the allowed feed is
#      polled and its items emitted, the disallowed feeds are robots_disallowed error records
#      and never requested, and --once exits 1 (sources failed in the pass).
# Usage: test_robots_oversize.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/httpd_lib.sh"

SITE=$TMP/site
mkdir -p "$SITE/feeds"
"$PY" - "$SITE/robots.txt" <<'PYEOF'
import sys
head = ("User-agent: *\nDisallow: /article/private\nDisallow: /feeds/private\n"
        "Allow: /article/\n")
filler = "# a comment line that only makes this robots.txt long, as some sites do ......\n"
late = "Disallow: /article/late\nDisallow: /feeds/late\n"
body = head + filler * ((509000 - len(head)) // len(filler) + 1) + late
assert len(body) < 500 * 1024, len(body)   # within what RFC 9309 asks to be parsed
body += filler * ((1400 * 1024 - len(body)) // len(filler) + 1)
open(sys.argv[1], "w").write(body)
PYEOF
[ "$(stat -c %s "$SITE/robots.txt")" -gt 1048576 ] || fail "robots.txt is not over 1 MiB"

LOG=$TMP/requests.log
serve_logged 127.0.0.1 "$SITE" "$LOG" P
H="http://127.0.0.1:$P"

# check_fetch OUT LOG: the records and the requests of a fetch of in.txt.
check_fetch() {
    "$PY" - "$1" "$2" <<'PYEOF'
import json, sys
recs = {r["url"].split("/", 3)[3]: r for r in map(json.loads, open(sys.argv[1]))}
log = [l.split()[1] for l in open(sys.argv[2]) if l.strip()]
bad = []
for k in ["article/a1", "article/a2", "article/open-late"]:
    r = recs.get(k)
    if not r or r["schema"] != "newsworker.article/1":
        bad.append(f"{k}: expected an article, got {r and (r.get('code'), r.get('message'))}")
    if "/" + k not in log:
        bad.append(f"{k} was not requested")
for k in ["article/private-1", "article/late-1"]:
    r = recs.get(k)
    if not r or (r.get("stage"), r.get("code")) != ("fetch", "robots_disallowed"):
        bad.append(f"{k}: expected fetch/robots_disallowed, got {r and (r.get('code'), r.get('message'))}")
    if "/" + k in log:
        bad.append(f"{k} was requested")
if log.count("/robots.txt") != 1:
    bad.append(f"robots.txt requested {log.count('/robots.txt')} times, expected once")
if bad:
    sys.exit("\n".join(bad))
PYEOF
}

printf '%s\n' "$H/article/a1" "$H/article/private-1" "$H/article/late-1" "$H/article/a2" \
    "$H/article/open-late" >"$TMP/in.txt"

echo "== 1: fetch, robots.txt over fetch.max_body_bytes"
: >"$LOG"
timeout 120 "$BIN" fetch -o fetch.allow_private=true -o fetch.robots=true \
    -o fetch.max_body_bytes=1048576 --input "$TMP/in.txt" >"$TMP/out1" 2>"$TMP/err1" ||
    fail "fetch exited $?: $(tail -5 "$TMP/err1")"
check_fetch "$TMP/out1" "$LOG" || fail "fetch with a small body limit: robots.txt not obeyed"

echo "== 2: fetch, default body limit"
serve_logged 127.0.0.2 "$SITE" "$TMP/requests2.log" P2
sed "s#$H/#http://127.0.0.2:$P2/#" "$TMP/in.txt" >"$TMP/in2.txt"
timeout 120 "$BIN" fetch -o fetch.allow_private=true -o fetch.robots=true \
    --input "$TMP/in2.txt" >"$TMP/out2" 2>"$TMP/err2" ||
    fail "fetch exited $?: $(tail -5 "$TMP/err2")"
check_fetch "$TMP/out2" "$TMP/requests2.log" || fail "fetch: robots.txt not obeyed"

echo "== 3: watch --once, robots.txt over watch.max_feed_bytes"
H3=127.0.0.3
serve_logged $H3 "$SITE" "$TMP/requests3.log" P3
H3="http://$H3:$P3"
for f in ok private late; do
    printf '<rss version="2.0"><channel><title>%s</title><item><title>t</title><link>%s/article/%s-1</link></item><item><title>t</title><link>%s/article/%s-2</link></item></channel></rss>\n' \
        "$f" "$H3" "$f" "$H3" "$f" >"$SITE/feeds/$f.xml"
done
rc=0
timeout 120 "$BIN" watch --once -o fetch.allow_private=true -o watch.robots=true \
    -o watch.max_feed_bytes=1048576 -o watch.errors_file="$TMP/errors3.jsonl" \
    "$H3/feeds/ok.xml" "$H3/feeds/private.xml" "$H3/feeds/late.xml" \
    >"$TMP/jobs3.jsonl" 2>"$TMP/err3" || rc=$?
[ "$rc" = 1 ] || fail "watch --once with refused sources exited $rc, expected 1: $(tail -3 "$TMP/err3")"
"$PY" - "$TMP/jobs3.jsonl" "$TMP/errors3.jsonl" "$TMP/requests3.log" "$H3" <<'PYEOF' ||
import json, sys
jobs = sorted(json.loads(l)["url"] for l in open(sys.argv[1]) if l.strip())
errs = sorted((json.loads(l)["url"], json.loads(l)["code"]) for l in open(sys.argv[2]) if l.strip())
log = [l.split()[1] for l in open(sys.argv[3]) if l.strip()]
h = sys.argv[4]
bad = []
if jobs != [h + "/article/ok-1", h + "/article/ok-2"]:
    bad.append(f"jobs {jobs}")
want = sorted((h + "/feeds/" + f + ".xml", "robots_disallowed") for f in ("private", "late"))
if errs != want:
    bad.append(f"error records {errs}, expected {want}")
if "/feeds/private.xml" in log or "/feeds/late.xml" in log:
    bad.append(f"a disallowed feed was requested: {log}")
if "/feeds/ok.xml" not in log or log.count("/robots.txt") != 1:
    bad.append(f"requests {log}")
if bad:
    sys.exit("\n".join(bad))
PYEOF
    fail "watch: robots.txt not obeyed"
echo "ok"
