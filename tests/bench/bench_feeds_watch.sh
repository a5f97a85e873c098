#!/bin/bash
# bench_feeds_watch.sh — peak RSS and wall time of a whole `newsworker watch --once` poll of
# one large document served on loopback (nw_httpd): the 50 MB dense sitemap as a 51 KB gzip
# file, the plain 1M-URL sitemap (~45 MB) and the ~41 MB JSON Feed (bench_feeds_mem writes
# them). Watch's defaults apply (watch.max_feed_bytes 50 MiB, watch.max_items 50,000).
#
#   tests/bench/bench_feeds_watch.sh BUILD_DIR [NEWSWORKER_BINARY]
#
# The binary defaults to BUILD_DIR/bin/newsworker (give another to measure an older build
# against the same server and documents). Prints one line per document: peak RSS of the
# watcher process (/usr/bin/time), wall seconds, jobs emitted, exit status.
set -eu
BUILD=$(cd "$1" && pwd)
BIN=${2:-$BUILD/bin/newsworker}
WORK=$(mktemp -d /tmp/nw_bench_feeds.XXXXXX)
SPID=
trap '[ -n "$SPID" ] && kill $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

mkdir -p "$WORK/root"
"$BUILD/bench/bench_feeds_mem" dense --write "$WORK/root/dense.xml.gz"
"$BUILD/bench/bench_feeds_mem" sitemap --write "$WORK/root/sitemap.xml"
"$BUILD/bench/bench_feeds_mem" json --write "$WORK/root/feed.json"
"$BUILD/tests/nw_httpd" --root "$WORK/root" --port 0 --max-seconds 3600 >"$WORK/port" \
    2>"$WORK/httpd.err" &
SPID=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
PORT=$(head -1 "$WORK/port")
for doc in dense.xml.gz sitemap.xml feed.json; do
    set +e
    /usr/bin/time -f "%M %e" -o "$WORK/time" "$BIN" watch --once -o fetch.allow_private=true \
        -o watch.errors_file="$WORK/errors" "http://127.0.0.1:$PORT/$doc" >"$WORK/jobs" \
        2>"$WORK/log"
    code=$?
    set -e
    read -r kb secs <"$WORK/time"
    printf '%-14s peak RSS %7.1f MB, %6.2f s wall, %6d jobs, %d error records, exit %d\n' "$doc" \
        "$(echo "$kb / 1024" | bc -l)" "$secs" "$(wc -l <"$WORK/jobs")" \
        "$(cat "$WORK/errors" 2>/dev/null | wc -l)" "$code"
done
