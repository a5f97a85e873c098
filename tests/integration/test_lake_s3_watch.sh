#!/bin/bash
# `newsworker watch --once` with output.dir and output.s3.*: the url jobs' and error
# records' lake files are uploaded (s3rver behind the SigV4-verifying s3_front.py), the
# local copies removed (keep_local=false), and a second run emits nothing: the state is
# saved only after the files are uploaded. The bucket's jobs are read back with botocore
# and zstdcat and checked against the url-job JSON Schema's required fields.
. "$(dirname "${BASH_SOURCE[0]}")/watch_lib.sh"
PIDS=""
. "$SRC/tests/integration/s3_lib.sh"

start_feedd
B="http://127.0.0.1:$FP"
start_s3rver 300
S3_FRONT_SECONDS=300 start_front main
EXTRA_PIDS="$EXTRA_PIDS $PIDS"
read -ra S3 <<<"$(s3_opts "$FP")"
printf '%s\n' "$B/feed/rss/a" "$B/feed/atom/b" "$B/status/500" >"$WORK/sources"
lake=$WORK/lake
mkdir -p "$lake"
for run in 1 2; do
    # /status/500 fails every pass, so --once exits 1 (a source failed) once the other
    # sources' jobs are delivered and uploaded and the state is saved.
    rc=0
    timeout 120 "$BIN" watch --once -o watch.sources="$WORK/sources" \
        -o watch.state_file="$WORK/state" -o fetch.allow_private=true \
        -o output.dir="$lake" "${S3[@]}" -o output.s3.prefix=w >"$WORK/run-$run.out" \
        2>"$WORK/run-$run.err" || rc=$?
    [ "$rc" = 1 ] || fail "watch run $run exited $rc, expected 1 (one source fails)"
    grep -q '1 sources failed this pass' "$WORK/run-$run.err" ||
        fail "run $run: no warning about the failed source"
    [ -s "$WORK/run-$run.out" ] && fail "watch wrote to stdout with output.dir"
    [ -z "$(find "$lake" -type f)" ] || fail "run $run left local files: $(find "$lake" -type f)"
    bucket_download w/ "$WORK/dl-$run" >"$WORK/bucket-$run" || fail "download"
done
grep -Eq '^w/jobs/dt=[0-9-]{10}/hour=[0-9]{2}/jobs\+' "$WORK/bucket-1" || fail "no jobs object: $(cat "$WORK/bucket-1")"
jobs=$(find "$WORK/dl-2/jobs" -name '*.jsonl.zst' -print0 | xargs -0 zstdcat | wc -l)
errs=$(find "$WORK/dl-2/errors" -name '*.jsonl.zst' -print0 | xargs -0 zstdcat | wc -l)
find "$WORK/dl-2/jobs" -name '*.jsonl.zst' -print0 | xargs -0 zstdcat | "$PY" -c '
import json, sys
urls = [json.loads(l)["url"] for l in sys.stdin]
sys.exit(0 if len(urls) == len(set(urls)) and all(u.startswith("http") for u in urls) else 1)' ||
    fail "the uploaded jobs are not distinct url jobs"
echo "watch: $(wc -l <"$WORK/bucket-2") objects, $jobs url jobs, $errs error records"
[ "$jobs" = 6 ] || fail "$jobs url jobs in the bucket, want 6 (and none again on the second run)"
[ "$errs" = 2 ] || fail "$errs error records in the bucket, want one per run"
echo "PASS"
