"""A documented throttling answer is conformance (info); --rate-limit paces the whole run."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.cli import run
from contracts.mock import create_app

from . import lenient
from .servers import ROOT, serve

OC = str(ROOT / "specs" / "oceanconnect-iocm-v1.4.0.yaml")
OC_HEADERS = ["--header", f"app_key: {lenient.APP_KEY}", "--header", f"Authorization: Bearer {lenient.TOKEN}"]


def test_past_the_mocks_quota_throttling_is_info_never_valid_input_rejected(tmp_path: Path) -> None:
    with serve(create_app(seed=1, quota="20/60s")) as url:
        code = run(["check", "--spec", OC, "--base-url", url, "--seed", "1", "--max-examples", "10",
                    "--header", "app_key: contracts-demo-app", "--header", "Authorization: Bearer contracts-demo-token",
                    "--report-dir", str(tmp_path)])
    report = json.loads((tmp_path / "report.json").read_text())
    throttled = [f for f in report["findings"] if f["kind"] == "throttled"]
    assert code == 0 and len(throttled) == 1 and throttled[0]["severity"] == "info" and throttled[0]["count"] > 5
    assert "--rate-limit" in throttled[0]["suggestion"] and "100/60s" in throttled[0]["suggestion"]
    assert not [f for f in report["findings"] if f["kind"] in ("rejected-valid-input", "rejection-not-documented")]


def congested() -> Starlette:
    """OceanConnect under congestion: its documented 503 100501 for every other call."""
    inner = lenient.oceanconnect_app()
    calls = {"n": 0}

    async def handle(request: Request) -> Response:
        calls["n"] += 1
        if calls["n"] % 2:
            return Response(json.dumps({"error_code": "100501", "error_desc": "Congestion occurs"}), status_code=503,
                            media_type="application/json")
        return await inner.routes[0].endpoint(request)

    return Starlette(routes=[Route("/iocm/app/cmd/v1.4.0/deviceCommandCancelTasks", handle, methods=["GET"])])


def test_documented_congestion_is_throttling_too(tmp_path: Path) -> None:
    with serve(congested()) as url:
        code = run(["check", "--spec", OC, "--base-url", url, "--seed", "1", "--max-examples", "0", *OC_HEADERS,
                    "--report-dir", str(tmp_path)])
    report = json.loads((tmp_path / "report.json").read_text())
    assert code == 0
    assert [f["kind"] for f in report["findings"] if f["severity"] != "info"] == []
    assert any(f["kind"] == "throttled" and "503" in f["message"] for f in report["findings"])


def counting() -> tuple[Starlette, list[float]]:
    inner = lenient.iotda_app()
    stamps: list[float] = []
    lock = threading.Lock()

    async def handle(request: Request) -> Any:
        with lock:
            stamps.append(time.monotonic())
        route = inner.routes[0] if "batchtasks" in request.url.path else inner.routes[1]
        request.scope["path_params"] = route.matches(request.scope)[1].get("path_params", {})
        return await route.endpoint(request)

    return Starlette(routes=[Route("/{path:path}", handle, methods=["GET"])]), stamps


@pytest.mark.slow
def test_rate_limit_holds_for_the_whole_run_forked_workers_included(tmp_path: Path) -> None:
    app, stamps = counting()
    with serve(app) as url:
        proc = subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", "check",
                               "--spec", str(ROOT / "specs" / "iotda-v5.yaml"), "--base-url", url, "--seed", "2",
                               "--max-examples", "12", "--rate-limit", "20/s", "--header",
                               f"X-Auth-Token: {lenient.TOKEN}", "--report-dir", str(tmp_path)],
                              capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode in (0, 1), proc.stderr
    assert len(stamps) > 40
    busiest = max(sum(1 for t in stamps if start <= t < start + 1.0) for start in stamps)
    assert busiest <= 20, busiest  # counted on the server side, over every one-second window
