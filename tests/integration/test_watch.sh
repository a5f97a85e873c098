#!/bin/bash
# `newsworker watch --once` against the loopback feed server (nw_feedd), with a state file:
# RSS, Atom, JSON Feed, RDF, a home page's feed links, robots.txt Sitemap lines leading to a
# sitemap index with a cycle and a gzip news sitemap. Asserted: every item is emitted once
# and as a valid url job with its meta; a second run is answered 304 (ETag, Last-Modified)
# and emits nothing; after the feeds change only the new items come; the robots.txt path
# is never requested; requests to the host are spaced by the Crawl-delay (server
# timestamps); failures are error records naming the source; the jobs feed
# `newsworker fetch --input -`; bad source lines and unsupported keys exit 2.
# Usage: test_watch.sh BUILD_DIR SOURCE_DIR
. "$(dirname "${BASH_SOURCE[0]}")/watch_lib.sh"

start_feedd --crawl-delay 0.4
B="http://127.0.0.1:$FP"
cat >"$WORK/sources" <<SRC
# a comment, then a blank line

$B/feed/rss/a
{"url": "$B/feed/atom/b", "interval_s": 30, "meta": {"desk": "world"}}
$B/feed/json/c
$B/feed/rdf/d
$B/home
$B/robots.txt
$B/private/feed/rss/x
$B/status/500
SRC

# One --once run; jobs in NAME.jsonl, errors in NAME.errors. /status/500 and the disallowed
# feed fail in every pass, so --once exits 1 (after writing the rest and saving the state).
watch() { # NAME [-o k=v]...
    local name=$1 rc=0
    shift
    timeout 120 "$BIN" watch --once -o watch.sources="$WORK/sources" \
        -o watch.state_file="$WORK/state" -o fetch.allow_private=true \
        -o fetch.host_delay_ms=250 -o watch.errors_file="$WORK/$name.errors" "$@" \
        >"$WORK/$name.jsonl" 2>"$WORK/$name.err" || rc=$?
    [ "$rc" = 1 ] || fail "watch $name exited $rc, want 1 (two sources fail)"
}

# ---- first run: everything listed is new --------------------------------------------------
: >"$WORK/feedd.log"
watch run1
want1=""
for f in a b c d home; do for i in 1 2 3; do want1="$want1 $B/a/$f/$i"; done; done
want1="$want1 $B/a/n/1 $B/a/n/2 $B/a/p/1 $B/a/p/2"
got1=$(urls "$WORK/run1.jsonl" | sort)
[ "$got1" = "$(echo $want1 | tr ' ' '\n' | sort)" ] ||
    fail "run 1 jobs: got $(echo $got1) want $want1"
"$PY" "$SRC/tests/integration/validate_records.py" --schema "$SRC/schemas/url-job.v1.json" \
    "$WORK/run1.jsonl" >/dev/null || fail "run 1 jobs are not valid url jobs"
"$PY" - "$WORK/run1.jsonl" "$B" <<'PYEOF' || fail "run 1 job meta"
import json, sys
jobs = {j["url"]: j["meta"] for j in map(json.loads, open(sys.argv[1]))}
b = sys.argv[2]
m = jobs[b + "/a/a/2"]
assert m["source"] == b + "/feed/rss/a" and m["feed_title"] == "Feed a", m
assert m["item_title"] == "a item 2" and m["guid"] == "a-2", m
assert m["item_date"] == "2026-11-30T00:02:00Z", m
assert jobs[b + "/a/b/1"]["desk"] == "world", jobs[b + "/a/b/1"]
n = jobs[b + "/a/n/2"]
assert n["source"] == b + "/robots.txt" and n["feed"] == b + "/sitemap/news.xml.gz", n
assert n["item_title"] == "News 2" and n["item_date"] == "2026-11-30T02:00:00Z", n
PYEOF
# Errors: the 500 and the disallowed feed, as schema-valid records naming the source.
"$PY" "$SRC/tests/integration/validate_records.py" "$WORK/run1.errors" >/dev/null ||
    fail "error records invalid"
"$PY" - "$WORK/run1.errors" "$B" <<'PYEOF' || fail "run 1 error records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
b = sys.argv[2]
got = sorted((r["url"], r["code"], r["stage"]) for r in recs)
want = sorted([(b + "/status/500", "http_500", "watch"),
               (b + "/private/feed/rss/x", "robots_disallowed", "watch")])
assert got == want, got
PYEOF
! grep -q " /private/" "$WORK/feedd.log" || fail "a robots.txt-disallowed URL was requested"
grep -q " /sitemap/index2.xml 200" "$WORK/feedd.log" || fail "sitemap index not followed"
[ "$(grep -c ' /sitemap/index.xml ' "$WORK/feedd.log")" = 1 ] ||
    fail "the sitemap index cycle was not cut"
# One host: request starts at least the Crawl-delay (400 ms) apart at the client; arrival
# times at the server jitter (a few ms here, more on a loaded machine): allow 100 ms.
awk 'NR > 1 && $1 - prev < 300 { print "gap " $1 - prev " ms before " $3; bad = 1 }
     { prev = $1 } END { exit bad }' "$WORK/feedd.log" || fail "per-host delay not held"

# A Crawl-delayed site's sources wait their turn as long as that takes: some 20 requests
# 400 ms apart with fetch.job_timeout_ms=1000, and none ends as job_timeout.
rc=0
timeout 120 "$BIN" watch --once -o watch.sources="$WORK/sources" \
    -o watch.state_file="$WORK/state_jt" -o fetch.allow_private=true \
    -o fetch.job_timeout_ms=1000 -o watch.errors_file="$WORK/jt.errors" \
    >"$WORK/jt.jsonl" 2>"$WORK/jt.err" || rc=$?
[ "$rc" = 1 ] || fail "watch (job timeout) exited $rc, want 1 (two sources fail)"
! grep -q job_timeout "$WORK/jt.errors" || fail "a source timed out waiting for its host"
[ "$(urls "$WORK/jt.jsonl" | sort)" = "$got1" ] || fail "job timeout run: other jobs than run 1"

# ---- second run: 304s, nothing emitted --------------------------------------------------
: >"$WORK/feedd.log"
watch run2
[ ! -s "$WORK/run2.jsonl" ] || fail "run 2 emitted $(wc -l <"$WORK/run2.jsonl") jobs, want 0"
for p in /feed/rss/a /feed/atom/b /feed/json/c /sitemap/news.xml.gz /feed/rss/home; do
    grep -q " $p 304\$" "$WORK/feedd.log" || fail "run 2: $p was not answered 304"
done

# ---- the feeds change: only the new items ------------------------------------------------
set_gen 2
watch run3
want3=""
for f in a b c d home; do for i in 4 5; do want3="$want3 $B/a/$f/$i"; done; done
want3="$want3 $B/a/n/3 $B/a/n/4"
got3=$(urls "$WORK/run3.jsonl" | sort)
[ "$got3" = "$(echo $want3 | tr ' ' '\n' | sort)" ] ||
    fail "run 3 jobs: got $(echo $got3) want $want3"

# ---- watch | fetch ------------------------------------------------------------------------
set_gen 3
timeout 120 "$BIN" watch --once -o watch.sources="$WORK/sources" -o watch.state_file="$WORK/state" \
    -o fetch.allow_private=true -o fetch.host_delay_ms=0 -o watch.errors_file="$WORK/p.errors" \
    2>"$WORK/pipe_watch.err" |
    timeout 120 "$BIN" fetch --input - -o fetch.allow_private=true >"$WORK/pipe.jsonl" \
        2>"$WORK/pipe_fetch.err" || fail "watch | fetch failed"
"$PY" - "$WORK/pipe.jsonl" "$B" <<'PYEOF' || fail "watch | fetch records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
b = sys.argv[2]
urls = sorted(r["url"] for r in recs)
want = sorted([b + "/a/%s/6" % f for f in "abcd"] + [b + "/a/home/6", b + "/a/n/5"])
assert urls == want, urls
for r in recs:
    assert r["schema"] == "newsworker.article/1", r
    assert r["title"].startswith("Story"), r["title"]
    assert r["job"]["meta"]["source"].startswith(b), r["job"]
PYEOF

# ---- a missing state file starts afresh; a bad source line and unsupported keys exit 2 ----
rm -f "$WORK/state"
watch run4 -o watch.emit_existing=false
[ ! -s "$WORK/run4.jsonl" ] || fail "watch.emit_existing=false emitted existing items"
set_gen 4
watch run5
[ "$(urls "$WORK/run5.jsonl" | sort | tr '\n' ' ')" = "$(for f in a b c d home n; do [ $f = n ] && echo "$B/a/n/6" || echo "$B/a/$f/7"; done | sort | tr '\n' ' ')" ] ||
    fail "after emit_existing=false, the next run: $(urls "$WORK/run5.jsonl" | tr '\n' ' ')"

echo "not a url" >"$WORK/bad_sources"
"$BIN" watch --once -o watch.sources="$WORK/bad_sources" >/dev/null 2>"$WORK/bad.err"
[ $? = 2 ] && grep -q "bad_sources:1" "$WORK/bad.err" || fail "a bad source line is not exit 2"
for k in watch.sources.topic watch.state.topic; do
    "$BIN" watch --once -o "$k=x" "$B/feed/rss/a" >/dev/null 2>"$WORK/key.err"
    [ $? = 2 ] && grep -q "$k" "$WORK/key.err" || fail "$k is not refused with exit 2"
done
"$BIN" watch --once >/dev/null 2>&1
[ $? = 2 ] || fail "watch without sources is not exit 2"
"$BIN" watch --once -o watch.interval_min_s=100 -o watch.interval_max_s=10 "$B/feed/rss/a" \
    >/dev/null 2>"$WORK/iv.err"
[ $? = 2 ] && grep -q "watch.interval_max_s" "$WORK/iv.err" || fail "max < min is not exit 2"
echo "PASS"
