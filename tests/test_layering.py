"""contracts.core must not import the layers that sit on top of it."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "src" / "contracts" / "core"
FORBIDDEN = ("cli", "pytest_plugin", "mock", "report", "runner")


def test_core_imports_nothing_from_upper_layers() -> None:
    offenders = []
    for path in sorted(CORE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level >= 2:  # from ..x import y
                    names.append(module.split(".")[0])
                elif module.startswith("contracts."):
                    names.append(module.split(".")[1])
            elif isinstance(node, ast.Import):
                names += [a.name.split(".")[1] for a in node.names if a.name.startswith("contracts.")]
            offenders += [f"{path.name}: {n}" for n in names if n in FORBIDDEN]
    assert offenders == []
