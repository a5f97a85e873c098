#!/bin/bash
# newsworker run with fetch.warc=true: every record of a fetched job (articles and http_404
# errors) carries warc {file, offset, record_id}; after SIGTERM the files are closed under
# their final names (no hidden part file), warcio reads them with every digest valid and
# finds each record's response at its offset; inline jobs (no fetch) carry no warc.
. "$(dirname "$0")/run_lib.sh" "$1" "$2"
NPM=${NW_NPM_DIR:-/opt/newsworker-npm}
export NODE_PATH=$NPM/node_modules

start_mock news.urls:2 news.articles:2 news.errors:1
start_httpd
N=$(make_jobs "$WORK/jobs.txt" 24 6 0 0)
produce_jobs "$WORK/jobs.txt"
start_worker w1 -o fetch.warc=true -o fetch.warc_dir="$WORK/arch"
wait_for_jobs "$N" 120 || fail "not every job got a record in time"
stop_worker w1
[ "$CODE" = 0 ] || fail "worker exit code $CODE after SIGTERM"
[ -z "$(find "$WORK/arch" -name '.*')" ] || fail "a hidden part file was left: $(ls -a "$WORK/arch")"
kcat -b "$BS" -C -t news.articles -e -o beginning -q >"$WORK/articles.jsonl"
kcat -b "$BS" -C -t news.errors -e -o beginning -q >"$WORK/errors.jsonl"
cat "$WORK/articles.jsonl" "$WORK/errors.jsonl" >"$WORK/all.jsonl"
"$PY" "$SRC/tests/integration/validate_records.py" "$WORK/all.jsonl" || fail "records not schema-valid"
node "$SRC/tests/integration/warcio_check.cjs" "$WORK"/arch/*.warc.gz >"$WORK/check.json" ||
    fail "warcio: $(cat "$WORK/check.json")"
"$PY" - "$WORK/all.jsonl" "$WORK/check.json" <<'PY' || fail "warc refs"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
c = json.load(open(sys.argv[2]))
ids = {r["id"]: r for r in c["responses"]}
fetched = inline = 0
for r in recs:
    w = r.get("warc")
    if r.get("url", "").startswith("https://inline.example/"):
        if w: sys.exit("inline job with warc: %s" % r["url"])
        inline += 1
        continue
    if not w: sys.exit("fetched job without warc: %s" % json.dumps(r)[:300])
    x = ids.get(w["record_id"])
    if not x or x["offset"] != w["offset"] or x["file"] != w["file"]:
        sys.exit("%s: %s not read by warcio there (%s)" % (r["url"], w, x))
    fetched += 1
print("run: %d fetched records with warc refs warcio confirms, %d inline without" % (fetched, inline))
# make_jobs 24 6: 18 fetched pages and 6 inline ones (every 4th good job), 6 404s.
if fetched != 24 or inline != 6: sys.exit("expected 24 fetched and 6 inline records")
PY
echo "PASS"
