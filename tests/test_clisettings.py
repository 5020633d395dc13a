"""[tool.contracts] settings as command-line defaults: applied, overridden, shown, and refused when wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.cli import run

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _settings(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "theirs"\n\n[tool.contracts]\n' + body)


def test_settings_apply_and_the_command_line_wins(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _settings(project, 'spec = ["iotda"]\nmax_examples = 0\nseed = 7\nchecks = ["status_code_conformance"]\n'
                       'report_dir = "out"\n')
    assert run(["check"]) == 0
    out = capsys.readouterr().out
    assert "1 spec(s) · seed 7" in out
    summary = json.loads((project / "out" / "report.json").read_text())["summary"]
    assert summary["max_examples"] == 0 and summary["checks"] and all(
        set(row) == {"status_code_conformance"} for row in summary["checks"].values())
    assert run(["check", "--seed", "9", "--checks", "content_type_conformance"]) == 0
    out = capsys.readouterr().out
    assert "seed 9" in out
    summary = json.loads((project / "out" / "report.json").read_text())["summary"]
    assert all(set(row) == {"content_type_conformance"} for row in summary["checks"].values())


def test_spec_fills_the_positional_specs_of_lint(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _settings(project, 'spec = "iotda"\n')
    assert run(["lint"]) == 0
    out = capsys.readouterr().out
    assert "1 spec(s) clean" in out and out.rstrip().endswith("iotda-v5.yaml")


def test_config_shows_each_value_and_where_it_comes_from(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _settings(project, 'max_examples = 3\nheader = ["X-A: b"]\nstrict = true\n')
    assert run(["config", "check"]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:-1]}
    assert rows["max_examples"][1:] == ["3", "pyproject.toml:5"]
    assert rows["header"][-1] == "pyproject.toml:6" and rows["strict"][1:] == ["True", "pyproject.toml:7"]
    assert rows["timeout"][1:] == ["10.0", "default"] and rows["seed"][1:] == ["-", "default"]


@pytest.mark.parametrize(("body", "message"), [
    ("max_example = 3\n", "pyproject.toml:5: max_example is not a contracts setting; did you mean 'max_examples'?"),
    ('max_examples = "many"\n', "pyproject.toml:5: max_examples: 'many' is not a valid integer"),
    ('strict = "yes"\n', "pyproject.toml:5: strict is a switch: write strict = true or false"),
    ("seed = [1, 2]\n", "pyproject.toml:5: seed takes one value, not a list"),
])
def test_a_wrong_setting_is_one_line_naming_file_and_line(project: Path, capsys: pytest.CaptureFixture[str],
                                                          body: str, message: str) -> None:
    _settings(project, body)
    assert run(["check"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"contracts: error: {message}" or message in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_key_of_another_command_is_fine(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _settings(project, 'max_examples = 2\nspec = ["iotda"]\n')  # check's, not lint's
    assert run(["lint"]) == 0


def test_config_for_an_unknown_command(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["config", "chek"]) == 2
    assert "no command 'chek'; did you mean 'check'?" in capsys.readouterr().err


def test_specs_lists_and_exports(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["specs"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["enos", "iotda", "oceanconnect"]
    assert run(["specs", "--export", "mine"]) == 0
    assert sorted(p.name for p in (project / "mine").iterdir()) == [
        "enos-connect-v2.5.yaml", "iotda-v5.yaml", "oceanconnect-iocm-v1.4.0.yaml", "samples"]
    assert (project / "mine" / "iotda-v5.yaml").read_bytes() == (ROOT / "specs" / "iotda-v5.yaml").read_bytes()
    capsys.readouterr()
    assert run(["specs", "--export", "mine"]) == 2
    assert "would overwrite" in capsys.readouterr().err


def test_the_readme_settings_example_works_as_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Settings file"):]
    block = section[section.index("```toml\n") + len("```toml\n"):section.index("```\n", section.index("```toml"))]
    (project / "pyproject.toml").write_text(block)
    assert run(["config", "check"]) == 0
    out = capsys.readouterr().out
    for key, value in (("max_examples", "20"), ("seed", "7"), ("rate_limit", "100/60s"), ("spec", "iotda")):
        line = next(line for line in out.splitlines() if line.startswith(key + " "))
        assert value in line and "pyproject.toml:" in line, line
    assert run(["check", "--max-examples", "1", "--dry-run"]) == 0
