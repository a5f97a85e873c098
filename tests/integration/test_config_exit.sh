#!/bin/bash
# Configuration mistakes are refused at start by every command with exit 2 and a one-line
# message naming the key (issue 18): a misspelled kafka.* property (librdkafka is asked,
# also by extract and by fetch without a broker), kafka.consumer./kafka.producer. typos,
# an empty kafka.bootstrap.servers (at once, not after a 10 s wait), an empty
# worker.state_dir or fetch.user_agent, a key given twice in one file (both lines named).
# A quoted value in a file loses its quotes. Each command's --help lists the keys it reads
# and no other: extract no kafka.*, watch a real help with --once and its keys.
# Usage: test_config_exit.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BIN="$1/bin/newsworker"
TMP=$(mktemp -d /tmp/nw_config_exit.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[ -x "$BIN" ] || fail "no binary at $BIN"

printf '<html><body><article><p>%s</p></article></body></html>' \
    "$(printf 'A sentence of the article for the test. %.0s' $(seq 1 20))" >"$TMP/page.html"

# expect_config_error "TEXT-IN-MESSAGE" ARGS... (stdin is empty)
expect_config_error() {
    local want=$1 rc=0 t0 t1
    shift
    t0=$(date +%s%N)
    timeout 30 "$BIN" "$@" </dev/null >"$TMP/out" 2>"$TMP/err" || rc=$?
    t1=$(date +%s%N)
    [ "$rc" -eq 2 ] || fail "'$*' exited $rc, expected 2: $(head -c 300 "$TMP/err")"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "'$*': expected a one-line message: $(cat "$TMP/err")"
    grep -qF -- "$want" "$TMP/err" || fail "'$*': message does not name $want: $(cat "$TMP/err")"
    [ ! -s "$TMP/out" ] || fail "'$*' wrote output"
    # refused at start, not after a wait for brokers
    [ $(((t1 - t0) / 1000000)) -lt 5000 ] || fail "'$*' took $(((t1 - t0) / 1000000)) ms"
    echo "ok: $* -> $(cat "$TMP/err")"
}

# A misspelled kafka.* key, in every command (fetch and extract build no client).
for cmd in "extract $TMP/page.html" "fetch http://example.invalid/" run "watch --once http://example.invalid/"; do
    # shellcheck disable=SC2086
    expect_config_error kafka.bootstrap.server -o kafka.bootstrap.server=127.0.0.1:1 $cmd
done
expect_config_error kafka.consumer.auto.ofset.reset -o kafka.consumer.auto.ofset.reset=earliest \
    fetch http://example.invalid/
expect_config_error kafka.producer.lingr.ms -o kafka.producer.lingr.ms=5 extract "$TMP/page.html"
# a value librdkafka rejects
expect_config_error kafka.compression.codec -o kafka.compression.codec=rar fetch http://example.invalid/
# from the environment and a file too
printf 'kafka.bootstrap.server = 127.0.0.1:1\n' >"$TMP/typo.conf"
expect_config_error kafka.bootstrap.server -c "$TMP/typo.conf" fetch http://example.invalid/
NEWSWORKER_KAFKA_BOOTSTRAP_SERVER=127.0.0.1:1 expect_config_error kafka.bootstrap.server \
    fetch http://example.invalid/

# Empty values that make no sense.
expect_config_error kafka.bootstrap.servers -o kafka.bootstrap.servers= run
expect_config_error kafka.bootstrap.servers -o kafka.bootstrap.servers= fetch http://example.invalid/
expect_config_error kafka.bootstrap.servers -o kafka.bootstrap.servers= watch --once http://example.invalid/
expect_config_error worker.state_dir -o worker.state_dir= -o kafka.bootstrap.servers=127.0.0.1:1 run
expect_config_error fetch.user_agent -o fetch.user_agent= fetch http://example.invalid/
expect_config_error watch.state_file -o watch.state_file= watch --once http://example.invalid/

# A key given twice in one file: both lines named.
printf 'fetch.retries = 1\nfetch.timeout_ms = 5000\nfetch.retries = 2\n' >"$TMP/twice.conf"
expect_config_error "fetch.retries is given twice (lines 1 and 3)" -c "$TMP/twice.conf" \
    extract "$TMP/page.html"

# Quotes around a value in a file go: output.file = "PATH" writes to PATH.
printf 'output.file = "%s"\nlog.level = '"'"'warn'"'"'\n' "$TMP/records.jsonl" >"$TMP/quoted.conf"
"$BIN" -c "$TMP/quoted.conf" extract "$TMP/page.html" >"$TMP/stdout" 2>"$TMP/err" ||
    fail "quoted values refused: $(cat "$TMP/err")"
[ -s "$TMP/records.jsonl" ] || fail "output.file = \"PATH\" did not write to PATH"
[ ! -s "$TMP/stdout" ] || fail "records went to stdout"
echo "ok: quoted values in a file"

# --help lists exactly the keys each command reads.
"$BIN" extract --help >"$TMP/h.extract"
"$BIN" fetch --help >"$TMP/h.fetch"
"$BIN" run --help >"$TMP/h.run"
"$BIN" watch --help >"$TMP/h.watch"
! grep -q 'kafka\.' "$TMP/h.extract" || fail "extract --help lists kafka keys"
! grep -qE '^  (fetch|watch|worker|metrics|input)\.' "$TMP/h.extract" || fail "extract --help lists keys it never reads"
grep -q '^  extract.max_html_bytes' "$TMP/h.extract" || fail "extract --help lacks extract.*"
grep -q '^  kafka\.\*' "$TMP/h.fetch" || fail "fetch --help lacks kafka.*"
! grep -q '^  watch\.' "$TMP/h.fetch" || fail "fetch --help lists watch keys"
! grep -q '^  watch\.' "$TMP/h.run" || fail "run --help lists watch keys"
! grep -q '^  output.file' "$TMP/h.run" || fail "run --help lists output.file"
grep -q -- '--once' "$TMP/h.watch" || fail "watch --help does not explain --once"
for k in watch.sources watch.state_file metrics.listen worker.shutdown_timeout_ms input.topic 'kafka\.\*'; do
    grep -q "^  $k " "$TMP/h.watch" || fail "watch --help lacks $k"
done
! grep -qE '^  (extract|worker\.max_in_flight|output\.topic)' "$TMP/h.watch" || fail "watch --help lists keys it never reads"
echo "ok: per-command help"
echo "PASS"
