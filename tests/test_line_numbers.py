"""One line-numbering for every command: lint, audit, check, docs and validate name the same file:line."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

HEAD = """openapi: 3.0.3
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
              schema:
"""
BROKEN = {
    "unresolvable-ref": (HEAD + '                $ref: "#/components/schemas/Missing"\n', "spec.yaml", 14),
    "ref-in-another-file": (HEAD + '                $ref: "sub/s.yaml#/Thing"\n', "sub/s.yaml", 5),
    "wrong-type-keyword": (HEAD + "                type: objekt\n", "spec.yaml", 14),
    "malformed-yaml": ("openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /a: [\n", "spec.yaml", 5),
    "missing-title": (HEAD.replace("{title: t, ", "{") + "                type: object\n", "spec.yaml", 2),
}
SUB = "Thing:\n  type: object\n  properties:\n    x:\n      $ref: \"#/Nope\"\n"
COMMANDS = {
    "lint": ["lint", "spec.yaml"],
    "audit": ["audit", "spec.yaml"],
    "check": ["check", "--spec", "spec.yaml", "--max-examples", "1"],
    "docs": ["docs", "spec.yaml", "--out", "out"],
    "validate": ["validate", "traffic.har", "--spec", "spec.yaml"],
}
HAR = '{"log": {"version": "1.2", "creator": {"name": "t", "version": "1"}, "entries": []}}'


def where(proc: subprocess.CompletedProcess[str]) -> set[tuple[str, int]]:
    """Every file:line named as an error, on either stream (lint prints findings, the rest one error line)."""
    text = proc.stdout + proc.stderr
    return {(m.group(1), int(m.group(2)))
            for m in re.finditer(r"^(?:contracts: error: )?([\w./-]+\.yaml):(\d+):(?: error:)?", text, re.M)
            if "warning" not in text[m.end():m.end() + 12]}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_every_command_names_the_same_line(tmp_path: Path, case: str) -> None:
    text, file, line = BROKEN[case]
    (tmp_path / "spec.yaml").write_text(text)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "s.yaml").write_text(SUB)
    (tmp_path / "traffic.har").write_text(HAR)
    seen = {}
    for name, args in COMMANDS.items():
        proc = subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", *args],
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert proc.returncode in (1, 2), (name, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        seen[name] = where(proc)
    assert all(found == {(file, line)} for found in seen.values()), seen
