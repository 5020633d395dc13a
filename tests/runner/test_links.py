"""Plain OpenAPI links: followed with their runtime expressions, and checked as a generic round trip.

A small notes API (OpenAPI 3.0, ``nullable``, ``readOnly``/``writeOnly``)
links its create to the read, to a replace that sends the created body again
(``requestBody`` in the link) and to the delete. Servers that are correct
in different ways get no error; each real loss is caught.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contracts.cli import run
from contracts.core.http import Request as WireRequest, Response as WireResponse
from contracts.core.spec import load_spec
from contracts.runner.cases import Case
from contracts.runner.exchange import Exchange
from contracts.runner.stateful import DELETE, FOLLOW, PAGE, READ, ROUND_TRIP, WRITE, expand, link_role

from .servers import serve

SPEC = """
openapi: 3.0.3
info: {title: notes, version: "1"}
paths:
  /notes:
    post:
      operationId: createNote
      summary: Create a note
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NoteIn"}
      responses:
        "201":
          description: created
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
          links:
            GetNote:
              operationId: getNote
              parameters: {path.noteId: "{$response.body#/id}"}
            CopyNote:
              operationId: replaceNote
              parameters: {noteId: $response.body#/id}
              requestBody: $request.body
            DeleteNote:
              operationId: deleteNote
              parameters: {noteId: $response.body#/id}
        "400": {$ref: "#/components/responses/Error"}
  /notes/{noteId}:
    parameters:
      - {name: noteId, in: path, required: true, schema: {type: string, pattern: "^n[0-9]+$"}}
    get:
      operationId: getNote
      summary: Read a note
      responses:
        "200":
          description: the note
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
        "404": {$ref: "#/components/responses/Error"}
    put:
      operationId: replaceNote
      summary: Replace a note
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NoteIn"}
      responses:
        "200":
          description: the note
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Note"}
          links:
            GetNote:
              operationId: getNote
              parameters: {noteId: $request.path.noteId}
        "400": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
    delete:
      operationId: deleteNote
      summary: Delete a note
      responses:
        "204": {description: deleted}
        "404": {$ref: "#/components/responses/Error"}
components:
  responses:
    Error:
      description: an error
      content:
        application/json:
          schema:
            type: object
            required: [error]
            properties: {error: {type: string}}
  schemas:
    NoteIn:
      type: object
      required: [title]
      properties:
        title: {type: string, minLength: 1, maxLength: 40}
        body: {type: string, nullable: true, maxLength: 200}
        tags: {type: array, maxItems: 5, items: {type: string, maxLength: 20}}
        password: {type: string, writeOnly: true, maxLength: 20}
    Note:
      type: object
      required: [id, title, createdAt]
      properties:
        id: {type: string, readOnly: true}
        title: {type: string}
        body: {type: string, nullable: true}
        tags: {type: array, items: {type: string}}
        createdAt: {type: string, readOnly: true}
"""


def notes_app(mode: str = "correct") -> Starlette:
    """``correct``; ``upper``: stores the title upper-cased and says so in every answer; ``omit-empty``:
    leaves empty lists and nulls out of its answers; ``drop-tags``: answers the create with the tags it
    was sent but never stores them; ``undeleted``: answers the delete and keeps the note."""
    notes: dict[str, dict[str, Any]] = {}

    def shown(note_id: str, note: dict[str, Any]) -> dict[str, Any]:
        out = {"id": note_id, "createdAt": "2024-01-01T00:00:00Z",
               **{k: v for k, v in note.items() if k != "password"}}
        if mode == "omit-empty":
            out = {k: v for k, v in out.items() if v not in (None, [])}
        return out

    def text(value: Any, most: int, least: int = 0) -> bool:
        return isinstance(value, str) and least <= len(value) <= most

    async def parse(request: Request) -> dict[str, Any] | None:
        """The note a request sends, or None when the docs call it invalid."""
        if request.headers.get("content-type") != "application/json":
            return None
        try:
            body = json.loads(await request.body())
        except ValueError:
            return None
        if not isinstance(body, dict) or not text(body.get("title"), 40, 1):
            return None
        tags = body.get("tags", [])
        if not (body.get("body") is None or text(body["body"], 200)) or "password" in body and \
                not text(body["password"], 20) or not isinstance(tags, list) or len(tags) > 5 or \
                not all(text(t, 20) for t in tags):
            return None
        note = {"title": body["title"], "body": body.get("body"), "tags": tags}
        if mode == "upper":
            note["title"] = note["title"].upper()
        return note

    async def create(request: Request) -> Response:
        note = await parse(request)
        if note is None:
            return JSONResponse({"error": "bad note"}, status_code=400)
        note_id = f"n{len(notes) + 1}"
        notes[note_id] = {**note, "tags": []} if mode == "drop-tags" else note
        return JSONResponse(shown(note_id, note), status_code=201)

    async def one(request: Request) -> Response:
        note_id = request.path_params["note_id"]
        if note_id not in notes:
            return JSONResponse({"error": "no such note"}, status_code=404)
        if request.method == "DELETE":
            if mode != "undeleted":
                del notes[note_id]
            return Response(status_code=204)
        if request.method == "PUT":
            note = await parse(request)
            if note is None:
                return JSONResponse({"error": "bad note"}, status_code=400)
            notes[note_id] = note
        return JSONResponse(shown(note_id, notes[note_id]))

    return Starlette(routes=[Route("/notes", create, methods=["POST"]),
                             Route("/notes/{note_id}", one, methods=["GET", "PUT", "DELETE"])])


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.yaml"
    path.write_text(SPEC)
    return path


def check(app: Starlette, spec: Path, tmp_path: Path) -> tuple[int, list[dict[str, Any]], dict[str, Any]]:
    with serve(app) as url:
        code = run(["check", "--spec", str(spec), "--base-url", url, "--report-dir", str(tmp_path / "r"),
                    "--seed", "2", "--max-examples", "0", "--timeout", "5"])
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    return code, [f for f in report["findings"] if f["check"] == "stateful_round_trip"], report


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["correct", "omit-empty"])
def test_correct_servers_pass_the_round_trip(mode: str, spec_file: Path, tmp_path: Path) -> None:
    code, found, report = check(notes_app(mode), spec_file, tmp_path)
    assert (code, found) == (0, [])
    assert report["summary"]["checks"]["getNote"]["stateful_round_trip"] == "pass"
    assert report["summary"]["by_severity"] == {"error": 0, "warning": 0, "info": 0}


@pytest.mark.slow
def test_a_value_the_server_changes_consistently_is_a_warning(spec_file: Path, tmp_path: Path) -> None:
    code, found, _ = check(notes_app("upper"), spec_file, tmp_path)
    assert code == 0
    assert {(f["location"], f["severity"]) for f in found} == {("/body/title", "warning")}
    assert "own answer shows" in found[0]["message"]


@pytest.mark.slow
def test_a_field_the_read_loses_is_an_error(spec_file: Path, tmp_path: Path) -> None:
    code, found, _ = check(notes_app("drop-tags"), spec_file, tmp_path)
    assert code == 1
    hit = next(f for f in found if f["location"] == "/body/tags")
    assert hit["severity"] == "error" and hit["operation"] == "getNote"
    assert 'createNote sent ["contracts"] at /tags, getNote returned []' in hit["message"]
    assert "/body/password" not in {f["location"] for f in found}  # writeOnly: never comes back


@pytest.mark.slow
def test_a_note_still_readable_after_its_delete_is_a_warning(spec_file: Path, tmp_path: Path) -> None:
    code, found, _ = check(notes_app("undeleted"), spec_file, tmp_path)
    assert code == 0
    assert [(f["operation"], f["location"], f["severity"]) for f in found] == [("deleteNote", "/status", "warning")]
    assert found[0]["evidence"]["request"]["method"] == "GET"  # the read that shows it


def _exchange(spec_file: Path, body: Any, answer: Any) -> Exchange:
    op = load_spec(spec_file).operation("createNote")
    case = Case(op, "stateful", "x", body=body, query={"q": "v"})
    request = WireRequest("POST", "http://h/notes?q=v", (), json.dumps(body).encode())
    response = WireResponse(201, (("content-type", "application/json"),), json.dumps(answer).encode())
    return Exchange(case, request, response)


def test_link_values_are_runtime_expressions_braced_embedded_or_literal(spec_file: Path) -> None:
    ex = _exchange(spec_file, {"title": "t", "tags": ["a"]}, {"id": "n7", "title": "t"})
    assert expand("$response.body#/id", ex) == "n7"
    assert expand("{$response.body#/id}", ex) == "n7"
    assert expand("note-{$response.body#/id}-{$request.query.q}", ex) == "note-n7-v"
    assert expand("$request.body", ex) == {"title": "t", "tags": ["a"]}
    assert expand({"copyOf": "$response.body#/id", "tags": ["$request.body#/tags/0", 3]}, ex) == \
        {"copyOf": "n7", "tags": ["a", 3]}
    assert expand("plain", ex) == "plain"
    missing = expand({"x": "$response.body#/nothing"}, ex)
    assert not isinstance(missing, dict)  # an expression with nothing to read makes the value absent


def test_what_a_link_is_for_is_read_from_its_two_operations(spec_file: Path, tmp_path: Path) -> None:
    spec = load_spec(spec_file)
    ops = {o.operation_id: o for o in spec.operations}
    create, get, put, delete = ops["createNote"], ops["getNote"], ops["replaceNote"], ops["deleteNote"]
    assert link_role(create, {}, get) == READ
    assert link_role(put, {}, get) == READ
    assert link_role(create, {}, put) == WRITE
    assert link_role(create, {}, delete) == DELETE
    assert link_role(get, {}, get) == FOLLOW
    assert link_role(create, {"x-round-trip": {}}, get) == ROUND_TRIP
    paged = yaml.safe_load(SPEC)
    paged["paths"]["/notes/{noteId}"]["get"]["x-pagination"] = {"style": "page", "page": "p", "size": "s"}
    other = tmp_path / "paged.yaml"
    other.write_text(yaml.safe_dump(paged))
    assert link_role(create, {}, load_spec(other).operation("getNote")) == PAGE


def test_only_what_was_sent_and_both_schemas_document_is_compared() -> None:
    from contracts.runner.roundtrip import MISSING, shared_diff

    def deref(node: Any) -> Any:
        return node

    sent_schema = {"type": "object", "properties": {
        "name": {"type": "string"}, "secret": {"type": "string", "writeOnly": True},
        "price": {"type": "number"}, "flag": {"type": "boolean"}, "note": {"type": "string", "nullable": True},
        "tags": {"type": "array", "items": {"type": "string"}}, "id": {"type": "string"},
        "owner": {"anyOf": [{"type": "object", "properties": {"name": {"type": "string"}}}, {"type": "null"}]},
        "extra": {"type": "string"}}}
    stored_schema = {"type": "object", "properties": {
        "name": {"type": "string"}, "secret": {"type": "string"}, "price": {"type": "number"},
        "flag": {"type": "boolean"}, "note": {"type": "string"}, "tags": {"type": "array", "items": {"type": "string"}},
        "id": {"type": "string", "readOnly": True},
        "owner": {"anyOf": [{"$comment": "x", "type": "object", "properties": {"name": {"type": "string"}}},
                            {"type": "null"}]}}}
    sent = {"name": "a", "secret": "s", "price": 2, "flag": True, "note": None, "tags": [], "id": "mine",
            "owner": {"name": "bo"}, "extra": "not in the stored schema"}
    same = {"name": "a", "secret": "other", "price": 2.0, "flag": True, "note": "kept", "id": "server's",
            "owner": {"name": "bo", "since": 2020}}
    assert list(shared_diff(sent, same, "", sent_schema, stored_schema, deref)) == []
    lost = {"price": 1, "flag": 1, "owner": {"name": "al"}, "tags": ["x"]}
    assert sorted(shared_diff(sent, lost, "", sent_schema, stored_schema, deref), key=str) == sorted([
        ("/name", "a", MISSING), ("/price", 2, 1), ("/flag", True, 1), ("/owner/name", "bo", "al"),
        ("/tags", [], ["x"])], key=str)
