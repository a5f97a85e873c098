#!/bin/bash
# newsworker run with output.dir: exactly once into files. Jobs on 4 partitions, small
# files (output.max_records=5, output.max_age_ms=400: rotations all the time), the worker
# killed with kill -9 twice while writing and rotating, restarted each time; then every
# job's record (an article or an error) is in exactly one visible file: DuckDB counts the
# jsonl.zst lake per job, python3-avro reads and validates the Avro lake. Both formats,
# each with its own consumer group over the same jobs. With output.dir set beside
# kafka.bootstrap.servers, nothing goes to the output topics.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"
export NODE_PATH=/opt/newsworker-npm/node_modules

start_mock news.urls:4 news.articles:4 news.errors:2
start_httpd
# Slow pages (250 ms) keep jobs in flight and segments open when the worker dies.
N=$(make_jobs "$WORK/jobs.txt" 200 20 0 0 250)
produce_jobs_spread "$WORK/jobs.txt" 4

# per_job FORMAT DIR — {"count", "distinct_ids", "max_per_id"} over every visible record.
per_job() {
    if [ "$1" = avro ]; then
        "$PY" "$SRC/tests/integration/check_avro_lake.py" "$2" "$SRC/schemas" | grep by_url ||
            fail "the Avro lake does not validate: $("$PY" "$SRC/tests/integration/check_avro_lake.py" "$2" "$SRC/schemas" 2>&1 | head -5)"
    else
        node "$SRC/tests/integration/lake_duckdb.js" "$2" --jobs 2>/dev/null || echo '{"count":0,"distinct_ids":0,"max_per_id":0}'
    fi
}
jfield() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
visible() { # records in visible files now (a cheap progress count)
    if [ "$1" = avro ]; then
        find "$2" -name '*.avro' -not -name '.*' | wc -l
    else
        find "$2" -name '*.jsonl.zst' -not -name '.*' -print0 | xargs -0 -r zstdcat 2>/dev/null | wc -l
    fi
}

for fmt in jsonl.zst avro; do
    tag=${fmt%%.*} # a name part without dots
    lake=$WORK/lake-$fmt
    mkdir -p "$lake"
    opts=(-o kafka.group.id="lake-$fmt" -o output.dir="$lake" -o output.format="$fmt"
        -o output.max_records=5 -o output.max_age_ms=400 -o worker.max_in_flight=48)
    n=0
    for target in $((N / 4)) $((N / 2)); do
        n=$((n + 1))
        start_worker "k$n$tag" "${opts[@]}"
        eval "pid=\$WPID_k$n$tag"
        end=$((SECONDS + 90))
        # avro: count files (records are not cheap to count); 5 records per file at most.
        [ "$fmt" = avro ] && target=$((target / 5))
        while [ "$(visible "$fmt" "$lake")" -lt "$target" ]; do
            [ $SECONDS -lt $end ] || fail "$fmt: no progress before kill $n"
            sleep 0.2
        done
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null
        echo "$fmt: kill -9 number $n with $(visible "$fmt" "$lake") visible (records|files)"
    done
    hidden=$(find "$lake" -name '.nw-*.tmp' | wc -l)
    echo "$fmt: $hidden temp file(s) left by the kills"
    start_worker "w$tag" "${opts[@]}"
    end=$((SECONDS + 150))
    while :; do
        r=$(per_job "$fmt" "$lake")
        [ "$(jfield "$r" distinct_ids)" = "$N" ] && break
        [ $SECONDS -lt $end ] || fail "$fmt: not every job reached a file: $r"
        sleep 1
    done
    stop_worker "w$tag"
    [ "$CODE" = 0 ] || fail "$fmt: exit code $CODE after SIGTERM"
    r=$(per_job "$fmt" "$lake")
    echo "$fmt: jobs=$N $r"
    [ "$(jfield "$r" count)" = "$N" ] || fail "$fmt: $(jfield "$r" count) records for $N jobs"
    [ "$(jfield "$r" distinct_ids)" = "$N" ] || fail "$fmt: jobs missing"
    [ "$(jfield "$r" max_per_id)" = 1 ] || fail "$fmt: a job in two files"
    [ -z "$(find "$lake" -name '.*')" ] || fail "$fmt: temp files left after a clean stop"
    grep -q "removed .* file(s) from an attempt" "$WORK/w$tag.log" "$WORK/k2$tag.log" ||
        echo "$fmt: (no uncommitted files had to be removed at the restarts)"
done
# With output.dir the records go to the lake only: the output topics stay empty (the
# broker is the input's; kafka.bootstrap.servers and output.dir are both set here).
topics=$(end_offsets news.articles news.errors)
[ "$topics" = 0 ] || fail "$topics records went to the output topics as well"
echo "PASS"
