"""The prebuilt request verdict (core/requestcheck.py) says what the plain walk of the spec says.

``Contract.request_violations`` accepts a request through ``RequestCheck.accepts``
and walks only the others in detail. The reference below is the plain walk
over the operation's own parameters and security, looked up afresh for every
request (what request_violations did before the prebuilt check): for every
operation of the shipped specs and of a spec with query, cookie, bearer and
OAuth credentials, Hypothesis builds requests, valid ones and near misses
(missing, empty, repeated and undocumented parameters, values just outside
their bounds, other credentials, bodies of every documented and undocumented
media type, broken JSON), and both must give the same violations, and the
accept decision must be exactly "no violation at all".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.core import pointer as jp
from contracts.core.classify import Violation
from contracts.core.finding import Kind
from contracts.core.http import Request
from contracts.core.params import coerce
from contracts.core.routing import match_path
from contracts.core.spec import Operation, Spec, load_spec, load_specs
from contracts.core.validator import Contract

ROOT = Path(__file__).resolve().parents[2]

CREDENTIALS = """
openapi: 3.0.3
info: {title: credentials, version: "1"}
security:
  - {ApiQuery: [], SessionCookie: []}
  - {Bearer: []}
  - {OAuth: [read]}
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer, minimum: 1, maximum: 99}}
    put:
      operationId: putItem
      parameters:
        - {name: tags, in: query, schema: {type: array, items: {type: string, maxLength: 3}}}
        - {name: flag, in: query, schema: {type: boolean}}
        - {name: ratio, in: query, schema: {type: number, maximum: 1.5}}
        - {name: note, in: query, schema: {type: string, nullable: true, maxLength: 4}}
        - {name: X-Trace, in: header, required: true, schema: {type: string, pattern: "^[a-f0-9]{4}$"}}
        - {name: theme, in: cookie, schema: {type: string, enum: [dark]}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string, maxLength: 5}
                size: {type: integer, format: int32}
            examples:
              docs: {value: {name: abc, size: 3}}
          APPLICATION/JSON:
            schema: {type: object, required: [other], properties: {other: {type: string}}}
            examples:
              docs: {value: {other: x}}
          text/plain: {}
      responses:
        "204": {description: done}
    get:
      operationId: getItem
      security:
        - {}
        - {Bearer: []}
      responses:
        "200": {description: ok}
components:
  securitySchemes:
    ApiQuery: {type: apiKey, in: query, name: api_key}
    SessionCookie: {type: apiKey, in: cookie, name: session}
    Bearer: {type: http, scheme: bearer}
    OAuth:
      type: oauth2
      flows: {clientCredentials: {tokenUrl: "https://auth.example/token", scopes: {read: read}}}
"""


def reference(contract: Contract, request: Request, op: Operation, path_params: dict[str, str]) -> list[Violation]:
    """The plain walk: every lookup made afresh from the operation, nothing prebuilt."""
    out: list[Violation] = []
    for p in op.parameters:
        at = jp.join("", p.location, p.name)
        if p.location == "path":
            raw: Any = path_params.get(p.name)
        elif p.location == "query":
            raw = request.query.get(p.name)
        elif p.location == "header":
            raw = request.header(p.name)
        else:
            continue
        if raw is None:
            if p.required:
                out.append(Violation(Kind.MISSING_PARAMETER, at, f"mandatory {p.location} parameter {p.name!r} is missing"))
            continue
        out += op.spec.compiled(p.schema, closed=False, direction="request").violations(coerce(raw, p.schema), at)
    for name in request.query:
        if op.param("query", name) is None:
            out.append(Violation(Kind.UNDOCUMENTED_FIELD, jp.join("/query", name),
                                 f"query parameter {name!r} is not documented"))
    out += reference_auth(request, op)
    out += contract.body_violations(request, op)
    return out


def reference_auth(request: Request, op: Operation) -> Iterator[Violation]:
    if not op.requires_auth:
        return
    cookies = {}
    for part in (request.header("cookie") or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            cookies.setdefault(name, value)
    first_missing: list[tuple[str, str]] = []
    for alternative in op.security_schemes:
        missing = []
        for s in alternative:
            if s.type in ("oauth2", "openIdConnect"):
                value = request.header("authorization")
                if value is None or not value.lower().startswith("bearer "):
                    missing.append(("header", "Authorization"))
            elif s.location == "header" and s.param:
                value = request.header(s.param)
                if value is None or not value.strip() or (
                        s.type == "http" and s.scheme and not value.lower().startswith(s.scheme.lower() + " ")):
                    missing.append(("header", s.param))
            elif s.location == "query" and s.param:
                if not (request.query.get(s.param) or [""])[-1]:
                    missing.append(("query", s.param))
            elif s.location == "cookie" and s.param:
                if not cookies.get(s.param):
                    missing.append(("cookie", s.param))
        if not missing:
            return
        first_missing = first_missing or missing
    for where, name in first_missing:
        yield Violation(Kind.MISSING_AUTH, jp.join("", where, name),
                        f"authentication {name!r} ({where}) is missing or malformed; the operation's security requires it")


def good(spec: Spec, schema: Any) -> st.SearchStrategy[str]:
    """Parameter strings the schema allows (mostly: a pattern and a length can still disagree)."""
    node = spec.resolver.deref(schema) if isinstance(schema, dict) else {}
    node = node if isinstance(node, dict) else {}
    kind = node.get("type")
    if node.get("enum"):
        return st.sampled_from([str(v) for v in node["enum"]])
    if kind in ("integer", "number"):
        return st.integers(int(node.get("minimum", -5)), int(min(node.get("maximum", 10 ** 6), 10 ** 6))).map(str)
    if kind == "boolean":
        return st.sampled_from(["true", "false"])
    if kind == "array":
        return st.lists(good(spec, node.get("items", {})), max_size=3).map(",".join)
    if kind == "string" and isinstance(node.get("pattern"), str):
        return st.from_regex(node["pattern"], fullmatch=True)
    return st.text("abc-1", min_size=node.get("minLength", 1), max_size=node.get("maxLength", 8))


def values(spec: Spec, schema: Any) -> st.SearchStrategy[str]:
    """Parameter strings around what the schema allows: members, bounds and one step past them, text."""
    node = spec.resolver.deref(schema) if isinstance(schema, dict) else {}
    node = node if isinstance(node, dict) else {}
    options: list[st.SearchStrategy[str]] = [good(spec, schema), st.text(max_size=6), st.just("")]
    kind = node.get("type")
    if kind in ("integer", "number"):
        lo, hi = node.get("minimum", -5), node.get("maximum", 10 ** 10)
        options.append(st.integers(int(lo) - 2, int(min(hi, 10 ** 12)) + 2).map(str))
        options.append(st.sampled_from(["1.5", "2e3", "-0", "+7", "1.0"]))
    if kind == "boolean":
        options.append(st.sampled_from(["true", "false", "True", "1"]))
    if kind == "array":
        options.append(st.lists(values(spec, node.get("items", {})), max_size=3).map(",".join))
    if kind == "string" and node.get("maxLength"):
        options.append(st.integers(0, node["maxLength"] + 2).map(lambda n: "a" * n))
    return st.one_of(options)


JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-3, 2 ** 32) | st.text(max_size=6),
                       lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=5), inner,
                                                                                     max_size=3), max_leaves=5)


def body_of(spec: Spec, schema: Any) -> st.SearchStrategy[Any]:
    """Objects with the schema's own property names (values near theirs, or anything), or anything."""
    node = spec.resolver.deref(schema) if isinstance(schema, dict) else {}
    props = node.get("properties") if isinstance(node, dict) else None
    if not isinstance(props, dict) or not props:
        return JSONISH
    fields = {name: st.one_of(values(spec, sub).map(lambda v: int(v) if v.isdigit() else v), JSONISH,
                              body_of(spec, sub)) for name, sub in props.items()}
    return st.fixed_dictionaries({}, optional={**fields, "unexpected": JSONISH}) | JSONISH


def near(example: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A documented body as it is, without one of its fields, or with one field changed."""
    keys = sorted(example)
    if not keys:
        return st.just(example)
    return st.one_of(
        st.just(example),
        st.sampled_from(keys).map(lambda k: {n: v for n, v in example.items() if n != k}),
        st.tuples(st.sampled_from(keys), JSONISH).map(lambda kv: {**example, kv[0]: kv[1]}),
    )


@st.composite
def requests(draw: st.DrawFn, op: Operation) -> tuple[Request, dict[str, str]]:
    spec = op.spec
    careful = draw(st.booleans())  # every parameter from what its schema allows, or anything near it
    value = good if careful else values
    path_params = {p.name: draw(value(spec, p.schema)) for p in op.params("path")
                   if careful or draw(st.integers(0, 9))}
    pairs: list[tuple[str, str]] = []
    for p in op.params("query"):
        times = [1] if careful and p.required else [0, 1] if careful else [0, 1, 1, 1, 2]
        for _ in range(draw(st.sampled_from(times))):
            pairs.append((p.name, draw(value(spec, p.schema))))
    schemes = [s for alternative in op.security_schemes for s in alternative]
    if careful and op.security_schemes:  # one alternative's credentials, as a client sends them
        schemes = list(draw(st.sampled_from(op.security_schemes)))
    for s in schemes:
        if s.location == "query" and s.param and (careful or draw(st.booleans())):
            pairs.append((s.param, "k" if careful else draw(st.sampled_from(["", "k"]))))
    if not careful and draw(st.integers(0, 5)) == 0:
        pairs.append((draw(st.sampled_from(["extra", "Limit", "api_key"])), "1"))
    headers: list[tuple[str, str]] = []
    for p in op.params("header"):
        if draw(st.integers(0, 5)):
            name = draw(st.sampled_from([p.name, p.name.lower(), p.name.upper()]))
            headers.append((name, draw(value(spec, p.schema))))
    for s in schemes:  # careful: every credential as its scheme wants it
        if s.location == "header" and s.param and (careful or draw(st.booleans())):
            wanted = "Bearer t" if s.type == "http" else "token"
            headers.append((s.param, wanted if careful else draw(st.sampled_from(
                ["", " ", "token", "Bearer t", "bearer t", "Basic b", "contracts-demo-token"]))))
        if s.type == "oauth2" and (careful or draw(st.booleans())):
            headers.append(("Authorization", "Bearer t" if careful else draw(st.sampled_from(["Bearer t", "Token t"]))))
        if s.location == "cookie" and s.param and (careful or draw(st.booleans())):
            headers.append(("Cookie", f"{s.param}=x" if careful else draw(st.sampled_from(
                [f"{s.param}=x", f"{s.param}=", "a=b; " + s.param + "=y"]))))
    body: bytes | None = None
    if op.request_body is not None and draw(st.integers(0, 6)):
        media = list(op.request_body.content)
        content_type = draw(st.sampled_from([*media, *(m.upper() for m in media), media[0] + "; charset=utf-8",
                                             "text/html", ""]))
        if content_type:
            headers.append(("Content-Type", content_type))
        schema = next((mt.schema for mt in op.request_body.content.values() if mt.schema is not None), None)
        documented = [e.value for mt in op.request_body.content.values() for e in mt.examples
                      if isinstance(e.value, dict)]
        shapes = [body_of(spec, schema)] + [near(e) for e in documented]
        body = draw(st.one_of(st.one_of(shapes).map(lambda v: json.dumps(v).encode()),
                              st.sampled_from([b"", b"{", b"[1,", b"null"])))
    headers = draw(st.permutations(headers))
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs)
    path = "/" + "/".join(quote(path_params.get(n, ""), safe="") or "x" for n in path_params)
    request = Request(op.method.upper(), f"http://api.example{path}" + (f"?{query}" if query else ""),
                      tuple(headers), body)
    return request, path_params


SHIPPED = Contract(load_specs([ROOT / "specs"]))
OPERATIONS = [pytest.param(SHIPPED, op, id=op.operation_id) for op in SHIPPED.operations]


@pytest.fixture(scope="module")
def credentials(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    path = tmp_path_factory.mktemp("credentials") / "credentials.yaml"
    path.write_text(CREDENTIALS, encoding="utf-8")
    return Contract([load_spec(path)])


def agree(contract: Contract, op: Operation, verdicts: set[bool]) -> None:
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              derandomize=True)
    @given(requests(op))
    def same(made: tuple[Request, dict[str, str]]) -> None:
        request, path_params = made
        expected = reference(contract, request, op, path_params)
        assert list(contract.request_violations(request, op, path_params)) == expected, request
        accepted = contract.request_check(op).accepts(request, path_params)
        assert accepted == (not expected), (request, expected)
        verdicts.add(accepted)

    same()


@pytest.mark.parametrize("contract,op", OPERATIONS)
def test_the_prebuilt_verdict_is_the_plain_walk_on_the_shipped_specs(contract: Contract, op: Operation) -> None:
    verdicts: set[bool] = set()
    agree(contract, op, verdicts)
    assert verdicts == {True, False}  # not vacuous: accepted and rejected requests both occurred


@pytest.mark.parametrize("operation_id", ["putItem", "getItem"])
def test_the_prebuilt_verdict_is_the_plain_walk_for_every_kind_of_credential(credentials: Contract,
                                                                           operation_id: str) -> None:
    verdicts: set[bool] = set()
    agree(credentials, credentials.operation(operation_id), verdicts)
    assert verdicts == {True, False}


def test_path_parameters_come_from_the_router_as_the_walk_reads_them(credentials: Contract) -> None:
    op = credentials.operation("getItem")
    request = Request("GET", "http://api.example/items/7")
    found = credentials.match(request)
    assert found is not None and found.operation is op and found.path_params == match_path(op.path, request.path)
    assert list(credentials.request_violations(request, op, found.path_params)) == []
    too_big = Request("GET", "http://api.example/items/100")
    params = credentials.match(too_big).path_params  # type: ignore[union-attr]
    assert [v.location for v in credentials.request_violations(too_big, op, params)] == ["/path/id"]


def test_a_contract_keeps_one_prebuilt_check_per_operation(credentials: Contract) -> None:
    op = credentials.operation("putItem")
    assert credentials.request_check(op) is credentials.request_check(op)
    assert credentials.request_check(op) is not credentials.request_check(credentials.operation("getItem"))

