#!/bin/bash
# newsworker run, scenario 8: SIGTERM with the broker gone. Shutdown is bounded in total by
# worker.shutdown_timeout_ms (drain, flush, commit and leaving the group together), and
# the exit code is 1 because records were not delivered. Nothing is lost: once the broker
# is back, a new worker makes a record for every job.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

start_mock --brokers 3 news.urls:4 news.articles:4 news.errors:2
start_httpd
# Slow pages (1.5 s) so that many jobs are in flight when the broker goes.
N=$(make_jobs "$WORK/jobs.txt" 200 0 0 0 1500)
produce_jobs "$WORK/jobs.txt"
LIMIT_MS=8000
start_worker w1 -o worker.max_in_flight=220 -o worker.shutdown_timeout_ms=$LIMIT_MS
end=$((SECONDS + 60))
until grep -q "assigned [1-9]" "$WORK/w1.log" && [ "$(count_records)" -gt 0 ]; do
    [ $SECONDS -lt $end ] || fail "no progress"
    sleep 0.2
done
mock_cmd broker-down 1
mock_cmd broker-down 2
mock_cmd broker-down 3
sleep 1
t0=$(date +%s%N)
kill -TERM "$WPID_w1"
wait "$WPID_w1"
CODE=$?
ms=$((($(date +%s%N) - t0) / 1000000))
echo "broker gone, SIGTERM: exit code $CODE after $ms ms (limit $LIMIT_MS ms)"
grep "exiting with\|stopped in" "$WORK/w1.log" || true
[ "$CODE" = 1 ] || fail "exit code $CODE with records undelivered (expected 1)"
[ "$ms" -le $((LIMIT_MS + 2000)) ] || fail "shutdown took $ms ms, limit $LIMIT_MS ms"
grep -q "exiting with [0-9]* job(s) unfinished" "$WORK/w1.log" || fail "no word of the undelivered records"

mock_cmd broker-up 1
mock_cmd broker-up 2
mock_cmd broker-up 3
start_worker w2 -o worker.max_in_flight=220
wait_for_jobs "$N" 150 || fail "jobs lost after the shutdown without a broker"
stop_worker w2
[ "$CODE" = 0 ] || fail "second worker exit code $CODE"
read_topics "$WORK/records.json" news.articles news.errors
a=$(analyze "$WORK/records.json" "$N")
echo "jobs=$N $a"
[ "$(field "$a" missing)" = 0 ] || fail "jobs lost: $a"
echo "PASS"
