"""The one converter: formats, OpenAPI 3.0 vs 3.1, discriminators, closing that changes nothing else.

Each case is checked on both engines (jsonschema-rs decides, python-jsonschema
explains); they must agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from contracts.core.spec import Spec, load_spec

HEAD = """
openapi: {version}
info: {{title: semantics, version: "1"}}
paths: {{}}
components:
  schemas:
"""


def spec_with(write_spec: Callable[..., Path], version: str, schemas: str) -> Spec:
    import textwrap

    body = textwrap.indent(textwrap.dedent(schemas).strip("\n"), " " * 4)
    return load_spec(write_spec(HEAD.format(version=version) + body + "\n"))


def verdict(spec: Spec, name: str, instance: Any, *, closed: bool = True) -> list[tuple[str, str]]:
    compiled = spec.compiled({"$ref": f"#/components/schemas/{name}"}, closed=closed, direction="response")
    fast = compiled.is_valid(instance)
    detailed = compiled.detailed(instance)
    assert fast == (not detailed), (fast, detailed)  # the two engines agree
    return sorted((v.kind, v.location) for v in detailed)


FORMATTED = """
Stamp:
  type: object
  properties:
    day: {type: string, format: date}
    at: {type: string, format: date-time}
    id: {type: string, format: uuid}
    mail: {type: string, format: email}
    link: {type: string, format: uri}
    ip: {type: string, format: ipv4}
    raw: {type: string, format: byte}
    secret: {type: string, format: password}
    count: {type: integer, format: int64}
"""


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_formats_are_asserted_in_responses(write_spec: Callable[..., Path], version: str) -> None:
    spec = spec_with(write_spec, version, FORMATTED)
    good = {"day": "2024-01-31", "at": "2024-01-31T12:00:00Z", "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            "mail": "a@example.com", "link": "https://example.com/x", "ip": "192.0.2.1", "raw": "YWJj",
            "secret": "anything goes", "count": 2**63 - 1}
    assert verdict(spec, "Stamp", good) == []
    bad = {"day": "2024-02-30", "at": "2024-01-31 12:00", "id": "not-a-uuid", "mail": "nobody", "link": "x y",
           "ip": "300.1.1.1", "raw": "abc", "count": -(2**63) - 1}
    assert verdict(spec, "Stamp", bad) == [("out-of-range", f"/{k}") for k in sorted(bad)]
    messages = {v.location: v.message for v in spec.compiled({"$ref": "#/components/schemas/Stamp"}, closed=True,
                                                             direction="response").detailed(bad)}
    assert messages["/day"] == '"2024-02-30" is not a valid date (format date)'


def test_nullable_is_30_only(write_spec: Callable[..., Path]) -> None:
    schemas = """
    Maybe: {type: object, properties: {v: {type: string, nullable: true}, r: {nullable: true, allOf: [{$ref: "#/components/schemas/R"}]}}}
    R: {type: object, properties: {x: {type: integer}}}
    """
    old = spec_with(write_spec, "3.0.3", schemas)
    assert verdict(old, "Maybe", {"v": None, "r": None}) == []
    assert verdict(old, "Maybe", {"r": {"x": "no"}}) == [("wrong-type", "/r/x")]
    new = spec_with(write_spec, "3.1.0", schemas)
    assert verdict(new, "Maybe", {"v": None}) == [("unexpected-null", "/v")]  # 3.1 has no nullable
    assert verdict(new, "Maybe", {"v": "text"}) == []


def test_ref_siblings_apply_in_31_and_are_ignored_in_30(write_spec: Callable[..., Path]) -> None:
    schemas = """
    Wrapper:
      type: object
      properties:
        name: {$ref: "#/components/schemas/Name", maxLength: 3}
    Name: {type: string}
    """
    assert verdict(spec_with(write_spec, "3.1.0", schemas), "Wrapper", {"name": "long"}) == [
        ("out-of-range", "/name")]
    assert verdict(spec_with(write_spec, "3.0.3", schemas), "Wrapper", {"name": "long"}) == []


CONDITIONAL = """
Shipping:
  type: object
  properties:
    country: {type: string}
  if: {properties: {country: {const: NL}}, required: [country]}
  then: {properties: {postcode: {type: string, pattern: "^[0-9]{4}[A-Z]{2}$"}}, required: [postcode]}
  else: {properties: {zip: {type: string}}}
"""


def test_conditionals_are_checked_and_closing_does_not_break_them(write_spec: Callable[..., Path]) -> None:
    spec = spec_with(write_spec, "3.1.0", CONDITIONAL)
    assert verdict(spec, "Shipping", {"country": "NL", "postcode": "1234AB"}) == []  # then's property is allowed
    assert verdict(spec, "Shipping", {"country": "US", "zip": "10001"}) == []  # else's too
    assert verdict(spec, "Shipping", {"country": "NL"}) == [("missing-field", "/postcode")]
    assert verdict(spec, "Shipping", {"country": "NL", "postcode": "nope"}) == [("out-of-range", "/postcode")]
    assert verdict(spec, "Shipping", {"country": "US", "surprise": 1}) == [("undocumented-field", "/surprise")]
    assert verdict(spec, "Shipping", {"country": "NL", "postcode": "1234AB", "zip": "x"}) == [
        ("undocumented-field", "/zip")]  # zip belongs to the branch not taken


def test_an_allof_composition_is_closed_as_a_whole(write_spec: Callable[..., Path]) -> None:
    spec = spec_with(write_spec, "3.0.3", """
    Base: {type: object, required: [id], properties: {id: {type: integer}}}
    Item:
      allOf:
        - $ref: "#/components/schemas/Base"
        - {type: object, properties: {name: {type: string}}}
    """)
    assert verdict(spec, "Item", {"id": 1, "name": "x"}) == []
    assert verdict(spec, "Item", {"id": 1, "name": "x", "extra": True}) == [("undocumented-field", "/extra")]
    assert verdict(spec, "Base", {"id": 1, "name": "x"}) == [("undocumented-field", "/name")]  # alone, closed
    assert verdict(spec, "Item", {"id": 1, "extra": True}, closed=False) == []


DISCRIMINATED = """
Pet:
  oneOf:
    - $ref: "#/components/schemas/Cat"
    - $ref: "#/components/schemas/Dog"
  discriminator:
    propertyName: kind
    mapping: {cat: Cat, dog: "#/components/schemas/Dog"}
Cat: {type: object, required: [kind], properties: {kind: {type: string}, lives: {type: integer}}}
Dog: {type: object, required: [kind], properties: {kind: {type: string}, lives: {type: integer}, bark: {type: boolean}}}
"""


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_a_discriminator_picks_the_branch(write_spec: Callable[..., Path], version: str) -> None:
    spec = spec_with(write_spec, version, DISCRIMINATED)
    assert verdict(spec, "Pet", {"kind": "cat", "lives": 9}) == []  # matches Cat and Dog: oneOf alone would fail
    assert verdict(spec, "Pet", {"kind": "dog", "bark": True}) == []
    assert verdict(spec, "Pet", {"kind": "cat", "bark": True}) == [("undocumented-field", "/bark")]
    assert verdict(spec, "Pet", {"kind": "cow"}) == [("enum-mismatch", "/kind")]
    assert verdict(spec, "Pet", {"lives": 1}) == [("missing-field", "/kind")]


def test_an_inheritance_discriminator_dispatches_to_subtypes(write_spec: Callable[..., Path]) -> None:
    spec = spec_with(write_spec, "3.0.3", """
    Animal:
      type: object
      required: [type]
      properties: {type: {type: string}}
      discriminator: {propertyName: type}
    Bird:
      allOf:
        - $ref: "#/components/schemas/Animal"
        - {type: object, required: [wings], properties: {wings: {type: integer}}}
    """)
    assert verdict(spec, "Animal", {"type": "Bird", "wings": 2}) == []
    assert verdict(spec, "Animal", {"type": "Bird"}) == [("missing-field", "/wings")]
    assert verdict(spec, "Bird", {"type": "Bird", "wings": 2}) == []
