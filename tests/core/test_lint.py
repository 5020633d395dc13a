"""Spec lint: each rule positive and negative, and the shipped specs are clean."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from contracts.core.errors import SpecError
from contracts.core.lint import lint

CLEAN = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      summary: Get A
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {$ref: "#/components/schemas/A"}
              example: {x: 1}
        "204":
          description: no body, so no example needed
components:
  schemas:
    A: {type: object, properties: {x: {type: integer}}}
"""


def kinds(path: Path) -> list[tuple[str, int | None, str]]:
    return [(f.kind, f.line, f.location) for f in lint([path])]


def test_clean_spec(write_spec: Callable[..., Path]) -> None:
    assert lint([write_spec(CLEAN)]) == []


def test_shipped_specs_are_clean(shipped_specs: list[Path]) -> None:
    assert len(shipped_specs) == 3
    assert lint(shipped_specs) == []


def test_missing_operation_id_and_summary(write_spec: Callable[..., Path]) -> None:
    path = write_spec(CLEAN.replace("      operationId: getA\n      summary: Get A\n", ""))
    found = kinds(path)
    assert ("missing-operation-id", 5, "/paths/~1a/get") in found
    assert ("missing-summary", 5, "/paths/~1a/get") in found


def test_duplicate_operation_id(write_spec: Callable[..., Path]) -> None:
    text = CLEAN.replace("components:", """  /b:
    get:
      operationId: getA
      summary: Also A
      responses:
        "204": {description: none}
components:""")
    assert [k for k in kinds(write_spec(text)) if k[0] == "duplicate-operation-id"] == [
        ("duplicate-operation-id", 19, "/paths/~1b/get/operationId")]


def test_missing_example(write_spec: Callable[..., Path]) -> None:
    path = write_spec(CLEAN.replace("              example: {x: 1}\n", ""))
    assert kinds(path) == [("missing-example", 12, "/paths/~1a/get/responses/200/content/application~1json")]


def test_remote_ref_is_refused_without_fetching(write_spec: Callable[..., Path]) -> None:
    path = write_spec(CLEAN.replace('$ref: "#/components/schemas/A"', '$ref: "https://example.invalid/a.yaml#/A"'))
    found = lint([path])
    assert [(f.kind, f.line) for f in found] == [("remote-ref", 13)]
    assert "never fetches" in found[0].message


def test_unresolvable_ref(write_spec: Callable[..., Path]) -> None:
    path = write_spec(CLEAN.replace("#/components/schemas/A", "#/components/schemas/Nope"))
    found = lint([path])
    assert [(f.kind, f.line, f.location) for f in found] == [
        ("unresolvable-ref", 13, "/paths/~1a/get/responses/200/content/application~1json/schema/$ref")]


def test_invalid_openapi(write_spec: Callable[..., Path]) -> None:
    path = write_spec(CLEAN.replace("info: {title: t, version: \"1\"}", "info: {version: \"1\"}"))
    found = lint([path])
    assert [(f.kind, f.location, f.line) for f in found] == [("invalid-openapi", "/info", 2)]
    assert found[0].message == "not valid OpenAPI: 'title' is a required property"


def test_missing_external_example_file(write_spec: Callable[..., Path]) -> None:
    path = write_spec(CLEAN.replace("example: {x: 1}", "examples: {docs: {externalValue: nothere.txt}}"))
    assert [k[0] for k in kinds(path)] == ["missing-external-example"]


def test_malformed_yaml_raises_with_line(write_spec: Callable[..., Path]) -> None:
    path = write_spec("openapi: 3.0.3\ninfo: {title: t\npaths: {}\n")
    with pytest.raises(SpecError) as err:
        lint([path])
    assert err.value.line == 3
    assert str(err.value).startswith(f"{path}:3: malformed YAML:")
    assert "\n" not in str(err.value)


def test_request_sample_naming_a_missing_body_example(write_spec: Callable[..., Path]) -> None:
    text = CLEAN.replace("""      responses:""", """      requestBody:
        content:
          application/json:
            schema: {type: object}
            examples: {docs: {value: {}}}
      x-request-samples:
        - {name: docs, method: GET, url: "https://h/a", body-example: nope}
      responses:""", 1)
    found = [(f.kind, f.location) for f in lint([write_spec(text)])]
    assert found == [("invalid-extension", "/paths/~1a/get/x-request-samples/0/body-example")]
