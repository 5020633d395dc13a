"""The fast schema walk says exactly what openapi-spec-validator's own walk says."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contracts.core import schemawalk, speccheck
from contracts.core.errors import SpecError
from contracts.core.yamlsource import load_file

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted((ROOT / "tests" / "corpus" / "specs").iterdir()) + sorted((ROOT / "specs").glob("*.yaml"))


def test_idset_is_a_list_with_set_membership() -> None:
    seen = schemawalk.IdSet()
    assert not seen and 5 not in seen
    seen.append(5)
    seen.append(5)
    seen.append(7)
    assert 5 in seen and 7 in seen and 6 not in seen
    assert list(seen) == [5, 7]


def _slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Turn the fast meta-check off: every schema goes to python-jsonschema, as in stock openapi-spec-validator."""
    monkeypatch.setattr(schemawalk, "_meta_validator", lambda meta: None)


def _doc(version: str, schemas: dict[str, Any]) -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
            "components": {"schemas": schemas}}


# Schemas where jsonschema-rs alone and python-jsonschema alone disagree (regex dialects, URI formats), and
# ordinary mistakes: the fast walk must report each one exactly as the slow walk does.
TRICKY: dict[str, Any] = {
    "unicode-class": {"type": "string", "pattern": "\\p{L}+"},            # ECMA yes, Python no: an error
    "named-group": {"type": "string", "pattern": "(?P<n>x)"},            # Python yes, ECMA no: no error
    "python-anchor": {"type": "string", "pattern": "\\d{2}\\Z"},         # Python yes, ECMA no: no error
    "broken-regex": {"type": "string", "pattern": "["},
    "bad-type": {"type": "objectx"},
    "bad-minimum": {"type": "integer", "minimum": "a"},
    "nested-bad": {"type": "object", "properties": {"a": {"type": "array", "items": {"maxItems": -1}}}},
    "odd-ref": {"$ref": "::bad"},
    "dialect-with-space": {"$schema": "x y", "type": "string"},
    "pattern-keys": {"type": "object", "patternProperties": {"\\p{L}": {"type": "string"}}},
    "fine": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "format": "int64"}}},
}


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_fast_walk_reports_what_the_slow_walk_reports(name: str, version: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "spec.json"
    data = _doc(version, {name: TRICKY[name], "other": {"type": "string"}})
    path.write_text(json.dumps(data), encoding="utf-8")
    fast = speccheck._errors(data, path)
    _slow(monkeypatch)
    assert fast == speccheck._errors(data, path)


def test_a_schema_the_fast_check_rejects_is_named_by_the_slow_one(tmp_path: Path) -> None:
    path = tmp_path / "spec.json"
    data = _doc("3.0.3", {"unicode": TRICKY["unicode-class"]})
    path.write_text(json.dumps(data), encoding="utf-8")
    errors = speccheck._errors(data, path)
    assert [(p, "regex" in m) for _, p, m in errors] == [("/components/schemas/unicode/pattern", True)]


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_fast_walk_agrees_on_the_corpus(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        data, _ = load_file(path)
    except SpecError:
        pytest.skip("not loadable: tests/test_corpus.py covers it")
    if speccheck._validator_class(data if isinstance(data, dict) else {}) is None:
        pytest.skip("not OpenAPI 3.0/3.1")
    fast = speccheck._errors(data, path)
    _slow(monkeypatch)
    assert fast == speccheck._errors(data, path)
