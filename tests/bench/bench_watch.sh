#!/bin/bash
# bench_watch.sh — `newsworker watch` throughput and memory on loopback.
#
#   tests/bench/bench_watch.sh BUILD_DIR [SOURCES] [BIG_SOURCES]
#
# Serves SOURCES (default 10,000) RSS feeds of 10 items from nw_feedd, spread over 250
# loopback hosts 127.0.0.1-250 (the server listens on 0.0.0.0 for the length of the run, as
# one socket on 127.0.0.1 does not answer 127.0.0.2), and times three `watch --once` passes
# with a state file: the first poll of every source (all 200, 10 new items each), a pass
# where every feed is unchanged (304s), and a pass where every feed has one new item (200,
# --fresh server). Prints polls/s (wall clock) and CPU ms per poll of the watcher process
# (user + system, from /usr/bin/time), its peak RSS, then the peak RSS of a first pass over
# BIG_SOURCES (default 100,000) sources, which ends holding their state (20 seen entries
# each). robots.txt is fetched per host (404: allow); fetch.host_delay_ms=0.
set -eu
BUILD=$(cd "$1" && pwd)
N=${2:-10000}
BIG=${3:-100000}
BIN=$BUILD/bin/newsworker
WORK=$(mktemp -d /tmp/nw_bench_watch.XXXXXX)
SPID=
trap '[ -n "$SPID" ] && kill $SPID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT

serve() { # [--fresh]
    [ -n "$SPID" ] && kill $SPID && wait $SPID 2>/dev/null || true
    "$BUILD/tests/nw_feedd" --bind 0.0.0.0 --port "${PORT:-0}" --max-seconds 3600 "$@" \
        >"$WORK/port" 2>"$WORK/feedd.err" &
    SPID=$!
    for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
    PORT=$(head -1 "$WORK/port")
}
sources() { # COUNT FILE
    awk -v n="$1" -v p="$PORT" 'BEGIN { for (i = 0; i < n; i++)
        printf "http://127.0.0.%d:%d/b/%d\n", i % 250 + 1, p, i }' >"$2"
}
pass() { # NAME SOURCES STATE
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/$1.time" "$BIN" watch --once \
        -o watch.sources="$2" -o watch.state_file="$3" -o output.file=/dev/null \
        -o fetch.allow_private=true -o fetch.host_delay_ms=0 -o fetch.concurrency=256 \
        -o fetch.per_host=8 -o log.level=info 2>"$WORK/$1.log"
    local polls items
    polls=$(sed -n 's/.* \([0-9]*\) polls .*/\1/p' "$WORK/$1.log")
    items=$(sed -n 's/.*, \([0-9]*\) new items.*/\1/p' "$WORK/$1.log")
    read -r wall user sys rss <"$WORK/$1.time"
    awk -v n="$1" -v p="$polls" -v i="$items" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
        'BEGIN { printf "%-22s %7d polls %8d new items  %7.0f polls/s  %6.3f ms CPU/poll  %6.1f MB peak RSS\n",
                 n, p, i, p / w, (u + s) * 1000 / p, r / 1024 }'
}

echo "newsworker watch benchmark: $N sources on 250 loopback hosts ($(nproc) cores)"
serve
sources "$N" "$WORK/src"
pass "first poll (200)" "$WORK/src" "$WORK/state"
pass "unchanged (304)" "$WORK/src" "$WORK/state"
serve --fresh
pass "one new item (200)" "$WORK/src" "$WORK/state"
sources "$BIG" "$WORK/big"
pass "$BIG sources, state" "$WORK/big" "$WORK/bigstate"
echo "state file for $BIG sources: $(du -m "$WORK/bigstate" | cut -f1) MB"
