from __future__ import annotations

import textwrap
from typing import Any

import yaml

BASE = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /things/{id}:
    get:
      operationId: getThing
      summary: Get a thing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, required: true, schema: {type: integer, minimum: 1, maximum: 50}}
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Thing"
components:
  schemas:
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string, maxLength: 5}
        setMeasurepointInfo: {type: object}
        status: {type: string, enum: [PENDING, DONE]}
        count: {type: integer, minimum: 0}
        when: {type: string, pattern: "^[0-9]{8}T[0-9]{6}Z$"}
"""


def spec_with(example: Any = None, *, request_url: str | None = None, extra: str = "") -> str:
    """BASE with one response example (and optionally a request sample)."""
    doc = yaml.safe_load(BASE)
    op = doc["paths"]["/things/{id}"]["get"]
    if example is not None:
        op["responses"]["200"]["content"]["application/json"]["examples"] = {"docs": {"value": example}}
    if request_url is not None:
        op["x-request-samples"] = [{"name": "docs", "method": "GET", "url": request_url}]
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    return text + textwrap.dedent(extra)
