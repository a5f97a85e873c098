#!/usr/bin/python3
"""deploy_podman_args.py — how a deploy file starts the container, as `podman run` options.

    deploy_podman_args.py k8s DEPLOY_DIR DEPLOYMENT WORK [NAME=VALUE...]
    deploy_podman_args.py compose COMPOSE_FILE SERVICE WORK [NAME=VALUE...]

Prints NUL-separated arguments: options, then "--", then the container's arguments.
Applied from the manifest: user and group (pod and container securityContext), read-only
root (with no tmpfs of podman's own: Kubernetes and Docker give none), dropped
capabilities, no-new-privileges, environment, volumes (a ConfigMap becomes a read-only
folder of its files under WORK; an emptyDir an empty folder writable by anyone, as the
kubelet makes it; a compose anonymous volume a podman one; a compose bind mount the file, unless
replaced), and, for Kubernetes, the service-link variables every Service of the
namespace would inject (NEWSWORKER_METRICS_SERVICE_HOST, _PORT, _PORT_9464_TCP_ADDR...,
plus those of a Service "newsworker-kafka"), which the worker must survive whatever
enableServiceLinks says.
NAME=VALUE arguments replace what the test must: an environment variable
(env:NEWSWORKER_X=v, env:NEWSWORKER_X= to drop it) or a file the deploy file mounts
(file:/etc/newsworker/sources.txt=HOSTPATH).
"""
import glob
import os
import sys

import yaml


def service_links(services):
    env = {}
    for i, (name, port, pname) in enumerate(services):
        base = name.upper().replace("-", "_")
        ip = "10.96.0.%d" % (10 + i)
        env[base + "_SERVICE_HOST"] = ip
        env[base + "_SERVICE_PORT"] = str(port)
        if pname:
            env[base + "_SERVICE_PORT_" + pname.upper().replace("-", "_")] = str(port)
        env[base + "_PORT"] = "tcp://%s:%d" % (ip, port)
        p = "%s_PORT_%d_TCP" % (base, port)
        env[p] = "tcp://%s:%d" % (ip, port)
        env[p + "_PROTO"] = "tcp"
        env[p + "_PORT"] = str(port)
        env[p + "_ADDR"] = ip
    return env


def k8s(deploy_dir, name, work, files):
    docs = []
    for path in sorted(glob.glob(os.path.join(deploy_dir, "*.yaml"))):
        docs += [d for d in yaml.safe_load_all(open(path)) if d]
    dep = [d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == name][0]
    cms = {d["metadata"]["name"]: d for d in docs if d["kind"] == "ConfigMap"}
    svcs = [(d["metadata"]["name"], p["port"], p.get("name"))
            for d in docs if d["kind"] == "Service" for p in d["spec"]["ports"]]
    svcs.append(("newsworker-kafka", 9092, "kafka"))
    pod = dep["spec"]["template"]["spec"]
    c = pod["containers"][0]
    psc, csc = pod.get("securityContext", {}), c.get("securityContext", {})
    uid = csc.get("runAsUser", psc.get("runAsUser"))
    gid = csc.get("runAsGroup", psc.get("runAsGroup"))
    opts = []
    if uid is not None:
        opts += ["--user", "%d:%d" % (uid, gid if gid is not None else uid)]
    if csc.get("readOnlyRootFilesystem"):
        opts += ["--read-only", "--read-only-tmpfs=false"]
    if "ALL" in csc.get("capabilities", {}).get("drop", []):
        opts += ["--cap-drop=all"]
    if csc.get("allowPrivilegeEscalation") is False:
        opts += ["--security-opt=no-new-privileges"]
    env = service_links(svcs)
    for e in c.get("env", []):
        env[e["name"]] = e["value"]
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        v = vols[m["name"]]
        if "configMap" in v:
            d = os.path.join(work, "configmap-" + v["configMap"]["name"])
            os.makedirs(d, exist_ok=True)
            for key, text in cms[v["configMap"]["name"]]["data"].items():
                target = os.path.join(m["mountPath"], key)
                text = open(files[target]).read() if target in files else text
                with open(os.path.join(d, key), "w") as f:
                    f.write(text)
                os.chmod(os.path.join(d, key), 0o644)
            os.chmod(d, 0o755)
            opts += ["-v", "%s:%s:ro" % (d, m["mountPath"])]
        elif "emptyDir" in v:
            # the kubelet makes an emptyDir 0777 whatever the image holds at that path
            d = os.path.join(work, "emptydir-%s-%s" % (name, m["name"]))
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o777)
            opts += ["-v", "%s:%s:rw" % (d, m["mountPath"])]
        else:
            raise SystemExit("volume kind not handled: %s" % v)
    return opts, env, list(c.get("command", [])) + list(c.get("args", []))


def compose(path, name, work, files):
    s = yaml.safe_load(open(path))["services"][name]
    base = os.path.dirname(os.path.abspath(path))
    opts = []
    if s.get("user"):
        opts += ["--user", str(s["user"])]
    if s.get("read_only"):
        opts += ["--read-only", "--read-only-tmpfs=false"]
    if "ALL" in s.get("cap_drop", []):
        opts += ["--cap-drop=all"]
    for so in s.get("security_opt", []):
        opts += ["--security-opt=" + so.replace(":true", "")]
    env = dict((k, str(v)) for k, v in (s.get("environment") or {}).items())
    for v in s.get("volumes", []):
        parts = v.split(":")
        if len(parts) == 1:
            opts += ["-v", parts[0]]  # anonymous volume
        else:
            src, dst = parts[0], parts[1]
            src = files.get(dst, os.path.join(base, src) if src.startswith(".") else src)
            opts += ["-v", "%s:%s%s" % (src, dst, ":" + parts[2] if len(parts) > 2 else "")]
    cmd = s.get("command", [])
    return opts, env, list(cmd) if isinstance(cmd, list) else cmd.split()


def main():
    kind, path, name, work = sys.argv[1:5]
    env_over, files = {}, {}
    for a in sys.argv[5:]:
        k, v = a.split("=", 1)
        if k.startswith("env:"):
            env_over[k[4:]] = v
        elif k.startswith("file:"):
            files[k[5:]] = v
    opts, env, args = (k8s if kind == "k8s" else compose)(path, name, work, files)
    for k, v in env_over.items():
        if v == "":
            env.pop(k, None)
        else:
            env[k] = v
    for k, v in sorted(env.items()):
        opts += ["-e", "%s=%s" % (k, v)]
    sys.stdout.write("\0".join(opts + ["--"] + args) + "\0")


main()
