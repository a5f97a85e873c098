#!/usr/bin/python3
"""Keeps a JSON Schema (schemas/*.v1.json) and its Avro twin (schemas/*.v1.avsc) in step.

Walks both side by side and fails, listing every difference, unless they match field for
field: the same properties in the same order; a JSON object with properties is an Avro
record; an array is an Avro array of the matching items; string/integer/number/boolean are
string/long/double/boolean; a property that may be null or is not required is the union
["null", T] with default null; a free-form JSON value (an object without properties, or
several non-null types) is an Avro string carrying the value as JSON text, marked
"newsworker.json": true on its field.

usage: check_avro_schemas.py SCHEMA.json SCHEMA.avsc
"""
import json
import sys

PRIMITIVES = {"string": "string", "integer": "long", "number": "double", "boolean": "boolean"}


def resolve(root, s):
    while "$ref" in s:
        ref = s["$ref"]
        if not ref.startswith("#/$defs/"):
            raise ValueError("unsupported $ref " + ref)
        d = dict(root["$defs"][ref.split("/")[-1]])
        d.update({k: v for k, v in s.items() if k != "$ref"})
        s = d
    return s


def json_kind(root, s):
    """(nullable, kind, schema) with kind one of the PRIMITIVES values, array, record, json."""
    s = resolve(root, s)
    if "oneOf" in s:
        alts = [resolve(root, a) for a in s["oneOf"]]
        others = [a for a in alts if a.get("type") != "null"]
        if len(others) != 1:
            return len(others) < len(alts), "json", s
        _, kind, inner = json_kind(root, others[0])
        return len(others) < len(alts), kind, inner
    if "const" in s:
        return False, ("string" if isinstance(s["const"], str) else "json"), s
    types = s.get("type")
    types = types if isinstance(types, list) else [types]
    nullable = "null" in types
    types = [t for t in types if t != "null"]
    if len(types) != 1 or types[0] is None:
        return nullable, "json", s
    t = types[0]
    if t == "object":
        return nullable, ("record" if "properties" in s else "json"), s
    if t == "array":
        return nullable, "array", s
    return nullable, PRIMITIVES[t], s


def avro_kind(t):
    """(nullable, kind, avro type)."""
    if isinstance(t, list):
        others = [b for b in t if b != "null"]
        if len(t) != 2 or t[0] != "null" or len(others) != 1:
            return None, "bad-union:" + json.dumps(t), t
        _, kind, inner = avro_kind(others[0])
        return True, kind, inner
    if isinstance(t, dict):
        if t["type"] in ("record", "array"):
            return False, t["type"], t
        return avro_kind(t["type"])
    return False, t, t


def compare(root, js, av, path, errors, field=None, required=True):
    jn, jk, js = json_kind(root, js)
    an, ak, av = avro_kind(av)
    jn = jn or not required
    if jn != an:
        errors.append("%s: nullable in JSON Schema %s, in Avro %s" % (path, jn, an))
    if field is not None and field.get("newsworker.json") and jk != "json":
        errors.append("%s: marked newsworker.json in Avro but typed %s in JSON Schema" % (path, jk))
    if jk == "json":
        if ak != "string" or field is None or not field.get("newsworker.json"):
            errors.append("%s: free-form JSON must be an Avro string field marked newsworker.json" % path)
        return
    if jn and field is not None and field.get("default", "missing") is not None:
        errors.append("%s: a nullable Avro field needs default null" % path)
    if jk != ak:
        errors.append("%s: JSON Schema %s vs Avro %s" % (path, jk, ak))
        return
    if jk == "array":
        compare(root, js["items"], av["items"], path + "[]", errors)
    elif jk == "record":
        jprops = list(js["properties"].keys())
        afields = [f["name"] for f in av["fields"]]
        if jprops != afields:
            errors.append("%s: JSON Schema properties %s vs Avro fields %s" % (path, jprops, afields))
        req = set(js.get("required", []))
        byname = {f["name"]: f for f in av["fields"]}
        for name, sub in js["properties"].items():
            if name in byname:
                compare(root, sub, byname[name]["type"], path + "." + name, errors,
                        field=byname[name], required=name in req)


def main():
    root = json.load(open(sys.argv[1]))
    avsc = json.load(open(sys.argv[2]))
    errors = []
    if avsc.get("type") != "record":
        errors.append("the Avro schema is not a record")
    else:
        compare(root, root, avsc, "$", errors)
    for e in errors:
        print("%s <-> %s: %s" % (sys.argv[1], sys.argv[2], e))
    if errors:
        sys.exit(1)
    print("%s and %s match field for field" % (sys.argv[1], sys.argv[2]))


main()
