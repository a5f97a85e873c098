# shellcheck shell=bash
# listen_lib.sh — waiting for a loopback server started in the background (nw_httpd,
# nw_mock_cluster) to print its address (a port, a bootstrap list) as its first line, and
# stopping it. Sourced by httpd_lib.sh, run_lib.sh, test_fetch_kafka.sh and deploy/demo.sh.
# Only defines functions: no traps, no variables, nothing started.

# first_line FILE — waits up to 10 s for FILE (the server's redirected stdout) to hold a
# line and prints the first one; prints nothing if none came in time (the caller fails
# then, and still stops the server it started).
first_line() {
    for _ in $(seq 100); do
        [ -s "$1" ] && break
        sleep 0.1
    done
    head -n 1 "$1" 2>/dev/null || true
}

# stop_listener PID — stops a server this shell started and reaps it; nothing if PID is
# empty (the server was never started). Never fails: it runs from EXIT traps.
stop_listener() {
    if [ -n "$1" ]; then
        kill "$1" 2>/dev/null || true
        wait "$1" 2>/dev/null || true
    fi
}
