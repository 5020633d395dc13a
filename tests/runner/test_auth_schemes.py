"""Auth negatives per security scheme: each scheme is tested where it lives, with well-formed wrong credentials.

For every scheme (HTTP basic, bearer, an API key in a header, a query
parameter or a cookie) one small server checks the credential exactly (no
finding) and one accepts any credential of the right form (an
``ignored_auth`` error). A form-only server refuses a request without
credentials, so only the well-formed wrong one shows that it ignores them.
"""

from __future__ import annotations

import base64
import json
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from contracts.cli import run
from contracts.core.spec import Spec
from contracts.core.validator import Contract
from contracts.report.check import report_schema
from contracts.runner.plan import BAD_CREDENTIAL, Planner

from .servers import serve

USER, PASSWORD, KEY = "alice", "correct horse", "k-123"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

# scheme name -> (security scheme, how the checker is given the credential, where the finding points)
SCHEMES: dict[str, tuple[dict[str, Any], list[str], str]] = {
    "basic": ({"type": "http", "scheme": "basic"}, ["--header", f"Authorization: {BASIC}"], "/header"),
    "bearer": ({"type": "http", "scheme": "bearer"}, ["--header", f"Authorization: Bearer {KEY}"], "/header"),
    "header": ({"type": "apiKey", "in": "header", "name": "X-API-Key"}, ["--header", f"X-API-Key: {KEY}"],
               "/header"),
    "query": ({"type": "apiKey", "in": "query", "name": "api_key"}, ["--param", f"api_key={KEY}"],
              "/query/api_key"),
    "cookie": ({"type": "apiKey", "in": "cookie", "name": "session"}, ["--param", f"session={KEY}"],
               "/cookie/session"),
}


def spec(scheme: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "secret", "version": "1"},
        "components": {"securitySchemes": {"Auth": scheme},
                       "schemas": {"Error": {"type": "object", "required": ["error"],
                                             "properties": {"error": {"type": "string"}}}}},
        "security": [{"Auth": []}],
        "paths": {"/secret": {"get": {
            "operationId": "readSecret", "summary": "The secret",
            "parameters": [{"name": "verbose", "in": "query", "schema": {"type": "boolean"}}],
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object", "required": ["secret"], "properties": {"secret": {"type": "string"}}}}}},
                "400": {"description": "bad input", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}},
                "401": {"description": "no or wrong credentials", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"}}}},
            }}}},
    }


def credential(request: Request, name: str) -> str | None:
    """What the request carries for the scheme ``name``, read the way a server reads it."""
    if name in ("basic", "bearer"):
        return request.headers.get("authorization")
    if name == "header":
        return request.headers.get("x-api-key")
    if name == "query":
        return request.query_params.get("api_key")
    cookie = SimpleCookie(request.headers.get("cookie", ""))
    return cookie["session"].value if "session" in cookie else None


def accepted(name: str, value: str, form_only: bool) -> bool:
    """A careful server wants the exact credential; a form-only one any value of the right shape."""
    if name == "basic":
        scheme, _, encoded = value.partition(" ")
        try:
            user, sep, _ = base64.b64decode(encoded, validate=True).decode().partition(":")
        except ValueError:
            return False
        return scheme == "Basic" and bool(sep) and (form_only or value == BASIC) and bool(user)
    if name == "bearer":
        return value.startswith("Bearer ") and (form_only or value == f"Bearer {KEY}")
    return bool(value) and (form_only or value == KEY)


def app(name: str, form_only: bool = False) -> Starlette:
    async def secret(request: Request) -> JSONResponse:
        value = credential(request, name)
        if value is None or not accepted(name, value, form_only):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if request.query_params.get("verbose", "true") not in ("true", "false"):
            return JSONResponse({"error": "verbose is a boolean"}, status_code=400)
        return JSONResponse({"secret": "42"})

    return Starlette(routes=[Route("/secret", secret)])


def check(name: str, form_only: bool, tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    scheme, given, _ = SCHEMES[name]
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec(scheme)))
    with serve(app(name, form_only)) as url:
        code = run(["check", "--spec", str(path), "--base-url", url, "--report-dir", str(tmp_path / "report"),
                    "--seed", "3", "--timeout", "5", *given, *extra])
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    jsonschema.validate(report, report_schema())
    return code, report


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_a_server_that_checks_the_credential_has_no_finding(name: str, tmp_path: Path) -> None:
    code, report = check(name, False, tmp_path, "--max-examples", "10")
    assert (code, report["findings"]) == (0, [])
    assert report["summary"]["checks"]["readSecret"]["ignored_auth"] == "pass"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SCHEMES))
def test_a_server_that_accepts_any_well_formed_credential_is_caught(name: str, tmp_path: Path) -> None:
    code, report = check(name, True, tmp_path, "--max-examples", "0")
    hits = [f for f in report["findings"] if f["check"] == "ignored_auth"]
    assert code == 1
    assert [(f["kind"], f["severity"], f["location"]) for f in hits] == [("auth-ignored", "error", SCHEMES[name][2])]
    assert "the credentials are wrong" in hits[0]["message"]
    assert KEY not in json.dumps(report) and PASSWORD not in json.dumps(report)  # secrets stay out of reports


def _planner_cases(scheme: dict[str, Any], given: dict[str, str], tmp_path: Path, *,
                   headers: dict[str, str] | None = None) -> list[Any]:
    from contracts.core.spec import load_spec

    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec(scheme)))
    loaded: Spec = load_spec(path)
    op = Contract([loaded]).operation("readSecret")
    planner = Planner(params=given, headers=headers or {}, auth_headers=frozenset(k.lower() for k in headers or {}))
    return list(planner.auth(op))


def test_wrong_basic_credentials_keep_the_user_and_change_the_password(tmp_path: Path) -> None:
    cases = _planner_cases(SCHEMES["basic"][0], {}, tmp_path, headers={"Authorization": BASIC})
    without, wrong = cases
    assert "Authorization" not in without.headers
    scheme, _, encoded = wrong.headers["Authorization"].partition(" ")
    assert (scheme, base64.b64decode(encoded).decode()) == ("Basic", f"{USER}:{BAD_CREDENTIAL}")


def test_query_and_cookie_keys_travel_where_the_scheme_says_and_are_dropped_or_replaced(tmp_path: Path) -> None:
    without, wrong = _planner_cases(SCHEMES["query"][0], {"api_key": KEY}, tmp_path)
    assert "api_key" not in without.query and wrong.query["api_key"] == BAD_CREDENTIAL
    without, wrong = _planner_cases(SCHEMES["cookie"][0], {"session": KEY}, tmp_path,
                                    headers={"Cookie": "theme=dark"})
    assert "session" not in without.headers.get("Cookie", "")
    assert wrong.headers["Cookie"] == f"theme=dark; session={BAD_CREDENTIAL}"  # the other cookies stay


def test_every_scheme_of_a_requirement_is_wrong_once_while_the_others_stay_right(tmp_path: Path) -> None:
    from contracts.core.spec import load_spec

    both = spec(SCHEMES["header"][0])
    both["components"]["securitySchemes"]["Token"] = {"type": "http", "scheme": "bearer"}
    both["security"] = [{"Auth": [], "Token": []}]
    path = tmp_path / "both.json"
    path.write_text(json.dumps(both))
    op = Contract([load_spec(path)]).operation("readSecret")
    headers = {"X-API-Key": KEY, "Authorization": f"Bearer {KEY}"}
    planner = Planner(headers=headers, auth_headers=frozenset(k.lower() for k in headers))
    cases = list(planner.auth(op))
    assert [c.name for c in cases] == ["without credentials", "with a wrong Auth", "with a wrong Token"]
    assert cases[1].headers == {"X-API-Key": BAD_CREDENTIAL, "Authorization": f"Bearer {KEY}"}
    assert cases[2].headers == {"X-API-Key": KEY, "Authorization": f"Bearer {BAD_CREDENTIAL}"}


def test_a_wrong_credential_for_one_alternative_drops_the_other_alternatives(tmp_path: Path) -> None:
    from contracts.core.spec import load_spec

    either = spec(SCHEMES["header"][0])
    either["components"]["securitySchemes"]["Token"] = {"type": "http", "scheme": "bearer"}
    either["security"] = [{"Auth": []}, {"Token": []}]
    path = tmp_path / "either.json"
    path.write_text(json.dumps(either))
    op = Contract([load_spec(path)]).operation("readSecret")
    headers = {"X-API-Key": KEY, "Authorization": f"Bearer {KEY}"}
    planner = Planner(headers=headers, auth_headers=frozenset(k.lower() for k in headers))
    _, wrong_key, wrong_token = planner.auth(op)
    assert wrong_key.headers == {"X-API-Key": BAD_CREDENTIAL}  # the right token would let it in
    assert wrong_token.headers == {"Authorization": f"Bearer {BAD_CREDENTIAL}"}
