#!/bin/bash
# newsworker run, scenario 3: broker faults injected through the mock cluster's API.
# Part A: request errors on Produce, Fetch and OffsetCommit and a broker down for a while
# during the run: every job still ends with a record.
# Part B: a broker down for longer than the delivery timeout: records that cannot be
# delivered hold their partition's offset back (logged, nothing dropped); a restarted
# worker redoes those jobs, so every job still ends with a record.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

start_mock --brokers 3 news.urls:6 news.articles:6 news.errors:3
start_httpd
N=$(make_jobs "$WORK/jobs.txt" 200 20 20 20 100)
produce_jobs "$WORK/jobs.txt"

start_worker w1 -o worker.max_in_flight=32
sleep 4
mock_cmd push-errors Produce 12 NOT_LEADER_FOR_PARTITION,REQUEST_TIMED_OUT,NOT_ENOUGH_REPLICAS
mock_cmd push-errors Fetch 6 NOT_LEADER_FOR_PARTITION,UNKNOWN_TOPIC_OR_PART
mock_cmd push-errors OffsetCommit 4 COORDINATOR_LOAD_IN_PROGRESS,REQUEST_TIMED_OUT
sleep 1
mock_cmd broker-down 2
sleep 4
mock_cmd broker-up 2
wait_for_jobs "$N" 150 ||
    fail "part A: not every job got a record (broker holds $(end_offsets news.articles news.errors) records)"
stop_worker w1
[ "$CODE" = 0 ] || fail "part A: exit code $CODE after SIGTERM"
read_topics "$WORK/records.json" news.articles news.errors
a=$(analyze "$WORK/records.json" "$N")
echo "part A: jobs=$N $a"
[ "$(field "$a" missing)" = 0 ] || fail "part A: jobs lost: $a"
[ "$(field "$a" bad)" = 0 ] || fail "part A: bad records: $a"
grep -q "ok broker-down" "$WORK/mock.log" || fail "fault injection did not happen"

# Part B: new jobs; every broker goes down while their records are being produced.
make_jobs "$WORK/jobs2.txt" 60 0 0 0 1500 >/dev/null
"$PY" - "$WORK/jobs2.txt" "$N" <<'PYEOF'
import json, sys
path, base = sys.argv[1], int(sys.argv[2])
lines = [json.loads(l) for l in open(path)]
with open(path, "w") as f:
    for i, j in enumerate(lines):
        j["meta"]["n"] = base + i
        j["url"] = j["url"].replace("n=%d" % i, "n=%d" % (base + i))
        f.write(json.dumps(j) + "\n")
PYEOF
N2=$((N + 60))
start_worker w2 -o worker.max_in_flight=64 -o worker.delivery_timeout_ms=1500
sleep 6 # joined, and the slow pages are in flight
produce_jobs "$WORK/jobs2.txt"
sleep 1
mock_cmd broker-down 1
mock_cmd broker-down 2
mock_cmd broker-down 3
sleep 5
mock_cmd broker-up 1
mock_cmd broker-up 2
mock_cmd broker-up 3
sleep 3
stop_worker w2
echo "part B: first worker exit code $CODE"
grep -q "could not be delivered" "$WORK/w2.log" ||
    fail "part B: no undeliverable record was reported (the fault did not bite)"
echo "part B: undeliverable records logged: $(grep -c 'could not be delivered' "$WORK/w2.log")"
start_worker w3
wait_for_jobs "$N2" 120 || fail "part B: jobs lost after undeliverable records"
stop_worker w3
[ "$CODE" = 0 ] || fail "part B: exit code $CODE"
read_topics "$WORK/records.json" news.articles news.errors
a=$(analyze "$WORK/records.json" "$N2")
echo "part B: jobs=$N2 $a"
[ "$(field "$a" missing)" = 0 ] || fail "part B: jobs lost: $a"
echo "PASS"
