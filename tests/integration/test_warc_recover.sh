#!/usr/bin/env bash
# test_warc_recover.sh BUILD_DIR SOURCE_DIR — a WARC file a killed worker left open (under its
# hidden .part name) is finished by the next start: cut after its last whole record, renamed
# to the final name its published records already carry, so every warc {file, offset,
# record_id} resolves (read back by warcio). Leftovers of a live process or another host are
# left alone; one with no whole record is removed; the lake layout (output.dir/warc/dt=/hour=)
# too. Then for real: `fetch` killed with -9 while archiving, restarted, and every record the
# killed run printed points at a response warcio reads, with the same text as `extract` on
# the recovered archive.
set -euo pipefail
. "$(dirname "$0")/httpd_lib.sh"
NPM=${NW_NPM_DIR:-/opt/newsworker-npm}
export NODE_PATH=$NPM/node_modules
CHECK=$SRC/tests/integration/warcio_check.cjs
[ -d "$NPM/node_modules/warcio" ] || fail "warcio is not installed in $NPM (deploy/install-deps.sh)"
cd "$TMP"

serve_logged 127.0.0.1 "$PAGES" "$TMP/requests.log" PORT
base=http://127.0.0.1:$PORT
fetch_warc() { # fetch_warc DIR_KEY=VALUE URL...: one fetch archiving into the given place
    local where=$1
    shift
    "$BIN" fetch -o fetch.warc=true -o "$where" -o fetch.allow_private=true "$@"
}

# 1. A whole file to make leftovers from, and this host's name as the writer spells it.
fetch_warc fetch.warc_dir=one "$base/article/a" "$base/article/b" >one.jsonl 2>one.log ||
    fail "fetch: $(tail -3 one.log)"
whole=(one/*.warc.gz)
[ "${#whole[@]}" -eq 1 ] || fail "expected one file in one/: $(ls -a one)"
name=$(basename "${whole[0]}" .warc.gz)         # newsworker-STAMP-HOST-PID-SEQ
host=$(echo "$name" | sed -E 's/^newsworker-[0-9]{14}-(.*)-[0-9]+-[0-9]+$/\1/')
[ -n "$host" ] && [ "$host" != "$name" ] || fail "cannot read the host out of $name"
size=$(stat -c %s "${whole[0]}")
sh -c 'exit 0' &
dead=$!
wait "$dead"
sleep 600 &
live=$!
SERVERS+=("$live")
part() { echo ".newsworker-20260101000000-$1-$2-$3.warc.gz.part"; }
make_leftovers() { # make_leftovers DIR
    mkdir -p "$1"
    # Killed in the middle of a record: the whole file and the start of another member.
    cat "${whole[0]}" >"$1/$(part "$host" "$dead" 00000)"
    head -c 200 "${whole[0]}" >>"$1/$(part "$host" "$dead" 00000)"
    cp "${whole[0]}" "$1/$(part "$host" "$live" 00001)"      # its worker is running
    cp "${whole[0]}" "$1/$(part other.host "$dead" 00002)"   # another host's
    head -c 100 "${whole[0]}" >"$1/$(part "$host" "$dead" 00003)" # not one whole record
}
check_recovered() { # check_recovered DIR
    local done=$1/newsworker-20260101000000-$host-$dead-00000.warc.gz
    [ -f "$done" ] || fail "the dead worker's file was not finished: $(ls -a "$1")"
    [ "$(stat -c %s "$done")" -eq "$size" ] || fail "$done: $(stat -c %s "$done") bytes, want $size"
    cmp -s "$done" "${whole[0]}" || fail "$done is not the whole records it held"
    node "$CHECK" "$done" >"$TMP/check.json" || fail "warcio on $done: $(cat "$TMP/check.json")"
    [ -f "$1/$(part "$host" "$live" 00001)" ] || fail "a live worker's file was touched"
    [ -f "$1/$(part other.host "$dead" 00002)" ] || fail "another host's file was touched"
    [ ! -e "$1/$(part "$host" "$dead" 00003)" ] || fail "a leftover with no whole record stayed"
    [ ! -e "$1/newsworker-20260101000000-$host-$dead-00003.warc.gz" ] ||
        fail "a leftover with no whole record was renamed"
}

# 2. fetch.warc_dir: the next start finishes the dead worker's leftovers, and only those.
make_leftovers two
fetch_warc fetch.warc_dir=two "$base/article/c" >two.jsonl 2>two.log || fail "fetch: $(tail -3 two.log)"
check_recovered two
grep -q "recovered .*newsworker-20260101000000-$host-$dead-00000.warc.gz" two.log ||
    fail "the recovery is not logged: $(cat two.log)"
[ "$(ls two/newsworker-*.warc.gz | wc -l)" -eq 2 ] || fail "expected the recovered and the new file: $(ls -a two)"

# 3. The lake layout: leftovers in output.dir/warc/dt=DATE/hour=HH.
make_leftovers lake/warc/dt=2026-01-01/hour=00
fetch_warc output.dir=lake "$base/article/d" >/dev/null 2>lake.log || fail "fetch: $(tail -3 lake.log)"
check_recovered lake/warc/dt=2026-01-01/hour=00

# 4. kill -9 while archiving: slow pages, one at a time, killed after a few records.
urls=()
for i in $(seq 1 40); do urls+=("$base/sleep?ms=150&i=$i"); done
"$BIN" fetch -o fetch.warc=true -o fetch.warc_dir=k -o fetch.allow_private=true \
    -o fetch.concurrency=1 "${urls[@]}" >killed.jsonl 2>killed.log &
victim=$!
for _ in $(seq 1 600); do
    [ "$(wc -l <killed.jsonl)" -ge 5 ] && break
    kill -0 "$victim" 2>/dev/null || break
    sleep 0.05
done
kill -9 "$victim" 2>/dev/null || fail "fetch ended before it could be killed: $(tail -3 killed.log)"
wait "$victim" 2>/dev/null || true
got=$(wc -l <killed.jsonl)
[ "$got" -ge 5 ] && [ "$got" -lt 40 ] || fail "killed run printed $got records"
[ -n "$(find k -name '.*.part')" ] || fail "no file was left open by the kill: $(ls -a k)"
# The killed run's last line may be cut: compare whole records only.
$PY -c '
import json, sys
with open("killed.jsonl") as f, open("killed.whole.jsonl", "w") as out:
    for line in f:
        try: json.loads(line)
        except ValueError: continue
        out.write(line)'
fetch_warc fetch.warc_dir=k "$base/article/e" >/dev/null 2>restart.log || fail "fetch: $(tail -3 restart.log)"
[ -z "$(find k -name '.*')" ] || fail "a hidden file is left after the restart: $(ls -a k)"
node "$CHECK" k/*.warc.gz >k.json || fail "warcio on the recovered files: $(cat k.json)"
"$BIN" extract k/*.warc.gz 2>/dev/null | grep -v '/article/e"' >k.archive.jsonl || true
$PY "$SRC/tests/integration/warc_roundtrip.py" killed.whole.jsonl k.archive.jsonl k.json
echo "test_warc_recover: ok ($got records before the kill)"
