#!/usr/bin/python3
"""slow_clients.py PORT [--clients N] [--interval S] [--seconds S] [--probe-timeout S]

Opens N connections to 127.0.0.1:PORT that each send a request line and then one header
line every S seconds (never finishing the request: a "slowloris"), and meanwhile probes
GET /healthz on a fresh connection twice a second. Prints one line per probe and a
summary: "probes N answered N slowest_ms X open_slow N"; exits 1 if any probe got no
200 within the timeout.
"""
import argparse
import socket
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("--clients", type=int, default=40)
ap.add_argument("--interval", type=float, default=4.0)
ap.add_argument("--seconds", type=float, default=20.0)
ap.add_argument("--probe-timeout", type=float, default=1.0)
a = ap.parse_args()

slow = []
for i in range(a.clients):
    s = socket.create_connection(("127.0.0.1", a.port), timeout=5)
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
    slow.append(s)


def probe():
    t0 = time.monotonic()
    try:
        c = socket.create_connection(("127.0.0.1", a.port), timeout=a.probe_timeout)
        c.settimeout(max(0.01, a.probe_timeout - (time.monotonic() - t0)))
        c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n" not in data:
            left = a.probe_timeout - (time.monotonic() - t0)
            if left <= 0:
                raise socket.timeout()
            c.settimeout(left)
            chunk = c.recv(4096)
            if not chunk:
                break
            data += chunk
        c.close()
        ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return ok, (time.monotonic() - t0) * 1000


start = time.monotonic()
next_header = start + a.interval
probes = answered = 0
slowest = 0.0
n = 0
while time.monotonic() - start < a.seconds:
    ok, ms = probe()
    probes += 1
    answered += ok
    slowest = max(slowest, ms)
    print("probe %d %s %.1f ms" % (probes, "ok" if ok else "FAILED", ms), flush=True)
    if time.monotonic() >= next_header:
        n += 1
        for s in list(slow):
            try:
                s.sendall(b"X-Slow-%d: %d\r\n" % (n, n))
            except OSError:
                slow.remove(s)  # the server closed it: fine, it freed the slot
        next_header += a.interval
    time.sleep(0.5)
print("probes %d answered %d slowest_ms %.1f open_slow %d" % (probes, answered, slowest, len(slow)))
sys.exit(0 if probes > 0 and answered == probes else 1)
