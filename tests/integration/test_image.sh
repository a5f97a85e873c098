#!/bin/bash
# The container image, built from the repository and run the way each deploy file runs it
# (podman, buildah and runc: no Docker engine needed).
#   - The base images debian:12 and debian:12-slim are made once from Debian's packages
#     (mmdebstrap, slim: no docs, man pages or locales) and reused while podman has them.
#   - deploy/Dockerfile is built (--format docker keeps its HEALTHCHECK); a second build
#     of the same tree is served from podman's layer cache. Both times are printed, and
#     the image size. The image runs as the non-root user 10001.
#   - Each deploy file's container settings are applied to `podman run`
#     (deploy_podman_args.py): read-only root with no tmpfs of podman's own, its user,
#     dropped capabilities, no-new-privileges, its volumes (ConfigMaps as read-only
#     folders, emptyDirs, compose volumes) and environment, plus the Kubernetes
#     service-link variables (NEWSWORKER_METRICS_SERVICE_HOST, NEWSWORKER_KAFKA_PORT, ...).
#     The test replaces only the broker (the embedded cluster), the metrics port (a free
#     one: the network is the host's), fetch.allow_private (the servers are on loopback)
#     and the watch sources (the loopback feed server).
#   - k8s `run` and compose `run`: /healthz, /readyz and /metrics answer, the image's
#     HEALTHCHECK passes (`podman healthcheck run`), a url job produced with kcat to the
#     embedded cluster comes back as an article record, the worker wrote its state into
#     the writable volume, SIGTERM (podman stop) ends it with exit 0.
#   - `extract` on the sample pages with the k8s settings; `watch --once` as the k8s watch
#     Deployment and the compose watch service run it: the new items are found, exit 0.
# Usage: test_image.sh BUILD_DIR SOURCE_DIR
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
. "$SRC/tests/integration/listen_lib.sh"
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/nw_image_test.XXXXXX)
chmod 755 "$WORK"
ID="nwimg-$$-$RANDOM"
TAG="localhost/newsworker-test:$(echo "$SRC" | sha1sum | cut -c1-12)"
RUN_OPTS=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network=host)
CONTAINERS=()
HTTPD_PID= FEEDD_PID=

cleanup() {
    for c in "${CONTAINERS[@]}"; do podman rm -f -v -t 5 "$c" >/dev/null 2>&1; done
    stop_listener "$HTTPD_PID"
    stop_listener "$FEEDD_PID"
    if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    for c in "${CONTAINERS[@]}"; do
        echo "---- podman logs $c (last 20 lines)" >&2
        podman logs "$c" 2>&1 | tail -20 >&2
    done
    for f in "$WORK"/*.log; do
        [ -f "$f" ] || continue
        echo "---- $f (last 15 lines)" >&2
        tail -15 "$f" >&2
    done
    exit 1
}
for tool in podman buildah runc mmdebstrap kcat curl; do
    command -v "$tool" >/dev/null || fail "$tool missing (deploy/install-deps.sh installs it)"
done
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- base images ------------------------------------------------------------------------
# One at a time across concurrent test runs (other checkouts share podman's storage).
exec 9>/tmp/newsworker-image-base.lock
flock -w 1200 9 || fail "base image lock"
if ! podman image exists debian:12-slim || ! podman image exists debian:12; then
    t0=$(now)
    mmdebstrap --variant=minbase --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-include=/usr/share/doc/*/copyright' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/info/*' \
        --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin' \
        bookworm "$WORK/rootfs.tar" >"$WORK/mmdebstrap.log" 2>&1 || fail "mmdebstrap"
    podman import "$WORK/rootfs.tar" debian:12 >"$WORK/import.log" 2>&1 || fail "podman import"
    podman tag debian:12 debian:12-slim || fail "podman tag"
    rm -f "$WORK/rootfs.tar"
    echo "base image debian:12(-slim) made from Debian packages in $(since "$t0") s"
fi
flock -u 9

# ---- build ----------------------------------------------------------------------------------
build() {
    timeout 2400 podman build --format docker --isolation=chroot --network=host \
        -f "$SRC/deploy/Dockerfile" -t "$TAG" "$SRC" >"$WORK/build$1.log" 2>&1 ||
        fail "podman build (see $WORK/build$1.log)"
}
t0=$(now)
build 1
t_build=$(since "$t0")
t0=$(now)
build 2
t_cached=$(since "$t0")
steps=$(grep -c '^\[[0-9]/[0-9]\] STEP\|^STEP' "$WORK/build2.log")
cached=$(grep -c 'Using cache' "$WORK/build2.log")
[ "$cached" -ge 4 ] || fail "second build used the layer cache $cached times ($steps steps)"
size=$(podman image inspect "$TAG" --format '{{.Size}}')
echo "image $TAG: $((size / 1000000)) MB; build ${t_build} s, again ${t_cached} s ($cached cached layers)"
user=$(podman image inspect "$TAG" --format '{{.Config.User}}')
case "$user" in 0 | 0:* | root* | "") fail "image user is '$user'" ;; esac
hc=$(podman image inspect "$TAG" --format '{{json .Config.Healthcheck}}')
echo "$hc" | grep -q healthz || fail "image has no HEALTHCHECK on /healthz: $hc"

# ---- loopback servers -----------------------------------------------------------------------
PAGES=$WORK/pages
mkdir -p "$PAGES"
cp "$SRC"/tests/fixtures/pages/*.html "$PAGES"/
chmod -R a+rX "$PAGES"
"$BUILD/tests/nw_httpd" --root "$PAGES" --port 0 --max-seconds 900 >"$WORK/httpd.out" \
    2>"$WORK/httpd.log" &
HTTPD_PID=$!
HP=$(first_line "$WORK/httpd.out")
[ -n "$HP" ] || fail "nw_httpd did not start"
"$BUILD/tests/nw_feedd" --port 0 --max-seconds 900 --log "$WORK/feedd.log" \
    >"$WORK/feedd.out" 2>"$WORK/feedd.err" &
FEEDD_PID=$!
FP=$(first_line "$WORK/feedd.out")
[ -n "$FP" ] || fail "nw_feedd did not start"

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# podman_args KIND FILE NAME [REPLACEMENTS...] — fills ARGS (options) and CARGS (container args)
podman_args() {
    local all=() seen=0 a
    mapfile -d '' all < <("$PY" "$SRC/tests/integration/deploy_podman_args.py" "$1" "$2" "$3" \
        "$WORK" "${@:4}") || fail "deploy_podman_args $*"
    ARGS=() CARGS=()
    for a in "${all[@]}"; do
        if [ $seen = 0 ] && [ "$a" = "--" ]; then seen=1; continue; fi
        if [ $seen = 0 ]; then ARGS+=("$a"); else CARGS+=("$a"); fi
    done
    [ $seen = 1 ] || fail "deploy_podman_args printed no --"
}

# ---- run, as the k8s Deployment and the compose service start it -----------------------------
# check_run NAME KIND FILE SERVICE STATE_PATH
check_run() {
    local name=$ID-$1 kind=$2 file=$3 svc=$4 state=$5 mp code body bs rec
    mp=$(free_port)
    podman_args "$kind" "$file" "$svc" env:NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS=embedded \
        env:NEWSWORKER_METRICS_LISTEN=127.0.0.1:$mp env:NEWSWORKER_FETCH_ALLOW_PRIVATE=true
    printf '%s\n' "${ARGS[@]}" | grep -qx -- '--read-only' || fail "$1: the deploy file is not read-only"
    grep -q SERVICE_HOST <<<"${ARGS[*]}${kind/compose/SERVICE_HOST}" || fail "$1: no service links"
    CONTAINERS+=("$name")
    podman run -d --name "$name" "${RUN_OPTS[@]}" "${ARGS[@]}" "$TAG" "${CARGS[@]}" \
        >"$WORK/$1.id" 2>"$WORK/$1-start.log" || fail "$1: podman run"
    for _ in $(seq 600); do
        code=$(curl -s -o "$WORK/$1.body" -w '%{http_code}' -m 2 "http://127.0.0.1:$mp/readyz")
        [ "$code" = 200 ] && break
        [ "$(podman inspect -f '{{.State.Running}}' "$name")" = true ] || fail "$1: the worker exited"
        sleep 0.1
    done
    [ "$code" = 200 ] || fail "$1: /readyz answers $code: $(cat "$WORK/$1.body")"
    [ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 "http://127.0.0.1:$mp/healthz")" = 200 ] ||
        fail "$1: /healthz"
    curl -sf -m 5 "http://127.0.0.1:$mp/metrics" >"$WORK/$1.metrics" || fail "$1: /metrics"
    grep -q '^newsworker_' "$WORK/$1.metrics" || fail "$1: no newsworker_ series on /metrics"
    podman healthcheck run "$name" >"$WORK/$1-hc.log" 2>&1 ||
        fail "$1: the image's HEALTHCHECK fails: $(cat "$WORK/$1-hc.log")"
    # No platform variable reached the configuration: no warning names one.
    podman logs "$name" >"$WORK/$1.log" 2>&1
    ! grep -q 'SERVICE_HOST\|_PORT' "$WORK/$1.log" || fail "$1: a service-link variable was reported"
    # A url job through the embedded cluster.
    bs=$(sed -n 's/.*embedded Kafka mock cluster at \([0-9.:,]*\).*/\1/p' "$WORK/$1.log" | head -1)
    [ -n "$bs" ] || fail "$1: no embedded cluster address in the log"
    page=$(ls "$PAGES" | head -1)
    echo "http://127.0.0.1:$HP/$page" | kcat -P -b "$bs" -t news.urls 2>"$WORK/$1-kcat.log" ||
        fail "$1: kcat -P"
    timeout 120 kcat -C -b "$bs" -t news.articles -o beginning -c 1 -q >"$WORK/$1.rec" \
        2>>"$WORK/$1-kcat.log" || true
    rec=$("$PY" -c 'import json,sys; r=json.loads(open(sys.argv[1]).readline()); print(r["schema"], len(r["text"]) > 200, r["url"])' \
        "$WORK/$1.rec" 2>/dev/null)
    [ "$rec" = "newsworker.article/1 True http://127.0.0.1:$HP/$page" ] ||
        fail "$1: no article record for the job: '$rec' $(head -c 300 "$WORK/$1.rec")"
    # The state the worker keeps is in the writable volume; the root stays read-only.
    podman exec "$name" sh -c "ls -A '$state' | grep -q ." ||
        fail "$1: nothing written to $state"
    podman exec "$name" sh -c 'touch /var/tmp/x 2>/dev/null || touch /x 2>/dev/null' &&
        fail "$1: the root file system is writable"
    podman stop -t 45 "$name" >/dev/null 2>&1
    code=$(podman inspect -f '{{.State.ExitCode}}' "$name")
    [ "$code" = 0 ] || fail "$1: exit $code after SIGTERM"
    echo "$1: ready, /healthz /readyz /metrics and HEALTHCHECK pass, job -> record, state in $state, SIGTERM exit 0"
}
check_run k8s-run k8s "$SRC/deploy/k8s" newsworker /var/lib/newsworker
check_run compose-run compose "$SRC/deploy/docker-compose.yml" newsworker /var/lib/newsworker

# ---- extract with the k8s settings ------------------------------------------------------------
podman_args k8s "$SRC/deploy/k8s" newsworker
n=$(ls "$PAGES"/*.html | wc -l)
timeout 300 podman run --rm --name "$ID-extract" "${RUN_OPTS[@]}" "${ARGS[@]}" \
    -v "$PAGES:/pages:ro" "$TAG" extract $(cd "$PAGES" && ls *.html | sed 's|^|/pages/|') \
    >"$WORK/extract.jsonl" 2>"$WORK/extract.log" || fail "extract in the image exited $?"
"$PY" - "$WORK/extract.jsonl" "$n" <<'PYEOF' || fail "extract records"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(recs) == int(sys.argv[2]), "%d records for %s pages" % (len(recs), sys.argv[2])
for r in recs:
    assert r["schema"] == "newsworker.article/1" and r["title"] and len(r["text"]) > 200, r["url"]
assert any(r["entities"]["locations"] for r in recs), "no locations (iso-codes in the image?)"
print("extract: %d records with titles, text and entities" % len(recs))
PYEOF

# ---- watch --once, as the k8s watch Deployment and the compose watch service ------------------
printf '%s\n' "http://127.0.0.1:$FP/feed/rss/img" "http://127.0.0.1:$FP/feed/atom/img" \
    >"$WORK/sources.txt"
chmod 644 "$WORK/sources.txt"
check_watch() {
    local name=$ID-$1 kind=$2 file=$3 svc=$4 new
    podman_args "$kind" "$file" "$svc" env:NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS=embedded \
        env:NEWSWORKER_METRICS_LISTEN=127.0.0.1:$(free_port) \
        env:NEWSWORKER_FETCH_ALLOW_PRIVATE=true file:/etc/newsworker/sources.txt="$WORK/sources.txt"
    [ "${CARGS[0]}" = watch ] || fail "$1: the deploy file does not run watch: ${CARGS[*]}"
    CONTAINERS+=("$name")
    timeout 300 podman run --name "$name" "${RUN_OPTS[@]}" "${ARGS[@]}" "$TAG" \
        watch --once "${CARGS[@]:1}" >"$WORK/$1.out" 2>"$WORK/$1.log" ||
        fail "$1: watch --once exited $?"
    new=$(sed -n 's/.* \([0-9]*\) new items, \([0-9]*\) errors.*/\1 \2/p' "$WORK/$1.log" | tail -1)
    [ "$new" = "6 0" ] || fail "$1: watch found '$new' (new items, errors), want '6 0'"
    grep -q 'SERVICE_HOST\|_PORT' "$WORK/$1.log" && fail "$1: a service-link variable was reported"
    echo "$1: watch --once found 6 new items in 2 feeds, no errors"
}
check_watch k8s-watch k8s "$SRC/deploy/k8s" newsworker-watch
check_watch compose-watch compose "$SRC/deploy/docker-compose.yml" newsworker-watch
grep -q '/feed/rss/img' "$WORK/feedd.log" || fail "the feed server saw no request"
echo "PASS"
