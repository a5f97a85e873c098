#!/bin/bash
# newsworker run, scenario 1: N jobs (good pages, inline pages, 404s, refused connections,
# malformed jobs) give exactly N records, each on the right topic, keyed and with headers,
# schema-valid; routed copies reach the rule's topic; a restart repeats nothing because
# the offsets were committed.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"

start_mock news.urls:4 news.articles:4 news.errors:2 news.local:2
start_httpd
N=$(make_jobs "$WORK/jobs.txt" 120 30 20 30)
GOOD_FETCHED=90 # good pages served by nw_httpd (every 4th good job is inline)
printf 'domain=127.0.0.1 -> news.local\n# inline pages stay on news.articles only\n' \
    >"$WORK/rules"
produce_jobs "$WORK/jobs.txt"

start_worker w1 -o route.rules="$WORK/rules" -o worker.max_in_flight=32
wait_for_jobs "$N" 120 || fail "not every job got a record in time"
stop_worker w1
[ "$CODE" = 0 ] || fail "worker exit code $CODE after SIGTERM"

read_topics "$WORK/records.json" news.articles news.errors
a=$(analyze "$WORK/records.json" "$N")
echo "jobs=$N $a"
[ "$(field "$a" missing)" = 0 ] || fail "jobs without a record: $a"
[ "$(field "$a" bad)" = 0 ] || fail "records on the wrong topic or badly keyed: $a"
[ "$(field "$a" extra)" = 0 ] || fail "records for unknown jobs: $a"
[ "$(field "$a" total)" = "$N" ] || fail "expected exactly $N records: $a"

kcat -b "$BS" -C -t news.articles -e -o beginning -q >"$WORK/articles.jsonl"
kcat -b "$BS" -C -t news.errors -e -o beginning -q >"$WORK/errors.jsonl"
"$PY" "$SRC/tests/integration/validate_records.py" "$WORK/articles.jsonl" "$WORK/errors.jsonl" ||
    fail "records not schema-valid"
# Each kind of failure lands where it should.
[ "$(grep -c '"code":"http_404"' "$WORK/errors.jsonl")" = 30 ] || fail "expected 30 http_404 errors"
[ "$(grep -c '"stage":"job"' "$WORK/errors.jsonl")" = 30 ] || fail "expected 30 job errors"
[ "$(grep -c '"url":"http://127.0.0.1:1/' "$WORK/errors.jsonl")" = 20 ] ||
    fail "expected 20 refused-connection errors"

# Routing: every article fetched from 127.0.0.1 has a copy on news.local, nothing else does.
kcat -b "$BS" -C -t news.local -e -o beginning -q >"$WORK/local.jsonl"
local_n=$(grep -c '"domain":"127.0.0.1"' "$WORK/local.jsonl")
all_local=$(wc -l <"$WORK/local.jsonl")
fetched_articles=$(grep -c '"domain":"127.0.0.1"' "$WORK/articles.jsonl")
echo "routed to news.local: $all_local (articles from 127.0.0.1: $fetched_articles)"
[ "$fetched_articles" -gt 0 ] || fail "no fetched articles"
[ "$local_n" = "$all_local" ] && [ "$all_local" = "$fetched_articles" ] ||
    fail "routing: $all_local on news.local, $fetched_articles fetched articles"
[ "$fetched_articles" -le "$GOOD_FETCHED" ] || fail "more fetched articles than good pages"

# A restart finds every offset committed: nothing is processed again.
start_worker w2
sleep 6
stop_worker w2
[ "$CODE" = 0 ] || fail "second worker exit code $CODE"
total=$(count_records)
echo "records after restart: $total"
[ "$total" = "$N" ] || fail "restart repeated jobs: $total records for $N jobs"
grep -q "0 jobs consumed" "$WORK/w2.log" || fail "restarted worker consumed jobs again"
echo "PASS"
