# shellcheck shell=bash
# watch_lib.sh — sourced by the `newsworker watch` tests: starts the loopback feed server
# (nw_feedd) and checks emitted jobs. Expects $1 = build dir, $2 = source dir.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/listen_lib.sh"
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
BIN=$BUILD/bin/newsworker
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/nw_watch_test.XXXXXX)
FEEDD_PID=
EXTRA_PIDS=

watch_cleanup() {
    for p in $EXTRA_PIDS; do kill -TERM "$p" 2>/dev/null; done
    for p in $EXTRA_PIDS; do wait "$p" 2>/dev/null; done
    stop_listener "$FEEDD_PID"
    exec 7>&- 2>/dev/null
    if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap watch_cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    for f in "$WORK"/*.err "$WORK"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f (last 15 lines)" >&2
        tail -15 "$f" >&2
    done
    exit 1
}

# start_feedd [ARGS...] — sets FP (port); requests are logged to $WORK/feedd.log.
start_feedd() {
    "$BUILD/tests/nw_feedd" --port 0 --max-seconds 500 --log "$WORK/feedd.log" "$@" \
        >"$WORK/feedd.out" 2>"$WORK/feedd.err" &
    FEEDD_PID=$!
    FP=$(first_line "$WORK/feedd.out")
    [ -n "$FP" ] || fail "nw_feedd did not start"
}

set_gen() { curl -sf "http://127.0.0.1:$FP/ctl/gen?set=$1" >/dev/null || fail "set gen $1"; }

# urls FILE — the job URLs of a JSONL file, one a line, in order.
urls() { "$PY" -c 'import json,sys
for l in open(sys.argv[1]):
    if l.strip(): print(json.loads(l)["url"])' "$1"; }
