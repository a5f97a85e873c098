#!/bin/bash
# The extractor's ablation table: F1 of extraction-dev and snippets-dev with all rules on,
# then with each rule of `extract_ablate --list` switched off alone.
#   tests/bench/extract_ablation.sh BUILD_DIR EVAL_DIR      (EVAL_DIR: ../shared/eval)
set -euo pipefail
build=${1:?usage: extract_ablation.sh BUILD_DIR EVAL_DIR}
eval_dir=${2:?usage: extract_ablation.sh BUILD_DIR EVAL_DIR}
tool="$build/bench/extract_ablate"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
score() { # $1 = mask or rule name
    "$tool" --rules-off "$1" "$eval_dir"/extraction-dev/html/*.html.gz >"$tmp/dev.jsonl"
    "$tool" --rules-off "$1" "$eval_dir"/snippets-dev/html/*.html.gz >"$tmp/snip.jsonl"
    local dev snip
    dev=$(/usr/bin/python3 "$eval_dir/score_extraction.py" "$eval_dir/extraction-dev/ground-truth.json" \
        "$tmp/dev.jsonl" | awk '/^F1:/ {print $2}')
    snip=$(/usr/bin/python3 "$eval_dir/score_snippets.py" "$eval_dir/snippets-dev/expectations.json" \
        "$tmp/snip.jsonl" | sed -n 's/.*precision \([0-9.]*\) recall \([0-9.]*\).* F1 \([0-9.]*\).*/\3 (P \1, R \2)/p')
    printf '| %-16s | %s | %s |\n' "$2" "$dev" "$snip"
}
printf '| %-16s | %s | %s |\n' "rule off" "extraction-dev F1" "snippets-dev F1"
printf '|%s|%s|%s|\n' "------------------" "---" "---"
score 0 "(none: all on)"
"$tool" --list | while read -r name bit; do
    score "$name" "$name"
done
