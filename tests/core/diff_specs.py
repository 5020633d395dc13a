"""A small inline spec with one of everything the diff rules look at, and edits of it.

``getThing`` receives ``Thing`` (output), ``createThing`` sends ``NewThing``
(input) and answers ``Created`` under an ``x-error-envelope``; ``Error`` is
the 404 body (an error body with a code field).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable

import yaml

from contracts.core import pointer as jp
from contracts.core.diff import DiffResult, diff_specs
from contracts.core.spec import load_spec

BASE = """
openapi: 3.0.3
info: {title: Things, version: "1", description: Things and more.}
security:
  - Token: []
paths:
  /things/{id}:
    get:
      operationId: getThing
      summary: Get a thing
      parameters:
        - {name: id, in: path, required: true, description: The id., schema: {type: string, maxLength: 10}}
        - {name: limit, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 50, default: 10}}
        - {name: status, in: query, schema: {type: string, enum: [A, B]}}
        - {name: lang, in: query, required: true, schema: {type: string}}
        - {name: X-Trace, in: header, schema: {type: string}}
      x-pagination: {style: marker, limit: limit, marker: marker, next: /next, items: /items, id: /id}
      responses:
        "200":
          description: OK
          headers:
            X-Rate: {required: true, schema: {type: integer}}
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
              example: {name: a}
        "404":
          description: Not found
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
  /things:
    post:
      operationId: createThing
      summary: Create a thing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewThing"}
      responses:
        "201":
          description: Created
          x-error-envelope:
            when: {pointer: /code, not-in: [0]}
            schema: {$ref: "#/components/schemas/Envelope"}
          content:
            application/json:
              schema:
                oneOf:
                  - $ref: "#/components/schemas/Created"
                  - $ref: "#/components/schemas/Envelope"
          links:
            Read:
              operationId: getThing
              parameters: {id: "$response.body#/id"}
              x-round-trip: {sent: "$request.body#/", stored: "$response.body#/"}
components:
  securitySchemes:
    Token: {type: apiKey, in: header, name: X-Token}
    Basic: {type: http, scheme: basic}
  schemas:
    Thing:
      type: object
      description: A thing.
      required: [name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string, maxLength: 20, pattern: "^[a-z]+$"}
        status: {type: string, enum: [NEW, DONE]}
        count: {type: integer, format: int32, minimum: 0}
        tags: {type: array, items: {type: string}}
        shape: {$ref: "#/components/schemas/Shape"}
        child: {$ref: "#/components/schemas/Thing"}
    Shape:
      oneOf:
        - $ref: "#/components/schemas/Circle"
        - $ref: "#/components/schemas/Square"
      discriminator: {propertyName: kind}
    Circle:
      type: object
      required: [kind]
      properties: {kind: {type: string}, radius: {type: number}}
    Square:
      type: object
      required: [kind]
      properties: {kind: {type: string}, side: {type: number}}
    NewThing:
      type: object
      required: [name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string, maxLength: 20}
        status: {type: string, enum: [NEW, DONE]}
        size: {type: number, minimum: 0}
        note: {type: string}
        value:
          oneOf: [{type: string}, {type: integer}]
    Created:
      type: object
      properties:
        code: {type: integer, enum: [0]}
        id: {type: string}
    Envelope:
      type: object
      required: [code]
      properties:
        code: {type: integer}
        msg: {type: string}
    Error:
      type: object
      required: [error_code]
      properties:
        error_code: {type: string, enum: [E1, E2]}
        message: {type: string}
"""

Edit = Callable[[dict[str, Any]], None]


def base() -> dict[str, Any]:
    return yaml.safe_load(BASE)


def at(doc: dict[str, Any], pointer: str) -> Any:
    return jp.resolve(doc, pointer)


def put(pointer: str, value: Any) -> Edit:
    """An edit that sets the value at ``pointer`` (its parent must exist)."""
    def edit(doc: dict[str, Any]) -> None:
        parent, _, key = pointer.rpartition("/")
        target = at(doc, parent)
        key = jp.unescape(key)
        if isinstance(target, list):
            target[int(key)] = copy.deepcopy(value)
        else:
            target[key] = copy.deepcopy(value)
    return edit


def drop(pointer: str) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        parent, _, key = pointer.rpartition("/")
        target = at(doc, parent)
        key = jp.unescape(key)
        if isinstance(target, list):
            del target[int(key)]
        else:
            del target[key]
    return edit


def each(*edits: Edit) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        for e in edits:
            e(doc)
    return edit


def write(folder: Path, name: str, doc: dict[str, Any] | str) -> Path:
    path = folder / name
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def diff_docs(folder: Path, old: dict[str, Any] | str, new: dict[str, Any] | str) -> DiffResult:
    return diff_specs(load_spec(write(folder, "old.yaml", old)), load_spec(write(folder, "new.yaml", new)))


def diff_edits(folder: Path, old_edit: Edit | None, new_edit: Edit | None) -> DiffResult:
    old, new = base(), base()
    if old_edit is not None:
        old_edit(old)
    if new_edit is not None:
        new_edit(new)
    return diff_docs(folder, old, new)


THING = "/components/schemas/Thing/properties"
NEW = "/components/schemas/NewThing/properties"
GET = "/paths/~1things~1{id}/get"
POST = "/paths/~1things/post"
