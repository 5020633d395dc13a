"""Every hostile server ends a check inside its bounds: exit 0, 1 or 2, within the time the timeout and the
circuit breaker allow, under 500 MB, with the reports on disk and no secret in them."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .hostile import MODES, hostile
from .servers import ROOT

TIMEOUT = 2.0
SECRET = "Qz-hostile-secret-4711"
UNREACHABLE = {"hang", "drip-head", "drip-body"}  # never a complete answer: the breaker ends the run
RSS_LIMIT_MB = 500


def _limit() -> None:  # a runaway must not take the machine down with it
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES)
def test_a_hostile_server_is_survived_within_bounds(mode: str, tmp_path: Path) -> None:
    with hostile(mode) as url:
        began = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-c", "from contracts.cli import main; main()", "check",
                                 "--spec", str(ROOT / "specs" / "iotda-v5.yaml"), "--operation",
                                 "ShowAsyncDeviceCommand", "--base-url", url, "--max-examples", "0", "--seed", "1",
                                 "--timeout", str(TIMEOUT), "--header", f"X-Auth-Token: {SECRET}", "--report-dir",
                                 str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=_limit)
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        elapsed = time.monotonic() - began
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the peak of this worker's children so far: an upper bound
    text = (out + err).decode("utf-8", "replace")
    assert proc.returncode in (0, 1, 2), text[-2000:]
    assert "Traceback" not in text and "internal error" not in text
    report = json.loads((tmp_path / "report.json").read_text())  # the reports are on disk, whatever happened
    requests = max(report["summary"]["requests"], 1)
    if mode in UNREACHABLE:
        assert proc.returncode == 2 and "unreachable" in err.decode().strip().splitlines()[-1]
        assert elapsed < 15 + 5, elapsed  # the breaker, plus the interpreter's start
    else:
        assert elapsed < requests * 2 * TIMEOUT + 10, (elapsed, requests)
    assert usage.ru_maxrss / 1024 < RSS_LIMIT_MB, usage.ru_maxrss
    for name in ("report.json", "report.md", "junit.xml", "report.html"):
        assert SECRET not in (tmp_path / name).read_text(encoding="utf-8"), name
    assert SECRET not in text
    print(f"{mode}: exit {proc.returncode}, {elapsed:.1f} s, {requests} requests, "
          f"{report['summary']['findings']} causes")
