"""`contracts check` on bad input: one-line errors, exit 2, nothing lost."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.cli import run
from contracts.runner import transport as transport_module

from .servers import ROOT, TOKEN, free_port, iotda_app, serve

IOTDA = str(ROOT / "specs" / "iotda-v5.yaml")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_unreachable_base_url_is_a_setup_error() -> None:
    port = free_port()  # nothing listens there
    proc = cli("check", "--spec", IOTDA, "--base-url", f"http://127.0.0.1:{port}", "--timeout", "2")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("contracts: error: http://127.0.0.1:") and "cannot connect" in line


def test_tls_failure_is_a_setup_error() -> None:
    with serve(iotda_app()) as url:
        proc = cli("check", "--spec", IOTDA, "--base-url", url.replace("http://", "https://"), "--timeout", "2")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "TLS failure" in proc.stderr.strip().splitlines()[-1]


@pytest.fixture
def hanging_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    sock.close()


def test_hanging_server_times_out_on_every_request(hanging_server: str, tmp_path: Path) -> None:
    proc = cli("check", "--spec", IOTDA, "--base-url", hanging_server, "--timeout", "0.2",
               "--operation", "ShowAsyncDeviceCommand", "--report-dir", str(tmp_path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "unreachable: 3 request(s) in a row got no answer" in proc.stderr.strip().splitlines()[-1]
    report = json.loads((tmp_path / "report.json").read_text())  # written anyway
    assert report["summary"]["setup_error"].endswith("is --timeout long enough?")


def odd_app(mode: str) -> Starlette:
    """Answers the async-command route in one odd way (``_router`` sends only those calls here)."""

    async def handle(request: Request) -> Response:
        if mode == "slow":
            import asyncio

            await asyncio.sleep(2)
        if mode == "big":
            return Response(b'{"device_id": "' + b"x" * 2_000_000 + b'"}', media_type="application/json")
        if mode == "not-json":
            return Response(b"<html>oops</html>", media_type="application/json")
        # "echo": a careless server repeating the credentials back
        return Response(json.dumps({"error_code": "IOTDA.000006",
                                    "error_msg": f"bad token {request.headers.get('x-auth-token')} and key "
                                                 f"{request.query_params.get('accessKey')}"}),
                        status_code=400, media_type="application/json")

    return Starlette(routes=[Route("/{path:path}", handle, methods=["GET"])])


def test_slow_endpoint_is_cut_off_and_reported(tmp_path: Path) -> None:
    with serve(_router(iotda_app(), odd_app("slow"))) as url:
        code = run(["check", "--spec", IOTDA, "--base-url", url, "--header", f"X-Auth-Token: {TOKEN}",
                    "--timeout", "0.3", "--report-dir", str(tmp_path), "--seed", "1"])
    report = json.loads((tmp_path / "report.json").read_text())
    assert code == 1
    timeouts = [f for f in report["findings"] if f["kind"] == "transport-error"]
    assert timeouts and timeouts[0]["operation"] == "ShowAsyncDeviceCommand"
    assert "no answer within 0.3 s" in timeouts[0]["message"]


def test_body_above_the_cap_is_reported_not_loaded(tmp_path: Path) -> None:
    with serve(_router(iotda_app(), odd_app("big"))) as url:
        code = run(["check", "--spec", IOTDA, "--base-url", url, "--header", f"X-Auth-Token: {TOKEN}",
                    "--max-body", "100000", "--report-dir", str(tmp_path), "--operation", "ShowAsyncDeviceCommand"])
    report = json.loads((tmp_path / "report.json").read_text())
    big = [f for f in report["findings"] if f["kind"] == "body-too-large"]
    assert big and big[0]["severity"] == "warning" and big[0]["location"] == "/body"
    assert big[0]["evidence"]["response"]["truncated"] is True
    assert len(big[0]["evidence"]["response"]["body"]) < 5000  # evidence is cut too
    assert code in (0, 1)


def test_non_json_body_is_a_finding(tmp_path: Path) -> None:
    with serve(_router(iotda_app(), odd_app("not-json"))) as url:
        code = run(["check", "--spec", IOTDA, "--base-url", url, "--header", f"X-Auth-Token: {TOKEN}",
                    "--report-dir", str(tmp_path), "--operation", "ShowAsyncDeviceCommand"])
    report = json.loads((tmp_path / "report.json").read_text())
    assert code == 1
    bad = next(f for f in report["findings"] if f["kind"] == "invalid-json")
    assert bad["location"] == "/body" and bad["message"].startswith("the body is not valid JSON")


def _router(main: Any, odd: Any) -> Any:
    """Send async-command calls with the right token to ``odd``, the rest to ``main``."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        headers = dict(scope.get("headers") or [])
        if (scope["type"] == "http" and "/async-commands/" in scope["path"]
                and headers.get(b"x-auth-token") == TOKEN.encode()):
            await odd(scope, receive, send)
        else:
            await main(scope, receive, send)

    return app


@pytest.mark.parametrize("args,words", [
    (["--header", "no-colon-here"], "is not 'Name: value'"),
    (["--param", "noequals"], "is not name=value"),
    (["--checks", "response_schema"], "did you mean 'response_schema_conformance'?"),
    (["--base-url", "ftp://example.com"], "is not an http(s) URL"),
    (["--timeout", "0"], "--timeout must be positive"),
    (["--operation", "showAsyncDeviceCommand"], "did you mean 'ShowAsyncDeviceCommand'?"),
])
def test_usage_errors_are_one_line_exit_2(args: list[str], words: str) -> None:
    proc = cli("check", "--spec", IOTDA, "--base-url", "http://127.0.0.1:9", *args)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert words in proc.stderr.strip().splitlines()[-1]


def test_ctrl_c_keeps_the_report_of_what_ran(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_send = transport_module.HttpTransport.send
    calls = {"n": 0}

    def send(self: Any, request: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 12:
            raise KeyboardInterrupt
        return real_send(self, request)

    monkeypatch.setattr(transport_module.HttpTransport, "send", send)
    with serve(iotda_app("enum")) as url:
        code = run(["check", "--spec", IOTDA, "--base-url", url, "--header", f"X-Auth-Token: {TOKEN}",
                    "--report-dir", str(tmp_path)])
    assert code == 130
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["summary"]["interrupted"] is True
    assert 0 < report["summary"]["requests"] < 20
    assert "Interrupted" in (tmp_path / "report.md").read_text()


def test_secrets_never_reach_an_artefact(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    token, key = TOKEN, "AKIA-very-secret-access-key"
    with serve(_router(iotda_app(), odd_app("echo"))) as url:
        code = run(["check", "--spec", IOTDA, "--base-url", url, "--header", f"X-Auth-Token: {token}",
                    "--header", "Authorization: Bearer another-secret-bearer", "--header", f"X-Api-Key: {key}",
                    "--report-dir", str(tmp_path), "--operation", "ShowAsyncDeviceCommand"])
    assert code in (0, 1)
    out = capfd.readouterr()
    artefacts = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert set(artefacts) == {"report.json", "report.md", "junit.xml", "report.html"}
    for secret in (token, key, "another-secret-bearer"):
        for name, text in {**artefacts, "stdout": out.out, "stderr": out.err}.items():
            assert secret not in text, f"{secret!r} leaked into {name}"
    assert "***" in artefacts["report.json"]
