#!/bin/bash
# Runs `newsworker extract` on each HTML fixture page that holds a seed article
# (tests/fixtures/pages, listed in tests/fixtures/seeds/pages.map) and checks the same
# hand-written expectations as the --text test (share met per page >= 90%, no
# leftover). $1 = build dir, $2 = source dir.
set -euo pipefail
build="$1"
src="$2"
map="$src/tests/fixtures/seeds/pages.map"
bin="$build/bin/newsworker"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

[ -x "$bin" ] || { echo "missing $bin"; exit 1; }
files=()
while read -r page exp; do
    case "$page" in '' | '#'*) continue ;; esac
    [ -f "$src/tests/fixtures/seeds/$exp" ] || { echo "pages.map: no $exp"; exit 1; }
    files+=("$src/tests/fixtures/pages/$page")
done <"$map"
[ "${#files[@]}" -gt 0 ] || { echo "pages.map lists no page"; exit 1; }
"$bin" extract "${files[@]}" >"$out"
[ "$(wc -l <"$out")" -eq "${#files[@]}" ] || { echo "expected ${#files[@]} records"; exit 1; }
/usr/bin/python3 "$src/tests/integration/check_seed_expectations.py" --pages "$map" "$out" \
    "$src"/tests/fixtures/seeds/*.json
