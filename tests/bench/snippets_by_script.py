#!/usr/bin/python3
"""Groups the snippets-dev score by the script family of each page.

Usage: snippets_by_script.py EXPECTATIONS.json RECORDS.jsonl

Counts exactly as ../shared/eval/score_snippets.py does (a "with" snippet found in the
white-space-collapsed text is a true positive, a "without" snippet found a false
positive), then pools them per script family. A page's family is the dominant Unicode
script of the letters in its "with" snippets (so an empty output still counts where it
belongs): Latin, Cyrillic, CJK (Han, Hiragana, Katakana, Hangul), Arabic/Hebrew, other.
Prints one line per family (a family with no page shows zeros) and the total."""
import json
import re
import sys
import unicodedata


def squash(s):
    return re.sub(r"\s+", " ", s or "").strip()


def family(ch):
    if not ch.isalpha():
        return None
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return "other"
    first = name.split(" ")[0]
    if first == "LATIN":
        return "Latin"
    if first == "CYRILLIC":
        return "Cyrillic"
    if first in ("CJK", "HIRAGANA", "KATAKANA", "HANGUL"):
        return "CJK"
    if first in ("ARABIC", "HEBREW"):
        return "Arabic/Hebrew"
    return "other"


def page_family(snippets):
    counts = {}
    for s in snippets:
        for ch in s:
            f = family(ch)
            if f:
                counts[f] = counts.get(f, 0) + 1
    if not counts:
        return "other"
    return max(sorted(counts), key=lambda k: counts[k])


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    truth = json.load(open(sys.argv[1], encoding="utf-8"))
    texts = {}
    for line in open(sys.argv[2], encoding="utf-8"):
        if not line.strip():
            continue
        rec = json.loads(line)
        name = (rec.get("url") or "").rstrip("/").rsplit("/", 1)[-1].split(".")[0]
        if name in truth:
            texts[name] = squash(rec.get("text"))
    groups = {}
    for pid, exp in truth.items():
        text = texts.get(pid, "")
        g = groups.setdefault(page_family(exp["with"]), [0, 0, 0, 0, 0, 0])
        hit = sum(1 for w in exp["with"] if squash(w) in text)
        leak = sum(1 for w in exp["without"] if squash(w) in text)
        g[0] += 1
        g[1] += hit
        g[2] += leak
        g[3] += len(exp["with"]) - hit
        g[4] += len(exp["without"]) - leak
        g[5] += 1 if not text else 0
    order = ["Latin", "Cyrillic", "CJK", "Arabic/Hebrew", "other"]
    total = [0] * 6
    print(f"{'script':14} {'pages':>5} {'empty':>5} {'tp':>5} {'fp':>4} {'fn':>4} "
          f"{'P':>6} {'R':>6} {'F1':>6}")
    for name in order + ["total"]:
        g = total if name == "total" else groups.get(name, [0] * 6)
        if name != "total":
            total = [a + b for a, b in zip(total, g)]
        tp, fp, fn = g[1], g[2], g[3]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        print(f"{name:14} {g[0]:5d} {g[5]:5d} {tp:5d} {fp:4d} {fn:4d} {p:6.3f} {r:6.3f} {f1:6.3f}")


if __name__ == "__main__":
    main()
