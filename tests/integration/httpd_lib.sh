# httpd_lib.sh — sourced by the integration tests that fetch from the loopback test server.
# Expects $1 = build dir, $2 = source dir (as ctest passes them). Sets BUILD, SRC, BIN,
# HTTPD, PAGES, PY, TMP; removes TMP and stops the servers on exit; start_server sets
# SERVER_PID and PORT; serve_logged starts more servers, each on an address of its own.

. "$(dirname "${BASH_SOURCE[0]}")/listen_lib.sh"

BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
BIN=$BUILD/bin/newsworker
HTTPD=$BUILD/tests/nw_httpd
PAGES=$SRC/tests/fixtures/pages
PY=/usr/bin/python3
TMP=$(mktemp -d)
SERVER_PID=
SERVERS=()

cleanup() {
    for pid in "${SERVERS[@]}"; do stop_listener "$pid"; done
    stop_listener "$SERVER_PID"
    rm -rf "$TMP"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Starts nw_httpd on an ephemeral loopback port; sets SERVER_PID and PORT.
start_server() {
    "$HTTPD" --root "$PAGES" --port 0 --max-seconds 300 >"$TMP/port" 2>"$TMP/httpd.log" &
    SERVER_PID=$!
    PORT=$(first_line "$TMP/port")
    [ -n "$PORT" ] || fail "nw_httpd did not print its port: $(cat "$TMP/httpd.log")"
}

# serve_logged ADDR ROOT LOG VAR: starts nw_httpd on ADDR serving ROOT, logging every request
# to LOG (the server's own view: what was asked, when); sets VAR to its port.
serve_logged() {
    local out port
    out=$(mktemp -p "$TMP")
    "$HTTPD" --root "$2" --bind "$1" --port 0 --max-seconds 300 --bomb-mb 1 --log "$3" >"$out" 2>>"$TMP/httpd.log" &
    SERVERS+=($!)
    port=$(first_line "$out")
    [ -n "$port" ] || fail "nw_httpd on $1 did not start: $(cat "$TMP/httpd.log")"
    printf -v "$4" '%s' "$port"
}
