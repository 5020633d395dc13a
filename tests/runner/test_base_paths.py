"""An API served under a path prefix (``--base-url http://host/v1``, or a server URL with a path) is
read the same as one at the root: its path parameters are found after the prefix, in every producer.

Before, a check of an operation with path parameters under a base path reported its valid requests as
"mandatory path parameter is missing" accepted (an error on a correct server), and HAR and proxy
validation reported that parameter missing on every exchange."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request as StarletteRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contracts.cli import run
from contracts.core.http import Request
from contracts.core.http import Response as Answer
from contracts.core.validator import Contract
from contracts.runner.traffic import exchange_findings

from .servers import serve

SPEC = """
openapi: 3.0.3
info: {title: items, version: "1"}
servers: [{url: "https://api.example.com/base"}]
paths:
  /items/{id}:
    get:
      operationId: getItem
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
      responses:
        "200":
          description: the item
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties: {id: {type: integer}}
        "400":
          description: not an item id
          content:
            application/json:
              schema: {type: object}
"""


def item(request: StarletteRequest) -> Response:
    raw = request.path_params["id"]
    if not raw.isdigit() or int(raw) < 1:
        return JSONResponse({"error": f"bad id {raw!r}"}, status_code=400)
    return JSONResponse({"id": int(raw)})


def app(prefix: str) -> Starlette:
    return Starlette(routes=[Route(prefix + "/items/{id}", item)])


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "items.yaml"
    path.write_text(SPEC)
    return path


@pytest.mark.parametrize("prefix", ["/base", "/deeper/base"])
def test_a_correct_server_under_a_base_path_passes(prefix: str, spec: Path, tmp_path: Path) -> None:
    with serve(app(prefix)) as url:
        code = run(["check", "--spec", str(spec), "--base-url", url + prefix, "--seed", "1", "--max-examples", "20",
                    "--report-dir", str(tmp_path / "r")])
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert [f["message"] for f in report["findings"] if f["severity"] == "error"] == []
    assert code == 0
    assert report["summary"]["requests"] > 20  # the generated cases were sent too, not dropped as off-route


def test_a_server_that_ignores_the_id_under_a_base_path_is_still_caught(spec: Path, tmp_path: Path) -> None:
    lax = Starlette(routes=[Route("/base/items/{id}", lambda request: JSONResponse({"id": 1}))])
    with serve(lax) as url:
        code = run(["check", "--spec", str(spec), "--base-url", url + "/base", "--seed", "1", "--max-examples", "0",
                    "--report-dir", str(tmp_path / "r")])
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert code == 1
    assert any(f["check"] == "negative_data_rejection" and f["location"] == "/path/id" for f in report["findings"])


def test_recorded_exchanges_under_the_server_path_read_their_path_parameters(spec: Path) -> None:
    contract = Contract.from_paths([spec])
    ok = Answer(200, (("content-type", "application/json"),), b'{"id": 42}')
    request = Request("GET", "https://api.example.com/base/items/42")
    found = contract.match(request)
    assert found is not None and found.path_params == {"id": "42"}
    assert contract.path_params(found.operation, request) == {"id": "42"}
    assert exchange_findings(contract, request, ok, found) == []  # HAR and proxy validation
    assert list(contract.iter_findings(request, ok, operation="getItem")) == []  # the plugin, by operation
    bad = Request("GET", "https://api.example.com/base/items/0")
    kinds = [(f.kind, f.location) for f in exchange_findings(contract, bad, ok, contract.match(bad))]
    assert kinds == [("out-of-range", "/path/id")]  # the value is read, and judged


def test_a_path_off_the_template_has_no_path_parameters(spec: Path) -> None:
    contract = Contract.from_paths([spec])
    op = contract.operation("getItem")
    assert contract.path_params(op, Request("GET", "https://api.example.com/base/other/1")) is None
    assert contract.path_params(op, Request("GET", "https://api.example.com/items/7")) == {"id": "7"}


def test_a_docs_sample_url_under_the_server_path_gives_its_path_values(tmp_path: Path) -> None:
    from contracts.core.spec import load_spec
    from contracts.runner.plan import Planner, documented_values

    path = tmp_path / "items.yaml"
    path.write_text(SPEC.replace("      parameters:", "      x-request-samples:\n"
                                 "        - {name: docs, method: GET, url: 'https://api.example.com/base/items/314'}\n"
                                 "      parameters:", 1))
    spec = load_spec(path)
    op = spec.operations[0]
    assert documented_values(spec)["id"] == ["314"]
    samples = list(Planner().samples(op))
    assert samples and all(case.path_params == {"id": "314"} for case in samples)


def test_the_hint_for_a_wrong_method_under_the_server_path_names_the_documented_ones(spec: Path) -> None:
    contract = Contract.from_paths([spec])
    findings = list(contract.iter_findings(Request("DELETE", "https://api.example.com/base/items/42")))
    assert [f.kind for f in findings] == ["undocumented-endpoint"]
    assert findings[0].suggestion == "documented for this path: GET"
