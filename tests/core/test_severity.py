"""The one severity rule: stated -> error, implied -> warning, silent -> info, read from the spec's marks."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from contracts.core.finding import Kind, Severity
from contracts.core.severity import Basis, Grounds, decide, gap, media_grounds, reweigh, schema_grounds
from contracts.core.spec import Spec, load_spec
from contracts.core.finding import Finding

SPEC = """
openapi: 3.0.3
info: {title: marks, version: "1"}
paths:
  /things:
    post:
      operationId: create
      parameters:
        - name: kind
          in: query
          x-docs-gap: the values come from another table
          schema: {type: string, enum: [a, b]}
      requestBody:
        content:
          application/json:
            x-docs-gap: {covers: [content-type], note: no page names a Content-Type}
            schema: {$ref: "#/components/schemas/Thing"}
      responses:
        "200": {description: ok}
components:
  schemas:
    Thing:
      type: object
      required: [name]
      properties:
        name: {type: string}
        color: {type: string, enum: [red, blue]}
        hinted: {type: string, enum: [x, y], x-docs-gap: values only hinted}
        listed:
          type: object
          x-docs-gap: {covers: [members, required], note: the member list is cut off}
          required: [alpha]
          properties: {alpha: {type: string}}
        modelled:
          type: object
          x-undocumented: {severity: info, reason: modelled from the sample}
          properties:
            inner:
              type: object
              properties: {deep: {type: integer}}
            table: {$ref: "#/components/schemas/Table"}
    Table:
      type: object
      properties: {size: {type: integer}}
"""


@pytest.fixture
def spec(write_spec: Callable[..., Path]) -> Spec:
    return load_spec(write_spec(SPEC))


def body(spec: Spec, kind: str, location: str) -> Grounds:
    schema = {"$ref": "#/components/schemas/Thing"}
    return schema_grounds(spec, schema, kind, location, "/body")


def test_the_rule_and_strict() -> None:
    assert [decide(b) for b in Basis] == [Severity.ERROR, Severity.WARNING, Severity.INFO]
    assert [decide(b, strict=True) for b in Basis] == [Severity.ERROR, Severity.ERROR, Severity.WARNING]


def test_a_documented_constraint_is_stated(spec: Spec) -> None:
    assert body(spec, Kind.ENUM_MISMATCH, "/body/color").basis is Basis.STATED
    assert body(spec, Kind.WRONG_TYPE, "/body/name").basis is Basis.STATED


def test_an_enum_only_hinted_at_is_silent_but_its_type_is_not(spec: Spec) -> None:
    hinted = body(spec, Kind.ENUM_MISMATCH, "/body/hinted")
    assert hinted.basis is Basis.SILENT and "values only hinted" in hinted.why
    assert body(spec, Kind.WRONG_TYPE, "/body/hinted").basis is Basis.STATED


def test_a_gap_covers_only_what_it_names(spec: Spec) -> None:
    assert body(spec, Kind.UNDOCUMENTED_FIELD, "/body/listed/beta").basis is Basis.SILENT
    assert body(spec, Kind.MISSING_FIELD, "/body/listed/alpha").basis is Basis.SILENT
    assert body(spec, Kind.WRONG_TYPE, "/body/listed/alpha").basis is Basis.STATED
    assert gap("plain text") == (frozenset({Kind.ENUM_MISMATCH}), "plain text")


def test_a_modelled_structure_covers_its_inline_subtree_not_its_refs(spec: Spec) -> None:
    assert body(spec, Kind.WRONG_TYPE, "/body/modelled").basis is Basis.SILENT
    deep = body(spec, Kind.WRONG_TYPE, "/body/modelled/inner/deep")
    assert deep.basis is Basis.SILENT and "modelled from the sample" in deep.why
    assert body(spec, Kind.WRONG_TYPE, "/body/modelled/table/size").basis is Basis.STATED  # a table of its own


def test_null_rests_on_silence_unless_the_field_is_mandatory(spec: Spec) -> None:
    assert body(spec, Kind.UNEXPECTED_NULL, "/body/color").basis is Basis.SILENT
    assert body(spec, Kind.UNEXPECTED_NULL, "/body/name").basis is Basis.IMPLIED


def test_undocumented_fields_are_implied(spec: Spec) -> None:
    assert body(spec, Kind.UNDOCUMENTED_FIELD, "/body/surprise").basis is Basis.IMPLIED


def test_a_parameter_gap_and_a_media_type_gap(spec: Spec) -> None:
    from contracts.core.severity import operation_param_grounds

    op = spec.operations[0]
    assert operation_param_grounds(op, Kind.ENUM_MISMATCH, "/query/kind").basis is Basis.SILENT
    assert operation_param_grounds(op, Kind.WRONG_TYPE, "/query/kind").basis is Basis.STATED
    assert op.request_body is not None
    assert media_grounds(op.request_body.content.values()).basis is Basis.SILENT
    assert media_grounds([], default=Basis.STATED).basis is Basis.STATED


def test_reweigh_goes_through_the_rule() -> None:
    f = Finding("op", Kind.UNDOCUMENTED_FIELD, Severity.WARNING, "/body/x", "field 'x' is not documented",
                basis="implied")
    echoed = reweigh(f, Grounds(Basis.SILENT, "an echo of what the checker itself sent"))
    assert (echoed.severity, echoed.basis) == (Severity.INFO, "silent")
    assert echoed.message.endswith("(an echo of what the checker itself sent)")
    assert reweigh(f, Grounds(Basis.SILENT), strict=True).severity is Severity.WARNING
