#!/bin/bash
# bench_lake.sh BUILD_DIR SOURCE_DIR PAGES_DIR [PAGES] [ROUNDS] — what the lake sink costs.
#
# 1. `newsworker extract` on one core (taskset -c 0) over the pages of PAGES_DIR (.html or
#    .html.gz, e.g. ../shared/eval/extraction-dev/html) repeated to about PAGES (default
#    1500) inputs, in three configurations taken in turn, ROUNDS (default 5) times each:
#    JSONL to /dev/null, output.dir with jsonl.zst, with avro (snappy, the default codec) and
#    with avro and output.avro_codec=deflate. Prints the median
#    wall time and CPU time of each and the ratio to /dev/null (the sink's share of the
#    pipeline time), and the lake's size.
# 2. `newsworker run` on the mock cluster over PAGES url jobs (8 partitions, pages served by
#    nw_httpd), records into Kafka topics vs into an output.dir lake (jsonl.zst, avro):
#    time from the first to the last durable record (Kafka: the topics' end offsets; lake:
#    the group's committed offsets, which follow the closed files), CPU per page, VmHWM.
# 3. With BENCH_LAKE_CALLGRIND=1: the instructions each extract configuration executes over
#    the distinct pages once, counted by valgrind's callgrind (exact and repeatable, unlike
#    times on a loaded machine).
# Prints figures, asserts nothing. Not a ctest.
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
PAGES=$(cd "$3" && pwd)
N=${4:-1500}
ROUNDS=${5:-5}
MOCK_SECONDS=3600
HTTPD_SECONDS=3600
. "$SRC/tests/integration/run_lib.sh" "$BUILD" "$SRC"
NW=$BUILD/bin/newsworker

mkdir -p "$WORK/pages"
for f in "$PAGES"/*; do
    b=$(basename "$f")
    case "$b" in
    *.html.gz) gzip -dc "$f" >"$WORK/pages/${b%.gz}" ;;
    *.html | *.htm) cp "$f" "$WORK/pages/$b" ;;
    esac
done
ls "$WORK/pages" >"$WORK/names.txt"
n_pages=$(wc -l <"$WORK/names.txt")
[ "$n_pages" -gt 0 ] || { echo "no pages in $PAGES"; exit 1; }
files=()
while [ "${#files[@]}" -lt "$N" ]; do
    while read -r b; do files+=("$WORK/pages/$b"); done <"$WORK/names.txt"
done
echo "bench_lake: extract over ${#files[@]} inputs ($n_pages distinct pages), $ROUNDS rounds, $(nproc) CPUs"

# one LABEL ARGS... — "WALL_S CPU_S" of one extract run on core 0.
one() {
    "$PY" - "$@" <<'PYEOF'
import resource, subprocess, sys, time
t0 = time.time()
subprocess.run(["taskset", "-c", "0"] + sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f" % (time.time() - t0, ru.ru_utime + ru.ru_stime))
PYEOF
}
CONFIGS="devnull jsonl.zst avro avro-deflate"
# sink_args CFG DIR — the extract options of one configuration (none for /dev/null).
sink_args() {
    case "$1" in
    devnull) ;;
    avro-deflate) echo "-o output.dir=$2 -o output.format=avro -o output.avro_codec=deflate" ;;
    *) echo "-o output.dir=$2 -o output.format=$1" ;;
    esac
}
: >"$WORK/extract.txt"
for r in $(seq "$ROUNDS"); do
    for cfg in $CONFIGS; do
        rm -rf "$WORK/lake-$cfg"
        mkdir -p "$WORK/lake-$cfg"
        # shellcheck disable=SC2046 # the options split into words
        res=$(one "$NW" extract -o log.level=error $(sink_args "$cfg" "$WORK/lake-$cfg") "${files[@]}")
        echo "$cfg $res" >>"$WORK/extract.txt"
    done
done
"$PY" - "$WORK/extract.txt" "${#files[@]}" <<'PYEOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
n = int(sys.argv[2])
med = {}
for cfg in ("devnull", "jsonl.zst", "avro", "avro-deflate"):
    w = [float(r[1]) for r in rows if r[0] == cfg]
    c = [float(r[2]) for r in rows if r[0] == cfg]
    med[cfg] = (statistics.median(w), statistics.median(c))
for cfg, (w, c) in med.items():
    print("extract -> %-12s median %.2f s wall (%.0f pages/s), %.2f s CPU; %.3fx /dev/null wall, %.3fx CPU"
          % (cfg, w, n / w, c, w / med["devnull"][0], c / med["devnull"][1]))
PYEOF
for cfg in jsonl.zst avro avro-deflate; do
    echo "lake $cfg: $(find "$WORK/lake-$cfg" -type f | wc -l) files, $(du -sh "$WORK/lake-$cfg" | cut -f1)"
done

# ---- run: Kafka topics vs lake files -----------------------------------------------------
start_httpd "$WORK/pages"
"$PY" - "$WORK/jobs.txt" "$N" "$HP" "$WORK/names.txt" <<'PYEOF'
import json, sys
path, n, port, names = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
pages = [l.strip() for l in open(names) if l.strip()]
with open(path, "w") as f:
    for i in range(n):
        job = {"url": "http://127.0.0.1:%s/%s?n=%d" % (port, pages[i % len(pages)], i), "meta": {"n": i}}
        f.write("k%d\t%s\n" % (i, json.dumps(job)))
PYEOF
start_mock --brokers 1

# durable_rate MODE TOPICS|GROUP — "pages/s seconds" from the first durable record to the last.
durable_rate() {
    "$PY" - "$BS" "$N" "$@" <<'PYEOF' 2>/dev/null || echo "? ?"
import sys, time
from kafka import KafkaConsumer, TopicPartition
bs, n, mode, what = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
if mode == "topics":
    c = KafkaConsumer(bootstrap_servers=bs.split(","), api_version=(2, 5, 0))
    parts = []
    for t in what:
        for _ in range(100):
            ps = c.partitions_for_topic(t)
            if ps:
                break
            time.sleep(0.05)
        parts += [TopicPartition(t, p) for p in ps]
    count = lambda: sum(c.end_offsets(parts).values())
else:
    group, topic = what
    c = KafkaConsumer(bootstrap_servers=bs.split(","), group_id=group, enable_auto_commit=False,
                      api_version=(2, 5, 0))
    parts = [TopicPartition(topic, p) for p in range(8)]
    def count():
        return sum((c.committed(tp) or 0) for tp in parts)
t0 = first = None
deadline = time.time() + 1800
while time.time() < deadline:
    total = count()
    now = time.time()
    if total > 0 and t0 is None:
        t0, first = now, total
    if total >= n:
        break
    time.sleep(0.05)
print("%.0f %.2f" % ((total - first) / max(now - t0, 1e-3), now - t0))
PYEOF
}
i=0
for cfg in kafka jsonl.zst avro; do
    i=$((i + 1))
    IN=bench.urls.$i OUT=bench.articles.$i ERR=bench.errors.$i
    mock_cmd create-topic "$IN" 8
    mock_cmd create-topic "$OUT" 8
    mock_cmd create-topic "$ERR" 2
    sleep 0.5
    kcat -b "$BS" -P -t "$IN" -K '\t' -l "$WORK/jobs.txt" || fail "kcat produce"
    lake=()
    if [ "$cfg" != kafka ]; then
        mkdir -p "$WORK/run-$cfg"
        lake=(-o output.dir="$WORK/run-$cfg" -o output.format="$cfg" -o output.max_age_ms=1000)
    fi
    start_worker "w$i" -o input.topic=$IN -o output.topic=$OUT -o errors.topic=$ERR \
        -o kafka.group.id=bench$i -o log.level=info -o worker.threads=1 "${lake[@]}"
    eval "pid=\$WPID_w$i"
    if [ "$cfg" = kafka ]; then
        read -r rate secs <<<"$(durable_rate topics "$OUT" "$ERR")"
    else
        read -r rate secs <<<"$(durable_rate group "bench$i" "$IN")"
    fi
    cpu=$(awk -v n="$N" '{ printf "%.2f", ($14 + $15) * 10 / n }' "/proc/$pid/stat")
    hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status")
    stop_worker "w$i"
    echo "run -> $cfg: $rate pages/s durable (first to last, ${secs} s), $cpu ms CPU/page, VmHWM $hwm"
done

# ---- instructions, counted ----------------------------------------------------------------
if [ "${BENCH_LAKE_CALLGRIND:-0}" = 1 ]; then
    distinct=()
    while read -r b; do distinct+=("$WORK/pages/$b"); done <"$WORK/names.txt"
    for cfg in $CONFIGS; do
        rm -rf "$WORK/cg-$cfg"
        mkdir -p "$WORK/cg-$cfg"
        # shellcheck disable=SC2046
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$NW" extract -o log.level=error \
            $(sink_args "$cfg" "$WORK/cg-$cfg") "${distinct[@]}" >/dev/null 2>"$WORK/cg-$cfg.err"
        sed -n "s/.*Collected : \([0-9]*\).*/$cfg \1/p" "$WORK/cg-$cfg.err"
    done | awk '{ ir[$1] = $2; order[NR] = $1 } END { for (i = 1; i <= NR; i++) printf "extract -> %-12s %d instructions (%.3fx /dev/null)\n", order[i], ir[order[i]], ir[order[i]] / ir["devnull"] }'
fi
