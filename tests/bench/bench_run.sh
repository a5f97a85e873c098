#!/bin/bash
# bench_run.sh BUILD_DIR SOURCE_DIR PAGES_DIR [JOBS] — `newsworker run` end to end on real
# pages, side by side with `newsworker extract` over the same pages on one core.
#
# PAGES_DIR holds the pages (.html or .html.gz, e.g. ../shared/eval/extraction-dev/html);
# they are unpacked to a work folder and served by the loopback server (nw_httpd). JOBS
# url jobs (default 4000) go keyed (key = the job's number) to 8 partitions of the mock
# cluster (nw_mock_cluster, its own process); each configuration gets fresh topics and
# group. A configuration's pages/s counts from its first record to its last (the group
# join is left out), read with python3-kafka's end offsets every 20 ms; its CPU per page
# counts every thread of the worker (librdkafka's too) from its start to its stop.
#
# Configurations: BENCH_RUN_CONFIGS (';'-separated lists of -o options, a label before ':')
# or the default set below. BENCH_RUN_OPTS is added to every one. NW_BIN runs another
# build's worker (with NW_RUN_NO_STATE_DIR=1 for one from before worker.state_dir), e.g.
# the previous commit's, for a before/after in one run. Then the producer alone
# (bench_produce). Prints figures, asserts nothing. Not a ctest.
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
PAGES=$(cd "$3" && pwd)
JOBS=${4:-4000}
MOCK_SECONDS=3600
HTTPD_SECONDS=3600
. "$SRC/tests/integration/run_lib.sh" "$BUILD" "$SRC"

mkdir -p "$WORK/pages"
n_pages=0
for f in "$PAGES"/*; do
    b=$(basename "$f")
    case "$b" in
    *.html.gz) gzip -dc "$f" >"$WORK/pages/${b%.gz}" ;;
    *.html | *.htm) cp "$f" "$WORK/pages/$b" ;;
    *) continue ;;
    esac
    n_pages=$((n_pages + 1))
done
[ "$n_pages" -gt 0 ] || { echo "no .html or .html.gz pages in $PAGES"; exit 1; }
ls "$WORK/pages" >"$WORK/names.txt"
echo "bench_run: $JOBS jobs over $n_pages real pages from $PAGES, 8 partitions, $(nproc) CPUs"

# `newsworker extract` on one core over the same pages, repeated to about JOBS pages.
reps=$(((JOBS + n_pages - 1) / n_pages))
files=()
for _ in $(seq "$reps"); do
    while read -r b; do files+=("$WORK/pages/$b"); done <"$WORK/names.txt"
done
# extract_rate — "PAGES_PER_S CPU_MS_PER_PAGE" of `newsworker extract` on core 0.
extract_rate() {
    "$PY" - "$BUILD/bin/newsworker" "${files[@]}" <<'PYEOF'
import os, resource, subprocess, sys, time
t0 = time.time()
subprocess.run(["taskset", "-c", "0", sys.argv[1], "extract"] + sys.argv[2:],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.time() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
n = len(sys.argv) - 2
print("%.0f %.2f" % (n / wall, (ru.ru_utime + ru.ru_stime) * 1000 / n))
PYEOF
}
read -r ex1 excpu <<<"$(extract_rate)"
echo "extract, one core (taskset -c 0): ${#files[@]} pages, $ex1 pages/s, $excpu ms CPU/page"

start_httpd "$WORK/pages"
"$PY" - "$WORK/jobs.txt" "$JOBS" "$HP" "$WORK/names.txt" <<'PYEOF'
import json, sys
path, n, port, names = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
pages = [l.strip() for l in open(names) if l.strip()]
with open(path, "w") as f:
    for i in range(n):
        job = {"url": "http://127.0.0.1:%s/%s?n=%d" % (port, pages[i % len(pages)], i),
               "meta": {"n": i}}
        f.write("k%d\t%s\n" % (i, json.dumps(job)))
PYEOF

# watch TOPICS... — waits for JOBS records, prints "pages/s seconds" from first to last.
watch_rate() {
    "$PY" - "$BS" "$JOBS" "$@" <<'PYEOF' 2>/dev/null || echo "? ?"
import sys, time
from kafka import KafkaConsumer, TopicPartition
bs, n, topics = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
c = KafkaConsumer(bootstrap_servers=bs.split(","), api_version=(2, 5, 0))
parts = []
for t in topics:
    for _ in range(100):
        ps = c.partitions_for_topic(t)
        if ps:
            break
        time.sleep(0.05)
    parts += [TopicPartition(t, p) for p in ps]
first = t0 = None
deadline = time.time() + 1800
while time.time() < deadline:
    total = sum(c.end_offsets(parts).values())
    now = time.time()
    if total > 0 and t0 is None:
        t0, first = now, total
    if total >= n:
        break
    time.sleep(0.02)
print("%.0f %.2f" % ((total - first) / (now - t0), now - t0))
PYEOF
}

CONFIGS=${BENCH_RUN_CONFIGS:-"defaults:;threads=1:-o worker.threads=1;threads=2:-o worker.threads=2;mif64 threads=1:-o worker.max_in_flight=64 -o worker.threads=1;wait500 threads=1:-o worker.threads=1 -o kafka.consumer.fetch.wait.max.ms=500"}
start_mock --brokers 1
i=0
IFS=';' read -r -a cfgs <<<"$CONFIGS"
for cfg in "${cfgs[@]}"; do
    i=$((i + 1))
    label=${cfg%%:*}
    opts=${cfg#*:}
    IN=bench.urls.$i OUT=bench.articles.$i ERR=bench.errors.$i
    mock_cmd create-topic "$IN" 8
    mock_cmd create-topic "$OUT" 8
    mock_cmd create-topic "$ERR" 2
    sleep 0.5
    kcat -b "$BS" -P -t "$IN" -K '\t' -l "$WORK/jobs.txt" || fail "kcat produce"
    # shellcheck disable=SC2086
    start_worker "w$i" -o input.topic=$IN -o output.topic=$OUT -o errors.topic=$ERR \
        -o kafka.group.id=bench$i -o log.level=info $opts ${BENCH_RUN_OPTS:-}
    eval "pid=\$WPID_w$i"
    read -r rate secs <<<"$(watch_rate "$OUT" "$ERR")"
    cpu=$(awk -v n="$JOBS" '{ printf "%.2f", ($14 + $15) * 10 / n }' "/proc/$pid/stat")
    hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status")
    stop_worker "w$i"
    errs=$(end_offsets "$ERR")
    awk -v l="$label" -v r="$rate" -v s="$secs" -v x="$ex1" -v c="$cpu" -v h="$hwm" -v e="$errs" 'BEGIN {
        printf "run %-16s %5s pages/s (%.2fx extract) in %s s, %s ms CPU/page, VmHWM %s, %s error records\n",
            l, r, r / x, s, c, h, e }'
done
read -r ex2 excpu2 <<<"$(extract_rate)"
echo "extract, one core (again): $ex2 pages/s, $excpu2 ms CPU/page"

# Producer alone: a real article record, sent many times.
kcat -b "$BS" -C -t bench.articles.1 -c 1 -e -q >"$WORK/record.json"
mock_cmd create-topic bench.produce 8
sleep 0.5
"$BUILD/bench/bench_produce" "$BS" bench.produce 100000 "$WORK/record.json"
