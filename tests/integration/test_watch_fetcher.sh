#!/bin/bash
# `newsworker watch` fetches through the one fetcher, so the URL and address rules of
# `fetch` and `run` hold for it too (loopback feed server, its request log):
#   1. user:password@ is refused and never sent: a sitemap index (untrusted input) naming
#      such a child gets no request for it and no Authorization header goes out; an item
#      with one is not emitted; the password is in no job, error record, state file or
#      log line; a configured source with one exits 2 without repeating it;
#   2. internationalised host names are fetched in their ASCII form: a source on the
#      fullwidth spelling of "localhost" is polled, an item on it is emitted, and `fetch`
#      fetches that item as an article;
#   3. a source on a non-public address ends as denied_address (not robots_unreachable),
#      with no request made;
#   4. a URL over the length limit is refused by watch and fetch alike, saying so.
# Usage: test_watch_fetcher.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/watch_lib.sh"

start_feedd
B="http://127.0.0.1:$FP"
IDN_HOST="ｌｏｃａｌｈｏｓｔ" # fullwidth letters: IDNA maps them to "localhost"
IDN_B="http://$IDN_HOST:$FP"
printf '%s\n' "$B/sitemap/creds.xml" "$B/feed/odd" "$IDN_B/feed/rss/idn" >"$WORK/sources"

echo "== 1, 2: credentials and IDN hosts in sources, children and items"
timeout 120 "$BIN" watch --once -o watch.sources="$WORK/sources" \
    -o watch.state_file="$WORK/state" -o fetch.allow_private=true -o fetch.host_delay_ms=0 \
    -o watch.errors_file="$WORK/errors.jsonl" -o log.level=debug \
    >"$WORK/jobs.jsonl" 2>"$WORK/watch.err" || fail "watch exited $?"
got=$(urls "$WORK/jobs.jsonl" | sort | tr '\n' ' ')
want=$(printf '%s\n' "$B/a/odd/1" "$IDN_B/a/odd/3" "$B/a/plain/1" "$B/a/plain/2" \
    "$B/a/plain/3" "http://localhost:$FP/a/idn/1" "http://localhost:$FP/a/idn/2" \
    "http://localhost:$FP/a/idn/3" | sort | tr '\n' ' ')
[ "$got" = "$want" ] || fail "jobs: got $got want $want"
grep -q " AUTH$" "$WORK/feedd.log" && fail "an Authorization header was sent"
grep -q "/feed/rss/creds" "$WORK/feedd.log" && fail "the child with credentials was requested"
grep -q "^[0-9]* localhost:$FP /feed/rss/idn 200$" "$WORK/feedd.log" ||
    fail "the IDN source was not fetched as localhost"
for f in jobs.jsonl errors.jsonl state watch.err; do
    [ ! -f "$WORK/$f" ] || ! grep -q s3cret "$WORK/$f" || fail "the password is in $f"
done
grep -q "a document it names is not watched: user name or password in the URL (not sent)" \
    "$WORK/watch.err" || fail "no warning for the child with credentials"
grep -q "item not emitted: user name or password in the URL (not sent)" "$WORK/watch.err" ||
    fail "no warning for the item with credentials"

"$BIN" watch --once -o fetch.allow_private=true "http://u:s3cret@127.0.0.1:$FP/feed/rss/a" \
    >"$WORK/creds.jsonl" 2>"$WORK/creds.err"
rc=$?
[ "$rc" = 2 ] || fail "a source with credentials: exit $rc, want 2"
grep -q "user name or password in the URL (not sent): http://127.0.0.1:$FP/feed/rss/a" \
    "$WORK/creds.err" || fail "a source with credentials: $(cat "$WORK/creds.err")"
grep -q s3cret "$WORK/creds.err" && fail "the password is repeated on stderr"

# The IDN item is a job `fetch` takes: an article, fetched from localhost.
grep "/a/odd/3" "$WORK/jobs.jsonl" | timeout 120 "$BIN" fetch --input - \
    -o fetch.allow_private=true >"$WORK/idn_fetch.jsonl" 2>"$WORK/idn_fetch.err" ||
    fail "fetch of the IDN job exited $?"
"$PY" - "$WORK/idn_fetch.jsonl" "$IDN_B/a/odd/3" <<'PYEOF' || fail "fetch of the IDN job"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(recs) == 1, recs
r = recs[0]
assert r["schema"] == "newsworker.article/1", (r.get("code"), r.get("message"))
assert r["url"] == sys.argv[2], r["url"]
assert r["title"].startswith("Story"), r["title"]
PYEOF
grep -q "^[0-9]* localhost:$FP /a/odd/3 200$" "$WORK/feedd.log" ||
    fail "fetch did not request the IDN item from localhost"

echo "== 3: a non-public source is denied_address, with no request"
: >"$WORK/feedd.log"
rc=0
timeout 120 "$BIN" watch --once -o watch.errors_file="$WORK/private.errors" "$B/feed/rss/a" \
    >"$WORK/private.jsonl" 2>"$WORK/private.err" || rc=$?
[ "$rc" = 1 ] || fail "watch --once (private, the source failed) exited $rc, want 1"
"$PY" - "$WORK/private.errors" "$B/feed/rss/a" <<'PYEOF' || fail "private source error record"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert [(r["url"], r["code"]) for r in recs] == [(sys.argv[2], "denied_address")], recs
PYEOF
[ ! -s "$WORK/feedd.log" ] || fail "a request reached the server: $(cat "$WORK/feedd.log")"

echo "== 4: the length limit, said as such"
long="$B/feed/rss/$(head -c 9000 /dev/zero | tr '\0' a)"
"$BIN" watch --once -o fetch.allow_private=true "$long" >/dev/null 2>"$WORK/long.err"
rc=$?
[ "$rc" = 2 ] || fail "a long source: exit $rc, want 2"
grep -q "URL is ${#long} bytes, over the 8192-byte limit" "$WORK/long.err" ||
    fail "a long source: $(head -c 300 "$WORK/long.err")"
echo "$long" | timeout 60 "$BIN" fetch --input - >"$WORK/long.jsonl" 2>"$WORK/long_fetch.err" ||
    fail "fetch of a long URL exited $?"
grep -q "URL is ${#long} bytes, over the 8192-byte limit" "$WORK/long.jsonl" ||
    fail "a long fetch URL: $(head -c 300 "$WORK/long.jsonl")"
echo "PASS"
