#!/bin/bash
# Politeness of `newsworker fetch` against the loopback server, read from the server's own
# request log (nw_httpd --log: arrival time and path of every request):
#   1. fetch.robots=true: robots.txt is asked for once per host, the URLs it disallows for
#      our agent are never requested and end as error records (stage fetch, code
#      robots_disallowed), the others are fetched, and its Crawl-delay spaces the requests;
#   2. fetch.host_delay_ms spaces the requests to one host with no robots.txt involved;
#   3. a robots.txt that cannot be fetched (nothing listens) disallows everything:
#      robots_unreachable, no job request is made.
# Usage: test_fetch_politeness.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/httpd_lib.sh"
VALIDATE=$SRC/tests/integration/validate_records.py

# gaps LOG DELAY_MS MIN_MS: the requests in LOG (robots.txt included), in arrival order,
# are at least MIN_MS apart; prints the smallest gap.
gaps() {
    "$PY" - "$1" "$2" <<'PYEOF'
import sys
times = sorted(int(l.split()[0]) for l in open(sys.argv[1]) if l.strip())
gaps = [b - a for a, b in zip(times, times[1:])]
if not gaps:
    sys.exit("fewer than 2 requests in the log")
print(min(gaps))
if min(gaps) < int(sys.argv[2]):
    sys.exit(f"gaps {gaps}: smallest {min(gaps)} ms < {sys.argv[2]} ms")
PYEOF
}

echo "== 1: robots.txt rules and Crawl-delay"
SITE=$TMP/site
mkdir -p "$SITE"
cat >"$SITE/robots.txt" <<'EOF'
# Everyone else may not crawl at all; our group is the one that applies.
User-agent: *
Disallow: /

User-agent: newsworker
Disallow: /article/private
Disallow: /*.pdf$
Allow: /article/private-but-open
Crawl-delay: 0.6
EOF
LOG1=$TMP/robots.log
serve_logged 127.0.0.1 "$SITE" "$LOG1" P1
H="http://127.0.0.1:$P1"
cat >"$TMP/in1" <<EOF
$H/article/a1
$H/article/private-1
$H/article/a2
$H/article/report.pdf
$H/article/private-but-open-1
$H/article/private/2
$H/article/report.pdf?page=2
$H/article/a3
EOF
timeout 120 "$BIN" fetch -o fetch.allow_private=true -o fetch.robots=true -o fetch.per_host=4 \
    --input "$TMP/in1" >"$TMP/out1" 2>"$TMP/err1" || fail "fetch exited $?: $(tail -5 "$TMP/err1")"
"$PY" "$VALIDATE" "$TMP/out1" || fail "invalid records"
"$PY" - "$TMP/out1" "$LOG1" <<'PYEOF' || fail "robots.txt rules not obeyed"
import json, sys
recs = {r["url"].split("/", 3)[3]: r for r in map(json.loads, open(sys.argv[1]))}
log = [l.split()[1] for l in open(sys.argv[2]) if l.strip()]
disallowed = ["article/private-1", "article/report.pdf", "article/private/2"]
allowed = ["article/a1", "article/a2", "article/a3", "article/private-but-open-1",
           "article/report.pdf?page=2"]
bad = []
if len(recs) != 8:
    bad.append(f"{len(recs)} records for 8 URLs")
for k in disallowed:
    r = recs.get(k)
    if not r or r["schema"] != "newsworker.error/1" or (r["stage"], r["code"]) != ("fetch", "robots_disallowed"):
        bad.append(f"{k}: expected fetch/robots_disallowed, got {r and (r.get('stage'), r.get('code'))}")
if log.count("/article/report.pdf") != 1:
    bad.append(f"report.pdf requested {log.count('/article/report.pdf')} times, expected once")
for k in allowed:
    r = recs.get(k)
    if not r or r["schema"] != "newsworker.article/1":
        bad.append(f"{k}: expected an article, got {r and (r.get('code'), r.get('message'))}")
# "report.pdf?page=2" is allowed ($ anchors the end), "report.pdf" is not: the log has
# exactly one /article/report.pdf (the query is not logged), from the allowed one.
if log.count("/robots.txt") != 1:
    bad.append(f"robots.txt requested {log.count('/robots.txt')} times, expected once")
if log[0] != "/robots.txt":
    bad.append(f"first request was {log[0]}, not /robots.txt")
for p in ("/article/private-1", "/article/private/2"):
    if p in log:
        bad.append(f"{p} requested although disallowed")
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PYEOF
# Crawl-delay 0.6 s: 6 requests (robots.txt + 5 allowed) at least 0.6 s apart at the
# client; arrival times jitter (a few ms here, more on a loaded machine): allow 150 ms.
min=$(gaps "$LOG1" 450) || fail "Crawl-delay not honoured: $min"
echo "ok: robots.txt once, disallowed URLs never requested, smallest gap $min ms (Crawl-delay 600)"

echo "== 2: fetch.host_delay_ms without robots.txt"
LOG2=$TMP/delay.log
serve_logged 127.0.0.2 "$PAGES" "$LOG2" P2
for i in 1 2 3 4 5 6; do echo "http://127.0.0.2:$P2/article/d$i"; done >"$TMP/in2"
timeout 120 "$BIN" fetch -o fetch.allow_private=true -o fetch.host_delay_ms=500 \
    -o fetch.per_host=6 --input "$TMP/in2" >"$TMP/out2" 2>"$TMP/err2" ||
    fail "fetch exited $?: $(tail -5 "$TMP/err2")"
[ "$(grep -c '"newsworker.article/1"' "$TMP/out2")" -eq 6 ] || fail "not 6 articles: $(head -c 600 "$TMP/out2")"
[ "$(wc -l <"$LOG2")" -eq 6 ] || fail "$(wc -l <"$LOG2") requests for 6 URLs"
grep -q robots.txt "$LOG2" && fail "robots.txt asked for with fetch.robots off"
min=$(gaps "$LOG2" 350) || fail "fetch.host_delay_ms not honoured: $min"
echo "ok: 6 requests, smallest gap $min ms (host_delay_ms 500)"

echo "== 3: robots.txt unreachable"
# A port nothing listens on: find one by binding and closing.
DEAD=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
timeout 60 "$BIN" fetch -o fetch.allow_private=true -o fetch.robots=true -o fetch.retries=1 \
    -o fetch.retry_backoff_ms=100 "http://127.0.0.1:$DEAD/article/x" "http://127.0.0.1:$DEAD/article/y" \
    >"$TMP/out3" 2>"$TMP/err3" || fail "fetch exited $?: $(tail -5 "$TMP/err3")"
"$PY" "$VALIDATE" "$TMP/out3" || fail "invalid records"
[ "$(grep -c '"code":"robots_unreachable"' "$TMP/out3")" -eq 2 ] ||
    fail "expected 2 robots_unreachable records: $(cat "$TMP/out3")"
echo "ok: robots_unreachable"

echo "PASS"
