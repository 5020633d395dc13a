"""Any OpenAPI document a user brings: lint, audit and check never fail inside contracts.

Every public document in tests/corpus/specs (see its README for origins and
licences) goes through the three commands, in process, with `check` pointed
at a catch-all server. Findings (exit 1) are expected: the catch-all answers
`{}` to everything. What must never happen is an internal error (exit 3), a
traceback, or a valid document refused (exit 2). Documents that are not
OpenAPI 3.0/3.1 are refused with one line naming the file and line.

Failures whose cause lies outside this suite's own files are strict xfails
naming the cause and the file that owns it, so the mark flips when that is
fixed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import jsonschema
import pytest

from contracts.cli import run
from contracts.report.check import report_schema

from .corpus.catchall import serve_catchall

_OPENAPI = re.compile(r"""^\s*["']?openapi["']?\s*:\s*["']?(\d+\.\d+)""", re.MULTILINE)
CORPUS = Path(__file__).resolve().parent / "corpus" / "specs"
COMMANDS = ("lint", "audit", "check")

# Not OpenAPI 3.0/3.1, or not a complete document: refused with one line (exit 2).
REFUSED = {
    "oai-v2.0-json-uber.json": "Swagger 2.0",
    "oai-v2.0-yaml-petstore-expanded.yaml": "Swagger 2.0",
    "osv-v30-empty.yaml": "no info and no paths",
    "osv-v32-petstore.yaml": "OpenAPI 3.2",
}
# openapi-spec-validator refuses these, and contracts refuses what it refuses; one can argue they are valid,
# so either outcome passes: accepted, or refused with one line naming the file and line.
DISPUTED = {
    "readme30-schema-validation.json": "a pattern with brace literals (valid without the unicode flag), and "
                                       "defaults and examples that break their own formats",
    "readme31-schema-validation-local.json": "draft-04 `exclusiveMaximum: true` under `$schema`",
    "readme31-schema-validation-top-level.json": "draft-04 `exclusiveMaximum: true` under `jsonSchemaDialect`",
}

_INT_KEYS = ("integer YAML keys (unquoted status codes `200:`) stay int after loading (core/yamlsource.py); "
             "openapi-spec-validator then fails inside core/speccheck.py:111 with ValueError "
             "'Dict key must be str or str enum. Got int'")
_NESTED_REFS = ("a relative $ref inside a referenced file is resolved against the root document, not the "
                "file that holds it (core/refs.py:58): \"cannot load '../…': no such file\"")

# (document, command) -> why it fails today, and which file owns the cause.
KNOWN: dict[tuple[str, str], str] = {
    **{("osv-v30-missing-description.yaml", c): _INT_KEYS for c in COMMANDS},
    **{("osv-v31-petstore.yaml", c): _INT_KEYS for c in COMMANDS},
    ("openapi-core-v30-parent-reference/openapi.yaml", "check"): _NESTED_REFS,
    ("osv-v30-parent-reference/openapi.yaml", "check"): _NESTED_REFS,
    ("osv-v30-petstore-separate/spec/openapi.yaml", "check"): _NESTED_REFS,
}


def documents() -> list[Path]:
    """Every single-file document, and the entry point (shallowest openapi.yaml) of every folder."""
    found = []
    for path in sorted(CORPUS.iterdir()):
        if path.is_dir():
            found.append(min(path.rglob("openapi.yaml"), key=lambda p: (len(p.parts), str(p))))
        elif path.suffix in (".json", ".yaml", ".yml"):
            found.append(path)
    return found


def _name(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def _cases() -> Iterator[object]:
    for path in documents():
        for command in COMMANDS:
            marks = [pytest.mark.slow] if command == "check" else []
            why = KNOWN.get((_name(path), command))
            if why is not None:
                marks.append(pytest.mark.xfail(strict=True, reason=why))
            yield pytest.param(path, command, marks=marks, id=f"{_name(path)}-{command}")


@pytest.fixture(scope="module")
def catchall() -> Iterator[str]:
    with serve_catchall() as url:
        yield url


def test_the_corpus_is_there() -> None:
    docs = documents()
    names = {_name(p) for p in docs}
    assert len(names) >= 60
    assert set(REFUSED) | set(DISPUTED) | {doc for doc, _ in KNOWN} <= names
    kinds = {(_version(p), p.suffix) for p in docs}
    assert {("3.0", ".json"), ("3.0", ".yaml"), ("3.1", ".json"), ("3.1", ".yaml")} <= kinds


def _version(path: Path) -> str:
    found = _OPENAPI.search(path.read_text(encoding="utf-8", errors="replace"))
    return found.group(1) if found else "other"


@pytest.mark.parametrize(("document", "command"), list(_cases()))
def test_corpus_document(document: Path, command: str, request: pytest.FixtureRequest, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    if command == "lint":
        args = ["lint", str(document)]
    elif command == "audit":
        args = ["audit", str(document), "--report-dir", str(tmp_path)]
    else:
        url = request.getfixturevalue("catchall")
        args = ["check", "--spec", str(document), "--base-url", url, "--max-examples", "2", "--seed", "1",
                "--timeout", "2", "--report-dir", str(tmp_path)]
    code = run(args)
    out, err = capsys.readouterr()
    name = _name(document)
    assert code != 3, err
    assert "Traceback" not in out + err
    if command != "lint" and (name in REFUSED or (name in DISPUTED and code == 2)):
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1, err
        assert re.match(rf"contracts: error: \S*{re.escape(name)}:\d+: ", lines[0]), lines[0]
        return
    assert code in (0, 1), err
    assert "contracts: error" not in err, err
    if command == "check":
        report = json.loads((tmp_path / "report.json").read_text())
        jsonschema.validate(report, report_schema())
        assert report["summary"].get("setup_error") is None
