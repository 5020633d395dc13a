"""One small stdlib server that misbehaves on purpose, in the mode its constructor names.

Raw sockets, because the point is to send what no framework would: a head
dripped a byte a second, a body that never ends, garbage instead of a status
line, a reset, a gzip bomb, a thousand headers.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
import zlib
from contextlib import contextmanager
from typing import Iterator

COMMAND = {"device_id": "c1224afb-e9f0-4916-8220-b6bab568e888", "command_id": "b1224afb-e9f0-4916-8220-b6bab568e888",
           "status": "DELIVERED", "expire_time": 0}
MODES = ("hang", "drip-head", "drip-body", "big", "endless", "reset", "bad-length", "redirect-loop",
         "off-host-redirect", "gzip-bomb", "invalid-utf8", "deep", "deep-field", "huge-integer", "http09",
         "many-headers", "echo-secret")


def _head(status: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status}"] + [f"{k}: {v}" for k, v in headers] + ["", ""]
    return "\r\n".join(lines).encode("latin-1")


class _Handler(socketserver.BaseRequestHandler):
    mode = "hang"
    stop = threading.Event()

    def handle(self) -> None:  # one request per connection, then close
        sock: socket.socket = self.request
        sock.settimeout(30)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                data += chunk
        except OSError:
            return
        try:
            self.answer(sock, data.decode("latin-1", "replace"))
        except OSError:
            pass

    def wait(self, seconds: float) -> bool:
        return self.stop.wait(seconds)

    def answer(self, sock: socket.socket, request: str) -> None:
        mode = self.mode
        body = json.dumps(COMMAND).encode()
        if mode == "hang":
            self.wait(60)
        elif mode == "drip-head":
            for byte in _head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]):
                sock.sendall(bytes([byte]))
                if self.wait(1):
                    return
        elif mode == "drip-body":
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]))
            for byte in body:
                sock.sendall(bytes([byte]))
                if self.wait(1):
                    return
        elif mode == "big":  # 50 MB, announced
            size = 50 * 1024 * 1024
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(size))]))
            block = b"x" * 65536
            for _ in range(size // len(block)):
                sock.sendall(block)
        elif mode == "endless":  # chunked, forever
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")]))
            chunk = b"%x\r\n%s\r\n" % (65536, b"[" * 65536)
            while not self.stop.is_set():
                sock.sendall(chunk)
        elif mode == "reset":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        elif mode == "bad-length":
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", "100000")]) + body)
        elif mode == "redirect-loop":
            sock.sendall(_head("302 Found", [("Location", request.split(" ")[1]), ("Content-Length", "0")]))
        elif mode == "off-host-redirect":
            sock.sendall(_head("302 Found", [("Location", "http://elsewhere.invalid/steal"), ("Content-Length", "0")]))
        elif mode == "gzip-bomb":  # a few hundred KB on the wire, 512 MB unpacked
            packed = _bomb()
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Encoding", "gzip"),
                                          ("Content-Length", str(len(packed)))]) + packed)
        elif mode == "invalid-utf8":
            raw = b'{"device_id": "\xff\xfe\xfd", "status": "\xc3\x28"}'
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(raw)))])
                         + raw)
        elif mode == "deep":
            raw = b"[" * 200_000 + b"]" * 200_000
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(raw)))])
                         + raw)
        elif mode == "deep-field":  # JSON orjson parses (under 1,024 levels) that jsonschema-rs cannot hand back
            nested = b'{"x":' * 300 + b"1" + b"}" * 300
            raw = json.dumps({**COMMAND, "status": None}).encode().replace(b"null", nested)
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(raw)))])
                         + raw)
        elif mode == "huge-integer":
            raw = b'{"expire_time": ' + b"9" * 100_000 + b"}"
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(raw)))])
                         + raw)
        elif mode == "http09":
            sock.sendall(b"garbage, not HTTP at all\r\n\r\n" + body)
        elif mode == "many-headers":
            headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            headers += [(f"X-Noise-{n}", "v" * 8) for n in range(1000)]
            sock.sendall(_head("200 OK", headers) + body)
        elif mode == "echo-secret":
            token = next((line.split(":", 1)[1].strip() for line in request.split("\r\n")
                          if line.lower().startswith("x-auth-token:")), "")
            raw = json.dumps({**COMMAND, "status": token, "echo": request}).encode()
            sock.sendall(_head("200 OK", [("Content-Type", "application/json"), ("X-Echo", token),
                                          ("Content-Length", str(len(raw)))]) + raw)


_BOMB: list[bytes] = []


def _bomb() -> bytes:
    if not _BOMB:
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
        block = b"0" * (1024 * 1024)
        _BOMB.append(b"".join(packer.compress(block) for _ in range(512)) + packer.flush())
    return _BOMB[0]


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def hostile(mode: str) -> Iterator[str]:
    """A server on 127.0.0.1 (free port) answering every request the ``mode`` way; stopped on exit."""
    assert mode in MODES, mode
    handler = type("Handler", (_Handler,), {"mode": mode, "stop": threading.Event()})
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        handler.stop.set()
        server.shutdown()
        server.server_close()
        time.sleep(0.05)
