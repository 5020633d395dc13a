"""False positives are defects: rewrites that mean the same to clients are no change at all.

Each row rewrites the new side of ``diff_specs.BASE`` without changing what a
client may send or receive, and the diff must be empty. The shipped specs are
diffed against themselves and against a re-serialisation of themselves
(JSON, keys sorted, every line moved).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.core.diff import diff_specs
from contracts.core.spec import load_spec

from .diff_specs import GET, NEW, POST, THING, Edit, at, base, diff_docs, diff_edits, each, put, write

SCHEMAS = "/components/schemas"
ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "specs").glob("*.yaml"))


def reverse(pointer: str) -> Edit:
    """Reverse a mapping's or a list's order."""
    def edit(doc: dict[str, Any]) -> None:
        parent, _, key = pointer.rpartition("/")
        holder = at(doc, parent) if parent else doc
        name = key.replace("~1", "/").replace("~0", "~")
        value = holder[name]
        holder[name] = dict(reversed(list(value.items()))) if isinstance(value, dict) else list(reversed(value))
    return edit


def move_behind_ref(pointer: str, name: str) -> Edit:
    """Move the schema at ``pointer`` into components/schemas/NAME and refer to it."""
    def edit(doc: dict[str, Any]) -> None:
        parent, _, key = pointer.rpartition("/")
        holder = at(doc, parent)
        key = int(key) if isinstance(holder, list) else key  # type: ignore[assignment]
        doc["components"]["schemas"][name] = holder[key]
        holder[key] = {"$ref": f"#/components/schemas/{name}"}
    return edit


def split_all_of(doc: dict[str, Any]) -> None:
    """Thing = allOf [Named (name, required), the rest]."""
    thing = doc["components"]["schemas"]["Thing"]
    name = thing["properties"].pop("name")
    doc["components"]["schemas"]["Named"] = {"type": "object", "required": ["name"], "properties": {"name": name}}
    del thing["required"]
    doc["components"]["schemas"]["Thing"] = {"allOf": [{"$ref": "#/components/schemas/Named"}, thing]}


def to_31(doc: dict[str, Any]) -> None:
    """OpenAPI 3.1 spellings of the same constraints."""
    doc["openapi"] = "3.1.0"
    doc["components"]["schemas"]["Thing"]["properties"]["name"] = {"type": ["string", "null"], "maxLength": 20,
                                                                   "pattern": "^[a-z]+$"}
    at(doc, f"{GET}/parameters/1/schema").update({"exclusiveMaximum": 51, "maximum": 51})


def from_30(doc: dict[str, Any]) -> None:
    """The old side of ``to_31``: nullable and a boolean exclusive bound."""
    at(doc, f"{THING}/name")["nullable"] = True
    at(doc, f"{GET}/parameters/1/schema").update({"maximum": 51, "exclusiveMaximum": True})


def path_level_parameter(doc: dict[str, Any]) -> None:
    item = doc["paths"]["/things/{id}"]
    item["parameters"] = [item["get"]["parameters"].pop(0)]


def component_refs(doc: dict[str, Any]) -> None:
    """A parameter, a response and a request body behind components refs."""
    get, post = at(doc, GET), at(doc, POST)
    comps = doc["components"]
    comps["parameters"] = {"Limit": get["parameters"][1]}
    get["parameters"][1] = {"$ref": "#/components/parameters/Limit"}
    comps["responses"] = {"NotFound": get["responses"]["404"]}
    get["responses"]["404"] = {"$ref": "#/components/responses/NotFound"}
    comps["requestBodies"] = {"NewThing": post["requestBody"]}
    post["requestBody"] = {"$ref": "#/components/requestBodies/NewThing"}


def security_per_operation(doc: dict[str, Any]) -> None:
    requirement = doc.pop("security")
    for pointer in (GET, POST):
        at(doc, pointer)["security"] = requirement


def success_or_error(doc: dict[str, Any]) -> None:
    """The 201 schema written as the success alone (the x-error-envelope rule tells the error apart)."""
    at(doc, f"{POST}/responses/201/content/application~1json")["schema"] = {"$ref": "#/components/schemas/Created"}


def lower_header(doc: dict[str, Any]) -> None:
    at(doc, f"{GET}/parameters/4")["name"] = "x-trace"


def charset(doc: dict[str, Any]) -> None:
    content = at(doc, f"{POST}/requestBody/content")
    content["application/json; charset=utf-8"] = content.pop("application/json")


def inline_branch(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    schemas["Shape"]["oneOf"][0] = schemas["Circle"]


EQUIVALENT: list[tuple[str, Edit | None, Edit]] = [
    ("inline schema moved behind a $ref", None, move_behind_ref(f"{NEW}/name", "Name")),
    ("response schema moved behind a chain of $refs", None,
     each(move_behind_ref(f"{THING}/status", "Status"), move_behind_ref(f"{SCHEMAS}/Status", "Status2"))),
    ("properties reordered", None, each(reverse(THING), reverse(NEW))),
    ("parameters reordered", None, reverse(f"{GET}/parameters")),
    ("paths and responses reordered", None, each(reverse("/paths"), reverse(f"{GET}/responses"))),
    ("enum values and required names reordered", None,
     each(reverse(f"{THING}/status/enum"), put(f"{SCHEMAS}/Envelope/required", ["code"]),
          reverse(f"{GET}/parameters/2/schema/enum"))),
    ("oneOf branches reordered", None, reverse(f"{SCHEMAS}/Shape/oneOf")),
    ("inline oneOf branches reordered", None, reverse(f"{NEW}/value/oneOf")),
    ("a referred branch inlined", None, inline_branch),
    ("an inline branch moved behind a $ref", None, move_behind_ref(f"{NEW}/value/oneOf/0", "Text")),
    ("properties split into allOf", None, split_all_of),
    ("OpenAPI 3.0 → 3.1 spellings", from_30, to_31),
    ("a parameter moved to the path item", None, path_level_parameter),
    ("parameter, response and body behind component refs", None, component_refs),
    ("top-level security repeated per operation", None, security_per_operation),
    ("success-or-error oneOf written as the success alone", None, success_or_error),
    ("a header parameter's name in other case", None, lower_header),
    ("a media type with its charset", None, charset),
    ("integer limit written as 1.0 and 50.0", None,
     each(put(f"{GET}/parameters/1/schema/minimum", 1.0), put(f"{GET}/parameters/1/schema/maximum", 50.0))),
]


@pytest.mark.parametrize("old_edit, new_edit", [r[1:] for r in EQUIVALENT], ids=[r[0] for r in EQUIVALENT])
def test_equivalent_rewrite_is_no_change(tmp_path: Path, old_edit: Edit | None, new_edit: Edit) -> None:
    result = diff_edits(tmp_path, old_edit, new_edit)
    assert result.changes == [], [c.to_dict() for c in result.changes]
    assert not result.fails()


def test_moved_into_another_file_is_no_change(tmp_path: Path) -> None:
    """Components in a file of their own, reached by relative $refs."""
    old = base()
    new = base()
    schemas = new["components"].pop("schemas")
    text = json.dumps(schemas).replace("#/components/schemas/", "#/")
    (tmp_path / "schemas.yaml").write_text(text, encoding="utf-8")
    new_text = yaml.safe_dump(new, sort_keys=False).replace("'#/components/schemas/", "'schemas.yaml#/")
    new_text = new_text.replace('"#/components/schemas/', '"schemas.yaml#/')
    assert "schemas.yaml#/" in new_text
    result = diff_docs(tmp_path, old, new_text)
    assert result.changes == [], [c.to_dict() for c in result.changes]


def test_a_change_in_another_file_names_that_file(tmp_path: Path) -> None:
    old, new = base(), base()
    for doc, folder, limit in ((old, "a", 20), (new, "b", 10)):
        schemas = doc["components"].pop("schemas")
        schemas["NewThing"]["properties"]["name"]["maxLength"] = limit
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "schemas.json").write_text(
            json.dumps(schemas, indent=1).replace("#/components/schemas/", "#/"), encoding="utf-8")
        text = yaml.safe_dump(doc, sort_keys=False).replace("#/components/schemas/", "schemas.json#/")
        write(tmp_path / folder, "spec.yaml", text)
    result = diff_specs(load_spec(tmp_path / "a" / "spec.yaml"), load_spec(tmp_path / "b" / "spec.yaml"))
    [change] = result.changes
    assert (change.rule, change.breaking) == ("length-changed", True)
    assert change.new is not None and change.new.file.endswith("schemas.json")
    assert change.new.pointer == "/NewThing/properties/name/maxLength"
    text = (tmp_path / "b" / "schemas.json").read_text(encoding="utf-8").splitlines()
    assert '"maxLength": 10' in text[change.new.line - 1]  # type: ignore[operator]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_spec_against_itself(path: Path) -> None:
    result = diff_specs(load_spec(path), load_spec(path))
    assert result.changes == []


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_spec_against_its_json_form(tmp_path: Path, path: Path) -> None:
    """Every line moves and every mapping is reordered; nothing a client sees changes."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    copy = tmp_path / (path.stem + ".json")
    copy.write_text(json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False), encoding="utf-8")
    result = diff_specs(load_spec(path), load_spec(copy))
    assert result.changes == [], [c.to_dict() for c in result.changes][:5]
