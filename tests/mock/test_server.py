"""Serving over real sockets: a free port, readiness, clean exits on SIGTERM and SIGINT."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from contracts.core.errors import UsageError
from contracts.core.spec import Spec
from contracts.mock import MockServer, create_app

from .conftest import SAMPLE_COMMAND_PATH

ROOT = Path(__file__).resolve().parents[2]
READY = "contracts mock: serving on "


def start_cli(*args: str) -> tuple[subprocess.Popen[str], str]:
    """``python -m contracts.mock`` on a free port; the process and its printed base URL."""
    process = subprocess.Popen([sys.executable, "-m", "contracts.mock", "--port", "0", *args], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith(READY):
        process.kill()
        _, err = process.communicate(timeout=10)
        pytest.fail(f"no ready line: {line!r} {err!r}")
    return process, line[len(READY):].strip()


def stop(process: subprocess.Popen[str], sig: int) -> tuple[int, str, str]:
    process.send_signal(sig)
    out, err = process.communicate(timeout=20)
    return process.returncode, out, err


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_command_serves_then_exits_0_on_a_signal(sig: int, iotda_headers: dict[str, str]) -> None:
    process, url = start_cli("--seed", "3")
    try:
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client(base_url=url) as http:  # the connection stays open (keep-alive) across the signal
            answer = http.get(SAMPLE_COMMAND_PATH, headers=iotda_headers)
            assert answer.status_code == 200 and answer.json()["status"] == "DELIVERED"
            started = time.monotonic()
            code, out, err = stop(process, sig)
        assert code == 0 and time.monotonic() - started < 10
        assert "Traceback" not in out + err
        assert "contracts mock: stopped" in err
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.slow
def test_a_busy_port_is_one_line_and_exit_2() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "contracts.mock", "--port", str(port)], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(f"contracts mock: error: cannot listen on 127.0.0.1:{port}")
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_mock_server_in_a_thread(specs: list[Spec], iotda_headers: dict[str, str]) -> None:
    with MockServer(create_app(specs)) as server:
        assert server.url is not None
        answer = httpx.get(server.url + SAMPLE_COMMAND_PATH, headers=iotda_headers)
        assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
        port = int(server.url.rsplit(":", 1)[1])
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/")


def test_a_busy_port_is_a_usage_error_for_the_thread_server(specs: list[Spec]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        server = MockServer(create_app(specs), port=busy.getsockname()[1])
        with pytest.raises(UsageError, match="cannot listen on"):
            server.start()


@pytest.mark.slow
def test_faults_reach_the_served_app(specs: list[Spec], iotda_headers: dict[str, str]) -> None:
    with MockServer(create_app(specs, faults=["server-error"])) as server:
        answer = httpx.get(f"{server.url}{SAMPLE_COMMAND_PATH}", headers=iotda_headers)
    assert answer.status_code == 500 and answer.text == "Internal Server Error"
