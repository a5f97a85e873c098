#!/usr/bin/env bash
# test_lake_files.sh BUILD_DIR SOURCE_DIR — output.dir with extract and fetch: Hive-style
# folders, rotation by output.max_records, atomic files (no temp file left; stale temp
# files removed, a live writer's kept), both formats read back by independent readers
# (zstdcat, DuckDB, Apache Avro's python3-avro validating against the committed schema),
# and a missing, non-folder or unwritable output.dir refused with exit 2.
set -euo pipefail
build=$1
src=$2
nw=$build/bin/newsworker
py=/usr/bin/python3
export NODE_PATH=/opt/newsworker-npm/node_modules
duck="node $src/tests/integration/lake_duckdb.js"
avrock="$py $src/tests/integration/check_avro_lake.py"
tmp=$(mktemp -d); [ "${KEEP_TMP:-0}" = 1 ] && echo "tmp $tmp"
holder=
cleanup() {
    [ -n "$holder" ] && kill "$holder" 2>/dev/null || true
    mountpoint -q "$tmp/ro" 2>/dev/null && umount "$tmp/ro" || true
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
field() { $py -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
kind_line() { grep "\"kind\": \"$2\"" <<<"$1"; }

# Inputs: 40 plain-text articles (distinct first lines: distinct ids) and the fixture pages.
mkdir -p "$tmp/in"
for i in $(seq 1 40); do
    printf 'Story number %d about harbour works.\n\nThe council said on Monday that the harbour works in district %d would finish before winter. Residents welcomed the news.\n' "$i" "$i" >"$tmp/in/s$i.txt"
done

# 1. extract --text into a jsonl.zst lake, 7 records per file at most.
mkdir "$tmp/z"
"$nw" extract --text -o output.dir="$tmp/z" -o output.max_records=7 -o log.level=warn \
    "$tmp"/in/s*.txt /nonexistent-input 2>"$tmp/err" && fail "a missing input should exit 1"
grep -q nonexistent-input "$tmp/err" || fail "the missing input was not reported: $(head -c 600 "$tmp/err")"
nfiles=$(find "$tmp/z/articles" -name '*.jsonl.zst' | wc -l)
[ "$nfiles" -ge 6 ] || fail "40 records at 7 per file should make at least 6 files, got $nfiles"
find "$tmp/z/articles" -mindepth 2 -maxdepth 2 -type d | grep -Eq '/dt=[0-9]{4}-[0-9]{2}-[0-9]{2}/hour=[0-9]{2}$' ||
    fail "no dt=/hour= folders"
[ -z "$(find "$tmp/z" -name '.*')" ] || fail "temp files left after a clean exit"
# Each file is a complete zstd stream of whole JSON lines.
for f in $(find "$tmp/z" -name '*.jsonl.zst'); do
    zstd -tq "$f" || fail "$f is not a valid zstd file"
    zstdcat "$f" | $py -c 'import json,sys; [json.loads(l) for l in sys.stdin]' || fail "$f has a bad line"
done
[ "$(zstdcat $(find "$tmp/z/articles" -name '*.jsonl.zst') | wc -l)" = 40 ] || fail "zstdcat count"
out=$($duck "$tmp/z" articles id fetched_at)
echo "duckdb articles: $out"
[ "$(field "$out" count)" = 40 ] || fail "DuckDB counts $(field "$out" count) articles, want 40"
[ "$(field "$out" distinct_ids)" = 40 ] || fail "DuckDB: distinct ids"
[ "$(field "$out" bad_partition)" = 0 ] || fail "DuckDB: records in the wrong dt/hour folder"
out=$($duck "$tmp/z" errors url at)
[ "$(field "$out" count)" = 1 ] || fail "DuckDB: the unreadable input's error record"

# 2. The same into an Avro lake; every file read and validated by python3-avro.
mkdir "$tmp/a"
"$nw" extract --text -o output.dir="$tmp/a" -o output.format=avro -o output.max_records=7 \
    -o log.level=warn "$tmp"/in/s*.txt "$src"/tests/fixtures/pages/*.html ||
    fail "extract into an Avro lake"
"$nw" extract -o output.dir="$tmp/a" -o output.format=avro -o log.level=warn \
    "$src"/tests/fixtures/pages/*.html || fail "extract pages into the Avro lake"
res=$($avrock "$tmp/a" "$src/schemas") || { echo "$res"; fail "Avro lake does not validate"; }
echo "avro: $res"
line=$(kind_line "$res" articles)
[ "$(field "$line" count)" = 46 ] || fail "Avro: want 46 article records: $line"
[ "$(field "$line" files)" -ge 7 ] || fail "Avro: rotation by output.max_records"

# 2b. A record larger than a block (about 1 MiB of text): avro-c cannot put it in a
# 256 KiB block, so it gets an Avro file of its own; in jsonl.zst a zstd frame of its own.
$py -c 'import sys
with open(sys.argv[1], "w") as f:
    f.write("A very long report\n\n")
    for p in range(4000):
        f.write("Paragraph %d of the long report on the river works and the new harbour. " % p * 3 + "\n\n")' "$tmp/big.txt"
for fmt in avro jsonl.zst; do
    mkdir "$tmp/big-$fmt"
    "$nw" extract --text -o output.dir="$tmp/big-$fmt" -o output.format=$fmt -o log.level=warn \
        "$tmp/in/s1.txt" "$tmp/big.txt" "$tmp/in/s2.txt" || fail "$fmt: a record larger than a block"
done
res=$($avrock "$tmp/big-avro" "$src/schemas") || { echo "$res"; fail "big Avro record"; }
[ "$(field "$(kind_line "$res" articles)" count)" = 3 ] || fail "big Avro record: $res"
out=$($duck "$tmp/big-jsonl.zst" articles id fetched_at)
[ "$(field "$out" count)" = 3 ] || fail "big jsonl.zst record: $out"

# 3. output.partition_by=published_at: text inputs have no date (dt=unknown).
mkdir "$tmp/p"
"$nw" extract --text -o output.dir="$tmp/p" -o output.partition_by=published_at \
    -o log.level=warn "$tmp/in/s1.txt" "$tmp/in/s2.txt" || fail "extract by published_at"
[ "$(ls "$tmp/p/articles/dt=unknown/hour=unknown" | wc -l)" = 1 ] || fail "dt=unknown folder"
"$nw" extract -o output.dir="$tmp/p" -o output.partition_by=published_at -o output.format=avro \
    -o output.avro_codec=deflate -o log.level=warn "$src"/tests/fixtures/pages/*.html ||
    fail "pages by published_at"
# (this lake in deflate: output.avro_codec is checked in each file's header)
res=$(NW_AVRO_CODEC=deflate $avrock "$tmp/p" "$src/schemas" published_at) ||
    { echo "$res"; fail "published_at folders (deflate)"; }
[ -n "$(find "$tmp/p/articles" -path '*dt=2*' -name '*.avro')" ] || fail "no dated folder for pages"

# 4. fetch: inline-html jobs and a bad job line, also with a broker configured (output.dir
# wins; nothing listens on port 1).
mkdir "$tmp/f"
{
    for i in $(seq 1 12); do
        printf '{"url":"https://news.example/a%d","html":"<html><head><title>Item %d</title></head><body><article><p>Report %d from the valley: the new bridge opened to traffic on Tuesday after two years of work.</p><p>Officials said the crossing would cut travel times.</p></article></body></html>"}\n' "$i" "$i" "$i"
    done
    echo '{"url": 42}'
} >"$tmp/jobs"
"$nw" fetch --input "$tmp/jobs" -o output.dir="$tmp/f" -o kafka.bootstrap.servers=127.0.0.1:1 \
    -o output.max_records=5 -o log.level=warn || fail "fetch into the lake"
out=$($duck "$tmp/f" articles id fetched_at)
[ "$(field "$out" count)" = 12 ] && [ "$(field "$out" distinct_ids)" = 12 ] || fail "fetch articles: $out"
out=$($duck "$tmp/f" errors url at)
[ "$(field "$out" count)" = 1 ] || fail "fetch: the bad job's error record: $out"

# 5. Temp files: a stale one (no writer) is removed at start, one a live writer holds is kept.
d=$tmp/z/articles/dt=2020-01-01/hour=00
mkdir -p "$d"
echo junk >"$d/.nw-999999-1.tmp"
echo busy >"$d/.nw-999999-2.tmp"
$py -c 'import fcntl, sys, time; f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); time.sleep(120)' \
    "$d/.nw-999999-2.tmp" </dev/null >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 100); do
    flock -n "$d/.nw-999999-2.tmp" true 2>/dev/null || break
    sleep 0.1
done
"$nw" extract --text -o output.dir="$tmp/z" -o log.level=warn "$tmp/in/s1.txt" || fail "extract"
[ ! -e "$d/.nw-999999-1.tmp" ] || fail "a stale temp file was not removed"
[ -e "$d/.nw-999999-2.tmp" ] || fail "a live writer's temp file was removed"

# 6. Refused at start with exit 2: missing, not a folder, unwritable, both sinks.
expect2() { # expect2 WHAT ARGS...
    local what=$1 rc=0
    shift
    "$nw" extract --text "$@" "$tmp/in/s1.txt" >/dev/null 2>"$tmp/err" || rc=$?
    [ "$rc" = 2 ] || fail "$what: exit $rc, want 2"
    grep -q 'output\.' "$tmp/err" || fail "$what: the message names no key: $(cat "$tmp/err")"
}
expect2 "missing output.dir" -o output.dir="$tmp/nope"
expect2 "output.dir a file" -o output.dir="$tmp/jobs"
expect2 "output.file with output.dir" -o output.dir="$tmp/z" -o output.file="$tmp/x.jsonl"
expect2 "bad output.format" -o output.dir="$tmp/z" -o output.format=parquet
mkdir "$tmp/ro"
if [ "$(id -u)" = 0 ]; then
    mount -t tmpfs -o size=1m,ro tmpfs "$tmp/ro" || fail "cannot mount a read-only tmpfs as root"
else
    chmod 555 "$tmp/ro"
fi
expect2 "unwritable output.dir" -o output.dir="$tmp/ro"
rc=0
"$nw" fetch --input "$tmp/jobs" -o output.dir="$tmp/nope" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "fetch with a missing output.dir: exit $rc"
echo "ok: lake files from extract and fetch"
