#!/bin/bash
# bench_run.sh BUILD_DIR SOURCE_DIR [JOBS] — `newsworker run` end to end: jobs/s with
# pages from the loopback server (nw_httpd) and the mock cluster (nw_mock_cluster), at
# worker.max_in_flight 64 and 512, with peak resident memory (VmHWM); then producer
# records/s alone (bench_produce). Prints figures; asserts nothing. Not a ctest.
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
JOBS=${3:-3000}
. "$SRC/tests/integration/run_lib.sh" "$BUILD" "$SRC"

start_httpd
"$PY" - "$WORK/jobs.txt" "$JOBS" "$HP" <<'PYEOF'
import json, sys
path, n, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
pages = ["nwm-diplomatic-reset.html", "newszop-pakistan-foreign-policy.html",
         "weeklyreview-diplomatic-front.html"]
with open(path, "w") as f:
    for i in range(n):
        f.write(json.dumps({"url": "http://127.0.0.1:%s/%s?n=%d" % (port, pages[i % 3], i),
                            "meta": {"n": i}}) + "\n")
PYEOF
echo "bench_run: $JOBS jobs (3 fixture pages from nw_httpd, distinct URLs), $(nproc) CPUs"

for mif in 64 512; do
    IN=bench.urls.$mif
    OUT=bench.articles.$mif
    if [ -z "${BS:-}" ]; then
        start_mock --brokers 1 "$IN:8" "$OUT:8" "bench.errors.$mif:2"
    else
        mock_cmd create-topic "$IN" 8
        mock_cmd create-topic "$OUT" 8
        mock_cmd create-topic "bench.errors.$mif" 2
        sleep 0.5
    fi
    kcat -b "$BS" -P -t "$IN" -l "$WORK/jobs.txt"
    start_worker "w$mif" -o worker.max_in_flight=$mif -o input.topic=$IN -o output.topic=$OUT \
        -o errors.topic=bench.errors.$mif -o kafka.group.id=bench$mif -o log.level=info \
        -o fetch.concurrency=$mif -o fetch.per_host=$mif ${BENCH_RUN_OPTS:-}
    eval "pid=\$WPID_w$mif"
    # The clock starts once the worker holds its partitions (the group join takes ~3 s).
    until grep -q "assigned" "$WORK/w$mif.log" 2>/dev/null; do sleep 0.05; done
    t0=$(date +%s.%N)
    while :; do
        done_n=$(end_offsets "$OUT" "bench.errors.$mif")
        [ "$done_n" != "?" ] && [ "$done_n" -ge "$JOBS" ] && break
        kill -0 "$pid" 2>/dev/null || { echo "worker died"; break; }
        sleep 0.2
    done
    t1=$(date +%s.%N)
    hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status")
    stop_worker "w$mif"
    awk -v n="$JOBS" -v a="$t0" -v b="$t1" -v m="$mif" -v h="$hwm" 'BEGIN {
        printf "max_in_flight %4d: %d jobs in %.2f s = %.0f jobs/s end to end, VmHWM %s\n",
            m, n, b - a, n / (b - a), h }'
done

# Producer alone: a real article record, sent many times.
kcat -b "$BS" -C -t bench.articles.64 -c 1 -e -q >"$WORK/record.json"
mock_cmd create-topic bench.produce 8
sleep 0.5
"$BUILD/bench/bench_produce" "$BS" bench.produce 100000 "$WORK/record.json"
