#!/bin/bash
# `cmake --install`: into a DESTDIR and into a prefix of its own, the binary lands in bin/
# with the example configuration, the systemd units, the watch sources example and the
# Prometheus rules under share/newsworker; the installed binary runs from there with the
# installed configuration with the source and build trees hidden (nothing it loads lives
# there): extract gives a record with entities (the built-in model) and ISO 3166 location
# codes (Debian's iso-codes).
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
WORK=$(mktemp -d /tmp/nw_install_test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

DESTDIR=$WORK/dest cmake --install "$BUILD" --prefix /usr/local >"$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log"; fail "cmake --install (DESTDIR) failed"; }
P=$WORK/dest/usr/local
for f in bin/newsworker share/newsworker/newsworker.conf.example \
    share/newsworker/newsworker@.service share/newsworker/newsworker-watch.service \
    share/newsworker/watch-sources.example.txt \
    share/newsworker/prometheus/newsworker-rules.yml \
    share/newsworker/prometheus/newsworker-watch-rules.yml; do
    [ -f "$P/$f" ] || fail "not installed: $f"
done
[ -x "$P/bin/newsworker" ] || fail "installed binary not executable"
cmp -s "$P/share/newsworker/newsworker.conf.example" "$SRC/deploy/newsworker.conf.example" ||
    fail "installed example config differs"
# Nothing that is only a build artefact or a test tool gets installed.
extra=$(cd "$WORK/dest" && find . -type f | grep -v -e '^./usr/local/bin/newsworker$' \
    -e '^./usr/local/share/newsworker/')
[ -z "$extra" ] || fail "unexpected files installed: $extra"

cmake --install "$BUILD" --prefix "$WORK/prefix" >"$WORK/install2.log" 2>&1 ||
    { cat "$WORK/install2.log"; fail "cmake --install --prefix failed"; }
IB=$WORK/prefix/bin/newsworker
[ -x "$IB" ] || fail "no binary under --prefix"

# The installed binary names no file of the source or build tree (the entity model is built
# in; iso-codes come from /usr/share) ...
strings "$IB" | grep -F -e "$SRC/" -e "$BUILD/" >"$WORK/paths" &&
    fail "the installed binary names tree paths: $(head -3 "$WORK/paths")"
# ... and runs with both trees hidden: in a mount namespace of its own, empty file systems
# over them (unshare needs root; elsewhere it runs from / with the trees in place).
page=$(ls "$SRC"/tests/fixtures/pages/*.html | head -1)
cp "$page" "$WORK/page.html"
run_installed() {
    "$IB" -c "$WORK/prefix/share/newsworker/newsworker.conf.example" extract "$WORK/page.html"
}
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
    export IB WORK SRC BUILD
    export -f run_installed
    unshare -m bash -c 'mount -t tmpfs none "$BUILD" && mount -t tmpfs none "$SRC" &&
        [ ! -e "$BUILD/bin/newsworker" ] && cd / && run_installed' \
        >"$WORK/rec.jsonl" 2>"$WORK/extract.err"
    rc=$?
    hidden="source and build trees hidden"
else
    (cd / && run_installed) >"$WORK/rec.jsonl" 2>"$WORK/extract.err"
    rc=$?
    hidden="run from /"
fi
"$IB" --version >"$WORK/version" 2>&1
[ $rc = 0 ] || { cat "$WORK/extract.err"; fail "installed extract exited $rc"; }
grep -q '^newsworker ' "$WORK/version" || fail "installed --version"
/usr/bin/python3 - "$WORK/rec.jsonl" "$hidden" <<'PYEOF' || fail "installed binary's record"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(recs) == 1, len(recs)
r = recs[0]
assert r["schema"] == "newsworker.article/1" and len(r["text"]) > 200, r.get("text", "")[:80]
e = r["entities"]
assert sum(len(e[k]) for k in ("persons", "organizations", "locations")) > 0, "no entities"
codes = [l.get("code") for l in e["locations"] if l.get("code")]
assert codes, "no ISO 3166 code on any location: %s" % e["locations"]
print("installed extract (%s): %d entities, location codes %s" % (sys.argv[2], sum(len(e[k]) for k in e), codes[:5]))
PYEOF
echo "PASS"
