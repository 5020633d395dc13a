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

# Not OpenAPI 3.0/3.1: every command refuses it with one line (exit 2).
REFUSED = {
    "oai-v2.0-json-uber.json": "Swagger 2.0",
    "oai-v2.0-yaml-petstore-expanded.yaml": "Swagger 2.0",
    "osv-v32-petstore.yaml": "OpenAPI 3.2",
}
# OpenAPI 3.x but invalid: lint lists what is wrong (exit 1); audit and check refuse it with one line (exit 2).
INVALID = {
    "osv-v30-empty.yaml": "no info and no paths",
    "osv-v30-missing-description.yaml": "a response without its required description",
}
# openapi-spec-validator refuses these, and contracts refuses what it refuses; one can argue they are valid,
# so either outcome passes: accepted, or refused with one line naming the file and line.
DISPUTED = {
    "readme30-schema-validation.json": "a pattern with brace literals (valid without the unicode flag), and "
                                       "defaults and examples that break their own formats",
    "readme31-schema-validation-local.json": "draft-04 `exclusiveMaximum: true` under `$schema`",
    "readme31-schema-validation-top-level.json": "draft-04 `exclusiveMaximum: true` under `jsonSchemaDialect`",
}

# Nothing under `paths` (webhooks, components only): `check` says there is nothing to check (exit 2, one line),
# as Schemathesis does.
NOTHING_TO_CHECK = {
    "oai-v3.1-webhook-example.yaml", "oai31-tests-webhook-example.yaml", "readme31-webhooks.json",
    "openapi-core-v31-webhook-example.yaml", "oai31-tests-schema.yaml", "oai31-tests-valid_schema_types.yaml",
    "osv-v30-property-recursive.yaml",
}

# (document, command) -> why it fails today, and which file owns the cause (strict xfails; none left).
KNOWN: dict[tuple[str, str], str] = {}


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
    assert set(REFUSED) | set(INVALID) | set(DISPUTED) | NOTHING_TO_CHECK | {doc for doc, _ in KNOWN} <= names
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
    if name in REFUSED or (command != "lint" and (name in INVALID or (name in DISPUTED and code == 2))):
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1, err
        assert re.match(rf"contracts: error: \S*{re.escape(name)}:\d+: ", lines[0]), lines[0]
        return
    if command == "check" and name in NOTHING_TO_CHECK:
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and "nothing to check" in lines[0] and name in lines[0], err
        return
    assert code in (0, 1), err
    assert "contracts: error" not in err, err
    if command == "check":
        report = json.loads((tmp_path / "report.json").read_text())
        jsonschema.validate(report, report_schema())
        assert report["summary"].get("setup_error") is None
