#!/bin/bash
# newsworker run with metrics.listen: /readyz goes 503 -> 200 once the producer reaches a
# broker and partitions are assigned, and back to 503 when the broker goes away, while
# /healthz stays 200; the /metrics scrape passes `promtool check metrics` and its counters
# match the records read back with kcat; Debian's Prometheus server scrapes the worker and
# answers a query for a newsworker series; log.format=json lines parse and carry fields.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

command -v promtool >/dev/null || fail "promtool missing (Debian package prometheus)"
command -v prometheus >/dev/null || fail "prometheus missing (Debian package prometheus)"
command -v curl >/dev/null || fail "curl missing"

# http PATH — prints "STATUS BODY" of a GET on the worker's endpoint.
http() { curl -s -m 5 -o "$WORK/body" -w '%{http_code}' "http://127.0.0.1:$MP$1" || true; }
free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
metric() { # metric NAME_WITH_LABELS — value in the last scrape (0 when absent)
    awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }' "$WORK/scrape.txt"
}

# Per-command help: run's own, not the global one; a bad metrics.listen is refused.
"$BUILD/bin/newsworker" run --help >"$WORK/help.txt" || fail "run --help exit code"
grep -q '^usage: newsworker run' "$WORK/help.txt" || fail "run --help is not run's help"
grep -q '^commands:' "$WORK/help.txt" && fail "run --help prints the global help"
grep -q 'metrics.listen' "$WORK/help.txt" || fail "run --help does not list metrics.listen"
"$BUILD/bin/newsworker" run -o kafka.bootstrap.servers=127.0.0.1:1 -o metrics.listen=nonsense \
    2>"$WORK/bad.txt"
[ $? = 2 ] && grep -q 'metrics.listen' "$WORK/bad.txt" || fail "bad metrics.listen not refused"

start_mock --brokers 1 news.urls:2 news.articles:2 news.errors:1
start_httpd
# The broker is off the network when the worker starts: not ready, yet healthy.
mock_cmd broker-down 1
sleep 0.5
# The 4 refused jobs (a dead port) and their retries are 8 failures in a row on one host:
# the circuit breaker would fail some without a fetch, so it is off here to count fetches
# exactly (test_fetch_hosts tests the breaker).
start_worker w1 -o metrics.listen=127.0.0.1:0 -o kafka.statistics.interval.ms=300 \
    -o log.format=json -o worker.max_in_flight=4 -o fetch.breaker_failures=0
for _ in $(seq 100); do
    MP=$(grep -o '"msg":"serving /metrics[^"]*(port [0-9]*)' "$WORK/w1.log" 2>/dev/null |
        grep -o 'port [0-9]*' | awk '{print $2}')
    [ -n "$MP" ] && break
    sleep 0.1
done
[ -n "$MP" ] || fail "no metrics port in the log"
for i in $(seq 10); do
    [ "$(http /readyz)" = 503 ] || fail "/readyz not 503 with the broker down ($(cat "$WORK/body"))"
    why=$(cat "$WORK/body")
    [ "$(http /healthz)" = 200 ] || fail "/healthz not 200 with the broker down"
    sleep 0.2
done
echo "broker down: /readyz 503 ($why), /healthz 200"
[ "$(http /nothing)" = 404 ] || fail "unknown path not 404"

mock_cmd broker-up 1
ready=""
for _ in $(seq 150); do
    [ "$(http /readyz)" = 200 ] && { ready=1; break; }
    sleep 0.2
done
[ -n "$ready" ] || fail "/readyz never became 200 after the broker came back ($(cat "$WORK/body"))"
echo "broker up: /readyz 200"

# Fetched pages answer after 600 ms and at most 4 jobs are in flight: the backlog waits
# in the topic for a few seconds, and the lag shows it.
N=$(make_jobs "$WORK/jobs.txt" 24 6 4 6 600)
produce_jobs_spread "$WORK/jobs.txt" 2
lag_seen=0
for _ in $(seq 100); do
    [ "$(http /metrics)" = 200 ] || fail "/metrics not 200"
    lag_seen=$(awk '/^newsworker_kafka_consumer_lag\{topic="news.urls"/ { s += $2 } END { print s + 0 }' "$WORK/body")
    [ "$lag_seen" -gt 0 ] && break
    sleep 0.2
done
[ "$lag_seen" -gt 0 ] || fail "consumer lag never rose above 0 with a backlog"
echo "backlog: consumer lag $lag_seen"
wait_for_jobs "$N" 120 || fail "not every job got a record in time"
articles=$(kcat -b "$BS" -C -t news.articles -e -o beginning -q | wc -l)
errors=$(kcat -b "$BS" -C -t news.errors -e -o beginning -q | wc -l)
echo "read back: $articles articles, $errors errors for $N jobs"
[ $((articles + errors)) = "$N" ] || fail "records read back: $articles + $errors != $N"
# A record is readable as soon as the broker has it; the worker counts it when its
# delivery report is served, and the lag when the next statistics come: scrape until then.
for _ in $(seq 40); do
    [ "$(http /metrics)" = 200 ] || fail "/metrics not 200"
    cp "$WORK/body" "$WORK/scrape.txt"
    [ "$(metric 'newsworker_records_produced_total{topic="news.errors",result="delivered"}')" = "$errors" ] &&
        [ "$(metric 'newsworker_records_produced_total{topic="news.articles",result="delivered"}')" = "$articles" ] &&
        [ "$(grep -c '^newsworker_kafka_consumer_lag{topic="news.urls",partition="[01]"} 0$' "$WORK/scrape.txt")" = 2 ] &&
        break
    sleep 0.5
done
[ -n "${NW_SCRAPE_OUT:-}" ] && cp "$WORK/scrape.txt" "$NW_SCRAPE_OUT"
promtool check metrics <"$WORK/scrape.txt" >"$WORK/promtool.out" 2>&1 ||
    { cat "$WORK/promtool.out"; fail "promtool check metrics failed"; }
echo "promtool check metrics: ok ($(grep -c '^newsworker_' "$WORK/scrape.txt") samples)"
for pair in "newsworker_jobs_consumed_total $N" \
    "newsworker_jobs_total{result=\"article\"} $articles" \
    "newsworker_jobs_total{result=\"error\"} $errors" \
    "newsworker_records_produced_total{topic=\"news.articles\",result=\"delivered\"} $articles" \
    "newsworker_records_produced_total{topic=\"news.errors\",result=\"delivered\"} $errors" \
    "newsworker_job_errors_total{stage=\"fetch\",code=\"http_404\"} 6" \
    "newsworker_fetches_total{code=\"http_404\",status_class=\"4xx\"} 6" \
    "newsworker_fetches_total{code=\"refused\",status_class=\"none\"} 4" \
    "newsworker_jobs_in_flight 0" "newsworker_partitions_assigned 2" \
    "newsworker_duplicate_jobs_total 0" "newsworker_ready 1" \
    "newsworker_fetch_retries_total 4" "newsworker_fetch_pending_urls 0" \
    "newsworker_fetch_hosts 0" "newsworker_fetch_host_queue_max 0"; do
    name=${pair% *}
    want=${pair##* }
    got=$(metric "$name")
    [ "$got" = "$want" ] || fail "$name = $got, expected $want"
done
ok_fetches=$(metric 'newsworker_fetches_total{code="ok",status_class="2xx"}')
fetch_count=$(metric newsworker_fetch_duration_seconds_count)
extract_count=$(metric 'newsworker_stage_duration_seconds_count{stage="extract"}')
[ "$ok_fetches" -gt 0 ] || fail "no successful fetch counted"
[ "$(metric newsworker_fetch_body_bytes_total)" -gt 0 ] || fail "no fetched bytes counted"
# Every fetch that reached a server is timed; every article went through extract.
[ "$fetch_count" -ge $((ok_fetches + 6)) ] || fail "fetch histogram count $fetch_count"
[ "$extract_count" -ge "$articles" ] || fail "extract histogram count $extract_count < $articles"
[ "$(grep -c '^newsworker_kafka_consumer_lag{topic="news.urls",partition="[01]"} 0$' "$WORK/scrape.txt")" = 2 ] ||
    fail "consumer lag of news.urls partitions 0 and 1 is not 0"
echo "counters match the records: ok"

# Prometheus itself scrapes the worker and answers a query.
PP=$(free_port)
mkdir -p "$WORK/prom"
cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: newsworker
    static_configs:
      - targets: ["127.0.0.1:$MP"]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prom" \
    --web.listen-address="127.0.0.1:$PP" >"$WORK/prometheus.log" 2>&1 &
PIDS="$PIDS $!"
value=""
for _ in $(seq 120); do
    value=$(curl -s -m 2 "http://127.0.0.1:$PP/api/v1/query?query=newsworker_jobs_consumed_total" |
        "$PY" -c 'import json,sys
d = json.load(sys.stdin)
r = d["data"]["result"]
print(r[0]["value"][1] if d["status"] == "success" and r else "")' 2>/dev/null)
    [ -n "$value" ] && break
    sleep 0.5
done
[ "$value" = "$N" ] || fail "Prometheus query newsworker_jobs_consumed_total gave '$value', expected $N"
echo "prometheus query: newsworker_jobs_consumed_total = $value"

# The broker goes away: not ready any more, still healthy.
mock_cmd quit
notready=""
for _ in $(seq 150); do
    [ "$(http /readyz)" = 503 ] && { notready=1; break; }
    sleep 0.2
done
[ -n "$notready" ] || fail "/readyz still 200 after the broker went away"
echo "broker gone: /readyz 503 ($(cat "$WORK/body"))"
for i in $(seq 5); do
    [ "$(http /healthz)" = 200 ] || fail "/healthz not 200 after the broker went away"
    sleep 0.2
done

# Every stderr line is one JSON object with ts, level, component and msg; failed jobs
# carry url, topic, partition, offset and code.
"$PY" - "$WORK/w1.log" "$N" <<'PYEOF' || fail "JSON log check"
import json, sys
path = sys.argv[1]
fails = 0
n = 0
for i, line in enumerate(open(path, encoding="utf-8")):
    n += 1
    obj = json.loads(line)
    for k in ("ts", "level", "component", "msg"):
        assert isinstance(obj.get(k), str), "line %d lacks %s: %r" % (i + 1, k, line)
    assert obj["level"] in ("error", "warn", "info", "debug"), line
    assert obj["ts"].endswith("Z") and "T" in obj["ts"], line
    if obj["component"] == "run" and "failed at" in obj["msg"]:
        fails += 1
        # A malformed job has no URL to show; every other failure has one.
        for k in ("topic", "code") if obj.get("code") == "invalid_job" else ("url", "topic", "code"):
            assert isinstance(obj.get(k), str), "failed-job line lacks %s: %r" % (k, line)
        for k in ("partition", "offset"):
            assert isinstance(obj.get(k), int), "failed-job line lacks %s: %r" % (k, line)
        assert obj["topic"] == "news.urls", line
print("json log: %d lines, %d failed-job lines with fields" % (n, fails))
# 6 not found + 4 refused + 6 malformed jobs
assert fails == 16, "expected 16 failed-job lines, got %d" % fails
PYEOF
grep -q '"code":"http_404","http_status":404' "$WORK/w1.log" || fail "no http_404 line with its status"
stop_worker w1
echo "PASS"
