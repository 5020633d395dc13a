"""$refs resolve against the file that holds them; problems name that file; bundle() inlines other files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from contracts.core.bundle import bundle
from contracts.core.errors import SpecError
from contracts.core.lint import lint
from contracts.core.refs import iter_refs
from contracts.core.spec import load_spec

ROOT_SPEC = """
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    $ref: paths/pets.yaml
components:
  schemas:
    Error: {type: object, required: [message], properties: {message: {type: string}}}
    Owner: {$ref: "schemas/owner.yaml"}
"""
PETS = """
get:
  operationId: listPets
  summary: List pets
  responses:
    "200":
      description: OK
      content:
        application/json:
          schema:
            type: array
            items: {$ref: "../schemas/pet.yaml"}
          example: [{name: rex, tag: {label: dog}}]
    default:
      description: error
      content:
        application/json:
          schema: {$ref: "../spec.yaml#/components/schemas/Error"}
          example: {message: boom}
"""
PET = """
type: object
required: [name]
properties:
  name: {type: string}
  tag: {$ref: "./tag.yaml"}
  parent: {$ref: "#"}
  kind: {$ref: "#/x-defs/Kind"}
  owner: {$ref: "../spec.yaml#/components/schemas/Owner"}
  example: {$ref: "./tag.yaml"}
example: {$ref: "this is data, not a reference"}
x-defs:
  Kind: {type: string, enum: [dog, cat]}
"""
TAG = """
type: object
required: [label]
properties:
  label: {type: string}
"""
OWNER = """
type: object
properties:
  name: {type: string}
"""


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root / "spec.yaml"


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    return tree(tmp_path, {"spec.yaml": ROOT_SPEC, "paths/pets.yaml": PETS, "schemas/pet.yaml": PET,
                           "schemas/tag.yaml": TAG, "schemas/owner.yaml": OWNER,
                           # a decoy: if ./tag.yaml were read against the root folder, this would be it
                           "tag.yaml": "type: object\nproperties: {label: {type: integer}}\n"})


def test_nested_relative_refs_resolve_against_their_own_file(nested: Path) -> None:
    spec = load_spec(nested)
    op = spec.operation("listPets")
    schema = op.responses["200"].content["application/json"].schema
    compiled = spec.compiled(schema, closed=False, direction="response")
    assert compiled.is_valid([{"name": "rex", "tag": {"label": "dog"}, "kind": "cat",
                               "parent": {"name": "mum"}, "owner": {"name": "ann"}}])
    assert not compiled.is_valid([{"name": "rex", "tag": {"label": 1}}])  # schemas/tag.yaml, not ./tag.yaml
    assert not compiled.is_valid([{"name": "rex", "kind": "cow"}])  # '#/x-defs/Kind' is in pet.yaml
    assert not compiled.is_valid([{"name": "rex", "parent": {}}])  # '#' is pet.yaml itself
    error = op.responses["default"].content["application/json"].schema
    assert spec.compiled(error, closed=False, direction="response").is_valid({"message": "x"})
    assert not spec.compiled(error, closed=False, direction="response").is_valid({})


def test_refs_inside_data_values_are_not_references(nested: Path) -> None:
    spec = load_spec(nested)
    assert spec.resolver.problems() == []
    assert ("", "x") not in iter_refs({"example": {"$ref": "x"}, "default": {"$ref": "x"}, "enum": [{"$ref": "x"}]})
    found = list(iter_refs({"properties": {"example": {"$ref": "#/a"}, "default": {"$ref": "#/b"}},
                            "responses": {"default": {"$ref": "#/c"}},
                            "examples": {"one": {"value": {"$ref": "data"}}, "two": {"$ref": "#/d"}}}))
    assert sorted(ref for _, ref in found) == ["#/a", "#/b", "#/c", "#/d"]


def test_a_broken_ref_in_a_nested_file_names_that_file_and_line(nested: Path) -> None:
    pet = nested.parent / "schemas" / "pet.yaml"
    pet.write_text(pet.read_text().replace('"./tag.yaml"}\n  parent', '"./nope.yaml"}\n  parent'), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(nested)
    assert err.value.file is not None and err.value.file.endswith("schemas/pet.yaml")
    assert err.value.line == 5 and err.value.pointer == "/properties/tag/$ref"
    assert "'./nope.yaml'" in err.value.message and "\n" not in str(err.value)
    found = [f for f in lint([nested]) if f.kind == "unresolvable-ref"]
    assert [(Path(f.spec or "").name, f.line, f.location) for f in found] == [("pet.yaml", 5, "/properties/tag/$ref")]
    assert found[0].severity.value == "error"


def test_a_remote_ref_in_a_nested_file_is_refused_without_fetching(nested: Path) -> None:
    tag = nested.parent / "schemas" / "tag.yaml"
    tag.write_text(TAG.replace("label: {type: string}", 'label: {$ref: "http://127.0.0.1:9/never.yaml"}'),
                   encoding="utf-8")
    with pytest.raises(SpecError, match="remote \\$ref refused") as err:
        load_spec(nested)
    assert err.value.file is not None and err.value.file.endswith("schemas/tag.yaml") and err.value.line == 5
    assert [f.kind for f in lint([nested]) if f.kind.endswith("-ref")] == ["remote-ref"]


def test_lint_follows_path_items_into_other_files(nested: Path) -> None:
    pets = nested.parent / "paths" / "pets.yaml"
    pets.write_text(PETS.replace("  summary: List pets\n", ""), encoding="utf-8")
    found = [(Path(f.spec or "").name, f.line, f.location) for f in lint([nested]) if f.kind == "missing-summary"]
    assert found == [("pets.yaml", 2, "/get")]


def test_bundle_brings_every_external_target_into_the_document(nested: Path) -> None:
    spec = load_spec(nested)
    before = repr(spec.data)
    doc = bundle(spec)
    assert repr(spec.data) == before  # the spec itself is untouched
    refs = [ref for _, ref in iter_refs(doc)]
    assert refs and all(ref.startswith("#/") for ref in refs)
    schemas = doc["components"]["schemas"]
    assert schemas["Owner"] == {"type": "object", "properties": {"name": {"type": "string"}}}  # was only a ref
    assert doc["paths"]["/pets"]["get"]["operationId"] == "listPets"  # 3.0 has no pathItems: inlined
    items = doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    pet = schemas[items["$ref"].rsplit("/", 1)[1]]
    assert pet["properties"]["parent"] == items  # recursion kept as a ref
    assert pet["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert pet["example"] == {"$ref": "this is data, not a reference"}
    tag = pet["properties"]["tag"]["$ref"]
    assert schemas[tag.rsplit("/", 1)[1]]["properties"]["label"] == {"type": "string"}


def test_a_bundled_document_is_valid_and_schemathesis_reads_it(nested: Path) -> None:
    import warnings

    import openapi_spec_validator as osv

    spec = load_spec(nested)
    doc = bundle(spec)
    osv.OpenAPIV30SpecValidator(doc).validate()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import schemathesis

        operations = [r.ok() for r in schemathesis.openapi.from_dict(doc).get_all_operations()]
    assert [(o.method.upper(), o.path) for o in operations] == [("GET", "/pets")]


def test_bundle_of_a_3_1_spec_puts_path_items_under_components(tmp_path: Path) -> None:
    root = tree(tmp_path, {"spec.yaml": ROOT_SPEC.replace("3.0.3", "3.1.0"), "paths/pets.yaml": PETS,
                           "schemas/pet.yaml": PET, "schemas/tag.yaml": TAG, "schemas/owner.yaml": OWNER})
    doc = bundle(load_spec(root))
    assert doc["paths"]["/pets"] == {"$ref": "#/components/pathItems/pets"}
    assert doc["components"]["pathItems"]["pets"]["get"]["operationId"] == "listPets"


def test_bundle_keeps_a_spec_without_external_refs_as_it_is(write_spec) -> None:  # type: ignore[no-untyped-def]
    spec = load_spec(Path(__file__).resolve().parents[2] / "specs" / "iotda-v5.yaml")
    assert bundle(spec) == spec.data


def test_files_the_validator_follows_are_read_as_contracts_reads_them(tmp_path: Path) -> None:
    """openapi-spec-validator's own YAML reading would make `yes` a boolean and `on:` a boolean key."""
    root = tree(tmp_path, {
        "spec.yaml": """
            openapi: 3.0.3
            info: {title: t, version: "1"}
            paths:
              /a:
                get:
                  operationId: getA
                  summary: A
                  parameters:
                    - $ref: "params.yaml#/Day"
                  responses:
                    200:
                      $ref: "params.yaml#/Ok"
            """,
        "params.yaml": """
            Day:
              name: day
              in: query
              schema: {type: string, format: date, default: 2024-01-31}
            Ok:
              description: OK
              content:
                application/json:
                  schema: {type: object, properties: {on: {type: string, enum: [yes, no], default: yes}}}
                  example: {on: yes}
            """,
    })
    assert lint([root]) == []
    assert load_spec(root).operation("getA").param("query", "day") is not None


def test_one_target_spelled_two_ways_is_bundled_once(tmp_path: Path) -> None:
    root = tree(tmp_path, {
        "spec.yaml": ROOT_SPEC.replace('Owner: {$ref: "schemas/owner.yaml"}',
                                       'Owner: {$ref: "schemas/owner.yaml"}\n    Boss: {$ref: "./schemas/owner.yaml#"}'),
        "paths/pets.yaml": PETS, "schemas/pet.yaml": PET, "schemas/tag.yaml": TAG, "schemas/owner.yaml": OWNER})
    schemas = bundle(load_spec(root))["components"]["schemas"]
    assert schemas["Boss"] == {"$ref": "#/components/schemas/Owner"}
    assert [name for name, s in schemas.items() if s == schemas["Owner"]] == ["Owner"]
