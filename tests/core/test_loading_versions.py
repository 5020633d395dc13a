"""Only OpenAPI 3.0 and 3.1 are read: anything else is one line and exit 2, in every command;
a document with nothing to check is no passing check."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

import pytest

from contracts.cli import run
from contracts.core.errors import SpecError
from contracts.core.lint import lint
from contracts.core.spec import load_spec

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
SWAGGER = CORPUS / "oai-v2.0-yaml-petstore-expanded.yaml"


def commands(spec: Path, tmp_path: Path) -> dict[str, list[str]]:
    har = tmp_path / "empty.har"
    har.write_text('{"log": {"version": "1.2", "entries": []}}', encoding="utf-8")
    return {
        "lint": ["lint", str(spec)],
        "audit": ["audit", str(spec)],
        "docs": ["docs", str(spec), "--out", str(tmp_path / "docs")],
        "check": ["check", "--spec", str(spec), "--max-examples", "0"],
        "validate": ["validate", str(har), "--spec", str(spec)],
    }


@pytest.mark.parametrize("command", ["lint", "audit", "docs", "check", "validate"])
def test_swagger_2_is_one_line_and_exit_2_in_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             command: str) -> None:
    spec = tmp_path / SWAGGER.name
    shutil.copy(SWAGGER, spec)
    assert run(commands(spec, tmp_path)[command]) == 2
    out, err = capsys.readouterr()
    assert err == (f"contracts: error: {spec}:1: is a Swagger 2.0 document; contracts reads OpenAPI 3.0 and 3.1: "
                   "convert it first (for example with swagger2openapi or the Swagger Editor)\n")
    assert "missing-operation-id" not in out and "warning" not in out  # no rule findings for what it cannot read


@pytest.mark.parametrize("text, message", [
    ("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n", "is a Swagger 2.0 document"),
    ("name: a docker-compose file\nservices: {}\n", "is not an OpenAPI document (no 'openapi' field at the top)"),
    ("- just\n- a list\n", "is not an OpenAPI document (the top level is not a mapping)"),
    ("openapi: 3.1\ninfo: {title: t, version: '1'}\npaths: {}\n", "openapi: 3.1 is not a version string"),
    ("openapi: 2.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "is an OpenAPI 2.0.0 document"),
    ("openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n", "is an OpenAPI 4.0.0 document"),
])
def test_what_is_not_openapi_3_is_refused_by_loading_and_lint(write_spec: Callable[..., Path], text: str,
                                                              message: str) -> None:
    path = write_spec(text)
    for load in (load_spec, lambda p: lint([p])):
        with pytest.raises(SpecError) as err:
            load(path)
        assert message in err.value.message and err.value.file == str(path)
        assert "\n" not in str(err.value)


@pytest.mark.parametrize("version", ["3.0.0", "3.0.3", "3.1.0", "3.1.1"])
def test_openapi_3_0_and_3_1_load(write_spec: Callable[..., Path], version: str) -> None:
    path = write_spec(f"openapi: {version}\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n")
    assert load_spec(path).version == "1"


def test_a_webhook_only_document_lints_clean_but_has_nothing_to_check(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "webhooks.yaml"
    shutil.copy(CORPUS / "oai-v3.1-webhook-example.yaml", spec)
    assert run(["lint", str(spec)]) == 0
    capsys.readouterr()
    assert run(["check", "--spec", str(spec), "--max-examples", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("contracts: error: nothing to check: no operations under paths in ")
    assert "webhooks" in err and err.count("\n") == 1


def test_a_document_with_operations_is_something_to_check(write_spec: Callable[..., Path]) -> None:
    from contracts.runner.session import Options, open_session

    path = write_spec("""
        openapi: 3.1.0
        info: {title: t, version: "1"}
        paths:
          /a:
            get:
              operationId: getA
              summary: A
              responses:
                "204": {description: none}
        webhooks:
          ping:
            post:
              responses:
                "200": {description: OK}
        """)
    session = open_session(Options(specs=[str(path)], base_url="http://127.0.0.1:9", max_examples=0))
    try:  # opening sends nothing
        assert [op.operation_id for op in session.selected_operations()] == ["getA"]
    finally:
        session.close()
