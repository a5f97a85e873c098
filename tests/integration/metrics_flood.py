#!/usr/bin/python3
"""metrics_flood.py PORT PID [--requests N] — sends N GET /metrics over keep-alive
connections to 127.0.0.1:PORT and prints the CPU time the process PID spent meanwhile:
"requests N cpu_ms X per_request_us Y elapsed_ms Z renders R" where R is how often the
scrape was rendered meanwhile (newsworker_metrics_renders_total, last minus first)."""
import argparse
import http.client
import os
import re
import time

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("pid", type=int)
ap.add_argument("--requests", type=int, default=2000)
a = ap.parse_args()
tick = os.sysconf("SC_CLK_TCK")


def cpu_ms():
    with open("/proc/%d/stat" % a.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000.0 / tick


def renders(body):
    m = re.search(rb"^newsworker_metrics_renders_total (\d+)$", body, re.M)
    return int(m.group(1)) if m else -1


before = cpu_ms()
t0 = time.monotonic()
first = last = None
c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=10)
for i in range(a.requests):
    c.request("GET", "/metrics")
    r = c.getresponse()
    body = r.read()
    if r.status != 200 or b"newsworker_build_info" not in body:
        raise SystemExit("bad answer %d" % r.status)
    if first is None:
        first = body
    last = body
used = cpu_ms() - before
elapsed = (time.monotonic() - t0) * 1000
print("requests %d cpu_ms %.0f per_request_us %.0f elapsed_ms %.0f renders %d"
      % (a.requests, used, used * 1000.0 / a.requests, elapsed, renders(last) - renders(first)))
