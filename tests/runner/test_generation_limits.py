"""What the checker cannot generate or send is its own limit: reported, never a finding, never the end of a run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import strategies as st

from contracts.cli import run
from contracts.core.http import Request
from contracts.runner import engine
from contracts.runner.fuzz import Fuzzer
from contracts.runner.session import Options, open_session
from contracts.runner.transport import HttpTransport, TransportError

from ..corpus.catchall import Seen, serve_catchall
from .servers import ROOT

NOTHING_TO_NEGATE = """
openapi: 3.0.3
info: {title: nothing to negate, version: "1"}
paths:
  /:
    get:
      operationId: root
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /items/{id}:
    get:
      operationId: item
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /search:
    get:
      operationId: search
      parameters:
        - {name: q, in: query, schema: {type: integer, minimum: 1}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad input, content: {application/json: {schema: {type: object}}}}
"""

IMPOSSIBLE_ALL_OF = """
openapi: 3.0.3
info: {title: impossible allOf, version: "1"}
paths:
  /things:
    post:
      operationId: makeThing
      requestBody:
        required: true
        content:
          application/json:
            schema:
              allOf:
                - {type: object, properties: {n: {type: integer, minimum: 10}}, required: [n]}
                - {type: object, properties: {n: {type: integer, maximum: 5}}, required: [n]}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
  /other:
    get:
      operationId: other
      parameters:
        - {name: q, in: query, schema: {type: integer, minimum: 1}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad input, content: {application/json: {schema: {type: object}}}}
"""

CONTENT_LENGTH = """
openapi: 3.0.3
info: {title: documented Content-Length, version: "1"}
paths:
  /upload:
    post:
      operationId: upload
      parameters:
        - {name: Content-Length, in: header, required: true, schema: {type: integer, minimum: 0}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, properties: {a: {type: string}}}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad input, content: {application/json: {schema: {type: object}}}}
"""

BINARY_FIELD = """
openapi: 3.0.3
info: {title: a binary string in a JSON body, version: "1"}
paths:
  /files:
    post:
      operationId: putFile
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              additionalProperties: false
              required: [name, content]
              properties:
                name: {type: string}
                content: {type: string, format: binary}
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object}}}}
        "400": {description: bad input, content: {application/json: {schema: {type: object}}}}
"""


def check(spec: Path, url: str, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = run(["check", "--spec", str(spec), "--base-url", url, "--seed", "1", "--timeout", "5",
                "--report-dir", str(out), *extra])
    return code, json.loads((out / "report.json").read_text())


def test_nothing_to_make_invalid_is_reported_and_the_run_carries_on(
        write_spec: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = write_spec(NOTHING_TO_NEGATE)
    with serve_catchall() as url:
        code, report = check(spec, url, tmp_path / "out", "--max-examples", "10")
    out = capsys.readouterr()
    summary = report["summary"]
    assert summary["cannot_generate"] == {
        "root": {"negative": "nothing to make invalid: the operation has no parameters and no body"},
        "item": {"negative": "nothing to make invalid: every value its parameters and body can take is valid"}}
    assert "cannot generate: root (negative): nothing to make invalid" in out.out
    assert "Traceback" not in out.err and "internal error" not in out.err
    # every operation was still exercised, and the catch-all accepting q=0 is still caught
    assert set(summary["by_operation"]) == {"root", "item", "search"}
    assert all(summary["by_operation"][op]["cases"] > 0 for op in ("root", "item", "search"))
    assert code == 1
    assert {f["operation"] for f in report["findings"] if f["check"] == "negative_data_rejection"} == {"search"}
    assert not [f for f in report["findings"] if "generat" in f["message"].lower() and f["operation"] != "search"]


def test_an_unsatisfiable_all_of_stops_only_its_own_mode(write_spec: Callable[..., Path]) -> None:
    spec = write_spec(IMPOSSIBLE_ALL_OF)
    with serve_catchall() as url:
        cases = {}
        for budget in (0, 20):
            session = open_session(Options(specs=[str(spec)], base_url=url, max_examples=budget, seed=1, workers=1))
            try:
                result = session.runner().run(session.selected_operations())
            finally:
                session.close()
            cases[budget] = result.cases
    assert result.setup_error is None
    assert list(result.cannot_generate) == ["makeThing"]
    assert set(result.cannot_generate["makeThing"]) == {"positive"}
    assert result.cannot_generate["makeThing"]["positive"].startswith("no value satisfies the schema")
    # generation went on: the other operation, and makeThing's negative mode, got generated cases
    assert cases[20]["other"] > cases[0]["other"]
    assert cases[20]["makeThing"] > cases[0]["makeThing"]


def test_a_documented_content_length_never_ends_the_run(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    spec = write_spec(CONTENT_LENGTH)
    seen: Seen = []
    with serve_catchall(seen=seen) as url:
        code, report = check(spec, url, tmp_path / "out", "--max-examples", "10")
    summary = report["summary"]
    assert code in (0, 1) and summary.get("setup_error") is None
    assert summary["not_sendable"] >= 1
    assert any("Content-Length" in why for why in summary["not_sendable_reasons"])
    assert not [f for f in report["findings"] if f["check"] == "transport"]
    assert summary["requests"] == len(seen)  # what the client refused is not counted as sent


def test_the_transport_turns_a_client_refusal_into_unsendable_and_keeps_working() -> None:
    seen: Seen = []
    with serve_catchall(seen=seen) as url:
        transport = HttpTransport(url)
        try:
            with pytest.raises(TransportError) as refused:
                transport.send(Request("POST", f"{url}/upload", (("Content-Length", "1"),), b'{"a": "bc"}'))
            assert refused.value.kind == "unsendable" and "Content-Length" in refused.value.message
            answer = transport.send(Request("GET", f"{url}/after", (), None))
        finally:
            transport.close()
    assert answer.status == 200
    assert [(method, path) for method, path, _, _ in seen] == [("GET", "/after")]


def test_a_request_that_cannot_be_encoded_is_counted_not_sent(write_spec: Callable[..., Path]) -> None:
    spec = write_spec(CONTENT_LENGTH)
    with serve_catchall() as url:
        session = open_session(Options(specs=[str(spec)], base_url=url, max_examples=0, seed=1))
        try:
            runner = session.runner()
            case = session.planner._base(session.contract.operation("upload"), "generated", "NaN in the body")
            case.body = {"a": float("nan")}
            exchange = runner.execute(case)
        finally:
            session.close()
    assert exchange.response is None and "cannot be encoded" in (exchange.error or "")
    assert runner._raw == [] and runner._sent == 0
    assert sum(runner._unsendable.values()) == 1


def test_binary_strings_in_json_bodies_are_sent_as_strings(write_spec: Callable[..., Path], tmp_path: Path) -> None:
    spec = write_spec(BINARY_FIELD)
    bodies: dict[str, list[Any]] = {}
    for budget in ("0", "20"):
        seen: Seen = []
        with serve_catchall(seen=seen) as url:
            code, report = check(spec, url, tmp_path / budget, "--max-examples", budget)
        assert code in (0, 1) and "cannot_generate" not in report["summary"]
        bodies[budget] = [_json(body) for method, _, _, body in seen if method == "POST"]
    generated = [b for b in bodies["20"] if b not in bodies["0"] and isinstance(b, dict)]
    assert any(isinstance(b.get("content"), str) and isinstance(b.get("name"), str) for b in generated)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:  # the malformed-JSON negative cases
        return None


def _raises(exc: BaseException) -> Any:
    def draw() -> None:
        raise exc

    return st.builds(draw)


def _invalid_schema() -> BaseException:
    from schemathesis.core.errors import InvalidSchema

    return InvalidSchema("Can not generate data for query parameter `q`!", path="/pets", method="get")


@pytest.mark.parametrize(("strategy", "reason"), [
    (lambda: st.integers().filter(lambda _: False), "no valid request could be generated"),
    (lambda: st.integers(min_value=2, max_value=1), "hypothesis cannot build a strategy for it: "),
    (lambda: _raises(RecursionError("maximum recursion depth exceeded")), "the schema nests too deeply"),
    (lambda: _raises(_invalid_schema()), "schemathesis cannot generate from this schema: Can not generate data"),
], ids=["unsatisfiable", "invalid-argument", "recursion", "schemathesis-error"])
def test_generation_errors_never_escape_the_fuzzer(strategy: Callable[[], Any], reason: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    session = open_session(Options(specs=[str(ROOT / "specs" / "iotda-v5.yaml")], max_examples=4, seed=1))
    try:
        fuzzer = Fuzzer(session.contract, session.planner, 4, 1)
        monkeypatch.setattr(fuzzer, "_strategy", lambda *_: strategy())
        op = session.contract.operation("ListBatchTasks")
        probed: list[Any] = []
        assert fuzzer.explore(op, False, lambda case, record: (probed.append(case), [])[1]) == []
        assert fuzzer.cannot_generate(op, False).startswith(reason)
        assert fuzzer.cannot_generate(op, True) is None
        fuzzer.prepare([op])  # the warm-up swallows it too
        assert fuzzer.shrink_all(op, False, [("ListBatchTasks", "x", "/", "y")], lambda *_: (None, [])) == {}
    finally:
        session.close()
    assert probed == []


def test_what_the_probe_raises_is_never_taken_for_a_generation_limit() -> None:
    class SetUp(Exception):
        pass

    session = open_session(Options(specs=[str(ROOT / "specs" / "iotda-v5.yaml")], max_examples=4, seed=1))
    try:
        fuzzer = Fuzzer(session.contract, session.planner, 4, 1)
        op = session.contract.operation("ListBatchTasks")

        def probe(case: Any, record: bool) -> Any:
            raise SetUp("connection refused")

        with pytest.raises(SetUp):
            fuzzer.explore(op, False, probe)
        assert fuzzer.cannot == {}
    finally:
        session.close()


def test_a_worker_returns_its_errors_as_data(write_spec: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception that does not survive pickling would hang the parent: workers send text instead."""
    class Unpicklable(Exception):
        def __init__(self, kind: str, message: str) -> None:
            super().__init__(message)
            self.kind = kind

    spec = write_spec(NOTHING_TO_NEGATE)
    with serve_catchall() as url:
        session = open_session(Options(specs=[str(spec)], base_url=url, max_examples=4, seed=1))
        try:
            runner = session.runner()
            ops = [session.contract.operation("root")]
            monkeypatch.setattr(engine, "_FORKED", (runner, ops))
            limited = engine._generate_task(0, True, 0)

            def explore(*_: Any) -> Any:
                raise Unpicklable("x", "boom")

            monkeypatch.setattr(runner.fuzzer, "explore", explore)
            broken = engine._generate_task(0, False, 0)
        finally:
            session.close()
    assert limited.error is None
    assert limited.cannot == "nothing to make invalid: the operation has no parameters and no body"
    assert broken.error is not None and broken.error.splitlines()[-1].endswith("Unpicklable: boom")
    failure = engine.GenerationWorkerError(ops[0], False, broken.error)
    assert "\n" not in str(failure) and str(failure).startswith("generating for root (positive): ")


FORKED = """
import json, sys
from contracts.runner import engine
from contracts.runner.session import Options, open_session

forked = []
start = engine.Runner._start_generation
def spy(self, *args):
    pending = start(self, *args)
    forked.append(pending is not None)
    return pending
engine.Runner._start_generation = spy
out = {}
for workers in (1, 2):
    session = open_session(Options(specs=[sys.argv[1]], base_url=sys.argv[2], max_examples=10, seed=3,
                                   workers=workers))
    try:
        result = session.runner().run(session.selected_operations())
    finally:
        session.close()
    out[workers] = {"cases": result.cases, "cannot": result.cannot_generate, "setup": result.setup_error}
out["forked"] = forked
print(json.dumps(out))
"""


@pytest.mark.slow
def test_forked_workers_report_what_they_cannot_generate(write_spec: Callable[..., Path]) -> None:
    """In a fresh single-threaded process (the only place the runner forks): the same report either way."""
    spec = write_spec(NOTHING_TO_NEGATE + IMPOSSIBLE_ALL_OF.split("paths:\n", 1)[1])
    with serve_catchall() as url:
        proc = subprocess.run([sys.executable, "-c", FORKED, str(spec), url], capture_output=True, text=True,
                              timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["forked"] == [False, True]
    assert out["1"] == out["2"]
    assert out["2"]["setup"] is None
    assert set(out["2"]["cannot"]) == {"root", "item", "makeThing"}
    assert set(out["2"]["cannot"]["makeThing"]) == {"positive"}
