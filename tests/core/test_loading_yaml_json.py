"""Loading YAML and JSON as the JSON document they denote, with a line for every pointer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest

from contracts.cli import run
from contracts.core.audit import audit
from contracts.core.errors import SpecError
from contracts.core.spec import load_spec
from contracts.core.yamlsource import load_file, load_text

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"

UNQUOTED_CODES = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      summary: Get A
      responses:
        200:
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  day: {type: string, format: date}
                  at: {type: string, format: date-time}
                  code: {type: string}
                  1: {type: string}
              example: {day: 2024-01-31, at: 2024-01-31T10:30:00Z, code: 10:30, 1: one}
        404:
          description: not found
"""


def test_mapping_keys_are_strings_everywhere(write_spec: Callable[..., Path]) -> None:
    spec = load_spec(write_spec(UNQUOTED_CODES))
    op = spec.operations[0]
    assert sorted(op.responses) == ["200", "404"]
    schema = spec.data["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "1" in schema["properties"] and 1 not in schema["properties"]
    assert spec.line_of("/paths/~1a/get/responses/404") == 21


def test_unquoted_codes_lint_and_audit_without_internal_error(write_spec: Callable[..., Path],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    path = write_spec(UNQUOTED_CODES)
    assert run(["lint", str(path)]) == 0
    assert run(["audit", str(path)]) == 0
    assert "internal error" not in capsys.readouterr().err


def test_timestamps_stay_strings_as_in_json(write_spec: Callable[..., Path]) -> None:
    spec = load_spec(write_spec(UNQUOTED_CODES))
    example = spec.operations[0].responses["200"].content["application/json"].examples[0].value
    assert example == {"day": "2024-01-31", "at": "2024-01-31T10:30:00Z", "code": "10:30", "1": "one"}
    # the same sample, read by the audit, is no wrong-type finding
    assert [f for f in audit([spec]).findings if f.kind == "wrong-type"] == []


@pytest.mark.parametrize("text, value", [
    ("v: 2024-01-31", "2024-01-31"),
    ("v: 2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
    ("v: 1:30", "1:30"),  # YAML 1.1 read this as 90 (base 60)
    ("v: yes", "yes"),  # YAML 1.1 read these as booleans
    ("v: off", "off"),
    ("v: 1_000", "1_000"),
    ("v: 0o17", 15),
    ("v: 0x1F", 31),
    ("v: 007", 7),
    ("v: 1e3", 1000.0),
    ("v: -2.5", -2.5),
    ("v: true", True),
    ("v: ~", None),
    ("v: null", None),
    ("v: '2024-01-31'", "2024-01-31"),
    ("v: !!str 12", "12"),
    ("v: !!int '12'", 12),
])
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text: str, value: object) -> None:
    data, _ = load_text(text, "f.yaml")
    assert data == {"v": value} and type(data["v"]) is type(value)


@pytest.mark.parametrize("text, key", [
    ("200: a", "200"), ("true: a", "true"), ("~: a", "~"), ("1.50: a", "1.50"), ("2024-01-31: a", "2024-01-31"),
])
def test_a_key_is_its_text(text: str, key: str) -> None:
    assert load_text(text, "f.yaml")[0] == {key: "a"}


@pytest.mark.parametrize("text, line, message", [
    ("a: 1\nb: !!binary aGVsbG8=\n", 2, "the YAML tag !!binary has no JSON form"),
    ("a: !!set {x, y}\n", 1, "the YAML tag !!set has no JSON form"),
    ("a:\n  b: !!timestamp 2024-01-01\n", 2, "the YAML tag !!timestamp has no JSON form"),
    ("a: !!omap [{x: 1}]\n", 1, "the YAML tag !!omap has no JSON form"),
    ("a: !Ref thing\n", 1, "the YAML tag !Ref has no JSON form"),
    ("a: !!python/object:os.system {}\n", 1, "has no JSON form"),
    ("a: 1\nb: .inf\n", 2, ".inf has no JSON form"),
    ("a: .nan\n", 1, ".nan has no JSON form"),
    ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first at line 1)"),
    ("200: a\n'200': b\n", 2, "duplicate key '200'"),
    ("? [a, b]\n: 1\n", 1, "a mapping key must be a string, not a sequence"),
    ("a:\n  b: &x\n    - *x\n", 2, "JSON cannot hold a cycle"),
])
def test_what_json_cannot_hold_is_refused_with_its_line(text: str, line: int, message: str) -> None:
    with pytest.raises(SpecError) as err:
        load_text(text, "f.yaml")
    assert err.value.line == line and err.value.file == "f.yaml"
    assert message in err.value.message
    assert "\n" not in str(err.value)


def test_merge_keys_apply_and_own_keys_win() -> None:
    data, source = load_text("base: &b {type: string, maxLength: 3}\nx:\n  <<: *b\n  maxLength: 5\n", "f.yaml")
    assert data["x"] == {"type": "string", "maxLength": 5}
    assert source.lines["/x/maxLength"] == 4 and source.lines["/x/type"] == 1


def test_aliases_are_copies_not_shared_objects() -> None:
    data, _ = load_text("a: &x {k: 1}\nb: *x\n", "f.yaml")
    data["a"]["k"] = 2
    assert data["b"] == {"k": 1}


def test_an_alias_bomb_is_refused() -> None:
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    rows += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    with pytest.raises(SpecError, match="aliases expand"):
        load_text("\n".join(rows) + "\n", "f.yaml")


# -- JSON --------------------------------------------------------------------

EMOJI_SPEC = {
    "openapi": "3.0.3",
    "info": {"title": "t \U0001F600", "version": "1"},
    "paths": {"/a": {"get": {"operationId": "getA", "summary": "Get A", "responses": {"200": {
        "description": "OK", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"s": {"type": "string", "maxLength": 2}}},
            "example": {"s": "\U0001F600\u2028"}}}}}}}},
}


def test_json_with_surrogate_pair_escapes_loads_exactly(tmp_path: Path) -> None:
    text = json.dumps(EMOJI_SPEC, indent=2)  # ensure_ascii: the emoji is written as "\ud83d\ude00"
    assert "\\ud83d\\ude00" in text
    for name in ("spec.json", "spec.yaml"):  # JSON text in a .yaml file too
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        spec = load_spec(path)
        assert spec.data == EMOJI_SPEC
        example = spec.operations[0].responses["200"].content["application/json"].examples[0]
        assert example.value == {"s": "\U0001F600\u2028"}
        rows = text.splitlines()
        assert rows[spec.line_of(example.pointer) - 1].strip().startswith('"example"')
        assert rows[spec.line_of("/paths/~1a/get/operationId") - 1].strip() == '"operationId": "getA",'


def test_json_lines_match_the_text_on_a_real_document() -> None:
    path = CORPUS / "readme31-train-travel.json"
    data, source = load_file(path)
    rows = path.read_text(encoding="utf-8").splitlines()
    assert data == json.loads(path.read_text(encoding="utf-8"))
    assert rows[source.lines["/paths/~1trips/get/operationId"] - 1].strip() == '"operationId": "get-trips",'
    # each member's line holds its key
    for pointer in ("/info/title", "/components/schemas/Station/properties/id", "/tags/0/name"):
        key = pointer.rsplit("/", 1)[-1]
        assert f'"{key}"' in rows[source.lines[pointer] - 1]


def test_json_raw_line_separators_and_tabs_keep_lines() -> None:
    text = '{\n\t"a": "x\u2028y\u0085z",\n\t"b": [1,\n\t\t2]\n}'
    data, source = load_text(text, "f.json")
    assert data == {"a": "x\u2028y\u0085z", "b": [1, 2]}
    assert (source.lines["/a"], source.lines["/b"], source.lines["/b/1"], source.ends[""]) == (2, 3, 4, 5)


@pytest.mark.parametrize("text, line, message", [
    ('{\n  "a": 1,\n  "b": \n}', 4, "malformed JSON: Expecting value"),
    ('{\n  "a": 1\n  "b": 2\n}', 3, "malformed JSON: Expecting ',' delimiter"),
    ('{"a": 1,\n "a": 2}', 2, "duplicate key 'a' (first at line 1)"),
    ('{"a":\n NaN}', 2, "NaN has no JSON form"),
    ('{"a":\n 1e999}', 2, "1e999 has no JSON form"),
])
def test_json_errors_are_one_line_with_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(SpecError) as err:
        load_text(text, "spec.json")
    assert (err.value.file, err.value.line) == ("spec.json", line)
    assert message in err.value.message and "\n" not in str(err.value)


def test_a_yaml_flow_mapping_that_is_not_json_is_still_yaml() -> None:
    assert load_text("{openapi: 3.0.3, info: {title: t}}", "spec.yaml")[0] == {
        "openapi": "3.0.3", "info": {"title": "t"}}


def test_a_byte_order_mark_is_not_an_error() -> None:
    assert load_text('\ufeff{"a": 1}', "spec.json")[0] == {"a": 1}
    assert load_text("\ufeffa: 1\n", "spec.yaml")[0] == {"a": 1}
