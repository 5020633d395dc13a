"""``contracts mock`` options that never open a socket (serving is in test_server.py)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from contracts.core.errors import UsageError
from contracts.mock import FAULTS, mock
from contracts.mock.command import run


def test_list_faults_prints_every_fault_with_its_description() -> None:
    result = CliRunner().invoke(mock, ["--list-faults"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == list(FAULTS)
    assert all(line.endswith(fault.description) for line, fault in zip(lines, FAULTS.values()))


def test_an_unknown_fault_is_a_usage_error_with_a_suggestion() -> None:
    result = CliRunner().invoke(mock, ["--port", "0", "--fault", "ignore-auht"])
    assert isinstance(result.exception, UsageError)
    assert "did you mean 'ignore-auth'" in str(result.exception)


def test_run_turns_errors_into_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--fault", "enum-values", "--port", "0"]) == 2
    assert capsys.readouterr().err == ("contracts mock: error: unknown fault 'enum-values'; "
                                       "did you mean 'enum-value'?\n")
    assert run(["--spec", "no/such/spec.yaml", "--port", "0"]) == 2
    assert "no such spec file" in capsys.readouterr().err
    assert run(["--port", "70000"]) == 2


def test_help_documents_the_options() -> None:
    result = CliRunner().invoke(mock, ["--help"])
    assert result.exit_code == 0
    for option in ("--spec", "--host", "--port", "--seed", "--fault", "--list-faults"):
        assert option in result.output
