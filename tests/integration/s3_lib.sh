# shellcheck shell=bash
# s3_lib.sh — the S3 test server for integration tests: s3rver (npm, a third-party S3
# implementation) on loopback, behind s3_front.py, which verifies every request's SigV4
# signature and payload hash with botocore and can inject faults; listings and reads with
# botocore (s3_list.py). Sourced after listen_lib.sh by a script that sets WORK, SRC, PY,
# PIDS (every server started here is added to it, for the script's cleanup) and fail().

S3_HERE="$SRC/tests/integration"
REGION=eu-test-1
KEY=AKIDNEWSWORKERTEST
SECRET='wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
TKEY=ASIATEMPORARYKEY
TSECRET='temp/secret+value'
TOKEN='FwoGZXIvYXdzEBYaDHtoken/with+chars=='

# The test owns its environment: no credentials or settings from the caller.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION
for v in $(env | grep -o '^NEWSWORKER_[A-Z0-9_]*'); do unset "$v"; done

# wait_line FILE — the first line of a server's stdout (its port), waiting up to 60 s.
wait_line() {
    for _ in $(seq 600); do
        [ -s "$1" ] && break
        sleep 0.1
    done
    head -n 1 "$1" 2>/dev/null || true
}

# start_s3rver [SECONDS] — s3rver with bucket "lake", objects under $WORK/store; sets SP.
start_s3rver() {
    mkdir -p "$WORK/store"
    NODE_PATH=/opt/newsworker-npm/node_modules node "$S3_HERE/s3rver_run.js" "$WORK/store" lake \
        "${1:-550}" >"$WORK/s3rver.out" 2>"$WORK/s3rver.log" &
    PIDS="$PIDS $!"
    SP=$(wait_line "$WORK/s3rver.out")
    [ -n "$SP" ] || fail "s3rver did not start"
}

# start_front NAME [s3_front.py options] — the verifying front before s3rver, accepting
# KEY:SECRET and TKEY:TSECRET (with TOKEN); sets FP to its port; requests logged in
# $WORK/NAME.jsonl.
start_front() {
    local name=$1
    shift
    $PY "$S3_HERE/s3_front.py" --upstream "127.0.0.1:$SP" --region "$REGION" \
        --key "$KEY:$SECRET" --key "$TKEY:$TSECRET" --token "$TKEY:$TOKEN" \
        --log "$WORK/$name.jsonl" --max-seconds "${S3_FRONT_SECONDS:-550}" "$@" \
        >"$WORK/$name.out" 2>"$WORK/$name.log" &
    PIDS="$PIDS $!"
    FP=$(wait_line "$WORK/$name.out")
    [ -n "$FP" ] || fail "s3_front $name did not start"
}

# s3_opts PORT — the output.s3.* options for the test's bucket behind the front at PORT.
s3_opts() {
    echo "-o output.s3.bucket=lake -o output.s3.endpoint=http://127.0.0.1:$1" \
        "-o output.s3.path_style=true -o output.s3.region=$REGION" \
        "-o output.s3.access_key_id=$KEY -o output.s3.secret_access_key=$SECRET"
}

# local_listing DIR PREFIX — "PREFIX/KEY SIZE SHA256" lines for the visible files under DIR
# (names starting with '.' skipped), like s3_list.py's.
local_listing() {
    $PY - "$1" "$2" <<'PYEOF'
import hashlib, os, sys
root, prefix = sys.argv[1], sys.argv[2]
rows = []
for d, _, files in os.walk(root):
    for f in files:
        if f.startswith("."):
            continue
        p = os.path.join(d, f)
        data = open(p, "rb").read()
        rows.append("%s/%s %d %s" % (prefix, os.path.relpath(p, root), len(data),
                                     hashlib.sha256(data).hexdigest()))
for r in sorted(rows):
    print(r)
PYEOF
}

# bucket_listing PREFIX — "KEY SIZE SHA256" of every object under PREFIX, read with botocore
# straight from s3rver.
bucket_listing() { $PY "$S3_HERE/s3_list.py" "http://127.0.0.1:$SP" lake "$1"; }

# bucket_download PREFIX DIR — every object under PREFIX into DIR/<key without PREFIX>.
bucket_download() { $PY "$S3_HERE/s3_list.py" "http://127.0.0.1:$SP" lake "$1" --download "$2"; }

# requests FRONT REGEX — the front's log lines whose "METHOD PATH?QUERY" (path decoded) matches, as
# "METHOD QUERY STATUS BYTES T" lines.
requests() {
    $PY - "$WORK/$1.jsonl" "$2" <<'PYEOF'
import json, re, sys, urllib.parse
pat = re.compile(sys.argv[2])
for line in open(sys.argv[1]):
    r = json.loads(line)
    path = urllib.parse.unquote(r["path"])
    if pat.search("%s %s?%s" % (r["method"], path, r["query"])):
        print(r["method"], r["query"] or "-", r["status"], r["bytes"], "%.3f" % r["t"])
PYEOF
}
