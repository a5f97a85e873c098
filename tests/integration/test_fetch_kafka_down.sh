#!/bin/bash
# `newsworker fetch` to Kafka when Kafka is not there: the "fetch hung 306 s, then exited 1
# with Purged in queue" of issue 14 was a cluster that could not be reached (the producer
# held every record until worker.delivery_timeout_ms, 300 s, and the exit purged them).
#   1. no broker answers at start: exit 1 within seconds, naming the cause, and not one
#      page is fetched (the server's log is empty);
#   2. the broker goes away mid-run: fetch ends about worker.delivery_timeout_ms after its
#      input, exit 1, each lost record reported with its own reason (timed out), none
#      "Purged in queue".
# Usage: test_fetch_kafka_down.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/httpd_lib.sh"

MOCK_PID=
HTTPD_PID=
stop_all() {
    stop_listener "$MOCK_PID"
    stop_listener "$HTTPD_PID"
    cleanup
}
trap stop_all EXIT

"$HTTPD" --root "$PAGES" --port 0 --max-seconds 300 --bomb-mb 1 --log "$TMP/requests.log" \
    >"$TMP/port" 2>"$TMP/httpd.log" &
HTTPD_PID=$!
PORT=$(first_line "$TMP/port")
[ -n "$PORT" ] || fail "nw_httpd did not start: $(cat "$TMP/httpd.log")"
H="http://127.0.0.1:$PORT"

echo "== 1: no broker at all"
DEAD=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
for i in $(seq 20); do echo "$H/article/a$i"; done >"$TMP/in1"
t0=$(date +%s)
rc=0
timeout 120 "$BIN" fetch -o kafka.bootstrap.servers="127.0.0.1:$DEAD" -o fetch.allow_private=true \
    --input "$TMP/in1" >"$TMP/out1" 2>"$TMP/err1" || rc=$?
t1=$(date +%s)
[ "$rc" -eq 1 ] || fail "exit $rc with no broker, expected 1: $(tail -3 "$TMP/err1")"
[ $((t1 - t0)) -lt 60 ] || fail "took $((t1 - t0)) s to give up on an absent broker"
grep -q "no Kafka broker answered" "$TMP/err1" || fail "no clear message: $(tail -3 "$TMP/err1")"
[ ! -s "$TMP/requests.log" ] || fail "pages were fetched although nothing could be delivered"
echo "ok: exit 1 after $((t1 - t0)) s, nothing fetched"

echo "== 2: the broker goes away mid-run"
"$BUILD/tests/nw_mock_cluster" --max-seconds 300 news.articles:2 news.errors:1 \
    >"$TMP/mock.out" 2>"$TMP/mock.log" &
MOCK_PID=$!
BS=$(first_line "$TMP/mock.out")
[ -n "$BS" ] || fail "mock cluster did not start: $(cat "$TMP/mock.log")"
rc=0
{
    for i in 1 2 3 4 5; do echo "$H/article/b$i"; done
    sleep 3
    stop_listener "$MOCK_PID"
    echo "lost" >"$TMP/lost"
    for i in 6 7 8 9 10; do echo "$H/article/b$i"; done
    date +%s >"$TMP/input_end"
} | timeout 120 "$BIN" fetch -o kafka.bootstrap.servers="$BS" -o fetch.allow_private=true \
    -o worker.delivery_timeout_ms=3000 --input - >"$TMP/out2" 2>"$TMP/err2" || rc=$?
t1=$(date +%s)
[ -f "$TMP/lost" ] || fail "the broker was not stopped"
[ "$rc" -eq 1 ] || fail "exit $rc after losing the broker, expected 1: $(tail -3 "$TMP/err2")"
t_end=$(cat "$TMP/input_end")
[ $((t1 - t_end)) -lt 30 ] || fail "fetch ended $((t1 - t_end)) s after its input (delivery timeout 3 s)"
grep -q "Purged" "$TMP/err2" && fail "records purged instead of reported: $(grep Purged "$TMP/err2" | head -2)"
lost=$(grep -c "could not be delivered" "$TMP/err2" || true)
[ "$lost" -ge 5 ] && [ "$lost" -le 10 ] || fail "$lost records reported undelivered, expected 5..10: $(tail -5 "$TMP/err2")"
timed_out=$(grep "could not be delivered" "$TMP/err2" | grep -c "timed out" || true)
[ "$timed_out" -eq "$lost" ] || fail "undelivered records without a timeout reason: $(grep 'could not be delivered' "$TMP/err2" | head -3)"
echo "ok: exit 1 $((t1 - t_end)) s after the input ended, $lost records reported timed out"

echo "PASS"
