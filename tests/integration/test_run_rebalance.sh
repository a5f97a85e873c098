#!/bin/bash
# newsworker run, scenario 6: group changes under load. Worker a runs throughout; worker b
# joins and leaves (SIGTERM) 20 times while jobs are in flight, every other time before it
# even holds partitions (its SIGTERM then lands in the middle of the group's rebalance).
# No worker may abort (librdkafka before 2.3.0 can abort in the sticky assignor there:
# the default strategy must not use it), every stop exits 0, every job gets a record, and
# the duplicates are reported: what the workers counted at their revokes, and what the
# output holds. Bound asserted: at most the jobs in flight at each revoke (max_in_flight
# per revoke) plus the finished jobs whose commit the coordinator refused. Also: no commit
# warning at a group change other than that counted one.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

ROUNDS=${NW_REBALANCE_ROUNDS:-20}
start_mock news.urls:8 news.articles:4 news.errors:2
start_httpd
# Pages that take 100 ms each keep jobs in flight at every revoke.
N=$(make_jobs "$WORK/jobs.txt" 1600 0 0 0 100)
start_worker a -o worker.max_in_flight=32
end=$((SECONDS + 60))
until [ "$(held a)" = 8 ]; do
    [ $SECONDS -lt $end ] || fail "a never held the 8 partitions"
    sleep 0.2
done
produce_jobs_spread "$WORK/jobs.txt" 8

for r in $(seq "$ROUNDS"); do
    start_worker "b$r" -o worker.max_in_flight=32
    eval "pid=\$WPID_b$r"
    if [ $((r % 2)) = 0 ]; then
        end=$((SECONDS + 60))
        until [ "$(held "b$r")" -gt 0 ]; do
            [ $SECONDS -lt $end ] || fail "round $r: b never got partitions"
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        sleep 0.5
    else
        # Joining: the group is rebalancing now.
        until grep -q "consuming news.urls" "$WORK/b$r.log" 2>/dev/null; do sleep 0.05; done
        sleep 1
    fi
    stop_worker "b$r"
    [ "$CODE" != 134 ] || fail "round $r: b aborted (exit 134): $(grep -h 'assert' "$WORK/b$r.log" | head -1)"
    [ "$CODE" = 0 ] || fail "round $r: b exit code $CODE"
    grep -q "Assertion\|assert:" "$WORK/b$r.log" && fail "round $r: an assertion in b's log"
    echo "round $r: b held $(held "b$r") at the end, exit $CODE, $(count_records) records so far"
done
wait_for_jobs "$N" 300 || fail "not every job got a record"
stop_worker a
[ "$CODE" = 0 ] || fail "a exit code $CODE"

read_topics "$WORK/records.json" news.articles news.errors
res=$(analyze "$WORK/records.json" "$N")
# What a handover may repeat, as the workers report it: records sent but not confirmed
# when their partition went, and finished jobs whose commit the coordinator refused at
# the revoke (librdkafka's mock refuses commits once a rebalance began; Kafka accepts
# them until the group re-forms).
unconfirmed=$(cat "$WORK"/a.log "$WORK"/b*.log | sed -n 's/.* \([0-9]*\) record(s) sent but not confirmed or not storable.*/\1/p' |
    awk '{ s += $1 } END { print s + 0 }')
uncommitted=$(cat "$WORK"/a.log "$WORK"/b*.log | sed -n 's/.*[:,] \([0-9]*\) finished job(s) not committed.*/\1/p' |
    awk '{ s += $1 } END { print s + 0 }')
maybe=$((unconfirmed + uncommitted))
left=$(cat "$WORK"/a.log "$WORK"/b*.log | sed -n 's/.* \([0-9]*\) job(s) left to the next owner.*/\1/p' |
    awk '{ s += $1 } END { print s + 0 }')
echo "jobs=$N $res; at revokes: $left job(s) left unsent to the next owner, $unconfirmed sent but unconfirmed, $uncommitted finished but not committed"
[ "$(field "$res" missing)" = 0 ] || fail "jobs lost: $res"
[ "$(field "$res" bad)" = 0 ] || fail "bad records: $res"
revokes=$(cat "$WORK"/a.log "$WORK"/b*.log | grep -c " run: revoking [0-9]* partition")
echo "duplicates: $(field "$res" dup) in the output; the workers reported $maybe at $revokes revokes"
[ "$(field "$res" dup)" -le $((revokes * 32 + uncommitted)) ] ||
    fail "more duplicates than the jobs in flight at $revokes revokes plus $uncommitted uncommitted: $res"
# Every commit refusal is one the worker counted: a log with a commit warning (ours or
# librdkafka's, e.g. its own commit of the stored offsets when a close leaves the group in
# the middle of a rebalance) also has the counted one, with a number above 0.
for log in "$WORK"/a.log "$WORK"/b*.log; do
    other=$(grep " warn " "$log" | grep -i "commit" | grep -v "finished job(s) not committed" | head -1)
    [ -n "$other" ] || continue
    grep -q "[:,] [1-9][0-9]* finished job(s) not committed" "$log" ||
        fail "a commit warning that no count covers in $(basename "$log"): $other"
done
echo "PASS"
