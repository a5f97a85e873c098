#!/bin/bash
# bench_whole.sh BUILD_DIR PAGES_DIR [RUNS] — the whole `newsworker extract` process (start-up,
# reading, decode, extract, normalize, enrich, JSON out) over every page of PAGES_DIR against
# a whole process that only parses the same pages with libxml2 (bench/bench_xml_parse).
#
# The pages (.html.gz or .html, e.g. ../shared/eval/extraction-dev/html) are decompressed to
# a work folder first, and both programs read the same decompressed files. The two run in
# turn RUNS times (default 7) after one warm-up each; each run's CPU time (user + system,
# the kernel's accounting of the finished child, so other load on the machine barely moves
# it) is recorded, and the script prints both medians and the median of the pair-by-pair
# ratios extract / libxml2 (issue 22's goal: <= 1.0). NW_BIN runs another worker binary
# (e.g. an older build's) in place of BUILD_DIR/bin/newsworker. Asserts nothing; not a ctest.
set -eu
BUILD=$(cd "$1" && pwd)
PAGES=$(cd "$2" && pwd)
RUNS=${3:-7}
NW=${NW_BIN:-$BUILD/bin/newsworker}
XML=$BUILD/bench/bench_xml_parse
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

n=0
for f in "$PAGES"/*.html.gz "$PAGES"/*.html; do
    [ -e "$f" ] || continue
    b=$(basename "$f" .gz)
    case "$f" in
    *.gz) gzip -dc "$f" >"$WORK/$b" ;;
    *) cp "$f" "$WORK/$b" ;;
    esac
    n=$((n + 1))
done
echo "bench_whole: $n pages from $PAGES, $(du -sb "$WORK" | cut -f1) bytes decompressed"

/usr/bin/python3 - "$NW" "$XML" "$WORK" "$RUNS" <<'PY'
import glob, os, statistics, subprocess, sys
nw, xml, work, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
files = sorted(glob.glob(os.path.join(work, "*.html")))
cmds = {"extract": [nw, "extract"] + files, "libxml2": [xml] + files}

def cpu(cmd):
    before = os.times()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = os.times()
    return (after.children_user - before.children_user) + (after.children_system - before.children_system)

for c in cmds.values():
    cpu(c)  # warm-up: page cache, dynamic loader
t = {k: [] for k in cmds}
ratios = []
for _ in range(runs):
    a = cpu(cmds["extract"])
    b = cpu(cmds["libxml2"])
    t["extract"].append(a)
    t["libxml2"].append(b)
    ratios.append(a / b if b > 0 else float("inf"))
for k, v in t.items():
    print(f"{k:8s} cpu s: median {statistics.median(v):.3f} (min {min(v):.3f}, max {max(v):.3f}) "
          f"= {statistics.median(v) * 1e3 / len(files):.2f} ms/page")
print(f"whole process extract / libxml2 parse-only: median ratio {statistics.median(ratios):.2f} "
      f"(min {min(ratios):.2f}, max {max(ratios):.2f}, {runs} pairs)")
PY
