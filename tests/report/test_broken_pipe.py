"""A reader that goes away (``contracts check | head -1``) ends neither the run nor its reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_closed_stdout_leaves_the_exit_code_and_the_reports_to_the_run(tmp_path: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-c", "from contracts.cli import main; main()", "check", "--max-examples", "0", "--seed", "1",
                                "--report-dir", str(tmp_path)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # as head -1 does: every later write meets a broken pipe
    code = process.wait(timeout=120)
    errors = process.stderr.read().decode()
    assert first.startswith(b"contracts check:")
    assert code == 0, errors  # the run's own verdict: no finding (rich alone would exit 1 here)
    assert "Traceback" not in errors and "internal error" not in errors
    summary = json.loads((tmp_path / "report.json").read_text())["summary"]
    assert summary["requests"] > 0
    assert (tmp_path / "junit.xml").exists() and (tmp_path / "report.html").exists()
