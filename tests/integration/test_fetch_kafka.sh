#!/bin/bash
# `newsworker fetch` with a broker: records go to Kafka instead of stdout. Against the
# mock cluster in its own process (nw_mock_cluster) and read back with kcat: the fixture
# pages give article records on output.topic and on a routed topic, a 404 and a malformed
# job give error records on errors.topic, every message is keyed and schema-valid, stdout
# stays empty, and a rules file with a bad line is a config error naming the line.
# Usage: test_fetch_kafka.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/httpd_lib.sh"
VALIDATE=$SRC/tests/integration/validate_records.py

MOCK_PID=
stop_mock() {
    stop_listener "$MOCK_PID"
    cleanup
}
trap stop_mock EXIT

command -v kcat >/dev/null || fail "kcat is not installed"
"$BUILD/tests/nw_mock_cluster" --max-seconds 300 news.articles:2 news.errors:1 news.pk:1 \
    >"$TMP/mock.out" 2>"$TMP/mock.log" &
MOCK_PID=$!
BS=$(first_line "$TMP/mock.out")
[ -n "$BS" ] || fail "mock cluster did not start: $(cat "$TMP/mock.log")"
start_server

# Every article that names Pakistan also goes to news.pk.
printf '# test rules\nentity=Pakistan -> news.pk\n' >"$TMP/routes"
urls=()
for page in "$PAGES"/*.html; do
    urls+=("http://127.0.0.1:$PORT/$(basename "$page")")
done
n_pages=${#urls[@]}
timeout 120 "$BIN" fetch -o kafka.bootstrap.servers="$BS" -o fetch.allow_private=true \
    -o route.rules="$TMP/routes" -o fetch.retries=0 \
    "${urls[@]}" "http://127.0.0.1:$PORT/status/404" "not a url" >"$TMP/stdout" 2>"$TMP/stderr" ||
    fail "fetch exited $?: $(tail -5 "$TMP/stderr")"
[ ! -s "$TMP/stdout" ] || fail "fetch wrote to stdout with a broker configured"

consume() { # topic -> one JSON envelope a line
    timeout 60 kcat -b "$BS" -C -t "$1" -o beginning -e -J -q 2>>"$TMP/kcat.log"
}
consume news.articles >"$TMP/articles.env"
consume news.errors >"$TMP/errors.env"
consume news.pk >"$TMP/pk.env"

"$PY" - "$TMP" "$n_pages" <<'PYEOF'
import json, sys
tmp, n_pages = sys.argv[1], int(sys.argv[2])
def load(name):
    return [json.loads(l) for l in open(f"{tmp}/{name}.env") if l.strip()]
articles, errors, pk = load("articles"), load("errors"), load("pk")
def check(envs, schema, topic):
    out = []
    for e in envs:
        rec = json.loads(e["payload"])
        assert rec["schema"] == schema, (topic, rec["schema"])
        # Keyed by the record id, or for an error record by its URL's hash; a job line
        # with no URL at all has nothing to key by.
        assert e["key"] or (schema.startswith("newsworker.error") and not rec["url"]), \
            f"{topic}: message without key"
        if schema.startswith("newsworker.article"):
            assert e["key"] == rec["id"], f"{topic}: key is not the record id"
        out.append(rec)
    return out
a = check(articles, "newsworker.article/1", "news.articles")
er = check(errors, "newsworker.error/1", "news.errors")
p = check(pk, "newsworker.article/1", "news.pk")
assert len(a) == n_pages, f"{len(a)} articles on news.articles, expected {n_pages}"
stages = sorted((r["stage"], r["code"]) for r in er)
assert stages == [("fetch", "http_404"), ("job", "invalid_job")], stages
assert len(p) == n_pages, f"{len(p)} articles routed to news.pk, expected {n_pages}"
with open(f"{tmp}/records.jsonl", "w") as f:
    for r in a + er + p:
        f.write(json.dumps(r) + "\n")
print(f"kafka: {len(a)} articles, {len(er)} errors, {len(p)} routed")
PYEOF
"$PY" "$VALIDATE" "$TMP/records.jsonl" || fail "records are not schema-valid"

# A bad rules file is a configuration error (exit 2) naming file and line.
printf 'entity=Pakistan -> news.pk\nthis is not a rule\n' >"$TMP/bad-routes"
set +e
timeout 60 "$BIN" fetch -o kafka.bootstrap.servers="$BS" -o route.rules="$TMP/bad-routes" \
    http://127.0.0.1:1/ >/dev/null 2>"$TMP/bad.err"
code=$?
set -e
[ "$code" = 2 ] || fail "bad rules: exit $code, expected 2"
grep -q "bad-routes:2" "$TMP/bad.err" || fail "bad rules: message names no line: $(cat "$TMP/bad.err")"
echo "test_fetch_kafka: ok"
