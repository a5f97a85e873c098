#!/usr/bin/python3
"""Checks article records of the seed texts against hand-written expectations.

Usage: check_seed_expectations.py [--pages MAP] RECORDS.jsonl EXPECTATION.json...

Records are matched to an expectation by the file name of their url: the seed text
named by the expectation's "seed", or, with --pages, the HTML fixture pages that MAP
(lines "PAGE.html EXPECTATION.json", # comments) lists for the expectation file.

Each expectation file names its seed ("seed") and lists what a reader finds in the
article: title, persons (and ones that must not appear, such as names with their titles),
organizations, locations with ISO 3166 codes, dateline, quotes with speakers, amounts,
language, leftovers that must be gone and lines that must stay. Prints the share of
expectations met per seed. Exit 1 if a seed scores below 90% or any leftover remains.
"""
import json
import os
import sys

THRESHOLD = 0.90


def load_records(path):
    records = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            rec = json.loads(line)
            name = rec.get("url", "").rsplit("/", 1)[-1]
            records[name] = rec
    return records


def load_pages(path):
    """Map file -> {expectation file name: [page file names]}."""
    pages = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            page, exp = line.split()
            pages.setdefault(exp, []).append(page)
    return pages


def names(rec, kind):
    ents = rec.get("entities") or {}
    return {e["name"].lower(): e for e in ents.get(kind, [])}


def check(rec, exp):
    results = []  # (ok, description)
    leftover_fail = []

    def expect(ok, what):
        results.append((bool(ok), what))

    text = rec.get("text") or ""
    title = rec.get("title") or ""
    if "title" in exp:
        expect(title == exp["title"], "title %r (got %r)" % (exp["title"], title))
    persons = names(rec, "persons")
    for p in exp.get("persons", []):
        expect(p.lower() in persons, "person %s" % p)
    for p, n in exp.get("person_counts", {}).items():
        got = persons.get(p.lower(), {}).get("count")
        expect(got == n, "person %s count %d (got %s)" % (p, n, got))
    for p in exp.get("not_persons", []):
        expect(p.lower() not in persons, "no person %s" % p)
    orgs = names(rec, "organizations")
    for o in exp.get("organizations", []):
        expect(o.lower() in orgs, "organization %s" % o)
    for o, n in exp.get("org_counts", {}).items():
        got = orgs.get(o.lower(), {}).get("count")
        expect(got == n, "organization %s count %d (got %s)" % (o, n, got))
    locs = names(rec, "locations")
    for loc in exp.get("locations", []):
        got = locs.get(loc["name"].lower())
        ok = got is not None and got.get("code") == loc.get("code")
        expect(ok, "location %s code %s (got %s)" % (loc["name"], loc.get("code"),
                                                     got and got.get("code")))
    if "dateline" in exp:
        got = rec.get("dateline")
        expect(got == exp["dateline"], "dateline %s (got %s)" % (exp["dateline"], got))
    if "quotes" in exp:
        quotes = rec.get("quotes") or []
        if not exp["quotes"]:
            expect(len(quotes) == 0, "no quotes (got %d)" % len(quotes))
        for q in exp["quotes"]:
            match = [x for x in quotes if (x.get("text") or "").startswith(q["starts"])]
            if q["speaker"] is None:
                ok = bool(match) and match[0].get("speaker") is None
            else:
                ok = bool(match) and q["speaker"].lower() in (match[0].get("speaker") or "").lower()
            expect(ok, "quote %r by %s (got %s)" % (q["starts"], q["speaker"],
                                                    match and match[0].get("speaker")))
    if "amounts" in exp:
        amounts = rec.get("amounts") or []
        if not exp["amounts"]:
            expect(len(amounts) == 0, "no amounts (got %d)" % len(amounts))
        for a in exp["amounts"]:
            ok = any(x.get("unit") == a["unit"] and x.get("value") == a["value"] for x in amounts)
            expect(ok, "amount %s %s" % (a["value"], a["unit"]))
    if "language" in exp:
        expect(rec.get("language") == exp["language"], "language %s" % exp["language"])
    for s in exp.get("leftovers", []):
        gone = s not in text
        expect(gone, "leftover gone: %r" % s)
        if not gone:
            leftover_fail.append(s)
    for s in exp.get("keep", []):
        expect(s in text, "kept: %r" % s)
    return results, leftover_fail


def main():
    args = sys.argv[1:]
    pages = None
    if len(args) >= 2 and args[0] == "--pages":
        pages = load_pages(args[1])
        args = args[2:]
    if len(args) < 2:
        print(__doc__)
        return 2
    records = load_records(args[0])
    failed = False
    for path in args[1:]:
        with open(path, encoding="utf-8") as f:
            exp = json.load(f)
        if pages is None:
            names_ = [exp["seed"]]
        else:
            names_ = pages.get(os.path.basename(path), [])
            if not names_:
                print("%s: no page in the map" % os.path.basename(path))
                failed = True
        for name in names_:
            rec = records.get(name)
            if rec is None:
                print("%s: no record" % name)
                failed = True
                continue
            results, leftovers = check(rec, exp)
            met = sum(1 for ok, _ in results if ok)
            share = met / len(results) if results else 1.0
            label = name if name == exp["seed"] else "%s (%s)" % (name, exp["seed"])
            print("%s: %d/%d expectations met (%.0f%%)" % (label, met, len(results),
                                                           100 * share))
            for ok, what in results:
                if not ok:
                    print("  MISSED: %s" % what)
            if share < THRESHOLD or leftovers:
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
