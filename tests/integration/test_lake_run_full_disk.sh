#!/bin/bash
# newsworker run with output.dir on a full disk (a 2 MiB tmpfs, filled up): writes fail
# with ENOSPC, the worker says so and commits nothing that is not in a closed file (the
# group's committed offsets stay where they were, read with python3-kafka); when space
# returns it recovers by itself and every job's record ends in exactly one visible file.
# Needs root (mount); the machine's CI runs as root.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"
export NODE_PATH=/opt/newsworker-npm/node_modules

[ "$(id -u)" = 0 ] || fail "this test mounts a tmpfs and needs root"
lake=$WORK/full
mkdir -p "$lake"
mount -t tmpfs -o size=2m tmpfs "$lake" || fail "cannot mount a tmpfs"
trap 'umount "$lake" 2>/dev/null; cleanup' EXIT

start_mock news.urls:4 news.articles:4 news.errors:2
start_httpd
N=$(make_jobs "$WORK/jobs.txt" 100 8 0 0 50)
produce_jobs_spread "$WORK/jobs.txt" 4

committed() { # the group's committed offsets, summed over the 4 partitions
    "$PY" - "$BS" <<'PYEOF' 2>/dev/null || echo "?"
import sys
from kafka import KafkaConsumer, TopicPartition
# Asks the coordinator (OffsetFetch) without joining the group.
c = KafkaConsumer(bootstrap_servers=sys.argv[1].split(","), group_id="lake-full",
                  enable_auto_commit=False, api_version=(2, 5, 0))
print(sum(c.committed(TopicPartition("news.urls", p)) or 0 for p in range(4)))
PYEOF
}
jfield() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
jobs_now() { node "$SRC/tests/integration/lake_duckdb.js" "$lake" --jobs 2>/dev/null || echo '{"count":0,"distinct_ids":0,"max_per_id":0}'; }

# Fill the disk: what is left cannot hold a file's first block.
dd if=/dev/zero of="$lake/junk" bs=4k 2>/dev/null
start_worker w -o kafka.group.id=lake-full -o output.dir="$lake" -o output.max_records=5 \
    -o output.max_age_ms=300 -o worker.max_in_flight=32
end=$((SECONDS + 60))
until grep -q "output.dir: a file of partition .* could not be written" "$WORK/w.log" 2>/dev/null; do
    [ $SECONDS -lt $end ] || fail "no full-disk error reported"
    sleep 0.2
done
grep -q "No space left on device" "$WORK/w.log" || fail "the log does not say the disk is full"
sleep 3 # several retries fail meanwhile (the worker keeps committing what it can: nothing)
c=$(committed)
echo "full disk: committed offsets sum $c; visible files $(find "$lake" -name '*.zst' | wc -l)"
[ "$c" = 0 ] || fail "offsets were committed while nothing could be written: $c"
[ -z "$(find "$lake" -name '*.jsonl.zst')" ] || fail "a visible file on a full disk"

rm -f "$lake/junk" # space returns
end=$((SECONDS + 150))
while :; do
    r=$(jobs_now)
    [ "$(jfield "$r" distinct_ids)" = "$N" ] && break
    [ $SECONDS -lt $end ] || fail "no recovery after space returned: $r"
    sleep 1
done
stop_worker w
[ "$CODE" = 0 ] || fail "exit code $CODE after recovery and SIGTERM"
r=$(jobs_now)
echo "recovered: jobs=$N $r, committed $(committed)"
[ "$(jfield "$r" count)" = "$N" ] || fail "$(jfield "$r" count) records for $N jobs"
[ "$(jfield "$r" max_per_id)" = 1 ] || fail "a job in two files"
[ "$(committed)" = "$N" ] || fail "committed offsets $(committed), want $N"
[ -z "$(find "$lake" -name '.*')" ] || fail "temp files left"
echo "PASS"
