#!/bin/bash
# The lake's closed files uploaded to S3 (output.dir + output.s3.*), with the real binary
# against s3rver behind s3_front.py (which verifies every SigV4 signature with botocore):
# 1. extract: the bucket's keys are the lake's layout and bytes (keep_local=true), and
#    with keep_local=false the local copies are gone and the bucket holds the same lake;
# 2. run over keyed jobs on 4 partitions, killed with kill -9 twice and restarted (with
#    other file sizes each time): every job is in exactly one object of the bucket
#    (downloaded with botocore, counted with DuckDB), the objects of uncommitted attempts
#    having been deleted at the restarts;
# 3. S3 down (every PUT answered 503 SlowDown for a while): no offset is committed and no
#    object appears; when S3 is back the worker recovers by itself, each job once;
# 4. bad credentials at start: exit 2; output.s3.bucket without output.dir: exit 2;
#    S3 unreachable at start: exit 1.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"
. "$SRC/tests/integration/s3_lib.sh"
export NODE_PATH=/opt/newsworker-npm/node_modules
NW="${NW_BIN:-$BUILD/bin/newsworker}"
PAGES="$SRC/tests/fixtures/pages"

start_s3rver 550
start_front main
read -ra S3 <<<"$(s3_opts "$FP")"
jfield() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
jobs_in_bucket() { # PREFIX — DuckDB per job over the bucket's objects, downloaded fresh
    rm -rf "$WORK/dl-$1"
    bucket_download "$1/" "$WORK/dl-$1" >/dev/null 2>&1
    node "$SRC/tests/integration/lake_duckdb.js" "$WORK/dl-$1" --jobs 2>/dev/null ||
        echo '{"count":0,"distinct_ids":0,"max_per_id":0}'
}
# objects FRONT PATHREGEX — uploads S3 confirmed through that front (PUT answered 200)
objects() { requests "$1" "^PUT /lake/$2" | awk '$3 == 200' | wc -l; }

# ---- 1. extract ----
L1=$WORK/ex-keep
L2=$WORK/ex-drop
mkdir -p "$L1" "$L2"
"$NW" extract -o output.dir="$L1" -o output.max_records=1 "${S3[@]}" -o output.s3.prefix=ex1 \
    -o output.s3.keep_local=true "$PAGES"/*.html >"$WORK/ex1.out" 2>"$WORK/ex1.log" ||
    fail "extract with keep_local=true: exit $?"
local_listing "$L1" ex1 >"$WORK/ex1.local"
bucket_listing ex1/ >"$WORK/ex1.bucket"
n1=$(wc -l <"$WORK/ex1.local")
[ "$n1" -ge 3 ] || fail "extract wrote $n1 files for 3 pages"
grep -Eqv '^ex1/(articles|errors)/dt=[0-9]{4}-[0-9]{2}-[0-9]{2}/hour=[0-9]{2}/(articles|errors)\+local-' \
    "$WORK/ex1.local" && fail "a file outside the lake layout: $(cat "$WORK/ex1.local")"
diff "$WORK/ex1.local" "$WORK/ex1.bucket" >&2 || fail "the bucket differs from the lake (keys, sizes or sha256)"
echo "ok - extract: $n1 files, bucket keys and bytes = the lake's (keep_local=true)"

"$NW" extract -o output.dir="$L2" -o output.max_records=1 "${S3[@]}" -o output.s3.prefix=ex2/ \
    "$PAGES"/*.html >"$WORK/ex2.out" 2>"$WORK/ex2.log" || fail "extract with keep_local=false: exit $?"
[ -z "$(find "$L2" -type f)" ] || fail "local files left with keep_local=false: $(find "$L2" -type f)"
bucket_download ex2/ "$WORK/ex2.dl" >"$WORK/ex2.bucket" || fail "download"
# Same layout and records as the first run's (names and fetched_at differ between runs).
shape() { sed -E 's#^[^/]+/##; s#/[^/]+ [0-9]+ [0-9a-f]+$##' "$1" | sort; }
[ "$(shape "$WORK/ex1.bucket")" = "$(shape "$WORK/ex2.bucket")" ] ||
    fail "keep_local=false uploaded another layout: $(cat "$WORK/ex2.bucket")"
r1=$(node "$SRC/tests/integration/lake_duckdb.js" "$L1" articles url fetched_at)
r2=$(node "$SRC/tests/integration/lake_duckdb.js" "$WORK/ex2.dl" articles url fetched_at)
[ "$(jfield "$r1" count)" = 3 ] && [ "$(jfield "$r2" count)" = 3 ] &&
    [ "$(jfield "$r2" distinct_ids)" = 3 ] && [ "$(jfield "$r2" bad_partition)" = 0 ] ||
    fail "DuckDB over the downloaded lake: $r2 (local lake: $r1)"
echo "ok - extract: keep_local=false leaves no local file; the bucket holds the lake ($r2)"

# Avro: the same, read back with python3-avro against the committed schema.
L3=$WORK/ex-avro
mkdir -p "$L3"
"$NW" extract -o output.dir="$L3" -o output.format=avro -o output.max_records=2 "${S3[@]}" \
    -o output.s3.prefix=ex3 -o output.s3.keep_local=true "$PAGES"/*.html >"$WORK/ex3.out" \
    2>"$WORK/ex3.log" || fail "extract avro: exit $?"
local_listing "$L3" ex3 >"$WORK/ex3.local"
bucket_download ex3/ "$WORK/ex3.dl" >"$WORK/ex3.bucket" || fail "download"
[ "$(wc -l <"$WORK/ex3.local")" -ge 2 ] && diff "$WORK/ex3.local" "$WORK/ex3.bucket" >&2 ||
    fail "the Avro bucket differs from the lake"
a=$("$PY" "$SRC/tests/integration/check_avro_lake.py" "$WORK/ex3.dl" "$SRC/schemas" | grep by_url) ||
    fail "python3-avro: the downloaded Avro lake does not validate"
[ "$(jfield "$a" count)" = 3 ] || fail "python3-avro over the downloaded lake: $a"
echo "ok - extract avro: bucket = lake ($(wc -l <"$WORK/ex3.bucket") files), python3-avro validates it: $a"

# ---- 4. refusals at start ----
L4=$WORK/refused
mkdir -p "$L4"
"$NW" extract -o output.dir="$L4" "${S3[@]}" -o output.s3.secret_access_key=wrong \
    "$PAGES"/*.html >/dev/null 2>"$WORK/bad.err"
rc=$?
[ $rc = 2 ] || fail "a wrong secret: exit $rc, want 2: $(cat "$WORK/bad.err")"
grep -q "output.s3" "$WORK/bad.err" && grep -q SignatureDoesNotMatch "$WORK/bad.err" ||
    fail "the refusal does not say why: $(cat "$WORK/bad.err")"
"$NW" extract -o output.s3.bucket=lake "$PAGES"/*.html >/dev/null 2>"$WORK/nodir.err"
rc=$?
[ $rc = 2 ] && grep -q "output.s3.bucket: needs output.dir" "$WORK/nodir.err" ||
    fail "output.s3.bucket without output.dir: exit $rc: $(cat "$WORK/nodir.err")"
"$NW" extract -o output.dir="$L4" "${S3[@]}" -o output.s3.endpoint=http://127.0.0.1:1 \
    -o output.s3.retries=0 "$PAGES"/*.html >/dev/null 2>"$WORK/down.err"
rc=$?
[ $rc = 1 ] && grep -q "s3://lake/" "$WORK/down.err" ||
    fail "S3 unreachable at start: exit $rc: $(cat "$WORK/down.err")"
[ -z "$(find "$L4" -type f)" ] || fail "files written although the start was refused"
echo "ok - refused at start: wrong secret (exit 2), bucket without output.dir (exit 2), S3 unreachable (exit 1)"

# ---- 2. run, kill -9 twice ----
start_mock news.urls:4 news.articles:4 news.errors:2
start_httpd
# Slow pages (250 ms) keep jobs in flight and segments open when the worker dies.
N=$(make_jobs "$WORK/jobs.txt" 120 12 0 0 250)
produce_jobs_spread "$WORK/jobs.txt" 4

# fetch: the lake's files uploaded, the local copies removed.
LF=$WORK/fetch
mkdir -p "$LF"
head -n 24 "$WORK/jobs.txt" >"$WORK/fetch-jobs.txt"
"$NW" fetch --input "$WORK/fetch-jobs.txt" -o fetch.allow_private=true -o output.dir="$LF" \
    -o output.max_records=5 "${S3[@]}" -o output.s3.prefix=fetch >"$WORK/fetch.out" 2>"$WORK/fetch.log" ||
    fail "fetch: exit $?"
[ -z "$(find "$LF" -type f)" ] || fail "fetch left local copies: $(find "$LF" -type f)"
bucket_download fetch/ "$WORK/fetch.dl" >/dev/null || fail "download"
r=$(node "$SRC/tests/integration/lake_duckdb.js" "$WORK/fetch.dl" articles url fetched_at)
[ "$(jfield "$r" count)" = 24 ] && [ "$(jfield "$r" distinct_ids)" = 24 ] &&
    [ "$(jfield "$r" bad_partition)" = 0 ] ||
    fail "fetch: the bucket holds $r for 24 jobs"
echo "ok - fetch: 24 jobs in $(bucket_listing fetch/ | wc -l) objects, no local copy left"

start_worker badcred -o kafka.group.id=lake-bad -o output.dir="$L4" "${S3[@]}" \
    -o output.s3.access_key_id=AKIDUNKNOWN
stop_wait() { # the worker's exit code, waiting for it to end by itself
    local pid
    eval "pid=\$WPID_$1"
    wait "$pid"
    CODE=$?
}
stop_wait badcred
[ "$CODE" = 2 ] && grep -q InvalidAccessKeyId "$WORK/badcred.log" ||
    fail "run with an unknown access key: exit $CODE"
echo "ok - run with an unknown access key: exit 2"

committed() { # GROUP — the group's committed offsets, summed over the 4 partitions
    "$PY" - "$BS" "$1" <<'PYEOF' 2>/dev/null || echo "?"
import sys
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=sys.argv[1].split(","), group_id=sys.argv[2],
                  enable_auto_commit=False, api_version=(2, 5, 0))
print(sum(c.committed(TopicPartition("news.urls", p)) or 0 for p in range(4)))
PYEOF
}

LK=$WORK/lake-k9
mkdir -p "$LK"
opts=(-o kafka.group.id=lake-s3-k9 -o output.dir="$LK" -o output.max_age_ms=400
    -o worker.max_in_flight=48 -o output.s3.prefix=k9 "${S3[@]}")
# Each start cuts files at another size (5, 3, then 7 records), so a replay's files start
# at other offsets than the killed attempt's and cannot just overwrite its objects: the
# objects of the uncommitted attempts must be deleted, or jobs would be counted twice.
t0=$SECONDS
n=0
for target in 6 14; do
    n=$((n + 1))
    start_worker "k$n" "${opts[@]}" -o output.max_records=$((7 - 2 * n))
    eval "pid=\$WPID_k$n"
    end=$((SECONDS + 90))
    while [ "$(objects main k9/)" -lt "$target" ]; do
        [ $SECONDS -lt $end ] || fail "no uploads before kill $n"
        sleep 0.2
    done
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    echo "kill -9 number $n after $(objects main k9/) uploads"
done
start_worker k3 "${opts[@]}" -o output.max_records=7
end=$((SECONDS + 180))
while :; do
    r=$(jobs_in_bucket k9)
    [ "$(jfield "$r" distinct_ids)" = "$N" ] && break
    [ $SECONDS -lt $end ] || fail "not every job reached the bucket: $r"
    sleep 1
done
stop_worker k3
[ "$CODE" = 0 ] || fail "exit code $CODE after SIGTERM"
r=$(jobs_in_bucket k9)
deleted=$(requests main '^DELETE /lake/k9/' | awk '$3 == 204 || $3 == 200' | wc -l)
echo "run kill -9 x2: jobs=$N bucket $r; $(objects main k9/) uploads, $deleted objects of" \
    "uncommitted attempts deleted, $((SECONDS - t0)) s"
[ "$(jfield "$r" count)" = "$N" ] || fail "$(jfield "$r" count) records in the bucket for $N jobs"
[ "$(jfield "$r" max_per_id)" = 1 ] || fail "a job in two objects"
[ "$(committed lake-s3-k9)" = "$N" ] || fail "committed offsets $(committed lake-s3-k9), want $N"
[ -z "$(find "$LK" -type f -not -name '.*')" ] || fail "local copies left with keep_local=false"
[ -z "$(find "$LK" -name '.*' -type f)" ] || fail "temp files left after a clean stop"
echo "ok - run: kill -9 twice, each job in exactly one object of the bucket"

# ---- 3. S3 down for a while ----
touch "$WORK/outage"
start_front down --always 503 --match '^PUT ' --always-while "$WORK/outage"
read -ra DOWN <<<"$(s3_opts "$FP")"
LD=$WORK/lake-down
mkdir -p "$LD"
t0=$SECONDS
start_worker down -o kafka.group.id=lake-s3-down -o output.dir="$LD" -o output.max_records=10 \
    -o output.max_age_ms=300 "${DOWN[@]}" -o output.s3.prefix=down -o output.s3.retries=1 \
    -o output.s3.retry_backoff_ms=50
end=$((SECONDS + 90))
until [ "$(requests down '^PUT ' | awk '$3 == 503' | wc -l)" -ge 8 ]; do
    [ $SECONDS -lt $end ] || fail "the worker did not try to upload"
    sleep 0.2
done
c=$(committed lake-s3-down)
fails=$(requests down '^PUT ' | awk '$3 == 503' | wc -l)
echo "S3 down: $fails PUTs answered 503; committed offsets $c; objects $(bucket_listing down/ | wc -l)"
[ "$c" = 0 ] || fail "offsets committed while no upload succeeded: $c"
[ -z "$(bucket_listing down/)" ] || fail "an object in the bucket while PUTs fail"
[ -n "$(find "$LD" -type f -not -name '.*')" ] || fail "the closed files were not kept while S3 is down"
rm -f "$WORK/outage"
t1=$SECONDS
end=$((SECONDS + 180))
while :; do
    r=$(jobs_in_bucket down)
    [ "$(jfield "$r" distinct_ids)" = "$N" ] && [ "$(committed lake-s3-down)" = "$N" ] && break
    [ $SECONDS -lt $end ] || fail "no recovery after S3 came back: $r, committed $(committed lake-s3-down)"
    sleep 1
done
stop_worker down
[ "$CODE" = 0 ] || fail "exit code $CODE after recovery and SIGTERM"
r=$(jobs_in_bucket down)
echo "S3 back: recovered in $((SECONDS - t1)) s: jobs=$N $r, committed $(committed lake-s3-down)"
[ "$(jfield "$r" count)" = "$N" ] && [ "$(jfield "$r" max_per_id)" = 1 ] || fail "after recovery: $r"
[ -z "$(find "$LD" -type f -not -name '.*')" ] || fail "local copies left after the uploads"
grep -q "publishing .* failed (will retry)" "$WORK/down.log" || fail "the failed uploads were not logged"
echo "ok - S3 down: nothing committed while uploads fail; recovered by itself, each job once"
echo "PASS"
