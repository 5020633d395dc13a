"""CLI exit codes and error paths: one line, exit 2, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from contracts.cli import run

ROOT = Path(__file__).resolve().parents[1]
GOOD = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      summary: Get A
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {type: object, properties: {x: {type: integer}}}
              example: {x: 1}
"""


def cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def test_lint_clean_exit_0(write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lint", str(write_spec(GOOD))]) == 0
    assert "1 spec(s) clean" in capsys.readouterr().out


def test_lint_style_warnings_exit_0(write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec(GOOD.replace("      summary: Get A\n", ""))
    assert run(["lint", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{path}:5: warning: missing-summary: GET /a has no summary (at /paths/~1a/get)" in out
    assert "0 error(s), 1 warning(s), 0 info in 1 spec(s)" in out


def test_lint_error_findings_exit_1(write_spec: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec(GOOD.replace("info: {title: t, version: \"1\"}", "info: {version: \"1\"}"))
    assert run(["lint", str(path)]) == 1
    assert f"{path}:2: error: invalid-openapi: " in capsys.readouterr().out


def test_lint_default_is_the_shipped_specs() -> None:
    proc = cli("lint")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 spec(s) clean" in proc.stdout


def test_audit_exit_0_when_no_error_findings(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    assert run(["audit", str(write_spec(GOOD)), "--report-dir", str(tmp_path / "r")]) == 0
    data = json.loads((tmp_path / "r" / "audit.json").read_text())
    assert data["findings"] == [] and data["summary"]["samples"] == 1


def test_audit_exit_1_with_error_findings(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    path = write_spec(GOOD.replace("example: {x: 1}", "example: {x: one}"))
    assert run(["audit", str(path), "--report-dir", str(tmp_path / "r")]) == 1
    data = json.loads((tmp_path / "r" / "audit.json").read_text())
    assert [(f["kind"], f["location"]) for f in data["findings"]] == [("wrong-type", "/x")]
    assert "wrong-type" in (tmp_path / "r" / "audit.md").read_text()


def test_audit_warnings_only_exit_0(write_spec: Callable[..., Path]) -> None:
    path = write_spec(GOOD.replace("example: {x: 1}", "example: {x: 1, y: 2}"))
    assert run(["audit", str(path)]) == 0


BROKEN = {
    "malformed-yaml": (GOOD.replace("info: {title: t,", "info: {title: t"), 2, "malformed YAML"),
    "unresolvable-ref": (GOOD.replace("schema: {type: object, properties: {x: {type: integer}}}",
                                      'schema: {$ref: "#/components/schemas/Missing"}'), 13, "does not resolve"),
    "invalid-openapi": (GOOD.replace('info: {title: t, version: "1"}', "info: {title: t}"), 2,
                        "required property"),
    "remote-ref": (GOOD.replace("schema: {type: object, properties: {x: {type: integer}}}",
                                'schema: {$ref: "http://example.invalid/s.yaml"}'), 13, "remote $ref refused"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
@pytest.mark.parametrize("command", ["audit", "docs"])
def test_broken_spec_is_one_line_exit_2(write_spec: Callable[..., Path], tmp_path: Path, case: str,
                                        command: str) -> None:
    text, line, words = BROKEN[case]
    path = write_spec(text)
    extra = ["--out", str(tmp_path / "d")] if command == "docs" else []
    proc = cli(command, str(path), *extra)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"contracts: error: {path}:{line}: ") and words in lines[0]


def test_lint_unreadable_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: [\n")
    proc = cli("lint", str(bad))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"contracts: error: {bad}:")


def test_missing_spec_file_is_usage_error(tmp_path: Path) -> None:
    proc = cli("audit", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"contracts: error: no such spec file or folder: {tmp_path / 'nope.yaml'}"


def test_unknown_option_is_exit_2() -> None:
    proc = cli("audit", "--no-such-option")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "No such option" in proc.stderr


def test_docs_writes_page(tmp_path: Path) -> None:
    assert run(["docs", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "index.html").stat().st_size > 10_000


def test_internal_error_is_one_line_exit_3(tmp_path: Path) -> None:
    code = ("import contracts.core.audit as a, sys\n"
            "def boom(*_a, **_k): raise RuntimeError('kaboom')\n"
            "a.audit = boom\n"
            "from contracts.cli import main; sys.argv=['contracts','audit']; main()")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == ("contracts: error: internal error: RuntimeError: kaboom "
                                   "(set CONTRACTS_DEBUG=1 for the traceback)")
