#!/bin/bash
# `newsworker watch` with Kafka (the mock cluster in its own process, read back with kcat):
# sources come from a compacted topic (key = URL, value = settings, tombstone = remove) read
# by a consumer group, the state goes to a state topic, jobs go to news.urls keyed by URL.
# Asserted: two watchers in one group split the source partitions and together emit each
# item once; a source added to the topic is picked up live, a tombstone stops its polls; when
# one watcher stops, the other takes its partitions with their state and emits only new items.
# Usage: test_watch_kafka.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/watch_lib.sh"
command -v kcat >/dev/null || fail "kcat is not installed"

mkfifo "$WORK/mock.ctl"
exec 7<>"$WORK/mock.ctl"
"$BUILD/tests/nw_mock_cluster" --max-seconds 500 news.urls:4 news.errors:1 watch.sources:4 \
    watch.state:4 <&7 >"$WORK/mock.out" 2>"$WORK/mock.log" &
EXTRA_PIDS="$EXTRA_PIDS $!"
BS=$(first_line "$WORK/mock.out")
[ -n "$BS" ] || fail "mock cluster did not start"
start_feedd
B="http://127.0.0.1:$FP"

add_source() { # I — source s$I on partition I % 4
    echo "$B/feed/rss/s$1|{\"meta\": {\"n\": $1}}" |
        kcat -b "$BS" -P -t watch.sources -p $(($1 % 4)) -K '|' || fail "kcat produce"
}
for i in 0 1 2 3 4 5 6 7; do add_source $i; done

start_watcher() { # NAME
    "$BIN" watch -o kafka.bootstrap.servers="$BS" -o watch.sources.topic=watch.sources \
        -o watch.state.topic=watch.state -o fetch.allow_private=true -o fetch.host_delay_ms=0 \
        -o watch.interval_min_s=1 -o watch.interval_max_s=2 -o watch.state_save_interval_s=1 \
        -o kafka.consumer.session.timeout.ms=6000 -o kafka.consumer.heartbeat.interval.ms=500 \
        >"$WORK/$1.out" 2>"$WORK/$1.err" &
    eval "PID_$1=$!"
    EXTRA_PIDS="$EXTRA_PIDS $!"
}
jobs_now() { kcat -b "$BS" -C -t news.urls -o beginning -e -q -f '%k\t%s\n' 2>/dev/null; }
wait_jobs() { # N SECONDS
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do
        [ "$(jobs_now | wc -l)" -ge "$1" ] && return 0
        sleep 0.5
    done
    fail "$1 jobs not on news.urls within $2 s (have $(jobs_now | wc -l))"
}
# check N — exactly N jobs, each URL once, keyed by its URL.
check() {
    jobs_now >"$WORK/jobs.tsv"
    "$PY" - "$WORK/jobs.tsv" "$1" <<'PYEOF' || fail "jobs on news.urls"
import json, sys
lines = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1]) if l.strip()]
urls = []
for key, value in lines:
    job = json.loads(value)
    assert job["url"] == key, (key, job["url"])
    urls.append(key)
dups = sorted({u for u in urls if urls.count(u) > 1})
assert not dups, "repeated: %s" % dups
assert len(urls) == int(sys.argv[2]), "%d jobs, want %s" % (len(urls), sys.argv[2])
PYEOF
}

start_watcher w1
sleep 2
start_watcher w2
wait_jobs 24 60
sleep 4 # rebalances settle, more polls happen: nothing may repeat
check 24
grep -q "assigned [1-9][0-9]* source partition" "$WORK/w1.err" || fail "w1 held no partition"
grep -q "assigned [1-9][0-9]* source partition" "$WORK/w2.err" || fail "w2 held no partition"
# The meta from the source's settings is in its jobs.
jobs_now | grep -q "/a/s5/2.*\"n\":5" || fail "source meta not passed into the jobs"

# Live add and remove.
add_source 8
wait_jobs 27 30
echo "$B/feed/rss/s0|" | kcat -b "$BS" -P -t watch.sources -p 0 -K '|' -Z || fail "tombstone"
sleep 2
before=$(grep -c " /feed/rss/s0 " "$WORK/feedd.log")
sleep 4
after=$(grep -c " /feed/rss/s0 " "$WORK/feedd.log")
[ "$after" -le $((before + 1)) ] || fail "removed source still polled ($before -> $after)"
[ "$(grep -c " /feed/rss/s1 " "$WORK/feedd.log")" -gt "$after" ] || fail "other sources not polled"

set_gen 1 # one new item for s1..s8
wait_jobs 35 30
sleep 3
check 35

# w1 leaves: w2 takes its partitions with their state.
kill -TERM "$PID_w1"
wait "$PID_w1" || fail "w1 exited $? on SIGTERM"
set_gen 2
wait_jobs 43 60
sleep 4
check 43
grep -q "sources loaded" "$WORK/w2.err" || fail "w2 did not load its sources"
kill -TERM "$PID_w2"
wait "$PID_w2" || fail "w2 exited $? on SIGTERM"
echo "PASS"
