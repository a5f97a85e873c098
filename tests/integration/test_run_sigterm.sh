#!/bin/bash
# newsworker run, scenario 5: SIGTERM with jobs in flight: the worker finishes them,
# hands back the jobs parked on their host (not begun: no record), flushes, commits and
# exits 0; nothing is lost (a second worker finishes the rest and repeats only the jobs
# the first one announced: those done above a handed-back one). Also: a second signal
# exits at once.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

start_mock news.urls:4 news.articles:4 news.errors:2
start_httpd
# Slow pages (1.5 s) so that jobs are surely in flight when the signal comes.
N=$(make_jobs "$WORK/jobs.txt" 200 0 0 20 1500)
produce_jobs "$WORK/jobs.txt"

start_worker w1 -o worker.max_in_flight=48
end=$((SECONDS + 60))
until grep -q "assigned [1-9]" "$WORK/w1.log" && [ "$(count_records)" -gt 10 ]; do
    [ $SECONDS -lt $end ] || fail "no progress"
    sleep 0.2
done
stop_worker w1
[ "$CODE" = 0 ] || fail "exit code $CODE after SIGTERM"
drained=$(sed -n 's/.*stopping: draining \([0-9]*\) job.*/\1/p' "$WORK/w1.log")
echo "SIGTERM with $drained job(s) in flight"
[ "${drained:-0}" -gt 0 ] || fail "no jobs were in flight at SIGTERM; nothing tested"
grep -q "unfinished" "$WORK/w1.log" && fail "jobs left unfinished within the drain timeout"
# Every job the first worker took has its record.
stats=$(grep "stopped:" "$WORK/w1.log")
consumed=$(echo "$stats" | sed -n 's/.*stopped: \([0-9]*\) jobs consumed, \([0-9]*\) articles, \([0-9]*\) errors.*/\1/p')
made=$(echo "$stats" | sed -n 's/.*jobs consumed, \([0-9]*\) articles, \([0-9]*\) errors.*/\1 + \2/p')
back=$(echo "$stats" | sed -n 's/.* \([0-9]*\) handed back un-begun.*/\1/p')
above=$(sed -n 's/.*stopping: [0-9]* job(s) handed back un-begun.*, \([0-9]*\) job(s) done above them.*/\1/p' "$WORK/w1.log")
first=$(count_records)
echo "first worker: consumed $consumed, records made $((made)), handed back ${back:-?} (${above:-0} done above them), records on Kafka $first"
[ -n "$back" ] || fail "no hand-back count in the stats"
[ "$consumed" = "$((made + back))" ] || fail "consumed $consumed jobs but made $((made)) records and handed back $back"
[ "$first" = "$((made))" ] || fail "made $((made)) records but $first are on Kafka"

# A second worker starts from the committed offsets: finishes the rest, repeats nothing.
start_worker w2 -o worker.max_in_flight=48
wait_for_jobs "$N" 150 || fail "jobs lost after SIGTERM"
stop_worker w2
[ "$CODE" = 0 ] || fail "second worker exit code $CODE"
read_topics "$WORK/records.json" news.articles news.errors
a=$(analyze "$WORK/records.json" "$N")
echo "jobs=$N $a"
[ "$(field "$a" missing)" = 0 ] || fail "jobs lost: $a"
[ "$(field "$a" dup)" = "${above:-0}" ] || fail "repeats after a clean shutdown: $a, announced ${above:-0}"

# Two signals: the second exits at once, before the slow jobs could finish.
make_jobs "$WORK/jobs3.txt" 40 0 0 0 20000 >/dev/null
produce_jobs "$WORK/jobs3.txt"
start_worker w3 -o worker.max_in_flight=48
end=$((SECONDS + 60))
until grep -q "assigned [1-9]" "$WORK/w3.log"; do
    [ $SECONDS -lt $end ] || fail "w3 not assigned"
    sleep 0.2
done
sleep 2
kill -TERM "$WPID_w3"
sleep 0.5
t0=$SECONDS
kill -TERM "$WPID_w3"
wait "$WPID_w3"
CODE=$?
echo "second signal: exit code $CODE after $((SECONDS - t0)) s"
[ "$CODE" != 0 ] || fail "a second signal should not report a clean drain"
grep -q "second signal" "$WORK/w3.log" || fail "no 'second signal' in the log"
echo "PASS"
