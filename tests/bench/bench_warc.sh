#!/bin/bash
# bench_warc.sh BUILD_DIR SOURCE_DIR PAGES_DIR [REPEAT] [ROUNDS] — web archive input speed.
#
# PAGES_DIR holds pages (.html or .html.gz, e.g. ../shared/eval/extraction-dev/html). They
# are packed REPEAT times over (default 10) into one .warc.gz by warcio (npm, an
# independent writer; tests/bench/warc_pack.cjs), a request and a response record per
# page, each its own gzip member. Then, in ROUNDS (default 5) alternating pairs on one
# core, `newsworker extract` over the same pages as files (each file REPEAT times on the
# command line) and over the archive: pages/s of each, and the median of the per-round
# ratios (archive / files). Then the reader alone (bench_warc_read: framing, HTTP parsing
# and body decoding, no extraction) against `zcat FILE > /dev/null`. Prints figures,
# asserts nothing. Not a ctest. WARC=FILE uses an existing archive instead of packing one
# (its pages must be the same PAGES, REPEAT times).
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
PAGES=$(cd "$3" && pwd)
REPEAT=${4:-10}
ROUNDS=${5:-5}
BIN=${NW_BIN:-$BUILD/bin/newsworker}
NPM=${NW_NPM_DIR:-/opt/newsworker-npm}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

pages=("$PAGES"/*.html "$PAGES"/*.html.gz)
files=()
for p in "${pages[@]}"; do [ -f "$p" ] && files+=("$p"); done
n=${#files[@]}
[ "$n" -gt 0 ] || { echo "no pages in $PAGES" >&2; exit 1; }
args=()
for _ in $(seq "$REPEAT"); do args+=("${files[@]}"); done
total=$((n * REPEAT))

warc=${WARC:-$WORK/pages.warc.gz}
if [ -z "${WARC:-}" ]; then
    NODE_PATH=$NPM/node_modules node "$SRC/tests/bench/warc_pack.cjs" "$warc" "$REPEAT" "${files[@]}" ||
        { echo "warc_pack failed" >&2; exit 1; }
fi
echo "pages: $n x $REPEAT = $total; archive $(stat -c %s "$warc") bytes; files $(cat "${files[@]}" | wc -c) bytes x $REPEAT"

now() { date +%s.%N; }
# run_extract OUT ARGS...: "WALL CPU" seconds of `taskset -c 0 newsworker extract ARGS` (one
# core; CPU = user + system, steadier than wall time on a shared machine).
run_extract() {
    local out=$1 t0 t1 cpu
    shift
    t0=$(now)
    /usr/bin/time -o "$WORK/time" -f "%U %S" taskset -c 0 "$BIN" -o log.level=warn extract "$@" \
        >"$out" 2>>"$WORK/stderr"
    cpu=$(tail -1 "$WORK/time")
    t1=$(now)
    echo "$(echo "$t1 - $t0" | bc -l) $(echo "$cpu" | awk '{print $1 + $2}')"
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

ratios=() cpu_ratios=()
for r in $(seq "$ROUNDS"); do
    read -r tf cf < <(run_extract "$WORK/files.jsonl" "${args[@]}")
    read -r tw cw < <(run_extract "$WORK/warc.jsonl" "$warc")
    nf=$(grep -c '"schema":"newsworker.article/1"' "$WORK/files.jsonl")
    nw=$(grep -c '"schema":"newsworker.article/1"' "$WORK/warc.jsonl")
    pf=$(echo "$total / $tf" | bc -l)
    pw=$(echo "$total / $tw" | bc -l)
    ratio=$(echo "$pw / $pf" | bc -l)
    cpu_ratio=$(echo "$cf / $cw" | bc -l)
    ratios+=("$ratio")
    cpu_ratios+=("$cpu_ratio")
    printf 'round %d: files %.1f pages/s (%.1f per CPU s, %d articles), archive %.1f pages/s (%.1f per CPU s, %d articles): %.3fx wall, %.3fx CPU\n' \
        "$r" "$pf" "$(echo "$total / $cf" | bc -l)" "$nf" "$pw" "$(echo "$total / $cw" | bc -l)" "$nw" "$ratio" "$cpu_ratio"
done
printf 'extract over the archive / over the files: median %.3fx (wall), %.3fx (CPU) of %d rounds\n' \
    "$(printf '%s\n' "${ratios[@]}" | median)" "$(printf '%s\n' "${cpu_ratios[@]}" | median)" "$ROUNDS"

# The reader alone against zcat, alternating, best of ROUNDS each.
best_r=999 best_f=999 best_z=999
for r in $(seq "$ROUNDS"); do
    t0=$(now); taskset -c 0 "$BUILD/bench/bench_warc_read" "$warc" >"$WORK/read.txt"; t1=$(now)
    t=$(echo "$t1 - $t0" | bc -l); (($(echo "$t < $best_r" | bc -l))) && best_r=$t
    t0=$(now); taskset -c 0 "$BUILD/bench/bench_warc_read" "$warc" --frames >/dev/null; t1=$(now)
    t=$(echo "$t1 - $t0" | bc -l); (($(echo "$t < $best_f" | bc -l))) && best_f=$t
    t0=$(now); taskset -c 0 zcat "$warc" >/dev/null; t1=$(now)
    t=$(echo "$t1 - $t0" | bc -l); (($(echo "$t < $best_z" | bc -l))) && best_z=$t
done
cat "$WORK/read.txt"
printf 'best of %d: zcat %.3f s; reader (frames) %.3f s = %.2fx zcat time; reader with HTTP parsing and body decoding %.3f s = %.2fx zcat time\n' \
    "$ROUNDS" "$best_z" "$best_f" "$(echo "$best_f / $best_z" | bc -l)" "$best_r" "$(echo "$best_r / $best_z" | bc -l)"
