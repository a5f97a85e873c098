#!/bin/bash
# newsworker_duplicate_jobs_total counts the repeats the worker announces (issue 18): every
# broker goes away for longer than the consumer's session timeout while records are being
# produced, so the partitions are lost with records sent but not confirmed; the worker
# announces them as possibly repeated, the brokers come back and the jobs are done again.
# The counter, scraped once everything is settled, equals the sum of what the log
# announced (records "sent but not confirmed", finished jobs "not committed", offsets that
# "came again"), and that sum is not 0.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

metric() { # metric NAME — its value on the worker's endpoint now
    curl -s -m 5 "http://127.0.0.1:$MP/metrics" | awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }'
}
# announced — the repeats the worker's log announced so far
announced() {
    awk '/record\(s\) sent but not confirmed or not storable/ {
             for (i = 1; i < NF; i++) if ($(i + 1) == "record(s)" && $(i + 2) == "sent") n += $i }
         / finished job\(s\) not committed/ {
             for (i = 1; i < NF; i++) if ($(i + 1) == "finished" && $(i + 2) == "job(s)") n += $i }
         /came again \(a rewind\?\)/ { n++ }
         END { print n + 0 }' "$WORK/w1.log"
}

start_mock --brokers 1 news.urls:4 news.articles:4 news.errors:2
start_httpd
N=$(make_jobs "$WORK/jobs.txt" 80 0 0 0 400)
MP=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start_worker w1 -o "metrics.listen=127.0.0.1:$MP" -o worker.max_in_flight=64 \
    -o fetch.per_host=64 -o fetch.concurrency=64
for _ in $(seq 150); do
    [ "$(held w1)" -gt 0 ] && break
    sleep 0.2
done
[ "$(held w1)" -gt 0 ] || fail "the worker joined no group"
produce_jobs "$WORK/jobs.txt"
# records start coming out; then the broker goes away past the session timeout (6 s)
for _ in $(seq 100); do
    [ "$(metric newsworker_jobs_consumed_total)" -gt 0 ] && break
    sleep 0.1
done
sleep 0.3
mock_cmd broker-down 1
for _ in $(seq 200); do
    grep -q "lost [0-9]* partition" "$WORK/w1.log" && break
    sleep 0.1
done
grep -q "lost [0-9]* partition" "$WORK/w1.log" || fail "the partitions were not lost with the broker down"
mock_cmd broker-up 1
wait_for_jobs "$N" 120 || fail "jobs lost"
# settled: the counter and the log stay put for two seconds in a row
prev=""
for _ in $(seq 60); do
    now="$(metric newsworker_duplicate_jobs_total) $(announced)"
    [ "$now" = "$prev" ] && break
    prev=$now
    sleep 2
done
read -r counter said <<<"$now"
echo "announced in the log: $said; newsworker_duplicate_jobs_total: $counter"
echo "log: $(grep -E 'sent but not confirmed|not committed' "$WORK/w1.log" | sed 's/.*consume: //; s/.*run: //' | head -3)"
[ "$said" -gt 0 ] || fail "no repeat was announced (the fault did not bite)"
[ "$counter" = "$said" ] || fail "newsworker_duplicate_jobs_total $counter != $said announced"
a=$(analyze "$WORK/records.json" "$N")
echo "records: $a"
stop_worker w1
grep "stopped:" "$WORK/w1.log" | sed 's/.*stopped: /stopped: /'
echo "PASS"
