#!/usr/bin/python3
"""s3_front.py — a loopback front for the S3 test server that does what s3rver does not.

s3rver checks only that a SigV4 request names its known access key; it never verifies the
signature. This front verifies every request's AWS Signature Version 4 with botocore
(Debian's python3-botocore, AWS's own signer) against the secret given here, and the
x-amz-content-sha256 header against the body it received, then forwards the request to
s3rver unchanged. A wrong key, secret or payload hash gets S3's own answer
(InvalidAccessKeyId, SignatureDoesNotMatch, XAmzContentSHA256Mismatch).

It also injects faults: --faults 503,500,stall,reset answers the first matching requests
(--match REGEX on "METHOD PATH?QUERY") with 503 SlowDown, 500 InternalError, no answer at
all until the client gives up, or a closed connection; --always KIND does it for every
matching request (while the file --always-while names exists, if given: an outage the
test starts and ends). Each request is logged as a JSON line to --log (monotonic time, method,
path, query, status, fault), so a test can check retries and their backoff.

Prints its port as the first line; stops by itself after --max-seconds.
"""
import argparse
import hashlib
import http.client
import http.server
import json
import os
import re
import socketserver
import sys
import threading
import time
import urllib.parse

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ap = argparse.ArgumentParser()
ap.add_argument("--upstream", required=True, help="HOST:PORT of s3rver")
ap.add_argument("--key", action="append", default=[], help="KEYID:SECRET accepted")
ap.add_argument("--token", action="append", default=[],
                help="KEYID:TOKEN: that key is accepted only with this session token")
ap.add_argument("--region", default="us-east-1")
ap.add_argument("--faults", default="", help="503,500,stall,reset for the first requests")
ap.add_argument("--always", default="", help="fault for every matching request")
ap.add_argument("--always-while", default="",
                help="FILE: --always applies only while this file exists (an outage)")
ap.add_argument("--match", default="", help="regex on 'METHOD PATH?QUERY' for faults")
ap.add_argument("--stall-seconds", type=float, default=60.0)
ap.add_argument("--log", required=True)
ap.add_argument("--max-seconds", type=float, default=600.0)
args = ap.parse_args()

KEYS = dict(k.split(":", 1) for k in args.key)
TOKENS = dict(k.split(":", 1) for k in args.token)
FAULTS = [f for f in args.faults.split(",") if f]
MATCH = re.compile(args.match) if args.match else None
LOCK = threading.Lock()
STOP = threading.Event()
LOG = open(args.log, "a", buffering=1)


def s3_error(code, message, extra=""):
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s"
            "</Message>%s<RequestId>front</RequestId></Error>" % (code, message, extra)).encode()


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def verify(method, raw_path, headers, body):
    """Returns None when the request is signed right, else (status, code, message, extra)."""
    auth = headers.get("Authorization", "")
    m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/s3/aws4_request,\s*"
                     r"SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})", auth)
    if not m:
        return 403, "AccessDenied", "no or malformed SigV4 Authorization header", ""
    key_id, date, region, signed, signature = m.groups()
    if key_id not in KEYS:
        return (403, "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.", "")
    if region != args.region:
        return (400, "AuthorizationHeaderMalformed",
                "the region '%s' is wrong; expecting '%s'" % (region, args.region), "")
    amz_date = headers.get("x-amz-date", "")
    if not amz_date.startswith(date):
        return 403, "AccessDenied", "x-amz-date does not match the credential scope", ""
    sha = headers.get("x-amz-content-sha256")
    if sha is None:
        return 400, "InvalidRequest", "Missing required header: x-amz-content-sha256", ""
    if sha != "UNSIGNED-PAYLOAD" and sha != hashlib.sha256(body).hexdigest():
        return (400, "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                "")
    names = signed.split(";")
    if "host" not in names or "x-amz-date" not in names or "x-amz-content-sha256" not in names:
        return 403, "AccessDenied", "host, x-amz-date and x-amz-content-sha256 must be signed", ""
    if "x-amz-security-token" in headers and "x-amz-security-token" not in names:
        return 403, "AccessDenied", "x-amz-security-token must be signed", ""
    if key_id in TOKENS and headers.get("x-amz-security-token") != TOKENS[key_id]:
        return 403, "InvalidToken", "The provided token is malformed or otherwise invalid.", ""
    req = AWSRequest(method=method, url="http://%s%s" % (headers.get("Host"), raw_path),
                     headers={n: headers.get(n, "") for n in names})
    req.context["timestamp"] = amz_date
    signer = S3SigV4Auth(Credentials(key_id, KEYS[key_id]), "s3", region)
    canonical = signer.canonical_request(req)
    expected = signer.signature(signer.string_to_sign(req, canonical), req)
    if expected != signature:
        sys.stderr.write("signature mismatch; canonical request:\n%s\n" % canonical)
        return (403, "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you "
                "provided. Check your key and signing method.",
                "<CanonicalRequest>%s</CanonicalRequest>" % xml_escape(canonical))
    return None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def record(self, status, fault, size=0):
        path, _, query = self.path.partition("?")
        LOG.write(json.dumps({"t": time.monotonic(), "method": self.command, "path": path,
                              "query": query, "status": status, "fault": fault,
                              "bytes": size}) + "\n")

    def answer(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            self.record(501, "")
            self.answer(501, s3_error("NotImplemented", "chunked bodies"))
            return
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length) if length else b""
        what = "%s %s" % (self.command, self.path)
        fault = ""
        if not MATCH or MATCH.search(what):
            with LOCK:
                if FAULTS:
                    fault = FAULTS.pop(0)
                elif args.always and (not args.always_while or
                                      os.path.exists(args.always_while)):
                    fault = args.always
        if fault == "503":
            self.record(503, fault)
            self.answer(503, s3_error("SlowDown", "Please reduce your request rate."))
            return
        if fault == "500":
            self.record(500, fault)
            self.answer(500, s3_error("InternalError", "We encountered an internal error. "
                                      "Please try again."))
            return
        if fault == "stall":
            self.record(0, fault)
            STOP.wait(args.stall_seconds)
            self.close_connection = True
            return
        if fault == "reset":
            self.record(0, fault)
            self.close_connection = True
            return
        bad = verify(self.command, self.path, self.headers, body)
        if bad:
            status, code, message, extra = bad
            self.record(status, "")
            self.answer(status, s3_error(code, message, extra))
            return
        # s3rver would check the key id against its own (and nothing more): the front is
        # the authority here, so the request goes on unsigned
        fwd = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
        up = http.client.HTTPConnection(args.upstream, timeout=60)
        try:
            up.request(self.command, self.path, body=body if length else None,
                       headers=fwd)
            r = up.getresponse()
            data = r.read()
            keep = [(k, v) for k, v in r.getheaders()
                    if k.lower() not in ("content-length", "connection", "transfer-encoding",
                                         "keep-alive")]
        finally:
            up.close()
        self.record(r.status, "", len(body))
        self.answer(r.status, data, keep)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
threading.Timer(args.max_seconds, lambda: (STOP.set(), srv.shutdown())).start()
try:
    srv.serve_forever()
finally:
    STOP.set()
