#!/bin/bash
# Configuration that cannot work is refused at start with exit 2 and a one-line message
# naming the key: retry backoff max below the first delay, a second -c, a control
# character in fetch.user_agent (a CR/LF would inject a header), a route.rules file that
# does not exist (without Kafka too), a NUL byte in a config file, an empty group id or
# topic. And output.file, accepted by every command, is where `extract` writes.
# Usage: test_hostile_config.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BIN="$1/bin/newsworker"
TMP=$(mktemp -d /tmp/nw_hostile_config.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
[ -x "$BIN" ] || fail "no binary at $BIN"

printf '<html><body><article><p>%s</p></article></body></html>' \
    "$(printf 'A sentence of the article for the test. %.0s' $(seq 1 20))" >"$TMP/page.html"
printf 'fetch.timeout_ms = 5000\n' >"$TMP/a.conf"
printf 'fetch.retries = 1\n' >"$TMP/b.conf"
printf 'fetch.retries = 1\nfetch.timeout_ms = 50\0000\n' >"$TMP/nul.conf"
printf 'fetch.user_agent = bot\r\n' >"$TMP/crlf.conf"

# refused: expect_config_error "KEY-IN-MESSAGE" ARGS...
expect_config_error() {
    local want=$1 rc=0
    shift
    timeout 30 "$BIN" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
    [ "$rc" -eq 2 ] || fail "'$*' exited $rc, expected 2: $(head -c 300 "$TMP/err")"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "'$*': expected a one-line message: $(cat "$TMP/err")"
    grep -qF -- "$want" "$TMP/err" || fail "'$*': message does not name $want: $(cat "$TMP/err")"
    [ ! -s "$TMP/out" ] || fail "'$*' wrote records"
    echo "ok: $* -> $(cat "$TMP/err")"
}
expect_config_error fetch.retry_backoff_max_ms -o fetch.retry_backoff_ms=1000 \
    -o fetch.retry_backoff_max_ms=10 extract "$TMP/page.html"
expect_config_error "-c given twice" -c "$TMP/a.conf" -c "$TMP/b.conf" extract "$TMP/page.html"
expect_config_error fetch.user_agent -o "fetch.user_agent=bot$(printf '\r')X-Evil: 1" \
    extract "$TMP/page.html"
expect_config_error fetch.user_agent -o $'fetch.user_agent=bot\r\nX-Evil: 1' extract "$TMP/page.html"
expect_config_error fetch.user_agent -o "fetch.user_agent=bot$(printf '\t')x" fetch http://example.invalid/
expect_config_error "route.rules /nonexistent" -o route.rules=/nonexistent extract "$TMP/page.html"
expect_config_error "route.rules /nonexistent" -o route.rules=/nonexistent fetch http://example.invalid/
expect_config_error "nul.conf:2: NUL byte" -c "$TMP/nul.conf" extract "$TMP/page.html"
expect_config_error kafka.group.id -o kafka.group.id= -o kafka.bootstrap.servers=127.0.0.1:1 run
expect_config_error kafka.consumer.group.id -o kafka.consumer.group.id= run
expect_config_error input.topic -o input.topic= -o kafka.bootstrap.servers=127.0.0.1:1 run
expect_config_error errors.topic -o errors.topic= run
expect_config_error output.file -o output.file= extract "$TMP/page.html"
# the config file's CR (a file written on Windows) is white space, not part of the value
"$BIN" -c "$TMP/crlf.conf" extract "$TMP/page.html" >/dev/null || fail "CRLF line ends refused"

# output.file is honoured by extract (and stdout stays empty)
"$BIN" -o output.file="$TMP/records.jsonl" extract "$TMP/page.html" "$TMP/page.html" \
    >"$TMP/stdout" || fail "extract with output.file exited $?"
[ ! -s "$TMP/stdout" ] || fail "extract wrote to stdout with output.file set"
[ "$(wc -l <"$TMP/records.jsonl")" -eq 2 ] || fail "expected 2 records in output.file"
grep -q '"schema":"newsworker.article/1"' "$TMP/records.jsonl" || fail "no article in output.file"
echo "PASS"
