"""Every diff rule, table-driven on small edits of one inline spec (``diff_specs.BASE``).

Each row edits the old and/or the new side and states the complete set of
(rule, impact) the diff must report, so a row fails on a miss and on any extra
change alike. A last test makes sure every registered rule has a row.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from contracts.core.diff import RULES
from contracts.core.diffmodel import Impact

from .diff_specs import GET, NEW, POST, THING, Edit, at, diff_edits, drop, each, put

B, G, H = Impact.BREAKING, Impact.GENERATED, Impact.HARMLESS
SCHEMAS = "/components/schemas"
OK_200 = f"{GET}/responses/200"
CREATED = f"{POST}/responses/201"


def append(pointer: str, value: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        at(doc, pointer).append(value)
    return edit


def rename_path(old: str, new: str) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        doc["paths"] = {new if k == old else k: v for k, v in doc["paths"].items()}
    return edit


def param(name: str, location: str = "query", required: bool = False, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": location, "required": required, "schema": schema or {"type": "string"}}


ERR_E1 = {"e1": {"value": {"error_code": "E1", "message": "one"}}}
ERR_E2 = {"e2": {"value": {"error_code": "E2", "message": "two"}}}
THROTTLED = {"description": "Too many requests", "x-throttling": {"limit": "100/60s"}}


ROWS: list[tuple[str, Edit | None, Edit | None, set[tuple[str, Impact]]]] = [
    # the document
    ("operation removed", None, drop("/paths/~1things"), {("operation-removed", B)}),
    ("operation added", drop("/paths/~1things"), None, {("operation-added", H)}),
    ("server moved", put("/servers", [{"url": "https://a.invalid/v1"}]),
     put("/servers", [{"url": "https://a.invalid/v2/"}]), {("server-removed", B), ("server-added", H)}),
    ("server added", put("/servers", [{"url": "https://a.invalid/v1"}]),
     put("/servers", [{"url": "https://a.invalid/v1/"}, {"url": "https://b.invalid/v1"}]), {("server-added", H)}),
    # the operation
    ("operationId renamed", None, put(f"{GET}/operationId", "fetchThing"), {("operation-id-changed", G)}),
    ("path parameter renamed", None,
     each(rename_path("/things/{id}", "/things/{thingId}"), put("/paths/~1things~1{thingId}/get/parameters/0/name",
                                                               "thingId")),
     {("path-parameter-renamed", G)}),
    # parameters
    ("header parameter removed", None, drop(f"{GET}/parameters/4"), {("parameter-removed", B)}),
    ("optional parameter added", None, append(f"{GET}/parameters", param("q")), {("parameter-added", H)}),
    ("mandatory parameter added", None, append(f"{GET}/parameters", param("q", required=True)),
     {("required-parameter-added", B)}),
    ("parameter becomes mandatory", None, put(f"{GET}/parameters/2/required", True),
     {("parameter-became-required", B)}),
    ("parameter becomes optional", None, put(f"{GET}/parameters/3/required", False),
     {("parameter-became-optional", H)}),
    ("parameter serialization changed", None, each(put(f"{GET}/parameters/2/style", "form"),
                                                   put(f"{GET}/parameters/2/explode", False)),
     {("parameter-serialization-changed", B)}),
    # request bodies
    ("request body removed", None, drop(f"{POST}/requestBody"), {("request-body-removed", B)}),
    ("optional request body added", drop(f"{POST}/requestBody"), put(f"{POST}/requestBody/required", False),
     {("request-body-added", H)}),
    ("mandatory request body added", drop(f"{POST}/requestBody"), None, {("request-body-became-required", B)}),
    ("request body becomes mandatory", put(f"{POST}/requestBody/required", False), None,
     {("request-body-became-required", B)}),
    ("request body becomes optional", None, put(f"{POST}/requestBody/required", False),
     {("request-body-became-optional", H)}),
    ("request media type removed",
     put(f"{POST}/requestBody/content/application~1xml", {"schema": {"type": "string"}}), None,
     {("request-media-type-removed", B)}),
    ("request media type added", None,
     put(f"{POST}/requestBody/content/application~1xml", {"schema": {"type": "string"}}),
     {("request-media-type-added", H)}),
    # responses
    ("error response removed", None, drop(f"{GET}/responses/404"), {("response-removed", B)}),
    ("error response added", None, put(f"{GET}/responses/400", {"description": "Bad"}), {("response-added", H)}),
    ("success status added", None, put(f"{GET}/responses/202", {"description": "Accepted"}),
     {("response-added", B)}),
    ("response media type removed", put(f"{OK_200}/content/text~1plain", {"schema": {"type": "string"}}), None,
     {("response-media-type-removed", B)}),
    ("response media type added", None, put(f"{OK_200}/content/text~1plain", {"schema": {"type": "string"}}),
     {("response-media-type-added", H)}),
    ("response header removed", None, drop(f"{OK_200}/headers/X-Rate"), {("response-header-removed", B)}),
    ("response header added", None, put(f"{OK_200}/headers/X-Next", {"schema": {"type": "string"}}),
     {("response-header-added", H)}),
    ("response header becomes optional", None, put(f"{OK_200}/headers/X-Rate/required", False),
     {("response-header-became-optional", B)}),
    ("response header type widened", None, put(f"{OK_200}/headers/X-Rate/schema/type", "string"),
     {("type-changed", B)}),
    # security
    ("another scheme required", None, put(f"{GET}/security", [{"Basic": []}]), {("security-added", B)}),
    ("security where there was none", put(f"{GET}/security", []), None, {("security-added", B)}),
    ("both schemes required", None, put(f"{GET}/security", [{"Token": [], "Basic": []}]),
     {("security-added", B)}),
    ("an alternative scheme", None, put(f"{GET}/security", [{"Token": []}, {"Basic": []}]),
     {("security-relaxed", H)}),
    ("security dropped", None, put(f"{GET}/security", []), {("security-relaxed", H)}),
    ("security where there was none, for every operation", drop("/security"), None, {("security-added", B)}),
    ("scheme moved to another header", None, put("/components/securitySchemes/Token/name", "X-Key"),
     {("security-scheme-changed", B)}),
    # vendor extensions
    ("paging parameter changed", None, put(f"{GET}/x-pagination/limit", "size"), {("pagination-changed", B)}),
    ("paging rule removed", None, drop(f"{GET}/x-pagination"), {("pagination-changed", B)}),
    ("paging rule added", drop(f"{GET}/x-pagination"), None, {("pagination-changed", H)}),
    ("round trip changed", None, put(f"{CREATED}/links/Read/x-round-trip/stored", "$response.body#/data"),
     {("round-trip-changed", B)}),
    ("round trip removed", None, drop(f"{CREATED}/links/Read/x-round-trip"), {("round-trip-changed", B)}),
    ("round trip added", drop(f"{CREATED}/links/Read/x-round-trip"), None, {("round-trip-changed", H)}),
    ("error envelope rule changed", None, put(f"{CREATED}/x-error-envelope/when", {"pointer": "/code",
                                                                                  "not-in": [0, 1]}),
     {("error-envelope-changed", B)}),
    ("error envelope rule removed", None, drop(f"{CREATED}/x-error-envelope"),
     # without the rule, the 200 schema's error branch is a variant of the success body
     {("error-envelope-changed", B), ("variant-added", B)}),
    ("error envelope schema changed", None, put(f"{SCHEMAS}/Envelope/properties/code/type", "string"),
     {("type-changed", B)}),
    # types
    ("input type narrowed", None, put(f"{NEW}/size/type", "integer"), {("type-changed", B)}),
    ("input type widened", put(f"{NEW}/size/type", "integer"), None, {("type-changed", H)}),
    ("output type widened", None, put(f"{THING}/count/type", "number"), {("type-changed", B)}),
    ("output type narrowed", put(f"{THING}/count/type", "number"), None, {("type-changed", H)}),
    ("output becomes nullable", None, put(f"{THING}/name/nullable", True), {("type-changed", B)}),
    ("input becomes nullable", None, put(f"{NEW}/note/nullable", True), {("type-changed", H)}),
    # ranges
    ("input maximum lowered", None, put(f"{GET}/parameters/1/schema/maximum", 20), {("range-changed", B)}),
    ("input maximum raised", None, put(f"{GET}/parameters/1/schema/maximum", 100), {("range-changed", H)}),
    ("input bound made exclusive", None, put(f"{GET}/parameters/1/schema/exclusiveMaximum", True),
     {("range-changed", B)}),
    ("output minimum lowered", None, put(f"{THING}/count/minimum", -1), {("range-changed", B)}),
    ("output minimum dropped", None, drop(f"{THING}/count/minimum"), {("range-changed", B)}),
    ("input multipleOf added", None, put(f"{NEW}/size/multipleOf", 0.5), {("range-changed", B)}),
    ("input multipleOf relaxed", put(f"{NEW}/size/multipleOf", 1), put(f"{NEW}/size/multipleOf", 0.5),
     {("range-changed", H)}),
    ("input multipleOf tightened", put(f"{NEW}/size/multipleOf", 0.5), put(f"{NEW}/size/multipleOf", 1),
     {("range-changed", B)}),
    ("input multipleOf same steps, other spelling", put(f"{NEW}/size/multipleOf", 2), put(f"{NEW}/size/multipleOf", 2.0),
     set()),
    # lengths
    ("input maxLength lowered", None, put(f"{NEW}/name/maxLength", 10), {("length-changed", B)}),
    ("output maxLength raised", None, put(f"{THING}/name/maxLength", 30), {("length-changed", B)}),
    ("output maxLength lowered", None, put(f"{THING}/name/maxLength", 10), {("length-changed", H)}),
    ("input array gets minItems", None, put(f"{NEW}/tags", {"type": "array", "items": {"type": "string"},
                                                               "minItems": 1}),
     {("property-added", H)}),
    ("output items made unique", None, put(f"{THING}/tags/uniqueItems", True), {("length-changed", H)}),
    ("input items made unique", put(f"{NEW}/tags", {"type": "array", "items": {"type": "string"}}),
     put(f"{NEW}/tags", {"type": "array", "items": {"type": "string"}, "uniqueItems": True}),
     {("length-changed", B)}),
    # patterns and formats
    ("output pattern dropped", None, drop(f"{THING}/name/pattern"), {("pattern-changed", B)}),
    ("input pattern added", None, put(f"{NEW}/name/pattern", "^[a-z]+$"), {("pattern-changed", B)}),
    ("input pattern dropped", put(f"{NEW}/name/pattern", "^[a-z]+$"), None, {("pattern-changed", H)}),
    ("output format int32 → int64", None, put(f"{THING}/count/format", "int64"), {("format-changed", B)}),
    ("output format int64 → int32", put(f"{THING}/count/format", "int64"), None, {("format-changed", H)}),
    ("input format added", None, put(f"{NEW}/note/format", "date-time"), {("format-changed", B)}),
    # enums and error codes
    ("input enum value removed", None, put(f"{GET}/parameters/2/schema/enum", ["A"]), {("enum-value-removed", B)}),
    ("output enum value removed", None, put(f"{THING}/status/enum", ["NEW"]), {("enum-value-removed", H)}),
    ("output enum value added", None, put(f"{THING}/status/enum", ["NEW", "DONE", "LOST"]),
     {("enum-value-added", B)}),
    ("input enum value added", None, put(f"{NEW}/status/enum", ["NEW", "DONE", "LOST"]), {("enum-value-added", H)}),
    ("input enum introduced", None, put(f"{NEW}/note/enum", ["x", "y"]), {("enum-changed", B)}),
    ("output enum dropped", None, drop(f"{THING}/status/enum"), {("enum-changed", B)}),
    ("error code added", None, put(f"{SCHEMAS}/Error/properties/error_code/enum", ["E1", "E2", "E3"]),
     {("error-code-changed", B)}),
    ("error code removed", None, put(f"{SCHEMAS}/Error/properties/error_code/enum", ["E1"]),
     {("error-code-changed", B)}),
    ("documented error code added", put(f"{GET}/responses/404/content/application~1json/examples", ERR_E1),
     put(f"{GET}/responses/404/content/application~1json/examples", {**ERR_E1, **ERR_E2}),
     {("error-code-changed", B), ("example-changed", H)}),
    ("documented error code removed", put(f"{GET}/responses/404/content/application~1json/examples",
                                          {**ERR_E1, **ERR_E2}),
     put(f"{GET}/responses/404/content/application~1json/examples", ERR_E1),
     {("error-code-changed", B), ("example-changed", H)}),
    ("illustrative error codes (x-docs-gap) changed",
     each(put(f"{SCHEMAS}/Error/x-docs-gap", "the codes are on another page"),
          put(f"{GET}/responses/404/content/application~1json/examples", ERR_E1)),
     each(put(f"{SCHEMAS}/Error/x-docs-gap", "the codes are on another page"),
          put(f"{GET}/responses/404/content/application~1json/examples", ERR_E2)),
     {("example-changed", H)}),
    ("error code of an HTTP-200 envelope example changed",
     put(f"{CREATED}/content/application~1json/examples", {"ok": {"value": {"code": 0, "id": "1"}},
                                                           "busy": {"value": {"code": 5, "msg": "busy"}}}),
     put(f"{CREATED}/content/application~1json/examples", {"ok": {"value": {"code": 0, "id": "2"}},
                                                           "busy": {"value": {"code": 6, "msg": "busy"}}}),
     {("error-code-changed", B), ("example-changed", H)}),
    ("throttling limit lowered", put(f"{GET}/responses/429", THROTTLED),
     put(f"{GET}/responses/429", {**THROTTLED, "x-throttling": {"limit": "50/60s"}}), {("throttling-changed", B)}),
    ("throttling limit raised", put(f"{GET}/responses/429", THROTTLED),
     put(f"{GET}/responses/429", {**THROTTLED, "x-throttling": {"limit": "5/s"}}), {("throttling-changed", H)}),
    ("throttling limit in other units", put(f"{GET}/responses/429", THROTTLED),
     put(f"{GET}/responses/429", {**THROTTLED, "x-throttling": {"limit": "100/1min"}}), set()),
    ("throttling rule narrowed to a code", put(f"{GET}/responses/429", THROTTLED),
     put(f"{GET}/responses/429", {**THROTTLED, "x-throttling": {"limit": "100/60s", "when": {
         "pointer": "/error_code", "in": ["E9"]}}}), {("throttling-changed", B)}),
    # objects
    ("output property removed", None, drop(f"{THING}/tags"), {("property-removed", B)}),
    ("input property removed", None, drop(f"{NEW}/note"), {("property-removed", B)}),
    ("readOnly property removed from input", None, drop(f"{NEW}/id"), {("property-removed", H)}),
    ("optional input property added", None, put(f"{NEW}/colour", {"type": "string"}), {("property-added", H)}),
    ("optional output property added", None, put(f"{THING}/colour", {"type": "string"}), {("property-added", H)}),
    ("mandatory input property added", None,
     each(put(f"{NEW}/colour", {"type": "string"}), append(f"{SCHEMAS}/NewThing/required", "colour")),
     {("required-property-added", B)}),
    ("mandatory output property added", None,
     each(put(f"{THING}/colour", {"type": "string"}), append(f"{SCHEMAS}/Thing/required", "colour")),
     {("required-property-added", H)}),
    ("input property becomes mandatory", None, append(f"{SCHEMAS}/NewThing/required", "note"),
     {("property-became-required", B)}),
    ("output property becomes mandatory", None, append(f"{SCHEMAS}/Thing/required", "status"),
     {("property-became-required", H)}),
    ("output property becomes optional", None, drop(f"{SCHEMAS}/Thing/required"),
     {("property-became-optional", B)}),
    ("input property becomes optional", None, drop(f"{SCHEMAS}/NewThing/required"),
     {("property-became-optional", H)}),
    ("input closed to other properties", None, put(f"{SCHEMAS}/NewThing/additionalProperties", False),
     {("additional-properties-changed", B)}),
    ("output opened", put(f"{SCHEMAS}/Thing/additionalProperties", False), None,
     {("additional-properties-changed", B)}),
    ("discriminator property renamed", None, put(f"{SCHEMAS}/Shape/discriminator/propertyName", "type"),
     {("discriminator-changed", B)}),
    ("input field made readOnly", None, put(f"{NEW}/note/readOnly", True), {("access-changed", B)}),
    ("output field made writeOnly", None, put(f"{THING}/status/writeOnly", True), {("access-changed", B)}),
    ("input field made writeOnly", None, put(f"{NEW}/note/writeOnly", True), {("access-changed", H)}),
    ("input default changed", None, put(f"{GET}/parameters/1/schema/default", 20), {("default-changed", B)}),
    ("input default dropped", None, drop(f"{GET}/parameters/1/schema/default"), {("default-changed", B)}),
    ("input default documented", drop(f"{GET}/parameters/1/schema/default"), None, {("default-changed", H)}),
    # compositions
    ("output variant added", None,
     each(put(f"{SCHEMAS}/Triangle", {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}),
          append(f"{SCHEMAS}/Shape/oneOf", {"$ref": "#/components/schemas/Triangle"})),
     {("variant-added", B)}),
    ("output variant removed", None, drop(f"{SCHEMAS}/Shape/oneOf/1"), {("variant-removed", H)}),
    ("input variant removed", None, drop(f"{NEW}/value/oneOf/1"), {("variant-removed", B)}),
    ("input variant added", None, append(f"{NEW}/value/oneOf", {"type": "boolean"}), {("variant-added", H)}),
    # documentation
    ("descriptions changed", None,
     each(put("/info/description", "Other things."), put(f"{GET}/summary", "Read a thing"),
          put(f"{SCHEMAS}/Thing/description", "Something."), put(f"{GET}/parameters/0/description", "Its id.")),
     {("description-changed", H)}),
    ("docs-gap mark added", None, put(f"{THING}/status/x-docs-gap", "the docs only hint at the values"),
     {("description-changed", H)}),
    ("examples changed", None, each(put(f"{OK_200}/content/application~1json/example", {"name": "b"}),
                                    put(f"{THING}/name/example", "abc")),
     {("example-changed", H)}),
    ("request samples added", None, put(f"{GET}/x-request-samples", [{"method": "GET", "url": "/things/1"}]),
     {("example-changed", H)}),
    ("operation deprecated", None, put(f"{GET}/deprecated", True), {("deprecation-changed", H)}),
    ("field deprecated", None, put(f"{THING}/count/deprecated", True), {("deprecation-changed", H)}),
]


def found(result: Any) -> set[tuple[str, Impact]]:
    return {(c.rule, c.impact) for c in result.changes}


@pytest.mark.parametrize("old_edit, new_edit, expected", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_rule(tmp_path: Path, old_edit: Edit | None, new_edit: Edit | None,
              expected: set[tuple[str, Impact]]) -> None:
    result = diff_edits(tmp_path, old_edit, new_edit)
    assert found(result) == expected, [c.to_dict() for c in result.changes]
    for change in result.changes:
        assert change.reason and change.message
        assert change.old is not None or change.new is not None
    assert result.fails() is any(i is B for _, i in expected)


def test_every_rule_has_a_row() -> None:
    covered = {rule for _, _, _, expected in ROWS for rule, _ in expected}
    assert covered == set(RULES)


def test_no_edit_no_change(tmp_path: Path) -> None:
    result = diff_edits(tmp_path, None, None)
    assert result.changes == [] and not result.fails()


def test_a_reworded_description_shows_where_it_differs(tmp_path: Path) -> None:
    text = "A thing, with a long description that goes on and on before it says what changed: old."
    result = diff_edits(tmp_path, put(f"{SCHEMAS}/Thing/description", text),
                        put(f"{SCHEMAS}/Thing/description", text.replace("old.", "new.")))
    [change] = result.changes
    assert "old." in change.message and "new." in change.message and "…" in change.message


def test_the_readme_lists_every_rule() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## `contracts diff`", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z]+(?:-[a-z]+)*)` \|", section, re.M))
    assert listed == set(RULES)
