#!/bin/bash
# `newsworker watch` schedules each source by what it says: over 9 s with
# watch.interval_min_s=1 and watch.interval_max_s=30, a feed with no hints is polled as the
# adaptive interval grows (0, 2, 6 s: 3 polls), one with Cache-Control max-age=5 and a 503
# with Retry-After: 5 at most twice, an RSS feed with <ttl>1</ttl> (60 s, capped at 30)
# once, and one with Cache-Control: s-maxage=30 (a shared-cache directive, not for us) as
# often as the plain one. The server's log counts the requests.
# Usage: test_watch_schedule.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/watch_lib.sh"

start_feedd
B="http://127.0.0.1:$FP"
printf '%s\n' "$B/feed/json/plain" "$B/cache/5" "$B/busy/5" "$B/feed/rss/ttl" "$B/smaxage/30" \
    >"$WORK/sources"
"$BIN" watch -o watch.sources="$WORK/sources" -o fetch.allow_private=true \
    -o fetch.host_delay_ms=0 -o watch.interval_min_s=1 -o watch.interval_max_s=30 \
    -o watch.errors_file="$WORK/errors.jsonl" -o output.file="$WORK/jobs.jsonl" \
    2>"$WORK/watch.err" &
WPID=$!
EXTRA_PIDS="$WPID"
sleep 9
kill -TERM "$WPID"
wait "$WPID" || fail "watch exited $? on SIGTERM"
EXTRA_PIDS=
count() { grep -c " $1 " "$WORK/feedd.log"; }
[ "$(count /feed/json/plain)" -ge 3 ] || fail "plain feed polled $(count /feed/json/plain) times"
[ "$(count /cache/5)" -ge 1 ] && [ "$(count /cache/5)" -le 2 ] ||
    fail "max-age=5 feed polled $(count /cache/5) times in 9 s"
[ "$(count /busy/5)" -ge 1 ] && [ "$(count /busy/5)" -le 2 ] ||
    fail "Retry-After: 5 source polled $(count /busy/5) times in 9 s"
[ "$(count /feed/rss/ttl)" = 1 ] || fail "ttl feed polled $(count /feed/rss/ttl) times in 9 s"
# s-maxage is for shared caches: a private client polls as if it were not there.
[ "$(count /smaxage/30)" -ge 3 ] ||
    fail "s-maxage=30 feed polled $(count /smaxage/30) times in 9 s: s-maxage was honoured"
grep -q '"code":"http_503"' "$WORK/errors.jsonl" || fail "no error record for the 503"
echo "PASS"
