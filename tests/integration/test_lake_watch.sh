#!/bin/bash
# `newsworker watch --once` with output.dir: the url jobs go to DIR/jobs/dt=/hour=/ and the
# sources' error records to DIR/errors/ (one per run for the failing source), in both formats; every job once (zstdcat, and
# python3-avro validating against url-job.v1.avsc), the state saved only after the files
# are closed (a second run emits nothing), and output.file with output.dir refused.
. "$(dirname "${BASH_SOURCE[0]}")/watch_lib.sh"

start_feedd
B="http://127.0.0.1:$FP"
printf '%s\n' "$B/feed/rss/a" "$B/feed/atom/b" "$B/status/500" >"$WORK/sources"
for fmt in jsonl.zst avro; do
    lake=$WORK/lake-$fmt
    mkdir -p "$lake"
    for run in 1 2; do
        # The /status/500 source fails in every pass: --once exits 1 (the rest is written).
        rc=0
        timeout 120 "$BIN" watch --once -o watch.sources="$WORK/sources" \
            -o watch.state_file="$WORK/state-$fmt" -o fetch.allow_private=true \
            -o output.dir="$lake" -o output.format="$fmt" >"$WORK/$fmt-$run.out" \
            2>"$WORK/$fmt-$run.err" || rc=$?
        [ "$rc" = 1 ] || fail "watch $fmt run $run exited $rc, want 1"
        [ -s "$WORK/$fmt-$run.out" ] && fail "watch wrote to stdout with output.dir"
    done
    [ -z "$(find "$lake" -name '.*')" ] || fail "$fmt: temp files left"
    find "$lake/jobs" -mindepth 2 -maxdepth 2 -type d | grep -Eq '/dt=[0-9-]{10}/hour=[0-9]{2}$' ||
        fail "$fmt: no dt=/hour= folder for jobs"
    if [ "$fmt" = avro ]; then
        res=$("$PY" "$SRC/tests/integration/check_avro_lake.py" "$lake" "$SRC/schemas") ||
            fail "avro lake: $res"
        line=$(grep '"kind": "jobs"' <<<"$res")
        errs=$(grep '"kind": "errors"' <<<"$res")
        [[ "$line" == *'"count": 6, "distinct_ids": 6'* ]] || fail "avro jobs: $line"
        [[ "$errs" == *'"count": 2,'* ]] || fail "avro errors (one per run): $errs"
    else
        got=$(zstdcat $(find "$lake/jobs" -name '*.jsonl.zst') | "$PY" -c 'import json,sys
print(" ".join(sorted(json.loads(l)["url"] for l in sys.stdin)))')
        want=$(printf '%s\n' "$B/a/a/1" "$B/a/a/2" "$B/a/a/3" "$B/a/b/1" "$B/a/b/2" "$B/a/b/3" | sort | tr '\n' ' ' | sed 's/ $//')
        [ "$got" = "$want" ] || fail "jsonl.zst jobs: got $got want $want"
        zstdcat $(find "$lake/jobs" -name '*.jsonl.zst') >"$WORK/jobs.jsonl"
        "$PY" "$SRC/tests/integration/validate_records.py" --schema "$SRC/schemas/url-job.v1.json" \
            "$WORK/jobs.jsonl" >/dev/null || fail "the lake's jobs are not valid url jobs"
        [ "$(zstdcat $(find "$lake/errors" -name '*.jsonl.zst') | wc -l)" = 2 ] || fail "error records (one per run)"
    fi
done
rc=0
"$BIN" watch --once -o watch.sources="$WORK/sources" -o output.dir="$WORK/lake-avro" \
    -o output.file="$WORK/x" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "output.file with output.dir: exit $rc"
echo "PASS"
