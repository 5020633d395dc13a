"""The audit reads every sample a document holds: parameters, headers, schemas, webhooks."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from contracts.core.audit import audit
from contracts.core.spec import load_spec

SPEC = """
openapi: 3.1.0
info: {title: samples everywhere, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: integer, minimum: 1}
          example: 0
        - name: sort
          in: query
          schema: {type: string, enum: [asc, desc]}
          examples:
            good: {value: asc}
            bad: {value: up}
      responses:
        "200":
          description: ok
          headers:
            X-Rate-Remaining:
              schema: {type: integer}
              example: many
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
webhooks:
  thingChanged:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Thing"}
            example: {id: "seven"}
      responses:
        "200": {description: received}
components:
  schemas:
    Thing:
      type: object
      properties:
        id: {type: integer, examples: [1, two]}
        day: {type: string, format: date, example: "2024-02-30"}
      example: {id: 1, colour: red}
"""


def test_every_sample_is_audited(write_spec: Callable[..., Path]) -> None:
    result = audit([load_spec(write_spec(SPEC))])
    got = {(f.operation, f.sample, f.kind, f.location) for f in result.findings}
    assert got == {
        ("getThing", "parameter/path/id/example", "out-of-range", ""),
        ("getThing", "parameter/query/sort/bad", "enum-mismatch", ""),
        ("getThing", "response/200/header/X-Rate-Remaining/example", "wrong-type", ""),
        ("webhook thingChanged POST", "request-body/example", "wrong-type", "/id"),
        ("components", "schema/components/schemas/Thing/properties/id/examples/1", "wrong-type", ""),
        ("components", "schema/components/schemas/Thing/properties/day/example", "out-of-range", ""),
        ("components", "schema/components/schemas/Thing/example", "undocumented-field", "/colour"),
    }
    audited = {sample for _, _, sample in result.samples}
    assert {"parameter/query/sort/good", "schema/components/schemas/Thing/properties/id/examples/0"} <= audited
    lines = {f.sample: f.line for f in result.findings}
    assert lines["parameter/path/id/example"] == 12  # the line of the example itself
    assert lines["schema/components/schemas/Thing/properties/day/example"] == 45

