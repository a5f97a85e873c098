#!/bin/bash
# `newsworker watch` as a service (issue 18).
# Part A: metrics.listen serves /healthz, /readyz and /metrics with the newsworker_watch_*
# families (polls, new items, errors, not-modified answers, sources due and overdue, state
# writes); promtool accepts the scrape; new_items_total equals the jobs written.
# Part B: `watch --once` against an unreachable broker: SIGTERM ends it within
# worker.shutdown_timeout_ms, exit 1, the state is not saved; the next run (no broker)
# emits every item again (none was marked seen).
# Part C: `watch` (a service) against an unreachable broker, with sources and state topics
# (a consumer that cannot reach its group) and with sources from a file (jobs queued, never
# delivered): SIGTERM ends it within worker.shutdown_timeout_ms.
# Usage: test_watch_service.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/watch_lib.sh"
command -v promtool >/dev/null || fail "promtool missing (Debian package prometheus)"

start_feedd
B="http://127.0.0.1:$FP"
free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# a port nothing listens on: an unreachable broker
DEAD=$(free_port)
metric() { awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' "$WORK/scrape.txt"; }
scrape() { curl -s -m 5 "http://127.0.0.1:$MP/metrics" >"$WORK/scrape.txt"; }

# ---- Part A ------------------------------------------------------------------------------
MP=$(free_port)
"$BIN" watch "$B/feed/rss/a1" "$B/feed/rss/a2" "$B/feed/atom/a3" -o "metrics.listen=127.0.0.1:$MP" \
    -o fetch.allow_private=true -o fetch.host_delay_ms=0 -o watch.interval_min_s=1 \
    -o watch.interval_max_s=1 -o watch.state_save_interval_s=1 \
    -o "watch.state_file=$WORK/a.state" -o "output.file=$WORK/a.jobs" \
    >"$WORK/a.out" 2>"$WORK/a.err" &
APID=$!
EXTRA_PIDS="$EXTRA_PIDS $APID"
ok=""
for _ in $(seq 200); do
    scrape
    if [ "$(metric newsworker_watch_not_modified_total)" -ge 3 ] &&
        [ "$(metric newsworker_watch_state_writes_total)" -ge 1 ]; then
        ok=1
        break
    fi
    sleep 0.1
done
[ -n "$ok" ] || fail "part A: no 304s or state writes counted: $(grep newsworker_watch "$WORK/scrape.txt")"
[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MP/healthz")" = 200 ] || fail "part A: /healthz not 200"
[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MP/readyz")" = 200 ] || fail "part A: /readyz not 200"
promtool check metrics <"$WORK/scrape.txt" >"$WORK/promtool.txt" 2>&1 || fail "part A: promtool: $(cat "$WORK/promtool.txt")"
for m in newsworker_watch_polls_total newsworker_watch_new_items_total newsworker_watch_errors_total \
    newsworker_watch_not_modified_total newsworker_watch_sources_due newsworker_watch_sources_overdue \
    newsworker_watch_state_writes_total; do
    grep -q "^$m " "$WORK/scrape.txt" || fail "part A: $m missing from the scrape"
done
[ "$(metric newsworker_watch_polls_total)" -ge 6 ] || fail "part A: polls_total $(metric newsworker_watch_polls_total)"
[ "$(metric newsworker_watch_errors_total)" = 0 ] || fail "part A: errors counted"
[ "$(metric newsworker_watch_sources)" = 3 ] || fail "part A: sources $(metric newsworker_watch_sources)"
new=$(metric newsworker_watch_new_items_total)
[ "$new" -gt 0 ] && [ "$new" = "$(wc -l <"$WORK/a.jobs")" ] ||
    fail "part A: new_items_total $new, jobs written $(wc -l <"$WORK/a.jobs")"
# a source that fails counts as an error
kill -TERM "$APID"
wait "$APID" || fail "part A: exit $? after SIGTERM"
echo "part A: $(grep -E '^newsworker_watch_[a-z_]+ ' "$WORK/scrape.txt" | tr '\n' ' ')"

# ---- Part B ------------------------------------------------------------------------------
# stop_timed PID NAME BUDGET_MS — SIGTERM, wait; sets CODE and MS (signal to exit)
stop_timed() {
    local t0 t1
    t0=$(date +%s%N)
    kill -TERM "$1"
    wait "$1"
    CODE=$?
    t1=$(date +%s%N)
    MS=$(((t1 - t0) / 1000000))
    echo "$2: exit $CODE, $MS ms after SIGTERM (worker.shutdown_timeout_ms=$3)"
    [ "$MS" -le "$3" ] || fail "$2: $MS ms after SIGTERM, over worker.shutdown_timeout_ms=$3"
}
set_gen 0
"$BIN" watch --once "$B/feed/rss/b1" "$B/feed/json/b2" -o "kafka.bootstrap.servers=127.0.0.1:$DEAD" \
    -o fetch.allow_private=true -o fetch.host_delay_ms=0 -o worker.shutdown_timeout_ms=3000 \
    -o "watch.state_file=$WORK/b.state" >"$WORK/b.out" 2>"$WORK/b.err" &
BPID=$!
EXTRA_PIDS="$EXTRA_PIDS $BPID"
# both feeds polled: their jobs are queued for a broker that never answers
for _ in $(seq 200); do
    [ "$(grep -c ' /feed/.*/b[12] 200' "$WORK/feedd.log")" -ge 2 ] && break
    sleep 0.1
done
[ "$(grep -c ' /feed/.*/b[12] 200' "$WORK/feedd.log")" -ge 2 ] || fail "part B: feeds not polled"
sleep 0.5
stop_timed "$BPID" "part B: watch --once, broker unreachable" 3000
[ "$CODE" = 1 ] || fail "part B: exit $CODE, expected 1 (jobs not delivered)"
grep -q "not every job was delivered" "$WORK/b.err" || fail "part B: undelivered jobs not reported"
[ ! -s "$WORK/b.state" ] || fail "part B: the state was saved although jobs were not delivered"
# the next run emits them (nothing was marked seen)
"$BIN" watch --once "$B/feed/rss/b1" "$B/feed/json/b2" -o fetch.allow_private=true \
    -o fetch.host_delay_ms=0 -o "watch.state_file=$WORK/b.state" -o "output.file=$WORK/b2.jobs" \
    >"$WORK/b2.out" 2>"$WORK/b2.err" || fail "part B: the second run failed"
[ "$(wc -l <"$WORK/b2.jobs")" = 6 ] || fail "part B: the next run emitted $(wc -l <"$WORK/b2.jobs") jobs, expected 6 (3 per feed)"
echo "part B: the next run emitted all $(wc -l <"$WORK/b2.jobs") items again"

# ---- Part C ------------------------------------------------------------------------------
"$BIN" watch -o "kafka.bootstrap.servers=127.0.0.1:$DEAD" -o watch.sources.topic=watch.sources \
    -o watch.state.topic=watch.state -o worker.shutdown_timeout_ms=4000 \
    -o "metrics.listen=127.0.0.1:0" >"$WORK/c1.out" 2>"$WORK/c1.err" &
CPID=$!
EXTRA_PIDS="$EXTRA_PIDS $CPID"
sleep 2
stop_timed "$CPID" "part C: watch with sources and state topics, broker unreachable" 4000
"$BIN" watch "$B/feed/rss/c2" -o "kafka.bootstrap.servers=127.0.0.1:$DEAD" -o fetch.allow_private=true \
    -o fetch.host_delay_ms=0 -o worker.shutdown_timeout_ms=2000 -o "watch.state_file=$WORK/c2.state" \
    >"$WORK/c2.out" 2>"$WORK/c2.err" &
CPID=$!
EXTRA_PIDS="$EXTRA_PIDS $CPID"
for _ in $(seq 200); do
    grep -q ' /feed/rss/c2 200' "$WORK/feedd.log" && break
    sleep 0.1
done
grep -q ' /feed/rss/c2 200' "$WORK/feedd.log" || fail "part C: feed not polled"
sleep 0.5
stop_timed "$CPID" "part C: watch with jobs queued, broker unreachable" 2000
[ "$CODE" = 1 ] || fail "part C: exit $CODE, expected 1 (jobs not delivered)"
echo "PASS"
