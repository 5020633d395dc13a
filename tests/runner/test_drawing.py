"""The cheap drawing lane: which operations it takes, and that its cases are the kinds schemathesis draws.

Positive draws must be valid requests by the same verdict the wire uses,
negative draws must break exactly one free parameter (or leave one required
parameter out), and an RPC action selector is broken only by leaving it out
or by a value that selects nothing: another operation's value asks for that
operation, not for a rejection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings

from contracts.runner import drawing
from contracts.runner.cases import ACCEPT, NO_BODY, REJECT
from contracts.runner.session import Options, Session, open_session

from .servers import ROOT

SPECS = ROOT / "specs"

LANE = """
openapi: 3.0.3
info: {title: lane, version: "1"}
paths:
  /items/{id}:
    get:
      operationId: item
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, pattern: "^[0-9a-f]{24}$"}}
        - {name: limit, in: query, required: true, schema: {type: integer, format: int32, minimum: 1, maximum: 50}}
        - {name: ratio, in: query, schema: {type: number, minimum: 0, maximum: 1, exclusiveMaximum: true}}
        - {name: state, in: query, schema: {type: string, enum: [open, closed]}}
        - {name: flag, in: query, schema: {type: boolean}}
        - {name: code, in: query, schema: {type: string, minLength: 2, maxLength: 4}}
        - {name: X-Trace, in: header, required: true, schema: {type: string, pattern: "^[A-Z]{3}-[0-9]+$"}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad input, content: {application/json: {schema: {type: object}}}}
  /body:
    post:
      operationId: withBody
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
  /composed:
    post:
      operationId: withComposedBody
      requestBody: {content: {application/json: {schema: {oneOf: [{type: object}, {type: array}]}}}}
      responses: {"200": {description: ok}}
  /form:
    post:
      operationId: withFormBody
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
  /cookie:
    get:
      operationId: withCookie
      parameters: [{name: s, in: cookie, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /format:
    get:
      operationId: withFormat
      parameters: [{name: at, in: query, schema: {type: string, format: date-time}}]
      responses: {"200": {description: ok}}
  /nullable:
    get:
      operationId: withNullable
      parameters: [{name: n, in: query, schema: {type: integer, nullable: true}}]
      responses: {"200": {description: ok}}
  /array:
    get:
      operationId: withArray
      parameters: [{name: ids, in: query, schema: {type: array, items: {type: string}}}]
      responses: {"200": {description: ok}}
  /ref:
    get:
      operationId: withRef
      parameters: [{name: n, in: query, schema: {$ref: "#/components/schemas/Small"}}]
      responses: {"200": {description: ok}}
  /deep:
    get:
      operationId: withComposed
      parameters: [{name: n, in: query, schema: {anyOf: [{type: integer}, {type: string}]}}]
      responses: {"200": {description: ok}}
  /plain/{name}:
    get:
      operationId: plainPath
      parameters: [{name: name, in: path, required: true, schema: {type: string}}]
      responses: {"200": {description: ok}}
  /:
    get:
      operationId: root
      responses: {"200": {description: ok}}
components:
  schemas:
    Small: {type: integer, minimum: 0, maximum: 9}
"""


@pytest.fixture
def lane(write_spec: Callable[..., Path]) -> Iterator[Session]:
    session = open_session(Options(specs=[str(write_spec(LANE))], base_url="http://127.0.0.1:9", seed=1))
    try:
        yield session
    finally:
        session.close()


def _fuzzer(session: Session) -> Any:
    runner = session.runner()
    return runner.fuzzer


def _draws(strategy: Any, n: int = 150) -> list[drawing.Drawn]:
    seen: list[drawing.Drawn] = []

    @settings(max_examples=n, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(drawn: drawing.Drawn) -> None:
        seen.append(drawn)

    collect()
    return seen


def test_scalar_parameters_take_the_lane_and_the_rest_go_to_schemathesis(lane: Session) -> None:
    taken = {op.operation_id: drawing.simple(op) for op in lane.contract.operations}
    assert taken == {"item": True, "withRef": True, "plainPath": True, "root": True,
                     "withBody": True, "withComposedBody": False, "withFormBody": False, "withCookie": False, "withFormat": False, "withNullable": False,
                     "withArray": False, "withComposed": False}


def test_every_positive_draw_is_a_valid_request(lane: Session) -> None:
    op = lane.contract.operation("item")
    fuzzer = _fuzzer(lane)
    draws = _draws(drawing.strategy(op, negative=False))
    verdicts = [fuzzer.convert(op, d, negative=False) for d in draws]
    assert all(c is not None and c.expect == ACCEPT for c in verdicts), \
        [(d, c.reason) for d, c in zip(draws, verdicts) if c is not None and c.expect != ACCEPT][:3]
    # optional parameters are sometimes sent and sometimes left out; required ones always travel
    assert {"ratio", "state", "flag", "code"} <= {k for d in draws for k in d.query}
    assert any("state" not in d.query for d in draws)
    assert all("limit" in d.query and "X-Trace" in d.headers and len(d.path_parameters["id"]) == 24 for d in draws)
    assert {d.query.get("flag") for d in draws} >= {"true", "false"}  # booleans as they travel, not 'True'


def _broken(op: Any, fuzzer: Any, valid: drawing.Drawn, drawn: drawing.Drawn) -> set[str]:
    """The parameters a negative draw changed to something its schema refuses, or left out."""
    out = set()
    for p in op.parameters:
        where = {"path": drawn.path_parameters, "query": drawn.query, "header": drawn.headers}[p.location]
        if p.name not in where:
            if p.required:
                out.add(p.name)
            continue
        probe = drawing.Drawn(dict(valid.path_parameters), dict(valid.query), dict(valid.headers))
        {"path": probe.path_parameters, "query": probe.query, "header": probe.headers}[p.location][p.name] = \
            where[p.name]
        case = fuzzer.convert(op, probe, negative=True)
        if case is not None and case.expect == REJECT:
            out.add(p.name)
    return out


def test_a_negative_draw_breaks_at_most_one_parameter(lane: Session) -> None:
    op = lane.contract.operation("item")
    fuzzer = _fuzzer(lane)
    valid = drawing.Drawn({"id": "0" * 24}, {"limit": "5"}, {"X-Trace": "ABC-1"})
    draws = _draws(drawing.strategy(op, negative=True), 300)
    broken = [_broken(op, fuzzer, valid, d) for d in draws]
    assert all(len(b) <= 1 for b in broken), [d for d, b in zip(draws, broken) if len(b) > 1][:3]
    rejected = [d for d in draws if (c := fuzzer.convert(op, d, negative=True)) is not None and c.expect == REJECT]
    assert len(rejected) > len(draws) * 0.6  # most are really invalid; the rest are judged and sent as valid
    # every parameter is broken in some draw, and the required query and header ones are also left out
    assert set().union(*broken) == {p.name for p in op.parameters}
    assert any("limit" not in d.query for d in draws) and any("X-Trace" not in d.headers for d in draws)


def test_an_rpc_action_selector_is_left_out_or_given_a_value_that_selects_nothing() -> None:
    session = open_session(Options(specs=[str(SPECS / "enos-connect-v2.5.yaml")], base_url="http://127.0.0.1:9",
                                   seed=1))
    try:
        op = session.contract.operation("getJob")
        assert drawing.simple(op) and op.discriminators == {"action": "getJob"}
        chosen = {o.discriminators.get("action") for o in session.contract.operations} - {None}
        assert chosen == {"getJob", "createJob"}
        draws = _draws(drawing.strategy(op, negative=True), 300)
        actions = [d.query.get("action") for d in draws]
        assert "createJob" not in actions  # another operation's selector asks for that operation
        assert None in actions and any(a not in chosen for a in actions if a is not None)
        # the draws that keep the selector break another parameter instead
        assert {"jobId", "orgId"} <= {p.name for d in draws if d.query.get("action") == "getJob"
                                      for p in op.parameters if p.required and p.name not in d.query}
    finally:
        session.close()


def test_nothing_to_break_is_none(lane: Session) -> None:
    assert drawing.strategy(lane.contract.operation("root"), negative=True) is None
    assert drawing.strategy(lane.contract.operation("plainPath"), negative=True) is None
    assert drawing.strategy(lane.contract.operation("root"), negative=False) is not None


def test_a_referenced_schema_is_drawn_from_its_target(lane: Session) -> None:
    op = lane.contract.operation("withRef")
    values = {d.query.get("n") for d in _draws(drawing.strategy(op, negative=False))}
    assert values - {None} <= {str(i) for i in range(10)} and len(values) > 3
    negatives = {d.query.get("n") for d in _draws(drawing.strategy(op, negative=True))}
    assert any(v is not None and v.lstrip("-").isdigit() and not 0 <= int(v) <= 9 for v in negatives)


def test_the_path_alphabet_never_changes_the_route(lane: Session) -> None:
    op = lane.contract.operation("plainPath")
    for drawn in _draws(drawing.strategy(op, negative=False), 300):
        name = drawn.path_parameters["name"]
        assert name and not set(name) & set("/\\?#% ") and all(ord(c) > 0x20 for c in name)


@pytest.mark.parametrize("spec", ["enos-connect-v2.5.yaml", "iotda-v5.yaml", "oceanconnect-iocm-v1.4.0.yaml"])
def test_positive_draws_of_the_shipped_specs_are_all_valid(spec: str) -> None:
    session = open_session(Options(specs=[str(SPECS / spec)], base_url="http://127.0.0.1:9", seed=1,
                                   headers=["X-Auth-Token: t", "app_key: a", "Authorization: Bearer t"]))
    try:
        fuzzer = _fuzzer(session)
        simple = [op for op in session.contract.operations if drawing.simple(op)]
        assert simple
        for op in simple:
            for drawn in _draws(drawing.strategy(op, negative=False), 100):
                case = fuzzer.convert(op, drawn, negative=False)
                assert case is not None and case.expect == ACCEPT, (op.operation_id, drawn, case and case.reason)
    finally:
        session.close()


@pytest.mark.parametrize("segment", [".", ".."])
def test_a_dot_segment_is_never_sent_as_a_path_value(lane: Session, segment: str) -> None:
    """A server (or a proxy before it) resolves /items/../x to /x: another route, not this input."""
    op = lane.contract.operation("plainPath")
    fuzzer = _fuzzer(lane)
    assert fuzzer.convert(op, drawing.Drawn({"name": segment}), negative=False) is None
    assert fuzzer.convert(op, drawing.Drawn({"name": "..."}), negative=False) is not None


def test_a_plain_json_body_is_drawn_valid_and_broken_at_one_place() -> None:
    session = open_session(Options(specs=[str(SPECS / "enos-connect-v2.5.yaml")], base_url="http://127.0.0.1:9",
                                   seed=1))
    try:
        op = session.contract.operation("createJob")
        fuzzer = _fuzzer(session)
        assert drawing.simple(op)
        positives = [fuzzer.convert(op, d, negative=False) for d in _draws(drawing.strategy(op, negative=False))]
        assert all(c is not None and c.expect == ACCEPT for c in positives), \
            [c.reason for c in positives if c is not None and c.expect != ACCEPT][:3]
        # optional members are sometimes sent: timeoutPolicy is optional, name is required
        bodies = [c.body for c in positives if c is not None]
        assert all("name" in b for b in bodies) and 0 < sum("timeoutPolicy" in b for b in bodies) < len(bodies)
        negatives = [fuzzer.convert(op, d, negative=True) for d in _draws(drawing.strategy(op, negative=True), 300)]
        judged = [c for c in negatives if c is not None]
        assert all(c.expect == REJECT for c in judged), [c.name for c in judged if c.expect != REJECT][:3]
        where = {c.location.split("/")[2] if c.location.startswith("/body/") else c.location for c in judged}
        # broken parameters, the body as a whole, and several of its members, each somewhere
        assert {"/query/action", "/query/orgId"} <= where
        assert len(where & {"name", "targetScope", "schedulePolicy", "commandInfo", "desc", "timeoutPolicy",
                            "retryPolicy"}) >= 5, where
        assert any(c.body is NO_BODY for c in judged)  # the required body left out
    finally:
        session.close()


MIXED = """
openapi: 3.0.3
info: {title: mixed lanes, version: "1"}
paths:
  /things:
    post:
      operationId: makeThing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - {type: object, required: [n], properties: {n: {type: integer, minimum: 1}}}
                - {type: object, required: [s], properties: {s: {type: string, maxLength: 3}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad, content: {application/json: {schema: {type: object}}}}
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: string, pattern: "^[a-f0-9]{8}$"}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 9}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad, content: {application/json: {schema: {type: object}}}}
"""


@pytest.mark.slow
def test_one_worker_and_two_send_the_same_cases(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    """Pieces of a costly mode are cut by budget, never by worker count: a seed gives one set of requests."""
    import subprocess
    import sys

    from ..corpus.catchall import Seen, serve_catchall

    spec = write_spec(MIXED)
    sent: dict[str, list[tuple[str, str, bytes]]] = {}
    for workers in ("1", "2"):
        seen: Seen = []
        with serve_catchall(seen=seen) as url:
            done = subprocess.run([sys.executable, "-c", "from contracts.cli import main; main()", "check",
                                   "--spec", str(spec), "--base-url", url, "--seed", "3", "--max-examples", "40",
                                   "-w", workers, "--report-dir", str(tmp_path / workers)],
                                  capture_output=True, text=True, timeout=300)
        assert done.returncode in (0, 1), done.stderr
        sent[workers] = sorted((m, p, b) for m, p, _, b in seen)
    session = open_session(Options(specs=[str(spec)], base_url="http://127.0.0.1:9", seed=3, max_examples=40))
    try:
        fuzzer = _fuzzer(session)
        assert fuzzer.chunks(session.contract.operation("makeThing")) == 2  # schemathesis' lane, in pieces
        assert fuzzer.chunks(session.contract.operation("getThing")) == 1
    finally:
        session.close()
    assert sent["1"] == sent["2"] and len(sent["1"]) > 40
