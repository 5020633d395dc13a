"""Project settings: where they are found, which file wins, and the line each key is on."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.core.config import project_folder, read_section, read_settings
from contracts.core.errors import UsageError


def test_settings_and_their_lines_from_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nseed = 1\n\n[tool.contracts]\nmax_examples = 3\n"base_url" = "http://h"\n'
        '\n[tool.contracts.lint]\nrules = {missing-summary = "off"}\n')
    monkeypatch.chdir(tmp_path)
    settings = read_settings()
    assert settings.values == {"max_examples": 3, "base_url": "http://h"}  # not [project]'s seed, not the table
    assert settings.origin("max_examples") == "pyproject.toml:6" and settings.origin("base_url") == "pyproject.toml:7"
    assert settings.table == "[tool.contracts]"
    section = read_section("lint")
    assert section is not None and section.values == {"rules": {"missing-summary": "off"}}


def test_found_in_a_parent_but_never_above_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "contracts.toml").write_text("seed = 7\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert project_folder() is None and read_settings().values == {}
    (repo / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    assert project_folder() is None  # a pyproject without [tool.contracts] is not ours
    (repo / "pyproject.toml").write_text("[tool.contracts]\nseed = 8\n")
    assert project_folder() == repo.resolve() and read_settings().values == {"seed": 8}


def test_contracts_toml_wins_over_pyproject_in_one_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.contracts]\nseed = 1\n")
    (tmp_path / "contracts.toml").write_text("# top-level settings\nseed = 2\n[lint]\nrules = {}\n")
    monkeypatch.chdir(tmp_path)
    settings = read_settings()
    assert settings.values == {"seed": 2} and settings.origin("seed") == "contracts.toml:2"
    assert settings.table == "the top level"


def test_broken_toml_is_one_line_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "contracts.toml").write_text("seed = = 1\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match=r"^contracts.toml: not valid TOML: .*line 1"):
        read_settings()
