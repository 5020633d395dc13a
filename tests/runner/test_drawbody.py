"""Plain JSON bodies: which trees the drawing lane takes, and that what it draws is judged as meant."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from contracts.runner import drawbody, drawing
from contracts.runner.cases import ACCEPT, REJECT
from contracts.runner.session import Options, Session, open_session

from .test_drawing import _draws, _fuzzer

BODIES = """
openapi: 3.0.3
info: {title: bodies, version: "1"}
paths:
  /map:
    post:
      operationId: map
      requestBody:
        required: true
        content: {application/json: {schema: {type: object, additionalProperties: {type: integer, maximum: 9}}}}
      responses: {"200": {description: ok}, "400": {description: bad}}
  /list:
    post:
      operationId: list
      requestBody:
        content:
          application/json:
            schema: {type: array, minItems: 1, maxItems: 3, items: {type: string, maxLength: 2}}
      responses: {"200": {description: ok}, "400": {description: bad}}
  /tree:
    post:
      operationId: tree
      requestBody:
        content: {application/json: {schema: {$ref: "#/components/schemas/Node"}}}
      responses: {"200": {description: ok}}
  /nullable:
    post:
      operationId: nullable
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {a: {type: string, nullable: true}}}
      responses: {"200": {description: ok}}
  /readonly:
    post:
      operationId: readonly
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {id: {type: string, readOnly: true}}}
      responses: {"200": {description: ok}}
  /dangling:
    post:
      operationId: dangling
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [b], properties: {a: {type: string}}}
      responses: {"200": {description: ok}}
components:
  schemas:
    Node:
      type: object
      properties:
        child: {$ref: "#/components/schemas/Node"}
"""


@pytest.fixture
def bodies(write_spec: Callable[..., Path]) -> Iterator[Session]:
    session = open_session(Options(specs=[str(write_spec(BODIES))], base_url="http://127.0.0.1:9", seed=1))
    try:
        yield session
    finally:
        session.close()


def test_plain_trees_are_taken_and_the_others_left_to_schemathesis(bodies: Session) -> None:
    taken = {op.operation_id: drawing.simple(op) for op in bodies.contract.operations}
    # a recursive tree, a nullable or read-only member and a required member that is not listed are
    # what schemathesis (or nobody) should draw
    assert taken == {"map": True, "list": True, "tree": False, "nullable": False, "readonly": False,
                     "dangling": False}


def _judged(session: Session, name: str, negative: bool, n: int = 200) -> list[Any]:
    op = session.contract.operation(name)
    fuzzer = _fuzzer(session)
    cases = [fuzzer.convert(op, d, negative) for d in _draws(drawing.strategy(op, negative), n)]
    return [c for c in cases if c is not None]


def test_a_map_body_gets_members_of_its_value_schema_and_breaks_them(bodies: Session) -> None:
    positives = _judged(bodies, "map", False)
    assert all(c.expect == ACCEPT for c in positives)
    assert any(c.body for c in positives)  # some maps have members
    negatives = _judged(bodies, "map", True)
    assert all(c.expect == REJECT for c in negatives), [c.reason for c in negatives if c.expect != REJECT][:3]
    reasons = " ".join(c.reason or "" for c in negatives)
    assert "maximum" in reasons or "greater than" in reasons or "at most" in reasons, reasons[:300]


def test_an_array_body_breaks_its_bounds_and_its_items(bodies: Session) -> None:
    positives = _judged(bodies, "list", False)
    assert all(c.expect == ACCEPT for c in positives)
    lengths = {len(c.body) for c in positives if isinstance(c.body, list)}
    assert lengths <= {1, 2, 3} and len(lengths) > 1
    negatives = _judged(bodies, "list", True, 300)
    assert all(c.expect == REJECT for c in negatives), [c.reason for c in negatives if c.expect != REJECT][:3]
    lists = [c.body for c in negatives if isinstance(c.body, list)]
    assert any(len(b) == 0 for b in lists) and any(len(b) > 3 for b in lists)
    assert any(any(isinstance(i, str) and len(i) > 2 for i in b) for b in lists)  # an item too long
    assert any(not isinstance(c.body, list) for c in negatives)  # the wrong JSON type at the root


def test_the_wrong_type_values_are_never_shared_between_draws(bodies: Session) -> None:
    """A break puts a fresh copy in place: changing one drawn body never changes another."""
    op = bodies.contract.operation("list")
    draws = _draws(drawing.strategy(op, negative=True), 200)
    containers = [d.body for d in draws if isinstance(d.body, (dict, list))]
    assert len({id(b) for b in containers}) == len(containers)


def test_plain_refuses_what_it_cannot_draw() -> None:
    def deref(node: Any) -> Any:
        return node

    assert drawbody.plain({"type": "object", "properties": {"a": {"type": "string", "format": "date-time"}}},
                          deref) is False
    assert drawbody.plain({"type": "array", "items": [{"type": "string"}]}, deref) is False
    assert drawbody.plain({"type": "array", "minItems": 3, "maxItems": 1}, deref) is False
    assert drawbody.plain({"allOf": [{"type": "object"}]}, deref) is False
    assert drawbody.plain({"type": "object", "additionalProperties": {"anyOf": []}}, deref) is False
    assert drawbody.plain({"description": "anything"}, deref) is True
    assert drawbody.plain({"type": "object", "x-vendor": 1, "properties": {"n": {"type": "integer", "minimum": 0}},
                           "required": ["n"]}, deref) is True


def test_a_scalar_no_value_fits_is_left_to_schemathesis() -> None:
    def deref(node: Any) -> Any:
        return node

    assert drawbody.plain({"type": "number", "minimum": 2, "maximum": 1}, deref) is False
    assert drawbody.plain({"type": "number", "minimum": 1, "maximum": 1, "exclusiveMaximum": True}, deref) is False
    assert drawbody.plain({"type": "integer", "minimum": 1.5, "maximum": 1.7}, deref) is False
    assert drawbody.plain({"type": "string", "minLength": 3, "maxLength": 2}, deref) is False
    assert drawbody.plain({"type": "number", "minimum": 1, "maximum": 1}, deref) is True
