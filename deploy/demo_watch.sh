#!/bin/bash
# demo_watch.sh — discovery to articles on the embedded cluster: `newsworker watch` polls a
# feed and a site's robots.txt (its Sitemap lines lead to a sitemap index, a gzip news
# sitemap and a plain one) and publishes new article URLs as url jobs to news.urls on an
# in-process Kafka mock cluster (kafka.bootstrap.servers=embedded); `newsworker run`, a
# second process, consumes them from that cluster, fetches and extracts the articles and
# publishes records to news.articles; kcat reads them back. Then the feeds change and only
# the new articles flow.
#
#   deploy/demo_watch.sh [BUILD_DIR]      (default: build; built first if missing)
#
# The feeds and articles come from the project's loopback feed server
# (build/tests/nw_feedd), hence fetch.allow_private=true. Needs kcat.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build}
BIN=$BUILD/bin/newsworker
. "$ROOT/tests/integration/listen_lib.sh"
TMP=$(mktemp -d)
FEEDD_PID= WATCH_PID= RUN_PID=

cleanup() {
    for p in $RUN_PID $WATCH_PID; do kill -TERM "$p" 2>/dev/null || true; done
    for p in $RUN_PID $WATCH_PID; do wait "$p" 2>/dev/null || true; done
    stop_listener "$FEEDD_PID"
    rm -rf "$TMP"
}
trap cleanup EXIT
say() { echo "demo: $*" >&2; }

command -v kcat >/dev/null || { say "kcat is needed (apt-get install kcat)"; exit 1; }
if [ ! -x "$BIN" ] || [ ! -x "$BUILD/tests/nw_feedd" ]; then
    say "building newsworker in $BUILD"
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >&2
    cmake --build "$BUILD" -j"$(nproc)" >&2
fi

"$BUILD/tests/nw_feedd" --port 0 --max-seconds 300 >"$TMP/port" 2>"$TMP/feedd.log" &
FEEDD_PID=$!
PORT=$(first_line "$TMP/port")
[ -n "$PORT" ] || { say "feed server did not start"; exit 1; }
SITE=http://127.0.0.1:$PORT

say "newsworker watch -o kafka.bootstrap.servers=embedded $SITE/feed/rss/demo $SITE/robots.txt"
"$BIN" watch -o kafka.bootstrap.servers=embedded -o fetch.allow_private=true \
    -o fetch.host_delay_ms=200 -o watch.interval_min_s=2 -o watch.interval_max_s=5 \
    "$SITE/feed/rss/demo" "$SITE/robots.txt" 2>"$TMP/watch.log" &
WATCH_PID=$!
BS=
for _ in $(seq 100); do
    BS=$(sed -n 's/.*embedded Kafka mock cluster at \([^ ]*\) .*/\1/p' "$TMP/watch.log")
    [ -n "$BS" ] && break
    sleep 0.1
done
[ -n "$BS" ] || { say "watch did not start its cluster"; cat "$TMP/watch.log" >&2; exit 1; }
say "embedded cluster at $BS; newsworker run -o kafka.bootstrap.servers=$BS"
"$BIN" run -o kafka.bootstrap.servers="$BS" -o fetch.allow_private=true 2>"$TMP/run.log" &
RUN_PID=$!

articles() { kcat -b "$BS" -C -t news.articles -o beginning -e -q 2>/dev/null || true; }
wait_articles() { # N
    for _ in $(seq 120); do
        [ "$(articles | wc -l)" -ge "$1" ] && return 0
        sleep 0.5
    done
    say "only $(articles | wc -l) of $1 articles arrived"
    tail -5 "$TMP/watch.log" "$TMP/run.log" >&2
    exit 1
}
show() {
    articles | /usr/bin/python3 -c 'import json, sys
for line in sys.stdin:
    r = json.loads(line)
    m = (r.get("job") or {}).get("meta") or {}
    print("  %-40s %-22s from %s" % (r["url"].split("/", 3)[3], r["title"],
          m.get("feed", m.get("source"))))'
}

# 3 feed items + 2 news sitemap items + 2 plain sitemap items.
wait_articles 7
say "news.articles after the first polls:"
show
say "the site publishes one more story in the feed and in the news sitemap"
curl -sf "$SITE/ctl/gen?set=1" >/dev/null
wait_articles 9
say "news.articles now (each URL once):"
show
say "url jobs on news.urls: $(kcat -b "$BS" -C -t news.urls -o beginning -e -q 2>/dev/null | wc -l)"
