#!/bin/bash
# deploy/ works as written, checked with the tools a CI machine without Docker has
# (test_image.sh builds and runs the image itself):
#   - docker-compose.yml: `docker-compose config` (Debian's docker-compose) and its shape
#     (KRaft, topics from an init service, healthchecks, a listener for the host, a volume
#     where each worker writes, the watch service with its sources mounted);
#   - Dockerfile and .dockerignore: multi-stage on debian:12-slim, non-root, the runtime
#     packages hold every library the built binary needs, the state dir a VOLUME, host
#     build trees ignored;
#   - both systemd units: `systemd-analyze verify` with the built binary at the unit's path
#     in a scratch root, `systemd-analyze security` well under the old 8.3, and each unit
#     STARTED as it says (ExecStart, Environment=, StateDirectory=): run gets partitions
#     and writes into its state directory, watch polls and saves its state there, both
#     exit 0 on SIGTERM within TimeoutStopSec;
#   - Prometheus rules (run and watch): `promtool check rules` and `promtool test rules`;
#   - k8s manifests: YAML, a JSON Schema of the parts we rely on, cross-references
#     (ConfigMaps, probes on the metrics port, pinned image, securityContext,
#     enableServiceLinks: false, worker.state_dir on a writable emptyDir), and each
#     ConfigMap's configuration accepted by the built binary.
set -u
BUILD=$(cd "$1" && pwd)
SRC=$(cd "$2" && pwd)
BIN=$BUILD/bin/newsworker
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/nw_deploy_test.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
D=$SRC/deploy

# ---- docker-compose ------------------------------------------------------------------
if command -v docker-compose >/dev/null; then
    COMPOSE="docker-compose"
elif docker compose version >/dev/null 2>&1; then
    COMPOSE="docker compose"
else
    fail "docker-compose missing (Debian package docker-compose)"
fi
$COMPOSE -f "$D/docker-compose.yml" config >"$WORK/compose.yml" 2>"$WORK/compose.err" ||
    { cat "$WORK/compose.err"; fail "$COMPOSE config rejects deploy/docker-compose.yml"; }
"$PY" - "$WORK/compose.yml" "$BIN" <<'PYEOF' || fail "docker-compose.yml structure"
import re, subprocess, sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
s = c["services"]
k, init, w = s["kafka"], s["kafka-init"], s["newsworker"]
env = k["environment"]
assert "controller" in env["KAFKA_PROCESS_ROLES"], "Kafka not in KRaft mode"
assert str(env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).lower() == "false", "topics must not rely on auto-create"
adv = dict(x.split("://", 1) for x in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
ext = adv.get("EXTERNAL", "")
assert ext.startswith("localhost:"), "no EXTERNAL listener advertised on localhost: %r" % adv
port = int(ext.split(":")[1])
def published_pair(p):  # long syntax (compose v2) or "HOST_IP:PUBLISHED:TARGET/tcp" (v1)
    if isinstance(p, dict):
        return int(p.get("published", 0)), int(p["target"])
    parts = str(p).split("/")[0].split(":")
    return int(parts[-2]), int(parts[-1])
published = [p for p in k.get("ports", []) if published_pair(p) == (port, port)]
assert published, "EXTERNAL port %d not published to the host" % port
assert "healthcheck" in k, "kafka has no healthcheck"
assert init["depends_on"]["kafka"]["condition"] == "service_healthy"
assert w["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
script = " ".join(init["command"] if isinstance(init["command"], list) else [init["command"]])
assert "kafka-topics.sh" in script and "--create" in script
made = set(re.findall(r"(news\.[a-z]+):\d+", script))
wenv = w["environment"]
listen = wenv["NEWSWORKER_METRICS_LISTEN"]
hc = " ".join(w["healthcheck"]["test"])
assert "/healthz" in hc and listen.rsplit(":", 1)[1] in hc, "worker healthcheck not on /healthz of metrics.listen"
# The topics the worker uses (its defaults, as the binary reports them) all exist.
help_out = subprocess.run([sys.argv[2], "--help"], capture_output=True, text=True).stdout
used = set()
for key in ("input.topic", "output.topic", "errors.topic"):
    m = re.search(r"^\s+%s\s+string\s+(\S+)" % re.escape(key), help_out, re.M)
    used.add(m.group(1))
assert used <= made, "topics %s not created by kafka-init (%s)" % (used - made, made)
assert w.get("read_only") is True and "ALL" in w.get("cap_drop", [])
# Both services: a writable volume where the worker writes (the image's state dir), and
# the watcher runs watch with its sources mounted.
ww = s["newsworker-watch"]
for name, svc in (("newsworker", w), ("newsworker-watch", ww)):
    assert svc.get("read_only") is True, name
    targets = [v["target"] if isinstance(v, dict) else v.split(":")[-2 if v.count(":") > 1 else -1] for v in svc.get("volumes", [])]
    assert "/var/lib/newsworker" in targets, "%s: no volume at /var/lib/newsworker (%s)" % (name, targets)
cmd = ww["command"]
assert cmd[0] == "watch", ww["command"]
src = ww["environment"]["NEWSWORKER_WATCH_SOURCES"]
assert src in targets, "watch.sources %s is not mounted" % src
print("compose: ok (topics %s, host listener localhost:%d)" % (sorted(made), port))
PYEOF

# ---- Dockerfile ------------------------------------------------------------------------
"$PY" - "$D/Dockerfile" "$SRC/.dockerignore" "$BIN" <<'PYEOF' || fail "Dockerfile"
import os, re, subprocess, sys
text = open(sys.argv[1]).read()
ignore = [l.strip() for l in open(sys.argv[2]) if l.strip() and not l.startswith("#")]
assert "build" in ignore and ".git" in ignore, ".dockerignore must keep build/ and .git out"
froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
assert len(froms) >= 2, "not multi-stage"
assert froms[-1] == "debian:12-slim", "final stage is %s" % froms[-1]
final = text[text.rindex("\nFROM "):]
users = re.findall(r"^USER\s+(\S+)", final, re.M)
assert users and users[-1].split(":")[0] not in ("root", "0"), "final stage runs as root"
assert "HEALTHCHECK" in final and "/healthz" in final
listen = re.search(r"^ENV\s+NEWSWORKER_METRICS_LISTEN=(\S+)", final, re.M)
assert listen, "the image does not turn the metrics endpoint on"
hc = re.search(r"HEALTHCHECK.*\n.*http://127\.0\.0\.1:(\d+|\$\{NEWSWORKER_METRICS_LISTEN##\*:\})/healthz", final)
assert hc and hc.group(1) in (listen.group(1).rsplit(":", 1)[1], "${NEWSWORKER_METRICS_LISTEN##*:}"), "healthcheck port is not metrics.listen's"
# The worker's state is on a volume, never on the read-only root.
state = re.search(r"^ENV\s+NEWSWORKER_WORKER_STATE_DIR=(\S+)", final, re.M)
assert state and re.search(r"^VOLUME\s+\[?\"?%s" % re.escape(state.group(1)), final, re.M), "worker.state_dir is not a VOLUME"
# Every shared library the binary needs comes from a package the final stage installs.
installed = set(re.findall(r"\b([a-z0-9][a-z0-9.+-]+)\b", final[final.index("apt-get install"):]))
needed = subprocess.run(["readelf", "-d", sys.argv[3]], capture_output=True, text=True).stdout
libs = re.findall(r"NEEDED\)\s+Shared library: \[([^\]]+)\]", needed)
ldd = subprocess.run(["ldd", sys.argv[3]], capture_output=True, text=True).stdout
paths = dict(re.findall(r"^\s*(\S+) => (\S+)", ldd, re.M))
# In every image already; sanitizer runtimes only in a -DNW_SANITIZE=ON build.
base = {"libc6", "libgcc-s1", "libstdc++6", "libasan8", "libubsan1"}
missing = []
for lib in libs:
    path = os.path.realpath(paths[lib])
    owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True).stdout
    if not owner:
        owner = subprocess.run(["dpkg", "-S", paths[lib]], capture_output=True, text=True).stdout
    pkg = owner.split(":")[0]
    if pkg not in base and pkg not in installed:
        missing.append("%s (%s)" % (lib, pkg))
assert not missing, "runtime stage lacks packages for: %s" % missing
print("Dockerfile: ok (%d libraries covered, final stage %s, user %s)" % (len(libs), froms[-1], users[-1]))
PYEOF

# ---- systemd units ---------------------------------------------------------------------
[ -f "$D/newsworker@.service" ] && [ -f "$D/newsworker-watch.service" ] || fail "a systemd unit is missing"
grep -q 'newsworker@\.service' "$D/newsworker@.service" || fail "unit comment does not name newsworker@.service"
for pair in "newsworker@.service newsworker@1.service" "newsworker-watch.service newsworker-watch.service"; do
    set -- $pair
    UNIT=$D/$1
    exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
    ROOT=$WORK/root-$1
    mkdir -p "$ROOT/etc/systemd/system" "$ROOT/etc/newsworker" "$ROOT/usr/lib/systemd" \
        "$ROOT$(dirname "$exec_path")"
    cp -r /lib/systemd/system "$ROOT/usr/lib/systemd/"
    cp "$UNIT" "$ROOT/etc/systemd/system/"
    cp "$BIN" "$ROOT$exec_path"
    cp "$D/newsworker.conf.example" "$ROOT/etc/newsworker/newsworker.conf"
    systemd-analyze verify --root="$ROOT" "$2" >"$WORK/verify.out" 2>&1 ||
        { cat "$WORK/verify.out"; fail "systemd-analyze verify $1"; }
    [ ! -s "$WORK/verify.out" ] || { cat "$WORK/verify.out"; fail "systemd-analyze verify $1 warns"; }
    # And it does catch a missing binary (the check above is not vacuous).
    rm "$ROOT$exec_path"
    systemd-analyze verify --root="$ROOT" "$2" >/dev/null 2>&1 &&
        fail "systemd-analyze verify $1 passed without the binary"
    score=$(systemd-analyze security --offline=true "$UNIT" 2>/dev/null |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    [ -n "$score" ] || fail "no systemd-analyze security score for $1"
    awk -v s="$score" 'BEGIN { exit !(s < 3.0) }' || fail "systemd-analyze security $1: $score (want < 3.0)"
    echo "systemd $1: verify ok, security exposure $score"
done
# The example configuration the units read is accepted by the binary.
"$BIN" -c "$D/newsworker.conf.example" --help >/dev/null || fail "newsworker.conf.example rejected"

# Each unit starts the worker as systemd would: its ExecStart line and Environment= lines
# (instance 1), its StateDirectory= made as systemd makes it, the example configuration at
# /etc/newsworker; paths under /etc/newsworker, /var/lib and the binary's are moved into a
# scratch root. The instance's EnvironmentFile (the unit names it) gives the broker (the
# embedded cluster) and a metrics port. The unit's own state directory must hold what the
# worker writes; SIGTERM must end it within TimeoutStopSec with exit 0.
. "$SRC/tests/integration/listen_lib.sh"
"$BUILD/tests/nw_feedd" --port 0 --max-seconds 300 --log "$WORK/feedd.log" >"$WORK/feedd.out" \
    2>"$WORK/feedd.err" &
FEEDD_PID=$!
trap 'stop_listener "$FEEDD_PID"; [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"' EXIT
FP=$(first_line "$WORK/feedd.out")
[ -n "$FP" ] || fail "nw_feedd did not start"
# start_unit UNIT — starts it in the background; sets UPID, USTATE (the state dir), ULOG.
start_unit() {
    local unit=$D/$1 R=$WORK/run-$1 line exec_line sd
    mkdir -p "$R/etc/newsworker" "$R/var/lib"
    cp "$D/newsworker.conf.example" "$R/etc/newsworker/newsworker.conf"
    printf '%s\n' "http://127.0.0.1:$FP/feed/rss/unit" >"$R/etc/newsworker/sources.txt"
    rw() { sed -e "s|%i|1|g" -e "s|/usr/local/bin/newsworker|$BIN|g" \
        -e "s|/etc/newsworker|$R/etc/newsworker|g" -e "s|/var/lib/|$R/var/lib/|g"; }
    sd=$(sed -n 's/^StateDirectory=//p' "$unit" | rw)
    [ -n "$sd" ] || fail "$1: no StateDirectory="
    USTATE=$R/var/lib/$sd
    mkdir -p "$USTATE"
    chmod 700 "$USTATE"
    UENV=(env -i PATH=/usr/bin:/bin)
    while IFS= read -r line; do UENV+=("$line"); done < <(sed -n 's/^Environment=//p' "$unit" | rw)
    grep -q "NEWSWORKER_WORKER_STATE_DIR=$USTATE\$" < <(printf '%s\n' "${UENV[@]}") ||
        fail "$1: worker.state_dir is not the unit's StateDirectory ($sd)"
    ! sed -n 's/^\(Environment\|ExecStart\)=//p' "$unit" | grep -q '/tmp' ||
        fail "$1: relies on /tmp (PrivateTmp is wiped at every stop)"
    UENV+=(NEWSWORKER_KAFKA_BOOTSTRAP_SERVERS=embedded NEWSWORKER_METRICS_LISTEN=127.0.0.1:0
        NEWSWORKER_FETCH_ALLOW_PRIVATE=true)
    exec_line=$(sed -n 's/^ExecStart=//p' "$unit" | rw)
    ULOG=$WORK/unit-$1.log
    # shellcheck disable=SC2086
    "${UENV[@]}" $exec_line >"$WORK/unit-$1.out" 2>"$ULOG" &
    UPID=$!
}
stop_unit() { # UNIT — SIGTERM, then the exit within TimeoutStopSec must be 0
    local limit rc
    limit=$(sed -n 's/^TimeoutStopSec=\([0-9]*\)$/\1/p' "$D/$1")
    kill -TERM "$UPID"
    for _ in $(seq $((limit * 10))); do kill -0 "$UPID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$UPID" 2>/dev/null && { kill -KILL "$UPID"; fail "$1: still running ${limit}s after SIGTERM"; }
    wait "$UPID"
    rc=$?
    [ $rc = 0 ] || { tail -5 "$ULOG"; fail "$1: exit $rc after SIGTERM"; }
}
start_unit newsworker@.service
for _ in $(seq 600); do
    grep -q 'assigned [0-9]* partition' "$ULOG" && break
    kill -0 "$UPID" 2>/dev/null || { tail -5 "$ULOG"; fail "newsworker@1 exited"; }
    sleep 0.1
done
grep -q 'assigned [0-9]* partition' "$ULOG" || { tail -5 "$ULOG"; fail "newsworker@1 got no partitions"; }
[ -n "$(ls -A "$USTATE")" ] || fail "newsworker@1 wrote nothing into its StateDirectory"
stop_unit newsworker@.service
echo "systemd newsworker@1: started as the unit says, state in its StateDirectory, SIGTERM exit 0"
start_unit newsworker-watch.service
for _ in $(seq 600); do
    grep -q '/feed/rss/unit' "$WORK/feedd.log" && break
    kill -0 "$UPID" 2>/dev/null || { tail -5 "$ULOG"; fail "newsworker-watch exited"; }
    sleep 0.1
done
grep -q '/feed/rss/unit' "$WORK/feedd.log" || fail "newsworker-watch polled nothing"
stop_unit newsworker-watch.service
[ -s "$USTATE/state.json" ] || fail "newsworker-watch saved no state in its StateDirectory"
grep -q '"url":"http://127.0.0.1:'"$FP"'/feed/rss/unit".*"ok":true' "$USTATE/state.json" ||
    fail "the saved state lacks the polled source"
echo "systemd newsworker-watch: polled its sources, state saved in its StateDirectory, SIGTERM exit 0"

# ---- Prometheus rules ------------------------------------------------------------------
for r in newsworker newsworker-watch; do
    promtool check rules "$D/prometheus/$r-rules.yml" || fail "promtool check rules $r"
    (cd "$D/prometheus" && promtool test rules "$r-rules.test.yml") || fail "promtool test rules $r"
done
# Every newsworker_ series an alert uses is one the worker exports. The watch series
# (newsworker_watch_polls_total, _errors_total, _new_items_total, _sources_overdue) are
# the names agreed with watch's exporter; once worker/ exports its polls, all must be there.
for name in $(grep -o 'newsworker_[a-z_]*' "$D/prometheus/newsworker-rules.yml" | sort -u); do
    grep -q "\"$name\"\|$name\b" "$SRC/worker/metrics.c" || fail "rules use $name, which metrics.c does not export"
done
watch_names=$(grep -o 'newsworker_watch_[a-z_]*[a-z]' "$D/prometheus/newsworker-watch-rules.yml" | sort -u)
[ "$(echo $watch_names)" = "newsworker_watch_errors_total newsworker_watch_new_items_total newsworker_watch_polls_total newsworker_watch_sources_overdue" ] ||
    fail "watch rules use other series than the agreed ones: $(echo $watch_names)"
if grep -rqs 'newsworker_watch_polls_total' "$SRC/worker"; then
    for name in $watch_names; do
        grep -rqs "$name" "$SRC/worker" || fail "watch rules use $name, which worker/ does not export"
    done
else
    echo "note: worker/ exports no newsworker_watch_ series yet (watch's exporter comes in its own branch)"
fi

# ---- Kubernetes --------------------------------------------------------------------------
"$PY" - "$D/k8s" "$BIN" "$WORK" <<'PYEOF' || fail "k8s manifests"
import glob, os, re, subprocess, sys, yaml, jsonschema
kdir, binary, work = sys.argv[1:4]
docs = {}
for path in sorted(glob.glob(os.path.join(kdir, "*.yaml"))):
    for d in yaml.safe_load_all(open(path)):
        if d is None:
            continue
        assert isinstance(d.get("apiVersion"), str) and isinstance(d.get("kind"), str), path
        docs.setdefault(d["kind"], []).append((path, d))
meta = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}}}
probe = {"type": "object", "required": ["httpGet"], "properties": {"httpGet": {"type": "object", "required": ["path", "port"]}}}
qty = {"type": "object", "required": ["cpu", "memory"], "properties": {"cpu": {"type": ["string", "integer"]}, "memory": {"type": "string", "pattern": "^[0-9]+(Ki|Mi|Gi)$"}}}
container = {
    "type": "object",
    "required": ["name", "image", "livenessProbe", "readinessProbe", "resources", "securityContext", "ports"],
    "properties": {
        "image": {"type": "string", "pattern": "^[^:@]+(:[A-Za-z0-9_.-]+|@sha256:[0-9a-f]{64})$", "not": {"pattern": ":latest$"}},
        "livenessProbe": probe, "readinessProbe": probe,
        "resources": {"type": "object", "required": ["requests", "limits"], "properties": {"requests": qty, "limits": qty}},
        "securityContext": {"type": "object", "required": ["readOnlyRootFilesystem", "allowPrivilegeEscalation", "capabilities"],
            "properties": {"readOnlyRootFilesystem": {"const": True}, "allowPrivilegeEscalation": {"const": False},
                           "capabilities": {"type": "object", "required": ["drop"], "properties": {"drop": {"contains": {"const": "ALL"}}}}}},
    },
}
schemas = {
    "Deployment": {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"apiVersion": {"const": "apps/v1"}, "metadata": meta,
            "spec": {"type": "object", "required": ["selector", "template"], "properties": {
                "replicas": {"type": "integer", "minimum": 1},
                "template": {"type": "object", "required": ["metadata", "spec"], "properties": {"spec": {
                    "type": "object", "required": ["containers", "securityContext"],
                    "properties": {"securityContext": {"type": "object", "required": ["runAsNonRoot"], "properties": {"runAsNonRoot": {"const": True}}},
                                   "containers": {"type": "array", "minItems": 1, "items": container}}}}}}}}},
    "ConfigMap": {"type": "object", "required": ["apiVersion", "kind", "metadata", "data"],
        "properties": {"apiVersion": {"const": "v1"}, "metadata": meta, "data": {"type": "object", "additionalProperties": {"type": "string"}}}},
    "Service": {"type": "object", "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"apiVersion": {"const": "v1"}, "metadata": meta,
            "spec": {"type": "object", "required": ["selector", "ports"]}}},
    "Kustomization": {"type": "object", "required": ["resources"]},
}
for kind, items in docs.items():
    assert kind in schemas, "unexpected kind %s" % kind
    for path, d in items:
        jsonschema.validate(d, schemas[kind])
cms = {d["metadata"]["name"]: d for _, d in docs["ConfigMap"]}
all_labels = []
for dpath, dep in docs["Deployment"]:
    spec = dep["spec"]["template"]["spec"]
    labels = dep["spec"]["template"]["metadata"]["labels"]
    all_labels.append(labels)
    for k, v in dep["spec"]["selector"]["matchLabels"].items():
        assert labels.get(k) == v, "selector does not match the pod labels"
    # Service links would put NEWSWORKER_<SERVICE>_* variables into the environment.
    assert spec.get("enableServiceLinks") is False, "%s: enableServiceLinks is not false" % dpath
    vols = {v["name"]: v for v in spec["volumes"]}
    c = spec["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    for pr in ("livenessProbe", "readinessProbe"):
        assert c[pr]["httpGet"]["port"] in ports or c[pr]["httpGet"]["port"] in ports.values()
    # The -c file is a key of a mounted ConfigMap, and that configuration is valid.
    conf = c["args"][c["args"].index("-c") + 1]
    mount = [m for m in c["volumeMounts"] if conf.startswith(m["mountPath"].rstrip("/") + "/")]
    assert mount, "no volume mounted at %s" % conf
    vol = vols[mount[0]["name"]]
    cm = cms[vol["configMap"]["name"]]
    text = cm["data"][os.path.basename(conf)]
    listen = re.search(r"^metrics\.listen\s*=\s*(\S+)", text, re.M)
    assert listen and int(listen.group(1).rsplit(":", 1)[1]) == ports["metrics"], "metrics.listen is not the probed port"
    cpath = os.path.join(work, "k8s.conf")
    open(cpath, "w").write(text)
    r = subprocess.run([binary, "-c", cpath, "--help"], capture_output=True, text=True)
    assert r.returncode == 0, "the ConfigMap's configuration is rejected: %s" % r.stderr
    # Where the worker writes is a writable emptyDir (the root file system is read-only).
    state = re.search(r"^worker\.state_dir\s*=\s*(\S+)", text, re.M)
    assert state, "%s: no worker.state_dir in the configuration" % dpath
    wmounts = [m for m in c["volumeMounts"] if not m.get("readOnly") and "emptyDir" in vols[m["name"]]]
    assert any(state.group(1).rstrip("/") == m["mountPath"].rstrip("/") for m in wmounts), \
        "%s: worker.state_dir %s is not a writable emptyDir" % (dpath, state.group(1))
    if c["args"][0] == "watch":
        src = re.search(r"^watch\.sources\s*=\s*(\S+)", text, re.M)
        assert src and os.path.basename(src.group(1)) in cm["data"], "watch.sources is not in the ConfigMap"
        assert dep["spec"].get("replicas", 1) == 1, "several watchers would poll every source of a file"
for (spath, svc) in docs.get("Service", []):
    assert any(all(l.get(k) == v for k, v in svc["spec"]["selector"].items()) for l in all_labels), \
        "service selector matches no pod"
for (kpath, kz) in docs.get("Kustomization", []):
    for res in kz["resources"]:
        assert os.path.exists(os.path.join(kdir, res)), "kustomization lists missing %s" % res
print("k8s: ok (%s)" % ", ".join("%s x%d" % (k, len(v)) for k, v in sorted(docs.items())))
PYEOF
echo "PASS"
