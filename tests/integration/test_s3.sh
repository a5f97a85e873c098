#!/usr/bin/env bash
# test_s3.sh — the S3 uploader (worker/s3.c, through the tests/tools/nw_s3_put driver)
# against s3rver (npm, a third-party S3 implementation) on loopback, behind s3_front.py,
# which verifies every request's SigV4 signature and payload hash with botocore (AWS's
# own signer; s3rver checks neither) and injects 500 / 503 SlowDown / stalls / resets.
# What lands in the bucket is listed and read back with botocore (s3_list.py) and compared
# key by key, byte by byte (sha256) with the local lake files.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/listen_lib.sh"
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
HERE="$SRC/tests/integration"
PUT="$BUILD/tests/nw_s3_put"
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/nw_s3_test.XXXXXX)
PIDS=""
PASSED=0

cleanup() {
    for p in $PIDS; do stop_listener "$p"; done
    if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$WORK"/*.err "$WORK"/*.log; do
        [ -s "$f" ] || continue
        echo "---- $f (last 20 lines)" >&2
        tail -20 "$f" >&2
    done
    exit 1
}
ok() {
    PASSED=$((PASSED + 1))
    echo "ok $PASSED - $*"
}

. "$HERE/s3_lib.sh"
start_s3rver 550

# put PORT [nw_s3_put arguments] — the driver with the test's bucket, region and key;
# stdout (its counters) in $WORK/put.out, stderr in $WORK/put.err, exit code in RC.
put() {
    local port=$1
    shift
    "$PUT" -o output.s3.bucket=lake -o "output.s3.endpoint=http://127.0.0.1:$port" \
        -o output.s3.path_style=true -o "output.s3.region=$REGION" \
        -o "output.s3.access_key_id=$KEY" -o "output.s3.secret_access_key=$SECRET" \
        -o output.s3.retry_backoff_ms=20 -o output.s3.connect_timeout_ms=5000 \
        "$@" >"$WORK/put.out" 2>"$WORK/put.err"
    RC=$?
}

# lake_args DIR — "LOCAL KEY" pairs for every file under DIR (key = path inside DIR).
lake_args() {
    LAKE_ARGS=()
    while IFS= read -r -d '' f; do
        LAKE_ARGS+=("$f" "${f#"$1"/}")
    done < <(find "$1" -type f -print0 | sort -z)
}

# ---- a lake: small files, one exactly a part long, an empty one, a multipart one ----
PART=5242880
LAKE="$WORK/lake"
mkdir -p "$LAKE/articles/dt=2026-12-06/hour=13" "$LAKE/articles/dt=unknown/hour=00" \
    "$LAKE/errors/dt=2026-12-06/hour=13" "$LAKE/jobs/dt=2026-12-06/hour=13"
head -c 2000 /dev/urandom >"$LAKE/articles/dt=2026-12-06/hour=13/articles+news.urls+0+42.jsonl.zst"
head -c $PART /dev/urandom >"$LAKE/articles/dt=2026-12-06/hour=13/articles+news.urls+1+7.avro"
: >"$LAKE/errors/dt=2026-12-06/hour=13/errors+news.urls+0+42.jsonl.zst"
head -c $((2 * PART + 1234567)) /dev/urandom >"$LAKE/articles/dt=unknown/hour=00/articles+news.urls+2+0.avro"
printf 'caf\xc3\xa9 jobs\n' >"$LAKE/jobs/dt=2026-12-06/hour=13/jobs é+1 (copy).jsonl.zst"
local_listing "$LAKE" t1 >"$WORK/lake.before"

start_front main
MAIN=$FP

# 1. start-up check with good credentials
put $MAIN -o output.s3.prefix=t1 --check
[ $RC = 0 ] || fail "check with good credentials: exit $RC"
grep -q "reachable" "$WORK/put.err" || fail "check did not report the bucket reachable"
ok "start-up check accepts the right key and secret (signature verified by botocore)"

# 2. the lake uploaded, the local copies untouched (keep_local=true)
lake_args "$LAKE"
put $MAIN -o output.s3.prefix=t1 -o output.s3.part_size=$PART -o output.s3.keep_local=true \
    "${LAKE_ARGS[@]}"
[ $RC = 0 ] || fail "lake upload: exit $RC: $(cat "$WORK/put.err")"
grep -q "^files=5 failures=0 " "$WORK/put.out" || fail "counters: $(cat "$WORK/put.out")"
local_listing "$LAKE" t1 | cmp -s - "$WORK/lake.before" || fail "local files changed"
bucket_listing t1/ >"$WORK/bucket.t1"
diff "$WORK/lake.before" "$WORK/bucket.t1" >&2 || fail "bucket listing differs from the lake"
ok "5 lake files listed under t1/ with the same keys, sizes and sha256; local files untouched"

# the big file went in 3 parts of 5 MiB, 5 MiB and the rest; the others in one PUT each
requests main 'PUT .*news\.urls\+2\+0\.avro\?partNumber' >"$WORK/parts"
[ "$(awk '{print $4}' "$WORK/parts" | tr '\n' ' ')" = "$PART $PART 1234567 " ] ||
    fail "parts: $(cat "$WORK/parts")"
[ "$(requests main 'POST .*news\.urls\+2\+0\.avro\?uploads' | wc -l)" = 1 ] || fail "no CreateMultipartUpload"
[ "$(requests main 'POST .*news\.urls\+2\+0\.avro\?uploadId' | awk '$3 == 200' | wc -l)" = 1 ] ||
    fail "no CompleteMultipartUpload"
[ "$(requests main 'PUT .*news\.urls\+1\+7\.avro\?$' | awk '$4 == '$PART | wc -l)" = 1 ] ||
    fail "a file of exactly part_size should go in one PUT"
ok "multipart upload above part_size (3 parts: $PART $PART 1234567), single PUT at part_size"

# 3. default keep_local=false: the caller removes each file once its upload is confirmed
cp -a "$LAKE" "$WORK/lake2"
lake_args "$WORK/lake2"
put $MAIN -o output.s3.prefix=lake/t2/ -o output.s3.part_size=$PART "${LAKE_ARGS[@]}"
[ $RC = 0 ] || fail "upload with removal: exit $RC"
[ "$(find "$WORK/lake2" -type f | wc -l)" = 0 ] || fail "local files left after confirmed upload"
bucket_listing lake/t2/ | sed 's#^lake/t2/#t1/#' | diff "$WORK/lake.before" - >&2 ||
    fail "listing under lake/t2/ differs"
ok "prefix 'lake/t2/': every file listed, local copies removed after confirmation"

# 4. virtual-host addressing: lake.s3.localhost
echo vhost >"$WORK/vh.txt"
put $MAIN -o output.s3.path_style=false -o "output.s3.endpoint=http://s3.localhost:$MAIN" \
    -o output.s3.prefix=t3 -o output.s3.keep_local=true "$WORK/vh.txt" a/b.txt
[ $RC = 0 ] || fail "virtual-host upload: exit $RC: $(cat "$WORK/put.err")"
bucket_listing t3/ | grep -q "^t3/a/b.txt 6 $(sha256sum "$WORK/vh.txt" | cut -d' ' -f1)$" ||
    fail "virtual-host object missing"
ok "virtual-host style (BUCKET.s3.localhost) upload"

# 5. credentials and region from the AWS environment variables
echo env >"$WORK/env.txt"
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_REGION=$REGION AWS_DEFAULT_REGION=us-west-2 \
    "$PUT" -o output.s3.bucket=lake -o "output.s3.endpoint=http://127.0.0.1:$MAIN" \
    -o output.s3.path_style=true -o output.s3.prefix=t4 -o output.s3.keep_local=true --check \
    "$WORK/env.txt" env.txt >"$WORK/put.out" 2>"$WORK/put.err" || fail "env credentials: $(cat "$WORK/put.err")"
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_DEFAULT_REGION=$REGION \
    "$PUT" -o output.s3.bucket=lake -o "output.s3.endpoint=http://127.0.0.1:$MAIN" \
    -o output.s3.path_style=true -o output.s3.prefix=t4 --check >"$WORK/put.out" 2>"$WORK/put.err" ||
    fail "AWS_DEFAULT_REGION: $(cat "$WORK/put.err")"
AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    "$PUT" -o output.s3.bucket=lake -o "output.s3.endpoint=http://127.0.0.1:$MAIN" \
    -o output.s3.path_style=true -o output.s3.prefix=t4 --check >"$WORK/put.out" 2>"$WORK/put.err"
RC=$?
[ $RC = 2 ] && grep -q "AuthorizationHeaderMalformed" "$WORK/put.err" ||
    fail "a wrong region (default us-east-1) should be refused with exit 2 (exit $RC)"
bucket_listing t4/ | grep -q "^t4/env.txt 4 " || fail "env upload missing"
ok "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_REGION over AWS_DEFAULT_REGION; wrong region refused (exit 2)"

# 6. temporary credentials: the session token is sent and signed
tok() {
    "$PUT" -o output.s3.bucket=lake -o "output.s3.endpoint=http://127.0.0.1:$MAIN" \
        -o output.s3.path_style=true -o "output.s3.region=$REGION" -o output.s3.prefix=t5 \
        -o output.s3.keep_local=true "$@" >"$WORK/put.out" 2>"$WORK/put.err"
    RC=$?
}
tok -o "output.s3.access_key_id=$TKEY" -o "output.s3.secret_access_key=$TSECRET" \
    -o "output.s3.session_token=$TOKEN" --check "$WORK/env.txt" tok.txt
[ $RC = 0 ] || fail "session token from the config: $(cat "$WORK/put.err")"
AWS_ACCESS_KEY_ID=$TKEY AWS_SECRET_ACCESS_KEY=$TSECRET AWS_SESSION_TOKEN=$TOKEN tok --check
[ $RC = 0 ] || fail "session token from AWS_SESSION_TOKEN: $(cat "$WORK/put.err")"
tok -o "output.s3.access_key_id=$TKEY" -o "output.s3.secret_access_key=$TSECRET" --check
[ $RC = 2 ] && grep -q InvalidToken "$WORK/put.err" || fail "missing token: exit $RC"
ok "session token from config or AWS_SESSION_TOKEN; without it refused at start (exit 2)"

# 7. bad credentials: refused at start (exit 2), and an upload is not retried on 403
put $MAIN -o output.s3.prefix=t1 -o output.s3.secret_access_key=wrong-secret --check
[ $RC = 2 ] && grep -q "SignatureDoesNotMatch" "$WORK/put.err" && grep -q "output.s3" "$WORK/put.err" ||
    fail "wrong secret at start: exit $RC: $(cat "$WORK/put.err")"
put $MAIN -o output.s3.prefix=t1 -o output.s3.access_key_id=AKIDUNKNOWN --check
[ $RC = 2 ] && grep -q "InvalidAccessKeyId" "$WORK/put.err" || fail "unknown key at start: exit $RC"
put $MAIN -o output.s3.bucket=nosuchbucket -o output.s3.prefix=t1 --check
[ $RC = 2 ] && grep -q "NoSuchBucket" "$WORK/put.err" || fail "missing bucket at start: exit $RC"
cp "$WORK/vh.txt" "$WORK/denied.txt"
put $MAIN -o output.s3.prefix=t1 -o output.s3.secret_access_key=wrong-secret "$WORK/denied.txt" denied/x.txt
[ $RC = 1 ] || fail "upload with a wrong secret: exit $RC"
grep -q "s3://lake/t1/denied/x.txt: HTTP 403 SignatureDoesNotMatch" "$WORK/put.err" ||
    fail "the error should name the key and S3's code: $(cat "$WORK/put.err")"
[ "$(requests main 'PUT /lake/t1/denied/x.txt' | wc -l)" = 1 ] || fail "a 403 was retried"
[ -f "$WORK/denied.txt" ] || fail "a file whose upload failed was removed"
ok "wrong secret, unknown key, missing bucket refused at start (exit 2); 403 upload not retried, named, file kept"

# 8. configuration refused before anything is sent
refuse() {
    local want=$1
    shift
    put $MAIN "$@" --check
    [ $RC = 2 ] && grep -q "$want" "$WORK/put.err" || fail "$* should be refused naming $want (exit $RC)"
}
refuse output.s3.endpoint -o output.s3.endpoint=ftp://127.0.0.1/
refuse output.s3.part_size -o output.s3.part_size=1048576
refuse output.s3.path_style -o output.s3.path_style=false
refuse output.s3.bucket -o output.s3.bucket=Bad_Bucket -o output.s3.path_style=false \
    -o output.s3.endpoint=http://s3.localhost:1
refuse output.s3.retry_backoff_max_ms -o output.s3.retry_backoff_max_ms=10
refuse output.s3.region -o output.s3.region=eu:west
"$PUT" -o output.s3.bucket=lake --check >"$WORK/put.out" 2>"$WORK/put.err"
RC=$?
[ $RC = 2 ] && grep -q "output.s3.access_key_id" "$WORK/put.err" || fail "no credentials: exit $RC"
ok "bad endpoint, part size, addressing, bucket name, backoff, region, missing credentials: exit 2 naming the key"

# 9. retries with backoff: 503 SlowDown, 500, a reset connection, then success
start_front faults --faults 503,500,reset --match 'PUT /lake/t6/'
echo retried >"$WORK/r.txt"
put $FP -o output.s3.prefix=t6 -o output.s3.keep_local=true -o output.s3.retry_backoff_ms=200 \
    -o output.s3.retry_backoff_max_ms=5000 "$WORK/r.txt" r.txt
[ $RC = 0 ] || fail "upload after transient faults: exit $RC: $(cat "$WORK/put.err")"
grep -q " retries=3 " "$WORK/put.out" || fail "expected 3 retries: $(cat "$WORK/put.out")"
requests faults 'PUT /lake/t6/r.txt' >"$WORK/tries"
[ "$(awk '{print $3}' "$WORK/tries" | tr '\n' ' ')" = "503 500 0 200 " ] || fail "tries: $(cat "$WORK/tries")"
# backoff 200 ms doubling, half of it jitter: the gaps are at least 100, 200 and 400 ms
awk 'NR > 1 { gap = ($5 - t) * 1000; min = 100 * 2 ^ (NR - 2); if (gap < min) { print "gap " NR-1 ": " gap " ms < " min; bad = 1 } }
     { t = $5 } END { exit bad }' "$WORK/tries" >&2 || fail "backoff too short"
grep -q "SlowDown" "$WORK/put.err" && grep -q "retry 1 of" "$WORK/put.err" || fail "retries not logged"
bucket_listing t6/ | grep -q "^t6/r.txt 8 " || fail "object missing after retries"
ok "503 SlowDown, 500 and a reset retried with growing backoff (>= 100, 200, 400 ms), then stored"

# 10. a multipart part fails (503, then a stall past the timeout) and is retried alone
start_front partfault --faults 503,stall --match 'partNumber=2&' --stall-seconds 60
cp "$LAKE/articles/dt=unknown/hour=00/articles+news.urls+2+0.avro" "$WORK/big.avro"
put $FP -o output.s3.prefix=t7 -o output.s3.keep_local=true -o output.s3.part_size=$PART \
    -o output.s3.timeout_ms=10000 "$WORK/big.avro" big.avro
[ $RC = 0 ] || fail "multipart with a failing part: exit $RC: $(cat "$WORK/put.err")"
# part 2: 503, then the stall (no answer), then (perhaps after more timeouts on a very
# loaded machine) stored; parts 1 and 3 were never answered with a fault
requests partfault 'partNumber=2&' | awk '{print $3}' | tr '\n' ' ' >"$WORK/part2"
grep -q -E '^503 0 (0 )*200 $' "$WORK/part2" || fail "part 2 tries: $(cat "$WORK/part2")"
[ "$(requests partfault 'partNumber=[13]&' | awk '$3 == 200' | wc -l)" = 2 ] || fail "parts 1 and 3"
grep -qi "timeout" "$WORK/put.err" || fail "the stall should end in a timeout"
bucket_listing t7/ | grep -q "^t7/big.avro $((2 * PART + 1234567)) $(sha256sum "$WORK/big.avro" | cut -d' ' -f1)$" ||
    fail "multipart object wrong after part retries"
ok "a part answered 503 then stalled past output.s3.timeout_ms is retried alone; object intact"

# 11. retries exhausted: the error names the key and S3's code; the file is kept
start_front slow --always 503 --match 'PUT /lake/t8/'
cp "$WORK/r.txt" "$WORK/keep.txt"
put $FP -o output.s3.prefix=t8 -o output.s3.retries=2 "$WORK/keep.txt" dt=2026-12-06/keep.txt
[ $RC = 1 ] || fail "exhausted retries: exit $RC"
grep -q "s3://lake/t8/dt=2026-12-06/keep.txt: HTTP 503 SlowDown: Please reduce your request rate. (gave up after 3 attempts)" \
    "$WORK/put.err" || fail "final error: $(cat "$WORK/put.err")"
[ "$(requests slow 'PUT /lake/t8/' | wc -l)" = 3 ] || fail "expected 3 attempts"
[ -f "$WORK/keep.txt" ] || fail "file removed after a failed upload"
ok "503 SlowDown on every try: 3 attempts, error names s3://lake/t8/... and SlowDown, file kept"

# 12. a multipart upload that fails is aborted (DELETE ?uploadId)
start_front abort --always 500 --match 'partNumber=1&'
put $FP -o output.s3.prefix=t9 -o output.s3.retries=1 -o output.s3.part_size=$PART \
    -o output.s3.keep_local=true "$WORK/big.avro" big.avro
[ $RC = 1 ] && grep -q "s3://lake/t9/big.avro: HTTP 500 InternalError" "$WORK/put.err" ||
    fail "failed part: exit $RC: $(cat "$WORK/put.err")"
[ "$(requests abort 'DELETE /lake/t9/big.avro\?uploadId=' | wc -l)" = 1 ] || fail "no AbortMultipartUpload"
[ "$(requests abort 'POST /lake/t9/big.avro\?uploadId=' | wc -l)" = 0 ] || fail "completed after a failure"
bucket_listing t9/ | grep -q . && fail "an object appeared after a failed multipart upload"
ok "a multipart upload whose part keeps failing is aborted, never completed"

# 13. stalls past the timeout and a closed port: timeouts and connection errors, named
start_front stall --always stall --match 'PUT /lake/t10/' --stall-seconds 60
put $FP -o output.s3.prefix=t10 -o output.s3.retries=1 -o output.s3.timeout_ms=1500 \
    -o output.s3.keep_local=true "$WORK/r.txt" stalled.txt
[ $RC = 1 ] && grep -q "s3://lake/t10/stalled.txt: Timeout" "$WORK/put.err" &&
    grep -q "gave up after 2 attempts" "$WORK/put.err" || fail "stall: exit $RC: $(cat "$WORK/put.err")"
put 1 -o output.s3.prefix=t10 -o output.s3.retries=1 -o output.s3.keep_local=true "$WORK/r.txt" refused.txt
[ $RC = 1 ] && grep -q "s3://lake/t10/refused.txt: Couldn't connect" "$WORK/put.err" &&
    grep -q "gave up after 2 attempts" "$WORK/put.err" || fail "closed port: exit $RC: $(cat "$WORK/put.err")"
ok "stalled server (timeout) and closed port (connection error) retried, then reported with the key"

# 14. bad local input: a missing file, a folder, a key S3 cannot take; nothing sent
N_BEFORE=$(wc -l <"$WORK/main.jsonl")
put $MAIN -o output.s3.prefix=t11 "$WORK/no-such-file" a.txt
[ $RC = 1 ] && grep -q "cannot read $WORK/no-such-file" "$WORK/put.err" || fail "missing file: exit $RC"
put $MAIN -o output.s3.prefix=t11 "$WORK/store" a.txt
[ $RC = 1 ] && grep -q "is not a regular file" "$WORK/put.err" || fail "folder: exit $RC"
put $MAIN -o output.s3.prefix=t11 -o output.s3.keep_local=true "$WORK/r.txt" "$(printf 'k%.0s' $(seq 1100))"
[ $RC = 1 ] && grep -q "S3 takes at most 1024" "$WORK/put.err" || fail "long key: exit $RC"
put $MAIN -o output.s3.prefix=t11 -o output.s3.keep_local=true "$WORK/r.txt" "/"
[ $RC = 1 ] && grep -q "the key is empty" "$WORK/put.err" || fail "empty key: exit $RC"
[ "$(wc -l <"$WORK/main.jsonl")" = "$N_BEFORE" ] || fail "requests were sent for bad input"
ok "missing file, folder, 1100-byte key, empty key: exit 1 with a clear message, nothing sent"

# 15. nothing in the bucket that was not asked for
$PY "$HERE/s3_list.py" "http://127.0.0.1:$SP" lake >"$WORK/bucket.all" || fail "listing the bucket"
[ "$(wc -l <"$WORK/bucket.all")" = 15 ] || fail "expected 15 objects: $(cat "$WORK/bucket.all")"
awk '{print $1}' "$WORK/bucket.all" |
    grep -v -E '^(t1/|lake/t2/|t3/a/b.txt$|t4/env.txt$|t5/tok.txt$|t6/r.txt$|t7/big.avro$)' && fail "unexpected keys"
ok "the bucket holds only the uploads that succeeded"

echo "$PASSED passed, 0 failed"
