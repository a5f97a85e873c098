#!/bin/bash
# newsworker run, scenario 2: kill -9 in the middle of a run, restart: every job still
# ends with a record (at-least-once); prints how many were repeated.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

start_mock news.urls:4 news.articles:4 news.errors:2
start_httpd
# Slow pages (300 ms each) keep many jobs in flight when the worker dies.
N=$(make_jobs "$WORK/jobs.txt" 240 20 20 20 300)
produce_jobs "$WORK/jobs.txt"

start_worker w1 -o worker.max_in_flight=64
end=$((SECONDS + 60))
while [ "$(count_records)" -lt $((N / 3)) ]; do
    [ $SECONDS -lt $end ] || fail "no progress before the kill"
    sleep 0.2
done
kill -KILL "$WPID_w1"
wait "$WPID_w1" 2>/dev/null
before=$(count_records)
echo "killed with $before of $N records written"
[ "$before" -lt "$N" ] || fail "the run finished before the kill; nothing tested"

# The dead member stays in the group until its session times out (6 s here).
start_worker w2 -o worker.max_in_flight=64
wait_for_jobs "$N" 120 || fail "after the restart not every job got a record"
stop_worker w2
[ "$CODE" = 0 ] || fail "worker exit code $CODE after SIGTERM"

read_topics "$WORK/records.json" news.articles news.errors
a=$(analyze "$WORK/records.json" "$N")
echo "jobs=$N $a"
[ "$(field "$a" missing)" = 0 ] || fail "jobs lost: $a"
[ "$(field "$a" bad)" = 0 ] || fail "bad records: $a"
echo "repeated after kill -9: $(field "$a" dup) of $N jobs"
echo "PASS"
