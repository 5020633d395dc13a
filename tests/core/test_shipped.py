"""The shipped specs: package data found by short name, stem or file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.core import shipped
from contracts.core.errors import UsageError
from contracts.core.spec import default_spec_dir, iter_spec_paths

ROOT = Path(__file__).resolve().parents[2]


def test_every_spec_in_specs_ships_under_a_short_name() -> None:
    names = {item.name: item.path.name for item in shipped.shipped()}
    assert names == {"enos": "enos-connect-v2.5.yaml", "iotda": "iotda-v5.yaml",
                     "oceanconnect": "oceanconnect-iocm-v1.4.0.yaml"}
    assert {p.name for p in (ROOT / "specs").glob("*.yaml")} == set(names.values())


@pytest.mark.parametrize("given", ["iotda", "IoTDA", "iotda-v5", "iotda-v5.yaml"])
def test_a_name_selects_a_shipped_spec(given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert [p.name for p in iter_spec_paths([given])] == ["iotda-v5.yaml"]


def test_a_file_here_wins_over_a_shipped_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "iotda").write_text("openapi: 3.0.3\n")
    monkeypatch.chdir(tmp_path)
    assert iter_spec_paths(["iotda"]) == [Path("iotda")]


def test_an_unknown_name_suggests_the_shipped_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match=r"no such spec file or folder: iotdaa; did you mean 'iotda'\? "
                                         r"\(shipped specs: enos, iotda, oceanconnect"):
        iter_spec_paths(["iotdaa"])
    with pytest.raises(UsageError, match=r"^no such spec file or folder: sub/iotda$"):
        iter_spec_paths(["sub/iotda"])  # a path is never taken for a name


def test_without_a_specs_folder_the_shipped_ones_are_the_default(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert default_spec_dir() == shipped.shipped_dir()
    (tmp_path / "specs").mkdir()
    assert default_spec_dir() == tmp_path / "specs"
