#!/bin/bash
# newsworker run, scenario 4: two workers in one consumer group share the partitions and
# together finish every job; stopping one (SIGTERM) hands its partitions to the other
# without loss.
#
# How the jobs reach the partitions matters. The test used to produce them with plain
# `kcat -P`: keyless messages go through librdkafka's sticky partitioner, which keeps one
# partition for sticky.partitioning.linger.ms (10 ms), so the whole batch of 360 jobs often
# landed in ONE partition (seen in the mock's log: "news.urls [6] 360 messages"). Whichever
# worker held it did all the work; when that was b, a consumed nothing and the test failed
# on "did not share the work" although nothing was wrong. Now job i goes to partition
# i % 8 explicitly, and only once the group has settled (both workers hold partitions, all
# 8 between them), so both workers have jobs on their partitions from the start.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

start_mock news.urls:8 news.articles:4 news.errors:2
start_httpd
N=$(make_jobs "$WORK/jobs.txt" 300 20 20 20 200)

start_worker a -o worker.max_in_flight=16
start_worker b -o worker.max_in_flight=16
# Both members hold partitions, and all 8 are held, once the group settles.
end=$((SECONDS + 90))
until [ "$(held a)" -gt 0 ] && [ "$(held b)" -gt 0 ] && [ $(($(held a) + $(held b))) = 8 ]; do
    [ $SECONDS -lt $end ] || fail "the two workers did not settle on 8 partitions (a $(held a), b $(held b))"
    sleep 0.2
done
echo "group settled: a holds $(held a), b holds $(held b) partitions"
produce_jobs_spread "$WORK/jobs.txt" 8
# Let both work for a while, then stop a with jobs in flight.
end=$((SECONDS + 60))
while [ "$(count_records)" -lt $((N / 3)) ]; do
    [ $SECONDS -lt $end ] || fail "no progress with two workers"
    sleep 0.2
done
stop_worker a
[ "$CODE" = 0 ] || fail "worker a exit code $CODE"
echo "worker a stopped at $(count_records) of $N records"
grep -q "assigned" "$WORK/b.log" || fail "b was never assigned"

wait_for_jobs "$N" 150 || fail "not every job got a record after a left"
stop_worker b
[ "$CODE" = 0 ] || fail "worker b exit code $CODE"

read_topics "$WORK/records.json" news.articles news.errors
a=$(analyze "$WORK/records.json" "$N")
echo "jobs=$N $a"
[ "$(field "$a" missing)" = 0 ] || fail "jobs lost: $a"
[ "$(field "$a" bad)" = 0 ] || fail "bad records: $a"
ca=$(sed -n 's/.*stopped: \([0-9]*\) jobs consumed.*/\1/p' "$WORK/a.log")
cb=$(sed -n 's/.*stopped: \([0-9]*\) jobs consumed.*/\1/p' "$WORK/b.log")
echo "worker a consumed $ca, worker b consumed $cb, repeated $(field "$a" dup)"
[ "${ca:-0}" -gt 0 ] && [ "${cb:-0}" -gt 0 ] || fail "the workers did not share the work"
[ $((ca + cb)) -ge "$N" ] || fail "consumed $((ca + cb)) < $N"
echo "PASS"
