#!/bin/bash
# The metrics endpoint under hostile clients (issue 18): 40 slow clients that each send a
# header line every 4 s ("slowloris"), then 40 that send one every second, never keep
# /healthz from answering: every probe (twice a second) gets its 200 within 1 s. A flood
# of /metrics requests renders the scrape at most once per 250 ms (the rest are served
# the cached text), so its CPU cost is bounded.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
MP=$(free_port)
"$BUILD/bin/newsworker" run -o kafka.bootstrap.servers=embedded -o "metrics.listen=127.0.0.1:$MP" \
    -o "worker.state_dir=$WORK" >"$WORK/w.out" 2>"$WORK/w.log" &
WPID=$!
PIDS="$PIDS $WPID"
for _ in $(seq 100); do
    curl -s -m 2 -o /dev/null "http://127.0.0.1:$MP/healthz" && break
    sleep 0.1
done
curl -s -m 2 -f -o /dev/null "http://127.0.0.1:$MP/healthz" || fail "the endpoint did not come up"

"$PY" "$SRC/tests/integration/slow_clients.py" "$MP" --clients 40 --interval 4 --seconds 20 \
    >"$WORK/slow4.log" || fail "a /healthz probe went unanswered under 40 slow clients (4 s): $(grep -c FAILED "$WORK/slow4.log") failed; $(tail -1 "$WORK/slow4.log")"
echo "slow clients, a header every 4 s: $(tail -1 "$WORK/slow4.log")"
"$PY" "$SRC/tests/integration/slow_clients.py" "$MP" --clients 40 --interval 1 --seconds 10 \
    >"$WORK/slow1.log" || fail "a /healthz probe went unanswered under 40 slow clients (1 s): $(tail -1 "$WORK/slow1.log")"
echo "slow clients, a header every second: $(tail -1 "$WORK/slow1.log")"

"$PY" "$SRC/tests/integration/metrics_flood.py" "$MP" "$WPID" --requests 2000 >"$WORK/flood.log" ||
    fail "the /metrics flood failed: $(cat "$WORK/flood.log")"
read -r _ n _ cpu _ per _ elapsed _ renders <"$WORK/flood.log"
echo "flood: $(cat "$WORK/flood.log")"
# at most one rendering per 250 ms (+1 for the edges)
max=$((elapsed / 250 + 2))
[ "$renders" -ge 1 ] && [ "$renders" -le "$max" ] ||
    fail "$n requests in $elapsed ms rendered the scrape $renders times (at most $max expected)"
kill -TERM "$WPID"
wait "$WPID" || fail "run exited $? after SIGTERM"
echo "PASS"
