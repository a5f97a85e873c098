#!/bin/bash
# newsworker run with one slow host among fast ones (issue 14):
#   1. jobs parked on the slow host do not hold the worker.max_in_flight slots: every fast
#      job has its record while most slow jobs are still waiting (with the parked jobs
#      counted as in flight, the fast jobs would go at the slow host's pace);
#   2. SIGTERM then, with a drain (worker.drain_timeout_ms 6 s) too short for the slow
#      host's 30-odd jobs: the drain sees it cannot finish them and hands the parked ones
#      back un-begun (no record, no error, not "unfinished"); the transfers running finish;
#      the worker exits 0 without waiting for the slow host, and says how many it handed
#      back and how many done jobs above them the next owner will repeat;
#   3. a second worker consumes the handed-back jobs: every job has exactly its record
#      (0 lost), and the only repeats are the ones the first worker announced.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

start_mock news.urls:4 news.articles:4 news.errors:2
start_httpd # fast host 127.0.0.1
# More hosts: host state is per scheme and authority, so each address is a host.
extra_httpd() {
    "$BUILD/tests/nw_httpd" --root "$SRC/tests/fixtures/pages" --bind "$1" --port 0 \
        --max-seconds "${HTTPD_SECONDS:-500}" >"$WORK/httpd.$1.out" 2>>"$WORK/httpd.log" &
    PIDS="$PIDS $!"
    printf -v "$2" '%s' "$(first_line "$WORK/httpd.$1.out")"
    [ -n "${!2}" ] || fail "nw_httpd on $1 did not start"
}
extra_httpd 127.0.0.2 FAST2
extra_httpd 127.0.0.3 SLOWP

# 600 jobs: every 15th (40) on the slow host (2 s an answer, fetch.per_host 4: 20 s for
# all of them), the others on the two fast hosts.
N=600
SLOW_MS=2000
"$PY" - "$WORK/jobs.txt" "$N" "$HP" "$FAST2" "$SLOWP" "$SLOW_MS" <<'PYEOF'
import sys
path, n, p1, p2, ps, ms = sys.argv[1], int(sys.argv[2]), *sys.argv[3:7]
pages = ["nwm-diplomatic-reset.html", "newszop-pakistan-foreign-policy.html",
         "weeklyreview-diplomatic-front.html"]
with open(path, "w") as f:
    for i in range(n):
        if i % 15 == 7:
            url = "http://127.0.0.3:%s/sleep?ms=%s&n=%d" % (ps, ms, i)
        elif i % 2:
            url = "http://127.0.0.1:%s/%s?n=%d" % (p1, pages[i % 3], i)
        else:
            url = "http://127.0.0.2:%s/%s?n=%d" % (p2, pages[i % 3], i)
        f.write('{"url": "%s", "meta": {"n": %d}}\n' % (url, i))
PYEOF
produce_jobs_spread "$WORK/jobs.txt" 4

# progress FILE: "FAST SLOW" records of the fast and of the slow jobs in FILE.
progress() {
    "$PY" - "$1" <<'PYEOF'
import json, sys
fast, slow = set(), set()
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    rec = json.loads(json.loads(line)["payload"])
    n = rec["job"]["meta"]["n"]
    (slow if n % 15 == 7 else fast).add(n)
print(len(fast), len(slow))
PYEOF
}
SLOW_N=$(( (N - 7 + 14) / 15 ))
FAST_N=$((N - SLOW_N))

echo "== 1: the fast hosts' jobs are not held up by the slow host's"
start_worker w1 -o worker.max_in_flight=16 -o worker.drain_timeout_ms=6000
end=$((SECONDS + 90))
while :; do
    read_topics "$WORK/w1.json" news.articles news.errors
    read -r fast slow < <(progress "$WORK/w1.json")
    [ "$fast" -ge "$FAST_N" ] && break
    [ $SECONDS -lt $end ] || fail "only $fast of $FAST_N fast jobs done ($slow slow)"
    sleep 0.3
done
echo "all $FAST_N fast jobs done while $slow of $SLOW_N slow jobs were"
# Counted in flight, 16 parked slow jobs would have held every slot: the fast jobs would
# have come at the slow host's pace, done only as the slow ones were.
[ "$slow" -le $((SLOW_N / 2)) ] || fail "fast jobs waited for the slow host: $slow of $SLOW_N slow done"

echo "== 2: SIGTERM hands the parked jobs back"
t0=$SECONDS
stop_worker w1
echo "w1 stopped in $((SECONDS - t0)) s, exit code $CODE"
[ "$CODE" = 0 ] || fail "exit code $CODE after SIGTERM"
# The slow host would need about 20 s for what is left; the drain waits only for the
# transfers running (2 s each).
[ $((SECONDS - t0)) -le 12 ] || fail "the drain waited for the slow host ($((SECONDS - t0)) s)"
grep -q "unfinished" "$WORK/w1.log" && fail "jobs left unfinished"
# The drain saw early (after 2 s of 6) that the slow host's jobs could not all be done.
grep -q "of draining, .* parked on their host handed back un-begun" "$WORK/w1.log" ||
    fail "the drain did not hand the parked jobs back before its end"
line=$(grep "stopping: .* handed back un-begun (the stored" "$WORK/w1.log") ||
    fail "no hand-back at the stop"
back=$(echo "$line" | sed -n 's/.*stopping: \([0-9]*\) job(s) handed back.*/\1/p')
above=$(echo "$line" | sed -n 's/.*, \([0-9]*\) job(s) done above them.*/\1/p')
stats=$(grep "stopped:" "$WORK/w1.log")
consumed=$(echo "$stats" | sed -n 's/.*stopped: \([0-9]*\) jobs consumed.*/\1/p')
made=$(echo "$stats" | sed -n 's/.*jobs consumed, \([0-9]*\) articles, \([0-9]*\) errors.*/\1 + \2/p')
handed=$(echo "$stats" | sed -n 's/.* \([0-9]*\) handed back un-begun.*/\1/p')
first=$(count_records)
echo "w1: consumed $consumed, records made $((made)), handed back $back, done above them $above, records on Kafka $first"
[ "${back:-0}" -gt 0 ] || fail "nothing handed back: the test did not test it"
[ "$handed" = "$back" ] || fail "the stats say $handed handed back, the stop said $back"
[ "$consumed" = "$((made + back))" ] || fail "consumed $consumed = $((made)) records + $back handed back?"
[ "$first" = "$((made))" ] || fail "made $((made)) records but $first are on Kafka"
# No error record for a handed-back job.
read_topics "$WORK/w1err.json" news.errors
[ ! -s "$WORK/w1err.json" ] || fail "error records: $(head -c 300 "$WORK/w1err.json")"

echo "== 3: the next worker does the handed-back jobs"
start_worker w2 -o worker.max_in_flight=16
wait_for_jobs "$N" 120 || fail "jobs lost after the hand-back"
stop_worker w2
[ "$CODE" = 0 ] || fail "second worker exit code $CODE"
read_topics "$WORK/records.json" news.articles news.errors
a=$(analyze "$WORK/records.json" "$N")
echo "jobs=$N $a"
[ "$(field "$a" missing)" = 0 ] || fail "jobs lost: $a"
[ "$(field "$a" bad)" = 0 ] || fail "bad records: $a"
[ "$(field "$a" extra)" = 0 ] || fail "records of no job: $a"
[ "$(field "$a" dup)" = "$above" ] || fail "repeats: $a, announced $above"
# Every job has its own record: the article of its own URL (meta.n in the URL too).
"$PY" - "$WORK/records.json" <<'PYEOF' || fail "a record does not match its job"
import json, sys
for line in open(sys.argv[1]):
    env = json.loads(line)
    rec = json.loads(env["payload"])
    n = rec["job"]["meta"]["n"]
    assert rec["schema"] == "newsworker.article/1", rec.get("code")
    assert rec["url"].endswith("n=%d" % n), (n, rec["url"])
PYEOF
echo "PASS"
