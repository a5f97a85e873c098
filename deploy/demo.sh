#!/bin/bash
# demo.sh — newsworker's main job with no broker: fetch the bundled sample pages
# (tests/fixtures/pages) and print their JSONL records on stdout.
#
#   deploy/demo.sh [BUILD_DIR]        (default: build; built first if the binary is missing)
#
# The pages are served by the project's loopback test server (build/tests/nw_httpd) and
# fetched over HTTP, as `newsworker fetch` would fetch any site; fetch.allow_private=true
# is needed for that, because loopback addresses are refused by default. Without the
# server binary the pages are read as file:// URLs (fetch.allow_file=true).
# Records go to stdout, one per line; progress and logs go to stderr.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-$ROOT/build}
BIN=$BUILD/bin/newsworker
HTTPD=$BUILD/tests/nw_httpd
PAGES=$ROOT/tests/fixtures/pages
SERVER_PID=
# first_line, stop_listener: how the integration tests run the loopback server.
. "$ROOT/tests/integration/listen_lib.sh"
TMP=$(mktemp -d)

cleanup() {
    stop_listener "$SERVER_PID"
    rm -rf "$TMP"
}
trap cleanup EXIT

if [ ! -x "$BIN" ]; then
    echo "demo: building newsworker in $BUILD" >&2
    cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >&2
    cmake --build "$BUILD" -j"$(nproc)" >&2
fi

pages=("$PAGES"/*.html)
[ -e "${pages[0]}" ] || { echo "demo: no pages in $PAGES" >&2; exit 1; }

if [ -x "$HTTPD" ]; then
    "$HTTPD" --root "$PAGES" --port 0 --max-seconds 120 >"$TMP/port" 2>"$TMP/httpd.log" &
    SERVER_PID=$!
    PORT=$(first_line "$TMP/port")
    [ -n "$PORT" ] || { echo "demo: test server did not start" >&2; cat "$TMP/httpd.log" >&2; exit 1; }
    urls=()
    for p in "${pages[@]}"; do
        urls+=("http://127.0.0.1:$PORT/$(basename "$p")")
    done
    echo "demo: newsworker fetch -o fetch.allow_private=true ${urls[*]}" >&2
    timeout 120 "$BIN" fetch -o fetch.allow_private=true "${urls[@]}"
else
    urls=()
    for p in "${pages[@]}"; do
        urls+=("file://$p")
    done
    echo "demo: newsworker fetch -o fetch.allow_file=true ${urls[*]}" >&2
    timeout 120 "$BIN" fetch -o fetch.allow_file=true "${urls[@]}"
fi
