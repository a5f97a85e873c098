#!/bin/bash
# deploy/newsworker.conf.example shows every key with its default, in step with the binary:
#   - it is what deploy/gen_config_example.py makes from the key table (regenerate it when
#     a key is added or a default changes);
#   - its keys are exactly those the binary's help lists (`--help` and each command's);
#   - each default it shows is the binary's: loading all of them uncommented changes no
#     value that the help reports;
#   - the file as shipped is accepted (the container image runs with it);
#   - the environment beside it: a misspelled NEWSWORKER_ variable is a warning in the log
#     naming the closest key (in the log format the configuration chose), Kubernetes'
#     service-link variables pass silently, and the command still runs (exit 0).
# Usage: test_config_example.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
BIN=$BUILD/bin/newsworker
EX=$SRC/deploy/newsworker.conf.example
WORK=$(mktemp -d /tmp/nw_conf_example.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

/usr/bin/python3 "$SRC/deploy/gen_config_example.py" >"$WORK/generated" || fail "generator failed"
diff -u "$EX" "$WORK/generated" >"$WORK/diff" ||
    { head -40 "$WORK/diff"; fail "newsworker.conf.example is not what gen_config_example.py makes"; }

# helps [-c FILE] — every help the binary has, the key lines only (key, type, value, ...)
helps() {
    { "$BIN" "$@" --help
      for c in extract fetch run watch; do "$BIN" "$@" "$c" --help; done; } 2>/dev/null |
        grep -E '^  [a-z_]+\.[a-z_.]+ +(string|int|bool|enum) ' | sort -u
}
helps >"$WORK/help.default"
[ -s "$WORK/help.default" ] || fail "no key lines in the binary's help"
awk '{print $1}' "$WORK/help.default" | sort -u >"$WORK/keys.help"
sed -n 's/^# \([a-z_]*\.[a-z_.]*\) =.*/\1/p' "$EX" | sort >"$WORK/keys.example"
[ "$(sort -u "$WORK/keys.example" | wc -l)" = "$(wc -l <"$WORK/keys.example")" ] ||
    fail "a key is shown twice: $(uniq -d "$WORK/keys.example")"
diff "$WORK/keys.help" "$WORK/keys.example" >"$WORK/keys.diff" ||
    { cat "$WORK/keys.diff"; fail "keys in help (<) and in the example (>) differ"; }
n=$(wc -l <"$WORK/keys.example")

# Every shown default, set explicitly, leaves every reported value as it was.
sed -n 's/^# \([a-z_]*\.[a-z_.]* = .*[^ ]\)$/\1/p' "$EX" >"$WORK/defaults.conf"
nset=$(wc -l <"$WORK/defaults.conf")
[ "$nset" -gt $((n / 2)) ] || fail "only $nset of $n keys show a default"
"$BIN" -c "$WORK/defaults.conf" --help >/dev/null 2>"$WORK/defaults.err" ||
    { cat "$WORK/defaults.err"; fail "the example's defaults are refused"; }
helps -c "$WORK/defaults.conf" >"$WORK/help.set"
diff "$WORK/help.default" "$WORK/help.set" >"$WORK/values.diff" ||
    { cat "$WORK/values.diff"; fail "a default in the example is not the binary's (< binary, > example)"; }
# ... and the check can fail: a changed default is seen.
sed 's/^fetch.timeout_ms = .*/fetch.timeout_ms = 29999/' "$WORK/defaults.conf" >"$WORK/changed.conf"
helps -c "$WORK/changed.conf" | diff -q "$WORK/help.default" - >/dev/null &&
    fail "a changed value went unnoticed by the comparison"

"$BIN" -c "$EX" --help >/dev/null 2>"$WORK/ex.err" || { cat "$WORK/ex.err"; fail "example refused"; }
page=$(ls "$SRC"/tests/fixtures/pages/*.html | head -1)
env NEWSWORKER_FETCH_TIMEOT_MS=5 NEWSWORKER_METRICS_SERVICE_HOST=10.0.0.1 \
    NEWSWORKER_KAFKA_PORT=tcp://10.0.0.2:9092 NEWSWORKER_KAFKA_PORT_9092_TCP_ADDR=10.0.0.2 \
    NEWSWORKER_LOG_FORMAT=json "$BIN" -c "$EX" extract "$page" >"$WORK/rec" 2>"$WORK/env.err" ||
    { cat "$WORK/env.err"; fail "extract with platform variables and a typo exited $?"; }
[ "$(grep -c . "$WORK/rec")" = 1 ] || fail "no record with the variables set"
/usr/bin/python3 - "$WORK/env.err" <<'PYEOF' || { cat "$WORK/env.err"; fail "environment warnings"; }
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
warn = [l for l in lines if l["level"] == "warn" and l["component"] == "config"]
assert len(warn) == 1, warn
m = warn[0]["msg"]
assert "NEWSWORKER_FETCH_TIMEOT_MS" in m and "closest key: fetch.timeout_ms" in m, m
assert not any("SERVICE_HOST" in l["msg"] or "_PORT" in l["msg"] for l in lines), lines
PYEOF
echo "PASS: $n keys, $nset with a default, in step with the binary"
