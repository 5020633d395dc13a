"""speccheck's cache: a verdict is reused only for the same bytes, and read the same as a fresh one."""

from __future__ import annotations

import importlib.metadata
import textwrap
from pathlib import Path

import pytest

from contracts.core import speccheck
from contracts.core.spec import load_spec

MAIN = """\
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "schemas.yaml#/Thing"}
"""
THING = """\
Thing:
  type: object
  properties:
    id: {type: string}
"""


def _errors(path: Path) -> list[tuple[str, str]]:
    return [(p.pointer, p.message) for p in speccheck.validation_errors(load_spec(path, validate=False))]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CONTRACTS_CACHE_DIR", str(folder))
    monkeypatch.delenv("CONTRACTS_NO_CACHE", raising=False)
    monkeypatch.setattr(speccheck, "_MEMO", {})
    return folder


def _fresh(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The verdict with no cache at all, as the reference."""
    with monkeypatch.context() as m:
        m.setenv("CONTRACTS_NO_CACHE", "1")
        m.setattr(speccheck, "_MEMO", {})
        return _errors(path)


@pytest.mark.parametrize("forget_memo", [False, True], ids=["same-process", "next-process"])
def test_a_changed_file_is_validated_again(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch,
                                           forget_memo: bool) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MAIN, encoding="utf-8")
    (tmp_path / "schemas.yaml").write_text(THING, encoding="utf-8")
    assert _errors(spec) == [] == _fresh(spec, monkeypatch)
    assert list(cache.glob("speccheck-*.json")), "the verdict was not stored"

    def edited(path: Path, text: str) -> list[tuple[str, str]]:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        if forget_memo:
            monkeypatch.setattr(speccheck, "_MEMO", {})
        return _errors(spec)

    # the root file: a response without its mandatory description
    broken = edited(spec, MAIN.replace("          description: ok\n", ""))
    assert broken and broken == _fresh(spec, monkeypatch)
    # back as it was: the first verdict again
    assert edited(spec, MAIN) == []
    # a file reached only through a $ref
    broken = edited(tmp_path / "schemas.yaml", THING.replace("type: object", "type: 5"))
    assert broken and broken == _fresh(spec, monkeypatch)


def test_a_cached_verdict_reads_as_the_fresh_one(shipped_specs: list[Path], cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    for path in shipped_specs:
        first = _errors(path)
        monkeypatch.setattr(speccheck, "_MEMO", {})
        assert _errors(path) == first == _fresh(path, monkeypatch)


def test_the_validator_version_is_the_installed_one() -> None:
    speccheck._validator_version.cache_clear()
    assert speccheck._validator_version() == importlib.metadata.version("openapi-spec-validator")
