"""`contracts proxy` end to end: a real subprocess, real sockets, SIGINT, the reports and the recording."""

from __future__ import annotations

import base64
import json
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, quote_plus

import httpx
import jsonschema
import pytest

from contracts.cli import run
from contracts.report.check import report_schema

from ..runner.servers import ROOT, TOKEN, serve
from . import upstream
from .conftest import IOTDA

BEARER = "QzBearerSecretValue42"
ACCESS = "QzAccessKeyID99"
SIGNATURE = "0123456789abcdef" * 4
SIGNED = f"SDK-HMAC-SHA256 Access={ACCESS}, SignedHeaders=host;x-sdk-date, Signature={SIGNATURE}"
APP_KEY = "QzAppKeySecret77"
QUERY_TOKEN = "QzQueryToken+/=55"
SECRETS = [TOKEN, BEARER, ACCESS, SIGNATURE, APP_KEY, QUERY_TOKEN]


def forms(secret: str) -> list[str]:
    raw = secret.encode()
    return [secret, quote(secret, safe=""), quote_plus(secret), base64.b64encode(raw).decode().rstrip("=")]


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        for form in forms(secret):
            assert form not in text, f"{form!r} (a form of a secret) is in {where}"


class Running:
    """A `contracts proxy` subprocess; its stdout lines as they come."""

    def __init__(self, args: list[str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", "from contracts.cli import main; main()", "proxy",
                                         *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.stdout: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for("listening on ").split("listening on ", 1)[1].strip()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.stdout.append(line)
            if text in line:
                return line
        raise AssertionError(f"{text!r} never printed; stdout so far: {''.join(self.stdout)}; "
                             f"stderr: {self.process.stderr.read() if self.process.poll() is not None else ''}")

    def interrupt(self, sig: int = signal.SIGINT) -> tuple[int, str, str]:
        self.process.send_signal(sig)
        code = self.process.wait(60)
        assert self.process.stderr is not None
        err = self.process.stderr.read()
        time.sleep(0.2)
        while not self.lines.empty():
            self.stdout.append(self.lines.get())
        return code, "".join(self.stdout), err


@pytest.fixture
def broken() -> Iterator[str]:
    with serve(upstream.app("enum")) as url:
        yield url


def comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = sorted((k.lower(), v) for k, v in response.headers.multi_items() if k.lower() != "date")
    return response.status_code, headers, response.content


EXCHANGES = [  # (path, headers): the broken field, a correct listing, and a server that echoes every secret
    (upstream.CMD, {"X-Auth-Token": TOKEN}),
    (f"/v5/iot/p/batchtasks?task_type=softwareUpgrade&limit=2&access_token={quote(QUERY_TOKEN)}",
     {"X-Auth-Token": TOKEN}),
    (upstream.CMD, {"X-Auth-Token": TOKEN}),
    (upstream.command_path("echo") + f"?access_token={quote(QUERY_TOKEN)}",
     {"X-Auth-Token": TOKEN, "Authorization": f"Bearer {BEARER}", "app_key": APP_KEY}),
    (upstream.command_path("echo"), {"Authorization": SIGNED, "X-Sdk-Date": "20260101T000000Z"}),
]


@pytest.mark.slow
def test_sigint_reports_the_deviation_and_the_recording_replays_to_it(broken: str, tmp_path: Path) -> None:
    har, reports, replayed = tmp_path / "traffic.har", tmp_path / "reports", tmp_path / "replayed"
    proxy = Running(["--target", broken, "--port", "0", "--spec", IOTDA, "--record", str(har),
                     "--report-dir", str(reports)])
    with httpx.Client(trust_env=False, timeout=30) as c:
        for path, headers in EXCHANGES:
            direct = c.get(broken + path, headers=headers)
            proxied = c.get(proxy.url + path, headers=headers)
            if "/echo/" in path:  # the echo shows what reached the target: this hop's X-Forwarded-* and Via
                seen = proxied.json()["echo"]
                assert seen["x-forwarded-host"] == proxy.url.split("//")[1] and seen["via"] == "1.1 contracts-proxy"
                assert seen["host"] == broken.split("//")[1]  # the target's own Host
            else:
                assert comparable(proxied) == comparable(direct), path  # status, headers, body bytes
        live = proxy.wait_for("enum-mismatch")  # printed as it happens, before the proxy is stopped
    assert "ShowAsyncDeviceCommand" in live and "/body/status" in live
    code, out, err = proxy.interrupt()
    assert code == 1, err  # an error finding: exit 1 after a normal stop
    assert "Traceback" not in err and out.count("enum-mismatch: ") == 2  # once live, once in the summary
    assert_no_secret(out + err, "the terminal")

    report = json.loads((reports / "report.json").read_text())
    jsonschema.validate(report, report_schema())
    assert report["summary"]["command"] == "proxy" and report["summary"]["requests"] == len(EXCHANGES)
    [enum] = [f for f in report["findings"] if f["kind"] == "enum-mismatch"]
    assert (enum["operation"], enum["location"], enum["severity"], enum["count"]) == \
        ("ShowAsyncDeviceCommand", "/body/status", "error", 2)
    for name in ("report.json", "report.md", "junit.xml", "report.html"):
        assert_no_secret((reports / name).read_text(), name)

    text = har.read_text()
    assert_no_secret(text, "the HAR")
    recorded = json.loads(text)["log"]["entries"]
    assert len(recorded) == len(EXCHANGES)
    headers = {h["name"].lower(): h["value"] for h in recorded[4]["request"]["headers"]}
    assert headers["authorization"] == "SDK-HMAC-SHA256 ***"
    assert {h["name"].lower(): h["value"] for h in recorded[3]["request"]["headers"]}["app_key"] == "***"
    assert "access_token=%2A%2A%2A" in recorded[1]["request"]["url"] or "access_token=***" in recorded[1]["request"]["url"]
    assert "***" in recorded[3]["response"]["content"]["text"]  # the echoed secrets, scrubbed

    assert run(["validate", str(har), "--spec", IOTDA, "--report-dir", str(replayed)]) == 1
    again = json.loads((replayed / "report.json").read_text())

    def causes(data: dict) -> set[tuple]:
        return {(f["operation"], f["check"], f["kind"], f["location"], f["severity"], f.get("count", 1))
                for f in data["findings"]}

    assert causes(again) == causes(report)
    assert_no_secret((replayed / "report.json").read_text(), "the replayed report")


@pytest.mark.slow
def test_a_correct_target_exits_0(tmp_path: Path) -> None:
    with serve(upstream.app()) as target:
        proxy = Running(["--target", target, "--port", "0", "--spec", IOTDA, "-vv"])
        with httpx.Client(trust_env=False, timeout=30) as c:
            assert c.get(proxy.url + upstream.CMD, headers={"X-Auth-Token": TOKEN}).status_code == 200
            assert c.get(proxy.url + f"/v5/iot/p/batchtasks?task_type=softwareUpgrade&access_token={quote(QUERY_TOKEN)}",
                         headers={"X-Auth-Token": TOKEN}).status_code == 200
        code, out, err = proxy.interrupt()
    assert code == 0, out + err
    assert "0 errors, 1 warnings" in out  # the undocumented access_token parameter, nothing else
    exchanges = [line for line in out.splitlines() if " -> 200 (" in line]  # -vv: one line per exchange
    assert len(exchanges) == 2 and exchanges[0].startswith(f"contracts proxy: GET {target}{upstream.CMD} -> 200")
    assert "access_token=%2A%2A%2A" in exchanges[1] or "access_token=***" in exchanges[1]
    assert_no_secret(out + err, "the terminal")


@pytest.mark.slow
def test_sigterm_stops_it_too_and_quiet_keeps_the_closing_line(broken: str, tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    proxy = Running(["--target", broken, "--port", "0", "--spec", IOTDA, "--report-dir", str(reports),
                     "--report", "json", "-q"])
    with httpx.Client(trust_env=False, timeout=30) as c:
        assert c.get(proxy.url + upstream.CMD, headers={"X-Auth-Token": TOKEN}).status_code == 200
    code, out, err = proxy.interrupt(signal.SIGTERM)
    assert code == 1, out + err  # the broken field, reported after a SIGTERM as after a SIGINT
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 2 and "listening on" in lines[0] and "1 errors" in lines[1], out  # no live line with -q
    assert sorted(p.name for p in reports.iterdir()) == ["report.json"]
    report = json.loads((reports / "report.json").read_text())
    assert [f["kind"] for f in report["findings"]] == ["enum-mismatch"]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


@pytest.mark.slow
def test_a_large_body_streams_in_bounded_memory(tmp_path: Path) -> None:
    with serve(upstream.app()) as target:
        proxy = Running(["--target", target, "--port", "0", "--spec", IOTDA, "--max-body", "1048576"])
        with httpx.Client(trust_env=False, timeout=60) as c:
            c.get(proxy.url + upstream.CMD, headers={"X-Auth-Token": TOKEN})
            before = peak_rss_mb(proxy.process.pid)
            size = 0
            with c.stream("GET", proxy.url + upstream.command_path("big"), headers={"X-Auth-Token": TOKEN}) as answer:
                for chunk in answer.iter_raw():
                    size += len(chunk)
            after = peak_rss_mb(proxy.process.pid)
        proxy.wait_for("body-too-large")
        code, out, err = proxy.interrupt()
    assert size == upstream.BIG
    assert after - before < 16, f"the proxy's peak RSS grew {after - before:.0f} MB for a {size >> 20} MB body"
    assert code == 0, out + err  # too large is a warning


def test_a_bad_target_is_one_line_and_exit_2() -> None:
    proc = subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", "proxy",
                           "--target", "ftp://example.com"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("contracts: error: --target 'ftp://example.com'")
