#!/usr/bin/env bash
# test_lake_schemas.sh BUILD_DIR SOURCE_DIR — each JSON Schema and its Avro twin
# (schemas/*.v1.json, schemas/*.v1.avsc) match field for field, and the check notices a
# change made to either one alone; Apache Avro's reference parser accepts the .avsc files.
set -euo pipefail
src=$2
py=/usr/bin/python3
check="$py $src/tests/integration/check_avro_schemas.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

for k in article error url-job; do
    $check "$src/schemas/$k.v1.json" "$src/schemas/$k.v1.avsc" || fail "$k schemas differ"
    $py -c 'import avro.schema, sys; avro.schema.parse(open(sys.argv[1]).read())' \
        "$src/schemas/$k.v1.avsc" || fail "$k.v1.avsc does not parse"
done

# Each edit changes one side only; the check must fail on every one.
mutate() { # mutate NAME FILE EXPR (EXPR edits the loaded document `d`)
    $py - "$2" "$tmp/$1" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
}
expect_differ() { # expect_differ WHAT JSON AVSC
    if $check "$2" "$3" >"$tmp/out" 2>&1; then
        fail "the check missed: $1"
    fi
}
a=$src/schemas/article.v1.json
av=$src/schemas/article.v1.avsc
mutate j1.json "$a" 'd["properties"]["new_field"] = {"type": "string"}; d["required"].append("new_field")'
expect_differ "a JSON Schema property added" "$tmp/j1.json" "$av"
mutate j2.json "$a" 'd["properties"]["stats"]["properties"]["words"]["type"] = "number"'
expect_differ "a nested JSON Schema type changed" "$tmp/j2.json" "$av"
mutate j3.json "$a" 'd["required"].remove("title"); d["properties"]["text"]["type"] = ["string", "null"]'
expect_differ "a JSON Schema field made nullable" "$tmp/j3.json" "$av"
mutate a1.avsc "$av" 'd["fields"] = [f for f in d["fields"] if f["name"] != "summary"]'
expect_differ "an Avro field removed" "$a" "$tmp/a1.avsc"
mutate a2.avsc "$av" '[f for f in d["fields"] if f["name"] == "quotes"][0]["type"]["items"]["fields"].reverse()'
expect_differ "nested Avro fields reordered" "$a" "$tmp/a2.avsc"
mutate a3.avsc "$av" '[f for f in d["fields"] if f["name"] == "job"][0].pop("newsworker.json")'
expect_differ "the JSON-text mark dropped" "$a" "$tmp/a3.avsc"
mutate a4.avsc "$av" '[f for f in d["fields"] if f["name"] == "summary"][0].pop("default")'
expect_differ "a nullable Avro field without default null" "$a" "$tmp/a4.avsc"
mutate a5.avsc "$av" 'f = [f for f in d["fields"] if f["name"] == "tags"][0]; f["type"] = ["null", f["type"]]; f["default"] = None'
expect_differ "a required array made nullable in Avro" "$a" "$tmp/a5.avsc"
e=$src/schemas/error.v1.json
mutate e1.json "$e" 'd["properties"]["meta"]["properties"]["authors"]["items"]["type"] = "integer"'
expect_differ "an error meta array's items changed" "$tmp/e1.json" "$src/schemas/error.v1.avsc"

# The evolution policy (schemas/README.md): the published schemas are open, so a record of
# a later 1.x minor version, with a field added, still validates against the 1.0 files; an
# Avro reader on the committed schema reads a file written with that field added.
for k in article error; do
    $py - "$src/schemas/$k.v1.json" "$src/schemas/examples/$k.v1.example.json" <<'PY' ||
import json, sys
from jsonschema import Draft202012Validator
schema = json.load(open(sys.argv[1]))
def closed(n):
    if isinstance(n, dict):
        return n.get("additionalProperties") is False or any(closed(v) for v in n.values())
    return isinstance(n, list) and any(closed(v) for v in n)
assert not closed(schema), "additionalProperties: false in a published schema"
rec = json.load(open(sys.argv[2]))
rec["added_in_a_minor_version"] = {"x": 1}
Draft202012Validator(schema).validate(rec)
PY
        fail "$k.v1.json rejects a record of a later minor version"
done
$py - "$src/schemas/error.v1.avsc" <<'PY' || fail "Avro schema resolution with an added field"
import io, json, sys
import avro.datafile, avro.io, avro.schema
reader_schema = avro.schema.parse(open(sys.argv[1]).read())
newer = json.load(open(sys.argv[1]))
newer["fields"].append({"name": "added_in_1_1", "type": ["null", "string"], "default": None})
newer = avro.schema.parse(json.dumps(newer))
buf = io.BytesIO()
w = avro.datafile.DataFileWriter(buf, avro.io.DatumWriter(), newer, codec="deflate")
w.append({"schema": "newsworker.error/1", "url": None, "stage": "job", "code": "bad_job",
          "message": "m", "http_status": None, "attempts": 0, "job": None,
          "at": "2026-12-06T10:00:00Z", "meta": None, "added_in_1_1": "x"})
w.flush()
buf.seek(0)
r = avro.datafile.DataFileReader(buf, avro.io.DatumReader(readers_schema=reader_schema))
recs = list(r)
assert len(recs) == 1 and "added_in_1_1" not in recs[0] and recs[0]["code"] == "bad_job", recs
PY
echo "ok: the JSON Schemas and Avro schemas are in step"
