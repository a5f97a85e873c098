#!/bin/bash
# The entity tagger's model at the command line: the built-in model tags an English text;
# enrich.ner_model names a model file, and a missing, foreign, truncated or corrupt file
# is a configuration error (exit 2, a message naming the key and the file), before any
# input is read. $1 = build dir, $2 = source dir.
set -euo pipefail
build="$1"
src="$2"
bin="$build/bin/newsworker"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$tmp/a.txt" <<'TXT'
Harbour talks resume in Wellington.

Marco Rubio met officials of the World Bank in Wellington on Monday, and New Zealand said
the talks would go on in Auckland next week.
TXT

check_entities() {
    /usr/bin/python3 - "$1" <<'PY'
import json, sys
rec = json.loads(open(sys.argv[1]).readline())
ents = rec["entities"]
names = lambda k: {e["name"]: e.get("code") for e in ents[k]}
assert "Marco Rubio" in names("persons"), ents
assert "World Bank" in names("organizations"), ents
assert names("locations").get("New Zealand") == "NZ", ents
assert "Wellington" in names("locations"), ents
PY
}

"$bin" extract --text "$tmp/a.txt" >"$tmp/out.jsonl"
check_entities "$tmp/out.jsonl"
"$bin" extract -o "enrich.ner_model=$src/shared/enrich/ner-en.model" --text "$tmp/a.txt" \
    >"$tmp/out2.jsonl"
check_entities "$tmp/out2.jsonl"

expect_refused() { # file, words the message must hold
    local rc=0
    "$bin" extract -o "enrich.ner_model=$1" --text "$tmp/a.txt" >"$tmp/o" 2>"$tmp/e" || rc=$?
    [ "$rc" -eq 2 ] || fail "model $1: exit $rc, expected 2"
    [ ! -s "$tmp/o" ] || fail "model $1: records written"
    grep -q "enrich.ner_model" "$tmp/e" || fail "model $1: message names no key: $(cat "$tmp/e")"
    grep -q "$2" "$tmp/e" || fail "model $1: message lacks '$2': $(cat "$tmp/e")"
}
expect_refused "$tmp/none.model" "No such file"
printf 'not a model at all\n' >"$tmp/text.model"
expect_refused "$tmp/text.model" "not a newsworker tagger model"
head -c 5000 "$src/shared/enrich/ner-en.model" >"$tmp/short.model"
expect_refused "$tmp/short.model" "truncated"
cp "$src/shared/enrich/ner-en.model" "$tmp/flip.model"
printf '\x7f' | dd of="$tmp/flip.model" bs=1 seek=1000 conv=notrunc status=none
expect_refused "$tmp/flip.model" "checksum"
# the same through the environment
rc=0
NEWSWORKER_ENRICH_NER_MODEL="$tmp/text.model" "$bin" extract --text "$tmp/a.txt" \
    >/dev/null 2>"$tmp/e" || rc=$?
[ "$rc" -eq 2 ] || fail "environment: exit $rc, expected 2"
echo "ok"
