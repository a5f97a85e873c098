#!/usr/bin/python3
"""A loopback server that answers wrongly on purpose (raw sockets, no HTTP library, so it
can break the protocol): prints its port, serves until killed or --max-seconds pass.

  /pdf          a PDF served as text/html         /pdf-typed   a PDF as application/pdf
  /random       random bytes as text/html         /png         a PNG served as text/html
  /garbage      no HTTP at all                    /http09      an HTTP/0.9 answer (body only)
  /big-header   a 1 MB response header            /many-headers 10000 response headers
  /page         an ordinary article page          /echo        the request, as text/plain
Every request line is appended to --log, so a test can see what was sent.
"""
import os
import random
import socket
import sys
import threading
import time

PAGE = (b"<html><head><title>A page</title></head><body><article>"
        + b"<p>An ordinary article paragraph with enough words to be kept as text.</p>" * 8
        + b"</article></body></html>")


def ok(ctype, body, extra=b""):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\nConnection: close\r\n" + extra + b"\r\n" + body)


def answer(path, request):
    rnd = random.Random(path)
    if path == "/pdf":
        return ok(b"text/html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n"
                  + bytes(rnd.randrange(256) for _ in range(20000)))
    if path == "/pdf-typed":
        return ok(b"application/pdf", b"%PDF-1.4\n" + bytes(rnd.randrange(256) for _ in range(20000)))
    if path == "/random":
        return ok(b"text/html; charset=utf-8", bytes(rnd.randrange(256) for _ in range(30000)))
    if path == "/png":
        return ok(b"text/html", b"\x89PNG\r\n\x1a\n" + bytes(rnd.randrange(256) for _ in range(20000)))
    if path == "/garbage":
        return b"\x00\x01garbage that is not HTTP at all\r\n\r\n" + PAGE
    if path == "/http09":
        return PAGE
    if path == "/big-header":
        return ok(b"text/html", PAGE, b"X-Big: " + b"a" * (1 << 20) + b"\r\n")
    if path == "/many-headers":
        return ok(b"text/html", PAGE, b"".join(b"X-H%d: v\r\n" % i for i in range(10000)))
    if path == "/echo":
        return ok(b"text/plain", request)
    return ok(b"text/html; charset=utf-8", PAGE)


def serve(conn, log):
    try:
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        line = data.split(b"\r\n", 1)[0].decode("latin-1")
        with open(log, "a") as f:
            f.write(data.decode("latin-1").replace("\r\n", "\n") + "\n----\n")
        parts = line.split(" ")
        path = parts[1].split("?")[0] if len(parts) > 1 else "/"
        conn.sendall(answer(path, data))
        conn.shutdown(socket.SHUT_WR)
        time.sleep(0.05)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    log, max_seconds = os.devnull, 300
    args = sys.argv[1:]
    while args:
        if args[0] == "--log":
            log = args[1]
        elif args[0] == "--max-seconds":
            max_seconds = int(args[1])
        args = args[2:]
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    print(s.getsockname()[1], flush=True)
    s.settimeout(1)
    end = time.time() + max_seconds
    while time.time() < end:
        try:
            conn, _ = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, log), daemon=True).start()


if __name__ == "__main__":
    main()
