#!/bin/bash
# newsworker run with output.dir: exactly once into files across rebalances. Workers a
# and b share one jsonl.zst lake; a runs throughout, b joins and leaves (SIGTERM) several
# times while jobs are in flight, so partitions move back and forth with open files and
# segments (and the mock coordinator refuses some commits during the rebalances: the next
# owner then replays from an older offset). Afterwards DuckDB finds every job's record in
# exactly one visible file, and no temp file is left.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"
export NODE_PATH=/opt/newsworker-npm/node_modules

ROUNDS=${NW_LAKE_REBALANCE_ROUNDS:-6}
start_mock news.urls:8 news.articles:4 news.errors:2
start_httpd
N=$(make_jobs "$WORK/jobs.txt" 560 40 0 0 100)
lake=$WORK/lake
mkdir -p "$lake"
opts=(-o output.dir="$lake" -o output.max_records=10 -o output.max_age_ms=500
    -o worker.max_in_flight=32)
start_worker a "${opts[@]}"
end=$((SECONDS + 60))
until [ "$(held a)" = 8 ]; do
    [ $SECONDS -lt $end ] || fail "a never held the 8 partitions"
    sleep 0.2
done
produce_jobs_spread "$WORK/jobs.txt" 8

for r in $(seq "$ROUNDS"); do
    start_worker "b$r" "${opts[@]}"
    eval "pid=\$WPID_b$r"
    end=$((SECONDS + 60))
    until [ "$(held "b$r")" -gt 0 ]; do
        [ $SECONDS -lt $end ] || fail "round $r: b never got partitions"
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sleep 1
    stop_worker "b$r"
    [ "$CODE" = 0 ] || fail "round $r: b exit code $CODE"
    echo "round $r: b stopped"
done
jobs_now() { node "$SRC/tests/integration/lake_duckdb.js" "$lake" --jobs 2>/dev/null || echo '{"count":0,"distinct_ids":0,"max_per_id":0}'; }
jfield() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
end=$((SECONDS + 200))
while :; do
    r=$(jobs_now)
    [ "$(jfield "$r" distinct_ids)" = "$N" ] && break
    [ $SECONDS -lt $end ] || fail "not every job reached a file: $r"
    sleep 1
done
stop_worker a
[ "$CODE" = 0 ] || fail "a exit code $CODE"
r=$(jobs_now)
echo "jobs=$N $r"
[ "$(jfield "$r" count)" = "$N" ] || fail "$(jfield "$r" count) records for $N jobs"
[ "$(jfield "$r" max_per_id)" = 1 ] || fail "a job in two files"
[ -z "$(find "$lake" -name '.*')" ] || fail "temp files left after clean stops"
removed=$(cat "$WORK"/a.log "$WORK"/b*.log | sed -n 's/.*removed \([0-9]*\) file(s) from an attempt.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
echo "files of uncommitted attempts removed by the next owner: $removed"
echo "PASS"
