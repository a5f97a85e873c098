#!/bin/bash
# Runs `newsworker extract --text` on each seed text (tests/fixtures/seeds/text, copies of
# the stream articles the HTML fixture pages also carry) and checks the hand-written
# expectations in tests/fixtures/seeds (share met per seed >= 90%, no leftover).
# $1 = build dir, $2 = source dir.
set -euo pipefail
build="$1"
src="$2"
seeds="$src/tests/fixtures/seeds/text"
bin="$build/bin/newsworker"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

[ -x "$bin" ] || { echo "missing $bin"; exit 1; }
files=()
for exp in "$src"/tests/fixtures/seeds/*.json; do
    seed="$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seed"])' "$exp")"
    [ -f "$seeds/$seed" ] || { echo "no seed text $seeds/$seed"; exit 1; }
    files+=("$seeds/$seed")
done
"$bin" extract --text "${files[@]}" >"$out"
/usr/bin/python3 "$src/tests/integration/check_seed_expectations.py" "$out" \
    "$src"/tests/fixtures/seeds/*.json
