"""Real endpoints: TLS with a CA bundle or without verification, a client certificate, a proxy."""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import uvicorn

from contracts.cli import run

from . import lenient
from .servers import ROOT, free_port

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")
ARGS = ["--spec", IOTDA, "--operation", "ShowAsyncDeviceCommand", "--max-examples", "0", "--seed", "1",
        "--header", f"X-Auth-Token: {lenient.TOKEN}", "--timeout", "5"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@contextmanager
def https(cert: Path, key: Path) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(lenient.app(), host="127.0.0.1", port=port, log_level="error", lifespan="off",
                            ssl_certfile=str(cert), ssl_keyfile=str(key))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_self_signed_certificate_is_one_line_and_a_ca_bundle_or_insecure_gets_through(
        certificate: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cert, key = certificate
    with https(cert, key) as url:
        assert run(["check", "--base-url", url, *ARGS]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "TLS failure" in err[0] and url in err[0]
        assert run(["check", "--base-url", url, "--cacert", str(cert), *ARGS]) == 0
        capsys.readouterr()
        assert run(["check", "--base-url", url, "--insecure", *ARGS]) == 0
        assert "--insecure: the target's TLS certificate is not verified" in capsys.readouterr().err


def test_a_bad_ca_bundle_is_one_line_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "ca.pem"
    bogus.write_text("not a certificate")
    assert run(["check", "--base-url", "https://127.0.0.1:9", "--cacert", str(bogus), *ARGS]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"--cacert {bogus}: not a readable CA bundle" in err[0]


class _Forwarding(http.server.BaseHTTPRequestHandler):
    """A forward proxy for plain HTTP (enough to see that requests went through it)."""

    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        _Forwarding.seen.append(self.path)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "host")}
        try:
            upstream = urllib.request.urlopen(urllib.request.Request(self.path, headers=headers), timeout=5)
        except urllib.error.HTTPError as answer:  # a 4xx or 5xx is an answer like any other
            upstream = answer
        with upstream:
            body = upstream.read()
            self.send_response(upstream.status)
            for name, value in upstream.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_requests_go_through_the_proxy(tmp_path: Path) -> None:
    from .servers import serve

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Forwarding)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        with serve(lenient.app()) as url:
            _Forwarding.seen.clear()
            code = run(["check", "--base-url", url, "--proxy", f"http://127.0.0.1:{proxy.server_address[1]}", *ARGS])
    finally:
        proxy.shutdown()
    assert code == 0
    assert _Forwarding.seen and all(path.startswith(url) for path in _Forwarding.seen)


def test_an_unreachable_proxy_is_a_set_up_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert run(["check", "--base-url", "http://127.0.0.1:9", "--proxy", f"http://127.0.0.1:{port}", *ARGS]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and ("proxy" in err[0] or "cannot connect" in err[0])


def test_a_proxy_variable_httpx_cannot_use_is_one_line_without_its_credentials(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HTTP_PROXY", "bad://proxyuser:s3cret@proxy.example.com")
    assert run(["check", "--base-url", "http://127.0.0.1:9", *ARGS]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "HTTP_PROXY" in err[0] and "not a usable proxy" in err[0], err
    assert "s3cret" not in err[0] and "proxyuser" not in err[0]


@pytest.mark.parametrize(("url", "proxy", "env", "expected"), [
    ("http://127.0.0.1:8080", None, {}, False),
    ("HTTP://example.com", "http://proxy:3128", {}, False),
    ("https://example.com", None, {}, True),
    ("http://example.com", "https://proxy:3128", {}, True),
    ("http://example.com", None, {"HTTP_PROXY": "https://proxy:3128"}, True),
    ("http://example.com", None, {"all_proxy": "HTTPS://proxy:3128"}, True),
])
def test_the_ca_bundle_is_loaded_only_when_tls_can_be_used(
        url: str, proxy: str | None, env: dict[str, str], expected: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    from contracts.runner.transport import HttpTransport, Tls, _may_use_tls

    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert _may_use_tls(url, proxy) is expected
    transport = HttpTransport(url, tls=Tls(proxy=proxy))
    try:
        # without TLS in reach, a context with no CAs: any TLS that happens anyway fails closed
        assert (transport._verify is True) is expected
    finally:
        transport.close()
