#!/bin/bash
# deploy/ works as written, checked with the tools a CI machine without Docker has:
#   - docker-compose.yml: `docker-compose config` (Debian's docker-compose) and its shape
#     (KRaft, topics from an init service, healthchecks, a listener for the host);
#   - Dockerfile and .dockerignore: multi-stage on debian:12-slim, non-root, the runtime
#     packages hold every library the built binary needs, host build trees ignored;
#   - the systemd unit: `systemd-analyze verify` with the built binary at the unit's path
#     in a scratch root, and `systemd-analyze security` well under the old 8.3;
#   - Prometheus rules: `promtool check rules` and `promtool test rules`;
#   - k8s manifests: YAML, a JSON Schema of the parts we rely on, cross-references
#     (ConfigMap, probes on the metrics port, pinned image, securityContext), and the
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
hc = re.search(r"HEALTHCHECK.*\n.*http://127\.0\.0\.1:(\d+)/healthz", final)
assert hc and hc.group(1) == listen.group(1).rsplit(":", 1)[1], "healthcheck port is not metrics.listen's"
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

# ---- systemd unit ----------------------------------------------------------------------
UNIT=$D/newsworker@.service
[ -f "$UNIT" ] || fail "deploy/newsworker@.service missing"
grep -q 'newsworker@\.service' "$UNIT" || fail "unit comment does not name newsworker@.service"
exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
ROOT=$WORK/root
mkdir -p "$ROOT/etc/systemd/system" "$ROOT/etc/newsworker" "$ROOT/usr/lib/systemd" \
    "$ROOT$(dirname "$exec_path")"
cp -r /lib/systemd/system "$ROOT/usr/lib/systemd/"
cp "$UNIT" "$ROOT/etc/systemd/system/"
cp "$BIN" "$ROOT$exec_path"
cp "$D/newsworker.conf.example" "$ROOT/etc/newsworker/newsworker.conf"
systemd-analyze verify --root="$ROOT" newsworker@1.service >"$WORK/verify.out" 2>&1 ||
    { cat "$WORK/verify.out"; fail "systemd-analyze verify"; }
[ ! -s "$WORK/verify.out" ] || { cat "$WORK/verify.out"; fail "systemd-analyze verify warns"; }
# And it does catch a missing binary (the check above is not vacuous).
rm "$ROOT$exec_path"
systemd-analyze verify --root="$ROOT" newsworker@1.service >/dev/null 2>&1 &&
    fail "systemd-analyze verify passed without the binary"
score=$(systemd-analyze security --offline=true "$UNIT" 2>/dev/null |
    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || fail "no systemd-analyze security score"
awk -v s="$score" 'BEGIN { exit !(s < 3.0) }' || fail "systemd-analyze security: $score (want < 3.0)"
echo "systemd: verify ok, security exposure $score"
# The example configuration the unit reads is accepted by the binary.
"$BIN" -c "$D/newsworker.conf.example" --help >/dev/null || fail "newsworker.conf.example rejected"

# ---- Prometheus rules ------------------------------------------------------------------
promtool check rules "$D/prometheus/newsworker-rules.yml" || fail "promtool check rules"
(cd "$D/prometheus" && promtool test rules newsworker-rules.test.yml) || fail "promtool test rules"
# Every newsworker_ series an alert uses is one the worker exports.
for name in $(grep -o 'newsworker_[a-z_]*' "$D/prometheus/newsworker-rules.yml" | sort -u); do
    grep -q "\"$name\"\|$name\b" "$SRC/worker/metrics.c" || fail "rules use $name, which metrics.c does not export"
done

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
(dpath, dep), = docs["Deployment"]
spec = dep["spec"]["template"]["spec"]
labels = dep["spec"]["template"]["metadata"]["labels"]
for k, v in dep["spec"]["selector"]["matchLabels"].items():
    assert labels.get(k) == v, "selector does not match the pod labels"
cms = {d["metadata"]["name"]: d for _, d in docs["ConfigMap"]}
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
for (spath, svc) in docs.get("Service", []):
    for k, v in svc["spec"]["selector"].items():
        assert labels.get(k) == v, "service selector matches no pod"
for (kpath, kz) in docs.get("Kustomization", []):
    for res in kz["resources"]:
        assert os.path.exists(os.path.join(kdir, res)), "kustomization lists missing %s" % res
print("k8s: ok (%s; image %s)" % (", ".join("%s x%d" % (k, len(v)) for k, v in sorted(docs.items())), c["image"]))
PYEOF
echo "PASS"
