#!/bin/bash
# `newsworker watch` as a service: polls on its own schedule (interval 1-2 s here), emits
# items as they appear, stops on SIGTERM with its state saved, and after a restart emits
# the items that appeared while it was down and nothing it had emitted before; idle polls
# are conditional (304).
# Usage: test_watch_restart.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/watch_lib.sh"

start_feedd
B="http://127.0.0.1:$FP"
printf '%s\n' "$B/feed/rss/a" "$B/feed/atom/b" >"$WORK/sources"

start_watch() {
    "$BIN" watch -o watch.sources="$WORK/sources" -o watch.state_file="$WORK/state" \
        -o fetch.allow_private=true -o fetch.host_delay_ms=0 -o watch.interval_min_s=1 \
        -o watch.interval_max_s=2 -o watch.state_save_interval_s=1 \
        -o output.file="$WORK/jobs.jsonl" 2>>"$WORK/watch.err" &
    WPID=$!
    EXTRA_PIDS="$EXTRA_PIDS $WPID"
}
stop_watch() {
    kill -TERM "$WPID"
    wait "$WPID"
    local code=$?
    [ $code = 0 ] || fail "watch exited $code on SIGTERM"
}
wait_lines() { # N SECONDS
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do
        [ -f "$WORK/jobs.jsonl" ] && [ "$(wc -l <"$WORK/jobs.jsonl")" -ge "$1" ] && return 0
        sleep 0.2
    done
    fail "$1 jobs not emitted within $2 s (have $(wc -l <"$WORK/jobs.jsonl" 2>/dev/null))"
}

start_watch
wait_lines 6 30
set_gen 1
wait_lines 8 30
stop_watch
set_gen 2 # while it is down
: >"$WORK/feedd.log"
t0=$SECONDS
start_watch
wait_lines 10 30
sleep 4 # several more polls: nothing new may come
stop_watch
elapsed=$((SECONDS - t0 + 1))
want=$(for f in a b; do for i in 1 2 3 4 5; do echo "$B/a/$f/$i"; done; done | sort)
got=$(urls "$WORK/jobs.jsonl" | sort)
[ "$got" = "$want" ] || fail "jobs: got $(echo $got) want $(echo $want)"
grep -q " /feed/rss/a 304\$" "$WORK/feedd.log" || fail "idle RSS polls were not 304"
grep -q " /feed/atom/b 304\$" "$WORK/feedd.log" || fail "idle Atom polls were not 304"
n=$(grep -c " /feed/rss/a " "$WORK/feedd.log")
[ "$n" -ge 2 ] && [ "$n" -le "$elapsed" ] ||
    fail "$n polls of one feed in $elapsed s at a 1-2 s interval"
echo "PASS"
