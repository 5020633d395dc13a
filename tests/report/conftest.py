"""Pages to look at: a check report with causes of every severity, one without any, and the reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.cli import run_check
from contracts.runner.session import Options

# Faults that give errors and warnings on several operations, with evidence in bodies, headers and queries.
FAULTS = ("enum-value", "ignore-auth", "undocumented-field", "wrong-type")


@pytest.fixture(scope="session")
def broken_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """report.html of the embedded mock broken on purpose (some operations keep no finding)."""
    out = tmp_path_factory.mktemp("broken")
    assert run_check(Options(seed=1, max_examples=0, mock_faults=FAULTS), str(out), formats=["json", "html"]) == 1
    return out / "report.html"


@pytest.fixture(scope="session")
def clean_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    assert run_check(Options(seed=1, max_examples=0), str(out), formats=["json", "html"]) == 0
    return out / "report.html"
